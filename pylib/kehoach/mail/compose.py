"""E-mail to the agencies, composed: settings, Jinja2 templates, the message with its attachment.

``compose`` turns one agency, its workbook and the settings into an ``EmailMessage``: subject
and body from ``templates/email-<kind>.txt.j2`` (first line the subject) and ``.html.j2``
(HTML escaped), To/Cc from the directory, the workbook attached. ``prepare`` does it for every
file of a manifest and says, as data, which agency cannot get a message (no address, file too
large or missing) instead of skipping it. Nothing here connects anywhere (see ``mail_send``).

Attachment names: Python's ``add_attachment`` writes a non-ASCII name only as an RFC 2231
``filename*=`` parameter, which Outlook over IMAP shows as "ATT00001", and ``set_param`` on a
long content type makes the policy fold the MIME type itself into an encoded word (broken
``application/=?utf-8?q?vnd…``). So the attachment part is written as raw text, folded by hand:
``Content-Type: …; name="=?utf-8?b?…?="`` (RFC 2047, what Outlook reads) and
``Content-Disposition: attachment; filename*0*=utf-8''…`` (RFC 2231, what Thunderbird and
webmail read), then parsed, so the generator keeps it as written.
"""

from __future__ import annotations

import base64
import email
import functools
import hashlib
import math
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from email import policy
from email.header import Header
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import format_datetime, formataddr, make_msgid
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2

from kehoach.agencies.directory import Agency, email_address, email_problem
from kehoach.common.errors import KeHoachError, template_error_text
from kehoach.sheets import mail_layout as ml
from kehoach.state.master import MasterState

XLSX_TYPE = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
DEFAULT_DEADLINE_DAYS = 14
_LINE = 76  # folded header lines stay under RFC 5322's 78
_HEADER_LINE = 78  # policy.SMTP's max_line_length: a longer header line it refolds
_BASE64_LINE = 76  # characters of a base64 body line (RFC 2045)
_FORBIDDEN = '<>:"/\\|?*'


class MailError(KeHoachError):
    """E-mail cannot be prepared or sent as asked (settings, templates, files, server)."""


@dataclass(frozen=True)
class MailSettings:
    sender_name: str = "Sở Nội vụ tỉnh Bắc Kạn"
    sender_address: str = ""
    reply_to: str = ""
    deadline: date | None = None
    max_attachment_mb: float = 10.0
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_mode: str = "starttls"
    smtp_user: str = ""

    @property
    def max_attachment_bytes(self) -> int:
        return int(self.max_attachment_mb * 1024 * 1024)

    @property
    def return_address(self) -> str:
        return self.reply_to or self.sender_address


@dataclass(frozen=True)
class Outgoing:
    """One agency's message, or why it has none (``problem``: a ``mail_layout`` result text)."""

    agency: str
    agency_name: str
    kind: str  # mail_layout.KIND_COVER / KIND_REMINDER
    to: tuple[str, ...]
    cc: tuple[str, ...]
    file: str
    sha256: str
    message: EmailMessage | None = None
    problem: str = ""
    detail: str = ""


@dataclass(frozen=True)
class Item:
    """An outstanding task of an agency, as a reminder lists it."""

    task_id: str
    appendix: str
    code: str
    due: str
    status: str


@dataclass(frozen=True)
class Counts:
    lead: int
    coordinating: int
    items: tuple[Item, ...] = field(default=())
    not_reported: bool = False


# --- settings ---------------------------------------------------------------------------------


