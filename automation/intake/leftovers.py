"""What stays in the inbox that the product does not take, since when, and why — and a word about it.

The intake leaves some entries alone on purpose (`files.is_ignored`, `files.candidates`): Office lock
files, hidden files, temporary downloads, symbolic links, folders. A file it would take can also keep
waiting: still being written, or locked by the program that has it open. Nobody would ever hear why.
`tell` looks at the inbox, remembers when each such entry was **first seen** by the product, and once
one has stayed longer than `[intake] onbehandeld_melden_na_minuten` it is reported: remembered (the
Overzicht shows that list: `reported`) and written in a short Dutch note, `Niet verwerkt in de
inbox.txt`, in the school's rejected folder (`outbox/afgewezen/<BRIN> <school>/`) where the name ties
it to a school, else in `outbox/afgewezen/school onbekend/`. The leftovers themselves are never touched.
Only the runner, which holds the working folder's lock, calls `tell` (once a round); `status` calls
`look`, which says the same and writes nothing.

An entry that may be a confidential report (`FormDef.confidential`, judged as its hand-back would be:
a waiting, hidden or temporary file by its content, a lock file by the workbook it locks or, once that
was taken, by the office's folders; a waiting file that cannot be read may be any report) is named
only in the office's own folder (`afgewezen/kantoor (vertrouwelijk)/<BRIN> <school>/`); its school's
note says without a name that a form waits.

Age is the time since the product first saw the entry, kept in `.veiligheid/onbehandeld.json`; a
file's mtime is not used (a copy keeps its source's mtime, a download sets whatever the server said).
So an entry that was already there before the first look counts from that first look. The list that
was last reported is kept in `.veiligheid/onbehandeld-gemeld.json`, rewritten only when it changes:
the master depends on that file, so a changed list also refreshes the Overzicht.
"""

from __future__ import annotations

import datetime as dt
import glob
import json
import logging
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from automation.config import STAGING_NAME, Settings
from automation.errors import explain_os_error
from automation.excel.read_form import check_package, read_form
from automation.filenames import school_folder_name
from automation.forms import FormDef
from automation.intake.decide import marked_form
from automation.intake.files import IGNORED_NAMES, TEMP_SUFFIXES, is_ignored, readable_name, write_durably
from automation.intake.handback import OFFICE_ONLY

log = logging.getLogger(__name__)

SEEN_NAME = "onbehandeld.json"  # in the state folder: when each entry was first seen
REPORTED_NAME = "onbehandeld-gemeld.json"  # the list last reported (the master depends on it)
NOTE_NAME = "Niet verwerkt in de inbox.txt"
UNKNOWN_SCHOOL = "school onbekend"


class Kind(StrEnum):
    """Why an entry in the inbox is not taken: a stable code (`status --json`) with one Dutch phrase."""

    LOCK = "vergrendelbestand"
    HIDDEN = "verborgen"
    TEMPORARY = "tijdelijk"
    LINK = "koppeling"
    FOLDER = "map"
    SPECIAL = "geen-bestand"
    WAITING = "wacht"


REASONS: Mapping[Kind, str] = {
    Kind.LOCK: "vergrendelbestand van Office: de werkmap is (of was) geopend in Excel of LibreOffice; sluit de "
    "werkmap, blijft dit bestand daarna staan, dan mag het weg",
    Kind.HIDDEN: "verborgen bestand (de naam begint met een punt): wordt niet verwerkt; geef het een gewone naam",
    Kind.TEMPORARY: "tijdelijk bestand of onvoltooide download: wordt niet verwerkt; sla het formulier op als "
    ".xlsx (zonder ~ aan het begin) en zet het opnieuw in de inbox",
    Kind.LINK: "snelkoppeling (symbolische koppeling): wordt niet gevolgd; zet het bestand zelf in de inbox",
    Kind.FOLDER: "map: mappen worden niet verwerkt; zet de bestanden zelf in de inbox, niet in een map",
    Kind.SPECIAL: "geen gewoon bestand: wordt niet verwerkt",
    Kind.WAITING: "wacht al lang: het wordt nog geschreven of is geopend (vergrendeld) in een ander programma; "
    "sluit het bestand",
}


@dataclass(frozen=True)
class Leftover:
    """One entry in the inbox that the product does not take."""

    name: str  # as it stands in the inbox
    kind: Kind
    since: dt.datetime  # first seen by the product (not the file's mtime)
    school: str | None  # the BRIN it can be tied to, if any
    school_name: str = ""
    confidential: str | None = None  # why only the board's office may read its name (see `confidential_on`)

    @property
    def reason(self) -> str:
        return REASONS[self.kind]

    def as_dict(self) -> dict[str, Any]:
        return {
            "naam": self.name,
            "soort": str(self.kind),
            "reden": self.reason,
            "sinds": self.since.isoformat(timespec="seconds"),
            "school": self.school,
            "vertrouwelijk": self.confidential is not None,
        }


