"""Property tests: validation never crashes and stored values round-trip; and hostile input — random
and mutated survey exports, mutated workbooks — is read or refused with a reason, never anything else."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import math
import random
import re
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import pytest
import python_calamine
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from automation import app
from automation.config import load_settings
from automation.errors import FileProblem, ProblemKind, SurveyRejected
from automation.excel.build_form import form_file_name
from automation.excel.fill import fill_form
from automation.excel.read_form import DEFAULT_MAX_UNCOMPRESSED, RawForm, read_form, sheet_extent
from automation.forms import FORMS
from automation.forms.choices import DEFAULT_CHOICES
from automation.forms.model import Kind
from automation.intake.pipeline import content_key
from automation.store import dumps
from automation.surveys import samples
from automation.surveys.importer import SurveyImport, import_survey
from automation.surveys.profile import builtin_profiles
from automation.validation import validate
from automation.workspace import init_workspace
from tests.conftest import valid_values

SCHOOLS = {"12AB": "OBS De Regenboog"}
TODAY = dt.date(2026, 11, 28)

cell_values = st.one_of(
    st.none(),
    st.text(max_size=40),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(min_value=dt.date(1900, 1, 1)),
    st.datetimes(min_value=dt.datetime(1900, 1, 1)),
    st.times(),
    st.sampled_from(["ja", "nee", "anders", "12AB", "5/6", "2026-2027", "INC-2026-0001", "=1+1", "", " "]),
)


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(form_id=st.sampled_from(list(FORMS)), data=st.data())
def test_validation_of_any_cell_values_gives_a_record_or_reasons_never_an_exception(form_id: str, data: Any) -> None:
    form = FORMS[form_id]
    values = {f.key: data.draw(cell_values, label=f.key) for f in form.fields}
    cells = {f.key: f"B{row}" for row, f in enumerate(form.fields, start=5)}
    result = validate(form, values, cells, schools=SCHOOLS, choices=DEFAULT_CHOICES, today=TODAY)
    assert set(result.record) == set(form.keys)
    for problem in result.problems + result.warnings:  # each names its field and cell, and ends with the fix
        assert (problem.label, problem.cell) == (form.field(problem.key).label, cells[problem.key])
        assert problem.message.endswith("."), problem.message
    if result.ok:
        for f in form.fields:
            if f.required:
                assert result.record[f.key] is not None
        json.loads(dumps(result.record))  # whatever is accepted can be stored
        floats = [v for v in result.record.values() if isinstance(v, float)]
        assert all(math.isfinite(v) for v in floats)  # Excel cannot hold NaN or infinity


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(form_id=st.sampled_from(list(FORMS)), data=st.data())
def test_accepted_values_round_trip_through_the_stored_form(form_id: str, data: Any) -> None:
    form = FORMS[form_id]
    values = {}
    for f in form.fields:
        if f.kind is Kind.DATE:
            values[f.key] = data.draw(st.one_of(st.none(), st.dates(min_value=dt.date(2000, 1, 1), max_value=TODAY)))
        elif f.kind is Kind.CHOICE:
            values[f.key] = data.draw(st.one_of(st.none(), st.sampled_from(DEFAULT_CHOICES[str(f.choices)])))
        elif f.kind is Kind.INTEGER:
            values[f.key] = data.draw(st.one_of(st.none(), st.integers(0, 100)))
    result = validate(form, values, {}, schools=SCHOOLS, choices=DEFAULT_CHOICES, today=TODAY)
    stored = json.loads(dumps(result.record))
    for key, value in result.record.items():
        if isinstance(value, dt.date):
            assert dt.date.fromisoformat(stored[key]) == value
        else:
            assert stored[key] == value
    assert content_key(form, result.record) == content_key(form, dict(reversed(list(result.record.items()))))


# --- hostile input: the survey importer -------------------------------------------------------------
# Random exports and mutated real ones give a SurveyImport or a SurveyRejected with a Dutch reason,
# never another exception (the intake would then keep the file waiting instead of explaining it).


SURVEY_SCHOOLS = {"12AB": "OBS De Regenboog", "34CD": "CBS Het Anker"}
PROFILES = builtin_profiles()
KNOWN_COLUMNS = sorted(
    {c for p in PROFILES for c in p.profile.herkenning.kolommen}
    | set(samples.generic_header())
    | {"vraag", "aantal", "schooljaar", "helemaal niet mee eens", "niet mee eens", "mee eens", "helemaal mee eens"}
    | {"Afnamedatum", "Leerjaar", *(q for qs in samples.PLAN_QUESTIONS.values() for q in qs)}
)
ANSWERS = [
    *samples.AGREE,
    *samples.HOW_OFTEN,
    "weet ik niet",
    "1",
    "4",
    "3,0",
    "2.5",
    "45%",
    "45,5",
    "0,45",
    "1e999",
    "-1e308",
    "nan",
    "inf",
    "12AB",
    "34cd00",
    "leerling",
    "Ouder",
    "personeel",
    "2026-2027",
    "2027-2026",
    "15-03-2027",
    "0001-01-01",
    "9999-12-31",
    "31-02-2027",
    "groep 7",
    "5/6, 7 en 8",
    "=1+1",
    "@SUM(A1)",
    "\x00",
    "",
    " ",
    "veiligheidsbeleving_1",
    "aantasting_veiligheid_2",
    "welbevinden_3",
    "LG4",
]
cell_texts = st.one_of(st.sampled_from(ANSWERS), st.text(max_size=12), st.integers().map(str))
delimiters = st.sampled_from([";", ",", "\t", "|", " ", ";;"])
encodings = st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16", "latin-1"])


def _csv_text(header: list[str], rows: list[list[str]], *, delimiter: str, quoting: int) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter[0], quoting=quoting, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


FULL_HEADERS = [
    samples.generic_header(),
    ["school", "respondent", "schooljaar", "vraag", "aantal", *samples.AGREE],
    ["BRIN", "Doelgroep", "Afnamedatum", "Leerjaar", *(q for qs in samples.PLAN_QUESTIONS.values() for q in qs)],
]


@st.composite
def headers(draw: st.DrawFn) -> list[str]:
    """Mostly a shipped layout's columns (shuffled, one dropped now and then, extra ones added), so
    that a profile recognises the file and its rows are really read; sometimes anything at all."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.lists(st.one_of(st.sampled_from(KNOWN_COLUMNS), st.text(max_size=10)), max_size=30))
    header = list(draw(st.permutations(draw(st.sampled_from(FULL_HEADERS)))))
    if draw(st.integers(0, 4)) == 0:
        del header[draw(st.integers(0, len(header) - 1))]
    extra = draw(st.lists(st.one_of(st.sampled_from(KNOWN_COLUMNS), st.text(max_size=8)), max_size=3))
    return header + extra


