"""The board's facts as pure functions: periods, the comparison with last year, counting, the school
form a year uses, and the whole computation on a store in memory."""

from __future__ import annotations

import datetime as dt
from typing import Any

from automation.checks.board import (
    COMING,
    FINISHED,
    RUNNING,
    Comparison,
    Period,
    board_facts,
    choose_school_forms,
    count_registrations,
    year_ago,
)
from automation.config import BoardConfig, School
from automation.forms.choices import DEFAULT_CHOICES
from automation.store import ACCEPTED, Record, Store, Submission, Tally

TODAY = dt.date(2026, 11, 28)


def test_a_school_year_is_coming_running_or_finished_and_counted_up_to_today() -> None:
    assert Period.of("2026-2027", TODAY) == Period(
        "2026-2027", dt.date(2026, 8, 1), dt.date(2027, 7, 31), RUNNING, TODAY
    )
    assert Period.of("2025-2026", TODAY).status == FINISHED and Period.of("2025-2026", TODAY).until == dt.date(
        2026, 7, 31
    )
    assert Period.of("2027-2028", TODAY).status == COMING and Period.of("2027-2028", TODAY).until is None
    assert Period.of("2026-2027", TODAY).holds(dt.date(2026, 8, 1))
    assert not Period.of("2026-2027", TODAY).holds(dt.date(2026, 11, 29))  # after today: not counted yet
    assert not Period.of("2027-2028", TODAY).holds(dt.date(2027, 9, 1))


def test_the_same_day_last_year_and_29_february() -> None:
    assert year_ago(dt.date(2026, 11, 28)) == dt.date(2025, 11, 28)
    assert year_ago(dt.date(2028, 2, 29)) == dt.date(2027, 2, 28)


def test_last_year_is_known_only_from_the_boards_first_registration() -> None:
    early = Comparison.of("2026-2027", TODAY, first_event=dt.date(2025, 9, 1))
    assert early.last_until == dt.date(2025, 11, 28) and early.last_known and early.last_whole_known
    assert early.last_partly  # began on 1 September, not 1 August
    late = Comparison.of("2026-2027", TODAY, first_event=dt.date(2026, 3, 1))
    assert not late.last_known and late.last_whole_known  # nothing by 28 November 2025, but from March
    fresh = Comparison.of("2026-2027", TODAY, first_event=dt.date(2026, 9, 1))
    assert not fresh.last_known and not fresh.last_whole_known
    nothing = Comparison.of("2026-2027", TODAY, first_event=None)
    assert not nothing.last_known and not nothing.last_whole_known
    finished = Comparison.of("2025-2026", TODAY, first_event=dt.date(2024, 9, 1))
    assert finished.last_until == dt.date(2025, 7, 31)  # a finished year against last year whole


def test_registrations_are_counted_per_period_form_and_kind() -> None:
    cmp = Comparison.of("2026-2027", TODAY, first_event=dt.date(2025, 9, 1))
    tallies = [
        Tally("incident", "12AB", dt.date(2026, 10, 5), "pesten", 2),
        Tally("incident", "12AB", dt.date(2026, 12, 1), "pesten", 5),  # after today
        Tally("incident", "12AB", dt.date(2025, 10, 5), "pesten", 1),  # same part of last year
        Tally("incident", "12AB", dt.date(2026, 3, 1), None, 4),  # later last year, kind unknown
        Tally("vernieling", "12AB", dt.date(2026, 10, 6), None, 1),  # a register not counted per kind
        Tally("incident", "12AB", dt.date(2024, 10, 5), "pesten", 9),  # two years ago
    ]
    regs = count_registrations(tallies, cmp, per_kind={"incident"})
    assert regs.this_year.forms == {"incident": 2, "vernieling": 1} and regs.this_year.total == 3
    assert regs.this_year.kinds_of("incident") == {"pesten": 2} and regs.this_year.kinds_of("vernieling") == {}
    assert regs.last_to_date is not None and regs.last_to_date.forms == {"incident": 1}
    assert regs.last_whole is not None and regs.last_whole.kinds_of("incident") == {"pesten": 1, "onbekend": 4}
    assert regs.per_month == {"2026-10": {"incident": 2, "vernieling": 1}}
    unknown = count_registrations(tallies, Comparison.of("2026-2027", TODAY, first_event=dt.date(2026, 9, 1)))
    assert unknown.last_to_date is None and unknown.last_whole is None  # no data, not 0


