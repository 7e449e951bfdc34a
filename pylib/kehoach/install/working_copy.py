"""The officials' working copy of the master workbook, in a folder they choose, outside the
code: ``kehoach new-copy FOLDER`` (the Windows installer runs it too).

The copy is built from the installed package (the embedded plan, ``macros/``, ``templates/``)
and told, in its own sheet ``xlwings.conf``, which Python runs its buttons. A copy that is
already there is never replaced: it holds the officials' data. Built by Python, the file has
no Mark of the Web, so Excel does not block its macros as it blocks a file from the Internet.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import kehoach
from kehoach.common.errors import KeHoachError, missing_folder_text
from kehoach.common.planyears import workbook_name
from kehoach.common.resources import checkout_root, macros_dir, templates_dir
from kehoach.install.excel_setup import ConfigChange, configure_workbook, workbook_settings


def create_working_copy(
    folder: Path,
    *,
    name: str | None = None,
    executable: str | None = None,
    env: Mapping[str, str] | None = None,
    platform: str | None = None,
) -> tuple[Path, list[ConfigChange]]:
    """Build ``folder/name`` (default: "KeHoach<target year>.xlsm" of the embedded plan) from
    the package and write its ``xlwings.conf`` sheet; returns
    the path and the settings written. KeHoachError when the file exists, when ``folder`` is a
    file, or when it lies inside the source checkout (a ``git pull`` would meet the data)."""
    from kehoach.plan.importer import load_default_plan
    from kehoach.workbook.xlsm import build_master

    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise KeHoachError(missing_folder_text(folder), file=folder)
    root = checkout_root()
    if root is not None and folder.resolve().is_relative_to(root):
        raise KeHoachError(
            "Thư mục này nằm trong thư mục mã nguồn của kehoach: chọn một thư mục khác "
            "(ví dụ C:\\KeHoach) để dữ liệu không lẫn với mã.",
            file=folder,
        )
    plan = load_default_plan()
    target = folder / (name or workbook_name(plan.years))
    if target.exists():
        raise KeHoachError(
            "Đã có sổ làm việc ở đây: giữ nguyên (nó chứa dữ liệu của cán bộ). "
            "Muốn cập nhật cấu hình Python cho nó: kehoach setup-excel TỆP.xlsm.",
            file=target,
        )
    folder.mkdir(parents=True, exist_ok=True)
    pylib = None if _installed() else Path(kehoach.__file__).resolve().parents[1]
    settings = workbook_settings(executable=executable, pylib=pylib, env=env, platform=platform)
    build_master(target, plan, macros_dir(), templates_dir())
    return target, configure_workbook(target, settings)


def _installed() -> bool:
    """Whether kehoach is installed (a wheel), not run from a checkout's pylib/."""
    return checkout_root() is None
