"""Read the agency workbooks that came back into a folder: ``intake_folder``, ``intake_file``.

Officials save the e-mail attachments into one folder: names change, copies pile up, some
are the wrong file. Every file found (subfolders included) gets a ``returns.FileOutcome``:
accepted with its validated rows, or rejected with exactly one Vietnamese reason
(``kehoach.collect.reasons``) naming the cell when there is one. ``kehoach.collect.run`` merges
the accepted ones into the master.

A file is checked in this order, and the first failure is its reason:

1. by name: Excel's "~$" lock files, LibreOffice's ".~lock" files, hidden files, the
   desktop clutter of Windows and macOS and the extracts' ``manifest.json`` are skipped (no
   outcome); every other file gets one, so the official sees the whole folder accounted for:
   archives (.zip, .rar, .7z: never unpacked), PDFs and other formats are rejected unread;
   .xlsx, .xlsm, .xls, .xltx and .xltm are judged by their bytes, not their extension (an
   .xlsx renamed .xls is still read; an .xlsm without a VBA project is read like an .xlsx);
2. only a regular file is read (``read_regular_file``: a named pipe or a link to a device is
   refused unread), at most the size cap;
   by bytes, before any spreadsheet reader (``kehoach.collect.zipguard``): empty, too big, password
   protected, legacy .xls, not a zip, zip bomb, corrupted, VBA macros; every entry is
   decompressed once there and the readers read those checked bytes;
3. read (``kehoach.collect.return_book``): python-calamine when every sheet part is plain, else
   openpyxl with ``keep_vba=False, keep_links=False, data_only=True`` (a formula's cached
   value, never the formula; external links never followed); XML parsed by openpyxl only
   when defusedxml guards its parser (``require_defusedxml``), by calamine's own parser
   otherwise (it expands no entity); never opened in Excel;
4. the hidden metadata is bounded, every value of its shape (``signing.meta_shape_problem``)
   before any is used, then ``signing.verify_rows``: generated with this key, hidden data
   unchanged; then the plan; then the sheets (missing, extra or twice, hidden); then the agency
   (the title names the agency of the metadata); then rows added, removed or sorted; then
   the locked task cells unchanged; then the input columns' headers, names and order; then
   data right of the table;
5. every input cell, read at the template's addresses (``extract_layout``), never through the
   sheet's own dimension record: ``intake_values.input_value``; then the completion rule
   (``completion.done_problems``): a task marked "Hoàn thành" without a cited document
   or an explanation rejects the file, naming the cell, so that the agency fixes it before
   the task counts (PAR INDEX scores only what has evidence);
6. a file where no input cell holds anything is rejected as not filled in: merging it would
   only blank what the agency reported before.

Every file ends in exactly one outcome: an unexpected error while reading one becomes its
rejection "Lỗi chương trình …" and a line on this module's logger, never the end of the run.
Every text of an outcome can be stored in a workbook (``clean_outcome``); a reason quotes the
file only through ``intake_text.excerpt``.

Pure core: no xlwings, no printing.
"""

from __future__ import annotations

import hashlib
import logging
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl.xml
from openpyxl.utils import get_column_letter

from kehoach.collect import reasons as why
from kehoach.collect.completion import done_problems
from kehoach.collect.history_file import history_dir
from kehoach.collect.return_book import Grid, ReturnedBook, UnreadableReturn, open_return
from kehoach.collect.returns import FileOutcome, Limits, ReportRow
from kehoach.collect.values import ValueProblem, filled_check, input_value, is_blank
from kehoach.collect.zipguard import unpack
from kehoach.common.atomic import BACKUP_DIR, backup_name
from kehoach.common.errors import KeHoachError, missing_folder_text, os_error_text
from kehoach.common.untrusted_text import all_storable, excerpt, storable
from kehoach.extract.signing import (
    ExtractMeta,
    RowDigests,
    meta_from_rows,
    meta_shape_problem,
    sheet_layout,
    verify_rows,
)
from kehoach.sheets import extract_layout as ex

