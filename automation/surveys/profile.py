"""Mapping profiles: plain TOML files that say how to read one supplier's survey export.

A profile says how to recognise the export (columns that must be there, optionally a file-name
pattern), where school and respondent group are, which questions form which theme, how answer
labels map to numbers, which items are reverse-scored, and the scale. No code: a board adds a
profile for a new supplier by writing one file in its `profielen/` folder (see the README).

Two layouts:
- `per_respondent`: one row per respondent, one column per question;
- `per_vraag`: one row per question (per school and group), one column per answer with the
  percentage that gave it, and a column with the number of respondents.

Which profile reads a file: the board's own profiles are tried first, in the order of their file
names, then the built-in ones, in the order of theirs (see `all_profiles`); the first whose columns
(in its header row) and file-name pattern match reads the file, and no later one is tried.

Reversed questions (`omgekeerd`) are turned round first (on a 1-4 scale, 1 becomes 4), and
`positief_vanaf` is applied after that, to the turned-round value: it always means 'this good or
better', whichever way a question is asked.

With a weight column (`[respondent] gewicht_kolom`), each respondent counts with their weight: a
theme's mean is the weighted mean of the respondents' theme scores (the sum of weight times score
over the sum of the weights), and its share of positive answers is the weighted share (the sum of
weight times positive answers over the sum of weight times answers). The number of respondents stays
a count of rows.
"""

from __future__ import annotations

import fnmatch
import functools
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from automation.errors import ProfileError
from automation.forms.peiling import THEMES
from automation.messages import dutch_error
from automation.schoolyear import parse_schoolyear

GROUPS = ("leerlingen", "ouders", "personeel")
THEME_LABELS = dict(THEMES)


def norm(text: Any) -> str:
    """How headers and labels are compared: case, surrounding and double spaces do not matter."""
    return " ".join(str(text).split()).casefold()


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Herkenning(_Strict):
    kolommen: Annotated[list[str], Field(min_length=1)]  # all must be in the header row
    bestandsnaam: str = "*"  # a pattern on the file name, like '*zien*.csv'
    blad: str = ""  # xlsx: the sheet to read (default: the first)
    alle_vragen: bool = True  # false: a question column the export lacks is skipped (with a warning)
    kopregel: Annotated[int, Field(ge=0)] = 0  # the header's row number (1 = the first row; 0: the first row)
    kopregel_met: list[str] = []  # or: the header is the first row that has all these columns

    @model_validator(mode="after")
    def _one_header(self) -> Herkenning:
        if self.kopregel and self.kopregel_met:
            raise ValueError("[herkenning] heeft 'kopregel' of 'kopregel_met', niet allebei")
        return self


class SchoolBron(_Strict):
    kolom: str = ""  # the column with the BRIN code (or the school's name)
    uit_bestandsnaam: bool = False  # a BRIN code of the board in the file name
    standaard: str = ""  # one fixed BRIN code
    waarden: dict[str, str] = {}  # the supplier's name for a school -> its BRIN code

    @model_validator(mode="after")
    def _one_source(self) -> SchoolBron:
        if not (self.kolom or self.uit_bestandsnaam or self.standaard):
            raise ValueError("[school] moet 'kolom', 'uit_bestandsnaam = true' of 'standaard' hebben")
        return self


class RespondentBron(_Strict):
    kolom: str = ""  # the column that says pupil, parent or staff
    vast: Literal["", "leerlingen", "ouders", "personeel"] = ""  # or one fixed group for the whole file
    waarden: dict[str, Literal["leerlingen", "ouders", "personeel"]] = {}  # column value -> group
    gewicht_kolom: str = ""  # a column with each respondent's weight (a number of 0 or more)

    @model_validator(mode="after")
    def _one_source(self) -> RespondentBron:
        if not (self.kolom or self.vast):
            raise ValueError("[respondent] moet 'kolom' of 'vast' hebben")
        return self


class Afname(_Strict):
    schooljaar_kolom: str = ""  # a column with '2026-2027'
    datum_kolom: str = ""  # a column with the date the survey was taken
    groep_kolom: str = ""  # the pupil's group (groep 1-8, '5/6', 'groep 7')
    groepen: str = ""  # or the groups that took part, fixed: '5-8'
    instrument_kolom: str = ""  # a column with the instrument's name
    schooljaar: str = ""  # the school year, fixed: for exports with neither a year nor a date

    @field_validator("schooljaar")
    @classmethod
    def _written_year(cls, value: str) -> str:
        if value and parse_schoolyear(value) is None:
            raise ValueError(f"'{value}' is geen schooljaar; schrijf het als 2026-2027")
        return parse_schoolyear(value) or ""


class Schaal(_Strict):
    min: float = 1
    max: float = 4
    positief_vanaf: float  # an answer at or above this value counts as positive (after reversing)

    @model_validator(mode="after")
    def _order(self) -> Schaal:
        if not self.min < self.max:
            raise ValueError("[schaal] 'min' moet kleiner zijn dan 'max'")
        if not self.min <= self.positief_vanaf <= self.max:
            raise ValueError("[schaal] 'positief_vanaf' moet tussen 'min' en 'max' liggen")
        return self


