"""Intake of returned agency workbooks (kehoach.collect.intake): every file of the corpus accepted
or
rejected with its reason; values read as text, never as formulas; forged dimensions, stray
cells, defusedxml, no xlwings."""

from __future__ import annotations

import io
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl.xml
import pytest
from openpyxl import load_workbook

from extract_support import KEY
from kehoach.collect import reasons as why
from kehoach.collect.intake import IntakeError, intake_bytes, intake_file, intake_folder
from kehoach.collect.returns import FileOutcome, Limits
from kehoach.collect.values import ValueProblem, input_value, looks_like_formula
from kehoach.sheets import extract_layout as ex
from lo_support import SOFFICE, soffice_convert
from returns_corpus import (
    COL,
    CORPUS_LIMITS,
    DONE,
    GOING,
    META_XML,
    PLAN_ID,
    TASKS_XML,
    Case,
    add_stray_cell,
    extracts,
    fill,
    good_snv,
    rewrite_part,
    set_cell_xml,
    set_dimension,
    write_corpus,
)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Case], list[FileOutcome]]:
    folder = tmp_path_factory.mktemp("returns")
    cases = write_corpus(folder / "in", folder / "scratch")
    return cases, intake_folder(folder / "in", KEY, PLAN_ID, limits=CORPUS_LIMITS)


