"""The Word template of the report "Báo cáo kết quả", ``templates/bao-cao.docx``, built from code.

``scripts/make_report_template.py`` writes it with :func:`build_template`; a test checks that
the committed file is what this module makes. Officials may edit the committed file in Word
(texts, the assessment and proposals, even the layout): ``kehoach report`` renders whatever
template it finds, with docxtpl (Jinja2 tags inside Word runs; ``{%p %}`` paragraphs and
``{%tr %}`` table rows are control lines removed from the output). Its variables are those of
``kehoach.report.data.ReportData.context``.

The layout follows Nghị định 30/2020/NĐ-CP, Phụ lục I (thể thức và kỹ thuật trình bày văn bản
hành chính):

- Mục I: khổ giấy A4 (210 × 297 mm); lề trên 20–25 mm, lề dưới 20–25 mm, lề trái 30–35 mm, lề
  phải 15–20 mm; phông chữ Times New Roman (bộ mã Unicode TCVN 6909:2001), màu đen;
- Mục II: Quốc hiệu in hoa, cỡ 12–13, đứng, đậm; Tiêu ngữ in thường, cỡ 13–14, đứng, đậm, chữ
  cái đầu các cụm từ viết hoa, có gạch nối, phía dưới có đường kẻ ngang nét liền dài bằng dòng
  chữ; tên cơ quan chủ quản in hoa, cỡ 12–13, đứng; tên cơ quan ban hành in hoa, cỡ 12–13, đứng,
  đậm, phía dưới có đường kẻ ngang nét liền dài 1/3 đến 1/2 dòng chữ; số, ký hiệu cỡ 13, đứng;
  địa danh và thời gian ban hành in thường, cỡ 13–14, nghiêng; tên loại in hoa, cỡ 13–14, đứng,
  đậm; trích yếu in thường, cỡ 13–14, đứng, đậm, phía dưới có đường kẻ ngang nét liền dài 1/3
  đến 1/2 dòng chữ; nội dung cỡ 13–14, căn đều hai lề, lùi đầu dòng 1–1,27 cm, cách đoạn tối
  thiểu 6 pt; quyền hạn, chức vụ người ký in hoa, cỡ 13–14, đứng, đậm; họ tên người ký in
  thường, cỡ 13–14, đứng, đậm; "Nơi nhận" cỡ 12, nghiêng, đậm, phần liệt kê cỡ 11, đứng, mỗi
  nơi một dòng bắt đầu bằng gạch ngang; số trang chữ số Ả Rập, cỡ 13–14, đứng, canh giữa ở lề
  trên, không hiện ở trang thứ nhất.

The sizes chosen are in ``SIZES``; tables (which the decree leaves open) use ``TABLE_SIZE``.
"""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

FONT = "Times New Roman"
PAGE_WIDTH_MM = 210
PAGE_HEIGHT_MM = 297
MARGINS_MM = {"top": 20, "bottom": 20, "left": 30, "right": 15}
SIZES: dict[str, float] = {
    "national": 13,  # Quốc hiệu
    "motto": 14,  # Tiêu ngữ
    "agency": 13,  # tên cơ quan chủ quản / ban hành
    "number": 13,  # số, ký hiệu
    "date": 14,  # địa danh, ngày tháng năm
    "kind": 14,  # tên loại
    "subject": 14,  # trích yếu
    "body": 14,
    "recipients_label": 12,
    "recipients": 11,
    "signer": 14,
    "page_number": 14,
}
TABLE_SIZE = 11
TABLE_HEADER_SIZE = 10
FIRST_LINE_INDENT = Cm(1.27)
NATIONAL_NAME = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
KIND = "BÁO CÁO"
FIXED_TIME = datetime(2000, 1, 1)  # the template's core properties (a report gets its as-of)
ZIP_TIME = (1980, 1, 1, 0, 0, 0)

# Headers of an appendix table: the section, then one column per count of TABLE_KEYS.
APPENDIX_HEADERS: tuple[str, ...] = (
    "Lĩnh vực / nhóm",
    "Tổng số lượt",
    "Hoàn thành đúng hạn",
    "Hoàn thành trễ hạn",
    "Đang thực hiện, còn hạn",
    "Quá hạn",
    "Chưa triển khai, còn hạn",
    "Không thực hiện được",
    "Chưa báo cáo",
)
APPENDIX_KEYS: tuple[str, ...] = (
    "tasks",
    "done_on_time",
    "done_late",
    "in_progress",
    "overdue",
    "not_started",
    "not_possible",
    "not_reported",
)


# --- runs and paragraphs ---------------------------------------------------------------------


def _fonts(rpr: Any) -> None:
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)


