"""WARC archives as ingest inputs: archives written by warcio from the fixture pages, read by the pipeline
(fastwarc) into a real DuckDB file."""
from __future__ import annotations

import datetime as dt
import gzip
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from pipeline import cli
from pipeline.collect.inputs import Item, Skipped, classify, expand
from pipeline.collect.warc import Capture, Skip, WarcError, read_page, scan
from pipeline.run.ingest import ingest
from tests.conftest import FIXTURES, PAGES, WarcRecord, write_warc
from tests.test_ingest import options, rows

BASE = "https://archive.example"


def _chunked(body: bytes, size: int = 1000) -> bytes:
    parts = [b"%x\r\n%s\r\n" % (len(body[i:i + size]), body[i:i + size]) for i in range(0, len(body), size)]
    return b"".join(parts) + b"0\r\n\r\n"


def _copies(path: Path, n: int = 3, compress: bool = True) -> Path:
    """An archive of `n` captures of one page, at /0, /1, …"""
    body = (PAGES / "border_talks.html").read_bytes()
    return write_warc(path, [WarcRecord(f"{BASE}/{i}", body) for i in range(n)], compress)


def _crawl() -> list[WarcRecord]:
    """A small crawl as crawlers write it: a warcinfo, request/response pairs, and records that are not pages."""
    russian = (FIXTURES / "extract" / "russian.html").read_text(encoding="utf-8").replace('<meta charset="utf-8">', "")
    return [
        WarcRecord(f"{BASE}/", kind="warcinfo"),
        WarcRecord(f"{BASE}/border", kind="request"),
        WarcRecord(f"{BASE}/border", (PAGES / "border_talks.html").read_bytes(), date="2024-05-02T08:30:00Z"),
        WarcRecord(f"{BASE}/convoy", kind="request"),
        WarcRecord(f"{BASE}/convoy", _chunked(gzip.compress((PAGES / "corridor_report.html").read_bytes(), mtime=0)),
                   date="2023-03-01T10:00:00Z",
                   headers=(("Content-Encoding", "gzip"), ("Transfer-Encoding", "chunked"))),
        WarcRecord(f"{BASE}/briefing", (PAGES / "briefing_sidelist.html").read_bytes(), date="2023-01-20T12:00:00Z"),
        WarcRecord(f"{BASE}/ru", russian.encode("cp1251"), content_type="text/html; charset=windows-1251",
                   date="2023-03-13T06:00:00Z"),
        WarcRecord(f"{BASE}/logo.png", b"\x89PNG\r\n\x1a\n" + bytes(64), content_type="image/png"),
        WarcRecord(f"{BASE}/report.pdf", b"%PDF-1.4", content_type="application/pdf"),
        WarcRecord(f"{BASE}/gone", b"<html><body><h1>Not found</h1></body></html>", status="404 Not Found"),
        WarcRecord(f"{BASE}/moved", b"", status="301 Moved Permanently", headers=(("Location", f"{BASE}/border"),)),
        WarcRecord(f"{BASE}/border", kind="revisit"),
        WarcRecord(f"{BASE}/border", b'{"outlinks": []}', kind="metadata", content_type="application/json"),
    ]


@pytest.mark.parametrize("compress", [True, False], ids=["warc.gz", "warc"])
def test_html_responses_become_articles_with_capture_time(db_path, tmp_path, compress):
    archive = write_warc(tmp_path / ("crawl.warc.gz" if compress else "crawl.warc"), _crawl(), compress)
    summary = ingest([str(archive)], options(db_path, tmp_path))

    assert (summary.ok, summary.failed) == (4, 0), summary.failures
    got = rows(db_path, "SELECT url, fetched_at, published, date_source FROM articles ORDER BY url")
    assert got == [
        (f"{BASE}/border", dt.datetime(2024, 5, 2, 8, 30), dt.date(2024, 4, 19), "meta"),
        (f"{BASE}/briefing", dt.datetime(2023, 1, 20, 12, 0), None, "none"),  # the capture time is no publication date
        (f"{BASE}/convoy", dt.datetime(2023, 3, 1, 10, 0), dt.date(2023, 2, 7), "meta"),
        (f"{BASE}/ru", dt.datetime(2023, 3, 13, 6, 0), dt.date(2023, 3, 12), "text"),
    ]
    texts = dict(rows(db_path, "SELECT url, text FROM articles"))
    assert "continue the work on the northern section" in texts[f"{BASE}/border"]
    assert "Aid convoy" in texts[f"{BASE}/convoy"]  # chunked and gzip-encoded payload decoded
    assert "Международные посредники" in texts[f"{BASE}/ru"]  # windows-1251 from the HTTP header
    assert rows(db_path, "SELECT count(*) FROM mentions m JOIN articles a USING (article_id) "
                         "WHERE a.url = ? AND m.entity_id = 'lachin_corridor'", [f"{BASE}/convoy"])[0][0] >= 1
    assert summary.left_out == {str(archive): {
        "warcinfo record": 1, "request record": 2, "revisit record": 1, "metadata record": 1,
        "not HTML (image/png)": 1, "not HTML (application/pdf)": 1, "HTTP 404": 1, "HTTP 301": 1}}
    assert "; 9 archive records left out (not HTML 200 responses)" in summary.line()
    assert rows(db_path, "SELECT count(*) FROM failures") == [(0,)]


