"""Run the workbook's xlwings entry points without Excel, through xlwings' remote engine.

``remote_book(path)`` turns a workbook file into the payload an Office.js client
(xlwings Lite/Server) would send and returns ``xw.Book(json=payload)``, set as the
mock caller. ``run_entry(path, func)`` calls an entry point on it, collects the
actions the engine queued (``book.json()``) and applies them with openpyxl to a
copy of the file (``apply_actions``). An action the harness does not know fails
the test: a button whose effect we cannot check must not pass silently.

The remote engine needs xlwings PRO's license key; the ``xl_remote`` fixture in
conftest.py sets ``XLWINGS_LICENSE_KEY=noncommercial`` for the test only (the
PolyForm Noncommercial license covers government institutions).
"""

from __future__ import annotations

import copy
import datetime as dt
import os
import re
import shutil
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.cell.cell import Cell
from openpyxl.comments import Comment
from openpyxl.formula.translate import Translator
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

LICENSE_ENV = "XLWINGS_LICENSE_KEY"
MAX_ROWS = 1_048_576
MAX_COLUMNS = 16_384

Action = Mapping[str, Any]


class UnsupportedActionError(AssertionError):
    """The remote engine queued an action the harness cannot apply (fails the test)."""


# --------------------------------------------------------------------------- the book


def ensure_remote_engine() -> Any:
    """Import xlwings with its remote engine registered; needs the license key set.

    xlwings registers the remote engine when it is first imported, and only if a
    license key is found then. If another test imported xlwings before the key
    was set, register the engine now.
    """
    if not os.environ.get(LICENSE_ENV):
        raise RuntimeError(f"{LICENSE_ENV} is not set: use the xl_remote fixture")
    import xlwings as xw

    if "remote" not in xw.engines.engines_by_name:
        from xlwings.pro import _xlremote

        xw.engines.add(xw.main.Engine(impl=_xlremote.engine))
    return xw


def _payload_value(value: Any) -> Any:
    # Office.js sends empty cells as "" and dates as ISO strings with a "Z".
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None).isoformat(timespec="milliseconds") + "Z"
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time()).isoformat(timespec="milliseconds") + "Z"
    if isinstance(value, dt.time):
        return (value.hour * 3600 + value.minute * 60 + value.second) / 86400
    if isinstance(value, dt.timedelta):
        return value.total_seconds() / 86400
    return value


def _sheet_values(ws: Worksheet) -> list[list[Any]]:
    rows = ws.iter_rows(
        min_row=1, min_col=1, max_row=ws.max_row, max_col=ws.max_column, values_only=True
    )
    return [[_payload_value(v) for v in row] for row in rows]


def _table_payload(ws: Worksheet) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for table in ws.tables.values():
        min_col, min_row, max_col, max_row = range_boundaries(table.ref)
        headers = table.headerRowCount if table.headerRowCount is not None else 1
        totals = table.totalsRowCount or 0

        def addr(r1: int, r2: int, c1: int = min_col, c2: int = max_col) -> str:
            return f"{get_column_letter(c1)}{r1}:{get_column_letter(c2)}{r2}"

        style = table.tableStyleInfo
        out.append(
            {
                "name": table.displayName or table.name,
                "range_address": table.ref,
                "header_row_range_address": addr(min_row, min_row) if headers else None,
                "data_body_range_address": addr(min_row + headers, max_row - totals),
                "total_row_range_address": addr(max_row, max_row) if totals else None,
                "show_headers": bool(headers),
                "show_totals": bool(totals),
                "table_style": style.name if style is not None else None,
                "show_autofilter": table.autoFilter is not None,
                "show_table_style_first_column": bool(style and style.showFirstColumn),
                "show_table_style_last_column": bool(style and style.showLastColumn),
                "show_table_style_row_stripes": bool(style and style.showRowStripes),
                "show_table_style_column_stripes": bool(style and style.showColumnStripes),
            }
        )
    return out


