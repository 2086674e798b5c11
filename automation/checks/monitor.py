"""The legal monitor check (art. 4c WPO, DOMAIN.md §1): per school and school year, does the schools'
measurement of pupils' safety meet the law? Each requirement gets a verdict and a Dutch reason.

A pure function of the survey aggregates, the school form, the config and today (`check_school`);
`checks.board` calls it for every school of the board.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
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


class Source(StrEnum):
    """Where a rule comes from: a board norm is never shown as law."""

    LAW = "wet"
    INSPECTORATE = "inspectie"
    BOARD = "bestuursnorm"


@dataclass(frozen=True)
class Rule:
    key: str
    title: str
    source: Source
    basis: str  # where exactly, in Dutch (the README's table of rules shows it)


RULES: dict[str, Rule] = {
    r.key: r
    for r in (
        Rule(
            "gemeten",
            "Elk schooljaar gemeten",
            Source.LAW,
            "art. 4c lid 1 onder b WPO: de school meet de veiligheid van leerlingen minstens één keer per schooljaar",
        ),
        Rule(
            "representatief",
            "Representatief",
            Source.LAW,
            "art. 4c WPO: een representatief deel van de leerlingen; de inspectie ziet in de praktijk alle leerlingen "
            "van groep 5 tot en met 8",
        ),
        Rule(
            "onderdelen",
            "Veiligheidsbeleving, aantasting en welbevinden",
            Source.LAW,
            "art. 4c WPO: het instrument geeft zicht op veiligheidsbeleving, aantasting van de veiligheid en welbevinden",
        ),
        Rule(
            "instrument",
            "Gestandaardiseerd, valide en betrouwbaar instrument",
            Source.LAW,
            "art. 4c WPO; de inspectie houdt een lijst van leveranciers met een leveringsafspraak (geen keurmerk): "
            "de school blijft verantwoordelijk voor het instrument",
        ),
        Rule(
            "levering",
            "Samenvatting naar de inspectie",
            Source.LAW,
            "art. 4c WPO: de school zorgt dat de inspectie elk jaar een samenvatting van de monitorgegevens ontvangt "
            "(in de praktijk levert de leverancier die, met toestemming van de school); de termijn is die van de "
            "inspectie ([monitor] levering_dag en levering_maand, standaard 1 juli)",
        ),
        Rule(
            "coordinator",
            "Coördinator benoemd",
            Source.LAW,
            "art. 4c lid 1 onder c WPO: één persoon coördineert het beleid tegen pesten en is aanspreekpunt",
        ),
        Rule(
            "respons",
            "Minimale respons (bestuursnorm)",
            Source.BOARD,
            "norm van het bestuur ([monitor] respons_minimaal in veiligheid.toml), geen eis van de wet: een lagere "
            "respons vraagt aandacht, het is geen wettelijk gebrek",
        ),
    )
}


@dataclass(frozen=True)
class Requirement:
    key: str
    title: str
    verdict: Verdict
    reason: str
    subject: str = ""  # what it is about, for the short text (the declared instrument that is awaited)

    @property
    def source(self) -> Source:
        return RULES[self.key].source

    @property
    def legal(self) -> bool:
        return self.source is not Source.BOARD


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

    @property
    def legal_overall(self) -> Verdict:
        """The verdict on the law alone (a board norm never blocks publication)."""
        return max((r.verdict for r in self.requirements if r.legal), key=lambda v: SEVERITY[v], default=MEETS)

    @property
    def measurement_overall(self) -> Verdict:
        """The law's verdict on the measurement itself, what the Vensters text states: the yearly delivery
        to the inspectorate is a duty of its own, no reason to hold the text back."""
        verdicts = (r.verdict for r in self.requirements if r.legal and r.key != "levering")
        return max(verdicts, key=lambda v: SEVERITY[v], default=MEETS)

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


SURVEY_ONLY = (
    "representatief",
    "onderdelen",
    "respons",
    "levering",
)  # not judged without a survey: 'nog geen peiling' says it


def short(req: Requirement) -> str:
    """What is wrong, in a few words ('' when it meets the law)."""
    if req.verdict == MEETS:
        return ""
    attention = req.verdict == ATTENTION
    if req.key == "instrument":
        return "geen instrument" if req.reason.startswith("Geen instrument") else "instrument zonder leveringsafspraak"
    if req.key == "gemeten" and attention and req.subject:
        return f"{req.subject} nog niet ontvangen"
    if req.key == "levering":
        return "samenvatting nog naar de inspectie" if attention else "samenvatting niet bij de inspectie"
    if req.key == "respons":
        return "respons onder de bestuursnorm" if req.reason.startswith("De respons is lager") else "respons onbekend"
    return {
        "gemeten": "nog geen peiling" if attention else "geen peiling",
        "representatief": "representativiteit onbekend" if attention else "niet representatief",
        "onderdelen": "niet alle drie onderdelen gemeten",
        "coordinator": "coördinator niet bevestigd" if attention else "geen coördinator",
        "respons": "respons onder de bestuursnorm",
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


def _words(text: str) -> list[str]:
    return re.findall(r"[0-9a-z]+", text.casefold())


def supplier_of(instrument: str, suppliers: Mapping[str, Sequence[str]]) -> str | None:
    """The supplier with a delivery agreement whose instrument this is, or None: one of the supplier's
    names begins the instrument's name as whole words ('ZIEN!' = 'Zien' = 'ZIEN! leerlingvragenlijst';
    'KiVa-monitor' is KiVa's; 'Geen KiVa' is not, and 'Cito LOVS rekenen-wiskunde' is no safety monitor)."""
    mine = _words(instrument)
    for supplier, names in suppliers.items():
        for name in names:
            theirs = _words(name)
            if theirs and mine[: len(theirs)] == theirs:
                return supplier
    return None


