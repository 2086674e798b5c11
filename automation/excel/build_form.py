"""Build the blank Excel forms from the form definitions (DOMAIN.md §4).

Layout: one visible sheet 'Formulier' with label | input | help per field, grouped in sections; a
very hidden sheet 'Lijsten' holds the choice lists. The contract with every program that fills a
form: each input cell carries a workbook-level defined name equal to its field key. Two named
constants, `vf_formulier` and `vf_versie`, tell the product which form and version it is.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from pathlib import Path

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from automation.forms.model import Field, FormDef, Kind

FORM_SHEET = "Formulier"
LIST_SHEET = "Lijsten"
MARKER_FORM = "vf_formulier"
MARKER_VERSION = "vf_versie"
FIXED_CREATED = dt.datetime(2026, 1, 1)  # stable document properties: same input, same file

INPUT_FILL = "#FFF2A8"
SECTION_FILL = "#1F4E79"


def list_name(list_key: str) -> str:
    return f"lijst_{list_key}"


def school_choices(schools: Mapping[str, str]) -> list[str]:
    """Dropdown values for the school field: 'BRIN – naam' (the reader takes the BRIN)."""
    return [f"{brin} – {name}" for brin, name in sorted(schools.items())]


def _formats(wb: Workbook) -> dict[str, Format]:
    base = {"font_name": "Calibri", "font_size": 11, "valign": "top"}
    inp = {**base, "locked": False, "bg_color": INPUT_FILL, "border": 1, "border_color": "#A6A6A6"}
    return {
        "title": wb.add_format({**base, "bold": True, "font_size": 16, "font_color": SECTION_FILL}),
        "intro": wb.add_format({**base, "text_wrap": True, "italic": True}),
        "section": wb.add_format(
            {**base, "bold": True, "font_color": "white", "bg_color": SECTION_FILL, "valign": "vcenter"}
        ),
        "label": wb.add_format({**base, "text_wrap": True}),
        "label_req": wb.add_format({**base, "text_wrap": True, "bold": True}),
        "help": wb.add_format({**base, "text_wrap": True, "font_size": 9, "font_color": "#595959"}),
        "input": wb.add_format({**inp, "num_format": "@"}),
        "input_long": wb.add_format({**inp, "num_format": "@", "text_wrap": True}),
        "input_date": wb.add_format({**inp, "num_format": "dd-mm-yyyy"}),
        "input_time": wb.add_format({**inp, "num_format": "hh:mm"}),
        "input_int": wb.add_format({**inp, "num_format": "0"}),
        "input_dec": wb.add_format({**inp, "num_format": "0.00"}),
        "input_pct": wb.add_format({**inp, "num_format": "0%"}),
        "footer": wb.add_format({**base, "font_size": 8, "font_color": "#808080"}),
    }


def _input_format(field: Field, fmt: dict[str, Format]) -> Format:
    return {
        Kind.LONGTEXT: fmt["input_long"],
        Kind.DATE: fmt["input_date"],
        Kind.TIME: fmt["input_time"],
        Kind.INTEGER: fmt["input_int"],
        Kind.DECIMAL: fmt["input_dec"],
        Kind.PERCENT: fmt["input_pct"],
    }.get(field.kind, fmt["input"])


def _row_height(field: Field) -> float:
    """Tall enough for the wrapped label (about 32 characters a line) and help (about 62)."""
    if field.kind is Kind.LONGTEXT:
        return 60
    lines = max(1, math.ceil(len(_label(field)) / 32), math.ceil(len(field.help) / 62))
    return max(18.0, 14.5 * lines)


def _label(field: Field) -> str:
    if field.required:
        return f"{field.label} *"
    if field.required_when:
        return f"{field.label} (*)"
    return field.label


def _write_lists(wb: Workbook, ws: Worksheet, lists: Mapping[str, Sequence[str]], text: Format) -> None:
    for col, (key, values) in enumerate(sorted(lists.items())):
        ws.write_string(0, col, key, text)
        for row, value in enumerate(values, start=1):
            ws.write_string(row, col, value, text)
        col_letter = xlsxwriter.utility.xl_col_to_name(col)
        wb.define_name(list_name(key), f"='{LIST_SHEET}'!${col_letter}$2:${col_letter}${len(values) + 1}")


def _fit(text: str, limit: int) -> str:
    """Excel's limits on input-message texts: cut at a word, with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" :,;")
    return cut + "…"


