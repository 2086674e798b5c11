"""The legal monitor check (art. 4c WPO, DOMAIN.md §1): per school and school year, does the schools'
measurement of pupils' safety meet the law? Each requirement gets a verdict and a Dutch reason.

A pure function of the survey aggregates, the school form, the config and today (`check_school`);
`checks.board` calls it for every school of the board.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from automation.config import Monitor
from automation.forms.peiling import THEMES
from automation.schoolyear import MONTHS, month_end, schoolyear
from automation.store import ThemeScore

Verdict = Literal["voldoet", "aandacht", "voldoet niet"]
MEETS: Verdict = "voldoet"
ATTENTION: Verdict = "aandacht"
FAILS: Verdict = "voldoet niet"
SEVERITY: dict[str, int] = {MEETS: 0, ATTENTION: 1, FAILS: 2}
NO_SURVEY = "nog geen peiling"

THEME_LABELS = dict(THEMES)
PLAN_THEMES = ("leefklimaat_groep", "leerklimaat_groep", "leefklimaat_school", "samenwerking_ouders")
# What the law asks to be measured, and which survey themes show it. Well-being is what the action
# plan's 'leefklimaat' themes ask about; experienced and actual safety only their own themes show.
LEGAL_PARTS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("veiligheidsbeleving", "veiligheidsbeleving", ("veiligheidsbeleving",)),
    ("aantasting", "aantasting van de veiligheid", ("aantasting_veiligheid",)),
    ("welbevinden", "welbevinden", ("welbevinden", "leefklimaat_groep", "leefklimaat_school")),
)


@dataclass(frozen=True)
class Requirement:
    key: str
    title: str
    verdict: Verdict
    reason: str


@dataclass(frozen=True)
class PupilSurvey:
    """One pupil survey of the school year, as the check needs it."""

    instrument: str
    respondents: int
    groepen: tuple[int, ...]
    themes: frozenset[str]
    afname: dt.date | None
    invited: int | None = None
    regnr: str = ""


@dataclass(frozen=True)
class MonitorCheck:
    school: str
    schooljaar: str
    requirements: tuple[Requirement, ...]
    overall: Verdict
    judged: PupilSurvey | None = None  # the pupil survey the requirements were judged on

    @property
    def measured(self) -> bool:
        """A pupil survey of the school year was received."""
        return any(r.key == "gemeten" and r.verdict == MEETS for r in self.requirements)

    def open_points(self) -> list[Requirement]:
        """What is not met, in the check's order. Without a survey, representativeness and the three
        parts cannot be judged: 'no survey yet' says it."""
        measured = self.measured
        return [r for r in self.requirements if r.verdict != MEETS and (measured or r.key not in SURVEY_ONLY)]

    @property
    def summary(self) -> str:
        """One line for the Overzicht: the verdict, and what fails and what needs attention, e.g.
        'voldoet niet: geen coördinator · aandacht: nog geen peiling'."""
        if self.overall == MEETS:
            return MEETS
        shown = self.open_points()
        parts = []
        for verdict in (FAILS, ATTENTION):
            points = [short(r) for r in shown if r.verdict == verdict]
            if points:
                parts.append(f"{verdict}: {', '.join(points)}")
        return " · ".join(parts)


SURVEY_ONLY = ("representatief", "onderdelen")  # not judged without a survey: 'nog geen peiling' says it


def short(req: Requirement) -> str:
    """What is wrong, in a few words ('' when it meets the law)."""
    if req.verdict == MEETS:
        return ""
    attention = req.verdict == ATTENTION
    if req.key == "instrument":
        return (
            "instrument niet erkend"
            if attention and not req.reason.startswith("Geen instrument")
            else "geen instrument"
        )
    return {
        "gemeten": "nog geen peiling" if attention else "geen peiling",
        "representatief": "representativiteit onbekend" if attention else "niet representatief",
        "onderdelen": "niet alle drie onderdelen gemeten",
        "coordinator": "coördinator niet bevestigd" if attention else "geen coördinator",
    }[req.key]


def pupil_surveys(scores: Sequence[ThemeScore], *, school: str, schooljaar: str) -> list[PupilSurvey]:
    found: dict[tuple[str, str], list[ThemeScore]] = {}
    for score in scores:
        if score.school == school and score.schooljaar == schooljaar and score.groep == "leerlingen":
            found.setdefault((score.instrument, score.regnr), []).append(score)
    return [
        PupilSurvey(
            instrument=rows[0].instrument,
            respondents=rows[0].survey_respondents,
            groepen=rows[0].groepen,
            themes=frozenset(r.theme for r in rows),
            afname=rows[0].afname,
            invited=rows[0].invited,
            regnr=rows[0].regnr,
        )
        for rows in found.values()
    ]


def filled_in(school_form: Mapping[str, Any]) -> str | None:
    """The school year the school form was filled in."""
    filled = school_form.get("datum_ingevuld")
    return schoolyear(dt.date.fromisoformat(str(filled)[:10])) if filled else None


def groups_text(groups: Sequence[int]) -> str:
    groups = sorted(groups)
    if len(groups) > 2 and groups == list(range(groups[0], groups[-1] + 1)):
        return f"{groups[0]} tot en met {groups[-1]}"
    if len(groups) == 1:
        return str(groups[0])
    return ", ".join(str(g) for g in groups[:-1]) + f" en {groups[-1]}"


def _percent(share: float) -> str:
    return f"{share * 100:.0f}%"


def _simple(text: str) -> str:
    return re.sub(r"[^0-9a-z]+", "", text.casefold())


def _words(text: str) -> list[str]:
    return re.findall(r"[0-9a-z]+", text.casefold())


def on_list(instrument: str, accepted: Sequence[str]) -> str | None:
    """The accepted instrument this one is, or None: the accepted name's words begin the instrument's
    name ('ZIEN!' = 'Zien' = 'ZIEN! leerlingvragenlijst'; 'KiVa-monitor' is KiVa; 'Geen KiVa' is not)."""
    mine = _words(instrument)
    for name in accepted:
        theirs = _words(name)
        if theirs and mine[: len(theirs)] == theirs:
            return name
    return None


def _deadline(cfg: Monitor, schooljaar: str) -> dt.date:
    """The last day on which a missing survey is still 'aandacht' (the day before the configured month)."""
    month = MONTHS.index(cfg.uiterlijk_maand) + 1
    first_of_month = month_end(schooljaar, month).replace(day=1)
    return first_of_month - dt.timedelta(days=1)


def check_school(
    *,
    school: str,
    schooljaar: str,
    surveys: Sequence[PupilSurvey],
    school_form: Mapping[str, Any] | None,
    cfg: Monitor,
    today: dt.date,
) -> MonitorCheck:
    """Judge one school's monitoring in one school year."""
    form = school_form or {}
    form_this_year = bool(school_form) and filled_in(form) == schooljaar
    waiting = not surveys and today <= _deadline(cfg, schooljaar)
    missing_verdict: Verdict = ATTENTION if waiting else FAILS
    month = cfg.uiterlijk_maand

    def judged(chosen: Sequence[PupilSurvey]) -> list[Requirement]:
        return [
            _representative(chosen, form, bool(school_form), form_this_year, cfg, missing_verdict),
            _three_parts(chosen, missing_verdict),
            _instrument(chosen, form, cfg, missing_verdict),
        ]

    # The law asks one instrument to show all of it: each survey is judged on its own, and the one
    # that meets the most is the school's (a satisfaction survey and a safety monitor are not added up).
    best = min(
        surveys,
        key=lambda s: (sum(SEVERITY[r.verdict] for r in judged([s])), -s.respondents),
        default=None,
    )
    reqs = [
        _measured(surveys, best, schooljaar, missing_verdict, month, current=today <= month_end(schooljaar, 7)),
        *judged([best] if best else []),
        _coordinator(form, form_this_year, schooljaar),
    ]
    overall = max((r.verdict for r in reqs), key=lambda v: SEVERITY[v])
    return MonitorCheck(school, schooljaar, tuple(reqs), overall, best)


