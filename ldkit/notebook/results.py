"""`ldkit.result(...)` in a kernel: record "the paper said X, I got Y", judge it, show the table so far."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ldkit.records.claims import reproduced, result_data, results_markdown, tally, verdict
from ldkit.records.notebook import MIME
from ldkit.records.schema import make_record
from ldkit.records.workbook import load_workbook, save_record
from ldkit.workbook.locate import kernel_namespace, locate_workbook, saving_disabled

__all__ = ["ResultRecord", "reproduced", "result", "result_data", "results_markdown", "tally", "verdict"]


@dataclass
class ResultRecord:
    """What `ldkit.result` returns; already shown, so displaying it again shows nothing."""

    record: dict[str, Any]
    reproduced: bool | None
    verdict: str

    def _ipython_display_(self) -> None:
        pass


def result(name: str, paper: float, mine: float, tolerance: float | str | None = None, higher_is_better: bool = True,
           unit: str = "", note: str = "", *, notebook: str | os.PathLike | None = None) -> ResultRecord:
    """Record a claim: the paper's number, yours, and how close counts. Shows the table of all results so far."""
    data = result_data(name, paper, mine, tolerance, higher_is_better, unit, note)
    path = locate_workbook(kernel_namespace(), Path.cwd(), notebook)
    workbook = load_workbook(path)
    record = make_record("result", workbook.id, workbook.author, data)
    if not saving_disabled():
        save_record(path, record)
    current = {**{k: v["data"] for k, v in workbook.records.results.items()}, data["name"]: data}
    table = results_markdown(list(current.values()))
    if kernel_namespace():
        from IPython.display import display

        display({MIME: record, "text/markdown": table}, raw=True)
    return ResultRecord(record=record, reproduced=reproduced(data), verdict=verdict(data))
