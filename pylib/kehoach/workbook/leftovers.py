"""What an interrupted run leaves beside the master, found and cleared by the next run.

A save writes the whole master to a hidden temporary file beside it, then renames it over the
master (``kehoach.workbook.xlsm``); a collection writes its history workbook, then the master that
names
it in LichSu (``kehoach.collect.history_file``). A run killed in between (power cut, closed window,
Task
Manager) leaves:

- a hidden ``.<stem>-<pid>-<random>.tmp.xlsm`` as large as the master (or a
  ``.<name>-<pid>-<random>.tmp.xlsx`` in the history folder), removed by the next writing run
  when it is stale (see :func:`is_stale`);
- a ``LichSu_*.xlsx`` that LichSu does not name: it holds changes the master never received.
  It is reported, never removed: it is the only record of what that run read, and a
  collection running at the same moment may be about to name it.

Two runs at once on one master must not remove each other's temporary file. A temporary file
is stale only when both hold: nothing has written to it for :data:`STALE_AFTER` seconds (a save
writes continuously; the pause between its last write and the rename is a check of the file,
seconds even at province scale), and the process named in it is not running on this computer
(on Windows, where that is not asked, a file still open by its writer cannot be deleted
either). A file of another computer (a shared folder) whose number happens to be a running
process here is kept: it is removed by a later run.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "STALE_AFTER",
    "Leftovers",
    "clear_stale_temporaries",
    "history_references",
    "is_stale",
    "unreferenced_histories",
]

STALE_AFTER = 10 * 60  # seconds without a write before a temporary file counts as abandoned

# tempfile.mkstemp's random part: eight characters of this alphabet.
_RANDOM = r"[a-z0-9_]{8}"


def _temp_pattern(stem: str, suffix: str) -> re.Pattern[str]:
    # ``(\d+)-`` is absent in the names of earlier versions (no process number).
    return re.compile(rf"^\.{re.escape(stem)}-(?:(\d+)-)?{_RANDOM}{re.escape(suffix)}$")


def _process_alive(pid: int) -> bool:
    if os.name == "nt":  # not asked on Windows: the age decides (an open file resists deletion)
        return False
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, owned by another user
        return True
    except OSError:
        return True
    return True


def is_stale(path: Path, pid: int | None, *, now: float | None = None) -> bool:
    """Whether the temporary file ``path`` written by process ``pid`` (None: not named) is
    abandoned: unmodified for :data:`STALE_AFTER` seconds and its process not running."""
    try:
        modified = path.stat().st_mtime
    except OSError:
        return False
    if (time.time() if now is None else now) - modified < STALE_AFTER:
        return False
    return pid is None or not _process_alive(pid)


@dataclass
class Leftovers:
    """What :func:`clear_stale_temporaries` did: files removed (with their size in bytes),
    files it could not remove (with the reason)."""

    removed: list[tuple[Path, int]] = field(default_factory=list)
    failed: list[tuple[Path, str]] = field(default_factory=list)

    def notes(self) -> list[str]:
        """One Vietnamese line per file, for the run's output."""
        out = [
            f"Đã xóa tệp tạm còn sót lại của một lần ghi bị dừng giữa chừng: {p} "
            f"({_size_text(size)})."
            for p, size in self.removed
        ]
        out += [
            f"Không xóa được tệp tạm còn sót lại {p} ({why}); có thể xóa tay khi không có "
            "lệnh nào đang chạy."
            for p, why in self.failed
        ]
        return out


def _size_text(size: int) -> str:
    if size >= 1 << 20:
        return f"{size / (1 << 20):.1f} MB".replace(".", ",")
    return f"{size // 1024} KB" if size >= 1024 else f"{size} byte"


def clear_stale_temporaries(master: Path, *, now: float | None = None) -> Leftovers:
    """Remove the stale temporary files of ``master``: ``.<stem>-*.tmp.xlsm`` beside it and
    ``.LichSu_*.tmp.xlsx`` in its history folder, matching our own names only (see
    :func:`is_stale` for when one counts as stale). Never raises for a file it cannot remove:
    it is listed in ``failed``."""
    from kehoach.collect.history_file import history_dir

    done = Leftovers()
    places = [(master.parent, _temp_pattern(master.stem, ".tmp.xlsm"))]
    folder = history_dir(master)
    # Earlier versions named them ".<random>.tmp.xlsx".
    history_temp = rf"^\.(?:LichSu_[\w-]*?-)?(?:(\d+)-)?{_RANDOM}\.tmp\.xlsx$"
    places.append((folder, re.compile(history_temp)))
    for where, pattern in places:
        try:
            names = sorted(os.listdir(where))
        except OSError:  # no such folder (nothing collected yet) or not readable
            continue
        for name in names:
            m = pattern.match(name)
            if m is None:
                continue
            path = where / name
            if not is_stale(path, int(m.group(1)) if m.group(1) else None, now=now):
                continue
            try:
                size = path.stat().st_size
                path.unlink()
            except FileNotFoundError:  # another run removed it first
                continue
            except OSError as err:
                done.failed.append((path, err.strerror or str(err)))
                continue
            done.removed.append((path, size))
    return done


def history_references(lichsu_rows: Sequence[Sequence[object]]) -> set[str]:
    """The history workbooks the LichSu register names ("Tệp lịch sử chi tiết"), as written
    there (``<stem>_LichSu/LichSu_….xlsx``), from the sheet's rows as read."""
    from kehoach.sheets import progress_layout as pl

    names = [c.key for c in pl.HISTORY_COLUMNS]
    col = names.index("details")
    out: set[str] = set()
    for row in lichsu_rows[pl.FIRST_DATA_ROW - 1 :]:
        value = row[col] if len(row) > col else None
        if isinstance(value, str) and value.strip():
            out.add(value.strip().replace("\\", "/"))
    return out


def unreferenced_histories(master: Path, referenced: set[str]) -> list[Path]:
    """The ``LichSu_*.xlsx`` of ``master``'s history folder that ``referenced`` (see
    :func:`history_references`) does not name, by name."""
    from kehoach.collect.history_file import history_dir

    folder = history_dir(master)
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return []
    return [
        folder / n
        for n in names
        if n.startswith("LichSu_")
        and n.endswith(".xlsx")
        and f"{folder.name}/{n}" not in referenced
    ]
