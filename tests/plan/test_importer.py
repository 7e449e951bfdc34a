"""The importer on the shipped plan text (Kế hoạch 365/KH-UBND) and its text helpers.

Counts and values below were read off the document by hand, not off the parser.
"""

from __future__ import annotations

import re
import subprocess
import sys
import unicodedata
from collections.abc import Iterator
from typing import Any

import pytest

from kehoach.plan.importer import default_plan_path, load_default_plan, load_plan, parse_plan
from kehoach.plan.model import Criterion, Plan, Section, Task
from kehoach.plan.numbers import parse_decimal
from kehoach.plan.tables import roman_prefix
from kehoach.plan.taskrows import misplaced_fields
from kehoach.plan.textclean import clean, list_items, paragraphs


@pytest.fixture(scope="module")
def plan() -> Plan:
    return load_default_plan()


def criterion(plan: Plan, criterion_id: str) -> Criterion:
    for a in plan.appendices:
        for c in a.criteria:
            if c.id == criterion_id:
                return c
    raise KeyError(criterion_id)


def section(plan: Plan, appendix_id: str, section_id: str) -> Section:
    for s in plan.appendix(appendix_id).sections:
        if s.id == section_id:
            return s
    raise KeyError(section_id)


def task(plan: Plan, task_id: str) -> Task:
    criterion_id, _ = task_id.split("/")
    for t in criterion(plan, criterion_id).tasks:
        if t.id == task_id:
            return t
    raise KeyError(task_id)


# -- the plan header ----------------------------------------------------------------------------


def test_plan_header(plan: Plan) -> None:
    assert plan.number == "365/KH-UBND"
    assert plan.date == "2023-06-08"
    assert plan.issuer == "UBND tỉnh Bắc Kạn"
    assert plan.title.startswith("Khắc phục những tồn tại, hạn chế Chỉ số cải cách hành chính")
    assert plan.title.endswith("nâng cao chất lượng các chỉ số năm 2023")


def test_default_plan_path_is_the_packaged_file() -> None:
    path = default_plan_path()
    assert path.name == "ke-hoach-365-2023.txt"
    assert path.is_file()
    assert load_plan(path).to_dict() == load_default_plan().to_dict()


# -- counts -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("appendix_id", "sections", "criteria"),
    [
        ("PL1", ["I", "II", "III", "IV", "V", "VI", "VII", "VIII"], 27),
        ("PL2", ["I", "II", "III", "IV", "V", "VI", "VII", "VIII"], 40),
        ("PL3", ["I.1", "I.2", "I.3", "I.4", "II.1", "II.2", "II.3", "II.4", "II.5"], 33),
        ("PL4", ["1", "2", "3", "4", "5", "6", "7", "8"], 28),
    ],
)
def test_counts(plan: Plan, appendix_id: str, sections: list[str], criteria: int) -> None:
    appendix = plan.appendix(appendix_id)
    assert [s.id for s in appendix.sections] == sections
    assert len(appendix.criteria) == criteria
    assert appendix.title.startswith(f"Phụ lục {appendix_id[2]}. MỤC TIÊU, NHIỆM VỤ")


@pytest.mark.parametrize(
    ("appendix_id", "per_section"),
    [
        ("PL1", [4, 3, 4, 2, 2, 5, 4, 3]),
        ("PL2", [3, 4, 4, 6, 6, 8, 6, 3]),
        ("PL3", [2, 2, 8, 2, 4, 4, 5, 3, 3]),
        ("PL4", [4, 4, 3, 4, 3, 4, 3, 3]),
    ],
)
def test_criteria_per_section(plan: Plan, appendix_id: str, per_section: list[int]) -> None:
    assert [len(s.criteria) for s in plan.appendix(appendix_id).sections] == per_section


def test_ids_are_unique(plan: Plan) -> None:
    criteria = [c.id for a in plan.appendices for c in a.criteria]
    tasks = [t.id for _, _, _, t in plan.iter_tasks()]
    assert len(set(criteria)) == len(criteria)
    assert len(set(tasks)) == len(tasks)


