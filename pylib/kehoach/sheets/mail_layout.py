"""The one mapping of the master's e-mail sheets: settings ("Cài đặt") and send log ("NhatKyGui").

- ``SETTINGS_SHEET``: one setting a row (label, value, note) from row 4; the officials edit column
  B. The SMTP password is never a setting: it is asked for, or read from the OS keyring or the
  environment variable ``PASSWORD_ENV``.
- ``LOG_SHEET``: one row per message (or agency that could not get one) of every run, appended,
  never rewritten: what went where, the file and its SHA-256, when and with what result.

Their rows are those of every data sheet (``kehoach.sheets.spec``).
"""

from __future__ import annotations

from dataclasses import dataclass

from kehoach.sheets.spec import (
    FIRST_DATA_ROW,
    HEADER_ROW,
    NOTE_ROW,
    TIME_FORMAT,
    TITLE_ROW,
    Column,
    SheetSpec,
)

__all__ = ["FIRST_DATA_ROW", "HEADER_ROW", "NOTE_ROW", "TITLE_ROW"]

PASSWORD_ENV = "KEHOACH_SMTP_PASSWORD"
KEYRING_SERVICE = "kehoach-smtp"  # keyring.get_password(KEYRING_SERVICE, user)
DRAFT_FOLDER = "ThuGui"  # the button's drafts, beside the workbook


@dataclass(frozen=True)
class Setting:
    key: str
    label: str  # column A of the settings sheet: how a row is found
    default: str | int
    note: str


SETTINGS_SHEET = "Cài đặt"
SETTINGS_TITLE = "Cài đặt gửi email cho các cơ quan và báo cáo kết quả"
SETTINGS_NOTE = (
    "Sửa cột «Giá trị». Mật khẩu email không bao giờ ghi ở đây: chương trình hỏi khi gửi, hoặc "
    f"đọc từ kho mật khẩu của hệ điều hành (keyring) hay biến môi trường {PASSWORD_ENV}."
)
SETTINGS_COLUMNS: tuple[Column, ...] = (
    Column("label", "Thiết lập", 34),
    Column("value", "Giá trị", 40),
    Column("note", "Ghi chú", 70),
)
SETTINGS_SPEC = SheetSpec(SETTINGS_SHEET, SETTINGS_COLUMNS)
MAIL_SETTINGS: tuple[Setting, ...] = (
    Setting("sender_name", "Tên người gửi", "Sở Nội vụ tỉnh Bắc Kạn", "Hiện ở ô «Từ» của thư."),
    Setting("sender_address", "Địa chỉ email người gửi", "", "Bắt buộc, ví dụ snv@backan.gov.vn."),
    Setting("reply_to", "Địa chỉ nhận trả lời", "", "Để trống: địa chỉ người gửi."),
    Setting(
        "deadline",
        "Hạn gửi lại báo cáo",
        "",
        "Ngày (dd/mm/yyyy) ghi trong thư; để trống: 14 ngày sau ngày gửi.",
    ),
    Setting(
        "max_attachment_mb", "Dung lượng tệp đính kèm tối đa (MB)", 10, "Tệp lớn hơn không gửi."
    ),
    Setting(
        "smtp_host", "Máy chủ SMTP", "", "Ví dụ mail.backan.gov.vn (chỉ dùng khi gửi qua SMTP)."
    ),
    Setting("smtp_port", "Cổng SMTP", 587, "587 với STARTTLS, 465 với SSL."),
    Setting("smtp_mode", "Bảo mật SMTP (starttls/ssl)", "starttls", "starttls hoặc ssl."),
    Setting("smtp_user", "Tên đăng nhập SMTP", "", "Để trống: địa chỉ người gửi."),
)
# The report "Báo cáo kết quả" (kehoach.report.data): who issues and signs it, who receives it.
REPORT_SETTINGS: tuple[Setting, ...] = (
    Setting(
        "report_parent",
        "Cơ quan chủ quản (báo cáo)",
        "",
        "Dòng trên tên cơ quan ở góc trái; để trống: cơ quan ban hành Kế hoạch (UBND tỉnh).",
    ),
    Setting("report_agency", "Cơ quan báo cáo", "Sở Nội vụ", "Tên cơ quan ban hành báo cáo."),
    Setting("report_symbol", "Ký hiệu báo cáo", "BC-SNV", "In sau «Số:», văn thư điền số."),
    Setting("report_place", "Địa danh", "Bắc Kạn", "Trước ngày tháng năm của báo cáo."),
    Setting(
        "signer_authority",
        "Quyền hạn người ký",
        "",
        "Ví dụ «KT. GIÁM ĐỐC» khi Phó Giám đốc ký thay; để trống khi Giám đốc ký.",
    ),
    Setting("signer_title", "Chức vụ người ký", "Giám đốc", "Ví dụ «Phó Giám đốc»."),
    Setting("signer_name", "Họ tên người ký", "", "Để trống: ghi tay sau khi in."),
    Setting(
        "report_recipients",
        "Nơi nhận báo cáo",
        "UBND tỉnh (b/c); Bộ Nội vụ (b/c); Lãnh đạo Sở; Lưu: VT, CCHC",
        "Các nơi nhận cách nhau bởi dấu chấm phẩy; nơi cuối cùng là «Lưu: …».",
    ),
)
SETTINGS: tuple[Setting, ...] = (*MAIL_SETTINGS, *REPORT_SETTINGS)  # the rows, in order


