"""What the product e-mails, as pure functions of data (issue 15, part 4): each returns a `Notice`
(recipients, subject, Dutch text) and touches no file, database or clock.

No notice carries a pupil's reference, a pseudonym or a description: the board's contact gets the
registration number, the school and why it cannot wait; a director gets numbers, dates and the open
actions' own texts. Only the sender of a rejected form gets their own workbook back, attached when
the message is sent (`outbox`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from typing import Any

from automation.checks.actions import Action
from automation.forms.model import FormDef

URGENT = "dringend"
REJECTION = "afwijzing"
DIGEST = "weekoverzicht"
TEST = "proef"
SIGNATURE = "Dit bericht is automatisch verstuurd door het registratiesysteem sociale veiligheid van {board}."
MAX_ACTIONS = 15  # a digest lists this many open actions; the rest as a count


@dataclass(frozen=True)
class Notice:
    """One message: `key` says what it is about, so it is queued once (`Store.queue_mail`)."""

    kind: str
    key: str
    to: tuple[str, ...]
    subject: str
    body: str

    def message(self, *, sender: str, at: dt.datetime) -> EmailMessage:
        """The message as it is queued (headers and text); an attachment is added when it is sent."""
        msg = EmailMessage(policy=SMTP)
        msg["From"] = sender
        if self.to:
            msg["To"] = ", ".join(self.to)
        msg["Subject"] = self.subject
        msg["Date"] = format_datetime(at.astimezone() if at.tzinfo is None else at)
        digest = hashlib.sha256(self.key.encode()).hexdigest()[:24]
        msg["Message-ID"] = f"<{digest}.{self.kind}@veiligheid.invalid>"
        msg["Auto-Submitted"] = "auto-generated"  # no out-of-office replies to a machine
        msg.set_content(self.body)
        return msg


@dataclass(frozen=True)
class Urgent:
    """Why a registration cannot wait: a reporting duty of its form, or an alert (e.g. a death)."""

    code: str  # stable: the duty's addressee, or the alert's why
    text: str
    done: bool = False  # the form says the duty was met already


def urgent_reasons(form: FormDef, record: Mapping[str, Any]) -> list[Urgent]:
    """What in a registration the board's contact must hear of at once: every reporting duty of the
    form that applies (met or not: the board acts on it either way) and every alert."""
    found = [
        Urgent(duty.to, duty.action, done=duty.done.holds(record))
        for duty in sorted(form.duties, key=lambda d: -d.priority)
        if duty.applies(record)
    ]
    found += [Urgent(alert.why, alert.why) for alert in form.alerts if alert.applies(record)]
    return found


def urgent_notice(
    *,
    to: Sequence[str],
    board: str,
    regnr: str,
    form_title: str,
    school: str,
    received: dt.datetime,
    reasons: Sequence[Urgent],
    correction: bool = False,
) -> Notice:
    """To the board's contact: a registration that cannot wait. Names its number, school and why;
    never a pupil, a pseudonym or what happened (that is read in the master, by the office)."""
    lines = [
        "Er is zojuist een melding geregistreerd die niet kan wachten."
        + (" Het is een correctie van een eerdere melding." if correction else ""),
        "",
        f"Registratienummer: {regnr}",
        f"Formulier:         {form_title}",
        f"School:            {school}",
        f"Ontvangen:         {received.strftime('%d-%m-%Y %H:%M')}",
        "",
        "Waarom dit bericht:",
    ]
    for reason in reasons:
        said = reason.text[0].upper() + reason.text[1:]
        lines.append(f"- {said}" + (" (volgens het formulier al gedaan)" if reason.done else ""))
    lines += [
        "",
        "Wat nu: zoek het registratienummer op in het bestuursoverzicht. Dit bericht noemt bewust geen "
        "leerling en geen omschrijving; die leest u alleen in het bestuursoverzicht.",
        "",
        SIGNATURE.format(board=board),
    ]
    codes = "+".join(sorted(r.code for r in reasons))
    return Notice(
        kind=URGENT,
        key=f"{URGENT}:{regnr}:{codes}",
        to=tuple(to),
        subject=f"Direct actie nodig: {regnr} ({school})",
        body="\n".join(lines) + "\n",
    )


def rejection_notice(
    *,
    to: str,
    board: str,
    submission_id: int,
    original_name: str,
    explanation: str,
    attached: str | None,
) -> Notice:
    """To the sender of a rejected form who gave an e-mail address on it: the same Dutch explanation
    that lies beside the file in the rejected folder, with their workbook (`attached`: its name) in
    the message."""
    head = [
        "U vulde uw e-mailadres in op een formulier dat niet verwerkt kon worden. Hieronder leest u waarom.",
    ]
    if attached:
        head.append(f'Uw bestand zit als bijlage bij dit bericht ("{attached}").')
    body = "\n".join([*head, "", explanation.strip(), "", SIGNATURE.format(board=board)]) + "\n"
    return Notice(
        kind=REJECTION,
        key=f"{REJECTION}:{submission_id}",
        to=(to,),
        subject=f"Niet verwerkt: {original_name}",
        body=body,
    )


@dataclass(frozen=True)
class NewRegistration:
    regnr: str
    form_title: str
    event_date: dt.date | None


def director_digest(
    *,
    to: Sequence[str],
    board: str,
    school: str,
    week: tuple[int, int],
    new: Sequence[NewRegistration],
    actions: Sequence[Action],
    plan_made: dt.datetime | None,
    plan_stale: bool,
    signals: Sequence[str] = (),
    brin: str,
) -> Notice:
    """The weekly digest to a school's director: what came in last week, what is still open, and
    whether the veiligheidsplan is due again. `signals`: the early warnings of issue 15, part 2 (one
    Dutch sentence each), when they exist: the digest lists them first."""
    year, number = week
    lines = [f"Weekoverzicht sociale veiligheid van {school}, week {number} van {year}.", ""]
    if signals:
        lines.append("Signalen (afspraken van het bestuur, geen eisen van de wet):")
        lines += [f"- {s}" for s in signals]
        lines.append("")
    if new:
        lines.append(f"Nieuwe registraties ({len(new)}):")
        lines += [
            f"- {r.regnr}  {r.form_title}" + (f", {r.event_date.strftime('%d-%m-%Y')}" if r.event_date else "")
            for r in new
        ]
    else:
        lines.append("Nieuwe registraties: geen.")
    lines.append("")
    if actions:
        cases = len({a.regnr for a in actions})
        lines.append(f"Open acties ({len(actions)}, bij {cases} registratie{'s' if cases != 1 else ''}):")
        lines += [f"- {a.regnr}: {a.text}" for a in actions[:MAX_ACTIONS]]
        if len(actions) > MAX_ACTIONS:
            lines.append(f"- en nog {len(actions) - MAX_ACTIONS} meer; zie het bestuursoverzicht.")
    else:
        lines.append("Open acties: geen.")
    lines.append(CONFIDENTIAL_LEFT_OUT)
    lines.append("")
    if plan_made is None:
        lines.append("Veiligheidsplan: nog niet gemaakt.")
    elif plan_stale:
        lines.append(
            f"Veiligheidsplan: gemaakt op {plan_made.strftime('%d-%m-%Y')}, maar de gegevens zijn sindsdien "
            "veranderd; een nieuwe versie is nodig."
        )
    else:
        lines.append(f"Veiligheidsplan: gemaakt op {plan_made.strftime('%d-%m-%Y')}, bij.")
    lines += ["", SIGNATURE.format(board=board)]
    return Notice(
        kind=DIGEST,
        key=digest_key(brin, week),
        to=tuple(to),
        subject=f"Weekoverzicht sociale veiligheid {school}, week {number}",
        body="\n".join(lines) + "\n",
    )


CONFIDENTIAL_LEFT_OUT = (  # said every week, whether there are any or not: it gives nothing away
    "Vertrouwelijke meldingen (zoals agressie tegen personeel of grensoverschrijdend gedrag door personeel) "
    "staan nooit in dit overzicht; die volgt het bestuurskantoor."
)


def digest_key(brin: str, week: tuple[int, int]) -> str:
    """One digest per school per ISO week."""
    return f"{DIGEST}:{brin}:{week[0]}-W{week[1]:02d}"


def trial_notice(*, to: Sequence[str], board: str, at: dt.datetime) -> Notice:
    """`veiligheid mail test`: one message to see that the settings work."""
    return Notice(
        kind=TEST,
        key=f"{TEST}:{at.isoformat()}",
        to=tuple(to),
        subject="Proefbericht sociale veiligheid",
        body=(
            f"Dit is een proefbericht van het registratiesysteem sociale veiligheid van {board}, verstuurd op "
            f"{at.strftime('%d-%m-%Y om %H:%M')}.\nKomt het aan, dan werken de e-mailinstellingen.\n"
        ),
    )
