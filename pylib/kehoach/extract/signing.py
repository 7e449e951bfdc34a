"""Sign agency workbooks and verify them when they come back.

Each agency workbook carries, in its veryHidden sheet ``_meta``: the plan, the agency, the
generation time, the task ids in row order with one digest per task row, and a signature.

- a row digest is HMAC-SHA256(key, canonical JSON of ["row", the row's locked task cells]);
- the signature is HMAC-SHA256(key, canonical JSON of every metadata value and the
  (task id, row digest) list), so it binds the plan, the agency, the time and the rows' order.

The key is 32 random bytes kept with the master (its veryHidden sheet
``extract_layout.KEY_SHEET``), never in an extract; ``key_id`` (a hash of the key) is in the
extract so that a file signed with another key is told apart from a tampered one. Sheet
protection only prevents accidents; the signature is what proves a returned file is the
agency's, from this plan, with its task rows unchanged: ``verify``.

Canonical values: blank is "", numbers print with 12 significant digits (2, 2.0 and "2.0"
after a round trip through Excel all read 2), a date or a midnight datetime is its ISO date,
line breaks are "\\n". Pure core: no xlwings, no printing.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from json.encoder import encode_basestring
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from kehoach.common.celltext import cell_text
from kehoach.common.errors import WorkbookError, missing_file_text, open_error_text
from kehoach.common.untrusted_text import excerpt, storable
from kehoach.sheets import extract_layout as ex
from kehoach.sheets.edits import Edit, EnsureSheet, HideSheet, WriteValues
from kehoach.state.master import MasterState, state_from_values

KEY_BYTES = 32

# The reason a hidden-data value of the wrong shape gives (kehoach.collect.reasons quotes it).
META_SHAPE = (
    "Dữ liệu ẩn đã bị sửa: giá trị «{field}» là «{found}», không đúng dạng của tệp đã gửi; "
    "đề nghị cơ quan điền vào đúng tệp .xlsx đã được gửi rồi gửi lại."
)
_HEX_KEY = re.compile(r"[0-9a-f]{64}")
# The shapes of the metadata's values as ``kehoach.extract.book`` writes them, checked before any
# of them is used (``meta_shape_problem``): what is not signed yet is hostile text.
_DIGEST = re.compile(r"[0-9a-f]{64}")
_KEY_ID = re.compile(r"[0-9a-f]{16}")
_COUNT = re.compile(r"[0-9]{1,7}")
_TIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{1,6})?"
    r"(?:Z|[+-][0-9]{2}:[0-9]{2})?"
)
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
MAX_META_TEXT = 300  # an agency's name, a plan number, a task id
MAX_SHEET_ROWS = 1_048_576
_ROWS_NAMED = 10  # changed rows a reason names; the others are counted
_SHAPES: dict[str, re.Pattern[str]] = {
    ex.META_FORMAT: _COUNT,
    ex.META_PLAN_DATE: _DATE,
    ex.META_GENERATED_AT: _TIME,
    ex.META_KEY_ID: _KEY_ID,
    ex.META_TASK_COUNT: _COUNT,
    ex.META_FIRST_ROW: _COUNT,
    ex.META_SIGNATURE: _DIGEST,
}


# --- the key -------------------------------------------------------------------------------


def new_key() -> bytes:
    """A fresh signing key (32 bytes from the OS's secure random source)."""
    return secrets.token_bytes(KEY_BYTES)


def key_id(key: bytes) -> str:
    """A short public name of ``key`` (16 hex digits of a hash): tells keys apart, reveals none."""
    return hashlib.sha256(b"kehoach key id\x00" + key).hexdigest()[:16]


def master_key(state: MasterState) -> bytes | None:
    """The signing key kept in the master read into ``state``, or None when the master has
    none yet. A damaged key sheet raises WorkbookError."""
    file = state.file
    rows = state.sheets.get(ex.KEY_SHEET)
    if rows is None:
        return None
    for number, row in enumerate(rows, start=1):
        if row and row[0] == ex.KEY_LABEL:
            text = str(row[1] if len(row) > 1 and row[1] is not None else "").strip().lower()
            if _HEX_KEY.fullmatch(text):
                return bytes.fromhex(text)
            raise WorkbookError(
                "Khóa ký bị hỏng (phải là 64 chữ số hệ 16). Nếu đã gửi tệp cho cơ quan, hãy lấy "
                "lại workbook từ bản sao lưu (thư mục backup); nếu chưa, xóa trang này để tạo "
                "khóa mới.",
                file=file,
                sheet=ex.KEY_SHEET,
                cell=f"B{number}",
            )
    raise WorkbookError(
        f"Trang khóa ký không có dòng «{ex.KEY_LABEL}».", file=file, sheet=ex.KEY_SHEET
    )


def stored_key(path: Path) -> bytes | None:
    """The signing key of the master workbook file at ``path`` (None when it has none, or when
    there is no file): what ``kehoach build`` carries over into the workbook it rebuilds."""
    if not path.is_file():
        return None
    wb, _ = _open(path)
    try:
        if ex.KEY_SHEET not in wb.sheetnames:
            return None
        rows = [list(r) for r in wb[ex.KEY_SHEET].iter_rows(values_only=True)]
    finally:
        wb.close()
    return master_key(state_from_values({ex.KEY_SHEET: rows}, file=path))


def key_edits(key: bytes) -> list[Edit]:
    """The edits that store ``key`` in the master: the key sheet, written then hidden."""
    rows: list[list[Any]] = [
        [ex.KEY_NOTE, None],
        [ex.KEY_LABEL, key.hex()],
        [ex.KEY_ID_LABEL, key_id(key)],
    ]
    return [
        EnsureSheet(ex.KEY_SHEET),
        WriteValues(ex.KEY_SHEET, "A1", rows),
        HideSheet(ex.KEY_SHEET),
    ]


# --- canonical form and digests ------------------------------------------------------------


def canonical_value(value: Any) -> str:
    """The text a cell value is signed as; equal after a round trip through a workbook file."""
    kind = type(value)  # the common kinds first: one check each (intake signs every row)
    if kind is str:
        return value.replace("\r\n", "\n")  # type: ignore[no-any-return]
    if kind is float:
        return f"{value:.12g}"
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return f"{float(value):.12g}"
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).replace("\r\n", "\n")


