"""The legal monitor check (checks/monitor.py), a pure function: each requirement both ways, with the
exact Dutch reason a school reads in the Overzicht and its plan."""

from __future__ import annotations

import datetime as dt

from automation.checks.monitor import (
    ATTENTION,
    FAILS,
    MEETS,
    RULES,
    MonitorCheck,
    PupilSurvey,
    Source,
    check_school,
    groups_text,
    is_declared,
    pupil_surveys,
    supplier_of,
)
from automation.config import Monitor
from automation.store import ThemeScore

CFG = Monitor()  # groups 5-8, 70% response, no survey yet: 'aandacht' until April
YEAR = "2026-2027"
TODAY = dt.date(2026, 11, 28)
FORM = {
    "coordinator_naam": "Sanne de Wit",
    "coordinator_functie": "intern begeleider",
    "leerlingen_groep_5_8": 200,
    "inspectie_toestemming": "ja",
    "inspectie_geleverd_datum": "2026-11-20",
    "datum_ingevuld": "2026-10-01",
}
FULL = frozenset({"veiligheidsbeleving", "aantasting_veiligheid", "welbevinden"})
PLAN = frozenset({"leefklimaat_groep", "leerklimaat_groep", "leefklimaat_school", "samenwerking_ouders"})
MEASURED = "Peiling onder leerlingen in 2026-2027: ZIEN!, afgenomen 01-11-2026, 180 leerlingen."
RESPONSE = "180 van 200 leerlingen in groep 5-8 volgens het schoolformulier (90%)"


def survey(**changes: object) -> PupilSurvey:
    """ZIEN! in November, 180 pupils of groups 5 to 8, all three legal parts."""
    values: dict[str, object] = {
        "instrument": "ZIEN!",
        "respondents": 180,
        "groepen": (5, 6, 7, 8),
        "themes": FULL,
        "afname": dt.date(2026, 11, 1),
    }
    return PupilSurvey(**(values | changes))  # type: ignore[arg-type]


def check(
    surveys: list[PupilSurvey],
    form: dict[str, object] | None = FORM,
    *,
    today: dt.date = TODAY,
    cfg: Monitor = CFG,
) -> MonitorCheck:
    return check_school(school="12AB", schooljaar=YEAR, surveys=surveys, school_form=form, cfg=cfg, today=today)


def verdicts(
    surveys: list[PupilSurvey],
    form: dict[str, object] | None = FORM,
    *,
    today: dt.date = TODAY,
    cfg: Monitor = CFG,
) -> dict[str, tuple[str, str]]:
    """Each requirement's verdict and reason, by its key."""
    return {r.key: (r.verdict, r.reason) for r in check(surveys, form, today=today, cfg=cfg).requirements}


# --- all of it ---------------------------------------------------------------------------------------


def test_a_school_that_does_everything_meets_every_requirement() -> None:
    found = check([survey()])
    assert found.overall == MEETS and found.summary == "voldoet" and found.measured
    assert found.judged == survey()
    assert [(r.key, r.title, r.verdict) for r in found.requirements] == [
        ("gemeten", "Gemeten dit schooljaar", MEETS),
        ("representatief", "Representatief", MEETS),
        ("respons", "Minimale respons (bestuursnorm)", MEETS),
        ("onderdelen", "Veiligheidsbeleving, aantasting en welbevinden", MEETS),
        ("instrument", "Gestandaardiseerd, valide en betrouwbaar instrument", MEETS),
        ("levering", "Samenvatting naar de inspectie", MEETS),
        ("coordinator", "Coördinator benoemd", MEETS),
    ]
    assert [r.source for r in found.requirements] == [Source.LAW] * 2 + [Source.BOARD] + [Source.LAW] * 4
    assert verdicts([survey()])["gemeten"] == (MEETS, MEASURED)


def test_the_overview_line_separates_what_fails_from_what_needs_attention() -> None:
    assert check([], {}).summary == "voldoet niet: geen coördinator · aandacht: nog geen peiling, geen instrument"
    assert check([survey(groepen=(5, 6, 7))]).summary == "voldoet niet: niet representatief"
    assert check([survey(respondents=120)]).summary == "aandacht: respons onder de bestuursnorm"
    assert check([survey(instrument="Tevredenheidspeiling")]).summary == "aandacht: instrument zonder leveringsafspraak"


