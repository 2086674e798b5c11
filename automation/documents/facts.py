"""What the documents need from the store, read once per run for all schools (read-only).

Only aggregates leave this module: counts per form, school, day and kind, the latest school form, the
survey results and the monitor check. Never a pupil reference or the free text of a registration
(DOMAIN.md §9).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from automation.checks.actions import Action, Registration, open_actions
from automation.checks.monitor import monitor_checks
from automation.checks.vensters import vensters_texts
from automation.config import Settings
from automation.forms import EVENT_FORMS, FORMS
from automation.schoolyear import schoolyear
from automation.store import Store
from automation.surveys.results import survey_scores


@dataclass(frozen=True)
class SchoolForm:
    data: dict[str, Any]
    regnr: str
    filled: dt.date | None

    @property
    def year(self) -> str | None:
        """The school year the form was filled in."""
        return schoolyear(self.filled) if self.filled is not None else None

    def of_year(self, year: str) -> bool:
        return self.year == year


@dataclass(frozen=True)
class ThemeResult:
    groep: str  # leerlingen | ouders | personeel
    theme: str
    theme_label: str
    respondents: int
    mean: float | None
    scale_min: float
    scale_max: float
    positive: float | None
    instrument: str
    afname: dt.date | None


@dataclass(frozen=True)
class Requirement:
    title: str
    verdict: str  # voldoet | aandacht | voldoet niet
    reason: str
    key: str = ""  # gemeten | representatief | onderdelen | instrument | coordinator


@dataclass(frozen=True)
class EventCount:
    """How many registrations of a form, for a school, on a day, of a kind (the incident's category,
    the form of aggression, the accident's treatment)."""

    form_id: str
    school: str
    day: dt.date
    kind: str | None
    n: int


@dataclass(frozen=True)
class MonitorFacts:
    results: tuple[ThemeResult, ...] = ()
    requirements: tuple[Requirement, ...] = ()
    overall: str | None = None
    vensters: str | None = None


@dataclass(frozen=True)
class DutyCount:
    reportable: int = 0  # cases the employer had to report this school year
    reported: int = 0


@dataclass
class BoardFacts:
    board: str
    schools: dict[str, str]
    schooljaar: str
    today: dt.date
    deadlines: dict[str, str]
    choices: dict[str, tuple[str, ...]]
    school_forms: dict[str, SchoolForm] = field(default_factory=dict)
    events: list[EventCount] = field(default_factory=list)  # registrations per school, day and kind
    duties: dict[str, DutyCount] = field(default_factory=dict)
    actions: list[Action] = field(default_factory=list)
    monitor: dict[str, MonitorFacts] = field(default_factory=dict)
    monitor_module: bool = False  # the survey results and monitor check exist in this version


def read_facts(settings: Settings, store: Store, *, schooljaar: str, today: dt.date) -> BoardFacts:
    facts = BoardFacts(
        board=settings.board.bestuur,
        schools=dict(settings.schools),
        schooljaar=schooljaar,
        today=today,
        deadlines=settings.board.voortgang.deadlines(),
        choices=dict(settings.choices),
    )
    facts.school_forms = read_school_forms(store, schooljaar=schooljaar)
    facts.events = read_events(store)
    facts.duties, facts.actions = read_duties(store, schooljaar=schooljaar, today=today, settings=settings)
    facts.monitor_module, facts.monitor = read_monitor(settings, store, schooljaar=schooljaar, today=today)
    return facts


def read_school_forms(store: Store, *, schooljaar: str) -> dict[str, SchoolForm]:
    """Per school the latest school form filled in `schooljaar`, else the latest one before it
    (else the latest at all)."""
    forms: dict[str, list[SchoolForm]] = {}
    for rec in store.conn.execute(
        "SELECT regnr, school, data, event_date FROM records WHERE form_id = 'school' "
        "ORDER BY event_date, updated_at, regnr"
    ):
        filled = dt.date.fromisoformat(rec["event_date"][:10]) if rec["event_date"] else None
        forms.setdefault(rec["school"], []).append(SchoolForm(json.loads(rec["data"]), rec["regnr"], filled))
    end = int(schooljaar[:4]) + 1
    chosen: dict[str, SchoolForm] = {}
    for brin, found in forms.items():
        this_year = [f for f in found if f.of_year(schooljaar)]
        earlier = [f for f in found if f.filled is not None and f.filled < dt.date(end, 8, 1)]
        chosen[brin] = (this_year or earlier or found)[-1]
    return chosen


KIND_FIELDS = {"incident": "categorie", "agressie": "vorm", "ongeval": "behandeling"}  # what the plan counts


def read_events(store: Store) -> list[EventCount]:
    """Registrations per form, school, day and kind: days, so that this school year up to today can
    be compared with the same part of last school year."""
    kind = " ".join(f"WHEN '{form}' THEN json_extract(data, '$.{key}')" for form, key in KIND_FIELDS.items())
    marks = ",".join("?" * len(EVENT_FORMS))
    return [
        EventCount(row["form_id"], row["school"], dt.date.fromisoformat(row["day"]), row["kind"], row["n"])
        for row in store.conn.execute(
            f"""SELECT form_id, school, substr(event_date, 1, 10) AS day, CASE form_id {kind} END AS kind,
                       count(*) AS n
                FROM records WHERE form_id IN ({marks}) AND event_date IS NOT NULL
                GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4""",
            tuple(EVENT_FORMS),
        )
    ]


def read_duties(
    store: Store, *, schooljaar: str, today: dt.date, settings: Settings
) -> tuple[dict[str, DutyCount], list[Action]]:
    """Cases with a legal reporting duty this school year (and how many were reported), and the
    open actions of all registrations (the same rules as the master's Overzicht)."""
    duties: dict[str, DutyCount] = {}
    registrations = []
    for row in store.iter_followup(EVENT_FORMS):
        data = json.loads(row["data"])
        reg = Registration(
            form_id=row["form_id"],
            regnr=row["regnr"],
            school=row["school"],
            data=data,
            status=row["status"],
            received=dt.date.fromisoformat(row["created_at"][:10]),
        )
        registrations.append(reg)
        day = data.get("datum")
        if not day or schoolyear(dt.date.fromisoformat(str(day)[:10])) != schooljaar:
            continue
        for duty in FORMS[reg.form_id].duties:
            if duty.applies(data):
                old = duties.get(reg.school, DutyCount())
                duties[reg.school] = DutyCount(old.reportable + 1, old.reported + duty.done.holds(data))
    actions = open_actions(registrations, today=today, open_days=settings.board.overzicht.open_dagen)
    return duties, actions


def read_monitor(
    settings: Settings, store: Store, *, schooljaar: str, today: dt.date
) -> tuple[bool, dict[str, MonitorFacts]]:
    """Survey results, the legal monitor check and the Vensters text per school: the one place the
    documents read monitor data."""
    found: dict[str, MonitorFacts] = {}
    scores: dict[str, list[ThemeResult]] = {}
    for s in survey_scores(store, schooljaar=schooljaar):
        scores.setdefault(s.school, []).append(
            ThemeResult(
                groep=s.groep,
                theme=s.theme,
                theme_label=s.theme_label,
                respondents=s.respondents,
                mean=s.mean,
                scale_min=s.scale_min,
                scale_max=s.scale_max,
                positive=s.positive,
                instrument=s.instrument,
                afname=s.afname,
            )
        )
    checks = monitor_checks(settings, store, schooljaar=schooljaar, today=today)
    texts = vensters_texts(settings, store, schooljaar=schooljaar, today=today)
    for brin in settings.schools:
        check = checks.get(brin)
        found[brin] = MonitorFacts(
            results=tuple(scores.get(brin, ())),
            requirements=tuple(Requirement(r.title, r.verdict, r.reason, r.key) for r in check.requirements)
            if check
            else (),
            overall=check.overall if check else None,
            vensters=texts.get(brin),
        )
    return True, found
