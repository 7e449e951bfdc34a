"""Benchmark: the CPU time of every `kehoach` verb against the floors of the same run.

    python bench/bench_verbs.py [--runs 3] [--master workbook/KeHoach2023.xlsm] [--work DIR]
                                [--json]

Each verb runs in a process of its own (``python -m kehoach.cli …``, the interpreter's start
and the imports included, as an official's command pays them), ``--runs`` times after one
untimed round that fills the bytecode cache (``child_env``: the children, ours and the floors,
import from ``.pyc`` files, as an installation does); the table gives the median CPU time
(user + system, of the child process) and its ratio to a floor measured in the same run, the
same way:

- ``read floor``: ``openpyxl.load_workbook(MASTER, keep_vba=True)`` in a process of its own,
  for the verbs that only read the master (``export``, ``gaps``, ``check``, ``summary``);
  the aim is within 1.3× of it;
- ``write floor``: that load, then ``wb.save`` over the master, for the verbs that write it
  (``build``, ``extract``, ``check --write``, ``gaps --write``, ``summary --write``,
  ``mail``, ``collect``); the aim is within 1.5×;
- ``extract floor``: that load, then XlsxWriter writing the values of the agency files
  ``extract`` writes, one workbook per file, the same sheets, nothing else
  (``extract_floor.py``), for ``extract`` (also given against the write floor); the aim is
  within 1.3×;
- ``collected write floor``: load and save of the master after a round of returns (every
  agency's file collected), for the verbs run on that master (``check --write``,
  ``summary --write`` and ``mail`` "after a round"), which carry its collected sheets over;
  the aim is within 1.5×;
- ``collect floor``: loading the master ``collect`` reads and saving the master it leaves
  (3,868 more TienDo rows on the embedded plan, which the write floor never saves): the read
  floor plus the save alone of a collected copy (its write floor less its read floor, both
  measured); the aim is within 1.5×.

The floors run openpyxl as ``kehoach`` does, with its pure-Python XML (``OPENPYXL_LXML=False``:
returned files must be parsed through defusedxml, see ``kehoach/__init__.py``); each is also
measured with lxml, openpyxl's default where lxml is installed, and the table gives both
ratios.

Prepared first, outside the timing, in ``--work`` (default: a new temporary folder): a copy
of the master with an e-mail address for every agency and the sender's in «Cài đặt», its
agency files (``kehoach extract``, which also gives it its signing key), their values for the
extract floor (pickled) and every one of them filled in as an agency would
(``bench_collect.fill_returned``). A verb that writes runs on a
fresh copy of that master each time, so every run does the same work. CPU time comes from
``getrusage(RUSAGE_CHILDREN)``; where there is none (Windows) the table gives wall time.
"""

from __future__ import annotations

import argparse
import json
import pickle
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:0] = [str(BENCH), str(ROOT / "pylib")]

from child_env import child_env  # noqa: E402
from extract_floor import cells_of  # noqa: E402

try:
    import resource
except ImportError:  # Windows
    resource = None  # type: ignore[assignment]

READ, WRITE, EXTRACT, COLLECT = "read", "write", "extract", "collect"
COLLECTED = "collected write"
GOALS = {READ: 1.3, WRITE: 1.5, EXTRACT: 1.3, COLLECT: 1.5, COLLECTED: 1.5}
FLOORS = (READ, WRITE, EXTRACT, COLLECT, COLLECTED)
LXML = " (lxml)"  # suffix of a floor measured with openpyxl on lxml
GENERATED_AT = "2023-07-01T08:00:00"
AS_OF = "2023-12-31"
RECEIVED_AT = "2023-12-01T08:00:00"
SENDER = "cchc@backan.gov.vn"

READ_FLOOR = "import sys, openpyxl; openpyxl.load_workbook(sys.argv[1], keep_vba=True)"
WRITE_FLOOR = (
    "import sys, openpyxl; wb = openpyxl.load_workbook(sys.argv[1], keep_vba=True); "
    "wb.save(sys.argv[1])"
)


