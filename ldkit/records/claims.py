"""The rules of a result record: a claim ("the paper said X, I got Y"), its tolerance, reproduced or not, the tally."""
from __future__ import annotations

import math
import re
from typing import Any

from ldkit.core.errors import RecordError
from ldkit.core.text import escape_markdown

_PERCENT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*%\s*$")


def _number(value: object, what: str, name: str) -> float:
    if isinstance(value, bool) or value is None:
        raise RecordError(f"result {name!r}: {what} must be a number, not {value!r}")
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise RecordError(f"result {name!r}: {what} must be a number, not {value!r}") from None
    if math.isnan(number) or math.isinf(number):
        raise RecordError(f"result {name!r}: {what} is {value!r}; give a finite number",
                          hint="a NaN or infinite result usually means the run diverged: record what you saw in note=")
    return int(number) if isinstance(value, int) else number


def result_data(name: object, paper: object, mine: object, tolerance: object = None, higher_is_better: bool = True,
                unit: str = "", note: str = "") -> dict[str, Any]:
    label = str(name or "").strip()
    if not label:
        raise RecordError("a result needs a name, e.g. ldkit.result('top-1 accuracy', paper=76.1, mine=75.4)")
    data: dict[str, Any] = {"name": label, "paper": _number(paper, "paper", label),
                            "mine": _number(mine, "mine", label), "tolerance": None,
                            "higher_is_better": bool(higher_is_better), "unit": str(unit or ""),
                            "note": str(note or "")}
    if tolerance is not None and tolerance != "":
        if isinstance(tolerance, str):
            match = _PERCENT.match(tolerance)
            if match:
                data["tolerance"] = f"{match.group(1)}%"
            else:
                data["tolerance"] = _number(tolerance, "tolerance", label)
        else:
            data["tolerance"] = _number(tolerance, "tolerance", label)
        if not isinstance(data["tolerance"], str) and data["tolerance"] < 0:
            raise RecordError(f"result {label!r}: tolerance is {tolerance!r}; it cannot be negative",
                              hint="give how far from the paper's number still counts, e.g. 0.5 or '2%'")
    return data


def tolerance_of(data: dict[str, Any]) -> float | None:
    tolerance = data.get("tolerance")
    if tolerance is None or tolerance == "":
        return None
    if isinstance(tolerance, str):
        match = _PERCENT.match(tolerance)
        return abs(float(data["paper"])) * float(match.group(1)) / 100 if match else None
    return float(tolerance)


def reproduced(data: dict[str, Any]) -> bool | None:
    """|mine - paper| <= tolerance; None ("compare by eye") when no tolerance was given."""
    limit = tolerance_of(data)
    try:
        delta = abs(float(data["mine"]) - float(data["paper"]))
    except (KeyError, TypeError, ValueError):
        return None
    return None if limit is None else delta <= limit + 1e-12


def verdict(data: dict[str, Any]) -> str:
    state = reproduced(data)
    if state is None:
        return "compare by eye"
    if state:
        return "reproduced"
    better = (float(data["mine"]) > float(data["paper"])) == bool(data.get("higher_is_better", True))
    return "not reproduced (better than the paper)" if better else "not reproduced"


def tally(results: list[dict[str, Any]]) -> dict[str, Any]:
    """{"reproduced", "judged", "total", "text"} such as "3 of 4 claims reproduced"."""
    states = [reproduced(r) for r in results]
    judged = [s for s in states if s is not None]
    text = f"{sum(judged)} of {len(judged)} claims reproduced"
    if len(states) > len(judged):
        text += f" ({len(states) - len(judged)} to compare by eye)"
    return {"reproduced": sum(judged), "judged": len(judged), "total": len(states), "text": text}


def _fmt(value: Any, unit: str = "") -> str:
    text = f"{value:g}" if isinstance(value, (int, float)) else str(value)
    return f"{text} {escape_markdown(unit)}".strip() if unit else text


def results_markdown(results: list[dict[str, Any]]) -> str:
    """A table of every result so far: paper, mine, delta, tolerance, verdict; then the tally."""
    lines = ["| Claim | Paper | Mine | Δ | Tolerance | Verdict |", "|---|---:|---:|---:|---:|---|"]
    for r in results:
        delta = float(r["mine"]) - float(r["paper"])
        tolerance = r.get("tolerance")
        lines.append(f"| {escape_markdown(r['name'])} | {_fmt(r['paper'], r.get('unit', ''))} | "
                     f"{_fmt(r['mine'], r.get('unit', ''))} | {delta:+.4g} | "
                     f"{'—' if tolerance in (None, '') else _fmt(tolerance)} | {verdict(r)} |")
    return "\n".join(lines) + f"\n\n**{tally(results)['text']}**\n"
