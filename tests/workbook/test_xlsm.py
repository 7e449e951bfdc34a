"""The .xlsm package: reproducible builds, the committed workbook, safe saves, the readers."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from pyopenvba import ExcelFile

from kehoach.common.errors import BuildError, WorkbookError
from kehoach.workbook import xlsm
from kehoach.workbook.xlsm import (
    CUSTOMUI14_REL,
    CUSTOMUI_PART,
    CUSTOMUI_REL,
    VBA_PART,
    build_xlsm,
    macro_sources,
    package_problems,
    ribbon_buttons,
    ribbon_xml,
    save_xlsm,
)
from xlsm_support import (
    COMMITTED_WORKBOOK,
    MACROS,
    ROOT,
    build_sample,
    copy_to,
    parts,
    stand_in_fill,
)

PRESERVED = (VBA_PART, CUSTOMUI_PART, "_rels/.rels", "xl/_rels/workbook.xml.rels")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_sample(tmp_path_factory.mktemp("built"))


# --- determinism ------------------------------------------------------------------------


def test_two_builds_are_byte_identical(built: Path, tmp_path: Path) -> None:
    again = build_sample(tmp_path)
    assert again.read_bytes() == built.read_bytes()


def test_a_build_in_another_process_is_byte_identical(built: Path, tmp_path: Path) -> None:
    """Another hash seed: openpyxl copies VBA parts in set order, the build must not care."""
    code = "import sys, pathlib, xlsm_support; xlsm_support.build_sample(pathlib.Path(sys.argv[1]))"
    env = {
        **os.environ,
        "PYTHONHASHSEED": "12345",
        "PYTHONPATH": f"{ROOT / 'pylib'}{os.pathsep}{ROOT / 'tests'}",
    }
    subprocess.run([sys.executable, "-c", code, str(tmp_path)], check=True, env=env)
    assert (tmp_path / built.name).read_bytes() == built.read_bytes()


def test_zip_is_normalised(built: Path) -> None:
    with zipfile.ZipFile(built) as z:
        infos = z.infolist()
        core = z.read("docProps/core.xml").decode()
    names = [i.filename for i in infos]
    assert names[:2] == ["[Content_Types].xml", "_rels/.rels"]
    assert names[2:] == sorted(names[2:])
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert {(i.create_system, i.external_attr) for i in infos} == {(0, 0o600 << 16)}
    stamp = xlsm.BUILD_TIMESTAMP.strftime("%Y-%m-%dT%H:%M:%SZ")  # no plan given: a fixed date
    assert f">{stamp}</dcterms:created>" in core
    assert f">{stamp}</dcterms:modified>" in core
    assert "<dc:creator>kehoach</dc:creator>" in core


def test_the_master_is_dated_by_its_plan() -> None:
    """The committed master (built from the embedded plan of 08/6/2023) carries the plan's
    date as its created and modified dates, the same on every build."""
    with zipfile.ZipFile(COMMITTED_WORKBOOK) as z:
        core = z.read("docProps/core.xml").decode()
    assert ">2023-06-08T00:00:00Z</dcterms:created>" in core
    assert ">2023-06-08T00:00:00Z</dcterms:modified>" in core


def test_build_is_a_whole_macro_workbook(built: Path) -> None:
    assert package_problems(built) == []
    wb = openpyxl.load_workbook(built)
    assert wb.sheetnames == ["Giới thiệu", "PL1"]
    # The cover keeps the template sheet's code name, which its VBA document module is bound to.
    assert wb.worksheets[0].sheet_properties.codeName == "Sheet1"
    assert "Module1" not in xlsm.vba_modules(built)


def test_rebuilding_an_unchanged_workbook_leaves_it_and_makes_no_backup(
    built: Path, tmp_path: Path
) -> None:
    out = copy_to(built, tmp_path)
    build_xlsm(out, stand_in_fill, MACROS)
    assert out.read_bytes() == built.read_bytes()
    assert not (tmp_path / "backup").exists()


def test_rebuilding_a_changed_workbook_backs_the_old_one_up(built: Path, tmp_path: Path) -> None:
    out = copy_to(built, tmp_path)

    def other_fill(wb: Any) -> None:
        wb.worksheets[0]["A1"] = "khác"

    build_xlsm(out, other_fill, MACROS)
    (backup,) = (tmp_path / "backup").iterdir()
    assert backup.read_bytes() == built.read_bytes()
    assert out.read_bytes() != built.read_bytes()


def test_committed_workbook_equals_a_fresh_build(tmp_path: Path) -> None:
    """CI guard: workbook/KeHoach2023.xlsm is what `kehoach build` makes from the sources."""
    from kehoach.plan.importer import load_default_plan

    hint = (
        "workbook/KeHoach2023.xlsm is not what the sources build: run `kehoach build` and commit it"
    )
    assert COMMITTED_WORKBOOK.is_file(), hint
    fresh = tmp_path / COMMITTED_WORKBOOK.name
    xlsm.build_master(fresh, load_default_plan(), MACROS, ROOT / "templates")
    committed, rebuilt = parts(COMMITTED_WORKBOOK), parts(fresh)
    differing = sorted(
        n for n in committed.keys() | rebuilt.keys() if committed.get(n) != rebuilt.get(n)
    )
    assert not differing, f"{hint} (parts differing: {', '.join(differing)})"
    assert COMMITTED_WORKBOOK.read_bytes() == fresh.read_bytes(), hint


def test_the_build_takes_the_parts_openpyxl_saves(tmp_path: Path) -> None:
    """The parts a build packs are those openpyxl's own save writes, deflated or not."""
    from datetime import datetime

    def filled() -> Any:
        wb = openpyxl.load_workbook(COMMITTED_WORKBOOK, keep_vba=True)
        ws = wb.create_sheet("Thêm")
        ws.append(["Mã định danh", "Cơ quan"])
        ws.append(["PL1.1", "Sở Nội vụ"])
        return wb

    when = datetime(2023, 7, 1, 8, 0)
    saved = tmp_path / "saved.xlsm"
    wb = filled()
    wb.save(saved)
    expected = parts(saved)
    got = xlsm._saved_parts(filled(), when)
    assert sorted(got) == sorted(expected) and VBA_PART in got
    core = "docProps/core.xml"
    assert all(got[n] == expected[n] for n in got if n != core)
    fixed = [xlsm._fixed_core_dates(found[core], when) for found in (got, expected)]
    assert fixed[0] == fixed[1]


