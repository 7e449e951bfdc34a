"""Agency names as the plan writes them: split a lead/coordinating text into pieces.

This is deliberately conservative: it cuts on ";" (and on paragraph breaks the plan
text may carry as ``<p>``/``<br>`` or newlines), but on "," only when what follows
starts like the name of another agency. "Các sở, ban, ngành" and
"Văn hóa, Thể thao và Du lịch" stay whole; "Sở Nội vụ, UBND cấp huyện" is two names.
Enumerations like "các Sở: Nội vụ; Tư pháp" are kept as written ("các Sở: Nội vụ",
"Tư pháp"); resolving them to real agencies is a later step.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

# Words that begin an agency's name. Matched case-sensitively so that the
# "ban, ngành" of "Các sở, ban, ngành" (or a shouted "BAN") never starts a new name.
_AGENCY_HEADS = (
    "UBND",
    "HĐND",
    "BHXH",
    "Ủy ban",
    "Uỷ ban",
    "Sở",
    "Văn phòng",
    "Công an",
    "Cục",
    "Chi cục",
    "Ban",
    "Bộ",
    "Báo",
    "Đài",
    "Bệnh viện",
    "Trung tâm",
    "Ngân hàng",
    "Kho bạc",
    "Công ty",
    "Liên đoàn",
    "Tỉnh đoàn",
    "Hội",
    "Thanh tra",
    "Tòa án",
    "Viện",
    "Trường",
    "Tổ chức",
    "Đơn vị",
    "Các",
    "các",
    "Một số",
    "một số",
)
_HEAD = re.compile(r"(?:" + "|".join(re.escape(h) for h in _AGENCY_HEADS) + r")(?!\w)")
_BREAK = re.compile(r"</p>\s*<p>|<br\s*/?>|\n", re.IGNORECASE)
_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
_SPACE = re.compile(r"\s+")


def normalize(text: str) -> str:
    """NFC, single spaces, no surrounding blanks or list dashes or trailing punctuation."""
    text = _SPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()
    text = text.lstrip("-–•+ ").rstrip(".,;: ")
    return text


def split_agencies(text: str) -> list[str]:
    """The agency names in a lead/coordinating text, in order, each once, as written."""
    text = _TAG.sub(" ", _BREAK.sub(";", text))
    out: list[str] = []
    for part in text.split(";"):
        pieces: list[str] = []
        for piece in part.split(","):
            stripped = piece.strip()
            if pieces and not _HEAD.match(stripped):
                pieces[-1] += "," + piece
            else:
                pieces.append(piece)
        for piece in pieces:
            name = normalize(piece)
            if name and name not in out:
                out.append(name)
    return out


_HEADS_FOLDED = tuple(h.casefold() for h in _AGENCY_HEADS)


def starts_like_agency(name: str) -> bool:
    """Whether ``name`` begins like an agency's name, in any case ("đơn vị …", "UBND …")."""
    first = normalize(name).casefold()
    return any(
        first.startswith(h) and (len(first) == len(h) or not first[len(h)].isalnum())
        for h in _HEADS_FOLDED
    )


def reads_as_agencies(text: str) -> bool:
    """Whether ``text`` (say, a timeline cell) is nothing but agency names: every piece
    ``split_agencies`` finds starts like an agency and there is no digit (no date, no year)."""
    names = split_agencies(text)
    return (
        bool(names)
        and not any(ch.isdigit() for ch in text)
        and all(starts_like_agency(n) for n in names)
    )


def sort_key(name: str) -> tuple[str, str]:
    """Deterministic order for Vietnamese names: NFC casefolded text, then the text itself."""
    nfc = unicodedata.normalize("NFC", name)
    return (nfc.casefold(), nfc)


def count_agencies(pairs: Iterable[tuple[str, str]]) -> list[tuple[str, int, int]]:
    """(name, lead count, coordinating count) for every name in (lead, coordinating) pairs.

    Each pair is one task; a name counts once per task and role. Sorted by ``sort_key``.
    """
    lead: dict[str, int] = {}
    coordinating: dict[str, int] = {}
    for lead_text, coord_text in pairs:
        for name in split_agencies(lead_text):
            lead[name] = lead.get(name, 0) + 1
        for name in split_agencies(coord_text):
            coordinating[name] = coordinating.get(name, 0) + 1
    names = sorted(set(lead) | set(coordinating), key=sort_key)
    return [(n, lead.get(n, 0), coordinating.get(n, 0)) for n in names]