@dataclass(frozen=True)
class Work:
    """The prepared folder: the master, its agency files, the filled returns."""

    master: Path
    files: Path
    returns: Path
    run: Path  # where a verb that writes gets its fresh copy
    cells: Path  # the values of the agency files, pickled (``extract_floor.cells_of``)
    collected: Path  # a copy of the master after ``collect`` took in every return

    @property
    def collected_copy(self) -> Path:
        """Where a verb run after a round, and the collect floor, get a fresh copy of
        ``collected``."""
        return self.run / "collected" / self.master.name

    @property
    def copy(self) -> Path:
        return self.run / self.master.name

    @property
    def floor_files(self) -> Path:
        """Where the extract floor writes its workbooks (kept after the run)."""
        return self.cells.parent / "extract-floor"


# name -> (kind, arguments given the prepared folder)
VERBS: dict[str, tuple[str, Callable[[Work], list[str]]]] = {
    "export": (READ, lambda w: ["export", str(w.master)]),
    "gaps": (READ, lambda w: ["gaps", str(w.master)]),
    "check": (READ, lambda w: ["check", str(w.master)]),
    "summary": (READ, lambda w: ["summary", str(w.master), "--as-of", AS_OF]),
    "build": (WRITE, lambda w: ["build", "--out", str(w.copy)]),
    "extract": (
        WRITE,
        lambda w: [
            "extract",
            str(w.copy),
            "--out",
            str(w.run / "GuiCoQuan"),
            "--generated-at",
            GENERATED_AT,
        ],
    ),
    "check --write": (WRITE, lambda w: ["check", str(w.copy), "--write"]),
    "gaps --write": (WRITE, lambda w: ["gaps", str(w.copy), "--write"]),
    "summary --write": (WRITE, lambda w: ["summary", str(w.copy), "--as-of", AS_OF, "--write"]),
    "mail": (
        WRITE,
        lambda w: ["mail", str(w.copy), "--files", str(w.files), "--eml-dir", str(w.run / "eml")],
    ),
    "check --write after a round": (
        COLLECTED,
        lambda w: ["check", str(w.collected_copy), "--write"],
    ),
    "summary --write after a round": (
        COLLECTED,
        lambda w: ["summary", str(w.collected_copy), "--as-of", AS_OF, "--write"],
    ),
    "mail after a round": (
        COLLECTED,
        lambda w: [
            "mail",
            str(w.collected_copy),
            "--files",
            str(w.files),
            "--eml-dir",
            str(w.run / "eml"),
        ],
    ),
    "collect": (WRITE, lambda w: collect_args(w, w.copy)),
}


def collect_args(work: Work, master: Path) -> list[str]:
    """``collect`` of every prepared return into ``master``."""
    return ["collect", str(master), "--from", str(work.returns), "--received-at", RECEIVED_AT]


def _child_seconds() -> float:
    if resource is None:
        return time.perf_counter()
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(cmd: list[str], env: dict[str, str], ok: tuple[int, ...] = (0,)) -> float:
    """CPU seconds of ``cmd`` run to its end in a process of its own with ``env`` (wall time
    on Windows). RuntimeError with its stderr when it exits with a code not in ``ok``."""
    before = _child_seconds()
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    seconds = _child_seconds() - before
    if done.returncode not in ok:
        raise RuntimeError(f"{' '.join(cmd)} exited {done.returncode}:\n{done.stderr}")
    return seconds


def kehoach(*args: str) -> list[str]:
    return [sys.executable, "-m", "kehoach.cli", *args]


