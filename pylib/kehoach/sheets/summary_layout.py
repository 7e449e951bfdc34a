"""The sheet "TongHop" (``progress_layout.SUMMARY_SHEET``): its columns, blocks and colour code.

One table with one header row (row 3) and blocks below it, each row labelled in column A:

- row ``TOTAL_ROW``: the whole plan; rows ``APPENDIX_ROWS``: PL1..PL4, fixed (the chart
  "progress by appendix" reads them);
- rows ``CHART_FIRST_ROW``..: the two Excel charts, anchored there at build time;
- row ``AGENCY_HEADER_ROW``: the headers again, then one row per agency from
  ``AGENCY_FIRST_ROW``, sorted with the most overdue first; the chart "status by agency" reads
  the first ``CHART_AGENCIES`` of them, a fixed range (xlwings cannot add or move a chart when
  the button runs, so the ranges never depend on how many agencies there are);
- then, written by the button after the agencies: the agencies that have sent nothing, and
  every appendix → section → criterion.

The button rewrites values only (from ``TOTAL_ROW`` down); widths, formats, conditional
formatting and the charts are laid out once by ``kehoach.summary.sheet.write_summary_sheet``.
"""

from __future__ import annotations

from kehoach.sheets.layout import APPENDIX_SHEETS
from kehoach.sheets.progress_layout import SUMMARY_SHEET, SUMMARY_TITLE
from kehoach.sheets.spec import (
    DATE_FORMAT,
    FIRST_DATA_ROW,
    HEADER_ROW,
    NOTE_ROW,
    PCT_FORMAT,
    TITLE_ROW,
    Column,
    SheetSpec,
)

__all__ = [
    "FIRST_DATA_ROW",
    "HEADER_ROW",
    "NOTE_ROW",
    "SUMMARY_SHEET",
    "SUMMARY_TITLE",
    "TITLE_ROW",
]

# Status of one (task, agency) pair, in the order of the columns and of the charts' series.
DONE_ON_TIME = "done_on_time"
DONE_LATE = "done_late"
IN_PROGRESS = "in_progress"
OVERDUE = "overdue"
NOT_STARTED = "not_started"
NOT_POSSIBLE = "not_possible"
NOT_REPORTED = "not_reported"
STATUS_KEYS: tuple[str, ...] = (
    DONE_ON_TIME,
    DONE_LATE,
    IN_PROGRESS,
    OVERDUE,
    NOT_STARTED,
    NOT_POSSIBLE,
    NOT_REPORTED,
)
STATUS_LABELS: dict[str, str] = {
    DONE_ON_TIME: "Hoàn thành đúng hạn",
    DONE_LATE: "Hoàn thành trễ hạn",
    IN_PROGRESS: "Đang thực hiện, còn hạn",
    OVERDUE: "Quá hạn",
    NOT_STARTED: "Chưa triển khai, còn hạn",
    NOT_POSSIBLE: "Không thực hiện được",
    NOT_REPORTED: "Chưa báo cáo",
}
# The colour code, the same on every sheet: cell fills (conditional formatting, light; white
# with grey text for "not reported") and chart series (the same hue, stronger). The charts leave
# "not reported" out: it would hide the rest; its count stays in its column beside them.
STATUS_FILLS: dict[str, str] = {
    DONE_ON_TIME: "C6EFCE",  # green
    DONE_LATE: "E2EFDA",  # light green
    IN_PROGRESS: "DDEBF7",  # blue
    OVERDUE: "FFC7CE",  # red
    NOT_STARTED: "FCE4D6",  # orange
    NOT_POSSIBLE: "D9D9D9",  # grey
}
NOT_REPORTED_FONT = "808080"  # grey text on white
CHART_STATUS_KEYS: tuple[str, ...] = tuple(k for k in STATUS_KEYS if k != NOT_REPORTED)
STATUS_CHART_COLORS: dict[str, str] = {
    DONE_ON_TIME: "2E7D32",
    DONE_LATE: "9CCC65",
    IN_PROGRESS: "4A90D9",
    OVERDUE: "C00000",
    NOT_STARTED: "F4A460",
    NOT_POSSIBLE: "A5A5A5",
}

