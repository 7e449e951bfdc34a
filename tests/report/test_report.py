"""The report «Báo cáo kết quả»: its figures (kehoach.report.data) against `summary --json` and
`gaps --json`, its Word document (kehoach.report.docx) read back with python-docx against
Nghị định 30/2020/NĐ-CP, the template against the code that builds it, the same bytes twice."""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from kehoach.cli import main, project_root
from kehoach.report.data import (
    PERIODS,
    ReportData,
    ReportError,
    date_long,
    period_of,
    plan_header,
    report_data,
    report_settings,
)
from kehoach.report.docx import render_report
from kehoach.report.template import (
    APPENDIX_KEYS,
    FONT,
    MARGINS_MM,
    MOTTO,
    NATIONAL_NAME,
    SIZES,
    build_template,
    docx_bytes,
    write_template,
)
from kehoach.sheets import mail_layout as ml
from kehoach.sheets import summary_layout as sl
from kehoach.sheets.sheetdata import workbook_contents
from kehoach.state.master import state_from_values
from report_support import (
    appendix_tables,
    number,
    open_docx,
    paragraph_style,
    runs,
    texts,
)
from summary_support import AS_OF, write_progress

TEMPLATE = project_root() / "templates" / "bao-cao.docx"


@pytest.fixture(scope="module")
def reported(tmp_path_factory: pytest.TempPathFactory, _built_master: Path) -> Path:
    folder = tmp_path_factory.mktemp("report")
    return write_progress(Path(shutil.copy2(_built_master, folder / "KeHoach2023.xlsm")))


@pytest.fixture(scope="module")
def data(reported: Path) -> ReportData:
    values, names = workbook_contents(reported)
    return report_data(state_from_values(values, names, file=reported), AS_OF, "quy")


@pytest.fixture(scope="module")
def docx(data: ReportData) -> bytes:
    return render_report(data, TEMPLATE)


def cli_json(capsys: pytest.CaptureFixture[str], *args: str) -> Any:
    assert main(list(args)) == 0
    return json.loads(capsys.readouterr().out)


# --- Vietnamese style and periods -----------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (date(2023, 10, 15), "ngày 15 tháng 10 năm 2023"),
        (date(2024, 1, 5), "ngày 05 tháng 01 năm 2024"),
        (date(2024, 2, 29), "ngày 29 tháng 02 năm 2024"),
        (date(2023, 3, 1), "ngày 01 tháng 3 năm 2023"),
    ],
)
def test_dates_as_the_decree_writes_them(day: date, text: str) -> None:
    assert date_long(day) == text


@pytest.mark.parametrize(
    ("kind", "as_of", "start", "label"),
    [
        ("quy", date(2023, 12, 31), date(2023, 10, 1), "quý IV năm 2023"),
        ("quy", date(2023, 10, 1), date(2023, 10, 1), "quý IV năm 2023"),
        ("quy", date(2024, 1, 15), date(2024, 1, 1), "quý I năm 2024"),
        ("quy", date(2023, 6, 30), date(2023, 4, 1), "quý II năm 2023"),
        ("6-thang", date(2023, 6, 30), date(2023, 1, 1), "6 tháng đầu năm 2023"),
        ("6-thang", date(2023, 9, 30), date(2023, 7, 1), "6 tháng cuối năm 2023"),
        ("nam", date(2023, 12, 15), date(2023, 1, 1), "năm 2023"),
    ],
)
def test_periods(kind: str, as_of: date, start: date, label: str) -> None:
    period = period_of(kind, as_of)
    assert (period.start, period.end, period.label) == (start, as_of, label)


@settings(max_examples=60, deadline=None)
@given(kind=st.sampled_from(sorted(PERIODS)), day=st.dates(date(2000, 1, 1), date(2099, 12, 31)))
def test_a_period_contains_its_as_of_day(kind: str, day: date) -> None:
    period = period_of(kind, day)
    months = {"quy": 3, "6-thang": 6, "nam": 12}[kind]
    assert period.start.year == day.year and period.start.day == 1
    assert (period.start.month - 1) % months == 0
    assert period.start <= day and period.end == day
    assert 0 <= (day.month - period.start.month) < months
    assert period.label.endswith(f"năm {day.year}")


