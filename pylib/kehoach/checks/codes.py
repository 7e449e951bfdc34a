"""Rules about criterion codes and names: section membership, uniqueness, one code one criterion.

Codes are compared without their kind word and spacing ("TCTP 3.4.3" and "tctp  3.4.3" are
the same code); names are compared after NFC normalisation, case folding and collapsing spaces,
so only a real difference of words (or of a letter, "HDND"/"HĐND") counts.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from kehoach.checks.context import (
    CheckContext,
    int_to_roman,
    roman_to_int,
    same_text_key,
    text,
)
from kehoach.checks.findings import Finding
from kehoach.checks.rules import Rule
from kehoach.plan.model import VARIANT_LINE
from kehoach.sheets import layout

_CODE_NUMBER = re.compile(r"([0-9]+)(?:\.[0-9]+)*")


def _section_name(tt: str, value: int) -> str:
    return f"mục {int_to_roman(value)}" if roman_to_int(tt) is not None else f"mục {value}"


def code_key(code: str) -> str:
    """ "TCTP 3.4.3" → "TCTP 3.4.3" normalised: upper-case kind, one space."""
    return " ".join(code.upper().split())


def check_code_in_section(ctx: CheckContext, rule: Rule) -> Iterator[Finding]:
    """MA-THUOC-MUC: the first number of a criterion's code is its section's number."""
    for appendix, table in ctx.appendices.items():
        for section_row, section_number, criteria in ctx.sections(appendix):
            tt = text(table[section_row]["tt"])
            title = text(table[section_row]["name"])
            for row in criteria:
                code = text(table[row]["code"])
                match = _CODE_NUMBER.search(code)
                if not match or int(match[1]) == section_number:
                    continue
                belongs = int(match[1])
                expected = _section_name(tt, belongs)
                message = (
                    f"Mã «{code}» thuộc {expected} (số đầu của mã là {belongs}), nhưng nằm trong "
                    f"{_section_name(tt, section_number)} «{title}» "
                    f"(ô {ctx.ref(appendix, 'tt', section_row)})."
                )
                yield ctx.finding(rule, appendix, code, "code", row, message)


def check_unique_codes(ctx: CheckContext, rule: Rule) -> Iterator[Finding]:
    """MA-TRUNG: a code appears once per appendix, or once per criteria group where there are
    groups (PL3 numbers its criteria afresh in each group)."""
    for appendix, table in ctx.appendices.items():
        groups = ctx.groups(appendix)
        seen: dict[tuple[str, str], int] = {}
        for row, _depth in ctx.figure_rows(appendix):
            if ctx.kind(appendix, row) != "criterion":
                continue
            code = text(table[row]["code"])
            if not code:
                continue
            key = (groups[row], code_key(code))
            if key not in seen:
                seen[key] = row
                continue
            scope = f"nhóm {groups[row]}" if groups[row] else appendix
            message = (
                f"Mã «{code}» đã dùng trong {scope} ở ô {ctx.ref(appendix, 'code', seen[key])}: "
                "mỗi tiêu chí phải có một mã riêng."
            )
            yield ctx.finding(rule, appendix, code, "code", row, message)


def _index_groups(rule: Rule) -> tuple[str, ...]:
    return tuple(a for a in rule.appendices("cung_chi_so") if a in layout.APPENDIX_SHEETS)


def check_cross_appendix(ctx: CheckContext, rule: Rule) -> Iterator[Finding]:
    """MA-LIEN-PHU-LUC: in the appendices of one index (``cung_chi_so``), a code names the same
    criterion everywhere, and a section number the same field."""
    first_code: dict[str, tuple[str, int, str]] = {}
    first_section: dict[str, tuple[str, int, str]] = {}
    for appendix in _index_groups(rule):
        table = ctx.appendices[appendix]
        for row, _depth in ctx.figure_rows(appendix):
            kind = ctx.kind(appendix, row)
            name = text(table[row]["name"])
            if kind == "criterion":
                code = text(table[row]["code"])
                key, seen, what, cell_key = code_key(code), first_code, f"Mã «{code}»", "code"
            elif kind == "section":
                tt = text(table[row]["tt"])
                key, seen, what, cell_key = tt.upper(), first_section, f"Mục {tt}", "name"
            else:
                continue
            if not key:
                continue
            if key not in seen:
                seen[key] = (appendix, row, name)
                continue
            other, other_row, other_name = seen[key]
            if other == appendix or same_text_key(other_name) == same_text_key(name):
                continue
            yield ctx.finding(
                rule,
                appendix,
                code if kind == "criterion" else tt,
                cell_key,
                row,
                f"{what} ở {other} (ô {ctx.ref(other, 'name', other_row)}) là «{other_name}», "
                f"ở {appendix} là «{name}»: cùng một mã phải chỉ cùng một "
                f"{'tiêu chí' if kind == 'criterion' else 'lĩnh vực'}.",
            )


def check_repeated_criterion(ctx: CheckContext, rule: Rule) -> Iterator[Finding]:
    """TIEU-CHI-LAP: a criterion printed twice with other values (the "variants" column the
    importer fills from a repeated row), or one name under two codes (within one appendix, or
    across the appendices of one index, ``cung_chi_so``)."""
    yield from _variants(ctx, rule)
    pools = [[a] for a in ctx.appendices if a not in _index_groups(rule)]
    pools.append(list(_index_groups(rule)))
    for pool in pools:
        seen: dict[str, tuple[str, int, str]] = {}
        for appendix in pool:
            table = ctx.appendices[appendix]
            for row, _depth in ctx.figure_rows(appendix):
                if ctx.kind(appendix, row) != "criterion":
                    continue
                name, code = text(table[row]["name"]), text(table[row]["code"])
                key = same_text_key(name)
                if not key or not code:
                    continue
                if key not in seen:
                    seen[key] = (appendix, row, code)
                    continue
                other, other_row, other_code = seen[key]
                if code_key(other_code) == code_key(code):
                    continue  # same code twice: MA-TRUNG's business
                yield ctx.finding(
                    rule,
                    appendix,
                    code,
                    "code",
                    row,
                    f"Tiêu chí «{name}» đã có ở {other} với mã «{other_code}» "
                    f"(ô {ctx.ref(other, 'code', other_row)}); ở đây mã là «{code}».",
                )


def _variants(ctx: CheckContext, rule: Rule) -> Iterator[Finding]:
    for appendix, table in ctx.appendices.items():
        for row, _depth in ctx.figure_rows(appendix):
            variants = text(table[row]["variants"])
            if not variants:
                continue
            label = ctx.label(appendix, row)
            for line in variants.splitlines():
                match = VARIANT_LINE.fullmatch(line.strip())
                field = (layout.variant_field(match["label"]) or "") if match else ""
                key = {"target_text": "target"}.get(field, field) or "variants"
                if match is None:
                    message = f"{label}: dòng lặp lại của tiêu chí có giá trị khác: «{line}»."
                else:
                    here = text(table[row][key]) if key != "variants" else ""
                    message = (
                        f"{label} được in lại ở dòng {match['line']} của văn bản với "
                        f"{match['label'].strip()} khác: «{match['value']}»; "
                        f"ở đây là «{here}». Cần xác định giá trị đúng."
                    )
                yield ctx.finding(rule, appendix, label, key, row, message)
