"""Fixtures that build real working folders and fill real forms through their defined names."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from automation import demo
from automation.config import Settings, load_settings
from automation.excel.build_form import build_all, form_file_name
from automation.excel.fill import fill_form
from automation.forms import FORMS
from automation.workspace import EXAMPLE_SCHOOLS, init_workspace


@pytest.fixture(scope="session")
def blank_forms(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The five blank forms for the example schools, built once per test session."""
    folder = tmp_path_factory.mktemp("formulieren")
    from automation.forms.choices import DEFAULT_CHOICES

    build_all(folder, forms=list(FORMS.values()), schools=EXAMPLE_SCHOOLS, choices=DEFAULT_CHOICES, board="Testbestuur")
    return folder


@pytest.fixture
def workspace(tmp_path: Path) -> Settings:
    """A fresh working folder that takes files at once (no waiting for stability)."""
    settings, _ = init_workspace(tmp_path / "werkmap", board="Testbestuur", stable_seconds=0, damaged_after=0)
    return load_settings(settings.paths.config)


def valid_values(form_id: str, *, seed: int = 1, school: str = "12AB", today: dt.date | None = None) -> dict[str, Any]:
    """A complete, valid form as a careful staff member would fill it."""
    rng = random.Random(seed)
    day = today or dt.date.today()
    builders: dict[str, Callable[[], dict[str, Any]]] = {
        "incident": lambda: demo.incident(rng, day, school),
        "agressie": lambda: demo.agressie(rng, day, school),
        "ongeval": lambda: demo.ongeval(rng, day, school),
        "school": lambda: demo.school_form(day, school),
        "peiling": lambda: demo.peiling(day, school),
        "maatregelen": lambda: demo.maatregel(day, school),
    }
    return builders[form_id]()


Filler = Callable[..., Path]


@pytest.fixture
def drop(blank_forms: Path, workspace: Settings) -> Filler:
    """drop(form_id, name, **overrides): fill a blank form and put it in the inbox."""

    def _drop(
        form_id: str, name: str | None = None, *, seed: int = 1, values: dict[str, Any] | None = None, **overrides: Any
    ) -> Path:
        data = valid_values(form_id, seed=seed) if values is None else values
        data = data | overrides
        target = workspace.paths.inbox / (name or f"{form_id}-{seed}.xlsx")
        return fill_form(blank_forms / form_file_name(FORMS[form_id]), data, target)

    return _drop
