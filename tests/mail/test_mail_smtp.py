"""Sending through a real SMTP server (aiosmtpd on 127.0.0.1): plain and STARTTLS with a
self-signed certificate trusted by the test's own SSLContext; recipients, decoded subject, bodies
and attachment bytes as received; a refused recipient, a lost connection and a refused login are
reported per message while the rest go on; no login over plain to a remote host."""

from __future__ import annotations

import datetime as dt
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from kehoach.mail.compose import MailError
from kehoach.mail.send import SmtpTransport, prepare, send_all
from kehoach.sheets import mail_layout as ml
from mail_support import DIRECTORY, SETTINGS, TEMPLATES, attachments, bodies, make_files, parse

TODAY = date(2023, 9, 1)
NOW = datetime(2023, 9, 1, 8, 30)


@dataclass
class Collector:
    envelopes: list[tuple[str, list[str], bytes]] = field(default_factory=list)
    refuse: str = "babe"  # RCPT containing this is refused
    drop_once: str = ""  # DATA for this recipient: the connection is cut, once

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if self.refuse and self.refuse in address:
            return "550 5.1.1 Khong co hop thu nay"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.drop_once and any(self.drop_once in r for r in envelope.rcpt_tos):
            self.drop_once = ""
            server.transport.close()
            return "421 bye"
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted"


def _authenticator(
    server: Any, session: Any, envelope: Any, mechanism: str, data: Any
) -> AuthResult:
    ok = isinstance(data, LoginPassword) and data.password == b"dung-mat-khau"
    return AuthResult(success=ok, handled=False)


def _cert(tmp: Path) -> tuple[Path, Path]:
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp / "cert.pem", tmp / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@pytest.fixture
def files(tmp_path: Path) -> Path:
    make_files(tmp_path / "GuiCoQuan")
    return tmp_path / "GuiCoQuan"


@contextmanager
def _serving(handler: Collector, **options: Any) -> Iterator[Controller]:
    """An aiosmtpd server on 127.0.0.1 with our authenticator, for the test's duration."""
    controller = Controller(
        handler, hostname="127.0.0.1", port=_free_port(), authenticator=_authenticator, **options
    )
    controller.start()
    try:
        yield controller
    finally:
        controller.stop()


@pytest.fixture
def plain_server() -> Iterator[tuple[Controller, Collector]]:
    handler = Collector()
    with _serving(handler, auth_require_tls=False) as controller:
        yield controller, handler


def _server_tls(tmp_path: Path) -> tuple[Path, ssl.SSLContext]:
    """A self-signed certificate and the server's TLS context holding it."""
    cert, key = _cert(tmp_path)
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_ctx.load_cert_chain(cert, key)
    return cert, server_ctx


@pytest.fixture
def tls_server(tmp_path: Path) -> Iterator[tuple[Controller, Collector, Path]]:
    cert, server_ctx = _server_tls(tmp_path)
    handler = Collector(refuse="")
    with _serving(handler, tls_context=server_ctx, require_starttls=True) as controller:
        yield controller, handler, cert


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _port(controller: Controller) -> int:
    return int(controller.port)


def _outgoing(files: Path) -> list[Any]:
    from kehoach.mail.send import read_manifest
    from mail_support import make_files as _  # noqa: F401

    todo, _skipped = prepare(
        DIRECTORY,
        read_manifest(files),
        files,
        SETTINGS,
        ml.KIND_COVER,
        templates=TEMPLATES,
        today=TODAY,
        plan_number="365/KH-UBND",  # as the master's tasks sheet gives it
    )
    return todo


def test_plain_loopback_refused_recipient_and_no_address_reported(
    files: Path, plain_server: tuple[Controller, Collector]
) -> None:
    controller, handler = plain_server
    transport = SmtpTransport("127.0.0.1", _port(controller), "plain")
    results = send_all(_outgoing(files), transport, NOW)
    assert [(r.outgoing.agency, r.result) for r in results] == [
        ("SNV", ml.SENT),
        ("UBND-BABE", ml.FAILED),
        ("STP", ml.NO_ADDRESS),
    ]
    assert "ubnd@babe.backan.gov.vn (550" in results[1].detail
    assert len(handler.envelopes) == 1
    mail_from, rcpt, content = handler.envelopes[0]
    assert mail_from == "cchc@backan.gov.vn"
    assert rcpt == ["snv@backan.gov.vn", "vanthu.snv@backan.gov.vn"]
    msg = parse(content)
    assert msg["Subject"] == "Kế hoạch 365/KH-UBND: tệp báo cáo tiến độ của Sở Nội vụ"
    text, html = bodies(msg)
    assert "138 nhiệm vụ" in text and "<b>88</b>" in html
    assert attachments(msg) == [
        ("Sở Nội vụ - KH 365.xlsx", (files / "So-Noi-vu.xlsx").read_bytes())
    ]


