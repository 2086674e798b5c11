"""Process one dropped file: recognise → read → validate → keep → store → finish.

The order makes a crash at any moment safe:

1. the bytes are read once, judged in memory, and kept in the content-addressed archive
   (idempotent);
2. submission and record are stored in one transaction, marked *unfinished*;
3. the inbox file is removed (accepted, duplicate) or moved to the rejected folder with its
   explanation (rejected), and the submission is marked finished.

After a crash between 2 and 3, `recover()` finishes the step for the file still in the inbox, so it
is neither lost nor counted twice. After a crash before 2 the file is simply processed again.
"""

from __future__ import annotations

import datetime as dt
import glob
import hashlib
import json
import logging
import os
import re
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from automation.config import STAGING_NAME, Settings
from automation.errors import FileProblem, NotReady, explain_os_error
from automation.excel.annotate import annotate
from automation.excel.read_form import RawForm, damaged, read_form
from automation.forms import FORMS, FormDef, Kind
from automation.intake import faults, files
from automation.intake import journal as received_journal
from automation.intake.journal import Entry
from automation.intake.report import receipt_text, rejection_text
from automation.privacy import pseudonym
from automation.store import ACCEPTED, DUPLICATE, REJECTED, Store, Submission, dumps, now_text
from automation.surveys.importer import SurveyImport, SurveyRejected, import_survey
from automation.surveys.profile import all_profiles
from automation.surveys.results import PEILING_SOURCE, from_peiling_form
from automation.validation import Problem, Result, validate

log = logging.getLogger(__name__)

WAITING = "wachten"
SUMMARY_KEYS = ("categorie", "vorm", "slachtoffer_type", "letsel_aard", "instrument", "respondent")
SURVEY_KINDS = ("tekst", "onbekende-werkmap")  # not a form: perhaps a survey export
EXPORT = "export"


@dataclass
class Counts:
    accepted: int = 0
    rejected: int = 0
    duplicates: int = 0
    ignored: int = 0
    waiting: int = 0
    recovered: int = 0
    master_failed: bool = False

    def add(self, outcome: str) -> None:
        if outcome == ACCEPTED:
            self.accepted += 1
        elif outcome == REJECTED:
            self.rejected += 1
        elif outcome == DUPLICATE:
            self.duplicates += 1

    @property
    def changed(self) -> bool:
        return bool(self.accepted or self.rejected or self.duplicates or self.recovered)

    def as_dict(self) -> dict[str, int]:
        return {
            "accepted": self.accepted,
            "rejected": self.rejected,
            "duplicates": self.duplicates,
            "ignored": self.ignored,
            "waiting": self.waiting,
        }


@dataclass
class Decision:
    """What to do with one file, decided before anything is stored."""

    outcome: str
    kind: str | None = None
    form: FormDef | None = None
    raw: RawForm | None = None
    result: Result | None = None
    general: str | None = None
    problems: list[Problem] = field(default_factory=list)
    content_key: str | None = None
    duplicate_of: str | None = None
    correction_of: str | None = None
    school: str | None = None
    survey: SurveyImport | None = None
    notes: list[str] = field(default_factory=list)  # said on the receipt and in the Logboek


def content_key(form: FormDef, record: dict[str, Any]) -> str:
    """Hash of all field values except the correction reference (Excel changes bytes on save)."""
    values = {k: v for k, v in record.items() if k != "correctie_van"}
    return hashlib.sha256(f"{form.id}|{dumps(values)}".encode()).hexdigest()


@dataclass(frozen=True)
class _Stored:
    """A file stored in the open transaction, to be finished after the commit."""

    name: str  # as dropped in the inbox
    claimed: Path
    data: bytes | None
    sha: str
    sub_id: int
    sub: Submission
    decision: Decision
    regnr: str | None
    received: dt.datetime
    kept: Path


