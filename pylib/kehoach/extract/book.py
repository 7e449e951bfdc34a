"""One agency's workbook ("tệp gửi cơ quan"), as the bytes of an .xlsx file.

``extract_bytes(plan, extract, key, generated_at=...)`` lays out the rows that
``kehoach.extract.select`` picked for one agency:

- sheet "Nhiệm vụ" (columns: ``extract_layout.CURRENT``): title, subtitle and legend, one
  header row, one row per task; the task cells locked and grey, the input cells unlocked,
  light yellow and validated (status list, 0–100, a date not before the plan's, text lengths);
  a locked formula column "Lưu ý" and a red fill warn about a completed task without evidence
  or explanation. Made to be filled on a 1366×768 screen: STT and the task id frozen, the task
  text wrapped beside its inputs, the reference columns to the right; rows no taller than
  ``MAX_ROW_LINES`` lines. Printed A4 landscape, rows 1–3 on every page, the task text, inputs
  and check (the reference columns stay on screen) one page wide;
- sheet "Hướng dẫn": what to fill in, by when and to whom to send it back; A4 portrait;
- sheet "_meta", veryHidden: plan, agency, task ids, row digests, signature
(kehoach.extract.signing).

Sheets are protected without a password and the workbook's structure is locked: that prevents
accidents, not fraud; the signature is what proves the rows unchanged.

Written with XlsxWriter, several times faster than openpyxl, which matters for a province of
hundreds of agencies. Its files are reproducible as they come: zip entries dated 1980-01-01,
docProps/core.xml dated ``generated_at``; so the same inputs, ``generated_at`` and key give the
same bytes (on one operating system: zip headers record the system that wrote them).
Every format names its font (Times New Roman, which every supported Office has and
Vietnamese administrative print uses); dates are dd/mm/yyyy.

Tests read the result with openpyxl and render it through LibreOffice.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from kehoach.agencies.directory import Agency
from kehoach.extract.select import AgencyExtract
from kehoach.extract.signing import key_id, meta_rows, row_signer, signature
from kehoach.plan.model import Plan
from kehoach.plan.timelines import date_text, plan_year
from kehoach.sheets import extract_layout as ex
from kehoach.sheets import layout
from kehoach.sheets.geometry import BOLD_CHARS_PER_WIDTH_UNIT, wrapped_lines
from kehoach.sheets.sheetstyle import BOTTOM_MARGIN, FOOTER_MARGIN, SIDE_MARGIN, TOP_MARGIN
from kehoach.sheets.xlsx_text import taken_for_runs, write_text

FONT = "Times New Roman"
# A wrapped line of 11 pt Times New Roman (LibreOffice draws about 12.6 pt; Excel a little more).
_LINE_POINTS = 14.0
_CHARS_PER_WIDTH_UNIT = 1.05  # letters of 11 pt text per unit of column width
# A row shows at most this many lines (a longer text is read in the formula bar, or by
# making the row taller: the sheet's protection allows it).
MAX_ROW_LINES = 14
# The header row: its longest header, wrapped in its column, fits in these lines.
_HEADER_LINE_POINTS = 15.0
_GUIDE_WIDTH = 95  # A4 portrait at 100 %: about 17 cm
_GREY = "#F2F2F2"  # locked cells: not to be changed
_HEADER_FILL = "#D9E1F2"
_INPUT_HEADER_FILL = "#FFD966"
# The legend, in row 2 beside the subtitle (repeated with the header on every printed page).
LEGEND_INPUT = "Nền vàng: ô điền vào"
LEGEND_LOCKED = "Nền xám: không sửa (đã khóa, có chữ ký)"
LEGEND_CHECK = "«Lưu ý» chữ đỏ, ô nền hồng: còn thiếu, cần bổ sung"


@dataclass(frozen=True)
class ExtractOptions:
    """What the instructions tell the agency: to whom, and by when, to send the file back.

    ``reply_by`` None: ``reply_days`` after the generation date.
    """

    return_to: str = "Sở Nội vụ tỉnh Bắc Kạn (cơ quan thường trực của Kế hoạch)"
    reply_by: date | None = None
    reply_days: int = 14

    def deadline(self, generated_at: datetime) -> date:
        return self.reply_by or generated_at.date() + timedelta(days=self.reply_days)


def extract_title(plan: Plan, agency: Agency) -> str:
    """The Vietnamese title inside an agency workbook (row 1 of its tasks sheet)."""
    heading = ex.TASKS_TITLE.format(
        number=plan.number, date=date_text(plan.date), issuer=plan.issuer.upper()
    )
    return f"{heading}: {agency.name.upper()}"


def extract_meta(
    plan: Plan,
    extract: AgencyExtract,
    key: bytes,
    generated_at: datetime,
    cells: Sequence[Sequence[Any]] | None = None,
) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """The hidden metadata of one agency workbook: fields (signature included) and the
    (task id, row digest) list, in row order. ``cells``: the rows' locked cells when the
    caller has them already (``row.cells(number)`` of each row)."""
    sign = row_signer(key)
    if cells is None:
        cells = [row.cells(number) for number, row in enumerate(extract.rows, start=1)]
    rows = zip(extract.rows, cells, strict=True)
    tasks = [(row.task_id, sign(row_cells)) for row, row_cells in rows]
    meta = {
        ex.META_FORMAT: ex.FORMAT_VERSION,
        ex.META_PLAN: plan.number,
        ex.META_PLAN_DATE: plan.date,
        ex.META_AGENCY: extract.agency.code,
        ex.META_AGENCY_NAME: extract.agency.name,
        ex.META_GENERATED_AT: generated_at.isoformat(timespec="seconds"),
        ex.META_KEY_ID: key_id(key),
        ex.META_TASK_COUNT: str(len(extract.rows)),
        ex.META_FIRST_ROW: str(ex.FIRST_DATA_ROW),
    }
    meta[ex.META_SIGNATURE] = signature(key, meta, tasks)
    return meta, tasks


def extract_bytes(
    plan: Plan,
    extract: AgencyExtract,
    key: bytes,
    *,
    generated_at: datetime,
    options: ExtractOptions | None = None,
) -> bytes:
    """The .xlsx file of one agency's workbook (see the module's description)."""
    options = options or ExtractOptions()
    buf = io.BytesIO()
    wb = _Workbook(
        buf,
        {
            "default_format_properties": {"font_name": FONT, "font_size": 11},
            "in_memory": True,
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
        },
    )
    wb.set_properties(
        {
            "title": extract_title(plan, extract.agency),
            "author": "kehoach",
            "company": plan.issuer,
            "created": generated_at,
        }
    )
    styles = _Styles(wb)
    job = _Job(plan, extract, options, generated_at)
    # Each row's locked cells, built once: written, then signed.
    cells = [row.cells(number) for number, row in enumerate(extract.rows, start=1)]
    _write_tasks(wb.add_worksheet(ex.TASKS_SHEET, _Sheet), styles, job, cells)
    _write_guide(wb.add_worksheet(ex.GUIDE_SHEET), styles, job)
    meta, tasks = extract_meta(plan, extract, key, generated_at, cells)
    ws = wb.add_worksheet(ex.META_SHEET)
    for r, row in enumerate(meta_rows(meta, tasks)):
        for c, value in enumerate(row):
            if value is not None:
                write_text(ws, r, c, str(value), None, styles.plain)
    ws.very_hidden()
    ws.protect()
    wb.close()
    return buf.getvalue()


class _Workbook(xlsxwriter.Workbook):  # type: ignore[misc]
    """XlsxWriter's workbook with its structure locked: no sheet can be added, deleted,
    renamed, or unhidden (so "_meta" stays out of sight). XlsxWriter has no API for it; its
    workbook.xml writer calls ``_write_book_views`` right after <workbookPr>, which is where the
    schema wants <workbookProtection> (CT_Workbook: fileVersion, fileSharing, workbookPr,
    workbookProtection, bookViews, …). A test reads the lock back with openpyxl."""

    def _write_book_views(self) -> None:
        self._xml_empty_tag("workbookProtection", [("lockStructure", 1)])
        super()._write_book_views()


class _Sheet(Worksheet):  # type: ignore[misc]
    """XlsxWriter's worksheet without its formula rewriting: ``_prepare_formula`` runs some
    thirty regular expressions per formula to prefix Excel's newer functions ("_xlfn."), a third
    of the time of a workbook with one formula per row. Ours use only IF, AND, LEN, TRIM and
    ISNUMBER (Excel 2007), which need no prefix; LibreOffice evaluates them in a test."""

    def _prepare_formula(self, formula: str, expand_future_functions: bool = False) -> str:
        return formula.removeprefix("=")


class _Styles:
    """The formats of one workbook (XlsxWriter formats belong to the workbook that made them)."""

    def __init__(self, wb: xlsxwriter.Workbook) -> None:
        font = {"font_name": FONT, "font_size": 11}
        cell = {**font, "text_wrap": True, "valign": "top", "border": 1, "border_color": "#808080"}
        header = {**cell, "bold": True, "align": "center", "valign": "vcenter"}
        unlocked = {**cell, "locked": False, "bg_color": f"#{layout.INPUT_FILL}"}
        self.plain = wb.add_format()  # written only where a text needs it (``xlsx_text``)
        self.title = wb.add_format({**font, "bold": True, "font_size": 13})
        self.subtitle = wb.add_format({**font, "italic": True, "text_wrap": True, "valign": "top"})
        self.header = wb.add_format({**header, "bg_color": _HEADER_FILL})
        self.input_header = wb.add_format({**header, "bg_color": _INPUT_HEADER_FILL})
        self.legend_input = wb.add_format({**cell, "bg_color": f"#{layout.INPUT_FILL}"})
        self.legend_locked = wb.add_format({**cell, "bg_color": _GREY})
        self.legend_check = wb.add_format({**cell, "font_color": "#C00000", "bold": True})
        self.check = wb.add_format({**cell, "bold": True, "font_color": "#C00000"})
        self.warn = wb.add_format({**font, "bg_color": "#FFC7CE"})
        self.guide = wb.add_format({**font, "text_wrap": True, "valign": "top"})
        self.guide_title = wb.add_format(
            {**font, "text_wrap": True, "valign": "top", "bold": True, "font_size": 13}
        )
        self.locked: dict[str, Format] = {}
        self.inputs: dict[str, Format] = {}
        for col in ex.TASK_COLUMNS:
            fmt = {} if col.number_format == "General" else {"num_format": col.number_format}
            self.locked[col.key] = wb.add_format({**cell, "bg_color": _GREY, **fmt})
        for col in ex.INPUT_COLUMNS:
            fmt = {} if col.number_format == "General" else {"num_format": col.number_format}
            self.inputs[col.key] = wb.add_format({**unlocked, **fmt})


@dataclass(frozen=True)
class _Job:
    """What one agency's file is made of."""

    plan: Plan
    extract: AgencyExtract
    options: ExtractOptions
    generated_at: datetime


