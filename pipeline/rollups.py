"""Derived summary tables ("rollups") the read queries use to stay fast on large stores.

Rebuilt from scratch at the end of every ingest and retag (`maintain.finish`), in one transaction,
so readers see either the old set or the new one; a retag rebuilds only those that read what it
changed (`READS`). They are not part of the Contract: every query
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
    # A small integer per entity id, so per-article entity lists stay compact.
    "entity_keys": """
        SELECT (row_number() OVER (ORDER BY entity_id) - 1)::SMALLINT AS entity_no, entity_id
        FROM (SELECT entity_id FROM entities UNION SELECT DISTINCT entity_id FROM article_entities)
        ORDER BY entity_no""",
    # One row per non-duplicate article (with or without mentions): date, source, language and its
    # entities as a sorted list of entity_no with their mention counts (same order).
    "article_facts": """
        SELECT a.article_id, (hash(a.article_id) >> 1)::BIGINT AS article_key, a.published, a.source,
               a.language, coalesce(l.entity_nos, []::SMALLINT[]) AS entity_nos,
               coalesce(l.mention_counts, []::INTEGER[]) AS mention_counts
        FROM articles a LEFT JOIN (
            SELECT x.article_key, list(k.entity_no ORDER BY k.entity_no) AS entity_nos,
                   list(x.mentions ORDER BY k.entity_no) AS mention_counts
            FROM article_entities x JOIN entity_keys k USING (entity_id) GROUP BY x.article_key
        ) l ON l.article_key = (hash(a.article_id) >> 1)::BIGINT
        WHERE a.duplicate_of IS NULL
        ORDER BY a.published, article_key""",
    # Articles mentioning both entities of an unordered pair (entity_a < entity_b by entity_no), per
    # source and language over all dates: co-mentions and the heatmap without article-level filters.
    "entity_pairs": """
        SELECT a AS no_a, b AS no_b, x.source, x.language, count(*)::BIGINT AS articles
        FROM article_facts x, unnest(x.entity_nos) AS ua(a), unnest(x.entity_nos) AS ub(b)
        WHERE a < b GROUP BY ALL ORDER BY no_a, no_b""",
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
    # Statements of non-duplicate articles with their article's date, source and language, newest
    # first; `said` is the date said, else published. Column names match the statement filter's.
    "statement_facts": """
        SELECT s.statement_id, coalesce(s.cluster_id, s.statement_id) AS cid, s.cluster_id, s.said_on,
               coalesce(s.said_on, a.published) AS said, s.article_id, a.published, a.source, a.language,
               a.duplicate_of, coalesce(a.canonical_url, a.url) AS url, s.speaker, s.speaker_entity_id,
               s.speaker_state_id, s.statement_type
        FROM statements s JOIN articles a ON a.article_id = s.article_id AND a.duplicate_of IS NULL
        ORDER BY said DESC NULLS LAST, s.statement_id""",
}

# The tables (base or rollup) each rollup reads.
READS: dict[str, set[str]] = {
    "article_entities": {"mentions", "articles"},
    "entity_keys": {"entities", "article_entities"},
    "article_facts": {"articles", "article_entities", "entity_keys"},
    "entity_pairs": {"article_facts"},
    "entity_days": {"article_entities"},
    "entity_totals": {"entity_days"},
    "day_totals": {"articles"},
    "speaker_counts": {"statements", "entities"},
    "statement_facts": {"statements", "articles"},
}

# Built only when the fts index exists: its postings sorted by term, so a search reads a few row
# groups instead of the whole index (which fts keeps in document order).
TEXT_POSTINGS = """
    SELECT DISTINCT termid, docid FROM fts_main_articles.terms ORDER BY termid, docid"""


def rebuild(con: duckdb.DuckDBPyConnection, changed: set[str] | None = None) -> dict[str, float]:
    """Recreate the rollups from the base tables in one transaction; seconds taken per table.

    With `changed` (the base tables a run rewrote), only the rollups reading them, directly or
    through another rebuilt rollup, are rebuilt, besides any missing one; text_postings only when
    "articles" changed. Without it, all of them."""
    took: dict[str, float] = {}
    have = present(con)
    stale = set(changed or ())
    con.execute("BEGIN TRANSACTION")
    try:
        for name, select in ROLLUPS.items():
            if changed is not None and name in have and not READS[name] & stale:
                continue
            stale.add(name)
            t0 = time.perf_counter()
            con.execute(f"CREATE OR REPLACE TABLE {name} AS {select}")
            took[name] = time.perf_counter() - t0
        if changed is None or "articles" in stale:
            t0 = time.perf_counter()
            if _has_text_index(con):
                con.execute(f"CREATE OR REPLACE TABLE text_postings AS {TEXT_POSTINGS}")
            else:
                con.execute("DROP TABLE IF EXISTS text_postings")
            took["text_postings"] = time.perf_counter() - t0
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return took


def _has_text_index(con: duckdb.DuckDBPyConnection) -> bool:
    row = con.execute("SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'fts_main_articles' "
                      "AND table_name = 'terms'").fetchone()
    return bool(row and row[0])


def present(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Names of the rollups that exist in this database."""
    rows = con.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' "
                       "AND table_name = ANY(?)", [[*ROLLUPS, "text_postings"]]).fetchall()
    return {r[0] for r in rows}
