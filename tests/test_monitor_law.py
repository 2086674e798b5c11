"""The monitor check's legal rules on real forms and survey exports through the intake (issue 11,
points 1-4): the declared monitor is awaited, a board norm is no legal failure, suppliers are not
'recognised instruments', and the summary must reach the inspectorate. The facts are judged at fixed
dates of the current school year, so the tests do not depend on the day they run."""

from __future__ import annotations

import datetime as dt

from automation import app
from automation.checks.board import BoardFacts, board_facts
from automation.config import Settings
from automation.schoolyear import schoolyear, start_year
from automation.store import Store
from automation.surveys import samples
from tests.conftest import Filler

TODAY = dt.date.today()
YEAR = schoolyear(TODAY)
DECEMBER = dt.date(start_year(TODAY), 12, 15)  # before the survey month (april)
AFTER_APRIL = dt.date(start_year(TODAY) + 1, 4, 2)
AFTER_JULY = dt.date(start_year(TODAY) + 1, 7, 2)
TAKEN = dt.date(start_year(TODAY), 11, 20) if dt.date(start_year(TODAY), 11, 20) <= TODAY else TODAY


def facts_on(settings: Settings, day: dt.date) -> BoardFacts:
    store = Store.open(settings.paths.database, create=False)
    try:
        return board_facts(store, settings.board, choices=settings.choices, schooljaar=YEAR, today=day)
    finally:
        store.close()


def verdicts(facts: BoardFacts, brin: str) -> dict[str, str]:
    return {r.key: r.verdict for r in facts.schools[brin].monitor.requirements}


def school_form(drop: Filler, brin: str, **values: object) -> None:
    drop("school", f"school {brin}.xlsx", school=brin, datum_ingevuld=TODAY, **values)


def test_a_satisfaction_survey_before_the_declared_kanvas_gets_attention_not_voldoet_niet(
    workspace: Settings, drop: Filler
) -> None:
    school_form(drop, "34CD", monitor_instrument="KanVAS", leerlingen_groep_5_8=90)
    (workspace.paths.inbox / "tevredenheid.csv").write_bytes(
        samples.plan_csv(schools=["34CD"], afname=TAKEN, pupils=80)
    )
    assert app.process(workspace).accepted == 2
    december = facts_on(workspace, DECEMBER).schools["34CD"]
    assert december.monitor.overall == "aandacht" and december.monitor.judged is None
    assert december.monitor.summary == "aandacht: KanVAS nog niet ontvangen"
    assert verdicts(facts_on(workspace, DECEMBER), "34CD")["gemeten"] == "aandacht"
    # after the month the school agreed, what did come in is judged: it misses two legal parts
    april = facts_on(workspace, AFTER_APRIL).schools["34CD"].monitor
    assert april.overall == "voldoet niet" and verdicts(facts_on(workspace, AFTER_APRIL), "34CD")["onderdelen"] == (
        "voldoet niet"
    )


def test_a_response_below_the_board_norm_is_attention_and_the_vensters_text_may_be_published(
    workspace: Settings, drop: Filler
) -> None:
    school_form(drop, "12AB", monitor_instrument="KiVa-monitor", leerlingen_groep_5_8=151)
    export = samples.generic_csv(school="12AB", schooljaar=YEAR, afname=TAKEN, pupils=98, instrument="KiVa-monitor")
    (workspace.paths.inbox / "kiva.csv").write_bytes(export)
    assert app.process(workspace).accepted == 2
    school = facts_on(workspace, DECEMBER).schools["12AB"]
    assert verdicts(facts_on(workspace, DECEMBER), "12AB") == {
        "gemeten": "voldoet",
        "representatief": "voldoet",
        "respons": "aandacht",
        "onderdelen": "voldoet",
        "instrument": "voldoet",
        "levering": "aandacht",
        "coordinator": "voldoet",
    }
    assert school.monitor.measurement_overall == "voldoet" and school.vensters_warning == ""
    assert "zoals de wet vraagt" in school.vensters


def test_a_subject_test_of_a_listed_supplier_is_not_taken_for_a_safety_monitor(
    workspace: Settings, drop: Filler
) -> None:
    school_form(drop, "12AB", monitor_instrument="Cito LOVS rekenen-wiskunde")
    export = samples.generic_csv(
        school="12AB", schooljaar=YEAR, afname=TAKEN, pupils=120, instrument="Cito LOVS rekenen-wiskunde"
    )
    (workspace.paths.inbox / "cito.csv").write_bytes(export)
    assert app.process(workspace).accepted == 2
    instrument = next(
        r for r in facts_on(workspace, DECEMBER).schools["12AB"].monitor.requirements if r.key == "instrument"
    )
    assert instrument.verdict == "aandacht"
    assert instrument.reason.startswith(
        "Cito LOVS rekenen-wiskunde staat niet op de lijst van leveranciers met een leveringsafspraak met de inspectie."
    )


def test_the_summary_for_the_inspectorate_is_an_open_action_until_it_is_delivered(
    workspace: Settings, drop: Filler
) -> None:
    school_form(drop, "56EF", monitor_instrument="ZIEN!", inspectie_toestemming="ja")
    drop("peiling", "zien.xlsx", school="56EF")
    assert app.process(workspace).accepted == 2
    december = facts_on(workspace, DECEMBER).schools["56EF"]
    deadline = f"01-07-{start_year(TODAY) + 1}"
    assert [a.text for a in december.actions] == [
        f"Samenvatting monitorgegevens naar de inspectie (uiterlijk {deadline})"
    ]
    assert verdicts(facts_on(workspace, AFTER_JULY), "56EF")["levering"] == "voldoet niet"
    # the director writes the date of delivery on a new school form (the latest one counts): done
    drop(
        "school",
        "school 56EF opnieuw.xlsx",
        school="56EF",
        datum_ingevuld=TODAY,
        monitor_instrument="ZIEN!",
        inspectie_toestemming="ja",
        inspectie_geleverd_datum=TODAY,
    )
    assert app.process(workspace).accepted == 1
    after = facts_on(workspace, AFTER_JULY).schools["56EF"]
    assert verdicts(facts_on(workspace, AFTER_JULY), "56EF")["levering"] == "voldoet" and after.actions == ()
