"""Recognise a dropped file and read a filled form by its defined names.

The bytes are read once by the caller. We look at the zip directly for the defined names
(`xl/workbook.xml`) and read cell values with python-calamine, which is some 30 times faster than
opening the workbook with openpyxl.

Nothing in the zip is trusted before python-calamine (or openpyxl, for the annotated copy) sees it
(`check_package`): every part is inflated once here, its real size held against the declared one and
a limit, XML with a DTD is refused, and each sheet's extent is measured, because calamine allocates
a cell for every position between the first and the furthest cell of a sheet and aborts the whole
process when that allocation fails.
"""

from __future__ import annotations

import functools
import hashlib
import html
import io
import operator
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import olefile
import python_calamine
from xlsxwriter.utility import xl_cell_to_rowcol, xl_col_to_name

from automation.errors import FileProblem
from automation.excel.build_form import MARKER_FORM, MARKER_VERSION
from automation.forms import FORMS, FormDef

EXCEL_ROWS, EXCEL_COLUMNS = 1_048_576, 16_384
ZIP_MAGIC = b"PK\x03\x04"  # a zip's first part; a text that merely starts with 'PK' is no workbook
REF_RE = re.compile(r"^(?:'((?:[^']|'')+)'|([^'!]+))!\$?([A-Z]{1,3})\$?(\d+)$")
MACRO_TYPES = (b"macroEnabled", b"vbaProject")

_PICTURES = {
    b"\x89PNG": "een afbeelding (PNG)",
    b"\xff\xd8\xff": "een foto (JPEG)",
    b"GIF8": "een afbeelding (GIF)",
    b"%PDF": "een PDF-document",
    b"BM": "een afbeelding (BMP)",
    b"II*\x00": "een scan (TIFF)",
    b"MM\x00*": "een scan (TIFF)",
}

ASK_FORM = "Gebruik het juiste formulier uit de map met formulieren, vul het in en zet het opnieuw in de map."


@dataclass(frozen=True)
class RawForm:
    """What a filled form holds, before validation."""

    form: FormDef
    version: int
    sheet: str
    values: dict[str, Any]
    cells: dict[str, str]  # key -> "B7"


@dataclass(frozen=True)
class Workbook:
    """A zip that is an .xlsx workbook, by its workbook-level defined names."""

    names: dict[str, str]
    uncompressed: int = 0  # the real size of all its parts together, in bytes


@dataclass(frozen=True)
class Package:
    """An .xlsx zip whose every part was inflated and checked (see `check_package`)."""

    uncompressed: int
    content_types: bytes
    workbook_xml: bytes | None
    has_vba: bool


def _sniff_ole(data: bytes) -> FileProblem:
    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
        streams = {"/".join(entry) for entry in ole.listdir()}
        ole.close()
    except Exception:  # olefile raises several types for a damaged file; it is only a hint here
        streams = set()
    if "EncryptionInfo" in streams or "EncryptedPackage" in streams:
        return FileProblem(
            "beveiligd",
            "Dit Excel-bestand is met een wachtwoord beveiligd, zodat het niet gelezen kan worden. "
            "Open het in Excel, haal het wachtwoord weg (Bestand > Info > Werkmap beveiligen > "
            "Versleutelen met wachtwoord: veld leegmaken), sla het op en zet het opnieuw in de map.",
        )
    if "Workbook" in streams or "Book" in streams:
        return FileProblem(
            "xls",
            "Dit is een oud Excel-bestand (.xls). Het formulier werkt alleen als .xlsx. " + ASK_FORM,
        )
    return FileProblem("onbekend", "Dit is een ouder Office-bestand en geen formulier. " + ASK_FORM)


