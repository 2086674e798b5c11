"""Half-written outputs of a run that was killed: removed when the next run starts.

Every output the product writes goes through a hidden temporary name first — `.<naam>.<pid>.tmp`,
`.<naam>.<pid>.tmp.xlsx`, `.<naam>.<pid>.tmp.docx` — and gets its real name by an atomic rename or
link. A run killed in between leaves the temporary file (empty or half written) under that name.
At start, such a file of a process that no longer runs is nobody's any more. Only names of exactly
that shape are touched.
"""

from __future__ import annotations

import logging
import os
import re
import time
from collections.abc import Iterable
from pathlib import Path

from automation.errors import explain_os_error
from automation.intake import files

log = logging.getLogger(__name__)

HALF_WRITTEN = re.compile(r"^\..+\.(\d+)\.tmp(?:\.[A-Za-z]{3,4})?$")


def half_written(folders: Iterable[Path], *, pid: int | None = None) -> list[Path]:
    """The temporary files of processes that are gone, in these folders and below. A process that
    still runs (`veiligheid plan` writes its documents without the working folder's lock) keeps
    its files."""
    mine = os.getpid() if pid is None else pid
    found = []
    for folder in folders:
        if not folder.is_dir():
            continue
        for root, _dirs, names in os.walk(folder):
            for name in names:
                match = HALF_WRITTEN.match(name)
                if match and int(match.group(1)) != mine and _gone(int(match.group(1)), Path(root, name)):
                    found.append(Path(root, name))
    return sorted(found)


def _gone(pid: int, path: Path) -> bool:
    """Whether the process that wrote `path` no longer runs: asked of the system on POSIX; on Windows
    (where process numbers are soon used again) a file a day old counts as left behind."""
    if os.name != "posix":
        try:
            return time.time() - path.stat().st_mtime > 86_400
        except OSError:
            return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False  # it runs, under another account
    except OSError:
        return True
    return False


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