COLUMN_VALUES = {  # what fits a column; the first ones are valid
    "school": ["12AB", "34cd00", "OBS De Regenboog", "99ZZ", "=12AB", ""],
    "brin": ["12AB", "34CD", "12AB00", "=12AB", ""],
    "respondent": ["leerling", "Ouders", "personeel", "kind", "=leerling", ""],
    "doelgroep": ["Leerling", "Ouder", "Medewerker", "@ouder", ""],
    "vraag": ["veiligheidsbeleving_1", "aantasting_veiligheid_2", "welbevinden_3", "onbekend_9", "=vraag"],
    "aantal": ["20", "1e999", "1e300", "-5", "0", "3,5", "nan", "", "twintig"],
}
VALID = {"school": 3, "brin": 3, "respondent": 4, "doelgroep": 3, "vraag": 3, "aantal": 3}
CLEAN_ANSWERS = ["1", "2", "3", "4", "3,0", "2.0", "45", ""]  # on the scale, or a percentage


def rows_for(header: list[str], *, clean: bool) -> st.SearchStrategy[list[str]]:
    """A row whose cells fit their columns (a known school, group, question), so that rows are
    counted and aggregated; unless `clean`, with anything at all now and then and ragged rows."""
    cells = []
    for column in header:
        key = column.casefold()
        if key in COLUMN_VALUES:
            fitting = COLUMN_VALUES[key][: VALID[key]] if clean else COLUMN_VALUES[key]
            cells.append(st.sampled_from(fitting) if clean else st.one_of(st.sampled_from(fitting), cell_texts))
        else:
            cells.append(st.sampled_from(CLEAN_ANSWERS) if clean else cell_texts)
    full = st.tuples(*cells).map(list)
    return full if clean else st.one_of(full, full, full, st.lists(cell_texts, max_size=len(header) + 3))


