"""Soak: writer processes drop thousands of files into the inbox while the real watcher polls it;
throughput, latency from drop to master, and the watcher's memory over time.

    python bench/soak.py [--writers 4] [--files 3000] [--rate 15] [--poll 1.0] [--stable 0.5]
                         [--no-fsync] [--keep MAP] [--raw FILE]

A fresh working folder; `veiligheid watch --poll` in its own process (the real command line); N
writer processes that drop their share of `--files` files on a schedule (`--rate` files/s in all;
0: as fast as they can). The files: distinct valid forms of three kinds for three schools (one
filled form each, made distinct by a zip rewrite), wrong forms, exact copies of earlier forms, notes
(.txt) and photos (.jpg); most written to a temp name and renamed (as Excel saves), some written
slowly in pieces (a copy over a network share), some at once; around some an Excel or LibreOffice
lock file, half of which stay behind. Meanwhile this process reads the master's Logboek (with
python-calamine) each time the master changes, noting when each file first appears there, notes
when each file is stored (SQLite, read-only), and samples the watcher's resident memory (VmRSS).
At the end every dropped file must be accounted for exactly once; exit code 1 if not.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import multiprocessing
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any

import python_calamine

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from automation import app, demo  # noqa: E402
from automation.config import Settings, load_settings  # noqa: E402
from automation.excel.build_form import form_file_name  # noqa: E402
from automation.excel.fill import fill_form, variants  # noqa: E402
from automation.forms import FORMS, event_forms  # noqa: E402
from automation.store import ACCEPTED, DUPLICATE, REJECTED  # noqa: E402
from automation.workspace import init_workspace  # noqa: E402

MARKER = "SOAK-0000000000"  # the text that makes each copy of a filled form distinct
MARKED_FIELD = {"incident": "omschrijving", "agressie": "omschrijving", "ongeval": "toedracht"}
EXPECTED = {"form": ACCEPTED, "copy": DUPLICATE, "wrong": REJECTED, "note": REJECTED, "photo": REJECTED}
LOCK_BYTES = {
    "excel": b"\x0bM. de Vries".ljust(165, b"\x00"),
    "libreoffice": b"M. de Vries,ws-12,ws-12,28.11.2026 10:00,",
}
JPEG_HEAD = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"


class SoakFailed(RuntimeError):
    """The run could not be completed (the watcher died, a deadline passed)."""


# --- what the writers drop ------------------------------------------------------------------------
@dataclass(frozen=True)
class Drop:
    name: str
    kind: str  # form, wrong, copy, note, photo (see EXPECTED)
    source: str = ""  # the filled form it is made from ("incident 12AB"); a copy: its original's
    label: str = ""  # what replaces MARKER (a copy: its original's label, so the same bytes)
    how: str = "rename"  # rename (temp name, then rename), slow (in pieces), direct
    lock: str = ""  # "", excel, libreoffice
    lock_stays: bool = False

    @property
    def lock_name(self) -> str:
        return {"excel": f"~${self.name}", "libreoffice": f".~lock.{self.name}#"}.get(self.lock, "")


def plan(files: int, *, writers: int, schools: Iterable[str], seed: int = 1) -> list[list[Drop]]:
    """Each writer's drops, in order: about 85 % valid forms, 5 % exact copies of one of its own
    earlier forms (at least 3 drops later and not written slowly, so the original is taken first),
    4.5 % wrong forms, 5.5 % notes and photos; 13 % of the workbooks with a lock file beside them."""
    rng = random.Random(seed)
    brins = sorted(schools)
    shares: list[list[Drop]] = [[] for _ in range(writers)]
    originals: list[list[tuple[int, Drop]]] = [[] for _ in range(writers)]
    for n in range(files):
        w = n % writers
        own, index = shares[w], len(shares[w])
        tag = f"w{w + 1}-{index:05d}"
        label = f"S{w + 1:02d}-{index:06d}-"
        earlier = [d for i, d in originals[w][-50:] if i <= index - 3]
        roll = rng.random()
        how = rng.choices(["rename", "direct", "slow"], weights=[6, 3, 1])[0]
        lock = rng.choices(["", "excel", "libreoffice"], weights=[87, 10, 3])[0]
        stays = rng.random() < 0.5
        if roll < 0.06 and earlier:
            orig = rng.choice(earlier)
            drop = Drop(f"{tag} kopie van {orig.name}", "copy", orig.source, orig.label, how, lock, stays)
        elif roll < 0.10:
            drop = Drop(f"incident {tag}.xlsx", "wrong", f"fout {rng.choice(brins)}", label, how, lock, stays)
        elif roll < 0.13:
            drop = Drop(f"notitie {tag}.txt", "note", label=label, how=how)
        elif roll < 0.15:
            drop = Drop(f"foto {tag}.jpg", "photo", label=label, how=how)
        else:
            form_id = rng.choice(SEEDED)
            drop = Drop(f"{form_id} {tag}.xlsx", "form", f"{form_id} {rng.choice(brins)}", label, how, lock, stays)
            if how != "slow":  # a slow write taken too early goes back to wait; its copy could overtake it
                originals[w].append((index, drop))
        own.append(drop)
    return shares


# The forms the writers drop, and how a careful staff member fills each (a board's own extra form is
# not dropped by the soak: it has no builder here).
BUILDERS: dict[str, Callable[[random.Random, dt.date, str], dict[str, Any]]] = {
    "incident": demo.incident,
    "agressie": demo.agressie,
    "ongeval": demo.ongeval,
}
SEEDED = tuple(BUILDERS)


def seed_forms(settings: Settings, folder: Path) -> dict[str, bytes]:
    """One filled form per kind and school, and one wrong incident form (no location) per school,
    each with MARKER in a text field; filled through the defined names like any other program."""
    blanks = folder / "formulieren"
    app.write_forms(settings, blanks)
    rng, today = random.Random(7), dt.date.today()
    builders = BUILDERS
    wanted = [(f"{form_id} {brin}", form_id, brin, {}) for form_id in builders for brin in settings.schools]
    wanted += [(f"fout {brin}", "incident", brin, {"locatie": None}) for brin in settings.schools]
    seeds = {}
    for key, form_id, brin, change in wanted:
        values = builders[form_id](rng, today, brin) | {MARKED_FIELD[form_id]: MARKER} | change
        path = fill_form(blanks / form_file_name(FORMS[form_id]), values, folder / "seeds" / f"{key}.xlsx")
        seeds[key] = path.read_bytes()
    return seeds


def payload(drop: Drop, seeds: Mapping[str, bytes]) -> bytes:
    if drop.kind == "note":
        return f"Notitie ({drop.label}): graag de meldingen van vorige week nog nakijken.\r\n".encode("cp1252")
    if drop.kind == "photo":
        return JPEG_HEAD + drop.label.encode() + random.Random(drop.label).randbytes(2048)
    return next(variants(seeds[drop.source], marker=MARKER, count=1, prefix=drop.label))


def drop_file(inbox: Path, drop: Drop, data: bytes, *, pause: float) -> float:
    """Put one file in the inbox the way its client would; returns when it was complete there."""
    lock = inbox / drop.lock_name if drop.lock else None
    if lock is not None:
        lock.write_bytes(LOCK_BYTES[drop.lock])
    target = inbox / drop.name
    if drop.how == "rename":
        temp = inbox / f"{zlib.crc32(drop.name.encode()):08X}.tmp"
        temp.write_bytes(data)
        os.replace(temp, target)
    elif drop.how == "slow":  # four pieces, with pauses shorter than the watcher's quiet time
        size = len(data) // 4 + 1
        with open(target, "wb") as handle:
            for start in range(0, len(data), size):
                if start:
                    time.sleep(pause)
                handle.write(data[start : start + size])
                handle.flush()
    else:
        target.write_bytes(data)
    done = time.time()
    if lock is not None and not drop.lock_stays:
        lock.unlink()  # the sender closed Excel
    return done


def writer(
    share: list[Drop],
    seeds: dict[str, bytes],
    inbox: str,
    out: str,
    *,
    rate: float,
    pause: float,
    ready: Any,
) -> None:
    """A writer process: makes its files first, then drops them on schedule (`rate` files/s;
    0: at once); writes [name, time complete] for each to `out`."""
    data = [payload(drop, seeds) for drop in share]
    ready.wait(120)
    start = time.time()
    done = []
    for n, (drop, content) in enumerate(zip(share, data, strict=True)):
        if rate > 0 and (delay := start + n / rate - time.time()) > 0:
            time.sleep(delay)
        done.append((drop.name, drop_file(Path(inbox), drop, content, pause=pause)))
    Path(out).write_text(json.dumps(done), encoding="utf-8")


# --- what this process watches --------------------------------------------------------------------
@dataclass(frozen=True)
class Sample:
    at: float  # wall-clock time
    files: int  # files stored by the watcher so far
    rss_mb: float


def rss_mb(pid: int, key: str = "VmRSS") -> float | None:
    """Resident memory of a process from /proc (Linux); None elsewhere or when it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(f"{key}:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def read_sheet(book: Any, sheet: str, column: str) -> list[str]:
    rows = book.get_sheet_by_name(sheet).to_python()
    if not rows:
        return []
    col = list(rows[0]).index(column)
    return [str(row[col]) for row in rows[1:] if row[col] not in ("", None)]


def read_master(path: Path, *, registers: bool = False) -> tuple[int, list[str], list[str]] | None:
    """(modification time in ns, file names in the Logboek, registration numbers in the registers)
    of one consistent version of the master: opened once, its time taken from that handle."""
    try:
        with open(path, "rb") as handle:
            stamp = os.fstat(handle.fileno()).st_mtime_ns
            data = handle.read()
    except FileNotFoundError:
        return None
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    try:
        names = read_sheet(book, "Logboek", "Bestand")
        numbers = []
        if registers:
            for form_id in event_forms():
                numbers += read_sheet(book, FORMS[form_id].register, "Registratienummer")
        return stamp, names, numbers
    finally:
        book.close()


@dataclass
class Monitor:
    """Runs in a thread of this process while the watcher works: when each file is stored, when it
    is first visible in the master, and the watcher's memory every `every` seconds."""

    settings: Settings
    pid: int
    every: float = 1.0
    stored: dict[str, float] = field(default_factory=dict)
    visible: dict[str, float] = field(default_factory=dict)
    versions: list[float] = field(default_factory=list)  # modification time of each master seen
    samples: list[Sample] = field(default_factory=list)
    error: BaseException | None = None
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="soak-monitor", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)

    def sample(self) -> None:
        rss = rss_mb(self.pid)
        if rss is not None:
            self.samples.append(Sample(time.time(), len(self.stored), rss))

    def _run(self) -> None:
        conn = sqlite3.connect(f"file:{self.settings.paths.database}?mode=ro", uri=True, timeout=5)
        try:
            last_id, stamp, next_sample = 0, 0, 0.0
            while not self._stop.is_set():
                last_id = self._look_at_store(conn, last_id)
                stamp = self._look_at_master(stamp)
                if time.monotonic() >= next_sample:
                    self.sample()
                    next_sample = time.monotonic() + self.every
                self._stop.wait(0.05)
        except BaseException as exc:  # reported by the main thread
            self.error = exc
        finally:
            conn.close()

    def _look_at_store(self, conn: sqlite3.Connection, last_id: int) -> int:
        now = time.time()
        try:
            rows = conn.execute(
                "SELECT id, original_name FROM submissions WHERE id > ? ORDER BY id", (last_id,)
            ).fetchall()
        except sqlite3.OperationalError:  # busy for a moment: next round
            return last_id
        for sub_id, name in rows:
            self.stored.setdefault(name, now)
            last_id = sub_id
        return last_id

    def _look_at_master(self, stamp: int) -> int:
        try:
            if self.settings.paths.master.stat().st_mtime_ns == stamp:
                return stamp
        except FileNotFoundError:
            return stamp
        found = read_master(self.settings.paths.master)
        if found is None or found[0] == stamp:
            return stamp
        stamp, names, _ = found
        self.versions.append(stamp / 1e9)
        for name in names:
            self.visible.setdefault(name, stamp / 1e9)
        return stamp


