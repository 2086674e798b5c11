"""The recognisers a dropped file is shown to, in order: our forms first, then survey exports.

Each keeps to the contract in `automation.intake.decide.Recogniser`. Another kind of file is one
class here and one entry in `recognisers()`.
"""

from __future__ import annotations

import hashlib
import logging
import re

from automation.config import Settings
from automation.errors import FileProblem, NotReady, ProblemKind, SurveyRejected
from automation.excel.read_form import RawForm, read_form
from automation.forms import FORMS, Kind
from automation.intake.decide import Decision, Dropped, Note, NotMine, Recogniser, content_key
from automation.intake.outcome import AcceptKind, DuplicateKind, RejectKind
from automation.privacy import pseudonym
from automation.store import Outcome, Store, dumps
from automation.surveys.importer import SurveyImport, import_survey
from automation.surveys.profile import all_profiles
from automation.validation import Problem, validate

log = logging.getLogger(__name__)

MAYBE_EXPORT = frozenset({ProblemKind.TEXT, ProblemKind.UNKNOWN_WORKBOOK})  # not a form: perhaps a survey export


def recognisers(settings: Settings, store: Store, *, secret: bytes, max_bytes: int) -> list[Recogniser]:
    """The recognisers in the order they are asked."""
    return [
        OurForms(settings, store, secret=secret, max_bytes=max_bytes),
        SurveyExports(settings, store),
    ]


class OurForms:
    """One of the board's forms: read, validated, the pupil's reference made a pseudonym, and
    compared with what is stored (a duplicate, a correction).

    Claims every file except text and workbooks that are not a form (perhaps survey exports): a
    picture, an .xls or a form with a password is told what to do by the forms."""

    def __init__(self, settings: Settings, store: Store, *, secret: bytes, max_bytes: int) -> None:
        self.settings = settings
        self.store = store
        self.secret = secret
        self.max_bytes = max_bytes

    def recognise(self, file: Dropped, *, before: NotMine | None) -> Decision | NotMine:
        try:
            raw = read_form(file.data, max_uncompressed=self.max_bytes * 20)
        except FileProblem as problem:
            if problem.kind is ProblemKind.DAMAGED:
                raise NotReady() from problem  # perhaps still being written
            if problem.kind in MAYBE_EXPORT:
                return NotMine(problem.kind, problem.message)
            return Decision(Outcome.REJECTED, kind=problem.kind, general=problem.message)
        return self._judge(raw, file)

    def _judge(self, raw: RawForm, file: Dropped) -> Decision:
        s = self.settings
        result = validate(
            raw.form, raw.values, raw.cells, schools=s.schools, choices=s.choices, today=file.received.date()
        )
        school = result.record.get("school")
        decision = Decision(
            Outcome.ACCEPTED, form=raw.form, raw=raw, result=result, school=school if isinstance(school, str) else None
        )
        if result.ok:
            self._check_correction(decision)
        if not result.ok:
            decision.outcome, decision.kind = Outcome.REJECTED, RejectKind.INVALID
            decision.problems = list(result.problems)
            return decision
        self._pseudonymise(raw, decision)
        decision.content_key = key = content_key(raw.form, result.record)
        if decision.correction_of:
            # a correction changes the record unless it says what the record says now (it may
            # well return to an earlier version's values)
            current = self.store.record(decision.correction_of)
            if current is not None and content_key(raw.form, dict(current.data)) == key:
                decision.outcome, decision.kind = Outcome.DUPLICATE, DuplicateKind.SAME_CONTENT
                decision.duplicate_of = decision.correction_of
            return decision
        same = self.store.accepted_with_content(raw.form.id, key)
        if same is not None:
            decision.outcome, decision.kind = Outcome.DUPLICATE, DuplicateKind.SAME_CONTENT
            decision.duplicate_of = same["regnr"]
        return decision

    def _pseudonymise(self, raw: RawForm, decision: Decision) -> None:
        """Every pupil reference (a field of kind PUPIL_REF, whatever its name) becomes a pseudonym."""
        assert decision.result is not None
        record = decision.result.record
        for key in raw.form.pupil_keys:
            ref = record.get(key)
            if not isinstance(ref, str) or not ref:
                continue
            code = pseudonym(self.secret, str(record["school"]), ref)
            record[key] = code
            # staff sometimes repeat the pupil's number or initials in a description: the store (and
            # so the master) gets the pseudonym there too; the plain value stays in the original only
            mention = re.compile(rf"(?<![\w.]){re.escape(ref.strip())}(?![\w])", re.IGNORECASE)
            for f in raw.form.fields:
                value = record.get(f.key)
                if f.kind in (Kind.TEXT, Kind.LONGTEXT) and isinstance(value, str):
                    record[f.key] = mention.sub(code, value)

    def _moved_by_office(self, regnr: str) -> bool:
        """The office moved this registration to the school it is at now (and did not move it back)."""
        return self.store.standing_action(regnr, "school") is not None

    def _check_correction(self, decision: Decision) -> None:
        assert decision.result is not None and decision.form is not None and decision.raw is not None
        target = decision.result.record.get("correctie_van")
        if not target:
            return
        form = decision.form
        existing = self.store.record(target)
        at = "correctie_van"  # the field the explanation and the annotated copy point at
        if existing is None:
            why = (
                f"het registratienummer {target} is niet bekend. Controleer het nummer in de "
                "bevestiging of het overzicht, of laat dit veld leeg voor een nieuwe melding."
            )
        elif existing.form_id != form.id:
            why = (
                f"{target} hoort bij een ander soort formulier. Verbeter een melding met hetzelfde "
                f"formulier ({form.title})."
            )
        elif existing.school != decision.result.record.get("school") and self._moved_by_office(target):
            at = "school"  # the school the form names is what no longer fits
            why = (
                f"{target} is door het bestuurskantoor verplaatst naar {existing.school} "
                f"{self.settings.schools.get(existing.school, '')}".rstrip()
                + "; alleen die school kan de melding nog verbeteren. Klopt dat niet, neem dan contact op met "
                "het bestuurskantoor."
            )
        elif existing.school != decision.result.record.get("school"):
            why = (
                f"{target} is een melding van een andere school. Een school kan alleen haar eigen "
                "meldingen verbeteren; klopt de school van de melding zelf niet, neem dan contact op "
                "met het bestuurskantoor."
            )
        else:
            decision.correction_of = target
            return
        cell = decision.raw.cells.get(at, "?")
        decision.result.problems.append(Problem(at, form.field(at).label, cell, why))