def test_unknown_period_is_a_vietnamese_error() -> None:
    with pytest.raises(ReportError, match="Kỳ báo cáo «thang» không có"):
        period_of("thang", date(2023, 12, 31))


def test_a_missing_plan_name_is_named_in_vietnamese(reported: Path) -> None:
    from kehoach.common.errors import WorkbookError

    values, names = workbook_contents(reported)
    names = {k: v for k, v in names.items() if k != "KH_NgayBanHanh"}
    with pytest.raises(WorkbookError) as err:
        plan_header(state_from_values(values, names))
    assert "Thiếu tên 'KH_NgayBanHanh' chỉ tới ô ngày ban hành của kế hoạch" in str(err.value)
    assert "kehoach build" in str(err.value)


# --- settings -------------------------------------------------------------------------------


def test_settings_default_on_a_master_without_the_report_rows() -> None:
    rows: list[list[Any]] = [[None]] * 3 + [["Tên người gửi", "Sở Nội vụ", None]]
    settings = report_settings(state_from_values({ml.SETTINGS_SHEET: rows}))
    assert settings == {s.key: str(s.default) for s in ml.REPORT_SETTINGS}
    assert report_settings(state_from_values({})) == settings


def test_settings_from_the_sheet_reach_the_document(reported: Path, tmp_path: Path) -> None:
    path = Path(shutil.copy2(reported, tmp_path / "m.xlsm"))
    wb = load_workbook(path, keep_vba=True)
    ws = wb[ml.SETTINGS_SHEET]
    rows = {ws.cell(r, 1).value: r for r in range(ml.FIRST_DATA_ROW, ws.max_row + 1)}
    for label, value in (
        ("Quyền hạn người ký", "KT. Giám đốc"),
        ("Chức vụ người ký", "Phó Giám đốc"),
        ("Họ tên người ký", "Nguyễn Văn An"),
        ("Nơi nhận báo cáo", "Bộ Nội vụ (b/c); Lưu: VT"),
        ("Ký hiệu báo cáo", "BC-SNV-CCHC"),
    ):
        ws.cell(rows[label], 2, value)
    wb.save(path)
    values, names = workbook_contents(path)
    doc = open_docx(
        render_report(report_data(state_from_values(values, names, file=path), AS_OF), TEMPLATE)
    )
    lines = [t.strip() for t in texts(doc)]
    assert "KT. GIÁM ĐỐC" in lines and "PHÓ GIÁM ĐỐC" in lines and "Nguyễn Văn An" in lines
    assert "- Bộ Nội vụ (b/c);" in lines and "- Lưu: VT." in lines
    assert "Số:       /BC-SNV-CCHC" in lines
    assert paragraph_style(doc, "Nguyễn Văn An").bold


# --- figures: the same as summary --json and gaps --json ------------------------------------


