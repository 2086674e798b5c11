"""The board office's corrections of a registration: withdraw it, move it to another school, merge two
reports of one event into one count, and undo each (issue 13).

A registration the office withdrew (status 'ingetrokken') or merged into another ('Zelfde melding
als') stays in its register with what it said, but is counted nowhere: not in the Overzicht, the
charts, the plans and annexes or Vensters (the store's counting queries leave it out). A moved one
counts for its new school, and that school may correct it. Each action

- is asked for in the master (the office's columns of a register, read back before every rebuild,
  see `take_from_master`) or by a command (`veiligheid registratie …`; while the watcher runs,
  through its request folder, see `ask` and `take_requests`);
- is checked first (a known number; an event form for a move or a merge; a known school; a merge
  keeps a report that is itself counted) and refused with a Dutch reason otherwise;
- is written to the archive's own register of office actions (`archief/kantooracties.jsonl`,
  synced before the database commit), so a rebuild replays it at its moment among the files;
- is a row of `office_actions` (which value went from what to what, why, from which command or
  saved master) and an event in the Logboek;
- tells the school: `<nummer> - gewijzigd door het bestuurskantoor.txt` in its confirmations folder
  (for a confidential report, in the office's own folder), with the registration's office history.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import uuid
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

from automation.config import Settings
from automation.errors import OptionProblem
from automation.excel.read_master import OfficeRow
from automation.filenames import safe_name, school_folder_name
from automation.forms import FORMS
from automation.intake import files, journal
from automation.intake.handback import OFFICE_ONLY, for_notepad
from automation.store import WITHDRAWN, Store, now_text
from automation.validation import school_of

log = logging.getLogger(__name__)

JOURNAL_NAME = "kantooracties.jsonl"  # in the archive, beside the register of received files
REQUESTS = "kantoor-verzoeken"  # in the working folder's .veiligheid/: commands waiting for the watcher
NOTICE = "gewijzigd door het bestuurskantoor"


class Action(StrEnum):
    """What the office can ask of a registration; the values are the subcommands' names."""

    WITHDRAW = "intrekken"
    MOVE = "verplaatsen"
    MERGE = "samenvoegen"
    UNDO = "herstellen"


@dataclass(frozen=True)
class Request:
    action: Action
    regnr: str
    reason: str = ""
    to: str | None = None  # MOVE: the school (BRIN or name); MERGE: the registration that stays
    anyway: bool = False  # also when it takes an open legal duty out of the counts (--toch)

    def as_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Request:
        raw = json.loads(text)
        return cls(Action(raw["action"]), raw["regnr"], raw.get("reason") or "", raw.get("to"), bool(raw.get("anyway")))


class Refused(OptionProblem):
    """An office action that cannot be done; the message says why in Dutch (exit code 2)."""


@dataclass(frozen=True)
class Change:
    """One value of one registration, from old to new: `status` (withdrawn or not), `school`, or
    `same_as` (the report a merged one is counted with)."""

    regnr: str
    field: str
    old: str | None
    new: str | None
    reason: str
    undoes: int | None = None  # the office action this one reverses


@dataclass(frozen=True)
class Origin:
    """Where an action came from: a command, or a saved master (its file name and SHA-256)."""

    source: str
    sha256: str | None = None
    run_id: int | None = None


def journal_path(settings: Settings) -> Path:
    return settings.paths.archive / JOURNAL_NAME


def requests_folder(settings: Settings) -> Path:
    return settings.paths.state / REQUESTS


# --- what a change means -----------------------------------------------------------------------------
def describe(change: Change, schools: Mapping[str, str], *, reason: bool = True) -> str:
    """In Dutch, for the Logboek, the school's notice (without the office's reason: that may say
    more than the school should read) and `registratie toon`."""

    def school(brin: str | None) -> str:
        return f"{brin} {schools[brin]}" if brin is not None and brin in schools else str(brin)

    if change.field == "school":
        text = f"verplaatst van {school(change.old)} naar {school(change.new)}"
    elif change.field == "same_as":
        text = f"samengevoegd met {change.new}" if change.new else f"niet meer samengevoegd met {change.old}"
    elif change.new == WITHDRAWN:
        text = "ingetrokken"
    else:
        text = f"niet meer ingetrokken (status {change.new or 'open'})"
    if change.undoes is not None:
        text = f"teruggedraaid: {text}"
    return text + (f"; reden: {change.reason}" if change.reason and reason else "")


