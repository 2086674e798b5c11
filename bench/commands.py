"""The command line as a user meets it: `veiligheid --help`, `veiligheid status` and `veiligheid process`
with one form on a board of 20,000 registrations, each a fresh process, timed from outside.

    python bench/commands.py [--stored 20000] [--rounds 7] [--json FILE]

Every run is a new process (so every run pays its imports, like a user's; the first is the coldest,
the disk cache aside), and the runs are interleaved: a bare click program's `--help` (one group, one
command: the floor of any click command line), `veiligheid --help`, `veiligheid status` on the board,
and `veiligheid process` on a fresh copy of the board (copied before the clock starts) with one
valid form in the inbox that settled before the run (written, then `stabiel_seconden` waited out,
untimed: its ctime counts, so the wait cannot be faked). Rows: `--help` against the bare program
(goal ≤ 3x), `status` against 0.25 s (and the bare program, for scale), `process` against 1.0 s
wall. Nothing is subtracted: interpreter start is in every figure on both sides.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import boards  # noqa: E402
from bench.harness import Goal, Report, Row, Run, add_options, interleave, wall  # noqa: E402

BARE_CLICK = '''import click


@click.group()
def main() -> None:
    """A bare click program."""


@main.command()
def status() -> None:
    """Say nothing."""


main()
'''


def veiligheid() -> list[str]:
    """The console script as installed beside this Python, else the module."""
    script = Path(sys.executable).parent / "veiligheid"
    return [str(script)] if script.exists() else [sys.executable, "-m", "automation"]


def process_once(stored: int, folder: Path, form: bytes) -> Run:
    settings = boards.copy_board(stored, folder)  # untimed
    boards.settled(settings.paths.inbox / "melding bench.xlsx", form, quiet=settings.board.intake.stabiel_seconden)
    run = wall([*veiligheid(), "--config", str(settings.paths.config), "process"])
    shutil.rmtree(folder)
    return run


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stored", type=int, default=20_000, help="registrations on the board")
    add_options(parser, rounds=7)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        bare = work / "bare_click.py"
        bare.write_text(BARE_CLICK, encoding="utf-8")
        settings = boards.copy_board(args.stored, work / "status")
        form = boards.forms(settings, work, 1, prefix="CMD-")[0]
        config = str(settings.paths.config)
        sides = {
            "bare click --help": lambda: wall([sys.executable, str(bare), "--help"]),
            "veiligheid --help": lambda: wall([*veiligheid(), "--help"]),
            "veiligheid status": lambda: wall([*veiligheid(), "--config", config, "status"]),
            "veiligheid process": lambda: process_once(args.stored, work / "process", form),
        }
        found = interleave(sides, rounds=args.rounds)
    report = Report(f"The command line, fresh processes, {args.stored} registrations stored")
    bare_help = found["bare click --help"]
    report.add(Row("`veiligheid --help`", found["veiligheid --help"], bare_help, Goal(ratio=3, text="≤ 3x bare click")))
    report.add(Row("`veiligheid status`", found["veiligheid status"], bare_help, Goal(seconds=0.25, text="≤ 0.25 s")))
    report.add(
        Row(
            f"`process`, one form, {args.stored} stored",
            found["veiligheid process"],
            None,
            Goal(seconds=1.0, text="< 1.0 s wall"),
            note="wall time of the whole command (imports, the form, the master; the form settled before it); absolute",
        )
    )
    report.finish(args.json)


if __name__ == "__main__":
    main()
