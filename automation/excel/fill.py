"""Fill a blank form through its defined names, as another program (or a test) would.

This is the contract of DOMAIN.md §4 seen from the outside: no cell addresses, only field keys.
"""

from __future__ import annotations

from collections.abc import Mapping
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
