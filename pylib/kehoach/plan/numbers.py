"""Numbers as the plan writes them: a decimal comma, no thousands separator.

"1,5000", "0,25", "2", "75,24" are 1.5, 0.25, 2.0, 75.24. Anything else in a
number column ("1,2,3", "abc", "1.5", "75,24%") is rejected rather than guessed:
in Vietnamese usage "1.500" is one thousand five hundred, so a dot is ambiguous.
"""

from __future__ import annotations

import re

_DECIMAL = re.compile(r"[0-9]+(?:,[0-9]+)?")


def parse_decimal(text: str) -> float | None:
    """The value of a number cell, ``None`` when the cell is empty.

    Raises ``ValueError`` naming the text when it is not a decimal-comma number.
    """
    value = text.strip()
    if not value:
        return None
    if not _DECIMAL.fullmatch(value):
        raise ValueError(f"not a decimal-comma number: {value!r}")
    return float(value.replace(",", "."))
