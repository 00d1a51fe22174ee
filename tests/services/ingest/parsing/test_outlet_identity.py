"""Identity on another outlet's page: its text, HTML and JSON forms are the same entries."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.ingest.processing import Outcome
from shared.models import Article
from tests.support.submissions import process_page

PAGES = Path(__file__).resolve().parents[3] / "fixtures" / "pages"


def post(session: Session, body: bytes, media_type: str) -> Outcome:
    _, outcome = process_page(session, body, media_type, source="daryo-review")
    assert outcome.status == "done"
    return outcome


def entries(session: Session) -> dict[str, Article]:
    session.expire_all()
    return {a.title: a for a in session.scalars(select(Article))}


def test_text_html_and_json_forms_update_the_same_entries(session: Session) -> None:
    text = (PAGES / "outlet-mixed.txt").read_bytes()
    first = post(session, text, "text/plain")
    assert (first.new, first.updated) == (5, 0)
    guids = {title: a.guid for title, a in entries(session).items()}

    # The front page adds each story's link: the same entries, updated.
    as_html = post(session, (PAGES / "outlet-mixed.html").read_bytes(), "text/html")
    assert (as_html.new, as_html.updated, as_html.unchanged) == (0, 5, 0)
    now = entries(session)
    assert {title: a.guid for title, a in now.items()} == guids
    assert now["Gas shortages"].url == "https://daryo-review.example/2026/03/almaty-gas"
    assert now["Uzbekistan Lifts Cotton Quotas for Private Farms"].authors == [
        "Aziz Karimov",
        "Lola Saidova",
    ]

    as_json = post(session, (PAGES / "outlet-mixed.json").read_bytes(), "application/json")
    assert as_json.new == 0
    assert {title: a.guid for title, a in entries(session).items()} == guids

    # The text again, then the same text with one story edited and its
    # headline's quotes typeset: one entry updated, none added.
    # (A body already received is not taken twice: a blank line makes it new.)
    again = post(session, text + b"\n", "text/plain")
    assert (again.new, again.updated, again.unchanged) == (0, 0, 5)
    edited = (
        text.decode()
        .replace(
            '"We will not return to the old ways," says',
            "“We will not return to the old ways,” says",
        )
        .replace("in Bishkek\n", "in Bishkek on Monday.\n")
    )
    outcome = post(session, edited.encode(), "text/plain")
    assert (outcome.new, outcome.updated, outcome.unchanged) == (0, 1, 4)
    final = entries(session)
    assert len(final) == 5
    assert {a.guid for a in final.values()} == set(guids.values())
    (minister,) = [a for a in final.values() if "old ways" in a.title]
    assert minister.paragraphs[-1].endswith("in Bishkek on Monday.")
