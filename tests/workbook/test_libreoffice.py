"""LibreOffice, a second independent reader, opens the built workbook and finds our VBA in it."""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest

from lo_support import SOFFICE, soffice_convert
from xlsm_support import OUR_MODULES, build_sample, comparable_vba

SCRIPT_NS = "http://openoffice.org/2000/script"

pytestmark = [
    pytest.mark.libreoffice,
    pytest.mark.skipif(
        SOFFICE is None,
        reason="LibreOffice (soffice) is not installed: run `bash scripts/setup.sh`",
    ),
]


def convert_to_ods(src: Path, outdir: Path, profile: Path) -> Path:
    """The .ods LibreOffice saves of ``src``."""
    (out,) = soffice_convert([src], "ods", outdir, profile)
    return out


@pytest.fixture(scope="module")
def ods(tmp_path_factory: pytest.TempPathFactory) -> Path:
    built = build_sample(tmp_path_factory.mktemp("lo-src"))
    return convert_to_ods(
        built, tmp_path_factory.mktemp("lo-out"), tmp_path_factory.mktemp("lo-profile")
    )


def test_libreoffice_keeps_every_module_of_macros_with_its_source(ods: Path) -> None:
    with zipfile.ZipFile(ods) as z:
        names = set(z.namelist())
        for name, src in OUR_MODULES.items():
            part = f"Basic/VBAProject/{name}.xml"
            assert part in names, f"LibreOffice found no module {name}"
            module = ElementTree.fromstring(z.read(part))
            assert module.get(f"{{{SCRIPT_NS}}}name") == name
            kind = "class" if src.is_class else "normal"
            assert module.get(f"{{{SCRIPT_NS}}}moduleType") == kind, name
            assert comparable_vba(module.text or "") == comparable_vba(src.source), name


def test_libreoffice_reads_the_sheets(ods: Path) -> None:
    with zipfile.ZipFile(ods) as z:
        content = z.read("content.xml").decode("utf-8")
    assert 'table:name="Giới thiệu"' in content
    assert 'table:name="PL1"' in content
    assert "Kế hoạch 365/KH-UBND" in content


def test_libreoffice_opens_the_committed_workbook(tmp_path: Path) -> None:
    """The real artifact, not only the stand-in: its plan sheets and our modules are there."""
    from kehoach.sheets import layout
    from xlsm_support import COMMITTED_WORKBOOK

    if not COMMITTED_WORKBOOK.is_file():
        pytest.skip("no workbook/KeHoach2023.xlsm yet: run `kehoach build`")
    ods = convert_to_ods(COMMITTED_WORKBOOK, tmp_path / "out", tmp_path / "profile")
    with zipfile.ZipFile(ods) as z:
        content = z.read("content.xml").decode("utf-8")
        names = set(z.namelist())
    for sheet in [layout.COVER_SHEET, *layout.expected_sheets()]:
        assert f'table:name="{sheet}"' in content, sheet
    assert {f"Basic/VBAProject/{name}.xml" for name in OUR_MODULES} <= names
