"""The macro workbook as a file: build it from macros/, save into it safely, read it back.

Pure core: pyOpenVBA writes the VBA project, openpyxl the sheets, and this module the parts
neither keeps (the ribbon) plus the normalisation that makes a build reproducible. It never
imports xlwings (``kehoach.xl`` is the only module that does).

The workbook's code has one source, ``macros/``:

- ``customUI.xml``: the ribbon, 2006 schema, stored as ``customUI/customUI.xml`` (openpyxl keeps
  its relationship; it drops a 2009 ``customUI14.xml`` part's);
- ``*.bas`` / ``*.cls``: our modules (``Ribbon.bas``), ASCII only, since the VBA project stores
  source in code page 1252;
- ``vendor/xlwings-X.Y.Z/``: xlwings' own VBA (``xlwings.bas`` + ``Dictionary.cls``), as
  ``xlwings quickstart --standalone`` embeds it.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import tempfile
import time
import zipfile
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple
from xml.etree import ElementTree

from kehoach.common.atomic import BACKUP_DIR, backup_name, temp_prefix
from kehoach.common.errors import BuildError, WorkbookError, open_error_text
from kehoach.common.planyears import PlanYears
from kehoach.sheets.carried import Carried, carried_of

if TYPE_CHECKING:
    from kehoach.agencies.directory import Directory
    from kehoach.plan.model import Plan
    from kehoach.sheets.sheetdata import SheetValues
    from kehoach.sheets.streamed import StreamedRows
    from kehoach.workbook.carryover import TypedValue
    from kehoach.workbook.previous import Previous

__all__ = [
    "BUILD_TIMESTAMP",
    "CUSTOMUI_NS",
    "CUSTOMUI_PART",
    "CUSTOMUI_REL",
    "MacroSource",
    "RibbonButton",
    "build_master",
    "build_xlsm",
    "ensure_closed",
    "macro_sources",
    "misnamed_macro_workbook",
    "package_problems",
    "prepare_master_write",
    "require_xlsm_name",
    "ribbon_buttons",
    "ribbon_xml",
    "save_xlsm",
    "vba_modules",
]

CUSTOMUI_NS = "http://schemas.microsoft.com/office/2006/01/customui"
CUSTOMUI_REL = "http://schemas.microsoft.com/office/2006/relationships/ui/extensibility"
# The 2009 (customUI14) part's relationship: read, restored if dropped, never written by us.
CUSTOMUI14_REL = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"
CUSTOMUI_PART = "customUI/customUI.xml"
CUSTOMUI_REL_ID = "rIdKeHoachRibbon"
VBA_PART = "xl/vbaProject.bin"
VBA_REL = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
XLSM_MAIN_TYPE = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
PKG_RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"

# docProps/core.xml created/modified of a build when the caller gives no date (the plan's date).
BUILD_TIMESTAMP = datetime(2000, 1, 1)
# Zip entries of every file we write carry this date, so equal parts give equal bytes.
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
# Modules of pyOpenVBA's new-workbook template that we do not ship (an empty Module1).
_TEMPLATE_MODULES_DROPPED = ("Module1",)

_REPLACE_ATTEMPTS = 6
_REPLACE_DELAY = 0.25  # seconds, grows linearly: Windows holds files briefly (antivirus, sync)
_BACKUP_DIR = BACKUP_DIR
_BACKUPS_KEPT = 10


# ---------------------------------------------------------------------------
# macros/: the sources
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class MacroSource:
    """One VBA module of macros/, as it goes into the workbook."""

    name: str  # from its ``Attribute VB_Name`` line
    path: Path
    source: str  # CRLF line endings, as the VBA project stores it
    is_class: bool


_VB_NAME = re.compile(r'^Attribute VB_Name = "([^"]+)"\s*$', re.MULTILINE)


def macro_sources(macros_dir: Path) -> list[MacroSource]:
    """Every VBA module of ``macros_dir`` (also under ``vendor/*/``), in build order.

    Our own modules come first, then vendored ones, each group by file name. Raises
    :class:`BuildError` for a module without ``Attribute VB_Name``, a non-ASCII character (the
    project's code page 1252 cannot hold Vietnamese) or two modules of one name.
    """
    files = sorted(p for ext in ("*.bas", "*.cls") for p in macros_dir.glob(ext))
    files += sorted(p for ext in ("*.bas", "*.cls") for p in macros_dir.glob(f"vendor/*/{ext}"))
    out: list[MacroSource] = []
    seen: dict[str, Path] = {}
    for path in files:
        text = path.read_bytes().decode("ascii", errors="replace")
        for number, line in enumerate(text.splitlines(), start=1):
            if "\ufffd" in line:
                raise BuildError(
                    "Mã VBA chỉ được chứa ký tự ASCII (dự án VBA lưu mã theo bảng mã 1252); "
                    "hãy đưa chữ tiếng Việt vào customUI.xml (thuộc tính tag) hoặc sang Python.",
                    file=path,
                    line=number,
                    text=line,
                )
        match = _VB_NAME.search(text)
        if match is None:
            raise BuildError('Thiếu dòng Attribute VB_Name = "..." đầu mô-đun VBA.', file=path)
        name = match.group(1)
        if name.casefold() in seen:
            raise BuildError(
                f"Hai mô-đun VBA cùng tên '{name}' ({seen[name.casefold()]}).", file=path
            )
        seen[name.casefold()] = path
        source = "\r\n".join(text.splitlines()) + "\r\n"
        out.append(MacroSource(name, path, source, path.suffix.lower() == ".cls"))
    if not out:
        raise BuildError("Không có mô-đun VBA nào (*.bas, *.cls).", file=macros_dir)
    return out


def _read_ribbon_source(macros_dir: Path) -> bytes:
    path = macros_dir / "customUI.xml"
    try:
        data = path.read_bytes()
    except OSError as err:
        raise BuildError(f"Không đọc được tệp ribbon: {err.strerror}.", file=path) from err
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as err:
        raise BuildError(f"Tệp ribbon không phải XML hợp lệ: {err}.", file=path) from err
    if root.tag != f"{{{CUSTOMUI_NS}}}customUI":
        raise BuildError(
            f"Tệp ribbon phải có gốc customUI thuộc không gian tên {CUSTOMUI_NS}.", file=path
        )
    return data


# ---------------------------------------------------------------------------
# Reading a built workbook
# ---------------------------------------------------------------------------


class RibbonButton(NamedTuple):
    """A ribbon button: what it says, the VBA sub it calls, and what it does."""

    label: str
    on_action: str
    supertip: str


def vba_modules(path: Path) -> dict[str, str]:
    """Module name -> source of the workbook's VBA project (read by pyOpenVBA)."""
    from pyopenvba import ExcelFile
    from pyopenvba.exceptions import PyOpenVBAError

    try:
        with ExcelFile(path) as book:
            modules: dict[str, str] = book.vba_modules()
            return modules
    except (OSError, zipfile.BadZipFile, PyOpenVBAError) as err:
        raise WorkbookError(
            f"Không đọc được mã VBA của sổ tính: {open_error_text(err)}.", file=path
        ) from err


def ribbon_xml(path: Path) -> bytes | None:
    """The workbook's ribbon XML as stored, or None when no relationship points to one.

    The 2006 part wins over a 2009 (customUI14) one, since it is the one we write.
    """
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
            rels = z.read("_rels/.rels") if "_rels/.rels" in names else b""
            targets = _ribbon_targets(rels)
            for rel_type in (CUSTOMUI_REL, CUSTOMUI14_REL):
                target = targets.get(rel_type)
                if target is not None and target in names:
                    return z.read(target)
    except (OSError, zipfile.BadZipFile) as err:
        raise WorkbookError(f"Không mở được sổ tính: {open_error_text(err)}.", file=path) from err
    return None


def ribbon_buttons(xml: bytes) -> list[RibbonButton]:
    """Every button of the ribbon XML, in order: (label, onAction, supertip)."""
    root = ElementTree.fromstring(xml)
    ns = root.tag.partition("}")[0] + "}" if root.tag.startswith("{") else ""
    return [
        RibbonButton(b.get("label", ""), b.get("onAction", ""), b.get("supertip", ""))
        for b in root.iter(f"{ns}button")
    ]


def package_problems(path: Path, reference: Path | Mapping[str, bytes] | None = None) -> list[str]:
    """Vietnamese descriptions of what a macro workbook lacks; empty when it is whole.

    Checks that the zip reads back (CRCs), that the VBA project is there with its relationship
    and the macro-enabled content type, and that the ribbon part is there with its relationship.
    With ``reference`` (an earlier file, or its parts), the VBA project and every ribbon part
    must also be byte-identical to the reference's.
    """
    try:
        parts = _package_parts(path)
    except (OSError, zipfile.BadZipFile) as err:
        return [f"Không đọc được tệp: {open_error_text(err)}."]
    problems: list[str] = []
    if VBA_PART not in parts:
        problems.append("Mất dự án VBA (xl/vbaProject.bin).")
    if VBA_REL not in parts.get("xl/_rels/workbook.xml.rels", b"").decode("utf-8", "replace"):
        problems.append("Mất quan hệ tới dự án VBA trong xl/_rels/workbook.xml.rels.")
    if XLSM_MAIN_TYPE not in parts.get("[Content_Types].xml", b"").decode("utf-8", "replace"):
        problems.append("Sổ tính không còn là loại có macro (.xlsm) trong [Content_Types].xml.")
    targets = _ribbon_targets(parts.get("_rels/.rels", b""))
    if not targets:
        problems.append("Mất quan hệ tới ribbon (customUI) trong _rels/.rels.")
    for target in targets.values():
        if target not in parts:
            problems.append(f"Mất phần ribbon {target}.")
    if reference is not None:
        ref = _package_parts(reference) if isinstance(reference, Path) else reference
        if ref.get(VBA_PART) is not None and parts.get(VBA_PART) != ref.get(VBA_PART):
            problems.append("Dự án VBA (xl/vbaProject.bin) đã bị thay đổi.")
        ref_targets = _ribbon_targets(ref.get("_rels/.rels", b""))
        for rel_type, target in ref_targets.items():
            if targets.get(rel_type) != target:
                problems.append(f"Mất quan hệ tới ribbon {target} trong _rels/.rels.")
            elif parts.get(target) != ref.get(target):
                problems.append(f"Phần ribbon {target} đã bị thay đổi.")
    return problems


# ---------------------------------------------------------------------------
# Building
# ---------------------------------------------------------------------------


def build_xlsm(
    out: Path,
    fill: Callable[[Any], None],
    macros_dir: Path,
    *,
    timestamp: datetime = BUILD_TIMESTAMP,
) -> None:
    """Build the macro workbook ``out`` from ``macros_dir`` and ``fill``.

    pyOpenVBA makes a macro workbook and its VBA project (the modules of :func:`macro_sources`;
    the template's empty ``Module1`` is dropped); openpyxl loads it with ``keep_vba=True`` and
    ``fill(wb)`` adds the sheets (its first worksheet is the template's ``Sheet1``); then the
    ribbon part goes in. The file is normalised (entry order and dates, docProps/core.xml
    created/modified = ``timestamp``), so the same sources give the same bytes. ``out`` is
    replaced atomically; a previous different file is kept in ``backup/`` beside it.
    """
    import openpyxl
    from pyopenvba import ExcelFile
    from pyopenvba.vba import VBAModuleKind

    require_xlsm_name(out)
    sources = macro_sources(macros_dir)
    ribbon = _read_ribbon_source(macros_dir)
    with tempfile.TemporaryDirectory(prefix="kehoach-build-") as tmp:
        vba_path = Path(tmp) / "vba.xlsm"
        with ExcelFile.create_new(vba_path) as book:
            project = book.vba_project()
            for name in _TEMPLATE_MODULES_DROPPED:
                project.delete_module(name)
            for src in sources:
                kind = VBAModuleKind.other if src.is_class else VBAModuleKind.standard
                project.add_module(src.name, src.source, kind=kind)
            book.save(vba_path)
        wb = openpyxl.load_workbook(vba_path, keep_vba=True)
        # pyOpenVBA's template names its author; fill() may set its own.
        wb.properties.creator = wb.properties.lastModifiedBy = "kehoach"
        fill(wb)
        parts = _saved_parts(wb, timestamp)
    parts = _with_ribbon(parts, ribbon)
    parts["docProps/core.xml"] = _fixed_core_dates(parts["docProps/core.xml"], timestamp)
    data = _pack(parts)
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.is_file() and out.read_bytes() == data:
        return
    tmp_out = _temp_beside(out)
    try:
        tmp_out.write_bytes(data)
        problems = package_problems(tmp_out)
        if problems:
            raise BuildError("Sổ tính vừa tạo bị lỗi: " + " ".join(problems), file=out)
        if out.exists():
            _backup(out)
        _replace(tmp_out, out)
    finally:
        tmp_out.unlink(missing_ok=True)


def build_master(
    out: Path,
    plan: Plan,
    macros_dir: Path,
    templates_dir: Path,
    *,
    keep_directory: bool = True,
    drop_unmatched: bool = False,
    previous: Previous | None = None,
) -> list[TypedValue]:
    """Build the master workbook of ``plan``: the cover and plan sheets, the ribbon, the VBA.

    The sheets come from :func:`kehoach.workbook.master.fill_master` (with ``templates_dir``); the
    cover
    lists the ribbon's buttons (label, supertip) as ``macros/customUI.xml`` defines them.
    docProps/core.xml is dated with the plan's date, so a rebuild gives the same bytes.
    When ``out`` exists and has an agency directory, the officials' edits to it are kept
    (:func:`kehoach.agencies.directory.merge_directory` over ``templates/co-quan.tsv``) unless
    ``keep_directory`` is False; a damaged directory sheet stops the build (WorkbookError
    naming the cell) rather than lose their work. The key that signs the agency workbooks
    (:func:`kehoach.extract.signing.stored_key`) is always carried over: without it, the files sent
    out could no longer be verified; so are the collected reports (TienDo, LichSu, ThuThap:
    :func:`kehoach.collect.run.kept_progress`), the e-mail settings and the send log ("Cài đặt",
    "NhatKyGui": :func:`kehoach.mail.sheet.kept_mail`), and what else the officials typed:
    target-year results at every level, the "Quy tắc" inputs, the sheet "Tệp gửi cơ quan"
    (:mod:`kehoach.workbook.carryover`). A typed value with no place in the new workbook stops the
    build (BuildError listing each, nothing written) unless ``drop_unmatched``; the values
    dropped then are returned.

    With ``previous`` (last year's master, :func:`kehoach.workbook.previous.read_previous`),
    ``out`` is a new file and the directory, the settings and the rule edits come from that
    master instead, its progress and results staying behind.
    """
    from kehoach.collect.run import kept_progress, kept_progress_of
    from kehoach.extract.signing import key_edits, master_key, stored_key
    from kehoach.mail.sheet import kept_mail
    from kehoach.sheets.carried import CellNote, cell_notes
    from kehoach.sheets.edits import apply_to_workbook
    from kehoach.sheets.sheetdata import workbook_contents
    from kehoach.state.master import state_from_values
    from kehoach.workbook.carryover import apply_carry, deleted_rules, refusal, typed_inputs
    from kehoach.workbook.master import COMMENT_AUTHOR, REWRITTEN_SHEETS, fill_master

    ribbon = _read_ribbon_source(macros_dir)
    buttons = [(b.label, b.supertip) for b in ribbon_buttons(ribbon)]
    if previous is not None:
        from kehoach.workbook.previous import check_target

        check_target(previous.path, out)
        directory: Directory | None = previous.directory if keep_directory else None
        mail = list(previous.settings)
        old, names = dict(previous.rules), dict(previous.names)
        key = stored_key(out)
        progress = kept_progress(out)
        notes: list[CellNote] = []
    else:
        # The master being rebuilt is read once; everything carried over comes from that reading.
        old, names = workbook_contents(out, skip=REWRITTEN_SHEETS) if out.is_file() else ({}, {})
        directory = (
            kept_directory_of(old, out, templates_dir, plan.years) if keep_directory else None
        )
        mail = kept_mail(old)
        state = state_from_values(old, names, file=out)
        key = master_key(state) if old else None
        progress = kept_progress_of(state)
        notes = [
            n
            for n in (cell_notes(out) if old else [])
            if n.author != COMMENT_AUTHOR and n.sheet not in REWRITTEN_SHEETS
        ]
    omit = deleted_rules(old, names)
    dropped: list[TypedValue] = []

    def fill(wb: Any) -> None:
        fill_master(
            wb, plan, buttons, templates=templates_dir, directory=directory, omit_rules=omit
        )
        if key is not None:
            apply_to_workbook(wb, key_edits(key))
        apply_to_workbook(wb, progress)
        apply_to_workbook(wb, mail)
        carry = typed_inputs(old, wb, notes)
        if carry.unmatched and not drop_unmatched:
            raise refusal(carry.unmatched, file=out if previous is None else previous.path)
        apply_carry(wb, carry)
        dropped.extend(carry.unmatched)

    build_xlsm(out, fill, macros_dir, timestamp=_plan_timestamp(plan.date))
    return dropped


def kept_directory(out: Path, templates_dir: Path, years: PlanYears) -> Directory | None:
    """The directory a rebuild of ``out`` writes: its officials' edits merged over the seed;
    None when ``out`` does not exist or has no directory sheet (the seed is used)."""
    from kehoach.sheets.sheetdata import workbook_values

    if not out.is_file():
        return None
    return kept_directory_of(workbook_values(out), out, templates_dir, years)


def kept_directory_of(
    values: Mapping[str, SheetValues], out: Path, templates_dir: Path, years: PlanYears
) -> Directory | None:
    """``kept_directory`` of the master ``out`` read into ``values`` (its sheets' values)."""
    from kehoach.agencies.directory import (
        SEED_TEMPLATE,
        load_base,
        load_directory,
        merge_directory,
        read_seed,
    )
    from kehoach.sheets.layout import DIRECTORY_SHEET

    if DIRECTORY_SHEET not in values:
        return None
    existing = load_directory(values, file=out)
    seed = read_seed(templates_dir / SEED_TEMPLATE, years)
    return merge_directory(seed, existing, load_base(values, file=out))


def _plan_timestamp(date: str) -> datetime:
    try:
        return datetime.fromisoformat(date)
    except ValueError:
        return BUILD_TIMESTAMP


# ---------------------------------------------------------------------------
# Saving into an existing workbook
# ---------------------------------------------------------------------------


def save_xlsm(
    wb: Any,
    path: Path,
    *,
    backup_dir: Path | None = None,
    keep_backups: int = _BACKUPS_KEPT,
) -> Path:
    """Save ``wb`` (loaded from ``path`` with ``keep_vba=True``) over ``path``, safely.

    Writes a temporary file in the same folder, puts back the ribbon relationship if openpyxl
    dropped it and the data rows of the sheets ``wb`` was loaded without
    (:func:`kehoach.sheets.carried.load_carrying`; :mod:`kehoach.workbook.splice`), checks
    that the VBA project and the ribbon are byte-identical to the file being replaced, copies
    that file into ``backup_dir`` (default: ``backup/`` beside it; the newest ``keep_backups``
    are kept), then replaces it in one step, retrying while Windows holds it. The master is
    never left half-written. Returns the backup's path.

    Raises :class:`WorkbookError` naming the file when it cannot be read, written or checked.
    """
    path = Path(path)
    try:
        before = _package_parts(path)
    except (OSError, zipfile.BadZipFile) as err:
        raise WorkbookError(f"Không đọc được sổ tính để ghi đè: {err}", file=path) from err
    tmp = _temp_beside(path)
    try:
        try:
            with _streamed(wb) as streamed:  # before openpyxl writes the styles they add to
                wb.save(tmp)
                _complete_saved(tmp, path, before, carried_of(wb), streamed)
        except (OSError, zipfile.BadZipFile) as err:
            raise WorkbookError(f"Không ghi được tệp tạm: {err}", file=tmp) from err
        problems = package_problems(tmp, reference=before)
        if problems:
            raise WorkbookError(
                "Không lưu vì bản ghi mới bị hỏng; tệp cũ được giữ nguyên. " + " ".join(problems),
                file=path,
            )
        backup = _backup(path, backup_dir, keep_backups)
        _replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return backup


@contextlib.contextmanager
def _streamed(wb: Any) -> Iterator[dict[str, StreamedRows]]:
    """The data rows of the sheets ``wb`` writes streamed (``sheets.streamed``), their
    temporary files closed on the way out."""
    from kehoach.sheets.streamed import write_streamed

    rows = write_streamed(wb)
    try:
        yield rows
    finally:
        for streamed in rows.values():
            streamed.rows.close()


def _complete_saved(
    tmp: Path,
    path: Path,
    before: Mapping[str, bytes],
    carried: Carried | None,
    streamed: Mapping[str, StreamedRows] | None = None,
) -> None:
    """Give the package openpyxl saved in ``tmp`` what it lacks: the ribbon parts and
    relationships of ``before`` it dropped, the data rows of the ``carried`` sheets. ``tmp`` is
    rewritten (through a second temporary beside ``path``) only when something is missing."""
    from kehoach.workbook.splice import rewrite

    with zipfile.ZipFile(tmp) as z:
        names = set(z.namelist())
        root_rels = z.read("_rels/.rels") if "_rels/.rels" in names else b""
    changed = _ribbon_changes(names, root_rels, before)
    if not changed and (carried is None or not carried.sheets):
        return
    out = _temp_beside(path)
    try:
        rewrite(tmp, out, changed, carried, streamed)
        os.replace(out, tmp)
    finally:
        out.unlink(missing_ok=True)


def open_elsewhere(path: Path) -> str | None:
    """Why ``path`` looks open in Excel or LibreOffice (a Vietnamese phrase), or None.

    Excel keeps an owner file "~$<name>" beside an open workbook, LibreOffice ".~lock.<name>#";
    on Windows Excel also holds the file itself, so opening it for writing fails.
    """
    path = Path(path)
    for lock in (f"~${path.name}", f".~lock.{path.name}#"):
        if (path.parent / lock).exists():
            return f"có tệp khóa «{lock}» bên cạnh"
    if os.name == "nt" and path.exists():
        try:
            with open(path, "r+b"):
                pass
        except PermissionError:
            return "một chương trình khác đang giữ tệp"
    return None


def ensure_closed(path: Path) -> None:
    """Raise WorkbookError when ``path`` is open in Excel (see ``open_elsewhere``): writing it
    from outside would lose the changes made in Excel, or be lost when Excel saves."""
    why = open_elsewhere(path)
    if why is not None:
        raise WorkbookError(
            f"Workbook đang mở trong Excel ({why}): không ghi gì. Hãy dùng nút trên ribbon của "
            "workbook đang mở, hoặc lưu và đóng workbook rồi chạy lại lệnh. (Nếu Excel đã đóng "
            "mà vẫn báo, xóa tệp khóa đó.)",
            file=path,
        )


def misnamed_macro_workbook(path: Path) -> str | None:
    """Advice (Vietnamese) when ``path`` is a macro workbook named other than ``.xlsm`` (a
    master renamed to .xlsx, which Excel refuses to open); None otherwise, also when it cannot
    be read (the reader says why)."""
    path = Path(path)
    if path.suffix.lower() == ".xlsm":
        return None
    try:
        with zipfile.ZipFile(path) as z:
            has_vba = VBA_PART in z.namelist()
    except (OSError, zipfile.BadZipFile):
        return None
    if not has_vba:
        return None
    return (
        f"Tệp này là workbook có macro (ribbon, nút bấm) nhưng mang đuôi «{path.suffix}»: Excel "
        f"không mở workbook có macro dưới tên này. Hãy đổi tên lại thành «{path.stem}.xlsm»."
    )


def require_xlsm_name(path: Path) -> None:
    """BuildError unless ``path`` ends in .xlsm: the only name Excel opens a macro workbook by."""
    if Path(path).suffix.lower() != ".xlsm":
        raise BuildError(
            "Workbook kế hoạch có macro nên tên tệp phải có đuôi .xlsm (Excel không mở workbook "
            f"có macro dưới đuôi «{Path(path).suffix or '(không có)'}»). Không ghi gì.",
            file=path,
        )


def prepare_master_write(path: Path, *, whole: bool = False) -> list[str]:
    """What every verb that writes the master ``path`` does before it reads it: refuse when
    it is open in Excel (:func:`ensure_closed`), when it is not a macro workbook named .xlsm
    (renamed to .xlsx, or saved without its VBA), then remove the temporary files a killed
    run left beside it (:func:`kehoach.workbook.leftovers.clear_stale_temporaries`). ``whole``: the
    verb writes the file anew (``build``), which only has to be named .xlsm. Returns the
    Vietnamese notes of what was cleared, for the run's output. WorkbookError or BuildError
    naming the file; nothing is written then."""
    from kehoach.workbook.leftovers import clear_stale_temporaries

    path = Path(path)
    if whole:
        require_xlsm_name(path)
    ensure_closed(path)
    if not whole and path.is_file():
        advice = misnamed_macro_workbook(path)
        if advice is not None:
            raise WorkbookError(advice + " Không ghi gì.", file=path)
        try:
            with zipfile.ZipFile(path) as z:
                has_vba = VBA_PART in z.namelist()
        except (OSError, zipfile.BadZipFile) as err:
            raise WorkbookError(f"Không mở được sổ tính: {err}", file=path) from err
        if not has_vba or path.suffix.lower() != ".xlsm":
            raise WorkbookError(
                "Workbook này không còn mã VBA (ribbon, nút bấm): có lẽ nó đã được lưu thành "
                ".xlsx trong Excel. Không ghi gì. Hãy dùng bản .xlsm (bản sao lưu ở thư mục "
                "backup/ bên cạnh), hoặc tạo lại bằng lệnh «kehoach build --out TỆP.xlsm».",
                file=path,
            )
    return clear_stale_temporaries(path).notes()


# ---------------------------------------------------------------------------
# Package plumbing
# ---------------------------------------------------------------------------


def _read_parts(source: Path | bytes) -> dict[str, bytes]:
    """Every part of a zip package by name, CRCs checked."""
    handle: Any = io.BytesIO(source) if isinstance(source, bytes) else source
    with zipfile.ZipFile(handle) as z:
        return {info.filename: z.read(info) for info in z.infolist() if not info.is_dir()}


def _saved_parts(wb: Any, timestamp: datetime) -> dict[str, bytes]:
    """Every part of ``wb`` as openpyxl's save writes it, by name (modified at ``timestamp``,
    where the save would put now): its writer into a zip whose entries are stored, not
    deflated, since ``_pack`` compresses every part once for the file."""
    from openpyxl.writer.excel import ExcelWriter

    wb.properties.modified = timestamp
    buffer = io.BytesIO()
    ExcelWriter(wb, zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED, allowZip64=True)).save()
    return _read_parts(buffer.getvalue())


