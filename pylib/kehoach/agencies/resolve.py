"""From agency texts as the plan writes them to agencies of the directory.

``resolve_plan(plan_or_tasks, directory)`` reads every task's lead and coordinating text and
returns a ``Resolution``: the ``Assignment``s (task → agency code, role, through which group,
commune-level or not), the fragments that name nothing in the directory (``unresolved``), the
groups nobody has given members yet (``undecided``) and the phrases that name no agency
(``ignored``). Pure and deterministic: tasks in input order, lead before coordinating, pieces
in the order the text has them, a group's members in directory order.

How a text is read (``read_text``):

1. Paragraph breaks and ";" cut the text into parts; no name runs across them.
2. A list head "Các Sở:" (any case; "các ban:"…) gives the items after it its word: "Các Sở:
   Nội vụ; Tư pháp" is "Sở Nội vụ" and "Sở Tư pháp", until an item is a full name of its own.
3. In each part, the longest directory spelling (name or alias, compared by
   ``namekeys.name_key``: case, tone-mark placement, punctuation, "và", abbreviations such as
   UBND) that starts at a word is taken, then the next: two names run together without a
   separator ("Sở Nội vụ Các sở, ban, ngành") are two names; so are "A, B" and "A B".
4. A word no spelling starts at: after a name that contains it, the name's head is shared
   ("UBND cấp huyện, cấp xã" → "UBND cấp xã"); otherwise the words up to the next name are
   one fragment, unresolved. Lower-case words straight after a name, without a separator,
   qualify it ("UBND cấp huyện tuyển dụng…"): the whole is unresolved, not the bare name.
5. A group expands to its members (codes, other groups, ``kind:<key>``); a commune group marks
   its districts ``commune``; a group without members is undecided; a "not an agency" entry
   ("người dân, doanh nghiệp") is recorded as ignored.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from kehoach.agencies.directory import KIND_MEMBER, ROLES, Agency, Assignment, Directory
from kehoach.agencies.namekeys import Word, name_key, words
from kehoach.plan.model import Plan
from kehoach.sheets import layout

_BREAK = re.compile(r"</p>\s*<p>|<br\s*/?>|\n|;", re.IGNORECASE)
_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
# "Các Sở:" / "các sở:" / "Một số Sở:": the head word is shared by the items after the colon.
_LIST_HEAD = re.compile(r"(?i)\b(?:các|một số)\s+(sở|ban|huyện|xã)\s*:")
_FILLERS = frozenset(name_key("các những một số"))


@dataclass(frozen=True)
class TaskAgencies:
    """A task's agency texts as written, and the tasks-sheet row it is on (0: unknown)."""

    task_id: str
    lead: str
    coordinating: str
    row: int = 0
    code: str = ""  # the criterion's code, for messages


@dataclass(frozen=True)
class Piece:
    """One piece of an agency text: the words as written and the directory entry they
    name (``code`` empty when nothing: unresolved)."""

    text: str
    code: str = ""


@dataclass(frozen=True)
class Unresolved:
    """A fragment of a task's agency text that names nothing in the directory."""

    task_id: str
    role: str  # a key of ROLES
    text: str  # as written
    cell: str = ""  # "G5" on the tasks sheet, when known
    code: str = ""  # the criterion's code


@dataclass(frozen=True)
class Undecided:
    """A group named by a task whose members nobody has decided yet."""

    task_id: str
    role: str
    group: str  # the group's code
    text: str  # as written
    cell: str = ""
    code: str = ""


@dataclass(frozen=True)
class Ignored:
    """A phrase that names no agency ("người dân, doanh nghiệp")."""

    task_id: str
    role: str
    entry: str  # its code in the directory
    text: str


@dataclass
class Resolution:
    assignments: list[Assignment] = field(default_factory=list)
    unresolved: list[Unresolved] = field(default_factory=list)
    undecided: list[Undecided] = field(default_factory=list)
    ignored: list[Ignored] = field(default_factory=list)
    # Pieces of each (task id, role) text, in order: what the tasks sheet shows.
    pieces: dict[tuple[str, str], list[Piece]] = field(default_factory=dict)
    # Task id → its row on the tasks sheet (0 when not known), in input order.
    rows: dict[str, int] = field(default_factory=dict)

    def of_task(self, task_id: str, role: str | None = None) -> list[Assignment]:
        return [
            a for a in self.assignments if a.task_id == task_id and (role is None or a.role == role)
        ]

    def tasks_of(self, agency: str) -> list[Assignment]:
        return [a for a in self.assignments if a.agency == agency]


