"""Reads the writers need: known articles (duplicates), texts for retag, stats."""
from __future__ import annotations

import duckdb

from .db import upkeep_pending
from .text_index import text_index_size


def known_articles(con: duckdb.DuckDBPyConnection, ids: list[str], hashes: list[str]
                   ) -> tuple[dict[str, str], dict[str, str]]:
    """For duplicate detection, of the stored articles with one of these ids or content hashes:
    (article_id → content_hash, content_hash → the first article stored with it, not a duplicate).
    Only the asked ones are read, so a batch costs the same on a store of any size."""
    rows = con.execute(
        "SELECT article_id, content_hash, duplicate_of FROM articles "
        "WHERE article_id = ANY($ids) OR content_hash = ANY($hashes) ORDER BY fetched_at, article_id",
        {"ids": ids, "hashes": hashes}).fetchall()
    by_id = {a: h for a, h, _ in rows}
    by_hash: dict[str, str] = {}
    for article_id, content_hash, duplicate_of in rows:
        if duplicate_of is None:
            by_hash.setdefault(content_hash, article_id)
    return by_id, by_hash


def article_ids(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every stored article id, in a stable order (retag reads the text chunk by chunk)."""
    return [r[0] for r in con.execute("SELECT article_id FROM articles ORDER BY article_id").fetchall()]


def article_texts(con: duckdb.DuckDBPyConnection, ids: list[str]) -> list[tuple]:
    """(article_id, text, published, title, author, source, hostname) for the given ids."""
    return con.execute(
        "SELECT article_id, text, published, title, author, source, hostname FROM articles "
        "WHERE article_id = ANY(?) ORDER BY article_id", [ids]
    ).fetchall()


def stats(con: duckdb.DuckDBPyConnection) -> dict:
    """Counts, date range, languages, sources, recent runs and failures of the store."""
    one = lambda sql: con.execute(sql).fetchone()  # noqa: E731
    articles, dated, undated, duplicates, first, last = one(
        "SELECT count(*), count(published), count(*) - count(published), count(duplicate_of), "
        "min(published), max(published) FROM articles")
    return {
        "articles": articles, "dated": dated, "undated": undated, "duplicates": duplicates,
        "first_date": first, "last_date": last,
        "languages": dict(con.execute(
            "SELECT coalesce(language, '?'), count(*) FROM articles GROUP BY 1 ORDER BY 2 DESC").fetchall()),
        "sources": dict(con.execute(
            "SELECT source, count(*) FROM articles GROUP BY 1 ORDER BY 2 DESC, 1").fetchall()),
        "date_sources": dict(con.execute(
            "SELECT date_source, count(*) FROM articles GROUP BY 1 ORDER BY 2 DESC").fetchall()),
        "entities": one("SELECT count(*) FROM entities")[0],
        "mentions": one("SELECT count(*) FROM mentions")[0],
        "statements": one("SELECT count(*) FROM statements")[0],
        "statement_clusters": one("SELECT count(DISTINCT cluster_id) FROM statements")[0],
        "runs": [dict(zip(("run_id", "started", "finished", "ok", "failed", "skipped"), r)) for r in con.execute(
            "SELECT run_id, started, finished, ok, failed, skipped FROM runs ORDER BY started DESC LIMIT 5"
        ).fetchall()],
        "failures": one("SELECT count(*) FROM failures")[0],
        "recent_failures": [dict(zip(("input", "stage", "error"), r)) for r in con.execute(
            "SELECT input, stage, error FROM failures f JOIN runs r USING (run_id) "
            "ORDER BY r.started DESC LIMIT 5").fetchall()],
        "upkeep_pending": upkeep_pending(con),
        "text_index_documents": text_index_size(con),
    }


def stored_mention_digests(con: duckdb.DuckDBPyConnection, ids: list[str]) -> dict[str, str]:
    """Per article with mentions: `analyse.mentions_digest` of its stored mentions, with the kinds of
    the stored entities (retag compares it with the new mentions' digest to know whether the stored
    statements still stand)."""
    return dict(con.execute(
        "SELECT m.article_id, md5(array_to_string(list_sort(list(m.entity_id || ':' || coalesce(e.kind, '') || ':' "
        "|| m.char_start || ':' || m.char_end)), '|')) FROM mentions m LEFT JOIN entities e USING (entity_id) "
        "WHERE m.article_id = ANY(?) GROUP BY m.article_id", [ids]).fetchall())
