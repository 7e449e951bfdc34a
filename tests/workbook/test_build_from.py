"""A new plan's master from last year's: ``kehoach build --from OLD.xlsm``
(kehoach.workbook.previous). What the officials built up goes over, last year's progress not."""

from __future__ import annotations

import contextlib
import hashlib
import io
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl import load_workbook

from kehoach.agencies.directory import ENTRY_KEYS, load_directory, read_seed
from kehoach.agencies.resolve import resolve_plan
from kehoach.checks.rules import rules_from_values
from kehoach.cli import EXIT_OK, EXIT_USER_ERROR, main
from kehoach.extract.signing import key_edits, new_key, stored_key
from kehoach.plan.importer import default_plan_path, load_plan
from kehoach.sheets import extract_layout as ex
from kehoach.sheets import layout
from kehoach.sheets import mail_layout as ml
from kehoach.sheets import progress_layout as pl
from kehoach.sheets.edits import apply_to_workbook
from kehoach.sheets.sheetdata import workbook_values
from kehoach.state.master import state_from_values
from kehoach.workbook.previous import read_previous
from shifted_plan import shifted_plan_text

ROOT = Path(__file__).resolve().parents[2]
SEED = read_seed(ROOT / "templates" / "co-quan.tsv")
NEW_SPELLING = "Sở TTTT"  # how the new plan writes «Sở Thông tin và Truyền thông» once
RENAMED_TASK = "PL1-TCTP-3.2.3/2"
REMOVED_TASK = "Hồ sơ thủ tục hành chính được cập nhật đầy đủ, kịp thời tại Phần mềm Một cửa"
ADDED_CRITERION = "PL1-TC-1.8"
SETTINGS = {
    "Địa chỉ email người gửi": "vanthu.snv@backan.gov.vn",
    "Máy chủ SMTP": "mail.backan.gov.vn",
    "Cổng SMTP": 465,
}
DELETED_RULE = "MA-TRUNG"


def _row(ws: Any, key: str, column: int = 1) -> int:
    for row in range(layout.FIRST_DATA_ROW, ws.max_row + 1):
        if ws.cell(row, column).value == key:
            return row
    raise KeyError(key)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def changed_plan_text(folder: Path) -> Path:
    """Next year's plan: the embedded plan with a task removed, a criterion added (TC 1.8 of
    PL1), the lead of one task spelled «Sở TTTT», its years moved on and its number changed
    (``shifted_plan``: results of 2025, targets for 2026, Plan 512)."""
    lines = default_plan_path().read_text(encoding="utf-8").split("\n")
    at = next(i for i, s in enumerate(lines) if s.startswith("\t\t\t\tSố liệu hồ sơ TTHC"))
    assert lines[at].count("Sở Thông tin và Truyền thông") == 1
    lines[at] = lines[at].replace("Sở Thông tin và Truyền thông", NEW_SPELLING)
    del lines[next(i for i, s in enumerate(lines) if s.startswith("\t\t\t\t" + REMOVED_TASK))]
    at = next(i for i, s in enumerate(lines) if s.startswith("4\tTC 1.6. "))
    lines.insert(
        at + 1,
        "5\tTC 1.8. Bồi dưỡng nghiệp vụ cải cách hành chính\t1,00\tHoàn thành 100% nhiệm vụ"
        "\tTổ chức tập huấn nghiệp vụ CCHC cho công chức\tSở Nội vụ\t\tQuý IV",
    )
    path = folder / "ke-hoach-2026.txt"
    path.write_text(shifted_plan_text("\n".join(lines)), encoding="utf-8")
    return path


