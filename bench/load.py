"""A small, reusable HTTP load generator for secassist (standard library only, loopback only).

N concurrent clients (threads, one keep-alive connection each) request a list of URLs in turn for
a fixed duration (and at most `max_requests` in all), authenticated by an API token or by a
browser session (login form + CSRF). It reports requests per second, latency p50/p95/p99, errors
(by status and by exception) and, when given the server's process id, the server's resident memory
(the process and its children, e.g. gunicorn's master and workers) sampled every second.

As a module (e.g. from another benchmark):

    from bench.load import LoadConfig, TokenAuth, run_load
    report = run_load(LoadConfig(base_url="http://127.0.0.1:8000", paths=["/api/v1/health"],
                                 clients=8, duration=30, auth=TokenAuth("sa_..."), server_pid=1234))
    print(report.summary())

From the command line, against a running server:

    .venv/bin/python -m bench.load --base-url http://127.0.0.1:8000 --clients 8 --duration 30 \
        --token sa_... --url /api/v1/funds/appropriations --url /funds/ --server-pid 1234

or with a throw-away demo server of its own (temporary SQLite database, `secassist setup --demo`,
`secassist serve` on a free loopback port, logged in as the demo administrator):

    .venv/bin/python -m bench.load --serve --clients 4 --duration 30 --out bench/results/load.json
    .venv/bin/python -m bench.load --serve --clients 4 --rate 20 --warmup 30 --duration 600 --out bench/results/soak-10min.json

`--fail-on-errors` exits 1 if any request failed; `--max-rss-growth-pct P` exits 1 if the server's
memory in the last quarter of the run averages more than P % above the first quarter (the soak's
"flat memory" check). Targets must be loopback addresses: the generator refuses anything else.
"""

from __future__ import annotations

import argparse
import http.client
import ipaddress
import json
import math
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_PATHS = (
    "/api/v1/health",
    "/",
    "/funds/",
    "/api/v1/funds/appropriations",
    "/restrictions/waivers/",
    "/notifications/",
    "/api/v1/calendar",
)


# ---------------------------------------------------------------- requests and authentication


@dataclass(frozen=True)
class Request:
    path: str
    method: str = "GET"
    body: bytes | None = None
    content_type: str = "application/json"

    @classmethod
    def parse(cls, spec: str) -> Request:
        """`/path` or `METHOD /path` (a body can only be given through the Python API)."""
        parts = spec.split(None, 1)
        if len(parts) == 2 and parts[0].isalpha() and parts[0].isupper():
            return cls(path=parts[1], method=parts[0])
        return cls(path=spec)


@dataclass(frozen=True)
class TokenAuth:
    token: str

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@dataclass
class SessionAuth:
    """Logs in once through the login form; every client then sends the same session cookie
    (and the CSRF token, so unsafe methods work on session-authenticated API endpoints)."""

    username: str
    password: str
    login_path: str = "/login/"
    cookies: dict[str, str] = field(default_factory=dict)

    def login(self, base_url: str, timeout: float = 10.0) -> None:
        conn = _connection(base_url, timeout)
        try:
            conn.request("GET", self.login_path)
            resp = conn.getresponse()
            resp.read()
            self.cookies.update(_cookies(resp))
            csrf = self.cookies.get("csrftoken", "")
            form = urllib.parse.urlencode(
                {"username": self.username, "password": self.password, "csrfmiddlewaretoken": csrf}
            ).encode()
            conn.request(
                "POST",
                self.login_path,
                body=form,
                headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": self._cookie_header()},
            )
            resp = conn.getresponse()
            resp.read()
            self.cookies.update(_cookies(resp))
            if resp.status != 302 or "sessionid" not in self.cookies:
                raise RuntimeError(f"login as {self.username!r} failed (HTTP {resp.status})")
        finally:
            conn.close()

    def _cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def headers(self) -> dict[str, str]:
        return {"Cookie": self._cookie_header(), "X-CSRFToken": self.cookies.get("csrftoken", "")}


def _cookies(resp: http.client.HTTPResponse) -> dict[str, str]:
    found = {}
    for header in resp.headers.get_all("Set-Cookie") or []:
        name, _, rest = header.partition("=")
        found[name.strip()] = rest.split(";", 1)[0]
    return found


# ---------------------------------------------------------------- configuration and report


