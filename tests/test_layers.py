"""The architecture holds: SQL lives in the store only (the floors themselves are checked by
`lint-imports` in .ci/run, from the contract in pyproject.toml)."""

from __future__ import annotations

import re
from pathlib import Path

import automation

PACKAGE = Path(automation.__file__).parent
SQL_CALL = re.compile(r"\.(execute|executemany|executescript)\(|\.conn\b")


def test_no_module_outside_the_store_runs_sql() -> None:
    found = [
        f"{path.relative_to(PACKAGE)}:{n}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if path.name != "store.py"
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if SQL_CALL.search(line)
    ]
    assert found == []
