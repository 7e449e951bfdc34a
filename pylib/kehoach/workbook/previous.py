"""What a new plan's master takes from last year's (``kehoach build --from OLD.xlsm``).

Officials build up three things over a year that the next plan needs again: the agency
directory (e-mails, contacts, group members, the spellings they added), the settings of
«Cài đặt» (mail server, sender, folders) and their edits to the checker's rules («Quy tắc»:
rules disabled, retuned or deleted). A master built with ``--from`` takes these and nothing
of last year's progress: TienDo, LichSu, the results typed in PL1–PL4, «Tệp gửi cơ quan», the
send log and the signing key stay behind (last year's agency files do not belong to the new
plan, so the new master signs with a key of its own).

The old master is only read. It must be closed (its lock file says Excel or LibreOffice
holds it, with edits perhaps unsaved) and be a kehoach master. The new master goes to a new
file: ``--out`` must not exist, so that last year's master is never overwritten and a
master already in use is rebuilt the ordinary way, without ``--from``, keeping everything.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kehoach.agencies.directory import (
    SEED_TEMPLATE,
    Directory,
    load_base,
    load_directory,
    merge_directory,
    read_seed,
)
from kehoach.checks.rules import RULES_TEMPLATE, rule_table
from kehoach.common.celltext import cell_text
from kehoach.common.errors import BuildError, WorkbookError, missing_file_text
from kehoach.common.planyears import PlanYears
from kehoach.mail.sheet import kept_mail
from kehoach.sheets import layout
from kehoach.sheets import mail_layout as ml
from kehoach.sheets.edits import Edit
from kehoach.sheets.sheetdata import SheetValues, workbook_contents
from kehoach.workbook.carryover import RULE_INPUT_KEYS, deleted_rules
from kehoach.workbook.xlsm import open_elsewhere

FROM_FLAG = "--from"
# The sheets a kehoach master always has and this carrier needs: how one is told from
# another workbook.
_REQUIRED_SHEETS: tuple[str, ...] = (layout.DIRECTORY_SHEET, layout.RULES_SHEET)
_READ_SHEETS: tuple[str, ...] = (
    *_REQUIRED_SHEETS,
    layout.DIRECTORY_BASE_SHEET,
    ml.SETTINGS_SHEET,
)
LEFT_BEHIND = "tiến độ, kết quả năm trước"


@dataclass(frozen=True)
class Previous:
    """What the new master takes from last year's ``path``."""

    path: Path
    directory: Directory  # the officials' directory merged over the new seed
    settings: tuple[Edit, ...]  # the values of «Cài đặt», by label
    rules: Mapping[str, SheetValues]  # {layout.RULES_SHEET: its values}, for the carry-over
    names: Mapping[str, str]  # the old workbook's defined names (the rules it offered)
    agencies: int  # entries of the old directory that receive workbooks
    with_email: int  # … of which have an e-mail address
    changed_settings: int  # settings whose value is not the program's default
    edited_rules: int  # rules switched, retuned or deleted by the officials

    def summary(self) -> str:
        """The line the CLI prints once the new master is built."""
        return (
            f"Đã mang sang từ {self.path}: {self.agencies} cơ quan ({self.with_email} có e-mail), "
            f"{self.changed_settings} thiết lập, {self.edited_rules} quy tắc đã sửa; "
            f"không mang sang: {LEFT_BEHIND}."
        )


def check_target(previous: Path, out: Path) -> None:
    """BuildError unless ``out`` is a new file: never last year's master itself (its progress
    would be lost), never a master already built (rebuild that one without ``--from``)."""
    if out.exists() and previous.exists() and out.samefile(previous):
        raise BuildError(
            f"{FROM_FLAG} và --out là cùng một tệp: tạo kế hoạch mới đè lên workbook năm trước "
            "sẽ mất tiến độ và kết quả đã thu thập. Không ghi gì. Hãy ghi workbook mới ra tệp "
            "khác (--out TỆP_MỚI.xlsm) và giữ tệp cũ làm hồ sơ; để chỉ tạo lại tệp này (giữ "
            f"mọi thứ đã nhập) thì bỏ {FROM_FLAG}.",
            file=out,
        )
    if out.exists():
        raise BuildError(
            f"Tệp --out đã có. {FROM_FLAG} chỉ dùng để tạo workbook mới cho kế hoạch năm sau; "
            f"tệp này đã là một workbook đang dùng. Không ghi gì. Để tạo lại nó (giữ mọi thứ đã "
            f"nhập trong nó) thì bỏ {FROM_FLAG}; để tạo workbook mới thì chọn tên tệp khác.",
            file=out,
        )