# Judged by their bytes.
WORKBOOK_SUFFIXES = frozenset((".xlsx", ".xlsm", ".xls", ".xltx", ".xltm"))
ARCHIVE_SUFFIXES = frozenset((".zip", ".rar", ".7z"))
# Spreadsheet formats a workbook can be saved in from Excel, LibreOffice or WPS, not read.
SPREADSHEET_SUFFIXES = frozenset((".ods", ".xlsb"))
# Never reported: Windows' and macOS's folder clutter (hidden files, starting with ".", too),
# and the extract run's own list, when the folder is the one the extracts were written to.
CLUTTER = frozenset(("thumbs.db", "desktop.ini", ex.MANIFEST_FILE))
# Bounds of what is read, whatever the file's dimension record or stray cells say.
MAX_TASKS = 10_000  # rows of the metadata's task table
ROWS_BELOW = 1_000  # rows scanned below the last signed task row for added rows
COLUMNS_RIGHT = 100  # columns scanned right of the tasks table for data typed there

_EXPECTED_SHEETS = (ex.TASKS_SHEET, ex.GUIDE_SHEET, ex.META_SHEET)
DEFAULT_LIMITS = Limits()
_READ_CHUNK = 1024 * 1024
_log = logging.getLogger(__name__)


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
    if openpyxl.xml.LXML:  # openpyxl imported before kehoach, or OPENPYXL_LXML=True
        raise IntakeError(
            "openpyxl đang đọc XML bằng lxml, không qua defusedxml: không đọc tệp từ bên ngoài "
            "như vậy. Đặt biến môi trường OPENPYXL_LXML=False rồi chạy lại."
        )


def is_skipped(name: str) -> bool:
    """Whether a file of the folder is left out silently: lock files and folder clutter."""
    return name.startswith(("~$", ".")) or name.casefold() in CLUTTER


def master_files(master: Path) -> Callable[[Path], bool]:
    """Whether a file is the master's own, never a return: the master itself, its history
    workbooks (``history_file.history_dir``) and the backups its saves keep
    (``atomic.BACKUP_DIR``). Officials often keep the returns in the master's folder."""
    try:
        own = master.resolve()
    except OSError:
        own = master.absolute()
    history = history_dir(own)
    backups = own.parent / BACKUP_DIR
    backup = backup_name(own)

    def is_own(path: Path) -> bool:
        try:
            where = path.parent.resolve() / path.name  # a link to a file is judged by its name
        except OSError:
            return False
        if where.parent == history:
            return True
        if where.parent == backups and backup.match(where.name):
            return True
        return where == own or (where.name == own.name and _same_file(path, own))

    return is_own


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def intake_folder(
    folder: Path,
    key: bytes,
    plan_id: str,
    *,
    limits: Limits = DEFAULT_LIMITS,
    master: Path | None = None,
) -> list[FileOutcome]:
    """One outcome per file of ``folder`` and its subfolders (symbolic links to folders are
    not followed), sorted by relative name; lock files and clutter skipped (``is_skipped``),
    and, when ``master`` is given, its own files (``master_files``).

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
    if master is not None:
        is_own = master_files(master)
        paths = [p for p in paths if not is_own(p)]
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
    folder its name is given relative to; ``digests``: rows already signed (``intake_bytes``).

    Never raises for the file's sake: an unexpected error while reading it becomes its
    rejection (``intake_reasons.PROGRAM_ERROR``), logged; every text of the outcome can be
    stored in the master (``clean_outcome``)."""
    require_defusedxml()
    try:
        name = path.relative_to(root).as_posix()
    except ValueError:
        name = path.as_posix()
    try:
        outcome = _intake_file(path, name, key, plan_id, limits, digests)
    except Exception as exc:  # the one broad except: a hostile file must not end the run
        outcome = _program_error(name, exc)
    return clean_outcome(outcome)


def _intake_file(
    path: Path,
    name: str,
    key: bytes,
    plan_id: str,
    limits: Limits,
    digests: RowDigests | None,
) -> FileOutcome:
    reason = _reason_by_name(path.suffix.lower())
    if reason is not None:
        try:
            mtime = path.lstat().st_mtime
        except OSError:
            mtime = 0.0
        return FileOutcome(name, "", False, reason, mtime=mtime)
    read = read_regular_file(path, limits.max_file_bytes)
    if isinstance(read, str):
        return FileOutcome(name, "", False, read)
    data, mtime = read
    return _intake_bytes(data, name, key, plan_id, limits, mtime=mtime, digests=digests)


