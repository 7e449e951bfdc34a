"""Which tasks go into which agency's workbook ("tệp gửi cơ quan"): ``agency_extracts``.

For every agency with at least one task, the tasks it leads or coordinates (directly or
through a group), one row per task in plan order, with the locked cells of its row. Laying a
row out is ``kehoach.extract.book``'; writing the files ``kehoach.extract.files``'. Pure core.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from kehoach.agencies.directory import ROLES, Agency, Assignment, Directory
from kehoach.common.errors import KeHoachError
from kehoach.plan.model import Criterion, Plan, Task
from kehoach.plan.timelines import due_value, parse_timeline, plan_year
from kehoach.sheets import extract_layout as ex
from kehoach.sheets import layout


class ExtractError(KeHoachError):
    """The agency workbooks cannot be generated (unknown agency, clashing file names, …)."""


@dataclass(frozen=True)
class ExtractRow:
    """One task of one agency's workbook: the locked cells of its row, by column key."""

    task_id: str
    role: str  # a key of directory.ROLES
    values: dict[str, Any]

    def cells(self, number: int) -> list[Any]:
        """The row's locked cells in ``extract_layout.TASK_COLUMNS`` order (STT = ``number``)."""
        values = {**self.values, "number": number, "role": ROLES[self.role]}
        return [values.get(c.key) for c in ex.TASK_COLUMNS]


@dataclass
class AgencyExtract:
    """The tasks of one agency, in plan order."""

    agency: Agency
    rows: list[ExtractRow] = field(default_factory=list)

    @property
    def lead_tasks(self) -> int:
        return sum(1 for r in self.rows if r.role == "lead")

    @property
    def coordinating_tasks(self) -> int:
        return sum(1 for r in self.rows if r.role == "coordinating")


# --- which tasks -----------------------------------------------------------------------------


def agency_extracts(
    plan: Plan, directory: Directory, assignments: Sequence[Assignment]
) -> list[AgencyExtract]:
    """One AgencyExtract per agency reached by an assignment, in directory order
    (``Selection``, all at once).

    An agency reached by one task more than once (named directly and through a group, or as
    lead and as coordinator) gets one row: as lead when any assignment makes it lead; its
    "Được giao qua" lists each way it was reached. Raises ExtractError for an assignment to a
    code the directory does not have, to an entry that is not a recipient (a group), or to a
    task the plan does not have.
    """
    return list(Selection(plan, directory, assignments))


class Selection:
    """The agency workbooks' rows, one agency at a time: iterating gives the AgencyExtracts
    of ``agency_extracts`` in the same order, each built when it is reached, so that writing
    hundreds of files never holds every agency's rows at once.

    Every assignment is checked when the selection is made (ExtractError as in
    ``agency_extracts``); ``agencies`` lists who gets a workbook without building any row.
    """

    def __init__(self, plan: Plan, directory: Directory, assignments: Sequence[Assignment]) -> None:
        known = {a.code: a for a in directory.agencies}
        self._tasks = {t.id: (a.id, c, t) for a, _s, c, t in plan.iter_tasks()}
        by_task: dict[str, list[Assignment]] = {}
        for assignment in assignments:
            agency = known.get(assignment.agency)
            if agency is None or not agency.is_recipient:
                what = (
                    "không có trong danh mục" if agency is None else "không phải một cơ quan nhận"
                )
                raise ExtractError(
                    f"Nhiệm vụ «{assignment.task_id}» được giao cho mã «{assignment.agency}», "
                    f"mã này {what} (trang «{layout.DIRECTORY_SHEET}»)."
                )
            if assignment.task_id not in self._tasks:
                raise ExtractError(f"Kế hoạch không có nhiệm vụ «{assignment.task_id}».")
            by_task.setdefault(assignment.task_id, []).append(assignment)
        # Agency → task id → its assignments, tasks in plan order (references, no rows yet).
        self._mine: dict[str, dict[str, list[Assignment]]] = {}
        for task_id in self._tasks:
            for a in by_task.get(task_id, ()):
                self._mine.setdefault(a.agency, {}).setdefault(task_id, []).append(a)
        self._by_task = by_task
        self._known = known
        self._year = plan_year(plan)
        self._shared: dict[str, tuple[dict[str, Any], _Others]] = {}
        self.agencies = [a for a in directory.agencies if a.code in self._mine]

    def __iter__(self) -> Iterator[AgencyExtract]:
        for agency in self.agencies:
            yield self.extract(agency)

    def extract(self, agency: Agency) -> AgencyExtract:
        """The workbook rows of ``agency`` (one of ``agencies``), in plan order."""
        rows: list[ExtractRow] = []
        for task_id, own in self._mine[agency.code].items():
            shared, others = self._task(task_id)
            role = "lead" if any(a.role == "lead" for a in own) else "coordinating"
            values = {**shared, "others": others.text(agency.code), "via": _via(own)}
            rows.append(ExtractRow(task_id, role, values))
        return AgencyExtract(agency, rows)

    def _task(self, task_id: str) -> tuple[dict[str, Any], _Others]:
        # Once per task: its values and the other agencies' text are shared by all its rows.
        found = self._shared.get(task_id)
        if found is None:
            appendix_id, criterion, task = self._tasks[task_id]
            found = (
                _task_values(appendix_id, criterion, task, self._year),
                _Others(self._by_task[task_id], self._known),
            )
            self._shared[task_id] = found
        return found


def _task_values(appendix_id: str, criterion: Criterion, task: Task, year: int) -> dict[str, Any]:
    due = due_value(parse_timeline(task.timeline, year), year)
    target: float | str | None = criterion.target
    if target is None:
        target = criterion.target_text or None
    return {
        "task_id": task.id,
        "appendix": appendix_id,
        "code": criterion.code,
        "criterion": criterion.name,
        "max": criterion.max,
        "score_base": criterion.score_base,
        "target": target,
        "task": task.text,
        "timeline": task.timeline,
        "due": due,
    }


def _via(mine: Sequence[Assignment]) -> str:
    ways: list[str] = []
    for a in mine:
        way = a.via or ex.DIRECT
        if a.commune:
            way += f" ({ex.COMMUNE_NOTE})"
        if way not in ways:
            ways.append(way)
    return "; ".join(ways)


class _Others:
    """ "Cơ quan khác cùng thực hiện" of one task, for each of its agencies: the task's agencies
    by role, those reached through a group by the group's words ("Các sở, ban, ngành"), less
    the agency itself where the plan names it directly. Built once per task: a group of
    hundreds of communes must not cost hundreds squared."""

    def __init__(self, found: Sequence[Assignment], agencies: dict[str, Agency]) -> None:
        # Per role: (name shown, code when named directly) in order, each name once.
        self.entries: dict[str, list[tuple[str, str]]] = {}
        direct: set[str] = set()
        for role in ROLES:
            seen: dict[str, str] = {}
            for a in found:
                if a.role != role:
                    continue
                name = a.via or agencies[a.agency].name
                if name not in seen:
                    seen[name] = "" if a.via else a.agency
                if not a.via:
                    direct.add(a.agency)
            self.entries[role] = list(seen.items())
        self.direct = direct
        self.common = self._text("")

    def text(self, code: str) -> str:
        return self._text(code) if code in self.direct else self.common

    def _text(self, code: str) -> str:
        parts: list[str] = []
        for role, label in ROLES.items():
            names = [name for name, direct in self.entries[role] if not code or direct != code]
            if names:
                parts.append(f"{label.capitalize()}: " + "; ".join(names))
        return ". ".join(parts)
