"""Drop → visible in the master while `veiligheid watch` runs on a board of 20,000 and 50,000
registrations: the p95 of the time from a form landing in the inbox to a master that lists it.

    python bench/watch.py [--stored 20000 50000] [--files 20] [--stable 0.5] [--poll SECONDS] [--json FILE]

Per size: a fresh copy of a generated board (bench/boards.py) with `stabiel_seconden` set to
--stable; the real command `veiligheid watch` in its own process (file events, or --poll); one
warm-up form dropped and waited for (the watcher's start and its first master are not measured);
then --files distinct valid forms, one at a time, each written under a temporary name and renamed
into the inbox (as Excel saves), the next one 0–1 s after the previous became visible. A form is
visible when this process sees a new master (its modification time polled every 20 ms) whose
Logboek (read with python-calamine) names it; the time is when the new master was seen.

The goal is absolute (p95 < 1.5 s at 20k, < 2.5 s at 50k) and so is its verdict; `first` is the
first measured drop after the warm-up. For scale on a shared machine, each drop is followed (while
the watcher is idle) by a run of bench/master.py's bare xlsxwriter writing the same board's rows in a
process of its own (constant_memory, no formats: no full rebuild can be quicker), so the table also
gives the ratio of the medians and of the first runs, measured interleaved in the same run.
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from automation.config import Settings  # noqa: E402
from bench import boards, master  # noqa: E402
from bench.harness import Goal, Report, Row, Run, Series  # noqa: E402
from bench.soak import SoakFailed, read_master, stop_watcher  # noqa: E402

GOALS = {20_000: 1.5, 50_000: 2.5}


def drop(inbox: Path, name: str, data: bytes) -> float:
    """Written under a temporary name, then renamed in (as Excel saves); when it was complete."""
    tmp = inbox / f"~tmp{random.randrange(10**8):08d}.tmp"
    tmp.write_bytes(data)
    tmp.rename(inbox / name)
    return time.time()


def seen_in_master(settings: Settings, name: str, *, alive: Callable[[], bool], timeout: float) -> float:
    """When a master that lists `name` first appeared (polled every 20 ms); waits at most `timeout`."""
    master = settings.paths.master
    stamp = master.stat().st_mtime_ns if master.exists() else 0
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            now_stamp = master.stat().st_mtime_ns
        except FileNotFoundError:
            now_stamp = stamp
        if now_stamp != stamp:
            seen = time.time()
            found = read_master(master)
            if found is not None:
                stamp = found[0]
                if name in found[1]:
                    return seen
        if not alive():
            raise SoakFailed("the watcher stopped")
        time.sleep(0.02)
    raise SoakFailed(f"{name} not in the master after {timeout:.0f} s")


def latencies(
    stored: int, work: Path, *, files: int, stable: float, poll: float | None, forms: list[bytes]
) -> tuple[list[float], list[Run]]:
    """(drop → visible of each measured form, the bare xlsxwriter write of the board after each)."""
    settings = boards.copy_board(stored, work / "werkmap", stable=stable)
    watcher = start_watch(settings, poll=poll, output=work / "watcher.log")
    rng = random.Random(stored)
    found: list[float] = []
    bare: list[Run] = []
    try:

        def alive() -> bool:
            return watcher.poll() is None

        timeout = 120 + stored / 500  # a full rebuild at 50k takes about 10 s; the start more
        for i, data in enumerate(forms[: files + 1]):
            name = f"melding {i:04d}.xlsx"
            dropped = drop(settings.paths.inbox, name, data)
            visible = seen_in_master(settings, name, alive=alive, timeout=timeout)
            if i > 0:  # the first is the warm-up
                found.append(visible - dropped)
                bare.append(master.writer("xlsxwriter", settings))  # while the watcher is idle
            time.sleep(rng.random())
    finally:
        stop_watcher(watcher)
    shutil.rmtree(work / "werkmap")
    return found, bare


def start_watch(settings: Settings, *, poll: float | None, output: Path) -> subprocess.Popen[bytes]:
    """`veiligheid watch`, the real command, with file events or --poll; what it says goes to `output`."""
    command = [sys.executable, "-m", "automation", "--config", str(settings.paths.config), "watch"]
    command += ["--poll", f"{poll:g}"] if poll else []
    with open(output, "wb") as out:  # the child keeps its own handle
        return subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stored", type=int, nargs="+", default=[20_000, 50_000], help="registrations stored")
    parser.add_argument("--files", type=int, default=20, help="forms dropped and measured per size")
    parser.add_argument("--stable", type=float, default=0.5, help="the board's stabiel_seconden")
    parser.add_argument("--poll", type=float, default=None, help="the watcher's --poll (default: file events)")
    parser.add_argument("--json", type=Path, help="also write the rows, every run included, to this JSON file")
    args = parser.parse_args(argv)
    how = f"--poll {args.poll:g}" if args.poll else "file events"
    report = Report(f"Drop → visible in the master, `veiligheid watch` ({how}, stabiel_seconden {args.stable:g})")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        settings = boards.copy_board(min(args.stored), work / "vormen")
        forms = boards.forms(settings, work, args.files + 1, prefix="W-")
        for stored in args.stored:
            found, bare = latencies(stored, work, files=args.files, stable=args.stable, poll=args.poll, forms=forms)
            goal = GOALS.get(stored, 1.5)
            report.add(
                Row(
                    f"drop → visible, watch, {stored} stored",
                    Series("drop → visible", tuple(Run(s) for s in found)),
                    Series("bare xlsxwriter", tuple(bare)),
                    Goal(seconds=goal, stat="p95", text=f"p95 < {goal:g} s"),
                    note=f"{len(found)} forms one at a time; the goal is absolute, the ratio for scale",
                )
            )
    report.finish(args.json, extra={"stable": args.stable, "poll": args.poll})


if __name__ == "__main__":
    main()
