"""A ready Dutch text per school for the Vensters indicator 'Veiligheid op school' (DOMAIN.md §1, §9).

What Vensters asks: the school's programme and approach, how and when it monitors safety, the latest
results in aggregate, the coordinator (by name only) and how parents and pupils reach the school with
questions or complaints. It is published: no pupil data, no e-mail addresses or phone numbers, and
counts from 1 to 4 are written as "minder dan 5". Where a fact is missing, the text says so between
square brackets, so the office sees what to ask the school before publishing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from typing import Any

from automation.checks.monitor import MEETS, MonitorCheck, checks_for, groups_text
from automation.checks.schoolforms import latest_school_forms
from automation.checks.schoolyear import MONTHS
from automation.config import Monitor, Settings
from automation.store import Store
from automation.surveys.results import ThemeScore, survey_scores

SMALL = 5  # counts below this are written as "minder dan 5"
EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
PHONE_RE = re.compile(r"(\+31|\b0)[\d\s-]{8,13}\d")
THEME_PHRASES = {"aantasting_veiligheid": "aantasting van de veiligheid (niet gepest, bedreigd of gediscrimineerd)"}
GROUP_WORDS = {"leerlingen": "leerlingen", "ouders": "ouders", "personeel": "medewerkers"}


def count_text(n: int) -> str:
    return f"minder dan {SMALL}" if 0 < n < SMALL else str(n)


def public(text: Any) -> str:
    """Free text as it may be published: without e-mail addresses and phone numbers."""
    cleaned = PHONE_RE.sub("", EMAIL_RE.sub("", str(text)))
    return re.sub(r"\s{2,}", " ", re.sub(r"\(\s*\)", "", cleaned)).strip(" ,;:")


def _decimal(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")


def _missing(what: str, who: str = "de directeur, op het schoolformulier") -> str:
    return f"[nog niet bekend: {what}; aan te leveren door {who}]"


def vensters(
    *,
    school_name: str,
    schooljaar: str,
    form: Mapping[str, Any],
    scores: Sequence[ThemeScore],
    verdict_line: str | None = None,
) -> str:
    """The text, from the school form and this school year's (or else the latest) survey aggregates."""
    name = public(form.get("schoolnaam") or school_name)
    paragraphs = [f"Veiligheid op school — {name} ({schooljaar})"]

    programme = form.get("programma")
    if programme and programme != "anders":
        text = f"{name} werkt aan een sociaal veilige school met het programma {public(programme)}."
    elif form.get("programma_toelichting"):
        text = f"{name} werkt aan een sociaal veilige school met een eigen aanpak."
    else:
        text = f"{name} werkt aan een sociaal veilige school. Programma: {_missing('het programma')}."
    if form.get("programma_toelichting"):
        text += f" {public(form['programma_toelichting']).rstrip('.')}."
    text += (
        " Het veiligheidsbeleid staat in het veiligheidsplan van de school, met onder meer een gedragscode, "
        "een pestprotocol en afspraken over de opvang na ernstige incidenten."
    )
    paragraphs.append(text)

    instrument = form.get("monitor_instrument") or (scores[0].instrument if scores else None)
    if instrument:
        frequency = {"jaarlijks": "elk schooljaar", "halfjaarlijks": "twee keer per schooljaar"}.get(
            str(form.get("monitor_frequentie") or ""), "elk schooljaar"
        )
        groups = form.get("monitor_groepen")
        month = form.get("monitor_maand")
        text = f"De school meet {frequency} hoe veilig leerlingen zich voelen met {public(instrument)}"
        text += f", in groep {public(groups)}" if groups else ", in groep 5 tot en met 8"
        text += f", in {str(month).lower()}." if month else "."
        text += (
            " De leerlingen beantwoorden vragen over hoe veilig zij zich voelen, of zij gepest, bedreigd of "
            "gediscrimineerd worden, en over hun welbevinden. De school bespreekt de uitkomsten en stelt haar "
            "aanpak zo nodig bij."
        )
    else:
        text = f"Monitoring van de veiligheid: {_missing('het monitorinstrument')}."
    paragraphs.append(text)

    paragraphs.append(_results(scores, schooljaar))
    if verdict_line:
        paragraphs.append(verdict_line)

    coordinator = form.get("coordinator_naam")
    if coordinator:
        paragraphs.append(
            f"De coördinator sociale veiligheid, {public(coordinator)}, coördineert het beleid tegen pesten en is "
            "het aanspreekpunt voor leerlingen en ouders bij pesten."
        )
    else:
        paragraphs.append(f"Coördinator sociale veiligheid: {_missing('de naam van de coördinator')}.")

    contact = form.get("contactpersoon_naam")
    committee = form.get("klachtencommissie")
    text = (
        "Leerlingen en ouders met een vraag of zorg over veiligheid of pesten gaan eerst naar de leerkracht. "
        "Zij kunnen ook terecht bij de coördinator sociale veiligheid"
        + (f" of bij de interne contactpersoon, {public(contact)}" if contact else "")
        + ". Komen zij er samen niet uit, dan kunnen zij een klacht indienen volgens de klachtenregeling in de "
        "schoolgids"
    )
    if committee and committee != "anders":
        text += f"; de school is aangesloten bij de klachtencommissie {public(committee)}."
    elif form.get("klachtencommissie_contact"):
        text += f"; de klachtencommissie: {public(form['klachtencommissie_contact'])}."
    else:
        text += f". Klachtencommissie: {_missing('de klachtencommissie')}."
    paragraphs.append(text)
    return "\n\n".join(paragraphs)


