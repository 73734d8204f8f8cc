"""Fetching over real HTTP on 127.0.0.1: statuses, timeouts, deadlines, retries, redirects, content
types, charsets, SSRF refusal, feeds, sitemaps — against hostile servers too."""
from __future__ import annotations

import gzip
import time

import feedparser
import pytest

from pipeline.collect.fetch import Fetcher, FetchError
from pipeline.collect.inputs import InputError
from pipeline.config import Limits
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
    assert str(err.value) == f"{server.url('/missing')}: HTTP 404 Not Found"


def test_timeout_is_reported_and_not_retried(server):
    server.routes["/slow"] = Route(b"<html><body>late</body></html>", delay=3)
    started = time.monotonic()
    with pytest.raises(FetchError) as err:
        local().page(server.url("/slow"))
    assert str(err.value) == f"{server.url('/slow')}: no response: no data for 1 s (read timeout)"
    assert time.monotonic() - started < 2.5
    assert server.requests == ["/slow"]


def test_a_body_dripping_one_byte_at_a_time_is_cut_at_the_deadline(server):
    """Each byte comes well within the read timeout, so only a deadline on the whole download stops it."""
    server.routes["/drip"] = Route(b"<html><body>" + b"x" * 2000 + b"</body></html>", drip=0.05)
    started = time.monotonic()
    with pytest.raises(FetchError) as err:
        local(deadline=2).page(server.url("/drip"))
    assert str(err.value) == f"{server.url('/drip')}: HTTP 200: the download took longer than the 2 s limit"
    assert time.monotonic() - started < 4


@pytest.mark.parametrize("deadline, reason", [
    (0.5, "no response within the 0.5 s download limit"),  # cut inside the status line
    (1.5, "HTTP 200: the download took longer than the 1.5 s limit"),  # cut inside the headers
])
def test_dripping_headers_are_cut_at_the_deadline(server, deadline, reason):
    server.routes["/drip"] = Route(b"<html><body>late</body></html>", drip=0.05, drip_headers=True)
    started = time.monotonic()
    with pytest.raises(FetchError) as err:
        local(deadline=deadline).page(server.url("/drip"))
    assert str(err.value) == f"{server.url('/drip')}: {reason}"
    assert time.monotonic() - started < deadline + 1.5


def test_retry_after_within_the_cap_is_honoured_once(server):
    page = (PAGES / "border_talks.html").read_bytes()
    server.routes["/busy"] = Route(b"slow down", status=429, headers={"Retry-After": "1"}, then=Route(page))
    started = time.monotonic()
    fetched = local().page(server.url("/busy"))
    assert "Border commissions meet again" in fetched.text
    assert server.requests == ["/busy", "/busy"]
    assert time.monotonic() - started >= 1


@pytest.mark.parametrize("status, headers, reason", [
    (429, {"Retry-After": "120"}, "HTTP 429 Too Many Requests (Retry-After 120 s is above the 10 s cap; not retried)"),
    (503, {}, "HTTP 503 Service Unavailable (no Retry-After; not retried)"),
    (500, {"Retry-After": "1"}, "HTTP 500 Internal Server Error"),
    (502, {}, "HTTP 502 Bad Gateway"),
])
def test_other_errors_fail_at_once_with_their_status(server, status, headers, reason):
    """Nothing is retried beyond the policy: no 60 s of hidden backoff, and the status is in the message."""
    server.routes["/err"] = Route(b"error", status=status, headers=headers)
    started = time.monotonic()
    with pytest.raises(FetchError) as err:
        local().page(server.url("/err"))
    assert str(err.value) == f"{server.url('/err')}: {reason}"
    assert server.requests == ["/err"]
    assert time.monotonic() - started < 1


def test_a_retry_that_fails_again_says_so(server):
    server.routes["/busy"] = Route(b"", status=503, headers={"Retry-After": "0"},
                                   then=Route(b"still busy", status=503))
    with pytest.raises(FetchError) as err:
        local().page(server.url("/busy"))
    assert str(err.value) == (f"{server.url('/busy')}: HTTP 503 Service Unavailable "
                              "(after one retry 0 s later, as Retry-After asked)")
    assert server.requests == ["/busy", "/busy"]


def test_redirects_are_followed_and_bounded(server):
    server.add_page("/border", PAGES / "border_talks.html")
    server.routes["/old"] = Route(b"", status=301, headers={"Location": "/border"})
    fetched = local().page(server.url("/old"))
    assert fetched.final_url == server.url("/border") and "Border commissions" in fetched.text
    server.routes["/loop"] = Route(b"", status=302, headers={"Location": "/loop"})
    with pytest.raises(FetchError, match=r"HTTP 302: more than 5 redirects"):
        local().page(server.url("/loop"))


@pytest.mark.parametrize("target", ["http://169.254.169.254/latest/meta-data/", "http://[fe80::1]/",
                                    "http://100.100.100.200/latest/meta-data/"])
