"""A cell's value as text, one rule for every reader of our workbooks: ``cell_text``.

Pure, and free of heavy imports: intake, signing and the plan reader all use it.
"""

from __future__ import annotations

from typing import Any

# The values of Excel's error cells (a formula that failed, a broken reference), as readers give
# them: text, never a number.
EXCEL_ERRORS = frozenset(
    ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA")
)


def cell_text(value: Any) -> str:
    """ "" for a blank cell; a whole number stored as a float without ".0" (a number typed into
    a text column, or any number from a reader that gives every number as a float, such as
    python-calamine: 12, not 12.0); anything else as ``str`` gives it. Never stripped."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
