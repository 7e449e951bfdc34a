"""``kehoach setup-excel``: point xlwings' RunPython at this interpreter (and pylib/).

The settings go into the workbook itself by default: xlwings' VBA first reads a sheet named
``xlwings.conf`` of the workbook (key in column A, value in column B), so the setting stays
with the workbook and no other xlwings workbook of the PC changes; a cell holds any letter.
On Windows, paths under a user's or the system's folders are written with ``%VAR%``
(``%LOCALAPPDATA%\\KeHoach\\...``), which xlwings expands: the same setting works for every user
who installed kehoach the same way.

With ``--conf``, the older way: xlwings' VBA reads the user config file
(``~/.xlwings/xlwings.conf``; on a Mac
``~/Library/Containers/com.microsoft.Excel/Data/xlwings.conf``) one line per setting,
``"KEY","VALUE"``, with VBA's ``Input #`` (first match wins, keys compared
case-insensitively) in the ANSI code page; Python's ``xlwings.utils.read_user_config``
reads the same lines. ``PYTHONPATH`` holds folders separated by ``;`` on every platform.
"""

from __future__ import annotations

import locale
import os
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PureWindowsPath
from typing import Any

from kehoach.common.errors import KeHoachError

PYTHONPATH_KEY = "PYTHONPATH"
CONF_SHEET = "xlwings.conf"
# Folders xlwings can name through %VAR%, tried longest value first.
PATH_VARS = ("LOCALAPPDATA", "APPDATA", "USERPROFILE", "ProgramFiles", "ProgramData", "PUBLIC")
SHEET_ADVICE = (
    "Hãy ghi cấu hình vào chính sổ tính (trang xlwings.conf, giữ được mọi chữ): "
    "kehoach setup-excel TỆP.xlsm"
)
_LINE = re.compile(r'^\s*"([^"]*)"\s*,\s*"([^"]*)"\s*$')


@dataclass(frozen=True)
class ConfigChange:
    """One setting written to the xlwings config (``old`` is None when it was absent)."""

    key: str
    old: str | None
    new: str

    def __str__(self) -> str:
        if self.old is None:
            return f"Đã thêm {self.key} = {self.new}"
        return f"Đã đổi {self.key}: {self.old} -> {self.new}"


def user_config_path(home: Path | None = None, platform: str | None = None) -> Path:
    """Where xlwings looks for the user config file on ``platform`` (default: this one)."""
    home = Path.home() if home is None else home
    platform = sys.platform if platform is None else platform
    if platform.startswith("darwin"):
        # Excel on a Mac is sandboxed: xlwings keeps its config inside Excel's container.
        return home / "Library" / "Containers" / "com.microsoft.Excel" / "Data" / "xlwings.conf"
    return home / ".xlwings" / "xlwings.conf"


def interpreter_setting(executable: str, platform: str) -> tuple[str, str]:
    """The config key and interpreter RunPython should start on ``platform``.

    On Windows that is ``pythonw.exe`` beside ``executable`` when it exists, so no
    console window flashes when a button is clicked.
    """
    if platform.startswith("darwin"):
        return "INTERPRETER_MAC", executable
    if platform.startswith("win"):
        cut = max(executable.rfind("\\"), executable.rfind("/")) + 1
        pythonw = executable[:cut] + "pythonw.exe"
        if executable[cut:].lower() == "python.exe" and Path(pythonw).exists():
            return "INTERPRETER_WIN", pythonw
        return "INTERPRETER_WIN", executable
    # No Excel here; write the Windows key like `xlwings config create` does.
    return "INTERPRETER_WIN", executable


def ansi_encoding() -> str:
    """The encoding VBA's ``Open ... For Input`` reads: the ANSI code page, even in UTF-8 mode."""
    getencoding = getattr(locale, "getencoding", None)  # Python 3.11+
    if getencoding is not None:
        return str(getencoding())
    return locale.getpreferredencoding(False)


