"""Serious reports reach the board, and the Arbo reporting is complete (issue 11, points 5 and 6).

Real forms go through the intake; what the board sees is read back from the master workbook and the
confirmations, what staff read from the forms and the printed annexes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from automation import app
from automation.config import Settings, load_settings
from automation.documents import build_templates
from automation.documents.catalog import DOCUMENTS
from automation.documents.render import CompiledTemplate, environment
from automation.documents.sample import sample_context
from automation.errors import ConfigError
from automation.forms import FORMS
from tests.conftest import Filler
from tests.helpers import document_text, master_sheet, rows

TODAY = dt.date.today()
SGG = "seksueel grensoverschrijdend gedrag"
CONFIDENTIAL_INSPECTOR = "Vertrouwensinspecteur raadplegen (seksueel grensoverschrijdend gedrag door personeel)"
LABOUR_INSPECTORATE = "Melden bij de Nederlandse Arbeidsinspectie"
INJURY_UNKNOWN = "Nagaan of er blijvend letsel is (nu 'onbekend')"


def open_actions_on_the_overzicht(settings: Settings) -> list[tuple[str, str]]:
    """The Overzicht's list of open actions, in its order: (registration number, what to do)."""
    sheet = master_sheet(settings, "Overzicht")
    header = next(n for n, row in enumerate(sheet) if row[:3] == ("BRIN", "School", "Registratienummer"))
    return [(str(row[2]), str(row[4])) for row in sheet[header + 1 :] if row[2]]


def open_action_of(settings: Settings, sheet: str, regnr: str) -> str:
    table = master_sheet(settings, sheet)
    column = table[0].index("Open actie")
    (row,) = [r for r in table[1:] if r[0] == regnr]
    return str(row[column] or "")


def receipt(settings: Settings, name: str) -> str:
    (path,) = settings.paths.receipts.rglob(f"* - {name}.txt")
    return path.read_text(encoding="utf-8-sig")


def regnr_of(settings: Settings, name: str) -> str:
    (row,) = rows(settings, "SELECT regnr FROM submissions WHERE original_name = ?", f"{name}.xlsx")
    return str(row["regnr"])


# --- point 5: sexual misconduct by staff -----------------------------------------------------------


@pytest.mark.parametrize("offender", ["vrijwilliger", "personeel", "stagiair", "externe medewerker"])
def test_a_report_of_sexual_misconduct_by_a_volunteer_is_accepted_and_is_the_first_open_action(
    workspace: Settings, drop: Filler, offender: str
) -> None:
    # an older unreported hospital admission of staff: a legal duty too, and older, yet listed after it
    drop(
        "agressie",
        "agressie.xlsx",
        datum=TODAY - dt.timedelta(days=30),
        datum_ingevuld=TODAY - dt.timedelta(days=29),
        opvanggesprek_datum=TODAY - dt.timedelta(days=29),
        ziekenhuisopname="ja",
        letsel="ja",
        letsel_aard="kneuzing",
    )
    drop(
        "incident",
        "melding.xlsx",
        seed=2,
        categorie=SGG,
        dader_rol=offender,
        dader_groep=None,
        datum=TODAY - dt.timedelta(days=1),
        datum_ingevuld=TODAY,
    )
    counts = app.process(workspace)
    assert (counts.accepted, counts.rejected) == (2, 0)
    regnr = regnr_of(workspace, "melding")
    actions = open_actions_on_the_overzicht(workspace)
    assert actions[0] == (regnr, CONFIDENTIAL_INSPECTOR)
    assert actions[1][1].startswith(LABOUR_INSPECTORATE)
    assert open_action_of(workspace, "Incidenten", regnr) == CONFIDENTIAL_INSPECTOR
    told = receipt(workspace, "melding")
    assert "raadpleegt het bestuur direct de vertrouwensinspecteur" in told
    assert "Elke medewerker meldt dit zelf direct aan het bestuur, niet alleen aan de schoolleiding." in told


def test_once_the_board_consulted_the_confidential_inspector_nothing_is_open(workspace: Settings, drop: Filler) -> None:
    drop("incident", "melding.xlsx", categorie=SGG, dader_rol="stagiair", vertrouwensinspecteur_geraadpleegd="ja")
    assert app.process(workspace).accepted == 1
    assert open_actions_on_the_overzicht(workspace) == []


def test_every_staff_member_is_told_to_inform_the_board_directly_on_the_form_and_in_annex_2(tmp_path: Path) -> None:
    help_text = FORMS["incident"].field("vertrouwensinspecteur_geraadpleegd").help
    assert help_text.startswith("Niet verplicht.")
    assert "meldt elke medewerker direct aan het bestuur, niet alleen aan de schoolleiding" in help_text
    assert not FORMS["incident"].field("vertrouwensinspecteur_geraadpleegd").required_when
    annex = annex_text(2, tmp_path)
    assert (
        "meld je dat zelf direct aan het bestuur (Stichting Voorbeeld Primair Onderwijs), niet alleen aan de "
        "schoolleiding. Die plicht heeft elke medewerker."
    ) in annex
    assert "(ook een stagiair, vrijwilliger of externe)" in annex


# --- point 6: Arbo reporting complete --------------------------------------------------------------


