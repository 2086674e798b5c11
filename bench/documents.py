"""The veiligheidsplan, its twelve annexes and the checklist for one school and for 40, against the
floor measured in the same process, interleaved.

    python bench/documents.py [--schools 1 40] [--repeat 5]

Each board size runs in a fresh process (so its first run is really cold). A working folder with N
schools is filled straight into SQLite (a school form, about 15 registrations and a typed-in pupil
survey per school, each school with its own figures, so no two schools share a chart; the intake is
not what is measured). Then, each round in a turning order:

- `plan`: what `veiligheid plan` does (`app.make_plans`): open the store, read and compile the
  templates, read the facts, draw each school's two charts, render and save the documents. Charts
  and compressed parts remembered by an earlier run are forgotten first: a new process has none;
- `watcher`: what the running watcher does when every school's figures changed: the templates
  compiled once and kept (`TemplateCache`, as `PlanRefresher` keeps them), the charts drawn again;
- `floor`: python-docx open + save of the same templates, once per school, into a folder per school.

Prints the first (cold) run and the median of each, wall clock and CPU, and each one's ratio to the
floor's. Nothing is subtracted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from docx import Document  # noqa: E402

from automation import app, demo  # noqa: E402
from automation.config import Settings, load_settings  # noqa: E402
from automation.documents import charts, package  # noqa: E402
from automation.documents.catalog import DOCUMENTS  # noqa: E402
from automation.documents.generate import TemplateCache, generate, template_files, template_folders  # noqa: E402
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
        survey |= {key: round(rng.uniform(0.6, 0.98), 2) for key in survey if key.startswith("positief_")}
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


def plan(settings: Settings) -> None:
    charts.forget_drawn()
    package.forget_compressed()
    app.make_plans(settings, schooljaar=YEAR, today=TODAY)


def watcher(settings: Settings, cache: TemplateCache) -> None:
    charts.forget_drawn()
    store = Store.open(settings.paths.database, create=False)
    try:
        templates = cache.load(template_folders(settings))
        generate(settings, store, schooljaar=YEAR, today=TODAY, templates=templates)
    finally:
        store.close()


def floor(settings: Settings, out: Path) -> None:
    paths = [path for _, path in template_files(template_folders(settings)) if path is not None]
    assert len(paths) == len(DOCUMENTS), "the floor opens the template files; every template needs its file"
    for brin in sorted(settings.schools):
        folder = out / brin
        folder.mkdir(parents=True, exist_ok=True)
        for path in paths:
            Document(str(path)).save(str(folder / path.name))


def timed(work: Callable[[], None]) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    work()
    return time.perf_counter() - wall, time.process_time() - cpu


def run(schools: int, repeat: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        settings = make_board(Path(tmp) / "werkmap", schools)
        cache = TemplateCache()
        works: dict[str, Callable[[], None]] = {
            "plan": lambda: plan(settings),
            "watcher": lambda: watcher(settings, cache),
            "floor": lambda: floor(settings, Path(tmp) / "vloer"),
        }
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in works}
        names = list(works)
        for n in range(repeat):
            for name in names[n % len(names) :] + names[: n % len(names)]:
                times[name].append(timed(works[name]))
    report(schools, repeat, times)


def report(schools: int, repeat: int, times: dict[str, list[tuple[float, float]]]) -> None:
    documents = schools * len(DOCUMENTS)

    def median(name: str, i: int) -> float:
        return statistics.median(t[i] for t in times[name])

    print(f"{schools} {'school' if schools == 1 else 'scholen'}, {documents} documenten; {repeat} rondes, afwisselend")
    print(f"{'':10}{'koud (s)':>10}{'mediaan (s)':>13}{'cpu (s)':>10}{'x vloer koud':>14}{'x vloer':>9}{'x cpu':>8}")
    cold_floor, wall_floor, cpu_floor = times["floor"][0][0], median("floor", 0), median("floor", 1)
    for name in times:
        cold, wall, cpu = times[name][0][0], median(name, 0), median(name, 1)
        print(
            f"{name:10}{cold:10.3f}{wall:13.3f}{cpu:10.3f}{cold / cold_floor:14.2f}{wall / wall_floor:9.2f}"
            f"{cpu / cpu_floor:8.2f}"
        )
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--schools", type=int, nargs="+", default=[1, 40])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--here", action="store_true", help=argparse.SUPPRESS)  # one size, in this process
    args = parser.parse_args()
    if args.here:
        run(args.schools[0], args.repeat)
        return
    for schools in args.schools:  # each size in a fresh process: its first run is cold
        command = [sys.executable, __file__, "--here", "--schools", str(schools), "--repeat", str(args.repeat)]
        subprocess.run(command, check=True)


if __name__ == "__main__":
    main()
