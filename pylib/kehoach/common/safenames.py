"""Names that Windows accepts for a file and Excel for a sheet, from agency names and codes.

``safe_file_name("Sở Văn hóa, Thể thao và Du lịch")`` → ``"So-Van-hoa-The-thao-va-Du-lich"``:
ASCII (Vietnamese letters lose their marks, "Đ" becomes "D"), no character Windows forbids
(``<>:"/\\|?*`` and control characters), no trailing dot or space, not a reserved device name
(CON, PRN, AUX, NUL, COM1..COM9, LPT1..LPT9, with or without an extension), never empty.
``safe_sheet_name`` keeps Vietnamese (Excel shows it) but obeys Excel's rules: at most 31
characters, none of ``[]:*?/\\``, no leading or trailing apostrophe, not blank, not "History".
``file_name_problem`` says in Vietnamese what is wrong with a name given as is (an agency code).
"""

from __future__ import annotations

import re
import unicodedata

# Windows device names: a file named so (even "con.xlsx") opens the device, not a file.
WINDOWS_RESERVED: frozenset[str] = frozenset(
    {"CON", "PRN", "AUX", "NUL"}
    | {f"COM{i}" for i in range(1, 10)}
    | {f"LPT{i}" for i in range(1, 10)}
)
WINDOWS_FORBIDDEN = '<>:"/\\|?*'
SHEET_FORBIDDEN = "[]:*?/\\"
SHEET_MAX = 31
# Excel reserves "History" for the change-tracking sheet.
SHEET_RESERVED: frozenset[str] = frozenset({"history"})
FILE_NAME_MAX = 80  # stems; full paths on Windows stop at 260 characters

_SEPARATORS = re.compile(r"[^A-Za-z0-9_.()-]+")
_DASHES = re.compile(r"-{2,}")


def ascii_fold(text: str) -> str:
    """Vietnamese text without its marks: "Đài Phát thanh" → "Dai Phat thanh"."""
    text = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    return "".join(ch for ch in text if not unicodedata.combining(ch) and ord(ch) < 128)


def file_name_problem(name: str) -> str | None:
    """Why ``name`` cannot be used as is for a file name on Windows, or None when it can."""
    if not name:
        return "không được để trống"
    if any(ord(ch) > 127 for ch in name):
        return "chỉ được dùng chữ không dấu, số và các dấu - _ . (không dùng chữ có dấu)"
    bad = sorted({ch for ch in name if ch in WINDOWS_FORBIDDEN or ord(ch) < 32 or ch == " "})
    if bad:
        shown = " ".join("dấu cách" if ch == " " else repr(ch)[1:-1] for ch in bad)
        return f"có ký tự không dùng được trong tên tệp: {shown}"
    if name.endswith("."):
        return "không được kết thúc bằng dấu chấm"
    if name.split(".")[0].upper() in WINDOWS_RESERVED:
        return f"«{name.split('.')[0]}» là tên thiết bị dành riêng của Windows"
    if len(name) > FILE_NAME_MAX:
        return f"dài quá {FILE_NAME_MAX} ký tự"
    return None


def safe_file_name(text: str, *, fallback: str = "co-quan") -> str:
    """``text`` as a Windows-safe ASCII file name stem (no extension added).

    Runs of anything but letters, digits and ``_.()-`` become one "-"; the result is at
    most ``FILE_NAME_MAX`` characters, has no leading or trailing "-" or ".", is not a
    reserved device name (those get a trailing "_") and is ``fallback`` when nothing is left.
    """
    folded = _SEPARATORS.sub("-", ascii_fold(unicodedata.normalize("NFC", text)))
    folded = _DASHES.sub("-", folded)[:FILE_NAME_MAX].strip("-. ")
    if not folded:
        folded = fallback
    if folded.split(".")[0].upper() in WINDOWS_RESERVED:
        folded = folded.split(".")[0] + "_" + folded[len(folded.split(".")[0]) :]
    return folded


def safe_sheet_name(text: str, *, fallback: str = "Trang") -> str:
    """``text`` as an Excel sheet name: forbidden characters become "-", at most 31
    characters, no leading/trailing apostrophe or blank, never empty nor "History"."""
    name = unicodedata.normalize("NFC", text)
    name = "".join("-" if ch in SHEET_FORBIDDEN or ord(ch) < 32 else ch for ch in name)
    name = re.sub(r"\s+", " ", name).strip().strip("'").strip()
    name = name[:SHEET_MAX].rstrip().rstrip("'").rstrip()
    if not name:
        name = fallback[:SHEET_MAX]
    if name.casefold() in SHEET_RESERVED:
        name = (name + "-")[:SHEET_MAX]
    return name
