"""`watch` on real components: feeds and sitemaps served by a 127.0.0.1 HTTP server that answers
conditional requests, real trafilatura, a real DuckDB file, and real `python -m pipeline watch`
processes for signals and kill -9. Poll intervals are fractions of a minute in the sources file
(`poll_minutes: 0.001` is 60 ms), so no test waits for a real interval."""
from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from email.utils import format_datetime
from pathlib import Path

import duckdb
import feedparser
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from pipeline import alerts, config, store
from pipeline.collect.fetch import Fetcher, Validators
from pipeline.collect.sources import DEFAULT_POLL_MINUTES, SourcesError, load_sources
from pipeline.run.ingest import Options
from pipeline.run.watch import BACKOFF_CAP_MINUTES, Hooks, Watcher, WatchOptions
from tests.conftest import Route
from tests.e2e_helpers import StreamlitApp
from views import changes as changes_view

ROOT = Path(__file__).resolve().parent.parent
DAY = dt.date(2024, 5, 1)

ARTICLE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title} | Ararat Courier</title>
<meta property="og:title" content="{title}">
<meta property="article:published_time" content="{date}T09:00:00+00:00">
<link rel="canonical" href="{url}"></head>
<body><nav><a href="/">Home</a> <a href="/world">World</a></nav><main><article><h1>{title}</h1>
<p>Delegations of Armenia and Azerbaijan met for round {n} of the border talks on {date}, the foreign
ministry said in a statement after the session, which lasted {hours} hours.</p>
<p>"We discussed the Lachin corridor and the humanitarian situation in detail," an official said after
round {n}. "Both sides agreed to meet again before the end of the month and to exchange their maps."</p>
<p>{extra} Observers from the European Union followed the session, and diplomats said further meetings
could take place in Brussels or in Washington depending on the progress of the expert groups.</p>
</article></main><footer>All rights reserved.</footer></body></html>"""


def article(server, n: int, extra: str = "The talks were described as constructive.") -> str:
    """Serve a distinct article page for round `n` at /news/n and return its URL."""
    url = server.url(f"/news/{n}")
    date = (DAY + dt.timedelta(days=n)).isoformat()
    html = ARTICLE.format(title=f"Border talks, round {n}", date=date, url=url, n=n, hours=2 + n % 5, extra=extra)
    server.routes[f"/news/{n}"] = Route(html.encode())
    return url


def rss(server, rounds: list[int], updated: dict[int, str] | None = None) -> bytes:
    """An RSS feed listing /news/n for each round, newest first; `updated` revises an entry's text."""
    items = "".join(
        f"<item><title>Border talks, round {n}</title><link>{server.url(f'/news/{n}')}</link>"
        f"<guid>{server.url(f'/news/{n}')}</guid><description>{(updated or {}).get(n, f'Round {n}')}</description>"
        f"<pubDate>{format_datetime(dt.datetime.combine(DAY + dt.timedelta(days=n), dt.time(9), dt.timezone.utc))}"
        "</pubDate></item>" for n in sorted(rounds, reverse=True))
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Ararat Courier</title>'
            f"<link>{server.url('/')}</link>{items}</channel></rss>").encode()


def publish_feed(server, path: str, rounds: list[int], etag: str | None = None, last_modified: str | None = None,
                 updated: dict[int, str] | None = None) -> str:
    for n in rounds:
        if f"/news/{n}" not in server.routes:
            article(server, n)
    server.routes[path] = Route(rss(server, rounds, updated), content_type="application/rss+xml", etag=etag,
                                last_modified=last_modified)
    return server.url(path)


def sources_file(tmp_path: Path, feeds: list[str] = (), sitemaps: list[str] = (), minutes: float | None = 0.001,
                 name: str = "sources.yaml") -> Path:
    lines = ["sources:", "  - source: ararat_courier", "    hostname: 127.0.0.1",
             "    name: Ararat Courier", "    kind: independent media"]
    if feeds:
        lines += ["    feeds:", *(f"      - {u}" for u in feeds)]
    if sitemaps:
        lines += ["    sitemaps:", *(f"      - {u}" for u in sitemaps)]
    if minutes is not None:
        lines.append(f"    poll_minutes: {minutes}")
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n")
    return path


def watch_opts(db_path: Path, sources: Path, **kwargs) -> WatchOptions:
    ingest = Options(db=db_path, sources=sources, workers=1, allow_private=True, timeout=2, deadline=10, delay=0,
                     progress=False, wait=30)
    return WatchOptions(ingest, once=True, **kwargs)


def one_round(db_path: Path, sources: Path, pause: float = 0.08, **kwargs) -> None:
    """`watch --once` in this process, as the CLI runs it (alert feed included), after the feeds' 60 ms
    interval has passed."""
    time.sleep(pause)
    assert Watcher(watch_opts(db_path, sources, **kwargs), Hooks(publish=alerts.publish_for_watch)).run() == 0


def rows(db_path: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(db_path), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def page_requests(server, prefix: str = "/news/") -> list[str]:
    return [p for p in server.requests if p.startswith(prefix)]


def cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, "TRACKER_ALLOW_PRIVATE": "1"})