def is_declared(instrument: str, declared: str, suppliers: Mapping[str, Sequence[str]]) -> bool:
    """Whether a survey's instrument is the monitor the school declared (an unnamed one never is)."""
    mine, theirs = _words(instrument), _words(declared)
    if not mine or not theirs:
        return False
    if mine[: len(theirs)] == theirs or theirs[: len(mine)] == mine:
        return True
    supplier = supplier_of(instrument, suppliers)
    return supplier is not None and supplier == supplier_of(declared, suppliers)


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
    passed = today > _deadline(cfg, schooljaar)
    month = cfg.uiterlijk_maand
    suppliers = cfg.suppliers()
    # The school's declared monitor is judged: another survey (a satisfaction survey, an unnamed export)
    # neither ends the wait for it nor stands in for it. After the deadline the surveys there are are judged.
    declared = str(form.get("monitor_instrument") or "").strip()
    candidates = list(surveys)
    awaited = ""
    if declared and surveys:
        mine = [s for s in surveys if is_declared(s.instrument, declared, suppliers)]
        if mine:
            candidates = mine
        elif not passed:
            candidates, awaited = [], declared
    missing_verdict: Verdict = FAILS if passed else ATTENTION

    def judged(chosen: Sequence[PupilSurvey]) -> list[Requirement]:
        return [
            _representative(chosen, cfg, missing_verdict),
            _response(chosen, form, bool(school_form), form_this_year, cfg),
            _three_parts(chosen, missing_verdict),
            _instrument(chosen, form, suppliers, missing_verdict),
        ]

    # The law asks one instrument to show all of it: each survey is judged on its own, and the one
    # that meets the most is the school's (a satisfaction survey and a safety monitor are not added up).
    best = min(
        candidates,
        key=lambda s: (sum(SEVERITY[r.verdict] for r in judged([s]) if r.legal), -s.respondents),
        default=None,
    )
    current = today <= month_end(schooljaar, 7)
    reqs = [
        _measured(surveys, best, schooljaar, missing_verdict, month, current=current, awaited=awaited),
        *judged([best] if best else []),
        _delivery(best, form, form_this_year, cfg, schooljaar, today),
        _coordinator(form, form_this_year, schooljaar),
    ]
    if declared and best is not None and not is_declared(best.instrument, declared, suppliers):
        reqs[0] = replace(
            reqs[0],
            reason=f"{reqs[0].reason} Het monitorinstrument volgens het schoolformulier, {declared}, is niet "
            f"ontvangen; beoordeeld is wat er wel is.",
        )
    # a board norm asks attention at most; it never makes the school fail the law
    overall = max((r.verdict if r.legal else _at_most_attention(r.verdict) for r in reqs), key=lambda v: SEVERITY[v])
    return MonitorCheck(school, schooljaar, tuple(reqs), overall, best)