# Counts of a row (an agency, a criterion, a section, an appendix, the plan), by key.
COUNT_KEYS: tuple[str, ...] = (
    "lead",
    "coordinating",
    "tasks",
    "reported",
    *STATUS_KEYS,
    "without_evidence",
)
# Printed: "Cấp" to "Ngày báo cáo gần nhất" (PRINTED_COLUMNS), about 172 units wide, one A4
# landscape page at about 83 %: 11 pt text prints at 9 pt or more. The count of refused files
# and the e-mail addresses are for the screen (following up), not the printed summary.
COLUMNS: tuple[Column, ...] = (
    Column("level", "Cấp", 9),
    Column("code", "Mã", 17),  # "UBND-BACHTHONG" on one line
    Column("name", "Tên", 22),
    Column("lead", "Chủ trì", 7, "0"),
    Column("coordinating", "Phối hợp", 7, "0"),
    Column("tasks", "Tổng số lượt giao", 8, "0"),
    Column("reported", "Đã báo cáo", 8, "0"),
    *(Column(k, STATUS_LABELS[k], 9, "0") for k in STATUS_KEYS),
    Column("without_evidence", "Hoàn thành chưa có văn bản chứng minh", 11, "0"),
    Column("pct_done", "Tỷ lệ hoàn thành", 9, PCT_FORMAT),
    Column("last_report", "Ngày báo cáo gần nhất", 11, DATE_FORMAT),
    Column("files_rejected", "Số tệp bị từ chối", 9, "0"),
    Column("emails", "Email", 24),
)
SUMMARY = SheetSpec(SUMMARY_SHEET, COLUMNS)
PRINTED_COLUMNS = SUMMARY.position("last_report")

# Labels of column A.
LEVEL_TOTAL = "Tổng cộng"
LEVEL_APPENDIX = "Phụ lục"
LEVEL_SECTION = "Lĩnh vực"
LEVEL_CRITERION = "Tiêu chí"
LEVEL_AGENCY = "Cơ quan"
LEVEL_NOT_REPORTED = "Chưa gửi"

TOTAL_ROW = FIRST_DATA_ROW
APPENDIX_ROWS: dict[str, int] = {a: TOTAL_ROW + 1 + i for i, a in enumerate(APPENDIX_SHEETS)}
LEGEND_ROW = max(APPENDIX_ROWS.values()) + 2
CHART_FIRST_ROW = LEGEND_ROW + 4
CHART_ROWS = 24  # rows the charts take (20 px each: 480 px, about 12.7 cm)
# Columns of each chart's box: the agencies at the left (long names), the appendices at the
# right; sized from the columns' widths by kehoach.sheets.geometry.
CHART_AGENCY_COLUMNS = (1, 10)
CHART_APPENDIX_COLUMNS = (11, PRINTED_COLUMNS)  # within the printed columns
AGENCY_TITLE_ROW = CHART_FIRST_ROW + CHART_ROWS
AGENCY_HEADER_ROW = AGENCY_TITLE_ROW + 1
AGENCY_FIRST_ROW = AGENCY_HEADER_ROW + 1
CHART_AGENCIES = 15
# Rows laid out (number formats, borders, colours) for the button's blocks, beyond the rows the
# plan and the directory need at build time (agencies added later), so that formatting stops
# near where the data does.
SPARE_ROWS = 20

AGENCY_TITLE = (
    f"THEO CƠ QUAN (xếp cơ quan có nhiều nhiệm vụ quá hạn lên đầu; biểu đồ: {CHART_AGENCIES} "
    "cơ quan đầu bảng)"
)
NOT_REPORTED_TITLE = "CƠ QUAN CHƯA GỬI BÁO CÁO (chưa có tệp nào được nhận)"
HIERARCHY_TITLE = (
    "THEO PHỤ LỤC, LĨNH VỰC, TIÊU CHÍ (đếm từng lượt giao: một nhiệm vụ × một cơ quan)"
)
NOT_RUN_NOTE = "Chưa tổng hợp: bấm nút «Tổng hợp tiến độ» trên tab «Kế hoạch CCHC»."
CHART_AGENCY_TITLE = (
    f"Tình trạng lượt giao, {CHART_AGENCIES} cơ quan đầu bảng (số lượt; không vẽ «Chưa báo cáo»)"
)
CHART_APPENDIX_TITLE = "Tình trạng lượt giao theo phụ lục (% số lượt; không tính «Chưa báo cáo»)"
# The legend: one line a row from LEGEND_ROW, each running over the empty cells to its right
# (the button rewrites these rows with their values, so they are not merged).
LEGEND_LINES: tuple[str, ...] = (
    "Chú giải. Mỗi số đếm lượt giao (một nhiệm vụ × một cơ quan). «Đã báo cáo»: số lượt có tình "
    "trạng được tính đến ngày tổng hợp; nhiệm vụ thường xuyên chỉ tính báo cáo có ngày trong "
    "quý hiện tại,",
    "nên cơ quan đã điền mọi dòng vẫn có thể có số nhỏ hơn «Tổng số lượt giao». Màu ô tình "
    "trạng (khi số lớn hơn 0), màu tiêu đề cột và màu biểu đồ: xanh lá hoàn thành đúng hạn, "
    "xanh lá nhạt hoàn thành trễ hạn,",
    "xanh dương đang thực hiện, đỏ quá hạn, cam chưa triển khai, xám không thực hiện được; "
    "«Chưa báo cáo» chữ xám, không vẽ trong biểu đồ (số của nó ở cột bên cạnh). Thanh xanh: "
    "tỷ lệ hoàn thành.",
)
ALERT_TITLE = "Tổng hợp tiến độ"