def test_cli_prints_one_left_out_line_per_archive(db_path, tmp_path, capsys):
    archive = write_warc(tmp_path / "crawl.warc.gz", _crawl())
    code = cli.main(["ingest", "--quiet", "--workers", "1", "--db", str(db_path), str(archive)])
    out, err = capsys.readouterr()
    assert code == 0
    assert f"left out {archive}: 9 records that are not HTML 200 responses (request record 2, " in err
    assert "HTTP 404 1" in err and "not HTML (image/png) 1" in err
    assert "4 stored" in out and "9 archive records left out" in out


def test_truncated_gzip_member_is_one_failure_and_the_rest_lands(db_path, tmp_path):
    pages = ["border_talks.html", "corridor_report.html", "briefing_sidelist.html"]
    archive = write_warc(tmp_path / "cut.warc.gz", [WarcRecord(f"{BASE}/{i}", (PAGES / p).read_bytes())
                                                    for i, p in enumerate(pages)])
    offsets = [c.offset for c in scan(archive)]
    whole = archive.read_bytes()
    archive.write_bytes(whole[:offsets[2] + (len(whole) - offsets[2]) // 2])  # cut inside the last member

    summary = ingest([str(archive)], options(db_path, tmp_path))

    assert (summary.ok, summary.failed) == (2, 1)
    (input_, stage, error), = rows(db_path, "SELECT input, stage, error FROM failures")
    assert (input_, stage) == (str(archive), "input")
    assert error == (f"{archive}: record 3 at byte {offsets[2]:,} is truncated (the file ends inside it); "
                     "the 2 records before it were read")
    assert rows(db_path, "SELECT url FROM articles ORDER BY url") == [(f"{BASE}/0",), (f"{BASE}/1",)]


def test_archive_cut_inside_a_records_headers_is_reported(tmp_path):
    archive = _copies(tmp_path / "cut.warc.gz")
    offsets = [c.offset for c in scan(archive)]
    archive.write_bytes(archive.read_bytes()[:offsets[2] + 40])  # only the start of the third member's headers
    found = list(scan(archive))
    assert [type(f) for f in found] == [Capture, Capture, WarcError]
    assert "truncated after record 2" in str(found[-1])


def test_whole_file_gzip_and_corrupt_members_are_refused_in_one_line(tmp_path):
    plain = _copies(tmp_path / "plain.warc", compress=False)
    one_stream = tmp_path / "one.warc.gz"
    one_stream.write_bytes(gzip.compress(plain.read_bytes()))
    *_, last = scan(one_stream)
    assert isinstance(last, WarcError) and "one gzip stream, not one gzip member per record" in str(last)
    assert "warcio recompress" in str(last)

    members = _copies(tmp_path / "bad.warc.gz")
    offsets = [c.offset for c in scan(members)]
    data = bytearray(members.read_bytes())
    for i in range(offsets[1] + 200, offsets[1] + 300):
        data[i] ^= 0xFF
    members.write_bytes(bytes(data))
    found = list(scan(members))
    assert [type(f) for f in found] == [Capture, WarcError]
    assert "unreadable after record 1" in str(found[-1]) and "\n" not in str(found[-1])

    not_warc = tmp_path / "notes.warc"
    not_warc.write_text("just some text\n")
    assert [type(f) for f in scan(not_warc)] == [WarcError]


def _raw_warc(path: Path, records: list[tuple[bytes, bytes]]) -> Path:
    """An uncompressed archive written byte by byte, for records no library would write: (extra WARC
    header lines, HTTP block) per response record, at {BASE}/0, /1, …"""
    with path.open("wb") as handle:
        for n, (extra, block) in enumerate(records):
            handle.write(b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:%d>\r\n" % n + extra
                         + b"WARC-Target-URI: %s/%d\r\nContent-Type: application/http; msgtype=response\r\n"
                         % (BASE.encode(), n) + b"Content-Length: %d\r\n\r\n" % len(block) + block + b"\r\n\r\n")
    return path


def test_a_record_without_a_readable_date_is_stored_with_the_run_time(db_path, tmp_path):
    block = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + (PAGES / "border_talks.html").read_bytes()
    archive = _raw_warc(tmp_path / "hand.warc", [(b"", block), (b"WARC-Date: not a date\r\n", block)])
    before = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    summary = ingest([str(archive)], options(db_path, tmp_path))
    after = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    assert (summary.ok + summary.skipped, summary.failed) == (2, 0)
    (fetched,), = rows(db_path, "SELECT fetched_at FROM articles")
    assert before <= fetched <= after


def test_odd_http_headers_cost_one_record_at_most(tmp_path):
    page = b"Content-Type: text/html\r\n\r\n" + (PAGES / "border_talks.html").read_bytes()
    date = b"WARC-Date: 2023-01-01T00:00:00Z\r\n"
    archive = _raw_warc(tmp_path / "odd.warc", [
        (date, b"HTTP/1.1 200 OK\r\nSet-Cookie: " + b"c" * 100_000 + b"\r\n" + page),  # headers past 32 KB
        (date, b"this is no HTTP response\r\n\r\n<html></html>"),
        (date, b"HTTP/1.1 200 OK\r\n" + page),
    ])
    found = list(scan(archive))
    assert [type(f) for f in found] == [Capture, Skip, Capture]
    assert found[1].reason == "unreadable HTTP status line"
    assert all(read_page(archive, f.offset).startswith(b"<!DOCTYPE html>") for f in (found[0], found[2]))


def test_records_over_the_page_limit_are_refused(db_path, tmp_path):
    big = b"<html><body><p>" + b"x" * 10_100_000 + b"</p></body></html>"
    bomb = gzip.compress(b"<html><body>" + b" " * 30_000_000 + b"</body></html>")
    archive = write_warc(tmp_path / "big.warc.gz", [
        WarcRecord(f"{BASE}/big", big),
        WarcRecord(f"{BASE}/bomb", bomb, headers=(("Content-Encoding", "gzip"),)),
        WarcRecord(f"{BASE}/border", (PAGES / "border_talks.html").read_bytes()),
    ])
    summary = ingest([str(archive)], options(db_path, tmp_path))
    assert (summary.ok, summary.failed) == (1, 2)
    failures = {i: (s, e) for i, s, e in rows(db_path, "SELECT input, stage, error FROM failures")}
    stage, error = failures[str(archive)]
    assert stage == "input" and f"({BASE}/big) holds 10.1 MB, over the 10 MB page limit" in error
    stage, error = failures[f"{BASE}/bomb"]
    assert stage == "read" and "page over the 10 MB page limit once decoded" in error


def test_inputs_classify_and_expand_archives(tmp_path):
    (tmp_path / "sub").mkdir()
    archive = write_warc(tmp_path / "sub" / "a.warc.gz", _crawl())
    assert classify(str(archive)) == "warc"
    found = list(expand(str(tmp_path)))  # folders are read recursively, archives included
    items = [f for f in found if isinstance(f, Item)]
    assert [i.url for i in items] == [f"{BASE}/border", f"{BASE}/convoy", f"{BASE}/briefing", f"{BASE}/ru"]
    assert all(i.path == archive and i.record is not None and not i.needs_fetch for i in items)
    assert items[0].fetched_at == dt.datetime(2024, 5, 2, 8, 30)
    assert sum(isinstance(f, Skipped) for f in found) == 9
    assert read_page(archive, items[1].record).startswith(b"<!DOCTYPE html>")
    assert [s.reason for s in scan(archive) if isinstance(s, Skip)][:2] == ["warcinfo record", "request record"]


def test_an_archive_larger_than_memory_streams(tmp_path):
    """Scanning and reading every page of a 200+ MB archive peaks below a fifth of its size for the whole process
    (measured: 16 MB for 216 MB, 1 MB above the imports); the file is never held whole."""
    body = (PAGES / "border_talks.html").read_bytes()
    pad = b"<p>" + b"".join(b"%06d archived paragraph of the long page. " % i for i in range(2400)) + b"</p>"
    page = body.replace(b"</body>", pad + b"</body>")
    archive = write_warc(tmp_path / "big.warc", [WarcRecord(f"{BASE}/{i}", page) for i in range(2000)],
                         compress=False)
    size = archive.stat().st_size
    assert size > 200_000_000
    script = textwrap.dedent(f"""
        import re
        from pathlib import Path
        from pipeline.collect.warc import Capture, read_page, scan
        def peak():  # this process's own peak RSS (ru_maxrss would carry pytest's across exec)
            return int(re.search(r"VmHWM:\\s+(\\d+) kB", open("/proc/self/status").read()).group(1))
        path = Path({str(archive)!r})
        before = peak()
        pages = total = 0
        for found in scan(path):
            assert isinstance(found, Capture), found
            total += len(read_page(path, found.offset))
            pages += 1
        after = peak()
        print(pages, total, before * 1024, after * 1024)
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).parent.parent).stdout.split()
    pages, total, before, after = map(int, out)  # peaks in bytes
    assert pages == 2000 and total > 0.9 * size
    assert after < size / 5, f"peak RSS {after / 1e6:.0f} MB reading a {size / 1e6:.0f} MB archive"
    assert after - before < size / 20
