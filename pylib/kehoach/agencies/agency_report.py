"""The resolution of agency texts, as it shows in the master workbook.

Three places: the tasks sheet's columns "Cơ quan chủ trì/phối hợp (đã xác định)", the
directory's task counts, and the sheet ``layout.UNRESOLVED_SHEET`` listing what a person has
to settle (fragments that name nothing, groups without members), each with a link to its
cell. The builder writes them from ``rows`` here; ``resolution_edits`` rewrites them as edits
(after officials changed the directory or a task), and ``refresh_resolution`` does the whole
round from sheet values: read the directory and the tasks, resolve, describe the edits.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kehoach.agencies.directory import ROLES, Directory, load_directory
from kehoach.agencies.resolve import (
    Resolution,
    Resolver,
    TaskAgencies,
    resolve_plan,
    resolved_counts,
    shown_text,
)
from kehoach.sheets import layout
from kehoach.sheets.edits import ClearRows, Edit, EnsureSheet, Link, WriteValues
from kehoach.sheets.sheetdata import SheetValues, cell_ref, is_blank, plan_table

if TYPE_CHECKING:
    import pandas as pd


def tasks_from_values(
    values: Mapping[str, SheetValues], *, file: str | Path | None = None
) -> list[TaskAgencies]:
    """The tasks sheet's agency texts, with their rows (WorkbookError when it is damaged)."""
    return tasks_from_table(plan_table(values, layout.TASKS_SHEET, layout.TASK_COLUMNS, file=file))


def tasks_from_table(table: pd.DataFrame) -> list[TaskAgencies]:
    """The agency texts of the tasks sheet read as a table (``sheetdata.plan_table``)."""
    out: list[TaskAgencies] = []
    columns = table[["id", "lead", "coordinating", "code"]]
    for row, task, lead, coordinating, code in columns.itertuples(name=None):  # not cell by cell
        task_id = _text(task)
        if task_id:
            out.append(
                TaskAgencies(task_id, _text(lead), _text(coordinating), int(row), _text(code))
            )
    return out


def tasks_from_records(records: Mapping[int, Mapping[str, Any]]) -> list[TaskAgencies]:
    """``tasks_from_table`` of the tasks sheet read as records (``MasterState.records``)."""
    out: list[TaskAgencies] = []
    for row, cells in records.items():
        task_id = _text(cells["id"])
        if task_id:
            out.append(
                TaskAgencies(
                    task_id,
                    _text(cells["lead"]),
                    _text(cells["coordinating"]),
                    int(row),
                    _text(cells["code"]),
                )
            )
    return out


def _text(value: Any) -> str:
    if is_blank(value) or (isinstance(value, float) and value != value):
        return ""
    return str(value).strip()


def resolved_cells(
    resolution: Resolution, directory: Directory | Resolver, task_id: str
) -> list[str]:
    """The two "(đã xác định)" cells of a task: lead, coordinating (a Resolver of the
    directory, built once, when writing many tasks)."""
    return [shown_text(resolution.pieces.get((task_id, role), []), directory) for role in ROLES]


def unresolved_rows(resolution: Resolution) -> list[dict[str, Any]]:
    """One row per fragment to settle (by ``layout.UNRESOLVED_COLUMNS`` key), in task order:
    the unresolved and the undecided of each task and role together."""
    order = {key: i for i, key in enumerate(resolution.pieces)}
    items: list[tuple[int, int, dict[str, Any]]] = []
    for n, u in enumerate(resolution.unresolved):
        items.append(
            (
                order.get((u.task_id, u.role), 0),
                n,
                {
                    "status": layout.UNRESOLVED_STATUS["unresolved"],
                    "task": u.task_id,
                    "code": u.code,
                    "role": ROLES[u.role],
                    "fragment": u.text,
                    "entry": "",
                    "cell": u.cell,
                },
            )
        )
    seen: set[tuple[str, str, str]] = set()
    for n, d in enumerate(resolution.undecided):
        if (d.task_id, d.role, d.group) in seen:
            continue
        seen.add((d.task_id, d.role, d.group))
        items.append(
            (
                order.get((d.task_id, d.role), 0),
                len(resolution.unresolved) + n,
                {
                    "status": layout.UNRESOLVED_STATUS["undecided"],
                    "task": d.task_id,
                    "code": d.code,
                    "role": ROLES[d.role],
                    "fragment": d.text,
                    "entry": d.group,
                    "cell": d.cell,
                },
            )
        )
    items.sort(key=lambda item: (item[0], item[1]))
    return [{"number": i, **row} for i, (_, _, row) in enumerate(items, start=1)]


