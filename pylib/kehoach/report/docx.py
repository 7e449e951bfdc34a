"""The report "Báo cáo kết quả" as a Word document: the template rendered with docxtpl.

``render_report(data, template)`` fills ``templates/bao-cao.docx`` (or any template an official
edited in Word) with ``ReportData.context()`` and returns the .docx bytes; ``write_report``
writes them in one step (``kehoach.common.atomic``). Same inputs, same bytes: the core properties
are
dated from the as-of date and every zip entry gets one fixed date.
"""

from __future__ import annotations

import io
import zipfile
from datetime import datetime, time
from pathlib import Path

from jinja2 import TemplateError

from kehoach.common.atomic import replaced_on_success
from kehoach.report.data import ReportData, ReportError
from kehoach.report.template import deterministic_zip

TEMPLATE_NAME = "bao-cao.docx"
AUTHOR = "kehoach"
# The longest title python-docx puts into the core properties (Word shows it in File → Info);
# the plan's number is typed into the master, so a title may be as long as a cell.
TITLE_LIMIT = 255


def render_report(data: ReportData, template: Path) -> bytes:
    """The report's .docx bytes. ReportError naming the template when it is missing, not a
    .docx, or its Jinja2 tags are broken."""
    from docxtpl import DocxTemplate

    if not template.is_file():
        raise ReportError("Không tìm thấy mẫu báo cáo.", file=template)
    if not zipfile.is_zipfile(template):
        raise ReportError("Mẫu báo cáo không phải tệp Word (.docx).", file=template)
    try:
        doc = DocxTemplate(str(template))
        doc.render(data.context(), autoescape=True)
    except TemplateError as err:
        raise ReportError(
            f"Mẫu báo cáo có thẻ {{{{ }}}} hoặc {{% %}} sai: {err}", file=template
        ) from err
    except (KeyError, ValueError) as err:  # python-docx on a damaged package
        raise ReportError(f"Không đọc được mẫu báo cáo: {err}", file=template) from err
    stamp = datetime.combine(data.as_of, time(0, 0))
    props = doc.docx.core_properties
    props.author = AUTHOR
    props.last_modified_by = AUTHOR
    title = data.title()
    props.title = title if len(title) <= TITLE_LIMIT else title[: TITLE_LIMIT - 1] + "…"
    props.created = stamp
    props.modified = stamp
    props.last_printed = stamp
    props.revision = 1
    buffer = io.BytesIO()
    doc.save(buffer)
    return deterministic_zip(buffer.getvalue())


def write_report(data: ReportData, template: Path, out: Path) -> Path:
    """Render the report and write it to ``out``; returns ``out``."""
    content = render_report(data, template)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        with replaced_on_success(out, ".docx.tmp") as tmp:
            tmp.write_bytes(content)
    except OSError as err:  # e.g. the report of the same day is open in Word
        raise ReportError(
            f"Không ghi được báo cáo ({err.strerror or err}): nếu tệp đang mở trong Word, hãy "
            "đóng lại rồi chạy lại.",
            file=out,
        ) from err
    return out
