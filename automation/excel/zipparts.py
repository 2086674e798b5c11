"""The master's big sheets put into the workbook as deflated blocks (issue 14).

A register of 50,000 registrations is 90 MB of sheet XML; deflating all of it again after every
change took longer than everything else of a master write. Deflate can be cut into blocks that are
compressed on their own: a block compressed by a fresh compressor and ended with a full flush
refers to nothing before it and ends on a byte boundary, so blocks laid end to end (and closed by a
final empty block) are one valid deflate stream. The CRC-32 of the whole follows from the blocks'
own CRCs and sizes (`crc32_combine`), so a kept block is never inflated to be put in again.

xlsxwriter writes the workbook with a placeholder (`placeholder(k)`) where block k of a big sheet's
rows goes; `assemble` copies that workbook member by member and writes the big sheets from their
text around the placeholders and the blocks. Compression is ISA-L's (python-isal): about ten times
quicker than zlib's default at a slightly larger file.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from isal import isal_zlib

LEVEL = 2  # ISA-L's levels are 0-3; 2 is as quick as 1 and a little smaller (3 is three times slower)
_PLACEHOLDER = re.compile(r"<!--veiligheid-blok-(\d+)-->")


def placeholder(block: int) -> str:
    """Where block `block` goes in a big sheet's XML (a comment: never in a cell, whose text is escaped)."""
    return f"<!--veiligheid-blok-{block}-->"


@dataclass(frozen=True)
class Deflated:
    """Raw deflate data ending with a full flush (not final), with the size and CRC-32 of its text."""

    data: bytes
    size: int
    crc: int


def deflate(text: bytes) -> Deflated:
    compressor = isal_zlib.compressobj(LEVEL, isal_zlib.DEFLATED, -15)
    data = compressor.compress(text) + compressor.flush(isal_zlib.Z_FULL_FLUSH)
    return Deflated(data, len(text), isal_zlib.crc32(text))


def inflate(data: bytes) -> bytes:
    """The text of deflated blocks (closed here, as they are not final)."""
    return isal_zlib.decompress(data + _final(), -15)


def _final() -> bytes:
    """The empty last block that closes a deflate stream."""
    return isal_zlib.compressobj(LEVEL, isal_zlib.DEFLATED, -15).flush(isal_zlib.Z_FINISH)


def assemble(source: Path, target: Path, blocks: Mapping[str, Sequence[Deflated]]) -> None:
    """Copy the workbook `source` to `target`, every member in its place; a member named in `blocks`
    is written from its own text with block k where `placeholder(k)` stands."""
    with zipfile.ZipFile(source) as book, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in book.infolist():
            text = book.read(info)
            member = blocks.get(info.filename)
            if member is None:
                out.writestr(_like(info), text)
            else:
                _write_deflated(out, _like(info), _pieces(text.decode("utf-8"), member, name=info.filename))


def _like(info: zipfile.ZipInfo) -> zipfile.ZipInfo:
    """A member's entry as xlsxwriter made it (name, time, attributes), deflated."""
    copy = zipfile.ZipInfo(info.filename, info.date_time)
    copy.external_attr = info.external_attr
    copy.compress_type = zipfile.ZIP_DEFLATED
    return copy


def _pieces(text: str, blocks: Sequence[Deflated], *, name: str) -> list[Deflated]:
    parts = _PLACEHOLDER.split(text)  # text, block number, text, block number, …, text
    numbers = [int(n) for n in parts[1::2]]
    if numbers != list(range(len(blocks))):
        raise ValueError(f"{name}: blokken {numbers[:5]}… waar {len(blocks)} blokken horen")
    pieces: list[Deflated] = []
    for k, between in enumerate(parts[0::2]):
        if between:
            pieces.append(deflate(between.encode("utf-8")))
        if k < len(blocks):
            pieces.append(blocks[k])
    return pieces


def _write_deflated(out: zipfile.ZipFile, info: zipfile.ZipInfo, pieces: Sequence[Deflated]) -> None:
    """Write a member from deflated pieces as they are. zipfile has no public way to write data that
    is already compressed; this does what its `writestr` does, with the data, sizes and CRC given
    (tests/test_zipparts.py reads the result back with zipfile's own checks, on every Python the
    project supports)."""
    crc, size = 0, 0
    for piece in pieces:
        crc = isal_zlib.crc32_combine(crc, piece.crc, piece.size)
        size += piece.size
    end = _final()
    info.CRC = crc
    info.file_size = size
    info.compress_size = sum(len(p.data) for p in pieces) + len(end)
    zip64 = size > zipfile.ZIP64_LIMIT or info.compress_size > zipfile.ZIP64_LIMIT
    fp = out.fp
    assert fp is not None
    fp.seek(out.start_dir)
    info.header_offset = fp.tell()
    out._writecheck(info)  # type: ignore[attr-defined]
    out._didModify = True  # type: ignore[attr-defined]
    fp.write(info.FileHeader(zip64))
    for piece in pieces:
        fp.write(piece.data)
    fp.write(end)
    out.filelist.append(info)
    out.NameToInfo[info.filename] = info
    out.start_dir = fp.tell()
