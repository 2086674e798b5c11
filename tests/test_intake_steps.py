"""The intake as steps: recognisers asked in order, typed outcomes, warnings stored as a list."""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
from pathlib import Path

import pytest

from automation import app
from automation.config import Settings
from automation.errors import ProblemKind
from automation.excel import read_form
from automation.intake.decide import Decision, Dropped, NotMine, decide
from automation.intake.outcome import RejectKind
from automation.intake.recognisers import recognisers
from automation.store import (
    EVENTS_REGNR,
    MAIL_QUEUE,
    OFFICE_ACTIONS,
    RECORDS_DATA_HASH,
    SCHEMA,
    SUBMISSION_WARNINGS,
    Outcome,
    Store,
)
from tests.conftest import Filler
from tests.helpers import query


def rows(settings: Settings, sql: str) -> list[sqlite3.Row]:
    conn = sqlite3.connect(settings.paths.database)
    conn.row_factory = sqlite3.Row
    try:
        return list(conn.execute(sql))
    finally:
        conn.close()


def test_a_warning_is_stored_as_a_list_and_the_logboek_and_receipt_still_show_it(
    workspace: Settings, drop: Filler
) -> None:
    drop("agressie", "a.xlsx", ziekenhuisopname="ja", letsel="ja", letsel_aard="kneuzing")
    app.process(workspace)
    (sub,) = rows(workspace, "SELECT outcome, reasons, warnings FROM submissions")
    warnings = json.loads(sub["warnings"])
    assert sub["outcome"] == Outcome.ACCEPTED
    assert len(warnings) == 1 and warnings[0].startswith("Gemeld bij Arbeidsinspectie (cel ")
    assert sub["reasons"] == "Let op: " + warnings[0]  # what the Logboek shows, as before
    (receipt,) = workspace.paths.receipts.rglob("AG-* - a.txt")
    assert f"- {warnings[0]}" in receipt.read_text(encoding="utf-8-sig")


def test_a_version_6_database_gets_its_warnings_read_out_of_the_reasons_once(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite"
    conn = sqlite3.connect(path)
    conn.executescript(
        SCHEMA.replace(SUBMISSION_WARNINGS, "")
        .replace(OFFICE_ACTIONS, "")
        .replace(EVENTS_REGNR, "")
        .replace(RECORDS_DATA_HASH, "")
        .replace(MAIL_QUEUE, "")
        + "PRAGMA user_version = 6;"
    )
    insert = (
        "INSERT INTO submissions (received_at, original_name, inbox_path, sha256, size, outcome, reasons, "
        "archive_path) VALUES ('2026-11-01T10:00:00', ?, '/i', 'ab', 1, ?, ?, '/a')"
    )
    export = "Export van een peiling. | 12AB: 30 respondenten | Let op: 12AB: vervangt 60 | Let op: 2 niet herkend"
    conn.execute(insert, ("peiling.csv", "geaccepteerd", export))
    conn.execute(insert, ("fout.xlsx", "afgewezen", "Datum (cel C4): vul een datum in."))
    conn.commit()
    conn.close()
    store = Store.open(path, create=False)
    try:
        log = {entry["name"]: json.loads(entry["warnings"]) for entry in store.iter_log()}
        assert log == {"peiling.csv": ["12AB: vervangt 60", "2 niet herkend"], "fout.xlsx": []}
        (reasons,) = query(path, "SELECT reasons FROM submissions WHERE original_name = 'peiling.csv'")
        assert reasons[0] == export  # the Logboek's text stays as it was
    finally:
        store.close()


class Notes:
    """A recogniser for a kind of file the board does not have yet: a note that starts 'NOTITIE'."""

    def recognise(self, file: Dropped, *, before: NotMine | None) -> Decision | NotMine:
        if not file.data.startswith(b"NOTITIE"):
            return before or NotMine(ProblemKind.UNKNOWN, "Dit is geen notitie.")
        return Decision(Outcome.REJECTED, kind=RejectKind.INVALID, general="Een notitie is geen melding.")


def test_another_kind_of_file_is_one_more_recogniser_asked_after_the_others(workspace: Settings) -> None:
    store = Store.open(workspace.paths.database, create=True)
    try:
        asked = [*recognisers(workspace, store, secret=b"s" * 32, max_bytes=10**6), Notes()]

        def decision(data: bytes) -> Decision:
            return decide(Dropped(data, "notitie.txt", "ab", dt.datetime(2026, 11, 2, 9)), asked, store=store)

        note = decision(b"NOTITIE: bel de ouders van groep 5\n")
        assert (note.outcome, note.kind, note.general) == (Outcome.REJECTED, "ongeldig", "Een notitie is geen melding.")
        other = decision(b"Bel me even terug, groet Ans\n")  # nobody's: explained by the forms and the profiles
        assert other.kind is ProblemKind.TEXT and other.general is not None
        assert other.general.startswith("Dit is een tekstbestand, geen ingevuld Excel-formulier.")
    finally:
        store.close()


def test_every_problem_the_form_reader_names_is_a_problem_kind() -> None:
    source = Path(read_form.__file__).read_text(encoding="utf-8")
    codes = set(re.findall(r'FileProblem\(\s*"([a-z-]+)"', source))
    assert codes and codes <= {kind.value for kind in ProblemKind}


@pytest.mark.parametrize(
    ("outcome", "stored"), [("ACCEPTED", "geaccepteerd"), ("REJECTED", "afgewezen"), ("DUPLICATE", "dubbel")]
)
def test_outcomes_keep_the_words_older_databases_hold(outcome: str, stored: str) -> None:
    assert Outcome[outcome] == stored
