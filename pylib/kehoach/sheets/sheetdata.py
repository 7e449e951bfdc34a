"""Plan sheets as tables of raw cell values, the input of gaps and checks.

Both shells feed the core the same thing: the values of each sheet as a row-major
list of lists starting at A1. The CLI gets them with openpyxl (``workbook_values``),
the xlwings entry points from ``sheet.used_range`` (see ``kehoach.xl``). ``plan_table``
turns one plan sheet into a DataFrame whose index is the Excel row number and whose
columns are layout's English keys, so every figure can be traced to its cell.
Values stay as found (a number typed as text stays a str) for the checks to judge.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter, quote_sheetname

from kehoach.common.errors import WorkbookError, missing_file_text, open_error_text
from kehoach.common.planyears import PlanYears
from kehoach.common.untrusted_text import shown_text
from kehoach.sheets import layout
from kehoach.sheets.sheet_values import sheet_values
from kehoach.sheets.spec import header_mismatch

if TYPE_CHECKING:  # pandas costs a fifth of a second to import; only plan_table needs it
    import pandas as pd
    from openpyxl.workbook.workbook import Workbook

SheetValues = Sequence[Sequence[Any]]  # rows of cells from A1 (lists, or the state's tuples)


def workbook_values(path: Path, *, sheets: Collection[str] | None = None) -> dict[str, SheetValues]:
    """Values of every sheet of the workbook at ``path`` (formulas as their text); with
    ``sheets``, of those of them the workbook has (the others are not parsed)."""
    return workbook_contents(path, sheets=sheets)[0]


def workbook_contents(
    path: Path,
    *,
    data_only: bool = False,
    sheets: Collection[str] | None = None,
    skip: Collection[str] = (),
    shown: bool = False,
) -> tuple[dict[str, SheetValues], dict[str, str]]:
    """Values of every sheet of the workbook at ``path`` (formulas as their text; with
    ``data_only``, as the values Excel last computed, what ``reader.read_plan`` reads) and
    its workbook-level defined names, name → refers-to (``reader.read_plan_values`` takes
    both): one opening of the file. With ``sheets``, only those sheets are read: a sheet
    the caller does not need (TienDo of a province) costs nothing; the sheets named in
    ``skip`` are not read either (nor returned). A sheet's values are read by python-calamine
    wherever it reads them as openpyxl does (``sheet_values``), by openpyxl otherwise. Texts
    as openpyxl reads them, the escapes of a file Excel wrote as they are ("_x000B_"), so that
    a value written back is stored as it was; with ``shown``, as Excel shows them, made fit
    for a workbook (``untrusted_text.shown_text``): what the features read."""
    if not path.is_file():
        raise WorkbookError(missing_file_text(path, "tệp workbook"), file=path)
    try:
        wb = load_workbook(path, read_only=True, data_only=data_only, keep_links=False)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise WorkbookError(f"Không mở được workbook: {open_error_text(exc)}.", file=path) from exc
    try:
        wanted = [
            ws.title
            for ws in wb.worksheets
            if (sheets is None or ws.title in sheets) and ws.title not in skip
        ]
        fast = sheet_values(path, wanted, data_only=data_only, shown=shown)[0] if wanted else {}
        values: dict[str, SheetValues] = {
            name: fast[name] if name in fast else _rows(wb[name], shown=shown) for name in wanted
        }
        names = {name: dn.attr_text or "" for name, dn in wb.defined_names.items()}
        return values, names
    finally:
        wb.close()


def _rows(ws: Any, *, shown: bool) -> SheetValues:
    rows = ws.iter_rows(values_only=True)
    if not shown:
        return [list(row) for row in rows]
    return [[shown_text(v) if type(v) is str else v for v in row] for row in rows]


def load_for_writing(
    path: Path,
    *,
    carry: Mapping[str, int] | None = None,
    streamed: Collection[str] = (),
) -> Workbook:
    """The workbook at ``path`` loaded with openpyxl (VBA kept), to be edited and saved.

    ``carry`` (sheet name → first data row): sheets whose data rows the caller does not
    write, loaded without them when they can be (``kehoach.sheets.carried.load_carrying``;
    the save puts them back byte for byte). Those of them in ``streamed`` are sheets the
    caller writes: its edits to their data rows are written streamed at the save
    (``kehoach.sheets.streamed``). WorkbookError, naming the file, when it is missing or
    not a workbook."""
    from kehoach.sheets.carried import load_carrying

    if not path.is_file():
        raise WorkbookError(missing_file_text(path, "tệp workbook"), file=path)
    try:
        if carry:
            wb = load_carrying(path, carry, streamed=streamed)[0]
        else:
            wb = load_workbook(path, keep_vba=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise WorkbookError(f"Không mở được workbook: {open_error_text(exc)}.", file=path) from exc
    _keep_typed_escapes(wb)
    return wb


# A text typed in Excel that looks like an escape ("_x0041_") is kept in a shared string with
# its underscore escaped ("_x005F_x0041_"); openpyxl reads it as "_x0041_" and would write it
# so, which Excel then reads as "A". A control character's escape ("_x000B_", Word's line
# break) is what it was, and an underscore still escaped (an inline string) is kept.
_BARE_ESCAPE = re.compile("(?<!_x005F)_x(?!005[Ff]_|00[01][0-9A-Fa-f]_)[0-9A-Fa-f]{4}_")


def _keep_typed_escapes(wb: Workbook) -> None:
    """Every text cell of ``wb`` as Excel wrote it, so that openpyxl writes it back so."""
    for ws in wb.worksheets:
        for cell in getattr(ws, "_cells", {}).values():  # a chart sheet has none
            value = cell._value
            if type(value) is str and "_x" in value and cell.data_type == "s":
                cell._value = _BARE_ESCAPE.sub(lambda m: "_x005F" + m[0], value)


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def cell_ref(sheet: str, column: str, row: int) -> str:
    """An A1 reference with the sheet, as a hyperlink target: 'PL2'!F12."""
    return f"{quote_sheetname(sheet)}!{column}{row}"


def require_headers(
    rows: SheetValues,
    sheet: str,
    columns: Sequence[layout.Column],
    *,
    file: str | Path | None = None,
    header_row: int = layout.HEADER_ROW,
    hint: str = "",
) -> None:
    """Raise a WorkbookError naming the cell of the first header of ``rows`` (a sheet's values
    from A1) that is not ``columns``' header (for any plan's years) in ``header_row``;
    ``hint`` follows the message."""
    header = rows[header_row - 1] if len(rows) >= header_row else []
    mismatch = header_mismatch(columns, header)
    if mismatch is None:
        return
    index, found = mismatch
    raise WorkbookError(
        f"tiêu đề cột phải là «{columns[index - 1].text(None)}», "
        f"đang là «{'' if found is None else found}»{hint}.",
        file=file,
        sheet=sheet,
        cell=f"{get_column_letter(index)}{header_row}",
    )


def plan_records(
    values: Mapping[str, SheetValues],
    sheet: str,
    columns: Sequence[layout.Column],
    *,
    file: str | Path | None = None,
) -> dict[int, dict[str, Any]]:
    """The data rows of ``sheet``: Excel row → layout key → value (None when blank), in sheet
    order; plain Python, for the readers that look cells up one by one.

    Raises WorkbookError naming the sheet and cell when the sheet is missing, its header
    row is not where the layout puts it, or it has no data rows. Rows that are blank in
    every column are dropped.
    """
    if sheet not in values:
        raise WorkbookError(
            f"Thiếu trang tính '{sheet}' (bị xóa hoặc đổi tên?).", file=file, sheet=sheet
        )
    rows = values[sheet]
    require_headers(
        rows, sheet, columns, file=file, hint=f" (hàng tiêu đề phải là hàng {layout.HEADER_ROW})"
    )
    keys = [c.key for c in columns]
    records: dict[int, dict[str, Any]] = {}
    for number, row in enumerate(rows[layout.FIRST_DATA_ROW - 1 :], start=layout.FIRST_DATA_ROW):
        cells = [row[i] if i < len(row) else None for i in range(len(keys))]
        cells = [None if is_blank(v) else v for v in cells]
        if any(v is not None for v in cells):
            records[number] = dict(zip(keys, cells, strict=True))
    if not records:
        raise WorkbookError(
            "trang tính không có dòng dữ liệu nào.",
            file=file,
            sheet=sheet,
            cell=f"A{layout.FIRST_DATA_ROW}",
        )
    return records


def plan_table(
    values: Mapping[str, SheetValues],
    sheet: str,
    columns: Sequence[layout.Column],
    *,
    file: str | Path | None = None,
) -> pd.DataFrame:
    """The data rows of ``sheet`` as a DataFrame (index: Excel row; columns: layout keys);
    ``plan_records`` as a table, with its errors."""
    return records_table(plan_records(values, sheet, columns, file=file), columns)


def records_table(
    records: Mapping[int, Mapping[str, Any]], columns: Sequence[layout.Column]
) -> pd.DataFrame:
    """``plan_records``' rows as a DataFrame (index: Excel row, named "row"; columns: the
    layout keys; every column of dtype object, so values stay as found)."""
    import pandas as pd

    keys = [c.key for c in columns]
    frame = pd.DataFrame.from_dict(
        {row: [cells[k] for k in keys] for row, cells in records.items()},
        orient="index",
        columns=keys,
        dtype=object,
    )
    frame.index.name = "row"
    return frame


def appendix_table(
    values: Mapping[str, SheetValues], appendix_id: str, *, file: str | Path | None = None
) -> pd.DataFrame:
    """``plan_table`` of the sheet of appendix ``appendix_id`` ("PL1".."PL4")."""
    return plan_table(
        values,
        layout.APPENDIX_SHEETS[appendix_id],
        layout.APPENDIX_COLUMNS[appendix_id],
        file=file,
    )


def plan_years(values: Mapping[str, SheetValues], *, file: str | Path | None = None) -> PlanYears:
    """The plan's base and target year, as the header rows of the appendix sheets show them
    (``layout.sheet_years``). WorkbookError when they show none or disagree."""
    rows = {
        sheet: (
            values[sheet][layout.HEADER_ROW - 1] if len(values[sheet]) >= layout.HEADER_ROW else []
        )
        for sheet in layout.APPENDIX_SHEETS.values()
        if sheet in values
    }
    years = layout.sheet_years(rows)
    if years is None:
        raise WorkbookError(
            "Không xác định được năm của kế hoạch: tiêu đề các cột «Điểm đạt được năm …», "
            f"«Mục tiêu năm …» của các trang PL1–PL4 (dòng {layout.HEADER_ROW}) phải ghi cùng "
            "một năm kết quả và một năm mục tiêu.",
            file=file,
        )
    return years


_PLAN_NUMBER = re.compile(r"Kế hoạch số\s+(\S+)")


def plan_number_of(values: Mapping[str, SheetValues]) -> str:
    """The plan's number as the tasks sheet's subtitle gives it ("(Kèm theo Kế hoạch số
    512/KH-UBND ngày …)"); "" when the subtitle does not say."""
    rows = values.get(layout.TASKS_SHEET, [])
    if len(rows) >= layout.SUBTITLE_ROW and rows[layout.SUBTITLE_ROW - 1]:
        found = _PLAN_NUMBER.search(str(rows[layout.SUBTITLE_ROW - 1][0] or ""))
        if found:
            return found[1]
    return ""
