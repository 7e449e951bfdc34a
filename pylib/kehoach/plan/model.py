"""The plan model: appendix -> section -> criterion -> task.

Plain dataclasses, no I/O. The importer builds them from the plan text, the
workbook reader builds them back from the master workbook, and ``to_dict``
gives the JSON shape of ``kehoach export``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from kehoach.common.planyears import PlanYears

APPENDIX_IDS: tuple[str, ...] = ("PL1", "PL2", "PL3", "PL4")


@dataclass
class Task:
    """One task (nhiệm vụ, giải pháp) of a criterion, with its agencies as written."""

    id: str
    text: str
    lead: str = ""
    coordinating: str = ""
    timeline: str = ""
    # Fields whose value was empty in the row and taken from the row above
    # (a vertically merged cell in the original): "text", "lead", "coordinating", "timeline".
    inherited: list[str] = field(default_factory=list)
    # Fields whose value evidently landed in the wrong column, kept as written.
    misplaced: list[str] = field(default_factory=list)
    line: int = 0  # line number in the plan text (1-based), 0 when not from text

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "text": self.text,
            "lead": self.lead,
            "coordinating": self.coordinating,
            "timeline": self.timeline,
            "inherited": list(self.inherited),
            "misplaced": list(self.misplaced),
        }


@dataclass
class Variant:
    """A value seen on a repeated row of the same criterion that differs from the first."""

    field: str  # "name", "max", "score_base", "target", "target_text"
    value: str  # as written on the repeated row
    line: int

    def to_dict(self) -> dict[str, Any]:
        return {"field": self.field, "value": self.value, "line": self.line}


# A variant as the master's variants cell shows it, one a line: "label: value (dòng N)"
# (``kehoach.workbook.master.variants_text`` writes it; the label is a VARIANT_LABELS one).
VARIANT_LINE = re.compile(r"(?P<label>[^:]+): (?P<value>.*) \(dòng (?P<line>[0-9]+)\)")


@dataclass
class Criterion:
    """A criterion (TC), component criterion (TCTP), SIPAS criterion or PAPI sub-content."""

    id: str
    code: str  # as written: "TC 1.2", "TCTP 3.4.4", "2.3"
    name: str
    max: float | None = None
    score_base: float | None = None
    target: float | None = None
    target_text: str = ""  # the target as the plan words it, when it is not a number
    survey: bool = False  # "(Điều tra XHH)": scored by sociological survey
    tasks: list[Task] = field(default_factory=list)
    tt: str = ""  # the row number (TT) as written
    # Criterion-level fields inherited from a merged cell above ("target_text").
    inherited: list[str] = field(default_factory=list)
    # Differing values on rows that repeat this criterion (after a page break).
    variants: list[Variant] = field(default_factory=list)
    line: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "code": self.code,
            "name": self.name,
            "max": self.max,
            "score_base": self.score_base,
            "target": self.target,
            "target_text": self.target_text,
            "survey": self.survey,
            "inherited": list(self.inherited),
            "variants": [v.to_dict() for v in self.variants],
            "tasks": [t.to_dict() for t in self.tasks],
        }


@dataclass
class Section:
    """A field (lĩnh vực) of PAR INDEX, a SIPAS sub-group or a PAPI content index.

    For PL3 ``group`` holds the Roman numeral of the criteria group ("I", "II")
    and ``id`` is "I.1", "II.3", ...; elsewhere ``group`` is empty.
    """

    id: str
    title: str
    max: float | None = None
    score_base: float | None = None
    target: float | None = None
    group: str = ""
    group_title: str = ""
    criteria: list[Criterion] = field(default_factory=list)
    line: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "group": self.group,
            "group_title": self.group_title,
            "max": self.max,
            "score_base": self.score_base,
            "target": self.target,
            "criteria": [c.to_dict() for c in self.criteria],
        }


@dataclass
class Totals:
    max: float | None = None
    score_base: float | None = None
    target: float | None = None

    def to_dict(self) -> dict[str, float | None]:
        return {"max": self.max, "score_base": self.score_base, "target": self.target}


@dataclass
class Appendix:
    id: str  # "PL1" .. "PL4"
    title: str
    total: Totals = field(default_factory=Totals)
    sections: list[Section] = field(default_factory=list)

    @property
    def criteria(self) -> list[Criterion]:
        return [c for s in self.sections for c in s.criteria]

    @property
    def tasks(self) -> list[Task]:
        return [t for c in self.criteria for t in c.tasks]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "total": self.total.to_dict(),
            "sections": [s.to_dict() for s in self.sections],
        }


@dataclass
class Plan:
    number: str  # "512/KH-UBND"
    date: str  # ISO "2026-03-15"
    title: str
    issuer: str = ""  # "UBND tỉnh Bắc Kạn"
    appendices: list[Appendix] = field(default_factory=list)
    base_year: int = 0  # the year whose results the plan fixes ("Điểm đạt được năm …")
    target_year: int = 0  # the year of its targets ("Mục tiêu năm …")
    province: str = ""  # "Bắc Kạn"

    @property
    def years(self) -> PlanYears:
        """Base and target year; ValueError when the plan was made without them."""
        if not self.base_year or not self.target_year:
            raise ValueError(f"plan {self.number!r} has no base or target year")
        return PlanYears(self.base_year, self.target_year)

    def appendix(self, appendix_id: str) -> Appendix:
        for a in self.appendices:
            if a.id == appendix_id:
                return a
        raise KeyError(appendix_id)

    def iter_tasks(self) -> list[tuple[Appendix, Section, Criterion, Task]]:
        return [
            (a, s, c, t)
            for a in self.appendices
            for s in a.sections
            for c in s.criteria
            for t in c.tasks
        ]

    def to_dict(self) -> dict[str, Any]:
        return {
            "plan": {
                "number": self.number,
                "date": self.date,
                "title": self.title,
                "issuer": self.issuer,
                "province": self.province,
                "base_year": self.base_year,
                "target_year": self.target_year,
            },
            "appendices": [a.to_dict() for a in self.appendices],
        }
