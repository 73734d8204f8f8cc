"""Retag orchestrator: rebuild mentions and statements from stored text with the current taxonomy.

No fetching, no extraction. The store is only read (short read-only connections) while the work is
done; new rows are staged as Parquet files aside and swapped in with one short transaction, so a
dashboard reading the store is never blocked for long.
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

from . import analyse, store
from .maintain import finish
from .taxonomy import Taxonomy, load_taxonomy

CHUNK = 500
MIN_POOL_CHUNKS = 8


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


def _analysed(db: Path, chunks: list[list[str]], taxonomy: Taxonomy, taxonomy_path: Path | None, workers: int,
              wait: float, reuse: bool) -> Iterator[tuple[int, tuple[dict[str, list[dict]], int]]]:
    """(chunk size, (derived rows, statements re-extracted)) per chunk, in order, with a few chunks in
    flight in a process pool."""
    taxonomy_arg = str(taxonomy_path) if taxonomy_path else None

    def read(chunk: list[str]) -> tuple[list[tuple], dict[str, analyse.Previous] | None]:
        with store.open_store(db, read_only=True, wait=wait) as con:
            texts = store.article_texts(con, chunk)
            if not reuse:
                return texts, None
            stored = store.stored_derivations(con, chunk)
        return texts, {k: analyse.Previous(**v) for k, v in stored.items()}

    if workers <= 1 or len(chunks) < MIN_POOL_CHUNKS:  # a pool's start-up costs more than small corpora take
        analyse.init_worker(taxonomy_arg, taxonomy)
        for chunk in chunks:
            yield len(chunk), analyse.analyse_chunk(*read(chunk))
        return
    with cf.ProcessPoolExecutor(max_workers=workers, initializer=analyse.init_worker,
                                initargs=(taxonomy_arg,)) as pool:
        pending: deque[tuple[int, cf.Future]] = deque()
        for chunk in chunks:
            pending.append((len(chunk), pool.submit(analyse.analyse_chunk, *read(chunk))))
            if len(pending) > workers * 2:
                size, future = pending.popleft()
                yield size, future.result()
        while pending:
            size, future = pending.popleft()
            yield size, future.result()


def retag(db: Path, taxonomy_path: Path | None = None, workers: int = os.cpu_count() or 1,
          progress: bool = True, wait: float = 30.0) -> RetagSummary:
    """Re-tag every stored article; raises TaxonomyError before touching the store if the taxonomy is broken.

    Statements are extracted again only where they can have changed: for every article when the
    statements fingerprint (extractor code, cue files, taxonomy without aliases) differs from the one
    they were built with, else only for articles whose mentions changed.
    """
    started = time.monotonic()
    taxonomy = load_taxonomy(taxonomy_path)
    fingerprint = analyse.statements_fingerprint(taxonomy)
    with store.open_store(db, read_only=True, wait=wait) as con:
        ids = store.article_ids(con)
        reuse = store.get_meta(con, "statements_fingerprint") == fingerprint
    chunks = [ids[i:i + CHUNK] for i in range(0, len(ids), CHUNK)]
    counts = {"mentions": 0, "statements": 0, "extracted": 0}
    bar = tqdm(total=len(ids), unit="article", disable=not progress, file=sys.stderr, dynamic_ncols=True)
    with tempfile.TemporaryDirectory(prefix="retag-", dir=Path(db).parent) as tmp:
        staged: dict[str, list[Path]] = {}
        try:
            for n, (size, (rows, extracted)) in enumerate(
                    _analysed(db, chunks, taxonomy, taxonomy_path, workers, wait, reuse)):
                for table, table_rows in rows.items():
                    if table_rows:
                        path = Path(tmp) / f"{table}-{n:06d}.parquet"
                        store.frame(table, table_rows).to_parquet(path, index=False)
                        staged.setdefault(table, []).append(path)
                counts["mentions"] += len(rows["mentions"])
                counts["statements"] += len(rows["statements"])
                counts["extracted"] += extracted
                bar.update(size)
        finally:
            bar.close()
        entities = store.frame("entities", taxonomy.entity_rows())
        with store.open_store(db, wait=wait) as con:
            store.swap_derived(con, staged, entities)
            finish(con, taxonomy, fingerprint, text_changed=False, statements_changed=counts["extracted"] > 0)
    return RetagSummary(len(ids), counts["mentions"], counts["statements"], time.monotonic() - started)
