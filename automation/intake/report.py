"""The plain-text explanation that goes back to the person who dropped a rejected file."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from automation.store import Outcome
from automation.validation import Problem


def _stamp(moment: dt.datetime) -> str:
    return moment.strftime("%d-%m-%Y om %H:%M")


def rejection_text(
    *,
    original_name: str,
    received: dt.datetime,
    form_title: str | None,
    problems: Sequence[Problem],
    warnings: Sequence[Problem],
    general: str | None,
    annotated_name: str | None,
    inbox_hint: str,
    export: bool = False,
) -> str:
    """`export`: the file was recognised as a survey export (a supplier's file, not a form)."""
    lines = [
        f'Uw bestand "{original_name}" is NIET verwerkt.',
        f"Ontvangen: {_stamp(received)}",
    ]
    if form_title:
        lines.append(f"Formulier: {form_title}")
    lines.append("")
    if general:
        lines += ["Wat is er aan de hand:", general, ""]
    if problems:
        lines.append("Wat moet er anders:")
        lines += [f"{n}. {p.line()}" for n, p in enumerate(problems, start=1)]
        lines.append("")
    if warnings:
        lines.append("Let ook op (dit houdt het formulier niet tegen):")
        lines += [f"- {p.line()}" for p in warnings]
        lines.append("")
    lines.append("Wat nu?")
    if problems and annotated_name:
        lines.append(
            f'Open "{annotated_name}": de rode cellen hebben een opmerking. Verbeter die velden, sla het '
            f"bestand op en zet het opnieuw in de map voor meldingen ({inbox_hint})."
        )
    elif problems:
        lines.append(
            f'Open uw bestand "{original_name}", verbeter de genoemde velden, sla het op en zet het opnieuw '
            f"in de map voor meldingen ({inbox_hint})."
        )
    elif export:
        lines.append(
            f"Volg de aanwijzing hierboven en zet daarna de export opnieuw in de map voor meldingen ({inbox_hint})."
        )
    else:
        lines.append(
            "Volg de aanwijzing hierboven en zet daarna het ingevulde formulier in de map voor meldingen "
            f"({inbox_hint})."
        )
    lines += [
        "",
        "Uw oorspronkelijke bestand staat ongewijzigd naast deze uitleg. Vragen? Neem contact op met "
        "het bestuurskantoor.",
    ]
    return "\n".join(lines) + "\n"


def receipt_text(
    *,
    original_name: str,
    received: dt.datetime,
    form_title: str | None,
    regnr: str,
    duplicate: bool,
    notes: Sequence[str],
    correction: bool,
    about: Sequence[tuple[str, str]] = (),
    export: bool = False,
) -> str:
    """The confirmation for the sender: the registration number they need for a correction."""
    if duplicate:
        lines = [
            f'Uw bestand "{original_name}" was al eerder ingeleverd (als {regnr}).',
            "Het is niet nog een keer opgeslagen; u hoeft niets te doen.",
        ]
    elif correction:
        lines = [f'Uw correctie "{original_name}" is verwerkt: melding {regnr} is bijgewerkt.']
    else:
        lines = [f'Uw bestand "{original_name}" is verwerkt.']
    lines += ["", f"Registratienummer: {regnr}", f"Ontvangen: {_stamp(received)}"]
    if export:
        lines.append("Soort: export van een peiling (alleen de totalen per thema zijn bewaard)")
    elif form_title:
        lines.append(f"Formulier: {form_title}")
    lines += [f"{label}: {value}" for label, value in about]
    if notes:
        lines += ["", "Let op (het bestuurskantoor ziet dit ook):"]
        lines += [f"- {note}" for note in notes]
    if export:
        lines += [
            "",
            "Nieuwe of verbeterde resultaten van dezelfde peiling? Lever de nieuwe export in: die vervangt deze "
            "resultaten (per school, schooljaar, groep respondenten en instrument).",
        ]
    else:
        lines += [
            "",
            "Wilt u later iets verbeteren? Vul het formulier opnieuw in met de juiste gegevens, zet bij "
            f"'Correctie van registratienummer' {regnr} en lever het opnieuw in.",
        ]
    return "\n".join(lines) + "\n"


def survey_line(
    *, school: str, school_name: str, groep: str, schooljaar: str, respondents: int, instrument: str
) -> str:
    """One survey's results on the confirmation of an export: '12AB De Regenboog, leerlingen,
    2026-2027: 70 respondenten (ZIEN!)'; without an instrument no empty brackets."""
    named = f" ({instrument})" if instrument.strip() else ""
    return f"{school} {school_name}".strip() + f", {groep}, {schooljaar}: {respondents} respondenten{named}"


def notice_name(received: dt.datetime, outcome: Outcome, *, sha256: str = "") -> str:
    """The neutral notice's file name in the school's folder: what became of it and when it was handed
    in, never the file's own name (which may name someone). The first characters of the file's
    SHA-256 tell apart several forms handed in within the same second (and the same file's notice,
    written again after an interruption, keeps its name); they say nothing about the content."""
    what = {Outcome.REJECTED: "Niet verwerkt", Outcome.DUPLICATE: "Dubbel"}.get(outcome, "Verwerkt")
    key = f", {sha256[:6]}" if sha256 else ""
    return f"{what} (ingeleverd {received:%d-%m-%Y om %H.%M.%S}{key}).txt"


def notice_text(*, received: dt.datetime, outcome: Outcome) -> str:
    """What the school's folder says about a confidential report the office handles: only when it was
    handed in and what became of it. No file name, no names, no pupil, no description."""
    handed_in = f"Een formulier dat op {_stamp(received)} is ingeleverd"
    if outcome is Outcome.REJECTED:
        lines = [
            f"{handed_in}, kon niet worden verwerkt.",
            "",
            "Het bestuurskantoor neemt contact op met wie het heeft ingeleverd.",
        ]
    elif outcome is Outcome.DUPLICATE:
        lines = [
            f"{handed_in}, was al eerder ingeleverd en is niet nog een keer opgeslagen.",
            "",
            "U hoeft niets te doen.",
        ]
    else:
        lines = [
            f"{handed_in}, is ontvangen en verwerkt.",
            "",
            "De bevestiging met het registratienummer staat bij het bestuurskantoor. Wilt u later iets "
            "verbeteren? Vraag het registratienummer dan aan het bestuurskantoor.",
        ]
    return "\n".join(lines) + "\n"
