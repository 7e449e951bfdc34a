"""The e-mail sheets at build time: «Cài đặt» with every setting and no password row, an empty
«NhatKyGui» with its headers; both carried across a rebuild (``kept_mail``)."""

from __future__ import annotations

from datetime import datetime

from openpyxl import Workbook

from kehoach.mail.compose import settings_from_values
from kehoach.mail.sheet import kept_mail, write_mail_sheets
from kehoach.sheets import mail_layout as ml
from kehoach.sheets.edits import WriteValues, apply_to_workbook
from kehoach.state.master import state_from_values


def _values(wb: Workbook) -> dict[str, list[list[object]]]:
    return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}


def test_settings_sheet_has_every_setting_and_no_password() -> None:
    wb = Workbook()
    write_mail_sheets(wb)
    ws = wb[ml.SETTINGS_SHEET]
    labels = [ws.cell(r, 1).value for r in range(ml.FIRST_DATA_ROW, ws.max_row + 1)]
    assert labels == [s.label for s in ml.SETTINGS]
    assert not any("mật khẩu" in str(v).lower() for v in labels)
    assert ws.freeze_panes == f"A{ml.FIRST_DATA_ROW}"
    assert settings_from_values(state_from_values(_values(wb))).smtp_port == 587
    log = wb[ml.LOG_SHEET]
    assert [c.value for c in log[ml.HEADER_ROW]] == [c.header for c in ml.LOG_COLUMNS]
    assert log.max_row == ml.HEADER_ROW and log.freeze_panes == f"A{ml.FIRST_DATA_ROW}"
    assert log.column_dimensions["A"].width == ml.LOG_COLUMNS[0].width


def test_rebuild_keeps_settings_and_log() -> None:
    old = Workbook()
    write_mail_sheets(old)
    ws = old[ml.SETTINGS_SHEET]
    row = {s.key: n for n, s in enumerate(ml.SETTINGS, start=ml.FIRST_DATA_ROW)}
    ws.cell(row["sender_address"], 2, "cchc@backan.gov.vn")
    ws.cell(row["smtp_port"], 2, 465)
    ws.cell(row["sender_name"], 2).value = None  # cleared by the officials: stays cleared
    when = datetime(2023, 9, 1, 8, 30)
    old[ml.LOG_SHEET].append([when, "SNV", "Sở Nội vụ", "Gửi tệp", "snv@x.vn"])
    new = Workbook()
    write_mail_sheets(new)
    apply_to_workbook(new, kept_mail(_values(old)))
    settings = settings_from_values(state_from_values(_values(new)))
    assert (settings.sender_address, settings.smtp_port) == ("cchc@backan.gov.vn", 465)
    assert new[ml.SETTINGS_SHEET].cell(row["sender_name"], 2).value is None
    assert new[ml.LOG_SHEET].cell(ml.FIRST_DATA_ROW, 1).value == when
    assert kept_mail(None) == []


def test_log_rows_show_dates_in_dd_mm_yyyy_and_results_in_colour() -> None:
    wb = Workbook()
    write_mail_sheets(wb)
    when = datetime(2023, 7, 1, 9, 30, 5)
    row = [when, "SNV", "Sở Nội vụ", "Gửi tệp", "a@b.vn", None, "So-Noi-vu.xlsx", "ab", "SMTP"]
    apply_to_workbook(wb, [WriteValues(ml.LOG_SHEET, f"A{ml.FIRST_DATA_ROW}", [[*row, ml.SENT]])])
    log = wb[ml.LOG_SHEET]
    first = log.cell(ml.FIRST_DATA_ROW, 1)
    assert first.value == when and first.number_format == "dd/mm/yyyy hh:mm:ss"
    assert log.cell(ml.FIRST_DATA_ROW, 3).alignment.wrap_text
    colours = {
        r.formula[0]: r.dxf.fill.fgColor.rgb[-6:]
        for cf in log.conditional_formatting
        for r in cf.rules
    }
    assert colours[f'"{ml.SENT}"'] == "C6EFCE" and colours[f'"{ml.FAILED}"'] == "FFC7CE"
    assert log.cell(ml.HEADER_ROW, 1).alignment.wrap_text  # headers wrap, row fitted