# -- sections -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("appendix_id", "section_id", "title"),
    [
        ("PL1", "I", "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH"),
        ("PL1", "III", "CẢI CÁCH THỦ TỤC HÀNH CHÍNH"),  # "III" and its title on two rows
        ("PL1", "VII", "XÂY DỰNG CHÍNH QUYỀN ĐIỆN TỬ, CHÍNH QUYỀN SỐ"),
        ("PL1", "VIII", "TÁC ĐỘNG CỦA CCHC ĐẾN NGƯỜI DÂN, TỔ CHỨC VÀ PHÁT TRIỂN KINH TẾ - XÃ HỘI"),
        ("PL2", "III", "CẢI CÁCH THỦ TỤC HÀNH CHÍNH"),  # "III CẢI CÁCH …" in one cell
        ("PL2", "V", "CÁI CÁCH CHẾ ĐỘ CÔNG VỤ"),  # the plan's typo, kept
        ("PL2", "VIII", "TÁC ĐỘNG CỦA CCHC ĐẾN NGƯỜI DÂN, TỔ CHỨC VÀ PHÁT TRIỂN KINH TẾ - XÃ HỘI"),
    ],
)
def test_par_section_titles(plan: Plan, appendix_id: str, section_id: str, title: str) -> None:
    s = section(plan, appendix_id, section_id)
    assert s.title == title
    assert (s.max, s.score_base, s.target, s.group) == (None, None, None, "")


def test_section_viii_of_pl2_comes_from_a_split_numeral(plan: Plan) -> None:
    s = section(plan, "PL2", "VIII")
    assert s.line == 217  # the row whose TT cell reads "VII I"
    assert [c.code for c in s.criteria] == ["TCTP 8.3.2", "TC 8.4", "TC 8.5"]


@pytest.mark.parametrize(
    ("section_id", "group_title", "title", "score_base", "target"),
    [
        (
            "I.1",
            "NHÓM TIÊU CHÍ XÂY DỰNG, TỔ CHỨC THỰC HIỆN CHÍNH SÁCH",
            "Trách nhiệm giải trình của cơ quan nhà nước",
            76.15,
            86.15,
        ),
        (
            "I.3",
            "NHÓM TIÊU CHÍ XÂY DỰNG, TỔ CHỨC THỰC HIỆN CHÍNH SÁCH",
            "Chất lượng chính sách",
            75.68,
            85.68,
        ),
        (
            "I.4",
            "NHÓM TIÊU CHÍ XÂY DỰNG, TỔ CHỨC THỰC HIỆN CHÍNH SÁCH",
            "Kết quả tác động của chính sách",
            74.44,
            84.44,
        ),
        (
            "II.1",
            "NHÓM TIÊU CHÍ CUNG ỨNG DỊCH VỤ HÀNH CHÍNH CÔNG",
            "Tiếp cận dịch vụ",
            76.21,
            86.21,
        ),
        (
            "II.5",
            "NHÓM TIÊU CHÍ CUNG ỨNG DỊCH VỤ HÀNH CHÍNH CÔNG",
            "Cơ quan tiếp nhận, xử lý phản ánh kiến nghị",
            71.94,
            81.94,
        ),
    ],
)
def test_pl3_sub_groups(
    plan: Plan, section_id: str, group_title: str, title: str, score_base: float, target: float
) -> None:
    s = section(plan, "PL3", section_id)
    assert s.group == section_id.split(".")[0]
    assert s.group_title == group_title
    assert s.title == title
    assert (s.max, s.score_base, s.target) == (100.0, score_base, target)


@pytest.mark.parametrize(
    ("section_id", "title", "figures"),
    [
        ("1", "Chỉ số nội dung “Tham gia của người dân ở cấp cơ sở”", (10.0, 5.39, 9.63)),
        ("2", "Chỉ số nội dung “Công khai, minh bạch”", (10.0, 5.49, 7.48)),
        ("7", "Chỉ số nội dung “Quản trị môi trường”", (10.0, 3.36, 4.82)),
        ("8", "Chỉ số nội dung “Quản trị điện tử”", (10.0, 2.88, 4.40)),
    ],
)
def test_pl4_content_indexes(
    plan: Plan, section_id: str, title: str, figures: tuple[float, float, float]
) -> None:
    s = section(plan, "PL4", section_id)
    assert s.title == title
    assert (s.max, s.score_base, s.target) == figures


@pytest.mark.parametrize(
    ("appendix_id", "total"),
    [
        ("PL1", (None, None, None)),
        ("PL2", (None, None, None)),
        ("PL3", (100.0, 75.24, 85.24)),
        ("PL4", (80.0, 42.41, 58.57)),
    ],
)
def test_totals(plan: Plan, appendix_id: str, total: tuple[float | None, ...]) -> None:
    t = plan.appendix(appendix_id).total
    assert (t.max, t.score_base, t.target) == total


