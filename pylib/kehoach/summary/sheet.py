"""The sheet "TongHop": laid out at build time (``write_summary_sheet``), values rewritten by
the button and ``kehoach summary --write`` (``summary_edits``). Blocks: ``summary_layout``.

Build time puts in what the button cannot: widths, the header rows, fonts, number formats, the
colour code (conditional formatting on the status columns, the colours of
``summary_layout.STATUS_FILLS``), a data bar on the completion rate, the legend, two Excel charts
over fixed ranges placed side by side in a box of empty rows (``kehoach.sheets.geometry``), a
frozen header, A4 landscape one page wide with the plan's number in the footer. Formatting
covers the rows the plan and the directory need, plus ``summary_layout.SPARE_ROWS``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from openpyxl.chart import BarChart, Reference, Series
from openpyxl.formatting.rule import DataBarRule, FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from kehoach.plan.model import APPENDIX_IDS
from kehoach.sheets import layout
from kehoach.sheets import summary_layout as sl
from kehoach.sheets.charts import chart_title, text_properties
from kehoach.sheets.edits import ClearRows, Edit, EnsureSheet, RowHeights, WriteValues
from kehoach.sheets.geometry import place_chart, row_height
from kehoach.sheets.housestyle import FONT_NAME
from kehoach.sheets.sheetstyle import CellStyles, print_setup

if TYPE_CHECKING:  # the build lays out the empty sheet without the computation
    from kehoach.summary.compute import Summary

_THIN = Side(style="thin", color="A6A6A6")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
_HEADER_ALIGN = Alignment(wrap_text=True, vertical="center", horizontal="center")
_TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
_BODY = Font(name=FONT_NAME, size=11)
_BOLD = Font(name=FONT_NAME, size=11, bold=True)
_HEADER_FONT = Font(name=FONT_NAME, size=11, bold=True, color="1F3864")
NOTE_HEIGHT = 2 * 15 + 1
HEADER_HEIGHT = 62  # "Hoàn thành chưa có văn bản chứng minh" at width 11: 4 lines


def column(key: str) -> str:
    return layout.column_letter(sl.COLUMNS, key)


def _header(ws: Worksheet, row: int) -> None:
    for i, col in enumerate(sl.COLUMNS, start=1):
        cell = ws.cell(row, i, col.header)
        color = sl.STATUS_FILLS.get(col.key)
        cell.font = _HEADER_FONT
        if col.key == sl.NOT_REPORTED:
            cell.font = Font(name=FONT_NAME, size=11, bold=True, color=sl.NOT_REPORTED_FONT)
        cell.fill = PatternFill("solid", fgColor=color) if color else _HEADER_FILL
        cell.alignment = _HEADER_ALIGN
        cell.border = _BORDER
    ws.row_dimensions[row].height = HEADER_HEIGHT


def formatted_last_row(ws: Worksheet) -> int:
    """The last row the build formats: every row the button writes for the plan and the
    directory in the workbook (agencies twice, at most: listed, and not reported), and spares."""
    from kehoach.gaps.sheet import row_kinds  # the appendix sheets' kinds of rows

    wb = ws.parent
    agencies = 0
    if layout.DIRECTORY_SHEET in wb.sheetnames:
        directory = wb[layout.DIRECTORY_SHEET]
        agencies = sum(
            1
            for (code,) in directory.iter_rows(
                min_row=layout.FIRST_DATA_ROW, max_col=1, values_only=True
            )
            if code
        )
    nodes = sum(
        len(row_kinds(wb[layout.APPENDIX_SHEETS[a]], a))
        for a in APPENDIX_IDS
        if layout.APPENDIX_SHEETS[a] in wb.sheetnames
    )
    # agencies, a blank, a title, the agencies not reported (or one line), a blank, a title,
    # every appendix, section and criterion
    return sl.AGENCY_FIRST_ROW + 2 * agencies + nodes + 6 + sl.SPARE_ROWS


def write_summary_sheet(ws: Worksheet, plan_number: str = "") -> None:
    """Lay out an empty "TongHop" sheet (see the module's docstring)."""
    ws.sheet_format.defaultRowHeight = 15
    ws.cell(sl.TITLE_ROW, 1, sl.SUMMARY_TITLE).font = Font(name=FONT_NAME, bold=True, size=14)
    note = ws.cell(sl.NOTE_ROW, 1, sl.NOT_RUN_NOTE)
    note.font = Font(name=FONT_NAME, italic=True, size=11)
    # The button's note (A2) wraps across the printed columns: unwrapped, it would be cut at
    # the print area's edge. Two lines (NOTE_HEIGHT, set again by the button).
    note.alignment = Alignment(wrap_text=True, vertical="top")
    last = sl.PRINTED_COLUMNS
    ws.merge_cells(start_row=sl.NOTE_ROW, start_column=1, end_row=sl.NOTE_ROW, end_column=last)
    ws.row_dimensions[sl.NOTE_ROW].height = NOTE_HEIGHT
    for i, col in enumerate(sl.COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = col.width
    _header(ws, sl.HEADER_ROW)
    _header(ws, sl.AGENCY_HEADER_ROW)
    ws.cell(sl.AGENCY_TITLE_ROW, 1, sl.AGENCY_TITLE).font = _BOLD
    for i, line in enumerate(sl.LEGEND_LINES):
        legend = ws.cell(sl.LEGEND_ROW + i, 1, line)
        legend.font = Font(name=FONT_NAME, size=11, italic=True, color="404040")
    fixed = [sl.TOTAL_ROW, *sl.APPENDIX_ROWS.values()]
    last = formatted_last_row(ws)
    body = [*fixed, *range(sl.AGENCY_FIRST_ROW, last + 1)]
    name_col = layout.column_index(sl.COLUMNS, "name")
    not_reported = Font(name=FONT_NAME, size=11, color=sl.NOT_REPORTED_FONT)
    wrapped, unwrapped = (Alignment(wrap_text=w, vertical="top") for w in (True, False))
    styles = CellStyles()
    for row in body:
        for i, col in enumerate(sl.COLUMNS, start=1):
            # A date or a rate written into a cell keeps its format, in Excel as in openpyxl.
            styles.apply(
                ws.cell(row, i),
                ("font", _BOLD if row == sl.TOTAL_ROW else _BODY),
                ("font", not_reported if col.key == sl.NOT_REPORTED else None),
                ("number_format", col.number_format),
                ("border", _BORDER if row in fixed else None),
                ("alignment", wrapped if i == name_col else unwrapped),
                ("fill", _TOTAL_FILL if row == sl.TOTAL_ROW else None),
            )
    for key, color in sl.STATUS_FILLS.items():
        c = column(key)
        fill = PatternFill(start_color=color, end_color=color, fill_type="solid")
        rule = FormulaRule(
            formula=[f"AND(ISNUMBER({c}{sl.TOTAL_ROW}),{c}{sl.TOTAL_ROW}>0)"], fill=fill
        )
        ws.conditional_formatting.add(f"{c}{sl.TOTAL_ROW}:{c}{last}", rule)
    pct = column("pct_done")
    ws.conditional_formatting.add(
        f"{pct}{sl.TOTAL_ROW}:{pct}{last}",
        DataBarRule(start_type="num", start_value=0, end_type="num", end_value=1, color="70AD47"),
    )
    _charts(ws)
    ws.freeze_panes = f"D{sl.FIRST_DATA_ROW}"
    ws.print_area = f"A1:{get_column_letter(sl.PRINTED_COLUMNS)}{last}"
    # Printed: the totals on a page, the charts on the next (never cut by a page break), the
    # agencies and criteria from a new page.
    ws.row_breaks.append(Break(id=sl.CHART_FIRST_ROW - 1))
    ws.row_breaks.append(Break(id=sl.AGENCY_TITLE_ROW - 1))
    print_setup(ws, plan_number, landscape=True, title_rows=f"{sl.HEADER_ROW}:{sl.HEADER_ROW}")


def _stacked(ws: Worksheet, chart: BarChart, first: int, last: int) -> None:
    for key in sl.CHART_STATUS_KEYS:
        idx = layout.column_index(sl.COLUMNS, key)
        series = Series(
            Reference(ws, min_col=idx, min_row=first, max_row=last), title=sl.STATUS_LABELS[key]
        )
        series.graphicalProperties.solidFill = sl.STATUS_CHART_COLORS[key]
        series.graphicalProperties.line.solidFill = sl.STATUS_CHART_COLORS[key]
        chart.series.append(series)
    chart.overlap = 100
    chart.gapWidth = 60
    chart.legend.position = "b"
    chart.legend.txPr = text_properties(900)
    for axis in (chart.x_axis, chart.y_axis):
        axis.delete = False  # openpyxl 3.1 hides the axes otherwise
        axis.txPr = text_properties(900)


def _charts(ws: Worksheet) -> None:
    name = layout.column_index(sl.COLUMNS, "name")
    first, last = sl.AGENCY_FIRST_ROW, sl.AGENCY_FIRST_ROW + sl.CHART_AGENCIES - 1
    bottom = sl.CHART_FIRST_ROW + sl.CHART_ROWS - 1
    agencies = BarChart()
    agencies.type = "bar"
    agencies.grouping = "stacked"
    agencies.title = chart_title(sl.CHART_AGENCY_TITLE)
    _stacked(ws, agencies, first, last)
    agencies.set_categories(Reference(ws, min_col=name, min_row=first, max_row=last))
    agencies.y_axis.number_format = "#,##0"
    agencies.y_axis.majorGridlines = None
    agencies.x_axis.scaling.orientation = "maxMin"  # the first agency on top, as in the table
    agencies.x_axis.tickLblSkip = 1  # every agency's name, never every other one
    left, right = sl.CHART_AGENCY_COLUMNS
    place_chart(ws, agencies, sl.CHART_FIRST_ROW, left, bottom, right)

    rows = list(sl.APPENDIX_ROWS.values())
    appendices = BarChart()
    appendices.type = "col"
    appendices.grouping = "percentStacked"
    appendices.title = chart_title(sl.CHART_APPENDIX_TITLE)
    _stacked(ws, appendices, min(rows), max(rows))
    appendices.set_categories(Reference(ws, min_col=name, min_row=min(rows), max_row=max(rows)))
    appendices.y_axis.number_format = "0%"
    appendices.x_axis.tickLblSkip = 1
    left, right = sl.CHART_APPENDIX_COLUMNS
    place_chart(ws, appendices, sl.CHART_FIRST_ROW, left, bottom, right)


# --- the button's values ----------------------------------------------------------------------


def _row(level: str, code: str, name: str, counts: Any, **extra: Any) -> list[Any]:
    values = {"level": level, "code": code, "name": name, **extra}
    for key in (*sl.COUNT_KEYS, "pct_done", "last_report", "files_rejected", "emails"):
        if key not in values:
            value = counts.get(key) if hasattr(counts, "get") else None
            values[key] = value
    out = [values.get(c.key) for c in sl.COLUMNS]
    return [_cell(v) for v in out]


def _cell(value: Any) -> Any:
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, tuple):
        return "; ".join(value)
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def agency_order(summary: Summary) -> list[str]:
    """Agency codes as the sheet lists them: most overdue first, then most not done, then
    directory order."""
    keyed = [
        (
            -int(r[sl.OVERDUE]),
            -sum(int(r[k]) for k in (sl.OVERDUE, sl.IN_PROGRESS, sl.NOT_STARTED, sl.NOT_REPORTED)),
            i,
            str(code),
        )
        for i, (code, r) in enumerate(summary.agency_rows.items())
    ]
    return [code for *_, code in sorted(keyed)]


def summary_rows(summary: Summary) -> list[list[Any]]:
    """Every row the button writes, from ``summary_layout.TOTAL_ROW`` down (rectangular)."""
    width = len(sl.COLUMNS)
    blank: list[Any] = [None] * width
    rows: list[list[Any]] = [_row(sl.LEVEL_TOTAL, "", "Toàn bộ Kế hoạch", summary.overall)]
    for appendix_id in APPENDIX_IDS:
        counts = summary.appendix_rows[appendix_id]
        rows.append(_row(sl.LEVEL_APPENDIX, appendix_id, str(counts["name"]), counts))
    rows.extend(blank[:] for _ in range(sl.AGENCY_FIRST_ROW - sl.TOTAL_ROW - len(rows)))
    # The legend and rows AGENCY_TITLE_ROW and AGENCY_HEADER_ROW are the build's; written
    # again unchanged so that one block of values covers the sheet.
    for i, line in enumerate(sl.LEGEND_LINES):
        rows[sl.LEGEND_ROW + i - sl.TOTAL_ROW] = [line, *blank[1:]]
    rows[sl.AGENCY_TITLE_ROW - sl.TOTAL_ROW] = [sl.AGENCY_TITLE, *blank[1:]]
    rows[sl.AGENCY_HEADER_ROW - sl.TOTAL_ROW] = [c.header for c in sl.COLUMNS]
    agencies = summary.agency_rows
    for code in agency_order(summary):
        counts = agencies[code]
        rows.append(_row(sl.LEVEL_AGENCY, code, str(counts["name"]), counts))
    rows.append(blank[:])
    rows.append([sl.NOT_REPORTED_TITLE, *blank[1:]])
    from kehoach.summary.compute import not_reported

    missing = not_reported(summary)
    for item in missing:
        rows.append(_row(sl.LEVEL_NOT_REPORTED, item.code, item.name, agencies[item.code]))
    if not missing:
        rows.append([None, None, "Mọi cơ quan đã gửi báo cáo.", *blank[3:]])
    rows.append(blank[:])
    rows.append([sl.HIERARCHY_TITLE, *blank[1:]])
    # Each section's criteria grouped once (not every criterion scanned for each section).
    by_section: dict[Any, list[dict[str, Any]]] = {}
    for crit in summary.criterion_rows.values():
        by_section.setdefault(crit["section"], []).append(crit)
    sections = summary.section_rows
    for appendix_id in APPENDIX_IDS:
        counts = summary.appendix_rows[appendix_id]
        rows.append(_row(sl.LEVEL_APPENDIX, appendix_id, str(counts["name"]), counts))
        for section_id, section in sections.items():
            if section["appendix"] != appendix_id:
                continue
            label = f"{appendix_id} {section['code']}".strip()
            rows.append(_row(sl.LEVEL_SECTION, label, str(section["name"]), section))
            for crit in by_section.get(section_id, []):
                # "PL3 1.1", never "1.1": Excel takes number-like text for a number.
                label = f"{appendix_id} {crit['code']}".strip()
                rows.append(_row(sl.LEVEL_CRITERION, label, "  " + str(crit["name"]), crit))
    return rows


def summary_edits(summary: Summary) -> list[Edit]:
    """The sheet rewritten: the note, then every value from the total row down."""
    from kehoach.summary.compute import overall_text

    sheet = sl.SUMMARY_SHEET
    rows = summary_rows(summary)
    # Only the names wrap; the header row above the agencies keeps the build's height.
    # (names in capitals and brackets run wider than the estimate's letters: a fifth off)
    widths = [0.8 * c.width if c.key == "name" else None for c in sl.COLUMNS]
    heights = [row_height(r, widths) for r in rows]
    heights[sl.AGENCY_HEADER_ROW - sl.TOTAL_ROW] = HEADER_HEIGHT
    return [
        EnsureSheet(sheet),
        WriteValues(sheet, f"A{sl.NOTE_ROW}", [[overall_text(summary)]]),
        ClearRows(sheet, sl.TOTAL_ROW),
        WriteValues(sheet, f"A{sl.TOTAL_ROW}", rows),
        RowHeights(sheet, sl.TOTAL_ROW, heights),
        # A value written into a wrapped cell grows its row as if the cell were column A
        # alone; the note is merged across the table.
        RowHeights(sheet, sl.NOTE_ROW, [NOTE_HEIGHT]),
    ]
