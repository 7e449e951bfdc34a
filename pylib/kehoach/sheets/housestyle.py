"""One typeface for every cell of the master: Times New Roman.

Vietnamese administrative print uses it and every supported Office (2016 onward) has it. A
font that names no typeface (openpyxl's ``Font(bold=True)``) shows in the workbook's default
font, and the default of a new workbook is a theme font (Aptos Narrow, Calibri) that older
Office lacks; so the default font, every named style and every font of the styles table name
the typeface.
"""

from __future__ import annotations

from copy import copy

from openpyxl import Workbook

FONT_NAME = "Times New Roman"
BODY_SIZE = 11.0
# Excel's font family code of a serif face (Times New Roman).
_ROMAN_FAMILY = 1.0


def apply_house_font(wb: Workbook) -> None:
    """Name ``FONT_NAME`` in the default font, in every font of ``wb``'s styles table and in
    every named style; sizes, bold, colours stay. Cells keep their font ids, so no cell
    changes but its typeface."""
    fonts = wb._fonts
    for i, font in enumerate(fonts):
        if font.name == FONT_NAME and font.scheme is None and font.sz is not None:
            continue
        renamed = copy(font)
        renamed.name = FONT_NAME
        renamed.family = _ROMAN_FAMILY
        renamed.scheme = None  # a theme scheme font would override the name
        if renamed.sz is None:
            renamed.sz = BODY_SIZE
        list.__setitem__(fonts, i, renamed)
    # Two fonts may now be equal: keep each font's lookup at its first index, so that a style
    # added later finds an existing font (openpyxl's own rebuild would shift indices).
    fonts._dict = {}
    for i, font in enumerate(fonts):
        fonts._dict.setdefault(font, i)
    fonts.clean = True
    for style in wb._named_styles:
        if style.font.name != FONT_NAME or style.font.scheme is not None:
            font = copy(style.font)
            font.name = FONT_NAME
            font.family = _ROMAN_FAMILY
            font.scheme = None
            style.font = font
