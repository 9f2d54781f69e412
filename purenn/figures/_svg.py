"""SVG documents built as text: a few element helpers, every attribute and text escaped.

- document: the <svg> root around a list of elements, in a sans-serif font on a white background.
- rect, circle, line, polyline, text: one element each, returned as a line of SVG text.
- group: a <g> around elements, to share attributes or name a part of the picture.
- number: a coordinate or value written short ("12", "3.5", "-0.25").
- hex_colour: an (r, g, b) triple as "#rrggbb".
- write_svg: write a document to a file, atomically (purenn.files.write_atomically).
- nice_ticks, tick_label, line_chart: a plot of lines over round tick values, with a legend.

Extra attributes are passed as keywords with "_" for "-" (stroke_width -> stroke-width) and a
trailing "_" to dodge Python keywords (class_ -> class); a value of None leaves the attribute out.
"""

from __future__ import annotations

import math
from typing import List, Mapping, Optional, Sequence, Tuple
from xml.sax.saxutils import escape, quoteattr

from ..errors import PurennError
from ..files import PathLike, write_atomically

__all__ = [
    "Series",
    "circle",
    "document",
    "group",
    "hex_colour",
    "line",
    "line_chart",
    "nice_ticks",
    "number",
    "polyline",
    "rect",
    "text",
    "tick_label",
    "write_svg",
]

Series = Tuple[str, str, Sequence[Tuple[float, float]]]  # name, colour, (x, y) points

_STYLE = "<style>text { font-family: DejaVu Sans, Helvetica, Arial, sans-serif; }</style>"


def number(value: float) -> str:
    """Write a number with at most two decimals and no trailing zeros.

    >>> number(12.0), number(3.5), number(-0.254), number(-0.001)
    ('12', '3.5', '-0.25', '0')
    """
    written = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if written == "-0" else written


def hex_colour(colour: Tuple[int, int, int]) -> str:
    """Write an (r, g, b) triple of ints 0..255 as "#rrggbb".

    >>> hex_colour((255, 0, 16))
    '#ff0010'
    """
    return "#{:02x}{:02x}{:02x}".format(*colour)


def _attribute_value(value: object) -> str:
    if isinstance(value, float):
        return number(value)
    return str(value)


def _attributes(attributes: Mapping[str, object]) -> str:
    return "".join(
        f" {name.rstrip('_').replace('_', '-')}={quoteattr(_attribute_value(value))}"
        for name, value in attributes.items()
        if value is not None
    )


def _element(tag: str, content: Optional[str] = None, /, **attributes: object) -> str:
    written = _attributes(attributes)
    if content is None:
        return f"<{tag}{written}/>"
    return f"<{tag}{written}>{escape(content)}</{tag}>"


def rect(x: float, y: float, width: float, height: float, fill: str, **attributes: object) -> str:
    """A rectangle with its top-left corner at (x, y).

    >>> rect(0, 1.5, 8, 8, "#ffffff", class_="pixel")
    '<rect x="0" y="1.5" width="8" height="8" fill="#ffffff" class="pixel"/>'
    """
    return _element("rect", x=x, y=y, width=width, height=height, fill=fill, **attributes)


def circle(x: float, y: float, radius: float, fill: str, **attributes: object) -> str:
    """A filled circle centred on (x, y).

    >>> circle(3, 4, 2.5, "red")
    '<circle cx="3" cy="4" r="2.5" fill="red"/>'
    """
    return _element("circle", cx=x, cy=y, r=radius, fill=fill, **attributes)


def line(x1: float, y1: float, x2: float, y2: float, **attributes: object) -> str:
    """A straight line, black and one unit wide unless stroke or stroke_width say otherwise.

    >>> line(0, 0, 10, 0)
    '<line x1="0" y1="0" x2="10" y2="0" stroke="black" stroke-width="1"/>'
    """
    attributes.setdefault("stroke", "black")
    attributes.setdefault("stroke_width", 1)
    return _element("line", x1=x1, y1=y1, x2=x2, y2=y2, **attributes)


