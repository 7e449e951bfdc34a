"""Read the plan model back from a master workbook (openpyxl, values only).

Where each part comes from:

- plan header (number, date, issuer, title): the cover's cells named by the
  workbook-level defined names ``layout.PLAN_NAMES``; the date is shown "15/3/2026"
  and read back as ISO "2026-03-15";
- appendices, their totals, groups, sections and criteria: the appendix sheets, row by
  row, told apart by the "kind" column; the appendix title is cell A1;
- tasks: the tasks sheet, attached to their criterion by (appendix, criterion id) in
  sheet order. The task cells of the appendix sheets are for people and are not read.

Every damage the reader can name raises ``WorkbookError`` with the file, sheet and cell.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.worksheet import Worksheet

from kehoach.common.celltext import cell_text
from kehoach.common.errors import WorkbookError, missing_file_text, open_error_text
from kehoach.common.planyears import PlanYears
from kehoach.plan.model import (
    APPENDIX_IDS,
    VARIANT_LINE,
    Appendix,
    Criterion,
    Plan,
    Section,
    Task,
    Totals,
    Variant,
)
from kehoach.sheets import layout
from kehoach.sheets import progress_layout as pl

_DATE_TEXT = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


def read_plan(source: str | Path | Workbook) -> Plan:
    """The plan stored in a master workbook (a path or an open openpyxl Workbook)."""
    if isinstance(source, Workbook):
        return _Reader(source, None).plan()
    path = Path(source)
    if not path.is_file():
        raise WorkbookError(missing_file_text(path, "tệp workbook"), file=path)
    try:
        wb = load_workbook(path, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise WorkbookError(
            f"Không mở được tệp như một workbook Excel (.xlsx/.xlsm): {open_error_text(exc)}.",
            file=path,
        ) from exc
    try:
        return _Reader(wb, path).plan()
    finally:
        wb.close()


def read_plan_values(
    values: Mapping[str, Sequence[Sequence[Any]]],
    names: Mapping[str, str],
    *,
    file: str | Path | None = None,
) -> Plan:
    """The plan from a workbook's sheet values (``sheetdata.workbook_values``, or xlwings'
    ``kehoach.xl.sheet_values`` of the open book, unsaved edits included) and its defined names
    (name → refers-to, "='Giới thiệu'!$C$4"). Values carry no comments, so a numeric target's
    words (kept as the cell's comment) come back empty; everything else is as ``read_plan``.
    Of the sheets collection writes (TienDo can hold hundreds of thousands of rows), only the
    heading is copied: the plan is not in them. Texts are taken as fit for a workbook, as
    ``MasterState`` holds them (``state_from_values``, ``read_state``)."""
    wb = Workbook()
    wb.remove(wb.worksheets[0])
    for title, rows in values.items():
        ws = wb.create_sheet(title)
        for row in rows[: layout.HEADER_ROW] if title in pl.COLLECTED_SHEETS else rows:
            ws.append(list(row))
    for name, refers_to in names.items():
        wb.defined_names[name] = DefinedName(name, attr_text=refers_to.removeprefix("="))
    return _Reader(wb, Path(file) if file is not None else None).plan()


def _iso_date(value: Any) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = cell_text(value).strip()
    match = _DATE_TEXT.fullmatch(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
        try:
            return date(year, month, day).isoformat()
        except ValueError:
            return text
    return text


class _Reader:
    def __init__(self, wb: Workbook, path: Path | None) -> None:
        self.wb = wb
        self.path = path
        self.years = PlanYears(0, 0)  # set by check_sheets, from the appendix headers

    def error(
        self, message: str, sheet: str | None = None, cell: str | None = None
    ) -> WorkbookError:
        return WorkbookError(message, file=self.path, sheet=sheet, cell=cell)

    def plan(self) -> Plan:
        self.check_sheets()
        header = {key: self.named_value(key, name) for key, name in layout.PLAN_NAMES.items()}
        plan = Plan(
            number=cell_text(header["number"]).strip(),
            date=_iso_date(header["date"]),
            title=cell_text(header["title"]).strip(),
            issuer=cell_text(header["issuer"]).strip(),
        )
        plan.base_year, plan.target_year = self.years.base, self.years.target
        plan.province = plan.issuer.removeprefix("UBND tỉnh").strip()
        plan.appendices = [self.appendix(a) for a in APPENDIX_IDS]
        self.attach_tasks(plan)
        return plan

    # --- structure ---------------------------------------------------------------------

    def check_sheets(self) -> None:
        header_rows: dict[str, list[Any]] = {
            ws.title: [c.value for c in ws[layout.HEADER_ROW]] for ws in self.wb.worksheets
        }
        problems = layout.sheet_problems(header_rows)
        if problems:
            raise self.error(
                "Workbook không đúng mẫu của kế hoạch:\n    "
                + "\n    ".join(problems)
                + "\n    Hãy trả tên trang tính và dòng tiêu đề về như cũ "
                "(hoặc tạo lại workbook bằng lệnh «kehoach build»)."
            )
        years = layout.sheet_years(header_rows)
        if years is None:
            raise self.error(
                "Không xác định được năm của kế hoạch: tiêu đề các cột «Điểm đạt được năm …», "
                "«Mục tiêu năm …» của các trang PL1–PL4 (dòng "
                f"{layout.HEADER_ROW}) phải ghi cùng một năm kết quả và một năm mục tiêu."
            )
        self.years = years

    def named_value(self, key: str, name: str) -> Any:
        defined = self.wb.defined_names.get(name)
        destinations = list(defined.destinations) if defined is not None else []
        if len(destinations) != 1:
            raise self.error(layout.missing_plan_name(key), sheet=layout.COVER_SHEET)
        sheet, ref = destinations[0]
        if sheet not in self.wb.sheetnames:
            raise self.error(f"Tên '{name}' chỉ tới trang tính không có: '{sheet}'.", sheet=sheet)
        ref = ref.replace("$", "")
        cell = self.wb[sheet][ref]
        if isinstance(cell, tuple):
            raise self.error(f"Tên '{name}' phải chỉ tới một ô, đang là {ref}.", sheet=sheet)
        return cell.value

    # --- appendix sheets ---------------------------------------------------------------

    def appendix(self, appendix_id: str) -> Appendix:
        sheet = layout.APPENDIX_SHEETS[appendix_id]
        ws = self.wb[sheet]
        columns = layout.APPENDIX_COLUMNS[appendix_id]
        title = cell_text(ws.cell(layout.TITLE_ROW, 1).value).strip()
        appendix = Appendix(id=appendix_id, title=title)
        rows = list(self.data_rows(ws, columns))
        if not rows:
            raise self.error(
                "Trang tính không có dòng dữ liệu nào.",
                sheet=sheet,
                cell=f"A{layout.FIRST_DATA_ROW}",
            )
        group, group_title = "", ""
        section: Section | None = None
        seen: dict[str, str] = {}
        prefix = f"{appendix_id}-"
        for row, values in rows:
            kind_cell = f"{layout.column_letter(columns, 'kind')}{row}"
            kind = layout.KIND_ROWS.get(cell_text(values["kind"]).strip())
            if kind is None:
                raise self.error(
                    layout.bad_kind_text(columns, row, values),
                    sheet=sheet,
                    cell=kind_cell,
                )
            row_id = cell_text(values["id"]).strip()
            id_cell = f"A{row}"
            if kind == "task":
                if section is None or not section.criteria:
                    raise self.error(
                        "Dòng nhiệm vụ đứng trước mọi tiêu chí.", sheet=sheet, cell=id_cell
                    )
                continue  # tasks are read from the tasks sheet
            if not row_id:
                raise self.error("Thiếu mã định danh.", sheet=sheet, cell=id_cell)
            if kind == "total":
                appendix.total = Totals(*self.numbers(ws, columns, row, values))
            elif kind == "group":
                group, group_title = (
                    self.child_id(row_id, prefix, sheet, id_cell),
                    cell_text(values["name"]),
                )
            elif kind == "section":
                max_, s22, target = self.numbers(ws, columns, row, values)
                section = Section(
                    id=self.child_id(row_id, prefix, sheet, id_cell),
                    title=cell_text(values["name"]),
                    max=max_,
                    score_base=s22,
                    target=target,
                    group=group,
                    group_title=group_title,
                    line=self.line(ws, columns, row, values),
                )
                appendix.sections.append(section)
            else:
                if section is None:
                    raise self.error(
                        "Dòng tiêu chí đứng trước mọi dòng lĩnh vực.", sheet=sheet, cell=id_cell
                    )
                if row_id in seen:
                    raise self.error(
                        f"Mã định danh «{row_id}» trùng với ô {seen[row_id]}.",
                        sheet=sheet,
                        cell=id_cell,
                    )
                seen[row_id] = id_cell
                section.criteria.append(self.criterion(ws, columns, row, values, row_id))
        return appendix

    def data_rows(
        self, ws: Worksheet, columns: Sequence[layout.Column]
    ) -> list[tuple[int, dict[str, Any]]]:
        """(row number, values by column key) of each non-blank row below the header."""
        out: list[tuple[int, dict[str, Any]]] = []
        width = len(columns)
        for row_no, row in enumerate(
            ws.iter_rows(min_row=layout.FIRST_DATA_ROW, max_col=width, values_only=True),
            start=layout.FIRST_DATA_ROW,
        ):
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in row):
                continue
            padded = list(row) + [None] * (width - len(row))
            out.append((row_no, {c.key: padded[i] for i, c in enumerate(columns)}))
        return out

    def child_id(self, row_id: str, prefix: str, sheet: str, cell: str) -> str:
        if not row_id.startswith(prefix) or len(row_id) == len(prefix):
            raise self.error(
                f"Mã định danh «{row_id}» phải bắt đầu bằng «{prefix}».", sheet=sheet, cell=cell
            )
        return row_id[len(prefix) :]

    def number(
        self, ws: Worksheet, columns: Sequence[layout.Column], row: int, key: str, value: Any
    ) -> float | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            header = columns[layout.column_index(columns, key) - 1].text(self.years)
            raise self.error(
                f"Cột «{header}» phải là số, đang là «{value}».",
                sheet=ws.title,
                cell=f"{layout.column_letter(columns, key)}{row}",
            )
        return float(value)

    def numbers(
        self, ws: Worksheet, columns: Sequence[layout.Column], row: int, values: dict[str, Any]
    ) -> tuple[float | None, float | None, float | None]:
        return (
            self.number(ws, columns, row, "max", values["max"]),
            self.number(ws, columns, row, "score_base", values["score_base"]),
            self.number(ws, columns, row, "target", values["target"]),
        )

    def line(
        self, ws: Worksheet, columns: Sequence[layout.Column], row: int, values: dict[str, Any]
    ) -> int:
        found = self.number(ws, columns, row, "line", values["line"])
        return int(found) if found is not None else 0

    def labels(
        self, ws: Worksheet, columns: Sequence[layout.Column], row: int, key: str, value: Any
    ) -> list[str]:
        out: list[str] = []
        for label in cell_text(value).split(","):
            label = label.strip()
            if not label:
                continue
            if label not in layout.LABEL_FIELDS:
                allowed = ", ".join(f"«{k}»" for k in layout.LABEL_FIELDS)
                raise self.error(
                    f"Nhãn «{label}» không hợp lệ (dùng {allowed}, cách nhau bằng dấu phẩy).",
                    sheet=ws.title,
                    cell=f"{layout.column_letter(columns, key)}{row}",
                )
            out.append(layout.LABEL_FIELDS[label])
        return out

    def criterion(
        self,
        ws: Worksheet,
        columns: Sequence[layout.Column],
        row: int,
        values: dict[str, Any],
        criterion_id: str,
    ) -> Criterion:
        max_ = self.number(ws, columns, row, "max", values["max"])
        s22 = self.number(ws, columns, row, "score_base", values["score_base"])
        target_value = values["target"]
        target: float | None = None
        target_text = ""
        if isinstance(target_value, int | float) and not isinstance(target_value, bool):
            target = float(target_value)
            comment = ws[f"{layout.column_letter(columns, 'target')}{row}"].comment
            target_text = comment.text if comment is not None else ""
        else:
            target_text = cell_text(target_value)
        survey_text = cell_text(values["survey"]).strip()
        if survey_text.lower() not in ("", layout.SURVEY_MARK):
            raise self.error(
                f"Cột «Điều tra XHH» chỉ nhận «{layout.SURVEY_MARK}» hoặc để trống, "
                f"đang là «{survey_text}».",
                sheet=ws.title,
                cell=f"{layout.column_letter(columns, 'survey')}{row}",
            )
        return Criterion(
            id=criterion_id,
            code=cell_text(values["code"]),
            name=cell_text(values["name"]),
            max=max_,
            score_base=s22,
            target=target,
            target_text=target_text,
            survey=bool(survey_text),
            tt=cell_text(values["tt"]),
            inherited=self.labels(ws, columns, row, "inherited", values["inherited"]),
            variants=self.variants(ws, columns, row, values["variants"]),
            line=self.line(ws, columns, row, values),
        )

    def variants(
        self, ws: Worksheet, columns: Sequence[layout.Column], row: int, value: Any
    ) -> list[Variant]:
        out: list[Variant] = []
        for text in cell_text(value).splitlines():
            if not text.strip():
                continue
            match = VARIANT_LINE.fullmatch(text)
            field = layout.variant_field(match["label"]) if match else None
            if match is None or field is None:
                raise self.error(
                    f"Dòng «{text}» phải có dạng «nhãn: giá trị (dòng N)», nhãn là một trong "
                    + ", ".join(f"«{k}»" for k in layout.VARIANT_FIELDS)
                    + ".",
                    sheet=ws.title,
                    cell=f"{layout.column_letter(columns, 'variants')}{row}",
                )
            out.append(Variant(field=field, value=match["value"], line=int(match["line"])))
        return out

    # --- tasks sheet -------------------------------------------------------------------

    def attach_tasks(self, plan: Plan) -> None:
        ws = self.wb[layout.TASKS_SHEET]
        columns = layout.TASK_COLUMNS
        criteria = {(a.id, c.id): c for a in plan.appendices for c in a.criteria}
        seen: dict[str, str] = {}
        for row, values in self.data_rows(ws, columns):
            task_id = cell_text(values["id"]).strip()
            if not task_id:
                raise self.error("Thiếu mã nhiệm vụ.", sheet=ws.title, cell=f"A{row}")
            if task_id in seen:
                raise self.error(
                    f"Mã nhiệm vụ «{task_id}» trùng với ô {seen[task_id]}.",
                    sheet=ws.title,
                    cell=f"A{row}",
                )
            seen[task_id] = f"A{row}"
            appendix_id = cell_text(values["appendix"]).strip()
            criterion_id = cell_text(values["criterion_id"]).strip()
            criterion = criteria.get((appendix_id, criterion_id))
            if criterion is None:
                col = layout.column_letter(columns, "criterion_id")
                raise self.error(
                    f"Không có tiêu chí «{criterion_id}» trong phụ lục «{appendix_id}» "
                    f"(xem các trang {', '.join(layout.APPENDIX_SHEETS.values())}).",
                    sheet=ws.title,
                    cell=f"{col}{row}",
                )
            criterion.tasks.append(
                Task(
                    id=task_id,
                    text=cell_text(values["text"]),
                    lead=cell_text(values["lead"]),
                    coordinating=cell_text(values["coordinating"]),
                    timeline=cell_text(values["timeline"]),
                    inherited=self.labels(ws, columns, row, "inherited", values["inherited"]),
                    misplaced=self.labels(ws, columns, row, "misplaced", values["misplaced"]),
                    line=self.line(ws, columns, row, values),
                )
            )
