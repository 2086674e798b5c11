"""Survey results as the rest of the product reads them: aggregates per school, year, group, theme.

Two sources feed the same store: survey exports read with a mapping profile (`importer`) and the
typed-in `peiling` form (`from_peiling_form`). The store gives them back as `store.ThemeScore`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from automation.forms.peiling import THEMES
from automation.surveys.importer import SurveyResult, ThemeAggregate, parse_groups

PEILING_SOURCE = "formulier Peilingresultaten"


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
