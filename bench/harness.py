"""What every bench shares: interleaved runs of the product and its baseline in one run, the first
(cold) run and the median of each, the ratio of the medians, a table, and optionally JSON.

A bench gives `interleave` its sides as functions that do one run and return a `Run` (seconds, and
the peak memory when the run had a process of its own). Round r runs every side once, in an order
that rotates by r (A B, B A, A B, … for two sides), so drift on a shared machine reaches both sides
alike. For a cold measure a side runs a fresh subprocess each time (`wall` times the whole process
from outside, interpreter start included; `child` takes the seconds and peak memory the child
prints as its last line of JSON). Nothing is ever subtracted from either side: a ratio is the median
of one side's runs over the median of the other's, and the cold ratio is first run over first run.

    found = interleave({"ours": run_ours, "bare": run_bare}, rounds=5)
    report = Report("title")
    report.add(compare("work", found, "ours", "bare", goal=Goal(ratio=1.5, text="≤ 1.5x")))
    report.finish(json_path)  # the table, and the JSON when asked
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Run:
    seconds: float
    peak_mb: float | None = None  # the peak resident memory of the run's own process, if it had one


@dataclass(frozen=True)
class Series:
    """Every run of one side, in the order they were made (the first is the cold one)."""

    label: str
    runs: tuple[Run, ...]

    @property
    def first(self) -> float:
        return self.runs[0].seconds

    @property
    def median(self) -> float:
        return statistics.median(r.seconds for r in self.runs)

    @property
    def p95(self) -> float:
        return p95([r.seconds for r in self.runs])

    @property
    def peak_mb(self) -> float | None:
        peaks = [r.peak_mb for r in self.runs if r.peak_mb is not None]
        return max(peaks) if peaks else None


@dataclass(frozen=True)
class Goal:
    """What the issue asks: a ratio to the baseline (of medians, or of the cold runs), or an absolute
    time (of the median, or of the p95); optionally a peak memory."""

    ratio: float | None = None
    seconds: float | None = None
    stat: str = "median"  # median | first | p95: which figure the goal is about
    peak_mb: float | None = None
    text: str = ""  # as the issue writes it


@dataclass(frozen=True)
class Row:
    work: str
    ours: Series
    base: Series | None
    goal: Goal
    note: str = ""

    def figure(self, series: Series) -> float:
        return {"median": series.median, "first": series.first, "p95": series.p95}[self.goal.stat]

    @property
    def ratio(self) -> float | None:
        """Median over median; nothing subtracted."""
        return self.ours.median / self.base.median if self.base else None

    @property
    def cold_ratio(self) -> float | None:
        """First (cold) run over first (cold) run."""
        return self.ours.first / self.base.first if self.base else None

    @property
    def met(self) -> bool | None:
        checks: list[bool] = []
        if self.goal.ratio is not None and self.base is not None:
            checks.append(self.figure(self.ours) / self.figure(self.base) <= self.goal.ratio)
        if self.goal.seconds is not None:
            checks.append(self.figure(self.ours) <= self.goal.seconds)
        if self.goal.peak_mb is not None and self.ours.peak_mb is not None:
            checks.append(self.ours.peak_mb < self.goal.peak_mb)
        return all(checks) if checks else None

    def as_dict(self) -> dict[str, Any]:
        def side(series: Series | None) -> dict[str, Any] | None:
            if series is None:
                return None
            return {
                "label": series.label,
                "first": series.first,
                "median": series.median,
                "p95": series.p95,
                "peak_mb": series.peak_mb,
                "runs": [r.seconds for r in series.runs],
            }

        return {
            "work": self.work,
            "ours": side(self.ours),
            "baseline": side(self.base),
            "ratio_of_medians": self.ratio,
            "ratio_of_first_runs": self.cold_ratio,
            "goal": self.goal.text,
            "goal_ratio": self.goal.ratio,
            "goal_seconds": self.goal.seconds,
            "goal_stat": self.goal.stat,
            "goal_met": self.met,
            "note": self.note,
        }


def p95(values: Sequence[float]) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=20, method="inclusive")[18]


def interleave(sides: Mapping[str, Callable[[], Run]], *, rounds: int) -> dict[str, Series]:
    """Every side once per round, the order rotating by one each round; all runs kept in order."""
    labels = list(sides)
    runs: dict[str, list[Run]] = {label: [] for label in labels}
    for r in range(rounds):
        shift = r % len(labels)
        for label in labels[shift:] + labels[:shift]:
            runs[label].append(sides[label]())
    return {label: Series(label, tuple(found)) for label, found in runs.items()}


def wall(argv: Sequence[str], *, cwd: Path | None = None) -> Run:
    """A fresh subprocess, timed from outside from start to exit (interpreter start included); it
    must succeed. No peak memory: a bench that needs one uses `child`."""
    start = time.perf_counter()
    done = subprocess.run(list(argv), cwd=cwd, capture_output=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} ended with {done.returncode}:\n{done.stderr.decode()[-2000:]}")
    return Run(seconds)


def child(argv: Sequence[str], *, cwd: Path | None = None) -> Run:
    """A fresh subprocess that times its own work and prints `child_report(...)` as its last line."""
    done = subprocess.run(list(argv), cwd=cwd, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} ended with {done.returncode}:\n{done.stderr[-2000:]}")
    found = json.loads(done.stdout.strip().splitlines()[-1])
    return Run(float(found["seconds"]), found.get("peak_mb"))


def child_report(seconds: float) -> str:
    """What a child prints last: its seconds and its own peak memory."""
    return json.dumps({"seconds": seconds, "peak_mb": peak_memory_mb()})


def peak_memory_mb() -> float:
    """This process's peak resident memory. VmHWM on Linux, because ru_maxrss survives exec there and
    would report the (larger) parent's memory at fork time."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(work: Callable[[], object]) -> Run:
    """One run in this process (warm: imports and caches of earlier runs stay)."""
    start = time.perf_counter()
    work()
    return Run(time.perf_counter() - start)


