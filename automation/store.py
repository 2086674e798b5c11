"""SQLite store: the system of record. Schema, migrations and queries; nothing else.

Every dropped file becomes one row in `submissions` (with SHA-256, original name, time received,
outcome and reasons). Every accepted registration is one row in `records`; a correction replaces the
record's data and moves the previous version to `record_history`.
"""

from __future__ import annotations

import collections
import datetime as dt
import hashlib
import json
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol

from automation.errors import StoreError
from automation.forms.model import Condition, FormDef

SCHEMA_VERSION = 11


class Outcome(StrEnum):
    """What became of a dropped file; the values are what `submissions.outcome` holds."""

    ACCEPTED = "geaccepteerd"
    REJECTED = "afgewezen"
    DUPLICATE = "dubbel"


ACCEPTED, REJECTED, DUPLICATE = Outcome.ACCEPTED, Outcome.REJECTED, Outcome.DUPLICATE
OUTCOMES = tuple(Outcome)

# In a registration's data: its personal details were removed after the retention (intake/purge.py).
PURGED = "persoonsgegevens_verwijderd"

EVENTS = """
CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    message TEXT NOT NULL
);
"""

# Every change traceable to a file (hash), a time and a command (issue 6): events say which file
# (e.g. the master the office's notes were read from) and which run made them.
EVENTS_AUDIT = "ALTER TABLE events ADD COLUMN sha256 TEXT; ALTER TABLE events ADD COLUMN run_id INTEGER;"

OFFICE_NOTES = """
CREATE TABLE office_notes (
    regnr TEXT PRIMARY KEY,
    status TEXT,
    note TEXT,
    updated_at TEXT NOT NULL
);
"""

# Survey results, aggregates only (issue 4): one row per school x school year x respondent group x
# instrument, and its themes. A new import of the same survey replaces the old rows.
SURVEYS = """
CREATE TABLE surveys (
    id INTEGER PRIMARY KEY,
    school TEXT NOT NULL,
    schooljaar TEXT NOT NULL,
    groep TEXT NOT NULL,
    instrument TEXT NOT NULL,
    respondents INTEGER NOT NULL,
    invited INTEGER,
    afname TEXT,
    groepen TEXT NOT NULL DEFAULT '',
    scale_min REAL NOT NULL,
    scale_max REAL NOT NULL,
    regnr TEXT NOT NULL,
    submission_id INTEGER NOT NULL,
    source TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (school, schooljaar, groep, instrument)
);
CREATE INDEX surveys_regnr ON surveys (regnr);
CREATE TABLE survey_themes (
    survey_id INTEGER NOT NULL REFERENCES surveys (id),
    theme TEXT NOT NULL,
    label TEXT NOT NULL,
    respondents INTEGER NOT NULL,
    mean REAL,
    positive REAL,
    PRIMARY KEY (survey_id, theme)
);
"""

# The board office's corrections of registrations (issue 13): withdraw, move to another school, merge
# two reports of one event. `office_notes.same_as` is the report a merged one is counted with; a
# withdrawn one has status 'ingetrokken'. Every change is a row of `office_actions`: which value of
# which registration went from what to what, why, from which command or saved master, and which row
# a later undo reversed (`undone`).
OFFICE_ACTIONS = """
ALTER TABLE office_notes ADD COLUMN same_as TEXT;
CREATE TABLE office_actions (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    regnr TEXT NOT NULL,
    field TEXT NOT NULL CHECK (field IN ('status', 'school', 'same_as')),
    old TEXT,
    new TEXT,
    reason TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL,
    sha256 TEXT,
    run_id INTEGER,
    undoes INTEGER,
    undone INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX office_actions_regnr ON office_actions (regnr);
"""
EVENTS_REGNR = "ALTER TABLE events ADD COLUMN regnr TEXT;"  # version 9 (see _events_name_their_registration)
# version 10: a hash of each registration's data (written with it, see `_data_hash`), so the master
# sees which rows changed without reading every registration's data (excel.rowcache); and the
# registers' order (the order they came in) from an index instead of a sort
RECORDS_DATA_HASH = """ALTER TABLE records ADD COLUMN data_hash BLOB;
CREATE INDEX records_arrival ON records (form_id, created_at);
"""
# version 11: e-mail notices waiting to be sent (issue 15, part 4), so none is lost while the mail
# server is down. `key` says what a message is about, so it is queued once however often the step
# that queues it runs (a recovery, a correction). `attachment`: a file attached when it is sent (the
# annotated copy of a rejected form), by its path, never its bytes: the store keeps no plain pupil
# reference. A sent message keeps its row (what was sent to whom, when) without its text.
MAIL_QUEUE = """CREATE TABLE mail_queue (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    recipients TEXT NOT NULL,
    message BLOB NOT NULL,
    attachment TEXT,
    created_at TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_at TEXT NOT NULL,
    sent_at TEXT,
    failed_at TEXT,
    last_error TEXT
);
CREATE INDEX mail_queue_waiting ON mail_queue (next_at) WHERE sent_at IS NULL AND failed_at IS NULL;
"""
WITHDRAWN = "ingetrokken"  # the office's status of a registration that is not counted any more


def _counted(regnr: str, *, note: str | None = None) -> str:
    """The SQL condition 'the registration `regnr` (a column) counts': the office did not withdraw it
    or merge it into another. With `note`: the same, said of the registration's office_notes row that
    the query already joins (LEFT JOIN office_notes {note} ON {note}.regnr = …; one row at most per
    number), which spares a lookup per row."""
    if note is not None:
        return f"NOT ({note}.status IS '{WITHDRAWN}' OR {note}.same_as IS NOT NULL)"
    return (
        f"NOT EXISTS (SELECT 1 FROM office_notes o WHERE o.regnr = {regnr} "
        f"AND (o.status = '{WITHDRAWN}' OR o.same_as IS NOT NULL))"
    )


COUNTED = _counted("r.regnr")  # for queries on `records r`

# The warnings given on intake (e.g. an unreported hospital admission), as a JSON list of texts
# (issue 10). Before, they were only part of `reasons`, as "Let op: …" joined with " | ".
SUBMISSION_WARNINGS = "ALTER TABLE submissions ADD COLUMN warnings TEXT NOT NULL DEFAULT '[]';"

SCHEMA = (
    EVENTS
    + EVENTS_AUDIT
    + OFFICE_NOTES
    + SURVEYS
    + """
CREATE TABLE submissions (
    id INTEGER PRIMARY KEY,
    received_at TEXT NOT NULL,
    original_name TEXT NOT NULL,
    inbox_path TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    form_id TEXT,
    form_version INTEGER,
    outcome TEXT NOT NULL CHECK (outcome IN ('geaccepteerd', 'afgewezen', 'dubbel')),
    kind TEXT,
    reasons TEXT NOT NULL DEFAULT '',
    regnr TEXT,
    content_key TEXT,
    archive_path TEXT NOT NULL,
    rejected_path TEXT,
    finished INTEGER NOT NULL DEFAULT 0,
    run_id INTEGER
);
CREATE INDEX submissions_sha ON submissions (sha256, outcome);
CREATE INDEX submissions_content ON submissions (form_id, content_key, outcome);
CREATE INDEX submissions_unfinished ON submissions (finished) WHERE finished = 0;

CREATE TABLE records (
    regnr TEXT PRIMARY KEY,
    form_id TEXT NOT NULL,
    school TEXT NOT NULL,
    event_date TEXT,
    version INTEGER NOT NULL,
    data TEXT NOT NULL,
    submission_id INTEGER NOT NULL REFERENCES submissions (id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX records_order ON records (form_id, event_date, regnr);

CREATE TABLE record_history (
    regnr TEXT NOT NULL REFERENCES records (regnr),
    version INTEGER NOT NULL,
    data TEXT NOT NULL,
    submission_id INTEGER NOT NULL REFERENCES submissions (id),
    replaced_at TEXT NOT NULL,
    replaced_by INTEGER NOT NULL REFERENCES submissions (id),
    PRIMARY KEY (regnr, version)
);

CREATE TABLE counters (
    prefix TEXT NOT NULL,
    year INTEGER NOT NULL,
    last INTEGER NOT NULL,
    PRIMARY KEY (prefix, year)
);

CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    command TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    counts TEXT NOT NULL DEFAULT '{}',
    error TEXT
);
"""
    + SUBMISSION_WARNINGS
    + OFFICE_ACTIONS
    + EVENTS_REGNR
    + RECORDS_DATA_HASH
    + MAIL_QUEUE
)


# What each schema version adds to the one before (a new database gets SCHEMA at once).
MIGRATIONS: dict[int, str] = {
    2: EVENTS,
    # the registers are read newest first: walking this index backwards needs no sort in memory
    3: "DROP INDEX records_form; CREATE INDEX records_order ON records (form_id, event_date, regnr);",
    4: OFFICE_NOTES,
    5: SURVEYS,
    6: EVENTS_AUDIT,
    7: SUBMISSION_WARNINGS,
    8: OFFICE_ACTIONS,
    9: "",
    10: RECORDS_DATA_HASH,
    11: MAIL_QUEUE,
}
OLD_WARNING = "Let op: "  # how a warning began inside `reasons` before version 7


