"""Benchmark: the CPU time of every `kehoach` verb against the floors of the same run.

    python bench/bench_verbs.py [--runs 3] [--master workbook/KeHoach2023.xlsm] [--work DIR]
                                [--json]

Each verb runs in a process of its own (``python -m kehoach.cli …``, the interpreter's start
and the imports included, as an official's command pays them), ``--runs`` times; the table
gives the median CPU time (user + system, of the child process) and its ratio to a floor
measured in the same run, the same way:

- ``read floor``: ``openpyxl.load_workbook(MASTER, keep_vba=True)`` in a process of its own,
  for the verbs that only read the master (``export``, ``gaps``, ``check``, ``summary``);
  the aim is within 1.3× of it;
- ``write floor``: that load, then ``wb.save`` over the master, for the verbs that write it
  (``build``, ``extract``, ``check --write``, ``gaps --write``, ``summary --write``,
  ``mail``, ``collect``); the aim is within 1.5×;
- ``collected write floor``: the same on the master after a round of returns (every agency's
  file collected), for the verbs run on that master (``check --write``, ``summary --write``
  and ``mail`` "after a round"), which carry its collected sheets over; the aim is within 1.5×.

Prepared first, outside the timing, in ``--work`` (default: a new temporary folder): a copy
of the master with an e-mail address for every agency and the sender's in «Cài đặt», its
agency files (``kehoach extract``, which also gives it its signing key) and every one of them
filled in as an agency would (``bench_collect.fill_returned``), and a copy of it with every
one of them collected (``kehoach collect``). A verb that writes runs on a fresh copy of its
master each time, so every run does the same work. CPU time comes from
``getrusage(RUSAGE_CHILDREN)``; where there is none (Windows) the table gives wall time.
"""

from __future__ import annotations

import argparse
import json
import os
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

try:
    import resource
except ImportError:  # Windows
    resource = None  # type: ignore[assignment]

READ, WRITE, COLLECTED = "read", "write", "collected write"
GOALS = {READ: 1.3, WRITE: 1.5, COLLECTED: 1.5}
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
    collected: Path  # the master with every return collected

    @property
    def copy(self) -> Path:
        return self.run / self.master.name

    @property
    def collected_copy(self) -> Path:
        return self.run / "collected" / self.master.name


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
    "collect": (
        WRITE,
        lambda w: ["collect", str(w.copy), "--from", str(w.returns), "--received-at", RECEIVED_AT],
    ),
}


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT / "pylib")}


def _child_seconds() -> float:
    if resource is None:
        return time.perf_counter()
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(cmd: list[str], ok: tuple[int, ...] = (0,)) -> float:
    """CPU seconds of ``cmd`` run to its end in a process of its own (wall time on Windows).
    RuntimeError with its stderr when it exits with a code not in ``ok``."""
    before = _child_seconds()
    done = subprocess.run(cmd, cwd=ROOT, env=_env(), capture_output=True, text=True)
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
    timed(cmd)
    shutil.rmtree(work / "master" / "backup", ignore_errors=True)
    shutil.rmtree(prepared.returns, ignore_errors=True)
    prepared.returns.mkdir()
    for path in sorted(prepared.files.glob("*.xlsx")):
        (prepared.returns / path.name).write_bytes(fill_returned(path.read_bytes()))
    shutil.rmtree(prepared.collected.parent, ignore_errors=True)
    prepared.collected.parent.mkdir()
    shutil.copy2(prepared.master, prepared.collected)
    collect = ["collect", str(prepared.collected), "--from", str(prepared.returns)]
    timed(kehoach(*collect, "--received-at", RECEIVED_AT))
    shutil.rmtree(prepared.collected.parent / "backup", ignore_errors=True)
    return prepared


def _fresh(work: Work) -> None:
    shutil.rmtree(work.run, ignore_errors=True)
    work.run.mkdir()
    shutil.copy2(work.master, work.copy)
    work.collected_copy.parent.mkdir()
    shutil.copy2(work.collected, work.collected_copy)


def bench(runs: int, master: Path, work: Path) -> dict[str, Any]:
    """Every verb and both floors, ``runs`` times each, interleaved round by round."""
    prepared = prepare(master, work)
    floors = ("read floor", "write floor", "collected write floor")
    samples: dict[str, list[float]] = {name: [] for name in (*floors, *VERBS)}
    for _ in range(runs):
        samples["read floor"].append(
            timed([sys.executable, "-c", READ_FLOOR, str(prepared.master)])
        )
        _fresh(prepared)
        samples["write floor"].append(
            timed([sys.executable, "-c", WRITE_FLOOR, str(prepared.copy)])
        )
        samples["collected write floor"].append(
            timed([sys.executable, "-c", WRITE_FLOOR, str(prepared.collected_copy)])
        )
        for name, (kind, args) in VERBS.items():
            if kind != READ:
                _fresh(prepared)
            samples[name].append(timed(kehoach(*args(prepared)), ok=(0, 1)))
    medians = {name: statistics.median(values) for name, values in samples.items()}
    rows = []
    for name, (kind, _args) in VERBS.items():
        floor = medians[f"{kind} floor"]
        rows.append(
            {
                "verb": name,
                "kind": kind,
                "seconds": medians[name],
                "floor": floor,
                "ratio": medians[name] / floor,
                "goal": GOALS[kind],
            }
        )
    return {
        "master": str(master),
        "runs": runs,
        "measure": "cpu" if resource is not None else "wall",
        "floors": {
            "read": medians["read floor"],
            "write": medians["write floor"],
            "collected write": medians["collected write floor"],
        },
        "verbs": rows,
        "samples": samples,
    }


def table(report: dict[str, Any]) -> str:
    """The report as a Markdown table (the one in docs/benchmarks.md)."""
    unit = "CPU s" if report["measure"] == "cpu" else "wall s"
    lines = [
        f"| verb | {unit} | floor ({unit}) | verb/floor | aim |",
        "|---|---:|---:|---:|---|",
        f"| *read floor: load keep_vba* | {report['floors']['read']:.2f} | | | |",
        f"| *write floor: load keep_vba + save* | {report['floors']['write']:.2f} | | | |",
        "| *collected write floor: the same after a round* "
        f"| {report['floors']['collected write']:.2f} | | | |",
    ]
    for r in report["verbs"]:
        met = "met" if round(r["ratio"], 2) <= r["goal"] else "not met"
        lines.append(
            f"| `{r['verb']}` | {r['seconds']:.2f} | {r['floor']:.2f} ({r['kind']}) | "
            f"{r['ratio']:.2f}× | ≤ {r['goal']}×: {met} |"
        )
    lines.append(f"\nMedian of {report['runs']} run(s) each, on {Path(report['master']).name}.")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="runs of each verb (median)")
    parser.add_argument("--master", type=Path, default=ROOT / "workbook" / "KeHoach2023.xlsm")
    parser.add_argument("--work", type=Path, help="folder for the copies (default: temporary)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)
    if args.work is not None:
        report = bench(args.runs, args.master, args.work)
    else:
        with tempfile.TemporaryDirectory(prefix="kehoach-bench-verbs-") as tmp:
            report = bench(args.runs, args.master, Path(tmp))
    print(json.dumps(report, indent=2) if args.json else table(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
