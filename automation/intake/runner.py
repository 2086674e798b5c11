"""One pass over the inbox, and the watcher loop built from the same parts.

Small testable parts: the filter (files.is_ignored), the stability tracker, `Intake.handle` (one
file, never lets a bad file stop the loop), and a loop with a stop event so tests can end it.
"""

from __future__ import annotations

import datetime as dt
import logging
import queue
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from filelock import FileLock, Timeout
from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.polling import PollingObserver

from automation.config import Settings
from automation.errors import AlreadyRunning, FolderError, StoreError, explain_os_error
from automation.intake import files, journal, leftovers, office, tidy
from automation.intake.pipeline import WAITING, Counts, Intake, scan_ignored
from automation.privacy import load_secret
from automation.store import Store, now_text

if TYPE_CHECKING:
    from automation.documents.refresh import PlanRefresher
    from automation.excel.publish import MasterKeeper, MasterPublisher

log = logging.getLogger(__name__)

BATCH = 50  # files per database commit


@contextmanager
def working_folder_lock(settings: Settings) -> Iterator[None]:
    """One watcher or run per working folder. The OS releases the lock if the process dies."""
    settings.paths.state.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(settings.paths.lock), timeout=0)
    try:
        lock.acquire()
    except Timeout:
        raise AlreadyRunning(
            f"Er draait al een watcher of verwerking voor deze werkmap ({settings.paths.root}). "
            "Stop die eerst, of wacht tot de verwerking klaar is."
        ) from None
    try:
        yield
    finally:
        lock.release()


def refuse_lost_database(settings: Settings) -> None:
    """A missing database while the archive has files: a fresh one would number from 0001 again and
    forget every registration, so every command refuses (exit code 5) and points at the fix."""
    paths = settings.paths
    if not paths.database.exists() and journal.has_entries(paths.journal):
        raise StoreError(
            f"De database {paths.database} ontbreekt, maar het archief bevat al ontvangen bestanden. "
            "Zet een reservekopie van de database terug, of herbouw hem uit het archief met "
            "'veiligheid rebuild'."
        )


SEALED = "archief-eigen-kopieen"  # marks that the archive's entries are its own read-only copies


def seal_once(settings: Settings) -> None:
    """Entries an earlier version kept as hard links to the dropped file get their own read-only
    copy, once per working folder (a mark in `.veiligheid/` says it was done)."""
    mark = settings.paths.state / SEALED
    if mark.exists() or not settings.paths.archive.is_dir():
        return
    changed = files.seal_archive(settings.paths.archive)
    if changed:
        log.info("%d archiefbestand(en) van een eerdere versie kregen hun eigen alleen-lezen kopie.", changed)
    mark.write_text("De archiefbestanden zijn eigen, alleen-lezen kopieën.\n", encoding="utf-8")


def remember_numbers(settings: Settings, store: Store) -> None:
    """Paths an older version stored absolute become relative to the working folder (once); a new
    database numbers after every number the confirmations and the archive's register name, so a
    database lost together with its archive never gives a number twice."""
    paths = settings.paths
    converted = paths.state / PATHS_RELATIVE
    if not converted.exists():
        store.relative_paths(paths.root)
        converted.write_text("De paden in de database zijn relatief aan de werkmap.\n", encoding="utf-8")
    highest = journal.read_numbers(paths.archive)  # a database put back from an older backup
    if store.last_submission_id() == 0:
        highest = journal.highest_of(highest, journal.high_water(journal.numbers_given(paths)))
    if any(store.counters().get(series, 0) < last for series, last in highest.items()):
        with store.transaction():
            store.claim_numbers(highest)


PATHS_RELATIVE = "paden-relatief"  # marks that the database's paths were made relative (once)


