"""Early warnings per school (issue 15, part 2): signals worked out from the board's facts, each one
Dutch sentence saying why, with the registrations behind it. A pure function of what it is given.

Every threshold is the board's own norm (`[signalen]` in veiligheid.toml), never the law's, and a
signal says so by its source. Small numbers are handled on purpose: a rise is a signal only from
`stijging_minimaal` registrations on and by at least `stijging_verschil` more than last year in the
same period, so 1 → 2 is never "+100 %".

- `rising`: registrations of a kind (or of a form without kinds) rising against the same period last
  year; nothing when last year is unknown (the board registered nothing before it).
- `repeated`: the same pupil (by pseudonym) in `herhaling_aantal` incidents or more within
  `herhaling_weken` weeks, as victim or as perpetrator, counted apart ('beide' counts for both); the
  sentence names the registrations, never the pseudonym (it goes into e-mail).
- `overdue`: a legal reporting duty still open more than `meldplicht_dagen` days after the event.
- `lingering`: other open actions of registrations from more than `acties_dagen` days ago.
- `silent`: a school that sent nothing for `stil_weken` weeks.
- `theme`: a monitor theme whose share of positive answers is under `thema_minimaal`, or fell by
  `thema_daling` or more against last school year's survey of the same group; per group the survey the
  outputs report (`SchoolFacts.reported`), and only one that at least `thema_respondenten` people
  answered (a share of a handful of answers says little). A survey without shares gives no signal.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from automation.checks.actions import Action
from automation.checks.board import Comparison, DutyCount, Registrations, SchoolFacts, count_registrations
from automation.checks.kept import kind_of, record_facts
from automation.config import Signalen
from automation.forms import FORMS, figure_forms
from automation.numbers import whole_percent
from automation.schoolyear import schoolyear
from automation.store import Store, Tally, ThemeScore

NORM = "bestuursnorm"  # the source of every signal's threshold: the board's own, never the law


@dataclass(frozen=True)
class Signal:
    school: str
    kind: str  # meldplicht | herhaling | acties | stijging | thema | stil
    text: str  # one Dutch sentence: why
    regnrs: tuple[str, ...] = ()  # the rows behind it
    source: str = NORM


@dataclass(frozen=True)
class Involvement:
    """A pupil in a registration: as the store gives it (`Store.pupil_involvements`)."""

    regnr: str
    school: str
    day: dt.date
    pseudonym: str
    role: str | None  # slachtoffer | dader | beide


def rising(school: str, registrations: Registrations, forms: Sequence[str], cfg: Signalen) -> list[Signal]:
    """Registrations of a kind rising against the same period last year, when last year is known for
    this school: the board registered all of that period (not only from some day in it) and the school
    registered something last year (else it most likely did not use the forms yet, and 0 is no count)."""
    last, whole = registrations.last_to_date, registrations.last_whole
    if last is None or whole is None or registrations.last_partly or not any(whole.of(f) for f in forms):
        return []
    this = registrations.this_year
    found: list[Signal] = []
    for form_id in forms:
        form = FORMS[form_id]
        short = form.counts.short if form.counts else form.title
        pairs: list[tuple[str | None, int, int]] = [
            (kind, this.kind(form_id, kind), last.kind(form_id, kind)) for kind in this.kinds_of(form_id)
        ]
        if not pairs:
            pairs = [(None, this.of(form_id), last.of(form_id))]
        for kind, now, before in pairs:
            if (
                now < cfg.stijging_minimaal
                or now - before < cfg.stijging_verschil
                or now < cfg.stijging_factor * before
            ):
                continue
            what = f"{short.lower()} ({kind})" if kind else short.lower()
            found.append(
                Signal(
                    school, "stijging", f"Meer {what} dan vorig schooljaar in dezelfde periode: {now} tegen {before}."
                )
            )
    return found


def repeated(school: str, involvements: Iterable[Involvement], *, today: dt.date, cfg: Signalen) -> list[Signal]:
    """The same pupil `herhaling_aantal` times or more within `herhaling_weken` weeks (less than that
    many days from the first to the last), per role, the last of them within those weeks before today."""
    window = dt.timedelta(weeks=cfg.herhaling_weken)
    by_pupil: dict[tuple[str, str], list[Involvement]] = {}
    for inv in involvements:
        if inv.school != school:
            continue
        roles = ("slachtoffer", "dader") if inv.role == "beide" else (inv.role or "betrokken",)
        for role in roles:
            by_pupil.setdefault((inv.pseudonym, role), []).append(inv)
    found: list[Signal] = []
    for (_pupil, role), seen in sorted(by_pupil.items()):
        seen.sort(key=lambda i: (i.day, i.regnr))
        best: list[Involvement] = []
        start = 0
        for end in range(len(seen)):  # the longest run of incidents within the window, ending lately
            while seen[end].day - seen[start].day >= window:
                start += 1
            if today - seen[end].day >= window:
                continue
            if end - start + 1 > len(best):
                best = seen[start : end + 1]
        if len(best) >= cfg.herhaling_aantal:
            numbers = tuple(i.regnr for i in best)
            found.append(
                Signal(
                    school,
                    "herhaling",
                    f"Dezelfde leerling was binnen {cfg.herhaling_weken} weken {len(best)} keer {role}: "
                    f"{', '.join(numbers)}.",  # never the pseudonym: the registrations name the rows
                    numbers,
                )
            )
    return found


def overdue(school: str, actions: Iterable[Action], *, today: dt.date, cfg: Signalen) -> list[Signal]:
    """A legal reporting duty still open more than `meldplicht_dagen` days after the event (the law asks
    to report at once: the days are the board's patience, not the law's)."""
    late = [a for a in actions if a.duty and a.date is not None and (today - a.date).days > cfg.meldplicht_dagen]
    if not late:
        return []
    numbers = tuple(dict.fromkeys(a.regnr for a in late))
    n = len(numbers)
    return [
        Signal(
            school,
            "meldplicht",
            f"{n} {'melding' if n == 1 else 'meldingen'} met een wettelijke meldplicht "
            f"{'staat' if n == 1 else 'staan'} al langer dan {_days(cfg.meldplicht_dagen)} open (de wet vraagt om "
            f"meteen te melden): {', '.join(numbers)}.",
            numbers,
        )
    ]


def lingering(school: str, actions: Iterable[Action], *, today: dt.date, cfg: Signalen) -> list[Signal]:
    """Other open actions (an evaluation, the office's handling, a measure's evaluation) of registrations
    from more than `acties_dagen` days ago: one sentence per school, the oldest first."""
    late = sorted(
        (a for a in actions if not a.duty and a.date is not None and (today - a.date).days > cfg.acties_dagen),
        key=lambda a: (a.date or today, a.regnr),
    )
    numbers = tuple(dict.fromkeys(a.regnr for a in late))
    if not numbers:
        return []
    n, shown = len(numbers), numbers[:LISTED]
    more = f" en nog {n - len(shown)}" if n > len(shown) else ""
    return [
        Signal(
            school,
            "acties",
            f"{n} {'registratie heeft' if n == 1 else 'registraties hebben'} een open actie van meer dan "
            f"{_days(cfg.acties_dagen)} geleden: {', '.join(shown)}{more}.",
            numbers,
        )
    ]


LISTED = 5  # registrations a sentence names; the rest are counted (the signal keeps them all)


def _days(n: int) -> str:
    return "1 dag" if n == 1 else f"{n} dagen"


def silent(school: str, last_received: dt.datetime | None, *, today: dt.date, cfg: Signalen) -> list[Signal]:
    """A school none of whose forms was taken for `stil_weken` weeks (or none ever); the summer holiday
    (July and August) does not count, or every school would be silent when the school year begins."""
    if last_received is None:
        return [Signal(school, "stil", "Van deze school is nog geen formulier verwerkt.")]
    since = last_received.date()
    days = (today - since).days
    summer = sum(1 for n in range(1, days + 1) if (since + dt.timedelta(days=n)).month in SUMMER)
    weeks = (days - summer) // 7
    if weeks < cfg.stil_weken:
        return []
    return [
        Signal(
            school,
            "stil",
            f"Van deze school is al {weeks} weken{' buiten de zomervakantie' if summer else ''} geen formulier "
            f"verwerkt (het laatste kwam op {last_received:%d-%m-%Y} binnen).",
        )
    ]


SUMMER = (7, 8)  # months a school's silence does not count: the summer holiday lies in them in every region


def theme(
    school: str,
    this_year: Mapping[str, Sequence[ThemeScore]],
    last_year: Mapping[str, Sequence[ThemeScore]],
    cfg: Signalen,
) -> list[Signal]:
    """A monitor theme under the board's norm, or fallen against last school year (per group: the one
    survey of each year the outputs report; a fall only between surveys of one instrument on one scale,
    since another instrument asks other questions)."""
    found: list[Signal] = []
    for group, rows in this_year.items():
        before = {(r.theme, *_measured_as(r)): r for r in last_year.get(group, ()) if _enough(r, cfg)}
        for row in rows:
            if row.positive is None or not _enough(row, cfg):
                continue
            why: list[str] = []
            numbers: tuple[str, ...] = (row.regnr,)
            now = whole_percent(row.positive)  # judged as shown: in whole percents, so never "80 %, under 80 %"
            if now < whole_percent(cfg.thema_minimaal):
                why.append(f"onder de norm van het bestuur ({whole_percent(cfg.thema_minimaal)} %)")
            old = before.get((row.theme, *_measured_as(row)))
            if old is not None and old.positive is not None:
                points = whole_percent(old.positive) - now
                if points >= whole_percent(cfg.thema_daling):
                    why.append(f"{points} procentpunt lager dan vorig schooljaar ({whole_percent(old.positive)} %)")
                    numbers = (row.regnr, old.regnr)
            if why:
                found.append(
                    Signal(
                        school,
                        "thema",
                        f"{row.theme_label} ({group}): {now} % gunstige antwoorden, {' en '.join(why)}"
                        + (f"; zie {' en '.join(n for n in numbers if n)}." if any(numbers) else "."),
                        tuple(n for n in numbers if n),
                    )
                )
    return found


def _enough(row: ThemeScore, cfg: Signalen) -> bool:
    return row.respondents >= cfg.thema_respondenten


def _measured_as(row: ThemeScore) -> tuple[str, float, float]:
    """What makes two years' results of a theme comparable: the instrument (by name) and its scale."""
    return (" ".join(row.instrument.lower().split()), row.scale_min, row.scale_max)