# --- gemeten: a pupil survey this school year, by the configured month ----------------------------------


def test_not_measured_is_attention_before_the_month_and_fails_from_it() -> None:
    assert verdicts([], today=dt.date(2027, 3, 31))["gemeten"] == (
        ATTENTION,
        "Nog geen peiling onder leerlingen ontvangen voor 2026-2027. Dat kan nog: neem de peiling vóór april af "
        "en lever de resultaten in.",
    )
    assert verdicts([], today=dt.date(2027, 4, 1))["gemeten"] == (
        FAILS,
        "Geen peiling onder leerlingen in 2026-2027, en de afgesproken maand (april) is voorbij. De wet vraagt de "
        "veiligheid van leerlingen minstens één keer per schooljaar te meten: neem de peiling alsnog af vóór het "
        "einde van het schooljaar.",
    )


def test_not_measured_in_a_finished_school_year_fails_and_says_so_in_the_past() -> None:
    found = check([], today=dt.date(2027, 9, 1))
    assert found.requirements[0].title == "Gemeten in het schooljaar"
    assert found.requirements[0].reason == (
        "Geen peiling onder leerlingen in 2026-2027. De wet vraagt de veiligheid van leerlingen minstens één keer "
        "per schooljaar te meten."
    )
    assert not found.measured and found.summary == "voldoet niet: geen peiling, geen instrument"


def test_the_month_is_the_boards_choice() -> None:
    february = Monitor(uiterlijk_maand="februari")
    assert verdicts([], cfg=february, today=dt.date(2027, 1, 31))["gemeten"][0] == ATTENTION
    assert verdicts([], cfg=february, today=dt.date(2027, 2, 1))["gemeten"][0] == FAILS


def test_without_a_survey_the_survey_requirements_wait_with_the_same_verdict() -> None:
    early = verdicts([], today=dt.date(2027, 3, 31))
    late = verdicts([], today=dt.date(2027, 4, 1))
    waiting = "Nog geen peiling om te beoordelen (nodig: leerlingen van groep 5 tot en met 8)."
    assert early["representatief"] == (ATTENTION, waiting) and late["representatief"] == (FAILS, waiting)
    assert early["onderdelen"][0] == ATTENTION and late["onderdelen"][0] == FAILS


# --- representatief: groups 5 to 8, and enough of their pupils ---------------------------------------


def test_all_groups_taking_part_is_representative_in_law() -> None:
    assert verdicts([survey()])["representatief"] == (MEETS, "Groep 5 tot en met 8 deed mee (180 leerlingen).")
    assert verdicts([survey()])["respons"] == (
        MEETS,
        f"{RESPONSE}; de bestuursnorm is 70%; de wet noemt geen percentage.",
    )


def test_a_group_that_did_not_take_part_fails() -> None:
    assert verdicts([survey(groepen=(5, 6, 7))])["representatief"] == (
        FAILS,
        "Groep 8 deed niet mee (wel: groep 5 tot en met 7). Representatief betekent in de praktijk: alle "
        "leerlingen van groep 5 tot en met 8.",
    )


def test_a_response_below_the_board_norm_is_attention_never_a_legal_failure() -> None:
    found = check([survey(respondents=120)])
    assert verdicts([survey(respondents=120)])["respons"] == (
        ATTENTION,
        "De respons is lager dan de bestuursnorm: 120 van 200 leerlingen in groep 5-8 volgens het schoolformulier "
        "(60%), de bestuursnorm is 70%; de wet noemt geen percentage. Dat is geen wettelijk gebrek, maar vraagt "
        "aandacht: laat volgend jaar meer leerlingen de vragenlijst invullen.",
    )
    assert found.overall == ATTENTION and found.legal_overall == MEETS  # Vensters may publish
    assert RULES["respons"].source is Source.BOARD and "geen eis van de wet" in RULES["respons"].basis
    assert check([survey()], cfg=Monitor(respons_minimaal=0.95)).overall == ATTENTION


