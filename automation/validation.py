"""Validate a filled form: pure function of the read values, the settings and today's date.

Returns the normalised record plus problems (reject) and warnings (accept, but tell). Every message
is Dutch and names what is wrong and what would be right; the caller adds label and cell.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from automation.forms import FORMS
from automation.forms.common import dutch_date
from automation.forms.common import shown as _shown
from automation.forms.model import Field, FormDef, Kind
from automation.schoolyear import parse_schoolyear

EXCEL_EPOCH = dt.date(1899, 12, 30)
BRIN_IN_TEXT = re.compile(r"^\s*([0-9A-Za-z]{4})(\d{2})?(?:\s|[-–—:]|$)")


def regnr_pattern() -> re.Pattern[str]:
    """A registration number of any registered form: built from the forms' prefixes."""
    prefixes = "|".join(re.escape(f.prefix) for f in FORMS.values())
    return re.compile(rf"^({prefixes})-(\d{{4}})-(\d{{4,}})$")


EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
DATE_FORMATS = ("%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y", "%Y-%m-%d", "%d-%m-%y", "%d/%m/%y")
TIME_RE = re.compile(r"^(\d{1,2})[:.u](\d{2})(?::\d{2})?$")
GROUP_RE = re.compile(r"^(?:groep\s*)?([1-8])(?:\s*/\s*([1-8]))?$", re.IGNORECASE)
GROUPS_RANGE_RE = re.compile(r"^(?:groep(?:en)?\s*)?([1-8])\s*(?:-|t/m|tot en met)\s*([1-8])$", re.IGNORECASE)
NAME_WORD_RE = re.compile(r"[A-ZÀ-Ý][a-zà-ÿ]{2,}")


@dataclass(frozen=True)
class Problem:
    key: str
    label: str
    cell: str
    message: str

    def line(self) -> str:
        return f"{self.label} (cel {self.cell}): {self.message}"


@dataclass
class Result:
    record: dict[str, Any] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


class Invalid(ValueError):
    """A value that cannot be used; the message says what is expected."""


def _as_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.strftime("%d-%m-%Y %H:%M")
    if isinstance(value, dt.date):
        return dutch_date(value)
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    return str(value).strip()


def _as_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 1 <= value < 100_000:
        return EXCEL_EPOCH + dt.timedelta(days=int(value))
    text = str(value).strip()
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise Invalid(f"'{_shown(value)}' is geen datum. Verwacht: een datum zoals 28-11-2026.")