@dataclass
class _Match:
    start: int  # index of the first word
    end: int  # index after the last word
    code: str
    virtual: int = 0  # shared words put in front (list head or the previous name's head)


class Resolver:
    """The directory's spellings, indexed for reading texts (build once, use for many)."""

    def __init__(self, directory: Directory) -> None:
        self.directory = directory
        self.entries: dict[str, Agency] = directory.index()
        self.order: dict[str, int] = {a.code: i for i, a in enumerate(directory.agencies)}
        self.spellings: dict[tuple[str, ...], str] = {}
        for agency in directory.agencies:
            for spelling in (agency.name, *agency.aliases):
                key = name_key(spelling)
                if key:
                    self.spellings.setdefault(key, agency.code)
        self.longest = max((len(k) for k in self.spellings), default=0)

    # --- reading a text ------------------------------------------------------------------

    def read_text(self, text: str) -> list[Piece]:
        """The pieces of one agency text, in order (see the module's docstring). Read as NFC:
        a name pasted decomposed (NFD, from a Mac or a web page) is the same name."""
        text = _TAG.sub(" ", unicodedata.normalize("NFC", text))
        pieces: list[Piece] = []
        prefix: tuple[str, ...] = ()
        for part_match in re.finditer(r"[^;\n]+", _BREAK.sub(lambda m: ";", text)):
            part = part_match.group()
            head = _LIST_HEAD.search(part)
            if head:
                # Words before the head are a part of their own ("Văn phòng UBND tỉnh các Sở:").
                before = part[: head.start()]
                pieces.extend(self._read_part(before, ()))
                prefix = name_key(head.group(1))
                part = " " * head.end() + part[head.end() :]
            part_pieces, used_prefix = self._read_part_with_prefix(part, prefix)
            if prefix and not used_prefix:
                prefix = ()
            pieces.extend(part_pieces)
        return [p for p in pieces if p.text]

    def _read_part_with_prefix(
        self, part: str, prefix: tuple[str, ...]
    ) -> tuple[list[Piece], bool]:
        if not prefix:
            return self._read_part(part, ()), False
        pieces = self._read_part(part, prefix)
        return pieces, any(p.code for p in pieces)

    def _read_part(self, part: str, prefix: tuple[str, ...]) -> list[Piece]:
        ws = words(part)
        keys = [w.key for w in ws]
        matches: list[_Match] = []
        leftovers: list[tuple[int, int]] = []  # (start, end) word ranges naming nothing
        i = 0
        while i < len(ws):
            found = self._best(keys, i, prefix if (i == 0 or ws[i].gap) else (), matches)
            if found is None:
                start = i
                i += 1
                while i < len(ws) and self._best(keys, i, (), matches) is None:
                    if ws[i].gap and self._shared_head(keys, i, matches):
                        break
                    i += 1
                leftovers.append((start, i))
                continue
            matches.append(found)
            i = found.end
        return self._pieces(part, ws, matches, leftovers)

    def _best(
        self, keys: list[str], i: int, prefix: tuple[str, ...], matches: list[_Match]
    ) -> _Match | None:
        """The longest spelling at word ``i``: plain, after the list's head word, or after
        the head of the previous name ("cấp xã" after "UBND cấp huyện")."""
        best: _Match | None = None
        heads: list[tuple[str, ...]] = [()]
        if prefix:
            heads.append(prefix)
        shared = self._shared_head(keys, i, matches)
        if shared:
            heads.append(shared)
        for head in heads:
            upper = min(len(keys), i + self.longest - len(head))
            for end in range(upper, i, -1):
                code = self.spellings.get((*head, *keys[i:end]))
                if code is not None:
                    if best is None or end > best.end or (end == best.end and head):
                        best = _Match(i, end, code, len(head))
                    break
        return best

    def _shared_head(self, keys: list[str], i: int, matches: list[_Match]) -> tuple[str, ...]:
        if not matches or matches[-1].end != i:
            return ()
        prev = self.entries[matches[-1].code]
        prev_key = name_key(prev.name)
        spelled = keys[matches[-1].start : matches[-1].end]
        for candidate in (tuple(spelled), prev_key):
            if keys[i] in candidate[1:]:
                return tuple(candidate[: candidate.index(keys[i], 1)])
        return ()

    def _pieces(
        self,
        part: str,
        ws: Sequence[Word],
        matches: list[_Match],
        leftovers: list[tuple[int, int]],
    ) -> list[Piece]:
        spans: list[tuple[int, int, str]] = [(m.start, m.end, m.code) for m in matches]
        for start, end in leftovers:
            if all(w.key in _FILLERS for w in ws[start:end]):
                continue
            spans.append((start, end, ""))
        spans.sort()
        merged: list[tuple[int, int, str]] = []
        for start, end, code in spans:
            # Lower-case words glued to the name before them qualify it: "UBND cấp huyện
            # tuyển dụng…" is not all districts. The whole is for a person to read.
            if (
                not code
                and merged
                and merged[-1][1] == start
                and not ws[start].gap
                and part[ws[start].start].islower()
            ):
                merged[-1] = (merged[-1][0], end, "")
                continue
            merged.append((start, end, code))
        return [
            Piece(_as_written(part, ws[start].start, ws[end - 1].end), code)
            for start, end, code in merged
        ]

    # --- groups --------------------------------------------------------------------------

    def expand(self, code: str) -> tuple[list[tuple[str, bool]], list[str]]:
        """(agency code, commune) pairs an entry stands for, and the groups met on the way
        that have no members (undecided). A recipient stands for itself."""
        # Ordered and without repeats; a dict, as "UBND cấp xã" can stand for hundreds of
        # communes (a list's membership test made expanding it quadratic).
        out: dict[tuple[str, bool], None] = {}
        undecided: list[str] = []
        self._expand(code, False, out, undecided, set())
        return list(out), undecided

    def _expand(
        self,
        code: str,
        commune: bool,
        out: dict[tuple[str, bool], None],
        undecided: list[str],
        seen: set[str],
    ) -> None:
        agency = self.entries[code]
        if agency.is_recipient:
            out.setdefault((code, commune))
            return
        if agency.kind != "group" or code in seen:
            return
        seen = seen | {code}
        commune = commune or agency.commune
        if not agency.members:
            if code not in undecided:
                undecided.append(code)
            return
        for member in agency.members:
            if member.startswith(KIND_MEMBER):
                kind = member[len(KIND_MEMBER) :].strip()
                for a in self.directory.agencies:
                    if a.kind == kind:
                        self._expand(a.code, commune, out, undecided, seen)
            elif member in self.entries:
                self._expand(member, commune, out, undecided, seen)


