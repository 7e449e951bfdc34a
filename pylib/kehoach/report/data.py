"""The figures and texts of the progress report "Báo cáo kết quả" (a Word document).

Pure core (never xlwings). ``report_data(state, as_of, period)`` computes everything
from the same functions as ``kehoach summary --json`` (``summary.summarize`` on ``as_of``) and
``kehoach gaps --json`` (``gaps.compute_gaps``), so every number of the report is one of theirs:

- the period that ends at ``as_of``: the quarter (``quy``), the half-year (``6-thang``) or the
  year (``nam``) containing it, named as officials write it ("quý IV năm 2026");
- the header of the document: the issuing body and signer from the sheet "Cài đặt"
  (``mail_layout.REPORT_SETTINGS``; a master built before these rows gets the defaults), the
  plan's number, date, issuer and title from the cover's named cells;
- the body: overall progress, one table per appendix (its sections, then the appendix's total),
  the agencies with overdue tasks (each with its first tasks), the agencies that sent nothing,
  the indexes against the plan year's targets, the criteria that lost most points the year
  before.

``ReportData.context()`` is what the Word template (``templates/bao-cao.docx``) is rendered
with: every number already written the Vietnamese way ("3.868", "42,41", "12,5%"), every date
as "ngày 05 tháng 01 năm 2024". ``ReportData.to_dict()`` is the CLI's ``--json``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import pandas as pd

from kehoach.common.errors import KeHoachError, WorkbookError
from kehoach.gaps.compute import GapsReport, compute_gaps, number_text, top_lost
from kehoach.plan.model import APPENDIX_IDS
from kehoach.sheets import extract_layout as ex
from kehoach.sheets import layout
from kehoach.sheets import mail_layout as ml
from kehoach.sheets import progress_layout as pl
from kehoach.sheets import summary_layout as sl
from kehoach.sheets.sheetdata import is_blank
from kehoach.state.master import MasterState
from kehoach.summary.compute import Summary, progress_table, summarize

PERIODS: dict[str, str] = {"quy": "quý", "6-thang": "6 tháng", "nam": "năm"}
DEFAULT_PERIOD = "quy"
TASKS_LISTED = 3  # overdue tasks listed per agency; the rest are counted
LOST_LISTED = 3  # criteria that lost most points, per appendix
TABLE_KEYS: tuple[str, ...] = ("tasks", *sl.STATUS_KEYS)  # the columns of an appendix table
ALERT_TITLE = "Báo cáo kết quả"
_ROMAN = ("I", "II", "III", "IV")
_REF = re.compile(r"^=?'?(?P<sheet>.+?)'?!\$?(?P<col>[A-Z]{1,3})\$?(?P<row>[0-9]+)$")


class ReportError(KeHoachError):
    """The report cannot be made as asked (period, template, output)."""


# --- Vietnamese style -----------------------------------------------------------------------


def date_long(day: date) -> str:
    """ "ngày 05 tháng 01 năm 2024": days below 10 and the months 1 and 2 with a leading zero
    (Nghị định 30/2020/NĐ-CP, Phụ lục I, địa danh và thời gian ban hành văn bản)."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def date_short(day: date) -> str:
    """ "05/01/2024"."""
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def count_text(value: Any) -> str:
    """An integer with the Vietnamese thousands separator: "3.868"."""
    return number_text(float(value), 0)


def pct_text(value: float | None) -> str:
    """A share as "12,5%", "" for None."""
    return "" if value is None else number_text(value * 100, 1) + "%"


def score_text(value: Any, digits: int = 2) -> str:
    """A score with a decimal comma ("42,41"); "–" when there is none."""
    if value is None or (isinstance(value, float) and value != value):
        return "–"
    return number_text(float(value), digits)


# --- the period -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    kind: str  # a key of PERIODS
    start: date
    end: date  # as_of
    label: str  # "quý IV năm 2026", "6 tháng đầu năm 2026", "năm 2026"


def period_of(kind: str, as_of: date) -> Period:
    """The reporting period of ``kind`` that contains ``as_of`` and ends there."""
    if kind == "quy":
        quarter = (as_of.month - 1) // 3
        start = date(as_of.year, 3 * quarter + 1, 1)
        label = f"quý {_ROMAN[quarter]} năm {as_of.year}"
    elif kind == "6-thang":
        first = as_of.month <= 6
        start = date(as_of.year, 1 if first else 7, 1)
        label = f"6 tháng {'đầu' if first else 'cuối'} năm {as_of.year}"
    elif kind == "nam":
        start = date(as_of.year, 1, 1)
        label = f"năm {as_of.year}"
    else:
        raise ReportError(f"Kỳ báo cáo «{kind}» không có; chọn một trong: {', '.join(PERIODS)}.")
    return Period(kind, start, as_of, label)