def look(settings: Settings, *, now: dt.datetime | None = None) -> list[Leftover]:
    """What stays in the inbox longer than the configured time, oldest first, as `tell` would report
    it now: reads the inbox and the state, **writes nothing** (for `status`, which anyone may run, as
    another account or beside the watcher, without the working folder's lock). An entry the runner
    has not seen yet counts from now."""
    moment = (now or dt.datetime.now()).replace(microsecond=0)
    entries = scan(settings.paths.inbox)
    if entries is None:  # no inbox now (a share that is not connected): nothing to say
        return []
    return _due(settings, entries, _seen(_read_json(settings.paths.state / SEEN_NAME), entries, moment), moment)


def tell(settings: Settings, *, now: dt.datetime | None = None) -> list[Leftover]:
    """Look at the inbox, note what is new, and report what has stayed longer than the configured
    time: returned, oldest first, remembered (`reported`, for the Overzicht) and written as a note
    per school folder (rewritten when the list changes, removed when a folder's list is empty).
    Changes shared state: only the holder of the working folder's lock calls it, once a round (the
    runner). Never raises for a disk problem (logged): the runner must go on."""
    moment = (now or dt.datetime.now()).replace(microsecond=0)
    entries = scan(settings.paths.inbox)
    if entries is None:  # no inbox now (a share that is not connected): change nothing, say nothing
        return []
    seen_path = settings.paths.state / SEEN_NAME
    old = _read_json(seen_path)
    seen = _seen(old, entries, moment)
    try:
        _remember_seen(seen_path, seen, old=old)
    except OSError as exc:
        log.warning("Kon niet vastleggen wat er onverwerkt in de inbox staat (%s).", explain_os_error(exc))
    due = _due(settings, entries, seen, moment)
    try:
        _remember_reported(settings.paths.state / REPORTED_NAME, due)
        write_notes(settings, due)
    except OSError as exc:
        log.warning("Kon de melding over onverwerkte bestanden in de inbox niet schrijven (%s).", explain_os_error(exc))
    return due


def reported(settings: Settings) -> list[Leftover]:
    """The list `tell` reported last (what the notes say), read back without looking at the inbox:
    what the Overzicht shows. Nothing is written; an unreadable record is an empty list."""
    found = []
    for item in _read_json(reported_record(settings)).get("onbehandeld", []):
        try:
            brin = item["school"]
            found.append(
                Leftover(
                    name=str(item["naam"]),
                    kind=Kind(item["soort"]),
                    since=dt.datetime.fromisoformat(item["sinds"]),
                    school=brin,
                    school_name=settings.schools.get(brin, "") if brin else "",
                    confidential="vertrouwelijk" if item.get("vertrouwelijk") else None,
                )
            )
        except (KeyError, ValueError, TypeError):
            continue
    return found


def _due(
    settings: Settings, entries: Mapping[str, Kind], seen: Mapping[str, dt.datetime], moment: dt.datetime
) -> list[Leftover]:
    after = dt.timedelta(minutes=settings.board.intake.onbehandeld_melden_na_minuten)
    due = [
        _leftover(name, kind, seen[name], settings, inbox_names=list(entries))
        for name, kind in entries.items()
        if moment - seen[name] >= after
    ]
    due.sort(key=lambda item: (item.since, item.name))
    return due


def reported_record(settings: Settings) -> Path:
    """The file that changes when the reported list changes (for the master's `depends_on`)."""
    return settings.paths.state / REPORTED_NAME


def scan(inbox: Path) -> dict[str, Kind] | None:
    """What in the inbox the product does not take (now), by name; None when the inbox cannot be
    read. The staging folder and the system's own clutter (Thumbs.db, desktop.ini, .DS_Store: nobody
    dropped those) are left out; a file the intake would take counts as `WAITING` (it is reported
    only if it stays)."""
    try:
        with os.scandir(inbox) as listing:
            entries = list(listing)
    except OSError:  # no inbox (status says so), or a share that is briefly gone
        return None
    found: dict[str, Kind] = {}
    for entry in entries:
        if entry.name == STAGING_NAME or entry.name.lower() in IGNORED_NAMES:
            continue
        kind = classify(entry)
        if kind is not None:
            found[readable_name(entry.name)] = kind
    return found


