"""Benchmark: collecting the returns of a synthetic province, ours against a calamine floor.

    python bench/bench_collect.py [--agencies 650] [--tasks 2000] [--seed 365] [--work DIR]
                                  [--profile N] [--json]

Prepared once per size and seed, and kept in ``--work`` (default: a folder under the system's
temporary folder) so that a second run starts measuring at once: the synthetic province's
agency workbooks (``generate_extracts``, fixed key and date), then every one filled in as an
agency would: status, %, results, evidence or difficulties, report date on every task row.
The filling patches the tasks sheet's XML (and the shared strings, where Excel puts typed
text) instead of going through openpyxl: only the input cells change, so every signature
still holds, and 650 files take seconds rather than minutes.

Two variants, each in a subprocess of its own, in the same run, on the same folder:

- ``ours``: ``intake_folder(folder, key, plan_id)``, what ``kehoach collect`` does before it
  writes anything: zip guard, openpyxl, signature, sheets, rows, every input value, the
  completion rule; every file must come back accepted;
- ``floor``: python-calamine (Rust) opening each file and reading what intake must read: the
  tasks sheet's cells for the signed row count (known beforehand, outside the timing) and
  the hidden metadata sheet; nothing else (no zip guard, no signature, no checks).

Every child imports what it needs before it starts measuring, from bytecode cached in
``--work`` (``child_env``), which a first child that only imports fills.

Measured per variant: wall time, CPU time, peak resident memory of the process (VmHWM from
/proc, as in ``bench_extracts``: a child's ``ru_maxrss`` carries its parent's peak on Linux;
``getrusage`` elsewhere) and its growth during the work. ``--repeat N`` (default 3) runs the
pair N times, alternating, and keeps each variant's fastest run: on a shared virtual machine
one run's times vary by a third. The table gives ours/floor; the aim is within 2×. Ours also
reports how many files each reader read (``kehoach.collect.return_book``: calamine for plain files).
``--profile N`` runs ours once more under cProfile and prints its N costliest functions
(cumulative and own time).

``--whole`` then times what follows intake too, once: ``kehoach collect`` on a copy of the
province's master (built once, beside the returns: the synthetic plan and directory, the same
key), so the merge, the history workbook and the master's save; then the same command again
on the same folder (every file already collected: what a later run costs once TienDo holds
the whole province). Each run in a process of its own, with its own peak. No floor: this is
where the time goes, not a comparison.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH), str(BENCH.parent / "pylib")]

from bench_extracts import (  # noqa: E402
    GENERATED_AT,
    KEY,
    _peak_rss_kb,
    _status_kb,
    side_by_side,
)
from child_env import child_env, warm_up  # noqa: E402

from kehoach.sheets import extract_layout as ex  # noqa: E402

VARIANTS = ("ours", "floor")
WHOLE = ("first", "again")  # kehoach collect on the province's master, then once more
WARM = "warm"  # a child that imports what the others import, then stops: fills the caches
# What every child imports before it starts measuring (its work imports nothing more).
IMPORTS = ("kehoach.collect.intake", "python_calamine")
RECEIVED_AT = "2023-10-01T08:00:00"
TASKS_XML = "xl/worksheets/sheet1.xml"  # the tasks sheet, first in every extract
STRINGS_XML = "xl/sharedStrings.xml"
_FIRST_INPUT = ex.CURRENT.input_positions[0] - 1  # 0-based column of the first input cell
_LETTERS = {ex.CURRENT.letter(c.key): c.key for c in ex.INPUT_COLUMNS}  # contiguous, F … L
_EMPTY_INPUT = re.compile(rf'<c r="([{min(_LETTERS)}-{max(_LETTERS)}])(\d+)" s="(\d+)"/>')
REPORT_DAY = date(2023, 9, 30)
_EXCEL_EPOCH = date(1899, 12, 30)
# What agencies report, one task row after another (every row filled, so every cell is read).
REPORTS: tuple[dict[str, Any], ...] = (
    {
        ex.STATUS_KEY: ex.STATUS_DONE,
        ex.PERCENT_KEY: 100,
        ex.RESULTS_KEY: "Đã ban hành kế hoạch triển khai và tổ chức thực hiện",
        ex.EVIDENCE_KEY: "Số 12/QĐ-UBND ngày 05/6/2023",
        ex.REPORT_DATE_KEY: REPORT_DAY,
    },
    {
        ex.STATUS_KEY: ex.STATUS_IN_PROGRESS,
        ex.PERCENT_KEY: 40,
        ex.RESULTS_KEY: "Đang xây dựng dự thảo, lấy ý kiến các phòng chuyên môn",
        ex.DIFFICULTIES_KEY: "Thiếu kinh phí, đề nghị bổ sung trong dự toán năm sau",
        ex.REPORT_DATE_KEY: REPORT_DAY,
    },
    {
        ex.STATUS_KEY: ex.STATUS_DONE,
        ex.PERCENT_KEY: 100,
        ex.RESULTS_KEY: "Đã tổ chức hội nghị tập huấn cho cán bộ, công chức",
        ex.EXPLANATION_KEY: "Tổ chức lồng ghép trong hội nghị giao ban, không ban hành văn bản",
        ex.REPORT_DATE_KEY: REPORT_DAY,
    },
    {
        ex.STATUS_KEY: ex.STATUS_NOT_STARTED,
        ex.PERCENT_KEY: 0,
        ex.DIFFICULTIES_KEY: "Chờ hướng dẫn của Sở Nội vụ",
        ex.REPORT_DATE_KEY: REPORT_DAY,
    },
)


# --- preparing the folder of returns (once per size) ---------------------------------------


def fill_returned(data: bytes) -> bytes:
    """An extract's bytes with every task row's input cells typed in (``REPORTS`` in turn):
    numbers and dates as numbers, text as shared strings, as Excel saves them. Nothing else
    changes, so the signature still holds."""
    src = zipfile.ZipFile(io.BytesIO(data))
    sheet = src.read(TASKS_XML).decode()
    strings = src.read(STRINGS_XML).decode()
    added: dict[str, int] = {}
    unique = int(re.search(r'uniqueCount="(\d+)"', strings)[1])  # type: ignore[index]
    count = int(re.search(r' count="(\d+)"', strings)[1])  # type: ignore[index]

    def typed(match: re.Match[str]) -> str:
        letter, row, style = match[1], int(match[2]), match[3]
        value = REPORTS[(row - ex.FIRST_DATA_ROW) % len(REPORTS)].get(_LETTERS[letter])
        ref = f'r="{letter}{row}" s="{style}"'
        if value is None:
            return match[0]
        if isinstance(value, date):
            return f"<c {ref}><v>{(value - _EXCEL_EPOCH).days}</v></c>"
        if isinstance(value, int | float):
            return f"<c {ref}><v>{value}</v></c>"
        nonlocal count
        count += 1
        index = added.setdefault(value, unique + len(added))
        return f'<c {ref} t="s"><v>{index}</v></c>'

    sheet = _EMPTY_INPUT.sub(typed, sheet)
    items = "".join(f"<si><t>{escape(text)}</t></si>" for text in added)
    strings = re.sub(r' count="\d+"', f' count="{count}"', strings, count=1)
    strings = re.sub(r'uniqueCount="\d+"', f'uniqueCount="{unique + len(added)}"', strings)
    strings = strings.replace("</sst>", items + "</sst>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = {TASKS_XML: sheet, STRINGS_XML: strings}.get(info.filename)
            dst.writestr(info, src.read(info) if body is None else body.encode())
    return out.getvalue()


def prepare(agencies: int, tasks: int, seed: int, work: Path) -> dict[str, Any]:
    """The folder of filled-in returns for this size and seed, generated unless already in
    ``work``: ``{"folder", "plan_id", "rows" (file name → signed task rows), "prepare_s"}``."""
    from synthetic import synthetic_province

    from kehoach.agencies.resolve import resolve_plan
    from kehoach.extract.files import generate_extracts

    base = work / f"province-{agencies}-{tasks}-{seed}"
    ready = base / "ready.json"
    if ready.is_file():
        return {**json.loads(ready.read_text()), "folder": str(base / "returns"), "prepare_s": 0}
    start = time.perf_counter()
    if base.exists():
        shutil.rmtree(base)
    plan, directory = synthetic_province(agencies, tasks, seed)
    assignments = resolve_plan(plan, directory).assignments
    extracts = base / "extracts"
    manifest = generate_extracts(
        plan, directory, assignments, extracts, KEY, generated_at=GENERATED_AT
    )
    returns = base / "returns"
    returns.mkdir()
    for entry in manifest.entries:
        (returns / entry.file).write_bytes(fill_returned((extracts / entry.file).read_bytes()))
    info = {
        "agencies": len(directory.recipients()),
        "tasks": len(plan.iter_tasks()),
        "plan_id": plan.number,
        "rows": {e.file: e.lead_tasks + e.coordinating_tasks for e in manifest.entries},
    }
    ready.write_text(json.dumps(info))
    return {**info, "folder": str(returns), "prepare_s": time.perf_counter() - start}


# --- the two variants ---------------------------------------------------------------------


def run_ours(folder: Path, plan_id: str) -> Callable[[], dict[str, Any]]:
    """What ``kehoach collect`` does before writing: one intake of the whole folder; returns
    how to count what it read (outside the timing)."""
    from kehoach.collect.intake import intake_folder
    from kehoach.collect.values import is_blank

    outcomes = intake_folder(folder, KEY, plan_id)

    def counts() -> dict[str, Any]:
        rejected = [f"{o.name}: {o.reason}" for o in outcomes if not o.accepted]
        if rejected:
            raise RuntimeError("rejected returns:\n" + "\n".join(rejected[:5]))
        rows = [r for o in outcomes for r in o.rows]
        cells = sum(not is_blank(v) for r in rows for v in r.values.values())
        return {"files": len(outcomes), "rows": len(rows), "cells": cells}

    return counts


def readers(folder: Path) -> dict[str, int]:
    """How many files each of intake's readers reads (after the timing: it opens them again)."""
    from kehoach.collect.return_book import open_return
    from kehoach.collect.returns import Limits
    from kehoach.collect.zipguard import Package, unpack

    counts: dict[str, int] = {}
    for path in sorted(folder.iterdir()):
        data = path.read_bytes()
        package = unpack(data, Limits())
        if isinstance(package, Package):
            reader = open_return(data, package).reader
            counts[reader] = counts.get(reader, 0) + 1
    return counts


