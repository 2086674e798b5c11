"""Rebuild the database from the archive (`veiligheid rebuild`), when it was lost or damaged.

Every original is in the archive and the archive's journal says when each arrived, under what name
and in what order. Replaying them in that order through the same judgement gives the same
registrations with the same numbers (as long as the config — schools, lists, profiles — is the
same). Originals in the archive that the journal does not know (from before it existed) follow, by
file time. The old database file is never deleted: it is renamed aside. What the office typed in
the master is read back from it at the next master rebuild.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from automation.config import Settings
from automation.errors import ArchiveDamaged, FolderError
from automation.filenames import safe_name
from automation.intake import files, journal, office, tidy
from automation.intake.journal import Entry
from automation.intake.pipeline import Intake
from automation.privacy import load_secret
from automation.store import Outcome, Store, Submission, now_text

log = logging.getLogger(__name__)
GROUP = 200  # files stored per transaction


@dataclass
class RebuildReport:
    moved_aside: list[Path]
    counts: dict[str, int] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)  # what could not be restored, one line each
    unlisted: int = 0  # in the archive, not in the journal
    damaged: list[str] = field(default_factory=list)  # archived originals whose SHA-256 no longer matches
    only_receipt: list[str] = field(default_factory=list)  # numbers only a confirmation still names
    renumbered: list[str] = field(default_factory=list)  # 'old → new': a number another registration holds
    office_missing: list[str] = field(default_factory=list)  # office actions on a registration not restored
    mail_waiting: int = 0  # messages still waiting in the old database's queue, carried into the new one


def _archived(archive: Path) -> list[Path]:
    return [
        p
        for p in archive.rglob("*")
        if p.is_file() and p.parent != archive and not p.name.startswith(".") and " " in p.name
    ]


@dataclass(frozen=True)
class Step:
    """One line of the rebuild: an archived original to replay (`path`), or a purged one (None)."""

    path: Path | None
    entry: Entry
    number: str | None  # the number it was given (from the register, else from its confirmation)


def _plan(settings: Settings, entries: list[Entry], receipts: dict[str, set[str]]) -> tuple[list[Step], list[Step]]:
    """What to replay, in the order received, and what the register knows but the archive lacks."""
    archive = settings.paths.archive
    known = {e.archive for e in entries}
    confirmed = _by_key(receipts)
    lines: list[tuple[Path | None, Entry, bool]] = []  # path, entry, present
    for entry in entries:
        path = archive / entry.archive
        if entry.purged is not None:  # its original went at a purge; the register has what the store kept
            lines.append((None, entry, True))
        else:
            lines.append((path, entry, path.is_file()))
    unlisted = sorted(
        (p for p in _archived(archive) if p.relative_to(archive).as_posix() not in known),
        key=lambda p: (p.stat().st_mtime, confirmed.get(_receipt_key(p.name.split(" ", 1)[1]), [""])[0], p.name),
    )
    for path in unlisted:
        at = dt.datetime.fromtimestamp(path.stat().st_mtime).replace(microsecond=0)
        name = path.name.split(" ", 1)[1]
        lines.append((path, Entry(0, now_text(at), name, "", path.relative_to(archive).as_posix()), True))
    numbers = _numbers_from_receipts([entry for _, entry, _ in lines], confirmed)
    plan = [Step(path, entry, numbers[i]) for i, (path, entry, present) in enumerate(lines) if present]
    missing = [Step(path, entry, numbers[i]) for i, (path, entry, present) in enumerate(lines) if not present]
    return plan, missing


def _receipt_key(name: str) -> str:
    """What a confirmation's name holds after '<nummer> - ' for a file of this name."""
    return safe_name(f"INC-2026-0000 - {Path(name).stem}.txt")[len("INC-2026-0000 - ") :]


