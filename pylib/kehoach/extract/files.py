"""Generate the agency workbooks into a folder: ``generate_extracts``, one call.

For every agency with at least one task: ``<safe file name of its name>.xlsx`` (ASCII,
Windows-safe, see ``kehoach.common.safenames``), then ``manifest.json``. Two agencies whose names
give
the same file name (compared as Windows does, ignoring case) are an error before anything is
written: never a silent suffix. The same inputs, ``generated_at`` and key give the same bytes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from kehoach.agencies.directory import Agency, Assignment, Directory
from kehoach.agencies.resolve import resolve_plan
from kehoach.common.atomic import replaced_on_success
from kehoach.common.errors import os_error_text
from kehoach.common.safenames import safe_file_name
from kehoach.common.untrusted_text import excerpt
from kehoach.extract.book import ExtractOptions, extract_bytes
from kehoach.extract.manifest import Manifest, ManifestEntry
from kehoach.extract.select import ExtractError, Selection
from kehoach.extract.signing import MAX_META_TEXT, key_edits, key_id, master_key, new_key
from kehoach.plan.model import Plan
from kehoach.sheets import extract_layout as ex
from kehoach.sheets import layout
from kehoach.sheets.edits import Edit
from kehoach.state.master import MasterState

EXTENSION = ".xlsx"

# The sheets ``extract_inputs`` reads: the cover (the plan's named cells), the plan sheets
# (appendices, tasks, directory, rules) and the key; not the summary, the gaps or the registers.
SHEETS_READ: tuple[str, ...] = (
    layout.COVER_SHEET,
    *(spec.name for spec in layout.PLAN_SHEETS),
    ex.KEY_SHEET,
)

# progress(done, total, agency name), called after each file.
Progress = Callable[[int, int, str], None]


def file_names(agencies: Sequence[Agency]) -> dict[str, str]:
    """Agency code → file name; ExtractError when two agencies would share one."""
    names: dict[str, str] = {}
    seen: dict[str, Agency] = {}
    for agency in agencies:
        name = safe_file_name(agency.name) + EXTENSION
        other = seen.get(name.casefold())
        if other is not None:
            raise ExtractError(
                f"Hai cơ quan cho cùng một tên tệp «{name}»: «{other.name}» (mã "
                f"{other.code}) và «{agency.name}» (mã {agency.code}). "
                "Hãy sửa tên một trong hai cơ quan trong danh bạ cho khác nhau (ví dụ thêm tên "
                "huyện), rồi tạo lại."
            )
        seen[name.casefold()] = agency
        names[agency.code] = name
    return names


def signed_texts_fit(plan: Plan, agencies: Sequence[Agency]) -> None:
    """ExtractError when the plan's number or an agency's name, typed in the master and signed
    into every file's hidden sheet, is longer than collection takes back (``MAX_META_TEXT``):
    every return would be refused as tampered with."""
    texts = [("Số kế hoạch", plan.number, layout.COVER_SHEET)]
    texts += [("Tên cơ quan", a.name, layout.DIRECTORY_SHEET) for a in agencies]
    for label, text, sheet in texts:
        if len(text) > MAX_META_TEXT:
            raise ExtractError(
                f"{label} «{excerpt(text, 60)}» dài quá {MAX_META_TEXT} ký tự, không ghi được "
                "vào tệp gửi cơ quan (cơ quan gửi lại sẽ bị từ chối): hãy sửa cho ngắn lại.",
                sheet=sheet,
            )


def generate_extracts(
    plan: Plan,
    directory: Directory,
    assignments: Sequence[Assignment],
    out_dir: Path,
    key: bytes,
    *,
    generated_at: datetime,
    agencies: Collection[str] | None = None,
    progress: Progress | None = None,
    options: ExtractOptions | None = None,
) -> Manifest:
    """Write one signed workbook per agency with tasks (or only ``agencies``, by code) into
    ``out_dir``, then ``manifest.json``; return the manifest.

    Raises ExtractError, before writing anything, for clashing file names, an unknown
    agency code in ``agencies``, an agency there that has no task, or a plan number or an
    agency's name too long for the hidden sheet (``signed_texts_fit``), and for a folder
    that cannot be made (read-only). A file whose bytes are already there is left untouched.
    """
    # Every check before the first file; the rows are built one agency at a time.
    selection = Selection(plan, directory, assignments)
    names = file_names(selection.agencies)
    recipients = selection.agencies
    signed_texts_fit(plan, recipients)
    if agencies is not None:
        wanted = set(agencies)
        known = {a.code for a in directory.agencies}
        for code in dict.fromkeys(agencies):
            if code not in known:
                raise ExtractError(f"Không có cơ quan mã «{code}» trong danh bạ.")
            if code not in names:
                raise ExtractError(f"Cơ quan mã «{code}» không được giao nhiệm vụ nào.")
        recipients = [a for a in recipients if a.code in wanted]
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise ExtractError(
            f"Không tạo được thư mục «{out_dir}» để ghi tệp cho cơ quan "
            f"({os_error_text(err)}): chép sổ này vào một thư mục có quyền ghi "
            "(không mở thẳng từ tệp đính kèm thư) rồi chạy lại."
        ) from err
    entries: list[ManifestEntry] = []
    for done, agency in enumerate(recipients, start=1):
        extract = selection.extract(agency)
        data = extract_bytes(plan, extract, key, generated_at=generated_at, options=options)
        name = names[extract.agency.code]
        write_file(out_dir / name, data)
        entries.append(
            ManifestEntry(
                file=name,
                agency=extract.agency.code,
                agency_name=extract.agency.name,
                lead_tasks=extract.lead_tasks,
                coordinating_tasks=extract.coordinating_tasks,
                sha256=hashlib.sha256(data).hexdigest(),
            )
        )
        if progress is not None:
            progress(done, len(recipients), agency.name)
    manifest = Manifest(
        plan_id=plan.number,
        generated_at=generated_at.isoformat(timespec="seconds"),
        key_id=key_id(key),
        entries=tuple(entries),
    )
    write_file(out_dir / ex.MANIFEST_FILE, manifest.to_json().encode())
    return manifest


def write_file(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` in one step (temporary file, then rename); nothing when the
    file already holds exactly ``data``. ExtractError when the file is held (open in Excel)."""
    try:
        if path.is_file() and path.read_bytes() == data:
            return
        with replaced_on_success(path) as tmp:
            tmp.write_bytes(data)
    except OSError as err:
        raise ExtractError(
            f"Không ghi được tệp (có thể đang mở trong Excel): {err.strerror or err}", file=path
        ) from err


@dataclass(frozen=True)
class ExtractInputs:
    """What a run takes from the master: the directory, the resolved assignments, the key.

    ``new_key`` is True when the master had none: the shell stores ``key_edits(key)`` in the
    master before writing any file, so no file is ever signed with a key that is not kept.
    ``unresolved`` counts the agency names the resolver could not place (or groups nobody
    has decided), which therefore reach no workbook.
    """

    directory: Directory
    assignments: list[Assignment]
    key: bytes
    new_key: bool
    unresolved: int

    def key_edits(self) -> list[Edit]:
        return key_edits(self.key) if self.new_key else []


def extract_inputs(state: MasterState) -> ExtractInputs:
    """The directory and the key of the master read into ``state``, and its plan resolved.
    WorkbookError (naming sheet and cell) when the plan, the directory or the key sheet is
    damaged."""
    directory = state.directory
    resolution = resolve_plan(state.plan, directory)
    key = master_key(state)
    return ExtractInputs(
        directory=directory,
        assignments=resolution.assignments,
        key=key if key is not None else new_key(),
        new_key=key is None,
        unresolved=len(resolution.unresolved) + len(resolution.undecided),
    )