def prepare(master: Path, work: Path) -> Work:
    """The prepared folder under ``work`` (see the module's docstring)."""
    from bench_collect import fill_returned
    from openpyxl import load_workbook

    from kehoach.sheets import layout
    from kehoach.sheets import mail_layout as ml
    from kehoach.workbook.xlsm import save_xlsm

    work.mkdir(parents=True, exist_ok=True)
    prepared = Work(
        work / "master" / master.name,
        work / "GuiCoQuan",
        work / "TraLoi",
        work / "run",
        work / "extract-cells.pickle",
        work / "collected" / master.name,
    )
    prepared.master.parent.mkdir(exist_ok=True)
    shutil.copy2(master, prepared.master)
    wb = load_workbook(prepared.master, keep_vba=True)
    ws = wb[layout.DIRECTORY_SHEET]
    col = layout.column_index(layout.DIRECTORY_COLUMNS, "emails")
    for row in ws.iter_rows(min_row=layout.FIRST_DATA_ROW):
        if row[0].value:
            row[col - 1].value = f"{str(row[0].value).lower()}@backan.gov.vn"
    settings = wb[ml.SETTINGS_SHEET]
    for n, s in enumerate(ml.SETTINGS, start=ml.FIRST_DATA_ROW):
        if s.key == "sender_address":
            settings.cell(n, 2, SENDER)
    save_xlsm(wb, prepared.master, backup_dir=work / "backup")
    shutil.rmtree(prepared.files, ignore_errors=True)
    cmd = kehoach(
        "extract",
        str(prepared.master),
        "--out",
        str(prepared.files),
        "--generated-at",
        GENERATED_AT,
    )
    timed(cmd, child_env(work))
    prepared.cells.write_bytes(pickle.dumps(cells_of(prepared.files)))
    shutil.rmtree(work / "master" / "backup", ignore_errors=True)
    shutil.rmtree(prepared.returns, ignore_errors=True)
    prepared.returns.mkdir()
    for path in sorted(prepared.files.glob("*.xlsx")):
        (prepared.returns / path.name).write_bytes(fill_returned(path.read_bytes()))
    prepared.collected.parent.mkdir(exist_ok=True)
    shutil.copy2(prepared.master, prepared.collected)
    timed(kehoach(*collect_args(prepared, prepared.collected)), child_env(work), ok=(0, 1))
    shutil.rmtree(prepared.collected.parent / "backup", ignore_errors=True)
    return prepared


def floor_envs(work: Path) -> dict[str, dict[str, str]]:
    """The floors' environments by suffix: openpyxl as kehoach runs it, and on lxml."""
    env = child_env(work)
    return {"": {**env, "OPENPYXL_LXML": "False"}, LXML: {**env, "OPENPYXL_LXML": "True"}}


def extract_floor(work: Work) -> list[str]:
    """The extract floor's command (``extract_floor.py``) into an empty ``floor_files``."""
    shutil.rmtree(work.floor_files, ignore_errors=True)
    script = str(BENCH / "extract_floor.py")
    return [sys.executable, script, str(work.master), str(work.cells), str(work.floor_files)]


def _fresh(work: Work) -> None:
    shutil.rmtree(work.run, ignore_errors=True)
    work.run.mkdir()
    shutil.copy2(work.master, work.copy)
    work.collected_copy.parent.mkdir()
    shutil.copy2(work.collected, work.collected_copy)


def bench(runs: int, master: Path, work: Path) -> dict[str, Any]:
    """Every verb and the floors, ``runs`` times each, interleaved round by round."""
    prepared = prepare(master, work)
    env, envs = child_env(work), floor_envs(work)
    samples: dict[str, list[float]] = {}
    for round_ in range(runs + 1):  # the first round warms the bytecode caches, untimed
        times: dict[str, float] = {}
        for suffix, floor_env in envs.items():
            times.update(_floor_times(prepared, floor_env, suffix))
        for name, (kind, args) in VERBS.items():
            if kind != READ:
                _fresh(prepared)
            times[name] = timed(kehoach(*args(prepared)), env, ok=(0, 1))
        if round_:
            for name, seconds in times.items():
                samples.setdefault(name, []).append(seconds)
    medians = {name: statistics.median(values) for name, values in samples.items()}
    floors = {
        f"{kind}{suffix}": _floor(medians, kind, suffix) for kind in FLOORS for suffix in envs
    }
    rows = []
    for name, (kind, _args) in VERBS.items():
        # extract and collect against the write floor, then against their own
        own = {"extract": EXTRACT, "collect": COLLECT}.get(name)
        for against in (kind, own) if own else (kind,):
            floor, lxml = floors[against], floors[against + LXML]
            rows.append(
                {
                    "verb": name,
                    "kind": against,
                    "seconds": medians[name],
                    "floor": floor,
                    "ratio": medians[name] / floor,
                    "floor_lxml": lxml,
                    "ratio_lxml": medians[name] / lxml,
                    "goal": GOALS[against],
                }
            )
    return {
        "master": str(master),
        "runs": runs,
        "measure": "cpu" if resource is not None else "wall",
        "floors": floors,
        "verbs": rows,
        "samples": samples,
    }


