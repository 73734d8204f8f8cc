"""Statement data that spans articles, kept by end-of-run upkeep: speakers' states and statement clusters.

Both are either recomputed over the whole store (`changed=False`: retag, `repair --full`) or only
where the changed articles (`changes.load`: the temporary table `upkeep_articles`, and
`upkeep_removed` for the statements removed with them) can have moved them, with the same result.
Statements whose cluster or state changed are added to the temporary table `upkeep_statements`,
which the summary tables' upkeep reads. Memory stays bounded: clusters are computed in Python one
group of speakers at a time, and the incremental path reads only the changed statements, the
statements of the same speakers within the clustering window, and the clusters those join or split.
"""
from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from ..statements.clusters import CLUSTER_WINDOW_DAYS, assign_clusters, block_key
from .db import rows_where

# Statements clustered per query in a whole-store pass (whole speakers at a time: one speaker's
# statements are never split, so a prolific speaker may make a chunk bigger).
CHUNK_STATEMENTS = 50_000

_COLUMNS = "s.statement_id, s.cluster_id, s.speaker_entity_id, s.speaker, s.speaker_key, s.quote, s.said_on, a.genre"


def start(con: duckdb.DuckDBPyConnection) -> None:
    """An empty `upkeep_statements` for this upkeep."""
    con.execute("CREATE OR REPLACE TEMP TABLE upkeep_statements (statement_id VARCHAR)")


def _note(con: duckdb.DuckDBPyConnection, ids: list[str]) -> None:
    if ids:
        con.execute("INSERT INTO upkeep_statements SELECT unnest($ids::VARCHAR[])", {"ids": ids})


# -- speakers' states ------------------------------------------------------------------------------

def fill_speaker_states(con: duckdb.DuckDBPyConnection, changed: bool = False) -> None:
    """A person outside the taxonomy keeps one state across the corpus: statements whose speaker key
    (`p:` keys, persons) has no state take the state that at least two thirds of the same speaker's
    statements with a state have (an article naming "Deputy Foreign Minister X" alone learns X's state
    from the articles that say which ministry X speaks for). With `changed`, only the speakers of the
    changed and removed statements are looked at: the others' states cannot have moved."""
    scope = ("AND speaker_key IN (SELECT speaker_key FROM statements WHERE article_id IN "
             "(SELECT article_id FROM upkeep_articles) UNION SELECT speaker_key FROM upkeep_removed)") if changed else ""
    filled = con.execute(
        f"WITH known AS (SELECT speaker_key, speaker_state_id, count(*) AS n FROM statements "
        f"  WHERE speaker_key LIKE 'p:%' AND speaker_state_id IS NOT NULL {scope} GROUP BY ALL), "
        "best AS (SELECT speaker_key, arg_max(speaker_state_id, n) AS state, max(n) AS top, sum(n) AS total "
        "  FROM known GROUP BY speaker_key) "
        "UPDATE statements SET speaker_state_id = best.state FROM best "
        "WHERE statements.speaker_key = best.speaker_key AND statements.speaker_state_id IS NULL "
        "AND best.top * 3 >= best.total * 2 RETURNING statements.statement_id").fetchall()
    if changed:
        _note(con, [r[0] for r in filled])


# -- clusters --------------------------------------------------------------------------------------

def recluster(con: duckdb.DuckDBPyConnection, changed: bool = False) -> int:
    """Statement clusters after a change: over every statement, or (`changed`) over the changed
    articles' statements and the clusters they join or split. Returns the statements whose cluster
    id changed."""
    return _recluster_changed(con) if changed else _recluster_all(con)


def _write(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, clusters: pd.Series, note: bool) -> int:
    """Store the cluster ids that differ from the stored ones; note those statements when `note`."""
    moved = frame.loc[frame["cluster_id"].ne(clusters) | frame["cluster_id"].isna(), ["statement_id"]].assign(
        cluster_id=clusters)
    if moved.empty:
        return 0
    con.register("_moved", moved)
    try:
        con.execute("UPDATE statements SET cluster_id = m.cluster_id FROM _moved m "
                    "WHERE statements.statement_id = m.statement_id")
        if note:
            con.execute("INSERT INTO upkeep_statements SELECT statement_id FROM _moved")
    finally:
        con.unregister("_moved")
    return len(moved)


def _recluster_all(con: duckdb.DuckDBPyConnection) -> int:
    """Every statement, a chunk of whole speakers (blocking keys) at a time."""
    con.execute("CREATE OR REPLACE TEMP TABLE cluster_blocks AS SELECT statement_id, "
                "coalesce(nullif(speaker_key, ''), 'e:' || nullif(speaker_entity_id, '')) AS block FROM statements "
                "WHERE block IS NOT NULL")
    # Statements of stores written before speaker keys, with a speaker name only: the key from the name.
    names = con.execute("SELECT DISTINCT speaker FROM statements WHERE coalesce(speaker_key, '') = '' "
                        "AND coalesce(speaker_entity_id, '') = '' AND speaker IS NOT NULL").df()
    if not names.empty:
        names["block"] = [block_key(None, name) for name in names["speaker"]]
        con.register("_names", names)
        con.execute("INSERT INTO cluster_blocks SELECT s.statement_id, n.block FROM statements s JOIN _names n "
                    "USING (speaker) WHERE coalesce(s.speaker_key, '') = '' AND coalesce(s.speaker_entity_id, '') = '' "
                    "AND n.block IS NOT NULL")
        con.unregister("_names")
    # A statement without a speaker is a cluster of its own.
    total = len(con.execute("UPDATE statements SET cluster_id = statement_id WHERE statement_id NOT IN "
                            "(SELECT statement_id FROM cluster_blocks) AND cluster_id IS DISTINCT FROM statement_id "
                            "RETURNING 1").fetchall())
    sizes = con.execute("SELECT block, count(*) FROM cluster_blocks GROUP BY block ORDER BY block").fetchall()
    for lo, hi in _ranges(sizes, CHUNK_STATEMENTS):
        frame = con.execute(
            f"SELECT {_COLUMNS.replace('s.speaker_key', 'b.block AS speaker_key')} FROM statements s "
            "JOIN cluster_blocks b USING (statement_id) JOIN articles a USING (article_id) "
            "WHERE b.block BETWEEN $lo AND $hi", {"lo": lo, "hi": hi}).df()
        total += _write(con, frame, assign_clusters(frame), note=False)
    con.execute("DROP TABLE cluster_blocks")
    return total


