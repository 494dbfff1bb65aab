"""The one family of errors ldkit raises; the CLI prints them without a traceback."""
from __future__ import annotations


class LdkitError(Exception):
    """A failure the user can act on. `exit_code` 1: the work failed."""

    exit_code = 1

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message}\n  {self.hint}" if self.hint else self.message

    def one_line(self) -> str:
        """The message and its fix on one line, as the command line prints every refusal."""
        return f"{self.message} — {self.hint}" if self.hint else self.message

    def _render_traceback_(self) -> list[str]:
        # IPython shows this instead of a stack: in a notebook the message is what the learner needs
        return [f"ldkit: {type(self).__name__}: {self}"]


class InputError(LdkitError):
    """Bad usage or bad input (an option, a file, a field): exit 2."""

    exit_code = 2


class WorkspaceError(InputError):
    """No workspace, or its settings are wrong."""


class NotebookError(InputError):
    """A file that is not a readable ldkit workbook."""


class ConflictError(NotebookError):
    """A notebook holding git conflict markers (a merge of two clones' edits): not JSON until someone resolves it."""


class RecordError(InputError):
    """A plan, outcome or result field that does not pass validation."""

    def __init__(self, message: str, hint: str | None = None, field: str | None = None) -> None:
        super().__init__(message, hint)
        self.field = field


class TemplateError(InputError):
    """An unknown or broken template."""


class WriteError(LdkitError):
    """A file could not be written (permissions, disk): exit 1. `reason` is the system's word (e.g. disk full)."""

    def __init__(self, message: str, hint: str | None = None, reason: str | None = None) -> None:
        super().__init__(message, hint)
        self.reason = reason
