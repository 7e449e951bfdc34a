"""`kehoach setup-excel` core: xlwings' user config points RunPython at us."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from kehoach.common.errors import KeHoachError
from kehoach.install.excel_setup import (
    ConfigChange,
    configure_xlwings,
    interpreter_setting,
    user_config_path,
)


def read_like_xlwings(path: Path) -> dict[str, str]:
    """What xlwings.utils.read_user_config returns (keys lower-cased), without importing it."""
    import re

    out: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        values = re.findall(r'"[^"]*"', line)
        if values:
            out[values[0].strip('"').lower()] = values[1].strip('"')
    return out


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("USERPROFILE", str(tmp_path))
    return tmp_path


def test_config_path_is_where_xlwings_looks(home: Path) -> None:
    assert user_config_path(platform="linux") == home / ".xlwings" / "xlwings.conf"
    assert user_config_path(platform="win32") == home / ".xlwings" / "xlwings.conf"
    assert user_config_path(platform="darwin") == (
        home / "Library" / "Containers" / "com.microsoft.Excel" / "Data" / "xlwings.conf"
    )


def test_new_config_on_a_fresh_home(home: Path) -> None:
    pylib = home / "kehoach" / "pylib"
    pylib.mkdir(parents=True)
    changes = configure_xlwings(pylib, executable="/opt/py/bin/python3", encoding="utf-8")
    conf = home / ".xlwings" / "xlwings.conf"
    key = "INTERPRETER_MAC" if sys.platform == "darwin" else "INTERPRETER_WIN"
    if sys.platform == "darwin":
        conf = user_config_path()
    assert changes == [
        ConfigChange(key, None, "/opt/py/bin/python3"),
        ConfigChange("PYTHONPATH", None, str(pylib.resolve())),
    ]
    assert read_like_xlwings(conf) == {
        key.lower(): "/opt/py/bin/python3",
        "pythonpath": str(pylib.resolve()),
    }
    assert str(changes[0]) == f"Đã thêm {key} = /opt/py/bin/python3"


def test_keeps_other_keys_and_paths_and_is_idempotent(tmp_path: Path) -> None:
    conf = tmp_path / "xlwings.conf"
    conf.write_text(
        '"LICENSE_KEY","abc"\n'
        '"Interpreter_Win","C:\\Old\\python.exe"\n'
        '"PYTHONPATH","C:\\other;D:\\libs"\n'
        '"USE UDF SERVER","True"\n',
        encoding="cp1252",
    )
    kw = {"executable": "C:\\Py311\\python.exe", "platform": "win32", "encoding": "cp1252"}
    changes = configure_xlwings(Path("C:\\kehoach\\pylib"), conf, **kw)
    assert changes == [
        ConfigChange("INTERPRETER_WIN", "C:\\Old\\python.exe", "C:\\Py311\\python.exe"),
        ConfigChange("PYTHONPATH", "C:\\other;D:\\libs", "C:\\other;D:\\libs;C:\\kehoach\\pylib"),
    ]
    assert conf.read_bytes().decode("cp1252").split("\r\n") == [
        '"LICENSE_KEY","abc"',
        '"Interpreter_Win","C:\\Py311\\python.exe"',
        '"PYTHONPATH","C:\\other;D:\\libs;C:\\kehoach\\pylib"',
        '"USE UDF SERVER","True"',
        "",
    ]
    before = conf.read_bytes()
    # Same folder spelt differently on Windows: nothing to do.
    again = configure_xlwings(Path("c:/KeHoach/pylib/"), conf, **kw)
    assert again == []
    assert conf.read_bytes() == before


def test_repeated_key_keeps_the_first_line_vba_reads(tmp_path: Path) -> None:
    conf = tmp_path / "xlwings.conf"
    conf.write_text('"PYTHONPATH","/a"\n"X","1"\n"PYTHONPATH","/b"\n', encoding="utf-8")
    changes = configure_xlwings(
        Path("/p/pylib"), conf, executable="/py", platform="linux", encoding="utf-8"
    )
    assert ConfigChange("PYTHONPATH", "/a", "/a;/p/pylib") in changes
    lines = conf.read_text(encoding="utf-8").splitlines()
    assert lines == ['"PYTHONPATH","/a;/p/pylib"', '"X","1"', '"INTERPRETER_WIN","/py"']


def test_pythonw_beside_python_on_windows(tmp_path: Path) -> None:
    exe = tmp_path / "python.exe"
    exe.touch()
    assert interpreter_setting(str(exe), "win32") == ("INTERPRETER_WIN", str(exe))
    (tmp_path / "pythonw.exe").touch()
    assert interpreter_setting(str(exe), "win32") == (
        "INTERPRETER_WIN",
        str(tmp_path / "pythonw.exe"),
    )
    assert interpreter_setting("/usr/bin/python3", "darwin") == (
        "INTERPRETER_MAC",
        "/usr/bin/python3",
    )


def test_path_the_config_encoding_cannot_hold_is_a_user_error(tmp_path: Path) -> None:
    conf = tmp_path / "xlwings.conf"
    with pytest.raises(KeHoachError, match=r"trang xlwings\.conf") as info:
        configure_xlwings(
            Path("C:\\Users\\Nguyễn\\kehoach\\pylib"),
            conf,
            executable="C:\\Py\\python.exe",
            platform="win32",
            encoding="cp1252",
        )
    assert info.value.file == str(conf)
    assert not conf.exists()


def test_vietnamese_path_on_vietnamese_windows_is_a_user_error(tmp_path: Path) -> None:
    # cp1258, the ANSI code page of Vietnamese Windows, has no precomposed "ễ": VBA could
    # not read such a path back, so it is refused with advice rather than written mangled.
    conf = tmp_path / "xlwings.conf"
    with pytest.raises(KeHoachError, match=r"trang xlwings\.conf"):
        configure_xlwings(
            Path("C:\\Users\\Nguyễn\\pylib"),
            conf,
            executable="C:\\Py\\python.exe",
            platform="win32",
            encoding="cp1258",
        )
