"""Write the board's master workbook from the store, streaming (constant memory).

xlsxwriter's constant_memory mode flushes each row as soon as the next begins, so memory stays flat
however many registrations there are. Text from forms is always written with `write_string`:
a description starting with '=' stays text and never becomes a formula.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.utility import xl_range
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from automation.checks.actions import Registration, open_actions
from automation.checks.milestones import DEFAULT_DEADLINES, milestones
from automation.checks.overview import Count, overview
from automation.checks.schoolyear import schoolyear
from automation.excel.overview_sheet import write_overview, write_progress
from automation.excel.read_master import NOTE, STATUS, STATUSES
from automation.forms import EVENT_FORMS, FORMS, FormDef, Kind
from automation.store import Store

REGISTER_FORMS: tuple[str, ...] = (*EVENT_FORMS, "peiling")
HIDDEN_KEYS = frozenset({"school", "correctie_van"})
HEADER_FILL = "#1F4E79"
OFFICE_HEADER_FILL = "#C65911"  # the columns the office may type in
OFFICE_FILL = "#FCE4D6"


@dataclass(frozen=True)
class Column:
    title: str
    kind: str  # text | date | time | datetime | int | number | percent
    width: float


def _kind(kind: Kind) -> str:
    return {
        Kind.DATE: "date",
        Kind.TIME: "time",
        Kind.INTEGER: "int",
        Kind.DECIMAL: "number",
        Kind.PERCENT: "percent",
    }.get(kind, "text")


def register_columns(form: FormDef) -> list[Column]:
    cols = [
        Column("Registratienummer", "text", 17),
        Column("BRIN", "text", 8),
        Column("School", "text", 24),
        Column(STATUS, "office_status", 16),
        Column(NOTE, "office_note", 36),
        Column("Open actie", "text", 40),
    ]
    for f in form.fields:
        if f.key in HIDDEN_KEYS:
            continue
        title = "Leerling (pseudoniem)" if f.key == "leerling_ref" else f.label
        width = 40 if f.kind is Kind.LONGTEXT else max(10, min(28, len(title) + 2))
        cols.append(Column(title, _kind(f.kind), width))
    cols += [
        Column("Opmerkingen bij ontvangst", "text", 40),
        Column("Versie", "int", 8),
        Column("Bronbestand", "text", 30),
        Column("Ontvangen", "datetime", 17),
        Column("Eerst ontvangen", "datetime", 17),
    ]
    return cols


def warnings_of(reasons: str) -> str:
    """The warnings given on intake (e.g. an unreported hospital admission), from the reasons."""
    return " | ".join(part.removeprefix("Let op: ") for part in reasons.split(" | ") if part.startswith("Let op: "))


class _Formats:
    def __init__(self, wb: Workbook) -> None:
        self.header = wb.add_format({"bold": True, "font_color": "white", "bg_color": HEADER_FILL, "text_wrap": True})
        self.text = wb.add_format({"num_format": "@"})
        self.date = wb.add_format({"num_format": "dd-mm-yyyy"})
        self.datetime = wb.add_format({"num_format": "dd-mm-yyyy hh:mm"})
        self.time = wb.add_format({"num_format": "hh:mm"})
        self.int = wb.add_format({"num_format": "0"})
        self.number = wb.add_format({"num_format": "0.00"})
        self.percent = wb.add_format({"num_format": "0%"})
        self.title = wb.add_format({"bold": True, "font_size": 14})
        self.office = wb.add_format({"num_format": "@", "locked": False, "bg_color": OFFICE_FILL})
        self.office_header = wb.add_format(
            {"bold": True, "font_color": "white", "bg_color": OFFICE_HEADER_FILL, "text_wrap": True}
        )


def _table_name(title: str) -> str:
    return "tbl_" + re.sub(r"\W+", "_", title).strip("_")


def _start_table(ws: Worksheet, name: str, columns: Sequence[Column], rows: int, fmt: _Formats) -> None:
    """Declare an Excel table (filters, banded rows) over the rows about to be streamed.

    xlsxwriter refuses add_table() in constant_memory mode only because the header cells would
    be buffered as shared strings; we declare the table while the first row is still open and
    then rewrite the header cells as inline strings, which streaming mode can flush.
    (bench/master.py measures that memory stays flat.)
    """
    last_row, last_col = max(rows, 1), len(columns) - 1
    ws.constant_memory = False
    # add_table() notes every cell of its range (about 90 bytes each) to refuse overlapping tables
    # later: for 100,000 rows that is gigabytes. So the table is declared over its header and one
    # row, and its range is then widened to the real one (one table per sheet: nothing overlaps).
    ws.add_table(
        0,
        0,
        1,
        last_col,
        {
            "name": name,
            "style": "Table Style Medium 2",
            "columns": [{"header": c.title} for c in columns],
        },
    )
    ws.constant_memory = True
    table = ws.tables[-1]
    full = xl_range(0, 0, last_row, last_col)
    for key in ("range", "a_range", "autofilter"):
        if table.get(key):
            table[key] = full
    for col, c in enumerate(columns):
        office = c.kind.startswith("office_")
        ws.write_string(0, col, c.title, fmt.office_header if office else fmt.header)
        ws.set_column(col, col, c.width)
        if c.kind == "office_status":
            ws.data_validation(
                1,
                col,
                last_row,
                col,
                {
                    "validate": "list",
                    "source": list(STATUSES),
                    "input_title": "Status afhandeling",
                    "input_message": "Kies open, in behandeling of afgesloten. Blijft bewaard bij elke update.",
                },
            )
        if office:
            ws.write_comment(0, col, "Hier mag u typen. Wat u hier invult, blijft bewaard bij elke update.")
    if any(c.kind.startswith("office_") for c in columns):
        ws.protect(
            "",
            {
                "autofilter": True,
                "sort": True,
                "format_columns": True,
                "format_rows": True,
                "select_locked_cells": True,
                "select_unlocked_cells": True,
            },
        )
    ws.freeze_panes(1, 0)
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.repeat_rows(0)  # wide registers print over several pages, each with the header row
    ws.repeat_columns(0, 0)  # and the registration number
    ws.set_header(f'&L&"Calibri,Bold"{ws.get_name()}&R&D')
    ws.set_footer("&RPagina &P van &N")


def _write_value(ws: Worksheet, row: int, col: int, kind: str, value: Any, fmt: _Formats) -> None:
    if kind.startswith("office_"):  # the office's own columns: unlocked, also when empty
        if value:
            ws.write_string(row, col, str(value), fmt.office)
        else:
            ws.write_blank(row, col, None, fmt.office)
        return
    if value is None or value == "":
        return
    if kind == "date":
        ws.write_datetime(row, col, dt.date.fromisoformat(str(value)[:10]), fmt.date)
    elif kind == "time":
        ws.write_datetime(row, col, dt.time.fromisoformat(str(value)), fmt.time)
    elif kind == "datetime":
        ws.write_datetime(row, col, dt.datetime.fromisoformat(str(value)), fmt.datetime)
    elif kind in ("int", "number", "percent") and isinstance(value, (int, float)):
        ws.write_number(row, col, value, getattr(fmt, kind))
    else:
        ws.write_string(row, col, str(value), fmt.text)


def _write_register(
    wb: Workbook,
    store: Store,
    form: FormDef,
    schools: Mapping[str, str],
    fmt: _Formats,
    actions: Mapping[str, str],
) -> None:
    ws = wb.add_worksheet(form.register)
    columns = register_columns(form)
    _start_table(ws, _table_name(form.register), columns, store.count_records(form.id), fmt)
    keys = [f.key for f in form.fields if f.key not in HIDDEN_KEYS]
    for row, rec in enumerate(store.iter_records(form.id), start=1):
        data = json.loads(rec["data"])
        values: list[Any] = [
            rec["regnr"],
            rec["school"],
            schools.get(rec["school"], ""),
            rec["office_status"] or "open",
            rec["office_note"],
            actions.get(rec["regnr"]),
        ]
        values += [data.get(k) for k in keys]
        values += [
            warnings_of(rec["reasons"]),
            rec["version"],
            rec["original_name"],
            rec["received_at"],
            rec["created_at"],
        ]
        for col, (column, value) in enumerate(zip(columns, values, strict=True)):
            _write_value(ws, row, col, column.kind, value, fmt)


SCHOOL_COLUMNS: tuple[tuple[str, str], ...] = (
    ("directeur_naam", "Directeur"),
    ("coordinator_naam", "Coördinator sociale veiligheid"),
    ("coordinator_email", "E-mail coördinator"),
    ("contactpersoon_naam", "Interne contactpersoon"),
    ("programma", "Programma"),
    ("monitor_instrument", "Monitorinstrument"),
    ("monitor_groepen", "Gemeten groepen"),
    ("leerlingen_totaal", "Leerlingen"),
    ("leerlingen_groep_5_8", "Leerlingen groep 5-8"),
    ("klachtencommissie", "Klachtencommissie"),
    ("datum_ingevuld", "Schoolformulier ingevuld"),
)


def _write_schools(wb: Workbook, store: Store, schools: Mapping[str, str], fmt: _Formats) -> None:
    ws = wb.add_worksheet("Scholen")
    school_form = FORMS["school"]
    columns = [Column("BRIN", "text", 8), Column("School", "text", 28)]
    columns += [Column(title, _kind(school_form.field(key).kind), 20) for key, title in SCHOOL_COLUMNS]
    columns.append(Column("Registratienummer", "text", 17))
    _start_table(ws, "tbl_Scholen", columns, len(schools), fmt)
    latest = _latest_school_forms(store)
    for row, (brin, name) in enumerate(sorted(schools.items()), start=1):
        data, regnr = latest.get(brin, ({}, None))
        values = [brin, name, *(data.get(key) for key, _ in SCHOOL_COLUMNS), regnr]
        for col, (column, value) in enumerate(zip(columns, values, strict=True)):
            _write_value(ws, row, col, column.kind, value, fmt)


def _followups(store: Store) -> Iterator[Registration]:
    for row in store.iter_followup(EVENT_FORMS):
        yield Registration(
            form_id=row["form_id"],
            regnr=row["regnr"],
            school=row["school"],
            data=json.loads(row["data"]),
            status=row["status"],
            received=dt.date.fromisoformat(row["created_at"][:10]),
        )


def _this_year(school_form: Mapping[str, Any], year: str) -> Mapping[str, Any] | None:
    """The school form's milestone dates count only for the school year it was filled in."""
    filled = school_form.get("datum_ingevuld")
    return school_form if filled and schoolyear(dt.date.fromisoformat(str(filled)[:10])) == year else None


