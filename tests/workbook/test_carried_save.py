"""The verbs that write the master but not its collected sheets leave those sheets' data rows
out of their load and splice them back on save (``kehoach.sheets.carried``,
``kehoach.workbook.splice``): on a master after a full round of returns, the result is the
workbook a full load and save gives, the collected cells unchanged, the VBA and ribbon kept."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest

from carried_support import (
    cells,
    collected_round,
    sheet_parts,
    slow_path,
    with_shared_strings,
)
from kehoach.cli import main
from kehoach.common.errors import WorkbookError
from kehoach.sheets import progress_layout as pl
from kehoach.sheets.carried import carried_of
from kehoach.state.master import read_state, state_for_writing
from kehoach.workbook.xlsm import package_problems, save_xlsm, vba_modules
from lo_support import SOFFICE, soffice_convert

COLLECTED = list(pl.COLLECTED_SHEETS)
GENERATED = "2023-07-01T08:00:00"
VERBS: dict[str, list[str]] = {
    "summary --write": ["summary", "{}", "--as-of", "2023-12-31", "--write"],
    "check --write": ["check", "{}", "--write"],
    "gaps --write": ["gaps", "{}", "--write"],
}


@pytest.fixture(scope="module")
def collected(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return collected_round(tmp_path_factory.mktemp("round"))


def copy(src: Path, folder: Path, name: str) -> Path:
    (folder / name).mkdir()
    return Path(shutil.copy2(src, folder / name / src.name))


def run(verb: str, path: Path) -> None:
    assert main([a.format(path) for a in VERBS[verb]]) in (0, 1)


def test_a_collected_master_has_rows_worth_carrying(collected: Path) -> None:
    state = read_state(collected, sheets=COLLECTED)
    assert len(state.register(pl.PROGRESS_SHEET)) > 3000
    assert len(state.register(pl.HISTORY_SHEET)) > 40


def test_the_load_leaves_the_collected_rows_out_and_the_state_is_the_same(
    collected: Path,
) -> None:
    wb, state = state_for_writing(collected)
    carried = carried_of(wb)
    assert carried is not None and {s.name for s in carried.sheets} == set(COLLECTED)
    for sheet in COLLECTED:  # openpyxl made no cell of their data rows
        assert wb[sheet].max_row == pl.FIRST_DATA_ROW - 1, sheet
    full_wb, full = state_for_writing(collected, carry=None)
    assert carried_of(full_wb) is None and full_wb[pl.PROGRESS_SHEET].max_row > 3000
    assert dict(state.sheets) == dict(full.sheets)
    assert list(state.sheets) == list(full.sheets)  # the workbook's order
    read = read_state(collected, sheets=COLLECTED)
    for sheet in COLLECTED:
        assert state.sheets[sheet] == read.sheets[sheet]
    assert dict(state.names) == dict(full.names)


@pytest.mark.parametrize("verb", list(VERBS))
def test_a_verb_writes_the_workbook_a_full_load_writes(
    verb: str, collected: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast = copy(collected, tmp_path, "fast")
    slow = copy(collected, tmp_path, "slow")
    run(verb, fast)
    with slow_path(monkeypatch):
        run(verb, slow)
    fast_parts, slow_parts = sheet_parts(fast), sheet_parts(slow)
    assert list(fast_parts) == list(slow_parts)
    for sheet in fast_parts:  # every sheet the same bytes, the carried ones included
        assert fast_parts[sheet] == slow_parts[sheet], sheet
    with zipfile.ZipFile(fast) as f, zipfile.ZipFile(slow) as s:
        assert sorted(f.namelist()) == sorted(s.namelist())
        for name in f.namelist():
            if name != "docProps/core.xml":  # its modified time
                assert f.read(name) == s.read(name), name
    assert package_problems(fast, reference=collected) == []


def test_summary_write_keeps_every_collected_cell_and_its_look(
    collected: Path, tmp_path: Path
) -> None:
    path = copy(collected, tmp_path, "m")
    run("summary --write", path)
    assert cells(path, COLLECTED) == cells(collected, COLLECTED)
    assert read_state(path).sheets.keys() == read_state(collected).sheets.keys()
    assert package_problems(path, reference=collected) == []
    assert vba_modules(path) == vba_modules(collected)


@pytest.fixture
def carrying(monkeypatch: pytest.MonkeyPatch) -> list[set[str]]:
    """The sheets each load of the run left the data rows of out, one set per load."""
    import kehoach.sheets.carried as carried_module

    real = carried_module.load_carrying
    loads: list[set[str]] = []

    def spy(path: Path, carry: Any, **kwargs: Any) -> Any:
        wb, carried = real(path, carry, **kwargs)
        loads.append({s.name for s in carried.sheets})
        return wb, carried

    monkeypatch.setattr(carried_module, "load_carrying", spy)
    return loads


def test_mail_and_extract_carry_the_collected_sheets(
    collected: Path, tmp_path: Path, carrying: list[set[str]]
) -> None:
    from kehoach.sheets import extract_layout as ex
    from kehoach.sheets import mail_layout as ml

    path = copy(collected, tmp_path, "m")
    files = collected.parent / "work" / "GuiCoQuan"
    assert main(["mail", str(path), "--files", str(files), "--eml-dir", str(tmp_path / "eml")]) == 0
    out = tmp_path / "GuiCoQuan"
    assert main(["extract", str(path), "--out", str(out), "--generated-at", GENERATED]) == 0
    assert carrying == [set(COLLECTED), set(COLLECTED)]  # mail's load, extract's manifest
    assert cells(path, COLLECTED) == cells(collected, COLLECTED)
    state = read_state(path)
    assert len(state.register(ml.LOG_SHEET)) == len(list((tmp_path / "eml").glob("*.eml"))) > 0
    assert len(state.register(ex.MANIFEST_SHEET)) == len(list(out.glob("*.xlsx"))) > 0
    assert package_problems(path, reference=collected) == []


def test_the_shared_strings_of_a_master_saved_by_excel_are_kept(
    collected: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Excel keeps strings in a table the rows refer to by index; openpyxl writes its own
    inline: the table goes over with the rows, and the sheets openpyxl rewrote read the same."""
    sheets = [pl.PROGRESS_SHEET, pl.HISTORY_SHEET, "Nhiệm vụ"]
    excel = with_shared_strings(collected, tmp_path / "excel.xlsm", sheets)
    assert cells(excel) == cells(collected)  # the same workbook, strings stored otherwise
    fast = copy(excel, tmp_path, "fast")
    slow = copy(excel, tmp_path, "slow")
    run("summary --write", fast)
    with slow_path(monkeypatch):
        run("summary --write", slow)
    assert cells(fast) == cells(slow)
    assert cells(fast, COLLECTED) == cells(collected, COLLECTED)
    with zipfile.ZipFile(fast) as z:
        progress = next(p for n, p in _parts(z).items() if n == pl.PROGRESS_SHEET)
        assert b't="s"' in z.read(progress)  # the rows still refer to the table
        assert z.read("xl/sharedStrings.xml") == zipfile.ZipFile(excel).read("xl/sharedStrings.xml")
    assert package_problems(fast, reference=excel) == []


