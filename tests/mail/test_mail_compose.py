"""Composing the agencies' e-mail: templates, headers, Vietnamese subject and attachment names
(RFC 2047 and RFC 2231, checked in the raw bytes), settings, and the .eml drafts parsed back."""

from __future__ import annotations

import base64
import email
import sys
from dataclasses import replace
from datetime import date, datetime
from email import policy
from email.parser import BytesParser
from email.utils import formataddr
from pathlib import Path

import pytest

from kehoach.agencies.directory import Agency
from kehoach.mail.compose import (
    Counts,
    Item,
    MailError,
    MailSettings,
    attachment_name,
    attachment_part,
    compose,
    settings_from_values,
)
from kehoach.mail.send import EmlDirTransport, log_edits, prepare, send_all, sent_before
from kehoach.sheets import mail_layout as ml
from kehoach.state.master import state_from_values
from mail_support import (
    BABE,
    DIRECTORY,
    SETTINGS,
    SNV,
    TEMPLATES,
    attachments,
    bodies,
    make_files,
    parse,
)

TODAY = date(2023, 9, 1)
NOW = datetime(2023, 9, 1, 8, 30)
PLAN_NUMBER = "365/KH-UBND"


def cover(agency: Agency = BABE, data: bytes = b"xlsx\x00\xff") -> bytes:
    msg = compose(
        agency,
        "f.xlsx",
        data,
        Counts(101, 67),
        SETTINGS,
        ml.KIND_COVER,
        templates=TEMPLATES,
        today=TODAY,
        plan_number=PLAN_NUMBER,
    )
    return msg.as_bytes()


def test_cover_message_headers_bodies_and_attachment_parse_back() -> None:
    raw = cover()
    msg = parse(raw)
    assert (
        msg["Subject"]
        == "Kế hoạch 365/KH-UBND: tệp báo cáo tiến độ của Ủy ban nhân dân huyện Ba Bể"
    )
    assert msg["To"] == "ubnd@babe.backan.gov.vn" and msg["Cc"] is None
    assert msg["From"].addresses[0].display_name == "Sở Nội vụ tỉnh Bắc Kạn"
    assert msg["From"].addresses[0].addr_spec == "cchc@backan.gov.vn"
    assert msg["Reply-To"] == "baocao.cchc@backan.gov.vn"
    text, html = bodies(msg)
    assert (
        "168 nhiệm vụ" in text and "101 nhiệm vụ chủ trì" in text and "67 nhiệm vụ phối hợp" in text
    )
    assert "trước ngày 15/09/2023" in text and "baocao.cchc@backan.gov.vn" in text
    assert "<b>101</b>" in html and "Ủy ban nhân dân huyện Ba Bể" in html
    assert attachments(msg) == [("Ủy ban nhân dân huyện Ba Bể - KH 365.xlsx", b"xlsx\x00\xff")]
    att = next(msg.iter_attachments())
    assert (
        att.get_content_type()
        == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )


def test_raw_headers_are_ascii_encoded_words_and_both_name_parameters() -> None:
    raw = cover()
    head = raw.split(b"\r\n\r\n", 1)[0]
    assert b"Subject: =?utf-8?" in head  # RFC 2047
    assert all(len(line) <= 78 for line in raw.split(b"\r\n"))
    raw.decode("ascii")  # 7-bit clean: no 8BITMIME/SMTPUTF8 needed
    assert (
        b"Content-Type: \r\n application/vnd.openxmlformats-officedocument.spreadsheetml.sheet;"
        b'\r\n name="=?utf-8?b?'
    ) in raw
    assert b"Content-Disposition: attachment;\r\n filename*0*=utf-8''%E1%BB%A6y%20ban" in raw


@pytest.mark.parametrize(
    "name",
    [
        "Sở Nội vụ",
        "Ủy ban nhân dân huyện Ba Bể",
        "Đài Phát thanh - Truyền hình tỉnh Bắc Kạn " * 3,
        "Ban Quản lý các Khu công nghiệp: Bắc Kạn / Thái Nguyên?",
    ],
)
def test_attachment_names_round_trip(name: str) -> None:
    filename = attachment_name(name, PLAN_NUMBER)
    part = attachment_part(b"abc", filename)
    back = parse(part.as_bytes())
    assert back.get_filename() == filename
    assert back.get_param("name") == filename
    assert not set('<>:"/\\|?*') & set(filename)