def master_for(agencies: int, tasks: int, seed: int, work: Path) -> Path:
    """The synthetic province's master (plan sheets, directory, the bench's key), built once
    beside its returns: what ``kehoach collect`` reads and writes in ``--whole``."""
    from synthetic import synthetic_province

    from kehoach.extract.signing import key_edits
    from kehoach.sheets.edits import apply_to_workbook
    from kehoach.workbook.master import fill_master
    from kehoach.workbook.xlsm import build_xlsm

    path = work / f"province-{agencies}-{tasks}-{seed}" / "master.xlsm"
    if not path.is_file():
        plan, directory = synthetic_province(agencies, tasks, seed)

        def fill(wb: Any) -> None:
            fill_master(wb, plan, directory=directory)
            apply_to_workbook(wb, key_edits(KEY))

        build_xlsm(path, fill, BENCH.parent / "macros")
    return path


def run_whole(master: Path, folder: Path) -> dict[str, Any]:
    """``kehoach collect`` once on ``master`` (a copy: it is written); the run's wall and CPU
    time, its counts, the sizes of the master and of the history workbook it wrote."""
    import contextlib

    from kehoach.cli import main as kehoach

    out, err = io.StringIO(), io.StringIO()
    start, cpu = time.perf_counter(), time.process_time()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        args = ["collect", str(master), "--from", str(folder), "--json"]
        code = kehoach([*args, "--received-at", RECEIVED_AT])
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    if code != 0:
        raise RuntimeError(f"kehoach collect returned {code}:\n{err.getvalue()[-2000:]}")
    report = json.loads(out.getvalue())
    history = master.parent / report["history_file"] if report["history_file"] else None
    return {
        "wall_s": wall,
        "cpu_s": cpu,
        **report["counts"],
        "history_mb": history.stat().st_size / 2**20 if history else 0.0,
        "master_mb": master.stat().st_size / 2**20,
    }


