"""Half-written outputs of a run that was killed: removed when the next run starts.

Every output the product writes goes through a hidden temporary name first — `.<naam>.<pid>.tmp`,
`.<naam>.<pid>.tmp.xlsx`, `.<naam>.<pid>.tmp.docx` — and gets its real name by an atomic rename or
link. A run killed in between leaves the temporary file (empty or half written) under that name.
Only one run holds a working folder at a time (the working-folder lock), so at start such a file
of another process is nobody's any more. Only names of exactly that shape are touched.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterable
from pathlib import Path

from automation.errors import explain_os_error
from automation.intake import files

log = logging.getLogger(__name__)

HALF_WRITTEN = re.compile(r"^\..+\.(\d+)\.tmp(?:\.[A-Za-z]{3,4})?$")


def half_written(folders: Iterable[Path], *, pid: int | None = None) -> list[Path]:
    """The temporary files of other processes in these folders and below."""
    mine = os.getpid() if pid is None else pid
    found = []
    for folder in folders:
        if not folder.is_dir():
            continue
        for root, _dirs, names in os.walk(folder):
            for name in names:
                match = HALF_WRITTEN.match(name)
                if match and int(match.group(1)) != mine:
                    found.append(Path(root, name))
    return sorted(found)


def clear_half_written(folders: Iterable[Path]) -> list[Path]:
    """Remove what a killed run left half written; returns what was removed. A file that cannot be
    removed is logged and left (the next start tries again)."""
    removed = []
    for path in half_written(folders):
        try:
            if not files.remove_entry(path):  # a temporary archive entry is read-only already
                continue
        except OSError as exc:
            log.warning("Kon het half geschreven bestand %s niet opruimen (%s).", path, explain_os_error(exc))
            continue
        removed.append(path)
    if removed:
        log.info("%d half geschreven bestand(en) van een afgebroken run opgeruimd.", len(removed))
    return removed
