"""The one mapping of an agency workbook ("tệp gửi cơ quan"): sheets, columns, headers, lists.

An agency workbook (``kehoach.extract.book``) holds the tasks one agency leads or coordinates,
read-only, and the columns the agency fills in. The builder, the signature
(``kehoach.extract.signing``) and the later collection step take sheet names, column keys and
Vietnamese headers from here only.

Columns: ``TASK_COLUMNS`` are the task's data, locked and covered by the signature (signed in
this order, whatever their place on the sheet); ``INPUT_COLUMNS`` are what the agency types
(unlocked, light yellow, validated); ``CHECK_COLUMN`` is a locked formula warning about a
completed task without evidence.

Where they sit on the sheet is a ``SheetLayout``, one per format version (``LAYOUTS``), written
into the hidden metadata: intake and the signature read a returned file with the layout of its
own version. Format "1" put the task's data first (A–N), the inputs after it (O–U); format "2"
(``CURRENT``) puts the task text and its inputs side by side, so that a row can be filled on a
laptop screen, and the reference columns (criterion, target, other agencies…) to their right.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from operator import itemgetter

from kehoach.sheets.spec import (
    DATE_FORMAT,
    FIRST_DATA_ROW,
    HEADER_ROW,
    NUMBER,
    TITLE_ROW,
    Column,
    SheetSpec,
)
from kehoach.sheets.spec import NOTE_ROW as SUBTITLE_ROW

__all__ = ["FIRST_DATA_ROW", "HEADER_ROW", "SUBTITLE_ROW", "TITLE_ROW"]

TASKS_SHEET = "Nhiệm vụ"
GUIDE_SHEET = "Hướng dẫn"
META_SHEET = "_meta"  # veryHidden: plan, agency, task ids, signature (kehoach.extract.signing)

# The deadline and the report date, on the agency's sheet and on the master's progress sheets.
COLUMN_DUE = Column("due", "Hạn hoàn thành", 11, DATE_FORMAT)
COLUMN_REPORT_DATE = Column("report_date", "Ngày báo cáo", 11, DATE_FORMAT)

# The task's data as the master holds it: locked, signed row by row.
TASK_COLUMNS: tuple[Column, ...] = (
    NUMBER.sized(5),
    Column("task_id", "Mã nhiệm vụ", 13),
    Column("role", "Vai trò", 9),
    Column("appendix", "Phụ lục", 6),
    Column("code", "Mã tiêu chí", 10),
    Column("criterion", "Tên tiêu chí", 24),
    Column("max", "Điểm (tỷ lệ) tối đa", 7),
    Column("score_base", "Kết quả năm {base}", 7),
    Column("target", "Mục tiêu năm {target}", 12),
    Column("task", "Nhiệm vụ, giải pháp", 40),
    Column("others", "Cơ quan khác cùng thực hiện", 22),
    Column("via", "Được giao qua", 14),
    Column("timeline", "Thời gian thực hiện (như Kế hoạch)", 14),
    COLUMN_DUE,
)

# What the agency fills in.
STATUS_KEY = "status"
PERCENT_KEY = "percent"
RESULTS_KEY = "results"
EVIDENCE_KEY = "evidence"
EXPLANATION_KEY = "explanation"
DIFFICULTIES_KEY = "difficulties"
REPORT_DATE_KEY = COLUMN_REPORT_DATE.key
INPUT_COLUMNS: tuple[Column, ...] = (
    Column(STATUS_KEY, "Tình trạng", 13),
    Column(PERCENT_KEY, "% hoàn thành (0–100)", 8, "0"),
    Column(RESULTS_KEY, "Kết quả thực hiện", 28),
    Column(EVIDENCE_KEY, "Văn bản chứng minh (số, ngày văn bản)", 20),
    Column(EXPLANATION_KEY, "Giải trình (khi hoàn thành mà chưa có văn bản)", 20),
    Column(DIFFICULTIES_KEY, "Khó khăn, vướng mắc, đề xuất", 22),
    COLUMN_REPORT_DATE,
)
CHECK_COLUMN = Column("check", "Lưu ý (tự kiểm tra)", 18)


@dataclass(frozen=True)
class SheetLayout(SheetSpec):
    """The tasks sheet as one format version lays it out.

    ``columns`` in sheet order (A, B, …); ``frozen`` columns stay on screen when scrolling
    right; ``printed`` columns (from A) make the print area.
    """

    version: str = ""
    frozen: int = 0
    printed: int = 0

    @cached_property
    def task_positions(self) -> tuple[int, ...]:
        """The columns of ``TASK_COLUMNS``, in signing order."""
        return tuple(self.positions[c.key] for c in TASK_COLUMNS)

    @cached_property
    def input_positions(self) -> tuple[int, ...]:
        """The columns of ``INPUT_COLUMNS``, in their order."""
        return tuple(self.positions[c.key] for c in INPUT_COLUMNS)

    def task_cells(self, row: list[object] | tuple[object, ...]) -> list[object]:
        """The signed cells of one sheet row (values from column A), in signing order;
        a row too short gives blanks."""
        return [row[p - 1] if p <= len(row) else None for p in self.task_positions]

    @cached_property
    def _task_getter(self) -> Callable[[Sequence[object]], tuple[object, ...]]:
        indexes = [p - 1 for p in self.task_positions]
        if len(indexes) == 1:  # itemgetter of one index gives the item, not a tuple
            return lambda row: (row[indexes[0]],)
        return itemgetter(*indexes)

    def task_values(self, row: Sequence[object]) -> tuple[object, ...]:
        """``task_cells`` as a tuple, for any sequence: taken in one step when the row reaches
        every signed column (as every row read whole does)."""
        if len(row) >= self._last_task_position:
            return self._task_getter(row)
        return tuple(row[p - 1] if p <= len(row) else None for p in self.task_positions)

    @cached_property
    def _last_task_position(self) -> int:
        return max(self.task_positions, default=0)


_KNOWN: SheetSpec = SheetSpec(TASKS_SHEET, (*TASK_COLUMNS, *INPUT_COLUMNS, CHECK_COLUMN))


def _sized(key: str, width: float | None = None) -> Column:
    col = _KNOWN.column(key)
    return col if width is None else col.sized(width)


LAYOUT_1 = SheetLayout(TASKS_SHEET, _KNOWN.columns, version="1", frozen=5, printed=22)
# The task text and its inputs on one screen: STT and the task id frozen (about 140 px), the
# text wide and wrapped, its deadline, then the inputs from about 560 px; the printed table
# stops after the report date (the self-check column is for the screen), about 174 units
# as stored (XlsxWriter adds 0.71 a column): one A4 landscape page wide at about 82 %, so
# 11 pt text prints at 9 pt or more; the reference columns
# follow, wide enough that their texts rarely make a row taller.
LAYOUT_2 = SheetLayout(
    TASKS_SHEET,
    (
        _sized("number"),
        _sized("task_id", 16),
        _sized("role", 8),
        _sized("task", 35),
        _sized("due", 11),
        _sized(STATUS_KEY, 12),
        _sized(PERCENT_KEY, 7),
        _sized(RESULTS_KEY, 19),
        _sized(EVIDENCE_KEY, 15),
        _sized(EXPLANATION_KEY, 13),
        _sized(DIFFICULTIES_KEY, 13),
        _sized(REPORT_DATE_KEY, 11),
        _sized(CHECK_COLUMN.key, 12),
        _sized("timeline", 16),
        _sized("appendix"),
        _sized("code", 11),
        _sized("criterion", 45),
        _sized("max", 8),
        _sized("score_base", 8),
        _sized("target", 45),
        _sized("others", 40),
        _sized("via", 16),
    ),
    version="2",
    frozen=2,
    printed=12,
)
LAYOUTS: dict[str, SheetLayout] = {"1": LAYOUT_1, "2": LAYOUT_2}
FORMAT_VERSION = "2"
CURRENT = LAYOUTS[FORMAT_VERSION]
# The current layout's columns in sheet order.
COLUMNS: tuple[Column, ...] = CURRENT.columns

# Values of the status column, in the order of the drop-down list.
STATUS_NOT_STARTED = "Chưa triển khai"
STATUS_IN_PROGRESS = "Đang thực hiện"
STATUS_DONE = "Hoàn thành"
STATUS_CANNOT = "Không thực hiện được"
STATUSES: tuple[str, ...] = (STATUS_NOT_STARTED, STATUS_IN_PROGRESS, STATUS_DONE, STATUS_CANNOT)
# Each status by its key: NFC, every run of spaces one space, case ignored.
_STATUS_KEYS: dict[str, str] = {unicodedata.normalize("NFC", s).casefold(): s for s in STATUSES}


def listed_status(text: str) -> str | None:
    """The status of ``STATUSES`` that ``text`` spells, or None: compared after Unicode NFC
    (Vietnamese typed with another input method, or pasted from a Mac, may come decomposed),
    with every run of spaces, whichever kind (a no-break space pasted from Word), counted as
    one and case ignored."""
    key = " ".join(unicodedata.normalize("NFC", text).split()).casefold()
    return _STATUS_KEYS.get(key)


# Longest text accepted in a free-text input cell (Excel allows 32 767 characters; a report
# longer than this belongs in an attached document cited as evidence).
MAX_TEXT_LENGTH = 4000

TASKS_TITLE = "NHIỆM VỤ THỰC HIỆN KẾ HOẠCH SỐ {number} NGÀY {date} CỦA {issuer}"
TASKS_SUBTITLE = (
    "Cơ quan: {agency} — chủ trì {lead} nhiệm vụ, phối hợp {coordinating} nhiệm vụ. "
    "Điền các cột nền vàng; gửi lại {return_to} trước ngày {reply_by}."
)
CHECK_MESSAGE_EVIDENCE = "Hoàn thành: cần văn bản chứng minh hoặc giải trình"
CHECK_MESSAGE_PERCENT = "Hoàn thành: % phải là 100"

# Keys of the metadata sheet (column A; values in column B), then a table of task ids with
# one digest per row from META_TASKS_ROW (headers) down.
META_FORMAT = "format"
META_PLAN = "plan_id"
META_PLAN_DATE = "plan_date"
META_AGENCY = "agency_code"
META_AGENCY_NAME = "agency_name"
META_GENERATED_AT = "generated_at"
META_KEY_ID = "key_id"
META_TASK_COUNT = "task_count"
META_FIRST_ROW = "first_row"
META_SIGNATURE = "signature"
META_KEYS: tuple[str, ...] = (
    META_FORMAT,
    META_PLAN,
    META_PLAN_DATE,
    META_AGENCY,
    META_AGENCY_NAME,
    META_GENERATED_AT,
    META_KEY_ID,
    META_TASK_COUNT,
    META_FIRST_ROW,
    META_SIGNATURE,
)
META_TASKS_ROW = len(META_KEYS) + 2
META_TASK_HEADERS = ("task_id", "row_digest")

DIRECT = "trực tiếp"  # the "Được giao qua" of an agency named by the plan itself
COMMUNE_NOTE = "cấp xã trên địa bàn"  # a commune task reaching a district's committee

# --- in the master workbook ----------------------------------------------------------------
# The signing key: a veryHidden sheet of the master, created by the first extract run and
# carried over by `kehoach build` (kehoach.extract.signing). Never copied into an agency workbook.
KEY_SHEET = "_khoa"
KEY_NOTE = (
    "Khóa ký các tệp gửi cơ quan (Kế hoạch CCHC). Không sửa, không xóa, không gửi ra ngoài: "
    "mất khóa thì không xác minh được các tệp cơ quan gửi lại."
)
KEY_LABEL = "key"
KEY_ID_LABEL = "key_id"

# What the last run generated: one row per file (kehoach.extract.manifest).
MANIFEST_SHEET = "Tệp gửi cơ quan"
MANIFEST_TITLE = "Các tệp gửi cơ quan (lần tạo gần nhất)"
MANIFEST_COLUMNS: tuple[Column, ...] = (
    NUMBER,
    Column("agency", "Mã cơ quan", 18),
    Column("agency_name", "Tên cơ quan", 36),
    Column("file", "Tệp", 34),
    Column("lead_tasks", "Số nhiệm vụ chủ trì", 11, "#,##0"),
    Column("coordinating_tasks", "Số nhiệm vụ phối hợp", 11, "#,##0"),
    Column("sha256", "SHA-256 của tệp", 66),
)
MANIFEST = SheetSpec(MANIFEST_SHEET, MANIFEST_COLUMNS)
MANIFEST_FILE = "manifest.json"
# The button's folder, beside the master workbook.
DEFAULT_FOLDER = "GuiCoQuan"
