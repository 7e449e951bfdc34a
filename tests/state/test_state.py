"""The master read once into a MasterState: both shells build the same state from one master,
its parts are parsed once and cannot be changed through it, its errors name sheet and cell, and
no feature's public function takes the sheets' raw values."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
import sys
import typing
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from collect_support import RECEIVED_AT, make_source, returned_master
from kehoach import xl
from kehoach.cli import main
from kehoach.common.errors import WorkbookError
from kehoach.common.planyears import PlanYears
from kehoach.sheets import extract_layout as ex
from kehoach.sheets import layout
from kehoach.sheets import mail_layout as ml
from kehoach.sheets import progress_layout as pl
from kehoach.state import master as state_module
from kehoach.state.master import MasterState, Setting, read_state, state_from_values
from kehoach.workbook.xlsm import save_xlsm
from mail_support import SENDER, make_folder, prepare_master
from xlharness import clear_mock_caller, remote_book

FEATURES = ("checks", "gaps", "summary", "extract", "collect", "mail", "report")


@pytest.fixture(scope="module")
def worked_master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A master that went through the work: extracted (key, «Tệp gửi cơ quan»), returns
    collected (TienDo, LichSu, ThuThap), drafts made (NhatKyGui), an unsaved-looking edit."""
    folder = tmp_path_factory.mktemp("state")
    r = returned_master(make_source(folder / "src"), folder)
    received = RECEIVED_AT.isoformat()
    code = main(["collect", str(r.master), "--from", str(r.returns), "--received-at", received])
    assert code == 1  # one tampered file rejected, the others merged
    prepare_master(r.master)
    files = make_folder(folder / "GuiCoQuan")
    assert main(["mail", str(r.master), "--files", str(files), "--eml-dir", str(folder)]) == 0
    return r.master


def test_cli_and_button_build_equal_states(worked_master: Path, xl_remote: Any) -> None:
    cli = read_state(worked_master, data_only=True)
    book = remote_book(worked_master)
    try:
        button = xl.book_state(book)
    finally:
        clear_mock_caller()
    ours, theirs = cli.parts(), button.parts()
    assert set(ours) == {
        "settings",
        "plan",
        "directory",
        "years",
        *state_module.REGISTER_FIRST_ROWS,
    }
    assert theirs == ours
    # what was compared holds the work: a real plan, the registers filled by each verb
    assert len(ours["plan"].iter_tasks()) > 100
    assert ours["directory"].by_code("SNV").name == "Sở Nội vụ"
    assert ours["years"] == PlanYears(2022, 2023)
    assert ours["settings"]["Địa chỉ email người gửi"].value == SENDER
    assert len(ours[pl.PROGRESS_SHEET]) >= 3 and len(ours[pl.HISTORY_SHEET]) >= 3
    assert len(ours[ex.MANIFEST_SHEET]) > 10 and len(ours[ml.LOG_SHEET]) == 3
    # and the features give the same answers on either state
    as_of = date(2023, 12, 20)
    from kehoach.summary.compute import summarize

    assert summarize(button, as_of).to_dict() == summarize(cli, as_of).to_dict()


def test_parts_are_parsed_once_and_tables_are_copies(master_xlsm: Path) -> None:
    state = read_state(master_xlsm, data_only=True)
    assert state.plan is state.plan and state.directory is state.directory
    tasks = state.table(layout.TASKS_SHEET)
    tasks.iloc[0, 0] = "đã sửa"
    again = state.table(layout.TASKS_SHEET)
    assert again.iloc[0, 0] != "đã sửa" and len(again) == len(tasks)
    assert [t.id for *_, t in state.plan.iter_tasks()][:3] == [str(v) for v in again["id"][:3]]


def test_state_cannot_be_changed(master_xlsm: Path) -> None:
    state = read_state(master_xlsm)
    with pytest.raises(AttributeError):
        state.file = "khác.xlsm"  # type: ignore[misc]
    with pytest.raises(TypeError):
        state.sheets["PL1"] = ()  # type: ignore[index]
    rows = state.sheets[layout.TASKS_SHEET]
    assert isinstance(rows, tuple) and all(isinstance(r, tuple) for r in rows)


def test_settings_registers_and_missing_sheets() -> None:
    state = state_from_values(
        {
            ml.SETTINGS_SHEET: [
                ["Cài đặt"],
                [],
                ["Tên", "Giá trị"],
                ["Cổng SMTP", 465],
                ["Trống", "  "],
                ["Cổng SMTP", 25],
            ],
            ml.LOG_SHEET: [["Nhật ký"], [], ["h"], [None, None], ["SNV", "a.xlsx"]],
        }
    )
    assert dict(state.settings) == {"Cổng SMTP": Setting(25, "B6")}  # the last row wins
    log = state.register(ml.LOG_SHEET)
    assert [(r.row, r.cells) for r in log] == [(5, ("SNV", "a.xlsx"))]
    assert state.register(pl.PROGRESS_SHEET) == ()


