"""Merge the agencies' returned reports into the master: ``plan_collection``, pure.

Input: the master's sheet values (``sheetdata.workbook_values`` or ``kehoach.xl.sheet_values``),
the outcomes of ``kehoach.collect.intake`` (one per file of the return folder) and the time of the
run. Output: a ``Collection`` whose ``edits()`` rewrite the progress sheet (TienDo), append one
row per file taken in to LichSu and list every file (ThuThap), and whose ``changes`` (one per
changed cell, old → new) ``save_history`` writes to the run's history workbook beside the
master (``kehoach.collect.history_file``); see ``kehoach.sheets.progress_layout``.

Rules:

- TienDo has one row per (task, agency) an accepted file reported on. A row whose input cells
  are all blank is not a report and changes nothing (an agency that leaves a task empty in a
  later file does not erase what it reported before).
- Several files of one agency: they are replayed oldest first, by (report date, file time,
  generated_at, name); so the latest report date wins, then the latest file, and each older
  file's changes stay in the history. Against a row collected by an earlier run, a file wins
  when it sorts after the file that wrote the row (when that file is in the folder), else when
  its report date is not before the row's "Ngày báo cáo".
- A file whose SHA-256 is already in TienDo or LichSu was collected before and is skipped: a
  second run over the same folder changes neither TienDo nor LichSu. ThuThap is the report of
  the last run only and is rewritten each time ("Đã nhận trước đó").
- LichSu gets one row per file taken in (accepted or superseded), with the rows and cells it
  changed; the history workbook one row per changed cell (old → new), never one for an
  unchanged cell.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter

from kehoach.agencies.directory import ROLES, Assignment, Directory
from kehoach.collect.history_file import write_history
from kehoach.collect.returns import FileOutcome
from kehoach.common.errors import KeHoachError, WorkbookError, missing_folder_text
from kehoach.extract.signing import canonical_value
from kehoach.plan.model import Plan
from kehoach.sheets import extract_layout as ex
from kehoach.sheets import progress_layout as pl
from kehoach.sheets.edits import ClearRows, Edit, EnsureSheet, WriteValues
from kehoach.sheets.layout import Column
from kehoach.sheets.progress_layout import EXCEL_MAX_ROWS
from kehoach.sheets.sheetdata import SheetValues, is_blank
from kehoach.state.master import MasterState

ALERT_TITLE = "Thu thập báo cáo"
INPUT_KEYS: tuple[str, ...] = tuple(c.key for c in ex.INPUT_COLUMNS)
_PROGRESS_KEYS: tuple[str, ...] = tuple(c.key for c in pl.PROGRESS_COLUMNS)
_HEADERS = {c.key: c.header for c in pl.PROGRESS_COLUMNS}
_CONTEXT_KEYS = ("agency_name", "role", "appendix", "code", "due")


@dataclass(frozen=True)
class RowContext:
    """What TienDo shows beside an agency's report on a task, from the master's plan."""

    agency_name: str
    role: str  # "chủ trì" / "phối hợp"
    appendix: str
    code: str
    due: Any  # date, text ("Hằng quý: …") or None
    order: int  # the task's place in the plan, for sorting TienDo


Context = Mapping[tuple[str, str], RowContext]  # (task id, agency code) → context


def row_context(
    plan: Plan, directory: Directory, assignments: Sequence[Assignment]
) -> dict[tuple[str, str], RowContext]:
    """(task id, agency code) → context, from the same selection as the agency workbooks
    (``extract_select.Selection``, one agency at a time), so a row's role is the one its file
    carried."""
    from kehoach.extract.select import Selection

    order = {t.id: n for n, (_a, _s, _c, t) in enumerate(plan.iter_tasks())}
    out: dict[tuple[str, str], RowContext] = {}
    for extract in Selection(plan, directory, assignments):
        for row in extract.rows:
            out[(row.task_id, extract.agency.code)] = RowContext(
                agency_name=extract.agency.name,
                role=ROLES[row.role],
                appendix=str(row.values.get("appendix") or ""),
                code=str(row.values.get("code") or ""),
                due=row.values.get("due"),
                order=order.get(row.task_id, len(order)),
            )
    return out


# --- what a run produces ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)  # millions of them at province scale
class Change:
    """One changed cell of TienDo: a row of the run's history workbook."""

    received_at: datetime
    file: str
    sha256: str
    agency: str
    task_id: str
    field: str  # an input column key
    old: Any
    new: Any

    def cells(self) -> list[Any]:
        values = {
            "received_at": self.received_at,
            "file": self.file,
            "sha256": self.sha256,
            "agency": self.agency,
            "task_id": self.task_id,
            "field": _HEADERS[self.field],
            "old": history_value(self.old),
            "new": history_value(self.new),
        }
        return [values[c.key] for c in pl.CHANGES_COLUMNS]


