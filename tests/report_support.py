"""Reading a report back for the report tests: python-docx on the .docx, the appendix tables as
numbers, the runs of a paragraph with their effective font, size, bold and italic."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docx import Document
from docx.oxml.ns import qn

from kehoach.report.template import APPENDIX_HEADERS


@dataclass(frozen=True)
class RunStyle:
    text: str
    font: str | None
    size: float | None
    bold: bool
    italic: bool


def open_docx(data: bytes | Path) -> Any:
    return Document(io.BytesIO(data) if isinstance(data, bytes) else str(data))


def _effective(run: Any, paragraph: Any, doc: Any) -> RunStyle:
    style = paragraph.style
    size = run.font.size or style.font.size or doc.styles["Normal"].font.size
    font = run.font.name or style.font.name or doc.styles["Normal"].font.name
    return RunStyle(
        run.text,
        font,
        size.pt if size is not None else None,
        bool(run.font.bold if run.font.bold is not None else style.font.bold),
        bool(run.font.italic if run.font.italic is not None else style.font.italic),
    )


def all_paragraphs(doc: Any) -> list[Any]:
    """Every paragraph of the body, tables' cells included, in document order."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    out: list[Any] = []

    def walk(element: Any, parent: Any) -> None:
        for child in element.iterchildren():
            if child.tag == qn("w:p"):
                out.append(Paragraph(child, parent))
            elif child.tag == qn("w:tbl"):
                table = Table(child, parent)
                for row in table.rows:
                    for cell in row.cells:
                        walk(cell._tc, cell)

    walk(doc.element.body, doc)
    return out


def runs(doc: Any) -> list[RunStyle]:
    """Every run with text, with its effective style."""
    return [_effective(r, p, doc) for p in all_paragraphs(doc) for r in p.runs if r.text.strip()]


def paragraph_style(doc: Any, text: str) -> RunStyle:
    """The style of the (first) run of the first paragraph whose text is ``text``."""
    for p in all_paragraphs(doc):
        if p.text.strip() == text and p.runs:
            return _effective(p.runs[0], p, doc)
    raise AssertionError(f"no paragraph «{text}»")


def texts(doc: Any) -> list[str]:
    return [p.text for p in all_paragraphs(doc)]


def number(text: str) -> int:
    """ "3.868" → 3868."""
    return int(text.replace(".", ""))


def appendix_tables(doc: Any) -> list[list[list[str]]]:
    """The appendix tables (header «Lĩnh vực / nhóm»): their body rows' cell texts."""
    out = []
    for table in doc.tables:
        header = [c.text for c in table.rows[0].cells]
        if tuple(header) == APPENDIX_HEADERS:
            out.append([[c.text for c in row.cells] for row in table.rows[1:]])
    return out
