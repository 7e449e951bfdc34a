"""A plan of other years and another number: nothing an official sees keeps the embedded plan's.

The embedded plan shifted by three years and renumbered (``shifted_plan``) goes through every verb
a round of work takes: build, check, gaps, extract, collect (returns filled as an agency would),
summary, mail (drafts), report. Then no cell of the master or of an agency file, no e-mail, no
report text, no CLI message and no file name may say 2022, 2023 or 365: the shifted document says
none of them, so each one left would come from the program.
"""

from __future__ import annotations

import email
import re
import subprocess
import zipfile
from collections.abc import Iterator
from datetime import datetime
from email import policy
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from docx_plans import write_plan_docx
from kehoach.cli import default_workbook
from kehoach.common.errors import PlanTextError, WorkbookError
from kehoach.common.planyears import PlanYears, workbook_name
from kehoach.plan.importer import DEFAULT_PLAN_FILE, default_plan_path, load_plan, parse_plan
from kehoach.plan.reader import read_plan
from kehoach.plan.timelines import plan_year
from kehoach.sheets import extract_layout as ex
from kehoach.sheets import layout
from kehoach.workbook.master import new_master
from mail_support import prepare_master
from returns_corpus import DONE, GOING, fill
from sample_plans import small_plan
from shifted_plan import OLD_MARKS, SHIFTED_NUMBER, shifted_plan_text, write_shifted_plan

ROOT = Path(__file__).resolve().parents[2]
OLD = re.compile("|".join(OLD_MARKS))
# Digests (signatures, hashes) are hexadecimal noise, not words: "…d365eb…" says nothing.
HEX = re.compile(r"[0-9a-f]{32,}")


def _old(text: str) -> list[str]:
    text = HEX.sub("", text)
    return [text[max(0, m.start() - 40) : m.end() + 20] for m in OLD.finditer(text)]


def workbook_texts(path: Path) -> Iterator[tuple[str, str]]:
    """(where, text) of every cell, data validation and chart title of the workbook."""
    wb = load_workbook(path)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is not None:
                    yield f"{path.name}!{ws.title}!{cell.coordinate}", str(cell.value)
        for dv in ws.data_validations.dataValidation:
            for text in (dv.errorTitle, dv.error, dv.promptTitle, dv.prompt):
                if text:
                    yield f"{path.name}!{ws.title}!validation", text
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("xl/charts/") or name in ("docProps/core.xml", "docProps/app.xml"):
                yield f"{path.name}!{name}", z.read(name).decode("utf-8", "replace")