def open_workbook(data: bytes, *, max_uncompressed: int) -> Workbook:
    """Check what kind of file `data` is; return it as a workbook or raise `FileProblem`."""
    if not data:
        raise FileProblem(
            "leeg", "Het bestand is leeg (0 bytes). Sla het formulier opnieuw op in Excel en zet het opnieuw in de map."
        )
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise _sniff_ole(data)
    for magic, what in _PICTURES.items():
        if data.startswith(magic):
            raise FileProblem(
                "geen-formulier",
                f"Dit bestand is {what}, geen ingevuld formulier. Een melding doet u met het "
                "Excel-formulier; een foto of scan kan als bijlage naar de coördinator. " + ASK_FORM,
            )
    if not data.startswith(ZIP_MAGIC):
        if b"\x00" not in data[:4096]:
            raise FileProblem(
                "tekst",
                "Dit is een tekstbestand, geen ingevuld Excel-formulier. " + ASK_FORM,
            )
        raise FileProblem("onbekend", "Dit bestand is geen Excel-formulier. " + ASK_FORM)
    package = check_package(data, max_uncompressed=max_uncompressed)
    content_types = package.content_types
    if any(t in content_types for t in MACRO_TYPES) or package.has_vba:
        raise FileProblem(
            "xlsm",
            "Dit is een Excel-bestand met macro's (.xlsm). Om veiligheidsredenen worden die niet "
            "geopend. Sla het formulier op als 'Excel-werkmap (*.xlsx)' en zet het opnieuw in de map.",
        )
    if b"wordprocessingml" in content_types:
        raise FileProblem("geen-formulier", "Dit is een Word-document, geen ingevuld formulier. " + ASK_FORM)
    if package.workbook_xml is None:
        raise FileProblem("geen-formulier", "Dit bestand is geen Excel-werkmap. " + ASK_FORM)
    return Workbook(names=dict(_defined_names(package.workbook_xml)), uncompressed=package.uncompressed)


def damaged() -> FileProblem:
    return FileProblem(
        "beschadigd",
        "Het bestand is beschadigd of niet volledig opgeslagen en kan niet worden geopend. "
        "Open het in Excel: lukt dat, sla het dan opnieuw op; lukt dat niet, vul het formulier opnieuw in.",
    )


def too_large() -> FileProblem:
    return FileProblem(
        "te-groot",
        "Het bestand is uitgepakt veel groter dan een formulier kan zijn en wordt daarom niet geopend. " + ASK_FORM,
    )


def _unusual(what: str) -> FileProblem:
    return FileProblem(
        "afwijkend",
        f"Dit bestand is anders opgebouwd dan Excel een werkmap opslaat: {what}. Het wordt daarom om "
        "veiligheidsredenen niet geopend. Open het in Excel, kies Opslaan als > 'Excel-werkmap (*.xlsx)' en "
        "zet het opnieuw in de map; lukt dat niet, vul dan een nieuw formulier in.",
    )


def _too_many_cells(rows: int, cols: int) -> FileProblem:
    return FileProblem(
        "te-groot",
        f"Een werkblad in dit bestand loopt tot cel {xl_col_to_name(cols - 1)}{rows}: dat zijn meer dan "
        f"{MAX_CELLS // 1_000_000} miljoen cellen, veel meer dan een formulier of de export van een peiling "
        "heeft. Het wordt daarom niet geopend. Staat er iets ver buiten de gegevens, haal dat dan weg (of "
        "kopieer alleen de gegevens naar een nieuwe werkmap), sla op en zet het bestand opnieuw in de map.",
    )


# --- the package: nothing in the zip is trusted ----------------------------------------------------
MAX_PARTS = 10_000  # a form has about 10 parts; a workbook with many pictures a few hundred
MAX_CELLS = 5_000_000  # per sheet: calamine's grid costs some 40 bytes a cell (200 MB here)
FORM_MAX_UNCOMPRESSED = 10 * 1024 * 1024  # a filled form is some 50 kB unpacked; openpyxl loads it all
DEFAULT_MAX_UNCOMPRESSED = 20 * 25 * 1024 * 1024  # as the intake uses with the default file size limit
_LOCAL_HEADER = struct.Struct("<4s22xHH")  # signature, (version ... sizes), name length, extra length
_IN_CHUNK = 64 * 1024
_OUT_CHUNK = 1024 * 1024
_DTD_RE = re.compile(rb"<!(?i:doctype|entity)")
_PROLOG = 4096  # where a DTD stands, before the first element (and quick-xml never expands one anyway)
_UNIQUE_COUNT_RE = re.compile(rb"""uniqueCount\s*=\s*["']\s*(\d{1,30})""")
_checked: dict[bytes, Package] = {}