def _package_parts(source: Path) -> dict[str, bytes]:
    """The parts that make a macro workbook, by name: the content types, the relationships of
    the package and of the workbook, the VBA project, the ribbon parts. Every other part is
    read through for its CRC but not kept: a province's progress sheet is hundreds of
    megabytes of XML, and a save would otherwise hold it three more times."""
    with zipfile.ZipFile(source) as z:
        names = [info.filename for info in z.infolist() if not info.is_dir()]
        rels = z.read("_rels/.rels") if "_rels/.rels" in names else b""
        kept = {"[Content_Types].xml", "_rels/.rels", "xl/_rels/workbook.xml.rels", VBA_PART}
        kept.update(_ribbon_targets(rels).values())
        parts: dict[str, bytes] = {}
        for name in names:
            if name in kept:
                parts[name] = z.read(name)
                continue
            with z.open(name) as entry:  # zipfile checks the CRC at the end
                while entry.read(1 << 20):
                    pass
        return parts


def _pack(parts: Mapping[str, bytes]) -> bytes:
    """A zip of ``parts`` that depends on nothing but them.

    [Content_Types].xml and _rels/.rels first (as Office writes them), then by name; every entry
    deflated, dated 1980-01-01, with fixed attributes (zipfile would stamp the host OS).
    """
    first = [n for n in ("[Content_Types].xml", "_rels/.rels") if n in parts]
    names = first + sorted(n for n in parts if n not in first)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0o600 << 16  # what zipfile.writestr would put, said once
            z.writestr(info, parts[name], compresslevel=6)
    return buf.getvalue()


