"""The board's yearly report on social safety (issue 15, part 3): `veiligheid jaarverslag`.

One board is built for the module through real filled forms at a fixed date: school 12AB with enough
bullying in both years to be shown, two fights and a threat (small counts), an aggression report, a
school form, a survey and a measure; 34CD with three bullying incidents this year only (a small count
against 0); 56EF with nothing. Every incident carries a distinctive pupil reference and story, the
measure a distinctive explanation and owner, so the privacy scan can look for them. The golden file
holds the report's normalised text; regenerate it with UPDATE_GOLDEN=1 after an intended change.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from filelock import FileLock
from hypothesis import given
from hypothesis import settings as examples
from hypothesis import strategies as st

from automation import app, demo
from automation.checks.measures import WITHHELD
from automation.checks.vensters import SMALL
from automation.cli import main
from automation.config import Settings, load_settings
from automation.documents import build_templates, jaarverslag, lint, pdf
from automation.documents.generate import PRODUCT_TEMPLATES
from automation.documents.jaarverslag import Cell, difference, summed
from automation.excel.build_form import form_file_name
from automation.excel.fill import fill_form
from automation.forms import FORMS, Kind, figure_forms
from automation.intake.office import requests_folder
from automation.workspace import init_workspace
from tests.helpers import document_text, rows, texts_in

TODAY = dt.date(2026, 11, 28)
YEAR, LAST = "2026-2027", "2025-2026"
GOLDEN = Path(__file__).parent / "golden" / "jaarverslag"
MOMENT = dt.datetime(2026, 11, 28, 12, 0)
REFS = ("QXW", "ZKT", "W.Q.Y.")  # plain pupil references as staff type them: letters no hash or date holds
STORY = "Verhaal {n}: {ref} werd bij de zandbak geduwd."
EXPLANATION = "Toelichting: na het voorval met leerling QXW bij de gymzaal"
OWNER = "Juf Petra Zwaanswijk"
NAMED_MEASURE = "Extra begeleiding voor leerling 4711234 in groep 7."


def _incident(rng: random.Random, day: dt.date, school: str, category: str, n: int) -> dict[str, object]:
    ref = REFS[n % len(REFS)]
    return demo.incident(rng, TODAY, school) | {
        "categorie": category,
        "datum": day,
        "datum_ingevuld": day,
        "evaluatie_datum": None,
        "leerling_ref": ref,
        "omschrijving": STORY.format(n=n, ref=ref),
        "letsel": "nee",
    }


def _forms() -> Iterator[tuple[str, dict[str, object]]]:
    rng = random.Random(15)
    this, last = dt.date(2026, 9, 1), dt.date(2025, 9, 1)
    plan = [
        *((this + dt.timedelta(days=7 * i), "12AB", "pesten") for i in range(6)),
        *((this + dt.timedelta(days=7 * i + 3), "12AB", "fysiek geweld") for i in range(2)),
        *((last + dt.timedelta(days=7 * i), "12AB", "pesten") for i in range(5)),
        (last + dt.timedelta(days=20), "12AB", "bedreiging"),
        (dt.date(2026, 3, 10), "12AB", "pesten"),  # last year after its same period: whole year only
        *((this + dt.timedelta(days=10 * i), "34CD", "pesten") for i in range(3)),
    ]
    for n, (day, school, category) in enumerate(plan):
        yield "incident", _incident(rng, day, school, category, n)
    after = this + dt.timedelta(days=1)
    yield (
        "agressie",
        demo.agressie(rng, TODAY, "12AB")
        | {
            "datum": this,
            "opvanggesprek_datum": after,
            "datum_ingevuld": after,
        },
    )
    for school in ("12AB", "34CD"):
        yield "school", demo.school_form(TODAY, school)
    yield "peiling", demo.peiling(TODAY, "12AB") | {"instrument": "KiVa-monitor"}
    yield "maatregelen", demo.maatregel(TODAY, "12AB", 1) | {"aanleiding_toelichting": EXPLANATION, "eigenaar": OWNER}
    yield "maatregelen", demo.maatregel(TODAY, "34CD") | {"maatregel": NAMED_MEASURE}  # accepted, with a warning


@pytest.fixture(scope="module")
def board(tmp_path_factory: pytest.TempPathFactory, blank_forms: Path) -> Settings:
    """The module's board, every form filled through its defined names and processed."""
    settings, _ = init_workspace(tmp_path_factory.mktemp("jaarverslag") / "werkmap", board="Testbestuur",
                                 stable_seconds=0, damaged_after=0)  # fmt: skip
    settings = load_settings(settings.paths.config)
    for n, (form_id, values) in enumerate(_forms()):
        fill_form(
            blank_forms / form_file_name(FORMS[form_id]), values, settings.paths.inbox / f"{n:02d} {form_id}.xlsx"
        )
    counts = app.process(settings)
    assert (counts.accepted, counts.rejected) == (24, 0)
    return settings


