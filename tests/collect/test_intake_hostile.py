"""Hostile returns (kehoach.collect.intake, intake_text): one outcome per file whatever it holds; a
bug
becomes the file's rejection, logged; only regular files read, with a cap; every text that
leaves intake storable in the master, the change noted; reasons quote short, visible
excerpts; the hidden values' shapes checked before use."""

from __future__ import annotations

import io
import logging
import os
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from extract_support import KEY
from kehoach.collect import intake
from kehoach.collect import reasons as why
from kehoach.collect.intake import intake_bytes, intake_file, intake_folder, read_regular_file
from kehoach.collect.run import plan_collection
from kehoach.common.untrusted_text import excerpt, storable
from kehoach.extract.signing import ExtractMeta, meta_from_rows, meta_shape_problem
from kehoach.sheets import extract_layout as ex
from kehoach.sheets import progress_layout as pl
from kehoach.sheets.edits import apply_to_workbook
from kehoach.state.master import state_from_values
from kehoach.workbook.master import write_progress_sheets
from returns_corpus import (
    COL,
    CORPUS_LIMITS,
    PLAN_ID,
    extracts,
    good_snv,
    hostile_returns,
    set_meta_value,
)


@pytest.fixture(scope="module")
def snv(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return good_snv(extracts(tmp_path_factory.mktemp("extracts")))


def _meta(snv: bytes) -> ExtractMeta:
    ws = load_workbook(io.BytesIO(snv), read_only=True)[ex.META_SHEET]
    return meta_from_rows([list(r) for r in ws.iter_rows(values_only=True)])


# --- texts ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected", "count"),
    [
        ("Đang thực hiện", "Đang thực hiện", 0),
        ("a\tb\nc", "a\tb\nc", 0),  # what XML 1.0 holds stays
        ("a\r\nb\rc", "a\nb\nc", 0),  # line ends as an XML reader reads them back
        ("a\x00b\x01\x1f", "a\ufffdb\ufffd\ufffd", 3),
        ("x\udcff\ud800y", "x\ufffd\ufffdy", 2),  # a file name's bytes that are not UTF-8
        ("\ufffe\uffff", "\ufffd\ufffd", 2),
        ("😀 ngoài BMP", "😀 ngoài BMP", 0),
    ],
)
def test_storable_replaces_what_xml_cannot_hold(text: str, expected: str, count: int) -> None:
    assert storable(text) == (expected, count)


def test_a_storable_text_is_saved_and_read_back_by_openpyxl(tmp_path: Path) -> None:
    wb = Workbook()
    wb.active["A1"] = storable("a\x00b\udcffc\x07")[0]
    wb.save(tmp_path / "t.xlsx")
    assert load_workbook(tmp_path / "t.xlsx").active["A1"].value == "a\ufffdb\ufffdc\ufffd"


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("Đang\u200b thực hiện", "Đang[U+200B] thực hiện"),
        ("\ufeffHoàn thành", "[U+FEFF]Hoàn thành"),
        ("a\u202eb", "a[U+202E]b"),  # bidi override
        ("a\nb\x00", "a[U+000A]b[U+0000]"),
        ("a\u00a0b", "a[U+00A0]b"),  # a no-break space looks like a space
        ("x\udcff", "x[U+DCFF]"),
    ],
)
def test_an_excerpt_shows_what_is_invisible(text: str, shown: str) -> None:
    assert excerpt(text) == shown


def test_an_excerpt_is_bounded_and_says_how_long_the_text_was() -> None:
    shown = excerpt("x" * 40_000)
    assert len(shown) < 100
    assert shown.endswith("… (40000 ký tự)")
    assert len(excerpt("\u200b" * 1_000)) < 100


# --- hidden values: shape before use --------------------------------------------------------


def test_the_generated_hidden_data_has_the_expected_shapes(snv: bytes) -> None:
    assert meta_shape_problem(_meta(snv)) is None


@pytest.mark.parametrize(
    ("key", "value"),
    [
        (ex.META_SIGNATURE, "é" * 64),
        (ex.META_SIGNATURE, "AB" * 32),  # upper case: not as written
        (ex.META_KEY_ID, "٣" * 16),
        (ex.META_FIRST_ROW, "²"),
        (ex.META_FIRST_ROW, "0"),
        (ex.META_FIRST_ROW, "9" * 400),
        (ex.META_TASK_COUNT, "-7"),
        (ex.META_GENERATED_AT, "hôm qua"),
        (ex.META_PLAN, "x" * 301),
        (ex.META_AGENCY, "SNV\x00"),
    ],
)
def test_a_hidden_value_of_the_wrong_shape_is_named(snv: bytes, key: str, value: str) -> None:
    meta = _meta(snv)
    forged = ExtractMeta({**meta.fields, key: value}, meta.tasks)
    problem = meta_shape_problem(forged)
    assert problem is not None and f"«{key}»" in problem
    assert len(problem) < 300
    assert forged.first_row == ex.FIRST_DATA_ROW or key != ex.META_FIRST_ROW