def _run(paragraph: Any, text: str, size: float, **style: bool) -> Any:
    run = paragraph.add_run(text)
    run.font.name = FONT
    _fonts(run._element.get_or_add_rPr())
    run.font.size = Pt(size)
    run.font.bold = style.get("bold", False)
    run.font.italic = style.get("italic", False)
    if style.get("underline"):
        run.font.underline = True
    return run


def _para(
    container: Any,
    text: str = "",
    size: float = SIZES["body"],
    *,
    align: Any = WD_ALIGN_PARAGRAPH.JUSTIFY,
    indent: bool = False,
    before: float = 0,
    after: float = 6,
    **style: bool,
) -> Any:
    paragraph = container.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.alignment = align
    fmt.space_before = Pt(before)
    fmt.space_after = Pt(after)
    fmt.line_spacing = 1.0
    if indent:
        fmt.first_line_indent = FIRST_LINE_INDENT
    if text:
        _run(paragraph, text, size, **style)
    return paragraph


def _control(container: Any, tag: str) -> Any:
    """A docxtpl control paragraph ({%p ... %}), removed from the rendered report."""
    return _para(container, tag, SIZES["body"], after=0)


def _lines(doc: Any, *lines: str) -> None:
    """Body paragraphs, indented, one a line; a line "{%p … %}" is a control paragraph."""
    for line in lines:
        if line.startswith("{%p"):
            _control(doc, line)
        else:
            _para(doc, line, SIZES["body"], indent=True)


def _rule(container: Any, indent_mm: float) -> Any:
    """A short horizontal line (Nghị định 30: đường kẻ ngang, nét liền) drawn as the bottom
    border of an empty paragraph indented ``indent_mm`` from both sides."""
    paragraph = _para(container, "", 2, align=WD_ALIGN_PARAGRAPH.CENTER, after=0)
    fmt = paragraph.paragraph_format
    fmt.left_indent = Mm(indent_mm)
    fmt.right_indent = Mm(indent_mm)
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for attr, value in (
        ("w:val", "single"),
        ("w:sz", "6"),
        ("w:space", "1"),
        ("w:color", "000000"),
    ):
        bottom.set(qn(attr), value)
    borders.append(bottom)
    ppr.insert_element_before(borders, "w:shd", "w:tabs", "w:spacing", "w:ind", "w:jc", "w:rPr")
    rpr = OxmlElement("w:rPr")
    size = OxmlElement("w:sz")
    size.set(qn("w:val"), "4")
    rpr.append(size)
    ppr.append(rpr)
    return paragraph


def _cell_width(cell: Any, mm: float) -> None:
    cell.width = Mm(mm)


def _first_paragraph(cell: Any) -> Any:
    return cell.paragraphs[0]


def _cell_para(cell: Any, text: str, size: float, *, first: bool = False, **kwargs: Any) -> Any:
    """A paragraph in ``cell``: the cell's own empty first one when ``first``."""
    if first:
        paragraph = _first_paragraph(cell)
        fmt = paragraph.paragraph_format
        fmt.alignment = kwargs.pop("align", WD_ALIGN_PARAGRAPH.CENTER)
        fmt.space_before = Pt(kwargs.pop("before", 0))
        fmt.space_after = Pt(kwargs.pop("after", 0))
        fmt.line_spacing = 1.0
        if text:
            _run(paragraph, text, size, **kwargs)
        return paragraph
    kwargs.setdefault("align", WD_ALIGN_PARAGRAPH.CENTER)
    kwargs.setdefault("after", 0)
    return _para(cell, text, size, **kwargs)


_TBL_BORDERS_SUCCESSORS = ("w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook")


def _borders(table: Any, **attrs: str) -> None:
    """The table's borders, every edge with ``attrs``; placed where the schema wants them in
    w:tblPr (Word refuses a document whose elements are out of order)."""
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        for name, value in attrs.items():
            element.set(qn(f"w:{name}"), value)
        borders.append(element)
    table._tbl.tblPr.insert_element_before(borders, *_TBL_BORDERS_SUCCESSORS)


def _no_borders(table: Any) -> None:
    _borders(table, val="nil")


def _grid(table: Any) -> None:
    _borders(table, val="single", sz="4", space="0", color="000000")


def _fixed(table: Any, widths_mm: list[float]) -> None:
    table.autofit = False
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm, strict=True):
            _cell_width(cell, width)
    for column, width in zip(table.columns, widths_mm, strict=True):
        column.width = Mm(width)


def _repeat_header(row: Any) -> None:
    row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))


def _cant_split(row: Any) -> None:
    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


