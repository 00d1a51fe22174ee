"""Plain-text pages: ticker lines, a date line, then headlines and their paragraphs."""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from .articles import Draft, build_articles, is_page_furniture
from .dates import parse_date_line
from .headlines import ends_sentence, looks_like_headline, looks_like_prose
from .model import ParsedArticle, ParsedPage, Quote
from .ticker import TickerLines, unique_quotes


class _Line(NamedTuple):
    text: str
    # True when a blank, ticker or date line (or the page start) came before it.
    after_break: bool


def parse_text(text: str) -> ParsedPage:
    """Parse a plain-text page as returned by ``decode_body``; markup in it is just text."""
    quotes: list[Quote] = []
    page_date: date | None = None
    lines: list[_Line] = []
    tickers = TickerLines()
    after_break = True
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            after_break = True
            continue
        ticker = tickers.parse(line)
        if ticker is not None:
            quotes.extend(ticker)
            after_break = True
            continue
        when = parse_date_line(line)
        if when is not None:
            page_date = page_date or when
            after_break = True
            continue
        lines.append(_Line(line, after_break))
        after_break = False
    return ParsedPage(
        page_date=page_date,
        articles=_articles(lines),
        quotes=unique_quotes(quotes),
    )


def article_lines(blocks: list[str]) -> tuple[ParsedArticle, ...]:
    """Articles from separate text blocks read the plain-text way, one paragraph each."""
    return _articles([_Line(block, True) for block in blocks if not is_page_furniture(block)])


def _title_flags(lines: list[_Line]) -> list[bool]:
    shaped = [looks_like_headline(line.text) for line in lines]
    flags = []
    for i, line in enumerate(lines):
        flags.append(
            shaped[i]
            # A headline introduces prose; a headline-shaped line followed by
            # another, or by a menu or "Log In", is page chrome or a kicker.
            and i + 1 < len(lines)
            and not shaped[i + 1]
            and looks_like_prose(lines[i + 1].text)
            # A line continuing an unfinished sentence is prose wrapped at a
            # fixed width, however capitalised it happens to be.
            and (line.after_break or i == 0 or shaped[i - 1] or ends_sentence(lines[i - 1].text))
        )
    return flags


def _articles(lines: list[_Line]) -> tuple[ParsedArticle, ...]:
    # Each paragraph is kept as its lines and joined once at the end, so a
    # long hard-wrapped paragraph costs linear time, not quadratic.
    drafts: list[tuple[str, list[list[str]]]] = []
    for line, is_title in zip(lines, _title_flags(lines), strict=True):
        if is_title:
            drafts.append((line.text, []))
        elif drafts:  # text before the first headline is page chrome, not an article
            paragraphs = drafts[-1][1]
            if (
                paragraphs
                and not line.after_break
                and line.text[0].islower()
                and not ends_sentence(paragraphs[-1][-1])
            ):
                # Hard-wrapped prose: this line finishes the previous one's sentence.
                paragraphs[-1].append(line.text)
            else:
                paragraphs.append([line.text])
    return build_articles(
        Draft(title, [" ".join(parts) for parts in paragraphs]) for title, paragraphs in drafts
    )
