"""Survey results as the rest of the product reads them: aggregates per school, year, group, theme.

Two sources feed the same store: survey exports read with a mapping profile (`importer`) and the
typed-in `peiling` form (`from_peiling_form`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from automation.forms.peiling import THEMES
from automation.store import Store
from automation.surveys.importer import SurveyResult, ThemeAggregate, parse_groups

PEILING_SOURCE = "formulier Peilingresultaten"


@dataclass(frozen=True)
class ThemeScore:
    school: str
    schooljaar: str
    groep: str  # leerlingen | ouders | personeel
    theme: str  # a key of automation.forms.peiling.THEMES, or a profile's own theme
    theme_label: str
    respondents: int
    mean: float | None
    scale_min: float
    scale_max: float
    positive: float | None  # share 0..1
    instrument: str
    afname: dt.date | None
    survey_respondents: int = 0  # everyone who answered anything in this survey
    groepen: tuple[int, ...] = ()  # the pupils' groups that took part, when known
    invited: int | None = None
    regnr: str = ""
    source: str = ""  # the profile, or the typed-in form


def survey_scores(store: Store, *, schooljaar: str | None = None, school: str | None = None) -> list[ThemeScore]:
    return [
        ThemeScore(
            school=row["school"],
            schooljaar=row["schooljaar"],
            groep=row["groep"],
            theme=row["theme"],
            theme_label=row["label"],
            respondents=row["theme_respondents"],
            mean=row["mean"],
            scale_min=row["scale_min"],
            scale_max=row["scale_max"],
            positive=row["positive"],
            instrument=row["instrument"],
            afname=dt.date.fromisoformat(row["afname"]) if row["afname"] else None,
            survey_respondents=row["respondents"],
            groepen=tuple(int(g) for g in row["groepen"].split(",") if g),
            invited=row["invited"],
            regnr=row["regnr"],
            source=row["source"],
        )
        for row in store.iter_surveys(schooljaar=schooljaar, school=school)
    ]


def from_peiling_form(record: Mapping[str, Any]) -> SurveyResult:
    """The typed-in form's results as one survey (themes left empty on the form are not measured)."""
    respondents = int(record["aantal_respondenten"])
    themes = []
    for key, label in THEMES:
        score, share = record.get(f"score_{key}"), record.get(f"positief_{key}")
        if score is None and share is None:
            continue
        themes.append(
            ThemeAggregate(
                key,
                label,
                respondents,
                float(score) if score is not None else None,
                float(share) if share is not None else None,
            )
        )
    afname = record.get("afname_datum")
    if isinstance(afname, str):
        afname = dt.date.fromisoformat(afname)
    invited = record.get("aantal_uitgenodigd")
    return SurveyResult(
        school=str(record["school"]),
        schooljaar=str(record["schooljaar"]),
        groep=str(record["respondent"]),
        instrument=str(record["instrument"]),
        respondents=respondents,
        scale_min=float(record.get("schaal_min") or 1),
        scale_max=float(record.get("schaal_max") or 4),
        themes=tuple(themes),
        afname=afname if isinstance(afname, dt.date) else None,
        groepen=parse_groups(record.get("groepen") or ""),
        invited=int(invited) if invited is not None else None,
    )
