"""Errors the user sees. Each carries where the problem is (file, line, sheet, cell)
and a Vietnamese message; ``str(err)`` is the full text shown in Excel or on the CLI.

Consistency findings are data (see a later ``checks`` module), never raised.
"""

from __future__ import annotations

from pathlib import Path


class KeHoachError(Exception):
    """Base of every error meant for the user."""

    def __init__(
        self,
        message: str,
        *,
        file: str | Path | None = None,
        line: int | None = None,
        sheet: str | None = None,
        cell: str | None = None,
        text: str | None = None,
    ) -> None:
        self.message = message
        self.file = str(file) if file is not None else None
        self.line = line
        self.sheet = sheet
        self.cell = cell
        self.text = text
        super().__init__(self.render())

    def render(self) -> str:
        where: list[str] = []
        if self.file:
            where.append(f"tệp {self.file}")
        if self.line is not None:
            where.append(f"dòng {self.line}")
        if self.sheet:
            where.append(f"trang tính '{self.sheet}'")
        if self.cell:
            where.append(f"ô {self.cell}")
        out = self.message
        if where:
            out = f"{', '.join(where)}: {out}"
        if self.text is not None:
            shown = self.text if len(self.text) <= 200 else self.text[:200] + "…"
            out += f"\n    Nội dung: «{shown}»"
        return out


class PlanTextError(KeHoachError):
    """The plan text cannot be imported (names the line and shows its text)."""


class WorkbookError(KeHoachError):
    """A workbook is missing, damaged or not laid out as expected."""


class BuildError(KeHoachError):
    """The master workbook cannot be built from its sources."""