def ensure_folders(settings: Settings) -> None:
    """The inbox must be there (it is often a network share: never create a stand-in for it);
    the archive must be there when the database holds files (a share not connected: never start an
    empty one); the product's own folders are made when missing."""
    p = settings.paths
    journal.refuse_lost_archive(p)
    if not p.inbox.is_dir():
        raise FolderError(
            f"De inbox {p.inbox} bestaat niet of is geen map. Is de netwerkschijf verbonden? "
            "Maak de map anders aan met 'veiligheid init'."
        )
    for folder in (p.outbox, p.rejected, p.archive, p.data, p.logs):
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise FolderError(f"Kan de map {folder} niet maken of openen: {exc.strerror}") from exc
    try:
        next(iter(files.candidates(p.inbox)), None)
    except OSError as exc:
        raise FolderError(f"Kan de inbox {p.inbox} niet lezen: {exc.strerror}") from exc


@dataclass
class Runner:
    settings: Settings
    store: Store
    intake: Intake
    now: Callable[[], dt.datetime]
    backoff: dict[Path, tuple[int, float]] = field(default_factory=dict)  # failures, next try

    @classmethod
    def open(cls, settings: Settings, *, now: Callable[[], dt.datetime] = dt.datetime.now) -> Runner:
        ensure_folders(settings)
        refuse_lost_database(settings)
        paths = settings.paths
        tidy.clear_half_written([paths.outbox, paths.state])  # the archive's: at a rebuild (it walks it anyway)
        seal_once(settings)
        store = Store.open(settings.paths.database, create=True, durable=settings.board.intake.fsync)
        try:
            remember_numbers(settings, store)
        except BaseException:
            store.close()
            raise
        intake = Intake(settings, store, secret=load_secret(settings.paths.secret), now=now)
        return cls(settings, store, intake, now)

    def close(self) -> None:
        self.store.close()

    def hand_back_pending(self) -> int:
        """How many stored files still wait for their confirmation or hand-back; when files of this
        pass could not be handed back, one line says so (the details are in the log)."""
        problems = self.intake.take_not_handed_back()
        if problems:
            log.error(
                "%d opgeslagen bestand(en) nog niet teruggegeven aan de afzender (bevestiging, of afgewezen "
                "bestand met uitleg): %s. Er is niets verloren; de volgende verwerking maakt het af.",
                len(problems),
                explain_os_error(problems[0]),
            )
        return self.store.count_unfinished()

    # --- one pass ----------------------------------------------------------------------------
    def handle_ready(
        self,
        tracker: files.StabilityTracker,
        paths: list[Path],
        counts: Counts,
        *,
        on_file: Callable[[], None] | None = None,
    ) -> list[Path]:
        """Handle every stable file among `paths` (in groups, one commit each); return the rest."""
        paths = [p for p in paths if _regular_file(p)]  # events also name folders and links
        now = time.monotonic()
        waiting = {p for p in paths if self.backoff.get(p, (0, 0.0))[1] > now or not tracker.observe(p)}
        pending = [p for p in paths if p in waiting]
        ready = [p for p in paths if p not in waiting]
        if ready:
            journal.refuse_lost_archive(self.settings.paths, running=True)  # a share gone while we run
        for start in range(0, len(ready), BATCH):
            group = ready[start : start + BATCH]
            for path, outcome in zip(group, self._handle_group(tracker, group), strict=True):
                if outcome == WAITING:
                    pending.append(path)
                elif outcome is not None:
                    tracker.forget(path)
                    self.backoff.pop(path, None)
                    counts.add(outcome)
                    if on_file is not None:
                        on_file()
        return pending

    def _handle_group(self, tracker: files.StabilityTracker, group: list[Path]) -> list[str | None]:
        """Outcomes for a group; a group that fails is retried file by file, so one bad file
        never holds up the others and never stops the loop (None: leave it for the next scan)."""
        try:
            return list(self.intake.handle_many([(p, tracker.stable_for(p)) for p in group]))
        except Exception as exc:
            if isinstance(exc, (OSError, sqlite3.OperationalError)):
                log.error(
                    "Verwerken van een groep bestanden mislukt (%s); ze worden los opnieuw geprobeerd.",
                    explain_os_error(exc),
                )
            if len(group) == 1:
                return [self._handle_alone(tracker, group[0])]
        return [self._handle_alone(tracker, path) for path in group]

    def _handle_alone(self, tracker: files.StabilityTracker, path: Path) -> str | None:
        try:
            return self.intake.handle(path, stable_for=tracker.stable_for(path))
        except (OSError, sqlite3.OperationalError) as exc:  # disk or database full, share gone, read-only
            failures = self.backoff.get(path, (0, 0.0))[0] + 1
            delay = min(300.0, 2.0**failures)
            self.backoff[path] = (failures, time.monotonic() + delay)
            log.error(
                "Kon %s nu niet verwerken: %s. Het origineel blijft bewaard (in de inbox of, als het al is "
                "opgeslagen, in het archief) en wordt afgemaakt zodra het weer kan (opnieuw over %.0f s).",
                path.name,
                explain_os_error(exc),
                delay,
            )
            return WAITING
        except Exception:  # a bug: the file stays in the inbox until the next full scan
            log.exception("Fout bij het verwerken van %s; het blijft in de inbox.", path.name)
            tracker.forget(path)
            return None

    def process_once(
        self,
        *,
        command: str = "process",
        wait_limit: float | None = None,
        progress: Callable[[int, int], None] | None = None,
        master: MasterPublisher | None = None,
    ) -> Counts:
        """Handle everything in the inbox, waiting (bounded) for files still being written; then,
        with `master`, bring the master workbook up to date. A file that had settled before the run
        started is taken at its second look, a moment later (`files.StabilityTracker`).

        `progress(done, total)` is called after each file (for a progress display)."""
        cfg = self.settings.board.intake
        limit = wait_limit if wait_limit is not None else cfg.stabiel_seconden + cfg.beschadigd_na_seconden + 5
        started = files.filesystem_now(self.settings.paths.inbox)  # files that settled before this: at once
        run_id = self.store.start_run(command, now_text(self.now()))
        self.intake.run_id = run_id
        counts = Counts()
        counts.recovered = self.intake.recover()
        tracker = files.StabilityTracker(cfg.stabiel_seconden, settled_before=started)
        deadline = time.monotonic() + limit
        pending = list(files.candidates(self.settings.paths.inbox))
        done, total = 0, len(pending)

        def tick() -> None:
            nonlocal done
            done += 1
            if progress is not None:
                progress(done, max(total, done))

        while True:
            pending = self.handle_ready(tracker, pending, counts, on_file=tick)
            if not pending or time.monotonic() >= deadline:
                break
            time.sleep(min(0.25, max(0.02, cfg.stabiel_seconden / 4)))
            pending = list(files.candidates(self.settings.paths.inbox))
        counts.waiting = len(pending)
        counts.ignored = scan_ignored(self.settings.paths.inbox)
        leftovers.tell(self.settings, now=self.now())
        counts.hand_back_pending = self.hand_back_pending()
        if master is not None:
            counts.master_failed = not master.refresh(run_id=run_id, changed=counts.changed)
        self.store.finish_run(run_id, at=now_text(self.now()), counts=counts.as_dict())
        return counts


