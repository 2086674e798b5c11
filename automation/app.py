"""The product's use cases, one function each; the CLI only parses, calls one of these and prints."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import logging
import os
import signal
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from automation.checks.board import BoardFacts, BoardSummary, SchoolFacts, board_summary
from automation.checks.vensters import respondents
from automation.config import ConfigFollower, Settings, load_settings
from automation.documents.catalog import DOCUMENTS
from automation.errors import (
    AlreadyRunning,
    ArchiveDamaged,
    ConfirmationNeeded,
    FolderError,
    OptionProblem,
    StoreError,
    SurveyRejected,
    VeiligheidError,
)
from automation.forms import FORMS, event_forms
from automation.forms.choices import DEFAULT_CHOICES
from automation.intake import leftovers, office
from automation.intake.files import candidates
from automation.intake.handback import open_rejections
from automation.intake.journal import refuse_lost_archive
from automation.intake.pipeline import Counts
from automation.intake.runner import Runner, ensure_folders, refuse_lost_database, watch, working_folder_lock
from automation.schoolyear import parse_schoolyear, schoolyear
from automation.store import Store, now_text

log = logging.getLogger(__name__)

# The demo, the Word and master writers and what one command alone uses are imported by the functions
# that use them, so that `status` does not load them (issue 14, item 3; tests/test_quick_cli.py).
if TYPE_CHECKING:
    from automation.checks.kept import KeptFacts
    from automation.checks.signals import Signal
    from automation.documents import generate as doc_generate
    from automation.documents import jaarverslag as doc_yearly
    from automation.documents import lint as doc_lint
    from automation.documents import pdf as doc_pdf
    from automation.excel.publish import BackgroundMaster, MasterPublisher
    from automation.intake.purge import PurgeReport
    from automation.intake.rebuild import RebuildReport
    from automation.mail.outbox import MailSender


@contextmanager
def open_runner(settings: Settings) -> Iterator[Runner]:
    with working_folder_lock(settings):
        runner = Runner.open(settings)
        try:
            yield runner
        finally:
            runner.close()


def _master_writer(
    settings: Settings,
    store: Store,
    *,
    signals_to: Callable[[dt.datetime, Mapping[str, Sequence[Signal]]], None] | None = None,
) -> Callable[[dt.datetime], Path]:
    """How the master is written: the board's facts of that moment, rendered (excel.master); told the
    signals the Overzicht lists (`signals_to`)."""

    facts = _kept_facts(settings)  # each registration's facts, kept from one write to the next (issue 14)
    indexes: dict[Path, Any] = {}  # the kept rows' indexes as the last write left them (excel.rowcache)
    saved = [-FACTS_SAVED_EVERY]  # when this process last kept the facts on disk (monotonic seconds)

    def write(moment: dt.datetime) -> Path:
        try:
            return _write(moment)
        finally:
            if facts.derived and time.monotonic() - saved[0] >= FACTS_SAVED_EVERY:
                _keep_facts(settings, facts)
                saved[0] = time.monotonic()

    def _write(moment: dt.datetime) -> Path:
        from automation.documents import generate as doc_generate
        from automation.excel.master import write_board_master
        from automation.excel.rowcache import RowCache

        rows = settings.paths.state / ROWS_FOLDER
        with store.reading():  # one view of the store: the counts, the registers and the Overzicht agree
            fingerprints = doc_generate.school_fingerprints(
                store, schooljaar=schoolyear(moment.date()), templates=doc_generate.template_stamp(settings)
            )
            stale = doc_generate.stale_schools(settings, fingerprints, with_school_form=store.schools_with("school"))
            return write_board_master(
                store,
                settings,
                generated=moment,
                plans=doc_generate.plan_dates(settings),
                stale_plans=set(stale),
                rejections=open_rejections(settings, store),
                config_problem=ConfigFollower.problem_of(settings),
                unhandled=leftovers.reported(settings),  # as the runner last told it (it refreshes the master)
                # the rows that did not change are not written again; the first write of a day (by the
                # kept rows' date, not the master's: Excel may hold that one for days) writes all
                rows=RowCache(rows, fresh=not _written_on(rows / "Logboek.json", moment), memory=indexes),
                facts_kept=facts,
                signals_to=None if signals_to is None else lambda found: signals_to(moment, found),
            )

    return write


ROWS_FOLDER = "overzicht-rijen"  # in .veiligheid/: the master's rows as last written (excel.rowcache)
FACTS_FILE = "feiten.json"  # in .veiligheid/: each registration's facts, for the next process (checks.kept)
FACTS_SAVED_EVERY = 300.0  # seconds: the watcher keeps its facts on disk at most this often


def _kept_facts(settings: Settings) -> KeptFacts:
    """The facts a process before this one kept (a cache: a missing, old or damaged file is nothing kept)."""
    from automation.checks.kept import KeptFacts

    try:
        return KeptFacts.of_json(json.loads((settings.paths.state / FACTS_FILE).read_bytes()))
    except (OSError, ValueError):
        return KeptFacts()


def _keep_facts(settings: Settings, facts: KeptFacts) -> None:
    data = facts.as_json()
    if data is not None:
        _write_state(settings, FACTS_FILE, data, what="de feiten per registratie")


SIGNALS_FILE = "signalen.json"  # in .veiligheid/: the signals the Overzicht last listed, for `status`


def _keep_signals(settings: Settings, moment: dt.datetime, found: Mapping[str, Sequence[Signal]], where: Path) -> None:
    """The signals the Overzicht in `where` lists, kept for `status` (the same list, worked out once)."""
    _write_state(
        settings,
        SIGNALS_FILE,
        {
            "formaat": SIGNALS_FORMAT,
            "berekend": moment.isoformat(timespec="seconds"),
            "overzicht": where.name,  # the master, or the dated copy beside it while Excel holds the master
            "signalen": [
                {"school": s.school, "soort": s.kind, "tekst": s.text, "registraties": list(s.regnrs), "bron": s.source}
                for brin in sorted(found)
                for s in found[brin]
            ],
        },
        what="de signalen voor 'status'",
    )


SIGNALS_FORMAT = 1


def kept_signals(settings: Settings) -> dict[str, Any] | None:
    """The signals the Overzicht last listed: when they were worked out, in which file, and each
    school's sentence (None: none kept yet, or a file not as written here: `status` never fails on it)."""
    try:
        data = json.loads((settings.paths.state / SIGNALS_FILE).read_text(encoding="utf-8"))
        moment = dt.datetime.fromisoformat(data["berekend"])
        found = data["signalen"]
        if data.get("formaat") != SIGNALS_FORMAT or not isinstance(data["overzicht"], str):
            return None
        if not isinstance(found, list) or not all(
            isinstance(s, dict) and isinstance(s.get("school"), str) and isinstance(s.get("tekst"), str) for s in found
        ):
            return None
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None
    return {"berekend": moment.isoformat(), "overzicht": data["overzicht"], "signalen": found}


