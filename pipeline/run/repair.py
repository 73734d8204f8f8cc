"""Repair: finish what a crashed run left undone (`python -m pipeline repair`), or recompute everything
derived across articles (`repair --full`).

A run killed after committing articles, or inside its end-of-run upkeep, leaves the pending-upkeep
marker set and its changed articles recorded; repair does the upkeep it owed (for those articles, or
over the whole store when the record is gone) and clears them. It also rebuilds a text index that
does not cover every article (a store left by a version without the marker). `--full` recomputes
statement clusters, speakers' states, the text index and every summary table (entity bits ranked
again) whatever the store's state: the reference the incremental upkeep is tested against. Stored
articles are never changed otherwise: interrupted runs keep `finished` empty, and their inputs can
simply be ingested again.
"""
from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb

from .. import store
from ..store import rollups, statement_upkeep
from .finish import Upkeep, done, upkeep


@dataclass
class RepairSummary:
    """What repair found and did."""

    pending: str | None
    articles: int
    indexed_before: int | None
    interrupted_runs: int
    done: Upkeep | None
    full: bool = False

    def line(self) -> str:
        runs = (f"; {self.interrupted_runs} interrupted run(s) stay recorded as unfinished (ingest their inputs "
                "again to fetch what they missed)") if self.interrupted_runs else ""
        if self.done is None:
            return (f"nothing to repair: upkeep is complete and the text index covers all {self.articles:,} "
                    f"articles{runs}")
        why = (f"finished the upkeep left pending by {self.pending}" if self.pending else
               f"the text index covered {self.indexed_before or 0:,} of {self.articles:,} articles"
               if self.indexed_before != self.articles else "recomputed on request (--full)")
        return f"repaired: {why}; {self.done.line()}{runs}"


def repair(db: Path, wait: float = 30.0, full: bool = False) -> RepairSummary:
    """Complete any pending upkeep (all of it with `full`) under the run lock; raises StoreBusy while
    another run writes."""
    with store.run_lock(db, wait, "repair"), store.open_store(db, wait=wait) as con:
        pending = store.upkeep_pending(con)
        articles = con.execute("SELECT count(*) FROM articles").fetchone()[0]
        indexed = store.text_index_size(con)
        interrupted = con.execute("SELECT count(*) FROM runs WHERE finished IS NULL").fetchone()[0]
        stale = not pending and articles > 0 and indexed != articles  # a pending upkeep brings the index up too
        did = None
        if full or pending or stale:
            store.mark_upkeep_pending(con, pending or "repair")
            did = upkeep(con, whole=full or stale)
            done(con)
        con.execute("CHECKPOINT")
    return RepairSummary(pending, articles, indexed, interrupted, did, full)


def rebuilt_copy(db: Path, copy: Path, statements: bool = True) -> Path:
    """`copy`: the store copied with everything derived recomputed from its base tables — speakers'
    states and clusters (unless not `statements`), the text index with its stems, every summary table
    (the entity keys kept: a dictionary) — the reference the incremental upkeep is checked against."""
    with store.open_store(db) as con:  # a write left in the WAL (batch writes skip the checkpoint) goes into the file
        con.execute("CHECKPOINT")
    shutil.copy(db, copy)
    with store.open_store(copy) as con:
        if statements:
            statement_upkeep.fill_speaker_states(con)
            statement_upkeep.recluster(con)
        store.rebuild_text_index(con)
        rollups.rebuild(con, force=True)
    return copy


def differences(db: Path, reference: Path) -> dict[str, int]:
    """Rows that differ (both ways) between two stores, per summary table, for the statements' clusters
    and states, and for the text index's documents, postings, vocabulary, stats and stems; only what
    differs is listed. Term ids are each index's own, so postings are compared by term."""
    fts = "fts_main_articles"
    with duckdb.connect(str(db), read_only=True) as con:
        literal = reference.as_posix().replace("'", "''")  # ATTACH takes no parameters
        con.execute(f"ATTACH '{literal}' AS ref (READ_ONLY)")
        have = {t for (t,) in con.execute("SELECT table_name FROM duckdb_tables() WHERE database_name = 'ref' "
                                          "AND schema_name = 'main'").fetchall()}
        if set(rollups.present(con)) != {n for n in rollups.MODELS if n in have}:
            return {"summary tables present": -1}
        pairs = {name: (f"SELECT * FROM {name}", f"SELECT * FROM ref.{name}") for name in rollups.MODELS if name in have}
        if "text_postings" in pairs:
            pairs["text_postings"] = tuple(f"SELECT w.term, p.article_key FROM {d}text_postings p "
                                           f"JOIN {d}{fts}.dict w USING (termid)" for d in ("", "ref."))
        pairs |= {
            "statements": tuple(f"SELECT statement_id, cluster_id, speaker_state_id FROM {d}statements"
                                for d in ("", "ref.")),
            "index docs": tuple(f"SELECT name, len FROM {d}{fts}.docs" for d in ("", "ref.")),
            "index postings": tuple(f"SELECT d.name, t.fieldid, w.term FROM {d}{fts}.terms t "
                                    f"JOIN {d}{fts}.docs d USING (docid) JOIN {d}{fts}.dict w USING (termid)"
                                    for d in ("", "ref.")),
            "index vocabulary": tuple(f"SELECT term, df FROM {d}{fts}.dict" for d in ("", "ref.")),
            "index stats": tuple(f"SELECT * FROM {d}{fts}.stats" for d in ("", "ref.")),
            "index stems": tuple(f"SELECT term, stem FROM {d}{fts}.stems" for d in ("", "ref.")),
        }
        out = {}
        for name, (mine, theirs) in pairs.items():
            (a,), (b,) = con.execute(f"SELECT count(*) FROM (({mine}) EXCEPT ALL ({theirs})) UNION ALL "
                                     f"SELECT count(*) FROM (({theirs}) EXCEPT ALL ({mine}))").fetchall()
            if a or b:
                out[name] = a + b
        return out