def work_a_year(path: Path) -> None:
    """What officials do to a master over a year: the directory (an e-mail, an alias, group
    members, an agency added), the settings, the rules; and the progress: a result typed in
    PL1, a report collected (TienDo, LichSu), a message sent, the list of files sent, the key
    that signed them."""
    wb = load_workbook(path, keep_vba=True)
    apply_to_workbook(wb, key_edits(new_key()))
    ws = wb[layout.DIRECTORY_SHEET]

    def put(code: str, key: str, value: str) -> None:
        ws.cell(_row(ws, code), ENTRY_KEYS.index(key) + 1).value = value

    put("SNV", "emails", "vanthu.snv@backan.gov.vn")
    put("STTTT", "aliases", NEW_SPELLING)
    put("NHOM-LIENQUAN", "members", "STP; STC")
    new = ws.max_row + 1
    for key, value in {
        "code": "KBNN",
        "name": "Kho bạc Nhà nước tỉnh",
        "kind": "Cơ quan Trung ương trên địa bàn",
        "emails": "kbnn@backan.gov.vn",
    }.items():
        ws.cell(new, ENTRY_KEYS.index(key) + 1).value = value
    ws = wb[ml.SETTINGS_SHEET]
    for number in range(ml.FIRST_DATA_ROW, ws.max_row + 1):
        if ws.cell(number, 1).value in SETTINGS:
            ws.cell(number, 2).value = SETTINGS[ws.cell(number, 1).value]
    ws = wb[layout.RULES_SHEET]
    col = {c.key: i for i, c in enumerate(layout.RULE_COLUMNS, start=1)}
    ws.cell(_row(ws, "MT-PAPI"), col["enabled"]).value = "Không"
    ws.cell(_row(ws, "NV-O-GOP"), col["severity"]).value = "thông tin"
    ws.delete_rows(_row(ws, DELETED_RULE))
    ws = wb[layout.APPENDIX_SHEETS["PL1"]]
    result = layout.column_index(layout.APPENDIX_COLUMNS["PL1"], layout.RESULT_KEY)
    ws.cell(_row(ws, "PL1-TC-1.2"), result).value = 2.0
    wb[pl.PROGRESS_SHEET].append(["PL1-TC-1.1/1", "SNV", "Sở Nội vụ", "chủ trì", "PL1"])
    wb[pl.HISTORY_SHEET].append(["2023-09-01 08:00", "SNV.xlsx", "ab" * 32])
    wb[ml.LOG_SHEET].append(["2023-07-01 08:00", "SNV", "Sở Nội vụ"])
    manifest = wb.create_sheet(ex.MANIFEST_SHEET)
    manifest["A1"] = ex.MANIFEST_TITLE
    manifest.append([c.header for c in ex.MANIFEST_COLUMNS])
    manifest.append([1, "SNV", "Sở Nội vụ", "SNV.xlsx", 88, 74, "ab" * 32])
    wb.save(path)


def data_rows(values: dict[str, list[list[Any]]], sheet: str, first: int) -> list[Sequence[Any]]:
    return [r for r in values[sheet][first - 1 :] if any(v not in (None, "") for v in r)]


@dataclass(frozen=True)
class Year:
    old: Path
    new: Path
    plan: Path
    code: int
    out: str
    err: str
    old_sha: str


def run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def year(_built_master: Path, tmp_path_factory: pytest.TempPathFactory) -> Year:
    """Last year's master, worked on, and this year's built from it through the CLI."""
    folder = tmp_path_factory.mktemp("years")
    old = Path(shutil.copy2(_built_master, folder / "KeHoach2023.xlsm"))
    work_a_year(old)
    sha = _sha(old)
    plan = changed_plan_text(folder)
    new = folder / "KeHoach2026.xlsm"
    code, out, err = run(["build", "--plan", str(plan), "--out", str(new), "--from", str(old)])
    return Year(old, new, plan, code, out, err, sha)


def test_the_cli_says_what_it_carried(year: Year) -> None:
    assert (year.code, year.err) == (EXIT_OK, "")
    agencies = len(SEED.recipients()) + 1  # the seed's and the one the officials added
    assert year.out.splitlines()[-1] == (
        f"Đã mang sang từ {year.old}: {agencies} cơ quan (2 có e-mail), 3 thiết lập, "
        "3 quy tắc đã sửa; không mang sang: tiến độ, kết quả năm trước."
    )
    assert _sha(year.old) == year.old_sha  # only read


def test_the_directory_goes_over_and_resolves_the_new_spelling(year: Year) -> None:
    values = workbook_values(year.new)
    directory = load_directory(values)
    index = directory.index()
    assert index["SNV"].emails == ("vanthu.snv@backan.gov.vn",)
    assert index["STTTT"].aliases == (NEW_SPELLING,)
    assert index["NHOM-LIENQUAN"].members == ("STP", "STC")
    assert index["KBNN"].emails == ("kbnn@backan.gov.vn",)
    plan = load_plan(year.plan)
    # The seed alone does not know the new spelling; last year's directory does.
    assert any(u.text == NEW_SPELLING for u in resolve_plan(plan, SEED).unresolved)
    lead = resolve_plan(plan, directory).of_task(RENAMED_TASK, "lead")
    assert [a.agency for a in lead] == ["STTTT"]
    unresolved = values[layout.UNRESOLVED_SHEET][layout.FIRST_DATA_ROW - 1 :]
    assert not any(NEW_SPELLING in str(v) for row in unresolved for v in row)


