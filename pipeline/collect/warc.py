"""Web archives (WARC, ISO 28500) as inputs: find the HTML pages in a `.warc` / `.warc.gz`, read one on demand.

`scan` streams through an archive once and yields, per record, a `Capture` (an HTML 200 response:
its offset, target URI and capture time), a `Skip` (a record that is not a page, with why) or, for
a damaged archive, one `WarcError` after which the scan stops. It keeps nothing of the payloads, so
an archive of any size costs the same memory; `read_page` later reads the one record at an offset
(in a worker process), bounded by the page size limit. Reading is done with fastwarc (see README,
"Web archives" for the measurements behind that choice).
"""
from __future__ import annotations

import codecs
import datetime as dt
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from fastwarc.warc import ArchiveIterator, WarcRecord, WarcRecordType

WARC_SUFFIXES = (".warc", ".warc.gz")
HTML_TYPES = ("text/html", "application/xhtml+xml")
PAGE_BYTES = 10_000_000  # the page size limit of fetching, applied to each record's payload
GZIP_MAGIC = b"\x1f\x8b"
HEADER_BYTES = 1 << 20  # WARC or HTTP headers of one record (fastwarc's default, 32 KB, trips on big cookies)


class WarcError(ValueError):
    """An archive or record that cannot be read; the message is one line naming the file and where."""


@dataclass(frozen=True)
class Capture:
    """An HTML page captured with HTTP 200: where its record starts, its URI and when it was captured (None
    when the record's WARC-Date is missing or unreadable)."""

    offset: int
    uri: str
    captured: dt.datetime | None


@dataclass(frozen=True)
class Skip:
    """A record that is not a page to extract, and why ('request record', 'HTTP 404', 'not HTML (image/png)')."""

    offset: int
    reason: str


def _megabytes(n: int) -> str:
    return f"{n / 1_000_000:.3g} MB"


def _utc(when: dt.datetime | None) -> dt.datetime | None:
    """A capture time as naive UTC, as DuckDB TIMESTAMP columns store it."""
    if when is None or when.tzinfo is None:
        return when
    return when.astimezone(dt.timezone.utc).replace(tzinfo=None)


def _uri(record: WarcRecord) -> str:
    return (record.headers.get("WARC-Target-URI") or "").strip().strip("<>")


def _classify(record: WarcRecord, max_bytes: int, where: str) -> Capture | Skip | WarcError:
    offset = record.stream_pos
    if record.record_type != WarcRecordType.response:
        return Skip(offset, f"{record.record_type} record")
    if not record.is_http:
        return Skip(offset, "response without HTTP headers")
    status = record.http_headers.status_code
    if status != 200:
        return Skip(offset, f"HTTP {status}" if status is not None else "unreadable HTTP status line")
    content_type = (record.http_content_type or "").lower()
    if content_type and content_type not in HTML_TYPES:
        return Skip(offset, f"not HTML ({content_type})")
    uri = _uri(record)
    if not uri.lower().startswith(("http://", "https://")):
        return Skip(offset, "not an http(s) URI")
    if record.content_length > max_bytes:
        return WarcError(f"{where}: record at byte {offset:,} ({uri}) holds {_megabytes(record.content_length)}, "
                         f"over the {_megabytes(max_bytes)} page limit")
    return Capture(offset, uri, _utc(record.record_date))


def _gzip_tail_cut(path: Path, last_offset: int) -> bool:
    """True when a gzip archive does not end with the complete member of its last record (the file was cut
    inside the headers of a record after it)."""
    inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
    with path.open("rb") as handle:
        handle.seek(last_offset)
        while chunk := handle.read(1 << 16):
            try:
                inflate.decompress(chunk, 1 << 16)
                while inflate.unconsumed_tail and not inflate.eof:
                    inflate.decompress(inflate.unconsumed_tail, 1 << 16)
            except zlib.error:
                return True
            if inflate.eof:
                return bool(inflate.unused_data) or bool(handle.read(1))
    return not inflate.eof


def scan(path: Path, max_bytes: int = PAGE_BYTES) -> Iterator[Capture | Skip | WarcError]:
    """Every record of an archive as a Capture or a Skip, in file order; a damaged archive ends with one
    WarcError (truncated, corrupt, or gzipped as one stream instead of one member per record)."""
    gzipped, read, last = False, 0, None
    with path.open("rb") as handle, path.open("rb") as probe:
        gzipped = probe.read(2) == GZIP_MAGIC
        records = ArchiveIterator(handle, parse_http=True, auto_decode="none", max_header_len=HEADER_BYTES)
        try:
            for record in records:
                offset = record.stream_pos
                if gzipped and offset:
                    probe.seek(offset)
                    if probe.read(2) != GZIP_MAGIC:
                        yield WarcError(f"{path}: compressed as one gzip stream, not one gzip member per record, "
                                        "so its records cannot be read one by one; recompress it with "
                                        "`warcio recompress` (or gunzip it)")
                        return
                where = f"{path}: record {read + 1} at byte {offset:,}"
                found = _classify(record, max_bytes, str(path))
                expected = record.content_length
                if record.consume() < expected:
                    yield WarcError(f"{where} is truncated (the file ends inside it); the {read:,} records before "
                                    "it were read")
                    return
                read, last = read + 1, offset
                yield found
        except OSError as exc:  # fastwarc: damaged compressed data or an unparseable record
            yield WarcError(f"{path}: unreadable after record {read:,} (byte {last or 0:,}): {exc}; "
                            f"the {read:,} records before it were read")
            return
    if gzipped and last is not None and _gzip_tail_cut(path, last):
        yield WarcError(f"{path}: truncated after record {read:,} (the file ends inside the next record's "
                        f"headers); the {read:,} records before it were read")
    elif read == 0:
        yield WarcError(f"{path}: no WARC records found (not a WARC file?)")


def _decoded(payload: bytes, charset: str | None) -> bytes:
    """The payload as UTF-8 when the HTTP header names another charset that fits it; else as stored
    (extraction then reads the page's own declaration)."""
    try:
        name = codecs.lookup(charset).name if charset else None
    except LookupError:
        return payload
    if name in (None, "utf-8"):
        return payload
    try:
        return payload.decode(name).encode("utf-8")
    except UnicodeDecodeError:
        return payload


def _payload(path: Path, offset: int, decode: str, max_bytes: int) -> tuple[WarcRecord, bytes]:
    with path.open("rb") as handle:
        handle.seek(offset)
        record = next(iter(ArchiveIterator(handle, parse_http=True, auto_decode=decode,
                                           max_header_len=HEADER_BYTES)), None)
        if record is None or record.record_type != WarcRecordType.response:
            raise WarcError(f"{path}: record at byte {offset:,}: no response record there")
        return record, record.reader.read(max_bytes + 1)


def read_page(path: Path, offset: int, max_bytes: int = PAGE_BYTES) -> bytes:
    """The HTML payload of the response record at `offset`, with its HTTP content and transfer encodings
    undone (a payload whose encoding does not decode is taken as stored); WarcError past `max_bytes`."""
    try:
        record, payload = _payload(path, offset, "all", max_bytes)
    except OSError:
        try:
            record, payload = _payload(path, offset, "none", max_bytes)
        except OSError as exc:
            raise WarcError(f"{path}: record at byte {offset:,}: unreadable ({exc})") from exc
    if len(payload) > max_bytes:
        raise WarcError(f"{path}: record at byte {offset:,}: page over the {_megabytes(max_bytes)} page limit "
                        "once decoded")
    return _decoded(payload, record.http_charset)