def read_regular_file(path: Path, cap: int) -> tuple[bytes, float] | str:
    """The bytes and modification time of the regular file at ``path`` (a symbolic link to
    one is followed), or the Vietnamese reason it is not read: not a regular file (a named
    pipe would block the read forever, a device never ends), larger than ``cap`` bytes (as
    read, not only as its size says), unreadable. Opened without blocking where the system
    allows it, checked on the opened descriptor, read at most ``cap`` + 1 bytes."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        return why.FILE_UNREADABLE.format(detail=os_error_text(exc))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return why.NOT_REGULAR
        if info.st_size > cap:
            return why.TOO_BIG.format(size=info.st_size / 1024**2, limit=cap / 1024**2)
        chunks: list[bytes] = []
        size = 0
        while size <= cap:
            chunk = os.read(fd, min(_READ_CHUNK, cap + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        return why.FILE_UNREADABLE.format(detail=os_error_text(exc))
    finally:
        os.close(fd)
    if size > cap:
        return why.TOO_BIG.format(size=size / 1024**2, limit=cap / 1024**2)
    return b"".join(chunks), info.st_mtime


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
    (``signing.RowDigests`` for ``key``) carries the rows already signed from file to file.
    Never raises for the file's sake (see ``intake_file``)."""
    require_defusedxml()
    try:
        outcome = _intake_bytes(data, name, key, plan_id, limits, mtime=mtime, digests=digests)
    except Exception as exc:  # the one broad except: a hostile file must not end the run
        outcome = _program_error(name, exc, mtime)
    return clean_outcome(outcome)


def _program_error(name: str, exc: Exception, mtime: float = 0.0) -> FileOutcome:
    kind = type(exc).__name__
    shown = storable(name)[0]
    _log.error("Lỗi chương trình khi đọc tệp %r: %s: %s", shown, kind, excerpt(str(exc)))
    _log.debug("Chi tiết lỗi khi đọc tệp %r", shown, exc_info=True)
    return FileOutcome(name, "", False, why.PROGRAM_ERROR.format(kind=kind), mtime=mtime)


def _intake_bytes(
    data: bytes,
    name: str,
    key: bytes,
    plan_id: str,
    limits: Limits,
    *,
    mtime: float,
    digests: RowDigests | None,
) -> FileOutcome:
    sha = hashlib.sha256(data).hexdigest()
    package = unpack(data, limits)
    if isinstance(package, str):
        return FileOutcome(name, sha, False, package, mtime=mtime)
    try:
        meta, rows = _read_book(open_return(data, package), key, plan_id, digests)
    except UnreadableReturn as exc:
        return FileOutcome(name, sha, False, why.UNREADABLE.format(detail=exc), mtime=mtime)
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
        format_version=meta.fields.get(ex.META_FORMAT, ""),
    )


def clean_outcome(outcome: FileOutcome) -> FileOutcome:
    """``outcome`` with every text made storable in the master (``intake_text.storable``):
    the name, reason, agency, time, task ids and text values; what was replaced is said in
    ``note`` (the name, or the cells, and how many characters), for ThuThap."""
    texts = [outcome.name, outcome.agency, outcome.generated_at]
    for report in outcome.rows:
        texts.append(report.task_id)
        texts.extend(v for v in report.values.values() if isinstance(v, str))
    if all_storable(texts):  # nearly every file: nothing to replace, nothing to report
        reason = storable(outcome.reason)[0]
        return outcome if reason == outcome.reason else replace(outcome, reason=reason)
    where: list[str] = []
    replaced = 0
    changed = False

    def clean(text: str, label: str) -> str:
        nonlocal replaced, changed
        if not text:
            return text
        cleaned, count = storable(text)
        if count:
            replaced += count
            where.append(label)
        changed = changed or cleaned != text
        return cleaned

    name = clean(outcome.name, "tên tệp")
    reason = storable(outcome.reason)[0]  # quotes only excerpts: nothing to report
    agency = clean(outcome.agency, "mã cơ quan")
    generated_at = clean(outcome.generated_at, "thời gian tạo")
    sheet = ex.LAYOUTS.get(outcome.format_version, ex.CURRENT)
    columns = {c.key: sheet.letter(c.key) for c in ex.INPUT_COLUMNS}
    rows: list[ReportRow] = []
    for report in outcome.rows:
        values = dict(report.values)
        for key, value in values.items():
            if isinstance(value, str):
                values[key] = clean(value, f"ô {columns.get(key, '?')}{report.row}")
        task_id = clean(report.task_id, f"mã nhiệm vụ dòng {report.row}")
        rows.append(ReportRow(task_id, report.row, values))
    if not changed:
        return outcome if reason == outcome.reason else replace(outcome, reason=reason)
    note = ""
    if replaced:
        shown = ", ".join(where[:5]) + (f" và {len(where) - 5} chỗ khác" if len(where) > 5 else "")
        note = why.CHARACTERS_REPLACED.format(count=replaced, where=shown)
    return replace(
        outcome,
        name=name,
        reason=reason,
        agency=agency,
        generated_at=generated_at,
        rows=tuple(rows),
        note=note,
    )


