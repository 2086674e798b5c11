"""Store a decided file: its submission, its registration number and (when accepted) its record.

One place for the intake and the rebuild (`Intake.replay`), inside the caller's transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from automation.config import Paths
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
    paths: Paths | None = None,
    number: str | None = None,
    avoid: Collection[str] = (),
) -> Registered:
    """Store the submission, its number and (when accepted) its record, in the open transaction.

    Paths are kept relative to the working folder (`paths`), so the folder can move. `number` is
    the number this file was given before (a rebuild replaying the archive): a new registration
    gets it again instead of the next one, unless another registration holds it already; a new
    number is never one of `avoid` (numbers a rebuild knows were given to other files)."""

    def kept_as(path: str | Path | None) -> str | None:
        if path is None or path == "" or paths is None:
            return None if path is None else str(path)
        return paths.relative(Path(path))

    rejected = kept_as(rejected)
    sub = Submission(
        received_at=now_text(received),
        original_name=name,
        inbox_path=kept_as(inbox_path) or "",
        sha256=sha,
        size=size,
        archive_path=kept_as(kept) or "",
        form_id=decision.form.id if decision.form else None,
        form_version=decision.raw.version if decision.raw else None,
        outcome=decision.outcome,
        kind=decision.kind,
        reasons=reasons(decision),
        warnings=tuple(decision.warnings),
        content_key=decision.content_key if decision.outcome is Outcome.ACCEPTED else None,
        rejected_path=rejected,
    )
    regnr = _number(store, decision, received, number, avoid)
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


def _number(
    store: Store, decision: Decision, received: dt.datetime, given: str | None, avoid: Collection[str]
) -> str | None:
    if decision.outcome is Outcome.DUPLICATE:
        return decision.duplicate_of
    if decision.outcome is not Outcome.ACCEPTED or decision.form is None:
        return None
    if decision.correction_of:
        return decision.correction_of
    if given and given.startswith(f"{decision.form.prefix}-") and not store.number_taken(given):
        store.claim_regnr(given)
        return given
    while True:
        regnr = store.next_regnr(decision.form.prefix, received.year)
        if regnr not in avoid:
            return regnr


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
