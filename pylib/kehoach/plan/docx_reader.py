"""Render the plan's Word file (.docx) as the lines the text importer reads.

The officials receive the plan as a Word document. Its body paragraphs become lines
(a header block laid out as a table, as Vietnamese documents are, gives one line per
paragraph of each cell); each table of an appendix becomes tab-separated rows, one per
Word row, laid out on the table's grid:

* a cell spanning columns (``w:gridSpan``) gives its text to its first column and
  leaves the others empty, as the text rendering does;
* a cell continuing a vertical merge (``w:vMerge`` without ``restart``) is empty and
  marked in ``Line.merged``, so the importer takes the value above *there and only
  there* (the text rendering has to guess merges from empty cells);
* a cell of several paragraphs is written as ``<p>…</p>`` elements, the markup the
  text rendering uses, so each paragraph is one task and pairs with agencies the same
  way; a cell of one paragraph is written as plain text, read by the text's rules;
* the header rows (``w:tblHeader``, or the rows above the first data row) are checked
  against the appendix's columns and skipped, and so is any later row repeating them
  (a header retyped after a page break).

The file is untrusted: its size, the size of its XML and the number of its tables,
rows and columns are capped, and every way it can fail to be a plan becomes a
``PlanTextError`` naming the appendix, table, row or column header concerned.
"""

from __future__ import annotations

import html
import io
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field

import docx
from docx.document import Document as DocxDocument
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.exceptions import InvalidXmlError
from docx.oxml.ns import qn
from docx.oxml.table import CT_Row, CT_Tbl, CT_Tc
from docx.oxml.text.paragraph import CT_P
from lxml import etree

from kehoach.common.errors import PlanTextError
from kehoach.common.zipguard import (
    CFB_SIGNATURE,
    DAMAGE_ERRORS,
    MB,
    ZipCaps,
    first_excess,
    is_encrypted_office,
    read_entries,
    twice_named,
)
from kehoach.plan.model import APPENDIX_IDS, Plan
from kehoach.plan.tables import LAYOUTS, Layout, Line
from kehoach.plan.textclean import clean

MAX_DOCUMENT_XML = 64 * 1024**2  # uncompressed word/document.xml
MAX_UNPACKED = 256 * 1024**2  # every part of the package, uncompressed
MAX_PARTS = 2_000
MAX_TABLES = 200  # in the whole document
MAX_ROWS = 5_000  # per table
MAX_COLUMNS = 64

_APPENDIX_HEADING = re.compile(r"^Phụ lục\s+(?P<n>\d+)\s*\.", re.IGNORECASE)

# What the header of each column must contain (case-insensitive), in order.
HEADER_WORDS: dict[str, tuple[str, ...]] = {
    "tt": ("tt",),
    "name": ("tiêu chí", "nội dung", "lĩnh vực", "chỉ số"),
    "max": ("tối đa",),
    "score_base": ("đạt được", "kết quả"),
    "target": ("mục tiêu",),
    "target_text": ("mục tiêu",),
    "text": ("nhiệm vụ",),
    "lead": ("chủ trì",),
    "coordinating": ("phối hợp",),
    "timeline": ("thời gian",),
}


@dataclass
class RenderedDocx:
    """The lines of a Word plan and, for each line, where it is in the document."""

    source: str
    lines: list[Line] = field(default_factory=list)
    where: dict[int, str] = field(default_factory=dict)
    rows: dict[int, int] = field(default_factory=dict)  # line -> row of its Word table

    def add(self, raw: str, where: str, merged: frozenset[int] | None = None, row: int = 0) -> None:
        number = len(self.lines) + 1
        self.lines.append(Line(number, clean(raw), raw, merged))
        self.where[number] = where
        self.rows[number] = row

    def renumber(self, plan: Plan) -> Plan:
        """``plan`` with its line numbers («Dòng trong văn bản») turned into the rows of the
        appendix tables, the numbers an official finds counting rows in Word."""
        for appendix in plan.appendices:
            for section in appendix.sections:
                section.line = self.rows.get(section.line, 0)
                for criterion in section.criteria:
                    criterion.line = self.rows.get(criterion.line, 0)
                    for variant in criterion.variants:
                        variant.line = self.rows.get(variant.line, 0)
                    for task in criterion.tasks:
                        task.line = self.rows.get(task.line, 0)
        return plan

    def relocate(self, err: PlanTextError) -> PlanTextError:
        """``err`` (raised on a rendered line) naming the place in the Word file."""
        place = self.where.get(err.line) if err.line is not None and err.text else None
        message = f"{place}: {err.message}" if place else err.message
        shown = None if err.text is None else " | ".join(clean(c) for c in err.text.split("\t"))
        return PlanTextError(message, file=self.source, text=shown)


