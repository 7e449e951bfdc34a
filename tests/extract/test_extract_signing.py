"""The signing key in the master, canonical cell values, digests (kehoach.extract.signing)."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from kehoach.common.errors import WorkbookError
from kehoach.extract.signing import (
    RowDigests,
    canonical_value,
    key_edits,
    key_id,
    master_key,
    meta_from_rows,
    new_key,
    row_digest,
    signature,
    stored_key,
)
from kehoach.sheets import extract_layout as ex
from kehoach.sheets.edits import apply_to_workbook
from kehoach.sheets.sheetdata import workbook_values
from kehoach.state.master import state_from_values


def test_new_keys_are_random_and_32_bytes() -> None:
    keys = {new_key() for _ in range(20)}
    assert len(keys) == 20 and all(len(k) == 32 for k in keys)


def test_key_id_names_a_key_without_revealing_it() -> None:
    key = bytes(range(32))
    assert key_id(key) == key_id(bytes(range(32)))
    assert key_id(key) != key_id(bytes(range(1, 33)))
    assert len(key_id(key)) == 16 and key.hex()[:16] != key_id(key)


def test_key_round_trips_through_the_master(tmp_path: Path) -> None:
    key = new_key()
    wb = Workbook()
    apply_to_workbook(wb, key_edits(key))
    assert wb[ex.KEY_SHEET].sheet_state == "veryHidden"
    wb.save(tmp_path / "m.xlsx")
    assert load_workbook(tmp_path / "m.xlsx")[ex.KEY_SHEET].sheet_state == "veryHidden"
    assert master_key(state_from_values(workbook_values(tmp_path / "m.xlsx"))) == key


def test_no_key_sheet_means_no_key() -> None:
    assert master_key(state_from_values({"PL1": [[1]]})) is None


@pytest.mark.parametrize("damage", ["abc", None, "0" * 63, "g" * 64])
def test_a_damaged_key_names_its_cell(damage: Any) -> None:
    values = {ex.KEY_SHEET: [[ex.KEY_NOTE], [ex.KEY_LABEL, damage]]}
    with pytest.raises(WorkbookError) as err:
        master_key(state_from_values(values, file="m.xlsm"))
    assert f"trang tính '{ex.KEY_SHEET}', ô B2" in str(err.value)
    assert "backup" in str(err.value)


def test_a_key_sheet_without_key_row() -> None:
    with pytest.raises(WorkbookError, match=ex.KEY_LABEL):
        master_key(state_from_values({ex.KEY_SHEET: [["x"]]}))


def test_uppercase_hex_is_read() -> None:
    key = bytes(range(32))
    assert master_key(state_from_values({ex.KEY_SHEET: [[ex.KEY_LABEL, key.hex().upper()]]})) == key


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (2, 2.0),
        (2.0, "2"),  # a number and the text Excel might keep: the same canonical text
        (35.0829, 35.08290000000001),
        (date(2023, 12, 31), datetime(2023, 12, 31)),
        (None, ""),
        ("a\r\nb", "a\nb"),
    ],
)
def test_equal_after_a_round_trip(a: Any, b: Any) -> None:
    if isinstance(b, str) and b == "2":
        assert canonical_value(a) == "2"
    else:
        assert canonical_value(a) == canonical_value(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [(1, 2), ("chủ trì", "phối hợp"), (date(2023, 1, 1), date(2023, 1, 2)), (True, 1), ("", " ")],
)
def test_different_values_differ(a: Any, b: Any) -> None:
    assert canonical_value(a) != canonical_value(b)


def test_datetime_with_time_keeps_it() -> None:
    assert canonical_value(datetime(2023, 1, 1, 9, 30)) == "2023-01-01T09:30:00"


def test_digests_depend_on_key_and_cells() -> None:
    key = bytes(32)
    cells = [1, "PL1-TC-1.1/1", "chủ trì", 2.5, None]
    assert row_digest(key, cells) == row_digest(key, [1.0, "PL1-TC-1.1/1", "chủ trì", 2.5, ""])
    assert row_digest(key, cells) != row_digest(bytes([1] * 32), cells)
    assert row_digest(key, cells) != row_digest(key, [*cells[:2], "phối hợp", *cells[3:]])


def test_signature_covers_every_field_but_itself() -> None:
    key = bytes(32)
    meta = {ex.META_PLAN: "365/KH-UBND", ex.META_AGENCY: "SNV", ex.META_SIGNATURE: "x"}
    tasks = [("t1", "d1"), ("t2", "d2")]
    base = signature(key, meta, tasks)
    assert signature(key, {**meta, ex.META_SIGNATURE: "y"}, tasks) == base
    assert signature(key, {**meta, ex.META_AGENCY: "STP"}, tasks) != base
    assert signature(key, meta, list(reversed(tasks))) != base
    assert signature(key, meta, tasks[:1]) != base


def test_stored_key_reads_the_master_file(tmp_path: Path) -> None:
    assert stored_key(tmp_path / "none.xlsm") is None
    Workbook().save(tmp_path / "plain.xlsx")
    assert stored_key(tmp_path / "plain.xlsx") is None
    key = new_key()
    wb = Workbook()
    apply_to_workbook(wb, key_edits(key))
    wb.save(tmp_path / "m.xlsx")
    assert stored_key(tmp_path / "m.xlsx") == key


def test_the_committed_workbook_carries_no_key() -> None:
    """A key in the repository would let anyone sign agency workbooks."""
    root = Path(__file__).resolve().parents[2]
    assert stored_key(root / "workbook" / "KeHoach2023.xlsm") is None


@given(
    st.lists(
        st.one_of(
            st.none(),
            st.text(),
            st.floats(allow_nan=False, allow_infinity=False),
            st.integers(-(10**6), 10**6),
            st.booleans(),
            st.dates(),
        ),
        max_size=16,
    )
)
@example([])
@example(["Số 12/QĐ-UBND", 1.0, None, date(2023, 6, 8)])  # nothing to escape
@example(['trích "Kế hoạch"', "a\\b", "dòng 1\r\ndòng 2", "\x01", "\u2028"])
def test_the_row_digest_is_the_canonical_json_of_its_cells(cells: list[Any]) -> None:
    """row_digest writes the JSON by hand for speed: it must stay the bytes json.dumps writes,
    or every extract already sent stops verifying."""
    text = json.dumps(
        ["row", [canonical_value(v) for v in cells]],
        ensure_ascii=False,
        separators=(",", ":"),
        sort_keys=True,
    )
    key = bytes(range(32))
    assert row_digest(key, cells) == hmac.new(key, text.encode(), hashlib.sha256).hexdigest()


def test_metadata_read_by_a_reader_that_gives_floats() -> None:
    rows: list[list[Any]] = [[k, f"v-{k}"] for k in ex.META_KEYS]
    rows[ex.META_KEYS.index(ex.META_TASK_COUNT)][1] = 12.0  # a number typed over the text
    rows += [["", ""], list(ex.META_TASK_HEADERS), ["PL1-1", "ab"], ["", None], [3.0, None]]
    meta = meta_from_rows(rows)
    assert meta.fields[ex.META_TASK_COUNT] == "12"
    assert meta.tasks == (("PL1-1", "ab"), ("3", ""))


def test_remembered_rows_give_the_same_digests_and_tell_equal_values_of_other_types() -> None:
    key = bytes(range(32))
    digests = RowDigests(key, max_rows=2)
    one = [1.0, "PL1-TC-1.1/1", "chủ trì", None]
    assert digests(one) == row_digest(key, one)
    assert digests(one) == row_digest(key, one)  # remembered
    # 1.0 == 1 == True in Python: a TRUE typed over a 1 must not pass as the signed row.
    forged = [True, *one[1:]]
    assert digests(forged) == row_digest(key, forged) != row_digest(key, one)
    assert digests([0.0, "x"]) == row_digest(key, [0.0, "x"])  # full: starts afresh
    assert digests([False, "x"]) == row_digest(key, [False, "x"])
    assert len(digests) <= 2