@dataclass(frozen=True)
class Receipt:
    """One file taken in by a run: a LichSu row."""

    received_at: datetime
    file: str
    sha256: str
    agency: str
    report_date: date | None
    result: str  # progress_layout.ACCEPTED / SUPERSEDED
    rows: int  # TienDo rows it changed
    cells: int  # TienDo cells it changed: its rows in the history workbook

    def row(self, history_file: str) -> list[Any]:
        values = {
            "received_at": self.received_at,
            "file": self.file,
            "sha256": self.sha256,
            "agency": self.agency,
            "report_date": self.report_date,
            "result": self.result,
            "rows": self.rows,
            "cells": self.cells,
            "details": (history_file or None) if self.cells else None,
        }
        return [values[c.key] for c in pl.HISTORY_COLUMNS]


@dataclass(frozen=True)
class FileResult:
    """One file of the run as ThuThap lists it."""

    file: str
    agency: str
    result: str  # progress_layout.ACCEPTED / REJECTED / SUPERSEDED / UNCHANGED
    reason: str
    sha256: str
    changes: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "agency": self.agency,
            "result": self.result,
            "reason": self.reason,
            "sha256": self.sha256,
            "changes": self.changes,
        }


@dataclass(frozen=True)
class Collection:
    """What one collection does to the master (see the module's description)."""

    received_at: datetime
    folder: str
    progress: tuple[tuple[Any, ...], ...]  # the whole TienDo table, PROGRESS_COLUMNS order
    progress_changed: bool
    changes: tuple[Change, ...]  # the rows of the run's history workbook (until saved)
    changed_cells: int  # how many: save_history drops ``changes`` once they are written
    receipts: tuple[Receipt, ...]  # rows appended to LichSu
    history_row: int  # Excel row of LichSu where they go
    files: tuple[FileResult, ...]
    create_sheets: tuple[str, ...] = field(default=())  # sheets the master lacks
    history_file: str = ""  # the history workbook, relative to the master's folder (save_history)

    def count(self, result: str) -> int:
        return sum(1 for f in self.files if f.result == result)

    @property
    def counts(self) -> dict[str, int]:
        return {
            "files": len(self.files),
            "accepted": self.count(pl.ACCEPTED),
            "rejected": self.count(pl.REJECTED),
            "superseded": self.count(pl.SUPERSEDED),
            "unchanged": self.count(pl.UNCHANGED),
            "changes": self.changed_cells,
            "progress_rows": len(self.progress),
        }

    def summary(self) -> str:
        """One Vietnamese sentence: the run's totals."""
        c = self.counts
        where = f" (chi tiết: {self.history_file})" if self.history_file else ""
        return (
            f"{c['files']} tệp: nhận {c['accepted']}, từ chối {c['rejected']}, cũ hơn "
            f"{c['superseded']}, đã nhận trước đó {c['unchanged']}; {c['changes']} ô thay đổi"
            f"{where}; {c['progress_rows']} dòng tiến độ (trang {pl.PROGRESS_SHEET})."
        )

    def note(self) -> str:
        """ThuThap's D2: when, and the totals."""
        return f"Lần thu thập {self.received_at:%d/%m/%Y %H:%M}: {self.summary()}"

    def alert_text(self) -> str:
        lines = [self.summary()]
        rejected = [f for f in self.files if f.result == pl.REJECTED]
        for f in rejected[:10]:
            lines.append(f"• {f.file}: {f.reason}")
        if len(rejected) > 10:
            lines.append(f"… và {len(rejected) - 10} tệp khác (xem trang {pl.INTAKE_SHEET}).")
        lines.append(f"Chi tiết từng tệp: trang {pl.INTAKE_SHEET}.")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return {
            "received_at": self.received_at.isoformat(timespec="seconds"),
            "folder": self.folder,
            "history_file": self.history_file,
            "counts": self.counts,
            "files": [f.to_dict() for f in self.files],
        }

    def edits(self) -> list[Edit]:
        """TienDo (only when it changed: the table, then its rows below cleared), LichSu's new
        rows, ThuThap (always): values only."""
        out: list[Edit] = []
        for sheet in self.create_sheets:
            out.extend(_heading_edits(sheet))
        if self.progress_changed:
            out.append(WriteValues(pl.PROGRESS_SHEET, f"A{pl.FIRST_DATA_ROW}", self.progress))
            # The table is written back without the rows an official cleared: the sheet's
            # rows below it would keep stale copies of reports.
            below = pl.FIRST_DATA_ROW + len(self.progress)
            out.append(ClearRows(pl.PROGRESS_SHEET, below, last_column=len(pl.PROGRESS_COLUMNS)))
        if self.receipts:
            rows = [r.row(self.history_file) for r in self.receipts]
            out.append(WriteValues(pl.HISTORY_SHEET, f"A{self.history_row}", rows))
        # The last run's lines go, not what an official typed beside them (kept at its
        # cell, as beside TienDo and LichSu).
        out.append(
            ClearRows(pl.INTAKE_SHEET, pl.FIRST_DATA_ROW, last_column=len(pl.INTAKE_COLUMNS))
        )
        out.append(WriteValues(pl.INTAKE_SHEET, pl.FOLDER_CELL, [[self.folder]]))
        out.append(WriteValues(pl.INTAKE_SHEET, pl.RUN_NOTE_CELL, [[self.note()]]))
        rows = [
            [n, f.file, f.agency or None, f.result, f.reason or None, f.sha256 or None]
            for n, f in enumerate(self.files, start=1)
        ]
        if rows:
            out.append(WriteValues(pl.INTAKE_SHEET, f"A{pl.FIRST_DATA_ROW}", rows))
        return out


