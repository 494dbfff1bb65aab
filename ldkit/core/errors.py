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


class NetworkError(LdkitError):
    """A service could not be reached, or kept failing."""


class NotDelivered(NetworkError):
    """The request provably did not reach the service (refused connection, redirect, refusal): safe to send again."""


class MaybeDelivered(NetworkError):
    """The body was sent, but no success came back (timeout, 5xx): it may have arrived."""


class PaperFetchError(NetworkError):
    """The service answered something unusable (the workbook is still made)."""


class FormError(LdkitError):
    """A form or result cannot tell which workbook it belongs to."""


class FolderTooLarge(LdkitError):
    """A workbook's folder holds more than a run may copy; `limit` is that many bytes."""

    def __init__(self, message: str, hint: str | None = None, limit: int | None = None) -> None:
        super().__init__(message, hint)
        self.limit = limit


class UpgradeError(LdkitError, ValueError):
    """A stored record whose version or shape no upgrade step understands."""


class SchemaProblem(LdkitError, ValueError):
    """Where a stored document breaks its JSON Schema, said for a person: the `field` and what it must be."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field} {message}" if field else message)
        self.field = field
        self.problem = message  # what is wrong, without the field


class NotPlainAssignments(LdkitError, ValueError):
    """A parameters cell with a statement other than `name = value` (papermill would run it before the values):
    `line` (1-based) and its `text`."""

    def __init__(self, line: int, text: str) -> None:
        super().__init__(f"line {line}: {text}")
        self.line, self.text = line, text


class AlreadyPosted(InputError):
    """This week's message was posted before: nothing was sent. A rerun (CI) says so and succeeds (exit 0)."""
