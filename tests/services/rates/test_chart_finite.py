"""SVG charts have finite coordinates whatever the values (no nan, no inf)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest

from services.rates.chart import line_chart


@pytest.mark.parametrize(
    "values",
    [
        ["1e-400", "9" * 40, "1e400"],
        ["1e308", "-1e308", "0"],
        ["0.01144", "0.01144"],
        ["0.00001", "99999999999999999999.99999999999999999999"],
    ],
)
def test_chart_coordinates_are_finite(values: list[str]) -> None:
    points = [(date(2025, 1, i + 1), Decimal(v)) for i, v in enumerate(values)]
    svg = line_chart(points, "KGS/USD")
    assert "nan" not in svg.lower() and "inf" not in svg.lower()
    numbers = [
        float(n)
        for n in re.findall(r'(?:cx|cy|points)="([-0-9., ]+)"', svg)
        for n in re.split(r"[ ,]", n)
        if n
    ]
    assert numbers and all(-1 <= n <= 1000 for n in numbers), numbers
