"""The veiligheidsplan and its twelve annexes: generated per school from real Word templates.

The demo is built once for this module (at a fixed date), with one extra incident whose pupil
reference and description are distinctive, so the privacy test can look for them in every document.
Golden files hold the normalised text (paragraphs and table cells) of the plan and the annexes of
school 12AB; regenerate them with UPDATE_GOLDEN=1 after an intended change of the templates.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import shutil
import tomllib
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from docx import Document
from docx.oxml.ns import qn

from automation import app, demo
from automation.checks.board import BoardFacts
from automation.cli import main
from automation.config import Settings, load_settings
from automation.documents import build_templates, charts, formatting, lint, pdf, sample
from automation.documents.catalog import ANNEXES, CHECKLIST, DOCUMENTS
from automation.documents.context import school_context
from automation.documents.generate import PRODUCT_TEMPLATES, plan_dates
from automation.documents.refresh import PlanRefresher
from automation.documents.render import CompiledTemplate, environment
from automation.documents.sample import sample_context
from automation.errors import TemplateProblem
from automation.excel.build_form import form_file_name
from automation.excel.fill import fill_form
from automation.filenames import school_folder_name
from automation.forms import FORMS
from automation.schoolyear import schoolyear
from automation.store import Store, Tally
from automation.surveys import samples
from tests.conftest import Filler
from tests.helpers import document_text, element_text, master_sheet, rows

TODAY = dt.date(2026, 11, 28)
YEAR = "2026-2027"
GOLDEN = Path(__file__).parent / "golden" / "documents"
PUPIL_REF = "QX4711"
SECRET_STORY = "Zebrapadruzie bij de bakfiets van meester Kees"


@pytest.fixture(scope="module")
def demo_folder(tmp_path_factory: pytest.TempPathFactory, blank_forms: Path) -> Settings:
    """The demo at a fixed date, one extra incident with a distinctive pupil and story, processed."""
    folder = tmp_path_factory.mktemp("documenten") / "demo"
    result = app.demo(folder, today=TODAY, log=lambda _: None)
    settings = result.settings
    values = demo.incident(__import__("random").Random(7), TODAY, "12AB") | {
        "leerling_ref": PUPIL_REF,
        "omschrijving": SECRET_STORY,
        "maatregelen": SECRET_STORY + " (maatregel)",
        "datum": TODAY - dt.timedelta(days=3),
        "datum_ingevuld": TODAY - dt.timedelta(days=3),
        "evaluatie_datum": None,  # the demo's would lie before the date moved here
    }
    fill_form(blank_forms / form_file_name(FORMS["incident"]), values, settings.paths.inbox / "extra.xlsx")
    counts = app.process(settings)
    assert counts.accepted == 1
    app.make_plans(settings, schooljaar=YEAR, today=TODAY)
    return settings


def school_dir(settings: Settings, brin: str) -> Path:
    return settings.paths.outbox / "plannen" / school_folder_name(brin, settings.schools[brin])


def test_each_school_gets_the_plan_and_twelve_annexes_with_the_names_from_the_issue(demo_folder: Settings) -> None:
    for brin, name in demo_folder.schools.items():
        names = sorted(p.name for p in school_dir(demo_folder, brin).glob("*.docx"))
        assert names == sorted(
            [f"Veiligheidsplan {name} {YEAR}.docx", f"Checklist {name} {YEAR}.docx"]
            + [f"Bijlage {a.number:02d} - {a.title}.docx" for a in ANNEXES]
        )
    assert [a.title for a in ANNEXES][:3] == ["Internetgebruik", "Protocol gedragscode", "Pestprotocol"]
    assert set(plan_dates(demo_folder)) == set(demo_folder.schools)


def test_the_plan_holds_the_schools_own_facts_and_figures(demo_folder: Settings) -> None:
    text = "\n".join(document_text(school_dir(demo_folder, "12AB") / f"Veiligheidsplan OBS De Regenboog {YEAR}.docx"))
    assert "[kop] OBS De Regenboog · Veiligheidsplan 2026-2027" in text
    assert "[voet] Stichting Primair Onderwijs De Lage Landen (demo)\tpagina 1 van 1" in text
    assert "Coördinator sociale veiligheid en aanspreekpunt pesten | Anouk Bakker (intern begeleider) |" in text
    assert "De school werkt met het programma KiVa." in text
    assert "De school meet de sociale veiligheid met KiVa-monitor." in text
    assert "Stand van de gegevens | 28 november 2026" in text
    assert "Kaders en afspraken vastgesteld door directie en bestuur | 31-10-2026 | gereed (19-10-2026)" in text
    # the demo's board registered nothing before May 2026: no figures for last year's same period, not 0
    assert re.search(r"Incidenten met leerlingen \| \d+ \| – \| –", text)
    assert "Over dezelfde periode van 2025-2026 zijn geen gegevens (de eerste registratie is van " in text
    assert "[afbeelding]" in text  # the chart of registrations per month
    # a missing fact is marked in place; the checklist says who supplies it
    assert "Adres | [nog aan te vullen door de directeur], Amersfoort" in text
    # art. 4a WPO: every staff member informs the board; the board reports a reasonable suspicion to the police
    assert "Die plicht heeft iedere medewerker zelf, niet alleen de directeur." in text
    assert "dan moet het bestuur direct aangifte doen bij de politie" in text
    assert "informeert de directeur direct het bestuur" not in text
    assert "leerlingen | Aantasting van de veiligheid (niet gepest of bedreigd; hoger is beter) | 98 |" in text


def test_golden_text_of_the_plan_and_annexes_for_school_12ab(demo_folder: Settings) -> None:
    folder = school_dir(demo_folder, "12AB")
    GOLDEN.mkdir(parents=True, exist_ok=True)
    for spec in DOCUMENTS:
        path = folder / spec.output_name(school_name="OBS De Regenboog", schooljaar=YEAR)
        got = "\n".join(document_text(path)) + "\n"
        golden = GOLDEN / f"{spec.key}.txt"
        if os.environ.get("UPDATE_GOLDEN"):
            golden.write_text(got, encoding="utf-8")
        assert got == golden.read_text(encoding="utf-8"), f"{spec.template_name} differs from {golden}"


# --- the plan is a policy document (issue 11, points 10-12) -------------------------------------


def _chapter(text: str, start: str, end: str) -> str:
    return text[text.index(f"\n{start}\n") : text.index(f"\n{end}\n")]


def test_the_plan_states_the_schools_goals_and_measures_next_to_the_figures_that_give_cause(
    demo_folder: Settings,
) -> None:
    plan = _text_of(demo_folder, 0)
    chapter = _chapter(plan, "9 Doelen en maatregelen", "10 Verantwoording")
    assert plan.index("\n8 Registratie en evaluatie\n") < plan.index("\n9 Doelen en maatregelen\n")
    # the figures: registrations per kind against last year, the monitor's themes with their share
    assert "Registraties | 2026-2027 t/m 28-11-2026 | 2025-2026 t/m 28-11-2025 | Verschil" in chapter
    assert re.search(r"\nIncidenten met leerlingen \| \d+ \| – \| –\n", chapter)
    assert "Wie | Thema van de monitor | % gunstige antwoorden" in chapter
    assert re.search(r"\nleerlingen \| Veiligheidsbeleving \| \d+%\n", chapter)
    # the goals and measures from the director's measures forms, by start date, with reason, owner and stand
    measures = rows(
        demo_folder,
        "SELECT json_extract(data, '$.doel'), json_extract(data, '$.maatregel') FROM records "
        "WHERE form_id = 'maatregelen' AND school = '12AB' ORDER BY json_extract(data, '$.startdatum')",
    )
    assert len(measures) == 2
    assert "# | Doel en maatregel | Aanleiding | Wie en wanneer | Stand en evaluatie" in chapter
    for n, (goal, measure) in enumerate(measures, start=1):
        assert f"\n{n} | {goal} — {measure} | " in chapter
    assert "# | Doel | Maatregel" not in chapter  # not the school form's goals as well
    # a school that sent no measures form: the goals of its school form, in order
    path = school_dir(demo_folder, "34CD") / DOCUMENTS[0].output_name(school_name="CBS Het Anker", schooljaar=YEAR)
    other = _chapter("\n".join(document_text(path)), "9 Doelen en maatregelen", "10 Verantwoording")
    (goal, measure), *_ = rows(
        demo_folder,
        "SELECT json_extract(data, '$.doel_1'), json_extract(data, '$.maatregel_1') FROM records "
        "WHERE form_id = 'school' AND school = '34CD'",
    )
    assert f"# | Doel | Maatregel\n1 | {goal} | {measure}" in other


def test_a_plan_without_goals_asks_the_director_to_write_them_and_a_goal_without_a_measure_asks_for_it(
    plan_template: CompiledTemplate, tmp_path: Path
) -> None:
    none = _plan_text(plan_template, sample.sample_facts(doel_1=None, maatregel_1=None), tmp_path)
    assert (
        "\n[nog aan te vullen door de directeur: de doelen van de school voor 2026-2027 en de maatregelen daarbij, "
        "naar aanleiding van de cijfers hierboven]\n"
    ) in none
    assert "# | Doel | Maatregel" not in none
    context = school_context(sample.sample_facts(doel_1=None, maatregel_1=None), sample.BRIN, with_charts=False)
    assert "Doelen en maatregelen" in context["ontbreekt"][0]["wat"]  # the checklist lists it
    half = _plan_text(plan_template, sample.sample_facts(doel_2="Een rustiger plein.", maatregel_1=None), tmp_path)
    assert (
        "1 | Minder pesten in groep 7" in half
        and "| [nog aan te vullen door de directeur: de maatregel bij dit doel]" in half
    )
    assert "2 | Een rustiger plein. | [nog aan te vullen door de directeur: de maatregel bij dit doel]" in half


def test_the_plan_holds_no_internal_to_do_items_which_stand_in_the_schools_checklist(demo_folder: Settings) -> None:
    plan, checklist = _text_of(demo_folder, 0), _text_of(demo_folder, len(DOCUMENTS) - 1)
    for to_do in ("Nog aan te vullen", "Wie | Hoe | Wat ontbreekt", "Actie | Aantal", "direct.", "Monitor – "):
        assert to_do not in plan, to_do
    # the plan marks only what the director supplies, where it belongs; never who else acts or how
    assert set(re.findall(r"\[nog aan te vullen door ([^\]:]*)", plan)) == {"de directeur"}
    assert "Checklist\nDeze checklist is voor intern gebruik" in checklist
    assert "\nWie | Hoe | Wat ontbreekt of moet beter\nde directeur | op het formulier Schoolgegevens" in checklist
    assert (
        "de coördinator sociale veiligheid | zie 5.3 van het plan; met nieuwe gegevens toetst het bestuurskantoor "
        "opnieuw | Monitor – Minimale respons (bestuursnorm) (aandacht): De respons is lager dan de bestuursnorm:"
    ) in checklist
    assert (
        "\n3 Openstaande acties\nOp 28 november 2026 staan voor deze school nog deze acties open:\nActie | Aantal"
        in checklist
    )
    # nor how the missing monitor results or school form are to be supplied, in any school's plan
    for brin, name in demo_folder.schools.items():
        text = "\n".join(document_text(school_dir(demo_folder, brin) / f"Veiligheidsplan {name} {YEAR}.docx"))
        assert "levert ze aan" not in text and "plan bijgewerkt" not in text and "De directeur vult het in" not in text


def test_published_percentages_are_shares_of_favourable_answers_never_of_pupils(demo_folder: Settings) -> None:
    plan_file = school_dir(demo_folder, "12AB") / f"Veiligheidsplan OBS De Regenboog {YEAR}.docx"
    plan = "\n".join(document_text(plan_file))
    assert "Wie | Thema | Respondenten | Gemiddelde (schaal) | % gunstige antwoorden" in plan
    assert "niet het deel van de leerlingen" in plan
    chart = charts.monitor_themes([("Veiligheidsbeleving", "leerlingen", 0.83)])
    assert chart is not None and chart.description == "Monitor: % gunstige antwoorden per thema"
    vensters = _chapter(plan, "10 Verantwoording", "11 Tijdpad en voortgang")
    assert re.search(r"veiligheidsbeleving \d+% gunstige antwoorden", vensters)
    for text in (plan, vensters):
        assert not re.search(r"% (leerlingen|positie[fv])", text) and "| Positief" not in text


def test_a_profile_names_its_instrument_as_it_may_be_published_without_internal_qualifiers() -> None:
    """A profile's 'instrument' is published (plan, Vensters) when the export names none; its 'naam' is not."""
    folder = Path(__file__).parent.parent / "automation" / "surveys" / "profielen"
    for path in folder.glob("*.toml"):
        profile = tomllib.loads(path.read_text(encoding="utf-8"))
        assert "(" not in profile["instrument"] and profile["instrument"] != profile["naam"], path.name
    plan = tomllib.loads((folder / "actieplan-vier-themas.toml").read_text(encoding="utf-8"))
    assert plan["instrument"] == "Tevredenheidspeiling"


