"""E-mail to the agencies, sent: what to send to whom, two ways out, the send log.

``prepare`` builds one ``Outgoing`` per agency of a manifest (or, for reminders, per agency that
has not reported or has overdue tasks), skipping a file already sent to that agency unless asked.
``send_all(outgoing, transport, now)`` hands each message to a transport and returns one
``SendResult`` each; an agency without a message (no address, file too large) gets one too,
never silently dropped. Transports: ``EmlDirTransport`` writes ``.eml`` drafts for the official
to review and send from the mail client; ``SmtpTransport`` sends over SSL or STARTTLS with a
verified certificate (``ssl.create_default_context()``: chain and hostname), and refuses to log
in over a connection that is not encrypted unless the server is on this machine (tests).
A refused recipient, a refused login or a lost connection is reported for that message and the
run goes on (reconnecting after a lost connection; after a refused login it does not try again,
so as not to lock the account). ``log_edits`` appends the results to the master's send log.
"""

from __future__ import annotations

import ipaddress
import json
import smtplib
import ssl
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any, Protocol

from kehoach.agencies.directory import Directory
from kehoach.common.errors import os_error_text
from kehoach.common.safenames import safe_file_name
from kehoach.mail.compose import (
    Counts,
    MailError,
    MailSettings,
    Outgoing,
    compose,
    recipients,
    sha256_of,
)
from kehoach.sheets import extract_layout as ex
from kehoach.sheets import mail_layout as ml
from kehoach.sheets.edits import Edit, EnsureSheet, WriteValues
from kehoach.state.master import MasterState


@dataclass(frozen=True)
class SendResult:
    outgoing: Outgoing
    channel: str  # mail_layout.CHANNEL_*
    result: str  # mail_layout.SENT / DRAFTED / FAILED / NO_ADDRESS / TOO_LARGE / NO_FILE
    detail: str
    time: datetime

    @property
    def ok(self) -> bool:
        return self.result in ml.OK_RESULTS

    def row(self) -> list[Any]:
        o = self.outgoing
        values = {
            "time": self.time,
            "agency": o.agency,
            "agency_name": o.agency_name,
            "kind": ml.KIND_LABELS[o.kind],
            "to": ", ".join(o.to),
            "cc": ", ".join(o.cc),
            "file": o.file,
            "sha256": o.sha256,
            "channel": self.channel,
            "result": self.result,
            "detail": self.detail,
        }
        return [values[c.key] for c in ml.LOG_COLUMNS]

    def line(self) -> str:
        o = self.outgoing
        where = ", ".join(o.to + o.cc) or "—"
        detail = f": {self.detail}" if self.detail else ""
        return f"[{self.result}] {o.agency} {o.agency_name} → {where} ({o.file}){detail}"


class Transport(Protocol):
    channel: str

    def send(self, message: EmailMessage, outgoing: Outgoing) -> str:
        """Deliver ``message``; return a detail text; raise to report a failure."""

    def close(self) -> None: ...


# --- what to send -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ManifestFile:
    file: str
    agency: str
    lead: int
    coordinating: int


def read_manifest(folder: Path) -> list[ManifestFile]:
    """The files of ``folder/manifest.json`` (written by ``kehoach extract``)."""
    path = folder / ex.MANIFEST_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return [
            ManifestFile(f["file"], f["agency"], int(f["lead_tasks"]), int(f["coordinating_tasks"]))
            for f in data["files"]
        ]
    except (OSError, ValueError, KeyError, TypeError) as err:
        if isinstance(err, OSError):
            why = os_error_text(err)
        elif isinstance(err, KeyError):
            why = f"thiếu mục «{err.args[0]}»"
        else:
            why = "nội dung không phải danh sách tệp JSON hợp lệ"
        raise MailError(
            f"Không đọc được danh sách tệp {ex.MANIFEST_FILE} (tạo lại bằng «Tạo file cho cơ "
            f"quan»): {why}.",
            file=path,
        ) from err


def sent_before(state: MasterState, channel: str) -> set[tuple[str, str]]:
    """(agency, sha256) pairs of the send log already delivered: sent by SMTP, or (for drafts)
    drafted; only the file-sending messages count (reminders may be repeated)."""
    keys = [c.key for c in ml.LOG_COLUMNS]
    col = {k: keys.index(k) for k in ("agency", "sha256", "kind", "result", "channel")}
    out: set[tuple[str, str]] = set()
    for entry in state.register(ml.LOG_SHEET):
        cells = list(entry.cells) + [None] * (len(keys) - len(entry.cells))
        if cells[col["kind"]] != ml.KIND_LABELS[ml.KIND_COVER]:
            continue
        if cells[col["result"]] == ml.SENT or (
            cells[col["result"]] == ml.DRAFTED and channel == ml.CHANNEL_DRAFT
        ):
            out.add((str(cells[col["agency"]]), str(cells[col["sha256"]])))
    return out