def _same_path(a: str, b: str, platform: str) -> bool:
    a, b = a.rstrip("/\\"), b.rstrip("/\\")
    if platform.startswith("win"):
        return a.replace("/", "\\").casefold() == b.replace("/", "\\").casefold()
    return a == b


def _with_path(pythonpath: str, folder: str, platform: str) -> str:
    parts = [p for p in pythonpath.split(";") if p.strip()]
    if any(_same_path(p, folder, platform) for p in parts):
        return pythonpath
    return ";".join([*parts, folder])


def env_var_path(path: str, env: Mapping[str, str], platform: str) -> str:
    """``path`` with its longest prefix that is one of ``PATH_VARS`` written ``%VAR%`` (on
    Windows; elsewhere unchanged)."""
    if not platform.startswith("win"):
        return path
    best: tuple[int, str] | None = None
    folded = str(PureWindowsPath(path)).casefold()
    for name in PATH_VARS:
        value = env.get(name)
        if not value:
            continue
        root = str(PureWindowsPath(value)).rstrip("\\").casefold()
        if (folded == root or folded.startswith(root + "\\")) and (
            best is None or len(root) > best[0]
        ):
            best = (len(root), name)
    if best is None:
        return path
    return f"%{best[1]}%" + str(PureWindowsPath(path))[best[0] :]


def workbook_settings(
    *,
    executable: str | None = None,
    pylib: Path | None = None,
    env: Mapping[str, str] | None = None,
    platform: str | None = None,
) -> dict[str, str]:
    """The settings the workbook's sheet ``xlwings.conf`` should hold: the interpreter, and
    PYTHONPATH only when kehoach is not installed in it (``pylib`` given: a checkout)."""
    platform = sys.platform if platform is None else platform
    executable = sys.executable if executable is None else executable
    env = os.environ if env is None else env
    key, interpreter = interpreter_setting(executable, platform)
    settings = {key: env_var_path(interpreter, env, platform)}
    if pylib is not None:
        folder = str(pylib.resolve()) if platform == sys.platform else str(pylib)
        settings[PYTHONPATH_KEY] = env_var_path(folder, env, platform)
    return settings


def write_conf_sheet(wb: Any, settings: Mapping[str, str]) -> list[ConfigChange]:
    """Put ``settings`` into the sheet ``xlwings.conf`` of the openpyxl workbook ``wb``
    (created hidden at the end when missing); other keys of the sheet are kept. xlwings reads
    column A down to its first empty cell, keys compared in upper case."""
    if CONF_SHEET in wb.sheetnames:
        ws = wb[CONF_SHEET]
    else:
        ws = wb.create_sheet(CONF_SHEET)
        ws.sheet_state = "hidden"
    rows: list[tuple[str, str]] = []
    for key_cell, value_cell in ws.iter_rows(min_row=1, max_col=2, values_only=True):
        if key_cell in (None, ""):
            break
        rows.append((str(key_cell), "" if value_cell is None else str(value_cell)))
    changes: list[ConfigChange] = []
    for key, value in settings.items():
        index = next((i for i, (k, _) in enumerate(rows) if k.upper() == key.upper()), None)
        if index is None:
            rows.append((key, value))
            changes.append(ConfigChange(key, None, value))
        elif rows[index][1] != value:
            changes.append(ConfigChange(key, rows[index][1], value))
            rows[index] = (rows[index][0], value)
    for n, (key, value) in enumerate(rows, start=1):
        ws.cell(n, 1, key)
        ws.cell(n, 2, value).number_format = "@"
    ws.column_dimensions["A"].width = 20
    ws.column_dimensions["B"].width = 80
    return changes


