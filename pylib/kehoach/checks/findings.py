"""A finding of the consistency checker: data, never raised.

Each finding names the rule that made it, its severity (``error``/``warning``/``info``, shown
as lỗi/cảnh báo/thông tin), the appendix and criterion code it concerns, the sheet and cell to
look at, and a Vietnamese message that states the expected and the found value.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from kehoach.sheets import layout
from kehoach.sheets.sheetdata import cell_ref

SEVERITY_ORDER: dict[str, int] = {"error": 0, "warning": 1, "info": 2}


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str  # a key of layout.SEVERITY_LABELS
    appendix: str  # "PL1".."PL4", "" when not about one appendix
    code: str  # criterion code ("TCTP 3.4.3", "1.2"), section numeral, or task id
    sheet: str
    cell: str  # "F12"
    message: str

    @property
    def severity_label(self) -> str:
        return layout.SEVERITY_LABELS[self.severity]

    @property
    def ref(self) -> str:
        """The cell with its sheet, as a link target: 'PL2'!F12."""
        return cell_ref(self.sheet, *_split_cell(self.cell))

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "severity_label": self.severity_label,
            "appendix": self.appendix,
            "code": self.code,
            "sheet": self.sheet,
            "cell": self.cell,
            "message": self.message,
        }


def _split_cell(cell: str) -> tuple[str, int]:
    letters = cell.rstrip("0123456789")
    return letters, int(cell[len(letters) :])


def sort_key(finding: Finding) -> tuple[int, int, str, int, str, str]:
    """Errors first; then in workbook order: sheet (as layout lists them), row, column; rule."""
    sheets = list(layout.expected_sheets())
    order = sheets.index(finding.sheet) if finding.sheet in sheets else len(sheets)
    letters, row = _split_cell(finding.cell)
    return (
        SEVERITY_ORDER[finding.severity],
        order,
        finding.sheet,
        row,
        f"{len(letters):02d}{letters}",
        finding.rule,
    )


def counts(findings: Iterable[Finding]) -> dict[str, int]:
    """Number of findings per severity key, every severity present (0 when none)."""
    found = Counter(f.severity for f in findings)
    return {s: found.get(s, 0) for s in layout.SEVERITY_LABELS}


def counts_text(findings: Iterable[Finding]) -> str:
    """ "3 lỗi, 1 cảnh báo, 0 thông tin" """
    return ", ".join(f"{n} {layout.SEVERITY_LABELS[s]}" for s, n in counts(findings).items())
