"""The one mapping of an agency workbook ("tệp gửi cơ quan"): sheets, columns, headers, lists.

An agency workbook (``kehoach.extracts``) holds the tasks one agency leads or coordinates,
read-only, and the columns the agency fills in. The builder, the signature
(``kehoach.signing``) and the later collection step take sheet names, column keys and
Vietnamese headers from here only.

Columns: ``TASK_COLUMNS`` are the task's data, locked and covered by the signature;
``INPUT_COLUMNS`` are what the agency types (unlocked, light yellow, validated); ``CHECK_COLUMN``
is a locked formula warning about a completed task without evidence.
"""

from __future__ import annotations

from kehoach.layout import Column

TASKS_SHEET = "Nhiệm vụ"
GUIDE_SHEET = "Hướng dẫn"
META_SHEET = "_meta"  # veryHidden: plan, agency, task ids, signature (kehoach.signing)

TITLE_ROW = 1
SUBTITLE_ROW = 2
HEADER_ROW = 3
FIRST_DATA_ROW = 4

DATE_FORMAT = "dd/mm/yyyy"

# The task's data as the master holds it: locked, signed row by row.
TASK_COLUMNS: tuple[Column, ...] = (
    Column("number", "STT", 5, "0"),
    Column("task_id", "Mã nhiệm vụ", 13),
    Column("role", "Vai trò", 9),
    Column("appendix", "Phụ lục", 6),
    Column("code", "Mã tiêu chí", 10),
    Column("criterion", "Tên tiêu chí", 24),
    Column("max", "Điểm (tỷ lệ) tối đa", 7),
    Column("score_2022", "Kết quả năm 2022", 7),
    Column("target", "Mục tiêu năm 2023", 12),
    Column("task", "Nhiệm vụ, giải pháp", 40),
    Column("others", "Cơ quan khác cùng thực hiện", 22),
    Column("via", "Được giao qua", 14),
    Column("timeline", "Thời gian thực hiện (như Kế hoạch)", 14),
    Column("due", "Hạn hoàn thành", 11, DATE_FORMAT),
)

# What the agency fills in.
STATUS_KEY = "status"
PERCENT_KEY = "percent"
RESULTS_KEY = "results"
EVIDENCE_KEY = "evidence"
EXPLANATION_KEY = "explanation"
DIFFICULTIES_KEY = "difficulties"
REPORT_DATE_KEY = "report_date"
INPUT_COLUMNS: tuple[Column, ...] = (
    Column(STATUS_KEY, "Tình trạng", 13),
    Column(PERCENT_KEY, "% hoàn thành (0–100)", 8, "0"),
    Column(RESULTS_KEY, "Kết quả thực hiện", 28),
    Column(EVIDENCE_KEY, "Văn bản chứng minh (số, ngày văn bản)", 20),
    Column(EXPLANATION_KEY, "Giải trình (khi hoàn thành mà chưa có văn bản)", 20),
    Column(DIFFICULTIES_KEY, "Khó khăn, vướng mắc, đề xuất", 22),
    Column(REPORT_DATE_KEY, "Ngày báo cáo", 11, DATE_FORMAT),
)
CHECK_COLUMN = Column("check", "Lưu ý (tự kiểm tra)", 18)
COLUMNS: tuple[Column, ...] = (*TASK_COLUMNS, *INPUT_COLUMNS, CHECK_COLUMN)

# Values of the status column, in the order of the drop-down list.
STATUS_NOT_STARTED = "Chưa triển khai"
STATUS_IN_PROGRESS = "Đang thực hiện"
STATUS_DONE = "Hoàn thành"
STATUS_CANNOT = "Không thực hiện được"
STATUSES: tuple[str, ...] = (STATUS_NOT_STARTED, STATUS_IN_PROGRESS, STATUS_DONE, STATUS_CANNOT)

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
FORMAT_VERSION = "1"

DIRECT = "trực tiếp"  # the "Được giao qua" of an agency named by the plan itself
COMMUNE_NOTE = "cấp xã trên địa bàn"  # a commune task reaching a district's committee

# --- in the master workbook ----------------------------------------------------------------
# The signing key: a veryHidden sheet of the master, created by the first extract run and
# carried over by `kehoach build` (kehoach.signing). Never copied into an agency workbook.
KEY_SHEET = "_khoa"
KEY_NOTE = (
    "Khóa ký các tệp gửi cơ quan (Kế hoạch CCHC). Không sửa, không xóa, không gửi ra ngoài: "
    "mất khóa thì không xác minh được các tệp cơ quan gửi lại."
)
KEY_LABEL = "key"
KEY_ID_LABEL = "key_id"

# What the last run generated: one row per file (kehoach.manifest).
MANIFEST_SHEET = "Tệp gửi cơ quan"
MANIFEST_TITLE = "Các tệp gửi cơ quan (lần tạo gần nhất)"
MANIFEST_COLUMNS: tuple[Column, ...] = (
    Column("number", "STT", 6, "0"),
    Column("agency", "Mã cơ quan", 18),
    Column("agency_name", "Tên cơ quan", 36),
    Column("file", "Tệp", 34),
    Column("lead_tasks", "Số nhiệm vụ chủ trì", 11, "#,##0"),
    Column("coordinating_tasks", "Số nhiệm vụ phối hợp", 11, "#,##0"),
    Column("sha256", "SHA-256 của tệp", 66),
)
MANIFEST_FILE = "manifest.json"
# The button's folder, beside the master workbook.
DEFAULT_FOLDER = "GuiCoQuan"
