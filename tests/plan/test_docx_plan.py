"""The plan read from its Word file: the same model as the text, merged cells exact,
header rows skipped, and a clear Vietnamese message for every file that is not a plan."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from docx_plans import plan_text, write_plan_docx
from kehoach.cli import main
from kehoach.common.errors import PlanTextError
from kehoach.common.zipguard import CFB_SIGNATURE
from kehoach.plan import docx_reader
from kehoach.plan.importer import load_default_plan, load_plan
from lo_support import SOFFICE, soffice_convert

# A cell the text leaves empty and the text importer fills from the row above (it
# cannot tell an empty cell from a merged one): the Word file writes it empty and
# unmerged, so the Word import leaves it empty. PL4 3.2 «Giải đáp khiếu nại…»: its
# timeline.
UNMERGED_LINE = 343
UNMERGED = frozenset({(UNMERGED_LINE, "timeline")})


@pytest.fixture(scope="module")
def plan_docx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("docx") / "ke-hoach.docx"
    return write_plan_docx(path, unmerged=UNMERGED)


def _without_lines(value: Any) -> Any:
    """The model's dict without the line numbers (the text's lines, the Word rows)."""
    if isinstance(value, dict):
        return {k: _without_lines(v) for k, v in value.items() if k != "line"}
    if isinstance(value, list):
        return [_without_lines(v) for v in value]
    return value


def test_the_word_file_has_what_word_writes(plan_docx: Path) -> None:
    body = docx.Document(str(plan_docx)).element.body
    tables = body.findall(qn("w:tbl"))
    assert len(tables) == 5  # the header block, then one table per appendix
    for number, tbl in enumerate(tables[1:], start=1):
        rows = tbl.findall(qn("w:tr"))
        assert rows[0].find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None
        first = [c.xpath("string(.)") for c in rows[0].findall(qn("w:tc"))]
        repeats = [
            r for r in rows[1:] if [c.xpath("string(.)") for c in r.findall(qn("w:tc"))] == first
        ]
        assert repeats, "a header row retyped in the middle"
        assert all(r.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is None for r in repeats)
        if number < 4:  # PL4's section rows carry figures: nothing to span
            assert tbl.findall(f".//{qn('w:gridSpan')}")
    merges = body.findall(f".//{qn('w:vMerge')}")
    restarts = [m for m in merges if m.get(qn("w:val")) == "restart"]
    assert len(restarts) >= 40 and len(merges) - len(restarts) >= 60


def expected_model() -> dict[str, Any]:
    """The text's model, with the one difference where the text had to guess (UNMERGED)."""
    text = load_default_plan()
    expected: dict[str, Any] = _without_lines(text.to_dict())
    changed = 0
    for appendix, plan_appendix in zip(expected["appendices"], text.appendices, strict=True):
        for section, plan_section in zip(appendix["sections"], plan_appendix.sections, strict=True):
            for criterion, plan_criterion in zip(
                section["criteria"], plan_section.criteria, strict=True
            ):
                for task, plan_task in zip(criterion["tasks"], plan_criterion.tasks, strict=True):
                    if plan_task.line == UNMERGED_LINE:
                        assert "timeline" in task["inherited"] and task["timeline"]
                        task["timeline"] = ""
                        task["inherited"].remove("timeline")
                        changed += 1
    assert changed == 2  # two tasks (two paragraphs) on that row
    return expected


def test_the_word_file_imports_to_the_text_model(plan_docx: Path) -> None:
    text = load_default_plan()
    word = load_plan(plan_docx)
    assert _without_lines(word.to_dict()) == expected_model()
    assert (word.number, word.date, word.issuer, word.title) == (
        "365/KH-UBND",
        "2023-06-08",
        "UBND tỉnh Bắc Kạn",
        text.title,
    )


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_the_word_file_as_libreoffice_writes_it(plan_docx: Path, tmp_path: Path) -> None:
    """Opened and saved again by another writer (LibreOffice, «Word 2007-365»), which
    spells merges its own way (w:vMerge w:val="continue", w:tblHeader w:val="true")."""
    outdir = tmp_path / "out"
    (resaved,) = soffice_convert([plan_docx], "docx:MS Word 2007 XML", outdir, tmp_path / "profile")
    assert resaved.read_bytes() != plan_docx.read_bytes()
    assert b'w:val="continue"' in zipfile.ZipFile(resaved).read("word/document.xml")
    assert _without_lines(load_plan(resaved).to_dict()) == expected_model()