@dataclass
class LoadConfig:
    base_url: str
    paths: Sequence[str | Request] = DEFAULT_PATHS
    clients: int = 4
    duration: float = 30.0
    max_requests: int = 1_000_000
    auth: TokenAuth | SessionAuth | None = None
    server_pid: int | None = None
    timeout: float = 30.0
    sample_every: float = 1.0
    # Seconds of load sent before measuring (caches, lazy imports and connection pools fill
    # first, so that memory growth measures the steady state).
    warmup: float = 0.0
    # Total requests per second across all clients (None: as fast as the server answers). A soak
    # measures stability, not peak throughput, so it runs paced to leave the machine usable.
    rate: float | None = None

    def requests(self) -> list[Request]:
        return [p if isinstance(p, Request) else Request.parse(p) for p in self.paths]


@dataclass
class LoadReport:
    clients: int
    duration_s: float
    requests: int
    errors: int
    req_per_s: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    statuses: dict[str, int]
    error_samples: list[str]
    per_path: dict[str, dict[str, float]]
    rss_kb_samples: list[int]
    rss_kb_start: int | None
    rss_kb_end: int | None
    rss_kb_max: int | None
    rss_growth_pct: float | None

    def as_dict(self) -> dict:
        return asdict(self)

    def summary(self) -> str:
        lines = [
            f"{self.requests} requests in {self.duration_s:.1f} s from {self.clients} clients: "
            f"{self.req_per_s:.1f} req/s, {self.errors} errors",
            f"latency ms: p50 {self.p50_ms:.1f}  p95 {self.p95_ms:.1f}  p99 {self.p99_ms:.1f}  max {self.max_ms:.1f}",
            "statuses: " + ", ".join(f"{k}×{v}" for k, v in sorted(self.statuses.items())),
        ]
        if self.rss_kb_start is not None:
            lines.append(
                f"server RSS MiB: start {self.rss_kb_start / 1024:.1f}  end {(self.rss_kb_end or 0) / 1024:.1f}  "
                f"max {(self.rss_kb_max or 0) / 1024:.1f}  growth (last vs first quarter) {self.rss_growth_pct:+.1f} %"
            )
        lines += [f"  error: {e}" for e in self.error_samples[:5]]
        return "\n".join(lines)


def percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile (0 for no values)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(pct / 100 * len(ordered))))
    return ordered[rank - 1]


def rss_growth_pct(samples: Sequence[int]) -> float | None:
    """Mean of the last quarter of the samples against the first quarter, in percent."""
    if len(samples) < 4:
        return None
    quarter = len(samples) // 4
    first, last = statistics.fmean(samples[:quarter]), statistics.fmean(samples[-quarter:])
    return (last - first) / first * 100 if first else None


# ---------------------------------------------------------------- safety: loopback only


def require_loopback(base_url: str) -> None:
    parsed = urllib.parse.urlsplit(base_url)
    if parsed.scheme != "http" or not parsed.hostname:
        raise ValueError(f"base URL must be http://<loopback host>[:port], not {base_url!r}")
    addresses = {str(info[4][0]) for info in socket.getaddrinfo(parsed.hostname, parsed.port or 80)}
    for address in addresses:
        if not ipaddress.ip_address(address.split("%")[0]).is_loopback:
            raise ValueError(f"{parsed.hostname} resolves to {address}: load runs target loopback addresses only")


def _connection(base_url: str, timeout: float) -> http.client.HTTPConnection:
    parsed = urllib.parse.urlsplit(base_url)
    return http.client.HTTPConnection(parsed.hostname or "127.0.0.1", parsed.port or 80, timeout=timeout)


# ---------------------------------------------------------------- server memory


def process_tree_rss_kb(pid: int) -> int | None:
    """Resident memory of a process and all its descendants (Linux /proc), in KiB."""
    total, seen, todo = 0, set(), [pid]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        try:
            status = Path(f"/proc/{current}/status").read_text()
        except OSError:
            if current == pid:
                return None
            continue
        match = re.search(r"^VmRSS:\s+(\d+) kB", status, re.M)
        total += int(match.group(1)) if match else 0
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            try:
                todo += [int(c) for c in task.read_text().split()]
            except OSError:
                continue
    return total


# ---------------------------------------------------------------- the run


class _Shared:
    def __init__(self, max_requests: int) -> None:
        self.lock = threading.Lock()
        self.remaining = max_requests
        self.latencies: list[float] = []
        self.per_path: dict[str, list[float]] = {}
        self.statuses: Counter[str] = Counter()
        self.errors = 0
        self.error_samples: list[str] = []

    def take(self) -> bool:
        with self.lock:
            if self.remaining <= 0:
                return False
            self.remaining -= 1
            return True

    def add(self, path: str, elapsed: float, status: str, error: str | None) -> None:
        with self.lock:
            self.latencies.append(elapsed)
            self.per_path.setdefault(path, []).append(elapsed)
            self.statuses[status] += 1
            if error is not None:
                self.errors += 1
                if len(self.error_samples) < 20:
                    self.error_samples.append(error)


