"""The board's facts with each registration's facts kept between calls (`KeptFacts`, issue 14) are the
facts worked out afresh, through every change a board sees: a new registration, a correction, the
office's status, a move, a withdrawal, a merge, a purge, another day, another school year and another
`open_dagen`; and only what changed is worked out again."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

import pytest

from automation import demo
from automation.checks.board import BoardFacts, board_facts, compute
from automation.checks.kept import KeptFacts
from automation.config import BoardConfig, Overzicht, School
from automation.forms import FORMS, event_forms
from automation.forms.choices import DEFAULT_CHOICES
from automation.store import ACCEPTED, PURGED, Store, Submission

TODAY = dt.date(2026, 11, 28)
SCHOOLS = ("12AB", "34CD", "56EF")
BOARD = BoardConfig(bestuur="Testbestuur", scholen=[School(brin=b, naam=f"School {b}") for b in SCHOOLS])
MAKERS = {"incident": demo.incident, "agressie": demo.agressie, "ongeval": demo.ongeval}


def registration(store: Store, n: int, form_id: str, school: str, *, data: dict[str, Any] | None = None) -> str:
    """One registration as the intake stores it: a valid form's data, received some days after its event."""
    rng = random.Random(n)
    values = data if data is not None else MAKERS[form_id](rng, TODAY, "12AB") | {"school": school}
    values = {k: v.strftime("%H:%M") if isinstance(v, dt.time) else v for k, v in values.items()}
    day = values.get("datum") or TODAY
    regnr = store.next_regnr(form_id[:3].upper(), 2026)
    at = f"{min(TODAY, day + dt.timedelta(days=rng.randint(0, 30))).isoformat()}T10:00:00"
    sub = Submission(at, f"{n}.xlsx", f"inbox/{n}.xlsx", f"{n:064x}", 1, "archief/x", form_id=form_id, outcome=ACCEPTED)
    with store.transaction():
        sub_id = store.add_submission(sub, run_id=None, regnr=regnr)
        store.insert_record(
            regnr=regnr,
            form_id=form_id,
            school=school,
            event_date=str(day)[:10],
            data=values,
            submission_id=sub_id,
            at=at,
        )
    return regnr


def facts(store: Store, *, today: dt.date = TODAY, board: BoardConfig = BOARD, kept: KeptFacts | None) -> BoardFacts:
    year = f"{today.year - (today.month < 8)}-{today.year + (today.month >= 8)}"
    return board_facts(store, board, choices=DEFAULT_CHOICES, schooljaar=year, today=today, kept=kept)


def read_apart(store: Store, *, today: dt.date = TODAY, board: BoardConfig = BOARD) -> BoardFacts:
    """The facts from the store's records and its own tallies (SQL), each read on its own."""
    registers = event_forms()
    counted = {f: (FORMS[f].counts.counted if FORMS[f].counts else None) for f in registers}
    return compute(
        board,
        choices=DEFAULT_CHOICES,
        schooljaar=f"{today.year - (today.month < 8)}-{today.year + (today.month >= 8)}",
        today=today,
        registers=registers,
        records=store.records(registers),
        tallies=store.tallies(counted),
        school_forms=store.filled_forms("school"),
        surveys=store.survey_scores(),
        last_received=store.last_received_per_school(),
        plans={},
    )


def same(store: Store, kept: KeptFacts, **how: Any) -> int:
    """The facts with what is kept equal the facts afresh, and those read apart (the registrations
    counted by the store itself), in every value and in their order; returns how many registrations
    were worked out again."""
    with_kept, afresh, apart = facts(store, kept=kept, **how), facts(store, kept=None, **how), read_apart(store, **how)
    assert with_kept == afresh == apart
    assert repr(with_kept) == repr(afresh) == repr(apart)
    return kept.derived


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = Store.open(tmp_path / "veiligheid.sqlite", create=True)
    for n in range(1, 61):
        registration(store, n, ("incident", "agressie", "ongeval")[n % 3], SCHOOLS[n % 4 % 3])
    registration(store, 99, "incident", "99ZZ")  # a school no longer in the config keeps its actions
    return store


