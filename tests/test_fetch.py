"""Fetching over real HTTP on 127.0.0.1: statuses, timeouts, content types, SSRF refusal, feeds, sitemaps."""
from __future__ import annotations

import time

import pytest

from pipeline.collect.fetch import Fetcher, FetchError
from tests.conftest import PAGES, Route

FEED = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Press office</title><link>http://127.0.0.1/</link>
<item><title>Border talks resume</title><link>{base}/border</link><pubDate>Fri, 19 Apr 2024 09:30:00 GMT</pubDate></item>
<item><title>Convoy waits</title><link>{base}/convoy</link><pubDate>Tue, 07 Feb 2023 08:00:00 GMT</pubDate></item>
</channel></rss>"""

SITEMAP = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>{base}/border</loc></url><url><loc>{base}/convoy</loc></url>
</urlset>"""


def local(**kwargs) -> Fetcher:
    return Fetcher(allow_private=True, timeout=1, delay=0, **kwargs)


def test_fetches_a_page_by_url(server):
    url = server.add_page("/border", PAGES / "border_talks.html")
    fetched = local().page(url)
    assert "Border commissions meet again" in fetched.text
    assert fetched.content_type == "text/html"


def test_loopback_is_refused_unless_allowed(server):
    url = server.add_page("/border", PAGES / "border_talks.html")
    with pytest.raises(FetchError, match=r"private or loopback address \(use --allow-private\)"):
        Fetcher(delay=0).page(url)
    assert server.requests == []


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/x", "javascript:alert(1)"])
def test_other_schemes_are_refused(url):
    with pytest.raises(FetchError, match="only http"):
        local().page(url)


def test_http_error_status_is_one_line(server):
    with pytest.raises(FetchError) as err:
        local().page(server.url("/missing"))
    assert str(err.value) == f"{server.url('/missing')}: HTTP 404"


def test_timeout_is_reported(server):
    """trafilatura retries a read timeout twice (with backoff), then gives up with a clear reason."""
    server.routes["/slow"] = Route(b"<html><body>late</body></html>", delay=3)
    started = time.monotonic()
    with pytest.raises(FetchError, match="timed out after 1 s"):
        local().page(server.url("/slow"))
    assert time.monotonic() - started < 8
    assert server.requests == ["/slow"] * 3


def test_non_html_response_is_refused(server):
    server.routes["/report.pdf"] = Route(b"%PDF-1.4 binary", content_type="application/pdf")
    with pytest.raises(FetchError, match=r"not HTML \(content-type application/pdf\)"):
        local().page(server.url("/report.pdf"))


def test_size_limit(server):
    server.routes["/big"] = Route(b"<html><body>" + b"x" * 50_000 + b"</body></html>")
    with pytest.raises(FetchError, match="limit"):
        local(max_bytes=10_000).page(server.url("/big"))


def test_per_host_delay_spaces_requests(server):
    url = server.add_page("/border", PAGES / "border_talks.html")
    fetcher = Fetcher(allow_private=True, timeout=1, delay=0.4)
    started = time.monotonic()
    for _ in range(3):
        fetcher.page(url)
    assert time.monotonic() - started >= 0.8


def test_remote_feed_items_keep_their_dates(server):
    base = server.url("").encode()
    server.routes["/feed.xml"] = Route(FEED.replace(b"{base}", base), content_type="application/rss+xml")
    items = local().feed(server.url("/feed.xml"))
    assert [(i.url, str(i.published), i.date_source) for i in items] == [
        (server.url("/border"), "2024-04-19", "feed"),
        (server.url("/convoy"), "2023-02-07", "feed"),
    ]


def test_feed_is_found_from_a_home_page(server):
    base = server.url("").encode()
    server.routes["/feed.xml"] = Route(FEED.replace(b"{base}", base), content_type="application/rss+xml")
    server.routes["/"] = Route(b'<html><head><link rel="alternate" type="application/rss+xml" href="/feed.xml">'
                               b"</head><body><p>Home</p></body></html>")
    items = local().feed(server.url("/"))
    assert len(items) == 2


def test_sitemap_lists_pages(server):
    base = server.url("").encode()
    server.routes["/sitemap.xml"] = Route(SITEMAP.replace(b"{base}", base), content_type="application/xml")
    server.routes["/"] = Route(b"<html><body>home</body></html>")
    items = local().sitemap(server.url("/sitemap.xml"))
    assert sorted(i.url for i in items) == [server.url("/border"), server.url("/convoy")]
