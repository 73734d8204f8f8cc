"""Input kinds by form: URLs, folders, pages, URL lists, local feeds, JSONL — and clear refusals."""
from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.collect.inputs import InputError, Item, classify, expand, read_bytes
from pipeline.config import Limits
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


# ---------------------------------------------------------------------------------------------
# Bounded inputs: every refusal names the input and the limit
# ---------------------------------------------------------------------------------------------

def _gzip_bomb(path, gigabytes: float = 1.0) -> None:
    """A real multi-member .gz that unpacks to `gigabytes` GB of zeros from ~1 MB on disk."""
    member = gzip.compress(b"\0" * 1_000_000)
    with path.open("wb") as f:
        for _ in range(int(gigabytes * 1000)):
            f.write(member)


def test_a_gzip_bomb_is_refused_while_streaming_with_bounded_memory(tmp_path):
    bomb = tmp_path / "page.html.gz"
    _gzip_bomb(bomb)
    script = ("import re, sys; from pathlib import Path; from pipeline.collect.inputs import read_bytes, InputError\n"
              "try:\n    read_bytes(Path(sys.argv[1]))\nexcept InputError as e:\n    print(e)\n"
              "print(int(re.search(r'VmHWM:\\s+(\\d+)', Path('/proc/self/status').read_text()).group(1)) // 1024)")
    done = subprocess.run([sys.executable, "-c", script, str(bomb)], capture_output=True, text=True, timeout=60,
                          cwd=Path(__file__).resolve().parent.parent)
    message, peak_mb = done.stdout.strip().splitlines()
    assert message == (f"{bomb}: expands more than 100× when decompressed (the limit for compressed inputs; "
                       "a compression bomb?)")
    assert int(peak_mb) < 100, done.stdout  # the whole 1 GB would be ~2 GB of memory


def test_gzip_size_limit_applies_after_decompression(tmp_path):
    page = tmp_path / "page.html.gz"
    page.write_bytes(gzip.compress(os.urandom(40_000)))  # incompressible: the ratio stays near 1
    with pytest.raises(InputError) as err:
        read_bytes(page, Limits(page_bytes=30_000))
    assert str(err.value) == f"{page}: decompresses to more than the 30 KB limit for a page"


def test_local_files_over_their_limit_are_refused_before_reading(tmp_path):
    page = tmp_path / "huge.html"
    page.write_bytes(b"<html><body>" + b"x" * 5000 + b"</body></html>")
    with pytest.raises(InputError) as err:
        read_bytes(page, Limits(page_bytes=1000))
    assert str(err.value) == f"{page}: 5.03 KB, larger than the 1 KB limit for a page"
    listing = tmp_path / "urls.txt"
    listing.write_text("https://example.org/a\n" * 100)
    [error] = list(expand(str(listing), Limits(list_bytes=1000)))
    assert str(error) == f"{listing}: 2.2 KB, larger than the 1 KB limit for a URL list"
    listing.write_bytes(b"https://example.org/\xe9t\xe9\n")
    [error] = list(expand(str(listing)))
    assert str(error) == f"{listing}: not UTF-8 text (byte 0xe9 at offset 20)"


def test_a_local_feed_is_capped(tmp_path):
    feed = tmp_path / "big.rss"
    feed.write_text('<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>' + "".join(
        f"<item><title>{i}</title><link>https://press.example/{i}</link></item>" for i in range(25))
        + "</channel></rss>")
    found = list(expand(str(feed), Limits(feed_items=20)))
    assert [i.url for i in found[:-1]] == [f"https://press.example/{i}" for i in range(20)]
    assert str(found[-1]) == f"{feed}: feed lists 25 items; only the first 20 are taken (the feed item limit)"


def test_feed_links_that_are_not_http_are_dropped(tmp_path):
    feed = tmp_path / "press.rss"
    body = "<p>" + "The envoys met again in the capital to discuss the corridor. " * 12 + "</p>"
    feed.write_text(f"""<?xml version="1.0"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>t</title>
<item><title>Bad</title><link>javascript:alert(1)</link></item>
<item><title>Inline</title><link>data:text/html,x</link><content:encoded><![CDATA[{body}]]></content:encoded></item>
</channel></rss>""")
    bad, inline = items(str(feed))
    assert str(bad) == f"{feed}#1: item link is not an http(s) URL"
    assert inline.url is None and inline.html and inline.input == f"{feed}#2"


def test_jsonl_refuses_script_urls_and_blank_text(tmp_path):
    path = tmp_path / "items.jsonl"
    path.write_text("\n".join(json.dumps(row) for row in [
        {"url": "javascript:alert(document.cookie)", "text": "Armenia said so."},
        {"url": "data:text/html,<script>alert(1)</script>", "text": "Armenia said so."},
        {"text": "   \n\t  "},
        {"html": "  ", "title": "blank"},
        {"url": 42},
        {"url": " https://wire.example/ok ", "text": "Armenia said so."},
    ]))
    found = items(str(path))
    assert [str(f).split(": ", 1)[1] for f in found[:5]] == [
        "'url' must be an http(s) URL", "'url' must be an http(s) URL",
        "JSONL item needs 'url', 'html' or 'text' (not empty or only whitespace)",
        "JSONL item needs 'url', 'html' or 'text' (not empty or only whitespace)",
        "'url' must be an http(s) URL"]
    assert found[5].url == "https://wire.example/ok" and found[5].text == "Armenia said so."


def test_jsonl_is_streamed_with_a_line_limit(tmp_path):
    path = tmp_path / "items.jsonl.gz"
    rows = [json.dumps({"url": f"https://wire.example/{i}", "text": "x" * (5000 if i == 1 else 10)}) for i in range(3)]
    path.write_bytes(gzip.compress("\n".join(rows).encode()))
    first, long_line, last = items_with(path, Limits(jsonl_line_bytes=1000))
    assert (first.url, last.url) == ("https://wire.example/0", "https://wire.example/2")
    assert str(long_line) == f"{path}:2: line longer than the 1,000-byte JSONL line limit"


def items_with(path, limits: Limits) -> list[Item | InputError]:
    return list(expand(str(path), limits))
