"""The master's big sheets written from what the last write kept (issue 14).

A register or the Logboek is written in blocks of `BLOCK_ROWS` rows, in the order the rows came in
(a new registration or Logboek line is last, so the rows before it keep their place). Each row has a
key (its registration number, or its Logboek line) and a stamp (a hash of everything it shows). Each
block is kept deflated (excel.zipparts), with its rows' keys, stamps and lengths. The next write:

- a block whose rows are the same keys with the same stamps at the same places is put into the
  workbook as the deflated bytes it was: no row of it is looked at again, written or compressed;
- in a block that changed, a row kept anywhere is taken from its old block (inflated, renumbered if
  it moved), a new or changed row is written through xlsxwriter, and the block is compressed anew.

The result is the workbook a full write gives, part for part (tests/test_incremental_master.py):
the kept XML is xlsxwriter's own, the formats' style numbers are fixed before anything is written
(`tables.Formats`), and a change in the columns, the formats or the xlsxwriter version (`layout`)
starts afresh. A lost or damaged cache (a CRC over its file, a block that does not inflate to what
its index says) only makes one write a full one.

On disk, per sheet, in the working folder's `.veiligheid/overzicht-rijen/`: `<blad>.<token>.blok`
(the deflated blocks one after another) and `<blad>.json` (the layout, the token, the file's size
and CRC, and per block its rows, place in the file, size and CRC). A write makes a new data file,
syncs it, and replaces the index last, so a crash leaves the old cache or the new, never a mix.
"""

from __future__ import annotations

import io
import json
import logging
import mmap
import os
import re
import uuid
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, cast

from isal import isal_zlib
from xlsxwriter.worksheet import Worksheet

from automation.excel.zipparts import Deflated, deflate, inflate, placeholder
from automation.filenames import safe_name
from automation.store import row_stamp as hashed

log = logging.getLogger(__name__)

_INFLATE_ERROR = cast("type[Exception]", isal_zlib.error)  # its stub calls it an instance
INDEX_FORMAT = 2
BLOCK_ROWS = 500  # rows per block: a changed row costs its block's compression (about 1 MB of XML)
_CELL = re.compile(r'(<c r="[A-Z]{1,3})(\d+)"')


def stamp(values: Iterable[Any]) -> str:
    """A row's stamp: a hash of everything it shows (`store.row_stamp`)."""
    return hashed(*values).hex()


def layout_of(*parts: Any) -> str:
    return stamp(str(p) for p in parts)


@dataclass
class Block:
    """One kept block: its rows' keys and stamps (each joined by newlines: 100,000 rows are a few
    strings, not 300,000 objects) and the lengths of their XML in characters, and where its deflated
    bytes are."""

    first: int  # the sheet row (0-based) of its first row
    keys: str
    stamps: str
    lengths: list[int]
    offset: int
    length: int
    size: int  # of its XML in bytes
    crc: int

    @classmethod
    def of(cls, found: Any) -> Block:
        """A block as the index says it, checked for its shape (anything else: nothing kept)."""
        if not isinstance(found, dict):
            raise ValueError("geen blok")
        block = cls(**found)
        numbers = (block.first, block.offset, block.length, block.size, block.crc)
        if not all(isinstance(n, int) and n >= 0 for n in numbers):
            raise ValueError("geen blok")
        if not (isinstance(block.keys, str) and isinstance(block.stamps, str) and isinstance(block.lengths, list)):
            raise ValueError("geen blok")
        if not block.lengths or not all(isinstance(n, int) and n > 0 for n in block.lengths):
            raise ValueError("geen blok")
        if block.keys.count("\n") + 1 != len(block.lengths) or block.stamps.count("\n") + 1 != len(block.lengths):
            raise ValueError("geen blok")
        return block

    def rows(self) -> list[tuple[str, str, int]]:
        return list(zip(self.keys.split("\n"), self.stamps.split("\n"), self.lengths, strict=True))

    def as_json(self) -> dict[str, Any]:
        return {
            "first": self.first,
            "keys": self.keys,
            "stamps": self.stamps,
            "lengths": self.lengths,
            "offset": self.offset,
            "length": self.length,
            "size": self.size,
            "crc": self.crc,
        }