_SHEETS: dict[str, tuple[tuple[Column, ...], str]] = {  # the collected sheets: columns, title
    pl.PROGRESS_SHEET: (pl.PROGRESS_COLUMNS, pl.PROGRESS_TITLE),
    pl.HISTORY_SHEET: (pl.HISTORY_COLUMNS, pl.HISTORY_TITLE),
    pl.INTAKE_SHEET: (pl.INTAKE_COLUMNS, pl.INTAKE_TITLE),
}


def _heading_edits(sheet: str) -> list[Edit]:
    """A progress sheet missing from a master built before collection existed: its heading."""
    columns, title = _SHEETS[sheet]
    return [
        EnsureSheet(sheet),
        WriteValues(sheet, f"A{pl.TITLE_ROW}", [[title]]),
        WriteValues(sheet, f"A{pl.HEADER_ROW}", [[c.header for c in columns]]),
    ]


def history_value(value: Any) -> Any:
    """A value as the history workbook shows it: dates as dd/mm/yyyy text (the column mixes
    kinds)."""
    if isinstance(value, datetime | date):
        return f"{value:%d/%m/%Y}"
    return value


# --- reading the master -----------------------------------------------------------------------


def _table(
    values: Mapping[str, SheetValues], sheet: str, columns: Sequence[Any], file: str | Path | None
) -> list[list[Any]] | None:
    """The data rows of a progress sheet (blank rows dropped); None when the sheet is missing.
    WorkbookError naming the cell when its header row is not the layout's."""
    rows = values.get(sheet)
    if rows is None:
        return None
    header = rows[pl.HEADER_ROW - 1] if len(rows) >= pl.HEADER_ROW else []
    for i, col in enumerate(columns):
        found = header[i] if i < len(header) else None
        if (str(found).strip() if found is not None else "") != col.header:
            raise WorkbookError(
                f"tiêu đề cột phải là «{col.header}», đang là «{'' if found is None else found}» "
                "(trang này do nút «Thu thập báo cáo» ghi; đừng sửa, xóa cột).",
                file=file,
                sheet=sheet,
                cell=f"{get_column_letter(i + 1)}{pl.HEADER_ROW}",
            )
    return [cells for _, cells in _numbered(rows, len(columns))]


