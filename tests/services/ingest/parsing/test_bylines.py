"""An interview's credit ("Беседовала …", "Interviewed by …") names its author."""

from __future__ import annotations

from services.ingest.parsing.bylines import byline_authors


def test_an_interviews_credit_names_its_author(page_fixture) -> None:
    page = page_fixture("russian-interview-credit.txt")
    (interview,) = page.articles
    assert interview.authors == ("Нурлан Абдыкадыров",)
    assert interview.paragraphs[0].startswith("Правительство объявило")
    assert len(interview.paragraphs) == 3
    assert byline_authors("Interviewed by Joanna Lillis") == ("Joanna Lillis",)
    assert byline_authors("Беседовала с министром") is None
