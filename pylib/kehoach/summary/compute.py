"""Summary of progress: where each agency and each part of the plan stands on a given day.

Pure core (pandas, never xlwings). ``summarize(state, as_of)`` reads the master read once into
a ``kehoach.state.master.MasterState`` (by openpyxl in the CLI, through xlwings in Excel):

- the plan's hierarchy: the tasks sheet (task → criterion, timeline) and the appendix sheets'
  "Loại dòng" column (criterion → section → appendix);
- who has which task: the directory sheet resolved over the tasks sheet
  (``kehoach.agencies.resolve``), one pair per (task, agency), as lead when any assignment makes it
  lead (as the agency workbooks have it); a report in "TienDo" for a pair the directory no
  longer gives is counted too, with the role it was sent with;
- the reports: sheet "TienDo" (the latest accepted report of each pair), and "ThuThap" (the
  last collection: files rejected per agency). A workbook without these sheets has no reports.

Each pair gets one status (``summary_layout.STATUS_KEYS``), judged against the deadline that
applies on ``as_of`` (``timelines.current_period_due``):

- ``done_on_time``: "Hoàn thành", reported on or before the deadline (or there is none);
- ``done_late``: "Hoàn thành" reported after it (no report date: late once the deadline passed);
- ``overdue``: not done and the deadline is before ``as_of`` (reported or not);
- ``in_progress`` / ``not_started``: "Đang thực hiện" / "Chưa triển khai", deadline not passed;
- ``not_possible``: "Không thực hiện được";
- ``not_reported``: no status, deadline not passed.

Recurring work ("Thường xuyên", quarterly) is due every quarter: only a report dated in the
quarter of ``as_of`` counts; an older one leaves the pair not reported (or overdue once the
quarter's report day has passed). ``without_evidence`` flags "Hoàn thành" with neither a
document cited nor an explanation (the PAR INDEX scores only what has evidence).

Counts per agency, per criterion, section and appendix, and overall; the agencies with tasks
that have sent no accepted file (``not_reported``, with their e-mail addresses, for the
reminders). ``Summary.to_dict()`` is the CLI's ``--json``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from openpyxl.utils import get_column_letter

from kehoach.agencies.agency_report import tasks_from_records
from kehoach.agencies.directory import ROLES
from kehoach.agencies.resolve import resolve_plan
from kehoach.common.errors import WorkbookError
from kehoach.plan.model import APPENDIX_IDS
from kehoach.plan.timelines import Timeline, current_period_due, date_vi, parse_timeline
from kehoach.sheets import extract_layout as ex
from kehoach.sheets import layout
from kehoach.sheets import progress_layout as pl
from kehoach.sheets import summary_layout as sl
from kehoach.sheets.sheetdata import is_blank
from kehoach.state.master import MasterState

if TYPE_CHECKING:  # pandas takes a quarter of a second to import: only for the tables
    import pandas as pd

ITEM_FIELDS: tuple[str, ...] = (
    "task_id",
    "agency",
    "role",
    "appendix",
    "section",
    "criterion",
    "code",
    "timeline_kind",
    "due",
    "status_text",
    "report_date",
    "status",
    "reported",
    "without_evidence",
)
ACCEPTED_RESULTS = (pl.ACCEPTED, pl.UNCHANGED)
_ROLE_KEYS: dict[str, str] = {**{v: k for k, v in ROLES.items()}, **{k: k for k in ROLES}}
_PLAN_DATE = re.compile(r"ngày \d{1,2}/\d{1,2}/(\d{4})")
_DMY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


@dataclass(frozen=True)
class NotReported:
    """An agency with tasks that has sent no accepted file: who to remind."""

    code: str
    name: str
    emails: tuple[str, ...]
    lead: int
    coordinating: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "emails": list(self.emails),
            "lead": self.lead,
            "coordinating": self.coordinating,
        }


Rows = dict[str, dict[str, Any]]  # id → column → value, in order


@dataclass
class Summary:
    """The progress on ``as_of``.

    ``items``: one row per (task, agency) pair (``ITEM_FIELDS``). ``agencies``: index agency
    code, in directory order, columns name, emails, ``summary_layout.COUNT_KEYS``, pct_done,
    last_report, files_rejected, has_file. ``criteria``, ``sections``, ``appendices``: the same
    counts per node of the plan (index its id; columns appendix, section, code, name; plan
    order); ``overall`` the whole plan's. ``rejected_unknown``: rejected files whose agency
    could not be told.

    Computed in plain Python (``item_rows``, ``agency_rows``, ``criterion_rows``,
    ``section_rows``, ``appendix_rows``: id → column → value); the DataFrames above are built
    from them when first asked for, so the text of ``kehoach summary`` needs no pandas.
    """

    as_of: date
    year: int
    item_rows: list[dict[str, Any]]
    agency_rows: Rows
    criterion_rows: Rows
    section_rows: Rows
    appendix_rows: Rows
    overall: dict[str, Any]
    rejected_unknown: int = 0
    file: str | None = None
    not_reported_list: list[NotReported] = field(default_factory=list)

    @cached_property
    def items(self) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame.from_records(self.item_rows, columns=list(ITEM_FIELDS))

    @cached_property
    def agencies(self) -> pd.DataFrame:
        rows = self.agency_rows
        frame = _counts_frame(rows)
        frame.insert(0, "name", [r["name"] for r in rows.values()])
        frame.insert(1, "emails", [r["emails"] for r in rows.values()])
        frame["files_rejected"] = [r["files_rejected"] for r in rows.values()]
        frame["has_file"] = [r["has_file"] for r in rows.values()]
        frame.index.name = "code"
        return frame

    @cached_property
    def criteria(self) -> pd.DataFrame:
        return _node_frame(self.criterion_rows, ("appendix", "section", "code", "name"))

    @cached_property
    def sections(self) -> pd.DataFrame:
        return _node_frame(self.section_rows, ("appendix", "code", "name"))

    @cached_property
    def appendices(self) -> pd.DataFrame:
        return _node_frame(self.appendix_rows, ("name",))

    def to_dict(self) -> dict[str, Any]:
        def rows(frame: pd.DataFrame, key: str) -> list[dict[str, Any]]:
            return [
                {key: str(index), **{k: _json(v) for k, v in values.items()}}
                for index, values in frame.iterrows()
            ]

        return {
            "as_of": self.as_of.isoformat(),
            "plan_year": self.year,
            "statuses": dict(sl.STATUS_LABELS),
            "overall": {k: _json(v) for k, v in self.overall.items()},
            "appendices": rows(self.appendices, "id"),
            "sections": rows(self.sections, "id"),
            "criteria": rows(self.criteria, "id"),
            "agencies": rows(self.agencies.drop(columns=["has_file"]), "code"),
            "not_reported": [n.to_dict() for n in self.not_reported_list],
            "rejected_unknown": self.rejected_unknown,
            "items": [
                {k: _json(v) for k, v in values.items()}
                for _, values in self.items.drop(columns=["status_text"]).iterrows()
            ],
        }


_COUNTED = (*sl.COUNT_KEYS, "pct_done", "last_report")


def _counts_frame(rows: Rows) -> pd.DataFrame:
    """The counts, rate and last report of ``rows`` as a table (index: their ids): counts as
    ints, every column of dtype object."""
    import pandas as pd

    index = list(rows)
    out = pd.DataFrame(
        {k: [rows[i][k] for i in index] for k in sl.COUNT_KEYS},
        index=index,
        columns=list(sl.COUNT_KEYS),
        dtype=int,
    )
    out["pct_done"] = [rows[i]["pct_done"] for i in index]
    out["last_report"] = [rows[i]["last_report"] for i in index]
    return out.astype(object)


def _node_frame(rows: Rows, labels: Sequence[str]) -> pd.DataFrame:
    """``_counts_frame`` of ``rows`` with their ``labels`` columns first."""
    frame = _counts_frame(rows)
    for i, key in enumerate(labels):
        frame.insert(i, key, [r[key] for r in rows.values()])
    return frame


def not_reported(summary: Summary) -> list[NotReported]:
    """The agencies with tasks that have sent no accepted file, in directory order."""
    return list(summary.not_reported_list)


def _json(value: Any) -> Any:
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


# --- reading ---------------------------------------------------------------------------------


def plan_year_of(state: MasterState, default: int) -> int:
    """The plan's year, from the tasks sheet's subtitle ("… ngày 15/3/2026 …")."""
    rows = state.sheets.get(layout.TASKS_SHEET, ())
    if len(rows) >= layout.SUBTITLE_ROW and rows[layout.SUBTITLE_ROW - 1]:
        found = _PLAN_DATE.search(str(rows[layout.SUBTITLE_ROW - 1][0] or ""))
        if found:
            return int(found[1])
    return default


def _text(value: Any) -> str:
    if is_blank(value) or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _status(value: Any, sheet: str, cell: str, file: str | Path | None) -> str:
    """A status of "TienDo" as the list spells it ("" when blank); one that is none of the
    list's is named, not counted as no report."""
    text = _text(value)
    if not text or text in ex.STATUSES:
        return text
    # Typed or pasted by hand ("hoàn thành", decomposed, a trailing no-break space).
    found = ex.listed_status(text)
    if found is None:
        allowed = ", ".join(f"«{s}»" for s in ex.STATUSES)
        raise WorkbookError(
            f"tình trạng «{text}» không có trong danh sách; chọn một trong: {allowed}.",
            file=file,
            sheet=sheet,
            cell=cell,
        )
    return found