def _survey_text(s: PupilSurvey) -> str:
    when = f", afgenomen {s.afname:%d-%m-%Y}" if s.afname else ""
    return f"{s.instrument or 'een peiling (instrument niet genoemd)'}{when}, {s.respondents} leerlingen"


def _measured(
    surveys: Sequence[PupilSurvey],
    best: PupilSurvey | None,
    schooljaar: str,
    missing: Verdict,
    month: str,
    *,
    current: bool,
) -> Requirement:
    title = "Gemeten dit schooljaar" if current else "Gemeten in het schooljaar"
    if best is None:
        if missing == ATTENTION:
            reason = (
                f"Nog geen peiling onder leerlingen ontvangen voor {schooljaar}. Dat kan nog: neem de peiling "
                f"vóór {month} af en lever de resultaten in."
            )
        elif current:
            reason = (
                f"Geen peiling onder leerlingen in {schooljaar}, en de afgesproken maand ({month}) is voorbij. De wet "
                "vraagt de veiligheid van leerlingen minstens één keer per schooljaar te meten: neem de peiling "
                "alsnog af vóór het einde van het schooljaar."
            )
        else:
            reason = (
                f"Geen peiling onder leerlingen in {schooljaar}. De wet vraagt de veiligheid van leerlingen "
                "minstens één keer per schooljaar te meten."
            )
        return Requirement("gemeten", title, missing, reason)
    if len(surveys) == 1:
        return Requirement("gemeten", title, MEETS, f"Peiling onder leerlingen in {schooljaar}: {_survey_text(best)}.")
    others = [_survey_text(s) for s in surveys if s is not best]
    return Requirement(
        "gemeten",
        title,
        MEETS,
        f"Peilingen onder leerlingen in {schooljaar}: {_survey_text(best)}; ook {'; '.join(others)}. De eisen "
        f"gelden per instrument: beoordeeld is de peiling die er het best aan voldoet ({_survey_text(best)}).",
    )


