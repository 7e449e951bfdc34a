"""Writing a file in one step: a temporary file beside it, renamed over it when complete."""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# The folder beside a workbook where each save keeps a copy of the file it replaces.
BACKUP_DIR = "backup"


def backup_name(path: Path) -> re.Pattern[str]:
    """The names of ``path``'s backups in ``BACKUP_DIR``:
    ``<stem>-<YYYYmmdd-HHMMSS>[-n]<suffix>``, the stamp and the number as groups 1 and 2."""
    return re.compile(
        re.escape(path.stem) + r"-(\d{8}-\d{6})(?:-(\d+))?" + re.escape(path.suffix) + "$"
    )


def temp_prefix(path: Path) -> str:
    """The start of the name of a temporary file this process writes for ``path``: hidden,
    with ``path``'s stem and the process number (``kehoach.workbook.leftovers`` tells from it
    whether
    the writer of a file left behind still runs)."""
    return f".{path.stem}-{os.getpid()}-"


@contextmanager
def replaced_on_success(path: Path, suffix: str = ".tmp") -> Iterator[Path]:
    """A temporary file beside ``path`` for the block to write; renamed over ``path`` when
    the block ends without an error, removed otherwise, so ``path`` is whole or untouched.
    Its permissions are a new file's (mkstemp's 0600 would hide it from colleagues).
    OSError as the file system raises it."""
    fd, name = tempfile.mkstemp(prefix=temp_prefix(path), suffix=suffix, dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
