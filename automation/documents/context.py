"""The data one school's documents are rendered with: a plain dict built from `BoardFacts`. Pure.

Every variable the templates may use is always present (the README lists them); a fact the data
lacks is a `Missing` value that says who supplies it, and is also listed in `ontbreekt`.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any

from automation.checks.board import COMING, FINISHED, RUNNING, BoardFacts, Counted, Period, SchoolFacts, SchoolForm
from automation.checks.measures import Measure
from automation.checks.monitor import MonitorCheck
from automation.checks.vensters import respondents
from automation.documents import charts
from automation.documents.catalog import ANNEXES
from automation.documents.formatting import Missing, telling
from automation.forms import FORMS, FormDef, Kind, figure_forms
from automation.forms.maatregelen import FORM as MEASURES_FORM
from automation.forms.model import Field
from automation.forms.peiling import THEMES
from automation.schoolyear import MONTHS, previous

SCHOOL_FORM = FORMS["school"]
DIRECTOR = "de directeur"
COORDINATOR = "de coördinator sociale veiligheid"
VIA_SCHOOL_FORM = "op het formulier Schoolgegevens en veiligheidsbeleid"
VIA_MEASURES_FORM = f"op het formulier {MEASURES_FORM.title} (één per maatregel)"

# School-form fields the plan relies on: when empty, the plan lists them as still to be supplied.
NEEDED = (
    "directeur_naam", "directeur_email", "adres", "plaats", "telefoon", "email",
    "coordinator_naam", "coordinator_functie", "coordinator_email",
    "contactpersoon_naam", "vertrouwenspersoon_extern_naam", "vertrouwenspersoon_extern_contact",
    "preventiemedewerker_naam", "bhv_coordinator_naam", "aantal_bhv",
    "klachtencommissie", "klachtencommissie_contact", "programma",
    "monitor_instrument", "monitor_groepen", "monitor_frequentie", "monitor_maand",
    "leerlingen_totaal", "leerlingen_groep_5_8", "rie_datum", "ontruimingsoefening_datum",
    "dvp_account", "visie",
)  # fmt: skip
NOT_SHOWN = frozenset({"school", "ingevuld_door"})

# The names older templates use for the tables per kind of the product's own three registers; every
# register (also one added later) is in `registraties.per_soort`.
KIND_TABLES = {"incident": "categorieen", "agressie": "agressie_vormen", "ongeval": "ongeval_behandelingen"}
GROUP_ORDER = ("leerlingen", "ouders", "personeel")


def school_context(
    facts: BoardFacts, brin: str, *, measures: Sequence[Measure] = (), with_charts: bool = True
) -> dict[str, Any]:
    """`measures`: the school's measures that run in the plan's school year (`checks.measures.measures_of`)."""
    sf = facts.schools[brin]
    form = sf.school_form
    missing: list[Missing] = []
    school = _school(facts, brin, form, missing)
    monitor = _monitor(school, sf)
    registrations = _registrations(facts, sf)
    goals = _measures(measures) or _goals(form.data if form else {})
    if not goals:
        missing.append(Missing("Doelen en maatregelen", DIRECTOR, VIA_MEASURES_FORM))
    context: dict[str, Any] = {
        "bestuur": facts.board,
        "schooljaar": facts.schooljaar,
        "vorig_schooljaar": previous(facts.schooljaar),
        "peildatum": facts.today,
        "periode": _period(facts.comparison.this),
        "school": school,
        "schoolformulier": _form_info(form, facts.schooljaar),
        "rollen": _roles(school),
        "monitor": monitor,
        "registraties": registrations,
        "mijlpalen": _milestones(sf),
        "doelen": goals,
        "maatregelen_ontvangen": bool(measures),
        "vensters_tekst": sf.vensters,
        "bijlagen": [{"nummer": a.number, "titel": a.title} for a in ANNEXES],
        "formulieren": {a.form_id: printable_form(FORMS[a.form_id], facts, brin) for a in ANNEXES if a.form_id},
        "ontbreekt": _grouped(missing) + _monitor_actions(sf.monitor),
        "grafieken": {"maanden": None, "themas": None},
    }
    if with_charts:
        context["grafieken"] = {
            "maanden": charts.registrations_per_month(sf.registrations.per_month, year=facts.schooljaar),
            "themas": charts.monitor_themes(monitor["resultaten_grafiek"]),
        }
    return context


def _school(facts: BoardFacts, brin: str, form: SchoolForm | None, missing: list[Missing]) -> dict[str, Any]:
    data = form.data if form else {}
    school: dict[str, Any] = {"brin": brin, "naam": facts.names.get(brin, brin)}
    for f in SCHOOL_FORM.fields:
        if f.key in NOT_SHOWN:
            continue
        value = data.get(f.key)
        if value in (None, "") and (f.key in NEEDED or _required_now(f, data)):
            value = Missing(f.label, DIRECTOR, VIA_SCHOOL_FORM)
            missing.append(value)
        elif value in (None, ""):
            value = ""
        elif f.kind == Kind.DATE:
            value = dt.date.fromisoformat(str(value)[:10])
        school[f.key] = value
    school["programma_naam"] = (
        data.get("programma_toelichting") or school["programma"]
        if data.get("programma") == "anders"
        else school["programma"]
    )
    return school


GOALS = 3  # the school form's doel_1/maatregel_1 … doel_3/maatregel_3
NO_MEASURE = "[nog aan te vullen door de directeur: de maatregel bij dit doel]"
# What a goal from the measures form shows besides its goal and measure; empty for the school form's goals.
NOT_FROM_THE_FORM = {"aanleiding": "", "eigenaar": "", "start": "", "eind": "", "stand": "", "evaluatie": "",
                     "registratienummer": ""}  # fmt: skip


def _measures(measures: Sequence[Measure]) -> list[dict[str, Any]]:
    """The goals and measures from the measures forms (one form a measure), by start date."""
    return [
        {
            "nummer": n,
            "doel": m.goal,
            "maatregel": m.measure,
            "aanleiding": m.reason,
            "eigenaar": m.owner,
            "start": m.start,
            "eind": m.end,
            "stand": m.status,
            "evaluatie": f"{m.evaluated:%d-%m-%Y}: {m.result}" if m.evaluated else "",
            "registratienummer": m.regnr,
        }
        for n, m in enumerate(measures, start=1)
    ]


def _goals(data: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The school's goals and measures from the school form (before the measures form existed), in
    order; a goal without a measure says the director still writes it (a measure without a goal is
    shown with the measure only)."""
    goals: list[dict[str, Any]] = []
    for n in range(1, GOALS + 1):
        goal = str(data.get(f"doel_{n}") or "").strip()
        measure = str(data.get(f"maatregel_{n}") or "").strip()
        if goal or measure:
            goals.append(
                {"nummer": len(goals) + 1, "doel": goal, "maatregel": measure or NO_MEASURE} | NOT_FROM_THE_FORM
            )
    return goals


