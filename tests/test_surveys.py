"""Survey exports in, aggregates stored, the legal monitor check and the Vensters text out (issue 4);
the monitor check's own rules, as a pure function, are in test_monitor.py.

Real exports in three layouts (a generic UTF-8 CSV, the action plan's survey as Dutch Excel writes
CSV — ';', Windows-1252, decimal commas — and a per-question aggregate in .xlsx read by a profile
added purely by config), real folders, a real SQLite store, the real master."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from automation import app
from automation.checks.vensters import vensters
from automation.cli import main
from automation.config import Settings
from automation.errors import SurveyRejected
from automation.schoolyear import schoolyear
from automation.store import Store, ThemeScore
from automation.surveys import samples
from automation.surveys.importer import import_survey, number, parse_groups
from automation.surveys.profile import builtin_profiles
from tests.conftest import Filler
from tests.helpers import rows

TODAY = dt.date.today()
PLAN_SURVEY = "Tevredenheidspeiling"  # the action plan's survey, as its profile names it
YEAR = schoolyear(TODAY)
TAKEN = TODAY - dt.timedelta(days=3) if schoolyear(TODAY - dt.timedelta(days=3)) == YEAR else TODAY


def scores(settings: Settings, **where: str) -> list[ThemeScore]:
    store = Store.open(settings.paths.database, create=False)
    try:
        return store.survey_scores(**where)
    finally:
        store.close()


def by_theme(found: list[ThemeScore], groep: str = "leerlingen") -> dict[str, ThemeScore]:
    return {s.theme: s for s in found if s.groep == groep}


def outcome_of(settings: Settings, name: str) -> tuple[str, str]:
    row = rows(settings, "SELECT outcome, reasons FROM submissions WHERE original_name = ? ORDER BY id DESC", name)[0]
    return row["outcome"], row["reasons"]


# --- three layouts --------------------------------------------------------------------------------
def test_a_generic_csv_export_is_read_into_aggregates_per_school_group_and_theme(workspace: Settings) -> None:
    rows = [
        ["12AB", "leerling", YEAR, TAKEN.strftime("%d-%m-%Y"), "5"]
        + ["mee eens"] * 12
        + ["helemaal mee eens"] * 3
        + ["nooit", "soms", "weet ik niet"]
        + ["3"] * 3,
        ["12AB", "Leerling", YEAR, TAKEN.strftime("%d-%m-%Y"), "6"]
        + ["niet mee eens"] * 15
        + ["heel vaak", "vaak", "nooit"]
        + ["2"] * 3,
        ["12AB", "ouder", YEAR, TAKEN.strftime("%d-%m-%Y"), ""] + [""] * 6 + ["4"] * 9 + [""] * 3 + ["4"] * 3,
    ]
    data = samples.to_csv(samples.generic_header(), rows).encode("utf-8-sig")
    (workspace.paths.inbox / "peiling.csv").write_bytes(data)
    counts = app.process(workspace)
    assert counts.accepted == 1
    pupils = by_theme(scores(workspace))
    assert pupils["veiligheidsbeleving"].respondents == 2
    # respondent 1: 4,4,4 -> 4; respondent 2: 2,2,2 -> 2; mean 3; positive 3 of 6 answers
    assert pupils["veiligheidsbeleving"].mean == pytest.approx(3.0)
    assert pupils["veiligheidsbeleving"].positive == pytest.approx(0.5)
    # reverse-scored: nooit (1) -> 4, soms (2) -> 3; 'weet ik niet' does not count; heel vaak -> 1, vaak -> 2
    assert pupils["aantasting_veiligheid"].mean == pytest.approx(((4 + 3) / 2 + (1 + 2 + 4) / 3) / 2, abs=1e-4)
    assert pupils["aantasting_veiligheid"].positive == pytest.approx(2 / 5)  # only 'nooit' is positive here
    assert pupils["welbevinden"].groepen == (5, 6)
    assert pupils["welbevinden"].survey_respondents == 2
    parents = by_theme(scores(workspace), "ouders")
    assert set(parents) == {"leefklimaat_school", "samenwerking_ouders", "veiligheidsbeleving", "welbevinden"}
    assert parents["welbevinden"].mean == 4.0 and parents["welbevinden"].positive == 1.0
    receipt = next(workspace.paths.receipts.rglob("PEIL-*peiling.txt")).read_text(encoding="utf-8-sig")
    assert "export van een peiling" in receipt and "12AB OBS De Regenboog, leerlingen" in receipt


def test_a_windows_1252_semicolon_csv_with_decimal_commas_is_read(workspace: Settings) -> None:
    header = "BRIN;Doelgroep;Afnamedatum;Leerjaar;" + ";".join(q for qs in samples.PLAN_QUESTIONS.values() for q in qs)
    answers = ";".join(["3,0"] * 3 + ["1,0"] + ["4,0"] * 4 + ["2,5"] * 4 + ["3,0"] * 3)  # LG4 reverse-scored
    text = f"{header}\r\n34CD;Leerling;{TAKEN:%d-%m-%Y};groep 7;{answers}\r\n34CD;Leerling;{TAKEN:%d-%m-%Y};groep 8;{answers}\r\n"
    data = text.encode("cp1252")
    (workspace.paths.inbox / "tevredenheid Het Anker – oktober.csv".replace("–", "-")).write_bytes(data)
    app.process(workspace)
    pupils = by_theme(scores(workspace))
    assert set(pupils) == {"leefklimaat_groep", "leerklimaat_groep", "leefklimaat_school", "samenwerking_ouders"}
    assert pupils["leefklimaat_groep"].mean == pytest.approx(3.25)  # 3, 3, 3 and 1 turned round to 4
    assert pupils["leefklimaat_school"].mean == pytest.approx(2.5)
    assert pupils["leefklimaat_school"].positive == 0.0  # 2,5 is below 'positief_vanaf' = 3
    assert pupils["leefklimaat_groep"].groepen == (7, 8)
    assert pupils["leefklimaat_groep"].schooljaar == YEAR  # from the date taken


PEILWIJZER = """
naam = "Peilwijzer (percentages)"
instrument = "Peilwijzer"
soort = "per_vraag"

