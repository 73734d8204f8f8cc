"""Shared fixtures: a real HTTP server on 127.0.0.1 (hostile options too), the fixture pages, isolated
database paths, small tmpfs mounts for full-disk and read-only cases, and the stores the query tests
read (a small one built row by row, counted by hand; a generated one big enough for every query
strategy)."""
from __future__ import annotations

import datetime as dt
import http
import http.server
import shutil
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pytest

from pipeline import store
from pipeline.store import rollups

FIXTURES = Path(__file__).parent / "fixtures"
PAGES = FIXTURES / "pages"


@dataclass
class Route:
    """What the test server answers for one path; the hostile options drip the body (or the headers
    too) byte by byte, add headers (Location, Retry-After, Content-Encoding…), or answer differently
    from the second request on (`then`)."""

    body: bytes
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    delay: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)
    drip: float = 0.0
    drip_headers: bool = False
    then: Route | None = None


@dataclass
class LocalServer:
    """A threaded HTTP server on 127.0.0.1 serving `routes`; records every requested path."""

    routes: dict[str, Route] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)
    port: int = 0

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def add_page(self, path: str, file: Path) -> str:
        self.routes[path] = Route(file.read_bytes())
        return self.url(path)


@pytest.fixture
def server() -> Iterator[LocalServer]:
    state = LocalServer()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server API)
            path = self.path.split("?")[0]
            seen = sum(1 for p in state.requests if p.split("?")[0] == path)
            state.requests.append(self.path)
            route = state.routes.get(path)
            if route is None:
                route = Route(b"<html><body><h1>Not found</h1></body></html>", status=404)
            while seen and route.then is not None:
                route, seen = route.then, seen - 1
            if route.delay:
                time.sleep(route.delay)
            head = [f"HTTP/1.1 {route.status} {http.HTTPStatus(route.status).phrase}",
                    f"Content-Type: {route.content_type}", f"Content-Length: {len(route.body)}",
                    *(f"{k}: {v}" for k, v in route.headers.items()), "", ""]
            try:
                self._write("\r\n".join(head).encode("latin-1"), route.drip if route.drip_headers else 0)
                self._write(route.body, route.drip)
            except (BrokenPipeError, ConnectionResetError):
                pass
            self.close_connection = True

        def _write(self, data: bytes, drip: float) -> None:
            if not drip:
                self.wfile.write(data)
                return
            for i in range(len(data)):
                self.wfile.write(data[i:i + 1])
                self.wfile.flush()
                time.sleep(drip)

        def do_HEAD(self) -> None:  # noqa: N802
            route = state.routes.get(self.path.split("?")[0])
            self.send_response(route.status if route else 404)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    state.port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def db_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh database path; TRACKER_DB points at it so CLI runs in subprocesses use it too."""
    path = tmp_path / "tracker.duckdb"
    monkeypatch.setenv("TRACKER_DB", str(path))
    return path


@dataclass
class WarcRecord:
    """One record for `write_warc`: an HTTP response unless `kind` says otherwise."""

    uri: str
    body: bytes = b""
    status: str = "200 OK"
    content_type: str | None = "text/html; charset=utf-8"
    kind: str = "response"  # response, request, revisit, warcinfo, metadata, resource
    date: str | None = None  # WARC-Date, e.g. "2023-02-01T10:00:00Z"
    headers: tuple[tuple[str, str], ...] = ()  # further HTTP headers


def write_warc(path: Path, records: list[WarcRecord], compress: bool = True) -> Path:
    """A WARC file written by warcio (an independent writer: the pipeline reads with fastwarc), one gzip
    member per record when `compress`."""
    import io

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=compress)
        for rec in records:
            warc_headers = {"WARC-Date": rec.date} if rec.date else None
            if rec.kind == "warcinfo":
                record = writer.create_warcinfo_record(path.name, {"software": "tests"})
            elif rec.kind == "request":
                http = StatusAndHeaders(f"GET {rec.uri} HTTP/1.1", [("Host", "archive.example")], is_http_request=True)
                record = writer.create_warc_record(rec.uri, "request", payload=io.BytesIO(b""), http_headers=http,
                                                   warc_headers_dict=warc_headers)
            elif rec.kind == "revisit":
                http = StatusAndHeaders(rec.status, [("Content-Type", rec.content_type or "")], protocol="HTTP/1.1")
                record = writer.create_revisit_record(rec.uri, "sha1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", rec.uri,
                                                      "2023-01-01T00:00:00Z", http_headers=http)
            elif rec.kind in ("metadata", "resource"):
                record = writer.create_warc_record(rec.uri, rec.kind, payload=io.BytesIO(rec.body),
                                                   warc_content_type=rec.content_type or "text/plain",
                                                   warc_headers_dict=warc_headers)
            else:
                fields = ([("Content-Type", rec.content_type)] if rec.content_type else []) + list(rec.headers)
                http = StatusAndHeaders(rec.status, fields, protocol="HTTP/1.1")
                record = writer.create_warc_record(rec.uri, "response", payload=io.BytesIO(rec.body),
                                                   http_headers=http, warc_headers_dict=warc_headers)
            writer.write_record(record)
    return path
@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Callable[..., Path]]:
    """Mount small tmpfs file systems (`size=`, `nr_inodes=`, read-only by `remount_ro`) for full-disk
    and read-only-folder cases; the test is skipped, with the reason, where the machine forbids mounts."""
    mounted: list[Path] = []

    def mount(name: str = "fs", **options: object) -> Path:
        target = tmp_path / name
        target.mkdir()
        opts = ",".join(f"{k}={v}" for k, v in {"mode": "0777", **options}.items())
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", opts, "tmpfs", str(target)],
                              capture_output=True, text=True)
        if done.returncode != 0:
            reason = done.stderr.strip() or "mount failed"
            pytest.skip(f"cannot mount a tmpfs here ({reason}); needs root or CAP_SYS_ADMIN")
        mounted.append(target)
        return target

    yield mount
    for target in reversed(mounted):
        subprocess.run(["umount", "-l", str(target)], capture_output=True)


def remount_ro(target: Path) -> None:
    """Make a tmpfs from the `tmpfs` fixture read-only."""
    subprocess.run(["mount", "-o", "remount,ro", str(target)], check=True, capture_output=True)


# ---------------------------------------------------------------------------------------------
# The small store, counted by hand (tests/test_queries.py states its numbers)
# ---------------------------------------------------------------------------------------------

D = dt.date

SMALL_ENTITIES = [
    ("armenia", "actor", "Armenia", "state", None, None, None),
    ("azerbaijan", "actor", "Azerbaijan", "state", None, None, None),
    ("united_states", "actor", "United States", "state", None, None, None),
    ("ned_price", "actor", "Ned Price", "official", "united_states", None, None),
    ("stepanakert", "place", "Stepanakert", None, "nagorno_karabakh", 39.8153, 46.7519),
    ("lachin_corridor", "place", "Lachin corridor", None, None, 39.60, 46.55),
    ("theme_blockade", "theme", "Blockade", None, None, None, None),
    ("theme_peace_talks", "theme", "Peace talks", None, None, None, None),
]
SMALL_SOURCES = [
    ("gov", "gov.example", "Government Press Office", "AM", "government", None),
    ("azn", "azn.example", "AZ News", "AZ", "state media", None),
    ("indy", "indy.example", "Indy Wire", "US", "independent media", None),
]
# article_id, source, published, language, title, text (sentences separated by "\n")
SMALL_ARTICLES = [
    ("a1", "gov", D(2024, 1, 1), "en", "Talks call",
     "Armenia called for peace talks.\nAzerbaijan kept the Lachin corridor under blockade."),
    ("a2", "azn", D(2024, 1, 3), "en", "Armenia twice", "Armenia said no. Armenia said yes."),
    ("a3", "indy", D(2024, 1, 7), "en", "Stepanakert report",
     "Azerbaijan flags went up in Stepanakert."),
    ("a4", "azn", D(2024, 1, 8), "ru", "Ханкенди", "Азербайджан открыл школу в Ханкенди."),
    ("a5", "indy", D(2024, 1, 20), "en", "Escaping <b>test</b>",
     "Armenia <script>alert('x')</script> said & more."),
    ("a6", "azn", None, "en", "Undated piece", "Armenia appeared again."),
    ("a7", "gov", None, "en", "Undated notice", "Nothing to tag here."),
    ("a8", "gov", D(2024, 1, 2), "en", "Talks call (copy)",
     "Armenia called for peace talks.\nAzerbaijan kept the Lachin corridor under blockade."),
    ("a9", "gov", D(2024, 2, 1), "en", "Later notice", "Ned Price spoke about the blockade."),
]
# article_id, entity_id, surface, occurrence (0 = first occurrence of surface in text)
SMALL_MENTIONS = [
    ("a1", "armenia", "Armenia", 0), ("a1", "theme_peace_talks", "peace talks", 0),
    ("a1", "azerbaijan", "Azerbaijan", 0), ("a1", "lachin_corridor", "Lachin corridor", 0),
    ("a1", "theme_blockade", "blockade", 0),
    ("a2", "armenia", "Armenia", 0), ("a2", "armenia", "Armenia", 1),
    ("a3", "azerbaijan", "Azerbaijan", 0), ("a3", "stepanakert", "Stepanakert", 0),
    ("a4", "azerbaijan", "Азербайджан", 0), ("a4", "stepanakert", "Ханкенди", 0),
    ("a5", "armenia", "Armenia", 0),
    ("a6", "armenia", "Armenia", 0),
    ("a8", "armenia", "Armenia", 0), ("a8", "azerbaijan", "Azerbaijan", 0),
    ("a9", "ned_price", "Ned Price", 0), ("a9", "theme_blockade", "blockade", 0),
]
# statement rows: id, article, speaker, role, speaker entity, state, quote, type, said_on, cluster
SMALL_STATEMENTS = [
    ("s1", "a1", "Armenian spokesperson", "spokesperson", None, "armenia",
     "called for peace talks", "appeal", D(2024, 1, 1), "c1"),
    ("s2", "a2", "Armenian spokesperson", "spokesperson", None, "armenia",
     "said yes", "appeal", D(2023, 12, 31), "c1"),
    ("s3", "a9", "Ned Price", "spokesperson", "ned_price", "united_states",
     "spoke about the blockade", "concern", None, "s3"),
]


def _nth(text: str, needle: str, n: int) -> int:
    pos = -1
    for _ in range(n + 1):
        pos = text.index(needle, pos + 1)
    return pos


def _sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans for the fixture texts: split on newlines and on '. '."""
    spans, start = [], 0
    for i, ch in enumerate(text):
        if ch == "\n" or (ch == " " and text[i - 1] == "."):
            spans.append((start, i if ch == "\n" else i))
            start = i + 1
    spans.append((start, len(text)))
    return spans


