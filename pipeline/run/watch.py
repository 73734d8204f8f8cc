"""Watch: poll the feeds and sitemaps that `data/sources.yaml` lists, on each source's interval, and
ingest what is new (`python -m pipeline watch`).

A plain loop rather than a scheduler library (APScheduler): the schedule has to live in the store
(`feeds.next_poll`, which analysts see and which survives a restart), polls and writes must never
overlap (one writer per store), and a stop must wait for the batch in hand. APScheduler would keep
a second copy of the schedule in its job store and run jobs on its own threads, so each of the
three would need code around it; here the schedule is read from the store, the loop sleeps until
the next poll is due, and one cycle runs at a time.

A cycle holds the store's run lock, which is free between cycles (a manual or dashboard ingest runs
then): it polls the due feeds with conditional requests (ETag / Last-Modified), records each feed's
health and backoff and queues the items not seen before or changed (`store.feeds`, the memory of
seen items lives there), takes a batch from the queue, in turn from each feed, and hands it to
`Hooks.write` (`ingest`: the same short transactions, then the end-of-run upkeep, `finish`); then
it marks the items stored or failed and `Hooks.publish` rewrites the alert feed.
"""
from __future__ import annotations

import concurrent.futures as cf
import dataclasses
import datetime as dt
import os
import signal
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from .. import config, store
from ..collect.fetch import Document, Fetcher, FetchError, Validators
from ..collect.inputs import InputError, Item, is_url
from ..collect.sources import SourcesError, check_issuers, load_sources
from ..mentions.taxonomy import load_taxonomy
from ..store import feeds
from .finish import utcnow
from .ingest import Options, Summary, ingest

BACKOFF_CAP_MINUTES = 12 * 60  # the longest wait after failures in a row (or the interval, if longer)
POLL_THREADS = 8
LOCK_TRY = 2.0  # seconds one attempt at the run lock waits (the loop retries; a stop is seen in between)
BUSY_PAUSE = 5.0  # seconds between attempts while another run writes
BACKLOG_PAUSE = 1.0  # seconds between cycles while items are queued (lets another run take the lock)
IDLE_CHECK = 60.0  # seconds at most between looks at the sources file while nothing is due


@dataclass(frozen=True)
class Target:
    """A feed or sitemap to poll, and the source that lists it."""

    url: str
    kind: str  # feed | sitemap
    source: str
    minutes: float


@dataclass
class WatchOptions:
    """A watch: the ingest options its batches use, one cycle or a loop, batch size and the alert feed."""

    ingest: Options
    once: bool = False
    batch: int = config.WATCH_BATCH_ITEMS
    alerts: Path | None = None  # default: $TRACKER_ALERTS, else alerts.atom beside the database
    dashboard_url: str = "http://127.0.0.1:8501"

    @property
    def alerts_path(self) -> Path:
        return self.alerts or config.alerts_path(self.ingest.db)


@dataclass
class Hooks:
    """What a cycle calls after polling. `write` stores a batch of items and brings the store's upkeep
    up to date (today `ingest`, whose end of run is `finish.finish`); `publish`, if any, computes the
    signals and publishes them (the CLI's: `pipeline.alerts.publish_for_watch`, the alert feed), with
    a connection to the store while the run lock is held."""

    write: Callable[[list[Item], Options], Summary] = lambda items, opts: ingest(
        [i.input for i in items], opts, items)
    publish: Callable[[duckdb.DuckDBPyConnection, WatchOptions], int] | None = None


@dataclass
class Cycle:
    """What one cycle did, for its log line."""

    polled: int = 0
    unchanged: int = 0
    failed: int = 0
    found: int = 0
    summary: Summary | None = None
    queued: int = 0
    next_due: dt.datetime | None = None
    notes: list[str] = field(default_factory=list)

    def line(self) -> str:
        parts = []
        if self.polled:
            parts.append(f"polled {self.polled} ({self.unchanged} unchanged, {self.failed} failed), "
                         f"{self.found} new or changed items")
        if self.summary is not None:
            parts.append(self.summary.line())
        parts.append(f"{self.queued} queued" + (f", next poll {self.next_due:%Y-%m-%d %H:%M:%S} UTC"
                                               if self.next_due else ""))
        return "; ".join(parts)


