"""Download pages, feeds and sitemaps over urllib3 (what trafilatura uses), with every download bounded.

Bounds (`config.FetchPolicy`, `config.Limits`): a connect timeout, a timeout for each wait for
data (so for the first byte too), and a deadline for the whole download that a watchdog enforces
by closing the socket, however slowly a server drips its headers or body; a size limit on the
body after decompression, with a cap on its expansion. Retries follow one stated policy (see
`FetchPolicy`). Every failure is one line naming the URL and, when the server answered, its HTTP
status.

Addresses: loopback, private and other non-public addresses are refused unless `allow_private`
is set; link-local addresses (169.254.0.0/16, fe80::/10, where cloud metadata services listen)
and the known metadata addresses are refused even then. The check runs on the resolved names and
again on the address each connection actually reached (so DNS rebinding cannot slip past it), on
the first URL and on every redirect. TLS certificates are always verified.
"""
from __future__ import annotations

import codecs
import contextlib
import email.utils
import ipaddress
import re
import socket
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib.metadata import version
from urllib.parse import urljoin, urlsplit

import certifi
import charset_normalizer
import urllib3
from lxml import etree
from trafilatura import feeds

from ..config import FetchPolicy, Limits
from .bounded import CHUNK, Inflater, LimitError, megabytes
from .inputs import InputError, Item, feed_items, is_url

HTML_TYPES = ("text/html", "application/xhtml+xml")
REDIRECTS = (301, 302, 303, 307, 308)
MAX_HOSTS_KEPT = 1024  # per-host turns remembered before those already past are forgotten
MAX_VALIDATOR = 512  # characters of an ETag or Last-Modified worth keeping
RETRY_STATUSES = (429, 503)
USER_AGENT = f"diplomatic-statement-tracker (trafilatura/{version('trafilatura')}; urllib3/{urllib3.__version__})"
HEADERS = {"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate",
           "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
# Cloud metadata services outside link-local space (Alibaba; AWS over IPv6): refused like link-local.
METADATA_ADDRESSES = frozenset(ipaddress.ip_address(a) for a in ("100.100.100.200", "fd00:ec2::254"))
_XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, recover=True, huge_tree=False)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.I)
_NON_ASCII_TEXT = re.compile(rb"[^<>]*[\x80-\xff][^<>]*")
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([\w.:-]+)""", re.I)


class FetchError(Exception):
    """A download that failed; the message is one line and names the URL. `status` is the HTTP status
    when the server answered, `retry_after` the seconds its Retry-After asked for."""

    def __init__(self, message: str, status: int | None = None, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.status, self.retry_after = status, retry_after


@dataclass(frozen=True)
class Validators:
    """What a server said identifies the version of a document (ETag, Last-Modified), sent back as
    If-None-Match / If-Modified-Since so that an unchanged document costs a 304 and no body."""

    etag: str | None = None
    last_modified: str | None = None

    def headers(self) -> dict[str, str]:
        out = {}
        if self.etag:
            out["If-None-Match"] = self.etag
        if self.last_modified:
            out["If-Modified-Since"] = self.last_modified
        return out


@dataclass(frozen=True)
class Document:
    """A feed or sitemap file read by a poll: its validators, and the sitemap index that listed it
    (None for the URL polled), so an index answering 304 still has its nested sitemaps checked."""

    url: str
    parent: str | None = None
    validators: Validators = Validators()


@dataclass
class Polled:
    """One poll of a feed or sitemap. `status` is the HTTP status of the URL polled (304: unchanged,
    so no items); `items` are the pages listed by what changed; `notes` are parts left out (one
    line each); `documents` are the files read or confirmed unchanged, for the next poll's
    conditional requests."""

    status: int
    items: list[Item] = field(default_factory=list)
    notes: list[InputError] = field(default_factory=list)
    documents: dict[str, Document] = field(default_factory=dict)


@dataclass
class Fetched:
    """A downloaded document: final URL after redirects, decoded text, content type, status and any
    warning about its decoding (a body that did not fit its declared charset)."""

    url: str
    final_url: str
    text: str
    content_type: str
    status: int = 200
    body: bytes = b""
    warning: str | None = None
    validators: Validators = Validators()  # the answer's ETag and Last-Modified (kept for conditional requests)


def refusal(address: str, allow_private: bool, host: str | None = None) -> str | None:
    """Why a connection to this IP address (reached for `host`) is refused, or None when it may be fetched."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    ip = getattr(ip, "ipv4_mapped", None) or ip
    name = host if host and host.strip("[]") != address else str(ip)
    if ip.is_link_local or ip in METADATA_ADDRESSES:
        resolved = f" ({ip})" if name != str(ip) else ""
        return (f"{name} is a link-local or cloud metadata address{resolved}, never fetched, "
                "not even with --allow-private")
    if not ip.is_global and not allow_private:
        return f"{name} is a private or loopback address (use --allow-private)"
    return None


