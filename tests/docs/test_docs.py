"""The documentation: a short README, links that lead somewhere, the officials' guide following
the ribbon, and no reference to the project's own tracker in what ships."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

from kehoach.cli import project_root

ROOT = project_root()
README = ROOT / "README.md"
DOCS = ROOT / "docs"

# Room for the README to grow by a few paragraphs; the long texts live under docs/.
README_BUDGET_BYTES = 13_000

LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$", re.M)
FENCE = re.compile(r"^```.*?^```", re.M | re.S)


def markdown_files() -> list[Path]:
    return [README, *sorted(DOCS.glob("*.md"))]


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped (letters of any script,
    digits, '-', '_' and spaces kept), spaces turned into '-'."""
    text = heading.strip().lower()
    kept = []
    for ch in unicodedata.normalize("NFC", text):
        cat = unicodedata.category(ch)
        if ch in "-_ " or cat[0] in "LN" or cat == "Mn":
            kept.append(ch)
    return "".join(kept).replace(" ", "-")


def anchors(path: Path) -> set[str]:
    text = FENCE.sub("", path.read_text(encoding="utf-8"))
    return {slug(h) for h in HEADING.findall(text)}


def broken_links(path: Path) -> list[str]:
    """Relative links of a Markdown file whose file, or whose #anchor, does not exist."""
    text = FENCE.sub("", path.read_text(encoding="utf-8"))
    broken = []
    for target in LINK.findall(text):
        if re.match(r"[a-z][a-z0-9+.-]*:", target, re.I):  # https:, mailto: …
            continue
        file_part, _, anchor = target.partition("#")
        dest = (path.parent / file_part).resolve() if file_part else path
        if not dest.exists():
            broken.append(f"{path.name}: {target} (no such file)")
        elif anchor and dest.suffix == ".md" and anchor not in anchors(dest):
            broken.append(f"{path.name}: {target} (no such heading)")
    return broken


# A reference to this project's issues: "issue 4", "(issue 5)", "issues 3 and 4", "#12" used as an
# issue number. Third-party references name their project on the same line and are allowed
# ("calamine#693", "calamine issue #693", "xlwings issues #1420").
OWN_ISSUE = re.compile(
    r"\bissues?\s+\d+"  # issue 4, issues 3
    r"|\(issues?\b[^)]*\)"  # (issue 5), (issues 3 and 4)
    r"|(?<![\w&#/])#\d{1,4}\b(?![\d.,%-])",  # #12, not #808080, #,##0 nor an anchor #1-…
    re.I,
)
THIRD_PARTY = re.compile(r"calamine|xlwings|github\.com|https?://", re.I)
PRODUCT_DIRS = ("docs", "pylib/kehoach", "macros", "templates", "scripts", "bench")
TEXT_SUFFIXES = {".md", ".py", ".bas", ".xml", ".tsv", ".txt", ".j2", ".sh", ".ps1", ".cmd", ""}


def product_text_files() -> list[Path]:
    files = [README]
    for folder in PRODUCT_DIRS:
        for path in sorted((ROOT / folder).rglob("*")):
            if not path.is_file() or path.suffix not in TEXT_SUFFIXES:
                continue
            if "vendor" in path.parts or "__pycache__" in path.parts:
                continue  # third-party code, kept as its authors wrote it
            files.append(path)
    return files


def own_issue_references(path: Path) -> list[str]:
    found = []
    text = path.read_text(encoding="utf-8", errors="replace")
    for number, line in enumerate(text.splitlines(), 1):
        for match in OWN_ISSUE.finditer(line):
            if not THIRD_PARTY.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {match.group(0)}")
    return found


def test_the_readme_stays_short() -> None:
    size = len(README.read_bytes())
    assert size <= README_BUDGET_BYTES, (
        f"README.md is {size} bytes, over its budget of {README_BUDGET_BYTES}: move details "
        "to docs/ (HuongDan.md for officials, design.md, cli.md, benchmarks.md for developers)"
    )


@pytest.mark.parametrize("path", markdown_files(), ids=lambda p: p.name)
def test_relative_links_resolve(path: Path) -> None:
    assert broken_links(path) == []


def test_the_readme_links_every_page_of_the_docs() -> None:
    readme = README.read_text(encoding="utf-8")
    missing = [p.name for p in sorted(DOCS.glob("*.md")) if f"(docs/{p.name})" not in readme]
    assert missing == []


def test_no_reference_to_the_projects_own_issues_in_the_product() -> None:
    found = [hit for path in product_text_files() for hit in own_issue_references(path)]
    assert found == []


def test_the_issue_pattern_finds_what_it_must_and_spares_third_parties() -> None:
    hits = [
        "## Gaps (issue 3): columns",
        "as issue 5 asks",
        "see #12 for the reason",
        "(issues 3 and 4)",
    ]
    spared = [
        "([calamine#693](https://github.com/tafia/calamine/issues/693))",
        "``except`` (calamine issue #693).",
        '"border_color": "#808080"',
        "xlwings issues #1420, #821",
        "Trusted Location #n",
        'number_format = "#,##0.00"',
    ]
    for line in hits:
        assert OWN_ISSUE.search(line) and not THIRD_PARTY.search(line), line
    for line in spared:
        assert not OWN_ISSUE.search(line) or THIRD_PARTY.search(line), line


def ribbon_buttons() -> list[str]:
    xml = (ROOT / "macros" / "customUI.xml").read_text(encoding="utf-8")
    return re.findall(r"<button\b[^>]*?\blabel=\"([^\"]*)\"", xml)


def test_the_officials_guide_has_a_section_per_button_in_the_ribbons_order() -> None:
    guide = (DOCS / "HuongDan.md").read_text(encoding="utf-8")
    headings = [re.sub(r"^\d+\.\s*", "", h) for h in re.findall(r"^## (.+)$", guide, re.M)]
    buttons = ribbon_buttons()
    assert len(buttons) == 8
    assert [h for h in headings if h in buttons] == buttons


def test_the_readme_buttons_table_names_every_button() -> None:
    readme = README.read_text(encoding="utf-8")
    missing = [b for b in ribbon_buttons() if f"| {b} |" not in readme]
    assert missing == []


def test_the_slug_is_githubs() -> None:
    assert (
        slug("Returned files: intake, `kehoach.collect.intake`")
        == "returned-files-intake-kehoachcollectintake"
    )
    assert slug("2. Các nút trên tab «Kế hoạch CCHC»") == "2-các-nút-trên-tab-kế-hoạch-cchc"
    assert slug("Tests, and what was not run") == "tests-and-what-was-not-run"
