"""One sheet of a workbook as a PDF, through LibreOffice headless (``soffice``) when installed.

LibreOffice converts a whole workbook, so the sheet is first copied alone into a temporary
.xlsx (openpyxl keeps its page setup, conditional formatting and charts), then converted with
a LibreOffice profile of its own (a user's open LibreOffice does not get in the way).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path, PureWindowsPath

from openpyxl import load_workbook

from kehoach.common.errors import KeHoachError, WorkbookError, open_error_text

SOFFICE_NAMES = ("soffice", "libreoffice")
TIMEOUT_SECONDS = 300
# Where LibreOffice's Windows installer puts it; it does not add itself to PATH.
WINDOWS_INSTALL_ROOTS = ("ProgramFiles", "ProgramW6432", "ProgramFiles(x86)", "LOCALAPPDATA")
WINDOWS_PROGRAM = ("LibreOffice", "program", "soffice.exe")


class PdfError(KeHoachError):
    """The PDF cannot be made (LibreOffice missing or failing)."""


def windows_soffice_candidates(env: Mapping[str, str]) -> list[str]:
    """Where soffice.exe is when LibreOffice is installed on Windows (for all users, or per
    user under %LOCALAPPDATA%\\Programs), in the order they are tried."""
    out: list[str] = []
    for var in WINDOWS_INSTALL_ROOTS:
        base = env.get(var)
        if not base:
            continue
        root = (
            PureWindowsPath(base) / "Programs" if var == "LOCALAPPDATA" else PureWindowsPath(base)
        )
        candidate = str(root.joinpath(*WINDOWS_PROGRAM))
        if candidate not in out:
            out.append(candidate)
    return out


def find_soffice(
    *,
    env: Mapping[str, str] | None = None,
    platform: str | None = None,
    is_file: Callable[[str], bool] = os.path.isfile,
) -> str | None:
    """The LibreOffice command: on PATH, else (on Windows) where its installer puts it; None."""
    env = os.environ if env is None else env
    platform = sys.platform if platform is None else platform
    for name in SOFFICE_NAMES:
        found = shutil.which(name, path=env.get("PATH"))
        if found:
            return found
    if platform == "win32":
        for candidate in windows_soffice_candidates(env):
            if is_file(candidate):
                return candidate
    return None


def export_sheet_pdf(workbook: Path, sheet: str, out: Path, *, soffice: str | None = None) -> Path:
    """Write sheet ``sheet`` of ``workbook`` as the PDF ``out`` (A4 as the sheet's page setup
    says); returns ``out``. PdfError when LibreOffice is not installed or makes no PDF."""
    command = soffice or find_soffice()
    if command is None:
        raise PdfError(
            "Không tìm thấy LibreOffice (lệnh soffice) để tạo PDF: cài LibreOffice rồi chạy lại, "
            f"hoặc trong Excel bấm nút «Tổng hợp tiến độ» (in trang «{sheet}» ra PDF cạnh "
            "sổ tính)."
        )
    try:
        wb = load_workbook(workbook)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise WorkbookError(
            f"Không mở được workbook: {open_error_text(exc)}.", file=workbook
        ) from exc
    if sheet not in wb.sheetnames:
        raise WorkbookError(f"Không có trang tính '{sheet}'.", file=workbook, sheet=sheet)
    for ws in list(wb.worksheets):
        if ws.title != sheet:
            wb.remove(ws)
    for name in list(wb.defined_names):  # they point at the sheets just removed
        del wb.defined_names[name]
    wb.active = 0
    wb[sheet].sheet_state = "visible"
    with tempfile.TemporaryDirectory(prefix="kehoach-pdf-") as tmp:
        folder = Path(tmp)
        src = folder / (Path(out).stem + ".xlsx")
        wb.save(src)
        profile = folder / "profile"
        result = subprocess.run(
            [
                command,
                f"-env:UserInstallation={profile.as_uri()}",
                "--headless",
                "--norestore",
                "--convert-to",
                "pdf",
                "--outdir",
                str(folder),
                str(src),
            ],
            capture_output=True,
            text=True,
            timeout=TIMEOUT_SECONDS,
            check=False,
        )
        made = src.with_suffix(".pdf")
        if not made.is_file():
            raise PdfError(
                "LibreOffice không tạo được PDF: "
                + (result.stderr.strip() or result.stdout.strip() or f"mã lỗi {result.returncode}"),
                file=workbook,
            )
        out = Path(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(made), out)
    return out
