"""The master's big sheets written from the rows of the last write that did not change (issue 14).

Writing a register row through xlsxwriter costs far more than deciding whether it changed: most of a
master's time went into writing, again, cells that were already there. So each row of a register and
of the Logboek is kept as the XML xlsxwriter made for it (with its row number left out), under a key
(its registration number, or its Logboek entry) and a stamp (a hash of everything the row shows). The
next write puts a row whose stamp is unchanged straight into the sheet, numbered for its new place,
and lets xlsxwriter write only new and changed rows, which are kept for the time after.

The result is the workbook a full write gives, cell for cell (tests/test_incremental_master.py):
the kept XML is xlsxwriter's own, the formats' style numbers are fixed before anything is written
(`tables.Formats`), and a change in the columns, the formats or the xlsxwriter version (`layout`)
starts the cache afresh. A lost or damaged cache (its CRC, or a row that does not look like one)
only makes one write a full one.

On disk, per sheet, in the working folder's `.veiligheid/overzicht-rijen/`: `<blad>.<token>.xml`
(the rows one after another, synced) and `<blad>.json` (the layout, the token, the size and CRC, and
per key its stamp, offset and length). A write makes new files and replaces the index last, so a
crash leaves the old cache or the new, never a mix.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import mmap
import os
import re
import uuid
import zlib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from xlsxwriter.worksheet import Worksheet

from automation.filenames import safe_name

log = logging.getLogger(__name__)

MARK = "\x00"  # where the row number goes (xlsxwriter writes control characters as _xHHHH_, never raw)
_CELL = re.compile(r'(<c r="[A-Z]{1,3})(\d+)"')


def stamp(values: Iterable[Any]) -> str:
    """A row's stamp: a hash of everything it shows (as JSON: no two different rows join alike)."""
    text = json.dumps([None if v is None else str(v) for v in values], ensure_ascii=False)
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def layout_of(*parts: Any) -> str:
    return stamp(str(p) for p in parts)


class SheetRows:
    """One big sheet's kept rows: read from the last write, and gathered anew during this one."""

    def __init__(self, folder: Path, name: str, layout: str) -> None:
        self.folder = folder
        self.stem = name  # the file names' stem: the sheet's name, made safe
        self.layout = layout
        self.old: dict[str, list[Any]] = {}
        self._data: mmap.mmap | None = None
        self._file: Any = None
        self.new: dict[str, list[Any]] = {}
        self.token = uuid.uuid4().hex[:12]
        self._out: Any = None  # the new data file, written as the rows come (memory stays flat)
        self._offset = 0
        self._crc = 0
        self.reused = 0
        self.written = 0
        self._load()

    @property
    def index_path(self) -> Path:
        return self.folder / f"{self.stem}.json"

    def _data_path(self, token: str) -> Path:
        return self.folder / f"{self.stem}.{token}.xml"

    def _load(self) -> None:
        try:
            index = json.loads(self.index_path.read_text(encoding="utf-8"))
            if index.get("layout") != self.layout:
                return
            path = self._data_path(index["token"])
            if path.stat().st_size != index["size"]:
                return
            self._file = open(path, "rb")  # noqa: SIM115 - kept open for the mmap until `close`
            if index["size"]:
                self._data = mmap.mmap(self._file.fileno(), 0, access=mmap.ACCESS_READ)
                if zlib.crc32(self._data) != index["crc32"]:  # damaged (a power cut): written again
                    log.warning("De bewaarde rijen van %s zijn beschadigd; alles wordt opnieuw geschreven.", path.name)
                    self.close()
                    return
            self.old = index["rows"]
        except (OSError, ValueError, KeyError, TypeError):
            self.close()
            self.old = {}

    def kept(self, key: str, row_stamp: str) -> str | None:
        """The row's XML (with MARK for its number) when it shows what it showed last time."""
        entry = self.old.get(key)
        if entry is None or entry[0] != row_stamp or self._data is None:
            return None
        start, length = entry[1], entry[2]
        try:
            template = self._data[start : start + length].decode("utf-8")
        except (UnicodeDecodeError, TypeError, ValueError):
            return None
        return template if template.startswith(f'<row r="{MARK}"') and template.endswith("</row>") else None

    def keep(self, key: str, row_stamp: str, template: str) -> None:
        data = template.encode("utf-8")
        if self._out is None:
            self.folder.mkdir(parents=True, exist_ok=True)
            self._out = open(self._data_path(self.token), "wb")  # noqa: SIM115 - closed in save/close
        self._out.write(data)
        self.new[key] = [row_stamp, self._offset, len(data)]
        self._offset += len(data)
        self._crc = zlib.crc32(data, self._crc)

    def save(self) -> None:
        """Make this write's rows the cache for the next (only once the master is complete)."""
        if self._out is None:
            self.folder.mkdir(parents=True, exist_ok=True)
            self._data_path(self.token).write_bytes(b"")
        else:
            self._out.flush()
            os.fsync(self._out.fileno())  # on disk before the index names it
            self._out.close()
            self._out = None
        index = {"layout": self.layout, "token": self.token, "size": self._offset, "crc32": self._crc, "rows": self.new}
        tmp = self.index_path.with_name(f".{self.index_path.name}.tmp")
        with open(tmp, "w", encoding="utf-8") as handle:
            handle.write(json.dumps(index, separators=(",", ":")))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, self.index_path)
        for old in self.folder.glob(f"{self.stem}.*.xml"):
            if old.name != self._data_path(self.token).name:
                old.unlink(missing_ok=True)

    def close(self, *, discard: bool = False) -> None:
        if self._data is not None:
            self._data.close()
            self._data = None
        if self._file is not None:
            self._file.close()
            self._file = None
        if discard and self._out is not None:  # the write failed: its rows are not the master's
            self._out.close()
            self._out = None
            self._data_path(self.token).unlink(missing_ok=True)