def _representative(
    surveys: Sequence[PupilSurvey],
    form: Mapping[str, Any],
    has_form: bool,
    form_this_year: bool,
    cfg: Monitor,
    missing: Verdict,
) -> Requirement:
    title = "Representatief"
    wanted = groups_text(cfg.groepen)
    if not surveys:
        return Requirement(
            "representatief",
            title,
            missing,
            f"Nog geen peiling om te beoordelen (nodig: leerlingen van groep {wanted}).",
        )
    covered = {g for s in surveys for g in s.groepen}
    if not covered:
        return Requirement(
            "representatief",
            title,
            ATTENTION,
            "Niet bekend welke groepen meededen. Vul 'Groepen' in op het formulier Peilingresultaten, of neem de "
            "groep van de leerling op in de export.",
        )
    absent = [g for g in cfg.groepen if g not in covered]
    if absent:
        return Requirement(
            "representatief",
            title,
            FAILS,
            f"Groep {groups_text(absent)} deed niet mee (wel: groep {groups_text(sorted(covered))}). Representatief "
            f"betekent in de praktijk: alle leerlingen van groep {wanted}.",
        )
    respondents = max(s.respondents for s in surveys)
    pupils = form.get("leerlingen_groep_5_8")
    basis = "leerlingen in groep 5-8 volgens het schoolformulier"
    if not pupils:
        invited = max((s.invited or 0 for s in surveys), default=0)
        if not invited:
            lacking = (
                "ontbreekt in het schoolformulier"
                if has_form
                else "is niet bekend: het schoolformulier van de school ontbreekt nog"
            )
            return Requirement(
                "representatief",
                title,
                ATTENTION,
                f"Groep {wanted} deed mee ({respondents} leerlingen), maar het aantal leerlingen in groep 5-8 "
                f"{lacking}: de respons is niet te berekenen. De directeur vult het in op het schoolformulier.",
            )
        pupils, basis = invited, "uitgenodigde leerlingen"
    share = respondents / float(pupils)
    counted = f"{respondents} van {int(pupils)} {basis} ({_percent(share)})"
    if not form_this_year and basis.endswith("schoolformulier"):
        counted += "; let op: het schoolformulier is van een eerder schooljaar"
    if share > 1.05:
        return Requirement(
            "representatief",
            title,
            ATTENTION,
            f"Meer respondenten dan leerlingen: {counted}. Controleer het aantal leerlingen op het schoolformulier.",
        )
    if share >= cfg.respons_minimaal:
        return Requirement(
            "representatief",
            title,
            MEETS,
            f"Groep {wanted} deed mee; {counted}, minimaal {_percent(cfg.respons_minimaal)}.",
        )
    return Requirement(
        "representatief",
        title,
        FAILS,
        f"De respons is te laag: {counted}, minimaal {_percent(cfg.respons_minimaal)}. Laat meer leerlingen "
        "de vragenlijst invullen.",
    )


