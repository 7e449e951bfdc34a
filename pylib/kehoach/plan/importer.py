"""Import the plan text (a Kế hoạch …/KH-UBND on administrative-reform indexes) into the model.

The text renders the signed plan: a header (number, place and date, title), body
paragraphs, then four appendices "Phụ lục 1." .. "Phụ lục 4.", each a Word table
written as tab-separated rows whose header rows repeat after every page break. The plan's two
years come from those header rows: "Điểm đạt được năm …" / "Kết quả năm …" (the base year) and
"Mục tiêu năm …" (the target year).
``kehoach.plan.tables`` reads the rows of one appendix; ``kehoach.plan.taskrows`` turns task
cells into tasks. Every problem is a ``PlanTextError`` naming the line.
The plan's Word file is rendered to the same lines by ``kehoach.plan.docx_reader``.
"""

from __future__ import annotations

import datetime as dt
import re
from importlib import resources
from pathlib import Path

from kehoach.common.errors import PlanTextError, missing_file_text, os_error_text
from kehoach.common.planyears import PlanYears
from kehoach.common.zipguard import CFB_SIGNATURE, ZIP_SIGNATURE
from kehoach.plan.model import APPENDIX_IDS, Appendix, Plan
from kehoach.plan.tables import LAYOUTS, Line, read_appendix
from kehoach.plan.textclean import clean

DEFAULT_PLAN_FILE = "ke-hoach-365-2023.txt"  # the embedded default plan
MAX_PLAN_BYTES = 32 * 1024**2  # the plan file, Word or text

_NUMBER_LINE = re.compile(r"^Số\s*:\s*(\S.*)$")
_DATE_LINE = re.compile(
    r"^(?P<place>[^,]+),\s*ngày\s+(?P<d>\d{1,2})\s+tháng\s+(?P<m>\d{1,2})\s+năm\s+(?P<y>\d{4})"
)
_TITLE_LINE = "KẾ HOẠCH"
_BASE_HEADER = re.compile(r"(?:Điểm đạt được|Kết quả)\s+năm\s+(\d{4})", re.IGNORECASE)
_TARGET_HEADER = re.compile(r"Mục tiêu\s+năm\s+(\d{4})", re.IGNORECASE)
_APPENDIX_HEADING = re.compile(r"^Phụ lục\s+(?P<n>[^\s.]+)\s*\.\s*(?P<title>.*)$", re.IGNORECASE)


def parse_plan(text: str, source: str = "<văn bản>") -> Plan:
    """The plan in ``text``; ``source`` names it in error messages."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise PlanTextError("Văn bản kế hoạch trống.", file=source)
    lines = [Line(n, clean(raw), raw) for n, raw in enumerate(text.split("\n"), start=1)]
    return plan_from_lines(lines, source)


def plan_from_lines(lines: list[Line], source: str) -> Plan:
    """The plan in ``lines``: the text's lines, or a Word file rendered as such lines."""
    body, parts = _split_appendices(lines, source)
    number, date, place, title = _read_header(body, source)
    base, target = _read_years(parts, source)
    plan = Plan(
        number=number,
        date=date,
        title=title,
        issuer=f"UBND tỉnh {place}",
        base_year=base,
        target_year=target,
        province=place,
    )
    for appendix_id in APPENDIX_IDS:
        heading, rows = parts[appendix_id]
        appendix = Appendix(id=appendix_id, title=heading.text)
        read_appendix(appendix, LAYOUTS[appendix_id], rows, source, PlanYears(base, target))
        if not appendix.sections:
            raise PlanTextError(
                f"Phụ lục {appendix_id[2:]} không có bảng nào.",
                file=source,
                line=heading.number,
                text=heading.raw,
            )
        plan.appendices.append(appendix)
    return plan


def is_word_file(data: bytes) -> bool:
    """True for a Word package (a zip holding ``word/document.xml``), and for what is
    no text but may be meant as one: any zip (another Office file, a damaged package) and
    the compound files Word writes (.doc, encrypted .docx), which
    :func:`kehoach.plan.docx_reader.render_docx` refuses with a message saying what to do."""
    return data.startswith((CFB_SIGNATURE, ZIP_SIGNATURE))


def load_plan(path: Path) -> Plan:
    """The plan in the file at ``path``: its Word file (.docx) or its UTF-8 text,
    told apart by the content, not the extension."""
    try:
        if Path(path).is_file() and Path(path).stat().st_size > MAX_PLAN_BYTES:
            raise PlanTextError(
                f"Tệp kế hoạch quá lớn (tối đa {MAX_PLAN_BYTES // 1024**2} MB).", file=path
            )
        data = Path(path).read_bytes()
    except OSError as err:
        if isinstance(err, FileNotFoundError | IsADirectoryError) or Path(path).is_dir():
            raise PlanTextError(missing_file_text(Path(path), "tệp kế hoạch"), file=path) from err
        raise PlanTextError(
            f"Không đọc được tệp kế hoạch ({os_error_text(err)}).", file=path
        ) from err
    if not data.strip():
        raise PlanTextError("Tệp kế hoạch trống.", file=path)
    if is_word_file(data):
        # python-docx is imported for a Word plan only: a build from text does without it.
        from kehoach.plan.docx_reader import render_docx

        rendered = render_docx(data, str(path))
        try:
            return rendered.renumber(plan_from_lines(rendered.lines, str(path)))
        except PlanTextError as err:
            raise rendered.relocate(err) from err
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        shown = data.split(b"\n")[line - 1].decode("utf-8", errors="replace")
        raise PlanTextError(
            "Tệp kế hoạch không phải văn bản UTF-8; hãy lưu lại với mã hóa UTF-8.",
            file=path,
            line=line,
            text=shown,
        ) from err
    return parse_plan(text, source=str(path))