def _data_table(
    doc: Any,
    headers: tuple[str, ...] | list[str],
    cells: list[str],
    widths_mm: list[float],
    loop: str,
    *,
    total: list[str] | None = None,
    left: tuple[int, ...] = (0,),
) -> Any:
    """A bordered table: a header row, a ``{%tr for %}`` row, the row template, the
    ``{%tr endfor %}`` row and, when given, a total row. Columns ``left`` (texts) are aligned
    left, the others (numbers) centred."""
    rows = 4 + (1 if total else 0)
    table = doc.add_table(rows=rows, cols=len(headers))
    _grid(table)
    _fixed(table, widths_mm)
    _repeat_header(table.rows[0])
    for row in table.rows:
        _cant_split(row)
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        _cell_para(cell, text, TABLE_HEADER_SIZE, first=True, bold=True)
    _cell_para(table.rows[1].cells[0], f"{{%tr for {loop} %}}", TABLE_SIZE, first=True)
    for i, (cell, text) in enumerate(zip(table.rows[2].cells, cells, strict=True)):
        align = WD_ALIGN_PARAGRAPH.LEFT if i in left else WD_ALIGN_PARAGRAPH.CENTER
        _cell_para(cell, text, TABLE_SIZE, first=True, align=align)
    _cell_para(table.rows[3].cells[0], "{%tr endfor %}", TABLE_SIZE, first=True)
    if total:
        for i, (cell, text) in enumerate(zip(table.rows[4].cells, total, strict=True)):
            align = WD_ALIGN_PARAGRAPH.LEFT if i == 0 else WD_ALIGN_PARAGRAPH.CENTER
            _cell_para(cell, text, TABLE_SIZE, first=True, align=align, bold=True)
    return table


# --- the document ----------------------------------------------------------------------------


def _page(doc: Any) -> None:
    section = doc.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width = Mm(PAGE_WIDTH_MM)
    section.page_height = Mm(PAGE_HEIGHT_MM)
    section.top_margin = Mm(MARGINS_MM["top"])
    section.bottom_margin = Mm(MARGINS_MM["bottom"])
    section.left_margin = Mm(MARGINS_MM["left"])
    section.right_margin = Mm(MARGINS_MM["right"])
    section.header_distance = Mm(10)
    section.footer_distance = Mm(10)
    # The page number from page 2: a first-page header of its own, left empty.
    section.different_first_page_header_footer = True
    _para(section.first_page_header, "", SIZES["page_number"], after=0)
    header = section.header.paragraphs[0]
    header.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "2")):
        run = _run(header, "", SIZES["page_number"])
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._element.append(char)
        elif text == " PAGE ":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._element.append(instr)
        else:
            run.text = text or ""
    end = _run(header, "", SIZES["page_number"])
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), "end")
    end._element.append(char)


def _styles(doc: Any) -> None:
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(SIZES["body"])
    _fonts(normal.element.get_or_add_rPr())
    normal.paragraph_format.space_after = Pt(6)


def _heading_block(doc: Any) -> None:
    """Cơ quan (left) and Quốc hiệu, Tiêu ngữ (right); số, ký hiệu and địa danh, ngày below."""
    table = doc.add_table(rows=2, cols=2)
    _no_borders(table)
    _fixed(table, [65, 100])
    left, right = table.rows[0].cells
    _cell_para(left, "{{ parent }}", SIZES["agency"], first=True)
    _cell_para(left, "{{ agency }}", SIZES["agency"], bold=True)
    _rule(left, 20)
    _cell_para(right, NATIONAL_NAME, SIZES["national"], first=True, bold=True)
    _cell_para(right, MOTTO, SIZES["motto"], bold=True)
    _rule(right, 19)
    number, place = table.rows[1].cells
    _cell_para(number, "Số:       /{{ symbol }}", SIZES["number"], first=True, before=6)
    _cell_para(place, "{{ date_line }}", SIZES["date"], first=True, before=6, italic=True)


def _kind_block(doc: Any) -> None:
    _para(doc, KIND, SIZES["kind"], align=WD_ALIGN_PARAGRAPH.CENTER, before=18, after=0, bold=True)
    _para(doc, "{{ title }}", SIZES["subject"], align=WD_ALIGN_PARAGRAPH.CENTER, after=0, bold=True)
    _rule(doc, 60)
    _para(doc, "", SIZES["body"], after=6)


def _heading(doc: Any, text: str, *, italic: bool = False) -> None:
    _para(doc, text, SIZES["body"], indent=True, before=6, bold=True, italic=italic)