# --- the end: is everything accounted for? --------------------------------------------------------
@dataclass
class Accounting:
    outcomes: dict[str, list[str]]  # file name -> outcome of each submission under that name
    unfinished: int
    records: list[str]  # registration numbers in the store
    accepted: list[str]  # registration numbers of the accepted submissions
    integrity: str
    inbox: set[str]  # what is left in the inbox (names)
    staging: bool  # inbox/.verwerking still there
    master_files: set[str]  # names in the final master's Logboek
    master_numbers: list[str]  # registration numbers in the final master's registers
    receipts: int  # confirmations in outbox/bevestigingen
    handed_back: list[str]  # originals handed back in outbox/afgewezen (names)


def account(settings: Settings) -> Accounting:
    conn = sqlite3.connect(f"file:{settings.paths.database}?mode=ro", uri=True, timeout=5)
    try:
        outcomes: dict[str, list[str]] = {}
        for name, outcome in conn.execute("SELECT original_name, outcome FROM submissions ORDER BY id"):
            outcomes.setdefault(name, []).append(outcome)
        unfinished = conn.execute("SELECT COUNT(*) FROM submissions WHERE finished = 0").fetchone()[0]
        records = [r[0] for r in conn.execute("SELECT regnr FROM records")]
        accepted = [r[0] for r in conn.execute("SELECT regnr FROM submissions WHERE outcome = ?", (ACCEPTED,))]
        integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()
    master = read_master(settings.paths.master, registers=True)
    _, names, numbers = master or (0, [], [])
    explained = (" - uitleg.txt", " - met opmerkingen.xlsx")
    handed_back = [p.name for p in settings.paths.rejected.rglob("*") if p.is_file() and not p.name.endswith(explained)]
    return Accounting(
        outcomes=outcomes,
        unfinished=unfinished,
        records=records,
        accepted=accepted,
        integrity=integrity,
        inbox={p.name for p in settings.paths.inbox.iterdir()},
        staging=settings.paths.staging.exists(),
        master_files=set(names),
        master_numbers=numbers,
        receipts=sum(1 for p in settings.paths.receipts.rglob("* - *.txt")),  # not the neutral notices
        handed_back=handed_back,
    )


