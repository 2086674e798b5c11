"""Read back what the office typed in the master's registers before it is rebuilt.

The master is rebuilt from the store after every change; the columns *Status afhandeling* and
*Notitie* are the office's. They are read here (with python-calamine: fast, and it never changes
the file) keyed by registration number, stored, and written again into the new master.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import python_calamine

log = logging.getLogger(__name__)

NUMBER = "Registratienummer"
STATUS = "Status afhandeling"
NOTE = "Notitie"
STATUSES = ("open", "in behandeling", "afgesloten")


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def read_office_notes(path: Path, sheets: Iterable[str]) -> dict[str, tuple[str | None, str | None]]:
    """{registration number: (status, note)} from the register sheets of an existing master."""
    notes: dict[str, tuple[str | None, str | None]] = {}
    try:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
    except Exception:  # not there, damaged, or not a workbook: nothing to keep from it
        log.warning("Kon de notities uit %s niet lezen; er wordt niets overschreven.", path.name, exc_info=True)
        return notes
    try:
        for sheet in sheets:
            if sheet not in book.sheet_names:
                continue
            rows = book.get_sheet_by_name(sheet).iter_rows()
            first = next(rows, None)
            if first is None:
                continue
            header = [str(h).strip() for h in first]
            if not {NUMBER, STATUS, NOTE} <= set(header):
                continue
            at_number, at_status, at_note = header.index(NUMBER), header.index(STATUS), header.index(NOTE)
            for row in rows:
                cells = list(row) + [None] * (len(header) - len(row))
                number = _text(cells[at_number])
                if number:
                    notes[number] = (_text(cells[at_status]), _text(cells[at_note]))
    finally:
        book.close()
    return notes
