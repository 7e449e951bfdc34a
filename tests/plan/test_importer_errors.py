"""The importer on small synthetic plans: one valid plan with every appendix kind, then
one broken variant per error, each naming the file, the line and its text."""

from __future__ import annotations

from pathlib import Path

import pytest

from kehoach.common.errors import PlanTextError
from kehoach.plan.importer import load_plan, parse_plan


def row(*cells: str) -> str:
    return "\t".join(cells)


PAR1_HEAD = row(
    "TT",
    "Lĩnh vực",
    "Điểm tối đa",
    "Mục tiêu năm 2023",
    "Nhiệm vụ",
    "Chủ trì",
    "Phối hợp",
    "Thời gian",
)
PAR2_HEAD = row(
    "TT",
    "Lĩnh vực",
    "Điểm tối đa",
    "Điểm đạt được năm 2022",
    "Mục tiêu năm 2023",
    "Nhiệm vụ",
    "Chủ trì",
    "Phối hợp",
    "Thời gian",
)
SIPAS_HEAD = row(
    "TT", "Nhóm tiêu chí", "Tỷ lệ (tối đa 100%)", "", "Nhiệm vụ", "Chủ trì", "Phối hợp", "Thời gian"
)
SIPAS_HEAD2 = row("", "", "Kết quả năm 2022", "Mục tiêu năm 2023", "", "", "", "")
PAPI_HEAD = row(
    "TT",
    "Chỉ số nội dung",
    "Điểm tối đa",
    "Điểm đạt được năm 2022",
    "Mục tiêu năm 2023",
    "Nhiệm vụ",
    "Chủ trì",
    "Phối hợp",
    "Thời gian",
)

LINES: list[str] = [
    "Số: 12 /KH-UBND",  # 1
    "Bắc Kạn, ngày 08 tháng 6 năm 2023",  # 2
    "KẾ HOẠCH",  # 3
    "",  # 4
    "Thử nghiệm nhập kế hoạch",  # 5
    "Phụ lục 1. DUY TRÌ",  # 6
    "(Kèm theo Kế hoạch)",  # 7
    PAR1_HEAD,  # 8
    row("I", "CÔNG TÁC CHỈ ĐẠO", "", "", "", "", "", ""),  # 9
    row(
        "1",
        "TC 1.1. Kế hoạch",
        "1,50",
        "Đạt 100%",
        "- Việc A; - Việc B",
        "Sở Nội vụ",
        "Các sở",
        "Năm 2023",
    ),  # 10
    row("2", "TC 1.2. Kiểm tra", "2,00", "", "", "", "", ""),  # 11
    row("II", "", "", "", "", "", "", ""),  # 12
    row("CẢI CÁCH THỂ CHẾ", "", "", "", "", "", "", ""),  # 13
    row("1", "TC 2.1. Pháp luật", "3", "Đủ", "Việc C", "", "Sở Tư pháp", ""),  # 14
    "Phụ lục 2. KHẮC PHỤC",  # 15
    PAR2_HEAD,  # 16
    row("VII I", "TÁC ĐỘNG", "", "", "", "", "", "", ""),  # 17
    row(
        "1",
        "TC 8.5. Chỉ tiêu HDND (Điều tra XHH)",
        "2",
        "1,4231",
        "Mục tiêu",
        "<p>P1</p> <p>P2</p>",
        "Sở Kế hoạch và Đầu tư",
        "Các sở",
        "Năm 2023",
    ),  # 18
    row("", "", "", "", "", "", "Sở Tài chính", "Sở Nội vụ", ""),  # 19
    PAR2_HEAD,  # 20
    row(
        "1",
        "TC 8.5. Chỉ tiêu HĐND (Điều tra XHH)",
        "2",
        "1,4231",
        "Mục tiêu",
        "Việc D",
        "Sở Y tế",
        "",
        "",
    ),  # 21
    row(
        "2",
        "TCTP 8.6.1. Khác",
        "0,5000",
        "0,0000",
        "Mục tiêu",
        "Việc E",
        "",
        "",
        "Các sở, UBND cấp huyện",
    ),  # 22
    "Phụ lục 3. SIPAS",  # 23
    SIPAS_HEAD,  # 24
    SIPAS_HEAD2,  # 25
    row("", "TỔNG", "75,24", "85,24", "", "", "", ""),  # 26
    row("I", "NHÓM I", "", "", "", "", "", ""),  # 27
    row("1", "Nhóm con một", "76,15", "86,15", "", "", "", ""),  # 28
    row(
        "1.1", "Tiêu chí một", "75,59", "85,59", "Việc F", "Các sở", "Sở Tư pháp", "Thường xuyên"
    ),  # 29
    row("II", "NHÓM II", "", "", "", "", "", ""),  # 30
    row("1", "Nhóm con hai", "70", "80", "", "", "", ""),  # 31
    row("1.1", "Tiêu chí hai", "71", "81", "", "", "", ""),  # 32
    "Phụ lục 4. PAPI",  # 33
    PAPI_HEAD,  # 34
    row("", "Tổng", "80,00", "42,41", "58,57", "", "", "", ""),  # 35
    row("1", "Chỉ số nội dung “Tham gia”", "10,00", "5,39", "9,63", "", "", "", ""),  # 36
    row(
        "1.1",
        "Tri thức công dân",
        "2,50",
        "1,06",
        "1,56",
        "Việc&nbsp;G <i>nghiêng</i>",
        "UBND cấp xã",
        "",
        "Thường xuyên",
    ),  # 37
    row(
        "1.1",
        "Tri thức công dân",
        "2,50",
        "1,16",
        "1,56",
        "Việc H",
        "UBND cấp huyện",
        "",
        "Thường xuyên",
    ),  # 38
    "",  # 39
]
MINI = "\n".join(LINES)