def _client(config: LoadConfig, shared: _Shared, deadline: float, offset: int, headers: dict[str, str]) -> None:
    requests = config.requests()
    conn = _connection(config.base_url, config.timeout)
    i = offset
    interval = config.clients / config.rate if config.rate else 0.0
    next_at = time.monotonic() + interval * offset / config.clients
    try:
        while time.monotonic() < deadline and shared.take():
            if interval:
                time.sleep(max(0.0, next_at - time.monotonic()))
                next_at += interval
            req = requests[i % len(requests)]
            i += 1
            sent = dict(headers)
            if req.body is not None:
                sent["Content-Type"] = req.content_type
            start = time.perf_counter()
            status, error = "exception", None
            try:
                conn.request(req.method, req.path, body=req.body, headers=sent)
                resp = conn.getresponse()
                resp.read()
                status = str(resp.status)
                if resp.status >= 400:
                    error = f"{req.method} {req.path}: HTTP {resp.status}"
                if resp.getheader("Connection", "").lower() == "close":
                    conn.close()
            except (OSError, http.client.HTTPException) as exc:
                error = f"{req.method} {req.path}: {type(exc).__name__}: {exc}"
                conn.close()
                conn = _connection(config.base_url, config.timeout)
            shared.add(req.path, (time.perf_counter() - start) * 1000, status, error)
    finally:
        conn.close()


def _sample_rss(pid: int, every: float, stop: threading.Event, samples: list[int]) -> None:
    while not stop.is_set():
        rss = process_tree_rss_kb(pid)
        if rss is not None:
            samples.append(rss)
        stop.wait(every)


def run_load(config: LoadConfig) -> LoadReport:
    require_loopback(config.base_url)
    if config.clients < 1 or config.duration <= 0:
        raise ValueError("clients must be ≥ 1 and duration > 0")
    if isinstance(config.auth, SessionAuth) and "sessionid" not in config.auth.cookies:
        config.auth.login(config.base_url, config.timeout)
    headers = {"Accept": "text/html,application/json", **(config.auth.headers() if config.auth else {})}
    if config.warmup > 0:
        _drive(config, _Shared(config.max_requests), config.warmup, headers)
    shared = _Shared(config.max_requests)
    samples: list[int] = []
    stop = threading.Event()
    sampler = None
    if config.server_pid:
        sampler = threading.Thread(target=_sample_rss, args=(config.server_pid, config.sample_every, stop, samples), daemon=True)
        sampler.start()
    elapsed = _drive(config, shared, config.duration, headers)
    stop.set()
    if sampler:
        sampler.join(5)
    return _report(config, shared, elapsed, samples)


