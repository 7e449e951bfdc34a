"""Shared fixtures. Add yours below; keep each fixture's purpose in its docstring."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import kehoach  # noqa: F401  (first: it keeps openpyxl off lxml, see kehoach/__init__.py)
import xlharness
from plan_workbooks import build_real_master


@pytest.fixture
def xl_remote(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """xlwings with its remote engine, for running entry points without Excel.

    Sets XLWINGS_LICENSE_KEY=noncommercial for this test only (xlwings PRO's
    PolyForm Noncommercial license, which covers government institutions) and
    yields the xlwings module; the mock caller is cleared afterwards.
    """
    monkeypatch.setenv(xlharness.LICENSE_ENV, "noncommercial")
    xw = xlharness.ensure_remote_engine()
    yield xw
    xlharness.clear_mock_caller()


@pytest.fixture(scope="session")
def _built_master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_real_master(tmp_path_factory.mktemp("master") / "KeHoach2023.xlsm")


@pytest.fixture
def master_xlsm(_built_master: Path, tmp_path: Path) -> Path:
    """A fresh copy of the real master workbook (built once per session from the embedded plan)."""
    return Path(shutil.copy2(_built_master, tmp_path / _built_master.name))
