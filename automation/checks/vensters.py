"""A ready Dutch text per school for the Vensters indicator 'Veiligheid op school' (DOMAIN.md §1, §9).

What Vensters asks: the school's programme and approach, how and when it monitors safety, the latest
results in aggregate, the coordinator (by name only) and how parents and pupils reach the school with
questions or complaints. It is published: no pupil data, no e-mail addresses or phone numbers, and
counts from 1 to 4 are written as "minder dan 5". Where a fact is missing, the text says so between
square brackets, so the office sees what to ask the school before publishing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from automation.checks.monitor import MEETS, MonitorCheck, groups_text
from automation.schoolyear import MONTHS
from automation.store import ThemeScore

SMALL = 5  # counts below this are written as "minder dan 5"
EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
PHONE_RE = re.compile(r"(\+31|\b0)[\d\s-]{8,13}\d")
THEME_PHRASES = {"aantasting_veiligheid": "aantasting van de veiligheid (niet gepest, bedreigd of gediscrimineerd)"}
GROUP_WORDS = {"leerlingen": "leerlingen", "ouders": "ouders", "personeel": "medewerkers"}


def count_text(n: int) -> str:
    return f"minder dan {SMALL}" if 0 < n < SMALL else str(n)


def public(text: Any) -> str:
    """Free text as it may be published: sentences with an e-mail address or phone number are left
    out whole (what remains of them would read as debris)."""
    sentences = re.split(r"(?<=[.!?])\s+", str(text).strip())
    kept = [s for s in sentences if not EMAIL_RE.search(s) and not PHONE_RE.search(s)]
    return " ".join(kept).strip()


def public_name(text: Any) -> str:
    """A name as it may be published: contact details taken out, with their brackets and commas."""
    cleaned = PHONE_RE.sub("", EMAIL_RE.sub("", str(text)))
    cleaned = re.sub(r"\b(tel|telefoon|mail|e-mail|email)\b\.?:?", "", cleaned, flags=re.I)
    cleaned = re.sub(r"\(\s*[,;/]?\s*\)", "", cleaned)
    return re.sub(r"\s{2,}", " ", cleaned).strip(" ,;:/-")


def _decimal(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")


def _missing(what: str, who: str = "de directeur, op het schoolformulier") -> str:
    return f"[nog niet bekend: {what}; aan te leveren door {who}]"


def _surveys(scores: Sequence[ThemeScore]) -> dict[str, list[ThemeScore]]:
    """One survey's results per registration number."""
    found: dict[str, list[ThemeScore]] = {}
    for score in scores:
        found.setdefault(score.regnr or score.instrument, []).append(score)
    return found


def _pick(scores: Sequence[ThemeScore], group: str, judged: str | None) -> list[ThemeScore]:
    """The one survey of a group the text reports: for pupils the one the monitor check judged,
    else the one with the most respondents (results of different surveys are never mixed)."""
    mine = _surveys([s for s in scores if s.groep == group])
    if not mine:
        return []
    if judged and judged in mine:
        return mine[judged]
    return max(mine.values(), key=lambda rows: (rows[0].survey_respondents or rows[0].respondents, rows[0].regnr))


GROUPS = ("leerlingen", "ouders", "personeel")


def reported_surveys(scores: Sequence[ThemeScore], check: MonitorCheck | None) -> dict[str, tuple[ThemeScore, ...]]:
    """Per respondent group the one survey the outputs report (the Vensters text, the plan's results,
    `status`): for pupils the survey the monitor check judged, if it reached enough pupils; else the
    one that reached the most. Results of different surveys are never mixed."""
    representative = check is not None and any(
        r.key == "representatief" and r.verdict == MEETS for r in check.requirements
    )
    judged = check.judged.regnr if check and check.judged and representative else None
    found = {group: _pick(scores, group, judged if group == "leerlingen" else None) for group in GROUPS}
    return {group: tuple(rows) for group, rows in found.items() if rows}


