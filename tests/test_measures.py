"""The sixth form, `maatregelen` (issue 15, part 1): a school's goals and measures, filled in a real
workbook through its defined names, checked, numbered, corrected by number, listed in its register,
counted in the Overzicht, an open action when past its end date without evaluation, and shown in the
plan's chapter 'Doelen en maatregelen'."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import openpyxl

from automation import app
from automation.checks.actions import Registration, actions_for
from automation.checks.measures import WITHHELD, measures_of
from automation.config import Settings
from automation.excel.overview_sheet import MEASURES_OVERDUE
from automation.forms.maatregelen import OVERDUE, UNEVALUATED
from automation.schoolyear import schoolyear
from automation.store import Record, Store
from tests.conftest import Filler
from tests.helpers import document_text, rows

TODAY = dt.date.today()
YEAR = schoolyear(TODAY)


def sheet(master: Path, name: str) -> list[tuple[Any, ...]]:
    wb = openpyxl.load_workbook(master, read_only=True, data_only=True)
    try:
        return [tuple(r) for r in wb[name].iter_rows(values_only=True)]
    finally:
        wb.close()


def overzicht(master: Path) -> tuple[dict[str, dict[str, Any]], list[tuple[Any, ...]]]:
    """Per BRIN its row (column title -> value), and the rows of the list of open actions below."""
    rows = sheet(master, "Overzicht")
    header = list(rows[3])
    schools = {}
    for row in rows[4:]:
        if row[0] is None or row[1] == "Totaal":
            break
        schools[str(row[0])] = dict(zip(header, row, strict=True))
    at = next(i for i, r in enumerate(rows) if isinstance(r[0], str) and r[0].startswith("Open acties ("))
    actions = [r[:5] for r in rows[at + 2 :] if r[0] and r[2]]
    return schools, actions


def regnrs(settings: Settings) -> list[str]:
    store = Store.open(settings.paths.database, create=False)
    try:
        return store.regnrs("maatregelen", school="12AB")
    finally:
        store.close()


def test_a_measure_is_numbered_listed_in_its_register_and_counted_apart_from_the_registrations(
    workspace: Settings, drop: Filler
) -> None:
    drop("maatregelen", "maatregel pesten.xlsx")
    counts = app.process(workspace)

    assert (counts.accepted, counts.rejected) == (1, 0)
    (regnr,) = regnrs(workspace)
    assert regnr == f"MAA-{TODAY.year}-0001"
    rows = sheet(workspace.paths.master, "Maatregelen")
    assert rows[0][:3] == ("Registratienummer", "BRIN", "School")
    for title in ("Doel", "Maatregel", "Aanleiding", "Thema van de monitor", "Eigenaar", "Uiterlijk klaar", "Stand"):
        assert title in rows[0], title
    (row,) = rows[1:]
    shown = dict(zip(rows[0], row, strict=True))
    assert (shown["Registratienummer"], shown["BRIN"], shown["Stand"]) == (regnr, "12AB", "loopt")
    assert shown["Thema van de monitor"] == "Aantasting van de veiligheid"
    assert isinstance(shown["Uiterlijk klaar"], dt.datetime)  # a date, not text
    assert shown["Open actie"] is None
    schools, actions = overzicht(workspace.paths.master)
    assert schools["12AB"][f"Maatregelen {YEAR}"] == 1
    assert schools["12AB"][MEASURES_OVERDUE] == 0
    assert actions == []
    figures = app.status(workspace)["schools"]["scholen"]["12AB"]  # status: a measure is no registration
    assert figures["totaal"] == 0 and "maatregelen" not in figures["registraties"]


def test_a_measures_form_with_its_dates_and_reason_wrong_is_rejected_with_a_dutch_explanation(
    workspace: Settings, drop: Filler
) -> None:
    drop(
        "maatregelen",
        "maatregel fout.xlsx",
        startdatum=dt.date(2026, 10, 1),
        einddatum=dt.date(2026, 9, 1),
        aanleiding="bevinding van de inspectie",
        aanleiding_thema=None,
        aanleiding_toelichting=None,
        evaluatie_datum=dt.date(2026, 10, 15),
        evaluatie_resultaat=None,
        status="half klaar",
    )
    counts = app.process(workspace)

    assert (counts.accepted, counts.rejected) == (0, 1)
    explanation = next(workspace.paths.rejected.rglob("maatregel fout*uitleg.txt")).read_text(encoding="utf-8")
    for expected in (
        "is verplicht omdat 'Aanleiding' is 'bevinding van de inspectie', maar is leeg. Vul dit veld in.",
        "de einddatum 01-09-2026 ligt vóór de startdatum (01-10-2026). Verwacht: de startdatum of later.",
        "'half klaar' staat niet in de keuzelijst. Kies uit: gepland, loopt, afgerond, gestopt.",
        "is verplicht omdat 'Datum evaluatie' is ingevuld, maar is leeg. Schrijf wat de evaluatie opleverde.",
    ):
        assert expected in explanation, expected
    assert "Toelichting op de aanleiding" in explanation and "Uiterlijk klaar" in explanation


def test_a_measure_past_its_end_date_without_evaluation_is_an_open_action_until_a_correction_evaluates_it(
    workspace: Settings, drop: Filler
) -> None:
    late = {"startdatum": TODAY - dt.timedelta(days=90), "einddatum": TODAY - dt.timedelta(days=1)}
    drop("maatregelen", "maatregel te laat.xlsx", **late)
    app.process(workspace)
    (regnr,) = regnrs(workspace)

    schools, actions = overzicht(workspace.paths.master)
    assert schools["12AB"][MEASURES_OVERDUE] == 1
    assert [(a[0], a[2], a[4]) for a in actions] == [("12AB", regnr, OVERDUE)]
    assert "afspraak van het bestuur, geen wettelijke eis" in OVERDUE  # a board norm, never shown as law
    (row,) = sheet(workspace.paths.master, "Maatregelen")[1:]
    assert OVERDUE in row

    evaluation = {
        "evaluatie_datum": TODAY,
        "evaluatie_resultaat": "Minder meldingen van pesten in groep 6 en 7; de gesprekken gaan door.",
        "status": "afgerond",
    }
    drop("maatregelen", "maatregel geëvalueerd.xlsx", correctie_van=regnr, **late, **evaluation)
    assert app.process(workspace).accepted == 1

    assert regnrs(workspace) == [regnr]  # the same measure, corrected by its number
    schools, actions = overzicht(workspace.paths.master)
    assert schools["12AB"][MEASURES_OVERDUE] == 0 and actions == []
    (row,) = sheet(workspace.paths.master, "Maatregelen")[1:]
    assert "afgerond" in row and evaluation["evaluatie_resultaat"] in row and 2 in row  # version 2


def test_a_measure_marked_finished_without_an_evaluation_is_accepted_with_a_warning_and_an_open_action(
    workspace: Settings, drop: Filler
) -> None:
    """A board norm, not a rejection: the director is told in the confirmation, the office sees an open
    action (in the Overzicht and in status's SQL count) until a correction gives the evaluation."""
    finished = {"status": "afgerond", "evaluatie_datum": None, "evaluatie_resultaat": None}
    drop("maatregelen", "maatregel afgerond.xlsx", **finished)  # its end date is months away
    counts = app.process(workspace)

    assert (counts.accepted, counts.rejected) == (1, 0)
    (regnr,) = regnrs(workspace)
    (receipt,) = workspace.paths.receipts.rglob(f"{regnr} - maatregel afgerond.txt")
    assert re.search(
        r"^- Stand \(cel B\d+\): de maatregel staat op 'afgerond', maar er is nog geen evaluatie ingevuld\. Het "
        r"bestuur vraagt elke maatregel te evalueren \(een afspraak van het bestuur, geen wettelijke eis\): stuur een "
        r"correctie met de datum en het resultaat van de evaluatie\.",
        receipt.read_text(encoding="utf-8-sig"),
        re.MULTILINE,
    )
    schools, actions = overzicht(workspace.paths.master)
    assert [(a[0], a[2], a[4]) for a in actions] == [("12AB", regnr, UNEVALUATED)]
    assert "afspraak van het bestuur, geen wettelijke eis" in UNEVALUATED  # a board norm, never shown as law
    assert schools["12AB"][MEASURES_OVERDUE] == 0  # not past its end date
    assert app.status(workspace)["schools"]["scholen"]["12AB"]["open_acties"] == 1  # the SQL count agrees

    evaluation = {"evaluatie_datum": TODAY, "evaluatie_resultaat": "Het doel is bereikt; de gesprekken blijven."}
    drop("maatregelen", "maatregel geëvalueerd.xlsx", correctie_van=regnr, status="afgerond", **evaluation)
    assert app.process(workspace).accepted == 1
    (receipt,) = workspace.paths.receipts.rglob(f"{regnr} - maatregel geëvalueerd.txt")
    assert "nog geen evaluatie" not in receipt.read_text(encoding="utf-8-sig")
    assert overzicht(workspace.paths.master)[1] == []
    assert app.status(workspace)["schools"]["scholen"]["12AB"]["open_acties"] == 0


def test_the_plans_chapter_shows_the_measures_that_run_this_year(
    workspace: Settings, drop: Filler, tmp_path: Path
) -> None:
    drop("school", "school.xlsx")
    drop("maatregelen", "maatregel 1.xlsx")
    start = TODAY - dt.timedelta(days=20)
    drop(
        "maatregelen",
        "maatregel 2.xlsx",
        doel="Digitaal pesten eerder zien.",
        maatregel="Les mediawijsheid in groep 7 en 8.",
        aanleiding="ontwikkeling in de registraties",
        aanleiding_thema=None,
        aanleiding_toelichting="meer digitaal pesten dan vorig jaar",
        eigenaar="de directeur",
        startdatum=start,
        einddatum=TODAY,
        status="afgerond",
        evaluatie_datum=TODAY,
        evaluatie_resultaat="Twee meldingen kwamen nu via leerlingen zelf.",
    )
    assert app.process(workspace).accepted == 3
    app.make_plans(workspace, schools=["12AB"], today=TODAY)

    (plan,) = (workspace.paths.outbox / "plannen").glob("12AB */Veiligheidsplan*.docx")
    lines = document_text(plan)
    at = lines.index("9.2 Wat de school doet")
    first = TODAY - dt.timedelta(days=60)
    assert lines[at + 1 : at + 5] == [
        f"De doelen en maatregelen die in {YEAR} lopen, met hun aanleiding, wie ervoor zorgt, wanneer ze klaar "
        "moeten zijn en hoe ze ervoor staan:",
        "# | Doel en maatregel | Aanleiding | Wie en wanneer | Stand en evaluatie",
        "1 | Minder leerlingen voelen zich gepest: in de monitor van vorig jaar gaf 9% van groep 5-8 aan gepest te "
        "worden; dit jaar minder dan 6%. — De coördinator geeft in groep 6 en 7 de KiVa-groepsgesprekken; de "
        "leerkrachten evalueren elk pestgeval na twee weken. | monitor: Aantasting van de veiligheid | de "
        f"coördinator sociale veiligheid, {first:%d-%m-%Y} t/m {TODAY + dt.timedelta(days=150):%d-%m-%Y} | loopt",
        "2 | Digitaal pesten eerder zien. — Les mediawijsheid in groep 7 en 8. | ontwikkeling in de registraties "
        f"| de directeur, {start:%d-%m-%Y} t/m {TODAY:%d-%m-%Y} | afgerond; "
        f"geëvalueerd {TODAY:%d-%m-%Y}: Twee meldingen kwamen nu via leerlingen zelf.",
    ]
    # the reason's free explanation is the office's (the master), never the published plan's
    assert not any("meer digitaal pesten dan vorig jaar" in line for line in lines)
    # the school form's own goals are not shown beside them, and a measure is no registration
    assert not any(line.startswith("Maatregelen |") for line in lines)


def test_free_texts_that_look_like_a_pupil_are_warned_about_and_the_reasons_explanation_stays_out_of_the_plan(
    workspace: Settings, drop: Filler
) -> None:
    """Names cannot be told from words, so none are looked for; what the board's forms use for a pupil
    (a number, initials with dots, the master's code) is: a warning in the confirmation, not a rejection.
    The warning does not repeat what it found."""
    drop("school", "school.xlsx")
    drop("incident", "incident.xlsx", leerling_ref="QXW", leerling_ref_rol="slachtoffer")
    app.process(workspace)
    (pseudonym,) = [r["ref"] for r in rows(workspace, "SELECT json_extract(data, '$.leerling_ref') AS ref FROM records")
                    if r["ref"]]  # fmt: skip
    explanation = f"na de meldingen over {pseudonym} in groep 7"
    drop(
        "maatregelen",
        "maatregel met leerling.xlsx",
        doel="Minder pesten rond K.v.D. in groep 7.",
        aanleiding="ontwikkeling in de registraties",
        aanleiding_thema=None,
        aanleiding_toelichting=explanation,
        status="afgerond",
        evaluatie_datum=TODAY,
        evaluatie_resultaat="Leerling 10234 voelt zich veiliger.",
    )
    counts = app.process(workspace)

    assert (counts.accepted, counts.rejected) == (1, 0)
    (regnr,) = regnrs(workspace)
    (receipt,) = workspace.paths.receipts.rglob(f"{regnr} - maatregel met leerling.txt")
    text = receipt.read_text(encoding="utf-8-sig")
    plan_says = (
        "Deze tekst komt in het veiligheidsplan, dat de school openbaar maakt: noem geen leerlingen, ook niet met "
        "een nummer, initialen of code. Staat er toch een leerling in, stuur dan een correctie zonder."
    )
    for label, what, where in (
        ("Doel", "initialen van een leerling (zoals J.d.V.)", plan_says),
        ("Toelichting op de aanleiding", "een leerlingcode uit het bestuursoverzicht (LL-…)",
         "Deze toelichting staat in het bestuursoverzicht: noem geen leerlingen"),
        ("Resultaat van de evaluatie", "een leerlingnummer", plan_says),
    ):  # fmt: skip
        assert re.search(
            rf"^- {re.escape(label)} \(cel B\d+\): de tekst bevat iets dat lijkt op {re.escape(what)}\. "
            + re.escape(where),
            text,
            re.MULTILINE,
        ), label
    for found in (pseudonym, "10234", "K.v.D."):
        assert found not in text
    assert not re.search(r"^- (Maatregel|Eigenaar) \(cel", text, re.MULTILINE)  # the demo's texts are clean

    app.make_plans(workspace, schools=["12AB"], today=TODAY)
    (plan,) = (workspace.paths.outbox / "plannen").glob("12AB */Veiligheidsplan*.docx")
    lines = document_text(plan)
    assert not any(pseudonym in line for line in lines)
    text = "\n".join(lines)
    for found in ("K.v.D.", "10234"):  # what the intake warned about is not published: the plan is public
        assert found not in text
    (row,) = [line for line in lines if line.startswith(f"1 | {WITHHELD}")]
    assert "| ontwikkeling in de registraties |" in row
    assert row.count(WITHHELD) == 2  # the goal and the evaluation's result; the measure itself is clean
    (registered,) = sheet(workspace.paths.master, "Maatregelen")[1:]
    assert explanation in registered  # the office still reads why


def test_a_stopped_measure_or_one_evaluated_raises_no_action() -> None:
    data = {"einddatum": "2026-10-01", "status": "loopt", "evaluatie_datum": None}

    def actions(**changes: Any) -> list[str]:
        reg = Registration("maatregelen", "MAA-2026-0001", "12AB", data | changes, "in behandeling", TODAY)
        return actions_for(reg, today=dt.date(2026, 10, 2), open_days=14)

    assert actions() == [OVERDUE]
    assert actions(status="afgerond") == [UNEVALUATED]  # late or not: one action for the missing evaluation
    assert actions(status="afgerond", einddatum="2026-10-05") == [UNEVALUATED]
    assert actions(status="afgerond", evaluatie_datum="2026-09-30") == []
    assert actions(status="gestopt") == []
    assert actions(evaluatie_datum="2026-09-30") == []
    assert actions(einddatum="2026-10-02") == []  # on its end date it is not late yet


def test_a_plan_shows_the_measures_that_run_in_its_school_year() -> None:
    def measure(regnr: str, start: str, end: str, *, evaluated: str | None = None, status: str = "loopt") -> Record:
        data = {"startdatum": start, "einddatum": end, "status": status, "evaluatie_datum": evaluated}
        data |= {"doel": "Doel", "maatregel": "Maatregel", "aanleiding": "andere reden", "eigenaar": "de directeur"}
        return Record(regnr, "maatregelen", "12AB", None, 1, data, 1, "", "")

    records = [
        measure("MAA-2026-0001", "2026-09-01", "2027-03-01"),  # this year
        measure("MAA-2025-0001", "2025-09-01", "2026-03-01"),  # last year, never evaluated: still shown
        measure("MAA-2025-0002", "2025-09-01", "2026-03-01", evaluated="2026-03-10"),  # evaluated last year
        measure("MAA-2025-0003", "2025-09-01", "2026-03-01", status="gestopt"),  # stopped last year
        measure("MAA-2026-0002", "2027-09-01", "2028-03-01"),  # next year
    ]
    shown = measures_of(records, school="12AB", schooljaar="2026-2027")
    assert [m.regnr for m in shown] == ["MAA-2025-0001", "MAA-2026-0001"]
    assert measures_of(records, school="34CD", schooljaar="2026-2027") == []


def test_a_measure_left_open_by_the_office_is_no_case_for_the_office() -> None:
    """'Status open langer dan N dagen' is about the office following up a registration of an event; a
    measure's owner is the school (its own action is the missed end date), for the SQL count too."""
    from automation.checks.actions import Registration, actions_for

    long_ago = TODAY - dt.timedelta(days=60)
    data = {"einddatum": (TODAY + dt.timedelta(days=30)).isoformat(), "status": "loopt"}
    measure = Registration("maatregelen", "MAA-2026-0001", "12AB", data, None, long_ago)
    incident = Registration("incident", "INC-2026-0001", "12AB", {"categorie": "anders"}, None, long_ago)
    assert not any(text.startswith("Status 'open'") for text in actions_for(measure, today=TODAY, open_days=14))
    assert any(text.startswith("Status 'open'") for text in actions_for(incident, today=TODAY, open_days=14))