class RowCache:
    """The kept rows of every big sheet of one master write (None folder: nothing kept, nothing read)."""

    def __init__(self, folder: Path | None, *, fresh: bool = False) -> None:
        self.folder = folder
        self.fresh = fresh  # a full write: read nothing, keep what it writes
        self.sheets: list[SheetRows] = []

    def sheet(self, name: str, layout: str) -> SheetRows | None:
        """The kept rows of the sheet `name` (files named after it: a register that comes or goes
        leaves the others' rows as they are)."""
        if self.folder is None:
            return None
        rows = SheetRows(self.folder, safe_name(name, fallback="blad"), layout)
        if self.fresh:
            rows.close()
            rows.old = {}
        self.sheets.append(rows)
        return rows

    def save(self) -> None:
        for rows in self.sheets:
            try:
                rows.close()
                rows.save()
            except OSError as exc:  # the next write is a full one: nothing lost
                log.warning("Kon de rijen van het bestuursoverzicht niet bewaren (%s).", exc)

    def close(self) -> None:
        """After a failed write: the kept rows stay those of the last complete one."""
        for rows in self.sheets:
            rows.close(discard=True)

    @property
    def reused(self) -> int:
        return sum(r.reused for r in self.sheets)

    @property
    def written(self) -> int:
        return sum(r.written for r in self.sheets)


class RowWriter:
    """Writes a big sheet's data rows: a kept row as its XML, a new or changed one through xlsxwriter
    (`write(row)` writes its cells), whose XML is then kept."""

    def __init__(self, ws: Worksheet, rows: SheetRows | None, *, last_col: int) -> None:
        self.ws = ws
        self.rows = rows
        self.last_col = last_col
        self._pending: tuple[int, str, str] | None = None  # (row, key, stamp) written through xlsxwriter
        if rows is not None:
            original = ws._write_single_row

            def capture(current_row_num: int = 0) -> None:
                real = ws.fh
                buffer = io.StringIO()
                ws.fh = buffer
                try:
                    original(current_row_num)
                finally:
                    ws.fh = real
                xml = buffer.getvalue()
                real.write(xml)
                pending, self._pending = self._pending, None
                if pending is not None and xml:
                    row, key, row_stamp = pending
                    rows.keep(key, row_stamp, _template(xml, row))

            ws._write_single_row = capture

    def row(self, row: int, key: str, row_stamp: str, write: Callable[[], None]) -> None:
        rows, ws = self.rows, self.ws
        template = rows.kept(key, row_stamp) if rows is not None else None
        if template is None or rows is None:
            write()  # xlsxwriter flushes the row before it when this one's first cell comes
            if rows is not None:
                rows.written += 1
                self._pending = (row, key, row_stamp)
            return
        ws._check_dimensions(row, 0)
        ws._check_dimensions(row, self.last_col)
        if row > ws.previous_row:
            ws._write_single_row(row)  # the row before, if xlsxwriter holds one
        ws.fh.write(template.replace(MARK, str(row + 1)))
        rows.keep(key, row_stamp, template)
        rows.reused += 1


def _template(xml: str, row: int) -> str:
    """A row's XML with its number left out (MARK), so it can be put at another row."""
    number = str(row + 1)
    xml = xml.replace(f'<row r="{number}"', f'<row r="{MARK}"', 1)
    return _CELL.sub(lambda m: f'{m.group(1)}{MARK}"' if m.group(2) == number else m.group(0), xml)