def polyline(points: Sequence[Tuple[float, float]], stroke: str, **attributes: object) -> str:
    """An open path through the points, in the given colour, not filled.

    >>> polyline([(0, 10), (5, 2.5)], "red")
    '<polyline points="0,10 5,2.5" stroke="red" fill="none" stroke-width="2"/>'
    """
    attributes.setdefault("stroke_width", 2)
    written = " ".join(f"{number(x)},{number(y)}" for x, y in points)
    return _element("polyline", points=written, stroke=stroke, fill="none", **attributes)


def text(x: float, y: float, content: str, *, size: float = 12, **attributes: object) -> str:
    """Text centred on x with its baseline at y (anchor="start" or "end" to align it otherwise).

    >>> text(5, 20, "a < b", anchor="start")
    '<text x="5" y="20" font-size="12" text-anchor="start">a &lt; b</text>'
    """
    anchor = attributes.pop("anchor", "middle")
    return _element("text", content, x=x, y=y, font_size=size, text_anchor=anchor, **attributes)


def group(elements: Sequence[str], **attributes: object) -> str:
    """A <g> element holding the elements, one a line.

    >>> print(group([rect(0, 0, 1, 1, "red")], class_="digit"))
    <g class="digit">
    <rect x="0" y="0" width="1" height="1" fill="red"/>
    </g>
    """
    return "\n".join([f"<g{_attributes(attributes)}>", *elements, "</g>"])


def document(width: float, height: float, elements: Sequence[str]) -> str:
    """The complete SVG text: a root of the given size, a font, a white background, the elements.

    >>> print(document(10, 5, [rect(0, 0, 1, 1, "black")]), end="")
    <svg xmlns="http://www.w3.org/2000/svg" width="10" height="5" viewBox="0 0 10 5">
    <style>text { font-family: DejaVu Sans, Helvetica, Arial, sans-serif; }</style>
    <rect x="0" y="0" width="10" height="5" fill="white"/>
    <rect x="0" y="0" width="1" height="1" fill="black"/>
    </svg>
    """
    size = f"{number(width)} {number(height)}"
    opening = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{number(width)}" '
        f'height="{number(height)}" viewBox="0 0 {size}">'
    )
    background = rect(0, 0, width, height, "white")
    return "\n".join([opening, _STYLE, background, *elements, "</svg>"]) + "\n"


def write_svg(path: PathLike, svg_text: str) -> None:
    """Write SVG text to a file atomically (purenn.files.write_atomically), encoded as UTF-8.

    Raises PurennError if svg_text is not a str starting with "<svg" or "<?xml"; OSError if the
    directory cannot be written.

    >>> import os, tempfile
    >>> with tempfile.TemporaryDirectory() as directory:
    ...     path = os.path.join(directory, "square.svg")
    ...     write_svg(path, document(1, 1, []))
    ...     open(path, encoding="utf-8").read().startswith("<svg")
    True
    """
    if not isinstance(svg_text, str) or not svg_text.lstrip().startswith(("<svg", "<?xml")):
        raise PurennError("write_svg needs the text of an SVG document, starting with <svg")
    write_atomically(path, svg_text.encode("utf-8"))


# -- Line charts --------------------------------------------------------------------------------


def nice_ticks(low: float, high: float, *, integer: bool = False, count: int = 5) -> List[float]:
    """About count round tick values, 1, 2 or 5 times a power of ten apart, from <= low to >= high.

    With integer=True the step is a whole number. When low == high the ticks span low - 0.5 ..
    high + 0.5, so there are always at least two.

    >>> [round(tick, 9) for tick in nice_ticks(0.13, 0.92)]
    [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]
    >>> nice_ticks(1, 1, integer=True)
    [0.0, 1.0, 2.0]
    """
    if high - low < 1e-12:
        low, high = low - 0.5, high + 0.5
    rough = (high - low) / count
    power = 10.0 ** math.floor(math.log10(rough))
    step = next(multiple * power for multiple in (1, 2, 5, 10) if multiple * power >= rough)
    if integer:
        step = float(max(1, math.ceil(step)))
    first, last = math.floor(low / step + 1e-9), math.ceil(high / step - 1e-9)
    return [k * step for k in range(first, last + 1)]


