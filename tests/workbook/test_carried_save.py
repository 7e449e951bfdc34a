"""The verbs that write the master load only the sheets their edits touch: every other
sheet's data rows are left out of the load and spliced back on save (``load_for_edits``,
``kehoach.sheets.carried``, ``kehoach.workbook.splice``). On a master after a full round of
returns, the result is the workbook a full load and save gives, the cells of the sheets the
verb does not write unchanged, the VBA and ribbon kept."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest

from carried_support import (
    assert_kept_or_rewritten_alike,
    cells,
    collected_round,
    sheet_parts,
    slow_path,
    with_excel_rows,
    with_shared_strings,
)
from kehoach.cli import main
from kehoach.common.errors import WorkbookError
from kehoach.sheets import progress_layout as pl
from kehoach.sheets.carried import carried_of, package_sheets
from kehoach.sheets.edits import WriteValues
from kehoach.sheets.sheetdata import load_for_writing
from kehoach.state.master import load_for_edits, read_state
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


def test_a_load_for_edits_leaves_out_the_rows_of_every_sheet_they_do_not_touch(
    collected: Path,
) -> None:
    edits = [WriteValues(pl.SUMMARY_SHEET, "A1", [["Tổng hợp"]])]
    wb = load_for_edits(collected, edits)
    carried = carried_of(wb)
    assert carried is not None
    names = {s.name for s in carried.sheets}
    assert pl.SUMMARY_SHEET not in names and pl.SUMMARY_SHEET not in carried.refused
    # every other sheet is carried, or loaded in full with the reason
    assert names | set(carried.refused) == set(wb.sheetnames) - {pl.SUMMARY_SHEET}
    assert {*COLLECTED, "PL1", "PL2", "PL3", "PL4", "Nhiệm vụ"} <= names
    for sheet in names:  # openpyxl made no cell of their data rows
        assert wb[sheet].max_row < pl.FIRST_DATA_ROW, sheet
    assert wb[pl.PROGRESS_SHEET].max_row == pl.FIRST_DATA_ROW - 1
    assert load_for_writing(collected)[pl.PROGRESS_SHEET].max_row > 3000


@pytest.mark.parametrize("verb", list(VERBS))
def test_a_verb_writes_the_workbook_a_full_load_writes(
    verb: str, collected: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every cell the same value and look as after a full load and save; a sheet the verb
    does not write is the full load's bytes or, carried, has the original's data rows (which
    keep their style indices where a full load maps two equal styles to one of them)."""
    fast = copy(collected, tmp_path, "fast")
    slow = copy(collected, tmp_path, "slow")
    run(verb, fast)
    with slow_path(monkeypatch):
        run(verb, slow)
    assert cells(fast) == cells(slow)
    original, fast_parts, slow_parts = (sheet_parts(p) for p in (collected, fast, slow))
    assert list(fast_parts) == list(slow_parts)
    for sheet in fast_parts:
        assert_kept_or_rewritten_alike(original, fast_parts, slow_parts, sheet)
    with zipfile.ZipFile(fast) as f, zipfile.ZipFile(slow) as s:
        assert sorted(f.namelist()) == sorted(s.namelist())
        sheets = set(package_sheets(f).values())
        for name in f.namelist():
            if name != "docProps/core.xml" and name not in sheets:  # its modified time
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


def test_mail_and_extract_load_only_the_sheet_they_write(
    collected: Path, tmp_path: Path, carrying: list[set[str]]
) -> None:
    from kehoach.sheets import extract_layout as ex
    from kehoach.sheets import mail_layout as ml

    path = copy(collected, tmp_path, "m")
    files = collected.parent / "work" / "GuiCoQuan"
    assert main(["mail", str(path), "--files", str(files), "--eml-dir", str(tmp_path / "eml")]) == 0
    out = tmp_path / "GuiCoQuan"
    assert main(["extract", str(path), "--out", str(out), "--generated-at", GENERATED]) == 0
    assert len(carrying) == 2  # mail's load, extract's manifest
    for carried, written in zip(carrying, (ml.LOG_SHEET, ex.MANIFEST_SHEET), strict=True):
        assert written not in carried
        assert {*COLLECTED, "PL1", "PL2", "PL3", "PL4", "Nhiệm vụ", "Danh bạ cơ quan"} <= carried
    others = set(sheet_parts(collected)) - {ml.LOG_SHEET, ex.MANIFEST_SHEET}
    assert cells(path, others) == cells(collected, others)
    before, after = sheet_parts(collected), sheet_parts(path)
    for sheet in carrying[0] & carrying[1]:  # carried twice: its part as it was, byte for byte
        assert after[sheet] == before[sheet], sheet
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
        progress = next(p for n, p in package_sheets(z).items() if n == pl.PROGRESS_SHEET)
        assert b't="s"' in z.read(progress)  # the rows still refer to the table
        assert z.read("xl/sharedStrings.xml") == zipfile.ZipFile(excel).read("xl/sharedStrings.xml")
    assert package_problems(fast, reference=excel) == []


