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
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from docx import Document
from docx.oxml.ns import qn

from automation import app, demo
from automation.cli import main
from automation.config import Settings, load_settings
from automation.documents import build_templates, formatting, lint, pdf
from automation.documents.catalog import ANNEXES, DOCUMENTS, school_folder_name
from automation.documents.errors import TemplateProblem
from automation.documents.generate import PRODUCT_TEMPLATES, plan_dates
from automation.documents.refresh import PlanRefresher
from automation.documents.render import CompiledTemplate, environment
from automation.documents.sample import sample_context
from automation.excel.build_form import form_file_name
from automation.excel.fill import fill_form
from automation.forms import FORMS
from automation.store import Store

TODAY = dt.date(2026, 11, 28)
YEAR = "2026-2027"
GOLDEN = Path(__file__).parent / "golden" / "documents"
PUPIL_REF = "QX4711"
SECRET_STORY = "Zebrapadruzie bij de bakfiets van meester Kees"


def document_text(path: Path | bytes) -> list[str]:
    """Normalised text: header and footer, then every paragraph and table cell in order."""
    doc = Document(io.BytesIO(path) if isinstance(path, bytes) else str(path))
    lines: list[str] = []
    section = doc.sections[0]
    for part in (section.header, section.footer):
        lines += [f"[{'kop' if part is section.header else 'voet'}] {p.text}" for p in part.paragraphs if p.text]
    for block in doc.element.body.iterchildren():
        if block.tag == qn("w:p"):
            text = _text(block)
            if block.find(".//" + qn("w:drawing")) is not None:
                text += "[afbeelding]"
            if text.strip():
                lines.append(re.sub(r"\s+", " ", text).strip())
        elif block.tag == qn("w:tbl"):
            for row in block.iter(qn("w:tr")):
                cells = [re.sub(r"\s+", " ", _text(tc)).strip() for tc in row.iter(qn("w:tc"))]
                lines.append(" | ".join(cells))
    return lines


def _text(element: Any) -> str:
    """Text with tabs and line breaks as spaces (paragraphs are joined by the caller)."""
    return "".join(
        (node.text or "") if node.tag == qn("w:t") else " " for node in element.iter(qn("w:t"), qn("w:tab"), qn("w:br"))
    )


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
            [f"Veiligheidsplan {name} {YEAR}.docx"] + [f"Bijlage {a.number:02d} - {a.title}.docx" for a in ANNEXES]
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
    assert re.search(r"Incidenten met leerlingen \| \d+ \| \d+ \| ", text)
    assert "[afbeelding]" in text  # the chart of registrations per month
    # what is missing says who supplies it, instead of an empty cell
    assert "Adres | [nog aan te vullen door de directeur], Amersfoort" in text
    assert "de directeur | op het formulier Schoolgegevens en veiligheidsbeleid | Adres, Telefoon" in text


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


def test_generating_twice_gives_the_same_text(demo_folder: Settings, tmp_path: Path) -> None:
    copy = tmp_path / "kopie"
    shutil.copytree(demo_folder.paths.root, copy)
    settings = load_settings(copy / "veiligheid.toml")
    before = {p.name: document_text(p) for p in school_dir(settings, "34CD").glob("*.docx")}
    app.make_plans(settings, schools=["34cd"], schooljaar=YEAR, today=TODAY)
    after = {p.name: document_text(p) for p in school_dir(settings, "34CD").glob("*.docx")}
    assert after == before and len(after) == 13


def _all_text(path: Path) -> str:
    with zipfile.ZipFile(path) as zf:
        return "\n".join(zf.read(n).decode("utf-8", "replace") for n in zf.namelist() if n.endswith(".xml"))


def test_no_pupil_identity_or_incident_story_in_any_document(demo_folder: Settings) -> None:
    forbidden = [PUPIL_REF, SECRET_STORY, "LL-"]
    forbidden += [row[2] for row in demo.INCIDENTS] + [row[3] for row in demo.INCIDENTS]
    forbidden += [row[3] for row in demo.AGGRESSION] + [row[2] for row in demo.ACCIDENTS]
    store = Store.open(demo_folder.paths.database, create=False)
    try:  # the pseudonyms as stored
        forbidden += [
            r[0] for r in store.conn.execute("SELECT json_extract(data, '$.leerling_ref') FROM records") if r[0]
        ]
    finally:
        store.close()
    documents = list((demo_folder.paths.outbox / "plannen").rglob("*.docx"))
    assert len(documents) == 39
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