class SurveyExports:
    """An export of a survey that one of the mapping profiles (the board's, then the built-in ones)
    recognises: only the totals per theme are kept."""

    def __init__(self, settings: Settings, store: Store) -> None:
        self.settings = settings
        self.store = store

    def recognise(self, file: Dropped, *, before: NotMine | None) -> Decision | NotMine:
        profiles, broken = all_profiles(self.settings.paths.profiles)
        for line in broken:
            log.error("Profiel voor peilingen klopt niet: %s", line)
        unread = "\nLet op: deze profielen konden niet worden gelezen:\n- " + "\n- ".join(broken) if broken else ""
        try:
            imported = import_survey(
                file.data, file.name, profiles, schools=self.settings.schools, today=file.received.date()
            )
        except SurveyRejected as rejected:
            if rejected.recognised:
                return Decision(Outcome.REJECTED, kind=RejectKind.EXPORT_ERROR, general=rejected.message + unread)
            return self._not_mine(file, rejected.message, before=before, unread=unread)
        return self._judge(imported)

    @staticmethod
    def _not_mine(file: Dropped, text: str, *, before: NotMine | None, unread: str) -> NotMine:
        kind = before.kind if before else ProblemKind.UNKNOWN
        if file.name.lower().endswith(".csv"):  # most likely an export
            text = (
                "Dit bestand is geen ingevuld Excel-formulier. " + text + "\nIs het geen export maar een "
                "melding? Gebruik dan het juiste formulier uit de map met formulieren."
            )
        elif before is not None:  # a workbook: what it is not comes first, the profiles after
            text = before.why + "\n\n" + text
        return NotMine(kind, text + unread)

    def _judge(self, imported: SurveyImport) -> Decision:
        schools = {r.school for r in imported.results}
        key = hashlib.sha256(dumps({"surveys": [repr(r) for r in imported.results]}).encode()).hexdigest()
        decision = Decision(
            Outcome.ACCEPTED,
            kind=AcceptKind.EXPORT,
            form=FORMS["peiling"],
            survey=imported,
            school=schools.pop() if len(schools) == 1 else None,
            content_key=key,
        )
        same = self.store.accepted_with_content("peiling", key)
        if same is not None:
            decision.outcome, decision.kind, decision.duplicate_of = (
                Outcome.DUPLICATE,
                DuplicateKind.SAME_CONTENT,
                same["regnr"],
            )
            return decision
        decision.notes = [Note(f"Export van een peiling, ingelezen met het profiel '{imported.profile}'.")]
        for result in imported.results:
            about = (
                f"{result.school} {self.settings.schools.get(result.school, '')}, {result.groep}, {result.schooljaar}"
            )
            decision.notes.append(Note(f"{about}: {result.respondents} respondenten, {len(result.themes)} thema's"))
            before = self.store.stored_respondents(result)
            if before is not None:
                caution = f"{about}: vervangt de eerder ingelezen resultaten van {before} respondenten"
                if result.respondents < before / 2:
                    caution += (
                        f", nu nog maar {result.respondents}. Was dit een gedeeltelijke export? Lever dan de "
                        "volledige export opnieuw in"
                    )
                decision.notes.append(Note(caution + ".", warning=True))
        decision.notes += [Note(w, warning=True) for w in imported.warnings]
        return decision