@pytest.mark.parametrize("size", [0, 1, 56, 57, 58, 114, 1000, 44_386])
def test_attachment_part_is_the_parse_of_its_whole_mime_text(size: int) -> None:
    data = bytes((7 * i) % 256 for i in range(size))
    filename = attachment_name("Sở Nội vụ", PLAN_NUMBER)
    part = attachment_part(data, filename)
    # The same part parsed from the whole text: its headers, a blank line, the base64 body.
    head = part.as_bytes(policy=policy.SMTP).split(b"\r\n\r\n", 1)[0].decode("ascii")
    body = base64.encodebytes(data).decode("ascii").replace("\n", "\r\n")
    whole = email.message_from_string(head + "\r\n\r\n" + body, policy=policy.SMTP)
    assert part.get_payload() == whole.get_payload()
    assert part.as_bytes(policy=policy.SMTP) == whole.as_bytes(policy=policy.SMTP)
    assert parse(part.as_bytes()).get_content() == data


def test_every_header_line_is_stored_folded_so_generating_again_gives_the_same_bytes() -> None:
    settings = replace(SETTINGS, sender_name="Sở Nội vụ tỉnh Bắc Kạn - Phòng Cải cách hành chính")
    msg = compose(
        BABE,
        "f.xlsx",
        b"x" * 300,
        Counts(1, 2),
        settings,
        ml.KIND_COVER,
        templates=TEMPLATES,
        today=TODAY,
        plan_number=PLAN_NUMBER,
    )
    for name, value in msg.raw_items():
        assert all(len(line) <= 78 for line in f"{name}: {value}".splitlines()), name
    sender = formataddr((settings.sender_name, settings.sender_address), charset="utf-8")
    assert len(f"From: {sender}") > 78  # the sender's encoded name alone is longer than a line
    first = msg.as_bytes(policy=policy.SMTP)
    assert policy.SMTP.fold("From", sender).encode("ascii") in first
    assert msg.as_bytes(policy=policy.SMTP) == first
    whole = BytesParser(policy=policy.SMTP).parsebytes(first, headersonly=True)
    assert whole.get_payload() == msg.get_payload()  # the body as a parse of the text gives it
    assert list(whole.raw_items()) == list(msg.raw_items())
    back = parse(first)
    assert back["From"].addresses[0].display_name == settings.sender_name
    assert back["From"].addresses[0].addr_spec == settings.sender_address
    assert attachments(back) == [("Ủy ban nhân dân huyện Ba Bể - KH 365.xlsx", b"x" * 300)]


def test_reminder_lists_only_the_agencys_items_and_escapes_html() -> None:
    items = (Item("PL2-TC-1.1/1", "PL2", "1.1", "31/12/2023", "Quá hạn <chưa báo cáo>"),)
    msg = compose(
        SNV,
        "f.xlsx",
        b"x",
        Counts(3, 1, items),
        SETTINGS,
        ml.KIND_REMINDER,
        templates=TEMPLATES,
        today=date(2024, 1, 15),
        plan_number=PLAN_NUMBER,
    )
    parsed = parse(msg.as_bytes())
    assert parsed["Subject"] == "Nhắc báo cáo Kế hoạch 365/KH-UBND: Sở Nội vụ"
    assert parsed["To"] == "snv@backan.gov.vn" and parsed["Cc"] == "vanthu.snv@backan.gov.vn"
    text, html = bodies(parsed)
    assert "PL2-TC-1.1/1 (PL2 1.1), hạn 31/12/2023: Quá hạn <chưa báo cáo>" in text
    assert "Quá hạn &lt;chưa báo cáo&gt;" in html


