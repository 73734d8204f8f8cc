"""Shared fixtures: a real HTTP server on 127.0.0.1, the fixture pages, and isolated database paths."""
from __future__ import annotations

import http.server
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
PAGES = FIXTURES / "pages"


@dataclass
class Route:
    """What the test server answers for one path."""

    body: bytes
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    delay: float = 0.0


@dataclass
class LocalServer:
    """A threaded HTTP server on 127.0.0.1 serving `routes`; records every requested path."""

    routes: dict[str, Route] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)
    port: int = 0

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def add_page(self, path: str, file: Path) -> str:
        self.routes[path] = Route(file.read_bytes())
        return self.url(path)


@pytest.fixture
def server() -> Iterator[LocalServer]:
    state = LocalServer()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server API)
            state.requests.append(self.path)
            route = state.routes.get(self.path.split("?")[0])
            if route is None:
                route = Route(b"<html><body><h1>Not found</h1></body></html>", status=404)
            if route.delay:
                time.sleep(route.delay)
            try:
                self.send_response(route.status)
                self.send_header("Content-Type", route.content_type)
                self.send_header("Content-Length", str(len(route.body)))
                self.end_headers()
                self.wfile.write(route.body)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def do_HEAD(self) -> None:  # noqa: N802
            route = state.routes.get(self.path.split("?")[0])
            self.send_response(route.status if route else 404)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    state.port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def db_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh database path; TRACKER_DB points at it so CLI runs in subprocesses use it too."""
    path = tmp_path / "tracker.duckdb"
    monkeypatch.setenv("TRACKER_DB", str(path))
    return path
