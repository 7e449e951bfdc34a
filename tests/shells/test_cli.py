"""The `kehoach` command line: verbs, JSON shapes, Vietnamese errors, no write on bad input."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from kehoach.cli import build_parser, default_workbook, main, project_root

ROOT = project_root()


def verbs() -> list[str]:
    parser = build_parser()
    for action in parser._actions:
        if action.dest == "command":
            return sorted(action.choices)  # type: ignore[arg-type]
    raise AssertionError("no sub-commands")


def test_every_verb_is_documented_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [v for v in verbs() if f"`kehoach {v}" not in readme]
    assert missing == []


def test_readme_starts_with_the_two_commands_and_ci_runs_the_test_one() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first_block = re.search(r"```sh\n(.*?)```", readme, re.S)
    assert first_block is not None
    lines = [ln.split("#")[0].strip() for ln in first_block.group(1).splitlines()]
    assert lines[:2] == ["bash scripts/main.sh", "bash scripts/test.sh"]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "bash scripts/test.sh" in ci


def test_export_json_has_the_documented_shape(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", str(default_workbook()), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["plan"]["number"] == "365/KH-UBND"
    assert data["plan"]["date"] == "2023-06-08"
    assert [a["id"] for a in data["appendices"]] == ["PL1", "PL2", "PL3", "PL4"]
    pl2 = data["appendices"][1]
    crit = next(c for s in pl2["sections"] for c in s["criteria"] if c["id"] == "PL2-TC-1.2")
    assert crit["code"] == "TC 1.2"
    assert crit["max"] == 0.5
    assert crit["score_base"] == 0.0
    assert crit["survey"] is False
    assert crit["target"] is None
    assert crit["target_text"].startswith("Đảm bảo đủ số lượng")
    task = crit["tasks"][0]
    assert task["id"] == "PL2-TC-1.2/1"
    assert set(task) >= {"id", "text", "lead", "coordinating", "timeline", "inherited", "misplaced"}
    pl4 = data["appendices"][3]
    assert pl4["total"] == {"max": 80.0, "score_base": 42.41, "target": 58.57}
    assert pl4["sections"][0]["max"] == 10.0


def test_import_prints_the_same_model_as_export(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import"]) == 0
    imported = json.loads(capsys.readouterr().out)
    assert main(["export", str(default_workbook()), "--json"]) == 0
    exported = json.loads(capsys.readouterr().out)
    assert exported == imported


def test_build_from_a_bad_plan_names_the_line_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from kehoach.plan.importer import default_plan_path

    text = default_plan_path().read_text(encoding="utf-8").splitlines()
    lineno = next(i for i, ln in enumerate(text, 1) if ln.startswith("2\tTC 1.5."))
    text[lineno - 1] = text[lineno - 1].replace("2,0000", "2,00,00")
    bad = tmp_path / "ke-hoach-hong.txt"
    bad.write_text("\n".join(text) + "\n", encoding="utf-8")
    out = tmp_path / "KeHoach.xlsm"

    assert main(["build", "--plan", str(bad), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"dòng {lineno}" in err
    assert "2,00,00" in err
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [bad]


def test_build_does_not_touch_an_existing_workbook_on_bad_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "KeHoach.xlsm"
    shutil.copy(default_workbook(), out)
    before = out.read_bytes()
    bad = tmp_path / "latin1.txt"
    bad.write_bytes("Kế hoạch".encode("cp1258", errors="replace") + b"\xff\xfe")
    assert main(["build", "--plan", str(bad), "--out", str(out)]) == 2
    assert "UTF-8" in capsys.readouterr().err
    assert out.read_bytes() == before


def test_export_of_a_missing_file_is_a_clear_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "khong-co.xlsm"
    assert main(["export", str(missing)]) == 2
    err = capsys.readouterr().err
    assert str(missing) in err


def test_setup_excel_writes_the_xlwings_config(tmp_path: Path) -> None:
    conf = tmp_path / "xlwings.conf"
    assert main(["setup-excel", "--conf", str(conf), "--pylib", str(ROOT / "pylib")]) == 0
    text = conf.read_text(encoding="utf-8")
    assert str(ROOT / "pylib") in text
    assert "PYTHONPATH" in text