def _write_value(ws: Worksheet, row: int, col: int, value: Any, fmt: Format) -> None:
    if value is None or value == "":
        ws.write_blank(row, col, None, fmt)
    elif isinstance(value, bool):
        ws.write_boolean(row, col, value, fmt)
    elif isinstance(value, int | float):
        ws.write_number(row, col, value, fmt)
    elif isinstance(value, date):
        ws.write_datetime(row, col, value, fmt)
    else:
        write_text(ws, row, col, str(value), fmt, fmt)


@lru_cache(maxsize=65_536)
def _text_lines(text: str, width: float) -> int:
    """``wrapped_lines`` of a task cell's text: the same texts recur in file after file (every
    agency given a task carries its text), so each is measured once per run."""
    return wrapped_lines(text, width, _CHARS_PER_WIDTH_UNIT)


def _write_tasks(ws: Worksheet, styles: _Styles, job: _Job, cells: Sequence[Sequence[Any]]) -> None:
    plan, extract, options, generated_at = job.plan, job.extract, job.options, job.generated_at
    sheet = ex.CURRENT
    columns = sheet.columns
    letters = {c.key: sheet.letter(c.key) for c in columns}
    pos = {c.key: sheet.position(c.key) - 1 for c in columns}  # XlsxWriter counts from 0
    ws.write_string(ex.TITLE_ROW - 1, 0, extract_title(plan, extract.agency), styles.title)
    subtitle = ex.TASKS_SUBTITLE.format(
        agency=extract.agency.name,
        lead=extract.lead_tasks,
        coordinating=extract.coordinating_tasks,
        return_to=options.return_to,
        reply_by=f"{options.deadline(generated_at):%d/%m/%Y}",
    )
    # The subtitle over the columns left of the inputs, the legend over the inputs.
    first_input = min(sheet.input_positions) - 1
    ws.merge_range(
        ex.SUBTITLE_ROW - 1, 0, ex.SUBTITLE_ROW - 1, first_input - 1, subtitle, styles.subtitle
    )
    legend = (
        (first_input, first_input + 1, LEGEND_INPUT, styles.legend_input),
        (first_input + 2, first_input + 3, LEGEND_LOCKED, styles.legend_locked),
        # Within the print area, which stops before the check column.
        (first_input + 4, sheet.printed - 1, LEGEND_CHECK, styles.legend_check),
    )
    for left, right, text, fmt in legend:
        ws.merge_range(ex.SUBTITLE_ROW - 1, left, ex.SUBTITLE_ROW - 1, right, text, fmt)
    subtitle_width = sum(c.width for c in columns[:first_input])
    ws.set_row(
        ex.SUBTITLE_ROW - 1,
        wrapped_lines(subtitle, subtitle_width, _CHARS_PER_WIDTH_UNIT) * _LINE_POINTS,
    )
    inputs = {c.key for c in ex.INPUT_COLUMNS}
    header_lines = 1
    for i, col in enumerate(columns):
        fmt = styles.input_header if col.key in inputs else styles.header
        header = col.text(plan.years)
        ws.write_string(ex.HEADER_ROW - 1, i, header, fmt)
        ws.set_column(i, i, col.width)
        header_lines = max(
            header_lines,
            wrapped_lines(header, col.width, BOLD_CHARS_PER_WIDTH_UNIT, whole_words=True),
        )
    ws.set_row(ex.HEADER_ROW - 1, header_lines * _HEADER_LINE_POINTS)
    first = ex.FIRST_DATA_ROW
    # Per column: its position, its format and its width (the row's height follows its text).
    locked = [(pos[c.key], styles.locked[c.key], _width(c.key)) for c in ex.TASK_COLUMNS]
    blank = [(pos[c.key], styles.inputs[c.key]) for c in ex.INPUT_COLUMNS]
    check, check_fmt = pos["check"], styles.check
    write_string, write_blank = ws.write_string, ws.write_blank
    for offset, row_cells in enumerate(cells):
        row = first + offset  # Excel's row number; XlsxWriter counts from 0
        lines = 1
        for (at, fmt, width), value in zip(locked, row_cells, strict=True):
            if type(value) is str and value and not taken_for_runs(value):
                write_string(row - 1, at, value, fmt)
                lines = max(lines, _text_lines(value, width))
            else:
                _write_value(ws, row - 1, at, value, fmt)
                if isinstance(value, str) and value:
                    lines = max(lines, _text_lines(value, width))
        for at, fmt in blank:
            write_blank(row - 1, at, None, fmt)
        ws.write_formula(row - 1, check, _check_formula(letters, row), check_fmt, "")
        if lines > 1:
            ws.set_row(row - 1, min(lines, MAX_ROW_LINES) * _LINE_POINTS)
    last = first + max(len(extract.rows), 1) - 1
    _validate(ws, plan, first, last)
    evidence = f"{letters[ex.EVIDENCE_KEY]}{first}:{letters[ex.EXPLANATION_KEY]}{last}"
    ws.conditional_format(
        evidence,
        {
            "type": "formula",
            "criteria": "=" + _missing_evidence(letters, first),
            "format": styles.warn,
        },
    )
    ws.freeze_panes(first - 1, sheet.frozen)
    ws.autofilter(ex.HEADER_ROW - 1, 0, last - 1, len(columns) - 1)
    ws.repeat_rows(ex.TITLE_ROW - 1, ex.HEADER_ROW - 1)
    ws.print_area(ex.TITLE_ROW - 1, 0, last - 1, sheet.printed - 1)
    _page_setup(ws, plan, landscape=True)
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