def _write_state(settings: Settings, name: str, data: Any, *, what: str) -> None:
    """A cache file in .veiligheid/, whole or not at all (no sync: a lost one is worked out again)."""
    path = settings.paths.state / name
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        log.info("Kon %s niet bewaren (%s); de volgende keer worden ze opnieuw berekend.", what, exc)


def _written_on(master: Path, moment: dt.datetime) -> bool:
    try:
        return dt.datetime.fromtimestamp(master.stat().st_mtime).date() == moment.date()
    except OSError:
        return False


def master_publisher(
    settings: Settings, store: Store, *, now: Callable[[], dt.datetime] = dt.datetime.now
) -> MasterPublisher:
    """The master workbook's keeper for one command; says once if `bijwerken_in_excel` cannot work here."""
    from automation.documents import generate as doc_generate
    from automation.excel.publish import MasterPublisher

    signals: dict[str, Any] = {}  # the last written master's signals, kept for `status` once it is in place
    publisher = MasterPublisher(
        target=settings.paths.master,
        store=store,
        write=_master_writer(settings, store, signals_to=lambda moment, found: signals.update(last=(moment, found))),
        stamps=settings.paths.master_stamp,
        registers=tuple(FORMS[form_id].register for form_id in event_forms()),
        now=now,
        push_into_excel=settings.board.overzicht.bijwerken_in_excel,
        depends_on=(  # the master shows the plans' dates, what stays in the inbox, the config (a new one's
            # thresholds, or why it is broken)
            settings.paths.config,
            settings.paths.state / doc_generate.RECORD_NAME,
            settings.paths.state / ConfigFollower.PROBLEM_NAME,
            leftovers.reported_record(settings),
        ),
    )
    publisher.take_office = lambda rows, origin, run_id: office.take_from_master(
        store,
        settings,
        rows,
        origin=office.Origin(origin[0], origin[1], run_id),
        now=publisher.now(),
    )

    def published(where: Path) -> None:
        if "last" in signals:
            moment, found = signals.pop("last")
            _keep_signals(settings, moment, found, where)

    publisher.published = published
    publisher.warn_if_push_cannot_work()
    return publisher