@st.composite
def random_exports(draw: st.DrawFn) -> tuple[bytes, str]:
    header = draw(headers())
    rows = draw(st.lists(rows_for(header, clean=draw(st.booleans())), max_size=8))
    text = _csv_text(
        header,
        rows,
        delimiter=draw(delimiters),
        quoting=draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONNUMERIC])),
    )
    if draw(st.booleans()):  # blank lines, a stray quote, a line of junk
        lines = text.split("\r\n")
        at = draw(st.integers(0, len(lines)))
        lines.insert(at, draw(st.sampled_from(["", '"', ";;;", '"open', "\x1a"])))
        text = "\n".join(lines)
    encoding = draw(encodings)
    data = text.encode(encoding, errors="replace")
    if draw(st.integers(0, 4)) == 0:  # a byte order mark where none belongs, or twice
        data = draw(st.sampled_from([b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"])) + data
    name = draw(st.sampled_from(["peiling.csv", "export 12AB.csv", "Peiling 34CD00.txt", "x"]))
    return data, name


# Why an export is refused: no profile knows it (each one tried is listed), or a profile knows it and
# its content does not fit (the profile named), or the file is damaged.
UNRECOGNISED = (
    r"Geen profiel voor peilingen herkent dit bestand als export van een vragenlijst\.\n"
    r"Gelezen als .+?; kolommen: [\s\S]*?\n"  # the columns as read: a quoted name may span lines
    rf"Geprobeerde profielen:\n(- .+\n){{{len(PROFILES)}}}Is het een export van een peiling\? "
)
RECOGNISED_BY = "|".join(re.escape(f"'{p.profile.naam}' ({p.source})") for p in PROFILES)
REFUSED = (
    rf"Het bestand is herkend als export van ({RECOGNISED_BY}), maar ",
    r"Het bestand is beschadigd of niet volledig opgeslagen en kan niet worden geopend\. ",
)


def _assert_import_or_rejection(data: bytes, name: str) -> None:
    try:
        result = import_survey(data, name, PROFILES, schools=SURVEY_SCHOOLS, today=TODAY)
    except SurveyRejected as rejected:
        openings = REFUSED if rejected.recognised else (UNRECOGNISED,)
        assert any(re.match(opening, rejected.message) for opening in openings), rejected.message
        return
    assert isinstance(result, SurveyImport) and result.results
    for survey in result.results:
        assert survey.school in SURVEY_SCHOOLS and survey.respondents >= 0
        for theme in survey.themes:
            for value in (theme.mean, theme.positive):
                assert value is None or math.isfinite(value)


@pytest.mark.slow
@settings(max_examples=250, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(export=random_exports())
def test_any_csv_text_gives_an_import_or_a_rejection(export: tuple[bytes, str]) -> None:
    _assert_import_or_rejection(*export)


def _real_exports() -> list[tuple[bytes, str]]:
    day = dt.date(2026, 11, 3)
    generic = samples.generic_csv(school="12AB", schooljaar="2026-2027", afname=day, pupils=6, parents=2)
    plan = samples.plan_csv(schools=["12AB", "34CD"], afname=day, pupils=4, parents=1)
    per_question = samples.to_csv(
        ["school", "respondent", "schooljaar", "vraag", "aantal", *samples.AGREE],
        [
            ["12AB", "leerlingen", "2026-2027", f"{t}_1", "20", "10", "20,5", "40%", "29,5"]
            for t in samples.GENERIC_THEMES
        ],
        delimiter=";",
    ).encode("cp1252")
    rows = list(samples.generic_rows(random.Random(3), school="34CD", schooljaar="", afname=day, pupils=5))
    xlsx = io.BytesIO()
    book = xlsxwriter.Workbook(xlsx)
    sheet = book.add_worksheet("Export")
    for r, row in enumerate([samples.generic_header(), *rows]):
        sheet.write_row(r, 0, row)
    book.close()
    return [
        (generic, "peiling.csv"),
        (plan, "actieplan.csv"),
        (per_question, "per vraag.csv"),
        (xlsx.getvalue(), "peiling.xlsx"),
    ]


REAL_EXPORTS = _real_exports()


@st.composite
def mutated_exports(draw: st.DrawFn) -> tuple[bytes, str]:
    data, name = draw(st.sampled_from(REAL_EXPORTS))
    buffer = bytearray(data)
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["flip", "truncate", "insert", "delete", "cell", "line"]))
        at = draw(st.integers(0, max(0, len(buffer) - 1)))
        if kind == "flip" and buffer:
            buffer[at] ^= draw(st.integers(1, 255))
        elif kind == "truncate":
            del buffer[at:]
        elif kind == "insert":
            buffer[at:at] = draw(st.binary(min_size=1, max_size=40))
        elif kind == "delete":
            del buffer[at : at + draw(st.integers(1, 200))]
        elif kind == "cell":  # a delimiter-bounded piece replaced by another answer
            text = draw(cell_texts).encode("utf-8", errors="replace")
            end = at + draw(st.integers(0, 12))
            buffer[at:end] = text
        else:  # a line repeated or dropped
            lines = bytes(buffer).split(b"\n")
            i = draw(st.integers(0, len(lines) - 1))
            lines[i:i] = [lines[i]] if draw(st.booleans()) else []
            buffer = bytearray(b"\n".join(lines))
    return bytes(buffer), name


@pytest.mark.slow
@settings(max_examples=250, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(export=mutated_exports())
def test_a_mutated_real_export_gives_an_import_or_a_rejection(export: tuple[bytes, str]) -> None:
    _assert_import_or_rejection(*export)


def test_the_real_exports_themselves_are_imported() -> None:
    found = {}
    for data, name in REAL_EXPORTS:
        result = import_survey(data, name, PROFILES, schools=SURVEY_SCHOOLS, today=TODAY)
        found[name] = (result.profile, [(s.school, s.groep, s.respondents, len(s.themes)) for s in result.results])
    assert found == {
        "peiling.csv": (
            "Generieke indeling (per respondent)",
            [("12AB", "leerlingen", 6, 7), ("12AB", "ouders", 2, 4)],
        ),
        "actieplan.csv": (
            "Tevredenheidspeiling actieplan (vier thema's)",
            [
                ("12AB", "leerlingen", 4, 4),
                ("12AB", "ouders", 1, 2),
                ("34CD", "leerlingen", 4, 4),
                ("34CD", "ouders", 1, 2),
            ],
        ),
        "per vraag.csv": ("Generieke indeling (percentages per vraag)", [("12AB", "leerlingen", 20, 7)]),
        "peiling.xlsx": ("Generieke indeling (per respondent)", [("34CD", "leerlingen", 5, 7)]),
    }


# --- hostile input: the form reader -----------------------------------------------------------------
# Real filled forms, mutated at the zip level (bytes flipped, cut, inserted) and at the part level (a
# part replaced by random XML, defined names changed, a cell given random content): `read_form`
# returns a RawForm or raises FileProblem, never anything else; and through the intake no file is
# ever lost.


_filled: dict[str, bytes] = {}


def filled_forms(blank_forms: Path) -> dict[str, bytes]:
    """Each of the five forms filled in validly, built once."""
    if not _filled:
        with tempfile.TemporaryDirectory() as tmp:
            for form_id, form in FORMS.items():
                target = Path(tmp) / f"{form_id}.xlsx"
                _filled[form_id] = fill_form(
                    blank_forms / form_file_name(form), valid_values(form_id), target
                ).read_bytes()
    return _filled


refs = st.one_of(
    st.builds(
        lambda c, r: f"{c}{r}",
        st.sampled_from(["A", "B", "C", "D", "Z", "AA", "b", "XFD", "AAAA", "$B$", ""]),
        st.sampled_from(["1", "7", "37", "100", "0", "1048576", "99999999999999", ""]),
    ),
    st.text(alphabet="AZaz09$:!' ", max_size=8),
)
xml_text = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="<&"), max_size=20),
    st.sampled_from(["&amp;", "&lt;", "&#65;", "&#x0;", "&bogus;", "&a9;", "]]>", "1e999", "-1", "45000", "TRUE"]),
)
TAGS = [
    "worksheet",
    "sheetData",
    "row",
    "c",
    "v",
    "is",
    "t",
    "f",
    "x:c",
    "x:row",
    "sst",
    "si",
    "definedName",
    "sheet",
    "zz",
]
ATTRS = {
    "r": refs,
    "t": st.sampled_from(["s", "n", "b", "e", "str", "inlineStr", "d", "zz", ""]),
    "s": st.sampled_from(["0", "1", "12", "999", "-1", "x"]),
    "name": st.sampled_from(["datum", "school", "vf_formulier", "vf_versie", "", "_xlnm.Print_Area"]),
    "uniqueCount": st.sampled_from(["1", "10", "4000000000", "x"]),
    "count": st.sampled_from(["1", "4000000000"]),
    "foo": st.sampled_from(['<c r="XFD1">', "a>b", "'", ""]),
}


