"""Put the new data into the master while it is open in Excel (optional: Excel and xlwings).

On Windows Excel locks an open workbook, so the master cannot be replaced (see excel.publish). With
`[overzicht] bijwerken_in_excel = true` the product then looks for the master among the workbooks
open in Excel on this computer, puts the new values into it sheet by sheet, and saves it, instead of
writing a dated copy beside it. Which way to go is decided by a pure function (`decide`); xlwings is
imported only when the option is on and can work here, never at import time.
"""

from __future__ import annotations

import datetime as dt
import importlib
import logging
import os
import sys
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from types import ModuleType
from typing import Any

import python_calamine

from automation.excel.read_master import NOTE, NUMBER, STATUS

log = logging.getLogger(__name__)

PLATFORMS = ("win32", "darwin")  # where Excel runs
PLATFORM = sys.platform  # read at call time, so tests can pretend to be on Windows

NEEDS_EXCEL = (
    "Het bijwerken in een geopend Excel-bestand ([overzicht] bijwerken_in_excel) werkt alleen op Windows "
    "of macOS met Excel geïnstalleerd; hier wordt een kopie naast het bestuursoverzicht gemaakt als het open staat."
)
NEEDS_XLWINGS = (
    "Het bijwerken in een geopend Excel-bestand ([overzicht] bijwerken_in_excel) vraagt xlwings: "
    "installeer met pip install 'veiligheid[excel]'."
)

# The sheet protection the master's registers have (filter, sort, column widths); kept on re-protect.
_ALLOW = ("AllowFormattingColumns", "AllowFormattingRows", "AllowSorting", "AllowFiltering")


class Route(Enum):
    REPLACE = "vervangen"
    PUSH = "geopend bestand bijwerken"
    COPY = "kopie ernaast"


@dataclass(frozen=True)
class Decision:
    route: Route
    reason: str  # Dutch, for the log


class LiveUpdateError(Exception):
    """The open workbook does not look like the master (a sheet is missing)."""


def unavailable_reason(*, platform: str, xlwings_installed: bool) -> str | None:
    """Why the option cannot work here, or None when it can."""
    if platform not in PLATFORMS:
        return NEEDS_EXCEL
    if not xlwings_installed:
        return NEEDS_XLWINGS
    return None


def decide(*, enabled: bool, platform: str, xlwings_installed: bool, open_in_excel: bool, locked: bool) -> Decision:
    """Replace the master, push into the workbook open in Excel, or write a dated copy beside it."""
    if not locked:
        return Decision(Route.REPLACE, "Het bestuursoverzicht is vervangen door de nieuwe versie.")
    if not enabled:
        return Decision(Route.COPY, "Het bestuursoverzicht is geopend; bijwerken in Excel staat uit.")
    problem = unavailable_reason(platform=platform, xlwings_installed=xlwings_installed)
    if problem is not None:
        return Decision(Route.COPY, problem)
    if not open_in_excel:
        return Decision(
            Route.COPY,
            "Het bestuursoverzicht is vergrendeld, maar niet geopend in Excel op deze computer "
            "(misschien op een andere computer, of in een ander programma).",
        )
    return Decision(Route.PUSH, "Het bestuursoverzicht is geopend in Excel; de nieuwe gegevens gaan erin.")


def load_xlwings() -> ModuleType | None:
    try:
        return importlib.import_module("xlwings")
    except Exception:  # not installed, or its Excel bridge (pywin32, appscript) is broken
        return None


def startup_warning(*, enabled: bool) -> str | None:
    """The plain message for the log when the option is on but cannot work here."""
    if not enabled:
        return None
    installed = PLATFORM in PLATFORMS and load_xlwings() is not None
    return unavailable_reason(platform=PLATFORM, xlwings_installed=installed)


def update_open_master(source: Path, master: Path) -> Decision:
    """The master could not be replaced (locked) and the option is on: put the new version `source`
    into the master open in Excel and save it. PUSH means it was done; otherwise COPY with the reason
    (the caller keeps the dated copy). Never raises."""
    xw = load_xlwings() if PLATFORM in PLATFORMS else None
    book = None
    if xw is not None:
        try:
            book = find_open_book(xw, master)
        except Exception:
            log.warning("Kon niet nagaan of %s in Excel geopend is.", master.name, exc_info=True)
    decision = decide(
        enabled=True, platform=PLATFORM, xlwings_installed=xw is not None, open_in_excel=book is not None, locked=True
    )
    if decision.route is not Route.PUSH:
        return decision
    try:
        names = push(book, source)
    except Exception as exc:
        log.warning("Bijwerken van het geopende %s in Excel mislukte.", master.name, exc_info=True)
        return Decision(Route.COPY, f"Bijwerken in het geopende Excel-bestand lukte niet ({exc}).")
    log.info("Het geopende %s in Excel is bijgewerkt en opgeslagen (%d bladen).", master.name, len(names))
    return decision