# -- criteria -----------------------------------------------------------------------------------

CRITERIA: list[tuple[str, dict[str, Any]]] = [
    (
        "PL1-TC-1.1",
        {
            "code": "TC 1.1",
            "name": "Thực hiện kế hoạch CCHC",
            "max": 1.5,
            "score_base": None,
            "target": None,
            "target_text": "100% nhiệm vụ kế hoạch được hoàn thành đúng tiến độ",
            "survey": False,
            "tt": "1",
            "line": 105,
        },
    ),
    (
        "PL1-TC-1.6",
        {
            "name": "Đối thoại của lãnh đạo tỉnh với người dân, doanh nghiệp",
            "target_text": "Tổ chức tối thiểu 02 cuộc đối thoại trở lên (Trực tiếp/trực tuyến) "
            "100% kiến nghị, đề xuất của người dân, tổ chức qua đối thoại được xử lý theo quy định",
        },
    ),
    (
        "PL1-TCTP-3.2.3",
        {"code": "TCTP 3.2.3", "max": 1.0, "tt": "1", "line": 117},
    ),
    ("PL1-TCTP-3.4.4", {"code": "TCTP 3.4.4", "max": 0.25}),
    ("PL1-TCTP-3.4.3", {"code": "TCTP 3.4.3", "max": 1.0, "tt": "2"}),  # listed under IV
    (
        "PL1-TCTP-6.3.3",
        {
            "name": "Thực hiện quy định về sử dụng các nguồn tài chính và phân phối kết quả tài "
            "chính tại các đơn vị SNCL.",
            "max": 1.0,
        },
    ),
    (
        "PL2-TC-1.2",
        {
            "code": "TC 1.2",
            "name": "Thực hiện chế độ báo cáo định kỳ",
            "max": 0.5,
            "score_base": 0.0,
            "target": None,
            "survey": False,
        },
    ),
    ("PL2-TC-1.7", {"max": 1.5, "score_base": 1.275}),
    (
        "PL2-TCTP-2.4.1",
        {
            "code": "TCTP 2.4.1",
            "name": "Tính đồng bộ, thống nhất của các VBQPPL do địa phương ban hành (Điều tra XHH)",
            "max": 1.0,
            "score_base": 0.7646,
            "survey": True,
        },
    ),
    ("PL2-TCTP-2.4.4", {"score_base": 0.8742, "survey": True, "tt": "4", "line": 171}),
    ("PL2-TC-3.4", {"max": 5.0, "score_base": 4.9928, "survey": False}),
    ("PL2-TC-5.7", {"max": 4.0, "score_base": 2.6994, "survey": True}),
    ("PL2-TC-8.5", {"max": 2.0, "score_base": 1.4231, "line": 222}),
    (
        "PL3-I-1.1",
        {
            "code": "1.1",
            "name": "Hình thức cơ quan nhà nước cung cấp, giải thích thông tin về các chính sách",
            "max": 100.0,
            "score_base": 75.59,
            "target": 85.59,
            "target_text": "",
            "tt": "1.1",
        },
    ),
    ("PL3-I-3.8", {"name": "Sự phù hợp của chính sách an sinh xã hội", "score_base": 78.26}),
    (
        "PL3-II-1.1",
        {"name": "Cung cấp thông tin về giải quyết TTHC", "score_base": 74.98, "target": 84.98},
    ),
    (
        "PL3-II-5.3",
        {
            "name": "Kết quả xử lý phản ánh kiến nghị của cơ quan hành chính",
            "max": 100.0,
            "score_base": 69.95,
            "target": 79.95,
        },
    ),
    (
        "PL4-1.1",
        {
            "code": "1.1",
            "name": "Tri thức công dân",
            "max": 2.5,
            "score_base": 1.06,
            "target": 1.56,
        },
    ),
    ("PL4-3.1", {"name": "Hiệu quả tương tác với các cấp chính quyền", "max": 3.4}),
    (
        "PL4-8.2",
        {
            "name": "Tiếp cận và sử dụng Internet tại địa phương;",
            "score_base": 2.03,
            "target": 2.55,
        },
    ),
    ("PL4-8.3", {"max": 3.3, "score_base": 0.36, "target": 0.86}),
]