# --- saving into an existing workbook ----------------------------------------------------


def _preserved(path: Path) -> dict[str, bytes]:
    found = parts(path)
    return {name: found[name] for name in PRESERVED}


@pytest.mark.parametrize("edit", [False, True], ids=["unchanged", "edited"])
def test_save_keeps_vba_ribbon_and_relationships_byte_identical(
    built: Path, tmp_path: Path, edit: bool
) -> None:
    path = copy_to(built, tmp_path)
    before = _preserved(path)
    wb = openpyxl.load_workbook(path, keep_vba=True)
    if edit:
        wb["PL1"]["D2"] = "Đã cập nhật"
    save_xlsm(wb, path)
    assert _preserved(path) == before
    assert package_problems(path, reference=before) == []
    assert ribbon_xml(path) == (MACROS / "customUI.xml").read_bytes()
    if edit:
        assert openpyxl.load_workbook(path)["PL1"]["D2"].value == "Đã cập nhật"


def test_save_and_build_keep_the_file_permissions(built: Path, tmp_path: Path) -> None:
    path = copy_to(built, tmp_path)
    path.chmod(0o640)
    save_xlsm(openpyxl.load_workbook(path, keep_vba=True), path)
    assert path.stat().st_mode & 0o777 == 0o640
    umask = os.umask(0o022)
    try:
        fresh = build_sample(tmp_path / "fresh")
    finally:
        os.umask(umask)
    assert fresh.stat().st_mode & 0o777 == 0o644


def test_save_keeps_a_backup_of_the_file_it_replaces(built: Path, tmp_path: Path) -> None:
    path = copy_to(built, tmp_path)
    original = path.read_bytes()
    wb = openpyxl.load_workbook(path, keep_vba=True)
    wb["PL1"]["D2"] = 1
    backup = save_xlsm(wb, path)
    assert backup.parent == tmp_path / "backup"
    assert backup.read_bytes() == original
    assert backup.name.startswith("KeHoach2023-") and backup.suffix == ".xlsm"


