"""Turn what the user names on the command line into work items (pages, feed items, JSONL rows).

Pure: reads local files, never the network. Remote feeds are fetched by `fetch`, which hands
their bytes to `feed_items`. Every file is read within `config.Limits` (size, gzip expansion, feed
items, JSONL line length); an input over a limit becomes one InputError naming the limit.
"""
from __future__ import annotations

import datetime as dt
import email.utils
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import feedparser

from ..config import Limits
from .bounded import LimitError, iter_file, read_file
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
    version: str | None = None  # what a feed or sitemap says of this item's version (watch refetches on change)

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


DEFAULT_LIMITS = Limits()


def read_bytes(path: Path, limits: Limits = DEFAULT_LIMITS, kind: str = "a page") -> bytes:
    """File contents, transparently gunzipped for .gz files; InputError over the page limits."""
    try:
        return read_file(path, limits.page_bytes if kind == "a page" else _byte_limit(limits, kind),
                         limits.gzip_ratio, kind)
    except LimitError as exc:
        raise InputError(str(path), str(exc)) from exc


def _byte_limit(limits: Limits, kind: str) -> int:
    return {"a URL list": limits.list_bytes, "a feed": limits.feed_bytes, "a JSONL file": limits.jsonl_bytes}[kind]


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


def feed_items(content: bytes | str, origin: str, max_items: int = Limits.feed_items) -> list[Item | InputError]:
    """Items of an RSS/Atom feed (parsed once): link, title, item date (date_source 'feed'), inline
    content if full. Links that are not http(s) are dropped; past `max_items` the rest is left out
    with one InputError naming the limit. Raises InputError when the text is not a feed at all (a
    feed with no items yet gives an empty list)."""
    parsed = feedparser.parse(content)
    if parsed.bozo and not parsed.entries:
        raise InputError(origin, f"not a readable RSS/Atom feed ({type(parsed.bozo_exception).__name__})")
    if not parsed.get("version") and not parsed.entries:
        raise InputError(origin, "not an RSS/Atom feed")
    items: list[Item | InputError] = []
    for n, entry in enumerate(parsed.entries[:max_items], 1):
        link = entry.get("link")
        if link and not is_url(link):
            link = None
        struct = entry.get("published_parsed") or entry.get("updated_parsed")
        published = dt.date(*struct[:3]) if struct else None
        html = None
        for content_part in entry.get("content", []):
            if len(content_part.get("value", "")) >= MIN_FEED_CONTENT:
                html = content_part["value"]
                break
        if not link and html is None:
            if entry.get("link"):
                items.append(InputError(f"{origin}#{n}", "item link is not an http(s) URL"))
            continue
        items.append(Item(input=link or f"{origin}#{n}", url=link, html=html, title=entry.get("title"),
                          published=published, date_source="feed" if published else None,
                          version=_entry_version(entry)))
    if len(parsed.entries) > max_items:
        items.append(InputError(origin, f"feed lists {len(parsed.entries):,} items; only the first {max_items:,} "
                                        "are taken (the feed item limit)"))
    return items


def _entry_version(entry: dict) -> str:
    """A digest of what a feed entry says about its page (dates, title, summary, content): it changes
    when the publisher revises the entry."""
    parts = [entry.get("updated") or "", entry.get("published") or "", entry.get("title") or "",
             entry.get("summary") or "", *(c.get("value", "") for c in entry.get("content", []))]
    return hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).hexdigest()[:16]


def _lines(path: Path, limits: Limits) -> Iterator[tuple[int, bytes | None]]:
    """(line number, bytes) of a streamed file; a line over the line limit comes as (number, None)."""
    buffer, lineno, skipping = bytearray(), 0, False
    for chunk in iter_file(path, limits.jsonl_bytes, limits.gzip_ratio, "a JSONL file"):
        scanned = len(buffer)
        buffer += chunk
        start = 0
        while (cut := buffer.find(b"\n", max(start, scanned))) >= 0:
            lineno += 1
            too_long = skipping or cut - start > limits.jsonl_line_bytes
            yield lineno, None if too_long else bytes(buffer[start:cut])
            start, skipping = cut + 1, False
        del buffer[:start]
        if len(buffer) > limits.jsonl_line_bytes:
            buffer.clear()
            skipping = True  # read on to the end of this line without keeping it
    if buffer or skipping:
        yield lineno + 1, None if skipping or len(buffer) > limits.jsonl_line_bytes else bytes(buffer)


def _warc_items(path: Path) -> Iterator[Item | InputError | Skipped]:
    """One item per HTML page of an archive (read later, by offset); other records counted as Skipped."""
    for found in scan(path):
        if isinstance(found, Capture):
            yield Item(input=found.uri, url=found.uri, path=path, record=found.offset, fetched_at=found.captured)
        elif isinstance(found, WarcError):
            yield InputError(str(path), str(found).removeprefix(f"{path}: "))
        else:
            yield Skipped(str(path), found.reason)


def _text(value: object) -> str | None:
    """A string with something besides whitespace in it, else None."""
    return value if isinstance(value, str) and value.strip() else None


def _jsonl_items(path: Path, limits: Limits = DEFAULT_LIMITS) -> Iterator[Item | InputError]:
    """One item per line, streamed; a bad line becomes an InputError and the rest of the file goes on."""
    try:
        for lineno, line in _lines(path, limits):
            origin = f"{path}:{lineno}"
            if line is None:
                yield InputError(origin, f"line longer than the {limits.jsonl_line_bytes:,}-byte JSONL line limit")
                continue
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except (json.JSONDecodeError, UnicodeDecodeError) as exc:
                yield InputError(origin, f"invalid JSON ({getattr(exc, 'msg', None) or exc.reason})")
                continue
            if not isinstance(row, dict):
                yield InputError(origin, "JSONL item must be an object")
                continue
            yield _jsonl_item(row, origin)
    except LimitError as exc:
        yield InputError(str(path), str(exc))


def _jsonl_item(row: dict, origin: str) -> Item | InputError:
    url = row.get("url") or row.get("link")
    if url is not None and not (isinstance(url, str) and is_url(url.strip())):
        return InputError(origin, "'url' must be an http(s) URL")
    url = url.strip() if url else None
    html = _text(row.get("html") or row.get("content_html"))
    text = _text(row.get("text"))
    if not (html or text or url):
        return InputError(origin, "JSONL item needs 'url', 'html' or 'text' (not empty or only whitespace)")
    title = row.get("title") if isinstance(row.get("title"), str) else None
    published = _parse_date(row.get("published") or row.get("pubDate"))
    return Item(input=url or origin, url=url, html=html, text=None if html else text, title=title,
                published=published, date_source="feed" if published else None)


def expand(value: str, limits: Limits = DEFAULT_LIMITS) -> Iterator[Item | InputError | Skipped]:
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
                yield from expand(str(child), limits)
    elif kind == "list":
        try:
            text = read_bytes(path, limits, "a URL list").decode("utf-8")
        except InputError as exc:
            yield exc
            return
        except UnicodeDecodeError as exc:
            yield InputError(value, f"not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at offset {exc.start})")
            return
        for line in text.splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                yield from expand(line, limits)
    elif kind == "feed":
        try:
            yield from feed_items(read_bytes(path, limits, "a feed"), value, limits.feed_items)
        except InputError as exc:
            yield exc
    elif kind == "jsonl":
        yield from _jsonl_items(path, limits)
    elif kind == "warc":
        yield from _warc_items(path)

