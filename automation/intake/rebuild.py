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
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from automation.config import Settings
from automation.errors import ArchiveDamaged, FolderError
from automation.filenames import safe_name
from automation.intake import journal
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
    renumbered: list[str] = field(default_factory=list)  # 'old → new': a number another registration holds


def _archived(archive: Path) -> list[Path]:
    return [
        p
        for p in archive.rglob("*")
        if p.is_file() and p.parent != archive and not p.name.startswith(".") and " " in p.name
    ]


def _plan(settings: Settings) -> tuple[list[tuple[Path | None, Entry]], list[Entry], int]:
    archive = settings.paths.archive
    entries = journal.read(settings.paths.journal)
    known = {e.archive for e in entries}
    plan: list[tuple[Path | None, Entry]] = []
    missing: list[Entry] = []
    for entry in entries:
        path = archive / entry.archive
        if entry.purged is not None:  # its original went at a purge; the journal has what the store kept
            plan.append((None, entry))
        elif path.is_file():
            plan.append((path, entry))
        else:
            missing.append(entry)
    unlisted = sorted(
        (p for p in _archived(archive) if p.relative_to(archive).as_posix() not in known),
        key=lambda p: (p.stat().st_mtime, p.name),
    )
    for path in unlisted:
        at = dt.datetime.fromtimestamp(path.stat().st_mtime).replace(microsecond=0)
        name = path.name.split(" ", 1)[1]
        plan.append((path, Entry(0, now_text(at), name, "", path.relative_to(archive).as_posix())))
    return plan, missing, len(unlisted)


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
        if regnr not in names:
            continue
        expected = {safe_name(f"{regnr} - {Path(n).stem}{d}.txt") for n in names[regnr] for d in ("", " (dubbel)")}
        if not receipts & expected:
            found.append(
                f"{regnr}: de bevestiging '{sorted(receipts)[0]}' hoort bij een ander bestand dan nu ({', '.join(sorted(names[regnr]))})"
            )
    return found


def _missing_line(entry: Entry) -> str:
    number = f", nummer {entry.regnr}" if entry.regnr else ""
    return f"{entry.name} (ontvangen {entry.at}{number}): het origineel ontbreekt in het archief"


def rebuild(
    settings: Settings,
    *,
    now: Callable[[], dt.datetime] = dt.datetime.now,
    progress: Callable[[int, int], None] | None = None,
) -> RebuildReport:
    """Replay the archive into a new database. Every number ever given out stays given: a replayed
    registration gets its own number back (the journal keeps it), and numbers that cannot be
    restored (their original is missing, or only a confirmation still names them) are never handed
    out again. An original whose SHA-256 no longer matches is not replayed; the rebuild finishes
    the rest, writes it to the Logboek and then stops with `ArchiveDamaged` (exit code 7)."""
    paths = settings.paths
    if not paths.archive.is_dir():
        raise FolderError(
            f"Het archief {paths.archive} is er niet; zonder archief kan de database niet worden herbouwd."
        )
    plan, missing, unlisted = _plan(settings)
    given = {e.regnr for e in journal.read(paths.journal) if e.regnr}
    given |= {str(e.purged["regnr"]) for e in journal.read(paths.journal) if e.purged and e.purged.get("regnr")}
    on_receipts = journal.numbers_on_receipts(paths.receipts)
    moment = now().replace(microsecond=0)
    report = RebuildReport(
        moved_aside=_move_aside(paths.database, moment),
        missing=[_missing_line(e) for e in missing],
        unlisted=unlisted,
    )
    paths.master_stamp.unlink(missing_ok=True)  # read the office's notes back from the master next time
    store = Store.open(paths.database, create=True, durable=False)
    try:
        intake = Intake(settings, store, secret=load_secret(paths.secret), now=now)
        intake.run_id = store.start_run("rebuild", now_text(moment))
        written: list[Entry] = []
        for start in range(0, len(plan), GROUP):
            with store.transaction():
                for path, entry in plan[start : start + GROUP]:
                    if path is None:
                        outcome, sub_id = _restore(store, entry, run_id=intake.run_id)
                        sha = entry.sha256
                    else:
                        try:
                            outcome, sub_id, sha = intake.replay(
                                path,
                                name=entry.name,
                                received=dt.datetime.fromisoformat(entry.at),
                                rejected=entry.rejected,
                                sha256=entry.sha256 or None,
                                number=entry.regnr,
                                avoid=given,
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
                            written.append(replace(entry, id=-abs(entry.id)))  # stays in the register
                            continue
                    regnr = store.submission_number(sub_id)
                    if entry.regnr and regnr and regnr != entry.regnr and outcome is Outcome.ACCEPTED:
                        report.renumbered.append(f"{entry.regnr} → {regnr} ({entry.name})")
                    report.counts[outcome] = report.counts.get(outcome, 0) + 1
                    written.append(replace(entry, id=sub_id, sha256=sha, regnr=regnr or entry.regnr))
            if progress:
                progress(min(start + GROUP, len(plan)), len(plan))
        # numbers given out that this database does not hold: never given again
        held = store.numbers()
        lost = sorted((given | set(on_receipts)) - held)
        only_receipt = [n for n in lost if n not in {e.regnr for e in missing}]
        report.missing += [f"{n}: alleen nog bekend uit een bevestiging; niet hersteld" for n in only_receipt]
        report.renumbered += _receipts_disagree(store, on_receipts)
        with store.transaction():
            store.claim_numbers(journal.high_water(given | set(on_receipts)))
        store.flush()
        # lines whose original is missing stay in the register (with their number), under an id no
        # submission uses, so a later rebuild still knows the number and still reports the gap
        journal.rewrite(paths.journal, written + [replace(e, id=-abs(e.id)) for e in missing])
        message = (
            f"Database herbouwd uit het archief: {len(written) - len(report.damaged)} bestanden opnieuw verwerkt"
            + (f"; {len(report.missing)} niet te herstellen" if report.missing else "")
            + (f"; {len(report.damaged)} originelen veranderd of onleesbaar" if report.damaged else "")
            + (f"; {len(report.renumbered)} met een ander nummer" if report.renumbered else "")
            + (f"; {unlisted} zonder registerregel (op bestandstijd)" if unlisted else "")
            + (
                f". De oude database staat ernaast: {', '.join(p.name for p in report.moved_aside)}"
                if report.moved_aside
                else ""
            )
            + "."
        )
        for line in report.missing + [f"ander nummer: {r}" for r in report.renumbered]:
            store.add_event(
                at=now_text(moment), kind="niet-hersteld", name=paths.database.name, message=line, run_id=intake.run_id
            )
        store.add_event(
            at=now_text(moment), kind="herbouwd", name=paths.database.name, message=message, run_id=intake.run_id
        )
        store.finish_run(intake.run_id, at=now_text(now()), counts=report.counts)
        store.flush()
        log.info(message)
    finally:
        store.close()
    if report.damaged:
        first = report.damaged[0]
        raise ArchiveDamaged(
            f"{len(report.damaged)} origineel/originelen in het archief zijn veranderd sinds ontvangst en zijn niet "
            f"opnieuw verwerkt (eerste: {first}). De rest is herbouwd; zet de originelen terug uit een reservekopie "
            "en herbouw opnieuw.",
            path=first,
            expected="",
            found=None,
        )
    return report