def prepare(
    directory: Directory,
    files: Sequence[ManifestFile],
    folder: Path,
    settings: MailSettings,
    kind: str,
    *,
    templates: Path,
    today: date,
    counts: Mapping[str, Counts] | None = None,
    skip: set[tuple[str, str]] | frozenset[tuple[str, str]] = frozenset(),
    plan_number: str = "",
) -> tuple[list[Outgoing], list[Outgoing]]:
    """(to send, skipped as already sent). ``counts`` (reminders) limits the run to those
    agencies and gives their outstanding items; otherwise every file of the manifest goes."""
    index = directory.index()
    todo: list[Outgoing] = []
    skipped: list[Outgoing] = []
    for entry in files:
        if counts is not None and entry.agency not in counts:
            continue
        agency = index.get(entry.agency)
        if agency is None:
            raise MailError(
                f"Cơ quan mã «{entry.agency}» của tệp {entry.file} không có trong danh bạ."
            )
        to, cc = recipients(agency)
        base = Outgoing(agency.code, agency.name, kind, to, cc, entry.file, "")
        path = folder / entry.file
        if not path.is_file():
            todo.append(replace(base, problem=ml.NO_FILE, detail=str(path)))
            continue
        data = path.read_bytes()
        base = replace(base, sha256=sha256_of(data))
        if not to:
            todo.append(replace(base, problem=ml.NO_ADDRESS))
            continue
        if len(data) > settings.max_attachment_bytes:
            todo.append(
                replace(
                    base,
                    problem=ml.TOO_LARGE,
                    detail=f"{len(data) / 1048576:.1f} MB, "
                    f"tối đa {settings.max_attachment_mb:g} MB",
                )
            )
            continue
        if kind == ml.KIND_COVER and (agency.code, base.sha256) in skip:
            skipped.append(base)
            continue
        c = (counts or {}).get(agency.code) or Counts(entry.lead, entry.coordinating)
        msg = compose(
            agency,
            entry.file,
            data,
            c,
            settings,
            kind,
            templates=templates,
            today=today,
            plan_number=plan_number,
        )
        todo.append(replace(base, message=msg))
    return todo, skipped


# --- sending ----------------------------------------------------------------------------------


def send_all(outgoing: Sequence[Outgoing], transport: Transport, now: datetime) -> list[SendResult]:
    """Hand each message to ``transport``; one result per item, failures included."""
    ok_result = ml.DRAFTED if transport.channel == ml.CHANNEL_DRAFT else ml.SENT
    results: list[SendResult] = []
    try:
        for item in outgoing:
            if item.message is None:
                results.append(SendResult(item, transport.channel, item.problem, item.detail, now))
                continue
            try:
                detail = transport.send(item.message, item)
            except (smtplib.SMTPException, OSError, MailError) as err:
                results.append(SendResult(item, transport.channel, ml.FAILED, error_text(err), now))
            else:
                results.append(SendResult(item, transport.channel, ok_result, detail, now))
    finally:
        transport.close()
    return results


def error_text(err: BaseException) -> str:
    """A failure as the log and the official read it."""
    if isinstance(err, smtplib.SMTPRecipientsRefused):
        refused = ", ".join(f"{a} ({c} {_text(m)})" for a, (c, m) in err.recipients.items())
        return f"Máy chủ từ chối địa chỉ nhận: {refused}"
    if isinstance(err, smtplib.SMTPAuthenticationError):
        return f"Đăng nhập bị từ chối: {err.smtp_code} {_text(err.smtp_error)}"
    if isinstance(err, smtplib.SMTPServerDisconnected):
        return f"Mất kết nối tới máy chủ: {err}"
    if isinstance(err, ssl.SSLCertVerificationError):
        return f"Chứng chỉ máy chủ không hợp lệ: {err.verify_message}"
    if isinstance(err, smtplib.SMTPResponseException):
        return f"Máy chủ trả lời lỗi: {err.smtp_code} {_text(err.smtp_error)}"
    if isinstance(err, MailError):
        return err.message
    return f"{type(err).__name__}: {err}"


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value