def when(at: str) -> str:
    """'2026-12-03T14:29:07' as the confirmations write a moment: '03-12-2026 14.29'."""
    return f"{at[8:10]}-{at[5:7]}-{at[:4]} {at[11:13]}.{at[14:16]}"


def _record_or_refuse(store: Store, regnr: str) -> Any:
    """The registration, or None for a survey export's number (its results are kept, it has no form)."""
    record = store.record(regnr)
    if record is None and not store.surveys_of(regnr):
        raise Refused(f"Registratienummer {regnr} is niet bekend. Kijk het nummer na in het overzicht.")
    return record


EXPORT = "Export van een peiling"


def _event_form_or_refuse(record: Any, what: str) -> None:
    form = FORMS[record.form_id]
    if not form.is_event:
        raise Refused(
            f"{record.regnr} ({form.title}) is geen melding: {what} kan alleen met een melding "
            "(incident, agressie, ongeval). Trek het in, of laat de school een nieuw formulier sturen."
        )


def plan(store: Store, settings: Settings, request: Request) -> Change | None:
    """The change a request asks for, checked; None when it is already so. Raises `Refused`."""
    change = _plan(store, settings, request)
    return _as_undo(store, change) if change is not None and change.undoes is None else change


def _plan(store: Store, settings: Settings, request: Request) -> Change | None:
    regnr = request.regnr.strip().upper()
    record = _record_or_refuse(store, regnr)
    values = store.office_values(regnr)
    reason = " ".join(request.reason.split())
    if record is None and request.action not in (Action.WITHDRAW, Action.UNDO):
        raise Refused(
            f"{regnr} is een export van een peiling: die kun je alleen intrekken (en dat terugdraaien). Hoort ze "
            "bij een andere school, trek haar dan in en lever de export opnieuw in met de juiste school."
        )
    if request.action is Action.WITHDRAW:
        if values["status"] == WITHDRAWN:
            return None
        if not request.anyway and record is not None:
            _refuse_open_duties(record, "intrekken")
        merged = store.merged_into(regnr)
        if merged:
            raise Refused(
                f"{regnr} kan niet worden ingetrokken: {', '.join(merged)} is ermee samengevoegd en telt via "
                f"{regnr} mee. Maak die eerst los (of voeg ze samen met een andere melding)."
            )
        return Change(regnr, "status", values["status"], WITHDRAWN, reason)
    if request.action is Action.MOVE:
        _event_form_or_refuse(record, "verplaatsen")
        brin = school_of(request.to or "", settings.schools)
        if brin is None:
            known = ", ".join(f"{b} ({n})" for b, n in settings.schools.items())
            raise Refused(f"De school '{request.to}' is niet bekend. Kies een van: {known}.")
        return None if brin == values["school"] else Change(regnr, "school", values["school"], brin, reason)
    if request.action is Action.MERGE:
        _event_form_or_refuse(record, "samenvoegen")
        target = (request.to or "").strip().upper()
        if target == values["same_as"]:
            return None
        _check_merge(store, record, target)
        if not request.anyway:
            _refuse_open_duties(record, f"samenvoegen met {target}")
        return Change(regnr, "same_as", values["same_as"], target, reason)
    return _undo(store, settings, regnr, values, reason)


def _refuse_open_duties(record: Any, what: str) -> None:
    """A registration with a legal reporting duty not yet done (e.g. the Arbeidsinspectie) would
    take that duty out of the office's open actions: refused, unless asked for anyway (--toch)."""
    duties = [duty.to for duty in FORMS[record.form_id].duties if duty.open(record.data)]
    if duties:
        raise Refused(
            f"{record.regnr} heeft een wettelijke meldplicht die nog open staat ({', '.join(duties)}). Na "
            f"{what} staat die niet meer bij de open acties. Meld eerst (en verbeter de melding), of gebruik "
            "--toch als de melding echt niet meetelt."
        )


