"""The consistency checker ("Kiểm tra dữ liệu", ``kehoach check``): general rules, as data.

``run_checks(state, rules)`` runs the enabled rules of the "Quy tắc" sheet (see
``kehoach.checks.rules``) over the plan sheets of the master's ``MasterState`` and returns findings
(``kehoach.checks.findings``),
each naming its sheet and cell. None of the rules knows this particular plan: what is
document-specific (which appendix sums and which averages, the plan's targeting rules, the
tolerances) is a parameter in the rules sheet. ``check_workbook`` adds the edits that write
the findings into the workbook (``kehoach.checks.report``). Pure: no I/O, no xlwings.

Rules (modules): figures (types, ranges, hierarchy, targeting) in ``checks_figures``; codes
and names in ``checks_codes``; tasks in ``checks_tasks``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from kehoach.checks import codes as checks_codes
from kehoach.checks import figures as checks_figures
from kehoach.checks import tasks as checks_tasks
from kehoach.checks.context import CheckContext
from kehoach.checks.findings import Finding, counts_text, sort_key
from kehoach.checks.report import report_edits
from kehoach.checks.rules import Rule, rules_from_values
from kehoach.sheets import layout
from kehoach.sheets.edits import Edit
from kehoach.state.master import MasterState

Check = Callable[[CheckContext, Rule], Iterable[Finding]]

CHECKS: dict[str, Check] = {
    "PHAN-CAP": checks_figures.check_hierarchy,
    "KQ-PHAN-CAP": checks_figures.check_result_levels,
    "MT-SIPAS": checks_figures.check_target_plus,
    "MT-PAPI": checks_figures.check_target_plus,
    "MT-TOI-DA-PL1": checks_figures.check_target_max,
    "MT-TOI-DA-PL2": checks_figures.check_target_max,
    "SO-HOP-LE": checks_figures.check_numbers,
    "PHAM-VI": checks_figures.check_ranges,
    "MA-THUOC-MUC": checks_codes.check_code_in_section,
    "MA-TRUNG": checks_codes.check_unique_codes,
    "MA-LIEN-PHU-LUC": checks_codes.check_cross_appendix,
    "TIEU-CHI-LAP": checks_codes.check_repeated_criterion,
    "NV-NOI-DUNG": checks_tasks.check_task_text,
    "NV-CHU-TRI": checks_tasks.check_task_lead,
    "NV-THOI-GIAN": checks_tasks.check_task_timeline,
    "NV-THOI-HAN": checks_tasks.check_timeline_parsed,
    "NV-LECH-COT": checks_tasks.check_shifted,
    "NV-CO-QUAN": checks_tasks.check_known_agencies,
    "NV-CO-QUAN-NHOM": checks_tasks.check_undecided_groups,
    "NV-O-GOP": checks_tasks.check_inherited,
}


def run_checks(state: MasterState, rules: Sequence[Rule]) -> list[Finding]:
    """Findings of the enabled ``rules`` on the plan sheets of ``state``, errors first.

    Raises WorkbookError (naming sheet and cell) when a plan sheet is missing, its header row
    is not in place, or it is empty; findings themselves are returned, never raised.
    """
    ctx = CheckContext.read(state)
    findings: list[Finding] = []
    for rule in rules:
        if rule.enabled:
            findings.extend(CHECKS[rule.id](ctx, rule))
    return sorted(findings, key=sort_key)


@dataclass(frozen=True)
class CheckResult:
    rules: list[Rule]
    findings: list[Finding]
    edits: list[Edit]


# The sheets check_workbook reads (``sheetdata.workbook_values(path, sheets=...)``): the plan,
# the directory, the rules, and the previous report (its highlights are cleared).
SHEETS_READ: tuple[str, ...] = (
    *layout.APPENDIX_SHEETS.values(),
    layout.TASKS_SHEET,
    layout.DIRECTORY_SHEET,
    layout.DIRECTORY_BASE_SHEET,
    layout.RULES_SHEET,
    layout.CHECK_SHEET,
)


def check_workbook(state: MasterState) -> CheckResult:
    """What the button and ``kehoach check --write`` do: read the rules from the workbook's
    "Quy tắc" sheet, run them, and describe the report (KiemTra sheet, highlights) as edits.

    Nothing is changed when this raises: the edits are only built once everything was read.
    """
    rules = rules_from_values(state)
    findings = run_checks(state, rules)
    return CheckResult(rules, findings, report_edits(state, findings, rules))


CHECK_ALERT_TITLE = "Kiểm tra dữ liệu"


def alert_text(findings: Sequence[Finding]) -> str:
    """The button's message box: counts per severity and where to look."""
    if not findings:
        return f"Không phát hiện vấn đề nào. Xem trang «{layout.CHECK_SHEET}»."
    return (
        f"Kiểm tra xong: {counts_text(findings)}.\n"
        f"Danh sách và liên kết tới từng ô ở trang «{layout.CHECK_SHEET}»; "
        "ô có lỗi tô đỏ, ô có cảnh báo tô vàng."
    )
