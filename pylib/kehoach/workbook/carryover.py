"""What officials typed in a master workbook, carried into its rebuild (``kehoach build --out``).

The build writes every sheet anew from the plan and the templates; the directory, the signing
key, the collected reports and the e-mail sheets have their own carriers
(``kehoach.agencies.directory``,
``kehoach.extract.signing``, ``kehoach.collect.run``, ``kehoach.mail.sheet``). This module carries
the rest
of what an official can type, each value keyed by something that survives a changed plan:

- "Kết quả năm <target>" on PL1–PL4, at every level (criterion, section, group, total), by the row's
  "Mã định danh"; on the rows the build fills with a formula, a formula is the program's and
  is not carried, a typed value is;
- the "Quy tắc" columns "Áp dụng", "Mức độ", "Tham số", by the rule's code, and the rules
  deleted from that sheet (``deleted_rules``: they stay deleted);
- the sheet "Tệp gửi cơ quan" (the list of the files last sent), as it is.

A value with no place in the rebuilt workbook (a result for a criterion the new plan no longer
has, a rule the program no longer knows, a sheet the officials added, a column they added to a
sheet the build writes anew, a row they inserted in an appendix, a setting the program does
not have, a note they added to a cell) is "unmatched": the build
refuses and names each one (sheet, cell, value), unless the user asked to drop them, and then
they are listed. Columns are found by their headers in the old workbook, so a master built by
an earlier layout is read right.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from kehoach.common.errors import BuildError
from kehoach.common.planyears import TARGET, matches, years_in
from kehoach.plan.model import APPENDIX_IDS
from kehoach.sheets import extract_layout as ex
from kehoach.sheets import layout
from kehoach.sheets import mail_layout as ml
from kehoach.sheets.carried import CellNote
from kehoach.sheets.sheetdata import SheetValues, is_blank
from kehoach.sheets.sheetorder import insert_position, style_tab

# Sheets whose contents come from elsewhere than the build (a button writes them) and are
# copied as they are: the manifest of the agency files last generated.
COPIED_SHEETS: tuple[str, ...] = (ex.MANIFEST_SHEET,)
RULE_INPUT_KEYS: tuple[str, ...] = ("enabled", "severity", "params")
DROP_FLAG = "--drop-unmatched"
_SHOWN = 30  # unmatched values listed in the refusal before "… và N giá trị khác"


@dataclass(frozen=True)
class TypedValue:
    """One value an official typed: where it was in the old workbook, what it is keyed by."""

    sheet: str
    cell: str  # in the old workbook
    key: str  # row identity: "Mã định danh", rule code, or "" for a whole sheet
    column: str  # layout key of the column ("result_target", "enabled", …), "" for a sheet
    value: Any
    reason: str = ""  # why it cannot be carried (unmatched values only)

    def text(self) -> str:
        """ "trang tính 'PL2', ô P5 (PL2-TC-9.9): «0.5»" and, when unmatched, why."""
        where = f"trang tính '{self.sheet}', ô {self.cell}"
        if self.key:
            where += f" ({self.key})"
        out = f"{where}: «{_shown(self.value)}»"
        return f"{out}: {self.reason}" if self.reason else out


@dataclass(frozen=True)
class Carry:
    values: tuple[TypedValue, ...]  # each goes into the rebuilt workbook
    unmatched: tuple[TypedValue, ...]  # nowhere to go
    sheets: Mapping[str, SheetValues]  # COPIED_SHEETS found in the old workbook, by name


def _shown(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 80 else text[:80] + "…"


def _header_index(rows: SheetValues, header: str) -> int | None:
    """0-based column of ``header`` in the header row of a sheet's values, None when absent;
    a header template ("Kết quả năm {target}") is found whatever years the old master shows.
    Where two headers differ only by their year ("Kết quả năm … (%)" of the base and of the
    target year on PL3), the target's is the later year and the base's the earlier."""
    if len(rows) < layout.HEADER_ROW:
        return None
    found_at: list[tuple[int, int]] = []  # (year shown, column)
    for i, found in enumerate(rows[layout.HEADER_ROW - 1]):
        if found is not None and matches(str(found).strip(), header):
            shown = years_in(str(found).strip(), header)
            found_at.append((max(shown.values(), default=0), i))
    if not found_at:
        return None
    return (max(found_at) if TARGET in header else min(found_at))[1]


def _cell(row: Sequence[Any], index: int | None) -> Any:
    if index is None or index >= len(row):
        return None
    return row[index]


def _is_formula(value: Any) -> bool:
    return isinstance(value, str) and value.startswith("=")


def _data_rows(rows: SheetValues) -> list[tuple[int, Sequence[Any]]]:
    return list(enumerate(rows[layout.FIRST_DATA_ROW - 1 :], start=layout.FIRST_DATA_ROW))


def _ids(ws: Worksheet, column: int) -> dict[str, int]:
    out: dict[str, int] = {}
    for row in range(layout.FIRST_DATA_ROW, ws.max_row + 1):
        value = ws.cell(row, column).value
        if not is_blank(value):
            out.setdefault(str(value).strip(), row)
    return out


def _results(old: Mapping[str, SheetValues], new: Workbook) -> list[TypedValue]:
    """Typed "Kết quả năm <target>" of every appendix sheet, matched (reason "") or not."""
    out: list[TypedValue] = []
    for appendix in APPENDIX_IDS:
        sheet = layout.APPENDIX_SHEETS[appendix]
        rows = old.get(sheet)
        if not rows:
            continue
        columns = layout.APPENDIX_COLUMNS[appendix]
        header = {c.key: c.header for c in columns}
        id_at = _header_index(rows, header["id"])
        kind_at = _header_index(rows, header["kind"])
        result_at = _header_index(rows, header[layout.RESULT_KEY])
        if result_at is None:
            continue
        ws = new[sheet]
        new_ids = _ids(ws, layout.column_index(columns, "id"))
        new_kind = layout.column_index(columns, "kind")
        letter = get_column_letter(result_at + 1)
        for number, row in _data_rows(rows):
            value = _cell(row, result_at)
            if is_blank(value):
                continue
            kind = layout.KIND_ROWS.get(str(_cell(row, kind_at) or "").strip())
            if _is_formula(value) and kind not in ("criterion", None):
                continue  # the program's own formula of a section, group or total row
            key = "" if is_blank(_cell(row, id_at)) else str(_cell(row, id_at)).strip()
            reason = ""
            if not key:
                reason = "dòng không có «Mã định danh» nên không biết thuộc tiêu chí nào"
            elif key not in new_ids:
                reason = "kế hoạch mới không còn dòng có mã định danh này"
            elif ws.cell(new_ids[key], new_kind).value == layout.ROW_KINDS["task"]:
                reason = "trong kế hoạch mới đây là dòng nhiệm vụ, không có ô kết quả"
            out.append(
                TypedValue(sheet, f"{letter}{number}", key, layout.RESULT_KEY, value, reason)
            )
    return out


def _rules(old: Mapping[str, SheetValues], new: Workbook) -> list[TypedValue]:
    """The "Quy tắc" inputs that differ from the rebuilt sheet's, by rule code."""
    sheet = layout.RULES_SHEET
    rows = old.get(sheet)
    if not rows or sheet not in new.sheetnames:
        return []
    header = {c.key: c.header for c in layout.RULE_COLUMNS}
    code_at = _header_index(rows, header["rule"])
    if code_at is None:
        return []
    at = {key: _header_index(rows, header[key]) for key in RULE_INPUT_KEYS}
    ws = new[sheet]
    new_rows = _ids(ws, layout.column_index(layout.RULE_COLUMNS, "rule"))
    out: list[TypedValue] = []
    for number, row in _data_rows(rows):
        code = _cell(row, code_at)
        if is_blank(code):
            continue
        code = str(code).strip()
        target = new_rows.get(code)
        for key in RULE_INPUT_KEYS:
            if at[key] is None:
                continue
            value = _cell(row, at[key])
            value = None if is_blank(value) else value
            cell = f"{get_column_letter(at[key] + 1)}{number}"  # type: ignore[operator]
            if target is None:
                if value is not None:
                    reason = "chương trình không còn quy tắc này"
                    out.append(TypedValue(sheet, cell, code, key, value, reason))
                continue
            now = ws.cell(target, layout.column_index(layout.RULE_COLUMNS, key)).value
            if (None if is_blank(now) else now) != value:
                out.append(TypedValue(sheet, cell, code, key, value))
    return out