# One encoder for every digest (json.dumps with options builds a new one per call).
_CANONICAL_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def _mac(key: bytes, data: Any) -> str:
    return hmac.digest(key, _CANONICAL_JSON.encode(data).encode(), "sha256").hex()


# What json.dumps(ensure_ascii=False) escapes in a string: nothing else differs from the text.
_JSON_ESCAPED = re.compile(r'[\x00-\x1f"\\]')


def _row_message(cells: Iterable[Any]) -> bytes:
    """``json.dumps(["row", [canonical values]], ensure_ascii=False, separators=(",", ":"))``,
    written directly: a list of strings is each in json's own string form
    (``encode_basestring``) between brackets, and a string holding nothing json escapes is
    itself between quotes (nearly every row), a third of the time of the encoder object."""
    texts = [v.replace("\r\n", "\n") if type(v) is str else canonical_value(v) for v in cells]
    if not texts:
        return b'["row",[]]'
    if _JSON_ESCAPED.search("".join(texts)) is None:
        return ('["row",["' + '","'.join(texts) + '"]]').encode()
    return ('["row",[' + ",".join(map(encode_basestring, texts)) + "]]").encode()


def row_signer(key: bytes) -> Callable[[Iterable[Any]], str]:
    """``row_digest`` with ``key`` bound: the HMAC's key schedule done once, copied per row."""
    base = hmac.new(key, digestmod=hashlib.sha256)

    def digest(cells: Iterable[Any]) -> str:
        mac = base.copy()
        mac.update(_row_message(cells))
        return mac.hexdigest()

    return digest


