"""The board's five milestones per school and school year (DOMAIN.md §7): done, on schedule, late.

A pure function of the school form's milestone dates, the configured deadline months and today."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from automation.forms.school import MILESTONES
from automation.schoolyear import MONTHS, month_end

DONE, ON_SCHEDULE, LATE = "gereed", "op schema", "te laat"
DEFAULT_DEADLINES: dict[str, str] = {
    "mijlpaal_1": "oktober",
    "mijlpaal_2": "december",
    "mijlpaal_3": "februari",
    "mijlpaal_4": "mei",
    "mijlpaal_5": "juni",
}


@dataclass(frozen=True)
class Milestone:
    key: str
    title: str
    deadline: dt.date
    status: str
    done_on: dt.date | None


def milestones(
    school_form: Mapping[str, Any] | None,
    *,
    year: str,
    deadlines: Mapping[str, str],
    today: dt.date,
) -> list[Milestone]:
    found = []
    for key, title in MILESTONES:
        deadline = month_end(year, MONTHS.index(deadlines[key]) + 1)
        raw = (school_form or {}).get(key)
        done_on = dt.date.fromisoformat(str(raw)[:10]) if raw else None
        status = DONE if done_on is not None else (LATE if today > deadline else ON_SCHEDULE)
        found.append(Milestone(key, title, deadline, status, done_on))
    return found
