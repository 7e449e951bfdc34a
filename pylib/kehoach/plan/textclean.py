"""Cell text of the plan tables: leftover HTML, entities, whitespace, Unicode, list items.

The plan text is a rendering of Word tables in which some cells keep HTML
(``<p>``, ``<i>``, ``<ul style=…>``) and some use plain dash bullets. Everything
here works on one cell at a time and returns NFC text with single spaces.

How a task cell becomes tasks (``list_items``):

* A cell holding ``<p>`` or ``<li>`` elements gives one item per element; text
  outside the elements is an item of its own. Dashes *inside* an element are never
  split points: an element is one paragraph of the original.
* A plain-text cell that *starts* with a dash bullet ("- A; - B") is split where a
  dash stands between spaces and the next word starts with a capital letter
  ("… tỉnh; - Triển khai …", "… doanh nghiệp - Kịp thời …"). A dash followed by a
  lower-case word or a digit is a hyphen, not a bullet ("kinh tế - xã hội",
  "2021 - 2025"), and so are the hyphenated proper names in ``HYPHENATED_NAMES``
  ("Lao động - Thương binh và Xã hội").
* Any other plain-text cell is one item, even when it contains " - " later on
  ("… tập trung thực hiện: - Xây dựng …" stays one task: the dash item belongs to
  the sentence that introduces it).

Each item loses its bullet marker ("- ") and a trailing list separator (";").
"""

from __future__ import annotations

import html
import itertools
import re
import unicodedata

# Hyphenated names in which " - " joins two capitalised words and is no bullet.
HYPHENATED_NAMES: tuple[tuple[str, str], ...] = (
    ("Lao động", "Thương binh"),
    ("Phát thanh", "Truyền hình"),
)

_ITEM_TAG = re.compile(r"<\s*(?:p|li)\b", re.IGNORECASE)
_BLOCK_TAG = re.compile(r"<\s*/?\s*(?:p|li|ul|ol|div|br)\b[^>]*>", re.IGNORECASE)
_ANY_TAG = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>")
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_SPACE = re.compile(r"\s+")
_DASH = "-\u2013\u2212"  # hyphen-minus, en dash, minus sign
_LEADING_BULLET = re.compile(rf"^[{_DASH}]\s+")
_BULLET_SPLIT = re.compile(rf"(?:^|\s)[{_DASH}]\s+(?=\S)")


def clean(cell: str) -> str:
    """Plain text of a cell: tags removed (block tags become a space), entities
    unescaped, invisible characters dropped, NFC, whitespace collapsed."""
    text = _BLOCK_TAG.sub(" ", cell)
    text = _ANY_TAG.sub("", text)
    text = html.unescape(text)
    text = _INVISIBLE.sub("", text)
    text = unicodedata.normalize("NFC", text)
    return _SPACE.sub(" ", text).strip()


def has_items(cell: str) -> bool:
    """True when the cell holds ``<p>`` or ``<li>`` elements."""
    return _ITEM_TAG.search(cell) is not None


def paragraphs(cell: str) -> list[str]:
    """The cleaned paragraphs of a cell: one per ``<p>``/``<li>``, else the whole cell.

    Used for agency and timeline cells, which are paired with task paragraphs when
    they have as many paragraphs as the task cell. An empty cell gives ``[]``.
    """
    if has_items(cell):
        pieces = (clean(piece) for piece in _BLOCK_TAG.split(cell))
        return [p for p in pieces if p]
    text = clean(cell)
    return [text] if text else []


def list_items(cell: str) -> list[str]:
    """The tasks a task cell holds (see the module docstring for the rules)."""
    if has_items(cell):
        return [item for p in paragraphs(cell) if (item := strip_bullet(p))]
    text = clean(cell)
    if not text:
        return []
    if not _LEADING_BULLET.match(text):
        return [text]
    return [item for part in split_bullets(text) if (item := strip_bullet(part))]


def split_bullets(text: str) -> list[str]:
    """Split clean text at its dash bullets (the text is assumed to start with one)."""
    cuts: list[int] = []
    for m in _BULLET_SPLIT.finditer(text):
        if m.start() == 0 or _is_bullet(text, m.start(), m.end()):
            cuts.append(m.start())
    if not cuts or cuts[0] != 0:
        cuts.insert(0, 0)
    bounds = [*cuts, len(text)]
    return [text[a:b].strip() for a, b in itertools.pairwise(bounds)]


def strip_bullet(item: str) -> str:
    """Drop a leading dash bullet and a trailing ";" list separator."""
    item = _LEADING_BULLET.sub("", item.strip())
    return item.rstrip().removesuffix(";").rstrip()


def _is_bullet(text: str, start: int, end: int) -> bool:
    following = text[end]
    if not following.isupper():
        return False
    before, after = text[:start], text[end:]
    return not any(
        before.endswith(left) and after.startswith(right) for left, right in HYPHENATED_NAMES
    )
