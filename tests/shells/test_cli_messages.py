"""What the user reads when the command line is used wrongly: argparse's own texts in
Vietnamese, and paths that are a folder where a file was meant (or the other way round)."""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from kehoach.cli import main

ROOT = Path(__file__).resolve().parents[2]
ENGLISH = re.compile(
    r"usage:|error:|required|invalid choice|arguments|not allowed|show this help|Errno"
    r"|No such file|Is a directory|zip file|optional|options:",
    re.I,
)


def kehoach(*args: str) -> subprocess.CompletedProcess[str]:
    """``python -m kehoach`` as a user runs it."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "pylib"), "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "-m", "kehoach", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        check=False,
    )


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((), "kehoach: lỗi: thiếu tham số bắt buộc: LỆNH"),
        (("bogus",), "kehoach: lỗi: tham số LỆNH: không có lựa chọn 'bogus' (chọn một trong:"),
        (("extract", "x.xlsm"), "kehoach extract: lỗi: thiếu tham số bắt buộc: --out"),
        (("summary", "x.xlsm", "--as-of", "31/12"), "không phải ngày YYYY-MM-DD: '31/12'"),
        (
            ("mail", "x.xlsm", "--files", "d", "--eml-dir", "o", "--smtp", "h"),
            "tham số --smtp: không dùng cùng với --eml-dir",
        ),
        (("export", "a.xlsm", "b.xlsm"), "kehoach: lỗi: không hiểu các tham số: b.xlsm"),
    ],
)
def test_argparse_speaks_vietnamese(args: tuple[str, ...], expected: str) -> None:
    result = kehoach(*args)
    assert result.returncode == 2
    assert expected in result.stderr
    assert result.stderr.startswith("Cách dùng: kehoach")
    assert not ENGLISH.search(result.stderr), result.stderr


def test_help_is_vietnamese() -> None:
    result = kehoach("collect", "--help")
    assert result.returncode == 0
    assert "Cách dùng: kehoach collect" in result.stdout
    assert "tùy chọn:" in result.stdout and "in hướng dẫn này rồi thoát" in result.stdout
    assert not ENGLISH.search(result.stdout), result.stdout
    assert "in phiên bản rồi thoát" in kehoach("--help").stdout


def test_argparse_is_left_as_it_was(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["bogus"])
    assert "không có lựa chọn" in capsys.readouterr().err
    translate = argparse._  # type: ignore[attr-defined]
    assert translate("usage: ") == "usage: "
    other = argparse.ArgumentParser(prog="x")
    assert other.format_usage().startswith("usage: ")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["export", "{dir}"], "Đây là một thư mục, không phải tệp workbook."),
        (["check", "{dir}/khong-co.xlsm"], "Không tìm thấy tệp workbook."),
        (["gaps", "{dir}/a/b/c.xlsm"], "thư mục chứa nó ({dir}/a/b) cũng không có"),
        (["import", "{dir}"], "Đây là một thư mục, không phải tệp kế hoạch."),
        (["check", "{text}"], "tệp không phải workbook Excel (.xlsx/.xlsm) hoặc đã bị hỏng"),
        (["doctor", "{dir}"], "Đây là một thư mục, không phải tệp sổ tính (.xlsm)."),
        (
            ["collect", "{master}", "--from", "{text}"],
            "Đây là một tệp, không phải thư mục các tệp cơ quan gửi lại.",
        ),
        (
            ["mail", "{master}", "--files", "{text}", "--eml-dir", "{dir}/o"],
            "Đây là một tệp, không phải thư mục các tệp cơ quan.",
        ),
    ],
)
def test_a_folder_for_a_file_and_a_file_for_a_folder_are_named(
    tmp_path: Path,
    master_xlsm: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    expected: str,
) -> None:
    text = tmp_path / "ghi-chu.txt"
    text.write_text("không phải sổ tính", encoding="utf-8")
    fill = {"dir": str(tmp_path), "text": str(text), "master": str(master_xlsm)}
    before = master_xlsm.read_bytes()
    assert main([a.format(**fill) for a in args]) == 2
    err = capsys.readouterr().err
    assert expected.format(**fill) in err
    assert not ENGLISH.search(err), err
    assert master_xlsm.read_bytes() == before


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("Tiêu đề\n{{ co_quan }\n", "mẫu sai cú pháp Jinja2 ở dòng 2"),
        ("Tiêu đề {{ khong_co_ten_nay.x }}\n", "mẫu dùng tên «khong_co_ten_nay» mà chương"),
    ],
)
def test_a_broken_mail_template_is_explained_in_vietnamese(
    tmp_path: Path, source: str, expected: str
) -> None:
    from kehoach.mail.compose import MailError, render

    (tmp_path / "email-x.txt.j2").write_text(source, encoding="utf-8")
    (tmp_path / "email-x.html.j2").write_text("<p>x</p>", encoding="utf-8")
    with pytest.raises(MailError) as info:
        render(tmp_path, "x", {})
    assert expected in str(info.value)
    assert not ENGLISH.search(str(info.value)) and "undefined" not in str(info.value)


def test_a_missing_mail_template_is_named(tmp_path: Path) -> None:
    from kehoach.mail.compose import MailError, render

    with pytest.raises(MailError, match=r"không thấy tệp mẫu «email-x\.txt\.j2»"):
        render(tmp_path, "x", {})


@pytest.mark.parametrize(
    ("content", "expected"),
    [("{", "nội dung không phải danh sách tệp JSON hợp lệ"), ("{}", "thiếu mục «files»")],
)
def test_a_damaged_manifest_is_explained_in_vietnamese(
    master_xlsm: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    content: str,
    expected: str,
) -> None:
    from mail_support import prepare_master

    prepare_master(master_xlsm)
    files = tmp_path / "GuiCoQuan"
    files.mkdir()
    (files / "manifest.json").write_text(content, encoding="utf-8")
    code = main(["mail", str(master_xlsm), "--files", str(files), "--eml-dir", str(tmp_path / "o")])
    assert code == 2
    err = capsys.readouterr().err
    assert expected in err
    assert not ENGLISH.search(err) and "Expecting" not in err
