"""Line charts of vital signs as SVG, made on the server: no script library, and no
`style` attributes (the console's Content-Security-Policy forbids inline styles), only
SVG presentation attributes and classes.

What a chart shows, like the resident's own chart on the hub (docs/measuring.md): one
line per value, each point in its band's colour and shape (circle green, triangle
yellow, square red, so it reads without colours), the green range shaded behind, the
yellow limits drawn dashed and written at the right edge, the values on the left axis
and the days along the bottom. The viewBox is narrow (400 units) so its text stays
readable on a 360 px phone; on a desk screen the page puts charts side by side.

The SVG is built with ElementTree, which escapes every text and attribute, and only
that serialised result is handed to the template as markup.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from markupsafe import Markup

from care_service.console.resident_view import ZONE, Limits, Point

WIDTH, HEIGHT = 400, 230
LEFT, RIGHT, TOP, BOTTOM = 42, 34, 26, 34
FONT = "DejaVu Sans, system-ui, sans-serif"
COLOURS = {"green": "#1b6e20", "yellow": "#a86a00", "red": "#b00020", None: "#0b4f9c"}
GREEN_FILL, YELLOW_LINE, GRID, INK = "#dcefdc", "#a86a00", "#e2e2e2", "#1a1a1a"
MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class Line:
    label: str  # shown in the legend when a chart has more than one line
    points: list[Point]  # oldest first
    limits: Limits | None  # None: no band (weight)
    dashed: bool = False


def number(value: float, lang: str, decimals: int = 1, fixed: bool = False) -> str:
    """36.1 -> "36,1" in Norwegian; `fixed`: always `decimals` decimals ("38,0"),
    else trailing zeros dropped ("38")."""
    text = f"{value:.{decimals}f}"
    if decimals and not fixed:
        text = text.rstrip("0").rstrip(".")
    if text.lstrip("-").strip("0.") == "":
        text = text.lstrip("-")
    return text.replace(".", ",") if lang == "nb" else text


def day_label(day, lang: str) -> str:
    return f"{day.day}.{day.month}." if lang == "nb" else f"{day.day} {MONTHS_EN[day.month - 1]}"


def nice_step(span: float, ticks: int = 5) -> float:
    """A round step (1, 2 or 5 times a power of ten) giving about `ticks` ticks."""
    raw = max(span, 1e-9) / ticks
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if factor * power >= raw * 0.999:
            return factor * power
    return 10 * power


def step_decimals(step: float) -> int:
    """How many decimals the ticks of a step need (0.5 -> 1, 0.05 -> 2, 5 -> 0)."""
    return max(0, -math.floor(math.log10(step) + 1e-9))


def _y_range(lines: list[Line], min_span: float) -> tuple[float, float]:
    values = [p.value for line in lines for p in line.points]
    for line in lines:
        if line.limits is not None:
            values += [line.limits.yellow[0], line.limits.yellow[1], line.limits.green[0], line.limits.green[1]]
    low, high = min(values), max(values)
    if high - low < min_span:  # a small change must not look like a big one
        middle = (low + high) / 2
        low, high = middle - min_span / 2, middle + min_span / 2
    pad = (high - low) * 0.06
    return low - pad, high + pad


def _shape(parent: ET.Element, x: float, y: float, band: str | None, tip: str, size: float) -> None:
    """A circle (green, or no band), a triangle (yellow), a square (red): readable without colour."""
    colour = COLOURS[band]
    attrs = {"fill": colour, "stroke": "#ffffff", "stroke-width": "1", "class": f"point {band or 'none'}"}
    if band == "yellow":
        s = size * 1.3
        node = ET.SubElement(parent, "polygon", points=f"{x:.1f},{y - s:.1f} {x + s:.1f},{y + s * .7:.1f} "
                                                       f"{x - s:.1f},{y + s * .7:.1f}", **attrs)
    elif band == "red":
        s = size * 1.1
        node = ET.SubElement(parent, "rect", x=f"{x - s:.1f}", y=f"{y - s:.1f}", width=f"{2 * s:.1f}",
                             height=f"{2 * s:.1f}", **attrs)
    else:
        node = ET.SubElement(parent, "circle", cx=f"{x:.1f}", cy=f"{y:.1f}", r=f"{size:.1f}", **attrs)
    ET.SubElement(node, "title").text = tip


def line_chart(lines: list[Line], start: datetime, end: datetime, unit: str, title: str, lang: str,
               chart_id: str, decimals: int = 0, min_span: float = 1.0) -> Markup:
    """An SVG chart of `lines` from `start` to `end` (aware datetimes; whole local days
    read best: each day is a column, labelled in its middle). Lines without points are
    left out; with no points at all there is no chart (the page says so). `decimals`:
    of the values (shown fixed, "38,0"); `min_span`: the least range of the value axis."""
    lines = [line for line in lines if line.points]
    if not lines:
        return Markup("")
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    low, high = _y_range(lines, min_span)
    span_s = max((end - start).total_seconds(), 1.0)

    def x_of(moment: datetime) -> float:
        return LEFT + plot_w * min(max((moment - start).total_seconds() / span_s, 0.0), 1.0)

    def y_of(value: float) -> float:
        return TOP + plot_h * (1 - (value - low) / (high - low))

    svg = ET.Element("svg", {"xmlns": "http://www.w3.org/2000/svg", "viewBox": f"0 0 {WIDTH} {HEIGHT}",
                             "width": "100%", "class": "chart", "role": "img", "aria-labelledby": f"{chart_id}-t",
                             "font-family": FONT, "font-size": "12", "fill": INK})
    ET.SubElement(svg, "title", id=f"{chart_id}-t").text = title

    # The green range shaded, under everything else.
    for line in lines:
        if line.limits is not None:
            top, bottom = y_of(line.limits.green[1]), y_of(line.limits.green[0])
            ET.SubElement(svg, "rect", {"x": str(LEFT), "y": f"{top:.1f}", "width": str(plot_w),
                                        "height": f"{max(bottom - top, 1):.1f}", "fill": GREEN_FILL,
                                        "class": "band-green"})

    # The value axis: round steps, light grid lines.
    step = nice_step(high - low)
    index = math.ceil(low / step - 1e-9)
    while index * step <= high + 1e-9:
        tick = index * step
        y = y_of(tick)
        ET.SubElement(svg, "line", x1=str(LEFT), x2=str(LEFT + plot_w), y1=f"{y:.1f}", y2=f"{y:.1f}", stroke=GRID)
        ET.SubElement(svg, "text", {"x": str(LEFT - 5), "y": f"{y + 4:.1f}", "text-anchor": "end",
                                    "class": "tick"}).text = number(tick, lang, step_decimals(step), fixed=True)
        index += 1
    ET.SubElement(svg, "text", {"x": "4", "y": "14", "class": "unit", "font-weight": "bold"}).text = unit

    # The days: a line between days, each labelled in its middle (every day for a
    # week; for a month a line and a label each week, counted back from the last day).
    first_day = start.astimezone(ZONE).date()
    days = (end.astimezone(ZONE).date() - first_day).days + (0 if end.astimezone(ZONE).time() == time(0) else 1)
    every = 1 if days <= 8 else 7 if days > 21 else 3
    for offset in range(days):
        day = first_day + timedelta(days=offset)
        if (days - 1 - offset) % every:
            continue
        midnight, noon = datetime.combine(day, time(0), ZONE), datetime.combine(day, time(12), ZONE)
        if start < midnight < end:
            x = x_of(midnight)
            ET.SubElement(svg, "line", x1=f"{x:.1f}", x2=f"{x:.1f}", y1=str(TOP), y2=str(TOP + plot_h), stroke=GRID)
        if start <= noon <= end:
            ET.SubElement(svg, "text", {"x": f"{x_of(noon):.1f}", "y": str(TOP + plot_h + 16), "text-anchor": "middle",
                                        "class": "day"}).text = day_label(day, lang)
    ET.SubElement(svg, "rect", {"x": str(LEFT), "y": str(TOP), "width": str(plot_w), "height": str(plot_h),
                                "fill": "none", "stroke": "#9a9a9a"})

    # The yellow limits, dashed, with their values at the right edge.
    for line in lines:
        if line.limits is None:
            continue
        for limit in line.limits.yellow:
            y = y_of(limit)
            ET.SubElement(svg, "line", {"x1": str(LEFT), "x2": str(LEFT + plot_w), "y1": f"{y:.1f}", "y2": f"{y:.1f}",
                                        "stroke": YELLOW_LINE, "stroke-width": "1.5", "stroke-dasharray": "6 4",
                                        "class": "limit-yellow"})
            ET.SubElement(svg, "text", {"x": str(LEFT + plot_w + 3), "y": f"{y + 4:.1f}", "fill": YELLOW_LINE,
                                        "class": "limit-label"}).text = number(limit, lang, decimals, fixed=True)

    # The lines and their points (smaller when there are many).
    size = 4.0 if sum(len(line.points) for line in lines) <= 40 else 3.0
    for line in lines:
        coords = [(x_of(p.at), y_of(p.value)) for p in line.points]
        if len(coords) > 1:
            attrs = {"points": " ".join(f"{x:.1f},{y:.1f}" for x, y in coords), "fill": "none", "stroke": "#4a4a4a",
                     "stroke-width": "1.5", "stroke-linejoin": "round", "class": "series"}
            if line.dashed:
                attrs["stroke-dasharray"] = "5 3"
            ET.SubElement(svg, "polyline", attrs)
        for point, (x, y) in zip(line.points, coords):
            local = point.at.astimezone(ZONE)
            tip = f"{day_label(local.date(), lang)} {local:%H:%M}: {number(point.value, lang, decimals, True)} {unit}"
            if len(lines) > 1:
                tip = f"{line.label} {tip}"
            _shape(svg, x, y, point.band, tip, size)

    # A legend when there is more than one line.
    if len(lines) > 1:
        x = LEFT + 60
        for line in lines:
            attrs = {"x1": f"{x:.0f}", "x2": f"{x + 22:.0f}", "y1": "11", "y2": "11", "stroke": "#4a4a4a",
                     "stroke-width": "2"}
            if line.dashed:
                attrs["stroke-dasharray"] = "5 3"
            ET.SubElement(svg, "line", attrs)
            ET.SubElement(svg, "text", {"x": f"{x + 26:.0f}", "y": "15", "class": "legend"}).text = line.label
            x += 36 + 7 * len(line.label)
    # Serialised by ElementTree: every text and attribute above is escaped.
    return Markup(ET.tostring(svg, encoding="unicode", short_empty_elements=True))