def test_settings_and_rule_edits_go_over(year: Year) -> None:
    values = workbook_values(year.new)
    rows = values[ml.SETTINGS_SHEET][ml.FIRST_DATA_ROW - 1 :]
    settings = {r[0]: r[1] for r in rows if r and r[0]}
    assert {k: settings[k] for k in SETTINGS} == SETTINGS
    assert settings["Tên người gửi"] == "Sở Nội vụ tỉnh Bắc Kạn"  # the default, untouched
    rules = {r.id: r for r in rules_from_values(state_from_values(values))}
    assert rules["MT-PAPI"].enabled is False
    assert rules["NV-O-GOP"].severity == "info"
    assert DELETED_RULE not in rules
    assert rules["PHAN-CAP"].enabled is True


def test_the_new_plan_is_built_and_last_years_progress_stays_behind(year: Year) -> None:
    values = workbook_values(year.new)
    ws = load_workbook(year.new)["PL1"]
    id_col = layout.column_index(layout.APPENDIX_COLUMNS["PL1"], "id")
    ids = {ws.cell(r, id_col).value for r in range(layout.FIRST_DATA_ROW, ws.max_row + 1)}
    assert ADDED_CRITERION in ids
    tasks = values[layout.TASKS_SHEET]
    assert not any(REMOVED_TASK in str(v) for row in tasks for v in row)
    result = layout.column_index(layout.APPENDIX_COLUMNS["PL1"], layout.RESULT_KEY)
    assert ws.cell(_row(ws, "PL1-TC-1.2", id_col), result).value is None
    assert data_rows(values, pl.PROGRESS_SHEET, pl.FIRST_DATA_ROW) == []
    assert data_rows(values, pl.HISTORY_SHEET, pl.FIRST_DATA_ROW) == []
    assert data_rows(values, ml.LOG_SHEET, ml.FIRST_DATA_ROW) == []
    assert ex.MANIFEST_SHEET not in values
    # Last year's agency files are not this plan's: the new master makes a key of its own
    # when it first signs.
    assert stored_key(year.old) is not None
    assert stored_key(year.new) is None


def test_the_new_master_speaks_of_the_new_plans_years(year: Year) -> None:
    """What was carried takes the new plan's years: headers, rule texts, the directory's
    group named for the target year; last year's years and number are nowhere."""
    values = workbook_values(year.new)
    headers = [str(v) for v in values["PL2"][layout.HEADER_ROW - 1] if v]
    assert "Điểm đạt được năm 2025" in headers and "Mục tiêu năm 2026" in headers
    rules = {r.id: r for r in rules_from_values(state_from_values(values))}
    assert "năm 2026" in rules["MT-PAPI"].description
    group = load_directory(values).index()["NHOM-TUYENDUNG"]
    assert group.name.endswith("trong năm 2026")
    for sheet in (layout.APPENDIX_SHEETS["PL2"], layout.RULES_SHEET, layout.DIRECTORY_SHEET):
        shown = " ".join(str(v) for row in values[sheet] for v in row if v is not None)
        assert "2023" not in shown and "365/KH" not in shown, sheet


def test_rebuilding_last_years_master_still_keeps_its_progress(year: Year, tmp_path: Path) -> None:
    """The ordinary rebuild (no --from) of a worked master keeps all of it."""
    copy = Path(shutil.copy2(year.old, tmp_path / year.old.name))
    code, _, err = run(["build", "--out", str(copy)])
    assert (code, err) == (EXIT_OK, "")
    values = workbook_values(copy)
    assert len(data_rows(values, pl.PROGRESS_SHEET, pl.FIRST_DATA_ROW)) == 1
    assert len(data_rows(values, ml.LOG_SHEET, ml.FIRST_DATA_ROW)) == 1
    assert ex.MANIFEST_SHEET in values
    assert load_directory(values).index()["KBNN"].emails == ("kbnn@backan.gov.vn",)
    assert stored_key(copy) == stored_key(year.old)


@pytest.mark.parametrize("spelled", ["as is", "through another folder"])
def test_from_the_same_file_as_out_is_refused(master_xlsm: Path, spelled: str) -> None:
    before = _sha(master_xlsm)
    same = master_xlsm
    if spelled != "as is":
        (master_xlsm.parent / "khac").mkdir()
        same = master_xlsm.parent / "khac" / ".." / master_xlsm.name
    code, out, err = run(["build", "--out", str(master_xlsm), "--from", str(same)])
    assert (code, out) == (EXIT_USER_ERROR, "")
    assert f"Lỗi: tệp {master_xlsm}: --from và --out là cùng một tệp" in err
    assert "Không ghi gì" in err and "bỏ --from" in err
    assert _sha(master_xlsm) == before