def configure_workbook(path: Path, settings: Mapping[str, str]) -> list[ConfigChange]:
    """Write ``settings`` into the sheet ``xlwings.conf`` of the macro workbook ``path``
    (saved safely, VBA and ribbon kept); nothing is written when it already says the same."""
    from openpyxl import load_workbook

    from kehoach.common.errors import WorkbookError, open_error_text
    from kehoach.workbook.xlsm import save_xlsm

    try:
        wb = load_workbook(path, keep_vba=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise WorkbookError(f"Không mở được sổ tính: {open_error_text(exc)}.", file=path) from exc
    changes = write_conf_sheet(wb, settings)
    if changes:
        save_xlsm(wb, path)
    return changes


def configure_xlwings(
    pylib: Path,
    conf_path: Path | None = None,
    *,
    executable: str | None = None,
    platform: str | None = None,
    encoding: str | None = None,
    env: Mapping[str, str] | None = None,
) -> list[ConfigChange]:
    """Write the interpreter and add ``pylib`` to PYTHONPATH in xlwings' user config.

    Other lines are kept as they are (a repeated key keeps only its first line,
    the one VBA reads). Returns the settings that changed, empty when the file
    already said the same. ``encoding`` defaults to the system's ANSI code page,
    the one VBA reads the file in; paths under the folders of ``PATH_VARS`` are written
    with ``%VAR%`` (on Windows), so a user name the code page cannot hold is no obstacle.
    """
    env = os.environ if env is None else env
    platform = sys.platform if platform is None else platform
    executable = sys.executable if executable is None else executable
    conf_path = user_config_path(platform=platform) if conf_path is None else conf_path
    encoding = ansi_encoding() if encoding is None else encoding
    # Resolve only on the platform we run on: a test may pass a Windows path on Linux.
    folder = str(pylib.resolve()) if platform == sys.platform else str(pylib)
    folder = env_var_path(folder, env, platform)

    lines: list[str] = []
    if conf_path.exists():
        # surrogateescape: bytes of other settings that don't decode are written back as read.
        raw = conf_path.read_bytes().decode(encoding, errors="surrogateescape")
        lines = raw.splitlines()
    current: dict[str, tuple[int, str, str]] = {}  # lower key -> (index, key, value)
    for i, line in enumerate(lines):
        m = _LINE.match(line)
        if m and m.group(1).lower() not in current:
            current[m.group(1).lower()] = (i, m.group(1), m.group(2))

    interp_key, interpreter = interpreter_setting(executable, platform)
    interpreter = env_var_path(interpreter, env, platform)
    old_path = current.get(PYTHONPATH_KEY.lower(), (0, "", ""))[2]
    wanted = {interp_key: interpreter, PYTHONPATH_KEY: _with_path(old_path, folder, platform)}

    changes: list[ConfigChange] = []
    for key, value in wanted.items():
        if '"' in value:
            raise KeHoachError(
                f"Đường dẫn «{value}» chứa dấu nháy kép, tệp cấu hình xlwings không ghi được.",
                file=conf_path,
            )
        found = current.get(key.lower())
        if found is None:
            lines.append(f'"{key}","{value}"')
            changes.append(ConfigChange(key, None, value))
        elif found[2] != value:
            lines[found[0]] = f'"{found[1]}","{value}"'
            changes.append(ConfigChange(key, found[2], value))
    # Drop repeated lines of the keys we manage: VBA reads the first, Python the last.
    managed = {k.lower() for k in wanted}
    kept: list[str] = []
    seen: set[str] = set()
    for line in lines:
        m = _LINE.match(line)
        line_key = m.group(1).lower() if m else None
        if line_key in managed:
            if line_key in seen:
                continue
            seen.add(line_key)
        kept.append(line)
    if not changes and len(kept) == len(lines):
        return []
    newline = "\r\n" if platform.startswith("win") else "\n"
    text = "".join(line + newline for line in kept if line.strip())
    try:
        data = text.encode(encoding, errors="surrogateescape")
    except UnicodeEncodeError as err:
        raise KeHoachError(
            "Đường dẫn có ký tự mà tệp cấu hình xlwings không giữ được (VBA đọc tệp này theo "
            f"bảng mã {encoding}). " + SHEET_ADVICE + ".",
            file=conf_path,
            text=text[err.start : err.end],
        ) from err
    conf_path.parent.mkdir(parents=True, exist_ok=True)
    conf_path.write_bytes(data)
    return changes
