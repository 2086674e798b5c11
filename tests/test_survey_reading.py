"""How a survey export's rows are read: a CSV without quotes is split as the csv module would read
it (and gives the same survey as when the csv module reads it), and an .xlsx with numbers as answers
is read whatever the number of questions."""

from __future__ import annotations

import csv
import datetime as dt
import io
import random

import pytest
import xlsxwriter
from hypothesis import given, settings
from hypothesis import strategies as st

from automation.errors import SurveyRejected
from automation.excel import read_form
from automation.surveys import importer, samples
from automation.surveys.importer import import_survey, read_csv
from automation.surveys.profile import LoadedProfile, builtin_profiles, parse_profile

TODAY = dt.date(2026, 11, 28)
SCHOOLS = {"12AB": "OBS De Regenboog", "34CD": "CBS Het Anker"}


def csv_module_rows(text: str) -> list[list[str]]:
    first = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first.count) if any(d in first for d in ";,\t") else ";"
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


@settings(max_examples=400, deadline=None, derandomize=True)
@given(st.text(alphabet=st.sampled_from(list("ab ,;\t\r\n\x00\x0b\x0c\x1c\x85\u2028é5")), max_size=80))
def test_a_csv_without_quotes_gives_the_rows_the_csv_module_reads(text: str) -> None:
    table = read_csv(text.encode("utf-8"))
    rows = csv_module_rows(text)
    assert table.header == [h.strip() for h in (rows[0] if rows else [])]
    assert list(table.rows) == rows[1:]


def test_line_ends_of_every_kind_and_empty_lines_are_read_as_the_csv_module_reads_them() -> None:
    for text in ("a;b\r\n1;2\r\n", "a;b\n\n1;2", "a;b\r1;2\r\r", "a;b\r\n1;2\n3\r\n\r\n4;", "a;b\r\n1\r\r\n"):
        table = read_csv(text.encode())
        assert [table.header, *table.rows] == csv_module_rows(text), text


def export(rows: int) -> str:
    made = list(
        samples.generic_rows(random.Random(3), school="12AB", schooljaar="2026-2027", afname=TODAY, pupils=rows)
    )
    made += samples.generic_rows(
        random.Random(4), school="34CD", schooljaar="", afname=TODAY, pupils=rows // 3, parents=rows // 2
    )
    made.append(made[5][:7])  # a short row
    return samples.to_csv(samples.generic_header(), made)


def test_the_same_export_with_and_without_quotes_gives_the_same_survey() -> None:
    plain = export(900)
    quoted = plain.replace("school,respondent", '"school",respondent', 1)  # read by the csv module
    assert importer._plain_lines(plain) is not None and importer._plain_lines(quoted) is None
    for data in (plain.encode("utf-8-sig"), plain.replace("\r\n", "\n").encode("cp1252")):
        read = import_survey(data, "peiling.csv", builtin_profiles(), schools=SCHOOLS, today=TODAY)
        by_csv = import_survey(
            quoted.encode("utf-8-sig"), "peiling.csv", builtin_profiles(), schools=SCHOOLS, today=TODAY
        )
        assert read == by_csv


def test_a_line_longer_than_the_csv_modules_field_limit_is_refused_as_before() -> None:
    text = export(20)
    data = (text[:400] + "x" * 200_000 + text[400:]).encode()
    with pytest.raises(SurveyRejected) as refused:
        import_survey(data, "peiling.csv", builtin_profiles(), schools=SCHOOLS, today=TODAY)
    assert refused.value.message.startswith(
        "Het bestand kan niet als CSV worden gelezen (bij regel 1: field larger than field limit (131072))."
    )


ONE_QUESTION = """
naam = "Eén vraag"
[herkenning]
kolommen = ["school", "respondent", "veilig"]
[school]
kolom = "school"
[respondent]
kolom = "respondent"
[schaal]
positief_vanaf = 3
[themas.veiligheidsbeleving]
vragen = ["veilig"]
"""