def _grouped(missing: Sequence[Missing]) -> list[dict[str, Any]]:
    """What is missing, one row per supplier and route: {wie, hoe, wat: "Adres, Telefoon, ..."}."""
    groups: dict[tuple[str, str], list[str]] = {}
    for m in missing:
        groups.setdefault((m.who, m.how), []).append(m.what)
    return [
        {"wie": who, "hoe": how, "wat": ", ".join(items), "aantal": len(items)} for (who, how), items in groups.items()
    ]


def _required_now(f: Field, data: Mapping[str, Any]) -> bool:
    return bool(f.required_when) and all(c.holds(data) for c in f.required_when)


def _form_info(form: SchoolForm | None, year: str) -> dict[str, Any]:
    """The school form the plan uses; `uit_eerder_jaar`/`uit_later_jaar` when it is of another school
    year than the plan's (the latest before it, or else the first after it)."""
    info: dict[str, Any] = {"ontvangen": False, "datum": "", "registratienummer": "", "schooljaar": "",
                            "van_dit_jaar": False, "uit_eerder_jaar": False, "uit_later_jaar": False}  # fmt: skip
    if form is None:
        return info
    return info | {
        "ontvangen": True,
        "datum": form.filled or "",
        "registratienummer": form.regnr,
        "schooljaar": form.year or "",
        "van_dit_jaar": form.of_year(year),
        "uit_eerder_jaar": form.year is not None and form.year < year,
        "uit_later_jaar": form.year is not None and form.year > year,
    }