def test_a_row_digest_that_is_not_hex_is_refused_before_any_comparison(snv: bytes) -> None:
    meta = _meta(snv)
    task, _ = meta.tasks[0]
    forged = ExtractMeta(meta.fields, ((task, "đ" * 64), *meta.tasks[1:]))
    assert "«row_digest»" in str(meta_shape_problem(forged))
    out = intake_bytes(set_meta_value(snv, task, "đ" * 64), "x.xlsx", KEY, PLAN_ID)
    assert not out.accepted and "«row_digest»" in out.reason


# --- one outcome per file, whatever happens -------------------------------------------------


def test_a_bug_inside_becomes_the_files_rejection_and_a_log_line(
    snv: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*_args: Any) -> Any:
        raise KeyError("bên trong")

    monkeypatch.setattr(intake, "_read_book", broken)
    (tmp_path / "a.xlsx").write_bytes(snv)
    (tmp_path / "b.xlsx").write_bytes(snv)
    with caplog.at_level(logging.ERROR, logger="kehoach.collect.intake"):
        outcomes = intake_folder(tmp_path, KEY, PLAN_ID)
    assert [(o.name, o.accepted) for o in outcomes] == [("a.xlsx", False), ("b.xlsx", False)]
    assert outcomes[0].reason == why.PROGRAM_ERROR.format(kind="KeyError")
    assert outcomes[0].reason.startswith("Lỗi chương trình khi đọc tệp (KeyError)")
    logged = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert len(logged) == 2 and all("KeyError" in line for line in logged)
    assert any("'a.xlsx'" in line for line in logged)
    direct = intake_bytes(snv, "c.xlsx", KEY, PLAN_ID)
    assert direct.reason == why.PROGRAM_ERROR.format(kind="KeyError")


def test_without_the_bug_the_same_files_are_accepted(snv: bytes, tmp_path: Path) -> None:
    (tmp_path / "a.xlsx").write_bytes(snv)
    assert [o.accepted for o in intake_folder(tmp_path, KEY, PLAN_ID)] == [True]


# --- what the folder holds -----------------------------------------------------------------


@pytest.mark.skipif(os.name != "posix", reason="named pipes and /dev are POSIX")
def test_a_named_pipe_and_a_device_link_are_refused_without_reading(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "ong.xlsx")
    (tmp_path / "zero.xlsx").symlink_to("/dev/zero")
    (tmp_path / "mat.xlsx").symlink_to(tmp_path / "khong-co.xlsx")  # a dangling link
    outcomes = {o.name: o for o in intake_folder(tmp_path, KEY, PLAN_ID)}
    assert outcomes["ong.xlsx"].reason == why.NOT_REGULAR
    assert outcomes["zero.xlsx"].reason == why.NOT_REGULAR
    assert outcomes["mat.xlsx"].reason.startswith("Không đọc được")


def test_the_size_cap_holds_while_reading_not_only_by_the_size_recorded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "lon.xlsx"
    path.write_bytes(b"PK\x03\x04" + bytes(5_000))
    real = os.fstat

    def understated(fd: int) -> os.stat_result:
        info = list(real(fd))
        info[6] = 10  # st_size: a file that grows, or a system that does not know
        return os.stat_result(info)

    monkeypatch.setattr(intake.os, "fstat", understated)
    read = read_regular_file(path, 1_000)
    assert isinstance(read, str) and read.startswith("Tệp quá lớn")
    data = read_regular_file(path, 10_000)
    assert not isinstance(data, str) and len(data[0]) == 5_004


# --- what leaves intake can be stored, and the change is noted ------------------------------