def _warnings_from_reasons(conn: sqlite3.Connection) -> None:
    """Version 7: read the warnings out of the older rows' `reasons`, once."""
    rows = conn.execute("SELECT id, reasons FROM submissions WHERE instr(reasons, ?) > 0", (OLD_WARNING,)).fetchall()
    for sub_id, reasons in rows:
        parts = reasons.split(" | ")
        warnings = [part.removeprefix(OLD_WARNING) for part in parts if part.startswith(OLD_WARNING)]
        if warnings:
            text = json.dumps(warnings, ensure_ascii=False)
            conn.execute("UPDATE submissions SET warnings = ? WHERE id = ?", (text, sub_id))


def _events_name_their_registration(conn: sqlite3.Connection) -> None:
    """Version 9: an event says which registration it is about (an office action). A database made
    at version 8 by an early build has the column already."""
    if "regnr" not in {row[1] for row in conn.execute("PRAGMA table_info(events)")}:
        conn.execute("ALTER TABLE events ADD COLUMN regnr TEXT")


def _hash_the_data(conn: sqlite3.Connection) -> None:
    """Version 10: the hash of every registration's data, once (row by row inside SQLite: 100,000
    registrations' data are never all in memory)."""
    conn.create_function("data_hash", 1, _data_hash, deterministic=True)
    conn.execute("UPDATE records SET data_hash = data_hash(data)")


# What a schema version does in Python after its SQL, in the same transaction.
CONVERSIONS: dict[int, Callable[[sqlite3.Connection], None]] = {
    7: _warnings_from_reasons,
    9: _events_name_their_registration,
    10: _hash_the_data,
}


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"cannot store {type(value).__name__}")


def dumps(data: Mapping[str, Any]) -> str:
    return json.dumps(data, default=_json_default, ensure_ascii=False, sort_keys=True)


def now_text(moment: dt.datetime) -> str:
    return moment.isoformat(timespec="seconds")


class ThemeRow(Protocol):
    @property
    def key(self) -> str: ...
    @property
    def label(self) -> str: ...
    @property
    def respondents(self) -> int: ...
    @property
    def mean(self) -> float | None: ...
    @property
    def positive(self) -> float | None: ...


class SurveyRow(Protocol):
    """What the store needs of one survey's aggregates (automation.surveys.importer.SurveyResult)."""

    @property
    def school(self) -> str: ...
    @property
    def schooljaar(self) -> str: ...
    @property
    def groep(self) -> str: ...
    @property
    def instrument(self) -> str: ...
    @property
    def respondents(self) -> int: ...
    @property
    def invited(self) -> int | None: ...
    @property
    def afname(self) -> dt.date | None: ...
    @property
    def groepen(self) -> tuple[int, ...]: ...
    @property
    def scale_min(self) -> float: ...
    @property
    def scale_max(self) -> float: ...
    @property
    def themes(self) -> Sequence[ThemeRow]: ...


@dataclass(frozen=True)
class Submission:
    received_at: str
    original_name: str
    inbox_path: str
    sha256: str
    size: int
    archive_path: str
    form_id: str | None = None
    form_version: int | None = None
    outcome: Outcome = Outcome.REJECTED
    kind: str | None = None
    reasons: str = ""
    warnings: tuple[str, ...] = ()
    content_key: str | None = None
    rejected_path: str | None = None


@dataclass(frozen=True)
class Record:
    """One current registration, its data decoded, with the office's follow-up status."""

    regnr: str
    form_id: str
    school: str
    event_date: dt.date | None
    version: int
    data: Mapping[str, Any]
    submission_id: int
    created_at: str
    updated_at: str
    office_status: str | None = None

    @classmethod
    def of(cls, row: sqlite3.Row) -> Record:
        keys = row.keys()
        return cls(
            regnr=row["regnr"],
            form_id=row["form_id"],
            school=row["school"],
            event_date=_date(row["event_date"]),
            version=int(row["version"]),
            data=json.loads(row["data"]),
            submission_id=int(row["submission_id"]),
            created_at=row["created_at"],
            updated_at=row["updated_at"],
            office_status=row["office_status"] if "office_status" in keys else None,
        )

    @classmethod
    def of_raw(cls, raw: RawRecord) -> Record:
        regnr, form_id, school, event_date, version, submission_id, created_at, updated_at, status, data = raw
        return cls(
            regnr=regnr,
            form_id=form_id,
            school=school,
            event_date=_date(event_date),
            version=int(version),
            data=json.loads(data),
            submission_id=int(submission_id),
            created_at=created_at,
            updated_at=updated_at,
            office_status=status,
        )


# A registration as `Store.raw_records` gives it: regnr, form_id, school, event_date, version,
# submission_id, created_at, updated_at, the office's status, and the data as stored (JSON text).
RawRecord = tuple[str, str, str, str | None, int, int, str, str, str | None, str]


@dataclass(frozen=True)
class Tally:
    """How many registrations of a form, for a school, on a day, of a kind (the value of the form's
    counted field, e.g. the incident's category)."""

    form_id: str
    school: str
    day: dt.date
    kind: str | None
    n: int


@dataclass(frozen=True)
class ThemeScore:
    """One theme of one stored survey (aggregates only)."""

    school: str
    schooljaar: str
    groep: str  # leerlingen | ouders | personeel
    theme: str  # a key of automation.forms.peiling.THEMES, or a profile's own theme
    theme_label: str
    respondents: int
    mean: float | None
    scale_min: float
    scale_max: float
    positive: float | None  # share 0..1
    instrument: str
    afname: dt.date | None
    survey_respondents: int = 0  # everyone who answered anything in this survey
    groepen: tuple[int, ...] = ()  # the pupils' groups that took part, when known
    invited: int | None = None
    regnr: str = ""
    source: str = ""  # the profile, or the typed-in form


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text[:10]) if text else None


REGISTER_COLUMNS = """r.*, s.original_name, s.received_at, s.reasons, s.warnings,
                      n.status AS office_status, n.note AS office_note, n.same_as AS office_same_as"""
# every column of a register row that the master shows, or works something out from
REGISTER_STAMPED = (
    "r.regnr",
    "r.form_id",
    "r.school",
    "r.event_date",
    "r.version",
    "coalesce(r.data_hash, r.data)",  # the data by its hash (a row without one, made by hand: the data itself)
    "r.submission_id",
    "r.created_at",
    "r.updated_at",
    "s.original_name",
    "s.received_at",
    "s.reasons",
    "s.warnings",
    "n.status",
    "n.note",
    "n.same_as",
)
LOG_STAMPED = (
    "at",
    "name",
    "form_id",
    "kind",
    "school",
    "outcome",
    "regnr",
    "reasons",
    "warnings",
    "sha256",
    "command",
    "key",
)


def _stamped(columns: Sequence[str]) -> str:
    """SQL for a stamp of these columns: `row_stamp` over them all."""
    return f"row_stamp({', '.join(columns)})"


def row_stamp(*values: Any) -> bytes:
    """A hash of a row's values (text, numbers, bytes, None): of their tuple's repr, in which no two
    different rows read alike; the same in every process. SQLite calls it for each row of a register or
    the Logboek (`register_stamps`), and the master's and the facts' kept rows stamp with it too."""
    return hashlib.blake2b(repr(values).encode("utf-8", "surrogatepass"), digest_size=12).digest()


def _data_hash(data: str) -> bytes:
    """What `records.data_hash` holds: written by every statement that writes `records.data`."""
    return hashlib.blake2b(data.encode("utf-8", "surrogatepass"), digest_size=12).digest()


def _iterated(rows: Iterable[Any]) -> Iterator[Any]:
    """A cursor's rows, for a generator to `yield from`: a generator a caller leaves unfinished
    (`islice`, a search that stops at its find) is closed when it is collected, and `yield from` a
    cursor would then close the cursor too, perhaps on a database closed by then."""
    for row in rows:  # noqa: UP028 - deliberately not `yield from` (see above)
        yield row


def _merged_log(
    submissions: Iterable[Any], events: Sequence[Any], *, oldest_first: bool, at: int | str
) -> Iterator[Any]:
    """The submissions streamed with the few events slipped in between at their time (`row[at]`): the
    same places either way round (an event comes before a file of its very moment when oldest
    first, after it when newest first)."""
    waiting, rest = collections.deque(events), iter(submissions)
    for sub in rest:
        while waiting and (waiting[0][at] <= sub[at] if oldest_first else waiting[0][at] > sub[at]):
            yield waiting.popleft()
        if not waiting:  # the rest in one go
            yield sub
            for later in rest:  # noqa: UP028 - not `yield from`: see _iterated
                yield later
            return
        yield sub
    yield from waiting


