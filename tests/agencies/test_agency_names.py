"""Splitting lead/coordinating texts into agency names as written."""

from __future__ import annotations

import pytest

from kehoach.agencies.names import count_agencies, normalize, sort_key, split_agencies

CASES: list[tuple[str, list[str]]] = [
    ("Sở Nội vụ", ["Sở Nội vụ"]),
    ("", []),
    ("Các sở, ban, ngành", ["Các sở, ban, ngành"]),
    ("Các sở, BAN, ngành; UBND cấp huyện", ["Các sở, BAN, ngành", "UBND cấp huyện"]),
    (
        "Các sở, ban, ngành, UBND cấp huyện, UBND cấp xã",
        ["Các sở, ban, ngành", "UBND cấp huyện", "UBND cấp xã"],
    ),
    (
        "Các sở, ban, ngành, UBND cấp huyện, cấp xã",
        ["Các sở, ban, ngành", "UBND cấp huyện, cấp xã"],
    ),
    ("Sở Nội vụ, UBND cấp huyện", ["Sở Nội vụ", "UBND cấp huyện"]),
    (
        "BHXH tỉnh; Sở Lao động - Thương binh và Xã hội",
        ["BHXH tỉnh", "Sở Lao động - Thương binh và Xã hội"],
    ),
    (
        "Văn phòng UBND tỉnh; các Sở: Nội vụ; Tư pháp",
        ["Văn phòng UBND tỉnh", "các Sở: Nội vụ", "Tư pháp"],
    ),
    (
        "Các Sở: Nội vụ; Văn hóa, Thể thao và Du lịch; Y tế",
        ["Các Sở: Nội vụ", "Văn hóa, Thể thao và Du lịch", "Y tế"],
    ),
    (
        "HĐND và Ủy ban MTTQ Việt Nam cấp tỉnh, cấp huyện",
        ["HĐND và Ủy ban MTTQ Việt Nam cấp tỉnh, cấp huyện"],
    ),
    (
        "Sở Nội vụ; các cơ quan, đơn vị tuyển dụng trong năm 2023",
        ["Sở Nội vụ", "các cơ quan, đơn vị tuyển dụng trong năm 2023"],
    ),
    ("Các đơn vị dự toán, UBND cấp huyện", ["Các đơn vị dự toán", "UBND cấp huyện"]),
    (
        "<p>Sở Y tế</p> <p>Sở Thông tin và Truyền thông</p>",
        ["Sở Y tế", "Sở Thông tin và Truyền thông"],
    ),
    ("Sở Y tế<br/>BHXH tỉnh\nCông an tỉnh", ["Sở Y tế", "BHXH tỉnh", "Công an tỉnh"]),
    ("Sở Nội vụ;  Sở Nội vụ ; ;", ["Sở Nội vụ"]),
    ("- Sở  Tài chính.", ["Sở Tài chính"]),
    ("Sở Công thương Sở Giao thông vận tải", ["Sở Công thương Sở Giao thông vận tải"]),
]


@pytest.mark.parametrize(("text", "names"), CASES, ids=[c[0][:40] for c in CASES])
def test_split_agencies(text: str, names: list[str]) -> None:
    assert split_agencies(text) == names


def test_normalize_makes_nfc() -> None:
    decomposed = "Sở Tư pha\u0301p"  # "á" as a + combining acute
    assert normalize(decomposed) == "Sở Tư pháp"
    assert split_agencies(decomposed + "; Sở Tư pháp") == ["Sở Tư pháp"]


def test_sort_key_is_vietnamese_friendly_and_total() -> None:
    names = ["UBND cấp xã", "các sở", "Các sở", "Sở Y tế", "Đài Phát thanh", "Ủy ban MTTQ"]
    assert sorted(names, key=sort_key) == sorted(sorted(names, key=sort_key), key=sort_key)
    assert sorted(names, key=sort_key)[:2] == ["Các sở", "các sở"]


def test_count_agencies_counts_each_task_once_per_role() -> None:
    pairs = [
        ("Sở Nội vụ; Sở Nội vụ", "Các sở, ban, ngành; UBND cấp huyện"),
        ("Sở Nội vụ", "Sở Tài chính"),
        ("UBND cấp huyện", ""),
    ]
    assert count_agencies(pairs) == [
        ("Các sở, ban, ngành", 0, 1),
        ("Sở Nội vụ", 2, 0),
        ("Sở Tài chính", 0, 1),
        ("UBND cấp huyện", 1, 1),
    ]


def test_real_plan_names_stay_whole() -> None:
    from kehoach.plan.importer import load_default_plan

    plan = load_default_plan()
    names = [
        n for n, _, _ in count_agencies((t.lead, t.coordinating) for *_, t in plan.iter_tasks())
    ]
    assert names == sorted(names, key=sort_key)
    assert len(names) == len(set(names))
    for whole in ("Các sở, ban, ngành", "Sở Lao động - Thương binh và Xã hội", "UBND cấp huyện"):
        assert whole in names
    for fragment in ("ban", "ngành", "cấp xã", "Thể thao và Du lịch", ""):
        assert fragment not in names


def test_word_keys_are_the_same_worked_out_or_remembered() -> None:
    from kehoach.agencies.namekeys import _syllable, name_key

    spellings = ["Ủy", "Uỷ", "UỶ", "uỷ", "hóa", "hoá", "HOÁ", "Sở", "SỞ", "ban", "Ban", "và"]
    _syllable.cache_clear()
    fresh = [_syllable(w) for w in spellings]
    assert [_syllable(w) for w in spellings] == fresh  # the remembered keys
    assert fresh == [_syllable.__wrapped__(w) for w in spellings]
    assert fresh[0] == fresh[1] == fresh[2] == fresh[3] and fresh[4] == fresh[5] == fresh[6]
    assert fresh[7] == fresh[8] and fresh[9] == fresh[10] and fresh[7] != fresh[9]
    assert name_key("UBND huyện Ba Bể") == name_key("Uỷ ban nhân dân huyện Ba Bể")
    assert name_key("Sở Tài nguyên và Môi trường") == name_key("SỞ TÀI NGUYÊN MÔI TRƯỜNG")