class _Watchdog:
    """Closes the download's sockets when its deadline passes, so no read can outlive it."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            if self.expired:
                raise TimeoutError("deadline passed")
            self._sockets.append(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

    def cancel(self) -> None:
        self._timer.cancel()


class _GuardedConnection(urllib3.connection.HTTPConnection):
    """A connection that checks the address it reached and hands its socket to the watchdog."""

    def __init__(self, *args, allow_private: bool = False, watchdog: _Watchdog | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._allow_private, self._watchdog = allow_private, watchdog

    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()
        reason = refusal(sock.getpeername()[0], self._allow_private)
        if reason is None and self._watchdog is not None:
            try:
                self._watchdog.watch(sock)
            except TimeoutError as exc:
                reason = str(exc)
        if reason:
            sock.close()
            raise urllib3.exceptions.NewConnectionError(self, f"refused: {reason}")
        return sock


class _GuardedHTTPSConnection(_GuardedConnection, urllib3.connection.HTTPSConnection):
    pass


class _HTTPPool(urllib3.HTTPConnectionPool):
    ConnectionCls = _GuardedConnection


class _HTTPSPool(urllib3.HTTPSConnectionPool):
    ConnectionCls = _GuardedHTTPSConnection


def retry_after(value: str | None) -> float | None:
    """Seconds a Retry-After header asks for (delta-seconds or an HTTP date), None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _charset(content_type: str) -> str | None:
    match = re.search(r"charset\s*=\s*[\"']?([\w.:-]+)", content_type or "", re.I)
    return match.group(1) if match else None


def _codec(name: str | None) -> str | None:
    try:
        return codecs.lookup(name).name if name else None
    except LookupError:
        return None


def decode(body: bytes, content_type: str) -> tuple[str, str | None]:
    """Text of a body and a warning when it did not fit its declared charset.

    A byte-order mark wins, then the charset of the Content-Type header, then the one the document
    declares (<meta charset>, <?xml encoding?>). When the body is not valid in that charset (a
    cp1251 page served as utf-8), the document's own declaration and then detection
    (charset_normalizer) are tried, and the warning says what was used.
    """
    for bom, name in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if body.startswith(bom):
            return body.decode(name, "replace"), None
    head = body[:4096]
    inner = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
    declared = [c for c in (_codec(_charset(content_type)), _codec(inner.group(1).decode("ascii") if inner else None))
                if c]
    first = declared[0] if declared else "utf-8"
    try:
        return body.decode(first), None
    except UnicodeDecodeError:
        pass
    for name in declared[1:]:
        try:
            return body.decode(name), f"not valid {first} as declared; decoded as {name}, as the page itself declares"
        except UnicodeDecodeError:
            continue
    # Detection reads the text between tags that holds non-ASCII bytes: on a page whose scripts and
    # menus are ASCII, the whole body (or its head and tail, as trafilatura samples) says little.
    sample = b" ".join(_NON_ASCII_TEXT.findall(body[:2_000_000]))[:200_000] or body[:200_000]
    best = charset_normalizer.from_bytes(sample).best()
    if best is not None and best.encoding:
        return (body.decode(best.encoding, "replace"),
                f"not valid {first} as declared; decoded as {_codec(best.encoding) or best.encoding} (detected)")
    return body.decode(first, "replace"), f"not valid {first} as declared; undecodable bytes replaced"


