"""RSS-CB (the central banks' RSS extension): exchange-rate statistics in an RSS item.

Written as the ECB writes its per-currency reference-rate feeds, so tools that
read those read ours::

    <cb:statistics>
      <cb:exchangeRate>
        <cb:value decimals="5">0.01144</cb:value>
        <cb:baseCurrency unit_mult="0">KGS</cb:baseCurrency>
        <cb:targetCurrency>USD</cb:targetCurrency>
        <cb:rateType>…</cb:rateType>
      </cb:exchangeRate>
    </cb:statistics>
    <dc:date>2025-12-15T00:00:00+00:00</dc:date>  <dc:language>en</dc:language>

``cb:value`` is the published text, and ``decimals`` its number of decimal
places, so 0.28490 stays 0.28490 with decimals="5". One unit of the base
currency is worth ``value`` of the target (KGS/USD = 0.01144).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from lxml import etree

CB_NS = "http://www.cbwiki.net/wiki/index.php/Specification_1.2/"
DC_NS = "http://purl.org/dc/elements/1.1/"


def decimals(text: str) -> int:
    """Decimal places as published: "0.28490" → 5, "12500" → 0."""
    exponent = Decimal(text).as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


@dataclass(frozen=True, slots=True)
class ExchangeRate:
    value: str  # exact decimal text as published
    base: str
    target: str
    observed: datetime  # timezone-aware
    rate_type: str = "Published ticker rate"
    language: str = "en"

    def rss_namespaces(self) -> dict[str, str]:
        return {"cb": CB_NS, "dc": DC_NS}

    def extend_rss_item(self, item: etree._Element) -> None:
        # RSS-CB items carry their date and language in Dublin Core.
        etree.SubElement(item, f"{{{DC_NS}}}date").text = self.observed.isoformat()
        etree.SubElement(item, f"{{{DC_NS}}}language").text = self.language
        statistics = etree.SubElement(item, f"{{{CB_NS}}}statistics")
        rate = etree.SubElement(statistics, f"{{{CB_NS}}}exchangeRate")
        value = etree.SubElement(rate, f"{{{CB_NS}}}value", decimals=str(decimals(self.value)))
        value.text = self.value
        etree.SubElement(rate, f"{{{CB_NS}}}baseCurrency", unit_mult="0").text = self.base
        etree.SubElement(rate, f"{{{CB_NS}}}targetCurrency").text = self.target
        etree.SubElement(rate, f"{{{CB_NS}}}rateType").text = self.rate_type