def classify(entry: os.DirEntry[str]) -> Kind | None:
    """The kind of an inbox entry (None: gone meanwhile)."""
    try:
        if entry.is_symlink():
            return Kind.LINK
        if entry.is_dir(follow_symlinks=False):
            return Kind.FOLDER
        regular = entry.is_file(follow_symlinks=False)
    except OSError:
        return None
    name = entry.name
    if is_ignored(name):
        return kind_of_name(name)
    return Kind.WAITING if regular else Kind.SPECIAL


def kind_of_name(name: str) -> Kind:
    """Why `files.is_ignored` leaves this name alone."""
    if name.startswith("~$") or name.startswith(".~lock."):
        return Kind.LOCK
    if name.lower().endswith(TEMP_SUFFIXES) or name.startswith("~"):
        return Kind.TEMPORARY
    return Kind.HIDDEN


def locked_workbook(name: str) -> str | None:
    """The workbook an Office lock file stands for: '~$melding.xlsx' -> 'melding.xlsx' (Word may drop
    the first two characters of a long name: matched by its end), '.~lock.melding.xlsx#' -> 'melding.xlsx'."""
    if name.startswith("~$"):
        return name[2:]
    if name.startswith(".~lock.") and name.endswith("#"):
        return name[len(".~lock.") : -1]
    return None


def school_of(
    name: str, schools: Mapping[str, str], *, inbox_names: Iterable[str] = (), inbox: Path | None = None
) -> str | None:
    """The school a name can be tied to: it holds the school's BRIN (as a word) or its name; a lock
    file also through the workbook it locks, while that is in the inbox: by the workbook's name, or
    (with `inbox`) by the school filled in on it. None when no school or more than one matches."""
    texts = [name]
    workbook = locked_workbook(name)
    locked = [other for other in inbox_names if other != name and other.endswith(workbook)] if workbook else []
    texts += locked
    if inbox is not None:
        texts += [school for other in locked if (school := school_on_form(inbox / other))]
    for text in texts:
        found = _schools_in(text, schools)
        if len(found) == 1:
            return found.pop()
    return None


@dataclass(frozen=True)
class OnForm:
    """What a workbook in the inbox says about itself, read without taking it."""

    school: str | None  # the school filled in on it (None: no form of ours, or not filled in)
    confidential: str | None  # why only the board's office may read its name, or None


DOUBT = "de inhoud kon niet worden gelezen; het kan een vertrouwelijke melding zijn"


@dataclass(frozen=True)
class _Read:
    form: FormDef | None  # the form of ours it is (by its values, or by its marker), if any
    values: Mapping[str, Any]  # what could be read ({}: nothing)
    doubt: bool  # its content could not be told (locked, too large, gone, half written)


_READ: dict[tuple[Path, int, int], _Read] = {}  # (path, size, mtime) -> what was read


def read_on_form(
    path: Path, *, choices: Mapping[str, Sequence[str]] | None = None, max_bytes: int = 25 << 20
) -> OnForm:
    """What a file in the inbox says (read, not taken; a workbook open in Excel can be read; what was
    read is remembered while the file is unchanged). Confidential as a hand-back would be
    (`decide.confidential`: a form of ours by its values, or by its marker when they cannot be read),
    and **when in doubt**: a file that cannot be read (locked, too large, gone, half written) may be
    any report. A complete workbook that is no form of ours is not confidential by its content."""
    read = _read(path, max_bytes=max_bytes)
    if read.doubt:
        return OnForm(None, DOUBT)
    if read.form is None:
        return OnForm(None, None)
    school = read.values.get("school")
    return OnForm(None if school is None else str(school), read.form.confidential_reason(read.values, choices=choices))


def _read(path: Path, *, max_bytes: int) -> _Read:
    try:
        st = path.stat()
        key = (path, st.st_size, st.st_mtime_ns)
        if key not in _READ:
            if len(_READ) > 256:
                _READ.clear()
            _READ[key] = _Read(None, {}, doubt=True) if st.st_size > max_bytes else _parse(path.read_bytes(), max_bytes)
    except OSError:
        return _Read(None, {}, doubt=True)
    return _READ[key]


def _parse(data: bytes, max_bytes: int) -> _Read:
    try:
        raw = read_form(data, max_uncompressed=max_bytes * 20)
    except Exception:  # not a form of ours, another version, damaged, half written
        form = marked_form(data)
        if form is not None:
            return _Read(form, {}, doubt=False)
        try:
            check_package(data, max_uncompressed=max_bytes * 20)
        except Exception:  # not a complete workbook: perhaps one still being written
            return _Read(None, {}, doubt=True)
        return _Read(None, {}, doubt=False)
    return _Read(raw.form, raw.values, doubt=False)