# --- the legal points the annexes must get right (DOMAIN.md §8) --------------------------------


def _text_of(settings: Settings, spec_number: int) -> str:
    """The rendered text of the plan (0) or an annex of school 12AB of the demo board."""
    spec = DOCUMENTS[spec_number]
    path = school_dir(settings, "12AB") / spec.output_name(school_name="OBS De Regenboog", schooljaar=YEAR)
    return "\n".join(document_text(path))


def test_annex_10_says_injections_are_reserved_acts_done_only_with_a_competence_statement(
    demo_folder: Settings,
) -> None:
    text = _text_of(demo_folder, 10)
    assert (
        "Het geven van een injectie en het meten van de bloedsuiker met een vingerprik zijn voorbehouden "
        "handelingen uit de Wet BIG. Een medewerker mag ze alleen uitvoeren in opdracht van de arts van de "
        "leerling (artikel 35 Wet BIG), nadat hij of zij instructie heeft gekregen, en met een schriftelijke "
        "bekwaamheidsverklaring die de arts heeft ondertekend. Zonder die verklaring doet een medewerker ze niet. "
        "Het zijn nooit routinetaken"
    ) in text
    # the old text let staff inject and, in the next sentence, left reserved acts to professionals only
    assert "laat de school over aan bevoegde zorgverleners" not in text
    assert "opgeleid door een arts of verpleegkundige" not in text


