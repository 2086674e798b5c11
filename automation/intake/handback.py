"""What goes back to staff once a file is stored: the inbox file removed with a confirmation, or
the original handed back in the rejected folder with its explanation (and an annotated copy).

Each school's staff read their own school's folder. A confidential report (sexual misconduct,
aggression against staff, a staff member as perpetrator: `FormDef.confidential`) goes back to the
office's own folder (`OFFICE_ONLY`) instead, and the school's folder gets only a neutral notice with
the time it was handed in: no name, no pupil, no description.

Every step is safe to repeat: after a crash, or when the outbox could not be written (read-only,
full), `finish_row` completes a stored submission from its row alone, exactly as it would have been
done at once (the original then comes from the archive, checked against its SHA-256).
"""

from __future__ import annotations

import datetime as dt
import glob
import json
import logging
import os
import re
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from automation.config import Settings
from automation.errors import explain_os_error
from automation.excel.annotate import annotate
from automation.filenames import safe_name, school_folder_name
from automation.forms import FORMS, FormDef, Kind
from automation.intake import faults, files, notify
from automation.intake.decide import Decision
from automation.intake.outcome import RejectKind
from automation.intake.register import Registered, reasons
from automation.intake.report import notice_name, notice_text, receipt_text, rejection_text, survey_line
from automation.store import WITHDRAWN, Outcome, Record, Store

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Stored:
    """A file stored in the open transaction, to be handed back after the commit."""

    name: str  # as dropped in the inbox
    claimed: Path
    data: bytes | None
    sha: str
    registered: Registered
    decision: Decision
    received: dt.datetime
    kept: Path


SOLVED = "opgelost"  # inside a school's rejected folder: rejections a later accepted form solved
OFFICE_ONLY = "kantoor (vertrouwelijk)"  # beside the schools' folders; only the board's office reads it


class Judge(Protocol):
    """How the intake decides about a file's bytes (`Intake.judge`): asked again when a rejected
    file is handed back later, so the hand-back is the one it would have been at once."""

    def __call__(self, data: bytes | None, *, sha: str, name: str, received: dt.datetime) -> Decision: ...


