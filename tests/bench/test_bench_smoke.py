"""The benchmark (bench/) at a small size: it runs, reports both variants, and the floor writes
the cells ours writes. Never asserts a time: that is the benchmark's to report."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import openpyxl
import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

import bench_extracts  # noqa: E402
from synthetic import synthetic_province  # noqa: E402

from kehoach.agencies.resolve import resolve_plan  # noqa: E402
from kehoach.plan.model import APPENDIX_IDS  # noqa: E402


def test_synthetic_province_has_the_asked_size_and_is_deterministic() -> None:
    plan, directory = synthetic_province(agencies=120, tasks=90, seed=7)
    assert len(directory.recipients()) == 120
    assert len(plan.iter_tasks()) == 90
    assert [a.id for a in plan.appendices] == list(APPENDIX_IDS)
    kinds = [a.kind for a in directory.recipients()]
    assert kinds.count("commune") > kinds.count("district") > 0
    again_plan, again_directory = synthetic_province(agencies=120, tasks=90, seed=7)
    assert again_plan.to_dict() == plan.to_dict()
    assert again_directory == directory
    assert synthetic_province(agencies=120, tasks=90, seed=8)[0].to_dict() != plan.to_dict()


def test_synthetic_texts_make_the_resolver_work() -> None:
    plan, directory = synthetic_province(agencies=120, tasks=90, seed=7)
    resolution = resolve_plan(plan, directory)
    communes = {a.code for a in directory.agencies if a.kind == "commune"}
    reached = {a.agency for a in resolution.assignments}
    assert communes <= reached  # "UBND cấp xã" reaches every commune
    assert any(a.via for a in resolution.assignments)  # through groups
    assert any(not a.via and a.agency in communes for a in resolution.assignments)  # by name
    assert not resolution.unresolved


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("bench")
    return bench_extracts.bench(agencies=45, tasks=12, seed=1, out=out, trace=True) | {"out": out}


def test_bench_reports_both_variants(report: dict[str, Any]) -> None:
    ours, floor = report["variants"]["ours"], report["variants"]["floor"]
    for variant in (ours, floor):
        assert variant["files"] > 0
        for key in ("wall_s", "cpu_s", "extract_s", "peak_rss_mb", "traced_peak_mb", "mb_written"):
            assert variant[key] > 0, key
    assert ours["files"] == floor["files"]
    assert "resolve_s" in ours
    assert set(report["ratios"]) == {
        "extract_time",
        "total_time",
        "total_cpu",
        "peak_rss",
        "traced_peak",
    }
    text = bench_extracts.table(report)
    assert "ours" in text and "floor" in text and "ours/floor" in text


def _values(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    wb = openpyxl.load_workbook(path)
    out = {ws.title: list(ws.iter_rows(values_only=True)) for ws in wb.worksheets}
    ws = wb.worksheets[0]
    out["validations"] = [(dv.type, str(dv.sqref)) for dv in ws.data_validations.dataValidation]
    out["protected"] = [(w.title, w.protection.sheet, w.sheet_state) for w in wb.worksheets]
    return out


def test_the_floor_writes_the_cells_ours_writes(report: dict[str, Any]) -> None:
    out: Path = report["out"]
    names = sorted(p.name for p in (out / "ours").glob("*.xlsx"))
    assert names == sorted(p.name for p in (out / "floor").glob("*.xlsx"))
    for name in names[:3]:
        assert _values(out / "floor" / name) == _values(out / "ours" / name), name


def test_command_line_prints_the_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["--agencies", "43", "--tasks", "6", "--no-tracemalloc", "--out", str(tmp_path)]
    assert bench_extracts.main(args) == 0
    printed = capsys.readouterr().out
    assert "wall time, s" in printed and "ours/floor" in printed
