"""Agencies, files and settings for the e-mail tests; a parser for what was sent."""

from __future__ import annotations

import email
import json
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from kehoach.agencies.directory import Agency, Directory
from kehoach.mail.compose import MailSettings
from kehoach.mail.send import ManifestFile
from kehoach.sheets import layout
from kehoach.sheets import mail_layout as ml
from kehoach.sheets.sheetdata import workbook_values

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
SNV = Agency("SNV", "Sở Nội vụ", "department", ("snv@backan.gov.vn", "vanthu.snv@backan.gov.vn"))
BABE = Agency("UBND-BABE", "Ủy ban nhân dân huyện Ba Bể", "district", ("ubnd@babe.backan.gov.vn",))
NOMAIL = Agency("STP", "Sở Tư pháp", "department", ())
DIRECTORY = Directory([SNV, BABE, NOMAIL])
SETTINGS = MailSettings(
    sender_name="Sở Nội vụ tỉnh Bắc Kạn",
    sender_address="cchc@backan.gov.vn",
    reply_to="baocao.cchc@backan.gov.vn",
    max_attachment_mb=1,
)


def make_files(folder: Path) -> list[ManifestFile]:
    """Three agency workbooks (distinct bytes, one with a zero and high bytes) and manifest.json."""
    folder.mkdir(parents=True, exist_ok=True)
    entries = [
        ManifestFile("So-Noi-vu.xlsx", "SNV", 88, 50),
        ManifestFile("UBND-huyen-Ba-Be.xlsx", "UBND-BABE", 101, 67),
        ManifestFile("So-Tu-phap.xlsx", "STP", 3, 4),
    ]
    for i, e in enumerate(entries):
        (folder / e.file).write_bytes(
            b"PK\x03\x04" + bytes(range(256)) * (10 + i) + e.agency.encode()
        )
    (folder / "manifest.json").write_text(
        json.dumps(
            {
                "files": [
                    {
                        "file": e.file,
                        "agency": e.agency,
                        "lead_tasks": e.lead,
                        "coordinating_tasks": e.coordinating,
                    }
                    for e in entries
                ]
            }
        ),
        encoding="utf-8",
    )
    return entries


def parse(data: bytes) -> EmailMessage:
    msg = email.message_from_bytes(data, policy=policy.default)
    assert isinstance(msg, EmailMessage)
    return msg


def bodies(msg: EmailMessage) -> tuple[str, str]:
    text = msg.get_body(("plain",))
    html = msg.get_body(("html",))
    assert text is not None and html is not None
    return text.get_content(), html.get_content()


def attachments(msg: EmailMessage) -> list[tuple[str | None, bytes]]:
    return [(a.get_filename(), a.get_content()) for a in msg.iter_attachments()]


# --- the real master, for the CLI and the button ---------------------------------------------

SENDER = "cchc@backan.gov.vn"
EMAILS = {"SNV": "snv@backan.gov.vn;vanthu.snv@backan.gov.vn", "HDND": "vp@hdnd.backan.gov.vn"}
FILES = {"SNV": "So-Noi-vu.xlsx", "STP": "So-Tu-phap.xlsx", "HDND": "HDND-tinh.xlsx"}


def prepare_master(path: Path, emails: dict[str, str] = EMAILS) -> Path:
    """Give SNV and HĐND addresses (STP none) and fill the sender's address in «Cài đặt»."""
    wb = load_workbook(path, keep_vba=True)
    ws = wb[layout.DIRECTORY_SHEET]
    col = layout.column_index(layout.DIRECTORY_COLUMNS, "emails")
    for row in ws.iter_rows(min_row=layout.FIRST_DATA_ROW):
        if row[0].value in emails:
            row[col - 1].value = emails[row[0].value]
    if ml.SETTINGS_SHEET not in wb.sheetnames:  # a master built before the e-mail sheets
        wb.create_sheet(ml.SETTINGS_SHEET)
    settings = wb[ml.SETTINGS_SHEET]
    for n, s in enumerate(ml.SETTINGS, start=ml.FIRST_DATA_ROW):
        settings.cell(n, 1, s.label)
        if s.key == "sender_address":
            settings.cell(n, 2, SENDER)
    wb.save(path)
    return path


def make_folder(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    entries = []
    for i, (code, name) in enumerate(FILES.items()):
        (folder / name).write_bytes(b"PK\x03\x04" + bytes(range(256)) * (5 + i) + code.encode())
        entries.append({"file": name, "agency": code, "lead_tasks": 2 + i, "coordinating_tasks": 1})
    (folder / "manifest.json").write_text(json.dumps({"files": entries}), encoding="utf-8")
    return folder


def log_rows(path: Path) -> list[dict[str, Any]]:
    rows = workbook_values(path)[ml.LOG_SHEET][ml.FIRST_DATA_ROW - 1 :]
    keys = [c.key for c in ml.LOG_COLUMNS]
    return [dict(zip(keys, r, strict=False)) for r in rows if any(v is not None for v in r)]
