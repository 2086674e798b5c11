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
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

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
