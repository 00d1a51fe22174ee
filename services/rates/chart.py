"""Line charts as inline SVG, drawn on the server: a chart is visible with no JavaScript.

Values are exact decimals; they become floats only to place points on the
canvas. The labels print the published text of the lowest and highest value.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from html import escape

WIDTH, HEIGHT = 640, 180
LEFT, RIGHT, TOP, BOTTOM = 72, 12, 12, 26


def line_chart(points: Sequence[tuple[date, Decimal]], title: str) -> str:
    """An SVG line chart of (day, value) points, oldest first; empty string for no points."""
    if not points:
        return ""
    days = [d.toordinal() for d, _ in points]
    values = [float(v) for _, v in points]
    low_i = min(range(len(values)), key=values.__getitem__)
    high_i = max(range(len(values)), key=values.__getitem__)
    low, high = values[low_i], values[high_i]
    first, last = days[0], days[-1]
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(day: int) -> float:
        # A single day spans the whole width: a level line, not an invisible dot.
        return LEFT + (plot_w * (day - first) / (last - first) if last > first else 0)

    def y(value: float) -> float:
        if high == low:
            return TOP + plot_h / 2
        return TOP + plot_h * (high - value) / (high - low)

    coords = [(x(d), y(v)) for d, v in zip(days, values, strict=True)]
    if len(coords) == 1:
        coords.append((LEFT + plot_w, coords[0][1]))
    polyline = " ".join(f"{cx:.1f},{cy:.1f}" for cx, cy in coords)
    end_x, end_y = coords[-1] if len(points) > 1 else coords[0]
    first_day, last_day = points[0][0].isoformat(), points[-1][0].isoformat()
    low_text, high_text = str(points[low_i][1]), str(points[high_i][1])
    label = (
        f"{title}: {len(points)} daily values from {first_day} to {last_day}, "
        f"lowest {low_text}, highest {high_text}, last {points[-1][1]}"
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" aria-label="{escape(label)}">',
        f"<title>{escape(label)}</title>",
        f'<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}" fill="#f7f9fb" '
        'stroke="#dde3e8"/>',
        f'<text x="{LEFT - 6}" y="{TOP + 10}" text-anchor="end" class="axis">'
        f"{escape(high_text)}</text>",
        f'<text x="{LEFT - 6}" y="{TOP + plot_h}" text-anchor="end" class="axis">'
        f"{escape(low_text)}</text>",
        f'<text x="{LEFT}" y="{HEIGHT - 8}" class="axis">{first_day}</text>',
        f'<text x="{WIDTH - RIGHT}" y="{HEIGHT - 8}" text-anchor="end" class="axis">'
        f"{last_day}</text>",
        f'<polyline points="{polyline}" fill="none" stroke="#0b5cad" stroke-width="1.6" '
        'stroke-linejoin="round"/>',
        f'<circle cx="{end_x:.1f}" cy="{end_y:.1f}" r="3" fill="#0b5cad"/>',
        "</svg>",
    ]
    return "".join(parts)
