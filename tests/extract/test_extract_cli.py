"""`kehoach extract WORKBOOK --out DIR [--agency CODE] [--json] [--generated-at T]`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from kehoach.cli import main
from kehoach.extract.signing import master_key, stored_key, verify
from kehoach.sheets import extract_layout as ex
from kehoach.sheets.sheetdata import workbook_values
from kehoach.state.master import state_from_values

AT = "2023-07-01T09:30:00"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["extract", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_extract_writes_files_key_and_manifest(
    master_xlsm: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_dir = tmp_path / "out"
    code, out, err = run(capsys, str(master_xlsm), "--out", str(out_dir), "--generated-at", AT)
    assert code == 0, err
    assert "Đã tạo 42 tệp cho 42 cơ quan" in out
    assert "Đã tạo khóa ký mới" in out and f"Đã ghi trang '{ex.MANIFEST_SHEET}'" in out
    assert "[##############################] 42/42" in err  # the progress bar, on stderr
    key = master_key(state_from_values(workbook_values(master_xlsm)))
    assert key is not None
    wb = load_workbook(master_xlsm, keep_vba=True)
    assert wb[ex.KEY_SHEET].sheet_state == "veryHidden"
    sheet = [[c.value for c in row] for row in wb[ex.MANIFEST_SHEET].iter_rows()]
    assert sheet[0][0] == ex.MANIFEST_TITLE
    assert sheet[2] == [c.header for c in ex.MANIFEST_COLUMNS]
    manifest = json.loads((out_dir / ex.MANIFEST_FILE).read_text(encoding="utf-8"))
    assert [r[3] for r in sheet[3:]] == [f["file"] for f in manifest["files"]]
    assert sheet[3][:6] == [1, "SNV", "Sở Nội vụ", "So-Noi-vu.xlsx", 88, 50]
    # Laid out: widths, wrapped names, headers bold and as tall as their text, when in words.
    ws = wb[ex.MANIFEST_SHEET]
    assert "tạo lúc 01/07/2023 09:30;" in sheet[1][0]
    assert ws.column_dimensions["C"].width == 36 and ws.column_dimensions["G"].width == 66
    assert ws["C4"].alignment.wrap_text and not ws["B4"].alignment.wrap_text
    assert ws["A3"].font.b and ws.row_dimensions[3].height >= 2 * 15
    assert ws["E4"].number_format == "#,##0"
    assert ws.freeze_panes == "A4" and ws.page_setup.orientation == "landscape"
    # In its place in the workflow: after the rounds' sheets, before the rare and hidden.
    names = wb.sheetnames
    assert names.index("NhatKyGui") == names.index(ex.MANIFEST_SHEET) + 1
    assert names[-1] == ex.KEY_SHEET
    for entry in manifest["files"]:
        assert verify(out_dir / entry["file"], key).ok


def test_extract_twice_same_bytes_same_key(
    master_xlsm: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, str(master_xlsm), "--out", str(tmp_path / "a"), "--generated-at", AT)
    key = stored_key(master_xlsm)
    code, out, _ = run(capsys, str(master_xlsm), "--out", str(tmp_path / "b"), "--generated-at", AT)
    assert code == 0 and "khóa ký mới" not in out
    assert stored_key(master_xlsm) == key
    a = {p.name: p.read_bytes() for p in (tmp_path / "a").iterdir()}
    b = {p.name: p.read_bytes() for p in (tmp_path / "b").iterdir()}
    assert a == b and len(a) == 43


def test_one_agency_as_json(
    master_xlsm: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(
        capsys, str(master_xlsm), "--out", str(tmp_path / "o"), "--agency", "STP", "--json"
    )
    assert code == 0, err
    data = json.loads(out)
    assert set(data) == {"plan_id", "generated_at", "key_id", "files"}
    assert [(f["file"], f["agency"]) for f in data["files"]] == [("So-Tu-phap.xlsx", "STP")]
    assert set(data["files"][0]) == {
        "file",
        "agency",
        "agency_name",
        "lead_tasks",
        "coordinating_tasks",
        "sha256",
    }
    assert "1/1 Sở Tư pháp" in err
    assert sorted(p.name for p in (tmp_path / "o").iterdir()) == [
        "So-Tu-phap.xlsx",
        "manifest.json",
    ]


def test_unknown_agency_is_a_clean_error(
    master_xlsm: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, str(master_xlsm), "--out", str(tmp_path / "o"), "--agency", "XYZ")
    assert code == 2 and out == ""
    assert err.startswith("Lỗi: Không có cơ quan mã «XYZ» trong danh bạ.")
    assert not (tmp_path / "o").exists()


def test_missing_workbook(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, str(tmp_path / "none.xlsm"), "--out", str(tmp_path))
    assert code == 2 and "Không tìm thấy tệp workbook" in err


def test_bad_generated_at(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["extract", "x.xlsm", "--out", str(tmp_path), "--generated-at", "hôm nay"])
    assert "không phải thời điểm ISO" in capsys.readouterr().err


def test_a_rebuild_keeps_the_key(
    master_xlsm: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["extract", str(master_xlsm), "--out", str(tmp_path / "o")]) == 0
    key = stored_key(master_xlsm)
    assert key is not None
    assert main(["build", "--out", str(master_xlsm)]) == 0
    capsys.readouterr()
    assert stored_key(master_xlsm) == key
    wb = load_workbook(master_xlsm, keep_vba=True)
    assert wb[ex.KEY_SHEET].sheet_state == "veryHidden"
    for p in (tmp_path / "o").glob("*.xlsx"):  # files sent before the rebuild still verify
        assert verify(p, key).ok
    assert main(["build", "--out", str(master_xlsm), "--new-directory"]) == 0
    assert stored_key(master_xlsm) == key


def test_extract_parses_only_the_sheets_it_needs(
    master_xlsm: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    import kehoach.sheets.sheet_values as sheet_values
    from kehoach.extract.files import SHEETS_READ

    parsed: set[str] = set()  # by openpyxl's reader or by calamine
    cells_by_row = ReadOnlyWorksheet._cells_by_row
    calamine = sheet_values._read

    def recording(self: ReadOnlyWorksheet, *args: Any, **kw: Any) -> Any:
        parsed.add(self.title)
        return cells_by_row(self, *args, **kw)

    def calamine_recording(path: Path, sheets: Any, *args: Any, **kw: Any) -> Any:
        parsed.update(sheets)
        return calamine(path, sheets, *args, **kw)

    monkeypatch.setattr(ReadOnlyWorksheet, "_cells_by_row", recording)
    monkeypatch.setattr(sheet_values, "_read", calamine_recording)
    first = tmp_path / "out1"
    assert run(capsys, str(master_xlsm), "--out", str(first), "--generated-at", AT)[0] == 0
    assert "PL1" in parsed and parsed <= set(SHEETS_READ)  # not the summary, gaps, registers
    # Without the sheets it does not read (summary, gaps, registers), the same files.
    wb = load_workbook(master_xlsm, keep_vba=True)
    skipped = [ws.title for ws in wb.worksheets if ws.title not in SHEETS_READ]
    assert {"TongHop", "Chênh lệch", ex.MANIFEST_SHEET} <= set(skipped)
    for title in skipped:
        del wb[title]
    trimmed = tmp_path / "trimmed.xlsm"
    wb.save(trimmed)
    second = tmp_path / "out2"
    assert run(capsys, str(trimmed), "--out", str(second), "--generated-at", AT)[0] == 0
    files = sorted(p.name for p in first.iterdir())
    assert len(files) == 43 and files == sorted(p.name for p in second.iterdir())
    for name in files:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_a_task_text_like_rich_text_xml_reaches_the_agency_as_typed(
    master_xlsm: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """XlsxWriter would put a text "<r>…</r>" into the file as XML of its own: the agency
    workbook would not open. It is written as runs: the same text, signed and verified."""
    from python_calamine import CalamineWorkbook

    from kehoach.sheets import layout

    text = "<r>Rà soát & công bố</r>"
    wb = load_workbook(master_xlsm, keep_vba=True)
    column = layout.column_letter(layout.TASK_COLUMNS, "text")
    wb[layout.TASKS_SHEET][f"{column}{layout.FIRST_DATA_ROW}"] = text
    wb.save(master_xlsm)
    out = tmp_path / "out"
    assert run(capsys, str(master_xlsm), "--out", str(out), "--generated-at", AT)[0] == 0
    key = master_key(state_from_values(workbook_values(master_xlsm)))
    assert key is not None
    reached = []
    for path in sorted(out.glob("*.xlsx")):
        values = load_workbook(path)[ex.TASKS_SHEET].iter_rows(values_only=True)
        if any(text in row for row in values):
            reached.append(path)
            rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(ex.TASKS_SHEET)
            assert any(text in row for row in rows.to_python())
            assert verify(path, key).ok
    assert reached  # the task's lead agency at least


def test_a_task_text_pasted_from_word_does_not_stop_extract(
    master_xlsm: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Excel keeps Word's manual line break as the escape "_x000B_" in the file: extract reads
    the plan, signs and writes every file."""
    import zipfile

    from kehoach.sheets import layout
    from kehoach.sheets.carried import package_sheets

    with zipfile.ZipFile(master_xlsm) as z:
        parts = {info.filename: z.read(info) for info in z.infolist()}
        part = package_sheets(z)[layout.TASKS_SHEET]
    column = layout.column_letter(layout.TASK_COLUMNS, "text")
    xml = parts[part]
    at = xml.index(b"<t>", xml.index(f'<c r="{column}{layout.FIRST_DATA_ROW}"'.encode())) + 3
    parts[part] = xml[:at] + "Dòng một_x000B_dòng hai ".encode() + xml[at:]
    with zipfile.ZipFile(master_xlsm, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in parts.items():
            out.writestr(name, data)
    out_dir = tmp_path / "out"
    code, _, err = run(capsys, str(master_xlsm), "--out", str(out_dir), "--generated-at", AT)
    assert code == 0, err
    key = master_key(state_from_values(workbook_values(master_xlsm)))
    assert key is not None
    files = sorted(out_dir.glob("*.xlsx"))
    assert len(files) == 42 and all(verify(path, key).ok for path in files)
    # The agency reads the line break, not the escape: a line feed, as the master shows it.
    rows = load_workbook(out_dir / "So-Noi-vu.xlsx")[ex.TASKS_SHEET].iter_rows(values_only=True)
    texts = [v for row in rows for v in row if isinstance(v, str)]
    assert any(v.startswith("Dòng một\ndòng hai ") for v in texts)
    assert not any("_x000B_" in v for v in texts)


def test_a_plan_number_pasted_from_word_does_not_make_returns_look_tampered(
    master_xlsm: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The plan's number, signed into every file's hidden sheet, holds Word's line break: the
    file an agency fills in and sends back is accepted."""
    from kehoach.sheets import layout
    from pasted_support import paste_as_excel
    from returns_corpus import DONE, fill

    paste_as_excel(master_xlsm, {(layout.COVER_SHEET, "C10"): "365/KH-UBND\x0b(bản sửa)"})
    out_dir, returns = tmp_path / "out", tmp_path / "returns"
    code, _, err = run(capsys, str(master_xlsm), "--out", str(out_dir), "--agency", "SNV")
    assert code == 0, err
    returns.mkdir()
    sent = (out_dir / "So-Noi-vu.xlsx").read_bytes()
    (returns / "So-Noi-vu.xlsx").write_bytes(fill(sent, {ex.FIRST_DATA_ROW: DONE}))
    code = main(["collect", str(master_xlsm), "--from", str(returns), "--json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 0, report
    assert [f["result"] for f in report["files"]] == ["Đã nhận"]


def test_a_plan_number_too_long_to_sign_is_refused_before_any_file(
    master_xlsm: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A plan number as long as a cell holds cannot go into the hidden sheet (every return
    would be refused): extract says so and writes nothing."""
    from kehoach.sheets import layout
    from pasted_support import paste_as_excel

    paste_as_excel(master_xlsm, {(layout.COVER_SHEET, "C10"): "365/KH-UBND " * 2730})
    out_dir = tmp_path / "out"
    code, _, err = run(capsys, str(master_xlsm), "--out", str(out_dir))
    assert code == 2
    assert "trang tính 'Giới thiệu'" in err and "Số kế hoạch «365/KH-UBND" in err
    assert "dài quá 300 ký tự" in err
    assert not out_dir.exists() or not any(out_dir.iterdir())