def start_watch(*args: str, **popen) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "pipeline", "watch", "--delay", "0", "--timeout", "5", *args],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "TRACKER_ALLOW_PRIVATE": "1"}, **popen)


def wait_for(condition, timeout: float = 60.0, every: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(every)
    raise AssertionError("condition not met in time")


def read_when_free(db_path: Path, sql: str) -> list[tuple] | None:
    """A reader like the dashboard: a short read-only connection, None while a writer holds the file
    (or before the first write created it)."""
    if not db_path.exists():
        return None
    try:
        with store.open_store(db_path, read_only=True, wait=0) as con:
            return con.execute(sql).fetchall()
    except store.StoreBusy:
        return None


# --- sources.yaml: feeds, sitemaps, poll_minutes ---------------------------------------------------------

def test_sources_declare_feeds_sitemaps_and_an_interval(tmp_path):
    path = sources_file(tmp_path, feeds=["https://a.example/rss.xml", "https://a.example/rss.xml"],
                        sitemaps=["https://a.example/sitemap.xml"], minutes=15)
    (src,) = load_sources(path)
    assert (src.feeds, src.sitemaps, src.poll_every) == (
        ("https://a.example/rss.xml",), ("https://a.example/sitemap.xml",), 15.0)
    (plain,) = load_sources(sources_file(tmp_path, minutes=None, name="plain.yaml"))
    assert (plain.feeds, plain.sitemaps, plain.poll_every) == ((), (), DEFAULT_POLL_MINUTES)


@pytest.mark.parametrize("entry, message", [
    ("feeds: https://a.example/rss.xml", "'feeds' must be a list of http(s) URLs (write `feeds: [https://…]`)"),
    ("feeds: [file:///etc/passwd]", "'feeds' entry 'file:///etc/passwd' is not an http(s) URL"),
    ("sitemaps: [{url: x}]", "'sitemaps' entry {'url': 'x'} is not an http(s) URL"),
    ("poll_minutes: 0", "poll_minutes must be a number of minutes above 0 and at most 10,080 (a week), not 0"),
    ("poll_minutes: -5", "not -5"),
    ("poll_minutes: soon", "not 'soon'"),
    ("poll_minutes: true", "not True"),
    ("poll_minutes: .nan", "not nan"),
])
def test_broken_watch_fields_are_one_line_naming_file_entry_and_fix(tmp_path, entry, message):
    path = tmp_path / "sources.yaml"
    path.write_text(f"sources:\n  - {{source: courier, {entry}}}\n")
    with pytest.raises(SourcesError) as caught:
        load_sources(path)
    assert str(caught.value).startswith(f"{path}: entry 'courier': ") and message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_a_feed_listed_twice_is_refused(tmp_path):
    path = tmp_path / "sources.yaml"
    path.write_text("sources:\n  - {source: a, feeds: [https://x.example/rss]}\n"
                    "  - {source: b, feeds: [https://x.example/rss]}\n")
    with pytest.raises(SourcesError, match=r"entry 'b': 'https://x.example/rss' is already polled for entry 'a'"):
        load_sources(path)


def test_watch_exits_2_on_a_broken_or_empty_sources_file_and_3_when_busy(db_path, tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("sources:\n  - {source: a, poll_minutes: 0}\n")
    done = cli("watch", "--once", "--sources", str(broken))
    assert done.returncode == 2 and done.stderr.count("\n") == 1, done.stderr
    assert done.stderr.startswith(f"error: {broken}: entry 'a': poll_minutes must be")
    empty = sources_file(tmp_path, name="empty.yaml")
    done = cli("watch", "--once", "--sources", str(empty))
    assert done.returncode == 2 and done.stderr.count("\n") == 1, done.stderr
    assert "no source lists feeds or sitemaps to watch; add `feeds:` or `sitemaps:`" in done.stderr
    assert not db_path.exists()
    sources = sources_file(tmp_path, feeds=["http://127.0.0.1:9/rss.xml"])
    with store.run_lock(db_path, command="ingest"):
        done = cli("watch", "--once", "--wait", "1", "--sources", str(sources))
    assert done.returncode == 3, done.stderr
    assert f"busy: ingest (pid {os.getpid()}" in done.stderr.splitlines()[-1]


# --- conditional requests ----------------------------------------------------------------------------

def test_the_fetcher_sends_validators_and_takes_304_as_unchanged(server):
    server.routes["/doc"] = Route(b"<rss version='2.0'><channel></channel></rss>", etag='"v1"',
                                  last_modified="Wed, 01 May 2024 09:00:00 GMT")
    fetcher = Fetcher(allow_private=True, delay=0)
    first = fetcher.get(server.url("/doc"))
    assert first.status == 200 and first.validators == Validators('"v1"', "Wed, 01 May 2024 09:00:00 GMT")
    again = fetcher.get(server.url("/doc"), first.validators)
    assert (again.status, again.body, again.validators) == (304, b"", first.validators)
    assert server.headers[-1][1]["if-none-match"] == '"v1"'
    assert server.headers[-1][1]["if-modified-since"] == "Wed, 01 May 2024 09:00:00 GMT"
    assert "if-none-match" not in server.headers[0][1]
    server.routes["/doc"].etag = '"v2"'
    changed = fetcher.get(server.url("/doc"), first.validators)
    assert changed.status == 200 and changed.validators.etag == '"v2"'


# --- polling a feed ----------------------------------------------------------------------------------

def test_a_feed_that_gains_items_is_fetched_once_per_item_and_answers_304_when_unchanged(server, db_path, tmp_path):
    feed = publish_feed(server, "/rss.xml", [1, 2], etag='"a"')
    sources = sources_file(tmp_path, feeds=[feed])

    one_round(db_path, sources, pause=0)
    assert rows(db_path, "SELECT count(*), count(DISTINCT url), min(date_source) FROM articles") == [(2, 2, "feed")]
    assert rows(db_path, "SELECT source, kind, last_status, last_error, items_seen, items_new, failures, "
                         "last_success = last_attempt FROM feeds") == [
        ("ararat_courier", "feed", 200, None, 2, 2, 0, True)]
    assert sorted(page_requests(server)) == ["/news/1", "/news/2"]

    one_round(db_path, sources)  # nothing new: the feed answers 304 and no page is fetched again
    feed_asks = [h for p, h in server.headers if p == "/rss.xml"]
    assert "if-none-match" not in feed_asks[0] and feed_asks[1]["if-none-match"] == '"a"'
    assert server.answers[-1] == ("/rss.xml", 304)
    assert sorted(page_requests(server)) == ["/news/1", "/news/2"]
    assert rows(db_path, "SELECT last_status, items_seen, items_new, last_error FROM feeds") == [(304, 2, 0, None)]
    assert rows(db_path, "SELECT count(*) FROM runs") == [(1,)]  # an unchanged poll starts no run

    publish_feed(server, "/rss.xml", [1, 2, 3], etag='"b"')
    one_round(db_path, sources)
    assert sorted(page_requests(server)) == ["/news/1", "/news/2", "/news/3"]
    assert rows(db_path, "SELECT count(*) FROM articles") == [(3,)]
    assert rows(db_path, "SELECT last_status, items_seen, items_new FROM feeds") == [(200, 3, 1)]
    assert rows(db_path, "SELECT state, count(*) FROM feed_items GROUP BY ALL") == [("stored", 3)]
    assert rows(db_path, "SELECT count(*), count(finished) FROM runs") == [(2, 2)]
    assert rows(db_path, "SELECT count(*) FROM meta WHERE key = 'upkeep_pending'") == [(0,)]


def test_last_modified_alone_makes_the_poll_conditional(server, db_path, tmp_path):
    feed = publish_feed(server, "/lm.xml", [4], last_modified="Wed, 01 May 2024 09:00:00 GMT")
    sources = sources_file(tmp_path, feeds=[feed])
    one_round(db_path, sources, pause=0)
    one_round(db_path, sources)
    asks = [h for p, h in server.headers if p == "/lm.xml"]
    assert asks[1]["if-modified-since"] == "Wed, 01 May 2024 09:00:00 GMT" and "if-none-match" not in asks[1]
    assert rows(db_path, "SELECT last_status FROM feeds") == [(304,)]
    assert page_requests(server) == ["/news/4"]


def test_a_changed_article_is_fetched_again_and_replaced_not_duplicated(server, db_path, tmp_path):
    feed = publish_feed(server, "/rss.xml", [5, 6], etag='"1"')
    sources = sources_file(tmp_path, feeds=[feed])
    one_round(db_path, sources, pause=0)
    (before,) = rows(db_path, "SELECT article_id, content_hash FROM articles WHERE url LIKE '%/news/5'")

    article(server, 5, extra="A correction: the session was moved to Tbilisi at the last minute.")
    publish_feed(server, "/rss.xml", [5, 6], etag='"2"', updated={5: "Round 5 (corrected)"})
    one_round(db_path, sources)
    assert page_requests(server).count("/news/5") == 2 and page_requests(server).count("/news/6") == 1
    assert rows(db_path, "SELECT count(*), count(duplicate_of) FROM articles") == [(2, 0)]
    (after,) = rows(db_path, "SELECT article_id, content_hash, text LIKE '%moved to Tbilisi%' FROM articles "
                             "WHERE url LIKE '%/news/5'")
    assert after[0] == before[0] and after[1] != before[1] and after[2]
    assert rows(db_path, "SELECT count(DISTINCT article_id) FROM sentences") == [(2,)]
    assert rows(db_path, "SELECT items_seen, items_new FROM feeds") == [(2, 1)]


# --- sitemaps ----------------------------------------------------------------------------------------

def sitemap(entries: list[tuple[str, str | None]], index: bool = False) -> bytes:
    tag, inner = ("sitemapindex", "sitemap") if index else ("urlset", "url")
    body = "".join(f"<{inner}><loc>{u}</loc>{f'<lastmod>{m}</lastmod>' if m else ''}</{inner}>" for u, m in entries)
    return (f'<?xml version="1.0" encoding="UTF-8"?><{tag} xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"{body}</{tag}>").encode()


def test_a_sitemap_index_polls_its_nested_sitemaps_conditionally(server, db_path, tmp_path):
    for n in (7, 8, 9):
        article(server, n)
    server.routes["/sitemap.xml"] = Route(sitemap([(server.url("/sm-a.xml"), None), (server.url("/sm-b.xml"), None)],
                                                  index=True), content_type="application/xml", etag='"i1"')
    server.routes["/sm-a.xml"] = Route(sitemap([(server.url("/news/7"), "2024-05-08")]),
                                       content_type="application/xml", etag='"a1"')
    server.routes["/sm-b.xml"] = Route(sitemap([(server.url("/news/8"), "2024-05-09")]),
                                       content_type="application/xml", etag='"b1"')
    sources = sources_file(tmp_path, sitemaps=[server.url("/sitemap.xml")])
    one_round(db_path, sources, pause=0)
    assert rows(db_path, "SELECT count(*) FROM articles") == [(2,)]
    assert rows(db_path, "SELECT doc_url, parent_url, etag FROM feed_documents ORDER BY doc_url") == [
        (server.url("/sitemap.xml"), None, '"i1"'), (server.url("/sm-a.xml"), server.url("/sitemap.xml"), '"a1"'),
        (server.url("/sm-b.xml"), server.url("/sitemap.xml"), '"b1"')]

    # The index is unchanged (304), one nested sitemap gains a page and revises another's <lastmod>.
    article(server, 8, extra="Updated: the ministry published the joint statement in full.")
    server.routes["/sm-b.xml"] = Route(sitemap([(server.url("/news/8"), "2024-05-10"), (server.url("/news/9"), None)]),
                                       content_type="application/xml", etag='"b2"')
    one_round(db_path, sources)
    assert ("/sitemap.xml", 304) in server.answers and ("/sm-a.xml", 304) in server.answers and server.answers.count(("/sm-b.xml", 200)) == 2
    assert sorted(page_requests(server)) == ["/news/7", "/news/8", "/news/8", "/news/9"]
    assert rows(db_path, "SELECT count(*), count(duplicate_of), max(text LIKE '%joint statement in full%') "
                         "FROM articles") == [(3, 0, True)]
    assert rows(db_path, "SELECT kind, last_status, items_seen, items_new FROM feeds") == [("sitemap", 304, 3, 2)]


# --- the fetch rules: SSRF and the per-host delay -----------------------------------------------------

def test_watch_keeps_the_ssrf_rules_and_the_per_host_delay(server, db_path, tmp_path):
    feed = publish_feed(server, "/rss.xml", [80, 81, 82], etag='"d"')
    sources = sources_file(tmp_path, feeds=[feed], minutes=60)
    refused = watch_opts(db_path, sources)
    refused.ingest.allow_private = False
    assert Watcher(refused).run() == 0
    assert server.requests == []  # a loopback feed is refused before any request
    (status, error, failures), = rows(db_path, "SELECT last_status, last_error, failures FROM feeds")
    assert (status, failures) == (None, 1) and "refused" in error and "127.0.0.1" in error

    with store.open_store(db_path) as con:  # due again now
        con.execute("UPDATE feeds SET next_poll = NULL")
    spaced = watch_opts(db_path, sources)
    spaced.ingest.delay = 0.3
    assert Watcher(spaced).run() == 0
    assert server.requests[0] == "/rss.xml" and sorted(page_requests(server)) == ["/news/80", "/news/81", "/news/82"]
    gaps = [b - a for a, b in zip(server.times, server.times[1:])]
    assert len(gaps) == 3 and min(gaps) >= 0.25, gaps  # the feed and its pages share one host's turns (0.3 s, less jitter)


# --- failures and backoff -------------------------------------------------------------------------------

def test_a_failing_feed_backs_off_exponentially_and_a_success_resets_it(server, db_path, tmp_path):
    server.routes["/down.xml"] = Route(b"oops", status=500)
    sources = sources_file(tmp_path, feeds=[server.url("/down.xml")])
    gaps = []
    for _ in range(3):
        one_round(db_path, sources, pause=0)
        (status, error, failures, gap, success), = rows(
            db_path, "SELECT last_status, last_error, failures, epoch_ms(next_poll) - epoch_ms(last_attempt), "
                     "last_success FROM feeds")
        assert (status, success) == (500, None) and error == f"{server.url('/down.xml')}: HTTP 500 Internal Server Error"
        gaps.append((failures, gap))
        time.sleep(gap / 1000 + 0.02)
    assert gaps == [(1, 120), (2, 240), (3, 480)]  # 60 ms × 2, × 4, × 8
    assert rows(db_path, "SELECT count(*) FROM runs") == [(0,)]

    publish_feed(server, "/down.xml", [10])
    one_round(db_path, sources, pause=0)
    assert rows(db_path, "SELECT last_status, last_error, failures, epoch_ms(next_poll) - epoch_ms(last_attempt), "
                         "last_success = last_attempt FROM feeds") == [(200, None, 0, 60, True)]
    assert rows(db_path, "SELECT count(*) FROM articles") == [(1,)]


def test_backoff_is_capped_and_honours_a_long_retry_after(server, db_path, tmp_path):
    server.routes["/busy.xml"] = Route(b"later", status=503, headers={"Retry-After": "86400"})
    server.routes["/gone.xml"] = Route(b"gone", status=404)
    sources = sources_file(tmp_path, feeds=[server.url("/busy.xml"), server.url("/gone.xml")], minutes=30)
    with store.open_store(db_path) as con:  # the gone feed has failed 10 times in a row already
        con.execute("INSERT INTO feeds (feed_url, failures) VALUES (?, 10)", [server.url("/gone.xml")])
    one_round(db_path, sources, pause=0)
    got = dict(rows(db_path, "SELECT feed_url, (epoch_ms(next_poll) - epoch_ms(last_attempt)) / 60000 FROM feeds"))
    assert got[server.url("/gone.xml")] == BACKOFF_CAP_MINUTES  # not 30 × 2^11 minutes
    assert got[server.url("/busy.xml")] == 24 * 60  # what Retry-After asked for, above 30 × 2
    assert rows(db_path, "SELECT last_status, last_error LIKE '%Retry-After 86400 s is above the 10 s cap%' "
                         "FROM feeds WHERE feed_url LIKE '%busy%'") == [(503, True)]


def test_a_page_that_fails_is_retried_at_the_next_poll_then_given_up(server, db_path, tmp_path):
    feed = publish_feed(server, "/rss.xml", [11, 12], etag='"x"')
    server.routes["/news/12"] = Route(b"<h1>error</h1>", status=502)
    sources = sources_file(tmp_path, feeds=[feed])
    for _ in range(4):
        one_round(db_path, sources)
    assert page_requests(server).count("/news/12") == 3 and page_requests(server).count("/news/11") == 1
    assert rows(db_path, "SELECT state, attempts, last_error LIKE '%HTTP 502%' FROM feed_items "
                         "WHERE item_url LIKE '%/12'") == [("failed", 3, True)]
    assert rows(db_path, "SELECT count(*) FROM failures WHERE input LIKE '%/news/12'") == [(3,)]


def test_a_big_listing_is_fetched_in_batches_newest_first(server, db_path, tmp_path):
    feed = publish_feed(server, "/rss.xml", list(range(20, 25)), etag='"big"')
    sources = sources_file(tmp_path, feeds=[feed], minutes=60)
    watcher = Watcher(watch_opts(db_path, sources, batch=2))
    first = watcher.cycle()
    assert (first.found, first.summary.ok, first.queued) == (5, 2, 3)
    assert sorted(page_requests(server)) == ["/news/23", "/news/24"]  # the newest two of the five
    assert watcher.run() == 0  # --once goes on until the queue is empty, without polling again
    assert rows(db_path, "SELECT count(*) FROM articles") == [(5,)]
    assert [p for p in server.requests if p == "/rss.xml"] == ["/rss.xml"]


# --- the alert feed -----------------------------------------------------------------------------------

def test_the_alert_feed_is_valid_atom_with_stable_entries(server, db_path, tmp_path):
    feed = publish_feed(server, "/rss.xml", [13, 14], etag='"1"')
    sources = sources_file(tmp_path, feeds=[feed])
    one_round(db_path, sources, pause=0, dashboard_url="https://tracker.example.org")
    path = db_path.with_name("alerts.atom")
    parsed = feedparser.parse(path.read_bytes())
    assert parsed.bozo == 0 and parsed.version == "atom10"
    assert parsed.feed.title == "Diplomatic Statement Tracker — alerts"
    assert parsed.feed.id == alerts.feed_id_for(db_path)
    (entry,) = parsed.entries
    assert entry.title == "2 new or changed articles from Ararat Courier"
    assert entry.summary == "Border talks, round 14; Border talks, round 13"
    assert entry.link == "https://tracker.example.org/articles?page=articles&source=ararat_courier"
    (run_id, finished), = rows(db_path, "SELECT run_id, finished FROM runs")
    assert entry.id == alerts.entry_id(f"new_articles/{run_id}/ararat_courier") and entry.id.startswith("urn:uuid:")
    assert dt.datetime(*entry.updated_parsed[:6]) == finished.replace(microsecond=0)
    assert entry.tags[0].term == "new_articles"

    publish_feed(server, "/rss.xml", [13, 14, 15], etag='"2"')
    one_round(db_path, sources, dashboard_url="https://tracker.example.org")
    again = feedparser.parse(path.read_bytes())
    assert [e.title for e in again.entries] == ["1 new or changed article from Ararat Courier", entry.title]
    assert again.entries[0].link.startswith("https://tracker.example.org/articles?page=articles&article=")
    assert again.entries[1].id == entry.id and again.entries[1].updated == entry.updated
    assert sorted(p.name for p in path.parent.iterdir() if "alerts" in p.name) == ["alerts.atom"]


def test_the_alert_feed_carries_what_changed_with_links_to_the_views_behind(changes_db, tmp_path):
    """The store with known changes (tests/test_changes.py counts it): its 8 signals of 4–10 March
    become 8 valid Atom entries, newest first, each linking to its view and to what it is made of."""
    path = tmp_path / "alerts.atom"
    with store.open_store(changes_db, read_only=True) as con:
        assert alerts.publish(con, path, alerts.feed_id_for(changes_db), "https://tracker.example") == 8
    parsed = feedparser.parse(path.read_bytes())
    assert parsed.bozo == 0 and parsed.version == "atom10"
    kinds = [e.tags[0].term for e in parsed.entries]
    assert sorted(kinds) == ["first_entity"] + ["first_speaker"] * 4 + ["surge"] * 2 + ["type_shift"]
    updated = [e.updated_parsed[:6] for e in parsed.entries]
    assert updated == sorted(updated, reverse=True)
    surge = next(e for e in parsed.entries if e.id == alerts.entry_id("surge/armenia/2024-03-06"))
    assert surge.title.startswith("Surge: Armenia — 9 articles on Wed 2024-03-06 (expected 2, p = 0.00025)")
    assert surge.summary.startswith("9 articles mentioning Armenia on 2024-03-06 against 2.02 expected")
    assert {link.rel: link.href for link in surge.links} == {
        "alternate": "https://tracker.example/?page=trends&actor=armenia&from=2024-02-07&to=2024-03-06&gran=day",
        "related": "https://tracker.example/articles?page=articles&actor=armenia&from=2024-03-06&to=2024-03-06"}
    assert dt.datetime(*surge.updated_parsed[:6]) == dt.datetime(2024, 3, 7, 6, 8)  # the last article's fetch
    shift = next(e for e in parsed.entries if e.tags[0].term == "type_shift")
    assert shift.id == alerts.entry_id("type_shift/azerbaijan/2024-03-04/2024-03-10")
    assert shift.title.startswith("Shift in Azerbaijan's statement types: more condemn; fewer appeal")
    formula = next(e for e in parsed.entries if "=SUM(1,2)" in e.title)  # a named speaker, as text
    assert formula.tags[0].term == "first_speaker"


def test_signal_text_is_escaped_and_the_file_replaced_atomically(tmp_path):
    signal_ = alerts.Signal("new_articles", "k1", 'Talks "resume" <b>& stall</b>\x0b', "a < b & c\x00",
                            "http://127.0.0.1:8501/articles?page=articles&source=a&lang=en",
                            dt.datetime(2024, 5, 1, 12, 0))
    path = tmp_path / "alerts.atom"
    alerts.write_atom(path, alerts.atom([], "urn:uuid:feed", "http://127.0.0.1:8501"))
    with path.open("rb") as old:
        alerts.write_atom(path, alerts.atom([signal_], "urn:uuid:feed", "http://127.0.0.1:8501"))
        assert feedparser.parse(old.read()).entries == []  # a reader of the old file reads it whole
    (entry,) = feedparser.parse(path.read_bytes()).entries
    assert (entry.title, entry.summary, entry.link) == (signal_.title[:-1], signal_.summary[:-1], signal_.link)
    assert b"<b>" not in path.read_bytes()


# --- processes: kill -9, SIGTERM, a reader at the same time ---------------------------------------------

def test_kill_9_mid_batch_then_restart_loses_nothing_and_doubles_nothing(server, db_path, tmp_path):
    feed = publish_feed(server, "/rss.xml", [31, 32, 33, 34], etag='"k"')
    server.routes["/news/32"].delay = 60  # the batch (newest first: 34, 33, 32, 31) commits a page, then waits
    sources = sources_file(tmp_path, feeds=[feed], minutes=60)
    proc = start_watch("--once", "--sources", str(sources), "--timeout", "120", "--deadline", "120")
    try:
        wait_for(lambda: (read_when_free(db_path, "SELECT count(*) FROM articles") or [(0,)])[0][0] >= 1,
                 timeout=240)  # a cold start (imports, the taxonomy compiled) on a loaded machine
        proc.kill()
        proc.wait(timeout=10)
    finally:
        proc.kill()
    assert rows(db_path, "SELECT count(*), count(finished) FROM runs") == [(1, 0)]
    assert rows(db_path, "SELECT count(*) FROM meta WHERE key = 'upkeep_pending'") == [(1,)]
    assert rows(db_path, "SELECT count(*) FROM articles WHERE url LIKE '%/news/32'") == [(0,)]
    assert 1 <= rows(db_path, "SELECT count(*) FROM articles")[0][0] < 4
    killed = rows(db_path, "SELECT run_id FROM runs")[0][0]

    server.routes["/news/32"].delay = 0
    done = cli("watch", "--once", "--delay", "0", "--sources", str(sources))
    assert done.returncode == 0, done.stderr
    assert "taking over the lock left by watch" in done.stderr
    assert rows(db_path, "SELECT count(*), count(DISTINCT url), count(duplicate_of) FROM articles") == [(4, 4, 0)]
    assert rows(db_path, "SELECT run_id, finished IS NULL FROM runs ORDER BY started") == [
        (killed, True), (rows(db_path, "SELECT max(run_id) FROM runs")[0][0], False)]
    assert rows(db_path, "SELECT count(*) FROM meta WHERE key = 'upkeep_pending'") == [(0,)]
    assert rows(db_path, "SELECT count(*) FROM fts_main_articles.docs") == [(4,)]
    assert rows(db_path, "SELECT state, count(*) FROM feed_items GROUP BY ALL") == [("stored", 4)]


@pytest.mark.parametrize("group", [False, True], ids=["sigterm-main-process", "ctrl-c-process-group"])
def test_sigterm_or_ctrl_c_stops_after_the_batch_in_hand(server, db_path, tmp_path, group):
    feed = publish_feed(server, "/rss.xml", [41, 42, 43], etag='"t"')
    server.routes["/news/41"].delay = 3
    sources = sources_file(tmp_path, feeds=[feed], minutes=60)
    proc = start_watch("--sources", str(sources), "--workers", "2" if group else "1", start_new_session=True)
    try:
        wait_for(lambda: "/news/41" in server.requests)  # the batch is in hand
        if group:  # Ctrl-C in a terminal: SIGINT to the whole process group, pool workers included
            os.killpg(proc.pid, signal.SIGINT)
        else:
            os.kill(proc.pid, signal.SIGTERM)
        out, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 0, err
    name = "SIGINT" if group else "SIGTERM"
    assert f"{name}: stopping after the batch in hand" in err and out.rstrip().endswith("stopped")
    assert "Traceback" not in err
    assert rows(db_path, "SELECT count(*) FROM articles") == [(3,)]
    assert rows(db_path, "SELECT count(*), count(finished), max(ok) FROM runs") == [(1, 1, 3)]
    assert store.lock_holder(db_path) is None


def test_watch_and_a_reader_at_once(server, db_path, tmp_path):
    """A long-running watch over a feed that gains an item every 0.3 s while a reader polls the store
    with short read-only connections, as the dashboard does: every read sees whole batches."""
    feed = publish_feed(server, "/rss.xml", [50], etag='"0"')
    sources = sources_file(tmp_path, feeds=[feed], minutes=0.002)
    proc = start_watch("--sources", str(sources))
    stop = threading.Event()

    def publisher() -> None:
        wait_for(lambda: (read_when_free(db_path, "SELECT count(*) FROM articles") or [(0,)])[0][0] >= 1)
        for n in range(51, 58):
            time.sleep(0.3)
            publish_feed(server, "/rss.xml", list(range(50, n + 1)), etag=f'"{n}"')
        stop.set()

    thread = threading.Thread(target=publisher)
    thread.start()
    seen, busy = [], 0
    try:
        while not (stop.is_set() and seen and seen[-1][0] == 8):
            got = read_when_free(db_path, "SELECT count(*), count(*) FILTER (WHERE article_id NOT IN "
                                          "(SELECT article_id FROM sentences)) FROM articles")
            if got is None:
                busy += 1
            else:
                seen.append(got[0])
            time.sleep(0.02)
            assert proc.poll() is None, proc.stderr.read()
            assert len(seen) + busy < 20_000
    finally:
        thread.join()
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    counts = [n for n, _ in seen]
    assert counts == sorted(counts) and counts[-1] == 8  # never a count that goes back
    assert all(partial == 0 for _, partial in seen)  # never an article without its sentences
    assert len(seen) > 20
    runs, finished = rows(db_path, "SELECT count(*), count(finished) FROM runs")[0]
    assert runs >= 2 and finished == runs  # the items published while watch ran came in later runs
    assert "waiting" not in err


# --- the dashboard: feed health, the alert feed, and reading while watch writes ----------------------------

def dashboard(**params) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def table_with(at: AppTest, column: str) -> pd.DataFrame | None:
    return next((d.value for d in at.dataframe if column in d.value), None)


def test_the_sources_page_shows_each_feeds_health(server, db_path, tmp_path):
    feed = publish_feed(server, "/rss.xml", [60, 61], etag='"h"')
    server.routes["/down.xml"] = Route(b"oops", status=503)
    sources = sources_file(tmp_path, feeds=[feed, server.url("/down.xml")], minutes=30)
    one_round(db_path, sources, pause=0)
    at = dashboard(page="sources")
    assert not at.exception, [e.value for e in at.exception]
    health = table_with(at, "feed_url")
    assert health[["feed_url", "name", "kind", "health", "failures", "last_status", "items_seen", "items_new",
                   "queued", "poll_minutes"]].values.tolist() == [
        [server.url("/down.xml"), "Ararat Courier", "feed", "failing", 1, 503, 0, 0, 0, 30.0],
        [feed, "Ararat Courier", "feed", "ok", 0, 200, 2, 2, 0, 30.0]]
    failing = health.iloc[0]
    assert failing["last_success"] == "" and "HTTP 503 Service Unavailable" in failing["last_error"]  # blank, not "None"
    assert failing["next_poll"] - failing["last_attempt"] == pd.Timedelta(minutes=60)  # 30 min × 2
    assert any("2 feeds and sitemaps, 1 failing; 0 items queued" in c.value for c in at.caption)


def test_the_changes_page_offers_the_alert_feed_to_download_and_subscribe(server, db_path, tmp_path, monkeypatch):
    static = tmp_path / "static"
    monkeypatch.setenv("TRACKER_ALERTS", str(static / "alerts.atom"))
    feed = publish_feed(server, "/rss.xml", [62], etag='"c"')
    one_round(db_path, sources_file(tmp_path, feeds=[feed]), pause=0)  # writes the feed where TRACKER_ALERTS says
    (static / "alerts.atom").rename(tmp_path / "aside.atom")
    at = dashboard(page="changes")
    assert any("No alert feed yet: `python -m pipeline watch` writes" in c.value for c in at.caption)
    (tmp_path / "aside.atom").rename(static / "alerts.atom")
    monkeypatch.setattr(changes_view, "STATIC_DIR", static)
    at = dashboard(page="changes")
    assert not at.exception, [e.value for e in at.exception]
    (button,) = [b for b in at.get("download_button") if "alert feed" in b.label]
    assert button.label == "⬇ Download the alert feed (Atom)"
    assert any(c.value.startswith("1 entries, written ") for c in at.caption)
    assert [c.value for c in at.code] == ["/app/static/alerts.atom"]
    monkeypatch.setattr(changes_view, "STATIC_DIR", tmp_path / "elsewhere")  # not under static serving
    at = dashboard(page="changes")
    assert not at.code and any("TRACKER_ALERTS=static/alerts.atom" in c.value for c in at.caption)


def test_watch_and_the_dashboard_at_once(server, db_path, tmp_path):
    """A long-running watch over a feed that gains an item every second while the dashboard's Sources
    page is drawn again and again (AppTest, the app's own cached reads with their busy fallback): no
    page fails, the article count never goes back, and the page ends on what watch stored."""
    feed = publish_feed(server, "/rss.xml", [70], etag='"0"')
    sources = sources_file(tmp_path, feeds=[feed], minutes=0.005)
    proc = start_watch("--sources", str(sources))
    stop = threading.Event()

    def publisher() -> None:
        wait_for(lambda: (read_when_free(db_path, "SELECT count(*) FROM articles") or [(0,)])[0][0] >= 1)
        for n in range(71, 75):
            time.sleep(1.0)
            publish_feed(server, "/rss.xml", list(range(70, n + 1)), etag=f'"{n}"')
        stop.set()

    thread = threading.Thread(target=publisher)
    thread.start()
    counts, drawn = [], 0
    try:
        while not (stop.is_set() and counts and counts[-1] == 5):
            at = dashboard(page="sources")
            drawn += 1
            assert not at.exception, [e.value for e in at.exception]
            coverage = table_with(at, "articles")
            if coverage is not None:  # None: the store was busy and this new session had no last results
                counts.append(int(coverage["articles"].sum()))
            assert proc.poll() is None, proc.stderr.read()
            assert drawn < 300
    finally:
        thread.join()
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert counts == sorted(counts) and counts[-1] == 5 and len(set(counts)) >= 2
    health = table_with(at, "feed_url")
    assert health[["health", "items_seen"]].values.tolist() == [["ok", 5]] or health["health"].tolist() == [
        "unchanged"]


def test_streamlit_serves_the_alert_feed_for_feed_readers(server, db_path, tmp_path):
    """The subscription path of README "Alerts": watch writes the feed into the dashboard's static
    folder, and the real Streamlit server serves it at /app/static/… as Atom, the same bytes."""
    name = f"test-alerts-{os.getpid()}-{time.monotonic_ns()}.atom"
    target = ROOT / "static" / name
    feed = publish_feed(server, "/rss.xml", [90], etag='"s"')
    sources = sources_file(tmp_path, feeds=[feed])
    app = StreamlitApp(db_path, tmp_path / "streamlit.log")
    try:
        done = subprocess.run([sys.executable, "-m", "pipeline", "watch", "--once", "--delay", "0", "--sources",
                               str(sources), "--alerts", str(target)], cwd=ROOT, capture_output=True, text=True,
                              timeout=180, env={**os.environ, "TRACKER_ALERTS": "", "TRACKER_ALLOW_PRIVATE": "1"})
        assert done.returncode == 0, done.stderr
        app.start(timeout=60)
        with urllib.request.urlopen(f"{app.url}app/static/{name}", timeout=10) as resp:
            content_type, body = resp.headers.get_content_type(), resp.read()
        written = target.read_bytes()
    finally:
        app.stop()
        target.unlink(missing_ok=True)
    assert content_type == "application/atom+xml" and body == written
    parsed = feedparser.parse(body)
    assert parsed.bozo == 0 and [e.title for e in parsed.entries] == ["1 new or changed article from Ararat Courier"]



@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="reads the process's environment in /proc")
def test_watch_restarts_itself_with_two_malloc_arenas(server, db_path, tmp_path):
    """glibc reads MALLOC_ARENA_MAX only at start: `python -m pipeline watch` execs itself with it (same
    pid) unless the operator set it."""
    feed = publish_feed(server, "/rss.xml", [51], etag='"a"')
    sources = sources_file(tmp_path, feeds=[feed], minutes=60)
    env = {k: v for k, v in os.environ.items() if k != "MALLOC_ARENA_MAX"}
    proc = subprocess.Popen([sys.executable, "-m", "pipeline", "watch", "--delay", "0", "--sources", str(sources)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**env, "TRACKER_ALLOW_PRIVATE": "1"})
    try:
        wait_for(lambda: "/rss.xml" in server.requests)
        environ = Path(f"/proc/{proc.pid}/environ").read_bytes().split(b"\0")
        assert b"MALLOC_ARENA_MAX=2" in environ
    finally:
        proc.terminate()
        proc.communicate(timeout=120)
    assert config.arena_capped_env(["watch"], {"MALLOC_ARENA_MAX": "4"}) is None
    assert config.arena_capped_env(["ingest", "x.html"], {}) is None
