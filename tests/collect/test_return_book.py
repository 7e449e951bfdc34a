"""The two readers of a returned workbook (kehoach.collect.return_book, kehoach.sheets.xlsx_scan):
calamine for
plain files, openpyxl for the rest, the same outcome either way; the scan that keeps calamine
away from files that would abort the process; what the scan reads that calamine does not."""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from extract_support import KEY
from kehoach.collect import reasons as why
from kehoach.collect import return_book
from kehoach.collect.intake import intake_bytes, intake_folder
from kehoach.collect.return_book import CALAMINE, OPENPYXL, open_return
from kehoach.collect.returns import FileOutcome, Limits
from kehoach.collect.zipguard import Package, unpack
from kehoach.sheets import extract_layout as ex
from kehoach.sheets import xlsx_scan
from returns_corpus import (
    COL,
    CORPUS_LIMITS,
    PLAN_ID,
    READER_DEPENDENT,
    TASKS_XML,
    Case,
    add_entries,
    add_stray_cell,
    extracts,
    good_snv,
    rewrite_part,
    set_cell_xml,
    write_corpus,
)

PYLIB = Path(__file__).resolve().parents[2] / "pylib"


@pytest.fixture(scope="module")
def snv(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return good_snv(extracts(tmp_path_factory.mktemp("extracts")))


def reader_of(data: bytes) -> str:
    package = unpack(data, Limits())
    assert isinstance(package, Package), package
    return open_return(data, package).reader


# --- which reader -------------------------------------------------------------------------


def test_a_return_saved_by_a_spreadsheet_program_is_read_by_calamine(snv: bytes) -> None:
    assert reader_of(snv) == CALAMINE


@pytest.mark.parametrize(
    ("name", "change"),
    [
        ("far below and right", lambda x: x.replace('<c r="A1"', '<c r="XFD1048576"', 1)),
        ("beyond column Z", lambda x: x.replace('<c r="A1"', '<c r="AA1"', 1)),
        ("beyond row 99999", lambda x: x.replace('<c r="A1"', '<c r="A100000"', 1)),
        ("without an address", lambda x: x.replace('<c r="A1"', "<c", 1)),
        ("address not first", lambda x: x.replace('<c r="A1" s=', '<c s="1" r="A1" x=', 1)),
        ("a second address", lambda x: x.replace('<c r="A1"', '<c r="A1" r="XFD1048576"', 1)),
        ("single quotes", lambda x: x.replace('<c r="A1"', "<c r='A1'", 1)),
        ("a prefixed cell", lambda x: x.replace('<c r="A1"', '<x:c r="A1"', 1)),
    ],
)
def test_a_sheet_calamine_must_not_see_goes_to_openpyxl(
    snv: bytes, name: str, change: object
) -> None:
    assert callable(change)
    xml = zipfile.ZipFile(io.BytesIO(snv)).read(TASKS_XML).decode()
    changed = change(xml)
    assert changed != xml, name
    assert xlsx_scan.odd_cell(changed.encode()) is not None
    assert xlsx_scan.odd_cell(xml.encode()) is None


def test_two_far_cells_never_reach_calamine(snv: bytes, tmp_path: Path) -> None:
    """Given to calamine, these files abort the process (calamine#693): each is read in a
    process of its own, which must end normally and say which reader read it, if any."""
    files = {
        "stray.xlsx": (add_stray_cell(snv, TASKS_XML, "XFD1048576", 1048576), OPENPYXL),
        "second-address.xlsx": (
            rewrite_part(
                snv, TASKS_XML, lambda x: x.replace('<c r="A1"', '<c r="A1" r="XFD1048576"', 1)
            ),
            "unreadable",  # openpyxl's parser refuses a duplicate attribute
        ),
    }
    code = "\n".join(
        (
            "import sys",
            "from pathlib import Path",
            "from kehoach.collect.zipguard import unpack",
            "from kehoach.collect.returns import Limits",
            "from kehoach.collect.return_book import UnreadableReturn, open_return",
            "data = Path(sys.argv[1]).read_bytes()",
            "try:",
            "    print(open_return(data, unpack(data, Limits())).reader)",
            "except UnreadableReturn:",
            "    print('unreadable')",
        )
    )
    for name, (data, expected) in files.items():
        (tmp_path / name).write_bytes(data)
        done = subprocess.run(
            [sys.executable, "-c", code, str(tmp_path / name)],
            capture_output=True,
            text=True,
            cwd=PYLIB,
            timeout=120,
            check=False,
        )
        assert (done.returncode, done.stdout.strip()) == (0, expected), (name, done.stderr[-500:])


def test_a_package_calamine_cannot_read_is_read_by_openpyxl(
    snv: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No xl/workbook.xml where calamine looks for it: the sheet parts cannot be found.
    package = unpack(snv, Limits())
    assert isinstance(package, Package)
    parts = dict(package.parts)
    del parts[xlsx_scan.WORKBOOK_RELS]
    assert xlsx_scan.sheet_parts(parts) is None
    assert open_return(snv, Package(parts)).reader == OPENPYXL


def test_without_python_calamine_every_return_is_read_by_openpyxl(
    snv: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "python_calamine", None)  # import raises ImportError
    assert reader_of(snv) == OPENPYXL
    assert intake_bytes(snv, "f.xlsx", KEY, PLAN_ID).accepted


def test_a_programming_error_in_the_fast_reader_is_not_hidden(
    snv: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(data: bytes, parts: object) -> None:
        raise TypeError("bug")

    monkeypatch.setattr(return_book, "_read_calamine", broken)
    package = unpack(snv, Limits())
    assert isinstance(package, Package)
    with pytest.raises(TypeError, match="bug"):
        open_return(snv, package)


# --- one outcome, whichever reader ------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus_folder(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Case]]:
    folder = tmp_path_factory.mktemp("returns")
    return folder / "in", write_corpus(folder / "in", folder / "scratch")


def test_both_readers_give_the_same_outcome_for_every_file_of_the_corpus(
    corpus_folder: tuple[Path, list[Case]], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, cases = corpus_folder
    read: list[str] = []
    real = return_book.open_return

    def spy(data: bytes, package: Package) -> return_book.ReturnedBook:
        book = real(data, package)
        read.append(book.reader)
        return book

    monkeypatch.setattr("kehoach.collect.intake.open_return", spy)
    fast = intake_folder(folder, KEY, PLAN_ID, limits=CORPUS_LIMITS)
    assert read.count(CALAMINE) >= 25 and read.count(OPENPYXL) == 0, read
    monkeypatch.setattr(return_book, "_plain", lambda parts: False)
    read.clear()
    slow = intake_folder(folder, KEY, PLAN_ID, limits=CORPUS_LIMITS)
    assert set(read) == {OPENPYXL}

    def key(o: FileOutcome) -> tuple[object, ...]:
        if o.name.rsplit("/", 1)[-1] in READER_DEPENDENT:  # the same outcome, another text
            return (o.name, o.accepted, o.reason, o.agency, o.report_date, len(o.rows))
        return (o.name, o.accepted, o.reason, o.agency, o.report_date, o.rows)

    assert [key(o) for o in fast] == [key(o) for o in slow]
    assert len(fast) == len(cases) - 1  # the lock file is skipped


def test_a_percentage_typed_with_its_sign_reads_as_a_percentage(snv: bytes) -> None:
    """ "50%" typed in Excel stores 0.5 and gives the cell a percent format; calamine reads
    0.5, the style says it is 50."""
    wb = load_workbook(io.BytesIO(snv))
    ws = wb[ex.TASKS_SHEET]
    ws[f"{COL[ex.PERCENT_KEY]}5"] = 0.5
    ws[f"{COL[ex.PERCENT_KEY]}5"].number_format = "0%"
    ws[f"{COL[ex.PERCENT_KEY]}6"] = 0.075
    ws[f"{COL[ex.PERCENT_KEY]}6"].number_format = "0.0%"
    ws[f"{COL[ex.STATUS_KEY]}6"] = ex.STATUS_IN_PROGRESS
    out = io.BytesIO()
    wb.save(out)
    data = out.getvalue()
    assert reader_of(data) == CALAMINE
    got = intake_bytes(data, "f.xlsx", KEY, PLAN_ID)
    assert got.accepted, got.reason
    assert [r.values[ex.PERCENT_KEY] for r in got.rows[1:3]] == [50.0, 7.5]


def test_an_error_value_read_by_calamine_names_its_cell(snv: bytes) -> None:
    cell = f"{COL[ex.EVIDENCE_KEY]}6"
    data = set_cell_xml(snv, TASKS_XML, cell, f'<c r="{cell}"STYLE t="e"><v>#N/A</v></c>')
    assert reader_of(data) == CALAMINE
    got = intake_bytes(data, "f.xlsx", KEY, PLAN_ID)
    assert not got.accepted and got.reason.startswith(f"Ô {cell} (") and "#N/A" in got.reason


def test_an_entry_given_twice_is_refused(snv: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(snv)) as src:
        sheet = src.read(TASKS_XML)
    with pytest.warns(UserWarning, match="Duplicate name"):
        data = add_entries(snv, {TASKS_XML: sheet})
    got = intake_bytes(data, "f.xlsx", KEY, PLAN_ID)
    assert not got.accepted
    assert got.reason == why.CORRUPTED.format(detail=f"thành phần «{TASKS_XML}» có hai lần")


# --- the scan ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tag", "odd"),
    [
        (b'<c r="A1"/>', False),
        (b'<c r="R6" s="8" t="n" />', False),
        (b'<c r="V4" s="12" t="s"><v>3</v></c>', False),
        (b'<c r="Z99999" s="1" t="e" cm="1" vm="1" ph="1"/>', False),
        (b'<col min="1" max="2"/>', False),
        (b'<cols><col min="1"/></cols>', False),
        (b'<c r="AA1"/>', True),
        (b'<c r="A100000"/>', True),
        (b'<c r="A0"/>', True),
        (b'<c r="a1"/>', True),
        (b'<c s="1" r="A1"/>', True),
        (b"<c/>", True),
        (b"<c>", True),
        (b'<c r="A1" r="XFD1"/>', True),
        (b'<c r="A1" s="1"r="XFD1"/>', True),
        (b"<c r='A1'/>", True),
        (b'<c\n r = "A1"/>', True),
        (b'<c r="A1" x=">" r="XFD9">', True),
        (b'<c r="A1" xr:uid="{0}"/>', True),
        (b'<x:c r="B2"/>', True),
    ],
)
def test_odd_cell(tag: bytes, odd: bool) -> None:
    assert (
        xlsx_scan.odd_cell(b"<sheetData><row>" + tag + b"</row></sheetData>") is not None
    ) is odd


def test_sheet_parts_follow_relative_and_absolute_targets() -> None:
    rels = (
        b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        b'<Relationship Id="rId1" Type="w" Target="worksheets/sheet1.xml"/>'
        b'<Relationship Id="rId2" Type="w" Target="/xl/worksheets/other.xml"/>'
        b"</Relationships>"
    )
    workbook = (
        b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        b'<sheets><sheet name="A" sheetId="1" r:id="rId1"/><sheet name="B" sheetId="2" '
        b'r:id="rId2"/></sheets></workbook>'
    )
    parts = {
        xlsx_scan.WORKBOOK_PART: workbook,
        xlsx_scan.WORKBOOK_RELS: rels,
        "xl/worksheets/sheet1.xml": b"",
        "xl/worksheets/other.xml": b"",
    }
    assert xlsx_scan.sheet_parts(parts) == {
        "A": "xl/worksheets/sheet1.xml",
        "B": "xl/worksheets/other.xml",
    }
    del parts["xl/worksheets/other.xml"]
    assert xlsx_scan.sheet_parts(parts) is None


def test_percent_styles_builtin_and_custom() -> None:
    styles = (
        b'<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<numFmts count="1"><numFmt numFmtId="164" formatCode="0.0%"/></numFmts>'
        b'<cellXfs count="4"><xf numFmtId="0"/><xf numFmtId="9"/><xf numFmtId="164"/>'
        b'<xf numFmtId="14"/></cellXfs></styleSheet>'
    )
    assert xlsx_scan.percent_styles(styles) == {1: "0%", 2: "0.0%"}
    assert xlsx_scan.percent_styles(styles.replace(b"%", b"").replace(b'"9"', b'"1"')) == {}
    xml = b'<c r="P4" s="1"><v>0.5</v></c><c r="P5" s="3"><v>7</v></c><c r="Q4" s="1"/>'
    assert xlsx_scan.number_formats(xml, [16], {1: "0%"}) == {(4, 16): "0%"}


def test_error_cells_give_their_text() -> None:
    xml = (
        b'<c r="O4" s="1" t="e"><f>1/0</f><v>#DIV/0!</v></c><c r="P4"><v>1</v></c>'
        b'<c r="Q9" t="e"><v>#N/A</v></c><c r="R9" t="e"/><c r="S9" t="e"><v>#REF!</v></c>'
    )
    assert xlsx_scan.error_cells(xml) == {
        (4, 15): "#DIV/0!",
        (9, 17): "#N/A",
        (9, 18): "#N/A",  # no value written: an error all the same
        (9, 19): "#REF!",
    }
    assert xlsx_scan.error_cells(b'<c r="A1"><v>1</v></c>') == {}


def test_a_sheet_name_given_twice_is_an_extra_sheet(snv: bytes) -> None:
    """A fourth sheet entry under an expected name (Excel never writes two sheets of one
    name): rejected as a strange sheet, whichever copy a reader would pick."""
    twice = '<sheet name="Hướng dẫn" sheetId="9" state="visible" r:id="rId99" />'
    rel = (
        '<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/worksheet" Target="/xl/worksheets/sheet2.xml" Id="rId99" />'
    )
    data = rewrite_part(
        snv, "xl/workbook.xml", lambda x: x.replace("</sheets>", twice + "</sheets>")
    )
    data = rewrite_part(
        data,
        xlsx_scan.WORKBOOK_RELS,
        lambda x: x.replace("</Relationships>", rel + "</Relationships>"),
    )
    assert reader_of(data) == CALAMINE
    got = intake_bytes(data, "f.xlsx", KEY, PLAN_ID)
    assert got.reason == why.EXTRA_SHEET.format(sheet=ex.GUIDE_SHEET) and got.agency == "SNV"
