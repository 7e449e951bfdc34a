"""The two years a plan is about, and texts written for any plan's years.

A plan fixes the results of its base year (the indexes published for that year) and sets targets
for its target year. Headers, sheet texts and messages are written once as templates holding
``{base}`` and ``{target}`` ("Kết quả năm {target}") and rendered for the plan at hand; a header
read back from a workbook matches its template whatever years it shows, so a master built for
another plan (or before the years were taken from the document) is still understood.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

BASE = "{base}"
TARGET = "{target}"
WORKBOOK_NAME_TEMPLATE = "KeHoach{target}.xlsm"


@dataclass(frozen=True)
class PlanYears:
    base: int  # the year whose results the plan sets out to fix
    target: int  # the year the plan sets targets for


def render(template: str, years: PlanYears) -> str:
    """``template`` with ``{base}`` and ``{target}`` replaced by the plan's years."""
    return template.replace(BASE, str(years.base)).replace(TARGET, str(years.target))


def neutral(template: str) -> str:
    """``template`` for a message that knows no plan: the years become "…"."""
    return template.replace(BASE, "…").replace(TARGET, "…")


@lru_cache(maxsize=512)
def _pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"(\{base\}|\{target\})", template)
    regex = "".join(r"\d{4}" if p in (BASE, TARGET) else re.escape(p) for p in parts)
    return re.compile(regex)


def matches(text: str, template: str) -> bool:
    """Whether ``text`` is ``template`` rendered for some years ("Kết quả năm 2026" and
    "Kết quả năm 2030" both match "Kết quả năm {target}")."""
    return _pattern(template).fullmatch(text) is not None


def years_in(text: str, template: str) -> dict[str, int]:
    """The years ``text`` shows in the places of ``template``'s placeholders, {} when it does
    not match."""
    parts = re.split(r"(\{base\}|\{target\})", template)
    names = [p[1:-1] for p in parts if p in (BASE, TARGET)]
    regex = "".join(r"(\d{4})" if p in (BASE, TARGET) else re.escape(p) for p in parts)
    m = re.fullmatch(regex, text)
    if m is None:
        return {}
    return {name: int(value) for name, value in zip(names, m.groups(), strict=True)}


def workbook_name(years: PlanYears) -> str:
    """The master's default file name for a plan: "KeHoach<target year>.xlsm"."""
    return render(WORKBOOK_NAME_TEMPLATE, years)