def _check_merge(store: Store, record: Any, target: str) -> None:
    regnr = record.regnr
    if target == regnr:
        raise Refused(f"{regnr} kan niet met zichzelf worden samengevoegd.")
    other = store.record(target)
    if other is None:
        raise Refused(f"{regnr} kan niet worden samengevoegd met {target}: dat nummer is niet bekend.")
    if other.form_id != record.form_id:
        raise Refused(
            f"{regnr} kan niet worden samengevoegd met {target}: dat is een ander soort melding "
            f"({FORMS[other.form_id].title}). Alleen meldingen van hetzelfde formulier gaan samen."
        )
    theirs = store.office_values(target)
    if theirs["same_as"] == regnr:
        raise Refused(f"{target} is al samengevoegd met {regnr}: ze tellen al als één melding (via {regnr}).")
    if theirs["same_as"]:
        raise Refused(
            f"{target} is zelf al samengevoegd met {theirs['same_as']}; voeg {regnr} samen met {theirs['same_as']}."
        )
    if theirs["status"] == WITHDRAWN:
        raise Refused(f"{target} is ingetrokken en telt niet mee; kies de melding die blijft meetellen.")
    merged = store.merged_into(regnr)
    if merged:
        raise Refused(
            f"{', '.join(merged)} is al samengevoegd met {regnr}. Voeg die eerst samen met {target}, dan {regnr} zelf."
        )


def _undo(store: Store, settings: Settings, regnr: str, values: Mapping[str, str | None], reason: str) -> Change:
    """The change that reverses the last office action on `regnr` that is still in force."""
    standing = store.standing_actions(regnr)
    if not standing:
        done = (
            "alle acties van het bestuurskantoor zijn al teruggedraaid"
            if store.office_actions(regnr)
            else ("het bestuurskantoor heeft er niets aan veranderd")
        )
        raise Refused(f"{regnr}: {done}; er is niets terug te draaien.")
    last = standing[-1]
    field, back = last["field"], last["old"]
    if field == "school" and back not in settings.schools:
        raise Refused(f"{regnr} kan niet terug naar school {back}: die staat niet meer in veiligheid.toml.")
    if field == "same_as" and back:
        _check_merge(store, store.record(regnr), back)
    if field == "status" and back == WITHDRAWN and store.merged_into(regnr):
        raise Refused(
            f"{regnr} kan niet opnieuw worden ingetrokken: {', '.join(store.merged_into(regnr))} telt via deze "
            "melding mee. Maak die eerst los."
        )
    return Change(regnr, field, values[field], back, reason, undoes=int(last["id"]))


def _as_undo(store: Store, change: Change) -> Change:
    """A change that puts a value back to what it was before the office's last action on it (the
    status set back, the old school chosen again, the number emptied) is that action's undo."""
    last = store.standing_action(change.regnr, change.field)

    def same(a: str | None, b: str | None) -> bool:  # no status is 'open'
        return (a or "open") == (b or "open") if change.field == "status" else a == b

    if last is not None and same(last["new"], change.old) and same(last["old"], change.new):
        return replace(change, undoes=int(last["id"]))
    return change


def change_of(row: Any) -> Change:
    """A stored office action (a row of `office_actions`) as a change."""
    return Change(row["regnr"], row["field"], row["old"], row["new"], row["reason"], row["undoes"])