def tick_label(value: float, ticks: Sequence[float]) -> str:
    """Write a tick value with as many decimals as the step between the ticks needs.

    >>> tick_label(0.6000000000000001, [0.0, 0.2]), tick_label(0.05, [0.0, 0.05]), tick_label(3, [0, 5])
    ('0.6', '0.05', '3')
    """
    step = ticks[1] - ticks[0]
    decimals = max(0, -math.floor(math.log10(step) + 1e-9))
    return f"{value:.{decimals}f}"


def line_chart(
    left: float,
    titles: Tuple[str, str, str],
    x_ticks: Sequence[float],
    y_ticks: Sequence[float],
    series: Sequence[Series],
) -> List[str]:
    """A 300 x 200 plot whose axes start at (left, 230): grid, ticks, titles, lines, legend.

    titles are the chart's, the x axis's and the y axis's. The axes run from the first to the last
    tick. Each series with points becomes a <polyline class="curve"> (and a <circle class="marker">
    if it has only one point); with two or more series a legend names each in the lower right
    corner; with none, the plot says "not recorded".

    >>> elements = line_chart(50, ("loss", "epoch", "loss"), [0, 1], [0, 1], [("a", "red", [(0, 1)])])
    >>> sum('class="curve"' in element for element in elements)
    1
    """
    top, width, height = 30, 300, 200
    bottom, right = top + height, left + width
    x_low, x_high, y_low, y_high = x_ticks[0], x_ticks[-1], y_ticks[0], y_ticks[-1]
    title, x_title, y_title = titles

    def to_x(value: float) -> float:
        return left + (value - x_low) / (x_high - x_low) * width

    def to_y(value: float) -> float:
        return bottom - (value - y_low) / (y_high - y_low) * height

    elements = [text(left + width / 2, 18, title, size=14, class_="title")]
    for tick in x_ticks:
        elements.append(line(to_x(tick), top, to_x(tick), bottom, stroke="#eeeeee"))
        label = tick_label(tick, x_ticks)
        elements.append(text(to_x(tick), bottom + 16, label, size=10, class_="tick"))
    for tick in y_ticks:
        elements.append(line(left, to_y(tick), right, to_y(tick), stroke="#eeeeee"))
        label = tick_label(tick, y_ticks)
        elements.append(text(left - 6, to_y(tick) + 4, label, size=10, anchor="end", class_="tick"))
    elements.append(line(left, bottom, right, bottom, class_="axis"))
    elements.append(line(left, top, left, bottom, class_="axis"))
    elements.append(text(left + width / 2, bottom + 36, x_title, class_="axis-title"))
    middle = top + height / 2
    turn = f"rotate(-90 {number(left - 44)} {number(middle)})"
    elements.append(text(left - 44, middle, y_title, class_="axis-title", transform=turn))
    drawn = [(name, colour, points) for name, colour, points in series if points]
    for name, colour, points in drawn:
        path = [(to_x(x), to_y(y)) for x, y in points]
        elements.append(polyline(path, colour, class_="curve", data_name=name))
        if len(path) == 1:  # a line through one point would not show
            elements.append(circle(*path[0], 3, colour, class_="marker"))
    if not drawn:
        elements.append(text(left + width / 2, middle, "not recorded", fill="#888888"))
    if len(drawn) > 1:
        box_top = bottom - 28 - 16 * (len(drawn) - 1)
        elements.append(rect(right - 118, box_top, 112, 16 * len(drawn) + 6, "white", opacity=0.85))
        for index, (name, colour, _points) in enumerate(drawn):
            y = bottom - 14 - 16 * (len(drawn) - 1 - index)
            elements.append(line(right - 110, y, right - 90, y, stroke=colour, stroke_width=2))
            elements.append(text(right - 84, y + 4, name, anchor="start", class_="legend"))
    return elements