class Thema(_Strict):
    vragen: list[str] = []  # question columns (per_respondent) or question texts/codes
    categorie: str | list[str] = ""  # per_vraag: the value(s) of the category column for this theme
    omgekeerd: list[str] = []  # reverse-scored: a high answer is a bad sign
    naam: str = ""  # for a theme outside the standard list
    positief_vanaf: float | None = None  # this theme's own threshold (after turning reversed items round)

    @property
    def categories(self) -> tuple[str, ...]:
        values = [self.categorie] if isinstance(self.categorie, str) else self.categorie
        return tuple(norm(v) for v in values if str(v).strip())

    @model_validator(mode="after")
    def _reverse_in_questions(self) -> Thema:
        if not self.vragen and not self.categories:
            raise ValueError("een thema heeft 'vragen' of een 'categorie' nodig")
        if self.categories:  # the category's questions are not listed: any of them may be reversed
            return self
        unknown = {norm(q) for q in self.omgekeerd} - {norm(q) for q in self.vragen}
        if unknown:
            raise ValueError(f"'omgekeerd' noemt vragen die niet in 'vragen' staan: {', '.join(sorted(unknown))}")
        return self


class PerVraag(_Strict):
    vraag_kolom: str  # the column with the question's code or text
    aantal_kolom: str  # the number of respondents for that question
    antwoordkolommen: Annotated[dict[str, float], Field(min_length=2)]  # answer column -> value on the scale
    thema_kolom: str = ""  # a column with each question's category: themes by 'categorie' instead of 'vragen'


class Profile(_Strict):
    naam: Annotated[str, Field(min_length=1)]
    omschrijving: str = ""
    instrument: str = ""  # the instrument's name as the monitor check knows it ("": the school form's)
    soort: Literal["per_respondent", "per_vraag"] = "per_respondent"
    herkenning: Herkenning
    school: SchoolBron
    respondent: RespondentBron
    afname: Afname = Afname()
    schaal: Schaal
    antwoorden: dict[str, float] = {}  # answer label -> number (numbers themselves are always read)
    overslaan: list[str] = []  # answers that do not count, like 'weet ik niet' (not reported as unknown)
    per_vraag: PerVraag | None = None
    themas: Annotated[dict[str, Thema], Field(min_length=1)]

    @field_validator("themas")
    @classmethod
    def _theme_names(cls, value: dict[str, Thema]) -> dict[str, Thema]:
        for key, theme in value.items():
            if key not in THEME_LABELS and not theme.naam:
                known = ", ".join(THEME_LABELS)
                raise ValueError(f"thema '{key}' is geen standaardthema ({known}); geef het dan een 'naam'")
        return value

    @model_validator(mode="after")
    def _layout(self) -> Profile:
        if self.soort == "per_vraag" and self.per_vraag is None:
            raise ValueError("een profiel met soort = 'per_vraag' heeft een tabel [per_vraag] nodig")
        by_category = [key for key, theme in self.themas.items() if theme.categories]
        if by_category and not (self.soort == "per_vraag" and self.per_vraag and self.per_vraag.thema_kolom):
            raise ValueError(
                f"thema '{by_category[0]}' heeft een 'categorie': dat kan alleen met soort = 'per_vraag' en "
                "een 'thema_kolom' onder [per_vraag]"
            )
        if self.respondent.gewicht_kolom and self.soort != "per_respondent":
            raise ValueError(
                "[respondent] 'gewicht_kolom' kan alleen met soort = 'per_respondent' (een export met percentages "
                "per vraag is al gewogen door de leverancier)"
            )
        return self

    def theme_label(self, key: str) -> str:
        return self.themas[key].naam or THEME_LABELS[key]

    def matches_name(self, name: str) -> bool:
        return fnmatch.fnmatch(name.casefold(), self.herkenning.bestandsnaam.casefold())


@dataclass(frozen=True)
class LoadedProfile:
    profile: Profile
    source: str  # where it came from, for explanations: 'ingebouwd: generiek.toml' or a path


def parse_profile(text: str, *, source: str) -> Profile:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"{source}: geen geldig TOML ({exc})") from exc
    try:
        return Profile.model_validate(data)
    except ValidationError as exc:
        raise ProfileError(dutch_error(exc, source=source, model=Profile)) from exc


@functools.cache
def builtin_profiles() -> tuple[LoadedProfile, ...]:
    folder = resources.files("automation.surveys") / "profielen"
    loaded = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            source = f"ingebouwd: {entry.name}"
            loaded.append(LoadedProfile(parse_profile(entry.read_text(encoding="utf-8"), source=source), source))
    return tuple(loaded)


def board_profiles(folder: Path) -> tuple[list[LoadedProfile], list[str]]:
    """The board's own profiles, and a Dutch line for each profile file that is wrong."""
    loaded: list[LoadedProfile] = []
    errors: list[str] = []
    if not folder.is_dir():
        return loaded, errors
    for path in sorted(folder.glob("*.toml")):
        try:
            text = path.read_text(encoding="utf-8-sig")
            loaded.append(LoadedProfile(parse_profile(text, source=str(path)), str(path)))
        except ProfileError as exc:
            errors.append(str(exc))
        except (OSError, UnicodeDecodeError) as exc:
            errors.append(f"{path}: kan het bestand niet lezen ({exc})")
    return loaded, errors


def all_profiles(folder: Path) -> tuple[list[LoadedProfile], list[str]]:
    """Every profile in the order they are tried on an export: the board's own profiles first, sorted
    by file name (so '10-leverancier.toml' comes before '20-leverancier.toml'), then the built-in ones,
    sorted by file name. The first profile that recognises a file reads it; so a board's profile wins
    over a built-in one that would also match, and among the board's own the first file name wins."""
    own, errors = board_profiles(folder)
    return [*own, *builtin_profiles()], errors
