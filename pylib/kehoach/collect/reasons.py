"""The Vietnamese reasons a returned file is not accepted, in one place.

Each is one sentence an official can read aloud to the agency on the phone: what is wrong,
where (the cell when there is one), and what to do. ``kehoach.collect.intake`` formats them; tests
compare against them. The reasons ``signing.verify`` gives (no hidden data, another key,
signature mismatch, changed task rows) are used as it words them.
"""

from __future__ import annotations

ASK_AGAIN = "đề nghị cơ quan điền vào đúng tệp .xlsx đã được gửi rồi gửi lại"

# --- before the file is opened -------------------------------------------------------------
EMPTY = "Tệp rỗng (0 byte): tệp đính kèm chưa được lưu đúng, hãy lưu lại từ thư điện tử."
TOO_BIG = (
    "Tệp quá lớn ({size:.1f} MB, tối đa {limit:.1f} MB): không phải tệp gửi cơ quan; "
    + ASK_AGAIN
    + "."
)
ENCRYPTED = (
    "Tệp được đặt mật khẩu (mã hóa), không đọc được: đề nghị cơ quan gỡ mật khẩu "
    "(Tệp > Thông tin > Bảo vệ sổ làm việc) rồi gửi lại."
)
# The file sent, saved in another spreadsheet format: saved back as .xlsx it verifies again
# (the values and the hidden sheet survive), so nothing needs typing twice.
SAVE_AS_XLSX = (
    "nếu là tệp đã gửi được lưu sang dạng này, đề nghị cơ quan mở tệp, lưu lại dạng «Sổ làm "
    "việc Excel (.xlsx)» rồi gửi lại (không cần điền lại)"
)
LEGACY_XLS = "Tệp Excel 97-2003 (.xls) hoặc tệp Office cũ, không đọc được: " + SAVE_AS_XLSX + "."
OTHER_SPREADSHEET = "Tệp bảng tính dạng {ext}, không đọc được: " + SAVE_AS_XLSX + "."
STRICT_XLSX = "Tệp lưu dạng «Bảng tính Open XML Strict», không đọc được: " + SAVE_AS_XLSX + "."
NOT_EXCEL = "Không phải tệp Excel{what}: " + ASK_AGAIN + "."
CORRUPTED = "Tệp Excel bị hỏng (tệp nén không đọc được: {detail}): đề nghị cơ quan gửi lại."
TOO_MANY_ENTRIES = (
    "Tệp có {count} thành phần nén (tối đa {limit}): nghi là tệp độc hại (zip bomb), không mở."
)
BOMB_TOTAL = (
    "Tệp giải nén ra {size:.1f} MB (tối đa {limit:.1f} MB): nghi là tệp độc hại (zip bomb), "
    "không mở."
)
BOMB_RATIO = (
    "Thành phần «{entry}» nén với tỷ lệ {ratio:.0f}:1 (tối đa {limit:.0f}:1): nghi là tệp độc "
    "hại (zip bomb), không mở."
)
MACROS = "Tệp có macro (VBA): không tiếp nhận tệp có macro; " + ASK_AGAIN + "."
UNREADABLE = "Không đọc được như một workbook Excel ({detail}): " + ASK_AGAIN + "."

FILE_UNREADABLE = (
    "Không đọc được tệp ({detail}): tệp chưa được tiếp nhận; đóng tệp nếu đang mở, kiểm tra "
    "tệp trong thư mục rồi thu thập lại."
)
NOT_REGULAR = (
    "Không phải tệp thông thường (ống dẫn, thiết bị hoặc liên kết tới chúng): không đọc; "
    "chỉ đặt các tệp .xlsx vào thư mục thu thập."
)
PROGRAM_ERROR = (
    "Lỗi chương trình khi đọc tệp ({kind}): tệp chưa được tiếp nhận; hãy gửi tệp này cho người "
    "quản trị phần mềm (chi tiết trong nhật ký)."
)
CHARACTERS_REPLACED = (
    "Lưu ý: {count} ký tự không lưu được trong Excel (ký tự điều khiển hoặc tên tệp sai mã) "
    "đã được thay bằng «\ufffd» ({where})."
)

# --- by extension, for files that are not read at all --------------------------------------
ARCHIVE = (
    "Tệp nén ({ext}), không mở: giải nén, đặt các tệp .xlsx vào thư mục thu thập rồi thu thập lại."
)
OTHER_FORMAT = "Định dạng {ext} không được tiếp nhận: " + ASK_AGAIN + "."
PDF = "Tệp PDF (bản in hoặc bản chụp) không được tiếp nhận: " + ASK_AGAIN + "."

