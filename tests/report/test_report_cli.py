"""`kehoach report WORKBOOK [--as-of] [--period] [--out] [--json]`, the button "Báo cáo kết quả"
(kehoach.xl.write_report) through xlwings' remote engine, and the report printed by LibreOffice."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from kehoach import xl
from kehoach.cli import main
from kehoach.report.data import ALERT_TITLE
from lo_support import SOFFICE, soffice_convert
from report_support import appendix_tables, number, open_docx, texts
from summary_support import write_progress
from xlharness import run_entry


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["report", *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def reported(master_xlsm: Path) -> Path:
    return write_progress(master_xlsm)


def test_cli_writes_the_docx_and_prints_its_figures(
    reported: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = reported.read_bytes()
    out = tmp_path / "bao cáo" / "quy-I.docx"
    code, text, err = run(
        capsys, str(reported), "--as-of", "2024-01-15", "--out", str(out), "--json"
    )
    assert code == 0, err
    data = json.loads(text)
    assert data["out"] == str(out) and data["period"]["label"] == "quý I năm 2024"
    assert data["has_returns"] and data["overall"]["tasks"] == 3868
    assert reported.read_bytes() == before  # the workbook is only read
    tables = appendix_tables(open_docx(out))
    assert [number(rows[-1][1]) for rows in tables] == [
        a["total"]["tasks"] for a in data["appendices"]
    ]
    first = out.read_bytes()
    assert run(capsys, str(reported), "--as-of", "2024-01-15", "--out", str(out))[0] == 0
    assert out.read_bytes() == first  # same inputs, same bytes


def test_cli_default_out_is_beside_the_workbook_and_names_the_period(
    reported: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, text, _ = run(capsys, str(reported), "--as-of", "2023-12-31", "--period", "nam")
    out = reported.parent / "BaoCao_nam_2023-12-31.docx"
    assert code == 0 and out.is_file() and str(out) in text
    assert "năm 2023" in text and "Đã tạo báo cáo" in text
    lines = [t.strip() for t in texts(open_docx(out))]
    assert "Bắc Kạn, ngày 31 tháng 12 năm 2023" in lines


def test_cli_errors_are_vietnamese_with_exit_2(
    reported: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, str(tmp_path / "khong-co.xlsm"))
    assert code == 2 and "Không tìm thấy tệp workbook" in err
    code, _, err = run(capsys, str(reported), "--template", str(tmp_path / "mau.docx"))
    assert code == 2 and "Không tìm thấy mẫu báo cáo" in err and "mau.docx" in err
    wb = load_workbook(reported, keep_vba=True)
    wb["TienDo"]["N4"] = "hôm qua"
    wb.save(reported)
    code, _, err = run(capsys, str(reported), "--as-of", "2024-01-15")
    assert code == 2 and "trang tính 'TienDo', ô N4" in err
    with pytest.raises(SystemExit) as exc:
        main(["report", str(reported), "--period", "thang"])
    assert exc.value.code == 2


def test_button_writes_the_report_beside_the_workbook_and_alerts(
    reported: Path, tmp_path: Path, xl_remote: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "ra"
    result = run_entry(reported, lambda book: xl.write_report(book, out_dir=str(folder)))
    (made,) = folder.iterdir()
    today = date.today()
    assert made.name == f"BaoCao_quy_{today.isoformat()}.docx"
    assert result.alert.title == ALERT_TITLE and str(made) in result.alert.text
    assert [a["func"] for a in result.actions] == ["alert"]  # the workbook is not changed
    # The same document as the CLI's for the same day.
    cli_out = tmp_path / "cli.docx"
    assert run(capsys, str(reported), "--as-of", today.isoformat(), "--out", str(cli_out))[0] == 0
    assert made.read_bytes() == cli_out.read_bytes()


def test_button_on_a_damaged_workbook_alerts(reported: Path, xl_remote: Any) -> None:
    wb = load_workbook(reported, keep_vba=True)
    wb["TienDo"]["N4"] = "hôm qua"
    wb.save(reported)
    result = run_entry(reported, xl.write_report)
    assert result.alert.title == "Lỗi" and "trang tính 'TienDo', ô N4" in result.alert.text
    assert not list(reported.parent.glob("*.docx"))


@pytest.mark.libreoffice
@pytest.mark.skipif(SOFFICE is None or shutil.which("pdftotext") is None, reason="no soffice")
def test_libreoffice_prints_the_report(
    reported: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    docs = []
    for as_of in ("2024-01-15", "2023-07-15"):
        out = tmp_path / f"bao-cao-{as_of}.docx"
        assert run(capsys, str(reported), "--as-of", as_of, "--out", str(out))[0] == 0
        docs.append(out)
    full, early = soffice_convert(docs, "pdf", tmp_path, tmp_path / "profile")
    info = subprocess.run(["pdfinfo", str(full)], capture_output=True, text=True, check=True)
    pages = int(next(ln.split()[-1] for ln in info.stdout.splitlines() if ln.startswith("Pages")))
    assert 4 <= pages <= 20
    assert "A4" in info.stdout or "595.3 x 841.9" in info.stdout or "595 x 842" in info.stdout

    def page_text(pdf: Path, first: int, last: int | None = None) -> str:
        args = ["pdftotext", "-layout", "-f", str(first), "-l", str(last or first), str(pdf), "-"]
        return subprocess.run(args, capture_output=True, text=True, check=True).stdout

    one = page_text(full, 1)
    for heading in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "UBND TỈNH BẮC KẠN",
        "SỞ NỘI VỤ",
        "BÁO CÁO",
        "I. TÌNH HÌNH THỰC HIỆN KẾ HOẠCH",
    ):
        assert heading in one
    everything = page_text(full, 1, pages)
    for heading in ("II. CÁC CHỈ SỐ SO VỚI MỤC TIÊU NĂM 2023", "IV. ĐỀ XUẤT", "Nơi nhận:"):
        assert heading in everything
    # The page number: none on page 1, "2" atop page 2.
    assert one.split("\n", 1)[0].strip() != "1"
    assert page_text(full, 2).strip().splitlines()[0].strip() == "2"
    early_text = page_text(early, 1, 3)
    assert "chưa thu thập được báo cáo nào" in " ".join(early_text.split())


def test_a_plan_number_as_long_as_a_cell_holds_makes_a_report(
    master_xlsm: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Word's document title holds at most 255 characters: the title is cut there, the report
    itself names the whole number."""
    from pasted_support import paste_as_excel

    number = "365/KH-UBND " * 2730  # 32,760 characters: about what one cell holds
    paste_as_excel(master_xlsm, {("Giới thiệu", "C10"): number})
    out = tmp_path / "bc.docx"
    code, _, err = run(capsys, str(master_xlsm), "--as-of", "2023-12-31", "--out", str(out))
    assert code == 0, err
    doc = open_docx(out)
    title = doc.core_properties.title
    assert len(title) == 255 and title.endswith("…")
    assert title.startswith("Kết quả thực hiện Kế hoạch số 365/KH-UBND 365/KH-UBND")
    assert any(number.strip() in text for text in texts(doc))