def school_signals(
    school: str,
    *,
    registrations: Registrations,
    forms: Sequence[str],
    actions: Iterable[Action],
    involvements: Iterable[Involvement],
    last_received: dt.datetime | None,
    today: dt.date,
    cfg: Signalen,
    surveys: Mapping[str, Sequence[ThemeScore]] | None = None,
    surveys_last_year: Mapping[str, Sequence[ThemeScore]] | None = None,
) -> list[Signal]:
    """Every signal of one school, the most pressing first: legal duties, repeated pupils, other late
    actions, rises, monitor themes, silence."""
    actions = list(actions)
    return [
        *overdue(school, actions, today=today, cfg=cfg),
        *repeated(school, involvements, today=today, cfg=cfg),
        *lingering(school, actions, today=today, cfg=cfg),
        *rising(school, registrations, forms, cfg),
        *theme(school, surveys or {}, surveys_last_year or {}, cfg),
        *silent(school, last_received, today=today, cfg=cfg),
    ]


def signals_of(
    school: SchoolFacts,
    involvements: Iterable[Involvement],
    *,
    today: dt.date,
    cfg: Signalen,
    hidden: Callable[[str], bool] = lambda regnr: False,
) -> list[Signal]:
    """`school_signals` of a school's facts, without the registrations `hidden` names (a confidential
    one, in a director's digest: `DirectorView` takes them out of the counts and the last receipt)."""
    return school_signals(
        school.brin,
        registrations=school.registrations,
        forms=figure_forms(),
        actions=[a for a in school.actions if not hidden(a.regnr)],
        involvements=[i for i in involvements if not hidden(i.regnr)],
        last_received=school.last_received,
        today=today,
        cfg=cfg,
        surveys=school.reported,
        surveys_last_year=school.reported_last_year,
    )