def test_annex_11_and_the_plan_treat_a_time_out_as_a_suspension_in_which_the_leerplichtambtenaar_has_no_role(
    demo_folder: Settings,
) -> None:
    annex = _text_of(demo_folder, 11)
    suspension = annex[annex.index("\nTime-out en interne schorsing\n") : annex.index("\nVerwijdering\n")]
    assert "(een interne schorsing), dan is dat een schorsing, en gelden de regels hieronder" in suspension
    assert (
        "Het besluit is schriftelijk en gaat naar de ouders, met de redenen, de duur en hoe zij binnen zes "
        "weken bezwaar kunnen maken bij het bestuur."
    ) in suspension
    assert (
        "Duurt de schorsing langer dan één dag, dan meldt het bestuur haar schriftelijk en met de redenen bij "
        "de Inspectie van het Onderwijs."
    ) in suspension
    assert "leerplicht" not in suspension.lower()
    assert "De time-out wordt vastgelegd" not in annex
    plan = _text_of(demo_folder, 0)
    assert "Ook een time-out of een interne schorsing is een schorsing: een schriftelijk besluit" in plan
    assert (
        "een schorsing van meer dan één dag, ook als time-out of interne schorsing, meldt het bestuur bij de "
        "inspectie; een verwijdering meldt het bestuur bij de inspectie en de leerplichtambtenaar"
    ) in plan
    assert "Inspectie en leerplicht" not in plan


def test_annex_1_sends_a_data_breach_to_the_board_which_reports_it_to_the_dutch_dpa_within_72_hours(
    demo_folder: Settings,
) -> None:
    text = _text_of(demo_folder, 1)
    assert (
        f"(een datalek), bijvoorbeeld door een verloren laptop of een mail aan de verkeerde ontvanger, meldt dat "
        f"direct bij het bestuur ({demo_folder.board.bestuur}) en laat het de directeur weten. Het bestuur "
        "beoordeelt het datalek en meldt het binnen 72 uur nadat het is ontdekt bij de Autoriteit "
        "Persoonsgegevens, tenzij het waarschijnlijk geen risico oplevert voor de mensen van wie de gegevens zijn "
        "(AVG, artikel 33)."
    ) in text
    assert "meldt dat direct bij de directeur (datalek)" not in text


@pytest.mark.slow
def test_generating_twice_gives_the_same_text(demo_folder: Settings, tmp_path: Path) -> None:
    copy = tmp_path / "kopie"
    shutil.copytree(demo_folder.paths.root, copy)
    settings = load_settings(copy / "veiligheid.toml")
    before = {p.name: document_text(p) for p in school_dir(settings, "34CD").glob("*.docx")}
    app.make_plans(settings, schools=["34cd"], schooljaar=YEAR, today=TODAY)
    after = {p.name: document_text(p) for p in school_dir(settings, "34CD").glob("*.docx")}
    assert after == before and len(after) == 14


def _all_text(path: Path) -> str:
    with zipfile.ZipFile(path) as zf:
        return "\n".join(zf.read(n).decode("utf-8", "replace") for n in zf.namelist() if n.endswith(".xml"))


def test_no_pupil_identity_or_incident_story_in_any_document(demo_folder: Settings) -> None:
    forbidden = [PUPIL_REF, SECRET_STORY, "LL-"]
    forbidden += [row[2] for row in demo.INCIDENTS] + [row[3] for row in demo.INCIDENTS]
    forbidden += [row[3] for row in demo.AGGRESSION] + [row[2] for row in demo.ACCIDENTS]
    # the pseudonyms as stored
    forbidden += [r[0] for r in rows(demo_folder, "SELECT json_extract(data, '$.leerling_ref') FROM records") if r[0]]
    documents = list((demo_folder.paths.outbox / "plannen").rglob("*.docx"))
    assert len(documents) == 42
    for path in documents:
        text = _all_text(path)
        for value in forbidden:
            assert value not in text, f"{value!r} in {path.name}"


def test_form_annexes_print_the_same_form_definitions_as_the_excel_forms(demo_folder: Settings) -> None:
    folder = school_dir(demo_folder, "56EF")
    for annex in ANNEXES[6:9]:
        assert annex.form_id is not None
        form = FORMS[annex.form_id]
        text = "\n".join(document_text(folder / f"Bijlage {annex.number:02d} - {annex.title}.docx"))
        assert form.intro in text
        for section in form.sections:
            assert section.title in text
        for field in form.fields:
            assert field.label in text and field.help in text
            if field.choices:
                for choice in demo_folder.choices[field.choices]:
                    assert f"☐ {choice}" in text  # (a no-break space, normalised)
        assert "56EF – IKC De Vlinder" in text