def replace(line: int, text: str) -> str:
    lines = list(LINES)
    lines[line - 1] = text
    return "\n".join(lines)


def drop(first: int, last: int) -> str:
    return "\n".join(LINES[: first - 1] + LINES[last:])


# -- the valid synthetic plan -------------------------------------------------------------------


def test_mini_plan_parses() -> None:
    plan = parse_plan(MINI, source="mini.txt")
    assert (plan.number, plan.date, plan.title, plan.issuer) == (
        "12/KH-UBND",
        "2023-06-08",
        "Thử nghiệm nhập kế hoạch",
        "UBND tỉnh Bắc Kạn",
    )
    assert [len(a.criteria) for a in plan.appendices] == [3, 2, 2, 1]


def test_mini_pl1() -> None:
    pl1 = parse_plan(MINI).appendix("PL1")
    assert [(s.id, s.title) for s in pl1.sections] == [
        ("I", "CÔNG TÁC CHỈ ĐẠO"),
        ("II", "CẢI CÁCH THỂ CHẾ"),
    ]
    tc11, tc12, tc21 = pl1.criteria
    assert [t.text for t in tc11.tasks] == ["Việc A", "Việc B"]
    assert (tc12.target_text, tc12.inherited) == ("Đạt 100%", ["target_text"])
    assert [(t.text, t.inherited) for t in tc12.tasks] == [
        ("Việc A", ["text", "lead", "coordinating", "timeline"]),
        ("Việc B", ["text", "lead", "coordinating", "timeline"]),
    ]
    # first criterion of section II: nothing inherited across the boundary
    (t,) = tc21.tasks
    assert (t.id, t.lead, t.coordinating, t.timeline, t.inherited) == (
        "PL1-TC-2.1/1",
        "",
        "Sở Tư pháp",
        "",
        [],
    )
    assert (tc21.max, tc21.score_base, tc21.target, tc21.target_text) == (3.0, None, None, "Đủ")


def test_mini_pl2() -> None:
    pl2 = parse_plan(MINI).appendix("PL2")
    (viii,) = pl2.sections
    assert (viii.id, viii.title) == ("VIII", "TÁC ĐỘNG")
    tc85, tctp = viii.criteria
    assert (tc85.id, tc85.survey, tc85.max, tc85.score_base) == ("PL2-TC-8.5", True, 2.0, 1.4231)
    assert [(v.field, v.value, v.line) for v in tc85.variants] == [
        ("name", "Chỉ tiêu HĐND (Điều tra XHH)", 21)
    ]
    assert [
        (t.id, t.text, t.lead, t.coordinating, t.timeline, t.inherited) for t in tc85.tasks
    ] == [
        ("PL2-TC-8.5/1", "P1", "Sở Kế hoạch và Đầu tư", "Các sở", "Năm 2023", []),
        ("PL2-TC-8.5/2", "P2", "Sở Tài chính", "Sở Nội vụ", "Năm 2023", ["timeline"]),
        (
            "PL2-TC-8.5/3",
            "Việc D",
            "Sở Y tế",
            "Sở Nội vụ",
            "Năm 2023",
            ["coordinating", "timeline"],
        ),
    ]
    (t,) = tctp.tasks
    assert (t.lead, t.timeline, t.misplaced, t.inherited) == (
        "",
        "Các sở, UBND cấp huyện",
        ["timeline"],
        [],
    )