def _at_most_attention(verdict: Verdict) -> Verdict:
    return ATTENTION if verdict == FAILS else verdict


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
    awaited: str = "",
) -> Requirement:
    title = "Gemeten dit schooljaar" if current else "Gemeten in het schooljaar"
    if awaited:
        received = "; ".join(_survey_text(s) for s in surveys)
        return Requirement(
            "gemeten",
            title,
            ATTENTION,
            f"Het monitorinstrument van de school is volgens het schoolformulier {awaited}; daarvan is voor "
            f"{schooljaar} nog niets ontvangen. Wel ontvangen: {received}. Dat is niet het monitorinstrument en telt "
            f"niet als de meting. Lever de resultaten van {awaited} in vóór {month}.",
            subject=awaited,
        )
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


def _representative(surveys: Sequence[PupilSurvey], cfg: Monitor, missing: Verdict) -> Requirement:
    """The law: a representative part of the pupils; in practice all pupils of the groups in config."""
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
    return Requirement("representatief", title, MEETS, f"Groep {wanted} deed mee ({respondents} leerlingen).")


def _response(
    surveys: Sequence[PupilSurvey], form: Mapping[str, Any], has_form: bool, form_this_year: bool, cfg: Monitor
) -> Requirement:
    """The board's norm (not the law): the share of the pupils that answered. Attention at most."""
    title = RULES["respons"].title
    norm = f"de bestuursnorm is {_percent(cfg.respons_minimaal)}; de wet noemt geen percentage"
    if not surveys:
        return Requirement("respons", title, ATTENTION, f"Nog geen peiling om te beoordelen ({norm}).")
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
                "respons",
                title,
                ATTENTION,
                f"Het aantal leerlingen in groep 5-8 {lacking}: de respons is niet te berekenen ({norm}). De "
                "directeur vult het in op het schoolformulier.",
            )
        pupils, basis = invited, "uitgenodigde leerlingen"
    share = respondents / float(pupils)
    counted = f"{respondents} van {int(pupils)} {basis} ({_percent(share)})"
    if not form_this_year and basis.endswith("schoolformulier"):
        counted += "; let op: het schoolformulier is van een eerder schooljaar"
    if share > 1.05:
        return Requirement(
            "respons",
            title,
            ATTENTION,
            f"Meer respondenten dan leerlingen: {counted}. Controleer het aantal leerlingen op het schoolformulier.",
        )
    if share >= cfg.respons_minimaal:
        return Requirement("respons", title, MEETS, f"{counted}; {norm}.")
    return Requirement(
        "respons",
        title,
        ATTENTION,
        f"De respons is lager dan de bestuursnorm: {counted}, {norm}. Dat is geen wettelijk gebrek, maar vraagt "
        "aandacht: laat volgend jaar meer leerlingen de vragenlijst invullen.",
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


def _instrument(
    surveys: Sequence[PupilSurvey], form: Mapping[str, Any], suppliers: Mapping[str, Sequence[str]], missing: Verdict
) -> Requirement:
    """The law asks a standardised, valid and reliable instrument. Nobody approves instruments: the
    inspectorate lists suppliers with a delivery agreement, and the school stays responsible."""
    title = RULES["instrument"].title
    on_form = str(form.get("monitor_instrument") or "")
    named = sorted({s.instrument for s in surveys if s.instrument})
    if surveys and not named:  # an unnamed instrument is shown as such, never credited as the declared one
        return Requirement(
            "instrument",
            title,
            ATTENTION,
            "Geen instrument bekend: de ontvangen peiling noemt geen instrument"
            + (f" (het schoolformulier noemt {on_form}, maar dat is niet na te gaan)" if on_form else "")
            + ". Laat de leverancier het instrument in de export opnemen, of vul het in op het formulier "
            "Peilingresultaten.",
        )
    names, source = (named, "") if named else (([on_form] if on_form else []), " (volgens het schoolformulier)")
    if not names:
        return Requirement(
            "instrument",
            title,
            missing,
            "Geen instrument bekend: geen peiling ontvangen en geen monitorinstrument op het schoolformulier. De "
            "directeur vult het monitorinstrument in op het schoolformulier.",
        )
    found = [(n, supplier_of(n, suppliers)) for n in names]
    listed = [
        f"{n} ({supplier})" if supplier and _words(supplier) != _words(n) else n for n, supplier in found if supplier
    ]
    if listed:
        return Requirement(
            "instrument",
            title,
            MEETS,
            f"{', '.join(listed)}{source}: de leverancier heeft een leveringsafspraak met de inspectie en kan de "
            "gegevens voor de school aanleveren. De school blijft verantwoordelijk voor een gestandaardiseerd, valide "
            "en betrouwbaar instrument.",
        )
    verb = "staat" if len(names) == 1 else "staan"
    return Requirement(
        "instrument",
        title,
        ATTENTION,
        f"{' en '.join(names)} {verb} niet op de lijst van leveranciers met een leveringsafspraak met de "
        f"inspectie{source}. Dat mag, maar dan laat de school zelf zien dat het instrument gestandaardiseerd, valide "
        "en betrouwbaar is en veiligheidsbeleving, aantasting en welbevinden meet, en zorgt zij zelf dat de inspectie "
        "een samenvatting van de gegevens krijgt. Meld het instrument aan het bestuurskantoor.",
    )


def delivery_deadline(cfg: Monitor, schooljaar: str) -> dt.date:
    """The inspectorate's deadline for the school year's summary (1 July by default)."""
    month = MONTHS.index(cfg.levering_maand) + 1
    last = month_end(schooljaar, month)
    return last.replace(day=min(cfg.levering_dag, last.day))


def _delivery(
    best: PupilSurvey | None,
    form: Mapping[str, Any],
    form_this_year: bool,
    cfg: Monitor,
    schooljaar: str,
    today: dt.date,
) -> Requirement:
    """The school makes sure the inspectorate receives a summary of the monitor data every year."""
    title = RULES["levering"].title
    deadline = delivery_deadline(cfg, schooljaar)
    delivered = form.get("inspectie_geleverd_datum") if form_this_year else None
    if delivered:
        day = dt.date.fromisoformat(str(delivered)[:10])
        return Requirement("levering", title, MEETS, f"Geleverd op {day:%d-%m-%Y} (volgens het schoolformulier).")
    consent = form.get("inspectie_toestemming") if form_this_year else None
    if consent == "ja":
        how = "De school gaf de leverancier toestemming om te leveren; de levering is nog niet bevestigd."
    else:
        how = (
            "Geef de leverancier toestemming om de samenvatting te leveren (op het schoolformulier: toestemming "
            "levering aan inspectie), of lever haar zelf."
        )
    if best is None:
        return Requirement(
            "levering", title, FAILS if today > deadline else ATTENTION, f"Nog geen peiling om te leveren. {how}"
        )
    if today <= deadline:
        return Requirement(
            "levering",
            title,
            ATTENTION,
            f"De samenvatting van de monitorgegevens moet uiterlijk {deadline:%d-%m-%Y} bij de inspectie zijn. {how} "
            "Vul de datum van levering in op het schoolformulier.",
        )
    return Requirement(
        "levering",
        title,
        FAILS,
        f"De inspectie had de samenvatting van de monitorgegevens uiterlijk {deadline:%d-%m-%Y} moeten ontvangen; "
        f"een levering is niet bekend. {how} Vul de datum van levering in op het schoolformulier.",
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
