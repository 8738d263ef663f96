"""Geometry for the server-rendered SVG charts: estimates as ranges, the debate as a
timeline. Pure functions over rows already fetched, so a chart costs no query."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from itertools import groupby

from .models import BasisStyle
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
    style: str  # a BasisStyle: drawn hatched, solid or outlined
    basis: str  # the basis as its topic names it

    @property
    def text_y(self):
        return self.y + 13

    @property
    def value_x(self):
        return self.x + self.width + 6


@dataclass
class Band:
    """A consensus range drawn behind a group's bars, across its whole height. Its label is
    on its own row, left of the plot like a bar's, with the figures right of the band, so
    no text is drawn over it (a band is told from a bar by its shape and words)."""

    estimate: object
    x: float
    width: float
    y: float
    height: float
    label: str
    value_label: str
    label_y: float

    @property
    def title(self):
        return band_label(self.estimate)

    @property
    def value_x(self):
        return self.right + 6

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
class LegendEntry:
    style: str
    label: str
    description: str


@dataclass
class EstimateChart:
    groups: list
    width: int
    height: int
    legend: list = field(default_factory=list)  # the bases drawn, each once, in their topic's order
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


def basis_style(estimate) -> str:
    """How its topic draws the estimate's basis (see EstimateQuerySet.for_chart); outlined
    when the topic does not define the basis."""
    style = getattr(estimate, "basis_style", None)
    return style if style in BasisStyle.values else BasisStyle.OUTLINED


def legend(estimates) -> list:
    """One entry per basis among `estimates`, in the topic's order: only the kinds drawn."""
    seen = {}
    for estimate in sorted(estimates, key=lambda e: (getattr(e, "basis_order", None) or 0, e.basis_display)):
        seen.setdefault(
            estimate.basis,
            LegendEntry(
                basis_style(estimate), estimate.basis_display, getattr(estimate, "basis_description", "") or ""
            ),
        )
    return list(seen.values())


def figure_with_unit(estimate) -> str:
    """'140–190 ships'; people, the usual unit, go without saying."""
    unit = "" if estimate.unit in ("", "people") else f" {estimate.unit}"
    return f"{figure_range(estimate)}{unit}"


def band_label(estimate) -> str:
    """The band in full, for its tooltip; on the chart it reads "Consensus range" left of
    the plot and the figures right of the band."""
    return f"Consensus range: {figure_range(estimate)} ({estimate.given_by})"