def respondents(rows: Sequence[ThemeScore]) -> int:
    """How many took part in a survey: everyone who answered anything (else the best-answered theme)."""
    return rows[0].survey_respondents or max(r.respondents for r in rows)


def vensters(
    *,
    school_name: str,
    schooljaar: str,
    form: Mapping[str, Any],
    scores: Sequence[ThemeScore],
    check: MonitorCheck | None = None,
) -> str:
    """The text, from the school form, the latest survey of each group and the monitor check."""
    name = public_name(form.get("schoolnaam") or school_name)
    paragraphs = [f"Veiligheid op school — {name} ({schooljaar})"]
    pupils = list(reported_surveys(scores, check).get("leerlingen", ()))

    programme = form.get("programma")
    if programme and programme != "anders":
        text = f"{name} werkt aan een sociaal veilige school met het programma {public_name(programme)}."
    elif form.get("programma_toelichting"):
        text = f"{name} werkt aan een sociaal veilige school met een eigen aanpak."
    else:
        text = f"{name} werkt aan een sociaal veilige school. Programma: {_missing('het programma')}."
    explained = public(form.get("programma_toelichting") or "")
    if explained:
        text += f" {explained.rstrip('.')}."
    text += (
        " Het veiligheidsbeleid staat in het veiligheidsplan van de school, met onder meer een gedragscode, "
        "een pestprotocol en afspraken over de opvang na ernstige incidenten."
    )
    paragraphs.append(text)
    paragraphs.append(_monitoring(form, pupils))
    paragraphs.append(_results(scores, pupils, schooljaar))
    if check is not None and check.measurement_overall == MEETS:
        paragraphs.append(
            "De school meet elk schooljaar, onder een representatief deel van de leerlingen, met een "
            "gestandaardiseerde vragenlijst hoe veilig leerlingen zich voelen, of hun veiligheid wordt aangetast en "
            "hoe het met hun welbevinden gaat, zoals de wet vraagt."
        )

    coordinator = form.get("coordinator_naam")
    if coordinator:
        paragraphs.append(
            f"De coördinator sociale veiligheid, {public_name(coordinator)}, coördineert het beleid tegen pesten en "
            "is het aanspreekpunt voor leerlingen en ouders bij pesten."
        )
    else:
        paragraphs.append(f"Coördinator sociale veiligheid: {_missing('de naam van de coördinator')}.")

    contact = public_name(form.get("contactpersoon_naam") or "")
    committee = form.get("klachtencommissie")
    text = (
        "Leerlingen en ouders met een vraag of zorg over veiligheid of pesten gaan eerst naar de leerkracht. "
        "Zij kunnen ook terecht bij de coördinator sociale veiligheid"
        + (f" of bij de interne contactpersoon, {contact}" if contact else "")
        + ". Komen zij er samen niet uit, dan kunnen zij een klacht indienen volgens de klachtenregeling in de "
        "schoolgids"
    )
    if committee and committee != "anders":
        text += f"; de school is aangesloten bij de klachtencommissie {public_name(committee)}."
    elif public_name(form.get("klachtencommissie_contact") or ""):
        text += f"; de klachtencommissie: {public_name(form['klachtencommissie_contact'])}."
    else:
        text += f". Klachtencommissie: {_missing('de klachtencommissie')}."
    paragraphs.append(text)
    return "\n\n".join(paragraphs)


MEASURES = (
    (("veiligheidsbeleving",), "hoe veilig zij zich voelen"),
    (("aantasting_veiligheid",), "of zij gepest, bedreigd, geslagen of gediscrimineerd worden"),
    (("welbevinden", "leefklimaat_groep", "leefklimaat_school"), "hoe zij zich voelen in de groep en op school"),
)