def test_a_sheet_that_cannot_be_carried_is_loaded_in_full(collected: Path, tmp_path: Path) -> None:
    """A hyperlink in TienDo's data rows: openpyxl binds it to its cell, so TienDo is loaded
    and written in full; LichSu is still carried. The link and every cell survive."""
    path = copy(collected, tmp_path, "m")
    wb = load_for_writing(path)
    wb[pl.PROGRESS_SHEET]["O10"].hyperlink = "https://sonoivu.backan.gov.vn/"
    save_xlsm(wb, path, backup_dir=tmp_path / "backup")
    before = cells(path, COLLECTED)
    wb = load_for_edits(path, [])
    carried = carried_of(wb)
    assert carried is not None
    assert {pl.HISTORY_SHEET, pl.INTAKE_SHEET} <= {s.name for s in carried.sheets}
    assert pl.PROGRESS_SHEET not in {s.name for s in carried.sheets}
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
    wb = load_for_edits(path, [])
    wb[pl.PROGRESS_SHEET]["A10"] = "ghi nhầm"
    with pytest.raises(WorkbookError, match="dòng 10 của trang «TienDo»"):
        save_xlsm(wb, path, backup_dir=tmp_path / "backup")
    assert path.read_bytes() == data
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary left


def test_a_master_changed_since_the_load_is_not_overwritten(
    collected: Path, tmp_path: Path
) -> None:
    path = copy(collected, tmp_path, "m")
    wb = load_for_edits(path, [WriteValues(pl.SUMMARY_SHEET, "A1", [["Tổng hợp"]])])
    wb[pl.SUMMARY_SHEET]["A1"] = "Tổng hợp"
    other = load_for_writing(path)  # another program saves it meanwhile
    other["Cài đặt"]["C1"] = "sửa trong lúc chờ"
    save_xlsm(other, path, backup_dir=tmp_path / "backup")
    saved = path.read_bytes()
    with pytest.raises(WorkbookError, match="đã bị thay đổi từ lúc đọc"):
        save_xlsm(wb, path, backup_dir=tmp_path / "backup")
    assert path.read_bytes() == saved


