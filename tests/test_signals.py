"""The early warnings (checks.signals, issue 15 part 2), each rule by name, with the board's own
thresholds (`[signalen]`): small numbers never make a signal, victim and perpetrator count apart."""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import os
import sqlite3
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest
from pydantic import ValidationError

from automation import app
from automation.checks.actions import Action
from automation.checks.board import Counted, Registrations, board_facts, year_ago
from automation.checks.signals import (
    NORM,
    Confidential,
    Involvement,
    lingering,
    overdue,
    repeated,
    rising,
    school_signals,
    silent,
    theme,
)
from automation.config import Settings, Signalen, load_settings
from automation.intake.runner import Runner
from automation.schoolyear import previous, schoolyear
from automation.store import Store, ThemeScore
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

    before = None if last is None else counted(last)
    return Registrations(counted(this), before, before, {})


def test_a_rise_is_a_signal_only_from_enough_registrations_and_enough_more() -> None:
    (signal,) = rising("12AB", registrations({"pesten": 6, "anders": 2}, {"pesten": 2, "anders": 1}), ["incident"], CFG)
    assert signal.kind == "stijging" and signal.source == NORM
    assert signal.text == "Meer incidenten (pesten) dan vorig schooljaar in dezelfde periode: 6 tegen 2."
    assert rising("12AB", registrations({"pesten": 2}, {"pesten": 1}), ["incident"], CFG) == []  # 1 → 2: no +100 %
    assert rising("12AB", registrations({"pesten": 8}, {"pesten": 6}), ["incident"], CFG) == []  # not 1.5 times
    assert rising("12AB", registrations({"pesten": 9}, None), ["incident"], CFG) == []  # last year unknown


def test_no_rise_against_a_last_year_not_wholly_registered_by_the_board_or_the_school() -> None:
    partly = replace(registrations({"pesten": 6}, {"anders": 1}), last_partly=True)
    assert rising("12AB", partly, ["incident"], CFG) == []  # the board began during last year's period
    assert rising("12AB", registrations({"pesten": 6}, {}), ["incident"], CFG) == []  # the school: nothing last year


def test_no_rise_when_the_boards_first_registration_falls_inside_last_years_period(
    workspace: Settings, drop: Filler
) -> None:
    today = dt.date.today()
    first = year_ago(today) - dt.timedelta(days=2)  # the board's very first registration: 2 days of last year's part
    drop("incident", "eerste.xlsx", seed=1, datum=first, datum_ingevuld=first, evaluatie_datum=None)
    for n in range(6):
        day = today - dt.timedelta(days=n + 1)
        drop("incident", f"p{n}.xlsx", seed=10 + n, categorie="pesten", datum=day, datum_ingevuld=day)
    app.process(workspace)
    texts = [r[2] for r in sheet_rows(workspace, "Overzicht") if r[0] == "12AB" and isinstance(r[2], str)]
    assert not [t for t in texts if t.startswith("Meer incidenten")], texts


def involved(regnr: str, day: int, role: str | None, pseudonym: str = "LL-AAAA") -> Involvement:
    return Involvement(regnr, "12AB", TODAY - dt.timedelta(days=day), pseudonym, role)


def test_the_same_pupil_three_times_within_eight_weeks_as_victim_or_as_perpetrator_apart() -> None:
    three = [involved("INC-1", 50, "slachtoffer"), involved("INC-2", 30, "slachtoffer"), involved("INC-3", 2, "beide")]
    (signal,) = repeated("12AB", three, today=TODAY, cfg=CFG)
    assert signal.regnrs == ("INC-1", "INC-2", "INC-3")
    assert signal.text == "Dezelfde leerling was binnen 8 weken 3 keer slachtoffer: INC-1, INC-2, INC-3."
    assert "LL-" not in signal.text  # the sentence goes into e-mail: never the pseudonym
    mixed = [involved("INC-1", 50, "slachtoffer"), involved("INC-2", 30, "dader"), involved("INC-3", 2, "slachtoffer")]
    assert repeated("12AB", mixed, today=TODAY, cfg=CFG) == []  # two as victim, one as perpetrator: counted apart
    spread = [involved("INC-1", 80, "dader"), involved("INC-2", 30, "dader"), involved("INC-3", 2, "dader")]
    assert repeated("12AB", spread, today=TODAY, cfg=CFG) == []  # not within eight weeks
    others = [involved(f"INC-{n}", n, "dader", pseudonym=f"LL-{n}") for n in range(5)]
    assert repeated("12AB", others, today=TODAY, cfg=CFG) == []  # five pupils once each
    eight_weeks = [involved("INC-1", 56, "dader"), involved("INC-2", 28, "dader"), involved("INC-3", 0, "dader")]
    assert repeated("12AB", eight_weeks, today=TODAY, cfg=CFG) == []  # 57 days from first to last: not within 8 weeks
    over = [involved("INC-1", 7 * 15, "dader"), involved("INC-2", 7 * 12, "dader"), involved("INC-3", 7 * 9, "dader")]
    assert repeated("12AB", over, today=TODAY, cfg=CFG) == []  # the last nine weeks ago: over, no early warning
    unknown = [involved(f"INC-{n}", n, None) for n in range(3)]
    assert repeated("12AB", unknown, today=TODAY, cfg=CFG)[0].text.endswith("3 keer betrokken: INC-2, INC-1, INC-0.")