def background_master(settings: Settings, *, now: Callable[[], dt.datetime]) -> BackgroundMaster:
    """The watcher's master, written in a thread of its own with its own store connection: the
    watcher goes on taking files while it is written (issue 14, item 2). The same thread carries out
    the office's actions, asked in the master or by a command, one after another."""
    from automation.excel.publish import BackgroundMaster

    def make() -> MasterPublisher:
        return master_publisher(settings, Store.open(settings.paths.database, create=False), now=now)

    def requests(publisher: MasterPublisher, run_id: int | None) -> int:
        return office.take_requests(publisher.store, settings, run_id=run_id, now=now)

    return BackgroundMaster(make, close=lambda publisher: publisher.store.close(), between=requests)


@dataclass(frozen=True)
class OfficeDone:
    message: str
    by_watcher: bool  # the running watcher did it (through its request folder)
    changed: bool = True


def office_action(
    settings: Settings,
    request: office.Request,
    *,
    wait: float = 60.0,
    now: Callable[[], dt.datetime] = dt.datetime.now,
) -> OfficeDone:
    """Withdraw, move, merge or restore a registration (`veiligheid registratie …`). When no watcher
    runs, done here and the master rebuilt at once; while one runs, left in its request folder and
    its answer awaited (up to `wait` seconds; it goes on waiting there after that)."""
    try:
        with open_runner(settings) as runner:
            run_id = runner.store.start_run(f"registratie {request.action.value}", now_text(now()))
            master = master_publisher(settings, runner.store, now=now)
            master.keep_office_notes(run_id=run_id)  # what the office typed first: the request goes after it
            origin = office.Origin(f"opdracht registratie {request.action.value}", run_id=run_id)
            try:
                done = office.carry_out(runner.store, settings, request, origin, now=now())
            finally:
                runner.store.finish_run(run_id, at=now_text(now()), counts={})
            if done.changed:
                master.rebuild(run_id=run_id, read_back=False)
            return OfficeDone(done.message, by_watcher=False, changed=done.changed)
    except AlreadyRunning:
        if not office.watcher_takes_requests(settings):  # `process`, `plan`, `rebuild` … is busy: not for long
            raise AlreadyRunning(
                "Er draait nu een verwerking in deze werkmap (process, plan, rebuild of purge). Probeer het over "
                "een minuut opnieuw; er is niets veranderd."
            ) from None
    request_file = office.ask(settings, request)
    deadline = time.monotonic() + wait
    while True:
        answered = office.answer(request_file)
        if answered is not None:
            taken, message = answered
            if not taken:
                raise office.Refused(message)
            return OfficeDone(message, by_watcher=True)
        if time.monotonic() >= deadline and office.withdraw(request_file):  # not taken: nothing happens
            raise AlreadyRunning(
                f"De watcher heeft het verzoek in {wait:g} seconden niet opgepakt (is hij bezig of vastgelopen?). "
                "Het verzoek is ingetrokken; er is niets veranderd. Probeer het later opnieuw."
            )
        time.sleep(0.2)  # taken: the answer comes once it is done


def office_history(settings: Settings, regnr: str) -> list[str]:
    """`veiligheid registratie toon`: a registration's school, state and what the office did with it."""
    refuse_lost_database(settings)
    store = Store.open(settings.paths.database, create=False)
    try:
        return office.history(store, settings, regnr)
    finally:
        store.close()


def process(
    settings: Settings,
    *,
    wait_limit: float | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Counts:
    with open_runner(settings) as runner:
        master = master_publisher(settings, runner.store, now=runner.now)
        counts = runner.process_once(wait_limit=wait_limit, progress=progress, master=master)
        send_mail_once(settings, runner.store, now=runner.now)
        if runner.intake.damaged:  # everything else is done; now say it loudly (exit code 7)
            first = next(iter(runner.intake.damaged.values()))
            raise ArchiveDamaged(
                f"{len(runner.intake.damaged)} opgeslagen bestand(en) konden niet worden afgemaakt: {first.message}",
                path=first.path,
                expected=first.expected,
                found=first.found,
            )
        return counts


def run_watch(settings: Settings, *, poll: float | None, stop: threading.Event | None = None) -> None:
    """Watch until Ctrl-C or SIGTERM (or `stop` is set, for tests)."""
    from automation.documents.refresh import PlanRefresher

    stop = stop or threading.Event()
    previous: dict[signal.Signals, Any] = {}
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGINT, signal.SIGTERM):
            previous[sig] = signal.signal(sig, lambda *_: stop.set())
    try:
        follower = ConfigFollower(settings)
        while not stop.is_set():  # again with the new settings each time the config changed
            with open_runner(follower.settings) as runner:
                master = background_master(follower.settings, now=runner.now).start()
                plans = PlanRefresher(follower.settings)
                mail = mail_sender(follower.settings, now=runner.now).start()  # its own thread: never blocks intake
                try:
                    watch(runner, stop=stop, poll=poll, plans=plans, master=master, restart=follower.changed)
                finally:
                    mail.stop()
                    master.stop()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def mail_sender(settings: Settings, *, now: Callable[[], dt.datetime]) -> MailSender:
    """The watcher's e-mail thread: sends the queue, and queues the weekly digests on their day."""
    from automation.mail.outbox import MailSender

    done: set[tuple[int, int]] = set()  # the weeks whose digests were seen to: not asked again every pass

    def weekly(store: Store) -> None:
        moment = now()
        week = moment.isocalendar()[:2]
        if week not in done and queue_digests(settings, store, now=moment) is not None:
            done.add(week)

    return MailSender(settings, now=now, weekly=weekly)