def test_a_master_changed_between_the_reading_and_the_write_is_not_written(
    collected: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """gaps --write computes from its reading of the master; another program saves the master
    before the verb loads it to write: the verb says so and writes nothing."""
    import kehoach.gaps.compute as gaps

    path = copy(collected, tmp_path, "m")
    real = gaps.compute_gaps

    def compute_then_changed(state: Any) -> Any:
        result = real(state)
        other = load_for_writing(path)
        other["Cài đặt"]["C1"] = "sửa trong lúc chờ"
        save_xlsm(other, path, backup_dir=tmp_path / "backup")
        return result

    monkeypatch.setattr(gaps, "compute_gaps", compute_then_changed)
    saved: list[bytes] = []
    monkeypatch.setattr(
        "kehoach.state.master._stamp",
        _recording_stamp(saved, path),
    )
    assert main(["gaps", str(path), "--write"]) == 2
    err = capsys.readouterr().err
    assert "đã bị thay đổi từ lúc đọc" in err and path.name in err
    assert path.read_bytes() == saved[-1]  # as the other program saved it
    assert read_state(path).sheets["Cài đặt"][0][2] == "sửa trong lúc chờ"


def _recording_stamp(saved: list[bytes], path: Path) -> Any:
    """The real stamp, recording the file's bytes each time it is taken."""
    from kehoach.sheets.carried import file_stamp

    def stamp(p: Path) -> tuple[int, int]:
        saved.append(path.read_bytes())
        return file_stamp(p)

    return stamp


@pytest.mark.parametrize("verb", ["gaps --write", "summary --write", "check --write"])
def test_a_verb_loads_in_full_only_the_sheets_it_writes(
    verb: str, collected: Path, tmp_path: Path, carrying: list[set[str]]
) -> None:
    path = copy(collected, tmp_path, "m")
    run(verb, path)
    [carried] = carrying
    written = {
        "gaps --write": {"Chênh lệch"},
        "summary --write": {pl.SUMMARY_SHEET},
        "check --write": {"KiemTra", "PL1", "PL2", "PL3", "PL4", "Nhiệm vụ"},  # highlights
    }[verb]
    assert not written & carried
    assert {*COLLECTED, "Danh bạ cơ quan", "Quy tắc", "Cài đặt"} <= carried
    others = set(sheet_parts(collected)) - written
    assert cells(path, others) == cells(collected, others)


def test_rich_text_in_a_sheet_the_verb_does_not_write_is_kept(
    collected: Path, tmp_path: Path
) -> None:
    """A task's text with a bold word (as Excel keeps it, in runs): a full load would keep the
    text and lose the bold; gaps --write does not load the tasks sheet's rows at all."""
    path = copy(collected, tmp_path, "m")
    with zipfile.ZipFile(path) as z:
        parts = {i.filename: z.read(i) for i in z.infolist()}
        part = package_sheets(z)["Nhiệm vụ"]
    plain = b'<c r="D10" s="'
    start = parts[part].index(plain)
    text_at = parts[part].index(b"<is><t>", start)
    end = parts[part].index(b"</t></is>", text_at)
    text = parts[part][text_at + len(b"<is><t>") : end]
    bold = '<r><rPr><b/></rPr><t xml:space="preserve">Quan trọng: </t></r>'.encode()
    rich = b"<is>" + bold + b"<r><t>" + text + b"</t></r></is>"
    parts[part] = parts[part][:text_at] + rich + parts[part][end + len(b"</t></is>") :]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    run("gaps --write", path)
    with zipfile.ZipFile(path) as z:
        after = z.read(package_sheets(z)["Nhiệm vụ"])
    assert rich in after
    assert read_state(path).sheets["Nhiệm vụ"][9][3] == "Quan trọng: " + text.decode()


@pytest.mark.parametrize("verb", ["gaps --write", "summary --write", "check --write"])
def test_a_master_saved_by_excel_stays_a_workbook_after_a_write(
    verb: str, collected: Path, tmp_path: Path
) -> None:
    """Excel writes ``x14ac:dyDescent`` on every row, its prefix declared on the sheet's root:
    the rows carried over keep it, and the part written declares it."""
    excel = with_excel_rows(collected, tmp_path / "excel.xlsm")
    path = copy(excel, tmp_path, "m")
    run(verb, path)
    assert cells(path, COLLECTED) == cells(collected, COLLECTED)  # it opens, rows as they were
    parts = sheet_parts(path)
    for sheet in ("Danh bạ cơ quan", pl.PROGRESS_SHEET):  # written by none of them
        assert b'x14ac:dyDescent="0.25"' in parts[sheet]
        assert b'xmlns:x14ac="http://schemas.microsoft.com/office/' in parts[sheet]
        assert b'mc:Ignorable="x14ac xr xr2 xr3"' in parts[sheet]
    assert package_problems(path, reference=excel) == []


def test_a_spliced_part_that_is_not_xml_is_refused_and_nothing_written(
    collected: Path, tmp_path: Path
) -> None:
    """Rows that use a prefix their part never declares: the save parses what it splices and
    writes nothing."""
    path = copy(collected, tmp_path, "m")
    with zipfile.ZipFile(path) as z:
        parts = {info.filename: z.read(info) for info in z.infolist()}
        part = package_sheets(z)["Nhiệm vụ"]
    parts[part] = parts[part].replace(b'<row r="5"', b'<row r="5" la:bi="1"', 1)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in parts.items():
            out.writestr(name, data)
    data = path.read_bytes()
    wb = load_for_edits(path, [WriteValues(pl.SUMMARY_SHEET, "A1", [["Tổng hợp"]])])
    wb[pl.SUMMARY_SHEET]["A1"] = "Tổng hợp"
    with pytest.raises(WorkbookError, match="«Nhiệm vụ» ghi ra không còn là XML hợp lệ"):
        save_xlsm(wb, path, backup_dir=tmp_path / "backup")
    assert path.read_bytes() == data


@pytest.mark.libreoffice
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_reads_the_spliced_rows(collected: Path, tmp_path: Path) -> None:
    """After summary --write on a master saved by Excel (shared strings; Excel's row
    attributes) and on one saved by openpyxl (inline strings), LibreOffice opens the file and
    reads TienDo as it was."""
    excel = with_shared_strings(collected, tmp_path / "excel.xlsm", [pl.PROGRESS_SHEET])
    rows = with_excel_rows(collected, tmp_path / "rows.xlsm")  # x14ac on every row
    sources = []
    for name, src in (("inline", collected), ("shared", excel), ("rows", rows)):
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
