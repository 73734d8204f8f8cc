"""Turn what the user names on the command line into work items (pages, feed items, JSONL rows).

Pure: reads local files, never the network. Remote feeds are fetched by `fetch`, which hands
their text to `feed_items`.
"""
from __future__ import annotations

import datetime as dt
import email.utils
import gzip
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import feedparser

from .warc import WARC_SUFFIXES, Capture, WarcError, scan

PAGE_SUFFIXES = (".html", ".htm", ".html.gz", ".htm.gz")
FEED_SUFFIXES = (".xml", ".rss", ".atom")
JSONL_SUFFIXES = (".jsonl", ".jsonl.gz")
LIST_SUFFIXES = (".txt",)
# A feed item whose own content is at least this long is extracted from the feed, not fetched.
MIN_FEED_CONTENT = 500


class InputError(ValueError):
    """An input that cannot be used; the message is one line and starts with the input."""

    def __init__(self, input: str, reason: str) -> None:
        super().__init__(f"{input}: {reason}")
        self.input = input


@dataclass
class Item:
    """One page to process: a URL to fetch, a local file to read, or inline HTML/text."""

    input: str
    url: str | None = None
    path: Path | None = None
    html: str | None = None
    text: str | None = None
    title: str | None = None
    published: dt.date | None = None
    date_source: str | None = None
    record: int | None = None  # byte offset of the page's record in `path`, a WARC archive
    fetched_at: dt.datetime | None = None  # capture time (WARC-Date); None: the time it is stored

    @property
    def needs_fetch(self) -> bool:
        return self.path is None and self.html is None and self.text is None and self.url is not None


@dataclass
class Skipped:
    """Part of an input left out on purpose, not a failure (a WARC record that is no HTML page); counted."""

    input: str
    reason: str


def is_url(value: str) -> bool:
    """True for http(s) URLs, the only scheme the tracker fetches."""
    return urlsplit(value).scheme.lower() in ("http", "https") and bool(urlsplit(value).netloc)


def _has_suffix(path: Path, suffixes: tuple[str, ...]) -> bool:
    name = path.name.lower()
    return any(name.endswith(s) for s in suffixes)


def classify(value: str) -> str:
    """The kind of one input: 'url', 'dir', 'page', 'list', 'feed', 'jsonl', 'warc'; raises InputError otherwise."""
    scheme = urlsplit(value).scheme.lower()
    if is_url(value):
        return "url"
    if scheme and len(scheme) > 1:
        raise InputError(value, f"refused: only http(s) URLs and local paths are accepted, not {scheme}://")
    path = Path(value)
    if not path.exists():
        raise InputError(value, "no such file or directory")
    if path.is_dir():
        return "dir"
    for kind, suffixes in (("page", PAGE_SUFFIXES), ("list", LIST_SUFFIXES), ("feed", FEED_SUFFIXES),
                           ("jsonl", JSONL_SUFFIXES), ("warc", WARC_SUFFIXES)):
        if _has_suffix(path, suffixes):
            return kind
    raise InputError(value, "unsupported input type (expected a URL, folder, .html, .txt, .xml/.rss/.atom, .jsonl "
                            "or .warc/.warc.gz)")


def read_bytes(path: Path) -> bytes:
    """File contents, transparently gunzipped for .gz files."""
    data = path.read_bytes()
    return gzip.decompress(data) if path.name.lower().endswith(".gz") else data


def _parse_date(value: object) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        pass
    try:
        return email.utils.parsedate_to_datetime(text).date()  # RFC 822, as in RSS pubDate
    except (TypeError, ValueError):
        return None


def feed_items(content: bytes | str, origin: str) -> list[Item]:
    """Items of an RSS/Atom feed: link, title, item date (date_source 'feed'), inline content if full."""
    parsed = feedparser.parse(content)
    if parsed.bozo and not parsed.entries:
        raise InputError(origin, f"not a readable RSS/Atom feed ({type(parsed.bozo_exception).__name__})")
    items = []
    for entry in parsed.entries:
        link = entry.get("link")
        struct = entry.get("published_parsed") or entry.get("updated_parsed")
        published = dt.date(*struct[:3]) if struct else None
        html = None
        for content_part in entry.get("content", []):
            if len(content_part.get("value", "")) >= MIN_FEED_CONTENT:
                html = content_part["value"]
                break
        if not link and html is None:
            continue
        items.append(Item(input=link or origin, url=link, html=html, title=entry.get("title"),
                          published=published, date_source="feed" if published else None))
    return items


def _jsonl_items(path: Path) -> Iterator[Item | InputError]:
    """One item per line; a bad line becomes an InputError and the rest of the file goes on."""
    for lineno, line in enumerate(read_bytes(path).decode("utf-8").splitlines(), 1):
        if not line.strip():
            continue
        origin = f"{path}:{lineno}"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            yield InputError(origin, f"invalid JSON ({exc.msg})")
            continue
        if not isinstance(row, dict):
            yield InputError(origin, "JSONL item must be an object")
            continue
        url = row.get("url") or row.get("link")
        html = row.get("html") or row.get("content_html")
        text = row.get("text")
        if not (html or text or url):
            yield InputError(origin, "JSONL item needs 'url', 'html' or 'text'")
            continue
        published = _parse_date(row.get("published") or row.get("pubDate"))
        yield Item(input=url or origin, url=url, html=html, text=None if html else text,
                   title=row.get("title"), published=published,
                   date_source="feed" if published else None)


def _warc_items(path: Path) -> Iterator[Item | InputError | Skipped]:
    """One item per HTML page of an archive (read later, by offset); other records counted as Skipped."""
    for found in scan(path):
        if isinstance(found, Capture):
            yield Item(input=found.uri, url=found.uri, path=path, record=found.offset, fetched_at=found.captured)
        elif isinstance(found, WarcError):
            yield InputError(str(path), str(found).removeprefix(f"{path}: "))
        else:
            yield Skipped(str(path), found.reason)


def expand(value: str) -> Iterator[Item | InputError | Skipped]:
    """Work items for one command-line input; problems are yielded as InputError, never raised."""
    try:
        kind = classify(value)
    except InputError as exc:
        yield exc
        return
    path = Path(value)
    if kind == "url":
        yield Item(input=value, url=value)
    elif kind == "page":
        yield Item(input=value, path=path)
    elif kind == "dir":
        for child in sorted(p for p in path.rglob("*") if p.is_file()):
            if _has_suffix(child, PAGE_SUFFIXES + FEED_SUFFIXES + JSONL_SUFFIXES + WARC_SUFFIXES):
                yield from expand(str(child))
    elif kind == "list":
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                yield from expand(line)
    elif kind == "feed":
        try:
            yield from feed_items(read_bytes(path), value)
        except InputError as exc:
            yield exc
    elif kind == "jsonl":
        yield from _jsonl_items(path)
    elif kind == "warc":
        yield from _warc_items(path)

