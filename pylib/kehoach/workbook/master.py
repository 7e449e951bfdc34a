"""The master workbook's sheets, built from the plan model with openpyxl.

``fill_master`` turns the first worksheet into the cover ("Giới thiệu", text from
``templates/gioi-thieu.txt``) and adds one sheet per appendix, the tasks sheet and the
agencies sheet, in that order. Sheet names, headers and columns come from ``layout``.
Cell contents are deterministic: no dates of the build, nothing random.

What the reader needs beyond the plan's own table is stored visibly: the appendix
sheets carry a "kind" column (total, group, section, criterion, task), the
criterion's inherited fields, its variants and its line in the plan text; the plan
header sits on the cover in cells found through the defined names ``layout.PLAN_NAMES``.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from kehoach.agencies.agency_report import resolved_cells, unresolved_rows, unresolved_summary
from kehoach.agencies.directory import (
    ENTRY_KEYS,
    SEED_TEMPLATE,
    Directory,
    entry_cells,
    read_seed,
)
from kehoach.agencies.resolve import Resolution, Resolver, resolve_plan, resolved_counts
from kehoach.checks.rules import RULES_TEMPLATE, rule_table
from kehoach.common.errors import BuildError, template_error_text
from kehoach.common.planyears import PlanYears
from kehoach.common.resources import read_template_text, templates_dir
from kehoach.gaps.sheet import write_gap_cells, write_summary
from kehoach.mail.sheet import write_mail_sheets
from kehoach.plan.model import APPENDIX_IDS, Appendix, Criterion, Plan, Section, Task
from kehoach.plan.timelines import date_text, due_value, parse_timeline, plan_year
from kehoach.sheets import layout
from kehoach.sheets import mail_layout as ml
from kehoach.sheets import progress_layout as pl
from kehoach.sheets.edits import LINK_FONT
from kehoach.sheets.geometry import CHARS_PER_WIDTH_UNIT, LINE_POINTS, wrapped_lines
from kehoach.sheets.housestyle import apply_house_font
from kehoach.sheets.sheetorder import order_sheets
from kehoach.sheets.sheetstyle import (
    RESULT_COLORS,
    STATUS_COLORS,
    CellStyles,
    color_by_value,
    finish_printing,
    fit_header,
    fit_note,
    print_setup,
    wrap_columns,
)
from kehoach.sheets.summary_layout import SUMMARY_SHEET
from kehoach.summary.sheet import write_summary_sheet

COVER_TEMPLATE = "gioi-thieu.txt"
COMMENT_AUTHOR = "kehoach"
# Sheets fill_master always writes anew from the plan and the templates alone, whose old
# contents nothing carries into a rebuild: a rebuild does not read them in the old master.
REWRITTEN_SHEETS: tuple[str, ...] = (
    layout.COVER_SHEET,
    layout.TASKS_SHEET,
    layout.UNRESOLVED_SHEET,
    layout.GAPS_SHEET,
    layout.CHECK_SHEET,
    SUMMARY_SHEET,
)

_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP_TOP = Alignment(wrap_text=True, vertical="top")
_TOP = Alignment(vertical="top")
_HEADER_ALIGN = Alignment(wrap_text=True, vertical="center", horizontal="center")
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")
_TITLE_FONT = Font(bold=True, size=14)
_SUBTITLE_FONT = Font(italic=True)
_BOLD = Font(bold=True)
_INHERITED_FONT = Font(italic=True, color="808080")
_ROW_FILLS: dict[str, PatternFill] = {
    kind: PatternFill("solid", fgColor=color) for kind, color in layout.ROW_FILL_COLORS.items()
}

_BOX_SIDE = Side(style="medium", color="C00000")
_BOX_FILL = PatternFill("solid", fgColor="FFF2CC")
_BOX_TITLE_FONT = Font(bold=True, color="C00000", size=12)
_COVER_TITLE_FONT = Font(bold=True, size=16)
_COVER_HEADING_FONT = Font(bold=True, size=12, color="1F4E79")
_COVER_WIDTHS = {"A": 2.0, "B": 26.0, "C": 88.0}  # A4 portrait at about 84 %: 9 pt or more

# Neither Excel nor LibreOffice grows a row to fit wrapped text written by openpyxl, so row
# heights are estimated (kehoach.sheets.geometry.wrapped_lines): characters per line from the
# column width (in widths of "0" at the default 11-point font; Vietnamese text runs a little
# narrower), 15 points a line.
# Long texts of the progress sheets: wrapped in their columns, rows grow to fit.
_PROGRESS_WRAPPED = (
    "agency_name",
    "due",
    "results",
    "evidence",
    "explanation",
    "difficulties",
    "reason",
    "details",
)


def subtitle(plan: Plan) -> str:
    return layout.SUBTITLE.format(number=plan.number, date=date_text(plan.date), issuer=plan.issuer)


def new_master(
    plan: Plan, buttons: Sequence[tuple[str, str]] = (), *, templates: Path | None = None
) -> Workbook:
    """A new workbook filled by ``fill_master`` (for tests and previews; not saved)."""
    wb = Workbook()
    fill_master(wb, plan, buttons, templates=templates)
    return wb


def fill_master(
    wb: Workbook,
    plan: Plan,
    buttons: Sequence[tuple[str, str]] = (),
    *,
    templates: Path | None = None,
    directory: Directory | None = None,
    omit_rules: Collection[str] = (),
) -> None:
    """Fill ``wb`` with the plan's sheets.

    The first worksheet is kept (it may carry a VBA code name) and becomes the cover;
    the appendix sheets, the tasks sheet and the agencies sheet are added after it.
    ``buttons`` are the ribbon's (label, description) pairs, listed on the cover.
    ``directory`` is the agency directory to write (default: the seed ``templates/co-quan.tsv``;
    ``kehoach.workbook.xlsm.build_master`` passes the officials' directory merged over it); the seed
    itself goes into a hidden sheet, for the next rebuild to tell their edits apart.
    ``omit_rules``: codes of rules the officials deleted from the "Quy tắc" sheet, left out.
    Raises BuildError when the plan has not exactly the appendices PL1..PL4, when the
    workbook already has a sheet of that name, or when the cover template is unusable.
    """
    ids = tuple(a.id for a in plan.appendices)
    if ids != APPENDIX_IDS:
        raise BuildError(
            f"Kế hoạch phải có đúng các phụ lục {', '.join(APPENDIX_IDS)} theo thứ tự, "
            f"đang có: {', '.join(ids) or 'không có phụ lục nào'}."
        )
    if not wb.worksheets:
        raise BuildError("Workbook không có trang tính nào để làm trang Giới thiệu.")
    cover = wb.worksheets[0]
    names = [
        layout.COVER_SHEET,
        *(layout.APPENDIX_SHEETS[a] for a in APPENDIX_IDS),
        layout.TASKS_SHEET,
        layout.DIRECTORY_SHEET,
        layout.UNRESOLVED_SHEET,
        layout.DIRECTORY_BASE_SHEET,
        layout.RULES_SHEET,
        layout.GAPS_SHEET,
        SUMMARY_SHEET,
    ]
    for ws in wb.worksheets[1:]:
        if ws.title in names:
            raise BuildError(f"Workbook đã có trang tính '{ws.title}'.")
    template = (templates or templates_dir()) / COVER_TEMPLATE
    lines = render_cover(template, plan, buttons)  # before touching the workbook
    rules = rule_table((templates or templates_dir()) / RULES_TEMPLATE, plan.years)
    seed = read_seed((templates or templates_dir()) / SEED_TEMPLATE, plan.years)
    directory = directory or seed
    resolution = resolve_plan(plan, directory)
    cover.title = layout.COVER_SHEET
    _write_cover(wb, cover, plan, lines)
    for appendix in plan.appendices:
        ws = wb.create_sheet(layout.APPENDIX_SHEETS[appendix.id])
        _write_appendix(ws, plan, appendix)
        write_gap_cells(ws, appendix.id, plan.years)
        fit_header(ws, layout.HEADER_ROW, layout.APPENDIX_COLUMNS[appendix.id])
        _fold_columns(ws, layout.APPENDIX_COLUMNS[appendix.id], layout.FOLDED_APPENDIX_KEYS)
        _appendix_legend(ws, layout.APPENDIX_COLUMNS[appendix.id])
    _write_tasks(wb.create_sheet(layout.TASKS_SHEET), plan, directory, resolution)
    _write_directory(wb.create_sheet(layout.DIRECTORY_SHEET), directory, resolution)
    _write_unresolved(wb.create_sheet(layout.UNRESOLVED_SHEET), resolution)
    _write_rules(wb, wb.create_sheet(layout.RULES_SHEET), rules, omit_rules)
    write_summary(wb, wb.create_sheet(layout.GAPS_SHEET), subtitle(plan), plan.years, plan.number)
    _write_check_sheet(wb.create_sheet(layout.CHECK_SHEET))
    write_summary_sheet(wb.create_sheet(SUMMARY_SHEET), plan.number)
    write_progress_sheets(wb)
    write_mail_sheets(wb)
    base = wb.create_sheet(layout.DIRECTORY_BASE_SHEET)
    _write_directory(base, seed, None)
    base.sheet_state = "hidden"
    wb.active = 0
    order_sheets(wb)
    finish_printing(wb, plan.number)
    apply_house_font(wb)


# --- cover -------------------------------------------------------------------------------


@dataclass
class CoverLine:
    style: str  # "title", "heading", "field", "pair", "text", "blank"
    label: str = ""
    text: str = ""
    boxed: bool = False


_FIELD_LINE = re.compile(r"@(\w+)\s+(.*)")


def render_cover(
    template: Path, plan: Plan, buttons: Sequence[tuple[str, str]] = ()
) -> list[CoverLine]:
    """The cover's lines: the Jinja2 template rendered, then parsed (see the template's head)."""
    source = read_template_text(template, "mẫu trang Giới thiệu")
    env = jinja2.Environment(
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        autoescape=False,
    )
    context: dict[str, Any] = {
        "plan": plan,
        "date_text": date_text(plan.date),
        "sheets": {
            "cover": layout.COVER_SHEET,
            "tasks": layout.TASKS_SHEET,
            "agencies": layout.DIRECTORY_SHEET,
            "unresolved": layout.UNRESOLVED_SHEET,
            "rules": layout.RULES_SHEET,
            "checks": layout.CHECK_SHEET,
            "summary": SUMMARY_SHEET,
            "gaps": layout.GAPS_SHEET,
            "progress": pl.PROGRESS_SHEET,
            "history": pl.HISTORY_SHEET,
            "intake": pl.INTAKE_SHEET,
            "settings": ml.SETTINGS_SHEET,
            "send_log": ml.LOG_SHEET,
        },
        "appendices": [
            {"sheet": layout.APPENDIX_SHEETS[a.id], "id": a.id, "title": a.title}
            for a in plan.appendices
        ],
        "buttons": [tuple(b) for b in buttons],
    }
    try:
        text = env.from_string(source).render(context)
    except jinja2.TemplateError as exc:
        line = getattr(exc, "lineno", None)
        raise BuildError(
            f"Mẫu trang Giới thiệu bị lỗi: {template_error_text(exc)}.", file=template, line=line
        ) from exc
    lines = [_parse_cover_line(raw) for raw in text.strip("\n").split("\n")]
    unknown = [c.text for c in lines if c.style == "field" and c.text not in layout.PLAN_NAMES]
    if unknown:
        raise BuildError(
            f"Mẫu trang Giới thiệu: không có thông tin kế hoạch '@{unknown[0]}' "
            f"(chỉ có {', '.join('@' + k for k in layout.PLAN_NAMES)}).",
            file=template,
        )
    missing = [
        k for k in layout.PLAN_NAMES if not any(c.style == "field" and c.text == k for c in lines)
    ]
    if missing:
        raise BuildError(
            f"Mẫu trang Giới thiệu thiếu dòng {', '.join('@' + k for k in missing)} "
            "(ô thông tin kế hoạch mà chương trình đọc lại).",
            file=template,
        )
    return lines


def _parse_cover_line(raw: str) -> CoverLine:
    boxed = raw.startswith("!")
    line = raw[1:].strip() if boxed else raw.strip()
    if not line:
        return CoverLine("blank", boxed=boxed)
    if line.startswith("## "):
        return CoverLine("heading", text=line[3:].strip(), boxed=boxed)
    if line.startswith("# "):
        return CoverLine("title", text=line[2:].strip(), boxed=boxed)
    field_match = _FIELD_LINE.fullmatch(line)
    if field_match:
        return CoverLine("field", label=field_match[2].strip(), text=field_match[1], boxed=boxed)
    if " | " in line:
        label, text = line.split(" | ", 1)
        return CoverLine("pair", label=label.strip(), text=text.strip(), boxed=boxed)
    return CoverLine("text", text=line, boxed=boxed)


def _write_cover(wb: Workbook, ws: Worksheet, plan: Plan, lines: list[CoverLine]) -> None:
    values: dict[str, str] = {
        "number": plan.number,
        "date": date_text(plan.date),
        "issuer": plan.issuer,
        "title": plan.title,
    }
    for col, width in _COVER_WIDTHS.items():
        ws.column_dimensions[col].width = width
    ws.sheet_view.showGridLines = False
    for row, line in enumerate(lines, start=1):
        b, c = ws.cell(row, 2), ws.cell(row, 3)
        if line.style == "title":
            b.value = line.text
            b.font = _BOX_TITLE_FONT if line.boxed else _COVER_TITLE_FONT
        elif line.style == "heading":
            b.value = line.text
            b.font = _COVER_HEADING_FONT
            b.alignment = Alignment(vertical="top")  # a heading runs on into column C
            continue
        elif line.style == "field":
            b.value, c.value = line.label, values[line.text]
            b.font = _BOLD
            ref = f"{quote_sheetname(ws.title)}!$C${row}"
            wb.defined_names[layout.PLAN_NAMES[line.text]] = DefinedName(
                layout.PLAN_NAMES[line.text], attr_text=ref
            )
        elif line.style == "pair":
            b.value, c.value = line.label, line.text
            b.font = _BOLD
        elif line.style == "text":
            c.value = line.text
        for cell in (b, c):
            cell.alignment = _WRAP_TOP if line.style != "title" else Alignment(vertical="top")
    _draw_boxes(ws, lines)
    widths = {2: _COVER_WIDTHS["B"], 3: _COVER_WIDTHS["C"]}
    _fit_row_heights(ws, range(1, len(lines) + 1), widths)
    print_setup(ws, landscape=False)


def _draw_boxes(ws: Worksheet, lines: list[CoverLine]) -> None:
    """A filled, red-outlined box around each run of "!" lines (columns B:C)."""
    row = 1
    while row <= len(lines):
        if not lines[row - 1].boxed:
            row += 1
            continue
        first = row
        while row <= len(lines) and lines[row - 1].boxed:
            row += 1
        last = row - 1
        for r in range(first, last + 1):
            for col in (2, 3):
                ws.cell(r, col).fill = _BOX_FILL
                ws.cell(r, col).border = Border(
                    left=_BOX_SIDE if col == 2 else None,
                    right=_BOX_SIDE if col == 3 else None,
                    top=_BOX_SIDE if r == first else None,
                    bottom=_BOX_SIDE if r == last else None,
                )


# --- appendix sheets ----------------------------------------------------------------------


@dataclass
class _Row:
    kind: str  # a key of layout.ROW_KINDS
    values: dict[str, Any]  # by column key
    inherited: set[str] = field(default_factory=set)  # column keys shown as inherited
    comments: dict[str, str] = field(default_factory=dict)  # by column key


def _appendix_rows(appendix: Appendix) -> list[_Row]:
    rows: list[_Row] = []
    t = appendix.total
    if appendix.id in layout.TOTAL_ROW_APPENDICES or any(
        v is not None for v in (t.max, t.score_base, t.target)
    ):
        totals = {"max": t.max, "score_base": t.score_base, "target": t.target}
        rows.append(_Row("total", {"id": appendix.id, "name": layout.TOTAL_LABEL, **totals}))
    group = ""
    for section in appendix.sections:
        if section.group and section.group != group:
            group = section.group
            values = {"id": f"{appendix.id}-{group}", "tt": group, "name": section.group_title}
            rows.append(_Row("group", values))
        rows.append(_Row("section", _section_values(appendix, section)))
        for criterion in section.criteria:
            rows.extend(_criterion_rows(criterion))
    return rows


def _section_values(appendix: Appendix, section: Section) -> dict[str, Any]:
    tt = section.id.rsplit(".", 1)[-1] if section.group else section.id
    return {
        "id": f"{appendix.id}-{section.id}",
        "tt": tt,
        "name": section.title,
        "max": section.max,
        "score_base": section.score_base,
        "target": section.target,
        "line": section.line or None,
    }


def _task_values(task: Task) -> dict[str, Any]:
    return {
        "task": task.text,
        "lead": task.lead,
        "coordinating": task.coordinating,
        "timeline": task.timeline,
    }


def _task_inherited(task: Task) -> set[str]:
    keys = {"text": "task", "lead": "lead", "coordinating": "coordinating", "timeline": "timeline"}
    return {keys[f] for f in task.inherited if f in keys}


def variants_text(criterion: Criterion) -> str:
    """One line per variant: "label: value (dòng N)"."""
    return "\n".join(
        f"{layout.VARIANT_LABELS.get(v.field, v.field)}: {v.value} (dòng {v.line})"
        for v in criterion.variants
    )


def labels_text(fields: Sequence[str]) -> str:
    return ", ".join(layout.FIELD_LABELS.get(f, f) for f in fields)


def _criterion_rows(criterion: Criterion) -> list[_Row]:
    values: dict[str, Any] = {
        "id": criterion.id,
        "tt": criterion.tt,
        "code": criterion.code,
        "name": criterion.name,
        "max": criterion.max,
        "score_base": criterion.score_base,
        "target": criterion.target if criterion.target is not None else criterion.target_text,
        "survey": layout.SURVEY_MARK if criterion.survey else None,
        "inherited": labels_text(criterion.inherited),
        "variants": variants_text(criterion),
        "line": criterion.line or None,
    }
    first = _Row("criterion", values)
    if "target_text" in criterion.inherited:
        first.inherited.add("target")
    if criterion.target is not None and criterion.target_text:
        # Both a number and words: the words ride along as the cell's comment.
        first.comments["target"] = criterion.target_text
    if criterion.tasks:
        values.update(_task_values(criterion.tasks[0]))
        first.inherited |= _task_inherited(criterion.tasks[0])
    rows = [first]
    for task in criterion.tasks[1:]:
        values = {"id": task.id, **_task_values(task), "line": task.line or None}
        rows.append(_Row("task", values, _task_inherited(task)))
    return rows


def _write_appendix(ws: Worksheet, plan: Plan, appendix: Appendix) -> None:
    columns = layout.APPENDIX_COLUMNS[appendix.id]
    _write_heading(
        ws, columns, appendix.title, subtitle(plan), plan.years, fit=False
    )  # a legend beside
    row = layout.FIRST_DATA_ROW
    styles = CellStyles()
    for data in _appendix_rows(appendix):
        values = {**data.values, "kind": layout.ROW_KINDS[data.kind]}
        fill = _ROW_FILLS.get(data.kind)
        for i, col in enumerate(columns, start=1):
            value = values.get(col.key)
            cell = _put(ws, row, i, value)
            font = (
                _BOLD
                if fill is not None
                else (_INHERITED_FONT if col.key in data.inherited else None)
            )
            styles.apply(
                cell,
                ("number_format", col.number_format),
                ("alignment", _WRAP_TOP),
                ("border", _BORDER),
                ("font", font),
                ("fill", fill),
            )
            if col.key in data.comments:
                cell.comment = Comment(data.comments[col.key], COMMENT_AUTHOR)
        row += 1
    _finish_table(ws, columns, row - 1, landscape=True)


def _fold_columns(ws: Worksheet, columns: Sequence[layout.Column], keys: Sequence[str]) -> None:
    """Fold the columns of ``keys`` away: an outline level, hidden (collapsed), so that what an
    official needs sits together; the "+" above the column headers opens them again."""
    folded = [i for i, col in enumerate(columns, start=1) if col.key in keys]
    runs: list[list[int]] = []
    for index in folded:
        if runs and runs[-1][-1] == index - 1:
            runs[-1].append(index)
        else:
            runs.append([index])
    for run in runs:
        for index in run:  # one by one: openpyxl's group() would give them all one width
            dim = ws.column_dimensions[get_column_letter(index)]
            dim.outline_level = 1
            dim.hidden = True
        ws.column_dimensions[get_column_letter(run[-1] + 1)].collapsed = True
    ws.sheet_properties.outlinePr.summaryRight = True


def _appendix_legend(ws: Worksheet, columns: Sequence[layout.Column]) -> None:
    """Row 2, right of the subtitle: a sample cell per colour and mark of the sheet."""
    keys = [c.key for c in columns]
    for key, text, color, kind in layout.APPENDIX_LEGEND:
        if key not in keys:
            continue
        cell = ws.cell(layout.SUBTITLE_ROW, keys.index(key) + 1, text)
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        cell.border = _BORDER
        cell.font = _BOLD if kind == "bold" else (_INHERITED_FONT if kind == "grey" else Font())
        if color:
            cell.fill = PatternFill("solid", fgColor=color)
    ws.row_dimensions[layout.SUBTITLE_ROW].height = 3 * LINE_POINTS + 2


# --- tasks and agencies -------------------------------------------------------------------


def _write_tasks(ws: Worksheet, plan: Plan, directory: Directory, resolution: Resolution) -> None:
    columns = layout.TASK_COLUMNS
    _write_heading(ws, columns, layout.TASKS_TITLE, subtitle(plan), plan.years)
    row = layout.FIRST_DATA_ROW
    year = plan_year(plan)
    resolver = Resolver(directory)
    styles = CellStyles()
    for appendix, _section, criterion, task in plan.iter_tasks():
        timeline = parse_timeline(task.timeline, year)
        values: dict[str, Any] = {
            "id": task.id,
            "appendix": appendix.id,
            "criterion_id": criterion.id,
            "code": criterion.code,
            "criterion": criterion.name,
            "text": task.text,
            "lead": task.lead,
            "coordinating": task.coordinating,
            **dict(
                zip(
                    ("lead_resolved", "coordinating_resolved"),
                    resolved_cells(resolution, resolver, task.id),
                    strict=True,
                )
            ),
            "timeline": task.timeline,
            "timeline_kind": timeline.kind_label,
            "due": due_value(timeline, year),
            "inherited": labels_text(task.inherited),
            "misplaced": labels_text(task.misplaced),
            "line": task.line or None,
        }
        inherited = set(task.inherited)  # model field names are this sheet's column keys
        for i, col in enumerate(columns, start=1):
            value = values[col.key]
            cell = _put(ws, row, i, value)
            styles.apply(
                cell,
                ("number_format", col.number_format),
                ("alignment", _TOP if col.key in layout.UNWRAPPED_TASK_KEYS else _WRAP_TOP),
                ("border", _BORDER),
                ("font", _INHERITED_FONT if col.key in inherited else None),
            )
        row += 1
    _finish_table(ws, columns, row - 1, landscape=True, freeze_key="code")
    _fold_columns(ws, columns, layout.FOLDED_TASK_KEYS)


def _write_directory(ws: Worksheet, directory: Directory, resolution: Resolution | None) -> None:
    """The directory, one row per entry; with ``resolution``, its task counts (the hidden
    base sheet has none)."""
    columns = layout.DIRECTORY_COLUMNS
    _write_heading(ws, columns, layout.DIRECTORY_TITLE, layout.DIRECTORY_HINT)
    ws.cell(layout.SUBTITLE_ROW, 1).font = _SUBTITLE_FONT
    counts = resolved_counts(resolution) if resolution is not None else {}
    row = layout.FIRST_DATA_ROW
    styles = CellStyles()
    for agency in directory.agencies:
        cells: dict[str, Any] = dict(entry_cells(agency))
        if resolution is not None:
            cells["lead_tasks"], cells["coordinating_tasks"] = counts.get(agency.code, (0, 0))
        for i, col in enumerate(columns, start=1):
            if col.key not in ENTRY_KEYS and resolution is None:
                continue
            cell = _put(ws, row, i, cells.get(col.key, ""))
            styles.apply(
                cell,
                ("number_format", col.number_format),
                ("alignment", _WRAP_TOP),
                ("border", _BORDER),
            )
        row += 1
    # The hidden base prints nothing (LibreOffice prints a hidden sheet with a print area).
    _finish_table(
        ws, columns, row - 1, landscape=True, freeze_key="name", printed=resolution is not None
    )


def _write_unresolved(ws: Worksheet, resolution: Resolution) -> None:
    """What the resolver left to a person, each with a link to its task's cell."""
    columns = layout.UNRESOLVED_COLUMNS
    _write_heading(ws, columns, layout.UNRESOLVED_TITLE, unresolved_summary(resolution))
    row = layout.FIRST_DATA_ROW
    styles = CellStyles()
    for item in unresolved_rows(resolution):
        for i, col in enumerate(columns, start=1):
            value = item[col.key]
            cell = _put(ws, row, i, value)
            link = col.key == "cell" and bool(value)
            if link:
                target = f"{quote_sheetname(layout.TASKS_SHEET)}!{value}"
                cell.value = target
                cell.hyperlink = Hyperlink(ref=cell.coordinate, location=target)
            styles.apply(
                cell,
                ("font", LINK_FONT if link else None),
                ("number_format", col.number_format),
                ("alignment", _WRAP_TOP),
                ("border", _BORDER),
            )
        row += 1
    _finish_table(ws, columns, row - 1, landscape=True, freeze_key="fragment")


