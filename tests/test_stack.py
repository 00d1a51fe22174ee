"""The stack as `make up` starts it: post the sample over HTTP, read the feeds
back with feedparser, and `make down` leaves nothing running."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import feedparser
import pytest

from cli.system import free_port
from shared.migrate import ROOT
from tests.conftest import SAMPLE, TOKEN
from tests.support.processes import service_env
from tests.support.redis_server import RedisServer
from tests.support.sample import SAMPLE_RATES, SAMPLE_TITLES
from tests.support.waiting import wait_for

pytestmark = pytest.mark.slow

TITLES = set(SAMPLE_TITLES)


def silkfeed(
    *args: str, env: dict[str, str], timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cli.main", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, bytes, dict[str, str]]:
    req = urllib.request.Request(url, headers=headers or {})  # noqa: S310
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:  # noqa: S310
            return resp.status, resp.read(), dict(resp.headers)
    except urllib.error.HTTPError as err:
        return err.code, err.read(), dict(err.headers)


def stack_processes(data_dir: Path) -> list[int]:
    """Pids of processes whose environment points at this data directory."""
    pids = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            environ = (proc / "environ").read_bytes()
        except OSError:
            continue
        if f"SILKFEED_DATA_DIR={data_dir}".encode() in environ.split(b"\0"):
            pids.append(int(proc.name))
    return pids


def start_stack(
    tmp_path: Path, name: str, redis_url: str, db: str | None = None
) -> tuple[dict[str, str], str, str]:
    data_dir = (tmp_path / name).resolve()
    feed_port, ingest_port = free_port(), free_port()
    env = service_env(
        {
            "SILKFEED_DATA_DIR": str(data_dir),
            "SILKFEED_FEED_PORT": str(feed_port),
            "SILKFEED_INGEST_PORT": str(ingest_port),
            "SILKFEED_REDIS_URL": redis_url,
            "SILKFEED_INGEST_TOKENS": TOKEN,
            "SILKFEED_WEB_WORKERS": "1",
            "SILKFEED_WORKER_CONCURRENCY": "1",
        }
    )
    if db:
        env["SILKFEED_DATABASE_URL"] = db
    result = silkfeed("stack", "up", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"http://127.0.0.1:{feed_port}/feeds/articles.atom" in result.stdout
    return env, f"http://127.0.0.1:{feed_port}", f"http://127.0.0.1:{ingest_port}"


def post_sample(ingest: str, body: bytes) -> dict:
    req = urllib.request.Request(  # noqa: S310
        f"{ingest}/v1/submissions?source=timesca",
        data=body,
        method="POST",
        headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "text/plain"},
    )
    with urllib.request.urlopen(req, timeout=10) as resp:  # noqa: S310
        assert resp.status == 202
        assert resp.headers["Location"]
        return json.load(resp)


def test_two_stacks_up_post_read_down(tmp_path: Path, redis_server: RedisServer) -> None:
    # Two stacks on one Redis, different ports and data dirs: they must not meet.
    env_a, feed_a, ingest_a = start_stack(tmp_path, "a", redis_server.url)
    try:
        env_b, feed_b, _ingest_b = start_stack(tmp_path, "b", redis_server.url)
        try:
            doc = post_sample(ingest_a, SAMPLE.read_bytes())
            status_url = f"{ingest_a}/v1/submissions/{doc['id']}"

            def done() -> dict | None:
                _, body, _ = get(status_url, {"Authorization": f"Bearer {TOKEN}"})
                state = json.loads(body)
                return state if state["status"] in ("done", "failed") else None

            state = wait_for(done, 60, what="the sample to be processed")
            assert state["status"] == "done", state

            def feed_ready() -> feedparser.FeedParserDict | None:
                status, body, _ = get(f"{feed_a}/feeds/articles.atom")
                parsed = feedparser.parse(body)
                return parsed if status == 200 and len(parsed.entries) == 6 else None

            atom = wait_for(feed_ready, 60, what="six entries in the Atom feed")
            _, rss_body, _ = get(f"{feed_a}/feeds/articles.rss")
            rss = feedparser.parse(rss_body)
            for parsed in (atom, rss):
                assert not parsed.bozo
                assert {e.title for e in parsed.entries} == TITLES
            rates = wait_for(lambda: get(f"{feed_a}/api/v1/rates/latest")[0] == 200, 30)
            assert rates
            _, body, _ = get(f"{feed_a}/api/v1/rates/latest")
            assert [
                (r["pair"], r["rate"], r["change"]) for r in json.loads(body)["rates"]
            ] == SAMPLE_RATES

            # Stack B saw nothing of it.
            status, body, _ = get(f"{feed_b}/feeds/articles.atom")
            assert status == 200 and feedparser.parse(body).entries == []
            assert get(f"{feed_b}/api/v1/rates/latest")[0] == 404
        finally:
            down_b = silkfeed("stack", "down", env=env_b)
            assert down_b.returncode == 0, down_b.stderr
        # Stopping B left A running.
        assert get(f"{feed_a}/healthz")[0] == 200
    finally:
        down_a = silkfeed("stack", "down", env=env_a)
        assert down_a.returncode == 0, down_a.stderr
    for env in (env_a, env_b):
        data_dir = Path(env["SILKFEED_DATA_DIR"])
        wait_for(lambda d=data_dir: not stack_processes(d), 20, what="every stack process to exit")
        # `make up`'s log is the owner's alone, and holds no token.
        log = data_dir / "run" / "stack.log"
        assert log.stat().st_mode & 0o777 == 0o600
        assert TOKEN not in log.read_text(errors="replace")
        assert not (data_dir / "run" / "stack.pid").exists()
    with pytest.raises(OSError):
        urllib.request.urlopen(f"{feed_a}/healthz", timeout=2)  # noqa: S310


def test_run_in_the_foreground_with_a_private_redis_and_ctrl_c(tmp_path: Path) -> None:
    """`make run` with nothing answering at the Redis URL: a private redis-server,
    the demo page posted, and Ctrl-C leaves nothing running."""
    data_dir = (tmp_path / "fg").resolve()
    feed_port, ingest_port = free_port(), free_port()
    env = service_env(
        {
            "SILKFEED_DATA_DIR": str(data_dir),
            "SILKFEED_FEED_PORT": str(feed_port),
            "SILKFEED_INGEST_PORT": str(ingest_port),
            "SILKFEED_REDIS_URL": f"redis://127.0.0.1:{free_port()}/0",  # nothing listens there
            "SILKFEED_WEB_WORKERS": "1",
            "SILKFEED_WORKER_CONCURRENCY": "1",
        }
    )
    env.pop("SILKFEED_LOG_FORMAT")
    log = (tmp_path / "run.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "cli.main", "stack", "run"],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        text = lambda: (tmp_path / "run.log").read_text()  # noqa: E731
        wait_for(
            lambda: "ready; Ctrl-C stops everything" in text() or proc.poll() is not None,
            90,
            what="the stack to be ready",
        )
        out = text()
        assert "started a private one" in out, out[-3000:]
        assert "posted the demo page" in out
        # Written to a file, the output says where the token is, never the token.
        token = (data_dir / "ingest-token").read_text().strip()
        assert token not in out
        assert f"token:   (in {(data_dir / 'ingest-token').resolve()})" in out
        assert f"http://127.0.0.1:{feed_port}/feeds/articles.atom" in out
        # Every line is prefixed by the process it came from.
        prefixes = {line.split("|", 1)[0].strip() for line in out.splitlines() if "|" in line}
        assert {
            "redis",
            "stack",
            "ingest-api",
            "ingest-worker",
            "rates-worker",
            "feed-worker",
            "websub-worker",
            "feed",
        } <= prefixes

        def demo_visible() -> bool:
            status, body, _ = get(f"http://127.0.0.1:{feed_port}/feeds/articles.json")
            return status == 200 and len(json.loads(body)["items"]) == 3

        wait_for(demo_visible, 60, what="the demo page's three articles")
        # An operator's command from another shell, with the same (unanswered)
        # SILKFEED_REDIS_URL, reaches the Redis the stack started.
        stats = subprocess.run(
            [sys.executable, "-m", "cli.main", "stats", "--json"],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        assert stats.returncode == 0, stats.stderr
        assert "ingest" in json.loads(stats.stdout)["queues"]
    finally:
        proc.send_signal(signal.SIGINT)
        assert proc.wait(60) == 0
        log.close()
    wait_for(lambda: not stack_processes(data_dir), 20, what="every process to exit")
    assert "stopped" in (tmp_path / "run.log").read_text().splitlines()[-1]
    assert not (data_dir / "run" / "redis-url").exists()
