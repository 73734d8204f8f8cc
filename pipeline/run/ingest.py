"""Ingest orchestrator: inputs → fetch → extract → tag → statements → store, in parallel, in batches.

Fetching runs in a thread pool of the main process (so the per-host delay holds across all
Fetching runs in a thread pool of the main process (so the per-host delay holds across all
downloads); extraction and analysis run on an engine (`engines.py`: a process pool, or a Dask
cluster); the main process writes results in short bulk transactions and records every broken
input as a `failures` row. The whole run holds the store's run lock, and the configuration
(taxonomy, sources) is checked before anything is created; the first batch that changes articles
also commits the pending-upkeep marker.
"""
from __future__ import annotations

import functools
import gzip
import hashlib
import os
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from tqdm import tqdm

from .. import store
from ..collect.fetch import Fetcher, FetchError
from ..collect.inputs import DEFAULT_LIMITS, InputError, Item, Skipped, expand, read_bytes
from ..collect.sources import Source, SourceResolver, check_issuers, load_sources
from ..collect.warc import WarcError, read_page
from ..config import DEFAULT_SOURCES, FetchPolicy, Limits
from ..extract import Article, ExtractionError, extract_article
from ..mentions.taxonomy import Taxonomy, load_taxonomy
from . import analyse, engines
from .finish import Upkeep, finish, prepare, utcnow

BATCH_ARTICLES = 200
# gzip level of the raw pages kept for re-extraction: on the 181 AEB news pages, level 5 took 2.2 ms a
# page against 5.6 ms at gzip's default 9, for 2 % more bytes (README, "Performance").
RAW_GZIP_LEVEL = 5
# A batch is written every BATCH_SECONDS (or BATCH_ARTICLES pages), and as soon as the engine sits idle
# (engines.IDLE_SECONDS): each write reopens the store and replays its write-ahead log, ~0.1 s.
BATCH_SECONDS = 2.0


def article_key(canonical_url: str | None, content_hash: str) -> str:
    """Deterministic article id: from the canonical URL, else from the content hash."""
    basis = f"url:{canonical_url}" if canonical_url else f"hash:{content_hash}"
    return hashlib.sha256(basis.encode()).hexdigest()[:20]


@dataclass
class Options:
    """Everything an ingest run needs besides its inputs."""

    db: Path
    taxonomy: Path | None = None
    sources: Path = DEFAULT_SOURCES
    workers: int = os.cpu_count() or 1
    feed: bool = False
    sitemap: bool = False
    allow_private: bool = False
    timeout: float = FetchPolicy.timeout
    delay: float = 1.0
    deadline: float = FetchPolicy.deadline
    wait: float = 30.0
    progress: bool = True
    limits: Limits = field(default_factory=Limits)
    engine: str = "local"  # "local": a process pool; "dask": a Dask cluster (run/engines.py)
    scheduler: str | None = None  # Dask scheduler address; None starts a LocalCluster of `workers`
    fetcher: Fetcher | None = None  # a caller's downloader, so its per-host delay spans its own requests too (watch)


@dataclass
class Outcome:
    """What processing one item produced: rows to store, or the stage and reason it failed."""

    input: str
    article: dict | None = None
    raw: tuple[str, bytes] | None = None
    derived: dict[str, list[dict]] | None = None
    stage: str | None = None
    error: str | None = None
    warning: str | None = None


@dataclass
class Summary:
    """Counts of a finished run, printed at the end and returned to callers."""

    run_id: str
    ok: int = 0
    failed: int = 0
    skipped: int = 0
    duplicates: int = 0
    seconds: float = 0.0
    failures: list[tuple[str, str, str]] = field(default_factory=list)
    left_out: dict[str, Counter] = field(default_factory=dict)  # input → reason → records (WARC non-pages)
    warnings: list[str] = field(default_factory=list)
    upkeep: Upkeep | None = None  # the end-of-run upkeep this run did (None: none was owed)

    def leave_out(self, skipped: Skipped) -> None:
        self.left_out.setdefault(skipped.input, Counter())[skipped.reason] += 1

    def line(self) -> str:
        rate = (self.ok + self.skipped) / self.seconds if self.seconds else 0.0
        left_out = sum(sum(c.values()) for c in self.left_out.values())
        return (f"run {self.run_id}: {self.ok} stored ({self.duplicates} duplicates), {self.skipped} unchanged, "
                f"{self.failed} failed in {self.seconds:.1f} s ({rate:.1f} pages/s)"
                + (f"; {left_out} archive records left out (not HTML 200 responses)" if left_out else ""))