def run_floor(folder: Path, rows: dict[str, int]) -> Callable[[], dict[str, Any]]:
    """python-calamine: open each file, read the tasks sheet's rows and the metadata sheet;
    returns how to count what it read (outside the timing)."""
    from python_calamine import CalamineWorkbook

    first, last, start = _FIRST_INPUT, _FIRST_INPUT + len(ex.INPUT_COLUMNS), ex.FIRST_DATA_ROW - 1
    inputs = []  # kept, as intake keeps the input values
    for name in sorted(rows):
        wb = CalamineWorkbook.from_path(str(folder / name))
        cells = wb.get_sheet_by_name(ex.TASKS_SHEET).to_python(skip_empty_area=False)
        inputs.append([row[first:last] for row in cells[start : start + rows[name]]])
        wb.get_sheet_by_name(ex.META_SHEET).to_python(skip_empty_area=False)
        wb.close()

    def counts() -> dict[str, Any]:
        read = sum(1 for table in inputs for row in table for value in row if value != "")
        return {"files": len(rows), "rows": sum(rows.values()), "cells": read}

    return counts


# --- measuring, each variant in a process of its own --------------------------------------


def child(variant: str, prepared: dict[str, Any], profile: int) -> dict[str, Any]:
    """Run one variant on the prepared folder; what it measured (printed as JSON)."""
    for module in (*IMPORTS, *(("kehoach.cli",) if variant in (*WHOLE, WARM) else ())):
        importlib.import_module(module)  # importing is not what is measured
    if variant == WARM:
        return {"variant": variant}
    folder = Path(prepared["folder"])
    if variant in WHOLE:
        whole = run_whole(Path(prepared["whole_master"]), folder)
        return {"variant": variant, **whole, "peak_rss_mb": _peak_rss_kb() / 1024}
    work: Callable[[], Callable[[], dict[str, Any]]]
    if variant == "ours":
        work = lambda: run_ours(folder, prepared["plan_id"])  # noqa: E731
    else:
        work = lambda: run_floor(folder, prepared["rows"])  # noqa: E731
    if profile:
        return {"variant": variant, "profile": _profiled(work, profile)}
    gc.collect()
    before = _status_kb("VmRSS") or 0
    start, cpu = time.perf_counter(), time.process_time()
    count = work()
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    peak_kb = _peak_rss_kb()
    counts = count()
    if variant == "ours":
        counts["readers"] = readers(folder)
    return {
        "variant": variant,
        "wall_s": wall,
        "cpu_s": cpu,
        **counts,
        "mb_read": sum(p.stat().st_size for p in folder.iterdir()) / 2**20,
        "peak_rss_mb": peak_kb / 1024,
        "rss_growth_mb": max(0, peak_kb - before) / 1024,
    }