def _floor_times(work: Work, env: dict[str, str], suffix: str) -> dict[str, float]:
    """One run of each measured floor with ``env``, named with ``suffix``."""
    python = sys.executable
    times = {"read": timed([python, "-c", READ_FLOOR, str(work.master)], env)}
    _fresh(work)
    times["write"] = timed([python, "-c", WRITE_FLOOR, str(work.copy)], env)
    times["extract"] = timed(extract_floor(work), env)
    times["collected read"] = timed([python, "-c", READ_FLOOR, str(work.collected)], env)
    shutil.copy2(work.collected, work.collected_copy)
    times["collected write"] = timed([python, "-c", WRITE_FLOOR, str(work.collected_copy)], env)
    return {f"{name} floor{suffix}": seconds for name, seconds in times.items()}


def _floor(medians: dict[str, float], kind: str, suffix: str) -> float:
    """The floor of ``kind``: a measured one, or for collect the load of the master it reads
    and the save alone of the master it leaves."""
    if kind == COLLECT:
        saved = medians[f"collected write floor{suffix}"] - medians[f"collected read floor{suffix}"]
        return medians[f"read floor{suffix}"] + saved
    return medians[f"{kind} floor{suffix}"]


_FLOOR_LABELS = {
    READ: "read floor: load keep_vba",
    WRITE: "write floor: load keep_vba + save",
    EXTRACT: "extract floor: load keep_vba + XlsxWriter, the agency files' values",
    COLLECT: "collect floor: load the master read + save the master written",
    COLLECTED: "collected write floor: load keep_vba + save, after a round of returns",
}


def table(report: dict[str, Any]) -> str:
    """The report as a Markdown table (the one in docs/benchmarks.md)."""
    unit = "CPU s" if report["measure"] == "cpu" else "wall s"
    floors = report["floors"]
    lines = [
        f"| verb | {unit} | floor ({unit}) | verb/floor | aim | verb/floor on lxml |",
        "|---|---:|---:|---:|---|---:|",
    ]
    for kind, label in _FLOOR_LABELS.items():
        if kind in floors:
            lxml = floors.get(kind + LXML)
            on_lxml = f"{lxml:.2f} on lxml" if lxml is not None else ""
            lines.append(f"| *{label}* | {floors[kind]:.2f} | | | | {on_lxml} |")
    for r in report["verbs"]:
        met = "met" if round(r["ratio"], 2) <= r["goal"] else "not met"
        lxml = f"{r['ratio_lxml']:.2f}×" if "ratio_lxml" in r else ""
        lines.append(
            f"| `{r['verb']}` | {r['seconds']:.2f} | {r['floor']:.2f} ({r['kind']}) | "
            f"{r['ratio']:.2f}× | ≤ {r['goal']}×: {met} | {lxml} |"
        )
    lines.append(f"\nMedian of {report['runs']} run(s) each, on {Path(report['master']).name}.")
    return "\n".join(lines)


_README_FLOORS = {
    READ: "load",
    WRITE: "load + save",
    EXTRACT: "load + XlsxWriter dump",
    COLLECT: "load + save of the master written",
    COLLECTED: "load + save after a round",
}


def readme_table(report: dict[str, Any]) -> str:
    """The report as the README's table: each verb against its own floor only."""
    lines = ["| verb | CPU s | floor (CPU s) | × floor | aim |", "|---|---:|---|---:|---|"]
    own = {(r["verb"], r["kind"]) for r in report["verbs"]}
    for r in report["verbs"]:
        if r["kind"] == WRITE and ((r["verb"], EXTRACT) in own or (r["verb"], COLLECT) in own):
            continue
        met = "met" if round(r["ratio"], 2) <= r["goal"] else "not met"
        lines.append(
            f"| `{r['verb']}` | {r['seconds']:.2f} | {_README_FLOORS[r['kind']]} "
            f"({r['floor']:.2f}) | {r['ratio']:.2f} | ≤ {r['goal']}: {met} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="runs of each verb (median)")
    parser.add_argument("--master", type=Path, default=ROOT / "workbook" / "KeHoach2023.xlsm")
    parser.add_argument("--work", type=Path, help="folder for the copies (default: temporary)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--readme", action="store_true", help="print the README's table too")
    args = parser.parse_args(argv)
    if args.work is not None:
        report = bench(args.runs, args.master, args.work)
    else:
        with tempfile.TemporaryDirectory(prefix="kehoach-bench-verbs-") as tmp:
            report = bench(args.runs, args.master, Path(tmp))
    print(json.dumps(report, indent=2) if args.json else table(report))
    if args.readme:
        print(f"\n{readme_table(report)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
