"""Survey exports in the shipped layouts, made up from a seed: for the demo, the tests and the bench.

Answers lean positive, as they do in most schools; a pupil answers 'weet ik niet' now and then.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from collections.abc import Iterator, Sequence

from automation.forms.peiling import THEMES

GENERIC_THEMES = tuple(key for key, _ in THEMES)
PLAN_QUESTIONS = {
    "leefklimaat_groep": ("LG1", "LG2", "LG3", "LG4"),
    "leerklimaat_groep": ("LK1", "LK2", "LK3", "LK4"),
    "leefklimaat_school": ("LS1", "LS2", "LS3", "LS4"),
    "samenwerking_ouders": ("SO1", "SO2", "SO3"),
}
AGREE = ("helemaal niet mee eens", "niet mee eens", "mee eens", "helemaal mee eens")
HOW_OFTEN = ("nooit", "soms", "vaak", "heel vaak")


def _answer(rng: random.Random, *, reverse: bool = False) -> int:
    value = rng.choices((1, 2, 3, 4), weights=(5, 12, 45, 38))[0]
    return 5 - value if reverse else value


def generic_rows(
    rng: random.Random, *, school: str, schooljaar: str, afname: dt.date, pupils: int, parents: int = 0
) -> Iterator[list[str]]:
    """Rows of the generic per-respondent layout (without the header)."""
    groups = ("5", "6", "7", "8")
    for index in range(pupils + parents):
        pupil = index < pupils
        row = [school, "leerling" if pupil else "ouder", schooljaar, afname.strftime("%d-%m-%Y")]
        row.append(groups[index % 4] if pupil else "")
        for theme in GENERIC_THEMES:
            for _ in range(3):
                if not pupil and theme in ("leefklimaat_groep", "leerklimaat_groep", "aantasting_veiligheid"):
                    row.append("")
                elif rng.random() < 0.02:
                    row.append("weet ik niet")
                elif theme == "aantasting_veiligheid":  # most pupils are never bullied, threatened, hit
                    row.append(rng.choices(HOW_OFTEN, weights=(76, 17, 5, 2))[0])
                else:
                    row.append(AGREE[_answer(rng) - 1])
        yield row


def generic_header() -> list[str]:
    return ["school", "respondent", "schooljaar", "afnamedatum", "groep"] + [
        f"{theme}_{i}" for theme in GENERIC_THEMES for i in (1, 2, 3)
    ]


def to_csv(header: Sequence[str], rows: Iterator[list[str]] | Sequence[list[str]], *, delimiter: str = ",") -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def generic_csv(
    *,
    school: str,
    schooljaar: str,
    afname: dt.date,
    pupils: int,
    parents: int = 0,
    seed: int = 1,
    instrument: str = "",
) -> bytes:
    """The generic layout as Excel would save it 'CSV UTF-8': comma-separated, with a BOM; with
    `instrument`, a column naming it (the layout allows one)."""
    rows = generic_rows(
        random.Random(seed), school=school, schooljaar=schooljaar, afname=afname, pupils=pupils, parents=parents
    )
    if not instrument:
        return to_csv(generic_header(), rows).encode("utf-8-sig")
    named = ([*row, instrument] for row in rows)
    return to_csv([*generic_header(), "instrument"], named).encode("utf-8-sig")


def plan_csv(*, schools: Sequence[str], afname: dt.date, pupils: int, parents: int = 0, seed: int = 2) -> bytes:
    """The action plan's four-theme survey as Dutch Excel saves CSV: ';', Windows-1252, '3,0'."""
    rng = random.Random(seed)
    header = ["BRIN", "Doelgroep", "Afnamedatum", "Leerjaar"] + [q for qs in PLAN_QUESTIONS.values() for q in qs]
    rows = []
    for school in schools:
        for index in range(pupils + parents):
            pupil = index < pupils
            row = [school, "Leerling" if pupil else "Ouder", afname.strftime("%d-%m-%Y")]
            row.append(f"groep {5 + index % 4}" if pupil else "")
            for theme, questions in PLAN_QUESTIONS.items():
                for q in questions:
                    if not pupil and theme != "samenwerking_ouders" and theme != "leefklimaat_school":
                        row.append("")
                    else:
                        row.append(f"{_answer(rng, reverse=q == 'LG4')},0")
            rows.append(row)
    return to_csv(header, rows, delimiter=";").encode("cp1252")