@pytest.fixture(scope="module")
def snv(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return good_snv(extracts(tmp_path_factory.mktemp("extracts")))


def by_name(outcomes: list[FileOutcome]) -> dict[str, FileOutcome]:
    return {o.name: o for o in outcomes}


def test_every_case_of_the_corpus_gets_its_outcome(
    corpus: tuple[list[Case], list[FileOutcome]],
) -> None:
    cases, outcomes = corpus
    found = by_name(outcomes)
    wrong = []
    for case in cases:
        if case.name.rsplit("/", 1)[-1].startswith("~$"):
            continue
        got = found[case.name]
        if got.accepted != case.accepted or case.reason not in got.reason:
            wrong.append((case.name, case.reason, got.accepted, got.reason))
    assert wrong == []


def test_lock_files_are_skipped_and_the_order_is_by_name(
    corpus: tuple[list[Case], list[FileOutcome]],
) -> None:
    cases, outcomes = corpus
    names = [o.name for o in outcomes]
    assert "~$So-Noi-vu.xlsx" not in names
    assert len(names) == len(cases) - 1
    assert names == sorted(names, key=lambda n: (n.casefold(), n))
    assert "thu-dien-tu/Bao cao SNV gui lai.xlsx" in names  # subfolders, "/"-separated


def test_every_rejection_has_one_reason_and_no_rows(
    corpus: tuple[list[Case], list[FileOutcome]],
) -> None:
    _, outcomes = corpus
    for o in outcomes:
        if o.accepted:
            assert o.reason == "" and o.rows
        else:
            assert o.reason and not o.rows
            assert o.reason.count("\n") == 0


def test_accepted_returns_carry_agency_rows_and_latest_date(
    corpus: tuple[list[Case], list[FileOutcome]],
) -> None:
    found = by_name(corpus[1])
    snv = found["So-Noi-vu.xlsx"]
    assert (snv.agency, snv.generated_at) == ("SNV", "2023-07-01T09:30:00")
    assert snv.report_date == date(2023, 9, 30)
    first, second = snv.rows[0], snv.rows[1]
    assert (first.row, second.row) == (4, 5)
    assert first.values == {
        ex.STATUS_KEY: ex.STATUS_DONE,
        ex.PERCENT_KEY: 100.0,
        ex.RESULTS_KEY: "Đã ban hành kế hoạch",
        ex.EVIDENCE_KEY: "Số 12/QĐ-UBND ngày 05/6/2023",
        ex.EXPLANATION_KEY: "",
        ex.DIFFICULTIES_KEY: "",
        ex.REPORT_DATE_KEY: date(2023, 9, 30),
    }
    assert snv.rows[2].values[ex.STATUS_KEY] is None
    assert found["So-Noi-vu (1).xlsx"].report_date == date(2023, 11, 15)
    copy = found["thu-dien-tu/Bao cao SNV gui lai.xlsx"]
    assert copy.sha256 == snv.sha256 and copy.rows == snv.rows
    assert snv.mtime > 0 and len(snv.sha256) == 64


def test_rejections_after_the_signature_name_the_agency(
    corpus: tuple[list[Case], list[FileOutcome]],
) -> None:
    found = by_name(corpus[1])
    assert found["tinh-trang-sai.xlsx"].agency == "SNV"
    assert found["sua-ma-co-quan.xlsx"].agency == ""  # unverified metadata is not believed
    assert found["qua-lon.xlsx"].sha256 == ""  # never read past its size


@pytest.mark.parametrize(
    "text",
    ['=HYPERLINK("http://x","bấm")', "=1+1", "+84 912 345 678", "-", "@all", "\tthụt"],
)
def test_formula_like_text_stays_text(snv: bytes, text: str) -> None:
    data = fill(snv, {6: {ex.RESULTS_KEY: text, ex.EVIDENCE_KEY: text}})
    out = intake_bytes(data, "f.xlsx", KEY, PLAN_ID)
    assert out.accepted, out.reason
    values = out.rows[2].values
    assert values[ex.RESULTS_KEY] == text and values[ex.EVIDENCE_KEY] == text
    assert looks_like_formula(text)


def test_a_formula_in_an_input_cell_gives_its_cached_value_never_the_formula(snv: bytes) -> None:
    cell = f"{COL[ex.RESULTS_KEY]}6"
    cached = set_cell_xml(
        snv, TASKS_XML, cell, f'<c r="{cell}"STYLE t="str"><f>"="&amp;"cmd"</f><v>=cmd</v></c>'
    )
    out = intake_bytes(cached, "f.xlsx", KEY, PLAN_ID)
    assert out.accepted, out.reason
    assert out.rows[2].values[ex.RESULTS_KEY] == "=cmd"
    # Saved without its value (by a program that does not calculate): never evaluated, never
    # read as blank either (what it computes would be dropped without a word).
    bare = set_cell_xml(snv, TASKS_XML, cell, f'<c r="{cell}"STYLE><f>WEBSERVICE("x")</f></c>')
    out = intake_bytes(bare, "f.xlsx", KEY, PLAN_ID)
    assert not out.accepted and out.rows == ()
    assert out.reason.startswith(f"Ô {cell} (Kết quả thực hiện): ô có công thức nhưng tệp không")
    assert "WEBSERVICE" not in out.reason
    empty_text = set_cell_xml(  # Excel's empty text result: a value, blank
        snv, TASKS_XML, cell, f'<c r="{cell}"STYLE t="str"><f>IF(1,"","x")</f><v></v></c>'
    )
    out = intake_bytes(empty_text, "f.xlsx", KEY, PLAN_ID)
    assert out.accepted and out.rows[2].values[ex.RESULTS_KEY] == ""


def test_an_error_value_is_rejected_naming_its_cell(snv: bytes) -> None:
    cell = f"{COL[ex.PERCENT_KEY]}6"
    data = set_cell_xml(
        snv, TASKS_XML, cell, f'<c r="{cell}"STYLE t="e"><f>1/0</f><v>#DIV/0!</v></c>'
    )
    out = intake_bytes(data, "f.xlsx", KEY, PLAN_ID)
    assert not out.accepted and out.reason.startswith(f"Ô {cell} (") and "#DIV/0!" in out.reason


@pytest.mark.parametrize("ref", ["A1:A1", "A1:XFD1048576", "B2"])
def test_a_forged_dimension_hides_nothing_and_explodes_nothing(snv: bytes, ref: str) -> None:
    honest = intake_bytes(snv, "f.xlsx", KEY, PLAN_ID)
    start = time.perf_counter()
    forged = intake_bytes(set_dimension(snv, ref), "f.xlsx", KEY, PLAN_ID)
    assert time.perf_counter() - start < 5
    assert forged.accepted and forged.rows == honest.rows


def test_a_stray_cell_far_below_the_tasks_is_not_walked_to(snv: bytes) -> None:
    start = time.perf_counter()
    out = intake_bytes(add_stray_cell(snv, TASKS_XML, "XFD1048576", 1048576), "f", KEY, PLAN_ID)
    assert time.perf_counter() - start < 5
    assert out.accepted, out.reason


def test_a_stray_cell_in_the_hidden_data_is_rejected_before_it_is_walked(snv: bytes) -> None:
    start = time.perf_counter()
    out = intake_bytes(add_stray_cell(snv, META_XML, "XFD1048576", 1048576), "f", KEY, PLAN_ID)
    assert time.perf_counter() - start < 5
    assert not out.accepted and "ô XFD1048576" in out.reason and ex.META_SHEET in out.reason


def test_data_just_below_the_tasks_counts_as_an_added_row(snv: bytes) -> None:
    wb = load_workbook(io.BytesIO(snv))
    last = ex.FIRST_DATA_ROW + int(str(wb[ex.META_SHEET]["B8"].value)) - 1
    data = fill(snv, {last + 3: {ex.RESULTS_KEY: "dòng tự thêm"}})
    out = intake_bytes(data, "f.xlsx", KEY, PLAN_ID)
    assert not out.accepted and f"ô {COL[ex.RESULTS_KEY]}{last + 3}" in out.reason


def test_several_bad_cells_are_counted_in_the_one_reason(snv: bytes) -> None:
    data = fill(snv, {6: {ex.STATUS_KEY: "x"}, 7: {ex.PERCENT_KEY: -1, ex.STATUS_KEY: "y"}})
    out = intake_bytes(data, "f.xlsx", KEY, PLAN_ID)
    assert out.reason.startswith(f"Ô {COL[ex.STATUS_KEY]}6 (Tình trạng)")
    assert out.reason.endswith(why.MORE_PROBLEMS.format(count=2))


def test_another_plan_id_asked_for_rejects_every_return(snv: bytes) -> None:
    out = intake_bytes(snv, "f.xlsx", KEY, "1/KH-UBND")
    assert out.reason == why.OTHER_PLAN.format(found=PLAN_ID, expected="1/KH-UBND")


def test_the_default_limits_accept_a_real_return(snv: bytes) -> None:
    assert intake_bytes(snv, "f.xlsx", KEY, PLAN_ID, Limits()).accepted


def test_an_xlsx_renamed_xls_is_read_by_its_bytes(snv: bytes, tmp_path: Path) -> None:
    (tmp_path / "So-Noi-vu.xls").write_bytes(snv)
    out = intake_file(tmp_path / "So-Noi-vu.xls", tmp_path, KEY, PLAN_ID)
    assert out.accepted and out.name == "So-Noi-vu.xls"


def test_clutter_is_skipped(snv: bytes, tmp_path: Path) -> None:
    for name in ("Thumbs.db", "desktop.ini", ".DS_Store", ".~lock.a.xlsx#", "manifest.json"):
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / ".an").mkdir()
    (tmp_path / ".an" / "a.xlsx").write_bytes(snv)
    assert intake_folder(tmp_path, KEY, PLAN_ID) == []


