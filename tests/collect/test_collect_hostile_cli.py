"""`kehoach collect` over a folder mixing every hostile kind of return (``returns_corpus.
hostile_returns``, a named pipe, a link to a device) with good ones, on the real master: the
run ends, every good file is taken in, every bad one rejected with a Vietnamese reason, the
exit status is the "some files rejected" one, the master opens and TienDo holds nothing from
a rejected file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from collect_support import RECEIVED_AT, make_source, progress, returned_master
from kehoach.cli import main
from kehoach.common.untrusted_text import storable
from kehoach.sheets import extract_layout as ex
from kehoach.sheets import progress_layout as pl
from returns_corpus import COL, DONE, GOING, Case, fill, hostile_returns, special_files


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return make_source(tmp_path_factory.mktemp("collect-hostile-src"))


def test_collect_takes_in_the_good_and_gives_every_hostile_file_a_reason(
    source: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    returned = returned_master(source, tmp_path)
    good = fill((source[1] / "So-Noi-vu.xlsx").read_bytes(), {4: DONE, 5: GOING})
    hostile = returned.returns / "doc-hai"
    hostile.mkdir()
    cases: list[Case] = []
    for name, data, accepted, reason in hostile_returns(good):
        (hostile / name).write_bytes(data)
        cases.append(Case(storable(f"doc-hai/{name}")[0], accepted, reason))
    cases += [Case(f"doc-hai/{c.name}", c.accepted, c.reason) for c in special_files(hostile)]
    assert len(cases) >= 18

    code = main(
        [
            "collect",
            str(returned.master),
            "--from",
            str(returned.returns),
            "--received-at",
            RECEIVED_AT.isoformat(),
            "--json",
        ]
    )
    captured = capsys.readouterr()
    assert code == 1  # some files rejected
    assert "Traceback" not in captured.err
    files = {f["file"]: f for f in json.loads(captured.out)["files"]}
    for case in cases:
        found = files[case.name]
        if case.accepted:
            assert found["result"] != pl.REJECTED, (case.name, found["reason"])
        else:
            assert found["result"] == pl.REJECTED, case.name
            assert case.reason in found["reason"], (case.name, found["reason"])
    # The good returns of the folder are taken in as before.
    for name in ("So-Noi-vu (thang 11).xlsx", "So-Tu-phap.xlsx"):
        assert files[name]["result"] == pl.ACCEPTED
    assert files["So-Tu-phap (sua).xlsx"]["result"] == pl.REJECTED

    # The master opens; TienDo holds only files taken in; ThuThap lists every file.
    load_workbook(returned.master, keep_vba=True).close()
    taken = {n for n, f in files.items() if f["result"] != pl.REJECTED}
    assert {r["file"] for r in progress(returned.master)} <= taken
    rows = load_workbook(returned.master, read_only=True)[pl.INTAKE_SHEET].iter_rows(
        min_row=pl.FIRST_DATA_ROW, values_only=True
    )
    listed = {r[1]: r for r in rows if r[1] is not None}
    assert set(listed) == set(files)
    noted = listed["doc-hai/ky-tu-dieu-khien.xlsx"][4]
    assert f"đã được thay bằng «\ufffd» (ô {COL[ex.DIFFICULTIES_KEY]}5)" in noted
