"""``kehoach doctor``: each link of the chain, the broken one named with what to do.

The Windows checks run here on facts a fake registry and NTFS stream reader give
(``FakeWindows``); nothing in this file ran on a real Windows."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from kehoach.cli import main
from kehoach.install import doctor as d
from kehoach.install import facts as f

WB = r"C:\KeHoach\KeHoach2023.xlsm"
TL = r"Software\Microsoft\Office\16.0\Excel\Security\Trusted Locations"
TL_POLICY = r"Software\Policies\Microsoft\Office\16.0\Excel\Security\Trusted Locations"
ASR = r"Software\Policies\Microsoft\Windows Defender\Windows Defender Exploit Guard\ASR\Rules"
APP = r"Software\Microsoft\Windows\CurrentVersion\App Paths\excel.exe"


class FakeWindows:
    """A registry (root, key) -> values and subkeys, and alternate data streams by path."""

    def __init__(
        self,
        keys: dict[tuple[str, str], dict[str, Any]] | None = None,
        streams: dict[str, bytes] | None = None,
    ) -> None:
        self.keys = keys or {}
        self.streams = streams or {}

    def read_stream(self, path: str) -> bytes | None:
        return self.streams.get(path)

    def registry_values(self, root: str, key: str) -> dict[str, Any] | None:
        return self.keys.get((root, key))

    def registry_subkeys(self, root: str, key: str) -> list[str]:
        prefix = key + "\\"
        return sorted(
            k[len(prefix) :]
            for r, k in self.keys
            if r == root and k.startswith(prefix) and "\\" not in k[len(prefix) :]
        )


ENV = {
    "LOCALAPPDATA": r"C:\Users\Hường\AppData\Local",
    "OneDrive": r"C:\Users\Hường\OneDrive - So Noi vu",
}


def facts(**changes: Any) -> f.Facts:
    base = f.Facts(
        platform="win32",
        python_version="3.11.9",
        executable=r"C:\Users\Hường\AppData\Local\KeHoach\python\python.exe",
        requires_python=">=3.11",
        requirements=("openpyxl<3.2,>=3.1.5", "xlwings==0.37.8", 'pytest>=8; extra == "test"'),
        installed={"openpyxl": "3.1.5", "xlwings": "0.37.8"},
        kehoach_version="0.1.0",
        kehoach_folder=r"C:\Users\Hường\AppData\Local\KeHoach\python\Lib\site-packages",
        kehoach_installed=True,
        workbook=WB,
        workbook_xlwings="0.37.8",
        settings={
            "INTERPRETER_WIN": f.Setting(
                "INTERPRETER_WIN",
                r"C:\Users\Hường\AppData\Local\KeHoach\python\pythonw.exe",
                r"%LOCALAPPDATA%\KeHoach\python\pythonw.exe",
                "trang «xlwings.conf»",
            )
        },
        windows=f.WindowsFacts(zone_id=None),
    )
    return dataclasses.replace(base, **changes)


def by_name(checks: list[d.Check]) -> dict[str, d.Check]:
    return {c.name: c for c in checks}


def test_a_sound_chain_has_no_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(d.Path, "is_file", lambda self: True)  # the Windows interpreter path
    checks = d.run_checks(facts())
    assert [c for c in checks if c.status == d.ERROR] == []
    text = d.report_text(checks)
    assert text.endswith("Không có lỗi: các nút bấm của sổ làm việc chạy được Python.")
    assert "[Đạt] xlwings của sổ làm việc: VBA và Python cùng là 0.37.8" in text
    assert "pytest" not in text  # the test extra is not a requirement of the user's install


def test_python_too_old() -> None:
    check = d.check_python(facts(python_version="3.10.11"))
    assert check.status == d.ERROR
    assert "3.10.11" in check.found and ">=3.11" in check.found


def test_a_missing_package_and_a_wrong_version_are_errors_with_the_command() -> None:
    checks = by_name(d.check_packages(facts(installed={"openpyxl": "3.2.0", "xlwings": None})))
    assert checks["openpyxl"].status == d.ERROR
    assert "3.2.0, kehoach cần <3.2,>=3.1.5" in checks["openpyxl"].found
    assert 'pip install "openpyxl<3.2,>=3.1.5"' in checks["openpyxl"].advice
    assert checks["xlwings"].status == d.ERROR
    assert checks["xlwings"].found == "chưa cài (cần ==0.37.8)"


def test_kehoach_run_from_a_folder_without_pip() -> None:
    (check,) = d.check_packages(facts(requires_python=None, requirements=()))
    assert check.status == d.ERROR
    assert "chưa được cài" in check.found


def test_xlwings_of_the_workbook_differs_from_python() -> None:
    checks = by_name(d.check_workbook(facts(workbook_xlwings="0.33.1")))
    check = checks["xlwings của sổ làm việc"]
    assert check.status == d.ERROR
    assert "xlwings64-0.33.1.dll" in check.found
    assert 'pip install "xlwings==0.33.1"' in check.advice


def test_a_workbook_without_its_vba_or_ribbon() -> None:
    checks = by_name(
        d.check_workbook(facts(workbook_problems=("Mất dự án VBA (xl/vbaProject.bin).",)))
    )
    assert checks["Mã VBA và ribbon của sổ làm việc"].status == d.ERROR


def test_a_config_value_the_ansi_code_page_cannot_hold() -> None:
    raw = r"C:\Users\Hường\AppData\Local\KeHoach\python\pythonw.exe"
    setting = f.Setting("INTERPRETER_WIN", raw, raw, r"C:\Users\Hường\.xlwings\xlwings.conf")
    checks = d.check_settings(facts(settings={"INTERPRETER_WIN": setting}))
    bad = [c for c in checks if c.status == d.ERROR and "bảng mã cp1252" in c.found]
    assert len(bad) == 1
    assert "%LOCALAPPDATA%" in bad[0].advice


def test_no_interpreter_configured_on_windows_is_an_error() -> None:
    checks = by_name(d.check_settings(facts(settings={})))
    assert checks["Cấu hình xlwings INTERPRETER_WIN"].status == d.ERROR
    assert checks["Cấu hình xlwings INTERPRETER_WIN"].advice == "kehoach setup-excel TỆP.xlsm"


def test_kehoach_not_importable_by_the_configured_python() -> None:
    checks = by_name(
        d.check_settings(facts(kehoach_installed=False, kehoach_folder=r"D:\kehoach\pylib"))
    )
    assert checks["Cấu hình xlwings PYTHONPATH"].status == d.ERROR
    pp = f.Setting("PYTHONPATH", r"d:\KEHOACH\pylib\\", r"d:\KEHOACH\pylib\\", "x")
    checks = by_name(
        d.check_settings(
            facts(
                kehoach_installed=False,
                kehoach_folder=r"D:\kehoach\pylib",
                settings={"PYTHONPATH": pp},
            )
        )
    )
    assert checks["Cấu hình xlwings PYTHONPATH"].status == d.OK


def test_settings_are_taken_as_xlwings_vba_takes_them(tmp_path: Path) -> None:
    user = tmp_path / "user.conf"
    user.write_bytes(b'"INTERPRETER_WIN","C:\\user\\pythonw.exe"\r\n"PYTHONPATH","C:\\user"\r\n')
    folder = tmp_path / "xlwings.conf"
    folder.write_bytes(b'"PYTHONPATH","%LOCALAPPDATA%\\KeHoach"\r\n')
    got = f.xlwings_settings(
        ["INTERPRETER_WIN", "PYTHONPATH"],
        sheet={"INTERPRETER_WIN": r"%LOCALAPPDATA%\KeHoach\python\pythonw.exe"},
        directory_file=folder,
        user_file=user,
        env=ENV,
        encoding="cp1252",
    )
    assert got["INTERPRETER_WIN"].source == "trang «xlwings.conf»"
    assert (
        got["INTERPRETER_WIN"].value == r"C:\Users\Hường\AppData\Local\KeHoach\python\pythonw.exe"
    )
    assert got["PYTHONPATH"] == f.Setting(
        "PYTHONPATH",
        r"C:\Users\Hường\AppData\Local\KeHoach",
        r"%LOCALAPPDATA%\KeHoach",
        str(folder),
    )


def test_the_conf_sheet_of_a_workbook_is_read_to_its_first_empty_key(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.create_sheet("xlwings.conf")
    for row in (
        ["Interpreter_Win", "%LOCALAPPDATA%\\p.exe"],
        ["PYTHONPATH", None],
        [None, None],
        ["X", "y"],
    ):
        ws.append(row)
    wb.save(tmp_path / "k.xlsx")
    assert f.conf_sheet_values(tmp_path / "k.xlsx") == {
        "INTERPRETER_WIN": "%LOCALAPPDATA%\\p.exe",
        "PYTHONPATH": "",
    }
    wb.remove(ws)
    wb.save(tmp_path / "k.xlsx")
    assert f.conf_sheet_values(tmp_path / "k.xlsx") is None


def test_windows_facts_from_the_registry_and_the_zone_stream() -> None:
    probe = FakeWindows(
        keys={
            ("HKCU", TL): {},
            ("HKCU", TL + r"\Location0"): {"Path": r"%APPDATA%\Microsoft\Excel\XLSTART\\"},
            ("HKCU", TL_POLICY): {},
            ("HKCU", TL_POLICY + r"\Location1"): {"Path": "C:\\KeHoach\\", "AllowSubfolders": 1},
            ("HKLM", APP): {"": r"C:\Program Files\Microsoft Office\root\Office16\EXCEL.EXE"},
            ("HKLM", ASR): {"D4F940AB-401B-4EFC-AADC-AD5F3C50688A": "1"},
        },
        streams={WB + ":Zone.Identifier": b"[ZoneTransfer]\r\nZoneId=3\r\nHostUrl=https://x\r\n"},
    )
    win = f.windows_facts(Path(WB), probe, {**ENV, "APPDATA": r"C:\Users\Hường\AppData\Roaming"})
    assert win.zone_id == 3
    assert win.trusted_locations == (
        f.TrustedLocation(
            r"C:\Users\Hường\AppData\Roaming\Microsoft\Excel\XLSTART\\", False, False
        ),
        f.TrustedLocation("C:\\KeHoach\\", True, True),
    )
    assert win.excel and win.excel.endswith("EXCEL.EXE")
    assert win.asr_office_child == "1"
    assert win.onedrive_roots == (ENV["OneDrive"],)

    checks = by_name(d.check_windows(facts(windows=win)))
    assert checks["Mark of the Web"].status == d.ERROR
    assert "Unblock" in checks["Mark of the Web"].advice
    assert checks["Trusted Location"].status == d.OK
    assert "chính sách nhóm" in checks["Trusted Location"].found
    assert checks["OneDrive"].status == d.OK
    defender = checks["Defender: chặn Office tạo tiến trình con"]
    assert defender.status == d.ERROR
    assert "Run-time error 70" in defender.found


def test_windows_checks_when_things_are_wrong_the_other_way() -> None:
    inside = ENV["OneDrive"] + r"\Documents\KeHoach2023.xlsm"
    win = f.WindowsFacts(
        zone_id=2,
        trusted_locations=(
            f.TrustedLocation(r"C:\Users\Hường\OneDrive - So Noi vu", False, False),
        ),
        onedrive_roots=(ENV["OneDrive"],),
    )
    checks = by_name(d.check_windows(facts(workbook=inside, windows=win)))
    assert checks["Mark of the Web"].status == d.OK  # trusted sites: macros are not blocked
    assert checks["Trusted Location"].status == d.WARNING  # subfolders not allowed
    assert checks["OneDrive"].status == d.WARNING
    assert "C:\\KeHoach" in checks["OneDrive"].advice
    disabled = dataclasses.replace(win, all_locations_disabled=True)
    checks = by_name(d.check_windows(facts(workbook=inside, windows=disabled)))
    assert "tắt mọi Trusted Location" in checks["Trusted Location"].found


def test_on_linux_the_windows_checks_do_not_apply() -> None:
    checks = d.check_windows(facts(platform="linux", windows=None))
    assert {c.status for c in checks} == {d.NOT_APPLICABLE}
    assert all("không áp dụng" in c.found for c in checks)
    assert d.STATUS_LABELS[d.NOT_APPLICABLE] == "Không áp dụng"


def test_pdf_through_libreoffice_or_excel() -> None:
    assert d.check_pdf(facts(soffice=None, windows=f.WindowsFacts(None))).status == d.WARNING
    with_excel = d.check_pdf(facts(soffice=None, windows=f.WindowsFacts(None, excel="EXCEL.EXE")))
    assert with_excel.status == d.OK and "Excel" in with_excel.found


def test_cli_doctor_on_the_real_workbook(
    master_xlsm: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["doctor", str(master_xlsm), "--json"])
    rows = json.loads(capsys.readouterr().out)
    names = {r["name"]: r for r in rows}
    assert names["xlwings của sổ làm việc"]["status"] == d.OK
    assert names["Mã VBA và ribbon của sổ làm việc"]["status"] == d.OK
    assert names["Mark of the Web"]["status_label"] == "Không áp dụng"
    assert code == (1 if any(r["status"] == d.ERROR for r in rows) else 0)


def test_cli_doctor_finds_a_workbook_without_vba(
    master_xlsm: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plain = tmp_path / "KeHoach.xlsx"
    wb = openpyxl.load_workbook(master_xlsm)  # no keep_vba: saved as Excel would save an .xlsx
    wb.save(plain)
    assert main(["doctor", str(plain)]) == 1
    out = capsys.readouterr().out
    assert "[Lỗi] Mã VBA và ribbon của sổ làm việc: Mất dự án VBA" in out
    assert "[Lỗi] xlwings của sổ làm việc" in out


@pytest.mark.parametrize("kind", ["folder", "missing"])
def test_cli_doctor_says_folder_or_missing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    target = tmp_path if kind == "folder" else tmp_path / "khong-co.xlsm"
    assert main(["doctor", str(target)]) == 2
    err = capsys.readouterr().err
    assert ("là một thư mục" in err) == (kind == "folder")
    assert ("Không tìm thấy" in err) == (kind == "missing")