# --- the opened workbook -------------------------------------------------------------------
META_OUT_OF_BOUNDS = (
    "Trang ẩn «{sheet}» có dữ liệu ngoài vùng của tệp đã gửi (ô {cell}): dữ liệu ẩn đã bị "
    "sửa; " + ASK_AGAIN + "."
)
OTHER_PLAN = "Tệp của kế hoạch «{found}», không phải Kế hoạch «{expected}»."
MISSING_SHEET = "Thiếu trang tính «{sheet}» (đã bị xóa hoặc đổi tên): " + ASK_AGAIN + "."
SHEET_RENAMED = (
    "Trang tính «{sheet}» đã bị đổi tên thành «{found}»: đề nghị cơ quan đổi lại đúng tên "
    "«{sheet}» rồi gửi lại (không cần điền lại)."
)
EXTRA_SHEET = "Có trang tính lạ «{sheet}» không có trong tệp đã gửi: " + ASK_AGAIN + "."
HIDDEN_SHEET = (
    "Trang tính «{sheet}» bị ẩn (tệp đã gửi không có trang ẩn nào ngoài dữ liệu ký): "
    + ASK_AGAIN
    + "."
)
ROWS_ADDED = (
    "Đã thêm dòng: ô {cell} có dữ liệu bên dưới {count} dòng nhiệm vụ của tệp (dòng "
    "{first}–{last}); không thêm, xóa hay sắp xếp lại dòng; " + ASK_AGAIN + "."
)
DATA_RIGHT = (
    "Có dữ liệu ngoài bảng: ô {cell}, bên phải cột cuối {last} của bảng nhiệm vụ, không được "
    "thu thập; đề nghị cơ quan chuyển nội dung đó vào các cột nền vàng (ví dụ «Khó khăn, vướng "
    "mắc, đề xuất»), xóa ô ngoài bảng rồi gửi lại."
)
ROWS_REMOVED = (
    "Đã xóa dòng: tệp đã gửi có {count} dòng nhiệm vụ (dòng {first}–{last}), tệp gửi lại thiếu "
    "nhiệm vụ «{task_id}»; " + ASK_AGAIN + "."
)
ROWS_MOVED = (
    "Các dòng nhiệm vụ đã bị sắp xếp lại: dòng {row} (ô {cell}) là nhiệm vụ «{found}», phải là "
    "«{expected}»; đề nghị cơ quan sắp xếp lại theo cột {number} (STT) từ nhỏ đến lớn như tệp "
    "đã gửi rồi gửi lại."
)
OTHER_AGENCY = (
    "Dữ liệu ẩn là của {agency} (mã {code}) nhưng các dòng nhiệm vụ là của một tệp khác "
    "(ô {cell} là «{found}», phải là «{expected}»): nội dung đã bị chép giữa hai tệp; "
    + ASK_AGAIN
    + "."
)
COLUMNS_CHANGED = (
    "Các cột nền vàng đã bị xóa, chèn hoặc đổi chỗ: cột {column} (ô {cell}) là «{found}», "
    "phải là «{expected}»; không thêm, xóa hay di chuyển cột; " + ASK_AGAIN + "."
)
INVALID_VALUE = "Ô {cell} ({header}): {problem}"
MORE_PROBLEMS = " (và {count} ô khác cũng có lỗi)"
NOT_FILLED = (
    "Tệp chưa được điền: không ô nào trong các cột nền vàng có giá trị (cơ quan gửi nhầm "
    "tệp trống?)."
)

# --- one input value -----------------------------------------------------------------------
VALUE_ERROR = "ô có lỗi công thức {error}; hãy nhập giá trị, không dùng công thức."
VALUE_UNCALCULATED = (
    "ô có công thức nhưng tệp không lưu kết quả của nó (tệp không được lưu bằng Excel hay "
    "LibreOffice); hãy nhập giá trị thay cho công thức, hoặc mở tệp bằng Excel, lưu lại rồi gửi."
)
VALUE_STATUS = "tình trạng «{found}» không hợp lệ (chọn {allowed})."
VALUE_PERCENT_TYPE = "% hoàn thành phải là số từ 0 đến 100, đang là «{found}»."
VALUE_PERCENT_RANGE = "% hoàn thành phải từ 0 đến 100, đang là {found:g}."
VALUE_DATE_TYPE = "ngày báo cáo phải là ngày (ngày/tháng/năm), đang là «{found}»."
VALUE_DATE_NO_DAY = (
    "ngày báo cáo phải là ngày (ngày/tháng/năm); ô đang chứa một số âm hoặc một giờ, không có ngày."
)
VALUE_DATE_EARLY = "ngày báo cáo {found:%d/%m/%Y} trước ngày ban hành Kế hoạch {limit:%d/%m/%Y}."
VALUE_DATE_LATE = "ngày báo cáo {found:%d/%m/%Y} quá xa (sau ngày {limit:%d/%m/%Y})."
VALUE_TOO_LONG = (
    "nội dung dài {length} ký tự, tối đa {limit}; phần dài hãy đưa vào văn bản đính kèm và "
    "ghi số, ngày văn bản."
)
