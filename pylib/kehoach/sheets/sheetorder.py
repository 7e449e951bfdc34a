"""The order and tab colours of the master's sheets, defined once.

Sheets follow the officials' work: the cover and the progress summary first, then the plan
(PL1–PL4, tasks, agencies), the analyses, the rounds of sending and collecting, and at the end
the sheets opened rarely (rules, settings, history, the directory's base). Hidden sheets come
last. Every writer puts a sheet it creates in its place: the build (``order_sheets``), the
openpyxl applier and the xlwings applier of ``EnsureSheet`` (``insert_position``).
"""

from __future__ import annotations

from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from kehoach.sheets import extract_layout as ex
from kehoach.sheets import layout
from kehoach.sheets import mail_layout as ml
from kehoach.sheets import progress_layout as pl

# Tab colours by kind of sheet ("RRGGBB").
TAB_READ = "1F4E78"  # what officials read first: cover, progress summary
TAB_PLAN = "5B9BD5"  # the plan's data: appendices, tasks
TAB_AGENCIES = "70AD47"  # the agencies: directory, names not yet resolved
TAB_ANALYSIS = "ED7D31"  # what the buttons compute: gaps, checks
TAB_ROUNDS = "7030A0"  # sending files out and collecting them back
TAB_RARE = "A6A6A6"  # rarely opened: rules, settings, history, the directory's base

SHEET_ORDER: tuple[tuple[str, str], ...] = (
    (layout.COVER_SHEET, TAB_READ),
    (pl.SUMMARY_SHEET, TAB_READ),
    *((layout.APPENDIX_SHEETS[a], TAB_PLAN) for a in ("PL1", "PL2", "PL3", "PL4")),
    (layout.TASKS_SHEET, TAB_PLAN),
    (layout.DIRECTORY_SHEET, TAB_AGENCIES),
    (layout.UNRESOLVED_SHEET, TAB_AGENCIES),
    (layout.GAPS_SHEET, TAB_ANALYSIS),
    (layout.CHECK_SHEET, TAB_ANALYSIS),
    (pl.PROGRESS_SHEET, TAB_ROUNDS),
    (pl.INTAKE_SHEET, TAB_ROUNDS),
    (ex.MANIFEST_SHEET, TAB_ROUNDS),
    (ml.LOG_SHEET, TAB_ROUNDS),
    (layout.RULES_SHEET, TAB_RARE),
    (ml.SETTINGS_SHEET, TAB_RARE),
    (pl.HISTORY_SHEET, TAB_RARE),
    (layout.DIRECTORY_BASE_SHEET, TAB_RARE),
)
SHEET_NAMES: tuple[str, ...] = tuple(name for name, _ in SHEET_ORDER)
TAB_COLORS: dict[str, str] = dict(SHEET_ORDER)
# Sheets the build or a button hides: always after every visible sheet.
HIDDEN_SHEETS: tuple[str, ...] = (layout.DIRECTORY_BASE_SHEET, ex.KEY_SHEET)


def _rank(name: str, hidden: bool) -> tuple[int, int]:
    """Sort key: visible before hidden; known sheets in ``SHEET_ORDER``; a sheet we do not know
    (one an official added, xlwings.conf) after the known visible ones and before the rare."""
    if hidden or name in HIDDEN_SHEETS:
        return (2, SHEET_NAMES.index(name) if name in SHEET_NAMES else len(SHEET_NAMES))
    if name in SHEET_NAMES:
        index = SHEET_NAMES.index(name)
        return (1, index) if TAB_COLORS[name] == TAB_RARE else (0, index)
    return (0, len(SHEET_NAMES))


def insert_position(existing: Sequence[tuple[str, bool]], name: str) -> int:
    """0-based index where a new visible sheet ``name`` goes among ``existing`` ((name, hidden)
    in workbook order): before the first sheet that ranks after it, else at the end."""
    rank = _rank(name, name in HIDDEN_SHEETS)
    for i, (other, hidden) in enumerate(existing):
        if _rank(other, hidden) > rank:
            return i
    return len(existing)


def style_tab(ws: Worksheet) -> None:
    """Give ``ws`` its kind's tab colour (sheets we do not know keep theirs)."""
    color = TAB_COLORS.get(ws.title)
    if color is not None:
        ws.sheet_properties.tabColor = color


def order_sheets(wb: Workbook) -> None:
    """Put the sheets of ``wb`` in ``SHEET_ORDER`` (stable for sheets of equal rank), colour
    their tabs and keep the active sheet the one it was."""
    active = wb.active
    wb._sheets.sort(key=lambda ws: _rank(ws.title, ws.sheet_state != "visible"))
    for ws in wb.worksheets:
        style_tab(ws)
    if active is not None:
        wb.active = wb.worksheets.index(active)
