"""Gaps: how far the province is from each target, and where the points were lost.

Pure core (pandas, never xlwings). Input: the ``MasterState`` both shells build
(``state.master.read_state`` in the CLI, ``kehoach.xl.book_state`` in Excel); output: a
:class:`GapsReport` of DataFrames and dataclasses, JSON-able with ``to_dict``, and
:func:`gap_edits`, what the button "Tính chênh lệch" writes on the sheet "Chênh lệch".

The figures, per row of an appendix sheet (the same as the formulas that
``kehoach.gaps.sheet`` writes into the sheet, cell for cell):

- criterion rows: ``lost_base`` = max − base; ``pct_base`` = base / max; ``gap_target`` =
  target − base; ``result_target`` as typed; ``shortfall`` = max(0, target − result);
  ``change_base`` = result − base; ``achieved`` "Đạt" when ``shortfall`` rounds to 0 at 4
  decimals, "Chưa đạt" otherwise, "Không có mục tiêu số" when the criterion has no numeric
  target, empty without a result. The numeric target is: PL1 the max (PL1 lists criteria at
  full marks in the base year, so base = max = target there); PL2 the max for criteria not scored by
  survey, none for survey ones ("Điều tra XHH": the plan, body §II.2, targets full marks
  "trừ các tiêu chí điều tra xã hội học"); PL3 and PL4 the plan's number.
- section/total rows of PL3 and PL4 carry the plan's own max/base/target: their figures come
  from those, and their result aggregates the children's (PL3: mean, PL4: sum) once every
  child has one. Rows without own figures (PL1/PL2 sections, PL3 groups) aggregate their
  children's figures (PL1/PL2: sum of criteria; PL3 groups: mean of their sections), the
  ratio ``pct_base`` excepted (sum of base / sum of max).
- on every section, group and total row a number typed over the result formula (the indexes
  publish results per field, group, content index and in total) is that row's result, and the
  rows above aggregate it (``typed_or_children``); a typed row without own figures (PL1/PL2
  fields, PL3 groups) is measured against its children's targets, a child without a numeric
  target held at its base-year figure.

Appendix totals (the sheet "Chênh lệch" has them as SUMIFS/COUNTIFS formulas): max, base,
target from the total row where the plan gives one (PL3, PL4), else summed over criteria;
the PL2 target is the score if every targeted criterion reaches full marks and survey ones
stay as in the base year; ``lost_base`` = max − base, split for PAR INDEX (PL1, PL2) into survey
criteria and the others, the points the province can win back by its own actions.

Text in a number cell ("0,5" typed as text, "abc") raises WorkbookError naming the cell.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kehoach.common.celltext import EXCEL_ERRORS
from kehoach.common.errors import WorkbookError
from kehoach.common.planyears import PlanYears, render
from kehoach.common.untrusted_text import excerpt
from kehoach.plan.model import APPENDIX_IDS
from kehoach.sheets import layout
from kehoach.sheets.edits import (
    ClearRows,
    Edit,
    EnsureSheet,
    Link,
    NumberFormat,
    RowHeights,
    WriteValues,
)
from kehoach.sheets.geometry import LINE_POINTS, row_height
from kehoach.sheets.sheetdata import cell_ref, is_blank
from kehoach.state.master import MasterState

if TYPE_CHECKING:  # pandas takes a quarter of a second to import: only where a table is built
    import pandas as pd

FIGURES: tuple[str, ...] = (
    "max",
    "score_base",
    "target",
    "lost_base",
    "pct_base",
    "gap_target",
    "result_target",
    "achieved",
    "shortfall",
    "change_base",
)
ROW_FIELDS: tuple[str, ...] = ("kind", "id", "code", "name", "survey", *FIGURES)
TOTAL_FIELDS: tuple[str, ...] = (
    "criteria",
    "max",
    "score_base",
    "target",
    "lost_base",
    "lost_base_survey",
    "lost_base_other",
    "pct_base",
    "pct_target",
    "results",
    "achieved",
    "not_achieved",
    "result_target",
    "change_base",
    "result_achieved",
    "typed_levels",
)
ACHIEVED_DECIMALS = 4  # the plan writes scores to 4 decimals
GAPS_ALERT_TITLE = "Chênh lệch so với mục tiêu"
# What a typed section/group/total row is called in each appendix (PAR INDEX fields, SIPAS
# groups and criteria, PAPI content indexes), in the button's sentences.
LEVEL_WORDS: dict[str, str] = {
    "PL1": "dòng lĩnh vực",
    "PL2": "dòng lĩnh vực",
    "PL3": "dòng nhóm/tiêu chí/tổng",
    "PL4": "dòng chỉ số nội dung/tổng",
}


def hierarchy(kinds: Mapping[int, str]) -> dict[int, list[int]]:
    """Children of each section, group and total row, from the rows' kinds (layout keys).

    A section's children are its criteria; a group's, its sections; the total row's, every
    section. Task rows belong to nobody.
    """
    children: dict[int, list[int]] = {}
    total: int | None = None
    group: int | None = None
    section: int | None = None
    for row in sorted(kinds):
        kind = kinds[row]
        if kind == "total":
            total = row
            children[row] = []
        elif kind == "group":
            group = row
            children[row] = []
        elif kind == "section":
            section = row
            children[row] = []
            if group is not None:
                children[group].append(row)
            if total is not None:
                children[total].append(row)
        elif kind == "criterion" and section is not None:
            children[section].append(row)
    return children


def own_figures(appendix_id: str, kind: str) -> bool:
    """Whether a row's gap figures come from its own plan figures (else from its children)."""
    if kind == "criterion":
        return True
    return appendix_id in layout.OWN_FIGURE_APPENDICES and kind in ("section", "total")