def _body(doc: Any) -> None:
    p = SIZES["body"]
    _para(
        doc,
        "Thực hiện Kế hoạch số {{ plan.number }} ngày {{ plan.date }} của {{ plan.issuer }} về "
        "{{ plan_title }}, {{ agency_name }} báo cáo kết quả thực hiện {{ period }} (từ ngày "
        "{{ period_start }} đến {{ as_of }}) như sau:",
        p,
        indent=True,
    )
    _heading(doc, "I. TÌNH HÌNH THỰC HIỆN KẾ HOẠCH")
    _control(doc, "{%p if has_returns %}")
    _heading(doc, "1. Tiến độ chung")
    _para(doc, "{{ overall }}", p, indent=True)
    _heading(doc, "2. Kết quả theo từng phụ lục của Kế hoạch")
    _para(
        doc,
        "Mỗi lượt là một nhiệm vụ giao cho một cơ quan; quá hạn là chưa hoàn thành (kể cả chưa "
        "báo cáo) mà đã qua hạn.",
        p,
        indent=True,
    )
    _control(doc, "{%p for a in appendices %}")
    _para(doc, "{{ a.title }}", p, indent=True, before=6, italic=True, bold=True)
    _data_table(
        doc,
        APPENDIX_HEADERS,
        ["{{ r.name }}", *[f"{{{{ r.{k} }}}}" for k in APPENDIX_KEYS]],
        [45, 15, 15, 15, 15, 15, 15, 15, 15],
        "r in a.rows",
        total=["Tổng", *[f"{{{{ a.total.{k} }}}}" for k in APPENDIX_KEYS]],
    )
    _control(doc, "{%p endfor %}")
    _heading(doc, "3. Các cơ quan, đơn vị có nhiệm vụ quá hạn")
    _lines(
        doc,
        "{%p if overdue %}",
        "Có {{ overdue_total }} lượt nhiệm vụ quá hạn, của các cơ quan, đơn vị sau:",
        "{%p for ag in overdue %}",
        "- {{ ag.name }}: {{ ag.count }} nhiệm vụ quá hạn, gồm:",
        "{%p for t in ag.tasks %}",
        "+ {{ t.code }}: {{ t.text }} (hạn {{ t.due }});",
        "{%p endfor %}",
        "{%p if ag.more %}",
        "+ và {{ ag.more }} nhiệm vụ khác.",
        "{%p endif %}",
        "{%p endfor %}",
        "{%p else %}",
        "Không có cơ quan, đơn vị nào có nhiệm vụ quá hạn.",
        "{%p endif %}",
    )
    _heading(doc, "4. Các cơ quan, đơn vị chưa gửi báo cáo")
    _lines(
        doc,
        "{%p if not_reported %}",
        "Có {{ not_reported_count }} cơ quan, đơn vị chưa gửi báo cáo: {{ not_reported }}.",
        "{%p else %}",
        "Tất cả các cơ quan, đơn vị được giao nhiệm vụ đã gửi báo cáo.",
        "{%p endif %}",
        "{%p else %}",
        "{{ no_returns }}",
        "{%p endif %}",
    )

    _heading(doc, "II. CÁC CHỈ SỐ SO VỚI MỤC TIÊU NĂM {{ year }}")
    _heading(doc, "1. Kết quả các chỉ số", italic=True)
    _data_table(
        doc,
        [
            "Chỉ số",
            "Điểm tối đa",
            "Năm {{ prev_year }}",
            "Mục tiêu năm {{ year }}",
            "Kết quả năm {{ year }}",
            "Đánh giá",
        ],
        [
            "{{ i.name }}",
            "{{ i.max }}",
            "{{ i.prev }}",
            "{{ i.target }}",
            "{{ i.result }}",
            "{{ i.verdict }}",
        ],
        [50, 20, 20, 22, 22, 31],
        "i in indexes",
    )
    _heading(doc, "2. Các tiêu chí bị mất nhiều điểm nhất năm {{ prev_year }}", italic=True)
    _data_table(
        doc,
        ["Phụ lục", "Mã tiêu chí", "Tiêu chí", "Điểm tối đa", "Năm {{ prev_year }}", "Bị mất"],
        [
            "{{ l.appendix }}",
            "{{ l.code }}",
            "{{ l.name }}",
            "{{ l.max }}",
            "{{ l.prev }}",
            "{{ l.lost }}",
        ],
        [17, 25, 72, 17, 17, 17],
        "l in lost",
        left=(2,),
    )

    _heading(doc, "III. ĐÁNH GIÁ CHUNG")
    _heading(doc, "1. Ưu điểm", italic=True)
    _para(
        doc,
        "Các cơ quan, đơn vị đã quan tâm triển khai các nhiệm vụ được giao tại Kế hoạch; nhiều "
        "nhiệm vụ được hoàn thành đúng hạn, có văn bản chứng minh kết quả. (Cán bộ sửa đoạn "
        "này theo tình hình thực tế.)",
        p,
        indent=True,
    )
    _heading(doc, "2. Tồn tại, hạn chế và nguyên nhân", italic=True)
    _para(
        doc,
        "Một số cơ quan, đơn vị chưa gửi báo cáo hoặc báo cáo chưa đúng hạn; còn nhiệm vụ quá "
        "hạn, nhiệm vụ hoàn thành nhưng chưa có văn bản chứng minh. (Cán bộ sửa đoạn này theo "
        "tình hình thực tế.)",
        p,
        indent=True,
    )
    _heading(doc, "IV. ĐỀ XUẤT, KIẾN NGHỊ")
    _para(
        doc,
        "Đề nghị UBND tỉnh chỉ đạo các cơ quan, đơn vị có nhiệm vụ quá hạn khẩn trương hoàn "
        "thành, gửi báo cáo và văn bản chứng minh kết quả về Sở Nội vụ để tổng hợp; các cơ "
        "quan, đơn vị chưa gửi báo cáo thực hiện báo cáo theo quy định. (Cán bộ sửa đoạn này "
        "theo tình hình thực tế.)",
        p,
        indent=True,
    )
    _para(
        doc,
        "Trên đây là báo cáo kết quả thực hiện Kế hoạch số {{ plan.number }} {{ period }} của "
        "{{ agency_name }}./.",
        p,
        indent=True,
    )