def test_a_legal_duty_open_too_long_and_a_school_that_sent_nothing() -> None:
    late = Action(
        "AG-1", "12AB", "Melden bij de Nederlandse Arbeidsinspectie", TODAY - dt.timedelta(days=20), duty=True
    )
    fresh = Action(
        "AG-2", "12AB", "Melden bij de Nederlandse Arbeidsinspectie", TODAY - dt.timedelta(days=3), duty=True
    )
    other = Action("INC-9", "12AB", "Status 'open' langer dan 14 dagen", TODAY - dt.timedelta(days=60))
    (signal,) = overdue("12AB", [late, fresh, other], today=TODAY, cfg=CFG)
    assert signal.text == (
        "1 melding met een wettelijke meldplicht staat al langer dan 14 dagen open (de wet vraagt om meteen te "
        "melden): AG-1."
    )
    exactly = Action("AG-3", "12AB", "Melden", TODAY - dt.timedelta(days=14), duty=True)
    assert overdue("12AB", [exactly], today=TODAY, cfg=CFG) == []  # 14 days is not longer than 14 days
    weeks_ago = dt.datetime.combine(TODAY - dt.timedelta(weeks=7), dt.time(9))
    (quiet,) = silent("12AB", weeks_ago, today=TODAY, cfg=CFG)
    assert quiet.text == (
        f"Van deze school is al 7 weken geen formulier verwerkt (het laatste kwam op {weeks_ago:%d-%m-%Y} binnen)."
    )
    assert silent("12AB", dt.datetime.combine(TODAY, dt.time(9)), today=TODAY, cfg=CFG) == []
    assert silent("12AB", None, today=TODAY, cfg=CFG)[0].text == "Van deze school is nog geen formulier verwerkt."


def test_other_open_actions_of_registrations_over_a_month_old_are_one_sentence_per_school() -> None:
    def late(regnr: str, days: int) -> Action:
        return Action(regnr, "12AB", "Geen evaluatie van het pesten na twee weken", TODAY - dt.timedelta(days=days))

    duty = Action("AG-1", "12AB", "Melden", TODAY - dt.timedelta(days=90), duty=True)  # its own signal
    old = [late(f"INC-{n}", 40 + n) for n in range(7)]
    (signal,) = lingering("12AB", [duty, late("INC-9", 30), *old], today=TODAY, cfg=CFG)
    assert signal.kind == "acties" and signal.regnrs == tuple(f"INC-{n}" for n in range(6, -1, -1))
    assert signal.text == (
        "7 registraties hebben een open actie van meer dan 30 dagen geleden: INC-6, INC-5, INC-4, INC-3, INC-2 "
        "en nog 2."
    )
    assert lingering("12AB", [duty, late("INC-9", 30)], today=TODAY, cfg=CFG) == []  # 30 days: not more than 30
    one_day = Signalen(meldplicht_dagen=1)
    assert "al langer dan 1 dag open" in overdue("12AB", [duty], today=TODAY, cfg=one_day)[0].text


def test_a_threshold_typed_as_true_is_refused_not_read_as_1() -> None:
    with pytest.raises(ValidationError, match="verwacht een getal, geen true of false"):
        Signalen(herhaling_weken=True)  # type: ignore[arg-type]


