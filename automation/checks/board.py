"""The board's facts, computed once per run from the store and a date (issue 10).

Everything the outputs show per school and school year is worked out here and nowhere else: the
registrations per form and kind (this year, the same part of last year, last year whole), the open
actions, the reporting duties, the milestones, the monitor check with its reasons, the survey
results, the Vensters text and when the plan was made. The master workbook, the plans and `status`
only render a `BoardFacts`; so they can never disagree.

`board_facts` reads the store; everything below it is a pure function of what it read.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from automation.checks.actions import Action, most_urgent_first
from automation.checks.kept import KeptFacts, RecordFacts, Tallies, record_facts
from automation.checks.milestones import DONE, LATE, Milestone, milestones
from automation.checks.monitor import MEETS, MonitorCheck, check_school, delivery_deadline, pupil_surveys
from automation.checks.vensters import latest_scores, reported_surveys, vensters, warning
from automation.config import BoardConfig, Monitor
from automation.forms import FORMS, event_forms, figure_forms
from automation.schoolyear import first_day, last_day, previous, schoolyear
from automation.store import Record, Store, Tally, ThemeScore

# --- the school year: running, finished or still to come -------------------------------------

RUNNING, FINISHED, COMING = "lopend", "afgelopen", "toekomstig"


@dataclass(frozen=True)
class Period:
    """A school year as far as it has been counted on `today`."""

    year: str
    start: dt.date
    end: dt.date
    status: str  # lopend | afgelopen | toekomstig
    until: dt.date | None  # the last day counted: today, the year's last day, or None before it begins

    @classmethod
    def of(cls, year: str, today: dt.date) -> Period:
        start, end = first_day(year), last_day(year)
        if today < start:
            return cls(year, start, end, COMING, None)
        if today > end:
            return cls(year, start, end, FINISHED, end)
        return cls(year, start, end, RUNNING, today)

    def holds(self, day: dt.date, *, until: dt.date | None = None) -> bool:
        last = until if until is not None else self.until
        return last is not None and self.start <= day <= last


def year_ago(day: dt.date) -> dt.date:
    """The same day of the school year one year earlier (28 February for 29 February)."""
    return day.replace(year=day.year - 1) if (day.month, day.day) != (2, 29) else dt.date(day.year - 1, 2, 28)


@dataclass(frozen=True)
class Comparison:
    """This school year (as far as counted) against the same part of last school year, and last
    school year whole. A part of last year the board has no data for is unknown ('geen gegevens'),
    not 0: it registered nothing before `first_event`."""

    this: Period
    last: Period
    last_until: dt.date | None  # the last day counted of last school year's same part
    first_event: dt.date | None  # the board's first registered event (any school)

    @classmethod
    def of(cls, schooljaar: str, today: dt.date, *, first_event: dt.date | None) -> Comparison:
        this, last = Period.of(schooljaar, today), Period.of(previous(schooljaar), today)
        until = year_ago(this.until) if this.status == RUNNING and this.until else last.until
        return cls(this, last, until, first_event)

    @property
    def last_known(self) -> bool:
        """The board has data for the same part of last year."""
        return self.first_event is not None and self.last_until is not None and self.first_event <= self.last_until

    @property
    def last_whole_known(self) -> bool:
        """The board has data for (part of) last school year as a whole."""
        return self.first_event is not None and self.last.until is not None and self.first_event <= self.last.until

    @property
    def last_partly(self) -> bool:
        """Last school year's data begin after its start (the board began registering during it)."""
        return self.first_event is not None and self.first_event > self.last.start


