"""The officials' working copy outside the code (``kehoach new-copy``) and the xlwings settings
written into the workbook (``kehoach setup-excel WORKBOOK``), with ``%VAR%`` paths."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from kehoach.cli import main
from kehoach.common.resources import checkout_root
from kehoach.install.excel_setup import (
    configure_xlwings,
    env_var_path,
    workbook_settings,
    write_conf_sheet,
)
from kehoach.install.facts import conf_sheet_values
from kehoach.workbook.xlsm import package_problems

ENV = {
    "USERPROFILE": r"C:\Users\Nguyễn Thị Hường",
    "LOCALAPPDATA": r"C:\Users\Nguyễn Thị Hường\AppData\Local",
    "ProgramFiles": r"C:\Program Files",
}
VENV_PYTHON = r"C:\Users\Nguyễn Thị Hường\AppData\Local\KeHoach\venv\Scripts\python.exe"


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (VENV_PYTHON, r"%LOCALAPPDATA%\KeHoach\venv\Scripts\python.exe"),  # longest wins
        (r"c:\users\NGUYỄN THỊ HƯỜNG\kehoach", r"%USERPROFILE%\kehoach"),  # any case
        (
            r"C:\Program Files\KeHoach\venv\Scripts\pythonw.exe",
            r"%ProgramFiles%\KeHoach\venv\Scripts\pythonw.exe",
        ),
        (r"C:\Program Files (x86)\x.exe", r"C:\Program Files (x86)\x.exe"),  # not a prefix folder
        (r"D:\KeHoach\python.exe", r"D:\KeHoach\python.exe"),
    ],
)
def test_paths_under_known_folders_are_written_with_variables(path: str, expected: str) -> None:
    assert env_var_path(path, ENV, "win32") == expected
    assert env_var_path(path, ENV, "linux") == path


def test_workbook_settings_of_an_installed_kehoach_name_only_the_interpreter() -> None:
    settings = workbook_settings(executable=VENV_PYTHON, env=ENV, platform="win32")
    assert settings == {"INTERPRETER_WIN": r"%LOCALAPPDATA%\KeHoach\venv\Scripts\python.exe"}
    checkout = workbook_settings(
        executable=VENV_PYTHON, pylib=Path(r"D:\kehoach\pylib"), env=ENV, platform="win32"
    )
    assert checkout["PYTHONPATH"] == r"D:\kehoach\pylib"


def test_user_config_file_with_a_vietnamese_user_name_uses_the_variable(tmp_path: Path) -> None:
    conf = tmp_path / "xlwings.conf"
    configure_xlwings(
        Path(r"C:\Users\Nguyễn Thị Hường\AppData\Local\KeHoach\pylib"),
        conf,
        executable=VENV_PYTHON,
        platform="win32",
        encoding="cp1258",
        env=ENV,
    )
    assert conf.read_bytes().decode("cp1258").splitlines() == [
        r'"INTERPRETER_WIN","%LOCALAPPDATA%\KeHoach\venv\Scripts\python.exe"',
        r'"PYTHONPATH","%LOCALAPPDATA%\KeHoach\pylib"',
    ]


def test_the_conf_sheet_keeps_other_keys_and_is_hidden() -> None:
    wb = openpyxl.Workbook()
    first = write_conf_sheet(wb, {"INTERPRETER_WIN": "a"})
    ws = wb["xlwings.conf"]
    assert ws.sheet_state == "hidden"
    ws["A2"], ws["B2"] = "Show Console", "False"
    assert [str(c) for c in first] == ["Đã thêm INTERPRETER_WIN = a"]
    changes = write_conf_sheet(wb, {"INTERPRETER_WIN": "b", "PYTHONPATH": "p"})
    assert [str(c) for c in changes] == [
        "Đã đổi INTERPRETER_WIN: a -> b",
        "Đã thêm PYTHONPATH = p",
    ]
    rows = [tuple(r) for r in ws.iter_rows(values_only=True)]
    assert rows == [("INTERPRETER_WIN", "b"), ("Show Console", "False"), ("PYTHONPATH", "p")]
    assert write_conf_sheet(wb, {"interpreter_win": "b"}) == []


def test_new_copy_builds_a_workbook_that_names_its_python(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "Kế hoạch CCHC"
    assert main(["new-copy", str(folder)]) == 0
    copy = folder / "KeHoach2023.xlsm"
    assert f"Đã tạo sổ làm việc {copy}." in capsys.readouterr().out
    assert package_problems(copy) == []  # VBA and ribbon kept through the second save
    values = conf_sheet_values(copy)
    assert values is not None and values["INTERPRETER_WIN"]
    assert openpyxl.load_workbook(copy)["xlwings.conf"].sheet_state == "hidden"
    assert main(["check", str(copy)]) in (0, 1)  # the extra sheet disturbs nothing
    capsys.readouterr()

    before = copy.read_bytes()
    assert main(["new-copy", str(folder)]) == 2
    assert "Đã có sổ làm việc ở đây: giữ nguyên" in capsys.readouterr().err
    assert copy.read_bytes() == before


def test_new_copy_refuses_the_source_checkout(capsys: pytest.CaptureFixture[str]) -> None:
    root = checkout_root()
    assert root is not None
    assert main(["new-copy", str(root / "workbook" / "ban-lam-viec")]) == 2
    assert "nằm trong thư mục mã nguồn" in capsys.readouterr().err
    assert not (root / "workbook" / "ban-lam-viec").exists()


def test_setup_excel_writes_the_workbook_sheet(
    master_xlsm: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["setup-excel", str(master_xlsm)]) == 0
    assert "Đã ghi trang «xlwings.conf»" in capsys.readouterr().out
    assert conf_sheet_values(master_xlsm) is not None
    assert package_problems(master_xlsm) == []
    assert main(["setup-excel", str(master_xlsm)]) == 0
    assert "không có gì thay đổi" in capsys.readouterr().out
    assert main(["setup-excel"]) == 2
    assert "--user-config" in capsys.readouterr().err