class Intake:
    def __init__(
        self,
        settings: Settings,
        store: Store,
        *,
        secret: bytes,
        now: Callable[[], dt.datetime] = dt.datetime.now,
    ) -> None:
        self.settings = settings
        self.store = store
        self.secret = secret
        self.now = now
        self.run_id: int | None = None
        cfg = settings.board.intake
        self.max_bytes = int(cfg.max_bestandsgrootte_mb * 1024 * 1024)
        self.damaged_after = cfg.beschadigd_na_seconden
        self.fsync = cfg.fsync

    # --- recovery --------------------------------------------------------------------------
    def recover(self) -> int:
        """Finish what an interrupted run stored but did not complete, and put files it had
        claimed but not stored back in the inbox. Returns how many were finished.

        Only acts on positive evidence: when the inbox itself is not there (a network share not yet
        connected), nothing is touched and nothing is marked finished."""
        staging = self.settings.paths.staging
        if not self.settings.paths.inbox.is_dir():
            return 0
        done = 0
        referenced: set[str] = set()
        for row in self.store.unfinished():
            referenced.add(row["inbox_path"])
            try:
                self._finish_row(row)
            except OSError as exc:  # e.g. disk full, read-only outbox: leave it for the next round
                log.error("Kon %s nog niet afmaken: %s; de volgende ronde opnieuw.", row["original_name"], explain_os_error(exc))
                continue
            done += 1
        for leftover in sorted(staging.iterdir()) if staging.is_dir() else []:
            if str(leftover) in referenced or not leftover.is_file() or leftover.name.startswith("."):
                continue
            try:
                back = files.unclaim(leftover, self.settings.paths.inbox)
                log.info("Teruggezet in de inbox na onderbreking: %s", back.name)
            except OSError as exc:
                log.error("Kon %s niet terugzetten in de inbox (%s).", leftover.name, exc)
        files.remove_if_empty(staging)
        return done

    def _finish_row(self, row: sqlite3.Row) -> None:
        """Complete the last step for a stored submission (idempotent)."""
        claimed = Path(row["inbox_path"])
        log.info("Afmaken na onderbreking: %s (%s)", row["original_name"], row["outcome"])
        if row["outcome"] == REJECTED:
            self._finish_rejected(
                row["id"],
                claimed,
                original_name=row["original_name"],
                data=None,
                sha256=row["sha256"],
                target=Path(row["rejected_path"]),
                archived=Path(row["archive_path"]),
                reasons=row["reasons"],
            )
            return
        claimed.unlink(missing_ok=True)
        self._write_receipt(
            original_name=row["original_name"],
            received=dt.datetime.fromisoformat(row["received_at"]),
            form_id=row["form_id"],
            regnr=row["regnr"],
            outcome=row["outcome"],
            reasons=row["reasons"],
            school=self.store.school_of(row["regnr"]) if row["regnr"] else None,
        )
        self.store.mark_finished(row["id"])

    # --- files ----------------------------------------------------------------------------------
    def handle(self, path: Path, *, stable_for: float) -> str:
        """Process one complete-looking file. Returns the outcome, or WAITING to retry later."""
        return self.handle_many([(path, stable_for)])[0]

    def handle_many(self, items: Sequence[tuple[Path, float]]) -> list[str]:
        """Process several files with one database commit (group commit); outcomes in order.

        Each file is claimed (renamed out of the inbox), judged, kept in the archive and stored
        inside one transaction; the archive is made durable before the commit; only after the
        commit are claimed files removed or handed back. If the group fails, its files go back to
        the inbox and the new archive entries are removed; after a crash `recover` does the same.
        """
        outcomes = [WAITING] * len(items)
        stored: list[tuple[int, _Stored]] = []
        journal = self.settings.paths.journal
        claimed: list[Path] = []
        fresh: list[Path] = []
        try:
            with self.store.transaction():
                for index, (path, stable_for) in enumerate(items):
                    item = self._store_one(path, stable_for=stable_for, claimed=claimed, fresh=fresh)
                    if item is not None:
                        stored.append((index, item))
                if stored:
                    journal_entries = [self._journal_entry(item) for _, item in stored]
                    received_journal.append(journal, journal_entries)
                if self.fsync and stored:
                    files.make_durable([item.kept for _, item in stored] + [journal])
        except BaseException:
            self._undo(claimed, fresh)
            files.remove_if_empty(self.settings.paths.staging)  # no trace of our work in the staff's folder
            raise
        faults.point("committed")
        for index, item in stored:
            self._finish(item)
            faults.point("finished")
            outcomes[index] = item.decision.outcome
        files.remove_if_empty(self.settings.paths.staging)  # staff see no trace of our work
        return outcomes

    def _journal_entry(self, item: _Stored) -> Entry:
        return Entry(
            id=item.sub_id,
            at=item.sub.received_at,
            name=item.name,
            sha256=item.sha,
            archive=item.kept.relative_to(self.settings.paths.archive).as_posix(),
            rejected=item.sub.rejected_path,
        )

    def replay(self, kept: Path, *, name: str, received: dt.datetime, rejected: str | None) -> tuple[str, int, str]:
        """Store one archived original as if it arrived at `received` (for `veiligheid rebuild`):
        judged and stored like any file, inside the caller's transaction; nothing is moved and
        nobody is told again. Returns the outcome, the submission's number and the hash."""
        size = kept.stat().st_size
        data = kept.read_bytes() if size <= self.max_bytes else None
        sha = hashlib.sha256(data).hexdigest() if data is not None else files.sha256_of(kept)
        now, self.now = self.now, lambda: received  # dates are judged as on the day it arrived
        try:
            try:
                decision = self._decide(data, sha, name) if data is not None else self._decide_too_large()
            except NotReady:
                decision = self._decide_damaged()
            _, sub_id, _ = self._register(
                decision, name=name, inbox_path="", sha=sha, size=size, kept=kept, received=received, rejected=rejected
            )
            self.store.mark_finished(sub_id, rejected_path=rejected)
        finally:
            self.now = now
        return decision.outcome, sub_id, sha

    def _undo(self, claimed: list[Path], fresh: list[Path]) -> None:
        """After a rollback: nothing of the group was stored, so nothing of it may look kept."""
        for entry in fresh:
            entry.unlink(missing_ok=True)
        for path in claimed:
            try:
                if path.exists():
                    files.unclaim(path, self.settings.paths.inbox)
            except OSError:
                log.exception("Kon %s niet terugzetten in de inbox; de volgende ronde doet het.", path.name)

    def _store_one(self, path: Path, *, stable_for: float, claimed: list[Path], fresh: list[Path]) -> _Stored | None:
        """Claim, judge, keep and store one file (inside the caller's transaction).

        Returns what to finish after the commit, or None when the file must wait."""
        try:
            mine = files.claim(path, self.settings.paths.staging)
        except OSError:  # gone, or still open in the program that writes it (Windows)
            return None
        claimed.append(mine)
        name = files.readable_name(path.name)  # a name that is not UTF-8 (an old share) as storable text
        try:
            data, sha, size = self._read(mine)
        except NotReady:
            claimed.remove(mine)
            files.unclaim(mine, self.settings.paths.inbox)
            return None
        received = self.now().replace(microsecond=0)
        try:
            decision = self._decide(data, sha, name) if data is not None else self._decide_too_large()
        except NotReady:
            if stable_for < self.damaged_after:
                claimed.remove(mine)
                files.unclaim(mine, self.settings.paths.inbox)  # perhaps still being written
                return None
            decision = self._decide_damaged()
        kept, new = files.keep_in_archive(self.settings.paths.archive, sha, name, mine, data, fsync=False)
        if new:
            fresh.append(kept)
        faults.point("archived")
        rejected_path = None
        if decision.outcome == REJECTED:
            folder = self._folder(self.settings.paths.rejected, decision.school)
            rejected_path = str(files.unique_target(folder, _handback_name(name)))
        sub, sub_id, regnr = self._register(
            decision,
            name=name,
            inbox_path=str(mine),
            sha=sha,
            size=size,
            kept=kept,
            received=received,
            rejected=rejected_path,
        )
        faults.point("stored")
        return _Stored(name, mine, data, sha, sub_id, sub, decision, regnr, received, kept)

    def _register(
        self,
        decision: Decision,
        *,
        name: str,
        inbox_path: str,
        sha: str,
        size: int,
        kept: Path,
        received: dt.datetime,
        rejected: str | None,
    ) -> tuple[Submission, int, str | None]:
        """Store the submission, its number and (when accepted) its record, in the open transaction."""
        sub = Submission(
            received_at=now_text(received),
            original_name=name,
            inbox_path=inbox_path,
            sha256=sha,
            size=size,
            archive_path=str(kept),
            form_id=decision.form.id if decision.form else None,
            form_version=decision.raw.version if decision.raw else None,
            outcome=decision.outcome,
            kind=decision.kind,
            reasons=self._reasons(decision),
            content_key=decision.content_key if decision.outcome == ACCEPTED else None,
            rejected_path=rejected,
        )
        regnr = self._assign_regnr(decision, received)
        sub_id = self.store.add_submission(sub, run_id=self.run_id, regnr=regnr)
        if decision.outcome == ACCEPTED and regnr is not None:
            self._store_record(decision, sub_id, regnr, received)
        return sub, sub_id, regnr

    def _finish(self, item: _Stored) -> None:
        """After the commit: remove the claimed file, or hand it back; tell the sender."""
        decision, sub = item.decision, item.sub
        self._log_outcome(item.name, decision, item.regnr)
        if decision.outcome == REJECTED:
            self._finish_rejected(
                item.sub_id,
                item.claimed,
                original_name=item.name,
                data=item.data,
                sha256=item.sha,
                target=Path(str(sub.rejected_path)),
                archived=item.kept,
                reasons=sub.reasons,
                decision=decision,
                received=item.received,
            )
            return
        item.claimed.unlink()
        self._write_receipt(
            original_name=item.name,
            received=item.received,
            form_id=sub.form_id,
            regnr=item.regnr,
            outcome=decision.outcome,
            reasons=sub.reasons,
            school=decision.school,
        )
        self.store.mark_finished(item.sub_id)

    # --- what staff get back ------------------------------------------------------------------
    def _folder(self, base: Path, school: str | None) -> Path:
        """Per school, so each school's staff can be given only their own folder."""
        if school and school in self.settings.schools:
            return base / files.safe_name(f"{school} {self.settings.schools[school]}")
        return base / "school onbekend"

    def _write_receipt(
        self,
        *,
        original_name: str,
        received: dt.datetime,
        form_id: str | None,
        regnr: str | None,
        outcome: str,
        reasons: str,
        school: str | None,
    ) -> None:
        if not self.settings.board.intake.bevestigingen or regnr is None:
            return
        form = FORMS.get(form_id or "")
        surveys = self.store.surveys_of(regnr) if form_id == "peiling" else []  # only survey results have them
        text = receipt_text(
            about=self._about(form, regnr) + self._survey_lines(surveys),
            export=any(s["source"].startswith("export") for s in surveys),
            original_name=original_name,
            received=received,
            form_title=form.title if form else None,
            regnr=regnr,
            duplicate=outcome == DUPLICATE,
            notes=[part.removeprefix("Let op: ") for part in reasons.split(" | ") if part.startswith("Let op: ")],
            correction="Correctie van " in reasons and outcome == ACCEPTED and not surveys,
        )
        stem = Path(original_name).stem
        folder = self._folder(self.settings.paths.receipts, school)
        if school is None and len({s["school"] for s in surveys}) > 1:
            folder = self.settings.paths.receipts / "meerdere scholen"  # an export for several schools
        name = f"{regnr} - {stem}{' (dubbel)' if outcome == DUPLICATE else ''}.txt"
        files.write_new(folder / files.safe_name(name), text.replace("\n", "\r\n").encode("utf-8-sig"))

    def _about(self, form: FormDef | None, regnr: str) -> list[tuple[str, str]]:
        """What the registration is about, so a sender of several 'melding.xlsx' files can tell."""
        record = self.store.record(regnr)
        if form is None or record is None:
            return []
        data = json.loads(record["data"])
        about = []
        for key in (form.event_date_key, *SUMMARY_KEYS):
            if key in form.keys and data.get(key):
                value = data[key]
                if form.field(key).kind is Kind.DATE:
                    value = dt.date.fromisoformat(value).strftime("%d-%m-%Y")
                about.append((form.field(key).label, str(value)))
        return about

    def _survey_lines(self, surveys: Sequence[sqlite3.Row]) -> list[tuple[str, str]]:
        return [
            (
                "Resultaten",
                f"{s['school']} {self.settings.schools.get(s['school'], '')}, {s['groep']}, {s['schooljaar']}: "
                f"{s['respondents']} respondenten ({s['instrument']})",
            )
            for s in surveys
        ]

    def _read(self, path: Path) -> tuple[bytes | None, str, int]:
        """The file's bytes (None when too large to be a form), SHA-256 and size."""
        try:
            size = path.stat().st_size
            if size > self.max_bytes:
                with open(path, "rb") as handle:  # never read a huge file into memory
                    return None, hashlib.file_digest(handle, "sha256").hexdigest(), size
            data = path.read_bytes()
        except (FileNotFoundError, PermissionError) as exc:  # gone, or still open on Windows
            raise NotReady() from exc
        return data, hashlib.sha256(data).hexdigest(), len(data)

    def _decide(self, data: bytes, sha: str, name: str) -> Decision:
        previous = self.store.accepted_with_bytes(sha)
        if previous is not None:
            return Decision(
                DUPLICATE,
                kind="zelfde-bestand",
                form=FORMS.get(previous["form_id"] or ""),
                duplicate_of=previous["regnr"],
                school=self.store.school_of(previous["regnr"]),
            )
        try:
            raw = read_form(data, max_uncompressed=self.max_bytes * 20)
            return self._decide_form(raw)
        except FileProblem as problem:
            if problem.kind == "beschadigd":
                raise NotReady() from problem
            if problem.kind in SURVEY_KINDS:
                return self._decide_survey(data, name, problem)
            return Decision(REJECTED, kind=problem.kind, general=problem.message)
        except (sqlite3.Error, OSError):
            raise  # the store or the disk, not the file: handled by the caller, the file waits
        except Exception:  # zlib, zipfile or a bug: the file is kept and explained, the loop goes on
            log.exception("Onverwachte fout bij het lezen van een bestand (sha256 %s)", sha)
            return Decision(
                REJECTED,
                kind="fout",
                general=(
                    "Het bestand kon door een onverwachte fout niet worden verwerkt. Het bestuurskantoor "
                    "kan in het logboek zien wat er misging. Controleer of het het juiste formulier is "
                    "en lever het eventueel opnieuw in."
                ),
            )

    def _decide_survey(self, data: bytes, name: str, problem: FileProblem) -> Decision:
        """Not a form: read it as a survey export if a mapping profile recognises it."""
        profiles, broken = all_profiles(self.settings.paths.profiles)
        for line in broken:
            log.error("Profiel voor peilingen klopt niet: %s", line)
        try:
            imported = import_survey(data, name, profiles, schools=self.settings.schools, today=self.now().date())
        except SurveyRejected as rejected:
            text, kind = rejected.message, "export-fout"
            if not rejected.recognised and name.lower().endswith(".csv"):  # most likely an export
                text = (
                    "Dit bestand is geen ingevuld Excel-formulier. " + text + "\nIs het geen export maar een "
                    "melding? Gebruik dan het juiste formulier uit de map met formulieren."
                )
                kind = problem.kind
            elif not rejected.recognised:  # a workbook: what it is not comes first, the profiles after
                text, kind = problem.message + "\n\n" + text, problem.kind
            if broken:
                text += "\nLet op: deze profielen konden niet worden gelezen:\n- " + "\n- ".join(broken)
            return Decision(REJECTED, kind=kind, general=text)
        schools = {r.school for r in imported.results}
        key = hashlib.sha256(dumps({"surveys": [repr(r) for r in imported.results]}).encode()).hexdigest()
        decision = Decision(
            ACCEPTED,
            kind=EXPORT,
            form=FORMS["peiling"],
            survey=imported,
            school=schools.pop() if len(schools) == 1 else None,
            content_key=key,
        )
        same = self.store.accepted_with_content("peiling", key)
        if same is not None:
            decision.outcome, decision.kind, decision.duplicate_of = DUPLICATE, "zelfde-inhoud", same["regnr"]
            return decision
        decision.notes = [f"Export van een peiling, ingelezen met het profiel '{imported.profile}'."]
        for result in imported.results:
            about = f"{result.school} {self.settings.schools.get(result.school, '')}, {result.groep}, {result.schooljaar}"
            decision.notes.append(f"{about}: {result.respondents} respondenten, {len(result.themes)} thema's")
            before = self.store.stored_respondents(result)
            if before is not None:
                caution = f"Let op: {about}: vervangt de eerder ingelezen resultaten van {before} respondenten"
                if result.respondents < before / 2:
                    caution += (
                        f", nu nog maar {result.respondents}. Was dit een gedeeltelijke export? Lever dan de "
                        "volledige export opnieuw in"
                    )
                decision.notes.append(caution + ".")
        return decision

    def _decide_too_large(self) -> Decision:
        limit = self.settings.board.intake.max_bestandsgrootte_mb
        return Decision(
            REJECTED,
            kind="te-groot",
            general=(
                f"Het bestand is groter dan {limit:g} MB; een ingevuld formulier is veel kleiner. "
                "Zet alleen ingevulde formulieren in de map, geen foto's of andere bestanden erin "
                "geplakt. Vul zo nodig het formulier opnieuw in."
            ),
        )

    def _decide_damaged(self) -> Decision:
        problem = damaged()
        return Decision(REJECTED, kind=problem.kind, general=problem.message)

    def _decide_form(self, raw: RawForm) -> Decision:
        s = self.settings
        result = validate(
            raw.form,
            raw.values,
            raw.cells,
            schools=s.schools,
            choices=s.choices,
            today=self.now().date(),
        )
        school = result.record.get("school")
        decision = Decision(
            ACCEPTED, form=raw.form, raw=raw, result=result, school=school if isinstance(school, str) else None
        )
        if result.ok:
            self._check_correction(decision)
        if not result.ok:
            decision.outcome, decision.kind = REJECTED, "ongeldig"
            decision.problems = list(result.problems)
            return decision
        ref = result.record.get("leerling_ref")
        if isinstance(ref, str) and ref:
            code = pseudonym(self.secret, str(result.record["school"]), ref)
            result.record["leerling_ref"] = code
            # staff sometimes repeat the pupil's number or initials in a description: the store (and
            # so the master) gets the pseudonym there too; the plain value stays in the original only
            mention = re.compile(rf"(?<![\w.]){re.escape(ref.strip())}(?![\w])", re.IGNORECASE)
            for f in raw.form.fields:
                value = result.record.get(f.key)
                if f.kind in (Kind.TEXT, Kind.LONGTEXT) and isinstance(value, str):
                    result.record[f.key] = mention.sub(code, value)
        decision.content_key = content_key(raw.form, result.record)
        if decision.correction_of:
            # a correction changes the record unless it says what the record says now (it may
            # well return to an earlier version's values)
            current = self.store.record(decision.correction_of)
            if current is not None and content_key(raw.form, json.loads(current["data"])) == decision.content_key:
                decision.outcome, decision.kind = DUPLICATE, "zelfde-inhoud"
                decision.duplicate_of = decision.correction_of
            return decision
        same = self.store.accepted_with_content(raw.form.id, decision.content_key)
        if same is not None:
            decision.outcome, decision.kind, decision.duplicate_of = DUPLICATE, "zelfde-inhoud", same["regnr"]
        return decision

    def _check_correction(self, decision: Decision) -> None:
        assert decision.result is not None and decision.form is not None and decision.raw is not None
        target = decision.result.record.get("correctie_van")
        if not target:
            return
        form = decision.form
        cell = decision.raw.cells.get("correctie_van", "?")
        label = form.field("correctie_van").label
        existing = self.store.record(target)
        if existing is None:
            decision.result.problems.append(
                Problem(
                    "correctie_van",
                    label,
                    cell,
                    f"het registratienummer {target} is niet bekend. Controleer het nummer in de "
                    "bevestiging of het overzicht, of laat dit veld leeg voor een nieuwe melding.",
                )
            )
        elif existing["form_id"] != form.id:
            decision.result.problems.append(
                Problem(
                    "correctie_van",
                    label,
                    cell,
                    f"{target} hoort bij een ander soort formulier. Verbeter een melding met hetzelfde "
                    f"formulier ({form.title}).",
                )
            )
        elif existing["school"] != decision.result.record.get("school"):
            decision.result.problems.append(
                Problem(
                    "correctie_van",
                    label,
                    cell,
                    f"{target} is een melding van een andere school. Een school kan alleen haar eigen "
                    "meldingen verbeteren; klopt de school van de melding zelf niet, neem dan contact op "
                    "met het bestuurskantoor.",
                )
            )
        else:
            decision.correction_of = target

    def _assign_regnr(self, decision: Decision, received: dt.datetime) -> str | None:
        if decision.outcome == DUPLICATE:
            return decision.duplicate_of
        if decision.outcome != ACCEPTED or decision.form is None:
            return None
        return decision.correction_of or self.store.next_regnr(decision.form.prefix, received.year)

    def _store_record(self, decision: Decision, sub_id: int, regnr: str, received: dt.datetime) -> None:
        at = now_text(received)
        if decision.survey is not None:
            source = f"export: {decision.survey.profile}"
            self.store.save_surveys(decision.survey.results, regnr=regnr, submission_id=sub_id, source=source, at=at)
            return
        assert decision.form is not None and decision.result is not None
        form, record = decision.form, decision.result.record
        event = record.get(form.event_date_key)
        school = str(record["school"])
        event_date = event.isoformat() if isinstance(event, dt.date) else None
        if decision.correction_of:
            self.store.replace_record(
                regnr=regnr, school=school, event_date=event_date, data=record, submission_id=sub_id, at=at
            )
        else:
            self.store.insert_record(
                regnr=regnr,
                form_id=form.id,
                school=school,
                event_date=event_date,
                data=record,
                submission_id=sub_id,
                at=at,
            )
        if form.id == "peiling":
            self.store.save_surveys(
                [from_peiling_form(record)], regnr=regnr, submission_id=sub_id, source=PEILING_SOURCE, at=at
            )

    def _reasons(self, decision: Decision) -> str:
        if decision.outcome == DUPLICATE:
            what = "zelfde bestand" if decision.kind == "zelfde-bestand" else "zelfde inhoud"
            return f"Dubbel ingeleverd ({what}) als {decision.duplicate_of}; niet opnieuw opgeslagen."
        if decision.general:
            return decision.general
        parts = [p.line() for p in decision.problems] + decision.notes
        if decision.survey is not None:
            parts += [f"Let op: {w}" for w in decision.survey.warnings]
        if decision.outcome == ACCEPTED:
            if decision.correction_of:
                parts.insert(0, f"Correctie van {decision.correction_of}.")
            warnings = decision.result.warnings if decision.result else []
            parts += [f"Let op: {p.line()}" for p in warnings]
        return " | ".join(parts)

    def _log_outcome(self, name: str, decision: Decision, regnr: str | None) -> None:
        if decision.outcome == ACCEPTED:
            log.info("Geaccepteerd: %s als %s", name, regnr)
        elif decision.outcome == DUPLICATE:
            log.info("Dubbel: %s (al binnen als %s)", name, decision.duplicate_of)
        else:
            log.info("Afgewezen: %s (%s): %s", name, decision.kind, self._reasons(decision)[:300])

    # --- rejected files go back ---------------------------------------------------------------
    def _finish_rejected(
        self,
        sub_id: int,
        claimed: Path,
        *,
        original_name: str,
        data: bytes | None,
        sha256: str,
        target: Path,
        archived: Path,
        reasons: str,
        decision: Decision | None = None,
        received: dt.datetime | None = None,
    ) -> None:
        """Hand the original back in the rejected folder with its explanation. Safe to repeat."""
        handed = _handed_back(target, sha256)
        if handed is None:
            source = claimed if claimed.exists() else archived  # after a crash: the archive's copy
            handed = files.copy_no_overwrite(source, target, data)
        faults.point("handed_back")
        claimed.unlink(missing_ok=True)
        folder, stem = handed.parent, handed.stem
        annotated_name = None
        if decision is not None and decision.raw is not None and decision.problems and data is not None:
            annotated = files.unique_target(folder, f"{stem} - met opmerkingen.xlsx")
            warnings = decision.result.warnings if decision.result else []
            if annotate(data, annotated, sheet=decision.raw.sheet, problems=decision.problems, warnings=warnings):
                annotated_name = annotated.name
        explanation = files.explanation_path(handed, original_name)
        if decision is not None or not explanation.exists():
            text = rejection_text(
                original_name=original_name,
                received=received or self.now(),
                form_title=decision.form.title if decision and decision.form else None,
                problems=decision.problems if decision else [],
                warnings=decision.result.warnings if decision and decision.result else [],
                general=(decision.general if decision else reasons.replace(" | ", "\n")) or None,
                annotated_name=annotated_name,
                inbox_hint=self.settings.inbox_for_staff,
            )
            files.write_durably(explanation, text.replace("\n", "\r\n").encode("utf-8-sig"), fsync=False)
        self.store.mark_finished(sub_id, rejected_path=str(handed))


def _handed_back(target: Path, sha256: str) -> Path | None:
    """Where this file was already handed back (perhaps as `name (2)` after a crash), if it was."""
    candidates = [target, *sorted(target.parent.glob(f"{glob.escape(target.stem)} (*){target.suffix}"))]
    for candidate in candidates:
        if candidate.is_file() and files.sha256_of(candidate) == sha256:
            return candidate
    return None


def _handback_name(name: str) -> str:
    """A corrected-but-still-wrong annotated copy goes back under the plain name again."""
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        return name
    stem = re.sub(r"(?: \(\d+\))?(?: - met opmerkingen(?: \(\d+\))?)+$", "", stem) or stem
    return f"{stem}.{suffix}"


def scan_ignored(inbox: Path) -> int:
    """How many entries in the inbox the intake leaves alone (lock files, hidden files, folders)."""
    try:
        with os.scandir(inbox) as entries:
            return sum(
                1
                for e in entries
                if e.name != STAGING_NAME and (files.is_ignored(e.name) or not e.is_file(follow_symlinks=False))
            )
    except OSError:
        return 0