# --- registrations ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Counted:
    """Registrations of one school (or the board) in one stretch of time: per form and per kind."""

    forms: Counter[str] = field(default_factory=Counter)
    kinds: Counter[tuple[str, str]] = field(default_factory=Counter)  # (form, kind) -> n

    def of(self, form_id: str) -> int:
        return self.forms[form_id]

    def kind(self, form_id: str, kind: str) -> int:
        return self.kinds[(form_id, kind)]

    def kinds_of(self, form_id: str) -> dict[str, int]:
        return {k: n for (f, k), n in self.kinds.items() if f == form_id and n}

    @property
    def total(self) -> int:
        return sum(self.forms.values())

    def add(self, tally: Tally, *, by_kind: bool = True) -> None:
        self.forms[tally.form_id] += tally.n
        if by_kind:
            self.kinds[(tally.form_id, tally.kind or UNKNOWN_KIND)] += tally.n

    def without(self, gone: Counted | None) -> Counted:
        """These counts less `gone`'s (never below 0)."""
        return self if gone is None else Counted(self.forms - gone.forms, self.kinds - gone.kinds)


UNKNOWN_KIND = "onbekend"


@dataclass(frozen=True)
class Registrations:
    """A school's registrations as the outputs compare them. `None`: no data for that period."""

    this_year: Counted
    last_to_date: Counted | None
    last_whole: Counted | None
    per_month: dict[str, Counter[str]]  # "2026-11" -> per form, this school year as far as counted
    last_partly: bool = False  # the board began registering during last school year's compared period

    def without(self, gone: Registrations) -> Registrations:
        """These registrations less `gone` (a director's digest counts no confidential one); a period
        without data stays without."""
        return Registrations(
            self.this_year.without(gone.this_year),
            None if self.last_to_date is None else self.last_to_date.without(gone.last_to_date),
            None if self.last_whole is None else self.last_whole.without(gone.last_whole),
            {month: n - gone.per_month.get(month, Counter()) for month, n in self.per_month.items()},
            self.last_partly,
        )


def count_registrations(tallies: Iterable[Tally], cmp: Comparison, *, per_kind: Collection[str] = ()) -> Registrations:
    """Count a school's registrations in each period; per kind only for the forms in `per_kind`
    (those with a counted field)."""
    this, last, whole = Counted(), Counted(), Counted()
    per_month: dict[str, Counter[str]] = {}
    for t in tallies:
        by_kind = t.form_id in per_kind
        if cmp.this.holds(t.day):
            this.add(t, by_kind=by_kind)
            per_month.setdefault(f"{t.day:%Y-%m}", Counter())[t.form_id] += t.n
        if cmp.last.holds(t.day):
            whole.add(t, by_kind=by_kind)
            if cmp.last.holds(t.day, until=cmp.last_until):
                last.add(t, by_kind=by_kind)
    return Registrations(
        this_year=this,
        last_to_date=last if cmp.last_known else None,
        last_whole=whole if cmp.last_whole_known else None,
        per_month=per_month,
        last_partly=cmp.last_partly,
    )


@dataclass(frozen=True)
class DutyCount:
    reportable: int = 0  # cases with a legal reporting duty in the school year
    reported: int = 0

    @property
    def open(self) -> int:
        return self.reportable - self.reported


# --- the school form -------------------------------------------------------------------------


@dataclass(frozen=True)
class SchoolForm:
    data: Mapping[str, Any]
    regnr: str
    filled: dt.date | None

    @property
    def year(self) -> str | None:
        """The school year the form was filled in."""
        return schoolyear(self.filled) if self.filled is not None else None

    def of_year(self, year: str) -> bool:
        return self.year == year


def choose_school_forms(records: Sequence[Record], *, schooljaar: str, later: bool = True) -> dict[str, SchoolForm]:
    """Per school the latest school form filled in `schooljaar`, else the latest one before it
    (else, with `later`, the first after it: the plan says so). `records` come oldest first."""
    forms: dict[str, list[SchoolForm]] = {}
    for rec in records:
        forms.setdefault(rec.school, []).append(SchoolForm(rec.data, rec.regnr, rec.event_date))
    end = last_day(schooljaar)
    chosen: dict[str, SchoolForm] = {}
    for brin, found in forms.items():
        this_year = [f for f in found if f.of_year(schooljaar)]
        earlier = [f for f in found if f.filled is not None and f.filled <= end]
        if this_year or earlier:
            chosen[brin] = (this_year or earlier)[-1]
        elif later:
            chosen[brin] = found[0]
    return chosen