def _drive(config: LoadConfig, shared: _Shared, duration: float, headers: dict[str, str]) -> float:
    started = time.monotonic()
    deadline = started + duration
    threads = [
        threading.Thread(target=_client, args=(config, shared, deadline, n, headers), daemon=True) for n in range(config.clients)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(duration + config.timeout + 5)
    return time.monotonic() - started


def _report(config: LoadConfig, shared: _Shared, elapsed: float, samples: list[int]) -> LoadReport:
    lat = shared.latencies
    return LoadReport(
        clients=config.clients,
        duration_s=round(elapsed, 2),
        requests=len(lat),
        errors=shared.errors,
        req_per_s=round(len(lat) / elapsed, 2) if elapsed else 0.0,
        p50_ms=round(percentile(lat, 50), 2),
        p95_ms=round(percentile(lat, 95), 2),
        p99_ms=round(percentile(lat, 99), 2),
        max_ms=round(max(lat, default=0.0), 2),
        statuses=dict(shared.statuses),
        error_samples=shared.error_samples,
        per_path={
            path: {"requests": len(v), "p50_ms": round(percentile(v, 50), 2), "p95_ms": round(percentile(v, 95), 2)}
            for path, v in sorted(shared.per_path.items())
        },
        rss_kb_samples=samples,
        rss_kb_start=samples[0] if samples else None,
        rss_kb_end=samples[-1] if samples else None,
        rss_kb_max=max(samples) if samples else None,
        rss_growth_pct=None if (g := rss_growth_pct(samples)) is None else round(g, 2),
    )


# ---------------------------------------------------------------- a throw-away demo server


class DemoServer:
    """`secassist setup --demo` into a temporary SQLite database, then `secassist serve` on a free
    loopback port. Use as a context manager; the server and its files are removed on exit."""

    def __init__(self, workers: int = 2, env: dict[str, str] | None = None) -> None:
        self.workers = workers
        self.extra_env = env or {}
        self.var_dir = Path(tempfile.mkdtemp(prefix="secassist-load-"))
        self.port = _free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None

    def _env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        env.update({"SECASSIST_VAR_DIR": str(self.var_dir), "SECASSIST_ENV": "development", **self.extra_env})
        return env

    def __enter__(self) -> DemoServer:
        secassist = str(Path(sys.executable).with_name("secassist"))
        subprocess.run([secassist, "setup", "--demo"], env=self._env(), check=True, stdout=subprocess.DEVNULL, cwd=REPO)
        self.log = open(self.var_dir / "server.log", "wb")  # closed in __exit__
        self.proc = subprocess.Popen(
            [secassist, "serve", "--port", str(self.port), "--workers", str(self.workers)],
            env=self._env(),
            stdout=self.log,
            stderr=subprocess.STDOUT,
            cwd=REPO,
        )
        self._wait_ready()
        return self

    def _wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(f"server exited early; see {self.var_dir / 'server.log'}")
            try:
                conn = _connection(self.base_url, 2)
                conn.request("GET", "/api/v1/health")
                if conn.getresponse().status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError("server did not become ready in time")

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc else None

    def __exit__(self, *exc: object) -> None:
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.log.close()
        shutil.rmtree(self.var_dir, ignore_errors=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# ---------------------------------------------------------------- command line


def _parse(argv: Iterable[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.split("\n\n")[0])
    p.add_argument("--base-url", default="http://127.0.0.1:8000")
    p.add_argument("--serve", action="store_true", help="start a throw-away demo server and log in as its admin")
    p.add_argument("--workers", type=int, default=2, help="server workers with --serve")
    p.add_argument("--url", action="append", dest="paths", help="path to request (repeatable; 'POST /path' allowed)")
    p.add_argument("--clients", type=int, default=4)
    p.add_argument("--duration", type=float, default=20.0, help="seconds")
    p.add_argument("--warmup", type=float, default=0.0, help="seconds of unmeasured load first")
    p.add_argument("--max-requests", type=int, default=1_000_000)
    p.add_argument("--rate", type=float, help="pace all clients together to this many requests per second")
    p.add_argument("--token", help="API token (Bearer)")
    p.add_argument("--login", help="USER:PASSWORD for a browser session")
    p.add_argument("--server-pid", type=int, help="sample this process tree's RSS")
    p.add_argument("--out", help="write the JSON report here")
    p.add_argument("--fail-on-errors", action="store_true")
    p.add_argument("--max-rss-growth-pct", type=float)
    return p.parse_args(list(argv) if argv is not None else None)


def _auth(args: argparse.Namespace) -> TokenAuth | SessionAuth | None:
    if args.token:
        return TokenAuth(args.token)
    if args.login:
        user, _, password = args.login.partition(":")
        return SessionAuth(user, password)
    return None


def _verdict(args: argparse.Namespace, report: LoadReport) -> int:
    failed = 0
    if args.fail_on_errors and report.errors:
        print(f"FAIL: {report.errors} errors", file=sys.stderr)
        failed = 1
    growth = report.rss_growth_pct
    if args.max_rss_growth_pct is not None and growth is not None and growth > args.max_rss_growth_pct:
        print(f"FAIL: server memory grew {growth:.1f} % (limit {args.max_rss_growth_pct} %)", file=sys.stderr)
        failed = 1
    return failed


def main(argv: Iterable[str] | None = None) -> int:
    args = _parse(argv)
    paths = args.paths or list(DEFAULT_PATHS)

    def go(base_url: str, auth: TokenAuth | SessionAuth | None, pid: int | None) -> LoadReport:
        config = LoadConfig(
            base_url=base_url,
            paths=paths,
            clients=args.clients,
            duration=args.duration,
            max_requests=args.max_requests,
            auth=auth,
            server_pid=pid,
            warmup=args.warmup,
            rate=args.rate,
        )
        return run_load(config)

    if args.serve:
        with DemoServer(workers=args.workers) as server:
            auth = _auth(args) or SessionAuth("admin", "demo-password-2026")
            report = go(server.base_url, auth, server.pid)
    else:
        report = go(args.base_url, _auth(args), args.server_pid)
    print(report.summary())
    if args.out:
        out = Path(args.out)
        out.parent.mkdir(parents=True, exist_ok=True)
        meta = {"paths": paths, "command": " ".join(sys.argv), "finished_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
        out.write_text(json.dumps({**meta, **report.as_dict()}, indent=2) + "\n")
    return _verdict(args, report)


if __name__ == "__main__":
    sys.exit(main())