@pytest.mark.slow
def test_every_template_renders_with_a_complete_example_and_with_missing_facts(tmp_path: Path) -> None:
    env = environment()
    footer = "[voet] Stichting Voorbeeld Primair Onderwijs\tpagina 1 van 1"
    for spec in DOCUMENTS:
        template = CompiledTemplate.from_bytes(spec.template_name, build_templates.build(spec), env)
        header = "[kop] Voorbeeldschool De Linde · Veiligheidsplan 2026-2027" + (
            f" · Bijlage {spec.number}" if spec.number else ""
        )  # the checklist (number 0) has the plan's header
        texts = []
        for n, context in enumerate((sample_context(with_charts=True), sample_context(missing=True))):
            target = tmp_path / f"{spec.key}-{n}.docx"
            template.render(context, target, title="proef")
            lines = document_text(target)
            assert lines[:2] == [header, footer], spec.template_name
            assert not [line for line in lines if "{{" in line or "{%" in line], spec.template_name  # all rendered
            texts.append("\n".join(lines))
        complete, missing = texts
        assert "[nog aan te vullen" not in complete, spec.template_name
        if spec.key == "plan":  # the plan marks each missing fact in place
            assert missing.count("[nog aan te vullen door de directeur]") == 6
        elif spec.key == "checklist":  # the checklist says who supplies each missing fact, and how
            lines = missing.splitlines()
            assert (
                "de directeur | op het formulier Schoolgegevens en veiligheidsbeleid | Adres, Telefoon, "
                "Aantal BHV'ers, Leerlingen groep 5 t/m 8, Datum RI&E, Visie op veiligheid"
            ) in lines
            assert (
                "de directeur | op het formulier Doelen en maatregelen (één per maatregel) | Doelen en maatregelen"
            ) in lines
        else:  # the annexes use no fact that can be missing
            assert missing == complete, spec.template_name


def test_data_with_ampersands_brackets_and_quotes_stays_text(tmp_path: Path) -> None:
    context = sample_context()
    context["school"]["naam"] = 'De "Ster" & <Maan>'
    context["school"]["visie"] = "Veilig & vertrouwd: <samen> 'leren'"
    template = CompiledTemplate.from_bytes("plan", build_templates.build(DOCUMENTS[0]), environment())
    template.render(context, tmp_path / "plan.docx", title="proef")
    text = document_text(tmp_path / "plan.docx")
    assert 'De "Ster" & <Maan>' in text
    assert "Veilig & vertrouwd: <samen> 'leren'" in text


def _template_with(text_from: str, text_to: str) -> bytes:
    """The product's plan template with one piece of text changed, as an office would in Word."""
    source = io.BytesIO(build_templates.build(DOCUMENTS[0]))
    out = io.BytesIO()
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(out, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "word/document.xml":
                assert text_from.encode() in data
                data = data.replace(text_from.encode(), text_to.encode(), 1)
            zout.writestr(item, data)
    return out.getvalue()


def test_a_missing_variable_stops_with_the_template_the_tag_and_what_is_missing(tmp_path: Path) -> None:
    data = _template_with("{{ school.coordinator_naam }} is de", "{{ school.coordinatr }} is de")
    template = CompiledTemplate.from_bytes("Veiligheidsplan.docx", data, environment())
    with pytest.raises(TemplateProblem) as caught:
        template.render(sample_context(), tmp_path / "plan.docx", title="proef")
    assert caught.value.message == (
        "Sjabloon ‘Veiligheidsplan.docx’: de tag {{ school.coordinatr }} (onder de kop ‘3.1 Coördinator sociale "
        "veiligheid en aanspreekpunt pesten’) gebruikt ‘coordinatr’, maar dat gegeven bestaat niet. Bedoelt u "
        "‘coordinator_naam’? Verbeter de tag in Word en controleer het sjabloon daarna met 'veiligheid templates check'."
    )
    assert not (tmp_path / "plan.docx").exists()


def test_the_template_check_names_unknown_fields_broken_tags_and_split_formatting() -> None:
    sample = sample_context()
    data = _template_with("{{ school.coordinator_naam }} is de", "{{ school.coordinatr }} is de")
    (finding,) = lint.check_template("Veiligheidsplan.docx", data, sample=sample)
    assert finding.level == "fout"
    assert finding.message.startswith("‘school’ heeft geen gegeven ‘coordinatr’ (in de alinea ‘")
    assert finding.message.endswith(
        "onder de kop ‘3.1 Coördinator sociale veiligheid en aanspreekpunt pesten’). Bedoelt u ‘coordinator_naam’?"
    )
    broken = _template_with("{{ school.coordinator_naam }} is de", "{{ school.coordinator_naam is de")
    unclosed, syntax = lint.check_template("Veiligheidsplan.docx", broken, sample=sample)
    assert unclosed.message.startswith(
        "bij een {{ hoort een }} in dezelfde alinea, en dat klopt niet in ‘{{ school.coordinator_naam is de"
    )
    assert syntax.message.startswith("een tag is onvolledig of fout in de alinea ‘{{ school.coordinator_naam is")
    assert "onder de kop ‘3.1 Coördinator sociale veiligheid en aanspreekpunt pesten’" in syntax.message
    doc = Document(io.BytesIO(build_templates.build(ANNEXES[2])))
    paragraph = doc.add_paragraph()
    paragraph.add_run("Welkom op {{ school.")
    paragraph.add_run("naam }}").bold = True
    buffer = io.BytesIO()
    doc.save(buffer)
    (warning,) = lint.check_template("Bijlage 03 - Pestprotocol.docx", buffer.getvalue(), sample=sample)
    assert warning.level == "waarschuwing"
    assert "{{ school.naam }} heeft binnen de tag verschillende opmaak" in warning.message


def test_the_committed_templates_are_what_the_builder_makes() -> None:
    for spec in DOCUMENTS:
        committed = PRODUCT_TEMPLATES / spec.template_name
        assert committed.is_file(), f"run: veiligheid templates build --voorbeeld ({committed} missing)"
        assert _parts(committed.read_bytes()) == _parts(build_templates.build(spec)), spec.template_name


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {n: zf.read(n) for n in zf.namelist() if n.startswith("word/") and n.endswith(".xml")}


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("datum", dt.date(2026, 11, 28), "28 november 2026"),
        ("datum", "2027-03-01", "1 maart 2027"),
        ("datum_kort", dt.date(2026, 11, 28), "28-11-2026"),
        ("getal", 1234, "1.234"),
        ("getal", 3.25, "3,2"),
        ("procent", 0.845, "85%"),  # half up, as Excel shows it and the docstring says
        ("aantal", 3, "minder dan 5"),
        ("aantal", 12, "12"),
    ],
)
def test_dutch_formatting_filters(name: str, value: Any, expected: str) -> None:
    assert formatting.FILTERS[name](value) == expected


