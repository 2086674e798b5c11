"""The shape of a form definition: plain, immutable data.

One `FormDef` per form is the single source for the blank Excel workbook, the validation of a
filled one, the registration number, the columns of the master workbook, the board's facts (what
is counted, by which date, which duties and follow-ups), the plan's registration chapter and the
printable annexes. Adding a form is one module in `forms/` and one line in `forms/__init__.py`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property, lru_cache
from typing import Any, Protocol

from automation.forms.choices import DEFAULT_CHOICES


class Kind(StrEnum):
    """What a field holds; decides the Excel cell type, the validation and the master column."""

    TEXT = "tekst"
    LONGTEXT = "lange tekst"
    DATE = "datum"
    TIME = "tijd"
    CHOICE = "keuze"
    INTEGER = "geheel getal"
    DECIMAL = "getal"
    PERCENT = "percentage"
    EMAIL = "e-mailadres"
    SCHOOL = "school"
    REGNR = "registratienummer"
    SCHOOLYEAR = "schooljaar"
    GROUP = "groep"
    GROUPS = "groepen"
    PUPIL_REF = "leerlingnummer of initialen"


@dataclass(frozen=True)
class Condition:
    """True when the field `key` holds one of `values` (compared case-insensitively)."""

    key: str
    values: tuple[str, ...]

    def holds(self, record: Mapping[str, Any]) -> bool:
        current = record.get(self.key)
        return isinstance(current, str) and current.casefold() in folded(tuple(self.values))


@lru_cache(maxsize=256)
def folded(values: tuple[str, ...]) -> frozenset[str]:
    """The values case-folded, for comparing without case (worked out once per list: every form asks)."""
    return frozenset(v.casefold() for v in values)


@dataclass(frozen=True)
class ReportDuty:
    """Something that must be reported when a registration meets the conditions (DOMAIN.md §1, §4.3).

    Kept as data so a board or a new law changes the rule, not the code. The form is accepted either
    way; an unreported case gets a warning on intake (the master's open actions build on it).
    """

    to: str  # who must be told, e.g. "Nederlandse Arbeidsinspectie"
    when_all: tuple[Condition, ...]
    when_any: tuple[Condition, ...]
    done: Condition
    message: str  # to the sender, as a warning
    action: str  # to the office, as an open action
    priority: int = 0  # among the legal duties, a higher one is listed first (the most urgent of all)

    def applies(self, record: Mapping[str, Any]) -> bool:
        return all(c.holds(record) for c in self.when_all) and (
            not self.when_any or any(c.holds(record) for c in self.when_any)
        )

    def open(self, record: Mapping[str, Any]) -> bool:
        return self.applies(record) and not self.done.holds(record)


@dataclass(frozen=True)
class Alert:
    """Something the board's contact must hear of within a minute of intake besides the reporting
    duties (which are told too), e.g. a death (issue 15, part 4). Kept as data, like the duties; the
    notice names the registration and `why`, never a pupil or the description."""

    why: str  # in Dutch, e.g. "overlijden"
    when_any: tuple[Condition, ...]

    def applies(self, record: Mapping[str, Any]) -> bool:
        return any(c.holds(record) for c in self.when_any)


@dataclass(frozen=True)
class FollowUp:
    """A step that must follow an event within a number of days, e.g. an aftercare talk within 72 hours.

    Open (an action for the office) when `days` have passed since the date in `after` and the date in
    `done` is still empty; a late step that did happen is not an action any more. With `when`, only for
    the registrations that meet all its conditions (e.g. the two-week evaluation of bullying)."""

    after: str  # key of the event's date
    done: str  # key of the date the step happened
    days: int
    action: str  # to the office, as an open action
    when: tuple[Condition, ...] = ()  # all must hold; none: every registration of the form

    def applies(self, record: Mapping[str, Any]) -> bool:
        return all(c.holds(record) for c in self.when)


@dataclass(frozen=True)
class Register:
    """How the board counts an event form: a register in the master, a row in the Overzicht and in the
    plan's registration chapter, a line in the monthly chart."""

    label: str  # in the plan: "Incidenten met leerlingen"
    short: str  # an Overzicht column: "Incidenten"
    counted: str | None  # the field counted per kind ("categorie"), shown in the plan and the Overzicht
    colour: str  # in the charts, "#RRGGBB"
    kinds_heading: str = ""  # the heading of the column of kinds in the plan's table, e.g. "Soort incident"
    highlighted: tuple[str, ...] = ()  # kinds that always get their own Overzicht column (e.g. bullying)
    # False for a register that holds no events (the measures): its own sheet, its actions and its
    # Overzicht count, but not among the registrations' figures (the plan's chapters 8 and 9.1, the
    # monthly chart), which compare events this year with last year's.
    in_figures: bool = True


@dataclass(frozen=True)
class Pending:
    """An answer that leaves something to find out, e.g. permanent injury 'onbekend' after an accident
    at work: an open action for the office until a correction gives the answer or the office closes the
    case (a later hospital admission or permanent injury must then still be reported)."""

    when_all: tuple[Condition, ...]
    key: str  # the field the sender's warning stands at
    message: str  # to the sender, as a warning
    action: str  # to the office, as an open action
    # a date field whose date settles it (e.g. a measure 'afgerond' is open until its evaluation's date)
    done: str | None = None

    def open(self, record: Mapping[str, Any]) -> bool:
        settled = self.done is not None and is_date(record.get(self.done))
        return not settled and all(c.holds(record) for c in self.when_all)


def is_date(value: Any) -> bool:
    """A date as the open actions read one (`checks.actions`): its first ten characters in ISO form."""
    try:
        return bool(value) and bool(dt.date.fromisoformat(str(value)[:10]))
    except ValueError:
        return False


@dataclass(frozen=True)
class Confidential:
    """When a report is for the board's office only: its rejection (explanation, annotated copy) and
    its confirmation go to the office's own folder, and the school's folder gets a neutral notice
    (issue 12, hole 7). Kept as data, like the reporting duties.

    Applies when every condition may hold: a value that was read and is one of the condition's
    values holds; a value that could not be read (empty, or not one of its list's choices) may be
    anything, so the report goes to the office. So does a choice a board added to the list in
    `[keuzelijsten]`: the rule was written for the product's own choices and cannot know what a new
    one means (a board may not drop the choices a rule names: `config.confidential_choices`). No
    conditions: every report of the form."""

    why: str  # for the office's log, in Dutch: "seksueel grensoverschrijdend gedrag"
    when_all: tuple[Condition, ...] = ()


class Add(Protocol):
    """How a cross rule says what it found: a problem (the form is rejected) or, with `warning`, a
    remark in the confirmation that does not stop the form."""

    def __call__(self, key: str, message: str, *, warning: bool = False) -> None: ...


CrossRule = Callable[[Mapping[str, Any], Add], None]


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    kind: Kind
    help: str
    required: bool = False
    choices: str | None = None  # name of a choice list (see forms.choices)
    required_when: tuple[Condition, ...] = ()  # all must hold
    not_future: bool = False
    minimum: float | None = None
    maximum: float | None = None
    max_length: int | None = None
    # added after blank forms went out: a blank made before lacks its defined name, and the field then
    # reads as empty (an optional field only). Honoured by excel.read_form (see issue 15, part 4).
    added_later: bool = False


@dataclass(frozen=True)
class Section:
    title: str
    fields: tuple[Field, ...]


@dataclass(frozen=True)
class FormDef:
    id: str
    version: int
    title: str
    intro: str
    prefix: str  # registration number prefix, e.g. INC
    register: str  # master workbook sheet name
    sections: tuple[Section, ...]
    event_date_key: str = "datum"
    duties: tuple[ReportDuty, ...] = field(default=())
    followups: tuple[FollowUp, ...] = field(default=())
    pending: tuple[Pending, ...] = field(default=())  # answers that leave an open action (e.g. 'onbekend')
    counts: Register | None = None  # an event form: counted per school and school year
    cross_rules: tuple[CrossRule, ...] = field(default=())  # checks across fields: (record, add(key, message))
    choice_lists: tuple[tuple[str, tuple[str, ...]], ...] = ()  # the form's own dropdown lists: (name, choices)
    summary: tuple[str, ...] = ()  # what a confirmation names besides the date (default: the counted field)
    survey_results: bool = False  # a filled form is also a survey's results (the monitor reads them)
    confidential: tuple[Confidential, ...] = ()  # reports only the board's office may read (see Confidential)
    alerts: tuple[Alert, ...] = ()  # what the board's contact is told at once besides the duties (see Alert)

    @property
    def is_event(self) -> bool:
        return self.counts is not None

    @property
    def office_handles(self) -> bool:
        """Whether the office follows each registration up (its 'Status afhandeling' left 'open' too long
        is an open action): a register of events, not one such as the measures (their owner is the school)."""
        return self.counts is not None and self.counts.in_figures

    @property
    def kinds_heading(self) -> str:
        """The heading of the kinds an event register is counted by ('' when it is not counted per kind)."""
        if self.counts is None or not self.counts.counted:
            return ""
        return self.counts.kinds_heading or self.field(self.counts.counted).label

    @property
    def receipt_keys(self) -> tuple[str, ...]:
        """The fields a confirmation shows, so a sender of several files can tell them apart."""
        if self.summary:
            return self.summary
        return (self.counts.counted,) if self.counts and self.counts.counted else ()

    @cached_property
    def pupil_keys(self) -> tuple[str, ...]:
        """The fields that hold a pupil's reference (stored as a pseudonym, never shown plainly)."""
        return tuple(f.key for f in self.fields if f.kind is Kind.PUPIL_REF)

    def confidential_reason(
        self, values: Mapping[str, Any], *, choices: Mapping[str, Sequence[str]] | None = None
    ) -> str | None:
        """Why a report with these values (as far as they could be read) is for the board's office
        only, or None. `choices` (the board's lists) tell a value outside its list: not read."""
        for rule in self.confidential:
            if all(self._may_hold(c, values, choices or {}) for c in rule.when_all):
                return rule.why
        return None

    def _may_hold(self, condition: Condition, values: Mapping[str, Any], choices: Mapping[str, Sequence[str]]) -> bool:
        """False only for a value that is known not to be one of the condition's: one of the product's
        own choices of the field's list (and of the board's list, when given)."""
        value = values.get(condition.key)
        text = value.strip().casefold() if isinstance(value, str) else ""
        if not text or text in folded(tuple(condition.values)):
            return True
        list_name = self.field(condition.key).choices
        if list_name is None:  # a field without a list: what was read is what it is
            return False
        own = DEFAULT_CHOICES.get(list_name) or dict(self.choice_lists).get(list_name, ())
        board = choices.get(list_name, own)
        return text not in folded(tuple(own)) or text not in folded(tuple(board))

    # Worked out once per form (the sections never change): the intake asks for them many times a file.
    @cached_property
    def fields(self) -> tuple[Field, ...]:
        return tuple(f for s in self.sections for f in s.fields)

    def field(self, key: str) -> Field:
        return self._by_key[key]

    @cached_property
    def _by_key(self) -> dict[str, Field]:
        by_key: dict[str, Field] = {}
        for f in self.fields:
            by_key.setdefault(f.key, f)  # the first with a key, as a search in order finds it
        return by_key

    @cached_property
    def keys(self) -> tuple[str, ...]:
        return tuple(f.key for f in self.fields)