def test_an_xlsx_with_one_question_and_numbers_as_answers_is_read() -> None:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet("Export")
    for r, row in enumerate([["school", "respondent", "veilig"], ["12AB", "leerling", 4], ["12AB", "leerling", 2]]):
        sheet.write_row(r, 0, row)
    sheet.write_row(3, 0, ["12AB", "leerling", ""])  # answered nothing: no respondent
    book.close()
    profile = LoadedProfile(parse_profile(ONE_QUESTION, source="een.toml"), "een.toml")
    (survey,) = import_survey(out.getvalue(), "x.xlsx", [profile], schools=SCHOOLS, today=TODAY).results
    assert survey.respondents == 2
    assert (survey.themes[0].mean, survey.themes[0].positive) == (3.0, 0.5)


def test_the_importer_knows_an_xlsx_as_the_form_reader_does() -> None:
    assert importer.ZIP_MAGIC == read_form.ZIP_MAGIC


def test_a_respondent_is_whoever_answered_any_question_not_only_the_first() -> None:
    header = ["school", "respondent", "veiligheidsbeleving_1", "veiligheidsbeleving_2", "welbevinden_1"]
    rows = [
        ["12AB", "leerling", "mee eens", "mee eens", "mee eens"],
        ["12AB", "leerling", "", "", "mee eens"],  # skipped the first questions
        ["12AB", "leerling", "", "", ""],  # answered nothing: not a respondent
        ["12AB", "leerling", "", "niet mee eens", ""],
    ]
    data = samples.to_csv(header, rows).encode()
    (survey,) = import_survey(data, "x.csv", builtin_profiles(), schools=SCHOOLS, today=TODAY).results
    assert survey.respondents == 3
    assert {t.key: t.respondents for t in survey.themes} == {"veiligheidsbeleving": 2, "welbevinden": 2}


def test_blank_lines_and_rows_of_separators_at_the_end_are_no_respondents() -> None:
    """Excel often saves a CSV with empty rows at the end: they are skipped, not refused as an
    unknown school or respondent group."""
    made = list(samples.generic_rows(random.Random(5), school="12AB", schooljaar="2026-2027", afname=TODAY, pupils=40))
    clean = samples.to_csv(samples.generic_header(), made)
    blank = ["" for _ in samples.generic_header()]
    untidy = samples.to_csv(samples.generic_header(), [*made, blank, blank]) + "\r\n\r\n"
    read = import_survey(clean.encode(), "p.csv", builtin_profiles(), schools=SCHOOLS, today=TODAY)
    assert import_survey(untidy.encode(), "p.csv", builtin_profiles(), schools=SCHOOLS, today=TODAY) == read


TITLED = """
naam = "Met een titel boven de kopregel"
[herkenning]
kolommen = ["school", "respondent", "veilig"]
kopregel_met = ["school", "veilig"]
blad = "Export"
[school]
kolom = "school"
[respondent]
kolom = "respondent"
[schaal]
positief_vanaf = 3
[themas.veiligheidsbeleving]
vragen = ["veilig"]
"""


def generic_xlsx(rows: int) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet("Export")
    sheet.write_row(0, 0, samples.generic_header())
    made = samples.generic_rows(random.Random(5), school="12AB", schooljaar="2026-2027", afname=TODAY, pupils=rows)
    for r, row in enumerate(made, start=1):
        sheet.write_row(r, 0, row)
    book.close()
    return out.getvalue()


def test_profiles_that_look_for_the_header_elsewhere_read_the_same_sheet_once_and_all_of_its_rows() -> None:
    data = generic_xlsx(300)
    board = LoadedProfile(parse_profile(TITLED, source="titel.toml"), "titel.toml")
    tried_first = import_survey(data, "x.xlsx", [board, *builtin_profiles()], schools=SCHOOLS, today=TODAY)
    alone = import_survey(data, "x.xlsx", builtin_profiles(), schools=SCHOOLS, today=TODAY)
    assert tried_first == alone and alone.results[0].respondents == 300
    book = importer._Workbook(data)
    first, again = book.table(""), book.table("export")
    assert list(first.rows) == list(again.rows) and len(list(book.table().rows)) == 300
    assert list(book._sheets) == ["Export"]  # parsed once