def test_settings_from_the_sheet_and_errors_name_the_cell() -> None:
    rows: list[list[object]] = [["t"], ["n"], ["h"]]
    rows += [[s.label, None, s.note] for s in ml.SETTINGS]
    rows[3 + 1][1] = "a@b.vn"
    rows[3 + 3][1] = datetime(2023, 10, 1)
    settings = settings_from_values(state_from_values({ml.SETTINGS_SHEET: rows}))
    assert settings.sender_address == "a@b.vn" and settings.deadline == date(2023, 10, 1)
    assert settings.smtp_port == 587 and settings.max_attachment_mb == 10
    assert settings_from_values(state_from_values({})) == MailSettings()
    rows[3 + 7][1] = "tls"
    with pytest.raises(MailError, match="ô B11"):
        settings_from_values(state_from_values({ml.SETTINGS_SHEET: rows}))
    with pytest.raises(MailError, match="Địa chỉ email người gửi"):
        compose(
            SNV,
            "f",
            b"",
            Counts(1, 0),
            MailSettings(),
            ml.KIND_COVER,
            templates=TEMPLATES,
            today=TODAY,
            plan_number=PLAN_NUMBER,
        )


def test_settings_pasted_or_mistyped_are_named_or_made_fit() -> None:
    """What an official pastes into «Cài đặt»: the address with a zero-width space is the
    address; a name on two lines is one header line; two addresses, an address with a
    diacritic, a size that is no number are refused naming their own cell."""
    rows: list[list[object]] = [["t"], ["n"], ["h"]]
    rows += [[s.label, None, s.note] for s in ml.SETTINGS]
    row = {s.key: i for i, s in enumerate(ml.SETTINGS, start=ml.FIRST_DATA_ROW)}

    def read(**typed: object) -> MailSettings:
        sheet = [list(r) for r in rows]
        for key, value in typed.items():
            sheet[row[key] - 1][1] = value
        return settings_from_values(state_from_values({ml.SETTINGS_SHEET: sheet}))

    settings = read(sender_address="snv@backan.gov.vn\u200b", sender_name="Sở Nội vụ\ntỉnh")
    assert settings.sender_address == "snv@backan.gov.vn"
    assert settings.sender_name == "Sở Nội vụ tỉnh"
    msg = compose(
        SNV,
        "f",
        b"",
        Counts(1, 0),
        settings,
        ml.KIND_COVER,
        templates=TEMPLATES,
        today=TODAY,
        plan_number=PLAN_NUMBER,
    )
    assert parse(msg.as_bytes())["From"] == "Sở Nội vụ tỉnh <snv@backan.gov.vn>"
    for key, value, words in [
        ("sender_address", "a@b.vn; c@d.vn", "chỉ ghi một địa chỉ"),
        ("reply_to", "trảlời@b.vn", "không dấu"),
        ("max_attachment_mb", "mười", "«Dung lượng tệp đính kèm tối đa (MB)» phải là một số"),
        ("smtp_port", "cổng 25", "«Cổng SMTP» phải là một số, đang là «cổng 25»"),
        ("max_attachment_mb", 0, "«Dung lượng tệp đính kèm tối đa (MB)» phải là một số lớn hơn 0"),
        ("max_attachment_mb", -5, "lớn hơn 0, đang là «-5»"),
        ("smtp_port", 99999, "«Cổng SMTP» phải là một số nguyên từ 1 đến 65535"),
        ("smtp_port", 587.5, "từ 1 đến 65535, đang là «587.5»"),
    ]:
        with pytest.raises(MailError) as err:
            read(**{key: value})
        assert err.value.cell == f"B{row[key]}"
        assert words in str(err.value)


