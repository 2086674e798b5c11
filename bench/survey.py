"""Survey import of a 50,000-respondent export against the bare read of the same file, cold: every
run a fresh process, the runs interleaved, in the same run of this bench.

    python bench/survey.py [--respondents 50000] [--rounds 5] [--quoted] [--json FILE]

Exports of the generic layout (21 questions, 7 themes, answers as words): a CSV (UTF-8 with BOM,
as Excel saves 'CSV UTF-8': no quotes, as no field needs them) and an .xlsx; with `--quoted` also the
same CSV with every field quoted (as some suppliers write it). Each run is its own process, which
times from before its first import of what it needs (the product's modules, or csv or
python-calamine) to the end, with the file's bytes already read: a cold run every time, imports and the profiles' package check
included. Its peak memory (VmHWM) is its own. Sides, interleaved (bench/harness.py):

- `ours`: `import_survey` — recognise the profile, read every answer, score and aggregate per school,
  group and theme;
- `bare read`: the same file read into memory with the same library and nothing else: for the CSV
  every row as a list (`list(csv.reader(...))` after decoding), for the xlsx the first sheet's values
  (python-calamine `to_python()`);
- `bare stream`: the strictest floor — every row parsed and dropped at once (counted), which is what
  our chunked reading does before its own work.

A CSV without quotes is not parsed by the csv module in the product: its lines are split at the
delimiter (the same rows, held to csv.reader by a property test). The quoted CSV is read by the csv
module in the product too: its row shows what an export with quotes costs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import sys
import tempfile
import time
from collections.abc import Sequence
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.harness import Goal, Report, Run, add_options, child, child_report, compare, interleave  # noqa: E402

TODAY = dt.date(2026, 11, 28)
SCHOOLS = {"12AB": "OBS De Regenboog", "34CD": "CBS Het Anker", "56EF": "IKC De Vlinder"}


def make_files(folder: Path, respondents: int, *, quoted: bool = False) -> dict[str, Path]:
    """The exports, by kind: 'csv', 'xlsx' and, if asked, 'csv, every field quoted'."""
    import csv
    import random

    import xlsxwriter

    from automation.surveys import samples

    per_school = respondents // len(SCHOOLS)
    rows = []
    for i, brin in enumerate(SCHOOLS):
        count = per_school + (respondents - per_school * len(SCHOOLS) if i == 0 else 0)
        rows += list(
            samples.generic_rows(random.Random(i), school=brin, schooljaar="2026-2027", afname=TODAY, pupils=count)
        )
    made = {"csv": folder / "peiling.csv", "xlsx": folder / "peiling.xlsx"}
    made["csv"].write_bytes(samples.to_csv(samples.generic_header(), rows).encode("utf-8-sig"))
    if quoted:
        text = io.StringIO()
        csv.writer(text, quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerows([samples.generic_header(), *rows])
        made["csv, every field quoted"] = folder / "peiling-quoted.csv"
        made["csv, every field quoted"].write_bytes(text.getvalue().encode("utf-8-sig"))
    wb = xlsxwriter.Workbook(str(made["xlsx"]), {"constant_memory": True})
    ws = wb.add_worksheet("Export")
    ws.write_row(0, 0, samples.generic_header())
    for r, row in enumerate(rows, start=1):
        ws.write_row(r, 0, row)
    wb.close()
    return made


def run_one(kind: str, path: Path) -> float:
    """In a fresh process: one run, cold, its own imports included; the seconds it took."""
    data = path.read_bytes()
    start = time.perf_counter()
    if kind == "ours":
        from automation.surveys.importer import import_survey
        from automation.surveys.profile import builtin_profiles

        result = import_survey(data, path.name, builtin_profiles(), schools=SCHOOLS, today=TODAY)
        assert sum(r.respondents for r in result.results) > 0
    elif path.suffix == ".csv":
        import csv

        reader = csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""))
        rows = list(reader) if kind == "bare" else [sum(1 for _ in reader)]
        assert rows
    else:
        from python_calamine import CalamineWorkbook

        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet = book.get_sheet_by_name(book.sheet_names[0])
        values = sheet.to_python() if kind == "bare" else [sum(1 for _ in sheet.iter_rows())]
        assert values
    return time.perf_counter() - start


def cold(kind: str, path: Path) -> Run:
    return child([sys.executable, __file__, "--child", kind, str(path)])


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--respondents", type=int, default=50_000)
    parser.add_argument("--quoted", action="store_true", help="also the CSV with every field quoted")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    add_options(parser, rounds=5)
    args = parser.parse_args(argv)
    if args.child:
        kind, path = args.child
        print(child_report(run_one(kind, Path(path))))
        return
    report = Report(f"Survey import, {args.respondents} respondents, 21 questions; every run a fresh process")
    with tempfile.TemporaryDirectory() as tmp:
        for kind, path in make_files(Path(tmp), args.respondents, quoted=args.quoted).items():
            bare, goal = ("calamine", 1.6) if kind == "xlsx" else ("csv module", 1.3)
            size = path.stat().st_size / 1e6
            sides = {
                "ours": partial(cold, "ours", path),
                f"{bare}: read": partial(cold, "bare", path),
                f"{bare}: stream": partial(cold, "stream", path),
            }
            found = interleave(sides, rounds=args.rounds)
            note = f"{size:.1f} MB"
            report.add(
                compare(
                    f"survey import, {kind}",
                    found,
                    "ours",
                    f"{bare}: read",
                    goal=Goal(ratio=goal, text=f"≤ {goal:g}x {bare}, cold"),
                    note=note,
                )
            )
            report.add(
                compare(
                    f"survey import, {kind}, against streaming",
                    found,
                    "ours",
                    f"{bare}: stream",
                    goal=Goal(text="(for scale)"),
                )
            )
    report.finish(args.json, extra={"respondents": args.respondents})


if __name__ == "__main__":
    main()