def _write_rules(
    wb: Workbook, ws: Worksheet, rows: Sequence[Sequence[str]], omit: Collection[str] = ()
) -> None:
    """The checker's rules (templates/quy-tac.tsv) but ``omit``, with drop-downs where a value is
    a choice; the codes of every rule offered go into the hidden name
    ``layout.RULES_OFFERED_NAME``, for a rebuild to tell a deleted rule from a new one."""
    offered = ",".join(str(r[0]) for r in rows)
    wb.defined_names[layout.RULES_OFFERED_NAME] = DefinedName(
        layout.RULES_OFFERED_NAME, attr_text=f'"{offered}"', hidden=True
    )
    rows = [r for r in rows if r[0] not in omit]
    columns = layout.RULE_COLUMNS
    hint = (
        "Sửa «Áp dụng» (Có/Không), «Mức độ» (lỗi/cảnh báo/thông tin) và «Tham số» "
        "(tên=giá trị; ...). Để trống dung_sai: sai số cho phép suy ra từ số chữ số thập phân "
        "được in. Bấm «Kiểm tra dữ liệu» để kiểm tra lại."
    )
    _write_heading(ws, columns, layout.RULES_TITLE, hint)
    row = layout.FIRST_DATA_ROW
    styles = CellStyles()
    for values in rows:
        for i, value in enumerate(values, start=1):
            styles.apply(_put(ws, row, i, value), ("alignment", _WRAP_TOP), ("border", _BORDER))
        row += 1
    last = max(row - 1, layout.FIRST_DATA_ROW)
    choices = {
        "enabled": list(layout.RULE_ENABLED),
        "severity": list(layout.SEVERITY_LABELS.values()),
    }
    for key, options in choices.items():
        letter = layout.column_letter(columns, key)
        dv = DataValidation(type="list", formula1='"' + ",".join(options) + '"', allow_blank=False)
        dv.add(f"{letter}{layout.FIRST_DATA_ROW}:{letter}{last}")
        ws.add_data_validation(dv)
    _finish_table(ws, columns, row - 1, landscape=True, freeze_key="rule")


