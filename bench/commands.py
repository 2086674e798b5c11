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

Bytecode: as installed (pip compiles a package's modules once, at install), a start reads each
module's compiled bytecode; a shell with PYTHONDONTWRITEBYTECODE (as some development setups have)
would make every run of an editable install compile the whole product again (about 0.07 s). So the
runs get a bytecode folder of their own (PYTHONPYCACHEPREFIX, in the bench cache) and one untimed run
of each side writes it before the rounds; `--compile-every-run` leaves the environment as it is.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
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


@contextmanager
def compiled_once(*, every_run: bool) -> Iterator[None]:
    """The runs inside read bytecode written once (by the untimed first run of each side), not compile
    the product at every start: their own bytecode folder, in the bench cache. The environment is
    given back afterwards."""
    before = dict(os.environ)
    if not every_run:
        os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
        os.environ["PYTHONPYCACHEPREFIX"] = str(boards.cache() / "bytecode")
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(before)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stored", type=int, default=20_000, help="registrations on the board")
    parser.add_argument(
        "--compile-every-run", action="store_true", help="leave PYTHONDONTWRITEBYTECODE and the bytecode as they are"
    )
    add_options(parser, rounds=7)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp, compiled_once(every_run=args.compile_every_run):
        work = Path(tmp)
        bare = work / "bare_click.py"
        bare.write_text(BARE_CLICK, encoding="utf-8")
        settings = boards.copy_board(args.stored, work / "status")
        form = boards.forms(settings, work, 1, prefix="CMD-")[0]
        config = str(settings.paths.config)
        sides: dict[str, Callable[[], Run]] = {
            "bare click --help": lambda: wall([sys.executable, str(bare), "--help"]),
            "veiligheid --help": lambda: wall([*veiligheid(), "--help"]),
            "veiligheid status": lambda: wall([*veiligheid(), "--config", config, "status"]),
            "veiligheid process": lambda: process_once(args.stored, work / "process", form),
        }
        if not args.compile_every_run:
            for side in sides.values():
                side()  # untimed: writes the bytecode
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
