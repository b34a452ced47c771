"""The load generator (bench/load.py) measures what it claims, against a tiny loopback server."""

from __future__ import annotations

import http.server
import os
import threading
from collections.abc import Iterator

import pytest

from bench.load import (
    LoadConfig,
    Request,
    TokenAuth,
    main,
    percentile,
    process_tree_rss_kb,
    require_loopback,
    rss_growth_pct,
    run_load,
)


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    seen_auth: list[str] = []

    def do_GET(self) -> None:
        _Handler.seen_auth.append(self.headers.get("Authorization", ""))
        status = 500 if self.path == "/boom" else 200
        body = b"ok"
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def tiny_server() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_load_run_counts_requests_statuses_and_errors(tiny_server):
    report = run_load(
        LoadConfig(base_url=tiny_server, paths=["/a", "/boom"], clients=2, duration=5, max_requests=40, auth=TokenAuth("t"))
    )
    assert report.requests == 40
    assert report.statuses == {"200": 20, "500": 20}
    assert report.errors == 20
    assert report.error_samples[0] == "GET /boom: HTTP 500"
    assert set(report.per_path) == {"/a", "/boom"}
    assert 0 < report.p50_ms <= report.p95_ms <= report.p99_ms <= report.max_ms
    assert set(_Handler.seen_auth[-40:]) == {"Bearer t"}


def test_load_run_stops_at_its_duration(tiny_server):
    report = run_load(LoadConfig(base_url=tiny_server, paths=["/a"], clients=2, duration=0.5))
    assert report.errors == 0
    assert report.requests > 0
    assert report.duration_s < 3


def test_load_run_samples_the_server_memory(tiny_server):
    report = run_load(
        LoadConfig(base_url=tiny_server, paths=["/a"], clients=1, duration=1.2, server_pid=os.getpid(), sample_every=0.2)
    )
    assert report.rss_kb_start and report.rss_kb_start > 1000
    assert len(report.rss_kb_samples) >= 4


def test_command_line_writes_a_json_report_and_fails_on_errors(tiny_server, tmp_path):
    out = tmp_path / "r.json"
    args = ["--base-url", tiny_server, "--duration", "2", "--max-requests", "3", "--fail-on-errors"]
    code = main([*args, "--url", "/boom", "--out", str(out)])
    assert code == 1
    assert '"errors": 3' in out.read_text()
    assert main([*args, "--url", "/a"]) == 0


@pytest.mark.parametrize("url", ["http://10.1.2.3:8000", "http://192.168.0.1", "https://127.0.0.1", "ftp://127.0.0.1"])
def test_targets_other_than_loopback_are_refused(url):
    with pytest.raises(ValueError):
        require_loopback(url)


def test_loopback_targets_are_accepted():
    require_loopback("http://127.0.0.1:8000")
    require_loopback("http://localhost:8000")


def test_percentile_is_nearest_rank():
    values = list(range(1, 101))
    assert percentile(values, 50) == 50
    assert percentile(values, 95) == 95
    assert percentile(values, 99) == 99
    assert percentile([], 50) == 0.0
    assert percentile([7.0], 99) == 7.0


def test_memory_growth_compares_last_quarter_with_first():
    assert rss_growth_pct([100, 100, 100, 100, 110, 110, 110, 110]) == pytest.approx(10.0)
    assert rss_growth_pct([100, 100, 100]) is None


def test_request_specs_parse_method_and_path():
    assert Request.parse("/a") == Request(path="/a")
    assert Request.parse("POST /api/v1/x") == Request(path="/api/v1/x", method="POST")


def test_process_tree_memory_of_a_missing_process_is_none():
    assert process_tree_rss_kb(2**22 + 12345) is None


def test_a_paced_run_keeps_to_its_rate(tiny_server):
    report = run_load(LoadConfig(base_url=tiny_server, paths=["/a"], clients=2, duration=1.0, rate=10))
    assert 8 <= report.requests <= 12