def queue_digests(settings: Settings, store: Store, *, now: dt.datetime) -> int | None:
    """This week's digests to the directors, once their day has come (the board's facts are asked
    only then), with each school's early warnings first (`signals_of`)."""
    from automation.checks.board import board_facts
    from automation.documents import generate as doc_generate
    from automation.mail.digest import queue_digests as queue_them

    def facts() -> BoardFacts:
        year = schoolyear(now.date())
        with store.reading():
            fingerprints = doc_generate.school_fingerprints(
                store, schooljaar=year, templates=doc_generate.template_stamp(settings)
            )
            stale = doc_generate.stale_schools(settings, fingerprints, with_school_form=store.schools_with("school"))
            return board_facts(
                store,
                settings.board,
                choices=settings.choices,
                schooljaar=year,
                today=now.date(),
                plans=doc_generate.plan_dates(settings),
                stale_plans=set(stale),
            )

    return queue_them(store, settings, now=now, facts=facts, signals=signals_of(settings, store, today=now.date()))


def signals_of(
    settings: Settings, store: Store, *, today: dt.date
) -> Callable[[SchoolFacts, Callable[[str], bool]], list[str]]:
    """A school's early warnings for its director's digest, as Dutch sentences (checks.signals; the
    board's thresholds in [signalen]), without the registrations `hidden` names (a confidential one),
    in the counts and dates behind them too (`DirectorView`). Nothing is read before a digest asks."""
    from automation.checks import signals as rules

    cfg = settings.board.signalen
    view = rules.DirectorView(store, today=today)
    pupils: dict[str, list[rules.Involvement]] = {}

    def signals(school: SchoolFacts, hidden: Callable[[str], bool]) -> list[str]:
        if "all" not in pupils:
            since = rules.since(today, cfg).isoformat()
            pupils["all"] = rules.involvements_of(store.pupil_involvements("incident", since=since))
        seen = view.of(school, hidden)
        return [s.text for s in rules.signals_of(seen, pupils["all"], today=today, cfg=cfg, hidden=hidden)]

    return signals


def send_mail_once(settings: Settings, store: Store, *, now: Callable[[], dt.datetime]) -> None:
    """`process` tries the e-mail queue once at its end; whatever fails stays queued for the next run
    or the watcher, and never changes the run's outcome."""
    from automation.mail.outbox import deliver

    try:
        queue_digests(settings, store, now=now())
        deliver(store, settings, now=now)
    except Exception:
        log.exception("Versturen van e-mail mislukt; de berichten blijven in de wachtrij.")


def mail_test(settings: Settings, *, to: tuple[str, ...] = ()) -> str:
    """`veiligheid mail test`: one message now, to check the `[email]` settings."""
    from automation.mail.outbox import send_trial

    return send_trial(settings, to=to)


def check_folders(settings: Settings) -> None:
    """Fail now, with the Dutch message, if the inbox is missing or a folder cannot be made."""
    ensure_folders(settings)


def write_forms(settings: Settings | None, out: Path) -> list[Path]:
    """The five blank forms; without settings, with the example schools (workbook_templates/)."""
    from automation.excel.build_form import build_all
    from automation.workspace import EXAMPLE_SCHOOLS

    if settings is None:
        return build_all(
            out,
            forms=list(FORMS.values()),
            schools=EXAMPLE_SCHOOLS,
            choices=DEFAULT_CHOICES,
            board="Stichting Voorbeeld Primair Onderwijs",
        )
    return build_all(
        out,
        forms=list(FORMS.values()),
        schools=settings.schools,
        choices=settings.choices,
        board=settings.board.bestuur,
    )