@dataclass
class SoakResult:
    drops: list[Drop]
    dropped: dict[str, float]  # name -> when it was complete in the inbox
    start: float  # when the writers started
    monitor: Monitor
    accounting: Accounting
    watcher_exit: int
    watcher_output: str
    peak_mb: float | None  # the watcher's VmHWM just before it was stopped

    @property
    def locks_left(self) -> set[str]:
        return {d.lock_name for d in self.drops if d.lock and d.lock_stays}

    def latencies(self, *, kinds: Iterable[str] = ("form",), since: str = "drop") -> list[float]:
        """Seconds from drop (or from being stored) to being visible in the master."""
        wanted = set(kinds)
        start = self.dropped if since == "drop" else self.monitor.stored
        return [
            self.monitor.visible[d.name] - start[d.name]
            for d in self.drops
            if d.kind in wanted and d.name in self.monitor.visible
        ]

    def stored_after(self, *, kinds: Iterable[str] = ("form",)) -> list[float]:
        wanted = set(kinds)
        stored = self.monitor.stored
        return [stored[d.name] - self.dropped[d.name] for d in self.drops if d.kind in wanted and d.name in stored]

    def problems(self) -> list[str]:
        """Everything that is not accounted for exactly once; empty when all is well."""
        acc, found = self.accounting, []
        expected = {d.name: EXPECTED[d.kind] for d in self.drops}
        for name, outcome in expected.items():
            got = acc.outcomes.get(name, [])
            if got != [outcome]:
                found.append(f"{name}: expected [{outcome}], stored {got}")
        found += [f"{name}: stored but never dropped" for name in acc.outcomes.keys() - expected.keys()]
        forms = sum(1 for d in self.drops if d.kind == "form")
        if acc.unfinished:
            found.append(f"{acc.unfinished} submission(s) unfinished")
        if len(acc.records) != forms or len(set(acc.records)) != forms:
            found.append(f"{len(acc.records)} records ({len(set(acc.records))} distinct numbers) for {forms} forms")
        if sorted(acc.accepted) != sorted(acc.records):
            found.append("accepted submissions and records do not match")
        if acc.integrity != "ok":
            found.append(f"database integrity check: {acc.integrity}")
        if acc.inbox != self.locks_left:
            extra, missing = sorted(acc.inbox - self.locks_left), sorted(self.locks_left - acc.inbox)
            found.append(f"inbox: unexpected {extra[:5]} ({len(extra)}), lock files missing {missing[:5]}")
        if acc.staging:
            found.append("inbox/.verwerking still exists")
        if acc.receipts != sum(1 for d in self.drops if d.kind in ("form", "copy")):
            found.append(f"{acc.receipts} confirmations for the accepted files and copies")
        if sorted(acc.handed_back) != sorted(d.name for d in self.drops if EXPECTED[d.kind] == REJECTED):
            found.append(f"{len(acc.handed_back)} originals handed back for the rejected files")
        if not_listed := sorted(expected.keys() - acc.master_files):
            found.append(f"{len(not_listed)} file(s) not in the master's Logboek, e.g. {not_listed[:3]}")
        if sorted(acc.master_numbers) != sorted(acc.records):
            found.append(f"the master's registers list {len(acc.master_numbers)} numbers, the store {len(acc.records)}")
        if self.watcher_exit != 0:
            found.append(f"the watcher ended with exit code {self.watcher_exit}")
        return found


