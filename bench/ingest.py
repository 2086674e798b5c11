"""Intake throughput against its floors, measured in one run, interleaved, on the same disk.

    python bench/ingest.py [--n 300] [--rounds 5] [--no-fsync] [--dir /path/on/the/disk]

Each round drops N distinct, valid incident forms in a fresh working folder and times `process` as a
user runs it (recognise, read, validate, archive, store, confirm, remove from the inbox, write the
master). In the same round, on the same disk and on fresh copies of the same files, it times:
- the bare read: python-calamine opening each file and reading its form sheet;
- the file-system floor of the intake's design, without any Python form work: per file the claim's
  rename, reading the bytes, the archive's own copy (temp file, chmod 0444, rename into its hashed
  sub-folder), removing the claimed file and creating a small confirmation; per group of `BATCH`
  files one `sync` (as `files.make_durable` does, when fsync is on). Three variants:
  `copy` (this design), `copy + fsync` (an fsync of each copy and its folder besides the group's
  sync) and `link` (the design before: a hard link to the claimed file instead of a copy).
The order of the measurements rotates per round, and the disk is synced (untimed) before each, so
none pays for writing out what was prepared or measured before it. Printed: the first (cold) round and the median of
all rounds, per measurement; nothing is subtracted from anything.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import python_calamine

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from automation import app, demo  # noqa: E402
from automation.config import Settings, load_settings  # noqa: E402
from automation.excel.build_form import form_file_name  # noqa: E402
from automation.excel.fill import fill_form, variants  # noqa: E402
from automation.forms import FORMS  # noqa: E402
from automation.intake.runner import BATCH  # noqa: E402
from automation.workspace import init_workspace  # noqa: E402

MARKER = "BENCH-000000"
FLOORS = ("copy", "copy + fsync", "link")


def make_forms(folder: Path, n: int) -> list[bytes]:
    """One filled form, then N copies that differ in one text (fast: a zip rewrite each)."""
    settings, _ = init_workspace(folder, stable_seconds=0, damaged_after=0)
    blank_dir = folder / "formulieren"
    app.write_forms(settings, blank_dir)
    values = demo.incident(random.Random(1), dt.date.today(), "12AB") | {"omschrijving": MARKER}
    seed = fill_form(blank_dir / form_file_name(FORMS["incident"]), values, folder / "seed.xlsx").read_bytes()
    return list(variants(seed, marker=MARKER, count=n, prefix="BENCH-"))


def put(folder: Path, forms: list[bytes]) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, data in enumerate(forms):
        path = folder / f"melding {i:06d}.xlsx"
        path.write_bytes(data)
        paths.append(path)
    return paths


def working_folder(folder: Path, forms: list[bytes], *, fsync: bool) -> tuple[Settings, int]:
    settings, _ = init_workspace(folder, stable_seconds=0, damaged_after=0)
    if not fsync:
        config = settings.paths.config
        config.write_text(config.read_text().replace("fsync = true", "fsync = false"))
    settings = load_settings(settings.paths.config)
    put(settings.paths.inbox, forms)
    return settings, len(forms)


def timed_process(settings: Settings, n: int) -> float:
    start = time.perf_counter()
    counts = app.process(settings)
    elapsed = time.perf_counter() - start
    assert counts.accepted == n, counts
    return elapsed


def bare_read(paths: list[Path]) -> float:
    start = time.perf_counter()
    for path in paths:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
        book.get_sheet_by_name("Formulier").to_python()
        book.close()
    return time.perf_counter() - start


def floor(folder: Path, paths: list[Path], prefixes: list[str], *, keep: str, fsync: bool) -> float:
    """The intake's file-system work for these files, nothing else (see the module docstring)."""
    staging = paths[0].parent / ".verwerking"
    archive = folder / "archief"
    receipts = folder / "bevestigingen"
    archive.mkdir()
    receipts.mkdir()
    made: set[Path] = set()
    start = time.perf_counter()
    staging.mkdir()
    for first in range(0, len(paths), BATCH):
        claimed = []
        for path, prefix in zip(paths[first : first + BATCH], prefixes[first : first + BATCH], strict=True):
            mine = staging / path.name
            path.rename(mine)  # the claim
            data = mine.read_bytes()
            sub = archive / prefix
            if sub not in made:
                sub.mkdir(exist_ok=True)
                made.add(sub)
            target = sub / f"{prefix} {path.name}"
            if keep == "link":
                os.link(mine, target)
            else:
                keep_copy(target, data, fsync_each=keep == "copy + fsync")
            claimed.append(mine)
        if fsync:
            os.sync()  # files.make_durable: the group's copies and names, before the commit
        for mine in claimed:
            mine.unlink()  # released after the commit
            with open(receipts / f"{mine.stem}.txt", "xb") as receipt:
                receipt.write(b"Ontvangen: " + mine.name.encode() + b"\r\n")
    staging.rmdir()
    return time.perf_counter() - start


