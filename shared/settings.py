"""Settings come from the environment (and an optional ``.env``), validated at start.

A wrong value stops the process with a message that names the variable and what
it accepts; nothing reads ``os.environ`` anywhere else.
"""

from __future__ import annotations

import functools
import hashlib
import sys
from datetime import tzinfo
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from shared.zones import time_zone


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="SILKFEED_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        frozen=True,
    )

    data_dir: Path = Field(
        Path("./var"), description="Where the embedded database and run files live."
    )
    database_url: str = Field(
        "", description="SQLAlchemy URL; empty means SQLite at DATA_DIR/silkfeed.db."
    )
    redis_url: str = Field("redis://127.0.0.1:6379/0", description="Celery broker (Redis).")
    redis_sentinel_master: str = Field(
        "",
        validate_default=True,
        description="Name of the master the Sentinels of a sentinel:// REDIS_URL watch.",
    )
    ingest_tokens: Annotated[tuple[SecretStr, ...], NoDecode] = Field(
        (), description="Comma-separated bearer tokens accepted by the ingest API."
    )
    feed_port: int = Field(8000, ge=1, le=65535, description="Port of the feed service.")
    ingest_port: int = Field(8001, ge=1, le=65535, description="Port of the ingest API.")
    bind_host: str = Field("127.0.0.1", description="Address the HTTP services listen on.")
    public_url: str = Field(
        "", description="Base of absolute links in feeds; empty means http://BIND_HOST:FEED_PORT."
    )
    ingest_public_url: str = Field(
        "",
        description=(
            "Base of the ingest API's own links (Location, a submission's url); "
            "empty means http://BIND_HOST:INGEST_PORT."
        ),
    )
    max_body_bytes: int = Field(
        5 * 1024 * 1024, ge=1024, description="Largest accepted page, bytes."
    )
    feed_max_age: int = Field(
        300, ge=0, le=86400, description="Cache-Control max-age of feeds, seconds."
    )
    feed_page_size: int = Field(50, ge=1, le=500, description="Entries in a subscription feed.")
    rates_move_threshold_pct: Decimal = Field(
        Decimal("0.5"),
        ge=0,
        le=1000,
        description="A rate moves (and gets an entry in the moves feed) beyond this many percent.",
    )
    rates_significant_digits: int = Field(
        6, ge=1, le=28, description="Significant digits of computed cross rates."
    )
    rates_latest_entries: int = Field(
        256,
        ge=0,
        le=10_000,
        description=(
            "Queries of /api/v1/rates/latest whose answers each feed process keeps in memory; "
            "0 reads every one from the database."
        ),
    )
    rate_max_integer_digits: int = Field(
        12, ge=1, le=20, description="Digits a published rate may have before its decimal point."
    )
    rate_max_fraction_digits: int = Field(
        12, ge=0, le=20, description="Digits a published rate may have after its decimal point."
    )
    date_past_days: int = Field(
        36525,
        ge=1,
        le=3_650_000,
        description="How many days before its receipt a page or article may be dated.",
    )
    date_future_days: int = Field(
        2, ge=0, le=3650, description="How many days after its receipt a page may be dated."
    )
    cache_max_bytes: int = Field(
        64 * 1024 * 1024,
        ge=0,
        le=2**40,
        description=(
            "Bytes each feed process may hold in its in-memory copies of feeds and "
            "rates answers, together."
        ),
    )
    http_header_timeout: int = Field(
        5,
        ge=1,
        le=300,
        description="Seconds a client has to send its whole request header; then it is dropped.",
    )
    http_body_timeout: int = Field(
        60,
        ge=1,
        le=3600,
        description="Seconds a client has to send a whole request body to the ingest API (408).",
    )
    http_body_min_rate: int = Field(
        4096,
        ge=0,
        le=1 << 30,
        description=(
            "Bytes a second a request body to the ingest API must keep arriving at once its "
            "first 2 s have passed (408 below); 0 checks only the total time."
        ),
    )
    http_max_header_bytes: int = Field(
        16 * 1024,
        ge=1024,
        le=1024 * 1024,
        description="Largest request header block (431 beyond).",
    )
    http_max_url_bytes: int = Field(
        8 * 1024, ge=256, le=1024 * 1024, description="Longest request URL (414 beyond)."
    )
    web_workers: int = Field(2, ge=1, le=64, description="HTTP worker processes per web service.")
    worker_concurrency: int = Field(2, ge=1, le=64, description="Processes per Celery worker.")
    task_batch: int = Field(
        16,
        ge=1,
        le=256,
        description=(
            "Most pages (ingest) or snapshots (rates) one task takes from its backlog in a "
            "burst; 1 sends one task per item."
        ),
    )
    task_time_limit: int = Field(
        300, ge=10, le=3600, description="Hard time limit of a task, seconds."
    )
    restart_delay: float = Field(
        1.0,
        ge=0.1,
        le=30,
        description=(
            "Seconds `silkfeed stack` waits before restarting a process that exited; "
            "doubles after each quick crash, up to 30."
        ),
    )
    restart_give_up: int = Field(
        5,
        ge=1,
        le=100,
        description=(
            "Quick crashes in a row (each less than 2 minutes after its start) after "
            "which `silkfeed stack` stops restarting a process."
        ),
    )
    task_events: bool = Field(
        False,
        description=(
            "Workers send Celery task events (received, started, succeeded) from the start. "
            "Off, they cost nothing on a page's path; Flower turns them on while it runs."
        ),
    )
    visibility_timeout: int = Field(
        0,
        ge=0,
        le=86400,
        description=(
            "Seconds before Redis hands a task whose worker died to another worker; "
            "0 means 4 × TASK_TIME_LIMIT. Must exceed TASK_TIME_LIMIT."
        ),
    )
    ingest_rate_limit: int = Field(
        600,
        ge=0,
        le=1_000_000,
        description="POSTs per minute per ingest token (bursts up to that many); 0 is no limit.",
    )
    websub_allow_private_callbacks: bool = Field(
        False,
        description=(
            "Let WebSub callbacks reach loopback, private, link-local and metadata addresses "
            "(local use and tests only: otherwise anyone could make the hub call inside)."
        ),
    )
    websub_lease_default: int = Field(
        864_000, ge=1, le=31_536_000, description="WebSub lease when none is asked for, seconds."
    )
    websub_lease_min: int = Field(
        3600, ge=1, le=31_536_000, description="Shortest WebSub lease granted, seconds."
    )
    websub_lease_max: int = Field(
        2_592_000, ge=1, le=31_536_000, description="Longest WebSub lease granted, seconds."
    )
    websub_max_per_topic: int = Field(
        1000, ge=1, le=1_000_000, description="Most WebSub subscriptions to one feed document."
    )
    websub_max_total: int = Field(
        100_000, ge=1, le=10_000_000, description="Most WebSub subscriptions in all."
    )
    websub_timeout: float = Field(
        10.0, gt=0, le=120, description="Seconds a WebSub callback gets to answer a request."
    )
    websub_drop_after: int = Field(
        86_400,
        ge=1,
        le=2_592_000,
        description="A WebSub callback failing every delivery this long is dropped, seconds.",
    )
    websub_concurrency: int = Field(
        16, ge=1, le=256, description="Threads of the websub worker (each waits on one callback)."
    )
    websub_callback_rate: int = Field(
        60,
        ge=1,
        le=100_000,
        description="Requests per minute the hub sends one callback (and accepts for it).",
    )
    websub_global_rate: int = Field(
        200, ge=1, le=100_000, description="Requests per second the hub sends all callbacks."
    )
    websub_body_readers: int = Field(
        2,
        ge=1,
        le=3,
        description=(
            "Subscription request bodies each feed process reads at once (503 beyond); below "
            "its 4 threads, so slow hub clients never hold the threads that serve feeds."
        ),
    )
    namespace: str = Field(
        "",
        pattern=r"^[a-z0-9-]{0,32}$",
        description="Prefix of this stack's Redis keys; empty derives one from DATABASE_URL.",
    )
    run_dir: Path | None = Field(
        None, description="Set by `silkfeed stack`: workers mark readiness here."
    )
    heartbeat_file: Path | None = Field(
        None,
        description=(
            "A worker rewrites this file every few seconds while it consumes, for a "
            "container healthcheck (the image sets it); unset, no file."
        ),
    )
    page_timezone: str = Field(
        "UTC",
        description=(
            "IANA zone (e.g. Asia/Almaty) the times a posted page prints without a zone are "
            "in, and the day its \"Today\" is counted in; a zone the page names wins."
        ),
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        "INFO", description="Log level."
    )
    log_format: Literal["auto", "json", "text"] = Field(
        "auto", description="auto: text on a terminal, JSON otherwise."
    )

    @field_validator("ingest_tokens", mode="before")
    @classmethod
    def _split_tokens(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(t.strip() for t in value.split(",") if t.strip())
        return value

    @field_validator("ingest_tokens")
    @classmethod
    def _tokens_long_enough(cls, value: tuple[SecretStr, ...]) -> tuple[SecretStr, ...]:
        for token in value:
            if len(token.get_secret_value()) < 16:
                raise ValueError("each token must be at least 16 characters")
        return value

    @field_validator("redis_url")
    @classmethod
    def _redis_scheme(cls, value: str) -> str:
        if not value.startswith(("redis://", "rediss://", "sentinel://", "redis+socket://")):
            raise ValueError("must be a redis://, rediss:// or sentinel:// URL")
        return value

    @field_validator("redis_sentinel_master")
    @classmethod
    def _sentinel_master(cls, value: str, info: ValidationInfo) -> str:
        url = info.data.get("redis_url") or ""
        if url.startswith("sentinel://") and not value:
            raise ValueError("required when REDIS_URL is a sentinel:// URL (e.g. mymaster)")
        return value

    @field_validator("visibility_timeout")
    @classmethod
    def _visibility_above_time_limit(cls, value: int, info: ValidationInfo) -> int:
        limit = info.data.get("task_time_limit")
        if value and limit is not None and value <= limit:
            raise ValueError(
                "must be longer than TASK_TIME_LIMIT, or a running task is handed out twice"
            )
        return value

    @field_validator("websub_lease_max")
    @classmethod
    def _lease_range(cls, value: int, info: ValidationInfo) -> int:
        low, default = info.data.get("websub_lease_min"), info.data.get("websub_lease_default")
        if low is not None and value < low:
            raise ValueError("must be at least WEBSUB_LEASE_MIN")
        if default is not None and low is not None and not low <= default <= value:
            raise ValueError("WEBSUB_LEASE_DEFAULT must lie between WEBSUB_LEASE_MIN and this")
        return value

    @field_validator("page_timezone")
    @classmethod
    def _page_timezone(cls, value: str) -> str:
        time_zone(value)
        return value

    @field_validator("public_url", "ingest_public_url")
    @classmethod
    def _public_url(cls, value: str) -> str:
        if value and not value.startswith(("http://", "https://")):
            raise ValueError("must be an absolute http:// or https:// URL")
        return value.rstrip("/")

    @property
    def db_url(self) -> str:
        """The effective database URL."""
        if self.database_url:
            return self.database_url
        return _default_db_url(self.data_dir)

    @property
    def base_url(self) -> str:
        """The effective public base URL, without a trailing slash."""
        if self.public_url:
            return self.public_url
        # Listening on every address (as in a container): readers on this host
        # reach it at localhost, never at 0.0.0.0.
        everywhere = ("0.0.0.0", "::", "")  # noqa: S104 - compared, not bound
        host = "localhost" if self.bind_host in everywhere else self.bind_host
        return f"http://{host}:{self.feed_port}"

    @property
    def ingest_base_url(self) -> str:
        """Base of the ingest API's links, without a trailing slash: never the
        request's Host header, which the client chooses."""
        wildcard = self.bind_host in ("0.0.0.0", "::", "")  # noqa: S104 - compared, not bound
        host = "127.0.0.1" if wildcard else self.bind_host
        return self.ingest_public_url or f"http://{host}:{self.ingest_port}"

    @property
    def page_zone(self) -> tzinfo:
        """``page_timezone``'s zone."""
        return time_zone(self.page_timezone)

    @property
    def key_prefix(self) -> str:
        """Redis key prefix: stacks sharing one Redis but not one database never meet."""
        ns = self.namespace or hashlib.sha256(self.db_url.encode()).hexdigest()[:10]
        return f"silkfeed:{ns}:"

    def token_values(self) -> tuple[bytes, ...]:
        return tuple(t.get_secret_value().encode() for t in self.ingest_tokens)


@functools.lru_cache(maxsize=64)
def _default_db_url(data_dir: Path) -> str:
    # Remembered: resolving the path asks the disk, and every task reads the
    # Redis key prefix, which is derived from this URL.
    return f"sqlite:///{(data_dir / 'silkfeed.db').resolve()}"


def load_settings(**overrides: object) -> Settings:
    """Read settings; on a bad value print which variable and what it accepts, then exit."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        lines = ["silkfeed: invalid configuration"]
        for err in exc.errors():
            name = "SILKFEED_" + "_".join(str(p) for p in err["loc"][:1]).upper()
            shown = "***" if "TOKEN" in name else repr(err.get("input"))
            lines.append(f"  {name}: {err['msg']} (got {shown})")
        print("\n".join(lines), file=sys.stderr)
        raise SystemExit(2) from None