def check_package(data: bytes, *, max_uncompressed: int) -> Package:
    """Open `data` as an .xlsx zip and check every part before anything parses it.

    Declared sizes are checked first (cheap), then every part is inflated from its own bytes: a part
    whose real size differs from the declared one (a lying zip) is damaged, or too large once it
    passes `max_uncompressed` (inflating stops there); a part with a DTD (entity bombs) or an
    impossible shared-string count is refused; a sheet whose extent passes `MAX_CELLS` is too large.
    Raises `FileProblem`. The result is remembered for the same bytes (a survey export is checked by
    the form reader and then read by the importer), and so is every small part that passed (forms
    made from the same blank form share most of their parts)."""
    key = _digest(data)
    known = _checked.get(key)
    if known is not None:
        if known.uncompressed > max_uncompressed:
            raise too_large()
        return known
    infos = _entries(data, max_uncompressed=max_uncompressed)
    view = memoryview(data)
    total = 0
    kept: dict[str, bytes] = {}
    for info in infos:
        part = _checked_part(data, view, info, budget=max_uncompressed - total)
        total += info.file_size  # now known to be its real size
        if info.filename in _KEPT:
            kept[info.filename] = part
    if "[Content_Types].xml" not in kept:
        raise damaged()
    has_vba = any(info.filename.endswith("vbaProject.bin") for info in infos)
    package = Package(total, kept["[Content_Types].xml"], kept.get("xl/workbook.xml"), has_vba)
    if len(package.content_types) + len(package.workbook_xml or b"") < 1024 * 1024:
        _remember(_checked, key, package, size=8)
    return package


_KEPT = frozenset({"[Content_Types].xml", "xl/workbook.xml"})
_SMALL_PART = 64 * 1024  # compressed; a form's parts are all smaller
_known_parts: dict[tuple[bytes, int, int, int, int, str], bytes] = {}


def _entries(data: bytes, *, max_uncompressed: int) -> list[zipfile.ZipInfo]:
    """The zip's parts, refused when the zip itself is odd or declares too much."""
    try:
        infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, EOFError, ValueError, OSError, NotImplementedError, RuntimeError) as exc:
        raise damaged() from exc
    if any(info.filename == "mimetype" for info in infos):
        raise FileProblem(
            "ods",
            "Dit is een LibreOffice- of OpenOffice-bestand (.ods). Open het formulier in LibreOffice "
            "en kies Opslaan als > 'Excel 2007-365 (.xlsx)', of gebruik Excel. Zet het .xlsx-bestand "
            "daarna opnieuw in de map.",
        )
    if len(infos) > MAX_PARTS:
        raise _unusual(f"het bestaat uit meer dan {MAX_PARTS} onderdelen")
    if sum(info.file_size for info in infos) > max_uncompressed:
        raise too_large()
    if len({info.filename for info in infos}) < len(infos):
        raise _unusual("een onderdeel zit er twee keer in")
    for info in infos:
        if info.flag_bits & 0x1:
            raise _unusual("een onderdeel is versleuteld")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _unusual("een onderdeel is op een onbekende manier ingepakt")
    return infos