@pytest.fixture(scope="module")
def shifted_round(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """Every verb once over the shifted plan; what they wrote and printed."""
    tmp = tmp_path_factory.mktemp("years")
    plan = write_shifted_plan(tmp)
    master = tmp / "KeHoachMoi.xlsm"
    out: list[str] = []

    def run(*args: str) -> int:
        done = subprocess.run(
            [str(ROOT / ".venv" / "bin" / "kehoach"), *args],
            capture_output=True,
            text=True,
            cwd=tmp,
            check=False,
        )
        out.append(done.stdout + done.stderr)
        return done.returncode

    assert run("build", "--plan", str(plan), "--out", str(master)) == 0
    run("check", str(master), "--write")
    assert run("gaps", str(master), "--write") == 0
    files = tmp / "GuiCoQuan"
    generated = "2026-04-01T09:30:00"
    assert run("extract", str(master), "--out", str(files), "--generated-at", generated) == 0
    returns = tmp / "TraLoi"
    returns.mkdir()
    snv = (files / "So-Noi-vu.xlsx").read_bytes()
    reported = {ex.REPORT_DATE_KEY: datetime(2026, 9, 30)}
    done = {**DONE, **reported, ex.EVIDENCE_KEY: "Số 12/QĐ-UBND ngày 05/6/2026"}
    (returns / "So-Noi-vu.xlsx").write_bytes(fill(snv, {4: done, 5: {**GOING, **reported}}))
    assert run("collect", str(master), "--from", str(returns)) == 0  # the file accepted
    assert run("summary", str(master), "--as-of", "2026-09-30", "--write") == 0
    eml = tmp / "ThuGui"
    prepare_master(master)
    assert run("mail", str(master), "--files", str(files), "--eml-dir", str(eml)) == 0
    report = tmp / "BaoCao.docx"
    assert run("report", str(master), "--as-of", "2026-09-30", "--out", str(report)) == 0
    return {"tmp": tmp, "master": master, "files": files, "eml": eml, "report": report, "out": out}


def test_the_shifted_plan_says_none_of_the_old_marks() -> None:
    text = shifted_plan_text((ROOT / "pylib/kehoach/data/ke-hoach-365-2023.txt").read_text())
    assert not OLD.search(text)
    assert "Điểm đạt được năm 2025" in text and "Mục tiêu năm 2026" in text


def test_years_number_and_date_come_from_the_document(tmp_path: Path) -> None:
    plan = load_plan(write_shifted_plan(tmp_path))
    assert (plan.base_year, plan.target_year) == (2025, 2026)
    assert (plan.number, plan.date, plan.province) == (SHIFTED_NUMBER, "2026-03-15", "Bắc Kạn")
    assert plan.issuer == "UBND tỉnh Bắc Kạn"


def test_the_shifted_plan_as_a_word_file_has_the_same_years_and_model(tmp_path: Path) -> None:
    """The years are read from the Word tables' header rows as from the text's."""
    text = shifted_plan_text(default_plan_path().read_text(encoding="utf-8"))
    word = load_plan(write_plan_docx(tmp_path / "ke-hoach-512.docx", text))
    plain = load_plan(write_shifted_plan(tmp_path))
    assert (word.base_year, word.target_year, word.number) == (2025, 2026, SHIFTED_NUMBER)
    assert [a.id for a in word.appendices] == [a.id for a in plain.appendices]
    for mine, theirs in zip(word.appendices, plain.appendices, strict=True):
        assert [c.code for c in mine.criteria] == [c.code for c in theirs.criteria]
        assert [c.score_base for c in mine.criteria] == [c.score_base for c in theirs.criteria]


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda t: t.replace("Mục tiêu năm 2026", "Mục tiêu"), "«Mục tiêu năm …»"),
        (
            lambda t: t.replace("Điểm đạt được năm 2025", "Điểm đạt được").replace(
                "Kết quả năm 2025", "Kết quả"
            ),
            "«Điểm đạt được năm …»",
        ),
        (lambda t: t.replace("Mục tiêu năm 2026", "Mục tiêu năm 2027", 1), "khác nhau"),
    ],
    ids=["no-target-year", "no-base-year", "two-target-years"],
)
def test_a_year_the_document_does_not_state_clearly_is_an_import_error(
    tmp_path: Path, change: object, words: str
) -> None:
    text = write_shifted_plan(tmp_path).read_text(encoding="utf-8")
    assert callable(change)
    with pytest.raises(PlanTextError) as err:
        parse_plan(change(text), source="ke-hoach.txt")
    message = str(err.value)
    assert words in message and "ke-hoach.txt" in message


def test_every_verb_on_a_master_knows_the_years(shifted_round: dict[str, object]) -> None:
    master = shifted_round["master"]
    assert isinstance(master, Path)
    plan = read_plan(master)
    assert (plan.base_year, plan.target_year, plan.number) == (2025, 2026, SHIFTED_NUMBER)
    wb = load_workbook(master)
    assert wb["PL2"]["F3"].value == "Điểm đạt được năm 2025"
    assert wb["PL2"]["G3"].value == "Mục tiêu năm 2026"
    assert "Kết quả năm 2026" in [c.value for c in wb["PL2"][3]]


