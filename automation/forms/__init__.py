"""The form definitions, keyed by form id (DOMAIN.md §4), in the order they were registered."""

from __future__ import annotations

from automation.forms import agressie, incident, maatregelen, ongeval, peiling, school
from automation.forms.choices import DEFAULT_CHOICES
from automation.forms.model import (
    Condition,
    Confidential,
    Field,
    FollowUp,
    FormDef,
    Kind,
    Register,
    ReportDuty,
    Section,
)

FORMS: dict[str, FormDef] = {}


def register(form: FormDef) -> FormDef:
    """Make a form known to the whole product: its Excel form, validation, numbers, master columns,
    counts in the Overzicht and the plan. A form with `counts` is an event register; the registers
    are shown in the order the forms are registered."""
    if form.id in FORMS or any(f.prefix == form.prefix for f in FORMS.values()):
        raise ValueError(f"form {form.id} or prefix {form.prefix} is registered twice")
    own = dict(form.choice_lists)
    if clash := set(own) & set(DEFAULT_CHOICES):
        raise ValueError(f"form {form.id}: choice lists {sorted(clash)} exist already")
    unknown = {f.choices for f in form.fields if f.choices} - set(DEFAULT_CHOICES) - set(own)
    if unknown:
        raise ValueError(f"form {form.id}: unknown choice lists {sorted(str(u) for u in unknown)}")
    DEFAULT_CHOICES.update(own)  # a board may then replace them in [keuzelijsten] like any other list
    FORMS[form.id] = form
    return form


def unregister(form_id: str) -> None:
    """Forget a form (and its own choice lists) again: for tests that register an extra form."""
    form = FORMS.pop(form_id)
    for name, _ in form.choice_lists:
        DEFAULT_CHOICES.pop(name, None)


for _form in (incident.FORM, agressie.FORM, ongeval.FORM, school.FORM, peiling.FORM, maatregelen.FORM):
    register(_form)


def event_forms() -> tuple[str, ...]:
    """The event registers (incidents, aggression, accidents, ...), in the order they were registered."""
    return tuple(form.id for form in FORMS.values() if form.is_event)


def figure_forms() -> tuple[str, ...]:
    """The event registers whose registrations the figures count and compare with last year (the plan's
    chapters 8 and 9.1, the charts): not a register that holds no events, such as the measures."""
    return tuple(f for f in event_forms() if (r := FORMS[f].counts) is not None and r.in_figures)


__all__ = [
    "FORMS",
    "Condition",
    "Confidential",
    "Field",
    "FollowUp",
    "FormDef",
    "Kind",
    "Register",
    "ReportDuty",
    "Section",
    "event_forms",
    "figure_forms",
    "register",
    "unregister",
]