@pytest.mark.parametrize(("criterion_id", "expected"), CRITERIA, ids=[c for c, _ in CRITERIA])
def test_criteria(plan: Plan, criterion_id: str, expected: dict[str, Any]) -> None:
    c = criterion(plan, criterion_id)
    assert {k: getattr(c, k) for k in expected} == expected


def test_survey_flags_follow_the_name(plan: Plan) -> None:
    surveyed = [c.code for c in plan.appendix("PL2").criteria if c.survey]
    assert surveyed == [
        *("TCTP 2.4.1", "TCTP 2.4.2", "TCTP 2.4.3", "TCTP 2.4.4"),
        *("TCTP 4.1.4", "TCTP 4.1.5", "TCTP 4.1.6", "TCTP 4.3.4"),
        *("TC 5.2", "TC 5.3", "TC 5.5", "TC 5.7"),
        *("TCTP 6.1.4", "TCTP 6.2.4", "TCTP 6.2.5", "TCTP 6.3.5"),
        "TCTP 7.3.2",
    ]
    assert all("(Điều tra XHH)" in c.name for a in plan.appendices for c in a.criteria if c.survey)
    assert not any(c.survey for a in ("PL1", "PL3", "PL4") for c in plan.appendix(a).criteria)


def test_pl3_codes_restart_in_each_group(plan: Plan) -> None:
    assert criterion(plan, "PL3-I-1.1").name != criterion(plan, "PL3-II-1.1").name
    assert [c.code for c in section(plan, "PL3", "II.1").criteria] == ["1.1", "1.2", "1.3", "1.4"]


# -- tasks --------------------------------------------------------------------------------------

