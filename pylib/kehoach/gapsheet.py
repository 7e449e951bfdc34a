"""The gap columns and the sheet "Chênh lệch" as Excel formulas, written at build time.

Everything here is a cell that depends only on other cells, so it is a formula and follows
what officials type; ``kehoach.gaps`` computes the same figures in Python (a LibreOffice test
recalculates the built workbook and compares every formula with the core, to 1e-9).

Appendix sheets (columns from ``layout.GAP_HEADERS``), row by row:

- "Kết quả năm 2023" is an input cell on every row but a task's (light yellow, unlocked; data
  validation decimal 0..max where the row has a max); on criterion rows it starts empty, on
  section, group and total rows it holds the aggregate of the children's results, and a number
  typed over that formula is the row's result (``kehoach.gaps``);
- criterion rows: the other gap cells are formulas over the row's max (E), 2022 (F), target
  (G), "Điều tra XHH" (H) and result;
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
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from kehoach import layout
from kehoach.model import APPENDIX_IDS

_INPUT_FILL = PatternFill("solid", fgColor=layout.INPUT_FILL)
_HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")
_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="top")
_HEADER_ALIGN = Alignment(wrap_text=True, vertical="center", horizontal="center")
SUMMARY_NOTE = (
    "PL1: các tiêu chí đạt điểm tối đa năm 2022, mục tiêu là giữ điểm tối đa. "
    "PL2: mục tiêu là điểm tối đa trừ tiêu chí điều tra XHH (giữ như 2022). "
    "PL3 (%, trung bình) và PL4: số liệu dòng Tổng của kế hoạch. "
    "Nhập kết quả năm 2023 vào cột nền vàng của từng phụ lục."
)


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
        """The 2022 figure: PL1 kept full marks, so its 2022 is the max."""
        return self.ref("max" if self.id == "PL1" else "score_2022", row)

    def achieved(self, row: int) -> str:
        r, d = self.ref(layout.RESULT_KEY, row), self.ref("gap_2023", row)
        return (
            f'=IF({r}="","",IF({d}="",{_q(layout.NO_TARGET)},'
            f"IF(ROUND({d},4)>0,{_q(layout.NOT_ACHIEVED)},{_q(layout.ACHIEVED)})))"
        )

    def own(self, row: int, children: Sequence[int] | None) -> dict[str, str]:
        """Formulas of a criterion row (children None) or of a row with its own figures."""
        e, f, g = self.ref("max", row), self.ref("score_2022", row), self.ref("target", row)
        r = self.ref(layout.RESULT_KEY, row)
        target, no_target = self.target_ref(row)
        base = self.base_ref(row)
        out = {
            "lost_2022": f'=IF(COUNT({e},{f})<2,"",{e}-{f})',
            "pct_2022": f'=IF(COUNT({e},{f})<2,"",IF({e}=0,"",{f}/{e}))',
            "gap_target": (
                f'=IF(OR({self.ref("survey", row)}="x",COUNT({e},{f})<2),"",{e}-{f})'
                if self.id == "PL2"
                else f'=IF(COUNT({f},{g})<2,"",{g}-{f})'
            ),
            "achieved": self.achieved(row),
            "gap_2023": f'=IF(OR({r}="",{no_target}),"",MAX(0,{target}-{r}))',
            "change_2022": f'=IF(OR({r}="",{base}=""),"",{r}-{base})',
        }
        if children is not None:
            cells = self.cells(layout.RESULT_KEY, children)
            out[layout.RESULT_KEY] = f'=IF(COUNT({cells})<{len(children)},"",{self.how}({cells}))'
        return {k: v for k, v in out.items() if k in self.keys}

    def goal(self, row: int) -> str:
        """A child's 2023 goal when its parent's result is typed: its numeric target, or its
        2022 figure where it has none (PL2 survey criteria are held as in 2022)."""
        e, f, g, h = (self.ref(k, row) for k in ("max", "score_2022", "target", "survey"))
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
        maxes, s22s = self.cells("max", children), self.cells("score_2022", children)
        if self.id == "PL1":
            s22s = maxes
        # A number typed over the result formula: the children's results are incomplete, or
        # their aggregate is another number (kehoach.gaps.same_result's tolerance). Then the
        # gap is taken against the children's targets, a child without one at its 2022 figure.
        n = len(children)
        aggregate = f"{how}({results})"
        # IF, not OR: the AVERAGE of no results is #DIV/0!, which OR would pass on.
        near = f"1E-9*MAX(1,ABS({r}),ABS({aggregate}))"
        typed = f"IF(COUNT({results})<{n},TRUE,ABS({r}-{aggregate})>{near})"
        goal = f"{how}({','.join(self.goal(c) for c in children)})"
        out: dict[str, Callable[[], str]] = {
            "lost_2022": lambda: "=" + agg("lost_2022"),
            "pct_2022": lambda: f'=IF(SUM({maxes})=0,"",SUM({s22s})/SUM({maxes}))',
            "gap_target": lambda: "=" + agg("gap_target"),
            layout.RESULT_KEY: lambda: f'=IF(COUNT({results})<{n},"",{aggregate})',
            "achieved": lambda: self.achieved(row),
            "gap_2023": lambda: f'=IF({r}="","",IF({typed},MAX(0,{goal}-{r}),{agg("gap_2023")}))',
            "change_2022": lambda: f'=IF({r}="","",{r}-{how}({s22s}))',
        }
        return {k: make() for k, make in out.items() if k in self.keys}


def write_gap_cells(ws: Worksheet, appendix_id: str) -> None:
    """Fill the gap columns of an appendix sheet written by ``kehoach.master``."""
    from kehoach.gaps import hierarchy, own_figures  # imports pandas: only when building

    formulas = _Formulas(appendix_id)
    kinds = row_kinds(ws, appendix_id)
    tree = hierarchy(kinds)
    result_col = layout.column_index(formulas.columns, layout.RESULT_KEY)
    max_col = layout.column_index(formulas.columns, "max")
    validations: dict[float, DataValidation] = {}
    for row, kind in kinds.items():
        # Every level takes a typed result (the indexes publish per field, group, content
        # index and in total): an input cell, holding the children's aggregate by default.
        result = ws.cell(row, result_col)
        result.fill = _INPUT_FILL
        result.protection = Protection(locked=False)
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
                    errorTitle="Kết quả năm 2023",
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
    ``sections``: its section rows; without a total row, the 2023 result is their sum (each
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
        out["score_2022"] = "=" + sumifs("score_2022", total)
        out["target"] = "=" + sumifs("target", total)
        # The total row's own cell: it is "" until every child has a result.
        sheet = quote_sheetname(layout.APPENDIX_SHEETS[appendix_id])
        col = layout.column_letter(layout.APPENDIX_COLUMNS[appendix_id], layout.RESULT_KEY)
        out["result_2023"] = f"={sheet}!{col}{total_row}"
    else:
        out["max"] = "=" + sumifs("max", crit)
        if appendix_id == "PL1":
            out["score_2022"] = f"={c['max']}"
            out["target"] = f"={c['max']}"
        else:
            out["score_2022"] = "=" + sumifs("score_2022", crit)
            out["target"] = (
                f"={c['max']}-{sumifs('max', crit, is_survey)}"
                f"+{sumifs('score_2022', crit, is_survey)}"
            )
        if sections:
            sheet = quote_sheetname(layout.APPENDIX_SHEETS[appendix_id])
            col = layout.column_letter(layout.APPENDIX_COLUMNS[appendix_id], layout.RESULT_KEY)
            refs = ",".join(f"{sheet}!{col}{r}" for r in sections)
            out["result_2023"] = f'=IF(COUNT({refs})<{len(sections)},"",SUM({refs}))'
        else:
            out["result_2023"] = (
                f'=IF(OR({c["results"]}=0,{c["results"]}<{c["criteria"]}),"",'
                f"{sumifs(layout.RESULT_KEY, crit)})"
            )
    out["lost_2022"] = f"={c['max']}-{c['score_2022']}"
    if appendix_id == "PL1":
        out["lost_2022_survey"] = 0.0
        out["lost_2022_other"] = f"={c['lost_2022']}-{c['lost_2022_survey']}"
    elif appendix_id in layout.SURVEY_SPLIT_APPENDICES:
        out["lost_2022_survey"] = "=" + sumifs("lost_2022", crit, is_survey)
        out["lost_2022_other"] = f"={c['lost_2022']}-{c['lost_2022_survey']}"
    out["pct_2022"] = f'=IF({c["max"]}=0,"",{c["score_2022"]}/{c["max"]})'
    out["pct_target"] = f'=IF({c["max"]}=0,"",{c["target"]}/{c["max"]})'
    result = _sheet_col(appendix_id, layout.RESULT_KEY)
    achieved = _sheet_col(appendix_id, "achieved")
    out["results"] = f'=COUNTIFS({kind},{crit},{result},"<>")'
    out["achieved"] = f"=COUNTIFS({kind},{crit},{achieved},{_q(layout.ACHIEVED)})"
    out["not_achieved"] = f"=COUNTIFS({kind},{crit},{achieved},{_q(layout.NOT_ACHIEVED)})"
    out["change_2022"] = f'=IF({c["result_2023"]}="","",{c["result_2023"]}-{c["score_2022"]})'
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


def _header(ws: Worksheet, row: int, columns: Sequence[layout.Column]) -> None:
    for i, col in enumerate(columns, start=1):
        cell = ws.cell(row, i, col.header)
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        cell.alignment = _HEADER_ALIGN
        cell.border = _BORDER


def write_summary(wb: Workbook, ws: Worksheet, subtitle: str) -> None:
    """The sheet "Chênh lệch": appendix totals, PL2 per field, charts (all formulas)."""
    from kehoach.gaps import hierarchy

    ws["A1"] = layout.GAPS_TITLE
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = subtitle
    ws["A2"].font = Font(italic=True)
    for i, col in enumerate(layout.SUMMARY_COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = col.width
    _header(ws, layout.SUMMARY_HEADER_ROW, layout.SUMMARY_COLUMNS)
    ws.row_dimensions[layout.SUMMARY_HEADER_ROW].height = 60
    rows = summary_rows()
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
            cell.number_format = col.number_format
            cell.border = _BORDER
            cell.alignment = _WRAP
    note = max(rows.values()) + 1
    ws.cell(note, 1, SUMMARY_NOTE).font = Font(italic=True, color="595959")

    header = _fields_header_row()
    ws.cell(header - 1, 1, "Điểm bị mất năm 2022 theo lĩnh vực (PL2)").font = Font(bold=True)
    _header(ws, header, layout.FIELD_COLUMNS)
    ws.row_dimensions[header].height = 45
    pl2 = layout.APPENDIX_SHEETS[layout.FIELDS_APPENDIX]
    cols = layout.APPENDIX_COLUMNS[layout.FIELDS_APPENDIX]
    kinds = row_kinds(wb[pl2], layout.FIELDS_APPENDIX)
    tree = hierarchy(kinds)
    sheet = quote_sheetname(pl2)

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
            "score_2022": f"=SUM({span('score_2022', kids)})",
            "lost_2022_survey": f'=SUMIFS({span("lost_2022", kids)},{span("survey", kids)},"x")',
            "lost_2022_other": f"={f['lost_2022']}-{f['lost_2022_survey']}",
            "lost_2022": f"=N({ref('lost_2022', section)})",
        }
        for i, col in enumerate(layout.FIELD_COLUMNS, start=1):
            cell = ws.cell(out, i, values[col.key])
            cell.number_format = col.number_format
            cell.border = _BORDER
    _charts(ws, rows, out_rows)
    ws.freeze_panes = f"C{layout.SUMMARY_HEADER_ROW + 1}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _charts(ws: Worksheet, rows: dict[str, int], fields: dict[int, int]) -> None:
    columns = layout.SUMMARY_COLUMNS
    first, last = min(rows.values()), max(rows.values())
    cats = Reference(ws, min_col=1, min_row=first, max_row=last)
    pct = BarChart()
    pct.type = "col"
    pct.title = "Tỷ lệ so với điểm tối đa: năm 2022 và mục tiêu 2023"
    pct.y_axis.title = "% điểm tối đa"
    pct.y_axis.number_format = "0%"
    pct.y_axis.scaling.min = 0
    pct.y_axis.scaling.max = 1
    for key in ("pct_2022", "pct_target"):
        col = layout.column_index(columns, key)
        pct.add_data(
            Reference(ws, min_col=col, min_row=layout.SUMMARY_HEADER_ROW, max_row=last),
            titles_from_data=True,
        )
    pct.set_categories(cats)
    pct.width, pct.height = 16, 8
    anchor = get_column_letter(len(columns) + 2)
    ws.add_chart(pct, f"{anchor}{layout.SUMMARY_HEADER_ROW}")

    if not fields:
        return
    lost = BarChart()
    lost.type = "bar"
    lost.grouping = "stacked"
    lost.overlap = 100
    lost.title = "Điểm bị mất năm 2022 theo lĩnh vực (PL2)"
    header = _fields_header_row()
    f_first, f_last = min(fields.values()), max(fields.values())
    for key in ("lost_2022_survey", "lost_2022_other"):
        col = layout.column_index(layout.FIELD_COLUMNS, key)
        lost.add_data(
            Reference(ws, min_col=col, min_row=header, max_row=f_last), titles_from_data=True
        )
    lost.set_categories(Reference(ws, min_col=1, min_row=f_first, max_row=f_last))
    lost.y_axis.title = "điểm"
    lost.width, lost.height = 16, 8
    ws.add_chart(lost, f"{anchor}{layout.SUMMARY_HEADER_ROW + 17}")