# --- the facts -------------------------------------------------------------------------------


class _Milestones:
    """How many of a school's milestones are done, and how many late (its facts and status's summary)."""

    milestones: tuple[Milestone, ...]

    @property
    def milestones_done(self) -> int:
        return sum(m.status == DONE for m in self.milestones)

    @property
    def milestones_late(self) -> int:
        return sum(m.status == LATE for m in self.milestones)


@dataclass(frozen=True)
class SchoolFacts(_Milestones):
    brin: str
    name: str
    school_form: SchoolForm | None
    registrations: Registrations
    actions: tuple[Action, ...]  # most urgent first
    duties: DutyCount
    milestones: tuple[Milestone, ...]
    monitor: MonitorCheck
    monitor_last_year: MonitorCheck
    surveys: tuple[ThemeScore, ...]  # this school year's survey results, every survey
    reported: dict[str, tuple[ThemeScore, ...]]  # per group the one survey of this school year the outputs report
    vensters: str
    vensters_warning: str  # for the office, beside the text: why not to publish it as it is
    last_received: dt.datetime | None
    plan_made: dt.datetime | None
    plan_stale: bool = False  # made, but the facts it shows changed since (a new one is due)
    rejections: tuple[int, dt.datetime | None] = (0, None)  # rejected files not yet solved, the oldest's time
    reported_last_year: Mapping[str, tuple[ThemeScore, ...]] = field(default_factory=dict)  # as `reported`

    @property
    def open_cases(self) -> int:
        """Registrations with at least one open action (a case with two actions counts once)."""
        return len({a.regnr for a in self.actions})


@dataclass(frozen=True)
class BoardFacts:
    board: str
    schooljaar: str
    today: dt.date
    comparison: Comparison
    registers: tuple[str, ...]  # the event forms, in the order the outputs show them
    schools: dict[str, SchoolFacts]  # by BRIN, sorted
    actions: tuple[Action, ...]  # every open action of the board, most urgent first
    surveys: tuple[ThemeScore, ...]  # every stored survey theme, all years
    deadlines: Mapping[str, str]
    choices: Mapping[str, tuple[str, ...]]

    @property
    def names(self) -> dict[str, str]:
        return {brin: s.name for brin, s in self.schools.items()}

    @property
    def this_year(self) -> Counted:
        """The board's registrations this school year, all schools together."""
        total = Counted()
        for school in self.schools.values():
            total.forms.update(school.registrations.this_year.forms)
            total.kinds.update(school.registrations.this_year.kinds)
        return total

    @property
    def per_month(self) -> dict[str, Counter[str]]:
        months: dict[str, Counter[str]] = {}
        for school in self.schools.values():
            for month, counts in school.registrations.per_month.items():
                months.setdefault(month, Counter()).update(counts)
        return months