class Handback:
    def __init__(
        self,
        settings: Settings,
        store: Store,
        *,
        judge: Judge,
        max_bytes: int,
    ) -> None:
        self.settings = settings
        self.store = store
        self.judge = judge
        self.max_bytes = max_bytes
        self._school_folders = {  # the settings' schools, as folder names (a changed config: a new Handback)
            brin: school_folder_name(brin, name) for brin, name in settings.schools.items()
        }
        self._rejected: dict[str, tuple[Path, Path]] = {}

    def folder(self, base: Path, school: str | None, *, office_only: bool = False) -> Path:
        """Per school, so each school's staff can be given only their own folder; a confidential
        report's (see `FormDef.confidential`) in the office's own folder beside them."""
        if office_only:
            base = base / OFFICE_ONLY
        own = self._school_folders.get(school) if school else None
        return base / (own or "school onbekend")

    def rejected_target(self, name: str, school: str | None, *, confidential: str | None = None) -> Path:
        """Where a rejected file will be handed back (chosen before it is stored)."""
        folder = self.folder(self.settings.paths.rejected, school, office_only=confidential is not None)
        return files.unique_target(folder, handback_name(name))

    # --- after the commit ----------------------------------------------------------------------
    def finish(self, item: Stored) -> None:
        """Remove the claimed file, or hand it back; tell the sender. An OSError (a read-only or
        full outbox) leaves the submission unfinished for `finish_row`."""
        decision, sub, sub_id = item.decision, item.registered.submission, item.registered.id
        _log_outcome(item.name, decision, item.registered.regnr)
        if decision.outcome is Outcome.REJECTED:
            assert sub.rejected_path is not None
            if decision.confidential:
                log.info("Vertrouwelijk, alleen voor het bestuurskantoor: %s (%s)", item.name, decision.confidential)
            self.hand_back(
                sub_id,
                claimed=item.claimed,
                source=item.claimed,
                original_name=item.name,
                data=item.data,
                sha256=item.sha,
                target=self.settings.paths.resolve(sub.rejected_path),
                reasons=sub.reasons,
                decision=decision,
                received=item.received,
            )
            return
        item.claimed.unlink()
        self.solve_rejections(item.name, decision.school)
        self.receipt(
            original_name=item.name,
            sha256=item.sha,
            received=item.received,
            form_id=sub.form_id,
            regnr=item.registered.regnr,
            outcome=decision.outcome,
            warnings=sub.warnings,
            correction=decision.correction_of is not None,
            school=decision.school,
            data=_stored_data(decision),
        )
        self.store.mark_finished(sub_id)

    def solve_rejections(self, name: str, school: str | None) -> list[Path]:
        """A form of this name was accepted for this school: the earlier rejections of a form of the
        same name there (the original, its explanation, its annotated copy, also as 'naam (2)') are
        solved and move into `opgelost/` beside them, so the school's folder shows what is still
        open. Their place is updated in the store (a purge still finds them). Never raises: a file
        that cannot be moved stays where it is, and the next accepted form tries again."""
        if not school or school not in self._school_folders:
            return []
        stem, suffix = os.path.splitext(handback_name(name))
        moved: list[Path] = []
        paths = self.settings.paths
        for folder in self._rejected_folders(school):
            try:
                with os.scandir(folder) as entries:  # names first: most folders hold none of this name
                    names = [e.name for e in entries if e.name.startswith(stem) and e.is_file()]
            except OSError:
                continue  # no folder (nothing rejected there), or it cannot be read now
            if not names:
                continue
            same = _same_form(stem, suffix)
            found = sorted(folder / n for n in names if same.match(n))
            for path in found:
                try:
                    target = files.unique_target(folder / SOLVED, path.name)
                    target.parent.mkdir(exist_ok=True)
                    path.rename(target)  # never over a file: unique_target chose a free name
                except OSError as exc:
                    log.warning("Kon %s niet naar %s verplaatsen (%s).", path.name, SOLVED, explain_os_error(exc))
                    continue
                self.store.move_rejected(paths.relative(path), paths.relative(target))
                moved.append(target)
        if moved:
            log.info("Opgelost: %d bestand(en) van eerdere afwijzingen van %s naar %s/.", len(moved), name, SOLVED)
        return moved

    def _rejected_folders(self, school: str) -> tuple[Path, Path]:
        """The school's rejected folder and the office's one for it (made once: asked for every
        accepted form)."""
        folders = self._rejected.get(school)
        if folders is None:
            rejected = self.settings.paths.rejected
            folders = (self.folder(rejected, school), self.folder(rejected, school, office_only=True))
            self._rejected[school] = folders
        return folders

    def finish_row(self, row: sqlite3.Row) -> None:
        """Complete the last step for a stored submission after an interruption (idempotent), as it
        would have been done at once: a rejected original is read back from the archive (its SHA-256
        checked: `ArchiveDamaged` otherwise) and judged again, so its annotated copy is made too,
        and the explanation gives the time it was received."""
        paths = self.settings.paths
        claimed = paths.resolve(row["inbox_path"]) if row["inbox_path"] else None
        received = dt.datetime.fromisoformat(row["received_at"])
        log.info("Afmaken na onderbreking: %s (%s)", row["original_name"], row["outcome"])
        if row["outcome"] == Outcome.REJECTED:
            archived = paths.resolve(row["archive_path"])
            data = files.read_verified(archived, row["sha256"], max_bytes=self.max_bytes)
            self.hand_back(
                row["id"],
                claimed=claimed,
                source=archived,
                original_name=row["original_name"],
                data=data,
                sha256=row["sha256"],
                target=paths.resolve(row["rejected_path"]),
                reasons=row["reasons"],
                decision=self._judged_again(row, data, received=received),
                received=received,
            )
            return
        if claimed is not None:
            claimed.unlink(missing_ok=True)
        if row["regnr"]:
            self.solve_rejections(row["original_name"], self.store.school_of(row["regnr"]))
        self.receipt(
            original_name=row["original_name"],
            sha256=row["sha256"],
            received=received,
            form_id=row["form_id"],
            regnr=row["regnr"],
            outcome=Outcome(row["outcome"]),
            warnings=json.loads(row["warnings"]),
            correction=self.store.corrected_by(row["id"]),
            school=self.store.school_of(row["regnr"]) if row["regnr"] else None,
        )
        self.store.mark_finished(row["id"])

    def _judged_again(self, row: sqlite3.Row, data: bytes | None, *, received: dt.datetime) -> Decision | None:
        """The rejection decided again from the archived bytes, when it is the one that was stored;
        None when it is not (the board's lists or profiles changed since): then the stored reasons
        are explained, without an annotated copy."""
        decision = self.judge(data, sha=row["sha256"], name=row["original_name"], received=received)
        if decision.outcome is Outcome.REJECTED and reasons(decision) == row["reasons"]:
            return decision
        log.warning(
            "%s wordt teruggegeven met de uitleg van bij ontvangst; opnieuw beoordeeld zou het anders uitvallen "
            "(zijn keuzelijsten of profielen veranderd?).",
            row["original_name"],
        )
        return None

    # --- rejected files go back ---------------------------------------------------------------
    def hand_back(
        self,
        sub_id: int,
        *,
        claimed: Path | None,
        source: Path,
        original_name: str,
        data: bytes | None,
        sha256: str,
        target: Path,
        reasons: str,
        decision: Decision | None,
        received: dt.datetime,
    ) -> None:
        """Hand the original back in the rejected folder with its explanation (and annotated copy);
        a confidential one in the office's folder, with a neutral notice in the school's. Safe to
        repeat. `data` are the original's bytes (None: too large to hold; copied from `source`)."""
        handed = _handed_back(target, sha256)
        if handed is None:
            handed = files.copy_no_overwrite(source, target, data)
        faults.point("handed_back")
        if claimed is not None:
            claimed.unlink(missing_ok=True)
        annotated_name = self._annotate(handed, data, decision)
        explanation = files.explanation_path(handed, original_name)
        if decision is not None or not explanation.exists():
            text = rejection_text(
                original_name=original_name,
                received=received,
                form_title=decision.form.title if decision and decision.form else None,
                problems=decision.problems if decision else [],
                warnings=decision.result.warnings if decision and decision.result else [],
                general=(decision.general if decision else reasons.replace(" | ", "\n")) or None,
                annotated_name=annotated_name,
                inbox_hint=self.settings.inbox_for_staff,
                export=decision is not None and decision.kind is RejectKind.EXPORT_ERROR,
            )
            files.write_durably(explanation, for_notepad(text), fsync=False)
            if decision is not None:  # to the address on the form, if it gave one (once: the message's key)
                attached = handed.with_name(annotated_name) if annotated_name else handed
                notify.rejected(
                    self.store,
                    self.settings,
                    decision,
                    submission_id=sub_id,
                    original_name=original_name,
                    explanation=text,
                    attachment=attached,
                    received=received,
                )
        school_folder = self._school_folder_of_office_copy(handed)
        if school_folder is not None:
            notice = notice_text(received=received, outcome=Outcome.REJECTED)
            files.write_new(school_folder / notice_name(received, Outcome.REJECTED, sha256=sha256), for_notepad(notice))
        self.store.mark_finished(sub_id, rejected_path=self.settings.paths.relative(handed))

    def _annotate(self, handed: Path, data: bytes | None, decision: Decision | None) -> str | None:
        """The annotated copy beside the handed-back original; its name, or None when there is none.

        Made in the service's own folder first and then copied in, so a read-only or full outbox
        raises (and the hand-back is finished later) instead of passing for an odd workbook."""
        if decision is None or decision.raw is None or not decision.problems or data is None:
            return None
        target = annotated_copy(handed)
        if target.is_file():  # made by an earlier attempt at this hand-back (a repeat): reused
            return target.name
        scratch = self.settings.paths.state / f".met opmerkingen.{os.getpid()}.tmp.xlsx"
        scratch.parent.mkdir(parents=True, exist_ok=True)
        warnings = decision.result.warnings if decision.result else []
        try:
            if not annotate(data, scratch, sheet=decision.raw.sheet, problems=decision.problems, warnings=warnings):
                return None
            return files.copy_no_overwrite(scratch, target, None).name
        finally:
            scratch.unlink(missing_ok=True)

    def _school_folder_of_office_copy(self, handed: Path) -> Path | None:
        """The school's own folder, when `handed` went to the office's folder instead."""
        rejected = self.settings.paths.rejected
        if handed.parent.parent == rejected / OFFICE_ONLY:
            return rejected / handed.parent.name
        return None

    # --- confirmations ------------------------------------------------------------------------
    def receipt(
        self,
        *,
        original_name: str,
        sha256: str = "",
        received: dt.datetime,
        form_id: str | None,
        regnr: str | None,
        outcome: Outcome,
        warnings: Sequence[str],
        correction: bool,
        school: str | None,
        data: Mapping[str, Any] | None = None,
    ) -> None:
        """The confirmation with the registration number; a confidential report's goes to the office's
        folder (it names the kind of report and its duties), with a neutral notice in the school's.
        `data`: the registration as this file just stored it (else it is read from the store)."""
        if not self.settings.board.intake.bevestigingen or regnr is None:
            return
        form = FORMS.get(form_id or "")
        record = None
        if form is not None:
            record = data if data is not None else _data_of(self.store.record(regnr))
        surveys = self.store.surveys_of(regnr) if form and form.survey_results else []
        duplicate = outcome is Outcome.DUPLICATE
        if record is not None and correction:
            warnings = [*warnings, *_not_counted(self.store, regnr)]
        text = receipt_text(
            about=self._about(form, record) + self._survey_lines(surveys),
            export=any(s["source"].startswith("export") for s in surveys),
            original_name=original_name,
            received=received,
            form_title=form.title if form else None,
            regnr=regnr,
            duplicate=duplicate,
            notes=warnings,
            correction=correction and outcome is Outcome.ACCEPTED and not surveys,
        )
        why = form.confidential_reason(record, choices=self.settings.choices) if form and record is not None else None
        stem = Path(original_name).stem
        folder = self.folder(self.settings.paths.receipts, school, office_only=why is not None)
        if school is None and len({s["school"] for s in surveys}) > 1:
            folder = self.settings.paths.receipts / "meerdere scholen"  # an export for several schools
        name = f"{regnr} - {stem}{' (dubbel)' if duplicate else ''}.txt"
        files.write_new(folder / safe_name(name), for_notepad(text))
        if why is not None:
            log.info("Bevestiging van %s alleen voor het bestuurskantoor (%s).", regnr, why)
            notice = notice_text(received=received, outcome=outcome)
            files.write_new(
                self.folder(self.settings.paths.receipts, school) / notice_name(received, outcome, sha256=sha256),
                for_notepad(notice),
            )

    def _about(self, form: FormDef | None, data: Mapping[str, Any] | None) -> list[tuple[str, str]]:
        """What the registration is about, so a sender of several 'melding.xlsx' files can tell."""
        if form is None or data is None:
            return []
        about = []
        for key in (form.event_date_key, *form.receipt_keys):
            if key in form.keys and data.get(key):
                value = data[key]
                if form.field(key).kind is Kind.DATE:  # stored as text, held as a date
                    day = value if isinstance(value, dt.date) else dt.date.fromisoformat(value)
                    value = day.strftime("%d-%m-%Y")
                about.append((form.field(key).label, str(value)))
        return about

    def _survey_lines(self, surveys: Sequence[sqlite3.Row]) -> list[tuple[str, str]]:
        return [
            (
                "Resultaten",
                survey_line(
                    school=s["school"],
                    school_name=self.settings.schools.get(s["school"], ""),
                    groep=s["groep"],
                    schooljaar=s["schooljaar"],
                    respondents=s["respondents"],
                    instrument=s["instrument"] or "",
                ),
            )
            for s in surveys
        ]