def _text_rows(texts: dict[str, str], mentions: list[tuple]) -> tuple[list[dict], list[dict]]:
    """Sentence and mention rows of the fixture texts; `mentions` as (article, entity, surface, occurrence)."""
    sentence_rows, mention_rows = [], []
    for aid, text in texts.items():
        for no, (s0, s1) in enumerate(_sentences(text)):
            sentence_rows.append({"article_id": aid, "sentence_no": no, "char_start": s0, "char_end": s1})
    for aid, eid, surface, n in mentions:
        text = texts[aid]
        start = _nth(text, surface, n)
        no = next(i for i, (s0, s1) in enumerate(_sentences(text)) if s0 <= start < s1)
        mention_rows.append({"article_id": aid, "entity_id": eid, "sentence_no": no,
                             "char_start": start, "char_end": start + len(surface), "surface": surface})
    return sentence_rows, mention_rows


def build_small_db(path: Path) -> Path:
    """Write the small fixture database to `path`.

    Calendar of the dated, non-duplicate articles (weeks start on Monday):
      week of 2024-01-01: a1 (Mon 1st, gov), a2 (Wed 3rd, azn), a3 (Sun 7th, indy)     -> 3 articles
      week of 2024-01-08: a4 (Mon 8th, azn, ru)                                        -> 1
      week of 2024-01-15: a5 (Sat 20th, indy)                                          -> 1
      week of 2024-01-22: none                                                         -> 0
      week of 2024-01-29: a9 (Thu Feb 1st, gov)                                        -> 1
    Undated: a6 (azn, mentions Armenia), a7 (gov, no mentions). Duplicate: a8 (copy of a1, dated 2nd).
    Armenia: a1 (1 mention), a2 (2), a5 (1), a6 (undated), a8 (duplicate). Azerbaijan: a1, a3, a4.
    """
    texts = {row[0]: row[5] for row in SMALL_ARTICLES}
    sentence_rows, mention_rows = _text_rows(texts, SMALL_MENTIONS)
    article_rows = [{
        "article_id": aid, "url": f"https://{src}.example/{aid}", "canonical_url": f"https://{src}.example/{aid}",
        "source": src, "hostname": f"{src}.example", "title": title, "published": pub,
        "date_source": "meta" if pub else "none", "language": lang, "text": text,
        "content_hash": aid, "duplicate_of": "a1" if aid == "a8" else None,
        "fetched_at": dt.datetime(2024, 3, 1), "run_id": "r1",
    } for aid, src, pub, lang, title, text in SMALL_ARTICLES]
    statement_rows = []
    for sid, aid, speaker, role, spk, state, quote, stype, said, cluster in SMALL_STATEMENTS:
        start = texts[aid].index(quote)
        statement_rows.append({
            "statement_id": sid, "article_id": aid, "speaker": speaker, "speaker_role": role,
            "speaker_entity_id": spk, "speaker_state_id": state, "quote": quote, "kind": "indirect",
            "statement_type": stype, "cue": None, "char_start": start, "char_end": start + len(quote),
            "said_on": said, "cluster_id": cluster})
    with store.open_store(path) as con:
        store.insert_frame(con, "entities", pd.DataFrame(SMALL_ENTITIES, columns=store.COLUMNS["entities"]))
        store.insert_frame(con, "sources", pd.DataFrame(SMALL_SOURCES, columns=store.COLUMNS["sources"]))
        store.insert_frame(con, "articles", store.frame("articles", article_rows))
        store.insert_frame(con, "sentences", store.frame("sentences", sentence_rows))
        store.insert_frame(con, "mentions", store.frame("mentions", mention_rows))
        store.insert_frame(con, "statements", store.frame("statements", statement_rows))
        store.insert_frame(con, "statement_mentions", pd.DataFrame(
            [("s1", "theme_peace_talks"), ("s2", "theme_peace_talks"), ("s3", "theme_blockade")],
            columns=store.COLUMNS["statement_mentions"]))
        con.execute("INSERT INTO runs VALUES ('r1', TIMESTAMP '2024-03-01 10:00', TIMESTAMP '2024-03-01 10:05', "
                    "['data/sample'], 9, 1, 0)")
        con.execute("INSERT INTO failures VALUES ('r1', 'https://bad.example/x', 'fetch', 'HTTP 404')")
    return path


