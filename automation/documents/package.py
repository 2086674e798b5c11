"""A Word package read once and copied per document, and written without compressing again what
did not change.

python-docx reads a .docx by parsing every XML part (the styles alone are 350 kB) and writes it by
serialising and compressing every part again. A template's styles, theme, numbering and settings
are the same in every document made from it, so `PristinePackage` reads the template once and
parses only the parts a rendering changes (the body, headers, footers and properties) and the
pictures; the others are kept as their bytes, compressed once. `fork` gives a document to render
into (fresh copies of the changing parts, the kept parts shared); `save` writes its zip: the kept
parts as compressed before, the rest compressed as zipfile would.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import io
import struct
import threading
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.package import Unmarshaller
from docx.opc.packuri import CONTENT_TYPES_URI, PACKAGE_URI, PackURI
from docx.opc.part import Part, PartFactory
from docx.opc.pkgreader import PackageReader
from docx.opc.pkgwriter import _ContentTypesItem
from docx.package import Package

# The parts a rendering changes: copied per document, never shared.
OWN_RELATIONS = frozenset({RT.HEADER, RT.FOOTER})
OWN_PACKAGE_RELATIONS = frozenset({RT.CORE_PROPERTIES, RT.EXTENDED_PROPERTIES})
# Parsed by python-docx: what a rendering changes, and pictures (python-docx names a new picture
# after the ones there are). Every other part is kept as its bytes.
PARSED = OWN_RELATIONS | OWN_PACKAGE_RELATIONS | {RT.OFFICE_DOCUMENT}


@dataclass(frozen=True)
class Deflated:
    """One zip member, compressed (raw deflate, zipfile's default level)."""

    name: bytes
    crc: int
    size: int
    data: bytes

    @classmethod
    def of(cls, name: str, blob: bytes) -> Deflated:
        compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
        return cls(name.encode("utf-8"), zlib.crc32(blob), len(blob), compressor.compress(blob) + compressor.flush())


_DEFLATED: dict[tuple[str, bytes], Deflated] = {}
_DEFLATED_KEPT = 64
_LOCK = threading.Lock()


def _deflated(name: str, blob: bytes) -> Deflated:
    """`Deflated.of`, remembered by content: the templates share their styles and theme, so each
    is compressed once."""
    key = (name, hashlib.sha256(blob).digest())
    with _LOCK:
        found = _DEFLATED.get(key)
    if found is None:
        found = Deflated.of(name, blob)
        with _LOCK:
            if len(_DEFLATED) >= _DEFLATED_KEPT:
                del _DEFLATED[next(iter(_DEFLATED))]
            _DEFLATED[key] = found
    return found


def forget_compressed() -> None:
    """Start without remembered compressed parts, as a new process does (for the benchmark)."""
    with _LOCK:
        _DEFLATED.clear()


class KeptPart(Part):
    """A part no rendering reads or changes: its bytes, and once frozen only its compressed bytes
    (`PristinePackage.deflated`)."""

    frozen = False

    @property
    def blob(self) -> bytes:
        if self.frozen:
            raise RuntimeError(f"{self.partname} is kept compressed; a rendering does not read or change it")
        return self._blob or b""


def _part(partname: PackURI, content_type: str, reltype: str, blob: bytes, package: Any) -> Part:
    if reltype in PARSED or content_type.startswith("image/"):
        part: Part = PartFactory(partname, content_type, reltype, blob, package)  # type: ignore[assignment]
        return part
    return KeptPart(partname, content_type, blob, package)


def read_document(data: bytes) -> Any:
    """A python-docx Document of `data` with only the changing parts and pictures parsed."""
    package = Package()
    Unmarshaller.unmarshal(PackageReader.from_file(io.BytesIO(data)), package, _part)  # type: ignore[no-untyped-call]
    part = package.main_document_part
    if part.content_type != CT.WML_DOCUMENT_MAIN:
        raise ValueError(f"not a Word document: the content type is '{part.content_type}'")
    return part.document


class PristinePackage:
    """A template's package. Read what is needed from `document`, then `freeze` it; `fork` copies
    it for one rendering."""

    def __init__(self, data: bytes) -> None:
        self.document: Any = read_document(data)
        self.shared: dict[int, Any] = {}
        self.deflated: dict[int, Deflated] = {}

    def freeze(self) -> None:
        """Keep only what a rendering needs: the parts it changes (the body emptied: each rendering
        replaces it), and the other parts compressed, as written into every document."""
        package = self.document.part.package
        own = {id(self.document.part)}
        own |= {id(r.target_part) for r in self.document.part.rels.values() if r.reltype in OWN_RELATIONS}
        own |= {id(r.target_part) for r in package.rels.values() if r.reltype in OWN_PACKAGE_RELATIONS}
        shared = [p for p in package.iter_parts() if id(p) not in own]
        self.shared = {id(p): p for p in shared}
        self.deflated = {id(p): _deflated(p.partname.membername, p.blob) for p in shared}
        for part in shared:
            if isinstance(part, KeptPart):
                part.frozen, part._blob = True, None
        body = self.document.element.body
        for child in list(body):
            body.remove(child)

    def fork(self) -> Any:
        """A python-docx Document to render into: the shared parts are the pristine ones (never
        changed by rendering), the rest deep copies."""
        memo: dict[int, Any] = dict(self.shared)
        return copy.deepcopy(self.document, memo)

    def save(self, document: Any, target: Path, *, when: dt.datetime) -> None:
        """Write `document` (a fork) as a .docx, in the order python-docx writes a package."""
        package = document.part.package
        parts = list(package.iter_parts())
        entries = [
            Deflated.of(CONTENT_TYPES_URI.membername, _content_types(parts)),
            Deflated.of(PACKAGE_URI.rels_uri.membername, package.rels.xml),
        ]
        for part in parts:
            kept = self.deflated.get(id(part)) if self.shared.get(id(part)) is part else None
            entries.append(kept or Deflated.of(part.partname.membername, part.blob))
            if len(part.rels):
                entries.append(Deflated.of(part.partname.rels_uri.membername, part.rels.xml))
        target.write_bytes(zip_bytes(entries, when=when))


def _content_types(parts: list[Part]) -> bytes:
    """[Content_Types].xml, as python-docx writes it."""
    item: Any = _ContentTypesItem.from_parts(parts)  # type: ignore[no-untyped-call]
    return bytes(item.blob)


# --- the zip container (what zipfile writes for ZipFile.writestr with ZIP_DEFLATED) ---------

LOCAL = struct.Struct("<4s2B4HL2L2H")
CENTRAL = struct.Struct("<4s4B4HL2L5H2L")
END = struct.Struct("<4s4H2LH")
VERSION = 20  # deflate
UNIX = 3
MODE = 0o600 << 16


def zip_bytes(entries: Iterable[Deflated], *, when: dt.datetime) -> bytes:
    out = io.BytesIO()
    time = (when.hour << 11) | (when.minute << 5) | (when.second // 2)
    date = ((max(when.year, 1980) - 1980) << 9) | (when.month << 5) | when.day
    central = []
    for entry in entries:
        offset = out.tell()
        flags = 0 if entry.name.isascii() else 0x800  # a name in UTF-8
        head = (VERSION, 0, flags, zlib.DEFLATED, time, date, entry.crc, len(entry.data), entry.size, len(entry.name))
        out.write(LOCAL.pack(b"PK\x03\x04", *head, 0))
        out.write(entry.name)
        out.write(entry.data)
        central.append(CENTRAL.pack(b"PK\x01\x02", VERSION, UNIX, *head, 0, 0, 0, 0, MODE, offset) + entry.name)
    start = out.tell()
    for record in central:
        out.write(record)
    size = out.tell() - start
    if start > 0xFFFFFFFF or len(central) > 0xFFFF:  # a Word document never gets there
        raise ValueError("document too large for a zip without zip64")
    out.write(END.pack(b"PK\x05\x06", 0, 0, len(central), len(central), size, start, 0))
    return out.getvalue()