def _reason_by_name(suffix: str) -> str | None:
    if suffix in WORKBOOK_SUFFIXES:
        return None
    if suffix in ARCHIVE_SUFFIXES:
        return why.ARCHIVE.format(ext=suffix)
    if suffix in SPREADSHEET_SUFFIXES:
        return why.OTHER_SPREADSHEET.format(ext=suffix)
    if suffix == ".pdf":
        return why.PDF
    return why.OTHER_FORMAT.format(ext=excerpt(suffix, 20) or "(không có phần mở rộng)")


# --- the opened workbook -------------------------------------------------------------------


def _read_book(
    book: ReturnedBook, key: bytes, plan_id: str, digests: RowDigests | None
) -> tuple[ExtractMeta, tuple[ReportRow, ...]]:
    names = [s.name for s in book.sheets]
    meta_grid, tasks = book.grids.get(ex.META_SHEET), book.grids.get(ex.TASKS_SHEET)
    meta: ExtractMeta | None = None
    if meta_grid is not None:
        meta = meta_from_rows(_meta_rows(meta_grid))
        shape = meta_shape_problem(meta)  # before any of its values is used
        if shape is not None:
            raise _Rejected(shape)
    elif ex.META_SHEET in names:  # a chartsheet under the metadata's name
        raise _Rejected(why.MISSING_SHEET.format(sheet=ex.META_SHEET))
    # The signed rows, task and input columns, read once for every check below.
    table: list[list[Any]] = []
    if meta is not None and meta.tasks and tasks is not None:
        last = meta.first_row + len(meta.tasks) - 1
        table = tasks.block(meta.first_row, last, len(sheet_layout(meta).columns))
    result = verify_rows(
        meta, table, key, ex.TASKS_SHEET in names, digests=digests, shape_checked=True
    )
    meta = result.meta
    if meta is None or not result.meta_signed:
        raise _Rejected(result.problems[0])
    signed = {"agency": meta.agency_code, "generated_at": meta.generated_at}
    if meta.plan_id != plan_id:
        found = excerpt(meta.plan_id, 60)
        raise _Rejected(why.OTHER_PLAN.format(found=found, expected=plan_id), **signed)
    try:
        sheet = sheet_layout(meta)
        grid = _check_sheets(book)
        _check_agency(grid, meta)
        _check_rows(grid, meta, table, sheet)
        # Before the rows' digests: an input column deleted or inserted also moves the
        # signed columns to its right, and the header names what happened.
        _check_input_headers(grid, sheet)
        if not result.ok:
            raise _Rejected(" ".join(result.problems))
        _check_right(grid, meta, sheet)
        rows = _read_rows(grid, meta, table, sheet, book.uncached.get(ex.TASKS_SHEET))
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
    missing = [n for n in _EXPECTED_SHEETS if n not in names]
    if missing:
        strange = [n for n in names if n not in _EXPECTED_SHEETS]
        if len(missing) == len(strange) == 1:  # renamed (the tab double-clicked and retyped)
            found = excerpt(strange[0], 40)
            raise _Rejected(why.SHEET_RENAMED.format(sheet=missing[0], found=found))
        raise _Rejected(why.MISSING_SHEET.format(sheet=missing[0]))
    seen: set[str] = set()
    for name in names:
        if name not in _EXPECTED_SHEETS or name.casefold() in seen:
            raise _Rejected(why.EXTRA_SHEET.format(sheet=excerpt(name, 40)))
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
                found=excerpt(found),
                expected=name.upper(),
            )
        )


