"""The master workbook: a full rebuild at 10k, 50k and 100k registrations against bare xlsxwriter
(constant_memory) writing the same rows, with peak memory; and writing one new row at 50k
incrementally against a full rebuild. Both sides in the same run, interleaved, each run a fresh process.

    python bench/master.py rebuild [--sizes 10000 50000 100000] [--rounds 3] [--json FILE]
    python bench/master.py incremental [--stored 50000] [--rounds 5] [--json FILE]

The boards come from bench/boards.py (generated registrations in the store, kept in a cache).
Each run is its own process, so its peak memory (VmHWM) is its own and every run pays its imports
and a cold store; the child times only the write and prints seconds and peak memory.

`rebuild`: `ours` is `write_board_master` with kept rows started afresh (the board's facts, every
sheet, tables, formats, typed cells, the big sheets' rows in deflated blocks: what the first write of
a day and `rebuild` do); `plain` is the same write with xlsxwriter writing and zipping every row
itself (as before issue 14; for scale); `xlsxwriter` streams the same rows (the registers and
the Logboek) from the same store queries with bare `write_row` calls in constant_memory mode: no
formats, no typed cells, no table, no summary sheets.

`incremental`: before each run (untimed) a fresh copy of the board and its master; for the
incremental side also the write before it, by the product's own writer in a process of its own (it
keeps the blocks and each registration's facts on disk); then one new registration added to the
store, and `full rebuild` (as above) or `incremental`: the product's writer in a fresh process, as
`veiligheid process` writes the master after taking a form.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from automation import app  # noqa: E402
from automation.config import Settings, load_settings  # noqa: E402
from automation.excel import master as excel_master  # noqa: E402
from automation.excel.rowcache import RowCache  # noqa: E402
from automation.store import Store  # noqa: E402
from bench import boards  # noqa: E402
from bench.harness import Goal, Report, Row, Run, add_options, child, child_report, interleave  # noqa: E402

MOMENT = dt.datetime(2026, 11, 28, 12, 0)
ROWS = "bench-rijen"  # in the board's .veiligheid/: the rows kept by the incremental writer's last write


def kept_rows(settings: Settings, *, fresh: bool = False) -> RowCache:
    """The product's kept rows (automation.excel.rowcache), in the bench's own folder."""
    return RowCache(settings.paths.state / ROWS, fresh=fresh)


def bare_xlsxwriter(store: Store, out: Path) -> Path:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(out), {"constant_memory": True})
    ws = wb.add_worksheet("Incidenten")
    for row, rec in enumerate(store.iter_records("incident")):
        data = json.loads(rec["data"])
        ws.write_row(row, 0, [rec["regnr"], rec["school"], *(str(v) if v is not None else "" for v in data.values())])
    log = wb.add_worksheet("Logboek")  # the master's log has a row per file too
    for row, entry in enumerate(store.iter_log()):
        log.write_row(row, 0, [str(v) if v is not None else "" for v in dict(entry).values()])
    wb.close()
    return out


def add_one(settings: Settings) -> None:
    """One new incident registration, as the intake would have stored it."""
    store = Store.open(settings.paths.database, create=False, durable=False)
    try:
        with store.transaction():
            brin = sorted(settings.schools)[0]
            boards.store_incident(store, random.Random(0), brin, name="nieuw", ref="LL-NIEUW", at="2026-11-28T11:59:00")
    finally:
        store.close()


def run_child(mode: str, config: Path) -> None:
    """In its own process: one write, timed; prints seconds and peak memory as JSON."""
    settings = load_settings(config)
    store = Store.open(settings.paths.database, create=False, durable=False)
    try:
        start = time.perf_counter()
        if mode == "xlsxwriter":
            out = bare_xlsxwriter(store, settings.paths.master.with_name("kaal.xlsx"))
        elif mode in ("prime", "incremental"):  # as `process` writes it, in a process of its own: the
            # product's writer, which keeps the blocks and the facts on disk for the next process ("prime",
            # untimed, the first write of today; "incremental", timed, the next one, after one new row)
            out = app._master_writer(settings, store)(dt.datetime.now())
        elif mode == "full":  # a full write as the product makes one: the first of a day, a new layout, `rebuild`
            out = excel_master.write_board_master(
                store, settings, generated=MOMENT, rows=kept_rows(settings, fresh=True)
            )
        else:  # "plain": xlsxwriter writing every row itself, as before issue 14 (and as tests compare with)
            out = excel_master.write_board_master(store, settings, generated=MOMENT)
        seconds = time.perf_counter() - start
    finally:
        store.close()
    out.unlink()
    print(child_report(seconds))


def writer(mode: str, settings: Settings) -> Run:
    return child([sys.executable, __file__, "--child", mode, str(settings.paths.config)])


def rebuild(sizes: Sequence[int], *, rounds: int, work: Path, report: Report) -> None:
    for n in sizes:
        settings = boards.copy_board(n, work / f"board-{n}")  # read only by the writers
        found = interleave(
            {
                "ours": partial(writer, "full", settings),
                "xlsxwriter": partial(writer, "xlsxwriter", settings),
                "plain": partial(writer, "plain", settings),
            },
            rounds=rounds,
        )
        goal = Goal(ratio=1.5, peak_mb=200, text="≤ 1.5x, peak < 200 MB")
        report.add(Row(f"full rebuild, {n} stored", found["ours"], found["xlsxwriter"], goal))
        report.add(
            Row(
                f"full rebuild, {n} stored: every row through xlsxwriter",
                found["plain"],
                found["xlsxwriter"],
                Goal(text="(for scale: the write without blocks, as before)"),
            )
        )
        shutil.rmtree(settings.paths.root)


def incremental(stored: int, *, rounds: int, work: Path, report: Report) -> None:
    def fresh_then(mode: str) -> Run:
        settings = boards.copy_board(stored, work / "board")  # untimed: a fresh copy and one new row
        if mode == "incremental":
            writer("prime", settings)  # untimed, in a process of its own: the write before, rows kept
        add_one(settings)
        return writer(mode, settings)

    found = interleave(
        {"incremental": lambda: fresh_then("incremental"), "full rebuild": lambda: fresh_then("full")}, rounds=rounds
    )
    report.add(
        Row(
            f"master: one new row at {stored}",
            found["incremental"],
            found["full rebuild"],
            Goal(ratio=0.1, text="≤ 0.1x a full rebuild"),
            note="incremental: the product's writer (app._master_writer) in a fresh process, after the write before it",
        )
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--child", nargs=2, metavar=("MODE", "CONFIG"), help=argparse.SUPPRESS)
    commands = parser.add_subparsers(dest="command")
    full = commands.add_parser("rebuild", help="full rebuild against bare xlsxwriter")
    full.add_argument("--sizes", type=int, nargs="+", default=[10_000, 50_000, 100_000])
    add_options(full, rounds=3)
    one = commands.add_parser("incremental", help="one new row: incremental against full rebuild")
    one.add_argument("--stored", type=int, default=50_000)
    add_options(one, rounds=5)
    args = parser.parse_args(argv)
    if args.child:
        run_child(args.child[0], Path(args.child[1]))
        return
    if args.command is None:
        parser.error("say which: rebuild or incremental")
    with tempfile.TemporaryDirectory() as tmp:
        if args.command == "rebuild":
            report = Report("Master: full rebuild against bare xlsxwriter (constant_memory), fresh processes")
            rebuild(args.sizes, rounds=args.rounds, work=Path(tmp), report=report)
        else:
            report = Report("Master: one new row, incremental against a full rebuild, fresh processes")
            incremental(args.stored, rounds=args.rounds, work=Path(tmp), report=report)
    report.finish(args.json)


if __name__ == "__main__":
    main()
