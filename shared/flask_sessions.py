"""One database session per request, closed however the request ends."""

from __future__ import annotations

from flask import Flask, g
from sqlalchemy.orm import Session, sessionmaker


def install_sessions(app: Flask, sessions: sessionmaker[Session]) -> None:
    @app.before_request
    def _open_session() -> None:
        g.session = sessions()

    @app.teardown_request
    def _close_session(_exc: BaseException | None) -> None:
        session = g.pop("session", None)
        if session is not None:
            session.close()
