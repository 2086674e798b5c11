"""Fill a blank form through its defined names, as another program (or a test) would.

This is the contract of DOMAIN.md §4 seen from the outside: no cell addresses, only field keys.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import openpyxl


def fill_form(blank: Path, values: Mapping[str, Any], target: Path) -> Path:
    """Copy `blank` to `target` with `values` typed into the named input cells."""
    wb = openpyxl.load_workbook(blank)
    for key, value in values.items():
        defined = wb.defined_names.get(key)
        if defined is None:
            raise KeyError(f"the form has no field named {key!r}")
        for sheet, ref in defined.destinations:
            cell = wb[sheet][ref.replace("$", "")]
            cell.value = value
            if isinstance(value, str):
                cell.data_type = "s"  # what Excel does in a text cell: '=x' stays text
    target.parent.mkdir(parents=True, exist_ok=True)
    wb.save(target)
    return target


def variants(form: bytes, *, marker: str, count: int, prefix: str) -> Iterator[bytes]:
    """`count` copies of a filled form that differ only where it says `marker` (a text field):
    distinct forms for load tests and benchmarks, at a zip rewrite each instead of a fill.
    Each replacement is `prefix` plus a number, padded to the marker's length."""
    with zipfile.ZipFile(io.BytesIO(form)) as z:
        parts = [(info, z.read(info.filename)) for info in z.infolist()]
    width = max(1, len(marker) - len(prefix))
    for n in range(count):
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            for info, data in parts:
                z.writestr(info, data.replace(marker.encode(), f"{prefix}{n:0{width}d}".encode()))
        yield out.getvalue()