def _checked_part(data: bytes, view: memoryview, info: zipfile.ZipInfo, *, budget: int) -> bytes:
    """The part's content once it passed (for a part seen before, only the parts kept)."""
    if info.header_offset < 0:
        raise damaged()
    try:
        signature, name_length, extra_length = _LOCAL_HEADER.unpack_from(data, info.header_offset)
    except struct.error as exc:
        raise damaged() from exc
    if signature != b"PK\x03\x04":
        raise damaged()
    start = info.header_offset + _LOCAL_HEADER.size + name_length + extra_length
    key = None
    if info.compress_size <= _SMALL_PART:
        packed = view[start : start + info.compress_size]
        key = (_digest(packed), info.compress_type, info.compress_size, info.file_size, info.CRC, info.filename)
        known = _known_parts.get(key)
        if known is not None:
            return known
    part = _inflate(view, start, info, budget=budget)
    _check_part(info.filename, part)
    if key is not None:
        _remember(_known_parts, key, part if info.filename in _KEPT else b"", size=512)
    return part


def _digest(data: bytes | memoryview) -> bytes:
    """What the caches know content by: a real digest, so no file can pass for one seen before."""
    return hashlib.blake2b(data, digest_size=16).digest()


def _remember(cache: dict[Any, Any], key: Any, value: Any, *, size: int) -> None:
    if len(cache) >= size:
        cache.pop(next(iter(cache)))  # the oldest
    cache[key] = value


def _inflate(view: memoryview, start: int, info: zipfile.ZipInfo, *, budget: int) -> bytes:
    """The part's real content, read from its own compressed bytes (never trusting the declared
    sizes); raises `FileProblem` when it is damaged or larger than `budget`."""
    if info.compress_type == zipfile.ZIP_STORED:
        part = bytes(view[start : start + info.compress_size])
        if len(part) > budget:
            raise too_large()
    else:
        inflater = zlib.decompressobj(-zlib.MAX_WBITS)
        try:
            part = inflater.decompress(view[start : start + info.compress_size], info.file_size + 1)
        except zlib.error as exc:
            raise damaged() from exc
        if len(part) > info.file_size or not inflater.eof:  # it lies about its size, or is cut off
            _measure(view, start, budget=budget)
    if len(part) != info.file_size or zlib.crc32(part) != info.CRC:
        raise damaged()
    return part


def _measure(view: memoryview, start: int, *, budget: int) -> None:
    """Inflate a part that lies about its size, keeping nothing, until it ends or passes `budget`."""
    total = 0
    for chunk in _inflated_chunks(view, start):
        total += len(chunk)
        if total > budget:
            raise too_large()
    raise damaged()


def _inflated_chunks(view: memoryview, start: int) -> Iterator[bytes]:
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    position = start
    try:
        while not inflater.eof:
            if inflater.unconsumed_tail:
                yield inflater.decompress(inflater.unconsumed_tail, _OUT_CHUNK)
            elif position < len(view):
                yield inflater.decompress(view[position : position + _IN_CHUNK], _OUT_CHUNK)
                position += _IN_CHUNK
            else:
                return
    except zlib.error:
        return


def _check_part(name: str, part: bytes) -> None:
    if _DTD_RE.search(part, 0, _PROLOG) and not name.lower().endswith(".svg"):
        raise _unusual("het bevat een documenttypedefinitie (DTD), die Excel nooit schrijft")
    if b"uniqueCount" in part and any(int(n) > len(part) for n in _UNIQUE_COUNT_RE.findall(part)):
        raise _unusual("het geeft een onmogelijk aantal teksten op")
    if b"sheetData" in part:
        extent = sheet_extent(part)
        if extent is None:
            raise _unusual(
                "een groot werkblad met cellen zonder celnaam, waarvan niet vooraf te zien is hoe ver het loopt"
            )
        if extent[0] * extent[1] > MAX_CELLS:
            raise _too_many_cells(*extent)


