"""Read the agency workbooks that came back into a folder: ``intake_folder``, ``intake_file``.

Officials save the e-mail attachments into one folder: names change, copies pile up, some
are the wrong file. Every file found (subfolders included) gets a ``returns.FileOutcome``:
accepted with its validated rows, or rejected with exactly one Vietnamese reason
(``kehoach.intake_reasons``) naming the cell when there is one. ``kehoach.collect`` merges
the accepted ones into the master.

A file is checked in this order, and the first failure is its reason:

1. by name: Excel's "~$" lock files, LibreOffice's ".~lock" files, hidden files, the
   desktop clutter of Windows and macOS and the extracts' ``manifest.json`` are skipped (no
   outcome); every other file gets one, so the official sees the whole folder accounted for:
   archives (.zip, .rar, .7z: never unpacked), PDFs and other formats are rejected unread;
   .xlsx, .xlsm, .xls, .xltx and .xltm are judged by their bytes, not their extension (an
   .xlsx renamed .xls is still read; an .xlsm without a VBA project is read like an .xlsx);
2. by bytes, before any spreadsheet reader (``kehoach.zipguard``): empty, too big, password
   protected, legacy .xls, not a zip, zip bomb, corrupted, VBA macros; every entry is
   decompressed once there and the readers read those checked bytes;
3. read (``kehoach.return_book``): python-calamine when every sheet part is plain, else
   openpyxl with ``keep_vba=False, keep_links=False, data_only=True`` (a formula's cached
   value, never the formula; external links never followed); XML parsed by openpyxl only
   when defusedxml guards its parser (``require_defusedxml``), by calamine's own parser
   otherwise (it expands no entity); never opened in Excel;
4. the hidden metadata is bounded, then ``signing.verify_rows``: generated with this key, hidden
   data unchanged; then the plan; then the sheets (missing, extra or twice, hidden); then the agency
   (the title names the agency of the metadata); then rows added or removed; then the locked
   task cells unchanged;
5. every input cell, read at the template's addresses (``extract_layout``), never through the
   sheet's own dimension record: ``intake_values.input_value``; then the completion rule
   (``completion.done_problems``): a task marked "Hoàn thành" without a cited document
   or an explanation rejects the file, naming the cell, so that the agency fixes it before
   the task counts (PAR INDEX scores only what has evidence);
6. a file where no input cell holds anything is rejected as not filled in: merging it would
   only blank what the agency reported before.

Pure core: no xlwings, no printing.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl.xml
from openpyxl.utils import get_column_letter

from kehoach import extract_layout as ex
from kehoach import intake_reasons as why
from kehoach.completion import done_problems
from kehoach.errors import KeHoachError, missing_folder_text
from kehoach.intake_values import ValueProblem, input_value, is_blank
from kehoach.return_book import Grid, ReturnedBook, UnreadableReturn, open_return
from kehoach.returns import FileOutcome, Limits, ReportRow
from kehoach.signing import ExtractMeta, RowDigests, meta_from_rows, verify_rows
from kehoach.zipguard import unpack

# Judged by their bytes.
WORKBOOK_SUFFIXES = frozenset((".xlsx", ".xlsm", ".xls", ".xltx", ".xltm"))
ARCHIVE_SUFFIXES = frozenset((".zip", ".rar", ".7z"))
# Never reported: Windows' and macOS's folder clutter (hidden files, starting with ".", too),
# and the extract run's own list, when the folder is the one the extracts were written to.
CLUTTER = frozenset(("thumbs.db", "desktop.ini", ex.MANIFEST_FILE))
# Bounds of what is read, whatever the file's dimension record or stray cells say.
MAX_TASKS = 10_000  # rows of the metadata's task table
ROWS_BELOW = 1_000  # rows scanned below the last signed task row for added rows

_ID_COLUMN = 1 + next(i for i, c in enumerate(ex.TASK_COLUMNS) if c.key == "task_id")
_FIRST_INPUT_COLUMN = len(ex.TASK_COLUMNS) + 1
_CHECK_COLUMN = len(ex.COLUMNS)
_EXPECTED_SHEETS = (ex.TASKS_SHEET, ex.GUIDE_SHEET, ex.META_SHEET)
DEFAULT_LIMITS = Limits()


class IntakeError(KeHoachError):
    """The intake cannot run at all (no folder, an unsafe XML parser): not one file's fault."""