def warning(check: MonitorCheck | None) -> str:
    """For the office, beside the text (never in it): why it should not be published as it is."""
    if check is None or check.measurement_overall == MEETS:
        return ""  # a board norm (e.g. the minimum response) or a pending delivery is no reason to hold it back
    return (
        f"Niet publiceren zonder aanpassing: de meting voldoet nog niet aan de wet ({check.summary}). Zie Monitorcheck."
    )


def _monitoring(form: Mapping[str, Any], pupils: Sequence[ThemeScore]) -> str:
    """How and when the school measures: from its latest pupil survey, else from the school form."""
    if pupils:
        survey = pupils[0]
        instrument = survey.instrument or form.get("monitor_instrument")
        named = f"het instrument {public_name(instrument)}" if instrument else _missing("het instrument")
        themes = {s.theme for s in pupils}
        if "veiligheidsbeleving" in themes:
            text = f"De school meet hoe veilig leerlingen zich voelen met {named}"
        else:  # do not claim a safety measurement the survey does not make
            text = f"De school vraagt leerlingen naar hun ervaringen met {named}"
        if survey.groepen:
            text += f", in groep {groups_text(survey.groepen)}"
        elif form.get("monitor_groepen"):
            text += f", in groep {public_name(form['monitor_groepen'])}"
        if survey.afname:
            text += f"; de laatste meting was in {MONTHS[survey.afname.month - 1]} {survey.afname.year}"
        text += "."
        asked = [what for keys, what in MEASURES if themes & set(keys)]
        if asked:
            listed = asked[0] if len(asked) == 1 else ", ".join(asked[:-1]) + " en " + asked[-1]
            text += f" De leerlingen beantwoorden vragen over {listed}."
        return text + " De school bespreekt de uitkomsten en stelt haar aanpak zo nodig bij."
    instrument = form.get("monitor_instrument")
    if not instrument:
        return f"Monitoring van de veiligheid: {_missing('het monitorinstrument')}."
    frequency = {"jaarlijks": "elk schooljaar", "halfjaarlijks": "twee keer per schooljaar"}.get(
        str(form.get("monitor_frequentie") or ""), "elk schooljaar"
    )
    text = f"De school meet {frequency} hoe veilig leerlingen zich voelen met het instrument {public_name(instrument)}"
    groups = form.get("monitor_groepen")
    text += f", in groep {public_name(groups)}" if groups else f", in {_missing('de groepen die meedoen')}"
    month = form.get("monitor_maand")
    text += f", in {str(month).lower()}." if month else "."
    return text + " De school bespreekt de uitkomsten en stelt haar aanpak zo nodig bij."


def _results(scores: Sequence[ThemeScore], pupils: list[ThemeScore], schooljaar: str) -> str:
    if not scores:
        return f"Resultaten: {_missing(f'de resultaten van de peiling van {schooljaar}', 'de school, na de peiling')}."
    year = scores[0].schooljaar
    sentences = []
    for group in GROUPS:
        rows = pupils if group == "leerlingen" else _pick(scores, group, None)
        if not rows:
            continue
        n = respondents(rows)
        who = GROUP_WORDS[group]
        when = f" in {MONTHS[rows[0].afname.month - 1]} {rows[0].afname.year}" if rows[0].afname else ""
        if n < SMALL:
            sentences.append(
                f"Aan de peiling onder {who}{when} deden {count_text(n)} {who} mee; dat is te weinig om "
                "uitkomsten te publiceren."
            )
            continue
        parts = []
        for r in rows:
            label = THEME_PHRASES.get(r.theme, r.theme_label.lower())
            if r.positive is not None:
                parts.append(f"{label} {r.positive * 100:.0f}% gunstige antwoorden")
            elif r.mean is not None:
                parts.append(f"{label} gemiddeld {_decimal(r.mean)} (schaal {r.scale_min:g}-{r.scale_max:g})")
        sentences.append(f"Aan de peiling onder {who}{when} deden {n} {who} mee. Uitkomsten: {'; '.join(parts)}.")
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