def keep_copy(target: Path, data: bytes, *, fsync_each: bool) -> None:
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, data)
        if fsync_each:
            os.fsync(fd)
        os.fchmod(fd, 0o444)
    finally:
        os.close(fd)
    tmp.rename(target)
    if fsync_each:
        dir_fd = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def one_round(base: Path, forms: list[bytes], prefixes: list[str], *, index: int, fsync: bool) -> dict[str, float]:
    """Every measurement once, each on its own fresh copies of the forms, in an order that rotates."""
    round_dir = base / f"ronde {index}"
    settings, n = working_folder(round_dir / "werkmap", forms, fsync=fsync)
    read_paths = put(round_dir / "lezen", forms)
    floor_paths = {name: put(round_dir / f"vloer {i}" / "inbox", forms) for i, name in enumerate(FLOORS)}
    steps: list[tuple[str, Callable[[], float]]] = [
        ("process", lambda: timed_process(settings, n)),
        ("bare read", lambda: bare_read(read_paths)),
    ]
    for i, name in enumerate(FLOORS):
        run = partial(floor, round_dir / f"vloer {i}", floor_paths[name], prefixes, keep=name, fsync=fsync)
        steps.append((f"floor: {name}", run))
    shift = index % len(steps)
    figures = {}
    for label, run in steps[shift:] + steps[:shift]:
        os.sync()  # untimed: no step pays for writing out what was prepared or done before it
        figures[label] = run()
    shutil.rmtree(round_dir)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=300, help="forms per round")
    parser.add_argument("--rounds", type=int, default=5, help="rounds; the first is reported on its own too")
    parser.add_argument("--no-fsync", action="store_true", help="turn fsync off (less safe on power loss)")
    parser.add_argument("--dir", type=Path, default=None, help="where to work (the disk measured)")
    args = parser.parse_args()
    fsync = not args.no_fsync
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        base = Path(tmp)
        forms = make_forms(base / "zaad", args.n)
        prefixes = [hashlib.sha256(data).hexdigest()[:2] for data in forms]
        rounds = [one_round(base, forms, prefixes, index=i, fsync=fsync) for i in range(args.rounds)]
    report(rounds, n=args.n, fsync=fsync, where=args.dir or Path(tempfile.gettempdir()))


def report(rounds: list[dict[str, float]], *, n: int, fsync: bool, where: Path) -> None:
    first = rounds[0]
    median = {label: statistics.median(r[label] for r in rounds) for label in first}
    print(f"{n} forms per round, {len(rounds)} rounds, fsync {'on' if fsync else 'off'}, in {where}")
    print(f"{'':32}{'first round':>20}{f'median of {len(rounds)}':>22}")
    for label in ("bare read", "process", *(f"floor: {name}" for name in FLOORS)):
        cold, mid = first[label], median[label]
        print(f"{label:32}{cold:8.3f} s {cold / n * 1e3:6.3f} ms/form{mid:8.3f} s {mid / n * 1e3:6.3f} ms/form")
    print("ratios (median; first round in brackets):")
    for top, bottom in (
        ("process", "bare read"),
        ("floor: copy", "floor: link"),
        ("floor: copy + fsync", "floor: copy"),
        ("process", "floor: copy"),
    ):
        print(f"  {top + ' / ' + bottom:40}{median[top] / median[bottom]:6.2f}x  ({first[top] / first[bottom]:.2f}x)")


if __name__ == "__main__":
    main()
