"""Every read query of the app: small named functions returning DataFrames, `?` parameters only.

The dashboard, the CLI `export` command and the query benchmark all call these, so a number in a
chart, a CSV and a benchmark comes from one SQL text. Aggregation stays inside DuckDB; functions
return at most a few thousand rows.

Counting rules (design Contract): a trend counts distinct articles mentioning an entity per period
(raw mentions on request); share = those articles / all dated articles of the period under the same
source and language filters; weeks start on Monday; undated articles are left out of trends and
counted apart. Articles marked as duplicates (`duplicate_of` set) are never counted.

Filter semantics (one `Filters` for every view):
- `start`/`end` (inclusive) bound `articles.published`; when either is set, undated articles drop
  out of lists (they have no date in the range) and are still reported by `undated_counts`.
- `actors`, `places`, `themes`: an article passes when it mentions ANY chosen entity; trends draw
  one series per chosen entity. Statements pass when the speaker, the speaker's state or an
  entity inside the quote is chosen.
- `sources`, `kinds`, `countries`, `languages`: source key, `sources.kind`, `sources.country`,
  `articles.language`.
- `speakers` (speaker entity ids or raw speaker names) and `types` (statement types) filter
  statements only.
- `q`: text search over title and text; an fts index (`TEXT_INDEX_SQL`) is used when present,
  else a case-insensitive substring match.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Sequence
from pathlib import Path

import duckdb
import pandas as pd

from .. import store
from ..store import rollups
from ..vocab import GRANULARITIES
from .filters import Filters

_STEP = {"day": "1 day", "week": "1 week", "month": "1 month"}

# Build (or rebuild after new articles) the text index the search uses; run in a write transaction.
TEXT_INDEX_SQL = store.TEXT_INDEX_SQL
_FTS_SCHEMA = "fts_main_articles"


# ---------------------------------------------------------------------------------------------
# Connections and the text index
# ---------------------------------------------------------------------------------------------

def connect_readonly(db_path: str | Path, wait: float = 2.0) -> duckdb.DuckDBPyConnection:
    """A short-lived read-only connection (raises store.StoreBusy while a writer holds the lock). The
    fts extension is loaded only when a search needs it (`_fts_ready`): loading costs ~60 ms."""
    return store.connect(db_path, read_only=True, wait=wait)


def load_fts(con: duckdb.DuckDBPyConnection) -> bool:
    """Load the fts extension shipped with the pinned wheel (offline); False when it cannot be loaded."""
    try:
        store.load_fts(con)
    except (duckdb.Error, ImportError, StopIteration):
        return False
    return True


def has_text_index(con: duckdb.DuckDBPyConnection) -> bool:
    """True when an fts index over articles exists (built with TEXT_INDEX_SQL)."""
    row = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE schema_name = ?", [_FTS_SCHEMA]).fetchone()
    return bool(row and row[0])


def _fts_ready(con: duckdb.DuckDBPyConnection) -> bool:
    if not has_text_index(con):
        return False
    row = con.execute(
        "SELECT count(*) FROM duckdb_functions() WHERE schema_name = ? AND function_name = 'match_bm25'",
        [_FTS_SCHEMA]).fetchone()
    return bool(row and row[0]) and load_fts(con)


def _ae(con: duckdb.DuckDBPyConnection) -> str:
    """FROM-clause text for article_entities: the rollup, or the same rows derived from mentions."""
    if "article_entities" in rollups.present(con):
        return "article_entities"
    return f"({rollups.ROLLUPS['article_entities'].split('ORDER BY')[0]})"


# ---------------------------------------------------------------------------------------------
# WHERE-clause builders (SQL text is fixed; every value travels as a `?` parameter)
# ---------------------------------------------------------------------------------------------

def _like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _fts_stemmer(con: duckdb.DuckDBPyConnection) -> str | None:
    """The stemmer the fts index was built with (noted in meta, else read from its match_bm25 macro)."""
    noted = meta_value(con, "text_index_stemmer")
    if noted:
        return noted
    row = con.execute("SELECT macro_definition FROM duckdb_functions() WHERE schema_name = ? "
                      "AND function_name = 'match_bm25'", [_FTS_SCHEMA]).fetchone()
    found = re.search(r"stem\(unnest\(\w+\.tokenize\(query_string\)\), '(\w+)'\)", row[0] if row else "")
    return found.group(1) if found else None


def _facts_where(con: duckdb.DuckDBPyConnection, f: Filters, x: str = "x", *, dates: bool = True,
                 text: bool = True) -> tuple[str, list]:
    """The full article filter over the article_facts rollup (alias `x`), with its parameters."""
    where, params = _ae_where(con, f, x, dates=dates, entities=False, text=text)
    if f.entity_ids():
        cond, cond_params = _facts_entity_condition(con, f.entity_ids(), x)
        where += f" AND {cond}"
        params += cond_params
    return where, params


def _facts_entity_condition(con: duckdb.DuckDBPyConnection, ids: Sequence[str], x: str = "x") -> tuple[str, list]:
    """Condition over article_facts (alias `x`): the article mentions one of the entities `ids`.
    Those with a top bit cost one AND on the article's mask together; each other one a
    list_contains (an order of magnitude faster than list_has_any)."""
    keys = [(no, bit) for _, no, bit in _entity_keys(con, ids)]
    bits = [bit for _, bit in keys if bit is not None]
    terms = [f"{x}.top_mask & ?::HUGEINT <> 0"] * bool(bits)
    terms += [f"list_contains({x}.entity_nos, ?::SMALLINT)"] * sum(bit is None for _, bit in keys)
    return ("(" + (" OR ".join(terms) or "FALSE") + ")",
            [str(sum(1 << bit for bit in bits))] * bool(bits) + [no for no, bit in keys if bit is None])


def _entity_keys(con: duckdb.DuckDBPyConnection, ids: Sequence[str]) -> list[tuple[str, int, int | None]]:
    """(entity_id, entity_no, top_bit) of the given entity ids that the rollups know, in entity_no order."""
    return [(eid, no, bit) for eid, no, bit in con.execute(
        "SELECT entity_id, entity_no, top_bit FROM entity_keys WHERE entity_id = ANY(?) ORDER BY entity_no",
        [list(ids)]).fetchall()]


def _mask_key(bits: Sequence[int], x: str = "x") -> tuple[str, list, str, list[int]]:
    """SQL packing the given bits of `{x}.top_mask` into a grouping key, its parameters, the key's
    type, and each bit's position in the key: a BIGINT (several times faster to group than a
    HUGEINT) whenever the bits span fewer than 63 positions."""
    low = min(bits)
    kind = "BIGINT" if max(bits) - low < 63 else "HUGEINT"
    return (f"(({x}.top_mask >> ?::INTEGER) & ?::HUGEINT)::{kind}", [low, str(sum(1 << (b - low) for b in bits))],
            kind, [b - low for b in bits])


def _text_match_keys(con: duckdb.DuckDBPyConnection, q: str) -> tuple[str, list]:
    """SQL for the `article_key`s of the articles matching the text search, with its parameters."""
    stemmer = _fts_stemmer(con) if has_text_index(con) else None
    if stemmer is not None and "text_postings" in rollups.present(con) and (stemmer == "none" or _fts_ready(con)):
        # Same documents as match_bm25(conjunctive) below: every distinct query term present; read
        # from the term-sorted postings rollup instead of scoring every article. The index's tokenize
        # macro is plain SQL, so without stemming the fts extension need not be loaded at all.
        term = "t" if stemmer == "none" else "stem(t, ?)"
        termids = [row[0] for row in con.execute(
            f"""SELECT d.termid FROM (SELECT DISTINCT {term} AS t FROM unnest({_FTS_SCHEMA}.tokenize(?)) u(t)
                                      WHERE t <> '') k
                LEFT JOIN {_FTS_SCHEMA}.dict d ON d.term = k.t ORDER BY d.df DESC NULLS FIRST""",
            [q] if stemmer == "none" else [stemmer, q]).fetchall()]
        if not termids or termids[0] is None:  # no term, or one that no article has
            return "SELECT NULL::BIGINT AS article_key WHERE FALSE", []
        # The commonest term's postings, kept where each rarer term's postings hold the article too
        # (a small hash table each): several times faster than grouping all their postings.
        rarer = " AND p.article_key IN (SELECT article_key FROM text_postings WHERE termid = ?)"
        return "SELECT p.article_key FROM text_postings p WHERE p.termid = ?" + rarer * (len(termids) - 1), termids
    if _fts_ready(con):
        return (f"SELECT (hash(article_id) >> 1)::BIGINT AS article_key FROM (SELECT article_id, "
                f"{_FTS_SCHEMA}.match_bm25(article_id, ?, conjunctive := 1) AS score FROM articles) "
                "WHERE score IS NOT NULL", [q])
    pattern = _like_pattern(q)
    return ("SELECT (hash(article_id) >> 1)::BIGINT AS article_key FROM articles WHERE title ILIKE ? ESCAPE '\\' "
            "OR text ILIKE ? ESCAPE '\\'", [pattern, pattern])


def _source_clause(f: Filters, a: str = "a") -> tuple[list[str], list]:
    """Source, kind, country and language conditions (the share's denominator filters), duplicates out."""
    where, params = _source_conditions(f, a)
    return [f"{a}.duplicate_of IS NULL", *where], params


def _source_conditions(f: Filters, a: str) -> tuple[list[str], list]:
    """Source, kind, country and language conditions over any relation with `source` and `language`."""
    where: list[str] = []
    params: list = []
    if f.sources:
        where.append(f"{a}.source = ANY(?)")
        params.append(list(f.sources))
    if f.kinds:
        where.append(f"{a}.source IN (SELECT source FROM sources WHERE kind = ANY(?))")
        params.append(list(f.kinds))
    if f.countries:
        where.append(f"{a}.source IN (SELECT source FROM sources WHERE country = ANY(?))")
        params.append(list(f.countries))
    if f.languages:
        where.append(f"{a}.language = ANY(?)")
        params.append(list(f.languages))
    return where, params


def _date_clause(f: Filters, column: str) -> tuple[list[str], list]:
    where: list[str] = []
    params: list = []
    if f.start:
        where.append(f"{column} >= ?")
        params.append(f.start)
    if f.end:
        where.append(f"{column} <= ?")
        params.append(f.end)
    return where, params


def _article_where(con: duckdb.DuckDBPyConnection, f: Filters, a: str = "a", *, dates: bool = True,
                   entities: bool = True, text: bool = True, keyed: bool = False) -> tuple[str, list]:
    """The full article filter as one SQL condition over alias `a`, with its parameters (`keyed`:
    `a` has the rollups' article_key column)."""
    key = f"{a}.article_key" if keyed else f"(hash({a}.article_id) >> 1)::BIGINT"
    where, params = _source_clause(f, a)
    if dates:
        w, p = _date_clause(f, f"{a}.published")
        where += w
        params += p
    if entities and f.entity_ids():
        where.append(f"{key} IN (SELECT article_key FROM {_ae(con)} WHERE entity_id = ANY(?))")
        params.append(f.entity_ids())
    if text and f.q.strip():
        sql, p = _text_match_keys(con, f.q.strip())
        where.append(f"{key} IN ({sql})")
        params += p
    return " AND ".join(where), params


def _ae_where(con: duckdb.DuckDBPyConnection, f: Filters, x: str = "x", *, dates: bool = True,
              entities: bool = True, text: bool = True) -> tuple[str, list]:
    """The article filter over article_entities rows (alias `x`), with its parameters."""
    where, params = _source_conditions(f, x)
    where = ["TRUE", *where]
    if dates:
        w, p = _date_clause(f, f"{x}.published")
        where += w
        params += p
    if entities and f.entity_ids():
        where.append(f"{x}.article_key IN (SELECT article_key FROM {_ae(con)} WHERE entity_id = ANY(?))")
        params.append(f.entity_ids())
    if text and f.q.strip():
        sql, p = _text_match_keys(con, f.q.strip())
        where.append(f"{x}.article_key IN ({sql})")
        params += p
    return " AND ".join(where), params


def _statement_where(con: duckdb.DuckDBPyConnection, f: Filters, a: str = "a") -> tuple[str, list]:
    """Statement filter over aliases s (statements) and `a` (articles; "s" for statement_facts, whose
    quote_entities stand in for statement_mentions), with its parameters."""
    art, params = _article_where(con, f, a, dates=False, entities=False, keyed=a == "s")
    where = [art]
    w, p = _date_clause(f, f"coalesce(s.said_on, {a}.published)")
    where += w
    params += p
    ids = f.entity_ids()
    bits: dict[str, int] = {}
    if ids and a == "s" and "entity_keys" in rollups.present(con):
        # statement_facts.entity_mask holds the top bits of each statement's speaker, speaker state
        # and quote entities: one AND tests every chosen entity that has a bit.
        bits = {eid: bit for eid, _, bit in _entity_keys(con, ids) if bit is not None}
    rest = [i for i in ids if i not in bits]
    terms = ["s.entity_mask & ?::HUGEINT <> 0"] * bool(bits)
    params += [str(sum(1 << bit for bit in bits.values()))] * bool(bits)
    if rest:
        terms.append("s.speaker_entity_id = ANY(?) OR s.speaker_state_id = ANY(?) OR " + (
            # One list_contains per chosen entity: several times faster than list_has_any.
            " OR ".join(["list_contains(s.quote_entities, ?)"] * len(rest)) if a == "s" else
            "s.statement_id IN (SELECT statement_id FROM statement_mentions WHERE entity_id = ANY(?))"))
        params += [rest, rest, *(rest if a == "s" else [rest])]
    if terms:
        where.append("(" + " OR ".join(terms) + ")")
    if f.speakers:
        where.append("(s.speaker_entity_id = ANY(?) OR s.speaker = ANY(?))")
        params += [list(f.speakers), list(f.speakers)]
    if f.types:
        where.append("s.statement_type = ANY(?)")
        params.append(list(f.types))
    return " AND ".join(where), params


# DuckDB rewrites an IN list of 50 or more constants into a hash join that scans the whole table;
# below that it looks each id up in the primary-key index (milliseconds instead of a full scan).
_DETAIL_CHUNK = 48


def _details(con: duckdb.DuckDBPyConnection, ids: Sequence[str], text: bool = True) -> pd.DataFrame:
    """source, title, url, language (and text) of a few articles by id. The ids go in as one `?`
    each, in chunks of `_DETAIL_CHUNK`, so DuckDB answers from the primary-key index."""
    cols = "article_id, source, title, coalesce(canonical_url, url) AS url, language" + (", text" if text else "")
    unique = list(dict.fromkeys(ids))
    parts = [con.execute(f"SELECT {cols} FROM articles WHERE article_id IN "
                         f"({', '.join('?' * len(chunk))})", chunk).df()
             for chunk in (unique[i:i + _DETAIL_CHUNK] for i in range(0, len(unique), _DETAIL_CHUNK))]
    if not parts:
        return pd.DataFrame(columns=[c.split(" AS ")[-1].strip() for c in cols.split(", ")])
    return pd.concat(parts, ignore_index=True)


def _gran(gran: str) -> str:
    if gran not in GRANULARITIES:
        raise ValueError(f"granularity must be one of {', '.join(GRANULARITIES)}, not {gran!r}")
    return gran


def period_end(start: dt.date, gran: str) -> dt.date:
    """First day after the period of granularity `gran` that begins on `start`."""
    if _gran(gran) == "day":
        return start + dt.timedelta(days=1)
    if gran == "week":
        return start + dt.timedelta(days=7)
    return (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


# ---------------------------------------------------------------------------------------------
# Overview, options
# ---------------------------------------------------------------------------------------------

def meta_value(con: duckdb.DuckDBPyConnection, key: str) -> str | None:
    """A value of the writers' key/value `meta` table (None when absent)."""
    exists = con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'meta' "
                         "AND schema_name = 'main'").fetchone()[0]
    if not exists:
        return None
    row = con.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
    return row[0] if row else None


def data_version(con: duckdb.DuckDBPyConnection) -> str:
    """Identifies the stored data: the writers' meta `data_version` plus article/mention/statement
    counts (the last finished run id stands in when the meta value is missing)."""
    row = con.execute(
        "SELECT (SELECT run_id FROM runs WHERE finished IS NOT NULL ORDER BY finished DESC, run_id DESC "
        "LIMIT 1), (SELECT count(*) FROM articles), (SELECT count(*) FROM mentions), "
        "(SELECT count(*) FROM statements)").fetchone()
    run_id, n_articles, n_mentions, n_statements = row
    stamp = meta_value(con, "data_version") or run_id or "none"
    return f"{stamp}:a{n_articles}:m{n_mentions}:s{n_statements}"


def overview(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """One row: articles, dated, undated, first/last date, mentions, statements, sources, runs."""
    return con.execute(
        "SELECT count(*) AS articles, count(published) AS dated, count(*) - count(published) AS undated, "
        "min(published) AS first_date, max(published) AS last_date, "
        "(SELECT count(*) FROM mentions) AS mentions, (SELECT count(*) FROM statements) AS statements, "
        "count(DISTINCT source) AS sources, (SELECT count(*) FROM runs) AS runs "
        "FROM articles WHERE duplicate_of IS NULL").df()


def _entity_counts(con: duckdb.DuckDBPyConnection, f: Filters) -> tuple[str, str]:
    """(FROM table, article-count expression) for per-entity counts under source/language/date
    filters only: the smallest rollup that answers them, else article_entities."""
    have = rollups.present(con)
    if "entity_totals" in have and not (f.start or f.end):
        return "entity_totals", "sum(x.articles)"
    if "entity_days" in have:
        return "entity_days", "sum(x.articles)"
    return _ae(con), "count(*)"


def entity_options(con: duckdb.DuckDBPyConnection, f: Filters, kind: str | None = None) -> pd.DataFrame:
    """Every entity (optionally of one kind) with distinct articles mentioning it under the
    date/source/language filters: entity_id, kind, name, type, articles (most first)."""
    where, params = _ae_where(con, f, entities=False, text=False)
    table, count_sql = _entity_counts(con, f)
    kind_sql = "WHERE e.kind = ?" if kind else ""
    return con.execute(
        f"""SELECT e.entity_id, e.kind, e.name, e.type, coalesce(c.n, 0)::BIGINT AS articles
            FROM entities e LEFT JOIN (SELECT x.entity_id, {count_sql} AS n FROM {table} x
                                       WHERE {where} GROUP BY x.entity_id) c USING (entity_id)
            {kind_sql} ORDER BY articles DESC, e.name""", [*params, *([kind] if kind else [])]).df()


def source_options(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Sources seen in articles with name, kind, country and article count (most first)."""
    return con.execute(
        "SELECT a.source, coalesce(any_value(s.name), a.source) AS name, any_value(s.kind) AS kind, "
        "any_value(s.country) AS country, count(*) AS articles FROM articles a "
        "LEFT JOIN sources s ON s.source = a.source WHERE a.duplicate_of IS NULL AND a.source IS NOT NULL "
        "GROUP BY a.source ORDER BY articles DESC, a.source").df()


def language_options(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Article languages with article counts (most first)."""
    return con.execute(
        "SELECT language, count(*) AS articles FROM articles WHERE duplicate_of IS NULL "
        "AND language IS NOT NULL GROUP BY language ORDER BY articles DESC, language").df()


def speaker_options(con: duckdb.DuckDBPyConnection, limit: int = 500) -> pd.DataFrame:
    """Speakers with statement counts: key (entity id, else raw name), label, statements."""
    if "speaker_counts" in rollups.present(con):
        return con.execute("SELECT key, label, statements FROM speaker_counts "
                           "ORDER BY statements DESC, label LIMIT ?", [limit]).df()
    return con.execute(
        "SELECT coalesce(s.speaker_entity_id, s.speaker) AS key, "
        "coalesce(any_value(e.name), any_value(s.speaker)) AS label, count(*) AS statements "
        "FROM statements s LEFT JOIN entities e ON e.entity_id = s.speaker_entity_id "
        "WHERE coalesce(s.speaker_entity_id, s.speaker) IS NOT NULL "
        "GROUP BY key ORDER BY statements DESC, label LIMIT ?", [limit]).df()


def statement_type_options(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Statement types with statement counts (most first)."""
    return con.execute(
        "SELECT statement_type, count(*) AS statements FROM statements WHERE statement_type IS NOT NULL "
        "GROUP BY statement_type ORDER BY statements DESC, statement_type").df()


# ---------------------------------------------------------------------------------------------
# Trends
# ---------------------------------------------------------------------------------------------

def _calendar(con: duckdb.DuckDBPyConnection, f: Filters, gran: str) -> tuple[str, list]:
    """CTEs `base` (dated articles under source/language/date filters, with period), `totals` and
    `periods` (every period from the range start, else the first article, to the end/last)."""
    if "day_totals" in rollups.present(con):
        where, where_params = _ae_where(con, f, "a", entities=False, text=False)
        base_sql = (f"SELECT date_trunc(?, a.published)::DATE AS period, a.articles FROM day_totals a "
                    f"WHERE a.published IS NOT NULL AND {where}")
        count_sql = "sum(articles)"
    else:
        src, src_params = _source_clause(f)
        dates, date_params = _date_clause(f, "a.published")
        where_params = [*src_params, *date_params]
        base_where = " AND ".join(["a.published IS NOT NULL", *src, *dates])
        base_sql = (f"SELECT a.article_id, date_trunc(?, a.published)::DATE AS period "
                    f"FROM articles a WHERE {base_where}")
        count_sql = "count(*)"
    sql = f"""
        base AS ({base_sql}),
        totals AS (SELECT period, {count_sql}::BIGINT AS total_articles FROM base GROUP BY period),
        bounds AS (
            SELECT date_trunc(?, coalesce(?::DATE, min(period)))::DATE AS lo,
                   date_trunc(?, coalesce(?::DATE, max(period)))::DATE AS hi FROM totals
        ),
        periods AS (
            SELECT unnest(generate_series(lo, hi, ?::INTERVAL))::DATE AS period
            FROM bounds WHERE lo IS NOT NULL AND hi IS NOT NULL AND lo <= hi
        )"""
    return sql, [gran, *where_params, gran, f.start, gran, f.end, _STEP[gran]]


def period_totals(con: duckdb.DuckDBPyConnection, f: Filters, gran: str = "week") -> pd.DataFrame:
    """All dated articles per period under the source/language/date filters (the share's
    denominator), dense: period, total_articles."""
    cal, params = _calendar(con, f, _gran(gran))
    return con.execute(
        f"""WITH {cal}
        SELECT p.period, coalesce(t.total_articles, 0)::BIGINT AS total_articles
        FROM periods p LEFT JOIN totals t ON t.period = p.period ORDER BY p.period""", params).df()


def trend(con: duckdb.DuckDBPyConnection, f: Filters, entity_ids: Sequence[str] | None = None,
          gran: str = "week") -> pd.DataFrame:
    """Per period (dense, Monday weeks) and chosen entity: period, entity_id, name, articles
    (distinct), mentions (raw), total_articles (all dated, same source/language filters), share."""
    gran = _gran(gran)
    ids = list(entity_ids if entity_ids is not None else f.entity_ids())
    if not ids:
        return pd.DataFrame(columns=["period", "entity_id", "name", "articles", "mentions",
                                     "total_articles", "share"])
    cal, cal_params = _calendar(con, f, gran)
    where, params = _ae_where(con, f, entities=False)
    by_day = not f.q.strip() and "entity_days" in rollups.present(con)
    sql = f"""
        WITH {cal},
        hits AS (
            SELECT x.entity_id, date_trunc(?, x.published)::DATE AS period,
                   {"sum(x.articles)" if by_day else "count(*)"} AS articles, sum(x.mentions) AS mentions
            FROM {"entity_days" if by_day else _ae(con)} x
            WHERE x.entity_id = ANY(?) AND x.published IS NOT NULL AND {where}
            GROUP BY ALL
        ),
        chosen AS (SELECT unnest(?::VARCHAR[]) AS entity_id, generate_subscripts(?::VARCHAR[], 1) AS pos)
        SELECT p.period, c.entity_id, coalesce(e.name, c.entity_id) AS name,
               coalesce(h.articles, 0)::BIGINT AS articles, coalesce(h.mentions, 0)::BIGINT AS mentions,
               coalesce(t.total_articles, 0)::BIGINT AS total_articles,
               CASE WHEN coalesce(t.total_articles, 0) = 0 THEN NULL
                    ELSE coalesce(h.articles, 0) / t.total_articles END AS share
        FROM periods p CROSS JOIN chosen c
        LEFT JOIN hits h ON h.period = p.period AND h.entity_id = c.entity_id
        LEFT JOIN totals t ON t.period = p.period
        LEFT JOIN entities e ON e.entity_id = c.entity_id
        ORDER BY c.pos, p.period
    """
    return con.execute(sql, [*cal_params, gran, ids, *params, ids, ids]).df()


def total_trend(con: duckdb.DuckDBPyConnection, f: Filters, gran: str = "week") -> pd.DataFrame:
    """All dated articles per period under the full filter (entities as ANY): period, articles."""
    gran = _gran(gran)
    have = rollups.present(con)
    if "day_totals" in have and not f.entity_ids() and not f.q.strip():
        where, params = _ae_where(con, f, "a", entities=False, text=False)
        table, count_sql = "day_totals", "sum(a.articles)"
    elif "article_facts" in have:
        where, params = _facts_where(con, f, "a")
        table, count_sql = "article_facts", "count(*)"
    else:
        where, params = _article_where(con, f)
        table, count_sql = "articles", "count(*)"
    return con.execute(
        f"SELECT date_trunc(?, a.published)::DATE AS period, {count_sql}::BIGINT AS articles FROM {table} a "
        f"WHERE a.published IS NOT NULL AND {where} GROUP BY period ORDER BY period",
        [gran, *params]).df()


def undated_counts(con: duckdb.DuckDBPyConnection, f: Filters,
                   entity_ids: Sequence[str] | None = None) -> pd.DataFrame:
    """Undated articles (no published date; date range ignored) under the other filters: first row
    entity_id NULL = all undated articles, then one row per chosen entity. Columns entity_id,
    name, articles."""
    ids = list(entity_ids if entity_ids is not None else f.entity_ids())
    have = rollups.present(con)
    if "article_facts" in have:
        where, params = _ae_where(con, f, "a", dates=False, entities=False)
        articles = "article_facts"
    else:
        where, params = _article_where(con, f, dates=False, entities=False)
        articles = "articles"
    ae_where, ae_params = _ae_where(con, f, dates=False, entities=False)
    by_day = not f.q.strip() and "entity_days" in have
    return con.execute(
        f"""WITH chosen AS (SELECT unnest(?::VARCHAR[]) AS entity_id, generate_subscripts(?::VARCHAR[], 1) AS pos),
            hits AS (SELECT x.entity_id, {"sum(x.articles)" if by_day else "count(*)"}::BIGINT AS n
                     FROM {"entity_days" if by_day else _ae(con)} x
                     WHERE x.published IS NULL AND x.entity_id = ANY(?) AND {ae_where} GROUP BY x.entity_id)
        SELECT NULL::VARCHAR AS entity_id, 'all articles' AS name,
               (SELECT count(*) FROM {articles} a WHERE a.published IS NULL AND {where}) AS articles, 0 AS pos
        UNION ALL
        SELECT c.entity_id, coalesce(e.name, c.entity_id), coalesce(h.n, 0), c.pos
        FROM chosen c LEFT JOIN entities e ON e.entity_id = c.entity_id
        LEFT JOIN hits h ON h.entity_id = c.entity_id
        ORDER BY pos""", [ids, ids, ids, *ae_params, *params]).df().drop(columns="pos")


def sentences_behind(con: duckdb.DuckDBPyConnection, f: Filters, entity_ids: Sequence[str] | None,
                     start: dt.date, end: dt.date, limit: int = 200) -> pd.DataFrame:
    """Sentences mentioning the entities in articles published in [start, end) under the filters:
    published, source, title, url, article_id, sentence_no, entity_ids, sentence, hl_starts/hl_ends
    (mention offsets within the sentence, code points); newest first, at most `limit`."""
    ids = list(entity_ids if entity_ids is not None else f.entity_ids())
    have = rollups.present(con)
    where, params = _ae_where(con, f, entities=False)
    if ids and "mention_spans" in have:
        # The chosen entities' mentions of those dates, with their sentence bounds, in one rollup.
        span_sql = "SELECT * FROM mention_spans x WHERE x.entity_id = ANY(?) AND x.published >= ? AND x.published < ?"
        arts_sql = f"""SELECT x.article_key, any_value(x.article_id) AS article_id, any_value(x.published) AS published
                       FROM ({span_sql}) x WHERE {where} GROUP BY x.article_key"""
        hits_sql = f"""SELECT x.article_key, x.sentence_no, x.entity_id, x.char_start, x.char_end,
                              x.sentence_start, x.sentence_end FROM ({span_sql}) x"""
        span_params = [ids, start, end]
        arts_params = [*span_params, *params]
    else:
        entity_sql = "AND x.entity_id = ANY(?)" if ids else ""
        arts_sql = f"""SELECT x.article_key, any_value(x.article_id) AS article_id, any_value(x.published) AS published
                       FROM {_ae(con)} x WHERE x.published >= ? AND x.published < ? AND {where} {entity_sql}
                       GROUP BY x.article_key"""
        hits_sql = f"""SELECT (hash(m.article_id) >> 1)::BIGINT AS article_key, m.sentence_no, m.entity_id,
                              m.char_start, m.char_end, s.char_start AS sentence_start, s.char_end AS sentence_end
                       FROM mentions m LEFT JOIN sentences s ON s.article_id = m.article_id
                            AND s.sentence_no = m.sentence_no
                       WHERE m.article_id IN (SELECT article_id FROM arts) {"AND m.entity_id = ANY(?)" if ids else ""}"""
        span_params = [ids] if ids else []
        arts_params = [start, end, *params, *span_params]
    spans = con.execute(
        f"""WITH arts AS ({arts_sql} ORDER BY published DESC, article_id LIMIT ?),
            hits AS ({hits_sql}),
            sent AS (
                SELECT h.article_key, h.sentence_no, any_value(h.sentence_start) IS NOT NULL AS stored,
                       coalesce(any_value(h.sentence_start), greatest(min(h.char_start) - 160, 0)) AS s0,
                       coalesce(any_value(h.sentence_end), max(h.char_end) + 160) AS s1
                FROM hits h WHERE h.article_key IN (SELECT article_key FROM arts) GROUP BY ALL
            ),
            pick AS (
                SELECT sent.*, arts.published, arts.article_id FROM sent JOIN arts USING (article_key)
                ORDER BY arts.published DESC, arts.article_id, sent.sentence_no LIMIT ?
            )
            SELECT p.published, p.article_id, p.article_key, p.sentence_no, p.s0, p.s1, p.stored,
                   list(DISTINCT h.entity_id ORDER BY h.entity_id) AS entity_ids,
                   list(h.char_start - p.s0 ORDER BY h.char_start, h.char_end) AS hl_starts,
                   list(h.char_end - p.s0 ORDER BY h.char_start, h.char_end) AS hl_ends
            FROM pick p JOIN hits h ON h.article_key = p.article_key AND h.sentence_no = p.sentence_no
            GROUP BY ALL ORDER BY p.published DESC, p.article_id, p.sentence_no""",
        [*arts_params, limit, *span_params, limit]).df()
    cols = ["published", "source", "title", "url", "article_id", "sentence_no", "entity_ids", "sentence",
            "hl_starts", "hl_ends"]
    if spans.empty or not {"mention_sentences", "article_facts"} <= have:
        out = spans.merge(_details(con, spans["article_id"].tolist()), on="article_id", how="left")
        out["sentence"] = [None if not isinstance(t, str) else t[int(a):int(b)]
                           for t, a, b in zip(out["text"], out["s0"], out["s1"])]
        return out[cols]
    # Sentences and article details from the date-sorted rollups, read by date range and key.
    span = [spans["published"].min(), spans["published"].max(), spans["article_key"].unique().tolist()]
    texts = con.execute("SELECT article_key, sentence_no, sentence FROM mention_sentences "
                        "WHERE published BETWEEN ?::DATE AND ?::DATE AND article_key IN (SELECT unnest(?::BIGINT[]))", span).df()
    arts = con.execute("SELECT article_key, source, title, url FROM article_facts "
                       "WHERE published BETWEEN ?::DATE AND ?::DATE AND article_key IN (SELECT unnest(?::BIGINT[]))", span).df()
    out = spans.merge(arts, on="article_key", how="left").merge(texts, on=["article_key", "sentence_no"], how="left")
    loose = out[~out["stored"].astype(bool)]
    if len(loose):  # no stored bounds: a window around the mentions, cut from the article's text
        text = _details(con, loose["article_id"].tolist()).set_index("article_id")["text"].to_dict()
        for i, row in loose.iterrows():
            body = text.get(row["article_id"])
            out.at[i, "sentence"] = body[int(row["s0"]):int(row["s1"])] if isinstance(body, str) else None
    return out[cols]


def combined_daily(con: duckdb.DuckDBPyConnection, f: Filters,
                   entity_ids: Sequence[str] | None = None) -> pd.DataFrame:
    """The combined per-day CSV frame (Contract): date, total_articles, then per entity
    <entity_id>_articles and <entity_id>_share; one row per day from first to last."""
    ids = list(entity_ids if entity_ids is not None else f.entity_ids())
    if ids:
        long = trend(con, f, ids, gran="day")
        out = long[long["entity_id"] == ids[0]][["period", "total_articles"]].reset_index(drop=True)
        for eid in ids:
            part = long[long["entity_id"] == eid].reset_index(drop=True)
            out[f"{eid}_articles"] = part["articles"].to_numpy()
            out[f"{eid}_share"] = part["share"].to_numpy()
        return out.rename(columns={"period": "date"})
    return period_totals(con, f, "day").rename(columns={"period": "date"})


# ---------------------------------------------------------------------------------------------
# Actors & themes
# ---------------------------------------------------------------------------------------------

def top_entities(con: duckdb.DuckDBPyConnection, f: Filters, kind: str, limit: int = 15) -> pd.DataFrame:
    """Top entities of one kind by distinct articles under the filters: entity_id, name, type,
    articles, mentions."""
    rel, n_sql, params = _entity_relation(con, f)
    return con.execute(
        f"""SELECT x.entity_id, any_value(e.name) AS name, any_value(e.type) AS type,
                   {n_sql}::BIGINT AS articles, sum(x.mentions)::BIGINT AS mentions
            FROM {rel} x JOIN entities e ON e.entity_id = x.entity_id AND e.kind = ?
            GROUP BY x.entity_id ORDER BY articles DESC, name LIMIT ?""",
        [*params, kind, limit]).df()


def _entity_relation(con: duckdb.DuckDBPyConnection, f: Filters) -> tuple[str, str, list]:
    """Relation text `(entity_id, mentions, …)` of entity rows under the full filter, the expression
    counting its distinct articles per entity, and the parameters: a per-entity rollup when only
    source/language/date filters apply, else the per-article entity lists, else article_entities."""
    have = rollups.present(con)
    if not f.entity_ids() and not f.q.strip() and {"entity_totals", "entity_days"} & have:
        table, n_sql = _entity_counts(con, f)
        where, params = _ae_where(con, f, entities=False, text=False)
        return f"(SELECT * FROM {table} x WHERE {where})", n_sql, params
    if {"article_facts", "entity_keys", "day_totals"} <= have and f.entity_ids() and not f.q.strip() and {
            "entity_totals", "entity_days"} & have:
        # Most articles pass when a much-mentioned entity is chosen (read from the rollups: the
        # most-mentioned chosen one alone is over half): the per-entity totals under the other
        # filters, less the counts over the articles that fail, unnest far fewer lists.
        universe, u_params = _ae_where(con, f, entities=False, text=False)
        table, _ = _entity_counts(con, f)
        most, total = con.execute(
            f"""SELECT (SELECT max(n) FROM (SELECT sum(x.articles) AS n FROM {table} x
                                            WHERE x.entity_id = ANY(?) AND {universe} GROUP BY x.entity_id)),
                       (SELECT sum(x.articles) FROM day_totals x WHERE {universe})""",
            [f.entity_ids(), *u_params, *u_params]).fetchone()
        if most and most > total / 2:
            cond, c_params = _facts_entity_condition(con, f.entity_ids())
            return (f"""(SELECT t.entity_id, t.articles - coalesce(u.articles, 0) AS articles,
                                t.mentions - coalesce(u.mentions, 0) AS mentions
                         FROM (SELECT x.entity_id, sum(x.articles) AS articles, sum(x.mentions) AS mentions
                               FROM {table} x WHERE {universe} GROUP BY x.entity_id) t
                         JOIN entity_keys k USING (entity_id)
                         LEFT JOIN (SELECT entity_no, count(*) AS articles, sum(mentions) AS mentions FROM (
                                        SELECT unnest(x.entity_nos) AS entity_no, unnest(x.mention_counts) AS mentions
                                        FROM article_facts x WHERE {universe} AND NOT {cond}) GROUP BY entity_no
                                   ) u USING (entity_no)
                         WHERE t.articles > coalesce(u.articles, 0))""",
                    "sum(x.articles)", [*u_params, *u_params, *c_params])
    if {"article_facts", "entity_keys"} <= have:
        # Counted per entity_no first, so only the few hundred totals meet entity_keys.
        where, params = _facts_where(con, f)
        return (f"""(SELECT k.entity_id, u.articles, u.mentions FROM (
                        SELECT entity_no, count(*) AS articles, sum(mentions) AS mentions FROM (
                            SELECT unnest(x.entity_nos) AS entity_no, unnest(x.mention_counts) AS mentions
                            FROM article_facts x WHERE {where}) GROUP BY entity_no
                     ) u JOIN entity_keys k USING (entity_no))""",
                "sum(x.articles)", params)
    where, params = _ae_where(con, f)
    return f"(SELECT * FROM {_ae(con)} x WHERE {where})", "count(*)", params


def actor_theme_heatmap(con: duckdb.DuckDBPyConnection, f: Filters, n_actors: int = 15,
                        n_themes: int = 12) -> pd.DataFrame:
    """Articles mentioning both an actor and a theme, for the top actors and themes under the
    filters: actor_id, actor, theme_id, theme, articles (long form, zeros omitted)."""
    cells_sql, cells_params = _heatmap_cells(con, f, n_actors, n_themes)
    if cells_sql:
        return con.execute(
            f"""WITH {cells_sql}
            SELECT c.actor_id, ea.name AS actor, c.theme_id, et.name AS theme, c.articles::BIGINT AS articles
            FROM cells c JOIN entities ea ON ea.entity_id = c.actor_id
            JOIN entities et ON et.entity_id = c.theme_id
            ORDER BY c.articles DESC, actor, theme""", cells_params).df()
    where, params = _ae_where(con, f)
    return con.execute(
        f"""WITH rows AS (
                SELECT x.article_key, x.entity_id, e.kind FROM {_ae(con)} x
                JOIN entities e ON e.entity_id = x.entity_id AND e.kind IN ('actor', 'theme')
                WHERE {where}
            ),
            ranked AS (
                SELECT entity_id, kind, row_number() OVER (PARTITION BY kind ORDER BY count(*) DESC,
                       entity_id) AS rank FROM rows GROUP BY entity_id, kind
            ),
            top_a AS (SELECT entity_id FROM ranked WHERE kind = 'actor' AND rank <= ?),
            top_t AS (SELECT entity_id FROM ranked WHERE kind = 'theme' AND rank <= ?),
            pa AS (SELECT article_key, entity_id FROM rows SEMI JOIN top_a USING (entity_id)),
            pt AS (SELECT article_key, entity_id FROM rows SEMI JOIN top_t USING (entity_id)),
            cells AS (SELECT pa.entity_id AS actor_id, pt.entity_id AS theme_id, count(*) AS articles
                      FROM pa JOIN pt ON pa.article_key = pt.article_key GROUP BY ALL)
            SELECT c.actor_id, ea.name AS actor, c.theme_id, et.name AS theme, c.articles
            FROM cells c JOIN entities ea ON ea.entity_id = c.actor_id
            JOIN entities et ON et.entity_id = c.theme_id
            ORDER BY c.articles DESC, actor, theme""",
        [*params, n_actors, n_themes]).df()


_MAX_BITS = 120  # the heatmap's bit masks hold at most this many top actors or themes

# The heatmap's passing articles (`arts`) and every actor and theme among them ranked by articles
# (`ranked`: entity_no, entity_id, top_bit, kind, rank); `{where}` filters article_facts (alias x).
_HEATMAP_RANKED = """arts AS (SELECT x.article_key, x.entity_nos FROM article_facts x WHERE {where}),
            counts AS (SELECT entity_no, count(*) AS n FROM (SELECT unnest(entity_nos) AS entity_no FROM arts)
                       GROUP BY entity_no),
            ranked AS (SELECT k.entity_no, k.entity_id, k.top_bit, e.kind, row_number() OVER (PARTITION BY e.kind
                              ORDER BY c.n DESC, k.entity_id) AS rank
                       FROM counts c JOIN entity_keys k USING (entity_no)
                       JOIN entities e ON e.entity_id = k.entity_id AND e.kind IN ('actor', 'theme'))"""


def _pairs_apply(con: duckdb.DuckDBPyConnection, f: Filters) -> bool:
    """True when pre-aggregated pair counts answer the filters (only source/kind/country/language)."""
    need = {"entity_pairs", "entity_totals", "entity_keys"}
    return need <= rollups.present(con) and not (f.entity_ids() or f.q.strip() or f.start or f.end)


def _heatmap_cells(con: duckdb.DuckDBPyConnection, f: Filters, n_actors: int,
                   n_themes: int) -> tuple[str | None, list]:
    """CTEs ending in `cells(actor_id, theme_id, articles)` read from the rollups, with parameters;
    (None, []) when the rollups are missing."""
    if _pairs_apply(con, f):
        where, params = _ae_where(con, f, "x", entities=False, text=False)
        pair_where, pair_params = _ae_where(con, f, "p", entities=False, text=False)
        return (f"""counts AS (SELECT x.entity_id, sum(x.articles) AS n FROM entity_totals x WHERE {where}
                               GROUP BY x.entity_id),
            ranked AS (SELECT c.entity_id, e.kind, row_number() OVER (PARTITION BY e.kind ORDER BY c.n DESC,
                              c.entity_id) AS rank
                       FROM counts c JOIN entities e ON e.entity_id = c.entity_id AND e.kind IN ('actor', 'theme')),
            top AS (SELECT k.entity_no, r.entity_id, r.kind FROM ranked r JOIN entity_keys k USING (entity_id)
                    WHERE (r.kind = 'actor' AND r.rank <= ?) OR (r.kind = 'theme' AND r.rank <= ?)),
            cells AS (SELECT CASE WHEN ta.kind = 'actor' THEN ta.entity_id ELSE tb.entity_id END AS actor_id,
                             CASE WHEN ta.kind = 'actor' THEN tb.entity_id ELSE ta.entity_id END AS theme_id,
                             sum(p.articles) AS articles
                      FROM entity_pairs p JOIN top ta ON ta.entity_no = p.no_a JOIN top tb ON tb.entity_no = p.no_b
                      WHERE ta.kind <> tb.kind AND {pair_where} GROUP BY ALL)""",
                [*params, n_actors, n_themes, *pair_params])
    if not {"article_facts", "entity_keys"} <= rollups.present(con) or max(n_actors, n_themes) > _MAX_BITS:
        return None, []
    where, params = _facts_where(con, f)
    # The mask path below ranks first (per-entity counts as top_entities reads them), then reads the
    # passing articles: right for broad filters; a text search passes few articles but costs most to
    # evaluate, so it takes one pass.
    top = []
    if not f.q.strip():
        rel, n_sql, rel_params = _entity_relation(con, f)
        top = con.execute(
            f"""WITH counts AS (SELECT x.entity_id, {n_sql} AS n FROM {rel} x GROUP BY x.entity_id),
                ranked AS (SELECT c.entity_id, e.kind, k.top_bit, row_number() OVER (PARTITION BY e.kind
                                  ORDER BY c.n DESC, c.entity_id) AS rank
                           FROM counts c JOIN entities e ON e.entity_id = c.entity_id AND e.kind IN ('actor', 'theme')
                           JOIN entity_keys k ON k.entity_id = c.entity_id)
            SELECT entity_id, kind, top_bit FROM ranked
            WHERE (kind = 'actor' AND rank <= ?) OR (kind = 'theme' AND rank <= ?)""",
            [*rel_params, n_actors, n_themes]).fetchall()
    if top and all(bit is not None for _, _, bit in top):
        # The top entities all have a bit in article_facts.top_mask: passing articles are counted per
        # combination of those bits (one packed key, no list unnested), the combinations per actor and
        # theme bits, and those add to their cells.
        key, key_params, kind, shifts = _mask_key([bit for _, _, bit in top])
        return (f"""top AS (SELECT unnest(?::VARCHAR[]) AS entity_id, unnest(?::VARCHAR[]) AS kind,
                               1::{kind} << unnest(?::SMALLINT[]) AS bit),
            combos AS (SELECT {key} AS m, count(*) AS n FROM article_facts x WHERE {where} GROUP BY ALL),
            per_actor AS (SELECT ta.entity_id AS actor_id, c.m & ?::{kind} AS tm, sum(c.n) AS n
                          FROM combos c JOIN top ta ON ta.kind = 'actor' AND c.m & ta.bit <> 0 GROUP BY ALL),
            cells AS (SELECT p.actor_id, tt.entity_id AS theme_id, sum(p.n) AS articles
                      FROM per_actor p JOIN top tt ON tt.kind = 'theme' AND p.tm & tt.bit <> 0 GROUP BY ALL)""",
                [[t[0] for t in top], [t[1] for t in top], shifts, *key_params, *params,
                 str(sum(1 << shift for (_, kind_, _), shift in zip(top, shifts, strict=True) if kind_ == "theme"))])
    # Else each passing article becomes two bit masks (which top actors, which top themes it mentions);
    # articles are counted per mask combination, then each combination adds to its cells.
    return (f"""{_HEATMAP_RANKED.format(where=where)},
            top AS (SELECT entity_no, entity_id, kind, (1::HUGEINT << (rank - 1)::HUGEINT) AS bit FROM ranked
                    WHERE (kind = 'actor' AND rank <= ?) OR (kind = 'theme' AND rank <= ?)),
            masks AS (SELECT bit_or(CASE WHEN t.kind = 'actor' THEN t.bit ELSE 0 END) AS am,
                             bit_or(CASE WHEN t.kind = 'theme' THEN t.bit ELSE 0 END) AS tm
                      FROM (SELECT article_key, unnest(entity_nos) AS entity_no FROM arts) r
                      JOIN top t USING (entity_no) GROUP BY r.article_key),
            combos AS (SELECT am, tm, count(*) AS n FROM masks WHERE am <> 0 AND tm <> 0 GROUP BY ALL),
            cells AS (SELECT ta.entity_id AS actor_id, tt.entity_id AS theme_id, sum(c.n) AS articles
                      FROM combos c JOIN top ta ON ta.kind = 'actor' AND c.am & ta.bit <> 0
                      JOIN top tt ON tt.kind = 'theme' AND c.tm & tt.bit <> 0 GROUP BY ALL)""",
            [*params, n_actors, n_themes])


def _co_mention_pairs(con: duckdb.DuckDBPyConnection, f: Filters, limit: int,
                      pool: int) -> tuple[str | None, list]:
    """CTEs ending in `pairs(entity_a, entity_b, articles)` (top `limit`) read from the rollups,
    with parameters; (None, []) when the rollups are missing. entity_no order is entity_id order."""
    ids = f.entity_ids()
    top = "GROUP BY ALL ORDER BY articles DESC, entity_a, entity_b LIMIT ?"
    if _pairs_apply(con, f):
        where, params = _ae_where(con, f, "p", entities=False, text=False)
        x_where, x_params = _ae_where(con, f, "x", entities=False, text=False)
        return (f"""counted AS (SELECT p.no_a, p.no_b, sum(p.articles) AS articles FROM entity_pairs p
                                WHERE {where} GROUP BY ALL),
            named AS (SELECT ka.entity_id AS id_a, kb.entity_id AS id_b, c.articles FROM counted c
                      JOIN entity_keys ka ON ka.entity_no = c.no_a JOIN entity_keys kb ON kb.entity_no = c.no_b),
            pairs AS (SELECT id_a AS entity_a, id_b AS entity_b, articles FROM named WHERE id_a = ANY(?)
                      UNION ALL
                      SELECT id_b, id_a, articles FROM named WHERE id_b = ANY(?) AND NOT id_a = ANY(?)
                      ORDER BY articles DESC, entity_a, entity_b LIMIT ?)""", [*params, ids, ids, ids, limit]
                ) if ids else (
                f"""counts AS (SELECT x.entity_id, sum(x.articles) AS n FROM entity_totals x WHERE {x_where}
                               GROUP BY x.entity_id),
            pool AS (SELECT k.entity_no FROM counts c JOIN entity_keys k USING (entity_id)
                     ORDER BY c.n DESC, c.entity_id LIMIT ?),
            pairs AS (SELECT ka.entity_id AS entity_a, kb.entity_id AS entity_b, sum(p.articles) AS articles
                      FROM entity_pairs p SEMI JOIN pool pa ON pa.entity_no = p.no_a
                      SEMI JOIN pool pb ON pb.entity_no = p.no_b
                      JOIN entity_keys ka ON ka.entity_no = p.no_a JOIN entity_keys kb ON kb.entity_no = p.no_b
                      WHERE {where} {top})""", [*x_params, pool, *params, limit])
    if not {"article_facts", "entity_keys"} <= rollups.present(con):
        return None, []
    where, params = _facts_where(con, f)
    if ids:
        # As in the heatmap: articles are counted per bit mask of the chosen entities they mention and
        # per entity they mention, then each count adds to the pairs of that entity with the mask's.
        keys = [(no, bit) for _, no, bit in _entity_keys(con, ids)]
        nos = [no for no, _ in keys]
        if all(bit is not None for _, bit in keys) and keys:
            cm, cm_params, kind, shifts = _mask_key([bit for _, bit in keys])
        elif len(keys) <= 63:
            kind, shifts = "BIGINT", list(range(len(keys)))
            cm = " + ".join("CASE WHEN list_contains(x.entity_nos, ?::SMALLINT) THEN ?::BIGINT ELSE 0 END"
                            for _ in keys) or "0"
            cm_params = [v for i, no in enumerate(nos) for v in (no, 1 << i)]
        else:
            return None, []
        return (f"""arts AS (SELECT x.entity_nos, {cm} AS cm FROM article_facts x WHERE {where}),
            chosen AS (SELECT unnest(?::SMALLINT[]) AS a, 1::{kind} << unnest(?::SMALLINT[]) AS bit),
            combos AS (SELECT cm, b, count(*) AS n FROM (SELECT cm, unnest(entity_nos) AS b FROM arts) GROUP BY ALL),
            nos AS (SELECT ch.a, c.b, sum(c.n) AS articles FROM combos c JOIN chosen ch ON c.cm & ch.bit <> 0
                    WHERE ch.a <> c.b AND (NOT list_contains(?::SMALLINT[], c.b) OR ch.a < c.b) GROUP BY ALL),
            pairs AS (SELECT ka.entity_id AS entity_a, kb.entity_id AS entity_b, sum(nos.articles) AS articles
                      FROM nos JOIN entity_keys ka ON ka.entity_no = nos.a
                      JOIN entity_keys kb ON kb.entity_no = nos.b {top})""",
                [*cm_params, *params, nos, shifts, nos, limit])
    # Without a text search the pool is ranked first (per-entity counts as top_entities reads them);
    # when every pool entity has a top bit, passing articles are counted per combination of those
    # bits (one packed key) and each combination lists its bit positions. Else, in one pass, per
    # list of the pool positions each article mentions. Each list adds its count to its pairs.
    ranked = []
    if not f.q.strip():
        rel, n_sql, rel_params = _entity_relation(con, f)
        ranked = con.execute(
            f"""SELECT k.entity_no, k.top_bit FROM (SELECT x.entity_id, {n_sql} AS n FROM {rel} x GROUP BY x.entity_id) c
                JOIN entity_keys k USING (entity_id) ORDER BY c.n DESC, c.entity_id LIMIT ?""",
            [*rel_params, pool]).fetchall()
    if ranked and all(bit is not None for _, bit in ranked):
        key, key_params, kind, shifts = _mask_key([bit for _, bit in ranked])
        return (f"""pool AS (SELECT unnest(?::SMALLINT[]) AS entity_no, unnest(?::SMALLINT[]) AS pos),
            lists AS (SELECT [s FOR s IN range(?) IF (m >> s) & 1 = 1] AS positions, n FROM (
                          SELECT {key} AS m, count(*) AS n FROM article_facts x WHERE {where} GROUP BY ALL)),
            {_PAIRS_FROM_LISTS}""", [[no for no, _ in ranked], shifts, max(shifts) + 1, *key_params, *params, limit])
    return (f"""arts AS (SELECT x.article_key, x.entity_nos FROM article_facts x WHERE {where}),
            pool AS (SELECT entity_no, (row_number() OVER (ORDER BY n DESC, entity_no) - 1)::INTEGER AS pos
                     FROM (SELECT c.entity_no, count(*) AS n FROM (SELECT unnest(entity_nos) AS entity_no FROM arts) c
                           GROUP BY c.entity_no ORDER BY n DESC, c.entity_no LIMIT ?)),
            lists AS (SELECT positions, count(*) AS n FROM (
                          SELECT list(p.pos ORDER BY p.pos) AS positions
                          FROM (SELECT article_key, unnest(entity_nos) AS entity_no FROM arts) r
                          JOIN pool p USING (entity_no) GROUP BY r.article_key) GROUP BY positions),
            {_PAIRS_FROM_LISTS}""", [*params, pool, limit])


# Co-mention pairs from `lists(positions, n)` (n articles mention exactly the pool entities at these
# positions) and `pool(entity_no, pos)`: the `?` most shared pairs, entity_a before entity_b.
_PAIRS_FROM_LISTS = """ij AS (SELECT a, b, sum(n) AS n FROM lists, unnest(positions) ua(a), unnest(positions) ub(b)
                   WHERE a < b GROUP BY ALL),
            pairs AS (SELECT ka.entity_id AS entity_a, kb.entity_id AS entity_b, ij.n AS articles
                      FROM ij JOIN pool pa ON pa.pos = ij.a JOIN pool pb ON pb.pos = ij.b
                      JOIN entity_keys ka ON ka.entity_no = least(pa.entity_no, pb.entity_no)
                      JOIN entity_keys kb ON kb.entity_no = greatest(pa.entity_no, pb.entity_no)
                      ORDER BY articles DESC, entity_a, entity_b LIMIT ?)"""


def co_mentions(con: duckdb.DuckDBPyConnection, f: Filters, limit: int = 30,
                pool: int = 25) -> pd.DataFrame:
    """Entity pairs mentioned in the same article, most shared articles first: entity_a, name_a,
    entity_b, name_b, articles. With chosen entities, pairs involve one of them; otherwise pairs
    among the `pool` entities with most articles."""
    ids = f.entity_ids()
    pairs_sql, pair_params = _co_mention_pairs(con, f, limit, pool)
    if pairs_sql is None:
        where, params = _ae_where(con, f, entities=False)
        ae = _ae(con)
    if pairs_sql is None and ids:
        pairs_sql = f"""
            pa AS (SELECT x.article_key, x.entity_id FROM {ae} x WHERE x.entity_id = ANY(?) AND {where}),
            pb AS (SELECT x.article_key, x.entity_id FROM {ae} x
                   WHERE x.article_key IN (SELECT article_key FROM pa) AND {where}),
            pairs AS (SELECT pa.entity_id AS entity_a, pb.entity_id AS entity_b, count(*) AS articles
                      FROM pa JOIN pb ON pa.article_key = pb.article_key
                      WHERE pa.entity_id <> pb.entity_id AND (NOT pb.entity_id = ANY(?) OR pa.entity_id < pb.entity_id)
                      GROUP BY ALL ORDER BY articles DESC, entity_a, entity_b LIMIT ?)"""
        pair_params = [ids, *params, *params, ids, limit]
    elif pairs_sql is None:
        pairs_sql = f"""
            rows AS (SELECT x.article_key, x.entity_id FROM {ae} x WHERE {where}),
            pool AS (SELECT entity_id FROM rows GROUP BY entity_id ORDER BY count(*) DESC, entity_id LIMIT ?),
            p AS (SELECT * FROM rows SEMI JOIN pool USING (entity_id)),
            pairs AS (SELECT pa.entity_id AS entity_a, pb.entity_id AS entity_b, count(*) AS articles
                      FROM p pa JOIN p pb ON pa.article_key = pb.article_key AND pa.entity_id < pb.entity_id
                      GROUP BY ALL ORDER BY articles DESC, entity_a, entity_b LIMIT ?)"""
        pair_params = [*params, pool, limit]
    return con.execute(
        f"""WITH {pairs_sql}
            SELECT c.entity_a, ea.name AS name_a, c.entity_b, eb.name AS name_b, c.articles::BIGINT AS articles
            FROM pairs c JOIN entities ea ON ea.entity_id = c.entity_a JOIN entities eb ON eb.entity_id = c.entity_b
            ORDER BY c.articles DESC, c.entity_a, c.entity_b""", pair_params).df()


def places_map(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Places with coordinates and counts under the filters: entity_id, name, lat, lon, articles,
    mentions (places without coordinates are left out)."""
    rel, n_sql, params = _entity_relation(con, f)
    return con.execute(
        f"""SELECT x.entity_id, any_value(e.name) AS name, any_value(e.lat) AS lat, any_value(e.lon) AS lon,
                   {n_sql}::BIGINT AS articles, sum(x.mentions)::BIGINT AS mentions
            FROM {rel} x JOIN entities e ON e.entity_id = x.entity_id AND e.kind = 'place'
                 AND e.lat IS NOT NULL AND e.lon IS NOT NULL
            GROUP BY x.entity_id ORDER BY mentions DESC, name""", params).df()


def wording(con: duckdb.DuckDBPyConnection, f: Filters, entity_id: str, gran: str = "month") -> pd.DataFrame:
    """Which surface form each source uses for one entity per period: period, source, surface,
    mentions, articles (dated articles under the filters, entity filter ignored)."""
    gran = _gran(gran)
    have = rollups.present(con)
    order = "GROUP BY ALL ORDER BY period, source, mentions DESC, surface"
    if "entity_surfaces" in have and not f.q.strip():
        where, params = _ae_where(con, f, entities=False, text=False)
        sql = f"""SELECT date_trunc(?, x.published)::DATE AS period, x.source, x.surface,
                         sum(x.mentions)::BIGINT AS mentions, sum(x.articles)::BIGINT AS articles
                  FROM entity_surfaces x WHERE x.entity_id = ? AND x.published IS NOT NULL AND {where} {order}"""
    elif "mention_spans" in have:
        where, params = _ae_where(con, f, entities=False)
        sql = f"""SELECT date_trunc(?, x.published)::DATE AS period, x.source, x.surface,
                         count(*)::BIGINT AS mentions, count(DISTINCT x.article_key)::BIGINT AS articles
                  FROM mention_spans x WHERE x.entity_id = ? AND x.published IS NOT NULL AND {where} {order}"""
    else:
        where, params = _article_where(con, f, entities=False)
        sql = f"""SELECT date_trunc(?, a.published)::DATE AS period, a.source, m.surface,
                         count(*)::BIGINT AS mentions, count(DISTINCT m.article_id)::BIGINT AS articles
                  FROM mentions m JOIN articles a ON a.article_id = m.article_id
                  WHERE m.entity_id = ? AND a.published IS NOT NULL AND {where} {order}"""
    return con.execute(sql, [gran, entity_id, *params]).df()


# ---------------------------------------------------------------------------------------------
# Statements
# ---------------------------------------------------------------------------------------------

_PAGE_ROWS = 4  # statements read per cluster wanted, before the exactness check (see `statements`)


def statements(con: duckdb.DuckDBPyConnection, f: Filters, limit: int = 500) -> pd.DataFrame:
    """Who said what, one row per statement cluster with a statement passing the filters: said_on
    (the earliest date said among those statements), speaker, speaker_role, state_id, state,
    statement_type, kind, quote (of that earliest statement), reports (passing statements in the
    cluster), sources, urls, statement_id, article_id, cluster_id; newest first, at most `limit`.

    Grouping every cluster costs most on a large store, so only the clusters of the newest
    `_PAGE_ROWS × limit` passing statements are grouped, reading (with the rollup) only the dates
    from those clusters' first statement on; that is exact when `limit` of them are dated after the
    oldest of those statements (older clusters cannot overtake them), else (rare: many undated or
    long-running clusters) every cluster is grouped."""
    facts = "statement_facts" in rollups.present(con)
    if facts:
        where, params = _statement_where(con, f, "s")
        hit_sql = f"""SELECT s.statement_id, s.ckey, s.said, s.source, s.url, s.cluster_first
                      FROM statement_facts s WHERE {where}"""
    else:
        where, params = _statement_where(con, f)
        hit_sql = f"""SELECT s.statement_id, (hash(coalesce(s.cluster_id, s.statement_id)) >> 1)::BIGINT AS ckey,
                             coalesce(s.said_on, a.published) AS said, a.source, coalesce(a.canonical_url, a.url) AS url,
                             NULL::DATE AS cluster_first
                      FROM statements s JOIN articles a ON a.article_id = s.article_id WHERE {where}"""
    wanted = min(_PAGE_ROWS * limit, 2**62)  # a LIMIT is a BIGINT; exports ask for every row
    newest = con.execute(f"SELECT ckey, said, cluster_first FROM ({hit_sql}) ORDER BY said DESC NULLS LAST, "
                         "statement_id LIMIT ?", [*params, wanted]).df()
    sql = f"""SELECT h.ckey, min(h.said) AS said_on, count(*) AS reports,
                     coalesce(arg_min(h.statement_id, strftime(h.said, '%Y-%m-%d') || h.statement_id),
                              min(h.statement_id)) AS first_id,
                     list(DISTINCT h.source ORDER BY h.source) AS sources,
                     list(DISTINCT h.url ORDER BY h.url) FILTER (WHERE h.url IS NOT NULL) AS urls
              FROM ({hit_sql}) h /*candidates*/ GROUP BY h.ckey
              ORDER BY said_on DESC NULLS LAST, first_id LIMIT ?"""
    # Every statement of those clusters is dated from its cluster's first on, or undated. (Dates read
    # back from pandas are Timestamps: cast to DATE, or DuckDB compares as timestamps, skipping no block.)
    first = newest["cluster_first"].min()
    candidates = "WHERE h.ckey IN (SELECT unnest(?::BIGINT[]))" + (
        " AND (h.said >= ?::DATE OR h.said IS NULL)" if pd.notna(first) else "")
    page = con.execute(sql.replace("/*candidates*/", candidates),
                       [*params, newest["ckey"].unique().tolist(), *([first] if pd.notna(first) else []), limit]).df()
    oldest = newest["said"].min()
    complete = len(newest) < wanted or (
        len(page) == limit and pd.notna(oldest) and (page["said_on"] > oldest).all())
    if not complete:
        page = con.execute(sql, [*params, limit]).df()
    ids = page["first_id"].tolist()
    shown = ("s.speaker, s.speaker_role, s.speaker_state_id AS state_id, coalesce(e.name, s.speaker_state_id) AS state, "
             "s.statement_type, s.kind, s.quote, s.statement_id, s.article_id, s.cluster_id")
    bound = "" if not facts or page["said_on"].isna().any() or not ids else "s.said >= ?::DATE AND "
    detail = con.execute(
        f"SELECT {shown} FROM {'statement_facts' if facts else 'statements'} s "
        f"LEFT JOIN entities e ON e.entity_id = s.speaker_state_id WHERE {bound}s.statement_id IN "
        "(SELECT unnest(?::VARCHAR[]))", [*([page["said_on"].min()] if bound else []), ids]).df()
    out = page.merge(detail, left_on="first_id", right_on="statement_id", how="left")
    return out[["said_on", "speaker", "speaker_role", "state_id", "state", "statement_type", "kind", "quote",
                "reports", "sources", "urls", "statement_id", "article_id", "cluster_id"]]


def statements_by_state_type(con: duckdb.DuckDBPyConnection, f: Filters, gran: str = "month") -> pd.DataFrame:
    """Statements per period (date said, else published), speaker state and type: period,
    state_id, state, statement_type, statements (distinct clusters), reports (all rows)."""
    gran = _gran(gran)
    have = rollups.present(con)
    whole_months = gran == "month" and (not f.start or f.start.day == 1) and (
        not f.end or (f.end + dt.timedelta(days=1)).day == 1)
    if "statement_months" in have and whole_months and not dataclasses.replace(f, start=None, end=None).to_query_params():
        where, params = _date_clause(f, "c.period")
        return con.execute(
            f"""SELECT c.period, c.state_id, coalesce(e.name, c.state_id, 'unknown') AS state, c.statement_type,
                       c.statements, c.reports
                FROM statement_months c LEFT JOIN entities e ON e.entity_id = c.state_id
                WHERE {" AND ".join(["TRUE", *where])} ORDER BY c.period, state, c.statement_type""", params).df()
    if "statement_facts" in have:
        where, params = _statement_where(con, f, "s")
        # Reports per cluster and cell first, then clusters per cell: faster than count(DISTINCT).
        return con.execute(
            f"""WITH per_cluster AS (
                    SELECT date_trunc(?, s.said)::DATE AS period, s.speaker_state_id AS state_id, s.statement_type,
                           count(*) AS n
                    FROM statement_facts s WHERE s.said IS NOT NULL AND {where}
                    GROUP BY period, state_id, s.statement_type, s.ckey),
                cells AS (SELECT period, state_id, statement_type, count(*) AS statements, sum(n)::BIGINT AS reports
                          FROM per_cluster GROUP BY ALL)
            SELECT c.period, c.state_id, coalesce(e.name, c.state_id, 'unknown') AS state, c.statement_type,
                   c.statements, c.reports
            FROM cells c LEFT JOIN entities e ON e.entity_id = c.state_id
            ORDER BY c.period, state, c.statement_type""", [gran, *params]).df()
    where, params = _statement_where(con, f)
    return con.execute(
        f"""SELECT date_trunc(?, coalesce(s.said_on, a.published))::DATE AS period,
                   s.speaker_state_id AS state_id,
                   coalesce(any_value(e.name), s.speaker_state_id, 'unknown') AS state,
                   s.statement_type, count(DISTINCT coalesce(s.cluster_id, s.statement_id)) AS statements,
                   count(*) AS reports
            FROM statements s JOIN articles a ON a.article_id = s.article_id
            LEFT JOIN entities e ON e.entity_id = s.speaker_state_id
            WHERE coalesce(s.said_on, a.published) IS NOT NULL AND {where}
            GROUP BY period, s.speaker_state_id, s.statement_type
            ORDER BY period, state, s.statement_type""",
        [gran, *params]).df()


# ---------------------------------------------------------------------------------------------
# Articles
# ---------------------------------------------------------------------------------------------

def _article_table(con: duckdb.DuckDBPyConnection, f: Filters, *,
                   dates: bool = True) -> tuple[str, tuple[str, list]]:
    """(table, (condition, parameters)) of the full article filter over alias `a`: the article_facts
    rollup when present (no join for the entity filter), else articles."""
    if {"article_facts", "entity_keys"} <= rollups.present(con):
        return "article_facts", _facts_where(con, f, "a", dates=dates)
    return "articles", _article_where(con, f, dates=dates)


def search_articles(con: duckdb.DuckDBPyConnection, f: Filters, limit: int = 100,
                    offset: int = 0) -> pd.DataFrame:
    """Articles passing the filters, newest first (undated last): article_id, published, source,
    title, url, language, snippet (first 240 characters), total (matching articles overall)."""
    table, (where, params) = _article_table(con, f)
    cols = "a.article_id, a.published, a.source, a.title, a.url, a.language, a.snippet"
    if table == "articles":
        table = f"""(SELECT a.*, coalesce(a.canonical_url, a.url) AS url_shown,
                            {rollups.SNIPPET_SQL.format(text="a.text")} AS snippet FROM articles a)"""
        cols = cols.replace("a.url", "a.url_shown AS url")
    keys = con.execute(f"""WITH hits AS MATERIALIZED (SELECT a.article_id, a.published FROM {table} a WHERE {where})
                           SELECT article_id, published, (SELECT count(*) FROM hits) AS total FROM hits
                           ORDER BY published DESC NULLS LAST, article_id LIMIT ? OFFSET ?""",
                       [*params, limit, offset]).df()
    # Then the page's rows by id; in the date-sorted rollup a date range lets DuckDB skip every
    # block but the page's (looking 100 ids up one by one costs ~1 ms each on a fresh connection).
    dated = len(keys) and keys["published"].notna().all()
    span = "a.published BETWEEN ?::DATE AND ?::DATE AND " if dated else ""
    page = con.execute(
        f"SELECT {cols} FROM {table} a WHERE {span}a.article_id IN (SELECT unnest(?::VARCHAR[])) "
        "ORDER BY a.published DESC NULLS LAST, a.article_id",
        [*([keys["published"].min(), keys["published"].max()] if dated else []), keys["article_id"].tolist()]).df()
    page["total"] = int(keys["total"].iloc[0]) if len(keys) else 0
    return page


def article(con: duckdb.DuckDBPyConnection, article_id: str) -> pd.DataFrame:
    """One article with its source's name/kind/country (zero rows when unknown)."""
    return con.execute(
        "SELECT a.article_id, a.url, a.canonical_url, a.source, s.name AS source_name, s.kind, s.country, "
        "a.title, a.author, a.published, a.date_source, a.language, a.text, a.duplicate_of, a.fetched_at, "
        "a.run_id FROM articles a LEFT JOIN sources s ON s.source = a.source WHERE a.article_id = ?",
        [article_id]).df()


def article_mentions(con: duckdb.DuckDBPyConnection, article_id: str) -> pd.DataFrame:
    """One article's mentions in text order: entity_id, name, kind, sentence_no, char_start,
    char_end, surface."""
    return con.execute(
        "SELECT m.entity_id, e.name, e.kind, m.sentence_no, m.char_start, m.char_end, m.surface "
        "FROM mentions m LEFT JOIN entities e ON e.entity_id = m.entity_id WHERE m.article_id = ? "
        "ORDER BY m.char_start, m.char_end", [article_id]).df()


def article_statements(con: duckdb.DuckDBPyConnection, article_id: str) -> pd.DataFrame:
    """One article's statements in text order: statement_id, speaker, speaker_role, state,
    statement_type, kind, quote, said_on, char_start, char_end, cluster_id."""
    return con.execute(
        "SELECT s.statement_id, s.speaker, s.speaker_role, coalesce(e.name, s.speaker_state_id) AS state, "
        "s.statement_type, s.kind, s.quote, s.said_on, s.char_start, s.char_end, s.cluster_id "
        "FROM statements s LEFT JOIN entities e ON e.entity_id = s.speaker_state_id "
        "WHERE s.article_id = ? ORDER BY s.char_start, s.statement_id", [article_id]).df()


# ---------------------------------------------------------------------------------------------
# Sources and runs
# ---------------------------------------------------------------------------------------------

def source_coverage(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Per source under the filters: source, name, kind, country, articles, dated, undated,
    first_date, last_date, languages."""
    table, (where, params) = _article_table(con, f, dates=False)
    dates, date_params = _date_clause(f, "a.published")
    date_sql = f"AND (a.published IS NULL OR ({' AND '.join(dates)}))" if dates else ""
    return con.execute(
        f"""SELECT a.source, coalesce(any_value(s.name), a.source) AS name, any_value(s.kind) AS kind,
                   any_value(s.country) AS country, count(*) AS articles, count(a.published) AS dated,
                   count(*) - count(a.published) AS undated, min(a.published) AS first_date,
                   max(a.published) AS last_date,
                   string_agg(DISTINCT a.language, ', ' ORDER BY a.language) AS languages
            FROM {table} a LEFT JOIN sources s ON s.source = a.source
            WHERE {where} {date_sql}
            GROUP BY a.source ORDER BY articles DESC, a.source""", [*params, *date_params]).df()


def runs(con: duckdb.DuckDBPyConnection, limit: int = 50) -> pd.DataFrame:
    """Latest runs first: run_id, started, finished (NULL while running), inputs, ok, failed, skipped."""
    return con.execute(
        "SELECT run_id, started, finished, array_to_string(inputs, ' ') AS inputs, ok, failed, skipped "
        "FROM runs ORDER BY started DESC NULLS LAST, run_id DESC LIMIT ?", [limit]).df()


def failures(con: duckdb.DuckDBPyConnection, run_id: str | None = None, limit: int = 500) -> pd.DataFrame:
    """Failed inputs, latest runs first (optionally of one run): run_id, started, input, stage, error."""
    return con.execute(
        "SELECT f.run_id, r.started, f.input, f.stage, f.error FROM failures f "
        "LEFT JOIN runs r ON r.run_id = f.run_id WHERE ?::VARCHAR IS NULL OR f.run_id = ? "
        "ORDER BY r.started DESC NULLS LAST, f.run_id, f.input LIMIT ?", [run_id, run_id, limit]).df()