class Store:
    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self._conn = conn  # private: every query is a method of this class
        self.path = path
        self._finished: list[tuple[int, str | None]] = []

    # --- opening -------------------------------------------------------------------------
    @classmethod
    def open(cls, path: Path, *, create: bool, durable: bool = True) -> Store:
        if not path.exists() and not create:
            raise StoreError(
                f"De database {path} ontbreekt. Is de map verplaatst? Zet hem terug, of start opnieuw "
                "met 'veiligheid process' in een nieuwe werkmap."
            )
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            conn = sqlite3.connect(path, isolation_level=None, timeout=30)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute(f"PRAGMA synchronous={'FULL' if durable else 'NORMAL'}")
            conn.execute("PRAGMA foreign_keys=ON")
            store = cls(conn, path)
            store._migrate()
        except sqlite3.DatabaseError as exc:
            raise StoreError(
                f"De database {path} is beschadigd of geen database ({exc}). Zet een reservekopie terug, of "
                "herbouw hem uit het archief met 'veiligheid rebuild'."
            ) from exc
        return store

    @classmethod
    def memory(cls) -> Store:
        """A store that lives in memory only: for fast unit tests and examples."""
        conn = sqlite3.connect(":memory:", isolation_level=None)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA foreign_keys=ON")
        store = cls(conn, Path(":memory:"))
        store._migrate()
        return store

    def schema_version(self) -> int:
        return int(self._conn.execute("PRAGMA user_version").fetchone()[0])

    def indexes(self) -> set[str]:
        return {r[0] for r in self._conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}

    def history(self, regnr: str) -> list[tuple[int, Mapping[str, Any], int]]:
        """Earlier versions of a registration: (version, its data, the submission that replaced it)."""
        return [
            (int(r["version"]), json.loads(r["data"]), int(r["replaced_by"]))
            for r in self._conn.execute(
                "SELECT version, data, replaced_by FROM record_history WHERE regnr = ? ORDER BY version", (regnr,)
            )
        ]

    def healthy(self) -> bool:
        """SQLite's own check of every page (a damaged database says no)."""
        return bool(self._conn.execute("PRAGMA quick_check").fetchone()[0] == "ok")

    def _migrate(self) -> None:
        version = self._conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"De database {self.path} is gemaakt door een nieuwere versie van dit programma "
                f"(schema {version}); werk het programma bij."
            )
        if version == 0:
            self._conn.executescript("BEGIN;" + SCHEMA + f"PRAGMA user_version={SCHEMA_VERSION};COMMIT;")
            return
        for step in range(version + 1, SCHEMA_VERSION + 1):
            self._conn.executescript("BEGIN;" + MIGRATIONS[step])  # the transaction stays open
            try:
                if step in CONVERSIONS:
                    CONVERSIONS[step](self._conn)
                self._conn.execute(f"PRAGMA user_version={step}")
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def close(self) -> None:
        if self._finished:
            self.flush()
        self._conn.close()

    @contextmanager
    def reading(self) -> Iterator[None]:
        """One consistent view of the store for the block, however many queries it makes (a read
        transaction: with WAL, what others commit meanwhile is not seen); joined if one is open."""
        if self._conn.in_transaction:
            yield
            return
        self._conn.execute("BEGIN")
        try:
            yield
        finally:
            self._conn.execute("COMMIT")

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One transaction around the block (joined if one is open); the connection stays private."""
        if self._conn.in_transaction:
            yield
            return
        self._conn.execute("BEGIN IMMEDIATE")
        written = self._write_finished()
        try:
            yield
        except BaseException:
            self._conn.execute("ROLLBACK")  # the finished marks stay queued for the next commit
            raise
        self._conn.execute("COMMIT")
        del self._finished[:written]

    # --- submissions ---------------------------------------------------------------------
    def add_submission(self, sub: Submission, *, run_id: int | None, regnr: str | None = None) -> int:
        cur = self._conn.execute(
            """INSERT INTO submissions (received_at, original_name, inbox_path, sha256, size, form_id,
                 form_version, outcome, kind, reasons, warnings, regnr, content_key, archive_path,
                 rejected_path, run_id)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (
                sub.received_at,
                sub.original_name,
                sub.inbox_path,
                sub.sha256,
                sub.size,
                sub.form_id,
                sub.form_version,
                sub.outcome,
                sub.kind,
                sub.reasons,
                json.dumps(list(sub.warnings), ensure_ascii=False),
                regnr,
                sub.content_key,
                sub.archive_path,
                sub.rejected_path,
                run_id,
            ),
        )
        return int(cur.lastrowid or 0)

    def mark_finished(self, submission_id: int, *, rejected_path: str | None = None) -> None:
        """Note that the inbox file is gone; written with the next transaction (or `flush`).

        Deferring is safe: a submission still marked unfinished after a crash is finished again
        by the intake's recovery, which is idempotent.
        """
        self._finished.append((submission_id, rejected_path))

    def flush(self) -> None:
        with self.transaction():
            pass

    def _write_finished(self) -> int:
        for submission_id, rejected_path in self._finished:
            self._conn.execute(
                "UPDATE submissions SET finished = 1, rejected_path = coalesce(?, rejected_path) WHERE id = ?",
                (rejected_path, submission_id),
            )
        return len(self._finished)

    def count_unfinished(self) -> int:
        """Stored submissions not yet handed back or confirmed (finished marks still held in memory,
        to be written with the next commit, counted as finished), without a write."""
        pending = {submission_id for submission_id, _ in self._finished}
        ids = [row[0] for row in self._conn.execute("SELECT id FROM submissions WHERE finished = 0")]
        return sum(1 for submission_id in ids if submission_id not in pending)

    def unfinished(self) -> list[sqlite3.Row]:
        self.flush()
        return list(self._conn.execute("SELECT * FROM submissions WHERE finished = 0 ORDER BY id"))

    def accepted_with_bytes(self, sha256: str) -> sqlite3.Row | None:
        row: sqlite3.Row | None = self._conn.execute(
            "SELECT * FROM submissions WHERE sha256 = ? AND outcome = ? ORDER BY id LIMIT 1",
            (sha256, ACCEPTED),
        ).fetchone()
        return row

    def accepted_with_content(self, form_id: str, content_key: str) -> sqlite3.Row | None:
        row: sqlite3.Row | None = self._conn.execute(
            "SELECT * FROM submissions WHERE form_id = ? AND content_key = ? AND outcome = ? ORDER BY id LIMIT 1",
            (form_id, content_key, ACCEPTED),
        ).fetchone()
        return row

    # --- records -------------------------------------------------------------------------
    def next_regnr(self, prefix: str, year: int) -> str:
        row = self._conn.execute(
            """INSERT INTO counters (prefix, year, last) VALUES (?, ?, 1)
               ON CONFLICT (prefix, year) DO UPDATE SET last = last + 1
               RETURNING last""",
            (prefix, year),
        ).fetchone()
        return f"{prefix}-{year}-{int(row[0]):04d}"

    def claim_regnr(self, regnr: str) -> None:
        """Note that `regnr` is given out (a rebuild restoring a purged registration): numbers
        handed out later follow it."""
        prefix, year, number = regnr.rsplit("-", 2)
        self._conn.execute(
            """INSERT INTO counters (prefix, year, last) VALUES (?, ?, ?)
               ON CONFLICT (prefix, year) DO UPDATE SET last = max(last, excluded.last)""",
            (prefix, int(year), int(number)),
        )

    def number_taken(self, regnr: str) -> bool:
        """Whether a registration or a submission holds this number already."""
        return (
            self._conn.execute(
                "SELECT 1 FROM records WHERE regnr = ? UNION ALL SELECT 1 FROM submissions WHERE regnr = ? LIMIT 1",
                (regnr, regnr),
            ).fetchone()
            is not None
        )

    def handed_back(self) -> Iterator[tuple[str, str]]:
        """(time received, where it is handed back) of every rejected file (whether it is there: ask the disk)."""
        for row in self._conn.execute(
            "SELECT received_at, rejected_path FROM submissions WHERE outcome = ? "
            "AND rejected_path IS NOT NULL AND rejected_path != ''",
            (REJECTED,),
        ):
            yield row[0], row[1]

    def move_rejected(self, old: str, new: str) -> None:
        """A handed-back file moved (a solved rejection): where the store finds it now."""
        self._conn.execute("UPDATE submissions SET rejected_path = ? WHERE rejected_path = ?", (new, old))

    def submission_number(self, submission_id: int) -> str | None:
        row = self._conn.execute("SELECT regnr FROM submissions WHERE id = ?", (submission_id,)).fetchone()
        return None if row is None else row[0]

    def names_by_number(self, numbers: set[str]) -> dict[str, set[str]]:
        """For these registration numbers, the names of the files stored under each."""
        found: dict[str, set[str]] = {}
        wanted = sorted(numbers)
        for start in range(0, len(wanted), 500):  # SQLite's limit on parameters
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for regnr, name in self._conn.execute(
                f"SELECT regnr, original_name FROM submissions WHERE regnr IN ({marks})", chunk
            ):
                found.setdefault(regnr, set()).add(name)
        return found

    def numbers(self) -> set[str]:
        """Every registration number the database holds (registrations and the submissions naming them)."""
        return {
            row[0]
            for row in self._conn.execute(
                "SELECT regnr FROM records UNION SELECT regnr FROM submissions WHERE regnr IS NOT NULL"
            )
        }

    def counters(self) -> dict[tuple[str, int], int]:
        """The last number given in each series (prefix, year)."""
        return {
            (row[0], int(row[1])): int(row[2]) for row in self._conn.execute("SELECT prefix, year, last FROM counters")
        }

    def claim_numbers(self, highest: Mapping[tuple[str, int], int]) -> None:
        """Numbers given out elsewhere (the archive's journal, the confirmations): later numbers follow them."""
        self._conn.executemany(
            """INSERT INTO counters (prefix, year, last) VALUES (?, ?, ?)
               ON CONFLICT (prefix, year) DO UPDATE SET last = max(last, excluded.last)""",
            [(prefix, year, last) for (prefix, year), last in highest.items()],
        )

    def relative_paths(self, root: Path) -> int:
        """Turn the absolute paths older versions stored into paths relative to the working folder
        `root` (where they lie inside it). Returns how many rows changed; 0 once done."""
        prefix = str(root).rstrip("/\\") + os.sep
        changed = 0
        with self.transaction():
            for column in ("inbox_path", "archive_path", "rejected_path"):
                cur = self._conn.execute(
                    f"UPDATE submissions SET {column} = replace(substr({column}, ?), ?, '/') "
                    f"WHERE substr({column}, 1, ?) = ?",
                    (len(prefix) + 1, os.sep, len(prefix), prefix),
                )
                changed += cur.rowcount
        return changed

    def school_of(self, regnr: str) -> str | None:
        row = self._conn.execute("SELECT school FROM records WHERE regnr = ?", (regnr,)).fetchone()
        return None if row is None else str(row[0])

    def record(self, regnr: str) -> Record | None:
        row = self._conn.execute("SELECT * FROM records WHERE regnr = ?", (regnr,)).fetchone()
        return None if row is None else Record.of(row)

    def corrected_by(self, submission_id: int) -> bool:
        """Whether this submission replaced an earlier version of a record (was a correction)."""
        sql = "SELECT 1 FROM record_history WHERE replaced_by = ? LIMIT 1"
        return self._conn.execute(sql, (submission_id,)).fetchone() is not None

    def insert_record(
        self,
        *,
        regnr: str,
        form_id: str,
        school: str,
        event_date: str | None,
        data: Mapping[str, Any],
        submission_id: int,
        at: str,
    ) -> None:
        text = dumps(data)
        self._conn.execute(
            """INSERT INTO records (regnr, form_id, school, event_date, version, data, data_hash, submission_id,
                 created_at, updated_at) VALUES (?, ?, ?, ?, 1, ?, ?, ?, ?, ?)""",
            (regnr, form_id, school, event_date, text, _data_hash(text), submission_id, at, at),
        )

    def replace_record(
        self,
        *,
        regnr: str,
        school: str,
        event_date: str | None,
        data: Mapping[str, Any],
        submission_id: int,
        at: str,
    ) -> int:
        old = self._conn.execute("SELECT * FROM records WHERE regnr = ?", (regnr,)).fetchone()
        if old is None:
            raise KeyError(regnr)
        self._conn.execute(
            """INSERT INTO record_history (regnr, version, data, submission_id, replaced_at, replaced_by)
               VALUES (?, ?, ?, ?, ?, ?)""",
            (regnr, old["version"], old["data"], old["submission_id"], at, submission_id),
        )
        version = int(old["version"]) + 1
        text = dumps(data)
        self._conn.execute(
            """UPDATE records SET school = ?, event_date = ?, version = ?, data = ?, data_hash = ?, submission_id = ?,
                 updated_at = ? WHERE regnr = ?""",
            (school, event_date, version, text, _data_hash(text), submission_id, at, regnr),
        )
        return version

    def count_records(self, form_id: str) -> int:
        return int(self._conn.execute("SELECT count(*) FROM records WHERE form_id = ?", (form_id,)).fetchone()[0])

    _REGISTER_FROM = """FROM records r JOIN submissions s ON s.id = r.submission_id
               LEFT JOIN office_notes n ON n.regnr = r.regnr"""
    _REGISTER_ORDER = "ORDER BY r.created_at, r.rowid"

    def iter_records(self, form_id: str) -> Iterator[sqlite3.Row]:
        """Current records of one form in the order they came in (a new one is last, so the rows
        before it keep their place in the master: excel.rowcache), joined with their source file."""
        yield from _iterated(
            self._conn.execute(
                f"""SELECT {REGISTER_COLUMNS} {self._REGISTER_FROM}
               WHERE r.form_id = ? {self._REGISTER_ORDER}""",
                (form_id,),
            )
        )

    def register_row(self, regnr: str) -> sqlite3.Row | None:
        """One row of `iter_records`, by its number."""
        return self._conn.execute(  # type: ignore[no-any-return]
            f"SELECT {REGISTER_COLUMNS} {self._REGISTER_FROM} WHERE r.regnr = ?", (regnr,)
        ).fetchone()

    def register_stamps(self, form_id: str) -> list[tuple[str, str, bytes]]:
        """Per row of `iter_records`, in its order: the number, the school, and a hash of every column
        it has (`row_stamp`, a hash of the repr of their values, called by SQLite for each row, so no
        two different rows read alike): what the master needs to see which rows changed without
        reading them (excel.rowcache)."""
        self._register_row_stamp()
        cursor = self._conn.cursor()
        cursor.row_factory = None
        return cursor.execute(
            f"""SELECT r.regnr, r.school, {_stamped(REGISTER_STAMPED)} {self._REGISTER_FROM}
               WHERE r.form_id = ? {self._REGISTER_ORDER}""",
            (form_id,),
        ).fetchall()

    def _register_row_stamp(self) -> None:
        self._conn.create_function("row_stamp", -1, row_stamp, deterministic=True)

    def records(self, form_ids: Sequence[str]) -> Iterator[Record]:
        """The counted registrations of these forms (not withdrawn or merged by the office), with the
        office's status, in number order: streamed, so memory stays flat however many there are."""
        for raw in self.raw_records(form_ids, in_order=True):
            yield Record.of_raw(raw)

    def raw_records(self, form_ids: Sequence[str], *, in_order: bool = False, data: bool = True) -> Iterator[RawRecord]:
        """`records` as plain tuples, the data not decoded (`Record.of_raw` decodes one), in number
        order only if asked (a sort less): for a caller that keeps what it derived from each
        registration and decodes only the ones that changed. With `data=False` the last column is
        the data's hash instead of the data (schema 10; the data itself for a row without one):
        enough to see which registrations changed, without reading every registration's data
        (`raw_records_of` then reads those)."""
        marks = ",".join("?" * len(form_ids))
        cursor = self._conn.cursor()
        cursor.row_factory = None  # tuples: quicker than rows by name, 50,000 times over
        yield from _iterated(
            cursor.execute(
                f"""SELECT r.regnr, r.form_id, r.school, r.event_date, r.version, r.submission_id, r.created_at,
                       r.updated_at, n.status, {"r.data" if data else "coalesce(r.data_hash, r.data)"}
                FROM records r LEFT JOIN office_notes n ON n.regnr = r.regnr
                WHERE r.form_id IN ({marks}) AND {_counted("r.regnr", note="n")}
                {"ORDER BY r.regnr" if in_order else ""}""",
                tuple(form_ids),
            )
        )

    def raw_records_of(self, regnrs: Sequence[str]) -> Iterator[RawRecord]:
        """The rows of `raw_records` (with their data) of these registrations."""
        cursor = self._conn.cursor()
        cursor.row_factory = None
        for start in range(0, len(regnrs), 500):
            part = regnrs[start : start + 500]
            yield from _iterated(
                cursor.execute(
                    f"""SELECT r.regnr, r.form_id, r.school, r.event_date, r.version, r.submission_id, r.created_at,
                           r.updated_at, n.status, r.data
                    FROM records r LEFT JOIN office_notes n ON n.regnr = r.regnr
                    WHERE r.regnr IN ({",".join("?" * len(part))})""",
                    tuple(part),
                )
            )

    def filled_forms(self, form_id: str) -> list[Record]:
        """Every counted registration of a form, oldest first (by its date, then when it was last
        changed): the last one of a school is its latest."""
        return [
            Record.of(row)
            for row in self._conn.execute(
                f"SELECT * FROM records r WHERE form_id = ? AND {COUNTED} ORDER BY event_date, updated_at, regnr",
                (form_id,),
            )
        ]

    def tallies(self, counted: Mapping[str, str | None]) -> list[Tally]:
        """Counted registrations per form, school, day and kind; `counted` names each form's field counted
        per kind (None: not per kind). Days, so that any part of a school year can be counted."""
        forms = list(counted)
        if not forms:
            return []
        kind = " ".join("WHEN ? THEN json_extract(data, ?)" for _ in forms)
        params: list[Any] = []
        for form_id in forms:
            key = counted[form_id]
            params += [form_id, f"$.{key}" if key else "$.__none__"]
        marks = ",".join("?" * len(forms))
        return [
            Tally(row["form_id"], row["school"], dt.date.fromisoformat(row["day"]), row["kind"], int(row["n"]))
            for row in self._conn.execute(
                f"""SELECT form_id, school, substr(event_date, 1, 10) AS day, CASE form_id {kind} END AS kind,
                           count(*) AS n
                    FROM records r WHERE form_id IN ({marks}) AND event_date IS NOT NULL AND {COUNTED}
                    GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4""",
                (*params, *forms),
            )
        ]

    def case_counts(self, forms: Sequence[FormDef], *, today: dt.date, open_days: int) -> list[CaseCount]:
        """Per form, school and event day (None: no date) the counted registrations, and how many of
        them have an open action on `today`: `checks.actions.actions_for`, said in SQL (`OpenCase`),
        so that `status` decodes no registration in Python."""
        if not forms:
            return []
        rule = OpenCase(today=today, open_days=open_days)
        condition = rule.sql(forms)
        for name, (args, function) in OPEN_CASE_FUNCTIONS.items():
            self._conn.create_function(name, args, function, deterministic=True)
        ids = {f"f{i}": form.id for i, form in enumerate(forms)}
        return [
            CaseCount(row[0], row[1], row[2], int(row[3]), int(row[4]))
            for row in self._conn.execute(
                f"""SELECT r.form_id, r.school, substr(r.event_date, 1, 10), count(*),
                           coalesce(sum(CASE WHEN {condition} THEN 1 ELSE 0 END), 0)
                    FROM records r LEFT JOIN office_notes n ON n.regnr = r.regnr
                    WHERE r.form_id IN ({",".join(f":{k}" for k in ids)}) AND {_counted("r.regnr", note="n")}
                    GROUP BY 1, 2, 3 ORDER BY 1, 2, 3""",
                rule.params | ids,
            )
        ]

    def regnrs(self, form_id: str, *, school: str) -> list[str]:
        return [
            r[0]
            for r in self._conn.execute(
                "SELECT regnr FROM records WHERE form_id = ? AND school = ? ORDER BY regnr", (form_id, school)
            )
        ]

    def schools_with(self, form_id: str) -> set[str]:
        """The schools that sent at least one form of this kind (counted or not: a school whose form the
        office withdrew still has a plan, which must follow)."""
        return {r[0] for r in self._conn.execute("SELECT DISTINCT school FROM records WHERE form_id = ?", (form_id,))}

    def versions(self) -> Iterator[tuple[str, str, str, int, str]]:
        """(school, form, number, version, office status) of every registration, by school and number:
        what a school's documents are made from changes when one of these does (a merge too)."""
        for row in self._conn.execute(
            """SELECT r.school, r.form_id, r.regnr, r.version,
                      coalesce(n.status, '') || coalesce(' = ' || n.same_as, '') AS status
               FROM records r LEFT JOIN office_notes n ON n.regnr = r.regnr ORDER BY r.school, r.regnr"""
        ):
            yield row[0], row[1], row[2], int(row[3]), row[4]

    def survey_versions(self) -> Iterator[tuple[str, str, str, str]]:
        """(school, school year, group, when stored, and whether the office withdrew it) of every survey
        result: a school's documents show them, so they change when one of these does (an export is no
        registration)."""
        for row in self._conn.execute(
            """SELECT s.school, s.schooljaar, s.groep, s.updated_at || coalesce(' ' || n.status, '')
               FROM surveys s LEFT JOIN office_notes n ON n.regnr = s.regnr
               ORDER BY s.school, s.schooljaar, s.groep, s.instrument"""
        ):
            yield row[0], row[1], row[2], row[3]

    def last_received_per_school(self) -> dict[str, dt.datetime]:
        return {
            row[0]: dt.datetime.fromisoformat(row[1])
            for row in self._conn.execute(
                f"""SELECT r.school, max(s.received_at) FROM records r
                   JOIN submissions s ON s.regnr = r.regnr WHERE {COUNTED} GROUP BY r.school"""
            )
        }

    def pupil_involvements(self, form_id: str, *, since: str) -> list[tuple[str, str, str, str, str | None]]:
        """Per counted registration of `form_id` with a pupil's pseudonym, since the day `since`: its
        number, school, event date, the pseudonym and the pupil's role (early warnings: checks.signals)."""
        return [
            (row[0], row[1], row[2], row[3], row[4])
            for row in self._conn.execute(
                f"""SELECT r.regnr, r.school, substr(r.event_date, 1, 10), json_extract(r.data, '$.leerling_ref'),
                           json_extract(r.data, '$.leerling_ref_rol')
                    FROM records r WHERE r.form_id = ? AND r.event_date >= ? AND {COUNTED}
                      AND json_extract(r.data, '$.leerling_ref') IS NOT NULL
                    ORDER BY r.event_date, r.regnr""",
                (form_id, since),
            )
        ]

    # --- survey results (aggregates) ------------------------------------------------------
    def save_surveys(
        self, results: Sequence[SurveyRow], *, regnr: str, submission_id: int, source: str, at: str
    ) -> int:
        """Store survey aggregates from one file; a survey of the same school, year, group and
        instrument is replaced, and so is what an earlier version of the same registration gave.
        Returns how many earlier surveys were replaced."""
        replaced = 0
        old = [r[0] for r in self._conn.execute("SELECT id FROM surveys WHERE regnr = ?", (regnr,))]
        for result in results:
            old += [
                r[0]
                for r in self._conn.execute(
                    "SELECT id FROM surveys WHERE school = ? AND schooljaar = ? AND groep = ? AND instrument = ?",
                    (result.school, result.schooljaar, result.groep, result.instrument),
                )
            ]
        for survey_id in sorted(set(old)):
            self._conn.execute("DELETE FROM survey_themes WHERE survey_id = ?", (survey_id,))
            self._conn.execute("DELETE FROM surveys WHERE id = ?", (survey_id,))
            replaced += 1
        for result in results:
            cur = self._conn.execute(
                """INSERT INTO surveys (school, schooljaar, groep, instrument, respondents, invited, afname,
                       groepen, scale_min, scale_max, regnr, submission_id, source, updated_at)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                (
                    result.school,
                    result.schooljaar,
                    result.groep,
                    result.instrument,
                    result.respondents,
                    result.invited,
                    result.afname.isoformat() if result.afname else None,
                    ",".join(str(g) for g in result.groepen),
                    result.scale_min,
                    result.scale_max,
                    regnr,
                    submission_id,
                    source,
                    at,
                ),
            )
            self._conn.executemany(
                """INSERT INTO survey_themes (survey_id, theme, label, respondents, mean, positive)
                   VALUES (?, ?, ?, ?, ?, ?)""",
                [(cur.lastrowid, t.key, t.label, t.respondents, t.mean, t.positive) for t in result.themes],
            )
        return replaced

    def stored_respondents(self, result: SurveyRow) -> int | None:
        """The respondents of the stored survey this one would replace, if there is one."""
        row = self._conn.execute(
            "SELECT respondents FROM surveys WHERE school = ? AND schooljaar = ? AND groep = ? AND instrument = ?",
            (result.school, result.schooljaar, result.groep, result.instrument),
        ).fetchone()
        return None if row is None else int(row[0])

    def iter_surveys(self, *, schooljaar: str | None = None, school: str | None = None) -> Iterator[sqlite3.Row]:
        """Surveys with their themes: one row per theme, by school, year (newest first), group; not
        those of a registration the office withdrew."""
        yield from _iterated(
            self._conn.execute(
                f"""SELECT s.*, t.theme, t.label, t.respondents AS theme_respondents, t.mean, t.positive
               FROM surveys s JOIN survey_themes t ON t.survey_id = s.id
               WHERE (:year IS NULL OR s.schooljaar = :year) AND (:school IS NULL OR s.school = :school)
                 AND {_counted("s.regnr")}
               ORDER BY s.school, s.schooljaar DESC, s.groep, s.instrument, s.id, t.rowid""",
                {"year": schooljaar, "school": school},
            )
        )

    def survey_scores(self, *, schooljaar: str | None = None, school: str | None = None) -> list[ThemeScore]:
        """Every stored survey theme, by school, year (newest first), group."""
        return [
            ThemeScore(
                school=row["school"],
                schooljaar=row["schooljaar"],
                groep=row["groep"],
                theme=row["theme"],
                theme_label=row["label"],
                respondents=row["theme_respondents"],
                mean=row["mean"],
                scale_min=row["scale_min"],
                scale_max=row["scale_max"],
                positive=row["positive"],
                instrument=row["instrument"],
                afname=_date(row["afname"]),
                survey_respondents=row["respondents"],
                groepen=tuple(int(g) for g in row["groepen"].split(",") if g),
                invited=row["invited"],
                regnr=row["regnr"],
                source=row["source"],
            )
            for row in self.iter_surveys(schooljaar=schooljaar, school=school)
        ]

    def surveys_of(self, regnr: str) -> list[sqlite3.Row]:
        return list(
            self._conn.execute("SELECT * FROM surveys WHERE regnr = ? ORDER BY school, schooljaar, groep", (regnr,))
        )

    def last_submission_id(self) -> int:
        return int(self._conn.execute("SELECT coalesce(max(id), 0) FROM submissions").fetchone()[0])

    def office_notes(self) -> dict[str, tuple[str | None, str | None]]:
        """What the office typed in the registers (follow-up status, note), by registration number."""
        return {r["regnr"]: (r["status"], r["note"]) for r in self._conn.execute("SELECT * FROM office_notes")}

    def office_rows(self) -> dict[str, tuple[str, str | None, str | None]]:
        """What the master's office columns show, by registration number: (status, note, the report a
        merged one is counted with); a registration not listed shows ('open', None, None)."""
        return {
            r["regnr"]: (r["status"] or "open", r["note"], r["same_as"])
            for r in self._conn.execute("SELECT regnr, status, note, same_as FROM office_notes")
        }

    def save_office_notes(
        self,
        notes: Mapping[str, tuple[str | None, str | None]],
        *,
        at: str,
        source: tuple[str, str] | None = None,
        run_id: int | None = None,
    ) -> int:
        """Keep what the office typed; returns how many changed. Unknown numbers are ignored. With
        `source` (file name, SHA-256) the change is noted as an event: where it came from."""
        known = self.office_notes()
        changed: list[str] = []
        with self.transaction():
            for regnr, value in notes.items():
                record = self.record(regnr)
                if record is None:
                    continue
                if PURGED in record.data:  # past the retention: a note read back from an old master stays out
                    value = (value[0], None)
                if known.get(regnr, ("open", None)) == value:
                    continue  # unchanged ('open' without a note is what a new row shows)
                self._conn.execute(
                    """INSERT INTO office_notes (regnr, status, note, updated_at) VALUES (?, ?, ?, ?)
                       ON CONFLICT (regnr) DO UPDATE SET status = excluded.status, note = excluded.note,
                         updated_at = excluded.updated_at""",
                    (regnr, value[0], value[1], at),
                )
                changed.append(regnr)
            if changed and source is not None:
                shown = ", ".join(changed[:10]) + (f" en nog {len(changed) - 10}" if len(changed) > 10 else "")
                self.add_event(
                    at=at,
                    kind="notities bewaard",
                    name=source[0],
                    message=f"Status afhandeling of notitie van het bestuurskantoor overgenomen bij {shown}.",
                    sha256=source[1],
                    run_id=run_id,
                )
        return len(changed)

    # --- the office's corrections: withdraw, move, merge (automation.intake.office) ----------------
    def office_values(self, regnr: str) -> dict[str, str | None]:
        """The values an office action changes: the follow-up status, the school, the report a merged
        one is counted with. A survey export's number (its results, no registration) has no school."""
        row = self._conn.execute(
            """SELECT n.status, r.school, n.same_as, r.regnr IS NOT NULL OR EXISTS (SELECT 1 FROM surveys s
                   WHERE s.regnr = k.regnr)
               FROM (SELECT ? AS regnr) k LEFT JOIN records r ON r.regnr = k.regnr
               LEFT JOIN office_notes n ON n.regnr = k.regnr""",
            (regnr,),
        ).fetchone()
        if not row[3]:
            raise KeyError(regnr)
        return {"status": row[0], "school": row[1], "same_as": row[2]}

    def set_office_value(self, regnr: str, field: str, value: str | None, *, at: str) -> None:
        """Set one value an office action changes (see `office_values`)."""
        if field == "school":
            self._conn.execute("UPDATE records SET school = ?, updated_at = ? WHERE regnr = ?", (value, at, regnr))
            return
        if field not in ("status", "same_as"):
            raise ValueError(field)
        self._conn.execute(
            f"""INSERT INTO office_notes (regnr, {field}, updated_at) VALUES (?, ?, ?)
                ON CONFLICT (regnr) DO UPDATE SET {field} = excluded.{field}, updated_at = excluded.updated_at""",
            (regnr, value, at),
        )

    def add_office_action(
        self,
        *,
        at: str,
        regnr: str,
        field: str,
        old: str | None,
        new: str | None,
        reason: str,
        source: str,
        sha256: str | None = None,
        run_id: int | None = None,
        undoes: int | None = None,
    ) -> int:
        cur = self._conn.execute(
            """INSERT INTO office_actions (at, regnr, field, old, new, reason, source, sha256, run_id, undoes)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (at, regnr, field, old, new, reason, source, sha256, run_id, undoes),
        )
        if undoes is not None:
            self._conn.execute("UPDATE office_actions SET undone = 1 WHERE id = ?", (undoes,))
        return int(cur.lastrowid or 0)

    def office_actions(self, regnr: str) -> list[sqlite3.Row]:
        """Every office action on a registration, oldest first, with the command that made it."""
        return list(
            self._conn.execute(
                """SELECT a.*, ru.command FROM office_actions a LEFT JOIN runs ru ON ru.id = a.run_id
                   WHERE a.regnr = ? ORDER BY a.id""",
                (regnr,),
            )
        )

    def standing_actions(self, regnr: str, field: str | None = None) -> list[sqlite3.Row]:
        """The office actions on a registration (on one of its values) still in force, oldest first: not
        undone, and not themselves an undo. An undo reverses the last."""
        return list(
            self._conn.execute(
                """SELECT * FROM office_actions WHERE regnr = :regnr AND (:field IS NULL OR field = :field)
                   AND undone = 0 AND undoes IS NULL ORDER BY id""",
                {"regnr": regnr, "field": field},
            )
        )

    def standing_action(self, regnr: str, field: str) -> sqlite3.Row | None:
        standing = self.standing_actions(regnr, field)
        return standing[-1] if standing else None

    def registrations_per_school(self) -> dict[str, int]:
        """How many registrations each school has (any school a registration names, configured or not)."""
        return {r[0]: int(r[1]) for r in self._conn.execute("SELECT school, count(*) FROM records GROUP BY school")}

    def not_counted(self, form_id: str) -> tuple[int, int]:
        """(withdrawn, merged) registrations of a form: in its register, counted nowhere."""
        row = self._conn.execute(
            f"""SELECT sum(o.status = '{WITHDRAWN}'), sum(o.status IS NOT '{WITHDRAWN}' AND o.same_as IS NOT NULL)
                FROM office_notes o JOIN records r ON r.regnr = o.regnr WHERE r.form_id = ?""",
            (form_id,),
        ).fetchone()
        return int(row[0] or 0), int(row[1] or 0)

    def merged_into(self, regnr: str) -> list[str]:
        """The registrations the office merged into this one (counted with it)."""
        return [
            r[0]
            for r in self._conn.execute("SELECT regnr FROM office_notes WHERE same_as = ? ORDER BY regnr", (regnr,))
        ]

    def add_event(
        self,
        *,
        at: str,
        kind: str,
        name: str,
        message: str,
        sha256: str | None = None,
        run_id: int | None = None,
        regnr: str | None = None,
    ) -> None:
        """Something that changed the store or the master other than a received file, with the file
        it came from (if any), the run that did it, and the registration it is about (if one)."""
        self._conn.execute(
            "INSERT INTO events (at, kind, name, message, sha256, run_id, regnr) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (at, kind, name, message, sha256, run_id, regnr),
        )

    def count_log(self) -> int:
        row = self._conn.execute("SELECT (SELECT count(*) FROM submissions) + (SELECT count(*) FROM events)").fetchone()
        return int(row[0])

    _EVENT_SELECT = """SELECT e.at AS at, e.name AS name, r.form_id AS form_id, NULL AS kind, r.school AS school,
                      e.kind AS outcome, e.regnr AS regnr, e.message AS reasons, '[]' AS warnings,
                      e.sha256 AS sha256, ru.command AS command, 'e' || e.id AS key
               FROM events e LEFT JOIN runs ru ON ru.id = e.run_id LEFT JOIN records r ON r.regnr = e.regnr"""
    _SUBMISSION_SELECT = """SELECT s.received_at AS at, s.original_name AS name, s.form_id AS form_id, s.kind AS kind,
                      r.school AS school, s.outcome AS outcome, s.regnr AS regnr, s.reasons AS reasons,
                      s.warnings AS warnings, s.sha256 AS sha256, ru.command AS command, 's' || s.id AS key
               FROM submissions s LEFT JOIN records r ON r.regnr = s.regnr LEFT JOIN runs ru ON ru.id = s.run_id"""

    def iter_log(self, *, oldest_first: bool = False) -> Iterator[Mapping[str, Any]]:
        """Every file received and every event, newest first (`status`) or oldest first (the master's
        Logboek: a new line is last, so the lines before it keep their place); files with their
        registration's school. Each has a `key`: 's' or 'e' and its id.

        Streams the submissions in id order (no sort in memory however many there are) and slips
        the few events in between at their time."""
        order = "ASC" if oldest_first else "DESC"
        events = self._conn.execute(f"{self._EVENT_SELECT} ORDER BY e.at {order}, e.id {order}")
        submissions = self._conn.execute(f"{self._SUBMISSION_SELECT} ORDER BY s.id {order}")
        yield from _merged_log(submissions, list(events), oldest_first=oldest_first, at="at")

    def log_entry(self, key: str) -> Mapping[str, Any] | None:
        """One line of `iter_log`, by its key."""
        select, column = (self._EVENT_SELECT, "e.id") if key[:1] == "e" else (self._SUBMISSION_SELECT, "s.id")
        try:
            number = int(key[1:])
        except ValueError:
            return None
        return self._conn.execute(f"{select} WHERE {column} = ?", (number,)).fetchone()  # type: ignore[no-any-return]

    def log_stamps(self) -> list[tuple[str, bytes]]:
        """Per line of `iter_log(oldest_first=True)`, in its order: its key and a hash of every column
        it has (see `register_stamps`)."""
        self._register_row_stamp()
        stamped = _stamped(LOG_STAMPED)
        cursor = self._conn.cursor()
        cursor.row_factory = None
        events = cursor.execute(
            f"SELECT at, key, {stamped} FROM ({self._EVENT_SELECT}) ORDER BY at, CAST(substr(key, 2) AS INTEGER)"
        ).fetchall()
        submissions = self._conn.cursor()
        submissions.row_factory = None
        rows = submissions.execute(
            f"SELECT at, key, {stamped} FROM ({self._SUBMISSION_SELECT}) ORDER BY CAST(substr(key, 2) AS INTEGER)"
        )
        return [(key, digest) for _, key, digest in _merged_log(rows, events, oldest_first=True, at=0)]

    # --- runs and status -----------------------------------------------------------------
    def start_run(self, command: str, at: str) -> int:
        cur = self._conn.execute("INSERT INTO runs (command, started_at) VALUES (?, ?)", (command, at))
        return int(cur.lastrowid or 0)

    def finish_run(self, run_id: int, *, at: str, counts: Mapping[str, int], error: str | None = None) -> None:
        with self.transaction():
            self._conn.execute(
                "UPDATE runs SET finished_at = ?, counts = ?, error = ? WHERE id = ?",
                (at, json.dumps(dict(counts)), error, run_id),
            )

    def last_run(self) -> dict[str, Any] | None:
        row = self._conn.execute("SELECT * FROM runs ORDER BY id DESC LIMIT 1").fetchone()
        if row is None:
            return None
        return {
            "command": row["command"],
            "started_at": row["started_at"],
            "finished_at": row["finished_at"],
            "counts": json.loads(row["counts"]),
            "error": row["error"],
        }

    def outcome_counts(self) -> dict[str, dict[str, int]]:
        counts: dict[str, dict[str, int]] = {}
        for row in self._conn.execute(
            "SELECT coalesce(form_id, '(geen formulier)') AS f, outcome, count(*) AS n FROM submissions GROUP BY 1, 2"
        ):
            counts.setdefault(row["f"], {})[row["outcome"]] = row["n"]
        return counts

    # --- privacy: removing personal details after the retention ------------------------------
    def records_before(self, limit: str, *, unless_marked: str) -> list[Record]:
        """Registrations of events before `limit` (ISO date) whose data does not carry the mark yet."""
        return [
            Record.of(row)
            for row in self._conn.execute(
                """SELECT * FROM records WHERE coalesce(event_date, substr(created_at, 1, 10)) < ?
                   AND json_extract(data, '$.' || ?) IS NULL""",
                (limit, unless_marked),
            )
        ]

    def submissions_before(self, limit: str, *, removed: str) -> list[sqlite3.Row]:
        """Files received for registrations of events before `limit` (or, without a registration,
        received before it), except those already stripped (named `removed`)."""
        return list(
            self._conn.execute(
                """SELECT s.* FROM submissions s LEFT JOIN records r ON r.regnr = s.regnr
                   WHERE s.original_name != :removed AND (
                       (r.regnr IS NOT NULL AND coalesce(r.event_date, substr(r.created_at, 1, 10)) < :limit)
                       OR (r.regnr IS NULL AND s.received_at < :limit))""",
                {"limit": limit, "removed": removed},
            )
        )

    def archive_paths(self) -> dict[int, str]:
        return {int(row[0]): row[1] for row in self._conn.execute("SELECT id, archive_path FROM submissions")}

    def submissions_by_id(self, ids: set[int]) -> list[sqlite3.Row]:
        return [row for row in self._conn.execute("SELECT * FROM submissions ORDER BY id") if row["id"] in ids]

    def records_of_submissions(self, ids: set[int]) -> list[Record]:
        """The current registrations that these submissions made or last changed."""
        return [Record.of(row) for row in self._conn.execute("SELECT * FROM records") if row["submission_id"] in ids]

    def strip_record(self, regnr: str, data: Mapping[str, Any]) -> None:
        """Replace a registration's data by `data` (personal details removed), and forget its earlier
        versions, the office's note about it and the reasons it gave for its actions on it (whether
        it was withdrawn, moved or merged stays: that is what it counts as)."""
        text = dumps(data)
        self._conn.execute(
            "UPDATE records SET data = ?, data_hash = ? WHERE regnr = ?", (text, _data_hash(text), regnr)
        )
        self._conn.execute("DELETE FROM record_history WHERE regnr = ?", (regnr,))
        self._conn.execute("UPDATE office_notes SET note = NULL WHERE regnr = ?", (regnr,))
        self._conn.execute("UPDATE office_actions SET reason = '' WHERE regnr = ? AND reason != ''", (regnr,))
        self._conn.execute(
            "UPDATE events SET message = ? WHERE kind IN ('kantooractie', 'kantooractie geweigerd') AND message LIKE ?",
            (f"{regnr}: actie van het bestuurskantoor (de reden is verwijderd na de bewaartermijn).", f"{regnr} %"),
        )

    def forget_submission(self, submission_id: int, *, removed: str, reason: str) -> None:
        """Forget a received file's name and where its copies were; what became of it stays."""
        self._conn.execute(
            """UPDATE submissions SET original_name = ?, archive_path = ?, rejected_path = NULL, inbox_path = '',
                 reasons = ?, warnings = '[]' WHERE id = ?""",
            (removed, removed, reason, submission_id),
        )

    # --- e-mail notices (mail_queue) ---------------------------------------------------------------
    def queue_mail(
        self, key: str, *, kind: str, recipients: Sequence[str], message: bytes, attachment: str | None, at: str
    ) -> bool:
        """Queue a message to be sent as soon as possible; False when one with this key is queued or
        was sent already (nothing is queued twice)."""
        cur = self._conn.execute(
            """INSERT INTO mail_queue (key, kind, recipients, message, attachment, created_at, next_at)
               VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING""",
            (key, kind, json.dumps(list(recipients)), message, attachment, at, at),
        )
        return cur.rowcount > 0

    def mail_queued(self, key: str) -> bool:
        return self._conn.execute("SELECT 1 FROM mail_queue WHERE key = ?", (key,)).fetchone() is not None

    def last_queued(self, key_prefix: str) -> str | None:
        """When the newest message whose key starts with `key_prefix` was queued (a school's last digest)."""
        row = self._conn.execute(
            "SELECT max(created_at) FROM mail_queue WHERE substr(key, 1, ?) = ?", (len(key_prefix), key_prefix)
        ).fetchone()
        return row[0] if row else None

    def due_mail(self, *, now: str, limit: int = 50) -> list[QueuedMail]:
        """Messages waiting whose next try is due, oldest first."""
        rows = self._conn.execute(
            """SELECT id, key, kind, recipients, message, attachment, created_at, attempts FROM mail_queue
               WHERE sent_at IS NULL AND failed_at IS NULL AND next_at <= ? ORDER BY next_at, id LIMIT ?""",
            (now, limit),
        ).fetchall()
        return [
            QueuedMail(
                id=r["id"],
                key=r["key"],
                kind=r["kind"],
                recipients=tuple(json.loads(r["recipients"])),
                message=bytes(r["message"]),
                attachment=r["attachment"],
                created_at=r["created_at"],
                attempts=int(r["attempts"]),
            )
            for r in rows
        ]

    def mail_sent(self, mail_id: int, *, at: str) -> None:
        """Sent: the row stays (what went to whom, when), its text and attachment go."""
        self._conn.execute(
            """UPDATE mail_queue SET sent_at = ?, attempts = attempts + 1, message = X'', attachment = NULL,
                 last_error = NULL WHERE id = ?""",
            (at, mail_id),
        )

    def mail_retry(self, mail_id: int, *, error: str, next_at: str) -> None:
        self._conn.execute(
            "UPDATE mail_queue SET attempts = attempts + 1, last_error = ?, next_at = ? WHERE id = ?",
            (error, next_at, mail_id),
        )

    def mail_failed(self, mail_id: int, *, error: str, at: str) -> None:
        """Given up on (refused for good, or not delivered for days): kept, and `status` says so."""
        self._conn.execute(
            "UPDATE mail_queue SET attempts = attempts + 1, last_error = ?, failed_at = ? WHERE id = ?",
            (error, at, mail_id),
        )

    def mail_figures(self) -> MailFigures:
        """The queue as `status` shows it."""
        row = self._conn.execute(
            """SELECT count(*) FILTER (WHERE sent_at IS NULL AND failed_at IS NULL),
                      count(*) FILTER (WHERE failed_at IS NOT NULL),
                      count(*) FILTER (WHERE sent_at IS NOT NULL),
                      min(created_at) FILTER (WHERE sent_at IS NULL AND failed_at IS NULL),
                      max(sent_at)
               FROM mail_queue"""
        ).fetchone()
        last = self._conn.execute(
            """SELECT last_error, coalesce(failed_at, next_at) FROM mail_queue
               WHERE last_error IS NOT NULL AND sent_at IS NULL ORDER BY id DESC LIMIT 1"""
        ).fetchone()
        return MailFigures(
            waiting=int(row[0]),
            failed=int(row[1]),
            sent=int(row[2]),
            oldest_waiting=row[3],
            last_sent=row[4],
            last_error=last[0] if last else None,
        )

    def carry_mail_from(self, old: Path) -> int:
        """`veiligheid rebuild`: the old database's mail queue, row for row, into this (new) one. A
        waiting message waits on, once (its key); a sent or failed one stays so, and its key keeps the
        step that queued it from queueing it again. Returns how many waiting messages came along.
        Raises `sqlite3.DatabaseError` when the old database cannot be read (perhaps why it is
        rebuilt); one from before the queue existed (schema 11) gives none."""
        columns = "key, kind, recipients, message, attachment, created_at, attempts, next_at, sent_at, failed_at"
        columns += ", last_error"
        # read only, but not opened read-only: a read-only connection to a WAL database leaves its -wal and
        # -shm files behind, and they would be moved aside with it as if they were the database's own
        conn = sqlite3.connect(old, timeout=30)
        try:
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            rows = (
                conn.execute(f"SELECT {columns} FROM mail_queue ORDER BY id").fetchall()
                if "mail_queue" in tables
                else []
            )
        finally:
            conn.close()
        insert = f"INSERT INTO mail_queue ({columns}) VALUES ({', '.join('?' * 11)}) ON CONFLICT (key) DO NOTHING"
        settled = [r for r in rows if r[8] is not None or r[9] is not None]  # sent_at or failed_at
        waiting = [r for r in rows if r[8] is None and r[9] is None]
        with self.transaction():
            self._conn.executemany(insert, settled)
            return self._conn.executemany(insert, waiting).rowcount

    def forget_mail_before(self, limit: str) -> int:
        """After the retention period: a message sent or given up before `limit` keeps what it was
        and when, not whom it went to nor its text (a waiting one waits on)."""
        cur = self._conn.execute(
            """UPDATE mail_queue SET recipients = '[]', message = X'', attachment = NULL, last_error = NULL
               WHERE created_at < ? AND (sent_at IS NOT NULL OR failed_at IS NOT NULL) AND recipients != '[]'""",
            (limit,),
        )
        return cur.rowcount

    def registered_since(self, since: str, form_ids: Sequence[str]) -> list[tuple[str, str, str, str | None, str]]:
        """Registrations first stored at or after `since` (regnr, form, school, event date, stored at),
        counted ones only, in the order they came in: a weekly digest's 'new this week'."""
        marks = ", ".join("?" * len(form_ids))
        return [
            (r[0], r[1], r[2], r[3], r[4])
            for r in self._conn.execute(
                f"""SELECT r.regnr, r.form_id, r.school, r.event_date, r.created_at FROM records r
                    WHERE r.form_id IN ({marks}) AND r.created_at >= ? AND {COUNTED} ORDER BY r.created_at, r.regnr""",
                (*form_ids, since),
            )
        ]