# --- doing it ------------------------------------------------------------------------------------------
def commit(store: Store, settings: Settings, change: Change, origin: Origin, *, now: dt.datetime) -> str:
    """Write the change to the archive's register (synced), then to the store with its Logboek event,
    in one transaction; then tell the schools. Returns its description."""
    at = now_text(now)
    line = Logged(at, change, origin, after=store.last_submission_id()).as_line()  # replayed after that file
    with open(journal_path(settings), "a", encoding="utf-8") as handle:
        handle.write(line + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    text = f"{change.regnr} {describe(change, settings.schools)}"
    with store.transaction():
        _apply(store, change, at=at, origin=origin)
        _log(store, origin, at=at, kind="kantooractie", regnr=change.regnr, message=text)
    log.info("Bestuurskantoor: %s", text)
    try:
        tell(store, settings, change.regnr, also=change.old if change.field == "school" else None)
    except OSError as exc:  # a read-only or full outbox: the action stands; the next action on it tells again
        log.error("Kon de school niet laten weten dat %s is gewijzigd: %s", change.regnr, exc)
    return text


def _log(store: Store, origin: Origin, *, at: str, kind: str, regnr: str, message: str) -> None:
    """An office action (or its refusal) in the Logboek, with where it came from."""
    store.add_event(
        at=at, kind=kind, name=origin.source, message=message, sha256=origin.sha256, run_id=origin.run_id, regnr=regnr
    )


def _apply(store: Store, change: Change, *, at: str, origin: Origin) -> None:
    store.set_office_value(change.regnr, change.field, change.new, at=at)
    store.add_office_action(
        at=at,
        regnr=change.regnr,
        field=change.field,
        old=change.old,
        new=change.new,
        reason=change.reason,
        source=origin.source,
        sha256=origin.sha256,
        run_id=origin.run_id,
        undoes=change.undoes,
    )


@dataclass(frozen=True)
class Done:
    changed: bool
    message: str


def carry_out(store: Store, settings: Settings, request: Request, origin: Origin, *, now: dt.datetime) -> Done:
    """Check and do one request; says what was done (or that nothing needed doing), in Dutch."""
    change = plan(store, settings, request)
    regnr = request.regnr.strip().upper()
    if change is None:
        values = store.office_values(regnr)
        already = {
            Action.WITHDRAW: "is al ingetrokken",
            Action.MOVE: f"staat al bij {values['school']} {settings.schools.get(values['school'] or '', '')}".rstrip(),
            Action.MERGE: f"is al samengevoegd met {values['same_as']}",
        }
        return Done(False, f"{regnr} {already.get(request.action, 'is al zo')}: er is niets veranderd.")
    if request.action in (Action.WITHDRAW, Action.UNDO) and not change.reason:
        raise Refused('Geef een reden op (--reden "…"): die komt in het logboek en in het bericht aan de school.')
    return Done(True, commit(store, settings, change, origin, now=now))


def history(store: Store, settings: Settings, regnr: str) -> list[str]:
    """A registration in a few lines: its form, school, whether it counts, and every office action."""
    regnr = regnr.strip().upper()
    record = _record_or_refuse(store, regnr)
    values = store.office_values(regnr)
    if record is None:
        named = [
            f"{b} {settings.schools.get(b, '')}".rstrip()
            for b in sorted({s["school"] for s in store.surveys_of(regnr)})
        ]
        what = f"{EXPORT}, {', '.join(named)}"
    else:
        school = values["school"] or ""
        what = f"{FORMS[record.form_id].title}, {school} {settings.schools.get(school, '')}".rstrip()
    lines = [
        f"{regnr}: {what}",
        f"Telt mee: {_counts(values)}",
        f"Status afhandeling: {values['status'] or 'open'}",
    ]
    merged = store.merged_into(regnr)
    if merged:
        lines.append(f"Samengevoegd hiermee: {', '.join(merged)}")
    actions = store.office_actions(regnr)
    lines.append("Acties van het bestuurskantoor:" if actions else "Het bestuurskantoor heeft er niets aan veranderd.")
    for row in actions:
        lines.append(
            f"  {when(row['at'])}  {describe(change_of(row), settings.schools)}"
            f"  (via {row['source']}{', teruggedraaid' if row['undone'] else ''})"
        )
    return lines


def _counts(values: Mapping[str, str | None]) -> str:
    if values["status"] == WITHDRAWN:
        return "nee, ingetrokken"
    if values["same_as"]:
        return f"nee, samengevoegd met {values['same_as']}"
    return "ja"


# --- the school is told ---------------------------------------------------------------------------------
def notice_text(store: Store, settings: Settings, regnr: str) -> str:
    record = store.record(regnr)
    assert record is not None
    values = store.office_values(regnr)
    form = FORMS[record.form_id]
    if values["status"] == WITHDRAWN:
        now = "Deze registratie is ingetrokken: ze telt niet meer mee in de overzichten en het veiligheidsplan."
    elif values["same_as"]:
        now = (
            f"Deze melding is samengevoegd met {values['same_as']} (hetzelfde voorval): ze telt alleen via "
            f"{values['same_as']} mee."
        )
    else:
        school = values["school"] or ""
        now = f"Deze registratie telt mee voor {school} {settings.schools.get(school, '')}".rstrip() + "."
    history = [
        f"- {when(row['at'])}: " + describe(change_of(row), settings.schools, reason=False)
        for row in store.office_actions(regnr)
    ]
    return (
        f"Registratie {regnr} ({form.title})\n\n"
        f"Het bestuurskantoor heeft deze registratie gewijzigd.\n{now}\n\n"
        "Wat het bestuurskantoor deed:\n" + "\n".join(history) + "\n\n"
        "Vragen? Neem contact op met het bestuurskantoor. U hoeft niets opnieuw in te leveren.\n"
    )


def tell(store: Store, settings: Settings, regnr: str, *, also: str | None = None) -> list[Path]:
    """Write (again) the school's notice of what the office did with a registration: in the folder of
    the school it counts for now, and of the one it was moved from (`also`)."""
    if not settings.board.intake.bevestigingen:
        return []
    record = store.record(regnr)
    if record is None:
        return []
    why = FORMS[record.form_id].confidential_reason(record.data, choices=settings.choices)
    data = for_notepad(notice_text(store, settings, regnr))
    written = []
    for brin in dict.fromkeys(b for b in (record.school, also) if b):
        base = settings.paths.receipts / OFFICE_ONLY if why else settings.paths.receipts
        folder = base / (
            school_folder_name(brin, settings.schools[brin]) if brin in settings.schools else "school onbekend"
        )
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / safe_name(f"{regnr} - {NOTICE}.txt")
        files.write_durably(target, data, fsync=False)
        written.append(target)
    return written


# --- from the master ------------------------------------------------------------------------------------
def take_from_master(
    store: Store,
    settings: Settings,
    rows: Mapping[str, OfficeRow],
    *,
    origin: Origin,
    now: dt.datetime,
) -> int:
    """What the office typed in a register's columns: notes and follow-up statuses are kept as they
    are; a withdrawal, a school chosen under 'Verplaatsen naar' and a number under 'Zelfde melding
    als' become office actions (the Notitie is the reason; a value put back is the undo of the action
    that set it). The rows are done one after another, so each is checked against the ones before
    it. One that cannot be done is refused in the Logboek and shown as it was at the next master.
    Returns how many rows changed."""
    at = now_text(now)
    known = {regnr: row for regnr, row in rows.items() if store.record(regnr) is not None}
    # first the notes and follow-up statuses as typed (a withdrawal's status is the action's to set)
    notes: dict[str, tuple[str | None, str | None]] = {}
    for regnr, row in known.items():
        status = store.office_values(regnr)["status"]
        withdrawal = (status == WITHDRAWN) != ((row.status or "open") == WITHDRAWN)
        notes[regnr] = (status if withdrawal else row.status, row.note)
    changed = store.save_office_notes(notes, at=at, source=(origin.source, origin.sha256 or ""), run_id=origin.run_id)
    # then the actions, one after another: each checked against the store the ones before left
    for regnr, row in known.items():
        for item in _asked(store, regnr, row):
            try:
                change = plan(store, settings, item) if isinstance(item, Request) else _as_undo(store, item)
            except Refused as refused:
                message = refused.message if refused.message.startswith(regnr) else f"{regnr}: {refused.message}"
                _log(store, origin, at=at, kind="kantooractie geweigerd", regnr=regnr, message=message)
                log.warning("Niet gedaan (uit het bestuursoverzicht): %s", refused.message)
                continue
            if change is not None:
                commit(store, settings, change, origin, now=now)
                changed += 1
    return changed


def _asked(store: Store, regnr: str, row: OfficeRow) -> list[Request | Change]:
    """The office actions a register row asks for, against the registration as the store has it now."""
    values = store.office_values(regnr)
    reason = row.note or ""
    asked: list[Request | Change] = []
    typed = row.status or "open"
    if (values["status"] == WITHDRAWN) != (typed == WITHDRAWN):
        if typed == WITHDRAWN:
            asked.append(Request(Action.WITHDRAW, regnr, reason or "ingetrokken in het bestuursoverzicht"))
        else:
            asked.append(Change(regnr, "status", WITHDRAWN, row.status, "teruggezet in het bestuursoverzicht"))
    if row.knows_same_as and (row.same_as or None) != values["same_as"]:
        if row.same_as:
            asked.append(Request(Action.MERGE, regnr, reason, to=row.same_as))
        else:
            asked.append(Change(regnr, "same_as", values["same_as"], None, "losgemaakt in het bestuursoverzicht"))
    if row.move_to:
        asked.append(Request(Action.MOVE, regnr, reason, to=row.move_to))
    return asked


# --- while the watcher runs: a request folder ----------------------------------------------------------
WATCHER_MARK = "watcher"  # in the request folder while a watcher runs (and takes requests)


def watcher_started(settings: Settings) -> None:
    folder = requests_folder(settings)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / WATCHER_MARK).write_text(str(os.getpid()), encoding="utf-8")