def estimate_chart(estimates) -> EstimateChart | None:
    """One group per measure (each with its own scale: executions and total deaths differ
    by orders of magnitude); within a group one bar per source from low to high, sorted.
    The most disputed measures (those with the most sources) come first. A consensus
    estimate is not a source's bar but a band behind them all, labelled on its own row."""
    sources = Counter(e.measure for e in estimates if not e.is_consensus)
    estimates = sorted(estimates, key=lambda e: (-sources[e.measure], e.measure, e.low, e.high, e.given_by))
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
            group.bands.append(
                Band(estimate, x, band_width, band_top, 0, "Consensus range", figure_with_unit(estimate), y + 13)
            )
            y += ROW_HEIGHT
        for estimate in rows:
            x = LABEL_WIDTH + PLOT_WIDTH * estimate.low / top
            width = max(PLOT_WIDTH * (estimate.high - estimate.low) / top, 4)  # a single figure still shows
            label = estimate.given_by if len(estimate.given_by) <= 34 else estimate.given_by[:33] + "…"
            group.bars.append(
                Bar(
                    estimate,
                    x,
                    width,
                    y,
                    label,
                    figure_with_unit(estimate),
                    basis_style(estimate),
                    estimate.basis_display,
                )
            )
            y += ROW_HEIGHT
        group.axis_y = y + 4
        for band in group.bands:
            band.height = group.axis_y - band.y
        group.ticks = [Tick(LABEL_WIDTH + PLOT_WIDTH * i / 4, figure(top * i // 4)) for i in range(5)]
        groups.append(group)
        y += GROUP_GAP
    # Widen the chart when a bar's figures and basis would run past its right edge (under
    # 6.6px a character in the 11px text): a long basis name is data, not a fixed width.
    ends = [bar.value_x + 6.6 * len(f"{bar.value_label} · {bar.basis}") for g in groups for bar in g.bars]
    ends += [band.value_x + 6.6 * len(band.value_label) for g in groups for band in g.bands]
    chart_width = max(chart_width, math.ceil(max(ends, default=0)) + 4)
    bars = [e for e in estimates if not e.is_consensus]
    return EstimateChart(groups=groups, width=chart_width, height=int(y), legend=legend(bars))


# --- Timeline -------------------------------------------------------------------------

LANE_HEIGHT = 34
TIMELINE_WIDTH = 620
# Text widths are estimated (the SVG is laid out on the server): under 6.6px a character
# for the 12px lane labels, 5.6px for the 10px milestone labels.
LANE_CHAR = 6.6
MARKER_CHAR = 5.6
MARKER_ROW = 12
LANE_LABEL_LINE = 22  # characters on one line of a lane label before it wraps
DEFAULT_SPAN = (1950, 2020)  # an empty timeline still draws an axis


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
    lines: list = field(default_factory=list)  # the label, wrapped: [(text, y)]


@dataclass
class Marker:
    x: float
    year: int
    label: str
    label_x: float = 0  # the label's centre, kept inside the chart
    row: int = 0

    @property
    def text(self):
        return f"{self.year} {self.label}"

    @property
    def label_y(self):
        return 12 + MARKER_ROW * self.row

    def __iter__(self):  # (x, year, label), as the table and the tests read it
        return iter((self.x, self.year, self.label))


@dataclass
class Timeline:
    """Lanes of dots over the years the debate spans, with the markers that matter."""

    lanes: list
    width: int
    height: int
    axis_y: float
    decades: list
    markers: list
    left: int
    start: int
    end: int
    top: float = 0

    def x(self, year):
        return self.left + TIMELINE_WIDTH * (year - self.start) / (self.end - self.start)


def axis_span(years, default=DEFAULT_SPAN):
    """The decades around `years`: from the first's decade to the end of the last's (at
    least two decades, so one year still has an axis around it)."""
    years = [year for year in years if year]
    if not years:
        years = [year for year in default if year] or DEFAULT_SPAN
    start = min(years) - min(years) % 10
    end = max(years) - max(years) % 10 + 10
    if end - start < 20:
        end = start + 20
    return start, end


def tick_step(span):
    """Every decade on a short axis, fewer labels on a long one (a debate since Gibbon)."""
    for step in (10, 20, 25, 50, 100, 200, 250, 500):
        if span / step <= 12:
            return step
    return 1000


def wrap(text, width=LANE_LABEL_LINE):
    """A lane label in lines of about `width` characters, split at spaces (a long word
    stays whole): names are shown whole, never cut."""
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return lines + [line] if line else lines


def marker_rows(markers, width):
    """Centre each milestone label on its line, inside the chart's `width`, in the first
    row where it does not touch the label before it: labels of close years stack instead
    of overprinting. Returns the number of rows."""
    ends = []  # per row, where its last label ends
    for marker in sorted(markers, key=lambda m: m.x):
        half = MARKER_CHAR * len(marker.text) / 2
        marker.label_x = min(max(marker.x, half + 2), width - half - 2)
        for row, end in enumerate(ends):
            if marker.label_x - half > end + 8:
                break
        else:
            row = len(ends)
            ends.append(0)
        ends[row] = marker.label_x + half
        marker.row = row
    return len(ends)


def timeline(lanes_of, milestones=(), period=(None, None), span=()) -> Timeline:
    """`lanes_of` is [(label, [argument, ...]), ...]; `milestones` the topic's turning
    points (Milestone rows), drawn as vertical lines with their labels in as many rows as
    it takes for none to overprint another. The axis spans the decades of the arguments
    and milestones (the topic's period when there are none), so a debate about Rome and
    one about the 1930s both fill it; `span`, the first and last years of arguments not
    drawn (other pages), widens it so every page has the same axis. Arguments without a
    year are left to the table. Dots of the same lane and year are stacked a little so
    none hides another."""
    years = [a.year for _, arguments in lanes_of for a in arguments if a.year] + [m.year for m in milestones]
    years += [year for year in span if year is not None]
    start, end = axis_span(years, default=period)
    wrapped = [wrap(label) for label, _ in lanes_of]
    longest = max((len(line) for lines in wrapped for line in lines), default=0)
    left = int(max(90, min(LANE_CHAR * longest + 16, LANE_CHAR * LANE_LABEL_LINE + 16)))
    chart = Timeline(
        lanes=[],
        width=left + TIMELINE_WIDTH + 30,
        height=0,
        axis_y=0,
        decades=[],
        markers=[],
        left=left,
        start=start,
        end=end,
    )
    chart.markers = [Marker(chart.x(m.year), m.year, m.label) for m in milestones]
    rows = marker_rows(chart.markers, chart.width)
    chart.top = 6 + MARKER_ROW * rows
    y = chart.top + 10
    for index, ((label, arguments), lines) in enumerate(zip(lanes_of, wrapped)):
        colour = PALETTE[index % len(PALETTE)]
        height = max(LANE_HEIGHT, 14 * len(lines) + 12)
        lane = Lane(label=label, y=y + height / 2, colour=colour)
        lane.lines = [(text, lane.y + 4 + 14 * (n - (len(lines) - 1) / 2)) for n, text in enumerate(lines)]
        seen = {}
        for argument in sorted((a for a in arguments if a.year), key=lambda a: a.year):
            offset = seen.get(argument.year, 0)
            seen[argument.year] = offset + 1
            lane.dots.append(
                Dot(
                    argument,
                    chart.x(argument.year) + 3 * offset,
                    lane.y + (4 if offset % 2 else -4) * (offset > 0),
                    colour,
                )
            )
        chart.lanes.append(lane)
        y += height
    chart.axis_y = y + 6
    chart.height = int(chart.axis_y + 30)
    step = tick_step(end - start)
    first = start + (-start) % step
    chart.decades = [(chart.x(year), year) for year in range(first, end + 1, step)]
    return chart
