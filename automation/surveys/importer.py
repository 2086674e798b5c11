"""Read a survey export with a mapping profile into aggregates per school, group and theme.

Only aggregates leave this module: per school × school year × respondent group × theme the number of
respondents, the mean on the instrument's scale and the share of positive answers. Individual
answers are read in one pass and dropped; the original file stays only in the archive.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import itertools
import math
import operator
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from automation.errors import FileProblem, SurveyRejected
from automation.schoolyear import parse_schoolyear, schoolyear
from automation.surveys.profile import GROUPS, LoadedProfile, Profile, norm

GROUP_WORDS = {
    "leerling": "leerlingen",
    "leerlingen": "leerlingen",
    "kind": "leerlingen",
    "kinderen": "leerlingen",
    "ouder": "ouders",
    "ouders": "ouders",
    "ouder/verzorger": "ouders",
    "ouders/verzorgers": "ouders",
    "personeel": "personeel",
    "medewerker": "personeel",
    "medewerkers": "personeel",
    "leerkracht": "personeel",
    "leerkrachten": "personeel",
}
MAX_LISTED = 5
MAX_RESPONDENTS = 1_000_000  # an 'aantal' above this is not a count of respondents
UNKNOWN_LIMIT = 0.05  # more unknown answers than this and the results would mislead: refused
ZIP_MAGIC = b"PK\x03\x04"  # an .xlsx (a zip) begins so (as excel.read_form.ZIP_MAGIC)
HEADER_SEARCH = 50  # 'kopregel_met': the rows searched for the header
CHUNK = 500  # rows read at a time: small enough to stay in the CPU's cache while each theme is counted
_MISSING = object()


@dataclass(frozen=True)
class ThemeAggregate:
    key: str
    label: str
    respondents: int
    mean: float | None
    positive: float | None  # share 0..1


@dataclass(frozen=True)
class SurveyResult:
    """One survey of one school, school year and respondent group."""

    school: str
    schooljaar: str
    groep: str
    instrument: str
    respondents: int
    scale_min: float
    scale_max: float
    themes: tuple[ThemeAggregate, ...]
    afname: dt.date | None = None
    groepen: tuple[int, ...] = ()  # the pupils' groups (1-8) that took part; () when unknown
    invited: int | None = None


@dataclass(frozen=True)
class SurveyImport:
    profile: str
    source: str
    results: tuple[SurveyResult, ...]
    warnings: tuple[str, ...] = ()


# --- reading tables ---------------------------------------------------------------------------------
@dataclass
class Table:
    header: list[str]
    rows: Iterator[Sequence[Any]]
    what: str  # 'CSV (;, Windows-1252)' for explanations
    first_row: int = 2  # the row number of the first row after the header
    no_header: str = ""  # why no header was found, for explanations


def header_at(table: Table, *, row: int = 0, having: Sequence[str] = ()) -> Table:
    """The table with its header at row number `row` (1 = the first row), or at the first of the first
    HEADER_SEARCH rows that has all the columns `having`; the rows above it (a title, a date, blank
    lines) are skipped. Without either, the table as read: the header is the first row."""
    if row <= 1 and not having:
        return table
    rows = itertools.chain([table.header], table.rows)
    wanted = {norm(c) for c in having}
    for number, cells in enumerate(rows, start=1):
        texts = [_cell_text(c) for c in cells]
        if (row and number == row) or (wanted and wanted <= {norm(t) for t in texts}):
            return Table(texts, rows, table.what, first_row=number + 1)
        if (row and number > row) or (wanted and number >= HEADER_SEARCH):
            break
    if row:
        why = f"{table.what}: het bestand heeft geen regel {row} (de kopregel volgens het profiel)"
    else:
        why = f"{table.what}: geen regel met de kolommen {', '.join(having)} in de eerste {HEADER_SEARCH} regels"
    return Table([], iter(()), table.what, no_header=why)


def decode(data: bytes) -> tuple[str, str]:
    """Text and the encoding's name: UTF-8 with or without BOM, UTF-16 with BOM, or Windows-1252."""
    if data.startswith(b"\xef\xbb\xbf"):
        return str(memoryview(data)[3:], "utf-8", "replace"), "UTF-8 met BOM"  # (no copy of the bytes)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace"), "UTF-16"
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "Windows-1252"


def _delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ";"


def read_csv(data: bytes) -> Table:
    return _csv_tables(data)("")


def _csv_tables(data: bytes) -> Callable[[str], Table]:
    """The CSV decoded (and, without quotes, cut into lines) once; each call a fresh table of it,
    for each header row the profiles ask for (the sheet's name does not matter: a CSV has one)."""
    text, encoding = decode(data)
    end = text.find("\n")
    delimiter = _delimiter(text if end < 0 else text[:end])
    lines = _plain_lines(text)
    quoted = text if lines is None else ""  # (the lines hold the text: not kept twice)
    shown = {";": ";", ",": ",", "\t": "tab"}[delimiter]

    def table(sheet: str = "") -> Table:
        if lines is None:
            reader = _csv_rows(csv.reader(io.StringIO(quoted, newline=""), delimiter=delimiter))
        else:
            reader = _split(lines, delimiter)
        header = next(reader, [])
        return Table([str(h).strip() for h in header], reader, f"CSV ({shown}, {encoding})")

    return table