@pytest.fixture(scope="module")
def report(board: Settings) -> Path:
    return app.make_yearly_report(board, pdf=False, today=TODAY, at=MOMENT).written.path


def text_of(path: Path) -> str:
    return "\n".join(document_text(path)) + "\n"


def test_the_report_is_written_beside_the_master_under_its_school_year(board: Settings, report: Path) -> None:
    assert report == board.paths.outbox / f"Jaarverslag sociale veiligheid {YEAR}.docx"
    assert not list(board.paths.outbox.glob(".*.tmp.docx"))  # written beside it first, then moved


def test_golden_text_of_the_yearly_report(report: Path) -> None:
    got = text_of(report)
    golden = GOLDEN / f"jaarverslag-{YEAR}.txt"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(got, encoding="utf-8")
    assert got == golden.read_text(encoding="utf-8"), f"the report differs from {golden}"


def test_making_it_twice_gives_the_same_text(board: Settings, report: Path, tmp_path: Path) -> None:
    copy = tmp_path / "kopie"
    shutil.copytree(board.paths.root, copy)
    again = app.make_yearly_report(load_settings(copy / "veiligheid.toml"), pdf=False, today=TODAY, at=MOMENT)
    assert text_of(again.written.path) == text_of(report)


# --- privacy, rule by rule -----------------------------------------------------------------------------


def test_a_school_with_one_to_four_of_a_kind_shows_minder_dan_5_and_no_difference(report: Path) -> None:
    lines = document_text(report)
    school = lines[lines.index("34CD CBS Het Anker") :]
    assert "Incidenten met leerlingen: pesten | minder dan 5 | 0 | –" in school
    twelve = lines[lines.index("12AB OBS De Regenboog") : lines.index("34CD CBS Het Anker")]
    assert "Incidenten met leerlingen: fysiek geweld | minder dan 5 | 0 | –" in twelve
    assert "Incidenten met leerlingen: bedreiging | 0 | minder dan 5 | –" in twelve
    assert "Incidenten met leerlingen: pesten | 6 | 5 | +1" in twelve  # both shown: the difference too


def test_a_sum_with_a_concealed_part_is_not_shown(report: Path) -> None:
    lines = document_text(report)
    kinds = lines[lines.index("Incidenten met leerlingen per soort") :]
    # 12AB's 6 is shown and 56EF has none: the board's 9 would give away 34CD's 3
    assert "pesten | niet getoond | 5 | –" in kinds
    # a register's total over concealed kinds, and the total over it: built from shown numbers only
    assert "Incidenten met leerlingen | niet getoond | niet getoond | –" in lines
    assert "Totaal | niet getoond | niet getoond | –" in lines


def test_the_sum_rule_by_its_cases() -> None:
    assert summed([Cell(6), Cell(3), Cell(0)]) == Cell(9, hidden=True)  # one concealed part
    assert summed([Cell(6), Cell(3), Cell(2)]) == Cell(11, hidden=True)  # two: another sum could still pin them
    assert summed([Cell(6), Cell(5), Cell(0)]) == Cell(11)  # every part shown
    assert summed([Cell(6), summed([Cell(6), Cell(2)])]) == Cell(14, hidden=True)  # over a hidden sum: hidden
    assert summed([Cell(2), Cell(1)]).text == "minder dan 5"
    assert summed([Cell(None), Cell(None)]) == Cell(None)
    assert [Cell(0).text, Cell(4).text, Cell(5).text, Cell(1234).text] == ["0", "minder dan 5", "5", "1.234"]
    assert difference(Cell(0), Cell(3)) == "–" and difference(Cell(7), Cell(5)) == "+2"
    assert difference(Cell(5), Cell(9, hidden=True)) == "–" and difference(Cell(5), Cell(None)) == "–"