def test_nothing_an_official_sees_says_the_old_years_or_number(
    shifted_round: dict[str, object],
) -> None:
    found: list[tuple[str, list[str]]] = []

    def look(where: str, text: str) -> None:
        if hits := _old(text):
            found.append((where, hits))

    master, files, eml, report, tmp = (
        shifted_round[k] for k in ("master", "files", "eml", "report", "tmp")
    )
    assert isinstance(master, Path) and isinstance(files, Path) and isinstance(eml, Path)
    assert isinstance(report, Path) and isinstance(tmp, Path)
    for where, text in workbook_texts(master):
        look(where, text)
    agency_files = sorted(files.glob("*.xlsx"))
    assert len(agency_files) > 20
    for path in agency_files:
        for where, text in workbook_texts(path):
            look(where, text)
    messages = sorted(eml.glob("*.eml"))
    assert messages
    for path in messages:
        msg = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        look(f"{path.name}: Subject", str(msg["Subject"]))
        for part in msg.walk():
            if part.get_content_maintype() == "text":
                look(f"{path.name}: body", part.get_content())
    doc = Document(str(report))
    look("report", "\n".join(p.text for p in doc.paragraphs))
    for table in doc.tables:
        for row in table.rows:
            look("report table", " | ".join(c.text for c in row.cells))
    for section in doc.sections:
        look("report header/footer", " ".join(p.text for p in section.header.paragraphs))
        look("report header/footer", " ".join(p.text for p in section.footer.paragraphs))
    outputs = shifted_round["out"]
    assert isinstance(outputs, list)
    for i, text in enumerate(outputs):
        look(f"CLI output {i}", text)
    for path in tmp.rglob("*"):
        look("file name", str(path.relative_to(tmp)))
    assert not found, "\n".join(f"{w}: {h}" for w, h in found[:60])


# --- the years of a master, the default name, the source -----------------------------------------


def _master_with_headers(tmp_path: Path, change: dict[str, tuple[str, str]]) -> Path:
    """A small plan's master (years 2022/2023) with header cells of PL2 changed."""
    wb = new_master(small_plan())
    for cell, (old, new) in change.items():
        assert wb["PL2"][cell].value == old
        wb["PL2"][cell].value = new
    path = tmp_path / "m.xlsx"
    wb.save(path)
    return path


def test_a_master_is_read_with_the_years_its_headers_show(tmp_path: Path) -> None:
    plan = read_plan(_master_with_headers(tmp_path, {}))
    assert (plan.base_year, plan.target_year) == (2022, 2023)
    path = _master_with_headers(
        tmp_path,
        {
            col: (f"{word} năm {old}", f"{word} năm {old + 8}")
            for col, word, old in (("F3", "Điểm đạt được", 2022), ("G3", "Mục tiêu", 2023))
        },
    )
    # Every appendix sheet has to agree: PL2 alone changed is a damaged master.
    with pytest.raises(WorkbookError) as err:
        read_plan(path)
    assert "Không xác định được năm của kế hoạch" in str(err.value)


def test_headers_of_any_years_match_their_template() -> None:
    result = next(c for c in layout.APPENDIX_COLUMNS["PL2"] if c.key == layout.RESULT_KEY)
    assert result.matches("Kết quả năm 2023") and result.matches("Kết quả năm 2026")
    assert not result.matches("Kết quả năm") and not result.matches("Kết quả năm 20233")
    assert result.text(PlanYears(2025, 2026)) == "Kết quả năm 2026"
    assert layout.variant_field("năm 2022") == "score_base"  # masters of before
    assert layout.variant_field("điểm đạt được") == "score_base"


def test_the_default_workbook_is_named_for_the_plans_target_year(tmp_path: Path) -> None:
    assert default_workbook().name == "KeHoach2023.xlsm"
    shifted = load_plan(write_shifted_plan(tmp_path))
    assert default_workbook(shifted).name == "KeHoach2026.xlsm"
    assert workbook_name(shifted.years) == "KeHoach2026.xlsm"


def test_an_undated_plan_takes_its_target_year_and_one_without_years_is_an_error() -> None:
    plan = small_plan()
    plan.date = ""
    assert plan_year(plan) == 2023
    plan.base_year = plan.target_year = 0
    with pytest.raises(ValueError):
        plan_year(plan)


def test_the_source_names_no_year_and_no_plan_number() -> None:
    """Years and the plan's number come from the document: only the embedded plan (its text
    and the name of its file) may say 2022, 2023 or 365."""
    found = []
    for folder in ("pylib", "templates", "macros"):
        for path in sorted((ROOT / folder).rglob("*")):
            parts = path.relative_to(ROOT).parts
            if not path.is_file() or path.suffix == ".pyc" or "egg-info" in str(path):
                continue
            if any(p.startswith(".") or p == "__pycache__" for p in parts):
                continue  # tools' caches (lint-imports), not our source
            if path.name == DEFAULT_PLAN_FILE:
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
            for n, line in enumerate(text.splitlines(), start=1):
                if OLD.search(line) and DEFAULT_PLAN_FILE not in line:
                    found.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()[:100]}")
    assert not found, "\n".join(found)
