"""Dutch formatting for the templates (`{{ x|datum }}`), and the marker for data that is missing.

Every filter passes a `Missing` value through unchanged, so a template can format a value without
first asking whether it is there: the document then says what is missing and who supplies it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from markupsafe import escape

from automation.numbers import percent
from automation.schoolyear import MONTHS


@dataclass(frozen=True)
class Missing:
    """A fact the document needs but the data lacks. Falsy, so `{% if x %}` works; renders as a
    short note in place ("nog aan te vullen door de directeur"); `what`/`who`/`how` feed the list
    of what is still to be supplied."""

    what: str
    who: str
    how: str = ""

    def __bool__(self) -> bool:
        return False

    def __str__(self) -> str:
        return f"[nog aan te vullen door {self.who}]"

    def __html__(self) -> str:
        return str(escape(str(self)))


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and value:
        return dt.date.fromisoformat(value[:10])
    return None


def datum(value: Any) -> Any:
    """28 november 2026."""
    if isinstance(value, Missing) or value in (None, ""):
        return value
    day = _date(value)
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}" if day else value


def datum_kort(value: Any) -> Any:
    """28-11-2026."""
    if isinstance(value, Missing) or value in (None, ""):
        return value
    day = _date(value)
    return day.strftime("%d-%m-%Y") if day else value


def maand(value: Any) -> Any:
    """november 2026."""
    if isinstance(value, Missing) or value in (None, ""):
        return value
    day = _date(value)
    return f"{MONTHS[day.month - 1]} {day.year}" if day else value


def getal(value: Any, decimals: int | None = None) -> Any:
    """1.234 and 3,25: a dot between thousands, a decimal comma. Whole numbers show no decimals
    unless `decimals` is given."""
    if isinstance(value, Missing) or value is None or isinstance(value, bool):
        return value
    if not isinstance(value, int | float):
        return value
    if decimals is None:
        decimals = 0 if float(value).is_integer() else 1
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def procent(value: Any, decimals: int = 0) -> Any:
    """A share 0..1 as a Dutch percentage: 0.845 -> 85%, with `decimals` 1 -> 84,5%."""
    if isinstance(value, Missing) or value is None or not isinstance(value, int | float):
        return value
    return f"{getal(float(percent(value, decimals)), decimals)}%"  # half up, as Excel shows it


def aantal(value: Any) -> Any:
    """A count for a published text: 1 to 4 become 'minder dan 5' (DOMAIN.md §9)."""
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 4:
        return "minder dan 5"
    return getal(value)


def telling(value: Any, one: str, many: str) -> Any:
    """A count with its noun, singular or plural: 1 registratie, 3 registraties, geen registraties.
    A missing count says so in place: 'een nog onbekend aantal BHV'ers [nog aan te vullen door …]'."""
    if isinstance(value, Missing):
        return f"een nog onbekend aantal {many} {value}"
    if not isinstance(value, int | float) or isinstance(value, bool):
        return value
    if value == 0:
        return f"geen {many}"
    return f"{getal(value)} {one if value == 1 else many}"


def janee(value: Any) -> Any:
    if isinstance(value, Missing) or value in (None, ""):
        return value
    return {"ja": "ja", "nee": "nee", True: "ja", False: "nee"}.get(value, value)


FILTERS: dict[str, Callable[..., Any]] = {
    "datum": datum,
    "datum_kort": datum_kort,
    "maand": maand,
    "getal": getal,
    "procent": procent,
    "aantal": aantal,
    "telling": telling,
    "janee": janee,
}