def _roles(school: Mapping[str, Any]) -> list[dict[str, Any]]:
    def contact(*values: Any) -> Any:
        present = [str(v) for v in values if v]
        return ", ".join(present) if present else next((v for v in values if isinstance(v, Missing)), "")

    coordinator = school["coordinator_naam"]
    if school["coordinator_functie"]:
        coordinator = f"{coordinator} ({school['coordinator_functie']})" if coordinator else coordinator
    bhv = school["bhv_coordinator_naam"]
    if school["aantal_bhv"] not in ("", None) and not isinstance(school["aantal_bhv"], Missing):
        count = telling(school["aantal_bhv"], "BHV'er", "BHV'ers")
        bhv = f"{bhv}; {count}" if bhv else bhv
    return [
        {"rol": "Directeur", "naam": school["directeur_naam"], "bereikbaar": contact(school["directeur_email"])},
        {
            "rol": "Coördinator sociale veiligheid en aanspreekpunt pesten",
            "naam": coordinator,
            "bereikbaar": contact(school["coordinator_email"], school["coordinator_telefoon"]),
        },
        {"rol": "Interne contactpersoon", "naam": school["contactpersoon_naam"], "bereikbaar": "via de school"},
        {
            "rol": "Externe vertrouwenspersoon",
            "naam": school["vertrouwenspersoon_extern_naam"],
            "bereikbaar": contact(school["vertrouwenspersoon_extern_contact"]),
        },
        {
            "rol": "Preventiemedewerker (Arbowet)",
            "naam": school["preventiemedewerker_naam"],
            "bereikbaar": "via de school",
        },
        {"rol": "Coördinator bedrijfshulpverlening", "naam": bhv, "bereikbaar": "via de school"},
        {
            "rol": "Klachtencommissie",
            "naam": school["klachtencommissie"],
            "bereikbaar": contact(school["klachtencommissie_contact"]),
        },
    ]


def _monitor(school: Mapping[str, Any], sf: SchoolFacts) -> dict[str, Any]:
    check = sf.monitor
    shown = [r for rows in sf.reported.values() for r in rows]  # one survey per group, as Vensters and status
    results = sorted(shown, key=lambda r: (_group_rank(r.groep), _theme_rank(r.theme), r.theme_label))
    on_form = school["monitor_instrument"]
    rows = [
        {
            "groep": r.groep,
            "thema": _theme_label(r.theme, r.theme_label),
            "respondenten": r.respondents,
            "gemiddelde": r.mean if r.mean is not None else "",
            "schaal": f"{_num(r.scale_min)}–{_num(r.scale_max)}",
            "positief": r.positive if r.positive is not None else "",
            "instrument": _instrument(r.instrument),
        }
        for r in results
    ]
    pupils = list(sf.reported.get("leerlingen", ()))  # missing results: the monitor check's row in 'ontbreekt'
    dates = [r.afname for r in pupils if r.afname]
    latest = max(dates) if dates else None
    usual = str(school["monitor_maand"] or "").strip().casefold()
    return {
        "instrument": on_form,
        "meting_instrument": _instrument(pupils[0].instrument) if pupils else "",
        "groepen": school["monitor_groepen"],
        "frequentie": school["monitor_frequentie"],
        "maand": school["monitor_maand"],
        "resultaten": rows,
        "resultaten_grafiek": [(r.theme_label, r.groep, r.positive) for r in results if r.positive is not None],
        "heeft_resultaten": bool(pupils),
        "afname": latest or "",
        "andere_maand": latest is not None and usual != MONTHS[latest.month - 1],
        "respondenten": respondents(pupils) if pupils else 0,
        "toets_beschikbaar": True,
        "oordeel": check.overall,
        "eisen": [{"titel": q.title, "oordeel": q.verdict, "reden": q.reason} for q in check.requirements],
    }