def _by_key(receipts: dict[str, set[str]]) -> dict[str, list[str]]:
    """Confirmation key -> the numbers confirmed under it, lowest first (duplicates' ones left out)."""
    found: dict[str, list[str]] = {}
    for number, names in receipts.items():
        for receipt in names:
            rest = receipt[len(number) + 3 :]
            if not rest.endswith(" (dubbel).txt"):
                found.setdefault(rest, []).append(number)
    return {key: sorted(set(numbers)) for key, numbers in found.items()}


def _numbers_from_receipts(entries: list[Entry], queues: dict[str, list[str]]) -> list[str | None]:
    """Each line's number: the register's own, or for a line written before the register kept
    numbers, the lowest not yet used number of a confirmation with its file's name (lines in the
    order received, so files of the same name get their numbers in order)."""
    used = {e.regnr for e in entries if e.regnr}
    numbers: list[str | None] = []
    for entry in entries:
        number = entry.regnr
        if number is None and entry.purged is None and entry.rejected is None:
            queue = [n for n in queues.get(_receipt_key(entry.name), []) if n not in used]
            number = queue[0] if queue else None
            if number:
                used.add(number)
        numbers.append(number)
    return numbers


def _restore(store: Store, entry: Entry, *, run_id: int | None) -> tuple[Outcome, int]:
    """A purged file: its submission and record as the purge left them, under the same number."""
    info = entry.purged or {}
    regnr = info.get("regnr")
    sub = Submission(
        received_at=entry.at,
        original_name=entry.name,
        inbox_path="",
        sha256=entry.sha256,
        size=0,
        archive_path=entry.archive,
        form_id=info.get("form_id"),
        form_version=info.get("form_version"),
        outcome=Outcome(info.get("outcome", Outcome.REJECTED)),
        kind=info.get("kind"),
        reasons="Persoonsgegevens verwijderd na de bewaartermijn.",
        content_key=info.get("content_key"),
        rejected_path=None,
    )
    sub_id = store.add_submission(sub, run_id=run_id, regnr=regnr)
    record = info.get("record")
    if regnr:
        store.claim_regnr(regnr)
        if record and store.record(regnr) is None:
            store.insert_record(
                regnr=regnr,
                form_id=record["form_id"],
                school=record["school"],
                event_date=record["event_date"],
                data=record["data"],
                submission_id=sub_id,
                at=record["created_at"],
            )
    store.mark_finished(sub_id)
    return sub.outcome, sub_id


def _move_aside(database: Path, moment: dt.datetime) -> list[Path]:
    moved = []
    for suffix in ("", "-wal", "-shm"):
        source = database.with_name(database.name + suffix)
        if source.exists():
            target = database.with_name(f"{database.name}.vervangen-{moment:%Y%m%d-%H%M%S}{suffix}")
            os.replace(source, target)
            moved.append(target)
    return moved


def _receipts_disagree(store: Store, on_receipts: dict[str, set[str]]) -> list[str]:
    """Numbers a confirmation gave to one file that the rebuilt database gives to another (possible
    only for files received before the journal kept numbers, when originals are missing)."""
    names = store.names_by_number(set(on_receipts))
    found = []
    for regnr, receipts in sorted(on_receipts.items()):
        if regnr not in names or not receipts:  # a number only the register knows: nothing to compare
            continue
        expected = {safe_name(f"{regnr} - {Path(n).stem}{d}.txt") for n in names[regnr] for d in ("", " (dubbel)")}
        if not receipts & expected:
            found.append(
                f"{regnr}: de bevestiging '{sorted(receipts)[0]}' hoort bij een ander bestand dan nu ({', '.join(sorted(names[regnr]))})"
            )
    return found


def _missing_line(step: Step) -> str:
    number = f", nummer {step.number}" if step.number else ""
    return f"{step.entry.name} (ontvangen {step.entry.at}{number}): het origineel ontbreekt in het archief"