def test_without_the_pupil_count_the_response_cannot_be_judged() -> None:
    without_count = {k: v for k, v in FORM.items() if k != "leerlingen_groep_5_8"}
    assert verdicts([survey()], without_count)["respons"] == (
        ATTENTION,
        "Het aantal leerlingen in groep 5-8 ontbreekt in het schoolformulier: de respons is niet te berekenen (de "
        "bestuursnorm is 70%; de wet noemt geen percentage). De directeur vult het in op het schoolformulier.",
    )
    assert verdicts([survey()], None)["respons"][1].startswith(
        "Het aantal leerlingen in groep 5-8 is niet bekend: het schoolformulier van de school ontbreekt nog"
    )
    assert verdicts([survey()], without_count)["representatief"][0] == MEETS


def test_without_the_pupil_count_the_invited_pupils_of_the_export_count() -> None:
    assert verdicts([survey(invited=190)], None)["respons"] == (
        MEETS,
        "180 van 190 uitgenodigde leerlingen (95%); de bestuursnorm is 70%; de wet noemt geen percentage.",
    )


def test_a_pupil_count_from_last_years_form_is_used_with_a_warning() -> None:
    last_year = FORM | {"datum_ingevuld": "2025-10-01"}
    assert verdicts([survey()], last_year)["respons"] == (
        MEETS,
        f"{RESPONSE}; let op: het schoolformulier is van een eerder schooljaar; de bestuursnorm is 70%; de wet noemt "
        "geen percentage.",
    )


def test_more_respondents_than_pupils_asks_to_check_the_count() -> None:
    assert verdicts([survey(respondents=230)])["respons"] == (
        ATTENTION,
        "Meer respondenten dan leerlingen: 230 van 200 leerlingen in groep 5-8 volgens het schoolformulier (115%). "
        "Controleer het aantal leerlingen op het schoolformulier.",
    )


def test_unknown_groups_ask_for_them() -> None:
    assert verdicts([survey(groepen=())])["representatief"] == (
        ATTENTION,
        "Niet bekend welke groepen meededen. Vul 'Groepen' in op het formulier Peilingresultaten, of neem de groep "
        "van de leerling op in de export.",
    )


# --- onderdelen: experienced safety, actual safety and well-being -------------------------------------


def test_all_three_legal_parts_meet_the_law() -> None:
    assert verdicts([survey()])["onderdelen"] == (
        MEETS,
        "Gemeten: veiligheidsbeleving, aantasting van de veiligheid, welbevinden.",
    )


def test_well_being_may_be_shown_by_the_class_climate_theme() -> None:
    themes = frozenset({"veiligheidsbeleving", "aantasting_veiligheid", "leefklimaat_groep"})
    assert verdicts([survey(themes=themes)])["onderdelen"] == (
        MEETS,
        "Gemeten: veiligheidsbeleving, aantasting van de veiligheid, welbevinden (via Leefklimaat in de groep).",
    )


def test_a_missing_part_fails_naming_what_was_and_was_not_measured() -> None:
    assert verdicts([survey(themes=frozenset({"veiligheidsbeleving"}))])["onderdelen"] == (
        FAILS,
        "Niet gemeten: aantasting van de veiligheid en welbevinden. Wel gemeten: veiligheidsbeleving. Voeg die "
        "vragen toe aan de peiling of gebruik daarnaast een instrument dat ze meet.",
    )


def test_the_four_action_plan_themes_alone_do_not_cover_the_law_and_the_check_says_so() -> None:
    assert verdicts([survey(themes=PLAN)])["onderdelen"] == (
        FAILS,
        "Niet gemeten: veiligheidsbeleving en aantasting van de veiligheid. Wel gemeten: welbevinden (via "
        "Leefklimaat in de groep en Leefklimaat op school). De vier thema's van het actieplan (Leefklimaat in de "
        "groep, Leerklimaat in de groep, Leefklimaat op school, Samenwerking met ouders) meten geen "
        "veiligheidsbeleving (voelen leerlingen zich veilig?) en geen aantasting van de veiligheid (worden ze "
        "gepest, bedreigd, geslagen of gediscrimineerd?). Voeg die vragen toe aan de peiling of gebruik daarnaast "
        "een instrument dat ze meet.",
    )