RECENT = 10  # the latest changes that `status` shows


def status(settings: Settings, *, now: dt.datetime | None = None) -> dict[str, Any]:
    """Everything `status` can say, also when something is wrong: each problem (a missing inbox or
    archive, a lost or damaged database) is listed in `problems` as code and Dutch message, most
    serious first (the database, then the archive, then the inbox), and the rest is still reported."""
    moment = now or dt.datetime.now()
    paths = settings.paths
    report: dict[str, Any] = {"paths": paths.as_dict(), "inbox_waiting": 0, "counts": {}, "last_run": None}
    problems: list[VeiligheidError] = []
    report["inbox_exists"] = paths.inbox.is_dir()
    missing_inbox = (
        None
        if report["inbox_exists"]
        else FolderError(f"De inbox {paths.inbox} bestaat niet of is geen map. Is de netwerkschijf verbonden?")
    )
    report["inbox_waiting"] = sum(1 for _ in candidates(paths.inbox))
    report["onbehandeld"] = [item.as_dict() for item in leftovers.look(settings, now=moment)]  # writes nothing
    report["onbehandeld_na_minuten"] = settings.board.intake.onbehandeld_melden_na_minuten
    for check in (refuse_lost_database, lambda s: refuse_lost_archive(s.paths)):
        try:
            check(settings)
        except (StoreError, FolderError) as exc:
            problems.append(exc)
        except sqlite3.DatabaseError as exc:
            problems.append(damaged_database(exc))
    if missing_inbox is not None:  # after the archive's problem: the README's order (database, archive, inbox)
        problems.append(missing_inbox)
    if paths.database.exists():
        try:
            _store_figures(settings, report, today=moment.date())
        except StoreError as exc:
            problems.append(exc)
        except sqlite3.DatabaseError as exc:
            problems.append(damaged_database(exc))
    problems.sort(key=lambda p: SEVERITY.index(p.exit_code) if p.exit_code in SEVERITY else len(SEVERITY))
    report["problems"] = [{"code": p.exit_code, "message": p.message} for p in problems]
    return report


SEVERITY = (StoreError.exit_code, FolderError.exit_code)  # the order `status` lists problems in


def damaged_database(exc: sqlite3.DatabaseError) -> StoreError:
    """SQLite's own error about a damaged database, as the product says it."""
    return StoreError(
        f"De database is beschadigd ({exc}). Zet een reservekopie terug, of herbouw hem uit het archief met "
        "'veiligheid rebuild'."
    )


def _store_figures(settings: Settings, report: dict[str, Any], *, today: dt.date) -> None:
    """What the database says, piece by piece into `report` (what was read before a failure stays)."""
    store = Store.open(settings.paths.database, create=False)
    try:
        report["counts"] = store.outcome_counts()
        report["last_run"] = store.last_run()
        report["records"] = {form_id: store.count_records(form_id) for form_id in FORMS}
        # withdrawn and merged by the office: in their register, counted nowhere
        gone = {form_id: store.not_counted(form_id) for form_id in FORMS}
        report["not_counted"] = {form_id: n for form_id, n in gone.items() if any(n)}
        # a school taken out of veiligheid.toml while registrations (one moved there) still name it
        report["unknown_schools"] = {
            brin: n for brin, n in store.registrations_per_school().items() if brin not in settings.schools
        }
        report["recent"] = [
            {k: entry[k] for k in ("at", "name", "outcome", "regnr", "command", "sha256", "reasons")}
            for entry in itertools.islice(store.iter_log(), RECENT)
        ]
        summary = board_summary(store, settings.board, schooljaar=schoolyear(today), today=today)
        report["schools"] = school_figures(summary)
        report["signals"] = kept_signals(settings)  # as the Overzicht lists them
        mail = store.mail_figures()
        report["mail"] = {
            "via": settings.board.email.server if settings.board.email and settings.board.email.server else None,
            "map": str(settings.paths.mail_outbox),
            "wachtend": mail.waiting,
            "mislukt": mail.failed,
            "verstuurd": mail.sent,
            "oudste_wachtend": mail.oldest_waiting,
            "laatst_verstuurd": mail.last_sent,
            "laatste_fout": mail.last_error,
            "zonder_adres_directeur": _without_director_address(settings, store, today=today),
        }
    finally:
        store.close()


def _without_director_address(settings: Settings, store: Store, *, today: dt.date) -> list[str]:
    """The schools whose director gets no weekly digest for want of an address on the school form."""
    from automation.mail.digest import without_director_address

    return without_director_address(store, settings, today=today)


