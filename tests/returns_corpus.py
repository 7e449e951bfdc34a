"""A folder of returned agency workbooks, written by code: ``write_corpus``.

The extracts of ``sample_plans.small_plan`` for the directory of ``extract_support``, signed
with its fixed key, filled in as agencies would (openpyxl, input cells only), then one file per
way a return goes wrong. Each file is a ``Case``: its name in the folder, whether intake must
accept it, and a piece of the reason it must give. Use ``CORPUS_LIMITS`` (small caps, so that
the size cases stay small).
"""

from __future__ import annotations

import dataclasses
import io
import os
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook

from extract_support import AT, KEY, small_assignments, small_directory
from kehoach.collect import reasons as why
from kehoach.collect.returns import Limits
from kehoach.common.untrusted_text import storable
from kehoach.extract.files import generate_extracts
from kehoach.plan.model import Plan
from kehoach.sheets import extract_layout as ex
from sample_plans import small_plan

ROOT = Path(__file__).resolve().parents[1]
CORPUS_LIMITS = Limits(
    max_file_bytes=200_000, max_uncompressed_bytes=20 * 1024**2, max_entries=100, max_ratio=200
)
OTHER_KEY = bytes(range(1, 33))
PLAN_ID = "365/KH-UBND"
TASKS_XML = "xl/worksheets/sheet1.xml"  # the tasks sheet, first in every extract
META_XML = "xl/worksheets/sheet3.xml"

# Input columns by key, where the current format puts them.
COL = {c.key: ex.CURRENT.letter(c.key) for c in ex.INPUT_COLUMNS}
DONE = {
    ex.STATUS_KEY: ex.STATUS_DONE,
    ex.PERCENT_KEY: 100,
    ex.RESULTS_KEY: "Đã ban hành kế hoạch",
    ex.EVIDENCE_KEY: "Số 12/QĐ-UBND ngày 05/6/2023",
    ex.REPORT_DATE_KEY: datetime(2023, 9, 30),
}
GOING = {
    ex.STATUS_KEY: ex.STATUS_IN_PROGRESS,
    ex.PERCENT_KEY: 40,
    ex.DIFFICULTIES_KEY: "Thiếu kinh phí",
    ex.REPORT_DATE_KEY: datetime(2023, 9, 30),
}


@dataclass(frozen=True)
class Case:
    name: str  # relative to the folder, "/"-separated
    accepted: bool
    reason: str = ""  # a piece of the expected reason ("" for accepted files)


@dataclass
class Extracts:
    """The generated extracts' bytes by agency code, for this plan and for variants."""

    files: dict[str, bytes]
    other_plan: bytes
    other_key: bytes


def extracts(tmp: Path) -> Extracts:
    plan = small_plan()
    directory, assignments = small_directory(), small_assignments(plan)

    def generate(p: Plan, key: bytes, out: str) -> dict[str, bytes]:
        manifest = generate_extracts(p, directory, assignments, tmp / out, key, generated_at=AT)
        return {e.agency: (tmp / out / e.file).read_bytes() for e in manifest.entries}

    files = generate(plan, KEY, "plan")
    other = generate(dataclasses.replace(plan, number="999/KH-UBND"), KEY, "other-plan")
    keyed = generate(plan, OTHER_KEY, "other-key")
    return Extracts(files, other["STP"], keyed["STP"])


# --- editing a workbook as an agency (or a forger) would -----------------------------------


