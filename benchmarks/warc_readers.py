"""warcio 1.8.1 against fastwarc 2.0.0 on the same archive: speed, memory, install size, licence, and what each
does with one-stream gzip, truncated and corrupt archives. The figures behind the pipeline's choice of reader.

The archive is written by warcio (one gzip member per record, as crawlers write them) from real pages
(`--pages`, default ../shared/corpora/trafilatura_eval/html, when present) or from generated sample
pages: per page a request and a response record, plus a few image responses. Each measurement runs in
its own process (fresh peak RSS):

- full: iterate every record, read the payload of each HTML 200 response (records/s, MB/s of payload);
- scan: iterate every record reading only headers (what `warc.scan` does before any page is processed);
- random: read single response records by their offset (what a worker does per page), ms per record.

    python benchmarks/warc_readers.py [--pages DIR] [--copies 2]

Results: benchmarks/results/warc_readers.md.
"""
from __future__ import annotations

import argparse
import gzip
import importlib.metadata
import io
import json
import platform
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from packaging.requirements import Requirement  # noqa: E402
from warcio.statusandheaders import StatusAndHeaders  # noqa: E402
from warcio.warcwriter import WARCWriter  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
READERS = ("warcio", "fastwarc")

# One measurement, run in a fresh interpreter: prints a JSON object.
PROBE = textwrap.dedent("""
    import json, re, sys, time
    reader, mode, path = sys.argv[1], sys.argv[2], sys.argv[3]
    offsets = json.loads(sys.argv[4]) if len(sys.argv) > 4 else []
    started = time.perf_counter()
    records = pages = payload = 0
    if reader == "warcio":
        from warcio.archiveiterator import ArchiveIterator
        if mode == "random":
            with open(path, "rb") as f:
                for offset in offsets:
                    f.seek(offset)
                    payload += len(next(iter(ArchiveIterator(f))).content_stream().read()); records += 1
        else:
            with open(path, "rb") as f:
                for rec in ArchiveIterator(f):
                    records += 1
                    if mode == "full" and rec.rec_type == "response" and rec.http_headers.get_statuscode() == "200" \\
                            and "html" in (rec.http_headers.get_header("Content-Type") or ""):
                        payload += len(rec.content_stream().read()); pages += 1
    else:
        from fastwarc.warc import ArchiveIterator, WarcRecordType
        if mode == "random":
            with open(path, "rb") as f:
                for offset in offsets:
                    f.seek(offset)
                    payload += len(next(iter(ArchiveIterator(f, auto_decode="all"))).reader.read()); records += 1
        else:
            with open(path, "rb") as f:
                for rec in ArchiveIterator(f, auto_decode="all" if mode == "full" else "none"):
                    records += 1
                    if mode == "full" and rec.record_type == WarcRecordType.response \\
                            and rec.http_headers.status_code == 200 and "html" in (rec.http_content_type or ""):
                        payload += len(rec.reader.read()); pages += 1
    seconds = time.perf_counter() - started
    # VmHWM: this process's own peak (ru_maxrss would carry the parent's peak across exec)
    peak = int(re.search(r"VmHWM:\\s+(\\d+) kB", open("/proc/self/status").read()).group(1)) * 1024
    print(json.dumps({"records": records, "pages": pages, "payload": payload, "seconds": seconds, "peak_rss": peak}))
""")

# What each reader does with a damaged archive: records it yields, and the error it raises (if any).
EDGE = textwrap.dedent("""
    import json, sys
    reader, path = sys.argv[1], sys.argv[2]
    n, error, short = 0, None, 0
    try:
        if reader == "warcio":
            from warcio.archiveiterator import ArchiveIterator
            with open(path, "rb") as f:
                for rec in ArchiveIterator(f, no_record_parse=True):  # the whole block against Content-Length
                    n += 1
                    short += len(rec.raw_stream.read()) < rec.length
        else:
            from fastwarc.warc import ArchiveIterator
            with open(path, "rb") as f:
                for rec in ArchiveIterator(f):
                    n += 1
                    expected = rec.content_length
                    short += rec.consume() < expected
    except Exception as exc:
        error = f"{type(exc).__name__}: {' '.join(str(exc).split())[:90]}".encode("ascii", "replace").decode()
    print(json.dumps({"records": n, "short": short, "error": error}))
""")


def _pages(folder: Path | None, work: Path) -> list[bytes]:
    if folder is not None and folder.is_dir():
        files = sorted(p for p in folder.iterdir() if p.name.endswith((".html", ".html.gz", ".htm")))
        return [gzip.decompress(p.read_bytes()) if p.suffix == ".gz" else p.read_bytes() for p in files]
    from tools.sample.generator import generate
    generate(work / "sample", 400, 11)
    return [p.read_bytes() for p in sorted((work / "sample").rglob("*.html"))]