def _from_text(item: Item) -> Article:
    text = item.text.strip()
    content_hash = hashlib.sha256(" ".join(text.split()).encode()).hexdigest()
    host = (urlsplit(item.url).hostname or "").removeprefix("www.") or None if item.url else None
    return Article(url=item.url, canonical_url=item.url, hostname=host, sitename=None, title=item.title,
                   author=None, published=None, date_source="none", language=None, text=text,
                   content_hash=content_hash)


def process(item: Item, html: str | bytes | None = None, final_url: str | None = None,
            limits: Limits = DEFAULT_LIMITS) -> Outcome:
    """Extract and analyse one item (runs in a worker process); never raises. `html` is the page when
    the caller has it already (downloaded, or read by the main process for a remote worker)."""
    raw_bytes: bytes | None = None
    try:
        if html is not None:
            raw_bytes = html if isinstance(html, bytes) else html.encode("utf-8")
        else:
            raw_bytes = read_item(item, limits)
    except (WarcError, InputError, OSError) as exc:
        return _read_failure(item, exc)
    try:
        article = extract_article(raw_bytes, url=final_url or item.url) if raw_bytes is not None else _from_text(item)
    except ExtractionError as exc:
        return Outcome(item.input, stage="extract", error=f"{item.input}: {exc}")
    except Exception as exc:  # a malformed page must not stop the batch
        return Outcome(item.input, stage="extract", error=f"{item.input}: {type(exc).__name__}: {exc}")
    if item.published is not None:
        article.published, article.date_source = item.published, "feed"
    if item.title and not article.title:
        article.title = item.title
    article_id = article_key(article.canonical_url or article.url, article.content_hash)
    analyser = analyse.worker()
    try:
        derived = analyser.analyse(article_id, article.text, article.published, title=article.title,
                                   author=article.author, source=analyser.source(article.hostname, article.sitename))
    except Exception as exc:
        return Outcome(item.input, stage="analyse", error=f"{item.input}: {type(exc).__name__}: {exc}")
    raw = None
    if raw_bytes is not None:
        raw = (hashlib.sha256(raw_bytes).hexdigest(), gzip.compress(raw_bytes, compresslevel=RAW_GZIP_LEVEL, mtime=0))
    row = {
        "article_id": article_id, "url": article.url, "canonical_url": article.canonical_url,
        "hostname": article.hostname, "sitename": article.sitename, "title": article.title,
        "author": article.author, "published": article.published, "date_source": article.date_source,
        "language": article.language, "text": article.text, "content_hash": article.content_hash,
        "raw_sha256": raw[0] if raw else None, "genre": derived.genre, "fetched_at": item.fetched_at,
    }
    return Outcome(item.input, article=row, raw=raw, derived=derived.tables)


def read_item(item: Item, limits: Limits = DEFAULT_LIMITS) -> bytes | None:
    """The page bytes of a local item (a file, a WARC record, inline HTML) within the limits; None for
    text-only items."""
    if item.record is not None:
        return read_page(item.path, item.record)
    if item.path is not None:
        return read_bytes(item.path, limits)
    return item.html.encode("utf-8") if item.html is not None else None


def _read_failure(item: Item, exc: Exception) -> Outcome:
    if isinstance(exc, InputError):  # its message starts with the input already
        return Outcome(item.input, stage="read", error=str(exc))
    reason = exc.strerror if isinstance(exc, OSError) else None
    return Outcome(item.input, stage="read",
                   error=f"{item.input}: " + (f"cannot read ({reason})" if reason else str(exc)))


def _prepare(fetcher: Fetcher, limits: Limits, warnings: dict[str, str],
             item: Item) -> tuple[str | bytes | None, str | None] | Outcome:
    """The main process's part of an item: download it (one Fetcher keeps the per-host delay and the
    SSRF guard across all workers; a decoding warning goes to `warnings`), or read its file for a
    worker that may not see this disk."""
    if item.needs_fetch:
        try:
            fetched = fetcher.page(item.url)
        except FetchError as exc:
            return Outcome(item.input, stage="fetch", error=str(exc))
        if fetched.warning:
            warnings[item.input] = fetched.warning
        return fetched.text, fetched.final_url
    if item.path is None:
        return None, None  # inline HTML or text travels with the item
    try:
        return read_item(item, limits), None
    except (WarcError, InputError, OSError) as exc:
        return _read_failure(item, exc)