def default_plan_path() -> Path:
    """Path of the plan text shipped with the package."""
    return Path(str(resources.files("kehoach") / "data" / DEFAULT_PLAN_FILE))


def load_default_plan() -> Plan:
    """The plan shipped with the package (``DEFAULT_PLAN_FILE``)."""
    return load_plan(default_plan_path())


def _split_appendices(
    lines: list[Line], source: str
) -> tuple[list[Line], dict[str, tuple[Line, list[Line]]]]:
    body: list[Line] = []
    parts: dict[str, tuple[Line, list[Line]]] = {}
    current: list[Line] = body
    for line in lines:
        m = _APPENDIX_HEADING.match(line.text)
        if m and "\t" not in line.raw:
            appendix_id = f"PL{m['n']}"
            if appendix_id not in APPENDIX_IDS:
                raise PlanTextError(
                    f"Phụ lục không có trong kế hoạch: «Phụ lục {m['n']}» "
                    "(chỉ có Phụ lục 1 đến Phụ lục 4).",
                    file=source,
                    line=line.number,
                    text=line.raw,
                )
            if appendix_id in parts:
                raise PlanTextError(
                    f"Phụ lục {m['n']} xuất hiện hai lần.",
                    file=source,
                    line=line.number,
                    text=line.raw,
                )
            current = []
            parts[appendix_id] = (line, current)
        else:
            current.append(line)
    for appendix_id in APPENDIX_IDS:
        if appendix_id not in parts:
            raise PlanTextError(
                f"Thiếu Phụ lục {appendix_id[2:]}: không thấy dòng «Phụ lục {appendix_id[2:]}. …».",
                file=source,
                line=len(lines),
            )
    return body, parts


def _read_header(body: list[Line], source: str) -> tuple[str, str, str, str]:
    number = date = place = title = ""
    for i, line in enumerate(body):
        if not number and (m := _NUMBER_LINE.match(line.text)):
            number = re.sub(r"\s*/\s*", "/", m[1]).strip()
        elif not date and (m := _DATE_LINE.match(line.text)):
            try:
                date = dt.date(int(m["y"]), int(m["m"]), int(m["d"])).isoformat()
            except ValueError as err:
                raise PlanTextError(
                    "Ngày ban hành không hợp lệ.", file=source, line=line.number, text=line.raw
                ) from err
            place = m["place"].strip()
        elif not title and line.text == _TITLE_LINE:
            title = next((later.text for later in body[i + 1 :] if later.text), "")
    missing = [
        label
        for label, value in (
            ("số hiệu «Số: …»", number),
            ("ngày ban hành «…, ngày … tháng … năm …»", date),
            ("tên kế hoạch (dòng sau «KẾ HOẠCH»)", title),
        )
        if not value
    ]
    if missing:
        raise PlanTextError(
            f"Không tìm thấy {', '.join(missing)} ở phần đầu kế hoạch.", file=source, line=1
        )
    return number, date, place, title


def _read_years(parts: dict[str, tuple[Line, list[Line]]], source: str) -> tuple[int, int]:
    """(base year, target year) from the appendices' header rows; PlanTextError when a year is
    missing or two header rows disagree, naming the line."""
    found: dict[str, tuple[int, Line]] = {}
    for appendix_id in APPENDIX_IDS:
        for line in parts[appendix_id][1]:
            if "\t" not in line.raw:
                continue
            for cell in line.raw.split("\t"):
                text = clean(cell)
                for kind, pattern in (("base", _BASE_HEADER), ("target", _TARGET_HEADER)):
                    m = pattern.fullmatch(text.removesuffix("(%)").strip())
                    if m is None:
                        continue
                    year = int(m[1])
                    seen = found.setdefault(kind, (year, line))
                    if seen[0] != year:
                        label = "kết quả" if kind == "base" else "mục tiêu"
                        raise PlanTextError(
                            f"Hai dòng tiêu đề bảng ghi năm {label} khác nhau: năm {seen[0]} "
                            f"(dòng {seen[1].number}) và năm {year}.",
                            file=source,
                            line=line.number,
                            text=line.raw,
                        )
    missing = [
        label
        for kind, label in (
            ("base", "«Điểm đạt được năm …» hoặc «Kết quả năm …» (năm kết quả làm căn cứ)"),
            ("target", "«Mục tiêu năm …» (năm mục tiêu)"),
        )
        if kind not in found
    ]
    if missing:
        raise PlanTextError(
            f"Không xác định được năm của kế hoạch: không thấy cột {' và '.join(missing)} "
            "trong dòng tiêu đề bảng của Phụ lục 1 đến Phụ lục 4.",
            file=source,
        )
    base, target = found["base"][0], found["target"][0]
    if base >= target:
        raise PlanTextError(
            f"Năm kết quả làm căn cứ ({base}) phải trước năm mục tiêu ({target}).",
            file=source,
            line=found["target"][1].number,
            text=found["target"][1].raw,
        )
    return base, target
