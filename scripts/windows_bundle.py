"""Stage and zip the offline Windows bundle (called by scripts/build-windows-bundle.sh).

Layout of ``KeHoach-<version>-windows.zip`` (one top folder of the same name):

    CaiDat.cmd            double-click launcher (ASCII) of CaiDat.ps1
    CaiDat.ps1            the installer, in Vietnamese (UTF-8 with BOM: Windows PowerShell 5.1
                          reads a .ps1 without BOM in the ANSI code page)
    HUONG-DAN-IT.md       docs/CaiDat-IT.md
    wheels/               kehoach's wheel and every dependency's, win_amd64, per CPython version
    mau/KeHoach2023.xlsm  the workbook as built from these sources (for reference; the
                          installer builds the officials' copy with ``kehoach new-copy``)
    python/               optional: a python.org installer the script runs when no Python exists
    SHA256SUMS.txt        a checksum line per file

The zip is reproducible: entries sorted, dated 1980-01-01, fixed permissions, deflated.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import sys
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SCRIPTS = ("CaiDat.ps1", "CaiDat.cmd")
GUIDE = ROOT / "docs" / "CaiDat-IT.md"
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def stage(target: Path, wheels: Path, workbook: Path, python_installer: Path | None = None) -> Path:
    """Copy the bundle's files into ``target`` (emptied first); returns ``target``."""
    if target.exists():
        shutil.rmtree(target)
    (target / "wheels").mkdir(parents=True)
    for name in SCRIPTS:
        shutil.copyfile(HERE / "windows" / name, target / name)
    shutil.copyfile(GUIDE, target / "HUONG-DAN-IT.md")
    for wheel in sorted(wheels.glob("*.whl")):
        shutil.copyfile(wheel, target / "wheels" / wheel.name)
    (target / "mau").mkdir()
    shutil.copyfile(workbook, target / "mau" / workbook.name)
    if python_installer is not None:
        (target / "python").mkdir()
        shutil.copyfile(python_installer, target / "python" / python_installer.name)
    sums = [
        f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.relative_to(target).as_posix()}"
        for p in sorted(target.rglob("*"))
        if p.is_file()
    ]
    (target / "SHA256SUMS.txt").write_text("\n".join(sums) + "\n", encoding="utf-8")
    return target


def write_zip(folder: Path, out: Path) -> Path:
    """``folder`` as a reproducible zip at ``out`` (paths under ``folder``'s own name)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for path in files:
            name = f"{folder.name}/{path.relative_to(folder).as_posix()}"
            info = zipfile.ZipInfo(name, ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 0  # the same on every build machine
            z.writestr(info, path.read_bytes())
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheels", type=Path, required=True)
    parser.add_argument("--workbook", type=Path, required=True)
    parser.add_argument("--name", required=True, help="KeHoach-<version>-windows")
    parser.add_argument("--out", type=Path, default=ROOT / "dist")
    parser.add_argument("--python-installer", type=Path)
    parser.add_argument("--stage", type=Path, help="staging folder (default: beside the zip)")
    args = parser.parse_args(argv)
    folder = stage(
        (args.stage or args.out / "stage") / args.name,
        args.wheels,
        args.workbook,
        args.python_installer,
    )
    out = write_zip(folder, args.out / f"{args.name}.zip")
    sys.stdout.write(f"{out}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