def _width(key: str) -> float:
    return ex.CURRENT.columns[ex.CURRENT.position(key) - 1].width


def _column(key: str) -> layout.Column:
    return ex.CURRENT.columns[ex.CURRENT.position(key) - 1]


def _missing_evidence(letters: dict[str, str], row: int) -> str:
    return (
        f'AND(${letters[ex.STATUS_KEY]}{row}="{ex.STATUS_DONE}",'
        f"LEN(TRIM(${letters[ex.EVIDENCE_KEY]}{row}))=0,"
        f"LEN(TRIM(${letters[ex.EXPLANATION_KEY]}{row}))=0)"
    )


def _check_formula(letters: dict[str, str], row: int) -> str:
    status, pct = f"{letters[ex.STATUS_KEY]}{row}", f"{letters[ex.PERCENT_KEY]}{row}"
    return (
        f'=IF({_missing_evidence(letters, row)},"{ex.CHECK_MESSAGE_EVIDENCE}",'
        f'IF(AND({status}="{ex.STATUS_DONE}",ISNUMBER({pct}),{pct}<100),'
        f'"{ex.CHECK_MESSAGE_PERCENT}",""))'
    )


def plan_day(plan: Plan) -> date:
    """The plan's date; 1 January of its year when the date cannot be read."""
    try:
        return date.fromisoformat(plan.date)
    except ValueError:
        return date(plan_year(plan), 1, 1)


