"""Rules about the figures of the appendix sheets: types, ranges, hierarchy, targeting rules.

Rounding tolerance. A figure printed with d decimals stands for any value within half a unit of
its last decimal, u = 0.5·10⁻ᵈ (d from the column's number format in ``layout``: two decimals
for PL1, PL3, PL4, four for PL2). So:

- a sum of n printed children may differ from the printed parent by up to u·(n + 1)
  (each child's rounding, and the parent's);
- a mean of printed children, by up to 2u (the mean's rounding is at most u, plus the parent's);
- "target = base + k" and "target = max", by up to 2u (two printed values, k exact).

With two decimals: a parent 0.01 off the mean of its children, or a target 0.01 off
base + 0.50, is not flagged; 0.02 off is. A ``dung_sai`` parameter on the rule's row in the
"Quy tắc" sheet replaces the derived tolerance by a fixed one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from kehoach.checks.context import (
    FIGURE_KEYS,
    FIGURE_LEVELS,
    CheckContext,
    blank,
    fmt_number,
    number,
    text,
    value_decimals,
)
from kehoach.checks.findings import Finding
from kehoach.checks.rules import Rule
from kehoach.sheets import layout

_EPSILON = 1e-9
# A number someone typed as text: "1,5", "1.5", " 85,24 ", "75,24%".
_TEXT_NUMBER = re.compile(r"\s*[+-]?[0-9]+(?:[.,][0-9]+)?\s*%?\s*")


def _decimals(ctx: CheckContext, appendix: str, key: str, values: list[float]) -> int:
    printed = layout.decimals(ctx.column(appendix, key))
    if printed is not None:
        return printed
    return max((value_decimals(v) for v in values), default=0)


def _pair_tolerance(
    ctx: CheckContext,
    appendix: str,
    first: tuple[str, float],
    second: tuple[str, float],
    override: float | None,
) -> tuple[int, float]:
    """Decimals shown when two figures of a row are compared, and the difference allowed:
    ``override`` (the rule's "dung_sai"), else each rounded by half a unit of the last decimal
    shown."""
    d = min(_decimals(ctx, appendix, key, [value]) for key, value in (first, second))
    return d, override if override is not None else 2 * 0.5 * 10.0**-d


def _header(ctx: CheckContext, appendix: str, key: str) -> str:
    return ctx.column(appendix, key).text(ctx.years)


def _tolerance_text(tolerance: float) -> str:
    return fmt_number(tolerance, None)


# --- types and ranges ----------------------------------------------------------------------


def check_numbers(ctx: CheckContext, rule: Rule) -> Iterator[Finding]:
    """SO-HOP-LE: figure cells hold numbers; a number stored as text, or other text, is flagged.

    Words are allowed in the target column (the plan states many targets in words); a target
    that reads as a number but is stored as text is still flagged.
    """
    for appendix, table in ctx.appendices.items():
        for row, _depth in ctx.figure_rows(appendix):
            for key in FIGURE_KEYS:
                value = table[row][key]
                if blank(value) or number(value) is not None:
                    continue
                header = _header(ctx, appendix, key)
                shown = text(value)
                label = ctx.label(appendix, row)
                if isinstance(value, str) and _TEXT_NUMBER.fullmatch(value):
                    message = (
                        f"{label}: ô «{header}» chứa số lưu dạng văn bản «{shown}»: "
                        "cần nhập lại thành số (Excel không tính được với văn bản)."
                    )
                elif key == "target" and isinstance(value, str):
                    continue
                else:
                    message = f"{label}: ô «{header}» phải là một số, đang là «{shown}»."
                yield ctx.finding(rule, appendix, label, key, row, message)


def check_ranges(ctx: CheckContext, rule: Rule) -> Iterator[Finding]:
    """PHAM-VI: no negative figure; base-year figure, target and the target-year result typed
    at most the max; percentages ≤ ty_le_toi_da."""
    percent = rule.appendices("ty_le")
    ceiling = rule.number("ty_le_toi_da")
    for appendix, table in ctx.appendices.items():
        for row, _depth in ctx.figure_rows(appendix):
            label = ctx.label(appendix, row)
            figures = {key: number(table[row][key]) for key in (*FIGURE_KEYS, layout.RESULT_KEY)}
            decimals = {
                key: _decimals(ctx, appendix, key, [v] if v is not None else [])
                for key, v in figures.items()
            }
            top = figures["max"]
            for key, value in figures.items():
                if value is None:
                    continue
                header = _header(ctx, appendix, key)
                shown = fmt_number(value, decimals[key])
                if value < 0:
                    message = f"{label}: «{header}» không được âm, đang là {shown}."
                elif key != "max" and top is not None and value > top + _EPSILON:
                    message = (
                        f"{label}: «{header}» phải ≤ điểm tối đa "
                        f"{fmt_number(top, decimals['max'])}, đang là {shown}."
                    )
                elif appendix in percent and ceiling is not None and value > ceiling + _EPSILON:
                    message = (
                        f"{label}: «{header}» là tỷ lệ phần trăm, phải ≤ "
                        f"{fmt_number(ceiling, None)}, đang là {shown}."
                    )
                else:
                    continue
                yield ctx.finding(rule, appendix, label, key, row, message)


# --- hierarchy -----------------------------------------------------------------------------


def _children(
    ctx: CheckContext, appendix: str, rows: list[tuple[int, int]], i: int, key: str
) -> list[int] | None:
    """Rows whose figures make up row ``i``'s: the next depth below it that carries ``key``."""
    table = ctx.appendices[appendix]
    depth = rows[i][1]
    span: list[tuple[int, int]] = []
    for row, d in rows[i + 1 :]:
        if d <= depth:
            break
        span.append((row, d))
    for level in sorted({d for _r, d in span}):
        kids = [r for r, d in span if d == level]
        if any(not blank(table[r][key]) for r in kids):
            return kids
    return None


def _modes(rule: Rule) -> dict[str, str]:
    """The appendices whose parents are the sum (``tong``) or the mean (``trung_binh``) of
    their children, and which."""
    modes = {a: "sum" for a in rule.appendices("tong")}
    modes.update({a: "mean" for a in rule.appendices("trung_binh")})
    return modes


@dataclass(frozen=True)
class _Disagreement:
    """A parent's figure off its children's sum or mean by more than rounding allows; the
    numbers printed as the finding shows them."""

    label: str
    names: str  # the children's labels
    count: int
    how: str  # "tổng" or "trung bình cộng"
    expected: str
    shown: str  # the parent's figure
    tolerance: str


def _disagreement(
    ctx: CheckContext,
    appendix: str,
    key: str,
    row: int,
    parent: float,
    kids: list[int],
    values: list[float],
    mode: str,
    override: float | None,
) -> _Disagreement | None:
    """How row ``row``'s ``parent`` figure disagrees with its ``kids``' ``values``, or None
    when it agrees within the rounding of the printed decimals (``override`` replaces it)."""
    d = _decimals(ctx, appendix, key, [parent, *values])
    expected, derived, how = _aggregate(values, mode, d)
    tolerance = override if override is not None else derived
    if abs(parent - expected) <= tolerance + _EPSILON:
        return None
    return _Disagreement(
        label=ctx.label(appendix, row),
        names=", ".join(ctx.label(appendix, k) for k in kids),
        count=len(values),
        how=how,
        expected=fmt_number(expected, d),
        shown=fmt_number(parent, d),
        tolerance=_tolerance_text(tolerance),
    )


def check_hierarchy(ctx: CheckContext, rule: Rule) -> Iterator[Finding]:
    """PHAN-CAP: a parent's figure is the sum (``tong``) or mean (``trung_binh``) of its children.

    Parents are the total, group and section rows; the children of a row are the rows of the
    next depth below it that carry the figure (a PL3 total is the mean of its sections, its
    group rows having no figures). A parent is not checked when a child's figure is missing or
    not a number (SO-HOP-LE reports those).
    """
    override = rule.number("dung_sai")
    for appendix, mode in _modes(rule).items():
        table = ctx.appendices[appendix]
        rows = ctx.figure_rows(appendix)
        for i, (row, depth) in enumerate(rows):
            if depth >= FIGURE_LEVELS["criterion"]:
                continue
            for key in FIGURE_KEYS:
                parent = number(table[row][key])
                kids = _children(ctx, appendix, rows, i, key) if parent is not None else None
                if parent is None or not kids:
                    continue
                figures = [number(table[r][key]) for r in kids]
                if any(f is None for f in figures):
                    continue
                values = [f for f in figures if f is not None]
                off = _disagreement(ctx, appendix, key, row, parent, kids, values, mode, override)
                if off is None:
                    continue
                message = (
                    f"{off.label}: «{_header(ctx, appendix, key)}» phải bằng {off.how} của "
                    f"{off.count} dòng con ({off.names}) = {off.expected} "
                    f"(sai số cho phép {off.tolerance}); đang là {off.shown}."
                )
                yield ctx.finding(rule, appendix, off.label, key, row, message)


# --- the plan's targeting rules ------------------------------------------------------------


def check_target_plus(ctx: CheckContext, rule: Rule) -> Iterator[Finding]:
    """MT-SIPAS, MT-PAPI: target = base + ``muc_tieu_cong`` on the rows of ``cap``."""
    plus = rule.number("muc_tieu_cong")
    override = rule.number("dung_sai")
    criteria_only = rule.word("cap") == "tieu_chi"
    assert plus is not None  # a required parameter
    for appendix in rule.appendices("phu_luc"):
        table = ctx.appendices[appendix]
        for row, depth in ctx.figure_rows(appendix):
            if criteria_only and depth != FIGURE_LEVELS["criterion"]:
                continue
            score, target = number(table[row]["score_base"]), number(table[row]["target"])
            if score is None or target is None:
                continue
            d, tolerance = _pair_tolerance(
                ctx, appendix, ("score_base", score), ("target", target), override
            )
            expected = score + plus
            if abs(target - expected) <= tolerance + _EPSILON:
                continue
            label = ctx.label(appendix, row)
            message = (
                f"{label}: mục tiêu năm {ctx.years.target} phải bằng kết quả năm {ctx.years.base} "
                f"({fmt_number(score, d)}) + {fmt_number(plus, d)} = {fmt_number(expected, d)} "
                f"(sai số cho phép {_tolerance_text(tolerance)}); "
                f"đang là {fmt_number(target, d)}."
            )
            yield ctx.finding(rule, appendix, label, "target", row, message)


def check_target_max(ctx: CheckContext, rule: Rule) -> Iterator[Finding]:
    """MT-TOI-DA-PL1/PL2: a criterion's numeric target is its max (survey ones exempt if asked).

    Targets stated in words cannot be compared and are left alone.
    """
    override = rule.number("dung_sai")
    skip_survey = rule.flag("tru_dieu_tra_xhh")
    for appendix in rule.appendices("phu_luc"):
        table = ctx.appendices[appendix]
        for row, depth in ctx.figure_rows(appendix):
            if depth != FIGURE_LEVELS["criterion"]:
                continue
            if skip_survey and not blank(table[row]["survey"]):
                continue
            top, target = number(table[row]["max"]), number(table[row]["target"])
            if top is None or target is None:
                continue
            pair = ("max", top), ("target", target)
            d, tolerance = _pair_tolerance(ctx, appendix, *pair, override)
            if abs(target - top) <= tolerance + _EPSILON:
                continue
            label = ctx.label(appendix, row)
            message = (
                f"{label}: mục tiêu năm {ctx.years.target} phải là điểm tối đa "
                f"{fmt_number(top, d)}; đang là {fmt_number(target, d)}."
            )
            yield ctx.finding(rule, appendix, label, "target", row, message)


# --- target-year results typed at more than one level-----------------------------------------


def check_result_levels(ctx: CheckContext, rule: Rule) -> Iterator[Finding]:
    """KQ-PHAN-CAP: a target-year result typed on a total, group or section row (the indexes publish
    them: PAR INDEX per field, SIPAS per group, PAPI per content index) agrees with its
    children's results, when every child has one, within rounding: the sum (``tong``) or mean
    (``trung_binh``) of n children printed with d decimals may be u·(n + 1) or 2u off,
    u = ½·10⁻ᵈ (``dung_sai`` overrides). The typed value is the one that counts
    (``kehoach.gaps.compute``); this says the two levels disagree. A result cell holding text is
    reported at its cell; text in a figure cell (SO-HOP-LE) leaves that appendix unchecked.
    """
    from kehoach.common.errors import WorkbookError
    from kehoach.gaps.compute import appendix_figures, result_problems

    override = rule.number("dung_sai")
    for appendix, mode in _modes(rule).items():
        try:
            gaps = appendix_figures(ctx.state, appendix)
        except WorkbookError as err:
            # Text in a result cell is reported here, every such cell of the appendix; in a
            # figure cell it is SO-HOP-LE's, and this appendix's results cannot be compared
            # until it is fixed.
            result_col = layout.column_letter(layout.APPENDIX_COLUMNS[appendix], layout.RESULT_KEY)
            if (err.cell or "").rstrip("0123456789") != result_col:
                continue
            for problem in result_problems(ctx.state, appendix):
                row = int((problem.cell or "")[len(result_col) :] or 0)
                if row in ctx.appendices[appendix]:
                    label = ctx.label(appendix, row)
                    yield ctx.finding(
                        rule, appendix, label, layout.RESULT_KEY, row, f"{label}: {problem.message}"
                    )
            continue
        results = {row: cells["result_target"] for row, cells in gaps.rows.items()}
        header = _header(ctx, appendix, layout.RESULT_KEY)
        for row in sorted(gaps.typed):
            kids = gaps.tree.get(row, [])
            figures = [results[k] for k in kids]
            if not kids or any(f is None for f in figures):
                continue
            typed = float(results[row])
            values = [float(f) for f in figures]
            key = layout.RESULT_KEY
            off = _disagreement(ctx, appendix, key, row, typed, kids, values, mode, override)
            if off is None:
                continue
            message = (
                f"{off.label}: «{header}» nhập {off.shown}, khác {off.how} kết quả của "
                f"{off.count} dòng con ({off.names}) = {off.expected} (sai số cho "
                f"phép {off.tolerance}). Số nhập ở dòng này được dùng; kiểm tra "
                "lại số liệu công bố."
            )
            yield ctx.finding(rule, appendix, off.label, key, row, message)


def _aggregate(values: list[float], mode: str, decimals: int) -> tuple[float, float, str]:
    """The sum or the mean of ``values`` (``mode`` "sum" or "mean"), the rounding it allows at
    ``decimals`` printed decimals (each value off by half a unit, the total too), and its name."""
    unit = 0.5 * 10.0**-decimals
    if mode == "sum":
        return sum(values), unit * (len(values) + 1), "tổng"
    return sum(values) / len(values), 2 * unit, "trung bình cộng"
