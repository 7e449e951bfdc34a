"""A run of the button "Tạo thư nháp" / ``kehoach mail``: from the master's state to messages
and log edits.

``plan_mail`` reads the settings sheet, the directory and the manifest of the agency files, and
prepares one ``Outgoing`` per agency (``mail_send.prepare``): the agency files, or, with
``reminders``, a reminder to each agency that has not reported or has overdue tasks, listing
only that agency's outstanding items (``reminder_counts``, from ``kehoach.summary.compute``). A file
already delivered to an agency (send log) is skipped unless ``resend``. An agency that cannot
get a message (no address, file too large or missing) stays in the list with its reason.
``dry_run_lines`` says what would go where; ``finish`` sends and gives the log edits. Nothing
here prints, asks or reads a password from the user (the shells do).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from kehoach.mail.compose import (
    Counts,
    Item,
    MailError,
    MailSettings,
    Outgoing,
    settings_from_values,
)
from kehoach.mail.send import (
    SendResult,
    Transport,
    log_edits,
    prepare,
    read_manifest,
    send_all,
    sent_before,
)
from kehoach.sheets import layout
from kehoach.sheets import mail_layout as ml
from kehoach.sheets import summary_layout as sl
from kehoach.sheets.edits import Edit
from kehoach.state.master import MasterState

ALERT_TITLE = "Tạo thư nháp email"
WOULD_SEND = "Sẽ gửi"

# The sheets a run reads: settings, directory, the tasks sheet (the plan's number), the log.
SHEETS_READ: tuple[str, ...] = (
    ml.SETTINGS_SHEET,
    layout.DIRECTORY_SHEET,
    layout.TASKS_SHEET,
    ml.LOG_SHEET,
)


def sheets_read(reminders: bool) -> tuple[str, ...]:
    """The sheets a run reads; with ``reminders``, also those the summary reads."""
    if not reminders:
        return SHEETS_READ
    from kehoach.summary.compute import SHEETS_READ as SUMMARY

    return tuple(dict.fromkeys((*SHEETS_READ, *SUMMARY)))


@dataclass
class MailPlan:
    """What a run will do: ``todo`` (messages, and agencies with a problem), ``skipped``
    (already delivered, not sent again)."""

    settings: MailSettings
    kind: str
    channel: str
    todo: list[Outgoing]
    skipped: list[Outgoing] = field(default_factory=list)

    @property
    def problems(self) -> list[Outgoing]:
        return [o for o in self.todo if o.message is None]


def reminder_counts(state: MasterState, today: date) -> dict[str, Counts]:
    """Per agency to remind: its task counts and outstanding items (overdue on ``today``).
    An agency is reminded when it has sent no accepted file or has an overdue task."""
    from kehoach.summary.compute import not_reported, summarize

    summary = summarize(state, today)
    items = summary.items
    silent = {n.code for n in not_reported(summary)}
    out: dict[str, Counts] = {}
    for agency, group in items.groupby("agency", sort=False):
        overdue = group[group["status"] == sl.OVERDUE]
        if agency not in silent and overdue.empty:
            continue
        listed = tuple(
            Item(
                str(r["task_id"]),
                str(r["appendix"]),
                str(r["code"]),
                _due_text(r["due"]),
                f"{sl.STATUS_LABELS[sl.OVERDUE]} ({r['status_text'] or 'chưa báo cáo'})",
            )
            for _, r in overdue.iterrows()
        )
        lead = int((group["role"] == "lead").sum())
        out[str(agency)] = Counts(lead, len(group) - lead, listed, agency in silent)
    return out


def _due_text(value: Any) -> str:
    if isinstance(value, datetime):
        value = value.date()
    return value.strftime("%d/%m/%Y") if isinstance(value, date) else ""


def plan_mail(
    state: MasterState,
    folder: Path,
    channel: str,
    *,
    templates: Path,
    today: date,
    reminders: bool = False,
    resend: bool = False,
) -> MailPlan:
    """Prepare the run (see the module's docstring); raises MailError / WorkbookError before
    anything is sent when the settings, directory or manifest are not usable."""
    file = state.file
    settings = settings_from_values(state)
    if not settings.sender_address:
        label = ml.setting_label("sender_address")
        if ml.SETTINGS_SHEET not in state.sheets:
            raise MailError(
                f"Thiếu trang tính «{ml.SETTINGS_SHEET}» (bị xóa hoặc đổi tên?): trả lại tên cũ, "
                "hoặc chạy lệnh «kehoach build» để tạo lại trang, rồi điền "
                f"«{label}» vào cột «Giá trị».",
                file=file,
                sheet=ml.SETTINGS_SHEET,
            )
        raise MailError(
            f"Chưa có «{label}» ở trang «{ml.SETTINGS_SHEET}»: điền vào cột «Giá trị» rồi gửi lại.",
            file=file,
            sheet=ml.SETTINGS_SHEET,
        )
    directory = state.directory
    files = read_manifest(folder)
    kind = ml.KIND_REMINDER if reminders else ml.KIND_COVER
    counts = reminder_counts(state, today) if reminders else None
    skip = set() if resend else sent_before(state, channel)
    todo, skipped = prepare(
        directory,
        files,
        folder,
        settings,
        kind,
        templates=templates,
        today=today,
        counts=counts,
        plan_number=state.plan_number,
        skip=skip,
    )
    if counts is not None:  # an agency to remind without a file of its own: listed too
        index = directory.index()
        in_manifest = {f.agency for f in files}
        for code in counts:
            if code not in in_manifest:
                agency = index.get(code)
                name = agency.name if agency else code
                to, cc = (agency.emails[:1], agency.emails[1:]) if agency else ((), ())
                todo.append(
                    Outgoing(code, name, kind, to, cc, "", "", problem=ml.NO_FILE, detail="")
                )
    return MailPlan(settings, kind, channel, todo, skipped)


def dry_run_lines(plan: MailPlan) -> list[str]:
    """What would go where, one line per agency (nothing is sent)."""
    lines = []
    for o in plan.todo:
        where = ", ".join(o.to + o.cc) or "—"
        result = WOULD_SEND if o.message is not None else o.problem
        detail = f": {o.detail}" if o.detail else ""
        lines.append(f"[{result}] {o.agency} {o.agency_name} → {where} ({o.file}){detail}")
    for o in plan.skipped:
        lines.append(f"[đã gửi trước đó, bỏ qua] {o.agency} {o.agency_name} ({o.file})")
    return lines


def finish(
    plan: MailPlan,
    transport: Transport,
    state: MasterState,
    now: datetime,
) -> tuple[list[SendResult], list[Edit]]:
    """Send (or draft) every message; the results and the edits appending them to the log."""
    results = send_all(plan.todo, transport, now)
    return results, log_edits(state, results)


def stored_password(user: str) -> str | None:
    """The SMTP password from the environment variable ``mail_layout.PASSWORD_ENV``, else from
    the OS keyring (service ``mail_layout.KEYRING_SERVICE``) when the ``keyring`` package is
    installed; None when neither has it (the shell then asks)."""
    password = os.environ.get(ml.PASSWORD_ENV)
    if password:
        return password
    try:
        import keyring
        from keyring.errors import KeyringError
    except ImportError:
        return None
    try:
        value = keyring.get_password(ml.KEYRING_SERVICE, user)
    except KeyringError:
        return None
    return str(value) if value else None


def alert_text(results: Sequence[SendResult], skipped: int, folder: str) -> str:
    """The button's message: counts, where the drafts are, who got nothing and why."""
    from kehoach.mail.send import summary_text

    lines = [summary_text(results, skipped)]
    if any(r.result == ml.DRAFTED for r in results):
        lines.append(f"Bản nháp (.eml) ở thư mục {folder}: mở bằng Outlook để xem và gửi.")
    missing = [r for r in results if not r.ok]
    if missing:
        lines.append("Không tạo được thư cho:")
        lines += [
            f"- {r.outgoing.agency_name} ({r.outgoing.agency}): {r.result}"
            + (f" ({r.detail})" if r.detail else "")
            for r in missing
        ]
    return "\n".join(lines)
