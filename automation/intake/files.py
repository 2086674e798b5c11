"""Filesystem pieces of the intake: which names to ignore, when a file is complete, and how
originals are kept (archive) or handed back (rejected folder) without ever overwriting anything."""

from __future__ import annotations

import errno
import hashlib
import logging
import os
import re
import shutil
import stat
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from automation.errors import ArchiveDamaged
from automation.filenames import MAX_NAME_BYTES, encoded, safe_name, shorten

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

IGNORED_NAMES = frozenset({"thumbs.db", "desktop.ini", ".ds_store", "icon\r"})
TEMP_SUFFIXES = (".tmp", ".temp", ".crdownload", ".part", ".partial", ".download")


def is_ignored(name: str) -> bool:
    """Office/LibreOffice lock and temp files, hidden files and OS clutter stay where they are."""
    lower = name.lower()
    return (
        lower in IGNORED_NAMES
        or name.startswith("~$")
        or name.startswith(".~lock.")
        or name.startswith(".")
        or name.startswith("~")
        or lower.endswith(TEMP_SUFFIXES)
    )


def candidates(inbox: Path) -> Iterator[Path]:
    """Regular files directly in the inbox that are not ignored, oldest first (so an original is
    registered before a copy of it that arrived later)."""
    try:
        entries = list(os.scandir(inbox))
    except FileNotFoundError:
        return
    except OSError as exc:  # a network share that is briefly gone: try again at the next look
        log.warning("Kan de inbox %s nu niet lezen (%s); later opnieuw.", inbox, exc.strerror or exc)
        return
    found: list[tuple[int, str, str]] = []
    for entry in entries:
        if is_ignored(entry.name):
            continue
        try:
            if entry.is_file(follow_symlinks=False):
                found.append((entry.stat(follow_symlinks=False).st_mtime_ns, entry.name, entry.path))
        except OSError:
            continue
    for _, _, path in sorted(found):
        yield Path(path)


@dataclass
class _Seen:
    size: int
    mtime_ns: int
    ctime_ns: int
    since: float
    settled_ns: int = 0  # how long the file had been unchanged by the reference clock, once known


class StabilityTracker:
    """A file is complete once its size and mtime have not changed for `quiet` seconds.

    Uses a monotonic clock (injectable for tests). The file's own mtime is not trusted as a sign
    of age: copy tools keep the source's mtime while the copy is still growing.

    With `settled_before` (the time, by the clock that stamps the inbox's files, at which a run
    started: `filesystem_now`), a file that had already settled then is stable at its second look:
    its size, mtime and ctime unchanged since the first look, and its newest timestamp
    (`newest_stamp_ns`: mtime, and the ctime that no copy tool can set) at least `quiet` seconds
    before `settled_before`. Any other file waits `quiet` seconds as before.
    """

    def __init__(
        self, quiet: float, *, clock: Callable[[], float] = time.monotonic, settled_before: int | None = None
    ) -> None:
        self.quiet = quiet
        self.clock = clock
        self.settled_before = settled_before
        self._seen: dict[Path, _Seen] = {}

    def observe(self, path: Path) -> bool:
        """Record the file's current state; True when it is stable now."""
        try:
            st = path.stat()
        except OSError:  # gone, a link loop, a share that hiccups: not stable now
            self._seen.pop(path, None)
            return False
        now = self.clock()
        seen = self._seen.get(path)
        if seen is None or (seen.size, seen.mtime_ns) != (st.st_size, st.st_mtime_ns):
            self._seen[path] = _Seen(st.st_size, st.st_mtime_ns, st.st_ctime_ns, now)
            return self.quiet <= 0
        if now - seen.since >= self.quiet:
            return True
        if seen.ctime_ns != st.st_ctime_ns:  # touched since the last look (its mtime set back, say)
            seen.ctime_ns, seen.settled_ns = st.st_ctime_ns, 0
        elif self.settled_before is not None:
            seen.settled_ns = max(0, self.settled_before - newest_stamp_ns(st))
        return seen.settled_ns >= self.quiet * 1e9

    def stable_for(self, path: Path) -> float:
        """Seconds the file has been seen unchanged, or had been unchanged before the run started."""
        seen = self._seen.get(path)
        return 0.0 if seen is None else max(self.clock() - seen.since, seen.settled_ns / 1e9)

    def forget(self, path: Path) -> None:
        self._seen.pop(path, None)