class RowDigests:
    """``row_digest`` under one key, remembering the rows already signed: a province's commune
    workbooks carry the same commune tasks row for row, so collecting hundreds of them signs
    each distinct row once. A row is remembered by its values and their types (1, 1.0 and
    True are equal in Python but not as cells). At most ``max_rows`` rows are kept (a row with
    its texts is about 2 KB); when full it starts afresh, so that the rows of the files read
    lately are the ones remembered (files come in name order: the communes' together)."""

    def __init__(self, key: bytes, max_rows: int = 20_000) -> None:
        self.key_id = key_id(key)
        self._sign = row_signer(key)
        self._seen: dict[tuple[tuple[Any, ...], tuple[type, ...]], str] = {}
        self._max = max_rows

    def __len__(self) -> int:
        """How many rows are remembered."""
        return len(self._seen)

    def __call__(self, cells: Sequence[Any]) -> str:
        values = tuple(cells)
        key = (values, tuple(map(type, values)))
        found = self._seen.get(key)
        if found is None:
            found = self._sign(values)
            if len(self._seen) >= self._max:
                self._seen.clear()
            self._seen[key] = found
        return found


def row_digest(key: bytes, cells: Iterable[Any]) -> str:
    """The digest of one task row: its locked cells (``extract_layout.TASK_COLUMNS``):
    HMAC-SHA256 of ``_row_message``. Many rows: ``row_signer``."""
    return row_signer(key)(cells)


def signature(key: bytes, meta: Mapping[str, str], tasks: Sequence[tuple[str, str]]) -> str:
    """The signature over the metadata (every key but the signature) and (task id, digest)s."""
    fields = {k: v for k, v in meta.items() if k != ex.META_SIGNATURE}
    return _mac(key, ["extract", fields, [list(t) for t in tasks]])


# --- reading back --------------------------------------------------------------------------


@dataclass(frozen=True)
class ExtractMeta:
    """The hidden metadata of an agency workbook."""

    fields: dict[str, str]
    tasks: tuple[tuple[str, str], ...]  # (task id, row digest) in row order

    @property
    def plan_id(self) -> str:
        return self.fields.get(ex.META_PLAN, "")

    @property
    def agency_code(self) -> str:
        return self.fields.get(ex.META_AGENCY, "")

    @property
    def generated_at(self) -> str:
        return self.fields.get(ex.META_GENERATED_AT, "")

    @property
    def key_id(self) -> str:
        return self.fields.get(ex.META_KEY_ID, "")

    @property
    def task_ids(self) -> tuple[str, ...]:
        return tuple(t for t, _ in self.tasks)

    @property
    def first_row(self) -> int:
        """The tasks sheet's row of the first task; the template's when the value is not a
        row number that leaves room for every task (``meta_shape_problem`` tells it)."""
        text = self.fields.get(ex.META_FIRST_ROW, "")
        if _COUNT.fullmatch(text) and 1 <= int(text) <= MAX_SHEET_ROWS - len(self.tasks):
            return int(text)
        return ex.FIRST_DATA_ROW


def meta_rows(meta: Mapping[str, str], tasks: Sequence[tuple[str, str]]) -> list[list[Any]]:
    """The values of the ``_meta`` sheet from A1: key/value rows, a blank row, the task table."""
    rows: list[list[Any]] = [[k, meta[k]] for k in ex.META_KEYS]
    rows.append([None, None])
    rows.append(list(ex.META_TASK_HEADERS))
    rows.extend([task_id, digest] for task_id, digest in tasks)
    return rows


def read_meta(wb: Workbook) -> ExtractMeta | None:
    """The metadata of an opened agency workbook; None when it has no ``_meta`` sheet."""
    if ex.META_SHEET not in wb.sheetnames:
        return None
    return meta_from_rows([list(r) for r in wb[ex.META_SHEET].iter_rows(values_only=True)])


def meta_from_rows(rows: Sequence[Sequence[Any]]) -> ExtractMeta:
    """The metadata from the ``_meta`` sheet's values, row 1 first ("" or None for blank)."""
    fields: dict[str, str] = {}
    for row in rows[: len(ex.META_KEYS)]:
        if row and row[0] not in (None, ""):
            fields[cell_text(row[0])] = cell_text(row[1] if len(row) > 1 else None)
    tasks = tuple(
        (cell_text(row[0]), cell_text(row[1] if len(row) > 1 else None))
        for row in rows[ex.META_TASKS_ROW :]
        if row and row[0] not in (None, "")
    )
    return ExtractMeta(fields, tasks)


