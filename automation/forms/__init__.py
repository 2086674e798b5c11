"""The form definitions, keyed by form id (DOMAIN.md §4), in the order they were registered."""

from __future__ import annotations

from automation.forms import agressie, incident, ongeval, peiling, school
from automation.forms.model import Condition, Field, FollowUp, FormDef, Kind, Register, ReportDuty, Section

FORMS: dict[str, FormDef] = {}


def register(form: FormDef) -> FormDef:
    """Make a form known to the whole product: its Excel form, validation, numbers, master columns,
    counts in the Overzicht and the plan. A form with `counts` is an event register; the registers
    are shown in the order the forms are registered."""
    if form.id in FORMS or any(f.prefix == form.prefix for f in FORMS.values()):
        raise ValueError(f"form {form.id} or prefix {form.prefix} is registered twice")
    FORMS[form.id] = form
    return form


for _form in (incident.FORM, agressie.FORM, ongeval.FORM, school.FORM, peiling.FORM):
    register(_form)


def event_forms() -> tuple[str, ...]:
    """The event registers (incidents, aggression, accidents, ...), in the order they were registered."""
    return tuple(form.id for form in FORMS.values() if form.is_event)


__all__ = [
    "FORMS",
    "Condition",
    "Field",
    "FollowUp",
    "FormDef",
    "Kind",
    "Register",
    "ReportDuty",
    "Section",
    "event_forms",
    "register",
]