def _now_stamp() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Watcher:
    """The poller: `run()` loops (or does one round with `once`) until `stop` is set."""

    def __init__(self, opts: WatchOptions, hooks: Hooks | None = None, stop: threading.Event | None = None) -> None:
        self.opts, self.hooks = opts, hooks or Hooks()
        self.stop = stop or threading.Event()
        ing = opts.ingest
        self.fetcher = Fetcher(allow_private=ing.allow_private, timeout=ing.timeout, delay=ing.delay,
                               deadline=ing.deadline, max_bytes=ing.limits.page_bytes, limits=ing.limits)
        self.ingest_opts = dataclasses.replace(ing, fetcher=self.fetcher, progress=False)
        self.targets: list[Target] = []
        self._stamp: tuple[int, int] | None = None
        self._polled_once: set[str] = set()
        store.check_path(ing.db)
        taxonomy = load_taxonomy(ing.taxonomy, ing.sources)
        self._load_targets(first=True)
        check_issuers(load_sources(ing.sources), taxonomy.entities, ing.sources)

    def _load_targets(self, first: bool = False) -> None:
        """(Re)read the sources file when it changed; a broken edit keeps the previous targets (one line)."""
        path = self.opts.ingest.sources
        try:
            stat = path.stat()
            stamp = (stat.st_mtime_ns, stat.st_size)
        except OSError:
            stamp = None
        if stamp == self._stamp and not first:
            return
        self._stamp = stamp
        try:
            sources = load_sources(path)
        except SourcesError as exc:
            if first:
                raise
            log(f"error: {exc} (polling the feeds of its previous version)", err=True)
            return
        targets = [Target(url, kind, s.source, s.poll_every) for s in sources
                   for kind, urls in (("feed", s.feeds), ("sitemap", s.sitemaps)) for url in urls]
        if first and not targets:
            raise SourcesError(f"{path}: no source lists feeds or sitemaps to watch; add `feeds:` or `sitemaps:` "
                               "to an entry (see the file's header)")
        if not first and [t.url for t in targets] != [t.url for t in self.targets]:
            log(f"{path}: reloaded, {len(targets)} feeds and sitemaps to poll")
        self.targets = targets

    def run(self) -> int:
        """Poll until stopped (or one round with `once`); returns the exit code (0)."""
        waiting = False
        while not self.stop.is_set():
            self._load_targets()
            try:
                with store.run_lock(self.opts.ingest.db, self.opts.ingest.wait if self.opts.once else LOCK_TRY,
                                    "watch"):
                    cycle = self.cycle()
            except store.StoreBusy as exc:
                if self.opts.once:
                    raise
                if not waiting:
                    log(f"waiting: {exc}", err=True)
                    waiting = True
                self.stop.wait(BUSY_PAUSE)
                continue
            waiting = False
            if cycle.polled or cycle.summary is not None:
                log(cycle.line())
            if self.opts.once and not (cycle.queued and cycle.summary is not None):
                break
            if cycle.queued:
                self.stop.wait(BACKLOG_PAUSE)
            else:
                wait = (cycle.next_due - utcnow()).total_seconds() if cycle.next_due else IDLE_CHECK
                self.stop.wait(min(max(wait, 0.05), IDLE_CHECK))
        return 0

    def cycle(self) -> Cycle:
        """One round under the run lock: poll what is due, queue its new items, write one batch, publish."""
        db, wait = self.opts.ingest.db, self.opts.ingest.wait
        now = utcnow()
        with store.open_store(db, wait=wait) as con:
            states = feeds.feed_states(con)
            due = [t for t in self.targets if t.url not in self._polled_once and (
                (s := states.get(t.url)) is None or s.next_poll is None or s.next_poll <= now)]
            documents = feeds.feed_documents(con, [t.url for t in due])
        if self.opts.once:
            self._polled_once.update(t.url for t in due)
        cycle = Cycle()
        records = self._poll_all(due, documents, states, cycle)
        with store.open_store(db, wait=wait) as con:
            found = feeds.record_polls(con, records, utcnow())
            cycle.found = sum(found.values())
            batch = feeds.queued_items(con, [r.feed_url for r in records if r.error is None], self.opts.batch)
            if not batch and not store.upkeep_pending(con):
                self._close_cycle(con, cycle)  # nothing to write: one connection after the polls
                return cycle
        cycle.summary, done, failed = self._write(batch)
        with store.open_store(db, wait=wait) as con:
            feeds.mark_items(con, done, failed)
            self._close_cycle(con, cycle)
        return cycle

    def _close_cycle(self, con: duckdb.DuckDBPyConnection, cycle: Cycle) -> None:
        """The queue left and the next poll due, for the log line and the loop's sleep; the alert feed
        published again after a batch stored something (or when the file is missing)."""
        cycle.queued = feeds.backlog(con)
        targets = {t.url for t in self.targets}
        cycle.next_due = min((s.next_poll for s in feeds.feed_states(con).values()
                              if s.feed_url in targets and s.next_poll), default=None)
        if self.hooks.publish and ((cycle.summary is not None and cycle.summary.ok)
                                   or not self.opts.alerts_path.exists()):
            self.hooks.publish(con, self.opts)

    def _poll_all(self, due: list[Target], documents: dict[str, list[tuple]], states: dict[str, feeds.FeedState],
                  cycle: Cycle) -> list[feeds.PollRecord]:
        if not due:
            return []
        with cf.ThreadPoolExecutor(max_workers=min(POLL_THREADS, len(due))) as pool:
            records = list(pool.map(lambda t: self._poll(t, documents.get(t.url, []), states.get(t.url)), due))
        for record in records:
            cycle.polled += 1
            if record.error is not None:
                cycle.failed += 1
                minutes = (record.next_poll - record.attempted).total_seconds() / 60
                log(f"failed [{next(t.kind for t in due if t.url == record.feed_url)}] {record.error} "
                    f"({record.failures} in a row; next poll in {minutes:.3g} min)", err=True)
            elif record.status == 304 and not record.items:
                cycle.unchanged += 1
        return records

    def _poll(self, target: Target, documents: list[tuple], state: feeds.FeedState | None) -> feeds.PollRecord:
        """Poll one feed or sitemap (conditionally, with the validators of its last poll); never raises."""
        attempted = utcnow()
        known = {d[0]: Document(d[0], d[1], Validators(d[2], d[3])) for d in documents}
        base = dict(feed_url=target.url, source=target.source, kind=target.kind, poll_minutes=target.minutes,
                    attempted=attempted)
        try:
            if target.kind == "feed":
                mine = known.get(target.url)
                polled = self.fetcher.poll_feed(target.url, mine.validators if mine else None)
            else:
                polled = self.fetcher.poll_sitemap(target.url, known)
        except (FetchError, InputError) as exc:
            failures = (state.failures if state else 0) + 1
            minutes = min(target.minutes * 2 ** failures, max(BACKOFF_CAP_MINUTES, target.minutes))
            retry = getattr(exc, "retry_after", None)
            if retry:
                minutes = max(minutes, retry / 60)
            return feeds.PollRecord(**base, status=getattr(exc, "status", None), error=str(exc),
                                    next_poll=attempted + dt.timedelta(minutes=minutes), failures=failures)
        for note in polled.notes:
            log(f"note [{target.kind}] {note}", err=True)
        return feeds.PollRecord(
            **base, status=polled.status, error=None, failures=0,
            next_poll=attempted + dt.timedelta(minutes=target.minutes),
            documents=[(d.url, d.parent, d.validators.etag, d.validators.last_modified)
                       for d in polled.documents.values()],
            items=[(i.url or i.input, i.version, i.title, i.published, i.html) for i in polled.items])

    def _write(self, batch: list[feeds.QueuedItem]
               ) -> tuple[Summary, list[tuple[str, str]], list[tuple[str, str, str]]]:
        """Hand the batch to the write hook (ingest and upkeep); its summary, and the items (feed_url,
        item_url) to mark stored and those (feed_url, item_url, error) to mark failed."""
        by_url: dict[str, list[str]] = {}
        items: list[Item] = []
        for queued in batch:
            if queued.item_url not in by_url:
                items.append(Item(input=queued.item_url, url=queued.item_url if is_url(queued.item_url) else None,
                                  html=queued.html, title=queued.title, published=queued.published,
                                  date_source="feed" if queued.published else None))
            by_url.setdefault(queued.item_url, []).append(queued.feed_url)
        summary = self.hooks.write(items, self.ingest_opts)
        for warning in summary.warnings[:20]:
            log(f"warning: {warning}", err=True)
        errors = {}
        for input_, stage, error in summary.failures:
            errors[input_] = error
            log(f"failed [{stage}] {error}", err=True)
        done = [(f, url) for url, fs in by_url.items() if url not in errors for f in fs]
        failed = [(f, url, errors[url]) for url, fs in by_url.items() if url in errors for f in fs]
        return summary, done, failed