def _name_payload(
    wb: Workbook, dn: DefinedName, scope: int | None, sheet_titles: Sequence[str]
) -> dict[str, Any]:
    dests = list(dn.destinations) if dn.type == "RANGE" else []
    sheet_index: int | None = None
    address: str | None = None
    if len(dests) == 1 and dests[0][0] in sheet_titles:
        sheet_index = sheet_titles.index(dests[0][0])
        address = dests[0][1].replace("$", "")
    return {
        "name": dn.name,
        "refers_to": f"={dn.attr_text}",
        "sheet_index": sheet_index,
        "address": address,
        "book_scope": scope is None,
        "scope_sheet_name": None if scope is None else sheet_titles[scope],
        "scope_sheet_index": scope,
    }


def remote_payload(path: Path) -> dict[str, Any]:
    """The payload an Office.js client sends for the workbook at ``path`` (cached values)."""
    import xlwings as xw

    wb = openpyxl.load_workbook(path, data_only=True)
    _compute_links(path, wb)
    titles = wb.sheetnames
    names = [_name_payload(wb, dn, None, titles) for dn in wb.defined_names.values()]
    for i, ws in enumerate(wb.worksheets):
        names += [_name_payload(wb, dn, i, titles) for dn in ws.defined_names.values()]
    active = wb.active
    active_index = titles.index(active.title) if active is not None else 0
    selection = "A1"
    if isinstance(active, Worksheet) and active.sheet_view.selection:
        selection = active.sheet_view.selection[0].sqref or "A1"
    sheets = []
    for ws in wb.worksheets:
        sheets.append(
            {
                "name": ws.title,
                "values": _sheet_values(ws),
                "visibility": {"hidden": "Hidden", "veryHidden": "VeryHidden"}.get(
                    ws.sheet_state, "Visible"
                ),
                "pictures": [],
                "shapes": [],
                "charts": [],
                "notes": [],
                "tables": _table_payload(ws),
                "pivot_tables": [],
                "print_area": None,
                "show_gridlines": bool(ws.sheet_view.showGridLines is not False),
            }
        )
    return {
        "client": "Office.js",
        "version": xw.__version__,
        "book": {"name": path.name, "active_sheet_index": active_index, "selection": selection},
        "names": names,
        "sheets": sheets,
    }


def _compute_links(path: Path, wb: Workbook) -> None:
    """Give the ``HYPERLINK`` formulas a button wrote (the harness stores no computed value)
    the text Excel computes and sends: the cell's shown text."""
    with zipfile.ZipFile(path) as z:
        if not any(
            b"HYPERLINK(" in z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/")
        ):
            return
    formulas = openpyxl.load_workbook(path)
    for ws in formulas.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                link = cell_link(cell) if isinstance(cell, Cell) else None
                if link is not None and cell.hyperlink is None:
                    wb[ws.title][cell.coordinate].value = link[1]


def remote_book(path: Path) -> Any:
    """``xw.Book(json=...)`` of the workbook at ``path``, set as ``xw.Book.caller()``."""
    xw = ensure_remote_engine()
    book = xw.Book(json=remote_payload(Path(path)))
    book.set_mock_caller()
    return book


def clear_mock_caller() -> None:
    import xlwings as xw

    if "_mock_caller" in vars(xw.Book):
        del xw.Book._mock_caller


# --------------------------------------------------------------------------- running


@dataclass(frozen=True)
class Alert:
    text: str
    title: str
    buttons: str = "ok"
    mode: str = ""


@dataclass
class Result:
    """What an entry point did: its alerts, every action, and the updated copy."""

    actions: list[dict[str, Any]]
    path: Path
    alerts: list[Alert] = field(default_factory=list)
    returned: Any = None

    @property
    def alert(self) -> Alert:
        """The one alert shown (fails unless exactly one was)."""
        assert len(self.alerts) == 1, f"expected one alert, got {self.alerts}"
        return self.alerts[0]


