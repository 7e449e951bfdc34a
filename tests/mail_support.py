"""Agencies, files and settings for the e-mail tests; a parser for what was sent."""

from __future__ import annotations

import email
import json
from email import policy
from email.message import EmailMessage
from pathlib import Path

from kehoach.directory import Agency, Directory
from kehoach.mail_compose import MailSettings
from kehoach.mail_send import ManifestFile

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
