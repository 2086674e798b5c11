"""The master workbook's whole life: written, read back, put in place, also when Excel has it open.

On Windows Excel locks an open workbook: replacing it fails. Then we retry for a while, and if it
stays locked we put the new version into the workbook open in Excel (optional, see excel.live) or
beside it as `bestuursoverzicht (bijgewerkt <datum tijd>).xlsx`. At the next successful replace the
dated copies are removed. Before anything replaces the master or a copy, what the office typed in
them (Status afhandeling, Notitie) is read back into the store. Nothing is lost either way: the
master is always rebuilt from the store.
"""

from __future__ import annotations

import datetime as dt
import glob
import hashlib
import json
import logging
import os
import shutil
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from automation.errors import explain_os_error
from automation.excel import live
from automation.excel.read_master import UNTOUCHED, OfficeRow, read_office_notes
from automation.store import Store, now_text

log = logging.getLogger(__name__)

Replace = Callable[[Path, Path], None]


@dataclass(frozen=True)
class Published:
    path: Path
    fallback: bool  # True: the main file was locked; `path` is a dated copy beside it


def dated_copy(target: Path, moment: dt.datetime) -> Path:
    return target.with_name(f"{target.stem} (bijgewerkt {moment:%d-%m-%Y %H.%M.%S}){target.suffix}")


def dated_copies(target: Path) -> list[Path]:
    return sorted(target.parent.glob(f"{glob.escape(target.stem)} (bijgewerkt *){target.suffix}"))


def _default_replace(source: Path, target: Path) -> None:
    os.replace(source, target)


def publish(
    tmp: Path,
    target: Path,
    *,
    moment: dt.datetime,
    attempts: int = 5,
    pause: float = 1.0,
    replace: Replace = _default_replace,
    sleep: Callable[[float], None] = time.sleep,
) -> Published:
    """Move `tmp` to `target`; if `target` stays locked, to a dated copy beside it."""
    for attempt in range(attempts):
        try:
            replace(tmp, target)
        except PermissionError:  # Windows: open in Excel (a sharing violation)
            if attempt + 1 < attempts:
                sleep(pause)
            continue
        _remove(dated_copies(target))
        return Published(target, fallback=False)
    copy = dated_copy(target, moment)
    replace(tmp, copy)
    _remove([old for old in dated_copies(target) if old != copy])  # only the newest is useful
    return Published(copy, fallback=True)


def _remove(paths: list[Path]) -> None:
    for path in paths:
        try:
            path.unlink()
        except OSError:  # that copy is open in Excel itself: removed at a later chance
            log.info("Oude kopie %s kon nog niet weg (geopend?).", path.name)


# --- the master's whole life ---------------------------------------------------------------------

Writer = Callable[[dt.datetime], Path]  # writes the master from the store to a temporary file
# keeps what the office typed (rows that differ from the store) from the named files (names, SHA-256
# of the newest) in a run; returns how many rows changed (automation.intake.office.take_from_master)
OfficeTaker = Callable[[Mapping[str, OfficeRow], tuple[str, str], int | None], int]


