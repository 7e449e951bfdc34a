"""What comes back from the agencies: one outcome per file found in the return folder.

``kehoach.collect.intake`` reads a folder into ``FileOutcome`` values (accepted with its rows, or
rejected with one Vietnamese reason); ``kehoach.collect.run`` merges the accepted ones into the
master's progress sheets (``progress_layout``). Pure data, no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any


@dataclass(frozen=True)
class Limits:
    """Caps applied before any reader opens a returned file (a zip bomb never gets that far)."""

    max_file_bytes: int = 20 * 1024 * 1024
    # Every entry is held in memory while the file is read (zipguard.unpack). The largest
    # return of the 650-agency benchmark province is 2.2 MB unpacked (about 1,100 tasks); a
    # file at intake.MAX_TASKS rows would be about 20 MB.
    max_uncompressed_bytes: int = 64 * 1024 * 1024
    max_entries: int = 2_000
    max_ratio: float = 200.0  # uncompressed / compressed size of one entry


@dataclass(frozen=True)
class ReportRow:
    """One task row of a returned agency workbook: the input columns, validated.

    ``values`` is keyed by ``extract_layout.INPUT_COLUMNS`` keys: status (one of
    ``extract_layout.STATUSES`` or None), percent (float 0–100 or None), the free texts
    (str, "" when empty; formula-like text stays text), report_date (date or None).
    """

    task_id: str
    row: int  # Excel row in the agency workbook's tasks sheet
    values: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class FileOutcome:
    """A file of the return folder: accepted (with its rows) or rejected (with the reason)."""

    name: str  # path relative to the folder, "/"-separated
    sha256: str  # "" when the file could not be read
    accepted: bool
    reason: str = ""  # Vietnamese, names the cell where there is one
    agency: str = ""  # agency code from the verified metadata
    generated_at: str = ""  # from the metadata
    report_date: date | None = None  # latest report date of its rows
    mtime: float = 0.0  # the file's modification time (seconds since the epoch)
    rows: tuple[ReportRow, ...] = ()
    # Vietnamese: what intake changed so that the texts can be stored (``intake.clean_outcome``)
    note: str = ""
    format_version: str = ""  # of the agency workbook (``extract_layout.LAYOUTS``), accepted