[herkenning]
kolommen = ["Brinnummer", "Groep respondent", "Vraagcode", "N"]
bestandsnaam = "*peilwijzer*"
blad = "Resultaten"

[school]
kolom = "Brinnummer"

[respondent]
kolom = "Groep respondent"

[afname]
groepen = "5-8"

[per_vraag]
vraag_kolom = "Vraagcode"
aantal_kolom = "N"

[per_vraag.antwoordkolommen]
"Nooit" = 1
"Soms" = 2
"Vaak" = 3
"Altijd" = 4

[schaal]
min = 1
max = 4
positief_vanaf = 3

[themas.veiligheidsbeleving]
vragen = ["PW01", "PW02"]

[themas.aantasting_veiligheid]
vragen = ["PW10"]
omgekeerd = ["PW10"]

[themas.welbevinden]
vragen = ["PW20"]
"""


def write_peilwijzer(path: Path, rows: list[list[object]]) -> None:
    wb = openpyxl.Workbook()
    wb.active.title = "Toelichting"
    wb.active["A1"] = "Export van Peilwijzer"
    ws = wb.create_sheet("Resultaten")
    ws.append(["Brinnummer", "Groep respondent", "Vraagcode", "Vraag", "N", "Nooit", "Soms", "Vaak", "Altijd"])
    for row in rows:
        ws.append(row)
    wb.save(path)


def test_a_per_question_xlsx_is_read_by_a_profile_added_purely_by_config(workspace: Settings) -> None:
    (workspace.paths.profiles / "peilwijzer.toml").write_text(PEILWIJZER, encoding="utf-8")
    write_peilwijzer(
        workspace.paths.inbox / "peilwijzer 56EF.xlsx",
        [
            ["56EF", "leerlingen", "PW01", "Ik voel me veilig in de klas", 100, 0.05, 0.15, 0.40, 0.40],
            ["56EF", "leerlingen", "PW02", "Ik voel me veilig op het plein", 80, "10%", "10%", "40%", "40%"],
            ["56EF", "leerlingen", "PW10", "Ik word gepest", 100, "60,0", "30,0", "10,0", "0,0"],
            ["56EF", "leerlingen", "PW20", "Ik zit lekker in mijn vel", 100, 0, 0.2, 0.5, 0.3],
            ["56EF", "leerlingen", "PW99", "Een vraag buiten de thema's", 100, 0.25, 0.25, 0.25, 0.25],
        ],
    )
    app.process(workspace)
    pupils = by_theme(scores(workspace))
    assert set(pupils) == {"veiligheidsbeleving", "aantasting_veiligheid", "welbevinden"}
    # PW01 mean 3.15 (n=100), PW02 mean 3.1 (n=80): weighted by n
    assert pupils["veiligheidsbeleving"].mean == pytest.approx((3.15 * 100 + 3.1 * 80) / 180, abs=1e-4)
    assert pupils["veiligheidsbeleving"].positive == pytest.approx((0.8 * 100 + 0.8 * 80) / 180, abs=1e-4)
    assert pupils["veiligheidsbeleving"].respondents == 100
    # reverse-scored: nooit gepest (60%) counts as 4
    assert pupils["aantasting_veiligheid"].mean == pytest.approx(0.6 * 4 + 0.3 * 3 + 0.1 * 2)
    assert pupils["aantasting_veiligheid"].positive == pytest.approx(0.9)
    assert pupils["welbevinden"].groepen == (5, 6, 7, 8) and pupils["welbevinden"].instrument == "Peilwijzer"
    outcome, reasons = outcome_of(workspace, "peilwijzer 56EF.xlsx")
    assert outcome == "geaccepteerd" and "'PW99'" in reasons  # a question outside the themes is named


def test_an_export_no_profile_knows_is_refused_naming_the_profiles_tried(workspace: Settings) -> None:
    data = b"Leerlingnummer;Vraag 1;Vraag 2\n1001;3;4\n"
    (workspace.paths.inbox / "export.csv").write_bytes(data)
    counts = app.process(workspace)
    assert counts.rejected == 1
    back = workspace.paths.rejected / "school onbekend"
    assert (back / "export.csv").read_bytes() == data  # kept byte for byte
    text = (back / "export - uitleg.txt").read_text(encoding="utf-8-sig")
    for profile in builtin_profiles():
        assert profile.profile.naam in text
    assert "kolom(men) ontbreken: school, respondent, veiligheidsbeleving_1" in text
    assert "Leerlingnummer, Vraag 1, Vraag 2" in text


def test_a_recognised_export_with_an_unknown_school_is_refused_with_the_value(workspace: Settings) -> None:
    data = samples.generic_csv(school="99ZZ", schooljaar=YEAR, afname=TAKEN, pupils=3)
    (workspace.paths.inbox / "peiling.csv").write_bytes(data)
    app.process(workspace)
    outcome, reasons = outcome_of(workspace, "peiling.csv")
    assert outcome == "afgewezen" and "onbekende school: '99ZZ' (3 regels)" in reasons
    assert scores(workspace) == []


def test_a_new_import_of_the_same_survey_replaces_it_and_the_same_file_is_a_duplicate(workspace: Settings) -> None:
    first = samples.generic_csv(school="12AB", schooljaar=YEAR, afname=TAKEN, pupils=40, seed=1)
    second = samples.generic_csv(school="12AB", schooljaar=YEAR, afname=TAKEN, pupils=60, seed=2)
    (workspace.paths.inbox / "peiling.csv").write_bytes(first)
    app.process(workspace)
    (workspace.paths.inbox / "peiling opnieuw.csv").write_bytes(second)
    app.process(workspace)
    found = scores(workspace)
    assert len(found) == 7 and {s.survey_respondents for s in found} == {60}
    receipt = next(workspace.paths.receipts.rglob("*peiling opnieuw.txt")).read_text(encoding="utf-8-sig")
    assert "vervangt de eerder ingelezen resultaten van 40 respondenten" in receipt
    (workspace.paths.inbox / "peiling kopie.csv").write_bytes(second)
    counts = app.process(workspace)
    assert counts.duplicates == 1 and len(scores(workspace)) == 7
    partial = samples.generic_csv(school="12AB", schooljaar=YEAR, afname=TAKEN, pupils=5, seed=3)
    (workspace.paths.inbox / "nagekomen.csv").write_bytes(partial)
    app.process(workspace)
    assert "nu nog maar 5. Was dit een gedeeltelijke export?" in outcome_of(workspace, "nagekomen.csv")[1]


def test_the_peiling_form_feeds_the_same_store_and_a_new_one_replaces_it(workspace: Settings, drop: Filler) -> None:
    drop("peiling", "p.xlsx", school="56EF", schooljaar=YEAR, afname_datum=TAKEN, datum_ingevuld=TODAY)
    app.process(workspace)
    pupils = by_theme(scores(workspace))
    assert pupils["veiligheidsbeleving"].positive == pytest.approx(0.91)
    assert pupils["veiligheidsbeleving"].groepen == (5, 6, 7, 8) and pupils["veiligheidsbeleving"].invited == 207
    assert pupils["veiligheidsbeleving"].source == "formulier Peilingresultaten"
    first = pupils["veiligheidsbeleving"].regnr
    drop(
        "peiling",
        "p2.xlsx",
        school="56EF",
        schooljaar=YEAR,
        afname_datum=TAKEN,
        datum_ingevuld=TODAY,
        positief_veiligheidsbeleving=0.93,
    )
    app.process(workspace)
    pupils = by_theme(scores(workspace))
    assert (
        pupils["veiligheidsbeleving"].positive == pytest.approx(0.93) and pupils["veiligheidsbeleving"].regnr != first
    )
    assert len(scores(workspace)) == 4  # replaced, not added


# --- values -----------------------------------------------------------------------------------------
def test_numbers_and_groups_are_read_the_dutch_way() -> None:
    assert number("3,5") == 3.5 and number("45 %") == 45.0 and number("1.234,5") == 1234.5 and number(2) == 2.0
    assert number("weet niet") is None and number("nan") is None
    assert parse_groups("5-8") == (5, 6, 7, 8) and parse_groups("5/6, 7 en 8") == (5, 6, 7, 8)
    assert parse_groups("groep 7") == (7,) and parse_groups(6.0) == (6,) and parse_groups("") == ()


def test_rows_in_any_order_and_of_several_schools_are_counted_per_school() -> None:
    a = list(
        samples.generic_rows(__import__("random").Random(1), school="12AB", schooljaar=YEAR, afname=TAKEN, pupils=30)
    )
    b = list(
        samples.generic_rows(__import__("random").Random(2), school="34CD", schooljaar=YEAR, afname=TAKEN, pupils=20)
    )
    mixed = [row for pair in zip(a, b, strict=False) for row in pair] + a[len(b) :]
    schools = {"12AB": "A", "34CD": "B"}
    together = import_survey(
        samples.to_csv(samples.generic_header(), mixed).encode(),
        "x.csv",
        builtin_profiles(),
        schools=schools,
        today=TODAY,
    )
    alone = import_survey(
        samples.to_csv(samples.generic_header(), a).encode(), "x.csv", builtin_profiles(), schools=schools, today=TODAY
    )
    assert [r.respondents for r in together.results] == [30, 20]
    assert together.results[0].themes == alone.results[0].themes


def test_an_answer_outside_the_profile_is_named_and_too_many_are_refused() -> None:
    def read(rows: list[list[str]]) -> list[str]:
        data = samples.to_csv(samples.generic_header(), rows).encode()
        return list(import_survey(data, "x.csv", builtin_profiles(), schools={"12AB": "A"}, today=TODAY).warnings)

    good = ["12AB", "leerling", YEAR, "", "5"] + ["mee eens"] * 21
    warnings = read([good] * 9 + [[*good[:-2], "misschien", "7"]])
    assert warnings == [
        "1 antwoord(en) niet herkend en niet meegeteld: 'misschien'. Voeg ze toe onder [antwoorden] in het profiel "
        "(of onder overslaan als ze niet mogen meetellen).",
        "1 antwoord(en) buiten de schaal 1-4 niet meegeteld: '7'. Klopt [schaal] in het profiel?",
    ]
    with pytest.raises(SurveyRejected) as refused:
        read([good, ["12AB", "leerling", YEAR, "", "5"] + ["misschien"] * 21])
    assert refused.value.message == (
        "Het bestand is herkend als export van 'Generieke indeling (per respondent)' (ingebouwd: generiek.toml), "
        "maar 50% van de antwoorden is onbekend, meer dan 5%: 21 antwoord(en) niet herkend en niet meegeteld: "
        "'misschien'. Voeg ze toe onder [antwoorden] in het profiel (of onder overslaan als ze niet mogen "
        "meetellen). De uitkomsten zouden dan niet kloppen. Pas het profiel aan en lever de export opnieuw in."
    )


def test_only_never_being_bullied_counts_as_positive_and_missing_questions_are_named() -> None:
    header = ["school", "respondent", "veiligheidsbeleving_1", "aantasting_veiligheid_1"]
    rows = [["12AB", "leerling", "mee eens", "nooit"], ["12AB", "leerling", "mee eens", "soms"]]
    result = import_survey(
        samples.to_csv(header, rows).encode(), "x.csv", builtin_profiles(), schools={"12AB": "A"}, today=TODAY
    )
    (survey,) = result.results
    themes = {t.key: t for t in survey.themes}
    assert set(themes) == {"veiligheidsbeleving", "aantasting_veiligheid"}
    assert themes["aantasting_veiligheid"].positive == 0.5  # 'soms' gepest is not positive
    assert result.warnings == (
        "kolom(men) niet in de export en dus niet gebruikt: schooljaar, afnamedatum, groep",
        "vragen uit het profiel die niet in de export staan: leefklimaat_groep_1, leefklimaat_groep_2, "
        "leefklimaat_groep_3, leerklimaat_groep_1, leerklimaat_groep_2, leerklimaat_groep_3, leefklimaat_school_1, "
        "leefklimaat_school_2, leefklimaat_school_3, samenwerking_ouders_1, samenwerking_ouders_2, "
        "samenwerking_ouders_3, veiligheidsbeleving_2, veiligheidsbeleving_3, aantasting_veiligheid_2, "
        "aantasting_veiligheid_3, welbevinden_1, welbevinden_2, welbevinden_3",
    )


def test_a_broken_profile_is_reported_with_file_and_key(workspace: Settings) -> None:
    (workspace.paths.profiles / "kapot.toml").write_text(PEILWIJZER.replace("[schaal]\nmin = 1", "[schaal]\nminn = 1"))
    result = CliRunner().invoke(main, ["--config", str(workspace.paths.config), "profielen"])
    assert result.exit_code == 1
    assert "kapot.toml: schaal.minn: onbekende sleutel; bedoelt u 'min'?" in result.stderr
    assert result.stderr.endswith(
        f"Fout: Herstel het profiel hierboven in {workspace.paths.profiles}; tot dan wordt het niet gebruikt.\n"
    )


def test_profielen_test_of_a_file_no_profile_knows_ends_with_exit_code_1(workspace: Settings) -> None:
    export = workspace.paths.root / "onbekend.csv"
    export.write_text("a;b\n1;2\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["--config", str(workspace.paths.config), "profielen", "--test", str(export)])
    assert result.exit_code == 1
    assert result.stderr == f"Fout: {export} is niet ingelezen (zie hierboven); er is niets opgeslagen.\n"


def test_profielen_test_shows_what_an_export_gives_without_storing(workspace: Settings) -> None:
    export = workspace.paths.root / "export.csv"
    export.write_bytes(samples.plan_csv(schools=["34CD"], afname=TAKEN, pupils=8, parents=2))
    result = CliRunner().invoke(main, ["--config", str(workspace.paths.config), "profielen", "--test", str(export)])
    assert result.exit_code == 0, result.output
    assert "Herkend door het profiel 'Tevredenheidspeiling actieplan (vier thema's)'" in result.output
    assert "34CD CBS Het Anker · leerlingen" in result.output
    assert not workspace.paths.database.exists()  # nothing stored: no database was even opened


# --- Vensters and the master ------------------------------------------------------------------------
def score(theme: str, n: int, positive: float) -> ThemeScore:
    return ThemeScore(
        "12AB",
        "2026-2027",
        "leerlingen",
        theme,
        theme.title(),
        n,
        3.2,
        1,
        4,
        positive,
        "ZIEN!",
        dt.date(2026, 11, 1),
        survey_respondents=n,
    )


def test_vensters_writes_small_counts_as_less_than_5_and_no_contact_details() -> None:
    form = {
        "schoolnaam": "OBS De Regenboog",
        "programma": "KiVa",
        "programma_toelichting": "Vragen? Mail info@regenboog.nl of bel 033-1234567.",
        "coordinator_naam": "Anouk Bakker",
        "coordinator_email": "anouk@regenboog.nl",
        "coordinator_telefoon": "06-12345678",
        "monitor_instrument": "ZIEN!",
        "klachtencommissie": "GCBO",
    }
    text = vensters(
        school_name="OBS De Regenboog", schooljaar="2026-2027", form=form, scores=[score("welbevinden", 4, 0.75)]
    )
    assert "minder dan 5 leerlingen" in text and "75%" not in text
    assert "@" not in text and "1234567" not in text and "12345678" not in text
    assert "Anouk Bakker" in text and "GCBO" in text
    many = vensters(school_name="X", schooljaar="2026-2027", form=form, scores=[score("welbevinden", 120, 0.75)])
    assert "120 leerlingen" in many and "75% gunstige antwoorden" in many
    empty = vensters(school_name="X", schooljaar="2026-2027", form={}, scores=[])
    assert "[nog niet bekend: de naam van de coördinator" in empty


def test_the_master_shows_surveys_the_monitor_check_and_vensters(workspace: Settings, drop: Filler) -> None:
    drop(
        "school",
        "s.xlsx",
        school="34CD",
        datum_ingevuld=TODAY,
        leerlingen_groep_5_8=90,
        coordinator_naam="Rik Mulder",
        monitor_instrument=PLAN_SURVEY,
    )
    (workspace.paths.inbox / "plan.csv").write_bytes(samples.plan_csv(schools=["34CD"], afname=TAKEN, pupils=80))
    app.process(workspace)
    wb = openpyxl.load_workbook(workspace.paths.master, read_only=True)
    check = [r for r in wb["Monitorcheck"].iter_rows(values_only=True) if r[0] == "34CD"]
    assert [(r[3], r[4]) for r in check] == [
        ("Gemeten dit schooljaar", "voldoet"),
        ("Representatief", "voldoet"),
        ("Minimale respons (bestuursnorm)", "voldoet"),
        ("Veiligheidsbeleving, aantasting en welbevinden", "voldoet niet"),
        ("Gestandaardiseerd, valide en betrouwbaar instrument", "aandacht"),
        ("Samenvatting naar de inspectie", "aandacht"),
        ("Coördinator benoemd", "voldoet"),
    ]
    assert {r[6] for r in check} == {"voldoet niet"}
    overview = list(wb["Overzicht"].iter_rows(values_only=True))
    column = overview[3].index("Monitor (wettelijke eisen)")
    assert next(r for r in overview if r[0] == "34CD")[column] == (
        "voldoet niet: niet alle drie onderdelen gemeten · aandacht: instrument zonder leveringsafspraak, samenvatting "
        "nog naar de inspectie"
    )
    results = [r for r in wb["Peilingen"].iter_rows(values_only=True) if r[0] == "34CD"]
    assert len(results) == 4 and {r[3] for r in results} == {"leerlingen"}
    vensters_rows = {r[0]: r[2] for r in wb["Vensters"].iter_rows(min_row=5, values_only=True)}
    assert "80 leerlingen" in vensters_rows["34CD"] and "Rik Mulder" in vensters_rows["34CD"]
    wb.close()
    with zipfile.ZipFile(workspace.paths.master) as z:  # 3 on the Overzicht, one per theme on Peilingen
        assert len([n for n in z.namelist() if n.startswith("xl/charts/chart")]) == 3 + 4


def test_vensters_reports_one_survey_and_never_mixes_a_tiny_one_in(workspace: Settings, drop: Filler) -> None:
    drop(
        "school", "s.xlsx", school="34CD", datum_ingevuld=TODAY, leerlingen_groep_5_8=90, monitor_instrument=PLAN_SURVEY
    )
    (workspace.paths.inbox / "plan.csv").write_bytes(samples.plan_csv(schools=["34CD"], afname=TAKEN, pupils=80))
    tiny = samples.generic_csv(school="34CD", schooljaar=YEAR, afname=TAKEN, pupils=3)
    (workspace.paths.inbox / "klein.csv").write_bytes(tiny)
    app.process(workspace)
    wb = openpyxl.load_workbook(workspace.paths.master, read_only=True)
    text, caution = next(r[2:4] for r in wb["Vensters"].iter_rows(min_row=5, values_only=True) if r[0] == "34CD")
    verdict = {r[3]: r[4] for r in wb["Monitorcheck"].iter_rows(values_only=True) if r[0] == "34CD"}
    wb.close()
    assert "80 leerlingen mee" in text and "veiligheidsbeleving" not in text.split("Uitkomsten:")[1]
    assert "Niet publiceren zonder aanpassing" in caution and "publiceren" not in text  # beside, not in the text
    assert "hoe veilig leerlingen zich voelen" not in text  # the survey judged does not measure it
    # judged on the declared survey alone (the tiny unnamed one is not it): it misses two parts
    assert (verdict["Representatief"], verdict["Veiligheidsbeleving, aantasting en welbevinden"]) == (
        "voldoet",
        "voldoet niet",
    )


def test_a_profile_maps_the_suppliers_school_names() -> None:
    profile = (Path(__file__).parent.parent / "automation/surveys/profielen/generiek.toml").read_text(encoding="utf-8")
    profile = profile.replace(
        '[school]\nkolom = "school"', '[school]\nkolom = "school"\n[school.waarden]\n"Bs. Regenboog" = "12AB"'
    )
    from automation.surveys.profile import LoadedProfile, parse_profile

    loaded = LoadedProfile(parse_profile(profile, source="test"), "test")
    rows = [["Bs. Regenboog", "leerling", YEAR, "", "5"] + ["mee eens"] * 21]
    result = import_survey(
        samples.to_csv(samples.generic_header(), rows).encode(), "x.csv", [loaded], schools={"12AB": "A"}, today=TODAY
    )
    assert result.results[0].school == "12AB"


def test_profiles_shipped_with_the_product_all_load() -> None:
    names = {p.source for p in builtin_profiles()}
    assert names == {
        "ingebouwd: generiek.toml",
        "ingebouwd: generiek-per-vraag.toml",
        "ingebouwd: actieplan-vier-themas.toml",
    }


def test_an_empty_export_is_refused_as_unrecognised_with_each_profile_tried() -> None:
    with pytest.raises(SurveyRejected) as refused:
        import_survey(b"", "leeg.csv", builtin_profiles(), schools={"12AB": "A"}, today=TODAY)
    assert not refused.value.recognised
    assert refused.value.message.splitlines() == [
        "Geen profiel voor peilingen herkent dit bestand als export van een vragenlijst.",
        "Gelezen als CSV (;, UTF-8); kolommen: (geen kopregel gevonden).",
        "Geprobeerde profielen:",
        "- Tevredenheidspeiling actieplan (vier thema's) (ingebouwd: actieplan-vier-themas.toml): CSV (;, UTF-8): "
        "geen kopregel",
        "- Generieke indeling (percentages per vraag) (ingebouwd: generiek-per-vraag.toml): CSV (;, UTF-8): "
        "geen kopregel",
        "- Generieke indeling (per respondent) (ingebouwd: generiek.toml): CSV (;, UTF-8): geen kopregel",
        "Is het een export van een peiling? Dan kan het bestuurskantoor een profiel voor deze leverancier toevoegen "
        "in de map 'profielen' (zie de handleiding).",
    ]


def test_a_note_dropped_as_text_is_not_repeated_in_the_refusal() -> None:
    """A .txt with a sentence about a pupil is tried as a survey export and refused: its first line is
    not quoted as 'columns' (the refusal goes into the Logboek, the log and the store)."""
    note = b"Piet Jansen uit groep 5 is vandaag geslagen door Kees de Boer.\nGraag bellen.\n"
    with pytest.raises(SurveyRejected) as refused:
        import_survey(note, "melding-12AB.txt", builtin_profiles(), schools={"12AB": "A"}, today=TODAY)
    assert "Piet" not in refused.value.message and "Kees" not in refused.value.message
    assert "de eerste regel wordt niet herhaald" in refused.value.message
