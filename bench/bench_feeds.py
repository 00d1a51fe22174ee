"""Serving feeds: silkfeed's feed service against nginx serving the identical bytes.

With the stack started as `make up` starts it (`silkfeed stack up`) and 50
entries in /feeds/articles.atom, wrk measures full responses and 304s against
silkfeed and against nginx (Debian) serving the same bytes as a static file,
side by side in the same run. Targets: full responses ≥ 35 % of nginx's
requests per second, 304s ≥ 10 % of nginx's 304 rate. Also reports the time to
render a 50-entry feed in all three formats, in full and after one of its
entries changed (target ≤ 5 ms; `--render-only` measures just that, on a
seeded SQLite database, without the stack, wrk or nginx).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

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


RENDER_TARGET_MS = 5.0  # a 50-entry feed after one of its entries changed, all three formats


def render_times(db_url: str, base_url: str, runs: int = 30) -> dict[str, float]:
    """Median times to render the 50-entry articles feed in all three formats:
    in full (every kept entry and fragment forgotten, as before fragments
    existed) and after one of its articles changed (an edit as the ingest
    worker makes it, then the render as the feed worker does it)."""
    from services.feed.publish import build_current
    from shared.db import make_engine, make_session_factory
    from shared.feed_names import FeedSpec
    from shared.settings import Settings

    settings = Settings(database_url=db_url, public_url=base_url)
    engine = make_engine(db_url)
    sessions = make_session_factory(engine)
    spec = FeedSpec.articles()
    full, changed = [], []
    with sessions() as session:
        build_current(session, settings, spec)  # warm imports and connections
    for _ in range(runs):
        forget_render_caches()
        with sessions() as session:
            t0 = time.perf_counter()
            build_current(session, settings, spec)
            full.append(time.perf_counter() - t0)
    for run in range(runs):
        with sessions() as session:
            edit_newest_article(session, run)
        with sessions() as session:
            t0 = time.perf_counter()
            documents, _ = build_current(session, settings, spec)
            changed.append(time.perf_counter() - t0)
        if f"(edited {run})".encode() not in documents["atom"]:
            raise RuntimeError("the edit is not in the rendered feed")
    engine.dispose()
    return {
        "full": statistics.median(full),
        "changed": statistics.median(changed),
        "changed_best": min(changed),
    }


def forget_render_caches() -> None:
    from services.feed.entries import clear_entries
    from services.feed.render import clear_fragments
    from services.feed.render import prepare as prep

    prep.clear_prepared()
    clear_fragments()
    clear_entries()


def edit_newest_article(session: Session, run: int) -> None:
    """Change the newest article's title as the ingest worker stores an edit."""
    from shared.db import utcnow
    from shared.models import Article

    article = session.scalars(select(Article).order_by(Article.id.desc()).limit(1)).one()
    title = article.title.split(" (edited ")[0] + f" (edited {run})"
    article.title = title
    article.content_sha256 = hashlib.sha256(title.encode()).hexdigest()
    article.updated_at = utcnow()
    session.commit()


def seed(db_url: str, pages: int = 9) -> None:
    """A database of ``pages`` distinct sample pages (six articles each), as the worker stores them."""
    from services.ingest.accept import accept
    from services.ingest.processing import process_submission
    from shared.db import make_engine, make_session_factory
    from shared.migrate import upgrade

    upgrade(db_url)
    engine = make_engine(db_url)
    with make_session_factory(engine)() as session:
        for i in range(pages):
            body = distinct_page(i, "Feed")[0]
            sub = accept(session, body, "text/plain", "bench", None).submission
            process_submission(session, sub.id)
    engine.dispose()


def report_renders(renders: dict[str, float]) -> bool:
    full, changed = renders["full"] * 1000, renders["changed"] * 1000
    print(f"render 50 entries, all three formats: {full:.1f} ms (median, in full: nothing kept)")
    print(
        f"render 50 entries after one changed, all three formats: {changed:.2f} ms "
        f"(median; best {renders['changed_best'] * 1000:.2f} ms; {full / changed:.0f}x faster "
        f"than in full; target ≤ {RENDER_TARGET_MS:g} ms)"
    )
    return changed <= RENDER_TARGET_MS


def render_only(runs: int) -> int:
    with tempfile.TemporaryDirectory(prefix="silkfeed-bench-render-") as work:
        db_url = f"sqlite:///{work}/silkfeed.db"
        seed(db_url)
        ok = report_renders(render_times(db_url, "http://127.0.0.1:8000", runs))
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--runs", type=int, default=30, help="renders timed per figure")
    parser.add_argument(
        "--render-only", action="store_true", help="only the render times, on a seeded SQLite"
    )
    args = parser.parse_args()
    if args.render_only:
        return render_only(args.runs)
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
    rendered_ok = report_renders(renders)
    print("served by: granian (Rust HTTP, WSGI) with silkfeed's in-memory fast path")
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    ok = full_ratio >= 0.35 and cond_ratio >= 0.10 and rendered_ok
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