def _plain_lines(text: str) -> list[str] | None:
    """The lines of a text without quotes (most exports), as the csv module reads them: a line ends
    at CR LF, CR or LF, as with csv.reader(io.StringIO(text, newline="")); then a row is its line
    split at the delimiter (`_split`), some twice as quick as the csv module's parser. None when the
    text has a quote, or a line longer than the csv module's field limit (the csv module then reads
    it, and refuses what it cannot read)."""
    if '"' in text:
        return None
    if any(c in text for c in _OTHER_LINE_BREAKS):
        lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        if not lines[-1]:
            lines.pop()  # after the end of the last line, or an empty text
    else:
        lines = text.splitlines()  # at CR LF, CR and LF, and none after the last line's end
    if lines and max(map(len, lines)) > csv.field_size_limit():
        return None
    return lines


_OTHER_LINE_BREAKS = "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"  # str.splitlines ends a line there too; csv does not


def _split(lines: list[str], delimiter: str) -> Iterator[list[str]]:
    """Each line's fields; an empty line is [], as the csv module reads it."""
    if "" in lines:
        return (line.split(delimiter) if line else [] for line in lines)
    return map(str.split, lines, itertools.repeat(delimiter))


def _csv_rows(reader: Iterator[list[str]]) -> Iterator[list[str]]:
    """The reader's rows; its errors (a quote never closed, a field of over 128 kB) as a rejection."""
    try:
        yield from reader
    except csv.Error as exc:
        line = getattr(reader, "line_num", 0)
        raise SurveyRejected(
            f"Het bestand kan niet als CSV worden gelezen (bij regel {line}: {exc}). Meestal staat er "
            'ergens een aanhalingsteken (") dat niet wordt gesloten. Exporteer het bestand opnieuw, of '
            "open het in Excel en sla het op als .xlsx."
        ) from exc


def read_xlsx(data: bytes, sheet: str = "") -> Table:
    return _Workbook(data).table(sheet)


class _Workbook:
    """An .xlsx checked and opened once, and each sheet parsed once: python-calamine parses a whole
    sheet when asked for it, and its rows can then be gone through again for each header row the
    profiles ask for, at no cost."""

    def __init__(self, data: bytes) -> None:
        # only an .xlsx needs these: a CSV is read without them (and without their import time)
        from python_calamine import CalamineError, CalamineWorkbook

        from automation.excel.read_form import DEFAULT_MAX_UNCOMPRESSED, check_package, is_panic

        self._errors = (CalamineError, ValueError, IndexError)
        self._is_panic = is_panic
        try:
            check_package(data, max_uncompressed=DEFAULT_MAX_UNCOMPRESSED)  # before calamine sees it
        except FileProblem as problem:
            raise SurveyRejected(problem.message) from problem
        with self._unreadable():
            self._book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        self._sheets: dict[str, Any] = {}

    @contextlib.contextmanager
    def _unreadable(self) -> Iterator[None]:
        """calamine's errors, and a panic inside it (pyo3's PanicException), as a rejection."""
        try:
            yield
        except self._errors as exc:
            raise SurveyRejected(UNREADABLE_XLSX) from exc
        except BaseException as exc:
            if self._is_panic(exc):
                raise SurveyRejected(UNREADABLE_XLSX) from exc
            raise

    def table(self, sheet: str = "") -> Table:
        """A fresh table of the sheet (by its name as compared: see `norm`), or of the first."""
        with self._unreadable():
            names = self._book.sheet_names
            if sheet:
                wanted = next((n for n in names if norm(n) == norm(sheet)), None)
                if wanted is None:
                    return Table([], iter(()), f"Excel: het blad '{sheet}' bestaat niet (wel: {', '.join(names)})")
            else:
                wanted = names[0]
            if wanted not in self._sheets:
                self._sheets[wanted] = self._book.get_sheet_by_name(wanted)
            rows = self._sheets[wanted].iter_rows()
        header: list[Any] = next(rows, [])
        # calamine's iterator keeps the sheet alive while rows are read
        return Table([_cell_text(h) for h in header], rows, f"Excel (blad '{wanted}')")


UNREADABLE_XLSX = "Het Excel-bestand kon niet worden gelezen; sla het opnieuw op als .xlsx."