# --- one run --------------------------------------------------------------------------------------
def wait_for(condition: Callable[[], bool], *, timeout: float, what: str, alive: Callable[[], bool]) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if not alive():
            raise SoakFailed(f"the watcher stopped while waiting for {what}")
        if time.monotonic() >= deadline:
            raise SoakFailed(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.05)


def make_workspace(folder: Path, *, stable: float, fsync: bool) -> Settings:
    settings, _ = init_workspace(folder, board="Soak", stable_seconds=stable, damaged_after=30)
    if not fsync:
        config = settings.paths.config
        config.write_text(config.read_text(encoding="utf-8").replace("fsync = true", "fsync = false"), "utf-8")
    return load_settings(settings.paths.config)


def start_watcher(settings: Settings, *, poll: float, output: Path) -> subprocess.Popen[bytes]:
    """`veiligheid watch --poll`, the real command, writing what it says to `output`."""
    command = [sys.executable, "-m", "automation", "--config", str(settings.paths.config)]
    with open(output, "wb") as out:  # the child keeps its own handle
        return subprocess.Popen([*command, "watch", "--poll", f"{poll:g}"], stdout=out, stderr=subprocess.STDOUT)


def stop_watcher(watcher: subprocess.Popen[bytes]) -> int:
    """SIGTERM (a clean stop), then wait; killed if it does not stop."""
    if watcher.poll() is None:
        watcher.terminate()
        try:
            return watcher.wait(timeout=60)
        except subprocess.TimeoutExpired:
            watcher.kill()
    return watcher.wait()


