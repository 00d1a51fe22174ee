"""A stored feed document as served: bytes, gzip bytes and the validators."""

from __future__ import annotations

import functools
import gzip
from dataclasses import dataclass, field
from datetime import datetime

from shared.conditional import not_modified

ARCHIVE_CACHE_CONTROL = "public, max-age=31536000, immutable"


# Readers send a handful of distinct Accept-Encoding values: each is parsed
# once per process, and a request costs a cache lookup.
@functools.lru_cache(maxsize=128)
def accepts_gzip(accept_encoding: str | None) -> bool:
    """Whether gzip is acceptable (RFC 9110, 12.5.3): named (or as x-gzip), else
    matched by ``*``, with a q-value above 0. A header naming nothing acceptable,
    or none at all, gets the identity encoding."""
    if not accept_encoding:
        return False
    named: float | None = None
    anything: float | None = None
    for item in accept_encoding.lower().split(","):
        coding, _, params = item.partition(";")
        coding = coding.strip()
        if coding in ("gzip", "x-gzip"):
            named = max(named or 0.0, _q(params))
        elif coding == "*":
            anything = _q(params)
    if named is not None:
        return named > 0
    return anything is not None and anything > 0


def _q(params: str) -> float:
    """The q-value among ``params`` (1 when absent; 0 when malformed, so a coding
    offered in a form we cannot read is not used)."""
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip() == "q":
            try:
                q = float(value.strip())
            except ValueError:
                return 0.0
            return q if 0.0 <= q <= 1.0 else 0.0
    return 1.0


# Every answer states its document's Last-Modified: formatted once per time,
# not on each poll.
@functools.lru_cache(maxsize=1024)
def _http_date(when: datetime) -> str:
    return when.strftime("%a, %d %b %Y %H:%M:%S GMT")


@dataclass(frozen=True, slots=True)
class StoredFeed:
    key: str
    content_type: str
    body: bytes
    etag: str
    last_modified: datetime
    cache_control: str
    link: str | None = None  # the Link header: rel="self", and rel="hub" when pushed
    # The stored row's render time (None for a document built on request): the
    # memory's sweep tells a copy loaded before a render from one loaded after.
    rendered_at: datetime | None = None
    # The row's coverage (``RenderedFeed.as_of``; None for a document built on
    # request): an announced render newer than this copy may replace it.
    as_of: datetime | None = None
    _gzip: list[bytes] = field(default_factory=list, init=False, compare=False, repr=False)

    @classmethod
    def build(
        cls,
        key: str,
        content_type: str,
        body: bytes,
        etag: str,
        last_modified: datetime,
        cache_control: str,
        link: str | None = None,
        rendered_at: datetime | None = None,
        as_of: datetime | None = None,
    ) -> StoredFeed:
        return cls(
            key, content_type, body, etag, last_modified, cache_control, link, rendered_at, as_of
        )

    @property
    def body_gzip(self) -> bytes:
        """The gzip encoding, made on the first request that accepts it: a copy
        loaded after a change is served without waiting for a compression that
        its first readers may not want. mtime=0 keeps the bytes (and so their
        ETag) a function of the content alone."""
        if not self._gzip:
            # Two threads racing here compress the same bytes twice: harmless.
            self._gzip[:] = [gzip.compress(self.body, 6, mtime=0)]
        return self._gzip[0]

    @property
    def etag_gzip(self) -> str:
        # A strong validator names one representation: the gzip one gets its own.
        return self.etag[:-1] + '-gzip"'

    @property
    def http_date(self) -> str:
        return _http_date(self.last_modified)

    def answer(
        self, if_none_match: str | None, if_modified_since: str | None, accept_encoding: str | None
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        """Status, headers and body for a GET with these request headers."""
        use_gzip = accepts_gzip(accept_encoding)
        etag = self.etag_gzip if use_gzip else self.etag
        headers = [
            ("ETag", etag),
            ("Last-Modified", self.http_date),
            ("Cache-Control", self.cache_control),
            ("Vary", "Accept, Accept-Encoding"),
        ]
        if self.link:
            headers.append(("Link", self.link))
        inm = if_none_match
        if inm is not None:
            # Either representation's tag means the client has this content.
            inm = inm.replace(self.etag_gzip, self.etag)
        if not_modified(self.etag, self.last_modified, inm, if_modified_since):
            return 304, headers, b""
        body = self.body_gzip if use_gzip else self.body
        headers += [("Content-Type", self.content_type), ("Content-Length", str(len(body)))]
        if use_gzip:
            headers.append(("Content-Encoding", "gzip"))
        return 200, headers, body
