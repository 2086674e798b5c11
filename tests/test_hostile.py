"""Hostile and broken files: each is kept byte for byte, explained in Dutch, and never stops the run.

Real workbooks, changed the way a damaged disk, a half-finished copy or an attacker would change them
(zip bombs that tell the truth about their size and ones that lie, entity bombs, a sheet reaching
cell XFD1048576, truncated parts, macros), odd names, folders and links in the inbox, and text that a
spreadsheet would take for a formula; all through `app.process` with a real working folder.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import random
import re
import struct
import time
import tracemalloc
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from automation import app
from automation.config import Settings, load_settings
from automation.errors import FileProblem
from automation.excel.read_form import read_form
from automation.intake import files
from automation.surveys import samples
from tests.conftest import Filler
from tests.helpers import as_xlsm, explanation, handed_back, master_sheet, only_submission, rows, with_part_changed

MB = 1024 * 1024
DEFAULT_LIMIT = 20 * 25 * MB  # what the intake allows unpacked with the default 25 MB per file


def configured(settings: Settings, **values: str) -> Settings:
    """The same working folder with some [intake] values changed in its config."""
    config = settings.paths.config
    text = config.read_text(encoding="utf-8")
    for key, value in values.items():
        text, found = re.subn(rf"^{key} = \S+", f"{key} = {value}", text, flags=re.M)
        assert found == 1, key
    config.write_text(text, encoding="utf-8")
    return load_settings(config)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def archived(settings: Settings) -> dict[str, bytes]:
    """Every archive entry by the SHA-256 of its content."""
    return {sha(p.read_bytes()): p.read_bytes() for p in settings.paths.archive.rglob("*") if p.is_file()}


def names_fit(folder: Path) -> None:
    """Every name we wrote fits in the 255 bytes a file system allows."""
    for path in folder.rglob("*"):
        assert len(path.name.encode("utf-8", "surrogateescape")) <= 255, path.name


def formulas(path: Path) -> list[str]:
    """Every formula in a workbook, as 'Sheet!A1 =...'."""
    wb = openpyxl.load_workbook(path)
    return [
        f"{ws.title}!{cell.coordinate} {cell.value}"
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]


# --- zips made by hand: sizes that lie, streams that stop ---------------------------------------------
def deflated(data: bytes) -> bytes:
    packer = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    return packer.compress(data) + packer.flush()


def zeros_deflated(size: int) -> bytes:
    """A raw deflate stream of `size` zero bytes, built from one compressed megabyte repeated (so a
    gigabyte costs a millisecond to make and a megabyte to hold)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    block = packer.compress(bytes(MB)) + packer.flush(zlib.Z_FULL_FLUSH)
    assert size % MB == 0
    return block * (size // MB) + zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS).flush()


def zeros_crc(size: int) -> int:
    crc, block = 0, bytes(MB)
    for _ in range(size // MB):
        crc = zlib.crc32(block, crc)
    return crc


Part = tuple[str, bytes, int, int]  # name, deflated payload, declared size, declared CRC


def parts_of(form: bytes) -> list[Part]:
    with zipfile.ZipFile(io.BytesIO(form)) as z:
        return [
            (i.filename, deflated(z.read(i.filename)), i.file_size, zlib.crc32(z.read(i.filename)))
            for i in z.infolist()
        ]


def raw_zip(parts: list[Part]) -> bytes:
    """A zip whose headers say exactly what `parts` say, true or not."""
    out, central = bytearray(), bytearray()
    for name, payload, size, crc in parts:
        offset, encoded = len(out), name.encode()
        out += struct.pack("<4s5H3I2H", b"PK\x03\x04", 20, 0, 8, 0, 0x21, crc, len(payload), size, len(encoded), 0)
        out += encoded + payload
        fields = (20, 20, 0, 8, 0, 0x21, crc, len(payload), size, len(encoded), 0, 0, 0, 0, 0, offset)
        central += struct.pack("<4s6H3I5H2I", b"PK\x01\x02", *fields) + encoded
    start = len(out)
    out += central + struct.pack("<4s4H2IH", b"PK\x05\x06", 0, 0, len(parts), len(parts), len(central), start, 0)
    return bytes(out)


def honest(name: str, content: bytes) -> Part:
    return name, deflated(content), len(content), zlib.crc32(content)


def with_part(form: bytes, part: Part) -> bytes:
    """The form with one part replaced (or added), every other part as it was."""
    kept = [p for p in parts_of(form) if p[0] != part[0]]
    return raw_zip([*kept, part])


SHEET = "xl/worksheets/sheet1.xml"


def lying_bomb(form: bytes, *, actual: int) -> bytes:
    """The form sheet says it is 17 kB and inflates to `actual` bytes."""
    return with_part(form, (SHEET, zeros_deflated(actual), 17_000, 0))


def honest_bomb(form: bytes, *, size: int) -> bytes:
    """A picture part that says truthfully it is `size` bytes of zeros."""
    return with_part(form, ("xl/media/image1.png", zeros_deflated(size), size, zeros_crc(size)))


def part_text(form: bytes, name: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(form)) as z:
        return z.read(name)


def with_text(form: bytes, name: str, change: Callable[[bytes], bytes]) -> bytes:
    return with_part(form, honest(name, change(part_text(form, name))))


def cut_stream(form: bytes) -> bytes:
    """A complete zip whose sheet's compressed stream stops halfway (as a crashed copy leaves it)."""
    parts = parts_of(form)
    return raw_zip([(n, p[: len(p) // 2] if n == SHEET else p, s, c) for n, p, s, c in parts])


ENTITIES = (
    b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
    + b"".join(b'<!ENTITY a%d "%s">' % (i, b"&a%d;" % (i - 1) * 10 if i > 1 else b"&a;" * 10) for i in range(1, 10))
    + b"]>"
)
FAR_CELL = b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'
SHARED_STRINGS = (
    b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
    b'uniqueCount="4000000000"><si><t>a</t></si></sst>'
)


def impossible_strings(form: bytes) -> bytes:
    """A shared-string table that asks for room for four billion strings (calamine reserves it)."""
    kind = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
    rels = b'<Relationship Id="rId99" Type="%s" Target="sharedStrings.xml"/></Relationships>' % kind
    data = with_text(form, "xl/_rels/workbook.xml.rels", lambda x: x.replace(b"</Relationships>", rels))
    return with_part(data, honest("xl/sharedStrings.xml", SHARED_STRINGS))


def vba_only(form: bytes) -> bytes:
    """An .xlsx that says nothing of macros in its content types, but carries a macro project."""
    return with_part(form, honest("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 macro"))


HOSTILE: dict[str, tuple[Callable[[bytes], bytes], str, str]] = {
    # name: (how the form is changed, kind, what the explanation says)
    "bom die liegt.xlsx": (lambda f: lying_bomb(f, actual=512 * MB), "te-groot", "uitgepakt veel groter"),
    "eerlijke bom.xlsx": (lambda f: honest_bomb(f, size=64 * MB), "te-groot", "uitgepakt veel groter"),
    "entiteiten in werkmap.xlsx": (
        lambda f: with_text(f, "xl/workbook.xml", lambda x: ENTITIES + x.replace(b'"incident"', b"&a9;")),
        "afwijkend",
        "documenttypedefinitie (DTD)",
    ),
    "entiteiten in blad.xlsx": (
        lambda f: with_text(f, SHEET, lambda x: ENTITIES + x.replace(b"<t>speelplein", b"<t>&a9;")),
        "afwijkend",
        "om veiligheidsredenen niet geopend",
    ),
    "tot XFD1048576.xlsx": (
        lambda f: with_text(f, SHEET, lambda x: x.replace(b"</sheetData>", FAR_CELL)),
        "te-groot",
        "loopt tot cel XFD1048576",
    ),
    "vier miljard teksten.xlsx": (impossible_strings, "afwijkend", "onmogelijk aantal teksten"),
    "te groot.xlsx": (
        lambda f: with_part(f, honest("xl/media/foto.jpg", random.Random(0).randbytes(MB + MB // 4))),
        "te-groot",
        "groter dan 1 MB",
    ),
    "half.xlsx": (lambda f: f[: len(f) // 2], "beschadigd", "beschadigd of niet volledig opgeslagen"),
    "zonder centrale map.xlsx": (lambda f: f[:-22], "beschadigd", "beschadigd of niet volledig opgeslagen"),
    "alleen de kop.xlsx": (lambda f: f[:100], "beschadigd", "beschadigd of niet volledig opgeslagen"),
    "afgebroken blad.xlsx": (cut_stream, "beschadigd", "beschadigd of niet volledig opgeslagen"),
    "met macroproject.xlsx": (vba_only, "xlsm", "met macro's"),
    "met macro's.xlsm": (as_xlsm, "xlsm", "met macro's"),
    "versie oneindig.xlsx": (
        lambda f: with_part_changed(f, "xl/workbook.xml", b'name="vf_versie">1<', b'name="vf_versie">1e999<'),
        "onbekende-versie",
        "in versie 1e999, die dit systeem niet kent",
    ),
    "blad weg.xlsx": (
        lambda f: with_part_changed(
            f, "xl/workbook.xml", b"<definedName name=\"datum\">'Formulier'", b"<definedName name=\"datum\">'Weg'"
        ),
        "onbekende-werkmap",
        "ontbreekt het werkblad 'Weg'",
    ),
    "cel nul.xlsx": (
        lambda f: with_part_changed(
            f,
            "xl/workbook.xml",
            b"<definedName name=\"datum\">'Formulier'!$B$7",
            b"<definedName name=\"datum\">'Formulier'!$B$0",
        ),
        "onbekende-werkmap",
        "ontbreken invulvelden (datum)",
    ),
}


def test_every_hostile_or_broken_file_is_kept_and_explained_and_the_run_goes_on(
    workspace: Settings, drop: Filler
) -> None:
    settings = configured(workspace, max_bestandsgrootte_mb="1")  # 20 MB unpacked at most
    form = drop("incident", "bron.xlsx").read_bytes()
    (settings.paths.inbox / "bron.xlsx").unlink()
    dropped = {}
    for name, (make, _, _) in HOSTILE.items():
        dropped[name] = make(form)
        (settings.paths.inbox / name).write_bytes(dropped[name])
    good = drop("incident", "goed.xlsx", seed=2).read_bytes()

    started = time.monotonic()
    counts = app.process(settings)

    assert time.monotonic() - started < 30
    assert (counts.accepted, counts.rejected, counts.waiting) == (1, len(HOSTILE), 0)
    kept = archived(settings)
    assert sha(good) in kept
    by_name = {r["original_name"]: r for r in rows(settings, "SELECT * FROM submissions")}
    for name, (_, kind, said) in HOSTILE.items():
        content = dropped[name]
        assert (by_name[name]["outcome"], by_name[name]["kind"]) == ("afgewezen", kind), name
        assert kept[sha(content)] == content, name
        assert handed_back(settings, name).read_bytes() == content, name
        assert said in explanation(settings, Path(name).stem), name
    assert list(settings.paths.inbox.iterdir()) == []


def test_a_zip_that_lies_about_its_size_is_stopped_at_the_limit_quickly_and_in_little_memory(drop: Filler) -> None:
    form = drop("incident").read_bytes()
    bomb = lying_bomb(form, actual=4095 * MB)  # 4 MB on disk, says 17 kB, is 4 GB
    tracemalloc.start()
    started = time.monotonic()
    try:
        with pytest.raises(FileProblem) as raised:
            read_form(bomb, max_uncompressed=DEFAULT_LIMIT)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert raised.value.kind == "te-groot"
    assert time.monotonic() - started < 10  # it inflates 500 MB (about a second) and keeps none of it
    assert peak < 16 * MB


def test_a_sheet_that_reaches_far_is_refused_before_calamine_allocates_it(drop: Filler) -> None:
    """python-calamine fills a grid from A1 to the furthest cell and aborts the whole process when
    that allocation fails (XFD1048576: 550 GB); one cell at ZZ200000 took 5 GB and half a minute."""
    form = drop("incident").read_bytes()
    for far, corner in (
        ("XFD10", "XFD38"),  # the form's own rows go to 38
        ("ZZ200000", "ZZ200000"),
        ("A5000000", "C5000000"),  # the grid's corner: the form uses columns A to C
        ("xfd1048576", "XFD1048576"),  # calamine reads lower case too
        ("AAAAAAAAA9", "AAAAAAAA40"),  # nine letters: at least the first eight count
    ):
        cell = f'<row r="9"><c r="{far}"><v>1</v></c></row></sheetData>'.encode()
        changed = with_text(form, SHEET, lambda x, cell=cell: x.replace(b"</sheetData>", cell))
        if far == "XFD10":  # 38 x 16384 cells: a wide form is fine
            assert read_form(changed, max_uncompressed=DEFAULT_LIMIT).form.id == "incident"
            continue
        with pytest.raises(FileProblem) as raised:
            read_form(changed, max_uncompressed=DEFAULT_LIMIT)
        assert raised.value.kind == "te-groot"
        assert f"loopt tot cel {corner}:" in raised.value.message
    unnamed = b'<row r="1048576">' + b"<c><v>1</v></c>" * 20 + b"</row></sheetData>"  # cells without a name
    with pytest.raises(FileProblem, match="loopt tot cel T1048576"):
        read_form(with_text(form, SHEET, lambda x: x.replace(b"</sheetData>", unnamed)), max_uncompressed=DEFAULT_LIMIT)
    near = b'<row r="60"><c r="AZ60"><v>1</v></c></row></sheetData>'  # a note beside the form is fine
    raw = read_form(with_text(form, SHEET, lambda x: x.replace(b"</sheetData>", near)), max_uncompressed=DEFAULT_LIMIT)
    assert raw.form.id == "incident"


# --- files that are not finished yet, or gone -----------------------------------------------------------
def test_a_file_still_being_written_waits_untouched(workspace: Settings, drop: Filler) -> None:
    settings = configured(workspace, stabiel_seconden="2")
    path = drop("incident", "melding.xlsx")
    data = path.read_bytes()

    counts = app.process(settings, wait_limit=0)

    assert (counts.waiting, counts.accepted, counts.rejected) == (1, 0, 0)
    assert path.read_bytes() == data
    assert rows(settings, "SELECT * FROM submissions") == []


def test_a_truncated_file_waits_and_is_taken_once_complete(workspace: Settings, drop: Filler) -> None:
    settings = configured(workspace, beschadigd_na_seconden="30")
    path = drop("incident", "melding.xlsx")
    whole = path.read_bytes()
    path.write_bytes(whole[: len(whole) // 3])  # the copy is not finished yet

    counts = app.process(settings, wait_limit=0)

    assert (counts.waiting, counts.rejected) == (1, 0)
    assert path.read_bytes() == whole[: len(whole) // 3]
    assert not any(settings.paths.rejected.rglob("*.xlsx"))
    path.write_bytes(whole)
    assert app.process(settings, wait_limit=0).accepted == 1


def test_a_file_that_vanishes_before_it_is_taken_is_simply_not_there(
    workspace: Settings, drop: Filler, monkeypatch: pytest.MonkeyPatch
) -> None:
    gone = drop("incident", "weg.xlsx", seed=1)
    drop("incident", "blijft.xlsx", seed=2)
    claim = files.claim

    def colleague_deletes_it_first(path: Path, staging: Path) -> Path:
        if path.name == "weg.xlsx":
            path.unlink()  # between the scan and the claim
        return claim(path, staging)

    monkeypatch.setattr(files, "claim", colleague_deletes_it_first)
    counts = app.process(workspace)

    assert (counts.accepted, counts.rejected, counts.waiting) == (1, 0, 0)
    assert not gone.exists()
    assert [r["original_name"] for r in rows(workspace, "SELECT * FROM submissions")] == ["blijft.xlsx"]


# --- names, folders and links -------------------------------------------------------------------------
ODD_NAMES = [
    "melding 😀🎉.xlsx",
    "melding #%&{}[]!'~.xlsx",
    "mélding e\u0301 nfd.xlsx",
    "  melding met spaties  .xlsx",
    "melding " + "x" * 240 + ".xlsx",
    "😀" * 62 + ".xlsx",  # 253 bytes: as long as a name can be
    "é" * 100 + " - met opmerkingen.xlsx",
]


def test_odd_file_names_are_accepted_or_handed_back_under_names_that_fit(workspace: Settings, drop: Filler) -> None:
    for n, name in enumerate(ODD_NAMES):
        drop("incident", name, seed=n + 1)
    counts = app.process(workspace)
    assert (counts.accepted, counts.rejected) == (len(ODD_NAMES), 0)
    for n, name in enumerate(ODD_NAMES):
        drop("incident", name, seed=n + 1, locatie=None)  # the same names, now with a mistake
    counts = app.process(workspace)

    assert (counts.rejected, counts.waiting) == (len(ODD_NAMES), 0)
    subs = rows(workspace, "SELECT * FROM submissions ORDER BY id")
    assert sorted({s["original_name"] for s in subs}) == sorted(ODD_NAMES)
    for sub in subs:
        assert workspace.paths.resolve(sub["archive_path"]).is_file()
        if sub["outcome"] == "afgewezen":
            back = workspace.paths.resolve(sub["rejected_path"])
            assert back.read_bytes() == workspace.paths.resolve(sub["archive_path"]).read_bytes()
            text = (back.parent / f"{back.name.removesuffix('.xlsx')} - uitleg.txt").read_text(encoding="utf-8-sig")
            assert f'Uw bestand "{sub["original_name"]}" is NIET verwerkt.' in text
            annotated = re.search(r'Open "(.+?)": de rode cellen', text)
            assert annotated and (back.parent / annotated.group(1)).is_file()
    receipts = list(workspace.paths.receipts.rglob("*.txt"))
    assert len(receipts) == len(ODD_NAMES)
    for folder in (workspace.paths.archive, workspace.paths.rejected, workspace.paths.receipts):
        names_fit(folder)
    assert list(workspace.paths.inbox.iterdir()) == []


def test_folders_and_links_in_the_inbox_are_left_alone(workspace: Settings, drop: Filler, tmp_path: Path) -> None:
    outside = drop("incident", "buiten.xlsx")
    target = tmp_path / "elders.xlsx"
    target.write_bytes(outside.read_bytes())
    outside.unlink()
    inbox = workspace.paths.inbox
    folder = inbox / "melding.xlsx"  # a folder named like a form
    folder.mkdir()
    (folder / "binnen.xlsx").write_bytes(target.read_bytes())
    (inbox / "link.xlsx").symlink_to(target)
    (inbox / "link naar map").symlink_to(tmp_path)
    (inbox / "kapotte link.xlsx").symlink_to(tmp_path / "bestaat niet.xlsx")

    counts = app.process(workspace)

    assert (counts.accepted, counts.rejected, counts.ignored) == (0, 0, 4)
    assert rows(workspace, "SELECT * FROM submissions") == []
    assert (inbox / "link.xlsx").is_symlink() and target.read_bytes() == (folder / "binnen.xlsx").read_bytes()
    assert (inbox / "kapotte link.xlsx").is_symlink() and (inbox / "link naar map").is_symlink()
    assert not any(workspace.paths.archive.rglob("*.xlsx"))


# --- text that looks like a formula -----------------------------------------------------------------
FORMULA_LIKE = {  # text fields of the school form; the first four are shown in the master
    "directeur_naam": '=HYPERLINK("http://x.example","klik")',
    "coordinator_naam": "-1+2",
    "contactpersoon_naam": "@Lisa Smit",
    "monitor_instrument": "+KiVa-monitor",
    "coordinator_functie": "=1+1",
    "visie": "=SUM(A1:A9)",
    "telefoon": "+31 6 12345678",
    "programma_toelichting": "=cmd|' /C calc'!A0",
}
SHOWN = ("directeur_naam", "coordinator_naam", "contactpersoon_naam", "monitor_instrument")


def test_text_that_looks_like_a_formula_never_becomes_one_in_the_master(workspace: Settings, drop: Filler) -> None:
    drop("school", "schoolgegevens.xlsx", **FORMULA_LIKE)
    day = dt.date.today() - dt.timedelta(days=2)
    header = [*samples.generic_header(), "instrument"]  # the generic layout may name its instrument
    answers = [
        [*row, '=HYPERLINK("http://x","kies")']
        for row in samples.generic_rows(random.Random(1), school="12AB", schooljaar="", afname=day, pupils=40)
    ]
    answers[0][6] = "=1+1"  # one answer no profile knows: named in a warning
    export = samples.to_csv(header, answers).encode("utf-8-sig")
    (workspace.paths.inbox / "peiling met instrument.csv").write_bytes(export)
    unknown_school = samples.to_csv(header, [["=12AB", *answers[1][1:]]]).encode("utf-8-sig")
    (workspace.paths.inbox / "peiling onbekende school.csv").write_bytes(unknown_school)

    counts = app.process(workspace)

    assert (counts.accepted, counts.rejected) == (2, 1)
    master = workspace.paths.master
    assert all(f.startswith("Overzicht!") and " =SUM(" in f for f in formulas(master))
    texts = {
        v
        for sheet in ("Scholen", "Vensters", "Peilingen", "Monitorcheck", "Logboek")
        for r in master_sheet(workspace, sheet)
        for v in r
        if isinstance(v, str)
    }
    assert {FORMULA_LIKE[key] for key in SHOWN} <= texts
    assert '=HYPERLINK("http://x","kies")' in texts  # the instrument, from the export
    assert any("'=1+1'" in t for t in texts)  # the warning about the answer, in the Logboek
    assert any("'=12AB'" in t for t in texts)  # the refused export's reason
    assert "'=12AB'" in explanation(workspace, "peiling onbekende school")
    assert sha(export) in archived(workspace)


def test_a_rejected_form_with_formula_like_text_comes_back_without_formulas(workspace: Settings, drop: Filler) -> None:
    values = dict(FORMULA_LIKE, email="=cmd|' /C calc'!A0", schoolnaam=None)
    path = drop("school", "school.xlsx", **values)
    original = path.read_bytes()

    counts = app.process(workspace)

    assert counts.rejected == 1
    assert handed_back(workspace, "school.xlsx").read_bytes() == original
    annotated = handed_back(workspace, "school - met opmerkingen.xlsx")
    assert formulas(annotated) == []
    ws = openpyxl.load_workbook(annotated).active
    assert ws is not None
    shown = {c.value for row in ws.iter_rows() for c in row}
    assert set(FORMULA_LIKE.values()) <= shown
    text = explanation(workspace, "school")
    assert "'=cmd|' /C calc'!A0' is geen e-mailadres" in text


# --- exports that are not what they seem ----------------------------------------------------------------
def test_a_csv_with_a_quote_that_never_closes_is_refused_not_crashed(workspace: Settings) -> None:
    rows_ = list(
        samples.generic_rows(
            random.Random(2), school="12AB", schooljaar="2026-2027", afname=dt.date(2026, 11, 3), pupils=3
        )
    )
    text = samples.to_csv(samples.generic_header(), rows_) + '12AB,"leerling' + "x" * 200_000 + "\r\n"
    (workspace.paths.inbox / "peiling.csv").write_bytes(text.encode("utf-8"))

    counts = app.process(workspace)

    assert counts.rejected == 1
    sub = only_submission(workspace)
    assert sub["kind"] == "export-fout"
    assert "aanhalingsteken" in explanation(workspace, "peiling")


def test_a_csv_that_begins_with_pk_is_read_as_text_not_as_a_damaged_zip(workspace: Settings) -> None:
    rows_ = list(samples.generic_rows(random.Random(3), school="12AB", schooljaar="", afname=dt.date.today(), pupils=4))
    text = samples.to_csv(["PKnummer", *samples.generic_header()], [[str(n), *r] for n, r in enumerate(rows_)])
    (workspace.paths.inbox / "peiling.csv").write_bytes(text.encode("utf-8"))
    assert app.process(workspace).accepted == 1


def test_a_name_that_is_not_utf8_is_taken_under_a_readable_name(workspace: Settings, drop: Filler) -> None:
    """A name is bytes on Linux; the store needs text. The claimed file gets the name read as
    Windows-1252, so a first attempt that fails on the inbox's name puts it back under that name
    and the same run takes it (pipeline.py could use files.readable_name at once: see the report)."""
    form = drop("incident", "tijdelijk.xlsx")
    form.rename(workspace.paths.inbox / os.fsdecode(b"melding \xe9t\xe9.xlsx"))  # Windows-1252 bytes

    counts = app.process(workspace)

    assert counts.accepted == 1 and not any(workspace.paths.inbox.iterdir())
    assert only_submission(workspace)["original_name"] == "melding été.xlsx"


def test_a_name_that_is_not_utf8_reads_as_windows_1252() -> None:
    assert files.readable_name(os.fsdecode(b"melding \xe9t\xe9.xlsx")) == "melding été.xlsx"
    assert files.readable_name("melding été.xlsx") == "melding été.xlsx"


def test_a_form_with_a_large_part_is_refused_before_openpyxl_would_load_it(drop: Filler) -> None:
    """A rejected form is loaded whole by openpyxl for the annotated copy: a form is at most 10 MB
    unpacked, however large the intake's limit for other workbooks."""
    form = drop("incident").read_bytes()
    padded = with_text(form, "docProps/app.xml", lambda x: x + b" " * (11 * MB))
    with pytest.raises(FileProblem) as raised:
        read_form(padded, max_uncompressed=DEFAULT_LIMIT)
    assert raised.value.kind == "te-groot"