def rebuild(
    settings: Settings,
    *,
    now: Callable[[], dt.datetime] = dt.datetime.now,
    progress: Callable[[int, int], None] | None = None,
) -> RebuildReport:
    """Replay the archive into a new database. Every number ever given out stays given: a replayed
    registration gets its own number back (from the register, or for an older line from its
    confirmation), and numbers that cannot be restored (their original is missing, or only a
    confirmation still names them) are never handed out again. An original whose SHA-256 no longer
    matches is not replayed; the rebuild finishes the rest, writes it to the Logboek and then stops
    with `ArchiveDamaged` (exit code 7).

    The new database is built under a temporary name and only takes the real one's place when it
    is complete: a rebuild that is killed leaves the old state (or none, which every command then
    refuses), never a half-built database that looks healthy."""
    paths = settings.paths
    if not paths.archive.is_dir():
        raise FolderError(
            f"Het archief {paths.archive} is er niet; zonder archief kan de database niet worden herbouwd."
        )
    tidy.clear_half_written([paths.archive])  # temporary copies of a run that was killed
    entries = journal.read(paths.journal)
    given = journal.numbers_given(paths, entries)
    plan, missing = _plan(settings, entries, given)
    highest = journal.highest_of(journal.high_water(given), journal.read_numbers(paths.archive))
    moment = now().replace(microsecond=0)
    report = RebuildReport(
        moved_aside=[],
        missing=[_missing_line(step) for step in missing],
        unlisted=sum(1 for s in plan if not s.entry.id),
    )
    building = paths.database.with_name(f"{paths.database.name}.herbouw")
    _remove_database(building)  # of a rebuild that was killed
    store = Store.open(building, create=True, durable=False)
    try:
        intake = Intake(settings, store, secret=load_secret(paths.secret), now=now)
        intake.run_id = store.start_run("rebuild", now_text(moment))
        written: list[Entry] = []
        set_aside: list[Entry] = [step.entry for step in missing]
        actions = office.read_journal(settings)  # what the office did, replayed at its moment among the files
        logged, renumbered = list(actions), {}
        for start in range(0, len(plan), GROUP):
            with store.transaction():
                for step in plan[start : start + GROUP]:
                    entry = step.entry
                    due = next((i for i, a in enumerate(actions) if not a.due_before(entry.id)), len(actions))
                    if due and entry.id > 0:
                        report.office_missing += office.replay(store, settings, actions[:due], run_id=intake.run_id)
                        actions = actions[due:]
                    if step.path is None:
                        outcome, sub_id = _restore(store, entry, run_id=intake.run_id)
                        sha = entry.sha256
                    else:
                        try:
                            outcome, sub_id, sha = intake.replay(
                                step.path,
                                name=entry.name,
                                received=dt.datetime.fromisoformat(entry.at),
                                rejected=entry.rejected,
                                sha256=entry.sha256 or _named_hash(step.path),
                                number=step.number,
                                avoid=given.keys(),
                            )
                        except ArchiveDamaged as damaged:
                            report.damaged.append(f"{entry.name} ({entry.at}): {damaged.message}")
                            store.add_event(
                                at=now_text(moment),
                                kind="archief-beschadigd",
                                name=entry.name,
                                message=damaged.message,
                                run_id=intake.run_id,
                            )
                            set_aside.append(entry)  # stays in the register
                            continue
                    regnr = store.submission_number(sub_id)
                    if step.number and regnr and regnr != step.number and outcome is Outcome.ACCEPTED:
                        report.renumbered.append(f"{step.number} → {regnr} ({entry.name})")
                    report.counts[outcome] = report.counts.get(outcome, 0) + 1
                    written.append(replace(entry, id=sub_id, sha256=sha, regnr=regnr or step.number))
                    if entry.id > 0:
                        renumbered[entry.id] = sub_id
            if progress:
                progress(min(start + GROUP, len(plan)), len(plan))
        with store.transaction():
            report.office_missing += office.replay(store, settings, actions, run_id=intake.run_id)
        # numbers given out that this database does not hold: never given again
        held = store.numbers()
        lost_with_original = {step.number for step in missing if step.number}
        report.only_receipt = [n for n in sorted(set(given) - held) if n not in lost_with_original]
        report.renumbered += _receipts_disagree(store, given)
        with store.transaction():
            store.claim_numbers(highest)
        report.mail_waiting = _carry_mail(store, paths.database, at=now_text(moment), run_id=intake.run_id)
        message = (
            f"Database herbouwd uit het archief: {len(written)} bestanden opnieuw verwerkt"
            + (f"; {len(report.missing)} originelen ontbreken" if report.missing else "")
            + (f"; {len(report.only_receipt)} nummers alleen nog op een bevestiging" if report.only_receipt else "")
            + (f"; {len(report.damaged)} originelen veranderd of onleesbaar" if report.damaged else "")
            + (f"; {len(report.renumbered)} met een ander nummer" if report.renumbered else "")
            + (f"; {report.unlisted} zonder registerregel (op bestandstijd)" if report.unlisted else "")
            + (f"; {report.mail_waiting} wachtende e-mailberichten overgenomen" if report.mail_waiting else "")
            + "."
        )
        lines = (
            report.missing
            + [f"{n}: alleen nog bekend uit een bevestiging; niet hersteld" for n in report.only_receipt]
            + [f"ander nummer: {r}" for r in report.renumbered]
            + report.office_missing
        )
        for line in lines:
            store.add_event(
                at=now_text(moment), kind="niet-hersteld", name=paths.database.name, message=line, run_id=intake.run_id
            )
        store.add_event(
            at=now_text(moment), kind="herbouwd", name=paths.database.name, message=message, run_id=intake.run_id
        )
        store.finish_run(intake.run_id, at=now_text(now()), counts=report.counts)
        store.flush()
    finally:
        store.close()
    # complete: the new database takes the old one's place (kept aside), then the register follows
    report.moved_aside = _move_aside(paths.database, moment)
    os.replace(building, paths.database)
    paths.master_stamp.unlink(missing_ok=True)  # read the office's notes back from the master next time
    # lines whose original is missing or changed stay in the register (with their number) under ids
    # no submission uses (-1, -2, ...), so a later rebuild still knows the number and the gap
    journal.rewrite(paths.journal, written + [replace(e, id=-n) for n, e in enumerate(set_aside, start=1)])
    office.rewrite_journal(settings, logged, renumbered)
    log.info(message)
    if report.damaged:
        raise ArchiveDamaged(
            f"{len(report.damaged)} origineel/originelen in het archief zijn veranderd sinds ontvangst en zijn niet "
            f"opnieuw verwerkt (eerste: {report.damaged[0]}). De rest is herbouwd; zet de originelen terug uit een "
            "reservekopie en herbouw opnieuw.",
            path=str(paths.archive),
            expected="",
            found=None,
        )
    return report