@dataclass
class MasterPublisher:
    """Owns the master workbook: writes it (through `write`), reads back what the office typed in
    it and in any dated copy before anything replaces them, puts it in place (replace, push into
    the workbook open in Excel, or a dated copy), later swaps a waiting copy in, remembers what it
    wrote, and says when the master is out of date.

    The record in `stamps` holds, per file name, the SHA-256 of the bytes we wrote (None when Excel
    saved them, after a push), the last received file the master includes, and the SHA-256 of the
    bytes last read back. A file is only taken as ours (nothing of the office's in it, not read
    back) when its bytes are exactly those; bytes already read back are not read again (what they
    show the store has, or has since changed through another file)."""

    target: Path
    store: Store
    write: Writer
    stamps: Path
    registers: Sequence[str]  # the sheets with the office's columns
    now: Callable[[], dt.datetime] = dt.datetime.now
    push_into_excel: bool = False  # [overzicht] bijwerken_in_excel
    depends_on: Sequence[Path] = ()  # files whose facts the master shows: newer than it, it is out of date
    take_office: OfficeTaker | None = None  # None: only the status and the note are kept
    attempts: int = 5
    pause: float = 1.0
    replace: Replace = _default_replace
    retry_every: float = 30.0  # the watcher: a failed rebuild, or a waiting copy, tried again after this
    clock: Callable[[], float] = time.monotonic
    stale: bool = False  # the last rebuild failed
    pending: Path | None = None  # a dated copy waiting to replace a locked master
    taken_since_copy: int = 0  # notes of the office stored after the pending copy was written
    taken: int = 0  # rows of the office's columns stored, ever (the watcher's plans follow a change)
    takes_requests = False  # the office's requests are the watcher's to take (see BackgroundMaster)
    seen: tuple[int, int] | None = None  # the master's (mtime, size) when last looked at (`saved_since`)
    next_try: float = 0.0
    published: Callable[[Path], None] | None = None  # told where a master went (in place or a dated copy)

    def warn_if_push_cannot_work(self) -> None:
        """Say once, at start, that `bijwerken_in_excel` is on but cannot work here."""
        warning = live.startup_warning(enabled=self.push_into_excel)
        if warning:
            log.warning(warning)

    # --- what callers use ---------------------------------------------------------------------
    def refresh(self, *, run_id: int | None, changed: bool = False) -> bool:
        """Rebuild after a change, or when the master is out of date; a dated copy waiting for
        Excel to let go is swapped in instead of rebuilt. False: a rebuild failed (tried again later)."""
        if self.pending is not None and not changed:
            self.promote(run_id=run_id)
            return True
        if changed or self._out_of_date_or_unknown():
            return self.rebuild(run_id=run_id) is not None
        return True

    def tick(self, *, run_id: int | None, changed: bool) -> None:
        """The watcher's turn after each pass: rebuild after a change or a save by the office; every `retry_every` seconds
        retry a failed rebuild, or try to swap a waiting dated copy in (Excel closed the master?)."""
        now = self.clock()
        if changed or (self.stale and now >= self.next_try) or self.saved_since():
            self.rebuild(run_id=run_id)
        elif self.pending is not None and now >= self.next_try:
            self.promote(run_id=run_id)
        else:
            return
        self.next_try = now + self.retry_every

    def rebuild(self, *, run_id: int | None, read_back: bool = True) -> Path | None:
        """Rebuild the master from the store; if Excel keeps the old one locked, put the new data
        into the open workbook (`push_into_excel`) or else write a dated copy beside it (and note
        that in the Logboek). Returns where it went, or None on failure. `read_back=False`: the
        office's typing was read back already and the store since changed it (a purge removed
        notes), so the files are not read again."""
        self.stale = True
        try:
            if read_back:
                self.keep_office_notes(run_id=run_id)
            upto = self.store.last_submission_id()
            moment = self.now()
            tmp = self._write_settled(moment, run_id=run_id, read_back=read_back)
            written = _digest(tmp)
            done = publish(
                tmp, self.target, moment=moment, attempts=self.attempts, pause=self.pause, replace=self.replace
            )
            if done.fallback:
                where = self._locked(done.path, moment, upto=upto, run_id=run_id)
            else:
                self._remember(self.target, written=written, upto=upto)
                self.pending, self.stale = None, False
                where = self.target
            if self.published is not None:
                self.published(where)
            return where
        except OSError as exc:  # open in Excel on Windows, disk full, read-only outbox: retried next pass
            log.error("Kon het bestuursoverzicht niet bijwerken (%s); volgende ronde opnieuw.", explain_os_error(exc))
            return None
        except Exception:  # a bug must not stop the intake: the store is intact, the master can wait
            log.exception("Fout bij het maken van het bestuursoverzicht; de verwerking gaat door.")
            return None

    def promote(self, *, run_id: int | None) -> bool:
        """Put the waiting dated copy in place of the (no longer locked?) master. What the office
        typed in the master or in the copy is kept first; if the copy does not show all of it, the
        master is rebuilt at once. True when the copy took the master's place."""
        copy = self.pending
        if copy is None:
            return False
        if not copy.exists():
            self.pending = None
            return False
        try:
            self._read_until_settled(run_id=run_id)
            record = self._stamps().get(copy.name, {})
            ours = self._is_ours(copy, record)
            self.replace(copy, self.target)
        except PermissionError:  # still open in Excel
            return False
        except OSError as exc:
            log.error("Kon de kopie van het bestuursoverzicht niet terugzetten (%s).", explain_os_error(exc))
            return False
        except Exception:  # a bug must not stop the watcher
            log.exception("Fout bij het terugzetten van de kopie van het bestuursoverzicht.")
            return False
        log.info("Het bestuursoverzicht is weer bijgewerkt; de kopie %s is opgeruimd.", copy.name)
        behind = not ours or self.taken_since_copy > 0  # the office's notes are in the store, not all in the copy
        self.pending, self.taken_since_copy = None, 0
        try:
            self._remember(
                self.target,
                written=record.get("sha256") if ours else None,
                upto=_upto(record) or 0,
                read=record.get("read"),
            )
        except OSError as exc:
            log.error("Kon niet vastleggen welk bestuursoverzicht is geschreven (%s).", explain_os_error(exc))
        _remove(dated_copies(self.target))
        if behind:
            self.rebuild(run_id=run_id)
        return True

    def saved_since(self) -> bool:
        """The office saved the master since we last looked (what it typed is taken at once, not at
        the next rescan): a change of its time or size, then bytes we neither wrote nor read."""
        try:
            st = self.target.stat()
        except OSError:
            return False
        seen, self.seen = self.seen, (st.st_mtime_ns, st.st_size)
        if seen is None or seen == self.seen:
            return False
        try:
            return self._unread_changes()
        except OSError:
            return False

    def _unread_changes(self) -> bool:
        """The master or a dated copy holds bytes that were neither written nor read back by us (the
        office saved it after we read it)."""
        stamps = self._stamps()
        files = [p for p in (self.target, *dated_copies(self.target)) if p.is_file()]
        return any(not self._nothing_new(p, stamps.get(p.name, {})) for p in files)

    def _write_settled(self, moment: dt.datetime, *, run_id: int | None, read_back: bool = True) -> Path:
        """Write the master to a temporary file; when the office saved the master or a copy while we
        wrote, take that first and write again (a few rounds), so nothing is replaced unread."""
        tmp = self.write(moment)
        for _ in range(SETTLE_TRIES):
            if not read_back or not self._unread_changes():
                break
            tmp.unlink(missing_ok=True)
            self.keep_office_notes(run_id=run_id)
            tmp = self.write(moment)
        return tmp

    def _read_until_settled(self, *, run_id: int | None) -> None:
        """Read the office's typing back, again while a file was saved meanwhile, so nothing is replaced
        that was not read (the office may save and close the workbook between our read and our replace)."""
        self.keep_office_notes(run_id=run_id)
        for _ in range(SETTLE_TRIES):
            if not self._unread_changes():
                return
            self.keep_office_notes(run_id=run_id)

    def keep_office_notes(self, *, run_id: int | None) -> int:
        """Read what the office typed in the current master and in any dated copy beside it into
        the store, so the next master keeps it. From each file only what differs from the store is
        taken (the rest is what we wrote); a row typed in two files goes by the newest file."""
        stamps = self._stamps()
        sources = [
            p
            for p in (self.target, *dated_copies(self.target))
            if p.is_file() and not self._nothing_new(p, stamps.get(p.name, {}))
        ]
        if not sources:
            return 0
        sources.sort(key=lambda p: p.stat().st_mtime_ns)
        known = {
            regnr: OfficeRow(status, note, same_as=same_as)
            for regnr, (status, note, same_as) in self.store.office_rows().items()
        }
        notes: dict[str, OfficeRow] = {}
        read: dict[str, str] = {}
        for source in sources:
            read[source.name] = _digest(source)  # before reading: saved again meanwhile, read again next time
            typed = read_office_notes(source, self.registers)
            if typed is None:
                self._keep_unreadable(source, run_id=run_id)
                continue
            notes.update((regnr, row) for regnr, row in typed.items() if row.typed(known.get(regnr, UNTOUCHED)))
        changed = 0
        if notes:
            origin = (", ".join(read), read[sources[-1].name])
            if self.take_office is not None:
                changed = self.take_office(notes, origin, run_id)
            else:
                plain = {regnr: (row.status, row.note) for regnr, row in notes.items()}
                changed = self.store.save_office_notes(plain, at=now_text(self.now()), source=origin, run_id=run_id)
        if changed:
            log.info("%d notitie(s) of status(sen) van het bestuurskantoor bewaard.", changed)
            self.taken_since_copy += changed
            self.taken += changed
        self._remember_read(read)
        return changed

    def _keep_unreadable(self, source: Path, *, run_id: int | None) -> None:
        """A master the office saved in a form we cannot read (with a password, damaged) is about to
        be replaced: it is kept beside it first, and the office is told, so nothing it typed is lost."""
        moment = self.now()
        kept = source.with_name(f"{self.target.stem} (niet gelezen {moment:%d-%m-%Y %H.%M.%S}){self.target.suffix}")
        try:
            shutil.copy2(source, kept)
        except OSError as exc:
            log.error("Kon het onleesbare %s niet apart zetten (%s).", source.name, explain_os_error(exc))
            raise
        message = (
            f"{source.name} kon niet worden gelezen (met een wachtwoord opgeslagen of beschadigd?). Wat erin "
            f"getypt is, is niet overgenomen; het bestand staat apart als {kept.name}. Typ het over in het "
            "nieuwe bestuursoverzicht (sla het op zonder wachtwoord)."
        )
        log.warning(message)
        self.store.add_event(
            at=now_text(moment), kind="overzicht niet gelezen", name=kept.name, message=message, run_id=run_id
        )

    def out_of_date(self) -> bool:
        """Missing, waiting for a dated copy to replace it, lacking files received since it was
        written (a rebuild that failed, e.g. locked), made on an earlier day (open actions and
        milestones depend on the date), older than a file in `depends_on` (the plans' dates), or saved by
        the office since we wrote or read it (what it typed may withdraw, move or merge)."""
        if not self.target.is_file() or dated_copies(self.target):
            return True
        written = self.target.stat().st_mtime
        if dt.datetime.fromtimestamp(written).date() < self.now().date():
            return True
        if any(p.is_file() and p.stat().st_mtime > written for p in self.depends_on):
            return True
        upto = _upto(self._stamps().get(self.target.name, {}))
        if upto is None or self.store.last_submission_id() > upto:  # None: not written by us
            return True
        return self._unread_changes()  # the office saved it: a withdrawal typed there shows at once

    def _out_of_date_or_unknown(self) -> bool:
        try:
            return self.out_of_date()
        except OSError:  # the master or a copy went away while we looked: rebuild to be sure
            return True

    # --- the locked master -------------------------------------------------------------------
    def _locked(self, copy: Path, moment: dt.datetime, *, upto: int, run_id: int | None) -> Path:
        """The master stayed locked: push into the workbook open in Excel, or keep the dated copy."""
        why = ""
        if self.push_into_excel:
            outcome = live.update_open_master(copy, self.target)
            if outcome.route is live.Route.PUSH:
                return self._pushed(copy, moment, upto=upto, run_id=run_id)
            why = f" {outcome.reason}"
        message = (
            f"{self.target.name} was geopend (in Excel?) en kon niet worden vervangen; de bijgewerkte "
            f"versie staat in {copy.name}. Sluit het bestuursoverzicht: bij de volgende "
            f"verwerking wordt het weer bijgewerkt en verdwijnt de kopie.{why}"
        )
        log.warning(message)
        self.store.add_event(
            at=now_text(moment), kind="overzicht in kopie", name=copy.name, message=message, run_id=run_id
        )
        again = self._write_settled(moment, run_id=run_id)  # the copy's own Logboek says why it exists
        written = _digest(again)
        self.replace(again, copy)
        self._remember(copy, written=written, upto=upto)
        self.pending, self.stale, self.taken_since_copy = copy, False, 0
        return copy

    def _pushed(self, copy: Path, moment: dt.datetime, *, upto: int, run_id: int | None) -> Path:
        """The master open in Excel holds the new data and is saved: the dated copy is not needed."""
        copy.unlink(missing_ok=True)
        message = (
            f"{self.target.name} was geopend in Excel; de nieuwe gegevens staan in het geopende bestand (opgeslagen)."
        )
        log.info(message)
        self.store.add_event(
            at=now_text(moment), kind="overzicht in Excel", name=self.target.name, message=message, run_id=run_id
        )
        self.keep_office_notes(run_id=run_id)  # what the office typed in the open workbook is saved in the file now
        # Excel saved these bytes: current, not ours, and read back just now
        self._remember(self.target, written=None, upto=upto, read=_digest(self.target))
        self.pending, self.stale = None, False
        return self.target

    # --- what we wrote -----------------------------------------------------------------------
    def _stamps(self) -> dict[str, dict[str, Any]]:
        try:
            data = json.loads(self.stamps.read_text(encoding="utf-8"))
            return {str(k): dict(v) for k, v in data.items() if isinstance(v, dict)}
        except (OSError, ValueError, AttributeError, TypeError):
            return {}

    def _remember(self, path: Path, *, written: str | None, upto: int, read: str | None = None) -> None:
        """Note the SHA-256 and size of a file we wrote (None: its bytes are not ours), the last
        received file it includes, and the SHA-256 of its bytes already read back (a copy put in place)."""
        stamps = {k: v for k, v in self._stamps().items() if (path.parent / k).exists()}
        stamps[path.name] = {"sha256": written, "size": path.stat().st_size, "upto": upto, "read": read}
        self._save_stamps(stamps)

    def _remember_read(self, read: Mapping[str, str]) -> None:
        """Note the SHA-256 of each file's bytes just read back: not read again while they stay so."""
        stamps = self._stamps()
        for name, sha in read.items():
            stamps.setdefault(name, {})["read"] = sha
        try:
            self._save_stamps(stamps)
        except OSError as exc:  # then those files are read again: nothing lost
            log.warning("Kon niet vastleggen welke bestanden zijn gelezen (%s).", explain_os_error(exc))

    def _save_stamps(self, stamps: Mapping[str, Any]) -> None:
        self.stamps.parent.mkdir(parents=True, exist_ok=True)
        self.stamps.write_text(json.dumps(stamps), encoding="utf-8")

    @staticmethod
    def _is_ours(path: Path, record: Mapping[str, Any]) -> bool:
        """Byte for byte what we wrote: nothing of the office's in it."""
        sha = record.get("sha256")
        return bool(sha) and path.stat().st_size == record.get("size") and _digest(path) == sha

    @staticmethod
    def _nothing_new(path: Path, record: Mapping[str, Any]) -> bool:
        """Byte for byte what we wrote, or what was read back already."""
        known = {record.get("read")}
        if record.get("sha256") and path.stat().st_size == record.get("size"):
            known.add(record["sha256"])
        known.discard(None)
        return bool(known) and _digest(path) in known  # one hash of the file, however it is known


