"""Intake throughput against the bare read of the same files by python-calamine, in one run.

    python bench/ingest.py [--n 1000] [--no-fsync]

Drops N distinct, valid incident forms in a fresh working folder, times `process` (recognise, read,
validate, archive, store, remove from the inbox, rebuild the master), and times python-calamine
merely opening each file and reading its form sheet. Prints both and the ratio (goal: ≤ 3×).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import python_calamine

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from automation import app, demo  # noqa: E402
from automation.config import load_settings  # noqa: E402
from automation.excel.build_form import form_file_name  # noqa: E402
from automation.excel.fill import fill_form, variants  # noqa: E402
from automation.excel.master import write_board_master  # noqa: E402
from automation.forms import FORMS  # noqa: E402
from automation.store import Store  # noqa: E402
from automation.workspace import init_workspace  # noqa: E402

MARKER = "BENCH-000000"


def make_forms(folder: Path, inbox: Path, n: int) -> list[Path]:
    """One filled form, then N copies that differ in one text (fast: a zip rewrite each)."""
    settings = load_settings(folder / "veiligheid.toml")
    blank_dir = folder / "formulieren"
    app.write_forms(settings, blank_dir)
    values = demo.incident(random.Random(1), dt.date.today(), "12AB") | {"omschrijving": MARKER}
    seed = fill_form(blank_dir / form_file_name(FORMS["incident"]), values, folder / "seed.xlsx").read_bytes()
    paths = []
    for i, data in enumerate(variants(seed, marker=MARKER, count=n, prefix="BENCH-")):
        path = inbox / f"melding {i:06d}.xlsx"
        path.write_bytes(data)
        paths.append(path)
    return paths


def bare_read(paths: list[Path]) -> float:
    start = time.perf_counter()
    for path in paths:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
        book.get_sheet_by_name("Formulier").to_python()
        book.close()
    return time.perf_counter() - start


def run_once(n: int, *, fsync: bool) -> tuple[float, float, float]:
    """(bare read, process, master rebuild) seconds for one fresh working folder."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "werkmap"
        settings, _ = init_workspace(folder, stable_seconds=0, damaged_after=0)
        if not fsync:
            config = settings.paths.config
            config.write_text(config.read_text().replace("fsync = true", "fsync = false"))
        settings = load_settings(settings.paths.config)
        paths = make_forms(folder, settings.paths.inbox, n)
        read_s = bare_read(paths)
        start = time.perf_counter()
        counts = app.process(settings)
        process_s = time.perf_counter() - start
        assert counts.accepted == n, counts
        start = time.perf_counter()
        store = Store.open(settings.paths.database, create=False)
        tmp = write_board_master(store, settings, generated=dt.datetime.now())
        tmp.replace(settings.paths.master)
        store.close()
        return read_s, process_s, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3, help="runs; the median of each figure is shown")
    parser.add_argument("--no-fsync", action="store_true", help="turn fsync off (less safe on power loss)")
    args = parser.parse_args()
    runs = [run_once(args.n, fsync=not args.no_fsync) for _ in range(args.repeat)]
    read_s, process_s, master_s = (statistics.median(r[i] for r in runs) for i in range(3))
    intake_s = process_s - master_s
    n = args.n
    print(f"forms: {n}, fsync {'off' if args.no_fsync else 'on'}, median of {args.repeat} runs")
    print(f"calamine bare read:            {read_s:7.3f} s  ({n / read_s:6.0f} forms/s)")
    print(f"process (intake + master):     {process_s:7.3f} s  ({n / process_s:6.0f} forms/s)")
    print(f"  of which master rebuild:     {master_s:7.3f} s")
    print(f"  intake alone:                {intake_s:7.3f} s  ({n / intake_s:6.0f} forms/s)")
    print(f"ratio process / bare read:     {process_s / read_s:7.2f}x  (goal <= 3x)")
    print(f"ratio intake / bare read:      {intake_s / read_s:7.2f}x")


if __name__ == "__main__":
    main()