def run_entry(path: Path, func: Callable[[Any], Any], dst: Path | None = None) -> Result:
    """Call ``func(book)`` on ``path`` through the remote engine; apply its actions to a copy.

    The copy is ``dst`` (default: ``<name>.after<suffix>`` beside ``path``).
    """
    path = Path(path)
    dst = path.with_name(f"{path.stem}.after{path.suffix}") if dst is None else Path(dst)
    book = remote_book(path)
    try:
        returned = func(book)
        actions = [dict(a) for a in book.json()["actions"]]
    finally:
        clear_mock_caller()
        book.close()
    alerts = apply_actions(actions, path, dst)
    return Result(actions=actions, path=dst, alerts=alerts, returned=returned)


# --------------------------------------------------------------------------- applying

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}$")
_H_ALIGN = {
    "General": "general",
    "Left": "left",
    "Center": "center",
    "Right": "right",
    "Fill": "fill",
    "Justify": "justify",
    "CenterAcrossSelection": "centerContinuous",
    "Distributed": "distributed",
}
_V_ALIGN = {
    "Top": "top",
    "Center": "center",
    "Bottom": "bottom",
    "Justify": "justify",
    "Distributed": "distributed",
}
# Actions with no effect on the saved file (view, calculation, layout we cannot measure).
NO_OP_ACTIONS = frozenset(
    {
        "rangeSelect",
        "setScreenUpdating",
        "setCalculation",
        "calculate",
        "setAutofit",
        "setSheetAutofit",
        "save",
    }
)


def _excel_input(value: Any, number_format: str) -> tuple[Any, str | None]:
    """What Excel stores when a script writes ``value``, and a number format it applies.

    Like typing into a cell: "" clears it, "=..." is a formula, numeric and ISO
    date text becomes a number or date unless the cell is formatted as text ("@"),
    and a leading apostrophe keeps text as text.
    """
    if value is None or value == "":
        return None, None
    if not isinstance(value, str):
        return value, None
    if value.startswith("'"):
        return value[1:], None
    if value.startswith("=") and len(value) > 1:
        return value, None
    if number_format == "@":
        return value, None
    if _NUMBER.match(value):
        number = float(value)
        return (int(number) if number.is_integer() and "e" not in value.lower() else number), None
    if _DATE.match(value):
        fmt = "yyyy-mm-dd" if number_format == "General" else None
        return dt.datetime.fromisoformat(value), fmt
    if _DATETIME.match(value):
        fmt = "yyyy-mm-dd hh:mm:ss" if number_format == "General" else None
        return dt.datetime.fromisoformat(value), fmt
    return value, None


def _cells(ws: Worksheet, action: Action) -> list[list[Cell]]:
    r0, c0 = action["start_row"] + 1, action["start_column"] + 1
    nrows, ncols = action["row_count"], action["column_count"]
    if nrows >= MAX_ROWS or ncols >= MAX_COLUMNS:
        # A whole row/column: only the part in use exists in the file.
        nrows = min(nrows, max(ws.max_row - r0 + 1, 1))
        ncols = min(ncols, max(ws.max_column - c0 + 1, 1))
    return [
        [ws.cell(row=r, column=c) for c in range(c0, c0 + ncols)] for r in range(r0, r0 + nrows)
    ]


def _ref(action: Action) -> str:
    r0, c0 = action["start_row"] + 1, action["start_column"] + 1
    r1, c1 = r0 + action["row_count"] - 1, c0 + action["column_count"] - 1
    return f"{get_column_letter(c0)}{r0}:{get_column_letter(c1)}{r1}"


def _each(ws: Worksheet, action: Action) -> Iterable[Cell]:
    for row in _cells(ws, action):
        yield from row


def _write(cell: Cell, value: Any) -> None:
    stored, fmt = _excel_input(value, cell.number_format)
    cell.value = stored
    if isinstance(value, str) and value.startswith("'") and isinstance(stored, str):
        cell.data_type = "s"  # an apostrophe keeps "=..." text; openpyxl would make a formula
    if fmt is not None:
        cell.number_format = fmt


