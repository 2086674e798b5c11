"""Survey exports as suppliers really send them (issue 13, item 10): title rows above the header, no
school year in the file, a weight per respondent, themes from a category column; the order in which
profiles are tried and when `positief_vanaf` applies to a reversed question; the texts that go back.

Each export is a real file written here, read through `veiligheid profielen --test` (as a board checks
a new profile) or dropped in the real inbox and processed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
from click.testing import CliRunner

from automation import app
from automation.cli import main
from automation.config import Settings
from automation.intake.report import rejection_text, survey_line
from automation.schoolyear import schoolyear
from automation.store import Store, ThemeScore
from automation.surveys import samples
from tests.helpers import rows

TODAY = dt.date.today()
YEAR = schoolyear(TODAY)

# A supplier's profile in the board's folder: one row per pupil, answers 1-4, a reversed bullying item.
KLASSENPEILING = """
naam = "Klassenpeiling"
instrument = "Klassenpeiling"

[herkenning]
kolommen = ["Brin", "Vraag 1", "Vraag 2"]
{herkenning}

[school]
kolom = "Brin"

[respondent]
vast = "leerlingen"
{respondent}

[afname]
{afname}

[schaal]
min = 1
max = 4
positief_vanaf = 3

[themas.veiligheidsbeleving]
vragen = ["Vraag 1"]