TASKS: list[tuple[str, dict[str, Any]]] = [
    (
        "PL1-TC-1.1/1",
        {
            "text": "Thường xuyên theo dõi, kiểm tra, đôn đốc các đơn vị thực hiện có hiệu quả, "
            "đúng "
            "tiến độ các nhiệm vụ trong kế hoạch CCHC năm 2023, để đến hết tháng 12/2023 hoàn "
            "thành "
            "100% nhiệm vụ đề ra.",
            "lead": "Sở Nội vụ",
            "coordinating": "Các sở, ban, ngành, UBND cấp huyện",
            "timeline": "Thường xuyên",
            "inherited": [],
            "misplaced": [],
            "line": 105,
        },
    ),
    # Dash bullets in a plain cell; the hyphen in the agency name is left alone.
    (
        "PL1-TC-1.6/1",
        {
            "text": "Xây dựng các chương trình, kế hoạch và các văn bản liên quan để tổ chức đối "
            "thoại",
            "lead": "Các Sở: Công thương; Lao động - Thương binh và Xã hội; Kế hoạch và Đầu tư",
        },
    ),
    (
        "PL1-TC-1.6/2",
        {
            "text": "Tổng hợp đầy đủ các kiến nghị, đề xuất của người dân, tổ chức qua đối thoại "
            "và đề "
            "nghị cấp có thẩm quyền xử lý theo quy định",
        },
    ),
    # Merged cells: TC 2.2 takes the agencies of TC 2.1, TC 2.3 takes everything.
    (
        "PL1-TC-2.2/1",
        {
            "lead": "Các sở, ban, ngành, UBND cấp huyện",
            "coordinating": "Sở Tư pháp",
            "timeline": "Thường xuyên",
            "inherited": ["lead", "coordinating"],
        },
    ),
    (
        "PL1-TC-2.3/1",
        {
            "text": "Chủ động tự kiểm tra, rà soát hệ thống hóa văn bản QPPL để kịp thời phát "
            "hiện, kiến "
            "nghị xử lý những văn bản mâu thuẫn, chồng chéo, bất cập, thiếu tính khả thi hoặc "
            "không "
            "còn phù hợp với thực tiễn quản lý, điều hành ở địa phương, đơn vị",
            "lead": "Các sở, ban, ngành, UBND cấp huyện",
            "coordinating": "Sở Tư pháp",
            "timeline": "Thường xuyên",
            "inherited": ["text", "lead", "coordinating", "timeline"],
            "line": 112,
        },
    ),
    # A continuation row with its own text and lead keeps them; the empty cell is merged.
    (
        "PL1-TCTP-3.2.3/2",
        {
            "text": "Số liệu hồ sơ TTHC được đồng bộ với Cổng Dịch vụ công của tỉnh và Cổng Dịch "
            "vụ "
            "công Quốc gia",
            "lead": "Sở Thông tin và Truyền thông",
            "coordinating": "Các sở, ban, ngành; UBND cấp huyện, UBND cấp xã",
            "inherited": ["coordinating"],
            "line": 118,
        },
    ),
    # First row of a section: nothing above to inherit from.
    (
        "PL1-TCTP-6.1.2/1",
        {"text": "", "lead": "", "coordinating": "Sở Tài chính", "inherited": []},
    ),
    (
        "PL1-TC-8.2/3",
        {
            "text": "Kịp thời nắm bắt, hỗ trợ tháo gỡ các khó khăn, vướng mắc tạo điều kiện thuận "
            "lợi cho "
            "doanh nghiệp trong hoạt động sản xuất kinh doanh tăng cường sự phối hợp giữa các đơn "
            "vị "
            "trong việc giải quyết những vấn đề về pháp lý trong hoạt động kinh doanh của doanh "
            "nghiệp",
            "lead": "Sở Kế hoạch và Đầu tư",
            "coordinating": "Các sở, BAN, ngành; UBND cấp huyện",
        },
    ),
    # Paragraph i of the criterion row goes with agency row i.
    (
        "PL2-TC-1.2/1",
        {
            "text": "Đôn đốc các cơ quan, đơn vị thực hiện chế độ báo cáo đảm bảo nội dung và thời "
            "gian "
            "quy định",
            "lead": "Sở Nội vụ",
            "coordinating": "Các sở, ban, ngành; UBND cấp huyện",
            "timeline": "Trước ngày 12 tháng cuối quý và ngày 12/12/2023",
            "inherited": [],
            "line": 159,
        },
    ),
    (
        "PL2-TC-1.2/2",
        {
            "text": "Thực hiện chế độ báo cáo chuyên đề định kỳ đảm bảo đủ nội dung, đúng thời "
            "gian quy "
            "định",
            "lead": "Văn phòng UBND tỉnh; các sở: Thông tin và Truyền thông; Tư pháp; Tài chính",
            "coordinating": "Sở Nội vụ",
            "timeline": "Trước ngày 12 tháng cuối quý và ngày 12/12/2023",
            "inherited": ["timeline"],
            "line": 160,
        },
    ),
    ("PL2-TC-1.5/2", {"lead": "Các sở, ban, ngành; UBND cấp huyện; UBND cấp xã", "line": 162}),
    ("PL2-TC-1.7/2", {"lead": "Các sở, ban, ngành; UBND cấp huyện", "line": 164}),
    # Timeline holds agency names: kept, flagged, nothing inherited into the row.
    (
        "PL2-TCTP-6.1.4/1",
        {
            "lead": "",
            "coordinating": "",
            "timeline": "Các sở, ban, ngành, UBND cấp huyện, UBND cấp xã",
            "inherited": [],
            "misplaced": ["timeline"],
        },
    ),
    (
        "PL2-TCTP-7.1.4/1",
        {
            "lead": "",
            "timeline": "Các cơ quan, đơn vị, địa phương; đơn vị cung cấp phần mềm",
            "misplaced": ["timeline"],
        },
    ),
    # …and a misplaced value is never inherited by the row below.
    ("PL2-TCTP-7.3.3/1", {"timeline": "", "inherited": []}),
    # An intro sentence with one dash item stays one task.
    ("PL2-TCTP-6.3.2/1", {"line": 198}),
    # Agency paragraphs paired with task paragraphs in the same row.
    ("PL2-TC-8.5/6", {"lead": "Sở Y tế", "line": 227}),
    ("PL2-TC-8.5/7", {"lead": "Sở Thông tin và Truyền thông", "line": 227}),
    (
        "PL3-I-3.1/2",
        {
            "text": "Tăng cường thanh tra, kiểm tra việc thực hiện các chính sách về đầu tư, kinh "
            "doanh, "
            "việc làm",
            "lead": "Sở Kế hoạch và Đầu tư; Sở Lao động - Thương binh và Xã hội",
            "inherited": ["lead", "coordinating", "timeline"],
        },
    ),
    (
        "PL3-II-1.3/1",
        {
            "text": "Bộ phận Một cửa, một cửa liên thông có biển hiệu, hướng dẫn rõ ràng, dễ tìm, "
            "dễ "
            "thấy; sạch sẽ, văn minh",
            "inherited": ["text", "lead", "coordinating", "timeline"],
        },
    ),
    (
        "PL4-1.1/1",
        {
            "lead": "UBND và các Tổ chức chính trị - xã hội cấp xã",
            "coordinating": "Các sở, ngành, UBND cấp xã",
        },
    ),
    ("PL4-1.1/2", {"lead": "Các sở, ngành, UBND cấp huyện"}),
    (
        "PL4-2.2/4",
        {
            "text": "Thông báo bằng văn bản cho Đảng ủy, các tổ chức chính trị - xã hội ở xã "
            "thôn/tổ dân "
            "phố.",
        },
    ),
    (
        "PL4-2.1/1",
        {
            "text": "Đảm bảo thực hiện quyền tiếp cận thông tin của công dân theo quy định của "
            "Luật Tiếp "
            "cận thông tin năm 2016",
        },
    ),
]


