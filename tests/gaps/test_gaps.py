"""kehoach.gaps.compute on the real plan: figures checked by hand, typed 2023 results, damage,
CLI."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from gap_support import RESULTS, criterion_rows, result_cell, type_results
from kehoach.cli import main
from kehoach.common.errors import WorkbookError
from kehoach.gaps.compute import GapsReport, compute_gaps, gap_edits, number_text
from kehoach.sheets import layout
from kehoach.sheets.edits import Link, WriteValues
from kehoach.sheets.sheetdata import workbook_values
from kehoach.state.master import state_from_values

APPROX = 1e-9


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> GapsReport:
    from plan_workbooks import build_real_master

    path = build_real_master(tmp_path_factory.mktemp("gaps") / "K.xlsm")
    return compute_gaps(state_from_values(workbook_values(path)))


@pytest.fixture(scope="module")
def typed(tmp_path_factory: pytest.TempPathFactory) -> GapsReport:
    from plan_workbooks import build_real_master

    folder = tmp_path_factory.mktemp("typed")
    path = type_results(build_real_master(folder / "K.xlsm"), folder / "typed.xlsm")
    return compute_gaps(state_from_values(workbook_values(path)))


def crit(report: GapsReport, appendix_id: str, criterion_id: str) -> dict[str, Any]:
    rows = report.appendices[appendix_id].rows
    found = rows[rows["id"] == criterion_id]
    assert len(found) == 1, criterion_id
    return dict(found.iloc[0])


# --- the real plan, checked by hand against the plan text -------------------------------------

# PL2, from the plan's table (lines 157-230 of the text): the max per field, and the
# criteria marked "(Điều tra XHH)" with their max and 2022 score.
PL2_MAX_BY_FIELD = {
    "I": 0.5 + 2 + 1.5,
    "II": 4 * 1.0,
    "III": 1 + 0.5 + 1.5 + 5,
    "IV": 1.5 + 1 + 1 + 1 + 1 + 1,
    "V": 1.5 + 1.5 + 2 + 2 + 1 + 4,
    "VI": 1 + 1 + 0.75 + 1 + 1 + 1 + 1 + 1,
    "VII": 1 + 1 + 1 + 1.5 + 1.5 + 1,
    "VIII": 0.5 + 1.5 + 2,
}
PL2_SURVEY = {  # code: (max, 2022)
    "TCTP 2.4.1": (1, 0.7646),
    "TCTP 2.4.2": (1, 0.7262),
    "TCTP 2.4.3": (1, 0.7078),
    "TCTP 2.4.4": (1, 0.8742),
    "TCTP 4.1.4": (1, 0.6963),
    "TCTP 4.1.5": (1, 0.7139),
    "TCTP 4.1.6": (1, 0.7201),
    "TCTP 4.3.4": (1, 0.6966),
    "TC 5.2": (2, 1.7087),
    "TC 5.3": (2, 1.6269),
    "TC 5.5": (1, 0.6821),
    "TC 5.7": (4, 2.6994),
    "TCTP 6.1.4": (1, 0.6711),
    "TCTP 6.2.4": (1, 0.7025),
    "TCTP 6.2.5": (1, 0.6981),
    "TCTP 6.3.5": (1, 0.6467),
    "TCTP 7.3.2": (1, 0.7374),
}


def test_pl2_totals_by_hand(report: GapsReport) -> None:
    t = report.appendices["PL2"].totals
    assert sum(PL2_MAX_BY_FIELD.values()) == 53.25
    assert t["criteria"] == 40
    assert t["max"] == pytest.approx(53.25, abs=APPROX)
    assert t["score_base"] == pytest.approx(35.0829, abs=APPROX)
    survey_max = sum(m for m, _ in PL2_SURVEY.values())
    survey_2022 = sum(s for _, s in PL2_SURVEY.values())
    assert (survey_max, round(survey_2022, 4)) == (22, 16.0726)
    assert t["lost_base"] == pytest.approx(53.25 - 35.0829, abs=APPROX)
    assert t["lost_base_survey"] == pytest.approx(22 - 16.0726, abs=APPROX)  # 5.9274
    assert t["lost_base_other"] == pytest.approx(18.1671 - 5.9274, abs=APPROX)  # 12.2397
    # Target: full marks outside survey criteria, survey ones as in 2022.
    assert t["target"] == pytest.approx(53.25 - 22 + 16.0726, abs=APPROX)
    assert t["pct_base"] == pytest.approx(35.0829 / 53.25, abs=APPROX)
    survey_codes = {
        c["code"] for _, c in report.appendices["PL2"].criteria.iterrows() if c["survey"]
    }
    assert survey_codes == set(PL2_SURVEY)


def test_pl2_fields(report: GapsReport) -> None:
    fields = report.appendices["PL2"].fields
    assert [i.removeprefix("PL2-") for i in fields["id"]] == list(PL2_MAX_BY_FIELD)
    for (_, f), field_max in zip(fields.iterrows(), PL2_MAX_BY_FIELD.values(), strict=True):
        assert f["max"] == pytest.approx(field_max, abs=APPROX)
        assert f["lost_base_survey"] + f["lost_base_other"] == pytest.approx(f["lost_base"])
    field_ii = fields[fields["id"] == "PL2-II"].iloc[0]
    assert field_ii["lost_base_other"] == pytest.approx(0.0, abs=APPROX)  # all four by survey
    assert field_ii["lost_base_survey"] == pytest.approx(4 - 3.0728, abs=APPROX)


def test_pl1_kept_full_marks(report: GapsReport) -> None:
    t = report.appendices["PL1"].totals
    assert t["criteria"] == 27
    assert t["max"] == t["score_base"] == t["target"] == pytest.approx(31.75)
    assert (t["lost_base"], t["lost_base_survey"], t["lost_base_other"]) == (0.0, 0.0, 0.0)
    c = crit(report, "PL1", "PL1-TC-1.1")
    assert (c["max"], c["score_base"], c["target"], c["achieved"]) == (1.5, 1.5, 1.5, "")


def test_pl3_pl4_totals_are_the_plans(report: GapsReport) -> None:
    pl3, pl4 = report.appendices["PL3"].totals, report.appendices["PL4"].totals
    assert (pl3["max"], pl3["score_base"], pl3["target"]) == (100, 75.24, 85.24)
    assert pl3["lost_base"] == pytest.approx(24.76)
    assert (pl4["max"], pl4["score_base"], pl4["target"]) == (80, 42.41, 58.57)
    assert pl4["lost_base"] == pytest.approx(37.59)
    assert pl3["lost_base_survey"] is None and pl4["lost_base_other"] is None


def test_criterion_and_section_figures(report: GapsReport) -> None:
    c = crit(report, "PL2", "PL2-TC-1.7")  # max 1.5, 2022 1.275
    assert c["lost_base"] == pytest.approx(0.225)
    assert c["pct_base"] == pytest.approx(0.85)
    assert c["gap_target"] == pytest.approx(0.225)
    s = crit(report, "PL2", "PL2-TCTP-2.4.1")  # survey: no numeric target
    assert s["survey"] and s["target"] is None and s["gap_target"] is None
    assert s["lost_base"] == pytest.approx(1 - 0.7646)
    sec = crit(report, "PL2", "PL2-I")
    assert sec["lost_base"] == pytest.approx(0.5 + 1 + 0.225)
    assert sec["pct_base"] == pytest.approx((0 + 1 + 1.275) / 4)
    pl4 = crit(report, "PL4", "PL4-1")  # own figures: 10, 5.39, 9.63
    assert pl4["gap_target"] == pytest.approx(9.63 - 5.39)
    pl3 = crit(report, "PL3", "PL3-I")  # group: mean of its sections
    assert pl3["lost_base"] == pytest.approx(100 - (76.15 + 73.85 + 75.68 + 74.44) / 4)


# --- typed 2023 results ----------------------------------------------------------------------


def test_typed_results_give_achieved_gap_change(typed: GapsReport) -> None:
    assert crit(typed, "PL2", "PL2-TC-1.2")["achieved"] == "Đạt"
    c = crit(typed, "PL2", "PL2-TC-1.5")
    assert (c["achieved"], c["shortfall"], c["change_base"]) == ("Chưa đạt", 0.5, 0.5)
    s = crit(typed, "PL2", "PL2-TCTP-2.4.1")
    assert s["achieved"] == "Không có mục tiêu số" and s["shortfall"] is None
    assert s["change_base"] == pytest.approx(0.8 - 0.7646)
    assert crit(typed, "PL2", "PL2-TC-3.4")["change_base"] == pytest.approx(4.9 - 4.9928)
    sec = crit(typed, "PL2", "PL2-I")  # every criterion of field I has a result
    assert sec["result_target"] == pytest.approx(3.5)
    assert (sec["achieved"], sec["shortfall"]) == ("Chưa đạt", 0.5)
    assert sec["change_base"] == pytest.approx(3.5 - 2.275)
    assert crit(typed, "PL2", "PL2-III")["result_target"] is None  # not every criterion typed
    pl4 = crit(typed, "PL4", "PL4-1")  # own target 9.63, result the sum of sub-contents
    assert pl4["result_target"] == pytest.approx(7.4)
    assert pl4["shortfall"] == pytest.approx(9.63 - 7.4)
    assert pl4["achieved"] == "Chưa đạt"
    assert crit(typed, "PL4", "PL4")["result_target"] is None  # total: index 2..8 missing
    pl3 = crit(typed, "PL3", "PL3-I.1")
    assert pl3["result_target"] == pytest.approx(85) and pl3["achieved"] == "Chưa đạt"
    group = crit(typed, "PL3", "PL3-I")
    assert group["result_target"] == pytest.approx((85 + 85.75 + 88 + 82.5) / 4)
    pl1 = crit(typed, "PL1", "PL1-I")
    assert (pl1["result_target"], pl1["achieved"], pl1["shortfall"]) == (5.25, "Chưa đạt", 0.25)
    t = typed.appendices["PL2"].totals
    assert (t["results"], t["achieved"], t["not_achieved"]) == (5, 2, 2)
    assert t["result_target"] is None


def test_no_result_no_verdict(report: GapsReport) -> None:
    for a in report.appendices.values():
        assert set(a.rows["achieved"]) == {""}
        assert a.rows["shortfall"].isna().all() and a.rows["change_base"].isna().all()


# --- the button's edits ----------------------------------------------------------------------


def test_edits_rank_lost_points_and_link_rows(typed: GapsReport) -> None:
    edits = gap_edits(typed, top_n=3)
    texts = [v for e in edits if isinstance(e, WriteValues) for r in e.rows for v in r if v]
    assert any("12,24 ở tiêu chí khác" in str(t) for t in texts)
    links = [e for e in edits if isinstance(e, Link)]
    pl2_lost = [lk for lk in links if lk.target.startswith("'PL2'")]
    assert pl2_lost[0].text == "TC 5.7"  # 4 − 2.6994 = 1.3006, the most points lost in PL2
    rows = [int(lk.cell[1:]) for lk in links]
    assert rows == sorted(rows) and min(rows) > layout.GAPS_BLOCK_ROW
    # Short of target in PL4: 8.1 (0.99 − 0.2 = 0.79), 1.3 (2.09 − 2.0); 1.1, 1.2, 1.4 reached.
    # (The last block lists the total/section rows with a result, linked by their ids.)
    pl4 = [lk.text for lk in links if lk.target.startswith("'PL4'")]
    short = [t for t in pl4 if not t.startswith("PL4")][-2:]
    assert [t for t in pl4 if t.startswith("PL4")] == ["PL4-1"]  # index 1: every child typed
    assert short == ["8.1", "1.3"]


def test_out_of_range_results_are_listed(tmp_path: Path, master_xlsm: Path) -> None:
    path = type_results(master_xlsm, tmp_path / "t.xlsm", {"PL2": {"PL2-TC-1.2": 0.75}})
    edits = gap_edits(compute_gaps(state_from_values(workbook_values(path))))
    texts = [str(v) for e in edits if isinstance(e, WriteValues) for r in e.rows for v in r if v]
    assert any("nằm ngoài khoảng 0..0,5" in t for t in texts)
    assert any(isinstance(e, Link) and e.text == "TC 1.2" for e in edits)


def test_number_text() -> None:
    assert [number_text(12.2397), number_text(1234.5, 1), number_text(None)] == [
        "12,24",
        "1.234,5",
        "",
    ]


# --- damaged workbooks -----------------------------------------------------------------------


def text_result(wb: Workbook) -> None:
    wb["PL2"][RESULT_CELL] = "0,5"


def word_result(wb: Workbook) -> None:
    wb["PL2"][RESULT_CELL] = "abc"


def text_in_max(wb: Workbook) -> None:
    wb["PL4"]["E6"] = "2,5"


def delete_sheet(wb: Workbook) -> None:
    del wb["PL3"]


def rename_sheet(wb: Workbook) -> None:
    wb["PL2"].title = "PL2 cũ"


def move_header_row(wb: Workbook) -> None:
    wb["PL1"].insert_rows(1)


def empty_sheet(wb: Workbook) -> None:
    ws = wb["PL4"]
    ws.delete_rows(1, ws.max_row)


RESULT_CELL = ""  # set by the fixture below: "P5" or wherever TC 1.2's result is

DAMAGE: list[tuple[Callable[[Workbook], None], str, str | None, str]] = [
    (text_result, "PL2", "RESULT", "phải là số, đang là chữ «0,5»"),
    (word_result, "PL2", "RESULT", "đang là chữ «abc»"),
    (text_in_max, "PL4", "E6", "«Điểm tối đa» phải là số"),
    (delete_sheet, "PL3", None, "Thiếu trang tính 'PL3'"),
    (rename_sheet, "PL2", None, "Thiếu trang tính 'PL2'"),
    (move_header_row, "PL1", "A3", "hàng tiêu đề phải là hàng 3"),
    (empty_sheet, "PL4", "A3", "tiêu đề cột phải là «Mã định danh»"),
]


@pytest.fixture(scope="module", autouse=True)
def _result_cell(tmp_path_factory: pytest.TempPathFactory) -> None:
    from plan_workbooks import build_real_master

    global RESULT_CELL
    path = build_real_master(tmp_path_factory.mktemp("cell") / "K.xlsm")
    RESULT_CELL = result_cell(path, "PL2", "PL2-TC-1.2")


def damaged(master: Path, damage: Callable[[Workbook], None]) -> Path:
    wb = load_workbook(master, keep_vba=True)
    damage(wb)
    wb.save(master)
    return master


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize(
    ("damage", "sheet", "cell", "words"), DAMAGE, ids=[d[0].__name__ for d in DAMAGE]
)
def test_damaged_workbook_message_and_no_write(
    master_xlsm: Path,
    capsys: pytest.CaptureFixture[str],
    damage: Callable[[Workbook], None],
    sheet: str,
    cell: str | None,
    words: str,
) -> None:
    path = damaged(master_xlsm, damage)
    cell = RESULT_CELL if cell == "RESULT" else cell
    with pytest.raises(WorkbookError) as err:
        compute_gaps(state_from_values(workbook_values(path), file=path))
    assert (err.value.sheet, err.value.cell) == (sheet, cell)
    assert words in str(err.value)
    before = digest(path)
    assert main(["gaps", str(path), "--write"]) == 2
    assert digest(path) == before
    stderr = capsys.readouterr().err
    assert stderr.startswith("Lỗi: tệp ") and f"trang tính '{sheet}'" in stderr
    assert words in stderr


# --- the command line ------------------------------------------------------------------------


def test_cli_json_shape(master_xlsm: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["gaps", str(master_xlsm), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [a["id"] for a in data["appendices"]] == ["PL1", "PL2", "PL3", "PL4"]
    pl2 = data["appendices"][1]
    assert set(pl2) == {"id", "sheet", "aggregation", "totals", "sections", "criteria", "fields"}
    assert set(pl2["totals"]) >= {
        "max",
        "score_base",
        "target",
        "lost_base",
        "lost_base_survey",
        "lost_base_other",
    }
    assert pl2["totals"]["lost_base_survey"] == pytest.approx(5.9274)
    c = next(c for c in pl2["criteria"] if c["id"] == "PL2-TC-5.7")
    assert c["code"] == "TC 5.7" and c["survey"] is True
    assert c["lost_base"] == pytest.approx(1.3006) and c["gap_target"] is None
    assert c["row"] == criterion_rows(master_xlsm)["PL2"]["PL2-TC-5.7"]
    assert c["result_target"] is None and c["achieved"] is None
    assert data["appendices"][2]["aggregation"] == "mean"


def test_cli_text_and_write(master_xlsm: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["gaps", str(master_xlsm)]) == 0
    out = capsys.readouterr().out
    assert "PL2: năm 2022 đạt 35,08/53,25 điểm" in out
    assert "5,93 ở tiêu chí điều tra XHH và 12,24 ở tiêu chí khác" in out
    assert main(["gaps", str(master_xlsm), "--write"]) == 0
    wb = load_workbook(master_xlsm)
    ws = wb[layout.GAPS_SHEET]
    assert ws[f"A{layout.GAPS_BLOCK_ROW}"].value.startswith("Kết quả bấm nút")
    links = [c for row in ws.iter_rows(min_row=layout.GAPS_BLOCK_ROW) for c in row if c.hyperlink]
    assert links and links[0].hyperlink.location.startswith("'PL2'!A")
    assert len(ws._charts) == 2  # the charts survive the openpyxl save
    assert ws["D5"].value.startswith("=SUMIFS(")  # the formulas too
    # Twice gives the same sheet: the block is cleared before it is rewritten.
    first = [[c.value for c in r] for r in ws.iter_rows(min_row=layout.GAPS_BLOCK_ROW)]
    assert main(["gaps", str(master_xlsm), "--write"]) == 0
    ws = load_workbook(master_xlsm)[layout.GAPS_SHEET]
    assert [[c.value for c in r] for r in ws.iter_rows(min_row=layout.GAPS_BLOCK_ROW)] == first


def test_results_typed_are_read(tmp_path: Path, master_xlsm: Path) -> None:
    path = type_results(master_xlsm, tmp_path / "t.xlsm")
    report = compute_gaps(state_from_values(workbook_values(path)))
    typed = {
        a: {
            str(c["id"])
            for _, c in report.appendices[a].criteria.iterrows()
            if c["result_target"] is not None
        }
        for a in RESULTS
    }
    assert typed == {a: set(v) for a, v in RESULTS.items()}


def test_a_score_typed_as_text_is_named_with_its_year_and_hidden_spaces(
    master_xlsm: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A result typed with a comma and a no-break space after it stays text in Excel: the
    message names the column as the sheet heads it and shows the space that is there."""
    from pasted_support import paste_as_excel

    paste_as_excel(master_xlsm, {("PL1", "M5"): "7,5\u00a0"})
    assert main(["gaps", str(master_xlsm), "--write"]) == 2
    err = capsys.readouterr().err
    assert "trang tính 'PL1', ô M5" in err
    assert "cột «Kết quả năm 2023» phải là số, đang là chữ «7,5[U+00A0]»" in err
