"""The button "Thu thập báo cáo" (kehoach.xl.collect_returns) through xlwings' remote engine:
the folder from ThuThap!B2, TienDo and ThuThap as the CLI writes them, the alert, a workbook
left alone when the folder is wrong; then the summary button reads what it wrote."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from collect_support import (
    RECEIVED_AT,
    Returned,
    changes,
    make_source,
    progress,
    returned_master,
    sheet_rows,
)
from kehoach import xl
from kehoach.cli import main
from kehoach.sheets import progress_layout as pl
from kehoach.workbook.xlsm import save_xlsm
from xlharness import run_entry


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return make_source(tmp_path_factory.mktemp("collect-xl-src"))


@pytest.fixture
def returned(source: tuple[Path, Path], tmp_path: Path) -> Returned:
    r = returned_master(source, tmp_path)
    wb = load_workbook(r.master, keep_vba=True)
    wb[pl.INTAKE_SHEET][pl.FOLDER_CELL] = str(r.returns)  # as the button's VBA does
    save_xlsm(wb, r.master)
    return r


def press(path: Path, dst: Path | None = None) -> Any:
    """The button on the master at ``path`` (the remote engine knows its name, not its folder:
    the history workbook goes beside ``path``)."""
    return run_entry(
        path,
        lambda book: xl.collect_returns(book, received_at=RECEIVED_AT, master=str(path)),
        dst,
    )


def receipts(path: Path) -> list[list[Any]]:
    """LichSu without its last column (the history workbook's name: a second run in the same
    second gets "_2")."""
    return [r[:-1] for r in sheet_rows(path, pl.HISTORY_SHEET)]


def test_button_collects_the_folder_of_its_cell_like_the_cli(
    returned: Returned, tmp_path: Path, xl_remote: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    result = press(returned.master)
    alert = result.alert
    assert alert.title == "Thu thập báo cáo"
    assert alert.text.startswith("4 tệp: nhận 2, từ chối 1, cũ hơn 1, đã nhận trước đó 0")
    assert "So-Tu-phap (sua).xlsx:" in alert.text
    funcs = [a["func"] for a in result.actions]
    assert "save" in funcs and funcs.index("save") < funcs.index("alert")
    # The CLI on the same master and folder, at the same time, writes the same sheets.
    assert (
        main(
            [
                "collect",
                str(returned.master),
                "--from",
                str(returned.returns),
                "--received-at",
                RECEIVED_AT.isoformat(),
            ]
        )
        == 1
    )
    capsys.readouterr()
    assert progress(result.path) == progress(returned.master)
    assert receipts(result.path) == receipts(returned.master)
    assert changes(result.path) == changes(returned.master) != []
    (button_history,) = {r[-1] for r in sheet_rows(result.path, pl.HISTORY_SHEET)}
    assert button_history == "KeHoach2023_LichSu/LichSu_2023-12-01_080000.xlsx"
    button_intake = sheet_rows(result.path, pl.INTAKE_SHEET)
    assert button_intake == sheet_rows(returned.master, pl.INTAKE_SHEET)
    assert [r[3] for r in button_intake] == [pl.ACCEPTED, pl.SUPERSEDED, pl.REJECTED, pl.ACCEPTED]
    ws = load_workbook(result.path)[pl.INTAKE_SHEET]
    assert ws[pl.FOLDER_CELL].value == str(returned.returns)
    assert str(ws[pl.RUN_NOTE_CELL].value).startswith("Lần thu thập 01/12/2023 08:00: 4 tệp")


def test_second_press_changes_neither_progress_nor_history(
    returned: Returned, tmp_path: Path, xl_remote: Any
) -> None:
    first = press(returned.master)
    second = press(first.path, tmp_path / "second.xlsm")
    assert progress(second.path) == progress(first.path)
    assert sheet_rows(second.path, pl.HISTORY_SHEET) == sheet_rows(first.path, pl.HISTORY_SHEET)
    assert len(list((returned.master.parent / "KeHoach2023_LichSu").iterdir())) == 1
    written = {a["sheet_position"] for a in second.actions if a["func"] == "setValues"}
    names = load_workbook(first.path, read_only=True).sheetnames
    assert {names[i] for i in written} == {pl.INTAKE_SHEET}
    assert "đã nhận trước đó 3" in second.alert.text


def test_wrong_folder_alerts_and_writes_nothing(
    returned: Returned, tmp_path: Path, xl_remote: Any
) -> None:
    wb = load_workbook(returned.master, keep_vba=True)
    wb[pl.INTAKE_SHEET][pl.FOLDER_CELL] = str(tmp_path / "khong-co")
    save_xlsm(wb, returned.master)
    result = press(returned.master)
    assert result.alert.mode == "critical"
    assert "Không tìm thấy thư mục" in result.alert.text
    assert [a["func"] for a in result.actions] == ["alert"]


def test_history_workbook_that_cannot_be_written_alerts_and_writes_nothing(
    returned: Returned, xl_remote: Any
) -> None:
    (returned.master.parent / "KeHoach2023_LichSu").write_text("not a folder")
    result = press(returned.master)
    assert result.alert.mode == "critical"
    assert "Không ghi được tệp lịch sử chi tiết" in result.alert.text
    assert "workbook chưa bị thay đổi gì" in result.alert.text
    assert [a["func"] for a in result.actions] == ["alert"]


def test_summary_button_reads_what_collection_wrote(
    returned: Returned, tmp_path: Path, xl_remote: Any
) -> None:
    summarize = getattr(xl, "summarize_progress", None)
    if summarize is None:
        pytest.skip("the summary button (kehoach.xl.summarize_progress) is not there yet")
    collected = press(returned.master)
    summary = run_entry(collected.path, summarize, tmp_path / "summary.xlsm")
    assert summary.alert.mode != "critical", summary.alert.text
    names = load_workbook(summary.path, read_only=True).sheetnames
    written = {names[a["sheet_position"]] for a in summary.actions if a["func"] == "setValues"}
    assert "TongHop" in written
    text = "\n".join(
        str(v) for row in sheet_rows(summary.path, "TongHop") for v in row if v is not None
    )
    assert "Sở Nội vụ" in text


def test_a_master_excel_cannot_save_alerts_after_collecting(
    returned: Returned, xl_remote: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The master opened read-only: Excel refuses the Save after the merge. The official reads
    why and to save elsewhere at once, not a traceback; the merged rows are in the open book."""

    def refuse(_book: Any, *_args: Any, **_kwargs: Any) -> None:
        raise OSError("(-2147352567, 'Exception occurred.')")

    monkeypatch.setattr(xl_remote.Book, "save", refuse)
    result = press(returned.master)
    assert result.alert.title == xl.ERROR_TITLE and result.alert.mode == "critical"
    assert f"không lưu được sổ «{returned.master.name}» (OSError)" in result.alert.text
    assert "Tệp > Lưu Như" in result.alert.text
    assert "setValues" in [a["func"] for a in result.actions]