def edit(data: bytes, change: Callable[[Workbook], None]) -> bytes:
    """Open ``data`` with openpyxl (formulas kept), apply ``change``, save."""
    wb = load_workbook(io.BytesIO(data))
    change(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def fill(data: bytes, rows: dict[int, dict[str, Any]]) -> bytes:
    """Type ``rows`` (Excel row → input key → value) into the input cells; strings go in as
    strings, never as formulas."""

    def change(wb: Workbook) -> None:
        ws = wb[ex.TASKS_SHEET]
        for row, values in rows.items():
            for key, value in values.items():
                cell = ws[f"{COL[key]}{row}"]
                cell.value = value
                if isinstance(value, str):
                    cell.data_type = "s"

    return edit(data, change)


def rewrite_part(data: bytes, part: str, change: Callable[[str], str]) -> bytes:
    """``data`` with one zip entry's text changed (the others copied as they are)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == part:
                body = change(body.decode()).encode()
            dst.writestr(info, body)
    return out.getvalue()


def add_entries(
    data: bytes, entries: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED
) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        for name, body in entries.items():
            dst.writestr(name, body, compress_type=method)
    return out.getvalue()


def set_dimension(data: bytes, ref: str) -> bytes:
    return rewrite_part(
        data,
        TASKS_XML,
        lambda xml: re.sub(r'<dimension ref="[^"]*"', f'<dimension ref="{ref}"', xml),
    )


def set_cell_xml(data: bytes, part: str, cell: str, xml: str) -> bytes:
    """Replace the blank cell ``cell`` of ``part`` (as openpyxl writes it) with ``xml``."""

    def change(text: str) -> str:
        pattern = rf'<c r="{cell}"( s="\d+")?( t="n")?\s*/>'
        assert re.search(pattern, text), f"no blank cell {cell} in {part}"
        return re.sub(pattern, lambda m: xml.replace("STYLE", m.group(1) or ""), text, count=1)

    return rewrite_part(data, part, change)


def add_stray_cell(data: bytes, part: str, ref: str, row: int) -> bytes:
    """A value in cell ``ref`` of row ``row``, after every other row of ``part``."""
    stray = f'<row r="{row}"><c r="{ref}" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'
    return rewrite_part(data, part, lambda xml: xml.replace("</sheetData>", stray, 1))


def encrypted(data: bytes) -> bytes:
    """``data`` protected with a password, as Excel writes it (MS-OFFCRYPTO agile encryption
    with msoffcrypto-tool); minimal CFB bytes with the stream's name when it is missing."""
    try:
        from msoffcrypto.format.ooxml import OOXMLFile
    except ImportError:
        name = "EncryptedPackage".encode("utf-16-le")
        return bytes.fromhex("D0CF11E0A1B11AE1") + bytes(504) + name + bytes(512)
    out = io.BytesIO()
    OOXMLFile(io.BytesIO(data)).encrypt("matkhau", out)
    return out.getvalue()


def legacy_xls() -> bytes:
    """The start of an Excel 97-2003 file: a CFB header and a "Workbook" stream's name."""
    return (
        bytes.fromhex("D0CF11E0A1B11AE1")
        + bytes(504)
        + "Workbook".encode("utf-16-le")
        + bytes(1024)
    )


def vba_project() -> bytes:
    with zipfile.ZipFile(ROOT / "workbook" / "KeHoach2023.xlsm") as master:
        return master.read("xl/vbaProject.bin")


def corrupt_crc(data: bytes) -> bytes:
    """``data`` with one byte of the tasks sheet's compressed data changed (its CRC fails)."""
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(TASKS_XML)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    middle = start + info.compress_size // 2
    return data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1 :]


def bad_crc(data: bytes) -> bytes:
    """``data`` with a stored (uncompressed) entry whose bytes no longer match their CRC."""
    body = b"kehoach-crc-" * 100
    data = add_entries(data, {"xl/media/crc.bin": body}, zipfile.ZIP_STORED)
    at = data.index(body) + 10
    return data[:at] + b"#" + data[at + 1 :]


# --- the corpus ----------------------------------------------------------------------------


def good_snv(e: Extracts) -> bytes:
    """Sở Nội vụ's return: its first task done with a document, the second going."""
    return fill(e.files["SNV"], {4: DONE, 5: GOING})


