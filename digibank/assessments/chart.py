"""The progress chart: horizontal bars per DigComp area, before and after, drawn as inline
SVG on the server (no JavaScript, no style attributes: geometry in SVG attributes, colours
in app-assessments.css). The same figures are always shown as a table as well."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.template.defaultfilters import floatformat
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from .queries import AreaProgress

WIDTH = 640
LEFT = 90  # room for "Before" / "After"
RIGHT = 50  # room for the value after the longest bar
SCALE_MAX = 5
LABEL_HEIGHT = 24
BAR_HEIGHT = 22
BAR_GAP = 6
AREA_GAP = 18
AXIS_HEIGHT = 30


@dataclass(frozen=True)
class Bar:
    kind: str  # "before" or "after"
    label: str
    y: int
    width: int
    value: str  # the average as text, or "" when there is none
    text_y: int


@dataclass(frozen=True)
class AreaRow:
    label: str | Promise
    label_y: int
    bars: list[Bar]


@dataclass(frozen=True)
class Tick:
    x: int
    label: int


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    left: int
    plot_width: int
    axis_y: int
    rows: list[AreaRow]
    ticks: list[Tick]
    description: str


def _x(value: Decimal, plot_width: int) -> int:
    return round(float(value) / SCALE_MAX * plot_width)


def _describe(areas: list[AreaProgress]) -> str:
    """The text alternative: every figure of the chart in one sentence per area."""
    parts = []
    for row in areas:
        before = floatformat(row.before, 1) if row.before is not None else _("no answer")
        after = floatformat(row.after, 1) if row.after is not None else _("no answer")
        parts.append(
            _("%(area)s: before %(before)s, after %(after)s")
            % {"area": row.label, "before": before, "after": after}
        )
    return _("Average score per area, from 1 to 5. %(figures)s.") % {"figures": "; ".join(parts)}


def progress_chart(areas: list[AreaProgress]) -> Chart:
    plot_width = WIDTH - LEFT - RIGHT
    rows = []
    y = 0
    for row in areas:
        label_y = y + LABEL_HEIGHT - 6
        y += LABEL_HEIGHT
        bars = []
        for kind, label, value in (
            ("before", _("Before"), row.before),
            ("after", _("After"), row.after),
        ):
            bars.append(
                Bar(
                    kind=kind,
                    label=str(label),
                    y=y,
                    width=_x(value, plot_width) if value is not None else 0,
                    value=floatformat(value, 1) if value is not None else "–",
                    text_y=y + BAR_HEIGHT - 6,
                )
            )
            y += BAR_HEIGHT + BAR_GAP
        y += AREA_GAP - BAR_GAP
        rows.append(AreaRow(label=row.label, label_y=label_y, bars=bars))
    ticks = [Tick(x=LEFT + _x(Decimal(n), plot_width), label=n) for n in range(SCALE_MAX + 1)]
    return Chart(
        width=WIDTH,
        height=y + AXIS_HEIGHT,
        left=LEFT,
        plot_width=plot_width,
        axis_y=y,
        rows=rows,
        ticks=ticks,
        description=_describe(areas),
    )
