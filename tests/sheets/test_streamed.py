"""Edits to the data rows of a sheet loaded to be written streamed (``load_carrying``'s
``streamed``): kept for the save (``edits.defer``), written by ``kehoach.sheets.streamed`` and
spliced in. On a small register, wherever the part's chunks break, the workbook is the one a
full load, the same edits and a save give."""

from __future__ import annotations

import shutil
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.styles import Alignment, PatternFill
from test_carried import FIRST, sample

from carried_support import cells
from kehoach.common.errors import WorkbookError
from kehoach.sheets import carried as carried_module
from kehoach.sheets import streamed as streamed_module
from kehoach.sheets.carried import carried_of, load_carrying, package_sheets
from kehoach.sheets.edits import ClearRows, Edit, Fill, WriteValues, apply_to_workbook
from kehoach.sheets.sheetdata import load_for_writing
from kehoach.workbook.xlsm import save_xlsm

LONG = "Báo cáo kết quả thực hiện nhiệm vụ cải cách hành chính " * 4
NOTE = "ghi chú của chuyên viên"


def with_notes(ws: Any) -> None:
    """An official's note beside the table (column G), wrapped text in column B, and a
    formatted empty row below the data (row 45)."""
    ws.cell(FIRST + 2, 7, NOTE)
    for row in range(FIRST, FIRST + 40):
        ws.cell(row, 2).alignment = Alignment(wrap_text=True, vertical="top")
    ws.cell(FIRST + 41, 3).fill = PatternFill("solid", fgColor="DDEBF7")
    ws.row_dimensions[FIRST + 41].height = 40


def rewrite_table() -> list[Edit]:
    """TienDo's edits: a shorter table written over the rows, the rows below it cleared."""
    rows: list[list[Any]] = [
        [f"MỚI{n:03d}", LONG if n % 4 == 0 else f"Cơ quan {n}", n, date(2024, 1, 1 + n)]
        for n in range(30)
    ]
    rows[5] = ["=SUM(A1:A2)", "+84 912", None, datetime(2024, 2, 3, 8, 30)]
    return [
        WriteValues("So", f"A{FIRST}", rows),
        ClearRows("So", FIRST + len(rows), last_column=4),
        Fill("TongHop", "A1", "FFFF00"),
    ]


def append_receipts() -> list[Edit]:
    """LichSu's edits: rows appended below the last one, one of them over the formatted
    empty row 45."""
    rows = [[f"BN{n}", f"Tệp {n}.xlsx", n, date(2024, 3, 1)] for n in range(5)]
    return [WriteValues("So", f"A{FIRST + 40}", rows)]


def save_both(path: Path, tmp_path: Path, edits: list[Edit]) -> tuple[Path, Path, set[str]]:
    """``path`` saved after ``edits``: loaded with "So" streamed, and in full; and the sheets
    the first save wrote streamed."""
    written: set[str] = set()
    real = streamed_module.write_streamed

    def spy(wb: Any) -> Any:
        rows = real(wb)
        written.update(rows)
        return rows

    out = []
    for name, carry in (("fast", {"So": FIRST}), ("slow", None)):
        (tmp_path / name).mkdir()
        copy = Path(shutil.copy2(path, tmp_path / name / path.name))
        wb = load_for_writing(copy, carry=carry, streamed=("So",))
        apply_to_workbook(wb, edits)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(streamed_module, "write_streamed", spy)
            save_xlsm(wb, copy, backup_dir=tmp_path / "backup")
        out.append(copy)
    return out[0], out[1], written


def heights(path: Path) -> dict[int, Any]:
    ws = load_workbook(path)["So"]
    return {r: (d.height, d.hidden) for r, d in ws.row_dimensions.items() if d.height or d.hidden}


def so_part(path: Path) -> bytes:
    with zipfile.ZipFile(path) as z:
        return z.read(package_sheets(z)["So"])


def _chunked_sample(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int) -> Path:
    """The sample register with notes, its parts read ``chunk`` bytes at a time."""
    monkeypatch.setattr(carried_module, "CHUNK", chunk)
    monkeypatch.setattr(streamed_module, "CHUNK", chunk)
    return sample(tmp_path / "src", with_notes)