def deleted_rules(old: Mapping[str, SheetValues], names: Mapping[str, str]) -> set[str]:
    """Codes of the rules the officials deleted from the old "Quy tắc" sheet: offered by its
    build (the name ``layout.RULES_OFFERED_NAME``) and no longer on the sheet. Empty for a
    master built before that name existed: its missing rules come back."""
    offered = names.get(layout.RULES_OFFERED_NAME, "").strip().lstrip("=").strip('"')
    rows = old.get(layout.RULES_SHEET)
    if not offered or not rows:
        return set()
    code_at = _header_index(rows, layout.RULE_COLUMNS[0].header)
    if code_at is None:
        return set()
    present = {
        str(_cell(row, code_at)).strip()
        for _, row in _data_rows(rows)
        if not is_blank(_cell(row, code_at))
    }
    return {c for c in offered.split(",") if c and c not in present}


def _foreign_sheets(old: Mapping[str, SheetValues], new: Workbook) -> list[TypedValue]:
    """Sheets of the old workbook the build does not write (added by an official), with data."""
    out: list[TypedValue] = []
    for name, rows in old.items():
        if name in new.sheetnames or name in COPIED_SHEETS:
            continue
        filled = [
            (r, c, v)
            for r, row in enumerate(rows, start=1)
            for c, v in enumerate(row, start=1)
            if not is_blank(v)
        ]
        if filled:
            r, c, v = filled[0]
            reason = (
                f"trang tính này không do chương trình tạo ({len(filled)} ô có dữ liệu), "
                "workbook mới không có nó"
            )
            out.append(TypedValue(name, f"{get_column_letter(c)}{r}", "", "", v, reason))
    return out