def test_mini_pl3() -> None:
    pl3 = parse_plan(MINI).appendix("PL3")
    assert (pl3.total.max, pl3.total.score_base, pl3.total.target) == (100.0, 75.24, 85.24)
    assert [(s.id, s.group, s.group_title, s.title, s.score_base) for s in pl3.sections] == [
        ("I.1", "I", "NHÓM I", "Nhóm con một", 76.15),
        ("II.1", "II", "NHÓM II", "Nhóm con hai", 70.0),
    ]
    one, two = pl3.criteria
    assert (one.id, one.max, one.target) == ("PL3-I-1.1", 100.0, 85.59)
    assert (two.id, two.tasks) == ("PL3-II-1.1", [])  # new section: nothing to inherit


def test_mini_pl4() -> None:
    pl4 = parse_plan(MINI).appendix("PL4")
    assert (pl4.total.max, pl4.total.score_base, pl4.total.target) == (80.0, 42.41, 58.57)
    (c,) = pl4.criteria
    assert [t.text for t in c.tasks] == ["Việc G nghiêng", "Việc H"]
    assert [(v.field, v.value, v.line) for v in c.variants] == [("score_base", "1,16", 38)]


def test_crlf_bom_and_utf8_file(tmp_path: Path) -> None:
    path = tmp_path / "ke-hoach.txt"
    path.write_bytes(("\ufeff" + MINI.replace("\n", "\r\n")).encode("utf-8"))
    assert load_plan(path).to_dict() == parse_plan(MINI).to_dict()


# -- errors ---------------------------------------------------------------------------------------

ERRORS: list[tuple[str, str, int | None, str]] = [
    (
        "bad-number-pl1",
        replace(10, LINES[9].replace("1,50", "1,2,3")),
        10,
        "Số không hợp lệ ở cột 'Điểm tối đa': «1,2,3»",
    ),
    (
        "bad-number-pl2",
        replace(18, LINES[17].replace("1,4231", "abc")),
        18,
        "Số không hợp lệ ở cột 'Điểm đạt được năm 2022': «abc»",
    ),
    (
        "bad-number-pl3-total",
        replace(26, row("", "TỔNG", "75,24", "85.24", "", "", "", "")),
        26,
        "Số không hợp lệ ở cột 'Mục tiêu năm 2023': «85.24»",
    ),
    (
        "bad-number-pl3-criterion",
        replace(29, LINES[28].replace("75,59", "7x")),
        29,
        "Số không hợp lệ ở cột 'Kết quả năm 2022': «7x»",
    ),
    (
        "bad-number-pl4-section",
        replace(36, LINES[35].replace("10,00", "10,00%")),
        36,
        "Số không hợp lệ ở cột 'Điểm tối đa': «10,00%»",
    ),
    ("too-few-cells-pl1", replace(10, row("1", "TC 1.1. Kế hoạch", "1,50")), 10, "có 3 ô"),
    ("too-few-cells-pl2", replace(21, "\t".join(LINES[20].split("\t")[:8])), 21, "có 9 cột"),
    ("too-many-cells-pl3", replace(29, LINES[28] + "\tthừa"), 29, "có 9 ô"),
    ("unknown-appendix-5", MINI + "\nPhụ lục 5. THÊM\n", 40, "«Phụ lục 5»"),
    ("unknown-appendix-A", replace(33, "Phụ lục A. PAPI"), 33, "«Phụ lục A»"),
    ("duplicate-appendix", replace(23, "Phụ lục 2. LẶP"), 23, "Phụ lục 2 xuất hiện hai lần"),
    ("missing-appendix", drop(23, 32), None, "Thiếu Phụ lục 3"),
    ("empty-appendix", drop(34, 38), 33, "Phụ lục 4 không có bảng nào"),
    ("no-code", replace(10, LINES[9].replace("TC 1.1. ", "")), 10, "Không đọc được mã tiêu chí"),
    (
        "orphan-continuation",
        replace(9, row("", "", "", "", "Việc", "Sở", "", "")),
        9,
        "không thuộc tiêu chí",
    ),
    ("criterion-before-section", drop(9, 9), 9, "ngoài lĩnh vực"),
    (
        "untitled-section",
        replace(13, row("1", "TC 2.1. X", "1", "", "", "", "", "")),
        13,
        "không có tên",
    ),
    ("sub-group-outside-group", drop(27, 27), 27, "ngoài nhóm tiêu chí"),
    (
        "numbers-on-continuation",
        replace(19, LINES[18].replace("\t\t\t\t\t\t", "\t\t1\t\t\t\t")),
        19,
        "Dòng tiếp nối",
    ),
    (
        "unknown-row",
        replace(11, row("x", "TC 1.2. Kiểm tra", "2", "", "", "", "", "")),
        11,
        "Không nhận ra",
    ),
    (
        "same-code-other-section",
        replace(14, LINES[13].replace("TC 2.1", "TC 1.1")),
        14,
        "trùng với dòng 10",
    ),
    (
        "unnamed-sub-group",
        replace(28, row("1", "", "76,15", "86,15", "", "", "", "")),
        28,
        "không có tên",
    ),
    (
        "unnamed-criterion",
        replace(37, LINES[36].replace("Tri thức công dân", "")),
        37,
        "không có tên",
    ),
    ("no-number-line", replace(1, "Số hiệu"), 1, "số hiệu «Số: …»"),
    ("bad-date", replace(2, "Bắc Kạn, ngày 31 tháng 2 năm 2023"), 2, "Ngày ban hành không hợp lệ"),
    ("no-title", replace(3, "KẾ HOẠCH CHUNG"), 1, "tên kế hoạch"),
    ("empty-text", "", None, "trống"),
    ("blank-text", " \n\t\n", None, "trống"),
]


