"""The workbook's code: macros/ as olevba and pyOpenVBA's interpreter see it in the built file,
the ribbon's callbacks, and the RunPython commands they hand to Python."""

from __future__ import annotations

import importlib.metadata
import importlib.util
import re
import warnings
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from openpyxl import load_workbook
from openpyxl.workbook.defined_name import DefinedName
from pyopenvba import ExcelFile
from pyopenvba.apps.excel import ExcelApplication

from kehoach.sheets import progress_layout as pl
from kehoach.workbook.xlsm import CUSTOMUI_NS, ribbon_buttons, ribbon_xml, save_xlsm, vba_modules
from xlsm_support import (
    MACROS,
    OUR_MODULES,
    build_sample,
    comparable_vba,
    copy_to,
    resolve_python_command,
    stand_in_fill,
)

with warnings.catch_warnings():
    # oletools 0.60.2 uses pyparsing's old names; not ours to fix.
    warnings.simplefilter("ignore", DeprecationWarning)
    from oletools.olevba import VBA_Parser

RIBBON_SOURCE = (MACROS / "customUI.xml").read_bytes()
NS = {"ui": CUSTOMUI_NS}
RIBBON_SIGNATURE = re.compile(
    r"^\s*(?:Public\s+)?Sub\s+(\w+)\s*\(\s*control\s+As\s+IRibbonControl\s*\)\s*$",
    re.IGNORECASE | re.MULTILINE,
)


LAST_FOLDER = "C:\\Bao cao\\Quy 3"
CHOSEN_FOLDER = 'D:\\Tra loi "moi"'  # a quote: no VBA or Python string literal holds it


def _fill_with_folder_cell(wb: Any) -> None:
    """The stand-in sheets plus the cell the collect button keeps its folder in."""
    stand_in_fill(wb)
    ws = wb.create_sheet(pl.INTAKE_SHEET)
    ws[pl.FOLDER_CELL] = LAST_FOLDER
    ref = f"'{pl.INTAKE_SHEET}'!${pl.FOLDER_CELL[0]}${pl.FOLDER_CELL[1:]}"
    wb.defined_names[pl.FOLDER_NAME] = DefinedName(pl.FOLDER_NAME, attr_text=ref)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_sample(tmp_path_factory.mktemp("vba"), _fill_with_folder_cell)


def _buttons() -> list[ElementTree.Element]:
    return ElementTree.fromstring(RIBBON_SOURCE).findall(".//ui:button", NS)


def _ribbon_subs() -> dict[str, str]:
    """onAction sub name -> the module of macros/ that defines it with the ribbon signature."""
    found: dict[str, str] = {}
    for name, src in OUR_MODULES.items():
        for match in RIBBON_SIGNATURE.finditer(src.source):
            found[match.group(1)] = name
    return found


# --- olevba: an independent reader of the VBA project ------------------------------


def test_olevba_finds_every_module_of_macros_with_its_source(built: Path) -> None:
    parser = VBA_Parser(str(built))
    try:
        found = {
            Path(vba_filename).stem: code for _, _, vba_filename, code in parser.extract_macros()
        }
    finally:
        parser.close()
    assert set(OUR_MODULES) <= set(found), f"missing: {set(OUR_MODULES) - set(found)}"
    for name, src in OUR_MODULES.items():
        assert comparable_vba(found[name]) == comparable_vba(src.source), name


def test_project_holds_our_modules_and_the_document_modules_only(built: Path) -> None:
    assert sorted(vba_modules(built)) == sorted([*OUR_MODULES, "ThisWorkbook", "Sheet1"])


def test_class_modules_are_class_modules(built: Path) -> None:
    from pyopenvba.vba import VBAModuleKind

    with ExcelFile(built) as book:
        kinds = {m.name: m.kind for m in book.vba_project().modules}
    for name, src in OUR_MODULES.items():
        expected = VBAModuleKind.other if src.is_class else VBAModuleKind.standard
        assert kinds[name] is expected, name


