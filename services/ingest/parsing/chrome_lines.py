"""Lines a plain-text page prints around its stories that belong to none of them.

A page copied as text keeps what its layout set apart: photo captions and
credits ("Photo: …", "Фото: …"), a story's source and tag lines, "Read also"
and "Related" links, share and subscribe prompts, "Advertisement" labels and
the copyright notice. None of
them is a story's text or a headline; each is left out and said so.
"""

from __future__ import annotations

import re

# Longer than this, a line is prose however it starts.
MAX_CHROME_LINE = 160
KIND = "captions, prompts and notices"

_CHROME_START = re.compile(
    r"(?:"
    # Captions and credits: "Photo: …", "Photo by …", "Фото: пресс-служба".
    r"(?:photos?|pictures?|image|video|illustration|фото|видео|иллюстрация)"
    r"\s*(?::|by\b|/|\u2014|\u2013)"
    # Links to other stories, alone or with their headline after a colon.
    r"|(?:related(?:\s+(?:stories|articles|news))?|read\s+(?:also|more)|also\s+read|see\s+also"
    r"|more\s+on\s+this(?:\s+story)?|recommended|читайте\s+(?:также|тоже)|смотрите\s+также"
    r"|по\s+теме|подробнее|ещё\s+по\s+теме|еще\s+по\s+теме)\s*(?::|$)"
    # Prompts: "Share this article", "Share on Facebook", "Subscribe to our …".
    r"|share(?:\s+(?:this|on|via)\b|\s*:|\s*$)|поделиться\b"
    r"|subscribe\s+(?:to|for|now)\b|follow\s+us\b|подписывайтесь\b|подпишитесь\b"
    # A story's credits and labels: "Source: Reuters", "Источник: …", "Tags: …".
    r"|(?:source|sources|источник|tags|keywords|теги|тэги|метки)\s*:"
    # Labels standing alone.
    r"|(?:advertisement|sponsored(?:\s+content)?|реклама)\s*$"
    # Copyright notices: "© 2026 …", "Copyright 2026 …", "(c) 2026 …".
    r"|\u00a9|\(c\)\s*\d{4}|copyright\s*(?:\u00a9|\(c\)|\d{4})"
    r")",
    re.IGNORECASE,
)
_RIGHTS = re.compile(r"all\s+rights\s+reserved|все\s+права\s+защищены", re.IGNORECASE)


def is_chrome_line(line: str) -> bool:
    """Whether ``line`` (stripped) is a caption, prompt, label or notice, not story text."""
    if len(line) > MAX_CHROME_LINE:
        return False
    return _CHROME_START.match(line) is not None or _RIGHTS.search(line) is not None
