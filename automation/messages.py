"""Pydantic's complaints about a TOML file (the config, a survey profile) as one Dutch line that
names the file and the key, and for a misspelt key the key that was probably meant."""

from __future__ import annotations

import difflib
import types
import typing
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails


def dutch_error(exc: ValidationError, *, source: str | Path, model: type[BaseModel]) -> str:
    """'<file>: <key>: <what is wrong>' for the first problem. A misspelt key also makes the right
    one 'missing': the typo is what to fix, so it comes first, with the key it probably meant."""
    errors = exc.errors()
    first = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
    where = key_path(first["loc"])
    if first["type"] == "extra_forbidden":
        siblings = [e["loc"][-1] for e in errors if e["type"] == "missing" and e["loc"][:-1] == first["loc"][:-1]]
        known = [str(key) for key in siblings] or keys_at(model, first["loc"][:-1])
        guess = difflib.get_close_matches(str(first["loc"][-1]), known, n=1)
        message = "onbekende sleutel" + (f"; bedoelt u '{guess[0]}'?" if guess else " (tikfout?)")
    else:
        message = _problem(first)
    return f"{source}: {where}: {message}" if where else f"{source}: {message}"


def key_path(loc: Sequence[int | str]) -> str:
    """('scholen', 0, 'brin') as it reads in the file: scholen[0].brin."""
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


_MESSAGES = {
    "missing": "ontbreekt (verplicht)",
    "float_parsing": "moet een getal zijn",
    "float_type": "moet een getal zijn",
    "int_parsing": "moet een heel getal zijn",
    "int_type": "moet een heel getal zijn",
    "int_from_float": "moet een heel getal zijn",
    "string_type": "moet tekst zijn (tussen aanhalingstekens)",
    "bool_type": "moet true of false zijn",
    "bool_parsing": "moet true of false zijn",
    "list_type": 'moet een lijst zijn, zoals ["a", "b"]',
    "dict_type": "moet een tabel zijn, zoals [naam] met regels eronder",
    "model_type": "moet een tabel zijn, zoals [naam] met regels eronder",
}


def _problem(error: ErrorDetails) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind in _MESSAGES:
        return _MESSAGES[kind]
    if kind in ("too_short", "string_too_short"):
        least = ctx.get("min_length", 1)
        what = "tekens" if kind == "string_too_short" else "waarden"
        return "mag niet leeg zijn" if least == 1 else f"moet minstens {least} {what} hebben"
    if kind in ("too_long", "string_too_long"):
        what = "tekens" if kind == "string_too_long" else "waarden"
        return f"mag hoogstens {ctx.get('max_length')} {what} hebben"
    bounds = {
        "greater_than_equal": ("is te klein: minimaal", "ge"),
        "greater_than": ("moet groter zijn dan", "gt"),
        "less_than_equal": ("is te groot: maximaal", "le"),
        "less_than": ("moet kleiner zijn dan", "lt"),
    }
    if kind in bounds:
        text, bound = bounds[kind]
        limit = ctx.get(bound)
        return f"{text} {limit:g}" if isinstance(limit, float) else f"{text} {limit}"
    if kind == "literal_error":
        return f"moet een van deze waarden zijn: {ctx.get('expected', '')}".replace(" or ", ", ")
    return str(error["msg"]).removeprefix("Value error, ").removeprefix("Assertion failed, ")


def keys_at(model: type[BaseModel], loc: Sequence[int | str]) -> list[str]:
    """The keys the table at `loc` may have (for suggestions); none when `loc` is not a table."""
    annotation: Any = model
    for part in loc:
        annotation = _one_of(annotation)
        origin = typing.get_origin(annotation)
        if origin in (list, tuple, set, frozenset, dict):  # an item of a list, a value of a table
            annotation = typing.get_args(annotation)[1 if origin is dict else 0]
            continue
        fields = getattr(annotation, "model_fields", {})
        if part not in fields:
            return []
        annotation = fields[part].annotation
    return list(getattr(_one_of(annotation), "model_fields", {}))


def _one_of(annotation: Any) -> Any:
    """Of `A | B | None` the first table (model), else the first type that is not None."""
    if typing.get_origin(annotation) not in (typing.Union, types.UnionType):
        return annotation
    options = [a for a in typing.get_args(annotation) if a is not type(None)]
    return next((a for a in options if hasattr(a, "model_fields")), options[0] if options else annotation)
