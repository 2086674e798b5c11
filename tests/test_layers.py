"""The architecture holds: SQL lives in the store only, and nobody reaches into the store's private
connection (the floors themselves are checked by `lint-imports` in .ci/run, from the contract in
pyproject.toml)."""

from __future__ import annotations

import re
from pathlib import Path

import automation

PACKAGE = Path(automation.__file__).parent
ROOT = PACKAGE.parent
SQL_CALL = re.compile(r"\.(execute|executemany|executescript)\(|\bsqlite3\.connect\(")
PRIVATE_CONNECTION = re.compile(r"\.(_?conn)\b")


def lines_matching(pattern: re.Pattern[str], folder: Path) -> list[str]:
    return [
        f"{path.relative_to(ROOT)}:{n}"
        for path in sorted(folder.rglob("*.py"))
        if path.name != "store.py" or path.parent != PACKAGE
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if pattern.search(line)
    ]


def test_no_module_outside_the_store_runs_sql() -> None:
    assert lines_matching(SQL_CALL, PACKAGE) == []


def test_nothing_uses_the_stores_connection() -> None:
    found = [
        hit
        for folder in (PACKAGE, ROOT / "tests", ROOT / "bench")
        for hit in lines_matching(PRIVATE_CONNECTION, folder)
    ]
    assert found == []