class SheetRows:
    """One big sheet's kept blocks: read from the last write, and gathered anew during this one."""

    def __init__(
        self, folder: Path, name: str, layout: str, *, memory: Memory | None = None, load: bool = True
    ) -> None:
        self.folder = folder
        self._memory = memory
        self.stem = name  # the file names' stem: the sheet's name, made safe
        self.layout = layout
        self.old: list[Block] = []
        self._data: mmap.mmap | None = None
        self._file: Any = None
        self._near: dict[int, dict[str, tuple[int, int, str]]] = {}  # block: key -> place, offset, stamp
        self._inflated: dict[int, str] = {}
        self.new: list[Block] = []
        self.blocks: list[Deflated] = []  # this write's blocks, in order: what the workbook gets
        self.token = uuid.uuid4().hex[:12]
        self._offset = 0
        self.reused = 0  # rows put in as they were kept
        self.written = 0  # rows written through xlsxwriter
        self.blocks_kept = 0  # blocks put in as they were, deflated
        if load:
            self._load()

    @property
    def index_path(self) -> Path:
        return self.folder / f"{self.stem}.json"

    def _data_path(self, token: str) -> Path:
        return self.folder / f"{self.stem}.{token}.blok"

    def _load(self) -> None:
        try:
            index = self._read_index()
            if index is None or index.get("layout") != self.layout:
                return
            path = self._data_path(index["token"])
            if path.stat().st_size != index["size"]:
                return
            blocks = index["blocks"]
            self._file = open(path, "rb")  # noqa: SIM115 - kept open for the mmap until `close`
            if index["size"]:
                self._data = mmap.mmap(self._file.fileno(), 0, access=mmap.ACCESS_READ)
                if zlib.crc32(self._data) != index["crc32"]:  # damaged (a power cut): written again
                    log.warning("De bewaarde rijen van %s zijn beschadigd; alles wordt opnieuw geschreven.", path.name)
                    self.close()
                    return
            self.old = blocks
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            log.info("Geen bewaarde rijen voor %s (%s): alles wordt geschreven.", self.stem, exc)
            self.close()
            self.old = []

    def _read_index(self) -> dict[str, Any] | None:
        """The index file, checked: its first line says the layout, the data file and a CRC of the rest,
        the blocks, which are read only when that CRC holds. What a write of this process left in
        `memory` is taken instead while the file is the one that write made (same size, time and
        inode): 100,000 rows' keys and stamps are not read again."""
        path = self.index_path
        info = path.stat()
        signature = (info.st_mtime_ns, info.st_size, info.st_ino)
        if self._memory is not None:
            known = self._memory.get(path)
            if known is not None and known[0] == signature:
                return known[1]
        head, _, rest = path.read_bytes().partition(b"\n")
        index = json.loads(head)
        if not isinstance(index, dict) or index.get("format") != INDEX_FORMAT or zlib.crc32(rest) != index.get("check"):
            return None
        found = json.loads(rest)
        if not isinstance(found, list):
            return None
        index["blocks"] = [Block.of(b) for b in found]
        if self._memory is not None:
            self._memory[path] = (signature, index)
        return index

    def old_block(self, number: int, first: int) -> Block | None:
        if number < len(self.old) and self.old[number].first == first and self._data is not None:
            return self.old[number]
        return None

    def deflated(self, number: int) -> Deflated:
        block = self.old[number]
        assert self._data is not None
        return Deflated(self._data[block.offset : block.offset + block.length], block.size, block.crc)

    def inflated(self, number: int) -> str | None:
        """Block `number`'s XML (the last two are kept: a shift moves rows from one block to the next)."""
        if number in self._inflated:
            return self._inflated[number]
        try:
            data = self.deflated(number)
            text = inflate(data.data)
            if len(text) != data.size or isal_zlib.crc32(text) != data.crc:
                raise ValueError("not the kept block")
            xml = text.decode("utf-8")
        except (ValueError, AssertionError, _INFLATE_ERROR) as exc:
            log.warning(
                "Een bewaard blok rijen van %s is onleesbaar (%s); het wordt opnieuw geschreven.", self.stem, exc
            )
            return None
        if len(self._inflated) >= 2:
            self._inflated.pop(next(iter(self._inflated)))
        self._inflated[number] = xml
        return xml

    def rows_of(self, number: int) -> list[str] | None:
        """Block `number`'s rows' XML, one by one."""
        xml = self.inflated(number)
        if xml is None:
            return None
        found, start = [], 0
        for length in self.old[number].lengths:
            found.append(xml[start : start + length])
            start += length
        return found if start == len(xml) else None

    def kept_row(self, key: str, row_stamp: str, row: int, *, near: int) -> str | None:
        """The XML of the row kept under `key` when it shows what it showed, numbered for `row`: looked
        for in the kept block `near` and the blocks beside it (a row that came or went before it
        moves it that little; one from further away is written again)."""
        for number in (near, near - 1, near + 1):
            if not 0 <= number < len(self.old):
                continue
            if number not in self._near:
                offset, places = 0, {}
                for place, (k, s, length) in enumerate(self.old[number].rows()):
                    places[k] = (place, offset, s)
                    offset += length
                if len(self._near) >= 4:
                    self._near.pop(next(iter(self._near)))
                self._near[number] = places
            found = self._near[number].get(key)
            if found is None:
                continue
            place, offset, kept_stamp = found
            if kept_stamp != row_stamp:
                return None
            xml = self.inflated(number)
            if xml is None:
                return None
            text = xml[offset : offset + self.old[number].lengths[place]]
            was = self.old[number].first + place
            return text if was == row else _renumbered(text, was, row)
        return None

    def add(self, first: int, keys: str, stamps: str, lengths: list[int], data: Deflated) -> None:
        self.new.append(Block(first, keys, stamps, lengths, self._offset, len(data.data), data.size, data.crc))
        self.blocks.append(data)
        self._offset += len(data.data)

    def save(self) -> None:
        """Make this write's blocks the cache for the next (only once the master is complete)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        crc = 0
        with open(self._data_path(self.token), "wb") as out:
            for data in self.blocks:
                out.write(data.data)
                crc = zlib.crc32(data.data, crc)
            out.flush()
            os.fsync(out.fileno())  # on disk before the index names it
        blocks = json.dumps([b.as_json() for b in self.new], separators=(",", ":")).encode()
        index: dict[str, Any] = {
            "format": INDEX_FORMAT,
            "layout": self.layout,
            "token": self.token,
            "size": self._offset,
            "crc32": crc,
            "check": zlib.crc32(blocks),
        }
        tmp = self.index_path.with_name(f".{self.index_path.name}.{os.getpid()}.tmp")
        with open(tmp, "wb") as handle:
            handle.write(json.dumps(index, separators=(",", ":")).encode() + b"\n" + blocks)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, self.index_path)
        if self._memory is not None:
            info = self.index_path.stat()
            self._memory[self.index_path] = (
                (info.st_mtime_ns, info.st_size, info.st_ino),
                index | {"blocks": self.new},
            )
        for old in self.folder.glob(f"{self.stem}.*"):
            if old.suffix in (".blok", ".xml") and old.name != self._data_path(self.token).name:
                old.unlink(missing_ok=True)  # .xml: the rows as an earlier version kept them

    def close(self) -> None:
        self._inflated.clear()
        if self._data is not None:
            self._data.close()
            self._data = None
        if self._file is not None:
            self._file.close()
            self._file = None


Memory = dict[Path, tuple[tuple[int, int, int], dict[str, Any]]]  # index file: (its stat, its content)


class RowCache:
    """The kept blocks of every big sheet of one master write (None folder: nothing kept, nothing read).
    `memory`: the indexes as the last write of this process left them (a caller that writes again
    and again, the watcher, holds one)."""

    def __init__(self, folder: Path | None, *, fresh: bool = False, memory: Memory | None = None) -> None:
        self.folder = folder
        self.memory = memory
        self.fresh = fresh  # a full write: read nothing, keep what it writes
        self.sheets: list[SheetRows] = []
        self.parts: dict[str, list[Deflated]] = {}  # the workbook member of each big sheet: its blocks

    def sheet(self, name: str, layout: str) -> SheetRows | None:
        """The kept rows of the sheet `name` (files named after it: a register that comes or goes
        leaves the others' rows as they are)."""
        if self.folder is None:
            return None
        rows = SheetRows(self.folder, safe_name(name, fallback="blad"), layout, memory=self.memory, load=not self.fresh)
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
            rows.close()

    def start_afresh(self) -> None:
        """Forget what this write gathered and read nothing kept: the next write is a full one."""
        self.close()
        self.sheets, self.parts, self.fresh = [], {}, True

    @property
    def reused(self) -> int:
        return sum(r.reused for r in self.sheets)

    @property
    def written(self) -> int:
        return sum(r.written for r in self.sheets)

    @property
    def blocks_kept(self) -> int:
        return sum(r.blocks_kept for r in self.sheets)


class RowWriter:
    """Writes a big sheet's data rows (see the module's docstring). Without kept rows (`rows` None)
    every row is written through xlsxwriter, the way a master was always written: `write()` writes
    the row's cells. Call `finish` after the last row."""

    def __init__(
        self, ws: Worksheet, rows: SheetRows | None, *, last_col: int, parts: dict[str, list[Deflated]]
    ) -> None:
        self.ws = ws
        self.rows = rows
        self.last_col = last_col
        self.parts = parts
        self._pending: tuple[int, str, str] | None = None  # (row, key, stamp) written through xlsxwriter
        self._number = -1  # the block being gathered
        self._old: Block | None = None
        self._whole = False  # the block is the kept one, as a whole (write_all)
        self._old_rows: list[tuple[str, str, int]] = []  # the kept block's rows: key, stamp, length
        self._entries: list[tuple[str, str, int]] = []  # key, stamp, length of its rows so far
        self._xml: list[str] | None = None  # their XML, once the block is not the kept one
        self._last = 0
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
                pending, self._pending = self._pending, None
                if pending is None:  # the header row
                    real.write(xml)
                elif xml:
                    self._add(pending[1], pending[2], xml)

            ws._write_single_row = capture

    def row(self, row: int, key: str, row_stamp: str, write: Callable[[], None]) -> None:
        rows, ws = self.rows, self.ws
        if rows is None:
            write()
            return
        if ws.table:  # xlsxwriter holds the row before (or the header): written out first
            ws._write_single_row(row)
        number = (row - 1) // BLOCK_ROWS
        if number != self._number:
            self._end_block()
            self._start(number, rows.old_block(number, row))
        self._last = row
        place = len(self._entries)
        if self._xml is None:
            old = self._old_rows
            if place < len(old) and old[place][0] == key and old[place][1] == row_stamp:
                self._entries.append(old[place])  # as kept, so far: nothing to write
                rows.reused += 1
                return
            self._unpack()
        kept = rows.kept_row(key, row_stamp, row, near=number)
        if kept is not None:
            self._add(key, row_stamp, kept)
            rows.reused += 1
            return
        write()  # its XML comes to `capture` when xlsxwriter flushes it
        self._pending = (row, key, row_stamp)
        rows.written += 1

    def write_all(self, entries: Sequence[tuple[str, str]], write: Callable[[int, str], None]) -> None:
        """Every data row of the sheet, given as (key, stamp) in the sheet's order; `write(row, key)`
        reads a row and writes its cells (only for the rows not kept). A block whose keys and stamps
        are those kept is put in whole, without a row of it being looked at."""
        rows, ws = self.rows, self.ws
        assert rows is not None
        for start in range(0, len(entries), BLOCK_ROWS):
            block, number, first = entries[start : start + BLOCK_ROWS], start // BLOCK_ROWS, start + 1
            old = rows.old_block(number, first)
            if (
                old is not None
                and len(old.lengths) == len(block)
                and "\n".join(key for key, _ in block) == old.keys
                and "\n".join(row_stamp for _, row_stamp in block) == old.stamps
            ):
                if ws.table:  # the header (or nothing: the block before flushed its last row)
                    ws._write_single_row(first)
                self._end_block()
                self._number, self._old, self._whole, self._xml = number, old, True, None
                self._last = first + len(block) - 1
                rows.reused += len(block)
                self._end_block()
                continue
            for place, (key, row_stamp) in enumerate(block):
                self.row(first + place, key, row_stamp, partial(write, first + place, key))
        self.finish()

    def finish(self) -> None:
        if self.rows is not None:
            self._end_block()

    def _start(self, number: int, old: Block | None) -> None:
        self._number, self._old, self._whole = number, old, False
        self._old_rows = old.rows() if old is not None else []
        self._entries, self._xml = [], None

    def _add(self, key: str, row_stamp: str, xml: str) -> None:
        assert self._xml is not None
        if "\n" in key or "\n" in row_stamp:  # the index joins them by newlines
            raise ValueError(f"een sleutel met een regeleinde: {key!r}")
        self._xml.append(xml)
        self._entries.append((key, row_stamp, len(xml)))

    def _unpack(self) -> None:
        """The block is not the kept one after all: its rows so far as XML (they were at these very
        places in the kept block)."""
        assert self.rows is not None
        entries, self._entries, self._xml = self._entries, [], []
        if not entries:
            return
        kept = self.rows.rows_of(self._number)
        if kept is None:  # unreadable: every row again from where it is kept, or through xlsxwriter
            raise KeptRowsUnreadable(self.rows.stem)
        for (key, row_stamp, _), xml in zip(entries, kept, strict=False):
            self._add(key, row_stamp, xml)

    def _end_block(self) -> None:
        rows, ws = self.rows, self.ws
        if rows is None or (not self._whole and not self._entries and self._pending is None):
            return
        ws._check_dimensions(self._last, self.last_col)  # before the flush below moves xlsxwriter on
        if self._pending is not None:
            ws._write_single_row(self._last + 1)  # the block's last row, held by xlsxwriter
        first = self._number * BLOCK_ROWS + 1
        old = self._old
        if old is not None and (self._whole or (self._xml is None and len(self._entries) == len(old.lengths))):
            data = rows.deflated(self._number)
            keys, stamps, lengths = old.keys, old.stamps, old.lengths
            rows.blocks_kept += 1
        else:
            if self._xml is None:
                self._unpack()  # rows left the end of the block (a purge)
            assert self._xml is not None
            data = deflate("".join(self._xml).encode("utf-8"))
            keys = "\n".join(e[0] for e in self._entries)
            stamps = "\n".join(e[1] for e in self._entries)
            lengths = [e[2] for e in self._entries]
        ws.fh.write(placeholder(len(rows.blocks)))
        rows.add(first, keys, stamps, lengths, data)
        self.parts[f"xl/worksheets/sheet{ws.index + 1}.xml"] = rows.blocks
        self._entries, self._xml, self._old, self._whole, self._old_rows = [], None, None, False, []


class KeptRowsUnreadable(Exception):
    """A kept block that does not inflate to what its index says: the write starts again afresh
    (excel.master.render_master)."""


def _renumbered(xml: str, was: int, row: int) -> str:
    """A row's XML moved from sheet row `was` to `row` (0-based)."""
    old, new = str(was + 1), str(row + 1)
    xml = xml.replace(f'<row r="{old}"', f'<row r="{new}"', 1)
    return _CELL.sub(lambda m: f'{m.group(1)}{new}"' if m.group(2) == old else m.group(0), xml)