def _lost(item: Item, reason: str) -> Outcome:
    return Outcome(item.input, stage="process", error=f"{item.input}: failed on a Dask worker ({reason})")


class _Writer:
    """Collects outcomes and writes them in short bulk transactions; decides skip / duplicate / replace
    when it writes, against the stored articles with the same ids or content hashes (looked up then,
    never the whole store: a batch costs the same on a store of any size)."""

    def __init__(self, opts: Options, run_id: str, resolver: SourceResolver, summary: Summary,
                 started_empty: bool) -> None:
        self.opts, self.run_id, self.resolver, self.summary = opts, run_id, resolver, summary
        self.started_empty = started_empty
        self.outcomes: list[Outcome] = []
        self.failures: list[dict] = []
        self.last_flush = time.monotonic()
        self.new_articles = 0
        self.marked = False

    def fail(self, input_: str, stage: str, error: str) -> None:
        self.summary.failed += 1
        self.summary.failures.append((input_, stage, error))
        self.failures.append({"run_id": self.run_id, "input": input_, "stage": stage, "error": error})
        self._maybe_flush()

    def add(self, outcome: Outcome) -> None:
        if outcome.warning:
            self.summary.warnings.append(outcome.warning)
        if outcome.article is None:
            self.fail(outcome.input, outcome.stage or "process", outcome.error or "failed")
            return
        if any(o.article["article_id"] == outcome.article["article_id"] for o in self.outcomes):
            self.flush()  # an older version is still pending: write it so that this one replaces it
        self.outcomes.append(outcome)
        self._maybe_flush()

    def _maybe_flush(self) -> None:
        if len(self.outcomes) >= BATCH_ARTICLES or time.monotonic() - self.last_flush >= BATCH_SECONDS:
            self.flush()

    def _rows(self, by_id: dict[str, str], by_hash: dict[str, str]) -> tuple[dict[str, list[dict]], list[str]]:
        """The pending outcomes as rows to insert and ids to replace; unchanged ones are counted, not written."""
        rows: dict[str, list[dict]] = {t: [] for t in ("articles", "raw_pages", "sentences", "mentions", "statements",
                                                       "statement_mentions")}
        replace: list[str] = []
        for outcome in self.outcomes:
            art = dict(outcome.article)
            article_id, content_hash = art["article_id"], art["content_hash"]
            previous = by_id.get(article_id)
            if previous == content_hash:
                self.summary.skipped += 1
                continue
            if previous is not None:
                replace.append(article_id)
            original = by_hash.get(content_hash)
            art["duplicate_of"] = original if original and original != article_id else None
            if art["duplicate_of"]:
                self.summary.duplicates += 1
            else:
                by_hash[content_hash] = article_id
            by_id[article_id] = content_hash
            art["source"] = self.resolver.resolve(art["hostname"], art.pop("sitename"))
            art["fetched_at"] = art.get("fetched_at") or utcnow()
            art["run_id"] = self.run_id
            rows["articles"].append(art)
            if outcome.raw:
                rows["raw_pages"].append({"raw_sha256": outcome.raw[0], "html_gz": outcome.raw[1]})
            for table, derived in (outcome.derived or {}).items():
                rows[table].extend(derived)
            self.summary.ok += 1
            self.new_articles += 1
        return rows, replace

    def flush(self) -> None:
        """Write the pending outcomes and failures, if any, in one transaction."""
        if not self.outcomes and not self.failures:
            return
        with store.open_store(self.opts.db, wait=self.opts.wait) as con:
            # The batch stays in the write-ahead log (readers replay it) until the end of the run's
            # connection checkpoints: on a large store a checkpoint per batch cost ~0.5 s each.
            con.execute("PRAGMA disable_checkpoint_on_shutdown")
            articles = [o.article for o in self.outcomes]
            rows, replace = self._rows(*store.known_articles(con, [a["article_id"] for a in articles],
                                                             [a["content_hash"] for a in articles]))
            rows["failures"] = self.failures
            frames = {t: store.frame(t, r) for t, r in rows.items() if r}
            meta = None
            if not self.marked and (rows["articles"] or replace):
                meta = {store.UPKEEP_PENDING: self.run_id}  # committed with the first change, cleared by upkeep
            if frames or replace:
                store.write_batch(con, frames, replace, meta)
        self.marked = self.marked or meta is not None
        self.outcomes, self.failures = [], []
        self.last_flush = time.monotonic()


