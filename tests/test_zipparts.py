"""A workbook member put together from deflated blocks reads back as the text it stands for, with
zipfile's own CRC and size checks (excel.zipparts; the master's big sheets are written this way)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from automation.excel.zipparts import assemble, deflate, inflate, placeholder


def rows(first: int, count: int) -> bytes:
    return "".join(
        f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>rij {r} é</t></is></c></row>'
        for r in range(first, first + count)
    ).encode()


def test_blocks_laid_end_to_end_read_back_as_one_member(tmp_path: Path) -> None:
    source, target = tmp_path / "bron.xlsx", tmp_path / "doel.xlsx"
    head, tail = b"<worksheet><sheetData>", b"</sheetData></worksheet>"
    blocks = [rows(1, 500), rows(501, 500), rows(1001, 3)]
    with zipfile.ZipFile(source, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("[Content_Types].xml", b"<Types/>")
        book.writestr("xl/worksheets/sheet1.xml", head + "".join(placeholder(k) for k in range(3)).encode() + tail)
        book.writestr("xl/worksheets/sheet2.xml", b"<worksheet/>")
    assemble(source, target, {"xl/worksheets/sheet1.xml": [deflate(b) for b in blocks]})
    with zipfile.ZipFile(target) as book:
        assert book.testzip() is None  # every member's CRC checked
        assert book.namelist() == ["[Content_Types].xml", "xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml"]
        assert book.read("xl/worksheets/sheet1.xml") == head + b"".join(blocks) + tail
        assert book.getinfo("xl/worksheets/sheet1.xml").file_size == len(head + b"".join(blocks) + tail)
        assert book.read("xl/worksheets/sheet2.xml") == b"<worksheet/>"


def test_a_block_inflates_on_its_own_and_a_missing_block_is_refused(tmp_path: Path) -> None:
    assert inflate(deflate(rows(1, 10)).data) == rows(1, 10)
    source = tmp_path / "bron.xlsx"
    with zipfile.ZipFile(source, "w") as book:
        book.writestr("xl/worksheets/sheet1.xml", (placeholder(0) + placeholder(2)).encode())
    with pytest.raises(ValueError, match="blokken"):
        assemble(source, tmp_path / "doel.xlsx", {"xl/worksheets/sheet1.xml": [deflate(b"a"), deflate(b"b")]})
