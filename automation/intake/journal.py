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
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
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
    text = _lines(entries)
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(text)


def _lines(entries: Sequence[Entry]) -> str:
    """One JSON line an entry, its fields in order (`vars`: `asdict` would copy each entry deeply first)."""
    return "".join(json.dumps(vars(e), ensure_ascii=False) + "\n" for e in entries)


def mark_committed(path: Path, ids: Sequence[int]) -> None:
    """Note that the lines of these submissions are in a committed database (after the commit; not
    synced: a mark lost in a crash only makes `read` fall back to 'the last line wins')."""
    if ids:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps({"committed": list(ids)}) + "\n")


def read(path: Path) -> list[Entry]:
    """The register's entries in the order they were written.

    A group that was rolled back (or a run killed before its commit) leaves lines whose submission
    number a later group uses again: such a line gives way to the later line for its number. A
    line marked committed never does: when its number is used again, the database was replaced by
    an older one (a backup put back) and both files were really received, so both are kept."""
    lines: list[Entry | None] = []
    latest: dict[int, tuple[int, bool]] = {}  # submission number -> (index in lines, committed)
    if not path.exists():
        return []
    with open(path, encoding="utf-8", errors="replace") as handle:
        for line in handle:
            try:
                data = json.loads(line)
                if isinstance(data, dict) and set(data) == {"committed"}:
                    for sub_id in data["committed"]:
                        if sub_id in latest:
                            latest[sub_id] = (latest[sub_id][0], True)
                    continue
                entry = Entry(**data)
            except (ValueError, TypeError):
                continue  # a line torn by a crash mid-write
            earlier = latest.get(entry.id)
            if earlier is not None and not earlier[1]:
                lines[earlier[0]] = None  # never committed: the later line is the real one
            latest[entry.id] = (len(lines), False)
            lines.append(entry)
    return [entry for entry in lines if entry is not None]


NUMBERS_NAME = "nummers.json"


def note_numbers(archive: Path, numbers: Iterable[str]) -> Path:
    """Raise the archive's own record of the last number given in each series (`nummers.json`),
    written with the group before its commit, so it survives the loss of the database. A group
    rolled back afterwards leaves a number unused, never one given twice. Returns the file."""
    path = archive / NUMBERS_NAME
    known = read_numbers(archive)
    merged = highest_of(known, high_water(numbers))
    if merged != known:
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        text = json.dumps({f"{prefix}-{year}": last for (prefix, year), last in sorted(merged.items())}, indent=1)
        tmp.write_text(text + "\n", encoding="utf-8")
        os.replace(tmp, path)
    return path


def read_numbers(archive: Path) -> dict[tuple[str, int], int]:
    """The archive's record of the last number given per series ({} when there is none yet)."""
    try:
        data = json.loads((archive / NUMBERS_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    found: dict[tuple[str, int], int] = {}
    for key, last in data.items() if isinstance(data, dict) else []:
        prefix, _, year = str(key).rpartition("-")
        if prefix and year.isdigit() and isinstance(last, int):
            found[(prefix, int(year))] = last
    return found


def numbers_given(paths: Paths, entries: Sequence[Entry] | None = None) -> dict[str, set[str]]:
    """Every registration number known to have been given out, outside the database: in the
    register's lines (purged ones included) and on the confirmations (number -> the confirmations'
    file names; an empty set for a number only the register knows)."""
    found = {number: set(names) for number, names in numbers_on_receipts(paths.receipts).items()}
    for entry in read(paths.journal) if entries is None else entries:
        for number in (entry.regnr, (entry.purged or {}).get("regnr")):
            if number:
                found.setdefault(str(number), set())
    return found


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


def highest_of(*records: Mapping[Series, int]) -> dict[Series, int]:
    """The highest number per series over several records of numbers given."""
    merged: dict[Series, int] = {}
    for record in records:
        for series, last in record.items():
            merged[series] = max(merged.get(series, 0), last)
    return merged


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


def refuse_lost_archive(paths: Paths, *, running: bool = False) -> None:
    """A missing or empty archive while the database holds submissions: the archive's share is not
    connected, or the archive was deleted. Carrying on would start a new, empty archive beside a
    database that points into the old one, and a later rebuild would give numbers out again, so every
    command that works on files refuses (exit code 3), like a missing inbox."""
    if running:  # during a run the archive was there at its start: only its folder is looked at (cheap)
        if paths.archive.is_dir():
            return
        raise FolderError(
            f"Het archief {paths.archive} is verdwenen terwijl het programma liep (is de netwerkschijf "
            "losgekoppeld?). Er wordt niets meer verwerkt tot het archief er weer is; start daarna opnieuw."
        )
    if not paths.database.exists():
        return
    if paths.archive.is_dir() and (has_entries(paths.journal) or _holds_originals(paths.archive)):
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
    what = "is er niet" if not paths.archive.is_dir() else "is leeg (geen originelen en geen register ontvangen.jsonl)"
    raise FolderError(
        f"Het archief {paths.archive} {what}, maar de database kent al {received} ontvangen bestanden. "
        "Is de netwerkschijf verbonden? Zet anders het archief terug uit een reservekopie; er wordt niets verwerkt."
    )


def _holds_originals(archive: Path) -> bool:
    """Whether the archive holds at least one original (one from before the register existed)."""
    return any(
        folder.is_dir()
        and not folder.name.startswith(".")
        and any(not p.name.startswith(".") for p in folder.iterdir())
        for folder in archive.iterdir()
    )


def has_entries(path: Path) -> bool:
    try:
        return path.stat().st_size > 0
    except OSError:
        return False


def rewrite(path: Path, entries: Sequence[Entry], *, keep_previous: bool = True) -> None:
    """Replace the journal (after a rebuild: keeping the previous one beside it; after a purge: not)."""
    text = _lines(entries)
    text += json.dumps({"committed": [e.id for e in entries]}) + "\n"  # a rewritten register is all real
    replace_lines(path, text, keep_previous=keep_previous)


def replace_lines(path: Path, text: str, *, keep_previous: bool) -> None:
    """Put `text` in place of an archive register (written aside, then renamed), keeping the previous
    one beside it as `<naam>.vorige.jsonl`, or removing that one (after a purge it holds what went)."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    previous = path.with_name(f"{path.stem}.vorige{path.suffix}")
    if path.exists() and keep_previous:
        os.replace(path, previous)
    elif not keep_previous:
        previous.unlink(missing_ok=True)
    os.replace(tmp, path)
