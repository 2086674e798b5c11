"""Write the board's master workbook from the store, streaming (constant memory).

xlsxwriter's constant_memory mode flushes each row as soon as the next begins, so memory stays flat
however many registrations there are. Text from forms is always written with `write_string`:
a description starting with '=' stays text and never becomes a formula.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import uuid
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.exceptions import FileCreateError
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.workbook import Workbook

from automation.checks.board import BoardFacts, board_facts
from automation.checks.kept import KeptFacts
from automation.checks.signals import Signal, involvements_of, signals_of, since
from automation.config import Settings
from automation.excel.overview_sheet import Unhandled, write_overview, write_progress
from automation.excel.read_master import MARK, MOVE, NOTE, SAME_AS, STATUS, office_mark
from automation.excel.rowcache import KeptRowsUnreadable, RowCache, RowWriter, layout_of, stamp
from automation.excel.survey_sheets import write_monitor, write_surveys, write_vensters
from automation.excel.tables import (
    SCHOOL_CHOICES,
    Column,
    Formats,
    header_width,
    kind_of,
    start_table,
    table_name,
    write_value,
)
from automation.excel.zipparts import Deflated, assemble
from automation.filenames import school_folder_name
from automation.forms import FORMS, FormDef, Kind
from automation.schoolyear import schoolyear
from automation.store import WITHDRAWN, Store

log = logging.getLogger(__name__)

HIDDEN_KEYS = frozenset({"school", "correctie_van"})
ROWS_VERSION = 2  # raise when a register or Logboek row is written differently: the kept rows start afresh


def register_columns(form: FormDef) -> list[Column]:
    cols = [
        Column("Registratienummer", "text", 17),
        Column("BRIN", "text", 8),
        Column("School", "text", 24),
        Column(STATUS, "office_status", 16),
        Column(NOTE, "office_note", 36),
        Column(MOVE, "office_school", 22),
        Column(SAME_AS, "office_regnr", 17),
        Column("Open actie", "text", 40),
    ]
    for f in form.fields:
        if f.key in HIDDEN_KEYS:
            continue
        title = "Leerling (pseudoniem)" if f.kind is Kind.PUPIL_REF else f.label
        width = 40 if f.kind is Kind.LONGTEXT else max(10, min(28, len(title) + 2))
        cols.append(Column(title, kind_of(f.kind), width))
    cols += [
        Column("Opmerkingen bij ontvangst", "text", 40),
        Column("Versie", "int", 8),
        Column("Bronbestand", "text", 30),
        Column("Ontvangen", "datetime", 17),
        Column("Eerst ontvangen", "datetime", 17),
        Column(MARK, "text", 14),  # hidden (see read_master.office_mark)
    ]
    return cols


def warnings_of(warnings: str) -> str:
    """The warnings given on intake (e.g. an unreported hospital admission), stored as a JSON list."""
    return " | ".join(json.loads(warnings))


def _write_register(
    wb: Workbook,
    store: Store,
    form: FormDef,
    schools: Mapping[str, str],
    fmt: Formats,
    actions: Mapping[str, str],
    cache: RowCache | None,
) -> None:
    ws = wb.add_worksheet(form.register)
    columns = register_columns(form)
    count = store.count_records(form.id)
    start_table(ws, table_name(form.register), columns, count, fmt, open_at_end=True)
    keys = [f.key for f in form.fields if f.key not in HIDDEN_KEYS]
    layout = layout_of(
        ROWS_VERSION, xlsxwriter.__version__, fmt.signature(), [(c.title, c.kind) for c in columns], keys
    )
    writer = RowWriter(
        ws,
        cache.sheet(form.register, layout) if cache else None,
        last_col=len(columns) - 1,
        parts=cache.parts if cache else {},
    )

    def write(row: int, rec: Any) -> None:
        data = json.loads(rec["data"])
        values: list[Any] = [
            rec["regnr"],
            rec["school"],
            schools.get(rec["school"], ""),
            rec["office_status"] or "open",
            rec["office_note"],
            None,  # a school chosen here moves the registration; once moved, the School column says so
            rec["office_same_as"],
            actions.get(rec["regnr"]),
        ]
        values += [data.get(k) for k in keys]
        values += [
            warnings_of(rec["warnings"]),
            rec["version"],
            rec["original_name"],
            rec["received_at"],
            rec["created_at"],
            office_mark(rec["office_status"], rec["office_note"], rec["office_same_as"]),
        ]
        for col, (column, value) in enumerate(zip(columns, values, strict=True)):
            write_value(ws, row, col, column.kind, value, fmt)

    last = len(columns) - 1  # the mark: hidden, as wide as its header should it be shown
    ws.set_column(last, last, header_width(MARK, columns[last].width, button=True), None, {"hidden": True})
    if writer.rows is None:  # every row through xlsxwriter
        for row, rec in enumerate(store.iter_records(form.id), start=1):
            writer.row(row, rec["regnr"], "", partial(write, row, rec))
    else:  # each row's stamp from the store (its columns) and from here (the school's name, its actions)
        shown: dict[tuple[str | None, str | None], str] = {}  # a few distinct (name, actions): each hashed once

        def beside(school: str, regnr: str) -> str:
            key = (schools.get(school), actions.get(regnr))
            found = shown.get(key)
            if found is None:
                found = shown[key] = stamp(key)[:16]
            return found

        entries = [
            (regnr, digest.hex() + beside(school, regnr)) for regnr, school, digest in store.register_stamps(form.id)
        ]
        rows = _Rows(lambda: store.iter_records(form.id), store.register_row, key="regnr", stream=not writer.rows.old)
        writer.write_all(entries, lambda row, key: write(row, rows(key)))
    writer.finish()
    _grey_when_not_counted(wb, ws, columns, rows=count)


def _grey_when_not_counted(wb: Workbook, ws: Any, columns: Sequence[Column], *, rows: int) -> None:
    """A withdrawn or merged registration stays in its register, greyed: it is counted nowhere. A
    formula, so the office sees it change as it types (the counts follow at the next update)."""
    titles = [c.title for c in columns]
    status, same_as = (xl_col_to_name(titles.index(t)) for t in (STATUS, SAME_AS))
    ws.conditional_format(
        1,
        0,
        max(rows, 1),
        len(columns) - 1,
        {
            "type": "formula",
            "criteria": f'=OR(${status}2="{WITHDRAWN}",${same_as}2<>"")',
            "format": wb.add_format({"font_color": "#808080", "italic": True}),
        },
    )


def _write_school_choices(wb: Workbook, schools: Mapping[str, str]) -> None:
    """A hidden list of the schools ('12AB OBS De Regenboog') for the 'Verplaatsen naar' dropdown
    (a list typed into the validation itself may hold only 255 characters)."""
    ws = wb.add_worksheet("Keuzelijst")
    for row, (brin, name) in enumerate(schools.items()):
        ws.write_string(row, 0, school_folder_name(brin, name))
    ws.hide()
    wb.define_name(SCHOOL_CHOICES, f"=Keuzelijst!$A$1:$A${max(len(schools), 1)}")


SCHOOL_COLUMNS: tuple[tuple[str, str], ...] = (
    ("directeur_naam", "Directeur"),
    ("coordinator_naam", "Coördinator sociale veiligheid"),
    ("coordinator_email", "E-mail coördinator"),
    ("contactpersoon_naam", "Interne contactpersoon"),
    ("aandachtsfunctionaris_naam", "Aandachtsfunctionaris"),
    ("programma", "Programma"),
    ("monitor_instrument", "Monitorinstrument"),
    ("monitor_groepen", "Gemeten groepen"),
    ("leerlingen_totaal", "Leerlingen"),
    ("leerlingen_groep_5_8", "Leerlingen groep 5-8"),
    ("klachtencommissie", "Klachtencommissie"),
    ("plan_vastgesteld_datum", "Veiligheidsplan vastgesteld"),
    ("mr_instemming_datum", "Instemming MR"),
    ("datum_ingevuld", "Schoolformulier ingevuld"),
)


def _write_schools(wb: Workbook, facts: BoardFacts, fmt: Formats) -> None:
    ws = wb.add_worksheet("Scholen")
    school_form = FORMS["school"]
    columns = [Column("BRIN", "text", 8), Column("School", "text", 28)]
    columns += [Column(title, kind_of(school_form.field(key).kind), 20) for key, title in SCHOOL_COLUMNS]
    columns.append(Column("Registratienummer", "text", 17))
    start_table(ws, "tbl_Scholen", columns, len(facts.schools), fmt)
    for row, school in enumerate(facts.schools.values(), start=1):
        form = school.school_form
        data, regnr = (form.data, form.regnr) if form else ({}, None)
        values = [school.brin, school.name, *(data.get(key) for key, _ in SCHOOL_COLUMNS), regnr]
        for col, (column, value) in enumerate(zip(columns, values, strict=True)):
            write_value(ws, row, col, column.kind, value, fmt)


LOG_COLUMNS = (
    Column("Ontvangen", "datetime", 17),
    Column("Bestand", "text", 36),
    Column("Formulier", "text", 28),
    Column("BRIN", "text", 8),
    Column("Uitkomst", "text", 13),
    Column("Registratienummer", "text", 17),
    Column("Toelichting", "text", 80),
    Column("Opdracht", "text", 14),
    Column("SHA-256", "text", 20),
)
EXPORT = "Export van een peiling"  # the Logboek's Formulier of a survey export
COMMANDS = {"process": "process", "watch": "watch (watcher)", "rebuild": "rebuild", "purge": "purge"}


def _write_log(wb: Workbook, store: Store, fmt: Formats, cache: RowCache | None) -> None:
    ws = wb.add_worksheet("Logboek")
    start_table(ws, "tbl_Logboek", LOG_COLUMNS, store.count_log(), fmt, open_at_end=True)
    layout = layout_of(  # with the texts its rows take from the code: a new one writes every row again
        ROWS_VERSION,
        xlsxwriter.__version__,
        fmt.signature(),
        [(c.title, c.kind) for c in LOG_COLUMNS],
        sorted((f.id, f.title) for f in FORMS.values()),
        sorted(COMMANDS.items()),
        EXPORT,
    )
    writer = RowWriter(
        ws,
        cache.sheet("Logboek", layout) if cache else None,
        last_col=len(LOG_COLUMNS) - 1,
        parts=cache.parts if cache else {},
    )

    def write(row: int, values: Sequence[Any]) -> None:
        for col, (column, value) in enumerate(zip(LOG_COLUMNS, values, strict=True)):
            write_value(ws, row, col, column.kind, value, fmt)

    def values(sub: Mapping[str, Any]) -> list[Any]:
        form = FORMS.get(sub["form_id"] or "")
        return [
            sub["at"],
            sub["name"],
            EXPORT if sub["kind"] == "export" else (form.title if form else ""),
            sub["school"],
            sub["outcome"],
            sub["regnr"],
            sub["reasons"],
            COMMANDS.get(sub["command"] or "", sub["command"]),
            sub["sha256"],
        ]

    if writer.rows is None:
        for row, sub in enumerate(store.iter_log(oldest_first=True), start=1):
            writer.row(row, "", "", partial(write, row, values(sub)))
    else:
        entries = [(key, digest.hex()) for key, digest in store.log_stamps()]
        lines = _Rows(lambda: store.iter_log(oldest_first=True), store.log_entry, key="key", stream=not writer.rows.old)
        writer.write_all(entries, lambda row, key: write(row, values(lines(key))))
    writer.finish()


class _Rows:
    """The rows a big sheet writes through xlsxwriter (those not kept), read as they are asked for,
    in the sheet's order: streamed (`all_rows`) when nothing is kept (every row is asked for), else
    one by one by key (`one`)."""

    def __init__(
        self,
        all_rows: Callable[[], Iterator[Any]],  # sqlite3.Row or Mapping: read by column name
        one: Callable[[str], Any],
        *,
        key: str,
        stream: bool,
    ) -> None:
        self._rows = all_rows() if stream else None
        self._one = one
        self._key = key

    def __call__(self, key: str) -> Any:
        if self._rows is not None:
            for row in self._rows:  # the same order as the stamps: skips only rows that were kept
                if row[self._key] == key:
                    return row
        found = self._one(key)
        if found is None:  # the store is read in one transaction: a row cannot go in between
            raise LookupError(f"{key} staat niet (meer) in de database")
        return found


def write_board_master(
    store: Store,
    settings: Settings,
    *,
    generated: dt.datetime,
    plans: Mapping[str, dt.datetime] | None = None,
    stale_plans: Collection[str] = (),
    rejections: Mapping[str, tuple[int, dt.datetime | None]] | None = None,
    unhandled: Sequence[Unhandled] = (),
    config_problem: str | None = None,
    rows: RowCache | None = None,
    facts_kept: KeptFacts | None = None,
    signals_to: Callable[[Mapping[str, Sequence[Signal]]], None] | None = None,
) -> Path:
    """The board's facts for today, written as the master beside `settings.paths.master` (a temporary
    file); `unhandled`: what stays in the inbox without being taken (the Overzicht lists it); `rows`:
    the rows kept from the last write (see excel.rowcache); `facts_kept`: each registration's facts
    from the last write (checks.kept); `signals_to`: told the signals the Overzicht lists (`status`
    shows the same ones)."""
    day = generated.date()
    facts = board_facts(
        store,
        settings.board,
        choices=settings.choices,
        schooljaar=schoolyear(day),
        today=day,
        plans=plans,
        stale_plans=stale_plans,
        rejections=rejections,
        kept=facts_kept,
    )
    cfg = settings.board.signalen
    involvements = involvements_of(store.pupil_involvements("incident", since=since(day, cfg).isoformat()))
    signals = {brin: signals_of(school, involvements, today=day, cfg=cfg) for brin, school in facts.schools.items()}
    written = render_master(
        facts,
        store,
        settings.paths.master,
        signals=signals,
        generated=generated,
        unhandled=unhandled,
        kind_columns=settings.board.overzicht.soorten_apart,
        config_problem=config_problem,
        rows=rows,
    )
    if signals_to is not None:  # once the Overzicht that lists them is written
        signals_to(signals)
    return written


def render_master(
    facts: BoardFacts,
    store: Store,
    target: Path,
    *,
    generated: dt.datetime,
    unhandled: Sequence[Unhandled] = (),
    kind_columns: Sequence[str] | None = None,
    config_problem: str | None = None,
    rows: RowCache | None = None,
    signals: Mapping[str, Sequence[Signal]] | None = None,
) -> Path:
    """Write the master to a temporary file beside `target` and return it (see excel.publish). The
    summary sheets render `facts`; the registers and the Logboek stream the store's rows, their
    blocks of rows that did not change since the last write straight from `rows` (excel.rowcache)."""
    args = (facts, store, target, generated, unhandled, kind_columns, config_problem, signals or {})
    try:
        try:
            tmp = _render(*args, rows)
        except KeptRowsUnreadable as exc:  # its index and its data disagree: written whole, once
            log.warning("De bewaarde rijen van %s zijn onleesbaar; het overzicht wordt helemaal geschreven.", exc)
            assert rows is not None
            rows.start_afresh()
            tmp = _render(*args, rows)
        if rows is not None and rows.parts:
            tmp = _with_blocks(tmp, target, rows.parts)
    except BaseException:
        if rows is not None:
            rows.close()  # the kept rows stay those of the last complete master
        raise
    if rows is not None:
        rows.save()
    return tmp


def _temporary(target: Path) -> Path:
    # its own name (two writers of one process never share it), the process number last (intake/tidy)
    return target.with_name(f".{target.stem}.{uuid.uuid4().hex[:8]}.{os.getpid()}.tmp.xlsx")


def _with_blocks(tmp: Path, target: Path, parts: Mapping[str, Sequence[Deflated]]) -> Path:
    """The workbook xlsxwriter wrote, its big sheets' placeholders filled with their blocks (excel.zipparts)."""
    final = _temporary(target)
    try:
        assemble(tmp, final, parts)
    except BaseException:
        final.unlink(missing_ok=True)
        raise
    finally:
        tmp.unlink(missing_ok=True)
    return final


