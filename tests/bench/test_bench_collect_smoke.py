"""The collect benchmark (bench/bench_collect.py) at a small size: the filled-in returns are
accepted by intake, both variants report numbers over the same cells. Never asserts a time."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

import bench_collect  # noqa: E402

from kehoach.collect.intake import intake_folder  # noqa: E402
from kehoach.collect.values import is_blank  # noqa: E402
from kehoach.sheets import extract_layout as ex  # noqa: E402


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("bench-collect")


@pytest.fixture(scope="module")
def report(work: Path) -> dict[str, Any]:
    return bench_collect.bench(agencies=45, tasks=12, seed=1, work=work, repeat=1, whole=True)


def test_both_variants_report_numbers(report: dict[str, Any]) -> None:
    ours, floor = report["variants"]["ours"], report["variants"]["floor"]
    for variant in (ours, floor):
        for key in ("wall_s", "cpu_s", "peak_rss_mb", "mb_read", "files", "rows", "cells"):
            assert variant[key] > 0, key
    assert (ours["files"], ours["rows"], ours["cells"]) == (
        floor["files"],
        floor["rows"],
        floor["cells"],
    )
    assert set(report["ratios"]) == {"total_time", "total_cpu", "peak_rss"}
    text = bench_collect.table(report)
    assert "ours" in text and "floor" in text and "ours/floor" in text


def test_whole_collect_writes_every_report_then_finds_them_collected(
    report: dict[str, Any],
) -> None:
    first, again = report["whole"]["first"], report["whole"]["again"]
    ours = report["variants"]["ours"]
    assert first["progress_rows"] == ours["rows"]  # one TienDo row per signed task row
    assert first["changes"] == ours["cells"]  # every typed cell is a change the first time
    assert first["accepted"] == ours["files"] and again["unchanged"] == ours["files"]
    assert again["changes"] == 0 and again["history_mb"] == 0  # nothing new: no history file
    for run in (first, again):
        for key in ("wall_s", "cpu_s", "master_mb", "peak_rss_mb"):
            assert run[key] > 0, key
    assert first["history_mb"] > 0
    assert "kehoach collect, whole" in bench_collect.table(report)


def test_every_input_cell_is_filled_and_every_return_accepted(
    report: dict[str, Any], work: Path
) -> None:
    prepared = bench_collect.prepare(45, 12, 1, work)
    assert prepared["prepare_s"] == 0  # the second call reuses the folder
    outcomes = intake_folder(Path(prepared["folder"]), bench_collect.KEY, prepared["plan_id"])
    assert outcomes and all(o.accepted for o in outcomes)
    statuses = {r.values[ex.STATUS_KEY] for o in outcomes for r in o.rows}
    assert statuses == {r[ex.STATUS_KEY] for r in bench_collect.REPORTS}
    for outcome in outcomes:
        for row in outcome.rows:
            typed = bench_collect.REPORTS[(row.row - ex.FIRST_DATA_ROW) % 4]
            for key, value in row.values.items():
                expected = typed.get(key)
                ok = is_blank(value) if expected is None else value == expected
                assert ok, (outcome.name, row.row, key, value)


def test_command_line_prints_the_table_and_a_profile(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["--agencies", "43", "--tasks", "6", "--work", str(work), "--profile", "5"]
    assert bench_collect.main(args) == 0
    printed = capsys.readouterr().out
    assert "wall time, s" in printed and "ours/floor" in printed
    assert "intake_folder" in printed