@dataclass
class AppendixGaps:
    """The gap figures of one appendix: ``rows`` (index: Excel row) and its ``totals``.

    Computed in plain Python (``figures``; ``totals``); the tables ``rows`` and ``fields``
    are built from them when first asked for, so the verb's text needs no pandas."""

    id: str
    sheet: str
    figures: AppendixFigures
    totals: dict[str, float | int | str | None]

    @property
    def tree(self) -> Mapping[int, list[int]]:
        """The children of each row."""
        return self.figures.tree

    @property
    def typed(self) -> frozenset[int]:
        """The section, group and total rows whose result was typed."""
        return self.figures.typed

    @cached_property
    def rows(self) -> pd.DataFrame:
        """Columns ``ROW_FIELDS``; the criterion, section, group and total rows."""
        rows = _frame(self.figures.rows, columns=list(ROW_FIELDS))
        rows = rows.astype(object).where(rows.notna(), None)
        rows.index.name = "row"
        return rows

    @cached_property
    def fields(self) -> pd.DataFrame:
        """PL2: the points lost per field (section), split survey / other; empty otherwise."""
        if self.id != layout.FIELDS_APPENDIX:
            return _frame(None)
        frame = _frame(_fields(self.figures))
        frame.index.name = "row"
        return frame

    @property
    def criteria(self) -> pd.DataFrame:
        return self.rows[self.rows["kind"] == "criterion"]

    def to_dict(self) -> dict[str, Any]:
        def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
            return [
                {"row": int(row), **{k: _json(v) for k, v in values.items()}}
                for row, values in frame.iterrows()
            ]

        aggregates = self.rows[self.rows["kind"] != "criterion"]
        aggregates = aggregates.assign(
            result_typed=[int(str(r)) in self.typed for r in aggregates.index]
        )
        return {
            "id": self.id,
            "sheet": self.sheet,
            "aggregation": layout.AGGREGATION[self.id],
            "totals": {k: _json(v) for k, v in self.totals.items()},
            "sections": records(aggregates.drop(columns=["code", "survey"])),
            "criteria": records(self.criteria.drop(columns=["kind"])),
            **({"fields": records(self.fields)} if not self.fields.empty else {}),
        }


@dataclass
class GapsReport:
    appendices: dict[str, AppendixGaps]
    years: PlanYears
    file: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"appendices": [a.to_dict() for a in self.appendices.values()]}


def _json(value: Any) -> Any:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return value
    return str(value) if value != "" else None


# --- reading the cells -------------------------------------------------------------------------