def test_merged_cells_inherit_and_are_flagged(plan_docx: Path) -> None:
    word = load_plan(plan_docx)
    tasks = {t.id: t for *_, t in word.iter_tasks()}
    inherited = [t for t in tasks.values() if t.inherited]
    assert len(inherited) > 50
    # PL2 TCTP 2.4.3: a whole row of merged cells (text, agencies, timeline, target).
    criterion = next(c for _, _, c, _ in word.iter_tasks() if c.id == "PL2-TCTP-2.4.3")
    assert criterion.inherited == ["target_text"]
    assert criterion.target_text
    assert set(criterion.tasks[0].inherited) == {"text", "lead", "coordinating", "timeline"}


def test_the_format_is_chosen_by_content(plan_docx: Path, tmp_path: Path) -> None:
    as_text = tmp_path / "ke-hoach.txt"
    as_text.write_bytes(plan_docx.read_bytes())
    assert load_plan(as_text).to_dict() == load_plan(plan_docx).to_dict()
    as_docx = tmp_path / "van-ban.docx"
    as_docx.write_text(plan_text(), encoding="utf-8")
    assert load_plan(as_docx).to_dict() == load_default_plan().to_dict()


def test_cli_import_reads_the_word_file(
    plan_docx: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import", str(plan_docx)]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert _without_lines(printed) == _without_lines(load_plan(plan_docx).to_dict())
    assert sum(len(s["criteria"]) for a in printed["appendices"] for s in a["sections"]) > 80


# -- files that are not the plan -------------------------------------------------------------


def _error(path: Path) -> str:
    with pytest.raises(PlanTextError) as info:
        load_plan(path)
    message = str(info.value)
    assert str(path) in message
    assert "Traceback" not in message and "Error" not in message
    return message


def _edit(plan_docx: Path, tmp_path: Path, edit: Any) -> Path:
    document = docx.Document(str(plan_docx))
    edit(document)
    out = tmp_path / "sua.docx"
    document.save(str(out))
    return out


def test_a_word_file_without_appendices(tmp_path: Path) -> None:
    document = docx.Document()
    for line in plan_text().split("\n")[:20]:
        document.add_paragraph(line)
    path = tmp_path / "khong-phu-luc.docx"
    document.save(str(path))
    assert "không có phụ lục nào" in _error(path)


def test_an_appendix_without_its_table(plan_docx: Path, tmp_path: Path) -> None:
    def drop_pl4_table(document: Any) -> None:
        tbl = document.element.body.findall(qn("w:tbl"))[-1]
        tbl.getparent().remove(tbl)

    message = _error(_edit(plan_docx, tmp_path, drop_pl4_table))
    assert "Phụ lục 4 không có bảng nào" in message


def test_a_missing_appendix(plan_docx: Path, tmp_path: Path) -> None:
    def drop_pl3(document: Any) -> None:
        body = document.element.body
        heading = next(
            p for p in body.findall(qn("w:p")) if p.xpath("string(.)").startswith("Phụ lục 3.")
        )
        body.remove(heading)

    assert "Thiếu Phụ lục 3" in _error(_edit(plan_docx, tmp_path, drop_pl3))


def test_a_table_with_a_column_too_few(plan_docx: Path, tmp_path: Path) -> None:
    def drop_column(document: Any) -> None:
        table = document.tables[2]  # PL2
        for row in table.rows:
            tc = row._tr.tc_lst[-1]
            row._tr.remove(tc)

    message = _error(_edit(plan_docx, tmp_path, drop_column))
    assert "Phụ lục 2, bảng 1 có 8 cột" in message
    assert "phải có 9 cột" in message and "«Thời gian thực hiện»" in message


def test_a_table_with_a_wrong_column_header(plan_docx: Path, tmp_path: Path) -> None:
    def rename(document: Any) -> None:
        document.tables[4].rows[0].cells[5].paragraphs[0].text = "Đơn vị"

    message = _error(_edit(plan_docx, tmp_path, rename))
    assert "Phụ lục 4, bảng 1: cột 6 phải là «Nhiệm vụ, giải pháp»" in message
    assert "«Đơn vị»" in message


def test_a_bad_cell_names_appendix_table_and_row(plan_docx: Path, tmp_path: Path) -> None:
    def bad_number(document: Any) -> None:
        document.tables[1].rows[2].cells[2].paragraphs[0].text = "một rưỡi"

    message = _error(_edit(plan_docx, tmp_path, bad_number))
    assert "Phụ lục 1, bảng 1, hàng 3: Số không hợp lệ ở cột 'Điểm tối đa': «một rưỡi»" in message
    assert "Nội dung: «1 | TC 1.1." in message


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        (
            "cu.doc",
            CFB_SIGNATURE + b"\0" * 600,
            "tệp Word cũ (.doc",
        ),
        (
            "mat-khau.docx",
            CFB_SIGNATURE + b"\0" * 64 + "EncryptionInfo".encode("utf-16-le") + b"\0" * 64,
            "đặt mật khẩu",
        ),
        ("hong.docx", b"PK\x03\x04" + b"\x00" * 40, "bị hỏng"),
    ],
)
def test_files_that_are_no_word_package(tmp_path: Path, name: str, data: bytes, words: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    assert words in _error(path)


def _package(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in parts.items():
            zf.writestr(name, content)
    return buffer.getvalue()


def test_a_truncated_word_file(plan_docx: Path, tmp_path: Path) -> None:
    path = tmp_path / "cut.docx"
    path.write_bytes(plan_docx.read_bytes()[: plan_docx.stat().st_size // 2])
    assert "bị hỏng" in _error(path)


def test_a_package_with_broken_xml(plan_docx: Path, tmp_path: Path) -> None:
    with zipfile.ZipFile(plan_docx) as zf:
        parts = {name: zf.read(name) for name in zf.namelist()}
    parts["word/document.xml"] = b"<w:document><w:body><w:p>"
    path = tmp_path / "xml.docx"
    path.write_bytes(_package(parts))
    assert "bị hỏng" in _error(path)


def test_size_caps(plan_docx: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(docx_reader, "MAX_PARTS", 5)
    assert "quá nhiều phần" in _error(plan_docx)
    monkeypatch.setattr(docx_reader, "MAX_UNPACKED", 100_000)
    assert "Tệp Word quá lớn" in _error(plan_docx)
    monkeypatch.setattr(docx_reader, "MAX_DOCUMENT_XML", 1000)
    assert "Nội dung văn bản quá lớn" in _error(plan_docx)
    monkeypatch.setattr("kehoach.plan.importer.MAX_PLAN_BYTES", 1000)
    assert "Tệp kế hoạch quá lớn" in _error(plan_docx)


def test_cli_refuses_a_damaged_word_file_in_vietnamese(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "hong.docx"
    path.write_bytes(b"PK\x03\x04" + b"\x01" * 100)
    assert main(["build", "--plan", str(path), "--out", str(tmp_path / "x.xlsm")]) == 2
    err = capsys.readouterr().err
    assert "bị hỏng" in err and "Traceback" not in err
    assert not (tmp_path / "x.xlsm").exists()


def test_header_rows_are_known_by_word_marks_and_by_repetition(
    plan_docx: Path, tmp_path: Path
) -> None:
    """«STT» instead of «TT» in every header row: the text rules would take the repeated
    header for a data row; the Word file's marks and the repetition of the first header
    row still tell it apart."""

    def rename_tt(document: Any) -> None:
        for table in document.tables[1:]:
            for row in table.rows:
                cell = row.cells[0]
                if cell.text == "TT":
                    cell.paragraphs[0].text = "STT"

    renamed = _edit(plan_docx, tmp_path, rename_tt)
    assert _without_lines(load_plan(renamed).to_dict()) == _without_lines(
        load_plan(plan_docx).to_dict()
    )


def test_header_rows_without_word_marks(plan_docx: Path, tmp_path: Path) -> None:
    def unmark(document: Any) -> None:
        for mark in document.element.body.findall(f".//{qn('w:tblHeader')}"):
            mark.getparent().remove(mark)

    unmarked = _edit(plan_docx, tmp_path, unmark)
    assert _without_lines(load_plan(unmarked).to_dict()) == _without_lines(
        load_plan(plan_docx).to_dict()
    )


def test_line_numbers_are_rows_of_the_word_table(plan_docx: Path) -> None:
    """«Dòng trong văn bản» of a Word plan: the row of the appendix table, counted in Word."""
    word = load_plan(plan_docx)
    tables = docx.Document(str(plan_docx)).tables
    for number, appendix in enumerate(word.appendices, start=1):
        rows = tables[number].rows
        for section in appendix.sections:
            for criterion in section.criteria:
                cells = rows[criterion.line - 1].cells
                assert cells[0].text == criterion.tt
                assert criterion.code in cells[1].text or criterion.name in cells[1].text
                for task in criterion.tasks:
                    assert task.line >= criterion.line
    variants = [v for *_, c, _ in word.iter_tasks() for v in c.variants]
    assert variants and all(v.line > 0 for v in variants)


def test_a_table_attribute_word_would_not_write(plan_docx: Path, tmp_path: Path) -> None:
    with zipfile.ZipFile(plan_docx) as zf:
        parts = {name: zf.read(name) for name in zf.namelist()}
    xml = parts["word/document.xml"].decode()
    parts["word/document.xml"] = xml.replace(
        'w:gridSpan w:val="', 'w:gridSpan w:val="x', 1
    ).encode()
    path = tmp_path / "span.docx"
    path.write_bytes(_package(parts))
    assert "nội dung không hợp lệ" in _error(path)


def test_a_part_whose_compressed_data_is_damaged(plan_docx: Path, tmp_path: Path) -> None:
    data = bytearray(plan_docx.read_bytes())
    with zipfile.ZipFile(plan_docx) as zf:
        info = zf.getinfo("word/document.xml")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    for k in range(start + 100, start + 140):
        data[k] ^= 0x5A
    path = tmp_path / "zlib.docx"
    path.write_bytes(bytes(data))
    assert "bị hỏng" in _error(path)


def test_an_empty_unmerged_target_stays_empty(plan_docx: Path, tmp_path: Path) -> None:
    """PL2 TCTP 2.4.2's «Mục tiêu năm 2023» continues the merged cell above; written
    empty and unmerged instead, it stays empty (the text would inherit it)."""
    row = next(
        c.line for _, _, c, _ in load_plan(plan_docx).iter_tasks() if c.id == "PL2-TCTP-2.4.2"
    )

    def unmerge(document: Any) -> None:
        tc = document.tables[2].rows[row - 1]._tr.tc_lst[4]  # PL2: TT, name, max, 2022, target
        vmerge = tc.tcPr.find(qn("w:vMerge"))
        assert vmerge is not None
        tc.tcPr.remove(vmerge)

    merged = next(c for _, _, c, _ in load_plan(plan_docx).iter_tasks() if c.id == "PL2-TCTP-2.4.2")
    assert merged.inherited == ["target_text"] and merged.target_text
    word = load_plan(_edit(plan_docx, tmp_path, unmerge))
    criterion = next(c for _, _, c, _ in word.iter_tasks() if c.id == "PL2-TCTP-2.4.2")
    assert (criterion.target_text, criterion.inherited) == ("", [])


def test_tracked_changes_and_content_controls(plan_docx: Path, tmp_path: Path) -> None:
    """Text inserted with «Theo dõi thay đổi» (w:ins) counts, deleted text (w:del) does
    not, and a content control (w:sdt) around the header block hides nothing."""

    def track(document: Any) -> None:
        cell = document.tables[1].rows[2].cells[4]  # PL1 TC 1.1, its task
        p = cell.paragraphs[0]._p
        ins = OxmlElement("w:ins", {qn("w:id"): "1", qn("w:author"): "A"})
        for run in p.findall(qn("w:r")):
            ins.append(run)
        p.append(ins)
        deleted = OxmlElement("w:del", {qn("w:id"): "2", qn("w:author"): "A"})
        run = OxmlElement("w:r")
        text = OxmlElement("w:delText")
        text.text = " ĐÃ XÓA"
        run.append(text)
        deleted.append(run)
        p.append(deleted)
        body = document.element.body
        head = body.find(qn("w:tbl"))
        sdt = OxmlElement("w:sdt")
        content = OxmlElement("w:sdtContent")
        sdt.append(content)
        head.addprevious(sdt)
        content.append(head)

    edited = _edit(plan_docx, tmp_path, track)
    xml = zipfile.ZipFile(edited).read("word/document.xml")
    assert b"<w:ins " in xml and b"<w:sdtContent>" in xml
    assert _without_lines(load_plan(edited).to_dict()) == _without_lines(
        load_plan(plan_docx).to_dict()
    )


def test_too_many_tables(plan_docx: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(docx_reader, "MAX_TABLES", 4)  # the header block and PL1–PL4: 5
    assert "quá nhiều bảng" in _error(plan_docx)
    monkeypatch.setattr(docx_reader, "MAX_TABLES", 5)
    assert load_plan(plan_docx).appendices[3].id == "PL4"


def test_too_many_rows(plan_docx: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(docx_reader, "MAX_ROWS", 20)
    assert "Phụ lục 1, bảng 1 có quá nhiều hàng" in _error(plan_docx)


def test_a_zip_that_is_no_word_file(tmp_path: Path) -> None:
    path = tmp_path / "ke-hoach.docx"
    path.write_bytes(_package({"xl/workbook.xml": b"<workbook/>"}))
    assert "không phải tệp Word (.docx)" in _error(path)