@pytest.mark.skipif(os.name != "posix", reason="file names of raw bytes are POSIX")
def test_odd_names_and_control_characters_reach_a_master_that_saves(
    snv: bytes, tmp_path: Path
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    kinds = {n: (d, a) for n, d, a, _ in hostile_returns(snv)}
    for name in ("ky-tu-dieu-khien.xlsx", "ten-tep-\x01-dieu-khien.xlsx"):
        (folder / name).write_bytes(kinds[name][0])
    (folder / os.fsdecode(b"sai-ma-\xff.xlsx")).write_bytes(snv)
    outcomes = intake_folder(folder, KEY, PLAN_ID, limits=CORPUS_LIMITS)
    assert all(o.accepted for o in outcomes)
    found = {o.name: o for o in outcomes}
    assert set(found) == {
        "ky-tu-dieu-khien.xlsx",
        "sai-ma-\ufffd.xlsx",
        "ten-tep-\ufffd-dieu-khien.xlsx",
    }
    control = found["ky-tu-dieu-khien.xlsx"]
    difficulties = {r.row: r.values[ex.DIFFICULTIES_KEY] for r in control.rows}
    assert difficulties[5] == "Thiếu\ufffd kinh phí"
    assert f"ô {COL[ex.DIFFICULTIES_KEY]}5" in control.note
    assert "tên tệp" in found["sai-ma-\ufffd.xlsx"].note

    wb = Workbook()
    write_progress_sheets(wb)
    values = {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}
    collection = plan_collection(state_from_values(values), outcomes, datetime(2023, 12, 1))
    # The three are Sở Nội vụ's: the cleaned text is among the run's changes either way.
    assert any("Thiếu\ufffd kinh phí" in c.cells() for c in collection.changes)
    apply_to_workbook(wb, collection.edits())
    wb.save(tmp_path / "master.xlsx")  # IllegalCharacterError before the cleaning
    back = load_workbook(tmp_path / "master.xlsx")
    listed = [
        r for r in back[pl.INTAKE_SHEET].iter_rows(min_row=pl.FIRST_DATA_ROW, values_only=True)
    ]
    notes = {r[1]: r[4] for r in listed if r[1]}
    assert f"thay bằng «\ufffd» (ô {COL[ex.DIFFICULTIES_KEY]}5)" in notes["ky-tu-dieu-khien.xlsx"]
    assert set(notes) == set(found)


def test_a_reason_quoting_the_file_is_short_and_on_one_line(snv: bytes) -> None:
    kinds = {n: d for n, d, _, _ in hostile_returns(snv)}
    for name in ("tinh-trang-rat-dai.xlsx", "chuoi-chung-am.xlsx", "thieu-dinh-dang.xlsx"):
        out = intake_bytes(kinds[name], name, KEY, PLAN_ID)
        assert not out.accepted and len(out.reason) < 400 and "\n" not in out.reason
        assert "Error" not in out.reason and "Unable" not in out.reason


def test_a_sound_shared_string_table_is_read(snv: bytes) -> None:
    from returns_corpus import with_shared_string

    data = with_shared_string(snv, f"{COL[ex.DIFFICULTIES_KEY]}5", "0")
    out = intake_bytes(data, "x.xlsx", KEY, PLAN_ID)
    assert out.accepted, out.reason
    assert {r.row: r.values[ex.DIFFICULTIES_KEY] for r in out.rows}[5] == "Thiếu kinh phí"


def test_intake_file_outside_its_root_still_gets_an_outcome(snv: bytes, tmp_path: Path) -> None:
    (tmp_path / "a.xlsx").write_bytes(snv)
    out = intake_file(tmp_path / "a.xlsx", tmp_path / "khac", KEY, PLAN_ID)
    assert out.accepted and out.name.endswith("a.xlsx")


def test_many_changed_rows_are_counted_not_all_listed(snv: bytes) -> None:
    from kehoach.extract.signing import key_id, row_digest, signature, verify_rows

    tasks = tuple((f"NV{i}", row_digest(KEY, [f"hàng {i}"])) for i in range(40))
    fields = {
        ex.META_FORMAT: ex.FORMAT_VERSION,
        ex.META_PLAN: PLAN_ID,
        ex.META_KEY_ID: key_id(KEY),
        ex.META_FIRST_ROW: str(ex.FIRST_DATA_ROW),
    }
    fields[ex.META_SIGNATURE] = signature(KEY, fields, tasks)
    result = verify_rows(ExtractMeta(fields, tasks), [["khác"]] * 40, KEY)
    assert len(result.changed_rows) == 40
    (problem,) = result.problems
    assert problem.endswith("dòng 4, 5, 6, 7, 8, 9, 10, 11, 12, 13 và 30 dòng khác.")


@pytest.mark.skipif(os.name != "posix", reason="a carriage return in a file name")
def test_a_name_with_a_carriage_return_is_listed_as_the_workbook_reads_it_back(
    snv: bytes, tmp_path: Path
) -> None:
    (tmp_path / "a\rb.xlsx").write_bytes(snv)
    (out,) = intake_folder(tmp_path, KEY, PLAN_ID)
    assert out.accepted and out.name == "a\nb.xlsx" and out.note == ""


def test_a_zip_entry_flagged_utf8_whose_name_is_not_is_a_damaged_file(snv: bytes) -> None:
    data = bytearray(snv)
    entry = data.rfind(b"PK\x01\x02")  # the last entry of the central directory
    data[entry + 9] |= 0x08  # general purpose flag bit 11: the name is UTF-8
    data[entry + 46] = 0x80  # its name's first byte
    out = intake_bytes(bytes(data), "x.xlsx", KEY, PLAN_ID)
    assert out.reason == why.CORRUPTED.format(detail="tên thành phần sai mã")
