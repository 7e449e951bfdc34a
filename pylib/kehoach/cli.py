"""The `kehoach` command line: a thin shell over the core.

Each verb parses its arguments, calls one core function, prints the result and
turns user errors (KeHoachError) into a Vietnamese message on stderr. This is the
only module that prints or exits.

Exit status: 0 done (every file accepted, no error-level finding, every mail sent);
1 done, with a result the user must look at (a file rejected, an error-level finding
of ``check``, a mail that failed); 2 the user's error (bad arguments, a file missing,
damaged or open in Excel: a Vietnamese message, nothing written); 3 a program error
(a Vietnamese line, then the traceback, on stderr).
"""

from __future__ import annotations

import argparse
import contextlib
import getpass
import json
import sys
import traceback
from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TextIO, TypeVar

from kehoach import __version__
from kehoach.common.errors import KeHoachError

if TYPE_CHECKING:
    from kehoach.plan.model import Plan
    from kehoach.sheets.edits import Edit
    from kehoach.state.master import MasterState

_Result = TypeVar("_Result")

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USER_ERROR = 2
EXIT_BUG = 3


def project_root() -> Path:
    """The source checkout this package runs from (holds macros/, templates/, workbook/);
    the current folder when kehoach is installed from a wheel."""
    from kehoach.common.resources import checkout_root

    return checkout_root() or Path.cwd()


def default_workbook(plan: Plan | None = None) -> Path:
    """The workbook ``kehoach build`` writes by default for ``plan`` (the embedded one when
    None): "KeHoach<target year>.xlsm" in ``workbook/`` of the checkout, or in the current
    folder for an installed kehoach."""
    from kehoach.common.planyears import workbook_name
    from kehoach.common.resources import checkout_root
    from kehoach.plan.importer import load_default_plan

    name = workbook_name((plan or load_default_plan()).years)
    root = checkout_root()
    return root / "workbook" / name if root else Path.cwd() / name


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def _notes(lines: Sequence[str]) -> None:
    """Remarks beside the result (leftovers cleared, a file to look at): on stderr, so that
    ``--json`` output stays one JSON document."""
    for line in lines:
        sys.stderr.write(f"Chú ý: {line}\n")
    sys.stderr.flush()


def _ready_to_write(path: Path, *, whole: bool = False) -> None:
    """The checks of every verb that writes the master, before it reads anything
    (``xlsm.prepare_master_write``): open in Excel, not named .xlsm, leftovers."""
    from kehoach.workbook.xlsm import prepare_master_write

    _notes(prepare_master_write(path, whole=whole))


def _prepare(path: Path, *, write: bool) -> None:
    """Before a verb that writes the master only with ``--write`` reads it."""
    if write:
        _ready_to_write(path)
    else:
        _read_note(path)


def _on_master(
    path: Path,
    *,
    write: bool,
    sheets: Sequence[str],
    compute: Callable[[MasterState], _Result],
    edits: Callable[[_Result], Sequence[Edit]],
) -> _Result:
    """Read the master's ``sheets``, ``compute`` a result and, with ``write``, write its
    ``edits`` into the master: the result is computed before the file is touched, and only
    the sheets the edits touch are loaded to be written (``load_for_edits``)."""
    from kehoach.sheets.edits import apply_to_workbook
    from kehoach.state.master import load_for_edits, read_state
    from kehoach.workbook.xlsm import save_xlsm

    _prepare(path, write=write)
    state = read_state(path, sheets=sheets)
    result = compute(state)
    if write:
        changes = edits(result)
        wb = load_for_edits(path, changes, since=state.stamp)
        apply_to_workbook(wb, changes)
        save_xlsm(wb, path)
    return result


def _read_note(path: Path) -> None:
    """Advice for a master renamed to .xlsx, for the verbs that only read it."""
    from kehoach.workbook.xlsm import misnamed_macro_workbook

    advice = misnamed_macro_workbook(path)
    if advice is not None:
        _notes([f"tệp {path}: {advice}"])