def _ribbon_targets(root_rels: bytes) -> dict[str, str]:
    """Relationship type -> part name of the ribbon relationships in _rels/.rels."""
    if not root_rels:
        return {}
    out: dict[str, str] = {}
    for rel in ElementTree.fromstring(root_rels).iter(f"{{{PKG_RELS_NS}}}Relationship"):
        rel_type = rel.get("Type", "")
        if rel_type in (CUSTOMUI_REL, CUSTOMUI14_REL):
            out[rel_type] = rel.get("Target", "").lstrip("/")
    return out


def _with_ribbon(parts: dict[str, bytes], ribbon: bytes) -> dict[str, bytes]:
    """``parts`` with the ribbon part, its relationship and an xml content type."""
    from openpyxl.packaging.relationship import Relationship, RelationshipList
    from openpyxl.xml.functions import fromstring, tostring

    out = dict(parts)
    out[CUSTOMUI_PART] = ribbon
    # Written as openpyxl writes _rels/.rels, so that an openpyxl round trip (which copies the
    # customUI relationship over, Id included) gives the same bytes.
    rels = RelationshipList.from_tree(fromstring(out["_rels/.rels"]))
    if not any(r.Type == CUSTOMUI_REL for r in rels):
        rels.append(Relationship(Type=CUSTOMUI_REL, Target=CUSTOMUI_PART, Id=CUSTOMUI_REL_ID))
    out["_rels/.rels"] = tostring(rels.to_tree())
    out["[Content_Types].xml"] = _with_xml_default(out["[Content_Types].xml"])
    return out


