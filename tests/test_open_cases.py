"""`status` counts the open cases in SQL (`Store.case_counts`, `checks.board.board_summary`): the same
count as `checks.actions` gives in Python, for any data a registration can hold — texts in any case and
with any letters, dates in any form or none, numbers, lists, the office's status with white space
around it — and the same figures as the board's facts worked out in full."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from automation.app import school_figures
from automation.checks.actions import Registration, actions_of
from automation.checks.board import board_facts, board_summary, summary_of
from automation.config import BoardConfig, Overzicht
from automation.forms import FORMS, event_forms
from automation.forms.choices import DEFAULT_CHOICES
from automation.forms.model import Condition, FormDef
from automation.store import ACCEPTED, Store, Submission, dumps
from tests.test_kept_facts import BOARD, TODAY, registration

REGISTERS = event_forms()


def conditions(form: FormDef) -> list[Condition]:
    found = [c for d in form.duties for c in (*d.when_all, *d.when_any, d.done)]
    found += [c for p in form.pending for c in p.when_all]
    return found + [c for f in form.followups for c in f.when]


def variants(text: str) -> list[str]:
    """How a value may have been typed: in another case, with space around it, with letters that only
    Python's case-folding makes the same (long s, the Kelvin sign), or with a letter that differs."""
    return [
        text,
        text.upper(),
        text.title(),
        f" {text}",
        text.replace("s", "ſ"),
        text.replace("k", "\u212a"),
        text.replace("e", "é"),
        text[:-1],
    ]


DAYS = ["2026-11-01", "2026-11-20T10:00:00", "20261101", "2026-02-30", "0000-01-01", "2026-W45-1", "", " 2026-11-01"]
OTHERS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 20261120),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=6),
    st.lists(st.sampled_from(["ja", "pesten"]), max_size=2),
    st.dictionaries(st.sampled_from(["a"]), st.integers(), max_size=1),
)
STATUSES = [
    None,
    "",
    "open",
    "Open",
    "afgesloten",
    " AFGESLOTEN\t",
    "afgesloten\x1c",
    "\xa0afgesloten",
    "afgeſloten",
    "in behandeling",
    "ingetrokken",
]


def keys(form_id: str) -> dict[str, st.SearchStrategy[Any]]:
    """Each key a rule of the form reads: mostly (a variant of) a value its rules name, or a date."""
    form = FORMS[form_id]
    named: dict[str, set[str]] = {}
    for c in conditions(form):
        named.setdefault(c.key, set()).update(v for value in c.values for v in variants(value))
    found = {
        key: st.one_of(st.sampled_from(sorted(texts)), st.sampled_from(sorted(texts)), OTHERS)
        for key, texts in named.items()
    }
    days = st.one_of(
        st.sampled_from(DAYS), st.dates(dt.date(2025, 1, 1), dt.date(2027, 12, 31)).map(dt.date.isoformat), OTHERS
    )
    return found | {k: days for f in form.followups for k in (f.after, f.done)}


@st.composite
def registrations(draw: st.DrawFn) -> tuple[str, str, dict[str, Any], str | None, dt.date]:
    form_id = draw(st.sampled_from(REGISTERS))
    data = draw(st.fixed_dictionaries({}, optional=keys(form_id)))
    received = draw(st.dates(dt.date(2026, 9, 1), dt.date(2026, 12, 31)))
    status = draw(st.sampled_from([*STATUSES, *["in behandeling"] * 8]))  # mostly: the rules decide, not 'open'
    return form_id, draw(st.sampled_from(["12AB", "34CD"])), data, status, received


def stored(
    store: Store, n: int, form_id: str, school: str, data: dict[str, Any], status: str | None, received: dt.date
) -> None:
    regnr = f"{form_id[:3].upper()}-2026-{n:04d}"
    at = f"{received.isoformat()}T10:00:00"
    sub = Submission(at, f"{n}.xlsx", f"inbox/{n}.xlsx", f"{n:064x}", 1, "a", form_id=form_id, outcome=ACCEPTED)
    sub_id = store.add_submission(sub, run_id=None, regnr=regnr)
    store.insert_record(
        regnr=regnr, form_id=form_id, school=school, event_date="2026-10-01", data=data, submission_id=sub_id, at=at
    )
    if status is not None:
        store.set_office_value(regnr, "status", status, at=at)