def _as_written(part: str, start: int, end: int) -> str:
    return " ".join(part[start:end].split()).strip(" ,.:-–")


def tasks_of_plan(plan: Plan) -> list[TaskAgencies]:
    """The plan's tasks with the rows the master's tasks sheet puts them on."""
    return [
        TaskAgencies(t.id, t.lead, t.coordinating, layout.FIRST_DATA_ROW + i, c.code)
        for i, (_a, _s, c, t) in enumerate(plan.iter_tasks())
    ]


def resolve_plan(source: Plan | Iterable[TaskAgencies], directory: Directory) -> Resolution:
    """Every task's lead and coordinating agencies, resolved against ``directory``."""
    tasks = tasks_of_plan(source) if isinstance(source, Plan) else list(source)
    resolver = Resolver(directory)
    out = Resolution()
    for task in tasks:
        out.rows[task.task_id] = task.row
        for role in ROLES:
            text = task.lead if role == "lead" else task.coordinating
            cell = _cell(role, task.row)
            pieces = resolver.read_text(text)
            out.pieces[(task.task_id, role)] = pieces
            found: list[Assignment] = []
            for piece in pieces:
                if not piece.code:
                    out.unresolved.append(
                        Unresolved(task.task_id, role, piece.text, cell, task.code)
                    )
                    continue
                entry = resolver.entries[piece.code]
                if entry.kind == "not_agency":
                    out.ignored.append(Ignored(task.task_id, role, entry.code, piece.text))
                    continue
                members, undecided = resolver.expand(piece.code)
                via = "" if entry.is_recipient else piece.text
                found.extend(
                    Assignment(task.task_id, code, role, via, commune) for code, commune in members
                )
                out.undecided.extend(
                    Undecided(task.task_id, role, g, piece.text, cell, task.code) for g in undecided
                )
            out.assignments.extend(_dedupe(found))
    return out