def _expand_all(inputs: list[str], opts: Options, fetcher: Fetcher,
                fail: Callable[[str, str, str], None], leave_out: Callable[[Skipped], None]) -> list[Item]:
    items: list[Item] = []
    for value in inputs:
        if opts.feed or opts.sitemap:
            if value.lower().startswith(("http://", "https://")):
                stage = "feed" if opts.feed else "sitemap"
                try:
                    found_items = fetcher.feed(value) if opts.feed else fetcher.sitemap(value)
                except (FetchError, InputError) as exc:
                    fail(value, stage, str(exc))
                    continue
                for found in found_items:
                    if isinstance(found, InputError):
                        fail(found.input, stage, str(found))
                    else:
                        items.append(found)
                continue
        for found in expand(value, opts.limits):
            if isinstance(found, InputError):
                fail(found.input, "input", str(found))
            elif isinstance(found, Skipped):
                leave_out(found)
            else:
                items.append(found)
    return items


def ingest(inputs: list[str], opts: Options, items: list[Item] | None = None) -> Summary:
    """Run one ingest: every input becomes stored articles or `failures` rows; returns the counts.
    `items`, when given, are the work items themselves (watch's feed items, with their feed dates
    and content), and `inputs` only name them in the run's record.

    The taxonomy and sources files are checked first (a broken one raises before any file is
    created), and the engine is connected; then the run holds the store's run lock from start to
    finish, so a second run waits (up to `opts.wait` s, then StoreBusy) instead of interleaving its
    batches with this one."""
    taxonomy = load_taxonomy(opts.taxonomy, opts.sources)
    sources = load_sources(opts.sources)
    check_issuers(sources, taxonomy.entities, opts.sources)
    fingerprint = analyse.statements_fingerprint(taxonomy, sources)
    store.check_path(opts.db)
    engine = engines.start(opts.engine, taxonomy, opts.taxonomy, opts.scheduler, opts.workers, opts.sources)
    try:
        with store.run_lock(opts.db, opts.wait, "ingest"):
            return _ingest(inputs, opts, taxonomy, sources, fingerprint, engine, items)
    finally:
        engine.close()


def _ingest(inputs: list[str], opts: Options, taxonomy: Taxonomy, sources: list[Source], fingerprint: str,
            engine: engines.Local | engines.Dask, items: list[Item] | None = None) -> Summary:
    started = time.monotonic()
    run_id = utcnow().strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]
    summary = Summary(run_id)
    with store.open_store(opts.db, wait=opts.wait) as con:
        resolver = prepare(con, taxonomy, sources)
        store.start_run(con, run_id, utcnow(), list(inputs))
        started_empty = con.execute("SELECT count(*) = 0 FROM articles").fetchone()[0]
    fetcher = opts.fetcher or Fetcher(allow_private=opts.allow_private, timeout=opts.timeout, delay=opts.delay,
                                      deadline=opts.deadline, max_bytes=opts.limits.page_bytes, limits=opts.limits)
    writer = _Writer(opts, run_id, resolver, summary, started_empty)
    if items is None:
        items = _expand_all(inputs, opts, fetcher, writer.fail, summary.leave_out)
    bar = tqdm(total=len(items), unit="page", disable=not opts.progress, file=sys.stderr, dynamic_ncols=True)
    warnings: dict[str, str] = {}  # decoding warnings of downloaded pages, by input, joined to their outcome
    task = engines.Task(prepare=functools.partial(_prepare, fetcher, opts.limits, warnings),
                        work=functools.partial(process, limits=opts.limits), lost=_lost)
    try:
        # Idle (a slow download holds the input order): pages done before it are written now.
        for outcome in engine.results(items, task, writer.flush):
            outcome.warning = warnings.pop(outcome.input, None)
            writer.add(outcome)
            bar.update(1)
            bar.set_postfix(ok=summary.ok, failed=summary.failed, skipped=summary.skipped, refresh=False)
        writer.flush()
    finally:
        bar.close()
    with store.open_store(opts.db, wait=opts.wait) as con:
        if store.upkeep_pending(con):  # this run's changes, or a crashed run's that were never finished
            stored = store.get_meta(con, "statements_fingerprint")
            if writer.new_articles:
                same = writer.started_empty or stored == fingerprint
                summary.upkeep = finish(con, taxonomy, fingerprint if same else "mixed")
            else:
                summary.upkeep = finish(con, taxonomy, stored or "mixed")
        summary.seconds = time.monotonic() - started
        store.finish_run(con, run_id, utcnow(), summary.ok, summary.failed, summary.skipped)
    return summary
