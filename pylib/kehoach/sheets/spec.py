"""How every sheet the project writes declares its table: ``Column`` and ``SheetSpec``.

A column is a key (the English name code and DataFrames use), a Vietnamese header template
(``{base}``/``{target}`` stand for the plan's years, ``kehoach.common.planyears``), a width in
Excel's units, a number format, and whether it belongs to the printed table. A sheet spec is a
sheet's name, the row of its headers, the first row of its data and its columns in sheet order
(A, B, …), with what every user of a sheet asks: where a key sits, the headers as shown for a
plan's years, whether a header row read back is the one written (for any plan's years).

The layout modules (``layout``, ``extract_layout``, ``progress_layout``, ``summary_layout``,
``mail_layout``) declare their sheets with these and nothing else.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any

from openpyxl.utils import get_column_letter

from kehoach.common.planyears import PlanYears, matches, neutral, render

# Rows of every data sheet: 1 title, 2 subtitle or note, 3 headers, data from 4.
TITLE_ROW = 1
NOTE_ROW = 2
HEADER_ROW = 3
FIRST_DATA_ROW = 4

# One number format per kind of value, on every sheet.
DATE_FORMAT = "dd/mm/yyyy"
TIME_FORMAT = "dd/mm/yyyy hh:mm:ss"
PCT_FORMAT = "0.0%"


@dataclass(frozen=True)
class Column:
    key: str  # English name used in code and in DataFrames
    # Vietnamese header shown in the sheet; "{base}" and "{target}" stand for the plan's years
    # (``kehoach.common.planyears``): write ``text(years)``, compare with ``matches``.
    header: str
    width: float
    number_format: str = "General"
    printed: bool = True  # part of the printed table (technical columns are not)

    def text(self, years: PlanYears | None) -> str:
        """The header as shown for a plan of ``years`` (years as "…" when None)."""
        return render(self.header, years) if years is not None else neutral(self.header)

    def matches(self, found: Any) -> bool:
        """Whether a header cell's value is this column's header, for any plan's years."""
        return matches(str(found).strip() if found is not None else "", self.header)

    def sized(self, width: float) -> Column:
        """This column, ``width`` wide (the same column laid out on another sheet)."""
        return replace(self, width=width)


# The row number of a table, the first column of many sheets.
NUMBER = Column("number", "STT", 6, "0")


def column_index(columns: Sequence[Column], key: str) -> int:
    """1-based column index of ``key`` in ``columns``."""
    for i, col in enumerate(columns, start=1):
        if col.key == key:
            return i
    raise KeyError(key)


def column_letter(columns: Sequence[Column], key: str) -> str:
    """Column letter of ``key`` in ``columns`` ("A" is the first)."""
    return str(get_column_letter(column_index(columns, key)))


def printed_columns(columns: Sequence[Column]) -> int:
    """How many leading columns make up the printed table."""
    count = 0
    for col in columns:
        if not col.printed:
            break
        count += 1
    return count


def decimals(column: Column) -> int | None:
    """Decimals ``column``'s number format prints ("0.00" → 2, "0" → 0); None for "General"."""
    fmt = column.number_format
    if fmt == "General":
        return None
    _, _, fraction = fmt.partition(".")
    return len(fraction) - len(fraction.lstrip("0"))


def header_mismatch(columns: Sequence[Column], row: Sequence[Any]) -> tuple[int, Any] | None:
    """The first column (1-based) whose header cell in ``row`` (values from column A) is not
    its header for any plan's years, with the value found there; None when all match."""
    for i, col in enumerate(columns):
        found = row[i] if i < len(row) else None
        if not col.matches(found):
            return i + 1, found
    return None


@dataclass(frozen=True)
class SheetSpec:
    """A sheet's table: its ``name``, the row of its headers, its first data row and its
    ``columns`` in sheet order (A, B, …)."""

    name: str
    columns: tuple[Column, ...]
    header_row: int = HEADER_ROW
    first_data_row: int = FIRST_DATA_ROW

    @cached_property
    def positions(self) -> dict[str, int]:
        """The 1-based column of every key."""
        return {c.key: i for i, c in enumerate(self.columns, start=1)}

    def position(self, key: str) -> int:
        """The 1-based column of ``key``."""
        return self.positions[key]

    def letter(self, key: str) -> str:
        """The column letter of ``key``."""
        return str(get_column_letter(self.positions[key]))

    def column(self, key: str) -> Column:
        return self.columns[self.positions[key] - 1]

    def headers(self, years: PlanYears | None) -> list[str]:
        """The header row as written for a plan of ``years`` (years as "…" when None)."""
        return [c.text(years) for c in self.columns]

    def header_mismatch(self, row: Sequence[Any]) -> tuple[int, Any] | None:
        """See ``header_mismatch``: the first header of ``row`` that is not this sheet's."""
        return header_mismatch(self.columns, row)
