"""Loading a workbook without the data rows of the sheets a save carries over
(``kehoach.sheets.carried.load_carrying``), on small macro workbooks: which sheets can be
carried, and that a save puts their rows back exactly, wherever the part's chunks break."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.table import Table

from carried_support import cells, sheet_parts
from kehoach.sheets import carried as carried_module
from kehoach.sheets.carried import carried_of, load_carrying
from kehoach.sheets.sheetdata import load_for_writing
from kehoach.workbook.xlsm import save_xlsm
from xlsm_support import build_sample

FIRST = 4  # the first data row of the sheet "So" below


def register(ws: Any, rows: int = 40) -> None:
    """A register like TienDo: a title, a merged note, headers, then data rows of every kind
    of value, some styled."""
    ws["A1"] = "Sổ theo dõi"
    ws["A2"] = "Ghi chú: không sửa tay"
    ws.merge_cells("A2:E2")
    ws.append(["Mã", "Tên", "Số", "Ngày", "Ghi chú"])
    for n in range(rows):
        day = datetime(2023, 1 + n % 12, 1)
        ws.append([f"NV{n:03d}", f"Cơ quan «{n}» & <đơn vị>", n * 1.5, day, None])
        if n % 3 == 0:
            ws.cell(FIRST + n, 2).font = Font(bold=True, color="FF0000")
            ws.cell(FIRST + n, 3).fill = PatternFill("solid", fgColor="FFFF00")
            ws.cell(FIRST + n, 4).number_format = "dd/mm/yyyy"
            ws.row_dimensions[FIRST + n].height = 30
    ws.column_dimensions["B"].width = 40
    ws.freeze_panes = "A4"
    ws.auto_filter.ref = f"A3:E{FIRST + rows - 1}"


def sample(folder: Path, extra: Callable[[Any], None] = lambda ws: None) -> Path:
    def fill(wb: Any) -> None:
        wb.worksheets[0].title = "Giới thiệu"
        wb.worksheets[0]["A1"] = "Bìa"
        ws = wb.create_sheet("So")
        register(ws)
        extra(ws)
        wb.create_sheet("TongHop")["A1"] = "cũ"

    folder.mkdir(parents=True, exist_ok=True)
    return build_sample(folder, fill)


def save_both(path: Path, tmp_path: Path, carry: dict[str, int]) -> tuple[Path, Path]:
    """``path`` saved after one edit of TongHop: loaded carrying ``carry``, and in full."""
    out = []
    for name, how in (("fast", carry), ("slow", None)):
        (tmp_path / name).mkdir()
        copy = Path(shutil.copy2(path, tmp_path / name / path.name))
        wb = load_for_writing(copy, carry=how)
        wb["TongHop"]["A1"] = "mới"
        save_xlsm(wb, copy, backup_dir=tmp_path / "backup")
        out.append(copy)
    return out[0], out[1]


@pytest.mark.parametrize("chunk", [7, 64, 1 << 20])
def test_a_carried_sheet_is_saved_as_a_full_load_saves_it(
    chunk: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the part read in chunks of 7 bytes, tags and ``</sheetData>`` break across reads."""
    monkeypatch.setattr(carried_module, "CHUNK", chunk)
    path = sample(tmp_path / "src")
    _, carried = load_carrying(path, {"So": FIRST})  # its merged note is above the data
    assert [s.name for s in carried.sheets] == ["So"] and carried.refused == {}
    fast, slow = save_both(path, tmp_path, {"So": FIRST})
    assert data_rows(sheet_parts(fast)["So"]) == data_rows(sheet_parts(path)["So"])
    assert cells(fast) == cells(slow)
    assert cells(fast)["So"] == cells(path)["So"]
    assert cells(fast)["TongHop"][0][1] == "mới"


def data_rows(part: bytes) -> bytes:
    """The bytes of a sheet part from its first data row to the end of its rows."""
    start = part.index(f'<row r="{FIRST}"'.encode())
    return part[start : part.index(b"</sheetData>")]