def _set_values(wb: Workbook, ws: Worksheet, action: Action) -> None:
    values = action["values"]
    for row_cells, row_values in zip(_cells(ws, action), values, strict=True):
        for cell, value in zip(row_cells, row_values, strict=True):
            _write(cell, value)


def _set_formula(wb: Workbook, ws: Worksheet, action: Action) -> None:
    values = action["values"]
    cells = _cells(ws, action)
    if not isinstance(values, list):
        # One formula for a bigger range: Excel fills it, adjusting relative references.
        origin = cells[0][0].coordinate
        for cell in (c for row in cells for c in row):
            text = str(values)
            if text.startswith("="):
                text = Translator(text, origin=origin).translate_formula(cell.coordinate)
            _write(cell, text)
        return
    for row_cells, row_values in zip(cells, values, strict=True):
        for cell, value in zip(row_cells, row_values, strict=True):
            _write(cell, value)


def _clear_contents(cells: Iterable[Cell]) -> None:
    for cell in cells:
        cell.value = None


def _clear_formats(cells: Iterable[Cell]) -> None:
    for cell in cells:
        cell.style = "Normal"


def _whole_sheet(ws: Worksheet) -> list[Cell]:
    return [c for row in ws.iter_rows() for c in row if isinstance(c, Cell)]


def _range_clear(wb: Workbook, ws: Worksheet, action: Action) -> None:
    cells = list(_each(ws, action))
    func = action["func"]
    if func in ("rangeClearContents", "rangeClear"):
        _clear_contents(cells)
    if func in ("rangeClearFormats", "rangeClear"):
        _clear_formats(cells)
    if func == "rangeClear":  # Excel's Clear also deletes the cells' hyperlinks
        for cell in cells:
            cell.hyperlink = None


def _sheet_clear(wb: Workbook, ws: Worksheet, action: Action) -> None:
    cells = _whole_sheet(ws)
    func = action["func"]
    if func in ("sheetClearContents", "sheetClear"):
        _clear_contents(cells)
    if func in ("sheetClearFormats", "sheetClear"):
        _clear_formats(cells)


def _number_format(wb: Workbook, ws: Worksheet, action: Action) -> None:
    for cell in _each(ws, action):
        cell.number_format = action["args"][0]


def _argb(hex_color: str) -> str:
    return "FF" + hex_color.lstrip("#").upper()


def _range_color(wb: Workbook, ws: Worksheet, action: Action) -> None:
    color = action["args"][0]
    for cell in _each(ws, action):
        cell.fill = (
            PatternFill(fill_type=None)
            if color is None
            else PatternFill(fill_type="solid", start_color=_argb(color), end_color=_argb(color))
        )


def _range_colors(wb: Workbook, ws: Worksheet, action: Action) -> None:
    matrix = action["args"][0]
    for row_cells, row_colors in zip(_cells(ws, action), matrix, strict=True):
        for cell, color in zip(row_cells, row_colors, strict=True):
            if color == "keep":
                continue
            cell.fill = (
                PatternFill(fill_type=None)
                if color is None
                else PatternFill(
                    fill_type="solid", start_color=_argb(color), end_color=_argb(color)
                )
            )


def _font(wb: Workbook, ws: Worksheet, action: Action) -> None:
    prop, value = action["args"][0], action["args"][1]
    key = {"bold": "b", "italic": "i", "size": "sz", "name": "name", "color": "color"}[prop]
    if prop == "color" and value is not None:
        value = _argb(value)
    for cell in _each(ws, action):
        font: Font = copy.copy(cell.font)
        setattr(font, key, value)
        cell.font = font


