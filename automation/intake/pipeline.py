"""Process dropped files: claim → read → decide → keep → register → hand back.

The steps live in their own modules: `claim` (inbox, archive, recovery), `decide` and
`recognisers` (what a file is and what happens to it), `register` (submission, number, record) and
`handback` (confirmation, or the original back with its explanation). `Intake` composes them.

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
import hashlib
import logging
import os
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from automation.config import STAGING_NAME, Settings
from automation.errors import ArchiveDamaged, NotReady, explain_os_error
from automation.intake import claim, faults, files, notify
from automation.intake import journal as received_journal
from automation.intake.claim import Claims
from automation.intake.decide import Decision, Dropped, content_key, damaged_file, decide, too_large
from automation.intake.handback import Handback, Stored
from automation.intake.outcome import WAITING, Handled
from automation.intake.recognisers import recognisers
from automation.intake.register import register
from automation.store import Outcome, Store

__all__ = ["WAITING", "Counts", "Intake", "content_key", "scan_ignored"]

log = logging.getLogger(__name__)


@dataclass
class Counts:
    """What a run did. A file counts by what was stored for it (accepted, rejected, duplicate) even
    when what goes back to staff could not be written yet: `hand_back_pending` says how many stored
    files still wait for their confirmation or their hand-back (the next run finishes them)."""

    accepted: int = 0
    rejected: int = 0
    duplicates: int = 0
    ignored: int = 0
    waiting: int = 0
    recovered: int = 0
    hand_back_pending: int = 0
    master_failed: bool = False

    def add(self, outcome: str) -> None:
        if outcome == Outcome.ACCEPTED:
            self.accepted += 1
        elif outcome == Outcome.REJECTED:
            self.rejected += 1
        elif outcome == Outcome.DUPLICATE:
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
            "hand_back_pending": self.hand_back_pending,
        }


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
        self.now = now
        self.run_id: int | None = None
        cfg = settings.board.intake
        self.max_bytes = int(cfg.max_bestandsgrootte_mb * 1024 * 1024)
        self.damaged_after = cfg.beschadigd_na_seconden
        self.fsync = cfg.fsync
        self.recognisers = recognisers(settings, store, secret=secret, max_bytes=self.max_bytes)
        self.damaged: dict[int, ArchiveDamaged] = {}  # submissions that cannot be finished: archive changed
        self.handback = Handback(settings, store, judge=self.judge, max_bytes=self.max_bytes)
        self.not_handed_back: list[OSError] = []  # since the runner last asked (`take_not_handed_back`)

    def recover(self) -> int:
        """Finish what an interrupted run stored but did not complete; see `claim.recover`."""
        return claim.recover(self.settings.paths, self.store, finish=self.handback.finish_row, damaged=self.damaged)

    def handle(self, path: Path, *, stable_for: float) -> Handled:
        """Process one complete-looking file. Returns the outcome, or WAITING to retry later."""
        return self.handle_many([(path, stable_for)])[0]

    def handle_many(self, items: Sequence[tuple[Path, float]]) -> list[Handled]:
        """Process several files with one database commit (group commit); outcomes in order.

        Each file is claimed (renamed out of the inbox), judged, kept in the archive and stored
        inside one transaction; the archive is made durable before the commit; only after the
        commit are claimed files removed or handed back. If the group fails, its files go back to
        the inbox and the new archive entries are removed; after a crash `recover` does the same.
        """
        outcomes: list[Handled] = [WAITING] * len(items)
        stored: list[tuple[int, Stored]] = []
        paths = self.settings.paths
        claims = Claims(paths)
        try:
            with self.store.transaction():
                for index, (path, stable_for) in enumerate(items):
                    item = self._store_one(path, stable_for=stable_for, claims=claims)
                    if item is not None:
                        stored.append((index, item))
                if stored:
                    received_journal.append(paths.journal, [self._journal_entry(item) for _, item in stored])
                    numbers = received_journal.note_numbers(
                        paths.archive, [item.registered.regnr for _, item in stored if item.registered.regnr]
                    )
                if self.fsync and stored:
                    files.make_durable([item.kept for _, item in stored] + [paths.journal, numbers])
        except BaseException:
            claims.undo()
            files.remove_if_empty(paths.staging)  # no trace of our work in the staff's folder
            raise
        faults.point("committed")
        received_journal.mark_committed(paths.journal, [item.registered.id for _, item in stored])
        for index, item in stored:
            outcomes[index] = item.decision.outcome  # stored, whatever becomes of its hand-back
            if self._finish(item):
                faults.point("finished")
        files.remove_if_empty(paths.staging)  # staff see no trace of our work
        return outcomes

    def _finish(self, item: Stored) -> bool:
        """Hand back a stored file; on a disk or folder problem (a read-only or full outbox) it stays
        unfinished, and `recover` finishes it in the next run exactly as it would have been now."""
        try:
            self.handback.finish(item)
        except OSError as exc:
            self.not_handed_back.append(exc)
            log.info(
                "Opgeslagen, maar nog niet teruggegeven: %s (%s, %s): %s (%r)",
                item.name,
                item.decision.outcome,
                item.registered.regnr or "geen nummer",
                explain_os_error(exc),
                exc,
            )
            return False
        return True

    def take_not_handed_back(self) -> list[OSError]:
        """The disk or folder problems that kept stored files from being handed back since the last call."""
        taken, self.not_handed_back = self.not_handed_back, []
        return taken

    def judge(self, data: bytes | None, *, sha: str, name: str, received: dt.datetime) -> Decision:
        """The decision for these bytes as if they arrived at `received` (a file that stays unreadable is
        damaged): what the intake decided, and what a later hand-back decides again from the archive."""
        try:
            return self._decide(data, sha=sha, name=name, received=received)
        except NotReady:
            return damaged_file()

    def replay(
        self,
        kept: Path,
        *,
        name: str,
        received: dt.datetime,
        rejected: str | None,
        sha256: str | None = None,
        number: str | None = None,
        avoid: Collection[str] = (),
    ) -> tuple[Outcome, int, str]:
        """Store one archived original as if it arrived at `received` (for `veiligheid rebuild`):
        judged and stored like any file, inside the caller's transaction; nothing is moved and
        nobody is told again. Returns the outcome, the submission's number and the hash.

        With `sha256` (the hash it was received with) the archived bytes are checked first: an
        original changed since it arrived raises `ArchiveDamaged`, never becomes a rejection.
        `number` and `avoid` go to `register` (the number it was given before; numbers given to
        other files)."""
        size = kept.stat().st_size
        if sha256 is not None:
            data = files.read_verified(kept, sha256, max_bytes=self.max_bytes)
            sha = sha256
        else:
            data = kept.read_bytes() if size <= self.max_bytes else None
            sha = hashlib.sha256(data).hexdigest() if data is not None else files.sha256_of(kept)
        decision = self.judge(data, sha=sha, name=name, received=received)
        registered = register(
            self.store,
            decision,
            name=name,
            inbox_path="",
            sha=sha,
            size=size,
            kept=kept,
            received=received,
            rejected=rejected,
            run_id=self.run_id,
            paths=self.settings.paths,
            number=number,
            avoid=avoid,
        )
        self.store.mark_finished(registered.id, rejected_path=registered.submission.rejected_path)
        return decision.outcome, registered.id, sha

    def _store_one(self, path: Path, *, stable_for: float, claims: Claims) -> Stored | None:
        """Claim, judge, keep and store one file (inside the caller's transaction).

        Returns what to hand back after the commit, or None when the file must wait."""
        mine = claims.take(path)
        if mine is None:
            return None
        name = files.readable_name(path.name)  # a name that is not UTF-8 (an old share) as storable text
        try:
            data, sha, size = claim.read(mine, max_bytes=self.max_bytes)
        except NotReady:
            claims.give_back(mine)
            return None
        received = self.now().replace(microsecond=0)
        try:
            decision = self._decide(data, sha=sha, name=name, received=received)
        except NotReady:
            if stable_for < self.damaged_after:
                claims.give_back(mine)  # perhaps still being written
                return None
            decision = damaged_file()
        kept = claims.keep(mine, sha=sha, name=name, data=data)
        faults.point("archived")
        rejected = None
        if decision.outcome is Outcome.REJECTED:
            target = self.handback.rejected_target(name, decision.school, confidential=decision.confidential)
            rejected = str(target)
        registered = register(
            self.store,
            decision,
            name=name,
            inbox_path=str(mine),
            sha=sha,
            size=size,
            kept=kept,
            received=received,
            rejected=rejected,
            run_id=self.run_id,
            paths=self.settings.paths,
        )
        notify.stored(
            self.store, self.settings, decision, regnr=registered.regnr, received=received
        )  # in this transaction
        faults.point("stored")
        return Stored(name, mine, data, sha, registered, decision, received, kept)

    def _decide(self, data: bytes | None, *, sha: str, name: str, received: dt.datetime) -> Decision:
        if data is None:
            return too_large(self.settings.board.intake.max_bestandsgrootte_mb)
        return decide(
            Dropped(data, name, sha, received), self.recognisers, store=self.store, choices=self.settings.choices
        )

    def _journal_entry(self, item: Stored) -> received_journal.Entry:
        """The archive's register line: also the number the file was given, so a rebuild gives it back."""
        sub = item.registered.submission
        entry = claim.journal_entry(
            self.settings.paths,
            sub_id=item.registered.id,
            at=sub.received_at,
            name=item.name,
            sha=item.sha,
            kept=item.kept,
            rejected=sub.rejected_path,
        )
        return replace(entry, regnr=item.registered.regnr)


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
