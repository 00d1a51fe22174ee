"""Settings: from the environment, validated at start, errors that name the variable."""

from __future__ import annotations

import subprocess
import sys

import pytest

from shared.migrate import ROOT
from shared.settings import Settings, load_settings


def test_defaults_are_the_documented_ones(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)  # no .env here
    for name in list(__import__("os").environ):
        if name.startswith("SILKFEED_"):
            monkeypatch.delenv(name)
    s = Settings()
    assert (s.feed_port, s.ingest_port, s.bind_host) == (8000, 8001, "127.0.0.1")
    assert s.redis_url == "redis://127.0.0.1:6379/0"
    assert s.db_url.startswith("sqlite:///") and s.db_url.endswith("/var/silkfeed.db")
    assert s.base_url == "http://127.0.0.1:8000"
    assert s.max_body_bytes == 5 * 1024 * 1024


def test_tokens_are_comma_separated_and_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(
        "SILKFEED_INGEST_TOKENS", " first-token-0123456789 ,second-token-0123456789,"
    )
    s = Settings()
    assert s.token_values() == (b"first-token-0123456789", b"second-token-0123456789")
    assert "first-token" not in repr(s) and "first-token" not in str(s.model_dump())


def test_an_env_file_is_read(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SILKFEED_FEED_PORT", raising=False)
    (tmp_path / ".env").write_text("SILKFEED_FEED_PORT=9123\n")
    assert Settings().feed_port == 9123


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        ("SILKFEED_FEED_PORT", "eighty", "SILKFEED_FEED_PORT"),
        ("SILKFEED_FEED_PORT", "70000", "less than or equal to 65535"),
        ("SILKFEED_REDIS_URL", "http://localhost", "redis://"),
        ("SILKFEED_PUBLIC_URL", "feeds.example.org", "absolute"),
        ("SILKFEED_LOG_LEVEL", "LOUD", "SILKFEED_LOG_LEVEL"),
        ("SILKFEED_INGEST_TOKENS", "short", "at least 16 characters"),
        ("SILKFEED_PAGE_TIMEZONE", "Asia/Nowhere", "IANA time zone"),
    ],
)
def test_a_wrong_value_stops_with_a_message_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    name: str,
    value: str,
    says: str,
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SystemExit) as exit_info:
        load_settings()
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert name in err and says in err
    if "TOKENS" in name:
        assert value not in err  # secrets are never echoed


def test_a_service_refuses_to_start_on_a_bad_value() -> None:
    env = {"PATH": "/usr/bin:/bin", "SILKFEED_FEED_PORT": "not-a-port"}
    out = subprocess.run(
        [sys.executable, "-m", "cli.main", "config"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 2
    assert "SILKFEED_FEED_PORT" in out.stderr and "Traceback" not in out.stderr


def test_config_prints_effective_settings_with_secrets_masked() -> None:
    env = {
        "PATH": "/usr/bin:/bin",
        "SILKFEED_INGEST_TOKENS": "very-secret-token-123456",
        "SILKFEED_DATABASE_URL": "postgresql+psycopg://user:hunter2@db/silkfeed",
    }
    out = subprocess.run(
        [sys.executable, "-m", "cli.main", "config"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "very-secret-token" not in out.stdout and "hunter2" not in out.stdout
    assert "SILKFEED_FEED_PORT" in out.stdout and "8000" in out.stdout


def test_the_page_timezone_is_an_iana_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SILKFEED_PAGE_TIMEZONE", raising=False)
    assert Settings().page_timezone == "UTC"
    monkeypatch.setenv("SILKFEED_PAGE_TIMEZONE", "Asia/Almaty")
    assert str(Settings().page_zone) == "Asia/Almaty"
    for wrong in ("Asia/Nowhere", "../etc/passwd", ""):
        with pytest.raises(ValueError, match="IANA time zone"):
            Settings(page_timezone=wrong)
