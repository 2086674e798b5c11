"""The data one school's documents are rendered with: a plain dict built from `BoardFacts`. Pure.

Every variable the templates may use is always present (the README lists them); a fact the data
lacks is a `Missing` value that says who supplies it, and is also listed in `ontbreekt`.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from automation.checks.milestones import milestones
from automation.checks.overview import overview
from automation.checks.schoolyear import previous, schoolyear
from automation.documents import charts
from automation.documents.catalog import ANNEXES
from automation.documents.facts import BoardFacts, MonitorFacts, SchoolForm
from automation.documents.formatting import Missing
from automation.forms import FORMS, FormDef, Kind
from automation.forms.model import Field
from automation.forms.peiling import THEMES

SCHOOL_FORM = FORMS["school"]
DIRECTOR = "de directeur"
COORDINATOR = "de coördinator sociale veiligheid"
VIA_SCHOOL_FORM = "op het formulier Schoolgegevens en veiligheidsbeleid"

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

FORM_NAMES = {"incident": "Incidenten met leerlingen", "agressie": "Agressie en geweld tegen personeel",
              "ongeval": "Ongevallen"}  # fmt: skip
GROUP_ORDER = ("leerlingen", "ouders", "personeel")


def school_context(facts: BoardFacts, brin: str, *, with_charts: bool = True) -> dict[str, Any]:
    form = facts.school_forms.get(brin)
    missing: list[Missing] = []
    school = _school(facts, brin, form, missing)
    monitor = _monitor(facts, school, facts.monitor.get(brin), missing, module=facts.monitor_module)
    registrations, per_month = _registrations(facts, brin)
    context: dict[str, Any] = {
        "bestuur": facts.board,
        "schooljaar": facts.schooljaar,
        "vorig_schooljaar": previous(facts.schooljaar),
        "peildatum": facts.today,
        "school": school,
        "schoolformulier": _form_info(form, facts.schooljaar),
        "rollen": _roles(school),
        "monitor": monitor,
        "registraties": registrations,
        "mijlpalen": _milestones(facts, form),
        "vensters_tekst": (facts.monitor.get(brin) or MonitorFacts()).vensters or "",
        "bijlagen": [{"nummer": a.number, "titel": a.title} for a in ANNEXES],
        "formulieren": {f: printable_form(FORMS[f], facts, brin) for f in ("agressie", "ongeval", "incident")},
        "ontbreekt": _grouped(missing),
        "grafieken": {"maanden": None, "themas": None},
    }
    if with_charts:
        context["grafieken"] = {
            "maanden": charts.registrations_per_month(per_month, year=facts.schooljaar),
            "themas": charts.monitor_themes(monitor["resultaten_grafiek"]),
        }
    return context


def _school(facts: BoardFacts, brin: str, form: SchoolForm | None, missing: list[Missing]) -> dict[str, Any]:
    data = form.data if form else {}
    school: dict[str, Any] = {"brin": brin, "naam": facts.schools.get(brin, brin)}
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
    if form is None:
        return {"ontvangen": False, "datum": "", "registratienummer": "", "van_dit_jaar": False}
    return {
        "ontvangen": True,
        "datum": form.filled or "",
        "registratienummer": form.regnr,
        "van_dit_jaar": form.of_year(year),
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
        bhv = f"{bhv}; {school['aantal_bhv']} BHV'ers" if bhv else bhv
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


def _monitor(
    facts: BoardFacts, school: Mapping[str, Any], found: MonitorFacts | None, missing: list[Missing], *, module: bool
) -> dict[str, Any]:
    found = found or MonitorFacts()
    results = sorted(found.results, key=lambda r: (_group_rank(r.groep), _theme_rank(r.theme), r.theme_label))
    rows = [
        {
            "groep": r.groep,
            "thema": r.theme_label,
            "respondenten": r.respondents,
            "gemiddelde": r.mean if r.mean is not None else "",
            "schaal": f"{_num(r.scale_min)}–{_num(r.scale_max)}",
            "positief": r.positive if r.positive is not None else "",
            "instrument": r.instrument,
        }
        for r in results
    ]
    pupils = [r for r in results if r.groep == "leerlingen"]
    if not pupils:
        missing.append(
            Missing(
                f"de resultaten van de monitor onder leerlingen in {facts.schooljaar}",
                COORDINATOR,
                "met het formulier Peilingresultaten, of als export van de leverancier, in de map voor meldingen",
            )
        )
    dates = [r.afname for r in pupils if r.afname]
    return {
        "instrument": school["monitor_instrument"],
        "groepen": school["monitor_groepen"],
        "frequentie": school["monitor_frequentie"],
        "maand": school["monitor_maand"],
        "resultaten": rows,
        "resultaten_grafiek": [(r.theme_label, r.groep, r.positive) for r in results if r.positive is not None],
        "heeft_resultaten": bool(pupils),
        "afname": max(dates) if dates else "",
        "respondenten": max((r.respondents for r in pupils), default=0),
        "toets_beschikbaar": module,
        "oordeel": found.overall or "",
        "eisen": [{"titel": q.title, "oordeel": q.verdict, "reden": q.reason} for q in found.requirements],
    }


def _group_rank(group: str) -> int:
    return GROUP_ORDER.index(group) if group in GROUP_ORDER else len(GROUP_ORDER)


def _theme_rank(theme: str) -> int:
    keys = [key for key, _ in THEMES]
    return keys.index(theme) if theme in keys else len(keys)


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value).replace(".", ",")


def _year_date(year: str, today: dt.date) -> dt.date:
    """A day within `year` (today when it lies within it), to ask the overview for that year."""
    return today if schoolyear(today) == year else dt.date(int(year[:4]), 8, 1)


def _registrations(facts: BoardFacts, brin: str) -> tuple[dict[str, Any], dict[str, Counter[str]]]:
    year, last = facts.schooljaar, previous(facts.schooljaar)
    counts = [c for c in facts.counts if c.school == brin]
    names = {brin: facts.schools.get(brin, brin)}
    now = overview(schools=names, counts=counts, actions=[], milestones={}, last_received={},
                   today=_year_date(year, facts.today))  # fmt: skip
    before = overview(schools=names, counts=counts, actions=[], milestones={}, last_received={},
                      today=dt.date(int(last[:4]), 8, 1))  # fmt: skip
    row, old = now.rows[0], before.rows[0]
    totals = [_compare(FORM_NAMES[f], row.this_year[f], row.last_year[f]) for f in ("incident", "agressie", "ongeval")]
    duty = facts.duties.get(brin)
    actions = Counter(a.text for a in facts.actions if a.school == brin)
    result = {
        "totalen": totals,
        "totaal_dit_jaar": sum(row.this_year.values()),
        "totaal_vorig_jaar": sum(row.last_year.values()),
        "categorieen": _by_kind(facts.choices["incident_categorie"], row.categories, old.categories),
        "agressie_vormen": _by_kind(
            facts.choices["agressie_vorm"],
            facts.kinds.get((brin, "agressie", year), Counter()),
            facts.kinds.get((brin, "agressie", last), Counter()),
        ),
        "ongeval_behandelingen": _by_kind(
            facts.choices["behandeling"],
            facts.kinds.get((brin, "ongeval", year), Counter()),
            facts.kinds.get((brin, "ongeval", last), Counter()),
        ),
        "meldplichtig": duty.reportable if duty else 0,
        "gemeld": duty.reported if duty else 0,
        "open_acties": [{"actie": text, "aantal": n} for text, n in sorted(actions.items())],
    }
    return result, now.per_month


def _compare(label: str, this: int, last: int) -> dict[str, Any]:
    return {"soort": label, "dit_jaar": this, "vorig_jaar": last, "verschil": _difference(this, last)}


def _difference(this: int, last: int) -> str:
    if this == last:
        return "gelijk"
    return f"+{this - last}" if this > last else f"−{last - this}"


def _by_kind(order: Sequence[str], this: Counter[str], last: Counter[str]) -> list[dict[str, Any]]:
    """Rows for every kind that occurred in either year, in the order of the choice list."""
    kinds = [k for k in order if this[k] or last[k]]
    kinds += sorted(k for k in (set(this) | set(last)) - set(order) if this[k] or last[k])
    return [_compare(k, this[k], last[k]) | {"categorie": k} for k in kinds]


def _milestones(facts: BoardFacts, form: SchoolForm | None) -> list[dict[str, Any]]:
    data = form.data if form and form.of_year(facts.schooljaar) else None
    found = milestones(data, year=facts.schooljaar, deadlines=facts.deadlines, today=facts.today)
    return [
        {
            "nummer": n,
            "titel": m.title,
            "deadline": m.deadline,
            "status": m.status,
            "gereed_op": m.done_on or "",
        }
        for n, m in enumerate(found, start=1)
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
        entry = f"{brin} – {facts.schools.get(brin, brin)}"
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
