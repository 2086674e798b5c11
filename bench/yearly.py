"""Signals and the yearly report against the master's summary sheets, on a board of 40 schools with
20,000 registrations in all (issue 15: "in under 2x the time the master's summary sheets take").

    python bench/yearly.py [--schools 40] [--stored 20000] [--rounds 7] [--json FILE]

The board: 40 schools, each with a school form, and the registrations spread over them as incident
registrations of this school year and the last (so the report compares), pupils' pseudonyms drawn from
a pool (so some pupils come back and the repeat rule has work); stored through the store's own methods
and kept in the bench cache (bench/boards.py's folder). One process, the two sides interleaved (A B,
B A, …); the first run of each is its cold one (it loads its own libraries: xlsxwriter, or docxtpl and
matplotlib), the rest warm. Before each run, untimed, the charts and compressed parts an earlier run
remembered are forgotten, as a new process has none.

- `summary sheets`: what the master's writer does for its summary sheets: the board's facts from the
  store (`board_facts`), then Overzicht (with its chart data), Peilingen, Monitorcheck, Voortgang, Scholen
  and Vensters written into an xlsxwriter workbook (constant_memory, as the master) and closed. Not the
  registers and the Logboek (rows of the store, not summary sheets); the Overzicht without its signals
  (those are the other side's work).
- `signals + report`: the board's facts from the store, each school's signals (`Store.pupil_involvements`
  and `checks.signals.signals_of`, as the master and the digest ask them), the measures, the yearly
  report's data, its template read and compiled, rendered with its charts and written.

Both sides read the board's facts, so both pay for them; nothing is subtracted from either side.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import random
import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from automation import demo  # noqa: E402
from automation.checks.board import BoardFacts, board_facts  # noqa: E402
from automation.config import Settings, load_settings  # noqa: E402
from automation.store import ACCEPTED, Store, Submission  # noqa: E402
from automation.workspace import init_workspace  # noqa: E402
from bench import boards  # noqa: E402
from bench.harness import Goal, Report, Row, Run, add_options, interleave, timed  # noqa: E402

VERSION = 1  # raise when the way the board is made changes
TODAY = boards.TODAY
YEAR = "2026-2027"
MOMENT = dt.datetime(2026, 11, 28, 12, 0)
PUPILS_PER_SCHOOL = 150  # the pool of pseudonyms per school: some pupils come back


def board(schools: int, stored: int) -> Path:
    """The cached working folder of the board; made if missing."""
    folder = boards.cache() / f"yearly-{schools}-{stored}-v{VERSION}-{boards.schema_stamp()}"
    if (folder / "klaar").exists():
        return folder / "werkmap"
    if folder.exists():
        shutil.rmtree(folder)
    print(f"(making a board of {schools} schools, {stored} registrations in {folder}; kept)", file=sys.stderr)
    names = {f"{i:02d}BY": f"Basisschool De Eik {i}" for i in range(schools)}
    settings, _ = init_workspace(folder / "werkmap", board="Stichting Bench", schools=names, stable_seconds=0)
    fill(load_settings(settings.paths.config), stored)
    (folder / "klaar").write_text("ok\n")
    return folder / "werkmap"


def fill(settings: Settings, stored: int) -> None:
    store = Store.open(settings.paths.database, create=True, durable=False)
    rng = random.Random(stored)
    brins = sorted(settings.schools)
    try:
        with store.transaction():  # through the store's own methods, as the intake stores them
            for brin in brins:
                form = demo.school_form(TODAY, "12AB") | {"school": brin, "schoolnaam": settings.schools[brin]}
                _store(store, "school", "SCH", brin, form["datum_ingevuld"], form, name=f"school {brin}")
            for i in range(stored):
                brin = brins[i % len(brins)]
                data = demo.incident(rng, TODAY, "12AB") | {"school": brin}
                data["datum"] = TODAY - dt.timedelta(days=rng.randint(1, 480))  # this school year and the last
                data["datum_ingevuld"] = data["datum"]
                data["evaluatie_datum"] = None
                data["leerling_ref"] = (
                    f"LL-{hashlib.sha256(f'{brin}{rng.randrange(PUPILS_PER_SCHOOL)}'.encode()).hexdigest()[:10].upper()}"
                )
                data["tijd"] = data["tijd"].strftime("%H:%M")  # as validation stores it
                _store(store, "incident", "INC", brin, data["datum"], data, name=f"melding {i}")
    finally:
        store.close()


def _store(
    store: Store, form_id: str, prefix: str, brin: str, day: dt.date, data: dict[str, Any], *, name: str
) -> None:
    regnr = store.next_regnr(prefix, day.year)
    at = f"{day.isoformat()}T10:00:00"
    sha = hashlib.sha256(name.encode()).hexdigest()
    sub = Submission(at, f"{name}.xlsx", f"inbox/{name}.xlsx", sha, 9000, "archief/x/x", form_id=form_id,
                     form_version=1, outcome=ACCEPTED)  # fmt: skip
    sub_id = store.add_submission(sub, run_id=None, regnr=regnr)
    store.insert_record(regnr=regnr, form_id=form_id, school=brin, event_date=day.isoformat(), data=data,
                        submission_id=sub_id, at=at)  # fmt: skip


def facts_of(store: Store, settings: Settings) -> BoardFacts:
    return board_facts(store, settings.board, choices=settings.choices, schooljaar=YEAR, today=TODAY)


def summary_sheets(store: Store, settings: Settings, out: Path) -> None:
    """The master's summary sheets, as its writer renders them (excel.master: the Overzicht, then
    `write_summary_sheets`), from fresh facts."""
    import xlsxwriter

    from automation.excel import master
    from automation.excel.overview_sheet import write_overview
    from automation.excel.tables import Formats

    facts = facts_of(store, settings)
    wb = xlsxwriter.Workbook(str(out), {"constant_memory": True})
    fmt = Formats(wb)
    write_overview(wb, facts, generated=MOMENT, signals={})
    master.write_summary_sheets(wb, facts, fmt, generated=MOMENT)
    wb.close()
    out.unlink()


def signals_and_report(store: Store, settings: Settings) -> None:
    """Each school's signals and the yearly report, written, from fresh facts."""
    from automation.checks.signals import involvements_of, signals_of, since
    from automation.documents import jaarverslag
    from automation.documents.generate import template_folders

    facts = facts_of(store, settings)
    cfg = settings.board.signalen
    involvements = involvements_of(store.pupil_involvements("incident", since=since(TODAY, cfg).isoformat()))
    signals = {brin: signals_of(school, involvements, today=TODAY, cfg=cfg) for brin, school in facts.schools.items()}
    assert len(signals) == len(facts.schools)
    template, _ = jaarverslag.load_template(template_folders(settings))
    context = jaarverslag.yearly_context(facts, measures=jaarverslag.school_measures(store, facts))
    target = jaarverslag.report_folder(settings) / jaarverslag.output_name(YEAR)
    template.render(context, target, title="bench", author=facts.board, at=MOMENT)


