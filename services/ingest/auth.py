"""Bearer-token check for the ingest API."""

from __future__ import annotations

import hashlib
import hmac

from shared.problems import Problem


def token_label(token: bytes) -> str:
    """A short, non-reversible label for a token, safe to store and log."""
    return hashlib.sha256(token).hexdigest()[:8]


def authenticate(header: str | None, tokens: tuple[bytes, ...]) -> str:
    """Return the matching token's label or raise a 401 problem.

    Every configured token is compared, each in constant time, so neither the
    position of a match nor a common prefix shows in the response time.
    """
    challenge = {"WWW-Authenticate": 'Bearer realm="silkfeed-ingest"'}
    if not header or not header.startswith("Bearer "):
        raise Problem(401, "a bearer token is required", kind="unauthorized", headers=challenge)
    offered = header[len("Bearer ") :].strip().encode()
    matched: bytes | None = None
    for token in tokens:
        if hmac.compare_digest(offered, token):
            matched = token
    if matched is None:
        raise Problem(401, "the bearer token is not valid", kind="unauthorized", headers=challenge)
    return token_label(matched)