@dataclass
class _Rejected(Exception):
    """Ends the checks of one file with its reason (a signal, caught in this module)."""

    reason: str
    agency: str = ""
    generated_at: str = ""


def require_defusedxml() -> None:
    """Raise IntakeError unless openpyxl parses XML through defusedxml (entity expansion and
    external entities refused): returned files come from outside."""
    if not openpyxl.xml.DEFUSEDXML:
        raise IntakeError(
            "Thiếu gói defusedxml (hoặc OPENPYXL_DEFUSEDXML=False): không đọc tệp từ bên ngoài "
            "khi chưa có nó. Cài lại môi trường: pip install defusedxml."
        )


def is_skipped(name: str) -> bool:
    """Whether a file of the folder is left out silently: lock files and folder clutter."""
    return name.startswith(("~$", ".")) or name.casefold() in CLUTTER


def intake_folder(
    folder: Path, key: bytes, plan_id: str, *, limits: Limits = DEFAULT_LIMITS
) -> list[FileOutcome]:
    """One outcome per file of ``folder`` and its subfolders (symbolic links to folders are
    not followed), sorted by relative name; lock files and clutter skipped (``is_skipped``).

    Raises IntakeError when the folder does not exist or defusedxml is not in use.
    """
    require_defusedxml()
    if not folder.is_dir():
        raise IntakeError(
            missing_folder_text(folder, "thư mục các tệp cơ quan gửi lại"), file=folder
        )
    paths: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        paths.extend(Path(dirpath, f) for f in filenames if not is_skipped(f))
    digests = RowDigests(key)  # the communes' workbooks repeat their rows
    outcomes = [intake_file(p, folder, key, plan_id, limits, digests=digests) for p in paths]
    return sorted(outcomes, key=lambda o: (o.name.casefold(), o.name))


def intake_file(
    path: Path,
    root: Path,
    key: bytes,
    plan_id: str,
    limits: Limits = DEFAULT_LIMITS,
    *,
    digests: RowDigests | None = None,
) -> FileOutcome:
    """The outcome of one returned file (see the module's description); ``root`` is the
    folder its name is given relative to; ``digests``: rows already signed (``intake_bytes``)."""
    require_defusedxml()
    name = path.relative_to(root).as_posix()
    try:
        stat = path.stat()
    except OSError as exc:
        return FileOutcome(name, "", False, why.UNREADABLE.format(detail=exc))
    suffix = path.suffix.lower()
    reason = _reason_by_name(suffix)
    if reason is None and stat.st_size > limits.max_file_bytes:
        reason = why.TOO_BIG.format(
            size=stat.st_size / 1024**2, limit=limits.max_file_bytes / 1024**2
        )
    if reason is not None:
        return FileOutcome(name, "", False, reason, mtime=stat.st_mtime)
    try:
        data = path.read_bytes()
    except OSError as exc:
        return FileOutcome(name, "", False, why.UNREADABLE.format(detail=exc), mtime=stat.st_mtime)
    return intake_bytes(data, name, key, plan_id, limits, mtime=stat.st_mtime, digests=digests)


def intake_bytes(
    data: bytes,
    name: str,
    key: bytes,
    plan_id: str,
    limits: Limits = DEFAULT_LIMITS,
    *,
    mtime: float = 0.0,
    digests: RowDigests | None = None,
) -> FileOutcome:
    """The outcome of a returned workbook's bytes (``name`` only labels it). ``digests``
    (``signing.RowDigests`` for ``key``) carries the rows already signed from file to file."""
    require_defusedxml()
    sha = hashlib.sha256(data).hexdigest()
    package = unpack(data, limits)
    if isinstance(package, str):
        return FileOutcome(name, sha, False, package, mtime=mtime)
    try:
        meta, rows = _read_book(open_return(data, package), key, plan_id, digests)
    except UnreadableReturn as exc:
        return FileOutcome(name, sha, False, why.UNREADABLE.format(detail=_short(exc)), mtime=mtime)
    except _Rejected as rejected:
        return FileOutcome(
            name,
            sha,
            False,
            rejected.reason,
            agency=rejected.agency,
            generated_at=rejected.generated_at,
            mtime=mtime,
        )
    dates = [r.values[ex.REPORT_DATE_KEY] for r in rows if r.values[ex.REPORT_DATE_KEY]]
    return FileOutcome(
        name,
        sha,
        True,
        agency=meta.agency_code,
        generated_at=meta.generated_at,
        report_date=max(dates, default=None),
        mtime=mtime,
        rows=rows,
    )


