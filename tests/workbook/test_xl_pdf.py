"""The summary button's PDF through Excel (``kehoach.xl.sheet_pdf``), on a stand-in for an
xlwings Book driven by Excel: nothing here runs Excel; the call is xlwings' ``Sheet.to_pdf``."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from kehoach.xl import sheet_pdf


class FakeSheet:
    def __init__(self, fail: bool = False) -> None:
        self.printed: list[str] = []
        self.fail = fail

    def to_pdf(self, path: str) -> None:
        if self.fail:
            raise OSError("(-2147352567, 'Exception occurred.')")
        self.printed.append(path)
        Path(path).write_bytes(b"%PDF-1.7")


def book(engine: str, folder: Path, sheet: FakeSheet) -> Any:
    return SimpleNamespace(
        app=SimpleNamespace(engine=SimpleNamespace(name=engine)),
        fullname=str(folder / "KeHoach2023.xlsm"),
        sheets={"TongHop": sheet},
    )


def test_excel_prints_the_sheet_beside_the_workbook(tmp_path: Path) -> None:
    sheet = FakeSheet()
    note = sheet_pdf(book("excel", tmp_path, sheet), "TongHop", "TongHop_2023-12-31.pdf")
    out = tmp_path / "TongHop_2023-12-31.pdf"
    assert sheet.printed == [str(out)]
    assert note == f"Đã in trang «TongHop» ra {out}."


@pytest.mark.parametrize("engine", ["remote", "calamine"])
def test_no_pdf_where_excel_is_not_the_engine(tmp_path: Path, engine: str) -> None:
    sheet = FakeSheet()
    assert sheet_pdf(book(engine, tmp_path, sheet), "TongHop", "x.pdf") is None
    assert sheet.printed == []


def test_a_printing_failure_is_a_vietnamese_line_not_a_traceback(tmp_path: Path) -> None:
    note = sheet_pdf(book("excel", tmp_path, FakeSheet(fail=True)), "TongHop", "x.pdf")
    assert note is not None and note.startswith("Không in được trang «TongHop» ra PDF bằng Excel")
    assert "Exception occurred" not in note


WINDOWS_ENV = {
    "PATH": "",
    "ProgramFiles": r"C:\Program Files",
    "ProgramFiles(x86)": r"C:\Program Files (x86)",
    "LOCALAPPDATA": r"C:\Users\Hường\AppData\Local",
}


def test_the_cli_finds_libreoffice_where_windows_installs_it() -> None:
    from kehoach.workbook.pdfexport import find_soffice, windows_soffice_candidates

    assert windows_soffice_candidates(WINDOWS_ENV) == [
        r"C:\Program Files\LibreOffice\program\soffice.exe",
        r"C:\Program Files (x86)\LibreOffice\program\soffice.exe",
        r"C:\Users\Hường\AppData\Local\Programs\LibreOffice\program\soffice.exe",
    ]
    per_user = r"C:\Users\Hường\AppData\Local\Programs\LibreOffice\program\soffice.exe"
    found = find_soffice(env=WINDOWS_ENV, platform="win32", is_file=lambda p: p == per_user)
    assert found == per_user
    assert find_soffice(env=WINDOWS_ENV, platform="win32", is_file=lambda p: False) is None
    # Elsewhere only PATH counts.
    assert find_soffice(env=WINDOWS_ENV, platform="linux", is_file=lambda p: True) is None
