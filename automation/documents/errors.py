"""Errors of the document generation: each names the template, the tag and what to do."""

from __future__ import annotations

from automation.errors import VeiligheidError


class TemplateProblem(VeiligheidError):
    """A template cannot be rendered (a missing variable, a broken tag); nothing was written for it."""

    exit_code = 6

    def __init__(self, message: str, *, template: str, tag: str | None = None) -> None:
        super().__init__(message)
        self.template = template
        self.tag = tag


class DocumentsError(VeiligheidError):
    """Something else the office can fix: an unknown school, an unwritable folder."""

    exit_code = 3


class OptionProblem(VeiligheidError):
    """A command-line option has a value the product cannot use."""

    exit_code = 2
