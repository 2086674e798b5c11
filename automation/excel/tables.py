"""Excel tables for the master: formats, a streamed table with filters, and typed cell writing.

Shared by the registers and the survey sheets. xlsxwriter's constant_memory mode flushes each row as
soon as the next begins, so memory stays flat however many rows there are."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from xlsxwriter.format import Format
from xlsxwriter.utility import xl_range
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from automation.excel.read_master import MOVE, SAME_AS, STATUSES
from automation.forms import Kind

HEADER_FILL = "#1F4E79"
OFFICE_HEADER_FILL = "#C65911"  # the columns the office may type in
OFFICE_FILL = "#FCE4D6"


@dataclass(frozen=True)
class Column:
    title: str
    kind: str  # text | date | time | datetime | int | number | percent
    width: float


def kind_of(kind: Kind) -> str:
    return {
        Kind.DATE: "date",
        Kind.TIME: "time",
        Kind.INTEGER: "int",
        Kind.DECIMAL: "number",
        Kind.PERCENT: "percent",
    }.get(kind, "text")


class Formats:
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
        # style numbers fixed now, in this order, whatever is written first: a register row kept from
        # the last write (excel.rowcache) names its style by number
        for kept in self._all():
            kept._get_xf_index()

    def _all(self) -> tuple[Format, ...]:
        return (
            self.header,
            self.text,
            self.date,
            self.datetime,
            self.time,
            self.int,
            self.number,
            self.percent,
            self.title,
            self.office,
            self.office_header,
        )

    def signature(self) -> list[tuple[str, int]]:
        """Each format's properties and style number: kept rows name styles by number, so a change in
        the formats starts them afresh (excel.rowcache)."""
        return [(str(f._get_format_key()), f._get_xf_index()) for f in self._all()]


FILTER_BUTTON = 3  # characters a filter button covers at the right of a header cell
LINE_HEIGHT = 15  # points per line of a wrapped header


def header_width(title: str, width: float, *, button: bool = False) -> float:
    """A column at least as wide as the longest word of its header (beside the filter button), so a
    wrapped header breaks between words and is shown whole: 'Status afhandeling', never 'afhandeling'."""
    return max(width, max(len(word) for word in title.split()) + 1.5 + (FILTER_BUTTON if button else 0))


def header_lines(title: str, width: float, *, button: bool = False) -> int:
    """How many lines a header takes, wrapped at word boundaries in a column of `width` characters."""
    room = width - 1 - (FILTER_BUTTON if button else 0)
    lines, used = 1, 0.0
    for word in title.split():
        if used and used + 1 + len(word) > room:
            lines, used = lines + 1, len(word)
        else:
            used += (1 if used else 0) + len(word)
    return lines


def header_height(headers: Sequence[tuple[str, float]], *, button: bool = False) -> float:
    """The height of a header row whose every header shows whole (see `header_width`)."""
    return LINE_HEIGHT * max(
        (header_lines(t, header_width(t, w, button=button), button=button) for t, w in headers), default=1
    )


def print_on_pages(ws: Worksheet, *, header_rows: tuple[int, int]) -> None:
    """Print landscape on A4, one page wide and as many pages high as needed, the header rows on every
    page (gridlines stay off the paper: xlsxwriter's default)."""
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(*header_rows)
    ws.set_margins(left=0.5, right=0.5, top=0.75, bottom=0.75)


def table_name(title: str) -> str:
    return "tbl_" + re.sub(r"\W+", "_", title).strip("_")


SCHOOL_CHOICES = "Scholen_kiezen"  # a defined name over the schools, for the 'Verplaatsen naar' dropdown


SHOWN_ROWS = 20  # a sheet that opens at its end shows its last rows below the header (any screen has 20)


def start_table(
    ws: Worksheet, name: str, columns: Sequence[Column], rows: int, fmt: Formats, *, open_at_end: bool = False
) -> None:
    """Declare an Excel table (filters, banded rows) over the rows about to be streamed; with
    `open_at_end` the sheet opens at its last rows (a register or the Logboek, oldest first: the
    newest is in sight), its header frozen above them.

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
    ws.set_row(0, header_height([(c.title, c.width) for c in columns], button=True))
    for col, c in enumerate(columns):
        office = c.kind.startswith("office_")
        ws.write_string(0, col, c.title, fmt.office_header if office else fmt.header)
        ws.set_column(col, col, header_width(c.title, c.width, button=True))
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
                    "input_message": (
                        "Kies open, in behandeling of afgesloten. 'ingetrokken': telt niet meer mee "
                        "(de Notitie is de reden). Blijft bewaard bij elke update."
                    ),
                },
            )
        if c.kind == "office_school":
            ws.data_validation(
                1,
                col,
                last_row,
                col,
                {
                    "validate": "list",
                    "source": f"={SCHOOL_CHOICES}",
                    "input_title": MOVE,
                    "input_message": "Kies de school waar deze melding hoort. De Notitie is de reden.",
                },
            )
        if c.kind == "office_regnr":
            ws.data_validation(
                1,
                col,
                last_row,
                col,
                {
                    "validate": "length",
                    "criteria": "<=",
                    "value": 20,
                    "input_title": SAME_AS,
                    "input_message": (
                        "Hetzelfde voorval twee keer gemeld? Typ het nummer van de melding die blijft "
                        "meetellen, bijv. INC-2026-0007. Leeg maken = weer apart tellen."
                    ),
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
    ws.freeze_panes(1, 0, max(1, rows - SHOWN_ROWS + 1) if open_at_end else 1, 0)
    print_on_pages(ws, header_rows=(0, 0))  # one page wide, the header row on every page
    ws.set_header(f'&L&"Calibri,Bold"{ws.get_name()}&R&D')
    ws.set_footer("&RPagina &P van &N")


def write_value(ws: Worksheet, row: int, col: int, kind: str, value: Any, fmt: Formats) -> None:
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
