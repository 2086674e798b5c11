"""Mapping profiles: plain TOML files that say how to read one supplier's survey export.

A profile says how to recognise the export (columns that must be there, optionally a file-name
pattern), where school and respondent group are, which questions form which theme, how answer
labels map to numbers, which items are reverse-scored, and the scale. No code: a board adds a
profile for a new supplier by writing one file in its `profielen/` folder (see the README).

Two layouts:
- `per_respondent`: one row per respondent, one column per question;
- `per_vraag`: one row per question (per school and group), one column per answer with the
  percentage that gave it, and a column with the number of respondents.
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


class Schaal(_Strict):
    min: float = 1
    max: float = 4
    positief_vanaf: float  # an answer at or above this value counts as positive

    @model_validator(mode="after")
    def _order(self) -> Schaal:
        if not self.min < self.max:
            raise ValueError("[schaal] 'min' moet kleiner zijn dan 'max'")
        if not self.min <= self.positief_vanaf <= self.max:
            raise ValueError("[schaal] 'positief_vanaf' moet tussen 'min' en 'max' liggen")
        return self


class Thema(_Strict):
    vragen: Annotated[list[str], Field(min_length=1)]  # question columns (per_respondent) or question texts/codes
    omgekeerd: list[str] = []  # reverse-scored: a high answer is a bad sign
    naam: str = ""  # for a theme outside the standard list
    positief_vanaf: float | None = None  # this theme's own threshold (after turning reversed items round)

    @model_validator(mode="after")
    def _reverse_in_questions(self) -> Thema:
        unknown = {norm(q) for q in self.omgekeerd} - {norm(q) for q in self.vragen}
        if unknown:
            raise ValueError(f"'omgekeerd' noemt vragen die niet in 'vragen' staan: {', '.join(sorted(unknown))}")
        return self


class PerVraag(_Strict):
    vraag_kolom: str  # the column with the question's code or text
    aantal_kolom: str  # the number of respondents for that question
    antwoordkolommen: Annotated[dict[str, float], Field(min_length=2)]  # answer column -> value on the scale


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
    """The board's profiles first (a board's profile wins over a built-in one), then the built-in."""
    own, errors = board_profiles(folder)
    return [*own, *builtin_profiles()], errors