def newest_stamp_ns(st: os.stat_result) -> int:
    """The last moment the file's metadata say it was touched: the newest of its mtime (which a copy
    tool sets back to the source's), its ctime (POSIX: the last change of its data or metadata, which
    no program can set, so a copy still being written, or whose mtime was just set back, is new; on
    Windows: its creation time) and its birth time where the system keeps one."""
    stamps = [st.st_mtime_ns, st.st_ctime_ns]
    birth = getattr(st, "st_birthtime", None)
    if birth is not None:
        stamps.append(int(birth * 1e9))
    return max(stamps)


def filesystem_now(folder: Path) -> int | None:
    """Now (ns) by the clock that stamps the files in `folder`: the mtime of a hidden, ignored file
    made there and removed at once. A network share stamps files by the server's clock, which may
    differ from this machine's. None when the folder takes no new file (then no file is taken early)."""
    probe = folder / f".veiligheid-klok-{os.getpid()}.tmp"
    try:
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            return os.fstat(fd).st_mtime_ns
        finally:
            os.close(fd)
            probe.unlink(missing_ok=True)
    except OSError as exc:
        log.debug("Kon de klok van %s niet lezen (%s); nieuwe en oude bestanden wachten even lang.", folder, exc)
        return None


def explanation_path(handed: Path, original_name: str) -> Path:
    """Where a rejected file's explanation goes: '<naam> - uitleg.txt' beside it, unless that one
    explains another file of the same name ('leeg.xlsx' and 'leeg.csv'): then '<naam.ext> - uitleg.txt'."""
    plain = handed.with_name(f"{handed.stem} - uitleg.txt")
    try:
        first = plain.read_text(encoding="utf-8-sig", errors="replace").split("\n", 1)[0]
    except OSError:
        return plain  # not there yet: it is ours
    return plain if f'"{original_name}"' in first else handed.with_name(f"{handed.name} - uitleg.txt")


def readable_name(name: str) -> str:
    """The name as text that can be stored and shown. On Linux a name is bytes: one that is not
    UTF-8 (written by an old share or client in Windows-1252) is read as Windows-1252."""
    raw = encoded(name)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", "replace")


def _ensure_folder(folder: Path) -> None:
    if not folder.is_dir():  # a stat is several times cheaper than a mkdir that fails
        folder.mkdir(parents=True, exist_ok=True)


def write_durably(path: Path, data: bytes, *, fsync: bool) -> None:
    """Write `data` to `path` via a temp file and an atomic rename."""
    _ensure_folder(path.parent)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as handle:
        handle.write(data)
        if fsync:
            handle.flush()
            os.fsync(handle.fileno())
    os.replace(tmp, path)


def write_new(path: Path, data: bytes) -> bool:
    """Create `path` with `data` unless it exists (then leave it). For small reports to staff:
    one create, no rename; after a crash mid-write the next recovery leaves the short file."""
    try:
        with open(path, "xb") as handle:
            handle.write(data)
    except FileExistsError:
        return False
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        return write_new(path, data)
    return True


def make_durable(paths: Sequence[Path]) -> None:
    """Flush these files (archive entries, the journal) and their names to disk: one `sync` on POSIX
    (cheap for a batch: it writes out the copies and the folder entries of the whole group at once),
    else an fsync per file. Windows has no folder fsync (NTFS journals names itself); a read-only
    archive entry gets write access for the moment of its fsync."""
    if hasattr(os, "sync"):
        os.sync()
        return
    for path in paths:  # Windows: FlushFileBuffers needs write access to the file
        try:
            _fsync_path(path)
        except OSError as exc:  # e.g. a file we may not change: the system writes it out a little later
            log.warning("Kon %s niet direct naar schijf schrijven (%s).", path.name, exc)


def _fsync_path(path: Path) -> None:
    read_only = not os.access(path, os.W_OK)
    if read_only:
        path.chmod(stat.S_IREAD | stat.S_IWRITE)
    try:
        with open(path, "rb+") as handle:
            os.fsync(handle.fileno())
    finally:
        if read_only:
            path.chmod(READ_ONLY)


