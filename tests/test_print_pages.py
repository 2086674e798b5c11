"""The demo on paper (issue 13, item 6): printed with LibreOffice, each register of the master takes at
most 2 pages and every sheet prints one page wide; the annotated copy of a rejected form prints one
page wide like the form. Read from the files: no table of the plan or its annexes is wider than the
page, wrapped texts get rows high enough. And the pictures the handleiding shows (docs/beelden/, made
by docs/render_pictures.py) are there.

The printing tests need LibreOffice and are skipped where it is not installed. They print the way
docs/render_pictures.py does, with the same functions."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pypdf
import pytest
from docx import Document
from docx.shared import Cm
from openpyxl.utils import get_column_letter

from docs.render_pictures import NAMES, PICTURES, DemoFiles, make_demo, only_sheet, soffice, to_pdf

needs_libreoffice = pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) is niet geïnstalleerd")
REGISTERS = ("Incidenten", "Agressie en geweld", "Ongevallen")
HEADER_ROW = {"Overzicht": 4, "Voortgang": 3, "Vensters": 4}  # the others: a table from row 1
BANNER = "AFGEWEZEN: verbeter de rode velden (zie de opmerkingen) en lever opnieuw in."


@dataclass(frozen=True)
class Printed:
    files: DemoFiles
    sheets: dict[str, Path]  # each visible sheet of the master printed alone
    form: Path
    rejected: Path


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoFiles:
    """The demo, built once for the module, with one school's plan and annexes."""
    return make_demo(tmp_path_factory.mktemp("demo") / "demo")


@pytest.fixture(scope="module")
def printed(demo: DemoFiles, tmp_path_factory: pytest.TempPathFactory) -> Printed:
    """The demo's master printed sheet by sheet, its blank incident form and an annotated copy of a
    rejected form printed."""
    if soffice() is None:
        pytest.skip("LibreOffice (soffice) is niet geïnstalleerd")
    tmp = tmp_path_factory.mktemp("print")
    copies = [only_sheet(demo.master, name, tmp / f"blad {i:02d}.xlsx") for i, name in enumerate(visible(demo))]
    *sheets, form, rejected = to_pdf([*copies, demo.form, demo.rejected], tmp / "pdf", profile=tmp / "lo")
    return Printed(demo, dict(zip(visible(demo), sheets, strict=True)), form, rejected)


def visible(files: DemoFiles) -> list[str]:
    wb = openpyxl.load_workbook(files.master, read_only=True)
    try:
        return [ws.title for ws in wb.worksheets if ws.sheet_state == "visible"]
    finally:
        wb.close()


def header_words(files: DemoFiles, sheet: str) -> tuple[str, str]:
    """The longest word of the first and of the last printed header of a sheet's header row (a hidden
    column, like the registers' 'Controle kantoor', is not printed)."""
    wb = openpyxl.load_workbook(files.master)
    ws = wb[sheet]
    row = HEADER_ROW.get(sheet, 1)
    hidden = {
        get_column_letter(col)
        for dim in ws.column_dimensions.values()
        if dim.hidden
        for col in range(dim.min or 1, (dim.max or dim.min or 1) + 1)
    }
    cells = [str(c.value) for c in ws[row] if c.value and c.column_letter not in hidden]
    wb.close()
    first, last = cells[0], cells[-1]
    return max(first.split(), key=len), max(last.split(), key=len)


def pages(pdf: Path) -> list[str]:
    """The text of each page, its words one space apart."""
    return [" ".join(page.extract_text().split()) for page in pypdf.PdfReader(pdf).pages]


def is_portrait(pdf: Path) -> list[bool]:
    return [page.mediabox.height > page.mediabox.width for page in pypdf.PdfReader(pdf).pages]


@needs_libreoffice
@pytest.mark.slow
@pytest.mark.timeout(600)  # LibreOffice's first start in a new profile can take a while
def test_each_register_of_the_demo_master_prints_on_at_most_two_pages(printed: Printed) -> None:
    for register in REGISTERS:
        count = len(pages(printed.sheets[register]))
        assert 1 <= count <= 2, (register, count)


