"""The built-in demo: three fictional schools, forms filled as staff would (some wrong), processed.

Everything here is fictional. Pupil references are numbers or initials; one form deliberately
carries a name in that field to show how the product refuses it.
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from automation.config import Settings
from automation.errors import ConfigError
from automation.excel.build_form import build_all, form_file_name
from automation.excel.fill import fill_form
from automation.forms import FORMS
from automation.schoolyear import schoolyear
from automation.surveys import samples
from automation.workspace import EXAMPLE_SCHOOLS, init_workspace

DEMO_MARKER = "demo-werkmap"
BOARD = "Stichting Primair Onderwijs De Lage Landen (demo)"


@dataclass(frozen=True)
class DemoFolder:
    settings: Settings
    forms_dir: Path
    dropped: list[Path]


def _school(brin: str) -> str:
    return f"{brin} – {EXAMPLE_SCHOOLS[brin]}"


INCIDENTS: tuple[tuple[str, str, str, str], ...] = (
    # categorie, locatie, omschrijving, maatregelen
    (
        "pesten",
        "speelplein",
        "Een leerling wordt al enkele weken in de pauze buitengesloten en uitgescholden door een groepje klasgenoten.",
        "Gesprekken met slachtoffer en daders volgens het pestprotocol; groepsgesprek in de klas.",
    ),
    (
        "digitaal pesten",
        "online",
        "In een groepsapp van de klas zijn gemene berichten en een bewerkte foto van een leerling gedeeld.",
        "Berichten laten verwijderen; gesprek met betrokken leerlingen en hun ouders.",
    ),
    (
        "fysiek geweld",
        "gang/hal",
        "Bij het naar binnen gaan duwde een leerling een klasgenoot hard tegen de muur na een ruzie over een bal.",
        "Time-out en herstelgesprek; ouders van beide leerlingen gebeld.",
    ),
    (
        "verbale agressie",
        "klaslokaal",
        "Tijdens de les schold een leerling een klasgenoot herhaaldelijk uit na een opmerking over zijn werk.",
        "Gesprek met de leerling over taalgebruik; afspraken in het groepsplan.",
    ),
    (
        "discriminatie",
        "speelplein",
        "Een leerling maakte kwetsende opmerkingen over de afkomst van een klasgenoot.",
        "Gesprek met beide leerlingen; les over respect en verschillen in de groep.",
    ),
    (
        "vernieling of diefstal",
        "gymzaal",
        "In de kleedkamer is de jas van een leerling kapotgeknipt.",
        "Gesprek met de groep; toezicht in de kleedkamer aangescherpt.",
    ),
)


def incident(rng: random.Random, today: dt.date, brin: str) -> dict[str, Any]:
    day = today - dt.timedelta(days=rng.randint(1, 200))
    category, location, description, measures = rng.choice(INCIDENTS)
    group = str(rng.randint(3, 8))
    return {
        "school": _school(brin),
        "datum": day,
        "tijd": dt.time(rng.randint(8, 15), rng.choice([0, 15, 30, 45])),
        "locatie": location,
        "categorie": category,
        "omschrijving": description,
        "melder_rol": rng.choice(["leerkracht", "leerling", "ouder"]),
        "slachtoffer_rol": "leerling",
        "slachtoffer_groep": group,
        "dader_rol": "leerling",
        "dader_groep": group,
        "leerling_ref": str(rng.randint(10000, 99999)),
        "leerling_ref_rol": ("slachtoffer", "dader", "beide")[int(group) % 3],  # no extra draw: the demo stays
        "letsel": "ja" if category == "fysiek geweld" else "nee",
        "ouders_geinformeerd": "ja",
        "maatregelen": measures,
        "evaluatie_datum": _evaluated(category, day, today=today, group=group),
        "ingevuld_door": rng.choice(
            ["M. de Vries, leerkracht groep 6", "A. Bakker, intern begeleider", "S. Yilmaz, leerkracht groep 8"]
        ),
        "datum_ingevuld": day + dt.timedelta(days=rng.randint(0, 1)),
    }


def _evaluated(category: str, day: dt.date, *, today: dt.date, group: str) -> dt.date | None:
    """The bullying protocol's check after two weeks: done in even groups, still open in odd ones (the
    demo shows both)."""
    check = day + dt.timedelta(days=14)
    bullying = category in ("pesten", "digitaal pesten")
    return check if bullying and check <= today and int(group) % 2 == 0 else None


AGGRESSION: tuple[tuple[str, str, str, str, bool], ...] = (
    # dader, vorm, locatie, omschrijving, met letsel en ziekenhuisopname
    (
        "ouder/verzorger",
        "verbale agressie",
        "speelplein",
        "Een ouder werd bij het ophalen boos over een straf en schreeuwde tegen de leerkracht.",
        False,
    ),
    (
        "ouder/verzorger",
        "bedreiging",
        "gang/hal",
        "Een ouder dreigde de leerkracht 'wat aan te doen' als zijn kind niet over zou gaan.",
        False,
    ),
    (
        "leerling",
        "fysiek geweld",
        "klaslokaal",
        "Een leerling in paniek schopte en sloeg de onderwijsassistent die hem wilde kalmeren.",
        True,
    ),
    (
        "derde",
        "verbale agressie",
        "speelplein",
        "Een voorbijganger schold de conciërge uit die hem vroeg het schoolplein te verlaten.",
        False,
    ),
)


def agressie(rng: random.Random, today: dt.date, brin: str) -> dict[str, Any]:
    day = today - dt.timedelta(days=rng.randint(3, 150))
    offender, form, location, description, hurt = rng.choice(AGGRESSION)
    return {
        "school": _school(brin),
        "datum": day,
        "locatie": location,
        "medewerker_functie": "onderwijsassistent" if hurt else rng.choice(["leerkracht", "directie", "conciërge"]),
        "dader_rol": offender,
        "vorm": form,
        "omschrijving": description,
        "letsel": "ja" if hurt else "nee",
        "letsel_aard": "kneuzing aan de arm" if hurt else None,
        "ziekenhuisopname": "ja" if hurt else "nee",
        "materiele_schade": "ja" if hurt else "nee",  # e.g. glasses broken in the struggle
        "schade_verhaald": "onbekend" if hurt else None,
        "verzuim_dagen": 2 if hurt else 0,
        "arbeidsinspectie_gemeld": "nee",
        "opvanggesprek_datum": min(today, day + dt.timedelta(days=rng.choice([1, 2, 5]))),
        "ingevuld_door": "J. Visser, directeur",
        "datum_ingevuld": day + dt.timedelta(days=1),
    }


ACCIDENTS: tuple[tuple[str, str, str, str, str, str], ...] = (
    # locatie, activiteit, toedracht, oorzaak, letsel, lichaamsdeel
    (
        "speelplein",
        "buitenspelen",
        "Viel van het klimrek en kwam op de hand terecht.",
        "speeltoestel",
        "verstuiking",
        "pols",
    ),
    ("gymzaal", "gymles", "Botste tijdens een tikspel tegen een medeleerling.", "botsing", "kneuzing", "hoofd"),
    (
        "gang/hal",
        "naar buiten gaan",
        "Gleed uit over de natte vloer bij de ingang.",
        "val",
        "schaafwond/snijwond",
        "knie",
    ),
    ("gymzaal", "gymles", "Kwam verkeerd neer na een sprong over de bok.", "sportmateriaal", "botbreuk", "arm"),
)


def ongeval(rng: random.Random, today: dt.date, brin: str) -> dict[str, Any]:
    day = today - dt.timedelta(days=rng.randint(1, 180))
    pupil = rng.random() < 0.8
    location, activity, how, cause, injury, body_part = rng.choice(ACCIDENTS)
    treatment = {"botbreuk": "spoedeisende hulp", "verstuiking": "huisarts"}.get(injury, "geen")
    return {
        "school": _school(brin),
        "datum": day,
        "tijd": dt.time(rng.randint(8, 15), 30),
        "slachtoffer_type": "leerling" if pupil else "medewerker",
        "slachtoffer_groep": str(rng.randint(1, 8)) if pupil else None,
        "locatie": location,
        "activiteit": activity,
        "toedracht": how,
        "oorzaak": cause,
        "letsel_aard": injury,
        "lichaamsdeel": body_part,
        "eerste_hulp_door": "BHV'er",
        "behandeling": treatment,
        "blijvend_letsel": "nee",
        "ouders_geinformeerd": "ja" if pupil else None,
        "ingevuld_door": "K. Jansen, BHV'er",
        "datum_ingevuld": day,
    }


GOALS_AND_MEASURES: dict[str, dict[str, str]] = {
    "12AB": {
        "doel_1": "Minder leerlingen voelen zich gepest: in de monitor van vorig jaar gaf 9% van groep 5-8 aan "
        "gepest te worden; dit jaar minder dan 6%.",
        "maatregel_1": "De coördinator geeft vanaf oktober in groep 6 en 7 de KiVa-groepsgesprekken; de "
        "leerkrachten evalueren elk pestgeval na twee weken.",
        "doel_2": "Digitaal pesten eerder zien: vorig jaar werden drie gevallen pas via ouders bekend.",
        "maatregel_2": "Les mediawijsheid in groep 7 en 8 (november, leerkrachten); ouderavond over groepsapps "
        "(januari, directeur).",
    },
    "34CD": {
        "doel_1": "Een rustiger plein: de helft van de incidenten van vorig jaar gebeurde in de pauze op het "
        "speelplein.",
        "maatregel_1": "Vanaf september twee pleinwachten met vaste afspraken en een spelaanbod (team, "
        "coördinator maakt het rooster).",
    },
    "56EF": {
        "doel_1": "Meer leerlingen voelen zich veilig in de klas: de score 'veiligheid' daalde naar 3,1.",
        "maatregel_1": "Groepsafspraken van De Vreedzame School in elke groep in de eerste zes weken "
        "(leerkrachten, september-oktober).",
        "doel_2": "Ouders weten waar ze met zorgen terechtkunnen: 30% kende de contactpersoon niet.",
        "maatregel_2": "Contactpersoon stelt zich voor in de nieuwsbrief en op de informatieavond (september).",
        "doel_3": "Minder verbale agressie van ouders tegen personeel: vier meldingen vorig jaar.",
        "maatregel_3": "Gedragscode voor ouders in de schoolgids; de directeur spreekt ouders direct aan.",
    },
}


def school_form(today: dt.date, brin: str) -> dict[str, Any]:
    name = EXAMPLE_SCHOOLS[brin]
    slug = name.split()[-1].lower()
    return {
        "school": _school(brin),
        "schoolnaam": name,
        "plaats": "Amersfoort",
        "email": f"info@{slug}.example.nl",
        "directeur_naam": {"12AB": "Jolanda Visser", "34CD": "Peter de Boer", "56EF": "Fatima El Amrani"}[brin],
        "directeur_email": f"directeur@{slug}.example.nl",  # the weekly e-mail digest goes here
        "coordinator_naam": {"12AB": "Anouk Bakker", "34CD": "Rik Mulder", "56EF": "Sanne de Wit"}[brin],
        "coordinator_functie": "intern begeleider",
        "coordinator_email": f"coordinator@{slug}.example.nl",
        "contactpersoon_naam": "Lisa Smit",
        "aandachtsfunctionaris_naam": {"12AB": "Anouk Bakker", "34CD": "Ellen Vos", "56EF": "Sanne de Wit"}[brin],
        "klachtencommissie": "GCBO",
        "programma": {"12AB": "KiVa", "34CD": "Kanjertraining", "56EF": "De Vreedzame School"}[brin],
        "monitor_instrument": {"12AB": "KiVa-monitor", "34CD": "KanVAS", "56EF": "ZIEN!"}[brin],
        "monitor_groepen": "5-8",
        "monitor_frequentie": "jaarlijks",
        "monitor_maand": "maart",
        "leerlingen_totaal": {"12AB": 312, "34CD": 188, "56EF": 421}[brin],
        "leerlingen_groep_5_8": {"12AB": 151, "34CD": 90, "56EF": 207}[brin],
        # the inspectorate's summary: 56EF's supplier delivered it, 12AB consented and waits, 34CD did neither
        "inspectie_toestemming": {"12AB": "ja", "34CD": None, "56EF": "ja"}[brin],
        "inspectie_geleverd_datum": today - dt.timedelta(days=5) if brin == "56EF" else None,
        "dvp_account": "ja",
        "visie": "Op onze school voelt iedereen zich veilig en gezien. We spreken elkaar aan op gedrag, niet op de persoon.",
        "mijlpaal_1": today - dt.timedelta(days=40),
        # 56EF adopted its plan and the MR consented; 12AB adopted it and awaits the MR; 34CD neither yet
        "plan_vastgesteld_datum": today - dt.timedelta(days=30) if brin != "34CD" else None,
        "mr_instemming_datum": today - dt.timedelta(days=14) if brin == "56EF" else None,
        **GOALS_AND_MEASURES[brin],
        "ingevuld_door": "de directeur",
        "datum_ingevuld": today - dt.timedelta(days=7),
    }


# Per school its measures for the year (issue 15): (doel, maatregel, aanleiding, thema or toelichting,
# eigenaar, days from today to the start and to the end, stand, evaluatie). 34CD sent none: its plan
# shows the goals of its school form.
MEASURES: dict[str, tuple[tuple[str, str, str, str, str, int, int, str, str], ...]] = {
    "12AB": (
        (
            "Minder leerlingen voelen zich gepest: in de monitor van vorig jaar gaf 9% van groep 5-8 aan gepest "
            "te worden; dit jaar minder dan 6%.",
            "De coördinator geeft in groep 6 en 7 de KiVa-groepsgesprekken; de leerkrachten evalueren elk "
            "pestgeval na twee weken.",
            "thema van de monitor",
            "Aantasting van de veiligheid",
            "de coördinator sociale veiligheid",
            -60,
            150,
            "loopt",
            "",
        ),
        (
            "Digitaal pesten eerder zien: vorig jaar werden drie gevallen pas via ouders bekend.",
            "Les mediawijsheid in groep 7 en 8 en een ouderavond over groepsapps.",
            "ontwikkeling in de registraties",
            "meer digitaal pesten dan het jaar ervoor",
            "de directeur",
            -90,
            -10,  # past its end date and not evaluated: an open action (the board's own norm)
            "loopt",
            "",
        ),
    ),
    "56EF": (
        (
            "Meer leerlingen voelen zich veilig in de klas: de score 'veiligheid' daalde naar 3,1.",
            "Groepsafspraken van De Vreedzame School in elke groep in de eerste zes weken.",
            "thema van de monitor",
            "Veiligheidsbeleving",
            "de leerkrachten, met de intern begeleider",
            -80,
            -30,
            "afgerond",
            "In elke groep zijn afspraken gemaakt en zichtbaar opgehangen; de leerlingen noemen ze in de "
            "groepsgesprekken. De monitor in het voorjaar laat zien of de score stijgt.",
        ),
    ),
}


def maatregel(today: dt.date, brin: str, n: int = 0) -> dict[str, Any]:
    """The director's measures form: the school's `n`-th measure (by default its first)."""
    goal, measure, reason, detail, owner, start, end, status, evaluation = MEASURES.get(brin, MEASURES["12AB"])[n]
    monitor = reason == "thema van de monitor"
    return {
        "school": _school(brin),
        "doel": goal,
        "maatregel": measure,
        "aanleiding": reason,
        "aanleiding_thema": detail if monitor else None,
        "aanleiding_toelichting": None if monitor else detail,
        "eigenaar": owner,
        "startdatum": today + dt.timedelta(days=start),
        "einddatum": today + dt.timedelta(days=end),
        "status": status,
        "evaluatie_datum": today - dt.timedelta(days=7) if evaluation else None,
        "evaluatie_resultaat": evaluation or None,
        "ingevuld_door": "de directeur",
        "datum_ingevuld": today - dt.timedelta(days=7) if evaluation else today - dt.timedelta(days=3),
    }


def peiling(today: dt.date, brin: str) -> dict[str, Any]:
    year = today.year if today.month >= 8 else today.year - 1
    return {
        "school": _school(brin),
        "schooljaar": f"{year}-{year + 1}",
        "instrument": "ZIEN!",
        "respondent": "leerlingen",
        "groepen": "5-8",
        "afname_datum": today - dt.timedelta(days=20),
        "aantal_uitgenodigd": 207,
        "aantal_respondenten": 188,
        "schaal_min": 1,
        "schaal_max": 4,
        "score_leefklimaat_groep": 3.2,
        "positief_leefklimaat_groep": 0.84,
        "score_veiligheidsbeleving": 3.4,
        "positief_veiligheidsbeleving": 0.91,
        "score_aantasting_veiligheid": 3.5,
        "positief_aantasting_veiligheid": 0.88,
        "score_welbevinden": 3.3,
        "positief_welbevinden": 0.86,
        "ingevuld_door": "Sanne de Wit",
        "datum_ingevuld": today - dt.timedelta(days=10),
    }


def _wrong_forms(rng: random.Random, today: dt.date) -> list[tuple[str, str, dict[str, Any]]]:
    future = incident(rng, today, "12AB") | {"datum": today + dt.timedelta(days=5), "datum_ingevuld": today}
    missing = incident(rng, today, "34CD") | {
        "omschrijving": None,
        "locatie": None,
        "ingevuld_door_email": "melder@cbs-het-anker.example.nl",  # told by e-mail why it was refused
    }
    other = incident(rng, today, "56EF") | {"categorie": "anders", "categorie_toelichting": None}
    named = incident(rng, today, "12AB") | {"leerling_ref": "Daan Jansen"}
    accident = ongeval(rng, today, "56EF") | {"behandeling": "gips", "slachtoffer_groep": "9"}
    return [
        ("incident", "incident toekomst.xlsx", future),
        ("incident", "incident onvolledig.xlsx", missing),
        ("incident", "incident anders.xlsx", other),
        ("incident", "incident met naam.xlsx", named),
        ("ongeval", "ongeval groep 9.xlsx", accident),
    ]


def _reporting_duties(today: dt.date, *, seed: int) -> list[tuple[str, str, dict[str, Any]]]:
    """Cases the board must act on at once (DOMAIN.md §4.1, §4.3), all accepted: sexual misconduct by a
    volunteer (the first open action of all), an accident at work with permanent injury still unknown,
    and a death at work already reported to the Labour Inspectorate."""
    rng = random.Random(seed + 1)  # its own draws: the other demo forms stay as they were
    staff = incident(rng, today, "34CD") | {
        "categorie": "seksueel grensoverschrijdend gedrag",
        "locatie": "klaslokaal",
        "omschrijving": "Een vrijwilliger bij het overblijven maakte seksueel getinte opmerkingen tegen een "
        "leerling en raakte haar ongepast aan.",
        "dader_rol": "vrijwilliger",
        "dader_groep": None,
        "leerling_ref_rol": "slachtoffer",
        "letsel": "nee",
        "maatregelen": "Vrijwilliger direct buiten de school gehouden; de directeur heeft het bestuur gebeld.",
    }
    ladder = ongeval(rng, today, "56EF") | {
        "slachtoffer_type": "medewerker",
        "slachtoffer_groep": None,
        "locatie": "gymzaal",
        "activiteit": "lampen vervangen",
        "toedracht": "De conciërge viel van een trap bij het vervangen van een lamp.",
        "oorzaak": "val",
        "letsel_aard": "botbreuk",
        "lichaamsdeel": "been",
        "behandeling": "ziekenhuisopname",
        "blijvend_letsel": "onbekend",
        "ouders_geinformeerd": None,
        "arbeidsinspectie_gemeld": "nee",
    }
    day = today - dt.timedelta(days=60)
    death = ongeval(rng, today, "56EF") | {
        "datum": day,
        "slachtoffer_type": "stagiair/vrijwilliger",
        "slachtoffer_groep": None,
        "locatie": "schoolreis/excursie",
        "activiteit": "begeleiden van de schoolreis",
        "toedracht": "Een vrijwilliger werd tijdens de schoolreis onwel na een val en overleed in het ziekenhuis.",
        "oorzaak": "val",
        "letsel_aard": "hoofdletsel",
        "lichaamsdeel": "hoofd",
        "behandeling": "overleden",
        "blijvend_letsel": None,
        "ouders_geinformeerd": None,
        "arbeidsinspectie_gemeld": "ja",
        "arbeidsinspectie_datum": day,
        "datum_ingevuld": day,
    }
    return [
        ("incident", "incident personeel.xlsx", staff),
        ("ongeval", "ongeval conciërge trap.xlsx", ladder),
        ("ongeval", "ongeval vrijwilliger overleden.xlsx", death),
    ]


def make_demo(folder: Path, *, today: dt.date, seed: int = 2026, log: Callable[[str], None] = print) -> DemoFolder:
    """Create (or renew) the demo working folder and drop the staff's files in its inbox."""
    marker = folder / ".veiligheid" / DEMO_MARKER
    if folder.exists() and any(folder.iterdir()):
        if not marker.exists():
            raise ConfigError(f"De map {folder} bestaat al en is geen demo-map; kies een andere map voor de demo.")
        shutil.rmtree(folder)
    settings, _ = init_workspace(
        folder,
        board=BOARD,
        schools=EXAMPLE_SCHOOLS,
        stable_seconds=0,
        damaged_after=0,
        board_mail=["veiligheid@bestuur.example.nl"],  # what cannot wait, as .eml files (no server in the demo)
    )
    marker.write_text("Deze map is gemaakt door 'veiligheid demo' en wordt bij een volgende demo vervangen.\n")
    forms_dir = folder / "formulieren"
    build_all(forms_dir, forms=list(FORMS.values()), schools=settings.schools, choices=settings.choices, board=BOARD)
    log(f"Lege formulieren: {forms_dir}")

    rng = random.Random(seed)
    inbox = settings.paths.inbox
    dropped: list[Path] = []

    def drop(form_id: str, name: str, values: dict[str, Any]) -> Path:
        path = fill_form(forms_dir / form_file_name(FORMS[form_id]), values, inbox / name)
        dropped.append(path)
        return path

    brins = sorted(EXAMPLE_SCHOOLS)
    for n in range(24):
        drop("incident", f"incident {n + 1:02d}.xlsx", incident(rng, today, brins[n % 3]))
    for n in range(6):
        drop("agressie", f"agressie {n + 1:02d}.xlsx", agressie(rng, today, brins[n % 3]))
    # A case the employer must report to the Labour Inspectorate, not yet marked as reported:
    # accepted, with a warning in the confirmation and the Logboek.
    offender, form, location, description, _ = AGGRESSION[2]
    drop(
        "agressie",
        "agressie gymzaal.xlsx",
        agressie(rng, today, "34CD")
        | {
            "dader_rol": offender,
            "vorm": form,
            "locatie": location,
            "omschrijving": description,
            "medewerker_functie": "onderwijsassistent",
            "letsel": "ja",
            "letsel_aard": "gekneusde pols",
            "ziekenhuisopname": "ja",
            "verzuim_dagen": 3,
            "arbeidsinspectie_gemeld": "nee",
        },
    )
    for n in range(9):
        drop("ongeval", f"ongeval {n + 1:02d}.xlsx", ongeval(rng, today, brins[n % 3]))
    for brin in brins:
        drop("school", f"schoolgegevens {brin}.xlsx", school_form(today, brin))
    drop("peiling", "peiling ZIEN 56EF.xlsx", peiling(today, "56EF"))
    for brin, measures in MEASURES.items():  # the directors' measures for the year
        for n in range(len(measures)):
            drop("maatregelen", f"maatregel {brin} {n + 1}.xlsx", maatregel(today, brin, n))
    # Survey exports: the generic layout naming 12AB's declared KiVa-monitor (fewer pupils took part
    # than the board's norm asks: attention, not a legal failure) and the action plan's four-theme
    # satisfaction survey as Dutch Excel saves CSV (34CD: it is not the declared KanVAS, which is still
    # awaited; the survey has no questions on safety itself).
    year = schoolyear(today - dt.timedelta(days=30))
    taken = today - dt.timedelta(days=30)
    (inbox / "peiling 12AB export.csv").write_bytes(
        samples.generic_csv(
            school="12AB", schooljaar=year, afname=taken, pupils=98, parents=60, seed=seed, instrument="KiVa-monitor"
        )
    )
    (inbox / "tevredenheidspeiling Het Anker.csv").write_bytes(
        samples.plan_csv(schools=["34CD"], afname=taken, pupils=80, parents=40, seed=seed)
    )
    (inbox / "export onbekende leverancier.csv").write_text(
        "Leerlingnummer;Vraag 1;Vraag 2\n1001;3;4\n1002;2;4\n", encoding="utf-8"
    )
    for form_id, name, values in _reporting_duties(today, seed=seed) + _wrong_forms(rng, today):
        drop(form_id, name, values)

    # The same file twice (copied), and the same form saved again under another name.
    shutil.copyfile(inbox / "incident 01.xlsx", inbox / "incident 01 - kopie.xlsx")
    drop("incident", "incident 01 opnieuw opgeslagen.xlsx", incident(random.Random(seed), today, brins[0]))
    # Things that are not forms: a photo, a damaged file, a text note, an old .xls, an Excel lock file.
    (inbox / "foto van het plein.jpg").write_bytes(b"\xff\xd8\xff\xe0" + bytes(rng.randrange(256) for _ in range(2000)))
    (inbox / "ongeval half opgeslagen.xlsx").write_bytes((inbox / "ongeval 01.xlsx").read_bytes()[:3000])
    (inbox / "notitie.txt").write_text("Graag bellen over het incident van dinsdag.\n", encoding="utf-8")
    (inbox / "~$incident 01.xlsx").write_bytes(b"lock")
    log(f"{len(list(inbox.iterdir()))} bestanden in de inbox gezet: {inbox}")
    return DemoFolder(settings=settings, forms_dir=forms_dir, dropped=dropped)


def drop_correction(demo: DemoFolder, regnr: str, *, today: dt.date, seed: int = 2026) -> Path:
    """A staff member corrects an accepted incident: same form, 'correctie_van' filled in."""
    values = incident(random.Random(seed), today, "12AB") | {
        "correctie_van": regnr,
        "categorie": "digitaal pesten",
        "locatie": "online",
        "omschrijving": "Correctie: het pesten gebeurde via een groepsapp, niet op het plein.",
    }
    target = demo.settings.paths.inbox / f"correctie {regnr}.xlsx"
    return fill_form(demo.forms_dir / form_file_name(FORMS["incident"]), values, target)