def school_on_form(path: Path, *, max_bytes: int = 25 << 20) -> str | None:
    """The school filled in on a form in the inbox (see `read_on_form`). None when it is no form of
    ours or cannot be read."""
    return read_on_form(path, max_bytes=max_bytes).school


def confidential_on(name: str, kind: Kind, settings: Settings, *, inbox_names: Iterable[str]) -> str | None:
    """Why only the board's office may read this entry's name (it may be, or lock, a confidential
    report: `FormDef.confidential`, the hand-back's rule), or None. A waiting file and a hidden or
    temporary file are judged by their content; a lock file by the workbook it locks while that is in
    the inbox, else by whether the office already holds a confidential report of that name (a lock
    left behind by Excel after the report was taken); links, folders and the like are not read."""
    inbox, choices = settings.paths.inbox, settings.choices
    if kind in (Kind.WAITING, Kind.HIDDEN, Kind.TEMPORARY):
        judged = read_on_form(inbox / name, choices=choices)
        if kind is not Kind.WAITING and judged.confidential == DOUBT:
            return None  # a name the intake never takes, whose content tells nothing: not a report
        return judged.confidential
    workbook = locked_workbook(name) if kind is Kind.LOCK else None
    if not workbook:
        return None
    locked = [other for other in inbox_names if other != name and other.endswith(workbook)]
    for other in locked:
        why = read_on_form(inbox / other, choices=choices).confidential
        if why is not None:
            return why
    return OFFICE_HOLDS if not locked and _office_holds(settings, workbook) else None


OFFICE_HOLDS = "het bestuurskantoor heeft een vertrouwelijke melding met deze naam"


def _office_holds(settings: Settings, workbook: str) -> bool:
    """Whether the office's own folders hold a confidential report of this name: handed back
    ('<naam>', or its end: Word may drop the lock name's first characters), or confirmed
    ('<nummer> - <naam zonder extensie>.txt')."""
    stem = Path(workbook).stem
    looks = (
        (settings.paths.rejected / OFFICE_ONLY, f"*/*{glob.escape(workbook)}"),
        (settings.paths.receipts / OFFICE_ONLY, f"*/* - *{glob.escape(stem)}*.txt"),
    )
    try:
        return any(next(folder.glob(pattern), None) is not None for folder, pattern in looks if folder.is_dir())
    except OSError:  # the office's folder cannot be read: it may hold one
        return True


SCHOOL_TYPE = re.compile(r"^[A-Z]{2,5}\s+(?=\S.{3,})")  # 'OBS ', 'CBS ', 'IKC ', 'RKBS ' before the name itself


def _schools_in(text: str, schools: Mapping[str, str]) -> set[str]:
    """The schools whose BRIN (as a word) or name (with or without 'OBS', 'CBS', ...) is in `text`."""
    folded = text.casefold()
    found = {brin for brin in schools if re.search(rf"(?<![0-9a-z]){re.escape(brin.casefold())}(?![0-9a-z])", folded)}
    for brin, school in schools.items():
        if SCHOOL_TYPE.sub("", school).casefold() in folded:
            found.add(brin)
    return found


def _leftover(name: str, kind: Kind, since: dt.datetime, settings: Settings, *, inbox_names: list[str]) -> Leftover:
    schools, inbox = settings.schools, settings.paths.inbox
    brin = school_of(name, schools, inbox_names=inbox_names, inbox=inbox)
    why = confidential_on(name, kind, settings, inbox_names=inbox_names)
    on_form = read_on_form(inbox / name).school if why is not None and brin is None and kind is Kind.WAITING else None
    if on_form is not None:  # only the office's folder names it: the one of its school
        found = _schools_in(on_form, schools)
        brin = found.pop() if len(found) == 1 else None
    return Leftover(name, kind, since, brin, schools.get(brin, "") if brin else "", confidential=why)


# --- the state: first seen, last reported -------------------------------------------------------


def _seen(old: Mapping[str, Any], entries: Mapping[str, Kind], moment: dt.datetime) -> dict[str, dt.datetime]:
    """When each current entry was first seen (by the record `old`); entries gone are forgotten (one
    that comes back counts from its return), a new one counts from `moment`."""
    seen: dict[str, dt.datetime] = {}
    for name in entries:
        try:
            seen[name] = min(dt.datetime.fromisoformat(str(old[name])), moment)
        except (KeyError, ValueError, TypeError):
            seen[name] = moment
    return seen