def build(path: Path, pages: list[bytes], copies: int) -> list[int]:
    """The benchmark archive; returns the offsets of its HTML response records."""
    offsets = []
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=path.name.endswith(".gz"))
        for copy in range(copies):
            for n, body in enumerate(pages):
                uri = f"https://bench.example/{copy}/{n}"
                request = StatusAndHeaders(f"GET /{copy}/{n} HTTP/1.1", [("Host", "bench.example")],
                                           is_http_request=True)
                writer.write_record(writer.create_warc_record(uri, "request", payload=io.BytesIO(b""),
                                                              http_headers=request))
                offsets.append(handle.tell())
                http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
                writer.write_record(writer.create_warc_record(uri, "response", payload=io.BytesIO(body),
                                                              http_headers=http))
                if n % 20 == 0:
                    image = StatusAndHeaders("200 OK", [("Content-Type", "image/png")], protocol="HTTP/1.1")
                    writer.write_record(writer.create_warc_record(f"{uri}.png", "response",
                                                                  payload=io.BytesIO(b"\x89PNG" + bytes(20_000)),
                                                                  http_headers=image))
    return offsets


def probe(reader: str, mode: str, path: Path, offsets: list[int] | None = None) -> dict:
    args = [sys.executable, "-c", PROBE, reader, mode, str(path)] + ([json.dumps(offsets)] if offsets else [])
    return json.loads(subprocess.run(args, capture_output=True, text=True, check=True).stdout)


def edge(reader: str, path: Path) -> dict:
    return json.loads(subprocess.run([sys.executable, "-c", EDGE, reader, str(path)], capture_output=True,
                                     text=True, check=True).stdout)


def installed(name: str, seen: set[str] | None = None) -> tuple[int, list[str]]:
    """Bytes installed by a distribution and its runtime dependencies (from their RECORD files), and their names."""
    seen = set() if seen is None else seen
    key = name.lower().replace("_", "-")
    if key in seen:
        return 0, []
    seen.add(key)
    dist = importlib.metadata.distribution(name)
    size = sum((f.size or 0) for f in dist.files or [])
    names = [dist.metadata["Name"]]
    for requirement in map(Requirement, dist.requires or []):
        if requirement.marker is not None and not requirement.marker.evaluate({"extra": ""}):
            continue  # an extra, or another platform's dependency
        dep_size, dep_names = installed(requirement.name, seen)
        size += dep_size
        names += dep_names
    return size, names


def licence(name: str) -> str:
    meta = importlib.metadata.metadata(name)
    return meta.get("License-Expression") or meta.get("License") or "?"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=Path, default=ROOT.parent / "shared" / "corpora" / "trafilatura_eval" / "html")
    parser.add_argument("--copies", type=int, default=2, help="times each page is archived (default 2)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="warc-bench-"))
    pages = _pages(args.pages, work)
    source = f"{args.pages.parent.name}/{args.pages.name}" if args.pages.is_dir() else "the sample generator"
    lines = [f"# WARC readers: warcio {importlib.metadata.version('warcio')} against fastwarc "
             f"{importlib.metadata.version('fastwarc')}", "",
             f"Machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}; "
             f"{len(pages)} pages from {source} "
             f"× {args.copies}.", ""]
    for suffix in (".warc.gz", ".warc"):
        archive = work / f"bench{suffix}"
        offsets = build(archive, pages, args.copies)
        size = archive.stat().st_size
        lines += [f"## `{suffix}` — {size / 1e6:.1f} MB, {len(offsets):,} HTML responses", "",
                  "| reader | full read: records/s | payload MB/s | scan: records/s | one record by offset: ms "
                  "| peak RSS (full read) |", "|---|---|---|---|---|---|"]
        for reader in READERS:
            full = probe(reader, "full", archive)
            scan = probe(reader, "scan", archive)
            random = probe(reader, "random", archive, offsets[::7])
            lines.append(f"| {reader} | {full['records'] / full['seconds']:,.0f} | "
                         f"{full['payload'] / 1e6 / full['seconds']:,.0f} | {scan['records'] / scan['seconds']:,.0f} | "
                         f"{random['seconds'] / random['records'] * 1000:.2f} | {full['peak_rss'] / 1e6:.0f} MB |")
            print(lines[-1], flush=True)
        lines.append("")
    plain = work / "bench.warc"
    damaged = {"one gzip stream (whole file gzipped)": work / "stream.warc.gz",
               "truncated inside the last record": work / "cut.warc.gz",
               "corrupt bytes inside a record": work / "corrupt.warc.gz"}
    damaged["one gzip stream (whole file gzipped)"].write_bytes(gzip.compress(plain.read_bytes()))
    members = (work / "bench.warc.gz").read_bytes()
    damaged["truncated inside the last record"].write_bytes(members[:len(members) - 5000])
    corrupt = bytearray(members)
    for i in range(len(corrupt) // 2, len(corrupt) // 2 + 100):
        corrupt[i] ^= 0xFF
    damaged["corrupt bytes inside a record"].write_bytes(bytes(corrupt))
    lines += ["## Damaged archives", "", "| archive | " + " | ".join(READERS) + " |", "|---|---|---|"]
    for label, path in damaged.items():
        cells = []
        for reader in READERS:
            got = edge(reader, path)
            short = f", {got['short']} shorter than declared" if got["short"] else ""
            cells.append(f"{got['records']:,} records read{short}"
                         + (f"; raises {got['error']}" if got["error"] else "; no error"))
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    lines += ["", "## Install and licence", "",
              "| reader | installed with its dependencies | licence |", "|---|---|---|"]
    for reader in READERS:
        size, names = installed(reader)
        lines.append(f"| {reader} | {size / 1e6:.1f} MB ({', '.join(names)}) | {licence(reader)} |")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "warc_readers.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