def _short(exc: BaseException) -> str:
    text = str(exc)
    return text if len(text) <= 160 else text[:160] + "…"


def _reason_by_name(suffix: str) -> str | None:
    if suffix in WORKBOOK_SUFFIXES:
        return None
    if suffix in ARCHIVE_SUFFIXES:
        return why.ARCHIVE.format(ext=suffix)
    if suffix == ".pdf":
        return why.PDF
    return why.OTHER_FORMAT.format(ext=suffix or "(không có phần mở rộng)")


# --- the opened workbook -------------------------------------------------------------------


def _read_book(
    book: ReturnedBook, key: bytes, plan_id: str, digests: RowDigests | None
) -> tuple[ExtractMeta, tuple[ReportRow, ...]]:
    names = [s.name for s in book.sheets]
    meta_grid, tasks = book.grids.get(ex.META_SHEET), book.grids.get(ex.TASKS_SHEET)
    meta: ExtractMeta | None = None
    if meta_grid is not None:
        meta = meta_from_rows(_meta_rows(meta_grid))
    elif ex.META_SHEET in names:  # a chartsheet under the metadata's name
        raise _Rejected(why.MISSING_SHEET.format(sheet=ex.META_SHEET))
    # The signed rows, task and input columns, read once for every check below.
    table: list[list[Any]] = []
    if meta is not None and meta.tasks and tasks is not None:
        last = meta.first_row + len(meta.tasks) - 1
        table = tasks.block(meta.first_row, last, _CHECK_COLUMN - 1)
    result = verify_rows(meta, table, key, ex.TASKS_SHEET in names, digests=digests)
    meta = result.meta
    if meta is None or not result.meta_signed:
        raise _Rejected(result.problems[0])
    signed = {"agency": meta.agency_code, "generated_at": meta.generated_at}
    if meta.plan_id != plan_id:
        raise _Rejected(why.OTHER_PLAN.format(found=meta.plan_id, expected=plan_id), **signed)
    try:
        grid = _check_sheets(book)
        _check_agency(grid, meta)
        _check_rows(grid, meta, table)
        if not result.ok:
            raise _Rejected(" ".join(result.problems))
        rows = _read_rows(grid, meta, table)
    except _Rejected as rejected:
        raise _Rejected(rejected.reason, **signed) from None
    return meta, rows


def _meta_rows(grid: Grid) -> list[list[Any]]:
    # The generated sheet is two columns of a few rows; a stray cell far away (XFD1048576)
    # must not make us read billions of empty cells.
    rows, cols = grid.extent()
    if rows > ex.META_TASKS_ROW + MAX_TASKS or cols > len(ex.META_TASK_HEADERS):
        cell = f"{get_column_letter(cols)}{rows}"
        raise _Rejected(why.META_OUT_OF_BOUNDS.format(sheet=ex.META_SHEET, cell=cell))
    return grid.block(1, rows, len(ex.META_TASK_HEADERS)) if rows else []


def _check_sheets(book: ReturnedBook) -> Grid:
    names = [s.name for s in book.sheets]
    for name in _EXPECTED_SHEETS:
        if name not in names:
            raise _Rejected(why.MISSING_SHEET.format(sheet=name))
    seen: set[str] = set()
    for name in names:
        if name not in _EXPECTED_SHEETS or name.casefold() in seen:
            raise _Rejected(why.EXTRA_SHEET.format(sheet=name))
        seen.add(name.casefold())
    for entry in book.sheets:
        if entry.name in (ex.TASKS_SHEET, ex.GUIDE_SHEET) and entry.state != "visible":
            raise _Rejected(why.HIDDEN_SHEET.format(sheet=entry.name))
    grid = book.grids.get(ex.TASKS_SHEET)
    if grid is None:  # a chartsheet under the expected name
        raise _Rejected(why.MISSING_SHEET.format(sheet=ex.TASKS_SHEET))
    return grid