def watcher_stopped(settings: Settings) -> None:
    (requests_folder(settings) / WATCHER_MARK).unlink(missing_ok=True)


def watcher_takes_requests(settings: Settings) -> bool:
    return (requests_folder(settings) / WATCHER_MARK).is_file()


def ask(settings: Settings, request: Request) -> Path:
    """Leave a request for the running watcher; returns the request's file (see `answer`, `withdraw`)."""
    folder = requests_folder(settings)
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{dt.datetime.now():%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:8]}.json"
    files.write_durably(folder / name, request.as_json().encode("utf-8"), fsync=True)
    return folder / name


def _answer_path(request_file: Path) -> Path:
    return request_file.with_name(request_file.name.removesuffix(".json") + ".antwoord.json")


def answer(request_file: Path) -> tuple[bool, str] | None:
    """The watcher's answer to a request (done?, message), or None while there is none."""
    try:
        raw = json.loads(_answer_path(request_file).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    _answer_path(request_file).unlink(missing_ok=True)
    return bool(raw["gedaan"]), str(raw["bericht"])


def withdraw(request_file: Path) -> bool:
    """Take back a request the watcher has not taken yet; False when it already took it."""
    try:
        request_file.unlink()
    except FileNotFoundError:
        return False
    return True


def take_requests(store: Store, settings: Settings, *, run_id: int | None, now: Callable[[], dt.datetime]) -> int:
    """The watcher's turn: carry out the requests commands left, oldest first, and answer each.
    Returns how many changed something. A request that fails is answered with why, never retried."""
    folder = requests_folder(settings)
    if not folder.is_dir():
        return 0
    done = 0
    for path in sorted(p for p in folder.glob("*.json") if not p.name.endswith(".antwoord.json")):
        try:
            request = Request.from_json(path.read_text(encoding="utf-8"))
            origin = Origin(f"opdracht registratie {request.action.value}", run_id=run_id)
            result = carry_out(store, settings, request, origin, now=now())
            reply: dict[str, Any] = {"gedaan": True, "bericht": result.message}
            done += result.changed
        except Refused as refused:
            reply = {"gedaan": False, "bericht": refused.message}
        except Exception as exc:  # a damaged request, a full disk, a bug: answered, never the watcher's end
            log.exception("Verzoek %s van het bestuurskantoor mislukt.", path.name)
            reply = {"gedaan": False, "bericht": f"Het verzoek is mislukt ({exc}); zie het logbestand."}
        try:
            files.write_durably(_answer_path(path), json.dumps(reply, ensure_ascii=False).encode("utf-8"), fsync=False)
            path.unlink(missing_ok=True)
        except OSError as exc:
            log.error("Kon verzoek %s niet beantwoorden: %s", path.name, exc)
    for old in folder.glob("*.antwoord.json"):  # answers nobody waited for, after a day
        try:
            if old.stat().st_mtime < now().timestamp() - 86400:
                old.unlink()
        except OSError:
            pass
    return done


# --- a rebuild replays them ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Logged:
    at: str
    change: Change
    origin: Origin
    after: int | None  # the last received file's number when it was done (None: unknown)

    def due_before(self, file_id: int) -> bool:
        """Done before the file with this number came in."""
        return self.after is None or self.after < file_id

    def as_line(self) -> str:
        """The line of the archive's register of office actions (see `read_journal`)."""
        raw = {"at": self.at, "after": self.after, **asdict(self.change)}
        return json.dumps(raw | {"source": self.origin.source, "sha256": self.origin.sha256}, ensure_ascii=False)


def read_journal(settings: Settings) -> list[Logged]:
    """The archive's register of office actions, in the order they were done (a torn last line is skipped)."""
    path = journal_path(settings)
    if not path.is_file():
        return []
    logged = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            raw = json.loads(line)
            change = Change(
                raw["regnr"], raw["field"], raw["old"], raw["new"], raw.get("reason", ""), raw.get("undoes")
            )
        except (ValueError, KeyError, TypeError):
            continue
        origin = Origin(raw.get("source", ""), raw.get("sha256"))
        logged.append(Logged(raw["at"], change, origin, raw.get("after")))
    return logged


def rewrite_journal(settings: Settings, logged: Sequence[Logged], renumbered: Mapping[int, int]) -> None:
    """After a rebuild the files have new numbers (`renumbered`: old to new): so has each action's
    'after'. The previous register stays beside it."""
    old_ids = sorted(renumbered)

    def new_after(after: int | None) -> int | None:
        if after is None:
            return None
        earlier = [i for i in old_ids if i <= after]
        return renumbered[earlier[-1]] if earlier else 0

    _write_journal(settings, [replace(item, after=new_after(item.after)) for item in logged], keep_previous=True)


def forget_reasons(settings: Settings, regnrs: Collection[str]) -> None:
    """After the retention (purge): the reasons the office gave for its actions on these registrations
    leave the archive's register too (what was done stays; the previous register goes)."""
    logged = read_journal(settings)
    if not regnrs or not any(item.change.regnr in regnrs and item.change.reason for item in logged):
        return
    kept = [
        replace(item, change=replace(item.change, reason="")) if item.change.regnr in regnrs else item
        for item in logged
    ]
    _write_journal(settings, kept, keep_previous=False)


def _write_journal(settings: Settings, logged: Sequence[Logged], *, keep_previous: bool) -> None:
    path = journal_path(settings)
    if logged and path.is_file():
        journal.replace_lines(path, "".join(item.as_line() + "\n" for item in logged), keep_previous=keep_previous)


def replay(store: Store, settings: Settings, logged: Sequence[Logged], *, run_id: int | None) -> list[str]:
    """Do again, in a rebuilt database, what the office did, with its Logboek line (a registration
    that is not there is skipped and named in the returned lines). An undo reverses the last action
    of its value still in force (its number then may not be its number here)."""
    missing = []
    for item in logged:
        change = item.change
        if store.record(change.regnr) is None:
            missing.append(f"kantooractie op {change.regnr} ({item.at}): de registratie is er niet")
            continue
        if change.undoes is not None:
            last = store.standing_action(change.regnr, change.field)
            change = replace(change, undoes=int(last["id"]) if last is not None else None)
        origin = replace(item.origin, run_id=run_id)
        _apply(store, change, at=item.at, origin=origin)
        text = f"{change.regnr} {describe(change, settings.schools)} (opnieuw gedaan bij het herbouwen)"
        _log(store, origin, at=item.at, kind="kantooractie", regnr=change.regnr, message=text)
    return missing
