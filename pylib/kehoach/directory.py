"""The agency directory: who the plan's tasks go to.

One ``Agency`` per body the officials send workbooks to (a department, a district
People's Committee, …), plus two kinds of entries that are not agencies themselves:
groups ("Các sở, ban, ngành", "UBND cấp xã"), which stand for a list of members, and
phrases that name no agency ("người dân, doanh nghiệp"). The directory lives in the
master workbook (sheet ``layout.DIRECTORY_SHEET``) where the officials keep it up to
date; ``Assignment`` is one task reaching one agency, directly or through a group.
"""

from __future__ import annotations

from dataclasses import dataclass, field

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