@dataclass
class Fetcher:
    """Thread-safe downloader with a per-host politeness delay, bounded as `FetchPolicy` and `Limits` say."""

    allow_private: bool = False
    timeout: float = FetchPolicy.timeout
    delay: float = 1.0
    max_bytes: int = Limits.page_bytes
    deadline: float = FetchPolicy.deadline
    retry_cap: float = FetchPolicy.retry_cap
    max_redirects: int = FetchPolicy.max_redirects
    limits: Limits = field(default_factory=Limits)
    _next_slot: dict[str, float] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def check(self, url: str) -> None:
        """Refuse non-http(s) URLs and hosts resolving to refused addresses (see `refusal`)."""
        if not is_url(url):
            raise FetchError(f"{url}: refused: only http(s) URLs are fetched")
        host = urlsplit(url).hostname or ""
        try:
            addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
        except socket.gaierror as exc:
            raise FetchError(f"{url}: no response: host not found ({exc.strerror})") from exc
        except UnicodeError as exc:
            raise FetchError(f"{url}: refused: invalid host name") from exc
        for addr in sorted(addresses):
            reason = refusal(addr, self.allow_private, host)
            if reason:
                raise FetchError(f"{url}: refused: {reason}")

    def _wait_turn(self, url: str, at_least: float = 0.0) -> None:
        host = (urlsplit(url).hostname or "").lower()
        with self._lock:
            now = time.monotonic()
            if len(self._next_slot) >= MAX_HOSTS_KEPT:  # a long-running watch: forget hosts whose turn has passed
                self._next_slot = {h: t for h, t in self._next_slot.items() if t > now}
            slot = max(now + at_least, self._next_slot.get(host, now))
            self._next_slot[host] = slot + self.delay
        if slot > now:
            time.sleep(slot - now)

    def get(self, url: str, validators: Validators | None = None) -> Fetched:
        """Download one URL; raise FetchError with a one-line reason (HTTP status, timeout, size…).

        Redirects are followed (each hop checked); an HTTP 429/503 whose Retry-After is at most
        `retry_cap` s is retried once after that wait; nothing else is retried. With `validators`
        the request is conditional, and a 304 comes back as a Fetched with status 304 and no body."""
        current, hops, retried, pause = url, 0, None, 0.0
        conditional = validators.headers() if validators else {}
        while True:
            prefix = url if current == url else f"{url}: redirected to {current}"
            try:
                self.check(current)
            except FetchError as exc:
                raise FetchError(str(exc).replace(current, prefix, 1)) from exc
            self._wait_turn(current, pause)
            status, reason, headers, body = self._request(current, prefix, conditional)
            if status in REDIRECTS and headers.get("location"):
                hops += 1
                if hops > self.max_redirects:
                    raise FetchError(f"{prefix}: HTTP {status}: more than {self.max_redirects} redirects")
                current = urljoin(current, headers["location"].strip())
                continue
            if status in RETRY_STATUSES and retried is None:
                wait = retry_after(headers.get("retry-after"))
                if wait is not None and wait <= self.retry_cap:
                    retried, pause = wait, wait
                    continue
                asked = (f"Retry-After {wait:g} s is above the {self.retry_cap:g} s cap" if wait is not None
                         else "no Retry-After")
                raise FetchError(f"{prefix}: HTTP {status} {reason} ({asked}; not retried)", status, wait)
            if status == 304 and conditional:
                return Fetched(url=url, final_url=current, text="", content_type="", status=304,
                               validators=_validators(headers, validators))
            if status != 200:
                again = f" (after one retry {retried:g} s later, as Retry-After asked)" if retried is not None else ""
                wait = retry_after(headers.get("retry-after")) if status in RETRY_STATUSES else None
                raise FetchError(f"{prefix}: HTTP {status}{' ' + reason if reason else ''}{again}".rstrip(),
                                 status, wait)
            if not body:
                raise FetchError(f"{prefix}: HTTP 200, empty response", status)
            content_type = headers.get("content-type", "")
            text, warning = decode(body, content_type)
            return Fetched(url=url, final_url=current, text=text, body=body, status=status,
                           content_type=content_type.split(";")[0].strip().lower(),
                           warning=f"{prefix}: {warning}" if warning else None,
                           validators=_validators(headers))

    def _request(self, url: str, prefix: str, conditional: dict[str, str] | None = None
                 ) -> tuple[int, str, dict[str, str], bytes]:
        """One GET without redirects or retries: (status, reason, lower-cased headers, body of a 200)."""
        parts = urlsplit(url)
        https = parts.scheme.lower() == "https"
        watchdog = _Watchdog(self.deadline)
        kwargs = dict(allow_private=self.allow_private, watchdog=watchdog, maxsize=1, retries=False,
                      timeout=urllib3.Timeout(connect=self.timeout, read=min(self.timeout, self.deadline)))
        if https:
            kwargs.update(cert_reqs="CERT_REQUIRED", ca_certs=certifi.where())
        pool = (_HTTPSPool if https else _HTTPPool)(parts.hostname, parts.port, **kwargs)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        status, got = None, 0
        try:
            response = pool.urlopen("GET", target, headers={**HEADERS, **(conditional or {})}, redirect=False,
                                    retries=False, preload_content=False, decode_content=False,
                                    assert_same_host=False)
            status = response.status
            headers = {k.lower(): v for k, v in response.headers.items()}
            try:
                body = self._body(response, headers, prefix) if status == 200 and not watchdog.expired else b""
            finally:
                response.release_conn()
            got = len(body)
            if watchdog.expired:  # the socket was closed under a read: what came may be cut short
                raise OSError("deadline passed")
            return status, response.reason or "", headers, body
        except FetchError:
            raise
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            if watchdog.expired:
                where = (f"HTTP {status}: the download took longer than the {self.deadline:g} s limit"
                         if status else f"no response within the {self.deadline:g} s download limit")
                raise FetchError(f"{prefix}: {where}", status) from exc
            raise FetchError(f"{prefix}: {_reason(exc, status, self.timeout, got)}", status) from exc
        finally:
            watchdog.cancel()
            pool.close()

    def _body(self, response: urllib3.BaseHTTPResponse, headers: dict[str, str], prefix: str) -> bytes:
        """The body, streamed under the size limit (after decompression) and the expansion cap."""
        limit = self.max_bytes
        encoding = headers.get("content-encoding", "identity").strip().lower()
        if encoding not in ("identity", "gzip", "x-gzip", "deflate", ""):
            raise FetchError(f"{prefix}: HTTP 200, unsupported content-encoding {encoding}", 200)
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise FetchError(f"{prefix}: HTTP 200, {megabytes(int(declared))} declared, larger than the "
                             f"{megabytes(limit)} size limit", 200)
        inflater = Inflater(encoding, limit, self.limits.gzip_ratio, " size limit") if encoding in (
            "gzip", "x-gzip", "deflate") else None
        out, raw = bytearray(), 0
        try:
            while chunk := response.read1(CHUNK):
                raw += len(chunk)
                out += inflater.feed(chunk) if inflater else chunk
                if len(out) > limit or raw > limit:
                    raise LimitError(f"larger than the {megabytes(limit)} size limit")
            if inflater:
                out += inflater.finish()
        except LimitError as exc:
            raise FetchError(f"{prefix}: HTTP 200, {exc}", 200) from exc
        return bytes(out)

    def page(self, url: str) -> Fetched:
        """Download an HTML page; anything else (PDF, image, JSON…) is refused."""
        fetched = self.get(url)
        if fetched.content_type and fetched.content_type not in HTML_TYPES:
            raise FetchError(f"{url}: HTTP 200, not HTML (content-type {fetched.content_type})")
        if not fetched.content_type and "<" not in fetched.text[:1000]:
            raise FetchError(f"{url}: HTTP 200, not HTML")
        return fetched

    def feed(self, url: str) -> list[Item | InputError]:
        """Items of a remote feed (parsed once, at most `limits.feed_items`); a web page is searched
        for its feed links first (trafilatura.feeds)."""
        polled = self.poll_feed(url)
        return [*polled.items, *polled.notes]

    def poll_feed(self, url: str, validators: Validators | None = None) -> Polled:
        """One poll of a feed, conditional when `validators` (from the last poll) are given: a 304
        gives no items. A web page is searched for its feed links (trafilatura.feeds); its
        validators are then not kept, since an unchanged page says nothing about its feed."""
        fetched = self.get(url, validators)
        if fetched.status == 304:
            return Polled(304, documents={url: Document(url, None, fetched.validators)})
        try:
            return _polled(feed_items(fetched.body, url, self.limits.feed_items),
                           {url: Document(url, None, fetched.validators)})
        except InputError:
            pass  # not a feed: a web page that may link to one
        params = feeds.FeedParameters(fetched.final_url, urlsplit(fetched.final_url).netloc, "")
        for feed_url in feeds.determine_feed(fetched.text, params):
            if feed_url != url:
                try:
                    return _polled(feed_items(self.get(feed_url).body, feed_url, self.limits.feed_items), {})
                except (FetchError, InputError):
                    continue
        raise FetchError(f"{url}: HTTP 200, no RSS/Atom feed found", 200)

    def sitemap(self, url: str) -> list[Item | InputError]:
        """Page URLs of an XML or plain-text sitemap (also .xml.gz), following nested sitemap indexes
        (see `poll_sitemap`)."""
        polled = self.poll_sitemap(url)
        return [*polled.items, *polled.notes]

    def poll_sitemap(self, url: str, known: Mapping[str, Document] | None = None) -> Polled:
        """One poll of a sitemap: the page URLs (with their <lastmod> as the item's version) of every
        sitemap file that changed, following nested sitemap indexes.

        trafilatura.sitemaps.sitemap_search would do this, but courlan rejects IP-address hosts
        (intranet mirrors, the test server), so the same <loc> walk is done here on fetched text.
        An index never lists itself or another index as a page; at most `limits.sitemaps` files
        and `limits.sitemap_urls` page URLs are taken, with one InputError naming the limit. With
        `known` (the documents of the last poll) every request is conditional; a file answering 304
        lists nothing new, and the nested sitemaps it listed last time are checked in its place.
        """
        known = known or {}
        queue, seen, pages, notes = [(url, None)], {url}, {}, []
        documents: dict[str, Document] = {}
        status = fetched_files = 0
        while queue:
            if fetched_files >= self.limits.sitemaps:
                notes.append(InputError(url, f"{len(queue):,} nested sitemaps left out (the limit is "
                                             f"{self.limits.sitemaps} sitemap files)"))
                break
            current, parent = queue.pop(0)
            fetched_files += 1
            previous = known.get(current)
            try:
                fetched = self.get(current, previous.validators if previous else None)
            except FetchError as exc:
                if current == url:
                    raise
                notes.append(InputError(current, str(exc).removeprefix(f"{current}: ")))
                continue
            status = status or fetched.status
            documents[current] = Document(current, parent, fetched.validators)
            if fetched.status == 304:
                listed = [(d.url, True) for d in known.values() if d.parent == current]
            else:
                try:
                    links = _sitemap_links(self._sitemap_body(fetched), current)
                except FetchError as exc:
                    if current == url:
                        raise
                    notes.append(InputError(current, str(exc).removeprefix(f"{current}: ")))
                    continue
                listed = []
                for link, nested, lastmod in links:
                    if not nested:
                        if link not in seen:
                            pages.setdefault(link, lastmod)
                    else:
                        listed.append((link, True))
            for link, _ in listed:
                if link not in seen:
                    seen.add(link)
                    queue.append((link, current))
        if not pages and not notes and status != 304:
            raise FetchError(f"{url}: HTTP 200, no page URLs found in sitemap", 200)
        links = list(pages)
        if len(links) > self.limits.sitemap_urls:
            notes.append(InputError(url, f"sitemaps list {len(links):,} pages; only the first "
                                         f"{self.limits.sitemap_urls:,} are taken (the sitemap URL limit)"))
            links = links[:self.limits.sitemap_urls]
        return Polled(status, [Item(input=u, url=u, version=pages[u]) for u in links], notes, documents)

    def _sitemap_body(self, fetched: Fetched) -> bytes:
        if fetched.body[:2] != b"\x1f\x8b":  # a .xml.gz sitemap served as a file
            return fetched.body
        inflater = Inflater("gzip", self.max_bytes, self.limits.gzip_ratio, " size limit")
        try:
            return inflater.feed(fetched.body) + inflater.finish()
        except LimitError as exc:
            raise FetchError(f"{fetched.final_url}: HTTP 200, {exc}") from exc