def run_writers(
    shares: list[list[Drop]],
    seeds: dict[str, bytes],
    settings: Settings,
    folder: Path,
    *,
    rate: float,
    pause: float,
    timeout: float,
) -> tuple[float, dict[str, float]]:
    """Start the writer processes, let them go together, wait for them; (start, drop times)."""
    ctx = multiprocessing.get_context("spawn")  # no fork of a process with threads
    ready = ctx.Barrier(len(shares) + 1)
    outs = [folder / f"writer-{n + 1}.json" for n in range(len(shares))]
    procs = [
        ctx.Process(
            target=writer,
            args=(share, seeds, str(settings.paths.inbox), str(out)),
            kwargs={"rate": rate / len(shares), "pause": pause, "ready": ready},
            name=f"writer-{n + 1}",
        )
        for n, (share, out) in enumerate(zip(shares, outs, strict=True))
    ]
    for proc in procs:
        proc.start()
    try:
        ready.wait(120)
        start = time.time()
        for proc in procs:
            proc.join(max(0.0, start + timeout - time.time()))
            if proc.exitcode is None:
                raise SoakFailed(f"{proc.name} did not finish within {timeout:.0f} s")
            if proc.exitcode != 0:
                raise SoakFailed(f"{proc.name} ended with exit code {proc.exitcode}")
    finally:
        for proc in procs:
            if proc.is_alive():
                proc.terminate()
                proc.join()
            proc.close()
    dropped: dict[str, float] = {}
    for out in outs:
        dropped.update((name, at) for name, at in json.loads(out.read_text(encoding="utf-8")))
    return start, dropped