@pytest.mark.parametrize("chunk", [7, 64, 1 << 20])
def test_a_table_rewritten_streamed_is_the_full_load_s(
    chunk: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Row 6 of the table is written with a formula-like text and a datetime; the long texts
    make their rows taller; the note in column G survives; rows 34.. are cleared, formats kept."""
    path = _chunked_sample(tmp_path, monkeypatch, chunk)
    fast, slow, written = save_both(path, tmp_path, rewrite_table())
    assert written == {"So"}
    assert cells(fast) == cells(slow)
    assert heights(fast) == heights(slow)
    ws = load_workbook(fast)["So"]
    assert ws.cell(FIRST + 2, 7).value == NOTE
    assert ws.cell(FIRST + 5, 1).value == "=SUM(A1:A2)" and ws.cell(FIRST + 5, 1).data_type == "s"
    assert ws.cell(FIRST + 5, 4).number_format == "dd/mm/yyyy hh:mm"
    assert ws.row_dimensions[FIRST].height and ws.row_dimensions[FIRST].height > 30
    assert ws.cell(FIRST + 33, 1).value is None and ws.cell(
        FIRST + 33, 3
    ).fill.fgColor.rgb.endswith("FFFF00")  # cleared, its fill kept
    assert ws.cell(FIRST + 33, 5).value is None


@pytest.mark.parametrize("chunk", [7, 1 << 20])
def test_receipts_appended_streamed_leave_the_rows_above_byte_for_byte(
    chunk: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _chunked_sample(tmp_path, monkeypatch, chunk)
    fast, slow, written = save_both(path, tmp_path, append_receipts())
    assert written == {"So"}
    assert cells(fast) == cells(slow)
    assert heights(fast) == heights(slow)
    original, saved = so_part(path), so_part(fast)
    kept = original[original.index(b'<row r="4"') : original.index(b'<row r="45"')]
    assert len(kept) > 1000 and kept in saved  # the rows above the receipts, as they were
    ws = load_workbook(fast)["So"]
    assert [ws.cell(FIRST + 40 + n, 2).value for n in range(5)] == [
        f"Tệp {n}.xlsx" for n in range(5)
    ]
    assert ws.max_row == FIRST + 44


def test_the_first_rows_of_a_sheet_without_data_rows_are_written_streamed(
    tmp_path: Path,
) -> None:
    def no_rows(ws: Any) -> None:
        ws.delete_rows(FIRST, 40)

    path = sample(tmp_path / "src", no_rows)
    fast, slow, written = save_both(path, tmp_path, rewrite_table()[:1])
    assert written == {"So"}
    assert cells(fast) == cells(slow)
    assert heights(fast) == heights(slow)
    assert load_workbook(fast)["So"].max_row == FIRST + 29


def test_a_master_changed_before_the_save_is_not_written(tmp_path: Path) -> None:
    path = sample(tmp_path / "src")
    wb = load_for_writing(path, carry={"So": FIRST}, streamed=("So",))
    apply_to_workbook(wb, rewrite_table())
    other = load_workbook(path, keep_vba=True)
    other["TongHop"]["B1"] = "ghi trong lúc chờ"
    save_xlsm(other, path, backup_dir=tmp_path / "backup")
    saved = path.read_bytes()
    with pytest.raises(WorkbookError, match="đã bị thay đổi từ lúc đọc"):
        save_xlsm(wb, path, backup_dir=tmp_path / "backup")
    assert path.read_bytes() == saved


def test_a_sheet_the_carried_load_refuses_is_written_in_full(tmp_path: Path) -> None:
    """A hyperlink in the data rows: openpyxl binds it to its cell, so the sheet is loaded in
    full, the reason kept, and the edits applied to it as they always were."""

    def linked(ws: Any) -> None:
        ws.cell(FIRST + 35, 5).hyperlink = "https://sonoivu.backan.gov.vn/"

    path = sample(tmp_path / "src", linked)
    wb, carried = load_carrying(path, {"So": FIRST}, streamed=("So",))
    assert "hyperlinks" in carried.refused["So"] and not carried.streamed
    assert carried_of(wb) is None
    fast, slow, written = save_both(path, tmp_path, rewrite_table())
    assert written == set()
    assert cells(fast) == cells(slow)
    link = load_workbook(fast)["So"].cell(FIRST + 35, 5).hyperlink
    assert link is not None and link.target == "https://sonoivu.backan.gov.vn/"