def _results(scores: Sequence[ThemeScore], schooljaar: str) -> str:
    if not scores:
        return f"Resultaten: {_missing(f'de resultaten van de peiling van {schooljaar}', 'de school, na de peiling')}."
    year = scores[0].schooljaar
    sentences = []
    by_group: dict[str, list[ThemeScore]] = {}
    for score in scores:
        if score.schooljaar == year:
            by_group.setdefault(score.groep, []).append(score)
    for group in ("leerlingen", "ouders", "personeel"):
        rows = by_group.get(group)
        if not rows:
            continue
        n = max(r.survey_respondents or r.respondents for r in rows)
        when = ""
        if rows[0].afname:
            when = f" in {MONTHS[rows[0].afname.month - 1]} {rows[0].afname.year}"
        if n < SMALL:
            sentences.append(
                f"Aan de peiling onder {GROUP_WORDS[group]}{when} deden {count_text(n)} {GROUP_WORDS[group]} mee; "
                "dat is te weinig om uitkomsten te publiceren."
            )
            continue
        parts = []
        for r in rows:
            label = THEME_PHRASES.get(r.theme, r.theme_label.lower())
            if r.positive is not None:
                parts.append(f"{label} {r.positive * 100:.0f}% positief")
            elif r.mean is not None:
                parts.append(f"{label} gemiddeld {_decimal(r.mean)} (schaal {r.scale_min:g}-{r.scale_max:g})")
        sentences.append(
            f"Aan de peiling onder {GROUP_WORDS[group]}{when} deden {count_text(n)} {GROUP_WORDS[group]} mee. "
            f"Uitkomsten: {'; '.join(parts)}."
        )
    if year != schooljaar:
        sentences.insert(0, f"De meest recente peiling is van {year}; die van {schooljaar} volgt nog.")
    return " ".join(sentences)


def latest_scores(scores: Sequence[ThemeScore], *, school: str, schooljaar: str) -> list[ThemeScore]:
    """This school year's results, or else those of the latest year with results."""
    mine = [s for s in scores if s.school == school and s.schooljaar <= schooljaar]
    if not mine:
        return []
    year = max(s.schooljaar for s in mine)
    return [s for s in mine if s.schooljaar == year]


def vensters_text(settings: Settings, store: Store, *, school: str, schooljaar: str, today: dt.date) -> str:
    return vensters_texts(settings, store, schooljaar=schooljaar, today=today)[school]


def vensters_texts(settings: Settings, store: Store, *, schooljaar: str, today: dt.date) -> dict[str, str]:
    return texts_for(store, settings.schools, settings.board.monitor, schooljaar=schooljaar, today=today)


def texts_for(
    store: Store,
    schools: Mapping[str, str],
    cfg: Monitor,
    *,
    schooljaar: str,
    today: dt.date,
    checks: Mapping[str, MonitorCheck] | None = None,
) -> dict[str, str]:
    scores = survey_scores(store)
    forms = latest_school_forms(store)
    if checks is None:
        checks = checks_for(store, schools, cfg, schooljaar=schooljaar, today=today)
    texts = {}
    for brin, name in schools.items():
        verdict = None
        if checks[brin].overall == MEETS:
            verdict = (
                "De meting voldoet aan de eisen van de wet: elk schooljaar, onder een representatief deel van de "
                f"leerlingen (groep {groups_text(cfg.groepen)}), met een erkend instrument, over "
                "veiligheidsbeleving, aantasting van de veiligheid en welbevinden."
            )
        texts[brin] = vensters(
            school_name=name,
            schooljaar=schooljaar,
            form=forms.get(brin, ({}, ""))[0],
            scores=latest_scores(scores, school=brin, schooljaar=schooljaar),
            verdict_line=verdict,
        )
    return texts