# --- settings and plan header ---------------------------------------------------------------


def report_settings(state: MasterState) -> dict[str, str]:
    """The report's rows of the sheet "Cài đặt" by key; defaults for rows that are missing
    (a master built before them) or blank."""
    out = {s.key: str(s.default) for s in ml.REPORT_SETTINGS}
    for s in ml.REPORT_SETTINGS:
        found = state.settings.get(s.label)
        if found is not None:
            out[s.key] = str(found.value).strip()
    return out


def plan_header(state: MasterState) -> dict[str, str]:
    """The plan's number, date (dd/mm/yyyy), issuer and title from the cover's named cells
    (``layout.PLAN_NAMES``). WorkbookError naming the name when one is missing."""
    values, names, file = state.sheets, state.names, state.file
    out: dict[str, str] = {}
    for key, name in layout.PLAN_NAMES.items():
        found = _REF.match(names.get(name, "").strip())
        rows = values.get(found["sheet"].replace("''", "'"), ()) if found else ()
        if found is None or not rows:
            raise WorkbookError(
                layout.missing_plan_name(key),
                file=file,
                sheet=layout.COVER_SHEET,
            )
        row, col = int(found["row"]), _column_index(found["col"])
        value = rows[row - 1][col - 1] if row <= len(rows) and col <= len(rows[row - 1]) else None
        if isinstance(value, date):
            out[key] = date_short(value)
        elif key == "date" and re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(value or "").strip()):
            out[key] = date_short(date.fromisoformat(str(value).strip()))
        else:
            out[key] = "" if is_blank(value) else str(value).strip()
    return out


def _column_index(letters: str) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + ord(ch) - ord("A") + 1
    return index


# --- the data -------------------------------------------------------------------------------


