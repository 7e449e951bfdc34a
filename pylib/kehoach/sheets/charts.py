"""Chart text in the house font: titles, axis and legend labels (Excel's default would be
Calibri). Used by the charts of «TongHop» and «Chênh lệch»."""

from __future__ import annotations

from openpyxl.chart.text import RichText, Text
from openpyxl.chart.title import Title
from openpyxl.drawing.text import (
    CharacterProperties,
    Paragraph,
    ParagraphProperties,
    RegularTextRun,
)
from openpyxl.drawing.text import Font as DrawingFont

from kehoach.sheets.housestyle import FONT_NAME


def _character(size: int, bold: bool) -> CharacterProperties:
    return CharacterProperties(latin=DrawingFont(typeface=FONT_NAME), sz=size, b=bold)


def text_properties(size: int = 900, bold: bool = False) -> RichText:
    """Chart text in the sheet's font (size in hundredths of a point)."""
    props = _character(size, bold)
    return RichText(p=[Paragraph(pPr=ParagraphProperties(defRPr=props), endParaRPr=props)])


def chart_title(text: str, size: int = 1200) -> Title:
    """A chart title in the sheet's font, bold (Excel's default would be Calibri 14)."""
    props = _character(size, True)
    run = RegularTextRun(rPr=props, t=text)
    paragraph = Paragraph(pPr=ParagraphProperties(defRPr=props), r=[run])
    return Title(tx=Text(rich=RichText(p=[paragraph])), overlay=False)
