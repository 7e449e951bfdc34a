"""The sheet "TongHop": laid out at build time (``write_summary_sheet``), values rewritten by
the button and ``kehoach summary --write`` (``summary_edits``). Blocks: ``summary_layout``.

Build time puts in what the button cannot: widths, the header rows, number formats, the colour
code (conditional formatting on the status columns: green done on time, orange done late, blue
in progress, red overdue, grey not started), a data bar on the completion rate, two Excel
charts over fixed ranges, a frozen header, A4 landscape one page wide.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from openpyxl.chart import BarChart, Reference, Series
from openpyxl.formatting.rule import DataBarRule, FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from kehoach import layout
from kehoach import summary_layout as sl
from kehoach.edits import ClearRows, Edit, EnsureSheet, WriteValues
from kehoach.model import APPENDIX_IDS

if TYPE_CHECKING:  # kehoach.summary imports pandas; building the empty sheet does not need it
    from kehoach.summary import Summary

_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")
_HEADER_ALIGN = Alignment(wrap_text=True, vertical="center", horizontal="center")
_TOTAL_FILL = PatternFill("solid", fgColor="FCE4D6")
_BOLD = Font(bold=True)


def column(key: str) -> str:
    return layout.column_letter(sl.COLUMNS, key)


def _header(ws: Worksheet, row: int) -> None:
    for i, col in enumerate(sl.COLUMNS, start=1):
        cell = ws.cell(row, i, col.header)
        cell.font = _BOLD
        color = sl.STATUS_FILLS.get(col.key)
        cell.fill = PatternFill("solid", fgColor=color) if color else _HEADER_FILL
        cell.alignment = _HEADER_ALIGN
        cell.border = _BORDER
    ws.row_dimensions[row].height = 48


def write_summary_sheet(ws: Worksheet) -> None:
    """Lay out an empty "TongHop" sheet (see the module's docstring)."""
    ws.cell(sl.TITLE_ROW, 1, sl.SUMMARY_TITLE).font = Font(bold=True, size=14)
    ws.cell(sl.NOTE_ROW, 1, sl.NOT_RUN_NOTE).font = Font(italic=True)
    for i, col in enumerate(sl.COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = col.width
    _header(ws, sl.HEADER_ROW)
    _header(ws, sl.AGENCY_HEADER_ROW)
    ws.cell(sl.AGENCY_TITLE_ROW, 1, sl.AGENCY_TITLE).font = _BOLD
    fixed = [sl.TOTAL_ROW, *sl.APPENDIX_ROWS.values()]
    for row in fixed:
        for i in range(1, len(sl.COLUMNS) + 1):
            cell = ws.cell(row, i)
            cell.border = _BORDER
            cell.font = _BOLD if row == sl.TOTAL_ROW else Font()
            if row == sl.TOTAL_ROW:
                cell.fill = _TOTAL_FILL
    # Number formats of the rows the button writes (a date or a rate written into a cell
    # keeps the cell's format, in Excel as in openpyxl).
    last = sl.AGENCY_FIRST_ROW + sl.FORMATTED_ROWS
    for key in ("pct_done", "last_report"):
        fmt = sl.COLUMNS[layout.column_index(sl.COLUMNS, key) - 1].number_format
        idx = layout.column_index(sl.COLUMNS, key)
        for row in (*fixed, *range(sl.AGENCY_FIRST_ROW, last)):
            ws.cell(row, idx).number_format = fmt
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
    ws.print_title_rows = f"{sl.HEADER_ROW}:{sl.HEADER_ROW}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _stacked(ws: Worksheet, chart: BarChart, first: int, last: int) -> None:
    for key in sl.STATUS_KEYS:
        idx = layout.column_index(sl.COLUMNS, key)
        series = Series(
            Reference(ws, min_col=idx, min_row=first, max_row=last), title=sl.STATUS_LABELS[key]
        )
        series.graphicalProperties.solidFill = sl.STATUS_CHART_COLORS[key]
        series.graphicalProperties.line.solidFill = sl.STATUS_CHART_COLORS[key]
        chart.series.append(series)
    chart.overlap = 100
    chart.legend.position = "b"


def _charts(ws: Worksheet) -> None:
    name = layout.column_index(sl.COLUMNS, "name")
    first, last = sl.AGENCY_FIRST_ROW, sl.AGENCY_FIRST_ROW + sl.CHART_AGENCIES - 1
    agencies = BarChart()
    agencies.type = "bar"
    agencies.grouping = "stacked"
    agencies.title = sl.CHART_AGENCY_TITLE
    _stacked(ws, agencies, first, last)
    agencies.set_categories(Reference(ws, min_col=name, min_row=first, max_row=last))
    agencies.y_axis.title = "số lượt giao"
    agencies.x_axis.scaling.orientation = "maxMin"  # the first agency on top, as in the table
    agencies.width, agencies.height = 20, 12
    ws.add_chart(agencies, f"A{sl.CHART_FIRST_ROW}")

    rows = list(sl.APPENDIX_ROWS.values())
    appendices = BarChart()
    appendices.type = "col"
    appendices.grouping = "percentStacked"
    appendices.title = sl.CHART_APPENDIX_TITLE
    _stacked(ws, appendices, min(rows), max(rows))
    code = layout.column_index(sl.COLUMNS, "code")
    appendices.set_categories(Reference(ws, min_col=code, min_row=min(rows), max_row=max(rows)))
    appendices.y_axis.number_format = "0%"
    appendices.width, appendices.height = 15, 12
    ws.add_chart(appendices, f"{column('lead')}{sl.CHART_FIRST_ROW}")


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
    frame = summary.agencies
    not_done = [
        sum(int(r[k]) for k in (sl.OVERDUE, sl.IN_PROGRESS, sl.NOT_STARTED, sl.NOT_REPORTED))
        for _, r in frame.iterrows()
    ]
    keyed = [
        (-int(frame.at[code, sl.OVERDUE]), -not_done[i], i, str(code))
        for i, code in enumerate(frame.index)
    ]
    return [code for *_, code in sorted(keyed)]


def summary_rows(summary: Summary) -> list[list[Any]]:
    """Every row the button writes, from ``summary_layout.TOTAL_ROW`` down (rectangular)."""
    width = len(sl.COLUMNS)
    blank: list[Any] = [None] * width
    rows: list[list[Any]] = [_row(sl.LEVEL_TOTAL, "", "Toàn bộ Kế hoạch", summary.overall)]
    for appendix_id in APPENDIX_IDS:
        counts = summary.appendices.loc[appendix_id]
        rows.append(_row(sl.LEVEL_APPENDIX, appendix_id, str(counts["name"]), counts))
    rows.extend(blank[:] for _ in range(sl.AGENCY_FIRST_ROW - sl.TOTAL_ROW - len(rows)))
    # Rows AGENCY_TITLE_ROW and AGENCY_HEADER_ROW are the build's; written again unchanged so
    # that one block of values covers the sheet.
    rows[sl.AGENCY_TITLE_ROW - sl.TOTAL_ROW] = [sl.AGENCY_TITLE, *blank[1:]]
    rows[sl.AGENCY_HEADER_ROW - sl.TOTAL_ROW] = [c.header for c in sl.COLUMNS]
    agencies = summary.agencies
    for code in agency_order(summary):
        counts = agencies.loc[code]
        rows.append(_row(sl.LEVEL_AGENCY, code, str(counts["name"]), counts))
    rows.append(blank[:])
    rows.append([sl.NOT_REPORTED_TITLE, *blank[1:]])
    from kehoach.summary import not_reported

    missing = not_reported(summary)
    for item in missing:
        rows.append(_row(sl.LEVEL_NOT_REPORTED, item.code, item.name, agencies.loc[item.code]))
    if not missing:
        rows.append([None, None, "Mọi cơ quan đã gửi báo cáo.", *blank[3:]])
    rows.append(blank[:])
    rows.append([sl.HIERARCHY_TITLE, *blank[1:]])
    for appendix_id in APPENDIX_IDS:
        counts = summary.appendices.loc[appendix_id]
        rows.append(_row(sl.LEVEL_APPENDIX, appendix_id, str(counts["name"]), counts))
        for section_id, section in summary.sections.iterrows():
            if section["appendix"] != appendix_id:
                continue
            label = f"{appendix_id} {section['code']}".strip()
            rows.append(_row(sl.LEVEL_SECTION, label, str(section["name"]), section))
            for _cid, crit in summary.criteria.iterrows():
                if crit["section"] == section_id:
                    # "PL3 1.1", never "1.1": Excel takes number-like text for a number.
                    label = f"{appendix_id} {crit['code']}".strip()
                    rows.append(_row(sl.LEVEL_CRITERION, label, "  " + str(crit["name"]), crit))
    return rows


def summary_edits(summary: Summary) -> list[Edit]:
    """The sheet rewritten: the note, then every value from the total row down."""
    from kehoach.summary import overall_text

    sheet = sl.SUMMARY_SHEET
    return [
        EnsureSheet(sheet),
        WriteValues(sheet, f"A{sl.NOTE_ROW}", [[overall_text(summary)]]),
        ClearRows(sheet, sl.TOTAL_ROW),
        WriteValues(sheet, f"A{sl.TOTAL_ROW}", summary_rows(summary)),
    ]
