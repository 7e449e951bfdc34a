"""The one mapping of the master's progress sheets: what collection writes, what the summary reads.

- ``PROGRESS_SHEET`` ("TienDo"): one row per (task, agency) the agency workbooks carried, with
  the latest accepted report of that agency for that task;
- ``HISTORY_SHEET`` ("LichSu"): one row per file a collection took in (accepted or superseded),
  appended, never rewritten: its SHA-256 (what makes a second run over the same folder a
  no-op), how many rows and cells it changed, and the history workbook holding those changes;
- a history workbook per run that changed anything (``history_file``), in the folder
  ``<master>_LichSu`` beside the master: one row per changed cell of TienDo (old → new),
  ``CHANGES_COLUMNS``. A worksheet holds 1,048,576 rows; a province of hundreds of agencies
  changes millions of cells in one collection, so the cell-level history cannot live in the
  master;
- ``INTAKE_SHEET`` ("ThuThap"): one row per file of the last collection: accepted or the reason
  it was rejected;
- ``SUMMARY_SHEET`` ("TongHop"): the progress summary.

Their rows are those of every data sheet (``kehoach.sheets.spec``).
"""

from __future__ import annotations

from kehoach.sheets import extract_layout as ex
from kehoach.sheets.spec import (
    FIRST_DATA_ROW,
    HEADER_ROW,
    NOTE_ROW,
    NUMBER,
    TIME_FORMAT,
    TITLE_ROW,
    Column,
    SheetSpec,
)

__all__ = ["FIRST_DATA_ROW", "HEADER_ROW", "NOTE_ROW", "TITLE_ROW"]

PROGRESS_SHEET = "TienDo"
PROGRESS_TITLE = "Tiến độ thực hiện theo báo cáo của các cơ quan"
# Printed: the columns but the folded ones (appendix and criterion, which the task's code names;
# the file's), about 172 units wide: one A4 landscape page at about 83 %, 11 pt text printed at
# 9 pt or more. The agency's inputs are narrower than in its file, and wrap.
_PROGRESS_INPUT_WIDTHS: dict[str, float] = {
    ex.RESULTS_KEY: 20,
    ex.EVIDENCE_KEY: 16,
    ex.EXPLANATION_KEY: 16,
    ex.DIFFICULTIES_KEY: 16,
}
# Which file of which run: TienDo ends with these, LichSu and the history workbook open with them.
_FILE = Column("file", "Tệp báo cáo", 30)
_SHA256 = Column("sha256", "SHA-256 của tệp", 20)
_RECEIVED_AT = Column("received_at", "Thời điểm thu thập", 18, TIME_FORMAT)
_AGENCY = Column("agency", "Mã cơ quan", 14)
PROGRESS_COLUMNS: tuple[Column, ...] = (
    Column("task_id", "Mã nhiệm vụ", 16),
    _AGENCY,
    Column("agency_name", "Tên cơ quan", 22),
    Column("role", "Vai trò", 9),
    Column("appendix", "Phụ lục", 7),
    Column("code", "Mã tiêu chí", 11),
    ex.COLUMN_DUE,
    *(c.sized(_PROGRESS_INPUT_WIDTHS.get(c.key, c.width)) for c in ex.INPUT_COLUMNS),
    _FILE,
    _SHA256,
    _RECEIVED_AT,
)
PROGRESS = SheetSpec(PROGRESS_SHEET, PROGRESS_COLUMNS)

# Folded away on TienDo (outline, collapsed): see PROGRESS_COLUMNS.
PROGRESS_FOLDED_KEYS: tuple[str, ...] = ("appendix", "code", "file", "sha256", "received_at")

EXCEL_MAX_ROWS = 1_048_576  # rows of one worksheet

_RECEIVED_FILE: tuple[Column, ...] = (_RECEIVED_AT, _FILE, _SHA256, _AGENCY)