def _parts(z: zipfile.ZipFile) -> dict[str, str]:
    from kehoach.sheets.carried import package_sheets

    return package_sheets(z)


def test_a_sheet_that_cannot_be_carried_is_loaded_in_full(collected: Path, tmp_path: Path) -> None:
    """A hyperlink in TienDo's data rows: openpyxl binds it to its cell, so TienDo is loaded
    and written in full; LichSu is still carried. The link and every cell survive."""
    path = copy(collected, tmp_path, "m")
    wb, _ = state_for_writing(path, carry=None)
    wb[pl.PROGRESS_SHEET]["O10"].hyperlink = "https://sonoivu.backan.gov.vn/"
    save_xlsm(wb, path, backup_dir=tmp_path / "backup")
    before = cells(path, COLLECTED)
    wb, _ = state_for_writing(path)
    carried = carried_of(wb)
    assert carried is not None
    assert {s.name for s in carried.sheets} == {pl.HISTORY_SHEET, pl.INTAKE_SHEET}
    assert "hyperlinks" in carried.refused[pl.PROGRESS_SHEET]
    assert wb[pl.PROGRESS_SHEET].max_row > 3000
    run("summary --write", path)
    assert cells(path, COLLECTED) == before
    from openpyxl import load_workbook

    link = load_workbook(path)[pl.PROGRESS_SHEET]["O10"].hyperlink
    assert link is not None and link.target == "https://sonoivu.backan.gov.vn/"


def test_an_edit_into_carried_rows_is_refused_and_nothing_written(
    collected: Path, tmp_path: Path
) -> None:
    path = copy(collected, tmp_path, "m")
    data = path.read_bytes()
    wb, _ = state_for_writing(path)
    wb[pl.PROGRESS_SHEET]["A10"] = "ghi nhầm"
    with pytest.raises(WorkbookError, match="dòng 10 của trang «TienDo»"):
        save_xlsm(wb, path, backup_dir=tmp_path / "backup")
    assert path.read_bytes() == data
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary left


def test_a_master_changed_since_the_load_is_not_overwritten(
    collected: Path, tmp_path: Path
) -> None:
    path = copy(collected, tmp_path, "m")
    wb, _ = state_for_writing(path)
    wb[pl.SUMMARY_SHEET]["A1"] = "Tổng hợp"
    other, _ = state_for_writing(path, carry=None)  # another program saves it meanwhile
    other["Cài đặt"]["C1"] = "sửa trong lúc chờ"
    save_xlsm(other, path, backup_dir=tmp_path / "backup")
    saved = path.read_bytes()
    with pytest.raises(WorkbookError, match="đã bị thay đổi từ lúc đọc"):
        save_xlsm(wb, path, backup_dir=tmp_path / "backup")
    assert path.read_bytes() == saved


@pytest.mark.libreoffice
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_reads_the_spliced_rows(collected: Path, tmp_path: Path) -> None:
    """After summary --write on a master saved by Excel (shared strings) and on one saved by
    openpyxl (inline strings), LibreOffice opens the file and reads TienDo as it was."""
    excel = with_shared_strings(collected, tmp_path / "excel.xlsm", [pl.PROGRESS_SHEET])
    sources = []
    for name, src in (("inline", collected), ("shared", excel)):
        path = copy(src, tmp_path, name)
        run("summary --write", path)
        sources.append(Path(shutil.copy2(path, tmp_path / f"{name}.xlsx")))
    (out := tmp_path / "lo").mkdir()
    converted = soffice_convert(sources, "xlsx", out, tmp_path / "profile")
    expected = _values(collected)
    for path in converted:
        assert _values(path) == expected, path.name


def _values(path: Path) -> list[list[Any]]:
    from openpyxl import load_workbook

    ws = load_workbook(path, read_only=True)[pl.PROGRESS_SHEET]
    return [
        [v for v in row]
        for row in ws.iter_rows(min_row=pl.FIRST_DATA_ROW, values_only=True)
        if any(v is not None for v in row)
    ]