def _three_parts(surveys: Sequence[PupilSurvey], missing: Verdict) -> Requirement:
    title = "Veiligheidsbeleving, aantasting en welbevinden"
    if not surveys:
        return Requirement(
            "onderdelen",
            title,
            missing,
            "Nog geen peiling om te beoordelen (nodig: veiligheidsbeleving, aantasting van de veiligheid en welbevinden).",
        )
    themes = {t for s in surveys for t in s.themes}
    measured, absent = [], []
    for _, label, via in LEGAL_PARTS:
        shown = [THEME_LABELS.get(t, t) for t in via if t in themes]
        if not shown:
            absent.append(label)
        elif via[0] in themes:
            measured.append(label)
        else:
            measured.append(f"{label} (via {' en '.join(shown)})")
    if not absent:
        return Requirement("onderdelen", title, MEETS, f"Gemeten: {', '.join(measured)}.")
    reason = f"Niet gemeten: {' en '.join(absent)}."
    if measured:
        reason += f" Wel gemeten: {', '.join(measured)}."
    if themes & set(PLAN_THEMES) and not themes & {"veiligheidsbeleving", "aantasting_veiligheid"}:
        reason += (
            " De vier thema's van het actieplan (Leefklimaat in de groep, Leerklimaat in de groep, Leefklimaat op "
            "school, Samenwerking met ouders) meten geen veiligheidsbeleving (voelen leerlingen zich veilig?) en geen "
            "aantasting van de veiligheid (worden ze gepest, bedreigd, geslagen of gediscrimineerd?)."
        )
    reason += " Voeg die vragen toe aan de peiling of gebruik daarnaast een instrument dat ze meet."
    return Requirement("onderdelen", title, FAILS, reason)


def _instrument(surveys: Sequence[PupilSurvey], form: Mapping[str, Any], cfg: Monitor, missing: Verdict) -> Requirement:
    title = "Erkend instrument"
    on_form = str(form.get("monitor_instrument") or "")
    named = sorted({s.instrument for s in surveys if s.instrument})
    if surveys and not named and on_form:  # the export does not name it: the school form does
        names, source = [on_form], " (de export noemt geen instrument; dit staat op het schoolformulier)"
    elif named:
        names, source = named, ""
    else:
        names, source = ([on_form] if on_form else []), " (volgens het schoolformulier; nog geen peiling ontvangen)"
    if not names:
        reason = (
            "Geen instrument bekend: de export noemt het niet en het schoolformulier ook niet. De directeur vult het "
            "monitorinstrument in op het schoolformulier."
            if surveys
            else "Geen instrument bekend: geen peiling ontvangen en geen monitorinstrument op het schoolformulier."
        )
        return Requirement("instrument", title, ATTENTION if surveys else missing, reason)
    accepted = [(n, on_list(n, cfg.erkende_instrumenten)) for n in names]
    good = [f"{n}" + (f" ({hit})" if _simple(hit) != _simple(n) else "") for n, hit in accepted if hit]
    if good:
        return Requirement("instrument", title, MEETS, f"{', '.join(good)} staat op de lijst van de inspectie{source}.")
    verb = "staat" if len(names) == 1 else "staan"
    return Requirement(
        "instrument",
        title,
        ATTENTION,
        f"{' en '.join(names)} {verb} niet op de lijst van erkende instrumenten{source}. Vraag de leverancier te "
        "bevestigen dat de inspectie het instrument heeft erkend en meld dat aan het bestuurskantoor, of gebruik een "
        "erkend instrument.",
    )


def _coordinator(form: Mapping[str, Any], form_this_year: bool, schooljaar: str) -> Requirement:
    title = "Coördinator benoemd"
    name = form.get("coordinator_naam")
    if not name:
        return Requirement(
            "coordinator",
            title,
            FAILS,
            "Geen coördinator sociale veiligheid bekend: het schoolformulier met de naam van de coördinator is nog "
            "niet ontvangen.",
        )
    role = f" ({form['coordinator_functie']})" if form.get("coordinator_functie") else ""
    if not form_this_year:
        year = filled_in(form) or "een eerder schooljaar"
        return Requirement(
            "coordinator",
            title,
            ATTENTION,
            f"{name}{role}, volgens het schoolformulier van {year}. Lever het schoolformulier van {schooljaar} in.",
        )
    return Requirement("coordinator", title, MEETS, f"{name}{role}.")
