"""From the task cells of a criterion's rows to tasks.

A criterion's block is its own row plus the continuation rows under it (empty TT
and name). Four cells per row matter here: the task text, the lead agency, the
coordinating agencies and the timeline. Three things happen, in this order:

1. **Pairing.** A row whose text cell holds N paragraphs, followed by exactly
   N - 1 continuation rows that carry agencies but no text, is one table whose
   text cell was typed as paragraphs instead of one row per task: paragraph i
   goes with the agencies of row i (PL2 TC 1.2, TC 1.5, TC 1.7). Inside one row,
   an agency cell with as many paragraphs as the task cell is paired the same way
   (PL2 TC 8.5 "<p>Sở Y tế</p> <p>Sở Thông tin và Truyền thông</p>"); otherwise
   its paragraphs are joined with "; ".
2. **Merged cells.** An empty cell takes the value of the row above *in the same
   section* (the caller resets ``Carry`` at each section), and the field goes into
   ``Task.inherited``. When the source marks its merged cells (a Word table,
   ``TaskRow.merged``), only those inherit; an empty unmerged cell stays empty.
   The text cell inherits the whole list of tasks of the row
   above (a merged text cell covers every row it spans). A continuation row with
   agencies but no text that is not the pairing case inherits the text likewise.
3. **Misplaced values.** A timeline cell that reads as agency names, or an agency
   cell that reads as a period, is kept as written and named in
   ``Task.misplaced``; nothing is inherited into that row, and the misplaced
   value is never inherited by the rows below.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kehoach.plan.model import Task
from kehoach.plan.textclean import list_items, paragraphs

FIELDS: tuple[str, ...] = ("text", "lead", "coordinating", "timeline")
AGENCY_FIELDS: tuple[str, ...] = ("lead", "coordinating", "timeline")

_AGENCY_START = re.compile(
    r"^(?:(?:các|một số)\s+)?(?:sở|ubnd|ủy ban|uỷ ban|văn phòng|ban|cơ quan|đơn vị|ngành|bộ|"
    r"cục|chi cục|công an|đài|báo|trung tâm|ngân hàng|công ty|bệnh viện|trường|bhxh|hđnd|"
    r"mttq|tổ chức|liên đoàn|hội)\b",
    re.IGNORECASE,
)
_PERIOD_START = re.compile(
    r"^(?:thường xuyên|hằng|hàng (?:năm|tháng|quý|tuần)|định kỳ|năm|tháng|quý|ngày|tuần|"
    r"trước|sau|từ|đến|khi|trong|[0-9])\b",
    re.IGNORECASE,
)
_PERIOD_WORD = re.compile(
    r"\b(?:năm|tháng|quý|ngày|tuần|thường xuyên|định kỳ|khi|trước|sau)\b|[0-9]",
    re.IGNORECASE,
)


@dataclass
class TaskRow:
    """The raw (HTML-bearing) task cells of one table row."""

    line: int
    text: str = ""
    lead: str = ""
    coordinating: str = ""
    timeline: str = ""
    # Fields whose cell continues a merged cell above, when the source says so (a Word
    # table); None when merges are inferred from empty cells (the text rendering).
    merged: frozenset[str] | None = None


@dataclass
class Carry:
    """Effective task cells of the row above, the source of merged-cell values."""

    text: list[str] = field(default_factory=list)
    lead: list[str] = field(default_factory=list)
    coordinating: list[str] = field(default_factory=list)
    timeline: list[str] = field(default_factory=list)


@dataclass
class _Cells:
    line: int
    values: dict[str, list[str]]
    merged: frozenset[str] | None = None

    def has_agency(self) -> bool:
        return any(self.values[f] for f in AGENCY_FIELDS)


def reads_as_agencies(value: str) -> bool:
    """True for text that names agencies and says nothing about time."""
    return bool(_AGENCY_START.match(value)) and not _PERIOD_WORD.search(value)


def reads_as_period(value: str) -> bool:
    """True for text that states a period ("Thường xuyên", "Năm 2026", "Khi …")."""
    return bool(_PERIOD_START.match(value)) and not _AGENCY_START.match(value)


def misplaced_fields(lead: str, coordinating: str, timeline: str) -> list[str]:
    """Fields whose clean value evidently belongs to another column."""
    out = [
        name
        for name, value in (("lead", lead), ("coordinating", coordinating))
        if value and reads_as_period(value)
    ]
    if timeline and reads_as_agencies(timeline):
        out.append("timeline")
    return out


def resolve(
    rows: list[TaskRow], carry: Carry, criterion_id: str, first: int
) -> tuple[list[Task], Carry]:
    """Tasks of one criterion block, numbered from ``first``, and the carry after it."""
    cells = [
        _Cells(
            r.line,
            {
                "text": list_items(r.text),
                "lead": paragraphs(r.lead),
                "coordinating": paragraphs(r.coordinating),
                "timeline": paragraphs(r.timeline),
            },
            r.merged,
        )
        for r in rows
    ]
    _pair_paragraphs(cells)
    tasks: list[Task] = []
    for c in cells:
        joined = {f: "; ".join(c.values[f]) for f in AGENCY_FIELDS}
        misplaced = misplaced_fields(joined["lead"], joined["coordinating"], joined["timeline"])
        inherited: list[str] = []
        if not misplaced:
            for f in FIELDS:
                above: list[str] = getattr(carry, f)
                if not c.values[f] and above and (c.merged is None or f in c.merged):
                    c.values[f] = list(above)
                    inherited.append(f)
        carry = Carry(**{f: [] if f in misplaced else c.values[f] for f in FIELDS})
        if not c.values["text"] and not c.has_agency():
            continue
        tasks.extend(_row_tasks(c, criterion_id, first + len(tasks), inherited, misplaced))
    return tasks, carry


def _pair_paragraphs(cells: list[_Cells]) -> None:
    i = 0
    while i < len(cells):
        texts = cells[i].values["text"]
        j = i + 1
        while j < len(cells) and not cells[j].values["text"] and cells[j].has_agency():
            j += 1
        if len(texts) >= 2 and len(texts) == j - i:
            for offset in range(1, j - i):
                cells[i + offset].values["text"] = [texts[offset]]
            cells[i].values["text"] = [texts[0]]
        i = j


def _row_tasks(
    c: _Cells, criterion_id: str, first: int, inherited: list[str], misplaced: list[str]
) -> list[Task]:
    texts = c.values["text"] or [""]
    n = len(texts)
    per_task: dict[str, list[str]] = {}
    for f in AGENCY_FIELDS:
        paras = c.values[f]
        per_task[f] = paras if n > 1 and len(paras) == n else ["; ".join(paras)] * n
    return [
        Task(
            id=f"{criterion_id}/{first + k}",
            text=text,
            lead=per_task["lead"][k],
            coordinating=per_task["coordinating"][k],
            timeline=per_task["timeline"][k],
            inherited=list(inherited),
            misplaced=list(misplaced),
            line=c.line,
        )
        for k, text in enumerate(texts)
    ]
