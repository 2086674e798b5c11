"""Read back what the office typed in the master's registers before it is rebuilt.

The master is rebuilt from the store after every change; the columns *Status afhandeling*,
*Notitie*, *Verplaatsen naar* and *Zelfde melding als* are the office's. They are read here (with
python-calamine: fast, and it never changes the file) keyed by registration number, stored (a
withdrawal, move or merge as an office action, see automation.intake.office), and written again into
the new master.
"""

from __future__ import annotations

import hashlib
import json
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
MARK = "Controle kantoor"  # hidden: what the office columns held when the product wrote the row
STATUSES = ("open", "in behandeling", "afgesloten", WITHDRAWN)


def office_mark(status: str | None, note: str | None, same_as: str | None) -> str:
    """A short hash of a row's office columns as written, kept in the hidden column `MARK`: a row
    whose columns no longer match it was typed in by the office. So a master saved from an older
    write (open in Excel while a command withdrew a registration) does not undo what came since."""
    text = json.dumps([status or "open", note, same_as], ensure_ascii=False)
    return hashlib.blake2b(text.encode("utf-8"), digest_size=6).hexdigest()


@dataclass(frozen=True)
class OfficeRow:
    """What the office's columns of one register row hold. A master written before the columns
    *Verplaatsen naar* and *Zelfde melding als* existed says nothing about a merge: `knows_same_as`."""

    status: str | None
    note: str | None
    move_to: str | None = None
    same_as: str | None = None
    knows_same_as: bool = True
    mark: str | None = None  # the hidden `MARK` of the row (None: a master written before it existed)

    def typed(self, known: OfficeRow) -> bool:
        """The office typed in this row: its columns differ from what the row was written with (its
        mark), or, in an older master without marks, from what the store knows now (`known`)."""
        if self.move_to is not None:
            return True
        if self.mark is not None:
            return self.mark != office_mark(self.status, self.note, self.same_as)
        return (self.status or "open", self.note) != (known.status or "open", known.note) or (
            self.knows_same_as and self.same_as != known.same_as
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


def read_office_notes(path: Path, sheets: Iterable[str]) -> dict[str, OfficeRow] | None:
    """{registration number: what the office's columns hold} from the register sheets of an existing
    master; None when it cannot be read (damaged, saved with a password, not a workbook)."""
    notes: dict[str, OfficeRow] = {}
    try:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
    except Exception:
        log.warning("Kon de notities uit %s niet lezen.", path.name, exc_info=True)
        return None
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
            at_move = header.index(MOVE) if MOVE in header else None
            at_same = header.index(SAME_AS) if SAME_AS in header else None
            at_mark = header.index(MARK) if MARK in header else None
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
                        mark=_text(cells[at_mark]) if at_mark is not None else None,
                    )
    finally:
        book.close()
    return notes