def _profiled(work: Callable[[], object], top: int) -> str:
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.runcall(work)
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text).strip_dirs()
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)
    return text.getvalue()


def _command(variant: str, prepared_path: Path, profile: int = 0) -> list[str]:
    script = str(Path(__file__).resolve())
    prepared, n = str(prepared_path), str(profile)
    return [sys.executable, script, "--child", variant, "--prepared", prepared, "--profile", n]


def _spawn(variant: str, prepared_path: Path, profile: int = 0) -> dict[str, Any]:
    """One child, its bytecode cached in the work folder where ``prepared_path`` lies."""
    cmd = _command(variant, prepared_path, profile)
    env = child_env(prepared_path.parent)
    done = subprocess.run(cmd, capture_output=True, text=True, check=False, env=env)
    if done.returncode != 0:
        raise RuntimeError(f"variant {variant} failed:\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _fastest(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """One variant's runs as one: the fastest run's figures, the lowest peak, every wall time."""
    best = min(runs, key=lambda r: r["cpu_s"])
    return best | {
        "wall_s": min(r["wall_s"] for r in runs),
        "peak_rss_mb": min(r["peak_rss_mb"] for r in runs),
        "rss_growth_mb": min(r["rss_growth_mb"] for r in runs),
        "runs_cpu_s": [round(r["cpu_s"], 3) for r in runs],
    }


def bench(
    agencies: int,
    tasks: int,
    seed: int,
    work: Path,
    profile: int = 0,
    repeat: int = 3,
    whole: bool = False,
) -> dict[str, Any]:
    """Prepare (or reuse) the folder of returns, then run the two variants ``repeat`` times,
    alternating; the fastest run of each, the ratios and, with ``profile``, ours's cProfile
    listing; with ``whole``, the whole ``kehoach collect`` once (``run_whole``)."""
    work.mkdir(parents=True, exist_ok=True)
    prepared = prepare(agencies, tasks, seed, work)
    whole_dir = work / f"whole-{os.getpid()}"
    if whole:
        whole_dir.mkdir()
        master = master_for(agencies, tasks, seed, work)
        prepared["whole_master"] = str(shutil.copy2(master, whole_dir / "KeHoach.xlsm"))
    prepared_path = work / f"prepared-{os.getpid()}.json"
    prepared_path.write_text(json.dumps(prepared))
    runs: dict[str, list[dict[str, Any]]] = {variant: [] for variant in VARIANTS}
    try:
        warm_up(_command(WARM, prepared_path), work)
        for _ in range(max(1, repeat)):
            for variant in VARIANTS:
                runs[variant].append(_spawn(variant, prepared_path))
        listing = _spawn("ours", prepared_path, profile)["profile"] if profile else None
        whole_runs = {step: _spawn(step, prepared_path) for step in WHOLE} if whole else None
    finally:
        prepared_path.unlink()
        shutil.rmtree(whole_dir, ignore_errors=True)
    results = {variant: _fastest(runs[variant]) for variant in VARIANTS}
    ours, floor = results["ours"], results["floor"]
    report = {
        "agencies": prepared["agencies"],
        "tasks": prepared["tasks"],
        "seed": seed,
        "repeat": max(1, repeat),
        "cpus": os.cpu_count(),
        "python": sys.version.split()[0],
        "prepare_s": prepared["prepare_s"],
        "variants": results,
        "ratios": {
            "total_time": ours["wall_s"] / floor["wall_s"],
            "total_cpu": ours["cpu_s"] / floor["cpu_s"],
            "peak_rss": ours["peak_rss_mb"] / floor["peak_rss_mb"],
        },
    }
    if whole_runs is not None:
        report["whole"] = whole_runs
    return report | ({"profile": listing} if listing is not None else {})


def table(report: dict[str, Any]) -> str:
    """The side-by-side table printed by the command."""
    rows = [
        ("wall time, s", "wall_s", "{:.2f}"),
        ("CPU time, s", "cpu_s", "{:.2f}"),
        ("peak RSS, MB", "peak_rss_mb", "{:.0f}"),
        ("RSS growth, MB", "rss_growth_mb", "{:.0f}"),
        ("files", "files", "{}"),
        ("task rows", "rows", "{}"),
        ("input cells filled", "cells", "{}"),
        ("MB read", "mb_read", "{:.1f}"),
    ]
    v = report["variants"]
    prepared = f"prepared in {report['prepare_s']:.1f} s" if report["prepare_s"] else "cached"
    lines = [
        f"{report['agencies']} agencies, {report['tasks']} tasks (seed {report['seed']}), "
        f"{report['cpus']} CPUs, Python {report['python']}; returns {prepared}; "
        f"fastest of {report['repeat']} runs each",
        *side_by_side(v, rows),
    ]
    read_by = ", ".join(f"{n} {name}" for name, n in sorted(v["ours"]["readers"].items()))
    lines.append(f"{'files read by':26}{read_by:>24}")
    for n in VARIANTS:
        runs = " ".join(f"{x:.2f}" for x in v[n]["runs_cpu_s"])
        lines.append(f"{'CPU time of each run, s':26}{n:>6}: {runs}")
    r = report["ratios"]
    lines.append(
        "ours/floor: time {:.2f}×, CPU time {:.2f}×, peak RSS {:.2f}×".format(
            r["total_time"], r["total_cpu"], r["peak_rss"]
        )
    )
    if "whole" in report:
        first, again = (report["whole"][step] for step in WHOLE)
        lines += [
            "",
            "kehoach collect, whole (intake, merge, history workbook, master saved), each run",
            "in a process of its own:",
            f"  first run: wall {first['wall_s']:.1f} s, CPU {first['cpu_s']:.1f} s, peak RSS "
            f"{first['peak_rss_mb']:.0f} MB; {first['progress_rows']} TienDo rows, "
            f"{first['changes']} changed cells; history workbook {first['history_mb']:.1f} MB, "
            f"master {first['master_mb']:.1f} MB",
            f"  again, same folder ({again['unchanged']} files already collected): wall "
            f"{again['wall_s']:.1f} s, CPU {again['cpu_s']:.1f} s, peak RSS "
            f"{again['peak_rss_mb']:.0f} MB",
        ]
    if "profile" in report:
        lines += ["", "ours under cProfile:", report["profile"]]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--agencies", type=int, default=650)
    parser.add_argument("--tasks", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=365)
    parser.add_argument(
        "--work",
        type=Path,
        default=Path(tempfile.gettempdir()) / "kehoach-bench-collect",
        help="folder where the filled-in returns are kept between runs",
    )
    parser.add_argument("--profile", type=int, default=0, metavar="N", help="cProfile top N")
    parser.add_argument(
        "--repeat", type=int, default=3, metavar="N", help="runs of each variant (fastest kept)"
    )
    parser.add_argument(
        "--whole", action="store_true", help="also time the whole kehoach collect, once"
    )
    parser.add_argument("--json", action="store_true", help="print the measurements as JSON")
    parser.add_argument("--child", choices=(*VARIANTS, *WHOLE, WARM), help=argparse.SUPPRESS)
    parser.add_argument("--prepared", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        prepared = json.loads(args.prepared.read_text())
        print(json.dumps(child(args.child, prepared, args.profile)))
        return 0
    report = bench(
        args.agencies, args.tasks, args.seed, args.work, args.profile, args.repeat, args.whole
    )
    print(json.dumps(report, indent=2) if args.json else table(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
