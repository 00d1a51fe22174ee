"""What the canonical sample page must give: six headlines and five quotes, as written."""

from __future__ import annotations

from pathlib import Path

SAMPLE = Path(__file__).resolve().parent.parent / "fixtures" / "timesca-2025-12-15.txt"

SAMPLE_TITLES = [
    "Kazakhstan Exported a Million Tons of Goods to China Last Month",
    "Uzbekistan: Disabled Citizens Still Face Host of Challenges",
    "Global Firepower Index: Kazakhstan is Central Asia’s Strongest Army; Tajikistan its Weakest",
    "Kazakhstan’s Trade Policy Makes It a Nexus of Eurasian Supply Chains",
    "Two Hydrometric Stations Open On Uzbekistan, Tajikistan Border",
    "More Central Asian Companies Added To Russia-Related Sanctions Lists",
]

# (pair, rate, change), exactly as published, in the ticker's order.
SAMPLE_RATES = [
    ("KGS/USD", "0.01144", "0%"),
    ("KZT/USD", "0.00192", "-0%"),
    ("TJS/USD", "0.10895", "-0%"),
    ("UZS/USD", "0.00008", "0%"),
    ("TMT/USD", "0.28490", "0%"),
]