def _latest_school_forms(store: Store) -> dict[str, tuple[dict[str, Any], str]]:
    latest: dict[str, tuple[dict[str, Any], str]] = {}
    for rec in store.conn.execute(
        "SELECT regnr, school, data FROM records WHERE form_id = 'school' ORDER BY event_date, updated_at, regnr"
    ):
        latest[rec["school"]] = (json.loads(rec["data"]), rec["regnr"])
    return latest


LOG_COLUMNS = (
    Column("Ontvangen", "datetime", 17),
    Column("Bestand", "text", 36),
    Column("Formulier", "text", 28),
    Column("BRIN", "text", 8),
    Column("Uitkomst", "text", 13),
    Column("Registratienummer", "text", 17),
    Column("Toelichting", "text", 80),
    Column("SHA-256", "text", 20),
)


def _write_log(wb: Workbook, store: Store, fmt: _Formats) -> None:
    ws = wb.add_worksheet("Logboek")
    _start_table(ws, "tbl_Logboek", LOG_COLUMNS, store.count_log(), fmt)
    for row, sub in enumerate(store.iter_log(), start=1):
        form = FORMS.get(sub["form_id"] or "")
        values = [
            sub["at"],
            sub["name"],
            form.title if form else "",
            sub["school"],
            sub["outcome"],
            sub["regnr"],
            sub["reasons"],
            sub["sha256"],
        ]
        for col, (column, value) in enumerate(zip(LOG_COLUMNS, values, strict=True)):
            _write_value(ws, row, col, column.kind, value, fmt)


