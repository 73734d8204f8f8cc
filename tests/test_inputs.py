"""Input kinds by form: URLs, folders, pages, URL lists, local feeds, JSONL — and clear refusals."""
from __future__ import annotations

import datetime as dt
import gzip
import json

import pytest

from pipeline.collect.inputs import InputError, Item, classify, expand
from tests.conftest import PAGES


def items(value: str) -> list[Item | InputError]:
    return list(expand(value))


def test_kinds_by_form(tmp_path):
    (tmp_path / "list.txt").write_text("https://example.org/a\n")
    (tmp_path / "feed.rss").write_text("<rss/>")
    (tmp_path / "items.jsonl").write_text("{}")
    assert classify("https://example.org/news/1") == "url"
    assert classify(str(tmp_path)) == "dir"
    assert classify(str(PAGES / "border_talks.html")) == "page"
    assert classify(str(tmp_path / "list.txt")) == "list"
    assert classify(str(tmp_path / "feed.rss")) == "feed"
    assert classify(str(tmp_path / "items.jsonl")) == "jsonl"


@pytest.mark.parametrize("value, message", [
    ("file:///etc/passwd", "file:///etc/passwd: refused: only http(s) URLs and local paths are accepted, not file://"),
    ("ftp://example.org/a", "ftp://example.org/a: refused: only http(s) URLs and local paths are accepted, not ftp://"),
    ("/no/such/page.html", "/no/such/page.html: no such file or directory"),
])
def test_refusals_are_one_line_and_name_the_input(value, message):
    [error] = items(value)
    assert isinstance(error, InputError)
    assert str(error) == message


def test_unsupported_file_type(tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(b"%PDF")
    [error] = items(str(path))
    assert "unsupported input type" in str(error) and str(path) in str(error)


def test_folder_is_recursive_and_sorted(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "two.html").write_text("<html></html>")
    (tmp_path / "one.htm").write_text("<html></html>")
    (tmp_path / "notes.md").write_text("ignored")
    (tmp_path / "b" / "three.html.gz").write_bytes(gzip.compress(b"<html></html>"))
    found = items(str(tmp_path))
    assert [i.path.name for i in found] == ["three.html.gz", "two.html", "one.htm"]


def test_url_list_mixes_urls_and_paths(tmp_path):
    page = PAGES / "border_talks.html"
    listing = tmp_path / "inputs.txt"
    listing.write_text(f"# my sources\nhttps://example.org/a\n\n{page}\nfile:///etc/hosts\n")
    found = items(str(listing))
    assert found[0].url == "https://example.org/a" and found[0].needs_fetch
    assert found[1].path == page
    assert isinstance(found[2], InputError)


def test_local_feed_keeps_item_dates_and_inline_content(tmp_path):
    body = "<p>" + "The envoys met again in the capital to discuss the corridor. " * 12 + "</p>"
    feed = tmp_path / "press.xml"
    feed.write_text(f"""<?xml version="1.0"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>t</title>
<item><title>Short</title><link>https://press.example/1</link><pubDate>Mon, 05 Jun 2023 10:00:00 GMT</pubDate></item>
<item><title>Full</title><link>https://press.example/2</link><pubDate>Tue, 06 Jun 2023 10:00:00 GMT</pubDate>
<content:encoded><![CDATA[{body}]]></content:encoded></item>
</channel></rss>""")
    short, full = items(str(feed))
    assert (short.url, short.published, short.date_source, short.needs_fetch) == (
        "https://press.example/1", dt.date(2023, 6, 5), "feed", True)
    assert full.html and full.published == dt.date(2023, 6, 6) and not full.needs_fetch


def test_jsonl_items_and_bad_lines(tmp_path):
    path = tmp_path / "items.jsonl"
    path.write_text("\n".join([
        json.dumps({"url": "https://a.example/1", "text": "Plain text body.", "title": "T", "published": "2022-12-14"}),
        "{not json",
        json.dumps({"title": "nothing to read"}),
        json.dumps({"link": "https://b.example/2", "content_html": "<p>x</p>", "pubDate": "Wed, 14 Dec 2022 10:00:00 -0500"}),
    ]))
    first, bad_json, empty, rss_style = items(str(path))
    assert (first.text, first.published, first.date_source) == ("Plain text body.", dt.date(2022, 12, 14), "feed")
    assert str(bad_json).startswith(f"{path}:2: invalid JSON")
    assert str(empty).startswith(f"{path}:3: JSONL item needs 'url', 'html' or 'text'")
    assert (rss_style.url, rss_style.html, rss_style.published) == ("https://b.example/2", "<p>x</p>", dt.date(2022, 12, 14))