def test_save_keeps_only_the_newest_backups(built: Path, tmp_path: Path) -> None:
    path = copy_to(built, tmp_path)
    backups = [
        save_xlsm(openpyxl.load_workbook(path, keep_vba=True), path, keep_backups=2)
        for _ in range(4)
    ]
    assert sorted((tmp_path / "backup").iterdir()) == sorted(backups[-2:])


def test_save_restores_a_ribbon_relationship_openpyxl_drops(built: Path, tmp_path: Path) -> None:
    """openpyxl drops a customUI14 (2009) relationship; the save puts it back."""
    path = tmp_path / "ribbon14.xlsm"
    found = parts(built)
    found["_rels/.rels"] = found["_rels/.rels"].replace(
        CUSTOMUI_REL.encode(), CUSTOMUI14_REL.encode()
    )
    found["customUI/customUI14.xml"] = found.pop(CUSTOMUI_PART)
    found["_rels/.rels"] = found["_rels/.rels"].replace(
        b"customUI/customUI.xml", b"customUI/customUI14.xml"
    )
    path.write_bytes(xlsm._pack(found))
    wb = openpyxl.load_workbook(path, keep_vba=True)
    wb.save(tmp_path / "plain.xlsm")
    assert ribbon_xml(tmp_path / "plain.xlsm") is None, "openpyxl kept it: the premise changed"
    save_xlsm(openpyxl.load_workbook(path, keep_vba=True), path)
    assert ribbon_xml(path) == (MACROS / "customUI.xml").read_bytes()


def test_save_refuses_to_drop_the_vba_and_leaves_the_file_alone(
    built: Path, tmp_path: Path
) -> None:
    path = copy_to(built, tmp_path)
    original = path.read_bytes()
    wb = openpyxl.load_workbook(path)  # without keep_vba: openpyxl would lose the macros
    with pytest.raises(WorkbookError) as err:
        save_xlsm(wb, path)
    assert str(path) in str(err.value)
    assert "VBA" in str(err.value)
    assert path.read_bytes() == original
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]


def test_save_retries_while_the_file_is_locked(
    built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = copy_to(built, tmp_path)
    real_replace = os.replace
    calls: list[int] = []

    def locked_twice(src: Any, dst: Any) -> None:
        calls.append(1)
        if len(calls) <= 2:
            raise PermissionError(13, "The process cannot access the file")
        real_replace(src, dst)

    monkeypatch.setattr(xlsm, "_REPLACE_DELAY", 0)
    monkeypatch.setattr(os, "replace", locked_twice)
    wb = openpyxl.load_workbook(path, keep_vba=True)
    wb["PL1"]["D2"] = 2
    save_xlsm(wb, path)
    assert len(calls) == 3
    assert openpyxl.load_workbook(path)["PL1"]["D2"].value == 2


def test_save_gives_up_on_a_locked_file_with_a_message(
    built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = copy_to(built, tmp_path)
    original = path.read_bytes()

    def always_locked(src: Any, dst: Any) -> None:
        raise PermissionError(13, "The process cannot access the file")

    monkeypatch.setattr(xlsm, "_REPLACE_DELAY", 0)
    monkeypatch.setattr(os, "replace", always_locked)
    with pytest.raises(WorkbookError) as err:
        save_xlsm(openpyxl.load_workbook(path, keep_vba=True), path)
    assert str(path) in str(err.value) and "đóng tệp" in str(err.value)
    assert path.read_bytes() == original
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".xlsm"] == [path.name]


def test_save_of_a_missing_file_is_a_workbook_error(tmp_path: Path) -> None:
    with pytest.raises(WorkbookError, match="Không đọc được"):
        save_xlsm(openpyxl.Workbook(), tmp_path / "khong-co.xlsm")


# --- readers -------------------------------------------------------------------------


def test_ribbon_buttons_lists_label_action_supertip() -> None:
    xml = (
        '<customUI xmlns="http://schemas.microsoft.com/office/2006/01/customui"><ribbon><tabs>'
        '<tab id="t" label="T"><group id="g" label="G">'
        '<button id="a" label="Một" onAction="Mot" supertip="Việc một"/>'
        '<button id="b" label="Hai" onAction="Hai"/>'
        "</group></tab></tabs></ribbon></customUI>"
    ).encode()
    assert ribbon_buttons(xml) == [("Một", "Mot", "Việc một"), ("Hai", "Hai", "")]


def test_ribbon_xml_is_none_without_a_ribbon(tmp_path: Path) -> None:
    with ExcelFile.create_new(tmp_path / "bare.xlsm"):
        pass
    assert ribbon_xml(tmp_path / "bare.xlsm") is None
    assert "Mất quan hệ tới ribbon (customUI) trong _rels/.rels." in package_problems(
        tmp_path / "bare.xlsm"
    )


# --- macros/ as the builder reads it ----------------------------------------------------


def _macros(tmp_path: Path, files: dict[str, bytes]) -> Path:
    folder = tmp_path / "macros"
    folder.mkdir()
    (folder / "customUI.xml").write_bytes((MACROS / "customUI.xml").read_bytes())
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return folder


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"A.bas": 'Attribute VB_Name = "A"\n\' Kế hoạch\n'.encode()}, "ASCII"),
        ({"A.bas": b"Sub X()\nEnd Sub\n"}, "VB_Name"),
        (
            {"A.bas": b'Attribute VB_Name = "A"\n', "B.bas": b'Attribute VB_Name = "a"\n'},
            "cùng tên",
        ),
        ({}, "Không có mô-đun"),
    ],
    ids=["non-ascii", "no-name", "duplicate", "none"],
)
def test_bad_macro_sources_are_build_errors(
    tmp_path: Path, files: dict[str, bytes], message: str
) -> None:
    with pytest.raises(BuildError, match=message):
        macro_sources(_macros(tmp_path, files))


