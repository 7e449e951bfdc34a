"""Shared fixtures. Add yours below; keep each fixture's purpose in its docstring."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

import xlharness


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