def _as_time(value: Any) -> str:
    if isinstance(value, dt.datetime):
        value = value.time()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, dt.timedelta):
        minutes = int(value.total_seconds() // 60)
        if 0 <= minutes < 24 * 60:
            return f"{minutes // 60:02d}:{minutes % 60:02d}"
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value < 1:
        minutes = round(value * 24 * 60)
        return f"{minutes // 60:02d}:{minutes % 60:02d}"
    match = TIME_RE.match(str(value).strip())
    if match and int(match.group(1)) < 24 and int(match.group(2)) < 60:
        return f"{int(match.group(1)):02d}:{match.group(2)}"
    raise Invalid(f"'{_shown(value)}' is geen tijd. Verwacht: een tijd zoals 10:30.")


def _as_number(value: Any) -> float:
    if isinstance(value, bool):
        raise Invalid(f"'{_shown(value)}' is geen getal.")
    if isinstance(value, (int, float)):
        if not math.isfinite(value):
            raise Invalid(f"'{_shown(value)}' is geen getal. Verwacht: een getal zoals 3 of 3,5.")
        return float(value)
    text = str(value).strip().replace(" ", "")
    if re.fullmatch(r"-?\d{1,3}(\.\d{3})+(,\d+)?", text):
        text = text.replace(".", "")
    text = text.replace(",", ".")
    try:
        number = float(text)
        if not math.isfinite(number):
            raise ValueError(text)
        return number
    except ValueError:
        raise Invalid(f"'{_shown(value)}' is geen getal. Verwacht: een getal zoals 3 of 3,5.") from None


def _in_range(number: float, f: Field) -> None:
    low, high = f.minimum, f.maximum
    if (low is not None and number < low) or (high is not None and number > high):
        lo = _shown(float(low)) if low is not None else "…"
        hi = _shown(float(high)) if high is not None else "…"
        raise Invalid(f"{_shown(number)} valt buiten het bereik. Verwacht: een waarde van {lo} tot en met {hi}.")


def _as_integer(value: Any, f: Field) -> int:
    number = _as_number(value)
    if not number.is_integer():
        raise Invalid(f"'{_shown(value)}' is geen heel getal. Verwacht: een heel getal, zoals 3.")
    _in_range(number, f)
    return int(number)


def _as_percent(value: Any) -> float:
    if isinstance(value, str) and value.strip().endswith("%"):
        return _as_number(value.strip().rstrip("%")) / 100
    number = _as_number(value)
    if 1 < number <= 100:
        return number / 100  # typed as 85 in a cell without % format
    if not 0 <= number <= 1:
        raise Invalid(f"'{_shown(value)}' is geen percentage. Verwacht: 0% tot en met 100%.")
    return number


def _as_choice(value: Any, options: Sequence[str]) -> str:
    text = _as_text(value)
    for option in options:
        if option.casefold() == text.casefold():
            return option
    listed = ", ".join(options)
    raise Invalid(f"'{_shown(value)}' staat niet in de keuzelijst. Kies uit: {listed}.")


def school_of(value: Any, schools: Mapping[str, str]) -> str | None:
    """The BRIN of the school `value` names: its BRIN first (as the forms' list shows it, '12AB – OBS De
    Regenboog', or the master's, '12AB OBS De Regenboog'), or its name; None when it names none."""
    text = _as_text(value)
    match = BRIN_IN_TEXT.match(text)
    if match and match.group(1).upper() in schools:
        return match.group(1).upper()
    for brin, name in schools.items():
        if name.casefold() == text.casefold():
            return brin
    return None


def _as_school(value: Any, schools: Mapping[str, str]) -> str:
    brin = school_of(value, schools)
    if brin is None:
        raise Invalid(f"'{_shown(value)}' is geen school van dit bestuur. Kies uw school uit de keuzelijst.")
    return brin


def _as_group(value: Any) -> str:
    match = GROUP_RE.match(_as_text(value))
    if not match:
        raise Invalid(f"'{_shown(value)}' is geen groep. Verwacht: een groep van 1 tot en met 8, of bijvoorbeeld 5/6.")
    first, second = match.group(1), match.group(2)
    if second and int(second) != int(first) + 1:
        raise Invalid(f"'{_shown(value)}' is geen combinatiegroep. Verwacht: twee opeenvolgende groepen, zoals 5/6.")
    return f"{first}/{second}" if second else first


def _as_groups(value: Any) -> str:
    text = _as_text(value)
    match = GROUPS_RANGE_RE.match(text)
    if match and int(match.group(1)) <= int(match.group(2)):
        return f"{match.group(1)}-{match.group(2)}"
    parts = [p for p in re.split(r"[,;\s]+|\s*en\s*", text) if p]
    if parts and all(re.fullmatch(r"[1-8]", p) for p in parts):
        return ",".join(sorted(set(parts), key=int))
    raise Invalid(f"'{_shown(value)}' zijn geen groepen. Verwacht: bijvoorbeeld 5-8 of 5,6,7,8.")


def _as_schoolyear(value: Any) -> str:
    year = parse_schoolyear(_as_text(value))
    if year is None:
        raise Invalid(f"'{_shown(value)}' is geen schooljaar. Verwacht: twee opeenvolgende jaren, zoals 2026-2027.")
    return year


def _as_regnr(value: Any) -> str:
    text = _as_text(value).upper().replace(" ", "")
    if not regnr_pattern().match(text):
        raise Invalid(f"'{_shown(value)}' is geen registratienummer. Verwacht: zoals INC-2026-0042.")
    return text


def _as_pupil_ref(value: Any) -> str:
    text = _as_text(value)
    words = NAME_WORD_RE.findall(text)
    if words and (len(words) >= 2 or len(words[0]) >= 4):
        raise Invalid(
            "dit lijkt een naam. Vul nooit een naam in, alleen een leerlingnummer of initialen (zoals 10234 of J.d.V.)."
        )
    return text


def convert(f: Field, value: Any, *, schools: Mapping[str, str], choices: Mapping[str, Sequence[str]]) -> Any:
    """Turn one raw cell value into the stored value, or raise `Invalid`."""
    kind = f.kind
    if kind in (Kind.TEXT, Kind.LONGTEXT):
        text = _as_text(value)
        if f.max_length and len(text) > f.max_length:
            raise Invalid(f"de tekst is {len(text)} tekens lang. Verwacht: hoogstens {f.max_length} tekens.")
        return text
    if kind is Kind.DATE:
        return _as_date(value)
    if kind is Kind.TIME:
        return _as_time(value)
    if kind is Kind.CHOICE:
        return _as_choice(value, choices[str(f.choices)])
    if kind is Kind.INTEGER:
        return _as_integer(value, f)
    if kind is Kind.DECIMAL:
        number = _as_number(value)
        _in_range(number, f)
        return number
    if kind is Kind.PERCENT:
        return _as_percent(value)
    if kind is Kind.EMAIL:
        text = _as_text(value)
        if not EMAIL_RE.match(text):
            raise Invalid(f"'{_shown(value)}' is geen e-mailadres. Verwacht: zoals naam@school.nl.")
        return text.lower()
    if kind is Kind.SCHOOL:
        return _as_school(value, schools)
    if kind is Kind.GROUP:
        return _as_group(value)
    if kind is Kind.GROUPS:
        return _as_groups(value)
    if kind is Kind.SCHOOLYEAR:
        return _as_schoolyear(value)
    if kind is Kind.REGNR:
        return _as_regnr(value)
    if kind is Kind.PUPIL_REF:
        return _as_pupil_ref(value)
    raise AssertionError(f"unhandled kind {kind}")


def _is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _condition_text(form: FormDef, f: Field, record: Mapping[str, Any]) -> str:
    """Why the field is required: the answers that make it so, as given (a condition may allow several)."""
    parts = [f"'{form.field(c.key).label}' is '{record.get(c.key)}'" for c in f.required_when]
    return " en ".join(parts)


def validate(
    form: FormDef,
    values: Mapping[str, Any],
    cells: Mapping[str, str],
    *,
    schools: Mapping[str, str],
    choices: Mapping[str, Sequence[str]],
    today: dt.date,
) -> Result:
    result = Result()

    def add(key: str, message: str, *, warning: bool = False) -> None:
        problem = Problem(key, form.field(key).label, cells.get(key, "?"), message)
        (result.warnings if warning else result.problems).append(problem)

    for f in form.fields:
        raw = values.get(f.key)
        if _is_empty(raw):
            result.record[f.key] = None
            continue
        try:
            result.record[f.key] = convert(f, raw, schools=schools, choices=choices)
        except Invalid as exc:
            result.record[f.key] = None
            if f.kind is Kind.EMAIL and not f.required and not f.required_when:
                # an optional address never stops a report: taken without it, and said (e.g. an Outlook paste)
                add(f.key, f"{exc} Het formulier is verwerkt zonder dit adres.", warning=True)
            else:
                add(f.key, str(exc))

    bad = {p.key for p in result.problems}
    for f in form.fields:
        if f.key in bad or result.record.get(f.key) is not None:
            continue
        if f.required:
            add(f.key, "is verplicht maar leeg. Vul dit veld in.")
        elif f.required_when and all(c.holds(result.record) for c in f.required_when):
            add(f.key, f"is verplicht omdat {_condition_text(form, f, result.record)}, maar is leeg. Vul dit veld in.")

    _check_dates(form, result, add, today=today)
    for rule in form.cross_rules:
        rule(result.record, add)
    if not result.problems:
        for duty in form.duties:
            if duty.open(result.record):
                add(duty.done.key, duty.message, warning=True)
        for step in form.pending:
            if step.open(result.record):
                add(step.key, step.message, warning=True)
    order = {key: n for n, key in enumerate(form.keys)}
    result.problems.sort(key=lambda p: order[p.key])  # as they appear on the form
    result.warnings.sort(key=lambda p: order[p.key])
    return result


def _check_dates(form: FormDef, result: Result, add: Any, *, today: dt.date) -> None:
    record = result.record
    for f in form.fields:
        value = record.get(f.key)
        if f.kind is Kind.DATE and isinstance(value, dt.date):
            if f.not_future and value > today:
                add(
                    f.key,
                    f"de datum {dutch_date(value)} ligt in de toekomst. Verwacht: vandaag ({dutch_date(today)}) of eerder.",
                )
            elif value.year < 2000:
                add(f.key, f"de datum {dutch_date(value)} is onwaarschijnlijk oud. Controleer het jaartal.")
    event = record.get(form.event_date_key)
    if isinstance(event, dt.date) and form.event_date_key != "datum_ingevuld" and event <= today:
        if (today - event).days > 365:
            add(
                form.event_date_key,
                f"de datum {dutch_date(event)} is meer dan een jaar geleden; controleer of die klopt.",
                warning=True,
            )
        filled = record.get("datum_ingevuld")
        if isinstance(filled, dt.date) and filled < event:
            add(
                "datum_ingevuld",
                f"de datum ingevuld ({dutch_date(filled)}) ligt vóór de datum van het voorval ({dutch_date(event)}). Verwacht: dezelfde dag of later.",
            )
        for key in ("arbeidsinspectie_datum", "opvanggesprek_datum", "evaluatie_datum"):
            later = record.get(key)
            if isinstance(later, dt.date) and later < event:
                add(
                    key,
                    f"de datum {dutch_date(later)} ligt vóór de datum van het voorval ({dutch_date(event)}). Verwacht: dezelfde dag of later.",
                )
