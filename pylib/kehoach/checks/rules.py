"""The checker's rules as data: which rules run, how severe their findings are, their parameters.

The default table is ``templates/quy-tac.tsv``; ``kehoach build`` copies it into the workbook's
"Quy tắc" sheet, where the officials switch rules on and off, change a rule's severity and edit
its parameters (tolerances, the plan's targeting rules). The checker reads the rules from that
sheet's values (``rules_from_values``), so what runs is what the workbook says.

A rule row: rule id, description, enabled ("Có"/"Không"), severity ("lỗi"/"cảnh báo"/
"thông tin") and parameters written ``name=value; name=value``. Values are typed by the rule's
``RULE_PARAMS`` entry: a list of appendices ("PL1,PL2"), a number ("10.00" or "10,00"; blank
for "not set"), a yes/no ("Có"/"Không") or one word of a fixed set. A row that cannot be read
is a WorkbookError naming its cell; a rule missing from the sheet does not run.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter

from kehoach.common.errors import BuildError, KeHoachError, WorkbookError
from kehoach.common.planyears import PlanYears, render
from kehoach.common.resources import read_template_text
from kehoach.plan.model import APPENDIX_IDS
from kehoach.sheets import layout
from kehoach.sheets.sheetdata import is_blank
from kehoach.state.master import MasterState

RULES_TEMPLATE = "quy-tac.tsv"

ParamValue = tuple[str, ...] | float | bool | str | None

# Levels of rows a targeting rule applies to ("cap"): every row with figures, or criteria only.
LEVELS = ("tat_ca", "tieu_chi")


@dataclass(frozen=True)
class ParamSpec:
    kind: str  # "appendices", "number", "flag", "level"
    required: bool = False
    default: ParamValue = None


_TOLERANCE = ParamSpec("number")
_TARGET_PLUS = {
    "phu_luc": ParamSpec("appendices", required=True),
    "muc_tieu_cong": ParamSpec("number", required=True),
    "cap": ParamSpec("level", default="tat_ca"),
    "dung_sai": _TOLERANCE,
}
_TARGET_MAX = {
    "phu_luc": ParamSpec("appendices", required=True),
    "tru_dieu_tra_xhh": ParamSpec("flag", default=False),
    "dung_sai": _TOLERANCE,
}
_SAME_INDEX = {"cung_chi_so": ParamSpec("appendices", default=())}

# Every rule the checker knows, with the parameters it takes.
RULE_PARAMS: dict[str, dict[str, ParamSpec]] = {
    "PHAN-CAP": {
        "tong": ParamSpec("appendices", default=()),
        "trung_binh": ParamSpec("appendices", default=()),
        "dung_sai": _TOLERANCE,
    },
    "KQ-PHAN-CAP": {
        "tong": ParamSpec("appendices", default=()),
        "trung_binh": ParamSpec("appendices", default=()),
        "dung_sai": _TOLERANCE,
    },
    "MT-SIPAS": _TARGET_PLUS,
    "MT-PAPI": _TARGET_PLUS,
    "MT-TOI-DA-PL1": _TARGET_MAX,
    "MT-TOI-DA-PL2": _TARGET_MAX,
    "SO-HOP-LE": {},
    "PHAM-VI": {
        "ty_le": ParamSpec("appendices", default=()),
        "ty_le_toi_da": ParamSpec("number", default=100.0),
    },
    "MA-THUOC-MUC": {},
    "MA-TRUNG": {},
    "MA-LIEN-PHU-LUC": _SAME_INDEX,
    "TIEU-CHI-LAP": _SAME_INDEX,
    "NV-NOI-DUNG": {},
    "NV-CHU-TRI": {},
    "NV-THOI-GIAN": {},
    "NV-THOI-HAN": {},
    "NV-LECH-COT": {},
    "NV-CO-QUAN": {},
    "NV-CO-QUAN-NHOM": {},
    "NV-O-GOP": {},
}


@dataclass(frozen=True)
class Rule:
    """One row of the rules table, its parameters typed."""

    id: str
    description: str
    enabled: bool
    severity: str  # a key of layout.SEVERITY_LABELS
    params: Mapping[str, ParamValue] = field(default_factory=dict)

    def appendices(self, name: str) -> tuple[str, ...]:
        value = self.params.get(name, ())
        assert isinstance(value, tuple)
        return value

    def number(self, name: str) -> float | None:
        value = self.params.get(name)
        assert value is None or isinstance(value, float)
        return value

    def flag(self, name: str) -> bool:
        value = self.params.get(name, False)
        assert isinstance(value, bool)
        return value

    def word(self, name: str) -> str:
        value = self.params.get(name, "")
        assert isinstance(value, str)
        return value


_NUMBER = re.compile(r"[+-]?[0-9]+(?:[.,][0-9]+)?")

Fail = Callable[[int, str], KeHoachError]  # (column index 0-based, message) → error to raise


def parse_params(rule_id: str, text: str, fail: Callable[[str], KeHoachError]) -> dict[str, Any]:
    """Typed parameters of ``rule_id`` from ``name=value; ...``; defaults for the unset ones."""
    specs = RULE_PARAMS[rule_id]
    found: dict[str, str] = {}
    for part in text.split(";"):
        if not part.strip():
            continue
        name, eq, value = part.partition("=")
        name = name.strip()
        if not eq:
            raise fail(f"tham số «{part.strip()}» phải có dạng tên=giá trị.")
        if name not in specs:
            known = ", ".join(specs) or "không có tham số nào"
            raise fail(f"quy tắc {rule_id} không có tham số «{name}» (chỉ có: {known}).")
        found[name] = value.strip()
    out: dict[str, Any] = {}
    for name, spec in specs.items():
        raw = found.get(name, "")
        if not raw:
            if spec.required:
                raise fail(f"quy tắc {rule_id} cần tham số «{name}».")
            out[name] = spec.default
            continue
        out[name] = _typed(name, raw, spec, fail)
    return out


def _typed(name: str, raw: str, spec: ParamSpec, fail: Callable[[str], KeHoachError]) -> Any:
    if spec.kind == "number":
        if not _NUMBER.fullmatch(raw):
            raise fail(f"tham số {name} phải là một số (ví dụ 0.01), đang là «{raw}».")
        return float(raw.replace(",", "."))
    if spec.kind == "flag":
        if raw not in layout.RULE_ENABLED:
            raise fail(f"tham số {name} phải là Có hoặc Không, đang là «{raw}».")
        return layout.RULE_ENABLED[raw]
    if spec.kind == "level":
        if raw not in LEVELS:
            raise fail(f"tham số {name} phải là một trong {', '.join(LEVELS)}, đang là «{raw}».")
        return raw
    ids = tuple(p.strip() for p in raw.split(",") if p.strip())
    unknown = [a for a in ids if a not in APPENDIX_IDS]
    if unknown:
        raise fail(
            f"tham số {name}: không có phụ lục «{unknown[0]}» (chỉ có {', '.join(APPENDIX_IDS)})."
        )
    return ids


def parse_rule(cells: Sequence[Any], fail: Fail) -> Rule:
    """A Rule from the five cells of a rules row (id, description, enabled, severity, params)."""
    text = ["" if is_blank(v) else str(v).strip() for v in [*cells, *[None] * 5][:5]]
    rule_id, description, enabled, severity, params = text
    if rule_id not in RULE_PARAMS:
        raise fail(0, f"không có quy tắc «{rule_id}» (các mã quy tắc: {', '.join(RULE_PARAMS)}).")
    if enabled not in layout.RULE_ENABLED:
        raise fail(2, f"cột Áp dụng phải là Có hoặc Không, đang là «{enabled}».")
    if severity not in layout.LABEL_SEVERITIES:
        labels = ", ".join(layout.SEVERITY_LABELS.values())
        raise fail(3, f"cột Mức độ phải là một trong: {labels}; đang là «{severity}».")
    typed = parse_params(rule_id, params, lambda message: fail(4, message))
    return Rule(
        rule_id, description, layout.RULE_ENABLED[enabled], layout.LABEL_SEVERITIES[severity], typed
    )


def rules_from_values(state: MasterState) -> list[Rule]:
    """The rules of the workbook's "Quy tắc" sheet, in sheet order (enabled or not).

    Raises WorkbookError naming the sheet and cell when the sheet is missing, its header row
    is not in place, it has no rule, a row cannot be read, or a rule id appears twice.
    """
    sheet = layout.RULES_SHEET
    records = state.records(sheet, layout.RULE_COLUMNS)  # header checked, blank rows dropped
    keys = [c.key for c in layout.RULE_COLUMNS]
    rules: list[Rule] = []
    seen: dict[str, int] = {}
    for number, record in records.items():
        cells = [record[k] for k in keys]

        def fail(col: int, message: str, number: int = int(number)) -> KeHoachError:
            cell = f"{get_column_letter(col + 1)}{number}"
            return WorkbookError(message, file=state.file, sheet=sheet, cell=cell)

        rule = parse_rule(list(cells), fail)
        if rule.id in seen:
            raise fail(0, f"quy tắc {rule.id} đã có ở dòng {seen[rule.id]}.")
        seen[rule.id] = int(number)
        rules.append(rule)
    return rules


def rule_table(path: Path, years: PlanYears | None = None) -> list[list[str]]:
    """The rows (id, description, enabled, severity, params) of the default rules file, the
    descriptions' "{base}" and "{target}" rendered for ``years`` (left as written when None).

    Lines starting with "#" and the header line are skipped. Raises BuildError naming the
    file and line when a row does not read as a rule.
    """
    lines = read_template_text(path, "bảng quy tắc").splitlines()
    header = [c.header for c in layout.RULE_COLUMNS]
    rows: list[list[str]] = []
    for lineno, line in enumerate(lines, start=1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = (render(line, years) if years is not None else line).split("\t")
        if cells == header:
            continue

        def fail(col: int, message: str, lineno: int = lineno, line: str = line) -> KeHoachError:
            return BuildError(message, file=path, line=lineno, text=line)

        if len(cells) > len(header):
            raise fail(0, f"dòng có {len(cells)} cột, bảng quy tắc chỉ có {len(header)}.")
        parse_rule(cells, fail)
        rows.append([*cells, *[""] * (len(header) - len(cells))])
    return rows


def default_rules(path: Path, years: PlanYears | None = None) -> list[Rule]:
    """The rules of the default rules file (as a fresh workbook of a plan of ``years`` has
    them)."""
    return [
        parse_rule(row, lambda _c, m: BuildError(m, file=path)) for row in rule_table(path, years)
    ]
