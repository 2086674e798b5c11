"""Read back what the office typed in the master's registers before it is rebuilt.

The master is rebuilt from the store after every change; the columns *Status afhandeling*,
*Notitie*, *Verplaatsen naar* and *Zelfde melding als* are the office's. They are read here (with
python-calamine: fast, and it never changes the file) keyed by registration number, stored (a
withdrawal, move or merge as an office action, see automation.intake.office), and written again into
the new master.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import python_calamine

from automation.store import WITHDRAWN

log = logging.getLogger(__name__)

NUMBER = "Registratienummer"
STATUS = "Status afhandeling"
NOTE = "Notitie"
MOVE = "Verplaatsen naar"  # a school chosen here: the registration moves there
SAME_AS = "Zelfde melding als"  # a registration number typed here: this report is counted with that one
STATUSES = ("open", "in behandeling", "afgesloten", WITHDRAWN)


@dataclass(frozen=True)
class OfficeRow:
    """What the office's columns of one register row hold. A master written before the columns
    *Verplaatsen naar* and *Zelfde melding als* existed says nothing about a merge: `knows_same_as`."""

    status: str | None
    note: str | None
    move_to: str | None = None
    same_as: str | None = None
    knows_same_as: bool = True

    def differs_from(self, written: OfficeRow) -> bool:
        """Typed by the office: other than what the file was written with, or a move asked."""
        return (
            (self.status or "open", self.note) != (written.status or "open", written.note)
            or (self.knows_same_as and self.same_as != written.same_as)
            or self.move_to is not None
        )


UNTOUCHED = OfficeRow("open", None)  # what a row shows that the office never typed in


def _status(value: Any) -> str | None:
    """A status as typed ('Ingetrokken ', pasted past the dropdown) as the dropdown's own word."""
    text = _text(value)
    if text is None:
        return None
    return next((s for s in STATUSES if s == text.casefold()), text)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


VERSION_SHEET = "Keuzelijst"  # its cell B1 names the write a master comes from (excel.publish)


def read_office_notes(path: Path, sheets: Iterable[str]) -> tuple[dict[str, OfficeRow], str | None]:
    """{registration number: what the office's columns hold} from the register sheets of an existing
    master, and the version it was written as (None: unknown)."""
    notes: dict[str, OfficeRow] = {}
    try:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
    except Exception:  # not there, damaged, or not a workbook: nothing to keep from it
        log.warning("Kon de notities uit %s niet lezen; er wordt niets overschreven.", path.name, exc_info=True)
        return notes, None
    version = None
    try:
        if VERSION_SHEET in book.sheet_names:
            mark = next(iter(book.get_sheet_by_name(VERSION_SHEET).iter_rows()), [])
            version = _text(mark[1]) if len(mark) > 1 else None
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
            at_move = header.index(MOVE) if MOVE in header else None
            at_same = header.index(SAME_AS) if SAME_AS in header else None
            for row in rows:
                cells = list(row) + [None] * (len(header) - len(row))
                number = _text(cells[at_number])
                if number:
                    notes[number] = OfficeRow(
                        status=_status(cells[at_status]),
                        note=_text(cells[at_note]),
                        move_to=_text(cells[at_move]) if at_move is not None else None,
                        same_as=_text(cells[at_same]) if at_same is not None else None,
                        knows_same_as=at_same is not None,
                    )
    finally:
        book.close()
    return notes, version
