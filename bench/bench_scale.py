"""Benchmark: a whole round of ``kehoach collect`` and ``kehoach summary --write`` at several
sizes of a synthetic province, against a floor measured in the same run.

    python bench/bench_scale.py [--sizes 50/125,100/250,200/500] [--work DIR] [--json]

For each size (agencies/tasks, ``bench/synthetic.py``): the filled-in returns and the master
of ``bench_collect`` (prepared once, kept in ``--work``). In a process of its own each,
started on a fresh copy of the master:

- ``collect``: ``kehoach collect MASTER --from RETURNS`` (every file new);
- ``collect (full load)``: the same on another copy, with every sheet loaded and saved in
  full by openpyxl (``state.master.load_for_writing`` without ``carry``) instead of TienDo and
  LichSu written streamed and the other sheets carried;
- ``collect again``: ``collect`` once more on the master it wrote, the same folder (every file
  known: ThuThap alone is written), and the same with the full load on the full load's master;
- ``summary``: ``kehoach summary MASTER`` (reads it, prints the summary) on the master
  ``collect`` wrote;
- ``summary --write``: ``kehoach summary MASTER --write`` on it (writes TongHop);
- ``summary --write (full load)``: the same on another copy, with every sheet loaded and
  saved in full by openpyxl (``state.master.load_for_writing`` without ``carry``) instead of
  carried over;
- ``floor``: python-calamine reading every return's tasks and metadata sheets (what intake
  must read), then XlsxWriter writing one row per task row read, with the TienDo columns,
  into a workbook of its own.

Every child imports from bytecode cached in ``--work`` (``child_env``), filled by an untimed
round of the three at the first size. The table gives CPU time (user + system, the
interpreter's start and imports included) and peak RSS of each, and each one's time per
1,000 TienDo rows: constant when time grows linearly with the work.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:0] = [str(BENCH), str(ROOT / "pylib")]

from child_env import child_env  # noqa: E402

RECEIVED_AT = "2023-12-01T08:00:00"
RECEIVED_AT_AGAIN = "2023-12-02T08:00:00"
AS_OF = "2023-12-31"
SEED = 365


def floor(folder: Path, rows: dict[str, int], out: Path) -> None:
    """Read what intake reads with calamine; write the rows TienDo gets with XlsxWriter."""
    import xlsxwriter
    from python_calamine import CalamineWorkbook

    from kehoach.sheets import extract_layout as ex
    from kehoach.sheets import progress_layout as pl

    book = xlsxwriter.Workbook(str(out), {"constant_memory": True})
    ws = book.add_worksheet(pl.PROGRESS_SHEET)
    ws.write_row(pl.HEADER_ROW - 1, 0, [c.header for c in pl.PROGRESS_COLUMNS])
    row = pl.FIRST_DATA_ROW - 1
    start = ex.FIRST_DATA_ROW - 1
    width = len(pl.PROGRESS_COLUMNS)
    for name in sorted(rows):
        wb = CalamineWorkbook.from_path(str(folder / name))
        cells = wb.get_sheet_by_name(ex.TASKS_SHEET).to_python(skip_empty_area=False)
        wb.get_sheet_by_name(ex.META_SHEET).to_python(skip_empty_area=False)
        wb.close()
        for cell_row in cells[start : start + rows[name]]:
            ws.write_row(row, 0, [*cell_row[:width], name][:width])
            row += 1
    book.close()


def _child(kind: str, args: list[str]) -> None:
    if kind == "floor":
        folder, prepared, out = Path(args[0]), Path(args[1]), Path(args[2])
        floor(folder, json.loads(prepared.read_text())["rows"], out)
    else:
        if kind in ("collect-full", "summary-full"):  # every sheet loaded and saved in full
            import kehoach.state.master as state
            from kehoach.sheets.sheetdata import load_for_writing

            def in_full(path: Path, **kwargs: Any) -> Any:
                return load_for_writing(path)

            setattr(state, "load_for_writing", in_full)  # noqa: B010 (what the state calls)
        from kehoach.cli import main

        code = main(args)
        if code not in (0, 1):
            raise SystemExit(code)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(
        json.dumps({"cpu_s": usage.ru_utime + usage.ru_stime, "peak_mb": usage.ru_maxrss / 1024}),
        file=sys.stderr,
    )


def _run(kind: str, args: list[str], work: Path) -> dict[str, float]:
    """One child, its bytecode cached in ``work``."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", kind, "--", *args]
    env = child_env(work)
    done = subprocess.run(cmd, capture_output=True, text=True, check=False, cwd=ROOT, env=env)
    if done.returncode != 0:
        raise RuntimeError(f"{kind} failed:\n{done.stderr[-3000:]}")
    result: dict[str, float] = json.loads(done.stderr.strip().splitlines()[-1])
    return result


