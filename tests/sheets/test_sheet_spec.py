"""The one sheet-spec type (kehoach.sheets.spec) and the sheets declared with it."""

from __future__ import annotations

import pytest

from kehoach.common.errors import WorkbookError
from kehoach.common.planyears import PlanYears
from kehoach.sheets import extract_layout as ex
from kehoach.sheets import layout
from kehoach.sheets import mail_layout as ml
from kehoach.sheets import progress_layout as pl
from kehoach.sheets import summary_layout as sl
from kehoach.sheets.sheetdata import require_headers
from kehoach.sheets.spec import Column, SheetSpec, decimals, header_mismatch, printed_columns

SPEC = SheetSpec(
    "Thử",
    (
        Column("id", "Mã", 10),
        Column("result", "Kết quả năm {target}", 12, "0.00"),
        Column("kind", "Loại dòng", 11, printed=False),
    ),
)


def test_positions_letters_and_columns_of_keys() -> None:
    assert [SPEC.position(k) for k in ("id", "result", "kind")] == [1, 2, 3]
    assert SPEC.letter("kind") == "C"
    assert SPEC.column("result").number_format == "0.00"
    with pytest.raises(KeyError):
        SPEC.position("missing")
    assert (SPEC.header_row, SPEC.first_data_row) == (3, 4)


def test_headers_rendered_for_a_plans_years_or_neutral() -> None:
    assert SPEC.headers(PlanYears(2025, 2026)) == ["Mã", "Kết quả năm 2026", "Loại dòng"]
    assert SPEC.headers(None)[1] == "Kết quả năm …"


def test_header_row_matches_for_any_years_and_names_the_first_wrong_cell() -> None:
    assert SPEC.header_mismatch(["Mã", "Kết quả năm 2031", "Loại dòng"]) is None
    assert SPEC.header_mismatch([" Mã ", "Kết quả năm 2026", "Loại"]) == (3, "Loại")
    assert header_mismatch(SPEC.columns, ["Mã"]) == (2, None)  # a row too short


def test_sized_column_keeps_header_and_format() -> None:
    col = SPEC.column("result").sized(20)
    assert (col.key, col.header, col.width, col.number_format) == (
        "result",
        "Kết quả năm {target}",
        20,
        "0.00",
    )
    assert SPEC.column("result").width == 12


def test_printed_columns_and_decimals() -> None:
    assert printed_columns(SPEC.columns) == 2
    assert [decimals(c) for c in SPEC.columns] == [None, 2, None]
    assert (
        decimals(
            layout.APPENDIX_COLUMNS["PL2"][
                layout.column_index(layout.APPENDIX_COLUMNS["PL2"], "max")
            ]
        )
        == 4
    )


@pytest.mark.parametrize(
    ("spec", "columns"),
    [
        *((layout.APPENDICES[a], layout.APPENDIX_COLUMNS[a]) for a in layout.APPENDIX_SHEETS),
        (layout.TASKS, layout.TASK_COLUMNS),
        (layout.DIRECTORY, layout.DIRECTORY_COLUMNS),
        (layout.UNRESOLVED, layout.UNRESOLVED_COLUMNS),
        (layout.RULES, layout.RULE_COLUMNS),
        (layout.CHECK, layout.CHECK_COLUMNS),
        (layout.GAPS_SUMMARY, layout.SUMMARY_COLUMNS),
        (pl.PROGRESS, pl.PROGRESS_COLUMNS),
        (pl.HISTORY, pl.HISTORY_COLUMNS),
        (pl.CHANGES, pl.CHANGES_COLUMNS),
        (pl.INTAKE, pl.INTAKE_COLUMNS),
        (sl.SUMMARY, sl.COLUMNS),
        (ml.SETTINGS_SPEC, ml.SETTINGS_COLUMNS),
        (ml.LOG, ml.LOG_COLUMNS),
        (ex.MANIFEST, ex.MANIFEST_COLUMNS),
        *((s, s.columns) for s in ex.LAYOUTS.values()),
    ],
)
def test_every_sheet_is_declared_once_with_unique_keys(
    spec: SheetSpec, columns: tuple[Column, ...]
) -> None:
    assert spec.columns is columns
    keys = [c.key for c in columns]
    assert len(keys) == len(set(keys)), keys
    assert spec.name  # named for the sheet it declares


def test_sheet_names_of_the_specs() -> None:
    assert layout.TASKS.name == "Nhiệm vụ"
    assert layout.APPENDICES["PL3"].name == "PL3"
    assert (pl.PROGRESS.name, pl.INTAKE.name, sl.SUMMARY.name) == ("TienDo", "ThuThap", "TongHop")
    assert (ml.LOG.name, ex.MANIFEST.name, ex.CURRENT.name) == (
        "NhatKyGui",
        "Tệp gửi cơ quan",
        "Nhiệm vụ",
    )
    assert layout.GAPS_SUMMARY.header_row == layout.SUMMARY_HEADER_ROW


def test_agency_layouts_share_the_columns_they_resize() -> None:
    # The same column on another sheet differs by its width only.
    current = {c.key: c for c in ex.CURRENT.columns}
    for col in ex.LAYOUT_1.columns:
        assert current[col.key].header == col.header
        assert current[col.key].number_format == col.number_format
    assert ex.CURRENT.letter(ex.STATUS_KEY) == "F"
    assert ex.LAYOUT_1.position(ex.STATUS_KEY) == len(ex.TASK_COLUMNS) + 1
    progress = {c.key: c for c in pl.PROGRESS_COLUMNS}
    assert progress[ex.RESULTS_KEY].width == 20
    assert progress[ex.RESULTS_KEY].header == "Kết quả thực hiện"


def test_require_headers_names_the_cell_and_accepts_other_years() -> None:
    rows = [["Tiêu đề"], [], ["Mã", "Kết quả năm 2031", "Loại dòng"]]
    require_headers(rows, "Thử", SPEC.columns)  # another plan's years: the same headers
    rows[2][1] = "Kết quả"
    with pytest.raises(WorkbookError) as err:
        require_headers(rows, "Thử", SPEC.columns, file="a.xlsm", hint=" (xem hàng 3)")
    text = str(err.value)
    assert "B3" in text and "Thử" in text and "a.xlsm" in text
    assert "tiêu đề cột phải là «Kết quả năm …», đang là «Kết quả» (xem hàng 3)." in text
