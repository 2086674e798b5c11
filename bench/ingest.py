"""Intake throughput against its floors, measured in one run, interleaved, on the same disk.

    python bench/ingest.py [--n 300] [--rounds 5] [--no-fsync] [--dir /path/on/the/disk] [--json FILE]

Each run drops N distinct, valid incident forms in a fresh working folder (a `process` of its empty
inbox made the database and the master first, untimed, as every run after the first finds them) and
times `process` as a user runs it (recognise, read, validate, archive, store, confirm, remove from
the inbox, write the master). Interleaved with it (bench/harness.py: the order rotates per round), on the same disk and
on fresh copies of the same files, it times:
- the bare read: python-calamine opening each file and reading its form sheet;
- the file-system floor of the intake's design, without any Python form work: per file the claim's
  rename, reading the bytes, the archive's own copy (temp file, chmod 0444, rename into its hashed
  sub-folder), removing the claimed file and creating a small confirmation; per group of `BATCH`
  files one `sync` (as `files.make_durable` does, when fsync is on). Three variants:
  `copy` (this design), `copy + fsync` (an fsync of each copy and its folder besides the group's
  sync) and `link` (the design before: a hard link to the claimed file instead of a copy);
- `read + floor: copy`: the floor with the bare read of each claimed file inside it, in one timed
  loop: the baseline of the issue's goal (process ≤ 1.3x the read plus the file-system work).
Each measurement's files are prepared before its clock starts and the disk is synced (untimed) first,
so none pays for writing out what was prepared or done before it. Every round has its own N forms
(all sides of a round get copies of the same ones): the intake remembers the parts of a workbook it
has checked (forms made from one blank share most of them), so the same forms again in every round
would spare it the checks each new form costs it. Printed: the first (cold) run and
the median of each, and ratios of medians and of first runs; nothing is subtracted from anything.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
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
from bench.harness import Goal, Report, Run, add_options, compare, interleave  # noqa: E402

MARKER = "BENCH-000000"
FLOORS = ("copy", "copy + fsync", "link")


def make_forms(folder: Path, n: int, *, rounds: int = 1) -> list[list[bytes]]:
    """One filled form, then per round N copies that differ in one text from each other and from
    every other round's (fast: a zip rewrite each)."""
    settings, _ = init_workspace(folder, stable_seconds=0, damaged_after=0)
    blank_dir = folder / "formulieren"
    app.write_forms(settings, blank_dir)
    values = demo.incident(random.Random(1), dt.date.today(), "12AB") | {"omschrijving": MARKER}
    seed = fill_form(blank_dir / form_file_name(FORMS["incident"]), values, folder / "seed.xlsx").read_bytes()
    return [list(variants(seed, marker=MARKER, count=n, prefix=f"R{r:03d}-")) for r in range(rounds)]


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
    app.process(settings)  # the empty inbox: database, marks and master made, as every later run finds them
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
        read_form_sheet(path)
    return time.perf_counter() - start


def read_form_sheet(path: Path) -> None:
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    book.get_sheet_by_name("Formulier").to_python()
    book.close()


def floor(folder: Path, paths: list[Path], prefixes: list[str], *, keep: str, fsync: bool, read: bool = False) -> float:
    """The intake's file-system work for these files, nothing else (see the module docstring);
    with `read`, each claimed file's form sheet is also read with python-calamine."""
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
            if read:
                read_form_sheet(mine)
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


def sides(base: Path, form_sets: list[list[bytes]], *, fsync: bool) -> dict[str, Callable[[], Run]]:
    """Each measurement on its own fresh copies of the forms, made before the clock starts, and the
    disk synced (untimed) so no step pays for writing out what was prepared or done before it. A
    side's k-th run (round k: every side runs once a round) takes the k-th set of forms."""
    counter = iter(range(10**9))
    prefixes = [[hashlib.sha256(data).hexdigest()[:2] for data in forms] for forms in form_sets]

    def rounds() -> Callable[[], int]:
        """The set of forms for each next run of one side."""
        runs = iter(range(10**9))
        return lambda: next(runs) % len(form_sets)

    def fresh(kind: str) -> Path:
        folder = base / f"{kind} {next(counter)}"
        folder.mkdir(parents=True)
        return folder

    def process(nth: Callable[[], int]) -> Run:
        folder = fresh("werkmap")
        settings, n = working_folder(folder, form_sets[nth()], fsync=fsync)
        os.sync()
        run = Run(timed_process(settings, n))
        shutil.rmtree(folder)
        return run

    def read(nth: Callable[[], int]) -> Run:
        folder = fresh("lezen")
        paths = put(folder, form_sets[nth()])
        os.sync()
        run = Run(bare_read(paths))
        shutil.rmtree(folder)
        return run

    def the_floor(keep: str, nth: Callable[[], int], *, with_read: bool = False) -> Run:
        folder = fresh("vloer")
        k = nth()
        paths = put(folder / "inbox", form_sets[k])
        os.sync()
        run = Run(floor(folder, paths, prefixes[k], keep=keep, fsync=fsync, read=with_read))
        shutil.rmtree(folder)
        return run

    found: dict[str, Callable[[], Run]] = {"process": partial(process, rounds()), "bare read": partial(read, rounds())}
    found["read + floor: copy"] = partial(the_floor, "copy", rounds(), with_read=True)
    for name in FLOORS:
        found[f"floor: {name}"] = partial(the_floor, name, rounds())
    return found


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=300, help="forms per run")
    parser.add_argument("--no-fsync", action="store_true", help="turn fsync off (less safe on power loss)")
    parser.add_argument("--dir", type=Path, default=None, help="where to work (the disk measured)")
    add_options(parser, rounds=5)
    args = parser.parse_args(argv)
    fsync = not args.no_fsync
    where = args.dir or Path(tempfile.gettempdir())
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        base = Path(tmp)
        form_sets = make_forms(base / "zaad", args.n, rounds=args.rounds)
        found = interleave(sides(base / "runs", form_sets, fsync=fsync), rounds=args.rounds)
    n = args.n
    report = Report(f"Intake: {n} forms per run, fsync {'on' if fsync else 'off'}, in {where}")
    rows = (
        ("intake per form", "process", "read + floor: copy", Goal(ratio=1.3, text="≤ 1.3x (read + floor)")),
        ("intake against the bare read", "process", "bare read", Goal(text="(for scale)")),
        ("intake against the file-system floor", "process", "floor: copy", Goal(text="(for scale)")),
        ("floor: archive copy against hard link", "floor: copy", "floor: link", Goal(text="(the design's price)")),
        ("floor: fsync each copy against one sync", "floor: copy + fsync", "floor: copy", Goal(text="(for scale)")),
    )
    for work, ours, base_label, goal in rows:
        report.add(compare(work, found, ours, base_label, goal=goal))
    per_form = ", ".join(f"{label} {series.median / n * 1e3:.2f} ms" for label, series in found.items())
    report.rows[0] = replace(report.rows[0], note=f"per form (medians): {per_form}")
    report.finish(args.json, extra={"forms": n, "fsync": fsync})


if __name__ == "__main__":
    main()