def open_rejections(settings: Settings, store: Store) -> dict[str, tuple[int, dt.datetime | None]]:
    """Per school: how many handed-back files are still open (in the school's folder or the office's
    one for it; not solved into `opgelost/`, not removed by staff or a purge) and when the oldest of
    them was received. For the Overzicht."""
    folders = {school_folder_name(brin, name): brin for brin, name in settings.schools.items()}
    found: dict[str, tuple[int, dt.datetime | None]] = {}
    for received, stored in store.handed_back():
        path = settings.paths.resolve(stored)
        brin = folders.get(path.parent.name)
        if brin is None or SOLVED in path.parts or not path.exists():
            continue
        count, oldest = found.get(brin, (0, None))
        when = dt.datetime.fromisoformat(received)
        found[brin] = (count + 1, when if oldest is None or when < oldest else oldest)
    return found


def _stored_data(decision: Decision) -> Mapping[str, Any] | None:
    """The registration an accepted form stored (its record, new or corrected), as `receipt` shows
    it; None for a duplicate (its registration is the earlier one: `receipt` reads it)."""
    if decision.outcome is not Outcome.ACCEPTED or decision.form is None or decision.result is None:
        return None
    return decision.result.record


def _data_of(record: Record | None) -> Mapping[str, Any] | None:
    return None if record is None else record.data