UNKNOWN_INSTRUMENT = "[niet genoemd in de export]"
# How a theme is labelled in the results table where its name alone does not say which way is good.
THEME_LABELS = {"aantasting_veiligheid": "Aantasting van de veiligheid (niet gepest of bedreigd; hoger is beter)"}


def _theme_label(theme: str, label: str) -> str:
    return THEME_LABELS.get(theme, label)


def _instrument(named: str) -> str:
    """The survey's instrument as the export names it; one it does not name is shown as such, never
    credited as the one on the school form."""
    return named or UNKNOWN_INSTRUMENT


# Who acts on a requirement of the monitor check that is not met.
ACTS = {
    "gemeten": COORDINATOR,
    "representatief": COORDINATOR,
    "respons": COORDINATOR,
    "levering": DIRECTOR,
    "onderdelen": COORDINATOR,
    "instrument": f"{COORDINATOR} en het bestuurskantoor",
    "coordinator": DIRECTOR,
}
SEE_CHECK = "zie 5.3 van het plan; met nieuwe gegevens toetst het bestuurskantoor opnieuw"


def _monitor_actions(check: MonitorCheck) -> list[dict[str, Any]]:
    """Rows for 'Nog aan te vullen' when the monitor does not (yet) meet the law: per requirement that
    is not met, what is wrong and who acts. Without a survey, only the measurement itself is named."""
    return [
        {
            "wie": ACTS.get(q.key, "het bestuurskantoor"),
            "hoe": SEE_CHECK,
            "wat": f"Monitor – {q.title} ({q.verdict}): {q.reason}",
            "aantal": 1,
        }
        for q in check.open_points()
    ]


def _group_rank(group: str) -> int:
    return GROUP_ORDER.index(group) if group in GROUP_ORDER else len(GROUP_ORDER)


def _theme_rank(theme: str) -> int:
    keys = [key for key, _ in THEMES]
    return keys.index(theme) if theme in keys else len(keys)


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value).replace(".", ",")


# --- the registrations chapter -----------------------------------------------------------------


def _period(period: Period) -> dict[str, Any]:
    return {
        "status": period.status,
        "lopend": period.status == RUNNING,
        "afgelopen": period.status == FINISHED,
        "toekomstig": period.status == COMING,
        "begin": period.start,
        "einde": period.end,
        "tot": period.until or "",
    }


NONE = "–"  # a figure that does not exist: the year has not begun, or there are no data for it


def column_heading(period: Period, until: dt.date | None) -> str:
    """A column's heading: the school year, and on a second line up to which day when not the whole year."""
    return f"{period.year}\nt/m {until:%d-%m-%Y}" if until is not None and until < period.end else period.year


def _registrations(facts: BoardFacts, sf: SchoolFacts) -> dict[str, Any]:
    """The plan's registration chapter: the board's counts of this school, as figures for the tables."""
    cmp, regs = facts.comparison, sf.registrations
    this, last, whole = regs.this_year, regs.last_to_date, regs.last_whole

    def row(label: str, value: Callable[[Counted], int]) -> dict[str, Any]:
        now: int | str = value(this) if cmp.this.status != COMING else NONE
        before: int | str = value(last) if last is not None else NONE
        return {
            "soort": label,
            "dit_jaar": now,
            "vorig_jaar": before,
            "verschil": _difference(now, before),
            "vorig_heel_jaar": value(whole) if whole is not None else NONE,
        }

    def kinds(form_id: str) -> list[dict[str, Any]]:
        seen = set(this.kinds_of(form_id)) | set(last.kinds_of(form_id) if last is not None else {})
        ordered = kinds_in_order(form_id, seen, choices=facts.choices)
        return [row(k, lambda c, k=k: c.kind(form_id, k)) | {"categorie": k} for k in ordered]  # type: ignore[misc]

    figures = figure_forms()
    forms = [f for f in facts.registers if f in figures]  # events only: not the measures

    def total(counted: Counted | None) -> int:
        return sum(counted.of(f) for f in forms) if counted is not None else 0

    per_kind = {f: kinds(f) for f in forms}
    result: dict[str, Any] = {
        "totalen": [row(register_label(f), lambda c, f=f: c.of(f)) for f in forms],  # type: ignore[misc]
        "totaal_dit_jaar": total(this),
        "totaal_vorig_jaar": total(last),
        "totaal_vorig_heel_jaar": total(whole),
        "vorig_bekend": last is not None,
        "vorig_heel_bekend": whole is not None,
        "vorig_deels": last is not None and cmp.last_partly,
        "gegevens_vanaf": cmp.first_event or "",
        "vorig_tot": cmp.last_until or "",
        "vorig_lopend": cmp.last.status == RUNNING,
        "kop_dit_jaar": column_heading(cmp.this, cmp.this.until),
        "kop_vorig_jaar": column_heading(cmp.last, cmp.last_until),
        "per_soort": [
            {"formulier": f, "titel": register_label(f), "kolom": FORMS[f].kinds_heading, "rijen": per_kind[f]}
            for f in forms
        ],
        "meldplichtig": sf.duties.reportable,
        "gemeld": sf.duties.reported,
        "niet_gemeld": sf.duties.open,
        "open_acties": [
            {"actie": text, "aantal": n} for text, n in sorted(Counter(a.text for a in sf.actions).items())
        ],
    }
    for form_id, name in KIND_TABLES.items():
        result[name] = per_kind.get(form_id, [])
    result["overige_soorten"] = [s for s in result["per_soort"] if s["formulier"] not in KIND_TABLES and s["kolom"]]
    return result


