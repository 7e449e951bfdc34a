"""A small hand-built directory and assignments over ``sample_plans.small_plan`` for the
agency-workbook tests, and helpers to read a generated workbook back with openpyxl."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook

from kehoach.agencies.directory import Agency, Assignment, Directory
from kehoach.plan.model import Plan
from kehoach.sheets import extract_layout as ex

KEY = bytes(range(32))
AT = datetime(2023, 7, 1, 9, 30)


def small_directory() -> Directory:
    return Directory(
        [
            Agency("SNV", "Sở Nội vụ", "department"),
            Agency("STP", "Sở Tư pháp", "department"),
            Agency("SO-NGANH", "Các sở, ban, ngành", "group", members=("kind:department",)),
            Agency("UBND-BABE", "UBND huyện Ba Bể", "district"),
            Agency("CON", "Con", "other"),  # a Windows device name as an agency name
            Agency("IDLE", "Sở không có nhiệm vụ", "department"),
        ]
    )


def small_assignments(plan: Plan) -> list[Assignment]:
    """SNV leads every task; STP coordinates through the departments' group (and leads the
    second one directly too); Ba Bể coordinates the PL3 tasks for its communes; "Con" the
    first task."""
    out: list[Assignment] = []
    for i, (_a, _s, _c, task) in enumerate(plan.iter_tasks()):
        out.append(Assignment(task.id, "SNV", "lead"))
        out.append(Assignment(task.id, "SNV", "coordinating", via="Các sở, ban, ngành"))
        out.append(Assignment(task.id, "STP", "coordinating", via="Các sở, ban, ngành"))
        if i == 1:
            out.append(Assignment(task.id, "STP", "lead"))
        if task.id.startswith("PL3"):
            out.append(Assignment(task.id, "UBND-BABE", "coordinating", "UBND cấp xã", True))
        if i == 0:
            out.append(Assignment(task.id, "CON", "coordinating"))
    return out


def open_extract(data: bytes | Path) -> Workbook:
    return load_workbook(io.BytesIO(data) if isinstance(data, bytes) else data)


def task_rows(wb: Workbook) -> list[dict[str, Any]]:
    """The data rows of the tasks sheet by column key (all columns)."""
    ws = wb[ex.TASKS_SHEET]
    keys = [c.key for c in ex.COLUMNS]
    rows = []
    for row in ws.iter_rows(min_row=ex.FIRST_DATA_ROW, max_col=len(keys), values_only=True):
        if row[1] is None:
            continue
        rows.append(dict(zip(keys, row, strict=True)))
    return rows
