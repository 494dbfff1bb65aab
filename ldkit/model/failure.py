"""Why a workbook's run did not give an executed notebook: a typed failure that pickles (a Dask task returns it)."""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class FailureKind(str, Enum):
    ERROR = "error"  # a cell raised
    TIMEOUT = "timeout"  # one cell, or the whole notebook, ran out of time
    DEAD = "dead"  # the kernel died
    NOT_RUN = "not-run"  # never started: unsafe parameters, a folder too large or unreadable


@dataclass(frozen=True)
class RunFailure:
    kind: FailureKind
    message: str  # what the page and the terminal say
    cell: int | None = None  # 1-based, for ERROR

    @property
    def ran(self) -> bool:
        """It started (and failed), as opposed to not being run at all."""
        return self.kind is not FailureKind.NOT_RUN