def test_appendix_figures_equal_summary_json(
    data: ReportData, reported: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    summary = cli_json(capsys, "summary", str(reported), "--json", "--as-of", AS_OF.isoformat())
    sections = {s["id"]: s for s in summary["sections"]}
    totals = {a["id"]: a for a in summary["appendices"]}
    tables = data.appendix_tables()
    assert [t["id"] for t in tables] == ["PL1", "PL2", "PL3", "PL4"]
    for table in tables:
        assert table["total"] == {k: totals[table["id"]][k] for k in ("tasks", *sl.STATUS_KEYS)}
        assert [r["id"] for r in table["rows"]] == [
            s["id"] for s in summary["sections"] if s["appendix"] == table["id"]
        ]
        for row in table["rows"]:
            assert {k: row[k] for k in APPENDIX_KEYS} == {
                k: sections[row["id"]][k] for k in APPENDIX_KEYS
            }
    assert sum(t["total"]["tasks"] for t in tables) == summary["overall"]["tasks"] == 3868
    assert data.to_dict()["overall"] == summary["overall"]
    names = [n["name"] for n in data.to_dict()["not_reported"]]
    assert names == [n["name"] for n in summary["not_reported"]] and len(names) == 38


def test_overdue_agencies_are_the_summary_items(
    data: ReportData, reported: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    summary = cli_json(capsys, "summary", str(reported), "--json", "--as-of", AS_OF.isoformat())
    expected: dict[str, list[str]] = {}
    for item in summary["items"]:
        if item["status"] == sl.OVERDUE:
            expected.setdefault(item["agency"], []).append(item["task_id"])
    got = {a["code"]: [t["task_id"] for t in a["tasks"]] for a in data.overdue_agencies()}
    assert got == expected and got
    counts = [len(a["tasks"]) for a in data.overdue_agencies()]
    assert counts == sorted(counts, reverse=True)  # most overdue first
    first = data.overdue_agencies()[0]["tasks"][0]
    assert first["text"] and first["due"] is not None


def test_indexes_and_lost_points_equal_gaps_json(
    data: ReportData, reported: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gaps = cli_json(capsys, "gaps", str(reported), "--json")
    for row, appendix in zip(data.index_rows(), gaps["appendices"], strict=True):
        assert row["id"] == appendix["id"]
        for key in ("max", "score_base", "target", "result_target", "results"):
            assert row[key] == appendix["totals"][key]
    lost = data.lost_rows()
    pl2 = sorted(
        (c for c in gaps["appendices"][1]["criteria"] if (c["lost_base"] or 0) > 0),
        key=lambda c: -c["lost_base"],
    )
    assert [r["lost_base"] for r in lost if r["appendix"] == "PL2"] == [
        c["lost_base"] for c in pl2[:3]
    ]


# --- the document ---------------------------------------------------------------------------


def test_page_a4_margins_and_page_numbers_from_page_two(docx: bytes) -> None:
    doc = open_docx(docx)
    (section,) = doc.sections
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    for side, mm in MARGINS_MM.items():
        assert round(getattr(section, f"{side}_margin").mm, 1) == mm
    assert 20 <= MARGINS_MM["top"] <= 25 and 20 <= MARGINS_MM["bottom"] <= 25
    assert 30 <= MARGINS_MM["left"] <= 35 and 15 <= MARGINS_MM["right"] <= 20
    assert section.different_first_page_header_footer
    header = section.header._element.xml
    assert "PAGE" in header and 'w:fldCharType="begin"' in header
    assert "PAGE" not in section.first_page_header._element.xml


def test_fonts_and_sizes_as_the_decree_says(docx: bytes) -> None:
    doc = open_docx(docx)
    assert {r.font for r in runs(doc)} == {FONT}
    national = paragraph_style(doc, NATIONAL_NAME)
    assert national.bold and not national.italic and 12 <= national.size <= 13  # type: ignore[operator]
    motto = paragraph_style(doc, MOTTO)
    assert motto.bold and 13 <= motto.size <= 14  # type: ignore[operator]
    assert paragraph_style(doc, "UBND TỈNH BẮC KẠN").size == SIZES["agency"]
    agency = paragraph_style(doc, "SỞ NỘI VỤ")
    assert agency.bold and 12 <= agency.size <= 13  # type: ignore[operator]
    place = paragraph_style(doc, "Bắc Kạn, ngày 15 tháng 01 năm 2024")
    assert place.italic and 13 <= place.size <= 14  # type: ignore[operator]
    kind = paragraph_style(doc, "BÁO CÁO")
    assert kind.bold and 13 <= kind.size <= 14  # type: ignore[operator]
    subject = paragraph_style(
        doc,
        "Kết quả thực hiện Kế hoạch số 365/KH-UBND ngày 08/6/2023 của UBND tỉnh Bắc Kạn "
        "quý I năm 2024",
    )
    assert subject.bold and 13 <= subject.size <= 14  # type: ignore[operator]
    label = paragraph_style(doc, "Nơi nhận:")
    assert label.bold and label.italic and label.size == 12
    assert paragraph_style(doc, "- UBND tỉnh (b/c);").size == 11
    signer = paragraph_style(doc, "GIÁM ĐỐC")
    assert signer.bold and 13 <= signer.size <= 14  # type: ignore[operator]
    assert paragraph_style(doc, "I. TÌNH HÌNH THỰC HIỆN KẾ HOẠCH").size == SIZES["body"]
    assert 13 <= SIZES["body"] <= 14


def test_quoc_hieu_block_and_body(docx: bytes) -> None:
    lines = [t.strip() for t in texts(open_docx(docx))]
    i = lines.index(NATIONAL_NAME)
    assert lines[i + 1] == MOTTO == "Độc lập - Tự do - Hạnh phúc"
    assert "Số:       /BC-SNV" in lines
    body = "\n".join(lines)
    for heading in (
        "I. TÌNH HÌNH THỰC HIỆN KẾ HOẠCH",
        "3. Các cơ quan, đơn vị có nhiệm vụ quá hạn",
        "II. CÁC CHỈ SỐ SO VỚI MỤC TIÊU NĂM 2023",
        "III. ĐÁNH GIÁ CHUNG",
        "IV. ĐỀ XUẤT, KIẾN NGHỊ",
    ):
        assert heading in lines
    assert "Tính đến ngày 15 tháng 01 năm 2024, Kế hoạch có 3.868 lượt giao" in body
    assert "{{" not in body and "{%" not in body  # every tag rendered
    assert "+ và " in body  # agencies with more than three overdue tasks say how many more


def test_each_table_equals_summary_json(
    docx: bytes, reported: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    summary = cli_json(capsys, "summary", str(reported), "--json", "--as-of", AS_OF.isoformat())
    tables = appendix_tables(open_docx(docx))
    assert len(tables) == 4
    for appendix, rows in zip(summary["appendices"], tables, strict=True):
        sections = [s for s in summary["sections"] if s["appendix"] == appendix["id"]]
        assert len(rows) == len(sections) + 1
        for row, section in zip(rows, [*sections, appendix], strict=True):
            assert [number(v) for v in row[1:]] == [section[k] for k in APPENDIX_KEYS]
        assert rows[-1][0] == "Tổng"


def test_before_any_return_the_report_says_so(reported: Path) -> None:
    values, names = workbook_contents(reported)
    early = report_data(state_from_values(values, names, file=reported), date(2023, 7, 15), "quy")
    assert not early.has_returns
    doc = open_docx(render_report(early, TEMPLATE))
    body = "\n".join(texts(doc))
    assert "chưa thu thập được báo cáo nào" in body
    assert appendix_tables(doc) == []  # no table of zeros
    assert "II. CÁC CHỈ SỐ SO VỚI MỤC TIÊU NĂM 2023" in body


@pytest.mark.parametrize(
    ("as_of", "collected"),
    [(date(2024, 1, 11), False), (date(2024, 1, 12), True), (date(2023, 7, 15), False)],
)
def test_returns_count_from_the_day_they_were_collected(
    reported: Path, as_of: date, collected: bool
) -> None:
    """The hand-made reports are dated up to 10/01/2024 and collected on 12/01/2024."""
    values, names = workbook_contents(reported)
    assert (
        report_data(state_from_values(values, names, file=reported), as_of).has_returns is collected
    )


def test_same_inputs_same_bytes(data: ReportData, docx: bytes, reported: Path) -> None:
    assert render_report(data, TEMPLATE) == docx
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = z.read("docProps/core.xml").decode()
    assert "2024-01-15T00:00:00Z" in core
    values, names = workbook_contents(reported)
    later = report_data(state_from_values(values, names, file=reported), date(2024, 1, 16), "quy")
    assert render_report(later, TEMPLATE) != docx


# --- the template ---------------------------------------------------------------------------


def test_committed_template_is_what_the_script_makes(tmp_path: Path) -> None:
    made = write_template(tmp_path / "bao-cao.docx")
    assert made.read_bytes() == TEMPLATE.read_bytes(), (
        "templates/bao-cao.docx is out of date: run scripts/make_report_template.py"
    )
    assert docx_bytes(build_template()) == made.read_bytes()


def test_a_changed_template_changes_the_report(data: ReportData, tmp_path: Path) -> None:
    doc = open_docx(TEMPLATE)
    doc.add_paragraph("Ghi chú thêm của Sở: kỳ {{ period }}, {{ overdue_total }} lượt quá hạn.")
    edited = tmp_path / "mau-sua.docx"
    doc.save(str(edited))
    lines = texts(open_docx(render_report(data, edited)))
    overdue = data.summary.overall[sl.OVERDUE]
    assert f"Ghi chú thêm của Sở: kỳ quý I năm 2024, {overdue} lượt quá hạn." in lines


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "Không tìm thấy mẫu báo cáo"),
        (b"not a zip", "không phải tệp Word"),
        ("{{ period ", "có thẻ"),
    ],
)
def test_bad_template_is_a_vietnamese_error(
    data: ReportData, tmp_path: Path, content: bytes | str | None, message: str
) -> None:
    path = tmp_path / "mau.docx"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif isinstance(content, str):
        doc = open_docx(TEMPLATE)
        doc.add_paragraph(content)
        doc.save(str(path))
    with pytest.raises(ReportError, match=message) as err:
        render_report(data, path)
    assert str(path) in str(err.value)


# --- lxml, which python-docx brings, stays out of openpyxl ----------------------------------


def test_openpyxl_stays_off_lxml_so_returns_go_through_defusedxml(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import lxml.etree
    import openpyxl.xml

    from kehoach.collect.intake import IntakeError, require_defusedxml

    assert lxml.etree.LXML_VERSION  # installed with python-docx
    assert openpyxl.xml.LXML is False and openpyxl.xml.DEFUSEDXML is True
    require_defusedxml()
    monkeypatch.setattr(openpyxl.xml, "LXML", True)
    with pytest.raises(IntakeError, match="OPENPYXL_LXML=False"):
        require_defusedxml()


# Child order of w:tblPr, w:pPr and w:rPr in the WordprocessingML schema (ECMA-376 Part 1, 17.4.60,
# 17.3.1.26, 17.3.2.28): Word refuses a document whose elements are out of order.
_ORDER = {
    "tblPr": "tblStyle tblpPr tblOverlap bidiVisual tblStyleRowBandSize tblStyleColBandSize tblW "
    "jc tblCellSpacing tblInd tblBorders shd tblLayout tblCellMar tblLook",
    "pPr": "pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr "
    "suppressLineNumbers pBdr shd tabs suppressAutoHyphens kinsoku wordWrap overflowPunct "
    "topLinePunct autoSpaceDE autoSpaceDN bidi adjustRightInd snapToGrid spacing ind "
    "contextualSpacing mirrorIndents suppressOverlap jc textDirection textAlignment "
    "textboxTightWrap outlineLvl divId cnfStyle rPr sectPr pPrChange",
    "rPr": "rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss imprint "
    "noProof snapToGrid vanish webHidden color spacing w kern position sz szCs highlight u "
    "effect bdr shd fitText vertAlign rtl cs em lang eastAsianLayout specVanish oMath",
}


def test_elements_are_in_schema_order(docx: bytes) -> None:
    from docx.oxml.ns import qn

    body = open_docx(docx).element.body
    checked = 0
    for parent, names in _ORDER.items():
        rank = {qn(f"w:{n}"): i for i, n in enumerate(names.split())}
        for element in body.iter(qn(f"w:{parent}")):
            ranks = [rank[c.tag] for c in element if c.tag in rank]
            assert ranks == sorted(ranks), f"{parent}: {[c.tag for c in element]}"
            checked += 1
    assert checked > 100