def write_corpus(folder: Path, tmp: Path) -> list[Case]:
    """Write the corpus into ``folder`` (``tmp``: scratch space); return its cases."""
    e = extracts(tmp)
    snv = good_snv(e)
    cases: list[Case] = []

    def put(name: str, data: bytes, accepted: bool, reason: str = "") -> None:
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        cases.append(Case(name, accepted, reason))

    # accepted
    put("So-Noi-vu.xlsx", snv, True)
    put("So-Tu-phap.xlsx", fill(e.files["STP"], {4: GOING}), True)
    put(
        "UBND huyen Ba Be (tra loi).xlsx",
        fill(e.files["UBND-BABE"], {4: {**GOING, ex.STATUS_KEY: ex.STATUS_NOT_STARTED}}),
        True,
    )
    later = {**GOING, ex.PERCENT_KEY: 80, ex.REPORT_DATE_KEY: datetime(2023, 11, 15)}
    put("So-Noi-vu (1).xlsx", fill(e.files["SNV"], {4: DONE, 5: later}), True)
    put("thu-dien-tu/Bao cao SNV gui lai.xlsx", snv, True)
    put("So-Noi-vu-luu-xlsm.xlsm", snv, True)  # saved as .xlsm, without macros
    put("~$So-Noi-vu.xlsx", b"\x0bNguyen Van A" + bytes(150), False)  # lock file: skipped

    # before openpyxl
    put("rong.xlsx", b"", False, why.EMPTY)
    put("van-ban.xlsx", "Báo cáo tiến độ: đã xong.\n".encode(), False, "Không phải tệp Excel")
    put("mat-khau.xlsx", encrypted(snv), False, "đặt mật khẩu")
    put("So-Noi-vu.xls", legacy_xls(), False, "Excel 97-2003")
    macros = add_entries(snv, {"xl/vbaProject.bin": vba_project()})
    put("So-Noi-vu-macro.xlsm", macros, False, "macro")
    put("hong-cat-doi.xlsx", snv[: len(snv) // 2], False, "bị hỏng")
    put("hong-du-lieu-nen.xlsx", corrupt_crc(snv), False, "dữ liệu nén sai")
    put("hong-crc.xlsx", bad_crc(snv), False, "sai mã kiểm tra CRC")
    noise = bytes((i * 7919 + 13) % 251 for i in range(300_000))  # incompressible enough
    put(
        "qua-lon.xlsx",
        add_entries(snv, {"xl/media/anh.bin": noise}, zipfile.ZIP_STORED),
        False,
        "quá lớn",
    )
    put(
        "zip-bomb.xlsx",
        add_entries(snv, {"xl/media/bom.bin": bytes(5 * 1024**2)}),
        False,
        "zip bomb",
    )
    many = {f"xl/media/o{i}.bin": b"x" for i in range(120)}
    put("nhieu-thanh-phan.xlsx", add_entries(snv, many), False, "thành phần nén")
    spread = {f"xl/media/b{i}.bin": bytes(900_000) for i in range(25)}
    put("giai-nen-qua-lon.xlsx", add_entries(snv, spread), False, "giải nén ra")
    put("bao-cao.pdf", b"%PDF-1.4\n%...\n", False, "PDF")
    put("tat-ca.zip", add_entries(b"PK\x05\x06" + bytes(18), {}), False, "Tệp nén")
    put("ghi-chu.docx", b"PK\x03\x04", False, "Định dạng .docx")

    # signature, plan, agency
    put(
        "ke-hoach-khac.xlsx",
        fill(e.other_plan, {4: GOING}),
        False,
        "Tệp của kế hoạch «999/KH-UBND»",
    )
    put("khoa-khac.xlsx", fill(e.other_key, {4: GOING}), False, "ký bằng khóa khác")

    def swap_meta(wb: Workbook) -> None:
        theirs = load_workbook(io.BytesIO(e.files["STP"]))[ex.META_SHEET]
        ours = wb[ex.META_SHEET]
        for row in ours.iter_rows():
            for cell in row:
                cell.value = None
        for row in theirs.iter_rows():
            for cell in row:
                ours[cell.coordinate].value = cell.value

    put("tron-du-lieu-an.xlsx", edit(snv, swap_meta), False, "Dữ liệu ẩn là của Sở Tư pháp")

    def forge_agency(wb: Workbook) -> None:
        ws = wb[ex.META_SHEET]
        for row in ws.iter_rows(max_col=2):
            if row[0].value == ex.META_AGENCY:
                row[1].value = "STP"

    put("sua-ma-co-quan.xlsx", edit(snv, forge_agency), False, "Chữ ký không khớp")

    def locked(wb: Workbook) -> None:
        wb[ex.TASKS_SHEET][f"{ex.CURRENT.letter('task')}5"] = "Nhiệm vụ đã sửa"

    put("sua-o-khoa.xlsx", edit(snv, locked), False, "dòng 5")

    # sheets
    def hidden_extra(wb: Workbook) -> None:
        wb.create_sheet("Ghi chú").sheet_state = "hidden"

    put("trang-an-them.xlsx", edit(snv, hidden_extra), False, "trang tính lạ «Ghi chú»")

    def hide_guide(wb: Workbook) -> None:
        wb[ex.GUIDE_SHEET].sheet_state = "hidden"

    put("an-huong-dan.xlsx", edit(snv, hide_guide), False, f"«{ex.GUIDE_SHEET}» bị ẩn")

    def drop_guide(wb: Workbook) -> None:
        del wb[ex.GUIDE_SHEET]

    put("xoa-huong-dan.xlsx", edit(snv, drop_guide), False, f"Thiếu trang tính «{ex.GUIDE_SHEET}»")

    # rows
    last = _last_row(e.files["SNV"])

    def add_row(wb: Workbook) -> None:
        ws = wb[ex.TASKS_SHEET]
        ws[f"B{last + 1}"] = "PL9-TC-9.9/1"
        ws[f"{ex.CURRENT.letter('task')}{last + 1}"] = "Nhiệm vụ tự thêm"

    put("them-dong.xlsx", edit(snv, add_row), False, f"Đã thêm dòng: ô B{last + 1}")

    def insert_row(wb: Workbook) -> None:
        wb[ex.TASKS_SHEET].insert_rows(5)

    put("chen-dong.xlsx", edit(snv, insert_row), False, "Đã thêm dòng")

    def delete_row(wb: Workbook) -> None:
        wb[ex.TASKS_SHEET].delete_rows(5)

    put("xoa-dong.xlsx", edit(snv, delete_row), False, "Đã xóa dòng")

    # values
    base = e.files["SNV"]
    for name, values, reason in (
        ("tinh-trang-sai.xlsx", {ex.STATUS_KEY: "Xong rồi"}, f"Ô {COL[ex.STATUS_KEY]}5"),
        ("phan-tram-150.xlsx", {ex.PERCENT_KEY: 150}, f"Ô {COL[ex.PERCENT_KEY]}5"),
        ("phan-tram-chu.xlsx", {ex.PERCENT_KEY: "khoảng một nửa"}, "phải là số"),
        ("ngay-khong-co.xlsx", {ex.REPORT_DATE_KEY: "31/02/2023"}, f"Ô {COL[ex.REPORT_DATE_KEY]}5"),
        ("ngay-truoc-ke-hoach.xlsx", {ex.REPORT_DATE_KEY: date(2023, 1, 2)}, "trước ngày ban hành"),
        ("ngay-qua-xa.xlsx", {ex.REPORT_DATE_KEY: date(2032, 1, 2)}, "quá xa"),
        (
            "qua-dai.xlsx",
            {ex.RESULTS_KEY: "x" * (ex.MAX_TEXT_LENGTH + 1)},
            f"Ô {COL[ex.RESULTS_KEY]}5",
        ),
        (
            "hoan-thanh-thieu-van-ban.xlsx",
            {ex.STATUS_KEY: ex.STATUS_DONE, ex.PERCENT_KEY: 100},
            f"Ô {COL[ex.EVIDENCE_KEY]}5",
        ),
    ):
        put(name, fill(base, {4: DONE, 5: values}), False, reason)
    put("chua-dien.xlsx", base, False, "chưa được điền")

    # hostile: an outcome each, never a crash; a name is listed as the master can hold it
    for name, data, accepted, reason in hostile_returns(snv):
        put(f"doc-hai/{name}", data, accepted, reason)
        cases[-1] = Case(storable(cases[-1].name)[0], accepted, reason)
    (folder / "doc-hai").mkdir(exist_ok=True)
    cases += [
        Case(f"doc-hai/{c.name}", c.accepted, c.reason) for c in special_files(folder / "doc-hai")
    ]
    return cases


def _last_row(data: bytes) -> int:
    ws = load_workbook(io.BytesIO(data))[ex.META_SHEET]
    for row in ws.iter_rows(max_col=2, values_only=True):
        if row[0] == ex.META_TASK_COUNT:
            return ex.FIRST_DATA_ROW + int(str(row[1])) - 1
    raise AssertionError("no task count")


# --- hostile returns: hidden data, texts, columns and parts no agency should send ----------


def set_meta_value(data: bytes, key: str, value_xml: str) -> bytes:
    """``data`` with the hidden value of ``key`` (or, for a task id, its row digest) replaced
    by ``value_xml`` (XML text: "_x0001_" is a control character for the readers)."""

    def change(xml: str) -> str:
        pattern = (
            rf'(<c r="A(\d+)" t="inlineStr"><is><t>{re.escape(key)}</t></is></c>'
            rf'<c r="B\2" t="inlineStr"><is><t>)[^<]*(</t>)'
        )
        assert re.search(pattern, xml), f"no hidden value {key}"
        return re.sub(pattern, lambda m: m.group(1) + value_xml + m.group(3), xml, count=1)

    return rewrite_part(data, META_XML, change)


def first_task_id(data: bytes) -> str:
    ws = load_workbook(io.BytesIO(data), read_only=True)[ex.META_SHEET]
    rows = list(ws.iter_rows(min_row=ex.META_TASKS_ROW + 1, max_col=1, values_only=True))
    return str(rows[0][0])


def set_input_xml(data: bytes, cell: str, value_xml: str) -> bytes:
    """``data`` with the inline text of input ``cell`` replaced by ``value_xml``."""

    def change(xml: str) -> str:
        pattern = rf'(<c r="{cell}"[^>]*?)(?: t="\w+")?>(?:<is><t>[^<]*</t></is>|<v>[^<]*</v>)</c>'
        assert re.search(pattern, xml), f"no value in {cell}"
        return re.sub(pattern, lambda m: m.group(1) + value_xml + "</c>", xml, count=1)

    return rewrite_part(data, TASKS_XML, change)


def with_shared_string(data: bytes, cell: str, index: str) -> bytes:
    """``data`` with a shared-string table of one string (the text of ``cell``) and ``cell``
    pointing into it at ``index``, as Excel stores text (``index`` "0" is a sound file)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    sheet = src.read(TASKS_XML).decode()
    found = re.search(rf'<c r="{cell}"[^>]*t="inlineStr"><is><t>([^<]*)</t>', sheet)
    assert found, f"no text in {cell}"
    table = (
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
        f'uniqueCount="1"><si><t>{found[1]}</t></si></sst>'
    )
    rel = (
        '<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/sharedStrings" Target="sharedStrings.xml" Id="rId99" /></Relationships>'
    )
    kind = (
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml" /></Types>'
    )
    data = set_input_xml(data, cell, f' t="s"><v>{index}</v>')
    data = rewrite_part(
        data, "xl/_rels/workbook.xml.rels", lambda x: x.replace("</Relationships>", rel)
    )
    data = rewrite_part(data, "[Content_Types].xml", lambda x: x.replace("</Types>", kind))
    return add_entries(data, {"xl/sharedStrings.xml": table.encode()})


def without_entry(data: bytes, part: str) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename != part:
                dst.writestr(info, src.read(info))
    return out.getvalue()


def swap_columns(first: str, second: str) -> Callable[[Workbook], None]:
    def change(wb: Workbook) -> None:
        ws = wb[ex.TASKS_SHEET]
        for row in range(ex.HEADER_ROW, ws.max_row + 1):
            a, b = ws[f"{first}{row}"], ws[f"{second}{row}"]
            a.value, b.value = b.value, a.value

    return change


# Files the two readers read into other texts (none: both read a control character's escape
# "_x0001_" as the character, which intake replaces before the master).
READER_DEPENDENT: frozenset[str] = frozenset()


def hostile_returns(good: bytes) -> list[tuple[str, bytes, bool, str]]:
    """(name, bytes, accepted, piece of the reason) of the hostile kinds made from ``good``
    (a filled, accepted return whose row 5 has a difficulty and a report date): hidden values
    of the wrong shape, characters a workbook cannot hold, input columns deleted, inserted or
    swapped, a damaged shared-string table, a missing styles part, invisible and huge values.
    The file names hold characters a workbook cannot hold; accepted ones get a note.
    ``READER_DEPENDENT``: read differently by python-calamine and openpyxl."""
    task = first_task_id(good)
    late = COL[ex.REPORT_DATE_KEY]
    hard = COL[ex.DIFFICULTIES_KEY]
    status = COL[ex.STATUS_KEY]
    pct = ex.CURRENT.position(ex.PERCENT_KEY)
    shape = "Dữ liệu ẩn đã bị sửa: giá trị «{}»"
    control = set_input_xml(
        good, f"{hard}5", ' t="inlineStr"><is><t>Thiếu_x0001_ kinh phí</t></is>'
    )
    kinds: list[tuple[str, bytes, bool, str]] = [
        (
            "an-chu-ky-khong-ascii.xlsx",
            set_meta_value(good, ex.META_SIGNATURE, "é" * 64),
            False,
            shape.format(ex.META_SIGNATURE),
        ),
        (
            "an-ma-dong-khong-ascii.xlsx",
            set_meta_value(good, task, "ư" * 64),
            False,
            shape.format(ex.META_TASK_HEADERS[1]),
        ),
        (
            "an-dong-dau-so-mu.xlsx",
            set_meta_value(good, ex.META_FIRST_ROW, "²"),
            False,
            shape.format(ex.META_FIRST_ROW),
        ),
        (
            "an-dong-dau-qua-lon.xlsx",
            set_meta_value(good, ex.META_FIRST_ROW, "9" * 40),
            False,
            shape.format(ex.META_FIRST_ROW),
        ),
        (
            "an-dong-dau-cuoi-trang.xlsx",
            set_meta_value(good, ex.META_FIRST_ROW, "1048570"),
            False,
            shape.format(ex.META_FIRST_ROW),
        ),
        (
            "an-ma-khoa-khong-hex.xlsx",
            set_meta_value(good, ex.META_KEY_ID, "Đ​" * 8),
            False,
            shape.format(ex.META_KEY_ID) + " là «Đ[U+200B]Đ",
        ),
        (
            "an-co-quan-qua-dai.xlsx",
            set_meta_value(good, ex.META_AGENCY, "SNV" * 200),
            False,
            shape.format(ex.META_AGENCY),
        ),
        (
            "cot-xoa.xlsx",  # the percent column
            edit(good, lambda wb: wb[ex.TASKS_SHEET].delete_cols(pct)),
            False,
            f"cột {COL[ex.PERCENT_KEY]} (ô {COL[ex.PERCENT_KEY]}3)",
        ),
        (
            "cot-chen.xlsx",  # before the results column
            edit(good, lambda wb: wb[ex.TASKS_SHEET].insert_cols(pct + 1)),
            False,
            f"cột {COL[ex.RESULTS_KEY]} (ô {COL[ex.RESULTS_KEY]}3) là «»",
        ),
        (
            "cot-doi-cho.xlsx",
            edit(good, swap_columns(COL[ex.RESULTS_KEY], hard)),
            False,
            f"cột {COL[ex.RESULTS_KEY]}",
        ),
        (
            "chuoi-chung-am.xlsx",
            with_shared_string(good, f"{hard}5", "-1"),
            False,
            "trỏ tới chuỗi số «-1»",
        ),
        (
            "chuoi-chung-qua-lon.xlsx",
            with_shared_string(good, f"{hard}5", "7"),
            False,
            "trỏ tới chuỗi số «7»",
        ),
        ("thieu-dinh-dang.xlsx", without_entry(good, "xl/styles.xml"), False, "styles.xml"),
        (
            "tinh-trang-cach-an.xlsx",
            set_input_xml(
                good, f"{status}5", ' t="inlineStr"><is><t>Đang\u200b thực hiện</t></is>'
            ),
            False,
            "«Đang[U+200B] thực hiện»",
        ),
        (
            "tinh-trang-rat-dai.xlsx",
            set_input_xml(good, f"{status}5", f' t="inlineStr"><is><t>{"x" * 40_000}</t></is>'),
            False,
            "… (40000 ký tự)",
        ),
        ("ngay-am.xlsx", set_input_xml(good, f"{late}5", "><v>-1</v>"), False, "số âm"),
        ("ky-tu-dieu-khien.xlsx", control, True, ""),
        ("ten-tep-\x01-dieu-khien.xlsx", fill(good, {5: {ex.RESULTS_KEY: "Tên tệp lạ"}}), True, ""),
    ]
    if os.name == "posix":  # a file name that is not UTF-8: its bytes come back as surrogates
        kinds.append(
            (
                os.fsdecode(b"ten-tep-\xff\xfe-sai-ma.xlsx"),
                fill(good, {5: {ex.RESULTS_KEY: "Tên tệp sai mã"}}),
                True,
                "",
            )
        )
    return kinds


def special_files(folder: Path) -> list[Case]:
    """A named pipe and a link to a device, each called .xlsx (POSIX only): never read."""
    cases: list[Case] = []
    if os.name != "posix":
        return cases
    os.mkfifo(folder / "ong-dan.xlsx")
    cases.append(Case("ong-dan.xlsx", False, "Không phải tệp thông thường"))
    (folder / "thiet-bi.xlsx").symlink_to("/dev/zero")
    cases.append(Case("thiet-bi.xlsx", False, "Không phải tệp thông thường"))
    return cases