def render_docx(data: bytes, source: str) -> RenderedDocx:
    """The lines of the Word plan in ``data``; ``source`` names it in messages."""
    document = _open(data, source)
    try:
        return _render(document, source)
    except (ValueError, InvalidXmlError) as err:
        # python-docx refusing an attribute value (w:gridSpan="abc", …)
        raise PlanTextError(
            "Tệp Word có nội dung không hợp lệ (thuộc tính bảng hoặc đoạn văn sai); "
            "hãy mở và lưu lại bằng Word.",
            file=source,
        ) from err


def _render(document: DocxDocument, source: str) -> RenderedDocx:
    _check_headings(document, source)
    out = RenderedDocx(source)
    appendix: str | None = None
    tables = all_tables = 0
    paragraph_no = 0
    for element in _blocks(document.element.body):
        if isinstance(element, CT_P):
            paragraph_no += 1
            text = _paragraph_text(element)
            m = _APPENDIX_HEADING.match(clean(text))
            if m and f"PL{m['n']}" in APPENDIX_IDS:
                appendix = f"PL{m['n']}"
                tables = 0
            out.add(text, f"đoạn văn {paragraph_no}")
        elif isinstance(element, CT_Tbl):
            tables += 1
            all_tables += 1
            if all_tables > MAX_TABLES:
                raise PlanTextError("Tệp Word có quá nhiều bảng.", file=source)
            if appendix is None:
                for text in _cell_paragraphs(element):
                    paragraph_no += 1
                    out.add(text, f"đoạn văn {paragraph_no} (trong bảng)")
            else:
                _render_table(out, element, appendix, tables)
    return out


def _blocks(parent: etree._Element) -> Iterator[etree._Element]:
    """The paragraphs and tables of the body in order, those inside content controls
    (``w:sdt``) included."""
    for element in parent.iterchildren():
        if element.tag == qn("w:sdt"):
            for content in element.iterchildren(qn("w:sdtContent")):
                yield from _blocks(content)
        else:
            yield element


def _check_headings(document: DocxDocument, source: str) -> None:
    """Every appendix has its heading paragraph (else its table would be read as the
    previous appendix's, and refused for the wrong reason)."""
    found: set[str] = set()
    for element in _blocks(document.element.body):
        if isinstance(element, CT_P):
            m = _APPENDIX_HEADING.match(clean(_paragraph_text(element)))
            if m:
                found.add(f"PL{m['n']}")
    if not found & set(APPENDIX_IDS):
        raise PlanTextError(
            "Tệp Word không có phụ lục nào: không thấy đoạn «Phụ lục 1. …» "
            "và bảng nhiệm vụ, giải pháp của nó.",
            file=source,
        )
    missing = [f"Phụ lục {a[2:]}" for a in APPENDIX_IDS if a not in found]
    if missing:
        raise PlanTextError(
            f"Thiếu {', '.join(missing)}: không thấy đoạn tiêu đề «Phụ lục … . …» "
            "phía trên bảng của phụ lục.",
            file=source,
        )


# -- the package ---------------------------------------------------------------------------


def _caps() -> ZipCaps:
    # python-docx loads every part (images too) into memory: cap them all.
    return ZipCaps(
        max_entries=MAX_PARTS,
        max_unpacked=MAX_UNPACKED,
        max_entry={"word/document.xml": MAX_DOCUMENT_XML},
    )