def _check_agency(grid: Grid, meta: ExtractMeta) -> None:
    # The title (locked, written with the agency's name) tells a metadata sheet copied from
    # another agency's file, whose own signature still holds.
    name = meta.fields.get(ex.META_AGENCY_NAME, "")
    title = grid.block(ex.TITLE_ROW, ex.TITLE_ROW, 1)[0][0]
    found = str(title).rsplit(": ", 1)[-1] if title not in (None, "") else ""
    if found != name.upper():
        raise _Rejected(
            why.OTHER_AGENCY.format(
                agency=name,
                code=meta.agency_code,
                cell=f"A{ex.TITLE_ROW}",
                found=found,
                expected=name.upper(),
            )
        )


def _check_rows(grid: Grid, meta: ExtractMeta, table: list[list[Any]]) -> None:
    first, count = meta.first_row, len(meta.tasks)
    last = first + count - 1
    # Bounded by the template, not by the sheet's extent: a stray cell far below must not
    # make us walk a million rows.
    below = min(grid.extent()[0], last + ROWS_BELOW)
    if below > last:
        for row, values in enumerate(grid.block(last + 1, below, _CHECK_COLUMN - 1), last + 1):
            col = next((c for c, v in enumerate(values, 1) if not is_blank(v)), None)
            if col is not None:
                raise _Rejected(
                    why.ROWS_ADDED.format(
                        cell=f"{get_column_letter(col)}{row}", count=count, first=first, last=last
                    )
                )
    found = {r[_ID_COLUMN - 1] for r in table}
    for task_id in meta.task_ids:
        if task_id not in found:
            raise _Rejected(
                why.ROWS_REMOVED.format(count=count, first=first, last=last, task_id=task_id)
            )


def _plan_date(meta: ExtractMeta) -> date | None:
    try:
        return date.fromisoformat(meta.fields.get(ex.META_PLAN_DATE, ""))
    except ValueError:
        return None


@dataclass(frozen=True)
class _CellProblem:
    cell: str
    header: str
    message: str


def _read_rows(grid: Grid, meta: ExtractMeta, table: list[list[Any]]) -> tuple[ReportRow, ...]:
    plan_date = _plan_date(meta)
    keys = [c.key for c in ex.INPUT_COLUMNS]
    headers = {c.key: c.header for c in ex.INPUT_COLUMNS}
    columns = {key: _FIRST_INPUT_COLUMN + i for i, key in enumerate(keys)}
    percent_column = columns[ex.PERCENT_KEY]  # the only column whose number format matters
    blank = {key: input_value(key, None) for key in keys}  # "" for texts, else None
    problems: list[_CellProblem] = []
    rows: list[ReportRow] = []
    for row, (task_id, cells) in enumerate(zip(meta.task_ids, table, strict=True), meta.first_row):
        values = dict(blank)
        inputs = cells[_FIRST_INPUT_COLUMN - 1 :]  # the table is exactly as wide
        for key, col, value in zip(keys, columns.values(), inputs, strict=True):
            if value is None or value == "":
                continue
            fmt = grid.number_format(row, col) if col == percent_column else "General"
            try:
                values[key] = input_value(key, value, number_format=fmt, plan_date=plan_date)
            except ValueProblem as exc:
                cell = f"{get_column_letter(col)}{row}"
                problems.append(_CellProblem(cell, headers[key], str(exc)))
                values[key] = None
        rows.append(ReportRow(task_id, row, values))
    if not problems:
        for report in rows:
            if report.values[ex.STATUS_KEY] != ex.STATUS_DONE:
                continue  # values valid one by one: only a completed task's rule can fail
            for problem in done_problems(report.values, report.values[ex.PERCENT_KEY]):
                cell = f"{get_column_letter(columns[problem.field])}{report.row}"
                problems.append(_CellProblem(cell, headers[problem.field], problem.message))
    if problems:
        head = problems[0]
        reason = why.INVALID_VALUE.format(cell=head.cell, header=head.header, problem=head.message)
        if len(problems) > 1:
            reason += why.MORE_PROBLEMS.format(count=len(problems) - 1)
        raise _Rejected(reason)
    if all(is_blank(v) for r in rows for v in r.values.values()):
        raise _Rejected(why.NOT_FILLED)
    return tuple(rows)
