"""A property-based fuzzer of intake: a real signed return, mutated as a careless or hostile
agency (or a broken mail client) would: any hidden value or input cell set to any text
(control characters, lone surrogates, characters beyond the BMP) or number; rows and columns
deleted, inserted or swapped; random bytes of any zip member or of the file changed; the file
truncated; its name any Unicode, or bytes that are not UTF-8.

Properties: intake never raises and gives one outcome per file; no mutation reaches a bug
(``intake_reasons.PROGRAM_ERROR``); every text of an outcome can be stored in a workbook;
a rejection has a reason and no rows; over a folder, the master the collection writes opens
again and its TienDo holds nothing from a rejected file. Bounded (``max_examples``, no
deadline) so that the module runs in well under a minute.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from datetime import datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import MergedCell

from extract_support import KEY
from kehoach.collect import reasons as why
from kehoach.collect.history_file import read_history, write_history
from kehoach.collect.intake import intake_bytes, intake_folder
from kehoach.collect.returns import FileOutcome
from kehoach.collect.run import plan_collection
from kehoach.common.untrusted_text import storable
from kehoach.sheets import extract_layout as ex
from kehoach.sheets import progress_layout as pl
from kehoach.sheets.edits import apply_to_workbook
from kehoach.state.master import state_from_values
from kehoach.workbook.master import write_progress_sheets
from returns_corpus import (
    CORPUS_LIMITS,
    META_XML,
    PLAN_ID,
    TASKS_XML,
    edit,
    extracts,
    good_snv,
    rewrite_part,
)

# KEHOACH_FUZZ_EXAMPLES=2000 for a longer run by hand.
EXAMPLES = int(os.environ.get("KEHOACH_FUZZ_EXAMPLES", "40"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
_PROGRAM_ERROR = why.PROGRAM_ERROR.split("(", 1)[0]
_INPUT_LETTERS = [ex.CURRENT.letter(c.key) for c in ex.INPUT_COLUMNS]


@pytest.fixture(scope="module")
def snv(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return good_snv(extracts(tmp_path_factory.mktemp("extracts")))


# --- mutations -----------------------------------------------------------------------------


def _xml_text(text: str) -> str:
    """``text`` for an XML element: what XML cannot hold written as OOXML's ``_xHHHH_``
    (the readers decode it back into the character)."""
    out = []
    for char in text:
        if char in "&<>":
            out.append({"&": "&amp;", "<": "&lt;", ">": "&gt;"}[char])
        elif storable(char)[1] or char == "\r":
            out.append(f"_x{ord(char):04X}_")
        else:
            out.append(char)
    return "".join(out)


def _cell_xml(ref: str, value: str | float) -> str:
    if isinstance(value, str):
        text = _xml_text(value)
        return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'
    return f'<c r="{ref}"><v>{value!r}</v></c>'


def _set_cell(xml: str, ref: str, value: str | float) -> str:
    """``xml`` (a sheet part) with cell ``ref`` replaced, or added to its row."""
    cell = _cell_xml(ref, value)
    found = re.search(rf'<c r="{ref}"(?:[^>]*/>|[^>]*>.*?</c>)', xml)
    if found:
        return xml[: found.start()] + cell + xml[found.end() :]
    row = re.search(rf'<row r="{ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")}"[^>]*>', xml)
    if row:
        return xml[: row.end()] + cell + xml[row.end() :]
    return xml


_TEXT = st.text(
    alphabet=st.characters(codec=None, exclude_categories=()),  # control, surrogate, non-BMP
    max_size=60,
)
_VALUE = st.one_of(
    _TEXT,
    st.integers(min_value=-(10**12), max_value=10**12).map(float),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["", " ", "4", "٤", "²", "9" * 40, "-1", "1e999", "#N/A", "Hoàn thành"]),
)


@st.composite
def meta_change(draw: st.DrawFn) -> tuple[str, Any]:
    row = draw(st.integers(min_value=1, max_value=ex.META_TASKS_ROW + 3))
    col = draw(st.sampled_from(["A", "B"]))
    return f"{col}{row}", draw(_VALUE)


@st.composite
def input_change(draw: st.DrawFn) -> tuple[str, Any]:
    row = draw(st.integers(min_value=ex.HEADER_ROW, max_value=ex.FIRST_DATA_ROW + 8))
    return f"{draw(st.sampled_from(_INPUT_LETTERS))}{row}", draw(_VALUE)


def _with_cell(data: bytes, part: str, ref: str, value: Any) -> bytes:
    return rewrite_part(data, part, lambda xml: _set_cell(xml, ref, value))


def _swap(a: Any, b: Any) -> None:
    # The covered cells of a merged range (the legend in row 2) hold no value to swap.
    if not isinstance(a, MergedCell) and not isinstance(b, MergedCell):
        a.value, b.value = b.value, a.value


def _structural(data: bytes, kind: str, at: int, other: int) -> bytes:
    def change(wb: Workbook) -> None:
        ws = wb[ex.TASKS_SHEET]
        if kind == "delete_rows":
            ws.delete_rows(at)
        elif kind == "insert_rows":
            ws.insert_rows(at)
        elif kind == "delete_cols":
            ws.delete_cols(at)
        elif kind == "insert_cols":
            ws.insert_cols(at)
        elif kind == "swap_rows":
            for col in range(1, len(ex.COLUMNS) + 1):
                _swap(ws.cell(at, col), ws.cell(other, col))
        else:  # swap_cols
            for row in range(1, ex.FIRST_DATA_ROW + 10):
                _swap(ws.cell(row, at), ws.cell(row, other))

    return edit(data, change)


def _corrupt_member(data: bytes, index: int, position: int, byte: int) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    infos = src.infolist()
    target = infos[index % len(infos)]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in infos:
            body = src.read(info)
            if info is target and body:
                at = position % len(body)
                body = body[:at] + bytes([byte]) + body[at + 1 :]
            dst.writestr(info, body)
    return out.getvalue()


@st.composite
def mutated(draw: st.DrawFn, good: bytes) -> bytes:
    kind = draw(
        st.sampled_from(["meta", "input", "structure", "member", "bytes", "truncate", "none"])
    )
    if kind == "meta":
        ref, value = draw(meta_change())
        return _with_cell(good, META_XML, ref, value)
    if kind == "input":
        data = good
        for ref, value in draw(st.lists(input_change(), min_size=1, max_size=3)):
            data = _with_cell(data, TASKS_XML, ref, value)
        return data
    if kind == "structure":
        how = draw(
            st.sampled_from(
                [
                    "delete_rows",
                    "insert_rows",
                    "delete_cols",
                    "insert_cols",
                    "swap_rows",
                    "swap_cols",
                ]
            )
        )
        at = draw(st.integers(min_value=1, max_value=24))
        return _structural(good, how, at, draw(st.integers(min_value=1, max_value=24)))
    if kind == "member":
        return _corrupt_member(
            good,
            draw(st.integers(min_value=0, max_value=20)),
            draw(st.integers(min_value=0, max_value=10**6)),
            draw(st.integers(min_value=0, max_value=255)),
        )
    if kind == "bytes":
        data = bytearray(good)
        for _ in range(draw(st.integers(min_value=1, max_value=8))):
            data[draw(st.integers(min_value=0, max_value=len(data) - 1))] = draw(
                st.integers(min_value=0, max_value=255)
            )
        return bytes(data)
    if kind == "truncate":
        return good[: draw(st.integers(min_value=0, max_value=len(good) - 1))]
    return good


_NAME_BYTES = st.binary(min_size=1, max_size=40).map(
    lambda b: b.replace(b"/", b"_").replace(b"\x00", b"_").lstrip(b".~") or b"x"
)


def _file_name(raw: bytes | str) -> str:
    """A name for the folder: raw bytes as Linux keeps them (surrogates in Python), or text."""
    name = os.fsdecode(raw) if isinstance(raw, bytes) else raw
    return (name.replace("/", "_").replace("\x00", "_").lstrip(".~") or "x")[:60] + ".xlsx"


_NAME = st.one_of(
    _NAME_BYTES if os.name == "posix" else st.just("x"),
    st.text(alphabet=st.characters(exclude_categories=("Cs",)), min_size=1, max_size=40),
)


# --- properties ----------------------------------------------------------------------------


def _check(outcome: FileOutcome) -> None:
    assert _PROGRAM_ERROR not in outcome.reason, outcome.reason
    texts = [outcome.name, outcome.reason, outcome.note, outcome.agency, outcome.generated_at]
    for report in outcome.rows:
        texts.append(report.task_id)
        texts.extend(v for v in report.values.values() if isinstance(v, str))
    assert all(storable(t)[1] == 0 for t in texts)
    if outcome.accepted:
        assert not outcome.reason and outcome.rows
    else:
        assert outcome.reason and not outcome.rows
        assert len(outcome.reason) < 2_000


@FUZZ
@given(data=st.data())
def test_any_mutation_gets_one_sound_outcome(snv: bytes, data: st.DataObject) -> None:
    mutant = data.draw(mutated(snv))
    _check(intake_bytes(mutant, "x.xlsx", KEY, PLAN_ID, CORPUS_LIMITS))


@FUZZ
@given(data=st.data())
def test_any_file_name_gets_one_outcome_that_a_workbook_holds(
    snv: bytes, data: st.DataObject, tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = tmp_path_factory.mktemp("names")
    name = _file_name(data.draw(_NAME))
    try:
        (folder / name).write_bytes(snv)
    except (OSError, UnicodeEncodeError):  # a name this file system refuses
        return
    outcomes = intake_folder(folder, KEY, PLAN_ID, limits=CORPUS_LIMITS)
    if name.startswith("~$") or name.casefold() in ("thumbs.db", "desktop.ini"):
        return
    assert len(outcomes) == 1
    _check(outcomes[0])
    assert outcomes[0].accepted
    assert outcomes[0].name == storable(name)[0]


@settings(FUZZ, max_examples=max(EXAMPLES // 5, 8))
@given(data=st.data())
def test_a_folder_of_mutants_collects_into_a_master_that_opens(
    snv: bytes, data: st.DataObject, tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = tmp_path_factory.mktemp("folder")
    (folder / "tot.xlsx").write_bytes(snv)
    for i in range(3):
        name = _file_name(data.draw(_NAME)) if i == 0 else f"dot-bien-{i}.xlsx"
        try:
            (folder / f"{i}-{name}").write_bytes(data.draw(mutated(snv)))
        except (OSError, UnicodeEncodeError):
            continue
    outcomes = intake_folder(folder, KEY, PLAN_ID, limits=CORPUS_LIMITS)
    for outcome in outcomes:
        _check(outcome)
    assert "tot.xlsx" in {o.name for o in outcomes if o.accepted}

    wb = Workbook()
    write_progress_sheets(wb)
    values = {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}
    when = datetime(2023, 12, 1, 8, 0)
    collection = plan_collection(state_from_values(values), outcomes, when)
    master = folder.parent / f"{folder.name}-master.xlsx"
    history = write_history((c.cells() for c in collection.changes), master, when)
    apply_to_workbook(wb, collection.edits())
    wb.save(master)
    back = load_workbook(master)
    file_column = [c.key for c in pl.PROGRESS_COLUMNS].index("file")
    files = {
        r[file_column]
        for r in back[pl.PROGRESS_SHEET].iter_rows(min_row=pl.FIRST_DATA_ROW, values_only=True)
        if any(v is not None for v in r)
    }
    assert files and files <= {o.name for o in outcomes if o.accepted}
    listed = [
        r[1]
        for r in back[pl.INTAKE_SHEET].iter_rows(min_row=pl.FIRST_DATA_ROW, values_only=True)
        if r[1] is not None
    ]
    assert sorted(listed) == sorted(o.name for o in outcomes)
    if history:
        assert read_history(master.parent / history)


def test_the_mutations_do_reject(snv: bytes) -> None:
    """The fuzzer's mutations are real: a changed signature, a deleted column, a truncated
    file are each rejected (so an always-accepting intake would fail above)."""
    signature_row = 1 + ex.META_KEYS.index(ex.META_SIGNATURE)
    for mutant in (
        _with_cell(snv, META_XML, f"B{signature_row}", "é" * 64),
        _structural(snv, "delete_cols", 16, 0),
        snv[: len(snv) // 3],
    ):
        assert not intake_bytes(mutant, "x.xlsx", KEY, PLAN_ID, CORPUS_LIMITS).accepted