def xml_elements(depth: int) -> st.SearchStrategy[str]:
    @st.composite
    def element(draw: st.DrawFn) -> str:
        tag = draw(st.sampled_from(TAGS))
        names = draw(st.lists(st.sampled_from(list(ATTRS)), max_size=3, unique=True))
        attrs = "".join(
            f' {n}="{draw(ATTRS[n])}"'.replace("<", "&lt;") if n != "foo" else f" {n}='{draw(ATTRS[n])}'" for n in names
        )
        if depth == 0 or draw(st.booleans()):
            body = draw(xml_text)
        else:
            body = "".join(draw(st.lists(xml_elements(depth - 1), max_size=4)))
        return f"<{tag}{attrs}/>" if draw(st.integers(0, 5)) == 0 else f"<{tag}{attrs}>{body}</{tag}>"

    extras = st.sampled_from(["", "<!-- <c r='XFD9'> -->", '<![CDATA[<c r="XFD9">]]>', "<?pi x?>", ""])
    return st.one_of(element(), extras)


@st.composite
def random_xml(draw: st.DrawFn) -> bytes:
    head = draw(
        st.sampled_from(
            ["", '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>', '<!DOCTYPE x [<!ENTITY a "b">]>']
        )
    )
    body = "".join(draw(st.lists(xml_elements(3), min_size=1, max_size=4)))
    return (
        head
        + f'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{body}</sheetData></worksheet>'
    ).encode()


