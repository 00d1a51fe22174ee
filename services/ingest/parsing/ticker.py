"""Currency-ticker quotes such as ``• KGS/USD = 0.01144 0%``."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from decimal import Decimal

from shared.bounds import MAX_CHANGE_LENGTH

from .model import Quote

_NUMBER = r"[0-9]+(?:[.,][0-9]+)?"
# A rate may group its thousands with a space, as Russian typesetting does
# ("USD/UZS 12 050,00"; a no-break or narrow no-break space in most pages).
_GROUP_SPACES = " \u00a0\u202f"
# Grouped only where the reading is sure: by no-break spaces, which join what
# they stand between ("1\u202f050\u202f000"); by plain ones with its decimal
# part after the groups ("12 050,00") or, in a central bank's form, the
# quote's code after it ("1 USD = 12 845 UZS"). "USD/KZT 508 510" is two
# numbers, not one.
_GROUPED = rf"[0-9]{{1,3}}(?:[{_GROUP_SPACES}][0-9]{{3}})+"
_NO_BREAK_GROUPED = r"[0-9]{1,3}(?:[\u00a0\u202f][0-9]{3})+"
# Thousands grouped by commas before a decimal point, as English pages print
# them ("12,745.00"): sure only with the point after the groups.
_COMMA_GROUPED = r"[0-9]{1,3}(?:,[0-9]{3})+\.[0-9]+"
_RATE = rf"{_COMMA_GROUPED}|{_GROUPED}[.,][0-9]+|{_NO_BREAK_GROUPED}|{_NUMBER}"
_UNIT_RATE = rf"{_GROUPED}(?:[.,][0-9]+)?|{_NUMBER}"
# A change is a percentage ("0.2%", "-0%", "▲ 0.4%"), an amount with its sign
# set against it ("▲0.10", "+15,00"), or no move at all ("0").
# Arrows may stand apart from the amount ("▲ 0,0300"), a sign may not.
_ARROWS = "\u25b2\u25bc\u2191\u2193"  # ▲ ▼ ↑ ↓
# A minus may be typeset as U+2212 MINUS SIGN or an en dash ("(–0.2%)").
_MINUS = "\\-\u2212\u2013"
_SIGN = rf"[+{_MINUS}{_ARROWS}]"
# A bare "0" (or "0.00") says the rate did not move; any other unsigned amount
# could as well be a second rate. A percent sign may stand after a space ("0,2 %").
_CHANGE = (
    rf"(?:{_SIGN}?\s?{_NUMBER}[ \u00a0\u202f]?%|(?:[+{_MINUS}]|[{_ARROWS}]\s?){_NUMBER}"
    r"|0(?:[.,]0+)?)"
)
# The change as published: "0%", "-0%", "+0.2%", "▲0.4%" (U+2212 MINUS SIGN
# appears where a CMS typesets the sign), "▼0.05", "↑0.0300", "(-0.3%)", the
# amount and its percentage ("+1.20 (+0.23%)", "▲ 1,20 (0,23%)"), its way
# alone ("CNY/KZT 70,55 ▼"), or none.
_CHANGE_ITEM = (
    rf"(?:\s+(?P<change>{_CHANGE}(?:\s+\({_CHANGE}\))?|\({_CHANGE}\)|[{_ARROWS}](?![0-9])))?"
)
_ITEM = (
    # "USD/KGS 87.45", "USD/KGS = 87.45", "USD/KGS: 87.45", "USD/KGS — 87,45".
    r"(?P<base>[A-Z]{3})\s*/\s*(?P<quote>[A-Z]{3})(?:\s*[=:]\s*|\s+[\u2013\u2014-]\s+|\s+)"
    rf"(?P<rate>{_RATE}){_CHANGE_ITEM}"
)
# A central bank's form: "1 USD = 12 845,37 UZS (-4,18)", units of the base in the quote.
_UNIT_ITEM = (
    r"(?:1\s+)?(?P<ubase>[A-Z]{3})\s*=\s*(?P<urate>"
    + _UNIT_RATE
    + r")\s+(?P<uquote>[A-Z]{3})"
    + _CHANGE_ITEM.replace("?P<change>", "?P<uchange>")
)
_BULLET = r"[\u2022\u00b7\u25aa\u25cf*|\-\u2013;,]"
_ITEM_RE = re.compile(_ITEM)
_ANY_ITEM_RE = re.compile(rf"{_ITEM}|{_UNIT_ITEM}")
_ITEM_SHAPE = re.sub(r"\?P<\w+>", "?:", f"{_ITEM}|{_UNIT_ITEM}")
# Scrolling tickers are often captured as several quotes run together on one
# line; the whole line must be quotes (and bullets) to count as ticker text.
# A line may name what it lists first: "Exchange rates:", "Курсы валют НБ РК:",
# "Exchange rate of the Central Bank of Turkmenistan:".
_LABEL = (
    r"(?:[^\W\d_]+\.?(?:,?\s+[^\W\d_]+\.?){0,8}"
    # "Биржевые курсы на 11:00:", "Rates as of 09:30:", "Курсы НБ РК на 04.03.2026:",
    # "Sarai Shahzada money market, 9:00 am:": when they were taken.
    r"(?:,?\s+(?:(?:на|at|as\s+of|for|за|от)\s+)?(?:\d{1,2}:\d{2}(?:\s*[ap]\.?m\.?)?"
    r"|\d{1,2}\.\d{1,2}\.\d{4}|\d{1,2}\s+[^\W\d_]+(?:\s+\d{4})?))?"
    r"(?:\s*\([^()]{1,20}\))?\s*:\s*)?"
)
_LABEL_RE = re.compile(rf"\s*{_LABEL}")
_LINE_RE = re.compile(rf"\s*{_LABEL}(?:(?:{_BULLET}\s*)?(?:{_ITEM_SHAPE})(?![0-9])\s*)+")
# Inside markup a quote sits among other text, so it only needs clean edges.
# (The left edge is checked in find_quotes: a look-behind here would cost the
# pattern its fast first-character scan.)
# A group of three digits after it ("USD/KZT 508 510") may be the rate's own
# thousands: read as neither.
_EMBEDDED_RE = re.compile(rf"{_ITEM}(?![0-9.,])(?![{_GROUP_SPACES}][0-9]{{3}}(?![0-9]))")
# A line naming a pair ("USD/KZT") that is not ticker text as a whole.
_PAIR_RE = re.compile(r"\b[A-Z]{3}\s*/\s*[A-Z]{3}\b")
# Rates by their currencies' signs, which name no pair: two or more.
_MONEY_SIGNS = "$€₽£¥₸"
_SIGN_ITEM = rf"[{_MONEY_SIGNS}]\s?(?:{_RATE})(?:\s+(?:{_CHANGE}|[{_ARROWS}]))?"
_SIGNS_LINE_RE = re.compile(rf"{_SIGN_ITEM}(?:\s*{_BULLET}?\s*{_SIGN_ITEM})+\s*")
# Rates by their codes alone, which name no pair ("USD 12 845.37 ▼ | EUR
# 14 958.12 ▲"), and a central bank's form for more units than one ("100 KZT =
# 15,72 RUB"): a rate stored as published would need the units too.
_CODE_ITEM = rf"[A-Z]{{3}}\s(?:{_UNIT_RATE})(?:\s+(?:{_CHANGE}|[{_ARROWS}]))?"
_CODES_LINE_RE = re.compile(rf"{_CODE_ITEM}(?:\s*{_BULLET}?\s*{_CODE_ITEM})+\s*")
# One rate by its code or sign alone, with its move ("USD 512,30 ▲ 1,20", "$
# 508,40 ▼"): a ticker's line as well, of a currency a page's readers know
# the code of; without the move, "USD 100" is as likely a sum in a sentence.
_CURRENCIES = "USD|EUR|RUB|CNY|GBP|JPY|CHF|TRY|AED|KZT|KGS|UZS|TJS|TMT|AZN|GEL|AMD|BYN|UAH|INR|KRW"
_MOVE = rf"(?:{_CHANGE}|[{_ARROWS}])"
_ONE_RATE_RE = re.compile(
    rf"(?:(?:{_CURRENCIES})\s|[{_MONEY_SIGNS}]\s?)(?:{_UNIT_RATE})"
    rf"\s+(?:{_MOVE}(?:\s+\({_CHANGE}\))?|\({_CHANGE}\))\s*"
)
_UNITS_RE = re.compile(rf"[0-9]+\s+[A-Z]{{3}}\s*=\s*(?:{_UNIT_RATE})\s+[A-Z]{{3}}\b")


_NO_GROUPS = str.maketrans("", "", _GROUP_SPACES)


def _quote(match: re.Match[str]) -> Quote:
    if match["base"] is None:  # "1 USD = 12 845,37 UZS"
        base, quote, rate, change = match.group("ubase", "uquote", "urate", "uchange")
    else:
        base, quote, rate, change = match.group("base", "quote", "rate", "change")
    if change and len(change) > MAX_CHANGE_LENGTH:
        # An amount and its percentage past the stored width: the percentage.
        change = change[change.rfind("(") :]
    return Quote(base=base, quote=quote, rate=_rate_value(rate), change=change or "")


def _rate_value(rate: str) -> Decimal:
    """A rate as printed, its places kept: "0,0125" (a comma decimal), "12 845,37"
    (thousands grouped by spaces), "12,745.00" (by commas, before a point)."""
    if "," in rate and "." in rate:
        rate = rate.replace(",", "")
    return Decimal(rate.replace(",", ".").translate(_NO_GROUPS))


# Another instrument a ticker lists beside its pairs: "Brent 71.84 -1.3%",
# "Brent = $71.84 ↓", "KASE 6 842,17 (+0,8%)", "Gold $2,950 +0.4%".
_OTHER_ITEM = (
    rf"[A-ZА-ЯЁ][\w&.\-]{{1,15}}(?:\s[A-ZА-ЯЁ][\w&.\-]{{1,15}})?\s*[=:]?\s*[{_MONEY_SIGNS}]?\s?"
    rf"(?:{_COMMA_GROUPED}|[0-9]{{1,3}}(?:,[0-9]{{3}})+(?![0-9.,])|{_UNIT_RATE})"
    # A unit after the price: "Gold $2,918.50/oz".
    r"(?:/[a-z]{1,5})?"
    rf"(?:\s+(?:{_MOVE}(?:\s+\({_CHANGE}\))?|\({_CHANGE}\)))?"
)
_OTHER_ITEM_RE = re.compile(_OTHER_ITEM)
# What is left of a line once its pairs are taken out: other instruments only.
_OTHERS_LEFT_RE = re.compile(rf"(?:\s*{_BULLET}?\s*(?:{_OTHER_ITEM}|\x00))+\s*{_BULLET}?\s*")


def parse_ticker_line(line: str) -> list[Quote] | None:
    """The quotes on ``line`` when it is nothing but ticker text, else ``None``."""
    read = read_ticker_line(line)
    return None if read is None else read[0]


def read_ticker_line(line: str) -> tuple[list[Quote], list[str]] | None:
    """The quotes on ``line`` when it is nothing but ticker text, and the items of
    other instruments it lists beside its pairs ("Brent 71.84 -1.3%"), which
    name no currency pair; ``None`` for a line of any other text."""
    # Cheap gate first: almost every line of a page is prose.
    if is_ticker_line(line):
        return [_quote(m) for m in _ANY_ITEM_RE.finditer(line)], []
    if "/" not in line or len(line) > _MAX_MIXED_LINE or _PAIR_RE.search(line) is None:
        return None
    # The label it may open with ("Курсы НБ РК на 04.03.2026:") is no instrument.
    line = line[_LABEL_RE.match(line).end() :]
    pairs = list(_ANY_ITEM_RE.finditer(line))
    left = _ANY_ITEM_RE.sub("\x00", line)
    if not pairs or _OTHERS_LEFT_RE.fullmatch(left) is None:
        return None
    others = [m.group().strip() for m in _OTHER_ITEM_RE.finditer(left)]
    return [_quote(m) for m in pairs], others


_MAX_MIXED_LINE = 400

# Rates by their codes alone, when the line names the currency they are quoted
# in: by the unit after each rate ("Курсы ЦБ: USD 12 850,45 сум; EUR 13 920,10
# сум") or by the bank its label names ("Курсы валют НБКР: USD 87,30 ▼0,05 |
# EUR 95,10 ▲0,42"). Only units and banks that name one currency are read ("манат"
# is Azerbaijan's and Turkmenistan's, "ЦБ" alone any country's).
_UNITS = {
    "сум": "UZS", "сумов": "UZS", "сума": "UZS", "сом": "KGS", "сомов": "KGS", "сома": "KGS",
    "тенге": "KZT", "тг": "KZT", "₸": "KZT", "сомони": "TJS", "руб": "RUB", "рублей": "RUB",
    "рубля": "RUB", "₽": "RUB",
}  # fmt: skip
_BANKS = (
    ("нбкр", "KGS"), ("нб кр", "KGS"), ("нацбанка кр", "KGS"), ("нбрк", "KZT"), ("нб рк", "KZT"),
    ("нацбанка рк", "KZT"), ("цб руз", "UZS"), ("нбт", "TJS"), ("цб рф", "RUB"),
    ("банка россии", "RUB"),
)  # fmt: skip
_CODE_RATE = (
    rf"(?P<code>{_CURRENCIES})(?:\s[\u2013\u2014-]\s|\s)(?P<rate>{_UNIT_RATE})"
    rf"(?:\s?(?P<unit>[^\W\d_]{{2,7}}\.?|[₸₽]))?"
    rf"(?:\s+(?P<move>{_MOVE}(?:\s+\({_CHANGE}\))?|\({_CHANGE}\)))?"
)
_CODE_RATE_RE = re.compile(_CODE_RATE)
_CODE_RATES_RE = re.compile(
    r"(?P<label>[^\W\d_][^:]{0,40}:\s*)?"
    + re.sub(r"\?P<\w+>", "?:", rf"(?:{_BULLET}?\s*{_CODE_RATE}\s*)+")
)
# A line that may list rates by their codes: a known currency's code (its
# letters narrow the search where any three capitals would not), a space and a
# figure, in a short line (a paragraph naming a sum, "USD 100 million", is long).
_CODE_GATE = re.compile(rf"(?:{_CURRENCIES})(?:\s[\u2013\u2014-])?\s\d")
_MAX_CODES_LINE = 200


# A line's marks before its rate: a flag, a bullet ("🇺🇸 USD — 12 847,30 сум").
_MARKS = re.compile(r"[^\w]+")
_BLOCK_RATES = 12


def rate_block(label: str, rows: list[str], n: int) -> tuple[str, int] | None:
    """A ticker set out a rate a line under its ``label`` (row ``n``, ending in a
    colon: "Курсы ЦБ Узбекистана на 5 марта:", then "🇺🇸 USD — 12 847,30 сум"
    …), as one line of rates by their codes, and the row of its last rate;
    None unless two rates at least stand so."""
    items: list[str] = []
    end = n
    for row in rows[n + 1 : n + 1 + _BLOCK_RATES]:
        line = row.strip()
        line = line[_MARKS.match(line).end() :] if line and not line[0].isalnum() else line
        if not line or _CODE_RATE_RE.fullmatch(line) is None:
            break
        items.append(line)
        end += 1
    return (f"{label} {' | '.join(items)}", end) if len(items) >= 2 else None


# Rates by their currencies' signs, each with the sign of the currency it is
# quoted in ("Курсы валют: $ 512,30 ₸ · € 556,10 ₸ · ₽ 5,84 ₸").
_SIGN_CODES = {"$": "USD", "€": "EUR", "₽": "RUB", "£": "GBP", "₸": "KZT"}
_SIGN_GATE = re.compile(r"[$€₽£]\s?\d")


def _has_sign_rate(line: str) -> bool:
    """Whether ``line`` may hold a rate by its sign: its signs looked for first,
    at memchr speed (most lines hold none)."""
    return any(sign in line for sign in "$€₽£") and _SIGN_GATE.search(line) is not None
_SIGN_RATE = (
    rf"(?P<sign>[$€₽£])\s?(?P<rate>{_UNIT_RATE})\s?(?P<unit>[₸₽$€])(?:\s+(?P<move>{_MOVE}))?"
)
_SIGN_RATE_RE = re.compile(_SIGN_RATE)
_SIGN_RATES_RE = re.compile(
    r"(?P<label>[^\W\d_][^:]{0,40}:\s*)?"
    + re.sub(r"\?P<\w+>", "?:", rf"(?:{_BULLET}?\s*{_SIGN_RATE}\s*)+")
)


def read_sign_rates(line: str) -> list[Quote] | None:
    """The quotes of a line of rates by their signs, each followed by the sign
    of the one currency they are quoted in; else ``None``."""
    whole = _SIGN_RATES_RE.fullmatch(line) if len(line) <= _MAX_MIXED_LINE else None
    if whole is None:
        return None
    items = list(_SIGN_RATE_RE.finditer(line, whole.end("label") if whole["label"] else 0))
    units = {m["unit"] for m in items}
    if len(items) < 2 or len(units) != 1:
        return None
    quote = _SIGN_CODES[units.pop()]
    if any(_SIGN_CODES[m["sign"]] == quote for m in items):
        return None
    return [
        Quote(_SIGN_CODES[m["sign"]], quote, _rate_value(m["rate"]), m["move"] or "") for m in items
    ]


def read_code_rates(line: str) -> list[Quote] | None:
    """The quotes of a line of rates by their codes whose currency it names
    (see ``_UNITS``), else ``None``."""
    whole = _CODE_RATES_RE.fullmatch(line) if len(line) <= _MAX_MIXED_LINE else None
    if whole is None:
        return None
    items = list(_CODE_RATE_RE.finditer(line, whole.end("label") if whole["label"] else 0))
    units = {(m["unit"] or "").rstrip(".").lower() for m in items}
    if len(units) != 1:
        return None
    unit = units.pop()
    if unit:
        quote = _UNITS.get(unit)
    else:
        label = (whole["label"] or "").lower()
        quote = next((code for bank, code in _BANKS if bank in label), None)
    if quote is None or any(m["code"] == quote for m in items):
        return None
    return [_code_quote(m, quote) for m in items]


def _code_quote(match: re.Match[str], quote: str) -> Quote:
    return Quote(
        base=match["code"], quote=quote, rate=_rate_value(match["rate"]), change=match["move"] or ""
    )


def is_ticker_line(line: str) -> bool:
    return ("/" in line or "=" in line) and _LINE_RE.fullmatch(line) is not None


def names_a_pair(line: str) -> bool:
    """Whether ``line`` names a currency pair, as a ticker line not understood
    would, or lists rates by their currencies' signs ("$ 508,40 ▼ | € 547,15 ▲")
    or codes ("USD 12 845.37 ▼ | EUR 14 958.12 ▲"; one alone with its move, "USD
    512,30 ▲ 1,20"), or for many units ("100 KZT = 15,72 RUB")."""
    if line[:1] in _MONEY_SIGNS:
        return (
            _SIGNS_LINE_RE.fullmatch(line) is not None or _ONE_RATE_RE.fullmatch(line) is not None
        )
    if "/" in line:
        return _PAIR_RE.search(line) is not None
    if "=" in line:
        return _UNITS_RE.search(line) is not None
    # Both shapes open with a code of three capitals: a line opening otherwise
    # (almost every headline) is answered without them.
    return line[:3].isupper() and (
        _CODES_LINE_RE.fullmatch(line) is not None or _ONE_RATE_RE.fullmatch(line) is not None
    )


def find_quotes(text: str) -> Iterator[Quote]:
    """Quotes anywhere in ``text``, e.g. the flattened text of a ticker bar."""
    if "/" not in text:
        return
    # Ticker bars repeat themselves for seamless scrolling; build each quote once.
    seen: set[tuple[str, ...]] = set()
    for match in _EMBEDDED_RE.finditer(text):
        start = match.start()
        if start and text[start - 1].isalpha():
            continue  # "AKZT/USD" is not a KZT quote
        key = match.group("base", "quote", "rate", "change")
        if key not in seen:
            seen.add(key)
            yield _quote(match)


class TickerLines:
    """``parse_ticker_line`` remembering its answers for one page.

    A captured ticker repeats the same few lines dozens of times; each
    distinct line is parsed once.
    """

    def __init__(self) -> None:
        self._seen: dict[str, list[Quote] | None] = {}
        # Other instruments' items the lines listed beside their pairs, each line's once.
        self.others: list[str] = []

    def parse(self, line: str) -> list[Quote] | None:
        # No ticker line (see ``is_ticker_line``) but, short, rates by their codes:
        # other lines are not hashed nor kept, as the page's long paragraphs would be.
        codes = "/" not in line and "=" not in line
        if codes and (
            len(line) > _MAX_CODES_LINE
            or (_CODE_GATE.search(line) is None and not _has_sign_rate(line))
        ):
            return None
        try:
            return self._seen[line]
        except KeyError:
            pass
        if codes:
            found = read_code_rates(line) or read_sign_rates(line)
        else:
            read = read_ticker_line(line)
            found = None if read is None else read[0]
            if read is not None:
                self.others.extend(read[1])
        self._seen[line] = found
        return found


def unique_quotes(quotes: Iterable[Quote]) -> tuple[Quote, ...]:
    """Each distinct quote once, in first-seen order.

    A captured ticker repeats the same quotes many times; the same pair with
    different values is genuinely different data and is kept.
    """
    return tuple(dict.fromkeys(quotes))