# ---------------------------------------------------------------------------------------------
# Who said what about what: a store for the "said by" × "about" statement filters, counted by hand
# ---------------------------------------------------------------------------------------------

SAID_ENTITIES = [
    ("united_states", "actor", "United States", "state", None, None, None),
    ("russia", "actor", "Russia", "state", None, None, None),
    ("armenia", "actor", "Armenia", "state", None, None, None),
    ("azerbaijan", "actor", "Azerbaijan", "state", None, None, None),
    ("us_state_department", "actor", "US Department of State", "government body", "united_states", None, None),
    ("ned_price", "actor", "Ned Price", "official", "us_state_department", None, None),
    ("antony_blinken", "actor", "Antony Blinken", "official", "us_state_department", None, None),
    ("russian_mfa", "actor", "Russian Foreign Ministry", "government body", "russia", None, None),
    ("lachin_corridor", "place", "Lachin corridor", "route", None, 39.60, 46.55),
    ("stepanakert", "place", "Stepanakert", "settlement", None, 39.8153, 46.7519),
    ("theme_humanitarian", "theme", "Humanitarian situation", None, None, None, None),
    ("theme_peace_talks", "theme", "Peace talks", None, None, None, None),
]
SAID_SOURCES = [
    ("state_dept", "state.example", "US State Department", "US", "government", None),
    ("wire", "wire.example", "Caucasus Wire", "GE", "independent media", None),
    ("moscow", "moscow.example", "Moscow Daily", "RU", "state media", None),
]
# article_id, source, published, genre, title, text (sentences separated by "\n"); b7 copies b3
SAID_ARTICLES = [
    ("b1", "state_dept", D(2023, 1, 10), "transcript", "Department Press Briefing",
     "MR PRICE: The Lachin corridor must reopen.\nQUESTION: What about Stepanakert?\n"
     "MR PRICE: We call on Azerbaijan to restore free movement."),
    ("b2", "state_dept", D(2023, 2, 1), "release", "Press Statement: The Lachin corridor",
     "The United States is concerned by the blockade of the Lachin corridor.\n"
     "The United States supports peace talks between Armenia and Azerbaijan."),
    ("b3", "wire", D(2023, 2, 3), "news", "Corridor diplomacy",
     "On the Lachin corridor, Secretary Blinken said the road must stay open.\n"
     "Russia's foreign ministry said the Lachin corridor is watched by Russian peacekeepers."),
    ("b4", "wire", D(2023, 2, 4), "news", "State Department concerned",
     "The US State Department said it is concerned by the blockade of the Lachin corridor."),
    ("b5", "moscow", D(2023, 2, 5), "news", "Aid to Stepanakert",
     "Karen Whitlow, a US diplomat, said humanitarian aid must reach Stepanakert."),
    ("b6", "wire", D(2023, 3, 1), "news", "Yerevan presses Washington",
     "Armenia's foreign minister said the United States must press Azerbaijan on the Lachin corridor."),
    ("b7", "moscow", D(2023, 2, 3), "news", "Corridor diplomacy (copy)",
     "On the Lachin corridor, Secretary Blinken said the road must stay open.\n"
     "Russia's foreign ministry said the Lachin corridor is watched by Russian peacekeepers."),
    ("b8", "state_dept", D(2023, 6, 15), "release", "Press Statement: Reopening",
     "The United States welcomes the reopening of the Lachin corridor."),
]
SAID_MENTIONS = [
    ("b1", "lachin_corridor", "Lachin corridor", 0), ("b1", "stepanakert", "Stepanakert", 0),
    ("b1", "azerbaijan", "Azerbaijan", 0),
    ("b2", "united_states", "United States", 0), ("b2", "lachin_corridor", "Lachin corridor", 0),
    ("b2", "united_states", "United States", 1), ("b2", "theme_peace_talks", "peace talks", 0),
    ("b2", "armenia", "Armenia", 0), ("b2", "azerbaijan", "Azerbaijan", 0),
    ("b3", "lachin_corridor", "Lachin corridor", 0), ("b3", "antony_blinken", "Blinken", 0),
    ("b3", "russian_mfa", "Russia's foreign ministry", 0), ("b3", "lachin_corridor", "Lachin corridor", 1),
    ("b4", "us_state_department", "US State Department", 0), ("b4", "lachin_corridor", "Lachin corridor", 0),
    ("b5", "stepanakert", "Stepanakert", 0), ("b5", "theme_humanitarian", "humanitarian aid", 0),
    ("b6", "armenia", "Armenia", 0), ("b6", "united_states", "United States", 0),
    ("b6", "azerbaijan", "Azerbaijan", 0), ("b6", "lachin_corridor", "Lachin corridor", 0),
    ("b7", "lachin_corridor", "Lachin corridor", 0), ("b7", "antony_blinken", "Blinken", 0),
    ("b8", "united_states", "United States", 0), ("b8", "lachin_corridor", "Lachin corridor", 0),
]
# id, article, speaker, speaker entity, state, speaker key, quote, type, kind, said_on, cluster
SAID_STATEMENTS = [
    ("t1", "b1", "Ned Price", "ned_price", "united_states", "e:ned_price", "The Lachin corridor must reopen.",
     "appeal", "transcript", D(2023, 1, 10), "t1"),
    ("t2", "b1", "Ned Price", "ned_price", "united_states", "e:ned_price",
     "We call on Azerbaijan to restore free movement.", "appeal", "transcript", D(2023, 1, 10), "t2"),
    ("r1", "b2", "US Department of State", "us_state_department", "united_states", "e:us_state_department",
     "The United States is concerned by the blockade of the Lachin corridor.", "concern", "release",
     D(2023, 2, 1), "r1"),
    ("r2", "b2", "US Department of State", "us_state_department", "united_states", "e:us_state_department",
     "The United States supports peace talks between Armenia and Azerbaijan.", "commit", "release",
     D(2023, 2, 1), "r2"),
    ("n1", "b3", "Antony Blinken", "antony_blinken", "united_states", "e:antony_blinken", "the road must stay open",
     "appeal", "indirect", D(2023, 2, 3), "n1"),
    ("n2", "b3", "Russian Foreign Ministry", "russian_mfa", "russia", "e:russian_mfa",
     "the Lachin corridor is watched by Russian peacekeepers", "statement", "indirect", D(2023, 2, 3), "n2"),
    ("n3", "b4", "US Department of State", "us_state_department", "united_states", "e:us_state_department",
     "it is concerned by the blockade of the Lachin corridor", "concern", "indirect", D(2023, 2, 4), "r1"),
    ("n4", "b5", "Karen Whitlow", None, "united_states", "p:krnwtlw:k", "humanitarian aid must reach Stepanakert",
     "appeal", "indirect", D(2023, 2, 5), "n4"),
    ("n5", "b6", "Armenia's foreign minister", None, "armenia", "s:armenia's foreign minister",
     "the United States must press Azerbaijan on the Lachin corridor", "appeal", "indirect", D(2023, 3, 1), "n5"),
    ("n6", "b7", "Antony Blinken", "antony_blinken", "united_states", "e:antony_blinken", "the road must stay open",
     "appeal", "indirect", D(2023, 2, 3), "n1"),
    ("r3", "b8", "US Department of State", "us_state_department", "united_states", "e:us_state_department",
     "The United States welcomes the reopening of the Lachin corridor.", "welcome", "release",
     D(2023, 6, 15), "r3"),
]


