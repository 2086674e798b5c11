"""The early warnings (checks.signals, issue 15 part 2), each rule by name, with the board's own
thresholds (`[signalen]`): small numbers never make a signal, victim and perpetrator count apart."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from automation import app
from automation.checks.actions import Action
from automation.checks.board import Counted, Registrations
from automation.checks.signals import NORM, Involvement, overdue, repeated, rising, school_signals, silent
from automation.config import Settings, Signalen
from tests.conftest import Filler
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
    )
    assert [s.kind for s in found] == ["meldplicht", "herhaling", "stijging", "stil"]
    assert Counter(s.source for s in found) == {NORM: 4}


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