def read_previous(
    path: Path, out: Path, templates_dir: Path, years: PlanYears | None = None
) -> Previous:
    """Read what the new master ``out`` takes from last year's master ``path``.

    Raises BuildError when ``out`` is not a new file (:func:`check_target`), WorkbookError
    naming the file when ``path`` is missing, open in Excel or LibreOffice, not a workbook,
    not a kehoach master, or its directory is damaged (naming the cell). ``path`` is only
    read."""
    path, out = Path(path), Path(out)
    check_target(path, out)
    if not path.is_file():
        raise WorkbookError(missing_file_text(path, "workbook năm trước"), file=path)
    why = open_elsewhere(path)
    if why is not None:
        raise WorkbookError(
            f"Workbook năm trước đang mở trong Excel ({why}): những gì sửa mà chưa lưu sẽ không "
            "được mang sang. Không ghi gì. Hãy lưu và đóng nó rồi chạy lại. (Nếu Excel đã đóng "
            "mà vẫn báo, xóa tệp khóa đó.)",
            file=path,
        )
    values, names = workbook_contents(path, sheets=_READ_SHEETS)
    missing = [s for s in _REQUIRED_SHEETS if s not in values]
    if missing:
        shown = ", ".join(f"«{s}»" for s in missing)
        raise WorkbookError(
            f"Đây không phải workbook kế hoạch do chương trình tạo (không có trang {shown}), "
            f"nên không có gì để mang sang. Không ghi gì. Hãy chọn sau {FROM_FLAG} tệp .xlsm của "
            "kế hoạch năm trước.",
            file=path,
        )
    old = load_directory(values, file=path)
    merged = merge_directory(
        read_seed(templates_dir / SEED_TEMPLATE, years), old, load_base(values, file=path)
    )
    kept = {a.code for a in merged.agencies}
    agencies = [a for a in old.recipients() if a.code in kept]
    rules = {layout.RULES_SHEET: values[layout.RULES_SHEET]}
    defaults = rule_table(templates_dir / RULES_TEMPLATE)
    settings = {ml.SETTINGS_SHEET: values[ml.SETTINGS_SHEET]} if ml.SETTINGS_SHEET in values else {}
    return Previous(
        path=path,
        directory=merged,
        settings=tuple(kept_mail(settings)),
        rules=rules,
        names=names,
        agencies=len(agencies),
        with_email=sum(1 for a in agencies if a.emails),
        changed_settings=_changed_settings(settings.get(ml.SETTINGS_SHEET, [])),
        edited_rules=len(_edited_rules(rules, names, defaults)),
    )


def _text(value: Any) -> str:
    return cell_text(value).strip()


def _changed_settings(rows: SheetValues) -> int:
    """Settings of the old «Cài đặt» whose value differs from the program's default."""
    by_label = {
        _text(r[0]): _text(r[1] if len(r) > 1 else None)
        for r in rows[ml.FIRST_DATA_ROW - 1 :]
        if r and _text(r[0])
    }
    return sum(
        1 for s in ml.SETTINGS if s.label in by_label and by_label[s.label] != _text(s.default)
    )


def _edited_rules(
    rules: Mapping[str, SheetValues], names: Mapping[str, str], defaults: Sequence[Sequence[str]]
) -> set[str]:
    """Codes of the program's rules whose «Áp dụng», «Mức độ» or «Tham số» the officials
    changed in the old sheet, or that they deleted from it."""
    rows = rules[layout.RULES_SHEET]
    keys = [c.key for c in layout.RULE_COLUMNS]
    default = {str(r[0]): {k: _text(r[keys.index(k)]) for k in RULE_INPUT_KEYS} for r in defaults}
    header = (
        [_text(v) for v in rows[layout.HEADER_ROW - 1]] if len(rows) >= layout.HEADER_ROW else []
    )
    at = {c.key: header.index(c.header) for c in layout.RULE_COLUMNS if c.header in header}
    out = {c for c in deleted_rules(rules, names) if c in default}
    if "rule" not in at:
        return out
    for row in rows[layout.FIRST_DATA_ROW - 1 :]:
        cells = {k: _text(row[i] if i < len(row) else None) for k, i in at.items()}
        code = cells["rule"]
        if code in default and any(
            k in cells and cells[k] != default[code][k] for k in RULE_INPUT_KEYS
        ):
            out.add(code)
    return out