def _alignment(wb: Workbook, ws: Worksheet, action: Action) -> None:
    func, value = action["func"], action["args"][0]
    changes: dict[str, Any]
    if func == "setWrapText":
        changes = {"wrap_text": bool(value)}
    elif func == "setHorizontalAlignment":
        changes = {"horizontal": _H_ALIGN[value]}
    else:
        changes = {"vertical": _V_ALIGN[value]}
    for cell in _each(ws, action):
        old: Alignment = cell.alignment
        cell.alignment = Alignment(
            **{
                "horizontal": old.horizontal,
                "vertical": old.vertical,
                "wrap_text": old.wrap_text,
                "shrink_to_fit": old.shrink_to_fit,
                "indent": old.indent,
                "text_rotation": old.text_rotation,
                **changes,
            }
        )


def _hyperlink(wb: Workbook, ws: Worksheet, action: Action) -> None:
    address, text, tip = [*action["args"], None, None][:3]
    for cell in _each(ws, action):
        if str(address).startswith("#"):
            cell.hyperlink = Hyperlink(ref=cell.coordinate, location=address[1:], tooltip=tip)
        else:
            cell.hyperlink = Hyperlink(ref=cell.coordinate, target=address, tooltip=tip)
        cell.value = text if text else (cell.value if cell.value is not None else address)
        cell.style = "Hyperlink"


def _dimension(wb: Workbook, ws: Worksheet, action: Action) -> None:
    func, value = action["func"], action["args"][0]
    r0, c0 = action["start_row"] + 1, action["start_column"] + 1
    rows = range(r0, r0 + min(action["row_count"], max(ws.max_row - r0 + 1, 1)))
    cols = range(c0, c0 + min(action["column_count"], max(ws.max_column - c0 + 1, 1)))
    if func == "setColumnWidth":
        # Office.js measures widths in points; openpyxl stores characters (~7 points each
        # in Calibri 11). Approximate: the harness checks that widths were set, not pixels.
        for c in cols:
            ws.column_dimensions[get_column_letter(c)].width = value / 7
    elif func == "setRowHeight":
        for r in rows:
            ws.row_dimensions[r].height = value
    elif func == "setRowHidden":
        for r in rows:
            ws.row_dimensions[r].hidden = bool(value)
    else:  # setColumnHidden
        for c in cols:
            ws.column_dimensions[get_column_letter(c)].hidden = bool(value)


def _merge(wb: Workbook, ws: Worksheet, action: Action) -> None:
    if action["func"] == "rangeUnmerge":
        ref_min_col, ref_min_row, ref_max_col, ref_max_row = range_boundaries(_ref(action))
        for merged in list(ws.merged_cells.ranges):
            if (
                merged.min_row >= ref_min_row
                and merged.max_row <= ref_max_row
                and merged.min_col >= ref_min_col
                and merged.max_col <= ref_max_col
            ):
                ws.unmerge_cells(str(merged))
        return
    if action["args"][0]:  # across: one merge per row
        for row in _cells(ws, action):
            ws.merge_cells(f"{row[0].coordinate}:{row[-1].coordinate}")
    else:
        ws.merge_cells(_ref(action))


def _note(wb: Workbook, ws: Worksheet, action: Action) -> None:
    address, text = action["args"][0], action["args"][1]
    ws[address.replace("$", "")].comment = Comment(text, "xlwings")


def _freeze(wb: Workbook, ws: Worksheet, action: Action) -> None:
    if action["func"] == "freezePaneUnfreeze":
        ws.freeze_panes = None
        return
    ref = str(action["args"][0]).replace("$", "")
    min_col, min_row, max_col, max_row = range_boundaries(ref if ":" in ref else f"{ref}:{ref}")
    whole_rows = min_col is None or (min_col == 1 and max_col == MAX_COLUMNS)
    whole_cols = min_row is None or (min_row == 1 and max_row == MAX_ROWS)
    col = 1 if whole_rows else (max_col or 0) + 1
    row = 1 if whole_cols else (max_row or 0) + 1
    ws.freeze_panes = f"{get_column_letter(col)}{row}"


