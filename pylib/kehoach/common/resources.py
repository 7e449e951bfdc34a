"""Where the package's own files are: the VBA and ribbon (``macros/``), the templates
(``templates/``) and the embedded plan (``data/``).

The project keeps ``macros/`` and ``templates/`` at the top of the checkout, their one
source. Building a wheel copies them into the package (``kehoach/macros``,
``kehoach/templates``: see ``setup.py``), so an installed kehoach finds them through
``importlib.resources``; run from a checkout (``pip install -e .``, or Excel's PYTHONPATH
pointing at ``pylib/``) the package has no copy and the checkout's folders are used.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import kehoach
from kehoach.common.errors import BuildError, KeHoachError, os_error_text

MACROS = "macros"
TEMPLATES = "templates"


def checkout_root() -> Path | None:
    """The source checkout this package runs from, or None when it is installed from a wheel.

    A checkout holds ``pylib/kehoach`` (this package) beside ``macros/`` and ``pyproject.toml``.
    """
    here = Path(kehoach.__file__).resolve().parent
    root = here.parents[1]
    if (
        here.parent.name == "pylib"
        and (root / MACROS).is_dir()
        and (root / "pyproject.toml").is_file()
    ):
        return root
    return None


def resource_dir(name: str) -> Path:
    """The folder ``name`` (``macros`` or ``templates``): the package's copy when installed,
    else the checkout's. KeHoachError when neither exists (a damaged installation)."""
    packaged = resources.files("kehoach") / name
    if isinstance(packaged, Path) and packaged.is_dir():
        return packaged
    root = checkout_root()
    if root is not None:
        return root / name
    raise KeHoachError(
        f"Bản cài kehoach thiếu thư mục «{name}»: hãy cài lại kehoach "
        "(pip install --force-reinstall kehoach).",
        file=str(packaged),
    )


def macros_dir() -> Path:
    """The VBA modules and the ribbon XML the workbook is built from."""
    return resource_dir(MACROS)


def templates_dir() -> Path:
    """The cover text, the rules and directory seeds and the e-mail templates."""
    return resource_dir(TEMPLATES)


def read_template_text(path: Path, what: str, *, encoding: str = "utf-8") -> str:
    """The text of the template file ``path`` (``what`` it is, in Vietnamese: "bảng quy tắc").
    BuildError naming the file and saying why when it cannot be read."""
    try:
        return path.read_text(encoding=encoding)
    except OSError as exc:
        raise BuildError(f"Không đọc được {what}: {os_error_text(exc)}.", file=path) from exc