def _dedupe(found: list[Assignment]) -> list[Assignment]:
    """One assignment per (agency, commune): the direct one when the text names the agency
    itself as well as through a group, else the first; in order of first appearance."""
    chosen: dict[tuple[str, bool], Assignment] = {}
    for a in found:
        key = (a.agency, a.commune)
        if key not in chosen or (a.via == "" and chosen[key].via != ""):
            chosen[key] = a
    order = list(dict.fromkeys((a.agency, a.commune) for a in found))
    return [chosen[k] for k in order]


def _cell(role: str, row: int) -> str:
    if not row:
        return ""
    key = "lead" if role == "lead" else "coordinating"
    return f"{layout.column_letter(layout.TASK_COLUMNS, key)}{row}"


def resolved_counts(resolution: Resolution) -> Mapping[str, tuple[int, int]]:
    """Entry code → (tasks as lead, tasks as coordinating), counting each task once per role:
    for an agency, the tasks it reaches (directly or through a group); for a group or a
    phrase, the tasks whose text names it."""
    lead: dict[str, set[str]] = {}
    coordinating: dict[str, set[str]] = {}
    for a in resolution.assignments:
        (lead if a.role == "lead" else coordinating).setdefault(a.agency, set()).add(a.task_id)
    for (task_id, role), pieces in resolution.pieces.items():
        for piece in pieces:
            if piece.code:
                (lead if role == "lead" else coordinating).setdefault(piece.code, set()).add(
                    task_id
                )
    codes = set(lead) | set(coordinating)
    return {c: (len(lead.get(c, ())), len(coordinating.get(c, ()))) for c in codes}


# --- what the tasks sheet shows ------------------------------------------------------------

UNDECIDED_TEXT = "cần quyết định"
UNRESOLVED_TEXT = "chưa xác định"
NOT_AGENCY_TEXT = "không phải cơ quan"
COMMUNE_TEXT = "cấp xã, qua UBND cấp huyện"


def shown_text(pieces: Sequence[Piece], directory: Directory | Resolver) -> str:
    """The resolved agencies of one text, one line per piece, as the tasks sheet shows them:
    an agency by its code ("SNV"); a group by its name and its members' codes ("Các sở, ban,
    ngành: SCT, SGDDT, …"), commune-level ones marked; what is undecided, unresolved or not an
    agency said in words, so that a filter on a code finds every task of that agency.
    Give a :class:`Resolver` when describing many texts: building one indexes the directory."""
    resolver = directory if isinstance(directory, Resolver) else Resolver(directory)
    lines: list[str] = []
    for piece in pieces:
        entry = resolver.entries.get(piece.code) if piece.code else None
        if entry is None:
            lines.append(f"«{piece.text}»: {UNRESOLVED_TEXT}")
        elif entry.is_recipient:
            lines.append(entry.code)
        elif entry.kind == "not_agency":
            lines.append(f"«{piece.text}»: {NOT_AGENCY_TEXT}")
        else:
            members, undecided = resolver.expand(entry.code)
            codes = ", ".join(dict.fromkeys(code for code, _ in members))
            marks = [COMMUNE_TEXT] if members and all(c for _, c in members) else []
            if undecided:
                marks.append(UNDECIDED_TEXT)
            mark = f" ({'; '.join(marks)})" if marks else ""
            lines.append(f"{entry.name}{mark}: {codes}" if codes else f"{entry.name}{mark}")
    return "\n".join(lines)