def _rezip(data: bytes, change: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item.filename, change.get(item.filename, src.read(item.filename)))
        for name, content in change.items():
            if name not in src.namelist():
                dst.writestr(name, content)
    return out.getvalue()


def _parts(data: bytes) -> dict[str, bytes]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return {name: z.read(name) for name in z.namelist()}
    except Exception:
        return {}


# The explanation a refused form gets, by kind: how it opens (the rest says what to do).
FORM_REFUSALS: dict[ProblemKind, str] = {
    ProblemKind.DAMAGED: r"Het bestand is beschadigd of niet volledig opgeslagen en kan niet worden geopend\. ",
    ProblemKind.CHANGED: r"Dit bestand is anders opgebouwd dan Excel een werkmap opslaat: .+\. ",
    ProblemKind.TOO_LARGE: (
        r"(Het bestand is uitgepakt veel groter dan een formulier|Een werkblad in dit bestand loopt tot cel )"
    ),
    ProblemKind.UNKNOWN_WORKBOOK: (
        r"(Dit is een Excel-werkmap, maar geen formulier van het bestuur \(het kenmerk van het formulier ontbreekt\)"
        r"|In dit formulier ontbreken invulvelden \(.+\)\. |In dit formulier ontbreekt het werkblad '.+'\. )"
    ),
    ProblemKind.UNKNOWN_VERSION: (
        r"Dit is formulier '.+' in versie .+, die dit systeem niet kent \(de huidige versie is \d+\)"
    ),
    ProblemKind.NOT_A_FORM: (
        r"(Dit bestand is .+, geen ingevuld formulier|Dit is een Word-document|Dit bestand is geen Excel-werkmap)\. "
    ),
    ProblemKind.UNKNOWN: r"(Dit is een ouder Office-bestand en geen formulier|Dit bestand is geen Excel-formulier)\. ",
    ProblemKind.TEXT: r"Dit is een tekstbestand, geen ingevuld Excel-formulier\. ",
    ProblemKind.XLS: r"Dit is een oud Excel-bestand \(\.xls\)\. ",
    ProblemKind.XLSM: r"Dit is een Excel-bestand met macro's \(\.xlsm\)\. ",
    ProblemKind.PROTECTED: r"Dit Excel-bestand is met een wachtwoord beveiligd, zodat het niet gelezen kan worden\. ",
}