def board_facts(
    store: Store,
    board: BoardConfig,
    *,
    choices: Mapping[str, Sequence[str]],
    schooljaar: str,
    today: dt.date,
    plans: Mapping[str, dt.datetime] | None = None,
    stale_plans: Collection[str] = (),
    rejections: Mapping[str, tuple[int, dt.datetime | None]] | None = None,
    kept: KeptFacts | None = None,
) -> BoardFacts:
    """Read what the outputs need from the store once, and work out the board's facts. `plans`: when
    each school's plan was made; `stale_plans`: the schools whose plan is older than its facts;
    `rejections`: per school its rejected files not yet solved by an accepted one, and the oldest's time;
    `kept`: what the last call derived from each registration (a caller that asks again and again
    holds one): an unchanged registration is then not decoded or worked out again."""
    registers = event_forms()
    open_days = board.overzicht.open_dagen
    counted = {f: _counted(f) for f in registers}
    if kept is None:
        counting = Tallies()

        def read() -> Iterator[RecordFacts]:  # streamed: memory stays flat; counted on the way
            for raw in store.raw_records(registers, in_order=True):
                rec = Record.of_raw(raw)
                counting.add_record(raw, rec)
                yield record_facts(rec, today=today, schooljaar=schooljaar, open_days=open_days)

        derived: Iterable[RecordFacts] = read()
        counted_on_the_way = counting.result
    else:
        kept.refresh(
            store.raw_records(registers, data=False),
            read=store.raw_records_of,
            today=today,
            schooljaar=schooljaar,
            open_days=open_days,
        )
        derived = kept.registrations
        counted_on_the_way = kept.tallies

    def tallies() -> Sequence[Tally]:  # asked once the registrations are read
        found = counted_on_the_way()
        return store.tallies(counted) if found is None else found

    return _compute(
        board,
        choices=choices,
        schooljaar=schooljaar,
        today=today,
        registers=registers,
        registrations=derived,
        tallies=tallies,
        school_forms=store.filled_forms("school"),
        surveys=store.survey_scores(),
        last_received=store.last_received_per_school(),
        plans=plans or {},
        stale_plans=stale_plans,
        rejections=rejections or {},
    )


def compute(
    board: BoardConfig,
    *,
    choices: Mapping[str, Sequence[str]],
    schooljaar: str,
    today: dt.date,
    registers: tuple[str, ...],
    records: Iterable[Record],
    tallies: Sequence[Tally],
    school_forms: Sequence[Record],
    surveys: Sequence[ThemeScore],
    last_received: Mapping[str, dt.datetime],
    plans: Mapping[str, dt.datetime],
    stale_plans: Collection[str] = (),
    rejections: Mapping[str, tuple[int, dt.datetime | None]] | None = None,
) -> BoardFacts:
    """The board's facts from what was read: a pure function."""
    open_days = board.overzicht.open_dagen
    return _compute(
        board,
        choices=choices,
        schooljaar=schooljaar,
        today=today,
        registers=registers,
        registrations=(
            record_facts(rec, today=today, schooljaar=schooljaar, open_days=open_days)
            for rec in records
            if rec.form_id in registers
        ),
        tallies=lambda: tallies,
        school_forms=school_forms,
        surveys=surveys,
        last_received=last_received,
        plans=plans,
        stale_plans=stale_plans,
        rejections=rejections,
    )