def settings_from_values(state: MasterState) -> MailSettings:
    """The settings of the sheet ``mail_layout.SETTINGS_SHEET`` (defaults when it is missing or
    a row is blank). Raises MailError naming the cell of a value that is not usable."""
    file = state.file
    raw: dict[str, Any] = {s.key: s.default for s in ml.SETTINGS}
    cells: dict[str, str] = {}
    for s in ml.SETTINGS:
        found = state.settings.get(s.label)
        if found is not None:
            raw[s.key] = found.value
            cells[s.key] = found.cell

    def bad(key: str, what: str) -> MailError:
        return MailError(what, file=file, sheet=ml.SETTINGS_SHEET, cell=cells.get(key))

    deadline: date | None = None
    value = raw["deadline"]
    if isinstance(value, datetime):
        deadline = value.date()
    elif isinstance(value, date):
        deadline = value
    elif str(value).strip():
        try:
            deadline = datetime.strptime(str(value).strip(), "%d/%m/%Y").date()
        except ValueError:
            raise bad(
                "deadline", f"Hạn gửi lại phải là ngày dd/mm/yyyy, đang là «{value}»."
            ) from None
    numbers: dict[str, float] = {}
    # A size of 0 or less would call every file too large; a port outside 1–65535 fails only
    # when the server is reached.
    for key, what in (
        ("max_attachment_mb", "một số lớn hơn 0"),
        ("smtp_port", "một số nguyên từ 1 đến 65535"),
    ):
        label = ml.setting_label(key)
        try:
            number = float(raw[key])
        except (TypeError, ValueError):
            raise bad(key, f"«{label}» phải là một số, đang là «{raw[key]}».") from None
        if key == "max_attachment_mb":
            fits = number > 0 and not math.isinf(number)
        else:
            fits = number.is_integer() and 1 <= number <= 65535
        if not fits:
            raise bad(key, f"«{label}» phải là {what}, đang là «{raw[key]}».")
        numbers[key] = number
    limit, port = numbers["max_attachment_mb"], int(numbers["smtp_port"])
    addresses: dict[str, str] = {}
    for key in ("sender_address", "reply_to"):
        address = email_address(str(raw[key] or ""))
        problem = email_problem(address) if address else None
        if problem:
            label = ml.setting_label(key)
            raise bad(key, f"«{label}»: {problem} (chỉ ghi một địa chỉ).")
        addresses[key] = address
    mode = str(raw["smtp_mode"]).strip().lower()
    if mode not in ("starttls", "ssl"):
        raise bad("smtp_mode", f"Bảo mật SMTP phải là starttls hoặc ssl, đang là «{mode}».")
    return MailSettings(
        # A header holds one line: a line break pasted into the name is a space there.
        sender_name=" ".join(str(raw["sender_name"] or "").split()),
        sender_address=addresses["sender_address"],
        reply_to=addresses["reply_to"],
        deadline=deadline,
        max_attachment_mb=limit,
        smtp_host=str(raw["smtp_host"]).strip(),
        smtp_port=port,
        smtp_mode=mode,
        smtp_user=str(raw["smtp_user"]).strip(),
    )


# --- templates --------------------------------------------------------------------------------


@functools.lru_cache(maxsize=8)
def _environment(templates: Path, html: bool) -> jinja2.Environment:
    """One environment per folder and escaping: its cache compiles each template once per run
    (and again only when the file changes), not once per message."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates),
        autoescape=html,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )


def render(templates: Path, kind: str, context: Mapping[str, Any]) -> tuple[str, str, str]:
    """(subject, text, html) of template ``email-<kind>``; the text's first line is the subject."""
    try:
        text = _environment(templates, False).get_template(f"email-{kind}.txt.j2").render(context)
        html = _environment(templates, True).get_template(f"email-{kind}.html.j2").render(context)
    except jinja2.TemplateError as err:
        raise MailError(f"Mẫu thư lỗi: {template_error_text(err)}.", file=templates) from err
    subject, _, body = text.lstrip("\n").partition("\n")
    return " ".join(subject.split()), body.lstrip("\n"), html


# --- the message ------------------------------------------------------------------------------


def attachment_name(agency_name: str, plan_number: str) -> str:
    """The attached workbook's name: the agency's Vietnamese name and the plan's number
    ("… - KH 512.xlsx"), valid on Windows."""
    name = "".join("_" if ch in _FORBIDDEN or ord(ch) < 32 else ch for ch in agency_name)
    number = "".join(ch for ch in plan_number.split("/")[0] if ch not in _FORBIDDEN).strip()
    return unicodedata.normalize("NFC", f"{name.strip(' .')} - KH {number}.xlsx")


def _rfc2047_words(text: str) -> list[str]:
    return Header(text, "utf-8", maxlinelen=_LINE - 8).encode().split("\n ")


def _rfc2231_lines(param: str, text: str) -> list[str]:
    encoded = quote(text.encode("utf-8"), safe="")
    chunks: list[str] = []
    while encoded:
        cut = min(len(encoded), 56)
        while cut < len(encoded) and "%" in encoded[cut - 2 : cut]:
            cut -= 1  # never split a %XX escape
        chunks.append(encoded[:cut])
        encoded = encoded[cut:]
    return [
        f"{param}*{i}*={'utf-8' + chr(39) * 2 if i == 0 else ''}{chunk}"
        for i, chunk in enumerate(chunks)
    ]


def attachment_part(
    data: bytes, filename: str, content_type: tuple[str, str] = XLSX_TYPE
) -> EmailMessage:
    """The MIME part of an attachment with both name parameters (see the module's note)."""
    words = _rfc2047_words(filename)
    # The type on a line of its own: "Content-Type: application/vnd.openxml…sheet;" is 83
    # characters, and a long line is refolded (badly, see above).
    lines = ["Content-Type:", f" {content_type[0]}/{content_type[1]};", f' name="{words[0]}']
    lines[-1] += '"' if len(words) == 1 else ""
    lines += [f" {w}" for w in words[1:-1]] + ([f' {words[-1]}"'] if len(words) > 1 else [])
    disposition = _rfc2231_lines("filename", filename)
    lines.append("Content-Disposition: attachment;")
    lines += [f" {p};" for p in disposition[:-1]] + [f" {disposition[-1]}"]
    lines += ["Content-Transfer-Encoding: base64", "", ""]
    part = email.message_from_string("\r\n".join(lines), policy=policy.SMTP)
    assert isinstance(part, EmailMessage)  # policy.SMTP's message factory
    # The body as a parse of the whole text would give it, without the parser's line by line
    # pass over the base64: lines of 76 characters, CRLF after each (as ``encodebytes``).
    encoded = base64.b64encode(data).decode("ascii")
    part.set_payload(
        "".join(
            encoded[i : i + _BASE64_LINE] + "\r\n" for i in range(0, len(encoded), _BASE64_LINE)
        )
    )
    return part


