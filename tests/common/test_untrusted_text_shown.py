"""``shown_text``: a text as openpyxl reads it from a file Excel wrote → as Excel shows it, fit."""

from __future__ import annotations

import pytest

from kehoach.common.untrusted_text import all_storable, shown_text


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("Dòng một_x000B_dòng hai", "Dòng một\ndòng hai"),  # Word's manual line break
        ("Trang một_x000C_trang hai", "Trang một\ntrang hai"),  # Word's page break
        ("dòng_x000D_\ndòng", "dòng\ndòng"),  # CR LF
        ("Chuông_x0007_ reo", "Chuông\ufffd reo"),  # what no workbook holds, visibly replaced
        ("_x005F_x0041_ giống mã", "_x0041_ giống mã"),  # typed text that looks like an escape
        ("_x0041_ giống mã", "_x0041_ giống mã"),  # so read from a shared string
        ("\u00a0Sở\u200bNội vụ 😀 ", "\u00a0Sở\u200bNội vụ 😀 "),  # kept as typed
    ],
)
def test_a_stored_text_reads_as_excel_shows_it_fit_for_a_workbook(stored: str, shown: str) -> None:
    assert shown_text(stored) == shown
    assert all_storable([shown_text(stored)])