@needs_libreoffice
@pytest.mark.slow
@pytest.mark.timeout(600)
def test_every_sheet_of_the_demo_master_prints_one_page_wide_in_landscape(printed: Printed) -> None:
    assert set(REGISTERS) <= set(printed.sheets)
    for sheet, pdf in printed.sheets.items():
        # one page wide: the header row, repeated on every page, shows its first and its last column
        first, last = header_words(printed.files, sheet)
        for number, text in enumerate(pages(pdf), start=1):
            assert first in text and last in text, (sheet, number, first, last)
        assert not any(is_portrait(pdf)), sheet


@needs_libreoffice
@pytest.mark.slow
@pytest.mark.timeout(600)
def test_the_annotated_copy_prints_one_page_wide_like_the_form_with_its_banner_whole(printed: Printed) -> None:
    form, rejected = pages(printed.form), pages(printed.rejected)

    assert len(rejected) == len(form) <= 2  # the form's page set-up (1 page wide, at most 2 high) kept
    assert all(is_portrait(printed.rejected))
    assert BANNER in rejected[0]
    # the help column, the rightmost, is on the paper
    assert "Kies uw school uit de lijst." in rejected[0]


@pytest.mark.slow
def test_no_table_of_the_plan_or_its_annexes_is_wider_than_the_page(demo: DemoFiles) -> None:
    """Read from the documents (their table grids against the page), so it needs no LibreOffice."""
    documents = [demo.plan, *demo.annexes]
    assert len(demo.annexes) == 12
    for path in documents:
        document = Document(str(path))
        section = document.sections[0]
        room = section.page_width - section.left_margin - section.right_margin
        for table in document.tables:
            width = sum(int(col.w) for col in table._tbl.tblGrid.gridCol_lst)
            assert width <= room + Cm(0.01), (path.name, width, room)  # centimetres rounded to twips


@pytest.mark.slow
def test_wrapped_texts_get_rows_high_enough_and_start_at_the_top(demo: DemoFiles) -> None:
    """LibreOffice keeps a streamed row at one line whatever its text: the Monitorcheck's and the
    Vensters' rows are given the height of their wrapped texts, and the cells beside stand at the top."""
    wb = openpyxl.load_workbook(demo.master)
    checks, vensters = wb["Monitorcheck"], wb["Vensters"]
    width = checks.column_dimensions["F"].width
    for row in checks.iter_rows(min_row=2):
        reason = str(row[5].value)
        assert row[5].alignment.wrap_text and row[3].alignment.wrap_text
        assert {cell.alignment.vertical for cell in row} == {"top"}
        lines = -(-len(reason) // int(width * 1.2))  # at least: Calibri fits more than a character a unit
        assert (checks.row_dimensions[row[0].row].height or 15) >= 15 * lines, reason
    for row in vensters.iter_rows(min_row=5):
        assert row[0].alignment.vertical == row[1].alignment.vertical == "top"
        assert (vensters.row_dimensions[row[0].row].height or 15) >= 15 * str(row[2].value).count("\n")


@pytest.mark.slow
def test_the_overzicht_lists_registratienummer_in_a_column_wide_enough_for_it(demo: DemoFiles) -> None:
    sheet = openpyxl.load_workbook(demo.master)["Overzicht"]
    rows = list(sheet.iter_rows(min_row=5))
    at = next(i for i, row in enumerate(rows) if str(row[0].value or "").startswith("Open acties ("))
    header = rows[at + 1]  # the header of the list of open actions (the Signalen above it have their own)
    assert header[2].value == "Registratienummer"
    assert sheet.column_dimensions["C"].width >= len("Registratienummer") + 1  # not printed over 'Datum'


@pytest.mark.slow
def test_the_annotated_copys_banner_is_in_the_forms_font(demo: DemoFiles) -> None:
    sheet = openpyxl.load_workbook(demo.rejected).active
    assert sheet is not None
    banner = sheet["C1"]
    assert banner.value == BANNER
    assert (banner.font.name, banner.font.b) == ("Calibri", True)  # not openpyxl's nameless default (a serif)


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def test_the_pictures_of_the_handleiding_are_there_small_and_readable() -> None:
    assert NAMES == ("overzicht.png", "register.png", "formulier.png", "afwijzing.png", "plan.png", "bijlage.png")
    for name in NAMES:
        data = (PICTURES / name).read_bytes()
        assert data.startswith(PNG_SIGNATURE), name
        width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
        assert width >= 500 and height >= 300, (name, width, height)
        assert len(data) < 300_000, (name, len(data))
