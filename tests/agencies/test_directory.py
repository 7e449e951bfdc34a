"""The agency directory: the seed, the sheet read back, bad input, safe names, merging."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kehoach.agencies.directory import (
    AGENCY_KINDS,
    ENTRY_KEYS,
    Agency,
    Directory,
    entry_cells,
    load_directory,
    merge_directory,
    read_seed,
)
from kehoach.common.errors import BuildError, WorkbookError
from kehoach.common.planyears import PlanYears
from kehoach.common.safenames import (
    SHEET_FORBIDDEN,
    WINDOWS_FORBIDDEN,
    WINDOWS_RESERVED,
    file_name_problem,
    safe_file_name,
    safe_sheet_name,
)
from kehoach.sheets import layout

ROOT = Path(__file__).resolve().parents[2]
SEED_PATH = ROOT / "templates" / "co-quan.tsv"
SEED = read_seed(SEED_PATH, PlanYears(2022, 2023))
SHEET = layout.DIRECTORY_SHEET


# --- the seed ----------------------------------------------------------------------------


def test_seed_has_every_district_and_department_the_plan_names() -> None:
    by_kind: dict[str, list[str]] = {}
    for a in SEED.agencies:
        by_kind.setdefault(a.kind, []).append(a.name)
    assert by_kind["district"] == [
        "UBND thành phố Bắc Kạn",
        "UBND huyện Ba Bể",
        "UBND huyện Bạch Thông",
        "UBND huyện Chợ Đồn",
        "UBND huyện Chợ Mới",
        "UBND huyện Na Rì",
        "UBND huyện Ngân Sơn",
        "UBND huyện Pác Nặm",
    ]
    for name in (
        "Sở Nội vụ",
        "Sở Tư pháp",
        "Sở Tài chính",
        "Sở Kế hoạch và Đầu tư",
        "Sở Thông tin và Truyền thông",
        "Sở Công Thương",
        "Sở Lao động - Thương binh và Xã hội",
        "Sở Tài nguyên và Môi trường",
        "Sở Giáo dục và Đào tạo",
        "Sở Y tế",
        "Sở Giao thông vận tải",
        "Sở Nông nghiệp và Phát triển nông thôn",
        "Sở Văn hóa, Thể thao và Du lịch",
        "Sở Xây dựng",
        "Sở Khoa học và Công nghệ",
        "Văn phòng UBND tỉnh",
    ):
        assert name in by_kind["department"]
    names = {a.name for a in SEED.agencies}
    for name in (
        "Công an tỉnh",
        "Cục Thuế tỉnh",
        "Bảo hiểm xã hội tỉnh",
        "Đài Phát thanh và Truyền hình Bắc Kạn",
        "Báo Bắc Kạn",
        "Ngân hàng Nhà nước chi nhánh tỉnh Bắc Kạn",
        "Ủy ban MTTQ Việt Nam tỉnh",
        "Liên đoàn Lao động tỉnh",
    ):
        assert name in names
    assert all(not a.emails for a in SEED.agencies)  # a real province fills them


def test_seed_groups() -> None:
    idx = SEED.index()
    assert idx["NHOM-SBN"].members == ("kind:department",)
    assert idx["NHOM-HUYEN"].members == ("kind:district",)
    assert idx["NHOM-XA"].members == ("kind:district",) and idx["NHOM-XA"].commune
    assert idx["NHOM-LIENQUAN"].members == ()  # needs a decision
    assert idx["KHONG-NGUOIDAN"].kind == "not_agency"


# --- the sheet ---------------------------------------------------------------------------


def sheet_values(directory: Directory) -> dict[str, list[list[Any]]]:
    """Values of a directory sheet as a workbook would give them."""
    rows: list[list[Any]] = [
        [layout.DIRECTORY_TITLE],
        [layout.DIRECTORY_HINT],
        [c.header for c in layout.DIRECTORY_COLUMNS],
    ]
    for agency in directory.agencies:
        cells = entry_cells(agency)
        rows.append([cells.get(c.key, 0) for c in layout.DIRECTORY_COLUMNS])
    return {SHEET: rows}


def test_sheet_round_trip() -> None:
    assert load_directory(sheet_values(SEED)) == SEED


def test_sheet_reads_lists_and_blank_rows() -> None:
    values = sheet_values(Directory([Agency("SNV", "Sở Nội vụ", "department")]))
    row = values[SHEET][3]
    row[ENTRY_KEYS.index("emails")] = "a@backan.gov.vn; b@backan.gov.vn\nc@backan.gov.vn"
    row[ENTRY_KEYS.index("aliases")] = "SNV tỉnh;  Sở  Nội vụ tỉnh ;"
    values[SHEET].insert(3, [None] * len(row))
    agency = load_directory(values).agencies[0]
    assert agency.emails == ("a@backan.gov.vn", "b@backan.gov.vn", "c@backan.gov.vn")
    assert agency.aliases == ("SNV tỉnh", "Sở Nội vụ tỉnh")


Damage = Callable[[list[list[Any]]], None]


def _set(row: int, key: str, value: Any) -> Damage:
    def damage(rows: list[list[Any]]) -> None:
        rows[row - 1][ENTRY_KEYS.index(key)] = value

    return damage


def _empty(rows: list[list[Any]]) -> None:
    del rows[3:]


def _header(rows: list[list[Any]]) -> None:
    rows[2][1] = "Tên"


# The first data row (4) is SNV, the second (5) STP; groups further down.
_ROW = {a.code: i for i, a in enumerate(SEED.agencies, start=layout.FIRST_DATA_ROW)}

BAD: list[tuple[str, Damage, str, list[str]]] = [
    ("duplicate code", _set(5, "code", "SNV"), "A5", ["«SNV» trùng", "A4"]),
    ("duplicate code, other case", _set(5, "code", "snv"), "A5", ["trùng"]),
    ("reserved name", _set(5, "code", "CON"), "A5", ["tên thiết bị dành riêng"]),
    ("reserved name with dot", _set(5, "code", "com1.x"), "A5", ["dành riêng"]),
    ("slash", _set(5, "code", "SO/TP"), "A5", ["tên tệp: /"]),
    ("colon", _set(5, "code", "SO:TP"), "A5", ["tên tệp: :"]),
    ("trailing dot", _set(5, "code", "STP."), "A5", ["dấu chấm"]),
    ("space", _set(5, "code", "S TP"), "A5", ["dấu cách"]),
    ("not ASCII", _set(5, "code", "SỞ-TP"), "A5", ["không dấu"]),
    ("empty code", _set(5, "code", None), "A5", ["không được để trống"]),
    ("no name", _set(5, "name", ""), "B5", ["chưa có tên"]),
    ("unknown kind", _set(5, "kind", "Sở"), "C5", ["Loại «Sở»", "Sở, ban, ngành"]),
    ("bad email", _set(5, "emails", "stp.backan.gov.vn"), "D5", ["không phải địa chỉ email"]),
    ("email with a diacritic", _set(5, "emails", "nguyễn@backan.gov.vn"), "D5", ["không dấu"]),
    (
        "alias claimed twice",
        _set(5, "aliases", "Sở  NỘI VỤ."),
        "F5",
        ["«Sở NỘI VỤ.» của «STP»", "«SNV»"],
    ),
    (
        "alias is another's name after normalisation",
        _set(5, "aliases", "Uỷ ban MTTQ Việt Nam tỉnh"),
        f"B{_ROW['MTTQ']}",  # the second claim is the one reported, naming the first
        ["«MTTQ»", "«STP»"],
    ),
    ("member missing", _set(_ROW["NHOM-HUYEN"], "members", "UBND-XYZ"), "G", ["«UBND-XYZ»"]),
    ("kind member unknown", _set(_ROW["NHOM-HUYEN"], "members", "kind:tinh"), "G", ["kind:tinh"]),
    ("members of an agency", _set(5, "members", "SNV"), "G5", ["không phải nhóm"]),
    ("commune not Có", _set(_ROW["NHOM-XA"], "commune", "yes"), "H", ["«Có»"]),
    (
        "groups in a cycle",
        _set(_ROW["NHOM-HUYEN"], "members", "NHOM-HUYEN-XA"),
        "G",
        ["chứa lẫn nhau", "NHOM-HUYEN"],
    ),
    ("empty directory", _empty, "A4", ["trống"]),
    ("header moved", _header, "B3", ["«Tên cơ quan»"]),
]


@pytest.mark.parametrize(("case", "damage", "cell", "words"), BAD, ids=[b[0] for b in BAD])
def test_bad_directory_names_sheet_and_cell(
    case: str, damage: Damage, cell: str, words: list[str]
) -> None:
    values = sheet_values(SEED)
    damage(values[SHEET])
    with pytest.raises(WorkbookError) as err:
        load_directory(values, file="KeHoach2023.xlsm")
    assert err.value.sheet == SHEET
    assert err.value.cell is not None and err.value.cell.startswith(cell)
    text = str(err.value)
    assert "KeHoach2023.xlsm" in text
    for word in words:
        assert word in text, (case, text)


def test_an_email_pasted_with_invisible_characters_is_read_without_them() -> None:
    """A zero-width space or a soft hyphen pasted with an address is no part of it: the
    address the messages go to is the one the official sees."""
    values = sheet_values(SEED)
    _set(5, "emails", "stp@backan.gov.vn\u200b; \u00advp@backan.gov.vn\ufeff; \u200b")(
        values[SHEET]
    )
    stp = load_directory(values).by_code("STP")
    assert stp.emails == ("stp@backan.gov.vn", "vp@backan.gov.vn")


def test_missing_sheet() -> None:
    with pytest.raises(WorkbookError, match="Thiếu trang tính 'Danh bạ cơ quan'"):
        load_directory({})


def test_bad_seed_names_its_line(tmp_path: Path) -> None:
    lines = SEED_PATH.read_text(encoding="utf-8").splitlines()
    number = next(i for i, line in enumerate(lines) if line.startswith("STP\t"))
    lines[number] = lines[number].replace("STP\t", "SNV\t", 1)
    bad = tmp_path / "co-quan.tsv"
    bad.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(BuildError) as err:
        read_seed(bad)
    assert err.value.line == number + 1 and "trùng" in str(err.value)
    header_only = tmp_path / "empty.tsv"
    header_only.write_text("# x\nMã\tTên\n", encoding="utf-8")
    with pytest.raises(BuildError, match="trống"):
        read_seed(header_only)


# --- merging on rebuild ------------------------------------------------------------------


def _edit(directory: Directory, code: str, **changes: Any) -> Directory:
    from dataclasses import replace

    return Directory([replace(a, **changes) if a.code == code else a for a in directory.agencies])


def test_merge_keeps_officials_edits_and_takes_seed_corrections() -> None:
    base = SEED
    mine = _edit(base, "SNV", emails=("vanthu@backan.gov.vn",), contact="Chị Lan")
    mine = _edit(mine, "NHOM-LIENQUAN", members=("STP", "STC"))
    mine = _edit(mine, "SYT", aliases=("Sở Y tế tỉnh Bắc Kạn",))
    mine = Directory([*mine.agencies, Agency("PHONG-X", "Phòng X", "other", aliases=("P. X",))])
    mine = Directory([a for a in mine.agencies if a.code != "BDT"])  # deleted by officials
    # The new seed renames STP's note and adds an entry.
    new_seed = _edit(SEED, "STP", note="ghi chú mới")
    new_seed = Directory([*new_seed.agencies, Agency("SNGV", "Sở Ngoại vụ", "department")])
    merged = merge_directory(new_seed, mine, base).index()
    assert merged["SNV"].emails == ("vanthu@backan.gov.vn",)
    assert merged["SNV"].contact == "Chị Lan"
    assert merged["NHOM-LIENQUAN"].members == ("STP", "STC")
    assert merged["SYT"].aliases == ("Sở Y tế tỉnh Bắc Kạn",)
    assert merged["PHONG-X"].name == "Phòng X"
    assert "BDT" not in merged
    assert merged["STP"].note == "ghi chú mới"
    assert list(merged)[-1] == "SNGV"


def test_merge_without_base_keeps_every_existing_row() -> None:
    mine = _edit(SEED, "STP", note="của cán bộ")
    new_seed = _edit(SEED, "STP", note="mới")
    assert merge_directory(new_seed, mine, None).index()["STP"].note == "của cán bộ"
    assert merge_directory(SEED, None, None) == SEED


def test_merge_drops_new_seed_alias_the_officials_claimed() -> None:
    mine = _edit(SEED, "SNV", aliases=("Phòng Nội vụ",))
    new_seed = Directory([*SEED.agencies, Agency("PNV", "Phòng NV", "other", ("Phòng Nội vụ",))])
    merged = merge_directory(new_seed, mine, SEED).index()
    assert merged["PNV"].aliases == ()


# --- safe names --------------------------------------------------------------------------

REAL_NAMES = [a.name for a in SEED.agencies]


@pytest.mark.parametrize("name", REAL_NAMES)
def test_safe_names_of_real_agencies(name: str) -> None:
    stem = safe_file_name(name)
    assert file_name_problem(stem) is None
    sheet = safe_sheet_name(name)
    assert 0 < len(sheet) <= 31 and not any(ch in SHEET_FORBIDDEN for ch in sheet)


@pytest.mark.parametrize(
    ("text", "file", "sheet"),
    [
        (
            "Sở Văn hóa, Thể thao và Du lịch",
            "So-Van-hoa-The-thao-va-Du-lich",
            "Sở Văn hóa, Thể thao và Du lịch",
        ),
        (
            "Đài Phát thanh và Truyền hình Bắc Kạn",
            "Dai-Phat-thanh-va-Truyen-hinh-Bac-Kan",
            "Đài Phát thanh và Truyền hình B",
        ),
        (
            "Sở Lao động - Thương binh và Xã hội",
            "So-Lao-dong-Thuong-binh-va-Xa-hoi",
            "Sở Lao động - Thương binh và Xã "[:31].rstrip(),
        ),
        ("UBND huyện Pác Nặm", "UBND-huyen-Pac-Nam", "UBND huyện Pác Nặm"),
        ("CON", "CON_", "CON"),
        ("nul.txt", "nul_.txt", "nul.txt"),
        ("Báo cáo: quý [I]/2023?", "Bao-cao-quy-I-2023", "Báo cáo- quý -I--2023-"),
        ("History", "History", "History-"),
        ("...", "co-quan", "..."),
        ("'Sở'", "So", "Sở"),
        ("", "co-quan", "Trang"),
    ],
)
def test_safe_names(text: str, file: str, sheet: str) -> None:
    assert safe_file_name(text) == file
    assert safe_sheet_name(text) == sheet


@given(st.text())
def test_safe_file_name_is_always_windows_safe(text: str) -> None:
    stem = safe_file_name(text)
    assert stem and stem.isascii()
    assert not any(ch in WINDOWS_FORBIDDEN or ord(ch) < 32 for ch in stem)
    assert not stem.endswith((".", " "))
    assert stem.split(".")[0].upper() not in WINDOWS_RESERVED
    assert file_name_problem(stem) is None


@given(st.text())
def test_safe_sheet_name_is_always_excel_safe(text: str) -> None:
    name = safe_sheet_name(text)
    assert 0 < len(name) <= 31 and name.strip() == name
    assert not any(ch in SHEET_FORBIDDEN for ch in name)
    assert not name.startswith("'") and not name.endswith("'")
    assert name.casefold() != "history"


def test_kinds_have_labels() -> None:
    assert set(AGENCY_KINDS) >= {"department", "district", "group", "not_agency"}
