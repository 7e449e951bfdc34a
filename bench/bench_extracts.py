"""Benchmark: every agency workbook of a synthetic province, ours against an XlsxWriter floor.

    python bench/bench_extracts.py [--agencies 650] [--tasks 2000] [--seed 365] [--out DIR]
                                   [--no-tracemalloc] [--json]

Two variants, each in a subprocess of its own (so they share no memory), in the same run:

- ``ours``: what ``kehoach extract`` does, one call each: ``resolve_plan`` (agency texts →
  assignments) then ``generate_extracts`` (selection, row layout, signatures, files, manifest);
- ``floor``: XlsxWriter writing, per agency, the same cells, formats, row heights, validations,
  conditional format, formula, protection, hidden metadata sheet and workbook lock, from values
  computed beforehand (outside the timing): what no implementation of ours can beat. It takes
  the same shortcuts ours takes inside XlsxWriter (in-memory files, formulas passed through).

Measured per variant: wall time (``time.perf_counter``) and CPU time (``time.process_time``,
less disturbed by other processes on a shared machine, as the variants run one after the
other), the peak resident memory of its process (VmHWM from /proc) and how much it grew during
the work; with tracemalloc (a second subprocess, as tracing slows Python down) the peak of
memory allocated during the work. The table gives ours/floor; the aim is within 2× of the
floor. Every child imports what it needs before it starts measuring, from bytecode cached in
``--out`` (``child_env``), which a first child that only imports fills.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import json
import os
import pickle
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH), str(BENCH.parent / "pylib")]

from child_env import child_env, warm_up  # noqa: E402
from synthetic import synthetic_province  # noqa: E402

from kehoach.agencies.directory import Directory  # noqa: E402
from kehoach.plan.model import Plan  # noqa: E402

KEY = b"k" * 32
GENERATED_AT = datetime(2023, 7, 1, 8, 0, 0)
VARIANTS = ("ours", "floor")
WARM = "warm"  # a child that imports what the others import, then stops: fills the caches
# What every child imports before it starts measuring.
IMPORTS = ("kehoach.extract.files", "kehoach.agencies.resolve", "xlsxwriter")


# --- the two variants ---------------------------------------------------------------------


def run_ours(plan: Plan, directory: Directory, out_dir: Path) -> dict[str, float]:
    """Our extract generation for every agency: the one call to plug in, timed by phase."""
    from kehoach.agencies.resolve import resolve_plan
    from kehoach.extract.files import generate_extracts

    start = time.perf_counter()
    assignments = resolve_plan(plan, directory).assignments
    resolved = time.perf_counter()
    generate_extracts(plan, directory, assignments, out_dir, KEY, generated_at=GENERATED_AT)
    return {"resolve_s": resolved - start, "extract_s": time.perf_counter() - resolved}


def floor_input(plan: Plan, directory: Directory) -> list[dict[str, Any]]:
    """What the floor writes, per agency: every cell value, row height and formula, computed
    with our code before any timing (the floor itself decides nothing)."""
    from kehoach.agencies.resolve import resolve_plan
    from kehoach.extract.book import (
        MAX_ROW_LINES,
        ExtractOptions,
        extract_meta,
        extract_title,
        guide_lines,
    )
    from kehoach.extract.files import file_names
    from kehoach.extract.select import agency_extracts
    from kehoach.extract.signing import meta_rows
    from kehoach.sheets import extract_layout as ex
    from kehoach.sheets.geometry import wrapped_lines

    options = ExtractOptions()
    extracts = agency_extracts(plan, directory, resolve_plan(plan, directory).assignments)
    names = file_names([e.agency for e in extracts])
    letters = {c.key: _column_name(i) for i, c in enumerate(ex.COLUMNS)}
    out: list[dict[str, Any]] = []
    for extract in extracts:
        rows, heights, formulas = [], [], []
        for offset, data in enumerate(extract.rows):
            cells = data.cells(offset + 1)
            rows.append(cells)
            widths = {c.key: c.width for c in ex.COLUMNS}
            lines = max(
                [1]
                + [
                    wrapped_lines(v, widths[c.key], 1.05)
                    for v, c in zip(cells, ex.TASK_COLUMNS, strict=True)
                    if isinstance(v, str) and v
                ]
            )
            heights.append(min(lines, MAX_ROW_LINES) * 14.0 if lines > 1 else None)
            formulas.append(_check_formula(ex, letters, ex.FIRST_DATA_ROW + offset))
        meta, tasks = extract_meta(plan, extract, KEY, GENERATED_AT)
        guide = guide_lines(plan, extract, options, GENERATED_AT)
        out.append(
            {
                "file": names[extract.agency.code],
                "title": extract_title(plan, extract.agency),
                "subtitle": ex.TASKS_SUBTITLE.format(
                    agency=extract.agency.name,
                    lead=extract.lead_tasks,
                    coordinating=extract.coordinating_tasks,
                    return_to=options.return_to,
                    reply_by=f"{options.deadline(GENERATED_AT):%d/%m/%Y}",
                ),
                "rows": rows,
                "heights": heights,
                "formulas": formulas,
                "guide": [(t, wrapped_lines(t, 95, 1.05)) for t in guide],
                "meta": meta_rows(meta, tasks),
                "issuer": plan.issuer,
                "years": plan.years,
                "evidence": f"{letters[ex.EVIDENCE_KEY]}{{first}}:{letters[ex.EXPLANATION_KEY]}"
                "{last}",
                "missing": _missing(ex, letters, ex.FIRST_DATA_ROW),
            }
        )
    return out


def _column_name(index: int) -> str:
    from xlsxwriter.utility import xl_col_to_name

    return str(xl_col_to_name(index))


def _missing(ex: Any, letters: dict[str, str], row: int) -> str:
    return (
        f'AND(${letters[ex.STATUS_KEY]}{row}="{ex.STATUS_DONE}",'
        f"LEN(TRIM(${letters[ex.EVIDENCE_KEY]}{row}))=0,"
        f"LEN(TRIM(${letters[ex.EXPLANATION_KEY]}{row}))=0)"
    )


def _check_formula(ex: Any, letters: dict[str, str], row: int) -> str:
    status, pct = f"{letters[ex.STATUS_KEY]}{row}", f"{letters[ex.PERCENT_KEY]}{row}"
    return (
        f'=IF({_missing(ex, letters, row)},"{ex.CHECK_MESSAGE_EVIDENCE}",'
        f'IF(AND({status}="{ex.STATUS_DONE}",ISNUMBER({pct}),{pct}<100),'
        f'"{ex.CHECK_MESSAGE_PERCENT}",""))'
    )


def run_floor(books: list[dict[str, Any]], out_dir: Path) -> dict[str, float]:
    """XlsxWriter writing the prepared cells: one .xlsx per agency."""
    import io
    from datetime import date

    import xlsxwriter
    from xlsxwriter.worksheet import Worksheet

    from kehoach.extract import book as extracts
    from kehoach.sheets import extract_layout as ex
    from kehoach.sheets import layout

    class Book(xlsxwriter.Workbook):  # type: ignore[misc]
        def _write_book_views(self) -> None:  # the same structure lock as ours
            self._xml_empty_tag("workbookProtection", [("lockStructure", 1)])
            super()._write_book_views()

    class Sheet(Worksheet):  # type: ignore[misc]
        def _prepare_formula(self, formula: str, expand_future_functions: bool = False) -> str:
            return formula.removeprefix("=")

    start = time.perf_counter()
    out_dir.mkdir(parents=True, exist_ok=True)
    columns = ex.COLUMNS
    pos = {c.key: ex.CURRENT.position(c.key) - 1 for c in columns}
    task_pos = [pos[c.key] for c in ex.TASK_COLUMNS]
    input_pos = [pos[c.key] for c in ex.INPUT_COLUMNS]
    first_input = min(input_pos)
    first = ex.FIRST_DATA_ROW
    for book in books:
        buf = io.BytesIO()
        wb = Book(
            buf,
            {
                "in_memory": True,
                "strings_to_numbers": False,
                "strings_to_formulas": False,
                "strings_to_urls": False,
            },
        )
        wb.set_properties(
            {"title": book["title"], "author": "kehoach", "company": book["issuer"]}
            | {"created": GENERATED_AT}
        )
        cell = {"text_wrap": True, "valign": "top", "border": 1, "border_color": "#808080"}
        header = {**cell, "bold": True, "align": "center", "valign": "vcenter"}
        unlocked = {**cell, "locked": False, "bg_color": f"#{layout.INPUT_FILL}"}
        f_title = wb.add_format({"bold": True, "font_size": 13})
        f_sub = wb.add_format({"italic": True})
        f_head = wb.add_format({**header, "bg_color": "#D9D9D9"})
        f_in_head = wb.add_format({**header, "bg_color": "#FFD966"})
        f_check = wb.add_format({**cell, "bold": True, "font_color": "#C00000"})
        f_warn = wb.add_format({"bg_color": "#FFC7CE"})
        f_guide = wb.add_format({"text_wrap": True, "valign": "top"})
        f_guide_title = wb.add_format({"text_wrap": True, "valign": "top", "bold": True})

        locked = [_format(wb, c, cell) for c in ex.TASK_COLUMNS]
        inputs = [_format(wb, c, unlocked) for c in ex.INPUT_COLUMNS]
        ws = wb.add_worksheet(ex.TASKS_SHEET, Sheet)
        ws.write_string(0, 0, book["title"], f_title)
        ws.merge_range(1, 0, 1, first_input - 1, book["subtitle"], f_sub)
        legend = (
            (first_input, first_input + 1, extracts.LEGEND_INPUT),
            (first_input + 2, first_input + 3, extracts.LEGEND_LOCKED),
            (first_input + 4, pos["check"], extracts.LEGEND_CHECK),
        )
        for left, right, text in legend:
            ws.merge_range(1, left, 1, right, text, f_sub)
        for i, col in enumerate(columns):
            shown = col.text(book["years"])
            ws.write_string(2, i, shown, f_in_head if i in input_pos else f_head)
            ws.set_column(i, i, col.width)
        for offset, cells in enumerate(book["rows"]):
            r = first - 1 + offset
            for j, value in enumerate(cells):
                f, i = locked[j], task_pos[j]
                if value is None or value == "":
                    ws.write_blank(r, i, None, f)
                elif isinstance(value, int | float) and not isinstance(value, bool):
                    ws.write_number(r, i, value, f)
                elif isinstance(value, date):
                    ws.write_datetime(r, i, value, f)
                else:
                    ws.write_string(r, i, value, f)
            for i, f in zip(input_pos, inputs, strict=True):
                ws.write_blank(r, i, None, f)
            ws.write_formula(r, pos["check"], book["formulas"][offset], f_check, "")
            if book["heights"][offset]:
                ws.set_row(r, book["heights"][offset])
        last = first + max(len(book["rows"]), 1) - 1
        for index, rule in _validations(ex, first).items():
            ws.data_validation(first - 1, index, last - 1, index, rule)
        ws.conditional_format(
            book["evidence"].format(first=first, last=last),
            {"type": "formula", "criteria": "=" + book["missing"], "format": f_warn},
        )
        ws.freeze_panes(first - 1, ex.CURRENT.frozen)
        ws.autofilter(2, 0, last - 1, len(columns) - 1)
        ws.repeat_rows(0, 2)
        ws.print_area(0, 0, last - 1, ex.CURRENT.printed - 1)
        ws.set_paper(9)
        ws.set_landscape()
        ws.fit_to_pages(1, 0)
        ws.protect(
            "",
            {
                "format_columns": True,
                "format_rows": True,
                "autofilter": True,
                "select_locked_cells": True,
                "select_unlocked_cells": True,
            },
        )
        ws.activate()
        guide = wb.add_worksheet(ex.GUIDE_SHEET)
        guide.set_column(0, 0, 95)
        for r, (text, lines) in enumerate(book["guide"]):
            guide.write_string(r, 0, text, f_guide_title if r == 0 else f_guide)
            if lines > 1:
                guide.set_row(r, lines * 14.0)
        guide.set_paper(9)
        guide.set_portrait()
        guide.fit_to_pages(1, 0)
        guide.protect()
        meta = wb.add_worksheet(ex.META_SHEET)
        for r, row in enumerate(book["meta"]):
            for c, value in enumerate(row):
                if value is not None:
                    meta.write_string(r, c, str(value))
        meta.very_hidden()
        meta.protect()
        wb.close()
        (out_dir / book["file"]).write_bytes(buf.getvalue())
    return {"extract_s": time.perf_counter() - start}


def _format(wb: Any, col: Any, base: dict[str, Any]) -> Any:
    num = {} if col.number_format == "General" else {"num_format": col.number_format}
    return wb.add_format({**base, **num})


def _validations(ex: Any, first: int) -> dict[int, dict[str, Any]]:
    """The data validations ours adds, with the same prompts (plan date of Plan 365)."""
    keys = [c.key for c in ex.COLUMNS]  # the current layout's order
    limit = ex.MAX_TEXT_LENGTH
    text = {"validate": "length", "criteria": "<=", "value": limit}
    rules: dict[str, tuple[dict[str, Any], str]] = {
        ex.STATUS_KEY: (
            {"validate": "list", "source": list(ex.STATUSES)},
            "Chọn một tình trạng trong danh sách.",
        ),
        ex.PERCENT_KEY: (
            {"validate": "decimal", "criteria": "between", "minimum": 0, "maximum": 100},
            "Nhập số từ 0 đến 100; «Hoàn thành» là 100.",
        ),
        ex.REPORT_DATE_KEY: (
            {"validate": "date", "criteria": ">=", "value": datetime(2023, 6, 8)},
            "Nhập ngày (ngày/tháng/năm), không trước ngày 08/06/2023 của Kế hoạch.",
        ),
        ex.RESULTS_KEY: (text, f"Kết quả đã đạt được. Tối đa {limit} ký tự."),
        ex.EVIDENCE_KEY: (
            text,
            "Số và ngày văn bản chứng minh, ví dụ «Số 12/QĐ-UBND ngày 05/6/2023». "
            f"Tối đa {limit} ký tự.",
        ),
        ex.EXPLANATION_KEY: (
            text,
            f"Bắt buộc khi «Hoàn thành» mà chưa có văn bản chứng minh. Tối đa {limit} ký tự.",
        ),
        ex.DIFFICULTIES_KEY: (
            text,
            f"Khó khăn, vướng mắc và đề xuất (nếu có). Tối đa {limit} ký tự.",
        ),
    }
    return {
        keys.index(key): {
            **rule,
            "ignore_blank": True,
            "input_title": ex.COLUMNS[keys.index(key)].header[:32],
            "input_message": prompt[:255],
            "error_title": "Giá trị không hợp lệ",
            "error_message": prompt[:255],
        }
        for key, (rule, prompt) in rules.items()
    }


# --- measuring, each variant in a process of its own --------------------------------------


def _status_kb(field: str) -> int | None:
    """A memory figure of this process from /proc (kB): "VmRSS" now, "VmHWM" its peak."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1])
    except OSError:
        pass
    return None


