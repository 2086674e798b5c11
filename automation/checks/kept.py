"""What the board's facts take from each registration, and keeping it between runs (issue 14).

`board_facts` derives from every registration its open actions and what it adds to its school's
reporting duties (`RecordFacts`). A caller that asks for the facts again and again (the watcher writes
the master after every change) holds one `KeptFacts` and passes it in: a registration whose row did
not change since the last call is then neither decoded nor worked out again.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from sys import intern
from typing import Any

from automation.checks.actions import Action, Registration, actions_of
from automation.forms import FORMS
from automation.schoolyear import schoolyear
from automation.store import RawRecord, Record, Tally, row_stamp


@dataclass(frozen=True, slots=True)
class RecordFacts:
    """What one registration adds to the board's facts on a day, in a school year."""

    regnr: str
    school: str
    reportable: int  # its reporting duties that apply in the school year (by its event date)
    reported: int  # of those, the ones it says were done
    actions: tuple[Action, ...]  # its open actions, in the order `actions_of` gives them


def record_facts(rec: Record, *, today: dt.date, schooljaar: str, open_days: int) -> RecordFacts:
    reportable = reported = 0
    if rec.event_date is not None and schoolyear(rec.event_date) == schooljaar:
        for duty in FORMS[rec.form_id].duties:
            if duty.applies(rec.data):
                reportable += 1
                reported += duty.done.holds(rec.data)
    registration = Registration(
        form_id=rec.form_id,
        regnr=rec.regnr,
        school=rec.school,
        data=rec.data,
        status=rec.office_status,
        received=dt.date.fromisoformat(rec.created_at[:10]),
        event_date=rec.event_date,
    )
    actions = tuple(actions_of(registration, today=today, open_days=open_days))
    return RecordFacts(rec.regnr, rec.school, reportable, reported, actions)


def stamp(raw: RawRecord) -> int:
    """Everything of a stored row a registration's facts are derived from (its form, school, event
    date, version, submission, when it came and changed, the office's status, and its data by its
    hash: a purge changes the data without a new version), as one 96-bit hash, the same in every
    process (so kept facts can be kept on disk, see `KeptFacts.as_json`). Two different rows of one
    registration with the same hash would keep stale facts: a chance of about one in 2**96 per change."""
    return int.from_bytes(row_stamp(*raw))


@dataclass(frozen=True, slots=True)
class _Kept:
    stamp: int
    facts: RecordFacts
    form_id: str
    day: str | None  # as `Store.tallies` counts it: the first ten characters of the stored event date
    kind: Any  # the value of the form's counted field (None: the form has none, or it is empty)