# --- instrument: suppliers with a delivery agreement, never 'erkend' ------------------------------------


def test_an_instrument_of_a_supplier_with_a_delivery_agreement_meets_and_the_school_stays_responsible() -> None:
    responsible = (
        ": de leverancier heeft een leveringsafspraak met de inspectie en kan de gegevens voor de school "
        "aanleveren. De school blijft verantwoordelijk voor een gestandaardiseerd, valide en betrouwbaar instrument."
    )
    assert verdicts([survey()])["instrument"] == (MEETS, f"ZIEN!{responsible}")
    assert verdicts([survey(instrument="Zien leerlingvragenlijst")])["instrument"] == (
        MEETS,
        f"Zien leerlingvragenlijst (ZIEN!){responsible}",
    )
    assert verdicts([survey(instrument="KiVa-monitor")])["instrument"][0] == MEETS
    assert verdicts([survey(instrument="Looqin")])["instrument"][0] == MEETS  # the wider list


def test_an_instrument_of_another_supplier_is_attention_and_never_asks_to_confirm_recognition() -> None:
    assert verdicts([survey(instrument="Tevredenheidspeiling")])["instrument"] == (
        ATTENTION,
        "Tevredenheidspeiling staat niet op de lijst van leveranciers met een leveringsafspraak met de inspectie. "
        "Dat mag, maar dan laat de school zelf zien dat het instrument gestandaardiseerd, valide en betrouwbaar is "
        "en veiligheidsbeleving, aantasting en welbevinden meet, en zorgt zij zelf dat de inspectie een samenvatting "
        "van de gegevens krijgt. Meld het instrument aan het bestuurskantoor.",
    )
    assert verdicts([survey(instrument="Geen KiVa")])["instrument"][0] == ATTENTION


def test_a_subject_test_of_a_listed_supplier_is_not_a_safety_monitor() -> None:
    assert verdicts([survey(instrument="Cito LOVS rekenen-wiskunde")])["instrument"][0] == ATTENTION
    assert verdicts([survey(instrument="Cito SEO")])["instrument"][0] == MEETS


def test_an_export_that_names_no_instrument_is_shown_as_not_named_never_as_the_declared_one() -> None:
    assert verdicts([survey(instrument="")], FORM | {"monitor_instrument": "KiVa"}, today=dt.date(2027, 4, 2))[
        "instrument"
    ] == (
        ATTENTION,
        "Geen instrument bekend: de ontvangen peiling noemt geen instrument (het schoolformulier noemt KiVa, maar "
        "dat is niet na te gaan). Laat de leverancier het instrument in de export opnemen, of vul het in op het "
        "formulier Peilingresultaten.",
    )


def test_before_a_survey_the_instrument_on_the_school_form_is_judged() -> None:
    assert verdicts([], FORM | {"monitor_instrument": "Vragenlijst X"})["instrument"][1].startswith(
        "Vragenlijst X staat niet op de lijst van leveranciers met een leveringsafspraak met de inspectie (volgens "
        "het schoolformulier)."
    )


# --- the declared monitor ---------------------------------------------------------------------------------


def test_a_satisfaction_survey_before_the_declared_monitor_leaves_the_school_waiting_not_failing() -> None:
    declared = FORM | {"monitor_instrument": "KanVAS"}
    satisfaction = survey(instrument="Tevredenheidspeiling", themes=PLAN, afname=dt.date(2026, 12, 10))
    found = check([satisfaction], declared, today=dt.date(2026, 12, 15))
    assert found.overall == ATTENTION and found.legal_overall == ATTENTION and found.judged is None
    assert found.summary == "aandacht: KanVAS nog niet ontvangen"
    assert found.requirements[0].reason == (
        "Het monitorinstrument van de school is volgens het schoolformulier KanVAS; daarvan is voor 2026-2027 nog "
        "niets ontvangen. Wel ontvangen: Tevredenheidspeiling, afgenomen 10-12-2026, 180 leerlingen. Dat is niet het "
        "monitorinstrument en telt niet als de meting. Lever de resultaten van KanVAS in vóór april."
    )
    # when it comes, it is the one judged; after the deadline without it, what there is is judged
    kanvas = survey(instrument="KanVAS", afname=dt.date(2027, 3, 1))
    assert check([satisfaction, kanvas], declared, today=dt.date(2027, 3, 5)).judged == kanvas
    late = check([satisfaction], declared, today=dt.date(2027, 4, 2))
    assert late.judged == satisfaction and late.overall == FAILS
    assert late.requirements[0].reason.endswith(
        "Het monitorinstrument volgens het schoolformulier, KanVAS, is niet ontvangen; beoordeeld is wat er wel is."
    )


