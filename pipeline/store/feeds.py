"""What `watch` keeps in the store: each polled feed's health and schedule (`feeds`), the documents its
polls read with their validators (`feed_documents`), and the items it listed (`feed_items`), which
are also the queue of pages still to fetch.

The memory of seen items lives here, not in the watching process: it is read per poll for the items
a feed lists, and rows of items a feed stopped listing are dropped after `ITEM_RETENTION_DAYS`.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import pandas as pd

from .writes import transaction

ITEM_RETENTION_DAYS = 30
MAX_ITEM_ATTEMPTS = 3  # fetches of one version of an item before it is given up (until the feed changes it)


@dataclass(frozen=True)
class FeedState:
    """A feed's row in `feeds`, as the scheduler needs it."""

    feed_url: str
    failures: int
    next_poll: dt.datetime | None
    items_seen: int


@dataclass(frozen=True)
class PollRecord:
    """What one poll of one feed found, to be written to `feeds` (and its listed items to `feed_items`).

    `status` is the HTTP status (None when no server answered); `error` is None for a success;
    `documents` are (doc_url, parent_url, etag, last_modified) of every file read, or None when the
    poll failed (the last ones stand); `items` are (item_url, version, title, published, html),
    None when nothing was listed anew (a 304 or a failure)."""

    feed_url: str
    source: str
    kind: str
    poll_minutes: float
    attempted: dt.datetime
    status: int | None
    error: str | None
    next_poll: dt.datetime
    failures: int
    documents: list[tuple] | None = None
    items: list[tuple] | None = None


@dataclass(frozen=True)
class QueuedItem:
    """An item to fetch: the feed that listed it and what the feed said about it."""

    feed_url: str
    item_url: str
    title: str | None
    published: dt.date | None
    html: str | None


def feed_states(con: duckdb.DuckDBPyConnection) -> dict[str, FeedState]:
    """Every feed's schedule and counters, by URL."""
    return {r[0]: FeedState(r[0], r[1] or 0, r[2], r[3] or 0) for r in con.execute(
        "SELECT feed_url, failures, next_poll, items_seen FROM feeds").fetchall()}


def feed_documents(con: duckdb.DuckDBPyConnection, feed_urls: list[str]) -> dict[str, list[tuple]]:
    """(doc_url, parent_url, etag, last_modified) of the documents each feed's last poll read."""
    out: dict[str, list[tuple]] = {}
    for feed_url, *doc in con.execute(
            "SELECT feed_url, doc_url, parent_url, etag, last_modified FROM feed_documents "
            "WHERE feed_url = ANY(?) ORDER BY feed_url, doc_url", [feed_urls]).fetchall():
        out.setdefault(feed_url, []).append(tuple(doc))
    return out


def record_polls(con: duckdb.DuckDBPyConnection, polls: list[PollRecord], now: dt.datetime) -> dict[str, int]:
    """Write the polls in one transaction: each feed's row, its documents, its listed items (new ones
    queued, unless an article with that URL is stored already; changed ones queued again), and drop
    items that feeds stopped listing more than ITEM_RETENTION_DAYS ago. Returns new or changed items
    per feed."""
    found: dict[str, int] = {}
    with transaction(con):
        for poll in polls:
            new, changed = _record_items(con, poll) if poll.items is not None else (0, 0)
            found[poll.feed_url] = new + changed
            _record_feed(con, poll, new, changed)
            if poll.documents is not None:
                con.execute("DELETE FROM feed_documents WHERE feed_url = ?", [poll.feed_url])
                if poll.documents:
                    con.executemany("INSERT INTO feed_documents VALUES (?, ?, ?, ?, ?)",
                                    [[poll.feed_url, *doc] for doc in poll.documents])
        con.execute(
            "DELETE FROM feed_items WHERE state <> 'queued' AND last_seen < ? AND last_seen < "
            "(SELECT max(f.last_seen) FROM feed_items f WHERE f.feed_url = feed_items.feed_url)",
            [now - dt.timedelta(days=ITEM_RETENTION_DAYS)])
    return found


def _record_feed(con: duckdb.DuckDBPyConnection, poll: PollRecord, new: int, changed: int) -> None:
    ok = poll.error is None
    con.execute(
        "INSERT INTO feeds (feed_url, source, last_attempt, last_success, last_status, last_error, items_seen, "
        "items_new, kind, poll_minutes, failures, next_poll) VALUES ($url, $source, $at, $success, $status, $error, "
        "$new, $found, $kind, $minutes, $failures, $next) ON CONFLICT (feed_url) DO UPDATE SET "
        "source = $source, last_attempt = $at, last_success = coalesce($success, feeds.last_success), "
        "last_status = $status, last_error = $error, items_seen = coalesce(feeds.items_seen, 0) + $new, "
        "items_new = CASE WHEN $ok THEN $found ELSE feeds.items_new END, kind = $kind, poll_minutes = $minutes, "
        "failures = $failures, next_poll = $next",
        {"url": poll.feed_url, "source": poll.source, "at": poll.attempted, "success": poll.attempted if ok else None,
         "status": poll.status, "error": poll.error, "new": new, "found": new + changed, "kind": poll.kind,
         "minutes": poll.poll_minutes, "failures": poll.failures, "next": poll.next_poll, "ok": ok})