def _peak_rss_kb() -> int:
    """The process's peak resident memory (kB). Not ``ru_maxrss`` where /proc has VmHWM:
    Linux carries the parent's peak over into a child's ``ru_maxrss`` through fork and exec,
    so every variant would report at least the parent's peak."""
    hwm = _status_kb("VmHWM")
    if hwm is not None:
        return hwm
    # ru_maxrss is in kilobytes on Linux, bytes on macOS.
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak // 1024 if sys.platform == "darwin" else peak


def child(variant: str, input_path: Path, out_dir: Path, trace: bool) -> dict[str, Any]:
    """Run one variant on its pickled input; what it measured (printed as JSON)."""
    for module in IMPORTS:
        importlib.import_module(module)  # importing is not what is measured
    if variant == WARM:
        return {"variant": variant}
    data = pickle.loads(input_path.read_bytes())
    work: Callable[[], dict[str, float]]
    if variant == "ours":
        plan, directory = data
        work = lambda: run_ours(plan, directory, out_dir)  # noqa: E731
    else:
        work = lambda: run_floor(data, out_dir)  # noqa: E731
    gc.collect()
    before = _status_kb("VmRSS") or 0
    if trace:
        tracemalloc.start()
    start, cpu = time.perf_counter(), time.process_time()
    phases = work()
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    result: dict[str, Any] = {"variant": variant, "wall_s": wall, "cpu_s": cpu, **phases}
    if trace:
        result["traced_peak_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    files = [p for p in out_dir.iterdir() if p.suffix == ".xlsx"]
    result["files"] = len(files)
    result["mb_written"] = sum(p.stat().st_size for p in files) / 2**20
    peak_kb = _peak_rss_kb()
    result["peak_rss_mb"] = peak_kb / 1024
    result["rss_growth_mb"] = max(0, peak_kb - before) / 1024
    return result


def _spawn(variant: str, input_path: Path, out_dir: Path, trace: bool) -> dict[str, Any]:
    if out_dir.exists():
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True)
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", variant]
    cmd += ["--input", str(input_path), "--out", str(out_dir)]
    if trace:
        cmd.append("--trace")
    # The bytecode cache lies in the bench's folder, beside the variants' folders.
    env = child_env(out_dir.parent)
    done = subprocess.run(cmd, capture_output=True, text=True, check=False, env=env)
    if done.returncode != 0:
        raise RuntimeError(f"variant {variant} failed:\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def bench(agencies: int, tasks: int, seed: int, out: Path, trace: bool = True) -> dict[str, Any]:
    """Prepare the province and the floor's cells, then run both variants (and, with
    ``trace``, both again under tracemalloc); the measurements and the ratios."""
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    plan, directory = synthetic_province(agencies, tasks, seed)
    province = out / "province.pickle"
    province.write_bytes(pickle.dumps((plan, directory), protocol=pickle.HIGHEST_PROTOCOL))
    books = floor_input(plan, directory)
    cells = out / "floor-input.pickle"
    cells.write_bytes(pickle.dumps(books, protocol=pickle.HIGHEST_PROTOCOL))
    del books  # the children load their own copies
    gc.collect()
    prepare_s = time.perf_counter() - t0
    inputs = {"ours": province, "floor": cells}
    warm_up([sys.executable, str(Path(__file__).resolve()), "--child", WARM], out)
    results: dict[str, dict[str, Any]] = {}
    for variant in VARIANTS:
        results[variant] = _spawn(variant, inputs[variant], out / variant, trace=False)
    if trace:
        for variant in VARIANTS:
            traced = _spawn(variant, inputs[variant], out / f"{variant}-traced", trace=True)
            results[variant]["traced_peak_mb"] = traced["traced_peak_mb"]
    ours, floor = results["ours"], results["floor"]
    ratios = {
        "extract_time": ours["extract_s"] / floor["extract_s"],
        "total_time": ours["wall_s"] / floor["wall_s"],
        "total_cpu": ours["cpu_s"] / floor["cpu_s"],
        "peak_rss": ours["peak_rss_mb"] / floor["peak_rss_mb"],
    }
    if trace:
        ratios["traced_peak"] = ours["traced_peak_mb"] / floor["traced_peak_mb"]
    return {
        "agencies": len(directory.recipients()),
        "tasks": len(plan.iter_tasks()),
        "seed": seed,
        "cpus": os.cpu_count(),
        "python": sys.version.split()[0],
        "prepare_s": prepare_s,
        "variants": results,
        "ratios": ratios,
    }


def side_by_side(
    variants: dict[str, dict[str, Any]], rows: list[tuple[str, str, str]]
) -> list[str]:
    """The lines of the ours | floor columns: a header, then one line per (label, key, format);
    a figure a variant did not measure is "—"."""
    lines = [f"{'':26}{'ours':>12}{'floor':>12}"]
    for label, key, fmt in rows:
        cells = [fmt.format(variants[n][key]) if key in variants[n] else "—" for n in VARIANTS]
        lines.append(f"{label:26}{cells[0]:>12}{cells[1]:>12}")
    return lines


def table(report: dict[str, Any]) -> str:
    """The side-by-side table printed by the command."""
    rows = [
        ("wall time, s", "wall_s", "{:.2f}"),
        ("  of which resolve, s", "resolve_s", "{:.2f}"),
        ("  of which extracts, s", "extract_s", "{:.2f}"),
        ("CPU time, s", "cpu_s", "{:.2f}"),
        ("peak RSS, MB", "peak_rss_mb", "{:.0f}"),
        ("RSS growth, MB", "rss_growth_mb", "{:.0f}"),
        ("tracemalloc peak, MB", "traced_peak_mb", "{:.0f}"),
        ("files", "files", "{}"),
        ("MB written", "mb_written", "{:.1f}"),
    ]
    v = report["variants"]
    lines = [
        f"{report['agencies']} agencies, {report['tasks']} tasks (seed {report['seed']}), "
        f"{report['cpus']} CPUs, Python {report['python']}; prepared in "
        f"{report['prepare_s']:.1f} s",
        *side_by_side(v, rows),
    ]
    r = report["ratios"]
    lines.append(
        "ours/floor: extracts time {:.2f}×, total time {:.2f}×, CPU time {:.2f}×, "
        "peak RSS {:.2f}×".format(r["extract_time"], r["total_time"], r["total_cpu"], r["peak_rss"])
        + (f", tracemalloc peak {r['traced_peak']:.2f}×" if "traced_peak" in r else "")
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--agencies", type=int, default=650)
    parser.add_argument("--tasks", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=365)
    parser.add_argument("--out", type=Path, default=None, help="working folder (kept)")
    parser.add_argument("--no-tracemalloc", action="store_true")
    parser.add_argument("--json", action="store_true", help="print the measurements as JSON")
    parser.add_argument("--child", choices=(*VARIANTS, WARM), help=argparse.SUPPRESS)
    parser.add_argument("--input", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, args.input, args.out, args.trace)))
        return 0
    if args.out is None:
        with tempfile.TemporaryDirectory(prefix="kehoach-bench-") as tmp:
            report = bench(args.agencies, args.tasks, args.seed, Path(tmp), not args.no_tracemalloc)
    else:
        report = bench(args.agencies, args.tasks, args.seed, args.out, not args.no_tracemalloc)
    print(json.dumps(report, indent=2) if args.json else table(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