def form(regnr: str, school: str, filled: str) -> Record:
    return Record(regnr, "school", school, dt.date.fromisoformat(filled), 1, {"datum_ingevuld": filled}, 1, "", "")


def test_a_year_uses_its_latest_school_form_else_an_earlier_one_else_the_first_later_one() -> None:
    forms = [
        form("SCH-2025-0001", "12AB", "2025-09-01"),
        form("SCH-2025-0002", "12AB", "2025-10-01"),
        form("SCH-2026-0001", "12AB", "2026-09-01"),
        form("SCH-2027-0001", "34CD", "2027-09-01"),
        form("SCH-2028-0001", "34CD", "2028-09-01"),
    ]
    this = choose_school_forms(forms, schooljaar="2026-2027")
    assert (this["12AB"].regnr, this["34CD"].regnr) == ("SCH-2026-0001", "SCH-2027-0001")
    assert choose_school_forms(forms, schooljaar="2025-2026")["12AB"].regnr == "SCH-2025-0002"
    assert choose_school_forms(forms, schooljaar="2027-2028")["12AB"].regnr == "SCH-2026-0001"  # earlier
    assert "34CD" not in choose_school_forms(forms, schooljaar="2026-2027", later=False)


def add(store: Store, n: int, form_id: str, school: str, day: dt.date, data: dict[str, Any]) -> str:
    regnr = f"{form_id[:3].upper()}-{day.year}-{n:04d}"
    at = f"{day.isoformat()}T10:00:00"
    sub = Submission(at, f"{n}.xlsx", f"/inbox/{n}", f"{n:064x}", 1, "/a", form_id=form_id, outcome=ACCEPTED)
    sub_id = store.add_submission(sub, run_id=None, regnr=regnr)
    store.insert_record(
        regnr=regnr, form_id=form_id, school=school, event_date=day.isoformat(), data=data, submission_id=sub_id, at=at
    )
    return regnr


def test_the_facts_from_a_store_in_memory() -> None:
    store = Store.memory()
    hospital = {"datum": "2026-10-01", "ziekenhuisopname": "ja", "arbeidsinspectie_gemeld": "nee"}
    case = add(store, 1, "agressie", "12AB", dt.date(2026, 10, 1), hospital)
    add(store, 2, "incident", "12AB", dt.date(2026, 10, 2), {"datum": "2026-10-02", "categorie": "pesten"})
    add(store, 3, "incident", "99ZZ", dt.date(2026, 10, 3), {"datum": "2026-10-03", "categorie": "pesten"})
    board = BoardConfig(bestuur="Testbestuur", scholen=[School(brin="12AB", naam="De Regenboog")])
    facts = board_facts(store, board, choices=DEFAULT_CHOICES, schooljaar="2026-2027", today=TODAY)
    school = facts.schools["12AB"]
    assert list(facts.schools) == ["12AB"]
    assert school.registrations.this_year.forms == {"agressie": 1, "incident": 1}
    assert (school.duties.reportable, school.duties.reported, school.duties.open) == (1, 0, 1)
    assert [a.regnr for a in school.actions][:1] == [case] and school.actions[0].duty
    assert school.open_cases == 2  # both are 'open' for more than 14 days; the duty comes first
    assert {a.school for a in facts.actions} == {"12AB", "99ZZ"}  # a school no longer in the config keeps its actions
    assert school.monitor.summary.startswith("voldoet niet")  # no school form: no coordinator
    assert school.milestones_done == 0 and len(school.milestones) == 5
