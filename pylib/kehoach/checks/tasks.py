"""Rules about the tasks ("Nhiệm vụ" sheet, the one the reader takes tasks from).

"Known agency": a piece of a lead/coordinating text is known when the resolver
(``kehoach.agencies.resolve``) matches it to an entry of the agency directory ("Danh bạ cơ quan"),
which
the officials keep; a group entry without members is for a person to decide.
"""

from __future__ import annotations

from collections.abc import Iterator

from kehoach.agencies.names import reads_as_agencies
from kehoach.agencies.resolve import Resolution
from kehoach.checks.context import CheckContext, text
from kehoach.checks.findings import Finding
from kehoach.checks.rules import Rule
from kehoach.plan.timelines import parse_timeline
from kehoach.sheets import layout


def _task(ctx: CheckContext, row: int) -> str:
    task_id, code = text(ctx.tasks[row]["id"]), text(ctx.tasks[row]["code"])
    appendix = text(ctx.tasks[row]["appendix"])
    where = " ".join(p for p in (appendix, code) if p)
    return f"Nhiệm vụ {task_id} ({where})" if where else f"Nhiệm vụ {task_id}"


def _fields(labels: str) -> list[str]:
    """Model field names from a "chủ trì, thời gian" cell (layout.FIELD_LABELS' labels)."""
    return [
        layout.LABEL_FIELDS[p.strip()]
        for p in labels.split(",")
        if p.strip() in layout.LABEL_FIELDS
    ]


def _header(key: str) -> str:
    return layout.TASK_COLUMNS[layout.column_index(layout.TASK_COLUMNS, key) - 1].header


def _blank_rows(ctx: CheckContext, key: str) -> Iterator[int]:
    """The rows of the tasks whose ``key`` field is empty."""
    for row, task in ctx.tasks.items():
        if not text(task[key]):
            yield int(row)


def check_task_text(ctx: CheckContext, rule: Rule) -> Iterator[Finding]:
    """NV-NOI-DUNG: every task says what is to be done."""
    for row in _blank_rows(ctx, "text"):
        message = f"{_task(ctx, row)}: chưa có nội dung «{_header('text')}»."
        yield ctx.task_finding(rule, row, "text", message)


def check_task_lead(ctx: CheckContext, rule: Rule) -> Iterator[Finding]:
    """NV-CHU-TRI: every task has a lead agency."""
    for row in _blank_rows(ctx, "lead"):
        timeline = text(ctx.tasks[row]["timeline"])
        hint = (
            f" (ô thời gian đang ghi «{timeline}», có thể là cơ quan bị lệch cột)"
            if timeline and reads_as_agencies(timeline)
            else ""
        )
        message = f"{_task(ctx, row)}: cần một cơ quan chủ trì thực hiện, đang để trống{hint}."
        yield ctx.task_finding(rule, row, "lead", message)


def check_task_timeline(ctx: CheckContext, rule: Rule) -> Iterator[Finding]:
    """NV-THOI-GIAN: every task has a timeline."""
    for row in _blank_rows(ctx, "timeline"):
        message = (
            f"{_task(ctx, row)}: cần thời gian thực hiện (ví dụ «Năm {ctx.years.target}», "
            "«Thường xuyên»), đang để trống."
        )
        yield ctx.task_finding(rule, row, "timeline", message)


def check_timeline_parsed(ctx: CheckContext, rule: Rule) -> Iterator[Finding]:
    """NV-THOI-HAN: every timeline reads as a date, a period, recurring work or an event
    (``kehoach.plan.timelines``); an empty one is NV-THOI-GIAN's."""
    y = ctx.years.target
    for row in ctx.tasks:
        row = int(row)
        timeline = text(ctx.tasks[row]["timeline"])
        if parse_timeline(timeline, y).kind != "unparsed":
            continue
        hint = " Ô này đang ghi tên cơ quan (lệch cột?)." if reads_as_agencies(timeline) else ""
        yield ctx.task_finding(
            rule,
            row,
            "timeline",
            f"{_task(ctx, row)}: không đọc được thời hạn từ «{timeline}», nên không tính được "
            f"hạn báo cáo. Ghi theo một trong các dạng «Năm {y}», «Quý III-IV/{y}», "
            f"«Tháng 12/{y}», «Trước ngày 30/6/{y}», «Từ 01/6/{y}», «Thường xuyên», "
            f"«Trước ngày 12 tháng cuối quý», «Khi …».{hint}",
        )