def _text_problem(text: str) -> bool:
    # Names and ids come from the master as officials typed them: any text an XLSX holds.
    return len(text) > MAX_META_TEXT or storable(text)[1] > 0


def meta_shape_problem(meta: ExtractMeta) -> str | None:
    """The Vietnamese reason a value of the (not yet verified) metadata is not of the shape
    ``kehoach.extract.book`` writes, or None: digests and the signature 64 lowercase hex digits,
    the key id 16, counts and the first row short ASCII numbers (the first row leaving room
    for every task), times and dates ISO, every other text (keys, plan, agency, task ids)
    printable and at most ``MAX_META_TEXT`` characters. Checked before any value is used,
    so that no comparison, number or quotation meets what it cannot handle."""

    def bad(name: str, value: str) -> str:
        return META_SHAPE.format(field=excerpt(name, 40), found=excerpt(value, 40))

    for name, value in meta.fields.items():
        shape = _SHAPES.get(name)
        if _text_problem(name) or (
            not shape.fullmatch(value) if shape is not None else _text_problem(value)
        ):
            return bad(name, value)
    first = meta.fields.get(ex.META_FIRST_ROW)
    if first is not None and not 1 <= int(first) <= MAX_SHEET_ROWS - len(meta.tasks):
        return bad(ex.META_FIRST_ROW, first)
    for task_id, digest in meta.tasks:
        if _text_problem(task_id) or task_id != task_id.strip():
            return bad(ex.META_TASK_HEADERS[0], task_id)
        if not _DIGEST.fullmatch(digest):
            return bad(ex.META_TASK_HEADERS[1], digest)
    return None


@dataclass(frozen=True)
class VerifyResult:
    """What ``verify`` found: ``ok`` when the file is intact and signed with this key."""

    ok: bool
    meta: ExtractMeta | None
    problems: tuple[str, ...] = ()
    changed_rows: tuple[int, ...] = field(default=())  # Excel rows of the tasks sheet
    # The metadata itself is authentic: known format, this key, signature matching (the task
    # rows aside): what it says about the plan and the agency can be believed.
    meta_signed: bool = False

    @property
    def agency_code(self) -> str:
        return self.meta.agency_code if self.meta else ""

    @property
    def plan_id(self) -> str:
        return self.meta.plan_id if self.meta else ""

    @property
    def task_ids(self) -> tuple[str, ...]:
        return self.meta.task_ids if self.meta else ()


def _open(source: str | Path | Workbook) -> tuple[Workbook, bool]:
    if isinstance(source, Workbook):
        return source, False
    path = Path(source)
    if not path.is_file():
        raise WorkbookError(missing_file_text(path), file=path)
    try:
        return load_workbook(path, read_only=True, data_only=True), True
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise WorkbookError(
            f"Không mở được tệp như một workbook Excel: {open_error_text(exc)}.", file=path
        ) from exc


def verify(source: str | Path | Workbook, key: bytes) -> VerifyResult:
    """Check that an agency workbook is one we generated with ``key``, task rows unchanged.

    Reads the hidden metadata, recomputes every row digest from the tasks sheet's locked
    cells and the signature from the metadata, and compares them with
    ``hmac.compare_digest``. Problems (Vietnamese) are data; only a file that cannot be opened
    raises WorkbookError. ``changed_rows`` names the task rows that differ from what was signed.
    """
    wb, opened = _open(source)
    try:
        return _verify(wb, key)
    finally:
        if opened:
            wb.close()


def _verify(wb: Workbook, key: bytes) -> VerifyResult:
    meta = read_meta(wb)
    has_tasks = ex.TASKS_SHEET in wb.sheetnames
    rows: list[list[Any]] = []
    if meta is not None and meta.tasks and has_tasks:
        first = meta.first_row
        rows = [
            list(r)
            for r in wb[ex.TASKS_SHEET].iter_rows(
                min_row=first,
                max_row=first + len(meta.tasks) - 1,
                max_col=len(sheet_layout(meta).columns),
                values_only=True,
            )
        ]
    return verify_rows(meta, rows, key, has_tasks)