def build_said_db(path: Path) -> Path:
    """Write the "said by" × "about" store to `path` (rows as the pipeline writes them: statement_mentions
    are the mentions inside each statement's span).

    Said by state = United States and About = Lachin corridor, counted by hand (newest first):
      r3  2023-06-15  US Department of State  release: "… welcomes the reopening of the Lachin corridor."
      n1  2023-02-03  Antony Blinken          "On the Lachin corridor, Secretary Blinken said the road must
                                              stay open": the corridor is in its sentence, not its quote
                                              (n6, its copy in the duplicate b7, is left out)
      r1  2023-02-01  US Department of State  release, reported again by b4 (n3, same cluster): 2 reports
      t1  2023-01-10  Ned Price               transcript turn
    Left out: t2 and r2 (US, not about the corridor), n4 (US, about Stepanakert), n2 (Russia) and n5
    (Armenia, though its quote names the United States and the corridor). The United States naming
    itself (r1, r2, r3) is never what those statements are about: About = United States gives n5 only.
    """
    texts = {row[0]: row[5] for row in SAID_ARTICLES}
    sentence_rows, mention_rows = _text_rows(texts, SAID_MENTIONS)
    article_rows = [{
        "article_id": aid, "url": f"https://{src}.example/{aid}", "canonical_url": f"https://{src}.example/{aid}",
        "source": src, "hostname": f"{src}.example", "title": title, "published": pub, "date_source": "meta",
        "language": "en", "text": text, "content_hash": aid, "duplicate_of": "b3" if aid == "b7" else None,
        "fetched_at": dt.datetime(2023, 7, 1), "run_id": "r1", "genre": genre,
    } for aid, src, pub, genre, title, text in SAID_ARTICLES]
    statement_rows, inside = [], []
    for sid, aid, speaker, spk, state, key, quote, stype, kind, said, cluster in SAID_STATEMENTS:
        start = texts[aid].index(quote)
        end = start + len(quote)
        statement_rows.append({
            "statement_id": sid, "article_id": aid, "speaker": speaker, "speaker_role": None,
            "speaker_entity_id": spk, "speaker_state_id": state, "quote": quote, "kind": kind,
            "statement_type": stype, "cue": None, "char_start": start, "char_end": end, "said_on": said,
            "cluster_id": cluster, "speaker_key": key})
        inside += sorted({(sid, m["entity_id"]) for m in mention_rows
                          if m["article_id"] == aid and m["char_start"] >= start and m["char_end"] <= end})
    with store.open_store(path) as con:
        store.insert_frame(con, "entities", pd.DataFrame(SAID_ENTITIES, columns=store.COLUMNS["entities"]))
        store.insert_frame(con, "sources", pd.DataFrame(SAID_SOURCES, columns=store.COLUMNS["sources"]))
        store.insert_frame(con, "articles", store.frame("articles", article_rows))
        store.insert_frame(con, "sentences", store.frame("sentences", sentence_rows))
        store.insert_frame(con, "mentions", store.frame("mentions", mention_rows))
        store.insert_frame(con, "statements", store.frame("statements", statement_rows))
        store.insert_frame(con, "statement_mentions", pd.DataFrame(inside, columns=store.COLUMNS["statement_mentions"]))
        con.execute("INSERT INTO runs VALUES ('r1', TIMESTAMP '2023-07-01 10:00', TIMESTAMP '2023-07-01 10:05', "
                    "['fixtures'], 8, 0, 0)")
    return path


