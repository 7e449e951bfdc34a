"""What ``kehoach doctor`` looks at: this machine's facts, gathered once, as data.

``gather_facts`` reads the interpreter, the installed packages, the workbook's file, xlwings'
configuration and, on Windows, the registry and the file's Mark of the Web (through a
``WindowsProbe``); tests build ``Facts`` and ``WindowsFacts`` themselves, or give
``windows_facts`` a fake probe, so the Windows logic runs on any system.

xlwings' VBA takes each setting from the first of: the sheet ``xlwings.conf`` of the workbook,
a file ``xlwings.conf`` beside the workbook, the user's ``%USERPROFILE%\\.xlwings\\xlwings.conf``;
it expands ``%VAR%`` in the value it takes. The files are read in the ANSI code page.
"""

from __future__ import annotations

import configparser
import os
import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Protocol

from packaging.requirements import InvalidRequirement, Requirement

CONF_SHEET = "xlwings.conf"
CONF_FILE = "xlwings.conf"
PYTHONPATH_KEY = "PYTHONPATH"
# Defender attack-surface rule "Block all Office applications from creating child processes".
ASR_OFFICE_CHILD = "d4f940ab-401b-4efc-aadc-ad5f3c50688a"
OFFICE_VERSIONS = ("16.0", "15.0")


@dataclass(frozen=True)
class Setting:
    """A setting of xlwings as its VBA would read it: the value, expanded, and where from."""

    key: str
    value: str | None  # None: not set anywhere
    raw: str | None = None  # as written, before %VAR% expansion
    source: str = ""  # "trang xlwings.conf", or the file's path


@dataclass(frozen=True)
class TrustedLocation:
    path: str  # %VAR% expanded
    subfolders: bool
    policy: bool  # pushed by Group Policy


@dataclass(frozen=True)
class WindowsFacts:
    """What the Windows checks read: filled by ``windows_facts`` on Windows, by tests elsewhere."""

    zone_id: int | None  # the workbook's Mark of the Web; None: no Zone.Identifier stream
    trusted_locations: tuple[TrustedLocation, ...] = ()
    all_locations_disabled: bool = False
    onedrive_roots: tuple[str, ...] = ()
    excel: str | None = None  # excel.exe as registered, None when Excel is not installed
    asr_office_child: str | None = None  # the rule's mode value ("1" = block), None: not set


@dataclass(frozen=True)
class Facts:
    """Everything the checks look at."""

    platform: str
    python_version: str
    executable: str
    requires_python: str | None  # kehoach's Requires-Python; None when kehoach is not installed
    requirements: tuple[str, ...]  # kehoach's dependencies as declared
    installed: Mapping[str, str | None]  # distribution -> version (None: missing)
    kehoach_version: str
    kehoach_folder: str  # the folder holding the kehoach package (pylib/ or site-packages)
    kehoach_installed: bool = False  # found by this interpreter without PYTHONPATH (pip)
    workbook: str | None = None
    workbook_problems: tuple[str, ...] = ()  # VBA and ribbon parts missing
    workbook_xlwings: str | None = None  # XLWINGS_VERSION of the workbook's VBA
    settings: Mapping[str, Setting] = field(default_factory=dict)
    ansi_encoding: str = "cp1252"
    soffice: str | None = None
    windows: WindowsFacts | None = None


class WindowsProbe(Protocol):
    """What ``windows_facts`` reads from Windows (the registry and NTFS streams)."""

    def read_stream(self, path: str) -> bytes | None: ...

    def registry_values(self, root: str, key: str) -> dict[str, Any] | None: ...

    def registry_subkeys(self, root: str, key: str) -> list[str]: ...


# ---------------------------------------------------------------------------
# Facts
# ---------------------------------------------------------------------------


def expand_vars(text: str, env: Mapping[str, str]) -> str:
    """``%VAR%`` replaced as Windows does (names case-insensitive; unknown ones kept)."""
    upper = {k.upper(): v for k, v in env.items()}
    return re.sub(r"%([^%]+)%", lambda m: upper.get(m.group(1).upper(), m.group(0)), text)


def _conf_file_values(path: Path, encoding: str) -> dict[str, str] | None:
    """The ``"KEY","VALUE"`` lines of an xlwings config file, first one of a key winning."""
    try:
        text = path.read_bytes().decode(encoding, errors="replace")
    except OSError:
        return None
    values: dict[str, str] = {}
    for line in text.splitlines():
        m = re.match(r'^\s*"([^"]*)"\s*,\s*"([^"]*)"\s*$', line)
        if m:
            values.setdefault(m.group(1).upper(), m.group(2))
    return values