def _ranges(sizes: list[tuple[str, int]], limit: int) -> list[tuple[str, str]]:
    """Consecutive (first, last) blocks whose statements add up to about `limit` (a block is never split)."""
    out, first, count = [], None, 0
    for block, n in sizes:
        if first is None:
            first = block
        count += n
        if count >= limit:
            out.append((first, block))
            first, count = None, 0
    if first is not None:
        out.append((first, sizes[-1][0]))
    return out


def _recluster_changed(con: duckdb.DuckDBPyConnection) -> int:
    """The changed articles' statements, clustered with the statements they can link to, and every cluster
    they join or that lost a statement: recomputed whole, which gives what a whole-store pass gives
    (a cluster no changed statement links to keeps its members and its lead)."""
    changed = rows_where("statements", "article_id IN (SELECT article_id FROM upkeep_articles)")
    new = con.execute(f"SELECT {_COLUMNS} FROM ({changed}) s JOIN articles a USING (article_id)").df()
    new["block"] = [block_key(e, s, k) for e, s, k in zip(new["speaker_entity_id"], new["speaker"],
                                                         new["speaker_key"], strict=True)]
    affected = {r[0] for r in con.execute(
        "SELECT DISTINCT cluster_id FROM upkeep_removed WHERE cluster_id IS NOT NULL").fetchall()}
    blocked = new[new["block"].notna()]
    label = None
    if not blocked.empty:
        candidates = _candidates(con, blocked)
        label = assign_clusters(pd.concat([blocked.drop(columns="block"), candidates], ignore_index=True))
        linked = set(label.iloc[:len(blocked)])
        old = label.iloc[len(blocked):]
        affected |= set(candidates.loc[old.isin(linked).to_numpy(), "cluster_id"].dropna())
    if not affected:
        # No stored cluster gains or loses a statement: the new statements' clusters are the ones just
        # found among them (an unblocked statement is a cluster of its own).
        clusters = new["statement_id"].copy()
        if label is not None:
            clusters.loc[blocked.index] = label.iloc[:len(blocked)].to_numpy()
        return _write(con, new.drop(columns="block"), clusters, note=True)
    members = con.execute(
        f"SELECT {_COLUMNS} FROM ({rows_where('statements', 'cluster_id = ANY($ids)')}) s JOIN articles a "
        "USING (article_id) WHERE s.article_id NOT IN (SELECT article_id FROM upkeep_articles)",
        {"ids": sorted(affected)}).df()
    frame = pd.concat([new.drop(columns="block"), members], ignore_index=True)
    if frame.empty:
        return 0
    return _write(con, frame, assign_clusters(frame), note=True)


def _candidates(con: duckdb.DuckDBPyConnection, new: pd.DataFrame) -> pd.DataFrame:
    """Stored statements (outside the changed articles) of the new statements' speakers within the
    clustering window of one of them (or undated like an undated one). Rows of stores written before
    speaker keys are found by speaker entity, or by date alone for a name-derived key, and blocked here."""
    con.register("_probe", new[["block", "said_on"]].drop_duplicates())
    near = "((p.said_on IS NULL AND s.said_on IS NULL) OR s.said_on BETWEEN p.said_on - $days AND p.said_on + $days)"
    try:
        rows = con.execute(
            f"""WITH hits AS (
                    SELECT s.statement_id FROM statements s JOIN _probe p ON p.block = s.speaker_key WHERE {near}
                    UNION SELECT s.statement_id FROM statements s JOIN _probe p ON p.block = 'e:' || s.speaker_entity_id
                    WHERE s.speaker_key IS NULL AND {near}
                    UNION SELECT s.statement_id FROM statements s, _probe p
                    WHERE s.speaker_key IS NULL AND s.speaker_entity_id IS NULL AND s.speaker IS NOT NULL
                      AND p.block LIKE 's:%' AND {near}
                )
                SELECT {_COLUMNS} FROM ({rows_where('statements', 'statement_id IN (SELECT statement_id FROM hits)')}) s
                JOIN articles a USING (article_id)
                WHERE s.article_id NOT IN (SELECT article_id FROM upkeep_articles)""",
            {"days": dt.timedelta(days=CLUSTER_WINDOW_DAYS)}).df()
    finally:
        con.unregister("_probe")
    blocks = pd.Series([block_key(e, s, k) for e, s, k in zip(
        rows["speaker_entity_id"], rows["speaker"], rows["speaker_key"], strict=True)], index=rows.index, dtype=object)
    keep = blocks.isin(set(new["block"]))
    return rows[keep].assign(speaker_key=blocks[keep])
