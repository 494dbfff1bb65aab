"""Chart geometry for the pages' inline SVG (no script, nothing loaded): bars scaled against the largest value."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ldkit.model.history import WeekSummary


CHART_WIDTH = 360  # the drawing's units: about the width of a chart box three to a row, so labels keep their size
TICK_SPACING = 56  # the fewest units between two week labels ("W53" at 13 px needs about 30)


def scale(value: float, top: float, length: float) -> float:
    """`value`'s share of `top` as a length (0 when there is nothing to show)."""
    return value / top * length if top else 0


def category_bars(categories: dict[str, int]) -> dict[str, Any]:
    """Bar geometry for the inline SVG chart of categories."""
    top = max(categories.values(), default=0)
    bars = [{"name": name, "count": count, "width": round(scale(count, top, 300))}
            for name, count in categories.items()]
    return {"bars": bars, "height": 26 * len(bars) + 8}


def week_bars(label: str, weeks: list[WeekSummary], series: dict[str, list[float]], colours: dict[str, str],
           unit: str = "") -> dict[str, Any]:
    """Geometry of a (stacked) bar chart over weeks, oldest left; drawn by the template as inline SVG."""
    ordered = list(reversed(weeks))
    totals = [sum(values[i] for values in series.values()) for i in range(len(ordered))]
    top = max(totals, default=0) or 1
    # one drawing width for every chart, so its labels come out the same size whether it holds 2 weeks or 52
    # (the box scales the drawing to fit: a width that grew with the weeks shrank a year's labels to 5 px)
    width, height, base = CHART_WIDTH, 150, 130
    step = min(48, (width - 20) / max(1, len(ordered)))  # a few weeks stand side by side, not spread apart
    bar_width = max(2, min(22, round(step) - 3))
    bars = []
    for i, week in enumerate(ordered):
        y: float = base
        segments = []
        for name, values in series.items():
            h = round(scale(values[i], top, base - 16), 1)
            if h > 0:
                y -= h
                segments.append({"y": round(y, 1), "height": h, "colour": colours[name],
                                 "title": f"{name} {values[i]:g}{unit}"})
        bars.append({"x": round(10 + i * step, 1), "label": week.week, "segments": segments})
    every = max(1, -(-len(ordered) // (width // TICK_SPACING)))  # a label every TICK_SPACING units at most
    ticks = [{"x": round(10 + i * step + bar_width / 2, 1), "label": w.week[5:]} for i, w in enumerate(ordered)
             if i % every == 0]
    legend = [(name, colours[name]) for name in series] if len(series) > 1 else []
    return {"label": label, "width": width, "height": height, "base": base, "bar_width": bar_width, "bars": bars,
            "ticks": ticks, "legend": legend, "top_label": f"{max(totals, default=0):g}{unit}"}
