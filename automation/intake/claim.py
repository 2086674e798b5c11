"""Taking files out of the inbox and keeping them.

A group of files is claimed (renamed into the hidden staging folder beside the inbox), read and kept
in the content-addressed archive; if the group is not stored, `Claims.undo` puts every file back and
removes the new archive entries. After an interruption, `recover` finishes what was stored and puts
back what was claimed but not stored.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

from automation.config import Paths
from automation.errors import ArchiveDamaged, NotReady, explain_os_error
from automation.intake import files
from automation.intake.journal import Entry
from automation.store import Store, now_text

log = logging.getLogger(__name__)


class Claims:
    """The files one group took from the inbox and the archive entries it made."""

    def __init__(self, paths: Paths) -> None:
        self.paths = paths
        self.claimed: list[Path] = []
        self.fresh: list[Path] = []  # archive entries this group made

    def take(self, path: Path) -> Path | None:
        """The file, renamed out of the inbox; None when it is gone or still open in the program
        that writes it (Windows)."""
        try:
            mine = files.claim(path, self.paths.staging)
        except OSError:
            return None
        self.claimed.append(mine)
        return mine

    def give_back(self, mine: Path) -> None:
        """Put a claimed file back in the inbox (perhaps still being written)."""
        self.claimed.remove(mine)
        files.unclaim(mine, self.paths.inbox)

    def keep(self, mine: Path, *, sha: str, name: str, data: bytes | None) -> Path:
        """Keep the original in the archive (idempotent: the same bytes are kept once). Not flushed
        here: the intake flushes the group's copies at once (`files.make_durable`) before its commit,
        and releases no inbox file before that commit."""
        kept, new = files.keep_in_archive(self.paths.archive, sha, name, mine, data, fsync=False)
        if new:
            self.fresh.append(kept)
        return kept

    def undo(self) -> None:
        """After a rollback: nothing of the group was stored, so nothing of it may look kept."""
        for entry in self.fresh:  # read-only: removed the way any archive entry is
            try:
                files.remove_entry(entry)
            except OSError as exc:  # stays as an entry without a record: harmless, content-addressed
                log.error("Kon de nieuwe archiefkopie %s niet verwijderen (%s).", entry.name, explain_os_error(exc))
        for path in self.claimed:
            try:
                if path.exists():
                    files.unclaim(path, self.paths.inbox)
            except OSError:
                log.exception("Kon %s niet terugzetten in de inbox; de volgende ronde doet het.", path.name)


def read(path: Path, *, max_bytes: int) -> tuple[bytes | None, str, int]:
    """The file's bytes (None when too large to be a form), SHA-256 and size."""
    try:
        with open(path, "rb", buffering=0) as handle:  # one open: its size from the handle
            size = os.fstat(handle.fileno()).st_size
            if size > max_bytes:  # never read a huge file into memory
                return None, hashlib.file_digest(handle, "sha256").hexdigest(), size
            data = handle.readall()
    except (FileNotFoundError, PermissionError) as exc:  # gone, or still open on Windows
        raise NotReady() from exc
    return data, hashlib.sha256(data).hexdigest(), len(data)


def journal_entry(
    paths: Paths, *, sub_id: int, at: str, name: str, sha: str, kept: Path, rejected: str | None
) -> Entry:
    """The archive journal's line for a kept file: when and under what name it arrived."""
    archive = kept.relative_to(paths.archive).as_posix()
    return Entry(id=sub_id, at=at, name=name, sha256=sha, archive=archive, rejected=rejected)


def recover(
    paths: Paths,
    store: Store,
    *,
    finish: Callable[[sqlite3.Row], None],
    damaged: dict[int, ArchiveDamaged] | None = None,
) -> int:
    """Finish what an interrupted run stored but did not complete (`finish` for each submission),
    and put files it had claimed but not stored back in the inbox. Returns how many were finished.

    Only acts on positive evidence: when the inbox itself is not there (a network share not yet
    connected), nothing is touched and nothing is marked finished.

    A submission whose archived original no longer has its SHA-256 (needed to hand it back) is left
    unfinished, logged, written to the Logboek once (`damaged` remembers it across rounds) and
    collected in `damaged`; the other submissions are finished all the same."""
    if not paths.inbox.is_dir():
        return 0
    done = 0
    referenced: set[Path] = set()
    for row in store.unfinished():
        if row["inbox_path"]:
            referenced.add(paths.resolve(row["inbox_path"]))  # stored relative to the working folder
        try:
            finish(row)
        except ArchiveDamaged as exc:
            log.error("Kan %s niet afmaken: %s", row["original_name"], exc.message)
            if damaged is not None and row["id"] not in damaged:
                damaged[row["id"]] = exc
                store.add_event(
                    at=now_text(dt.datetime.now()),
                    kind="archief-beschadigd",
                    name=row["original_name"],
                    message=exc.message,
                )
            continue
        except OSError as exc:  # e.g. disk full, read-only outbox: leave it for the next round
            log.error(
                "Kon %s nog niet afmaken: %s; de volgende ronde opnieuw.", row["original_name"], explain_os_error(exc)
            )
            continue
        done += 1
    staging = paths.staging
    for leftover in sorted(staging.iterdir()) if staging.is_dir() else []:
        if leftover in referenced or not leftover.is_file() or leftover.name.startswith("."):
            continue
        try:
            back = files.unclaim(leftover, paths.inbox)
            log.info("Teruggezet in de inbox na onderbreking: %s", back.name)
        except OSError as exc:
            log.error("Kon %s niet terugzetten in de inbox (%s).", leftover.name, exc)
    files.remove_if_empty(staging)
    return done