def conf_sheet_values(workbook: Path) -> dict[str, str] | None:
    """Column A (key) and B (value) of the workbook's sheet ``xlwings.conf``; None without one."""
    from openpyxl import load_workbook

    try:
        wb = load_workbook(workbook, read_only=True, data_only=True)
    except Exception:
        return None
    try:
        if CONF_SHEET not in wb.sheetnames:
            return None
        values: dict[str, str] = {}
        for row in wb[CONF_SHEET].iter_rows(max_col=2, values_only=True):
            if not row or row[0] in (None, ""):
                break  # VBA reads down to the first empty cell of column A
            value = row[1] if len(row) > 1 else None
            values.setdefault(str(row[0]).upper(), "" if value is None else str(value))
        return values
    finally:
        wb.close()


def xlwings_settings(
    keys: Sequence[str],
    *,
    sheet: Mapping[str, str] | None,
    directory_file: Path | None,
    user_file: Path,
    env: Mapping[str, str],
    encoding: str,
) -> dict[str, Setting]:
    """Each of ``keys`` as xlwings' VBA resolves it: sheet, then the folder's file, then the
    user's file; ``%VAR%`` expanded."""
    layers: list[tuple[str, Mapping[str, str] | None]] = [(f"trang «{CONF_SHEET}»", sheet)]
    if directory_file is not None:
        layers.append((str(directory_file), _conf_file_values(directory_file, encoding)))
    layers.append((str(user_file), _conf_file_values(user_file, encoding)))
    out: dict[str, Setting] = {}
    for key in keys:
        out[key] = Setting(key, None)
        for source, values in layers:
            if values is not None and key.upper() in values:
                raw = values[key.upper()]
                out[key] = Setting(key, expand_vars(raw, env), raw, source)
                break
    return out


def workbook_xlwings_version(modules: Mapping[str, str]) -> str | None:
    """The ``XLWINGS_VERSION`` constant of the workbook's VBA (xlwings' own module)."""
    for source in modules.values():
        m = re.search(r'XLWINGS_VERSION\s+As\s+String\s*=\s*"([^"]+)"', source, re.I)
        if m:
            return m.group(1)
    return None


def interpreter_key(platform: str) -> str:
    return "INTERPRETER_MAC" if platform.startswith("darwin") else "INTERPRETER_WIN"


def _zone_id(data: bytes | None) -> int | None:
    if data is None:
        return None
    parser = configparser.ConfigParser()
    try:
        parser.read_string(data.decode("utf-8-sig", errors="replace"))
        return parser.getint("ZoneTransfer", "ZoneId", fallback=None)
    except (configparser.Error, ValueError):
        return None


def windows_facts(
    workbook: Path | None, probe: WindowsProbe, env: Mapping[str, str]
) -> WindowsFacts:
    """The Windows facts from ``probe`` (the registry, NTFS streams) and the environment."""
    zone = _zone_id(probe.read_stream(f"{workbook}:Zone.Identifier")) if workbook else None
    locations: list[TrustedLocation] = []
    disabled = False
    for version in OFFICE_VERSIONS:
        for policy, base in (
            (False, rf"Software\Microsoft\Office\{version}\Excel\Security\Trusted Locations"),
            (
                True,
                rf"Software\Policies\Microsoft\Office\{version}\Excel\Security\Trusted Locations",
            ),
        ):
            top = probe.registry_values("HKCU", base) or {}
            if policy and str(top.get("AllLocationsDisabled", "0")) == "1":
                disabled = True
            for sub in probe.registry_subkeys("HKCU", base):
                values = probe.registry_values("HKCU", rf"{base}\{sub}") or {}
                path = values.get("Path")
                if isinstance(path, str) and path:
                    subfolders = str(values.get("AllowSubfolders", "0")) == "1"
                    locations.append(TrustedLocation(expand_vars(path, env), subfolders, policy))
    excel = None
    for root in ("HKCU", "HKLM"):
        app = probe.registry_values(
            root, r"Software\Microsoft\Windows\CurrentVersion\App Paths\excel.exe"
        )
        if app and isinstance(app.get(""), str):
            excel = str(app[""])
            break
    asr = None
    for key in (
        r"Software\Policies\Microsoft\Windows Defender\Windows Defender Exploit Guard\ASR\Rules",
        r"Software\Microsoft\Windows Defender\Windows Defender Exploit Guard\ASR\Rules",
    ):
        rules = {k.lower(): v for k, v in (probe.registry_values("HKLM", key) or {}).items()}
        if ASR_OFFICE_CHILD in rules:
            asr = str(rules[ASR_OFFICE_CHILD])
            break
    roots = tuple(
        env[name]
        for name in ("OneDrive", "OneDriveCommercial", "OneDriveConsumer")
        if env.get(name)
    )
    return WindowsFacts(zone, tuple(locations), disabled, roots, excel, asr)