# --- how far a sheet reaches ------------------------------------------------------------------------
_UNNAMED_CELL_RE = re.compile(rb'<c(?:[/>\t\n\r]| (?!r="))')  # a cell tag not starting <c r="
_UNNAMED_OR_FAR_CELL_RE = re.compile(rb'<c(?:[/>\t\n\r]| (?!r=")| r="(?:[A-Za-z]{3}|[A-Za-z]{0,2}\d{4}))')
_PREFIXED_CELL_OR_ROW_RE = re.compile(rb":(?:c|row)[\s/>]")  # <x:c ...>, <x:row ...>
_CELL_ROW_RE = re.compile(rb'<c r="[A-Za-z]{0,8}(\d{1,12})')
_CELL_LONG_COLUMN_RE = re.compile(rb'<c r="([A-Za-z]{2,8})')
_CELL_COLUMN_RE = re.compile(rb'<c r="([A-Za-z])')
_CELL_NAME_RE = re.compile(rb"([A-Za-z]{1,3})(\d{1,7})\"")
_WINDOW = 1024 * 1024
_SCAN_LIMIT = 4 * 1024 * 1024  # token by token in Python: about 2 s for this much
_ROW_TAG_RE = re.compile(rb"<row[\s/>]")
_ANY_ROW_TAG_RE = re.compile(rb"<[^\s<>/!?]*row[\s/>]")  # also <x:row
_CELL_OPENERS = (b"<c ", b"<c>", b"<c/", b"<c\t", b"<c\n", b"<c\r")
_ANY_CELL_OPENERS = _CELL_OPENERS + tuple(b":" + opener[1:] for opener in _CELL_OPENERS)  # also <x:c
_ANGLES = bytes(range(256)).translate(None, b"<>")
_NAME_RE = re.compile(rb"[^\s/>]+")
_QUOTE_RE = re.compile(rb"[\"']")
_R_ATTR_RE = re.compile(rb"""(?<![\w.-])r\s*=\s*["']\s*([A-Za-z]{0,8})(\d{0,12})""")


def sheet_extent(xml: bytes) -> tuple[int, int] | None:
    """Rows and columns from A1 to the furthest cell of a worksheet's XML (an upper bound): the grid
    python-calamine allocates when it reads the sheet. None when that cannot be told in time.

    Sheets written by Excel (and most programs) name every cell first thing, `<c r="B7"`: then the
    furthest row and column follow from those names alone, at C speed (and one search tells a sheet
    with rows below 1000 and columns up to ZZ: a form). Sheets with unnamed or prefixed cells are
    measured row by row, counting cells, when every '<' in them opens a tag and every '>' closes one
    (no '<' or '>' in text, comments or values); otherwise a small sheet is followed token by token
    the way calamine's XML reader does (quotes, comments, CDATA)."""
    prefixed = _PREFIXED_CELL_OR_ROW_RE.search(xml) is not None
    if not prefixed:
        if _UNNAMED_OR_FAR_CELL_RE.search(xml) is None:
            return 999, 702
        if _UNNAMED_CELL_RE.search(xml) is None:
            return _named_extent(xml)
    if _only_tags_use_angle_brackets(xml):
        return _counted_extent(xml, prefixed=prefixed)
    if len(xml) <= _SCAN_LIMIT:
        return _scanned_extent(xml)
    return None


def _named_extent(xml: bytes) -> tuple[int, int]:
    """Where the last cell is, when one search finds no cell beyond it (a table written row by row
    ends in its furthest cell); otherwise the furthest row and column over all cell names."""
    last = _CELL_NAME_RE.match(xml, xml.rfind(b'<c r="') + len(b'<c r="'))
    if last is not None and int(last.group(2)) > 0:
        letters, row = last.group(1).upper(), int(last.group(2))
        beyond = rb'<c r="(?:[A-Za-z]*0*(?:%s)(?!\d)|%s)' % (_above_number(row), _above_letters(letters))
        if re.search(beyond, xml) is None:
            return row, _column_number(letters)
    last_row = 0
    long_columns: set[bytes] = set()
    for start, end in _windows(xml):  # a window at a time: no list of a million names
        rows = _CELL_ROW_RE.findall(xml, start, end)
        if rows:
            last_row = max(last_row, *map(int, rows))
        long_columns.update(_CELL_LONG_COLUMN_RE.findall(xml, start, end))
    if long_columns:
        cols = max(_column_number(c) for c in long_columns)
    elif last_row * 26 <= MAX_CELLS:
        cols = 26  # at most column Z: no need to look closer
    else:
        cols = max((_column_number(c) for c in set(_CELL_COLUMN_RE.findall(xml))), default=0)
    return last_row, cols


