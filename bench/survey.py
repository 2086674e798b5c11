"""Survey import time and peak memory for a 50,000-respondent export, against the bare read of the
same file in the same run.

    python bench/survey.py [--respondents 50000] [--repeat 3]

Two exports of the generic layout (21 questions, 7 themes, answers as words): a CSV (UTF-8 with BOM,
as Excel saves 'CSV UTF-8') and an .xlsx. Each measurement runs in its own process so its peak memory
(ru_maxrss) is its own; time is the best of --repeat runs.

- `ours`: `import_survey` — recognise the profile, read every answer, score and aggregate per school,
  group and theme;
- `bare read`: the same file read into memory with the same library and nothing else: for the CSV
  every row as a list (`list(csv.reader(...))` after decoding), for the xlsx the first sheet's values
  (python-calamine `to_python()`);
- `bare stream`: the strictest floor — every row parsed and dropped at once (counted), which is what
  our chunked reading does before its own work.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from automation.surveys import samples  # noqa: E402

TODAY = dt.date(2026, 11, 28)
SCHOOLS = {"12AB": "OBS De Regenboog", "34CD": "CBS Het Anker", "56EF": "IKC De Vlinder"}


def make_files(folder: Path, respondents: int) -> tuple[Path, Path]:
    import random

    import xlsxwriter

    per_school = respondents // len(SCHOOLS)
    rows = []
    for i, brin in enumerate(SCHOOLS):
        count = per_school + (respondents - per_school * len(SCHOOLS) if i == 0 else 0)
        rows += list(
            samples.generic_rows(random.Random(i), school=brin, schooljaar="2026-2027", afname=TODAY, pupils=count)
        )
    csv_path = folder / "peiling.csv"
    csv_path.write_bytes(samples.to_csv(samples.generic_header(), rows).encode("utf-8-sig"))
    xlsx_path = folder / "peiling.xlsx"
    wb = xlsxwriter.Workbook(str(xlsx_path), {"constant_memory": True})
    ws = wb.add_worksheet("Export")
    ws.write_row(0, 0, samples.generic_header())
    for r, row in enumerate(rows, start=1):
        ws.write_row(r, 0, row)
    wb.close()
    return csv_path, xlsx_path


def run_one(kind: str, path: Path, repeat: int) -> dict[str, float]:
    """In a child process: time the best of `repeat` runs and report the peak memory."""
    data = path.read_bytes()
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        if kind == "ours":
            from automation.surveys.importer import import_survey
            from automation.surveys.profile import builtin_profiles

            result = import_survey(data, path.name, builtin_profiles(), schools=SCHOOLS, today=TODAY)
            assert sum(r.respondents for r in result.results) > 0
        elif path.suffix == ".csv":
            reader = csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""))
            rows = list(reader) if kind == "bare" else [sum(1 for _ in reader)]
            assert rows
        else:
            from python_calamine import CalamineWorkbook

            book = CalamineWorkbook.from_filelike(io.BytesIO(data))
            sheet = book.get_sheet_by_name(book.sheet_names[0])
            rows = sheet.to_python() if kind == "bare" else [sum(1 for _ in sheet.iter_rows())]
            assert rows
        best = min(best, time.perf_counter() - start)
        rows = []  # free before the next round
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"seconds": best, "peak_mb": peak_kb / 1024}


def measure(kind: str, path: Path, repeat: int) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", kind, str(path), "--repeat", str(repeat)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--respondents", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, path = args.child
        print(json.dumps(run_one(kind, Path(path), args.repeat)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        csv_path, xlsx_path = make_files(Path(tmp), args.respondents)
        print(f"{args.respondents} respondents, 21 questions; best of {args.repeat}")
        print(f"{'file':<6} {'':>10} {'ours':>8} {'bare read':>10} {'ratio':>6} {'bare stream':>12} {'ratio':>6}")
        for path, bare in ((csv_path, "csv"), (xlsx_path, "calamine")):
            ours = measure("ours", path, args.repeat)
            base = measure("bare", path, args.repeat)
            stream = measure("stream", path, args.repeat)
            size = path.stat().st_size / 1e6
            for label, key, digits in (("time (s)", "seconds", 2), ("peak (MB)", "peak_mb", 0)):
                print(
                    f"{path.suffix[1:] if key == 'seconds' else '':<6} {label:>10} {ours[key]:8.{digits}f} "
                    f"{base[key]:10.{digits}f} {ours[key] / base[key]:5.2f}x {stream[key]:12.{digits}f} "
                    f"{ours[key] / stream[key]:5.2f}x" + (f"   ({size:.1f} MB, {bare})" if key == "seconds" else "")
                )


if __name__ == "__main__":
    main()