def verify_rows(
    meta: ExtractMeta | None,
    task_rows: Sequence[Sequence[Any]],
    key: bytes,
    has_tasks_sheet: bool = True,
    *,
    digests: RowDigests | None = None,
    shape_checked: bool = False,
) -> VerifyResult:
    """``verify`` on values already read: the metadata (None when the file has none) and the
    tasks sheet's signed rows from ``meta.first_row`` down, from column A (missing rows or
    cells are blank); the signed cells are taken where the file's format version puts them.
    For readers other than openpyxl (``kehoach.collect.return_book``).
    ``digests`` (for ``key``) carries the rows already signed from one file to the next;
    ``shape_checked``: the caller has found ``meta_shape_problem(meta)`` None already."""
    if meta is None:
        return VerifyResult(
            False,
            None,
            (
                "Tệp không có dữ liệu ẩn của tệp gửi cơ quan: không phải tệp do Sở Nội vụ gửi, "
                "hoặc nội dung đã được chép sang một tệp khác.",
            ),
        )
    shape = None if shape_checked else meta_shape_problem(meta)
    if shape is not None:
        return VerifyResult(False, meta, (shape,))
    problems: list[str] = []
    if meta.fields.get(ex.META_FORMAT) not in ex.LAYOUTS:
        problems.append(
            f"Phiên bản định dạng «{meta.fields.get(ex.META_FORMAT, '')}» không nhận ra "
            f"(các phiên bản đọc được: {', '.join(ex.LAYOUTS)}): hãy gửi lại tệp mới tạo."
        )
    if meta.key_id != key_id(key):
        problems.append(
            f"Tệp được ký bằng khóa khác (mã khóa {meta.key_id or '?'}, khóa của workbook này là "
            f"{key_id(key)}): tệp không được tạo từ workbook này, hoặc khóa đã bị thay."
        )
        return VerifyResult(False, meta, tuple(problems))
    expected = signature(key, meta.fields, meta.tasks)
    signed = hmac.compare_digest(expected, meta.fields.get(ex.META_SIGNATURE, ""))
    signed_meta = signed and not problems
    if not signed:
        problems.append(
            "Chữ ký không khớp: dữ liệu ẩn (kế hoạch, mã cơ quan, thời gian tạo, danh sách "
            "nhiệm vụ) đã bị sửa."
        )
    if not has_tasks_sheet:
        problems.append(f"Thiếu trang tính «{ex.TASKS_SHEET}».")
    if digests is None or digests.key_id != key_id(key):
        digests = RowDigests(key)
    changed = _changed_rows(digests, meta, task_rows) if has_tasks_sheet else []
    if changed:
        more = f" và {len(changed) - _ROWS_NAMED} dòng khác" if len(changed) > _ROWS_NAMED else ""
        problems.append(
            "Các dòng nhiệm vụ đã bị sửa (các cột không được sửa): dòng "
            + ", ".join(str(r) for r in changed[:_ROWS_NAMED])
            + more
            + "."
        )
    return VerifyResult(not problems, meta, tuple(problems), tuple(changed), signed_meta)


def sheet_layout(meta: ExtractMeta) -> ex.SheetLayout:
    """The layout of the file's format version (the current one for a version unknown, which
    ``verify_rows`` refuses)."""
    return ex.LAYOUTS.get(meta.fields.get(ex.META_FORMAT, ""), ex.CURRENT)


def _changed_rows(sign: RowDigests, meta: ExtractMeta, rows: Sequence[Sequence[Any]]) -> list[int]:
    sheet = sheet_layout(meta)
    changed: list[int] = []
    for i, (_task_id, digest) in enumerate(meta.tasks):
        cells = sheet.task_values(rows[i] if i < len(rows) else ())
        if not hmac.compare_digest(sign(cells), digest):
            changed.append(meta.first_row + i)
    return changed