@pytest.mark.parametrize(("task_id", "expected"), TASKS, ids=[t for t, _ in TASKS])
def test_tasks(plan: Plan, task_id: str, expected: dict[str, Any]) -> None:
    t = task(plan, task_id)
    assert {k: getattr(t, k) for k in expected} == expected


@pytest.mark.parametrize(
    ("criterion_id", "tasks"),
    [
        ("PL1-TC-1.6", 2),
        ("PL1-TC-2.1", 1),
        ("PL1-TC-8.2", 4),  # <ul> without <li>: dash bullets
        ("PL1-TCTP-8.3.1", 4),  # merged text cell of TC 8.2
        ("PL2-TC-1.2", 2),
        ("PL2-TC-1.5", 2),
        ("PL2-TC-1.7", 2),
        ("PL2-TCTP-2.4.1", 2),  # "- A - B": second bullet without ";"
        ("PL2-TCTP-6.3.2", 1),
        ("PL2-TCTP-7.3.7", 3),
        ("PL2-TCTP-8.3.2", 5),
        ("PL2-TC-8.5", 7),
        ("PL3-I-3.1", 5),
        ("PL3-I-3.2", 3),
        ("PL3-II-2.4", 2),
        ("PL4-1.1", 2),
        ("PL4-1.2", 2),
        ("PL4-2.1", 3),
        ("PL4-2.2", 4),
        ("PL4-3.1", 3),
    ],
)
def test_task_counts(plan: Plan, criterion_id: str, tasks: int) -> None:
    assert len(criterion(plan, criterion_id).tasks) == tasks


def test_intro_with_one_dash_item_is_one_task(plan: Plan) -> None:
    (only,) = criterion(plan, "PL2-TCTP-6.3.2").tasks
    assert "tập trung thực hiện: - Xây dựng định mức kinh tế kỹ thuật" in only.text


def test_task_ids_number_tasks_in_order(plan: Plan) -> None:
    for _, _, c, _ in plan.iter_tasks():
        assert [t.id for t in c.tasks] == [f"{c.id}/{n}" for n in range(1, len(c.tasks) + 1)]


def test_misplaced_is_rare(plan: Plan) -> None:
    flagged = sorted(t.id for _, _, _, t in plan.iter_tasks() if t.misplaced)
    assert flagged == ["PL2-TCTP-6.1.4/1", "PL2-TCTP-7.1.4/1"]


# -- merged cells at criterion level, repeated criteria -----------------------------------------


@pytest.mark.parametrize(
    ("criterion_id", "target_text"),
    [
        (
            "PL1-TCTP-6.2.2",
            "100% cơ quan, đơn vị quản lý, sử dụng đúng quy định nguồn kinh phí ngân sách nhà nước "
            "và tài sản công",
        ),
        (
            "PL2-TCTP-2.4.3",
            "100% văn bản QPPL ban hành trong năm đảm bảo tính đồng bộ, thống nhất, hợp lý và có "
            "tính khả thi cao",
        ),
        (
            "PL2-TCTP-4.1.6",
            "Đảm bảo chức năng, nhiệm vụ của các cơ quan, đơn vị được quy định cụ thể theo quy "
            "định",
        ),
    ],
)
def test_target_text_inherited(plan: Plan, criterion_id: str, target_text: str) -> None:
    c = criterion(plan, criterion_id)
    assert c.target_text == target_text
    assert c.inherited == ["target_text"]


