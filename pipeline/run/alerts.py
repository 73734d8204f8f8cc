"""Alerts: signals of what changed in the store, published as an Atom feed file that an analyst's feed
reader subscribes to (`data/alerts.atom` beside the default database).

A signal is a small typed record (`Signal`). Producers read the store and return signals; `publish`
asks every producer in `PRODUCERS` for the signals of the last `ALERT_DAYS` days and replaces the
feed file atomically (a reader never sees half a file). The feed is a function of the store, so a
signal keeps its entry id, title and time however often the file is rewritten. Today the one
producer is `new_articles` (new or changed articles per source and run); the "what changed"
statistics (surges, first appearances, shifts in tone) add theirs to `PRODUCERS`.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import os
import tempfile
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import duckdb
from feedgen.feed import FeedGenerator

ALERT_DAYS = 7
MAX_ENTRIES = 200
TITLES_SHOWN = 5
FEED_TITLE = "Diplomatic Statement Tracker — alerts"


@dataclass(frozen=True)
class Signal:
    """One thing that changed, as an alert.

    `kind` names the producer's kind of signal (`new_articles`, …); `key` is its stable identity (the
    same signal always gets the same key, and the feed entry's id derives from it); `title` and
    `summary` are plain text; `link` opens the dashboard view behind it; `detected_at` is when it
    happened (UTC; naive values are taken as UTC)."""

    kind: str
    key: str
    title: str
    summary: str
    link: str
    detected_at: dt.datetime


Producer = Callable[[duckdb.DuckDBPyConnection, dt.datetime, str], list[Signal]]


def view_link(dashboard_url: str, page: str, **params: str | list[str]) -> str:
    """The address of a dashboard page with its URL filters (the keys of README "Shareable URLs")."""
    query = urlencode({"page": page, **params}, doseq=True)
    return f"{dashboard_url.rstrip('/')}/{page}?{query}"


def new_articles(con: duckdb.DuckDBPyConnection, since: dt.datetime, dashboard_url: str) -> list[Signal]:
    """One signal per finished run and source: the articles that run stored new or changed (a page
    replaced by a changed version counts again), with the first titles, linked to that source's
    articles (or to the article itself when it is one)."""
    rows = con.execute(
        "SELECT r.run_id, r.finished, a.source, coalesce(any_value(s.name), a.source), count(*), "
        "       list(a.title ORDER BY a.published DESC NULLS LAST, a.article_id)[:?], min(a.article_id) "
        "FROM articles a JOIN runs r USING (run_id) LEFT JOIN sources s ON s.source = a.source "
        "WHERE r.finished >= ? AND a.duplicate_of IS NULL GROUP BY r.run_id, r.finished, a.source",
        [TITLES_SHOWN, since]).fetchall()
    signals = []
    for run_id, finished, source, name, count, titles, article_id in rows:
        shown = [t.strip() for t in titles if t and t.strip()]
        more = count - len(shown)
        summary = "; ".join(shown) + (f"; and {more} more" if more > 0 and shown else "")
        link = (view_link(dashboard_url, "articles", article=article_id) if count == 1 else
                view_link(dashboard_url, "articles", source=source))
        signals.append(Signal(
            kind="new_articles", key=f"new_articles/{run_id}/{source}",
            title=f"{count} new or changed article{'s' if count != 1 else ''} from {name}",
            summary=summary or f"{count} article{'s' if count != 1 else ''} without a title", link=link,
            detected_at=finished))
    return signals


PRODUCERS: list[Producer] = [new_articles]


def collect(con: duckdb.DuckDBPyConnection, since: dt.datetime, dashboard_url: str,
            producers: list[Producer] | None = None) -> list[Signal]:
    """Every producer's signals since `since`, newest first, at most MAX_ENTRIES."""
    signals = [s for produce in (PRODUCERS if producers is None else producers)
               for s in produce(con, since, dashboard_url)]
    signals.sort(key=lambda s: (_utc(s.detected_at), s.key), reverse=True)
    return signals[:MAX_ENTRIES]


def _utc(when: dt.datetime) -> dt.datetime:
    return when.replace(tzinfo=dt.timezone.utc) if when.tzinfo is None else when.astimezone(dt.timezone.utc)


def entry_id(key: str) -> str:
    """The Atom id of a signal's entry: a URN derived from its key, the same at every rewrite."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"tracker-signal:{key}").urn


def atom(signals: list[Signal], feed_id: str, home: str, title: str = FEED_TITLE) -> bytes:
    """The Atom document for these signals (in their order), its `updated` the newest signal's time."""
    feed = FeedGenerator()
    feed.id(feed_id)
    feed.title(title)
    feed.author(name="Diplomatic Statement Tracker")
    feed.link(href=home, rel="alternate")
    feed.updated(max((_utc(s.detected_at) for s in signals), default=dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)))
    for signal in signals:
        entry = feed.add_entry(order="append")
        entry.id(entry_id(signal.key))
        entry.title(signal.title)
        entry.summary(signal.summary)
        entry.link(href=signal.link, rel="alternate")
        entry.updated(_utc(signal.detected_at))
        entry.category(term=signal.kind)
    return feed.atom_str(pretty=True)


def write_atom(path: Path, document: bytes) -> None:
    """Replace `path` atomically: write a temporary file beside it, flush it to disk, rename it over."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(document)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, 0o644)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def publish(con: duckdb.DuckDBPyConnection, path: Path, feed_id: str, dashboard_url: str,
            now: dt.datetime | None = None) -> int:
    """Write the alert feed of the last ALERT_DAYS days to `path`; the number of entries."""
    now = now or dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    signals = collect(con, now - dt.timedelta(days=ALERT_DAYS), dashboard_url)
    write_atom(path, atom(signals, feed_id, dashboard_url))
    return len(signals)


def feed_id_for(db: Path) -> str:
    """The alert feed's Atom id: one per store (from the database's absolute path)."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"tracker-alerts:{Path(db).resolve()}").urn
