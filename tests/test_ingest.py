"""Ingest end to end on real components: a 127.0.0.1 HTTP server, trafilatura, a DuckDB file."""
from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import shutil

import duckdb
import pytest
import trafilatura

from pipeline.collect.sources import SourcesError
from pipeline.config import Limits
from pipeline.run.ingest import Options, ingest
from tests.conftest import PAGES, Route

FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Monitor feed</title><link>{base}/</link>
<item><title>Aid convoy waits</title><link>{base}/convoy</link><pubDate>Wed, 08 Feb 2023 06:00:00 GMT</pubDate></item>
</channel></rss>"""

SITEMAP = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>{base}/border</loc></url></urlset>"""


def options(db_path, tmp_path, **kwargs) -> Options:
    sources = tmp_path / "sources.yaml"
    sources.write_text(
        "sources:\n"
        "  - {source: caspian_ledger, hostname: caspian-ledger.example, name: Caspian Ledger, country: AZ,"
        " kind: independent media, owner: private}\n"
        "  - {source: sc_monitor, hostname: sc-monitor.example, name: South Caucasus Monitor, country: AM,"
        " kind: independent media}\n")
    defaults = dict(db=db_path, sources=sources, workers=1, allow_private=True, timeout=1, delay=0, progress=False)
    defaults.update(kwargs)
    return Options(**defaults)


