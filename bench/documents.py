"""Time per document for the veiligheidsplan and its twelve annexes of 30 schools, side by side
with the floor measured in the same run.

    python bench/documents.py [--schools 30] [--repeat 3]

A working folder with N schools is filled straight into SQLite (a school form, about 15
registrations and a typed-in pupil survey per school; the intake is not what is measured). Then:

- `full`: what `veiligheid plan` does: open the store, read and compile the 13 templates, read the
  facts, build each school's data with its two charts, render and save 13 documents per school;
- `floor`: the templates compiled once and every school's data (charts included) made beforehand,
  outside the clock; only rendering and saving the same 13 x N documents is timed.

Prints the median of the repeats, per document.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from automation import app, demo  # noqa: E402
from automation.checks.board import board_facts  # noqa: E402
from automation.config import Settings, load_settings  # noqa: E402
from automation.documents.catalog import DOCUMENTS  # noqa: E402
from automation.documents.context import school_context  # noqa: E402
from automation.documents.generate import TemplateSet, template_folders  # noqa: E402
from automation.store import ACCEPTED, Store, Submission  # noqa: E402
from automation.workspace import init_workspace  # noqa: E402

TODAY = dt.date(2026, 11, 28)
YEAR = "2026-2027"


def make_board(folder: Path, n: int) -> Settings:
    schools = {f"{i:02d}BZ": f"Basisschool De Linde {i}" for i in range(n)}
    settings, _ = init_workspace(folder, board="Stichting Bench", schools=schools)
    settings = load_settings(settings.paths.config)
    store = Store.open(settings.paths.database, create=True, durable=False)
    rng = random.Random(n)
    rows: list[tuple[str, str, str, str, dict[str, object]]] = []
    for brin in schools:
        form = demo.school_form(TODAY, "12AB") | {"school": brin, "schoolnaam": schools[brin]}
        rows.append(("school", "SCH", brin, form["datum_ingevuld"].isoformat(), form))
        survey = demo.peiling(TODAY, "12AB") | {"school": brin}
        rows.append(("peiling", "PEIL", brin, survey["afname_datum"].isoformat(), survey))
        for make, form_id, prefix, count in (
            (demo.incident, "incident", "INC", 10),
            (demo.agressie, "agressie", "AG", 2),
            (demo.ongeval, "ongeval", "ONG", 3),
        ):
            for _ in range(count):
                data = make(rng, TODAY, "12AB") | {"school": brin}
                if "leerling_ref" in data:
                    data["leerling_ref"] = f"LL-{rng.getrandbits(40):010X}"
                for key in ("tijd",):
                    if isinstance(data.get(key), dt.time):
                        data[key] = data[key].strftime("%H:%M")
                rows.append((form_id, prefix, brin, data["datum"].isoformat(), data))
    with store.transaction():  # through the store's own methods, as the intake stores them
        for i, (form_id, prefix, brin, day, data) in enumerate(rows, start=1):
            regnr = f"{prefix}-2026-{i:06d}"
            at = f"{day}T10:00:00"
            sub = Submission(at, f"{i}.xlsx", f"/inbox/{i}", f"{i:064x}", 9000, "/a", form_id=form_id, form_version=1)
            sub_id = store.add_submission(replace(sub, outcome=ACCEPTED), run_id=None, regnr=regnr)
            store.insert_record(
                regnr=regnr, form_id=form_id, school=brin, event_date=day, data=data, submission_id=sub_id, at=at
            )
    store.close()
    return settings


def full(settings: Settings) -> float:
    start = time.perf_counter()
    app.make_plans(settings, schooljaar=YEAR, today=TODAY)
    return time.perf_counter() - start


def floor(settings: Settings, out: Path) -> float:
    templates = TemplateSet.load(template_folders(settings))
    store = Store.open(settings.paths.database, create=False)
    try:
        facts = board_facts(store, settings.board, choices=settings.choices, schooljaar=YEAR, today=TODAY)
    finally:
        store.close()
    contexts = {brin: school_context(facts, brin) for brin in sorted(settings.schools)}
    start = time.perf_counter()
    for brin, context in contexts.items():
        folder = out / brin
        folder.mkdir(parents=True, exist_ok=True)
        for spec in DOCUMENTS:
            templates.compiled[spec.key].render(context, folder / spec.template_name, title="bench")
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--schools", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        settings = make_board(Path(tmp) / "werkmap", args.schools)
        documents = args.schools * len(DOCUMENTS)
        full(settings)  # warm up: imports, matplotlib's font cache
        fulls, floors = [], []
        for n in range(args.repeat):
            fulls.append(full(settings))
            floors.append(floor(settings, Path(tmp) / f"vloer{n}"))
    f, b = statistics.median(fulls), statistics.median(floors)
    print(f"{args.schools} scholen, {documents} documenten (mediaan van {args.repeat})")
    print(f"{'':28}{'totaal (s)':>12}{'per document (ms)':>20}")
    print(f"{'veiligheid plan (alles)':28}{f:12.2f}{1000 * f / documents:20.1f}")
    print(f"{'vloer (alleen render+save)':28}{b:12.2f}{1000 * b / documents:20.1f}")
    print(f"verhouding: {f / b:.2f}x")


if __name__ == "__main__":
    main()