def test_a_missing_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(IntakeError, match="Không tìm thấy thư mục"):
        intake_folder(tmp_path / "khong-co", KEY, PLAN_ID)


def test_defusedxml_is_in_use_and_required(
    monkeypatch: pytest.MonkeyPatch, snv: bytes, tmp_path: Path
) -> None:
    assert openpyxl.xml.DEFUSEDXML is True
    monkeypatch.setattr(openpyxl.xml, "DEFUSEDXML", False)
    with pytest.raises(IntakeError, match="defusedxml"):
        intake_bytes(snv, "f.xlsx", KEY, PLAN_ID)
    with pytest.raises(IntakeError, match="defusedxml"):
        intake_folder(tmp_path, KEY, PLAN_ID)


@pytest.mark.parametrize("part", ["xl/workbook.xml", TASKS_XML])
def test_an_xml_entity_bomb_is_refused(snv: bytes, part: str) -> None:
    dtd = (
        '<!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    )
    data = rewrite_part(snv, part, lambda xml: dtd + xml.replace("Nhiệm vụ", "&lol2;", 1))
    out = intake_bytes(data, "f.xlsx", KEY, PLAN_ID)
    assert not out.accepted and "Không đọc được như một workbook Excel" in out.reason


@pytest.mark.parametrize("part", ["xl/workbook.xml", TASKS_XML, "[Content_Types].xml"])
def test_a_document_type_declaration_is_refused_even_unused(snv: bytes, part: str) -> None:
    # An entity declared and never used reads the same to calamine; Excel never writes one.
    dtd = '<!doctype x [<!ENTITY a "aaaaaaaaaa">]>'

    def declare(xml: str) -> str:  # after the XML declaration, where there is one
        return xml.replace("?>", "?>" + dtd, 1) if xml.startswith("<?xml") else dtd + xml

    data = rewrite_part(snv, part, declare)
    assert data != snv
    out = intake_bytes(data, "f.xlsx", KEY, PLAN_ID)
    assert not out.accepted
    assert "DOCTYPE" in out.reason and "Không đọc được như một workbook Excel" in out.reason


def test_formula_prefixes() -> None:
    assert all(looks_like_formula(p + "x") for p in ("=", "+", "-", "@", "\t", "\r"))
    assert not looks_like_formula("Số 12/QĐ-UBND")
    assert input_value(ex.RESULTS_KEY, "\rx") == "\rx"


def test_intake_never_imports_xlwings() -> None:
    code = (
        "import sys, kehoach.collect.intake, kehoach.collect.zipguard, kehoach.collect.values;"
        "assert 'xlwings' not in sys.modules, 'xlwings imported'"
    )
    subprocess.run(
        [sys.executable, "-c", code], check=True, cwd=Path(__file__).parents[2] / "pylib"
    )


# --- one value ------------------------------------------------------------------------------

PLAN_DAY = date(2023, 6, 8)


@pytest.mark.parametrize(
    ("key", "value", "number_format", "expected"),
    [
        (ex.STATUS_KEY, None, "General", None),
        (ex.STATUS_KEY, "  hoàn thành ", "General", ex.STATUS_DONE),
        (ex.STATUS_KEY, "Hoa\u0300n tha\u0300nh", "General", ex.STATUS_DONE),  # decomposed
        (ex.PERCENT_KEY, 50, "0", 50.0),
        (ex.PERCENT_KEY, 0.5, "0%", 50.0),  # "50%" typed in Excel
        (ex.PERCENT_KEY, 0.07, "0.00%", 7.0),
        (ex.PERCENT_KEY, "50%", "General", 50.0),
        (ex.PERCENT_KEY, "50,5", "General", 50.5),
        (ex.PERCENT_KEY, " ", "General", None),
        (ex.REPORT_DATE_KEY, "5/10/2023", "General", date(2023, 10, 5)),
        (ex.REPORT_DATE_KEY, "05-10-2023", "General", date(2023, 10, 5)),
        (ex.REPORT_DATE_KEY, 45204, "General", date(2023, 10, 5)),  # the serial of 5/10/2023
        (ex.RESULTS_KEY, 12.0, "General", "12"),
        (ex.RESULTS_KEY, date(2023, 10, 5), "General", "05/10/2023"),
        (ex.RESULTS_KEY, None, "General", ""),
    ],
)
def test_input_values(key: str, value: Any, number_format: str, expected: Any) -> None:
    got = input_value(key, value, number_format=number_format, plan_date=PLAN_DAY)
    assert got == expected


@pytest.mark.parametrize(
    ("key", "value", "words"),
    [
        (ex.STATUS_KEY, "Xong", "không hợp lệ"),
        (ex.STATUS_KEY, 1, "không hợp lệ"),
        (ex.PERCENT_KEY, True, "phải là số"),
        (ex.PERCENT_KEY, "1e3", "phải là số"),
        (ex.PERCENT_KEY, 100.01, "từ 0 đến 100"),
        (ex.PERCENT_KEY, 2, "từ 0 đến 100"),  # 200 % in a percentage cell
        (ex.REPORT_DATE_KEY, "2023-10-05", "phải là ngày"),
        (ex.REPORT_DATE_KEY, "29/02/2023", "phải là ngày"),
        (ex.REPORT_DATE_KEY, -5, "phải là ngày"),
        (ex.REPORT_DATE_KEY, date(2025, 1, 1), "quá xa"),
        (ex.REPORT_DATE_KEY, date(2023, 6, 7), "trước ngày ban hành"),
        (ex.EVIDENCE_KEY, "#REF!", "lỗi công thức"),
        (ex.DIFFICULTIES_KEY, "ư" * (ex.MAX_TEXT_LENGTH + 1), "tối đa"),
    ],
)
def test_invalid_input_values(key: str, value: Any, words: str) -> None:
    fmt = "0%" if (key, value) == (ex.PERCENT_KEY, 2) else "General"
    with pytest.raises(ValueProblem, match=words):
        input_value(key, value, number_format=fmt, plan_date=PLAN_DAY)


def test_the_longest_text_is_accepted() -> None:
    text = "ư" * ex.MAX_TEXT_LENGTH
    assert input_value(ex.RESULTS_KEY, text) == text


def test_a_completed_task_with_an_explanation_is_accepted(snv: bytes) -> None:
    explained = {**DONE, ex.EVIDENCE_KEY: None, ex.EXPLANATION_KEY: "Đã thực hiện qua họp"}
    out = intake_bytes(fill(snv, {6: explained}), "f.xlsx", KEY, PLAN_ID)
    assert out.accepted, out.reason
    low = {**GOING, ex.STATUS_KEY: ex.STATUS_DONE}
    out = intake_bytes(
        fill(snv, {6: {**low, ex.EVIDENCE_KEY: DONE[ex.EVIDENCE_KEY]}}), "f", KEY, PLAN_ID
    )
    assert not out.accepted and out.reason.startswith(f"Ô {COL[ex.PERCENT_KEY]}6")


@pytest.mark.libreoffice
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed")
def test_a_return_saved_by_libreoffice_is_accepted_with_the_same_rows(
    snv: bytes, tmp_path: Path
) -> None:
    """An agency filling the file in LibreOffice Calc and saving it as .xlsx."""
    (tmp_path / "So-Noi-vu.xlsx").write_bytes(snv)
    soffice_convert(
        [tmp_path / "So-Noi-vu.xlsx"],
        "xlsx:Calc MS Excel 2007 XML",
        tmp_path / "lo",
        tmp_path / "p",
    )
    back = intake_file(tmp_path / "lo" / "So-Noi-vu.xlsx", tmp_path, KEY, PLAN_ID)
    assert back.accepted, back.reason
    assert back.rows == intake_bytes(snv, "f.xlsx", KEY, PLAN_ID).rows
