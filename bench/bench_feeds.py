"""Serving feeds: silkfeed's feed service against nginx serving the identical bytes.

With the stack started as `make up` starts it (`silkfeed stack up`) and 50
entries in /feeds/articles.atom, wrk measures full responses and 304s against
silkfeed and against nginx (Debian) serving the same bytes as a static file,
side by side in the same run. Targets: full responses ≥ 35 % of nginx's
requests per second, 304s ≥ 10 % of nginx's 304 rate. Also reports the time to
render a 50-entry feed in all three formats.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from bench.common import BenchStack, bench_stack, distinct_page, get_json, post
from cli.system import free_port

NGINX_CONF = """
worker_processes {workers};
pid {root}/nginx.pid;
error_log {root}/error.log;
daemon off;
events {{ worker_connections 4096; }}
http {{
  access_log off;
  sendfile on;
  tcp_nopush on;
  types {{ application/atom+xml atom; }}
  server {{ listen 127.0.0.1:{port}; root {root}/html; }}
}}
"""


def wrk(url: str, seconds: int, etag: str | None, workdir: Path) -> float:
    args = ["wrk", "-t2", "-c32", f"-d{seconds}s", "--latency", url]
    if etag:
        script = workdir / "inm.lua"
        script.write_text(f"wrk.headers[\"If-None-Match\"] = '{etag}'\n")
        args[1:1] = ["-s", str(script)]
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    if "Non-2xx" in out and not etag:
        raise RuntimeError(f"errors from {url}:\n{out}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]


def head(url: str, etag: str | None = None) -> tuple[int, object]:
    req = urllib.request.Request(url, headers={"If-None-Match": etag} if etag else {})  # noqa: S310
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:  # noqa: S310
            resp.read()
            return resp.status, resp.headers
    except urllib.error.HTTPError as err:
        return err.code, err.headers


def render_times(db_url: str, base_url: str, runs: int = 30) -> dict[str, float]:
    """Median time to render the 50-entry feed, per format, without the entry cache."""
    from services.feed.publish import build_current
    from services.feed.render import prepare as prep
    from shared.db import make_engine, make_session_factory
    from shared.feed_names import FeedSpec
    from shared.settings import Settings

    settings = Settings(database_url=db_url, public_url=base_url)
    sessions = make_session_factory(make_engine(db_url))
    spec = FeedSpec.articles()
    timings: dict[str, list[float]] = {"all three formats": []}
    for _ in range(runs):
        prep.clear_prepared()
        with sessions() as session:
            t0 = time.perf_counter()
            build_current(session, settings, spec)
            timings["all three formats"].append(time.perf_counter() - t0)
    return {k: statistics.median(v) for k, v in timings.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if not shutil.which("wrk") or not shutil.which("nginx"):
        print("wrk and nginx are needed (`make bench` installs them as root)")
        return 1
    with bench_stack("silkfeed-bench-feeds-", world_readable=True) as stack:
        med, renders, body = measure(stack, args.seconds, args.rounds)
    return report(med, renders, body, args)


def measure(stack: BenchStack, seconds: int, rounds: int) -> tuple[dict, dict, bytes]:
    work, feed, nginx_port = stack.work, stack.feed, free_port()
    nginx = None
    try:
        for i in range(9):  # 54 articles: the subscription feed holds 50
            post(stack.ingest, distinct_page(i, "Feed")[0])
        deadline = time.monotonic() + 120
        while len(get_json(f"{feed}/feeds/articles.json")["items"]) < 50:
            if time.monotonic() > deadline:
                raise TimeoutError("the feed never reached 50 entries")
            time.sleep(0.2)
        time.sleep(2)  # let the last render settle and every web process load it
        with urllib.request.urlopen(f"{feed}/feeds/articles.atom") as resp:  # noqa: S310
            body = resp.read()
        (work / "ngx" / "html" / "feeds").mkdir(parents=True)
        (work / "ngx" / "html" / "feeds" / "articles.atom").write_bytes(body)
        (work / "ngx" / "nginx.conf").write_text(
            NGINX_CONF.format(workers=2, root=work / "ngx", port=nginx_port)
        )
        nginx = subprocess.Popen(
            ["nginx", "-c", str(work / "ngx" / "nginx.conf"), "-p", str(work / "ngx")]
        )
        time.sleep(0.5)
        ours_url = f"{feed}/feeds/articles.atom"
        theirs_url = f"http://127.0.0.1:{nginx_port}/feeds/articles.atom"
        ours_etag = head(ours_url)[1].get("ETag")  # type: ignore[attr-defined]
        theirs_etag = head(theirs_url)[1].get("ETag")  # type: ignore[attr-defined]
        checks = (head(ours_url, ours_etag)[0], head(theirs_url, theirs_etag)[0])
        if checks != (304, 304):
            raise RuntimeError(
                f"conditional GET not answered with 304: {checks} ({ours_etag}, {theirs_etag})"
            )

        full = {"silkfeed": [], "nginx": []}
        cond = {"silkfeed": [], "nginx": []}
        for _ in range(rounds):  # interleaved, so drift hits both alike
            full["silkfeed"].append(wrk(ours_url, seconds, None, work))
            full["nginx"].append(wrk(theirs_url, seconds, None, work))
            cond["silkfeed"].append(wrk(ours_url, seconds, ours_etag, work))
            cond["nginx"].append(wrk(theirs_url, seconds, theirs_etag, work))
        med = {
            k: {n: statistics.median(v) for n, v in d.items()}
            for k, d in (("full", full), ("304", cond))
        }
        renders = render_times(f"sqlite:///{work / 'data' / 'silkfeed.db'}", feed)
    finally:
        if nginx is not None:
            nginx.terminate()
            nginx.wait(10)
    return med, renders, body


def report(med: dict, renders: dict, body: bytes, args: argparse.Namespace) -> int:
    full_ratio = med["full"]["silkfeed"] / med["full"]["nginx"]
    cond_ratio = med["304"]["silkfeed"] / med["304"]["nginx"]
    print(
        f"/feeds/articles.atom, 50 entries, {len(body)} bytes; wrk -t2 -c32, "
        f"{args.rounds}×{args.seconds}s each, medians"
    )
    print(f"{'':24}{'silkfeed':>12}{'nginx':>12}{'ratio':>8}{'target':>8}")
    print(
        f"{'200 full (req/s)':24}{med['full']['silkfeed']:>12.0f}{med['full']['nginx']:>12.0f}"
        f"{full_ratio:>8.2f}{'≥0.35':>8}"
    )
    print(
        f"{'304 (req/s)':24}{med['304']['silkfeed']:>12.0f}{med['304']['nginx']:>12.0f}"
        f"{cond_ratio:>8.2f}{'≥0.10':>8}"
    )
    for name, seconds in renders.items():
        print(f"render 50 entries, {name}: {seconds * 1000:.1f} ms (median, entry cache cleared)")
    print("served by: granian (Rust HTTP, WSGI) with silkfeed's in-memory fast path")
    ok = full_ratio >= 0.35 and cond_ratio >= 0.10
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