def _with_xml_default(content_types: bytes) -> bytes:
    """Make sure the Default for .xml is there: it types the ribbon part, as Office does."""
    root = ElementTree.fromstring(content_types)
    for default in root.iter(f"{{{CT_NS}}}Default"):
        if default.get("Extension", "").lower() == "xml":
            return content_types
    entry = b'<Default Extension="xml" ContentType="application/xml"/>'
    head, sep, tail = content_types.partition(b"<Default ")
    if not sep:
        raise BuildError("[Content_Types].xml không có mục Default nào.")
    return head + entry + sep + tail


def _ribbon_changes(
    names: Collection[str], root_rels: bytes, before: Mapping[str, bytes]
) -> dict[str, bytes]:
    """The parts to put into a package an openpyxl save wrote (its part ``names`` and its
    ``_rels/.rels``) so that it has the ribbon parts and relationships of ``before``: the
    parts it dropped and, when it dropped a relationship, its ``_rels/.rels``."""
    wanted = _ribbon_targets(before.get("_rels/.rels", b""))
    have = _ribbon_targets(root_rels)
    missing = {t: target for t, target in wanted.items() if have.get(t) != target}
    out = {
        target: before[target]
        for target in wanted.values()
        if target not in names and target in before
    }
    if not missing:
        return out
    from openpyxl.packaging.relationship import RelationshipList
    from openpyxl.xml.functions import fromstring, tostring

    rels = RelationshipList.from_tree(fromstring(root_rels))
    for rel in RelationshipList.from_tree(fromstring(before["_rels/.rels"])):
        if rel.Type in missing:
            rels.append(rel)
    out["_rels/.rels"] = tostring(rels.to_tree())
    return out