def _numbered(rows: SheetValues, width: int) -> list[tuple[int, list[Any]]]:
    """The data rows of a sheet's ``rows`` with their Excel row numbers, ``width`` cells each,
    blank rows dropped."""
    out: list[tuple[int, list[Any]]] = []
    for number, row in enumerate(rows[pl.FIRST_DATA_ROW - 1 :], pl.FIRST_DATA_ROW):
        cells = [None if is_blank(v) else v for v in list(row)[:width]]
        cells += [None] * (width - len(cells))
        if any(v is not None for v in cells):
            out.append((number, cells))
    return out


def folder_setting(state: MasterState) -> str:
    """The folder of the last collection (ThuThap!B2), "" when there is none."""
    rows = state.sheets.get(pl.INTAKE_SHEET) or ()
    row, col = int(pl.FOLDER_CELL[1:]) - 1, ord(pl.FOLDER_CELL[0]) - ord("A")
    value = rows[row][col] if len(rows) > row and len(rows[row]) > col else None
    return "" if is_blank(value) else str(value).strip()


def _as_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None


def _same(a: Any, b: Any) -> bool:
    return canonical_value(None if is_blank(a) else a) == canonical_value(
        None if is_blank(b) else b
    )


def _stored(key: str, value: Any) -> Any:
    """A report value as TienDo stores it: blank is None, a report date a date."""
    if is_blank(value):
        return None
    if key == ex.REPORT_DATE_KEY:
        return _as_date(value) or value
    return value


# --- merging ----------------------------------------------------------------------------------


def _file_key(o: FileOutcome) -> tuple[date, float, str, str, str]:
    return (o.report_date or date.min, o.mtime, o.generated_at, o.name, o.sha256)


