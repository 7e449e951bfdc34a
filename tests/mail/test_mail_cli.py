"""`kehoach mail` end to end on the real master: .eml drafts, SMTP on a loopback aiosmtpd server
with a login (password from the environment), the dry run, a second run that sends nothing
again, an agency without an address listed, the send log in "NhatKyGui", reminders."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from test_mail_smtp import Collector, plain_server  # noqa: F401  (fixture)

from kehoach.cli import main
from kehoach.sheets import mail_layout as ml
from kehoach.sheets.sheetdata import workbook_values
from mail_support import attachments, log_rows, make_folder, parse, prepare_master
from summary_support import AS_OF, write_progress


@pytest.fixture
def setup(master_xlsm: Path, tmp_path: Path) -> tuple[Path, Path]:
    return prepare_master(master_xlsm), make_folder(tmp_path / "GuiCoQuan")


def test_drafts_log_and_second_run_skips(
    setup: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    master, files = setup
    out = tmp_path / "ThuGui"
    assert main(["mail", str(master), "--files", str(files), "--eml-dir", str(out)]) == 0
    text = capsys.readouterr().out
    assert f"[{ml.NO_ADDRESS}] STP" in text  # listed, not skipped silently
    drafts = sorted(p.name for p in out.glob("*.eml"))
    assert drafts == ["HDND-tinh.eml", "So-Noi-vu.eml"]
    msg = parse((out / "So-Noi-vu.eml").read_bytes())
    assert msg["To"] == "snv@backan.gov.vn" and msg["Cc"] == "vanthu.snv@backan.gov.vn"
    assert msg["X-Unsent"] == "1"  # Outlook opens it as a draft to send
    assert attachments(msg)[0][1] == (files / "So-Noi-vu.xlsx").read_bytes()
    rows = log_rows(master)
    assert [(r["agency"], r["result"]) for r in rows] == [
        ("SNV", ml.DRAFTED),
        ("STP", ml.NO_ADDRESS),
        ("HDND", ml.DRAFTED),
    ]
    assert len(rows[0]["sha256"]) == 64 and rows[0]["channel"] == ml.CHANNEL_DRAFT
    for p in out.glob("*.eml"):
        p.unlink()
    assert main(["mail", str(master), "--files", str(files), "--eml-dir", str(out)]) == 0
    text = capsys.readouterr().out
    assert "bỏ qua" in text and not list(out.glob("*.eml"))
    assert len(log_rows(master)) == 4  # only STP, still without an address, again
    drafts = ["mail", str(master), "--files", str(files), "--eml-dir", str(out)]
    assert main([*drafts, "--resend"]) == 0
    assert len(list(out.glob("*.eml"))) == 2


def test_smtp_plain_loopback_with_login(
    setup: tuple[Path, Path],
    plain_server: tuple[Controller, Collector],  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    master, files = setup
    controller, collector = plain_server
    monkeypatch.setenv(ml.PASSWORD_ENV, "dung-mat-khau")
    smtp = f"127.0.0.1:{controller.port}"
    args = ["mail", str(master), "--files", str(files), "--smtp", smtp, "--user", "cchc"]
    assert main(args) == 0
    assert sorted(r for _, rcpts, _ in collector.envelopes for r in rcpts) == [
        "snv@backan.gov.vn",
        "vanthu.snv@backan.gov.vn",
        "vp@hdnd.backan.gov.vn",
    ]
    assert [r["result"] for r in log_rows(master)] == [ml.SENT, ml.NO_ADDRESS, ml.SENT]
    assert "dung-mat-khau" not in json.dumps(workbook_values(master), default=str)
    capsys.readouterr()
    assert main(args) == 0  # nothing sent twice
    assert len(collector.envelopes) == 2
    assert "bỏ qua" in capsys.readouterr().out


def test_smtp_wrong_password_exits_1(
    setup: tuple[Path, Path],
    plain_server: tuple[Controller, Collector],  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    master, files = setup
    controller, collector = plain_server
    monkeypatch.setenv(ml.PASSWORD_ENV, "sai")
    smtp = f"127.0.0.1:{controller.port}"
    assert main(["mail", str(master), "--files", str(files), "--smtp", smtp, "--user", "cchc"]) == 1
    assert not collector.envelopes
    assert [r["result"] for r in log_rows(master)] == [ml.FAILED, ml.NO_ADDRESS, ml.FAILED]


def test_dry_run_connects_nowhere_and_writes_nothing(
    setup: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    master, files = setup
    before = master.read_bytes()
    args = ["mail", str(master), "--files", str(files), "--smtp", "192.0.2.1:465", "--ssl"]
    args.append("--dry-run")
    assert main(args) == 0
    lines = capsys.readouterr().out.splitlines()
    assert any(
        "Sẽ gửi" in ln and "snv@backan.gov.vn, vanthu.snv@backan.gov.vn" in ln for ln in lines
    )
    assert any(ml.NO_ADDRESS in ln and "STP" in ln for ln in lines)
    assert master.read_bytes() == before


def test_missing_sender_address_is_a_user_error(
    master_xlsm: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = make_folder(tmp_path / "GuiCoQuan")
    rc = main(["mail", str(master_xlsm), "--files", str(files), "--eml-dir", str(tmp_path / "o")])
    assert rc == 2 and "Địa chỉ email người gửi" in capsys.readouterr().err


def test_a_settings_sheet_renamed_is_named_not_taken_for_a_blank_address(
    setup: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from openpyxl import load_workbook

    master, files = setup
    wb = load_workbook(master, keep_vba=True)
    wb[ml.SETTINGS_SHEET].title = "Cai dat cu"
    wb.save(master)
    before = master.read_bytes()
    rc = main(["mail", str(master), "--files", str(files), "--eml-dir", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert rc == 2
    assert "Thiếu trang tính «Cài đặt» (bị xóa hoặc đổi tên?)" in err
    assert "kehoach build" in err
    assert master.read_bytes() == before


def test_reminders_list_only_the_agencys_outstanding_items(
    setup: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kehoach.cli as cli

    master, files = setup
    write_progress(master)
    prepare_master(master)  # write_progress gives HĐND another address; keep ours
    monkeypatch.setattr(cli, "_today", lambda: AS_OF)
    out = tmp_path / "NhacNho"
    args = ["mail", str(master), "--files", str(files), "--eml-dir", str(out), "--reminders"]
    assert main(args) == 0
    snv = parse((out / "So-Noi-vu-nhac-nho.eml").read_bytes())
    text = snv.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "PL1-TC-2.1/1" in text  # SNV's overdue task (reported "Đang thực hiện")
    assert "PL1-TC-3.3/1" not in text  # not started, not yet due
    hdnd = parse((out / "HDND-tinh-nhac-nho.eml").read_bytes())
    assert "chưa nhận được báo cáo" in hdnd.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    kinds = {r["kind"] for r in log_rows(master)}
    assert kinds == {ml.KIND_LABELS[ml.KIND_REMINDER]}


def test_a_run_parses_the_master_once_and_each_template_once(
    setup: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import jinja2
    import openpyxl

    import kehoach.sheets.sheetdata as sheetdata
    from kehoach.mail.compose import _environment

    opened: list[tuple[Path | str, bool]] = []
    for module in (sheetdata, openpyxl):

        def counting(path: Any, *args: Any, _load: Any = module.load_workbook, **kw: Any) -> Any:
            where = Path(path) if isinstance(path, str | Path) else "in memory"
            opened.append((where, bool(kw.get("read_only"))))
            return _load(path, *args, **kw)

        monkeypatch.setattr(module, "load_workbook", counting)
    compiled: list[str | None] = []
    compile_ = jinja2.Environment.compile

    def counting_compile(
        self: jinja2.Environment, source: Any, name: Any = None, *a: Any, **kw: Any
    ) -> Any:
        compiled.append(name)
        return compile_(self, source, name, *a, **kw)

    monkeypatch.setattr(jinja2.Environment, "compile", counting_compile)
    _environment.cache_clear()
    master, files = setup
    out = tmp_path / "ThuGui"
    assert main(["mail", str(master), "--files", str(files), "--eml-dir", str(out)]) == 0
    assert len(list(out.glob("*.eml"))) == 2
    # one reading for the state; after sending, one load for the log's save: the package
    # without the data rows of every sheet but the log's (``load_for_edits``)
    assert opened == [(master, True), ("in memory", False)]
    assert sorted(compiled) == [
        "email-gui-file.html.j2",
        "email-gui-file.txt.j2",
    ]  # not per message
    assert [r["result"] for r in log_rows(master)] == [ml.DRAFTED, ml.NO_ADDRESS, ml.DRAFTED]