_CORE_DATE = re.compile(rb"(<dcterms:(created|modified)\b[^>]*>)[^<]*(</dcterms:\2>)")


def _fixed_core_dates(core: bytes, when: datetime) -> bytes:
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    return _CORE_DATE.sub(lambda m: m.group(1) + stamp + m.group(3), core)


def _temp_beside(path: Path) -> Path:
    """An empty temporary file beside ``path``, with ``path``'s permissions or the default ones.

    mkstemp makes it private (0600); os.replace would hand that to a shared workbook.
    """
    fd, name = tempfile.mkstemp(prefix=temp_prefix(path), suffix=".tmp.xlsm", dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    if path.exists():
        shutil.copymode(path, tmp)
    else:
        umask = os.umask(0)
        os.umask(umask)
        tmp.chmod(0o666 & ~umask)
    return tmp


def _replace(src: Path, dst: Path) -> None:
    """os.replace, retried while Windows refuses (Excel, antivirus or a sync client holds dst)."""
    last: OSError | None = None
    for attempt in range(_REPLACE_ATTEMPTS):
        try:
            os.replace(src, dst)
            return
        except PermissionError as err:
            last = err
            time.sleep(_REPLACE_DELAY * (attempt + 1))
    raise WorkbookError(
        "Không ghi đè được tệp (có thể đang mở trong Excel hoặc đang được đồng bộ); "
        f"hãy đóng tệp rồi thử lại. Tệp cũ được giữ nguyên. ({last})",
        file=dst,
    )


def _backup(path: Path, backup_dir: Path | None = None, keep: int = _BACKUPS_KEPT) -> Path:
    """Copy ``path`` to ``<folder>/<stem>-<YYYYmmdd-HHMMSS>[-n]<suffix>``; keep ``keep`` newest."""
    folder = backup_dir if backup_dir is not None else path.parent / _BACKUP_DIR
    try:
        folder.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y%m%d-%H%M%S")
        # Numbered after every backup of the same second, even a pruned one's number is not reused.
        same_second = [n for s, n, _ in _backups(folder, path) if s == stamp]
        n = max(same_second, default=0) + 1
        target = folder / f"{path.stem}-{stamp}{'' if n == 1 else f'-{n}'}{path.suffix}"
        shutil.copy2(path, target)
        for _, _, old in _backups(folder, path)[:-keep] if keep > 0 else []:
            old.unlink()
    except OSError as err:
        raise WorkbookError(f"Không tạo được bản sao lưu trong {folder}: {err}", file=path) from err
    return target


def _backups(folder: Path, path: Path) -> list[tuple[str, int, Path]]:
    """The backups of ``path`` in ``folder`` as (stamp, number, path), oldest first."""
    pattern = backup_name(path)
    found: list[tuple[str, int, Path]] = []
    for p in folder.iterdir():
        m = pattern.match(p.name)
        if m:
            found.append((m.group(1), int(m.group(2) or 1), p))
    return sorted(found)
