"""A messenger chat exported as text, as WhatsApp writes it: each message
opens with its date, time and sender on its first line ("03.03.2026, 08:15 -
Новости Душанбе: В Душанбе открыли новый мост"), its other lines under it.
Each message is set out as a page of stamped stories reads: its stamp on a
line of its own, then its text; the chat's own notices (the group's creation,
the encryption notice) and media left out of the export are dropped.
"""

from __future__ import annotations

import re

# "03.03.2026, 08:15 - Sender: text", "3/3/26, 8:15 PM - Sender: text", and the
# iPhone's "[03.03.2026, 08:15:12] Sender: text"; without a sender, the chat's notice.
_STAMP = r"(?P<day>\d{1,2}[./]\d{1,2}[./]\d{2,4}),?\s+(?P<time>\d{1,2}:\d{2})(?::\d{2})?"
_MESSAGE = re.compile(
    rf"(?:\[{_STAMP}\]\s+|{_STAMP.replace('?P<', '?P<a')}(?:\s?(?P<half>[AaPp][Mm]))?\s+[-–]\s+)"
    r"(?:(?P<sender>[^:]{1,60}):\s+)?(?P<text>.*)"
)
_MEDIA = re.compile(r"<[^<>]{1,40}>|\u200e?<?(?:media omitted|медиа отсутствуют)>?", re.IGNORECASE)
_MIN_MESSAGES = 2
_FIRST_ROWS = 5


def chat_rows(rows: list[str]) -> tuple[list[str], list[str]] | None:
    """``rows`` as a page of stamped messages, and the chat's notices dropped,
    when they are a chat's export (two messages at least); None otherwise."""
    head = [row for row in rows[:_FIRST_ROWS] if row.strip()]
    if not head or not head[0].lstrip("[")[:1].isdigit():
        return None
    if sum(_is_message(row) for row in rows) < _MIN_MESSAGES:
        return None
    out: list[str] = []
    dropped: list[str] = []
    for row in rows:
        match = _MESSAGE.fullmatch(row.strip()) if _is_message(row) else None
        if match is None:
            out.append(row)
            continue
        text = match["text"].strip()
        if match["sender"] is None or not text or _MEDIA.fullmatch(text):
            dropped.append(row.strip())  # the chat's notice, or media left out
            continue
        day, time = match["day"] or match["aday"], match["time"] or match["atime"]
        stamp = f"{_full_year(day)} {time}" + (f" {match['half'].lower()}" if match["half"] else "")
        out.extend(("", stamp, text))
    return out, dropped


def _is_message(row: str) -> bool:
    line = row.lstrip("[")
    return line[:1].isdigit() and ":" in line[:24] and _MESSAGE.fullmatch(row.strip()) is not None


def _full_year(day: str) -> str:
    """A day with its year in four digits ("3/3/26" is "3/3/2026")."""
    mark = "." if "." in day else "/"
    parts = day.split(mark)
    if len(parts[-1]) == 2:
        parts[-1] = "20" + parts[-1]
    return mark.join(parts)