# --- shared layout ------------------------------------------------------------------------


def _put(ws: Worksheet, row: int, col: int, value: Any) -> Cell:
    """Write a value; "" leaves the cell empty and text is never taken for a formula."""
    cell = ws.cell(row, col, None if value == "" else value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # openpyxl would write "=..." as a formula
    return cell


def _write_heading(
    ws: Worksheet,
    columns: Sequence[layout.Column],
    title: str,
    sub: str,
    years: PlanYears | None = None,
    *,
    fit: bool = True,
) -> None:
    ws.cell(layout.TITLE_ROW, 1, title).font = _TITLE_FONT
    ws.cell(layout.SUBTITLE_ROW, 1, sub).font = _SUBTITLE_FONT
    styles = CellStyles()
    for i, col in enumerate(columns, start=1):
        styles.apply(
            ws.cell(layout.HEADER_ROW, i, col.text(years)),
            ("font", _HEADER_FONT),
            ("fill", _HEADER_FILL),
            ("alignment", _HEADER_ALIGN),
            ("border", _BORDER),
        )
        ws.column_dimensions[get_column_letter(i)].width = col.width
    fit_header(ws, layout.HEADER_ROW, columns)
    fit_note(ws, layout.TITLE_ROW, columns, points=_TITLE_FONT.sz)
    if fit:
        fit_note(ws, layout.SUBTITLE_ROW, columns)


def _write_check_sheet(ws: Worksheet) -> None:
    """The KiemTra sheet before any check ran: headings, widths, view and print setup.

    The button fills rows from ``layout.FIRST_DATA_ROW`` (see ``check_report``); the
    column widths, frozen header and page setup set here stay across its runs.
    """
    columns = layout.CHECK_COLUMNS
    _write_heading(ws, columns, layout.CHECK_TITLE, layout.CHECK_NOT_RUN, fit=False)
    # A check's summary (``kehoach.checks.report``) wraps across the printed columns: running
    # past them, it would widen what prints and shrink the text of every page.
    row = layout.CHECK_SUMMARY_ROW
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(columns))
    ws.cell(row, 1).alignment = _WRAP_TOP
    wrap_columns(ws, columns, layout.CHECK_WRAPPED)
    colors = {
        layout.SEVERITY_LABELS[key]: color for key, color in layout.SEVERITY_LABEL_COLORS.items()
    }
    color_by_value(ws, columns, "severity", layout.FIRST_DATA_ROW, colors)
    ws.freeze_panes = f"A{layout.FIRST_DATA_ROW}"
    print_setup(ws, landscape=True, title_rows=f"{layout.HEADER_ROW}:{layout.HEADER_ROW}")


