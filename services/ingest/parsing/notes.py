"""Collecting what a page's reading left out, and what it could not understand."""

from __future__ import annotations

from .clean import PARAGRAPH_BREAK
from .model import Diagnostics, LeftOutKind

SAMPLE_CHARS = 80
# Warnings are distinct sentences; a hostile page must not make a long list.
MAX_WARNINGS = 20


class Notes:
    """Text that went into no article by kind (blocks, characters, a sample), and warnings."""

    __slots__ = ("_kinds", "_warnings")

    def __init__(self) -> None:
        self._kinds: dict[str, list] = {}
        self._warnings: dict[str, None] = {}

    def add(self, kind: str, text: str, chars: int | None = None, blocks: int = 1) -> None:
        """Count one block of ``kind``: ``text``, or its start when ``chars`` says how long
        (or ``blocks`` blocks of ``chars`` in all, ``text`` the first)."""
        size = len(text) if chars is None else chars
        entry = self._kinds.get(kind)
        if entry is None:
            sample = text if len(text) <= SAMPLE_CHARS else text[: SAMPLE_CHARS - 1] + "…"
            sample = sample.replace(PARAGRAPH_BREAK, " ")
            self._kinds[kind] = [blocks, size, sample]
        else:
            entry[0] += blocks
            entry[1] += size

    def __contains__(self, kind: str) -> bool:
        """Whether a block of ``kind`` is counted already (its sample is taken)."""
        return kind in self._kinds

    def warn(self, message: str) -> None:
        if len(self._warnings) < MAX_WARNINGS:
            self._warnings[message] = None

    @property
    def chars(self) -> dict[str, int]:
        return {kind: entry[1] for kind, entry in self._kinds.items()}

    def diagnostics(self) -> Diagnostics:
        return Diagnostics(
            left_out=tuple(
                LeftOutKind(kind, blocks, chars, sample)
                for kind, (blocks, chars, sample) in self._kinds.items()
            ),
            warnings=tuple(self._warnings),
        )