def _above_number(number: int) -> bytes:
    """A pattern for the numbers above `number` (written without leading zeros)."""
    digits = str(number)
    above = [rf"[1-9]\d{{{len(digits)},}}"]
    for i, digit in enumerate(digits):
        if digit != "9":
            above.append(rf"{digits[:i]}[{int(digit) + 1}-9]\d{{{len(digits) - i - 1}}}")
    return "|".join(above).encode()


def _above_letters(letters: bytes) -> bytes:
    """A pattern for the start of any column name after `letters` (upper case), in either case."""
    above = [rf"[A-Za-z]{{{len(letters) + 1}}}"]
    for i, letter in enumerate(letters.decode()):
        if letter != "Z":
            same = "".join(f"[{c}{c.lower()}]" for c in letters[:i].decode())
            after = chr(ord(letter) + 1)
            above.append(rf"{same}[{after}-Z{after.lower()}-z][A-Za-z]{{{len(letters) - i - 1}}}")
    return "|".join(above).encode()


def _only_tags_use_angle_brackets(xml: bytes) -> bool:
    angles = xml.translate(None, _ANGLES)  # only the '<' and '>', in order
    return angles.startswith(b"<") and angles.endswith(b">") and b"<<" not in angles and b">>" not in angles


def _counted_extent(xml: bytes, *, prefixed: bool) -> tuple[int, int]:
    """Row by row: a cell is at most one past the cell before it or where an `r` in its row says,
    so a row reaches at most its furthest named column plus its number of cells."""
    openers = _ANY_CELL_OPENERS if prefixed else _CELL_OPENERS
    starts = [m.start() for m in (_ANY_ROW_TAG_RE if prefixed else _ROW_TAG_RE).finditer(xml)]
    row = last_row = last_col = 0
    for start, end in zip([0, *starts], [*starts, len(xml)], strict=True):
        refs = _R_ATTR_RE.findall(xml, start, end)
        named_row = max(map(int, filter(None, map(operator.itemgetter(1), refs))), default=0)
        if start:  # a <row>: the one after the last, unless it says otherwise
            row = max(row + 1, named_row)
        cells = sum(xml.count(opener, start, end) for opener in openers)
        if cells:
            named_col = max(map(_column_number, set(filter(None, map(operator.itemgetter(0), refs)))), default=0)
            row = max(row, named_row, 1)
            last_row, last_col = max(last_row, row), max(last_col, named_col + cells)
    return last_row, last_col


def _windows(xml: bytes) -> Iterator[tuple[int, int]]:
    """Slices of about `_WINDOW` bytes, each ending just before a '<' (so no cell tag is cut)."""
    start = 0
    while start < len(xml):
        end = min(len(xml), start + _WINDOW)
        if end < len(xml):
            cut = xml.rfind(b"<", start + 1, end)
            end = cut if cut > start else end
        yield start, end
        start = end


@functools.lru_cache(maxsize=4096)
def _column_number(letters: bytes) -> int:
    """'A' -> 1, 'Z' -> 26, 'AA' -> 27 (case does not matter to calamine)."""
    number = 0
    for letter in letters.upper():
        number = number * 26 + letter - 64
    return number