def test_metadata_addresses_are_refused_even_with_allow_private(server, target):
    with pytest.raises(FetchError, match="is a link-local or cloud metadata address, never fetched, not even with"):
        local().page(target)
    server.routes["/hop"] = Route(b"", status=302, headers={"Location": target})
    started = time.monotonic()
    with pytest.raises(FetchError) as err:
        local().page(server.url("/hop"))
    assert str(err.value).startswith(f"{server.url('/hop')}: redirected to {target}: refused: ")
    assert "link-local or cloud metadata" in str(err.value)
    assert time.monotonic() - started < 0.5  # refused before any connection attempt


def test_a_redirect_to_loopback_is_refused_without_allow_private(server):
    """The check runs on every hop, and on the address a connection actually reached."""
    server.add_page("/border", PAGES / "border_talks.html")
    fetcher = Fetcher(delay=0, timeout=1)
    with pytest.raises(FetchError, match="private or loopback address"):
        fetcher._request(server.url("/border"), server.url("/border"))  # no name check: the connection's own
    assert server.requests == []


RUSSIAN = ("Министр иностранных дел заявил в четверг, что переговоры о мирном договоре продолжатся на "
           "следующей неделе. По его словам, стороны согласовали большую часть текста, но разногласия по "
           "вопросам границы и транспортных коммуникаций сохраняются. Наблюдатели отмечают, что встреча "
           "прошла в конструктивной атмосфере.")


@pytest.mark.parametrize("meta", ["", '<meta charset="windows-1251">'])
def test_a_cp1251_body_under_a_utf8_header_is_decoded_with_a_warning(server, meta):
    html = f"<html><head>{meta}<title>Переговоры</title></head><body><p>{RUSSIAN}</p></body></html>"
    server.routes["/ru"] = Route(html.encode("cp1251"), content_type="text/html; charset=utf-8")
    fetched = local().page(server.url("/ru"))
    assert RUSSIAN in fetched.text
    assert fetched.warning and "not valid utf-8 as declared; decoded as cp1251" in fetched.warning


def test_a_gzip_bomb_is_refused_while_streaming(server):
    member = gzip.compress(b"\0" * 1_000_000)
    server.routes["/bomb"] = Route(member * 200, headers={"Content-Encoding": "gzip"})  # 200 MB from ~200 KB
    with pytest.raises(FetchError, match=r"HTTP 200, expands more than 100× when decompressed"):
        local().page(server.url("/bomb"))


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


def test_a_feed_is_parsed_once_and_capped(server, monkeypatch):
    items = "".join(f"<item><title>Item {i}</title><link>{{base}}/item/{i}</link></item>" for i in range(30))
    body = f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>'
    server.routes["/feed.xml"] = Route(body.replace("{base}", server.url("")).encode(),
                                       content_type="application/rss+xml")
    calls = []
    parse = feedparser.parse
    monkeypatch.setattr(feedparser, "parse", lambda *a, **k: calls.append(1) or parse(*a, **k))
    found = local(limits=Limits(feed_items=10)).feed(server.url("/feed.xml"))
    assert len(calls) == 1
    *items, note = found
    assert [i.url for i in items] == [server.url(f"/item/{i}") for i in range(10)]
    assert isinstance(note, InputError)
    assert str(note) == (f"{server.url('/feed.xml')}: feed lists 30 items; only the first 10 are taken "
                         "(the feed item limit)")


def test_a_sitemap_index_listing_itself_is_not_a_page(server):
    base = server.url("")
    server.routes["/sitemap_index.xml"] = Route(
        f'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<sitemap><loc>{base}/sitemap_index.xml</loc></sitemap><sitemap><loc>{base}/pages.xml</loc></sitemap>"
        f"<sitemap><loc>{base}/pages.xml.gz</loc></sitemap></sitemapindex>".encode(), content_type="application/xml")
    server.routes["/pages.xml"] = Route(SITEMAP.replace(b"{base}", base.encode()), content_type="application/xml")
    server.routes["/pages.xml.gz"] = Route(gzip.compress(
        SITEMAP.replace(b"{base}", base.encode()).replace(b"/convoy", b"/gz-page")), content_type="application/x-gzip")
    items = local().sitemap(server.url("/sitemap_index.xml"))
    assert sorted(i.url for i in items) == [server.url("/border"), server.url("/convoy"), server.url("/gz-page")]
    assert server.requests.count("/sitemap_index.xml") == 1


def test_sitemap_lists_pages(server):
    base = server.url("").encode()
    server.routes["/sitemap.xml"] = Route(SITEMAP.replace(b"{base}", base), content_type="application/xml")
    server.routes["/"] = Route(b"<html><body>home</body></html>")
    items = local().sitemap(server.url("/sitemap.xml"))
    assert sorted(i.url for i in items) == [server.url("/border"), server.url("/convoy")]