def test_the_declared_monitor_is_recognised_by_its_words_or_its_supplier() -> None:
    suppliers = CFG.suppliers()
    assert is_declared("ZIEN! leerlingvragenlijst", "ZIEN!", suppliers)
    assert is_declared("KanVAS", "Kanjertraining", suppliers)  # the same supplier
    assert not is_declared("Tevredenheidspeiling", "KanVAS", suppliers)
    assert not is_declared("", "KanVAS", suppliers)


# --- coordinator: named on this year's school form -----------------------------------------------------


def test_a_coordinator_on_this_years_school_form_meets_the_law() -> None:
    assert verdicts([survey()])["coordinator"] == (MEETS, "Sanne de Wit (intern begeleider).")
    assert verdicts([survey()], FORM | {"coordinator_functie": None})["coordinator"] == (MEETS, "Sanne de Wit.")


def test_a_coordinator_from_an_earlier_years_form_needs_attention() -> None:
    assert verdicts([survey()], FORM | {"datum_ingevuld": "2025-10-01"})["coordinator"] == (
        ATTENTION,
        "Sanne de Wit (intern begeleider), volgens het schoolformulier van 2025-2026. Lever het schoolformulier van "
        "2026-2027 in.",
    )
    assert verdicts([survey()], FORM | {"datum_ingevuld": None})["coordinator"][1].startswith(
        "Sanne de Wit (intern begeleider), volgens het schoolformulier van een eerder schooljaar."
    )


def test_no_coordinator_without_a_school_form_fails() -> None:
    expected = (
        FAILS,
        "Geen coördinator sociale veiligheid bekend: het schoolformulier met de naam van de coördinator is nog niet "
        "ontvangen.",
    )
    assert verdicts([survey()], {})["coordinator"] == expected
    assert verdicts([survey()], None)["coordinator"] == expected


# --- several surveys: each judged on its own ------------------------------------------------------------


def test_each_survey_is_judged_on_its_own_and_the_best_one_counts() -> None:
    satisfaction = survey(instrument="Tevredenheidspeiling", themes=PLAN)
    tiny_monitor = survey(respondents=3, groepen=(7,))
    found = check([satisfaction, tiny_monitor], {k: v for k, v in FORM.items()})
    # 3 pupils of one group do not make the satisfaction survey's 180 pupils measure safety
    assert found.judged == tiny_monitor
    assert {r.key: r.verdict for r in found.requirements} == {
        "gemeten": MEETS,
        "representatief": FAILS,
        "respons": ATTENTION,
        "onderdelen": MEETS,
        "instrument": MEETS,
        "levering": MEETS,
        "coordinator": MEETS,
    }
    assert found.requirements[0].reason == (
        "Peilingen onder leerlingen in 2026-2027: ZIEN!, afgenomen 01-11-2026, 3 leerlingen; ook "
        "Tevredenheidspeiling, afgenomen 01-11-2026, 180 leerlingen. De eisen gelden per instrument: beoordeeld is "
        "de peiling die er het best aan voldoet (ZIEN!, afgenomen 01-11-2026, 3 leerlingen)."
    )
    both = check([satisfaction, survey(respondents=170)])
    assert both.overall == MEETS and both.judged == survey(respondents=170)


# --- the pieces ----------------------------------------------------------------------------------------