def school_figures(facts: BoardSummary) -> dict[str, Any]:
    """Per school what the Overzicht and the plan show, as plain data (`status --json`)."""
    schools: dict[str, Any] = {}
    for brin, school in facts.schools.items():
        regs = school.registrations
        pupils = school.reported.get("leerlingen")
        schools[brin] = {
            "naam": school.name,
            "registraties": {f: regs.this_year.of(f) for f in facts.registers},
            "totaal": sum(regs.this_year.of(f) for f in facts.registers),  # the registers of events only
            "registraties_vorig_jaar_zelfde_periode": None
            if regs.last_to_date is None
            else {f: regs.last_to_date.of(f) for f in facts.registers},
            "registraties_vorig_jaar": None
            if regs.last_whole is None
            else {f: regs.last_whole.of(f) for f in facts.registers},
            "totaal_vorig_jaar": None
            if regs.last_whole is None
            else sum(regs.last_whole.of(f) for f in facts.registers),
            "open_acties": school.open_cases,
            "mijlpalen_gereed": school.milestones_done,
            "mijlpalen_te_laat": school.milestones_late,
            "monitor": school.monitor.summary,
            "respondenten_leerlingen": respondents(pupils) if pupils else None,
        }
    return {"schooljaar": facts.schooljaar, "vorig_schooljaar": facts.comparison.last.year, "scholen": schools}


@dataclass(frozen=True)
class DemoResult:
    settings: Settings
    first: Counts
    second: Counts
    correction_of: str
    yearly_report: Path | None = None  # the board's yearly report of the demo's school year


def demo(folder: Path, *, today: dt.date | None = None, log: Callable[[str], None] = print) -> DemoResult:
    from automation.demo import drop_correction, make_demo

    today = today or dt.date.today()
    made = make_demo(folder, today=today, log=log)
    settings = load_settings(made.settings.paths.config)
    first = process(settings)
    store = Store.open(settings.paths.database, create=False)
    try:  # a staff member of 12AB corrects one of their school's incidents
        regnr = store.regnrs("incident", school="12AB")[1]
    finally:
        store.close()
    drop_correction(made, regnr, today=today)
    second = process(settings)
    yearly = make_yearly_report(settings, today=today, pdf=False)  # Word only: quick, and no LibreOffice needed
    return DemoResult(
        settings=settings, first=first, second=second, correction_of=regnr, yearly_report=yearly.written.path
    )


@dataclass(frozen=True)
class ProfilesReport:
    folder: Path
    profiles: list[tuple[str, str]]  # (name, source)
    broken: list[str]
    test_lines: list[str]  # what a test file gave, or why it was refused
    test_ok: bool | None  # None: no file tested
    builtin_folder: str = ""  # where the built-in profiles are, to copy one as a start


def profiles(settings: Settings, *, test_file: Path | None = None, today: dt.date | None = None) -> ProfilesReport:
    """List the survey profiles (the board's own first) and optionally try one export with them,
    without storing anything: how a board checks a new profile."""
    from importlib import resources

    from automation.surveys.importer import import_survey
    from automation.surveys.profile import all_profiles

    loaded, broken = all_profiles(settings.paths.profiles)
    lines: list[str] = []
    ok: bool | None = None
    if test_file is not None:
        try:
            data = test_file.read_bytes()
        except OSError as exc:
            raise FolderError(f"Kan {test_file} niet lezen ({exc.strerror or exc}).") from exc
        try:
            result = import_survey(
                data, test_file.name, loaded, schools=settings.schools, today=today or dt.date.today()
            )
        except SurveyRejected as rejected:
            ok, lines = False, rejected.message.splitlines()
        else:
            ok = True
            lines.append(f"Herkend door het profiel '{result.profile}' ({result.source}).")
            for survey in result.results:
                groups = f", groepen {', '.join(str(g) for g in survey.groepen)}" if survey.groepen else ""
                lines.append(
                    f"{survey.school} {settings.schools.get(survey.school, '')} · {survey.groep} · {survey.schooljaar}"
                    f" · {survey.respondents} respondenten{groups} · {survey.instrument}"
                )
                for theme in survey.themes:
                    mean = f"{theme.mean:.2f}".replace(".", ",") if theme.mean is not None else "-"
                    positive = f"{theme.positive * 100:.0f}%" if theme.positive is not None else "-"
                    lines.append(
                        f"    {theme.label}: gemiddeld {mean} (schaal {survey.scale_min:g}-{survey.scale_max:g}), "
                        f"{positive} positief, {theme.respondents} respondenten"
                    )
            lines += [f"Let op: {w}" for w in result.warnings]
    return ProfilesReport(
        folder=settings.paths.profiles,
        profiles=[(p.profile.naam, p.source) for p in loaded],
        broken=broken,
        test_lines=lines,
        test_ok=ok,
        builtin_folder=str(resources.files("automation.surveys") / "profielen"),
    )


