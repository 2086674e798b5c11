"""Helpers the test files share: read what the product wrote (database rows, the master, the handed-back
files, documents), do what a person would (type in the master, change a workbook), and wait for the
watcher. Fixtures stay in conftest.py; test files import helpers from here, never from each other."""

from __future__ import annotations

import io
import re
import sqlite3
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from docx import Document
from docx.oxml.ns import qn

from automation.config import Settings

# --- the database and the files handed back ---------------------------------------------------------


def query(database: Path, sql: str, *args: Any) -> list[sqlite3.Row]:
    """Look into a database file the way a test inspects it (the store's own connection is private)."""
    conn = sqlite3.connect(database)
    conn.row_factory = sqlite3.Row
    try:
        return list(conn.execute(sql, args))
    finally:
        conn.close()


def rows(settings: Settings, sql: str, *args: Any) -> list[sqlite3.Row]:
    return query(settings.paths.database, sql, *args)


def only_submission(settings: Settings) -> sqlite3.Row:
    (row,) = rows(settings, "SELECT * FROM submissions")
    return row


def explanation(settings: Settings, stem: str) -> str:
    return handed_back(settings, f"{stem} - uitleg.txt").read_text(encoding="utf-8-sig")


def handed_back(settings: Settings, name: str) -> Path:
    """A file in the rejected folder, in whichever school's subfolder it went."""
    (found,) = list(settings.paths.rejected.rglob(name))
    return found


# --- the master -------------------------------------------------------------------------------------


def master_sheet(settings: Settings, sheet: str) -> list[tuple[Any, ...]]:
    wb = openpyxl.load_workbook(settings.paths.master, read_only=True)
    try:
        return [tuple(r) for r in wb[sheet].iter_rows(values_only=True)]
    finally:
        wb.close()


def type_in_master(master: Path, sheet: str, regnr: str, **columns: str | None) -> None:
    """As an office manager would in Excel: find the row by its number, type, save."""
    wb = openpyxl.load_workbook(master)
    ws = wb[sheet]
    header = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=2):
        if row[0].value == regnr:
            for title, value in columns.items():
                cell = row[header.index(title.replace("_", " "))]
                cell.value = value
                if isinstance(value, str):
                    cell.data_type = "s"  # typed into a text cell: '=...' stays text
    wb.save(master)


def office_columns(master: Path, sheet: str) -> dict[str, tuple[str | None, str | None]]:
    wb = openpyxl.load_workbook(master, read_only=True)
    table = list(wb[sheet].iter_rows(values_only=True))
    wb.close()
    at_status, at_note = table[0].index("Status afhandeling"), table[0].index("Notitie")
    return {r[0]: (r[at_status], r[at_note]) for r in table[1:] if r[0]}


# --- workbooks changed the way other programs or people change them ---------------------------------


def with_part_changed(
    form_bytes: bytes, part: str, old: bytes, new: bytes, *, add: dict[str, bytes] | None = None
) -> bytes:
    """The same workbook with `old` replaced by `new` in one zip part (and parts added)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(form_bytes)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == part:
                assert old in data
                data = data.replace(old, new)
            dst.writestr(item, data)
        for name, data in (add or {}).items():
            dst.writestr(name, data)
    return out.getvalue()


def as_xlsm(form_bytes: bytes) -> bytes:
    """The form saved as a workbook with macros."""
    return with_part_changed(
        form_bytes,
        "[Content_Types].xml",
        b"spreadsheetml.sheet.main+xml",
        b"ms-excel.sheet.macroEnabled.main+xml",
        add={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0 macro"},
    )


# --- documents --------------------------------------------------------------------------------------


def texts_in(path: Path) -> str:
    """All text a file shows: for Office files the XML of every part (the body, headers, footers, the
    pictures' descriptions, the document's properties)."""
    data = path.read_bytes()
    if data.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
    return data.decode("utf-8", "replace")


def document_text(path: Path | bytes) -> list[str]:
    """Normalised text: header and footer, then every paragraph and table cell in order."""
    doc = Document(io.BytesIO(path) if isinstance(path, bytes) else str(path))
    lines: list[str] = []
    section = doc.sections[0]
    for part in (section.header, section.footer):
        lines += [f"[{'kop' if part is section.header else 'voet'}] {p.text}" for p in part.paragraphs if p.text]
    for block in doc.element.body.iterchildren():
        if block.tag == qn("w:p"):
            text = element_text(block)
            if block.find(".//" + qn("w:drawing")) is not None:
                text += "[afbeelding]"
            if text.strip():
                lines.append(re.sub(r"\s+", " ", text).strip())
        elif block.tag == qn("w:tbl"):
            for row in block.iter(qn("w:tr")):
                cells = [re.sub(r"\s+", " ", element_text(tc)).strip() for tc in row.iter(qn("w:tc"))]
                lines.append(" | ".join(cells))
    return lines


def element_text(element: Any) -> str:
    """Text with tabs and line breaks as spaces (paragraphs are joined by the caller)."""
    return "".join(
        (node.text or "") if node.tag == qn("w:t") else " " for node in element.iter(qn("w:t"), qn("w:tab"), qn("w:br"))
    )


# --- the watcher ------------------------------------------------------------------------------------


def wait_for(condition: Callable[[], bool], *, timeout: float = 20, what: str = "condition") -> None:
    """Poll `condition` until it holds; fail the test naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    pytest.fail(f"timed out waiting for {what}")