def test_filters_pass_missing_facts_through() -> None:
    missing = formatting.Missing("Datum RI&E", "de directeur")
    assert formatting.datum(missing) is missing
    assert str(missing) == "[nog aan te vullen door de directeur]" and not missing
    assert formatting.getal(3.456, 2) == "3,46"


@pytest.mark.slow
def test_plan_command_after_the_demo_and_its_errors(demo_folder: Settings, tmp_path: Path) -> None:
    copy = tmp_path / "kopie"
    shutil.copytree(demo_folder.paths.root, copy)
    config = str(copy / "veiligheid.toml")
    runner = CliRunner()
    result = runner.invoke(main, ["--config", config, "plan", "--school", "56EF", "--schooljaar", YEAR])
    assert result.exit_code == 0, result.output
    assert f"Veiligheidsplan en bijlagen voor {YEAR}: 1 school, 14 documenten." in result.stdout
    assert f"  56EF IKC De Vlinder: {copy / 'outbox' / 'plannen' / '56EF IKC De Vlinder'}" in result.stdout
    wrong = runner.invoke(main, ["--config", config, "plan", "--schooljaar", "2026"])
    assert wrong.exit_code == 2
    assert wrong.stderr == "Fout: '2026' is geen schooljaar; schrijf het zoals 2026-2027.\n"
    unknown = runner.invoke(main, ["--config", config, "plan", "--school", "99XX"])
    assert unknown.exit_code == 2  # an option value the product cannot use, as --schooljaar (not a folder's 3)
    assert unknown.stderr == "Fout: School 99XX staat niet in veiligheid.toml; bekende scholen: 12AB, 34CD, 56EF.\n"


@pytest.mark.slow
def test_templates_build_keeps_the_offices_own_and_check_reports_what_broke(
    demo_folder: Settings, tmp_path: Path
) -> None:
    copy = tmp_path / "kopie"
    shutil.copytree(demo_folder.paths.root, copy)
    config = str(copy / "veiligheid.toml")
    runner = CliRunner()
    assert runner.invoke(main, ["--config", config, "templates", "build"]).exit_code == 0
    own = copy / "sjablonen" / "Veiligheidsplan.docx"
    own.write_bytes(_template_with("{{ school.coordinator_naam }} is de", "{{ school.coordinatr }} is de"))
    edited = own.read_bytes()
    again = runner.invoke(main, ["--config", config, "templates", "build"])
    assert f"15 sjablonen stonden al in {copy / 'sjablonen'}: niet overschreven" in again.stdout
    assert own.read_bytes() == edited
    checked = runner.invoke(main, ["--config", config, "templates", "check"])
    assert checked.exit_code == 6
    assert "Veiligheidsplan.docx: fout: ‘school’ heeft geen gegeven ‘coordinatr’" in checked.stderr
    assert checked.stdout.endswith("15 sjablonen gecontroleerd: 1 fout(en), 0 waarschuwing(en).\n")
    assert checked.stderr.endswith(
        "Fout: Herstel het sjabloon met fouten (Veiligheidsplan.docx) en controleer opnieuw met "
        "'veiligheid templates check'.\n"
    )
    failed = runner.invoke(main, ["--config", config, "plan"])
    assert failed.exit_code == 6
    assert failed.stderr.startswith("Fout: Sjabloon ‘Veiligheidsplan.docx’: de tag {{ school.coordinatr }}")
    # a closing tag deleted in Word: the opening tag and its place, in Dutch (not Jinja's English)
    own.write_bytes(_template_with("{%p endif %}", ""))
    checked = runner.invoke(main, ["--config", config, "templates", "check"])
    assert checked.exit_code == 6
    assert "Veiligheidsplan.docx: fout: de tag {%p if schoolformulier.uit_eerder_jaar %}" in checked.stderr
    failed = runner.invoke(main, ["--config", config, "plan"])
    assert failed.exit_code == 6
    assert failed.stderr.startswith("Fout: Sjabloon ‘Veiligheidsplan.docx’: de tag {%p if schoolformulier")
    for output in (checked.output, failed.output):
        assert "Unexpected" not in output and "Jinja" not in output and "README" not in output


@pytest.mark.slow
def test_pdf_says_plainly_when_libreoffice_is_not_installed(
    demo_folder: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pdf, "find_soffice", lambda: None)
    copy = tmp_path / "kopie"
    shutil.copytree(demo_folder.paths.root, copy)
    result = CliRunner().invoke(main, ["--config", str(copy / "veiligheid.toml"), "plan", "--school", "12AB", "--pdf"])
    assert result.exit_code == 0, result.output
    assert "PDF's gemaakt: 0" in result.stdout
    assert f"Let op: {pdf.NOT_INSTALLED}\n" in result.stderr
    assert not list(copy.rglob("*.pdf"))


@pytest.mark.slow
def test_the_watcher_regenerates_a_school_once_its_burst_of_files_has_settled(
    demo_folder: Settings, tmp_path: Path, blank_forms: Path
) -> None:
    copy = tmp_path / "kopie"
    shutil.copytree(demo_folder.paths.root, copy)
    settings = load_settings(copy / "veiligheid.toml")
    clock = [1000.0]
    plans = PlanRefresher(settings, quiet=30, longest=300, clock=lambda: clock[0])
    store = Store.open(settings.paths.database, create=False)
    try:
        assert plans.notice(store, today=TODAY) == []  # the documents are up to date
        for n in range(3):  # a burst of three files of 34CD, ten seconds apart
            values = demo.incident(__import__("random").Random(100 + n), TODAY, "34CD")
            fill_form(blank_forms / form_file_name(FORMS["incident"]), values, settings.paths.inbox / f"b{n}.xlsx")
            app_counts = _process_with(settings, store)
            assert app_counts == 1
            assert plans.tick(store, today=TODAY, changed=True) == []
            clock[0] += 10
        clock[0] += 25
        assert plans.tick(store, today=TODAY, changed=False) == ["34CD"]
        assert plans.tick(store, today=TODAY, changed=True) == []  # nothing new
    finally:
        store.close()


def test_a_survey_export_makes_the_schools_plan_due_again(workspace: Settings, drop: Filler) -> None:
    """An export is no registration, but the plan shows its results: it makes the plan stale too."""
    today = dt.date.today()
    drop("school", "schoolformulier.xlsx")
    app.process(workspace)
    app.make_plans(workspace, schools=["12AB"], today=today)
    plans = PlanRefresher(workspace, quiet=0, longest=0)
    store = Store.open(workspace.paths.database, create=False)
    try:
        assert plans.notice(store, today=today) == []  # the documents are up to date
    finally:
        store.close()
    (workspace.paths.inbox / "peiling.csv").write_bytes(
        samples.generic_csv(school="12AB", schooljaar=schoolyear(today), afname=today, pupils=12)
    )
    assert app.process(workspace).accepted == 1
    store = Store.open(workspace.paths.database, create=False)
    try:
        assert plans.notice(store, today=today) == ["12AB"]
    finally:
        store.close()