def plan_collection(
    state: MasterState,
    outcomes: Sequence[FileOutcome],
    received_at: datetime,
    *,
    context: Context | None = None,
    folder: str = "",
) -> Collection:
    """Merge ``outcomes`` into the progress of the master read into ``state`` (see the
    module's rules).

    ``context`` gives TienDo's descriptive columns (agency name, role, appendix, criterion,
    due date) per (task, agency) (``row_context``); a pair it lacks gets them blank. Raises
    WorkbookError (naming the cell) when TienDo or LichSu is not laid out as expected; nothing
    else: a bad file is a rejected outcome, not an error.
    """
    values, file = state.sheets, state.file
    context = context or {}
    progress_rows = _table(values, pl.PROGRESS_SHEET, pl.PROGRESS_COLUMNS, file)
    history_rows = _table(values, pl.HISTORY_SHEET, pl.HISTORY_COLUMNS, file)
    create = tuple(
        s
        for s, rows in (
            (pl.PROGRESS_SHEET, progress_rows),
            (pl.HISTORY_SHEET, history_rows),
            (pl.INTAKE_SHEET, values.get(pl.INTAKE_SHEET)),
        )
        if rows is None
    )
    progress_rows = progress_rows or []
    history_rows = history_rows or []
    sha_col = [c.key for c in pl.HISTORY_COLUMNS].index("sha256")
    known = {str(r[sha_col]) for r in history_rows if r[sha_col]}

    table: dict[tuple[str, str], dict[str, Any]] = {}
    loose: list[dict[str, Any]] = []  # rows without a task id or agency: kept as they are
    numbers = [n for n, _ in _numbered(values.get(pl.PROGRESS_SHEET) or (), len(_PROGRESS_KEYS))]
    for position, cells in enumerate(progress_rows):
        row = dict(zip(_PROGRESS_KEYS, cells, strict=True))
        row["_position"] = position
        if row["task_id"] is None or row["agency"] is None:
            loose.append(row)
            continue
        pair = (str(row["task_id"]), str(row["agency"]))
        if pair in table:  # one of the two would be written over: the official decides which
            first = numbers[int(table[pair]["_position"])]
            raise WorkbookError(
                f"dòng {numbers[position]} và dòng {first} cùng là nhiệm vụ «{pair[0]}» của cơ "
                f"quan {pair[1]} (mỗi nhiệm vụ của một cơ quan chỉ có một dòng): xóa dòng thừa "
                "rồi thu thập lại.",
                file=file,
                sheet=pl.PROGRESS_SHEET,
                cell=f"A{numbers[position]}",
            )
        table[pair] = row
        if row["sha256"]:
            known.add(str(row["sha256"]))

    ordered = sorted(outcomes, key=lambda o: o.name)
    accepted = [o for o in ordered if o.accepted]
    keys = {o.sha256: _file_key(o) for o in accepted}
    results: dict[str, FileResult] = {}
    first_of: dict[str, str] = {}  # sha256 → the first file of this run with those bytes
    fresh: list[FileOutcome] = []
    for o in ordered:
        if not o.accepted:
            results[o.name] = FileResult(o.name, o.agency, pl.REJECTED, o.reason, o.sha256)
        elif o.sha256 in known:
            results[o.name] = FileResult(
                o.name, o.agency, pl.UNCHANGED, "Tệp này đã được thu thập trước đó.", o.sha256
            )
        elif o.sha256 in first_of:
            results[o.name] = FileResult(
                o.name,
                o.agency,
                pl.UNCHANGED,
                f"Trùng nội dung với tệp «{first_of[o.sha256]}».",
                o.sha256,
            )
        else:
            first_of[o.sha256] = o.name
            fresh.append(o)

    changes: list[Change] = []
    receipts: list[Receipt] = []
    changed = False
    fresh.sort(key=lambda o: (o.agency, _file_key(o)))
    latest: dict[str, FileOutcome] = {}
    for o in fresh:
        latest[o.agency] = o  # the last of its agency in key order
    for o in fresh:
        made, rows_made, older = 0, 0, 0
        for report in o.rows:
            new = {k: _stored(k, report.values.get(k)) for k in INPUT_KEYS}
            if all(v is None for v in new.values()):
                continue
            pair = (report.task_id, o.agency)
            current = table.get(pair)
            if current is not None and not _wins(o, new, current, keys):
                older += 1
                continue
            if current is None:
                current = {k: None for k in _PROGRESS_KEYS}
                current.update({"task_id": report.task_id, "agency": o.agency})
                current["_position"] = len(progress_rows) + len(table)
                table[pair] = current
            diffs = [k for k in INPUT_KEYS if not _same(current[k], new[k])]
            if not diffs:
                continue
            for k in diffs:
                changes.append(
                    Change(
                        received_at,
                        o.name,
                        o.sha256,
                        o.agency,
                        report.task_id,
                        k,
                        current[k],
                        new[k],
                    )
                )
                current[k] = new[k]
            ctx = context.get(pair)
            if ctx is not None:
                for k in _CONTEXT_KEYS:
                    current[k] = getattr(ctx, k)
            current.update({"file": o.name, "sha256": o.sha256, "received_at": received_at})
            made += len(diffs)
            rows_made += 1
            changed = True
        result = _fresh_result(o, made, older, latest[o.agency])
        results[o.name] = result
        receipts.append(
            Receipt(
                received_at,
                o.name,
                o.sha256,
                o.agency,
                o.report_date,
                result.result,
                rows_made,
                made,
            )
        )

    rows = sorted(table.values(), key=lambda r: (_order(context, r), r["_position"]))
    rows += sorted(loose, key=lambda r: int(r["_position"]))
    progress = tuple(tuple(r[k] for k in _PROGRESS_KEYS) for r in rows)
    _check_fits(pl.PROGRESS_SHEET, pl.FIRST_DATA_ROW + len(progress) - 1, len(fresh), file)
    # LichSu's new rows go below its last non-blank row: a row an official cleared in the
    # middle is not counted in ``history_rows``, and writing after their count would overwrite
    # the last receipt.
    history_row = _last_filled_row(values.get(pl.HISTORY_SHEET)) + 1
    _check_fits(pl.HISTORY_SHEET, history_row + len(receipts) - 1, len(fresh), file)
    return Collection(
        received_at=received_at,
        folder=folder,
        progress=progress,
        progress_changed=changed,
        changes=tuple(changes),
        changed_cells=len(changes),
        receipts=tuple(receipts),
        history_row=history_row,
        files=tuple(_with_note(results[o.name], o) for o in ordered),
        create_sheets=create,
    )


def _last_filled_row(rows: Sequence[Sequence[Any]] | None) -> int:
    """The Excel row of the last data row of a sheet's ``rows`` with a value, or the row above
    the first data row when there is none."""
    last = pl.FIRST_DATA_ROW - 1
    for number, row in enumerate(rows or (), start=1):
        if number >= pl.FIRST_DATA_ROW and any(not is_blank(v) for v in row):
            last = number
    return last