def _validate(ws: Worksheet, plan: Plan, first: int, last: int) -> None:
    def add(key: str, rule: dict[str, Any], prompt: str) -> None:
        col = ex.CURRENT.position(key) - 1
        ws.data_validation(
            first - 1,
            col,
            last - 1,
            col,
            {
                **rule,
                "ignore_blank": True,
                "input_title": _column(key).header[:32],
                "input_message": prompt[:255],
                "error_title": "Giá trị không hợp lệ",
                "error_message": prompt[:255],
            },
        )

    add(
        ex.STATUS_KEY,
        {"validate": "list", "source": list(ex.STATUSES)},
        "Chọn một tình trạng trong danh sách.",
    )
    add(
        ex.PERCENT_KEY,
        {"validate": "decimal", "criteria": "between", "minimum": 0, "maximum": 100},
        "Nhập số từ 0 đến 100; «Hoàn thành» là 100.",
    )
    day = plan_day(plan)
    add(
        ex.REPORT_DATE_KEY,
        {"validate": "date", "criteria": ">=", "value": datetime(day.year, day.month, day.day)},
        f"Nhập ngày (ngày/tháng/năm), không trước ngày {day:%d/%m/%Y} của Kế hoạch.",
    )
    for key, prompt in (
        (ex.RESULTS_KEY, "Kết quả đã đạt được."),
        (
            ex.EVIDENCE_KEY,
            f"Số và ngày văn bản chứng minh, ví dụ «Số 12/QĐ-UBND ngày 05/6/{plan.years.target}».",
        ),
        (ex.EXPLANATION_KEY, "Bắt buộc khi «Hoàn thành» mà chưa có văn bản chứng minh."),
        (ex.DIFFICULTIES_KEY, "Khó khăn, vướng mắc và đề xuất (nếu có)."),
    ):
        add(
            key,
            {"validate": "length", "criteria": "<=", "value": ex.MAX_TEXT_LENGTH},
            f"{prompt} Tối đa {ex.MAX_TEXT_LENGTH} ký tự.",
        )