@dataclass(frozen=True)
class QueuedMail:
    """One message of the queue: its bytes as they are sent, and a file to attach by its stored path."""

    id: int
    key: str
    kind: str
    recipients: tuple[str, ...]
    message: bytes
    attachment: str | None
    created_at: str
    attempts: int


@dataclass(frozen=True)
class MailFigures:
    waiting: int
    failed: int
    sent: int
    oldest_waiting: str | None
    last_sent: str | None
    last_error: str | None  # of the newest message not sent (waiting or failed)


# --- open actions, said in SQL (Store.case_counts) ---------------------------------------------


@dataclass(frozen=True)
class CaseCount:
    """Counted registrations of a form, for a school, on an event day (None: no date), and how many of
    them have at least one open action."""

    form_id: str
    school: str
    day: str | None
    n: int
    open: int


class OpenCase:
    """The SQL condition 'this registration (records r, office_notes n) has at least one open action
    on `today`': `checks.actions.actions_for` read from the forms' rules (their duties, pending
    answers and follow-ups) and the office's status; tests/test_open_cases.py holds the two to each
    other. Where SQLite's rules differ from Python's, Python's own are asked, only for such values:
    text that is not ASCII is case-folded, a date that is not plain ISO is read, and a status that is
    not ASCII is compared by Python functions (`OPEN_CASE_FUNCTIONS`)."""

    def __init__(self, *, today: dt.date, open_days: int) -> None:
        self.today = today
        self.open_days = open_days
        self.params: dict[str, Any] = {}

    def sql(self, forms: Sequence[FormDef]) -> str:
        self.params = {}
        closed = self._closed()
        cutoff = self._param((self.today - dt.timedelta(days=self.open_days)).isoformat())
        handled = ", ".join(self._param(f.id) for f in forms if f.office_handles)  # not the measures
        too_long = (
            f"(r.form_id IN ({handled}) AND (n.status IS NULL OR n.status IN ('', 'open')) "
            f"AND substr(r.created_at, 1, 10) < {cutoff})"
            if handled
            else "0"
        )
        rules = [f"(r.form_id = {self._param(form.id)} AND {self._rules(form)})" for form in forms]
        # AND, OR and NOT only, no CASE around them: SQLite then stops at the first part that decides
        return f"(NOT {closed} AND {_any([too_long, *rules])})"

    def _param(self, value: Any) -> str:
        name = f"p{len(self.params)}"
        self.params[name] = value
        return f":{name}"

    def _closed(self) -> str:
        """The office closed it: 'afgesloten' in any case, with white space around it or not."""
        whitespace = self._param(" \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f")  # what str.strip() takes, of ASCII
        plain = f"lower(trim(n.status, {whitespace})) = 'afgesloten'"
        return f"(n.status IS NOT NULL AND ({plain} OR ({_not_ascii('n.status')} AND veiligheid_closed(n.status))))"

    def _rules(self, form: FormDef) -> str:
        found = []
        for duty in form.duties:
            applies = [self._holds(c) for c in duty.when_all]
            if duty.when_any:
                applies.append(_any([self._holds(c) for c in duty.when_any]))
            found.append(_all([*applies, f"NOT {self._holds(duty.done)}"]))
        for pending in form.pending:
            unsettled = [f"{self._day(pending.done)} IS NULL"] if pending.done else []
            found.append(_all([*(self._holds(c) for c in pending.when_all), *unsettled]))
        for step in form.followups:
            cutoff = self._param((self.today - dt.timedelta(days=step.days)).isoformat())
            due = [f"{self._day(step.after)} < {cutoff}", f"{self._day(step.done)} IS NULL"]
            found.append(_all([*(self._holds(c) for c in step.when), *due]))
        return _any(found)

    def _path(self, key: str) -> str:
        if '"' in key:
            raise ValueError(key)
        return self._param(f'$."{key}"')

    def _holds(self, condition: Condition) -> str:
        """`Condition.holds`: a text that is one of the values, case-folded."""
        folded = ",".join(self._param(v.casefold()) for v in condition.values)
        path = self._path(condition.key)
        x = f"json_extract(r.data, {path})"
        folds = f"lower({x}) IN ({folded}) OR ({_not_ascii(x)} AND veiligheid_fold({x}) IN ({folded}))"
        return f"(json_type(r.data, {path}) IS 'text' AND ({folds}))"  # 0 or 1, never NULL: it is negated

    def _day(self, key: str) -> str:
        """`checks.actions._date` of a value: its first ten characters as a date, else NULL. ('+0 days'
        makes SQLite check the day of the month: without it 2026-02-30 is a date.)"""
        path = self._path(key)
        x = f"json_extract(r.data, {path})"
        plain = (
            f"typeof({x}) = 'text' AND {x} GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*' "
            f"AND substr({x}, 1, 4) != '0000' AND date(substr({x}, 1, 10), '+0 days') = substr({x}, 1, 10)"
        )
        other = f"veiligheid_day(r.data, {self._param(key)})"
        return f"(CASE WHEN {x} IS NULL THEN NULL WHEN {plain} THEN substr({x}, 1, 10) ELSE {other} END)"


