"""The agency directory: who the plan's tasks go to.

One ``Agency`` per body the officials send workbooks to (a department, a district
People's Committee, …), plus two kinds of entries that are not agencies themselves:
groups ("Các sở, ban, ngành", "UBND cấp xã"), which stand for a list of members, and
phrases that name no agency ("người dân, doanh nghiệp"). The directory lives in the
master workbook (sheet ``layout.DIRECTORY_SHEET``) where the officials keep it up to
date; ``Assignment`` is one task reaching one agency, directly or through a group.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter

from kehoach.agencies.namekeys import name_key
from kehoach.common.celltext import cell_text
from kehoach.common.errors import BuildError, KeHoachError, WorkbookError
from kehoach.common.planyears import PlanYears, render
from kehoach.common.resources import read_template_text
from kehoach.common.safenames import file_name_problem
from kehoach.sheets import layout

# Kinds of directory entries: key (code, JSON) → label (sheet, messages).
AGENCY_KINDS: dict[str, str] = {
    "department": "Sở, ban, ngành",
    "district": "UBND cấp huyện",
    "commune": "UBND cấp xã",
    "provincial_org": "Tổ chức cấp tỉnh",
    "central": "Cơ quan Trung ương trên địa bàn",
    "other": "Doanh nghiệp, đơn vị khác",
    "group": "Nhóm cơ quan",
    "not_agency": "Không phải cơ quan",
}
KIND_KEYS: dict[str, str] = {v: k for k, v in AGENCY_KINDS.items()}
# Entries that receive a workbook of their own.
RECIPIENT_KINDS: tuple[str, ...] = (
    "department",
    "district",
    "commune",
    "provincial_org",
    "central",
    "other",
)

ROLES: dict[str, str] = {"lead": "chủ trì", "coordinating": "phối hợp"}


@dataclass(frozen=True)
class Agency:
    code: str  # ASCII, file-name safe, unique: "SNV", "UBND-BABE"
    name: str  # canonical name: "Sở Nội vụ"
    kind: str  # a key of AGENCY_KINDS
    emails: tuple[str, ...] = ()
    contact: str = ""
    aliases: tuple[str, ...] = ()  # other spellings the plan uses
    # For a group: member codes, or "kind:<key>" for every agency of that kind
    # ("kind:district"); empty means a person has to decide who it is.
    members: tuple[str, ...] = ()
    # A group whose tasks are commune-level: they reach the communes through their
    # district's People's Committee ("UBND cấp xã" → every district, marked commune).
    commune: bool = False
    note: str = ""

    @property
    def is_recipient(self) -> bool:
        return self.kind in RECIPIENT_KINDS


@dataclass
class Directory:
    agencies: list[Agency] = field(default_factory=list)

    def by_code(self, code: str) -> Agency:
        for agency in self.agencies:
            if agency.code == code:
                return agency
        raise KeyError(code)

    def recipients(self) -> list[Agency]:
        return [a for a in self.agencies if a.is_recipient]

    def index(self) -> dict[str, Agency]:
        """Entries by code."""
        return {a.code: a for a in self.agencies}


@dataclass(frozen=True)
class Assignment:
    """Task ``task_id`` reaches agency ``agency`` (a code) in ``role``.

    ``via`` is the text as written when the agency is reached through a group
    ("Các sở, ban, ngành"); ``commune`` marks a commune-level task that reaches the
    communes through their district's People's Committee.
    """

    task_id: str
    agency: str
    role: str  # a key of ROLES
    via: str = ""
    commune: bool = False


# --- reading: the seed (templates/co-quan.tsv) and the sheet ------------------------------

SEED_TEMPLATE = "co-quan.tsv"
# Columns of the seed, in order (a subset of the sheet's: no emails, contact, counts).
SEED_KEYS: tuple[str, ...] = ("code", "name", "kind", "aliases", "members", "commune", "note")
# Fields of an entry as they are kept in a sheet row (layout.DIRECTORY_COLUMNS' keys).
ENTRY_KEYS: tuple[str, ...] = (
    "code",
    "name",
    "kind",
    "emails",
    "contact",
    "aliases",
    "members",
    "commune",
    "note",
)
KIND_MEMBER = "kind:"
YES = "Có"
_LIST_SPLIT = re.compile(r"[;\n]")
_EMAIL = re.compile(r"[^@\s;,]+@[^@\s;,]+\.[^@\s;,]+")
EMAIL_HINT = "nhiều địa chỉ cách nhau bằng «;»"

# Where a field of a row is: keyword arguments of the error (file, line, sheet, cell).
Locate = Callable[[str], dict[str, Any]]


@dataclass(frozen=True)
class RawEntry:
    """One row of the seed or of the sheet, as text by field, with where it stands."""

    cells: dict[str, str]
    locate: Locate


def email_address(text: str) -> str:
    """An e-mail address as typed, without the invisible characters a paste brings (zero-width
    spaces, soft hyphens, direction marks: Unicode format characters, never part of one)."""
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf").strip()


def email_problem(address: str) -> str | None:
    """Why ``address`` (from ``email_address``) cannot be written in a message's header, in
    Vietnamese, or None: one address, ASCII only (a letter with a diacritic is no part of an
    address a mail server takes)."""
    if not _EMAIL.fullmatch(address):
        return f"«{address}» không phải địa chỉ email"
    if not address.isascii():
        return (
            f"«{address}» không phải địa chỉ email: địa chỉ email chỉ gồm chữ không dấu, "
            "chữ số và các dấu . _ - @"
        )
    return None


def split_list(text: str) -> tuple[str, ...]:
    """Items of a ";"- or line-separated cell, blanks dropped, each once, in order."""
    out: list[str] = []
    for item in _LIST_SPLIT.split(text):
        item = " ".join(unicodedata.normalize("NFC", item).split())
        if item and item not in out:
            out.append(item)
    return tuple(out)


def join_list(items: Sequence[str]) -> str:
    return "; ".join(items)


def read_seed(path: Path, years: PlanYears | None = None) -> Directory:
    """The directory of the seed file ``path`` (UTF-8, tab-separated, "#" comment lines,
    one header line; columns ``SEED_KEYS``), its "{base}" and "{target}" rendered for ``years``
    (a group the plan names with its year). Raises BuildError naming the line."""
    text = read_template_text(path, "danh bạ cơ quan mặc định", encoding="utf-8-sig")
    raws: list[RawEntry] = []
    header_seen = False
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        if not header_seen:
            header_seen = True
            continue
        parts = (render(line, years) if years is not None else line).split("\t")
        if len(parts) > len(SEED_KEYS):
            raise BuildError(
                f"Dòng có {len(parts)} cột, danh bạ mặc định chỉ có {len(SEED_KEYS)} cột.",
                file=path,
                line=number,
                text=line,
            )
        cells = {k: parts[i].strip() if i < len(parts) else "" for i, k in enumerate(SEED_KEYS)}

        def locate(key: str, number: int = number, line: str = line) -> dict[str, Any]:
            return {"file": path, "line": number, "text": line}

        raws.append(RawEntry(cells, locate))
    return build_directory(raws, BuildError, empty={"file": path})


def build_directory(
    raws: Sequence[RawEntry],
    error: type[KeHoachError] = WorkbookError,
    *,
    empty: dict[str, Any] | None = None,
) -> Directory:
    """A checked directory from raw rows; ``error`` (with the row's location) for the first
    problem: an empty directory, a code missing, repeated or unusable as a file name, a name
    missing, an unknown kind, an e-mail address that is not one, members of something that
    is not a group, a member that does not exist, groups that contain each other, a spelling
    (name or alias, compared by ``name_key``) claimed by two entries."""
    if not raws:
        raise error(
            "Danh bạ cơ quan trống: cần ít nhất một cơ quan (mỗi dòng một cơ quan, từ hàng "
            "dưới hàng tiêu đề).",
            **(empty or {}),
        )
    agencies: list[Agency] = []
    where: dict[str, RawEntry] = {}
    for raw in raws:
        agency = _agency(raw, error)
        folded = agency.code.casefold()
        if folded in where:
            first = where[folded].locate("code")
            shown = first.get("cell") or (f"dòng {first['line']}" if "line" in first else "")
            raise error(
                f"Mã «{agency.code}» trùng với mã ở {shown} (mã dùng đặt tên tệp, Windows "
                "không phân biệt chữ hoa, chữ thường): mỗi cơ quan một mã riêng.",
                **raw.locate("code"),
            )
        where[folded] = raw
        agencies.append(agency)
    directory = Directory(agencies)
    _check_members(directory, where, error)
    _check_spellings(directory, where, error)
    return directory


def _agency(raw: RawEntry, error: type[KeHoachError]) -> Agency:
    cells = raw.cells
    code = cells.get("code", "").strip()
    problem = file_name_problem(code)
    if problem:
        raise error(
            f"Mã cơ quan «{code}» {problem} (mã dùng đặt tên tệp của cơ quan; ví dụ "
            "«SNV», «UBND-BABE»).",
            **raw.locate("code"),
        )
    name = " ".join(unicodedata.normalize("NFC", cells.get("name", "")).split())
    if not name:
        raise error(f"Cơ quan «{code}» chưa có tên.", **raw.locate("name"))
    label = " ".join(cells.get("kind", "").split())
    kind = KIND_KEYS.get(label) or (label if label in AGENCY_KINDS else None)
    if kind is None:
        raise error(
            f"Loại «{label}» của «{code}» không có; chọn một trong: "
            + "; ".join(f"«{v}»" for v in AGENCY_KINDS.values())
            + ".",
            **raw.locate("kind"),
        )
    emails = tuple(
        dict.fromkeys(
            address
            for address in map(email_address, split_list(cells.get("emails", "").replace(",", ";")))
            if address
        )
    )
    for email in emails:
        problem = email_problem(email)
        if problem:
            raise error(f"{problem} ({EMAIL_HINT}).", **raw.locate("emails"))
    members = split_list(cells.get("members", ""))
    commune_text = cells.get("commune", "").strip()
    if commune_text and commune_text.casefold() not in (YES.casefold(), "x"):
        raise error(
            f"Cột cấp xã ghi «{YES}» hoặc để trống, đang ghi «{commune_text}».",
            **raw.locate("commune"),
        )
    commune = bool(commune_text)
    if kind != "group" and (members or commune):
        column = "members" if members else "commune"
        raise error(
            f"«{code}» không phải nhóm ({AGENCY_KINDS['group']}): chỉ nhóm mới có thành viên "
            "hoặc cấp xã.",
            **raw.locate(column),
        )
    return Agency(
        code=code,
        name=name,
        kind=kind,
        emails=emails,
        contact=" ".join(cells.get("contact", "").split()),
        aliases=tuple(a for a in split_list(cells.get("aliases", "")) if a != name),
        members=members,
        commune=commune,
        note=" ".join(cells.get("note", "").split()),
    )


def _check_members(
    directory: Directory, where: dict[str, RawEntry], error: type[KeHoachError]
) -> None:
    codes = directory.index()
    for agency in directory.agencies:
        for member in agency.members:
            if member.startswith(KIND_MEMBER):
                key = member[len(KIND_MEMBER) :].strip()
                if key not in RECIPIENT_KINDS:
                    raise error(
                        f"Thành viên «{member}» của nhóm «{agency.code}»: loại «{key}» không có; "
                        "dùng " + ", ".join(f"kind:{k}" for k in RECIPIENT_KINDS) + ".",
                        **where[agency.code.casefold()].locate("members"),
                    )
            elif member not in codes:
                raise error(
                    f"Thành viên «{member}» của nhóm «{agency.code}» không có trong danh bạ "
                    "(ghi mã cơ quan, cột Mã).",
                    **where[agency.code.casefold()].locate("members"),
                )
    # Groups that contain each other would expand for ever.
    for agency in directory.agencies:
        path = _cycle(directory, agency.code, [])
        if path:
            raise error(
                "Các nhóm chứa lẫn nhau: " + " → ".join(path) + ".",
                **where[agency.code.casefold()].locate("members"),
            )


def _cycle(directory: Directory, code: str, path: list[str]) -> list[str]:
    if code in path:
        return [*path, code]
    agency = directory.index().get(code)
    if agency is None:
        return []
    for member in agency.members:
        if not member.startswith(KIND_MEMBER):
            found = _cycle(directory, member, [*path, code])
            if found:
                return found
    return []


def _check_spellings(
    directory: Directory, where: dict[str, RawEntry], error: type[KeHoachError]
) -> None:
    owner: dict[tuple[str, ...], tuple[str, str]] = {}
    for agency in directory.agencies:
        for spelling, column in ((agency.name, "name"), *((a, "aliases") for a in agency.aliases)):
            key = name_key(spelling)
            if not key:
                raise error(
                    f"Tên «{spelling}» của «{agency.code}» không có chữ nào.",
                    **where[agency.code.casefold()].locate(column),
                )
            other = owner.get(key)
            if other is not None and other[0] != agency.code:
                raise error(
                    f"Tên «{spelling}» của «{agency.code}» cũng là tên «{other[1]}» của "
                    f"«{other[0]}» (so không phân biệt hoa thường, dấu câu): mỗi cách viết chỉ "
                    "được chỉ một cơ quan.",
                    **where[agency.code.casefold()].locate(column),
                )
            owner[key] = (agency.code, spelling)


def entry_cells(agency: Agency) -> dict[str, str]:
    """The entry as the text of its sheet cells (``ENTRY_KEYS``)."""
    return {
        "code": agency.code,
        "name": agency.name,
        "kind": AGENCY_KINDS[agency.kind],
        "emails": join_list(agency.emails),
        "contact": agency.contact,
        "aliases": join_list(agency.aliases),
        "members": join_list(agency.members),
        "commune": YES if agency.commune else "",
        "note": agency.note,
    }


def load_directory(values: Mapping[str, Sequence[Sequence[Any]]], file: Any = None) -> Directory:
    """The directory kept in the master's sheet ``layout.DIRECTORY_SHEET`` (sheet values as
    ``sheetdata.workbook_values`` gives them). Raises WorkbookError naming the sheet and cell
    when the sheet is missing, its header row is not in place, or a row is wrong (see
    ``build_directory``). Blank rows are skipped; the count columns are not read."""
    return _load_sheet(values, layout.DIRECTORY_SHEET, file)


def load_base(values: Mapping[str, Sequence[Sequence[Any]]], file: Any = None) -> Directory | None:
    """The seed as last built into the workbook (hidden sheet), or None when absent."""
    if layout.DIRECTORY_BASE_SHEET not in values:
        return None
    return _load_sheet(values, layout.DIRECTORY_BASE_SHEET, file)


def _load_sheet(values: Mapping[str, Sequence[Sequence[Any]]], sheet: str, file: Any) -> Directory:
    columns = layout.DIRECTORY_COLUMNS
    if sheet not in values:
        raise WorkbookError(
            f"Thiếu trang tính '{sheet}' (bị xóa hoặc đổi tên?).", file=file, sheet=sheet
        )
    rows = values[sheet]
    header = list(rows[layout.HEADER_ROW - 1]) if len(rows) >= layout.HEADER_ROW else []
    for i, key in enumerate(ENTRY_KEYS):
        col = columns[i]
        found = header[i] if i < len(header) else None
        if col.key != key or _cell_text(found) != col.header:
            raise WorkbookError(
                f"tiêu đề cột phải là «{col.header}», đang là «{_cell_text(found)}» "
                f"(hàng tiêu đề phải là hàng {layout.HEADER_ROW}).",
                file=file,
                sheet=sheet,
                cell=f"{get_column_letter(i + 1)}{layout.HEADER_ROW}",
            )
    raws: list[RawEntry] = []
    for number, row in enumerate(rows[layout.FIRST_DATA_ROW - 1 :], start=layout.FIRST_DATA_ROW):
        cells = {k: _cell_text(row[i] if i < len(row) else None) for i, k in enumerate(ENTRY_KEYS)}
        if not any(cells.values()):
            continue

        def locate(key: str, number: int = number) -> dict[str, Any]:
            letter = get_column_letter(ENTRY_KEYS.index(key) + 1)
            return {"file": file, "sheet": sheet, "cell": f"{letter}{number}"}

        raws.append(RawEntry(cells, locate))
    return build_directory(
        raws,
        WorkbookError,
        empty={"file": file, "sheet": sheet, "cell": f"A{layout.FIRST_DATA_ROW}"},
    )


def _cell_text(value: Any) -> str:
    return cell_text(value).strip()


# --- rebuilding: the officials' edits over a new seed --------------------------------------


def merge_directory(
    seed: Directory, existing: Directory | None, base: Directory | None = None
) -> Directory:
    """The directory a rebuild writes: the officials' sheet ``existing`` over ``seed``.

    ``base`` is the seed the existing workbook was built from (its hidden sheet). A field the
    officials changed (it differs from ``base``) keeps their value; a field they left as built
    takes the new seed's, so seed corrections reach old workbooks. Rows they added stay; rows
    they deleted stay deleted; new seed rows are added after theirs. Without ``base`` (a
    workbook from before the hidden sheet), every existing row is taken as theirs. Without
    ``existing``, the seed. A new seed row loses aliases the officials already gave to
    another row. Deterministic: the existing order, then the seed's.
    """
    if existing is None:
        return Directory(list(seed.agencies))
    seeded = seed.index()
    based = base.index() if base is not None else {}
    out: list[Agency] = []
    for agency in existing.agencies:
        new = seeded.get(agency.code)
        old = based.get(agency.code)
        if new is None or old is None:
            if new is None and old is not None and agency == old:
                continue  # dropped from the seed and never edited
            out.append(agency)
            continue
        merged: dict[str, Any] = {}
        for name in ENTRY_FIELDS:
            mine, was = getattr(agency, name), getattr(old, name)
            merged[name] = mine if mine != was else getattr(new, name)
        out.append(Agency(**merged))
    present = {a.code for a in out}
    claimed = {name_key(s) for a in out for s in (a.name, *a.aliases)}
    for agency in seed.agencies:
        if agency.code in present or agency.code in based:
            continue
        aliases = tuple(a for a in agency.aliases if name_key(a) not in claimed)
        out.append(replace(agency, aliases=aliases))
    return Directory(out)


ENTRY_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Agency))
