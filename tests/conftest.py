"""Shared fixtures: a real HTTP server on 127.0.0.1 (hostile options too), the fixture pages, isolated
database paths, and small tmpfs mounts for full-disk and read-only cases."""
from __future__ import annotations

import http
import http.server
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
PAGES = FIXTURES / "pages"


@dataclass
class Route:
    """What the test server answers for one path; the hostile options drip the body (or the headers
    too) byte by byte, add headers (Location, Retry-After, Content-Encoding…), or answer differently
    from the second request on (`then`)."""

    body: bytes
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    delay: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)
    drip: float = 0.0
    drip_headers: bool = False
    then: Route | None = None
    etag: str | None = None  # sent with the answer; a request whose If-None-Match has it gets a 304
    last_modified: str | None = None  # likewise, with If-Modified-Since (compared as the same string)

    def not_modified(self, headers: dict[str, str]) -> bool:
        """True when the request's validators match this route's (conditional request → 304)."""
        if self.etag and "if-none-match" in headers:
            return self.etag in [t.strip() for t in headers["if-none-match"].split(",")]
        return bool(self.last_modified) and headers.get("if-modified-since") == self.last_modified


@dataclass
class LocalServer:
    """A threaded HTTP server on 127.0.0.1 serving `routes`; records every requested path."""

    routes: dict[str, Route] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)
    port: int = 0
    headers: list[tuple[str, dict[str, str]]] = field(default_factory=list)  # (path, lower-cased request headers)
    answers: list[tuple[str, int]] = field(default_factory=list)  # (path, status) of every answer

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
            path = self.path.split("?")[0]
            seen = sum(1 for p in state.requests if p.split("?")[0] == path)
            state.requests.append(self.path)
            route = state.routes.get(path)
            if route is None:
                route = Route(b"<html><body><h1>Not found</h1></body></html>", status=404)
            while seen and route.then is not None:
                route, seen = route.then, seen - 1
            asked = {k.lower(): v for k, v in self.headers.items()}
            state.headers.append((path, asked))
            if route.delay:
                time.sleep(route.delay)
            validators = [f"{k}: {v}" for k, v in (("ETag", route.etag), ("Last-Modified", route.last_modified)) if v]
            status, body = (304, b"") if route.status == 200 and route.not_modified(asked) else (route.status, route.body)
            state.answers.append((path, status))
            head = [f"HTTP/1.1 {status} {http.HTTPStatus(status).phrase}",
                    *([f"Content-Type: {route.content_type}", f"Content-Length: {len(body)}"] if status != 304 else []),
                    *validators, *(f"{k}: {v}" for k, v in route.headers.items()), "", ""]
            try:
                self._write("\r\n".join(head).encode("latin-1"), route.drip if route.drip_headers else 0)
                self._write(body, route.drip)
            except (BrokenPipeError, ConnectionResetError):
                pass
            self.close_connection = True

        def _write(self, data: bytes, drip: float) -> None:
            if not drip:
                self.wfile.write(data)
                return
            for i in range(len(data)):
                self.wfile.write(data[i:i + 1])
                self.wfile.flush()
                time.sleep(drip)

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


@dataclass
class WarcRecord:
    """One record for `write_warc`: an HTTP response unless `kind` says otherwise."""

    uri: str
    body: bytes = b""
    status: str = "200 OK"
    content_type: str | None = "text/html; charset=utf-8"
    kind: str = "response"  # response, request, revisit, warcinfo, metadata, resource
    date: str | None = None  # WARC-Date, e.g. "2023-02-01T10:00:00Z"
    headers: tuple[tuple[str, str], ...] = ()  # further HTTP headers


def write_warc(path: Path, records: list[WarcRecord], compress: bool = True) -> Path:
    """A WARC file written by warcio (an independent writer: the pipeline reads with fastwarc), one gzip
    member per record when `compress`."""
    import io

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=compress)
        for rec in records:
            warc_headers = {"WARC-Date": rec.date} if rec.date else None
            if rec.kind == "warcinfo":
                record = writer.create_warcinfo_record(path.name, {"software": "tests"})
            elif rec.kind == "request":
                http = StatusAndHeaders(f"GET {rec.uri} HTTP/1.1", [("Host", "archive.example")], is_http_request=True)
                record = writer.create_warc_record(rec.uri, "request", payload=io.BytesIO(b""), http_headers=http,
                                                   warc_headers_dict=warc_headers)
            elif rec.kind == "revisit":
                http = StatusAndHeaders(rec.status, [("Content-Type", rec.content_type or "")], protocol="HTTP/1.1")
                record = writer.create_revisit_record(rec.uri, "sha1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", rec.uri,
                                                      "2023-01-01T00:00:00Z", http_headers=http)
            elif rec.kind in ("metadata", "resource"):
                record = writer.create_warc_record(rec.uri, rec.kind, payload=io.BytesIO(rec.body),
                                                   warc_content_type=rec.content_type or "text/plain",
                                                   warc_headers_dict=warc_headers)
            else:
                fields = ([("Content-Type", rec.content_type)] if rec.content_type else []) + list(rec.headers)
                http = StatusAndHeaders(rec.status, fields, protocol="HTTP/1.1")
                record = writer.create_warc_record(rec.uri, "response", payload=io.BytesIO(rec.body),
                                                   http_headers=http, warc_headers_dict=warc_headers)
            writer.write_record(record)
    return path
@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Callable[..., Path]]:
    """Mount small tmpfs file systems (`size=`, `nr_inodes=`, read-only by `remount_ro`) for full-disk
    and read-only-folder cases; the test is skipped, with the reason, where the machine forbids mounts."""
    mounted: list[Path] = []

    def mount(name: str = "fs", **options: object) -> Path:
        target = tmp_path / name
        target.mkdir()
        opts = ",".join(f"{k}={v}" for k, v in {"mode": "0777", **options}.items())
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", opts, "tmpfs", str(target)],
                              capture_output=True, text=True)
        if done.returncode != 0:
            reason = done.stderr.strip() or "mount failed"
            pytest.skip(f"cannot mount a tmpfs here ({reason}); needs root or CAP_SYS_ADMIN")
        mounted.append(target)
        return target

    yield mount
    for target in reversed(mounted):
        subprocess.run(["umount", "-l", str(target)], capture_output=True)


def remount_ro(target: Path) -> None:
    """Make a tmpfs from the `tmpfs` fixture read-only."""
    subprocess.run(["mount", "-o", "remount,ro", str(target)], check=True, capture_output=True)
