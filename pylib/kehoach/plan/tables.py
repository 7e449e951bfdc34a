"""Read the table of one appendix of the plan text into sections and criteria.

Each appendix has its own columns (``LAYOUTS``) and its own way of marking rows:

* PL1, PL2 (PAR INDEX): a Roman numeral opens a field (section). The numeral and
  its title may share the TT cell ("VIII TÁC ĐỘNG …"), sit in TT and name cells,
  or sit on two rows ("III" then "CẢI CÁCH THỦ TỤC HÀNH CHÍNH"); a numeral broken
  by the rendering ("VII I") is read as one (VIII). Criterion rows carry the code
  in the name cell ("TC 1.2. Thực hiện …").
* PL3 (SIPAS): a "TỔNG" row gives the totals; Roman numerals open criteria groups,
  integers open sub-groups (the sections, id "I.1"), "1.1" codes are criteria.
  Header rows come in pairs (the second reads "Kết quả năm … / Mục tiêu năm …").
* PL4 (PAPI): a "Tổng" row gives the totals, integers open content indexes
  (sections), "1.1" codes are sub-contents (criteria).

Header rows (TT = "TT") repeat after every page break and are skipped. A criterion
code seen again in the same section (repeated after a page break) continues the
same criterion: its tasks are appended and differing values become ``Variant``s.
An empty "Mục tiêu năm …" text (PL1, PL2) inherits the one above in the same
section (a merged cell), recorded in ``Criterion.inherited``. Lines rendered from a
Word table say which cells are merged (``Line.merged``): only those inherit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NoReturn

from kehoach.common.errors import PlanTextError
from kehoach.common.planyears import PlanYears, neutral, render
from kehoach.plan.model import Appendix, Criterion, Section, Totals, Variant
from kehoach.plan.numbers import parse_decimal
from kehoach.plan.taskrows import Carry, TaskRow, resolve
from kehoach.plan.textclean import clean

SIPAS_MAX = 100.0  # "Tỷ lệ (tối đa 100%)": every SIPAS figure is a percentage

NUMBER_COLUMNS: tuple[str, ...] = ("max", "score_base", "target")
TASK_COLUMNS: tuple[str, ...] = ("text", "lead", "coordinating", "timeline")
LABELS: dict[str, str] = {
    "tt": "TT",
    "name": "Tên",
    "max": "Điểm tối đa",
    "score_base": "Điểm đạt được năm {base}",
    "target": "Mục tiêu năm {target}",
    "target_text": "Mục tiêu năm {target}",
    "text": "Nhiệm vụ, giải pháp",
    "lead": "Cơ quan chủ trì thực hiện",
    "coordinating": "Cơ quan phối hợp thực hiện",
    "timeline": "Thời gian thực hiện",
}


@dataclass(frozen=True)
class Line:
    number: int  # 1-based
    text: str  # clean text
    raw: str  # as in the file
    # Indexes of the cells that continue a vertically merged cell of the row above, when
    # the source says so (a Word table); None when merges must be inferred (the text).
    merged: frozenset[int] | None = None


@dataclass(frozen=True)
class Layout:
    kind: str  # "par", "sipas", "papi"
    columns: tuple[str, ...]
    labels: tuple[tuple[str, str], ...] = ()  # overrides of LABELS

    def label(self, column: str) -> str:
        """The column's header as messages name it ("{base}", "{target}" until rendered)."""
        return neutral(dict(self.labels).get(column, LABELS[column]))


LAYOUTS: dict[str, Layout] = {
    "PL1": Layout("par", ("tt", "name", "max", "target_text", *TASK_COLUMNS)),
    "PL2": Layout("par", ("tt", "name", "max", "score_base", "target_text", *TASK_COLUMNS)),
    "PL3": Layout(
        "sipas",
        ("tt", "name", "score_base", "target", *TASK_COLUMNS),
        (("score_base", "Kết quả năm {base}"),),
    ),
    "PL4": Layout("papi", ("tt", "name", "max", "score_base", "target", *TASK_COLUMNS)),
}