SETTLE_TRIES = 3  # rounds of reading back a workbook the office keeps saving, before we go on anyway


def _upto(record: Mapping[str, Any]) -> int | None:
    upto = record.get("upto")
    return upto if isinstance(upto, int) else None


def _digest(path: Path) -> str:
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


class MasterKeeper(Protocol):
    """What the intake asks of whoever keeps the master: a `MasterPublisher`, or a `BackgroundMaster`."""

    taken: int
    takes_requests: bool  # it also carries out the office's requests (automation.intake.office)

    def refresh(self, *, run_id: int | None, changed: bool = False) -> bool: ...

    def tick(self, *, run_id: int | None, changed: bool) -> None: ...


class BackgroundMaster:
    """The master written in a thread of its own (issue 14, item 2), so the watcher goes on taking
    files while a master is written. At most one write is in flight; whatever changes meanwhile is
    coalesced into the next write. The thread makes its own publisher (`make`: with its own store
    connection, since a SQLite connection stays in its thread) and closes it (`close`) when stopped,
    after one last write if a change is still waiting."""

    RETRY = 30.0  # seconds before a publisher that could not be made (a share gone) is made again

    def __init__(
        self,
        make: Callable[[], MasterPublisher],
        close: Callable[[MasterPublisher], None],
        between: Callable[[MasterPublisher, int | None], int] | None = None,
    ) -> None:
        self._make = make
        self._close = close
        self._between = between  # each turn, before the master: the office's requests (how many changed)
        self.takes_requests = between is not None
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._changed = False
        self._refresh = False
        self._run_id: int | None = None
        self.taken = 0  # rows the office typed, and requests it made, carried out (the watcher's plans follow)
        self._requests_done = 0
        self.writes = 0  # rebuilds asked of the publisher (for tests: coalesced changes make fewer)
        self._thread = threading.Thread(target=self._run, name="bestuursoverzicht", daemon=True)

    def start(self) -> BackgroundMaster:
        self._thread.start()
        return self

    def refresh(self, *, run_id: int | None, changed: bool = False) -> bool:
        with self._lock:
            self._refresh, self._changed, self._run_id = True, self._changed or changed, run_id
        self._wake.set()
        return True  # a failed write is retried by the thread, and said in the log

    def tick(self, *, run_id: int | None, changed: bool) -> None:
        if not changed:
            return  # the thread looks for retries, waiting copies and saves by the office itself
        with self._lock:
            self._changed, self._run_id = True, run_id
        self._wake.set()

    def stop(self, *, timeout: float = 120.0) -> None:
        """After the write in flight, and one more for what is still waiting (a write that hangs, on a
        share gone away, is given `timeout` seconds: its temporary file has its own name, and the
        next start clears what it left)."""
        self._stopping.set()
        self._wake.set()
        self._thread.join(timeout)
        if self._thread.is_alive():
            log.warning("Het bestuursoverzicht werd na %.0f s nog geschreven; de watcher stopt toch.", timeout)

    @property
    def busy(self) -> bool:
        """Something is waiting to be written."""
        with self._lock:
            return self._changed or self._refresh

    def _run(self) -> None:
        publisher: MasterPublisher | None = None
        try:
            while True:
                self._wake.wait(timeout=0.5)
                self._wake.clear()
                stopping = self._stopping.is_set()
                if publisher is None:
                    try:
                        publisher = self._make()
                    except Exception:  # the database on a share that went away: said, and tried again
                        log.exception("Kon het bestuursoverzicht niet voorbereiden; over %.0f s opnieuw.", self.RETRY)
                        if stopping or self._stopping.wait(self.RETRY):
                            return
                        continue
                with self._lock:
                    run_id = self._run_id
                if self._between is not None:
                    self._requests(publisher, run_id)
                with self._lock:  # taken now: what comes in during the write is for the next turn
                    changed, refresh, run_id = self._changed, self._refresh, self._run_id
                    self._changed = self._refresh = False
                self._write(publisher, changed=changed, refresh=refresh, run_id=run_id)
                if stopping and not self.busy:  # and when something came in while stopping: once more
                    return
        finally:
            if publisher is not None:
                self._close(publisher)

    def _requests(self, publisher: MasterPublisher, run_id: int | None) -> None:
        assert self._between is not None
        try:
            done = self._between(publisher, run_id)
        except Exception:  # a bug must not stop the master: said, and the requests wait for the next turn
            log.exception("Fout bij de verzoeken van het bestuurskantoor.")
            return
        if done:
            self._requests_done += done
            with self._lock:
                self._changed = True

    def _write(self, publisher: MasterPublisher, *, changed: bool, refresh: bool, run_id: int | None) -> None:
        try:
            if refresh:
                publisher.refresh(run_id=run_id, changed=changed)
            else:
                publisher.tick(run_id=run_id, changed=changed)
            self.writes += changed or refresh
        except Exception:  # a bug must not stop the master for good: said, and tried at the next turn
            log.exception("Fout bij het bijwerken van het bestuursoverzicht.")
        self.taken = publisher.taken + self._requests_done
