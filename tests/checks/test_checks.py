"""Each rule of the checker: a small workbook where it fires, one where it does not.

The clean plan (``sample_plans.clean_plan``) fires no rule; each case damages one cell and
expects exactly the findings of that rule at that cell. Rounding edge cases: 0.01 off on
two-decimal figures is within tolerance, 0.02 is not.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl.workbook.workbook import Workbook

from kehoach.checks.findings import Finding
from kehoach.checks.rules import RULE_PARAMS, ParamValue, Rule, default_rules, rules_from_values
from kehoach.checks.run import CHECKS, run_checks
from kehoach.sheets import layout
from kehoach.state.master import state_from_values
from sample_plans import cell_of, clean_workbook, put, values_of

ROOT = Path(__file__).resolve().parents[2]
TASKS = layout.TASKS_SHEET


def rules() -> list[Rule]:
    return default_rules(ROOT / "templates" / "quy-tac.tsv")


def only(rule_id: str, **params: ParamValue) -> list[Rule]:
    rule = next(r for r in rules() if r.id == rule_id)
    return [Rule(rule.id, rule.description, True, rule.severity, {**rule.params, **params})]


def run(wb: Workbook, rule_id: str | None = None) -> list[Finding]:
    return run_checks(state_from_values(values_of(wb)), only(rule_id) if rule_id else rules())


def where(findings: list[Finding]) -> list[tuple[str, str, str]]:
    return [(f.rule, f.sheet, f.cell) for f in findings]


def test_every_rule_has_a_check_and_a_default_row() -> None:
    assert set(CHECKS) == set(RULE_PARAMS)
    assert [r.id for r in rules()] == list(RULE_PARAMS)
    assert all(r.enabled for r in rules())


def test_the_clean_plan_fires_no_rule() -> None:
    assert run(clean_workbook()) == []


# Each case: (rule, sheet, row id, column key, new value). The rule must fire there, once.
Damage = tuple[str, str, str, str, object]
FIRES: list[Damage] = [
    # hierarchy: the PAPI total off its one section; a section off the sum of its two
    # sub-contents by 0.02 (tolerance 0.015); a SIPAS section off its mean by 0.02 (0.01)
    ("PHAN-CAP", "PL4", "PL4", "target", 3.50),
    ("PHAN-CAP", "PL4", "PL4", "max", 6.0),
    ("PHAN-CAP", "PL4", "PL4-1", "score_base", 2.47),
    ("PHAN-CAP", "PL3", "PL3-I.1", "score_base", 76.17),
    # the plan's targeting rules
    ("MT-SIPAS", "PL3", "PL3-I-1.1", "target", 85.61),
    ("MT-PAPI", "PL4", "PL4-1.1", "target", 1.58),
    ("MT-TOI-DA-PL1", "PL1", "PL1-TC-1.1", "target", 1.25),
    ("MT-TOI-DA-PL2", "PL2", "PL2-TC-1.1", "target", 0.4),
    # numbers
    ("SO-HOP-LE", "PL4", "PL4-1.1", "score_base", "1,06"),
    ("SO-HOP-LE", "PL4", "PL4-1.1", "max", "hai phẩy năm"),
    ("SO-HOP-LE", "PL3", "PL3-I-1.1", "target", "85.59"),
    ("PHAM-VI", "PL4", "PL4-1.1", "score_base", -0.5),
    ("PHAM-VI", "PL4", "PL4-1.1", "target", 2.6),
    ("PHAM-VI", "PL2", "PL2-TC-1.1", "score_base", 0.75),
    ("PHAM-VI", "PL3", "PL3-I-1.1", "max", 101.0),
    ("PHAM-VI", "PL2", "PL2-TC-1.1", "result_target", -1),
    ("PHAM-VI", "PL2", "PL2-TC-1.1", "result_target", 5),  # max 0.5
    ("PHAM-VI", "PL3", "PL3-I-1.1", "result_target", 101.0),
    # codes
    ("MA-THUOC-MUC", "PL1", "PL1-TCTP-3.2.3", "code", "TCTP 4.2.3"),
    ("MA-THUOC-MUC", "PL4", "PL4-1.2", "code", "2.2"),
    ("MA-TRUNG", "PL1", "PL1-TC-1.3", "code", "TC 1.1"),
    ("MA-TRUNG", "PL3", "PL3-I-1.2", "code", "1.1"),
    ("MA-LIEN-PHU-LUC", "PL2", "PL2-TC-1.1", "name", "Thực hiện chế độ báo cáo"),
    ("TIEU-CHI-LAP", "PL1", "PL1-TC-1.3", "variants", "tên tiêu chí: Kiểm tra CCHC (dòng 9)"),
    ("TIEU-CHI-LAP", "PL1", "PL1-TC-1.3", "name", "Thực hiện kế hoạch CCHC"),
    # tasks
    ("NV-NOI-DUNG", TASKS, "PL4-1.1/1", "text", None),
    ("NV-CHU-TRI", TASKS, "PL4-1.1/1", "lead", None),
    ("NV-THOI-GIAN", TASKS, "PL4-1.1/1", "timeline", "  "),
    ("NV-LECH-COT", TASKS, "PL4-1.1/1", "timeline", "Sở Nội vụ; UBND cấp huyện"),
    ("NV-THOI-HAN", TASKS, "PL4-1.1/1", "timeline", "Đầu năm 2023"),
    ("NV-THOI-HAN", TASKS, "PL4-1.1/1", "timeline", "Quý V/2023"),
    ("NV-THOI-HAN", TASKS, "PL4-1.1/1", "timeline", "Trước ngày 31/02/2023"),
    ("NV-THOI-HAN", TASKS, "PL4-1.1/1", "timeline", "Sở Nội vụ; UBND cấp huyện"),
    ("NV-LECH-COT", TASKS, "PL4-1.1/1", "misplaced", "phối hợp"),
    ("NV-CO-QUAN", TASKS, "PL4-1.1/1", "lead", "Sở Nội vu"),
    ("NV-CO-QUAN", TASKS, "PL4-1.1/1", "coordinating", "Các sở, ban, ngành; UBND cấp hyện"),
    ("NV-O-GOP", TASKS, "PL4-1.1/1", "inherited", "thời gian"),
    ("NV-O-GOP", "PL2", "PL2-TC-1.1", "inherited", "mục tiêu"),
]
# Where the finding points when it is not the damaged cell.
POINTS_AT = {
    ("TIEU-CHI-LAP", "variants"): "name",
    ("TIEU-CHI-LAP", "name"): "code",
    ("MA-LIEN-PHU-LUC", "name"): "code",
    ("NV-LECH-COT", "misplaced"): "coordinating",
    ("NV-O-GOP", "inherited"): "timeline",
}
SHEET_TARGET = {("NV-O-GOP", "PL2"): "target"}
# Other cells changed with the damage so that only the damaged cell is wrong (the PAPI total
# follows its section).
ALSO = {"PHAN-CAP-PL4-1-score_base": ("PL4", "PL4", "score_base", 2.47)}


def _case_id(case: Damage) -> str:
    return f"{case[0]}-{case[2]}-{case[3]}"


@pytest.mark.parametrize("case", FIRES, ids=[_case_id(c) for c in FIRES])
def test_rule_fires_where_the_damage_is(case: Damage) -> None:
    rule_id, sheet, row_id, key, value = case
    wb = clean_workbook()
    put(wb, sheet, row_id, key, value)
    if _case_id(case) in ALSO:
        put(wb, *ALSO[_case_id(case)])
    target = SHEET_TARGET.get((rule_id, sheet), POINTS_AT.get((rule_id, key), key))
    cell = cell_of(wb, sheet, row_id, target)
    assert where(run(wb, rule_id)) == [(rule_id, sheet, cell)]
    # and the whole rule set reports it too, with the rule's Vietnamese severity
    found = [f for f in run(wb) if f.rule == rule_id]
    assert [(f.sheet, f.cell) for f in found] == [(sheet, cell)]
    assert found[0].severity_label in layout.SEVERITY_LABELS.values()
    assert found[0].message


# Changes that must not fire the rule: rounding within the printed precision, and what the
# plan allows (words as target, survey criteria below max, "1.1" in two PL3 groups).
NO_FIRE: list[Damage] = [
    ("PHAN-CAP", "PL4", "PL4-1", "score_base", 2.46),  # 0.01 off a sum of 2
    ("PHAN-CAP", "PL3", "PL3-I.1", "score_base", 76.16),  # 0.01 off a mean
    ("PHAN-CAP", "PL3", "PL3-I.1", "target", 86.14),
    ("MT-SIPAS", "PL3", "PL3-I-1.1", "target", 85.60),
    ("MT-PAPI", "PL4", "PL4-1.1", "target", 1.57),
    ("MT-PAPI", "PL4", "PL4-1.1", "target", 1.55),
    ("MT-TOI-DA-PL1", "PL1", "PL1-TC-1.1", "target", "Duy trì điểm tối đa"),
    ("MT-TOI-DA-PL2", "PL2", "PL2-TCTP-2.4.1", "target", 0.8),  # survey: exempt
    ("SO-HOP-LE", "PL1", "PL1-TC-1.1", "target", "100% nhiệm vụ hoàn thành"),
    ("SO-HOP-LE", "PL4", "PL4-1.1", "score_base", 1),  # an int is a number
    ("PHAM-VI", "PL4", "PL4-1.1", "target", 2.5),  # equal to max
    ("PHAM-VI", "PL3", "PL3-I-1.1", "target", 100.0),
    ("PHAM-VI", "PL2", "PL2-TC-1.1", "result_target", 0.5),  # equal to max
    ("MA-THUOC-MUC", "PL1", "PL1-TCTP-3.2.3", "code", "TC 3.3"),
    ("MA-TRUNG", "PL3", "PL3-II-1.1", "code", "1.1"),  # another group
    ("MA-LIEN-PHU-LUC", "PL2", "PL2-TC-1.1", "name", "  thực hiện  kế hoạch CCHC. "),
    ("TIEU-CHI-LAP", "PL4", "PL4-1.2", "name", "Tri thức công dân"),  # same code? no: MA-TRUNG
    ("NV-LECH-COT", TASKS, "PL4-1.1/1", "timeline", "Khi có văn bản hướng dẫn của Bộ"),
    ("NV-LECH-COT", TASKS, "PL4-1.1/1", "timeline", "Quý III-IV/2023"),
    ("NV-THOI-HAN", TASKS, "PL4-1.1/1", "timeline", "Quý III-IV/2023"),
    ("NV-THOI-HAN", TASKS, "PL4-1.1/1", "timeline", "Thường xuyên"),
    ("NV-THOI-HAN", TASKS, "PL4-1.1/1", "timeline", "Trước ngày 12 tháng cuối quý"),
    ("NV-THOI-HAN", TASKS, "PL4-1.1/1", "timeline", "Tháng 01/2024"),
    ("NV-THOI-HAN", TASKS, "PL4-1.1/1", "timeline", "Từ 01/6/2023"),
    ("NV-THOI-HAN", TASKS, "PL4-1.1/1", "timeline", "Khi có văn bản hướng dẫn của Bộ"),
    ("NV-THOI-HAN", TASKS, "PL4-1.1/1", "timeline", "THUONG XUYEN"),
    ("NV-THOI-HAN", TASKS, "PL4-1.1/1", "timeline", None),  # empty: NV-THOI-GIAN's
    ("NV-CO-QUAN", TASKS, "PL4-1.1/1", "lead", "sở nội vụ"),
    ("NV-O-GOP", TASKS, "PL4-1.1/1", "inherited", None),
]


@pytest.mark.parametrize("case", NO_FIRE, ids=[_case_id(c) for c in NO_FIRE])
def test_rule_does_not_fire(case: Damage) -> None:
    rule_id, sheet, row_id, key, value = case
    wb = clean_workbook()
    put(wb, sheet, row_id, key, value)
    if rule_id == "TIEU-CHI-LAP":
        # the same name under another code in one appendix does fire; here the code is the
        # same sub-content's, so the name only repeats a different criterion's words
        assert [f.rule for f in run(wb, rule_id)] == ["TIEU-CHI-LAP"]
        return
    assert run(wb, rule_id) == []


@pytest.mark.parametrize(("section", "fires"), [(2.465, False), (2.466, True), (2.434, True)])
def test_a_sum_of_two_allows_three_half_units(section: float, fires: bool) -> None:
    """u·(n+1) = 0.015 for two two-decimal children: the bound itself is still rounding."""
    wb = clean_workbook()
    put(wb, "PL4", "PL4-1", "score_base", section)
    put(wb, "PL4", "PL4", "score_base", section)
    found = run_checks(state_from_values(values_of(wb)), only("PHAN-CAP"))
    assert [f.cell for f in found] == ([cell_of(wb, "PL4", "PL4-1", "score_base")] if fires else [])


def test_dung_sai_overrides_the_derived_tolerance() -> None:
    wb = clean_workbook()
    put(wb, "PL4", "PL4-1.1", "target", 1.58)
    assert run_checks(state_from_values(values_of(wb)), only("MT-PAPI", dung_sai=0.05)) == []
    assert len(run_checks(state_from_values(values_of(wb)), only("MT-PAPI", dung_sai=0.001))) == 1
    put(wb, "PL4", "PL4-1.1", "target", 1.565)
    assert len(run_checks(state_from_values(values_of(wb)), only("MT-PAPI", dung_sai=0.001))) == 1


def test_every_result_that_is_no_number_is_named() -> None:
    """Scores typed as an official types them, or an error a formula left: each cell is a
    finding of its own (not only the appendix's first), an Excel error called one."""
    wb = clean_workbook()
    typed = {
        "PL1-TC-1.1": "8,5",
        "PL1-TC-1.3": "1.5 điểm",
        "PL1-TCTP-3.2.3": "#DIV/0!",
        "PL2-TC-1.1": "=0.25*2",
        "PL4-1.1": datetime(2023, 5, 8),  # "8.5" as Excel's regional settings may read it
    }
    for row_id, value in typed.items():
        put(wb, row_id[:3], row_id, "result_target", value)
    found = run(wb, "KQ-PHAN-CAP")
    assert [(f.sheet, f.cell) for f in found] == [
        (row_id[:3], cell_of(wb, row_id[:3], row_id, "result_target")) for row_id in typed
    ]
    assert "đang là chữ «1.5 điểm»" in found[1].message
    assert "đang là lỗi công thức «#DIV/0!» của Excel" in found[2].message
    assert "đang là công thức «=0.25*2» (lệnh chạy ngoài Excel không tính nó)" in found[3].message
    assert "đang là ngày «08/05/2023» (Excel đã hiểu số vừa gõ là ngày" in found[4].message


def test_messages_state_expected_and_found() -> None:
    wb = clean_workbook()
    put(wb, "PL4", "PL4-1.1", "target", 1.58)
    put(wb, "PL4", "PL4", "target", 3.50)
    put(wb, "PL4", "PL4-1", "target", 3.50)
    by_rule = {f.rule: f.message for f in run(wb)}
    assert "1,06" in by_rule["MT-PAPI"] and "1,56" in by_rule["MT-PAPI"]
    assert "1,58" in by_rule["MT-PAPI"]
    assert "tổng của 2 dòng con (1.1, 1.2) = 3,47" in by_rule["PHAN-CAP"]
    assert "đang là 3,50" in by_rule["PHAN-CAP"]


Edit = Callable[[Workbook], None]


def _sheet_cell(wb: Workbook, key: str, value: object, rule_id: str = "PHAN-CAP") -> None:
    row = next(
        r
        for r in range(layout.FIRST_DATA_ROW, wb[layout.RULES_SHEET].max_row + 1)
        if wb[layout.RULES_SHEET].cell(r, 1).value == rule_id
    )
    col = layout.column_index(layout.RULE_COLUMNS, key)
    wb[layout.RULES_SHEET].cell(row, col).value = value


def test_the_rules_sheet_decides_what_runs_and_how_severe() -> None:
    wb = clean_workbook()
    put(wb, "PL4", "PL4", "target", 3.50)
    _sheet_cell(wb, "severity", "thông tin")
    found = run_checks(
        state_from_values(values_of(wb)), rules_from_values(state_from_values(values_of(wb)))
    )
    assert [(f.rule, f.severity, f.severity_label) for f in found] == [
        ("PHAN-CAP", "info", "thông tin")
    ]
    _sheet_cell(wb, "enabled", "Không")
    assert (
        run_checks(
            state_from_values(values_of(wb)), rules_from_values(state_from_values(values_of(wb)))
        )
        == []
    )
    _sheet_cell(wb, "enabled", "Có")
    _sheet_cell(wb, "params", "tong=; trung_binh=PL3; dung_sai=")  # PL4 no longer summed
    assert (
        run_checks(
            state_from_values(values_of(wb)), rules_from_values(state_from_values(values_of(wb)))
        )
        == []
    )
    _sheet_cell(wb, "params", "tong=PL4; dung_sai=0,01")
    assert (
        run_checks(
            state_from_values(values_of(wb)), rules_from_values(state_from_values(values_of(wb)))
        )
        != []
    )


def test_sort_errors_first_then_workbook_order() -> None:
    wb = clean_workbook()
    put(wb, TASKS, "PL4-1.1/1", "inherited", "thời gian")  # warning, tasks sheet
    put(wb, "PL2", "PL2-TC-1.1", "target", 0.4)  # error, PL2
    put(wb, "PL1", "PL1-TC-1.1", "target", 1.25)  # error, PL1
    assert [f.rule for f in run(wb)] == ["MT-TOI-DA-PL1", "MT-TOI-DA-PL2", "NV-O-GOP"]


def test_unparsed_timeline_message_names_the_text_and_the_forms() -> None:
    wb = clean_workbook()
    put(wb, TASKS, "PL4-1.1/1", "timeline", "Sở Nội vụ")
    (finding,) = run(wb, "NV-THOI-HAN")
    assert finding.severity == "warning"
    assert "«Sở Nội vụ»" in finding.message
    assert "«Quý III-IV/2023»" in finding.message
    assert "tên cơ quan" in finding.message  # the agencies hint
    put(wb, TASKS, "PL4-1.1/1", "timeline", "Đầu năm")
    (finding,) = run(wb, "NV-THOI-HAN")
    assert "tên cơ quan" not in finding.message