def test_project_references_the_office_library_for_iribboncontrol(built: Path) -> None:
    """``control As IRibbonControl`` compiles in Excel only with the Office type library."""
    with ExcelFile(built) as book:
        libids = {r.name: r.libid for r in book.references()}
    assert "{2DF8D04C-5BFA-101B-BDE5-00AA0044DE52}" in libids.get("Office", "")


# --- the ribbon ---------------------------------------------------------------------


def test_ribbon_is_well_formed_2006_customui() -> None:
    root = ElementTree.fromstring(RIBBON_SOURCE)
    assert root.tag == f"{{{CUSTOMUI_NS}}}customUI"
    tab = root.find("ui:ribbon/ui:tabs/ui:tab", NS)
    assert tab is not None and tab.get("label") == "Kế hoạch CCHC"


def test_every_button_is_complete_and_has_a_unique_id() -> None:
    ids = [b.get("id") for b in _buttons()]
    assert len(ids) == len(set(ids)) >= 1
    for b in _buttons():
        for attr in ("id", "label", "supertip", "tag", "onAction", "imageMso"):
            assert b.get(attr), f"button {b.get('id')} lacks {attr}"


def test_every_onaction_names_a_ribbon_sub_of_macros() -> None:
    subs = _ribbon_subs()
    for b in _buttons():
        assert b.get("onAction") in subs, (
            f"onAction={b.get('onAction')!r}: no 'Sub {b.get('onAction')}"
            "(control As IRibbonControl)' in macros/*.bas"
        )


def test_check_setup_button_is_there() -> None:
    labels = {b.label: b for b in ribbon_buttons(RIBBON_SOURCE)}
    button = labels["Kiểm tra cài đặt"]
    assert button.on_action == "KiemTraCaiDat"
    for word in ("Python", "xlwings", "kehoach", "đường dẫn", "trang tính"):
        assert word in button.supertip


# Control ids of Excel's own commands (the "Control Name" column of Microsoft's published
# list for Excel, "Office Fluent User Interface Control Identifiers", excelcontrols.xlsx in
# github.com/OfficeDev/office-fluent-ui-command-identifiers), with the tab and group where
# Excel shows each. An imageMso must be one of these: an id Excel does not know (ChartStacked)
# shows no icon, and ids of other Office applications (Access's ImportExcel, Word's
# ReviewCompareMenu) are not promised in Excel. Add an id here only from that list. The
# spreadsheet itself could not be opened where these were chosen: check them in it once.
EXCEL_CONTROL_IDS = {
    "CalculateNow": "Formulas > Calculation",
    "DataValidation": "Data > Data Tools",
    "FilePrintPreview": "File > Print > Print Preview",
    "FileSaveAsExcelXlsx": "File > Save As > Excel Workbook",
    "FileSendAsAttachment": "File > Share > Email > Send as Attachment",
    "GetExternalDataFromText": "Data > Get External Data > From Text",
    "MacroSecurity": "Developer > Code > Macro Security",
    "PivotTableInsert": "Insert > Tables > PivotTable",
}


def test_every_icon_is_an_excel_control_id() -> None:
    unknown = [
        (b.get("id"), b.get("imageMso"))
        for b in _buttons()
        if b.get("imageMso") not in EXCEL_CONTROL_IDS
    ]
    assert unknown == []


def test_groups_follow_the_order_of_the_work() -> None:
    tab = ElementTree.fromstring(RIBBON_SOURCE).find("ui:ribbon/ui:tabs/ui:tab", NS)
    assert tab is not None
    groups = [
        (g.get("label"), [b.get("label") for b in g.findall("ui:button", NS)])
        for g in tab.findall("ui:group", NS)
    ]
    order = [label for _, labels in groups for label in labels]
    work = ["Tạo file cho cơ quan", "Tạo thư nháp", "Thu thập báo cáo", "Tổng hợp tiến độ"]
    assert [order.index(label) for label in work] == sorted(order.index(label) for label in work)
    assert groups[-1] == ("Cài đặt", ["Kiểm tra cài đặt"])  # used once per PC: last