def fresh(work: Any) -> Run:
    """One run, after forgetting what an earlier run of this process remembered (untimed)."""
    from automation.documents import charts, package

    charts.forget_drawn()
    package.forget_compressed()
    return timed(work)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--schools", type=int, default=40)
    parser.add_argument("--stored", type=int, default=20_000, help="registrations in all")
    add_options(parser, rounds=7)
    args = parser.parse_args(argv)
    source = board(args.schools, args.stored)
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "werkmap"
        shutil.copytree(source, copy)
        settings = load_settings(copy / "veiligheid.toml")
        store = Store.open(settings.paths.database, create=False)
        try:
            found = interleave(
                {
                    "summary sheets": lambda: fresh(lambda: summary_sheets(store, settings, Path(tmp) / "s.xlsx")),
                    "signals + report": lambda: fresh(lambda: signals_and_report(store, settings)),
                },
                rounds=args.rounds,
            )
        finally:
            store.close()
    report = Report(f"Signals and the yearly report, {args.schools} schools, {args.stored} registrations (one process)")
    report.add(
        Row(
            f"signals + yearly report, {args.schools} schools, {args.stored} stored",
            found["signals + report"],
            found["summary sheets"],
            Goal(ratio=2, text="< 2x the master's summary sheets"),
            note="both sides read the board's facts from the store; the first run of each is cold (its libraries)",
        )
    )
    report.finish(args.json)


if __name__ == "__main__":
    main()