def log(line: str, err: bool = False) -> None:
    """One timestamped line (UTC) to stdout, or stderr for failures and warnings."""
    print(f"{_now_stamp()} {line}", file=sys.stderr if err else sys.stdout, flush=True)


def watch(opts: WatchOptions, hooks: Hooks | None = None) -> int:
    """Run the watcher with SIGTERM and Ctrl-C stopping it after the batch in hand; returns the exit code.

    Pool workers forked during a batch inherit the handlers, so a signal sent to the whole process
    group (Ctrl-C in a terminal, systemd's default KillMode) does not break the batch either; a
    second signal stops at once (batches already written stay; the run stays unfinished)."""
    stop = threading.Event()
    owner = os.getpid()

    def on_signal(signum: int, _frame: object) -> None:
        if os.getpid() != owner:
            return  # a pool worker: the main process decides
        if stop.is_set():
            raise KeyboardInterrupt
        stop.set()
        log(f"{signal.Signals(signum).name}: stopping after the batch in hand", err=True)

    watcher = Watcher(opts, hooks, stop)
    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        log(f"watching {len(watcher.targets)} feeds and sitemaps for {opts.ingest.db}"
            + (" (one round)" if opts.once else ""))
        code = watcher.run()
        if stop.is_set():
            log("stopped")
        return code
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