def test_the_pupil_surveys_of_a_school_year_are_gathered_from_the_stored_themes() -> None:
    def score(theme: str, *, school: str = "12AB", groep: str = "leerlingen", schooljaar: str = YEAR) -> ThemeScore:
        return ThemeScore(
            school=school,
            schooljaar=schooljaar,
            groep=groep,
            theme=theme,
            theme_label=theme,
            respondents=180,
            mean=3.1,
            scale_min=1,
            scale_max=4,
            positive=0.8,
            instrument="ZIEN!",
            afname=dt.date(2026, 11, 1),
            survey_respondents=180,
            groepen=(5, 6, 7, 8),
            invited=190,
            regnr="PEIL-2026-0001",
        )

    scores = [
        score("veiligheidsbeleving"),
        score("welbevinden"),
        score("welbevinden", groep="ouders"),
        score("welbevinden", school="34CD"),
        score("welbevinden", schooljaar="2025-2026"),
    ]
    assert pupil_surveys(scores, school="12AB", schooljaar=YEAR) == [
        PupilSurvey(
            instrument="ZIEN!",
            respondents=180,
            groepen=(5, 6, 7, 8),
            themes=frozenset({"veiligheidsbeleving", "welbevinden"}),
            afname=dt.date(2026, 11, 1),
            invited=190,
            regnr="PEIL-2026-0001",
        )
    ]


def test_groups_are_written_the_dutch_way() -> None:
    assert [groups_text(g) for g in ([5, 6, 7, 8], [8, 5], [7], [4, 6, 8])] == [
        "5 tot en met 8",
        "5 en 8",
        "7",
        "4, 6 en 8",
    ]


def test_a_supplier_is_found_when_one_of_its_names_begins_the_instruments_name_as_whole_words() -> None:
    suppliers = CFG.suppliers()
    assert supplier_of("ZIEN! leerlingvragenlijst", suppliers) == "ZIEN!"
    assert supplier_of("KiVa-monitor", suppliers) == "KiVa"
    assert supplier_of("Hart en Ziel", suppliers) == "Hart & Ziel"
    assert supplier_of("Geen KiVa", suppliers) is None
    assert supplier_of("Cito LOVS rekenen-wiskunde", suppliers) is None
    assert supplier_of("", suppliers) is None


def test_an_old_config_list_of_instruments_still_counts_as_suppliers() -> None:
    old = Monitor(erkende_instrumenten=["Eigen Monitor"])
    assert supplier_of("Eigen Monitor 2026", old.suppliers()) == "Eigen Monitor"


# --- the summary for the inspectorate ------------------------------------------------------------------


def test_the_summary_must_reach_the_inspectorate_by_its_deadline() -> None:
    waiting = FORM | {"inspectie_geleverd_datum": None}
    assert verdicts([survey()])["levering"] == (MEETS, "Geleverd op 20-11-2026 (volgens het schoolformulier).")
    assert verdicts([survey()], waiting)["levering"] == (
        ATTENTION,
        "De samenvatting van de monitorgegevens moet uiterlijk 01-07-2027 bij de inspectie zijn. De school gaf de "
        "leverancier toestemming om te leveren; de levering is nog niet bevestigd. Vul de datum van levering in op "
        "het schoolformulier.",
    )
    late = check([survey()], waiting | {"inspectie_toestemming": None}, today=dt.date(2027, 7, 2))
    assert (late.requirements[-2].key, late.requirements[-2].verdict, late.overall) == ("levering", FAILS, FAILS)
    assert late.requirements[-2].reason == (
        "De inspectie had de samenvatting van de monitorgegevens uiterlijk 01-07-2027 moeten ontvangen; een "
        "levering is niet bekend. Geef de leverancier toestemming om de samenvatting te leveren (op het "
        "schoolformulier: toestemming levering aan inspectie), of lever haar zelf. Vul de datum van levering in op "
        "het schoolformulier."
    )
    assert "samenvatting niet bij de inspectie" in late.summary
    assert RULES["levering"].source is Source.LAW
    assert verdicts([survey()], waiting, cfg=Monitor(levering_dag=15, levering_maand="juni"))["levering"][1].startswith(
        "De samenvatting van de monitorgegevens moet uiterlijk 15-06-2027"
    )


def test_a_school_that_meets_everything_but_the_delivery_does_not_meet_the_law_yet() -> None:
    found = check([survey()], FORM | {"inspectie_geleverd_datum": None})
    assert (found.overall, found.summary) == (ATTENTION, "aandacht: samenvatting nog naar de inspectie")
