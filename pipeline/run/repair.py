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

from dataclasses import dataclass
from pathlib import Path

from .. import store
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
