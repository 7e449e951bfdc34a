"""The scale benchmark (bench/bench_scale.py) at a small size: collect and collect again
(TienDo and LichSu written streamed, and loaded in full), summary, summary --write (with the
collected sheets carried over, and loaded in full) and the floor run to their end, and
the floor writes as many TienDo rows as collect does. Never asserts a time."""

from __future__ import annotations

import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

import bench_collect  # noqa: E402
import bench_scale  # noqa: E402
from openpyxl import load_workbook  # noqa: E402

from kehoach.sheets import progress_layout as pl  # noqa: E402


def test_one_size_measures_every_run_and_the_floor_writes_every_row(tmp_path: Path) -> None:
    result = bench_scale.measure(12, 10, tmp_path)
    runs = ("collect", "collect_full", "collect_again", "collect_again_full")
    for kind in (*runs, "summary_read", "summary", "summary_full", "floor"):
        assert result[kind]["cpu_s"] > 0 and result[kind]["peak_mb"] > 0, kind
    assert result["rows"] > 0
    prepared = bench_collect.prepare(12, 10, bench_scale.SEED, tmp_path)
    out = tmp_path / "floor.xlsx"
    bench_scale.floor(Path(prepared["folder"]), prepared["rows"], out)
    ws = load_workbook(out, read_only=True)[pl.PROGRESS_SHEET]
    rows = list(ws.iter_rows(min_row=pl.FIRST_DATA_ROW, values_only=True))
    assert len(rows) == result["rows"]
    assert all(r[0] for r in rows)  # every row starts with its task's id
    assert "12 / 10" in bench_scale.table([result])
