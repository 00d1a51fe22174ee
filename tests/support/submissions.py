"""Storing a page as the ingest API would and processing it in the test's process."""

from __future__ import annotations

import hashlib
import uuid

from sqlalchemy.orm import Session

from services.ingest.processing import Outcome, process_submission
from shared.models import Submission


def process_page(
    session: Session,
    body: bytes,
    media_type: str = "text/plain",
    source: str = "timesca",
    page_url: str | None = None,
) -> tuple[str, Outcome]:
    """Commit ``body`` as a queued submission, process it; its id and the outcome."""
    sub = Submission(
        id=uuid.uuid4().hex,
        body=body,
        body_sha256=hashlib.sha256(body).hexdigest(),
        media_type=media_type,
        source=source,
        status="queued",
        page_url=page_url,
    )
    session.add(sub)
    session.commit()
    outcome = process_submission(session, sub.id)
    assert outcome is not None
    return sub.id, outcome
