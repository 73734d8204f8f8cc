"""Retag orchestrator: rebuild mentions and statements from stored text with the current taxonomy.

No fetching, no extraction. The store is only read (short read-only connections) while the work is
done; new rows are staged as Parquet files aside and swapped in with one short transaction, so a
dashboard reading the store is never blocked for long. The whole retag holds the store's run lock,
and the pending-upkeep marker is committed before the swap.
"""
from __future__ import annotations

import concurrent.futures as cf
import os
import sys
import tempfile
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from .. import store
from ..collect.sources import load_sources
from ..config import DEFAULT_SOURCES
from ..mentions.taxonomy import Taxonomy, load_taxonomy
from . import analyse
from .finish import finish

CHUNK = 500  # articles per unit of work (one process-pool task, one read, one set of staged files)
MIN_POOL_CHUNKS = 2


@dataclass
class RetagSummary:
    """Counts of a finished retag."""

    articles: int
    mentions: int
    statements: int
    seconds: float

    def line(self) -> str:
        return (f"retagged {self.articles} articles: {self.mentions} mentions, {self.statements} statements "
                f"in {self.seconds:.1f} s")


@dataclass
class Staged:
    """One analysed chunk, written aside: Parquet files per table (and of the ids of articles whose
    stored statements still stand, under "kept"), with its article and mention counts."""

    files: dict[str, Path]
    articles: int
    kept: int
    mentions: int


def stage_chunk(db: Path, n: int, ids: list[str], reuse: bool, folder: Path, wait: float) -> Staged:
    """Read chunk `n` (a short read-only connection), analyse it and write its rows into `folder`.
    Runs in the pool's workers, so neither texts nor rows travel between processes, only file names.
    With `reuse` (statements fingerprint unchanged, which covers the sentence splitter too), the
    stored sentences stand and articles whose mentions come out as stored keep their statements."""
    with store.open_store(db, read_only=True, wait=wait) as con:
        articles = store.article_texts(con, ids)
        previous = store.stored_mention_digests(con, ids) if reuse else None
    rows, kept_ids = analyse.analyse_chunk(articles, previous)
    files: dict[str, Path] = {}
    for table, table_rows in rows.items():
        if table == "sentences" and reuse:
            continue  # same splitter (it is part of the statements fingerprint), same text: same sentences
        if table_rows:
            files[table] = folder / f"{table}-{n:06d}.parquet"
            store.write_parquet(store.COLUMNS.get(table, ["article_id", "genre"]), table_rows, files[table])
    if kept_ids:
        files["kept"] = folder / f"kept-{n:06d}.parquet"
        store.write_parquet(["article_id"], [{"article_id": i} for i in kept_ids], files["kept"])
    return Staged(files, len(articles), len(kept_ids), len(rows["mentions"]))


def _staged(db: Path, chunks: list[list[str]], folder: Path, taxonomy: Taxonomy, taxonomy_path: Path | None,
            workers: int, wait: float, reuse: bool, sources: Path) -> Iterator[Staged]:
    """Every chunk analysed and staged, in order, with a few chunks in flight in a process pool."""
    taxonomy_arg = str(taxonomy_path) if taxonomy_path else None
    if workers <= 1 or len(chunks) < MIN_POOL_CHUNKS:  # a pool's start-up costs more than small corpora take
        analyse.init_worker(taxonomy_arg, taxonomy, sources)
        for n, chunk in enumerate(chunks):
            yield stage_chunk(db, n, chunk, reuse, folder, wait)
        return
    with cf.ProcessPoolExecutor(max_workers=workers, initializer=analyse.init_worker,
                                initargs=(taxonomy_arg, taxonomy, str(sources))) as pool:
        pending: deque[cf.Future] = deque()
        for n, chunk in enumerate(chunks):
            pending.append(pool.submit(stage_chunk, db, n, chunk, reuse, folder, wait))
            if len(pending) > workers * 2:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def retag(db: Path, taxonomy_path: Path | None = None, workers: int = os.cpu_count() or 1,
          progress: bool = True, wait: float = 30.0, sources: Path = DEFAULT_SOURCES) -> RetagSummary:
    """Re-tag every stored article; raises TaxonomyError before touching the store if the taxonomy is broken.

    Statements are extracted again only where they can have changed: for every article when the
    statements fingerprint (extractor code, cue files, taxonomy without aliases, sources' kinds and
    issuers) differs from the one they were built with, else only for articles whose mentions changed.
    Every article's genre is decided again.
    """
    started = time.monotonic()
    taxonomy = load_taxonomy(taxonomy_path)
    fingerprint = analyse.statements_fingerprint(taxonomy, load_sources(sources))
    with store.run_lock(db, wait, "retag"):
        return _retag(db, taxonomy, taxonomy_path, fingerprint, workers, progress, wait, started, sources)


def _staging(db: Path) -> tempfile.TemporaryDirectory:
    """Retag's staging folder, beside the database (same disk as the swap reads it from)."""
    try:
        return tempfile.TemporaryDirectory(prefix="retag-", dir=Path(db).parent)
    except OSError as exc:
        raise store.StoreError(f"{Path(db).parent}: cannot create retag's staging folder there ({exc.strerror}); "
                               "the database folder must be writable") from exc


def _retag(db: Path, taxonomy: Taxonomy, taxonomy_path: Path | None, fingerprint: str, workers: int,
           progress: bool, wait: float, started: float, sources: Path) -> RetagSummary:
    with store.open_store(db, read_only=True, wait=wait) as con:
        ids = store.article_ids(con)
        reuse = store.get_meta(con, "statements_fingerprint") == fingerprint
        owed = store.upkeep_pending(con) is not None  # a crashed run's upkeep: done in full below
    chunks = [ids[i:i + CHUNK] for i in range(0, len(ids), CHUNK)]
    counts = {"mentions": 0, "extracted": 0}
    bar = tqdm(total=len(ids), unit="article", disable=not progress, file=sys.stderr, dynamic_ncols=True)
    with _staging(db) as tmp:
        staged: dict[str, list[Path]] = {}
        try:
            for chunk in _staged(db, chunks, Path(tmp), taxonomy, taxonomy_path, workers, wait, reuse, sources):
                for table, path in chunk.files.items():
                    staged.setdefault(table, []).append(path)
                counts["mentions"] += chunk.mentions
                counts["extracted"] += chunk.articles - chunk.kept
                bar.update(chunk.articles)
        finally:
            bar.close()
        entities = store.frame("entities", taxonomy.entity_rows())
        kept = staged.pop("kept", [])
        genres = staged.pop("genres", [])
        unchanged = {"sentences"} if reuse else set()
        if reuse and counts["extracted"] == 0:
            unchanged |= {"statements", "statement_mentions"}
        with store.open_store(db, wait=wait) as con:
            store.mark_upkeep_pending(con, "retag")
            store.swap_derived(con, staged, entities, kept, frozenset(unchanged), genres)
            finish(con, taxonomy, fingerprint, text_changed=owed, statements_changed=owed or counts["extracted"] > 0,
                   whole=True)
            n_statements = con.execute("SELECT count(*) FROM statements").fetchone()[0]
    return RetagSummary(len(ids), counts["mentions"], n_statements, time.monotonic() - started)