def test_the_summer_holiday_does_not_make_a_school_silent() -> None:
    before_summer = dt.datetime(2026, 7, 10, 14, 0)  # the last form before the summer holiday
    assert silent("12AB", before_summer, today=dt.date(2026, 8, 31), cfg=CFG) == []  # schools open again
    (quiet,) = silent("12AB", before_summer, today=dt.date(2026, 10, 15), cfg=CFG)  # six weeks of school since
    assert quiet.text == (
        "Van deze school is al 6 weken buiten de zomervakantie geen formulier verwerkt (het laatste kwam op "
        "10-07-2026 binnen)."
    )


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
    assert under.text == (
        "Veiligheidsbeleving (leerlingen): 74 % gunstige antwoorden, onder de norm van het bestuur (80 %); zie PEIL-2."
    )
    assert fallen.regnrs == ("PEIL-2", "PEIL-1")  # the rows behind it: both years' surveys
    assert fallen.text == (
        "Welbevinden (leerlingen): 86 % gunstige antwoorden, 7 procentpunt lager dan vorig schooljaar (93 %); zie "
        "PEIL-2 en PEIL-1."
    )
    # 92 → 90 % is within the board's margin of 5 points; no last year: only the norm counts
    assert theme("12AB", {"leerlingen": (scored("pesten", 0.9),)}, before, CFG) == []
    assert theme("12AB", now, {}, CFG) == [under]


def test_a_fall_is_only_measured_between_surveys_of_one_instrument_on_one_scale() -> None:
    now = {"leerlingen": (scored("welbevinden", 0.86),)}
    kiva = replace(scored("welbevinden", 0.93, year="2025-2026", regnr="PEIL-1"), instrument="KiVa")
    five = replace(scored("welbevinden", 0.93, year="2025-2026", regnr="PEIL-1"), scale_max=5)
    assert theme("12AB", now, {"leerlingen": (kiva,)}, CFG) == []
    assert theme("12AB", now, {"leerlingen": (five,)}, CFG) == []


def test_a_share_is_rounded_half_up_as_excel_shows_it_and_a_margin_under_a_point_is_refused() -> None:
    now = {"leerlingen": (scored("welbevinden", 0.825),)}
    before = {"leerlingen": (scored("welbevinden", 0.875, year="2025-2026", regnr="PEIL-1"),)}
    (signal,) = theme("12AB", now, before, CFG)
    assert signal.text == (  # Excel's 0% shows 83 % and 88 %, not Python's 82 and 88
        "Welbevinden (leerlingen): 83 % gunstige antwoorden, 5 procentpunt lager dan vorig schooljaar (88 %); zie "
        "PEIL-2 en PEIL-1."
    )
    with pytest.raises(ValidationError):
        Signalen(thema_daling=0.005)  # would call 86 % against 86 % a fall of 0 points


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
    assert [(brin, "Van deze school is nog geen formulier verwerkt.") for brin in silent] == [
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
        "Welbevinden (leerlingen): 78 % gunstige antwoorden, onder de norm van het bestuur (80 %) en 8 procentpunt lager "
        "dan vorig schooljaar (86 %); zie PEIL-2026-0002 en PEIL-2026-0001."
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
    long_ago = today - dt.timedelta(days=800)  # the board registered all of last year
    drop("incident", "eerder.xlsx", seed=8, datum=long_ago, datum_ingevuld=long_ago, evaluatie_datum=None)
    for n in range(5):  # for the board's office only: the director may be the one they are about
        day = today - dt.timedelta(days=n + 1)
        drop(
            "incident", f"sgg {n}.xlsx", seed=10 + n, categorie=SGG, datum=day, datum_ingevuld=day, evaluatie_datum=None
        )
    app.process(workspace)
    rise = f"Meer incidenten ({SGG}) dan vorig schooljaar in dezelfde periode: 5 tegen 0."
    assert rise in [r[2] for r in sheet_rows(workspace, "Overzicht") if r[0] == "12AB"]  # the office sees it
    (digest,) = [m for m in eml_files(workspace) if str(m["To"]) == "directeur@regenboog.nl"]
    assert "Meer incidenten" not in body(digest) and SGG not in body(digest) and "5 tegen" not in body(digest)


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


# --- status keeps to the Overzicht in place ---------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [
        "{",
        '{"signalen": [1]}',
        '{"formaat": 1, "berekend": "2026-12-03T09:00:00", "overzicht": "x.xlsx", "signalen": [{"school": "12AB"}]}',
        '{"formaat": 1, "berekend": "gisteren", "overzicht": "x.xlsx", "signalen": []}',
        '{"formaat": 1, "berekend": 5, "overzicht": "x.xlsx", "signalen": []}',
        '{"formaat": 2, "berekend": "2026-12-03T09:00:00", "overzicht": "x.xlsx", "signalen": []}',
    ],
)
def test_status_passes_over_a_damaged_or_foreign_signals_file(workspace: Settings, drop: Filler, content: str) -> None:
    drop("incident", "melding.xlsx")
    assert run(workspace, "process")[0] == 0
    (workspace.paths.state / "signalen.json").write_text(content, encoding="utf-8")
    code, out, _ = run(workspace, "status")  # the runner raises on a crash
    assert code == 0 and "Signalen" not in out and "Opgeslagen formulieren" in out