def write_progress_sheets(wb: Workbook) -> None:
    """The sheets collection writes (TienDo, LichSu, ThuThap), before any collection: title,
    note, headers, widths, number formats of the data columns, frozen header, landscape A4.

    TienDo stays empty until the first return: a row is (task, agency) as an agency reported
    it; who has not reported is the summary's business (it knows the assignments). ThuThap's
    B2 (defined name ``progress_layout.FOLDER_NAME``) keeps the folder of the last collection.
    """
    sheets = (
        (pl.PROGRESS_SHEET, pl.PROGRESS_COLUMNS, pl.PROGRESS_TITLE, pl.PROGRESS_NOTE),
        (pl.HISTORY_SHEET, pl.HISTORY_COLUMNS, pl.HISTORY_TITLE, pl.HISTORY_NOTE),
        (pl.INTAKE_SHEET, pl.INTAKE_COLUMNS, pl.INTAKE_TITLE, ""),
    )
    for name, columns, title, note in sheets:
        if name in wb.sheetnames:
            raise BuildError(f"Workbook đã có trang tính '{name}'.")
        ws = wb.create_sheet(name)
        _write_heading(ws, columns, title, note)
        for i, col in enumerate(columns, start=1):
            if col.number_format != "General":
                # Column style: Excel and LibreOffice show later values in this format.
                ws.column_dimensions[get_column_letter(i)].number_format = col.number_format
        wrap_columns(ws, columns, _PROGRESS_WRAPPED)
        if name == pl.PROGRESS_SHEET:
            # Where each row came from (file, its SHA-256, when; LichSu keeps it too) and what
            # the task's code names: folded, the progress itself prints readably.
            _fold_columns(ws, columns, pl.PROGRESS_FOLDED_KEYS)
        for key, colors in (("status", STATUS_COLORS), ("result", RESULT_COLORS)):
            if key in [c.key for c in columns]:
                color_by_value(ws, columns, key, pl.FIRST_DATA_ROW, colors)
        ws.freeze_panes = f"A{pl.FIRST_DATA_ROW}"
        print_setup(ws, landscape=True, title_rows=f"{pl.HEADER_ROW}:{pl.HEADER_ROW}")
    ws = wb[pl.INTAKE_SHEET]
    ws[pl.FOLDER_LABEL_CELL] = pl.FOLDER_LABEL
    ws[pl.FOLDER_LABEL_CELL].font = _BOLD
    ws[pl.RUN_NOTE_CELL] = pl.INTAKE_NOT_RUN
    ws[pl.RUN_NOTE_CELL].font = _SUBTITLE_FONT
    column, row = pl.FOLDER_CELL[0], pl.FOLDER_CELL[1:]
    ref = f"{quote_sheetname(ws.title)}!${column}${row}"
    wb.defined_names[pl.FOLDER_NAME] = DefinedName(pl.FOLDER_NAME, attr_text=ref)