def _not_counted(store: Store, regnr: str) -> list[str]:
    """A correction of a registration the office withdrew or merged (automation.intake.office) is
    kept, but the sender is told it does not count."""
    values = store.office_values(regnr)
    if values["status"] == WITHDRAWN:
        return [f"het bestuurskantoor heeft {regnr} ingetrokken: de verbetering is bewaard, maar telt niet mee."]
    if values["same_as"]:
        return [f"{regnr} telt alleen mee via {values['same_as']} (samengevoegd door het bestuurskantoor)."]
    return []


def _same_form(stem: str, suffix: str) -> re.Pattern[str]:
    """The names a rejection of the form `stem` + `suffix` was handed back under (see `solve_rejections`)."""
    return re.compile(
        rf"^{re.escape(stem)}(?: \(\d+\))?(?:{re.escape(suffix)}| - uitleg\.txt| - met opmerkingen(?: \(\d+\))?\.xlsx)$"
    )


def for_notepad(text: str) -> bytes:
    """CRLF and a BOM: Notepad on older Windows shows bare LF as one line and guesses the encoding."""
    return text.replace("\n", "\r\n").encode("utf-8-sig")


def _log_outcome(name: str, decision: Decision, regnr: str | None) -> None:
    if decision.outcome is Outcome.ACCEPTED:
        log.info("Geaccepteerd: %s als %s", name, regnr)
    elif decision.outcome is Outcome.DUPLICATE:
        log.info("Dubbel: %s (al binnen als %s)", name, decision.duplicate_of)
    else:
        log.info("Afgewezen: %s (%s): %s", name, decision.kind, reasons(decision)[:300])


def _handed_back(target: Path, sha256: str) -> Path | None:
    """Where this file was already handed back (perhaps as `name (2)` after a crash), if it was."""
    candidates = [target, *sorted(target.parent.glob(f"{glob.escape(target.stem)} (*){target.suffix}"))]
    for candidate in candidates:
        if candidate.is_file() and files.sha256_of(candidate) == sha256:
            return candidate
    return None


def annotated_copy(handed: Path) -> Path:
    """The annotated copy of the file handed back as `handed`: '<naam> - met opmerkingen.xlsx' beside
    it. Only this hand-back makes that name (a dropped file that carries it comes back under its plain
    name, see `handback_name`), so a repeated hand-back finds and reuses it."""
    return handed.with_name(safe_name(f"{handed.stem} - met opmerkingen.xlsx"))


def handback_name(name: str) -> str:
    """A corrected-but-still-wrong annotated copy goes back under the plain name again."""
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        return name
    if "opmerkingen" in stem:  # the pattern only where it can match: this runs for every accepted file
        stem = _ANNOTATED_RE.sub("", stem) or stem
    return f"{stem}.{suffix}"


_ANNOTATED_RE = re.compile(r"(?: \(\d+\))?(?: - met opmerkingen(?: \(\d+\))?)+$")
