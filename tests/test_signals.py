"""The early warnings (checks.signals, issue 15 part 2), each rule by name, with the board's own
thresholds (`[signalen]`): small numbers never make a signal, victim and perpetrator count apart."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from automation import app
from automation.checks.actions import Action
from automation.checks.board import Counted, Registrations
from automation.checks.signals import (
    NORM,
    Involvement,
    overdue,
    repeated,
    rising,
    school_signals,
    silent,
    theme,
)
from automation.config import Settings, Signalen
from automation.schoolyear import previous, schoolyear
from automation.store import ThemeScore
from tests.conftest import Filler
from tests.test_exit_codes import run
from tests.test_overview import sheet_rows

TODAY = dt.date(2026, 12, 3)
CFG = Signalen()


def registrations(this: dict[str, int], last: dict[str, int] | None) -> Registrations:
    def counted(kinds: dict[str, int]) -> Counted:
        found = Counted()
        for kind, n in kinds.items():
            found.forms["incident"] += n
            found.kinds[("incident", kind)] += n
        return found

    return Registrations(counted(this), None if last is None else counted(last), None, {})


def test_a_rise_is_a_signal_only_from_enough_registrations_and_enough_more() -> None:
    (signal,) = rising("12AB", registrations({"pesten": 6, "anders": 2}, {"pesten": 2, "anders": 1}), ["incident"], CFG)
    assert signal.kind == "stijging" and signal.source == NORM
    assert signal.text == "Meer incidenten (pesten) dan vorig schooljaar in dezelfde periode: 6 tegen 2."
    assert rising("12AB", registrations({"pesten": 2}, {"pesten": 1}), ["incident"], CFG) == []  # 1 → 2: no +100 %
    assert rising("12AB", registrations({"pesten": 8}, {"pesten": 6}), ["incident"], CFG) == []  # not 1.5 times
    assert rising("12AB", registrations({"pesten": 9}, None), ["incident"], CFG) == []  # last year unknown


def involved(regnr: str, day: int, role: str | None, pseudonym: str = "LL-AAAA") -> Involvement:
    return Involvement(regnr, "12AB", TODAY - dt.timedelta(days=day), pseudonym, role)


def test_the_same_pupil_three_times_within_eight_weeks_as_victim_or_as_perpetrator_apart() -> None:
    three = [involved("INC-1", 50, "slachtoffer"), involved("INC-2", 30, "slachtoffer"), involved("INC-3", 2, "beide")]
    (signal,) = repeated("12AB", three, CFG)
    assert signal.regnrs == ("INC-1", "INC-2", "INC-3")
    assert signal.text == "Dezelfde leerling was binnen 8 weken 3 keer slachtoffer: INC-1, INC-2, INC-3."
    assert "LL-" not in signal.text  # the sentence goes into e-mail: never the pseudonym
    mixed = [involved("INC-1", 50, "slachtoffer"), involved("INC-2", 30, "dader"), involved("INC-3", 2, "slachtoffer")]
    assert repeated("12AB", mixed, CFG) == []  # two as victim, one as perpetrator: counted apart
    spread = [involved("INC-1", 80, "dader"), involved("INC-2", 30, "dader"), involved("INC-3", 2, "dader")]
    assert repeated("12AB", spread, CFG) == []  # not within eight weeks
    others = [involved(f"INC-{n}", n, "dader", pseudonym=f"LL-{n}") for n in range(5)]
    assert repeated("12AB", others, CFG) == []  # five pupils once each


def test_a_legal_duty_open_too_long_and_a_school_that_sent_nothing() -> None:
    late = Action(
        "AG-1", "12AB", "Melden bij de Nederlandse Arbeidsinspectie", TODAY - dt.timedelta(days=20), duty=True
    )
    fresh = Action(
        "AG-2", "12AB", "Melden bij de Nederlandse Arbeidsinspectie", TODAY - dt.timedelta(days=3), duty=True
    )
    other = Action("INC-9", "12AB", "Status 'open' langer dan 14 dagen", TODAY - dt.timedelta(days=60))
    (signal,) = overdue("12AB", [late, fresh, other], today=TODAY, cfg=CFG)
    assert signal.text == "1 melding staat met een wettelijke meldplicht langer dan 14 dagen open: AG-1."
    weeks_ago = dt.datetime.combine(TODAY - dt.timedelta(weeks=7), dt.time(9))
    (quiet,) = silent("12AB", weeks_ago, today=TODAY, cfg=CFG)
    assert quiet.text == f"Van deze school kwam al 7 weken niets binnen (het laatste op {weeks_ago:%d-%m-%Y})."
    assert silent("12AB", dt.datetime.combine(TODAY, dt.time(9)), today=TODAY, cfg=CFG) == []
    assert silent("12AB", None, today=TODAY, cfg=CFG)[0].text == "Van deze school is nog niets ontvangen."


def scored(
    key: str, positive: float | None, *, year: str = "2026-2027", regnr: str = "PEIL-2", n: int = 120
) -> ThemeScore:
    return ThemeScore(
        "12AB", year, "leerlingen", key, key.capitalize(), n, 3.1, 1, 4, positive, "ZIEN!", None, regnr=regnr
    )


def test_a_monitor_theme_under_the_boards_norm_or_fallen_against_last_year() -> None:
    now = {"leerlingen": (scored("veiligheidsbeleving", 0.74), scored("welbevinden", 0.86), scored("pesten", 0.9))}
    before = {
        "leerlingen": (
            scored("veiligheidsbeleving", 0.76, year="2025-2026", regnr="PEIL-1"),
            scored("welbevinden", 0.93, year="2025-2026", regnr="PEIL-1"),
            scored("pesten", 0.92, year="2025-2026", regnr="PEIL-1"),
        )
    }
    under, fallen = theme("12AB", now, before, CFG)
    assert under.kind == "thema" and under.source == NORM and under.regnrs == ("PEIL-2",)
    assert under.text == "Veiligheidsbeleving (leerlingen): 74 % positief, onder de norm van het bestuur (80 %)."
    assert fallen.regnrs == ("PEIL-2", "PEIL-1")  # the rows behind it: both years' surveys
    assert fallen.text == "Welbevinden (leerlingen): 86 % positief, 7 procentpunt lager dan vorig schooljaar (93 %)."
    # 92 → 90 % is within the board's margin of 5 points; no last year: only the norm counts
    assert theme("12AB", {"leerlingen": (scored("pesten", 0.9),)}, before, CFG) == []
    assert theme("12AB", now, {}, CFG) == [under]


def test_a_theme_of_a_handful_of_answers_or_without_shares_is_no_signal() -> None:
    few = {"personeel": (scored("veiligheidsbeleving", 0.5, n=6),)}
    assert theme("12AB", few, {}, CFG) == []  # six answers: one colleague is 17 points
    means_only = {"leerlingen": (scored("veiligheidsbeleving", None),)}
    assert theme("12AB", means_only, {}, CFG) == []
    before_few = {"leerlingen": (scored("welbevinden", 0.99, n=4, year="2025-2026"),)}
    assert theme("12AB", {"leerlingen": (scored("welbevinden", 0.85),)}, before_few, CFG) == []


def test_a_schools_signals_come_most_pressing_first() -> None:
    late = Action("AG-1", "12AB", "Melden", TODAY - dt.timedelta(days=20), duty=True)
    found = school_signals(
        "12AB",
        registrations=registrations({"pesten": 6}, {"pesten": 1}),
        forms=["incident"],
        actions=[late],
        involvements=[involved(f"INC-{n}", n, "slachtoffer") for n in range(3)],
        last_received=None,
        today=TODAY,
        cfg=CFG,
        surveys={"leerlingen": (scored("veiligheidsbeleving", 0.7),)},
    )
    assert [s.kind for s in found] == ["meldplicht", "herhaling", "stijging", "thema", "stil"]
    assert Counter(s.source for s in found) == {NORM: 5}


def test_the_overzicht_lists_each_schools_signals_above_the_open_actions(workspace: Settings, drop: Filler) -> None:
    drop("incident", "melding.xlsx", seed=1, school="12AB")
    app.process(workspace)
    rows = sheet_rows(workspace, "Overzicht")
    at = next(i for i, r in enumerate(rows) if isinstance(r[0], str) and r[0].startswith("Signalen ("))
    actions = next(i for i, r in enumerate(rows) if isinstance(r[0], str) and r[0].startswith("Open acties ("))
    assert at < actions
    listed = [(r[0], r[2]) for r in rows[at + 2 : actions] if r[0]]
    silent = [brin for brin in workspace.schools if brin != "12AB"]
    assert [(brin, "Van deze school is nog niets ontvangen.") for brin in silent] == [
        s for s in listed if s[0] != "12AB"
    ]


def test_a_fallen_theme_from_two_years_surveys_reaches_the_overzicht(workspace: Settings, drop: Filler) -> None:
    today = dt.date.today()
    year = schoolyear(today)
    last = previous(year)
    drop("peiling", "peiling vorig jaar.xlsx", schooljaar=last, afname_datum=today - dt.timedelta(days=370))
    drop("peiling", "peiling dit jaar.xlsx", schooljaar=year, positief_welbevinden=0.78)
    app.process(workspace)
    rows = sheet_rows(workspace, "Overzicht")
    texts = [r[2] for r in rows if r[0] == "12AB" and isinstance(r[2], str)]
    fallen = (
        "Welbevinden (leerlingen): 78 % positief, onder de norm van het bestuur (80 %) en 8 procentpunt lager "
        "dan vorig schooljaar (86 %)."
    )
    assert fallen in texts
    # status shows the same list as the Overzicht: worked out once, when the Overzicht was
    code, out, _ = run(workspace, "status")
    assert code == 0
    head = out.index("Signalen (")
    assert out.index(f"  12AB  {fallen}") > head and out.index("Opgeslagen formulieren") > head
    listed = [line.split("  ", 2)[2] for line in out[head:].split("\n\n")[0].splitlines()[1:]]
    at = next(i for i, r in enumerate(rows) if isinstance(r[0], str) and r[0].startswith("Signalen ("))
    assert listed == [r[2] for r in rows[at + 2 : at + 2 + len(listed)]]


def test_status_says_nothing_of_signals_before_an_overzicht_worked_them_out(workspace: Settings) -> None:
    app.check_folders(workspace)
    code, out, _ = run(workspace, "status")
    assert code == 0 and "Signalen" not in out


def test_a_rise_in_the_directors_digest_never_counts_a_confidential_registration(
    workspace: Settings, drop: Filler
) -> None:
    from tests.test_mail import body, eml_files

    today = dt.date.today()
    a_year_ago = today - dt.timedelta(days=366)
    drop("school", "school.xlsx", directeur_email="directeur@regenboog.nl")
    drop("incident", "vorig jaar.xlsx", seed=9, categorie="pesten", datum=a_year_ago, datum_ingevuld=a_year_ago)
    for n in range(5):  # for the board's office only: the director may be the one they are about
        day = today - dt.timedelta(days=n + 1)
        drop(
            "incident", f"sgg {n}.xlsx", seed=10 + n, categorie=SGG, datum=day, datum_ingevuld=day, evaluatie_datum=None
        )
    app.process(workspace)
    rise = f"Meer incidenten ({SGG}) dan vorig schooljaar in dezelfde periode: 5 tegen 0."
    assert rise in [r[2] for r in sheet_rows(workspace, "Overzicht") if r[0] == "12AB"]  # the office sees it
    (digest,) = [m for m in eml_files(workspace) if str(m["To"]) == "directeur@regenboog.nl"]
    assert "Signalen" not in body(digest) and SGG not in body(digest) and "5 tegen" not in body(digest)


SGG = "seksueel grensoverschrijdend gedrag"


def test_a_repeated_pupil_in_the_digest_is_named_by_registrations_never_by_reference_or_pseudonym(
    workspace: Settings, drop: Filler
) -> None:
    from tests.helpers import rows
    from tests.test_mail import body, eml_files

    today = dt.date.today()
    story = "Gepest bij de fietsenstalling door dezelfde groep."
    drop("school", "school.xlsx", directeur_email="directeur@regenboog.nl")
    for n in range(3):
        day = today - dt.timedelta(days=10 * n + 1)
        drop(
            "incident",
            f"pesten {n}.xlsx",
            seed=20 + n,
            categorie="pesten",
            leerling_ref="48213",
            leerling_ref_rol="slachtoffer",
            omschrijving=story,
            dader_rol="leerling",
            datum=day,
            datum_ingevuld=day,
            evaluatie_datum=None,
        )
    app.process(workspace)
    (digest,) = [m for m in eml_files(workspace) if str(m["To"]) == "directeur@regenboog.nl"]
    text = "\n".join(f"{k}: {v}" for k, v in digest.items()) + "\n" + body(digest)
    assert (
        "Dezelfde leerling was binnen 8 weken 3 keer slachtoffer: INC-2026-0003, INC-2026-0002, INC-2026-0001." in text
    )
    kept = {str(v) for (v,) in rows(workspace, "SELECT json_extract(data, '$.leerling_ref') FROM records") if v}
    for secret in ("48213", story, "fietsenstalling", *kept):
        assert secret not in text, secret