def _compute(
    board: BoardConfig,
    *,
    choices: Mapping[str, Sequence[str]],
    schooljaar: str,
    today: dt.date,
    registers: tuple[str, ...],
    registrations: Iterable[RecordFacts],
    tallies: Callable[[], Sequence[Tally]],
    school_forms: Sequence[Record],
    surveys: Sequence[ThemeScore],
    last_received: Mapping[str, dt.datetime],
    plans: Mapping[str, dt.datetime],
    stale_plans: Collection[str] = (),
    rejections: Mapping[str, tuple[int, dt.datetime | None]] | None = None,
) -> BoardFacts:
    """`compute`, from each registration's facts; `tallies` asked after they are read (they may be
    counted on the way)."""
    duties: dict[str, DutyCount] = {}
    found: list[Action] = []
    for reg in registrations:  # one pass, nothing kept but what is found: memory stays flat
        if reg.reportable:
            old = duties.get(reg.school, DutyCount())
            duties[reg.school] = DutyCount(old.reportable + reg.reportable, old.reported + reg.reported)
        found += reg.actions
    counted = tallies()
    figures = figure_forms()  # the board's first event: of the registers of events, not of the measures
    cmp = Comparison.of(
        schooljaar, today, first_event=min((t.day for t in counted if t.form_id in figures), default=None)
    )
    per_kind = frozenset(f for f in registers if _counted(f))
    by_school: dict[str, list[Tally]] = {}
    for t in counted:  # once, not once per school
        by_school.setdefault(t.school, []).append(t)
    forms = choose_school_forms(school_forms, schooljaar=schooljaar)
    last_forms = choose_school_forms(school_forms, schooljaar=previous(schooljaar), later=False)
    deadlines = board.voortgang.deadlines()
    schools = sorted((s.brin, s.naam) for s in board.scholen)
    checks = {
        brin: _monitor(brin, schooljaar, surveys, forms[brin].data if brin in forms else {}, board, today)
        for brin, _ in schools
    }
    found += [a for brin, check in checks.items() if (a := delivery_action(check, forms.get(brin), board.monitor))]
    actions = most_urgent_first(found)
    actions_by_school: dict[str, list[Action]] = {}
    for action in actions:  # keeps the order: most urgent first
        actions_by_school.setdefault(action.school, []).append(action)
    facts: dict[str, SchoolFacts] = {}
    for brin, name in schools:
        form = forms.get(brin)
        data = form.data if form else {}
        check = checks[brin]
        this_year = tuple(s for s in surveys if s.school == brin and s.schooljaar == schooljaar)
        last_form = last_forms.get(brin)
        last_check = _monitor(brin, previous(schooljaar), surveys, last_form.data if last_form else {}, board, today)
        last_year = tuple(s for s in surveys if s.school == brin and s.schooljaar == previous(schooljaar))
        facts[brin] = SchoolFacts(
            brin=brin,
            name=name,
            school_form=form,
            registrations=count_registrations(by_school.get(brin, ()), cmp, per_kind=per_kind),
            actions=tuple(actions_by_school.get(brin, ())),
            duties=duties.get(brin, DutyCount()),
            milestones=_milestones(form, schooljaar=schooljaar, deadlines=deadlines, today=today),
            monitor=check,
            monitor_last_year=last_check,
            surveys=this_year,
            reported=reported_surveys(this_year, check),
            vensters=vensters(
                school_name=name,
                schooljaar=schooljaar,
                form=data,
                scores=latest_scores(surveys, school=brin, schooljaar=schooljaar),
                check=check,
            ),
            vensters_warning=warning(check),
            last_received=last_received.get(brin),
            plan_made=plans.get(brin),
            plan_stale=brin in stale_plans and brin in plans,
            rejections=(rejections or {}).get(brin, (0, None)),
            reported_last_year=reported_surveys(last_year, last_check),
        )
    return BoardFacts(
        board=board.bestuur,
        schooljaar=schooljaar,
        today=today,
        comparison=cmp,
        registers=registers,
        schools=facts,
        actions=tuple(actions),  # also those of a school no longer in the config
        surveys=tuple(surveys),
        deadlines=deadlines,
        choices={k: tuple(v) for k, v in choices.items()},
    )


# --- what `status` shows: the figures without the registrations' own facts ---------------------


@dataclass(frozen=True)
class SchoolSummary(_Milestones):
    """Of a school's facts what `status` shows; the open cases counted by the store."""

    brin: str
    name: str
    registrations: Registrations  # per form; not per kind
    open_cases: int
    milestones: tuple[Milestone, ...]
    monitor: MonitorCheck
    reported: dict[str, tuple[ThemeScore, ...]]


@dataclass(frozen=True)
class BoardSummary:
    schooljaar: str
    comparison: Comparison
    registers: tuple[str, ...]
    schools: dict[str, SchoolSummary]  # by BRIN, sorted


def summary_of(facts: BoardFacts) -> BoardSummary:
    """The summary of facts worked out in full: what `board_summary` gives quicker."""
    return BoardSummary(
        facts.schooljaar,
        facts.comparison,
        tuple(f for f in facts.registers if f in figure_forms()),
        {
            brin: SchoolSummary(brin, s.name, s.registrations, s.open_cases, s.milestones, s.monitor, dict(s.reported))
            for brin, s in facts.schools.items()
        },
    )