def test_a_non_ascii_line_is_named(tmp_path: Path) -> None:
    folder = _macros(tmp_path, {"A.bas": 'Attribute VB_Name = "A"\n\' Kế hoạch\n'.encode()})
    with pytest.raises(BuildError) as err:
        macro_sources(folder)
    assert err.value.line == 2 and err.value.file == str(folder / "A.bas")


def test_sources_get_crlf_line_endings(tmp_path: Path) -> None:
    (src,) = macro_sources(
        _macros(tmp_path, {"A.bas": b'Attribute VB_Name = "A"\nSub X()\nEnd Sub'})
    )
    assert src.source == 'Attribute VB_Name = "A"\r\nSub X()\r\nEnd Sub\r\n'


def test_a_ribbon_of_another_schema_is_a_build_error(tmp_path: Path) -> None:
    folder = _macros(tmp_path, {"A.bas": b'Attribute VB_Name = "A"\n'})
    (folder / "customUI.xml").write_text(
        '<customUI xmlns="http://schemas.microsoft.com/office/2009/07/customui"/>'
    )
    with pytest.raises(BuildError, match="2006/01/customui"):
        build_xlsm(tmp_path / "x.xlsm", lambda wb: None, folder)
    assert not (tmp_path / "x.xlsm").exists()


# --- layering --------------------------------------------------------------------------


def test_importing_kehoach_xlsm_does_not_import_xlwings() -> None:
    code = "import sys, kehoach.workbook.xlsm; sys.exit('xlwings' in sys.modules)"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "pylib")}
    assert subprocess.run([sys.executable, "-c", code], env=env, check=False).returncode == 0


def test_a_damaged_sheet_part_is_found_though_only_the_code_parts_are_kept(
    built: Path, tmp_path: Path
) -> None:
    """package_problems keeps the VBA, ribbon and relationship parts only, but reads every
    other part through: a sheet whose bytes no longer match its CRC is reported."""
    damaged = tmp_path / "damaged.xlsm"
    with zipfile.ZipFile(built) as src, zipfile.ZipFile(damaged, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/worksheets/sheet2.xml":
                info.compress_type = zipfile.ZIP_STORED
            dst.writestr(info, data)
    raw = bytearray(damaged.read_bytes())
    at = raw.find(b"<sheetData")
    assert at > 0
    raw[at + 1 : at + 2] = b"S"  # stored, so the bytes change but the recorded CRC does not
    damaged.write_bytes(bytes(raw))
    problems = package_problems(damaged)
    assert len(problems) == 1 and problems[0].startswith("Không đọc được tệp:")
    assert "CRC" in problems[0]