def run_soak(
    folder: Path,
    *,
    writers: int = 4,
    files: int = 3000,
    rate: float = 15.0,
    poll: float = 1.0,
    stable: float = 0.5,
    fsync: bool = True,
    every: float = 1.0,
    drain_timeout: float = 120.0,
    seed: int = 1,
) -> SoakResult:
    """One soak run in `folder` (made here; left for inspection)."""
    folder.mkdir(parents=True, exist_ok=True)
    settings = make_workspace(folder / "werkmap", stable=stable, fsync=fsync)
    seeds = seed_forms(settings, folder)
    shares = plan(files, writers=writers, schools=settings.schools, seed=seed)
    output = folder / "watcher.log"
    watcher = start_watcher(settings, poll=poll, output=output)
    monitor = Monitor(settings, watcher.pid, every=every)
    failed: SoakFailed | None = None
    try:
        start, dropped, peak = _drive(
            watcher, monitor, shares, seeds, folder, rate=rate, stable=stable, drain_timeout=drain_timeout
        )
    except SoakFailed as exc:
        failed = exc
    finally:
        monitor.stop()
        exit_code = stop_watcher(watcher)
    if failed is not None:
        tail = output.read_text(encoding="utf-8", errors="replace")[-3000:]
        raise SoakFailed(f"{failed}\nthe watcher said (exit code {exit_code}):\n{tail}")
    if monitor.error is not None:
        raise SoakFailed(f"the monitor failed: {monitor.error!r}") from monitor.error
    return SoakResult(
        drops=[d for shared in shares for d in shared],
        dropped=dropped,
        start=start,
        monitor=monitor,
        accounting=account(settings),
        watcher_exit=exit_code,
        watcher_output=output.read_text(encoding="utf-8", errors="replace"),
        peak_mb=peak,
    )


def _drive(
    watcher: subprocess.Popen[bytes],
    monitor: Monitor,
    shares: list[list[Drop]],
    seeds: dict[str, bytes],
    folder: Path,
    *,
    rate: float,
    stable: float,
    drain_timeout: float,
) -> tuple[float, dict[str, float], float | None]:
    """Once the watcher runs: watch it, let the writers drop everything, wait until the master
    lists every file. Returns when the writers started, when each file was dropped, and the
    watcher's peak memory."""

    def alive() -> bool:
        return watcher.poll() is None and monitor.error is None

    settings = monitor.settings
    wait_for(settings.paths.master.exists, timeout=60, what="the watcher to start", alive=alive)
    monitor.start()
    files = sum(len(share) for share in shares)
    writing = (files / rate if rate else 0) + files * stable / 10 + 60  # a slow write pauses 3 x stable/5
    start, dropped = run_writers(shares, seeds, settings, folder, rate=rate, pause=stable / 5, timeout=writing)
    try:
        wait_for(
            lambda: dropped.keys() <= monitor.visible.keys(), timeout=drain_timeout, what="the master", alive=alive
        )
    except SoakFailed as exc:
        stored, listed = (sum(n in seen for n in dropped) for seen in (monitor.stored, monitor.visible))
        raise SoakFailed(f"{exc} to list all {files} files ({stored} stored, {listed} listed)") from None
    monitor.sample()
    return start, dropped, rss_mb(watcher.pid, "VmHWM")


