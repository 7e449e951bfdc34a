"""The offline Windows bundle (scripts/build-windows-bundle.sh, scripts/windows_bundle.py,
scripts/windows/CaiDat.ps1): what can be checked on Linux. Nothing here runs PowerShell."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
import unicodedata
import zipfile
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
WINDOWS = ROOT / "scripts" / "windows"
PS1 = WINDOWS / "CaiDat.ps1"
CMD = WINDOWS / "CaiDat.cmd"
BUILD = ROOT / "scripts" / "build-windows-bundle.sh"
URL = re.compile(r"https?://|www\.|ftp://", re.I)


def bundle_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "windows_bundle", ROOT / "scripts" / "windows_bundle.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def ps1_text() -> str:
    return PS1.read_bytes()[3:].decode("utf-8")


def test_the_powershell_script_is_utf8_with_bom_and_nfc() -> None:
    data = PS1.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # Windows PowerShell 5.1 reads UTF-8 only with it
    text = data[3:].decode("utf-8")
    assert unicodedata.is_normalized("NFC", text)
    assert "\r\n" in text and "\n" not in text.replace("\r\n", "")
    assert "Không tìm thấy Python 3.11" in text


def test_the_cmd_launcher_is_ascii_and_calls_the_script_beside_it() -> None:
    data = CMD.read_bytes()
    data.decode("ascii")  # cmd.exe reads .cmd files in the OEM code page: no Vietnamese here
    assert b"\r\n" in data
    assert b'-File "%~dp0CaiDat.ps1" %*' in data


@pytest.mark.parametrize("path", [PS1, CMD, BUILD], ids=lambda p: p.name)
def test_installer_scripts_name_no_network_address(path: Path) -> None:
    assert not URL.search(path.read_bytes().decode("utf-8-sig"))


def test_pip_in_the_installer_never_reaches_an_index() -> None:
    calls = [line for line in ps1_text().splitlines() if re.search(r"-m pip\b", line)]
    assert calls
    assert all("--no-index" in line and "--find-links $Wheels" in line for line in calls)


def test_supported_pythons_agree_with_the_package_and_the_build() -> None:
    text = ps1_text()
    listed = re.search(r"\$SupportedPythons = @\(([^)]*)\)", text)
    assert listed is not None
    ps_versions = sorted(re.findall(r"'(3\.\d+)'", listed.group(1)))
    build = re.search(r"PY_VERSIONS:-([0-9. ]+)\}", BUILD.read_text(encoding="utf-8"))
    assert build is not None
    assert ps_versions == sorted(build.group(1).split())
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    minimum = re.search(r'requires-python = ">=(3\.\d+)"', pyproject)
    assert minimum is not None and ps_versions[0] == minimum.group(1)


@pytest.fixture(scope="module")
def kehoach_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from test_packaging import build_wheel

    return build_wheel(tmp_path_factory.mktemp("wheel"))


@pytest.fixture(scope="module")
def staged(
    kehoach_wheel: Path, tmp_path_factory: pytest.TempPathFactory, master_source: Path
) -> Path:
    module = bundle_module()
    return module.stage(
        tmp_path_factory.mktemp("stage") / "KeHoach-0.1.0-windows",
        kehoach_wheel.parent,
        master_source,
    )


@pytest.fixture(scope="module")
def master_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from plan_workbooks import build_real_master

    return build_real_master(tmp_path_factory.mktemp("wb") / "KeHoach2023.xlsm")


def test_every_bundle_path_the_installer_names_is_in_the_bundle(staged: Path) -> None:
    text = ps1_text()
    named = re.findall(r"Join-Path \$Here '([^']+)'", text)
    assert set(named) >= {"wheels", "python"}
    for name in named:
        if name != "python":  # optional: only when IT adds a python.org installer
            assert (staged / name).exists(), name
    for name in ("CaiDat.ps1", "CaiDat.cmd", "HUONG-DAN-IT.md", "mau/KeHoach2023.xlsm"):
        assert (staged / name).is_file(), name
    assert (staged / "CaiDat.ps1").read_bytes() == PS1.read_bytes()
    assert list((staged / "wheels").glob("kehoach-*.whl"))
    sums = (staged / "SHA256SUMS.txt").read_text(encoding="utf-8")
    assert "  wheels/kehoach-" in sums and "  CaiDat.ps1" in sums


def test_the_zip_is_reproducible(staged: Path, tmp_path: Path) -> None:
    module = bundle_module()
    first = module.write_zip(staged, tmp_path / "a.zip").read_bytes()
    (staged / "CaiDat.cmd").touch()  # a later date on disk changes nothing
    second = module.write_zip(staged, tmp_path / "b.zip").read_bytes()
    assert first == second
    names = zipfile.ZipFile(tmp_path / "a.zip").namelist()
    assert names == sorted(names)
    assert all(n.startswith("KeHoach-0.1.0-windows/") for n in names)


@pytest.mark.packaging
def test_the_dependencies_resolve_for_windows_from_the_downloaded_wheels_only(
    kehoach_wheel: Path, tmp_path: Path
) -> None:
    """What the build script checks for each Python: pip, told win_amd64 and CPython 3.11,
    downloads the wheels, then resolves kehoach from them alone (no index)."""
    wheels = kehoach_wheel.parent
    common = [
        "--only-binary=:all:",
        "--platform",
        "win_amd64",
        "--implementation",
        "cp",
        "--python-version",
        "3.11",
    ]
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check"]
    download = subprocess.run(
        [*pip, "download", "-q", *common, "-d", str(wheels), str(kehoach_wheel)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert download.returncode == 0, download.stderr
    assert list(wheels.glob("xlwings-*-cp311-cp311-win_amd64.whl"))
    resolve = subprocess.run(
        [
            *pip,
            "install",
            "--dry-run",
            "--ignore-installed",
            "--no-index",
            "--find-links",
            str(wheels),
            *common,
            "--target",
            str(tmp_path / "t"),
            "--report",
            str(tmp_path / "report.json"),
            "kehoach",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert resolve.returncode == 0, resolve.stderr
    import json

    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    names = {item["metadata"]["name"].lower() for item in report["install"]}
    assert {"kehoach", "xlwings", "pandas", "numpy", "python-calamine", "openpyxl"} <= names
