"""Returns saved in the master's own folder, as officials often keep them: the master, its
backups and its history workbooks are the program's files, never returns, and a collection
over that folder lists only the returns."""

from __future__ import annotations

import json
import shutil
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from collect_support import RECEIVED_AT, make_source, returned_master
from extract_support import KEY
from kehoach.cli import main
from kehoach.collect.intake import intake_folder
from returns_corpus import PLAN_ID, extracts, good_snv


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return make_source(tmp_path_factory.mktemp("collect-src"))


def _collect(
    master: Path, folder: Path, at: int, capsys: pytest.CaptureFixture[str]
) -> dict[str, Any]:
    received = (RECEIVED_AT + timedelta(minutes=at)).isoformat()
    code = main(
        ["collect", str(master), "--from", str(folder), "--received-at", received, "--json"]
    )
    report = json.loads(capsys.readouterr().out)
    report["code"] = code
    return report


def test_a_folder_holding_the_master_lists_only_the_returns(
    source: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    r = returned_master(source, tmp_path)
    returns = sorted(p.name for p in r.returns.iterdir())
    for p in r.returns.iterdir():
        shutil.move(p, tmp_path / p.name)
    first = _collect(r.master, tmp_path, 0, capsys)
    # The first run wrote a history workbook and a backup beside the master.
    assert any((tmp_path / "KeHoach2023_LichSu").iterdir())
    assert any((tmp_path / "backup").iterdir())
    second = _collect(r.master, tmp_path, 1, capsys)
    for report in (first, second):
        assert sorted(f["file"] for f in report["files"]) == returns
    assert second["counts"]["accepted"] == 0 and second["history_file"] == ""


def test_only_the_masters_own_files_are_left_out(tmp_path: Path) -> None:
    snv = good_snv(extracts(tmp_path / "x"))
    folder = tmp_path / "in"
    master = folder / "KeHoach2023.xlsm"
    for name in (
        "KeHoach2023.xlsm",
        "KeHoach2023_LichSu/LichSu_2023-12-01_080000.xlsx",
        "backup/KeHoach2023-20231201-080000.xlsm",
        "backup/KeHoach2023-20231201-080000-2.xlsm",
    ):
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(b"PK\x03\x04 not a return")
    kept = (
        "backup/So-Noi-vu.xlsx",  # a return in a folder that happens to be called so
        "backup/KeHoach2022-20231201-080000.xlsm",  # another master's backup: not ours
        "KeHoach2023 - Copy.xlsm",
        "So-Noi-vu.xlsx",
    )
    for name in kept:
        (folder / name).write_bytes(snv)
    with_master = intake_folder(folder, KEY, PLAN_ID, master=master)
    assert sorted(o.name for o in with_master) == sorted(kept)
    assert len(intake_folder(folder, KEY, PLAN_ID)) == len(kept) + 4