def setting_label(key: str) -> str:
    """The label of the setting ``key`` (column «Thiết lập»), as messages name it."""
    return next(s.label for s in SETTINGS if s.key == key)


LOG_SHEET = "NhatKyGui"
LOG_TITLE = "Nhật ký gửi email cho các cơ quan (chỉ thêm, không sửa)"
LOG_NOTE = (
    "Mỗi dòng: một thư (hoặc một cơ quan không gửi được). Tệp đã gửi thành công cho một cơ quan "
    "(cùng mã SHA-256) không được gửi lại, trừ khi yêu cầu gửi lại."
)
LOG_COLUMNS: tuple[Column, ...] = (
    Column("time", "Thời điểm", 16, TIME_FORMAT),
    Column("agency", "Mã cơ quan", 12),
    Column("agency_name", "Tên cơ quan", 20),
    Column("kind", "Loại thư", 10),
    Column("to", "Gửi đến", 22),
    Column("cc", "Đồng gửi (Cc)", 16),
    Column("file", "Tệp đính kèm", 18),
    Column("sha256", "SHA-256 của tệp", 20),
    Column("channel", "Cách gửi", 10),
    Column("result", "Kết quả", 14),
    Column("detail", "Chi tiết", 34),
)
LOG = SheetSpec(LOG_SHEET, LOG_COLUMNS)
# The log's texts wrap, its file hash is folded away (outline, collapsed): the printed log is
# about 172 units wide, one A4 landscape page at about 83 %, 11 pt text printed at 9 pt or more.
LOG_WRAPPED: tuple[str, ...] = ("agency_name", "to", "cc", "file", "result", "detail")
LOG_FOLDED: tuple[str, ...] = ("sha256",)

KIND_COVER = "gui-file"
KIND_REMINDER = "nhac-nho"
KIND_LABELS: dict[str, str] = {KIND_COVER: "Gửi tệp", KIND_REMINDER: "Nhắc nhở"}
CHANNEL_DRAFT = "Bản nháp .eml"
CHANNEL_SMTP = "SMTP"
SENT = "Đã gửi"
DRAFTED = "Đã tạo bản nháp"
FAILED = "Lỗi"
NO_ADDRESS = "không có địa chỉ email"
TOO_LARGE = "tệp quá lớn"
NO_FILE = "không có tệp"
OK_RESULTS: tuple[str, ...] = (SENT, DRAFTED)