def test_the_overzicht_says_when_a_plan_is_older_than_its_facts(workspace: Settings, drop: Filler) -> None:
    today = dt.date.today()

    def plan_current() -> object:
        table = master_sheet(workspace, "Overzicht")
        header = list(table[3])
        row = next(r for r in table[4:] if r[0] == "12AB")
        return row[header.index("Plan actueel")]

    drop("school", "schoolformulier.xlsx")
    app.process(workspace)
    assert plan_current() in ("", None)  # no plan yet: 'Plan gemaakt' says 'nog niet'
    app.make_plans(workspace, schools=["12AB"], today=today)
    app.process(workspace)  # the master follows the plans' record
    assert plan_current() == "ja"
    drop("incident", "nieuw.xlsx", seed=3)
    app.process(workspace)
    assert plan_current() == "nee, verouderd"


def _process_with(settings: Settings, store: Store) -> int:
    from automation.intake.runner import Runner

    runner = Runner.open(settings)
    try:
        return runner.process_once(wait_limit=5).accepted
    finally:
        runner.close()


# --- the plan for a finished, running or coming school year ------------------------------------


@pytest.fixture(scope="module")
def plan_template() -> CompiledTemplate:
    return CompiledTemplate.from_bytes("Veiligheidsplan.docx", build_templates.build(DOCUMENTS[0]), environment())


def _plan_text(template: CompiledTemplate, facts: BoardFacts, folder: Path) -> str:
    target = folder / "plan.docx"
    template.render(school_context(facts, sample.BRIN, with_charts=False), target, title="proef")
    return "\n".join(document_text(target))


def test_a_running_year_is_compared_with_the_same_part_of_last_year(
    plan_template: CompiledTemplate, tmp_path: Path
) -> None:
    text = _plan_text(plan_template, sample.sample_facts(), tmp_path)
    assert "8.1 Registraties in 2026-2027" in text
    assert (
        "In het schooljaar 2026-2027 zijn tot en met 28 november 2026 in totaal 8 registraties ontvangen, tegen 5 in "
        "dezelfde periode van 2025-2026 (tot en met 28 november 2025). Het hele schooljaar 2025-2026 telde 6 "
        "registraties."
    ) in text
    assert "Soort | 2026-2027 t/m 28-11-2026 | 2025-2026 t/m 28-11-2025 | Verschil" in text
    assert "Incidenten met leerlingen | 5 | 4 | +1" in text  # not against last year's whole 5
    assert (
        "Verschil: 2026-2027 tot en met 28 november 2026, tegenover dezelfde periode van 2025-2026: 1 augustus tot "
        "en met 28 november 2025. Er zijn gegevens vanaf 1 oktober 2025."
    ) in text
    assert "pesten | 3 | 4 | −1" in text and "digitaal pesten | 2 | 0 | +2" in text
    assert "In 2026-2027 (tot en met 28 november 2026) was er 1 geval dat gemeld moest worden" in text


def test_a_finished_year_says_so_and_no_data_is_not_zero(plan_template: CompiledTemplate, tmp_path: Path) -> None:
    facts = sample.sample_facts(schooljaar="2025-2026")  # asked on 28-11-2026
    text = _plan_text(plan_template, facts, tmp_path)
    assert "8.1 Registraties in 2025-2026" in text
    assert (
        "In het hele schooljaar 2025-2026 zijn 6 registraties ontvangen. Over 2024-2025 zijn geen gegevens (de "
        "eerste registratie is van 1 oktober 2025), dus vergelijken kan niet."
    ) in text
    assert "Soort | 2025-2026 | 2024-2025 | Verschil" in text
    assert "Incidenten met leerlingen | 5 | – | –" in text
    assert "–: geen gegevens." in text
    assert "tot en met 28 november" not in text.split("8 Registratie en evaluatie")[1].split("8.5")[0]
    # the school form is of a later school year, and the plan says so
    assert (
        "Let op: voor 2025-2026 is geen formulier Schoolgegevens ontvangen. De gegevens in dit plan komen uit een "
        "formulier van een later schooljaar: van 20 oktober 2026 (schooljaar 2026-2027). Controleer of ze ook in "
        "2025-2026 golden."
    ) in text
    assert "eerder schooljaar" not in text and "dit schooljaar" not in text.lower().split("8 registratie")[1]


def test_a_coming_year_has_no_registrations_yet(plan_template: CompiledTemplate, tmp_path: Path) -> None:
    facts = sample.sample_facts(schooljaar="2027-2028")
    text = _plan_text(plan_template, facts, tmp_path)
    assert (
        "Het schooljaar 2027-2028 begint op 1 augustus 2027; er zijn dus nog geen registraties. In 2026-2027 zijn "
        "tot en met 28 november 2026 in totaal 8 registraties ontvangen."
    ) in text
    assert "Soort | 2027-2028 | 2026-2027 t/m 28-11-2026 | Verschil" in text
    assert "Incidenten met leerlingen | – | 5 | –" in text
    assert (
        "Het schooljaar 2027-2028 is nog niet begonnen; er zijn dus nog geen gevallen die gemeld moeten worden." in text
    )
    assert (
        "Let op: voor 2027-2028 is geen formulier Schoolgegevens ontvangen. De gegevens in dit plan komen uit het "
        "meest recente formulier, van 20 oktober 2026 (schooljaar 2026-2027). De directeur vult het formulier voor "
        "2027-2028 in als dat schooljaar begonnen is (op 1 augustus 2027)."
    ) in text
    assert "het hele schooljaar 2026-2027" not in text  # last year is still running


@pytest.fixture(scope="module")
def checklist_template() -> CompiledTemplate:
    return CompiledTemplate.from_bytes("Checklist.docx", build_templates.build(CHECKLIST), environment())


ANY = "Arbeidsinspectie of de vertrouwensinspecteur."


