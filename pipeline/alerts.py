"""Alerts: the signals of what changed in the store, published as an Atom feed file that an analyst's
feed reader subscribes to (`data/alerts.atom` beside the default database; `TRACKER_ALERTS` or
`watch --alerts` name another file).

A signal is a small typed record (`Signal`). Producers read the store and return signals; `publish`
asks every producer in `PRODUCERS` and replaces the feed file atomically (a reader never sees half a
file). The feed is a function of the store, so a signal keeps its entry id, title and time however
often the file is rewritten, and a feed reader shows it once. The producers: `what_changed` (the
surges, first appearances and shifts in statement types of `pipeline.query.changes`, over its
default window: the last 7 days of data) and `new_articles` (what each run of the last ALERT_DAYS
days stored, per source).
"""
from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import tempfile
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pandas as pd
from lxml import etree

from .query import changes
from .query.filters import Filters

if TYPE_CHECKING:
    from .run.watch import WatchOptions

ALERT_DAYS = 7
MAX_ENTRIES = 200
TITLES_SHOWN = 5
FEED_TITLE = "Diplomatic Statement Tracker — alerts"
ATOM = "http://www.w3.org/2005/Atom"
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass(frozen=True)
class Signal:
    """One thing that changed, as an alert.

    `kind` names the producer's kind of signal (`new_articles`, …); `key` is its stable identity (the
    same signal always gets the same key, and the feed entry's id derives from it); `title` and
    `summary` are plain text; `link` opens the dashboard view of it, `related` (if any) the articles
    or statements it is made of; `detected_at` is when it happened (UTC; naive values are taken as
    UTC)."""

    kind: str
    key: str
    title: str
    summary: str
    link: str
    detected_at: dt.datetime
    related: str | None = None


Producer = Callable[[duckdb.DuckDBPyConnection, dt.datetime, str], list[Signal]]


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
        settings = changes.Settings(dashboard_url=dashboard_url)
        link = changes.view_link(settings, "articles", {"article": article_id} if count == 1 else {"source": source})
        signals.append(Signal(
            kind="new_articles", key=f"new_articles/{run_id}/{source}",
            title=f"{count} new or changed article{'s' if count != 1 else ''} from {name}",
            summary=summary or f"{count} article{'s' if count != 1 else ''} without a title", link=link,
            detected_at=finished))
    return signals


def what_changed(con: duckdb.DuckDBPyConnection, since: dt.datetime, dashboard_url: str) -> list[Signal]:
    """The signals of `pipeline.query.changes` over its default window and thresholds, unfiltered
    (`since` does not apply: the window is the last days of data). A signal's time is the latest
    fetch of the articles behind it, else the end of its day."""
    rows = changes.signals(con, None, Filters(), changes.Settings(dashboard_url=dashboard_url))
    out = []
    for r in rows.itertuples():
        when = r.detected_at if pd.notna(r.detected_at) else pd.Timestamp(r.day) + pd.Timedelta(hours=23, minutes=59)
        out.append(Signal(kind=r.kind, key=r.key, title=r.title, summary=r.summary, link=r.link,
                          detected_at=pd.Timestamp(when).to_pydatetime(), related=r.behind_link or None))
    return out


PRODUCERS: list[Producer] = [what_changed, new_articles]


def collect(con: duckdb.DuckDBPyConnection, since: dt.datetime, dashboard_url: str,
            producers: list[Producer] | None = None) -> list[Signal]:
    """Every producer's signals (`since` bounds those that take it), newest first, at most MAX_ENTRIES."""
    signals = [s for produce in (PRODUCERS if producers is None else producers)
               for s in produce(con, since, dashboard_url)]
    signals.sort(key=lambda s: (_utc(s.detected_at), s.key), reverse=True)
    return signals[:MAX_ENTRIES]


def _utc(when: dt.datetime) -> dt.datetime:
    return when.replace(tzinfo=dt.UTC) if when.tzinfo is None else when.astimezone(dt.UTC)


def _xml_text(text: str) -> str:
    """Text without the characters XML 1.0 cannot hold (control characters a page may carry)."""
    return _NOT_XML.sub("", text)


def entry_id(key: str) -> str:
    """The Atom id of a signal's entry: a URN derived from its key, the same at every rewrite."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"tracker-signal:{key}").urn


def atom(signals: list[Signal], feed_id: str, home: str, title: str = FEED_TITLE) -> bytes:
    """The Atom 1.0 document (RFC 4287) for these signals, in their order; the feed's `updated` is
    the newest signal's time. Written with lxml (text is escaped by the serializer): feedgen 1.0.0
    drops the `rel` of entry links, which would make the "related" link a second "alternate"."""
    root = etree.Element(f"{{{ATOM}}}feed", nsmap={None: ATOM})

    def add(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
        element = etree.SubElement(parent, f"{{{ATOM}}}{tag}", {k: _xml_text(v) for k, v in attrs.items()})
        element.text = _xml_text(text) if text is not None else None
        return element

    add(root, "id", feed_id)
    add(root, "title", title)
    newest = max((_utc(s.detected_at) for s in signals), default=dt.datetime(1970, 1, 1, tzinfo=dt.UTC))
    add(root, "updated", newest.isoformat())
    add(add(root, "author"), "name", "Diplomatic Statement Tracker")
    add(root, "link", href=home, rel="alternate", type="text/html")
    for signal in signals:
        entry = add(root, "entry")
        add(entry, "id", entry_id(signal.key))
        add(entry, "title", signal.title, type="text")
        add(entry, "updated", _utc(signal.detected_at).isoformat())
        add(entry, "link", href=signal.link, rel="alternate", type="text/html")
        if signal.related:
            add(entry, "link", href=signal.related, rel="related", type="text/html",
                title="the articles or statements behind it")
        add(entry, "category", term=signal.kind)
        add(entry, "summary", signal.summary, type="text")
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)


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
    now = now or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    signals = collect(con, now - dt.timedelta(days=ALERT_DAYS), dashboard_url)
    write_atom(path, atom(signals, feed_id, dashboard_url))
    return len(signals)


def publish_for_watch(con: duckdb.DuckDBPyConnection, opts: WatchOptions) -> int:
    """`watch`'s publish hook: the alert feed of its store at its path; the number of entries."""
    return publish(con, opts.alerts_path, feed_id_for(opts.ingest.db), opts.dashboard_url)


def feed_id_for(db: Path) -> str:
    """The alert feed's Atom id: one per store (from the database's absolute path)."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"tracker-alerts:{Path(db).resolve()}").urn