def test_kept_facts_are_the_facts_afresh_through_a_boards_changes(store: Store) -> None:
    kept = KeptFacts()
    first = facts(store, kept=kept)
    assert kept.derived == len(kept) == 61
    assert first.actions and any(a.duty for a in first.actions)  # duties, follow-ups and 'open' alike
    assert same(store, kept) == 0  # nothing changed: nothing decoded or worked out again

    new = registration(store, 100, "agressie", "12AB")
    assert same(store, kept) == 1 and len(kept) == 62

    old = store.record(new)
    assert old is not None
    with store.transaction():  # a correction: the hospital admission was reported after all
        store.replace_record(
            regnr=new,
            school=old.school,
            event_date=old.event_date.isoformat() if old.event_date else None,
            data=dict(old.data) | {"ziekenhuisopname": "ja", "arbeidsinspectie_gemeld": "ja"},
            submission_id=old.submission_id,
            at="2026-11-28T11:00:00",
        )
    assert same(store, kept) == 1

    numbers = [a.regnr for a in first.actions if not a.regnr.startswith("SCH")]
    store.save_office_notes({numbers[0]: ("afgesloten", "Gemeld")}, at="2026-11-28T12:00:00")
    assert same(store, kept) == 1
    store.save_office_notes({numbers[1]: ("in behandeling", None)}, at="2026-11-28T12:00:00")
    assert same(store, kept) == 1

    with store.transaction():  # moved to another school
        store.set_office_value(numbers[2], "school", "56EF", at="2026-11-28T12:00:00")
    assert same(store, kept) == 1

    with store.transaction():  # withdrawn, and one merged into another: counted nowhere any more
        store.set_office_value(numbers[3], "status", "ingetrokken", at="2026-11-28T12:00:00")
        store.set_office_value(numbers[4], "same_as", numbers[5], at="2026-11-28T12:00:00")
    assert same(store, kept) == 0 and len(kept) == 60

    purged = store.record(numbers[6])
    assert purged is not None
    with store.transaction():  # past the retention: personal details gone, the same version
        store.strip_record(purged.regnr, {k: v for k, v in purged.data.items() if k != "omschrijving"} | {PURGED: "x"})
    assert same(store, kept) == 1

    assert same(store, kept, today=TODAY + dt.timedelta(days=1)) == 60  # another day: afresh
    assert same(store, kept, today=TODAY + dt.timedelta(days=1)) == 0
    assert same(store, kept, today=dt.date(2027, 8, 2)) == 60  # another school year
    longer = BoardConfig(bestuur="Testbestuur", scholen=BOARD.scholen, overzicht=Overzicht(open_dagen=30))
    assert same(store, kept, today=dt.date(2027, 8, 2), board=longer) == 60  # another open_dagen
    assert same(store, kept, today=dt.date(2027, 8, 2), board=longer) == 0


def test_a_kind_that_is_no_text_is_counted_as_the_store_counts_it(store: Store) -> None:
    """SQLite orders and groups numbers its own way: the tallies then come from the store."""
    kept = KeptFacts()
    data = demo.incident(random.Random(7), TODAY, "12AB") | {"categorie": 3, "tijd": "10:00"}
    registration(store, 101, "incident", "12AB", data=data)
    assert kept.tallies() == []  # nothing read yet
    assert same(store, kept) == 62
    assert kept.tallies() is None
    assert same(store, kept) == 0


def test_an_empty_board(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "veiligheid.sqlite", create=True)
    kept = KeptFacts()
    assert same(store, kept) == 0 and len(kept) == 0


def test_kept_facts_kept_on_disk_are_taken_by_the_next_process_and_anything_else_is_nothing_kept(
    store: Store,
) -> None:
    """As `veiligheid process` keeps them in .veiligheid/feiten.json: through JSON, the next process
    works out only what changed since; a file of another format, damaged or of another day is no error."""
    import json

    first = KeptFacts()
    same(store, first)
    again = KeptFacts.of_json(json.loads(json.dumps(first.as_json())))
    assert same(store, again) == 0  # nothing worked out again: the stamps are the same in every process
    registration(store, 100, "incident", "12AB")
    assert same(store, again) == 1
    for damaged in (
        {},
        {"format": 99},
        {"format": 1, "basis": "x"},
        [],
        None,
        {"format": 1, "basis": ["2026-11-28", "2026-2027", 14], "rows": {"X": [1]}},
    ):
        nothing = KeptFacts.of_json(damaged)
        assert len(nothing) == 0
        assert same(store, nothing) == 62  # worked out afresh, and the same facts
    later = KeptFacts.of_json(json.loads(json.dumps(first.as_json())))
    assert same(store, later, today=TODAY + dt.timedelta(days=1)) == 62  # another day: afresh
