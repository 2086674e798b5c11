"""The weekly digest to each school's director (issue 15, part 4): queued once per school per ISO
week, from the configured day on (`[email] overzicht_dag`), to the director's address on the
school's form. The board's facts are asked only when a digest is due. A confidential registration
(`FormDef.confidential`) is left out of it entirely. A school whose form gives no director's address
gets none: said in the log when the digests are queued, and by `status` (`without_director_address`)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence

from automation.checks.board import BoardFacts, SchoolFacts, choose_school_forms
from automation.checks.signals import Confidential
from automation.config import Settings
from automation.forms import FORMS, figure_forms
from automation.mail.notices import DIGEST, NewRegistration, digest_key, director_digest
from automation.mail.outbox import email_settings, queue, school_label
from automation.schoolyear import schoolyear
from automation.store import Store, now_text

log = logging.getLogger(__name__)

# A school's early warnings (checks.signals, issue 15 part 2): one Dutch sentence each, listed first in
# the digest; given what the director may not see (a confidential registration), left out of them.
Signals = Callable[[SchoolFacts, Callable[[str], bool]], Sequence[str]]


def no_signals(school: SchoolFacts, hidden: Callable[[str], bool]) -> Sequence[str]:
    return ()


def queue_digests(
    store: Store,
    settings: Settings,
    *,
    now: dt.datetime,
    facts: Callable[[], BoardFacts],
    signals: Signals = no_signals,
) -> int | None:
    """Queue this week's digests not queued yet; how many were queued, or None before their day. A
    school whose form gives no director's e-mail address gets none, and the log names it when this
    week's digests are queued, or, with `[email]` configured, when no school has an address at all
    (a working folder without `[email]` and without school forms is not told so at every run)."""
    cfg = email_settings(settings)
    if not cfg.overzicht_directeuren or now.weekday() < cfg.weekday:
        return None
    iso = now.isocalendar()
    week = (iso.year, iso.week)
    addresses = director_addresses(store, settings, schooljaar=schoolyear(now.date()))
    due = {brin for brin in addresses if not store.mail_queued(digest_key(brin, week))}
    if due or (not addresses and settings.board.email is not None):
        _say_missing(settings, addresses)
    if not due:
        return 0
    board = facts()
    since = now_text(now - dt.timedelta(days=7))
    # new since the school's last digest, when that was less than a week ago (its day moved, or the first
    # digest came late in the week before): never the same registration in two digests
    since_of = {brin: max(since, store.last_queued(f"{DIGEST}:{brin}:") or "") for brin in due}
    secret = Confidential(store, settings.choices)
    new: dict[str, list[NewRegistration]] = {}
    for regnr, form_id, brin, event_date, stored in store.registered_since(
        since, figure_forms()
    ):  # a measure is no registration
        if brin not in since_of or stored < since_of[brin] or secret(regnr):
            continue
        day = dt.date.fromisoformat(event_date[:10]) if event_date else None
        new.setdefault(brin, []).append(NewRegistration(regnr, FORMS[form_id].title, day))
    queued = 0
    for code, school in board.schools.items():
        if code not in due:
            continue
        notice = director_digest(
            to=[addresses[code]],
            board=settings.board.bestuur,
            school=f"{code} {school.name}",
            brin=code,
            week=week,
            new=new.get(code, []),
            actions=[a for a in school.actions if not secret(a.regnr)],
            plan_made=school.plan_made,
            plan_stale=school.plan_stale,
            signals=signals(school, secret),
        )
        queued += queue(store, notice, settings=settings, at=now)
    return queued


def director_addresses(store: Store, settings: Settings, *, schooljaar: str) -> dict[str, str]:
    """Per school of the config that has one, the director's address on its school form: the form the
    board's facts choose for the school year (`checks.board.choose_school_forms`)."""
    forms = choose_school_forms(store.filled_forms("school"), schooljaar=schooljaar)
    found: dict[str, str] = {}
    for brin in settings.schools:
        form = forms.get(brin)
        address = form.data.get("directeur_email") if form else None
        if isinstance(address, str) and address.strip():
            found[brin] = address.strip()
    return found


def without_director_address(store: Store, settings: Settings, *, today: dt.date) -> list[str]:
    """The schools ('BRIN name', in the config's order) whose director gets no weekly digest for want
    of an address; none when the digests are off (`[email] overzicht_directeuren = false`)."""
    if not email_settings(settings).overzicht_directeuren:
        return []
    addresses = director_addresses(store, settings, schooljaar=schoolyear(today))
    return [school_label(settings, brin) for brin in settings.schools if brin not in addresses]


NO_ADDRESS = (
    "Geen weekoverzicht voor de directeur van %s: er staat geen e-mailadres van de directeur op het "
    "schoolformulier ('E-mail directeur'). Laat de school het schoolformulier opnieuw insturen met dat adres."
)


def _say_missing(settings: Settings, addresses: dict[str, str]) -> None:
    missing = [school_label(settings, brin) for brin in settings.schools if brin not in addresses]
    if missing:
        log.warning(NO_ADDRESS, ", ".join(missing))
