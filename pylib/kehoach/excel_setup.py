"""``kehoach setup-excel``: point xlwings' RunPython at this interpreter and pylib/.

xlwings' VBA reads the user config file (``~/.xlwings/xlwings.conf``; on a Mac
``~/Library/Containers/com.microsoft.Excel/Data/xlwings.conf``) one line per
setting, ``"KEY","VALUE"``, with VBA's ``Input #`` (first match wins, keys
compared case-insensitively); Python's ``xlwings.utils.read_user_config`` reads
the same lines. ``PYTHONPATH`` holds folders separated by ``;`` on every platform.
"""

from __future__ import annotations

import locale
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from kehoach.errors import KeHoachError

PYTHONPATH_KEY = "PYTHONPATH"
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


def configure_xlwings(
    pylib: Path,
    conf_path: Path | None = None,
    *,
    executable: str | None = None,
    platform: str | None = None,
    encoding: str | None = None,
) -> list[ConfigChange]:
    """Write the interpreter and add ``pylib`` to PYTHONPATH in xlwings' user config.

    Other lines are kept as they are (a repeated key keeps only its first line,
    the one VBA reads). Returns the settings that changed, empty when the file
    already said the same. ``encoding`` defaults to the system's ANSI code page,
    the one VBA reads the file in.
    """
    platform = sys.platform if platform is None else platform
    executable = sys.executable if executable is None else executable
    conf_path = user_config_path(platform=platform) if conf_path is None else conf_path
    encoding = ansi_encoding() if encoding is None else encoding
    # Resolve only on the platform we run on: a test may pass a Windows path on Linux.
    folder = str(pylib.resolve()) if platform == sys.platform else str(pylib)

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
            "Đường dẫn có ký tự mà tệp cấu hình xlwings (mã hóa "
            f"{encoding}) không ghi được; hãy đặt thư mục dự án ở đường dẫn không dấu.",
            file=conf_path,
            text=text[err.start : err.end],
        ) from err
    conf_path.parent.mkdir(parents=True, exist_ok=True)
    conf_path.write_bytes(data)
    return changes