def cmd_build(args: argparse.Namespace) -> int:
    from kehoach.common.resources import macros_dir, templates_dir
    from kehoach.plan.importer import load_default_plan, load_plan
    from kehoach.workbook.previous import read_previous
    from kehoach.workbook.xlsm import build_master

    plan = load_plan(Path(args.plan)) if args.plan else load_default_plan()
    out = Path(args.out) if args.out else default_workbook(plan)
    _ready_to_write(out, whole=True)
    previous = (
        read_previous(Path(args.previous), out, templates_dir(), plan.years)
        if args.previous
        else None
    )
    dropped = build_master(
        out,
        plan,
        macros_dir(),
        templates_dir(),
        keep_directory=not args.new_directory,
        drop_unmatched=args.drop_unmatched,
        previous=previous,
    )
    for value in dropped:
        print(f"Đã bỏ (không còn chỗ trong workbook mới): {value.text()}")
    counts = ", ".join(f"{a.id}: {len(a.criteria)} tiêu chí" for a in plan.appendices)
    print(f"Đã tạo {out} ({counts}; {len(plan.iter_tasks())} nhiệm vụ).")
    if previous is not None:
        print(previous.summary())
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    from kehoach.plan.importer import load_default_plan, load_plan

    plan = load_plan(Path(args.plan)) if args.plan else load_default_plan()
    _print_json(plan.to_dict())
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from kehoach.plan.reader import read_plan
    from kehoach.plan.timelines import date_text

    _read_note(Path(args.workbook))
    plan = read_plan(Path(args.workbook))
    if args.json:
        _print_json(plan.to_dict())
    else:
        print(f"Kế hoạch số {plan.number} ngày {date_text(plan.date)}: {plan.title}")
        for a in plan.appendices:
            print(
                f"  {a.id}: {len(a.sections)} mục, {len(a.criteria)} tiêu chí, "
                f"{len(a.tasks)} nhiệm vụ"
            )
    return EXIT_OK


def cmd_gaps(args: argparse.Namespace) -> int:
    from kehoach.gaps.compute import SHEETS_READ, compute_gaps, gap_edits, summary_lines
    from kehoach.sheets.layout import GAPS_SHEET

    path = Path(args.workbook)
    report = _on_master(
        path, write=args.write, sheets=SHEETS_READ, compute=compute_gaps, edits=gap_edits
    )
    if args.json:
        _print_json(report.to_dict())
    else:
        for line in summary_lines(report):
            print(line)
        if args.write:
            print(f"Đã ghi trang '{GAPS_SHEET}' của {path}.")
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    from kehoach.checks.findings import counts_text
    from kehoach.checks.run import SHEETS_READ, check_workbook
    from kehoach.sheets.layout import CHECK_SHEET

    path = Path(args.workbook)
    result = _on_master(
        path,
        write=args.write,
        sheets=SHEETS_READ,
        compute=check_workbook,
        edits=lambda checked: checked.edits,
    )
    if args.json:
        _print_json([f.to_dict() for f in result.findings])
    else:
        for f in result.findings:
            print(f"[{f.severity_label}] {f.rule} {f.ref}: {f.message}")
        print(f"Kết quả kiểm tra: {counts_text(result.findings)}.")
        if args.write:
            print(f"Đã ghi trang '{CHECK_SHEET}' của {path}.")
    return EXIT_FINDINGS if any(f.severity == "error" for f in result.findings) else EXIT_OK


def _progress_bar(stream: TextIO) -> Callable[[int, int, str], None]:
    """A one-line progress bar on ``stream`` (a line per step when it is not a terminal)."""
    tty = stream.isatty()

    def show(done: int, total: int, name: str) -> None:
        width = 30
        filled = width * done // max(total, 1)
        bar = f"[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {name}"
        if tty:
            stream.write("\r" + bar[:100].ljust(100) + ("\n" if done == total else ""))
        else:
            stream.write(bar + "\n")
        stream.flush()

    return show


def cmd_extract(args: argparse.Namespace) -> int:
    from kehoach.extract.files import SHEETS_READ, extract_inputs, generate_extracts
    from kehoach.extract.manifest import manifest_edits, summary_text
    from kehoach.extract.signing import key_id
    from kehoach.sheets.edits import apply_to_workbook
    from kehoach.sheets.extract_layout import MANIFEST_SHEET
    from kehoach.state.master import load_for_edits, read_state
    from kehoach.workbook.xlsm import save_xlsm

    path = Path(args.workbook)
    _ready_to_write(path)
    state = read_state(path, data_only=True, sheets=SHEETS_READ)  # the one reading of it
    inputs = extract_inputs(state)  # before touching anything
    plan = state.plan
    generated_at = args.generated_at or datetime.now().replace(microsecond=0)
    if inputs.new_key:  # kept in the master before any file is signed with it
        key = inputs.key_edits()
        wb = load_for_edits(path, key, since=state.stamp)
        apply_to_workbook(wb, key)
        save_xlsm(wb, path)
    del state
    out = Path(args.out)
    manifest = generate_extracts(
        plan,
        inputs.directory,
        inputs.assignments,
        out,
        inputs.key,
        generated_at=generated_at,
        agencies=args.agency,
        progress=_progress_bar(sys.stderr),
    )
    written = manifest_edits(manifest, str(out.resolve()))
    wb = load_for_edits(path, written)  # the manifest does not depend on what was read
    apply_to_workbook(wb, written)
    save_xlsm(wb, path)
    if args.json:
        _print_json(manifest.to_dict())
    else:
        print(summary_text(manifest, str(out), inputs.unresolved))
        if inputs.new_key:
            print(f"Đã tạo khóa ký mới (mã {key_id(inputs.key)}) trong {path}.")
        print(f"Đã ghi trang '{MANIFEST_SHEET}' của {path}.")
    return EXIT_OK