[themas.aantasting_veiligheid]
vragen = ["Vraag 2"]
omgekeerd = ["Vraag 2"]     # 'ik word gepest': 1 (nooit) is goed
"""


def klassenpeiling(*, herkenning: str = "", respondent: str = "", afname: str = "") -> str:
    return KLASSENPEILING.format(herkenning=herkenning, respondent=respondent, afname=afname)


def write_profile(settings: Settings, name: str, text: str) -> None:
    (settings.paths.profiles / name).write_text(text, encoding="utf-8")


def write_xlsx(path: Path, rows: list[list[object]]) -> Path:
    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append(row)
    wb.save(path)
    return path


def profielen_test(settings: Settings, export: Path) -> tuple[int, list[str], str]:
    result = CliRunner().invoke(main, ["--config", str(settings.paths.config), "profielen", "--test", str(export)])
    lines = result.stdout.split("\n\n", 1)[1].splitlines() if "\n\n" in result.stdout else []
    return result.exit_code, lines, result.stderr


def scores(settings: Settings) -> list[ThemeScore]:
    store = Store.open(settings.paths.database, create=False)
    try:
        return store.survey_scores()
    finally:
        store.close()


TITLE_ROWS: list[list[object]] = [
    ["Klassenpeiling — resultaten per leerling"],
    [f"Geëxporteerd op {TODAY:%d-%m-%Y}"],
    [],
]


# --- 1. where the header is -------------------------------------------------------------------------
def test_a_header_row_number_skips_the_title_rows_above_it(workspace: Settings) -> None:
    write_profile(
        workspace, "klassenpeiling.toml", klassenpeiling(herkenning="kopregel = 4", afname=f'schooljaar = "{YEAR}"')
    )
    export = write_xlsx(
        workspace.paths.root / "klassenpeiling.xlsx",
        [*TITLE_ROWS, ["Brin", "Vraag 1", "Vraag 2"], ["12AB", 4, 1], ["12AB", 3, 2]],
    )
    code, lines, _ = profielen_test(workspace, export)
    assert code == 0, lines
    assert lines == [
        f"Herkend door het profiel 'Klassenpeiling' ({workspace.paths.profiles / 'klassenpeiling.toml'}).",
        f"12AB OBS De Regenboog · leerlingen · {YEAR} · 2 respondenten · Klassenpeiling",
        "    Veiligheidsbeleving: gemiddeld 3,50 (schaal 1-4), 100% positief, 2 respondenten",
        "    Aantasting van de veiligheid: gemiddeld 3,50 (schaal 1-4), 100% positief, 2 respondenten",
    ]


def test_the_header_can_be_the_first_row_that_has_the_columns(workspace: Settings) -> None:
    profile = klassenpeiling(herkenning='kopregel_met = ["Brin", "Vraag 1"]', afname=f'schooljaar = "{YEAR}"')
    write_profile(workspace, "klassenpeiling.toml", profile)
    export = workspace.paths.inbox / "klassenpeiling.csv"
    lines = ["Klassenpeiling;;", "Schooljaar " + YEAR + ";;", ";;", "Brin;Vraag 1;Vraag 2", "34CD;4;1", "34CD;2;4"]
    export.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    app.process(workspace)
    found = {s.theme: (s.school, s.respondents, s.mean, s.positive) for s in scores(workspace)}
    assert found == {
        "veiligheidsbeleving": ("34CD", 2, 3.0, 0.5),
        "aantasting_veiligheid": ("34CD", 2, 2.5, 0.5),  # 1 -> 4 (positive), 4 -> 1
    }


def test_a_header_that_is_not_where_the_profile_says_is_named_among_the_profiles_tried(workspace: Settings) -> None:
    write_profile(workspace, "klassenpeiling.toml", klassenpeiling(herkenning='kopregel_met = ["Brin", "Vraag 9"]'))
    export = write_xlsx(workspace.paths.root / "klassenpeiling.xlsx", [*TITLE_ROWS, ["Brin", "Vraag 1", "Vraag 2"]])
    code, lines, _ = profielen_test(workspace, export)
    assert code == 1
    assert (
        f"- Klassenpeiling ({workspace.paths.profiles / 'klassenpeiling.toml'}): Excel (blad 'Sheet'): geen regel met "
        "de kolommen Brin, Vraag 9 in de eerste 50 regels"
    ) in lines


def test_a_profile_cannot_have_both_a_header_row_and_header_columns(workspace: Settings) -> None:
    write_profile(workspace, "dubbel.toml", klassenpeiling(herkenning='kopregel = 4\nkopregel_met = ["Brin"]'))
    result = CliRunner().invoke(main, ["--config", str(workspace.paths.config), "profielen"])
    assert result.exit_code == 1
    assert "[herkenning] heeft 'kopregel' of 'kopregel_met', niet allebei" in result.stderr


# --- 2. the school year -----------------------------------------------------------------------------
def test_a_fixed_school_year_in_the_profile_files_an_export_without_year_or_date(workspace: Settings) -> None:
    write_profile(workspace, "klassenpeiling.toml", klassenpeiling(afname='schooljaar = "2024/2025"'))
    write_xlsx(workspace.paths.inbox / "klassenpeiling.xlsx", [["Brin", "Vraag 1", "Vraag 2"], ["12AB", 4, 1]])
    app.process(workspace)
    assert {s.schooljaar for s in scores(workspace)} == {"2024-2025"}


def test_an_export_without_year_or_date_says_which_school_year_it_was_put_in_and_how_to_fix_the_profile(
    workspace: Settings,
) -> None:
    write_profile(workspace, "klassenpeiling.toml", klassenpeiling())
    export = write_xlsx(workspace.paths.root / "klassenpeiling.xlsx", [["Brin", "Vraag 1", "Vraag 2"], ["12AB", 4, 1]])
    code, lines, _ = profielen_test(workspace, export)
    assert code == 0
    assert lines[-1] == (
        f"Let op: 1 regel heeft geen schooljaar en geen afnamedatum; de uitkomsten staan daarom in schooljaar "
        f"{YEAR}, het schooljaar waarin de export binnenkwam. Is de peiling in een ander schooljaar afgenomen? Zet "
        'dan in het profiel onder [afname] het schooljaar vast (schooljaar = "2026-2027"), of noem de kolom met het '
        "schooljaar (schooljaar_kolom) of met de afnamedatum (datum_kolom), en lever de export daarna opnieuw in."
    )


def test_a_fixed_school_year_that_is_no_school_year_is_a_profile_error(workspace: Settings) -> None:
    write_profile(workspace, "klassenpeiling.toml", klassenpeiling(afname='schooljaar = "2026"'))
    result = CliRunner().invoke(main, ["--config", str(workspace.paths.config), "profielen"])
    assert result.exit_code == 1
    assert "'2026' is geen schooljaar; schrijf het als 2026-2027" in result.stderr


# --- 3. a weight per respondent ---------------------------------------------------------------------
def test_a_weight_column_gives_a_weighted_mean_and_share_and_respondents_stay_a_count(workspace: Settings) -> None:
    profile = klassenpeiling(respondent='gewicht_kolom = "Weging"', afname=f'schooljaar = "{YEAR}"')
    write_profile(workspace, "klassenpeiling.toml", profile)
    export = write_xlsx(
        workspace.paths.root / "klassenpeiling.xlsx",
        [["Brin", "Weging", "Vraag 1", "Vraag 2"], ["12AB", 3, 4, 1], ["12AB", "1,0", 1, 4], ["12AB", 0, 1, 4]],
    )
    code, lines, _ = profielen_test(workspace, export)
    assert code == 0, lines
    assert lines[1:] == [
        f"12AB OBS De Regenboog · leerlingen · {YEAR} · 3 respondenten · Klassenpeiling",
        # (3×4 + 1×1 + 0×1) / (3 + 1 + 0) = 3,25; positive: 3 of weight 4
        "    Veiligheidsbeleving: gemiddeld 3,25 (schaal 1-4), 75% positief, 3 respondenten",
        "    Aantasting van de veiligheid: gemiddeld 3,25 (schaal 1-4), 75% positief, 3 respondenten",
    ]


def test_a_weight_column_the_export_lacks_is_refused_not_ignored(workspace: Settings) -> None:
    write_profile(workspace, "klassenpeiling.toml", klassenpeiling(respondent='gewicht_kolom = "Weging"'))
    export = write_xlsx(workspace.paths.root / "klassenpeiling.xlsx", [["Brin", "Vraag 1", "Vraag 2"], ["12AB", 4, 1]])
    code, lines, _ = profielen_test(workspace, export)
    assert code == 1
    assert lines == [
        f"Het bestand is herkend als export van 'Klassenpeiling' ({workspace.paths.profiles / 'klassenpeiling.toml'}), "
        "maar deze kolommen uit het profiel ontbreken: Weging. Exporteer opnieuw met alle vragen, of laat het "
        "bestuurskantoor het profiel aanpassen."
    ]


def test_a_respondent_without_a_usable_weight_is_refused_not_counted_as_one(workspace: Settings) -> None:
    write_profile(workspace, "klassenpeiling.toml", klassenpeiling(respondent='gewicht_kolom = "Weging"'))
    write_xlsx(
        workspace.paths.inbox / "klassenpeiling.xlsx",
        [["Brin", "Weging", "Vraag 1", "Vraag 2"], ["12AB", 2, 4, 1], ["12AB", "", 4, 1], ["12AB", "-1", 3, 3]],
    )
    app.process(workspace)
    (explanation,) = workspace.paths.rejected.rglob("*.txt")
    text = explanation.read_text(encoding="utf-8-sig").replace("\r\n", "\n")
    assert (
        "- geen gewicht (een getal van 0 of meer) in de kolom 'Weging': '' (1 regel), '-1' (1 regel). Vul het "
        "gewicht in bij elke respondent, of haal 'gewicht_kolom' uit het profiel als de export niet gewogen is"
    ) in text


# --- 4. themes from a category column ---------------------------------------------------------------
CATEGORIEEN = """
naam = "Vragen per categorie"
instrument = "Categoriepeiling"
soort = "per_vraag"