def _remember_seen(path: Path, seen: Mapping[str, dt.datetime], *, old: Mapping[str, Any]) -> None:
    """Rewritten only when an entry came or went."""
    stored = {name: when.isoformat(timespec="seconds") for name, when in seen.items()}
    if stored != old:
        _write_json(path, stored)


def _remember_reported(path: Path, due: list[Leftover]) -> None:
    listed = [item.as_dict() for item in due]
    if _read_json(path) != {"onbehandeld": listed}:
        _write_json(path, {"onbehandeld": listed})


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_json(path: Path, data: Mapping[str, Any]) -> None:
    text = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True)
    write_durably(path, text.encode("utf-8"), fsync=False)


# --- the notes -----------------------------------------------------------------------------------


def school_folder(settings: Settings, item: Leftover) -> Path:
    """The rejected folder of the school the entry is tied to, else 'school onbekend'."""
    rejected = settings.paths.rejected
    return rejected / (school_folder_name(item.school, item.school_name) if item.school else UNKNOWN_SCHOOL)


def note_folder(settings: Settings, item: Leftover) -> Path:
    """Where the entry is named: its school's folder, or for one that may be a confidential report
    (`Leftover.confidential`) the office's own folder (`handback.OFFICE_ONLY`), as its hand-back would."""
    if item.confidential is None:
        return school_folder(settings, item)
    return settings.paths.rejected / OFFICE_ONLY / school_folder(settings, item).name


def note_text(settings: Settings, items: Sequence[Leftover], *, unnamed: Sequence[Leftover] = ()) -> str:
    """The note for one folder: what stays in the inbox, since when, and why (no time of writing,
    so the note only changes when its list does). `unnamed`: forms the office's own note names, said
    here without name or reason (only that one waits, since when)."""
    one = len(items) + len(unnamed) == 1
    lines = [
        f"{'Dit bestand staat' if one else 'Deze bestanden staan'} in de inbox ({settings.inbox_for_staff}), maar "
        f"{'wordt' if one else 'worden'} niet verwerkt. Het programma laat {'het' if one else 'ze'} daar staan en "
        f"raakt {'het' if one else 'ze'} niet aan; haal weg of pas aan wat hieronder staat.",
        "",
    ]
    for item in items:
        lines.append(f'- "{item.name}" (sinds {item.since:%d-%m-%Y %H:%M}): {item.reason}.')
    for item in unnamed:
        lines.append(
            f"- een formulier (sinds {item.since:%d-%m-%Y %H:%M}): het bestuurskantoor weet ervan. Heeft u een "
            "formulier in de inbox open staan, sluit het dan."
        )
    lines += ["", "Dit bericht verdwijnt vanzelf zodra er niets meer blijft staan."]
    return "\r\n".join(lines) + "\r\n"  # Notepad on older Windows shows bare LF as one line


def write_notes(settings: Settings, due: list[Leftover]) -> list[Path]:
    """One note per folder with leftovers (written when its text changes); notes in folders that
    have none any more are removed. Never inside the inbox (the intake would take it). An entry that
    may be a confidential report is named only in the office's folder; its school's folder says
    without a name that a form waits."""
    named: dict[Path, list[Leftover]] = {}
    unnamed: dict[Path, list[Leftover]] = {}
    for item in due:
        named.setdefault(note_folder(settings, item), []).append(item)
        if item.confidential is not None:
            unnamed.setdefault(school_folder(settings, item), []).append(item)
    written = []
    for folder in {**named, **unnamed}:
        if settings.paths.inbox in (folder, *folder.parents):
            log.warning("De map %s ligt in de inbox: daar komt geen melding (de inbox zou hem verwerken).", folder)
            continue
        note = folder / NOTE_NAME
        text = note_text(settings, named.get(folder, []), unnamed=unnamed.get(folder, []))
        try:
            current = note.read_text(encoding="utf-8-sig")
        except OSError:
            current = None
        if current is not None and current.replace("\r\n", "\n") == text.replace("\r\n", "\n"):
            continue
        write_durably(note, ("\ufeff" + text).encode("utf-8"), fsync=False)  # with a BOM: Notepad reads it as UTF-8
        written.append(note)
    rejected = settings.paths.rejected
    for old in [*rejected.glob(f"*/{NOTE_NAME}"), *(rejected / OFFICE_ONLY).glob(f"*/{NOTE_NAME}")]:
        if old.parent not in named and old.parent not in unnamed:
            old.unlink(missing_ok=True)
    return written
