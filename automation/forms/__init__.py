"""The five form definitions, keyed by form id (DOMAIN.md §4)."""

from __future__ import annotations

from automation.forms import agressie, incident, ongeval, peiling, school
from automation.forms.model import Condition, Field, FormDef, Kind, ReportDuty, Section

FORMS: dict[str, FormDef] = {
    form.id: form for form in (incident.FORM, agressie.FORM, ongeval.FORM, school.FORM, peiling.FORM)
}

# Registers of events, in the order the master workbook shows them.
EVENT_FORMS: tuple[str, ...] = ("incident", "agressie", "ongeval")

__all__ = ["EVENT_FORMS", "FORMS", "Condition", "Field", "FormDef", "Kind", "ReportDuty", "Section"]