[herkenning]
kolommen = ["Brin", "Categorie", "Vraag", "Aantal"]

[school]
kolom = "Brin"

[respondent]
vast = "leerlingen"

[afname]
schooljaar = "2025-2026"

[per_vraag]
vraag_kolom = "Vraag"
aantal_kolom = "Aantal"
thema_kolom = "Categorie"

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
categorie = "Veilig voelen"

[themas.aantasting_veiligheid]
categorie = ["Pesten", "Geweld"]
omgekeerd = ["Ik word gepest", "Ik word geslagen"]

[themas.welbevinden]
categorie = "Welbevinden"
"""


def test_themes_can_come_from_a_category_column_instead_of_listing_every_question(workspace: Settings) -> None:
    write_profile(workspace, "categorieen.toml", CATEGORIEEN)
    export = workspace.paths.inbox / "categorieen.csv"
    export.write_bytes(
        samples.to_csv(
            ["Brin", "Categorie", "Vraag", "Aantal", "Nooit", "Soms", "Vaak", "Altijd"],
            [
                ["56EF", "Veilig voelen", "Ik voel me veilig in de klas", "100", "0", "0", "50", "50"],
                ["56EF", "Veilig voelen", "Ik voel me veilig op het plein", "100", "0", "50", "50", "0"],
                ["56EF", "Pesten", "Ik word gepest", "100", "80", "20", "0", "0"],
                ["56EF", "Geweld", "Ik word geslagen", "100", "100", "0", "0", "0"],
                ["56EF", "Overig", "Ik eet op school", "100", "25", "25", "25", "25"],
            ],
            delimiter=";",
        ).encode("utf-8")
    )
    app.process(workspace)
    found = {s.theme: (s.schooljaar, s.mean, s.positive) for s in scores(workspace)}
    assert found == {
        "veiligheidsbeleving": ("2025-2026", 3.0, 0.75),
        "aantasting_veiligheid": ("2025-2026", 3.9, 1.0),  # reversed: 'nooit' gepest is 4 and positive
    }
    receipt = next(workspace.paths.receipts.rglob("*.txt")).read_text(encoding="utf-8-sig")
    assert (
        "vragen die bij geen thema van het profiel horen en niet zijn meegeteld: 'Ik eet op school (categorie: Overig)'"
        in receipt
    )
    assert "categorieën uit het profiel die niet in de export staan: Welbevinden" in receipt


def test_a_category_theme_needs_a_category_column(workspace: Settings) -> None:
    write_profile(workspace, "categorieen.toml", CATEGORIEEN.replace('thema_kolom = "Categorie"\n', ""))
    result = CliRunner().invoke(main, ["--config", str(workspace.paths.config), "profielen"])
    assert result.exit_code == 1
    assert (
        "thema 'veiligheidsbeleving' heeft een 'categorie': dat kan alleen met soort = 'per_vraag' en een "
        "'thema_kolom' onder [per_vraag]"
    ) in result.stderr


# --- 5. the order profiles are tried, and reversing before positief_vanaf --------------------------
def test_the_boards_profiles_are_tried_first_in_file_name_order_then_the_built_in_ones(workspace: Settings) -> None:
    generic = Path(__file__).parent.parent / "automation/surveys/profielen/generiek.toml"
    text = generic.read_text(encoding="utf-8")
    write_profile(
        workspace, "20-tweede.toml", text.replace('naam = "Generieke indeling (per respondent)"', 'naam = "Tweede"')
    )
    write_profile(
        workspace, "10-eerste.toml", text.replace('naam = "Generieke indeling (per respondent)"', 'naam = "Eerste"')
    )
    result = CliRunner().invoke(main, ["--config", str(workspace.paths.config), "profielen"])
    listed = [line.split("  [")[0].strip() for line in result.stdout.splitlines() if line.startswith("  ")]
    assert listed == [
        "Eerste",
        "Tweede",
        "Tevredenheidspeiling actieplan (vier thema's)",
        "Generieke indeling (percentages per vraag)",
        "Generieke indeling (per respondent)",
    ]
    export = workspace.paths.root / "export.csv"
    export.write_bytes(samples.generic_csv(school="12AB", schooljaar=YEAR, afname=TODAY, pupils=4))
    code, lines, _ = profielen_test(workspace, export)
    assert (code, lines[0]) == (
        0,
        f"Herkend door het profiel 'Eerste' ({workspace.paths.profiles / '10-eerste.toml'}).",
    )


def test_positief_vanaf_applies_after_a_reversed_question_is_turned_round(workspace: Settings) -> None:
    write_profile(workspace, "klassenpeiling.toml", klassenpeiling(afname=f'schooljaar = "{YEAR}"'))
    # 'Vraag 2' is reversed: answer 1 (never bullied) becomes 4 and is positive; 3 becomes 2 and is not
    export = write_xlsx(
        workspace.paths.root / "klassenpeiling.xlsx", [["Brin", "Vraag 1", "Vraag 2"], ["12AB", 3, 1], ["12AB", 3, 3]]
    )
    code, lines, _ = profielen_test(workspace, export)
    assert code == 0
    assert lines[-1] == "    Aantasting van de veiligheid: gemiddeld 3,00 (schaal 1-4), 50% positief, 2 respondenten"


# --- 6. the texts that go back ----------------------------------------------------------------------
def test_a_survey_without_an_instrument_shows_no_empty_brackets_on_the_confirmation() -> None:
    line = survey_line(
        school="12AB",
        school_name="OBS De Regenboog",
        groep="leerlingen",
        schooljaar=YEAR,
        respondents=70,
        instrument="",
    )
    assert line == f"12AB OBS De Regenboog, leerlingen, {YEAR}: 70 respondenten"
    named = survey_line(
        school="12AB",
        school_name="OBS De Regenboog",
        groep="ouders",
        schooljaar=YEAR,
        respondents=7,
        instrument="ZIEN!",
    )
    assert named == f"12AB OBS De Regenboog, ouders, {YEAR}: 7 respondenten (ZIEN!)"


def test_a_rejected_survey_export_is_asked_back_as_an_export_not_as_a_filled_in_form() -> None:
    text = rejection_text(
        original_name="export.csv",
        received=dt.datetime(2026, 11, 3, 9, 30),
        form_title=None,
        problems=[],
        warnings=[],
        general="Het bestand is herkend als export van 'Klassenpeiling', maar …",
        annotated_name=None,
        inbox_hint="\\\\server\\inbox",
        export=True,
    )
    assert "ingevulde formulier" not in text
    assert "Wat nu?\nVolg de aanwijzing hierboven en zet daarna de export opnieuw in de map voor meldingen" in text


def test_a_refused_export_does_not_ask_for_a_filled_in_form(workspace: Settings) -> None:
    """End to end: the explanation of a survey export that cannot be imported speaks of the export."""
    (workspace.paths.inbox / "peiling onbekend.csv").write_bytes(
        samples.generic_csv(school="99ZZ", schooljaar=schoolyear(dt.date.today()), afname=dt.date.today(), pupils=12)
    )
    counts = app.process(workspace)
    assert counts.rejected == 1
    assert [r["kind"] for r in rows(workspace, "SELECT kind FROM submissions")] == ["export-fout"]
    (explanation,) = workspace.paths.rejected.rglob("peiling onbekend - uitleg.txt")
    text = explanation.read_text(encoding="utf-8-sig")
    assert "ingevulde formulier" not in text and "export" in text.lower()


def test_the_confirmation_of_an_export_without_an_instrument_shows_no_empty_brackets(workspace: Settings) -> None:
    (workspace.paths.inbox / "peiling.csv").write_bytes(
        samples.generic_csv(school="12AB", schooljaar=schoolyear(dt.date.today()), afname=dt.date.today(), pupils=12)
    )
    assert app.process(workspace).accepted == 1
    (receipt,) = workspace.paths.receipts.rglob("PEIL-* - peiling.txt")
    assert "respondenten ()" not in receipt.read_text(encoding="utf-8-sig")