_PAR_CODE = re.compile(r"^(?P<kind>TCTP|TC)\s*(?P<num>\d+(?:\.\d+)*)\s*\.?\s*(?P<name>.*)$")
_INTEGER = re.compile(r"^\d+$")
_SUB_CODE = re.compile(r"^\d+(?:\.\d+)+$")
_ROMAN_TOKEN = re.compile(r"^[IVXLC]+$")
_ROMAN_VALUES = (
    (10, "X"),
    (9, "IX"),
    (5, "V"),
    (4, "IV"),
    (1, "I"),
)
_SURVEY = "(điều tra xhh)"
_HEADER_WORDS = ("kết quả", "mục tiêu", "điểm")


class _Row:
    def __init__(self, line: Line, layout: Layout, source: str, appendix_id: str) -> None:
        cells = line.raw.split("\t")
        wanted = len(layout.columns)
        if len(cells) < wanted or any(clean(c) for c in cells[wanted:]):
            raise PlanTextError(
                f"Dòng bảng có {len(cells)} ô; bảng Phụ lục {appendix_id[2:]} có {wanted} cột.",
                file=source,
                line=line.number,
                text=line.raw,
            )
        self.line = line
        self.raw = dict(zip(layout.columns, cells, strict=False))
        self.cells = {col: clean(value) for col, value in self.raw.items()}
        self.merged: frozenset[str] | None = None
        if line.merged is not None:
            self.merged = frozenset(layout.columns[i] for i in line.merged if i < wanted)

    def get(self, column: str) -> str:
        return self.cells.get(column, "")

    def empty(self, columns: tuple[str, ...]) -> bool:
        return not any(self.get(c) for c in columns)

    def may_inherit(self, column: str) -> bool:
        """True when an empty ``column`` may take the value above (a merged cell)."""
        return self.merged is None or column in self.merged

    def task_row(self) -> TaskRow:
        merged = None if self.merged is None else self.merged & frozenset(TASK_COLUMNS)
        text, lead, coordinating, timeline = (self.raw[c] for c in TASK_COLUMNS)
        return TaskRow(self.line.number, text, lead, coordinating, timeline, merged)


def roman_prefix(tt: str) -> tuple[str, str] | None:
    """The Roman numeral opening a TT cell and the rest: "VII I" -> ("VIII", "")."""
    tokens = tt.split()
    k = 0
    while k < len(tokens) and _ROMAN_TOKEN.match(tokens[k]):
        k += 1
    while k > 0 and not _is_roman("".join(tokens[:k])):
        k -= 1
    if k == 0:
        return None
    return "".join(tokens[:k]), " ".join(tokens[k:])


def _is_roman(numeral: str) -> bool:
    value, rest = 0, numeral
    for amount, letters in _ROMAN_VALUES:
        while rest.startswith(letters):
            value, rest = value + amount, rest[len(letters) :]
    return not rest and 0 < value < 40 and _to_roman(value) == numeral


def _to_roman(value: int) -> str:
    out = ""
    for amount, letters in _ROMAN_VALUES:
        count, value = divmod(value, amount)
        out += letters * count
    return out


def read_appendix(
    appendix: Appendix,
    layout: Layout,
    lines: list[Line],
    source: str,
    years: PlanYears | None = None,
) -> None:
    """Fill ``appendix`` from the lines after its heading (tab-less lines are notes); messages
    name the columns with the plan's ``years``."""
    if years is not None:
        layout = Layout(
            layout.kind,
            layout.columns,
            tuple(
                (c, render(dict(layout.labels).get(c, LABELS[c]), years)) for c in layout.columns
            ),
        )
    reader = _Reader(appendix, layout, source)
    for line in lines:
        if "\t" in line.raw:
            reader.feed(_Row(line, layout, source, appendix.id))
    reader.finish()


