"""Master rebuild time and peak memory at 10k, 50k and 100k registrations, against xlsxwriter's
constant_memory mode writing the same rows, in the same run.

    python bench/master.py [--sizes 10000 50000 100000]

For each size a store is filled with generated incident registrations (straight into SQLite: the
intake is not what is measured here). Each writer then runs in its own process so its peak memory
(ru_maxrss) is its own: `ours` is the board's facts plus `render_master` (all sheets, tables, formats, typed cells);
`baseline` streams the same rows (register and log) from the same queries with bare `write_row`
calls: no formats, no typed cells, no table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import xlsxwriter

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from automation import demo  # noqa: E402
from automation.checks.board import board_facts  # noqa: E402
from automation.config import BoardConfig, School  # noqa: E402
from automation.excel.master import render_master  # noqa: E402
from automation.forms.choices import DEFAULT_CHOICES  # noqa: E402
from automation.schoolyear import schoolyear  # noqa: E402
from automation.store import ACCEPTED, Store, Submission  # noqa: E402
from automation.workspace import EXAMPLE_SCHOOLS  # noqa: E402

BRINS = sorted(EXAMPLE_SCHOOLS)


def fill_store(path: Path, n: int) -> None:
    store = Store.open(path, create=True, durable=False)
    rng = random.Random(n)
    today = dt.date(2026, 11, 28)
    subs, recs = [], []
    for i in range(1, n + 1):
        brin = BRINS[i % 3]
        data = demo.incident(rng, today, brin) | {"school": brin, "leerling_ref": f"LL-{i:010X}"}
        data["tijd"] = data["tijd"].strftime("%H:%M")  # as validation stores it
        regnr = f"INC-2026-{i:06d}"
        at = f"2026-11-{1 + i % 28:02d}T10:00:00"
        subs.append(
            (i, at, f"melding {i}.xlsx", f"/inbox/{i}", f"{i:064x}", 9000, "incident", 1, ACCEPTED, regnr, "/a")
        )
        recs.append((regnr, "incident", brin, data["datum"].isoformat(), 1, data, i, at, at))
    with store.transaction():  # through the store's own methods, as the intake stores them
        for (_, at, name, inbox, sha, size, form_id, version, outcome, regnr, archive), rec in zip(
            subs, recs, strict=True
        ):
            sub_id = store.add_submission(
                Submission(at, name, inbox, sha, size, archive, form_id=form_id, form_version=version, outcome=outcome),
                run_id=None,
                regnr=regnr,
            )
            store.insert_record(
                regnr=regnr, form_id=rec[1], school=rec[2], event_date=rec[3], data=rec[5], submission_id=sub_id, at=at
            )
    store.close()


def child(mode: str, db: Path, out: Path) -> None:
    """Runs in its own process; prints seconds and peak RSS in MB as JSON."""
    start = time.perf_counter()
    store = Store.open(db, create=False, durable=False)
    if mode == "ours":
        day = dt.datetime(2026, 11, 28)
        board = BoardConfig(bestuur="Bench", scholen=[School(brin=b, naam=n) for b, n in EXAMPLE_SCHOOLS.items()])
        facts = board_facts(store, board, choices=DEFAULT_CHOICES, schooljaar=schoolyear(day.date()), today=day.date())
        tmp = render_master(facts, store, out, generated=day)
        tmp.replace(out)
    else:
        wb = xlsxwriter.Workbook(str(out), {"constant_memory": True})
        ws = wb.add_worksheet("Incidenten")
        for row, rec in enumerate(store.iter_records("incident")):
            data = json.loads(rec["data"])
            ws.write_row(
                row, 0, [rec["regnr"], rec["school"], *(str(v) if v is not None else "" for v in data.values())]
            )
        log = wb.add_worksheet("Logboek")  # the master's log has a row per file too
        for row, entry in enumerate(store.iter_log()):
            log.write_row(row, 0, [str(v) if v is not None else "" for v in dict(entry).values()])
        wb.close()
    store.close()
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "peak_mb": peak_memory_mb()}))


def peak_memory_mb() -> float:
    """This process's peak resident memory. VmHWM, because ru_maxrss survives exec on Linux and
    would report the (large) benchmark parent's memory at fork time."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(mode: str, db: Path, out: Path) -> dict[str, float]:
    result = subprocess.run(
        [sys.executable, __file__, "--child", mode, str(db), str(out)], capture_output=True, text=True, check=True
    )
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 50_000, 100_000])
    parser.add_argument("--child", nargs=3, metavar=("MODE", "DB", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]), Path(args.child[2]))
        return
    print(f"{'rows':>8} | {'ours s':>7} {'MB':>6} | {'xlsxwriter s':>12} {'MB':>6} | {'time ratio':>10}")
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            db = Path(tmp) / f"bench-{n}.sqlite"
            fill_store(db, n)
            ours = measure("ours", db, Path(tmp) / "ours.xlsx")
            base = measure("baseline", db, Path(tmp) / "base.xlsx")
            ratio = ours["seconds"] / base["seconds"]
            print(
                f"{n:>8} | {ours['seconds']:7.2f} {ours['peak_mb']:6.0f} | {base['seconds']:12.2f} "
                f"{base['peak_mb']:6.0f} | {ratio:9.2f}x"
            )


if __name__ == "__main__":
    main()
