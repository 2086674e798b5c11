"""One error family. Every error carries a Dutch message a person can act on."""

from __future__ import annotations


class VeiligheidError(Exception):
    """Base class: `str(err)` is the one-line Dutch message for the user."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ConfigError(VeiligheidError):
    """The config file is missing or wrong; the message names the key and the fix."""

    exit_code = 2


class FolderError(VeiligheidError):
    """A folder the product needs cannot be read or written."""

    exit_code = 3


class AlreadyRunning(VeiligheidError):
    """Another watcher or run holds this working folder."""

    exit_code = 4


class StoreError(VeiligheidError):
    """The database is missing, damaged or from a newer version."""

    exit_code = 5


class FileProblem(VeiligheidError):
    """A dropped file cannot be used as a form at all (not a form, damaged, protected, ...).

    `kind` is a short stable code for the log and the master's Logboek; `message` explains in
    Dutch what is wrong and what to do.
    """

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


class NotReady(Exception):
    """The file is still being written or is locked by another program: try again later."""


def explain_os_error(exc: BaseException) -> str:
    """What a disk or folder problem means, in Dutch, for the log and the console."""
    import errno
    import sqlite3

    if isinstance(exc, sqlite3.OperationalError) and "full" in str(exc):
        return "de schijf is vol"
    code = getattr(exc, "errno", None)
    known = {
        errno.ENOSPC: "de schijf is vol",
        errno.EDQUOT: "het schijfquotum is op",
        errno.EROFS: "de schijf of map is alleen-lezen",
        errno.EACCES: "geen toegang (schrijfrechten?)",
        errno.EPERM: "geen toegang (schrijfrechten?)",
        errno.ENOENT: "de map of het bestand is er niet (meer)",
        errno.EIO: "een lees- of schrijffout van de schijf of het netwerk",
    }
    meaning = known.get(code) if code is not None else None
    if meaning is None:
        return str(exc)
    return meaning if meaning.startswith("de schijf") else f"{meaning}: {exc}"