def _finish_table(
    ws: Worksheet,
    columns: Sequence[layout.Column],
    last_row: int,
    *,
    landscape: bool,
    freeze_key: str = "name",
    printed: bool = True,
) -> None:
    last_col = get_column_letter(len(columns))
    last = max(last_row, layout.HEADER_ROW)
    ws.auto_filter.ref = f"A{layout.HEADER_ROW}:{last_col}{last}"
    widths = {i: col.width for i, col in enumerate(columns, start=1)}
    _fit_row_heights(ws, range(layout.FIRST_DATA_ROW, last + 1), widths)
    if printed:
        right = get_column_letter(layout.printed_columns(columns))
        ws.print_area = f"A{layout.TITLE_ROW}:{right}{last}"
    freeze_col = get_column_letter(layout.column_index(columns, freeze_key) + 1)
    ws.freeze_panes = f"{freeze_col}{layout.FIRST_DATA_ROW}"
    print_setup(ws, landscape=landscape, title_rows=f"{layout.HEADER_ROW}:{layout.HEADER_ROW}")


def _fit_row_heights(ws: Worksheet, rows: range, widths: dict[int, float]) -> None:
    for row in rows:
        lines = 1
        for col, width in widths.items():
            cell = ws.cell(row, col)
            value = cell.value
            if isinstance(value, str) and value and cell.alignment.wrap_text:
                lines = max(lines, wrapped_lines(value, width, CHARS_PER_WIDTH_UNIT))
        if lines > 1:
            ws.row_dimensions[row].height = lines * LINE_POINTS