def test_a_damaged_part_names_its_sheet_and_cell_when_asked(master_xlsm: Path) -> None:
    wb = load_workbook(master_xlsm, keep_vba=True)
    wb[layout.DIRECTORY_SHEET].cell(layout.HEADER_ROW, 1).value = "Mã sai"
    save_xlsm(wb, master_xlsm)
    state = read_state(master_xlsm)
    assert len(state.table(layout.TASKS_SHEET)) > 100  # the rest is read
    with pytest.raises(WorkbookError) as err:
        _ = state.directory
    text = str(err.value)
    assert master_xlsm.name in text and layout.DIRECTORY_SHEET in text and "A" in text
    assert "Mã sai" in text


def test_read_state_of_a_missing_file_is_a_vietnamese_error(tmp_path: Path) -> None:
    with pytest.raises(WorkbookError, match="Không tìm thấy tệp workbook"):
        read_state(tmp_path / "khong-co.xlsm")


def _feature_functions() -> list[tuple[str, Any]]:
    out = []
    for package in FEATURES:
        pkg = importlib.import_module(f"kehoach.{package}")
        for info in pkgutil.iter_modules(pkg.__path__):
            module = importlib.import_module(f"kehoach.{package}.{info.name}")
            for name, obj in vars(module).items():
                if name.startswith("_") or getattr(obj, "__module__", None) != module.__name__:
                    continue
                if inspect.isfunction(obj):
                    out.append((f"{module.__name__}.{name}", obj))
                elif inspect.isclass(obj):
                    for attr, member in vars(obj).items():
                        func = getattr(member, "__func__", member)
                        if inspect.isfunction(func) and not attr.startswith("_"):
                            out.append((f"{module.__name__}.{name}.{attr}", func))
    return out


def _is_raw_values(annotation: Any) -> bool:
    """A mapping from sheet name to rows (``SheetValues``, ``dict[str, list[list[Any]]]``...)."""
    origin = typing.get_origin(annotation)
    if origin is typing.Union or str(origin) == "<class 'types.UnionType'>":
        return any(_is_raw_values(a) for a in typing.get_args(annotation))
    if origin is None or not isinstance(origin, type) or not issubclass(origin, Mapping):
        return False
    args = typing.get_args(annotation)
    return len(args) == 2 and args[0] is str and typing.get_origin(args[1]) is not None


def _hint(func: Any, param: inspect.Parameter) -> Any:
    """The parameter's annotation evaluated in its module (the text where it names a type
    imported only for the type checker)."""
    annotation = param.annotation
    if isinstance(annotation, str):
        try:
            return eval(annotation, vars(sys.modules[func.__module__]))
        except NameError:
            return annotation
    return annotation


_RAW_TEXT = re.compile(r"SheetValues|(Mapping|dict)\[str, *(list|Sequence|tuple)\[")


def test_no_feature_receives_raw_values() -> None:
    functions = _feature_functions()
    assert len(functions) > 100
    raw = []
    takes_state = []
    for name, func in functions:
        for param in inspect.signature(func).parameters.values():
            hint = _hint(func, param)
            if _RAW_TEXT.search(hint) if isinstance(hint, str) else _is_raw_values(hint):
                raw.append(f"{name}({param.name})")
            if hint is MasterState:
                takes_state.append(name)
    assert raw == []
    entries = {
        "kehoach.checks.run.check_workbook",
        "kehoach.gaps.compute.compute_gaps",
        "kehoach.summary.compute.summarize",
        "kehoach.extract.files.extract_inputs",
        "kehoach.collect.run.collect_folder",
        "kehoach.mail.run.plan_mail",
        "kehoach.mail.run.finish",
        "kehoach.report.data.report_data",
    }
    assert entries <= set(takes_state)


def test_the_check_sees_a_function_that_takes_raw_values() -> None:
    from kehoach.sheets.sheetdata import SheetValues

    def feature(values: Mapping[str, SheetValues]) -> None: ...

    def other(values: dict[str, list[list[Any]]] | None) -> None: ...

    for func in (feature, other):
        param = inspect.signature(func).parameters["values"]
        assert _is_raw_values(_hint(func, param.replace(annotation=eval(param.annotation))))
    assert _RAW_TEXT.search("Mapping[str, SheetValues]")
    assert not _is_raw_values(Mapping[str, str]) and not _is_raw_values(MasterState)
