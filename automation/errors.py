"""One error family. Every error carries a Dutch message a person can act on, and the exit code
the command line ends with when it stops on it (the table in the README)."""

from __future__ import annotations

from enum import StrEnum


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


class ArchiveDamaged(VeiligheidError):
    """An original in the archive no longer has the SHA-256 it was stored with (changed, damaged or
    replaced after acceptance). Never turned into a rejection: the run stops on it, loudly."""

    exit_code = 7

    def __init__(self, message: str, *, path: str, expected: str, found: str | None) -> None:
        super().__init__(message)
        self.path = path
        self.expected = expected
        self.found = found  # None: the file is gone or cannot be read


class MailError(VeiligheidError):
    """A message could not be sent now (`veiligheid mail test`): the server cannot be reached or
    refuses it; the message says what the server answered."""

    exit_code = 1


class ProblemKind(StrEnum):
    """Why a file cannot be read as a form: the stable code stored in `submissions.kind`."""

    DAMAGED = "beschadigd"  # damaged or not completely saved
    PROTECTED = "beveiligd"  # encrypted with a password
    EMPTY = "leeg"
    TOO_LARGE = "te-groot"
    TEXT = "tekst"  # plain text: perhaps a survey export (CSV)
    UNKNOWN_WORKBOOK = "onbekende-werkmap"  # a workbook that is not one of our forms: perhaps an export
    NOT_A_FORM = "geen-formulier"  # a Word document or another kind of zip
    UNKNOWN = "onbekend"  # not an Office file at all
    UNKNOWN_VERSION = "onbekende-versie"  # one of our forms, of a version we do not know
    CHANGED = "afwijkend"  # one of our forms with its layout changed
    XLS = "xls"
    XLSM = "xlsm"
    ODS = "ods"


class FileProblem(VeiligheidError):
    """A dropped file cannot be used as a form at all (not a form, damaged, protected, ...).

    `kind` is a short stable code for the log and the master's Logboek; `message` explains in
    Dutch what is wrong and what to do.
    """

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = ProblemKind(kind)


class ConfirmationNeeded(VeiligheidError):
    """The command would do more than is needed (rebuild a healthy database); the message names the
    option that asks for it anyway."""

    exit_code = 1


class SurveyRejected(VeiligheidError):
    """A survey export cannot be imported; `message` says why in Dutch."""

    exit_code = 1

    def __init__(self, message: str, *, recognised: bool = True) -> None:
        super().__init__(message)
        self.recognised = recognised  # False: no profile knows this file


class ProfileError(VeiligheidError):
    """A survey profile file is wrong; the message names the file and the key."""

    exit_code = 1


class UsageProblem(VeiligheidError):
    """The command line itself is wrong: an unknown command or option, or a value of the wrong kind."""

    exit_code = 64  # EX_USAGE, as sysexits.h has it


class Interrupted(VeiligheidError):
    """Ctrl-C (or SIGINT) stopped a command half-way; what was stored stays stored."""

    exit_code = 130  # 128 + SIGINT, as shells report it

    def __init__(self) -> None:
        super().__init__(
            "afgebroken (Ctrl-C). Wat al klaar was, is bewaard; wat nog niet klaar was, gebeurt bij de volgende "
            "verwerking. Kijk met 'veiligheid status' hoe het ervoor staat."
        )


class OptionProblem(VeiligheidError):
    """A command-line option has a value the product cannot use."""

    exit_code = 2


class DocumentsError(VeiligheidError):
    """Something about the documents the office can fix: an unknown school, an unwritable folder."""

    exit_code = 3


class TemplateProblem(VeiligheidError):
    """A template cannot be rendered (a missing variable, a broken tag); nothing was written for it."""

    exit_code = 6

    def __init__(self, message: str, *, template: str, tag: str | None = None) -> None:
        super().__init__(message)
        self.template = template
        self.tag = tag


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
        errno.ENOTDIR: "een map in het pad is een bestand",
        errno.EEXIST: "er staat al een bestand met die naam",
    }
    meaning = known.get(code) if code is not None else None
    if meaning is None:
        return str(exc)
    return meaning if meaning.startswith("de schijf") else f"{meaning}: {exc}"