def in_python(store: Store, *, today: dt.date, open_days: int) -> Counter[str]:
    found: Counter[str] = Counter()
    for rec in store.records(REGISTERS):
        reg = Registration(
            rec.form_id,
            rec.regnr,
            rec.school,
            rec.data,
            rec.office_status,
            dt.date.fromisoformat(rec.created_at[:10]),
            rec.event_date,
        )
        found[rec.school] += bool(actions_of(reg, today=today, open_days=open_days))
    return found


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(registrations(), min_size=1, max_size=8),
    st.dates(dt.date(2026, 10, 1), dt.date(2027, 1, 31)),
    st.integers(1, 40),
)
def test_the_store_counts_the_open_cases_as_the_actions_find_them(
    regs: list[tuple[str, str, dict[str, Any], str | None, dt.date]], today: dt.date, open_days: int
) -> None:
    store = Store.memory()
    for n, reg in enumerate(regs, start=1):
        dumps(reg[2])  # storable
        stored(store, n, *reg)
    counts = store.case_counts([FORMS[f] for f in REGISTERS], today=today, open_days=open_days)
    in_sql: Counter[str] = Counter()
    for c in counts:
        in_sql[c.school] += c.open
    assert +in_sql == +in_python(store, today=today, open_days=open_days)
    assert sum(c.n for c in counts) == len(list(store.records(REGISTERS)))


def figures(store: Store, *, today: dt.date = TODAY, board: BoardConfig = BOARD) -> None:
    year = f"{today.year - (today.month < 8)}-{today.year + (today.month >= 8)}"
    full = board_facts(store, board, choices=DEFAULT_CHOICES, schooljaar=year, today=today)
    quick = board_summary(store, board, schooljaar=year, today=today)
    assert school_figures(quick) == school_figures(summary_of(full))
    assert [(s.brin, s.open_cases, s.milestones, s.monitor) for s in quick.schools.values()] == [
        (s.brin, s.open_cases, s.milestones, s.monitor) for s in full.schools.values()
    ]


def test_the_summary_for_status_has_the_figures_of_the_facts_worked_out_in_full(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "veiligheid.sqlite", create=True)
    figures(store)  # an empty board
    for n in range(1, 61):
        registration(store, n, ("incident", "agressie", "ongeval")[n % 3], ("12AB", "34CD", "56EF")[n % 4 % 3])
    registration(store, 99, "incident", "99ZZ")  # a school no longer in the config
    figures(store)
    numbers = [
        a.regnr for a in board_facts(store, BOARD, choices=DEFAULT_CHOICES, schooljaar="2026-2027", today=TODAY).actions
    ]
    store.save_office_notes(
        {numbers[0]: ("afgesloten", None), numbers[1]: ("in behandeling", None)}, at="2026-11-28T12:00:00"
    )
    with store.transaction():
        store.set_office_value(numbers[2], "status", "ingetrokken", at="2026-11-28T12:00:00")
        store.set_office_value(numbers[3], "same_as", numbers[4], at="2026-11-28T12:00:00")
    figures(store)
    figures(store, today=dt.date(2027, 3, 1))
    figures(store, today=dt.date(2027, 9, 1))  # the next school year: this one is last year
    figures(store, board=BoardConfig(bestuur="Testbestuur", scholen=BOARD.scholen, overzicht=Overzicht(open_dagen=60)))


CASES = [  # (form, data, whether an action is open on TODAY), the office's status 'in behandeling'
    ("incident", {"categorie": "PEſTEN", "datum": "2026-10-01"}, True),  # long s: pesten to Python
    ("incident", {"categorie": "pesten", "datum": "2026-10-01", "evaluatie_datum": "2026-10-10"}, False),
    ("incident", {"categorie": "pesten", "datum": "2026-10-01", "evaluatie_datum": "20261010"}, False),
    ("incident", {"categorie": "pesten", "datum": "2026-10-01", "evaluatie_datum": "2026-02-30"}, True),
    ("incident", {"categorie": ["pesten"], "datum": "2026-10-01"}, False),  # a list is no text
    ("agressie", {"datum": "20261001"}, True),  # a date Python reads: no talk within 72 hours
    ("agressie", {"datum": 20261001}, True),
    ("agressie", {"datum": "0000-01-01"}, False),
    ("agressie", {"datum": "2026-11-27"}, False),  # not 72 hours yet
    ("agressie", {"datum": "2026-10-01", "opvanggesprek_datum": "2026-10-02", "ziekenhuisopname": "JA"}, True),
    ("ongeval", {"slachtoffer_type": "Medewerker", "blijvend_letsel": "onbekend"}, True),
    ("ongeval", {"slachtoffer_type": "leerling", "blijvend_letsel": "onbekend"}, False),
]


def test_each_rule_alone_is_counted_as_python_counts_it() -> None:
    for form_id, data, expected in CASES:
        store = Store.memory()
        stored(store, 1, form_id, "12AB", data, "in behandeling", dt.date(2026, 10, 1))
        (count,) = store.case_counts([FORMS[f] for f in REGISTERS], today=TODAY, open_days=14)
        assert in_python(store, today=TODAY, open_days=14)["12AB"] == count.open == expected, (form_id, data)