def _scanned_extent(xml: bytes) -> tuple[int, int]:
    """Follow the tokens; a cell's position is the largest of what its `r` says and one past the
    cell before it (so an unnamed or oddly named cell is never placed too near)."""
    row = col = cell_row = last_row = last_col = 0  # 1-based; 0: none yet
    position = 0
    while (lt := xml.find(b"<", position)) != -1:
        if xml.startswith(b"<!--", lt):
            end, step = xml.find(b"-->", lt + 4), 3
        elif xml.startswith(b"<![CDATA[", lt):
            end, step = xml.find(b"]]>", lt + 9), 3
        elif xml.startswith(b"<?", lt):
            end, step = xml.find(b"?>", lt + 2), 2
        else:
            end, step = _tag_end(xml, lt + 1), 1
            if end != -1:
                name = _NAME_RE.match(xml, lt + 1, end)
                local = name.group().rpartition(b":")[2] if name else b""
                if local in (b"row", b"c"):
                    refs = _R_ATTR_RE.findall(xml, lt + 1, end)
                    named_row = max((int(d) for _, d in refs if d), default=0)
                    if local == b"row":
                        row, col = max(row + 1, cell_row + 1, named_row), 0
                    else:
                        col = max(col + 1, 0, *(_column_number(c) for c, _ in refs if c))
                        cell_row = max(named_row, row, 1)
                        last_row, last_col = max(last_row, cell_row), max(last_col, col)
        if end == -1:
            break  # not closed: calamine's XML reader stops with an error here as well
        position = end + step
    return last_row, last_col


def _tag_end(xml: bytes, position: int) -> int:
    """Where the '>' that closes a tag is (a '>' inside a quoted value does not), or -1."""
    while (gt := xml.find(b">", position)) != -1:
        quote = _QUOTE_RE.search(xml, position, gt)
        if quote is None:
            return gt
        close = xml.find(quote.group(), quote.end())
        if close == -1:
            return -1
        position = close + 1
    return -1


DEFINED_NAME_RE = re.compile(rb"<(?:\w+:)?definedName\b([^>]*)>([^<]*)</(?:\w+:)?definedName>")
ATTR_RE = re.compile(rb'(\w+)="([^"]*)"')


def _defined_names(workbook_xml: bytes) -> dict[str, str]:
    """Workbook-level defined names from `xl/workbook.xml` (remembered for the usual small ones)."""
    if len(workbook_xml) <= 256 * 1024:
        return _defined_names_cached(workbook_xml)
    return _parse_defined_names(workbook_xml)


@functools.lru_cache(maxsize=64)
def _defined_names_cached(workbook_xml: bytes) -> dict[str, str]:
    return _parse_defined_names(workbook_xml)


def _parse_defined_names(workbook_xml: bytes) -> dict[str, str]:
    """A pattern over the `definedName` elements instead of a full XML parse: four times faster on
    the hot path, and it never expands entities (and `check_package` refuses a DTD anyway)."""
    names: dict[str, str] = {}
    for attrs, text in DEFINED_NAME_RE.findall(workbook_xml):
        attributes = dict(ATTR_RE.findall(attrs))
        if b"localSheetId" in attributes:
            continue  # sheet-level names (print areas) are not part of the contract
        name = html.unescape(attributes.get(b"name", b"").decode("utf-8", "replace"))
        names[name] = html.unescape(text.decode("utf-8", "replace")).strip()
    return names


def recognise(book: Workbook) -> tuple[FormDef, int]:
    form_id = book.names.get(MARKER_FORM, "").strip('"')
    version_text = book.names.get(MARKER_VERSION, "")
    form = FORMS.get(form_id)
    if form is None:
        raise FileProblem(
            "onbekende-werkmap",
            "Dit is een Excel-werkmap, maar geen formulier van het bestuur (het kenmerk van het "
            "formulier ontbreekt). Knip en plak niet naar een eigen werkmap: " + ASK_FORM[0].lower() + ASK_FORM[1:],
        )
    try:
        version = int(float(version_text))
    except (ValueError, OverflowError):  # not a number, or 'inf'
        version = 0
    if version < 1 or version > form.version:
        raise FileProblem(
            "onbekende-versie",
            f"Dit is formulier '{form.title}' in versie {version_text or '?'}, die dit systeem niet "
            f"kent (de huidige versie is {form.version}). Vraag het bestuurskantoor om het actuele "
            "formulier, vul dat in en zet het opnieuw in de map.",
        )
    return form, version