def _date(value: Any, sheet: str, cell: str, file: str | Path | None) -> date | None:
    if is_blank(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    try:
        return datetime.fromisoformat(text).date()
    except ValueError:
        pass
    found = _DMY.fullmatch(text)
    if found:
        try:
            return date(int(found[3]), int(found[2]), int(found[1]))
        except ValueError:
            pass
    raise WorkbookError(
        f"cần một ngày (dd/mm/yyyy), đang là «{text}».", file=file, sheet=sheet, cell=cell
    )


def progress_records(
    state: MasterState, sheet: str, columns: Sequence[layout.Column]
) -> Mapping[int, Mapping[str, Any]]:
    """The data rows of a progress sheet (Excel row → key → value); empty when the sheet is
    absent or has no rows. WorkbookError naming the cell when a header is wrong."""
    values, file = state.sheets, state.file
    if sheet not in values:
        return {}
    rows = values[sheet]
    if not any(not is_blank(v) for row in rows[pl.FIRST_DATA_ROW - 1 :] for v in row):
        header = rows[pl.HEADER_ROW - 1] if len(rows) >= pl.HEADER_ROW else []
        for i, col in enumerate(columns):
            found = header[i] if i < len(header) else None
            if _text(found) != col.header:
                raise WorkbookError(
                    f"tiêu đề cột phải là «{col.header}», đang là «{_text(found)}».",
                    file=file,
                    sheet=sheet,
                    cell=f"{get_column_letter(i + 1)}{pl.HEADER_ROW}",
                )
        return {}
    return state.records(sheet, columns)


def progress_table(
    state: MasterState, sheet: str, columns: Sequence[layout.Column]
) -> pd.DataFrame:
    """``progress_records`` as a table (index: Excel row; columns: keys)."""
    import pandas as pd

    if not progress_records(state, sheet, columns):
        return pd.DataFrame(columns=[c.key for c in columns], dtype=object)
    return state.table(sheet, columns)


@dataclass(frozen=True)
class _Node:
    id: str
    code: str
    name: str
    appendix: str
    section: str = ""


def _plan_nodes(state: MasterState) -> tuple[dict[str, _Node], dict[str, _Node]]:
    """(criteria, sections) by id, in plan order, from the appendix sheets' row kinds."""
    criteria: dict[str, _Node] = {}
    sections: dict[str, _Node] = {}
    for appendix_id in APPENDIX_IDS:
        section = ""
        for c in state.records(layout.APPENDIX_SHEETS[appendix_id]).values():
            kind_text, row_id, name, tt, code = c["kind"], c["id"], c["name"], c["tt"], c["code"]
            kind = layout.KIND_ROWS.get(_text(kind_text))
            if kind == "section":
                section = _text(row_id)
                sections[section] = _Node(section, _text(tt), _text(name), appendix_id)
            elif kind == "criterion":
                node = _Node(_text(row_id), _text(code), _text(name), appendix_id, section)
                criteria[node.id] = node
    return criteria, sections


# --- classifying -----------------------------------------------------------------------------


def quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def classify(status_text: str, report_date: date | None, due: date | None, as_of: date) -> str:
    """The status key of one pair (see the module's docstring)."""
    passed = due is not None and due < as_of
    if status_text == ex.STATUS_DONE:
        if due is None:
            return sl.DONE_ON_TIME
        if report_date is None:
            return sl.DONE_LATE if passed else sl.DONE_ON_TIME
        return sl.DONE_ON_TIME if report_date <= due else sl.DONE_LATE
    if status_text == ex.STATUS_CANNOT:
        return sl.NOT_POSSIBLE
    if passed:
        return sl.OVERDUE
    if status_text == ex.STATUS_IN_PROGRESS:
        return sl.IN_PROGRESS
    if status_text == ex.STATUS_NOT_STARTED:
        return sl.NOT_STARTED
    return sl.NOT_REPORTED


def deadline(tl: Timeline, as_of: date) -> tuple[date | None, date | None]:
    """(the deadline on ``as_of``, the first day a report must be dated to count).

    Recurring work: the quarter of ``as_of`` (past the final report: the final quarter);
    other work: its one deadline, and any report counts."""
    if tl.kind != "recurring":
        return tl.due, None
    due = current_period_due(tl, as_of)
    if due is None and tl.end is not None:
        due = tl.end
    return due, quarter_start(due if due is not None and due < as_of else as_of)


# --- the summary ------------------------------------------------------------------------------


# The sheets summarize reads (``sheetdata.workbook_values(path, sheets=...)``).
SHEETS_READ: tuple[str, ...] = (
    *layout.APPENDIX_SHEETS.values(),
    layout.TASKS_SHEET,
    layout.DIRECTORY_SHEET,
    layout.DIRECTORY_BASE_SHEET,
    pl.PROGRESS_SHEET,
    pl.INTAKE_SHEET,
)


def summarize(state: MasterState, as_of: date, *, year: int | None = None) -> Summary:
    """The progress summary of the master workbook read into ``state`` on ``as_of``.

    ``year``: the plan's year, for timelines that leave it out (default: from the tasks
    sheet's subtitle). WorkbookError naming sheet and cell when a sheet it reads is damaged.
    """
    file = state.file
    year = year if year is not None else plan_year_of(state, as_of.year)
    directory = state.directory
    task_rows = state.records(layout.TASKS_SHEET)
    tasks = tasks_from_records(task_rows)
    criteria, sections = _plan_nodes(state)
    task_info: dict[str, tuple[str, Timeline]] = {}
    for cells in task_rows.values():
        task_id = _text(cells["id"])
        if task_id:
            timeline = parse_timeline(_text(cells["timeline"]), year)
            task_info[task_id] = (_text(cells["criterion_id"]), timeline)

    roles: dict[tuple[str, str], str] = {}
    for a in resolve_plan(tasks, directory).assignments:
        key = (a.task_id, a.agency)
        if roles.get(key) != "lead":
            roles[key] = a.role
    reports = _reports(state)
    recipients = {a.code for a in directory.recipients()}
    for (task_id, agency), sent in reports.items():
        if (task_id, agency) not in roles and task_id in task_info and agency in recipients:
            roles[(task_id, agency)] = sent["role"] or "coordinating"

    order = {t.task_id: i for i, t in enumerate(tasks)}
    agency_order = {a.code: i for i, a in enumerate(directory.agencies)}
    records: list[dict[str, Any]] = []
    for (task_id, agency), role in sorted(
        roles.items(), key=lambda kv: (order.get(kv[0][0], 0), agency_order.get(kv[0][1], 0))
    ):
        criterion_id, timeline = task_info[task_id]
        node = criteria.get(criterion_id, _Node(criterion_id, "", "", task_id.split("-")[0]))
        due, counts_from = deadline(timeline, as_of)
        report = reports.get((task_id, agency))
        status_text, report_date, evidence = "", None, True
        if report is not None:
            report_date = report["report_date"]
            if counts_from is None or (report_date is not None and report_date >= counts_from):
                status_text = report["status"]
                evidence = bool(report["evidence"] or report["explanation"])
        status = classify(status_text, report_date if status_text else None, due, as_of)
        records.append(
            {
                "task_id": task_id,
                "agency": agency,
                "role": role,
                "appendix": node.appendix,
                "section": node.section,
                "criterion": criterion_id,
                "code": node.code,
                "timeline_kind": timeline.kind,
                "due": due,
                "status_text": status_text,
                "report_date": report_date,
                "status": status,
                "reported": status_text in ex.STATUSES,
                "without_evidence": status_text == ex.STATUS_DONE and not evidence,
            }
        )
    rejected, accepted, unknown = _intake(state)

    def counts(by: str, index: Sequence[str]) -> Rows:
        """The counts, rate and last report date of the items of each of ``index`` by ``by``."""
        out: Rows = {i: dict.fromkeys(_COUNTED, 0) | {"last_report": None} for i in index}
        for item in records:
            row = out.get(item[by])
            if row is None:
                continue
            for flag, value in _flags(item).items():
                row[flag] += value
            when = item["report_date"]
            if when is not None and (row["last_report"] is None or when > row["last_report"]):
                row["last_report"] = when
        for row in out.values():
            row["pct_done"] = _pct(row)
        return out

    with_items = {key: {r[key] for r in records} for key in ("agency", "criterion", "section")}
    agency_codes = [a.code for a in directory.agencies if a.code in with_items["agency"]]
    with_reports = {a for (_, a) in reports} | accepted
    agencies: Rows = {}
    for code, row in counts("agency", agency_codes).items():
        entry = directory.by_code(code)
        agencies[code] = {
            "name": entry.name,
            "emails": entry.emails,
            **row,
            "files_rejected": rejected.get(code, 0),
            "has_file": code in with_reports,
        }
    crit: Rows = {
        c: {
            "appendix": criteria[c].appendix,
            "section": criteria[c].section,
            "code": criteria[c].code,
            "name": criteria[c].name,
            **row,
        }
        for c, row in counts(
            "criterion", [c for c in criteria if c in with_items["criterion"]]
        ).items()
    }
    sect: Rows = {
        s: {"appendix": sections[s].appendix, "code": sections[s].code, "name": sections[s].name}
        | row
        for s, row in counts("section", [s for s in sections if s in with_items["section"]]).items()
    }
    apps: Rows = {
        a: {"name": layout.INDEX_NAMES[a], **row}
        for a, row in counts("appendix", list(APPENDIX_IDS)).items()
    }
    overall: dict[str, Any] = dict.fromkeys(sl.COUNT_KEYS, 0)
    for item in records:
        for flag, value in _flags(item).items():
            overall[flag] += value
    overall["pct_done"] = _pct(overall)
    dates = [r["report_date"] for r in records if isinstance(r["report_date"], date)]
    overall["last_report"] = max(dates) if dates else None
    overall["files_rejected"] = sum(rejected.values()) + unknown
    overall["agencies"] = len(agency_codes)
    missing = [
        NotReported(code, a["name"], tuple(a["emails"]), a["lead"], a["coordinating"])
        for code, a in agencies.items()
        if not a["has_file"]
    ]
    overall["agencies_not_reported"] = len(missing)
    return Summary(
        as_of=as_of,
        year=year,
        item_rows=records,
        agency_rows=agencies,
        criterion_rows=crit,
        section_rows=sect,
        appendix_rows=apps,
        overall=overall,
        rejected_unknown=unknown,
        file=str(file) if file is not None else None,
        not_reported_list=missing,
    )


def _pct(counts: Mapping[str, Any]) -> float | None:
    tasks = int(counts["tasks"])
    if not tasks:
        return None
    return (int(counts[sl.DONE_ON_TIME]) + int(counts[sl.DONE_LATE])) / tasks


def _flags(item: Mapping[str, Any]) -> dict[str, int]:
    """What one item adds to each count key: 0 or 1."""
    out = {
        "lead": int(item["role"] == "lead"),
        "coordinating": int(item["role"] == "coordinating"),
        "tasks": 1,
        "reported": int(item["reported"]),
    }
    for key in sl.STATUS_KEYS:
        out[key] = int(item["status"] == key)
    out["without_evidence"] = int(item["without_evidence"])
    return out


def _reports(state: MasterState) -> dict[tuple[str, str], dict[str, Any]]:
    """The latest report of each (task, agency) pair in "TienDo" (the last row wins)."""
    sheet = pl.PROGRESS_SHEET
    columns = pl.PROGRESS_COLUMNS
    file = state.file
    date_col = layout.column_letter(columns, ex.REPORT_DATE_KEY)
    status_col = layout.column_letter(columns, ex.STATUS_KEY)
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for row, cells in progress_records(state, sheet, columns).items():
        task_id, agency = _text(cells["task_id"]), _text(cells["agency"])
        if not task_id or not agency:
            continue
        out[(task_id, agency)] = {
            "role": _ROLE_KEYS.get(_text(cells["role"]), ""),
            "status": _status(cells[ex.STATUS_KEY], sheet, f"{status_col}{row}", file),
            "evidence": _text(cells[ex.EVIDENCE_KEY]),
            "explanation": _text(cells[ex.EXPLANATION_KEY]),
            "report_date": _date(cells[ex.REPORT_DATE_KEY], sheet, f"{date_col}{row}", file),
        }
    return out


def _intake(state: MasterState) -> tuple[dict[str, int], set[str], int]:
    """(files rejected per agency, agencies with an accepted file, rejected files of no
    known agency) in "ThuThap"."""
    rejected: dict[str, int] = {}
    accepted: set[str] = set()
    unknown = 0
    for cells in progress_records(state, pl.INTAKE_SHEET, pl.INTAKE_COLUMNS).values():
        agency, result = _text(cells["agency"]), _text(cells["result"])
        if result == pl.REJECTED:
            if agency:
                rejected[agency] = rejected.get(agency, 0) + 1
            else:
                unknown += 1
        elif result in ACCEPTED_RESULTS and agency:
            accepted.add(agency)
    return rejected, accepted, unknown


# --- texts -----------------------------------------------------------------------------------


def overall_text(summary: Summary) -> str:
    """One paragraph: the whole plan's counts on ``as_of``."""
    o = summary.overall
    parts = "; ".join(f"{sl.STATUS_LABELS[k].lower()}: {o[k]}" for k in sl.STATUS_KEYS)
    pct = "" if o["pct_done"] is None else f" ({_pct_text(o['pct_done'])} hoàn thành)"
    return (
        f"Tính đến ngày {date_vi(summary.as_of)}: {o['tasks']} lượt giao nhiệm vụ cho "
        f"{o['agencies']} cơ quan{pct}: {parts}. Đã báo cáo {o['reported']} lượt; "
        f"{o['without_evidence']} lượt hoàn thành chưa có văn bản chứng minh. "
        f"{o['agencies_not_reported']} cơ quan chưa gửi báo cáo; {o['files_rejected']} tệp bị "
        "từ chối ở lần thu thập gần nhất."
    )


def _pct_text(value: float) -> str:
    """12.5% as the officials write it: "12,5%"."""
    return f"{value * 100:.1f}".replace(".", ",") + "%"


def summary_lines(summary: Summary) -> list[str]:
    """The CLI's text: the overall paragraph, one line per appendix, the agencies to remind."""
    lines = [overall_text(summary)]
    for appendix_id, row in summary.appendix_rows.items():
        counts = "; ".join(f"{sl.STATUS_LABELS[k].lower()}: {row[k]}" for k in sl.STATUS_KEYS)
        lines.append(f"  {appendix_id}: {row['tasks']} lượt: {counts}")
    missing = not_reported(summary)
    if missing:
        lines.append("Cơ quan chưa gửi báo cáo: " + "; ".join(n.name for n in missing) + ".")
    return lines


def alert_text(summary: Summary) -> str:
    """What the button shows when done."""
    return (
        overall_text(summary)
        + f"\nChi tiết theo cơ quan, phụ lục, lĩnh vực, tiêu chí: trang «{sl.SUMMARY_SHEET}»."
    )