def unresolved_summary(resolution: Resolution) -> str:
    rows = unresolved_rows(resolution)
    unresolved = sum(1 for r in rows if r["status"] == layout.UNRESOLVED_STATUS["unresolved"])
    return (
        f"{unresolved} tên chưa xác định, {len(rows) - unresolved} nhóm cần quyết định "
        f"thành viên. {layout.UNRESOLVED_HINT}"
    )


def resolution_edits(
    values: Mapping[str, SheetValues], directory: Directory, resolution: Resolution
) -> list[Edit]:
    """Edits that bring the workbook in line with ``resolution``: the tasks sheet's resolved
    columns (rows as in ``resolution``'s tasks), the directory's counts (rows found by code
    in the directory sheet of ``values``) and the unresolved sheet (rewritten whole)."""
    edits: list[Edit] = []
    # Tasks sheet: the two adjacent columns, row by row as the resolution found the tasks.
    first = layout.column_letter(layout.TASK_COLUMNS, "lead_resolved")
    resolver = Resolver(directory)
    for task_id, row in resolution.rows.items():
        if row:
            edits.append(
                WriteValues(
                    layout.TASKS_SHEET,
                    f"{first}{row}",
                    [resolved_cells(resolution, resolver, task_id)],
                )
            )
    # Directory counts.
    counts = resolved_counts(resolution)
    sheet = values.get(layout.DIRECTORY_SHEET, [])
    count_col = layout.column_letter(layout.DIRECTORY_COLUMNS, "lead_tasks")
    for number, row_values in enumerate(
        sheet[layout.FIRST_DATA_ROW - 1 :], start=layout.FIRST_DATA_ROW
    ):
        code = _text(row_values[0]) if row_values else ""
        if code:
            lead, coordinating = counts.get(code, (0, 0))
            edits.append(
                WriteValues(layout.DIRECTORY_SHEET, f"{count_col}{number}", [[lead, coordinating]])
            )
    edits.extend(unresolved_sheet_edits(resolution))
    return edits


def unresolved_sheet_edits(resolution: Resolution) -> list[Edit]:
    """The unresolved sheet rewritten: summary in row 2, one row per item from the first
    data row, the "Ô" column a link to the task's cell."""
    sheet = layout.UNRESOLVED_SHEET
    columns = layout.UNRESOLVED_COLUMNS
    edits: list[Edit] = [
        EnsureSheet(sheet),
        WriteValues(sheet, f"A{layout.TITLE_ROW}", [[layout.UNRESOLVED_TITLE]]),
        WriteValues(sheet, f"A{layout.SUBTITLE_ROW}", [[unresolved_summary(resolution)]]),
        WriteValues(sheet, f"A{layout.HEADER_ROW}", [[c.header for c in columns]]),
        ClearRows(sheet, layout.FIRST_DATA_ROW),
    ]
    rows = unresolved_rows(resolution)
    if rows:
        keys = [c.key for c in columns if c.key != "cell"]
        edits.append(
            WriteValues(sheet, f"A{layout.FIRST_DATA_ROW}", [[r[k] for k in keys] for r in rows])
        )
    letter = layout.column_letter(columns, "cell")
    for i, r in enumerate(rows):
        if r["cell"]:
            column = r["cell"].rstrip("0123456789")
            ref = cell_ref(layout.TASKS_SHEET, column, int(r["cell"][len(column) :]))
            edits.append(Link(sheet, f"{letter}{layout.FIRST_DATA_ROW + i}", ref, ref))
    return edits


def refresh_resolution(
    values: Mapping[str, SheetValues], *, file: str | Path | None = None
) -> tuple[Directory, Resolution, list[Edit]]:
    """Read the directory and the tasks from the workbook's values, resolve, and describe
    the edits (WorkbookError naming sheet and cell when the directory or tasks sheet is
    damaged; nothing is to be changed then)."""
    directory = load_directory(values, file=file)
    resolution = resolve_plan(tasks_from_values(values, file=file), directory)
    return directory, resolution, resolution_edits(values, directory, resolution)


def counts_for(resolution: Resolution, codes: Sequence[str]) -> list[tuple[int, int]]:
    counts = resolved_counts(resolution)
    return [counts.get(c, (0, 0)) for c in codes]