class _Reader:
    def __init__(self, appendix: Appendix, layout: Layout, source: str) -> None:
        self.appendix = appendix
        self.layout = layout
        self.source = source
        self.section: Section | None = None
        self.untitled: Section | None = None  # a PAR field waiting for its title row
        self.group = ("", "")
        self.criterion: Criterion | None = None
        self.block: list[TaskRow] = []
        self.carry = Carry()
        self.target_carry = ""
        self.seen: dict[str, tuple[Section, Criterion]] = {}

    # -- dispatch ---------------------------------------------------------------------------

    def feed(self, row: _Row) -> None:
        tt, name = row.get("tt"), row.get("name")
        if self._is_header(row) or row.empty(self.layout.columns):
            return
        if self.untitled is not None:
            self._title_row(row)
            return
        roman = roman_prefix(tt)
        if self.layout.kind != "par" and not tt and name.casefold() == "tổng":
            self._totals(row)
        elif roman is not None and self.layout.kind in ("par", "sipas"):
            self._roman_row(row, *roman)
        elif self.layout.kind != "par" and _INTEGER.match(tt):
            self._open_section(row, tt, name)
        elif self.layout.kind != "par" and _SUB_CODE.match(tt):
            self._criterion(row, tt, name)
        elif self.layout.kind == "par" and (_INTEGER.match(tt) or (not tt and name)):
            m = _PAR_CODE.match(name)
            if not m or not m["name"]:
                self._fail(row, "Không đọc được mã tiêu chí («TC …» hoặc «TCTP …») ở cột tên.")
            self._criterion(row, f"{m['kind']} {m['num']}", m["name"])
        elif not tt and not name:
            self._continuation(row)
        else:
            self._fail(row, "Không nhận ra dòng bảng (TT không phải số La Mã, số hay mã tiêu chí).")

    def finish(self) -> None:
        self._flush()
        if self.untitled is not None:
            self._fail_line(self.untitled.line, "Lĩnh vực không có tên.")

    def _is_header(self, row: _Row) -> bool:
        if row.get("tt").casefold() in ("tt", "stt"):
            return True
        if row.get("tt") or row.get("name") or not row.empty(TASK_COLUMNS):
            return False
        numbers = [row.get(c) for c in NUMBER_COLUMNS if row.get(c)]
        return bool(numbers) and all(v.casefold().startswith(_HEADER_WORDS) for v in numbers)

    # -- sections ---------------------------------------------------------------------------

    def _roman_row(self, row: _Row, numeral: str, rest: str) -> None:
        title = " ".join(t for t in (rest, row.get("name")) if t)
        if self.layout.kind == "sipas":
            self._close_section()
            self.group = (numeral, title)
            return
        section = self._open_section(row, numeral, title)
        if not title:
            self.untitled = section

    def _title_row(self, row: _Row) -> None:
        assert self.untitled is not None
        title = row.get("tt") or row.get("name")
        others = tuple(c for c in self.layout.columns if c not in ("tt", "name"))
        both = bool(row.get("tt") and row.get("name"))
        if both or roman_prefix(title) or _INTEGER.match(title) or not row.empty(others):
            self._fail(row, f"Lĩnh vực {self.untitled.id} không có tên (dòng sau số La Mã).")
        self.untitled.title = title
        self.untitled = None

    def _open_section(self, row: _Row, number: str, title: str) -> Section:
        if not title and self.layout.kind != "par":
            self._fail(row, f"Mục {number} không có tên.")
        self._close_section()
        section = Section(id=number, title=title, line=row.line.number)
        if self.layout.kind == "sipas":
            if not self.group[0]:
                self._fail(row, "Nhóm con nằm ngoài nhóm tiêu chí (thiếu dòng I/II).")
            section.id = f"{self.group[0]}.{number}"
            section.group, section.group_title = self.group
        section.max, section.score_base, section.target = self._figures(row)
        self.appendix.sections.append(section)
        self.section = section
        return section

    def _close_section(self) -> None:
        self._flush()
        self.section = None
        self.carry = Carry()
        self.target_carry = ""

    def _totals(self, row: _Row) -> None:
        self.appendix.total = Totals(*self._figures(row))

    def _figures(self, row: _Row) -> tuple[float | None, float | None, float | None]:
        max_, score, target = (self._number(row, c) for c in NUMBER_COLUMNS)
        if self.layout.kind == "sipas":
            max_ = SIPAS_MAX
        return max_, score, target

    def _number(self, row: _Row, column: str) -> float | None:
        value = row.get(column)
        try:
            return parse_decimal(value)
        except ValueError:
            label = self.layout.label(column)
            self._fail(row, f"Số không hợp lệ ở cột '{label}': «{value}»")

    # -- criteria and tasks -----------------------------------------------------------------

    def _criterion(self, row: _Row, code: str, name: str) -> None:
        if self.section is None:
            self._fail(row, "Tiêu chí nằm ngoài lĩnh vực/nhóm (thiếu dòng tiêu đề phía trên).")
        if not name:
            self._fail(row, f"Tiêu chí {code} không có tên.")
        self._flush()
        key = self._criterion_id(code)
        max_, score, target = self._figures(row)
        target_text = row.get("target_text")
        if key in self.seen:
            section, criterion = self.seen[key]
            if section is not self.section:
                self._fail(row, f"Mã tiêu chí {code} trùng với dòng {criterion.line}.")
            self._record_variants(row, criterion, name, (max_, score, target), target_text)
        else:
            criterion = Criterion(
                id=key,
                code=code,
                name=name,
                max=max_,
                score_base=score,
                target=target,
                target_text=target_text,
                survey=_SURVEY in name.casefold(),
                tt=row.get("tt"),
                line=row.line.number,
            )
            if (
                self.layout.kind == "par"
                and not target_text
                and self.target_carry
                and row.may_inherit("target_text")
            ):
                criterion.target_text = self.target_carry
                criterion.inherited.append("target_text")
            self.section.criteria.append(criterion)
            self.seen[key] = (self.section, criterion)
        self.target_carry = target_text or criterion.target_text
        self.criterion = criterion
        self.block = [row.task_row()]

    def _criterion_id(self, code: str) -> str:
        if self.layout.kind == "par":
            return f"{self.appendix.id}-{code.replace(' ', '-')}"
        if self.layout.kind == "sipas":
            return f"{self.appendix.id}-{self.group[0]}-{code}"
        return f"{self.appendix.id}-{code}"

    def _record_variants(
        self,
        row: _Row,
        criterion: Criterion,
        name: str,
        figures: tuple[float | None, float | None, float | None],
        target_text: str,
    ) -> None:
        for column, new, old in (
            ("name", name, criterion.name),
            *zip(
                NUMBER_COLUMNS,
                figures,
                (criterion.max, criterion.score_base, criterion.target),
                strict=True,
            ),
            ("target_text", target_text, criterion.target_text),
        ):
            if new not in (None, "") and new != old:
                written = name if column == "name" else row.get(column)
                criterion.variants.append(Variant(column, written, row.line.number))

    def _continuation(self, row: _Row) -> None:
        if self.criterion is None or self.section is None:
            self._fail(row, "Dòng tiếp nối (TT và tên trống) không thuộc tiêu chí nào.")
        filled = [c for c in (*NUMBER_COLUMNS, "target_text") if row.get(c)]
        if filled:
            self._fail(row, f"Dòng tiếp nối có giá trị ở cột '{self.layout.label(filled[0])}'.")
        self.block.append(row.task_row())

    def _flush(self) -> None:
        if self.criterion is not None and self.block:
            first = len(self.criterion.tasks) + 1
            tasks, self.carry = resolve(self.block, self.carry, self.criterion.id, first)
            self.criterion.tasks.extend(tasks)
        self.criterion = None
        self.block = []

    # -- errors -----------------------------------------------------------------------------

    def _fail(self, row: _Row, message: str) -> NoReturn:
        raise PlanTextError(message, file=self.source, line=row.line.number, text=row.line.raw)

    def _fail_line(self, line: int, message: str) -> NoReturn:
        raise PlanTextError(message, file=self.source, line=line)
