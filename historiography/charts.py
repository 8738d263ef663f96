"""Geometry for the server-rendered SVG charts: estimates as ranges, the debate as a
timeline. Pure functions over rows already fetched, so a chart costs no query."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from itertools import groupby

from .models import Basis
from .templatetags.historiography import figure, figure_range

# Colour-blind-safe palette (Okabe & Ito); shapes and text say the same, colour is a help.
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"]

# --- Estimates ------------------------------------------------------------------------

LABEL_WIDTH = 250
PLOT_WIDTH = 420
ROW_HEIGHT = 26
GROUP_GAP = 46


@dataclass
class Bar:
    estimate: object
    x: float
    width: float
    y: float
    label: str
    value_label: str
    archival: str  # "pre", "post" or "other": drawn hatched, solid, or outlined

    @property
    def text_y(self):
        return self.y + 13

    @property
    def value_x(self):
        return self.x + self.width + 6


@dataclass
class Band:
    """A consensus range drawn behind a group's bars, across its whole height, with its
    label as text (a band is told from a bar by its shape and words, not its colour)."""

    estimate: object
    x: float
    width: float
    y: float
    height: float
    label: str
    label_x: float
    label_y: float

    @property
    def right(self):
        return self.x + self.width

    @property
    def bottom(self):
        return self.y + self.height


@dataclass
class Tick:
    x: float
    label: str


@dataclass
class EstimateGroup:
    measure: str
    y: float
    bars: list = field(default_factory=list)
    bands: list = field(default_factory=list)
    ticks: list = field(default_factory=list)
    axis_y: float = 0

    @property
    def title_y(self):
        return self.y + 14

    @property
    def tick_label_y(self):
        return self.axis_y + 14


@dataclass
class EstimateChart:
    groups: list
    width: int
    height: int
    plot_x: int = LABEL_WIDTH
    plot_width: int = PLOT_WIDTH

    @property
    def bands(self):
        return [band for group in self.groups for band in group.bands]


def nice_max(value: int) -> int:
    """The next 'round' number at or above value: 1, 2, 2.5, 5 or 10 times a power of ten."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return int(step * power)
    return int(10 * power)


def archival_kind(basis: str) -> str:
    return {Basis.PRE_ARCHIVAL: "pre", Basis.POST_ARCHIVAL: "post"}.get(basis, "other")


def band_label(estimate) -> str:
    return f"Consensus range: {figure_range(estimate)} ({estimate.source})"


def estimate_chart(estimates) -> EstimateChart | None:
    """One group per measure (each with its own scale: executions and total deaths differ
    by orders of magnitude); within a group one bar per source from low to high, sorted.
    The most disputed measures (those with the most sources) come first. A consensus
    estimate is not a source's bar but a band behind them all, labelled on its own row."""
    sources = Counter(e.measure for e in estimates if not e.is_consensus)
    estimates = sorted(estimates, key=lambda e: (-sources[e.measure], e.measure, e.low, e.high, e.source))
    if not estimates:
        return None
    chart_width = LABEL_WIDTH + PLOT_WIDTH + 130
    groups, y = [], 10.0
    for measure, rows in groupby(estimates, key=lambda e: e.measure):
        rows = list(rows)
        top = nice_max(max(e.high for e in rows))
        group = EstimateGroup(measure=measure, y=y)
        y += 24
        consensus = [e for e in rows if e.is_consensus]
        rows = [e for e in rows if not e.is_consensus]
        band_top = y - 4
        for estimate in consensus:
            x = LABEL_WIDTH + PLOT_WIDTH * estimate.low / top
            band_width = max(PLOT_WIDTH * (estimate.high - estimate.low) / top, 4)
            label = band_label(estimate)
            # Start the label at the band's left edge, pulled left if it would run off the chart
            # (under 6.6px a character in the chart's 11px bold).
            label_x = max(0.0, min(x, chart_width - 4 - 6.6 * len(label)))
            group.bands.append(Band(estimate, x, band_width, band_top, 0, label, label_x, y + 13))
            y += ROW_HEIGHT
        for estimate in rows:
            x = LABEL_WIDTH + PLOT_WIDTH * estimate.low / top
            width = max(PLOT_WIDTH * (estimate.high - estimate.low) / top, 4)  # a single figure still shows
            label = estimate.source if len(estimate.source) <= 34 else estimate.source[:33] + "…"
            group.bars.append(Bar(estimate, x, width, y, label, figure_range(estimate), archival_kind(estimate.basis)))
            y += ROW_HEIGHT
        group.axis_y = y + 4
        for band in group.bands:
            band.height = group.axis_y - band.y
        group.ticks = [Tick(LABEL_WIDTH + PLOT_WIDTH * i / 4, figure(top * i // 4)) for i in range(5)]
        groups.append(group)
        y += GROUP_GAP
    return EstimateChart(groups=groups, width=chart_width, height=int(y))


# --- Timeline -------------------------------------------------------------------------

TIMELINE_START, TIMELINE_END = 1930, 2030
LANE_HEIGHT = 34
TIMELINE_LEFT = 170
TIMELINE_WIDTH = 620


@dataclass
class Dot:
    argument: object
    x: float
    y: float
    colour: str


@dataclass
class Lane:
    label: str
    y: float
    colour: str
    dots: list = field(default_factory=list)


@dataclass
class Timeline:
    """Lanes of dots over 1930–2030, with the markers that matter."""

    lanes: list
    width: int
    height: int
    axis_y: float
    decades: list
    markers: list
    left: int = TIMELINE_LEFT


def year_x(year: int) -> float:
    year = min(max(year, TIMELINE_START), TIMELINE_END)
    return TIMELINE_LEFT + TIMELINE_WIDTH * (year - TIMELINE_START) / (TIMELINE_END - TIMELINE_START)


def timeline(lanes_of, milestones=()) -> Timeline:
    """`lanes_of` is [(label, [argument, ...]), ...]; `milestones` the topic's turning
    points (Milestone rows), drawn as vertical lines when they fall on the axis. Arguments without a year, or from
    before the axis begins (Lenin's 1902 pamphlet), are left to the table: clamped onto
    the axis they would look like arguments of the 1930s.
    Dots of the same lane and year are stacked a little so none hides another."""
    lanes, y = [], 30.0
    for index, (label, arguments) in enumerate(lanes_of):
        colour = PALETTE[index % len(PALETTE)]
        lane = Lane(label=label, y=y + LANE_HEIGHT / 2, colour=colour)
        seen = {}
        for argument in sorted((a for a in arguments if a.year and a.year >= TIMELINE_START), key=lambda a: a.year):
            offset = seen.get(argument.year, 0)
            seen[argument.year] = offset + 1
            lane.dots.append(
                Dot(
                    argument,
                    year_x(argument.year) + 3 * offset,
                    lane.y + (4 if offset % 2 else -4) * (offset > 0),
                    colour,
                )
            )
        lanes.append(lane)
        y += LANE_HEIGHT
    axis_y = y + 6
    decades = [(year_x(d), d) for d in range(TIMELINE_START, TIMELINE_END + 1, 10)]
    markers = [(year_x(m.year), m.year, m.label) for m in milestones if TIMELINE_START <= m.year <= TIMELINE_END]
    return Timeline(
        lanes=lanes,
        width=TIMELINE_LEFT + TIMELINE_WIDTH + 30,
        height=int(axis_y + 30),
        axis_y=axis_y,
        decades=decades,
        markers=markers,
    )
