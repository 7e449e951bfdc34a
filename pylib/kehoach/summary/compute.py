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
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl.utils import get_column_letter

from kehoach.agencies.agency_report import tasks_from_table
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


@dataclass
class Summary:
    """The progress on ``as_of``.

    ``items``: one row per (task, agency) pair (``ITEM_FIELDS``). ``agencies``: index agency
    code, in directory order, columns name, emails, ``summary_layout.COUNT_KEYS``, pct_done,
    last_report, files_rejected, has_file. ``criteria``, ``sections``, ``appendices``: the same
    counts per node of the plan (index its id; columns appendix, section, code, name; plan
    order); ``overall`` the whole plan's. ``rejected_unknown``: rejected files whose agency
    could not be told.
    """

    as_of: date
    year: int
    items: pd.DataFrame
    agencies: pd.DataFrame
    criteria: pd.DataFrame
    sections: pd.DataFrame
    appendices: pd.DataFrame
    overall: dict[str, Any]
    rejected_unknown: int = 0
    file: str | None = None
    not_reported_list: list[NotReported] = field(default_factory=list)

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


def progress_table(
    state: MasterState, sheet: str, columns: Sequence[layout.Column]
) -> pd.DataFrame:
    """The data rows of a progress sheet (index: Excel row; columns: keys); empty when the
    sheet is absent or has no rows. WorkbookError naming the cell when a header is wrong."""
    values, file = state.sheets, state.file
    if sheet not in values:
        return pd.DataFrame(columns=[c.key for c in columns], dtype=object)
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
        table = state.table(layout.APPENDIX_SHEETS[appendix_id])
        section = ""
        columns = table[["kind", "id", "name", "tt", "code"]]
        for kind_text, row_id, name, tt, code in columns.itertuples(index=False, name=None):
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
    task_table = state.table(layout.TASKS_SHEET)
    tasks = tasks_from_table(task_table)
    criteria, sections = _plan_nodes(state)
    task_info: dict[str, tuple[str, Timeline]] = {}
    task_columns = task_table[["id", "timeline", "criterion_id"]]
    for _row, task_value, timeline_value, criterion_value in task_columns.itertuples(name=None):
        task_id = _text(task_value)
        if task_id:
            timeline = parse_timeline(_text(timeline_value), year)
            task_info[task_id] = (_text(criterion_value), timeline)

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
    items = pd.DataFrame.from_records(records, columns=list(ITEM_FIELDS))
    flags = _flags(items)

    def counts(by: str, index: Sequence[str]) -> pd.DataFrame:
        if flags.empty:
            grouped = pd.DataFrame(columns=list(sl.COUNT_KEYS), dtype=int)
        else:
            grouped = flags.groupby(by, sort=False)[list(sl.COUNT_KEYS)].sum()
        out = grouped.reindex(list(index), fill_value=0).astype(int)
        last = (
            items.dropna(subset=["report_date"]).groupby(by)["report_date"].max()
            if not items.empty
            else pd.Series(dtype=object)
        )
        out["pct_done"] = [_pct(r) for _, r in out.iterrows()]
        out["last_report"] = [last.get(i) for i in out.index]
        return out.astype(object)

    rejected, accepted, unknown = _intake(state)
    with_items = {key: set(items[key]) for key in ("agency", "criterion", "section")}
    agency_codes = [a.code for a in directory.agencies if a.code in with_items["agency"]]
    agencies = counts("agency", agency_codes)
    agencies.insert(0, "name", [directory.by_code(c).name for c in agency_codes])
    agencies.insert(1, "emails", [directory.by_code(c).emails for c in agency_codes])
    agencies["files_rejected"] = [rejected.get(c, 0) for c in agency_codes]
    with_reports = {a for (_, a) in reports} | accepted
    agencies["has_file"] = [c in with_reports for c in agency_codes]
    agencies.index.name = "code"

    crit = counts("criterion", [c for c in criteria if c in with_items["criterion"]])
    crit.insert(0, "appendix", [criteria[c].appendix for c in crit.index])
    crit.insert(1, "section", [criteria[c].section for c in crit.index])
    crit.insert(2, "code", [criteria[c].code for c in crit.index])
    crit.insert(3, "name", [criteria[c].name for c in crit.index])
    sect = counts("section", [s for s in sections if s in with_items["section"]])
    sect.insert(0, "appendix", [sections[s].appendix for s in sect.index])
    sect.insert(1, "code", [sections[s].code for s in sect.index])
    sect.insert(2, "name", [sections[s].name for s in sect.index])
    apps = counts("appendix", list(APPENDIX_IDS))
    apps.insert(0, "name", [layout.INDEX_NAMES[a] for a in APPENDIX_IDS])
    overall: dict[str, Any] = {
        k: int(flags[k].sum()) if not flags.empty else 0 for k in sl.COUNT_KEYS
    }
    overall["pct_done"] = _pct(overall)
    dates = [d for d in items["report_date"] if isinstance(d, date)]
    overall["last_report"] = max(dates) if dates else None
    overall["files_rejected"] = sum(rejected.values()) + unknown
    overall["agencies"] = len(agency_codes)
    missing = [
        NotReported(
            code,
            str(agencies.at[code, "name"]),
            tuple(agencies.at[code, "emails"]),
            int(agencies.at[code, "lead"]),
            int(agencies.at[code, "coordinating"]),
        )
        for code in agency_codes
        if not agencies.at[code, "has_file"]
    ]
    overall["agencies_not_reported"] = len(missing)
    return Summary(
        as_of=as_of,
        year=year,
        items=items,
        agencies=agencies,
        criteria=crit,
        sections=sect,
        appendices=apps,
        overall=overall,
        rejected_unknown=unknown,
        file=str(file) if file is not None else None,
        not_reported_list=missing,
    )


