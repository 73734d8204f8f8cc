"""Download pages, feeds and sitemaps with trafilatura: timeouts, a size limit, a per-host delay, SSRF guard.

Loopback, private and link-local addresses are refused unless `allow_private` is set (the
trafilatura SSRF protection stays on underneath as a second line of defence).
"""
from __future__ import annotations

import copy
import ipaddress
import logging
import socket
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import feedparser
from lxml import etree
from trafilatura import downloads, feeds, settings

from .inputs import InputError, Item, feed_items, is_url

HTML_TYPES = ("text/html", "application/xhtml+xml")
_XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, recover=True)


class FetchError(Exception):
    """A download that failed; the message is one line and names the URL."""


@dataclass
class Fetched:
    """A downloaded document: final URL after redirects, decoded text and its content type."""

    url: str
    final_url: str
    text: str
    content_type: str


class _ThreadErrors(logging.Handler):
    """Collects trafilatura's download error messages for the current thread (it returns None on errors)."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []
        self.thread = threading.get_ident()

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread == self.thread:
            self.messages.append(record.getMessage())


def _reason(messages: list[str], timeout: float, max_bytes: int) -> str:
    text = " ".join(messages)
    lowered = text.lower()
    if "max_file_size" in lowered:
        return f"larger than the size limit ({max_bytes:,} bytes)"
    if "timed out" in lowered or "timeout" in lowered:
        return f"timed out after {timeout:g} s"
    if "ssrf" in lowered:
        return "refused: private or loopback address (use --allow-private)"
    if "refused" in lowered:
        return "connection refused"
    if "name or service not known" in lowered or "failed to resolve" in lowered:
        return "host not found"
    return text.split(" (Caused by")[0][-200:] if text else "download failed"


@dataclass
class Fetcher:
    """Thread-safe downloader with a per-host politeness delay."""

    allow_private: bool = False
    timeout: float = 10.0
    max_bytes: int = 10_000_000
    delay: float = 1.0
    _next_slot: dict[str, float] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.config = copy.deepcopy(settings.DEFAULT_CONFIG)
        self.config.set("DEFAULT", "DOWNLOAD_TIMEOUT", str(max(1, round(self.timeout))))
        self.config.set("DEFAULT", "MAX_FILE_SIZE", str(self.max_bytes))
        self.config.set("DEFAULT", "SLEEP_TIME", str(self.delay))
        self.config.set("DEFAULT", "SSRF_PROTECTION", "off" if self.allow_private else "on")

    def check(self, url: str) -> None:
        """Refuse non-http(s) URLs and, unless allowed, hosts resolving to non-public addresses."""
        if not is_url(url):
            raise FetchError(f"{url}: refused: only http(s) URLs are fetched")
        if self.allow_private:
            return
        host = urlsplit(url).hostname or ""
        try:
            addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
        except socket.gaierror as exc:
            raise FetchError(f"{url}: host not found ({exc.strerror})") from exc
        for addr in addresses:
            ip = ipaddress.ip_address(addr.split("%", 1)[0])
            ip = getattr(ip, "ipv4_mapped", None) or ip
            if not ip.is_global:
                raise FetchError(f"{url}: refused: {host} is a private or loopback address (use --allow-private)")

    def _wait_turn(self, url: str) -> None:
        host = (urlsplit(url).hostname or "").lower()
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._next_slot.get(host, now))
            self._next_slot[host] = slot + self.delay
        if slot > now:
            time.sleep(slot - now)

    def get(self, url: str) -> Fetched:
        """Download one URL; raise FetchError with a one-line reason (HTTP status, timeout, size…)."""
        self.check(url)
        self._wait_turn(url)
        handler = _ThreadErrors()
        downloads.LOGGER.addHandler(handler)
        try:
            response = downloads.fetch_response(url, decode=True, config=self.config)
        finally:
            downloads.LOGGER.removeHandler(handler)
        if response is None:
            raise FetchError(f"{url}: {_reason(handler.messages, self.timeout, self.max_bytes)}")
        if response.status != 200:
            raise FetchError(f"{url}: HTTP {response.status}")
        if not response.data:
            raise FetchError(f"{url}: empty response")
        content_type = (response.headers or {}).get("content-type", "").split(";")[0].strip().lower()
        return Fetched(url=url, final_url=response.url or url, text=response.html or "", content_type=content_type)

    def page(self, url: str) -> Fetched:
        """Download an HTML page; anything else (PDF, image, JSON…) is refused."""
        fetched = self.get(url)
        if fetched.content_type and fetched.content_type not in HTML_TYPES:
            raise FetchError(f"{url}: not HTML (content-type {fetched.content_type})")
        if not fetched.content_type and "<" not in fetched.text[:1000]:
            raise FetchError(f"{url}: not HTML")
        return fetched

    def feed(self, url: str) -> list[Item]:
        """Items of a remote feed; a web page is searched for its feed links first (trafilatura.feeds)."""
        fetched = self.get(url)
        parsed = feedparser.parse(fetched.text)
        if parsed.entries:
            return feed_items(fetched.text, url)
        params = feeds.FeedParameters(fetched.final_url, urlsplit(fetched.final_url).netloc, "")
        for feed_url in feeds.determine_feed(fetched.text, params):
            if feed_url != url:
                try:
                    return feed_items(self.get(feed_url).text, feed_url)
                except (FetchError, InputError):
                    continue
        raise FetchError(f"{url}: no RSS/Atom feed found")

    def sitemap(self, url: str, max_sitemaps: int = 50) -> list[Item]:
        """Page URLs of an XML or plain-text sitemap, following nested sitemap indexes.

        trafilatura.sitemaps.sitemap_search would do this, but courlan rejects IP-address hosts
        (intranet mirrors, the test server), so the same <loc> walk is done here on fetched text.
        """
        queue, seen, pages = [url], set(), []
        while queue and len(seen) < max_sitemaps:
            current = queue.pop(0)
            seen.add(current)
            text = self.get(current).text.strip()
            if not text.startswith("<"):
                pages.extend(line.strip() for line in text.splitlines() if is_url(line.strip()))
                continue
            try:
                root = etree.fromstring(text.encode("utf-8"), _XML_PARSER)
            except etree.XMLSyntaxError as exc:
                raise FetchError(f"{current}: not a readable sitemap ({exc.msg})") from exc
            nested = root is not None and etree.QName(root).localname == "sitemapindex"
            for loc in root.iter("{*}loc") if root is not None else ():
                link = (loc.text or "").strip()
                if is_url(link):
                    (queue if nested and link not in seen else pages).append(link)
        if not pages:
            raise FetchError(f"{url}: no page URLs found in sitemap")
        return [Item(input=u, url=u) for u in dict.fromkeys(pages)]
