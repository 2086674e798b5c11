"""Property tests of the pure core: validation never crashes, and stored values round-trip."""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from automation.forms import FORMS
from automation.forms.choices import DEFAULT_CHOICES
from automation.forms.model import Kind
from automation.intake.pipeline import content_key
from automation.store import dumps
from automation.validation import validate

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


@settings(max_examples=300, deadline=None)
@given(form_id=st.sampled_from(list(FORMS)), data=st.data())
def test_validation_of_any_cell_values_gives_a_record_or_reasons_never_an_exception(form_id: str, data: Any) -> None:
    form = FORMS[form_id]
    values = {f.key: data.draw(cell_values, label=f.key) for f in form.fields}
    result = validate(form, values, {}, schools=SCHOOLS, choices=DEFAULT_CHOICES, today=TODAY)
    assert set(result.record) == set(form.keys)
    for problem in result.problems + result.warnings:
        assert problem.key in form.keys and problem.message
    if result.ok:
        for f in form.fields:
            if f.required:
                assert result.record[f.key] is not None
        json.loads(dumps(result.record))  # whatever is accepted can be stored
        floats = [v for v in result.record.values() if isinstance(v, float)]
        assert all(math.isfinite(v) for v in floats)  # Excel cannot hold NaN or infinity


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