def check_shifted(ctx: CheckContext, rule: Rule) -> Iterator[Finding]:
    """NV-LECH-COT: a timeline that reads as agency names, or a field the importer marked as
    having landed in the wrong column ("Giá trị nằm sai cột")."""
    for row in ctx.tasks:
        row = int(row)
        reported: set[str] = set()
        timeline = text(ctx.tasks[row]["timeline"])
        if timeline and reads_as_agencies(timeline):
            reported.add("timeline")
            yield ctx.task_finding(
                rule,
                row,
                "timeline",
                f"{_task(ctx, row)}: ô thời gian thực hiện phải ghi thời gian, đang ghi tên cơ "
                f"quan «{timeline}» (lệch cột?).",
            )
        for field in _fields(text(ctx.tasks[row]["misplaced"])):
            if field in reported:
                continue
            value = text(ctx.tasks[row][field])
            yield ctx.task_finding(
                rule,
                row,
                field,
                f"{_task(ctx, row)}: giá trị «{value}» ở cột «{_header(field)}» được đánh dấu "
                "nằm sai cột khi nhập kế hoạch: cần chuyển sang đúng cột.",
            )


def _resolution(ctx: CheckContext) -> Resolution:
    return ctx.resolution  # two rules ask for it: resolved once per context


def _row(cell: str) -> int:
    return int(cell.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))


def check_known_agencies(ctx: CheckContext, rule: Rule) -> Iterator[Finding]:
    """NV-CO-QUAN: every piece of a task's lead and coordinating text names an entry of the
    agency directory (kehoach.agencies.resolve); one finding per task cell, listing the pieces."""
    by_cell: dict[tuple[int, str], list[str]] = {}
    for u in _resolution(ctx).unresolved:
        by_cell.setdefault((_row(u.cell), u.role), []).append(u.text)
    for (row, role), pieces in by_cell.items():
        listed = "; ".join(f"«{p}»" for p in pieces)
        yield ctx.task_finding(
            rule,
            row,
            role,
            f"{_task(ctx, row)}: {listed} không khớp cơ quan nào trong trang "
            f"«{layout.DIRECTORY_SHEET}» (sai chính tả, hoặc cách viết mới: thêm vào cột «Tên "
            "khác trong văn bản» của cơ quan đó, hoặc thêm dòng cho cơ quan mới).",
        )


def check_undecided_groups(ctx: CheckContext, rule: Rule) -> Iterator[Finding]:
    """NV-CO-QUAN-NHOM: a task names a group of agencies whose members nobody has decided."""
    seen: set[tuple[int, str, str]] = set()
    for d in _resolution(ctx).undecided:
        row = _row(d.cell)
        if (row, d.role, d.group) in seen:
            continue
        seen.add((row, d.role, d.group))
        name = ctx.directory.by_code(d.group).name
        yield ctx.task_finding(
            rule,
            row,
            d.role,
            f"{_task(ctx, row)}: «{d.text}» là nhóm «{name}» ({d.group}) chưa có thành viên: "
            f"cần quyết định gồm những cơ quan nào (cột «Thành viên» ở trang "
            f"«{layout.DIRECTORY_SHEET}»), nhiệm vụ chưa đến được cơ quan nào qua nhóm này.",
        )


def check_inherited(ctx: CheckContext, rule: Rule) -> Iterator[Finding]:
    """NV-O-GOP: values taken from a merged cell above, for a person to confirm: a task's
    fields (tasks sheet), a criterion's target (appendix sheets)."""
    for row in ctx.tasks:
        row = int(row)
        labels = text(ctx.tasks[row]["inherited"])
        fields = _fields(labels)
        if fields:
            yield ctx.task_finding(
                rule,
                row,
                fields[0],
                f"{_task(ctx, row)}: {labels} không ghi ở dòng này trong văn bản, được lấy từ ô "
                "gộp phía trên: cần xác nhận đúng cho nhiệm vụ này.",
            )
    for appendix, table in ctx.appendices.items():
        for row, _depth in ctx.figure_rows(appendix):
            labels = text(table[row]["inherited"])
            fields = _fields(labels)
            if not fields:
                continue
            key = {"target_text": "target"}.get(fields[0], fields[0])
            if key not in table[row]:
                continue
            label = ctx.label(appendix, row)
            message = (
                f"{label}: {labels} không ghi ở dòng này trong văn bản, được lấy từ ô gộp phía "
                "trên: cần xác nhận đúng cho tiêu chí này."
            )
            yield ctx.finding(rule, appendix, label, key, row, message)
