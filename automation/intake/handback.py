"""What goes back to staff once a file is stored: the inbox file removed with a confirmation, or
the original handed back in the rejected folder with its explanation (and an annotated copy).

Every step is safe to repeat: after a crash, `finish_row` completes a stored submission from its
row alone (the original then comes from the archive).
"""

from __future__ import annotations

import datetime as dt
import glob
import json
import logging
import re
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from automation.config import Settings
from automation.excel.annotate import annotate
from automation.filenames import safe_name, school_folder_name
from automation.forms import FORMS, FormDef, Kind
from automation.intake import faults, files
from automation.intake.decide import Decision
from automation.intake.register import Registered, reasons
from automation.intake.report import receipt_text, rejection_text
from automation.store import Outcome, Store

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


class Handback:
    def __init__(self, settings: Settings, store: Store, *, now: Callable[[], dt.datetime]) -> None:
        self.settings = settings
        self.store = store
        self.now = now

    def folder(self, base: Path, school: str | None) -> Path:
        """Per school, so each school's staff can be given only their own folder."""
        if school and school in self.settings.schools:
            return base / school_folder_name(school, self.settings.schools[school])
        return base / "school onbekend"

    def rejected_target(self, name: str, school: str | None) -> Path:
        """Where a rejected file will be handed back (chosen before it is stored)."""
        return files.unique_target(self.folder(self.settings.paths.rejected, school), handback_name(name))

    # --- after the commit ----------------------------------------------------------------------
    def finish(self, item: Stored) -> None:
        """Remove the claimed file, or hand it back; tell the sender."""
        decision, sub, sub_id = item.decision, item.registered.submission, item.registered.id
        _log_outcome(item.name, decision, item.registered.regnr)
        if decision.outcome is Outcome.REJECTED:
            self.hand_back(
                sub_id,
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
        self.receipt(
            original_name=item.name,
            received=item.received,
            form_id=sub.form_id,
            regnr=item.registered.regnr,
            outcome=decision.outcome,
            warnings=sub.warnings,
            correction=decision.correction_of is not None,
            school=decision.school,
        )
        self.store.mark_finished(sub_id)

    def finish_row(self, row: sqlite3.Row) -> None:
        """Complete the last step for a stored submission after an interruption (idempotent)."""
        claimed = Path(row["inbox_path"])
        log.info("Afmaken na onderbreking: %s (%s)", row["original_name"], row["outcome"])
        if row["outcome"] == Outcome.REJECTED:
            self.hand_back(
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
        self.receipt(
            original_name=row["original_name"],
            received=dt.datetime.fromisoformat(row["received_at"]),
            form_id=row["form_id"],
            regnr=row["regnr"],
            outcome=Outcome(row["outcome"]),
            warnings=json.loads(row["warnings"]),
            correction=self.store.corrected_by(row["id"]),
            school=self.store.school_of(row["regnr"]) if row["regnr"] else None,
        )
        self.store.mark_finished(row["id"])

    # --- rejected files go back ---------------------------------------------------------------
    def hand_back(
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

    # --- confirmations ------------------------------------------------------------------------
    def receipt(
        self,
        *,
        original_name: str,
        received: dt.datetime,
        form_id: str | None,
        regnr: str | None,
        outcome: Outcome,
        warnings: Sequence[str],
        correction: bool,
        school: str | None,
    ) -> None:
        if not self.settings.board.intake.bevestigingen or regnr is None:
            return
        form = FORMS.get(form_id or "")
        surveys = self.store.surveys_of(regnr) if form and form.survey_results else []
        duplicate = outcome is Outcome.DUPLICATE
        text = receipt_text(
            about=self._about(form, regnr) + self._survey_lines(surveys),
            export=any(s["source"].startswith("export") for s in surveys),
            original_name=original_name,
            received=received,
            form_title=form.title if form else None,
            regnr=regnr,
            duplicate=duplicate,
            notes=warnings,
            correction=correction and outcome is Outcome.ACCEPTED and not surveys,
        )
        stem = Path(original_name).stem
        folder = self.folder(self.settings.paths.receipts, school)
        if school is None and len({s["school"] for s in surveys}) > 1:
            folder = self.settings.paths.receipts / "meerdere scholen"  # an export for several schools
        name = f"{regnr} - {stem}{' (dubbel)' if duplicate else ''}.txt"
        files.write_new(folder / safe_name(name), text.replace("\n", "\r\n").encode("utf-8-sig"))

    def _about(self, form: FormDef | None, regnr: str) -> list[tuple[str, str]]:
        """What the registration is about, so a sender of several 'melding.xlsx' files can tell."""
        record = self.store.record(regnr)
        if form is None or record is None:
            return []
        data = record.data
        about = []
        for key in (form.event_date_key, *form.receipt_keys):
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


def handback_name(name: str) -> str:
    """A corrected-but-still-wrong annotated copy goes back under the plain name again."""
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        return name
    stem = re.sub(r"(?: \(\d+\))?(?: - met opmerkingen(?: \(\d+\))?)+$", "", stem) or stem
    return f"{stem}.{suffix}"