def cmd_summary(args: argparse.Namespace) -> int:
    from openpyxl import load_workbook

    from kehoach.sheets.edits import apply_to_workbook
    from kehoach.sheets.summary_layout import SUMMARY_SHEET
    from kehoach.summary.compute import SHEETS_READ, summarize, summary_lines
    from kehoach.summary.sheet import summary_edits
    from kehoach.workbook.pdfexport import export_sheet_pdf

    path = Path(args.workbook)
    as_of = args.as_of or date.today()
    summary = _on_master(
        path,
        write=args.write,
        sheets=SHEETS_READ,
        compute=lambda state: summarize(state, as_of),
        edits=summary_edits,
    )
    pdf = None
    if args.pdf and args.write:
        pdf = export_sheet_pdf(path, SUMMARY_SHEET, Path(args.pdf))
    elif args.pdf:  # the PDF shows this summary; the workbook is left as it is
        import tempfile

        with tempfile.TemporaryDirectory(prefix="kehoach-summary-") as tmp:
            copy = Path(tmp) / path.name
            wb = load_workbook(path, keep_vba=path.suffix.lower() == ".xlsm")
            apply_to_workbook(wb, summary_edits(summary))
            wb.save(copy)
            pdf = export_sheet_pdf(copy, SUMMARY_SHEET, Path(args.pdf))
    if args.json:
        _print_json(summary.to_dict())
    else:
        for line in summary_lines(summary):
            print(line)
        if args.write:
            print(f"Đã ghi trang '{SUMMARY_SHEET}' của {path}.")
        if pdf is not None:
            print(f"Đã tạo {pdf}.")
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    from kehoach.common.resources import templates_dir
    from kehoach.report.data import report_data
    from kehoach.report.docx import TEMPLATE_NAME, write_report
    from kehoach.state.master import read_state

    path = Path(args.workbook)
    as_of = args.as_of or date.today()
    data = report_data(read_state(path), as_of, args.period)
    out = Path(args.out) if args.out else path.parent / data.file_name
    template = Path(args.template) if args.template else templates_dir()
    if template.is_dir():
        template = template / TEMPLATE_NAME
    write_report(data, template, out)
    if args.json:
        _print_json({**data.to_dict(), "out": str(out)})
    else:
        print(f"Đã tạo báo cáo «{data.title()}»: {out}.")
    return EXIT_OK


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(f"không phải ngày YYYY-MM-DD: {text!r}") from err


