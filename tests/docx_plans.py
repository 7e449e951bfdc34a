"""Write the embedded plan as the Word file officials receive (python-docx).

The header block (issuer, number, place and date) is a two-column table, as in
Vietnamese official documents; the rest of the body is paragraphs. Each appendix is one
Word table laid out as Word lays it out:

* the header row(s) are marked ``w:tblHeader`` (Word repeats them after each page
  break by itself); PL3's two header rows merge «Tỷ lệ» across two columns
  (``w:gridSpan``) and TT, name and task cells down both rows (``w:vMerge``);
* a header the text repeats after a page break is kept as a real row (a header retyped
  after a break), except where a merged cell crosses that break;
* section rows whose cells after the title are empty span the title over them
  (``w:gridSpan``), as the original does;
* a cell the text importer fills from the row above is a merged cell: ``w:vMerge``
  continuing the cell above (started with ``restart``), except the cells listed in
  ``unmerged``, written empty and unmerged (what a reader of the text cannot tell);
* a cell of the text holding ``<p>`` elements, or dash bullets, gets one paragraph each.
"""

from __future__ import annotations

from pathlib import Path

import docx
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.table import CT_Tc
from docx.table import Table

from kehoach.plan.importer import default_plan_path, parse_plan
from kehoach.plan.model import Plan
from kehoach.plan.tables import LAYOUTS
from kehoach.plan.textclean import clean, has_items, paragraphs, split_bullets

_HEADER_END = "KẾ HOẠCH"


def plan_text() -> str:
    return default_plan_path().read_text(encoding="utf-8")


def inherited_cells(plan: Plan) -> dict[int, set[str]]:
    """Text line -> columns the text importer filled from the row above."""
    out: dict[int, set[str]] = {}
    for appendix in plan.appendices:
        for section in appendix.sections:
            for criterion in section.criteria:
                if "target_text" in criterion.inherited:
                    out.setdefault(criterion.line, set()).add("target_text")
                for task in criterion.tasks:
                    out.setdefault(task.line, set()).update(task.inherited)
    return {line: cols for line, cols in out.items() if cols}


def write_plan_docx(
    path: Path,
    text: str | None = None,
    *,
    unmerged: frozenset[tuple[int, str]] = frozenset(),
) -> Path:
    """Write the plan ``text`` (default: the embedded plan) as a .docx at ``path``."""
    text = plan_text() if text is None else text
    merges = inherited_cells(parse_plan(text))
    lines = text.split("\n")
    document = docx.Document()
    start = next(i for i, line in enumerate(lines) if line.strip() == _HEADER_END)
    head = document.add_table(rows=1, cols=2)
    left, right = head.rows[0].cells
    left.text = "ỦY BAN NHÂN DÂN\nTỈNH BẮC KẠN"
    right.text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"
    for i, line in enumerate(lines[:start]):
        if line.strip():
            (left if i == 0 else right).add_paragraph(line)
    appendix: str | None = None
    table: list[tuple[int, list[str]]] = []
    for number, line in enumerate(lines[start:], start=start + 1):
        if "\t" in line:
            table.append((number, line.split("\t")))
            continue
        if not line.strip():
            continue  # the text's blank lines: page breaks inside a table, or spacing
        if table:
            assert appendix is not None
            _write_table(document, appendix, table, merges, unmerged)
            table = []
        if line.startswith("Phụ lục "):
            appendix = "PL" + line.split()[2].rstrip(".")
        document.add_paragraph(line)
    if table:
        assert appendix is not None
        _write_table(document, appendix, table, merges, unmerged)
    document.save(str(path))
    return path


def _is_header(cells: list[str]) -> bool:
    return clean(cells[0]).casefold() == "tt" or (
        not clean(cells[0]) and not clean(cells[1]) and "Kết quả" in " ".join(cells)
    )


def _write_table(
    document: docx.document.Document,
    appendix: str,
    rows: list[tuple[int, list[str]]],
    merges: dict[int, set[str]],
    unmerged: frozenset[tuple[int, str]],
) -> None:
    columns = LAYOUTS[appendix].columns
    n = len(columns)
    # Keep the first header block; keep a later one only where no merge crosses it.
    kept: list[tuple[int, list[str], bool]] = []  # (line, cells, is_header)
    seen_data = False
    i = 0
    while i < len(rows):
        j = i
        while j < len(rows) and _is_header(rows[j][1]):
            j += 1
        if j > i:
            following = rows[j][0] if j < len(rows) else 0
            if not seen_data or not merges.get(following):
                kept.extend((line, cells, True) for line, cells in rows[i:j])
            i = j
            continue
        kept.append((rows[i][0], rows[i][1], False))
        seen_data = True
        i += 1
    table = document.add_table(rows=0, cols=n)
    table.style = "Table Grid"
    first_block = True
    above: list[CT_Tc | None] = [None] * n
    for line, cells, header in kept:
        cells = cells + [""] * (n - len(cells))
        row = table.add_row()
        tcs = [c._tc for c in row.cells]
        if header and first_block:
            row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
        if not header:
            first_block = False
        continuing = set() if header else merges.get(line, set())
        for k, (column, raw) in enumerate(zip(columns, cells, strict=True)):
            if column in continuing and (line, column) not in unmerged:
                _vmerge(tcs[k], "continue")
                if (tc := above[k]) is not None and not _continues(tc):
                    _vmerge(tc, "restart")
                continue
            _fill(row.cells[k], raw)
        if header and not clean(cells[0]) and not clean(cells[1]):
            # PL3's second header row: TT, name and task cells merge with the row above.
            for k in (0, 1, *range(n - 4, n)):
                _vmerge(tcs[k], "continue")
                if (tc := above[k]) is not None and not _continues(tc):
                    _vmerge(tc, "restart")
        above = list(tcs)
        _span(table, row_index=len(table.rows) - 1, cells=cells, header=header)


def _span(table: Table, row_index: int, cells: list[str], header: bool) -> None:
    row = table.rows[row_index]
    n = len(cells)
    filled = [k for k, c in enumerate(cells) if clean(c)]
    if header:
        if clean(cells[0]).casefold() == "tt" and n > 2 and not clean(cells[3]):
            row.cells[2].merge(row.cells[3])  # PL3: «Tỷ lệ» over its two columns
        return
    if filled and filled[-1] <= 1 and filled[-1] < n - 1:
        row.cells[filled[-1]].merge(row.cells[n - 1])


def _fill(cell: object, raw: str) -> None:
    from docx.table import _Cell

    assert isinstance(cell, _Cell)
    if has_items(raw):
        texts = paragraphs(raw)
    else:
        text = clean(raw)
        texts = split_bullets(text) if text.startswith(("- ", "– ")) else [text] if text else []
    if not texts:
        return
    cell.paragraphs[0].text = texts[0]
    for text in texts[1:]:
        cell.add_paragraph(text)


def _vmerge(tc: CT_Tc, value: str) -> None:
    tcpr = tc.get_or_add_tcPr()
    for old in tcpr.findall(qn("w:vMerge")):
        tcpr.remove(old)
    el = OxmlElement("w:vMerge")
    if value == "restart":
        el.set(qn("w:val"), "restart")
    tcpr.append(el)


def _continues(tc: CT_Tc | None) -> bool:
    if tc is None or tc.tcPr is None:
        return False
    el = tc.tcPr.find(qn("w:vMerge"))
    return el is not None and el.get(qn("w:val")) != "restart"
