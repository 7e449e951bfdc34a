"""The one mapping between the master workbook's Vietnamese sheets/headers and the model.

Everything that writes or reads the master workbook (builder, reader, the xlwings
entry points, later the gaps and checks) takes sheet names, header rows and
column letters from here, never from literals of its own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from openpyxl.utils import get_column_letter

from kehoach.common.celltext import cell_text
from kehoach.common.planyears import PlanYears, matches, years_in
from kehoach.sheets.spec import (
    DATE_FORMAT,
    FIRST_DATA_ROW,
    HEADER_ROW,
    NUMBER,
    PCT_FORMAT,
    TITLE_ROW,
    Column,
    SheetSpec,
    column_index,
    column_letter,
    decimals,
    header_mismatch,
    printed_columns,
)
from kehoach.sheets.spec import NOTE_ROW as SUBTITLE_ROW

# What the sheets' users have always taken from here (declared in kehoach.sheets.spec).
__all__ = [
    "FIRST_DATA_ROW",
    "HEADER_ROW",
    "SUBTITLE_ROW",
    "TITLE_ROW",
    "Column",
    "SheetSpec",
    "column_index",
    "column_letter",
    "decimals",
    "printed_columns",
]

COVER_SHEET = "Giới thiệu"
TASKS_SHEET = "Nhiệm vụ"

APPENDIX_SHEETS: dict[str, str] = {"PL1": "PL1", "PL2": "PL2", "PL3": "PL3", "PL4": "PL4"}


def _appendix_columns(
    max_h: str, s22_h: str, target_h: str, fmt: str, gaps: Sequence[Column] = ()
) -> tuple[Column, ...]:
    # Widths: the printed table (A–L) is about 172 units wide, one A4 landscape page at about
    # 83 %: 11 pt text prints at 9 pt or more (the texts wrap; rows grow).
    return (
        Column("id", "Mã định danh", 17),
        Column("tt", "TT", 6),
        Column("code", "Mã tiêu chí", 10),
        Column("name", "Lĩnh vực/Tiêu chí/Tiêu chí thành phần", 25),
        Column("max", max_h, 8, fmt),
        Column("score_base", s22_h, 8, fmt),
        Column("target", target_h, 12, fmt),
        Column("survey", "Điều tra XHH", 7),
        Column("task", "Nhiệm vụ, giải pháp", 36),
        Column("lead", "Cơ quan chủ trì thực hiện", 16),
        Column("coordinating", "Cơ quan phối hợp thực hiện", 16),
        Column("timeline", "Thời gian thực hiện", 11),
        # The gap columns (kehoach.gaps.compute, kehoach.gaps.sheet): the target-year result
        # officials type in and formulas over the plan's figures. Not printed: the plan's table
        # already takes ~270 character widths fitted onto A4 landscape; seven more columns would
        # shrink its
        # text by another quarter. The sheet "Chênh lệch" prints the gap figures on its own.
        *gaps,
        # Beyond the plan's own table: what the reader needs to rebuild the model.
        Column("kind", "Loại dòng", 11, printed=False),
        Column("inherited", "Lấy từ ô gộp phía trên", 14, printed=False),
        Column("variants", "Giá trị khác ở dòng lặp lại", 26, printed=False),
        Column("line", "Dòng trong văn bản", 9, "0", printed=False),
    )


# --- gap columns ---------------------------------------------------------------------------
# Keys: lost_base (max − base), pct_base (base / max), gap_target (target − base),
# result_target (typed by officials), achieved (Đạt / Chưa đạt / no numeric target),
# shortfall (max(0, target − result)), change_base (result − base). See kehoach.gaps.compute.
RESULT_KEY = "result_target"
GAP_KEYS: tuple[str, ...] = (
    "lost_base",
    "pct_base",
    "gap_target",
    RESULT_KEY,
    "achieved",
    "shortfall",
    "change_base",
)


def _gap_columns(fmt: str, headers: Mapping[str, str]) -> tuple[Column, ...]:
    widths = {"achieved": 11.0, "pct_base": 10.0}
    return tuple(
        Column(
            key,
            headers[key],
            widths.get(key, 12.0),
            PCT_FORMAT if key == "pct_base" else ("General" if key == "achieved" else fmt),
            printed=False,
        )
        for key in GAP_KEYS
        if key in headers
    )


_RESULT_HEADERS = {
    RESULT_KEY: "Kết quả năm {target}",
    "achieved": "Đạt mục tiêu {target}?",
    "shortfall": "Còn thiếu so với mục tiêu ({target})",
    "change_base": "Thay đổi so với {base}",
}
_PAR_HEADERS = {
    "lost_base": "Điểm bị mất năm {base}",
    "pct_base": "% điểm tối đa năm {base}",
    "gap_target": "Còn thiếu so với mục tiêu",
}
GAP_HEADERS: dict[str, dict[str, str]] = {
    # PL1 holds the criteria at full marks in the base year: base = max = target, nothing was lost.
    "PL1": dict(_RESULT_HEADERS),
    "PL2": {**_PAR_HEADERS, **_RESULT_HEADERS},
    "PL3": {
        "lost_base": "Còn thiếu so với tối đa năm {base} (%)",
        "gap_target": "Mục tiêu − {base} (%)",
        **_RESULT_HEADERS,
        RESULT_KEY: "Kết quả năm {target} (%)",
    },
    "PL4": {**_PAR_HEADERS, "gap_target": "Mục tiêu − {base}", **_RESULT_HEADERS},
}

# Per appendix: the headers of its max, base-year and target columns, and its number format.
_APPENDIX_FIGURES: dict[str, tuple[str, str, str, str]] = {
    "PL1": ("Điểm tối đa", "Điểm đạt được năm {base}", "Mục tiêu năm {target}", "0.00"),
    "PL2": ("Điểm tối đa", "Điểm đạt được năm {base}", "Mục tiêu năm {target}", "0.0000"),
    "PL3": ("Tỷ lệ tối đa (%)", "Kết quả năm {base} (%)", "Mục tiêu năm {target} (%)", "0.00"),
    "PL4": ("Điểm tối đa", "Điểm đạt được năm {base}", "Mục tiêu năm {target}", "0.00"),
}
APPENDICES: dict[str, SheetSpec] = {
    a: SheetSpec(
        APPENDIX_SHEETS[a],
        _appendix_columns(max_h, base_h, target_h, fmt, _gap_columns(fmt, GAP_HEADERS[a])),
    )
    for a, (max_h, base_h, target_h, fmt) in _APPENDIX_FIGURES.items()
}
APPENDIX_COLUMNS: dict[str, tuple[Column, ...]] = {a: s.columns for a, s in APPENDICES.items()}

# How a section/group/total row aggregates its children: PAR INDEX and PAPI add up
# points, SIPAS averages percentages (the plan's section = mean of its criteria, its
# total = mean of the sections).
AGGREGATION: dict[str, str] = {"PL1": "sum", "PL2": "sum", "PL3": "mean", "PL4": "sum"}
# Appendices whose section and total rows carry their own max/base/target in the plan; their
# gap figures come from those. Elsewhere (PL1/PL2 sections, PL3 groups) they aggregate the
# children's.
OWN_FIGURE_APPENDICES: tuple[str, ...] = ("PL3", "PL4")
# Appendices where "Điều tra XHH" splits the points lost: PAR INDEX. SIPAS and PAPI are
# surveys of citizens as a whole and the plan marks none of their criteria.
SURVEY_SPLIT_APPENDICES: tuple[str, ...] = ("PL1", "PL2")
ACHIEVED = "Đạt"
NOT_ACHIEVED = "Chưa đạt"
NO_TARGET = "Không có mục tiêu số"
INPUT_FILL = "FFF2CC"  # light yellow: a cell for officials to type into
# Columns of an appendix sheet folded away (outline, collapsed): the gap figures "Chênh lệch"
# shows, and what the reader needs to rebuild the model. "Kết quả năm {target}" (typed in) and
# "Đạt mục tiêu {target}?" stay beside the plan's table.
FOLDED_APPENDIX_KEYS: tuple[str, ...] = (
    "lost_base",
    "pct_base",
    "gap_target",
    "shortfall",
    "change_base",
    "kind",
    "inherited",
    "variants",
    "line",
)

# The summary sheet: appendix totals as formulas (rows SUMMARY_FIRST_ROW..), points lost per
# PAR INDEX field (PL2), charts at the right; from GAPS_BLOCK_ROW down, what the button
# "Tính chênh lệch" writes (cleared and rewritten on each click).
GAPS_SHEET = "Chênh lệch"
GAPS_TITLE = "Chênh lệch so với điểm tối đa và mục tiêu năm {target}"
SUMMARY_HEADER_ROW = 4
# About 172 units wide: one A4 landscape page at about 83 %, 11 pt text printed at 9 pt or more.
SUMMARY_COLUMNS: tuple[Column, ...] = (
    Column("appendix", "Phụ lục", 7),
    Column("index", "Chỉ số", 26),
    Column("criteria", "Số tiêu chí", 10, "0"),
    Column("max", "Điểm tối đa", 9, "0.00"),
    Column("score_base", "Năm {base}", 9, "0.00"),
    Column("target", "Mục tiêu năm {target}", 10, "0.00"),
    Column("lost_base", "Bị mất năm {base}", 9, "0.00"),
    Column("lost_base_survey", "trong đó: tiêu chí điều tra XHH", 11, "0.00"),
    Column("lost_base_other", "trong đó: tiêu chí khác (tỉnh tự khắc phục được)", 14, "0.00"),
    Column("pct_base", "% tối đa năm {base}", 11, PCT_FORMAT),
    Column("pct_target", "% tối đa của mục tiêu", 9, PCT_FORMAT),
    Column("results", "Số tiêu chí đã nhập kết quả {target}", 11, "0"),
    Column("achieved", "Số tiêu chí đạt", 9, "0"),
    Column("not_achieved", "Số tiêu chí chưa đạt", 9, "0"),
    Column("result_target", "Kết quả năm {target}", 9, "0.00"),
    Column("change_base", "Thay đổi so với {base}", 9, "0.00"),
)
GAPS_SUMMARY = SheetSpec(
    GAPS_SHEET,
    SUMMARY_COLUMNS,
    header_row=SUMMARY_HEADER_ROW,
    first_data_row=SUMMARY_HEADER_ROW + 1,
)
INDEX_NAMES: dict[str, str] = {
    "PL1": "PAR INDEX (giữ điểm tối đa)",
    "PL2": "PAR INDEX (chưa đạt tối đa)",
    "PL3": "SIPAS (%)",
    "PL4": "PAPI",
}
FIELDS_APPENDIX = "PL2"  # the per-field table and chart of points lost
FIELD_COLUMNS: tuple[Column, ...] = (
    Column("tt", "TT", 8),
    Column("name", "Lĩnh vực (PL2)", 14),
    Column("max", "Điểm tối đa", 9, "0.00"),
    Column("score_base", "Năm {base}", 10, "0.00"),
    Column("lost_base_survey", "Bị mất: điều tra XHH", 10, "0.00"),
    Column("lost_base_other", "Bị mất: tiêu chí khác", 10, "0.00"),
    Column("lost_base", "Bị mất năm {base}", 10, "0.00"),
)
GAPS_BLOCK_ROW = 48
GAPS_TOP_N = 10

# Widths: the visible columns print on A4 landscape at about 60%; rows stay a few lines tall.
TASK_COLUMNS: tuple[Column, ...] = (
    Column("id", "Mã nhiệm vụ", 16),
    Column("appendix", "Phụ lục", 8),
    Column("criterion_id", "Mã định danh tiêu chí", 20),
    Column("code", "Mã tiêu chí", 10),
    Column("criterion", "Tiêu chí", 18),
    Column("text", "Nhiệm vụ, giải pháp", 36),
    Column("lead", "Cơ quan chủ trì (như văn bản)", 17),
    Column("coordinating", "Cơ quan phối hợp (như văn bản)", 17),
    # The agencies the resolver found in the two columns before (kehoach.agencies.resolve: codes of
    # the "Danh bạ cơ quan" sheet), written at build time and by resolution_edits. A group
    # lists all its members' codes (a filter on a code finds every task of that agency): the
    # cells do not wrap, so a row stays as tall as its texts; the whole list is in the cell.
    Column("lead_resolved", "Cơ quan chủ trì (đã xác định)", 13),
    Column("coordinating_resolved", "Cơ quan phối hợp (đã xác định)", 13),
    Column("timeline", "Thời gian thực hiện", 12),
    # The timeline as read by kehoach.plan.timelines, written at build time (the reader ignores
    # them; they do not follow later edits of "Thời gian thực hiện": NV-THOI-HAN reads that).
    Column("timeline_kind", "Loại thời hạn", 9),
    Column("due", "Hạn", 11, DATE_FORMAT),
    Column("inherited", "Lấy từ ô gộp phía trên", 16),
    Column("misplaced", "Giá trị nằm sai cột", 14),
    Column("line", "Dòng trong văn bản", 9),
)
TASKS = SheetSpec(TASKS_SHEET, TASK_COLUMNS)
# Columns of the tasks sheet folded away (outline, collapsed): the appendix and the
# criterion's identifier (the task's code names both, the criterion's code is beside) and the
# reader's own columns. The printed table (A–M) is then about 172 units wide: one A4
# landscape page at about 83 %, 11 pt text printed at 9 pt or more.
FOLDED_TASK_KEYS: tuple[str, ...] = ("appendix", "criterion_id", "inherited", "misplaced", "line")
# Columns of the tasks sheet whose cells do not wrap (one line shown, all in the cell).
UNWRAPPED_TASK_KEYS: tuple[str, ...] = ("lead_resolved", "coordinating_resolved")

# The agency directory (kehoach.agencies.directory), maintained by the officials: one row per
# agency,
# group of agencies or phrase that names no agency; built from templates/co-quan.tsv, their
# edits kept on rebuild. The counts are written at build time and by resolution_edits.
DIRECTORY_SHEET = "Danh bạ cơ quan"
AGENCIES_SHEET = DIRECTORY_SHEET  # the agencies sheet is the directory
DIRECTORY_TITLE = "Danh bạ cơ quan: cơ quan, nhóm cơ quan và cách Kế hoạch ghi tên"
DIRECTORY_HINT = (
    "Sửa được: Email, Người liên hệ, Tên khác, Thành viên, Ghi chú; thêm dòng cho cơ quan mới. "
    "Tên khác, thành viên, email cách nhau bằng «;». Thành viên của nhóm: mã cơ quan, mã nhóm, "
    "hoặc kind:department (mọi sở, ban, ngành), kind:district (mọi UBND cấp huyện), …; "
    "để trống = cần quyết định. Khi tạo lại workbook, những gì đã sửa ở đây được giữ."
)
DIRECTORY_COLUMNS: tuple[Column, ...] = (
    Column("code", "Mã (tên tệp)", 14),
    Column("name", "Tên cơ quan", 28),
    Column("kind", "Loại", 14),
    Column("emails", "Email", 22),
    Column("contact", "Người liên hệ", 14),
    Column("aliases", "Tên khác trong văn bản", 22),
    Column("members", "Thành viên (nhóm)", 16),
    Column("commune", "Cấp xã (qua UBND cấp huyện)", 9),
    Column("note", "Ghi chú", 15),
    Column("lead_tasks", "Số nhiệm vụ chủ trì", 9, "0"),
    Column("coordinating_tasks", "Số nhiệm vụ phối hợp", 9, "0"),
)
DIRECTORY = SheetSpec(DIRECTORY_SHEET, DIRECTORY_COLUMNS)
# The directory's columns wrap their text: the printed table (about 172 units) fits one A4
# landscape page at about 83 %, 11 pt text printed at 9 pt or more.
# The directory as last built from the seed, hidden: a rebuild tells the officials' edits
# (cells that differ from it) from the seed's own values
# (kehoach.agencies.directory.merge_directory).
DIRECTORY_BASE_SHEET = "DanhBaGoc"
# What the resolver could not turn into agencies, for a person: fragments that name nothing
# in the directory, and groups whose members nobody has decided yet.
UNRESOLVED_SHEET = "Cơ quan chưa xác định"
UNRESOLVED_TITLE = "Tên cơ quan trong nhiệm vụ chưa xác định được cơ quan nào"
UNRESOLVED_HINT = (
    "Chưa xác định: thêm cách viết này vào cột «Tên khác trong văn bản» của cơ quan ở trang "
    "«Danh bạ cơ quan» (hoặc thêm dòng). Cần quyết định: điền cột «Thành viên» của nhóm."
)
UNRESOLVED_COLUMNS: tuple[Column, ...] = (
    NUMBER,
    Column("status", "Tình trạng", 16),
    Column("task", "Mã nhiệm vụ", 20),
    Column("code", "Mã tiêu chí", 12),
    Column("role", "Vai trò", 10),
    Column("fragment", "Tên như văn bản", 40),
    Column("entry", "Mã nhóm trong danh bạ", 18),
    Column("cell", "Ô (bấm để tới ô)", 18),
)
UNRESOLVED = SheetSpec(UNRESOLVED_SHEET, UNRESOLVED_COLUMNS)
UNRESOLVED_STATUS: dict[str, str] = {
    "unresolved": "Chưa xác định",
    "undecided": "Cần quyết định",
}

# The consistency checker's rules, editable by the officials (built from templates/quy-tac.tsv).
RULES_SHEET = "Quy tắc"
RULES_TITLE = "Quy tắc kiểm tra dữ liệu (sửa được: Áp dụng, Mức độ, Tham số)"
RULE_COLUMNS: tuple[Column, ...] = (
    Column("rule", "Mã quy tắc", 18),
    Column("description", "Nội dung quy tắc", 70),
    Column("enabled", "Áp dụng", 9),
    Column("severity", "Mức độ", 11),
    Column("params", "Tham số", 40),
)
RULES = SheetSpec(RULES_SHEET, RULE_COLUMNS)
RULE_ENABLED: dict[str, bool] = {"Có": True, "Không": False}
# Workbook-level name (hidden) holding the codes of the rules the build offered, comma-separated:
# a rule offered and no longer on the sheet was deleted by the officials, and a rebuild leaves
# it out (kehoach.workbook.carryover.deleted_rules); a rule not offered before is new and comes in.
RULES_OFFERED_NAME = "KH_QuyTacMau"

# The checker's report ("Kiểm tra dữ liệu"): title, summary, headers, one row per finding.
CHECK_SHEET = "KiemTra"
CHECK_TITLE = "Kết quả kiểm tra dữ liệu"
CHECK_NOT_RUN = "Chưa kiểm tra: bấm nút «Kiểm tra dữ liệu» trên tab «Kế hoạch CCHC»."
CHECK_SUMMARY_ROW = 2
CHECK_COLUMNS: tuple[Column, ...] = (
    NUMBER,
    Column("severity", "Mức độ", 11),
    Column("rule", "Quy tắc", 18),
    Column("appendix", "Phụ lục", 9),
    Column("code", "Mã tiêu chí", 12),
    Column("cell", "Ô (bấm để tới ô)", 20),
    Column("message", "Nội dung", 60),
    # What the rule checks: its "Nội dung quy tắc" on the sheet "Quy tắc", so that a code like
    # NV-O-GOP means something to the reader.
    Column("rule_text", "Quy tắc kiểm tra gì", 36),
)
CHECK = SheetSpec(CHECK_SHEET, CHECK_COLUMNS)
# Columns of the check report that wrap their text.
CHECK_WRAPPED: tuple[str, ...] = ("message", "rule_text")
# Severity keys of a finding (JSON, code) and their Vietnamese labels (sheets, messages).
SEVERITY_LABELS: dict[str, str] = {"error": "lỗi", "warning": "cảnh báo", "info": "thông tin"}
LABEL_SEVERITIES: dict[str, str] = {v: k for k, v in SEVERITY_LABELS.items()}
# Fill of a plan-sheet cell that a finding points at; "info" findings are not highlighted.
SEVERITY_FILL_COLORS: dict[str, str] = {"error": "FFC7CE", "warning": "FFEB9C"}
# Fill of the "Mức độ" cell of the check report, for every severity.
SEVERITY_LABEL_COLORS: dict[str, str] = {**SEVERITY_FILL_COLORS, "info": "DDEBF7"}

# Field names stored in the "inherited"/"misplaced" columns, shown in Vietnamese.
FIELD_LABELS: dict[str, str] = {
    "text": "nhiệm vụ",
    "lead": "chủ trì",
    "coordinating": "phối hợp",
    "timeline": "thời gian",
    "target_text": "mục tiêu",
    "name": "tên tiêu chí",
    "max": "điểm tối đa",
    "score_base": "điểm đạt được",
    "target": "mục tiêu",
}
LABEL_FIELDS: dict[str, str] = {v: k for k, v in FIELD_LABELS.items() if k != "target"}

SURVEY_MARK = "x"

# Values of the "kind" column of an appendix sheet: what each row holds, so that
# the reader never has to guess a group row from a section row.
ROW_KINDS: dict[str, str] = {
    "total": "Tổng",
    "group": "Nhóm tiêu chí",
    "section": "Lĩnh vực",
    "criterion": "Tiêu chí",
    "task": "Nhiệm vụ",
}
KIND_ROWS: dict[str, str] = {v: k for k, v in ROW_KINDS.items()}


def bad_kind_text(columns: Sequence[Column], row: int, values: Mapping[str, Any]) -> str:
    """Why the row kind of an appendix row (``values``: column key → value) is not one of
    ``ROW_KINDS``. A blank kind beside other text is most often something typed below or
    beside the table (a note, a stray cell far down): the message names that cell."""
    allowed = ", ".join(f"«{k}»" for k in ROW_KINDS.values())
    text = cell_text(values.get("kind"))
    if text.strip():
        return f"Loại dòng «{text}» không hợp lệ (phải là một trong {allowed})."
    keys = [c.key for c in columns]
    typed = [k for k in keys if k != "kind" and str(values.get(k) or "").strip()]
    where = f" (ô {column_letter(columns, typed[0])}{row})" if typed else ""
    return (
        f"Dòng {row} có nội dung{where} nhưng để trống loại dòng (phải là một trong {allowed}): "
        "nếu là ghi chú hay ô gõ nhầm dưới bảng kế hoạch, hãy xóa hoặc chuyển sang trang khác; "
        "nếu là một dòng của kế hoạch, hãy chọn loại dòng."
    )


# Base fill ("RRGGBB") of every cell of an appendix row, by row kind; other kinds have none.
# The builder paints with it and the checker restores it when a highlight is removed.
ROW_FILL_COLORS: dict[str, str] = {"total": "FCE4D6", "group": "BDD7EE", "section": "DDEBF7"}
# Row 2 of an appendix sheet, right of the subtitle: what its colours and marks mean, one
# sample cell per colour above the column it concerns: (column key, text, fill, font kind).
APPENDIX_LEGEND: tuple[tuple[str, str, str | None, str], ...] = (
    ("target", "Chú thích: dòng tổng", ROW_FILL_COLORS["total"], "bold"),
    ("task", "Chữ nghiêng xám: giá trị lấy từ ô gộp phía trên, không ghi ở dòng này", None, "grey"),
    ("lead", "Nhóm tiêu chí", ROW_FILL_COLORS["group"], "bold"),
    ("coordinating", "Lĩnh vực", ROW_FILL_COLORS["section"], "bold"),
    ("timeline", "Đỏ: lỗi; vàng: cảnh báo", "FFC7CE", ""),
    (RESULT_KEY, "Ô nhập kết quả", INPUT_FILL, ""),
)
TOTAL_LABEL = "Tổng"
# Appendices whose table opens with a totals row (others get one only if they have totals).
TOTAL_ROW_APPENDICES: tuple[str, ...] = ("PL3", "PL4")

# Labels of Variant.field in the "variants" column; unlike FIELD_LABELS each is distinct,
# because a variant of "target" (a number) and of "target_text" must read back apart.
VARIANT_LABELS: dict[str, str] = {
    "name": FIELD_LABELS["name"],
    "max": FIELD_LABELS["max"],
    "score_base": FIELD_LABELS["score_base"],
    "target": "mục tiêu (số)",
    "target_text": FIELD_LABELS["target_text"],
}
VARIANT_FIELDS: dict[str, str] = {v: k for k, v in VARIANT_LABELS.items()}
# Masters built before the labels were free of years wrote the base-year figure as "năm <year>".
_OLD_SCORE_LABEL = "năm {base}"


def variant_field(label: str) -> str | None:
    """The Variant.field a label of the "variants" column stands for, None when unknown."""
    label = label.strip()
    if label in VARIANT_FIELDS:
        return VARIANT_FIELDS[label]
    return "score_base" if matches(label, _OLD_SCORE_LABEL) else None


# Row 1 titles of the sheets that are not in the plan text; row 2 of every data sheet.
TASKS_TITLE = "Danh sách nhiệm vụ, giải pháp của Kế hoạch"
SUBTITLE = "(Kèm theo Kế hoạch số {number} ngày {date} của {issuer})"

# Workbook-level defined names pointing at the cover's cells that hold the plan header;
# the reader finds the header through them, wherever the cover's text puts those cells.
PLAN_NAMES: dict[str, str] = {
    "number": "KH_SoKeHoach",
    "date": "KH_NgayBanHanh",
    "issuer": "KH_CoQuanBanHanh",
    "title": "KH_TenKeHoach",
}
# What each of those cells holds, as a message names it.
PLAN_NAME_LABELS: dict[str, str] = {
    "number": "số hiệu",
    "date": "ngày ban hành",
    "issuer": "cơ quan ban hành",
    "title": "tên",
}


def missing_plan_name(key: str) -> str:
    """The message for a missing or broken name of ``PLAN_NAMES[key]``, in Vietnamese."""
    return (
        f"Thiếu tên '{PLAN_NAMES[key]}' chỉ tới ô {PLAN_NAME_LABELS[key]} của kế hoạch trên "
        f"trang '{COVER_SHEET}' (Formulas → Name Manager), hoặc tạo lại workbook bằng lệnh "
        "«kehoach build»."
    )


PLAN_SHEETS: tuple[SheetSpec, ...] = (*APPENDICES.values(), TASKS, DIRECTORY, RULES)


def expected_sheets() -> dict[str, tuple[Column, ...]]:
    """Every sheet that holds plan data, with the header row it must have."""
    return {spec.name: spec.columns for spec in PLAN_SHEETS}


def sheet_problems(header_rows: Mapping[str, Sequence[Any] | None]) -> list[str]:
    """Vietnamese descriptions of what is wrong with the plan sheets.

    ``header_rows`` maps each sheet name present in the workbook to the values of
    its header row (row ``HEADER_ROW``), or ``None`` when not read. An empty list
    means every plan sheet is present with its headers in place.
    """
    problems: list[str] = []
    for sheet, columns in expected_sheets().items():
        if sheet not in header_rows:
            problems.append(f"Thiếu trang tính '{sheet}'.")
            continue
        mismatch = header_mismatch(columns, list(header_rows[sheet] or []))
        if mismatch is not None:
            index, found = mismatch
            cell = f"{get_column_letter(index)}{HEADER_ROW}"
            shown = found if found is not None else ""
            problems.append(
                f"Trang tính '{sheet}', ô {cell}: tiêu đề cột phải là "
                f"«{columns[index - 1].text(None)}», đang là «{shown}»."
            )
    return problems


def sheet_years(header_rows: Mapping[str, Sequence[Any] | None]) -> PlanYears | None:
    """The plan's years as the appendix sheets' headers show them ("Điểm đạt được năm …",
    "Mục tiêu năm …"); None when no header shows them or two headers disagree (the master's
    headers are written for one plan, so that is a damaged workbook: ``sheet_problems``)."""
    seen: dict[str, set[int]] = {"base": set(), "target": set()}
    for appendix_id, columns in APPENDIX_COLUMNS.items():
        row = list(header_rows.get(APPENDIX_SHEETS[appendix_id]) or [])
        for i, col in enumerate(columns):
            if i < len(row) and row[i] is not None:
                for name, year in years_in(str(row[i]).strip(), col.header).items():
                    seen[name].add(year)
    if len(seen["base"]) != 1 or len(seen["target"]) != 1:
        return None
    return PlanYears(seen["base"].pop(), seen["target"].pop())