def test_an_existing_out_is_refused(master_xlsm: Path, tmp_path: Path) -> None:
    out = Path(shutil.copy2(master_xlsm, tmp_path / "KeHoach2024.xlsm"))
    before = _sha(out)
    code, _, err = run(["build", "--out", str(out), "--from", str(master_xlsm)])
    assert code == EXIT_USER_ERROR
    assert f"Lỗi: tệp {out}: Tệp --out đã có." in err
    assert _sha(out) == before


def test_a_workbook_that_is_not_a_master_is_refused(tmp_path: Path) -> None:
    other = tmp_path / "BangDiem.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "Điểm"
    wb.save(other)
    new = tmp_path / "KeHoach2024.xlsm"
    code, _, err = run(["build", "--out", str(new), "--from", str(other)])
    assert code == EXIT_USER_ERROR
    assert f"Lỗi: tệp {other}: Đây không phải workbook kế hoạch do chương trình tạo" in err
    assert "«Danh bạ cơ quan», «Quy tắc»" in err
    assert not new.exists()


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("~$KeHoach2023.xlsm", "Workbook năm trước đang mở trong Excel (có tệp khóa"),
        (None, "Không tìm thấy workbook năm trước."),
    ],
)
def test_an_open_or_missing_old_master_is_refused(
    master_xlsm: Path, tmp_path: Path, name: str | None, expected: str
) -> None:
    if name is None:
        master_xlsm.unlink()
    else:
        (master_xlsm.parent / name).write_bytes(b"")
    new = tmp_path / "new" / "KeHoach2024.xlsm"
    code, _, err = run(["build", "--out", str(new), "--from", str(master_xlsm)])
    assert code == EXIT_USER_ERROR
    assert f"Lỗi: tệp {master_xlsm}: {expected}" in err
    assert not new.exists()


def test_from_and_new_directory_do_not_go_together(
    master_xlsm: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["build", "--out", str(tmp_path / "x.xlsm"), "--new-directory", "--from", "a.xlsm"])
    assert stop.value.code == EXIT_USER_ERROR
    assert "không dùng cùng với --new-directory" in capsys.readouterr().err


def test_an_untouched_master_carries_no_edits(master_xlsm: Path, tmp_path: Path) -> None:
    previous = read_previous(master_xlsm, tmp_path / "new.xlsm", ROOT / "templates")
    assert (previous.changed_settings, previous.edited_rules) == (0, 0)
    assert (previous.agencies, previous.with_email) == (len(SEED.recipients()), 0)
    assert previous.directory == SEED


def test_a_damaged_directory_in_the_old_master_is_named(master_xlsm: Path, tmp_path: Path) -> None:
    wb = load_workbook(master_xlsm, keep_vba=True)
    ws = wb[layout.DIRECTORY_SHEET]
    row = _row(ws, "SNV")
    ws.cell(row, ENTRY_KEYS.index("kind") + 1).value = "Phòng ban"
    wb.save(master_xlsm)
    new = tmp_path / "KeHoach2024.xlsm"
    code, _, err = run(["build", "--out", str(new), "--from", str(master_xlsm)])
    assert code == EXIT_USER_ERROR
    letter = chr(ord("A") + ENTRY_KEYS.index("kind"))
    assert f"Lỗi: tệp {master_xlsm}, trang tính '{layout.DIRECTORY_SHEET}', ô {letter}{row}" in err
    assert not new.exists()


def test_a_rule_the_program_no_longer_knows_stops_then_is_dropped(
    master_xlsm: Path, tmp_path: Path
) -> None:
    wb = load_workbook(master_xlsm, keep_vba=True)
    ws = wb[layout.RULES_SHEET]
    ws.append(["QT-CU", "Một quy tắc của bản trước", "Không"])
    row = ws.max_row
    wb.save(master_xlsm)
    new = tmp_path / "KeHoach2024.xlsm"
    argv = ["build", "--out", str(new), "--from", str(master_xlsm)]
    code, _, err = run(argv)
    assert code == EXIT_USER_ERROR
    assert f"Lỗi: tệp {master_xlsm}: Không tạo lại workbook: 1 giá trị" in err
    where = f"trang tính '{layout.RULES_SHEET}', ô C{row} (QT-CU): «Không»"
    assert f"{where}: chương trình không còn quy tắc này" in err
    assert not new.exists()
    code, out, err = run([*argv, "--drop-unmatched"])
    assert (code, err) == (EXIT_OK, "")
    assert f"Đã bỏ (không còn chỗ trong workbook mới): {where}" in out
    assert "QT-CU" not in {r.id for r in rules_from_values(state_from_values(workbook_values(new)))}