def measure(agencies: int, tasks: int, work: Path, warm: bool = False) -> dict[str, Any]:
    """The four runs at one size; with ``warm``, after the same four untimed (they fill the
    bytecode cache in ``work``)."""
    import bench_collect

    prepared = bench_collect.prepare(agencies, tasks, SEED, work)
    master = bench_collect.master_for(agencies, tasks, SEED, work)
    base = master.parent
    rows = sum(prepared["rows"].values())
    for _ in range(2 if warm else 1):
        run = Path(tempfile.mkdtemp(prefix="kehoach-bench-scale-"))
        try:
            copy = Path(shutil.copy2(master, run / master.name))
            (run / "full").mkdir()
            in_full = Path(shutil.copy2(master, run / "full" / master.name))
            collects: dict[str, dict[str, float]] = {}
            for key, kind, path in (
                ("collect", "collect", copy),
                ("collect_full", "collect-full", in_full),
                ("collect_again", "collect", copy),
                ("collect_again_full", "collect-full", in_full),
            ):
                again = ["--received-at", RECEIVED_AT_AGAIN if "again" in key else RECEIVED_AT]
                args = ["collect", str(path), "--from", prepared["folder"], *again]
                collects[key] = _run(kind, args, work)
            other = Path(shutil.copy2(copy, run / f"full-{master.name}"))
            summary_args = ["summary", str(copy), "--as-of", AS_OF]
            read = _run("summary", summary_args, work)
            summary = _run("summary", [*summary_args, "--write"], work)
            floor_run = _run(
                "floor",
                [prepared["folder"], str(base / "ready.json"), str(run / "floor.xlsx")],
                work,
            )
            full_args = ["summary", str(other), "--as-of", AS_OF, "--write"]
            full = _run("summary-full", full_args, work)
        finally:
            shutil.rmtree(run, ignore_errors=True)
    return {
        "agencies": agencies,
        "tasks": tasks,
        "rows": rows,
        **collects,
        "summary_read": read,
        "summary": summary,
        "summary_full": full,
        "floor": floor_run,
    }


def table(results: list[dict[str, Any]]) -> str:
    lines = [
        "| agencies / tasks | TienDo rows | floor CPU s (MB) | collect CPU s (MB) | ×floor "
        "| summary CPU s (MB) | ×floor | summary --write CPU s (MB) | ×floor "
        "| summary --write, full load: CPU s (MB) | ×floor "
        "| ms per 1,000 rows: floor / collect / summary / summary --write |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        f, c, s, w = r["floor"], r["collect"], r["summary_read"], r["summary"]
        per = " / ".join(f"{1000 * x['cpu_s'] / r['rows'] * 1000:.0f}" for x in (f, c, s, w))
        cells = [f"{r['agencies']} / {r['tasks']}", f"{r['rows']:,}", _run_cell(f)]
        for x in (c, s, w, r["summary_full"]):
            cells += [_run_cell(x), f"{x['cpu_s'] / f['cpu_s']:.2f}×"]
        lines.append("| " + " | ".join([*cells, per]) + " |")
    lines += [
        "",
        "| agencies / tasks | collect CPU s (MB) | full load: CPU s (MB) | ×streamed "
        "| collect again CPU s (MB) | full load: CPU s (MB) | ×streamed |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        cells = [f"{r['agencies']} / {r['tasks']}"]
        for ours, full in (("collect", "collect_full"), ("collect_again", "collect_again_full")):
            ratio = r[full]["cpu_s"] / r[ours]["cpu_s"]
            cells += [_run_cell(r[ours]), _run_cell(r[full]), f"{ratio:.2f}×"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _run_cell(run: dict[str, float]) -> str:
    return f"{run['cpu_s']:.2f} ({run['peak_mb']:.0f})"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        _child(argv[1], argv[3:])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="50/125,100/250,200/500")
    parser.add_argument(
        "--work", type=Path, default=Path(tempfile.gettempdir()) / "kehoach-bench-collect"
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    sizes = [tuple(int(n) for n in s.split("/")) for s in args.sizes.split(",")]
    # The first size (the smallest, as given) runs once untimed first: the caches exist after.
    results = [measure(a, t, args.work, warm=n == 0) for n, (a, t) in enumerate(sizes)]
    print(json.dumps(results, indent=2) if args.json else table(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
