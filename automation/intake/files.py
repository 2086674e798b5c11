"""Filesystem pieces of the intake: which names to ignore, when a file is complete, and how
originals are kept (archive) or handed back (rejected folder) without ever overwriting anything."""

from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from automation.errors import ArchiveDamaged
from automation.filenames import MAX_NAME_BYTES, encoded, safe_name, shorten

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
    since: float


class StabilityTracker:
    """A file is complete once its size and mtime have not changed for `quiet` seconds.

    Uses a monotonic clock (injectable for tests). The file's own mtime is not trusted as a sign
    of age: copy tools keep the source's mtime while the copy is still growing.
    """

    def __init__(self, quiet: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.quiet = quiet
        self.clock = clock
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
            self._seen[path] = _Seen(st.st_size, st.st_mtime_ns, now)
            seen = self._seen[path]
        return now - seen.since >= self.quiet

    def stable_for(self, path: Path) -> float:
        seen = self._seen.get(path)
        return 0.0 if seen is None else self.clock() - seen.since

    def forget(self, path: Path) -> None:
        self._seen.pop(path, None)


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
    """Flush these archive entries to disk: one `sync` on POSIX (cheap for a batch), else an
    fsync per file."""
    if hasattr(os, "sync"):
        os.sync()
        return
    for path in paths:  # Windows: FlushFileBuffers needs write access to the file
        try:
            with open(path, "rb+") as handle:
                os.fsync(handle.fileno())
        except OSError as exc:  # e.g. read-only: the system writes it out a little later
            log.warning("Kon %s niet direct naar schijf schrijven (%s).", path.name, exc)


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

    `source` is the claimed file (see `claim`), which nobody else writes to any more. On the same
    volume the archive entry is a hard link to it (one metadata operation, no copy); otherwise the
    bytes are written (or, for a file too large to hold in memory, copied) and renamed into place.
    An existing entry is trusted only if its content still has the hash in its name.
    """
    target = archive_path(archive, sha256, original_name)
    if target.exists():
        if sha256_of(target) == sha256:
            return target, False
        target.unlink()  # an entry changed after a crash (see `unclaim`): replace it
    _ensure_folder(target.parent)
    try:
        os.link(source, target)
    except FileExistsError:
        return target, False
    except OSError:
        pass  # no hard links here (another volume, FAT, some shares): copy instead
    else:
        if fsync:
            fd = os.open(target, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        return target, True
    if data is not None:
        write_durably(target, data, fsync=fsync)
        return target, True
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    shutil.copyfile(source, tmp)
    if fsync:
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
    os.replace(tmp, target)
    return target, True


CLAIM_RE = re.compile(r"^[0-9a-f]+-\d+ ")


def claim(path: Path, staging: Path) -> Path:
    """Take a file out of the inbox by renaming it into the (hidden) staging folder beside it.

    From then on the file is ours: a colleague saving a new version under the same name makes a
    new file in the inbox, and nobody writes into the claimed one. On Windows the rename fails while
    the program that wrote the file still has it open: the file simply waits."""
    _ensure_folder(staging)
    prefix = f"{time.time_ns():x}-{os.getpid()} "
    name = readable_name(path.name)  # the claimed path is stored: it must be text
    stem, suffix = os.path.splitext(name)
    if len(suffix) > 11:
        stem, suffix = name, ""
    stem = shorten(stem, max_bytes=MAX_NAME_BYTES - len(encoded(prefix + suffix)))  # a name near 255 bytes
    claimed = staging / f"{prefix}{stem}{suffix}"
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
    if data is None:
        shutil.copyfile(source, tmp)
    else:
        tmp.write_bytes(data)
    try:
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
