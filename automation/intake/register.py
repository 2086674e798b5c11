"""Store a decided file: its submission, its registration number and (when accepted) its record.

One place for the intake and the rebuild (`Intake.replay`), inside the caller's transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from automation.intake.decide import Decision
from automation.intake.outcome import DuplicateKind
from automation.store import Outcome, Store, Submission, now_text
from automation.surveys.results import PEILING_SOURCE, from_peiling_form

WARNING = "Let op: "  # how a warning begins among the reasons the Logboek shows


@dataclass(frozen=True)
class Registered:
    submission: Submission
    id: int
    regnr: str | None


def register(
    store: Store,
    decision: Decision,
    *,
    name: str,
    inbox_path: str,
    sha: str,
    size: int,
    kept: Path,
    received: dt.datetime,
    rejected: str | None,
    run_id: int | None,
) -> Registered:
    """Store the submission, its number and (when accepted) its record, in the open transaction."""
    sub = Submission(
        received_at=now_text(received),
        original_name=name,
        inbox_path=inbox_path,
        sha256=sha,
        size=size,
        archive_path=str(kept),
        form_id=decision.form.id if decision.form else None,
        form_version=decision.raw.version if decision.raw else None,
        outcome=decision.outcome,
        kind=decision.kind,
        reasons=reasons(decision),
        warnings=tuple(decision.warnings),
        content_key=decision.content_key if decision.outcome is Outcome.ACCEPTED else None,
        rejected_path=rejected,
    )
    regnr = _number(store, decision, received)
    sub_id = store.add_submission(sub, run_id=run_id, regnr=regnr)
    if decision.outcome is Outcome.ACCEPTED and regnr is not None:
        _store_record(store, decision, sub_id=sub_id, regnr=regnr, received=received)
    return Registered(sub, sub_id, regnr)


def reasons(decision: Decision) -> str:
    """What the Logboek says about the file: one line, its parts joined with ' | '."""
    if decision.outcome is Outcome.DUPLICATE:
        what = "zelfde bestand" if decision.kind is DuplicateKind.SAME_FILE else "zelfde inhoud"
        return f"Dubbel ingeleverd ({what}) als {decision.duplicate_of}; niet opnieuw opgeslagen."
    if decision.general:
        return decision.general
    return " | ".join(WARNING + note.text if note.warning else note.text for note in decision.remarks())


def _number(store: Store, decision: Decision, received: dt.datetime) -> str | None:
    if decision.outcome is Outcome.DUPLICATE:
        return decision.duplicate_of
    if decision.outcome is not Outcome.ACCEPTED or decision.form is None:
        return None
    return decision.correction_of or store.next_regnr(decision.form.prefix, received.year)


def _store_record(store: Store, decision: Decision, *, sub_id: int, regnr: str, received: dt.datetime) -> None:
    at = now_text(received)
    if decision.survey is not None:
        source = f"export: {decision.survey.profile}"
        store.save_surveys(decision.survey.results, regnr=regnr, submission_id=sub_id, source=source, at=at)
        return
    assert decision.form is not None and decision.result is not None
    form, record = decision.form, decision.result.record
    event = record.get(form.event_date_key)
    school = str(record["school"])
    event_date = event.isoformat() if isinstance(event, dt.date) else None
    if decision.correction_of:
        store.replace_record(
            regnr=regnr, school=school, event_date=event_date, data=record, submission_id=sub_id, at=at
        )
    else:
        store.insert_record(
            regnr=regnr,
            form_id=form.id,
            school=school,
            event_date=event_date,
            data=record,
            submission_id=sub_id,
            at=at,
        )
    if form.survey_results:
        store.save_surveys([from_peiling_form(record)], regnr=regnr, submission_id=sub_id, source=PEILING_SOURCE, at=at)