def _validation_list(wb: Workbook, ws: Worksheet, action: Action) -> None:
    source, dropdown = action["args"][0], action["args"][1]
    if source["type"] == "literal":
        values = source["values"]
        formula = '"' + ",".join(str(v) for v in values) + '"'
    elif source["type"] == "name":
        formula = source["name"]
    else:
        src = wb.worksheets[source["sheet_position"]]
        r0, c0 = source["start_row"] + 1, source["start_column"] + 1
        r1, c1 = r0 + source["row_count"] - 1, c0 + source["column_count"] - 1
        formula = f"'{src.title}'!${get_column_letter(c0)}${r0}:${get_column_letter(c1)}${r1}"
    dv = DataValidation(type="list", formula1=formula, showDropDown=not dropdown)
    dv.add(_ref(action))
    ws.add_data_validation(dv)


def _sheet_action(wb: Workbook, action: Action) -> None:
    func, args = action["func"], action["args"]
    position = action["sheet_position"]
    if func == "addSheet":
        index, name = args[0], args[1]
        if name is None:
            n = 1
            while f"Sheet{n}" in wb.sheetnames:
                n += 1
            name = f"Sheet{n}"
        wb.create_sheet(title=name, index=index)
        wb.active = index  # Excel activates a new sheet, as the engine assumes
    elif func == "setSheetName":
        wb.worksheets[position].title = args[0]
    elif func == "sheetDelete":
        wb.remove(wb.worksheets[position])
    elif func == "activateSheet":
        wb.active = args[0]
        for ws in wb.worksheets:
            ws.sheet_view.tabSelected = ws is wb.active
    elif func == "setSheetPosition":
        ws = wb.worksheets[position]
        wb.move_sheet(ws, offset=args[0] - position)
    elif func == "setSheetVisibility":
        wb.worksheets[position].sheet_state = {
            "Visible": "visible",
            "Hidden": "hidden",
            "VeryHidden": "veryHidden",
        }[args[0]]
    elif func == "setShowGridlines":
        wb.worksheets[position].sheet_view.showGridLines = bool(args[0])
    elif func == "namesAdd":
        name, refers_to = args[0], str(args[1]).lstrip("=")
        dn = DefinedName(name, attr_text=refers_to)
        if position is None:
            wb.defined_names[name] = dn
        else:
            wb.worksheets[position].defined_names[name] = dn
    elif func == "setRangeName":
        ws = wb.worksheets[position]
        r0, c0 = action["start_row"] + 1, action["start_column"] + 1
        r1, c1 = r0 + action["row_count"] - 1, c0 + action["column_count"] - 1
        ref = f"'{ws.title}'!${get_column_letter(c0)}${r0}:${get_column_letter(c1)}${r1}"
        wb.defined_names[args[0]] = DefinedName(args[0], attr_text=ref)
    elif func == "nameDelete":
        name, book_scope, scope_index = args[2], args[4], args[5]
        if book_scope:
            del wb.defined_names[name]
        else:
            del wb.worksheets[scope_index].defined_names[name]
    elif func == "setNameRefersTo":
        name, book_scope, scope_index, refers_to = args
        names = wb.defined_names if book_scope else wb.worksheets[scope_index].defined_names
        names[name] = DefinedName(name, attr_text=str(refers_to).lstrip("="))
    else:
        raise AssertionError(func)