class _Events(FileSystemEventHandler):
    def __init__(self, inbox: Path, sink: queue.SimpleQueue[Path]) -> None:
        self.inbox = inbox
        self.sink = sink

    def on_any_event(self, event: FileSystemEvent) -> None:
        for raw in (event.src_path, getattr(event, "dest_path", "")):
            if not raw:
                continue
            path = Path(str(raw))
            if path.parent == self.inbox and not files.is_ignored(path.name):
                self.sink.put(path)


def watch(
    runner: Runner,
    *,
    stop: threading.Event,
    poll: float | None = None,
    on_pass: Callable[[Counts], None] | None = None,
    plans: PlanRefresher | None = None,
    master: MasterKeeper | None = None,
    restart: Callable[[], bool] | None = None,
) -> None:
    """Watch the inbox until `stop` is set, or until `restart()` says to start again (the config
    changed and is valid): events (or polling), plus a periodic full rescan.
    With `master`, the master workbook is rebuilt after every change (and a dated copy swapped in
    once Excel lets go of the master); with `plans`, a school's veiligheidsplan is made again once
    its data changed (debounced)."""
    settings = runner.settings
    cfg = settings.board.intake
    inbox = settings.paths.inbox
    events: queue.SimpleQueue[Path] = queue.SimpleQueue()
    observer = PollingObserver(timeout=poll) if poll else Observer()
    observer.schedule(_Events(inbox, events), str(inbox), recursive=False)
    observer.start()
    tracker = files.StabilityTracker(cfg.stabiel_seconden)
    run_id = runner.store.start_run("watch", now_text(runner.now()))
    runner.intake.run_id = run_id
    total = Counts()
    total.recovered = runner.intake.recover()
    pending: set[Path] = set(files.candidates(inbox))  # files already there at start-up
    next_rescan = time.monotonic() + cfg.herscan_seconden
    tick = min(0.5, max(0.05, cfg.stabiel_seconden / 4))
    log.info("Watcher gestart op %s (%s)", inbox, f"polling elke {poll:g} s" if poll else "bestandsgebeurtenissen")
    if plans is not None:
        plans.notice(runner.store, today=runner.now().date())
    office.watcher_started(settings)  # `veiligheid registratie …` may leave its requests now
    leftovers.tell(settings, now=runner.now())  # the first Overzicht shows today's list
    if master is not None:
        master.refresh(run_id=run_id, changed=total.recovered > 0)
    taken = master.taken if master is not None else 0
    try:
        while not stop.is_set():
            if restart is not None and restart():
                break
            while True:
                try:
                    pending.add(events.get_nowait())
                except queue.Empty:
                    break
            if time.monotonic() >= next_rescan:
                # finish what failed earlier (disk full, share gone); a new day also needs a
                # rebuild, because open actions and milestones depend on the date
                recovered = runner.intake.recover()
                leftovers.tell(settings, now=runner.now())
                total.hand_back_pending = runner.hand_back_pending()
                if master is not None:
                    master.refresh(run_id=run_id, changed=recovered > 0)
                pending.update(files.candidates(inbox))
                next_rescan = time.monotonic() + cfg.herscan_seconden
                if plans is not None:  # also notices templates the office changed
                    plans.notice(runner.store, today=runner.now().date())
            counts = Counts()
            if pending:
                still = runner.handle_ready(tracker, _oldest_first(pending), counts)
                pending = {p for p in still if p.exists()}
            # `veiligheid registratie …` while the watcher runs: the office's actions, from its request folder
            # (by the master's own thread when it has one: all office actions in one thread, one by one)
            office_changed = False
            if master is None or not master.takes_requests:
                office_changed = office.take_requests(runner.store, settings, run_id=run_id, now=runner.now) > 0
            if master is not None:
                master.tick(run_id=run_id, changed=counts.changed or office_changed)
                if master.taken != taken:  # typed in the master (read back, also in another thread): plans follow
                    office_changed, taken = True, master.taken
            if counts.changed:
                for name in ("accepted", "rejected", "duplicates"):
                    setattr(total, name, getattr(total, name) + getattr(counts, name))
                total.hand_back_pending = counts.hand_back_pending = runner.hand_back_pending()
                runner.store.finish_run(run_id, at=now_text(runner.now()), counts=total.as_dict())
                if on_pass is not None:
                    on_pass(counts)
            if plans is not None:
                plans.tick(runner.store, today=runner.now().date(), changed=counts.changed or office_changed)
            stop.wait(tick)
    finally:
        office.watcher_stopped(settings)
        observer.stop()
        observer.join(timeout=5)
        total.waiting = len(pending)
        total.hand_back_pending = runner.hand_back_pending()
        runner.store.finish_run(run_id, at=now_text(runner.now()), counts=total.as_dict())
        log.info("Watcher gestopt.")


def _regular_file(path: Path) -> bool:
    try:
        return path.is_file() and not path.is_symlink()
    except OSError:
        return False


def _oldest_first(paths: set[Path]) -> list[Path]:
    def key(path: Path) -> tuple[int, str]:
        try:
            return (path.stat().st_mtime_ns, path.name)
        except OSError:
            return (0, path.name)

    return sorted(paths, key=key)
