"""Open actions: what the office must still do about registrations (issue 3, DOMAIN.md §4.3).

A pure function of stored registrations and today's date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from automation.forms import FORMS


@dataclass(frozen=True)
class Registration:
    form_id: str
    regnr: str
    school: str
    data: Mapping[str, Any]
    status: str | None  # the office's follow-up status; None counts as open
    received: dt.date
    event_date: dt.date | None = None


@dataclass(frozen=True, slots=True)
class Action:
    regnr: str
    school: str
    text: str
    date: dt.date | None = None  # of the event
    duty: bool = False  # a legal reporting duty (listed first)
    priority: int = 0  # the duty's priority: the highest first of all


def _date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def actions_for(reg: Registration, *, today: dt.date, open_days: int) -> list[str]:
    """What is still to do. Nothing once the office has set the status to 'afgesloten' (it then
    took care of it, e.g. reported it, even if the form itself was never corrected)."""
    if (reg.status or "").strip().lower() == "afgesloten":
        return []
    form = FORMS[reg.form_id]
    found = [duty.action for duty in form.duties if duty.open(reg.data)]
    found += [step.action for step in form.pending if step.open(reg.data)]
    for step in form.followups:
        if not step.applies(reg.data):
            continue
        event, done = _date(reg.data.get(step.after)), _date(reg.data.get(step.done))
        if event and done is None and today > event + dt.timedelta(days=step.days):
            found.append(step.action)  # a late step that did happen is done: nothing to do
    if form.office_handles and (reg.status or "open") == "open" and (today - reg.received).days > open_days:
        found.append(f"Status 'open' langer dan {open_days} dagen")
    return found


def actions_of(reg: Registration, *, today: dt.date, open_days: int) -> list[Action]:
    """The open actions of one registration."""
    date = reg.event_date or _event_date(reg)
    duties = _duty_priorities(reg.form_id)
    return [
        Action(reg.regnr, reg.school, text, date, text in duties, duties.get(text, 0))
        for text in actions_for(reg, today=today, open_days=open_days)
    ]


def most_urgent_first(actions: Iterable[Action]) -> list[Action]:
    """Legal duties first (the one with the highest priority first of all), then the oldest."""
    return sorted(actions, key=lambda a: (not a.duty, -a.priority, a.date or dt.date.max, a.regnr))


def open_actions(registrations: Iterable[Registration], *, today: dt.date, open_days: int) -> list[Action]:
    return most_urgent_first(a for reg in registrations for a in actions_of(reg, today=today, open_days=open_days))


def _event_date(reg: Registration) -> dt.date | None:
    return _date(reg.data.get(FORMS[reg.form_id].event_date_key))


def _duty_priorities(form_id: str) -> dict[str, int]:
    return {duty.action: duty.priority for duty in FORMS[form_id].duties}