def test_a_death_at_work_must_be_reported_to_the_labour_inspectorate(workspace: Settings, drop: Filler) -> None:
    drop(
        "ongeval",
        "ongeval.xlsx",
        slachtoffer_type="stagiair/vrijwilliger",
        slachtoffer_groep=None,
        ouders_geinformeerd=None,
        behandeling="overleden",
    )
    drop("agressie", "agressie.xlsx", seed=2, letsel="overleden", ziekenhuisopname="nee")
    drop(
        "ongeval", "leerling.xlsx", seed=3, slachtoffer_type="leerling", slachtoffer_groep="4", behandeling="overleden"
    )
    counts = app.process(workspace)
    assert (counts.accepted, counts.rejected) == (3, 0)
    accident, aggression = regnr_of(workspace, "ongeval"), regnr_of(workspace, "agressie")
    assert open_action_of(workspace, "Ongevallen", accident) == (
        "Melden bij de Nederlandse Arbeidsinspectie (ongeval van personeel met ziekenhuisopname, blijvend letsel "
        "of overlijden)"
    )
    assert open_action_of(workspace, "Agressie en geweld", aggression).startswith(
        "Melden bij de Nederlandse Arbeidsinspectie (ziekenhuisopname, blijvend letsel of overlijden)"
    )
    assert open_action_of(workspace, "Ongevallen", regnr_of(workspace, "leerling")) == ""  # a pupil: no Arbo duty
    told = receipt(workspace, "ongeval")
    assert "Nederlandse Arbeidsinspectie (0800-5151; laat de plaats van het ongeval ongewijzigd)" in told


def test_permanent_injury_unknown_is_an_open_action(workspace: Settings, drop: Filler) -> None:
    drop(
        "ongeval",
        "ongeval.xlsx",
        slachtoffer_type="medewerker",
        slachtoffer_groep=None,
        ouders_geinformeerd=None,
        behandeling="huisarts",
        blijvend_letsel="onbekend",
    )
    drop("agressie", "agressie.xlsx", seed=2, blijvend_letsel="onbekend")
    drop(
        "ongeval",
        "leerling.xlsx",
        seed=3,
        slachtoffer_type="leerling",
        slachtoffer_groep="4",
        blijvend_letsel="onbekend",
    )
    counts = app.process(workspace)
    assert (counts.accepted, counts.rejected) == (3, 0)
    accident = regnr_of(workspace, "ongeval")
    assert open_action_of(workspace, "Ongevallen", accident).startswith(INJURY_UNKNOWN)
    assert INJURY_UNKNOWN in open_action_of(workspace, "Agressie en geweld", regnr_of(workspace, "agressie"))
    assert open_action_of(workspace, "Ongevallen", regnr_of(workspace, "leerling")) == ""  # no duty to follow up
    assert "blijvend letsel is nog onbekend: blijkt later dat er blijvend letsel is" in receipt(workspace, "ongeval")

    # the answer comes later, as a correction: no permanent injury, nothing left to do
    drop(
        "ongeval",
        "correctie.xlsx",
        slachtoffer_type="medewerker",
        slachtoffer_groep=None,
        ouders_geinformeerd=None,
        behandeling="huisarts",
        blijvend_letsel="nee",
        correctie_van=accident,
    )
    assert app.process(workspace).accepted == 1
    assert open_action_of(workspace, "Ongevallen", accident) == ""


@pytest.mark.parametrize("number", [4, 8])
def test_annexes_4_and_8_give_the_labour_inspectorates_number_and_say_leave_the_scene_unchanged(
    number: int, tmp_path: Path
) -> None:
    text = annex_text(number, tmp_path)
    assert "0800-5151" in text
    assert "laat de plaats van het ongeval" in text.lower() and "ongewijzigd" in text


def test_the_plan_gives_the_labour_inspectorates_number_and_says_leave_the_scene_unchanged(tmp_path: Path) -> None:
    text = annex_text(0, tmp_path)
    assert "Nederlandse Arbeidsinspectie (0800-5151); laat de plaats van het ongeval ongewijzigd." in text
    assert "telefoon 0800-5151. Laat de plaats van het ongeval ongewijzigd" in text


def annex_text(number: int, folder: Path) -> str:
    """The text of the plan (0) or an annex, rendered from its template with the example facts."""
    spec = DOCUMENTS[number]
    template = CompiledTemplate.from_bytes(spec.template_name, build_templates.build(spec), environment())
    target = folder / f"{spec.key}.docx"
    template.render(sample_context(), target, title="proef")
    return "\n".join(document_text(target))


def test_a_board_list_that_drops_a_choice_a_reporting_duty_needs_is_refused(tmp_path: Path) -> None:
    config = tmp_path / "veiligheid.toml"
    config.write_text(
        'bestuur = "Testbestuur"\n[[scholen]]\nbrin = "12AB"\nnaam = "De Regenboog"\n'
        '[keuzelijsten]\nbehandeling = ["geen", "huisarts", "spoedeisende hulp"]\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as refused:
        load_settings(config)
    assert str(refused.value) == (
        f"{config}: de keuzelijst 'behandeling' moet de keuze 'ziekenhuisopname' houden: de meldplicht aan de "
        "Nederlandse Arbeidsinspectie (Ongevallenmeldingsformulier) hangt ervan af"
    )
