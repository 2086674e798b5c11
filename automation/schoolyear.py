"""The school year runs from 1 August to 31 July and is written `2026-2027` (DOMAIN.md §3)."""

from __future__ import annotations

import datetime as dt
import re

MONTHS = (
    "januari", "februari", "maart", "april", "mei", "juni",
    "juli", "augustus", "september", "oktober", "november", "december",
)  # fmt: skip


WRITTEN_RE = re.compile(r"^\s*([0-9]{4})\s*[-/]\s*([0-9]{4})\s*$")


def parse_schoolyear(text: str) -> str | None:
    """`text` as a school year, written `2026-2027`; '2026/2027' and spaces around the dash are
    fine too. None when it is not two consecutive years: the caller says so in its own words."""
    match = WRITTEN_RE.match(text)
    if not match or int(match.group(2)) != int(match.group(1)) + 1 or not 1900 <= int(match.group(1)) < 9999:
        return None  # a year before 1900 is a typing error (and year 0 no date at all)
    return f"{match.group(1)}-{match.group(2)}"


def start_year(day: dt.date) -> int:
    return day.year if day.month >= 8 else day.year - 1


def schoolyear(day: dt.date) -> str:
    year = start_year(day)
    return f"{year}-{year + 1}"


def first_day(year: str) -> dt.date:
    """1 August of the school year `year`."""
    return dt.date(int(year[:4]), 8, 1)


def last_day(year: str) -> dt.date:
    """31 July of the school year `year`."""
    return dt.date(int(year[:4]) + 1, 7, 31)


def previous(year: str) -> str:
    first = int(year[:4]) - 1
    return f"{first}-{first + 1}"


def months(year: str) -> list[tuple[int, int]]:
    """(year, month) from August to July."""
    first = int(year[:4])
    return [(first, m) for m in range(8, 13)] + [(first + 1, m) for m in range(1, 8)]


def month_end(year: str, month: int) -> dt.date:
    """The last day of `month` within the school year `year` (a deadline)."""
    calendar_year = int(year[:4]) if month >= 8 else int(year[:4]) + 1
    following = dt.date(calendar_year + (month == 12), month % 12 + 1, 1)
    return following - dt.timedelta(days=1)