# --- the xlwings side: `xw` is the xlwings module, `book` an xlwings Book -------------------------


def find_open_book(xw: Any, master: Path) -> Any | None:
    """The workbook open in a running Excel whose full path is the master, or None."""
    for app in xw.apps:
        for book in app.books:
            if _same_file(str(book.fullname), master):
                return book
    return None


def _same_file(fullname: str, path: Path) -> bool:
    def norm(name: str) -> str:
        return os.path.normcase(os.path.realpath(name))

    return norm(fullname) == norm(str(path))


def push(book: Any, source: Path) -> list[str]:
    """Put the values of every sheet of `source` into the same-named sheet of the open `book`, keep
    what the office typed there, and save the book. Returns the names of the sheets written."""
    grids = read_grids(source)
    sheets = {sheet.name: sheet for sheet in book.sheets}
    missing = [name for name in grids if name not in sheets]
    if missing:
        raise LiveUpdateError(f"het geopende bestand heeft geen blad '{missing[0]}'")
    app = book.app
    screen = app.screen_updating
    app.screen_updating = False
    try:
        for name, rows in grids.items():
            _push_sheet(sheets[name], rows)
    finally:
        app.screen_updating = screen
    book.save()
    return list(grids)


def read_grids(path: Path) -> dict[str, list[list[Any]]]:
    """Every sheet's values from A1 on, as rectangular rows (python-calamine)."""
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    try:
        grids = {}
        for name in book.sheet_names:
            rows = [list(row) for row in book.get_sheet_by_name(name).to_python(skip_empty_area=False)]
            width = max((len(row) for row in rows), default=0)
            grids[name] = [row + [None] * (width - len(row)) for row in rows]
        return grids
    finally:
        book.close()


def _push_sheet(sheet: Any, rows: list[list[Any]]) -> None:
    """Replace the used values of `sheet` with `rows` in one call, resizing its Excel tables."""
    height, width = len(rows), len(rows[0]) if rows else 0
    last = sheet.used_range.last_cell
    old_height, old_width = int(last.row), int(last.column)
    _keep_office_columns(sheet, rows, old_height=old_height, old_width=old_width)
    allow = _unprotect(sheet)
    try:
        tables = list(sheet.tables)
        if tables and height > old_height >= 2:  # new rows look like the rows above them
            sheet.range((2, 1), (2, width)).copy(sheet.range((old_height + 1, 1), (height, width)))
        if height:
            sheet.range((1, 1)).value = [[_cell(value) for value in row] for row in rows]
        for table in tables:  # ours start at A1 and span the sheet
            table.resize(sheet.range((1, 1), (max(height, 2), width)))
        if old_height > height:
            sheet.range((height + 1, 1), (old_height, max(width, old_width, 1))).clear()
        if height and old_width > width:
            sheet.range((1, width + 1), (height, old_width)).clear()
    finally:
        if allow is not None:
            sheet.api.Protect(DrawingObjects=True, Contents=True, **allow)


def _keep_office_columns(sheet: Any, rows: list[list[Any]], *, old_height: int, old_width: int) -> None:
    """Take *Status afhandeling* and *Notitie* as they stand in the open workbook (maybe typed but
    not yet saved) into `rows`, by registration number: new rows come first, so rows move."""
    if not rows or old_height < 2:
        return
    new = _positions([_text(h) for h in rows[0]])
    old = _positions([_text(h) for h in sheet.range((1, 1), (1, old_width)).options(ndim=2).value[0]])
    if new is None or old is None:
        return
    current = sheet.range((2, 1), (old_height, max(old) + 1)).options(ndim=2).value
    typed = {_text(row[old[0]]): (row[old[1]], row[old[2]]) for row in current}
    for row in rows[1:]:
        number = _text(row[new[0]])
        if number and number in typed:
            row[new[1]], row[new[2]] = typed[number]


def _positions(header: list[str | None]) -> tuple[int, int, int] | None:
    if not {NUMBER, STATUS, NOTE} <= set(header):
        return None
    return header.index(NUMBER), header.index(STATUS), header.index(NOTE)


def _text(value: Any) -> str | None:
    text = "" if value is None else str(value).strip()
    return text or None


def _unprotect(sheet: Any) -> dict[str, bool] | None:
    """Lift the sheet protection (the registers have it) and return its settings, or None.
    Uses Excel's Windows object model, where the master gets locked; elsewhere this raises and the
    caller falls back to the dated copy."""
    api = sheet.api
    if not api.ProtectContents:
        return None
    allow = {name: bool(getattr(api.Protection, name)) for name in _ALLOW}
    api.Unprotect()
    return allow


def _cell(value: Any) -> Any:
    """A value as Excel should get it through xlwings."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return "'" + value  # stays text: never a formula, number or date (the master's own rule)
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    if isinstance(value, dt.time):  # a fraction of a day, as Excel keeps times
        return (value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6) / 86400
    if isinstance(value, dt.timedelta):
        return value.total_seconds() / 86400
    return value