def test_every_row_can_be_carried(tmp_path: Path) -> None:
    """From the first row on: openpyxl writes an empty ``<sheetData/>`` the rows go into."""
    path = sample(tmp_path / "src", lambda ws: ws.unmerge_cells("A2:E2"))
    wb, carried = load_carrying(path, {"So": 1})
    assert [s.name for s in carried.sheets] == ["So"] and wb["So"].max_row == 1
    assert wb["So"]["A1"].value is None  # openpyxl read no cell of the sheet
    fast, slow = save_both(path, tmp_path, {"So": 1})
    assert cells(fast) == cells(slow)


def _outline(ws: Any) -> None:
    ws.row_dimensions.group(10, 12, outline_level=1)


def _merged_data(ws: Any) -> None:
    ws.merge_cells("B10:C10")


def _link(ws: Any) -> None:
    ws["B12"].hyperlink = "https://example.org/"


def _comment(ws: Any) -> None:
    ws["B12"].comment = Comment("Đã kiểm tra", "Sở Nội vụ")


def _table(ws: Any) -> None:
    ws.add_table(Table(displayName="So", ref="A3:E43"))


@pytest.mark.parametrize(
    ("extra", "why"),
    [
        (_outline, "outline"),
        (_merged_data, "gộp ô"),
        (_link, "hyperlinks"),
        (_comment, "legacyDrawing"),
        (_table, "tableParts"),
    ],
)
def test_a_sheet_whose_rows_openpyxl_needs_is_loaded_in_full(
    extra: Callable[[Any], None], why: str, tmp_path: Path
) -> None:
    path = sample(tmp_path / "src", extra)
    wb, carried = load_carrying(path, {"So": FIRST})
    assert carried.sheets == () and why in carried.refused["So"]
    assert carried_of(wb) is None and wb["So"].max_row == FIRST + 39
    fast, slow = save_both(path, tmp_path, {"So": FIRST})
    assert cells(fast) == cells(slow)


def test_a_sheet_without_data_rows_is_not_carried(tmp_path: Path) -> None:
    path = sample(tmp_path / "src")
    _, carried = load_carrying(path, {"So": 100, "TongHop": FIRST, "Không có": FIRST})
    assert carried.sheets == ()
    assert carried.refused == {"So": "không có dòng dữ liệu", "TongHop": "không có dòng dữ liệu"}


def test_a_part_with_prefixed_elements_is_loaded_in_full(tmp_path: Path) -> None:
    """Some writers name the elements with a prefix (``<x:sheetData>``): valid, but not what
    the scan looks for; the sheet is loaded and saved in full."""
    import zipfile

    from kehoach.sheets.carried import package_sheets

    path = sample(tmp_path / "src")
    with zipfile.ZipFile(path) as z:
        parts = {info.filename: z.read(info) for info in z.infolist()}
        part = package_sheets(z)["So"]
    main = b'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    parts[part] = (
        parts[part]
        .replace(b"<sheetData>", b"<x:sheetData " + main + b">")
        .replace(b"</sheetData>", b"</x:sheetData>")
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    wb, carried = load_carrying(path, {"So": FIRST})
    assert carried.sheets == () and carried.refused == {"So": "không thấy phần tử sheetData"}
    assert wb["So"].max_row == FIRST + 39
    fast, slow = save_both(path, tmp_path, {"So": FIRST})
    assert cells(fast) == cells(slow) and cells(fast)["So"] == cells(path)["So"]


def test_a_cell_with_excel_s_metadata_is_loaded_in_full(tmp_path: Path) -> None:
    """A dynamic array's cell refers to Excel's metadata part (``cm="1"``), which openpyxl
    does not keep: rows carried byte for byte would refer to a part that is gone."""
    import zipfile

    from kehoach.sheets.carried import package_sheets

    path = sample(tmp_path / "src")
    with zipfile.ZipFile(path) as z:
        parts = {info.filename: z.read(info) for info in z.infolist()}
        part = package_sheets(z)["So"]
    parts[part] = parts[part].replace(b'<c r="B12"', b'<c r="B12" cm="1"', 1)
    assert b'cm="1"' in parts[part]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    _, carried = load_carrying(path, {"So": FIRST})
    assert carried.sheets == () and "siêu dữ liệu" in carried.refused["So"]
    fast, slow = save_both(path, tmp_path, {"So": FIRST})
    assert cells(fast) == cells(slow)