def _drop_row_files(wb: Workbook) -> None:
    """xlsxwriter's constant-memory mode keeps each sheet's rows in a temporary file until `close`."""
    for ws in wb.worksheets():
        handle = getattr(ws, "row_data_fh", None)
        name = getattr(ws, "row_data_filename", None)
        if handle is not None:
            handle.close()
        if name:
            Path(name).unlink(missing_ok=True)


def write_summary_sheets(wb: xlsxwriter.Workbook, facts: BoardFacts, fmt: Formats, *, generated: dt.datetime) -> None:
    """The sheets after the registers, worked out from the board's facts alone: Peilingen, Monitorcheck,
    Voortgang, Scholen and Vensters (bench/yearly.py times them as they are written here)."""
    schools = facts.names
    declared = {
        brin: str(s.school_form.data.get("monitor_instrument") or "")
        for brin, s in facts.schools.items()
        if s.school_form is not None
    }
    write_surveys(wb, facts.surveys, schools=schools, year=facts.schooljaar, fmt=fmt, declared=declared)
    checks = [s.monitor for s in facts.schools.values()]
    # last school year: only the schools whose survey came in
    earlier = [s.monitor_last_year for s in facts.schools.values() if s.monitor_last_year.measured]
    write_monitor(wb, [*checks, *earlier], schools=schools, fmt=fmt)
    write_progress(wb, facts)
    _write_schools(wb, facts, fmt)
    write_vensters(
        wb,
        {brin: s.vensters for brin, s in facts.schools.items()},
        schools=schools,
        year=facts.schooljaar,
        generated=generated,
        warnings={brin: s.vensters_warning for brin, s in facts.schools.items()},
    )