def _sitemap_links(body: bytes, url: str) -> list[tuple[str, bool, str | None]]:
    """(URL, is a nested sitemap, its <lastmod>) for each <loc> of an XML sitemap, or each URL line of a text one."""
    if body.lstrip()[:1] != b"<":
        text, _ = decode(body, "text/plain")
        return [(line.strip(), False, None) for line in text.splitlines() if is_url(line.strip())]
    try:
        root = etree.fromstring(body, _XML_PARSER)
    except etree.XMLSyntaxError as exc:
        raise FetchError(f"{url}: HTTP 200, not a readable sitemap ({exc.msg})", 200) from exc
    if root is None:
        raise FetchError(f"{url}: HTTP 200, not a readable sitemap", 200)
    nested = etree.QName(root).localname == "sitemapindex"
    out = []
    for loc in root.iter("{*}loc"):
        link = (loc.text or "").strip()
        if is_url(link):
            lastmod = loc.getparent().find("{*}lastmod") if loc.getparent() is not None else None
            out.append((link, nested, (lastmod.text or "").strip()[:64] or None if lastmod is not None else None))
    return out


def _polled(found: list[Item | InputError], documents: dict[str, Document]) -> Polled:
    return Polled(200, [f for f in found if isinstance(f, Item)], [f for f in found if isinstance(f, InputError)],
                  documents)