def _check_fits(sheet: str, last_row: int, files: int, file: str | Path | None) -> None:
    """CollectError, before anything is written, when ``sheet`` would need more rows than a
    worksheet has: TienDo holds a row per task and agency, about a million pairs at twice the
    size of the benchmark's province of 650 agencies."""
    if last_row > EXCEL_MAX_ROWS:
        rows, limit = (f"{n:,}".replace(",", ".") for n in (last_row, EXCEL_MAX_ROWS))
        raise CollectError(
            f"Trang {sheet} sẽ cần {rows} dòng, quá số dòng tối đa của một trang Excel "
            f"({limit}) sau khi thu thập {files} tệp mới: không ghi gì, workbook giữ nguyên. "
            "Số báo cáo quá lớn cho một workbook; hãy báo người phụ trách kỹ thuật.",
            file=file,
            sheet=sheet,
        )


def _order(context: Context, row: Mapping[str, Any]) -> int:
    ctx = context.get((str(row["task_id"]), str(row["agency"])))
    return ctx.order if ctx is not None else 1 << 30


def _wins(
    o: FileOutcome,
    new: Mapping[str, Any],
    current: Mapping[str, Any],
    keys: Mapping[str, tuple[date, float, str, str, str]],
) -> bool:
    """Whether file ``o`` replaces the report in ``current`` (a TienDo row)."""
    source = str(current.get("sha256") or "")
    if source in keys:
        return _file_key(o) > keys[source]
    before = _as_date(current.get(ex.REPORT_DATE_KEY))
    mine = _as_date(new.get(ex.REPORT_DATE_KEY)) or o.report_date
    return before is None or (mine is not None and mine >= before)


def _with_note(result: FileResult, o: FileOutcome) -> FileResult:
    """ThuThap's reason with what intake changed to store the file's texts."""
    if not o.note:
        return result
    return replace(result, reason=f"{result.reason} {o.note}".strip())


def _fresh_result(o: FileOutcome, made: int, older: int, latest: FileOutcome) -> FileResult:
    if latest is not o:
        when = f" (ngày báo cáo {latest.report_date:%d/%m/%Y})" if latest.report_date else ""
        kept = (
            f"{made} thay đổi của tệp này vẫn được ghi trong tệp lịch sử chi tiết."
            if made
            else "tệp này không thay đổi gì."
        )
        head = f"Cơ quan có tệp mới hơn «{latest.name}»{when}"
        if o.report_date is None and latest.report_date is not None:
            head = (
                f"Tệp không ghi ngày báo cáo nào (cột «Ngày báo cáo» trống), tệp «{latest.name}»"
                f"{when} có ghi"
            )
        return FileResult(
            o.name,
            o.agency,
            pl.SUPERSEDED,
            f"{head}: tiến độ lấy theo tệp đó; {kept}",
            o.sha256,
            made,
        )
    # A file without any report date is not older: it cannot be put before or after the
    # dated reports already in TienDo, which it therefore leaves as they are.
    undated = (
        f"Tệp không ghi ngày báo cáo nào (cột «Ngày báo cáo» trống): {older} nhiệm vụ đã có báo "
        "cáo có ngày trước đó nên không được cập nhật; đề nghị cơ quan ghi ngày báo cáo rồi "
        "gửi lại."
        if older and o.report_date is None
        else ""
    )
    if made == 0 and older:
        return FileResult(
            o.name,
            o.agency,
            pl.SUPERSEDED,
            undated
            or "Báo cáo cũ hơn báo cáo đã nhận trước đó của cơ quan: không thay đổi tiến độ.",
            o.sha256,
        )
    if made == 0:
        return FileResult(
            o.name, o.agency, pl.ACCEPTED, "Không có thay đổi so với tiến độ đã có.", o.sha256
        )
    reason = f"{made} ô thay đổi. {undated}".strip()
    return FileResult(o.name, o.agency, pl.ACCEPTED, reason, o.sha256, made)


# --- one run, from the master's values and a folder ----------------------------------------------


class CollectError(KeHoachError):
    """A collection cannot run (no folder, no signing key)."""


@dataclass(frozen=True)
class CollectInputs:
    """What a run takes from the master: the signing key, the plan's number, the context."""

    key: bytes
    plan_id: str
    context: dict[tuple[str, str], RowContext]