def _open(data: bytes, source: str) -> DocxDocument:
    if data.startswith(CFB_SIGNATURE):
        if is_encrypted_office(data):
            raise PlanTextError(
                "Tệp Word được đặt mật khẩu (mã hóa) nên không đọc được; hãy mở trong Word, "
                "bỏ mật khẩu (Tệp > Thông tin > Bảo vệ tài liệu) rồi lưu lại.",
                file=source,
            )
        raise PlanTextError(
            "Đây là tệp Word cũ (.doc, Word 97–2003); hãy mở trong Word và lưu thành "
            "«Tài liệu Word (*.docx)» rồi chọn lại.",
            file=source,
        )
    damaged = "Tệp Word (.docx) bị hỏng hoặc không đầy đủ; hãy mở và lưu lại bằng Word."
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            if "word/document.xml" not in zf.namelist():
                raise PlanTextError(
                    "Đây không phải tệp Word (.docx): tệp nén không có phần "
                    "«word/document.xml» (có thể là tệp Excel hay tệp zip khác).",
                    file=source,
                )
            excess = first_excess(zf, _caps())
            if excess is not None and excess.cap == "entries":
                raise PlanTextError(
                    f"Tệp Word có quá nhiều phần ({excess.value:.0f}; tối đa {MAX_PARTS}).",
                    file=source,
                )
            if excess is not None:
                what = "Nội dung văn bản" if excess.cap == "entry" else "Tệp Word"
                raise PlanTextError(
                    f"{what} quá lớn ({excess.value / MB:.0f} MB sau khi giải nén; "
                    f"tối đa {excess.limit / MB:.0f} MB).",
                    file=source,
                )
            twice = twice_named(zf)
            _, bad = read_entries(zf, keep=False)
            bad = bad or twice
    except DAMAGE_ERRORS as err:
        raise PlanTextError(damaged, file=source) from err
    if bad is not None:
        raise PlanTextError(f"{damaged} (phần hỏng: {bad})", file=source)
    try:
        return docx.Document(io.BytesIO(data))
    except (
        PackageNotFoundError,
        KeyError,
        ValueError,
        zipfile.BadZipFile,
        etree.XMLSyntaxError,
        zlib.error,
    ) as err:
        raise PlanTextError(damaged, file=source) from err


# The visible text of a paragraph. python-docx's Paragraph.text reads only the runs that
# are children of the paragraph or of a hyperlink: it drops tracked insertions (w:ins),
# content controls (w:sdt) and simple fields (w:fldSimple). Deleted text is w:delText,
# never w:t; text boxes (w:txbxContent) are drawings, not the paragraph's text.
_TEXT_NODES = etree.XPath(
    ".//w:t[not(ancestor::w:txbxContent)] | .//w:tab[not(ancestor::w:tabs)] | .//w:br | .//w:cr",
    namespaces={"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"},
)


def _paragraph_text(p: CT_P) -> str:
    nodes = _TEXT_NODES(p)
    assert isinstance(nodes, list)
    text = "".join(n.text or "" if n.tag == qn("w:t") else " " for n in nodes)
    return unicodedata.normalize("NFC", text)


def _cell_paragraphs(tbl: CT_Tbl) -> Iterator[str]:
    for p in tbl.iter(qn("w:p")):
        if isinstance(p, CT_P):
            yield _paragraph_text(p)


# -- appendix tables -------------------------------------------------------------------------


@dataclass
class _Row:
    cells: list[str]
    merged: frozenset[int]
    header_mark: bool  # w:tblHeader


def _render_table(out: RenderedDocx, tbl: CT_Tbl, appendix: str, number: int) -> None:
    layout = LAYOUTS[appendix]
    name = f"Phụ lục {appendix[2:]}, bảng {number}"
    rows = tbl.tr_lst
    if len(rows) > MAX_ROWS:
        raise PlanTextError(f"{name} có quá nhiều hàng ({len(rows)}).", file=out.source)
    grid = [_row(tr, f"{name}, hàng {i}", out.source) for i, tr in enumerate(rows, 1)]
    header = _header_rows(grid)
    if not header:
        raise PlanTextError(
            f"{name}: không thấy hàng tiêu đề (hàng đầu có ô «TT»).", file=out.source
        )
    _check_header(grid[:header], layout, name, out.source)
    first = [row.cells for row in grid[:header]]
    if number == 1:  # the header as the text has it once: it names the plan's years
        for i, row in enumerate(grid[:header], start=1):
            out.add("\t".join(row.cells), f"{name}, hàng {i}", row.merged, i)
    for i, row in enumerate(grid[header:], start=header + 1):
        if row.header_mark or any(_repeats(row.cells, cells) for cells in first):
            continue
        cells = row.cells + [""] * (len(layout.columns) - len(row.cells))
        out.add("\t".join(cells), f"{name}, hàng {i}", row.merged, i)