# Sheets the build writes anew whose officials' values it carries by column header (and the
# directory by its own merge): a column they added there has no place in the new sheet.
_COLUMNS_CARRIED: tuple[str, ...] = (
    *layout.APPENDIX_SHEETS.values(),
    layout.DIRECTORY_SHEET,
    layout.RULES_SHEET,
    ml.SETTINGS_SHEET,
)


def _headers(rows: Sequence[Sequence[Any]]) -> list[str]:
    if len(rows) < layout.HEADER_ROW:
        return []
    return ["" if is_blank(v) else " ".join(str(v).split()) for v in rows[layout.HEADER_ROW - 1]]


def _filled(rows: SheetValues, columns: range | None = None) -> list[tuple[int, int, Any]]:
    """(row, column, value) of the non-blank cells of ``rows``, 1-based, in ``columns``."""
    return [
        (r, c, v)
        for r, row in enumerate(rows, start=1)
        for c, v in enumerate(row, start=1)
        if (columns is None or c in columns) and not is_blank(v)
    ]


def _added_columns(old: Mapping[str, SheetValues], new: Workbook) -> list[TypedValue]:
    """Values in the columns an official added to a sheet the build writes anew (right of its
    last column, under a header the new sheet does not have): one per column, its first cell."""
    out: list[TypedValue] = []
    for name in _COLUMNS_CARRIED:
        rows = old.get(name)
        if not rows or name not in new.sheetnames:
            continue
        ws = new[name]
        known = [
            " ".join(str(c.value).split()) for c in ws[layout.HEADER_ROW] if not is_blank(c.value)
        ]
        width = max((c.column for c in ws[layout.HEADER_ROW] if not is_blank(c.value)), default=0)
        headers = _headers(rows)
        by_column: dict[int, list[tuple[int, int, Any]]] = {}
        for r, c, v in _filled(rows):
            header = headers[c - 1] if c <= len(headers) else ""
            if c > width and header not in known:
                by_column.setdefault(c, []).append((r, c, v))
        for c, cells in sorted(by_column.items()):
            r, _, v = cells[0]
            letter = get_column_letter(c)
            reason = (
                f"cột {letter} không phải cột của chương trình ({len(cells)} ô có dữ liệu), "
                "trang tính mới không có cột này"
            )
            out.append(TypedValue(name, f"{letter}{r}", "", "", v, reason))
    return out