class EmlDirTransport:
    """Writes each message as ``<workbook's name>.eml`` (a draft, ``X-Unsent: 1``) into
    ``folder``."""

    channel = ml.CHANNEL_DRAFT

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def send(self, message: EmailMessage, outgoing: Outgoing) -> str:
        stem = safe_file_name(Path(outgoing.file).stem or outgoing.agency_name)
        suffix = "" if outgoing.kind == ml.KIND_COVER else f"-{outgoing.kind}"
        path = self.folder / f"{stem}{suffix}.eml"
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            # X-Unsent: Outlook opens the file as a draft with a Send button, not as received
            # mail.
            path.write_bytes(b"X-Unsent: 1\r\n" + message.as_bytes(policy=policy.SMTP))
        except OSError as err:
            raise MailError(
                f"không ghi được bản nháp {path.name} vào thư mục «{self.folder}»: "
                f"{os_error_text(err)}"
            ) from err
        return str(path)

    def close(self) -> None:
        pass


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class SmtpTransport:
    """Sends through an SMTP server: ``mode`` "ssl" (implicit TLS, port 465), "starttls"
    (port 587) or "plain" (loopback servers only when logging in). The certificate is checked
    with ``ssl_context`` (default: the system's trust store, hostname checked)."""

    channel = ml.CHANNEL_SMTP

    def __init__(
        self,
        host: str,
        port: int,
        mode: str = "starttls",
        user: str = "",
        password: str = "",
        *,
        ssl_context: ssl.SSLContext | None = None,
        timeout: float = 30.0,
    ) -> None:
        if mode not in ("ssl", "starttls", "plain"):
            raise MailError(f"Chế độ SMTP không hợp lệ: «{mode}» (ssl, starttls).")
        if user and mode == "plain" and not is_loopback(host):
            raise MailError(
                f"Không đăng nhập vào {host} qua kết nối không mã hóa: dùng --starttls hoặc --ssl."
            )
        self.host, self.port, self.mode = host, port, mode
        self.user, self.password = user, password
        self.context = ssl_context or ssl.create_default_context()
        self.timeout = timeout
        self._smtp: smtplib.SMTP | None = None
        self._login_refused: smtplib.SMTPAuthenticationError | None = None

    def _connect(self) -> smtplib.SMTP:
        if self._login_refused is not None:
            raise self._login_refused  # never retry a refused password
        if self._smtp is not None:
            return self._smtp
        smtp: smtplib.SMTP
        if self.mode == "ssl":
            smtp = smtplib.SMTP_SSL(
                self.host, self.port, timeout=self.timeout, context=self.context
            )
        else:
            smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        try:
            smtp.ehlo()
            if self.mode == "starttls":
                if not smtp.has_extn("starttls"):
                    raise MailError(f"Máy chủ {self.host} không hỗ trợ STARTTLS; không gửi.")
                smtp.starttls(context=self.context)  # verifies chain and hostname
                smtp.ehlo()
            if self.user:
                try:
                    smtp.login(self.user, self.password)
                except smtplib.SMTPAuthenticationError as err:
                    self._login_refused = err
                    raise
        except BaseException:
            smtp.close()
            raise
        self._smtp = smtp
        return smtp

    def send(self, message: EmailMessage, outgoing: Outgoing) -> str:
        smtp = self._connect()
        try:
            refused = smtp.send_message(message)
        except (smtplib.SMTPServerDisconnected, OSError):
            self._drop()
            raise
        except smtplib.SMTPResponseException as err:
            if err.smtp_code == 421:  # the server is closing the connection
                self._drop()
            raise
        except smtplib.SMTPRecipientsRefused:
            raise
        if refused:
            return "Không nhận: " + ", ".join(f"{a} ({c})" for a, (c, _) in refused.items())
        return ""

    def _drop(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            smtp.close()

    def close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            try:
                smtp.quit()
            except (smtplib.SMTPException, OSError):
                smtp.close()


# --- the log ----------------------------------------------------------------------------------


def log_edits(state: MasterState, results: Sequence[SendResult]) -> list[Edit]:
    """Append ``results`` to the send log (after its last non-blank row)."""
    values = state.sheets
    rows = values.get(ml.LOG_SHEET, ())
    last = ml.FIRST_DATA_ROW - 1
    for number, row in enumerate(rows, start=1):
        if number >= ml.FIRST_DATA_ROW and any(v not in (None, "") for v in row):
            last = number
    edits: list[Edit] = [EnsureSheet(ml.LOG_SHEET)]
    if ml.LOG_SHEET not in values:
        edits.append(
            WriteValues(
                ml.LOG_SHEET,
                "A1",
                [  # rectangular: xlwings writes only same-length rows
                    [ml.LOG_TITLE] + [None] * (len(ml.LOG_COLUMNS) - 1),
                    [ml.LOG_NOTE] + [None] * (len(ml.LOG_COLUMNS) - 1),
                    [c.header for c in ml.LOG_COLUMNS],
                ],
            )
        )
    if results:
        edits.append(WriteValues(ml.LOG_SHEET, f"A{last + 1}", [r.row() for r in results]))
    return edits


def summary_text(results: Sequence[SendResult], skipped: int) -> str:
    """The totals, as the CLI's last line and the button's alert say them."""
    counts: dict[str, int] = {}
    for r in results:
        counts[r.result] = counts.get(r.result, 0) + 1
    parts = [f"{n} {label.lower()}" for label, n in counts.items()]
    if skipped:
        parts.append(f"{skipped} bỏ qua vì đã gửi trước đó")
    return f"{len(results) + skipped} cơ quan: " + (", ".join(parts) or "không có thư nào") + "."