def test_target_text_not_inherited_across_sections(plan: Plan) -> None:
    first = section(plan, "PL1", "VI").criteria[0]
    assert first.code == "TCTP 6.1.2"
    assert first.inherited == []
    assert all(t.inherited == [] for t in first.tasks)


def test_repeated_pl2_tc_8_5_is_one_criterion_with_variants(plan: Plan) -> None:
    s = section(plan, "PL2", "VIII")
    assert [c.code for c in s.criteria].count("TC 8.5") == 1
    c = criterion(plan, "PL2-TC-8.5")
    assert c.name == "Mức độ thực hiện các chỉ tiêu phát triển kinh tế - xã hội do HDND tỉnh giao"
    assert [(v.field, v.value, v.line) for v in c.variants] == [
        (
            "name",
            "Mức độ thực hiện các chỉ tiêu phát triển kinh tế - xã hội do HĐND tỉnh giao",
            227,
        ),
        (
            "target_text",
            "Phấn đấu hoàn thành 100% chỉ tiêu phát triển kinh tế - xã hội do HĐND tỉnh giao",
            227,
        ),
    ]
    assert [t.line for t in c.tasks] == [222, 222, 222, 223, 224, 227, 227]
    assert [t.lead for t in c.tasks] == [
        "Sở Kế hoạch và Đầu tư",
        "Sở Kế hoạch và Đầu tư",
        "Sở Kế hoạch và Đầu tư",
        "Sở Nông nghiệp và Phát triển nông thôn",
        "Sở Giáo dục và Đào tạo",
        "Sở Y tế",
        "Sở Thông tin và Truyền thông",
    ]


def test_repeated_pl4_1_2_is_one_criterion(plan: Plan) -> None:
    s = section(plan, "PL4", "1")
    assert [c.code for c in s.criteria] == ["1.1", "1.2", "1.3", "1.4"]
    c = criterion(plan, "PL4-1.2")
    assert c.variants == []  # the repeat has the same name and figures
    assert [(t.line, t.timeline) for t in c.tasks] == [
        (326, "Khi xây dựng hoặc triển khai các chính sách"),
        (327, "Thường xuyên"),
    ]
    assert c.tasks[1].coordinating == "Sở Nội vụ"


# -- text hygiene and determinism ---------------------------------------------------------------


def strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from strings(v)


def test_no_html_entities_or_stray_whitespace(plan: Plan) -> None:
    texts = list(strings(plan.to_dict()))
    assert len(texts) > 1000
    for text in texts:
        assert not re.search(r"<\s*/?\s*[a-zA-Z]", text), text
        assert not re.search(r"&(?:[a-zA-Z]+|#\d+);", text), text
        assert "\xa0" not in text and "\t" not in text and "\n" not in text
        assert text == text.strip() and "  " not in text
        assert unicodedata.is_normalized("NFC", text)


def test_reimport_is_identical(plan: Plan) -> None:
    again = load_default_plan()
    assert again.to_dict() == plan.to_dict()
    assert [t.id for *_, t in again.iter_tasks()] == [t.id for *_, t in plan.iter_tasks()]


def test_decomposed_input_comes_out_nfc() -> None:
    text = default_plan_path().read_text(encoding="utf-8")
    decomposed = unicodedata.normalize("NFD", text)
    assert decomposed != text
    assert parse_plan(decomposed).to_dict() == load_default_plan().to_dict()


