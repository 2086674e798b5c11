"""One pass over the inbox, and the watcher loop built from the same parts.

Small testable parts: the filter (files.is_ignored), the stability tracker, `Intake.handle` (one
file, never lets a bad file stop the loop), and a loop with a stop event so tests can end it.
"""

from __future__ import annotations

import datetime as dt
import json
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
from automation.documents.generate import RECORD_NAME as PLANS_RECORD
from automation.documents.generate import plan_dates
from automation.errors import AlreadyRunning, FolderError, StoreError, explain_os_error
from automation.excel import live
from automation.excel.master import REGISTER_FORMS, write_master
from automation.excel.publish import Replace, dated_copies, publish
from automation.excel.read_master import read_office_notes
from automation.forms import FORMS
from automation.intake import files, journal
from automation.intake.pipeline import WAITING, Counts, Intake, scan_ignored
from automation.privacy import load_secret
from automation.store import Store, now_text

if TYPE_CHECKING:
    from automation.documents.refresh import PlanRefresher

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


def ensure_folders(settings: Settings) -> None:
    """The inbox must be there (it is often a network share: never create a stand-in for it);
    the product's own folders are made when missing."""
    p = settings.paths
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
    master_stale: bool = False
    pending_copy: Path | None = None  # a dated copy waiting to replace a locked master
    publish_attempts: int = 5
    publish_pause: float = 1.0
    replace: Replace = field(default=lambda source, target: source.replace(target))
    backoff: dict[Path, tuple[int, float]] = field(default_factory=dict)  # failures, next try

    @classmethod
    def open(cls, settings: Settings, *, now: Callable[[], dt.datetime] = dt.datetime.now) -> Runner:
        ensure_folders(settings)
        refuse_lost_database(settings)
        store = Store.open(settings.paths.database, create=True, durable=settings.board.intake.fsync)
        intake = Intake(settings, store, secret=load_secret(settings.paths.secret), now=now)
        warning = live.startup_warning(enabled=settings.board.overzicht.bijwerken_in_excel)
        if warning:
            log.warning(warning)
        return cls(settings, store, intake, now)

    def close(self) -> None:
        self.store.close()

    # --- the master --------------------------------------------------------------------------
    def rebuild_master(self) -> Path | None:
        """Rebuild the master from the store; if Excel keeps the old one locked, put the new data
        into the open workbook (option `bijwerken_in_excel`) or else write a dated copy beside it
        (and note that in the Logboek). Returns where it went, or None on failure."""
        self.master_stale = True
        master = self.settings.paths.master
        try:
            self.keep_office_notes()
            upto = self.store.last_submission_id()
            tmp = self._write_master(self.now())
            moment = self.now()
            done = publish(
                tmp,
                master,
                moment=moment,
                attempts=self.publish_attempts,
                pause=self.publish_pause,
                replace=self.replace,
            )
            why = ""
            if done.fallback and self.settings.board.overzicht.bijwerken_in_excel:
                outcome = live.update_open_master(done.path, master)
                if outcome.route is live.Route.PUSH:
                    return self._pushed_into_excel(done.path, moment, upto=upto)
                why = f" {outcome.reason}"
            if done.fallback:
                message = (
                    f"{master.name} was geopend (in Excel?) en kon niet worden vervangen; de bijgewerkte "
                    f"versie staat in {done.path.name}. Sluit het bestuursoverzicht: bij de volgende "
                    f"verwerking wordt het weer bijgewerkt en verdwijnt de kopie.{why}"
                )
                log.warning(message)
                self.store.add_event(
                    at=now_text(moment),
                    kind="overzicht in kopie",
                    name=done.path.name,
                    message=message,
                    run_id=self.intake.run_id,
                )
                again = self._write_master(moment)
                self.replace(again, done.path)  # the copy's own Logboek says why it exists
            self.pending_copy = done.path if done.fallback else None
            self.master_stale = False
            self._remember_written(done.path, upto=upto)
            return done.path
        except OSError as exc:  # open in Excel on Windows, disk full, read-only outbox: retried next pass
            log.error("Kon het bestuursoverzicht niet bijwerken (%s); volgende ronde opnieuw.", explain_os_error(exc))
            return None
        except Exception:  # a bug must not stop the intake: the store is intact, the master can wait
            log.exception("Fout bij het maken van het bestuursoverzicht; de verwerking gaat door.")
            return None

    def _pushed_into_excel(self, copy: Path, moment: dt.datetime, *, upto: int) -> Path:
        """The master open in Excel holds the new data and is saved: the dated copy is not needed."""
        master = self.settings.paths.master
        copy.unlink(missing_ok=True)
        message = f"{master.name} was geopend in Excel; de nieuwe gegevens staan in het geopende bestand (opgeslagen)."
        log.info(message)
        self.store.add_event(
            at=now_text(moment), kind="overzicht in Excel", name=master.name, message=message, run_id=self.intake.run_id
        )
        self.keep_office_notes()  # what the office typed in the open workbook is saved in the file now
        self.pending_copy = None
        self.master_stale = False
        self._remember_written(master, upto=upto)
        return master

    def _write_master(self, moment: dt.datetime) -> Path:
        board = self.settings.board
        return write_master(
            self.store,
            self.settings.paths.master,
            schools=self.settings.schools,
            board=board.bestuur,
            generated=moment,
            open_days=board.overzicht.open_dagen,
            deadlines=board.voortgang.deadlines(),
            monitor=board.monitor,
            plans=plan_dates(self.settings),
        )

    def keep_office_notes(self) -> int:
        """Read what the office typed in the current master (and in a dated copy waiting beside
        it, which is newer) into the store, so the rebuild keeps it."""
        master = self.settings.paths.master
        written = self._written_stamps()
        # a file exactly as we wrote it holds nothing new from the office: skip reading it
        sources = [
            p for p in (master, *dated_copies(master)) if p.is_file() and written.get(p.name, [])[:2] != _stamp(p)
        ]
        sources.sort(key=lambda p: p.stat().st_mtime)
        notes: dict[str, tuple[str | None, str | None]] = {}
        registers = [FORMS[f].register for f in REGISTER_FORMS]
        for source in sources:
            notes.update(read_office_notes(source, registers))
        origin = (", ".join(p.name for p in sources), files.sha256_of(sources[-1])) if sources else None
        changed = (
            self.store.save_office_notes(notes, at=now_text(self.now()), source=origin, run_id=self.intake.run_id)
            if notes
            else 0
        )
        if changed:
            log.info("%d notitie(s) of status(sen) van het bestuurskantoor bewaard.", changed)
        return changed

    def _written_stamps(self) -> dict[str, list[int]]:
        try:
            data = json.loads(self.settings.paths.master_stamp.read_text(encoding="utf-8"))
            return {str(k): list(v) for k, v in data.items()}
        except (OSError, ValueError, AttributeError):
            return {}

    def _written_upto(self, name: str) -> int | None:
        """The last received file included in the master `name` as we wrote it (None if unknown)."""
        recorded = self._written_stamps().get(name, [])
        return recorded[2] if len(recorded) == 3 else None

    def _remember_written(self, path: Path, *, upto: int) -> None:
        """Note size and time of a master we wrote, and the last received file it includes."""
        stamps = {k: v for k, v in self._written_stamps().items() if (path.parent / k).exists()}
        stamps[path.name] = [*_stamp(path), upto]
        self.settings.paths.master_stamp.parent.mkdir(parents=True, exist_ok=True)
        self.settings.paths.master_stamp.write_text(json.dumps(stamps), encoding="utf-8")

    def promote_copy(self) -> bool:
        """Try to put the waiting dated copy in place of the (no longer locked?) master."""
        if self.pending_copy is None:
            return False
        if not self.pending_copy.exists():
            self.pending_copy = None
            return False
        master = self.settings.paths.master
        try:
            self.replace(self.pending_copy, master)
        except PermissionError:
            return False
        log.info("Het bestuursoverzicht is weer bijgewerkt; de kopie %s is opgeruimd.", self.pending_copy.name)
        self._remember_written(master, upto=self._written_upto(self.pending_copy.name) or 0)
        for old in dated_copies(master):
            old.unlink(missing_ok=True)
        self.pending_copy = None
        return True

    def master_out_of_date(self) -> bool:
        """Missing, waiting for a dated copy to replace it, lacking files received since it was
        written (a rebuild that failed, e.g. locked), made on an earlier day (open actions and
        milestones depend on the date), or older than the last generated plans (their date is shown)."""
        master = self.settings.paths.master
        if not master.is_file() or dated_copies(master):
            return True
        written = master.stat().st_mtime
        if dt.datetime.fromtimestamp(written).date() < self.now().date():
            return True
        plans = self.settings.paths.state / PLANS_RECORD
        if plans.is_file() and plans.stat().st_mtime > written:
            return True
        upto = self._written_upto(master.name)
        return upto is None or self.store.last_submission_id() > upto  # None: not written by us

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
                log.error("Verwerken van een groep bestanden mislukt (%s); ze worden los opnieuw geprobeerd.", explain_os_error(exc))
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
    ) -> Counts:
        """Handle everything in the inbox, waiting (bounded) for files still being written.

        `progress(done, total)` is called after each file (for a progress display)."""
        cfg = self.settings.board.intake
        limit = wait_limit if wait_limit is not None else cfg.stabiel_seconden + cfg.beschadigd_na_seconden + 5
        run_id = self.store.start_run(command, now_text(self.now()))
        self.intake.run_id = run_id
        counts = Counts()
        counts.recovered = self.intake.recover()
        tracker = files.StabilityTracker(cfg.stabiel_seconden)
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
        if counts.changed or self.master_out_of_date():
            counts.master_failed = self.rebuild_master() is None
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
) -> None:
    """Watch the inbox until `stop` is set: events (or polling), plus a periodic full rescan.
    With `plans`, a school's veiligheidsplan is made again once its data changed (debounced)."""
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
    next_master_try = 0.0
    tick = min(0.5, max(0.05, cfg.stabiel_seconden / 4))
    log.info("Watcher gestart op %s (%s)", inbox, f"polling elke {poll:g} s" if poll else "bestandsgebeurtenissen")
    if plans is not None:
        plans.notice(runner.store, today=runner.now().date())
    if total.recovered or runner.master_out_of_date():
        runner.rebuild_master()
    try:
        while not stop.is_set():
            while True:
                try:
                    pending.add(events.get_nowait())
                except queue.Empty:
                    break
            if time.monotonic() >= next_rescan:
                # finish what failed earlier (disk full, share gone); a new day also needs a
                # rebuild, because open actions and milestones depend on the date
                if runner.intake.recover() or (runner.pending_copy is None and runner.master_out_of_date()):
                    runner.rebuild_master()
                pending.update(files.candidates(inbox))
                next_rescan = time.monotonic() + cfg.herscan_seconden
                if plans is not None:  # also notices templates the office changed
                    plans.notice(runner.store, today=runner.now().date())
            counts = Counts()
            if pending:
                still = runner.handle_ready(tracker, _oldest_first(pending), counts)
                pending = {p for p in still if p.exists()}
            if counts.changed or (runner.master_stale and time.monotonic() >= next_master_try):
                runner.rebuild_master()
                next_master_try = time.monotonic() + 30
            elif runner.pending_copy is not None and time.monotonic() >= next_master_try:
                runner.promote_copy()  # Excel closed the master? then the copy takes its place
                next_master_try = time.monotonic() + 30
            if counts.changed:
                for name in ("accepted", "rejected", "duplicates"):
                    setattr(total, name, getattr(total, name) + getattr(counts, name))
                runner.store.finish_run(run_id, at=now_text(runner.now()), counts=total.as_dict())
                if on_pass is not None:
                    on_pass(counts)
            if plans is not None:
                plans.tick(runner.store, today=runner.now().date(), changed=counts.changed)
            stop.wait(tick)
    finally:
        observer.stop()
        observer.join(timeout=5)
        total.waiting = len(pending)
        runner.store.finish_run(run_id, at=now_text(runner.now()), counts=total.as_dict())
        log.info("Watcher gestopt.")


def _stamp(path: Path) -> list[int]:
    st = path.stat()
    return [st.st_mtime_ns, st.st_size]


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
