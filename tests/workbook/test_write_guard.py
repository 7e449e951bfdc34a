"""The verbs that write the master: exit codes, Excel's lock file, a master renamed to .xlsx or
saved without its VBA, and what a killed run leaves behind (temporary files, history workbooks
LichSu does not name), all through the real command line."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from collect_support import RECEIVED_AT, Returned, make_source, returned_master
from kehoach.cli import EXIT_BUG, EXIT_FINDINGS, EXIT_OK, EXIT_USER_ERROR, main
from kehoach.sheets import progress_layout as pl
from kehoach.workbook.leftovers import STALE_AFTER, clear_stale_temporaries, is_stale

ROOT = Path(__file__).resolve().parents[2]
ENV = {**os.environ, "PYTHONPATH": str(ROOT / "pylib")}
OLD = time.time() - STALE_AFTER - 60  # a modification time old enough to count as stale


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run(*args: str, code: str = "") -> subprocess.CompletedProcess[str]:
    """``kehoach ARGS`` in its own process (``code`` runs first, e.g. to break something)."""
    script = f"import sys\n{code}\nfrom kehoach.cli import main\nsys.exit(main(sys.argv[1:]))"
    return subprocess.run(
        [sys.executable, "-c", script, *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=ENV,
        timeout=300,
    )


def dead_pid() -> int:
    """The number of a process that has ended."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


# --- exit codes ---------------------------------------------------------------------------------


