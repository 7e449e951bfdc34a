"""The checker's findings as workbook edits: the "KiemTra" sheet and the highlighted cells.

The KiemTra sheet holds a title, a summary (rules applied, counts per severity), a header row
and one row per finding whose "Ô" cell is a link to the cell concerned. Those link texts are
also the list of cells this run highlighted: the next run reads them back from the sheet's
values, gives each its base fill again (``layout.ROW_FILL_COLORS`` by the row's kind, the fill
the builder gave it), then highlights the cells of the new findings (errors red, warnings
yellow, ``layout.SEVERITY_FILL_COLORS``). A finding that is gone leaves no colour behind.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from kehoach.checks.findings import SEVERITY_ORDER, Finding, counts_text
from kehoach.checks.rules import Rule
from kehoach.sheets import layout
from kehoach.sheets.edits import (
    ClearRows,
    Edit,
    EnsureSheet,
    Fill,
    Link,
    RowHeights,
    WriteValues,
    formula_link_place,
)
from kehoach.sheets.geometry import CHARS_PER_WIDTH_UNIT, LINE_POINTS, wrapped_lines
from kehoach.sheets.sheetdata import is_blank
from kehoach.state.master import MasterState

_REF = re.compile(r"'?(?P<sheet>.+?)'?!\$?(?P<col>[A-Z]{1,3})\$?(?P<row>[0-9]+)")
_APPENDIX_OF_SHEET = {sheet: a for a, sheet in layout.APPENDIX_SHEETS.items()}
NO_FINDINGS = "Không phát hiện vấn đề nào."


def summary_text(findings: Sequence[Finding], rules: Sequence[Rule]) -> str:
    enabled = sum(1 for r in rules if r.enabled)
    return (
        f"Đã kiểm tra theo {enabled}/{len(rules)} quy tắc đang áp dụng "
        f"(trang «{layout.RULES_SHEET}»): "
        f"{counts_text(findings)}. Ô có lỗi được tô đỏ, ô có cảnh báo tô vàng trên các trang "
        "kế hoạch; bấm vào ô ở cột «Ô» để tới nơi cần sửa."
    )


def summary_height(summary: str) -> float:
    """The height of the summary's row: ``summary`` wrapped across the printed columns of the
    report, as the builder's merged cell shows it."""
    printed = [c for c in layout.CHECK_COLUMNS if c.printed]
    width = 0.85 * sum(c.width for c in printed) - 1  # the margin ``fit_note`` keeps
    return wrapped_lines(summary, width, CHARS_PER_WIDTH_UNIT, whole_words=True) * LINE_POINTS


def previous_highlights(state: MasterState) -> list[tuple[str, str]]:
    """(sheet, cell) of every cell the last run listed in the KiemTra sheet."""
    rows = state.sheets.get(layout.CHECK_SHEET)
    if not rows:
        return []
    col = layout.column_index(layout.CHECK_COLUMNS, "cell") - 1
    out: list[tuple[str, str]] = []
    for row in rows[layout.FIRST_DATA_ROW - 1 :]:
        value = row[col] if col < len(row) else None
        if is_blank(value):
            continue
        place = formula_link_place(value)  # a button's link, read as its formula
        match = _REF.fullmatch(place if place is not None else str(value).strip())
        if match:
            item = (match["sheet"].replace("''", "'"), f"{match['col']}{match['row']}")
            if item not in out:
                out.append(item)
    return out


def base_fill(state: MasterState, sheet: str, cell: str) -> str | None:
    """The fill the builder gives ``cell`` of ``sheet``: by row kind on appendix sheets, the
    input fill for the "Kết quả năm <target>" cell of every row but a task's."""
    values = state.sheets
    appendix = _APPENDIX_OF_SHEET.get(sheet)
    if appendix is None or sheet not in values:
        return None
    letters = cell.rstrip("0123456789")
    row = int(cell[len(letters) :])
    columns = layout.APPENDIX_COLUMNS[appendix]
    col = layout.column_index(columns, "kind") - 1
    rows = values[sheet]
    value = rows[row - 1][col] if row <= len(rows) and col < len(rows[row - 1]) else None
    kind = layout.KIND_ROWS.get(str(value).strip() if value is not None else "", "")
    if kind and kind != "task" and letters == layout.column_letter(columns, layout.RESULT_KEY):
        return layout.INPUT_FILL
    return layout.ROW_FILL_COLORS.get(kind)


def highlight_colors(findings: Sequence[Finding]) -> dict[tuple[str, str], str]:
    """The fill of every cell a finding points at (the most severe finding's colour wins)."""
    worst: dict[tuple[str, str], str] = {}
    for f in findings:
        if f.severity not in layout.SEVERITY_FILL_COLORS:
            continue
        key = (f.sheet, f.cell)
        if key not in worst or SEVERITY_ORDER[f.severity] < SEVERITY_ORDER[worst[key]]:
            worst[key] = f.severity
    return {key: layout.SEVERITY_FILL_COLORS[s] for key, s in worst.items()}


def report_edits(
    state: MasterState, findings: Sequence[Finding], rules: Sequence[Rule]
) -> list[Edit]:
    """Edits writing ``findings`` into the KiemTra sheet and (un)highlighting plan cells."""
    sheet = layout.CHECK_SHEET
    summary = (
        summary_text(findings, rules)
        if findings
        else f"{summary_text(findings, rules)} {NO_FINDINGS}"
    )
    block: list[list[Any]] = [[c.header for c in layout.CHECK_COLUMNS]]
    texts = {r.id: r.description for r in rules}
    for number, f in enumerate(findings, start=1):
        block.append(
            [
                number,
                f.severity_label,
                f.rule,
                f.appendix,
                f.code,
                None,
                f.message,
                texts.get(f.rule) or None,
            ]
        )
    link_index = layout.column_index(layout.CHECK_COLUMNS, "cell")
    edits: list[Edit] = [
        EnsureSheet(sheet),
        # Old rows go; the links with their formats, the other cells keep the builder's
        # (wrapped text, the severity's colour rule).
        ClearRows(sheet, layout.FIRST_DATA_ROW),
        ClearRows(sheet, layout.FIRST_DATA_ROW, True, link_index, link_index),
        WriteValues(sheet, f"A{layout.TITLE_ROW}", [[layout.CHECK_TITLE]]),
        # The summary's cell spans the printed columns (merged by the builder): the row as
        # tall as the summary wrapped there.
        WriteValues(sheet, f"A{layout.CHECK_SUMMARY_ROW}", [[summary]]),
        RowHeights(sheet, layout.CHECK_SUMMARY_ROW, [summary_height(summary)]),
        WriteValues(sheet, f"A{layout.HEADER_ROW}", block),
    ]
    link_col = layout.column_letter(layout.CHECK_COLUMNS, "cell")
    for number, f in enumerate(findings, start=layout.FIRST_DATA_ROW):
        edits.append(Link(sheet, f"{link_col}{number}", f.ref, f.ref))
    colors = highlight_colors(findings)
    for old_sheet, cell in previous_highlights(state):
        if old_sheet in state.sheets and (old_sheet, cell) not in colors:
            edits.append(Fill(old_sheet, cell, base_fill(state, old_sheet, cell)))
    for (new_sheet, cell), color in colors.items():
        edits.append(Fill(new_sheet, cell, color))
    return edits
