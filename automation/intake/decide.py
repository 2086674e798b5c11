"""What a dropped file is and what happens to it, decided in memory before anything is stored.

A file already accepted byte for byte is a duplicate. Otherwise it is shown to an ordered list of
recognisers (see `Recogniser`; the list is in `automation.intake.recognisers`): the first that says
"mine" decides. A file nobody claims is rejected with what the last one said it is not.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import logging
import re
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from automation.errors import NotReady, ProblemKind
from automation.excel.build_form import MARKER_FORM
from automation.excel.read_form import DEFAULT_MAX_UNCOMPRESSED, RawForm, check_package, damaged
from automation.forms import FORMS, FormDef
from automation.intake.outcome import DuplicateKind, Kind, RejectKind
from automation.store import Outcome, Store, dumps
from automation.surveys.importer import SurveyImport
from automation.validation import Problem, Result

log = logging.getLogger(__name__)

UNEXPECTED = (
    "Het bestand kon door een onverwachte fout niet worden verwerkt. Het bestuurskantoor "
    "kan in het logboek zien wat er misging. Controleer of het het juiste formulier is "
    "en lever het eventueel opnieuw in."
)


@dataclass(frozen=True)
class Dropped:
    """A dropped file, as the recognisers see it."""

    data: bytes
    name: str  # as dropped, as readable text
    sha: str
    received: dt.datetime  # dates in it are judged as on this day


@dataclass(frozen=True)
class Note:
    """One thing said about a file on its receipt and in the Logboek; a warning also goes in the
    register's 'Opmerkingen bij ontvangst'."""

    text: str
    warning: bool = False


@dataclass
class Decision:
    """What to do with one file, decided before anything is stored."""

    outcome: Outcome
    kind: Kind | None = None
    form: FormDef | None = None
    raw: RawForm | None = None
    result: Result | None = None
    general: str | None = None  # a rejection explained in one text (no cells to point at)
    problems: list[Problem] = field(default_factory=list)
    content_key: str | None = None
    duplicate_of: str | None = None
    correction_of: str | None = None
    school: str | None = None
    survey: SurveyImport | None = None
    notes: list[Note] = field(default_factory=list)
    confidential: str | None = None  # why only the board's office may read its rejection (FormDef.confidential)

    def remarks(self) -> list[Note]:
        """Everything said about the file besides a duplicate or a general rejection, in order."""
        said = [Note(p.line()) for p in self.problems] + self.notes
        if self.outcome is Outcome.ACCEPTED:
            if self.correction_of:
                said.insert(0, Note(f"Correctie van {self.correction_of}."))
            said += [Note(p.line(), warning=True) for p in (self.result.warnings if self.result else [])]
        return said

    @property
    def warnings(self) -> list[str]:
        """What the sender and the office should look at, though the file was not refused for it."""
        if self.outcome is Outcome.DUPLICATE or self.general:
            return []
        return [note.text for note in self.remarks() if note.warning]


@dataclass(frozen=True)
class NotMine:
    """A recogniser's "not mine", with why: what the file is not, in Dutch, for its sender."""

    kind: Kind
    why: str


class Recogniser(Protocol):
    """Looks at a dropped file and says whether it is one of its kind.

    "Mine" is a `Decision`: accepted, a duplicate, or rejected with the reasons (an invalid form is
    still the forms' file). "Not mine" is a `NotMine` saying why; a later recogniser gets it as
    `before`, so that a file nobody claims is explained as one text. May raise `NotReady` (the file
    is perhaps still being written: try later). Never touches files; reads the store only.
    """

    def recognise(self, file: Dropped, *, before: NotMine | None) -> Decision | NotMine: ...


def content_key(form: FormDef, record: dict[str, Any]) -> str:
    """Hash of all field values except the correction reference (Excel changes bytes on save)."""
    values = {k: v for k, v in record.items() if k != "correctie_van"}
    return hashlib.sha256(f"{form.id}|{dumps(values)}".encode()).hexdigest()