def _inserted_rows(old: Mapping[str, SheetValues]) -> list[TypedValue]:
    """Rows an official inserted in an appendix sheet (no "Mã định danh", so no row of the plan)
    with text or numbers in them, one per row; a result typed there is ``_results``'."""
    out: list[TypedValue] = []
    for appendix in APPENDIX_IDS:
        rows = old.get(layout.APPENDIX_SHEETS[appendix])
        if not rows:
            continue
        header = {c.key: c.header for c in layout.APPENDIX_COLUMNS[appendix]}
        id_at = _header_index(rows, header["id"])
        result_at = _header_index(rows, header[layout.RESULT_KEY])
        if id_at is None:
            continue
        width = len(layout.APPENDIX_COLUMNS[appendix])
        for number, row in _data_rows(rows):
            if not is_blank(_cell(row, id_at)):
                continue
            cells = [
                (c, v)
                for c, v in enumerate(row[:width])
                if c != result_at and not is_blank(v) and not _is_formula(v)
            ]
            if cells:
                c, v = cells[0]
                reason = (
                    f"dòng không có «Mã định danh» ({len(cells)} ô có dữ liệu), kế hoạch "
                    "không có dòng này: sửa kế hoạch để thêm tiêu chí, nhiệm vụ"
                )
                out.append(
                    TypedValue(
                        layout.APPENDIX_SHEETS[appendix],
                        f"{get_column_letter(c + 1)}{number}",
                        "",
                        "",
                        v,
                        reason,
                    )
                )
    return out


def _unknown_settings(old: Mapping[str, SheetValues]) -> list[TypedValue]:
    """Rows of "Cài đặt" the rebuild cannot keep, with a value: a label none of the program's
    settings (by the label as ``mail.sheet.kept_mail`` reads it), and a setting's row above
    another row of the same label whose value it does not have (the last row is kept)."""
    rows = old.get(ml.SETTINGS_SHEET)
    if not rows:
        return []
    labels = {s.label for s in ml.SETTINGS}
    out: list[TypedValue] = []
    last: dict[str, tuple[int, Any]] = {}  # label → (row, value) of its last row
    for number, row in _data_rows(rows):
        label = "" if is_blank(_cell(row, 0)) else str(row[0]).strip()
        if label in labels:
            last[label] = (number, _cell(row, 1))
    for number, row in _data_rows(rows):
        label = "" if is_blank(_cell(row, 0)) else str(row[0]).strip()
        if all(is_blank(v) for v in row[1:3]):
            continue
        if label in labels:
            kept_row, kept = last[label]
            value = _cell(row, 1)
            if number == kept_row or is_blank(value) or value == kept:
                continue
            reason = f"thiết lập «{label}» ghi hai lần; workbook mới giữ giá trị ở dòng {kept_row}"
            out.append(TypedValue(ml.SETTINGS_SHEET, f"B{number}", "", "", value, reason))
            continue
        c, v = next((c, v) for c, v in enumerate(row[1:3], start=2) if not is_blank(v))
        what = f"thiết lập «{label}»" if label else "dòng không có tên thiết lập"
        reason = f"chương trình không có {what}"
        out.append(
            TypedValue(ml.SETTINGS_SHEET, f"{get_column_letter(c)}{number}", "", "", v, reason)
        )
    return out