def test_status_lists_no_signal_of_a_master_that_could_not_be_put_in_place(workspace: Settings, drop: Filler) -> None:
    master = workspace.paths.master
    runner = Runner.open(workspace)
    try:
        publisher = app.master_publisher(workspace, runner.store, now=runner.now)
        publisher.attempts, publisher.pause = 2, 0.0
        drop("incident", "eerste.xlsx", seed=1, school="34CD")
        runner.process_once(master=publisher)

        def share_gone(source: Path, target: Path) -> None:  # the network share hiccups at the replace
            if target == master:
                raise OSError(errno.EIO, "Input/output error", str(target))
            os.replace(source, target)

        publisher.replace = share_gone
        three_of_one_pupil(drop)
        assert runner.process_once(master=publisher).master_failed
    finally:
        runner.close()
    out = run(workspace, "status")[1]
    assert "Signalen (" in out and "Dezelfde leerling" not in out  # the Overzicht in place does not list it
    assert f"als in het Overzicht van {master.name}" in out


def test_a_new_board_norm_reaches_the_overzicht_and_status_at_the_next_process(
    workspace: Settings, drop: Filler
) -> None:
    drop("peiling", "peiling.xlsx", positief_welbevinden=0.78)
    app.process(workspace)
    under = (
        "Welbevinden (leerlingen): 78 % gunstige antwoorden, onder de norm van het bestuur (80 %); zie PEIL-2026-0001."
    )
    assert under in run(workspace, "status")[1]
    config = workspace.paths.config
    config.write_text(config.read_text("utf-8").replace("thema_minimaal = 0.8", "thema_minimaal = 0.7"), "utf-8")
    settings = load_settings(config)
    assert settings.board.signalen.thema_minimaal == 0.7
    assert run(settings, "process")[0] == 0  # nothing new in the inbox: the changed config makes the master old
    out = run(settings, "status")[1]
    assert "onder de norm" not in out
    assert "onder de norm" not in str([r[2] for r in sheet_rows(settings, "Overzicht") if r[0] == "12AB"])


def test_the_digests_silence_is_dated_by_what_the_director_may_see(workspace: Settings, drop: Filler) -> None:
    today = dt.date.today()
    drop("school", "school.xlsx", directeur_email="directeur@regenboog.nl")
    drop("incident", "incident.xlsx", seed=3)
    drop("agressie", "agressie.xlsx", seed=4)  # against staff: for the board's office only
    app.process(workspace)
    ten, seven = today - dt.timedelta(weeks=10), today - dt.timedelta(weeks=7)
    with contextlib.closing(sqlite3.connect(workspace.paths.database)) as db, db:
        db.execute(
            "UPDATE records SET created_at = ?, updated_at = ? WHERE form_id != 'agressie'", (f"{ten}T09:00",) * 2
        )
        db.execute(
            "UPDATE records SET created_at = ?, updated_at = ? WHERE form_id = 'agressie'", (f"{seven}T09:00",) * 2
        )
    store = Store.open(workspace.paths.database, create=False)
    try:
        facts = board_facts(
            store, workspace.board, choices=workspace.choices, schooljaar=schoolyear(today), today=today
        )
        found = app.signals_of(workspace, store, today=today)(
            facts.schools["12AB"], Confidential(store, workspace.choices)
        )
    finally:
        store.close()
    (quiet,) = [s for s in found if "geen formulier verwerkt" in s]
    assert quiet.startswith("Van deze school is al 10 weken geen formulier") and f"{ten:%d-%m-%Y}" in quiet


def three_of_one_pupil(drop: Filler) -> None:
    today = dt.date.today()
    for n in range(3):
        day = today - dt.timedelta(days=10 * n + 1)
        drop(
            "incident", f"pesten {n}.xlsx", seed=20 + n, categorie="pesten", leerling_ref="48213",
            leerling_ref_rol="slachtoffer", dader_rol="leerling", datum=day, datum_ingevuld=day, evaluatie_datum=None,
        )  # fmt: skip
