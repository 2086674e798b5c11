"""The blank forms honour the contract of DOMAIN.md §4: names, marker, validation, protection."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from automation import app
from automation.excel.build_form import FORM_SHEET, build_form, form_file_name
from automation.forms import FORMS, Kind
from automation.forms.choices import DEFAULT_CHOICES
from automation.workspace import EXAMPLE_SCHOOLS

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("form_id", list(FORMS))
def test_every_field_is_a_workbook_level_name_on_an_unlocked_input_cell(blank_forms: Path, form_id: str) -> None:
    form = FORMS[form_id]
    wb = openpyxl.load_workbook(blank_forms / form_file_name(form))
    ws = wb[FORM_SHEET]
    for field in form.fields:
        defined = wb.defined_names[field.key]
        ((sheet, ref),) = list(defined.destinations)
        cell = ws[ref.replace("$", "")]
        assert sheet == FORM_SHEET
        assert cell.protection.locked is False, field.key
        if field.kind is Kind.DATE:
            assert cell.number_format == "dd-mm-yyyy"
        label = ws.cell(row=cell.row, column=1).value
        assert label.startswith(field.label)
        assert label.endswith(" *") == field.required
        assert ws.cell(row=cell.row, column=3).value == field.help


@pytest.mark.parametrize("form_id", list(FORMS))
def test_marker_protection_and_print_setup(blank_forms: Path, form_id: str) -> None:
    form = FORMS[form_id]
    wb = openpyxl.load_workbook(blank_forms / form_file_name(form))
    assert wb.defined_names["vf_formulier"].value == f'"{form_id}"'
    assert wb.defined_names["vf_versie"].value == str(form.version)
    ws = wb[FORM_SHEET]
    assert ws.protection.sheet is True
    assert not ws.protection.password
    assert ws.page_setup.paperSize == 9
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert (ws.page_setup.fitToWidth or 1) == 1 and ws.page_setup.fitToHeight in (1, 2)
    assert wb["Lijsten"].sheet_state == "veryHidden"
    locked_inputs = [c.coordinate for row in ws.iter_rows() for c in row if c.protection.locked is False]
    assert len(locked_inputs) == len(form.fields)  # only the input cells are unlocked


@pytest.mark.parametrize("form_id", list(FORMS))
def test_dropdowns_refer_to_defined_names_holding_the_choices(blank_forms: Path, form_id: str) -> None:
    form = FORMS[form_id]
    wb = openpyxl.load_workbook(blank_forms / form_file_name(form))
    ws = wb[FORM_SHEET]
    lists = {str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation if dv.type == "list"}
    for field in form.fields:
        if field.kind not in (Kind.CHOICE, Kind.SCHOOL):
            continue
        ((_, ref),) = list(wb.defined_names[field.key].destinations)
        source = lists[ref.replace("$", "")]
        list_key = "school" if field.kind is Kind.SCHOOL else field.choices
        assert source == f"lijst_{list_key}"
        ((sheet, area),) = list(wb.defined_names[source].destinations)
        values = [c.value for row in wb[sheet][area.replace("$", "")] for c in row]
        expected = (
            [f"{b} – {n}" for b, n in sorted(EXAMPLE_SCHOOLS.items())]
            if field.kind is Kind.SCHOOL
            else list(DEFAULT_CHOICES[str(field.choices)])
        )
        assert values == expected


def test_a_board_choice_list_reaches_the_dropdown(tmp_path: Path) -> None:
    choices = dict(DEFAULT_CHOICES) | {"locatie": ("lokaal", "plein", "anders")}
    path = build_form(
        FORMS["incident"], tmp_path / "f.xlsx", schools={"99ZZ": "Testschool"}, choices=choices, board="B"
    )
    wb = openpyxl.load_workbook(path)
    ((sheet, area),) = list(wb.defined_names["lijst_locatie"].destinations)
    assert [c.value for row in wb[sheet][area.replace("$", "")] for c in row] == ["lokaal", "plein", "anders"]


def _content(path: Path) -> dict[str, object]:
    wb = openpyxl.load_workbook(path)
    return {
        "names": {name: dn.value for name, dn in wb.defined_names.items()},
        "cells": {ws.title: [[c.value for c in row] for row in ws.iter_rows()] for ws in wb},
        "validations": [
            (str(dv.sqref), dv.type, dv.formula1, dv.formula2) for dv in wb[FORM_SHEET].data_validations.dataValidation
        ],
    }


def test_workbook_templates_in_the_repository_are_current(tmp_path: Path) -> None:
    """Regenerate with: veiligheid forms --voorbeeld --out workbook_templates"""
    fresh = app.write_forms(None, tmp_path)
    assert sorted(p.name for p in (REPO / "workbook_templates").glob("*.xlsx")) == sorted(p.name for p in fresh)
    for path in fresh:
        assert _content(REPO / "workbook_templates" / path.name) == _content(path), path.name


def test_building_twice_gives_the_same_content(tmp_path: Path) -> None:
    kwargs = {"schools": EXAMPLE_SCHOOLS, "choices": DEFAULT_CHOICES, "board": "B"}
    a = build_form(FORMS["ongeval"], tmp_path / "a.xlsx", **kwargs)  # type: ignore[arg-type]
    b = build_form(FORMS["ongeval"], tmp_path / "b.xlsx", **kwargs)  # type: ignore[arg-type]
    assert a.read_bytes() == b.read_bytes()


def test_date_cells_hold_dates_after_filling(blank_forms: Path, tmp_path: Path) -> None:
    from automation.excel.fill import fill_form

    path = fill_form(
        blank_forms / form_file_name(FORMS["incident"]), {"datum": dt.date(2026, 3, 4)}, tmp_path / "x.xlsx"
    )
    wb = openpyxl.load_workbook(path)
    ((_, ref),) = list(wb.defined_names["datum"].destinations)
    assert wb[FORM_SHEET][ref.replace("$", "")].value == dt.datetime(2026, 3, 4)