def test_the_mail_button_says_it_makes_drafts() -> None:
    (button,) = [b for b in _buttons() if b.get("onAction") == "GuiEmail"]
    assert "nháp" in (button.get("label") or "")
    assert (button.get("supertip") or "").startswith("Không gửi đi")


def test_built_workbook_carries_the_ribbon_unchanged(built: Path) -> None:
    assert ribbon_xml(built) == RIBBON_SOURCE


# --- the ribbon subs, run headless ----------------------------------------------------

# Replaces xlwings' own module in the copy under test: the interpreter cannot run xlwings.bas
# (NOTES), and what matters is the command handed over and the status bar at that moment.
STUB_XLWINGS = """Attribute VB_Name = "xlwings"
Public Function RunPython(PythonCommand As String)
    Worksheets(1).Range("A1").Value = PythonCommand
    Worksheets(1).Range("A2").Value = Application.StatusBar
End Function
"""
# Replaces the dialogs module: pyOpenVBA's interpreter has no Application.FileDialog. Records
# the folder the dialog would open on, answers with the folder in Worksheets(1)!B1 ("" cancels).
STUB_DIALOGS = """Attribute VB_Name = "HopThoai"
Public Function ChonThuMuc(ByVal initialFolder As String) As String
    Worksheets(1).Range("A3").Value = initialFolder
    ChonThuMuc = CStr(Worksheets(1).Range("B1").Value)
End Function
"""
FAKE_CONTROL = """Public Id As String
Public Tag As String
"""
CLICK = """Sub ClickButton(ByVal subName As String, ByVal buttonId As String, ByVal tg As String)
    Dim control As New FakeRibbonControl
    control.Id = buttonId
    control.Tag = tg
    Application.Run subName, control
End Sub
"""


def _click(workbook: Path, button: ElementTree.Element) -> tuple[str, str, object]:
    """Run the button's sub as Excel would; the command, the status text and the final status."""
    app = ExcelApplication.open(workbook)
    app.add_module(FAKE_CONTROL, name="FakeRibbonControl", kind="class")
    app.add_module(CLICK, name="TestClick")
    app.run("ClickButton", button.get("onAction"), button.get("id"), button.get("tag"))
    sheet = app.sheet(1)
    return str(sheet.value("A1")), str(sheet.value("A2")), app.evaluate("Application.StatusBar")