def _notes(notes: Sequence[CellNote]) -> list[TypedValue]:
    """The notes officials added to cells (Excel's comments): the build writes only its own."""
    reason = "ghi chú (comment) cán bộ thêm vào ô, workbook mới không giữ ghi chú này"
    return [TypedValue(n.sheet, n.cell, "", "", n.text.strip(), reason) for n in notes]


def typed_inputs(
    old: Mapping[str, SheetValues], new: Workbook, notes: Sequence[CellNote] = ()
) -> Carry:
    """What the officials typed in the old master (``old``: its ``sheetdata.workbook_values``,
    formulas as text; ``notes``: the notes they added to its cells) and where each value goes
    in the rebuilt workbook ``new``."""
    found = [
        *_notes(notes),
        *_results(old, new),
        *_rules(old, new),
        *_foreign_sheets(old, new),
        *_added_columns(old, new),
        *_inserted_rows(old),
        *_unknown_settings(old),
    ]
    sheets = {
        name: old[name] for name in COPIED_SHEETS if old.get(name) and name not in new.sheetnames
    }
    return Carry(
        tuple(v for v in found if not v.reason),
        tuple(v for v in found if v.reason),
        sheets,
    )


def refusal(unmatched: Sequence[TypedValue], file: str | Path | None = None) -> BuildError:
    """The error that stops a rebuild which would lose ``unmatched`` values."""
    lines = [f"- {v.text()}" for v in unmatched[:_SHOWN]]
    if len(unmatched) > _SHOWN:
        lines.append(f"- … và {len(unmatched) - _SHOWN} giá trị khác.")
    return BuildError(
        f"Không tạo lại workbook: {len(unmatched)} giá trị cán bộ đã nhập không còn chỗ trong "
        "workbook mới và sẽ bị mất:\n"
        + "\n".join(lines)
        + "\nKhông ghi gì. Chép các giá trị này ra nơi khác (hoặc sửa kế hoạch), rồi chạy lại; "
        f"thêm {DROP_FLAG} để tạo lại và bỏ các giá trị trên (chúng được liệt kê khi tạo xong).",
        file=file,
    )


def apply_carry(wb: Workbook, carry: Carry) -> None:
    """Write the carried values into the rebuilt workbook ``wb`` (see ``typed_inputs``)."""
    for v in carry.values:
        if v.column == layout.RESULT_KEY:
            appendix = next(a for a, s in layout.APPENDIX_SHEETS.items() if s == v.sheet)
            columns = layout.APPENDIX_COLUMNS[appendix]
            row = _ids(wb[v.sheet], layout.column_index(columns, "id"))[v.key]
            wb[v.sheet].cell(row, layout.column_index(columns, layout.RESULT_KEY)).value = v.value
        else:
            ws = wb[v.sheet]
            row = _ids(ws, layout.column_index(layout.RULE_COLUMNS, "rule"))[v.key]
            cell = ws.cell(row, layout.column_index(layout.RULE_COLUMNS, v.column))
            cell.value = v.value
            if _is_formula(v.value):
                cell.data_type = "s"  # a rule's text is never a formula
    for name, sheet_rows in carry.sheets.items():
        existing = [(w.title, w.sheet_state != "visible") for w in wb.worksheets]
        ws = wb.create_sheet(name, insert_position(existing, name))  # in the workflow's order
        style_tab(ws)
        for r, cells in enumerate(sheet_rows, start=1):
            for c, value in enumerate(cells, start=1):
                if not is_blank(value):
                    cell = ws.cell(r, c, value)
                    if _is_formula(value):
                        cell.data_type = "s"
