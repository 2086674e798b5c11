"""The SQLite store: on a real file, finished marks survive a rolled-back group and the schema is guarded;
in memory, each typed query answers what was stored."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from automation.errors import StoreError
from automation.store import PURGED, REJECTED, SCHEMA_VERSION, Record, Store, Submission, Tally, ThemeScore
from automation.surveys.importer import SurveyResult, ThemeAggregate
from tests.helpers import query


def submission(n: int) -> Submission:
    return Submission(
        received_at="2026-11-28T10:00:00",
        original_name=f"f{n}.xlsx",
        inbox_path=f"/inbox/.verwerking/{n} f{n}.xlsx",
        sha256=f"{n:064x}",
        size=1,
        archive_path=f"/archief/{n}",
        outcome=REJECTED,
    )


def test_finished_marks_survive_a_rolled_back_group(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "db.sqlite", create=True)
    with store.transaction():
        first = store.add_submission(submission(1), run_id=None)
    store.mark_finished(first, rejected_path="/afgewezen/f1.xlsx")
    with pytest.raises(RuntimeError), store.transaction():
        store.add_submission(submission(2), run_id=None)
        raise RuntimeError("a file in the group failed")
    store.flush()
    rows = query(tmp_path / "db.sqlite", "SELECT id, finished, rejected_path FROM submissions")
    assert [tuple(r) for r in rows] == [(first, 1, "/afgewezen/f1.xlsx")]
    store.close()


def test_a_database_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite"
    Store.open(path, create=True).close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    with pytest.raises(StoreError, match="nieuwere versie"):
        Store.open(path, create=False)


def test_a_damaged_database_is_refused_with_advice(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite"
    path.write_bytes(b"dit is geen database" * 100)
    with pytest.raises(StoreError, match="beschadigd of geen database"):
        Store.open(path, create=False)


def test_a_first_version_database_is_migrated_in_place(tmp_path: Path) -> None:
    from automation.store import (
        EVENTS,
        EVENTS_AUDIT,
        EVENTS_REGNR,
        MAIL_QUEUE,
        OFFICE_ACTIONS,
        OFFICE_NOTES,
        RECORDS_DATA_HASH,
        SCHEMA,
        SCHEMA_VERSION,
        SUBMISSION_WARNINGS,
        SURVEYS,
    )

    path = tmp_path / "db.sqlite"
    conn = sqlite3.connect(path)
    version_1 = (
        SCHEMA.replace(EVENTS, "")
        .replace(EVENTS_AUDIT, "")
        .replace(OFFICE_NOTES, "")
        .replace(SURVEYS, "")
        .replace(SUBMISSION_WARNINGS, "")
        .replace(OFFICE_ACTIONS, "")
        .replace(EVENTS_REGNR, "")
        .replace(RECORDS_DATA_HASH, "")
        .replace(MAIL_QUEUE, "")
        .replace(
            "CREATE INDEX records_order ON records (form_id, event_date, regnr);",
            "CREATE INDEX records_form ON records (form_id, event_date);",
        )
    )
    conn.executescript(version_1 + "PRAGMA user_version = 1;")
    conn.execute(
        "INSERT INTO submissions (received_at, original_name, inbox_path, sha256, size, outcome, archive_path)"
        " VALUES ('2026-11-01T10:00:00', 'a.xlsx', '/i/a', 'ab', 1, 'afgewezen', '/a')"
    )
    conn.execute(
        "INSERT INTO records (regnr, form_id, school, event_date, version, data, submission_id, created_at, "
        "updated_at) VALUES ('INC-2026-0001', 'incident', '12AB', '2026-11-01', 1, '{\"a\": 1}', 1, "
        "'2026-11-01T10:00:00', '2026-11-01T10:00:00')"
    )
    conn.commit()
    conn.close()
    store = Store.open(path, create=False)
    assert store.schema_version() == SCHEMA_VERSION
    indexes = store.indexes()
    assert "records_order" in indexes and "records_form" not in indexes
    with contextlib.closing(sqlite3.connect(path)) as db:  # version 10 hashed the data already there
        ((data, digest),) = db.execute("SELECT data, data_hash FROM records").fetchall()
    assert digest == hashlib.blake2b(data.encode(), digest_size=12).digest()
    store.add_event(at="2026-11-02T10:00:00", kind="overzicht in kopie", name="x.xlsx", message="m")
    assert [e["name"] for e in store.iter_log()] == ["x.xlsx", "a.xlsx"]  # events merged by time
    assert [e["name"] for e in store.iter_log(oldest_first=True)] == ["a.xlsx", "x.xlsx"]
    store.close()


# --- the typed queries, on a store in memory ---------------------------------------------------------
AT = "2026-11-28T10:00:00"


def add(
    store: Store,
    regnr: str,
    *,
    form_id: str = "incident",
    school: str = "12AB",
    event_date: str | None = "2026-11-02",
    data: dict[str, object] | None = None,
    at: str = AT,
) -> None:
    """A registration as the intake stores it: the file received, then its record."""
    sub_id = store.add_submission(submission(store.last_submission_id() + 1), run_id=None, regnr=regnr)
    store.insert_record(
        regnr=regnr,
        form_id=form_id,
        school=school,
        event_date=event_date,
        data=data if data is not None else {"school": school},
        submission_id=sub_id,
        at=at,
    )


def correct(store: Store, regnr: str, *, data: dict[str, object], at: str) -> int:
    """A correction of the registration: a new file replaces its data."""
    sub_id = store.add_submission(submission(store.last_submission_id() + 1), run_id=None, regnr=regnr)
    old = store.record(regnr)
    assert old is not None
    return store.replace_record(
        regnr=regnr,
        school=old.school,
        event_date=old.event_date.isoformat() if old.event_date else None,
        data=data,
        submission_id=sub_id,
        at=at,
    )


def test_a_store_in_memory_is_new_healthy_and_empty() -> None:
    store = Store.memory()
    assert store.healthy()
    assert store.schema_version() == SCHEMA_VERSION
    assert list(store.records(["incident"])) == []
    assert store.tallies({}) == [] and store.tallies({"incident": "categorie"}) == []
    assert store.survey_scores() == [] and list(store.versions()) == []


def test_registration_numbers_count_per_prefix_and_year_and_follow_a_claimed_one() -> None:
    store = Store.memory()
    assert [store.next_regnr("INC", 2026) for _ in range(2)] == ["INC-2026-0001", "INC-2026-0002"]
    assert store.next_regnr("AG", 2026) == "AG-2026-0001"
    assert store.next_regnr("INC", 2027) == "INC-2027-0001"
    store.claim_regnr("INC-2026-0041")  # a rebuild restores a number given out before
    store.claim_regnr("INC-2026-0007")  # an older one does not take the count back
    assert store.next_regnr("INC", 2026) == "INC-2026-0042"


def test_records_are_typed_decoded_with_the_office_status_and_in_number_order() -> None:
    store = Store.memory()
    add(store, "INC-2026-0002", data={"categorie": "pesten", "datum": dt.date(2026, 11, 2)})
    add(store, "INC-2026-0001", school="34CD", event_date=None)
    add(store, "AG-2026-0001", form_id="agressie")
    store.save_office_notes({"INC-2026-0002": ("afgesloten", "gesprek gevoerd")}, at=AT)

    assert list(store.records(["incident"])) == [
        Record(
            regnr="INC-2026-0001",
            form_id="incident",
            school="34CD",
            event_date=None,
            version=1,
            data={"school": "34CD"},
            submission_id=2,
            created_at=AT,
            updated_at=AT,
            office_status=None,
        ),
        Record(
            regnr="INC-2026-0002",
            form_id="incident",
            school="12AB",
            event_date=dt.date(2026, 11, 2),
            version=1,
            data={"categorie": "pesten", "datum": "2026-11-02"},  # dates are stored as ISO text
            submission_id=1,
            created_at=AT,
            updated_at=AT,
            office_status="afgesloten",
        ),
    ]
    assert [r.regnr for r in store.records(["agressie", "incident"])] == [
        "AG-2026-0001",
        "INC-2026-0001",
        "INC-2026-0002",
    ]


def test_a_correction_is_the_next_version_and_keeps_when_the_record_was_made() -> None:
    store = Store.memory()
    add(store, "INC-2026-0001", data={"categorie": "pesten"})
    assert correct(store, "INC-2026-0001", data={"categorie": "discriminatie"}, at="2026-11-29T09:00:00") == 2
    (record,) = store.records(["incident"])
    assert (record.version, record.data, record.submission_id) == (2, {"categorie": "discriminatie"}, 2)
    assert (record.created_at, record.updated_at) == (AT, "2026-11-29T09:00:00")
    assert store.corrected_by(2) and not store.corrected_by(1)
    assert store.history("INC-2026-0001") == [(1, {"categorie": "pesten"}, 2)]


def test_filled_forms_are_oldest_first_so_a_schools_last_one_is_its_latest() -> None:
    store = Store.memory()
    add(store, "SCH-2026-0002", form_id="school", event_date="2026-10-01", at="2026-10-01T08:00:00")
    add(store, "SCH-2026-0001", form_id="school", event_date="2025-10-01", at="2025-10-01T08:00:00")
    add(store, "SCH-2026-0003", form_id="school", event_date="2026-10-01", at="2026-09-30T08:00:00")
    add(store, "INC-2026-0001")
    assert [r.regnr for r in store.filled_forms("school")] == ["SCH-2026-0001", "SCH-2026-0003", "SCH-2026-0002"]
    assert store.filled_forms("peiling") == []


def test_tallies_count_per_form_school_day_and_the_forms_counted_field() -> None:
    store = Store.memory()
    add(store, "INC-2026-0001", data={"categorie": "pesten"})
    add(store, "INC-2026-0002", data={"categorie": "pesten"})
    add(store, "INC-2026-0003", data={"categorie": "discriminatie"})
    add(store, "INC-2026-0004", school="34CD", event_date="2026-11-03T14:30:00", data={"categorie": "pesten"})
    add(store, "INC-2026-0005", event_date=None, data={"categorie": "pesten"})  # no date: not counted
    add(store, "ONG-2026-0001", form_id="ongeval", data={"letsel": "arm"})
    add(store, "AG-2026-0001", form_id="agressie")  # not asked for

    day, next_day = dt.date(2026, 11, 2), dt.date(2026, 11, 3)
    assert store.tallies({"incident": "categorie", "ongeval": None}) == [
        Tally("incident", "12AB", day, "discriminatie", 1),
        Tally("incident", "12AB", day, "pesten", 2),
        Tally("incident", "34CD", next_day, "pesten", 1),
        Tally("ongeval", "12AB", day, None, 1),
    ]


def test_regnrs_schools_with_and_versions_answer_from_the_records() -> None:
    store = Store.memory()
    add(store, "INC-2026-0002")
    add(store, "INC-2026-0001")
    add(store, "INC-2026-0003", school="34CD")
    add(store, "SCH-2026-0001", form_id="school", school="56EF")
    correct(store, "INC-2026-0001", data={"categorie": "pesten"}, at="2026-11-29T09:00:00")
    store.save_office_notes({"INC-2026-0002": ("in behandeling", None)}, at=AT)

    assert store.regnrs("incident", school="12AB") == ["INC-2026-0001", "INC-2026-0002"]
    assert store.regnrs("incident", school="56EF") == []
    assert store.schools_with("incident") == {"12AB", "34CD"}
    assert store.schools_with("peiling") == set()
    assert list(store.versions()) == [
        ("12AB", "incident", "INC-2026-0001", 2, ""),
        ("12AB", "incident", "INC-2026-0002", 1, "in behandeling"),
        ("34CD", "incident", "INC-2026-0003", 1, ""),
        ("56EF", "school", "SCH-2026-0001", 1, ""),
    ]


def pupil_survey(school: str = "12AB", schooljaar: str = "2026-2027", *, respondents: int = 180) -> SurveyResult:
    return SurveyResult(
        school=school,
        schooljaar=schooljaar,
        groep="leerlingen",
        instrument="ZIEN!",
        respondents=respondents,
        scale_min=1,
        scale_max=4,
        themes=(
            ThemeAggregate("veiligheidsbeleving", "Veiligheidsbeleving", respondents, 3.4, 0.85),
            ThemeAggregate("welbevinden", "Welbevinden", respondents - 2, None, None),
        ),
        afname=dt.date(2026, 11, 1),
        groepen=(5, 6, 7, 8),
        invited=200,
    )


def test_survey_scores_round_trip_the_stored_aggregates_per_theme() -> None:
    store = Store.memory()
    add(store, "PEIL-2026-0001", form_id="peiling")
    store.save_surveys([pupil_survey()], regnr="PEIL-2026-0001", submission_id=1, source="ZIEN-export", at=AT)
    safety = ThemeScore(
        school="12AB",
        schooljaar="2026-2027",
        groep="leerlingen",
        theme="veiligheidsbeleving",
        theme_label="Veiligheidsbeleving",
        respondents=180,
        mean=3.4,
        scale_min=1,
        scale_max=4,
        positive=0.85,
        instrument="ZIEN!",
        afname=dt.date(2026, 11, 1),
        survey_respondents=180,
        groepen=(5, 6, 7, 8),
        invited=200,
        regnr="PEIL-2026-0001",
        source="ZIEN-export",
    )
    well_being = replace(
        safety, theme="welbevinden", theme_label="Welbevinden", respondents=178, mean=None, positive=None
    )
    assert store.survey_scores() == [safety, well_being]


def test_survey_scores_filter_by_school_and_year_and_a_new_import_replaces_the_old() -> None:
    store = Store.memory()
    for n, (school, year) in enumerate([("12AB", "2026-2027"), ("12AB", "2025-2026"), ("34CD", "2026-2027")], 1):
        add(store, f"PEIL-2026-000{n}", form_id="peiling", school=school)
        store.save_surveys([pupil_survey(school, year)], regnr=f"PEIL-2026-000{n}", submission_id=n, source="s", at=AT)

    def found(**where: str) -> list[tuple[str, str, int]]:
        return sorted({(s.school, s.schooljaar, s.survey_respondents) for s in store.survey_scores(**where)})

    assert found(school="12AB") == [("12AB", "2025-2026", 180), ("12AB", "2026-2027", 180)]
    assert found(schooljaar="2026-2027") == [("12AB", "2026-2027", 180), ("34CD", "2026-2027", 180)]
    assert found(school="34CD", schooljaar="2025-2026") == []

    again = pupil_survey(respondents=150)
    assert store.stored_respondents(again) == 180
    add(store, "PEIL-2026-0004", form_id="peiling")
    assert store.save_surveys([again], regnr="PEIL-2026-0004", submission_id=4, source="s", at=AT) == 1
    assert found(school="12AB", schooljaar="2026-2027") == [("12AB", "2026-2027", 150)]


def test_a_note_read_back_for_a_registration_past_the_retention_stays_out() -> None:
    """An old master (or one Excel saved again after a purge) still shows the note: only the status
    is taken back, the note is personal data that was removed."""
    store = Store.memory()
    add(store, "INC-2019-0001", data={"categorie": "pesten", PURGED: "2026-11-28"})
    add(store, "INC-2026-0001", data={"categorie": "pesten"})
    notes = {"INC-2019-0001": ("afgesloten", "Moeder van Daan gebeld"), "INC-2026-0001": ("open", "Gebeld")}
    assert store.save_office_notes(notes, at=AT) == 2
    assert store.office_notes() == {"INC-2019-0001": ("afgesloten", None), "INC-2026-0001": ("open", "Gebeld")}


@pytest.mark.parametrize("with_regnr", [False, True])
def test_a_version_8_database_gets_the_events_registration_column_once(tmp_path: Path, with_regnr: bool) -> None:
    """Version 8 was built in two steps: a database of either build opens at the newest version."""
    from automation.store import EVENTS_REGNR, MAIL_QUEUE, RECORDS_DATA_HASH, SCHEMA

    path = tmp_path / "db.sqlite"
    conn = sqlite3.connect(path)
    version_8 = SCHEMA.replace(RECORDS_DATA_HASH, "").replace(MAIL_QUEUE, "")
    conn.executescript((version_8 if with_regnr else version_8.replace(EVENTS_REGNR, "")) + "PRAGMA user_version = 8;")
    conn.close()
    store = Store.open(path, create=False)
    try:
        assert store.schema_version() == SCHEMA_VERSION
        store.add_event(at="2026-12-03T10:00:00", kind="kantooractie", name="test", message="m", regnr="INC-2026-0001")
    finally:
        store.close()