def rows(db_path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(db_path), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def test_pages_feed_and_sitemap_by_url(server, db_path, tmp_path):
    base = server.url("")
    server.add_page("/border", PAGES / "border_talks.html")
    server.add_page("/convoy", PAGES / "corridor_report.html")
    server.routes["/feed.xml"] = Route(FEED.format(base=base).encode(), content_type="application/rss+xml")
    server.routes["/sitemap.xml"] = Route(SITEMAP.format(base=base).encode(), content_type="application/xml")

    summary = ingest([server.url("/feed.xml")], options(db_path, tmp_path, feed=True))
    assert (summary.ok, summary.failed) == (1, 0)
    summary = ingest([server.url("/sitemap.xml")], options(db_path, tmp_path, sitemap=True))
    assert (summary.ok, summary.failed) == (1, 0)

    got = rows(db_path, "SELECT canonical_url, source, hostname, published, date_source, language, title, author "
                        "FROM articles ORDER BY published")
    assert got == [
        ("https://sc-monitor.example/news/aid-convoy-waits", "sc_monitor", "sc-monitor.example",
         dt.date(2023, 2, 8), "feed", "en", "Aid convoy waits at the corridor checkpoint", "Tigran Avetisyan"),
        ("https://caspian-ledger.example/politics/border-commissions-meet-again", "caspian_ledger",
         "caspian-ledger.example", dt.date(2024, 4, 19), "meta", "en",
         "Border commissions meet again as delimitation work resumes", "Nadia Kerimli"),
    ]
    assert rows(db_path, "SELECT url FROM articles ORDER BY published")[0][0] == server.url("/convoy")
    text = rows(db_path, "SELECT text FROM articles WHERE source = 'caspian_ledger'")[0][0]
    assert "continue the work on the northern section" in text
    for boilerplate in ("Latest news", "Grain prices", "cookies", "14 Jan 2026", "All rights reserved"):
        assert boilerplate not in text
    assert rows(db_path, "SELECT count(*) FROM mentions m JOIN articles a USING (article_id) "
                         "WHERE a.source = 'sc_monitor' AND m.entity_id = 'lachin_corridor'")[0][0] >= 1
    assert rows(db_path, "SELECT kind, country FROM sources WHERE source = 'caspian_ledger'") == [
        ("independent media", "AZ")]


def test_reingest_is_idempotent(db_path, tmp_path):
    pages = [str(PAGES / "border_talks.html"), str(PAGES / "corridor_report.html")]
    first = ingest(pages, options(db_path, tmp_path))
    counts = rows(db_path, "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM mentions), "
                           "(SELECT count(*) FROM statements), (SELECT count(*) FROM raw_pages)")
    second = ingest(pages, options(db_path, tmp_path))
    assert (first.ok, first.skipped) == (2, 0)
    assert (second.ok, second.skipped) == (0, 2)
    assert rows(db_path, "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM mentions), "
                         "(SELECT count(*) FROM statements), (SELECT count(*) FROM raw_pages)") == counts
    assert rows(db_path, "SELECT ok, failed, skipped, finished IS NOT NULL FROM runs ORDER BY started") == [
        (2, 0, 0, True), (0, 0, 2, True)]


def test_changed_page_replaces_its_rows(db_path, tmp_path):
    page = tmp_path / "page.html"
    shutil.copy(PAGES / "border_talks.html", page)
    ingest([str(page)], options(db_path, tmp_path))
    page.write_text(page.read_text().replace("northern section", "southern section"))
    summary = ingest([str(page)], options(db_path, tmp_path))
    assert summary.ok == 1
    assert rows(db_path, "SELECT count(*), max(text LIKE '%southern section%') FROM articles") == [(1, True)]
    assert rows(db_path, "SELECT count(DISTINCT article_id) FROM sentences") == [(1,)]


def test_syndicated_copy_points_to_the_original(db_path, tmp_path):
    ingest([str(PAGES / "border_talks.html")], options(db_path, tmp_path))
    summary = ingest([str(PAGES / "border_talks_syndicated.html")], options(db_path, tmp_path))
    assert summary.duplicates == 1
    (original, orig_hash), = rows(db_path, "SELECT article_id, content_hash FROM articles WHERE duplicate_of IS NULL")
    assert rows(db_path, "SELECT canonical_url, duplicate_of, content_hash FROM articles WHERE duplicate_of IS NOT NULL") == [
        ("https://sevan-review.example/news/2024/border-commissions-meet", original, orig_hash)]


def test_broken_inputs_become_failures_and_the_rest_lands(server, db_path, tmp_path):
    server.add_page("/border", PAGES / "border_talks.html")
    server.routes["/slow"] = Route(b"<html><body>late</body></html>", delay=3)
    server.routes["/report.pdf"] = Route(b"%PDF-1.4", content_type="application/pdf")
    server.routes["/limited"] = Route(b"slow down", status=429)
    server.routes["/broken"] = Route(b"oops", status=500, headers={"Retry-After": "1"})
    inputs = [server.url("/missing"), server.url("/slow"), server.url("/report.pdf"), "file:///etc/passwd",
              str(PAGES / "not_an_article.html"), server.url("/border"), str(PAGES / "corridor_report.html"),
              server.url("/limited"), server.url("/broken")]
    summary = ingest(inputs, options(db_path, tmp_path, workers=2))
    assert (summary.ok, summary.failed) == (2, 7)
    failures = dict((i, (s, e)) for i, s, e in rows(db_path, "SELECT input, stage, error FROM failures"))
    assert failures[server.url("/missing")] == ("fetch", f"{server.url('/missing')}: HTTP 404 Not Found")
    assert failures[server.url("/slow")] == ("fetch", f"{server.url('/slow')}: no response: no data for 1 s "
                                                      "(read timeout)")
    assert failures[server.url("/report.pdf")] == (
        "fetch", f"{server.url('/report.pdf')}: HTTP 200, not HTML (content-type application/pdf)")
    assert failures[server.url("/limited")] == (
        "fetch", f"{server.url('/limited')}: HTTP 429 Too Many Requests (no Retry-After; not retried)")
    assert failures[server.url("/broken")] == ("fetch", f"{server.url('/broken')}: HTTP 500 Internal Server Error")
    assert server.requests.count("/limited") == server.requests.count("/broken") == 1  # no hidden retries
    assert failures["file:///etc/passwd"][0] == "input"
    assert "refused" in failures["file:///etc/passwd"][1]
    assert failures[str(PAGES / "not_an_article.html")][0] == "extract"
    assert all("\n" not in error for _, error in failures.values())
    assert rows(db_path, "SELECT ok, failed FROM runs") == [(2, 7)]
    assert rows(db_path, "SELECT count(*) FROM articles") == [(2,)]


def test_private_addresses_are_refused_by_default(server, db_path, tmp_path):
    url = server.add_page("/border", PAGES / "border_talks.html")
    summary = ingest([url], options(db_path, tmp_path, allow_private=False))
    assert summary.failed == 1 and server.requests == []
    assert "private or loopback" in rows(db_path, "SELECT error FROM failures")[0][0]


def test_raw_html_is_kept_compressed_and_content_addressed(db_path, tmp_path):
    page = PAGES / "corridor_report.html"
    ingest([str(page)], options(db_path, tmp_path))
    (sha, blob), = rows(db_path, "SELECT r.raw_sha256, r.html_gz FROM raw_pages r JOIN articles a USING (raw_sha256)")
    raw = page.read_bytes()
    assert sha == hashlib.sha256(raw).hexdigest()
    assert gzip.decompress(blob) == raw and len(blob) < len(raw)


def test_article_ids_are_deterministic_and_workers_agree(tmp_path):
    pages = [str(p) for p in sorted(PAGES.glob("*.html"))]
    one, two = tmp_path / "one.duckdb", tmp_path / "two.duckdb"
    ingest(pages, options(one, tmp_path, workers=1))
    ingest(pages, options(two, tmp_path, workers=2))
    query = ("SELECT article_id, published, content_hash, duplicate_of FROM articles ORDER BY article_id")
    assert rows(one, query) == rows(two, query)
    mentions = "SELECT article_id, entity_id, char_start, char_end, surface FROM mentions ORDER BY ALL"
    assert rows(one, mentions) == rows(two, mentions)


def test_jsonl_text_items(db_path, tmp_path):
    path = tmp_path / "items.jsonl"
    path.write_text('{"url": "https://wire.example/a", "title": "Talks", "published": "2024-05-02", '
                    '"text": "Armenia and Azerbaijan held another round of peace talks in Almaty."}\n')
    summary = ingest([str(path)], options(db_path, tmp_path))
    assert summary.ok == 1
    assert rows(db_path, "SELECT title, published, date_source, hostname FROM articles") == [
        ("Talks", dt.date(2024, 5, 2), "feed", "wire.example")]
    assert {"armenia", "azerbaijan"} <= {r[0] for r in rows(db_path, "SELECT entity_id FROM mentions")}


@pytest.mark.parametrize("workers", [1, 2])
def test_outlet_names_of_the_runs_sources_file_are_not_mentions(db_path, tmp_path, workers):
    """The workers' taxonomy ignores the outlets of the sources file the run names (--sources), not
    only those of data/sources.yaml: 'South Caucasus Monitor' is an outlet, not the region."""
    path = tmp_path / "items.jsonl"
    path.write_text('{"url": "https://wire.example/m", "title": "Report", "published": "2024-05-02", '
                    '"text": "The South Caucasus Monitor reported that Armenia and Azerbaijan met again."}\n')
    assert ingest([str(path)], options(db_path, tmp_path, workers=workers)).ok == 1
    assert {r[0] for r in rows(db_path, "SELECT entity_id FROM mentions")} == {"armenia", "azerbaijan"}


@pytest.mark.parametrize("workers", [1, 2])
def test_mention_offsets_point_into_the_stored_text(db_path, tmp_path, workers):
    ingest([str(PAGES / "corridor_report.html"), str(PAGES / "border_talks.html")],
           options(db_path, tmp_path, workers=workers))
    bad = rows(db_path, "SELECT m.surface, substr(a.text, m.char_start + 1, m.char_end - m.char_start) "
                        "FROM mentions m JOIN articles a USING (article_id) "
                        "WHERE substr(a.text, m.char_start + 1, m.char_end - m.char_start) <> m.surface")
    assert bad == []
    assert rows(db_path, "SELECT count(*) FROM mentions")[0][0] > 5


def test_side_list_dates_never_date_the_article(db_path, tmp_path):
    """The trap from the design: no date metadata, a dated "Latest news" list, a today's-date footer."""
    page = PAGES / "briefing_sidelist.html"
    bare = trafilatura.bare_extraction(page.read_text(), with_metadata=True)
    assert bare.date == "2026-01-11"  # bare trafilatura dates the article from the side list
    summary = ingest([str(page)], options(db_path, tmp_path))
    assert summary.ok == 1
    (published, date_source, text), = rows(db_path, "SELECT published, date_source, text FROM articles")
    assert (published, date_source) == (None, "none")
    assert "There is no substitute for dialogue." in text
    for side in ("Latest news", "Wheat harvest", "metro line", "Jan.2026", "15 Jan 2026", "cookies"):
        assert side not in text


def test_oversized_and_bomb_inputs_become_one_line_failures(db_path, tmp_path):
    bomb = tmp_path / "bomb.html.gz"
    bomb.write_bytes(gzip.compress(b"\0" * 1_000_000) * 300)
    big = tmp_path / "big.html"
    big.write_bytes(b"<html><body><p>" + b"word " * 500_000 + b"</p></body></html>")
    summary = ingest([str(bomb), str(big), str(PAGES / "border_talks.html")],
                     options(db_path, tmp_path, limits=Limits(page_bytes=2_000_000)))
    assert (summary.ok, summary.failed) == (1, 2)
    assert dict(rows(db_path, "SELECT input, error FROM failures")) == {
        str(bomb): f"{bomb}: expands more than 100× when decompressed (the limit for compressed inputs; "
                   "a compression bomb?)",
        str(big): f"{big}: 2.5 MB, larger than the 2 MB limit for a page"}


def test_a_cp1251_page_under_a_utf8_header_is_stored_readable_with_a_warning(server, db_path, tmp_path):
    text = ("Министр иностранных дел Армении заявил, что переговоры с Азербайджаном о мирном договоре "
            "продолжатся на следующей неделе. По его словам, стороны согласовали большую часть текста, "
            "но разногласия по вопросам делимитации границы сохраняются. Встреча прошла в Вашингтоне.")
    # ASCII scripts and menus around the article: sampling the page's head and tail finds no Cyrillic
    script = "<script>var config = {" + ",".join(f"k{i}: {i}" for i in range(900)) + "};</script>"
    footer = "<footer>" + " ".join(f"<a href='/section/{i}'>Section {i}</a>" for i in range(200)) + "</footer>"
    html = (f"<html><head><title>Talks</title>{script}<meta property='article:published_time' content='2024-05-02'>"
            f"</head><body><article><h1>Переговоры продолжатся</h1><p>{text}</p><p>{text}</p></article>{footer}"
            "</body></html>")
    url = server.url("/ru")
    server.routes["/ru"] = Route(html.encode("cp1251"), content_type="text/html; charset=utf-8")
    summary = ingest([url], options(db_path, tmp_path))
    assert summary.ok == 1
    assert summary.warnings == [f"{url}: not valid utf-8 as declared; decoded as cp1251 (detected)"]
    (stored,), = rows(db_path, "SELECT text FROM articles")
    assert "Министр иностранных дел Армении заявил" in stored


def test_a_broken_sources_file_creates_nothing(tmp_path):
    db = tmp_path / "new" / "t.duckdb"
    sources = tmp_path / "sources.yaml"
    sources.write_text("sources:\n  - {source: gov, kind: ministry}\n")
    with pytest.raises(SourcesError, match="kind must be one of"):
        ingest([str(PAGES / "border_talks.html")], Options(db=db, sources=sources, workers=1, progress=False))
    assert not (tmp_path / "new").exists()


def test_the_upkeep_marker_goes_in_with_the_first_batch_and_out_with_upkeep(db_path, tmp_path, monkeypatch):
    from pipeline import store

    seen = []
    write_batch = store.write_batch
    monkeypatch.setattr(store, "write_batch", lambda con, frames, ids, meta=None: (
        seen.append(dict(meta or {})), write_batch(con, frames, ids, meta))[1])
    summary = ingest([str(PAGES / "border_talks.html")], options(db_path, tmp_path))
    assert seen == [{"upkeep_pending": summary.run_id}]
    assert rows(db_path, "SELECT count(*) FROM meta WHERE key = 'upkeep_pending'") == [(0,)]
    seen.clear()
    ingest([str(PAGES / "border_talks.html")], options(db_path, tmp_path))  # unchanged: no write, no marker
    assert seen == []


def test_a_failed_batch_write_stops_the_run_with_its_error_and_keeps_the_batches_before(db_path, tmp_path,
                                                                                       monkeypatch):
    """A write that fails (a full disk) stops the run with DuckDB's error; the batch written before it
    stays, and none is written after it."""
    import duckdb

    from pipeline import store
    from pipeline.run import ingest as ingest_module

    monkeypatch.setattr(ingest_module, "BATCH_ARTICLES", 1)
    calls = []
    write_batch = store.write_batch

    def failing_second(con, frames, ids, meta=None):
        calls.append(frames["articles"]["title"].tolist() if "articles" in frames else [])
        if len(calls) == 2:
            raise duckdb.IOException("No space left on device")
        return write_batch(con, frames, ids, meta)

    monkeypatch.setattr(store, "write_batch", failing_second)
    pages = [str(PAGES / name) for name in ("border_talks.html", "corridor_report.html", "briefing_sidelist.html")]
    with pytest.raises(duckdb.IOException, match="No space left"):
        ingest(pages, options(db_path, tmp_path))
    assert len(calls) == 2
    assert rows(db_path, "SELECT title FROM articles") == [(calls[0][0],)]
