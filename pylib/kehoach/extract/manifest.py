"""What one run generated: the manifest of the agency workbooks (JSON file, master sheet).

One entry per file: the file name, the agency, how many tasks it leads and coordinates, and the
file's SHA-256, so that the officials (and the collection step) can tell the file they sent
from any other. ``manifest_edits`` writes it on the master's sheet
``extract_layout.MANIFEST_SHEET``; ``Manifest.to_json`` is ``manifest.json`` in the folder.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from kehoach.sheets import extract_layout as ex
from kehoach.sheets import layout
from kehoach.sheets.edits import ClearRows, Edit, EnsureSheet, FormatTable, WriteValues

ALERT_TITLE = "Tạo file cho cơ quan"


@dataclass(frozen=True)
class ManifestEntry:
    file: str  # file name inside the folder
    agency: str  # agency code
    agency_name: str
    lead_tasks: int
    coordinating_tasks: int
    sha256: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "agency": self.agency,
            "agency_name": self.agency_name,
            "lead_tasks": self.lead_tasks,
            "coordinating_tasks": self.coordinating_tasks,
            "sha256": self.sha256,
        }


@dataclass(frozen=True)
class Manifest:
    plan_id: str
    generated_at: str  # ISO, seconds
    key_id: str  # kehoach.extract.signing.key_id of the key that signed every file
    entries: tuple[ManifestEntry, ...] = field(default=())

    @property
    def lead_tasks(self) -> int:
        return sum(e.lead_tasks for e in self.entries)

    @property
    def coordinating_tasks(self) -> int:
        return sum(e.coordinating_tasks for e in self.entries)

    def to_dict(self) -> dict[str, Any]:
        return {
            "plan_id": self.plan_id,
            "generated_at": self.generated_at,
            "key_id": self.key_id,
            "files": [e.to_dict() for e in self.entries],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2) + "\n"


def manifest_edits(manifest: Manifest, folder: str) -> list[Edit]:
    """The master's manifest sheet, rewritten: title, where and when, headers, one row a file."""
    summary = (
        f"Kế hoạch {manifest.plan_id}; tạo lúc {_when(manifest.generated_at)}; thư mục {folder}; "
        f"{len(manifest.entries)} tệp; mã khóa ký {manifest.key_id}."
    )
    rows: list[list[Any]] = [
        [ex.MANIFEST_TITLE],
        [summary],
        [c.header for c in ex.MANIFEST_COLUMNS],
    ]
    for number, entry in enumerate(manifest.entries, start=1):
        values = {"number": number, **entry.to_dict()}
        rows.append([values[c.key] for c in ex.MANIFEST_COLUMNS])
    width = len(ex.MANIFEST_COLUMNS)
    rows = [row + [None] * (width - len(row)) for row in rows]  # rectangular, for xlwings
    return [
        EnsureSheet(ex.MANIFEST_SHEET),
        ClearRows(ex.MANIFEST_SHEET, 1),
        # Before the values: the cells written take the columns' formats.
        FormatTable(ex.MANIFEST_SHEET, 3, ex.MANIFEST_COLUMNS, ("agency_name", "file")),
        WriteValues(ex.MANIFEST_SHEET, "A1", rows),
    ]


def _when(iso: str) -> str:
    """ "2026-07-01T09:30:00" → "01/07/2026 09:30"; other text unchanged."""
    try:
        return f"{datetime.fromisoformat(iso):%d/%m/%Y %H:%M}"
    except ValueError:
        return iso


def summary_text(manifest: Manifest, folder: str, unresolved: int = 0) -> str:
    """What the button's alert and the CLI say when done (several lines)."""
    n = len(manifest.entries)
    text = (
        f"Đã tạo {n} tệp cho {n} cơ quan ({manifest.lead_tasks} lượt chủ trì, "
        f"{manifest.coordinating_tasks} lượt phối hợp) trong thư mục:\n{folder}\n"
        f"Danh sách tệp: trang «{ex.MANIFEST_SHEET}» và tệp {ex.MANIFEST_FILE} trong thư mục đó. "
        "Gửi mỗi cơ quan đúng tệp mang tên mình; giữ workbook này (nó giữ khóa ký để xác minh "
        "các tệp gửi lại)."
    )
    if unresolved:
        text += (
            f"\nLưu ý: {unresolved} tên cơ quan trong nhiệm vụ chưa xác định được cơ quan nào "
            f"hoặc nhóm chưa có thành viên (trang «{layout.UNRESOLVED_SHEET}»): các nhiệm vụ "
            "đó chưa đến được cơ quan tương ứng."
        )
    return text