# --- the report -----------------------------------------------------------------------------------
def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[18] if len(values) > 1 else values[0]


def quarters(values: list[Sample]) -> tuple[list[Sample], list[Sample]]:
    n = max(1, len(values) // 4)
    return values[:n], values[-n:]


def report(result: SoakResult, *, args: argparse.Namespace) -> None:
    mon, drops = result.monitor, result.drops
    kinds = Counter(d.kind for d in drops)
    locks = sum(1 for d in drops if d.lock)
    print(
        f"soak: {args.writers} writers, {len(drops)} files ({kinds['form']} forms, {kinds['copy']} copies, "
        f"{kinds['wrong']} wrong forms, {kinds['note']} notes, {kinds['photo']} photos) + {locks} lock files; "
        f"rate {args.rate:g}/s, poll {args.poll:g} s, stable {args.stable:g} s, fsync {'off' if args.no_fsync else 'on'}"
    )
    last_drop = max(result.dropped.values())
    all_stored = max(mon.stored[d.name] for d in drops)
    all_visible = max(mon.visible[d.name] for d in drops)
    print(
        f"drops took {last_drop - result.start:.1f} s; all stored after {all_stored - result.start:.1f} s, "
        f"all in the master after {all_visible - result.start:.1f} s"
    )
    print(
        f"throughput: {len(drops) / (all_stored - result.start):.1f} files/s taken over the run "
        f"({kinds['form'] / (all_stored - result.start):.1f} registrations/s)"
    )
    lat = result.latencies()
    print(
        f"latency drop -> master, {len(lat)} registrations: median {statistics.median(lat):.2f} s, "
        f"p95 {p95(lat):.2f} s, max {max(lat):.2f} s"
    )
    taken, shown = result.stored_after(), result.latencies(since="stored")
    print(
        f"  drop -> stored: median {statistics.median(taken):.2f} s, p95 {p95(taken):.2f} s; "
        f"stored -> master: median {statistics.median(shown):.2f} s, p95 {p95(shown):.2f} s"
    )
    by_quarter = quarter_medians(result)
    print("  median by quarter of the drops: " + " / ".join(f"{m:.2f}" for m in by_quarter) + " s")
    print(
        "  time between two master versions, median by quarter of the drops: "
        + " / ".join(f"{m:.2f}" for m in version_gaps(result))
        + f" s ({len(mon.versions)} versions seen)"
    )
    memory_table(result)
    acc = result.accounting
    outcomes = Counter(o for got in acc.outcomes.values() for o in got)
    print(
        f"accounted for: {sum(outcomes.values())} submissions = {outcomes[ACCEPTED]} accepted + "
        f"{outcomes[DUPLICATE]} duplicates + {outcomes[REJECTED]} rejected; {len(acc.records)} records, "
        f"{len(set(acc.records))} distinct numbers; {acc.unfinished} unfinished; left in the inbox: "
        f"{len(acc.inbox)} ({len(result.locks_left)} lock files expected); watcher exit code {result.watcher_exit}"
    )


def quarter(result: SoakResult, at: float) -> int:
    """Which quarter of the time the writers took `at` falls in (0-3)."""
    span = max(result.dropped.values()) - result.start
    return min(3, max(0, int(4 * (at - result.start) / span))) if span > 0 else 0


def quarter_medians(result: SoakResult) -> list[float]:
    parts: list[list[float]] = [[], [], [], []]
    for d in result.drops:
        if d.kind == "form":
            dropped = result.dropped[d.name]
            parts[quarter(result, dropped)].append(result.monitor.visible[d.name] - dropped)
    return [statistics.median(part) for part in parts if part]


def version_gaps(result: SoakResult) -> list[float]:
    """How long the master took to come round again, by quarter: about one pass and one rebuild."""
    versions = result.monitor.versions
    parts: list[list[float]] = [[], [], [], []]
    for before, after in pairwise(versions):
        if before >= result.start:
            parts[quarter(result, after)].append(after - before)
    return [statistics.median(part) for part in parts if part]


def memory_table(result: SoakResult, *, rows: int = 12) -> None:
    samples = [s for s in result.monitor.samples if s.at >= result.start]
    if not samples:
        print("watcher memory: not measured (no /proc)")
        return
    print(f"watcher memory (VmRSS, sampled every {result.monitor.every:g} s):")
    print(f"{'t (s)':>8} {'files':>7} {'RSS MB':>8}")
    picked = sorted({round(i * (len(samples) - 1) / (rows - 1)) for i in range(rows)})
    for s in (samples[i] for i in picked):
        print(f"{s.at - result.start:8.0f} {s.files:7d} {s.rss_mb:8.1f}")
    first, last = quarters(samples)
    ratio = statistics.mean(s.rss_mb for s in last) / statistics.mean(s.rss_mb for s in first)
    peak = f"; peak (VmHWM) {result.peak_mb:.0f} MB" if result.peak_mb else ""
    print(f"RSS mean of the last quarter / first quarter: {ratio:.2f}x{peak}")


def write_raw(result: SoakResult, path: Path) -> None:
    """Every drop with its times (drop, stored, visible in the master), the master versions and the
    memory samples, for a closer look."""
    mon = result.monitor
    raw = {
        "start": result.start,
        "drops": [
            {
                "name": d.name,
                "kind": d.kind,
                "how": d.how,
                "dropped": result.dropped[d.name],
                "stored": mon.stored.get(d.name),
                "visible": mon.visible.get(d.name),
            }
            for d in result.drops
        ],
        "master_versions": mon.versions,
        "samples": [[s.at, s.files, s.rss_mb] for s in mon.samples],
    }
    path.write_text(json.dumps(raw), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--files", type=int, default=3000, help="files the watcher must take (lock files extra)")
    parser.add_argument("--rate", type=float, default=15.0, help="files per second in all; 0: as fast as possible")
    parser.add_argument("--poll", type=float, default=1.0, help="the watcher's --poll SECONDS")
    parser.add_argument("--stable", type=float, default=0.5, help="the working folder's stabiel_seconden")
    parser.add_argument("--no-fsync", action="store_true", help="fsync = false in the working folder")
    parser.add_argument("--keep", type=Path, help="work in this folder and leave it (default: a temp folder)")
    parser.add_argument("--raw", type=Path, help="also write every time measured to this JSON file")
    args = parser.parse_args()
    expected = args.files / args.rate if args.rate else 0
    print(f"running: about {expected + 15:.0f} s", file=sys.stderr)
    drain = 120 + args.files / 20
    with tempfile.TemporaryDirectory(prefix="soak-") as tmp:
        folder = args.keep or Path(tmp)
        result = run_soak(
            folder,
            writers=args.writers,
            files=args.files,
            rate=args.rate,
            poll=args.poll,
            stable=args.stable,
            fsync=not args.no_fsync,
            drain_timeout=drain,
        )
        report(result, args=args)
        if args.raw:
            write_raw(result, args.raw)
        problems = result.problems()
    for problem in problems[:20]:
        print(f"NOT ACCOUNTED FOR: {problem}")
    if problems:
        sys.exit(1)


if __name__ == "__main__":
    main()
