"""The master's e-mail sheets: "Cài đặt" (settings) and "NhatKyGui" (send log), laid out at
build time (``write_mail_sheets``) and carried across a rebuild (``kept_mail``).

The settings sheet has one row per ``mail_layout.SETTINGS`` entry: label (column A, how the
row is found), value (column B, yellow: the officials edit it) and a note. There is no row for
the SMTP password, on purpose. The log is empty until the first run (``mail_send.log_edits``
appends to it).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from kehoach.common.errors import BuildError
from kehoach.sheets import mail_layout as ml
from kehoach.sheets.edits import Edit, WriteValues, grow_row
from kehoach.sheets.layout import Column
from kehoach.sheets.sheetstyle import (
    RESULT_COLORS,
    color_by_value,
    fit_header,
    fit_note,
    print_setup,
    wrap_columns,
)

_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")
_INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")  # the yellow of cells officials fill
_HEADER_ALIGN = Alignment(wrap_text=True, vertical="center", horizontal="center")
_WRAP = Alignment(wrap_text=True, vertical="top")
_TITLE_FONT = Font(bold=True, size=14)
_NOTE_FONT = Font(italic=True, color="595959")
_BOLD = Font(bold=True)


def _heading(ws: Worksheet, columns: tuple[Column, ...], title: str, note: str) -> None:
    ws.cell(ml.TITLE_ROW, 1, title).font = _TITLE_FONT
    ws.cell(ml.NOTE_ROW, 1, note).font = _NOTE_FONT
    for i, col in enumerate(columns, start=1):
        cell = ws.cell(ml.HEADER_ROW, i, col.header)
        cell.font = _BOLD
        cell.fill = _HEADER_FILL
        cell.alignment = _HEADER_ALIGN
        cell.border = _BORDER
        ws.column_dimensions[get_column_letter(i)].width = col.width
        if col.number_format != "General":
            ws.column_dimensions[get_column_letter(i)].number_format = col.number_format
    fit_header(ws, ml.HEADER_ROW, columns)
    fit_note(ws, ml.NOTE_ROW, columns)
    ws.freeze_panes = f"A{ml.FIRST_DATA_ROW}"
    print_setup(ws, landscape=True, title_rows=f"{ml.HEADER_ROW}:{ml.HEADER_ROW}")


def write_mail_sheets(wb: Workbook) -> None:
    """Add the settings sheet (defaults filled in, no password row) and the empty send log."""
    for name in (ml.SETTINGS_SHEET, ml.LOG_SHEET):
        if name in wb.sheetnames:
            raise BuildError(f"Workbook đã có trang tính '{name}'.")
    ws = wb.create_sheet(ml.SETTINGS_SHEET)
    _heading(ws, ml.SETTINGS_COLUMNS, ml.SETTINGS_TITLE, ml.SETTINGS_NOTE)
    for row, setting in enumerate(ml.SETTINGS, start=ml.FIRST_DATA_ROW):
        label = ws.cell(row, 1, setting.label)
        value = ws.cell(row, 2, None if setting.default == "" else setting.default)
        note = ws.cell(row, 3, setting.note)
        label.font = _BOLD
        value.fill = _INPUT_FILL
        value.number_format = "@" if isinstance(setting.default, str) else "General"
        for cell in (label, value, note):
            cell.border = _BORDER
            cell.alignment = _WRAP
        grow_row(ws, row)  # as a rebuild's carried value would grow it
    log = wb.create_sheet(ml.LOG_SHEET)
    _heading(log, ml.LOG_COLUMNS, ml.LOG_TITLE, ml.LOG_NOTE)
    wrap_columns(log, ml.LOG_COLUMNS, ml.LOG_WRAPPED)
    for i, col in enumerate(ml.LOG_COLUMNS, start=1):
        if col.key in ml.LOG_FOLDED:  # "+" above the headers opens it
            dim = log.column_dimensions[get_column_letter(i)]
            dim.outline_level, dim.hidden = 1, True
    color_by_value(log, ml.LOG_COLUMNS, "result", ml.FIRST_DATA_ROW, RESULT_COLORS)
    last = get_column_letter(len(ml.LOG_COLUMNS))
    log.auto_filter.ref = f"A{ml.HEADER_ROW}:{last}{ml.HEADER_ROW}"


def kept_mail(values: dict[str, Any] | None) -> list[Edit]:
    """The edits that carry the officials' settings (column B, by label, blank values too:
    a cleared default stays cleared) and the send log's rows into a rebuilt master.
    ``values``: the old master's ``sheetdata.workbook_values`` (None: no old master)."""
    if not values:
        return []
    out: list[Edit] = []
    rows = values.get(ml.SETTINGS_SHEET)
    if rows:
        by_label = {
            str(r[0]).strip(): (r[1] if len(r) > 1 else None)
            for r in list(rows)[ml.FIRST_DATA_ROW - 1 :]
            if r and r[0] is not None
        }
        for number, setting in enumerate(ml.SETTINGS, start=ml.FIRST_DATA_ROW):
            if setting.label in by_label:
                value = by_label[setting.label]
                out.append(WriteValues(ml.SETTINGS_SHEET, f"B{number}", [[_cell(value)]]))
    log = [list(r) for r in list(values.get(ml.LOG_SHEET) or [])[ml.FIRST_DATA_ROW - 1 :]]
    while log and all(v in (None, "") for v in log[-1]):
        log.pop()
    if log:
        out.append(WriteValues(ml.LOG_SHEET, f"A{ml.FIRST_DATA_ROW}", log))
    return out


def _cell(value: Any) -> Any:
    return None if value == "" else value


def kept_mail_of(path: Path) -> list[Edit]:
    """``kept_mail`` of the master at ``path`` (nothing when there is no file)."""
    from kehoach.sheets.sheetdata import workbook_values

    return kept_mail(workbook_values(path)) if path.is_file() else []
