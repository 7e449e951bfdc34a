"""The resolver: agency texts as the plan writes them → directory entries and agencies."""

from __future__ import annotations

from pathlib import Path

import pytest

from kehoach.agencies.directory import Agency, Directory, read_seed
from kehoach.agencies.resolve import Resolver, TaskAgencies, resolve_plan, shown_text
from kehoach.common.planyears import PlanYears
from kehoach.plan.importer import load_default_plan

ROOT = Path(__file__).resolve().parents[2]
SEED = read_seed(ROOT / "templates" / "co-quan.tsv", PlanYears(2022, 2023))
DISTRICTS = [
    "UBND-BACKAN",
    "UBND-BABE",
    "UBND-BACHTHONG",
    "UBND-CHODON",
    "UBND-CHOMOI",
    "UBND-NARI",
    "UBND-NGANSON",
    "UBND-PACNAM",
]


def codes(text: str, directory: Directory = SEED) -> list[str]:
    return [p.code for p in Resolver(directory).read_text(text)]


# Real phrases of Plan 365 (and variants of them) → the directory entries they name, in order.
CASES: list[tuple[str, list[str]]] = [
    # spelling and case variants
    ("Sở Công thương", ["SCT"]),
    ("Sở Công Thương", ["SCT"]),
    ("Cục thuế tỉnh", ["CTHUE"]),
    ("Cục Thuế tỉnh", ["CTHUE"]),
    ("Sở Văn hoá, Thể thao và Du lịch", ["SVHTTDL"]),  # old tone placement
    ("Uỷ ban MTTQ Việt Nam các cấp", ["NHOM-MTTQ"]),
    ("Ủy ban Mặt trận Tổ quốc tỉnh", ["MTTQ"]),
    ("Ủy ban nhân dân cấp huyện", ["NHOM-HUYEN"]),
    ("UBND TP Bắc Kạn", ["UBND-BACKAN"]),
    ("Ủy ban nhân dân thành phố Bắc Kạn", ["UBND-BACKAN"]),
    ("Sở Tài nguyên môi trường, UBND cấp huyện; UBND cấp xã", ["STNMT", "NHOM-HUYEN", "NHOM-XA"]),
    ("Sở Lao động Thương binh Xã hội", ["SLDTBXH"]),
    ("Các sở, BAN, ngành; UBND cấp huyện", ["NHOM-SBN", "NHOM-HUYEN"]),
    ("Ngân hàng nhà nước chi nhánh tỉnh Bắc Kạn", ["NHNN"]),
    ("Sở Y tế; BHXH tỉnh Bắc Kạn", ["SYT", "BHXH"]),
    ("Bảo hiểm xã hội tỉnh", ["BHXH"]),
    ("  Sở   Nội vụ. ", ["SNV"]),
    # lists that share a prefix
    (
        "Các Sở: Công thương; Lao động - Thương binh và Xã hội; Kế hoạch và Đầu tư",
        ["SCT", "SLDTBXH", "SKHDT"],
    ),
    (
        "Văn phòng UBND tỉnh; các sở: Thông tin và Truyền thông; Tư pháp; Tài chính",
        ["VPUBND", "STTTT", "STP", "STC"],
    ),
    (
        "Văn phòng UBND tỉnh; các Sở: Nội vụ; Tư pháp; Tài chính; Thông tin và Truyền thông "
        "Đài Phát thanh và Truyền hình Bắc Kạn",
        ["VPUBND", "SNV", "STP", "STC", "STTTT", "DAI-PTTH"],
    ),
    ("Các Sở: Văn hóa, Thể thao và Du lịch; Y tế", ["SVHTTDL", "SYT"]),
    ("Các Sở: Y tế; UBND cấp huyện", ["SYT", "NHOM-HUYEN"]),  # the list ends
    # names run together (a paragraph break lost)
    ("Sở Nội vụ Các sở, ban, ngành; UBND cấp huyện", ["SNV", "NHOM-SBN", "NHOM-HUYEN"]),
    (
        "Sở Công thương Sở Giao thông vận tải; UBND cấp huyện Sở Nông nghiệp và Phát triển "
        "nông thôn",
        ["SCT", "SGTVT", "NHOM-HUYEN", "SNNPTNT"],
    ),
    ("Các sở, ban, ngành UBND cấp huyện", ["NHOM-SBN", "NHOM-HUYEN"]),
    ("Sở Nội vụ<br>Sở Tư pháp", ["SNV", "STP"]),
    ("Sở Nội vụ\nSở Tư pháp", ["SNV", "STP"]),
    # groups
    ("Các sở, ban, ngành, UBND cấp huyện, UBND cấp xã", ["NHOM-SBN", "NHOM-HUYEN", "NHOM-XA"]),
    ("Các sở, ngành, UBND cấp xã", ["NHOM-SBN", "NHOM-XA"]),
    ("UBND cấp huyện, cấp xã", ["NHOM-HUYEN-XA"]),
    ("Ủy ban MTTQ Việt Nam cấp tỉnh, cấp huyện", ["MTTQ", "NHOM-MTTQ"]),  # shared head
    ("Tổ chức chính trị - xã hội các cấp", ["NHOM-CTXH"]),
    ("Các sở, ngành liên quan", ["NHOM-LIENQUAN"]),
    ("Một số sở, ban, ngành liên quan; UBND cấp huyện", ["NHOM-LIENQUAN", "NHOM-HUYEN"]),
    ("Các đơn vị được kiểm tra trong năm", ["NHOM-KIEMTRA"]),
    # phrases that name no agency
    ("Văn phòng UBND tỉnh; người dân, doanh nghiệp", ["VPUBND", "KHONG-NGUOIDAN"]),
    (
        "Đơn vị cung cấp phần mềm; các chi nhánh ngân hàng trên địa bàn tỉnh",
        ["KHONG-PHANMEM", "NHOM-NGANHANG"],
    ),
    # nothing known: one unresolved piece, never a bare "ban" or "cấp xã"
    ("Phòng Tư pháp huyện", [""]),
    ("Sở Nội vụ; Ban Tuyên giáo", ["SNV", ""]),
    ("", []),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_read_text(text: str, expected: list[str]) -> None:
    assert codes(text) == expected


def test_qualified_name_is_unresolved_whole() -> None:
    pieces = Resolver(SEED).read_text("Sở Nội vụ; UBND cấp huyện có nhiệm vụ ABC")
    assert [(p.code, p.text) for p in pieces] == [
        ("SNV", "Sở Nội vụ"),
        ("", "UBND cấp huyện có nhiệm vụ ABC"),
    ]


def test_pieces_keep_the_text_as_written() -> None:
    pieces = Resolver(SEED).read_text("Các Sở: Nội vụ; Tư pháp")
    assert [p.text for p in pieces] == ["Nội vụ", "Tư pháp"]


def _task(lead: str, coordinating: str = "", task_id: str = "T1") -> TaskAgencies:
    return TaskAgencies(task_id, lead, coordinating, row=5)


def test_group_expands_to_its_kind() -> None:
    res = resolve_plan([_task("Các sở, ban, ngành")], SEED)
    departments = [a.code for a in SEED.agencies if a.kind == "department"]
    assert [a.agency for a in res.assignments] == departments
    assert {a.via for a in res.assignments} == {"Các sở, ban, ngành"}
    assert not any(a.commune for a in res.assignments)


def test_commune_tasks_reach_districts_marked() -> None:
    res = resolve_plan([_task("UBND cấp huyện, UBND cấp xã")], SEED)
    assert [(a.agency, a.commune) for a in res.assignments] == [
        *((d, False) for d in DISTRICTS),
        *((d, True) for d in DISTRICTS),
    ]


def test_direct_wins_over_group() -> None:
    res = resolve_plan([_task("Sở Nội vụ Các sở, ban, ngành")], SEED)
    snv = [a for a in res.assignments if a.agency == "SNV"]
    assert len(snv) == 1 and snv[0].via == ""


def test_roles_and_undecided_and_ignored() -> None:
    res = resolve_plan(
        [_task("Sở Tư pháp", "Các sở, ngành liên quan; người dân, doanh nghiệp; Phòng X")], SEED
    )
    assert [(a.agency, a.role) for a in res.assignments] == [("STP", "lead")]
    assert [(u.group, u.role, u.cell) for u in res.undecided] == [
        ("NHOM-LIENQUAN", "coordinating", "H5")
    ]
    assert [(i.entry, i.text) for i in res.ignored] == [
        ("KHONG-NGUOIDAN", "người dân, doanh nghiệp")
    ]
    assert [(u.text, u.role, u.cell) for u in res.unresolved] == [("Phòng X", "coordinating", "H5")]


def test_nested_groups_and_cycles_are_safe() -> None:
    directory = Directory(
        [
            Agency("A", "Sở A", "department"),
            Agency("G1", "Nhóm một", "group", members=("A", "G2")),
            Agency("G2", "Nhóm hai", "group", members=("G1",), commune=True),
        ]
    )
    members, undecided = Resolver(directory).expand("G2")
    assert members == [("A", True)] and undecided == []


def test_shown_text() -> None:
    res = resolve_plan(
        [_task("Sở Nội vụ; UBND cấp xã; Các sở, ngành liên quan; người dân; Phòng X")], SEED
    )
    lines = shown_text(res.pieces[("T1", "lead")], SEED).split("\n")
    assert lines[0] == "SNV"
    assert lines[1] == "UBND cấp xã (cấp xã, qua UBND cấp huyện): " + ", ".join(DISTRICTS)
    assert lines[2] == "Các sở, ngành liên quan (cần quyết định)"
    assert lines[3] == "«người dân»: không phải cơ quan"
    assert lines[4] == "«Phòng X»: chưa xác định"


# --- the real plan -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def real() -> object:
    return resolve_plan(load_default_plan(), SEED)


def test_real_plan_every_text_resolves_or_is_listed(real: object) -> None:
    from kehoach.agencies.resolve import Resolution

    assert isinstance(real, Resolution)
    plan = load_default_plan()
    for *_, task in plan.iter_tasks():
        for role, text in (("lead", task.lead), ("coordinating", task.coordinating)):
            pieces = real.pieces[(task.id, role)]
            if text.strip():
                assert pieces, (task.id, role, text)
            for piece in pieces:
                listed = [u for u in real.unresolved if u.task_id == task.id and u.role == role]
                assert piece.code or any(u.text == piece.text for u in listed)
    # Plan 365 as seeded: nothing is left unresolved; 27 mentions of undecided groups.
    assert real.unresolved == []
    assert len(real.undecided) == 27
    assert {u.group for u in real.undecided} == {
        "NHOM-LIENQUAN",
        "NHOM-CQ-LIENQUAN",
        "NHOM-KIEMTRA",
        "NHOM-TUYENDUNG",
        "NHOM-SUNGHIEP",
        "NHOM-SO-CO-SUNGHIEP",
        "NHOM-DUTOAN",
    }


def test_real_plan_no_fragment_becomes_an_agency(real: object) -> None:
    from kehoach.agencies.resolve import Resolution

    assert isinstance(real, Resolution)
    recipients = {a.code for a in SEED.recipients()}
    assert {a.agency for a in real.assignments} <= recipients
    bare = {"ban", "ngành", "cấp xã", "cấp huyện", "các", "sở"}
    for pieces in real.pieces.values():
        for piece in pieces:
            # "cấp huyện" after "Ủy ban MTTQ Việt Nam cấp tỉnh," is that front's district level,
            # a group; a bare word is never an agency of its own.
            assert not (piece.text.casefold() in bare and piece.code in recipients), piece


def test_real_plan_commune_tasks_and_districts(real: object) -> None:
    from kehoach.agencies.resolve import Resolution

    assert isinstance(real, Resolution)
    commune = {(a.task_id, a.agency) for a in real.assignments if a.commune}
    assert {agency for _, agency in commune} == set(DISTRICTS)
    text = "Các sở, ban, ngành, UBND cấp huyện, UBND cấp xã"
    tasks = [t for *_, t in load_default_plan().iter_tasks() if t.lead == text]
    assert len(tasks) == 32
    for task in tasks:
        lead = real.of_task(task.id, "lead")
        assert {a.agency for a in lead if a.commune} == set(DISTRICTS)
        assert {a.agency for a in lead if not a.commune} >= set(DISTRICTS) | {"SNV", "VPUBND"}


def test_resolution_is_deterministic() -> None:
    plan = load_default_plan()
    assert resolve_plan(plan, SEED) == resolve_plan(plan, SEED)