# SQLite may call these for any value (also where the condition around them has decided already):
# they take anything.
def _fold(text: Any) -> str | None:
    return text.casefold() if isinstance(text, str) else None


def _closed(status: Any) -> bool:
    return isinstance(status, str) and status.strip().lower() == "afgesloten"


def _day(data: Any, key: Any) -> str | None:
    """As `checks.actions._date` reads the value of `key` in a registration's data (JSON), as ISO text."""
    if not isinstance(data, str):
        return None
    value = json.loads(data).get(key)
    try:
        return dt.date.fromisoformat(str(value)[:10]).isoformat() if value else None
    except ValueError:
        return None


OPEN_CASE_FUNCTIONS: dict[str, tuple[int, Callable[..., Any]]] = {
    "veiligheid_fold": (1, _fold),
    "veiligheid_closed": (1, _closed),
    "veiligheid_day": (2, _day),
}


def _not_ascii(x: str) -> str:
    """0 or 1 (not NULL: SQLite then goes on to the Python function beside it)."""
    return f"coalesce(length(CAST({x} AS BLOB)) != length({x}), 0)"


def _all(parts: list[str]) -> str:
    return "(" + " AND ".join(parts) + ")" if parts else "1"


def _any(parts: list[str]) -> str:
    return "(" + " OR ".join(parts) + ")" if parts else "0"