def _signature_block(doc: Any) -> None:
    table = doc.add_table(rows=1, cols=2)
    _no_borders(table)
    _fixed(table, [80, 85])
    left, right = table.rows[0].cells
    _cell_para(
        left,
        "Nơi nhận:",
        SIZES["recipients_label"],
        first=True,
        align=WD_ALIGN_PARAGRAPH.LEFT,
        before=12,
        bold=True,
        italic=True,
    )
    _cell_para(
        left, "{%p for r in recipients %}", SIZES["recipients"], align=WD_ALIGN_PARAGRAPH.LEFT
    )
    _cell_para(left, "{{ r }}", SIZES["recipients"], align=WD_ALIGN_PARAGRAPH.LEFT)
    _cell_para(left, "{%p endfor %}", SIZES["recipients"], align=WD_ALIGN_PARAGRAPH.LEFT)
    _cell_para(right, "", SIZES["signer"], first=True, before=12)
    _cell_para(right, "{%p if signer.authority %}", SIZES["signer"])
    _cell_para(right, "{{ signer.authority }}", SIZES["signer"], bold=True)
    _cell_para(right, "{%p endif %}", SIZES["signer"])
    _cell_para(right, "{{ signer.title }}", SIZES["signer"], bold=True)
    for _ in range(4):
        _cell_para(right, "", SIZES["signer"])
    _cell_para(right, "{{ signer.name }}", SIZES["signer"], bold=True)


def build_template() -> Any:
    """The report template as a python-docx Document (save it with :func:`save_docx`)."""
    doc = Document()
    _styles(doc)
    _page(doc)
    body = doc.element.body
    for paragraph in list(body.iterchildren(qn("w:p"))):  # the default template's empty one
        body.remove(paragraph)
    _heading_block(doc)
    _kind_block(doc)
    _body(doc)
    _signature_block(doc)
    # python-docx's default package carries a thumbnail of another document: dropped.
    package = doc.part.package
    for rel_id, rel in list(package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            del package.rels[rel_id]
    props = doc.core_properties
    props.author = "kehoach"
    props.last_modified_by = "kehoach"
    props.title = "Mẫu báo cáo kết quả thực hiện Kế hoạch"
    props.created = FIXED_TIME
    props.modified = FIXED_TIME
    props.last_printed = FIXED_TIME
    props.revision = 1
    return doc


def deterministic_zip(data: bytes) -> bytes:
    """``data`` (a .docx) with every zip entry dated ``ZIP_TIME``, in the same order, so that
    the same document gives the same bytes (zipfile stamps the current time)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            dst.writestr(entry, src.read(info.filename))
    return out.getvalue()


def docx_bytes(doc: Any) -> bytes:
    """A python-docx Document as deterministic .docx bytes."""
    buffer = io.BytesIO()
    doc.save(buffer)
    return deterministic_zip(buffer.getvalue())


def write_template(path: Path) -> Path:
    """Write the template to ``path`` (``templates/bao-cao.docx``); returns ``path``."""
    path.write_bytes(docx_bytes(build_template()))
    return path