def kinds_in_order(form_id: str, seen: Collection[str], *, choices: Mapping[str, Sequence[str]]) -> list[str]:
    """The kinds of a register that were `seen`, in the order of the form's choices (the others after
    them, alphabetically): the order of the plan's and the yearly report's tables."""
    register = FORMS[form_id].counts
    counted = FORMS[form_id].field(register.counted) if register and register.counted else None
    order = choices.get(counted.choices or "", ()) if counted else ()
    return [k for k in order if k in seen] + sorted(set(seen) - set(order))


def register_label(form_id: str) -> str:
    """A register's name as the documents show it ('Incidenten met leerlingen')."""
    register = FORMS[form_id].counts
    return register.label if register else FORMS[form_id].title


def _difference(this: int | str, last: int | str) -> str:
    if not isinstance(this, int) or not isinstance(last, int):
        return NONE
    if this == last:
        return "gelijk"
    return f"+{this - last}" if this > last else f"−{last - this}"


def _milestones(sf: SchoolFacts) -> list[dict[str, Any]]:
    return [
        {
            "nummer": n,
            "titel": m.title,
            "deadline": m.deadline,
            "status": m.status,
            "gereed_op": m.done_on or "",
        }
        for n, m in enumerate(sf.milestones, start=1)
    ]


# --- the printable forms (annexes 7-9) --------------------------------------------------------


def printable_form(form: FormDef, facts: BoardFacts, brin: str) -> dict[str, Any]:
    """A form definition as the printed annex shows it: the same labels, choices and help as the
    Excel form, with this school filled in."""
    return {
        "titel": form.title,
        "intro": form.intro,
        "versie": form.version,
        "secties": [
            {"titel": s.title, "velden": [_printable_field(f, facts, brin) for f in s.fields]} for s in form.sections
        ],
    }


CHECKBOX = "☐"


def _printable_field(f: Field, facts: BoardFacts, brin: str) -> dict[str, Any]:
    mark = " *" if f.required else (" (*)" if f.required_when else "")
    if f.kind == Kind.SCHOOL:
        entry = f"{brin} – {facts.names.get(brin, brin)}"
    elif f.choices:
        entry = "   ".join(f"{CHECKBOX}\u00a0{choice}" for choice in facts.choices[f.choices])
    else:
        entry = BLANKS.get(f.kind, "")
    return {"label": f.label + mark, "invullen": entry, "uitleg": f.help, "lang": f.kind == Kind.LONGTEXT}


BLANKS = {
    Kind.DATE: "___ - ___ - ______",
    Kind.TIME: "___ : ___",
    Kind.INTEGER: "",
    Kind.REGNR: "_____ - ______ - ________",
    Kind.LONGTEXT: "\n\n\n",
}
