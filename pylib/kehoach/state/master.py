"""One reading of a master workbook: ``MasterState``, what every feature takes.

Both shells read the master once into a ``MasterState``: the CLI with openpyxl
(``read_state``), the buttons through xlwings (``kehoach.xl.book_state``, built by
``state_from_values`` from the open book's values, unsaved edits included). The state holds
the sheets' values as read (rows of cells from A1, immutable) and the workbook-level defined
names; the typed parts the features need are parsed from them on first use and kept, so a
feature that needs the plan, the directory or a plan table twice (the mail's reminders
summarise the plan, the report computes the gaps and the summary) parses it once:

- ``plan``: the plan as read back (``kehoach.plan.reader.read_plan_values``);
- ``directory``: the agencies' directory (``kehoach.agencies.directory.load_directory``);
- ``settings``: the rows of «Cài đặt», label → ``Setting`` (value and cell);
- ``records(sheet)``: a plan sheet's data rows, Excel row → column key → value
  (``kehoach.sheets.sheetdata.plan_records``), plain Python for the readers that look cells
  up one by one (the checks, the gaps): they need not import pandas;
- ``table(sheet)``: the same as a DataFrame (``kehoach.sheets.sheetdata.plan_table``);
- ``register(sheet)``: the data rows of a register the buttons write (TienDo, LichSu,
  «Tệp gửi cơ quan», NhatKyGui), blank rows dropped, each with its Excel row number.

A part is parsed only when a feature asks for it: a damaged directory does not stop the checks
(which report the damage as findings). Parsing errors are the readers' own ``WorkbookError``,
naming the file, sheet and cell. Parts are shared between the features of one run: a
DataFrame handed out by ``table`` is a copy, the other parts are immutable or not changed by
any feature.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from kehoach.agencies.directory import Directory, load_directory
from kehoach.common.errors import WorkbookError
from kehoach.common.planyears import PlanYears
from kehoach.common.untrusted_text import pasted_text
from kehoach.plan.model import Plan
from kehoach.plan.reader import read_plan_values
from kehoach.sheets import extract_layout as ex
from kehoach.sheets import layout
from kehoach.sheets import mail_layout as ml
from kehoach.sheets import progress_layout as pl
from kehoach.sheets.layout import Column
from kehoach.sheets.sheetdata import (
    is_blank,
    load_for_writing,
    plan_number_of,
    plan_records,
    plan_years,
    records_table,
    workbook_contents,
)
from kehoach.sheets.spec import FIRST_DATA_ROW

if TYPE_CHECKING:
    import pandas as pd
    from openpyxl.workbook.workbook import Workbook

    from kehoach.sheets.edits import Edit

Row = tuple[Any, ...]
Rows = tuple[Row, ...]

# The first data row of each register the buttons write (their layouts' FIRST_DATA_ROW).
REGISTER_FIRST_ROWS: Mapping[str, int] = MappingProxyType(
    {
        pl.PROGRESS_SHEET: pl.FIRST_DATA_ROW,
        pl.HISTORY_SHEET: pl.FIRST_DATA_ROW,
        ex.MANIFEST_SHEET: ex.FIRST_DATA_ROW,  # title, summary, headers above
        ml.LOG_SHEET: ml.FIRST_DATA_ROW,
    }
)


# The sheets ``collect`` writes streamed (``kehoach.sheets.streamed``): TienDo, rewritten
# whole, and LichSu, appended to; ThuThap, a page of the last run, is loaded in full.
STREAMED_SHEETS: Mapping[str, int] = MappingProxyType(
    {sheet: pl.FIRST_DATA_ROW for sheet in (pl.PROGRESS_SHEET, pl.HISTORY_SHEET)}
)


def load_for_edits(
    path: Path,
    edits: Sequence[Edit],
    *,
    since: tuple[int, int] | None = None,
    streamed: Mapping[str, int] | None = None,
) -> Workbook:
    """The master at ``path`` loaded with openpyxl (VBA kept) to apply ``edits`` and be saved,
    only as much of it as they touch: every sheet no edit names is loaded without its data
    rows (from ``FIRST_DATA_ROW``) where it can be, and the save puts them back byte for byte
    (``kehoach.sheets.carried``); a sheet that cannot be is loaded in full. The sheets of
    ``streamed`` (``collect``: ``STREAMED_SHEETS``) are carried too, the edits to their data
    rows written streamed at the save (``kehoach.sheets.streamed``).

    ``since``: the ``stamp`` of the state the edits were computed from (``read_state`` of the
    same file). When the file has changed on disk since that reading, WorkbookError and
    nothing is loaded: the edits would go over what they were not computed from."""
    from kehoach.sheets.carried import sheet_names
    from kehoach.sheets.edits import edited_sheets

    if since is not None and _stamp(path) != since:
        raise WorkbookError(
            "Workbook đã bị thay đổi từ lúc đọc (có chương trình khác vừa ghi): không ghi gì. "
            "Hãy chạy lại lệnh.",
            file=path,
        )
    streamed = streamed or {}
    written = edited_sheets(edits)
    carry = {name: FIRST_DATA_ROW for name in sheet_names(path) if name not in written}
    return load_for_writing(path, carry=carry | dict(streamed), streamed=tuple(streamed))


def _stamp(path: Path) -> tuple[int, int] | None:
    from kehoach.sheets.carried import file_stamp

    try:
        return file_stamp(path)
    except OSError:
        return None


@dataclass(frozen=True)
class Setting:
    """One row of «Cài đặt»: its value as typed and the cell that holds it ("B5")."""

    value: Any
    cell: str


@dataclass(frozen=True)
class RegisterRow:
    """One data row of a register: its Excel row number and its cells."""

    row: int
    cells: Row


def _freeze(rows: Sequence[Sequence[Any]] | None) -> Rows:
    return tuple(tuple(r) if r is not None else () for r in (rows or ()))


def _freeze_fit(rows: Sequence[Sequence[Any]] | None) -> Rows:
    return tuple(
        tuple(pasted_text(v) if type(v) is str else v for v in r) if r is not None else ()
        for r in (rows or ())
    )


@dataclass(frozen=True, eq=False)
class MasterState:
    """A master workbook read once (see the module's docstring). ``sheets``: sheet name → rows
    of values from A1; ``names``: defined name → refers-to ("='Giới thiệu'!$C$4");
    ``file``: the workbook's path or name, for the messages; ``stamp``: the file's size and
    modification time when it was read (``read_state``), for a later load to tell it has not
    changed since."""

    sheets: Mapping[str, Rows]
    names: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    file: str | Path | None = None
    stamp: tuple[int, int] | None = None

    @cached_property
    def plan(self) -> Plan:
        """The plan as read back from the cover, the appendix sheets and the tasks sheet."""
        return read_plan_values(self.sheets, self.names, file=self.file)

    @cached_property
    def directory(self) -> Directory:
        """The agencies' directory of the sheet «Danh bạ cơ quan»."""
        return load_directory(self.sheets, file=self.file)

    @cached_property
    def years(self) -> PlanYears:
        """The plan's base and target year, as the appendix sheets' headers show them
        (``sheetdata.plan_years``: WorkbookError when they show none or disagree)."""
        return plan_years(self.sheets, file=self.file)

    @cached_property
    def plan_number(self) -> str:
        """The plan's number as the tasks sheet's subtitle gives it; "" when it does not say."""
        return plan_number_of(self.sheets)

    @cached_property
    def settings(self) -> Mapping[str, Setting]:
        """The rows of «Cài đặt» with a label and a value, by label (empty when the sheet is
        missing: every reader of a setting has its default)."""
        out: dict[str, Setting] = {}
        rows = self.sheets.get(ml.SETTINGS_SHEET, ())
        for number, row in enumerate(rows[ml.FIRST_DATA_ROW - 1 :], start=ml.FIRST_DATA_ROW):
            if not row or is_blank(row[0]) or len(row) < 2 or is_blank(row[1]):
                continue
            out[str(row[0]).strip()] = Setting(row[1], f"B{number}")  # the last row wins
        return MappingProxyType(out)

    def records(
        self, sheet: str, columns: Sequence[Column] | None = None
    ) -> Mapping[int, Mapping[str, Any]]:
        """``sheet`` as ``sheetdata.plan_records`` gives it (Excel row → layout key → value),
        parsed once and read-only. ``columns``: the sheet's layout, by default that of
        ``layout.expected_sheets`` (the appendices, the tasks, the directory, the rules); a
        register's (TienDo, ThuThap) is given by its reader."""
        if columns is None:
            columns = layout.expected_sheets()[sheet]
        cache: dict[tuple[str, tuple[str, ...]], Mapping[int, Mapping[str, Any]]]
        cache = self.__dict__.setdefault("_records_cache", {})
        key = (sheet, tuple(c.key for c in columns))
        if key not in cache:
            rows = plan_records(self.sheets, sheet, columns, file=self.file)
            cache[key] = MappingProxyType(
                {row: MappingProxyType(cells) for row, cells in rows.items()}
            )
        return cache[key]

    def table(self, sheet: str, columns: Sequence[Column] | None = None) -> pd.DataFrame:
        """``sheet`` as ``sheetdata.plan_table`` gives it (index: Excel row; columns: layout
        keys), parsed once; the caller gets its own copy. ``columns`` as for ``records``."""
        if columns is None:
            columns = layout.expected_sheets()[sheet]
        cache: dict[tuple[str, tuple[str, ...]], pd.DataFrame] = self.__dict__.setdefault(
            "_table_cache", {}
        )
        key = (sheet, tuple(c.key for c in columns))
        if key not in cache:
            cache[key] = records_table(self.records(sheet, columns), columns)
        return cache[key].copy()

    def register(self, sheet: str) -> tuple[RegisterRow, ...]:
        """The non-blank data rows of the register ``sheet`` (one of ``REGISTER_FIRST_ROWS``);
        empty when the workbook has no such sheet."""
        first = REGISTER_FIRST_ROWS[sheet]
        rows = self.sheets.get(sheet, ())
        return tuple(
            RegisterRow(number, row)
            for number, row in enumerate(rows[first - 1 :], start=first)
            if any(not is_blank(v) for v in row)
        )

    def parts(self) -> dict[str, Any]:
        """The typed parts that parse (for comparing two readings of one master): plan,
        directory, settings and the registers; a part that does not parse is left out."""
        from kehoach.common.errors import KeHoachError

        out: dict[str, Any] = {"settings": dict(self.settings)}
        for name in ("plan", "directory", "years"):
            try:
                out[name] = getattr(self, name)
            except KeHoachError:
                continue
        for sheet in REGISTER_FIRST_ROWS:
            out[sheet] = [(r.row, tuple(_trimmed(r.cells))) for r in self.register(sheet)]
        return out


def _trimmed(cells: Row) -> list[Any]:
    out = [None if is_blank(v) else v for v in cells]
    while out and out[-1] is None:
        out.pop()
    return out


def state_from_values(
    values: Mapping[str, Sequence[Sequence[Any]]],
    names: Mapping[str, str] | None = None,
    *,
    file: str | Path | None = None,
    stamp: tuple[int, int] | None = None,
    fit: bool = True,
) -> MasterState:
    """The state of a master from its sheets' values (rows from A1, as ``sheetdata``'s readers
    or ``kehoach.xl.sheet_values`` give them) and its defined names. Texts are as Excel shows
    them: what Excel gives a script holds the control characters pasted from Word as they are
    (a line break, U+000B), which ``fit`` makes fit for a workbook (``pasted_text``);
    ``read_state``'s values are read so already."""
    freeze = _freeze_fit if fit else _freeze
    return MasterState(
        sheets=MappingProxyType({name: freeze(rows) for name, rows in values.items()}),
        names=MappingProxyType(dict(names or {})),
        file=file,
        stamp=stamp,
    )


def read_state(
    path: Path, *, data_only: bool = False, sheets: Collection[str] | None = None
) -> MasterState:
    """The state of the master at ``path``: one opening of the file (``workbook_contents``;
    formulas as their text, or with ``data_only`` as Excel last computed them; with ``sheets``,
    only those sheets). WorkbookError when the file is missing or not a workbook."""
    stamp = _stamp(path)  # before the reading: a change while it reads is a change too
    values, names = workbook_contents(path, data_only=data_only, sheets=sheets, shown=True)
    return state_from_values(values, names, file=path, stamp=stamp, fit=False)
