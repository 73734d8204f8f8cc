"""Bounded reading: local files and gzip/deflate streams refused past a size or expansion limit.

Decompression is streamed with a cap on each step's output, so a compression bomb is refused after
at most one step past the limit instead of being unpacked into memory. Each refusal is a
`LimitError` whose message names the limit (the caller prefixes the input).
"""
from __future__ import annotations

import zlib
from collections.abc import Iterator
from pathlib import Path

CHUNK = 1 << 16
# Below this much output the expansion ratio is not judged (a tiny page may compress very well).
RATIO_FLOOR = 1 << 20


class LimitError(ValueError):
    """An input over one of the limits; the message names the limit."""


def megabytes(n: int) -> str:
    """A byte count for messages: '10 MB', '1.5 MB', '512 KB'."""
    if n >= 1_000_000:
        return f"{n / 1_000_000:.3g} MB"
    return f"{n / 1000:.3g} KB" if n >= 1000 else f"{n} bytes"


class Inflater:
    """Streaming gzip (any number of members) or zlib/raw deflate decoder with an output cap and a ratio cap.

    `kind` ends the size message ("… limit for a page")."""

    def __init__(self, encoding: str, max_bytes: int, max_ratio: int, kind: str = "") -> None:
        self.gzip = encoding in ("gzip", "x-gzip")
        self.encoding, self.max_bytes, self.max_ratio, self.kind = encoding, max_bytes, max_ratio, kind
        self.consumed = self.produced = 0
        self.members = 0
        self._done = False
        self._new()

    def _new(self) -> None:
        # gzip: 16 + MAX_WBITS; deflate as servers send it is usually zlib-wrapped, sometimes raw.
        self._obj = zlib.decompressobj(16 + zlib.MAX_WBITS if self.gzip else zlib.MAX_WBITS)
        self._raw_fallback = not self.gzip

    def _check(self) -> None:
        if self.produced > self.max_bytes:
            raise LimitError(f"decompresses to more than the {megabytes(self.max_bytes)} limit{self.kind}")
        if self.produced > RATIO_FLOOR and self.produced > self.max_ratio * max(self.consumed, 1):
            raise LimitError(f"expands more than {self.max_ratio}× when decompressed "
                             "(the limit for compressed inputs; a compression bomb?)")

    def feed(self, data: bytes) -> bytes:
        """Decompressed bytes for the next compressed chunk; raises LimitError past a limit."""
        out = bytearray()
        while data and not self._done:
            try:
                part = self._obj.decompress(data, CHUNK)
            except zlib.error as exc:
                if self._raw_fallback:
                    self._obj, self._raw_fallback = zlib.decompressobj(-zlib.MAX_WBITS), False
                    continue
                if self.members:  # trailing bytes after complete gzip members: ignored, as gzip(1) does
                    self._done = True
                    break
                raise LimitError(f"not valid {self.encoding} data ({exc})") from exc
            self._raw_fallback = False
            rest = self._obj.unused_data if self._obj.eof else self._obj.unconsumed_tail
            self.consumed += len(data) - len(rest)  # input actually decoded so far: the ratio's base
            out += part
            self.produced += len(part)
            self._check()
            data = rest
            if self._obj.eof:
                self.members += 1
                if not self.gzip:
                    self._done = True
                elif data:
                    self._new()  # another gzip member follows
        return bytes(out)

    def finish(self) -> bytes:
        """Whatever the decoder still holds at the end of the stream."""
        tail = b"" if self._done else self._obj.flush()
        self.produced += len(tail)
        self._check()
        return tail


def read_file(path: Path, max_bytes: int, max_ratio: int, kind: str) -> bytes:
    """A local file's bytes, transparently gunzipped for `.gz`; refused (LimitError) over `max_bytes`
    (after decompression) or, for `.gz`, over `max_ratio`× expansion. `kind` names the limit ("a page")."""
    return b"".join(iter_file(path, max_bytes, max_ratio, kind))


def iter_file(path: Path, max_bytes: int, max_ratio: int, kind: str) -> Iterator[bytes]:
    """`read_file` as a stream of chunks (for files read line by line)."""
    gz = path.name.lower().endswith(".gz")
    size = path.stat().st_size
    if not gz and size > max_bytes:
        raise LimitError(f"{megabytes(size)}, larger than the {megabytes(max_bytes)} limit for {kind}")
    inflater = Inflater("gzip", max_bytes, max_ratio, f" for {kind}") if gz else None
    total = 0
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            if inflater is not None:
                yield inflater.feed(chunk)
                continue
            total += len(chunk)
            if total > max_bytes:  # the file grew while being read
                raise LimitError(f"larger than the {megabytes(max_bytes)} limit for {kind}")
            yield chunk
    if inflater is not None:
        yield inflater.finish()
