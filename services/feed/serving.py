"""A stored feed document as served: bytes, gzip bytes and the validators."""

from __future__ import annotations

import gzip
from dataclasses import dataclass, field
from datetime import datetime

from shared.conditional import not_modified

ARCHIVE_CACHE_CONTROL = "public, max-age=31536000, immutable"


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
        return self.last_modified.strftime("%a, %d %b %Y %H:%M:%S GMT")

    def answer(
        self, if_none_match: str | None, if_modified_since: str | None, accept_encoding: str | None
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        """Status, headers and body for a GET with these request headers."""
        use_gzip = accept_encoding is not None and "gzip" in accept_encoding.lower()
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
