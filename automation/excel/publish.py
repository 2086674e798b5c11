"""Put a freshly written master in place, also when Excel has the old one open.

On Windows Excel locks an open workbook: replacing it fails. Then we retry for a while, and if it
stays locked we put the new version beside it as `bestuursoverzicht (bijgewerkt <datum tijd>).xlsx`.
At the next successful replace the dated copies are removed. Nothing is lost either way: the master
is always rebuilt from the store.
"""

from __future__ import annotations

import datetime as dt
import glob
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

Replace = Callable[[Path, Path], None]


@dataclass(frozen=True)
class Published:
    path: Path
    fallback: bool  # True: the main file was locked; `path` is a dated copy beside it


def dated_copy(target: Path, moment: dt.datetime) -> Path:
    return target.with_name(f"{target.stem} (bijgewerkt {moment:%d-%m-%Y %H.%M.%S}){target.suffix}")


def dated_copies(target: Path) -> list[Path]:
    return sorted(target.parent.glob(f"{glob.escape(target.stem)} (bijgewerkt *){target.suffix}"))


def _default_replace(source: Path, target: Path) -> None:
    os.replace(source, target)


def publish(
    tmp: Path,
    target: Path,
    *,
    moment: dt.datetime,
    attempts: int = 5,
    pause: float = 1.0,
    replace: Replace = _default_replace,
    sleep: Callable[[float], None] = time.sleep,
) -> Published:
    """Move `tmp` to `target`; if `target` stays locked, to a dated copy beside it."""
    for attempt in range(attempts):
        try:
            replace(tmp, target)
        except PermissionError:  # Windows: open in Excel (a sharing violation)
            if attempt + 1 < attempts:
                sleep(pause)
            continue
        _remove(dated_copies(target))
        return Published(target, fallback=False)
    copy = dated_copy(target, moment)
    replace(tmp, copy)
    _remove([old for old in dated_copies(target) if old != copy])  # only the newest is useful
    return Published(copy, fallback=True)


def _remove(paths: list[Path]) -> None:
    for path in paths:
        try:
            path.unlink()
        except OSError:  # that copy is open in Excel itself: removed at a later chance
            log.info("Oude kopie %s kon nog niet weg (geopend?).", path.name)