def involvements_of(rows: Iterable[tuple[str, str, str, str, str | None]]) -> list[Involvement]:
    """`Store.pupil_involvements` as `Involvement`s (a row without an event date is left out)."""
    return [
        Involvement(regnr, school, dt.date.fromisoformat(day), pseudonym, role)
        for regnr, school, day, pseudonym, role in rows
        if day
    ]


def since(today: dt.date, cfg: Signalen) -> dt.date:
    """From which day the pupils' registrations are asked: enough to find a full window before today."""
    return today - dt.timedelta(weeks=cfg.herhaling_weken * 2)


class DirectorView:
    """A school's facts as its director may see them, for the weekly digest: a confidential registration
    (for the board's office only; the director may be the one it is about) is taken out of the counts a
    rise compares and out of the last receipt a silence is dated by, so that no signal hints at one.
    The store is read once, when the first school asks."""

    def __init__(self, store: Store, *, today: dt.date, schooljaar: str | None = None) -> None:
        self.store = store
        self.today = today
        self.schooljaar = schooljaar or schoolyear(today)
        self.periods = Comparison.of(self.schooljaar, today, first_event=dt.date.min)
        self.may_hide = {f.id for f in FORMS.values() if f.confidential}
        self._rows: dict[str, list[tuple[str, str, str | None, str]]] | None = None

    def rows(self, brin: str) -> list[tuple[str, str, str | None, str]]:
        """(number, form, event day, last written) of a school's counted registrations, newest first."""
        if self._rows is None:
            self._rows = {}
            for raw in self.store.raw_records(list(FORMS), data=False):
                self._rows.setdefault(raw[2], []).append((raw[0], raw[1], raw[3], raw[7] or raw[6]))
            for found in self._rows.values():
                found.sort(key=lambda row: row[3], reverse=True)
        return self._rows.get(brin, [])

    def of(self, school: SchoolFacts, hidden: Callable[[str], bool]) -> SchoolFacts:
        """The school's facts without what `hidden` names, where signals would show it."""
        secret = [r for r in self.rows(school.brin) if r[1] in self.may_hide and hidden(r[0])]
        if not secret:
            return school
        tallies = []
        duties = school.duties
        for regnr, form_id, day, _ in secret:  # each read once: its count and its reporting duties
            record = self.store.record(regnr)
            if record is None:
                continue
            if day and self.periods.last.start <= (date := dt.date.fromisoformat(day[:10])):
                kind = kind_of(record)
                tallies.append(Tally(form_id, school.brin, date, None if kind is None else str(kind), 1))
            found = record_facts(record, today=self.today, schooljaar=self.schooljaar, open_days=0)  # a duty open
            duties = DutyCount(duties.reportable - found.reportable, duties.reported - found.reported)  # points at it
        per_kind = {f for f in self.may_hide if (c := FORMS[f].counts) and c.counted}
        gone = count_registrations(tallies, self.periods, per_kind=per_kind)
        # the newest registration the director may see (a correction too) dates the school's silence
        numbers = {r[0] for r in secret}
        shown = next((r[3] for r in self.rows(school.brin) if r[0] not in numbers), None)
        last = dt.datetime.fromisoformat(shown) if shown else None
        return replace(school, registrations=school.registrations.without(gone), last_received=last, duties=duties)


class Confidential:
    """Whether a registration is for the board's office only (`FormDef.confidential`: aggression
    against staff, sexual misconduct, a staff member as perpetrator): a director's digest and the
    yearly report per school never name or count it, since the director (or a colleague the readers
    know) may be the one it is about."""

    def __init__(self, store: Store, choices: Mapping[str, Sequence[str]]) -> None:
        self.store = store
        self.choices = choices
        self.known: dict[str, bool] = {}

    def __call__(self, regnr: str) -> bool:
        if regnr not in self.known:
            record = self.store.record(regnr)
            form = FORMS.get(record.form_id) if record else None
            self.known[regnr] = (
                record is None
                or form is None
                or form.confidential_reason(record.data, choices=self.choices) is not None
            )
        return self.known[regnr]
