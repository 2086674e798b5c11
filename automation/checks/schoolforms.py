"""The school form (DOMAIN.md §4.4) as the checks read it: the latest one per school, per school year."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

from automation.schoolyear import schoolyear
from automation.store import Store


def latest_school_forms(store: Store) -> dict[str, tuple[dict[str, Any], str]]:
    """School -> (the latest school form's values, its registration number)."""
    latest: dict[str, tuple[dict[str, Any], str]] = {}
    for rec in store.conn.execute(
        "SELECT regnr, school, data FROM records WHERE form_id = 'school' ORDER BY event_date, updated_at, regnr"
    ):
        latest[rec["school"]] = (json.loads(rec["data"]), rec["regnr"])
    return latest


def filled_in(school_form: Mapping[str, Any]) -> str | None:
    """The school year the form was filled in."""
    filled = school_form.get("datum_ingevuld")
    return schoolyear(dt.date.fromisoformat(str(filled)[:10])) if filled else None


def for_year(school_form: Mapping[str, Any], year: str) -> Mapping[str, Any] | None:
    """The school form's milestone dates and counts hold only for the school year it was filled in."""
    return school_form if filled_in(school_form) == year else None