def test_lost_connection_is_reported_and_the_next_message_reconnects(
    files: Path, plain_server: tuple[Controller, Collector]
) -> None:
    controller, handler = plain_server
    handler.refuse, handler.drop_once = "", "snv@"
    results = send_all(
        _outgoing(files), SmtpTransport("127.0.0.1", _port(controller), "plain"), NOW
    )
    assert [r.result for r in results] == [ml.FAILED, ml.SENT, ml.NO_ADDRESS]
    assert results[0].detail.startswith(("Mất kết nối", "Máy chủ trả lời lỗi: 421"))
    assert [e[1] for e in handler.envelopes] == [["ubnd@babe.backan.gov.vn"]]


def test_refused_login_is_reported_for_each_message_without_retrying(
    files: Path, plain_server: tuple[Controller, Collector]
) -> None:
    controller, handler = plain_server
    transport = SmtpTransport("127.0.0.1", _port(controller), "plain", "cchc", "sai-mat-khau")
    results = send_all(_outgoing(files), transport, NOW)
    assert [r.result for r in results] == [ml.FAILED, ml.FAILED, ml.NO_ADDRESS]
    assert all(r.detail.startswith("Đăng nhập bị từ chối: 535") for r in results[:2]), results
    assert handler.envelopes == []


def test_no_login_over_plain_to_a_remote_host() -> None:
    with pytest.raises(MailError, match="không mã hóa"):
        SmtpTransport("mail.backan.gov.vn", 25, "plain", "cchc", "x")
    SmtpTransport("127.0.0.1", 25, "plain", "cchc", "x")  # loopback: tests
    SmtpTransport("mail.backan.gov.vn", 25, "plain")  # no login: allowed


def test_starttls_with_login_through_a_trusted_context(
    files: Path, tls_server: tuple[Controller, Collector, Path]
) -> None:
    controller, handler, cert = tls_server
    ctx = ssl.create_default_context(cafile=str(cert))
    transport = SmtpTransport(
        "127.0.0.1", _port(controller), "starttls", "cchc", "dung-mat-khau", ssl_context=ctx
    )
    results = send_all(_outgoing(files), transport, NOW)
    assert [r.result for r in results] == [ml.SENT, ml.SENT, ml.NO_ADDRESS]
    received = {tuple(e[1]): parse(e[2]) for e in handler.envelopes}
    msg = received[("ubnd@babe.backan.gov.vn",)]
    assert msg["Subject"].endswith("của Ủy ban nhân dân huyện Ba Bể")
    assert attachments(msg)[0][1] == (files / "UBND-huyen-Ba-Be.xlsx").read_bytes()


def test_starttls_verifies_the_certificate_by_default(
    files: Path, tls_server: tuple[Controller, Collector, Path]
) -> None:
    controller, handler, _ = tls_server
    transport = SmtpTransport("127.0.0.1", _port(controller), "starttls", "cchc", "dung-mat-khau")
    results = send_all(_outgoing(files), transport, NOW)
    assert [r.result for r in results] == [ml.FAILED, ml.FAILED, ml.NO_ADDRESS]
    assert "Chứng chỉ máy chủ không hợp lệ" in results[0].detail
    assert handler.envelopes == []


@pytest.fixture
def ssl_server(tmp_path: Path) -> Iterator[tuple[Controller, Collector, Path]]:
    """A server that speaks TLS from the first byte (port-465 style, "ssl" mode)."""
    cert, server_ctx = _server_tls(tmp_path)
    handler = Collector(refuse="")
    # aiosmtpd only counts STARTTLS as TLS; this connection is TLS from the first byte.
    with _serving(handler, ssl_context=server_ctx, auth_require_tls=False) as controller:
        yield controller, handler, cert


def test_implicit_tls_with_login_through_a_trusted_context(
    files: Path, ssl_server: tuple[Controller, Collector, Path]
) -> None:
    controller, handler, cert = ssl_server
    ctx = ssl.create_default_context(cafile=str(cert))
    transport = SmtpTransport(
        "127.0.0.1", _port(controller), "ssl", "cchc", "dung-mat-khau", ssl_context=ctx
    )
    results = send_all(_outgoing(files), transport, NOW)
    assert [r.result for r in results] == [ml.SENT, ml.SENT, ml.NO_ADDRESS]
    received = {tuple(e[1]): parse(e[2]) for e in handler.envelopes}
    msg = received[("ubnd@babe.backan.gov.vn",)]
    assert attachments(msg)[0][1] == (files / "UBND-huyen-Ba-Be.xlsx").read_bytes()


def test_implicit_tls_verifies_the_certificate_by_default(
    files: Path, ssl_server: tuple[Controller, Collector, Path]
) -> None:
    controller, handler, _ = ssl_server
    transport = SmtpTransport("127.0.0.1", _port(controller), "ssl", "cchc", "dung-mat-khau")
    results = send_all(_outgoing(files), transport, NOW)
    assert [r.result for r in results] == [ml.FAILED, ml.FAILED, ml.NO_ADDRESS]
    assert handler.envelopes == []