def write_master(
    store: Store,
    target: Path,
    *,
    schools: Mapping[str, str],
    board: str,
    generated: dt.datetime,
    forms: Iterable[str] = REGISTER_FORMS,
    open_days: int = 14,
    deadlines: Mapping[str, str] = DEFAULT_DEADLINES,
) -> Path:
    """Write the master to a temporary file beside `target` and return it (see excel.publish)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.stem}.{os.getpid()}.tmp.xlsx")
    wb = xlsxwriter.Workbook(str(tmp), {"constant_memory": True})
    wb.set_properties({"title": f"Bestuursoverzicht sociale veiligheid — {board}", "created": generated})
    fmt = _Formats(wb)
    today = generated.date()
    actions = open_actions(_followups(store), today=today, open_days=open_days)
    by_regnr: dict[str, list[str]] = {}
    for action in actions:
        by_regnr.setdefault(action.regnr, []).append(action.text)
    year = schoolyear(today)
    latest = _latest_school_forms(store)
    progress = {
        brin: milestones(_this_year(latest.get(brin, ({}, ""))[0], year), year=year, deadlines=deadlines, today=today)
        for brin in schools
    }
    counts = [
        Count(r["form_id"], r["school"], r["month"], r["category"], r["n"]) for r in store.monthly_counts(EVENT_FORMS)
    ]
    ov = overview(
        schools=schools,
        counts=counts,
        actions=actions,
        milestones=progress,
        last_received=store.last_received_per_school(),
        surveys=store.pupil_surveys(year),
        today=today,
    )
    write_overview(wb, ov, actions=actions, schools=schools, board=board, generated=generated)
    for form_id in forms:
        _write_register(wb, store, FORMS[form_id], schools, fmt, {k: "; ".join(v) for k, v in by_regnr.items()})
    write_progress(wb, schools=schools, milestones=progress, year=year)
    _write_schools(wb, store, schools, fmt)
    _write_log(wb, store, fmt)
    wb.close()
    return tmp
