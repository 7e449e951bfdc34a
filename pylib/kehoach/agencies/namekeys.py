"""How agency names are compared: a name becomes a sequence of word keys.

Two spellings name the same agency when their keys are equal. A key is a word, NFC and
case-folded, with its tone mark moved to the end ("Ủy" and "Uỷ", "hóa" and "hoá" give the
same key: the old and new rules for placing the mark differ only in which vowel carries it).
Common abbreviations are spelled out ("UBND" → "ủy ban nhân dân", "TP" → "thành phố",
"MTTQ", "HĐND", "BHXH", "VN"…). Punctuation and "và"/"&" are not keys, they only separate
words: "Sở Lao động - Thương binh và Xã hội" and "Sở Lao động Thương binh Xã hội" are one
agency; so are "Sở Tài nguyên và Môi trường" and "Sở Tài nguyên môi trường".
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

# Combining tone marks of Vietnamese: grave, acute, tilde, hook above, dot below.
_TONES = frozenset("\u0300\u0301\u0303\u0309\u0323")
_WORD = re.compile(r"\w+", re.UNICODE)
# Words that join names and say nothing themselves.
CONNECTORS = frozenset({"và"})


@functools.lru_cache(maxsize=65_536)
def _syllable(word: str) -> str:
    """The key of one word (see the module's docstring); the same few hundred words make up
    every agency name of a plan, so each is worked out once per run."""
    decomposed = unicodedata.normalize("NFD", word.casefold())
    tones = [ch for ch in decomposed if ch in _TONES]
    base = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in _TONES))
    return base + "".join(tones)


ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    abbr: tuple(_syllable(w) for w in full.split())
    for abbr, full in {
        "ubnd": "ủy ban nhân dân",
        "hđnd": "hội đồng nhân dân",
        "mttq": "mặt trận tổ quốc",
        "bhxh": "bảo hiểm xã hội",
        "tp": "thành phố",
        "vn": "việt nam",
        "nhnn": "ngân hàng nhà nước",
        "ptth": "phát thanh truyền hình",
        "tw": "trung ương",
    }.items()
}
_CONNECTOR_KEYS = frozenset(_syllable(w) for w in CONNECTORS)


@dataclass(frozen=True)
class Word:
    """A key of a name, with where its word stands in the text (expanded abbreviations
    give several keys over the same span). ``gap`` tells that punctuation or a connector
    ("và") stands between this word and the previous one."""

    key: str
    start: int
    end: int
    gap: bool


def words(text: str) -> list[Word]:
    """The keys of ``text`` in order, with their spans in ``text`` (which is not altered)."""
    out: list[Word] = []
    last_end = 0
    pending_gap = False
    for match in _WORD.finditer(text):
        between = text[last_end : match.start()]
        gap = pending_gap or any(not ch.isspace() for ch in between)
        last_end = match.end()
        key = _syllable(unicodedata.normalize("NFC", match.group()))
        if key in _CONNECTOR_KEYS:
            pending_gap = True
            continue
        pending_gap = False
        expanded = ABBREVIATIONS.get(key, (key,))
        for i, part in enumerate(expanded):
            out.append(Word(part, match.start(), match.end(), gap and i == 0))
    return out


def name_key(text: str) -> tuple[str, ...]:
    """The comparison key of a whole name (empty for a text without words)."""
    return tuple(w.key for w in words(unicodedata.normalize("NFC", text)))