class _Cells:
    def __init__(self, appendix_id: str, file: str | Path | None, years: PlanYears) -> None:
        self.appendix_id = appendix_id
        self.years = years
        self.sheet = layout.APPENDIX_SHEETS[appendix_id]
        self.columns = layout.APPENDIX_COLUMNS[appendix_id]
        self.file = file

    def number(self, value: Any, key: str, row: int) -> float | None:
        if is_blank(value):
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            header = render(
                self.columns[layout.column_index(self.columns, key) - 1].header, self.years
            )
            if isinstance(value, date):
                # A number typed where Excel's regional settings read it as a date ("8.5").
                what = (
                    f"ngày «{value:%d/%m/%Y}» (Excel đã hiểu số vừa gõ là ngày: đặt định dạng ô "
                    "về Number)"
                )
            elif isinstance(value, bool):
                what = f"giá trị đúng/sai «{'TRUE' if value else 'FALSE'}»"
            elif value in EXCEL_ERRORS:
                what = f"lỗi công thức «{value}» của Excel"
            elif is_formula(value):
                # Read outside Excel, a formula typed in an input cell has no value to take.
                what = f"công thức «{excerpt(str(value))}» (lệnh chạy ngoài Excel không tính nó)"
            else:
                what = f"chữ «{excerpt(str(value))}»"
            raise WorkbookError(
                f"cột «{header}» phải là số, đang là {what}. Hãy gõ lại số "
                "(dấu thập phân theo cài đặt của Excel) hoặc để trống.",
                file=self.file,
                sheet=self.sheet,
                cell=f"{layout.column_letter(self.columns, key)}{row}",
            )
        number = float(value)
        if math.isnan(number):
            return None
        return number


def _frame(rows: Mapping[Any, Any] | None, columns: list[str] | None = None) -> pd.DataFrame:
    """A DataFrame of ``rows`` (index → a mapping or a sequence of ``columns``); None: empty."""
    import pandas as pd

    if rows is None:
        return pd.DataFrame()
    return pd.DataFrame.from_dict(rows, orient="index", columns=columns)


def _agg(values: Sequence[float | None], how: str) -> float | None:
    numbers = [v for v in values if v is not None]
    if not numbers:
        return None
    total = math.fsum(numbers)
    return total / len(numbers) if how == "mean" else total


def is_formula(value: Any) -> bool:
    """A cell read with its formula (openpyxl without data_only): "=SUM(P5,P7)"."""
    return isinstance(value, str) and value.startswith("=")


def same_result(a: float, b: float) -> bool:
    """Equal up to the floating-point noise of Excel's and Python's sums."""
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def _all_agg(values: Sequence[float | None], how: str) -> float | None:
    """The aggregate when every value is there (a result counts once all children have one)."""
    if not values or any(v is None for v in values):
        return None
    return _agg(values, how)


def achieved_label(result: float | None, gap: float | None) -> str:
    if result is None:
        return ""
    if gap is None:
        return layout.NO_TARGET
    return layout.NOT_ACHIEVED if round(gap, ACHIEVED_DECIMALS) > 0 else layout.ACHIEVED


