"""The templates are compiled once per `plan` run and kept by the watcher between its runs; a
template saved again (an edit in Word) is compiled again, the others are not. A chart is drawn once
per set of figures. The counting goes through `render.compilations`, never through timing."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections import Counter
from pathlib import Path

from docx import Document

from automation import app
from automation.config import Settings
from automation.documents import charts
from automation.documents.build_templates import build
from automation.documents.catalog import ANNEXES, DOCUMENTS, PLAN
from automation.documents.generate import office_templates
from automation.documents.refresh import PlanRefresher
from automation.documents.render import CompiledTemplate, compilations, environment
from automation.documents.sample import sample_context
from automation.filenames import school_folder_name
from automation.store import Store
from tests.conftest import Filler
from tests.helpers import document_text

MADE = dt.datetime(2026, 11, 28, 10, 0)


def compiled_since(before: Counter[str]) -> Counter[str]:
    return Counter(compilations) - before


def test_one_plan_run_compiles_each_template_once_for_all_its_schools(workspace: Settings) -> None:
    before = Counter(compilations)
    run = app.make_plans(workspace, today=dt.date.today())
    assert len(run.generation.results) == len(workspace.schools) >= 2
    assert compiled_since(before) == Counter(spec.template_name for spec in DOCUMENTS)


def test_the_watcher_keeps_its_compiled_templates_and_compiles_one_saved_again_in_word(
    workspace: Settings, drop: Filler
) -> None:
    today = dt.date.today()
    app.build_templates(workspace, out=None, overwrite=False)  # the office's own copies in sjablonen/
    plans = PlanRefresher(workspace, quiet=0, longest=0)

    def new_incident_made_plan(seed: int) -> list[str]:
        drop("incident", seed=seed)
        app.process(workspace)
        store = Store.open(workspace.paths.database, create=False)
        try:
            return plans.tick(store, today=today, changed=True)
        finally:
            store.close()

    drop("school", "schoolformulier.xlsx")
    before = Counter(compilations)
    assert new_incident_made_plan(1) == ["12AB"]
    assert compiled_since(before) == Counter(spec.template_name for spec in DOCUMENTS)

    before = Counter(compilations)
    assert new_incident_made_plan(2) == ["12AB"]
    assert compiled_since(before) == Counter()  # the same templates: nothing compiled

    bullying = ANNEXES[2]
    path = office_templates(workspace) / bullying.template_name
    doc = Document(str(path))
    doc.add_paragraph("Aangevuld door het bestuurskantoor.")
    doc.save(str(path))
    before = Counter(compilations)
    assert new_incident_made_plan(3) == ["12AB"]
    assert compiled_since(before) == Counter({bullying.template_name: 1})
    folder = workspace.paths.outbox / "plannen" / school_folder_name("12AB", workspace.schools["12AB"])
    assert "Aangevuld door het bestuurskantoor." in document_text(folder / bullying.template_name)


def test_a_template_renders_the_same_document_every_time(tmp_path: Path) -> None:
    """Each rendering works on its own copy of the template: nothing of one document stays behind
    in the next (the charts, the school's texts, the properties)."""
    template = CompiledTemplate.from_bytes(PLAN.template_name, build(PLAN), environment())
    context = sample_context(with_charts=True)
    for name in ("eerste.docx", "tweede.docx"):
        template.render(context, tmp_path / name, title="Veiligheidsplan", author="Bestuur", at=MADE)
    other = sample_context(with_charts=False, missing=True)
    template.render(other, tmp_path / "ander.docx", title="Ander", at=MADE)
    template.render(context, tmp_path / "derde.docx", title="Veiligheidsplan", author="Bestuur", at=MADE)
    parts = [_parts(tmp_path / n) for n in ("eerste.docx", "tweede.docx", "derde.docx")]
    assert parts[0] == parts[1] == parts[2]
    assert any(name.startswith("word/media/") for name in parts[0])
    assert _parts(tmp_path / "ander.docx") != parts[0]
    with zipfile.ZipFile(tmp_path / "eerste.docx") as package:
        assert package.testzip() is None
    assert "[afbeelding]" in "\n".join(document_text(tmp_path / "eerste.docx"))


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as package:
        return {name: package.read(name) for name in package.namelist()}


def test_a_chart_is_drawn_once_per_set_of_figures() -> None:
    figures = {"2026-09": Counter({"incident": 2, "ongeval": 1}), "2026-10": Counter({"agressie": 1})}
    first = charts.registrations_per_month(figures, year="2026-2027")
    same = charts.registrations_per_month(
        {"2026-10": Counter({"agressie": 1}), "2026-09": Counter({"ongeval": 1, "incident": 2})}, year="2026-2027"
    )
    other = charts.registrations_per_month(figures | {"2026-11": Counter({"incident": 1})}, year="2026-2027")
    assert first is not None and other is not None
    assert same is first
    assert other.png != first.png
    results = [("Veiligheid", "leerlingen", 0.9), ("Pesten", "leerlingen", 0.8)]
    assert charts.monitor_themes(list(results)) is charts.monitor_themes(tuple(results))


def test_a_picture_in_the_offices_template_stays_beside_the_charts(tmp_path: Path) -> None:
    """A logo placed in Word is kept as it is; the charts get picture names of their own."""
    template_file = tmp_path / PLAN.template_name
    template_file.write_bytes(build(PLAN))
    doc = Document(str(template_file))
    logo = charts.monitor_themes([("Logo", "leerlingen", 0.5)])
    assert logo is not None
    doc.paragraphs[0].insert_paragraph_before().add_run().add_picture(io.BytesIO(logo.png))
    doc.save(str(template_file))
    template = CompiledTemplate.load(template_file, environment())
    template.render(sample_context(with_charts=True), tmp_path / "plan.docx", title="Veiligheidsplan", at=MADE)
    pictures = [name for name in _parts(tmp_path / "plan.docx") if name.startswith("word/media/")]
    assert len(pictures) == len(set(pictures)) == 3  # the logo and the two charts
    assert "\n".join(document_text(tmp_path / "plan.docx")).count("[afbeelding]") == 3
