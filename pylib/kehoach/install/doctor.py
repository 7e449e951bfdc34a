"""``kehoach doctor`` and the "Kiểm tra cài đặt" button: every link of the chain from a
button in Excel to the Python code, each checked, the broken one named with what to do.

Pure: the checks take ``doctor_facts.Facts`` (gathered by ``doctor_facts.gather_facts``) and
return ``Check`` rows. On a system other than Windows the Windows checks say "không áp dụng".
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path, PureWindowsPath

from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import SpecifierSet
from packaging.version import InvalidVersion, Version

from kehoach.install.facts import PYTHONPATH_KEY as PYTHONPATH_KEY
from kehoach.install.facts import Facts, Setting, interpreter_key

OK = "ok"
WARNING = "warning"
ERROR = "error"
NOT_APPLICABLE = "na"
STATUS_LABELS = {OK: "Đạt", WARNING: "Cần chú ý", ERROR: "Lỗi", NOT_APPLICABLE: "Không áp dụng"}
NOT_WINDOWS = "không áp dụng (máy này không chạy Windows)"
TITLE = "Kiểm tra cài đặt"
ASR_MODES = {"0": "tắt", "1": "chặn", "2": "chỉ ghi nhật ký (audit)", "6": "cảnh báo"}
ZONE_NAMES = {0: "máy này", 1: "mạng nội bộ", 2: "trang tin cậy", 3: "Internet", 4: "bị hạn chế"}


@dataclass(frozen=True)
class Check:
    """One link of the chain: what was checked, its status, what was found, what to do."""

    name: str
    status: str
    found: str
    advice: str = ""

    def line(self) -> str:
        text = f"[{STATUS_LABELS[self.status]}] {self.name}: {self.found}"
        return text + (f"\n    → {self.advice}" if self.advice else "")


NO_CALAMINE = "chưa cài (thu thập báo cáo vẫn chạy nhưng chậm hơn nhiều lần)"
INSTALL_ADVICE = (
    "cài lại từ bộ cài (CaiDat.ps1, xem docs/CaiDat-IT.md) hoặc chạy: "
    "py -m pip install --upgrade kehoach"
)


def check_python(facts: Facts) -> Check:
    spec = facts.requires_python or ">=3.11"
    found = f"{facts.python_version} ({facts.executable})"
    if Version(facts.python_version) in SpecifierSet(spec):
        return Check("Python", OK, found)
    return Check(
        "Python",
        ERROR,
        f"{found}, kehoach cần Python {spec}",
        "cài Python 3.11 hoặc 3.12 (bản 64 bit) rồi cài lại kehoach cho Python đó.",
    )


def check_packages(facts: Facts) -> list[Check]:
    if facts.requires_python is None:
        return [
            Check(
                "Gói kehoach",
                ERROR,
                f"kehoach {facts.kehoach_version} chạy từ {facts.kehoach_folder} nhưng chưa được "
                "cài (pip không biết nó), nên không kiểm tra được các thư viện nó cần",
                INSTALL_ADVICE,
            )
        ]
    checks = [Check("Gói kehoach", OK, f"{facts.kehoach_version} ({facts.kehoach_folder})")]
    for text in facts.requirements:
        try:
            req = Requirement(text)
        except InvalidRequirement:
            continue
        if req.marker is not None and not req.marker.evaluate({"extra": ""}):
            continue
        have = facts.installed.get(req.name)
        wanted = str(req.specifier) or "bản nào cũng được"
        if have is None and req.name == "python-calamine":  # intake falls back to openpyxl
            checks.append(Check(req.name, WARNING, NO_CALAMINE, INSTALL_ADVICE))
            continue
        if have is None:
            checks.append(Check(req.name, ERROR, f"chưa cài (cần {wanted})", INSTALL_ADVICE))
            continue
        try:
            fits = req.specifier.contains(Version(have), prereleases=True)
        except InvalidVersion:
            fits = False
        if fits:
            checks.append(Check(req.name, OK, have))
        else:
            checks.append(
                Check(
                    req.name,
                    ERROR,
                    f"{have}, kehoach cần {wanted}",
                    f'py -m pip install "{req.name}{req.specifier}" (hoặc cài lại từ bộ cài).',
                )
            )
    return checks


def check_workbook(facts: Facts) -> list[Check]:
    if facts.workbook is None:
        return [
            Check(
                "Sổ làm việc",
                NOT_APPLICABLE,
                "không kiểm tra (chưa chỉ ra tệp .xlsm: kehoach doctor TỆP.xlsm)",
            )
        ]
    checks: list[Check] = []
    if facts.workbook_problems:
        checks.append(
            Check(
                "Mã VBA và ribbon của sổ làm việc",
                ERROR,
                " ".join(facts.workbook_problems),
                "tạo bản làm việc mới (kehoach new-copy THƯ_MỤC) rồi chép dữ liệu sang; "
                "đừng lưu tệp dưới dạng .xlsx.",
            )
        )
    else:
        checks.append(Check("Mã VBA và ribbon của sổ làm việc", OK, f"đủ ({facts.workbook})"))
    have = facts.installed.get("xlwings")
    vba = facts.workbook_xlwings
    if vba is None:
        checks.append(
            Check(
                "xlwings của sổ làm việc",
                ERROR,
                "không thấy mô-đun VBA của xlwings trong sổ làm việc",
                "tạo bản làm việc mới từ bộ cài (kehoach new-copy THƯ_MỤC).",
            )
        )
    elif have != vba:
        checks.append(
            Check(
                "xlwings của sổ làm việc",
                ERROR,
                f"VBA của sổ làm việc là xlwings {vba}, Python có xlwings {have or 'chưa cài'}: "
                f"nút bấm sẽ báo không tìm thấy xlwings64-{vba}.dll",
                f'py -m pip install "xlwings=={vba}", hoặc tạo bản làm việc mới cho bản kehoach '
                "đang cài (kehoach new-copy THƯ_MỤC).",
            )
        )
    else:
        checks.append(Check("xlwings của sổ làm việc", OK, f"VBA và Python cùng là {vba}"))
    return checks


def _same_folder(a: str, b: str, windows: bool) -> bool:
    if windows:
        return str(PureWindowsPath(a)).casefold() == str(PureWindowsPath(b)).casefold()
    return os.path.normpath(a) == os.path.normpath(b)


def check_settings(facts: Facts) -> list[Check]:
    windows = facts.platform == "win32"
    key = interpreter_key(facts.platform)
    checks: list[Check] = []
    interp = facts.settings.get(key, Setting(key, None))
    pythonpath = facts.settings.get(PYTHONPATH_KEY, Setting(PYTHONPATH_KEY, None))
    for setting in (interp, pythonpath):
        if setting.raw is None:
            continue
        try:
            setting.raw.encode(facts.ansi_encoding)
        except UnicodeEncodeError:
            checks.append(
                Check(
                    f"Cấu hình xlwings {setting.key}",
                    ERROR,
                    f"«{setting.raw}» ({setting.source}) có ký tự mà VBA đọc sai "
                    f"(bảng mã {facts.ansi_encoding})",
                    "ghi cấu hình vào trang xlwings.conf của sổ làm việc "
                    "(kehoach setup-excel TỆP.xlsm), hoặc dùng biến như %LOCALAPPDATA%.",
                )
            )
    if interp.value is None:
        checks.append(
            Check(
                f"Cấu hình xlwings {key}",
                ERROR if windows else NOT_APPLICABLE,
                "chưa có ở trang xlwings.conf, tệp xlwings.conf cạnh sổ làm việc hay tệp của "
                "người dùng: xlwings sẽ chạy «pythonw» tìm thấy trên PATH",
                "kehoach setup-excel TỆP.xlsm" if windows else "",
            )
        )
    else:
        found = f"{interp.value} (từ {interp.source})"
        exists = Path(interp.value).is_file() if windows else True
        running = _same_folder(
            str(Path(interp.value).parent), str(Path(facts.executable).parent), windows
        )
        if windows and not exists:
            checks.append(
                Check(
                    f"Cấu hình xlwings {key}",
                    ERROR,
                    f"{found}: không có tệp này",
                    "kehoach setup-excel TỆP.xlsm (chạy bằng đúng Python đã cài kehoach).",
                )
            )
        elif not running:
            checks.append(
                Check(
                    f"Cấu hình xlwings {key}",
                    WARNING,
                    f"{found}: khác Python đang chạy kiểm tra này ({facts.executable})",
                    "nếu nút bấm báo thiếu kehoach, chạy kehoach setup-excel TỆP.xlsm bằng "
                    "Python đã cài kehoach.",
                )
            )
        else:
            checks.append(Check(f"Cấu hình xlwings {key}", OK, found))
    folders = [p for p in (pythonpath.value or "").split(";") if p.strip()]
    in_path = any(_same_folder(p, facts.kehoach_folder, windows) for p in folders)
    if in_path or facts.kehoach_installed:
        where = "PYTHONPATH" if in_path else "cài vào Python bằng pip"
        found = f"kehoach nằm ở {facts.kehoach_folder} ({where})"
        if pythonpath.value is not None:
            found += f"; PYTHONPATH = {pythonpath.value} (từ {pythonpath.source})"
        checks.append(Check("Cấu hình xlwings PYTHONPATH", OK, found))
    else:
        checks.append(
            Check(
                "Cấu hình xlwings PYTHONPATH",
                ERROR if windows else WARNING,
                f"kehoach nằm ở {facts.kehoach_folder}, không có trong PYTHONPATH "
                f"({pythonpath.value or 'chưa đặt'})",
                "cài kehoach vào Python (bộ cài) hoặc kehoach setup-excel TỆP.xlsm.",
            )
        )
    return checks


def _under(path: str, folder: str) -> bool:
    p = str(PureWindowsPath(path)).casefold().rstrip("\\")
    f = str(PureWindowsPath(folder)).casefold().rstrip("\\")
    return p == f or p.startswith(f + "\\")


def check_windows(facts: Facts) -> list[Check]:
    names = (
        "Mark of the Web",
        "Trusted Location",
        "OneDrive",
        "Defender: chặn Office tạo tiến trình con",
    )
    win = facts.windows
    if facts.platform != "win32" or win is None:
        return [Check(name, NOT_APPLICABLE, NOT_WINDOWS) for name in names]
    checks: list[Check] = []
    book = facts.workbook
    if book is None:
        checks.append(Check(names[0], NOT_APPLICABLE, "chưa chỉ ra sổ làm việc"))
    elif win.zone_id is not None and win.zone_id >= 3:
        zone = ZONE_NAMES.get(win.zone_id, str(win.zone_id))
        checks.append(
            Check(
                names[0],
                ERROR,
                f"tệp mang dấu tải về từ {zone} (Zone.Identifier, ZoneId={win.zone_id}): "
                "Excel chặn macro mà không có nút Enable",
                "đóng Excel, nhấp phải vào tệp → Properties → đánh dấu Unblock → OK "
                "(hoặc PowerShell: Unblock-File), rồi mở lại.",
            )
        )
    else:
        checks.append(Check(names[0], OK, "tệp không mang dấu tải từ Internet"))
    if book is None:
        checks.append(Check(names[1], NOT_APPLICABLE, "chưa chỉ ra sổ làm việc"))
    else:
        folder = str(PureWindowsPath(book).parent)
        hit = next(
            (
                loc
                for loc in win.trusted_locations
                if _under(folder, loc.path) and (loc.subfolders or _under(loc.path, folder))
            ),
            None,
        )
        if win.all_locations_disabled:
            checks.append(
                Check(
                    names[1],
                    WARNING,
                    "chính sách nhóm (Group Policy) tắt mọi Trusted Location",
                    "bấm Enable Content khi mở tệp, hoặc nhờ IT ký số macro (docs/CaiDat-IT.md).",
                )
            )
        elif hit is not None:
            origin = "chính sách nhóm" if hit.policy else "người dùng"
            checks.append(Check(names[1], OK, f"thư mục nằm trong {hit.path} (do {origin} đặt)"))
        else:
            checks.append(
                Check(
                    names[1],
                    WARNING,
                    f"thư mục {folder} không phải Trusted Location: Excel hỏi Enable Content "
                    "mỗi lần mở",
                    "File → Options → Trust Center → Trust Center Settings → Trusted Locations "
                    "→ Add new location (hoặc IT đặt qua Group Policy).",
                )
            )
    if book is None:
        checks.append(Check(names[2], NOT_APPLICABLE, "chưa chỉ ra sổ làm việc"))
    else:
        root = next((r for r in win.onedrive_roots if _under(book, r)), None)
        if book.lower().startswith(("http://", "https://")) or root is not None:
            checks.append(
                Check(
                    names[2],
                    WARNING,
                    f"sổ làm việc nằm trong thư mục OneDrive ({root or book})",
                    "đặt bản làm việc ở thư mục không đồng bộ, ví dụ C:\\KeHoach "
                    "(OneDrive khóa tệp khi đồng bộ và xlwings có thể không biết đường dẫn thật).",
                )
            )
        else:
            checks.append(Check(names[2], OK, "sổ làm việc không nằm trong OneDrive"))
    mode = win.asr_office_child
    if mode in ("1", "6"):
        checks.append(
            Check(
                names[3],
                ERROR,
                f"quy tắc đang ở chế độ {ASR_MODES[mode]}: nút bấm báo "
                "«Run-time error 70: Permission denied»",
                "nhờ IT thêm ngoại lệ cho pythonw.exe của bộ cài "
                "(docs/CaiDat-IT.md, mục Defender).",
            )
        )
    else:
        state = ASR_MODES.get(mode or "", "không thấy trong registry")
        checks.append(Check(names[3], OK, state))
    return checks


def check_pdf(facts: Facts) -> Check:
    excel = facts.windows.excel if facts.windows is not None else None
    if facts.soffice:
        found = f"LibreOffice: {facts.soffice}"
        if excel:
            found += f"; Excel: {excel}"
        return Check("In PDF", OK, found)
    if excel:
        return Check(
            "In PDF", OK, f"Excel: {excel} (nút bấm); lệnh kehoach summary --pdf cần LibreOffice"
        )
    return Check(
        "In PDF",
        WARNING,
        "không có LibreOffice, không có Excel",
        "cài LibreOffice để kehoach summary --pdf tạo được PDF.",
    )


def run_checks(facts: Facts) -> list[Check]:
    """Every check, in the order of the chain: Python, packages, workbook, xlwings, Windows."""
    return [
        check_python(facts),
        *check_packages(facts),
        *check_workbook(facts),
        *check_settings(facts),
        *check_windows(facts),
        check_pdf(facts),
    ]


def report_text(checks: Sequence[Check]) -> str:
    """The report of ``kehoach doctor`` and of the button: a line per check, then the verdict."""
    lines = [c.line() for c in checks]
    broken = [c for c in checks if c.status == ERROR]
    lines.append("")
    if broken:
        lines.append(f"Có {len(broken)} lỗi: " + "; ".join(c.name for c in broken) + ".")
    else:
        lines.append("Không có lỗi: các nút bấm của sổ làm việc chạy được Python.")
    return "\n".join(lines)


def checks_json(checks: Sequence[Check]) -> list[dict[str, str]]:
    return [{**asdict(c), "status_label": STATUS_LABELS[c.status]} for c in checks]
