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
from automation.store import Store, now_text

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


def _plan(settings: Settings) -> tuple[list[tuple[Path, Entry]], list[str], int]:
    archive = settings.paths.archive
    entries = journal.read(settings.paths.journal)
    known = {e.archive for e in entries}
    plan: list[tuple[Path, Entry]] = []
    missing = []
    for entry in entries:
        path = archive / entry.archive
        if path.is_file():
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
        raise FolderError(f"Het archief {paths.archive} is er niet; zonder archief kan de database niet worden herbouwd.")
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
                    received = dt.datetime.fromisoformat(entry.at)
                    outcome, sub_id, sha = intake.replay(path, name=entry.name, received=received, rejected=entry.rejected)
                    report.counts[outcome] = report.counts.get(outcome, 0) + 1
                    written.append(Entry(sub_id, entry.at, entry.name, sha, entry.archive, entry.rejected))
            if progress:
                progress(min(start + GROUP, len(plan)), len(plan))
        store.flush()
        journal.rewrite(paths.journal, written)
        message = (
            f"Database herbouwd uit het archief: {len(written)} bestanden opnieuw verwerkt"
            + (f"; {len(missing)} uit het register ontbraken in het archief" if missing else "")
            + (f"; {unlisted} zonder registerregel (op bestandstijd)" if unlisted else "")
            + (f". De oude database staat ernaast: {', '.join(p.name for p in report.moved_aside)}" if report.moved_aside else "")
            + "."
        )
        store.add_event(
            at=now_text(moment), kind="herbouwd", name=paths.database.name, message=message, run_id=intake.run_id
        )
        store.finish_run(intake.run_id, at=now_text(now()), counts=report.counts)
        log.warning(message)
    finally:
        store.close()
    return report