@dataclass
class ReportData:
    """Everything the report prints (see the module's docstring)."""

    as_of: date
    period: Period
    year: int  # the plan's year: the targets' year
    plan: dict[str, str]
    settings: dict[str, str]
    summary: Summary
    gaps: GapsReport
    task_texts: dict[str, str] = field(default_factory=dict)

    collected: bool = True  # a report in "TienDo" collected on or before as_of

    @property
    def has_returns(self) -> bool:
        """Whether a return had been collected by ``as_of``: else the report says so instead
        of printing tables of zeros."""
        return self.collected

    @property
    def file_name(self) -> str:
        """The button's file name: "BaoCao_quy_2026-12-31.docx"."""
        return f"BaoCao_{self.period.kind}_{self.as_of.isoformat()}.docx"

    def title(self) -> str:
        p = self.plan
        return (
            f"Kết quả thực hiện Kế hoạch số {p['number']} ngày {p['date']} của "
            f"{p['issuer']} {self.period.label}"
        )

    # --- figures ---------------------------------------------------------------------------

    def appendix_tables(self) -> list[dict[str, Any]]:
        """Per appendix: its sections' counts and its total (``TABLE_KEYS``), as numbers."""
        s = self.summary
        out = []
        for appendix_id in APPENDIX_IDS:
            sections = s.sections[s.sections["appendix"] == appendix_id]
            out.append(
                {
                    "id": appendix_id,
                    "name": layout.INDEX_NAMES[appendix_id],
                    "rows": [
                        {
                            "id": str(section_id),
                            "code": str(row["code"]),
                            "name": str(row["name"]),
                            **{k: int(row[k]) for k in TABLE_KEYS},
                        }
                        for section_id, row in sections.iterrows()
                    ],
                    "total": {k: int(s.appendices.at[appendix_id, k]) for k in TABLE_KEYS},
                }
            )
        return out

    def overdue_agencies(self) -> list[dict[str, Any]]:
        """The agencies with overdue tasks, most first, each with its overdue tasks."""
        items = self.summary.items
        overdue = items[items["status"] == sl.OVERDUE] if not items.empty else items
        agencies = self.summary.agencies
        out: list[dict[str, Any]] = []
        for code in agencies.index:
            mine = overdue[overdue["agency"] == code]
            if mine.empty:
                continue
            out.append(
                {
                    "code": str(code),
                    "name": str(agencies.at[code, "name"]),
                    "count": len(mine),
                    "tasks": [
                        {
                            "task_id": str(r["task_id"]),
                            "code": str(r["code"]),
                            "appendix": str(r["appendix"]),
                            "text": self.task_texts.get(str(r["task_id"]), ""),
                            "due": r["due"] if isinstance(r["due"], date) else None,
                        }
                        for _, r in mine.iterrows()
                    ],
                }
            )
        out.sort(key=lambda a: -len(a["tasks"]))  # stable: directory order among equals
        return out

    def index_rows(self) -> list[dict[str, Any]]:
        """Per appendix: max, the year before, the target, the plan year's result."""
        return [
            {
                "id": a.id,
                "name": layout.INDEX_NAMES[a.id],
                "unit": "%" if a.id == "PL3" else "điểm",
                **{
                    k: a.totals.get(k)
                    for k in (
                        "criteria",
                        "max",
                        "score_base",
                        "target",
                        "lost_base",
                        "result_target",
                        "results",
                        "achieved",
                        "not_achieved",
                    )
                },
            }
            for a in self.gaps.appendices.values()
        ]

    def lost_rows(self) -> list[dict[str, Any]]:
        """The criteria that lost most points the year before (``LOST_LISTED`` per appendix)."""
        out = []
        for a in self.gaps.appendices.values():
            for _, c in top_lost(a, LOST_LISTED).iterrows():
                out.append(
                    {
                        "appendix": a.id,
                        "code": str(c["code"] or c["id"]),
                        "name": str(c["name"]),
                        "survey": bool(c["survey"]),
                        "max": c["max"],
                        "score_base": c["score_base"],
                        "lost_base": c["lost_base"],
                    }
                )
        return out

    def to_dict(self) -> dict[str, Any]:
        """The CLI's ``--json``: the period, the header and the report's figures."""

        def plain(value: Any) -> Any:
            if isinstance(value, date):
                return value.isoformat()
            if isinstance(value, float) and value != value:
                return None
            return value

        return {
            "as_of": self.as_of.isoformat(),
            "period": {
                "kind": self.period.kind,
                "start": self.period.start.isoformat(),
                "end": self.period.end.isoformat(),
                "label": self.period.label,
            },
            "plan_year": self.year,
            "title": self.title(),
            "plan": dict(self.plan),
            "settings": dict(self.settings),
            "has_returns": self.has_returns,
            "overall": {k: plain(v) for k, v in self.summary.to_dict()["overall"].items()},
            "appendices": self.appendix_tables(),
            "overdue_agencies": [
                {**a, "tasks": [{k: plain(v) for k, v in t.items()} for t in a["tasks"]]}
                for a in self.overdue_agencies()
            ],
            "not_reported": [n.to_dict() for n in self.summary.not_reported_list],
            "indexes": self.index_rows(),
            "lost_criteria": self.lost_rows(),
        }

    # --- the template's context ------------------------------------------------------------

    def context(self) -> dict[str, Any]:
        """The Word template's variables: texts only, numbers written the Vietnamese way."""
        st = self.settings
        parent = st["report_parent"] or self.plan["issuer"]
        recipients = [r.strip() for r in st["report_recipients"].split(";") if r.strip()]
        o = self.summary.overall
        prev = self.year - 1
        return {
            "parent": parent.upper(),
            "agency": st["report_agency"].upper(),
            "agency_name": st["report_agency"],
            "symbol": st["report_symbol"],
            "place": st["report_place"],
            "date_line": f"{st['report_place']}, {date_long(self.as_of)}",
            "title": self.title(),
            "period": self.period.label,
            "period_start": date_short(self.period.start),
            "as_of": date_long(self.as_of),
            "plan": self.plan,
            "plan_title": _lower_first(self.plan["title"]),
            "year": self.year,
            "prev_year": prev,
            "has_returns": self.has_returns,
            "no_returns": (
                f"Tính đến {date_long(self.as_of)}, chưa thu thập được báo cáo nào của các cơ "
                "quan, đơn vị được giao nhiệm vụ, nên chưa có số liệu để đánh giá tiến độ thực "
                f"hiện Kế hoạch {self.period.label}."
            ),
            "overall": self._overall_text(o),
            "appendices": [self._appendix_context(a) for a in self.appendix_tables()],
            "overdue": [self._overdue_context(a) for a in self.overdue_agencies()],
            "overdue_total": count_text(o[sl.OVERDUE]),
            "not_reported": "; ".join(n.name for n in self.summary.not_reported_list),
            "not_reported_count": count_text(len(self.summary.not_reported_list)),
            "indexes": [self._index_context(r) for r in self.index_rows()],
            "lost": [
                {
                    "appendix": r["appendix"],
                    "code": r["code"],
                    "name": r["name"]
                    + (" (điều tra XHH)" if r["survey"] and "XHH" not in r["name"] else ""),
                    "max": score_text(r["max"]),
                    "prev": score_text(r["score_base"]),
                    "lost": score_text(r["lost_base"]),
                }
                for r in self.lost_rows()
            ],
            "signer": {
                "authority": st["signer_authority"].upper(),
                "title": st["signer_title"].upper(),
                "name": st["signer_name"],
            },
            "recipients": [
                f"- {r}{'.' if i == len(recipients) - 1 else ';'}" for i, r in enumerate(recipients)
            ],
        }

    def _overall_text(self, o: Mapping[str, Any]) -> str:
        parts = "; ".join(
            f"{sl.STATUS_LABELS[k].lower()} {count_text(o[k])} lượt" for k in sl.STATUS_KEYS
        )
        pct = "" if o["pct_done"] is None else f", đạt {pct_text(o['pct_done'])}"
        return (
            f"Tính đến {date_long(self.as_of)}, Kế hoạch có {count_text(o['tasks'])} lượt giao "
            f"nhiệm vụ cho {count_text(o['agencies'])} cơ quan, đơn vị; đã hoàn thành "
            f"{count_text(o[sl.DONE_ON_TIME] + o[sl.DONE_LATE])} lượt{pct}. Cụ thể: {parts}. "
            f"Có {count_text(o['without_evidence'])} lượt hoàn thành chưa có văn bản chứng minh; "
            f"{count_text(o['agencies_not_reported'])} cơ quan, đơn vị chưa gửi báo cáo."
        )

    @staticmethod
    def _appendix_context(a: Mapping[str, Any]) -> dict[str, Any]:
        def counts(values: Mapping[str, Any]) -> dict[str, str]:
            return {k: count_text(values[k]) for k in TABLE_KEYS}

        return {
            "id": a["id"],
            "name": a["name"],
            "title": f"{a['id']} – {a['name']}",
            "rows": [
                {"name": f"{r['code']}. {r['name']}" if r["code"] else r["name"], **counts(r)}
                for r in a["rows"]
            ],
            "total": counts(a["total"]),
        }

    def _overdue_context(self, a: Mapping[str, Any]) -> dict[str, Any]:
        tasks = a["tasks"]
        return {
            "name": a["name"],
            "count": count_text(a["count"]),
            "tasks": [
                {
                    "code": f"{t['appendix']} {t['code']}".strip(),
                    "text": _short(t["text"]),
                    "due": date_short(t["due"]) if t["due"] else "",
                }
                for t in tasks[:TASKS_LISTED]
            ],
            "more": count_text(len(tasks) - TASKS_LISTED) if len(tasks) > TASKS_LISTED else "",
        }

    @staticmethod
    def _index_context(r: Mapping[str, Any]) -> dict[str, Any]:
        if r["results"]:
            verdict = f"Đạt {r['achieved']}/{r['results']} tiêu chí đã có kết quả"
        else:
            verdict = "Chưa công bố"
        return {
            "name": f"{r['id']} – {r['name']}",
            "max": score_text(r["max"]),
            "prev": score_text(r["score_base"]),
            "target": score_text(r["target"]),
            "result": score_text(r["result_target"]) if r["results"] else "–",
            "verdict": verdict,
        }


