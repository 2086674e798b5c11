"""Printing details staff and directors saw cut (issue 13, item 6): the annotated copy's red banner
and the header of annex 12's first column."""

from __future__ import annotations

import openpyxl
from docx import Document
from docx.shared import Cm

from automation import app
from automation.config import Settings
from automation.documents.generate import PRODUCT_TEMPLATES
from tests.conftest import Filler
from tests.helpers import handed_back


def test_the_annotated_copys_banner_wraps_inside_its_cell_instead_of_being_cut(
    workspace: Settings, drop: Filler
) -> None:
    drop("incident", "fout.xlsx", seed=2, omschrijving=None)
    app.process(workspace)
    sheet = openpyxl.load_workbook(handed_back(workspace, "fout - met opmerkingen.xlsx")).active
    assert sheet is not None
    banner = sheet["C1"]
    assert str(banner.value).startswith("AFGEWEZEN: verbeter de rode velden (zie de opmerkingen)")
    assert banner.alignment.wrap_text
    assert (sheet.row_dimensions[1].height or 0) >= 48


def test_annex_12s_step_column_holds_its_header_on_one_line() -> None:
    document = Document(str(PRODUCT_TEMPLATES / "Bijlage 12 - Schema klachtenprocedure.docx"))
    (table,) = [t for t in document.tables if t.rows[0].cells[0].text == "Stap"]
    assert table.rows[0].cells[0].width >= Cm(1.5)
