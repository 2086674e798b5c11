"""What the intake says about a file, as typed values.

Each value is the Dutch code the database stores (`submissions.outcome`, `submissions.kind`) or the
runner is given, so databases written before these types read the same.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TypeAlias

from automation.errors import ProblemKind
from automation.store import Outcome


class Waiting(StrEnum):
    """Not judged: still being written or locked by another program; the runner tries again."""

    WAITING = "wachten"


WAITING = Waiting.WAITING


class DuplicateKind(StrEnum):
    SAME_FILE = "zelfde-bestand"  # these very bytes were accepted before
    SAME_CONTENT = "zelfde-inhoud"  # other bytes (Excel saves again), the same values


class RejectKind(StrEnum):
    """Why a file was rejected, besides what the form reader says (`ProblemKind`)."""

    INVALID = "ongeldig"  # one of our forms, with values to correct
    EXPORT_ERROR = "export-fout"  # a survey export a profile knows, that cannot be imported
    ERROR = "fout"  # an unexpected error while reading: the office sees it in the log


class AcceptKind(StrEnum):
    EXPORT = "export"  # a survey export (a form has no kind)


Kind: TypeAlias = ProblemKind | RejectKind | DuplicateKind | AcceptKind
Handled: TypeAlias = Outcome | Waiting  # what handling one file gives the runner