@st.composite
def mutated_forms(draw: st.DrawFn) -> bytes:
    data = _filled[draw(st.sampled_from(sorted(_filled)))]  # filled_forms() made them
    for _ in range(draw(st.integers(1, 3))):
        parts = _parts(data)
        kinds = ["flip", "cut", "insert", "xml", "xml", "names", "cell", "cell", "other"]
        kind = draw(st.sampled_from(kinds if parts else kinds[:3]))
        at = min(len(data), 4 + draw(st.integers(0, max(0, len(data) - 5))))  # mostly past the zip's magic
        if kind == "flip" and len(data) > 4:
            buffer = bytearray(data)
            for _ in range(draw(st.integers(1, 8))):
                buffer[draw(st.integers(4, len(buffer) - 1))] ^= draw(st.integers(1, 255))
            data = bytes(buffer)
        elif kind == "cut":
            data = data[:at]
        elif kind == "insert":
            data = data[:at] + draw(st.binary(min_size=1, max_size=64)) + data[at:]
        elif kind == "other":  # another kind of file after all: old Office, a picture, text
            magic = draw(
                st.sampled_from([b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"\x89PNG", b"%PDF", b"", b"PK\x05\x06"])
            )
            data = magic + draw(st.binary(max_size=600))
        elif kind == "xml":  # a part replaced by random XML
            name = draw(st.sampled_from([*sorted(parts), "xl/sharedStrings.xml"]))
            data = _rezip(data, {name: draw(random_xml())})
        elif kind == "names":  # a defined name pointing elsewhere
            workbook = parts.get("xl/workbook.xml", b"")
            names = re.findall(rb'<definedName name="(\w+)">([^<]*)<', workbook)
            if names:
                key, old = draw(st.sampled_from(names))
                new = draw(
                    st.one_of(
                        refs.map(lambda r: f"'Formulier'!{r}"),
                        st.sampled_from(["'Weg'!$B$7", "Formulier!$B$7", "#REF!", '"x"', "1e999"]),
                    )
                )
                data = _rezip(
                    data,
                    {
                        "xl/workbook.xml": workbook.replace(
                            b'name="%s">%s<' % (key, old),
                            b'name="%s">%s<' % (key, new.replace("&", "&amp;").replace("<", "&lt;").encode()),
                        )
                    },
                )
        else:  # one input cell given other content
            sheet = parts.get("xl/worksheets/sheet1.xml", b"")
            cells = re.findall(rb'<c r="B\d+"[^>]*?(?:/>|>.*?</c>)', sheet)
            if cells:
                cell = draw(st.sampled_from(cells))
                ref = re.match(rb'<c r="(B\d+)"', cell).group(1).decode()  # type: ignore[union-attr]
                value = draw(st.one_of(xml_text, st.floats(allow_nan=False).map(repr), st.integers().map(str)))
                t = draw(st.sampled_from(["inlineStr", "n", "b", "e", "str", "d", "s", 'n" s="3']))
                inner = f"<is><t>{value}</t></is>" if t == "inlineStr" else f"<v>{value}</v>"
                data = _rezip(
                    data,
                    {"xl/worksheets/sheet1.xml": sheet.replace(cell, f'<c r="{ref}" t="{t}">{inner}</c>'.encode())},
                )
    return data