def _validation(field: Field, choices: Mapping[str, Sequence[str]]) -> dict[str, object] | None:
    title = _fit(field.label, 32)
    prompt = _fit(field.help, 255)
    common: dict[str, object] = {
        "input_title": title,
        "input_message": prompt,
        "error_title": "Ongeldige invoer",
        "error_type": "stop",
    }
    if field.kind is Kind.SCHOOL or (field.kind is Kind.CHOICE and field.choices):
        list_key = "school" if field.kind is Kind.SCHOOL else str(field.choices)
        return {
            **common,
            "validate": "list",
            "source": f"={list_name(list_key)}",
            "error_message": "Kies een waarde uit de lijst.",
        }
    if field.kind is Kind.DATE:
        return {
            **common,
            "validate": "date",
            "criteria": "between",
            "minimum": dt.date(2000, 1, 1),
            "maximum": dt.date(2099, 12, 31),
            "error_message": "Vul een datum in, bijvoorbeeld 28-11-2026.",
        }
    if field.kind is Kind.TIME:
        return {
            **common,
            "validate": "time",
            "criteria": "between",
            "minimum": dt.time(0, 0),
            "maximum": dt.time(23, 59, 59),
            "error_message": "Vul een tijd in, bijvoorbeeld 10:30.",
        }
    if field.kind is Kind.INTEGER:
        low = int(field.minimum) if field.minimum is not None else 0
        high = int(field.maximum) if field.maximum is not None else 1_000_000
        return {
            **common,
            "validate": "integer",
            "criteria": "between",
            "minimum": low,
            "maximum": high,
            "error_message": f"Vul een heel getal in van {low} tot en met {high}.",
        }
    if field.kind is Kind.PERCENT:
        return {
            **common,
            "validate": "decimal",
            "criteria": "between",
            "minimum": 0,
            "maximum": 1,
            "error_message": "Vul een percentage in van 0% tot en met 100%.",
        }
    if field.kind is Kind.DECIMAL:
        return {
            **common,
            "validate": "decimal",
            "criteria": "between",
            "minimum": field.minimum if field.minimum is not None else -1_000_000,
            "maximum": field.maximum if field.maximum is not None else 1_000_000,
            "error_message": "Vul een getal in.",
        }
    if field.max_length:
        return {
            **common,
            "validate": "length",
            "criteria": "<=",
            "value": field.max_length,
            "error_message": f"Maximaal {field.max_length} tekens.",
        }
    return {**common, "validate": "any"}


def build_form(
    form: FormDef,
    target: Path,
    *,
    schools: Mapping[str, str],
    choices: Mapping[str, Sequence[str]],
    board: str,
) -> Path:
    """Write the blank workbook for `form` to `target` and return the path."""
    target.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(str(target))
    wb.set_properties(
        {"title": form.title, "subject": f"{form.id} versie {form.version}", "author": board, "created": FIXED_CREATED}
    )
    fmt = _formats(wb)
    ws = wb.add_worksheet(FORM_SHEET)
    lists_ws = wb.add_worksheet(LIST_SHEET)

    used = {f.choices for f in form.fields if f.kind is Kind.CHOICE and f.choices}
    lists: dict[str, Sequence[str]] = {key: choices[key] for key in sorted(used if None not in used else set())}
    lists["school"] = school_choices(schools)
    _write_lists(wb, lists_ws, lists, fmt["label"])
    lists_ws.very_hidden()

    wb.define_name(MARKER_FORM, f'="{form.id}"')
    wb.define_name(MARKER_VERSION, f"={form.version}")

    ws.set_column(0, 0, 34)
    ws.set_column(1, 1, 42)
    ws.set_column(2, 2, 52)
    ws.write_string(0, 0, form.title, fmt["title"])
    ws.set_row(0, 24)
    ws.merge_range(1, 0, 1, 2, form.intro, fmt["intro"])
    ws.set_row(1, 48)
    ws.write_string(2, 0, f"{board} · formulier '{form.id}', versie {form.version}", fmt["footer"])

    row = 3
    for section in form.sections:
        row += 1
        ws.merge_range(row, 0, row, 2, section.title, fmt["section"])
        ws.set_row(row, 18)
        row += 1
        for field in section.fields:
            ws.write_string(row, 0, _label(field), fmt["label_req" if field.required else "label"])
            ws.write_blank(row, 1, None, _input_format(field, fmt))
            ws.write_string(row, 2, field.help, fmt["help"])
            wb.define_name(field.key, f"='{FORM_SHEET}'!$B${row + 1}")
            rule = _validation(field, {**choices, "school": lists["school"]})
            if rule is not None:
                ws.data_validation(row, 1, row, 1, rule)
            ws.set_row(row, _row_height(field))
            row += 1

    ws.write_string(row + 1, 0, "* verplicht   (*) verplicht in de genoemde situatie", fmt["footer"])
    ws.protect("", {"select_locked_cells": True, "select_unlocked_cells": True, "format_columns": True})
    ws.set_paper(9)  # A4
    ws.set_portrait()
    ws.fit_to_pages(1, 2)
    ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    ws.set_footer(f"&L&8{form.title}&R&8Pagina &P van &N")
    ws.print_area(0, 0, row + 1, 2)
    ws.activate()
    ws.set_first_sheet()
    wb.close()
    return target


def form_file_name(form: FormDef) -> str:
    return f"{form.id} - {form.title}.xlsx".replace("/", "-")


def build_all(
    out_dir: Path,
    *,
    forms: Sequence[FormDef],
    schools: Mapping[str, str],
    choices: Mapping[str, Sequence[str]],
    board: str,
) -> list[Path]:
    return [
        build_form(form, out_dir / form_file_name(form), schools=schools, choices=choices, board=board)
        for form in forms
    ]