def test_a_total_that_is_the_sum_of_two_sets_of_parts_is_hidden_when_either_has_a_concealed_part() -> None:
    # the board's 26 over the registers (20 and 6) is also the sum of the schools the chart shows (13 and
    # 10) and the one it leaves out: 26 - 13 - 10 would give that school's 3 away
    registers, schools = summed([Cell(20), Cell(6)]), summed([Cell(13), Cell(10), Cell(3)])
    assert registers == Cell(26) and schools == Cell(26, hidden=True)
    assert jaarverslag.joint(registers, schools).text == "niet getoond"
    assert jaarverslag.joint(Cell(12), Cell(12)).text == "12"


HIDDEN = "niet als getal"


@examples(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.integers(0, 12), min_size=1, max_size=4), min_size=1, max_size=4))
def test_no_shown_number_depends_on_a_concealed_count(table: list[list[int]]) -> None:
    """A reader who knows the rule: every number shown (a row's sum, a column's sum, the total) is a sum of
    numbers shown, so changing a concealed count within 1-4 never changes what the report shows."""

    def shown(rows: list[list[int]]) -> list[str]:
        cells = [[Cell(n) for n in row] for row in rows]
        width = max(len(r) for r in rows)
        columns = [summed([r[i] for r in cells if i < len(r)]) for i in range(width)]
        totals = [summed(r) for r in cells]
        grand = jaarverslag.joint(summed(totals), summed(columns))
        every = (*[c for r in cells for c in r], *columns, *totals, grand)
        return [HIDDEN if c.concealed else c.text for c in every]  # a number, or not shown (which way: no count)

    seen = shown(table)
    for r, row in enumerate(table):
        for c, n in enumerate(row):
            if 0 < n < SMALL:
                for other in range(1, SMALL):
                    changed = [list(x) for x in table]
                    changed[r][c] = other
                    assert shown(changed) == seen


def test_the_charts_leave_out_small_counts_and_say_so_under_them(board: Settings, report: Path) -> None:
    from automation.checks.board import board_facts
    from automation.store import Store

    store = Store.open(board.paths.database, create=False)
    try:
        facts = board_facts(store, board.board, choices=board.choices, schooljaar=YEAR, today=TODAY)
        context = jaarverslag.yearly_context(facts, measures=jaarverslag.school_measures(store, facts))
    finally:
        store.close()
    # per register: incidents 11 with a small kind in them (not shown), aggression left out (confidential),
    # no accidents: no bar is drawn from a number the tables do not show, so no chart at all here
    bars = jaarverslag._shown_totals(jaarverslag._totals(jaarverslag._board_kinds(facts, {
        brin: jaarverslag._school_kinds(facts, sf, figure_forms()) for brin, sf in facts.schools.items()
    }, figure_forms()), known=True), figure_forms())  # fmt: skip
    assert [bar for bar in bars if bar[0] == "Incidenten"] == [("Incidenten", None, None)]
    lines = document_text(report)
    notes = context["grafiek_toelichting"]
    assert notes["registers"].startswith("Aantallen kleiner dan 5") and notes["registers"] in lines
    assert notes["scholen"].startswith("2 scholen staan niet in de grafiek") and notes["scholen"] in lines
    assert lines.count("[afbeelding]") == 0
    six = jaarverslag._shown_totals({"incident": (Cell(6), Cell(5))}, ["incident"])  # exact: drawn as they are
    assert six == [("Incidenten", 6, 5)]


