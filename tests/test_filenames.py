"""One safe name for every file and folder the product writes (intake, receipts, plans)."""

from __future__ import annotations

import os

from automation.documents.catalog import PLAN
from automation.filenames import NAME_BYTES, safe_name, school_folder_name


def fits(name: str) -> bool:
    return len(name.encode("utf-8", "surrogateescape")) <= NAME_BYTES and len(name) <= 130


def test_characters_windows_refuses_become_a_dash() -> None:
    assert safe_name('melding 10:30 "plein"?.xlsx') == "melding 10-30 -plein--.xlsx"
    assert safe_name("De Bron/Het Anker\x07") == "De Bron-Het Anker-"


def test_a_device_name_windows_refuses_gets_a_dash() -> None:
    assert safe_name("CON.xlsx") == "CON-.xlsx"
    assert safe_name("nul") == "nul-"
    assert safe_name("console.xlsx") == "console.xlsx"


def test_dots_and_spaces_at_the_ends_go_and_nothing_left_is_the_fallback() -> None:
    assert safe_name(" .verborgen.xlsx. ") == "verborgen.xlsx"
    assert safe_name(" . ") == "bestand"
    assert school_folder_name("12AB", "...") == "12AB school"


def test_a_dot_inside_a_school_name_is_not_an_extension() -> None:
    assert school_folder_name("12AB", "Basisschool St. Willibrordus") == "12AB Basisschool St. Willibrordus"
    assert PLAN.output_name(school_name="OBS De Bron/Het Anker", schooljaar="2026-2027") == (
        "Veiligheidsplan OBS De Bron-Het Anker 2026-2027.docx"
    )


def test_a_long_name_is_shortened_in_the_middle_by_bytes_and_keeps_its_end() -> None:
    name = safe_name("é" * 150 + " - met opmerkingen.xlsx")
    assert fits(name) and "…" in name
    assert name.startswith("éé") and name.endswith(" - met opmerkingen.xlsx")
    long_suffix = safe_name("melding." + "x" * 300)
    assert fits(long_suffix) and long_suffix.startswith("melding.x") and long_suffix.endswith("x")


def test_a_name_that_is_not_utf8_is_measured_by_its_own_bytes() -> None:
    name = safe_name(os.fsdecode(b"melding \xe9t\xe9 " * 40 + b".xlsx"))
    assert fits(name) and name.endswith(".xlsx")
