"""Helpers for the tests of the .xlsm packaging (test_xlsm, test_vba, test_libreoffice)."""

from __future__ import annotations

import ast
import importlib
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kehoach.workbook.xlsm import build_xlsm, macro_sources

ROOT = Path(__file__).resolve().parents[1]
MACROS = ROOT / "macros"
COMMITTED_WORKBOOK = ROOT / "workbook" / "KeHoach2023.xlsm"

# The modules macros/ puts in the workbook, besides the template's ThisWorkbook and Sheet1.
OUR_MODULES = {src.name: src for src in macro_sources(MACROS)}


def stand_in_fill(wb: Any) -> None:
    """A small fill(wb) standing in for kehoach.workbook.master.fill_master: a cover and one
    sheet."""
    cover = wb.worksheets[0]
    cover.title = "Giới thiệu"
    cover["A1"] = "Kế hoạch 365/KH-UBND"
    sheet = wb.create_sheet("PL1")
    sheet.append(["Mã định danh", "TT", "Mã tiêu chí"])
    sheet.append(["PL1.1", "1", "TC 1.1"])


def build_sample(folder: Path, fill: Callable[[Any], None] = stand_in_fill) -> Path:
    """Build a workbook from macros/ into ``folder`` and return its path."""
    out = folder / "KeHoach2023.xlsm"
    build_xlsm(out, fill, MACROS)
    return out


def copy_to(src: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copy2(src, folder / src.name))


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {name: z.read(name) for name in z.namelist()}


def comparable_vba(source: str) -> str:
    """VBA source as a reader shows it, reduced to what every reader agrees on.

    Drops what readers legitimately differ on: line endings, ``Attribute`` lines (the VBE hides
    them, LibreOffice drops them), the ``VERSION/BEGIN/END`` preamble of an exported class, the
    lines LibreOffice adds (``Rem Attribute VBA_ModuleType=...``, ``Option VBASupport 1``,
    ``Option ClassModule``) and trailing blank lines.
    """
    lines = source.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines and lines[0].startswith("VERSION ") and "CLASS" in lines[0]:
        end = lines.index("END")
        lines = lines[end + 1 :]
    dropped = ("Attribute ", "Rem Attribute VBA_ModuleType=", "Option VBASupport ")
    kept = [ln for ln in lines if not ln.startswith(dropped) and ln != "Option ClassModule"]
    while kept and not kept[-1].strip():
        kept.pop()
    while kept and not kept[0].strip():
        kept.pop(0)
    return "\n".join(kept)


def resolve_python_command(command: str) -> Callable[..., Any]:
    """The kehoach function a RunPython command calls, imported for real.

    Expects the one shape the ribbon uses,
    ``import xlwings as xw, kehoach.xl as k; k.func(xw.Book.caller())``: imports, then one call
    of a function of a kehoach module whose only argument is ``xw.Book.caller()``.
    """
    tree = ast.parse(command)
    aliases: dict[str, str] = {}
    calls: list[ast.Call] = []
    for stmt in tree.body:
        if isinstance(stmt, ast.Import):
            for alias in stmt.names:
                aliases[alias.asname or alias.name] = alias.name
        elif isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
            calls.append(stmt.value)
        else:
            raise AssertionError(f"unexpected statement in {command!r}: {ast.dump(stmt)}")
    assert len(calls) == 1, f"one call expected in {command!r}"
    call = calls[0]
    func = call.func
    assert isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name), command
    module_name = aliases[func.value.id]
    assert module_name.startswith("kehoach."), f"{command!r} must call into kehoach"
    assert [ast.unparse(a) for a in call.args] == ["xw.Book.caller()"], command
    assert aliases.get("xw") == "xlwings", command
    target = getattr(importlib.import_module(module_name), func.attr)
    assert callable(target), f"{module_name}.{func.attr} is not callable"
    return target  # type: ignore[no-any-return]
