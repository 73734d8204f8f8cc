"""Derived summary tables ("rollups") the read queries use to stay fast on large stores.

Rebuilt from scratch at the end of every ingest and retag (`maintain.finish`), in one transaction,
so readers see either the old set or the new one. They are not part of the Contract: every query
falls back to the base tables when a rollup is missing (fresh or hand-built databases). Rows are
written sorted by the columns the queries filter on, so DuckDB's zone maps skip most row groups.
Duplicates (`articles.duplicate_of` set) are left out everywhere, as the queries' counting rules say.
"""
from __future__ import annotations

import time

import duckdb

# name → SELECT building it. Order matters: later rollups read earlier ones.
ROLLUPS: dict[str, str] = {
    # One row per (non-duplicate article, entity); `article_key` is a compact join key.
    "article_entities": """
        SELECT m.article_id, (hash(m.article_id) >> 1)::BIGINT AS article_key, m.entity_id,
               count(*)::INTEGER AS mentions, any_value(a.published) AS published,
               any_value(a.source) AS source, any_value(a.language) AS language
        FROM mentions m JOIN articles a ON a.article_id = m.article_id AND a.duplicate_of IS NULL
        GROUP BY m.article_id, m.entity_id
        ORDER BY m.entity_id, published, article_key""",
    # Distinct articles and raw mentions per (entity, day, source, language); published NULL = undated.
    "entity_days": """
        SELECT entity_id, published, source, language, count(*)::BIGINT AS articles,
               sum(mentions)::BIGINT AS mentions
        FROM article_entities GROUP BY ALL
        ORDER BY entity_id, published, source, language""",
    # The same per (entity, source, language) over all dates, for sidebar options and top lists.
    "entity_totals": """
        SELECT entity_id, source, language, sum(articles)::BIGINT AS articles, sum(mentions)::BIGINT AS mentions
        FROM entity_days GROUP BY ALL ORDER BY entity_id, source, language""",
    # All non-duplicate articles per (day, source, language): the share's denominator, undated apart.
    "day_totals": """
        SELECT published, source, language, count(*)::BIGINT AS articles
        FROM articles WHERE duplicate_of IS NULL GROUP BY ALL
        ORDER BY published, source, language""",
    # Statement counts per speaker key (entity id, else raw name) for the speaker filter's options.
    "speaker_counts": """
        SELECT coalesce(s.speaker_entity_id, s.speaker) AS key,
               coalesce(any_value(e.name), any_value(s.speaker)) AS label, count(*)::BIGINT AS statements
        FROM statements s LEFT JOIN entities e ON e.entity_id = s.speaker_entity_id
        WHERE coalesce(s.speaker_entity_id, s.speaker) IS NOT NULL
        GROUP BY key ORDER BY statements DESC, label""",
}


def rebuild(con: duckdb.DuckDBPyConnection) -> dict[str, float]:
    """Recreate every rollup from the base tables in one transaction; seconds taken per table."""
    took: dict[str, float] = {}
    con.execute("BEGIN TRANSACTION")
    try:
        for name, select in ROLLUPS.items():
            t0 = time.perf_counter()
            con.execute(f"CREATE OR REPLACE TABLE {name} AS {select}")
            took[name] = time.perf_counter() - t0
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return took


def present(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Names of the rollups that exist in this database."""
    rows = con.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' "
                       "AND table_name = ANY(?)", [list(ROLLUPS)]).fetchall()
    return {r[0] for r in rows}
