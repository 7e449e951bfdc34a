"""What every rule of the checker works on: the plan sheets as tables, and helpers.

``CheckContext`` holds the appendix sheets and the tasks sheet as ``MasterState.records``
(Excel row → layout key → value: plain Python, no pandas), so every finding can name its cell, and
the agency directory (``directory.load_directory``). Values are as found in the sheet: a
number typed as text stays a str, and only ``number`` turns a cell into a float.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from kehoach.agencies.directory import Directory
from kehoach.agencies.resolve import Resolution, TaskAgencies, resolve_plan
from kehoach.checks.findings import Finding
from kehoach.checks.rules import Rule
from kehoach.common.planyears import PlanYears
from kehoach.plan.model import APPENDIX_IDS
from kehoach.sheets import layout
from kehoach.sheets.sheetdata import cell_ref, is_blank
from kehoach.state.master import MasterState

# Row kinds of an appendix sheet that carry figures, by depth in the tree.
FIGURE_LEVELS: dict[str, int] = {"total": 0, "group": 1, "section": 2, "criterion": 3}
FIGURE_KEYS: tuple[str, ...] = ("max", "score_base", "target")

Table = Mapping[int, Mapping[str, Any]]  # a plan sheet: Excel row → layout key → value

_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
_SPACE = re.compile(r"\s+")


def blank(value: Any) -> bool:
    """Empty cell (pandas may hand an empty object cell back as NaN)."""
    return is_blank(value) or (isinstance(value, float) and math.isnan(value))


def number(value: Any) -> float | None:
    """The cell as a number when it holds one (never a bool, never text)."""
    if isinstance(value, bool) or blank(value):
        return None
    if isinstance(value, int | float):
        return float(value)
    return None


def text(value: Any) -> str:
    """The cell as text ("" when empty); whole numbers without ".0"."""
    if blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def same_text_key(value: str) -> str:
    """How two names are compared: NFC, case-folded, single spaces, no trailing dot."""
    return _SPACE.sub(" ", unicodedata.normalize("NFC", value)).strip().rstrip(".;: ").casefold()


def roman_to_int(numeral: str) -> int | None:
    """ "IV" → 4; None when not a Roman numeral."""
    numeral = numeral.strip().upper()
    if not numeral or any(ch not in _ROMAN for ch in numeral):
        return None
    total = 0
    for i, ch in enumerate(numeral):
        value = _ROMAN[ch]
        following = _ROMAN[numeral[i + 1]] if i + 1 < len(numeral) else 0
        total += -value if value < following else value
    return total


def int_to_roman(value: int) -> str:
    out = ""
    for n, sym in (
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ):
        while value >= n:
            out += sym
            value -= n
    return out


def fmt_number(value: float, decimals: int | None) -> str:
    """Vietnamese style: decimal comma, the printed decimals ("9,63"); up to 4 when unknown."""
    if decimals is None:
        return f"{value:.4f}".rstrip("0").rstrip(".").replace(".", ",")
    return f"{value:.{decimals}f}".replace(".", ",")


def value_decimals(value: float) -> int:
    """Decimals of ``value`` as written (0.25 → 2), at most 6."""
    shown = f"{value:.6f}".rstrip("0")
    return len(shown.partition(".")[2])


@dataclass
class CheckContext:
    """The plan sheets of one workbook, read once for every rule."""

    state: MasterState
    appendices: dict[str, Table]
    tasks: Table
    directory: Directory
    years: PlanYears

    @classmethod
    def read(cls, state: MasterState) -> CheckContext:
        """Every plan sheet of ``state``; WorkbookError (naming sheet and cell) when one is
        damaged."""
        appendices = {a: state.records(layout.APPENDIX_SHEETS[a]) for a in APPENDIX_IDS}
        return cls(
            state, appendices, state.records(layout.TASKS_SHEET), state.directory, state.years
        )

    @cached_property
    def resolution(self) -> Resolution:
        """The tasks' lead and coordinating texts resolved against the directory (the
        agency rules' common ground; resolving indexes the directory, so it is done once)."""
        tasks = [
            TaskAgencies(text(c["id"]), text(c["lead"]), text(c["coordinating"]), int(row))
            for row, c in self.tasks.items()
        ]
        return resolve_plan(tasks, self.directory)

    # --- cells ---------------------------------------------------------------------------

    @staticmethod
    def column(appendix: str, key: str) -> layout.Column:
        columns = layout.APPENDIX_COLUMNS[appendix]
        return columns[layout.column_index(columns, key) - 1]

    @staticmethod
    def cell(appendix: str, key: str, row: int) -> str:
        return f"{layout.column_letter(layout.APPENDIX_COLUMNS[appendix], key)}{row}"

    @staticmethod
    def ref(appendix: str, key: str, row: int) -> str:
        """'PL2'!F12, for naming another cell in a message."""
        letter = layout.column_letter(layout.APPENDIX_COLUMNS[appendix], key)
        return cell_ref(layout.APPENDIX_SHEETS[appendix], letter, row)

    def finding(
        self, rule: Rule, appendix: str, code: str, key: str, row: int, message: str
    ) -> Finding:
        """A finding about the cell of column ``key``, row ``row`` of an appendix sheet."""
        return Finding(
            rule=rule.id,
            severity=rule.severity,
            appendix=appendix,
            code=code,
            sheet=layout.APPENDIX_SHEETS[appendix],
            cell=self.cell(appendix, key, row),
            message=message,
        )

    def task_finding(self, rule: Rule, row: int, key: str, message: str) -> Finding:
        """A finding about the cell of column ``key``, row ``row`` of the tasks sheet."""
        letter = layout.column_letter(layout.TASK_COLUMNS, key)
        return Finding(
            rule=rule.id,
            severity=rule.severity,
            appendix=text(self.tasks[row]["appendix"]),
            code=text(self.tasks[row]["code"]),
            sheet=layout.TASKS_SHEET,
            cell=f"{letter}{row}",
            message=message,
        )

    # --- rows ----------------------------------------------------------------------------

    def kind(self, appendix: str, row: int) -> str:
        """The row's kind key ("total", "section", ...), "" when the cell is not a known kind."""
        return self._kinds[appendix][row]

    @cached_property
    def _kinds(self) -> dict[str, dict[int, str]]:
        # Asked for every row by several rules: read once per sheet, not cell by cell.
        return {
            appendix: {
                int(row): layout.KIND_ROWS.get(text(cells["kind"]), "")
                for row, cells in table.items()
            }
            for appendix, table in self.appendices.items()
        }

    def figure_rows(self, appendix: str) -> list[tuple[int, int]]:
        """(row, depth) of the rows that can carry figures, in sheet order."""
        table = self.appendices[appendix]
        out: list[tuple[int, int]] = []
        for row in table:
            kind = self.kind(appendix, int(row))
            if kind in FIGURE_LEVELS:
                out.append((int(row), FIGURE_LEVELS[kind]))
        return out

    def label(self, appendix: str, row: int) -> str:
        """How a message names a row: its code, else its TT, else its name ("Tổng")."""
        table = self.appendices[appendix]
        for key in ("code", "tt", "name"):
            value = text(table[row][key])
            if value:
                return value
        return f"dòng {row}"

    def sections(self, appendix: str) -> Iterator[tuple[int, int, list[int]]]:
        """(row, section number, criterion rows) of each section with a readable number."""
        table = self.appendices[appendix]
        current: tuple[int, int, list[int]] | None = None
        for row in table:
            row = int(row)
            kind = self.kind(appendix, row)
            if kind in ("total", "group", "section"):
                if current is not None:
                    yield current
                current = None
                if kind == "section":
                    tt = text(table[row]["tt"])
                    value = roman_to_int(tt) if not tt.isdigit() else int(tt)
                    if value is not None:
                        current = (row, value, [])
            elif kind == "criterion" and current is not None:
                current[2].append(row)
        if current is not None:
            yield current

    def groups(self, appendix: str) -> dict[int, str]:
        """The criteria group (TT of the last group row above, "" if none) of every row."""
        table = self.appendices[appendix]
        group = ""
        out: dict[int, str] = {}
        for row in table:
            row = int(row)
            if self.kind(appendix, row) == "group":
                group = text(table[row]["tt"])
            out[row] = group
        return out
