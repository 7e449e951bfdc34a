"""Errors the user sees. Each carries where the problem is (file, line, sheet, cell)
and a Vietnamese message; ``str(err)`` is the full text shown in Excel or on the CLI.

Consistency findings are data (see a later ``checks`` module), never raised.
"""

from __future__ import annotations

from pathlib import Path


class KeHoachError(Exception):
    """Base of every error meant for the user."""

    def __init__(
        self,
        message: str,
        *,
        file: str | Path | None = None,
        line: int | None = None,
        sheet: str | None = None,
        cell: str | None = None,
        text: str | None = None,
    ) -> None:
        self.message = message
        self.file = str(file) if file is not None else None
        self.line = line
        self.sheet = sheet
        self.cell = cell
        self.text = text
        super().__init__(self.render())

    def render(self) -> str:
        where: list[str] = []
        if self.file:
            where.append(f"tệp {self.file}")
        if self.line is not None:
            where.append(f"dòng {self.line}")
        if self.sheet:
            where.append(f"trang tính '{self.sheet}'")
        if self.cell:
            where.append(f"ô {self.cell}")
        out = self.message
        if where:
            out = f"{', '.join(where)}: {out}"
        if self.text is not None:
            shown = self.text if len(self.text) <= 200 else self.text[:200] + "…"
            out += f"\n    Nội dung: «{shown}»"
        return out


class PlanTextError(KeHoachError):
    """The plan text cannot be imported (names the line and shows its text)."""


class WorkbookError(KeHoachError):
    """A workbook is missing, damaged or not laid out as expected."""


class BuildError(KeHoachError):
    """The master workbook cannot be built from its sources."""


def missing_file_text(path: Path, what: str = "tệp") -> str:
    """Why ``path`` is not a file that can be read, in words that name the mistake:
    a folder where a file was meant, or a path that does not exist (nor its folder)."""
    if path.is_dir():
        return f"Đây là một thư mục, không phải {what}."
    if not path.parent.is_dir():
        return f"Không tìm thấy {what}: thư mục chứa nó ({path.parent}) cũng không có."
    return f"Không tìm thấy {what}."


def missing_folder_text(path: Path, what: str = "thư mục") -> str:
    """Why ``path`` is not a folder: a file where a folder was meant, or nothing there."""
    if path.exists() and not path.is_dir():
        return f"Đây là một tệp, không phải {what}."
    return f"Không tìm thấy {what}."


_OS_ERRORS: tuple[tuple[type[OSError], str], ...] = (
    (FileNotFoundError, "không tìm thấy tệp"),
    (IsADirectoryError, "đây là một thư mục, không phải tệp"),
    (NotADirectoryError, "một phần của đường dẫn là tệp, không phải thư mục"),
    (PermissionError, "không có quyền đọc/ghi (tệp có thể đang mở trong chương trình khác)"),
)


def os_error_text(err: OSError) -> str:
    """An OSError in Vietnamese (the system's own text is English on most machines)."""
    for kind, text in _OS_ERRORS:
        if isinstance(err, kind):
            return text
    return f"lỗi hệ thống số {err.errno}" if err.errno is not None else "lỗi hệ thống"


def open_error_text(exc: BaseException) -> str:
    """Why a workbook could not be opened, in Vietnamese, whatever the reader raised."""
    if isinstance(exc, OSError) and not type(exc).__name__.startswith("BadZip"):
        return os_error_text(exc)
    if "CRC" in str(exc):  # zipfile: a part's bytes differ from its recorded checksum
        return "tệp đã bị hỏng (một phần của tệp sai mã kiểm tra CRC)"
    return "tệp không phải workbook Excel (.xlsx/.xlsm) hoặc đã bị hỏng"


def template_error_text(err: BaseException) -> str:
    """A Jinja2 template error in Vietnamese (jinja2's own message is English): what is wrong
    and, for a syntax error, the line."""
    kind = type(err).__name__
    if kind in ("TemplateNotFound", "TemplatesNotFound"):
        return f"không thấy tệp mẫu «{getattr(err, 'name', '')}»"
    if kind == "UndefinedError":
        name = str(err).split("'")[1] if str(err).count("'") >= 2 else str(err)
        return f"mẫu dùng tên «{name}» mà chương trình không cung cấp"
    line = getattr(err, "lineno", None)
    where = f" ở dòng {line}" if line else ""
    return f"mẫu sai cú pháp Jinja2{where} (kiểm tra các cặp {{{{ }}}} và {{% %}})"