def _pct(counts: Mapping[str, Any] | pd.Series) -> float | None:
    tasks = int(counts["tasks"])
    if not tasks:
        return None
    return (int(counts[sl.DONE_ON_TIME]) + int(counts[sl.DONE_LATE])) / tasks


def _flags(items: pd.DataFrame) -> pd.DataFrame:
    """``items`` with one 0/1 column per count key."""
    out = items[["agency", "appendix", "section", "criterion"]].copy()
    out["lead"] = (items["role"] == "lead").astype(int)
    out["coordinating"] = (items["role"] == "coordinating").astype(int)
    out["tasks"] = 1
    out["reported"] = items["reported"].astype(int)
    for key in sl.STATUS_KEYS:
        out[key] = (items["status"] == key).astype(int)
    out["without_evidence"] = items["without_evidence"].astype(int)
    return out


def _reports(state: MasterState) -> dict[tuple[str, str], dict[str, Any]]:
    """The latest report of each (task, agency) pair in "TienDo" (the last row wins)."""
    sheet = pl.PROGRESS_SHEET
    columns = pl.PROGRESS_COLUMNS
    file = state.file
    table = progress_table(state, sheet, columns)
    date_col = layout.column_letter(columns, ex.REPORT_DATE_KEY)
    out: dict[tuple[str, str], dict[str, Any]] = {}
    keys = ["task_id", "agency", "role", ex.STATUS_KEY, ex.EVIDENCE_KEY, ex.EXPLANATION_KEY]
    # Column by column, not cell by cell (DataFrame.at): TienDo holds a row per task and agency.
    for row, task, agency_value, role, status, evidence, explanation, when in table[
        [*keys, ex.REPORT_DATE_KEY]
    ].itertuples(name=None):
        task_id, agency = _text(task), _text(agency_value)
        if not task_id or not agency:
            continue
        out[(task_id, agency)] = {
            "role": _ROLE_KEYS.get(_text(role), ""),
            "status": _text(status),
            "evidence": _text(evidence),
            "explanation": _text(explanation),
            "report_date": _date(when, sheet, f"{date_col}{row}", file),
        }
    return out


def _intake(state: MasterState) -> tuple[dict[str, int], set[str], int]:
    """(files rejected per agency, agencies with an accepted file, rejected files of no
    known agency) in "ThuThap"."""
    table = progress_table(state, pl.INTAKE_SHEET, pl.INTAKE_COLUMNS)
    rejected: dict[str, int] = {}
    accepted: set[str] = set()
    unknown = 0
    for _row, agency_value, result_value in table[["agency", "result"]].itertuples(name=None):
        agency, result = _text(agency_value), _text(result_value)
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
    for appendix_id, row in summary.appendices.iterrows():
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