def _render(
    facts: BoardFacts,
    store: Store,
    target: Path,
    generated: dt.datetime,
    unhandled: Sequence[Unhandled],
    kind_columns: Sequence[str] | None,
    config_problem: str | None,
    signals: Mapping[str, Sequence[Signal]],
    rows: RowCache | None,
) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = _temporary(target)
    wb = xlsxwriter.Workbook(str(tmp), {"constant_memory": True})
    wb.set_properties({"title": f"Bestuursoverzicht sociale veiligheid — {facts.board}", "created": generated})
    try:
        fmt = Formats(wb)
        schools = facts.names
        by_regnr: dict[str, list[str]] = {}
        for action in facts.actions:
            by_regnr.setdefault(action.regnr, []).append(action.text)
        open_actions = {regnr: "; ".join(texts) for regnr, texts in by_regnr.items()}  # once, for every register
        write_overview(
            wb,
            facts,
            generated=generated,
            unhandled=unhandled,
            kind_columns=kind_columns,
            config_problem=config_problem,
            signals=signals,
        )
        for form_id in facts.registers:
            _write_register(wb, store, FORMS[form_id], schools, fmt, open_actions, rows)
        write_summary_sheets(wb, facts, fmt, generated=generated)
        _write_log(wb, store, fmt, rows)
        _write_school_choices(wb, schools)
    except BaseException:
        _drop_row_files(wb)  # the sheets' temporary row files: never left behind by a failed write
        raise
    try:
        wb.close()
    except FileCreateError as exc:  # a full disk or a read-only outbox: said as the disk problem it is
        tmp.unlink(missing_ok=True)
        cause = exc.args[0] if exc.args and isinstance(exc.args[0], OSError) else OSError(str(exc))
        raise cause from None
    except BaseException:
        tmp.unlink(missing_ok=True)  # never a half-written master left behind
        raise
    return tmp
