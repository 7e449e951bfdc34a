"""Agency workbooks of the real plan (Plan 365, the seed directory templates/co-quan.tsv):
every assignment lands in its agency's file with its role, no file has a task its agency is
not named on, LibreOffice opens every file, and the signature survives its round trip."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pytest

from extract_support import AT, KEY, open_extract, task_rows
from kehoach.agencies.directory import ROLES, Assignment, read_seed
from kehoach.agencies.resolve import resolve_plan
from kehoach.common.planyears import PlanYears
from kehoach.extract.files import generate_extracts
from kehoach.extract.manifest import Manifest
from kehoach.extract.signing import verify
from kehoach.plan.importer import load_default_plan
from kehoach.plan.model import Plan
from kehoach.sheets import extract_layout as ex
from lo_support import SOFFICE, soffice_convert

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Real:
    plan: Plan
    assignments: list[Assignment]
    out: Path
    manifest: Manifest


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> Real:
    plan = load_default_plan()
    directory = read_seed(ROOT / "templates" / "co-quan.tsv", PlanYears(2022, 2023))
    assignments = resolve_plan(plan, directory).assignments
    out = tmp_path_factory.mktemp("extracts")
    manifest = generate_extracts(plan, directory, assignments, out, KEY, generated_at=AT)
    return Real(plan, assignments, out, manifest)


def expected_roles(assignments: list[Assignment]) -> dict[str, dict[str, str]]:
    """agency → task → role label: lead wins when an agency is both on one task."""
    out: dict[str, dict[str, str]] = defaultdict(dict)
    for a in assignments:
        if out[a.agency].get(a.task_id) != ROLES["lead"]:
            out[a.agency][a.task_id] = ROLES[a.role]
    return out


def test_every_assignment_lands_with_its_role_and_nothing_else(real: Real) -> None:
    out, manifest = real.out, real.manifest
    expected = expected_roles(real.assignments)
    assert {e.agency for e in manifest.entries} == set(expected)
    order = {t.id: i for i, (*_, t) in enumerate(real.plan.iter_tasks())}
    for entry in manifest.entries:
        rows = task_rows(open_extract(out / entry.file))
        got = {r["task_id"]: r["role"] for r in rows}
        assert len(got) == len(rows), f"{entry.file}: a task twice"
        assert got == expected[entry.agency], entry.file
        assert [r["task_id"] for r in rows] == sorted(got, key=order.__getitem__)
        assert [r["number"] for r in rows] == list(range(1, len(rows) + 1))
        assert entry.lead_tasks == sum(1 for v in got.values() if v == ROLES["lead"])
        assert entry.coordinating_tasks == len(got) - entry.lead_tasks


def test_real_plan_numbers(real: Real) -> None:
    """The figures docs/design.md and docs/HuongDan.md quote."""
    out, manifest = real.out, real.manifest
    tasks_per_file = {e.agency: e.lead_tasks + e.coordinating_tasks for e in manifest.entries}
    assert len(manifest.entries) == 42
    assert tasks_per_file["SNV"] == 138 and tasks_per_file["UBND-BABE"] == 168
    assert min(tasks_per_file.values()) == 1 and max(tasks_per_file.values()) == 168
    assert len(list(out.glob("*.xlsx"))) == 42


def test_every_file_verifies_and_names_are_safe(real: Real) -> None:
    out, manifest = real.out, real.manifest
    for entry in manifest.entries:
        assert entry.file.isascii() and " " not in entry.file
        result = verify(out / entry.file, KEY)
        assert result.ok, (entry.file, result.problems)
        assert result.agency_code == entry.agency


@pytest.mark.libreoffice
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_opens_every_file_and_keeps_the_signature(real: Real, tmp_path: Path) -> None:
    """One soffice call converts every file (xlsx → xlsx, as an agency saving with LibreOffice
    would); each comes back with its task rows, its hidden metadata and a valid signature."""
    out, manifest = real.out, real.manifest
    files = [out / e.file for e in manifest.entries]
    converted = soffice_convert(
        files, "xlsx:Calc MS Excel 2007 XML", tmp_path / "lo", tmp_path / "profile", timeout=600
    )
    for entry, back in zip(manifest.entries, converted, strict=True):
        wb = open_extract(back)
        assert wb.sheetnames[:2] == [ex.TASKS_SHEET, ex.GUIDE_SHEET]
        assert len(task_rows(wb)) == entry.lead_tasks + entry.coordinating_tasks
        checked = verify(wb, KEY)
        assert checked.ok, (entry.file, checked.problems)