def guide_lines(
    plan: Plan, extract: AgencyExtract, options: ExtractOptions, generated_at: datetime
) -> list[str]:
    """The instructions sheet, one paragraph per line."""
    done = ex.STATUS_DONE
    deadline = options.deadline(generated_at)
    return [
        f"HƯỚNG DẪN ĐIỀN BÁO CÁO — {extract.agency.name.upper()}",
        f"Kế hoạch số {plan.number} ngày {date_text(plan.date)} của {plan.issuer}: {plan.title}",
        f"Tệp này liệt kê {len(extract.rows)} nhiệm vụ giao cho {extract.agency.name}: chủ trì "
        f"{extract.lead_tasks}, phối hợp {extract.coordinating_tasks} (cột «Vai trò»; cột «Được "
        "giao qua» cho biết cơ quan được giao trực tiếp hay qua một nhóm như «Các sở, ban, "
        "ngành»).",
        "1. Ở trang «Nhiệm vụ», chỉ điền các cột nền vàng, mỗi dòng một nhiệm vụ (nội dung "
        "nhiệm vụ ở ngay bên trái; các cột tham khảo — thời gian thực hiện, tiêu chí, điểm, "
        "mục tiêu, cơ quan khác cùng thực hiện — ở bên phải cột «Lưu ý»):",
        f"   • Tình trạng: chọn trong danh sách ({', '.join(ex.STATUSES)});",
        "   • % hoàn thành: số từ 0 đến 100;",
        "   • Kết quả thực hiện: việc đã làm, kết quả đạt được;",
        "   • Văn bản chứng minh: số và ngày của văn bản, ví dụ "
        f"«Số 12/QĐ-UBND ngày 05/6/{plan.years.target}»;",
        f"   • Giải trình: bắt buộc khi chọn «{done}» mà chưa có văn bản chứng minh "
        "(điểm Chỉ số CCHC chỉ được tính khi có tài liệu kiểm chứng);",
        "   • Khó khăn, vướng mắc, đề xuất; Ngày báo cáo (ngày/tháng/năm).",
        f"2. Nhiệm vụ «{done}» phải có % hoàn thành là 100 và văn bản chứng minh (hoặc giải "
        "trình); cột «Lưu ý» báo đỏ khi còn thiếu.",
        "3. Không sửa, thêm, xóa hay sắp xếp lại các dòng và các ô nền xám (đã khóa). Tệp "
        "có chữ ký điện tử ẩn: tệp đã bị sửa các cột này sẽ không được tiếp nhận.",
        "4. Giữ định dạng .xlsx và tên tệp (lưu bằng Excel hoặc LibreOffice đều được).",
        f"5. Gửi lại tệp cho {options.return_to} trước ngày {deadline:%d/%m/%Y}.",
    ]