def _installed_versions(names: Sequence[str]) -> dict[str, str | None]:
    from importlib.metadata import PackageNotFoundError, version

    out: dict[str, str | None] = {}
    for name in names:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = None
    return out


def gather_facts(
    workbook: Path | None,
    *,
    env: Mapping[str, str] | None = None,
    probe: WindowsProbe | None = None,
) -> Facts:
    """The facts of this machine (and of ``workbook``, when given)."""
    import platform as platform_module
    from importlib.metadata import PackageNotFoundError, metadata

    import kehoach
    from kehoach.common.errors import KeHoachError
    from kehoach.install.excel_setup import ansi_encoding, user_config_path
    from kehoach.workbook.pdfexport import find_soffice
    from kehoach.workbook.xlsm import package_problems, vba_modules

    env = os.environ if env is None else env
    try:
        meta = metadata("kehoach")
        requires_python: str | None = meta["Requires-Python"] or ""
        requirements = tuple(meta.get_all("Requires-Dist") or ())
    except PackageNotFoundError:
        requires_python, requirements = None, ()
    names = [_requirement_name(r) for r in requirements if _requirement_name(r)]
    problems: tuple[str, ...] = ()
    vba_version = None
    sheet = None
    if workbook is not None:
        problems = tuple(package_problems(workbook))
        try:
            vba_version = workbook_xlwings_version(vba_modules(workbook))
        except KeHoachError:
            vba_version = None
        sheet = conf_sheet_values(workbook)
    encoding = ansi_encoding()
    settings = xlwings_settings(
        [interpreter_key(sys.platform), PYTHONPATH_KEY],
        sheet=sheet,
        directory_file=workbook.parent / CONF_FILE if workbook is not None else None,
        user_file=user_config_path(),
        env=env,
        encoding=encoding,
    )
    folder = Path(kehoach.__file__).resolve().parents[1]
    from_env = {p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p}
    site_dirs = [p for p in sys.path[1:] if p and p not in from_env]
    installed = any(Path(p).resolve() == folder for p in site_dirs if Path(p).is_dir())
    windows = None
    if sys.platform == "win32":
        windows = windows_facts(workbook, probe or RegistryProbe(), env)
    return Facts(
        platform=sys.platform,
        python_version=platform_module.python_version(),
        executable=sys.executable,
        requires_python=requires_python,
        requirements=requirements,
        installed=_installed_versions([*names, "xlwings"]),
        kehoach_version=kehoach.__version__,
        kehoach_folder=str(folder),
        kehoach_installed=installed,
        workbook=str(workbook) if workbook is not None else None,
        workbook_problems=problems,
        workbook_xlwings=vba_version,
        settings=settings,
        ansi_encoding=encoding,
        soffice=find_soffice(env=env),
        windows=windows,
    )


def _requirement_name(text: str) -> str:
    try:
        req = Requirement(text)
    except InvalidRequirement:
        return ""
    if req.marker is not None and not req.marker.evaluate({"extra": ""}):
        return ""  # an extra's (tests) or another platform's
    return req.name


if sys.platform == "win32":
    import winreg

    class RegistryProbe:
        """The real Windows: winreg and NTFS alternate data streams."""

        _ROOTS: ClassVar[dict[str, int]] = {
            "HKCU": winreg.HKEY_CURRENT_USER,
            "HKLM": winreg.HKEY_LOCAL_MACHINE,
        }

        def read_stream(self, path: str) -> bytes | None:
            try:
                with open(path, "rb") as stream:
                    return stream.read()
            except OSError:
                return None

        def registry_values(self, root: str, key: str) -> dict[str, Any] | None:
            try:
                with winreg.OpenKey(self._ROOTS[root], key) as handle:
                    values: dict[str, Any] = {}
                    count = winreg.QueryInfoKey(handle)[1]
                    for i in range(count):
                        name, value, _kind = winreg.EnumValue(handle, i)
                        values[name] = value
                    return values
            except OSError:
                return None

        def registry_subkeys(self, root: str, key: str) -> list[str]:
            try:
                with winreg.OpenKey(self._ROOTS[root], key) as handle:
                    count = winreg.QueryInfoKey(handle)[0]
                    return [winreg.EnumKey(handle, i) for i in range(count)]
            except OSError:
                return []
else:

    class RegistryProbe:
        """No registry here: nothing is found."""

        def read_stream(self, path: str) -> bytes | None:
            return None

        def registry_values(self, root: str, key: str) -> dict[str, Any] | None:
            return None

        def registry_subkeys(self, root: str, key: str) -> list[str]:
            return []