def test_importing_the_importer_leaves_xlwings_out() -> None:
    code = "import sys, kehoach.plan.importer; print('xlwings' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# -- text helpers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "items"),
    [
        ("Một việc", ["Một việc"]),
        ("", []),
        ("- Việc A; - Việc B", ["Việc A", "Việc B"]),
        ("- Việc A. - Việc B.", ["Việc A.", "Việc B."]),
        ("- Việc A theo quy định - Việc B", ["Việc A theo quy định", "Việc B"]),
        # hyphens, not bullets
        ("- Phát triển kinh tế - xã hội; - Việc B", ["Phát triển kinh tế - xã hội", "Việc B"]),
        ("- Giai đoạn 2021 - 2025", ["Giai đoạn 2021 - 2025"]),
        (
            "- Phối hợp Sở Lao động - Thương binh và Xã hội",
            ["Phối hợp Sở Lao động - Thương binh và Xã hội"],
        ),
        (
            "- Báo Đài Phát thanh - Truyền hình tỉnh; - B",
            ["Báo Đài Phát thanh - Truyền hình tỉnh", "B"],
        ),
        ("- Covid -19 và 11- NQ/TW", ["Covid -19 và 11- NQ/TW"]),
        # no leading bullet: one task, as written
        (
            "Tập trung thực hiện: - Xây dựng định mức;",
            ["Tập trung thực hiện: - Xây dựng định mức;"],
        ),
        ("Liên thông tài nguyên môi trường - Thuê", ["Liên thông tài nguyên môi trường - Thuê"]),
        # HTML paragraphs and list items; dashes inside a paragraph never split it
        ("<p>A</p> <p>B</p>", ["A", "B"]),
        ("<p>- A - Bình thường</p><p>- C;</p>", ["A - Bình thường", "C"]),
        ("<ul><li>A</li><li>B &amp; C</li></ul>", ["A", "B & C"]),
        ('<ul style="list-style-type: none"> - A; - B </ul>', ["A", "B"]),
        ("Trước <p>A</p>", ["Trước", "A"]),
        ("(<i>Trực tiếp</i>)&nbsp;x<br>y", ["(Trực tiếp) x y"]),
    ],
)
def test_list_items(cell: str, items: list[str]) -> None:
    assert list_items(cell) == items


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (
            "<p>Sở Y tế</p> <p>Sở Thông tin và Truyền thông</p>",
            ["Sở Y tế", "Sở Thông tin và Truyền thông"],
        ),
        ("Sở Nội vụ", ["Sở Nội vụ"]),
        ("  ", []),
    ],
)
def test_paragraphs(cell: str, expected: list[str]) -> None:
    assert paragraphs(cell) == expected


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("a&nbsp;&nbsp;b", "a b"),
        ("<b>Đậm</b>\u200b  chữ", "Đậm chữ"),
        ("A &lt;b&gt; &#273;", "A <b> đ"),
        ("Tie\u0302\u0301ng", "Tiếng"),
    ],
)
def test_clean(cell: str, expected: str) -> None:
    assert clean(cell) == expected


@pytest.mark.parametrize(
    ("text", "value"),
    [("1,5000", 1.5), ("0,25", 0.25), ("2", 2.0), ("75,24", 75.24), (" 10,00 ", 10.0), ("", None)],
)
def test_parse_decimal(text: str, value: float | None) -> None:
    assert parse_decimal(text) == value


@pytest.mark.parametrize("text", ["1,2,3", "abc", "1.5", "75,24%", "-1", ",5", "1,"])
def test_parse_decimal_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_decimal(text)


@pytest.mark.parametrize(
    ("tt", "expected"),
    [
        ("I", ("I", "")),
        ("VII I", ("VIII", "")),
        ("VIII TÁC ĐỘNG CỦA CCHC", ("VIII", "TÁC ĐỘNG CỦA CCHC")),
        ("III CẢI CÁCH THỦ TỤC HÀNH CHÍNH", ("III", "CẢI CÁCH THỦ TỤC HÀNH CHÍNH")),
        ("CẢI CÁCH THỦ TỤC HÀNH CHÍNH", None),
        ("1", None),
        ("IIII", None),
    ],
)
def test_roman_prefix(tt: str, expected: tuple[str, str] | None) -> None:
    assert roman_prefix(tt) == expected


@pytest.mark.parametrize(
    ("lead", "coordinating", "timeline", "expected"),
    [
        ("Sở Nội vụ", "Các sở", "Thường xuyên", []),
        ("", "", "Các sở, ban, ngành, UBND cấp huyện, UBND cấp xã", ["timeline"]),
        ("", "", "Văn phòng UBND tỉnh", ["timeline"]),
        ("", "", "Khi có văn bản chỉ đạo, hướng dẫn của Bộ Thông tin và Truyền thông", []),
        ("", "", "Trước ngày 12 tháng cuối quý và ngày 12/12/2023", []),
        ("Thường xuyên", "Sở Nội vụ", "", ["lead"]),
        ("Các đơn vị được kiểm tra trong năm", "Năm 2023", "", ["coordinating"]),
    ],
)
def test_misplaced_fields(lead: str, coordinating: str, timeline: str, expected: list[str]) -> None:
    assert misplaced_fields(lead, coordinating, timeline) == expected