def _row(tr: CT_Row, where: str, source: str) -> _Row:
    cells: list[str] = [""] * tr.grid_before
    merged: set[int] = set()
    for tc in tr.tc_lst:
        span = max(1, tc.grid_span)
        if len(cells) + span > MAX_COLUMNS:
            raise PlanTextError(f"{where}: quá nhiều cột.", file=source)
        if _continues_merge(tc):
            merged.update(range(len(cells), len(cells) + span))
            cells.extend([""] * span)
        else:
            cells.append(_cell_text(tc))
            cells.extend([""] * (span - 1))
    trpr = tr.trPr
    mark = trpr is not None and any(
        el.get(qn("w:val"), "true") not in ("0", "false", "off")
        for el in trpr.findall(qn("w:tblHeader"))
    )
    return _Row(cells, frozenset(merged), mark)


def _continues_merge(tc: CT_Tc) -> bool:
    tcpr = tc.tcPr
    if tcpr is None:
        return False
    vmerge = tcpr.find(qn("w:vMerge"))
    return vmerge is not None and vmerge.get(qn("w:val"), "continue") == "continue"


def _cell_text(tc: CT_Tc) -> str:
    paragraphs = [
        text for p in _blocks(tc) if isinstance(p, CT_P) and (text := _paragraph_text(p).strip())
    ]
    if len(paragraphs) == 1:
        return html.escape(paragraphs[0], quote=False)
    return "".join(f"<p>{html.escape(text, quote=False)}</p>" for text in paragraphs)


def _header_rows(grid: list[_Row]) -> int:
    """How many rows at the top are the header: the rows marked ``w:tblHeader``, else the
    first row with «TT» in its first cell and the rows under it up to the first data row
    (a row with a TT value other than «TT»)."""
    marked = 0
    while marked < len(grid) and grid[marked].header_mark:
        marked += 1
    if marked:
        return marked
    first = grid[0].cells if grid else []
    if not first or clean(first[0]).casefold() != "tt":
        return 0
    n = 1
    while n < len(grid) and _under_header(grid[n].cells):
        n += 1
    return n


def _repeats(cells: list[str], header: list[str]) -> bool:
    """True when ``cells`` retype the header row ``header`` (a header after a page break):
    the same first cell and at most one other cell different (a typo fixed or made)."""
    a = [clean(c).casefold() for c in cells]
    b = [clean(c).casefold() for c in header]
    if len(a) != len(b) or a[0] != b[0]:
        return False
    return sum(x != y for x, y in zip(a, b, strict=True)) <= 1


def _under_header(cells: list[str]) -> bool:
    """A second header row: TT, name and task cells empty (merged with the row above)."""
    return not any(clean(c) for c in (*cells[:2], *cells[-4:]))


def _check_header(header: list[_Row], layout: Layout, name: str, source: str) -> None:
    width = max(len(row.cells) for row in header)
    wanted = len(layout.columns)
    labels = ", ".join(f"«{layout.label(c)}»" for c in layout.columns)
    if width != wanted:
        raise PlanTextError(
            f"{name} có {width} cột; bảng của phụ lục này phải có {wanted} cột: {labels}.",
            file=source,
        )
    for i, column in enumerate(layout.columns):
        text = " ".join(clean(row.cells[i]) for row in header if i < len(row.cells)).casefold()
        if not any(word in text for word in HEADER_WORDS[column]):
            raise PlanTextError(
                f"{name}: cột {i + 1} phải là «{layout.label(column)}» nhưng tiêu đề là "
                f"«{' '.join(clean(r.cells[i]) for r in header if i < len(r.cells)).strip()}».",
                file=source,
            )