@pytest.mark.parametrize(
    ("text", "line", "message"), [e[1:] for e in ERRORS], ids=[e[0] for e in ERRORS]
)
def test_errors(text: str, line: int | None, message: str) -> None:
    with pytest.raises(PlanTextError) as info:
        parse_plan(text, source="mini.txt")
    err = info.value
    assert message in err.message
    assert err.file == "mini.txt"
    if line is not None:
        assert err.line == line
        shown = text.split("\n")[line - 1]
        if err.text is not None:
            assert err.text == shown
        assert str(err).startswith(f"tệp mini.txt, dòng {line}: ")


@pytest.mark.parametrize(
    ("line", "cells"),
    [
        (10, LINES[9].replace("1,50", "1,2,3")),
        (18, LINES[17].replace("1,4231", "abc")),
        (10, row("1", "TC 1.1. Kế hoạch", "1,50")),
    ],
)
def test_row_errors_show_the_row(line: int, cells: str) -> None:
    with pytest.raises(PlanTextError) as info:
        parse_plan(replace(line, cells), source="mini.txt")
    assert info.value.text == cells
    assert f"Nội dung: «{cells}»" in str(info.value)


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "trong.txt"
    path.write_bytes(b"")
    with pytest.raises(PlanTextError) as info:
        load_plan(path)
    assert info.value.file == str(path)
    assert "trống" in str(info.value)
    assert str(path) in str(info.value)


def test_non_utf8_file(tmp_path: Path) -> None:
    path = tmp_path / "cp1258.txt"
    path.write_bytes(
        MINI.encode("utf-8").replace("Bắc Kạn".encode(), "B\xe1c K\xe1n".encode("latin-1"))
    )
    with pytest.raises(PlanTextError) as info:
        load_plan(path)
    err = info.value
    assert err.file == str(path)
    assert err.line == 2
    assert "UTF-8" in err.message
    assert err.text is not None and err.text.startswith("B")


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("khong-co.txt", "Không tìm thấy tệp kế hoạch."),
        ("thu-muc", "Đây là một thư mục, không phải tệp kế hoạch."),
    ],
)
def test_missing_or_unreadable_file(tmp_path: Path, name: str, message: str) -> None:
    (tmp_path / "thu-muc").mkdir()
    path = tmp_path / name
    with pytest.raises(PlanTextError) as info:
        load_plan(path)
    assert info.value.file == str(path)
    assert str(info.value) == f"tệp {path}: {message}"
