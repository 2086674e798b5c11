"""The archive's own register of received files: `archief/ontvangen.jsonl`, one JSON line a file.

The archive keeps every original under its hash; this journal adds what the hash cannot tell: when
the file arrived, under what name, in what order, and where a rejected file was handed back. With it
the database can be rebuilt from the archive alone (`veiligheid rebuild`), with the same registration
numbers. Lines are appended inside the same step that stores the files (and made durable with the
archive before the database commit); a group that is rolled back may leave lines whose submission
number is later used again: the last line for a number wins.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from automation.config import Paths
from automation.errors import FolderError, StoreError
from automation.store import Store
from automation.validation import regnr_pattern

JOURNAL_NAME = "ontvangen.jsonl"


@dataclass(frozen=True)
class Entry:
    id: int  # the submission's number in the database
    at: str  # received, ISO 8601
    name: str  # as dropped in the inbox
    sha256: str
    archive: str  # relative to the archive folder
    rejected: str | None = None  # where a rejected file was handed back
    purged: dict[str, Any] | None = None  # after `purge`: what the store keeps of it (see intake.purge)
    regnr: str | None = None  # the number the file was given (None: rejected, or a line from before numbers were kept)


def append(path: Path, entries: Sequence[Entry]) -> None:
    """Add lines in one write (a torn last line after a crash is skipped when read)."""
    if not entries:
        return
    text = "".join(json.dumps(asdict(e), ensure_ascii=False) + "\n" for e in entries)
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(text)


def read(path: Path) -> list[Entry]:
    """Entries by submission number; the last line for a number wins."""
    found: dict[int, Entry] = {}
    if not path.exists():
        return []
    with open(path, encoding="utf-8", errors="replace") as handle:
        for line in handle:
            try:
                entry = Entry(**json.loads(line))
            except (ValueError, TypeError):
                continue  # a line torn by a crash mid-write
            found[entry.id] = entry
    return [found[k] for k in sorted(found)]


Series = tuple[str, int]  # a number series: prefix and year, e.g. ("INC", 2026)


def high_water(numbers: Iterable[str]) -> dict[Series, int]:
    """The highest number given in each series, from registration numbers (others are skipped)."""
    pattern = regnr_pattern()
    highest: dict[Series, int] = {}
    for text in numbers:
        found = pattern.match(text or "")
        if found:
            series = (found.group(1), int(found.group(2)))
            highest[series] = max(highest.get(series, 0), int(found.group(3)))
    return highest


RECEIPT_NAME = re.compile(r"^(\S+) - .*\.txt$")


def numbers_on_receipts(folder: Path) -> dict[str, set[str]]:
    """The registration numbers the confirmations told senders ('<nummer> - <naam>.txt'), each with
    the confirmations' file names: a third record of every number given out, beside the database's
    counters and this journal."""
    if not folder.is_dir():
        return {}
    pattern = regnr_pattern()
    found: dict[str, set[str]] = {}
    for receipt in folder.rglob("*.txt"):
        match = RECEIPT_NAME.match(receipt.name)
        if match and pattern.match(match.group(1)):
            found.setdefault(match.group(1), set()).add(receipt.name)
    return found


def refuse_lost_archive(paths: Paths) -> None:
    """A missing or empty archive while the database holds submissions: the archive's share is not
    connected, or the archive was deleted. Carrying on would start a new, empty archive beside a
    database that points into the old one, and a later rebuild would give numbers out again, so every
    command that works on files refuses (exit code 3), like a missing inbox."""
    if not paths.database.exists():
        return
    if paths.archive.is_dir() and has_entries(paths.journal):
        return
    try:
        store = Store.open(paths.database, create=False)
    except StoreError:
        return  # a damaged database is refused elsewhere, with its own message
    try:
        received = store.last_submission_id()
    finally:
        store.close()
    if not received:
        return
    what = "is er niet" if not paths.archive.is_dir() else "is leeg (het register ontvangen.jsonl ontbreekt)"
    raise FolderError(
        f"Het archief {paths.archive} {what}, maar de database kent al {received} ontvangen bestanden. "
        "Is de netwerkschijf verbonden? Zet anders het archief terug uit een reservekopie; er wordt niets verwerkt."
    )


def has_entries(path: Path) -> bool:
    try:
        return path.stat().st_size > 0
    except OSError:
        return False


def rewrite(path: Path, entries: Sequence[Entry], *, keep_previous: bool = True) -> None:
    """Replace the journal (after a rebuild: keeping the previous one beside it; after a purge: not)."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text("".join(json.dumps(asdict(e), ensure_ascii=False) + "\n" for e in entries), encoding="utf-8")
    previous = path.with_name(f"{path.stem}.vorige{path.suffix}")
    if path.exists() and keep_previous:
        os.replace(path, previous)
    elif not keep_previous:
        previous.unlink(missing_ok=True)  # it holds the names a purge removes
    os.replace(tmp, path)