# The statements CSV of Said by state = United States and About = Lachin corridor (build_said_db).
US_ON_LACHIN = [
    "said_on,speaker,speaker_role,state,statement_type,kind,genre,about,quote,reports,sources,link,urls,"
    "statement_id,article_id,cluster_id",
    "2023-06-15,US Department of State,,United States,welcome,release,release,Lachin corridor,"
    "The United States welcomes the reopening of the Lachin corridor.,1,state_dept,https://state_dept.example/b8,"
    "https://state_dept.example/b8,r3,b8,r3",
    "2023-02-03,Antony Blinken,,United States,appeal,indirect,news,Lachin corridor,the road must stay open,1,wire,"
    "https://wire.example/b3,https://wire.example/b3,n1,b3,n1",
    "2023-02-01,US Department of State,,United States,concern,release,release,Lachin corridor,"
    "The United States is concerned by the blockade of the Lachin corridor.,2,state_dept; wire,"
    "https://state_dept.example/b2,https://state_dept.example/b2; https://wire.example/b4,r1,b2,r1",
    "2023-01-10,Ned Price,,United States,appeal,transcript,transcript,Lachin corridor,"
    "The Lachin corridor must reopen.,1,state_dept,https://state_dept.example/b1,https://state_dept.example/b1,t1,b1,t1",
]