def collect_inputs(state: MasterState) -> CollectInputs:
    """The key (``signing.master_key``) and TienDo's context (``row_context`` over the
    directory sheet). CollectError when the master has no key: no file was ever sent out."""
    from kehoach.agencies.resolve import resolve_plan
    from kehoach.extract.signing import master_key

    plan, file = state.plan, state.file
    key = master_key(state)
    if key is None:
        raise CollectError(
            "Workbook chưa có khóa ký, tức là chưa tạo tệp gửi cơ quan nào (nút «Tạo file cho "
            "cơ quan»): không có báo cáo nào để xác minh. Nếu đã gửi tệp từ một workbook khác, "
            "hãy thu thập bằng chính workbook đó (hoặc bản sao lưu của nó).",
            file=file,
        )
    directory = state.directory
    assignments = resolve_plan(plan, directory).assignments
    return CollectInputs(key, plan.number, row_context(plan, directory, assignments))


def collect_folder(
    state: MasterState,
    folder: Path | str,
    received_at: datetime,
    *,
    master: Path | None = None,
) -> Collection:
    """Read every returned file of ``folder`` (``kehoach.collect.intake``) and merge them: the whole
    run before anything is written; ``master``, the master's path, leaves its own files out
    (``intake.master_files``) when the returns sit beside it. CollectError when ``folder`` is
    empty or not a folder."""
    from kehoach.collect.intake import intake_folder

    if not str(folder).strip():
        raise CollectError("Chưa chọn thư mục chứa các tệp cơ quan gửi lại.")
    folder = Path(folder)
    if not folder.is_dir():
        raise CollectError(
            missing_folder_text(folder, "thư mục chứa các tệp cơ quan gửi lại"), file=folder
        )
    inputs = collect_inputs(state)
    outcomes = intake_folder(folder, inputs.key, inputs.plan_id, master=master)
    return plan_collection(state, outcomes, received_at, context=inputs.context, folder=str(folder))


def save_history(collection: Collection, master: Path) -> Collection:
    """Write the run's changed cells to a new history workbook beside ``master``
    (``history_file.write_history``; none when nothing changed) and return the collection
    that names it in LichSu, without the changes themselves (millions at province scale,
    not to be held while the master is written). Call it after every check passed and
    before the master is written: the master never names a history workbook that is not
    there. HistoryError when the folder cannot be written."""
    rows = (c.cells() for c in collection.changes)
    name = write_history(rows, master, collection.received_at)
    return replace(collection, history_file=name, changes=())


# --- a rebuild keeps what was collected ----------------------------------------------------------


def kept_progress(path: Path) -> list[Edit]:
    """The edits that carry the collected progress of the master at ``path`` into a rebuilt
    one (``kehoach build``): the data rows of TienDo, LichSu and ThuThap and ThuThap's folder
    and note, as they are. Empty when there is no file or nothing was collected. WorkbookError
    naming the cell when a sheet with rows has headers not of this layout (a master whose
    LichSu still has an earlier version's columns): copying its rows under other headers
    would garble them."""
    from kehoach.state.master import read_state

    if not path.is_file():
        return []
    return kept_progress_of(read_state(path))


def kept_progress_of(state: MasterState) -> list[Edit]:
    """``kept_progress`` of the master read into ``state``."""
    values, path = state.sheets, state.file
    out: list[Edit] = []
    for sheet, (columns, _title) in _SHEETS.items():
        rows = [list(r) for r in (values.get(sheet) or [])[pl.FIRST_DATA_ROW - 1 :]]
        while rows and all(is_blank(v) for v in rows[-1]):
            rows.pop()
        if rows:
            _table(values, sheet, columns, path)  # rows under other headers stop the build
            out.append(WriteValues(sheet, f"A{pl.FIRST_DATA_ROW}", rows))
    intake: Sequence[Sequence[Any]] = values.get(pl.INTAKE_SHEET) or ()
    for cell in (pl.FOLDER_CELL, pl.RUN_NOTE_CELL):
        row, col = int(cell[1:]) - 1, ord(cell[0]) - ord("A")
        value = intake[row][col] if len(intake) > row and len(intake[row]) > col else None
        if not is_blank(value) and (cell != pl.RUN_NOTE_CELL or value != pl.INTAKE_NOT_RUN):
            out.append(WriteValues(pl.INTAKE_SHEET, cell, [[value]]))
    return out