@pytest.fixture(scope="module")
def stubbed(built: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the built workbook whose xlwings module records instead of running Python."""
    copy = copy_to(built, tmp_path_factory.mktemp("stubbed"))
    with ExcelFile(copy) as book:
        book.set_module("xlwings", STUB_XLWINGS)
        book.set_module("HopThoai", STUB_DIALOGS)
        book.save(copy)
    wb = load_workbook(copy, keep_vba=True)
    wb.worksheets[0]["B1"] = CHOSEN_FOLDER  # what the stubbed dialog answers
    save_xlsm(wb, copy, backup_dir=copy.parent / "backup")
    return copy


@pytest.mark.parametrize("button_id", [b.get("id") for b in _buttons()])
def test_ribbon_sub_hands_a_resolvable_command_to_runpython(stubbed: Path, button_id: str) -> None:
    (button,) = [b for b in _buttons() if b.get("id") == button_id]
    command, status_during, status_after = _click(stubbed, button)
    assert command.startswith("import xlwings as xw, kehoach.xl as k; "), command
    func = resolve_python_command(command)
    assert func.__module__ == "kehoach.xl"
    assert status_during == button.get("tag"), "the button's tag shows while Python runs"
    assert status_after is False, "the status bar goes back to Excel's own"


def test_check_setup_button_calls_kehoach_xl_check_setup(stubbed: Path) -> None:
    (button,) = [b for b in _buttons() if b.get("onAction") == "KiemTraCaiDat"]
    command, _, _ = _click(stubbed, button)
    assert command == "import xlwings as xw, kehoach.xl as k; k.check_setup(xw.Book.caller())"
    assert resolve_python_command(command).__name__ == "check_setup"


def test_collect_button_opens_the_last_folder_and_keeps_the_chosen_one(stubbed: Path) -> None:
    (button,) = [b for b in _buttons() if b.get("onAction") == "ThuThapBaoCao"]
    app = ExcelApplication.open(stubbed)
    app.add_module(FAKE_CONTROL, name="FakeRibbonControl", kind="class")
    app.add_module(CLICK, name="TestClick")
    app.run("ClickButton", "ThuThapBaoCao", button.get("id"), button.get("tag"))
    first = app.sheet(1)
    assert first.value("A3") == LAST_FOLDER, "the dialog opens on the last folder"
    assert app.sheet(pl.INTAKE_SHEET).value(pl.FOLDER_CELL) == CHOSEN_FOLDER
    command = str(first.value("A1"))
    assert command == "import xlwings as xw, kehoach.xl as k; k.collect_returns(xw.Book.caller())"
    assert resolve_python_command(command).__name__ == "collect_returns"


def test_collect_button_cancelled_runs_nothing_and_keeps_the_folder(stubbed: Path) -> None:
    app = ExcelApplication.open(stubbed)
    app.sheet(1).set_value("B1", "")  # the dialog is cancelled
    app.add_module(FAKE_CONTROL, name="FakeRibbonControl", kind="class")
    app.add_module(CLICK, name="TestClick")
    app.run("ClickButton", "ThuThapBaoCao", "btnThuThapBaoCao", "tag")
    assert not str(app.sheet(1).value("A1")).startswith("import"), "RunPython not called"
    assert app.sheet(pl.INTAKE_SHEET).value(pl.FOLDER_CELL) == LAST_FOLDER


def test_every_runpython_literal_in_macros_resolves() -> None:
    """Static twin of the headless run: every command literal in our modules resolves."""
    commands = [
        m.group(1)
        for src in OUR_MODULES.values()
        if not src.path.is_relative_to(MACROS / "vendor")
        for m in re.finditer(r'"(import [^"]+)"', src.source)
    ]
    assert commands
    for command in commands:
        resolve_python_command(command)


# --- macros/ itself ---------------------------------------------------------------------


def test_our_modules_are_ascii_and_named_like_their_file() -> None:
    for name, src in OUR_MODULES.items():
        src.path.read_bytes().decode("ascii")
        assert src.path.stem == name


def test_vendored_xlwings_vba_matches_the_installed_xlwings() -> None:
    """The VBA loads xlwings<arch>-<version>.dll of the Python package: versions must match."""
    installed = importlib.metadata.version("xlwings")
    (vendor,) = (MACROS / "vendor").glob("xlwings-*")
    vendored = vendor.name.removeprefix("xlwings-")
    refresh = (
        f"macros/vendor/{vendor.name} holds xlwings {vendored}'s VBA, xlwings {installed} is "
        f"installed: refresh the folder as its README says, then run `kehoach build`"
    )
    assert vendored == installed, refresh
    spec = importlib.util.find_spec("xlwings")
    assert spec is not None and spec.submodule_search_locations
    package = Path(next(iter(spec.submodule_search_locations)))
    for ours, theirs in (
        ("xlwings.bas", "xlwings.bas"),
        ("Dictionary.cls", "addin/Dictionary.cls"),
    ):
        assert (vendor / ours).read_bytes() == (package / theirs).read_bytes(), refresh
    assert f'XLWINGS_VERSION As String = "{vendored}"' in (vendor / "xlwings.bas").read_text()