def sync_folder(folder: Path) -> None:
    """Make the names in `folder` durable (POSIX; a no-op where folders cannot be opened)."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def archive_path(archive: Path, sha256: str, original_name: str) -> Path:
    """Content-addressed: the same bytes under the same name always land on the same path.

    256 sub-folders at most (by the first two hex digits), each file named by its hash and its
    original name, so the archive stays browsable and a folder never holds too many files.
    """
    return archive / sha256[:2] / f"{sha256[:24]} {safe_name(original_name)}"


def sha256_of(path: Path) -> str:
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def read_verified(path: Path, sha256: str, *, max_bytes: int | None = None) -> bytes | None:
    """An archived original's bytes, after checking that they still have the hash they were stored
    with; raises `ArchiveDamaged` otherwise (gone, unreadable, or other bytes). With `max_bytes`, a
    larger file is checked by streaming and None is returned instead of its bytes."""
    try:
        size = path.stat().st_size
        if max_bytes is not None and size > max_bytes:
            data, found = None, sha256_of(path)
        else:
            data = path.read_bytes()
            found = hashlib.sha256(data).hexdigest()
    except OSError as exc:
        raise ArchiveDamaged(
            f"Het origineel {path} staat niet (meer) leesbaar in het archief ({exc.strerror or exc}).",
            path=str(path),
            expected=sha256,
            found=None,
        ) from exc
    if found != sha256:
        raise ArchiveDamaged(
            f"Het origineel {path} in het archief is veranderd sinds het werd ontvangen: SHA-256 "
            f"{found[:12]}… in plaats van {sha256[:12]}…. Zet het terug uit een reservekopie.",
            path=str(path),
            expected=sha256,
            found=found,
        )
    return data


def keep_in_archive(
    archive: Path,
    sha256: str,
    original_name: str,
    source: Path,
    data: bytes | None,
    *,
    fsync: bool,
) -> tuple[Path, bool]:
    """Keep the original byte for byte in the archive; return where, and whether it is new.

    The entry is the archive's own file, never a link to the inbox file: a program that still holds
    the dropped file open cannot change what was accepted through its handle, and the entry is owned
    by the service account, read-only. `data` are the bytes that were judged: they are written as
    they are (writing a form held in memory is cheaper than cloning the inbox file and reading the
    clone back to prove it has these bytes, and the clone would share nothing for long: the inbox
    file is removed after the commit). A file too large to hold (`data` None) is cloned where the
    file system can (copy-on-write: no bytes copied), else copied, and in both cases checked against
    `sha256` before it gets its name.

    The copy goes to a temp name, is made read-only and renamed into place. With `fsync` the copy
    is flushed before its rename and the folder after it, so the entry is on disk when this returns.
    The intake passes `fsync=False` and flushes the whole group at once with `make_durable` before
    its commit, so every copy is on disk before any inbox file is released (`pipeline.Intake`).

    An existing entry is trusted only if its content still has the hash in its name; one that has
    other bytes is evidence and is never deleted: it is set aside (`set_aside`) and logged, and the
    good copy takes its place.
    """
    target = archive_path(archive, sha256, original_name)
    if target.exists():
        if sha256_of(target) == sha256:
            return target, False
        set_aside(target, expected=sha256)
    if data is not None:
        new = write_read_only(target, data, fsync=fsync)  # makes its sub-folder when it is not there
    else:
        _ensure_folder(target.parent)
        new = _clone_or_copy(source, target, sha256=sha256, fsync=fsync)
    if fsync and new:
        sync_folder(target.parent)
    return target, new


READ_ONLY = stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH  # 0o444
FICLONE = 0x40049409  # linux/fs.h: _IOW(0x94, 9, int)


def write_read_only(target: Path, data: bytes, *, fsync: bool) -> bool:
    """Create `target` with `data`, read-only (mode 0o444; on Windows the read-only attribute), via a
    temp name that is flushed (with `fsync`) and made read-only before it is renamed: the file is never
    writable or half written under its name. False when `target` appeared meanwhile (Windows).
    The folder is made when it is not there."""
    tmp = _temp_name(target)
    try:
        _write_temp(tmp, data, fsync=fsync)
        return _name(tmp, target)
    except BaseException:
        remove_entry(tmp)
        raise


_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)


def _create_temp(tmp: Path) -> int:
    """A new temp file, open for writing. The usual case costs one call: a temp file left by a killed
    run of a process with our number (perhaps read-only) is removed, and a missing folder made, only
    when the first try says so."""
    try:
        return os.open(tmp, _NEW_FILE, 0o600)
    except FileExistsError:
        remove_entry(tmp)
    except FileNotFoundError:
        tmp.parent.mkdir(parents=True, exist_ok=True)
    return os.open(tmp, _NEW_FILE, 0o600)


def _write_temp(tmp: Path, data: bytes, *, fsync: bool) -> None:
    fd = _create_temp(tmp)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        _finish(fd, fsync=fsync)
    finally:
        os.close(fd)
    if os.name != "posix":
        tmp.chmod(READ_ONLY)  # the read-only attribute


def _temp_name(target: Path) -> Path:
    return target.with_name(f".{target.name}.{os.getpid()}.tmp")


def _fresh_temp(target: Path) -> Path:
    tmp = _temp_name(target)
    remove_entry(tmp)  # left by a killed run of a process with our number, perhaps read-only
    return tmp


def _finish(fd: int, *, fsync: bool) -> None:
    """Flush (if asked) and make read-only through the open handle (POSIX)."""
    if fsync:
        os.fsync(fd)
    if os.name == "posix":
        os.fchmod(fd, READ_ONLY)


def _name(tmp: Path, target: Path) -> bool:
    """Give the finished temp file its name. POSIX `rename` is atomic; on Windows it refuses an
    existing name (then the entry is already there, by the content-addressed name: same bytes)."""
    try:
        tmp.rename(target)
    except FileExistsError:
        remove_entry(tmp)
        return False
    return True


def _clone_or_copy(source: Path, target: Path, *, sha256: str, fsync: bool) -> bool:
    """A read-only copy of `source` at `target` proven to have `sha256` (else `Changed`), through a
    temp name like `write_read_only`; cloned where the file system can."""
    tmp = _fresh_temp(target)
    try:
        with open(source, "rb") as src, open(tmp, "xb") as dst:
            if _clone(src.fileno(), dst.fileno()):
                found = sha256_of(tmp)
            else:
                digest = hashlib.sha256()
                while chunk := src.read(1 << 20):
                    digest.update(chunk)
                    dst.write(chunk)
                dst.flush()
                found = digest.hexdigest()
            _finish(dst.fileno(), fsync=fsync)
        if os.name != "posix":
            tmp.chmod(READ_ONLY)  # the read-only attribute
        if found != sha256:
            raise Changed(
                errno.EBUSY,
                f"{source.name} is veranderd nadat het werd gelezen; het wordt opnieuw ontvangen zodra het niet "
                "meer verandert",
            )
        return _name(tmp, target)
    except BaseException:
        remove_entry(tmp)
        raise


class Changed(OSError):
    """The claimed file was written to between being read and being archived (a program that still
    had it open): the group is undone and the file tried again (the runner backs off on OSError)."""


def _clone(src: int, dst: int) -> bool:
    """A copy-on-write clone of `src` into the empty `dst` (btrfs, XFS, bcachefs, ...); False where
    the file system or the platform offers none (then nothing was written)."""
    if fcntl is None:
        return False
    try:
        fcntl.ioctl(dst, FICLONE, src)
    except OSError as exc:  # EOPNOTSUPP, EXDEV (another volume), EINVAL, ENOTTY, ...: copy instead
        log.debug("Geen kopie-bij-schrijven mogelijk (%s); gewoon kopiëren.", exc)
        return False
    return True


def set_aside(entry: Path, *, expected: str) -> Path:
    """Move an archive entry whose bytes are not the ones its name promises out of the way, under a
    hidden name beside it (`.<naam>.beschadigd-<tijd>`: a rebuild skips hidden names), and say so
    loudly. It is evidence (of tampering, or of a power cut while it was written): never deleted."""
    stamp = time.strftime("%Y%m%dT%H%M%S")
    aside = entry.with_name(f".{entry.name}.beschadigd-{stamp}")
    n = 2
    while aside.exists():
        aside = entry.with_name(f".{entry.name}.beschadigd-{stamp}-{n}")
        n += 1
    entry.rename(aside)
    log.error(
        "Het archief bevatte %s met andere inhoud dan bij ontvangst (SHA-256 had %s… moeten zijn): "
        "apart gezet als %s en vervangen door het ontvangen origineel. Oorzaak: iemand heeft het archief "
        "veranderd, of de stroom viel uit terwijl het werd opgeslagen; bekijk het apart gezette bestand.",
        entry,
        expected[:12],
        aside.name,
    )
    return aside


def seal_archive(archive: Path) -> int:
    """Bring entries kept by an earlier version up to this one: an entry that is still a hard link
    (more than one name for its file) gets its own copy, and a writable one is made read-only.
    Returns how many were changed; a second call changes nothing. Hidden names (temp files, entries
    set aside) are left alone."""
    changed = 0
    for entry in sorted(archive.glob("*/*")):
        if entry.name.startswith("."):
            continue
        try:
            st = entry.lstat()
            if not stat.S_ISREG(st.st_mode):
                continue
            if st.st_nlink > 1:
                _detach(entry)
            elif st.st_mode & 0o222:
                entry.chmod(READ_ONLY)
            else:
                continue
        except OSError as exc:
            log.warning("Kon archiefbestand %s niet alleen-lezen maken (%s).", entry, exc)
            continue
        changed += 1
    return changed


def _detach(entry: Path) -> None:
    """Replace a hard-linked entry by its own read-only copy of the same bytes (the other names keep
    the old file)."""
    tmp = _fresh_temp(entry)
    try:
        _write_temp(tmp, entry.read_bytes(), fsync=True)
        if os.name != "posix":
            entry.chmod(stat.S_IREAD | stat.S_IWRITE)  # Windows replaces no read-only file
        os.replace(tmp, entry)
    except BaseException:
        remove_entry(tmp)
        raise


def remove_entry(path: Path) -> bool:
    """Delete a file that may be read-only (an archive entry); True when it was there. On POSIX
    deleting needs only write access to the folder; Windows refuses a file with the read-only
    attribute, so that is cleared first."""
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    except PermissionError:
        if os.name == "posix" or not path.exists():
            raise
        path.chmod(stat.S_IREAD | stat.S_IWRITE)
        path.unlink()
    return True


CLAIM_RE = re.compile(r"^[0-9a-f]+-\d+ ")


def claim(path: Path, staging: Path) -> Path:
    """Take a file out of the inbox by renaming it into the (hidden) staging folder beside it.

    From then on the file is ours: a colleague saving a new version under the same name makes a
    new file in the inbox, and nobody writes into the claimed one. On Windows the rename fails while
    the program that wrote the file still has it open: the file simply waits. The staging folder
    is made by the first claim that misses it."""
    prefix = f"{time.time_ns():x}-{os.getpid()} "
    name = readable_name(path.name)  # the claimed path is stored: it must be text
    stem, suffix = os.path.splitext(name)
    if len(suffix) > 11:
        stem, suffix = name, ""
    stem = shorten(stem, max_bytes=MAX_NAME_BYTES - len(encoded(prefix + suffix)))  # a name near 255 bytes
    claimed = staging / f"{prefix}{stem}{suffix}"
    try:
        path.rename(claimed)
    except FileNotFoundError:
        if staging.is_dir():
            raise  # the file itself is gone
        _ensure_folder(staging)
        path.rename(claimed)
    return claimed


def remove_if_empty(folder: Path) -> None:
    try:
        folder.rmdir()
    except OSError:
        pass  # not empty (or already gone)


def claimed_name(claimed: Path) -> str:
    """The name the file had in the inbox."""
    return CLAIM_RE.sub("", claimed.name, count=1)


def unclaim(claimed: Path, inbox: Path) -> Path:
    """Put a claimed file back in the inbox under its own name (or `name (2)`, never overwriting)."""
    name = claimed_name(claimed)
    while True:
        target = unique_target(inbox, name)
        try:
            os.link(claimed, target)
        except FileExistsError:
            continue
        except OSError:
            if target.exists():
                continue
            claimed.rename(target)  # no hard links here; just checked that the name is free
            return target
        claimed.unlink()
        return target


def unique_target(folder: Path, name: str) -> Path:
    """`folder/name`, or `name (2)`, `name (3)`, ... whichever does not exist yet."""
    name = safe_name(name)
    stem, suffix = os.path.splitext(name)
    candidate = folder / name
    n = 2
    while candidate.exists():
        candidate = folder / f"{stem} ({n}){suffix}"
        n += 1
    return candidate


def copy_no_overwrite(source: Path, target: Path, data: bytes | None) -> Path:
    """Put a copy of `source` (whose bytes are `data`, if read) at `target`, or at `name (2)`...
    beside it; never replaces an existing file. The copy is independent of the archive's.

    The bytes go to a temp file first and get their name by a hard link (atomic, and it fails
    rather than overwrite), so a crash never leaves half a file under a real name. On a volume
    without hard links the name is taken by an exclusive create instead."""
    _ensure_folder(target.parent)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        if data is None:
            shutil.copyfile(source, tmp)
        else:
            tmp.write_bytes(data)
        candidate = target
        while True:
            try:
                os.link(tmp, candidate)
                return candidate
            except FileExistsError:
                candidate = unique_target(target.parent, target.name)
            except OSError:
                try:
                    with open(candidate, "xb") as handle, open(tmp, "rb") as src:
                        shutil.copyfileobj(src, handle)
                    return candidate
                except FileExistsError:
                    candidate = unique_target(target.parent, target.name)
    finally:
        tmp.unlink(missing_ok=True)