def _validators(headers: dict[str, str], sent: Validators | None = None) -> Validators:
    """The ETag and Last-Modified of an answer (a 304 may leave them out: then the ones sent stand).
    Values longer than MAX_VALIDATOR characters are not kept."""
    etag, modified = headers.get("etag"), headers.get("last-modified")
    keep = lambda v: v.strip() if v and len(v) <= MAX_VALIDATOR else None  # noqa: E731
    if sent is not None:
        return Validators(keep(etag) or sent.etag, keep(modified) or sent.last_modified)
    return Validators(keep(etag), keep(modified))


def _reason(exc: BaseException, status: int | None, timeout: float, got: int) -> str:
    """One line for a download that failed below HTTP (no status) or while the body streamed."""
    inner = getattr(exc, "reason", None) or exc
    text = str(inner)
    if "refused: " in text:
        return "refused: " + text.split("refused: ", 1)[1]
    if status:
        lead = f"HTTP {status}, the body broke off after {got:,} bytes"
    else:
        lead = "no response"
    if isinstance(inner, (urllib3.exceptions.ConnectTimeoutError,)) or "connect timeout" in text.lower():
        return f"{lead}: could not connect within {timeout:g} s"
    if isinstance(inner, (urllib3.exceptions.ReadTimeoutError, TimeoutError, socket.timeout)) or "timed out" in text:
        return f"{lead}: no data for {timeout:g} s (read timeout)"
    if isinstance(inner, ConnectionRefusedError) or "Connection refused" in text:
        return f"{lead}: connection refused"
    if isinstance(inner, urllib3.exceptions.SSLError) or "SSL" in text or "certificate" in text.lower():
        return f"{lead}: TLS failed ({text.split(': ')[-1][:160]})"
    if isinstance(inner, urllib3.exceptions.NameResolutionError) or "resolve" in text:
        return f"{lead}: host not found"
    return f"{lead}: {type(inner).__name__}: {' '.join(text.split())[:200]}"
