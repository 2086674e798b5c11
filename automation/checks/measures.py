"""A school's measures for a school year (the form `maatregelen`, issue 15): which ones a plan shows,
and how each stands. A pure function of stored registrations and a date.

The open action of a measure past its end date without evaluation is not worked out here: it is the
form's `FollowUp`, which `checks.actions` works out for every register like any other follow-up.

A `Measure` is what the published documents (the plan's chapter 9.2, the yearly report) may show: its
free texts `published` — withheld whole when they hold what the forms use for a pupil (the intake
warned the director), without a sentence with an e-mail address or phone number. The master's register
shows the registration as sent, for the office.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from automation.checks.vensters import public
from automation.forms.maatregelen import FORM, MONITOR, STOPPED, pupil_like
from automation.schoolyear import first_day, last_day
from automation.store import Record


@dataclass(frozen=True)
class Measure:
    regnr: str
    goal: str
    measure: str
    reason: str  # the reason as the plan says it: the monitor's theme, or the kind of reason (`_reason`)
    owner: str
    start: dt.date
    end: dt.date
    status: str
    evaluated: dt.date | None
    result: str

    def runs_in(self, schooljaar: str) -> bool:
        """Started by the end of the school year, and not evaluated before it began; one that ended
        before it counts only while it is still to be evaluated (and was not stopped)."""
        if self.start > last_day(schooljaar) or (self.evaluated and self.evaluated < first_day(schooljaar)):
            return False
        return self.end >= first_day(schooljaar) or (self.evaluated is None and self.status != STOPPED)


def measures_of(records: Iterable[Record], *, school: str, schooljaar: str) -> list[Measure]:
    """The school's measures that run in the school year, by start date (then number)."""
    found = [
        m
        for rec in records
        if rec.form_id == FORM.id and rec.school == school
        if (m := _measure(rec.regnr, rec.data)) is not None and m.runs_in(schooljaar)
    ]
    return sorted(found, key=lambda m: (m.start, m.regnr))


def _measure(regnr: str, data: Mapping[str, Any]) -> Measure | None:
    start, end = _date(data.get("startdatum")), _date(data.get("einddatum"))
    if start is None or end is None:  # an accepted form always has both; a purged one may not
        return None
    return Measure(
        regnr=regnr,
        goal=published(data.get("doel")),
        measure=published(data.get("maatregel")),
        reason=_reason(data),
        owner=public(_text(data.get("eigenaar"))),
        start=start,
        end=end,
        status=_text(data.get("status")),
        evaluated=_date(data.get("evaluatie_datum")),
        result=published(data.get("evaluatie_resultaat")),
    )


WITHHELD = "[niet opgenomen: de tekst lijkt een leerling te noemen; zie het register Maatregelen]"


def published(value: Any) -> str:
    """A measure's free text as a published document may show it: withheld whole when it holds what the
    forms use for a pupil (a pupil's number, initials or code), else without sentences with an e-mail
    address or phone number. Names cannot be told from words: the office reads the texts it publishes."""
    text = _text(value)
    return WITHHELD if pupil_like(text) else public(text)


def _reason(data: Mapping[str, Any]) -> str:
    """The reason as a published plan may say it: the monitor's theme, or the kind of reason from its
    list. Never the free explanation ('aanleiding_toelichting'): it is written about a trend or an
    incident, so it is where a pupil gets named; it stays in the master's register, for the office."""
    reason = _text(data.get("aanleiding"))
    if reason == MONITOR:
        theme = _text(data.get("aanleiding_thema"))
        return f"monitor: {theme}" if theme else "monitor"
    return reason


def _text(value: Any) -> str:
    return str(value).strip() if value not in (None, "") else ""


def _date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None