def board_summary(store: Store, board: BoardConfig, *, schooljaar: str, today: dt.date) -> BoardSummary:
    """`summary_of(board_facts(…))` without working out each registration's facts: the store counts
    the registrations per form and day, and those with an open action, in one query (`Store.case_counts`),
    so no registration is decoded in Python (`status`, a process of its own each time)."""
    counts = store.case_counts([FORMS[f] for f in event_forms()], today=today, open_days=board.overzicht.open_dagen)
    registers = figure_forms()  # what status shows as registrations: not the measures (their open actions count)
    tallies = [Tally(c.form_id, c.school, dt.date.fromisoformat(c.day), None, c.n) for c in counts if c.day is not None]
    open_cases: Counter[str] = Counter()
    by_school: dict[str, list[Tally]] = {}
    for c in counts:
        open_cases[c.school] += c.open
    for t in tallies:
        by_school.setdefault(t.school, []).append(t)
    figures = set(registers)  # the board's first event: of the registers of events, not of the measures
    cmp = Comparison.of(
        schooljaar, today, first_event=min((t.day for t in tallies if t.form_id in figures), default=None)
    )
    surveys = store.survey_scores()
    forms = choose_school_forms(store.filled_forms("school"), schooljaar=schooljaar)
    deadlines = board.voortgang.deadlines()
    schools: dict[str, SchoolSummary] = {}
    for brin, name in sorted((s.brin, s.naam) for s in board.scholen):
        form = forms.get(brin)
        check = _monitor(brin, schooljaar, surveys, form.data if form else {}, board, today)
        delivery = delivery_action(check, form, board.monitor)  # its number is no registration's
        this_year = tuple(s for s in surveys if s.school == brin and s.schooljaar == schooljaar)
        schools[brin] = SchoolSummary(
            brin=brin,
            name=name,
            registrations=count_registrations(by_school.get(brin, ()), cmp),
            open_cases=open_cases[brin] + (delivery is not None),
            milestones=_milestones(form, schooljaar=schooljaar, deadlines=deadlines, today=today),
            monitor=check,
            reported=reported_surveys(this_year, check),
        )
    return BoardSummary(schooljaar, cmp, registers, schools)


def delivery_action(check: MonitorCheck, form: SchoolForm | None, cfg: Monitor) -> Action | None:
    """Once the survey is in, the summary for the inspectorate is an open action until it is delivered."""
    delivery = next((r for r in check.requirements if r.key == "levering"), None)
    if delivery is None or delivery.verdict == MEETS or not check.measured:
        return None
    deadline = delivery_deadline(cfg, check.schooljaar)
    text = f"Samenvatting monitorgegevens naar de inspectie (uiterlijk {deadline:%d-%m-%Y})"
    return Action(form.regnr if form else "", check.school, text, deadline, duty=True)


def _milestones(
    form: SchoolForm | None, *, schooljaar: str, deadlines: Mapping[str, str], today: dt.date
) -> tuple[Milestone, ...]:
    data = form.data if form and form.of_year(schooljaar) else None
    return tuple(milestones(data, year=schooljaar, deadlines=deadlines, today=today))


def _counted(form_id: str) -> str | None:
    register = FORMS[form_id].counts
    return register.counted if register else None


def _monitor(
    brin: str,
    schooljaar: str,
    surveys: Sequence[ThemeScore],
    school_form: Mapping[str, Any],
    board: BoardConfig,
    today: dt.date,
) -> MonitorCheck:
    return check_school(
        school=brin,
        schooljaar=schooljaar,
        surveys=pupil_surveys(surveys, school=brin, schooljaar=schooljaar),
        school_form=school_form,
        cfg=board.monitor,
        today=today,
    )