def _iso_datetime(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(f"không phải thời điểm ISO: {text!r}") from err


def cmd_collect(args: argparse.Namespace) -> int:
    from kehoach.collect.run import collect_folder, save_history
    from kehoach.sheets import progress_layout as pl
    from kehoach.sheets.edits import apply_to_workbook
    from kehoach.state.master import STREAMED_SHEETS, load_for_edits, read_state
    from kehoach.workbook.leftovers import history_references, unreferenced_histories
    from kehoach.workbook.xlsm import ensure_closed, save_xlsm

    path = Path(args.workbook)
    _existing_file(path)
    _ready_to_write(path)  # before reading anything: Excel may hold unsaved changes
    _existing_folder(Path(args.from_dir), "thư mục các tệp cơ quan gửi lại")
    received_at = args.received_at or datetime.now().replace(microsecond=0)
    state = read_state(path, data_only=True)
    referenced = history_references(state.sheets.get(pl.HISTORY_SHEET) or [])
    _notes(
        [
            f"tệp lịch sử {p} không có trong trang «{pl.HISTORY_SHEET}»: một lần thu thập "
            "trước đã dừng trước khi ghi workbook, các thay đổi trong tệp đó chưa vào workbook "
            "(lần này đọc lại các tệp gửi về). Có thể xóa tệp đó."
            for p in unreferenced_histories(path, referenced)
        ]
    )
    collection = collect_folder(  # every file read and checked before the master is touched
        state, Path(args.from_dir).resolve(), received_at, master=path
    )
    read_at = state.stamp
    del state
    ensure_closed(path)
    collection = save_history(collection, path)
    sys.stderr.write(f"Đang ghi {path}...\n")
    sys.stderr.flush()
    edits = collection.edits()
    wb = load_for_edits(path, edits, since=read_at, streamed=STREAMED_SHEETS)
    apply_to_workbook(wb, edits)
    save_xlsm(wb, path)
    if args.json:
        _print_json(collection.to_dict())
    else:
        for f in collection.files:
            agency = f" ({f.agency})" if f.agency else ""
            print(f"[{f.result}] {f.file}{agency}: {f.reason}")
        print(collection.summary())
        sheets = ", ".join((pl.PROGRESS_SHEET, pl.HISTORY_SHEET, pl.INTAKE_SHEET))
        print(f"Đã ghi các trang {sheets} của {path}.")
        if collection.history_file:
            print(f"Lịch sử từng ô thay đổi: {path.parent / collection.history_file}.")
    return EXIT_FINDINGS if collection.counts["rejected"] else EXIT_OK


def _today() -> date:
    return date.today()


def _host_port(text: str) -> tuple[str, int | None]:
    host, sep, port = text.rpartition(":")
    if not sep:
        return text, None
    try:
        return host.strip("[]"), int(port)
    except ValueError as err:
        raise argparse.ArgumentTypeError(f"không phải MÁY_CHỦ:CỔNG: {text!r}") from err


def cmd_mail(args: argparse.Namespace) -> int:
    from kehoach.common.resources import templates_dir
    from kehoach.mail.run import dry_run_lines, finish, plan_mail, sheets_read, stored_password
    from kehoach.mail.send import EmlDirTransport, SmtpTransport, Transport, is_loopback
    from kehoach.mail.send import summary_text as mail_summary
    from kehoach.sheets import mail_layout as ml
    from kehoach.sheets.edits import apply_to_workbook
    from kehoach.state.master import load_for_edits, read_state
    from kehoach.workbook.xlsm import ensure_closed, save_xlsm

    path = Path(args.workbook)
    _existing_file(path)
    _ready_to_write(path)  # the log is written into it
    _existing_folder(Path(args.files), "thư mục các tệp cơ quan")
    state = read_state(path, sheets=sheets_read(args.reminders))
    channel = ml.CHANNEL_SMTP if args.smtp else ml.CHANNEL_DRAFT
    plan = plan_mail(
        state,
        Path(args.files).resolve(),
        channel,
        templates=templates_dir(),
        today=_today(),
        reminders=args.reminders,
        resend=args.resend,
    )
    transport: Transport
    if args.smtp:
        host, port = args.smtp
        settings = plan.settings
        if args.ssl or args.starttls:
            mode = "ssl" if args.ssl else "starttls"
        else:  # a relay on this machine speaks plain; elsewhere the settings' mode
            mode = "plain" if is_loopback(host) else settings.smtp_mode
        default_user = settings.smtp_user or settings.sender_address if mode != "plain" else ""
        user = args.user or default_user
        if args.dry_run:
            print(f"Chạy thử: không kết nối tới {host}:{port or settings.smtp_port} ({mode}).")
            for line in dry_run_lines(plan):
                print(line)
            return EXIT_OK
        password = ""
        if user:
            password = stored_password(user) or getpass.getpass(f"Mật khẩu SMTP của {user}: ")
        transport = SmtpTransport(host, port or settings.smtp_port, mode, user, password)
    else:
        if args.dry_run:
            raise KeHoachError("--dry-run chỉ dùng với --smtp (bản nháp .eml không gửi đi đâu).")
        transport = EmlDirTransport(Path(args.eml_dir))
    results, edits = finish(plan, transport, state, datetime.now().replace(microsecond=0))
    ensure_closed(path)  # sending takes a while: opened in Excel meanwhile, nothing is written
    wb = load_for_edits(path, edits, since=state.stamp)
    apply_to_workbook(wb, edits)
    save_xlsm(wb, path)
    for r in results:
        print(r.line())
    for o in plan.skipped:
        print(f"[đã gửi trước đó, bỏ qua] {o.agency} {o.agency_name} ({o.file})")
    print(mail_summary(results, len(plan.skipped)))
    print(f"Đã ghi trang «{ml.LOG_SHEET}» của {path}.")
    return EXIT_FINDINGS if any(r.result == ml.FAILED for r in results) else EXIT_OK


def cmd_setup_excel(args: argparse.Namespace) -> int:
    import kehoach
    from kehoach.common.resources import checkout_root
    from kehoach.install.excel_setup import configure_workbook, configure_xlwings, workbook_settings

    # pylib/ of a checkout, site-packages of an installed kehoach: the folder holding kehoach/.
    here = Path(kehoach.__file__).resolve().parents[1]
    if args.workbook:
        path = Path(args.workbook)
        _existing_file(path)
        pylib = Path(args.pylib) if args.pylib else (here if checkout_root() else None)
        changes = configure_workbook(path, workbook_settings(pylib=pylib))
        where = f"trang «xlwings.conf» của {path}"
    else:
        if not args.conf and not args.user_config:
            raise KeHoachError(
                "Chỉ ra sổ tính cần cấu hình: kehoach setup-excel TỆP.xlsm (cấu hình ghi vào "
                "trang xlwings.conf của nó). Ghi vào tệp cấu hình chung của người dùng, áp dụng "
                "cho mọi sổ tính xlwings trên máy: thêm --user-config."
            )
        pylib = Path(args.pylib) if args.pylib else here
        conf = Path(args.conf) if args.conf else None
        changes = configure_xlwings(pylib=pylib, conf_path=conf)
        where = str(conf) if conf else "tệp cấu hình xlwings của người dùng"
    for line in changes:
        print(line)
    print(f"Đã ghi {where}." if changes else f"{where}: không có gì thay đổi.")
    return EXIT_OK


def cmd_new_copy(args: argparse.Namespace) -> int:
    from kehoach.install.working_copy import create_working_copy

    target, changes = create_working_copy(Path(args.folder))
    print(f"Đã tạo sổ làm việc {target}.")
    for line in changes:
        print(line)
    print(
        "Mở tệp này trong Excel, bấm Enable Content; nút «Kiểm tra cài đặt» trên tab "
        "«Kế hoạch CCHC» cho biết mọi thứ đã sẵn sàng chưa."
    )
    return EXIT_OK


def cmd_doctor(args: argparse.Namespace) -> int:
    from kehoach.install.doctor import ERROR, checks_json, report_text, run_checks
    from kehoach.install.facts import gather_facts

    workbook = Path(args.workbook) if args.workbook else None
    if workbook is not None:
        _existing_file(workbook)
    checks = run_checks(gather_facts(workbook))
    if args.json:
        _print_json(checks_json(checks))
    else:
        print(report_text(checks))
    return EXIT_FINDINGS if any(c.status == ERROR for c in checks) else EXIT_OK


def _existing_file(path: Path) -> None:
    """KeHoachError naming the mistake when ``path`` is a folder or does not exist."""
    from kehoach.common.errors import missing_file_text

    if not path.is_file():
        raise KeHoachError(missing_file_text(path, "tệp sổ tính (.xlsm)"), file=path)


def _existing_folder(path: Path, what: str) -> None:
    """KeHoachError naming the mistake when ``path`` is a file or does not exist."""
    from kehoach.common.errors import missing_folder_text

    if not path.is_dir():
        raise KeHoachError(missing_folder_text(path, what), file=path)


# argparse's own texts (the messages it passes through gettext) in Vietnamese. Keys are
# argparse's message ids, placeholders kept; an id not listed stays as argparse has it.
ARGPARSE_TEXTS = {
    "usage: ": "Cách dùng: ",
    "positional arguments": "tham số",
    "options": "tùy chọn",
    "optional arguments": "tùy chọn",
    "show this help message and exit": "in hướng dẫn này rồi thoát",
    "show program's version number and exit": "in phiên bản rồi thoát",
    "%(prog)s: error: %(message)s\n": "%(prog)s: lỗi: %(message)s\n",
    "the following arguments are required: %s": "thiếu tham số bắt buộc: %s",
    "argument %(argument_name)s: %(message)s": "tham số %(argument_name)s: %(message)s",
    "invalid choice: %(value)r (choose from %(choices)s)": (
        "không có lựa chọn %(value)r (chọn một trong: %(choices)s)"
    ),
    "unknown parser %(parser_name)r (choices: %(choices)s)": (
        "không có lệnh %(parser_name)r (các lệnh: %(choices)s)"
    ),
    "unrecognized arguments: %s": "không hiểu các tham số: %s",
    "expected one argument": "cần một giá trị",
    "expected at most one argument": "cần nhiều nhất một giá trị",
    "expected at least one argument": "cần ít nhất một giá trị",
    "not allowed with argument %s": "không dùng cùng với %s",
    "one of the arguments %s is required": "cần một trong các tham số %s",
    "invalid %(type)s value: %(value)r": "giá trị không hợp lệ: %(value)r",
    "ambiguous option: %(option)s could match %(matches)s": (
        "tùy chọn %(option)s chưa rõ, có thể là %(matches)s"
    ),
    "ignored explicit argument %r": "tùy chọn này không nhận giá trị %r",
    "unexpected option string: %s": "tùy chọn không mong đợi: %s",
}


def _vi_gettext(message: str) -> str:
    return ARGPARSE_TEXTS.get(message, message)


def _vi_ngettext(singular: str, plural: str, n: int) -> str:
    if singular == "expected %s argument":
        return "cần %s giá trị"
    return singular if n == 1 else plural


@contextlib.contextmanager
def _vietnamese_argparse() -> Iterator[None]:
    """argparse's texts in Vietnamese while the block runs: argparse looks its ``_`` and
    ``ngettext`` up in its module each time it words a message."""
    saved = (getattr(argparse, "_"), getattr(argparse, "ngettext"))  # noqa: B009
    setattr(argparse, "_", _vi_gettext)  # noqa: B010
    setattr(argparse, "ngettext", _vi_ngettext)  # noqa: B010
    try:
        yield
    finally:
        setattr(argparse, "_", saved[0])  # noqa: B010
        setattr(argparse, "ngettext", saved[1])  # noqa: B010


class VietnameseParser(argparse.ArgumentParser):
    """An ArgumentParser whose own texts (usage, headings, errors) are Vietnamese."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        with _vietnamese_argparse():
            super().__init__(*args, **kwargs)

    def add_argument(self, *args: Any, **kwargs: Any) -> argparse.Action:
        with _vietnamese_argparse():
            return super().add_argument(*args, **kwargs)

    def parse_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: Any = None
    ) -> argparse.Namespace:
        with _vietnamese_argparse():
            parsed: argparse.Namespace = super().parse_args(args, namespace)
            return parsed

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: Any = None
    ) -> tuple[argparse.Namespace, list[str]]:
        with _vietnamese_argparse():
            return super().parse_known_args(args, namespace)

    def format_usage(self) -> str:
        with _vietnamese_argparse():
            return super().format_usage()

    def format_help(self) -> str:
        with _vietnamese_argparse():
            return super().format_help()

    def error(self, message: str) -> NoReturn:
        with _vietnamese_argparse():
            super().error(message)


def _add_when(
    parser: argparse.ArgumentParser, flag: str, help_text: str, *, day: bool = False
) -> None:
    """An option that fixes the day (``day``: YYYY-MM-DD) or the moment (ISO) a verb takes
    for today or now, so that a run can be repeated with the same result."""
    parser.add_argument(
        flag,
        type=_iso_date if day else _iso_datetime,
        metavar="YYYY-MM-DD" if day else "YYYY-MM-DDTHH:MM:SS",
        help=help_text,
    )


def build_parser() -> argparse.ArgumentParser:
    parser = VietnameseParser(
        prog="kehoach",
        description="Theo dõi kế hoạch cải thiện các chỉ số cải cách hành chính "
        "(PAR INDEX, SIPAS, PAPI) của tỉnh.",
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"kehoach {__version__}",
        help="in phiên bản rồi thoát",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="LỆNH")

    p = sub.add_parser("build", help="Tạo workbook/KeHoach<năm mục tiêu>.xlsm từ văn bản kế hoạch")
    p.add_argument(
        "--plan",
        metavar="TỆP",
        help="tệp kế hoạch: tệp Word .docx hoặc văn bản (mặc định: kế hoạch kèm theo chương trình)",
    )
    p.add_argument(
        "--out",
        metavar="TỆP",
        help="tệp .xlsm sẽ tạo (mặc định: workbook/KeHoach<năm mục tiêu>.xlsm)",
    )
    start = p.add_mutually_exclusive_group()
    start.add_argument(
        "--new-directory",
        action="store_true",
        help="lấy danh bạ cơ quan mặc định, bỏ danh bạ đã sửa trong tệp --out (nếu có)",
    )
    start.add_argument(
        "--from",
        dest="previous",
        metavar="TỆP_CŨ.xlsm",
        help="tạo workbook mới (--out chưa có) cho kế hoạch năm sau, mang sang từ workbook năm "
        "trước danh bạ cơ quan, «Cài đặt» và quy tắc đã sửa; không mang tiến độ, kết quả",
    )
    p.add_argument(
        "--drop-unmatched",
        action="store_true",
        help="bỏ các giá trị đã nhập trong tệp --out không còn chỗ trong workbook mới "
        "(kết quả của tiêu chí không còn trong kế hoạch, quy tắc không còn, trang tính tự thêm); "
        "mặc định: không tạo lại và liệt kê chúng",
    )
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("import", help="Đọc văn bản kế hoạch và in mô hình dạng JSON")
    p.add_argument(
        "plan",
        nargs="?",
        metavar="TỆP",
        help="tệp kế hoạch: Word .docx hoặc văn bản (mặc định: kế hoạch kèm theo chương trình)",
    )
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("export", help="Đọc kế hoạch từ workbook và in ra (JSON với --json)")
    p.add_argument("workbook", metavar="SỔ_TÍNH", help="tệp .xlsm của kế hoạch")
    p.add_argument("--json", action="store_true", help="in dạng JSON")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser(
        "gaps",
        help="Chênh lệch so với điểm tối đa và mục tiêu của kế hoạch (như nút «Tính chênh lệch»)",
    )
    p.add_argument("workbook", metavar="SỔ_TÍNH", help="tệp .xlsm của kế hoạch")
    p.add_argument("--json", action="store_true", help="in dạng JSON")
    p.add_argument(
        "--write", action="store_true", help="ghi kết quả vào trang «Chênh lệch» như nút bấm"
    )
    p.set_defaults(func=cmd_gaps)

    p = sub.add_parser(
        "check", help="Kiểm tra tính nhất quán của dữ liệu (như nút «Kiểm tra dữ liệu»)"
    )
    p.add_argument("workbook", metavar="SỔ_TÍNH", help="tệp .xlsm của kế hoạch")
    p.add_argument("--json", action="store_true", help="in các phát hiện dạng JSON")
    p.add_argument(
        "--write", action="store_true", help="ghi kết quả vào trang «KiemTra» và tô màu các ô"
    )
    p.set_defaults(func=cmd_check)

    p = sub.add_parser(
        "extract",
        help="Tạo tệp Excel cho từng cơ quan (như nút «Tạo file cho cơ quan»)",
    )
    p.add_argument("workbook", metavar="SỔ_TÍNH", help="tệp .xlsm của kế hoạch")
    p.add_argument(
        "--out", required=True, metavar="THƯ_MỤC", help="thư mục ghi các tệp (tạo nếu chưa có)"
    )
    p.add_argument(
        "--agency",
        action="append",
        metavar="MÃ",
        help="chỉ tạo tệp của cơ quan có mã này (lặp lại được)",
    )
    p.add_argument("--json", action="store_true", help="in bảng kê các tệp dạng JSON")
    _add_when(
        p,
        "--generated-at",
        "thời điểm ghi vào tệp (mặc định: bây giờ); cùng thời điểm, cùng kết quả từng byte",
    )
    p.set_defaults(func=cmd_extract)

    p = sub.add_parser(
        "summary", help="Tổng hợp tiến độ theo cơ quan và phụ lục (như nút «Tổng hợp tiến độ»)"
    )
    p.add_argument("workbook", metavar="SỔ_TÍNH", help="tệp .xlsm của kế hoạch")
    _add_when(p, "--as-of", "tính quá hạn theo ngày này (mặc định: hôm nay)", day=True)
    p.add_argument("--json", action="store_true", help="in dạng JSON")
    p.add_argument("--write", action="store_true", help="ghi trang «TongHop» như nút bấm")
    p.add_argument("--pdf", metavar="TỆP", help="in trang «TongHop» ra tệp PDF (cần LibreOffice)")
    p.set_defaults(func=cmd_summary)

    p = sub.add_parser(
        "report",
        help="Báo cáo kết quả thực hiện Kế hoạch, tệp Word (như nút «Báo cáo kết quả»)",
    )
    p.add_argument("workbook", help="tệp .xlsm của kế hoạch")
    _add_when(
        p,
        "--as-of",
        "ngày cuối của kỳ báo cáo, ngày ghi trên báo cáo (mặc định: hôm nay)",
        day=True,
    )
    p.add_argument(
        "--period",
        choices=("quy", "6-thang", "nam"),
        default="quy",
        help="kỳ báo cáo chứa ngày đó: quý, 6 tháng hay năm (mặc định: quy)",
    )
    p.add_argument(
        "--out",
        metavar="TỆP.docx",
        help="nơi ghi báo cáo (mặc định: BaoCao_<kỳ>_<ngày>.docx cạnh workbook)",
    )
    p.add_argument(
        "--template",
        metavar="TỆP.docx",
        help="mẫu báo cáo (mặc định: templates/bao-cao.docx)",
    )
    p.add_argument("--json", action="store_true", help="in các số liệu của báo cáo dạng JSON")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser(
        "collect",
        help="Thu thập các tệp cơ quan gửi lại vào trang TienDo (như nút «Thu thập báo cáo»)",
    )
    p.add_argument(
        "workbook", metavar="SỔ_TÍNH", help="tệp .xlsm của kế hoạch (phải đang đóng trong Excel)"
    )
    p.add_argument(
        "--from", dest="from_dir", required=True, metavar="THƯ_MỤC", help="thư mục các tệp gửi lại"
    )
    p.add_argument("--json", action="store_true", help="in kết quả từng tệp dạng JSON")
    _add_when(
        p,
        "--received-at",
        "thời điểm thu thập ghi vào TienDo, LichSu và tệp lịch sử (mặc định: bây giờ)",
    )
    p.set_defaults(func=cmd_collect)

    p = sub.add_parser(
        "mail",
        help="Gửi tệp cho các cơ quan qua email, hoặc tạo bản nháp .eml (nút «Tạo thư nháp»)",
    )
    p.add_argument(
        "workbook", metavar="SỔ_TÍNH", help="tệp .xlsm của kế hoạch (phải đang đóng trong Excel)"
    )
    p.add_argument(
        "--files",
        required=True,
        metavar="THƯ_MỤC",
        help="thư mục các tệp cơ quan (có manifest.json)",
    )
    out = p.add_mutually_exclusive_group(required=True)
    out.add_argument("--eml-dir", metavar="THƯ_MỤC", help="ghi thư thành bản nháp .eml vào đây")
    out.add_argument(
        "--smtp",
        type=_host_port,
        metavar="MÁY_CHỦ:CỔNG",
        help="gửi qua máy chủ SMTP này (cổng mặc định: trang «Cài đặt»)",
    )
    tls = p.add_mutually_exclusive_group()
    tls.add_argument("--starttls", action="store_true", help="mã hóa bằng STARTTLS (cổng 587)")
    tls.add_argument("--ssl", action="store_true", help="mã hóa SSL/TLS ngay từ đầu (cổng 465)")
    p.add_argument(
        "--user",
        metavar="TÊN",
        help="tên đăng nhập SMTP (mặc định: trang «Cài đặt»); mật khẩu lấy từ biến môi trường "
        "KEHOACH_SMTP_PASSWORD, kho mật khẩu (keyring) hoặc được hỏi, không bao giờ lưu",
    )
    p.add_argument(
        "--dry-run", action="store_true", help="chỉ in thư nào sẽ gửi tới đâu, không kết nối"
    )
    p.add_argument(
        "--reminders",
        action="store_true",
        help="gửi thư nhắc cho cơ quan chưa báo cáo hoặc có nhiệm vụ quá hạn",
    )
    p.add_argument(
        "--resend", action="store_true", help="gửi lại cả tệp đã gửi cho cơ quan trước đó"
    )
    p.set_defaults(func=cmd_mail)

    p = sub.add_parser(
        "doctor",
        help="Kiểm tra từng khâu từ Excel tới Python (như nút «Kiểm tra cài đặt»)",
    )
    p.add_argument(
        "workbook",
        nargs="?",
        metavar="SỔ_TÍNH",
        help="tệp .xlsm của kế hoạch (kiểm tra cả tệp này)",
    )
    p.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    p.set_defaults(func=cmd_doctor)

    p = sub.add_parser(
        "new-copy",
        help="Tạo sổ làm việc cho cán bộ trong thư mục chọn (ngoài thư mục mã nguồn)",
    )
    p.add_argument(
        "folder", metavar="THƯ_MỤC", help="thư mục đặt KeHoach<năm mục tiêu>.xlsm (tạo nếu chưa có)"
    )
    p.set_defaults(func=cmd_new_copy)

    p = sub.add_parser(
        "setup-excel",
        help="Chỉ cho các nút của sổ tính trình thông dịch Python này (trang xlwings.conf)",
    )
    p.add_argument("workbook", nargs="?", metavar="SỔ_TÍNH", help="sổ tính .xlsm cần cấu hình")
    p.add_argument(
        "--pylib", metavar="THƯ_MỤC", help="thư mục pylib/ (mặc định: của bản chạy từ mã nguồn)"
    )
    p.add_argument(
        "--user-config",
        action="store_true",
        help="ghi vào tệp cấu hình chung ~/.xlwings/xlwings.conf (mọi sổ tính xlwings của máy)",
    )
    p.add_argument("--conf", metavar="TỆP", help="ghi vào tệp cấu hình xlwings này")
    p.set_defaults(func=cmd_setup_excel)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        return func(args)
    except KeHoachError as err:
        sys.stderr.write(f"Lỗi: {err}\n")
        return EXIT_USER_ERROR
    except OSError as err:  # a path missing, not writable, a full disk: the user can mend it
        from kehoach.common.errors import os_error_text

        where = f"tệp {err.filename}: " if err.filename else ""
        sys.stderr.write(f"Lỗi: {where}không đọc hoặc ghi được ({os_error_text(err)}).\n")
        return EXIT_USER_ERROR
    except Exception:
        sys.stderr.write(
            "Lỗi chương trình (không phải do dữ liệu của bạn): lệnh dừng giữa chừng. "
            "Hãy gửi toàn bộ nội dung dưới đây cho người phụ trách kỹ thuật.\n"
        )
        traceback.print_exc(file=sys.stderr)
        return EXIT_BUG


if __name__ == "__main__":
    sys.exit(main())
