"""Entry points of the workbook's ribbon buttons: the only module that imports xlwings.

VBA calls, for example,
``RunPython "import xlwings as xw, kehoach.xl as k; k.check_setup(xw.Book.caller())"``.
Each entry point takes the workbook, so the same function runs from RunPython,
from the tests through xlwings' remote engine, and from xlwings Lite. An entry
point reads from the book, calls one core function, then writes or alerts; user
errors (KeHoachError) become an alert, anything else propagates.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import xlwings as xw
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.utils.cell import coordinate_to_tuple

from kehoach.common.errors import KeHoachError
from kehoach.install.setup_report import TITLE as SETUP_TITLE
from kehoach.install.setup_report import setup_message
from kehoach.sheets import layout
from kehoach.sheets.edits import (
    HEADER_FILL,
    LINK_FONT,
    ClearRows,
    Edit,
    EnsureSheet,
    Fill,
    FormatTable,
    HideSheet,
    Link,
    NumberFormat,
    RowHeights,
    WriteValues,
    header_lines,
    hyperlink_formula,
)
from kehoach.sheets.geometry import header_height
from kehoach.sheets.sheetorder import TAB_COLORS, insert_position
from kehoach.state.master import MasterState, state_from_values

ERROR_TITLE = "Lỗi"
_XL_SHEET_VERY_HIDDEN = 2  # Excel's XlSheetVisibility.xlSheetVeryHidden
_MAX_COLORS = 10_000  # cells per Range.set_colors call (xlwings)
_XL_UNDERLINE_SINGLE = 2  # Excel's XlUnderlineStyle.xlUnderlineStyleSingle
_FORMULA_TEXT = 255  # characters of a text in a formula, and of HYPERLINK's link location
_ADDRESS_TEXT = 255  # characters of an address given to Excel's Range

F = TypeVar("F", bound=Callable[..., Any])
V = TypeVar("V")


def _user_errors(func: F) -> F:
    """Show a KeHoachError raised by ``func(book, ...)`` as an alert on that book."""

    @functools.wraps(func)
    def wrapper(book: xw.Book, *args: Any, **kwargs: Any) -> Any:
        try:
            return func(book, *args, **kwargs)
        except KeHoachError as err:
            book.app.alert(str(err), title=ERROR_TITLE, mode="critical")
            return None

    return wrapper  # type: ignore[return-value]


def apply_edits(book: xw.Book, edits: list[Edit]) -> None:
    """Apply core edits to the open workbook (see kehoach.sheets.edits; openpyxl's twin there).

    Consecutive ``Fill`` edits go to Excel as one call per sheet (``_fills``): a check of a
    large plan highlights thousands of cells; consecutive ``Link`` edits as one call per run
    of linked cells in a column (``_links``)."""
    batch: list[Edit] = []
    for edit in edits:
        if batch and type(edit) is not type(batch[0]):
            _batch(book, batch)
            batch = []
        if isinstance(edit, Fill | Link):
            batch.append(edit)
        else:
            _apply_edit(book, edit)
    if batch:
        _batch(book, batch)


def _batch(book: xw.Book, edits: Sequence[Edit]) -> None:
    if isinstance(edits[0], Fill):
        _fills(book, [e for e in edits if isinstance(e, Fill)])
    else:
        _links(book, [e for e in edits if isinstance(e, Link)])


def _links(book: xw.Book, links: Sequence[Link]) -> None:
    """Link edits as ``HYPERLINK`` formulas, one ``Range.formula`` call per run of linked cells
    in a column (Excel has no call that adds many hyperlinks), coloured and underlined as a
    hyperlink; a cell whose text or target a formula cannot hold (more than 255 characters)
    gets a hyperlink of its own. The last edit for a cell wins."""
    by_column: dict[tuple[str, int], dict[int, Link]] = {}
    for link in links:
        if len(link.text) > _FORMULA_TEXT or len(link.target) + 1 > _FORMULA_TEXT:
            sheet = book.sheets[link.sheet]
            sheet.range(link.cell).add_hyperlink(f"#{link.target}", text_to_display=link.text)
            continue
        col, row = coordinate_to_tuple(link.cell)[::-1]
        by_column.setdefault((link.sheet, col), {})[row] = link
    for (name, col), cells in by_column.items():
        sheet = book.sheets[name]
        for top, bottom, _ in _runs_of((row, None) for row in sorted(cells)):
            block = sheet.range((top, col), (bottom, col))
            block.formula = [[hyperlink_formula(cells[r])] for r in range(top, bottom + 1)]
            block.font.color = f"#{LINK_FONT.color.rgb[-6:]}"
            if book.app.engine.name == "excel":
                block.api.Font.Underline = _XL_UNDERLINE_SINGLE


def _fills(book: xw.Book, fills: Sequence[Fill]) -> None:
    """Fill edits, the last one for a cell winning, as one ``Range.set_colors`` per sheet over
    the cells' bounding box (``...`` keeps the others' fill); bands of rows when the box
    passes xlwings' 10,000 cells per call."""
    by_sheet: dict[str, dict[tuple[int, int], str | None]] = {}
    for fill in fills:
        first_col, first_row, last_col, last_row = range_boundaries(fill.cell)
        color = f"#{fill.color}" if fill.color else None
        cells = by_sheet.setdefault(fill.sheet, {})
        for row in range(first_row, last_row + 1):
            for col in range(first_col, last_col + 1):
                cells[row, col] = color
    for name, cells in by_sheet.items():
        sheet = book.sheets[name]
        rows = [r for r, _ in cells]
        cols = [c for _, c in cells]
        left, right = min(cols), max(cols)
        band = max(1, _MAX_COLORS // (right - left + 1))
        for top in range(min(rows), max(rows) + 1, band):
            bottom = min(top + band - 1, max(rows))
            matrix = [
                [cells.get((r, c), ...) for c in range(left, right + 1)]
                for r in range(top, bottom + 1)
            ]
            if any(v is not ... for row in matrix for v in row):
                sheet.range((top, left), (bottom, right)).set_colors(matrix)


def _apply_edit(book: xw.Book, edit: Edit) -> None:
    """One edit other than ``Fill``."""
    if isinstance(edit, EnsureSheet):
        names = [s.name for s in book.sheets]
        if edit.sheet not in names:
            existing = [(s.name, not s.visible) for s in book.sheets]
            place = insert_position(existing, edit.sheet)
            if place < len(existing):
                added = book.sheets.add(edit.sheet, before=book.sheets[place])
            else:
                added = book.sheets.add(edit.sheet, after=book.sheets[len(names) - 1])
            color = TAB_COLORS.get(edit.sheet)
            if color is not None and book.app.engine.name == "excel":
                added.api.Tab.Color = int(color[4:] + color[2:4] + color[:2], 16)  # BGR
        return
    sheet = book.sheets[edit.sheet]
    if isinstance(edit, HideSheet):
        sheet.visible = False
        if book.app.engine.name == "excel":
            sheet.api.Visible = _XL_SHEET_VERY_HIDDEN  # COM: out of Excel's Unhide list
    elif isinstance(edit, ClearRows):
        last = sheet.used_range.last_cell
        right = edit.last_column or last.column
        if last.row >= edit.first_row and right >= edit.first_column:
            cells = sheet.range((edit.first_row, edit.first_column), (last.row, right))
            if edit.formats:
                cells.clear()
            else:
                cells.clear_contents()
                if book.app.engine.name == "excel":  # ClearContents leaves hyperlinks behind
                    cells.api.Hyperlinks.Delete()
    elif isinstance(edit, WriteValues):
        rows = [[_as_text(v) for v in row] for row in edit.rows]
        if rows:
            sheet.range(edit.cell).value = rows
    elif isinstance(edit, RowHeights):
        if book.app.engine.name == "excel":
            for areas, height in height_groups(edit.first_row, edit.heights):
                sheet.range(areas).row_height = height
        else:  # Office.js, through xlwings' remote engine, takes one area per range
            for top, bottom, height in _runs(edit.first_row, edit.heights):
                sheet.range(f"{top}:{bottom}").row_height = height
    elif isinstance(edit, NumberFormat):
        sheet.range(edit.cells).number_format = edit.number_format
    elif isinstance(edit, FormatTable):
        _format_table(book, sheet, edit)


def _format_table(book: xw.Book, sheet: xw.Sheet, edit: FormatTable) -> None:
    """``FormatTable`` in Excel (the remote engines take values only: their sheets keep
    Excel's defaults)."""
    if book.app.engine.name != "excel":
        return
    for i, col in enumerate(edit.columns, start=1):
        letter = get_column_letter(i)
        column = sheet.range(f"{letter}:{letter}")
        column.column_width = col.width
        column.number_format = col.number_format
        column.wrap_text = col.key in edit.wrapped
        header = sheet.range((edit.header_row, i))
        header.font.bold = True
        header.color = f"#{HEADER_FILL}"
        header.wrap_text = True
    sheet.range((edit.header_row, 1)).row_height = header_height(header_lines(edit))
    sheet.range((1, 1)).font.bold = True
    sheet.range((1, 1)).font.size = 14


def height_groups(first_row: int, heights: Sequence[float]) -> list[tuple[str, float]]:
    """The rows of each height as one range of many areas ("5:7,9:9,12:12"), one call to Excel
    each: the heights wrapped text needs take a few values, not one per row. An address holds at
    most 255 characters (``Range`` in Excel's object model), so a height with many runs takes
    a call per 255 characters of them."""
    areas: dict[float, list[str]] = {}
    for top, bottom, height in _runs(first_row, heights):
        areas.setdefault(height, []).append(f"{top}:{bottom}")
    out: list[tuple[str, float]] = []
    for height, parts in areas.items():
        address = ""
        for part in parts:
            if address and len(address) + 1 + len(part) > _ADDRESS_TEXT:
                out.append((address, height))
                address = ""
            address = f"{address},{part}" if address else part
        out.append((address, height))
    return out


def _runs(first_row: int, heights: Sequence[float]) -> list[tuple[int, int, float]]:
    """Rows of equal height grouped: (first, last, height), one call to Excel each."""
    return _runs_of(enumerate(heights, start=first_row))


def _runs_of(rows: Iterable[tuple[int, V]]) -> list[tuple[int, int, V]]:
    """(row, value) in row order grouped into runs of consecutive rows of equal value:
    (first, last, value)."""
    runs: list[tuple[int, int, V]] = []
    for row, value in rows:
        if runs and runs[-1][2] == value and runs[-1][1] == row - 1:
            runs[-1] = (runs[-1][0], row, value)
        else:
            runs.append((row, row, value))
    return runs


def _as_text(value: Any) -> Any:
    """A value as Excel must be given it to store it unchanged: text with an apostrophe in
    front, as typed. Excel reads what a script writes as if it were typed, with the user's
    locale: "0123" would become 123, "2026-09-30" or "30/9/2026" a date, "=1+1" a formula,
    "TRUE" a boolean, "'x" would lose its apostrophe. Every edit holds text as text."""
    return "'" + value if isinstance(value, str) and value else value


def _header_rows(book: xw.Book) -> dict[str, list[Any] | None]:
    """The header row of every plan sheet present in ``book`` (None for other sheets)."""
    expected = layout.expected_sheets()
    rows: dict[str, list[Any] | None] = {}
    for sheet in book.sheets:
        columns = expected.get(sheet.name)
        if columns is None:
            rows[sheet.name] = None
            continue
        cells = sheet.range((layout.HEADER_ROW, 1), (layout.HEADER_ROW, len(columns)))
        rows[sheet.name] = cells.options(ndim=1, err_to_str=True).value
    return rows


def book_state(book: xw.Book) -> MasterState:
    """The open book read once into the state every feature takes: the sheets' values
    (``sheet_values``, unsaved edits included) and the workbook-level defined names."""
    names = {n.name: n.refers_to or "" for n in book.names}
    return state_from_values(sheet_values(book), names, file=book.name)


def sheet_values(book: xw.Book) -> dict[str, list[list[Any]]]:
    """Every sheet's values from A1 to the end of its used range (what sheetdata expects).
    An error cell is its text ("#N/A"), as the file readers give it: xlwings' default, a
    blank, would let a failed formula pass for a cell nobody filled in."""
    out: dict[str, list[list[Any]]] = {}
    for sheet in book.sheets:
        last = sheet.used_range.last_cell
        cells = sheet.range((1, 1), (max(last.row, 1), max(last.column, 1)))
        out[sheet.name] = cells.options(ndim=2, err_to_str=True).value
    return out


@_user_errors
def compute_gaps(book: xw.Book) -> None:
    """Button "Tính chênh lệch": gap figures on the sheet "Chênh lệch", totals in an alert."""
    from kehoach.gaps.compute import GAPS_ALERT_TITLE, alert_text, gap_edits
    from kehoach.gaps.compute import compute_gaps as core_gaps

    report = core_gaps(book_state(book))
    apply_edits(book, gap_edits(report))
    book.app.alert(alert_text(report), title=GAPS_ALERT_TITLE)


@_user_errors
def check_data(book: xw.Book) -> None:
    """Button "Kiểm tra dữ liệu": findings on the sheet KiemTra, cells highlighted, counts."""
    from kehoach.checks.run import CHECK_ALERT_TITLE, alert_text, check_workbook

    result = check_workbook(book_state(book))
    apply_edits(book, result.edits)
    book.app.alert(alert_text(result.findings), title=CHECK_ALERT_TITLE)


def _book_path(book: xw.Book) -> Path | None:
    """Where the open workbook is saved; None when it is in no folder of this computer: a
    book never saved (Excel's ``FullName`` is then its name alone, "Book1"), one opened from
    OneDrive or SharePoint (a web address), and xlwings' remote engines (the name only)."""
    path = Path(book.fullname)
    return path if path.is_absolute() and path.parent != path else None


def _book_folder(book: xw.Book) -> Path:
    """The folder of the open workbook, where the buttons put the files they make;
    KeHoachError when it has none, rather than files written wherever Python runs."""
    path = _book_path(book)
    if path is None:
        raise KeHoachError(
            f"Sổ «{book.name}» không nằm trong một thư mục trên máy này (chưa được lưu lần nào, "
            "hoặc đang mở từ OneDrive/SharePoint hay trang web): các tệp của nút này được ghi "
            "cạnh sổ. Hãy lưu sổ vào một thư mục trên máy (Tệp > Lưu Như) rồi bấm lại nút."
        )
    return path.parent


def _save(book: xw.Book) -> None:
    """Save the book after a button changed it; KeHoachError when Excel cannot: a copy
    opened read-only (a mail attachment, a file another user holds, a folder without write
    access). The changes stay in the open book for the official to save elsewhere."""
    try:
        book.save()
    except Exception as exc:  # COM errors from Excel's Save: their class says nothing more
        raise KeHoachError(
            f"Đã làm xong nhưng không lưu được sổ «{book.name}» ({type(exc).__name__}): sổ "
            "đang mở ở chế độ chỉ đọc (mở từ tệp đính kèm thư, người khác đang mở, hoặc thư "
            "mục không có quyền ghi). Các thay đổi vẫn ở sổ đang mở: hãy lưu ngay vào một thư "
            "mục có quyền ghi (Tệp > Lưu Như), đừng đóng sổ mà không lưu."
        ) from exc


def _status(book: xw.Book, text: str | None) -> None:
    """Excel's status bar text (None: Excel's own). xlwings' remote engines (Office.js: xlwings
    Lite, Server, the tests' harness) have no status bar and raise NotImplementedError."""
    with contextlib.suppress(NotImplementedError):
        book.app.status_bar = text if text is not None else False


@_user_errors
def make_extracts(book: xw.Book, out_dir: str | None = None) -> None:
    """Button "Tạo file cho cơ quan": one signed workbook per agency in the folder GuiCoQuan
    beside this workbook (``out_dir`` for tests), progress on the status bar, the manifest
    sheet, then the workbook is saved (it keeps the signing key) and an alert gives counts."""
    from datetime import datetime

    from kehoach.extract.files import extract_inputs, generate_extracts
    from kehoach.extract.manifest import ALERT_TITLE, manifest_edits, summary_text
    from kehoach.sheets.extract_layout import DEFAULT_FOLDER

    state = book_state(book)
    inputs = extract_inputs(state)
    folder = Path(out_dir) if out_dir else _book_folder(book) / DEFAULT_FOLDER
    apply_edits(book, inputs.key_edits())  # kept before any file is signed with it

    def progress(done: int, total: int, name: str) -> None:
        _status(book, f"Đang tạo tệp cho cơ quan {done}/{total}: {name}")

    manifest = generate_extracts(
        state.plan,
        inputs.directory,
        inputs.assignments,
        folder,
        inputs.key,
        generated_at=datetime.now().replace(microsecond=0),
        progress=progress,
    )
    apply_edits(book, manifest_edits(manifest, str(folder)))
    _save(book)
    _status(book, None)
    book.app.alert(summary_text(manifest, str(folder), inputs.unresolved), title=ALERT_TITLE)


@_user_errors
def summarize_progress(book: xw.Book) -> None:
    """Button "Tổng hợp tiến độ": the sheet TongHop as of today, the overall numbers in an
    alert; in Excel also the sheet as a PDF beside the workbook (Excel prints it itself)."""
    from datetime import date

    from kehoach.sheets.summary_layout import ALERT_TITLE, SUMMARY_SHEET
    from kehoach.summary.compute import alert_text, summarize
    from kehoach.summary.sheet import summary_edits

    today = date.today()
    summary = summarize(book_state(book), today)
    apply_edits(book, summary_edits(summary))
    text = alert_text(summary)
    pdf_note = sheet_pdf(book, SUMMARY_SHEET, f"{SUMMARY_SHEET}_{today.isoformat()}.pdf")
    book.app.alert(text + (f"\n{pdf_note}" if pdf_note else ""), title=ALERT_TITLE)


def sheet_pdf(book: xw.Book, sheet: str, name: str) -> str | None:
    """Print ``sheet`` to the PDF ``name`` beside the workbook through Excel (xlwings'
    ``Sheet.to_pdf``, the sheet's own page setup); the line to add to the alert, or None where
    Excel is not the engine (xlwings Lite, the tests' remote engine: no printing there)."""
    if book.app.engine.name != "excel":
        return None
    path = _book_path(book)
    if path is None:
        return f"Không in trang «{sheet}» ra PDF: sổ chưa được lưu vào một thư mục trên máy."
    out = path.parent / name
    try:
        book.sheets[sheet].to_pdf(str(out))
    except Exception as exc:  # COM errors from Excel's printing (no PDF printer, file locked)
        return (
            f"Không in được trang «{sheet}» ra PDF bằng Excel ({type(exc).__name__}): kiểm tra "
            "máy in «Microsoft Print to PDF» và tệp PDF cũ có đang mở không."
        )
    return f"Đã in trang «{sheet}» ra {out}."


@_user_errors
def write_report(book: xw.Book, out_dir: str | None = None) -> None:
    """Button "Báo cáo kết quả": the report of the quarter to today as a Word document beside
    this workbook (``out_dir`` for tests); an alert gives its path."""
    from datetime import date

    from kehoach.common.resources import templates_dir
    from kehoach.report.data import ALERT_TITLE, alert_text, report_data
    from kehoach.report.docx import TEMPLATE_NAME
    from kehoach.report.docx import write_report as write_docx

    data = report_data(book_state(book), date.today())
    folder = Path(out_dir) if out_dir else _book_folder(book)
    template = templates_dir() / TEMPLATE_NAME
    out = write_docx(data, template, folder / data.file_name)
    book.app.alert(alert_text(data, str(out)), title=ALERT_TITLE)


@_user_errors
def collect_returns(
    book: xw.Book,
    folder: str | None = None,
    received_at: datetime | None = None,
    master: str | None = None,
) -> None:
    """Button "Thu thập báo cáo": the returned files of the folder the button's dialog wrote
    into ThuThap!B2 (``folder`` for tests) merged into TienDo, LichSu, ThuThap; every file is
    read and checked before anything is written; then the changed cells go to a history
    workbook beside this one (``master``: where this workbook is, for tests), the workbook is
    saved and an alert gives the counts and the rejected files' reasons."""
    from kehoach.collect.run import ALERT_TITLE, collect_folder, folder_setting, save_history

    state = book_state(book)
    chosen = folder if folder is not None else folder_setting(state)
    path = Path(master) if master else _book_folder(book) / book.name
    _status(book, "Đang đọc các tệp cơ quan gửi lại...")
    try:
        collection = collect_folder(
            state, chosen, received_at or datetime.now().replace(microsecond=0), master=path
        )
    finally:
        _status(book, None)
    collection = save_history(collection, path)
    apply_edits(book, collection.edits())
    _save(book)
    book.app.alert(collection.alert_text(), title=ALERT_TITLE)


@_user_errors
def check_setup(book: xw.Book, path: str | None = None) -> None:
    """Button "Kiểm tra cài đặt": every link from Excel to Python (``kehoach doctor``) and
    whether the plan sheets are intact. ``path``: where the workbook is, for tests."""
    from kehoach.install.doctor import run_checks
    from kehoach.install.facts import gather_facts

    file = Path(path) if path else _book_path(book)
    facts = gather_facts(file if file is not None and file.is_file() else None)
    message = setup_message(
        run_checks(facts),
        workbook=book.fullname,
        problems=layout.sheet_problems(_header_rows(book)),
    )
    book.app.alert(message, title=SETUP_TITLE)


@_user_errors
def send_mail(book: xw.Book, files_dir: str | None = None, out_dir: str | None = None) -> None:
    """Button "Tạo thư nháp": a .eml draft per agency file (folder GuiCoQuan beside this workbook,
    ``files_dir`` for tests) into the folder ThuGui beside it (``out_dir``), never a file
    already drafted for that agency; the send log NhatKyGui; the workbook saved; an alert with
    the counts and the agencies that got no draft (no address, file too large or missing).
    Sending through SMTP is the CLI's (``kehoach mail --smtp``): no password in Excel."""
    from datetime import date

    from kehoach.common.resources import templates_dir
    from kehoach.mail.run import ALERT_TITLE, alert_text, finish, plan_mail
    from kehoach.mail.send import EmlDirTransport
    from kehoach.sheets import mail_layout as ml
    from kehoach.sheets.extract_layout import DEFAULT_FOLDER

    state = book_state(book)
    folder = Path(files_dir) if files_dir else _book_folder(book) / DEFAULT_FOLDER
    plan = plan_mail(state, folder, ml.CHANNEL_DRAFT, templates=templates_dir(), today=date.today())
    out = Path(out_dir) if out_dir else _book_folder(book) / ml.DRAFT_FOLDER
    results, edits = finish(
        plan, EmlDirTransport(out), state, datetime.now().replace(microsecond=0)
    )
    apply_edits(book, edits)
    _save(book)
    book.app.alert(alert_text(results, len(plan.skipped), str(out)), title=ALERT_TITLE)