RangeHandler = Callable[[Workbook, Worksheet, Action], None]
RANGE_ACTIONS: dict[str, RangeHandler] = {
    "setValues": _set_values,
    "setFormula": _set_formula,
    "rangeClearContents": _range_clear,
    "rangeClearFormats": _range_clear,
    "rangeClear": _range_clear,
    "sheetClearContents": _sheet_clear,
    "sheetClearFormats": _sheet_clear,
    "sheetClear": _sheet_clear,
    "setNumberFormat": _number_format,
    "setRangeColor": _range_color,
    "setRangeColors": _range_colors,
    "setFontProperty": _font,
    "setWrapText": _alignment,
    "setHorizontalAlignment": _alignment,
    "setVerticalAlignment": _alignment,
    "addHyperlink": _hyperlink,
    "setColumnWidth": _dimension,
    "setRowHeight": _dimension,
    "setRowHidden": _dimension,
    "setColumnHidden": _dimension,
    "rangeMerge": _merge,
    "rangeUnmerge": _merge,
    "addNote": _note,
    "addComment": _note,
    "freezePaneAtRange": _freeze,
    "freezePaneUnfreeze": _freeze,
    "setDataValidationList": _validation_list,
}
SHEET_ACTIONS = frozenset(
    {
        "addSheet",
        "setSheetName",
        "sheetDelete",
        "activateSheet",
        "setSheetPosition",
        "setSheetVisibility",
        "setShowGridlines",
        "namesAdd",
        "setRangeName",
        "nameDelete",
        "setNameRefersTo",
    }
)
SUPPORTED_ACTIONS = frozenset(RANGE_ACTIONS) | SHEET_ACTIONS | NO_OP_ACTIONS | {"alert"}


def _load(src: Path) -> Workbook:
    return openpyxl.load_workbook(src, keep_vba=src.suffix.lower() == ".xlsm")


def _save(wb: Workbook, src: Path, dst: Path) -> None:
    if src.suffix.lower() == ".xlsm":
        from kehoach.workbook.xlsm import ribbon_xml, save_xlsm

        if ribbon_xml(src) is not None:
            # Puts back the ribbon relationship a plain openpyxl save drops, and checks the
            # VBA project and ribbon came through unchanged.
            save_xlsm(wb, dst, backup_dir=dst.parent / "backup")
            return
    wb.save(dst)


def apply_actions(actions: Sequence[Action], src: Path, dst: Path) -> list[Alert]:
    """Apply the remote engine's ``actions`` to a copy of ``src`` saved as ``dst``.

    Returns the alerts (recorded, not applied). Raises UnsupportedActionError,
    before writing anything, for an action the harness does not know.
    """
    unknown = sorted({a["func"] for a in actions} - SUPPORTED_ACTIONS)
    if unknown:
        raise UnsupportedActionError(
            f"actions not supported by tests/xlharness.py: {unknown}; add them to the harness"
        )
    src, dst = Path(src), Path(dst)
    alerts: list[Alert] = []
    if src.resolve() != dst.resolve():
        shutil.copyfile(src, dst)
    wb = _load(dst)
    for action in actions:
        func = action["func"]
        if func == "alert":
            text, title, buttons, mode = [*action["args"], "", "", "", ""][:4]
            alerts.append(Alert(text=text, title=title, buttons=buttons or "ok", mode=mode))
        elif func in NO_OP_ACTIONS:
            continue
        elif func in SHEET_ACTIONS:
            _sheet_action(wb, action)
        else:
            RANGE_ACTIONS[func](wb, wb.worksheets[action["sheet_position"]], action)
    if any(a["func"] != "alert" and a["func"] not in NO_OP_ACTIONS for a in actions):
        _save(wb, src, dst)
    return alerts


# --------------------------------------------------------------------------- links

_HYPERLINK = re.compile(r'^=HYPERLINK\("#((?:[^"]|"")*)","((?:[^"]|"")*)"\)$')


def cell_link(cell: Cell) -> tuple[str, str] | None:
    """(place, text shown) of a cell that links to a place in the workbook: a hyperlink (what
    openpyxl writes) or a ``HYPERLINK`` formula (what the buttons write); None otherwise."""
    if cell.hyperlink is not None and cell.hyperlink.location:
        return cell.hyperlink.location, str(cell.value)
    found = _HYPERLINK.match(cell.value) if isinstance(cell.value, str) else None
    if found is None:
        return None
    return found[1].replace('""', '"'), found[2].replace('""', '"')


def shown(cell: Cell) -> Any:
    """What Excel shows in ``cell``: a link's text, else its value."""
    link = cell_link(cell)
    return cell.value if link is None else link[1]