def decide(
    file: Dropped,
    recognisers: Sequence[Recogniser],
    *,
    store: Store,
    choices: Mapping[str, Sequence[str]] | None = None,
) -> Decision:
    """The decision for one file: a duplicate of accepted bytes, or the first recogniser's "mine".
    A rejection says whether only the board's office may read it (`confidential`, judged with the
    board's choice lists)."""
    decision = _decide(file, recognisers, store=store)
    if decision.outcome is Outcome.REJECTED:
        decision.confidential = confidential(decision, file.data, choices=choices)
    return decision


def confidential(decision: Decision, data: bytes, *, choices: Mapping[str, Sequence[str]] | None) -> str | None:
    """Why a rejected file is for the board's office only (see `FormDef.confidential`), or None.

    Judged on the values that could be read from it: a partly wrong form still has most of them. A
    form whose kind is known (by its marker) but whose values could not be read at all (another
    version, a changed layout, saved with macros) may hold anything; a file that is no form at all
    is not confidential by its content."""
    if decision.raw is not None:
        return decision.raw.form.confidential_reason(decision.raw.values, choices=choices)
    form = marked_form(data)
    return form.confidential_reason({}, choices=choices) if form is not None else None


MARKER_RE = re.compile(rb'<definedName\b[^>]*\bname="' + re.escape(MARKER_FORM.encode()) + rb'"[^>]*>([^<]*)<')


def marked_form(data: bytes) -> FormDef | None:
    """The board's form a workbook says it is (its hidden marker), whatever else is wrong with it."""
    try:
        package = check_package(data, max_uncompressed=DEFAULT_MAX_UNCOMPRESSED)
    except Exception:  # not a zip, damaged, too large, a panic in nothing: no form to tell
        return None
    match = MARKER_RE.search(package.workbook_xml or b"")
    if match is None:
        return None
    return FORMS.get(html.unescape(match.group(1).decode("utf-8", "replace")).strip().strip('"'))


def _decide(file: Dropped, recognisers: Sequence[Recogniser], *, store: Store) -> Decision:
    previous = store.accepted_with_bytes(file.sha)
    if previous is not None:
        return Decision(
            Outcome.DUPLICATE,
            kind=DuplicateKind.SAME_FILE,
            form=FORMS.get(previous["form_id"] or ""),
            duplicate_of=previous["regnr"],
            school=store.school_of(previous["regnr"]),
        )
    why: NotMine | None = None
    for recogniser in recognisers:
        answer = _ask(recogniser, file, before=why)
        if isinstance(answer, Decision):
            return answer
        why = answer
    if why is None:
        return Decision(Outcome.REJECTED, kind=RejectKind.ERROR, general=UNEXPECTED)
    return Decision(Outcome.REJECTED, kind=why.kind, general=why.why)


def _ask(recogniser: Recogniser, file: Dropped, *, before: NotMine | None) -> Decision | NotMine:
    try:
        return recogniser.recognise(file, before=before)
    except (NotReady, sqlite3.Error, OSError):
        raise  # not the file: the store or the disk (the file waits), or the file is not complete yet
    except Exception:  # zlib, zipfile or a bug: the file is kept and explained, the loop goes on
        log.exception("Onverwachte fout bij het lezen van een bestand (sha256 %s)", file.sha)
        return Decision(Outcome.REJECTED, kind=RejectKind.ERROR, general=UNEXPECTED)


def too_large(limit_mb: float) -> Decision:
    return Decision(
        Outcome.REJECTED,
        kind=ProblemKind.TOO_LARGE,
        general=(
            f"Het bestand is groter dan {limit_mb:g} MB; een ingevuld formulier is veel kleiner. "
            "Zet alleen ingevulde formulieren in de map, geen foto's of andere bestanden erin "
            "geplakt. Vul zo nodig het formulier opnieuw in."
        ),
    )


def damaged_file() -> Decision:
    """A file that stayed unreadable long after it stopped changing."""
    problem = damaged()
    return Decision(Outcome.REJECTED, kind=problem.kind, general=problem.message)
