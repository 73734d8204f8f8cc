"""Derived summary tables ("rollups") the read queries use to stay fast on large stores.

Rebuilt from scratch at the end of every ingest and retag (`maintain.finish`), in one transaction,
so readers see either the old set or the new one; a retag rebuilds only those that read what it
changed (`READS`). They are not part of the Contract: every query
falls back to the base tables when a rollup is missing (fresh or hand-built databases). Rows are
written sorted by the columns the queries filter on, so DuckDB's zone maps skip most row groups.
Duplicates (`articles.duplicate_of` set) are left out everywhere, as the queries' counting rules say.
"""
from __future__ import annotations

import hashlib
import time

import duckdb

# Below this many articles every query reads the base tables in milliseconds, and rebuilding the
# rollups would only slow each run down (a retag of 2,000 pages takes about a second without them).
MIN_ARTICLES = 10_000

# Entities (most articles first) that get a bit in article_facts.top_mask (a HUGEINT holds 127).
TOP_BITS = 120

# A search result's snippet: the text's first 240 characters, runs of whitespace as one space.
SNIPPET_SQL = "left(trim(regexp_replace({text}, '\\s+', ' ', 'g')), 240)"

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
    # `top_bit`: a bit number for the TOP_BITS entities in most articles (NULL for the others).
    "entity_keys": f"""
        SELECT (row_number() OVER (ORDER BY entity_id) - 1)::SMALLINT AS entity_no, entity_id,
               CASE WHEN rank <= {TOP_BITS} THEN (rank - 1)::SMALLINT END AS top_bit
        FROM (SELECT entity_id, row_number() OVER (ORDER BY n DESC, entity_id) AS rank FROM (
                  SELECT e.entity_id, count(x.entity_id) AS n
                  FROM (SELECT entity_id FROM entities UNION SELECT DISTINCT entity_id FROM article_entities) e
                  LEFT JOIN article_entities x USING (entity_id) GROUP BY e.entity_id))
        ORDER BY entity_no""",
    # One row per non-duplicate article (with or without mentions): date, source, language, its
    # entities as a sorted list of entity_no with their mention counts (same order), the top_bit mask
    # of its entities (the heatmap counts masks instead of unnesting lists), and what a search result
    # shows (title, url, snippet), so a page of results never looks articles up by id.
    "article_facts": f"""
        SELECT a.article_id, (hash(a.article_id) >> 1)::BIGINT AS article_key, a.published, a.source,
               a.language, coalesce(l.entity_nos, []::SMALLINT[]) AS entity_nos,
               coalesce(l.mention_counts, []::INTEGER[]) AS mention_counts, coalesce(l.top_mask, 0) AS top_mask,
               a.title, coalesce(a.canonical_url, a.url) AS url, {SNIPPET_SQL.format(text="a.text")} AS snippet
        FROM articles a LEFT JOIN (
            SELECT x.article_key, list(k.entity_no ORDER BY k.entity_no) AS entity_nos,
                   list(x.mentions ORDER BY k.entity_no) AS mention_counts,
                   bit_or(CASE WHEN k.top_bit IS NOT NULL THEN 1::HUGEINT << k.top_bit ELSE 0::HUGEINT END) AS top_mask
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
    # One row per mention of a non-duplicate article, with its sentence's bounds and the article's
    # date, source and language, sorted by entity and date: the sentences behind a trend point and the
    # wording under a text search read only the chosen entities' rows for the chosen dates.
    "mention_spans": """
        SELECT m.entity_id, a.published, (hash(m.article_id) >> 1)::BIGINT AS article_key, m.article_id,
               a.source, a.language, m.sentence_no, m.char_start, m.char_end, m.surface,
               s.char_start AS sentence_start, s.char_end AS sentence_end
        FROM mentions m JOIN articles a ON a.article_id = m.article_id AND a.duplicate_of IS NULL
        LEFT JOIN sentences s ON s.article_id = m.article_id AND s.sentence_no = m.sentence_no
        ORDER BY m.entity_id, a.published, article_key, m.char_start""",
    # Mentions and distinct articles per (entity, day, source, language, surface form): the wording chart.
    "entity_surfaces": """
        SELECT entity_id, published, source, language, surface, count(*)::BIGINT AS mentions,
               count(DISTINCT article_key)::BIGINT AS articles
        FROM mention_spans GROUP BY ALL ORDER BY entity_id, published, source, language, surface""",
    # The text of every sentence with a mention, sorted by date: the sentences behind a trend point are
    # read from a few blocks instead of looking their articles up one by one.
    "mention_sentences": """
        SELECT x.published, x.article_key, x.sentence_no, x.article_id,
               substr(a.text, x.sentence_start + 1, x.sentence_end - x.sentence_start) AS sentence
        FROM (SELECT DISTINCT published, article_key, article_id, sentence_no, sentence_start, sentence_end
              FROM mention_spans WHERE sentence_start IS NOT NULL) x
        JOIN articles a ON a.article_id = x.article_id
        ORDER BY x.published, x.article_key, x.sentence_no""",
    # Statements of non-duplicate articles with their article's date, source and language and what the
    # statements table shows, newest first; `said` is the date said, else published; `ckey` a compact
    # cluster key; `quote_entities` the entities inside the quote; `cluster_first` the cluster's earliest
    # `said` (the statements page reads a cluster's rows from there on); `entity_mask` the top_bit mask
    # of its speaker, speaker state and quote entities. Column names match the statement filter's.
    "statement_facts": """
        SELECT s.statement_id, coalesce(s.cluster_id, s.statement_id) AS cid,
               (hash(coalesce(s.cluster_id, s.statement_id)) >> 1)::BIGINT AS ckey, s.cluster_id, s.said_on,
               coalesce(s.said_on, a.published) AS said, s.article_id, (hash(s.article_id) >> 1)::BIGINT AS article_key,
               a.published, a.source, a.language, a.duplicate_of, coalesce(a.canonical_url, a.url) AS url, s.speaker,
               s.speaker_role, s.speaker_entity_id, s.speaker_state_id, s.statement_type, s.kind, s.quote,
               coalesce(q.entities, []::VARCHAR[]) AS quote_entities,
               min(coalesce(s.said_on, a.published)) OVER (PARTITION BY coalesce(s.cluster_id, s.statement_id))
                   AS cluster_first, coalesce(b.mask, 0) AS entity_mask
        FROM statements s JOIN articles a ON a.article_id = s.article_id AND a.duplicate_of IS NULL
        LEFT JOIN (SELECT statement_id, list(entity_id ORDER BY entity_id) AS entities FROM statement_mentions
                   GROUP BY statement_id) q ON q.statement_id = s.statement_id
        LEFT JOIN (SELECT u.statement_id, bit_or(1::HUGEINT << k.top_bit) AS mask FROM (
                       SELECT statement_id, entity_id FROM statement_mentions
                       UNION SELECT statement_id, speaker_entity_id FROM statements WHERE speaker_entity_id IS NOT NULL
                       UNION SELECT statement_id, speaker_state_id FROM statements WHERE speaker_state_id IS NOT NULL
                   ) u JOIN entity_keys k ON k.entity_id = u.entity_id AND k.top_bit IS NOT NULL
                   GROUP BY u.statement_id) b ON b.statement_id = s.statement_id
        ORDER BY said DESC NULLS LAST, s.statement_id""",
    # Statements (distinct clusters) and reports per month, speaker state and type with no filter
    # but dates: the statements chart's default view without grouping every cluster.
    "statement_months": """
        SELECT date_trunc('month', said)::DATE AS period, speaker_state_id AS state_id, statement_type,
               count(DISTINCT ckey)::BIGINT AS statements, count(*)::BIGINT AS reports
        FROM statement_facts WHERE said IS NOT NULL GROUP BY ALL ORDER BY ALL""",
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
    "mention_spans": {"mentions", "articles", "sentences"},
    "entity_surfaces": {"mention_spans"},
    "mention_sentences": {"mention_spans", "articles"},
    "statement_facts": {"statements", "articles", "statement_mentions", "entity_keys"},
    "statement_months": {"statement_facts"},
}

# Built only when the fts index exists: its postings (term, article_key) sorted by term, so a search reads a few row
# groups instead of the whole index (which fts keeps in document order).
TEXT_POSTINGS = """
    SELECT DISTINCT t.termid, (hash(d.name) >> 1)::BIGINT AS article_key
    FROM fts_main_articles.terms t JOIN fts_main_articles.docs d USING (docid) ORDER BY ALL"""


# Identifies the rollup definitions: rollups built from other definitions are never read.
VERSION = hashlib.sha256("\n".join([*ROLLUPS.values(), TEXT_POSTINGS]).encode()).hexdigest()[:16]


def rebuild(con: duckdb.DuckDBPyConnection, changed: set[str] | None = None, force: bool = False) -> dict[str, float]:
    """Recreate the rollups from the base tables in one transaction; seconds taken per table.

    With `changed` (the base tables a run rewrote), only the rollups reading them, directly or
    through another rebuilt rollup, are rebuilt, besides any missing one; text_postings only when
    "articles" changed. Without it, all of them. A store under MIN_ARTICLES articles gets none
    (any left from a bigger past are dropped) unless `force`."""
    if not force and con.execute("SELECT count(*) FROM articles").fetchone()[0] < MIN_ARTICLES:
        drop(con)
        return {}
    took: dict[str, float] = {}
    have = present(con)
    if not have:
        changed = None  # none yet, or built by another version: build them all
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
        con.execute("INSERT OR REPLACE INTO meta VALUES ('rollups_version', ?)", [VERSION])
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return took


def drop(con: duckdb.DuckDBPyConnection) -> None:
    """Remove every rollup, of any version (queries fall back to the base tables)."""
    rows = con.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' AND table_name = ANY(?)",
                       [[*ROLLUPS, "text_postings"]]).fetchall()
    for (name,) in rows:
        con.execute(f"DROP TABLE {name}")


def _has_text_index(con: duckdb.DuckDBPyConnection) -> bool:
    row = con.execute("SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'fts_main_articles' "
                      "AND table_name = 'terms'").fetchone()
    return bool(row and row[0])


def present(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Names of the rollups that exist in this database, built by this version of ROLLUPS (rollups
    left by another version count as missing until the next run rebuilds them)."""
    rows = con.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' "
                       "AND table_name = ANY(?) AND (SELECT value FROM meta WHERE key = 'rollups_version') = ?",
                       [[*ROLLUPS, "text_postings"], VERSION]).fetchall()
    return {r[0] for r in rows}