def alert_text(data: ReportData, out: str) -> str:
    """What the button shows when done."""
    tail = "" if data.has_returns else "\nChưa thu thập được báo cáo nào của các cơ quan."
    return f"Đã tạo báo cáo «{data.title()}»:\n{out}{tail}"


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text


def _short(text: str, limit: int = 160) -> str:
    """A task's text cut at a word, with "…", for a line of the report."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:.") + "…"


def _task_texts(state: MasterState) -> dict[str, str]:
    table = state.table(layout.TASKS_SHEET)
    out: dict[str, str] = {}
    for row in table.index:
        task_id, text = table.at[row, "id"], table.at[row, "text"]
        if not is_blank(task_id) and not pd.isna(task_id):
            out[str(task_id).strip()] = "" if is_blank(text) or pd.isna(text) else str(text)
    return out


def _collected_by(state: MasterState, as_of: date) -> bool:
    """Whether "TienDo" holds a report collected on or before ``as_of`` (its collection time;
    its report date when that is blank; a row with neither counts)."""
    table = progress_table(state, pl.PROGRESS_SHEET, pl.PROGRESS_COLUMNS)
    for row in table.index:
        if is_blank(table.at[row, "task_id"]) or pd.isna(table.at[row, "task_id"]):
            continue
        when = table.at[row, "received_at"]
        if is_blank(when) or pd.isna(when):
            when = table.at[row, ex.REPORT_DATE_KEY]
        if isinstance(when, datetime):
            when = when.date()
        if not isinstance(when, date) or when <= as_of:
            return True
    return False


def report_data(
    state: MasterState,
    as_of: date,
    period: str = DEFAULT_PERIOD,
) -> ReportData:
    """The report of the master read into ``state`` for the period ``period`` (a key of
    ``PERIODS``) that ends at ``as_of``. WorkbookError naming sheet and cell when a sheet it
    reads is damaged; ReportError for an unknown period."""
    chosen = period_of(period, as_of)
    summary = summarize(state, as_of)
    return ReportData(
        as_of=as_of,
        period=chosen,
        year=summary.year,
        plan=plan_header(state),
        settings=report_settings(state),
        summary=summary,
        gaps=compute_gaps(state),
        task_texts=_task_texts(state),
        collected=_collected_by(state, as_of),
    )