def _stored_private(settings: Settings) -> list[str]:
    """Every pseudonym and description the store holds of the registrations, and the measure's free
    explanation and owner."""
    found = [r[0] for r in rows(settings, "SELECT json_extract(data, '$.leerling_ref') FROM records") if r[0]]
    for form_id in figure_forms():
        for f in FORMS[form_id].fields:
            if f.kind in (Kind.LONGTEXT, Kind.PUPIL_REF):
                found += [
                    r[0]
                    for r in rows(
                        settings, f"SELECT json_extract(data, '$.{f.key}') FROM records WHERE form_id = ?", form_id
                    )
                    if r[0]
                ]
    return sorted(set(found))


def test_no_pupil_reference_pseudonym_description_or_staff_name_anywhere_in_the_docx(
    board: Settings, report: Path
) -> None:
    forbidden = [*REFS, EXPLANATION, OWNER, "4711234", *_stored_private(board)]
    assert any(value.startswith("LL-") for value in forbidden)  # the pseudonyms are among them
    assert any(value.startswith("Verhaal ") for value in forbidden)  # and the stories
    staff = demo.school_form(TODAY, "12AB") | demo.school_form(TODAY, "34CD")
    names = [str(staff[k]) for k in ("directeur_naam", "contactpersoon_naam") if staff.get(k)]
    names += ["M. de Vries", "A. Bakker", "S. Yilmaz"]  # who filled in the incidents
    text = texts_in(report)  # the body, headers, footers, the pictures' descriptions, the properties
    for value in [*forbidden, *names]:
        assert value not in text, f"{value!r} in the yearly report"
    assert "Anouk Bakker" in text and "Rik Mulder" in text  # the coordinators, by name


def test_a_measure_whose_text_looks_like_it_names_a_pupil_is_withheld_whole(report: Path) -> None:
    lines = document_text(report)
    school = lines[lines.index("34CD CBS Het Anker") : lines.index("56EF IKC De Vlinder")]
    (row,) = [line for line in school if line.startswith("Minder leerlingen voelen zich gepest")]
    assert WITHHELD in row and "begeleiding" not in row


# --- school years ----------------------------------------------------------------------------------------


def test_a_past_school_year_is_a_whole_year_and_says_there_is_nothing_to_compare(
    board: Settings, tmp_path: Path
) -> None:
    copy = tmp_path / "kopie"
    shutil.copytree(board.paths.root, copy)
    config = str(copy / "veiligheid.toml")
    result = CliRunner().invoke(main, ["--config", config, "jaarverslag", "--schooljaar", LAST, "--zonder-pdf"])
    assert result.exit_code == 0, result.output
    path = copy / "outbox" / f"Jaarverslag sociale veiligheid {LAST}.docx"
    assert result.stdout == f"Jaarverslag sociale veiligheid {LAST}: {path}\n"
    lines = document_text(path)
    assert (
        "Dit verslag gaat over het hele schooljaar 2025-2026 (1 augustus 2025 tot en met 31 juli 2026). Over "
        "2024-2025 zijn geen gegevens (de eerste registratie is van 1 september 2025), dus vergelijken met vorig "
        "jaar kan niet."
    ) in lines
    assert "Registraties | 2025-2026 | 2024-2025 | Verschil" in lines  # whole years: no 't/m'
    assert "Incidenten met leerlingen: pesten | 6 | – | –" in lines  # the five of its first months and March's


def test_a_running_year_counts_up_to_today_against_the_same_part_of_last_year(report: Path) -> None:
    lines = document_text(report)
    assert (
        "Het schooljaar 2026-2027 loopt nog: dit verslag telt tot en met 28 november 2026. De vergelijking is met "
        "dezelfde periode van 2025-2026: 1 augustus 2025 tot en met 28 november 2025. Van 2025-2026 zijn er gegevens "
        "vanaf 1 september 2025."
    ) in lines
    assert "Registraties | 2026-2027 t/m 28-11-2026 | 2025-2026 t/m 28-11-2025 | Verschil" in lines