def _write_guide(ws: Worksheet, styles: _Styles, job: _Job) -> None:
    plan, extract, options, generated_at = job.plan, job.extract, job.options, job.generated_at
    ws.set_column(0, 0, _GUIDE_WIDTH)
    lines_of = guide_lines(plan, extract, options, generated_at)
    for row, text in enumerate(lines_of):
        fmt = styles.guide_title if row == 0 else styles.guide
        write_text(ws, row, 0, text, fmt, fmt)
        lines = wrapped_lines(text, _GUIDE_WIDTH, _CHARS_PER_WIDTH_UNIT)
        if lines > 1:
            ws.set_row(row, lines * _LINE_POINTS)
    ws.print_area(0, 0, len(lines_of) - 1, 0)
    _page_setup(ws, plan, landscape=False)
    ws.protect()


def page_footer(plan: Plan) -> str:
    """The footer of every printed page: the plan's number and page x/y ("&" doubled, as
    Excel's header codes want)."""
    return f"&LKế hoạch số {plan.number.replace('&', '&&')}&RTrang &P/&N"


def _page_setup(ws: Worksheet, plan: Plan, *, landscape: bool) -> None:
    ws.set_paper(9)  # A4
    if landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    # The master's margins (``sheetstyle.print_setup``); XlsxWriter writes them itself.
    ws.set_margins(left=SIDE_MARGIN, right=SIDE_MARGIN, top=TOP_MARGIN, bottom=BOTTOM_MARGIN)
    ws.set_footer(page_footer(plan), {"margin": FOOTER_MARGIN})
    ws.center_horizontally()
    ws.fit_to_pages(1, 0)  # one page wide, as many tall as needed