class KeptFacts:
    """Each registration's facts from the last call, by number with the stamp of the row they came
    from. What holds for every registration alike (the day, the school year, the board's `open_dagen`)
    is the basis: another basis starts afresh. One caller at a time (the master's own thread).

    `refresh` reads the rows (`Store.raw_records`) and works out only the new and changed ones; then
    `registrations` are every registration's facts and `tallies` count them as
    `Store.tallies` does, from the same read."""

    def __init__(self) -> None:
        self._basis: tuple[dt.date, str, int] | None = None
        self._kept: dict[str, _Kept] = {}
        self.derived = 0  # registrations worked out in the last refresh (the rest were kept): for tests

    def __len__(self) -> int:
        return len(self._kept)

    FORMAT = 1

    def as_json(self) -> dict[str, Any] | None:
        """What is kept, as JSON data (a caller may keep it on disk for the next process: `status`, a
        `process` or `plan` run, then work out only what changed since); None while nothing is kept."""
        if self._basis is None:
            return None
        today, schooljaar, open_days = self._basis
        return {
            "format": self.FORMAT,
            "basis": [today.isoformat(), schooljaar, open_days],
            "rows": {
                regnr: [
                    kept.stamp,
                    kept.facts.school,
                    kept.facts.reportable,
                    kept.facts.reported,
                    kept.form_id,
                    kept.day,
                    kept.kind,
                    [[a.text, a.date.isoformat() if a.date else None, a.duty, a.priority] for a in kept.facts.actions],
                ]
                for regnr, kept in self._kept.items()
            },
        }

    @classmethod
    def of_json(cls, data: Any) -> KeptFacts:
        """Kept facts as `as_json` gave them; anything else (another format, a damaged file) is nothing
        kept, never an error: the facts are then worked out afresh."""
        kept = cls()
        try:
            if data.get("format") != cls.FORMAT:
                return kept
            day, schooljaar, open_days = data["basis"]
            basis = (dt.date.fromisoformat(day), str(schooljaar), int(open_days))
            rows: dict[str, _Kept] = {}
            for regnr, (row_stamp, school, reportable, reported, form_id, on, kind, actions) in data["rows"].items():
                if form_id not in FORMS or not isinstance(row_stamp, int):
                    return cls()
                school = intern(school)
                facts = RecordFacts(
                    regnr,
                    school,
                    int(reportable),
                    int(reported),
                    tuple(
                        Action(
                            regnr,
                            school,
                            intern(text),
                            dt.date.fromisoformat(date) if date else None,
                            bool(duty),
                            int(priority),
                        )
                        for text, date, duty, priority in actions
                    ),
                )
                rows[regnr] = _Kept(row_stamp, facts, intern(form_id), None if on is None else intern(on), kind)
        except (AttributeError, KeyError, TypeError, ValueError):
            return cls()
        kept._basis, kept._kept = basis, rows
        return kept

    def refresh(
        self,
        rows: Iterable[RawRecord],
        *,
        read: Callable[[Sequence[str]], Iterable[RawRecord]],
        today: dt.date,
        schooljaar: str,
        open_days: int,
    ) -> None:
        """Keep exactly these rows' facts (a registration gone from the rows is forgotten). `rows` carry
        the data's hash in place of the data (`Store.raw_records(data=False)`); `read` gives the rows
        with their data of the registrations that are new or changed (`Store.raw_records_of`)."""
        basis = (today, schooljaar, open_days)
        old = self._kept if basis == self._basis else {}
        new: dict[str, _Kept | int] = {}
        for raw in rows:
            now = stamp(raw)
            kept = old.get(raw[0])
            new[raw[0]] = kept if kept is not None and kept.stamp == now else now
        changed = [regnr for regnr, found in new.items() if isinstance(found, int)]
        for raw in read(changed):
            light = new[raw[0]]
            assert isinstance(light, int)
            new[raw[0]] = _derive(raw, light, today=today, schooljaar=schooljaar, open_days=open_days)
        if any(isinstance(found, int) for found in new.values()):  # changed between the two reads: not
            raise RuntimeError("een registratie veranderde tijdens het lezen")  # in one read transaction
        self._basis, self._kept, self.derived = basis, new, len(changed)  # type: ignore[assignment]

    @property
    def registrations(self) -> Iterator[RecordFacts]:
        return (kept.facts for kept in self._kept.values())

    def tallies(self) -> list[Tally] | None:
        """`Store.tallies` of the forms read (see `Tallies`)."""
        counted = Tallies()
        for kept in self._kept.values():
            counted.add(kept.form_id, kept.facts.school, kept.day, kept.kind)
        return counted.result()


class Tallies:
    """`Store.tallies` counted from the rows read for their facts, instead of reading them all again:
    per form, school, event day and kind (the value of the form's counted field)."""

    def __init__(self) -> None:
        self._counts: Counter[tuple[str, str, str, str | None]] = Counter()
        self._plain = True

    def add(self, form_id: str, school: str, day: str | None, kind: Any) -> None:
        if day is None:
            return
        if kind is not None and not isinstance(kind, str):
            self._plain = False
            return
        self._counts[(form_id, school, day, kind)] += 1

    def add_record(self, raw: RawRecord, rec: Record) -> None:
        self.add(rec.form_id, rec.school, day_of(raw), kind_of(rec))

    def result(self) -> list[Tally] | None:
        """The tallies, in the store's order; None when a kind is no text (SQLite and Python might order
        or group it otherwise: ask the store)."""
        if not self._plain:
            return None
        return [
            Tally(form_id, school, dt.date.fromisoformat(day), kind, n)
            for (form_id, school, day, kind), n in sorted(self._counts.items(), key=_sql_order)
        ]


def day_of(raw: RawRecord) -> str | None:
    """A registration's day as `Store.tallies` counts it: the first ten characters of its event date."""
    return None if raw[3] is None else raw[3][:10]


def kind_of(rec: Record) -> Any:
    """The value of the form's counted field (None: the form has none, or it is empty)."""
    counts = FORMS[rec.form_id].counts
    return rec.data.get(counts.counted) if counts and counts.counted else None


def _derive(raw: RawRecord, now: int, *, today: dt.date, schooljaar: str, open_days: int) -> _Kept:
    rec = Record.of_raw(raw)
    facts = record_facts(rec, today=today, schooljaar=schooljaar, open_days=open_days)
    kind = kind_of(rec)
    day = day_of(raw)
    # the few values many registrations share are kept once (a school, a day, a kind, an action's text)
    return _Kept(
        now,
        RecordFacts(
            facts.regnr,
            intern(facts.school),
            facts.reportable,
            facts.reported,
            tuple(replace(a, school=intern(a.school), text=intern(a.text)) for a in facts.actions),
        ),
        intern(rec.form_id),
        None if day is None else intern(day),
        intern(kind) if isinstance(kind, str) else kind,
    )


def _sql_order(item: tuple[tuple[str, str, str, str | None], int]) -> tuple[str, str, str, bool, str]:
    """SQLite's ORDER BY of (form, school, day, kind): texts by code point, NULL first."""
    (form_id, school, day, kind), _ = item
    return form_id, school, day, kind is not None, kind or ""