def _check_rows(
    grid: Grid, meta: ExtractMeta, table: list[list[Any]], sheet: ex.SheetLayout
) -> None:
    first, count = meta.first_row, len(meta.tasks)
    last = first + count - 1
    # Bounded by the template, not by the sheet's extent: a stray cell far below must not
    # make us walk a million rows.
    below = min(grid.extent()[0], last + ROWS_BELOW)
    if below > last:
        width = len(sheet.columns)
        for row, values in enumerate(grid.block(last + 1, below, width), last + 1):
            col = next((c for c, v in enumerate(values, 1) if not is_blank(v)), None)
            if col is not None:
                raise _Rejected(
                    why.ROWS_ADDED.format(
                        cell=f"{get_column_letter(col)}{row}", count=count, first=first, last=last
                    )
                )
    id_column = sheet.position("task_id")
    ids = [r[id_column - 1] for r in table]
    found = set(ids)
    later = {task_id: n for n, task_id in enumerate(meta.task_ids)}
    for n, task_id in enumerate(meta.task_ids):
        if task_id not in found:
            if later.get(ids[n], -1) <= n:
                # Its row holds no task that followed it (rows deleted move those up): the
                # id was typed over or cleared, a locked cell edited, which the rows'
                # digests name.
                continue
            raise _Rejected(
                why.ROWS_REMOVED.format(
                    count=count, first=first, last=last, task_id=excerpt(task_id, 40)
                )
            )
    # Every task is there: a signed task at another task's row was moved (the sheet sorted
    # once its protection was lifted), which the rows' digests would call an edit.
    signed = set(meta.task_ids)
    for row, (task_id, expected) in enumerate(zip(ids, meta.task_ids, strict=True), first):
        if task_id != expected and task_id in signed:
            letter = get_column_letter(id_column)
            raise _Rejected(
                why.ROWS_MOVED.format(
                    row=row,
                    cell=f"{letter}{row}",
                    found=excerpt(task_id, 40),
                    expected=excerpt(expected, 40),
                    number=get_column_letter(sheet.position("number")),
                )
            )


def _check_right(grid: Grid, meta: ExtractMeta, sheet: ex.SheetLayout) -> None:
    # Data typed right of the table (the sheet's protection lifted to add a note) would be
    # dropped without a word: the file is refused as for rows added. Checked once the columns
    # are known to be in place (a column inserted also pushes data right).
    first, last = meta.first_row, meta.first_row + len(meta.tasks) - 1
    width = len(sheet.columns)
    right = min(grid.extent()[1], width + COLUMNS_RIGHT)
    if right <= width:
        return
    for row, values in enumerate(grid.block(first, last, right), first):
        col = next((c for c in range(width + 1, right + 1) if not is_blank(values[c - 1])), None)
        if col is not None:
            raise _Rejected(
                why.DATA_RIGHT.format(
                    cell=f"{get_column_letter(col)}{row}", last=get_column_letter(width)
                )
            )


def _check_input_headers(grid: Grid, sheet: ex.SheetLayout) -> None:
    # The agency may lift the sheet's protection (it has no password): a column deleted,
    # inserted or moved among the input columns would put its values under another header.
    # Checked against the layout of the file's own format version.
    found = grid.block(ex.HEADER_ROW, ex.HEADER_ROW, max(sheet.input_positions))[0]
    for column, col in zip(ex.INPUT_COLUMNS, sheet.input_positions, strict=True):
        value = found[col - 1]
        text = "" if value is None else str(value)
        if text.strip() != column.header:
            letter = get_column_letter(col)
            raise _Rejected(
                why.COLUMNS_CHANGED.format(
                    column=letter,
                    cell=f"{letter}{ex.HEADER_ROW}",
                    found=excerpt(text, 60),
                    expected=column.header,
                )
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


def _read_rows(
    grid: Grid,
    meta: ExtractMeta,
    table: list[list[Any]],
    sheet: ex.SheetLayout,
    uncached: frozenset[tuple[int, int]] | None = None,
) -> tuple[ReportRow, ...]:
    plan_date = _plan_date(meta)
    keys = [c.key for c in ex.INPUT_COLUMNS]
    headers = {c.key: c.header for c in ex.INPUT_COLUMNS}
    columns = dict(zip(keys, sheet.input_positions, strict=True))
    percent_column = columns[ex.PERCENT_KEY]  # the only column whose number format matters
    blank = {key: input_value(key, None) for key in keys}  # "" for texts, else None
    checks = [(key, col, filled_check(key)) for key, col in columns.items()]
    problems: list[_CellProblem] = []
    rows: list[ReportRow] = []
    for row, (task_id, cells) in enumerate(zip(meta.task_ids, table, strict=True), meta.first_row):
        values = dict(blank)
        width = len(cells)
        for key, col, check in checks:
            value = cells[col - 1] if col <= width else None
            if value is None or value == "":
                if uncached and (row, col) in uncached:  # blank only for want of its value
                    cell = f"{get_column_letter(col)}{row}"
                    problems.append(_CellProblem(cell, headers[key], why.VALUE_UNCALCULATED))
                continue
            fmt = grid.number_format(row, col) if col == percent_column else "General"
            try:
                values[key] = check(value, fmt, plan_date)
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