def compose(
    agency: Agency,
    file_name: str,
    data: bytes,
    counts: Counts,
    settings: MailSettings,
    kind: str,
    *,
    templates: Path,
    today: date,
    plan_number: str,
) -> EmailMessage:
    """The message to ``agency`` with its workbook ``data`` attached as ``attachment_name``."""
    if not settings.sender_address:
        label = ml.setting_label("sender_address")
        raise MailError(
            f"Chưa có «{label}» ở trang «{ml.SETTINGS_SHEET}».", sheet=ml.SETTINGS_SHEET
        )
    deadline = settings.deadline or today + timedelta(days=DEFAULT_DEADLINE_DAYS)
    context = {
        "plan_number": plan_number,
        "agency_name": agency.name,
        "lead": counts.lead,
        "coordinating": counts.coordinating,
        "total": counts.lead + counts.coordinating,
        "file_name": attachment_name(agency.name, plan_number),
        "deadline": deadline.strftime("%d/%m/%Y"),
        "as_of": today.strftime("%d/%m/%Y"),
        "sender_name": settings.sender_name,
        "return_address": settings.return_address,
        "items": counts.items,
        "not_reported": counts.not_reported,
    }
    subject, text, html = render(templates, kind, context)
    body = EmailMessage(policy=policy.SMTP)
    body.set_content(text, cte="quoted-printable")
    body.add_alternative(html, subtype="html", cte="quoted-printable")
    body.make_mixed()
    body.attach(attachment_part(data, attachment_name(agency.name, plan_number)))
    to, cc = recipients(agency)
    headers = {
        "Subject": _encoded(subject),
        "From": formataddr((settings.sender_name, settings.sender_address), charset="utf-8"),
        "To": ", ".join(to),
        "Cc": ", ".join(cc),
        "Reply-To": settings.reply_to,
        "Date": format_datetime(datetime.combine(today, datetime.min.time()).astimezone()),
        "Message-ID": make_msgid(domain=settings.sender_address.rpartition("@")[2] or None),
    }
    return _with_headers({k: v for k, v in headers.items() if v}, body)


def _encoded(text: str) -> str:
    """RFC 2047, folded: email.header's encoder, since policy.SMTP's folder drops the space
    between two encoded words of a Vietnamese subject ("512/KH-UBND:Sở")."""
    if text.isascii():
        return Header(text, "us-ascii", maxlinelen=_LINE, header_name="Subject").encode("\r\n")
    return Header(text, "utf-8", maxlinelen=_LINE, header_name="Subject").encode("\r\n")


def _with_headers(headers: Mapping[str, str], body: EmailMessage) -> EmailMessage:
    """``body`` under ``headers``, each folded as policy.SMTP folds it (``_header_lines``):
    every line is then under 78 characters, so the message is generated again byte for byte
    (policy.SMTP refolds only long lines) and the transports fold nothing. Only the headers
    are parsed: the body stays the MIME text just generated, which the transports write out
    as it is instead of generating the attachment's base64 again (a receiver, and the tests,
    parse it whole). It is what a headers-only parse of the whole text gives: the headers
    parsed, the text after the blank line as the payload, without the parser's pass over it."""
    lines = "".join(_header_lines(name, value) for name, value in headers.items())
    head, blank, text = body.as_bytes(policy=policy.SMTP).partition(b"\r\n\r\n")
    msg = BytesParser(policy=policy.SMTP).parsebytes(
        lines.encode("ascii") + head + blank, headersonly=True
    )
    assert isinstance(msg, EmailMessage)  # policy.SMTP's message factory
    msg.set_payload(text.decode("ascii", "surrogateescape"))  # as BytesParser decodes it
    return msg


@functools.lru_cache(maxsize=64)
def _header_lines(name: str, value: str) -> str:
    """``name: value`` as policy.SMTP writes it, CRLF-terminated: as given when it fits a line,
    else folded by the policy's header parser, what a generator would do to it in every
    message (the sender's name, encoded, is longer than a line), once per run."""
    line = f"{name}: {value}"
    if len(line) <= _HEADER_LINE and "\n" not in value:
        return line + "\r\n"
    folded: str = policy.SMTP.fold(name, value)
    return folded


def recipients(agency: Agency) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """To: the directory's first address; Cc: the others."""
    return agency.emails[:1], agency.emails[1:]


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