def test_eml_drafts_parse_back_and_the_log(tmp_path: Path) -> None:
    files = make_files(tmp_path / "GuiCoQuan")
    todo, skipped = prepare(
        DIRECTORY,
        files,
        tmp_path / "GuiCoQuan",
        SETTINGS,
        ml.KIND_COVER,
        templates=TEMPLATES,
        today=TODAY,
        plan_number=PLAN_NUMBER,
    )
    assert skipped == []
    results = send_all(todo, EmlDirTransport(tmp_path / "ThuGui"), NOW)
    assert [(r.outgoing.agency, r.result) for r in results] == [
        ("SNV", ml.DRAFTED),
        ("UBND-BABE", ml.DRAFTED),
        ("STP", ml.NO_ADDRESS),
    ]
    assert sorted(p.name for p in (tmp_path / "ThuGui").iterdir()) == [
        "So-Noi-vu.eml",
        "UBND-huyen-Ba-Be.eml",
    ]
    msg = parse((tmp_path / "ThuGui" / "So-Noi-vu.eml").read_bytes())
    assert msg["To"] == "snv@backan.gov.vn" and msg["Cc"] == "vanthu.snv@backan.gov.vn"
    assert attachments(msg) == [
        ("Sở Nội vụ - KH 365.xlsx", (tmp_path / "GuiCoQuan" / "So-Noi-vu.xlsx").read_bytes())
    ]
    # The log, then a second run skips what was drafted; --resend (no skip) does not.
    edits = log_edits(state_from_values({}), results)
    from openpyxl import Workbook

    from kehoach.sheets.edits import apply_to_workbook

    wb = Workbook()
    apply_to_workbook(wb, edits)
    values = {ml.LOG_SHEET: [list(r) for r in wb[ml.LOG_SHEET].iter_rows(values_only=True)]}
    assert values[ml.LOG_SHEET][2][0] == "Thời điểm"
    assert values[ml.LOG_SHEET][5][1:3] == ["STP", "Sở Tư pháp"]
    assert values[ml.LOG_SHEET][5][9] == ml.NO_ADDRESS
    skip = sent_before(state_from_values(values), ml.CHANNEL_DRAFT)
    assert len(skip) == 2 and sent_before(state_from_values(values), ml.CHANNEL_SMTP) == set()
    todo, skipped = prepare(
        DIRECTORY,
        files,
        tmp_path / "GuiCoQuan",
        SETTINGS,
        ml.KIND_COVER,
        templates=TEMPLATES,
        today=TODAY,
        plan_number=PLAN_NUMBER,
        skip=skip,
    )
    assert [o.agency for o in skipped] == ["SNV", "UBND-BABE"]
    assert [(o.agency, o.problem) for o in todo] == [("STP", ml.NO_ADDRESS)]
    more = log_edits(
        state_from_values(values), send_all(todo, EmlDirTransport(tmp_path / "ThuGui"), NOW)
    )
    assert more[-1].cell == "A7"  # type: ignore[union-attr]


def test_too_large_is_refused_before_sending(tmp_path: Path) -> None:
    files = make_files(tmp_path)
    (tmp_path / "So-Noi-vu.xlsx").write_bytes(b"x" * (1024 * 1024 + 1))
    todo, _ = prepare(
        DIRECTORY,
        files[:1],
        tmp_path,
        SETTINGS,
        ml.KIND_COVER,
        templates=TEMPLATES,
        today=TODAY,
        plan_number=PLAN_NUMBER,
    )
    assert todo[0].message is None and todo[0].problem == ml.TOO_LARGE
    assert "tối đa 1 MB" in todo[0].detail


def test_core_does_not_import_xlwings() -> None:
    assert "kehoach.mail.send" in sys.modules
    import subprocess

    code = "import sys, kehoach.mail.send, kehoach.mail.compose; print('xlwings' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_a_composed_message_is_the_mime_a_receiver_parses_and_writes_back_unchanged() -> None:
    """compose parses only the headers it wrote over the generated MIME body; what a
    transport writes is that text, and a mail program that parses it whole writes the same
    bytes back: no header refolded, no part encoded twice."""
    from email import policy as email_policy

    raw = cover(data=bytes(range(256)) * 200)  # an attachment of many base64 lines
    whole = parse(raw)
    assert whole.as_bytes(policy=email_policy.SMTP) == raw
    assert attachments(whole) == [
        ("Ủy ban nhân dân huyện Ba Bể - KH 365.xlsx", bytes(range(256)) * 200)
    ]
    assert [p.get_content_type() for p in whole.walk()] == [
        "multipart/mixed",
        "multipart/alternative",
        "text/plain",
        "text/html",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ]