@dataclass(frozen=True)
class _Layout:
    """Where a form's fields are: the same for every file made from the same blank form."""

    cells: dict[str, tuple[str, int, int]]
    addresses: dict[str, str]
    sheets: frozenset[str]


@functools.lru_cache(maxsize=64)
def _key_set(form_id: str) -> frozenset[str]:
    return frozenset(FORMS[form_id].keys)


@functools.lru_cache(maxsize=64)
def _layout(form_id: str, names: tuple[tuple[str, str], ...]) -> _Layout:
    form = FORMS[form_id]
    refs = dict(names)
    cells: dict[str, tuple[str, int, int]] = {}
    for key in form.keys:
        match = REF_RE.match(refs.get(key, ""))
        if match:
            sheet = (match.group(1) or "").replace("''", "'") or match.group(2)
            row, col = xl_cell_to_rowcol(match.group(3) + match.group(4))
            if 0 <= row < EXCEL_ROWS and 0 <= col < EXCEL_COLUMNS:
                cells[key] = (sheet, row, col)
    later = {f.key for f in form.fields if f.added_later}  # a blank from before it was added lacks it: empty
    missing = [k for k in form.keys if k not in cells and k not in later]
    if missing:
        raise FileProblem(
            "onbekende-werkmap",
            f"In dit formulier ontbreken invulvelden ({', '.join(missing[:5])}). Het is waarschijnlijk "
            "aangepast of gekopieerd. " + ASK_FORM,
        )
    addresses = {key: f"{xl_col_to_name(col)}{row + 1}" for key, (_, row, col) in cells.items()}
    return _Layout(cells=cells, addresses=addresses, sheets=frozenset(s for s, _, _ in cells.values()))


def read_form(data: bytes, *, max_uncompressed: int) -> RawForm:
    """The form in `data`, its values by field; or `FileProblem` saying in Dutch what it is instead."""
    book = open_workbook(data, max_uncompressed=max_uncompressed)
    form, version = recognise(book)
    if book.uncompressed > FORM_MAX_UNCOMPRESSED:  # a rejected form is loaded whole by openpyxl
        raise too_large()
    keys = _key_set(form.id)
    layout = _layout(form.id, tuple(sorted((k, v) for k, v in book.names.items() if k in keys)))
    grids = _read_sheets(data, set(layout.sheets))
    values: dict[str, Any] = {}
    for key, (sheet, row, col) in layout.cells.items():
        grid = grids.get(sheet, [])
        value = grid[row][col] if row < len(grid) and col < len(grid[row]) else None
        values[key] = None if value == "" else value
    for key in form.keys:
        values.setdefault(key, None)  # a field added later, not on this (older) blank
    first_sheet = next(iter(layout.cells.values()))[0]
    return RawForm(form=form, version=version, sheet=first_sheet, values=values, cells=dict(layout.addresses))


def _read_sheets(data: bytes, sheets: set[str]) -> dict[str, list[list[Any]]]:
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        missing = sheets - set(book.sheet_names)
        if missing:
            raise FileProblem(
                "onbekende-werkmap",
                f"In dit formulier ontbreekt het werkblad '{sorted(missing)[0]}'. Het is waarschijnlijk "
                "aangepast of gekopieerd. " + ASK_FORM,
            )
        return {name: book.get_sheet_by_name(name).to_python(skip_empty_area=False) for name in sheets}
    except FileProblem:
        raise
    except Exception as exc:  # calamine raises its own error types for any damage
        raise damaged() from exc
    except BaseException as exc:  # a panic inside calamine (pyo3's PanicException) is no reason to stop
        if is_panic(exc):
            raise damaged() from exc
        raise


def is_panic(exc: BaseException) -> bool:
    """pyo3 turns a Rust panic into `PanicException`, which derives from BaseException only."""
    return type(exc).__name__ == "PanicException"