@pytest.mark.slow
@settings(
    max_examples=500,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_a_mutated_form_is_read_or_refused_with_a_reason_never_anything_else(blank_forms: Path, data: Any) -> None:
    filled_forms(blank_forms)
    mutated = data.draw(mutated_forms())
    try:
        raw = read_form(mutated, max_uncompressed=DEFAULT_MAX_UNCOMPRESSED)
    except FileProblem as problem:
        assert re.match(FORM_REFUSALS[problem.kind], problem.message), (problem.kind, problem.message)
        return
    assert isinstance(raw, RawForm) and set(raw.values) == set(raw.form.keys)


@st.composite
def sheet_xml(draw: st.DrawFn) -> bytes:
    """Sheet XML the way many writers (and some attackers) write it: cells with and without names,
    names first or later, quoted either way, prefixed tags, '>' and '<' in values, comments and CDATA
    that hold cell tags; coordinates kept small enough for calamine to read."""
    names = st.builds(
        lambda col, row: f"{col}{row}",
        st.sampled_from(["A", "B", "C", "Z", "AA", "AZ", "b", "zz"]),
        st.integers(1, 300),
    )
    rows = []
    for _ in range(draw(st.integers(0, 6))):
        p = draw(st.sampled_from(["", "", "x:"]))
        row_name = draw(st.one_of(st.just(""), st.integers(1, 300).map(lambda n: f' r="{n}"')))
        cells = []
        for _ in range(draw(st.integers(0, 6))):
            name = draw(st.one_of(st.none(), names))
            junk = draw(st.sampled_from(["", ' s="1"', " foo='a>b'", ' foo="&lt;c r=&quot;ZZ9&quot;&gt;"', " t='n'"]))
            if name is None:
                attrs = junk
            else:
                attrs = draw(st.sampled_from([f' r="{name}"{junk}', f'{junk} r="{name}"', f" r = '{name}'{junk}"]))
            body = draw(st.sampled_from(["<{p}v>1</{p}v>", "/", "", "<{p}v>2</{p}v><!-- <c r='ZZ299'> -->"]))
            cells.append(f"<{p}c{attrs}/>" if body == "/" else f"<{p}c{attrs}>{body.format(p=p)}</{p}c>")
            if draw(st.integers(0, 9)) == 0:
                cells.append("<!-- <c r='AZ300'><v>1</v></c> -->")
        rows.append(f"<{p}row{row_name}>{''.join(cells)}</{p}row>")
    body = "".join(rows)
    return (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:x="http://schemas.'
        f'openxmlformats.org/spreadsheetml/2006/main"><sheetData>{body}</sheetData></worksheet>'
    ).encode()


@pytest.mark.slow
@settings(
    max_examples=300, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_the_measured_extent_of_a_sheet_is_never_less_than_what_calamine_reads(blank_forms: Path, data: Any) -> None:
    xml = data.draw(sheet_xml())
    extent = sheet_extent(xml)
    assert extent is not None  # small sheets are always measured
    book = _rezip(filled_forms(blank_forms)["incident"], {"xl/worksheets/sheet1.xml": xml})
    try:
        end = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(book)).get_sheet_by_name("Formulier").end
    except python_calamine.CalamineError:
        return  # calamine refuses it: nothing is allocated
    if end is not None:
        assert end[0] + 1 <= extent[0] and end[1] + 1 <= extent[1], (end, extent)


@pytest.mark.slow
@settings(max_examples=6, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_through_the_intake_no_mutated_file_is_ever_lost(blank_forms: Path, data: Any) -> None:
    filled_forms(blank_forms)
    dropped = {f"bestand {n}.xlsx": data.draw(mutated_forms()) for n in range(10)}
    with tempfile.TemporaryDirectory() as tmp:
        made, _ = init_workspace(Path(tmp) / "werkmap", board="Testbestuur", stable_seconds=0, damaged_after=0)
        workspace = load_settings(made.paths.config)
        for name, content in dropped.items():
            (workspace.paths.inbox / name).write_bytes(content)

        counts = app.process(workspace)

        assert counts.waiting == 0 and not any(workspace.paths.inbox.iterdir())
        assert counts.accepted + counts.rejected + counts.duplicates == len(dropped)
        archive = {
            hashlib.sha256(p.read_bytes()).hexdigest() for p in workspace.paths.archive.rglob("*") if p.is_file()
        }
        handed_back = {p.name: p.read_bytes() for p in workspace.paths.rejected.rglob("bestand *.xlsx")}
        for name, content in dropped.items():
            assert hashlib.sha256(content).hexdigest() in archive, name
        rejected = [n for n in dropped if n in handed_back]
        assert all(handed_back[n] == dropped[n] for n in rejected)
        assert len(rejected) == counts.rejected


@pytest.mark.slow
@settings(max_examples=300, deadline=None, derandomize=True)
@given(
    cells=st.lists(
        st.tuples(st.text(alphabet="ABCXYZabz", min_size=1, max_size=5), st.integers(1, 1_048_576)),
        min_size=1,
        max_size=25,
    )
)
def test_a_sheet_whose_cells_are_all_named_is_measured_by_its_furthest_cell(cells: list[tuple[str, int]]) -> None:
    """However the named cells are ordered; a sheet within 999 rows and column ZZ is only bounded."""
    xml = "".join(f'<row><c r="{letters}{row}" s="1"><v>1</v></c></row>' for letters, row in cells)
    rows, cols = sheet_extent(f"<worksheet><sheetData>{xml}</sheetData></worksheet>".encode()) or (0, 0)
    furthest_row = max(row for _, row in cells)
    columns = [sum(26**i * (ord(c) - 64) for i, c in enumerate(reversed(letters.upper()))) for letters, _ in cells]
    if (rows, cols) == (999, 702):
        assert furthest_row <= 999 and max(columns) <= 702
    else:
        assert rows == furthest_row
        assert cols == max(columns) or (cols == 26 and max(columns) <= 26)