def test_every_template_renders_with_a_complete_example_and_with_missing_facts(tmp_path: Path) -> None:
    env = environment()
    for spec in DOCUMENTS:
        template = CompiledTemplate.from_bytes(spec.template_name, build_templates.build(spec), env)
        for n, context in enumerate((sample_context(with_charts=True), sample_context(missing=True))):
            target = tmp_path / f"{spec.key}-{n}.docx"
            template.render(context, target, title="proef")
            assert document_text(target)


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
        "Sjabloon ‘Veiligheidsplan.docx’: de tag {{ school.coordinatr }} gebruikt ‘coordinatr’, maar dat "
        "gegeven bestaat niet. Controleer de spelling met 'veiligheid templates check' (de README noemt alle gegevens)."
    )
    assert not (tmp_path / "plan.docx").exists()


def test_the_template_check_names_unknown_fields_broken_tags_and_split_formatting() -> None:
    sample = sample_context()
    data = _template_with("{{ school.coordinator_naam }} is de", "{{ school.coordinatr }} is de")
    (finding,) = lint.check_template("Veiligheidsplan.docx", data, sample=sample)
    assert finding.level == "fout"
    assert finding.message.startswith("‘school’ heeft geen gegeven ‘coordinatr’ (in de alinea ‘")
    broken = _template_with("{{ school.coordinator_naam }} is de", "{{ school.coordinator_naam is de")
    unclosed, syntax = lint.check_template("Veiligheidsplan.docx", broken, sample=sample)
    assert unclosed.message.startswith(
        "bij een {{ hoort een }} in dezelfde alinea, en dat klopt niet in ‘{{ school.coordinator_naam is de"
    )
    assert syntax.message.startswith("een tag is onvolledig of fout in de alinea ‘{{ school.coordinator_naam is")
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
        ("procent", 0.845, "84%"),
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


def test_plan_command_after_the_demo_and_its_errors(demo_folder: Settings, tmp_path: Path) -> None:
    copy = tmp_path / "kopie"
    shutil.copytree(demo_folder.paths.root, copy)
    config = str(copy / "veiligheid.toml")
    runner = CliRunner()
    result = runner.invoke(main, ["--config", config, "plan", "--school", "56EF", "--schooljaar", YEAR])
    assert result.exit_code == 0, result.output
    assert f"Veiligheidsplan en bijlagen voor {YEAR}: 1 school, 13 documenten." in result.stdout
    assert f"  56EF IKC De Vlinder: {copy / 'outbox' / 'plannen' / '56EF IKC De Vlinder'}" in result.stdout
    wrong = runner.invoke(main, ["--config", config, "plan", "--schooljaar", "2026"])
    assert wrong.exit_code == 2
    assert wrong.stderr == "Fout: '2026' is geen schooljaar; schrijf het zoals 2026-2027.\n"
    unknown = runner.invoke(main, ["--config", config, "plan", "--school", "99XX"])
    assert unknown.exit_code == 3
    assert unknown.stderr == "Fout: School 99XX staat niet in veiligheid.toml; bekende scholen: 12AB, 34CD, 56EF.\n"


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
    assert f"13 sjablonen stonden al in {copy / 'sjablonen'}: niet overschreven" in again.stdout
    assert own.read_bytes() == edited
    checked = runner.invoke(main, ["--config", config, "templates", "check"])
    assert checked.exit_code == 6
    assert "Veiligheidsplan.docx: fout: ‘school’ heeft geen gegeven ‘coordinatr’" in checked.stderr
    assert checked.stdout.endswith("13 sjablonen gecontroleerd: 1 fout(en), 0 waarschuwing(en).\n")
    failed = runner.invoke(main, ["--config", config, "plan"])
    assert failed.exit_code == 6
    assert failed.stderr.startswith("Fout: Sjabloon ‘Veiligheidsplan.docx’: de tag {{ school.coordinatr }}")


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


def _process_with(settings: Settings, store: Store) -> int:
    from automation.intake.runner import Runner

    runner = Runner.open(settings)
    try:
        return runner.process_once(wait_limit=5).accepted
    finally:
        runner.close()
