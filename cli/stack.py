"""Running the whole stack on one machine: ``silkfeed stack run|up|down``.

``run`` supervises the Procfile's processes in the foreground, each output
line prefixed by its process, and restarts one that exits (``restarts``);
``up`` starts ``run`` detached and returns once every service is healthy;
``down`` stops exactly the stack ``up`` started in the same data directory
(its supervisor's pid is in ``DATA_DIR/run``).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import IO

from cli.procfile import read_procfile
from cli.restarts import kill_leftovers, watch
from cli.run_files import ingest_token, private_redis_file, run_dir
from cli.system import MissingTool, redis_answers, start_private_redis
from shared.migrate import ROOT
from shared.migrate import upgrade as migrate_upgrade
from shared.settings import Settings

WORKERS = ("ingest-worker", "rates-worker", "feed-worker", "websub-worker")
DEMO_PAGE = ROOT / "cli" / "demo-page.txt"
COLORS = ("36", "32", "33", "35", "34", "31")


class Supervisor:
    def __init__(self, settings: Settings, out: IO[str]) -> None:
        self.settings = settings
        self.out = out
        self.color = out.isatty()
        self.children: dict[str, subprocess.Popen[bytes]] = {}
        # How to start each process again: its command, environment and colour.
        self.specs: dict[str, tuple[list[str], dict[str, str] | None, int]] = {}
        self.lock = threading.Lock()

    def say(self, name: str, line: str, index: int = 5) -> None:
        prefix = f"{name:<13}|"
        if self.color:
            prefix = f"\x1b[{COLORS[index % len(COLORS)]}m{prefix}\x1b[0m"
        with self.lock:
            self.out.write(f"{prefix} {line}\n")
            self.out.flush()

    def _pump(self, name: str, index: int, stream: IO[bytes]) -> None:
        for raw in iter(stream.readline, b""):
            self.say(name, raw.decode("utf-8", "replace").rstrip("\n"), index)

    def start(self, name: str, argv: list[str], env: dict[str, str] | None, index: int) -> None:
        self.specs[name] = (argv, env, index)
        proc = subprocess.Popen(
            argv,
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            # Own process group: Ctrl-C reaches only the supervisor, which then
            # stops each group (a Celery worker and its pool children) in order.
            start_new_session=True,
        )
        self.children[name] = proc
        self._record()
        assert proc.stdout is not None
        threading.Thread(target=self._pump, args=(name, index, proc.stdout), daemon=True).start()

    def _record(self) -> None:
        # `down` uses this to clean up even if the supervisor itself was killed.
        lines = [f"{name} {proc.pid}" for name, proc in self.children.items()]
        # Replaced whole, never truncated in place: a reader never sees half a list.
        path = run_dir(self.settings) / "children.pids"
        tmp = path.with_suffix(".tmp")
        tmp.write_text("\n".join(lines) + "\n")
        tmp.replace(path)

    def adopt(self, name: str, proc: subprocess.Popen[bytes], index: int) -> None:
        # A private Redis restarts with the same command: same port, same data.
        self.specs[name] = ([str(a) for a in proc.args], None, index)  # type: ignore[union-attr]
        self.children[name] = proc
        self._record()
        if proc.stdout is not None:
            threading.Thread(
                target=self._pump, args=(name, index, proc.stdout), daemon=True
            ).start()

    def stop_all(self, grace: float = 30.0) -> None:
        """SIGTERM every service (warm shutdown), then the private Redis they ack to."""
        services = [n for n in self.children if n != "redis"]
        self._stop_group(services, grace)
        if "redis" in self.children:
            self._stop_group(["redis"], 10.0)

    def _stop_group(self, names: list[str], grace: float) -> None:
        # SIGTERM to each main process only: a Celery worker then lets its pool
        # finish the running tasks, granian drains its requests.
        # Signalling the whole group would kill pool children mid-task.
        for name in names:
            proc = self.children[name]
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + grace
        for name in names:
            proc = self.children[name]
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.say("stack", f"{name} did not stop in time; killing it")
            # Whatever is left in the group (pool children, stragglers) goes too.
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()

    def restart(self, name: str) -> None:
        """Start ``name`` again, after killing what is left of its old process group."""
        kill_leftovers(self.children[name].pid)
        (run_dir(self.settings) / f"{name}.ready").unlink(missing_ok=True)
        argv, env, index = self.specs[name]
        self.start(name, argv, env, index)

    def names(self) -> list[str]:
        return list(self.children)

    def exits(self) -> list[tuple[str, int]]:
        return [(n, code) for n, p in self.children.items() if (code := p.poll()) is not None]

    def first_exit(self) -> tuple[str, int] | None:
        for name, proc in self.children.items():
            code = proc.poll()
            if code is not None:
                return name, code
        return None


def child_env(settings: Settings, redis_url: str, token: str) -> dict[str, str]:
    env = dict(os.environ)
    bin_dir = str(Path(sys.executable).parent)
    env["PATH"] = bin_dir + os.pathsep + env.get("PATH", "")
    env.update(
        {
            "SILKFEED_DATA_DIR": str(settings.data_dir.resolve()),
            "SILKFEED_DATABASE_URL": settings.db_url,
            "SILKFEED_REDIS_URL": redis_url,
            "SILKFEED_INGEST_TOKENS": ",".join(
                [t.get_secret_value() for t in settings.ingest_tokens] or [token]
            ),
            "SILKFEED_FEED_PORT": str(settings.feed_port),
            "SILKFEED_INGEST_PORT": str(settings.ingest_port),
            "SILKFEED_PUBLIC_URL": settings.base_url,
            "SILKFEED_RUN_DIR": str(run_dir(settings)),  # workers signal readiness here
            "PYTHONUNBUFFERED": "1",
        }
    )
    if sys.stdout.isatty() and "SILKFEED_LOG_FORMAT" not in os.environ:
        env["SILKFEED_LOG_FORMAT"] = "text"
    return env


def wait_healthy(
    settings: Settings,
    sup: Supervisor | None,
    timeout: float = 60.0,
    alive: Callable[[], bool] | None = None,
) -> None:
    """Wait until both HTTP services answer /healthz and every worker said it is ready."""
    urls = [
        f"http://{settings.bind_host}:{settings.ingest_port}/healthz",
        f"http://{settings.bind_host}:{settings.feed_port}/healthz",
    ]
    ready_files = [run_dir(settings) / f"{w}.ready" for w in WORKERS]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if sup is not None and (exited := sup.first_exit()):
            raise RuntimeError(f"{exited[0]} exited with status {exited[1]} during start-up")
        if alive is not None and not alive():
            raise RuntimeError("the stack's supervisor exited during start-up")
        if all(_http_ok(u) for u in urls) and all(f.exists() for f in ready_files):
            return
        time.sleep(0.2)
    raise RuntimeError(f"the stack was not healthy after {timeout:.0f}s")


def _http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as resp:  # noqa: S310 - loopback URL
            return bool(resp.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def post_page(
    settings: Settings,
    token: str,
    body: bytes,
    media_type: str = "text/plain",
    source: str = "demo",
) -> dict[str, object]:
    req = urllib.request.Request(
        f"http://{settings.bind_host}:{settings.ingest_port}/v1/submissions?source={source}",
        data=body,
        method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": media_type},
    )
    with urllib.request.urlopen(req, timeout=10) as resp:  # noqa: S310
        return dict(json.load(resp))


def describe_urls(settings: Settings, token: str | None) -> list[str]:
    """The stack's addresses; ``token`` None says where the token is instead
    (the output goes to a file: `make up`'s log)."""
    base = settings.base_url
    # Where clients reach the API: the public URL when one is set (behind a
    # proxy the bind address is no address a client can post to).
    ingest = settings.ingest_base_url
    where = (
        "the first of SILKFEED_INGEST_TOKENS"
        if settings.ingest_tokens
        else "in " + str(settings.data_dir.resolve() / "ingest-token")
    )
    shown = token if token is not None else f"({where})"
    header = f"Authorization: Bearer {token if token is not None else '$TOKEN'}"
    return [
        f"feeds:   {base}/  (index)",
        f"         {base}/feeds/articles.atom  {base}/feeds/articles.rss",
        f"         {base}/feeds/articles.json",
        f"rates:   {base}/api/v1/rates/latest  {base}/feeds/rates.atom",
        f"ingest:  {ingest}/v1/submissions",
        f"token:   {shown}",
        # Double quotes, so that a shell expands $TOKEN when the token is not shown.
        f'try:     curl -H "{header}" -H "Content-Type: text/plain" '
        f"--data-binary @page.txt {ingest}/v1/submissions",
    ]


def run(settings: Settings, *, demo: bool = True) -> int:
    """Start everything in the foreground until Ctrl-C or SIGTERM; returns an exit status."""
    sup = Supervisor(settings, sys.stdout)
    rd = run_dir(settings)
    for stale in rd.glob("*.ready"):
        stale.unlink()
    private_redis_file(settings).unlink(missing_ok=True)
    redis_url = settings.redis_url
    if not redis_answers(redis_url, sentinel_master=settings.redis_sentinel_master):
        try:
            proc, redis_url = start_private_redis(settings.data_dir.resolve())
        except MissingTool as exc:
            print(f"silkfeed: {exc}", file=sys.stderr)
            return 1
        sup.adopt("redis", proc, 5)
        sup.say(
            "stack",
            f"no Redis answered at {settings.redis_url}; started a private one at {redis_url}",
        )
        # For the operator's commands (`silkfeed stats`, `retry`, …) run from
        # another shell: they find the stack's Redis here (``command_settings``).
        private_redis_file(settings).write_text(redis_url + "\n")
    token = ingest_token(settings)
    env = child_env(settings, redis_url, token)

    def _stop(signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    status = 0
    try:
        sup.say("stack", f"migrating {settings.db_url}")
        migrate_upgrade(settings.db_url)
        for index, process in enumerate(read_procfile()):
            sup.start(process.name, list(process.argv), env, index)
        wait_healthy(settings, sup)
        if demo:
            answer = post_page(settings, token, DEMO_PAGE.read_bytes())
            sup.say("stack", f"posted the demo page as submission {answer['id']}")
        # On a terminal the token is shown; into a file (`make up`'s log) it is not.
        for line in describe_urls(settings, token if sys.stdout.isatty() else None):
            sup.say("stack", line)
        sup.say("stack", "ready; Ctrl-C stops everything")
        restarter = watch(sup, settings, redis_url)
        while True:
            restarter.tick()
            time.sleep(0.2)
    except KeyboardInterrupt:
        sup.say("stack", "stopping…")
    except Exception as exc:
        sup.say("stack", f"error: {exc}")
        status = 1
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        sup.stop_all()
        for ready in rd.glob("*.ready"):
            ready.unlink()
        private_redis_file(settings).unlink(missing_ok=True)
        sup.say("stack", "stopped")
    return status


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def up(settings: Settings, timeout: float = 90.0) -> int:
    rd = run_dir(settings)
    pidfile = rd / "stack.pid"
    if pidfile.exists() and _pid_alive(int(pidfile.read_text())):
        print(
            f"silkfeed: a stack is already running from {settings.data_dir} "
            f"(pid {pidfile.read_text().strip()}); `make down` first",
            file=sys.stderr,
        )
        return 1
    log_path = rd / "stack.log"
    # Only the owner reads the log: it holds what every process says.
    log = os.fdopen(os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600), "ab")
    os.chmod(log_path, 0o600)  # also when an older, wider file was there
    env = dict(os.environ)
    env["SILKFEED_DATA_DIR"] = str(settings.data_dir.resolve())
    proc = subprocess.Popen(
        [sys.executable, "-m", "cli.main", "stack", "run", "--no-demo"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    log.close()
    pidfile.write_text(str(proc.pid))
    try:
        wait_healthy(settings, None, timeout, alive=lambda: proc.poll() is None)
    except RuntimeError as exc:
        print(f"silkfeed: {exc}; see {log_path}", file=sys.stderr)
        tail = log_path.read_text(errors="replace").splitlines()[-30:]
        print("\n".join(tail), file=sys.stderr)
        down(settings)
        return 1
    print(f"silkfeed: stack is up (supervisor pid {proc.pid}, log {log_path})")
    # As `stack run` does: a terminal is shown the token, a file or pipe is told where it is.
    token = ingest_token(settings)
    for line in describe_urls(settings, token if sys.stdout.isatty() else None):
        print(line)
    return 0


def down(settings: Settings, timeout: float = 60.0) -> int:
    pidfile = run_dir(settings) / "stack.pid"
    if not pidfile.exists():
        print(f"silkfeed: no stack started from {settings.data_dir}")
        return 0
    pid = int(pidfile.read_text())
    if _pid_alive(pid):
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while _pid_alive(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, os.WNOHANG)
        if _pid_alive(pid):
            os.killpg(pid, signal.SIGKILL)
    children = run_dir(settings) / "children.pids"
    if children.exists():
        for line in children.read_text().split("\n"):
            if line.strip():
                _, child = line.split()
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(int(child), signal.SIGKILL)
        children.unlink()
    pidfile.unlink(missing_ok=True)
    print("silkfeed: stack stopped")
    return 0