@pytest.mark.parametrize(
    ("reportable", "reported", "in_plan", "in_checklist"),
    [
        (0, 0, f"was er geen geval dat gemeld moest worden bij de {ANY}",
               f"Er is geen geval dat gemeld moet worden bij de {ANY}"),
        (1, 0, f"was er 1 geval dat gemeld moest worden bij de {ANY}",
               f"Nog niet gemeld: het geval dat gemeld moet worden bij de {ANY} Meld het direct en zet de datum"),
        (1, 1, f"was er 1 geval dat gemeld moest worden bij de {ANY}",
               "Het geval dat gemeld moest worden, staat als gemeld geregistreerd."),
        (3, 0, f"waren er 3 gevallen die gemeld moesten worden bij de {ANY}",
               f"Nog niet gemeld: 3 van de 3 gevallen die gemeld moeten worden bij de {ANY} Meld ze direct"),
        (3, 1, f"waren er 3 gevallen die gemeld moesten worden bij de {ANY}",
               f"Nog niet gemeld: 2 van de 3 gevallen die gemeld moeten worden bij de {ANY} Meld ze direct"),
        (3, 2, f"waren er 3 gevallen die gemeld moesten worden bij de {ANY}",
               f"Nog niet gemeld: 1 van de 3 gevallen die gemeld moeten worden bij de {ANY} Meld het direct"),
        (3, 3, f"waren er 3 gevallen die gemeld moesten worden bij de {ANY}",
               "Alle 3 gevallen die gemeld moesten worden, staan als gemeld geregistreerd."),
    ],
)  # fmt: skip
def test_sentences_with_counts_agree_in_number_and_only_the_checklist_says_what_is_not_yet_reported(
    plan_template: CompiledTemplate,
    checklist_template: CompiledTemplate,
    tmp_path: Path,
    reportable: int,
    reported: int,
    in_plan: str,
    in_checklist: str,
) -> None:
    day = dt.date(2026, 10, 5)
    cases = [sample.aggression(n, day, reported=n <= reported) for n in range(1, reportable + 1)]
    facts = sample.sample_facts(records=cases, tallies=[Tally("incident", sample.BRIN, day, "pesten", 1)])
    text = _plan_text(plan_template, facts, tmp_path)
    assert in_plan in text
    assert "gemeld geregistreerd" not in text and "Meld het direct" not in text and "meld ze direct" not in text
    assert in_checklist in _plan_text(checklist_template, facts, tmp_path)
    assert "is tot en met 28 november 2026 in totaal 1 registratie ontvangen" in text
    assert "onder 300 leerlingen:" in text


def test_telling_gives_the_noun_in_singular_or_plural() -> None:
    telling = formatting.FILTERS["telling"]
    assert telling(1, "leerling", "leerlingen") == "1 leerling"
    assert telling(1234, "leerling", "leerlingen") == "1.234 leerlingen"
    assert telling(0, "BHV'er", "BHV'ers") == "geen BHV'ers"
    missing = formatting.Missing("Aantal BHV'ers", "de directeur")
    assert (
        telling(missing, "BHV'er", "BHV'ers") == "een nog onbekend aantal BHV'ers [nog aan te vullen door de directeur]"
    )
    assert telling("–", "x", "xen") == "–"


def test_the_monitor_says_when_it_measured_what_fails_and_which_instrument(
    plan_template: CompiledTemplate, tmp_path: Path
) -> None:
    facts = sample.sample_facts(instrument="Eigen vragenlijst")
    text = _plan_text(plan_template, facts, tmp_path)
    assert "meestal in de maand maart. De laatste meting was in oktober 2026." in text
    assert (
        "Gestandaardiseerd, valide en betrouwbaar instrument | aandacht | Eigen vragenlijst staat niet op de lijst "
        "van leveranciers met een leveringsafspraak met de inspectie."
    ) in text  # 5.3; who acts on it stands in the checklist
    assert "Wie | Thema | Respondenten | Gemiddelde (schaal) | % gunstige antwoorden" in text
    assert "Op dit moment heeft de school 6 BHV'ers." in text
    # an export that does not name its instrument is shown as such, never credited as the school form's
    context = school_context(sample.sample_facts(instrument=""), sample.BRIN, with_charts=False)
    assert context["monitor"]["meting_instrument"] == "[niet genoemd in de export]"
    assert {r["instrument"] for r in context["monitor"]["resultaten"]} == {"[niet genoemd in de export]"}
    assert context["school"]["monitor_instrument"] == "ZIEN!"
    facts = sample.sample_facts(monitor_maand="oktober")
    assert not school_context(facts, sample.BRIN, with_charts=False)["monitor"]["andere_maand"]


def test_a_school_that_meets_the_law_has_no_monitor_row() -> None:
    facts = sample.sample_facts()
    assert facts.schools[sample.BRIN].monitor.overall == "voldoet"
    rows = school_context(facts, sample.BRIN, with_charts=False)["ontbreekt"]
    assert not [r for r in rows if r["wat"].startswith("Monitor")]
    rows = school_context(sample.sample_facts(missing=True), sample.BRIN, with_charts=False)["ontbreekt"]
    assert [r["wat"] for r in rows if r["wat"].startswith("Monitor")] == [
        "Monitor – Gemeten dit schooljaar (aandacht): Het monitorinstrument van de school is volgens het "
        "schoolformulier ZIEN!; daarvan is voor 2026-2027 nog niets ontvangen. Wel ontvangen: Eigen vragenlijst, "
        "afgenomen 01-10-2026, 300 leerlingen. Dat is niet het monitorinstrument en telt niet als de meting. Lever de "
        "resultaten van ZIEN! in vóór april."
    ]


# --- layout ----------------------------------------------------------------------------------


@pytest.mark.slow
def test_layout_rows_stay_whole_tables_are_as_wide_and_every_document_has_its_footer() -> None:
    for spec in DOCUMENTS:
        doc = Document(io.BytesIO(build_templates.build(spec)))
        for row in doc.element.body.iter(qn("w:tr")):
            assert row.find(f"{qn('w:trPr')}/{qn('w:cantSplit')}") is not None, spec.template_name
        for table in doc.element.body.iter(qn("w:tbl")):
            width = table.find(f"{qn('w:tblPr')}/{qn('w:tblW')}")
            assert width.get(qn("w:type")) == "dxa" and int(width.get(qn("w:w"))) > 8000
        section = doc.sections[0]
        assert "pagina" in "".join(p.text for p in section.footer.paragraphs)
        first = "".join(p.text for p in section.first_page_footer.paragraphs)
        assert ("pagina" in first) == (spec.key != "plan"), spec.template_name  # not on the plan's title page
    plan = Document(io.BytesIO(build_templates.build(DOCUMENTS[0])))
    compared = [
        t for t in plan.tables if t.cell(0, 0).text in ("Soort", "Soort incident", "Vorm van agressie",
                                                        "Ongevallen naar behandeling")
    ]  # fmt: skip
    assert len(compared) == 4
    assert len({tuple(c.width for c in t.columns) for t in compared}) == 1
    paragraphs = plan.paragraphs
    intro = next(p for p in paragraphs if p.text.startswith("De tekst voor Vensters"))
    assert intro.paragraph_format.keep_with_next
    for chart in ("{{ grafieken.themas }}", "{{ grafieken.maanden }}"):
        n = next(i for i, p in enumerate(paragraphs) if p.text == chart)
        assert paragraphs[n].paragraph_format.keep_with_next and paragraphs[n + 1].style.name == "Klein"