def _cell_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# --- values -----------------------------------------------------------------------------------------
def number(value: Any) -> float | None:
    """A number from a cell: 3, '3', '3,5', '45 %', '1.234,5'. None when it is not a number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    text = str(value).strip().replace("%", "").replace("\u00a0", "").replace(" ", "")
    if not text:
        return None
    if "," in text:
        text = text.replace(".", "").replace(",", ".") if "." in text else text.replace(",", ".")
    try:
        result = float(text)
    except ValueError:
        return None
    return result if math.isfinite(result) else None  # NaN and infinity are not numbers here


def parse_groups(value: Any) -> tuple[int, ...]:
    """Groups 1-8 from '5-8', '5/6, 7 en 8', 'groep 7', 6. Empty when none are named."""
    text = str(value).strip()
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))
    found: set[int] = set()
    for start, end in re.findall(r"\b([1-8])\s*(?:-|t/m|tot en met)\s*([1-8])\b", text):
        found.update(range(int(start), int(end) + 1))
    text = re.sub(r"\b[1-8]\s*(?:-|t/m|tot en met)\s*[1-8]\b", " ", text)
    found.update(int(d) for d in re.findall(r"(?<!\d)([1-8])(?!\d)", text))
    return tuple(sorted(found))


def parse_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip().split(" ")[0].split("T")[0]
    for pattern in ("%d-%m-%Y", "%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


# --- recognising ------------------------------------------------------------------------------------
def _missing_columns(profile: Profile, header: Iterable[str]) -> list[str]:
    present = {norm(h) for h in header}
    return [c for c in profile.herkenning.kolommen if norm(c) not in present]


def recognise(
    name: str, profiles: Sequence[LoadedProfile], header_of: Callable[[LoadedProfile], Table]
) -> LoadedProfile:
    """The first profile whose columns and file-name pattern match, or a rejection that lists every
    profile tried and what did not match."""
    tried = []
    seen: Table | None = None
    for loaded in profiles:
        table = header_of(loaded)
        seen = seen or table
        missing = _missing_columns(loaded.profile, table.header)
        if not loaded.profile.matches_name(name):
            tried.append(
                f"- {loaded.profile.naam} ({loaded.source}): de bestandsnaam past niet bij "
                f"'{loaded.profile.herkenning.bestandsnaam}'"
            )
        elif not table.header:
            what = table.what if "bestaat niet" in table.what else table.no_header or f"{table.what}: geen kopregel"
            tried.append(f"- {loaded.profile.naam} ({loaded.source}): {what}")
        elif missing:
            tried.append(f"- {loaded.profile.naam} ({loaded.source}): kolom(men) ontbreken: {', '.join(missing)}")
        else:
            return loaded
    header = [h for h in (seen.header if seen else []) if h]
    if len(header) >= 3 and all(len(h) <= 40 for h in header):  # a table's header: its names help a profile
        columns = ", ".join(header[:15]) + (f", … ({len(header)} kolommen)" if len(header) > 15 else "")
    elif not header:
        columns = "(geen kopregel gevonden)"
    else:  # a note or a letter, not a table: its first line is not repeated (it may name a pupil)
        columns = "(geen kopregel met kolommen; de eerste regel wordt niet herhaald)"
    raise SurveyRejected(
        "Geen profiel voor peilingen herkent dit bestand als export van een vragenlijst.\n"
        f"Gelezen als {seen.what if seen else '?'}; kolommen: {columns}.\nGeprobeerde profielen:\n"
        + "\n".join(tried)
        + "\nIs het een export van een peiling? Dan kan het bestuurskantoor een profiel voor deze leverancier "
        "toevoegen in de map 'profielen' (zie de handleiding).",
        recognised=False,
    )


def import_survey(
    data: bytes,
    name: str,
    profiles: Sequence[LoadedProfile],
    *,
    schools: Mapping[str, str],
    today: dt.date,
) -> SurveyImport:
    """Recognise and import one export; raise SurveyRejected with a Dutch explanation otherwise."""
    is_xlsx = data.startswith(ZIP_MAGIC)  # a CSV may begin with 'PK' (a column 'PKnummer')
    headers: dict[tuple[str, int, tuple[str, ...]], Table] = {}
    tables: Callable[[str], Table] | None = None  # the export, read when the first profile looks at it

    def where(loaded: LoadedProfile) -> tuple[str, int, tuple[str, ...]]:
        found = loaded.profile.herkenning
        return (found.blad if is_xlsx else "", found.kopregel, tuple(found.kopregel_met))

    def header_of(loaded: LoadedProfile) -> Table:
        nonlocal tables
        key = where(loaded)
        if key not in headers:
            sheet, row, having = key
            if tables is None:
                tables = _Workbook(data).table if is_xlsx else _csv_tables(data)
            headers[key] = header_at(tables(sheet), row=row, having=having)
        return headers[key]

    loaded = recognise(name, profiles, header_of)
    return _import(headers.pop(where(loaded)), name, loaded, schools=schools, today=today)  # rows still unread


# --- importing --------------------------------------------------------------------------------------
@dataclass
class _ThemeAcc:
    respondents: int = 0
    total: float = 0.0  # sum of respondents' theme means, or of n-weighted question means
    weight: float = 0.0
    positive: float = 0.0
    items: float = 0.0


@dataclass
class _Acc:
    respondents: int = 0
    dates: set[dt.date] = field(default_factory=set)
    groups: set[int] = field(default_factory=set)
    instruments: set[str] = field(default_factory=set)
    themes: dict[str, _ThemeAcc] = field(default_factory=dict)


class _Resolver:
    """Turns cell values into school, group, school year; remembers each distinct value once."""

    def __init__(self, profile: Profile, schools: Mapping[str, str], name: str, today: dt.date) -> None:
        self.profile = profile
        self.schools = schools
        self.by_name = {norm(n): b for b, n in schools.items()} | {
            norm(k): v.upper() for k, v in profile.school.waarden.items()
        }
        self.cache: dict[tuple[str, Any], Any] = {}
        self.unknown: dict[str, Counter[str]] = {}  # what -> value -> how many rows
        self.today = today
        self.file_school = self._school_from_name(name) if profile.school.uit_bestandsnaam else None
        self.group_values = {norm(k): v for k, v in profile.respondent.waarden.items()}
        self.unknown_share = 0.0  # of the answers given, the share the profile does not know
        self.bad_weights: Counter[str] = Counter()  # an unusable weight -> the rows that have it
        self.without_year = 0  # rows with neither a school year nor a date, and no fixed year in the profile

    def _school_from_name(self, name: str) -> str | None:
        upper = name.upper()
        found = [b for b in self.schools if re.search(rf"(?<![0-9A-Z]){b}(?:\d\d)?(?![0-9A-Z])", upper)]
        if len(found) == 1:
            return found[0]
        names = [b for b, n in self.schools.items() if norm(n) in norm(name)]
        return names[0] if len(names) == 1 else None

    def _note(self, what: str, rows: int, value: Any) -> None:
        self.unknown.setdefault(what, Counter())[str(value).strip()[:40]] += rows

    def school(self, value: Any, rows: int) -> str | None:
        if self.profile.school.kolom:
            key = ("school", value)
            found = self.cache.get(key, _MISSING)
            if found is _MISSING:
                text = _cell_text(value).upper()
                code = text[:4] if len(text) in (4, 6) else text
                found = code if code in self.schools else self.by_name.get(norm(value))
                self.cache[key] = found
            if found is None and str(value).strip():
                self._note("school", rows, value)
            elif found is None and self.profile.school.standaard:
                return self.profile.school.standaard.upper()
            return found  # type: ignore[no-any-return]
        if self.file_school:
            return self.file_school
        return self.profile.school.standaard.upper() or None

    def group(self, value: Any, rows: int) -> str | None:
        if not self.profile.respondent.kolom:
            return self.profile.respondent.vast or None
        key = ("groep", value)
        found = self.cache.get(key, _MISSING)
        if found is _MISSING:
            text = norm(value)
            found = self.group_values.get(text) or GROUP_WORDS.get(text) or (text if text in GROUPS else None)
            self.cache[key] = found
        if found is None:
            if self.profile.respondent.vast:
                return self.profile.respondent.vast
            self._note("respondent", rows, value)
        return found  # type: ignore[no-any-return]

    def year(self, year_value: Any, date: dt.date | None, rows: int) -> str:
        """The school year from the year column, else from the date, else the profile's fixed one;
        else the school year the export came in, with the rows counted: the import then warns."""
        if year_value is not None:
            key = ("jaar", year_value)
            found = self.cache.get(key, _MISSING)
            if found is _MISSING:
                found = parse_schoolyear(str(year_value))
                self.cache[key] = found
            if found:
                return found  # type: ignore[no-any-return]
        if date is not None:
            return schoolyear(date)
        if self.profile.afname.schooljaar:
            return self.profile.afname.schooljaar
        self.without_year += rows
        return schoolyear(self.today)

    def date(self, value: Any) -> dt.date | None:
        key = ("datum", value)
        found = self.cache.get(key, _MISSING)
        if found is _MISSING:
            found = parse_date(value)
            self.cache[key] = found
        return found  # type: ignore[no-any-return]

    def pupil_groups(self, value: Any) -> tuple[int, ...]:
        key = ("klas", value)
        found = self.cache.get(key, _MISSING)
        if found is _MISSING:
            found = parse_groups(value)
            self.cache[key] = found
        return found  # type: ignore[no-any-return]


def _positions(header: Sequence[str]) -> dict[str, int]:
    """Column title (as compared: see `norm`) -> its index; the first of two equal titles wins."""
    positions: dict[str, int] = {}
    for i, title in enumerate(header):
        positions.setdefault(norm(title), i)
    return positions


def _index(positions: Mapping[str, int], column: str, *, missing: list[str]) -> int | None:
    if not column:
        return None
    found = positions.get(norm(column))
    if found is None:
        missing.append(column)
    return found


def _import(
    table: Table, name: str, loaded: LoadedProfile, *, schools: Mapping[str, str], today: dt.date
) -> SurveyImport:
    profile = loaded.profile
    resolver = _Resolver(profile, schools, name, today)
    missing: list[str] = []
    optional: list[str] = []  # facts about the survey the export may leave out
    positions = _positions(table.header)
    ix = {
        "school": _index(positions, profile.school.kolom, missing=missing),
        "respondent": _index(positions, profile.respondent.kolom, missing=missing),
        "jaar": _index(positions, profile.afname.schooljaar_kolom, missing=optional),
        "datum": _index(positions, profile.afname.datum_kolom, missing=optional),
        "klas": _index(positions, profile.afname.groep_kolom, missing=optional),
        "instrument": _index(positions, profile.afname.instrument_kolom, missing=[]),
        "gewicht": _index(positions, profile.respondent.gewicht_kolom, missing=missing),  # never left out
    }
    notes = [f"kolom(men) niet in de export en dus niet gebruikt: {', '.join(optional)}"] if optional else []
    if profile.soort == "per_vraag":
        assert profile.per_vraag is not None
        pv = profile.per_vraag
        ix["vraag"] = _index(positions, pv.vraag_kolom, missing=missing)
        ix["aantal"] = _index(positions, pv.aantal_kolom, missing=missing)
        ix["thema"] = _index(positions, pv.thema_kolom, missing=missing)
        answers = [(_index(positions, col, missing=missing), value) for col, value in pv.antwoordkolommen.items()]
        if missing:
            raise _columns_missing(loaded, missing)
        accs, warnings = _per_question(table, resolver, ix, [(i, v) for i, v in answers if i is not None])
        warnings = notes + warnings
    else:
        themes = []
        absent: list[str] = []
        for key, theme in profile.themas.items():
            reverse = {norm(q) for q in theme.omgekeerd}
            cols = []
            for question in theme.vragen:
                i = _index(positions, question, missing=absent)
                if i is not None:
                    cols.append((i, norm(question) in reverse))
            if cols:
                themes.append((key, cols))
        if profile.herkenning.alle_vragen:
            missing += absent
        elif absent:
            notes.append(f"vragen uit het profiel die niet in de export staan: {', '.join(absent)}")
        if missing:
            raise _columns_missing(loaded, missing)
        accs, warnings = _per_respondent(table, resolver, ix, themes)
        if resolver.unknown_share > UNKNOWN_LIMIT:
            raise SurveyRejected(
                f"Het bestand is herkend als export van '{profile.naam}' ({loaded.source}), maar "
                f"{resolver.unknown_share:.0%} van de antwoorden is onbekend, meer dan {UNKNOWN_LIMIT:.0%}: "
                + "; ".join(warnings)
                + " De uitkomsten zouden dan niet kloppen. Pas het profiel aan en lever de export opnieuw in."
            )
        warnings = notes + warnings
    problems = []
    if resolver.bad_weights:
        problems.append(
            f"geen gewicht (een getal van 0 of meer) in de kolom '{profile.respondent.gewicht_kolom}': "
            f"{_listed(resolver.bad_weights)}. Vul het gewicht in bij elke respondent, of haal 'gewicht_kolom' uit het "
            "profiel als de export niet gewogen is"
        )
    if resolver.unknown.get("school"):
        listed = _listed(resolver.unknown["school"])
        known = "; ".join(f"{b} {n}" for b, n in sorted(schools.items()))
        problems.append(
            f"onbekende school: {listed}. Gebruik de BRIN-code of de naam zoals in de instellingen ({known}), of "
            "zet de naam die de leverancier gebruikt onder [school.waarden] in het profiel."
        )
    if resolver.unknown.get("respondent"):
        listed = _listed(resolver.unknown["respondent"])
        problems.append(
            f"onbekende respondentgroep: {listed}. Verwacht: leerlingen, ouders of personeel "
            "(of voeg de waarde toe onder [respondent.waarden] in het profiel)."
        )
    if not accs and not problems:
        problems.append("het bestand bevat geen antwoorden (alleen een kopregel, of alle regels zijn leeg)")
    if problems:
        raise SurveyRejected(
            f"Het bestand is herkend als export van '{profile.naam}' ({loaded.source}), maar kan niet "
            "worden ingelezen:\n- " + "\n- ".join(problems)
        )
    if resolver.unknown.get("klas"):
        warnings.append(f"groep van de leerling niet herkend (geen groep 1-8): {_listed(resolver.unknown['klas'])}")
    said = [c for c in (profile.afname.schooljaar_kolom, profile.afname.datum_kolom) if c]
    if resolver.without_year and accs and not (said and set(said) <= set(optional)):
        # (when the export lacks every year column the profile names, the note above already says so)
        warnings.append(_no_year(loaded, resolver.without_year, schoolyear(today)))
    results = tuple(_result(profile, key, acc) for key, acc in sorted(accs.items()))
    return SurveyImport(profile.naam, loaded.source, results, tuple(warnings))


def _listed(values: Counter[str]) -> str:
    shown = [f"'{v}' ({n} {'regel' if n == 1 else 'regels'})" for v, n in values.most_common(MAX_LISTED)]
    more = len(values) - MAX_LISTED
    return ", ".join(shown) + (f" en nog {more} andere" if more > 0 else "")


def _no_year(loaded: LoadedProfile, rows: int, assumed: str) -> str:
    afname = loaded.profile.afname
    said = [f"'{c}'" for c in (afname.schooljaar_kolom, afname.datum_kolom) if c]
    where = f" (de kolom {' of '.join(said)} ontbreekt of is leeg)" if said else ""
    copy = (
        " Een ingebouwd profiel past u niet aan: kopieer het naar de map 'profielen' en pas de kopie aan."
        if loaded.source.startswith("ingebouwd")
        else ""
    )
    return (
        f"{rows} {'regel heeft' if rows == 1 else 'regels hebben'} geen schooljaar en geen afnamedatum{where}; "
        f"de uitkomsten staan daarom in schooljaar {assumed}, het schooljaar waarin de export binnenkwam. "
        "Is de peiling in een ander schooljaar afgenomen? Zet dan in het profiel onder [afname] het schooljaar "
        'vast (schooljaar = "2026-2027"), of noem de kolom met het schooljaar (schooljaar_kolom) of met de '
        f"afnamedatum (datum_kolom), en lever de export daarna opnieuw in.{copy}"
    )


def _columns_missing(loaded: LoadedProfile, missing: list[str]) -> SurveyRejected:
    return SurveyRejected(
        f"Het bestand is herkend als export van '{loaded.profile.naam}' ({loaded.source}), maar deze "
        f"kolommen uit het profiel ontbreken: {', '.join(missing)}. Exporteer opnieuw met alle vragen, "
        "of laat het bestuurskantoor het profiel aanpassen."
    )


def _per_respondent(
    table: Table,
    resolver: _Resolver,
    ix: Mapping[str, int | None],
    themes: list[tuple[str, list[tuple[int, bool]]]],
) -> tuple[dict[tuple[str, str, str], _Acc], list[str]]:
    """One pass in chunks of rows. Rows come in runs of one school and respondent group; per run,
    each theme's answers of a row are taken as one tuple (itemgetter) and counted (Counter) — both
    in C. A survey has few distinct answer patterns per theme, so each is scored once afterwards,
    however many respondents gave it.

    A respondent's theme score is the mean of their answers to its questions (reverse-scored items
    turned round); the theme's mean is the mean of those scores over the respondents who answered
    any of its questions; its positive share is the share of all its answers at or above
    `positief_vanaf` (applied after reversing). With a weight column, a respondent's score and
    answers count with their weight (a weighted mean and a weighted share); the number of
    respondents stays a count of rows."""
    profile = resolver.profile
    lo, hi, from_ = profile.schaal.min, profile.schaal.max, profile.schaal.positief_vanaf
    labels: dict[str, float | None] = {norm(k): v for k, v in profile.antwoorden.items()}
    labels.update((norm(k), None) for k in profile.overslaan)
    present = [i for i in (ix[n] for n in ("school", "respondent", "jaar", "instrument")) if i is not None]
    extras = [i for i in (ix["datum"], ix["klas"]) if i is not None]  # vary per row: counted per run
    questions = sorted({i for _, cols in themes for i, _ in cols})
    width = max([*present, *extras, *questions, ix["gewicht"] or 0, 0]) + 1
    key_of = _getter(present)
    answers_of = _getter(questions)
    i_w = ix["gewicht"]
    getters = [_getter([i for i, _ in cols] + ([i_w] if i_w is not None else [])) for _, cols in themes]
    key_ids: dict[Any, int] = {}
    patterns: list[dict[int, Counter[Any]]] = [{} for _ in themes]  # theme -> key -> answers -> n
    seen: dict[int, dict[int, Counter[Any]]] = {i: {} for i in extras}  # dates and groups per key
    answered: Counter[int] = Counter()
    rows = iter(table.rows)
    while chunk := list(itertools.islice(rows, CHUNK)):
        if min(map(len, chunk)) < width:  # a short row (a blank line, a cut-off export): padded
            chunk = [r if len(r) >= width else [*r, *([""] * (width - len(r)))] for r in chunk]
        for key_id, run in _runs(chunk, key_of, key_ids):
            answered[key_id] += _answered(run, questions, answers_of)
            for getter, per_key in zip(getters, patterns, strict=True):
                per_key.setdefault(key_id, Counter()).update(map(getter, run))
            for i, per_key in seen.items():
                per_key.setdefault(key_id, Counter()).update(map(operator.itemgetter(i), run))
    # now the few distinct keys and answer patterns
    resolved: dict[int, tuple[tuple[str, str, str] | None, str]] = {}
    accs: dict[tuple[str, str, str], _Acc] = {}
    for raw, key_id in key_ids.items():
        cells = dict(zip(present, raw if len(present) > 1 else (raw,), strict=True))

        def cell(name: str, cells: dict[int, Any] = cells) -> Any:
            i = ix[name]
            return cells[i] if i is not None else None

        count = answered.get(key_id, 0)
        instrument = str(cell("instrument") or "").strip()
        if not count:  # rows that answered nothing (a blank line, a row of separators Excel leaves at the end)
            resolved[key_id] = (None, instrument)  # are no respondents: their school and group are not asked
            continue
        school = resolver.school(cell("school"), count)
        group = resolver.group(cell("respondent"), count)
        dates = [resolver.date(d) for d in seen[ix["datum"]].get(key_id, ())] if ix["datum"] is not None else []
        known = [d for d in dates if d is not None]
        year = resolver.year(cell("jaar"), max(known) if known else None, count) if school and group else ""
        if not (school and group):
            resolved[key_id] = (None, instrument)
            continue
        key = (school, year, group)
        resolved[key_id] = (key, instrument)
        acc = accs.setdefault(key, _Acc())
        acc.respondents += count
        acc.dates.update(known)
        if ix["klas"] is not None:
            for value, n in seen[ix["klas"]].get(key_id, Counter()).items():
                found = resolver.pupil_groups(value)
                if not found and str(value).strip():
                    resolver._note("klas", n, value)
                acc.groups.update(found)
        if instrument:
            acc.instruments.add(instrument)
    unknown: Counter[str] = Counter()
    outside: Counter[str] = Counter()  # numbers outside the scale
    given = 0  # answers that are not empty
    values: dict[Any, float | None] = {}
    weights: dict[Any, float | None] = {}
    bad_weights: Counter[str] = Counter()  # a weight that is empty, not a number or below 0
    for (theme, cols), per_key in zip(themes, patterns, strict=True):
        reverse = [r for _, r in cols]
        threshold = profile.themas[theme].positief_vanaf or from_
        unweighted: Counter[str] = Counter()  # this theme's rows without a usable weight
        for key_id, counter in per_key.items():
            target = resolved[key_id][0]
            if target is None:
                continue
            acc = accs[target]
            for pattern, count in counter.items():
                given_cells: tuple[Any, ...] = pattern if len(cols) > 1 or i_w is not None else (pattern,)
                weight = 1.0
                if i_w is not None:
                    given_cells, raw_weight = given_cells[:-1], given_cells[-1]
                    if raw_weight not in weights:
                        parsed = number(raw_weight)
                        weights[raw_weight] = parsed if parsed is not None and parsed >= 0 else None
                    w = weights[raw_weight]
                    if w is None:
                        if any(str(c).strip() for c in given_cells):
                            unweighted[str(raw_weight).strip()[:40]] += count
                        continue
                    weight = w
                total = 0.0
                k = pos = 0
                for raw, rev in zip(given_cells, reverse, strict=True):
                    if raw not in values:
                        values[raw] = _answer(raw, labels, lo, hi)
                    v = values[raw]
                    if v is None:
                        if str(raw).strip() and norm(raw) not in labels:
                            given += count
                            shown = str(raw).strip()[:40]
                            (outside if number(raw) is not None else unknown)[shown] += count
                        continue
                    given += count
                    if rev:
                        v = lo + hi - v
                    total += v
                    k += 1
                    pos += v >= threshold
                if not k:
                    continue
                t = acc.themes.setdefault(theme, _ThemeAcc())
                t.respondents += count
                t.total += total / k * count * weight
                t.weight += count * weight
                t.positive += pos * count * weight
                t.items += k * count * weight
        bad_weights |= unweighted  # a row counts once, however many themes it answered
    resolver.bad_weights = bad_weights
    warnings = []
    if unknown:
        listed = ", ".join(f"'{v}'" for v, _ in unknown.most_common(MAX_LISTED))
        warnings.append(
            f"{sum(unknown.values())} antwoord(en) niet herkend en niet meegeteld: {listed}. "
            "Voeg ze toe onder [antwoorden] in het profiel (of onder overslaan als ze niet mogen meetellen)."
        )
    if outside:
        listed = ", ".join(f"'{v}'" for v, _ in outside.most_common(MAX_LISTED))
        warnings.append(
            f"{sum(outside.values())} antwoord(en) buiten de schaal {lo:g}-{hi:g} niet meegeteld: {listed}. "
            "Klopt [schaal] in het profiel?"
        )
    resolver.unknown_share = (sum(unknown.values()) + sum(outside.values())) / given if given else 0.0
    return accs, warnings


def _runs(
    chunk: list[Sequence[Any]], key_of: Callable[[Sequence[Any]], Any], key_ids: dict[Any, int]
) -> Iterator[tuple[int, list[Sequence[Any]]]]:
    """The chunk's runs of rows with the same key, each with its key's number (in the order keys are
    first seen). An export lists one school and group after another: most chunks are one run."""
    keys = list(map(key_of, chunk))
    if keys.count(keys[0]) == len(keys):
        yield key_ids.setdefault(keys[0], len(key_ids)), chunk
        return
    ids = [key_ids.setdefault(k, len(key_ids)) for k in keys]
    starts = [j for j in range(1, len(ids)) if ids[j] != ids[j - 1]]
    for start, end in zip([0, *starts], [*starts, len(ids)], strict=True):
        yield ids[start], chunk[start:end]


def _answered(run: list[Sequence[Any]], questions: Sequence[int], answers_of: Callable[[Sequence[Any]], Any]) -> int:
    """How many rows answered something: a question cell that is set (not empty, not 0). Most rows
    answer the first question; only the others are looked at whole."""
    if not questions:
        return 0
    first = list(map(operator.truth, map(operator.itemgetter(questions[0]), run)))
    found = first.count(True)
    if found < len(run) and len(questions) > 1:
        rest = itertools.compress(run, map(operator.not_, first))
        found += sum(map(any, map(answers_of, rest)))
    return found


def _getter(indexes: Sequence[int]) -> Callable[[Sequence[Any]], Any]:
    """itemgetter: a tuple for several indexes, the bare cell for one."""
    return operator.itemgetter(*indexes) if indexes else (lambda row: ())


def _answer(cell: Any, labels: Mapping[str, float | None], lo: float, hi: float) -> float | None:
    text = norm(cell) if not isinstance(cell, (int, float)) else ""
    if text in labels:
        return labels[text]
    value = number(cell)
    if value is not None and lo <= value <= hi:
        return value
    return None


def _per_question(
    table: Table,
    resolver: _Resolver,
    ix: Mapping[str, int | None],
    answers: list[tuple[int, float]],
) -> tuple[dict[tuple[str, str, str], _Acc], list[str]]:
    """Each row is one question: its theme is the theme that lists it under 'vragen', else the theme
    whose 'categorie' is the row's value in the category column (`thema_kolom`)."""
    profile = resolver.profile
    from_ = profile.schaal.positief_vanaf
    questions: dict[str, str] = {}
    categories: dict[str, str] = {}
    for key, definition in profile.themas.items():
        for q in definition.vragen:
            questions[norm(q)] = key
        for category in definition.categories:
            categories[category] = key
    i_c = ix.get("thema")
    seen_categories: set[str] = set()
    reverse = {norm(q) for definition in profile.themas.values() for q in definition.omgekeerd}
    lo, hi = profile.schaal.min, profile.schaal.max
    accs: dict[tuple[str, str, str], _Acc] = {}
    not_mapped: list[str] = []
    no_answers: list[int] = []
    odd_sums: list[int] = []
    seen_questions: set[str] = set()
    i_q, i_n = ix["vraag"], ix["aantal"]
    assert i_q is not None and i_n is not None
    for number_, row in enumerate(table.rows, start=table.first_row):
        row = list(row) + [""] * max(0, len(table.header) - len(row))
        if not any(str(c).strip() for c in row):
            continue
        question = norm(row[i_q])
        theme = questions.get(question)
        if i_c is not None:
            seen_categories.add(norm(row[i_c]))
            theme = theme or categories.get(norm(row[i_c]))
        if theme is None:
            shown = str(row[i_q]).strip()[:60]
            shown += f" (categorie: {str(row[i_c]).strip()[:40] or 'leeg'})" if i_c is not None else ""
            if question and shown not in not_mapped and len(not_mapped) < MAX_LISTED:
                not_mapped.append(shown)
            continue
        seen_questions.add(question)
        school = resolver.school(row[ix["school"]] if ix["school"] is not None else None, 1)
        group = resolver.group(row[ix["respondent"]] if ix["respondent"] is not None else None, 1)
        if school is None or group is None:
            continue
        n = number(row[i_n])
        shares = [(max(0.0, number(row[i]) or 0.0), value) for i, value in answers]
        total = sum(p for p, _ in shares)
        if n is None or not 0 < n <= MAX_RESPONDENTS or total <= 0:
            no_answers.append(number_)
            continue
        if not (0.9 <= total <= 1.1 or 90 <= total <= 110):
            odd_sums.append(number_)
        if question in reverse:
            shares = [(p, lo + hi - v) for p, v in shares]
        mean = sum(p * v for p, v in shares) / total
        positive = sum(p for p, v in shares if v >= (profile.themas[theme].positief_vanaf or from_)) / total
        date = resolver.date(row[ix["datum"]]) if ix["datum"] is not None else None
        year = resolver.year(row[ix["jaar"]] if ix["jaar"] is not None else None, date, 1)
        acc = accs.setdefault((school, year, group), _Acc())
        t = acc.themes.setdefault(theme, _ThemeAcc())
        t.respondents = max(t.respondents, int(n))
        t.total += mean * n
        t.weight += n
        t.positive += positive * n
        t.items += n
        acc.respondents = max(acc.respondents, int(n))
        if date is not None:
            acc.dates.add(date)
        if ix["klas"] is not None:
            acc.groups.update(resolver.pupil_groups(row[ix["klas"]]))
    warnings = []
    if not_mapped:
        warnings.append(
            "vragen die bij geen thema van het profiel horen en niet zijn meegeteld: "
            + "; ".join(f"'{q}'" for q in not_mapped)
        )
    if no_answers:
        warnings.append(
            "regels zonder aantal of percentages overgeslagen: " + ", ".join(str(r) for r in no_answers[:MAX_LISTED])
        )
    if odd_sums:
        warnings.append(
            "regels waarvan de percentages niet samen 100% zijn (naar 100% omgerekend): "
            + ", ".join(str(r) for r in odd_sums[:MAX_LISTED])
        )
    absent = [q for definition in profile.themas.values() for q in definition.vragen if norm(q) not in seen_questions]
    if absent:
        warnings.append(f"vragen uit het profiel die niet in de export staan: {', '.join(absent[:10])}")
    unused = [
        str(definition.categorie if isinstance(definition.categorie, str) else ", ".join(definition.categorie))
        for definition in profile.themas.values()
        if definition.categories and not set(definition.categories) & seen_categories
    ]
    if unused:
        warnings.append(f"categorieën uit het profiel die niet in de export staan: {'; '.join(unused)}")
    return accs, warnings


def _result(profile: Profile, key: tuple[str, str, str], acc: _Acc) -> SurveyResult:
    school, year, group = key
    themes = []
    for theme_key in profile.themas:
        t = acc.themes.get(theme_key)
        if t is None or not t.weight:
            continue
        themes.append(
            ThemeAggregate(
                theme_key,
                profile.theme_label(theme_key),
                t.respondents,
                round(t.total / t.weight, 4),
                round(t.positive / t.items, 4) if t.items else None,
            )
        )
    fixed = parse_groups(profile.afname.groepen) if profile.afname.groepen else ()
    instrument = sorted(acc.instruments)[0] if len(acc.instruments) == 1 else profile.instrument
    return SurveyResult(
        school=school,
        schooljaar=year,
        groep=group,
        instrument=instrument,
        respondents=acc.respondents,
        scale_min=profile.schaal.min,
        scale_max=profile.schaal.max,
        themes=tuple(themes),
        afname=max(acc.dates) if acc.dates else None,
        groepen=tuple(sorted(acc.groups)) or fixed,
    )
