"""Rebuild the database from the archive (`veiligheid rebuild`), when it was lost or damaged.

Every original is in the archive and the archive's journal says when each arrived, under what name
and in what order. Replaying them in that order through the same judgement gives the same
registrations with the same numbers (as long as the config — schools, lists, profiles — is the
same). Originals in the archive that the journal does not know (from before it existed) follow, by
file time. The old database file is never deleted: it is renamed aside. What the office typed in
the master is read back from it at the next master rebuild.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from automation.config import Settings
from automation.errors import FolderError
from automation.intake import journal
from automation.intake.journal import Entry
from automation.intake.pipeline import Intake
from automation.privacy import load_secret
from automation.store import Outcome, Store, Submission, now_text

log = logging.getLogger(__name__)
GROUP = 200  # files stored per transaction


@dataclass
class RebuildReport:
    moved_aside: list[Path]
    counts: dict[str, int] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)  # in the journal, not in the archive
    unlisted: int = 0  # in the archive, not in the journal


def _archived(archive: Path) -> list[Path]:
    return [
        p
        for p in archive.rglob("*")
        if p.is_file() and p.parent != archive and not p.name.startswith(".") and " " in p.name
    ]


def _plan(settings: Settings) -> tuple[list[tuple[Path | None, Entry]], list[str], int]:
    archive = settings.paths.archive
    entries = journal.read(settings.paths.journal)
    known = {e.archive for e in entries}
    plan: list[tuple[Path | None, Entry]] = []
    missing = []
    for entry in entries:
        path = archive / entry.archive
        if entry.purged is not None:  # its original went at a purge; the journal has what the store kept
            plan.append((None, entry))
        elif path.is_file():
            plan.append((path, entry))
        else:
            missing.append(f"{entry.name} ({entry.at})")
    unlisted = sorted(
        (p for p in _archived(archive) if p.relative_to(archive).as_posix() not in known),
        key=lambda p: (p.stat().st_mtime, p.name),
    )
    for path in unlisted:
        at = dt.datetime.fromtimestamp(path.stat().st_mtime).replace(microsecond=0)
        name = path.name.split(" ", 1)[1]
        plan.append((path, Entry(0, now_text(at), name, "", path.relative_to(archive).as_posix())))
    return plan, missing, len(unlisted)


def _restore(store: Store, entry: Entry, *, run_id: int | None) -> tuple[Outcome, int]:
    """A purged file: its submission and record as the purge left them, under the same number."""
    info = entry.purged or {}
    regnr = info.get("regnr")
    sub = Submission(
        received_at=entry.at,
        original_name=entry.name,
        inbox_path="",
        sha256=entry.sha256,
        size=0,
        archive_path=entry.archive,
        form_id=info.get("form_id"),
        form_version=info.get("form_version"),
        outcome=Outcome(info.get("outcome", Outcome.REJECTED)),
        kind=info.get("kind"),
        reasons="Persoonsgegevens verwijderd na de bewaartermijn.",
        content_key=info.get("content_key"),
        rejected_path=None,
    )
    sub_id = store.add_submission(sub, run_id=run_id, regnr=regnr)
    record = info.get("record")
    if regnr:
        store.claim_regnr(regnr)
        if record and store.record(regnr) is None:
            store.insert_record(
                regnr=regnr,
                form_id=record["form_id"],
                school=record["school"],
                event_date=record["event_date"],
                data=record["data"],
                submission_id=sub_id,
                at=record["created_at"],
            )
    store.mark_finished(sub_id)
    return sub.outcome, sub_id


def _move_aside(database: Path, moment: dt.datetime) -> list[Path]:
    moved = []
    for suffix in ("", "-wal", "-shm"):
        source = database.with_name(database.name + suffix)
        if source.exists():
            target = database.with_name(f"{database.name}.vervangen-{moment:%Y%m%d-%H%M%S}{suffix}")
            os.replace(source, target)
            moved.append(target)
    return moved


def rebuild(
    settings: Settings,
    *,
    now: Callable[[], dt.datetime] = dt.datetime.now,
    progress: Callable[[int, int], None] | None = None,
) -> RebuildReport:
    paths = settings.paths
    if not paths.archive.is_dir():
        raise FolderError(
            f"Het archief {paths.archive} is er niet; zonder archief kan de database niet worden herbouwd."
        )
    plan, missing, unlisted = _plan(settings)
    moment = now().replace(microsecond=0)
    report = RebuildReport(moved_aside=_move_aside(paths.database, moment), missing=missing, unlisted=unlisted)
    paths.master_stamp.unlink(missing_ok=True)  # read the office's notes back from the master next time
    store = Store.open(paths.database, create=True, durable=False)
    try:
        intake = Intake(settings, store, secret=load_secret(paths.secret), now=now)
        intake.run_id = store.start_run("rebuild", now_text(moment))
        written: list[Entry] = []
        for start in range(0, len(plan), GROUP):
            with store.transaction():
                for path, entry in plan[start : start + GROUP]:
                    if path is None:
                        outcome, sub_id = _restore(store, entry, run_id=intake.run_id)
                        sha = entry.sha256
                    else:
                        received = dt.datetime.fromisoformat(entry.at)
                        outcome, sub_id, sha = intake.replay(
                            path, name=entry.name, received=received, rejected=entry.rejected
                        )
                    report.counts[outcome] = report.counts.get(outcome, 0) + 1
                    written.append(
                        Entry(sub_id, entry.at, entry.name, sha, entry.archive, entry.rejected, entry.purged)
                    )
            if progress:
                progress(min(start + GROUP, len(plan)), len(plan))
        store.flush()
        journal.rewrite(paths.journal, written)
        message = (
            f"Database herbouwd uit het archief: {len(written)} bestanden opnieuw verwerkt"
            + (f"; {len(missing)} uit het register ontbraken in het archief" if missing else "")
            + (f"; {unlisted} zonder registerregel (op bestandstijd)" if unlisted else "")
            + (
                f". De oude database staat ernaast: {', '.join(p.name for p in report.moved_aside)}"
                if report.moved_aside
                else ""
            )
            + "."
        )
        store.add_event(
            at=now_text(moment), kind="herbouwd", name=paths.database.name, message=message, run_id=intake.run_id
        )
        store.finish_run(intake.run_id, at=now_text(now()), counts=report.counts)
        log.info(message)
    finally:
        store.close()
    return report
