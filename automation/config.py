"""The board's config file (`veiligheid.toml`), validated into typed settings.

Paths in the file are relative to the folder that holds it (the working folder).
"""

from __future__ import annotations

import logging
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from automation.errors import ConfigError, explain_os_error
from automation.forms import FORMS
from automation.forms.choices import DEFAULT_CHOICES, FIXED_LISTS, resolve_choices
from automation.messages import dutch_error
from automation.schoolyear import MONTHS

log = logging.getLogger(__name__)

CONFIG_NAME = "veiligheid.toml"
STAGING_NAME = ".verwerking"  # inside the inbox: files being processed
BRIN_RE = re.compile(r"^[0-9A-Z]{4}$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class School(_Strict):
    brin: str
    naam: Annotated[str, Field(min_length=1)]

    @field_validator("brin", mode="before")
    @classmethod
    def _brin(cls, value: Any) -> str:
        text = str(value).strip().upper()
        if not BRIN_RE.match(text):
            raise ValueError(f"'{value}' is geen geldige BRIN-code (4 letters/cijfers, zoals 12AB)")
        return text


def school_name_key(name: str) -> str:
    """A school's name as it is compared: case, surrounding and repeated spaces do not count."""
    return " ".join(name.split()).casefold()


class Mappen(_Strict):
    inbox: str = "inbox"
    outbox: str = "outbox"
    archief: str = "archief"
    data: str = "data"
    logs: str = "logs"
    inbox_voor_medewerkers: str = ""  # how staff know the inbox, e.g. 'S:\\Veiligheid\\Meldingen'
    profielen: str = "profielen"  # the board's own mapping profiles for survey exports


class Intake(_Strict):
    stabiel_seconden: Annotated[float, Field(ge=0, le=600)] = 2.0
    beschadigd_na_seconden: Annotated[float, Field(ge=0, le=86400)] = 30.0
    herscan_seconden: Annotated[float, Field(gt=0, le=86400)] = 60.0
    max_bestandsgrootte_mb: Annotated[float, Field(gt=0, le=1024)] = 25.0
    fsync: bool = True
    bevestigingen: bool = True
    # an entry the intake does not take (lock file, hidden, temporary, link, folder) or a file that keeps
    # waiting gets a word (status, Overzicht, a note in afgewezen/) once it stayed this long
    onbehandeld_melden_na_minuten: Annotated[float, Field(ge=0, le=525600)] = 60.0


class Overzicht(_Strict):
    open_dagen: Annotated[int, Field(ge=1, le=3650)] = 14  # 'open' longer than this is an open action
    bijwerken_in_excel: bool = False  # master locked by Excel: push into the open workbook (needs [excel])
    # the incident types that get a 'waarvan …' column of their own (the rest: 'waarvan overig');
    # None: every type of the board's list `incident_categorie`
    soorten_apart: list[str] | None = None


class Signalen(_Strict):
    """Early warnings (issue 15, part 2): the board's own thresholds, never the law's."""

    stijging_minimaal: Annotated[int, Field(ge=1, le=10000)] = 5  # at least this many this year, to speak of a rise
    stijging_verschil: Annotated[int, Field(ge=1, le=10000)] = 3  # and this many more than last year, same period
    stijging_factor: Annotated[float, Field(ge=1.0, le=100.0)] = 1.5  # and this many times last year's
    herhaling_aantal: Annotated[int, Field(ge=2, le=100)] = 3  # the same pupil this many times …
    herhaling_weken: Annotated[int, Field(ge=1, le=52)] = 8  # … within this many weeks (victim and perpetrator apart)
    stil_weken: Annotated[int, Field(ge=1, le=52)] = 6  # a school that sent nothing for this many weeks
    meldplicht_dagen: Annotated[int, Field(ge=1, le=365)] = 14  # a legal duty still open this many days after the event
    acties_dagen: Annotated[int, Field(ge=1, le=365)] = 30  # another open action of a registration older than this
    # a monitor theme: the share of positive answers under this norm, or fallen by this many points since
    # last year's survey of the same group, counted only for a survey this many people answered
    thema_minimaal: Annotated[float, Field(ge=0.0, le=1.0)] = 0.8
    thema_daling: Annotated[float, Field(ge=0.01, le=1.0)] = 0.05  # 0.05: five percentage points
    thema_respondenten: Annotated[int, Field(ge=1, le=10000)] = 10

    @field_validator("*", mode="before")
    @classmethod
    def _a_number(cls, value: object) -> object:
        if isinstance(value, bool):  # TOML's true would pass as 1
            raise ValueError("verwacht een getal, geen true of false")
        return value


def _month(value: str) -> str:
    text = value.strip().lower()
    if text not in MONTHS:
        raise ValueError(f"'{value}' is geen maand; schrijf bijvoorbeeld 'oktober'")
    return text


class Voortgang(_Strict):
    """The month each milestone is due, within the school year (DOMAIN.md §7)."""

    mijlpaal_1: str = "oktober"
    mijlpaal_2: str = "december"
    mijlpaal_3: str = "februari"
    mijlpaal_4: str = "mei"
    mijlpaal_5: str = "juni"

    @field_validator("mijlpaal_1", "mijlpaal_2", "mijlpaal_3", "mijlpaal_4", "mijlpaal_5")
    @classmethod
    def _months(cls, value: str) -> str:
        return _month(value)

    def deadlines(self) -> dict[str, str]:
        return self.model_dump()


# Suppliers with a delivery agreement with the inspectorate (source: the inspectorate's list of
# "leveranciers van monitoringsinstrumenten met een leveringsafspraak", DOMAIN.md §1): they can deliver
# a school's monitor data to the inspectorate. It is NOT an approval of instruments: the school stays
# responsible for a valid and reliable instrument. Per supplier the names its instruments go by; a
# survey's instrument matches when it begins with one of them as whole words ('KiVa-monitor' is KiVa,
# 'Cito LOVS rekenen-wiskunde' is no safety monitor). A board keeps its own copy in [monitor.leveranciers].
SUPPLIERS: dict[str, tuple[str, ...]] = {
    "ZIEN!": ("ZIEN!", "ZIEN! leerlingvragenlijst"),
    "KiVa": ("KiVa", "KiVa-monitor"),
    "Kanjertraining": ("Kanjertraining", "Kanjer", "KanVAS"),
    "WMK": ("WMK", "Werken met Kwaliteit"),
    "Vensters": ("Vensters",),
    "Scholen met Succes": ("Scholen met Succes",),
    "Viseon": ("Viseon",),
    "Cito": ("Cito sociaal-emotionele ontwikkeling", "Cito SEO", "Cito Volgsysteem sociaal-emotionele ontwikkeling"),
    "ResearchNed": ("ResearchNed Veiligheidsmonitor", "ResearchNed"),
    "Kwaliteitscholen": ("Kwaliteitscholen",),
    "SCOL": ("SCOL", "Sociale Competentie Observatie Lijst"),
    "Hart & Ziel": ("Hart & Ziel", "Hart en Ziel"),
    "Looqin": ("Looqin",),
    "Wat Werkt Tegen Pesten": ("Wat Werkt Tegen Pesten", "WWTP"),
}


class Monitor(_Strict):
    """How the legal monitor check judges a school's surveys (issue 4)."""

    uiterlijk_maand: str = "april"  # no pupil survey yet before this month: 'aandacht', from it: 'voldoet niet'
    respons_minimaal: Annotated[float, Field(gt=0, le=1)] = (
        0.7  # the board's norm (not the law): responses / pupils of groups 5-8
    )
    groepen: Annotated[list[int], Field(min_length=1)] = [5, 6, 7, 8]  # the groups that must take part
    # the inspectorate's deadline for the yearly summary of the monitor data (1 July in recent years)
    levering_dag: Annotated[int, Field(ge=1, le=31)] = 1
    levering_maand: str = "juli"
    leveranciers: dict[str, list[str]] = {k: list(v) for k, v in SUPPLIERS.items()}
    # an older name of the list, kept so existing configs work: each name counts as a supplier of its own
    erkende_instrumenten: list[str] = []

    def suppliers(self) -> dict[str, tuple[str, ...]]:
        """Supplier -> the instrument names that count as theirs (the old list added as its own suppliers)."""
        found = {name: tuple(names) or (name,) for name, names in self.leveranciers.items()}
        for name in self.erkende_instrumenten:
            found.setdefault(name, (name,))
        return found

    @field_validator("uiterlijk_maand", "levering_maand")
    @classmethod
    def _month(cls, value: str) -> str:
        return _month(value)

    @field_validator("groepen")
    @classmethod
    def _groups(cls, value: list[int]) -> list[int]:
        if any(g < 1 or g > 8 for g in value):
            raise ValueError("groepen lopen van 1 tot en met 8")
        return sorted(set(value))


class Privacy(_Strict):
    bewaartermijn_schooljaren: Annotated[int, Field(ge=1, le=100)] = 5


LOOPBACK = ("localhost", "127.0.0.1", "::1")
WEEKDAYS = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")
ADDRESS_RE = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[A-Za-z]{2,}$")


def _address(value: str) -> str:
    text = value.strip()
    if not ADDRESS_RE.match(text):
        raise ValueError(f"'{value}' is geen e-mailadres; schrijf bijvoorbeeld 'veiligheid@bestuur.nl'")
    return text


class Email(_Strict):
    """E-mail notices (issue 15, part 4). Without a server the messages are written as .eml files in
    outbox/berichten/, so the office sees what would be sent. The password is never in this file:
    it comes from an environment variable or a file only the service's account may read."""

    server: str = ""  # the SMTP server; empty: write .eml files instead
    poort: Annotated[int, Field(ge=1, le=65535)] | None = None  # default: 587 (starttls), 465 (tls), 25 (geen)
    beveiliging: str = "starttls"  # starttls | tls (implicit TLS, port 465) | geen (only to this computer)
    gebruiker: str = ""  # to log in with; empty: the server takes mail without logging in
    wachtwoord_omgeving: str = ""  # the name of an environment variable that holds the password
    wachtwoord_bestand: str = ""  # a file that holds the password, readable by the service's account only
    ca_bestand: str = ""  # a CA certificate (PEM) to trust besides the system's: a mail server with its own CA
    afzender: str = ""  # From: e.g. 'veiligheid@bestuur.nl'
    bestuur: list[str] = []  # the board's contact(s): told within a minute of what cannot wait
    overzicht_directeuren: bool = True  # a weekly digest to each director (the school form's e-mail address)
    overzicht_dag: str = "maandag"
    tijdslimiet_seconden: Annotated[float, Field(gt=0, le=600)] = 15.0  # also how long `process` may wait at its end
    opgeven_na_dagen: Annotated[float, Field(gt=0, le=365)] = 7.0  # a message not delivered by then: failed

    @model_validator(mode="before")
    @classmethod
    def _no_password_here(cls, value: Any) -> Any:
        if isinstance(value, dict) and any(str(k).casefold() in ("wachtwoord", "password") for k in value):
            raise ValueError(
                "zet het wachtwoord nooit in veiligheid.toml (iedereen die de map kan lezen, ziet het); geef met "
                "wachtwoord_omgeving de naam van een omgevingsvariabele, of met wachtwoord_bestand een bestand dat "
                "alleen het account van de dienst kan lezen"
            )
        return value

    @field_validator("beveiliging")
    @classmethod
    def _security(cls, value: str) -> str:
        text = value.strip().lower()
        if text not in ("starttls", "tls", "geen"):
            raise ValueError(
                f"'{value}' kent het programma niet; kies 'starttls' (poort 587), 'tls' (poort 465) of 'geen'"
            )
        return text

    @field_validator("afzender")
    @classmethod
    def _sender(cls, value: str) -> str:
        return _address(value) if value.strip() else ""

    @field_validator("bestuur")
    @classmethod
    def _contacts(cls, value: list[str]) -> list[str]:
        return [_address(v) for v in value]

    @field_validator("overzicht_dag")
    @classmethod
    def _day(cls, value: str) -> str:
        text = value.strip().lower()
        if text not in WEEKDAYS:
            raise ValueError(f"'{value}' is geen dag van de week; schrijf bijvoorbeeld 'maandag'")
        return text

    @model_validator(mode="after")
    def _consistent(self) -> Email:
        if self.wachtwoord_omgeving and self.wachtwoord_bestand:
            raise ValueError("geef wachtwoord_omgeving of wachtwoord_bestand, niet allebei")
        if (self.wachtwoord_omgeving or self.wachtwoord_bestand) and not self.gebruiker:
            raise ValueError("een wachtwoord zonder gebruiker: vul ook gebruiker in (waarmee de dienst inlogt)")
        if self.gebruiker and not (self.wachtwoord_omgeving or self.wachtwoord_bestand):
            raise ValueError(
                "bij een gebruiker hoort een wachtwoord: geef wachtwoord_omgeving (een omgevingsvariabele) of "
                "wachtwoord_bestand (een bestand dat alleen de dienst kan lezen)"
            )
        if self.server and not self.afzender:
            raise ValueError(
                "afzender ontbreekt: het adres waar de berichten vandaan komen, zoals 'veiligheid@bestuur.nl'"
            )
        if self.server and self.beveiliging == "geen" and self.server.strip().lower() not in LOOPBACK:
            raise ValueError(
                f"beveiliging 'geen' mag alleen naar een mailserver op deze computer (localhost), niet naar "
                f"'{self.server}': anders gaan wachtwoord en berichten onversleuteld over het netwerk. Kies 'starttls' of 'tls'"
            )
        if self.gebruiker and self.beveiliging == "geen":
            raise ValueError(
                "inloggen zonder beveiliging stuurt het wachtwoord onversleuteld; kies 'starttls' of 'tls'"
            )
        return self

    @property
    def port(self) -> int:
        return self.poort or {"starttls": 587, "tls": 465}.get(self.beveiliging, 25)

    @property
    def weekday(self) -> int:
        """The digest's day, as `date.weekday()` counts (Monday 0)."""
        return WEEKDAYS.index(self.overzicht_dag)


class BoardConfig(_Strict):
    bestuur: Annotated[str, Field(min_length=1)]
    scholen: Annotated[list[School], Field(min_length=1)]
    mappen: Mappen = Mappen()
    intake: Intake = Intake()
    privacy: Privacy = Privacy()
    overzicht: Overzicht = Overzicht()
    voortgang: Voortgang = Voortgang()
    monitor: Monitor = Monitor()
    signalen: Signalen = Signalen()
    email: Email | None = None  # without it: messages as .eml files in outbox/berichten/
    keuzelijsten: dict[str, list[str]] = {}

    @field_validator("scholen")
    @classmethod
    def _distinct_school_names(cls, value: list[School]) -> list[School]:
        """A form names its school by BRIN or by name: two schools with one name would send every form
        naming it to the first. Names are compared the way a form's answer is matched, ignoring case,
        surrounding spaces and repeated spaces."""
        first: dict[str, School] = {}
        for school in value:
            key = school_name_key(school.naam)
            other = first.setdefault(key, school)
            if other is not school and other.brin != school.brin:  # the same BRIN twice: _unique_schools
                raise ValueError(
                    f"de scholen {other.brin} en {school.brin} heten allebei '{other.naam.strip()}'; geef een "
                    "van beide een eigen naam (bijvoorbeeld met de plaats erbij), anders gaat elk formulier "
                    f"met die naam naar {other.brin}"
                )
        return value

    @field_validator("keuzelijsten")
    @classmethod
    def _lists(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        for name, items in value.items():
            if name not in DEFAULT_CHOICES:
                known = ", ".join(sorted(set(DEFAULT_CHOICES) - FIXED_LISTS))
                raise ValueError(f"onbekende keuzelijst '{name}'; bekende lijsten: {known}")
            if name in FIXED_LISTS:
                raise ValueError(f"de keuzelijst '{name}' ligt vast en kan niet worden aangepast")
            if not items or any(not str(i).strip() for i in items):
                raise ValueError(f"de keuzelijst '{name}' moet minstens één niet-lege keuze hebben")
            if len({i.lower() for i in items}) != len(items):
                raise ValueError(f"de keuzelijst '{name}' bevat een keuze twee keer")
        return value

    @model_validator(mode="after")
    def _confidentiality_keeps_its_choices(self) -> BoardConfig:
        """A list a board replaces must keep every choice a confidentiality rule names (a staff member
        as perpetrator, sexual misconduct): else such a report would silently go to the school's
        folder. Added choices are fine: a report with one goes to the office (`Confidential`)."""
        for list_name, (values, whys) in confidential_choices().items():
            mine = self.keuzelijsten.get(list_name)
            if mine is None:
                continue
            missing = [v for v in values if v.casefold() not in {c.casefold() for c in mine}]
            if missing:
                raise ValueError(
                    f"de keuzelijst '{list_name}' moet {_choices_text(missing)} houden: daaraan ziet het programma "
                    f"welke meldingen alleen het bestuurskantoor mag lezen ({'; '.join(whys)}). Zonder "
                    f"{'die keuze' if len(missing) == 1 else 'die keuzes'} komt zo'n melding in de map van de "
                    f"school, waar ook de betrokkene kan meelezen. Zet {'hem' if len(missing) == 1 else 'ze'} terug "
                    "in de lijst; eigen keuzes toevoegen mag"
                )
        return self

    @model_validator(mode="after")
    def _rules_keep_their_choices(self) -> BoardConfig:
        """A list a board replaces must keep the choices a legal rule looks for (e.g. 'overleden' and
        'ziekenhuisopname' for the duty to report to the Labour Inspectorate): else the rule would
        silently never fire."""
        for list_name, value, why in rule_choices():
            mine = self.keuzelijsten.get(list_name)
            if mine is not None and value.casefold() not in {c.casefold() for c in mine}:
                raise ValueError(f"de keuzelijst '{list_name}' moet de keuze '{value}' houden: {why} hangt ervan af")
        return self

    @model_validator(mode="after")
    def _kind_columns_are_kinds(self) -> BoardConfig:
        """`[overzicht] soorten_apart` names types of the board's own list (a typo would be an empty
        column for ever)."""
        chosen = self.overzicht.soorten_apart
        if chosen is None:
            return self
        kinds: list[str] = list(resolve_choices(self.keuzelijsten).get("incident_categorie", []))
        unknown = [k for k in chosen if k not in kinds]
        if unknown:
            raise ValueError(
                f"overzicht.soorten_apart: {_choices_text(unknown)} {'staat' if len(unknown) == 1 else 'staan'} niet "
                f"in de keuzelijst 'incident_categorie' ({', '.join(kinds)}); schrijf de soort precies zoals in die lijst"
            )
        return self

    @model_validator(mode="after")
    def _unique_schools(self) -> BoardConfig:
        seen: set[str] = set()
        for school in self.scholen:
            if school.brin in seen:
                raise ValueError(f"de school {school.brin} staat twee keer in [[scholen]]")
            seen.add(school.brin)
        return self


def confidential_choices() -> dict[str, tuple[list[str], list[str]]]:
    """Per choice list the choices the forms' confidentiality rules name (`FormDef.confidential`), and
    the rules, as '<form>: <why>'."""
    found: dict[str, tuple[list[str], list[str]]] = {}
    for form in FORMS.values():
        lists = {f.key: f.choices for f in form.fields if f.choices}
        for rule in form.confidential:
            for condition in rule.when_all:
                name = lists.get(condition.key)
                if name is None:
                    continue
                values, whys = found.setdefault(name, ([], []))
                values += [v for v in condition.values if v not in values]
                why = f"{form.title}: {rule.why}"
                whys += [why] if why not in whys else []
    return found


def _choices_text(values: list[str]) -> str:
    """In a message: de keuze 'a', or de keuzes 'a', 'b' en 'c'."""
    quoted = [f"'{v}'" for v in values]
    if len(quoted) == 1:
        return f"de keuze {quoted[0]}"
    return f"de keuzes {', '.join(quoted[:-1])} en {quoted[-1]}"


def rule_choices() -> list[tuple[str, str, str]]:
    """(choice list, choice, the rule that needs it) for every condition of the forms' duties, follow-ups
    and conditional fields on a field with a choice list."""
    found: list[tuple[str, str, str]] = []
    for form in FORMS.values():
        lists = {f.key: f.choices for f in form.fields if f.choices}
        rules: list[tuple[Any, str]] = []
        for duty in form.duties:
            rules += [(c, f"de meldplicht aan de {duty.to}") for c in (*duty.when_all, *duty.when_any, duty.done)]
        for pending in form.pending:
            rules += [(c, f"de open actie '{pending.action}'") for c in pending.when_all]
        for f in form.fields:
            rules += [(c, f"het verplichte veld '{f.label}'") for c in f.required_when]
        for condition, why in rules:
            name = lists.get(condition.key)
            if name:
                found += [(name, value, f"{why} ({form.title})") for value in condition.values]
    return found


@dataclass(frozen=True)
class Paths:
    root: Path
    config: Path
    inbox: Path
    outbox: Path
    rejected: Path
    archive: Path
    data: Path
    database: Path
    logs: Path
    state: Path
    profiles: Path

    def relative(self, path: Path) -> str:
        """How the store keeps a path: relative to the working folder when it lies inside it (so a
        working folder can be moved or copied), else absolute (an inbox on another share)."""
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return str(path)

    def resolve(self, stored: str) -> Path:
        """A path as the store keeps it (see `relative`). Older databases hold absolute paths: one in
        another working folder (this one was copied or moved before its paths were made relative)
        is taken to the same place in this one, so nothing outside it is ever touched."""
        path = Path(stored)
        if not path.is_absolute():
            return self.root / path
        if path.is_relative_to(self.root):
            return path
        for folder in (self.archive, self.outbox, self.inbox):
            if not folder.is_relative_to(self.root):
                continue  # a folder elsewhere (a share) does not move with the working folder
            name = folder.relative_to(self.root).parts
            parts = path.parts
            for start in range(len(parts) - len(name), 0, -1):
                if parts[start : start + len(name)] == name:
                    return folder.joinpath(*parts[start + len(name) :])
        return path

    @property
    def staging(self) -> Path:
        """Files being processed: renamed here out of the inbox (same volume, hidden)."""
        return self.inbox / STAGING_NAME

    @property
    def receipts(self) -> Path:
        return self.outbox / "bevestigingen"

    @property
    def mail_outbox(self) -> Path:
        """The messages as .eml files, when no mail server is configured (`[email] server`)."""
        return self.outbox / "berichten"

    @property
    def master(self) -> Path:
        return self.outbox / "bestuursoverzicht.xlsx"

    @property
    def master_stamp(self) -> Path:
        """The SHA-256 of each master as we last wrote it (to see whether the office saved it since)."""
        return self.state / "overzicht.json"

    @property
    def journal(self) -> Path:
        """The archive's register of received files (see automation.intake.journal)."""
        return self.archive / "ontvangen.jsonl"

    @property
    def secret(self) -> Path:
        return self.state / "geheim.key"

    @property
    def lock(self) -> Path:
        return self.state / "watcher.lock"

    def as_dict(self) -> dict[str, str]:
        return {
            "config": str(self.config),
            "inbox": str(self.inbox),
            "outbox": str(self.outbox),
            "afgewezen": str(self.rejected),
            "bevestigingen": str(self.outbox / "bevestigingen"),
            "archive": str(self.archive),
            "database": str(self.database),
            "master": str(self.master),
            "logs": str(self.logs),
            "profielen": str(self.profiles),
        }


@dataclass(frozen=True)
class Settings:
    board: BoardConfig
    paths: Paths
    choices: dict[str, tuple[str, ...]]

    @property
    def schools(self) -> dict[str, str]:
        return {s.brin: s.naam for s in self.board.scholen}

    @property
    def inbox_for_staff(self) -> str:
        return self.board.mappen.inbox_voor_medewerkers or str(self.paths.inbox)


def parse_config(text: str, *, source: Path) -> BoardConfig:
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{source}: geen geldige TOML ({exc}); controleer aanhalingstekens en haken") from exc
    try:
        return BoardConfig.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(dutch_error(exc, source=source, model=BoardConfig)) from exc


def find_config(explicit: Path | None, *, cwd: Path) -> Path:
    path = explicit if explicit is not None else cwd / CONFIG_NAME
    if path.is_dir():
        path = path / CONFIG_NAME
    if not path.is_file():
        raise ConfigError(
            f"Geen configuratie gevonden: {path}. Maak er een met 'veiligheid init' of geef --config PAD."
        )
    return path.resolve()


def load_settings(explicit: Path | None = None, *, cwd: Path | None = None) -> Settings:
    path = find_config(explicit, cwd=cwd or Path.cwd())
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        raise ConfigError(
            f"{path}: regel {line} is niet opgeslagen als UTF-8 (bijvoorbeeld een é of ë uit een ander programma). "
            "Open het bestand in Kladblok, kies 'Opslaan als' met codering UTF-8 en sla het opnieuw op."
        ) from exc
    except OSError as exc:
        raise ConfigError(f"{path}: kan het bestand niet lezen ({explain_os_error(exc)})") from exc
    board = parse_config(text, source=path)
    return Settings(board=board, paths=resolve_paths(board, path), choices=resolve_choices(board.keuzelijsten))


def resolve_paths(board: BoardConfig, config_path: Path) -> Paths:
    root = config_path.parent.resolve()
    m = board.mappen
    outbox = (root / m.outbox).resolve()
    data = (root / m.data).resolve()
    return Paths(
        root=root,
        config=config_path,
        inbox=(root / m.inbox).resolve(),
        outbox=outbox,
        rejected=outbox / "afgewezen",
        archive=(root / m.archief).resolve(),
        data=data,
        database=data / "veiligheid.sqlite",
        logs=(root / m.logs).resolve(),
        state=root / ".veiligheid",
        profiles=(root / m.profielen).resolve(),
    )


class ConfigFollower:
    """Notices when the config file changed (its size or modification time, one `stat`), and whether
    the new text is a valid config. A broken one is said once (log and `.veiligheid/config-fout.txt`,
    which `status` and the Overzicht show) and the running settings stay in use."""

    PROBLEM_NAME = "config-fout.txt"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.stamp = self._stamp()
        self.problem = settings.paths.state / self.PROBLEM_NAME

    @classmethod
    def problem_of(cls, settings: Settings) -> str | None:
        """What is wrong with a changed config the watcher could not use (None: nothing)."""
        try:
            return (settings.paths.state / cls.PROBLEM_NAME).read_text(encoding="utf-8").strip() or None
        except OSError:
            return None

    def _stamp(self) -> tuple[int, int] | None:
        try:
            st = self.settings.paths.config.stat()
        except OSError:
            return None
        return st.st_size, st.st_mtime_ns

    def changed(self) -> bool:
        """True when the config changed into a valid one (then `settings` holds the new settings)."""
        stamp = self._stamp()
        if stamp == self.stamp or stamp is None:
            return False
        self.stamp = stamp
        try:
            new = load_settings(self.settings.paths.config)
        except ConfigError as exc:
            log.error("De gewijzigde config is fout; de watcher werkt door met de vorige. %s", exc.message)
            try:
                self.problem.write_text(exc.message + "\n", encoding="utf-8")
            except OSError:
                pass
            return False
        self.problem.unlink(missing_ok=True)
        log.info("De config is gewijzigd en opnieuw ingelezen: %s", self.settings.paths.config)
        self.settings = new
        return True
