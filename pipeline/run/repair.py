"""Repair: finish what a crashed run left undone (`python -m pipeline repair`).

A run killed after committing articles, or inside its end-of-run upkeep, leaves the pending-upkeep
marker set; repair does the whole upkeep (statement clusters, text index, summary tables) and
clears it. It also rebuilds a text index that does not cover every article (a store left by a
version without the marker). Stored rows are never changed otherwise: interrupted runs keep
`finished` empty, and their inputs can simply be ingested again.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .. import store
from .finish import done, upkeep


@dataclass
class RepairSummary:
    """What repair found and did."""

    pending: str | None
    articles: int
    indexed_before: int | None
    interrupted_runs: int
    repaired: bool

    def line(self) -> str:
        runs = (f"; {self.interrupted_runs} interrupted run(s) stay recorded as unfinished (ingest their inputs "
                "again to fetch what they missed)") if self.interrupted_runs else ""
        if not self.repaired:
            return (f"nothing to repair: upkeep is complete and the text index covers all {self.articles:,} "
                    f"articles{runs}")
        why = (f"finished the upkeep left pending by {self.pending}" if self.pending else
               f"the text index covered {self.indexed_before or 0:,} of {self.articles:,} articles")
        return (f"repaired: {why}; rebuilt statement clusters, the text index ({self.articles:,} articles) "
                f"and the summary tables{runs}")


def repair(db: Path, wait: float = 30.0) -> RepairSummary:
    """Complete any pending upkeep under the run lock; raises StoreBusy while another run writes."""
    with store.run_lock(db, wait, "repair"), store.open_store(db, wait=wait) as con:
        pending = store.upkeep_pending(con)
        articles = con.execute("SELECT count(*) FROM articles").fetchone()[0]
        indexed = store.text_index_size(con)
        interrupted = con.execute("SELECT count(*) FROM runs WHERE finished IS NULL").fetchone()[0]
        stale = articles > 0 and indexed != articles
        if pending or stale:
            upkeep(con, text_changed=True, statements_changed=True)
            done(con)
        con.execute("CHECKPOINT")
    return RepairSummary(pending, articles, indexed, interrupted, bool(pending or stale))