# --- the veiligheidsplan and its annexes (issue 5) --------------------------------------------


DOCUMENTS_BY_NAME = {spec.template_name: spec for spec in DOCUMENTS}


@dataclass(frozen=True)
class PlanRun:
    generation: doc_generate.Generation
    origin: dict[str, str]  # where each template came from
    pdf: doc_pdf.PdfResult | None


def make_plans(
    settings: Settings,
    *,
    schools: list[str] | None = None,
    schooljaar: str | None = None,
    pdf: bool = False,
    today: dt.date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> PlanRun:
    """Each school's plan and annexes in outbox/plannen/ (and PDFs through LibreOffice)."""
    from automation.documents import generate as doc_generate
    from automation.documents import pdf as doc_pdf

    today = today or dt.date.today()
    year = _schooljaar_option(schooljaar) if schooljaar is not None else schoolyear(today)
    refuse_lost_database(settings)  # a database lost while the archive has files is refused, as everywhere
    store = Store.open(settings.paths.database, create=True)  # nothing received yet: plans with what there is
    try:
        templates = doc_generate.TemplateSet.load(doc_generate.template_folders(settings))
        generation = doc_generate.generate(
            settings, store, schooljaar=year, today=today, schools=schools, templates=templates, progress=progress
        )
    finally:
        store.close()
    converted = doc_pdf.convert(generation.files) if pdf and generation.files else None
    return PlanRun(generation, templates.origin, converted)


# --- the board's yearly report (issue 15, part 3) ----------------------------------------------


@dataclass(frozen=True)
class YearlyRun:
    written: doc_yearly.Written
    pdf: doc_pdf.PdfResult | None


def make_yearly_report(
    settings: Settings,
    *,
    schooljaar: str | None = None,
    pdf: bool = True,
    today: dt.date | None = None,
    at: dt.datetime | None = None,
) -> YearlyRun:
    """The board's anonymous yearly report on social safety in outbox/ (`veiligheid jaarverslag`), and
    its PDF through LibreOffice when `pdf` and LibreOffice is there (else the result says why not)."""
    from automation.documents import generate as doc_generate
    from automation.documents import jaarverslag as doc_yearly
    from automation.documents import pdf as doc_pdf

    today = today or dt.date.today()
    year = _schooljaar_option(schooljaar) if schooljaar is not None else schoolyear(today)
    doc_yearly.refuse_coming(year, today)
    refuse_lost_database(settings)
    with _beside_a_watcher(settings):
        store = Store.open(settings.paths.database, create=True)  # nothing received yet: a report of nothing
        try:
            written = doc_yearly.write_report(
                settings, store, schooljaar=year, today=today, folders=doc_generate.template_folders(settings), at=at
            )
        finally:
            store.close()
    return YearlyRun(written, doc_pdf.convert([written.path]) if pdf else None)


@contextmanager
def _beside_a_watcher(settings: Settings) -> Iterator[None]:
    """For a command that only reads the store: the working folder's lock, so that no `process`,
    `rebuild` or `purge` changes the store meanwhile; but a running watcher holds that lock for good,
    and beside it reading is safe (it only adds, and the store is read in one view)."""
    with ExitStack() as stack:
        try:
            stack.enter_context(working_folder_lock(settings))
        except AlreadyRunning:
            if not office.watcher_takes_requests(settings):
                raise AlreadyRunning(
                    "Er draait nu een verwerking in deze werkmap (process, rebuild of purge). Probeer het over een "
                    "minuut opnieuw; er is niets gemaakt."
                ) from None
        yield


def _schooljaar_option(text: str) -> str:
    year = parse_schoolyear(text)
    if year is None:
        raise OptionProblem(f"'{text}' is geen schooljaar; schrijf het zoals 2026-2027.")
    return year


def build_templates(settings: Settings | None, *, out: Path | None, overwrite: bool) -> tuple[Path, list[Path]]:
    """The product's templates: into the working folder's sjablonen/ (never over the office's own
    files unless `overwrite`), or without settings into doc_templates/."""
    from automation.documents import build_templates as doc_builder
    from automation.documents import generate as doc_generate

    if settings is None:
        target = out or doc_generate.PRODUCT_TEMPLATES
        return target, doc_builder.write_templates(target, overwrite=True)
    target = out or doc_generate.office_templates(settings)
    return target, doc_builder.write_templates(target, overwrite=overwrite)


def check_templates(
    settings: Settings | None, *, folder: Path | None = None, today: dt.date | None = None
) -> tuple[dict[str, str], list[doc_lint.Finding]]:
    """Check the templates generation would use (or those in `folder`) against an example school
    and, when there is a database, every school's own data. Returns (where each came from, findings)."""
    from automation.documents import build_templates as doc_builder
    from automation.documents import generate as doc_generate
    from automation.documents import jaarverslag as doc_yearly
    from automation.documents import lint as doc_lint
    from automation.documents.sample import sample_context

    folders = [folder] if folder else doc_generate.template_folders(settings)
    found: dict[str, bytes] = {}
    origin: dict[str, str] = {}
    for name in (spec.template_name for spec in DOCUMENTS):
        path = next((f / name for f in folders if (f / name).is_file()), None)
        if path is not None:
            found[name], origin[name] = path.read_bytes(), str(path)
        elif folder is None:
            found[name], origin[name] = doc_builder.build(DOCUMENTS_BY_NAME[name]), "ingebouwd"
    contexts: list[dict[str, Any]] = []
    if settings is not None and settings.paths.database.exists():
        today = today or dt.date.today()
        store = Store.open(settings.paths.database, create=False)
        try:
            contexts = doc_generate.real_contexts(settings, store, schooljaar=schoolyear(today), today=today)
        finally:
            store.close()
    sample = sample_context()
    findings = doc_lint.check_folder(found, sample=sample, contexts=[sample_context(missing=True), *contexts])
    yearly, wrong = _check_yearly_template(settings, folders, builtin=folder is None, today=today)
    if yearly is not None:
        origin[doc_yearly.TEMPLATE_NAME] = yearly
    return origin, [*findings, *wrong]


def _check_yearly_template(
    settings: Settings | None, folders: list[Path], *, builtin: bool, today: dt.date | None
) -> tuple[str | None, list[doc_lint.Finding]]:
    """The yearly report's template, against the example and, when there is a database, the board's own data."""
    from automation.documents import jaarverslag as doc_yearly

    contexts: list[dict[str, Any]] = []
    if settings is not None and settings.paths.database.exists():
        today = today or dt.date.today()
        store = Store.open(settings.paths.database, create=False)
        try:
            contexts = [doc_yearly.real_context(settings, store, schooljaar=schoolyear(today), today=today)]
        finally:
            store.close()
    return doc_yearly.check_template(folders, builtin=builtin, contexts=contexts)


def rebuild(
    settings: Settings, *, anyway: bool = False, progress: Callable[[int, int], None] | None = None
) -> tuple[RebuildReport, Counts]:
    """Rebuild the database from the archive, then process the inbox and rebuild the master."""
    from automation.intake.rebuild import rebuild as rebuild_store

    if settings.paths.database.exists() and not anyway:
        try:
            store = Store.open(settings.paths.database, create=False)
            try:
                healthy = store.healthy()
            finally:
                store.close()
        except (StoreError, sqlite3.DatabaseError):
            healthy = False  # damaged: that is what rebuild is for
        if healthy:
            raise ConfirmationNeeded(
                "De database is in orde; herbouwen is niet nodig. Wilt u toch herbouwen (de huidige database "
                "blijft ernaast bewaard), gebruik dan --toch."
            )
    with working_folder_lock(settings):
        ensure_folders(settings)
        report = rebuild_store(settings, progress=progress)
    return report, process(settings)


def purge(settings: Settings, *, dry_run: bool, today: dt.date | None = None) -> PurgeReport:
    """Remove personal details older than the retention period; then rebuild the master. What the
    office typed in the master is read into the store first, so the purge removes the old notes
    there too and the new master does not bring them back."""
    from automation.intake.purge import purge as purge_store

    day = today or dt.date.today()
    with open_runner(settings) as runner:
        if dry_run:
            return purge_store(settings, runner.store, today=day, dry_run=True)
        run_id = runner.store.start_run("purge", now_text(runner.now()))
        runner.intake.run_id = run_id
        master = master_publisher(settings, runner.store, now=runner.now)
        master.keep_office_notes(run_id=run_id)
        report = purge_store(settings, runner.store, today=day, dry_run=False, run_id=run_id, now=runner.now)
        runner.store.finish_run(run_id, at=now_text(runner.now()), counts={"purged": sum(report.records.values())})
        if not report.nothing:
            master.rebuild(run_id=run_id, read_back=False)
        return report
