"""Remove personal details older than the retention period (`veiligheid purge`, DOMAIN.md §9).

`[privacy] bewaartermijn_schooljaren = N` keeps the last N school years, the current one included.
For a registration of an earlier school year (by the date of the event, else when it arrived):
- its record keeps what the counts need — school, dates, categories, roles, yes/no answers, numbers —
  and loses every free-text field, e-mail address and the pupil's pseudonym; earlier versions go;
- the original file is removed from the archive, and a rejected file (with its annotated copy and
  explanation) from the rejected folder; the file's name in the store becomes "(verwijderd)".
Files that were not stored as a registration (rejected files, survey exports) count by when they
arrived. Survey aggregates hold no personal details and stay. Every purge is an event in the Logboek.
A dry run (`--proef`) says what would go and changes nothing.
Every original the purge would remove is first checked against the SHA-256 it was stored with: one
that was changed or is gone stops the purge, a dry run too, before anything changes (`ArchiveDamaged`,
exit code 7), and each is written to the Logboek (*archief-beschadigd*).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import sqlite3
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from automation.config import Paths, Settings
from automation.errors import ArchiveDamaged, explain_os_error
from automation.filenames import safe_name
from automation.forms import FORMS, Kind
from automation.intake import files, journal, office
from automation.mail.outbox import forget_before
from automation.schoolyear import start_year
from automation.store import PURGED, Store, now_text

log = logging.getLogger(__name__)

PERSONAL = frozenset({Kind.TEXT, Kind.LONGTEXT, Kind.EMAIL, Kind.PUPIL_REF})
REMOVED = "(verwijderd)"
MARK = PURGED


@dataclass
class PurgeReport:
    cutoff: dt.date  # everything before this date is purged
    dry_run: bool
    records: Counter[str] = field(default_factory=Counter)  # per form
    submissions: int = 0
    archive_files: int = 0
    archive_bytes: int = 0
    handed_back: int = 0  # files in the rejected folder

    @property
    def nothing(self) -> bool:
        return not (self.records or self.submissions or self.archive_files or self.handed_back)


def cutoff_date(today: dt.date, years: int) -> dt.date:
    """The first day of the oldest school year that is kept."""
    return dt.date(start_year(today) - (years - 1), 8, 1)


def _personal_keys(form_id: str) -> set[str]:
    form = FORMS.get(form_id)
    return {f.key for f in form.fields if f.kind in PERSONAL} if form else set()


def _handed_back(path: Path) -> list[Path]:
    """A rejected file and what was put beside it: '<naam> - met opmerkingen.xlsx' (an earlier version
    made '<naam> - met opmerkingen (2).xlsx' and so on when a hand-back was repeated), '<naam> - uitleg.txt'.
    Another file's copies are never among them: '<naam> (2).xlsx' has its own, and a file named
    '<naam> - met opmerkingen van Jan.xlsx' is not one."""
    if not path.name:
        return []
    stem = path.stem
    annotated = re.compile(rf"{re.escape(stem)} - met opmerkingen(?: \(\d+\))?\.xlsx")
    try:
        copies = sorted(p for p in path.parent.iterdir() if annotated.fullmatch(p.name))
    except OSError:  # the folder is gone: nothing beside it
        copies = []
    shortened = path.with_name(safe_name(f"{stem} - met opmerkingen.xlsx"))  # a long name, as handback made it
    return [
        path,
        *copies,
        *([shortened] if shortened not in copies else []),
        path.with_name(f"{stem} - uitleg.txt"),
        path.with_name(f"{path.name} - uitleg.txt"),
    ]


def purge(
    settings: Settings,
    store: Store,
    *,
    today: dt.date,
    dry_run: bool,
    run_id: int | None = None,
    now: Callable[[], dt.datetime] = dt.datetime.now,
) -> PurgeReport:
    cutoff = cutoff_date(today, settings.board.privacy.bewaartermijn_schooljaren)
    report = PurgeReport(cutoff=cutoff, dry_run=dry_run)
    limit = cutoff.isoformat()
    old_records = {rec.regnr: rec for rec in store.records_before(limit, unless_marked=MARK)}
    old_subs = store.submissions_before(limit, removed=REMOVED)
    old_ids = {row["id"] for row in old_subs}
    originals, handed = _files_of(settings.paths, store, old_subs, old_ids=old_ids)
    report.handed_back = len(handed)
    _verify(originals, store, at=now_text(now().replace(microsecond=0)), run_id=run_id)
    for archived in originals:
        report.archive_files += 1
        report.archive_bytes += archived.stat().st_size
    for rec in old_records.values():
        report.records[rec.form_id] += 1
    report.submissions = len(old_subs)
    if not dry_run:  # the e-mail queue's and outbox/berichten/'s old messages, whatever else goes
        forget_before(settings, store, limit=cutoff)
    if dry_run or report.nothing:
        return report

    moment = now_text(now().replace(microsecond=0))
    with store.transaction():
        for regnr, rec in old_records.items():
            data = {k: v for k, v in rec.data.items() if k not in _personal_keys(rec.form_id)}
            data[MARK] = today.isoformat()
            store.strip_record(regnr, data)
        for sub in old_subs:
            store.forget_submission(
                sub["id"], removed=REMOVED, reason="Persoonsgegevens verwijderd na de bewaartermijn."
            )
        store.add_event(
            at=moment,
            kind="opgeschoond",
            name="bewaartermijn",
            message=summary(report),
            run_id=run_id,
        )
    # after the commit: the archive's register forgets their names but keeps what the store keeps, so
    # a rebuild restores the same registrations under the same numbers
    kept_of = _skeletons(store, old_ids)
    entries = journal.read(settings.paths.journal)
    journal.rewrite(
        settings.paths.journal,
        [
            replace(e, name=REMOVED, archive=REMOVED, rejected=None, purged=kept_of.get(e.id, {}))
            if e.id in old_ids
            else e
            for e in entries
        ],
        keep_previous=False,
    )
    office.forget_reasons(settings, set(old_records))  # the office's reasons for its actions on them
    for regnr in old_records:  # confirmations carry the original file name
        for receipt in settings.paths.receipts.glob(f"**/{regnr} - *.txt"):  # the office's own folder too
            receipt.unlink(missing_ok=True)
    for path in [*originals, *handed]:
        try:
            files.remove_entry(path)  # an archive entry is read-only
        except OSError as exc:
            log.error("Kon %s niet verwijderen (%s); verwijder het met de hand.", path, explain_os_error(exc))
    log.warning(summary(report))
    return report


def _files_of(
    paths: Paths, store: Store, old_subs: list[sqlite3.Row], *, old_ids: set[int]
) -> tuple[dict[Path, sqlite3.Row], list[Path]]:
    """The archive entries these submissions alone use (each with the first submission whose bytes it
    holds), and the files handed back for them that are still in the rejected folder."""
    kept = {paths.resolve(text) for sub_id, text in store.archive_paths().items() if sub_id not in old_ids and text}
    originals: dict[Path, sqlite3.Row] = {}
    handed: list[Path] = []
    for sub in old_subs:
        text = sub["archive_path"]
        if text and text != REMOVED and paths.resolve(text) not in kept:
            originals.setdefault(paths.resolve(text), sub)
        rejected = sub["rejected_path"]
        for path in _handed_back(paths.resolve(rejected)) if rejected else []:
            if path.is_file() and path not in handed:
                handed.append(path)
    return originals, handed


def _verify(originals: dict[Path, sqlite3.Row], store: Store, *, at: str, run_id: int | None) -> None:
    """Every original the purge decides about must still have the SHA-256 it was stored with (or be
    an empty file's). One that was changed, replaced or lost is never passed over: each is written to
    the Logboek, and the purge stops with `ArchiveDamaged` (exit code 7) before it changes anything."""
    damaged: list[ArchiveDamaged] = []
    for path, sub in originals.items():
        try:
            files.read_verified(path, sub["sha256"], max_bytes=0)  # hashed in a stream, not held
        except ArchiveDamaged as exc:
            damaged.append(exc)
            log.info("%s", exc.message)  # the file log; the console gets the one line that stops the purge
            with store.transaction():
                store.add_event(
                    at=at,
                    kind="archief-beschadigd",
                    name=sub["original_name"],
                    message=exc.message,
                    sha256=sub["sha256"],
                    run_id=run_id,
                )
    if damaged:
        first = damaged[0]
        raise ArchiveDamaged(
            f"Opschonen gestopt: {_count(len(damaged), 'origineel', 'originelen')} in het archief "
            f"{'is' if len(damaged) == 1 else 'zijn'} veranderd of weg sinds ontvangst (eerste: {first.path}); er is "
            "niets verwijderd. Zet de originelen terug uit een reservekopie en schoon daarna opnieuw op; de "
            "Logboek-tab noemt ze allemaal.",
            path=first.path,
            expected=first.expected,
            found=first.found,
        )


def _skeletons(store: Store, ids: set[int]) -> dict[int, dict[str, Any]]:
    """Per purged submission what the store keeps: its outcome and number, and for the submission a
    record now belongs to, the record without personal details."""
    found: dict[int, dict[str, Any]] = {}
    for sub in store.submissions_by_id(ids):
        found[sub["id"]] = {
            "outcome": sub["outcome"],
            "regnr": sub["regnr"],
            "form_id": sub["form_id"],
            "form_version": sub["form_version"],
            "kind": sub["kind"],
            "content_key": sub["content_key"],
        }
    for rec in store.records_of_submissions(set(found)):
        found[rec.submission_id]["record"] = {
            "form_id": rec.form_id,
            "school": rec.school,
            "event_date": rec.event_date.isoformat() if rec.event_date else None,
            "data": dict(rec.data),
            "created_at": rec.created_at,
        }
    return found


def summary(report: PurgeReport) -> str:
    verb = "Zou verwijderen" if report.dry_run else "Verwijderd"
    per_form = ", ".join(f"{FORMS[k].register if k in FORMS else k} {n}" for k, n in sorted(report.records.items()))
    records = sum(report.records.values())
    return (
        f"{verb}: persoonsgegevens van vóór {report.cutoff:%d-%m-%Y} — "
        f"{_count(records, 'registratie', 'registraties')}{f' ({per_form})' if per_form else ''}, "
        f"{_count(report.submissions, 'ontvangen bestand', 'ontvangen bestanden')} in het logboek, "
        f"{_count(report.archive_files, 'origineel', 'originelen')} uit het archief ({report.archive_bytes / 1e6:.1f} MB), "
        f"{_count(report.handed_back, 'bestand', 'bestanden')} uit de map afgewezen. De registraties blijven met hun "
        "nummer meetellen, zonder persoonsgegevens."
    )


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"