def _sub(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else a - b


def _ratio(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None or b == 0 else a / b


# --- the computation ---------------------------------------------------------------------------


@dataclass(frozen=True)
class AppendixFigures:
    """``appendix_gaps``' figures in plain Python (no pandas): ``rows``, Excel row → field of
    ``ROW_FIELDS`` → value, for the criterion, section, group and total rows in sheet order;
    ``tree`` and ``typed`` as ``AppendixGaps`` has them."""

    id: str
    sheet: str
    rows: Mapping[int, Mapping[str, Any]]
    tree: Mapping[int, list[int]]
    typed: frozenset[int]


def appendix_gaps(state: MasterState, appendix_id: str) -> AppendixGaps:
    """The gap figures of one appendix sheet (see the module's docstring for each figure)."""
    figures = appendix_figures(state, appendix_id)
    return AppendixGaps(
        appendix_id, figures.sheet, figures, _totals(appendix_id, figures.rows, figures.typed)
    )


def result_problems(state: MasterState, appendix_id: str) -> list[WorkbookError]:
    """Every typed "Kết quả năm <target>" of the appendix that is not a number, one error
    each, in row order (``appendix_figures`` stops at the first)."""
    cells = _Cells(appendix_id, state.file, state.years)
    out: list[WorkbookError] = []
    for row, data in state.records(layout.APPENDIX_SHEETS[appendix_id]).items():
        raw = data[layout.RESULT_KEY]
        kind = layout.KIND_ROWS.get(str(data["kind"]).strip()) if data["kind"] else None
        if is_formula(raw) and kind != "criterion":
            continue  # the program's formula of a section, group or total row
        try:
            cells.number(raw, layout.RESULT_KEY, int(str(row)))
        except WorkbookError as err:
            out.append(err)
    return out


def appendix_figures(state: MasterState, appendix_id: str) -> AppendixFigures:
    """The figures ``appendix_gaps`` tabulates, computed from the appendix sheet's cells
    (WorkbookError naming the cell when one cannot be read)."""
    file = state.file
    table = state.records(layout.APPENDIX_SHEETS[appendix_id])
    cells = _Cells(appendix_id, file, state.years)
    how = layout.AGGREGATION[appendix_id]
    kind_col = layout.column_letter(cells.columns, "kind")
    kinds: dict[int, str] = {}
    for row, row_cells in table.items():
        text = row_cells["kind"]
        kind = layout.KIND_ROWS.get(str(text).strip()) if text is not None else None
        if kind is None:
            raise WorkbookError(
                layout.bad_kind_text(cells.columns, int(str(row)), row_cells),
                file=file,
                sheet=cells.sheet,
                cell=f"{kind_col}{row}",
            )
        if kind != "task":
            kinds[int(str(row))] = kind
    tree = hierarchy(kinds)
    out: dict[int, dict[str, Any]] = {}
    typed: set[int] = set()
    records = table

    def typed_or_children(row: int) -> float | None:
        """The result of a section, group or total row: a number typed over its formula, else
        the children's aggregate once every child has a result. A number equal to that
        aggregate is what the formula shows (the button reads values, not formulas) and
        counts as not typed: the result is the same."""
        children = _all_agg([out[c]["result_target"] for c in tree[row]], how)
        raw = records[row][layout.RESULT_KEY]
        if is_formula(raw):
            return children
        value = cells.number(raw, layout.RESULT_KEY, row)
        if value is None or (children is not None and same_result(value, children)):
            return children
        typed.add(row)
        return value

    def base(row: int, kind: str) -> dict[str, Any]:
        data = records[row]
        survey = not is_blank(data["survey"]) and str(data["survey"]).strip().lower() == "x"
        return {
            "kind": kind,
            "id": "" if is_blank(data["id"]) else str(data["id"]),
            "code": "" if is_blank(data["code"]) else str(data["code"]),
            "name": "" if is_blank(data["name"]) else str(data["name"]),
            "survey": survey,
        }

    def own(row: int, kind: str) -> dict[str, Any]:
        data = records[row]
        rec = base(row, kind)
        max_ = cells.number(data["max"], "max", row)
        numeric_target = appendix_id in ("PL3", "PL4")
        if appendix_id == "PL1":
            s22 = max_  # PL1: the criteria kept full marks in the base year
            cells.number(data["score_base"], "score_base", row)  # text there is still an error
        else:
            s22 = cells.number(data["score_base"], "score_base", row)
        if numeric_target:
            target = cells.number(data["target"], "target", row)
        elif appendix_id == "PL2":
            target = None if rec["survey"] else max_
        else:
            target = max_
        if kind == "criterion":
            result = cells.number(data[layout.RESULT_KEY], layout.RESULT_KEY, row)
        else:
            result = typed_or_children(row)
        shortfall = None if result is None or target is None else max(0.0, target - result)
        rec.update(
            max=max_,
            score_base=s22,
            target=target,
            lost_base=_sub(max_, s22),
            pct_base=_ratio(s22, max_),
            gap_target=_sub(target, s22),
            result_target=result,
            shortfall=shortfall,
            change_base=_sub(result, s22),
            achieved=achieved_label(result, shortfall),
        )
        return rec

    def aggregate(row: int, kind: str) -> dict[str, Any]:
        rec = base(row, kind)
        kids = [out[c] for c in tree[row]]
        sum_max = math.fsum(k["max"] or 0.0 for k in kids)
        sum_s22 = math.fsum(k["score_base"] or 0.0 for k in kids)
        result = typed_or_children(row)
        score_base = _agg([k["score_base"] for k in kids], how)
        if result is None:
            shortfall = None
        elif row in typed:
            # Typed over the children's aggregate: against the children's targets, a child
            # without a numeric target (a PL2 survey criterion) held at its base-year score.
            goal = _agg(
                [k["score_base"] if k["target"] is None else k["target"] for k in kids], how
            )
            shortfall = None if goal is None else max(0.0, goal - result)
        else:
            shortfall = _agg([k["shortfall"] for k in kids], how)
        rec.update(
            max=_agg([k["max"] for k in kids], how),
            score_base=score_base,
            target=_agg([k["target"] for k in kids], how),
            lost_base=_agg([k["lost_base"] for k in kids], how),
            pct_base=None if sum_max == 0 else sum_s22 / sum_max,
            gap_target=_agg([k["gap_target"] for k in kids], how),
            result_target=result,
            shortfall=shortfall,
            change_base=_sub(result, score_base),
            achieved=achieved_label(result, shortfall),
        )
        return rec

    # Children before parents: criteria, then sections, then groups and the total.
    for order in ("criterion", "section", "group", "total"):
        for row, kind in kinds.items():
            if kind == order:
                out[row] = (
                    own(row, kind) if own_figures(appendix_id, kind) else aggregate(row, kind)
                )
    rows = {row: {k: out[row][k] for k in ROW_FIELDS} for row in sorted(out)}
    return AppendixFigures(appendix_id, cells.sheet, rows, tree, frozenset(typed))


def _totals(
    appendix_id: str, rows: Mapping[int, Mapping[str, Any]], typed: frozenset[int]
) -> dict[str, float | int | str | None]:
    crit = [r for r in rows.values() if r["kind"] == "criterion"]
    totals_rows = [r for r in rows.values() if r["kind"] == "total"]

    def col_sum(records: list[Mapping[str, Any]], key: str) -> float:
        return math.fsum(r[key] for r in records if r[key] is not None)

    survey = [r for r in crit if r["survey"]]
    results = [r["result_target"] for r in crit if r["result_target"] is not None]
    if appendix_id in layout.OWN_FIGURE_APPENDICES and totals_rows:
        top = totals_rows[0]
        max_, s22, target = top["max"], top["score_base"], top["target"]
        result = top["result_target"]
    else:
        max_ = col_sum(crit, "max")
        s22 = max_ if appendix_id == "PL1" else col_sum(crit, "score_base")
        if appendix_id == "PL2":
            target = max_ - col_sum(survey, "max") + col_sum(survey, "score_base")
        else:
            target = max_
        # The sum of the fields' results: typed for a field, or summed from its criteria.
        fields = [r["result_target"] for r in rows.values() if r["kind"] == "section"]
        complete = bool(fields) and all(v is not None for v in fields)
        result = math.fsum(fields) if complete else None
    lost = _sub(max_, s22)
    gap = None if result is None or target is None else max(0.0, target - result)
    split = appendix_id in layout.SURVEY_SPLIT_APPENDICES
    lost_survey = (0.0 if appendix_id == "PL1" else col_sum(survey, "lost_base")) if split else None
    return {
        "criteria": len(crit),
        "max": max_,
        "score_base": s22,
        "target": target,
        "lost_base": lost,
        "lost_base_survey": lost_survey,
        "lost_base_other": _sub(lost, lost_survey),
        "pct_base": _ratio(s22, max_),
        "pct_target": _ratio(target, max_),
        "results": len(results),
        "achieved": sum(1 for r in crit if r["achieved"] == layout.ACHIEVED),
        "not_achieved": sum(1 for r in crit if r["achieved"] == layout.NOT_ACHIEVED),
        "result_target": result,
        "change_base": _sub(result, s22),
        "result_achieved": achieved_label(result, gap) or None,
        "typed_levels": len(typed),
    }


def _fields(figures: AppendixFigures) -> dict[int, dict[str, Any]]:
    """Points lost in the base year per field (section) of PL2, split survey / other."""
    rows = figures.rows
    out: dict[int, dict[str, Any]] = {}
    for row, data in rows.items():
        if data["kind"] != "section":
            continue
        kids = [rows[k] for k in figures.tree[row]]
        lost_survey = math.fsum(
            k["lost_base"] for k in kids if k["survey"] and k["lost_base"] is not None
        )
        lost = data["lost_base"]
        out[row] = {
            "id": data["id"],
            "name": data["name"],
            "max": data["max"],
            "score_base": data["score_base"],
            "lost_base_survey": lost_survey,
            "lost_base_other": (lost or 0.0) - lost_survey,
            "lost_base": lost,
        }
    return out


# The sheets compute_gaps reads (``sheetdata.workbook_values(path, sheets=...)``).
SHEETS_READ: tuple[str, ...] = tuple(layout.APPENDIX_SHEETS[a] for a in APPENDIX_IDS)


def compute_gaps(state: MasterState) -> GapsReport:
    """The gap figures of every appendix (from the sheets of ``SHEETS_READ``). Raises
    WorkbookError for a damaged plan sheet."""
    file = state.file
    return GapsReport(
        {a: appendix_gaps(state, a) for a in APPENDIX_IDS},
        state.years,
        file=None if file is None else str(file),
    )


# --- what the button writes --------------------------------------------------------------------


def number_text(value: object, digits: int = 2) -> str:
    """ "12,34": a number as Vietnamese text (decimal comma), "" for anything else (None)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return ""
    text = f"{value:,.{digits}f}"
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


def summary_lines(report: GapsReport) -> list[str]:
    """One sentence per appendix: the totals at a glance (the alert and the sheet use them)."""
    lines: list[str] = []
    y = report.years
    for a in report.appendices.values():
        t = a.totals
        unit = "%" if a.id == "PL3" else " điểm"
        text = (
            f"{a.id}: năm {y.base} đạt {number_text(t['score_base'])}/{number_text(t['max'])}"
            f"{unit}, mục tiêu {y.target} {number_text(t['target'])}{unit}"
        )
        if a.id == "PL1":
            text += " (giữ điểm tối đa)"
        elif t["lost_base_survey"] is not None:
            text += (
                f"; bị mất {number_text(t['lost_base'])} điểm, trong đó "
                f"{number_text(t['lost_base_survey'])} ở tiêu chí điều tra XHH và "
                f"{number_text(t['lost_base_other'])} ở tiêu chí khác (tỉnh tự khắc phục được)"
            )
        else:
            text += f"; còn thiếu {number_text(t['lost_base'])}{unit} so với tối đa"
        if t["results"]:
            text += (
                f". Kết quả {y.target} đã nhập {t['results']}/{t['criteria']} tiêu chí: "
                f"đạt {t['achieved']}, chưa đạt {t['not_achieved']}"
            )
        if t["typed_levels"]:
            text += f". Kết quả {y.target} nhập ở {t['typed_levels']} {LEVEL_WORDS[a.id]}"
        if t["result_target"] is not None:
            text += (
                f". Kết quả {y.target} cả phụ lục: {number_text(t['result_target'])}{unit} "
                f"({str(t['result_achieved']).lower()} mục tiêu)"
            )
        lines.append(text + ".")
    return lines


# The blocks the button writes: the name in column B (wide, wrapped, shared with the names of
# the tables above), the code in column C as a link to its row.
LINK_COLUMN = "C"
BLOCK_HEADERS: tuple[str, ...] = (
    "Phụ lục",
    "Tên tiêu chí",
    "Mã tiêu chí",
    "Điều tra XHH",
    "Điểm tối đa",
    "Năm {base}",
    "Bị mất năm {base}",
    "Còn thiếu so với mục tiêu",
    "Kết quả năm {target}",
    "Đạt mục tiêu {target}?",
    "Còn thiếu ({target})",
)


def _problems(report: GapsReport) -> list[tuple[str, int, str]]:
    """Typed target-year results outside 0..max, on criteria and on typed section, group and total
    rows: (appendix, row, message)."""
    out: list[tuple[str, int, str]] = []
    for a in report.appendices.values():
        for row, c in a.figures.rows.items():
            if c["kind"] != "criterion" and row not in a.typed:
                continue
            result, max_ = c["result_target"], c["max"]
            if result is None:
                continue
            if result < 0 or (max_ is not None and result > max_):
                out.append(
                    (
                        a.id,
                        row,
                        f"Kết quả năm {report.years.target} ({number_text(result, 4)}) "
                        "nằm ngoài khoảng "
                        f"0..{number_text(max_, 4)}.",
                    )
                )
    return out


def gap_edits(report: GapsReport, top_n: int = layout.GAPS_TOP_N) -> list[Edit]:
    """What the button writes on the summary sheet, from row ``layout.GAPS_BLOCK_ROW`` down.

    The totals in words, the typed target-year results that are out of range, then per
    appendix the criteria that lost most points in the base year (top ``top_n``) and, once
    results are typed, those still short of their target, each with a link to its row.
    """
    sheet = layout.GAPS_SHEET
    edits: list[Edit] = [EnsureSheet(sheet), ClearRows(sheet, layout.GAPS_BLOCK_ROW)]
    row = layout.GAPS_BLOCK_ROW
    rows: list[list[Any]] = [["Kết quả bấm nút «Tính chênh lệch» (tính lại mỗi lần bấm)"]]
    rows += [[line] for line in summary_lines(report)]
    problems = _problems(report)
    rows.append([None])
    y = report.years
    rows.append([f"Kết quả năm {y.target} cần xem lại: {len(problems) or 'không có'}"])
    edits.append(WriteValues(sheet, f"A{row}", rows))
    row += len(rows)
    for appendix_id, source_row, message in problems:
        a = report.appendices[appendix_id]
        source = a.figures.rows[source_row]
        code = source["code"] or source["id"]
        col = layout.column_letter(layout.APPENDIX_COLUMNS[appendix_id], layout.RESULT_KEY)
        label = criterion_label(appendix_id, str(code), str(source["id"]))
        edits.append(WriteValues(sheet, f"A{row}", [[appendix_id, message, None]]))
        edits.append(Link(sheet, f"{LINK_COLUMN}{row}", cell_ref(a.sheet, col, source_row), label))
        row += 1
    for title, pick in (
        (f"bị mất nhiều điểm nhất năm {y.base}", _top_lost),
        (f"chưa đạt mục tiêu {y.target}, xếp theo phần còn thiếu", _top_short),
    ):
        picked = [(a, pick(a, top_n)) for a in report.appendices.values()]
        picked = [(a, p) for a, p in picked if p]
        if not picked:
            continue
        row += 1
        edits.append(
            WriteValues(sheet, f"A{row}", [[f"Các tiêu chí {title} (tối đa {top_n} mỗi phụ lục)"]])
        )
        row += 1
        edits.append(WriteValues(sheet, f"A{row}", [[render(h, y) for h in BLOCK_HEADERS]]))
        row += 1
        for a, chosen in picked:
            for source_row, c in chosen:
                edits.append(WriteValues(sheet, f"A{row}", [_block_row(a.id, c)]))
                label = criterion_label(a.id, str(c["code"] or ""), str(c["id"]))
                target = cell_ref(a.sheet, "A", source_row)
                edits.append(Link(sheet, f"{LINK_COLUMN}{row}", target, label))
                row += 1
    levels = [(a, _level_results(a)) for a in report.appendices.values()]
    levels = [(a, chosen) for a, chosen in levels if chosen]
    if levels:
        row += 1
        edits.append(WriteValues(sheet, f"A{row}", [[render(LEVELS_TITLE, y)]]))
        row += 1
        edits.append(WriteValues(sheet, f"A{row}", [[render(h, y) for h in LEVEL_HEADERS]]))
        row += 1
        for a, chosen in levels:
            for number, c in chosen:
                typed = "Có" if number in a.typed else "Không"
                edits.append(WriteValues(sheet, f"A{row}", [_level_row(a, number, c, typed)]))
                target = cell_ref(a.sheet, "A", number)
                edits.append(Link(sheet, f"{LINK_COLUMN}{row}", target, str(c["id"])))
                row += 1
    edits.append(_block_heights(edits))
    edits.extend(_block_formats(edits))
    return edits


# Points with 2 decimals; SIPAS (PL3) in percent (75.24 is 75.24 %).
BLOCK_NUMBER_FORMAT = "0.00"
SIPAS_NUMBER_FORMAT = '0.00" %"'


def _block_formats(edits: Sequence[Edit]) -> list[NumberFormat]:
    """Number formats of the block's table rows (from column E), by appendix; every row,
    since a row keeps its format from the previous click."""
    out: list[NumberFormat] = []
    for edit in edits:
        if isinstance(edit, WriteValues) and edit.cell.startswith("A"):
            top = int(edit.cell[1:])
            for i, values in enumerate(edit.rows):
                if len(values) > 4 and values[0] in APPENDIX_IDS:
                    fmt = SIPAS_NUMBER_FORMAT if values[0] == "PL3" else BLOCK_NUMBER_FORMAT
                    out.append(NumberFormat(layout.GAPS_SHEET, f"E{top + i}:K{top + i}", fmt))
    return out


def _block_heights(edits: Sequence[Edit]) -> RowHeights:
    """Heights of the rows written from ``layout.GAPS_BLOCK_ROW``: column A's lines run over to
    the right; names and headers wrap at the widths of the sheet's columns."""
    widths: list[float | None] = [None, *(c.width for c in layout.SUMMARY_COLUMNS[1:])]
    heights: dict[int, float] = {}
    for edit in edits:
        if isinstance(edit, WriteValues) and edit.cell.startswith("A"):
            top = int(edit.cell[1:])
            for i, values in enumerate(edit.rows):
                height = row_height(values, widths)
                if values and values[0] == BLOCK_HEADERS[0]:  # bold headers: 3 lines
                    height = max(height, 3 * LINE_POINTS + 2)
                heights[top + i] = max(heights.get(top + i, 0.0), height)
    first = layout.GAPS_BLOCK_ROW
    last = max(heights, default=first)
    return RowHeights(
        layout.GAPS_SHEET, first, [heights.get(r, LINE_POINTS + 1) for r in range(first, last + 1)]
    )


LEVELS_TITLE = (
    "Kết quả năm {target} theo lĩnh vực, nhóm, chỉ số nội dung và cả phụ lục "
    "(số nhập ở dòng đó, hoặc tính từ các dòng con)"
)
LEVEL_HEADERS: tuple[str, ...] = (
    "Phụ lục",
    "Tên",
    "Dòng",
    "Nhập trực tiếp?",
    "Điểm tối đa",
    "Năm {base}",
    "Mục tiêu năm {target}",
    "Kết quả năm {target}",
    "Đạt mục tiêu {target}?",
    "Còn thiếu ({target})",
    "Thay đổi so với {base}",
)


Picked = list[tuple[int, Mapping[str, Any]]]  # (Excel row, its figures), in the order shown


def _level_results(a: AppendixGaps) -> Picked:
    """The total, group and section rows that have a target-year result, in sheet order."""
    return [
        (row, c)
        for row, c in a.figures.rows.items()
        if c["kind"] != "criterion" and c["result_target"] is not None
    ]


def level_goal(a: AppendixGaps, row: int) -> float | None:
    """What a total, group or section row's target-year result is measured against: its own target
    (PL3, PL4), else its children's, a child without a numeric target (a PL2 survey
    criterion) held at its base-year figure, as for a typed result."""
    rows = a.figures.rows
    c = rows[row]
    if own_figures(a.id, str(c["kind"])):
        return c["target"]  # type: ignore[no-any-return]
    kids = [rows[k] for k in a.tree.get(row, [])]
    goals = [k["score_base"] if k["target"] is None else k["target"] for k in kids]
    return _agg(goals, layout.AGGREGATION[a.id])


def _level_row(a: AppendixGaps, row: int, c: Mapping[str, Any], typed: str) -> list[Any]:
    return [
        a.id,
        c["name"],
        None,  # the link
        typed,
        c["max"],
        c["score_base"],
        level_goal(a, row),
        c["result_target"],
        c["achieved"] or None,
        c["shortfall"],
        c["change_base"],
    ]


def criterion_label(appendix_id: str, code: str, row_id: str) -> str:
    """A criterion's code as the blocks show it: SIPAS (PL3) numbers its criteria again in each
    group, so its codes take the group ("I.3.5", "II.3.5", from the id "PL3-II-3.5")."""
    if appendix_id == "PL3":
        parts = row_id.split("-")
        if len(parts) == 3 and parts[2] == code:
            return f"{parts[1]}.{code}"
    return code or row_id


def _block_row(appendix_id: str, c: Mapping[str, Any]) -> list[Any]:
    return [
        appendix_id,
        c["name"],
        None,  # the link
        layout.SURVEY_MARK if c["survey"] else None,
        c["max"],
        c["score_base"],
        c["lost_base"],
        c["gap_target"],
        c["result_target"],
        c["achieved"] or None,
        c["shortfall"],
    ]


def _ranking_key(value: Any) -> float:
    """A figure as a ranking key: 0 when it is not a number."""
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        return 0.0
    return float(value)


def _top_lost(a: AppendixGaps, n: int) -> Picked:
    scale = 10.0**ACHIEVED_DECIMALS  # rounded as numpy rounds: rint(x * 10^d) / 10^d
    ranked = [
        (row, c)
        for row, c in a.figures.rows.items()
        if c["kind"] == "criterion" and round(_ranking_key(c["lost_base"]) * scale) / scale > 0
    ]
    ranked.sort(key=lambda rc: _ranking_key(rc[1]["lost_base"]), reverse=True)  # stable
    return ranked[:n]


def top_lost(a: AppendixGaps, n: int) -> pd.DataFrame:
    """The ``n`` criteria of ``a`` that lost most points the year before, most first."""
    return a.rows.loc[[row for row, _ in _top_lost(a, n)]]


def _top_short(a: AppendixGaps, n: int) -> Picked:
    ranked = [
        (row, c)
        for row, c in a.figures.rows.items()
        if c["kind"] == "criterion" and c["achieved"] == layout.NOT_ACHIEVED
    ]
    ranked.sort(key=lambda rc: _ranking_key(rc[1]["shortfall"]), reverse=True)  # stable
    return ranked[:n]


def alert_text(report: GapsReport) -> str:
    """The short message the button shows."""
    problems = _problems(report)
    tail = (
        f"\n{len(problems)} kết quả năm {report.years.target} nằm ngoài khoảng cho phép: xem trang "
        f"'{layout.GAPS_SHEET}'."
        if problems
        else ""
    )
    return (
        "\n".join(summary_lines(report))
        + f"\nChi tiết: trang '{layout.GAPS_SHEET}' từ dòng {layout.GAPS_BLOCK_ROW}."
        + tail
    )
