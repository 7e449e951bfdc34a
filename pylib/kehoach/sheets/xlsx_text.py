"""Text cells written by XlsxWriter exactly as given.

XlsxWriter takes a string that starts with "<r>" and ends with "</r>" for rich-text XML of its
own and puts it into the file as it is: an agency's answer "<r>a & b</r>" in the history
workbook, or a task's text so written in an agency workbook, would make a file that no reader
opens. ``write_text`` writes such a text as two runs in the cell's own format, the same text
and the same look; every other text as ``write_string`` does. Pure core: no xlwings.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from xlsxwriter.format import Format
    from xlsxwriter.worksheet import Worksheet

_OPEN, _CLOSE = "<r>", "</r>"


def taken_for_runs(text: str) -> bool:
    """True for a text XlsxWriter's ``write_string`` would write as rich-text XML."""
    return text.startswith(_OPEN) and text.endswith(_CLOSE)


def write_text(
    ws: Worksheet, row: int, col: int, text: str, fmt: Format | None, runs: Format
) -> None:
    """``ws.write_string(row, col, text, fmt)``, but a text ``taken_for_runs`` is written as
    two runs, in ``fmt`` (``runs``, a plain format of the workbook, where ``fmt`` is None)."""
    if taken_for_runs(text):
        look = fmt if fmt is not None else runs
        fragments = (look, text[:1], look, text[1:])
        if fmt is None:
            ws.write_rich_string(row, col, *fragments)
        else:
            ws.write_rich_string(row, col, *fragments, fmt)
    else:
        ws.write_string(row, col, text, fmt)
