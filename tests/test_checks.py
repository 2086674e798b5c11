"""Open actions and milestones: pure functions of stored data and today's date."""

from __future__ import annotations

import datetime as dt

from automation.checks.actions import Registration, open_actions
from automation.checks.milestones import DEFAULT_DEADLINES, DONE, LATE, ON_SCHEDULE, milestones
from automation.schoolyear import month_end, schoolyear

TODAY = dt.date(2026, 11, 28)


def reg(form_id: str, status: str | None = "in behandeling", received: dt.date = TODAY, **data: str) -> Registration:
    return Registration(form_id, f"X-{form_id}", "12AB", data, status, received)


def texts(*regs: Registration) -> list[str]:
    return [a.text for a in open_actions(regs, today=TODAY, open_days=14)]


def test_school_years_run_from_august_to_july() -> None:
    assert schoolyear(dt.date(2026, 7, 31)) == "2025-2026"
    assert schoolyear(dt.date(2026, 8, 1)) == "2026-2027"
    assert month_end("2026-2027", 2) == dt.date(2027, 2, 28)
    assert month_end("2026-2027", 10) == dt.date(2026, 10, 31)


def test_an_unreported_hospital_admission_of_staff_is_an_open_action() -> None:
    assert texts(reg("ongeval", slachtoffer_type="medewerker", behandeling="ziekenhuisopname")) == [
        "Melden bij de Nederlandse Arbeidsinspectie (ongeval van personeel met ziekenhuisopname, blijvend letsel of "
        "overlijden)"
    ]
    reported = reg(
        "ongeval", slachtoffer_type="medewerker", behandeling="ziekenhuisopname", arbeidsinspectie_gemeld="ja"
    )
    assert texts(reported) == []
    assert texts(reg("ongeval", slachtoffer_type="leerling", behandeling="ziekenhuisopname")) == []


def test_aggression_needs_an_aftercare_talk_within_72_hours() -> None:
    assert texts(reg("agressie", datum="2026-11-20")) == ["Geen opvanggesprek binnen 72 uur"]
    assert texts(reg("agressie", datum="2026-11-20", opvanggesprek_datum="2026-11-27")) == []  # late, but done
    assert texts(reg("agressie", datum="2026-11-20", opvanggesprek_datum="2026-11-22")) == []
    assert texts(reg("agressie", datum="2026-11-27")) == []  # not due yet


def test_staff_sexual_misconduct_needs_the_confidential_inspector() -> None:
    case = reg("incident", categorie="seksueel grensoverschrijdend gedrag", dader_rol="personeel")
    assert texts(case) == ["Vertrouwensinspecteur raadplegen (seksueel grensoverschrijdend gedrag door personeel)"]


def test_a_registration_left_open_too_long_is_an_open_action() -> None:
    old = TODAY - dt.timedelta(days=20)
    assert texts(reg("incident", status=None, received=old)) == ["Status 'open' langer dan 14 dagen"]
    assert texts(reg("incident", status="open", received=TODAY - dt.timedelta(days=10))) == []
    assert texts(reg("incident", status="afgesloten", received=old)) == []


def test_the_office_closing_a_case_clears_its_actions() -> None:
    case = reg("ongeval", status="afgesloten", slachtoffer_type="medewerker", behandeling="ziekenhuisopname")
    assert texts(case) == []


def test_milestones_are_done_on_schedule_or_late() -> None:
    found = milestones({"mijlpaal_1": "2026-10-15"}, year="2026-2027", deadlines=DEFAULT_DEADLINES, today=TODAY)
    assert [(m.key, m.status) for m in found] == [
        ("mijlpaal_1", DONE),
        ("mijlpaal_2", ON_SCHEDULE),
        ("mijlpaal_3", ON_SCHEDULE),
        ("mijlpaal_4", ON_SCHEDULE),
        ("mijlpaal_5", ON_SCHEDULE),
    ]
    late = milestones(None, year="2026-2027", deadlines=DEFAULT_DEADLINES, today=dt.date(2027, 1, 5))
    assert [m.status for m in late][:3] == [LATE, LATE, ON_SCHEDULE]
    assert late[1].deadline == dt.date(2026, 12, 31)