@pytest.fixture
def said_db(tmp_path: Path) -> Path:
    """The "said by" × "about" store (`build_said_db`), no summary table materialised."""
    return build_said_db(tmp_path / "said.duckdb")


@pytest.fixture
def small_db(tmp_path: Path) -> Path:
    """The small store (`build_small_db`), no summary table materialised."""
    return build_small_db(tmp_path / "small.duckdb")


def rolled_copy(path: Path, name: str = "rolled.duckdb") -> Path:
    """A copy of the store at `path` beside it with every summary table materialised."""
    rolled = path.with_name(name)
    shutil.copy(path, rolled)
    with store.open_store(rolled) as con:
        rollups.rebuild(con, force=True)
    return rolled


@pytest.fixture
def plain_and_rolled(tmp_path: Path):
    """Builds (small store after the SQL `changes`, a copy of it with every summary table materialised)."""
    def make(*changes: str, text_index: bool = False) -> tuple[Path, Path]:
        plain = build_small_db(tmp_path / "plain.duckdb")
        with store.open_store(plain) as con:
            for sql in changes:
                con.execute(sql)
            if text_index:  # as an older writer built it: its stemmer read from the index, not from meta
                store.load_fts(con)
                con.execute(store.TEXT_INDEX_SQL)
        return plain, rolled_copy(plain)
    return make


# ---------------------------------------------------------------------------------------------
# A generated store big enough for every query strategy
# ---------------------------------------------------------------------------------------------

# About 3,000 articles, 24,000 mentions and 1,500 statements by the query benchmark's generator
# (Zipf-like: a few entities, sources and speakers take most of the weight): 400 entities, so the
# 120 with a top bit leave rare ones without; over 120 actors; a top actor in most articles; bits
# spanning more than 63 positions; statement clusters over several days; duplicates and undated
# articles; a text index.
LARGE_SIZES = {"articles": 3_000, "mentions": 24_000, "statements": 1_500, "sources": 8, "entities": 400,
               "speakers": 60, "vocabulary": 400, "words": 36}


