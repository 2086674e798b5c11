"""The intake's e-mail notices (issue 15, part 4), queued in the store; sending is `mail.outbox`'s.

- a registration that cannot wait (a reporting duty, a death: `mail.notices.urgent_reasons`) is
  queued for the board's contact in the same transaction that stores it, so it is never lost;
- a rejected form that carried the sender's e-mail address (`SENDER_EMAIL`) is queued for them once
  its explanation and annotated copy are in the rejected folder; never a confidential report's (its
  explanation and copy are for the board's office only, and the address typed on it may be anyone's).

Queueing never stops the intake: a failure is logged, and the file is handled as ever.
"""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
from pathlib import Path

from automation.config import Settings
from automation.forms.common import SENDER_EMAIL
from automation.intake.decide import Decision
from automation.mail.outbox import queue_rejection, queue_urgent
from automation.store import Outcome, Store

log = logging.getLogger(__name__)


def stored(store: Store, settings: Settings, decision: Decision, *, regnr: str | None, received: dt.datetime) -> None:
    """After a registration is stored (in its transaction): the board's contact's notice, if urgent."""
    if decision.outcome is not Outcome.ACCEPTED or decision.form is None or decision.result is None or not regnr:
        return
    if decision.survey is not None:
        return
    try:
        queue_urgent(
            store,
            settings,
            form=decision.form,
            record=decision.result.record,
            regnr=regnr,
            received=received,
            correction=decision.correction_of is not None,
        )
    except (sqlite3.Error, ValueError) as exc:
        log.error("Kon het bericht aan het bestuur over %s niet klaarzetten: %s", regnr, exc)


def rejected(
    store: Store,
    settings: Settings,
    decision: Decision,
    *,
    submission_id: int,
    original_name: str,
    explanation: str,
    attachment: Path,
    received: dt.datetime,
) -> None:
    """After a rejected form is handed back: its explanation and workbook to the address it gave."""
    address = decision.result.record.get(SENDER_EMAIL) if decision.result is not None else None
    if not isinstance(address, str) or not address:
        return
    if decision.confidential:
        log.info("Geen e-mail over het afgewezen %s: vertrouwelijk, alleen voor het bestuurskantoor.", original_name)
        return
    try:
        queue_rejection(
            store,
            settings,
            to=address,
            submission_id=submission_id,
            original_name=original_name,
            explanation=explanation,
            attachment=attachment,
            at=received,
        )
    except (sqlite3.Error, ValueError) as exc:
        log.error("Kon het bericht over het afgewezen %s niet klaarzetten: %s", original_name, exc)