HISTORY_SHEET = "LichSu"
HISTORY_TITLE = "Sổ các tệp báo cáo đã nhận (chỉ thêm, không sửa)"
HISTORY_COLUMNS: tuple[Column, ...] = (
    *_RECEIVED_FILE,
    ex.COLUMN_REPORT_DATE,
    Column("result", "Kết quả", 14),
    Column("rows", "Số dòng thay đổi", 9, "0"),
    Column("cells", "Số ô thay đổi", 9, "0"),
    Column("details", "Tệp lịch sử chi tiết", 45),
)
HISTORY = SheetSpec(HISTORY_SHEET, HISTORY_COLUMNS)

# The history workbook of one run: <master stem>_LichSu/LichSu_<yyyy-mm-dd_hhmmss>.xlsx.
HISTORY_DIR_SUFFIX = "_LichSu"
CHANGES_SHEET = "LichSu"
CHANGES_TITLE = "Lịch sử thay đổi của lần thu thập {when:%d/%m/%Y %H:%M} (workbook {master})"
CHANGES_NOTE = (
    "Mỗi dòng: một ô của trang TienDo đã đổi (giá trị cũ → mới), với tệp báo cáo và mã SHA-256 "
    "của tệp. Tệp này chỉ được tạo mới, không sửa; trang LichSu của workbook ghi tên tệp này."
)
CHANGES_COLUMNS: tuple[Column, ...] = (
    *_RECEIVED_FILE,
    Column("task_id", "Mã nhiệm vụ", 16),
    Column("field", "Cột", 20),
    Column("old", "Giá trị cũ", 30),
    Column("new", "Giá trị mới", 30),
)
CHANGES = SheetSpec(CHANGES_SHEET, CHANGES_COLUMNS)

INTAKE_SHEET = "ThuThap"
INTAKE_TITLE = "Kết quả thu thập báo cáo (lần gần nhất)"
INTAKE_COLUMNS: tuple[Column, ...] = (
    NUMBER,
    Column("file", "Tệp", 40),
    _AGENCY,
    Column("result", "Kết quả", 12),
    Column("reason", "Lý do / ghi chú", 70),
    _SHA256,
)
INTAKE = SheetSpec(INTAKE_SHEET, INTAKE_COLUMNS)
# The sheets collection writes, in the master's order.
COLLECTED_SHEETS: tuple[str, ...] = (PROGRESS_SHEET, HISTORY_SHEET, INTAKE_SHEET)
# Row 2 of ThuThap: the folder of the last collection (the button's dialog opens there; VBA finds
# it through the defined name, Python through these cells) and a summary of that run.
FOLDER_LABEL_CELL = "A2"
FOLDER_LABEL = "Thư mục:"
FOLDER_CELL = "B2"
FOLDER_NAME = "KH_ThuMucThuThap"
RUN_NOTE_CELL = "D2"
ACCEPTED = "Đã nhận"
REJECTED = "Từ chối"
SUPERSEDED = "Cũ hơn, bỏ qua"
UNCHANGED = "Đã nhận trước đó"

PROGRESS_NOTE = (
    "Mỗi dòng: một nhiệm vụ của một cơ quan, theo báo cáo mới nhất đã nhận (bấm «Thu thập báo "
    "cáo»). Không sửa tay: trang này được ghi lại mỗi lần thu thập; các tệp đã nhận ở trang "
    "LichSu."
)
HISTORY_NOTE = (
    "Mỗi dòng: một tệp đã nhận, với mã SHA-256 (tệp đã nhận thì lần sau bỏ qua). Từng ô đã đổi "
    "(giá trị cũ → mới) nằm trong tệp lịch sử chi tiết ghi ở cột cuối, trong thư mục "
    "<tên workbook>_LichSu bên cạnh workbook. Trang này chỉ được thêm dòng."
)
INTAKE_NOT_RUN = "Chưa thu thập lần nào."

SUMMARY_SHEET = "TongHop"
SUMMARY_TITLE = "Tổng hợp tiến độ thực hiện Kế hoạch"
