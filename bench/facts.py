"""The board's facts asked again after one new registration, as the watcher's master writes ask them:
with each registration's facts kept from the call before (`checks.kept.KeptFacts`) against worked out
afresh, on generated boards of 20,000 and 50,000 registrations; and the figures `status` shows
(`checks.board.board_summary`, counted in SQL) against the same figures from the facts afresh.

    python bench/facts.py [--stored 20000 50000] [--rounds 5] [--json FILE]

One process, warm (the facts are asked in a long-lived process: the watcher's master thread); the
sides interleaved. Before each timed call, untimed, one new registration goes into the store through
its own methods, so every call has one registration it has not seen. The kept side was filled by one
untimed call first. No goal in issue 14 for these: they are parts of the master's write and of `status`.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from automation.checks.board import board_facts, board_summary  # noqa: E402
from automation.checks.kept import KeptFacts  # noqa: E402
from automation.config import Settings  # noqa: E402
from automation.schoolyear import schoolyear  # noqa: E402
from automation.store import Store  # noqa: E402
from bench import boards  # noqa: E402
from bench.harness import Goal, Report, Row, Run, add_options, interleave, timed  # noqa: E402

NO_GOAL = Goal(text="none (a part of the master's write)")


def one_new(settings: Settings, store: Store, rng: random.Random) -> None:
    """One registration more, as the intake stores it (untimed)."""
    with store.transaction():
        n = rng.randrange(10**9)
        brin = rng.choice(sorted(settings.schools))
        boards.store_incident(store, rng, brin, name=f"nieuw {n}", ref=f"NB-{n:010X}", at="2026-11-28T09:00:00")


def after_one_new(
    settings: Settings, store: Store, rng: random.Random, work: Callable[[], object]
) -> Callable[[], Run]:
    def run() -> Run:
        one_new(settings, store, rng)
        return timed(work)

    return run


def one_board(stored: int, folder: Path, *, rounds: int) -> list[Row]:
    settings = boards.copy_board(stored, folder)
    store = Store.open(settings.paths.database, create=False, durable=False)
    today = boards.TODAY
    year = schoolyear(today)
    kept = KeptFacts()
    board_facts(store, settings.board, choices=settings.choices, schooljaar=year, today=today, kept=kept)  # untimed

    def facts(keep: KeptFacts | None) -> Callable[[], object]:
        return lambda: board_facts(
            store, settings.board, choices=settings.choices, schooljaar=year, today=today, kept=keep
        )

    rng = random.Random(stored)
    try:
        found = interleave(
            {
                "kept": after_one_new(settings, store, rng, facts(kept)),
                "afresh": after_one_new(settings, store, rng, facts(None)),
                "status figures": after_one_new(
                    settings, store, rng, lambda: board_summary(store, settings.board, schooljaar=year, today=today)
                ),
            },
            rounds=rounds,
        )
    finally:
        store.close()
    return [
        Row(f"board's facts, kept, {stored} stored", found["kept"], found["afresh"], NO_GOAL),
        Row(
            f"status's figures in SQL, {stored} stored",
            found["status figures"],
            found["afresh"],
            Goal(text="none (a part of `status`)"),
        ),
    ]


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stored", type=int, nargs="+", default=[20_000, 50_000], help="registrations on the board")
    add_options(parser, rounds=5)
    args = parser.parse_args(argv)
    report = Report("The board's facts, asked again after one new registration (one warm process)")
    with tempfile.TemporaryDirectory() as tmp:
        for stored in args.stored:
            for row in one_board(stored, Path(tmp) / f"board-{stored}", rounds=args.rounds):
                report.add(row)
    report.finish(args.json)


if __name__ == "__main__":
    main()