def test_exit_0_when_done(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", str(ROOT / "workbook" / "KeHoach2023.xlsm")]) == EXIT_OK == 0
    assert "Kế hoạch số 365/KH-UBND" in capsys.readouterr().out


def test_exit_1_when_there_is_a_result_to_look_at(master_xlsm: Path) -> None:
    done = run("check", str(master_xlsm))
    assert done.returncode == EXIT_FINDINGS == 1
    assert "lỗi" in done.stdout and done.stderr == ""


def test_exit_2_for_the_users_errors(tmp_path: Path) -> None:
    missing = run("export", str(tmp_path / "khong-co.xlsm"))
    assert missing.returncode == EXIT_USER_ERROR == 2
    assert (
        missing.stderr.startswith("Lỗi: tệp ") and "Không tìm thấy tệp workbook" in missing.stderr
    )
    assert "Traceback" not in missing.stderr
    usage = run("khong-co-lenh")
    assert usage.returncode == 2 and "Traceback" not in usage.stderr


def test_a_file_system_error_is_the_users_to_mend_exit_2(master_xlsm: Path) -> None:
    done = run(
        "export",
        str(master_xlsm),
        code="import kehoach.plan.reader as r\n"
        "def refuse(path, *a, **k):\n"
        "    raise PermissionError(13, 'Permission denied', str(path))\n"
        "r.read_plan = refuse",
    )
    assert done.returncode == 2
    assert done.stderr == (
        f"Lỗi: tệp {master_xlsm}: không đọc hoặc ghi được "
        "(không có quyền đọc/ghi (tệp có thể đang mở trong chương trình khác)).\n"
    )


def test_a_program_error_exits_3_with_a_vietnamese_line_then_the_traceback(
    master_xlsm: Path,
) -> None:
    before = digest(master_xlsm)
    done = run(
        "gaps",
        str(master_xlsm),
        "--write",
        code="import kehoach.gaps.compute as g\n"
        "def boom(*a, **k):\n"
        "    raise ZeroDivisionError('hỏng')\n"
        "g.compute_gaps = boom",
    )
    assert done.returncode == EXIT_BUG == 3
    first, *rest = done.stderr.splitlines()
    assert first.startswith("Lỗi chương trình (không phải do dữ liệu của bạn)")
    assert rest[0] == "Traceback (most recent call last):"
    assert rest[-1] == "ZeroDivisionError: hỏng"
    assert digest(master_xlsm) == before


def test_the_readme_documents_the_exit_codes() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Command line", 1)[1].split("\n## ", 1)[0]
    for code in ("| 0 |", "| 1 |", "| 2 |", "| 3 |"):
        assert code in section, code


# --- every verb that writes the master refuses one open in Excel ---------------------------------


def writing_verbs(master: Path, tmp: Path) -> dict[str, list[str]]:
    return {
        "build": ["build", "--out", str(master)],
        "extract": ["extract", str(master), "--out", str(tmp / "GuiCoQuan")],
        "check": ["check", str(master), "--write"],
        "gaps": ["gaps", str(master), "--write"],
        "summary": ["summary", str(master), "--write", "--as-of", "2023-12-31"],
        "mail": ["mail", str(master), "--files", str(tmp / "GuiCoQuan"), "--eml-dir", str(tmp)],
        "collect": ["collect", str(master), "--from", str(tmp / "TraLoi")],
    }


VERBS = list(writing_verbs(Path("x.xlsm"), Path(".")))


@pytest.mark.parametrize("verb", VERBS)
@pytest.mark.parametrize("lock", ["~$KeHoach2023.xlsm", ".~lock.KeHoach2023.xlsm#"])
def test_every_writing_verb_refuses_a_master_open_in_excel(
    master_xlsm: Path,
    tmp_path: Path,
    verb: str,
    lock: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    (master_xlsm.parent / lock).write_bytes(b"\x00" * 165)
    before = digest(master_xlsm)
    assert main(writing_verbs(master_xlsm, tmp_path)[verb]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"Lỗi: tệp {master_xlsm}: Workbook đang mở trong Excel")
    assert f"«{lock}»" in err and "không ghi gì" in err
    assert digest(master_xlsm) == before
    assert not (master_xlsm.parent / "backup").exists()
    assert not (tmp_path / "GuiCoQuan").exists()


def test_reading_verbs_do_not_mind_the_lock(
    master_xlsm: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (master_xlsm.parent / f"~${master_xlsm.name}").write_bytes(b"\x00")
    assert main(["gaps", str(master_xlsm)]) == 0
    assert main(["export", str(master_xlsm)]) == 0
    assert capsys.readouterr().err == ""


# --- the .xlsm name -----------------------------------------------------------------------------


def test_build_refuses_a_name_other_than_xlsm(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("KeHoach.xlsx", "KeHoach", "KeHoach.xls"):
        assert main(["build", "--out", str(tmp_path / name)]) == 2
        err = capsys.readouterr().err
        assert "tên tệp phải có đuôi .xlsm" in err and str(tmp_path / name) in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("verb", VERBS)
def test_a_master_renamed_to_xlsx_is_refused_with_the_way_back(
    master_xlsm: Path, tmp_path: Path, verb: str, capsys: pytest.CaptureFixture[str]
) -> None:
    renamed = master_xlsm.rename(master_xlsm.with_suffix(".xlsx"))
    before = digest(renamed)
    assert main(writing_verbs(renamed, tmp_path)[verb]) == 2
    err = capsys.readouterr().err
    if verb == "build":
        assert "tên tệp phải có đuôi .xlsm" in err
    else:
        assert "mang đuôi «.xlsx»" in err and "đổi tên lại thành «KeHoach2023.xlsm»" in err
    assert "Mất dự án VBA" not in err
    assert digest(renamed) == before


def test_reading_a_renamed_master_works_and_says_to_rename_it(
    master_xlsm: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    renamed = master_xlsm.rename(master_xlsm.with_suffix(".xlsx"))
    assert main(["export", str(renamed)]) == 0
    out, err = capsys.readouterr()
    assert "Kế hoạch số 365/KH-UBND" in out
    assert err.startswith(f"Chú ý: tệp {renamed}: Tệp này là workbook có macro")
    assert "đổi tên lại thành «KeHoach2023.xlsm»" in err
    assert main(["gaps", str(renamed), "--json"]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out) and "đổi tên lại" in err


def test_a_master_saved_without_its_vba_is_refused(
    master_xlsm: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from openpyxl import load_workbook

    saved = master_xlsm.with_suffix(".xlsx")
    load_workbook(master_xlsm).save(saved)  # what Excel's "Save as .xlsx" does to the macros
    with zipfile.ZipFile(saved) as z:
        assert "xl/vbaProject.bin" not in z.namelist()
    path = saved
    for _ in range(2):  # as saved, then renamed back to .xlsm
        before = digest(path)
        assert main(["check", str(path), "--write"]) == 2
        err = capsys.readouterr().err
        assert "không còn mã VBA" in err and "kehoach build" in err
        assert digest(path) == before
        path = path.rename(path.with_name("DaDoiTen.xlsm"))


# --- leftovers of a killed run ------------------------------------------------------------------


def leftover(folder: Path, name: str, data: bytes, mtime: float) -> Path:
    path = folder / name
    path.write_bytes(data)
    os.utime(path, (mtime, mtime))
    return path


def test_the_next_writing_run_removes_a_stale_temporary_master_only(
    master_xlsm: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder, data = master_xlsm.parent, master_xlsm.read_bytes()
    pid = dead_pid()
    stale = leftover(folder, f".KeHoach2023-{pid}-k2x_9abc.tmp.xlsm", data, OLD)
    earlier = leftover(folder, ".KeHoach2023-abcd1234.tmp.xlsm", data, OLD)  # no process number
    young = leftover(folder, f".KeHoach2023-{pid}-young123.tmp.xlsm", data, time.time())
    running = leftover(folder, f".KeHoach2023-{os.getpid()}-running1.tmp.xlsm", data, OLD)
    other = leftover(folder, f".KeHoach2024-{pid}-other123.tmp.xlsm", data, OLD)
    similar = leftover(folder, f".KeHoach2023-{pid}-abc.tmp.xlsm", data, OLD)
    mine = leftover(folder, "KeHoach2023-ghichu.tmp.xlsm", data, OLD)
    assert main(["gaps", str(master_xlsm), "--write"]) == 0
    err = capsys.readouterr().err
    assert not stale.exists() and not earlier.exists()
    for kept in (young, running, other, similar, mine):
        assert kept.exists(), kept.name
    size = f"({len(data) // 1024} KB)"
    assert sorted(err.splitlines()) == sorted(
        f"Chú ý: Đã xóa tệp tạm còn sót lại của một lần ghi bị dừng giữa chừng: {p} {size}."
        for p in (stale, earlier)
    )


def test_reading_verbs_leave_temporaries_alone(
    master_xlsm: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stale = leftover(master_xlsm.parent, ".KeHoach2023-abcd1234.tmp.xlsm", b"x", OLD)
    assert main(["gaps", str(master_xlsm)]) == 0
    assert stale.exists() and capsys.readouterr().err == ""


def test_stale_means_old_and_its_writer_gone(tmp_path: Path) -> None:
    path = leftover(tmp_path, "t", b"x", 1_000_000.0)
    assert not is_stale(path, None, now=1_000_000.0 + STALE_AFTER - 1)
    assert is_stale(path, None, now=1_000_000.0 + STALE_AFTER)
    assert is_stale(path, dead_pid(), now=1_000_000.0 + STALE_AFTER)
    assert not is_stale(path, os.getpid(), now=1_000_000.0 + STALE_AFTER)
    assert not is_stale(tmp_path / "gone", None, now=2_000_000.0)


def test_a_temporary_that_cannot_be_removed_is_reported(
    master_xlsm: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stale = leftover(master_xlsm.parent, ".KeHoach2023-abcd1234.tmp.xlsm", b"x", OLD)

    def refuse(self: Path, missing_ok: bool = False) -> None:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "unlink", refuse)
    done = clear_stale_temporaries(master_xlsm)
    assert done.removed == [] and done.failed == [(stale, "Permission denied")]
    (note,) = done.notes()
    assert note.startswith(f"Không xóa được tệp tạm còn sót lại {stale} (Permission denied)")


@pytest.mark.skipif(os.name == "nt", reason="SIGKILL")
def test_a_save_killed_midway_leaves_a_temporary_the_next_run_removes(
    master_xlsm: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A real `kehoach gaps --write` killed while it writes the temporary master."""
    import signal

    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time, kehoach.workbook.xlsm as x\n"
            "real = x.package_problems\n"
            "def slow(*args, **kwargs):\n"
            "    sys.stderr.write('writing\\n'); sys.stderr.flush(); time.sleep(60)\n"
            "    return real(*args, **kwargs)\n"
            "x.package_problems = slow\n"
            "from kehoach.cli import main\n"
            "main(sys.argv[1:])",
            "gaps",
            str(master_xlsm),
            "--write",
        ],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        env=ENV,
    )
    assert proc.stderr is not None
    assert proc.stderr.readline() == b"writing\n"  # the temporary master is written, not renamed
    (temp,) = master_xlsm.parent.glob(".KeHoach2023-*.tmp.xlsm")
    assert temp.name.startswith(f".KeHoach2023-{proc.pid}-")
    assert main(["gaps", str(master_xlsm), "--write"]) == 0  # its writer is alive: kept
    assert temp.exists() and "Đã xóa" not in capsys.readouterr().err
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    os.utime(temp, (OLD, OLD))  # ten minutes later
    assert main(["gaps", str(master_xlsm), "--write"]) == 0
    assert not temp.exists()
    assert str(temp) in capsys.readouterr().err


def test_stale_history_temporaries_are_removed(
    master_xlsm: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = master_xlsm.parent / "KeHoach2023_LichSu"
    folder.mkdir()
    pid = dead_pid()
    stale = leftover(folder, f".LichSu_2023-12-01_080000-{pid}-abcd1234.tmp.xlsx", b"x", OLD)
    earlier = leftover(folder, ".abcd1234.tmp.xlsx", b"x", OLD)
    young = leftover(
        folder, f".LichSu_2023-12-01_080000-{pid}-young123.tmp.xlsx", b"x", time.time()
    )
    kept = leftover(folder, "LichSu_2023-12-01_080000.xlsx", b"x", OLD)
    assert main(["check", str(master_xlsm), "--write"]) == 1
    err = capsys.readouterr().err
    assert not stale.exists() and not earlier.exists() and young.exists() and kept.exists()
    assert str(stale) in err and str(earlier) in err


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return make_source(tmp_path_factory.mktemp("guard-src"))


@pytest.fixture
def returned(source: tuple[Path, Path], tmp_path: Path) -> Returned:
    return returned_master(source, tmp_path)


def test_a_history_workbook_lichsu_does_not_name_is_reported_and_kept(
    returned: Returned, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["collect", str(returned.master), "--from", str(returned.returns), "--json"]
    assert main([*args, "--received-at", RECEIVED_AT.isoformat()]) == 1
    out, err = capsys.readouterr()
    named = returned.master.parent / json.loads(out)["history_file"]
    assert named.is_file() and err.count("Chú ý") == 0
    # A run killed after writing its history workbook, before the master.
    orphan = named.with_name("LichSu_2023-12-02_080000.xlsx")
    shutil.copy2(named, orphan)
    assert main([*args, "--received-at", "2023-12-03T08:00:00"]) == 1
    out, err = capsys.readouterr()
    assert json.loads(out)["counts"]  # stdout stays one JSON document
    (line,) = [ln for ln in err.splitlines() if ln.startswith("Chú ý")]
    assert f"tệp lịch sử {orphan} không có trong trang «{pl.HISTORY_SHEET}»" in line
    assert "Có thể xóa tệp đó" in line
    assert orphan.is_file() and named.is_file()