def test_the_form_annexes_explain_the_stars_before_the_questions() -> None:
    for annex in ANNEXES[6:9]:
        body = Document(io.BytesIO(build_templates.build(annex))).element.body
        blocks = [b for b in body.iterchildren() if b.tag in (qn("w:p"), qn("w:tbl"))]
        first_table = next(i for i, b in enumerate(blocks) if b.tag == qn("w:tbl"))
        note = next(i for i, b in enumerate(blocks) if "Velden met * zijn verplicht" in element_text(b))
        assert note < first_table


# --- files ---------------------------------------------------------------------------------------


def test_generated_documents_carry_the_school_the_board_and_the_time_they_were_made(demo_folder: Settings) -> None:
    path = school_dir(demo_folder, "12AB") / f"Veiligheidsplan OBS De Regenboog {YEAR}.docx"
    props = Document(str(path)).core_properties
    assert props.title == f"Veiligheidsplan OBS De Regenboog {YEAR}"
    assert props.subject == f"OBS De Regenboog, schooljaar {YEAR}"
    assert props.author == demo_folder.board.bestuur and props.comments == ""
    assert props.created == props.modified
    assert abs((props.created - dt.datetime.now(dt.UTC)).total_seconds()) < 3600
    with zipfile.ZipFile(path) as zf:
        assert f"<Company>{demo_folder.board.bestuur}</Company>" in zf.read("docProps/app.xml").decode()


@pytest.mark.slow
def test_a_run_without_pdf_removes_the_old_pdf_of_each_document_it_made(demo_folder: Settings, tmp_path: Path) -> None:
    copy = tmp_path / "kopie"
    shutil.copytree(demo_folder.paths.root, copy)
    settings = load_settings(copy / "veiligheid.toml")
    old = [p.with_suffix(".pdf") for p in school_dir(settings, "34CD").glob("*.docx")]
    kept = school_dir(settings, "12AB") / "Bijlage 01 - Internetgebruik.pdf"
    for pdf_file in [*old, kept]:
        pdf_file.write_bytes(b"%PDF-1.4 oud")
    app.make_plans(settings, schools=["34CD"], schooljaar=YEAR, today=TODAY)
    assert len(old) == 14 and not any(p.exists() for p in old)
    assert kept.exists()  # 12AB's documents were not made again


# --- template messages -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("remove", "expected"),
    [
        (
            "{%tr endfor %}",
            "de tag {%tr for r in rollen %} (onder de kop ‘3 Organisatie en rollen’, in de tabel die begint met "
            "‘Rol’) wordt nergens afgesloten. Zet {%tr endfor %} terug, in een eigen rij van die tabel, onder de "
            "rij(en) die ervan afhangen.",
        ),
        (
            "{%p endif %}",
            "de tag {%p if schoolformulier.uit_eerder_jaar %} (onder de kop ‘1.3 Hoe dit plan tot stand komt’) "
            "wordt nergens afgesloten. Zet {%p endif %} terug, in een eigen alinea, na de tekst die ervan afhangt.",
        ),
        (
            "{%tr for r in rollen %}",
            "de tag {%tr endfor %} (onder de kop ‘3 Organisatie en rollen’, in de tabel die begint met ‘Rol’) sluit "
            "niets af: er staat geen for ervoor die nog open is. Verwijder deze tag, of zet de tag terug die hij "
            "afsluit.",
        ),
    ],
)
def test_a_block_tag_left_open_or_alone_is_named_with_its_place(remove: str, expected: str, tmp_path: Path) -> None:
    data = _template_with(remove, "")
    (finding,) = lint.check_template("Veiligheidsplan.docx", data, sample=sample_context())
    assert (finding.level, finding.message) == ("fout", expected)
    with pytest.raises(TemplateProblem) as caught:
        CompiledTemplate.from_bytes("Veiligheidsplan.docx", data, environment())
    assert caught.value.message == f"Sjabloon ‘Veiligheidsplan.docx’: {expected}"


# --- the law's own words ----------------------------------------------------------------------------


def test_no_output_or_template_speaks_of_an_erkend_instrument(demo_folder: Settings) -> None:
    """The inspectorate lists suppliers with a delivery agreement; it approves no instruments."""
    root = Path(__file__).parent.parent
    texts: dict[str, str] = {}
    made = [*(demo_folder.paths.outbox / "plannen").rglob("*.docx"), demo_folder.paths.master]
    for path in [*PRODUCT_TEMPLATES.glob("*.docx"), *made]:
        with zipfile.ZipFile(path) as z:  # every part: text, shared strings, headers, comments
            texts[path.name] = " ".join(
                z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.endswith(".xml")
            )
    for path in (root / "automation").rglob("*.py"):
        texts[str(path.relative_to(root))] = path.read_text(encoding="utf-8")
    texts["README.md"] = (root / "README.md").read_text(encoding="utf-8")
    assert len(made) == 3 * 14 + 1  # every school's documents and the master were scanned
    found = sorted(name for name, text in texts.items() if re.search(r"erkend(e)? instrument", text, re.IGNORECASE))
    assert found == []


def test_a_service_account_without_a_home_gets_no_matplotlib_warning(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from automation.documents import charts

    monkeypatch.delenv("MPLCONFIGDIR", raising=False)
    monkeypatch.setattr(Path, "home", classmethod(lambda cls: tmp_path / "geen-thuismap"))
    charts._cache_folder()  # matplotlib would warn, in English, that it made a temporary cache folder
    folder = Path(os.environ["MPLCONFIGDIR"])
    assert folder.is_dir() and folder.name.startswith("veiligheid-matplotlib-")
    monkeypatch.setattr(Path, "home", classmethod(lambda cls: tmp_path))
    monkeypatch.delenv("MPLCONFIGDIR")
    charts._cache_folder()  # a writable home: matplotlib's own place
    assert "MPLCONFIGDIR" not in os.environ
