"""The gap columns and the sheet "Chênh lệch" as Excel formulas, written at build time.

Everything here is a cell that depends only on other cells, so it is a formula and follows
what officials type; ``kehoach.gaps.compute`` computes the same figures in Python (a LibreOffice
test
recalculates the built workbook and compares every formula with the core, to 1e-9).

Appendix sheets (columns from ``layout.GAP_HEADERS``), row by row:

- "Kết quả năm <target>" is an input cell on every row but a task's (light yellow, unlocked; data
  validation decimal 0..max where the row has a max); on criterion rows it starts empty, on
  section, group and total rows it holds the aggregate of the children's results, and a number
  typed over that formula is the row's result (``kehoach.gaps.compute``);
- criterion rows: the other gap cells are formulas over the row's max (E), base-year figure
  (F), target (G), "Điều tra XHH" (H) and result;
- rows with their own plan figures (PL3/PL4 sections and totals): the same formulas over
  their own cells; their result aggregates the children's (mean for SIPAS, sum otherwise)
  once every child has one;
- other section and group rows: each gap cell aggregates the same cell of the children,
  listed one by one (``SUM(P5,P7,P9)``), so inserted rows keep the references right; when a
  number was typed over the result (it is not the children's aggregate), the gap is taken
  against the children's targets instead.

Only plain functions LibreOffice also evaluates: IF, OR, COUNT, SUM, AVERAGE, MAX, ABS, ROUND,
SUMIFS, COUNTIFS, N.

The sheet "Chênh lệch": appendix totals as SUMIFS/COUNTIFS over the appendix sheets'
"Loại dòng" and "Điều tra XHH" columns, the points lost per PAR INDEX field (PL2), two bar
charts; from ``layout.GAPS_BLOCK_ROW`` down, the block the button fills (``gaps.gap_edits``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.formatting.rule import Rule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.styles.differential import DifferentialStyle
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from kehoach.common.planyears import PlanYears, render
from kehoach.plan.model import APPENDIX_IDS
from kehoach.sheets import layout
from kehoach.sheets.charts import chart_title, text_properties
from kehoach.sheets.geometry import (
    LINE_POINTS,
    header_height,
    header_lines,
    place_chart,
    wrapped_lines,
)
from kehoach.sheets.housestyle import FONT_NAME
from kehoach.sheets.sheetstyle import CellStyles, print_setup

_INPUT_FILL = PatternFill("solid", fgColor=layout.INPUT_FILL)
_UNLOCKED = Protection(locked=False)
_HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
_THIN = Side(style="thin", color="A6A6A6")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="top")
_HEADER_ALIGN = Alignment(wrap_text=True, vertical="center", horizontal="center")
_BODY = Font(name=FONT_NAME, size=11)
_BOLD = Font(name=FONT_NAME, size=11, bold=True)
_HEADER_FONT = Font(name=FONT_NAME, size=11, bold=True, color="1F3864")
# The sheet's legend, rows LEGEND_ROW..+1 merged across the table.
SUMMARY_NOTE = (
    "Chú giải. PL1: các tiêu chí đạt điểm tối đa năm {base}, mục tiêu là giữ điểm tối đa. "
    "PL2: mục tiêu là điểm tối đa trừ tiêu chí điều tra XHH (giữ như {base}). "
    "PL3 (SIPAS) tính bằng % (trung bình các tiêu chí) và PL4 (PAPI): số liệu dòng Tổng của "
    "kế hoạch. Điểm ghi 2 chữ số thập phân. Mã tiêu chí PL3 ghi kèm nhóm (I.3.5, II.3.5). "
    "Nhập kết quả năm {target} vào cột nền vàng «Kết quả năm {target}» của từng phụ lục, rồi bấm "
    "«Tính chênh lệch»: các bảng từ dòng "
    f"{layout.GAPS_BLOCK_ROW} được ghi lại; bấm vào mã tiêu chí để tới dòng của nó."
)
LEGEND_ROWS = 2
LOST_BY_FIELD = "Điểm bị mất năm {base} theo lĩnh vực (PL2)"
# The button's blocks (kehoach.gaps.compute.gap_edits), styled at build time over a bounded range:
# columns A..K; headers start with "Phụ lục" in column A, data rows with an appendix id.
BLOCK_WIDTH = 11
SIPAS_FORMAT = '0.00" %"'
_BLOCK_HEADER = layout.SUMMARY_COLUMNS[0].header  # "Phụ lục"
SIPAS_APPENDIX = "PL3"
# The charts side by side: the percentages over columns A..D, the points lost per field
# (long names, horizontal bars) over E..P.
CHART_SPLIT_COLUMN = 5


def _q(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def row_kinds(ws: Worksheet, appendix_id: str) -> dict[int, str]:
    """Kind (layout key) of every data row of an appendix sheet, from its "Loại dòng" column."""
    col = layout.column_index(layout.APPENDIX_COLUMNS[appendix_id], "kind")
    kinds: dict[int, str] = {}
    for row in range(layout.FIRST_DATA_ROW, ws.max_row + 1):
        kind = layout.KIND_ROWS.get(str(ws.cell(row, col).value or "").strip())
        if kind is not None and kind != "task":
            kinds[row] = kind
    return kinds


class _Formulas:
    """The formula of each gap cell of one appendix sheet."""

    def __init__(self, appendix_id: str) -> None:
        self.id = appendix_id
        self.columns = layout.APPENDIX_COLUMNS[appendix_id]
        self.how = "AVERAGE" if layout.AGGREGATION[appendix_id] == "mean" else "SUM"
        self.keys = [k for k in layout.GAP_KEYS if k in layout.GAP_HEADERS[appendix_id]]

    def col(self, key: str) -> str:
        return layout.column_letter(self.columns, key)

    def ref(self, key: str, row: int) -> str:
        return f"{self.col(key)}{row}"

    def target_ref(self, row: int) -> tuple[str, str]:
        """(the numeric target's cell, the condition under which there is none)."""
        e, g, h = self.ref("max", row), self.ref("target", row), self.ref("survey", row)
        if self.id == "PL1":
            return e, f'{e}=""'
        if self.id == "PL2":
            return e, f'OR({h}="x",{e}="")'
        return g, f'{g}=""'

    def base_ref(self, row: int) -> str:
        """The base-year figure: PL1 kept full marks, so its base-year figure is the max."""
        return self.ref("max" if self.id == "PL1" else "score_base", row)

    def achieved(self, row: int) -> str:
        r, d = self.ref(layout.RESULT_KEY, row), self.ref("shortfall", row)
        return (
            f'=IF({r}="","",IF({d}="",{_q(layout.NO_TARGET)},'
            f"IF(ROUND({d},4)>0,{_q(layout.NOT_ACHIEVED)},{_q(layout.ACHIEVED)})))"
        )

    def own(self, row: int, children: Sequence[int] | None) -> dict[str, str]:
        """Formulas of a criterion row (children None) or of a row with its own figures."""
        e, f, g = self.ref("max", row), self.ref("score_base", row), self.ref("target", row)
        r = self.ref(layout.RESULT_KEY, row)
        target, no_target = self.target_ref(row)
        base = self.base_ref(row)
        out = {
            "lost_base": f'=IF(COUNT({e},{f})<2,"",{e}-{f})',
            "pct_base": f'=IF(COUNT({e},{f})<2,"",IF({e}=0,"",{f}/{e}))',
            "gap_target": (
                f'=IF(OR({self.ref("survey", row)}="x",COUNT({e},{f})<2),"",{e}-{f})'
                if self.id == "PL2"
                else f'=IF(COUNT({f},{g})<2,"",{g}-{f})'
            ),
            "achieved": self.achieved(row),
            "shortfall": f'=IF(OR({r}="",{no_target}),"",MAX(0,{target}-{r}))',
            "change_base": f'=IF(OR({r}="",{base}=""),"",{r}-{base})',
        }
        if children is not None:
            cells = self.cells(layout.RESULT_KEY, children)
            out[layout.RESULT_KEY] = f'=IF(COUNT({cells})<{len(children)},"",{self.how}({cells}))'
        return {k: v for k, v in out.items() if k in self.keys}

    def goal(self, row: int) -> str:
        """A child's target-year goal when its parent's result is typed: its numeric target, or its
        base-year figure where it has none (PL2 survey criteria are held as in that year)."""
        e, f, g, h = (self.ref(k, row) for k in ("max", "score_base", "target", "survey"))
        if self.id == "PL1":
            return e
        if self.id == "PL2":
            return f'IF({h}="x",{f},{e})'
        return f'IF({g}="",{f},{g})'

    def cells(self, key: str, rows: Sequence[int]) -> str:
        return ",".join(self.ref(key, r) for r in rows)

    def aggregate(self, row: int, children: Sequence[int]) -> dict[str, str]:
        """Formulas of a section/group row without its own figures: over its children."""
        r = self.ref(layout.RESULT_KEY, row)
        how = self.how

        def agg(key: str) -> str:
            cells = self.cells(key, children)
            return f'IF(COUNT({cells})=0,"",{how}({cells}))'

        results = self.cells(layout.RESULT_KEY, children)
        maxes, s22s = self.cells("max", children), self.cells("score_base", children)
        if self.id == "PL1":
            s22s = maxes
        # A number typed over the result formula: the children's results are incomplete, or
        # their aggregate is another number (kehoach.gaps.compute.same_result's tolerance). Then the
        # gap is taken against the children's targets, a child without one at its base-year figure.
        n = len(children)
        aggregate = f"{how}({results})"
        # IF, not OR: the AVERAGE of no results is #DIV/0!, which OR would pass on.
        near = f"1E-9*MAX(1,ABS({r}),ABS({aggregate}))"
        typed = f"IF(COUNT({results})<{n},TRUE,ABS({r}-{aggregate})>{near})"
        goal = f"{how}({','.join(self.goal(c) for c in children)})"
        out: dict[str, Callable[[], str]] = {
            "lost_base": lambda: "=" + agg("lost_base"),
            "pct_base": lambda: f'=IF(SUM({maxes})=0,"",SUM({s22s})/SUM({maxes}))',
            "gap_target": lambda: "=" + agg("gap_target"),
            layout.RESULT_KEY: lambda: f'=IF(COUNT({results})<{n},"",{aggregate})',
            "achieved": lambda: self.achieved(row),
            "shortfall": lambda: f'=IF({r}="","",IF({typed},MAX(0,{goal}-{r}),{agg("shortfall")}))',
            "change_base": lambda: f'=IF({r}="","",{r}-{how}({s22s}))',
        }
        return {k: make() for k, make in out.items() if k in self.keys}


def write_gap_cells(ws: Worksheet, appendix_id: str, years: PlanYears) -> None:
    """Fill the gap columns of an appendix sheet written by ``kehoach.workbook.master``."""
    from kehoach.gaps.compute import hierarchy, own_figures  # imports pandas: only when building

    formulas = _Formulas(appendix_id)
    kinds = row_kinds(ws, appendix_id)
    tree = hierarchy(kinds)
    result_col = layout.column_index(formulas.columns, layout.RESULT_KEY)
    max_col = layout.column_index(formulas.columns, "max")
    validations: dict[float, DataValidation] = {}
    styles = CellStyles()
    for row, kind in kinds.items():
        # Every level takes a typed result (the indexes publish per field, group, content
        # index and in total): an input cell, holding the children's aggregate by default.
        result = ws.cell(row, result_col)
        styles.apply(result, ("fill", _INPUT_FILL), ("protection", _UNLOCKED))
        max_ = ws.cell(row, max_col).value
        if isinstance(max_, int | float):  # rows with their own max: criteria, PL3/PL4 levels
            dv = validations.get(float(max_))
            if dv is None:
                dv = DataValidation(
                    type="decimal",
                    operator="between",
                    formula1="0",
                    formula2=repr(float(max_)),
                    allow_blank=True,
                    showErrorMessage=True,
                    errorTitle=f"Kết quả năm {years.target}",
                    error=f"Nhập một số từ 0 đến {max_:g} (điểm tối đa của dòng này).",
                )
                validations[float(max_)] = dv
                ws.add_data_validation(dv)
            dv.add(result.coordinate)
        if kind == "criterion":
            cells = formulas.own(row, None)
        elif own_figures(appendix_id, kind):
            cells = formulas.own(row, tree[row])
        else:
            cells = formulas.aggregate(row, tree[row])
        for key, text in cells.items():
            ws[formulas.ref(key, row)] = text


# --- the summary sheet ---------------------------------------------------------------------------


def _sheet_col(appendix_id: str, key: str) -> str:
    sheet = quote_sheetname(layout.APPENDIX_SHEETS[appendix_id])
    col = layout.column_letter(layout.APPENDIX_COLUMNS[appendix_id], key)
    return f"{sheet}!${col}:${col}"


def summary_formulas(
    appendix_id: str, row: int, total_row: int | None = None, sections: Sequence[int] = ()
) -> dict[str, str | float]:
    """Formulas of the summary row of one appendix (row ``row`` of the sheet "Chênh lệch").

    ``total_row``: the appendix sheet's total row, for appendices with own totals (PL3, PL4).
    ``sections``: its section rows; without a total row, the target-year result is their sum (each
    typed, or summed from its criteria), once every section has one.
    """
    c = {
        col.key: f"{layout.column_letter(layout.SUMMARY_COLUMNS, col.key)}{row}"
        for col in layout.SUMMARY_COLUMNS
    }
    kind = _sheet_col(appendix_id, "kind")
    crit = _q(layout.ROW_KINDS["criterion"])
    total = _q(layout.ROW_KINDS["total"])
    survey = _sheet_col(appendix_id, "survey")
    is_survey = f',{survey},"x"'

    def sumifs(key: str, which: str, *extra: str) -> str:
        return f"SUMIFS({_sheet_col(appendix_id, key)},{kind},{which}{''.join(extra)})"

    out: dict[str, str | float] = {"criteria": f"=COUNTIFS({kind},{crit})"}
    if appendix_id in layout.OWN_FIGURE_APPENDICES and total_row is not None:
        out["max"] = "=" + sumifs("max", total)
        out["score_base"] = "=" + sumifs("score_base", total)
        out["target"] = "=" + sumifs("target", total)
        # The total row's own cell: it is "" until every child has a result.
        sheet = quote_sheetname(layout.APPENDIX_SHEETS[appendix_id])
        col = layout.column_letter(layout.APPENDIX_COLUMNS[appendix_id], layout.RESULT_KEY)
        out["result_target"] = f"={sheet}!{col}{total_row}"
    else:
        out["max"] = "=" + sumifs("max", crit)
        if appendix_id == "PL1":
            out["score_base"] = f"={c['max']}"
            out["target"] = f"={c['max']}"
        else:
            out["score_base"] = "=" + sumifs("score_base", crit)
            out["target"] = (
                f"={c['max']}-{sumifs('max', crit, is_survey)}"
                f"+{sumifs('score_base', crit, is_survey)}"
            )
        if sections:
            sheet = quote_sheetname(layout.APPENDIX_SHEETS[appendix_id])
            col = layout.column_letter(layout.APPENDIX_COLUMNS[appendix_id], layout.RESULT_KEY)
            refs = ",".join(f"{sheet}!{col}{r}" for r in sections)
            out["result_target"] = f'=IF(COUNT({refs})<{len(sections)},"",SUM({refs}))'
        else:
            out["result_target"] = (
                f'=IF(OR({c["results"]}=0,{c["results"]}<{c["criteria"]}),"",'
                f"{sumifs(layout.RESULT_KEY, crit)})"
            )
    out["lost_base"] = f"={c['max']}-{c['score_base']}"
    if appendix_id == "PL1":
        out["lost_base_survey"] = 0.0
        out["lost_base_other"] = f"={c['lost_base']}-{c['lost_base_survey']}"
    elif appendix_id in layout.SURVEY_SPLIT_APPENDICES:
        out["lost_base_survey"] = "=" + sumifs("lost_base", crit, is_survey)
        out["lost_base_other"] = f"={c['lost_base']}-{c['lost_base_survey']}"
    out["pct_base"] = f'=IF({c["max"]}=0,"",{c["score_base"]}/{c["max"]})'
    out["pct_target"] = f'=IF({c["max"]}=0,"",{c["target"]}/{c["max"]})'
    result = _sheet_col(appendix_id, layout.RESULT_KEY)
    achieved = _sheet_col(appendix_id, "achieved")
    out["results"] = f'=COUNTIFS({kind},{crit},{result},"<>")'
    out["achieved"] = f"=COUNTIFS({kind},{crit},{achieved},{_q(layout.ACHIEVED)})"
    out["not_achieved"] = f"=COUNTIFS({kind},{crit},{achieved},{_q(layout.NOT_ACHIEVED)})"
    out["change_base"] = f'=IF({c["result_target"]}="","",{c["result_target"]}-{c["score_base"]})'
    return out


def _total_row(wb: Workbook, appendix_id: str) -> int | None:
    kinds = row_kinds(wb[layout.APPENDIX_SHEETS[appendix_id]], appendix_id)
    return next((r for r, k in kinds.items() if k == "total"), None)


def _section_rows(wb: Workbook, appendix_id: str) -> list[int]:
    kinds = row_kinds(wb[layout.APPENDIX_SHEETS[appendix_id]], appendix_id)
    return [r for r, k in kinds.items() if k == "section"]


def summary_rows() -> dict[str, int]:
    """Row of each appendix's totals on the sheet "Chênh lệch"."""
    return {a: layout.SUMMARY_HEADER_ROW + 1 + i for i, a in enumerate(APPENDIX_IDS)}


def field_rows(wb: Workbook) -> dict[int, int]:
    """Row on "Chênh lệch" of each PL2 section row (the per-field table)."""
    kinds = row_kinds(wb[layout.APPENDIX_SHEETS[layout.FIELDS_APPENDIX]], layout.FIELDS_APPENDIX)
    first = _fields_header_row() + 1
    sections = [r for r, k in kinds.items() if k == "section"]
    return {s: first + i for i, s in enumerate(sections)}


def _fields_header_row() -> int:
    return layout.SUMMARY_HEADER_ROW + len(APPENDIX_IDS) + 4


def _header(ws: Worksheet, row: int, columns: Sequence[layout.Column], years: PlanYears) -> None:
    styles = CellStyles()
    for i, col in enumerate(columns, start=1):
        styles.apply(
            ws.cell(row, i, col.text(years)),
            ("font", _HEADER_FONT),
            ("fill", _HEADER_FILL),
            ("alignment", _HEADER_ALIGN),
            ("border", _BORDER),
        )


def legend_row() -> int:
    return max(summary_rows().values()) + 1


def chart_rows(wb: Workbook) -> tuple[int, int]:
    """First and last row of the charts' box: below the per-field table, above the block."""
    fields = field_rows(wb)
    first = (max(fields.values()) if fields else _fields_header_row()) + 2
    return first, layout.GAPS_BLOCK_ROW - 2


def block_last_row(wb: Workbook) -> int:
    """The last row the build styles for the button's blocks: its lines of text, the top
    criteria of every appendix twice (lost in the base year, short of the target), every total,
    group and section row, and spares."""
    nodes = sum(
        sum(1 for k in row_kinds(wb[layout.APPENDIX_SHEETS[a]], a).values() if k != "criterion")
        for a in APPENDIX_IDS
        if layout.APPENDIX_SHEETS[a] in wb.sheetnames
    )
    lines = 8 + 3 * 3  # the totals in words; three titled tables
    return layout.GAPS_BLOCK_ROW + lines + 2 * layout.GAPS_TOP_N * len(APPENDIX_IDS) + nodes + 20


def _style_block(ws: Worksheet, last: int) -> None:
    """Fonts, wrapping and number formats of the rows the button writes, and conditional
    formats for what depends on its values: header rows, table rows, titles (the number
    formats of SIPAS rows come with the values, ``kehoach.gaps.compute.gap_edits``)."""
    first = layout.GAPS_BLOCK_ROW
    top = Alignment(vertical="top")
    styles = CellStyles()
    for row in range(first, last + 1):
        for col in range(1, BLOCK_WIDTH + 1):
            # Column A holds the lines of text, which run over to the right: not wrapped.
            styles.apply(
                ws.cell(row, col),
                ("font", _BODY),
                ("alignment", _WRAP if col >= 2 else top),
                ("number_format", "0.00" if col >= 5 else None),
            )
    end = get_column_letter(BLOCK_WIDTH)
    area = f"A{first}:{end}{last}"
    a = f"$A{first}"
    header = DifferentialStyle(
        font=Font(bold=True, color="1F3864"), fill=_HEADER_FILL, border=_BORDER
    )
    ws.conditional_formatting.add(
        area, Rule(type="expression", formula=[f'{a}="{_BLOCK_HEADER}"'], dxf=header)
    )
    is_row = "OR(" + ",".join(f'{a}="{i}"' for i in APPENDIX_IDS) + ")"
    ws.conditional_formatting.add(
        area, Rule(type="expression", formula=[is_row], dxf=DifferentialStyle(border=_BORDER))
    )
    title = f'OR(LEFT({a},4)="Các ",LEFT({a},8)="Kết quả ")'
    ws.conditional_formatting.add(
        f"A{first}:A{last}",
        Rule(type="expression", formula=[title], dxf=DifferentialStyle(font=Font(bold=True))),
    )


def write_summary(
    wb: Workbook, ws: Worksheet, subtitle: str, years: PlanYears, plan_number: str = ""
) -> None:
    """The sheet "Chênh lệch": appendix totals, PL2 per field, charts (all formulas), the
    legend, and the styles of the block the button writes."""
    from kehoach.gaps.compute import hierarchy

    ws.sheet_format.defaultRowHeight = 15
    ws["A1"] = render(layout.GAPS_TITLE, years)
    ws["A1"].font = Font(name=FONT_NAME, bold=True, size=14)
    ws["A2"] = subtitle
    ws["A2"].font = Font(name=FONT_NAME, italic=True, size=11)
    for i, col in enumerate(layout.SUMMARY_COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = col.width
    _header(ws, layout.SUMMARY_HEADER_ROW, layout.SUMMARY_COLUMNS, years)
    lines = header_lines((render(c.header, years), c.width) for c in layout.SUMMARY_COLUMNS)
    ws.row_dimensions[layout.SUMMARY_HEADER_ROW].height = max(62, header_height(lines))
    rows = summary_rows()
    styles = CellStyles()
    for appendix_id, row in rows.items():
        values: dict[str, str | float] = {
            "appendix": appendix_id,
            "index": layout.INDEX_NAMES[appendix_id],
            **summary_formulas(
                appendix_id, row, _total_row(wb, appendix_id), _section_rows(wb, appendix_id)
            ),
        }
        for i, col in enumerate(layout.SUMMARY_COLUMNS, start=1):
            cell = ws.cell(row, i, values.get(col.key))
            number_format = col.number_format
            if appendix_id == SIPAS_APPENDIX and number_format == "0.00":
                number_format = SIPAS_FORMAT
            styles.apply(
                cell,
                ("number_format", number_format),
                ("border", _BORDER),
                ("alignment", _WRAP),
                ("font", _BODY),
            )
    note = legend_row()
    note_text = render(SUMMARY_NOTE, years)
    cell = ws.cell(note, 1, note_text)
    cell.font = Font(name=FONT_NAME, size=11, italic=True, color="404040")
    cell.alignment = _WRAP
    ws.merge_cells(
        start_row=note,
        start_column=1,
        end_row=note + LEGEND_ROWS - 1,
        end_column=len(layout.SUMMARY_COLUMNS),
    )
    # A merged cell never makes its rows taller: they share the legend's measured lines, on
    # the safe side (with Times New Roman as the workbook's default font a unit of column
    # width is narrower than the estimate's, so a line holds about a fifth less).
    width = 0.8 * sum(c.width for c in layout.SUMMARY_COLUMNS)
    lines = wrapped_lines(note_text, width)
    for r in range(note, note + LEGEND_ROWS):
        ws.row_dimensions[r].height = LINE_POINTS * lines / LEGEND_ROWS + 1

    header = _fields_header_row()
    ws.cell(header - 1, 1, render(LOST_BY_FIELD, years)).font = _BOLD
    _header(ws, header, layout.FIELD_COLUMNS, years)
    ws.row_dimensions[header].height = 47
    pl2 = layout.APPENDIX_SHEETS[layout.FIELDS_APPENDIX]
    cols = layout.APPENDIX_COLUMNS[layout.FIELDS_APPENDIX]
    kinds = row_kinds(wb[pl2], layout.FIELDS_APPENDIX)
    tree = hierarchy(kinds)
    sheet = quote_sheetname(pl2)
    name_width = layout.FIELD_COLUMNS[1].width
    assert layout.SUMMARY_COLUMNS[1].width >= name_width

    def ref(key: str, row: int) -> str:
        return f"{sheet}!{layout.column_letter(cols, key)}{row}"

    def span(key: str, rows: Sequence[int]) -> str:
        col = layout.column_letter(cols, key)
        return f"{sheet}!${col}${min(rows)}:${col}${max(rows)}"

    out_rows = field_rows(wb)
    for section, out in out_rows.items():
        kids = tree[section] or [section]
        f = {
            c.key: f"{layout.column_letter(layout.FIELD_COLUMNS, c.key)}{out}"
            for c in layout.FIELD_COLUMNS
        }
        values = {
            "tt": f"={ref('tt', section)}",
            "name": f"={ref('name', section)}",
            "max": f"=SUM({span('max', kids)})",
            "score_base": f"=SUM({span('score_base', kids)})",
            "lost_base_survey": f'=SUMIFS({span("lost_base", kids)},{span("survey", kids)},"x")',
            "lost_base_other": f"={f['lost_base']}-{f['lost_base_survey']}",
            "lost_base": f"=N({ref('lost_base', section)})",
        }
        for i, col in enumerate(layout.FIELD_COLUMNS, start=1):
            cell = ws.cell(out, i, values[col.key])
            cell.number_format = col.number_format
            cell.border = _BORDER
            cell.font = _BODY
            cell.alignment = _WRAP
        # The name is a formula: its height comes from the PL2 sheet's text, at the width of
        # column B (about 0.9 characters of Times New Roman 11 per unit of width, on the safe
        # side: with it as the default font a unit of width is narrower).
        name = str(wb[pl2][ref("name", section).split("!")[1]].value or "")
        lines = max(1, -(-len(name) // int(layout.SUMMARY_COLUMNS[1].width * 0.9)))
        ws.row_dimensions[out].height = 15 * lines + 1
    box = chart_rows(wb)
    _charts(ws, rows, out_rows, box, years)
    # Printed: the tables on a page, the charts on the next (a chart is never cut by a page
    # break), the button's block from a new page.
    ws.row_breaks.append(Break(id=box[0] - 1))
    ws.row_breaks.append(Break(id=layout.GAPS_BLOCK_ROW - 1))
    _style_block(ws, block_last_row(wb))
    ws.freeze_panes = f"C{layout.SUMMARY_HEADER_ROW + 1}"
    print_setup(ws, plan_number, landscape=True, title_rows="1:2")


def _charts(
    ws: Worksheet,
    rows: dict[str, int],
    fields: dict[int, int],
    box: tuple[int, int],
    years: PlanYears,
) -> None:
    columns = layout.SUMMARY_COLUMNS
    first, last = min(rows.values()), max(rows.values())
    top, bottom = box
    names = layout.column_index(columns, "index")
    pct = BarChart()
    pct.type = "col"
    pct.title = chart_title(render("% điểm tối đa: năm {base} và mục tiêu {target}", years))
    pct.y_axis.title = "% điểm tối đa"
    pct.y_axis.number_format = "0%"
    pct.y_axis.scaling.min = 0
    pct.y_axis.scaling.max = 1
    for key, color in (("pct_base", "A5A5A5"), ("pct_target", "2E7D32")):
        col = layout.column_index(columns, key)
        pct.add_data(
            Reference(ws, min_col=col, min_row=layout.SUMMARY_HEADER_ROW, max_row=last),
            titles_from_data=True,
        )
        pct.series[-1].graphicalProperties.solidFill = color
        pct.series[-1].graphicalProperties.line.solidFill = color
    pct.set_categories(Reference(ws, min_col=names, min_row=first, max_row=last))
    _axes(pct)
    split = CHART_SPLIT_COLUMN
    place_chart(ws, pct, top, 1, bottom, split - 1)

    if not fields:
        return
    lost = BarChart()
    lost.type = "bar"
    lost.grouping = "stacked"
    lost.overlap = 100
    lost.title = chart_title(render(LOST_BY_FIELD, years))
    header = _fields_header_row()
    f_first, f_last = min(fields.values()), max(fields.values())
    for key, color in (("lost_base_survey", "A5A5A5"), ("lost_base_other", "C00000")):
        col = layout.column_index(layout.FIELD_COLUMNS, key)
        lost.add_data(
            Reference(ws, min_col=col, min_row=header, max_row=f_last), titles_from_data=True
        )
        lost.series[-1].graphicalProperties.solidFill = color
        lost.series[-1].graphicalProperties.line.solidFill = color
    name = layout.column_index(layout.FIELD_COLUMNS, "name")
    lost.set_categories(Reference(ws, min_col=name, min_row=f_first, max_row=f_last))
    lost.x_axis.scaling.orientation = "maxMin"  # field I on top, as in the table
    lost.y_axis.title = "điểm"
    lost.y_axis.number_format = "0.00"
    _axes(lost)
    place_chart(ws, lost, top, split, bottom, len(columns))


def _axes(chart: BarChart) -> None:
    chart.legend.position = "b"
    chart.legend.txPr = text_properties(900)
    for axis in (chart.x_axis, chart.y_axis):
        axis.delete = False  # openpyxl 3.1 hides the axes otherwise
        axis.txPr = text_properties(800)
    chart.x_axis.tickLblSkip = 1  # every name, never every other one