def _record_items(con: duckdb.DuckDBPyConnection, poll: PollRecord) -> tuple[int, int]:
    """Merge a feed's listed items into `feed_items`; the numbers of new and of changed ones."""
    listed = pd.DataFrame(poll.items, columns=["item_url", "version", "title", "published", "html"])
    listed = listed.drop_duplicates("item_url")
    if listed.empty:
        return 0, 0
    con.register("_listed", listed)
    try:
        changed = con.execute(
            "UPDATE feed_items SET last_seen = $at, version = l.version, title = l.title, published = l.published, "
            "html = l.html, state = 'queued', attempts = 0, last_error = NULL FROM _listed l "
            "WHERE feed_items.feed_url = $feed AND feed_items.item_url = l.item_url "
            "AND feed_items.version IS DISTINCT FROM l.version",
            {"at": poll.attempted, "feed": poll.feed_url}).fetchone()[0]
        con.execute(
            "UPDATE feed_items SET last_seen = $at FROM _listed l WHERE feed_items.feed_url = $feed "
            "AND feed_items.item_url = l.item_url AND feed_items.last_seen < $at",
            {"at": poll.attempted, "feed": poll.feed_url})
        new = con.execute(
            "INSERT INTO feed_items SELECT $feed, l.item_url, $at, $at, l.version, "
            "CASE WHEN stored.url IS NULL THEN 'queued' ELSE 'stored' END, 0, NULL, l.title, l.published, "
            "CASE WHEN stored.url IS NULL THEN l.html END FROM _listed l "
            "LEFT JOIN (SELECT DISTINCT u AS url FROM (SELECT url AS u FROM articles UNION ALL "
            "           SELECT canonical_url FROM articles) WHERE u IN (SELECT item_url FROM _listed)) stored "
            "  ON stored.url = l.item_url "
            "WHERE l.item_url NOT IN (SELECT item_url FROM feed_items WHERE feed_url = $feed)",
            {"at": poll.attempted, "feed": poll.feed_url}).fetchone()[0]
    finally:
        con.unregister("_listed")
    return int(new), int(changed)


def queued_items(con: duckdb.DuckDBPyConnection, retry_feeds: list[str], limit: int) -> list[QueuedItem]:
    """Up to `limit` items to fetch, taken in turn from each feed (newest first within a feed): the
    queued ones, and those of `retry_feeds` (just polled) whose last fetch failed fewer than
    MAX_ITEM_ATTEMPTS times."""
    rows = con.execute(
        "SELECT feed_url, item_url, title, published, html FROM ("
        "  SELECT *, row_number() OVER (PARTITION BY feed_url ORDER BY published DESC NULLS LAST, first_seen, "
        "                               item_url) AS turn FROM feed_items "
        "  WHERE state = 'queued' OR (state = 'failed' AND attempts < ? AND feed_url = ANY(?))) "
        "ORDER BY turn, feed_url LIMIT ?", [MAX_ITEM_ATTEMPTS, retry_feeds, limit]).fetchall()
    return [QueuedItem(*r) for r in rows]


def backlog(con: duckdb.DuckDBPyConnection) -> int:
    """Items queued and not fetched yet."""
    return con.execute("SELECT count(*) FROM feed_items WHERE state = 'queued'").fetchone()[0]


def mark_items(con: duckdb.DuckDBPyConnection, done: list[tuple[str, str]], failed: list[tuple[str, str, str]]
               ) -> None:
    """After a batch: items (feed_url, item_url) stored (or found unchanged or duplicate), and items
    (feed_url, item_url, error) whose fetch or extraction failed."""
    with transaction(con):
        if done:
            con.executemany("UPDATE feed_items SET state = 'stored', attempts = 0, last_error = NULL, html = NULL "
                            "WHERE feed_url = ? AND item_url = ?", [list(d) for d in done])
        if failed:
            con.executemany("UPDATE feed_items SET state = 'failed', attempts = attempts + 1, last_error = ? "
                            "WHERE feed_url = ? AND item_url = ?", [[e, f, u] for f, u, e in failed])
