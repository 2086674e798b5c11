"""What the Overzicht sheet shows per school: counts, open actions, milestones. Pure data in, data out."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from automation.checks.actions import Action
from automation.checks.milestones import DONE, LATE, Milestone
from automation.schoolyear import previous, schoolyear

EVENT_REGISTERS = ("incident", "agressie", "ongeval")


@dataclass(frozen=True)
class Count:
    """How many registrations of a form, for a school, in a month, of a category."""

    form_id: str
    school: str
    month: str  # "2026-11"
    category: str | None
    n: int


@dataclass
class SchoolRow:
    brin: str
    name: str
    this_year: Counter[str] = field(default_factory=Counter)  # per form
    last_year: Counter[str] = field(default_factory=Counter)
    categories: Counter[str] = field(default_factory=Counter)  # incidents this year
    open_actions: int = 0
    milestones_done: int = 0
    milestones_late: int = 0
    monitor: str = "nog geen peiling"
    last_received: dt.datetime | None = None
    plan_made: dt.datetime | None = None


@dataclass
class Overview:
    year: str
    rows: list[SchoolRow]
    per_month: dict[str, Counter[str]]  # "2026-11" -> per form, this school year
    categories: Counter[str]  # incidents this school year, all schools


def overview(
    *,
    schools: Mapping[str, str],
    counts: Iterable[Count],
    actions: Iterable[Action],
    milestones: Mapping[str, list[Milestone]],
    last_received: Mapping[str, dt.datetime],
    monitor: Mapping[str, str] | None = None,
    plans: Mapping[str, dt.datetime] | None = None,
    today: dt.date,
) -> Overview:
    year = schoolyear(today)
    last = previous(year)
    rows = {brin: SchoolRow(brin, name) for brin, name in sorted(schools.items())}
    per_month: dict[str, Counter[str]] = {}
    categories: Counter[str] = Counter()
    for c in counts:
        row = rows.get(c.school)
        if row is None:
            continue
        month_year = schoolyear(dt.date.fromisoformat(c.month + "-01"))
        if month_year == year:
            row.this_year[c.form_id] += c.n
            per_month.setdefault(c.month, Counter())[c.form_id] += c.n
            if c.form_id == "incident" and c.category:
                row.categories[c.category] += c.n
                categories[c.category] += c.n
        elif month_year == last:
            row.last_year[c.form_id] += c.n
    cases = {(a.school, a.regnr) for a in actions}  # a case with two actions counts once
    for school, _ in cases:
        if school in rows:
            rows[school].open_actions += 1
    for brin, found in milestones.items():
        if brin in rows:
            rows[brin].milestones_done = sum(m.status == DONE for m in found)
            rows[brin].milestones_late = sum(m.status == LATE for m in found)
    for brin, moment in last_received.items():
        if brin in rows:
            rows[brin].last_received = moment
    for brin, moment in (plans or {}).items():
        if brin in rows:
            rows[brin].plan_made = moment
    for brin, verdict in (monitor or {}).items():
        if brin in rows:  # the legal monitor check's verdict, with what needs doing
            rows[brin].monitor = verdict
    return Overview(year=year, rows=list(rows.values()), per_month=per_month, categories=categories)