@pytest.fixture(scope="session")
def large_stores(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The generated store twice: "views" (no summary table materialised: every query reads views over
    the models) and "tables" (all materialised, as after a run on a large store). Read them only."""
    from benchmarks.queries import Sizes, build

    base = tmp_path_factory.mktemp("large") / "views.duckdb"
    build(base, Sizes(**LARGE_SIZES), log=lambda _: None)
    return {"views": base, "tables": rolled_copy(base, "tables.duckdb")}


# ---------------------------------------------------------------------------------------------
# A store with known changes (tests/test_changes.py counts its signals by hand)
# ---------------------------------------------------------------------------------------------

CHANGES_WINDOW = (D(2024, 3, 4), D(2024, 3, 10))  # Monday to Sunday; the window before: 26 Feb – 3 Mar
CHANGES_ENTITIES = [
    ("armenia", "actor", "Armenia", "state", None, None, None),
    ("azerbaijan", "actor", "Azerbaijan", "state", None, None, None),
    ("russia", "actor", "Russia", "state", None, None, None),
    ("european_union", "actor", "European Union", "organisation", None, None, None),
    ("ned_price", "actor", "Ned Price", "official", "united_states", None, None),
    ("lachin_corridor", "place", "Lachin corridor", None, None, 39.60, 46.55),
    ("stepanakert", "place", "Stepanakert", None, None, 39.8153, 46.7519),
]
# Articles mentioning an entity on a day (2024): armenia 2 a day from 1 Jan to 10 Mar, but 9 on 6 Mar
# and 4 on 8 Mar; lachin_corridor only on 9 Mar (3); stepanakert once on 20 Feb and once on 5 Mar.
CHANGES_DAILY = {
    "armenia": {**{D(2024, 1, 1) + dt.timedelta(days=i): 2 for i in range(70)}, D(2024, 3, 6): 9, D(2024, 3, 8): 4},
    "lachin_corridor": {D(2024, 3, 9): 3},
    "stepanakert": {D(2024, 2, 20): 1, D(2024, 3, 5): 1},
}
# Statements: (speaker, speaker_key, speaker entity, state, type, said_on, cluster or None, how many)
CHANGES_STATEMENTS = [
    # Azerbaijan's types move from appeal to condemn: before 10 appeal, 3 concern, 1 condemn; in the
    # window 1 appeal, 3 concern, 11 condemn (one condemn cluster reported three times counts once;
    # one earlier appeal cluster reported again in the window counts before only).
    *[("Azerbaijani MFA", "e:azerbaijani_mfa", None, "azerbaijan", t, D(2024, 2, 27), None, n)
      for t, n in (("appeal", 9), ("concern", 3), ("condemn", 1))],
    ("Azerbaijani MFA", "e:azerbaijani_mfa", None, "azerbaijan", "appeal", D(2024, 2, 28), "c-appeal", 1),
    ("Azerbaijani MFA", "e:azerbaijani_mfa", None, "azerbaijan", "appeal", D(2024, 3, 5), "c-appeal", 1),
    *[("Azerbaijani MFA", "e:azerbaijani_mfa", None, "azerbaijan", t, D(2024, 3, 6), None, n)
      for t, n in (("appeal", 1), ("concern", 3), ("condemn", 10))],
    ("Azerbaijani MFA", "e:azerbaijani_mfa", None, "azerbaijan", "condemn", D(2024, 3, 7), "c-condemn", 3),
    # Armenia says the same in both windows (no shift); Russia too little to test.
    *[("Armenian MFA", "e:armenian_mfa", None, "armenia", t, day, None, 6)
      for t in ("appeal", "concern") for day in (D(2024, 2, 28), D(2024, 3, 6))],
    ("Russian MFA", "e:russian_mfa", None, "russia", "statement", D(2024, 3, 6), None, 5),
    # Speakers: new in the window (Anneke Vos, 2 statements; Ned Price without a key; a name that
    # starts like a spreadsheet formula) or not (Sargsyants spoke in February; generic speakers).
    ("Anneke Vos", "p:vs:a", None, "european_union", "concern", D(2024, 3, 5), None, 2),
    ("Arman Sargsyants", "p:srksnc:r", None, "armenia", "appeal", D(2024, 2, 10), None, 1),
    ("Arman Sargsyants", "p:srksnc:r", None, "armenia", "appeal", D(2024, 3, 6), None, 1),
    ("officials", "s:officials", None, None, "statement", D(2024, 3, 7), None, 1),
    ("Ned Price", None, "ned_price", "united_states", "concern", D(2024, 3, 8), None, 1),
    ("a diplomatic source", None, None, None, "statement", D(2024, 3, 8), None, 1),
    ("=SUM(1,2)", "p:sm:x", None, None, "statement", D(2024, 3, 9), None, 1),
]
CHANGES_RUN_STARTED = dt.datetime(2024, 1, 2, 5, 0)
CHANGES_ARCHIVE_RUN = (dt.datetime(2024, 3, 12, 9, 0), dt.datetime(2024, 3, 12, 9, 30))


def build_changes_db(path: Path) -> Path:
    """Write the store with known changes to `path`.

    Articles: one per entity mention of CHANGES_DAILY (sources gov, azn, indy in turn), fetched the
    day after publication at 06:00 plus one minute per article of that day, stored by run r1
    (started 2 Jan, finished 11 Mar 08:00). Never counted: 6 duplicate copies of 7 March Armenia
    articles (dated 7 Mar), 4 undated articles mentioning Armenia, an undated one and a duplicate
    (dated 2 Feb) mentioning the Lachin corridor, and the statements inside duplicates. Run r2
    (12 Mar 09:00–09:30) stored one web-archive capture fetched on 1 May 2023 (undated, no
    mentions). Statements (CHANGES_STATEMENTS) sit in the 1 January Armenia article; one Armenian
    appeal more sits in a duplicate. meta data_version = 2024-03-12T09:30:00.
    """
    sources = ["gov", "azn", "indy"]
    articles, mentions = [], []

    def article(aid: str, published: dt.date | None, fetched: dt.datetime, text: str, entity: str | None,
                duplicate_of: str | None = None, run_id: str = "r1") -> None:
        source = sources[len(articles) % 3]
        articles.append({"article_id": aid, "url": f"https://{source}.example/{aid}",
                         "canonical_url": f"https://{source}.example/{aid}", "source": source,
                         "hostname": f"{source}.example", "title": f"Report {aid}", "published": published,
                         "date_source": "meta" if published else "none", "language": "en", "text": text,
                         "content_hash": aid, "duplicate_of": duplicate_of, "fetched_at": fetched, "run_id": run_id})
        if entity:
            name = next(e[2] for e in CHANGES_ENTITIES if e[0] == entity)
            mentions.append({"article_id": aid, "entity_id": entity, "sentence_no": 0, "char_start": 0,
                             "char_end": len(name), "surface": name})

    for entity, days in CHANGES_DAILY.items():
        name = next(e[2] for e in CHANGES_ENTITIES if e[0] == entity)
        for day, n in sorted(days.items()):
            for k in range(n):
                fetched = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(6, k))
                article(f"{entity}-{day:%m%d}-{k}", day, fetched, f"{name} in the news.", entity)
    for k in range(6):
        article(f"dup-{k}", D(2024, 3, 7), dt.datetime(2024, 3, 8, 7, k), "Armenia in the news.", "armenia",
                duplicate_of="armenia-0307-0")
    for k in range(4):
        article(f"undated-{k}", None, dt.datetime(2024, 3, 8, 8, k), "Armenia in the news.", "armenia")
    article("undated-lachin", None, dt.datetime(2024, 2, 2, 8), "Lachin corridor in the news.", "lachin_corridor")
    article("dup-lachin", D(2024, 2, 2), dt.datetime(2024, 2, 3, 8), "Lachin corridor in the news.", "lachin_corridor",
            duplicate_of="undated-lachin")
    article("archive-capture", None, dt.datetime(2023, 5, 1, 12), "An old page.", None, run_id="r2")

    statements = []
    for speaker, key, entity, state, kind, said, cluster, n in CHANGES_STATEMENTS:
        for _ in range(n):
            sid = f"s{len(statements):03d}"
            statements.append({"statement_id": sid, "article_id": "armenia-0101-0", "speaker": speaker,
                               "speaker_role": None, "speaker_entity_id": entity, "speaker_state_id": state,
                               "quote": f"quote {sid}", "kind": "indirect", "statement_type": kind, "cue": None,
                               "char_start": 0, "char_end": 7, "said_on": said, "cluster_id": cluster or sid,
                               "speaker_key": key})
    statements.append({"statement_id": "s-dup", "article_id": "dup-0", "speaker": "Armenian MFA",
                       "speaker_entity_id": None, "speaker_state_id": "armenia", "quote": "quote", "kind": "indirect",
                       "statement_type": "condemn", "said_on": D(2024, 3, 6), "cluster_id": "s-dup",
                       "speaker_key": "e:armenian_mfa"})
    with store.open_store(path) as con:
        store.insert_frame(con, "entities", pd.DataFrame(CHANGES_ENTITIES, columns=store.COLUMNS["entities"]))
        store.insert_frame(con, "sources", pd.DataFrame(SMALL_SOURCES, columns=store.COLUMNS["sources"]))
        store.insert_frame(con, "articles", store.frame("articles", articles))
        store.insert_frame(con, "mentions", store.frame("mentions", mentions))
        store.insert_frame(con, "statements", store.frame("statements", statements))
        con.execute("INSERT INTO runs VALUES ('r1', ?, TIMESTAMP '2024-03-11 08:00', ['feeds'], 0, 0, 0), "
                    "('r2', ?, ?, ['crawl.warc.gz'], 1, 0, 0)", [CHANGES_RUN_STARTED, *CHANGES_ARCHIVE_RUN])
        store.set_meta(con, "data_version", "2024-03-12T09:30:00")
    return path


@pytest.fixture
def changes_db(tmp_path: Path) -> Path:
    """The store with known changes (`build_changes_db`), no summary table materialised."""
    return build_changes_db(tmp_path / "changes.duckdb")