def _carry_mail(store: Store, old: Path, *, at: str, run_id: int | None) -> int:
    """The old database's e-mail queue into the new one (the replay tells nobody again): what still
    waited is sent from the new one, once; what was sent or given up stays so, and is not queued again.
    An old queue that cannot be read is said in the Logboek; the old file is kept aside all the same."""
    if not old.exists():
        return 0
    try:
        return store.carry_mail_from(old)
    except sqlite3.Error as exc:
        line = (
            f"de e-mailwachtrij van de oude database is onleesbaar ({exc}); berichten die daarin nog wachtten, "
            "zijn niet overgenomen (de oude database blijft ernaast bewaard)"
        )
        log.warning("Herbouwen: %s.", line)
        store.add_event(at=at, kind="niet-hersteld", name=old.name, message=line, run_id=run_id)
        return 0


def _named_hash(path: Path) -> str:
    """An original without a register line: the hash its name begins with (its first 24 hex digits)
    must still be its own."""
    prefix = path.name.split(" ", 1)[0]
    actual = files.sha256_of(path)
    if not actual.startswith(prefix):
        raise ArchiveDamaged(
            f"Het origineel {path} in het archief is veranderd: SHA-256 {actual[:12]}… in plaats van {prefix[:12]}….",
            path=str(path),
            expected=prefix,
            found=actual,
        )
    return actual


def _remove_database(database: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        database.with_name(database.name + suffix).unlink(missing_ok=True)
