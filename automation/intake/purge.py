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
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from automation.config import Settings
from automation.forms import FORMS, Kind
from automation.intake import journal
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
    """A rejected file and what was put beside it: '<naam> - met opmerkingen.xlsx', '<naam> - uitleg.txt'."""
    if not path.name:
        return []
    stem = path.stem
    return [
        path,
        path.with_name(f"{stem} - met opmerkingen.xlsx"),
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
    kept_paths = {path for sub_id, path in store.archive_paths().items() if sub_id not in old_ids}
    files: list[Path] = []
    for sub in old_subs:
        archived = Path(sub["archive_path"])
        keep = sub["archive_path"] == REMOVED or sub["archive_path"] in kept_paths
        if not keep and archived.is_file() and archived not in files:
            files.append(archived)
            report.archive_files += 1
            report.archive_bytes += archived.stat().st_size
        for path in _handed_back(Path(sub["rejected_path"] or "")):
            if path.is_file() and path not in files:
                files.append(path)
                report.handed_back += 1
    for rec in old_records.values():
        report.records[rec.form_id] += 1
    report.submissions = len(old_subs)
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
    for regnr in old_records:  # confirmations carry the original file name
        for receipt in settings.paths.receipts.glob(f"*/{regnr} - *.txt"):
            receipt.unlink(missing_ok=True)
    for path in files:
        try:
            path.unlink()
        except OSError as exc:
            log.error("Kon %s niet verwijderen (%s); de volgende purge probeert het opnieuw.", path, exc)
    log.warning(summary(report))
    return report


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