def test_a_school_year_not_yet_begun_is_refused(board: Settings) -> None:
    result = CliRunner().invoke(main, ["--config", str(board.paths.config), "jaarverslag", "--schooljaar", "2030-2031"])
    assert result.exit_code == 2
    assert "nog niet begonnen" in result.stderr
    wrong = CliRunner().invoke(main, ["--config", str(board.paths.config), "jaarverslag", "--schooljaar", "2026"])
    assert wrong.exit_code == 2
    assert wrong.stderr == "Fout: '2026' is geen schooljaar; schrijf het zoals 2026-2027.\n"
    for typed in ("0000-0001", ""):  # year 0 is no date at all; an empty option is no school year either
        odd = CliRunner().invoke(main, ["--config", str(board.paths.config), "jaarverslag", "--schooljaar", typed])
        assert (odd.exit_code, odd.stderr) == (2, f"Fout: '{typed}' is geen schooljaar; schrijf het zoals 2026-2027.\n")


def test_a_board_that_registered_nothing_gets_a_report_that_says_so(workspace: Settings) -> None:
    run = app.make_yearly_report(workspace, schooljaar=LAST, pdf=False, today=TODAY, at=MOMENT)
    lines = document_text(run.written.path)
    assert "Totaal | 0 | – | –" in lines
    assert lines.count("In de vergeleken periodes heeft de school niets geregistreerd.") == 3
    assert "In 2025-2026 was er op geen van de scholen een geval dat gemeld moest worden." in lines
    assert not [line for line in lines if "[afbeelding]" in line]  # no chart of nothing


# --- the command ------------------------------------------------------------------------------------------


def test_it_refuses_while_a_run_holds_the_folder_but_works_beside_the_watcher(board: Settings, tmp_path: Path) -> None:
    copy = tmp_path / "kopie"
    shutil.copytree(board.paths.root, copy)
    settings = load_settings(copy / "veiligheid.toml")
    args = ["--config", str(settings.paths.config), "jaarverslag", "--schooljaar", LAST, "--zonder-pdf"]
    with FileLock(str(settings.paths.lock), timeout=0):  # `process`, `rebuild` or `purge` at work
        refused = CliRunner().invoke(main, args)
    assert refused.exit_code == 4
    assert refused.stderr == (
        "Fout: Er draait nu een verwerking in deze werkmap (process, rebuild of purge). Probeer het over een minuut "
        "opnieuw; er is niets gemaakt.\n"
    )
    assert not list(settings.paths.outbox.glob(f"Jaarverslag * {LAST}.*"))
    mark = requests_folder(settings) / "watcher"
    mark.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(settings.paths.lock), timeout=0):  # a running watcher holds it for good
        mark.write_text("4242", encoding="utf-8")
        beside = CliRunner().invoke(main, args)
    assert beside.exit_code == 0, beside.output
    assert beside.stdout.startswith(f"Jaarverslag sociale veiligheid {LAST}: ")
    assert (settings.paths.outbox / f"Jaarverslag sociale veiligheid {LAST}.docx").exists()


def test_without_libreoffice_it_says_so_and_still_writes_the_word_file(
    board: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pdf, "find_soffice", lambda: None)
    copy = tmp_path / "kopie"
    shutil.copytree(board.paths.root, copy)
    result = CliRunner().invoke(main, ["--config", str(copy / "veiligheid.toml"), "jaarverslag", "--schooljaar", LAST])
    assert result.exit_code == 0, result.output
    assert result.stderr == f"Let op: {pdf.NOT_INSTALLED}\n"
    assert (copy / "outbox" / f"Jaarverslag sociale veiligheid {LAST}.docx").exists()
    assert not list(copy.rglob("*.pdf"))


@pytest.mark.slow
@pytest.mark.skipif(pdf.find_soffice() is None, reason="LibreOffice is not installed")
def test_with_libreoffice_it_writes_the_pdf_beside_it(board: Settings, tmp_path: Path) -> None:
    copy = tmp_path / "kopie"
    shutil.copytree(board.paths.root, copy)
    run = app.make_yearly_report(load_settings(copy / "veiligheid.toml"), today=TODAY)
    assert run.pdf is not None and run.pdf.made == [run.written.path.with_suffix(".pdf")], run.pdf


# --- the template ------------------------------------------------------------------------------------------