def compare(work: str, sides: Mapping[str, Series], ours: str, base: str | None, *, goal: Goal, note: str = "") -> Row:
    return Row(work, sides[ours], sides[base] if base else None, goal, note)


# --- output ---------------------------------------------------------------------------------------
def add_options(parser: argparse.ArgumentParser, *, rounds: int) -> None:
    parser.add_argument("--rounds", type=int, default=rounds, help="runs per side; the first is the cold one")
    parser.add_argument("--json", type=Path, help="also write the rows, every run included, to this JSON file")


def _s(seconds: float) -> str:
    return f"{seconds:.3f} s" if seconds < 10 else f"{seconds:.1f} s"


def _x(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}x"


def print_table(rows: Sequence[Row], *, title: str, out: Any = None) -> None:
    """A markdown table: the work, our first run and median (or p95), the baseline's, the ratios,
    the goal and whether it is met; then the notes."""
    out = out or sys.stdout
    print(f"\n{title}\n", file=out)
    header = ["work", "ours: first", "ours: median", "baseline", "base: first", "base: median"]
    header += ["ratio (medians)", "ratio (first)", "peak MB", "goal", "met"]
    print("| " + " | ".join(header) + " |", file=out)
    print("|" + "---|" * len(header), file=out)
    for row in rows:
        ours, base = row.ours, row.base
        mid = _s(ours.median) + (f" (p95 {_s(ours.p95)})" if row.goal.stat == "p95" else "")
        peaks = "/".join(f"{s.peak_mb:.0f}" for s in (ours, base) if s is not None and s.peak_mb is not None)
        met = {True: "yes", False: "no", None: "–"}[row.met]
        cells = [row.work, _s(ours.first), mid, base.label if base else "(absolute)"]
        cells += [_s(base.first) if base else "", _s(base.median) if base else ""]
        cells += [_x(row.ratio), _x(row.cold_ratio), peaks, row.goal.text, met]
        print("| " + " | ".join(cells) + " |", file=out)
    for row in rows:
        if row.note:
            print(f"- {row.work}: {row.note}", file=out)
    print(f"(runs per side: {', '.join(sorted({str(len(r.ours.runs)) for r in rows}))}; {machine()})", file=out)


def machine() -> str:
    return f"{os.cpu_count()} cores, Python {sys.version.split()[0]}"


def write_json(rows: Sequence[Row], path: Path | None, *, title: str, extra: Mapping[str, Any] | None = None) -> None:
    if path is None:
        return
    data = {"title": title, "machine": machine(), **(extra or {}), "rows": [row.as_dict() for row in rows]}
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")


@dataclass
class Report:
    """Rows gathered by a bench, printed (and written) once at the end."""

    title: str
    rows: list[Row] = field(default_factory=list)

    def add(self, row: Row) -> None:
        self.rows.append(row)

    def finish(self, json_path: Path | None, *, extra: Mapping[str, Any] | None = None) -> None:
        print_table(self.rows, title=self.title)
        write_json(self.rows, json_path, title=self.title, extra=extra)