def test_the_committed_template_is_what_the_builder_makes() -> None:
    import io
    import zipfile

    def parts(data: bytes) -> dict[str, bytes]:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return {n: zf.read(n) for n in zf.namelist() if n.startswith("word/") and n.endswith(".xml")}

    committed = PRODUCT_TEMPLATES / jaarverslag.TEMPLATE_NAME
    assert committed.is_file(), "run: veiligheid templates build --voorbeeld"
    assert parts(committed.read_bytes()) == parts(build_templates.build_yearly())
    assert jaarverslag.TEMPLATE_NAME in build_templates.build_all()  # built by the same command as the others


def test_the_office_edits_its_own_template_and_a_broken_tag_is_named(board: Settings, tmp_path: Path) -> None:
    copy = tmp_path / "kopie"
    shutil.copytree(board.paths.root, copy)
    config = str(copy / "veiligheid.toml")
    runner = CliRunner()
    built = runner.invoke(main, ["--config", config, "templates", "build"])
    assert built.exit_code == 0 and str(copy / "sjablonen" / "Jaarverslag.docx") in built.stdout
    own = copy / "sjablonen" / "Jaarverslag.docx"
    own.write_bytes(_replaced(own.read_bytes(), "{{ s.coordinator }}", "{{ s.coordinatr }}"))
    findings = lint.check_template("Jaarverslag.docx", own.read_bytes(), sample=jaarverslag.sample_context())
    assert [f.level for f in findings] == ["fout"] and "‘coordinatr’" in findings[0].message
    checked = runner.invoke(main, ["--config", config, "templates", "check"])
    assert checked.exit_code == 6 and "Jaarverslag.docx: fout:" in checked.stderr
    failed = runner.invoke(main, ["--config", config, "jaarverslag", "--zonder-pdf"])
    assert failed.exit_code == 6
    assert failed.stderr.startswith("Fout: Sjabloon ‘Jaarverslag.docx’: de tag {{ s.coordinatr }}")
    own.write_bytes(b"geen Word-bestand")  # saved as something else: a broken template too (6), as check says
    unreadable = runner.invoke(main, ["--config", config, "jaarverslag", "--zonder-pdf"])
    assert unreadable.exit_code == 6 and "is geen leesbaar Word-document" in unreadable.stderr
    assert runner.invoke(main, ["--config", config, "templates", "check"]).exit_code == 6
    own.unlink()
    target = copy / "outbox" / jaarverslag.output_name(YEAR)
    target.unlink(missing_ok=True)
    target.mkdir()  # the name taken by a folder: one Dutch line and exit code 3, no traceback
    taken = runner.invoke(main, ["--config", config, "jaarverslag", "--zonder-pdf", "--schooljaar", YEAR])
    assert taken.exit_code == 3 and taken.stderr.startswith(f"Fout: Kan {target} niet schrijven:")


def _replaced(data: bytes, old: str, new: str) -> bytes:
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w") as zout:
        for item in zin.infolist():
            part = zin.read(item.filename)
            if item.filename == "word/document.xml":
                assert old.encode() in part
                part = part.replace(old.encode(), new.encode(), 1)
            zout.writestr(item, part)
    return out.getvalue()


def test_a_survey_fewer_than_five_answered_shows_no_shares(workspace: Settings, blank_forms: Path) -> None:
    """As the Vensters text: one person's answers are not shown, only that too few took part."""
    values = demo.peiling(TODAY, "12AB") | {
        "respondent": "personeel",
        "groepen": None,
        "aantal_uitgenodigd": 4,
        "aantal_respondenten": 3,
        "positief_veiligheidsbeleving": 0.33,
    }
    fill_form(blank_forms / form_file_name(FORMS["peiling"]), values, workspace.paths.inbox / "peiling.xlsx")
    assert app.process(workspace).rejected == 0
    lines = document_text(app.make_yearly_report(workspace, pdf=False, today=TODAY, at=MOMENT).written.path)
    staff = [line for line in lines if line.startswith("personeel |")]
    assert staff == ["personeel | te weinig deelnemers om uitkomsten te tonen |  | minder dan 5"]
