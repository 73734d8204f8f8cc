"""Every read query of the app: small named functions returning DataFrames.

The dashboard, the CLI `export` command and the query benchmark all call these, so a number in a
chart, a CSV and a benchmark comes from one SQL text. Aggregation stays inside DuckDB; functions
return at most a few thousand rows.

How a query is answered: its SQL lives in `sql/` (one file per query, one per strategy or
fragment, `$name` parameters for values, `{slot}`s for generated conditions) and reads the base
tables and the summary tables of `store/models/` by name — materialised on large stores, views
over the same definitions elsewhere — so its **plain** strategy is always right. Queries that a
summary table, a bit mask or a packed key can answer faster have **named strategies** and one
**planner** (`_plan_<query>`) choosing among them from what the store has materialised and the
filters; `PLANNED` lists them all, and the tests force each one and compare it with the plain one.

Counting rules (design Contract): a trend counts distinct articles mentioning an entity per period
(raw mentions on request); share = those articles / all dated articles of the period under the same
source and language filters; weeks start on Monday; undated articles are left out of trends and
counted apart. Articles marked as duplicates (`duplicate_of` set) are never counted.

Filter semantics (one `Filters` for every view):
- `start`/`end` (inclusive) bound `articles.published`; when either is set, undated articles drop
  out of lists (they have no date in the range) and are still reported by `undated_counts`.
- `actors`, `places`, `themes`: an article passes when it mentions ANY chosen entity; trends draw
  one series per chosen entity. Statements pass when their article does (as every article filter).
- `sources`, `kinds`, `countries`, `languages`: source key, `sources.kind`, `sources.country`,
  `articles.language`.
- Statements only, "said by" × "about": `speakers` (entity ids, speaker keys or raw names),
  `by_states` (the speaker's state), `speaker_types`, `genres` (of the statement's article),
  `about` (entities mentioned in the statement or its sentence, the speaker's own side left out:
  `sql/statements/about.sql`) and `types`. A statement passes a filter when it matches ANY of
  its values, and must pass every filter set (Said by state = United States and About = Lachin
  corridor: the US statements about the corridor).
- `q`: text search over title and text; an fts index (`TEXT_INDEX_SQL`) is used when present,
  else a case-insensitive substring match.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import duckdb
import pandas as pd

from .. import store
from ..vocab import GRANULARITIES
from .filters import Filters as Filters
from .templates import Sql, fill
from .where import NotApplicable, Scope, about, meta_value
from .where import has_text_index as has_text_index  # re-exported: part of this module's API
from .where import load_fts as load_fts

log = logging.getLogger(__name__)

_STEP = {"day": "1 day", "week": "1 week", "month": "1 month"}

# Build (or rebuild after new articles) the text index the search uses; run in a write transaction.
TEXT_INDEX_SQL = store.TEXT_INDEX_SQL

# The heatmap's per-article masks hold a bit per rank: at most this many top actors or themes.
_MAX_BITS = 120

# Statements read per cluster wanted, before the exactness check (see `statements`).
_PAGE_ROWS = 4

# Rows per frame of the `*_batches` functions (exports of every matching row), and their LIMIT.
BATCH_ROWS = 20_000
_ALL = 2**62


def _stream(sql: Sql, con: duckdb.DuckDBPyConnection, rows: int) -> Iterator[pd.DataFrame]:
    """The result of `sql` in frames of at most `rows` rows, streamed from DuckDB (Arrow batches):
    the whole result is never held in Python (`rows` None: BATCH_ROWS)."""
    reader = sql.execute(con).to_arrow_reader(rows or BATCH_ROWS)
    for batch in reader:
        if batch.num_rows:
            yield batch.to_pandas()


def connect_readonly(db_path: str | Path, wait: float = 2.0) -> duckdb.DuckDBPyConnection:
    """A short-lived read-only connection (raises store.StoreBusy while a writer holds the lock). The
    fts extension is loaded only when a search needs its stemmer (`where.resolve`): loading costs ~30 ms."""
    return store.connect(db_path, read_only=True, wait=wait)


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


def _chosen(query: str, strategy: str) -> str:
    """The strategy answering a query (ValueError for one it does not have), logged at DEBUG so a
    slow view can be traced to its plan."""
    known = ENTITY_COUNT_STRATEGIES if query == "entity_counts" else PLANNED[query].strategies
    if strategy not in known:
        raise ValueError(f"{query} has no strategy {strategy!r} (it has {', '.join(known)})")
    log.debug("%s: %s", query, strategy)
    return strategy


def _only_sources(s: Scope) -> bool:
    """True when no filter narrows the articles beyond sources and languages (pair counts answer)."""
    return not (s.ids or s.q or s.dated)


def _by_months(s: Scope) -> bool:
    """True when only a date range narrows the articles (per-month pair counts answer)."""
    return s.dated and not (s.ids or s.q or s.source_terms("x"))


def _whole_months(start: dt.date | None, end: dt.date | None) -> tuple[dt.date | None, dt.date | None]:
    """The whole months inside [start, end] as [first, after) month starts (None: that side unbounded)."""
    lo = start if start is None or start.day == 1 else period_end(start.replace(day=1), "month")
    hi = None if end is None else (
        end + dt.timedelta(days=1) if (end + dt.timedelta(days=1)).day == 1 else end.replace(day=1))
    return lo, hi


def _pair_relation(s: Scope, strategy: str) -> tuple[str, str]:
    """(relation, condition over it as `p`) of the pair counts a strategy reads: entity_pairs under
    source and language filters ("pairs"), else under a date range alone the months inside the range
    from pair_months and the days of the months it cuts from article_facts ("pair_months")."""
    if strategy == "pairs":
        return "entity_pairs", s.rows("p", entities=False, text=False)
    lo, hi = _whole_months(s.f.start, s.f.end)
    s.params.update(m_lo=lo, m_hi=hi)
    if not s.dated:  # every month, the undated articles too
        months, edges = "TRUE", "FALSE"
    elif lo and hi and lo >= hi:  # no whole month: every day from the articles
        months, edges = "FALSE", " AND ".join(s.date_terms("x.published"))
    else:
        months = " AND ".join(term for term, on in (("p.month >= $m_lo::DATE", lo), ("p.month < $m_hi::DATE", hi)) if on)
        # The days before the first whole month and after the last, each a range the scan can skip to.
        cut = [term for term, on in (("x.published >= $start AND x.published < $m_lo::DATE", lo and s.f.start < lo),
                                     ("x.published >= $m_hi::DATE AND x.published <= $end", hi and s.f.end >= hi)) if on]
        edges = " OR ".join(f"({term})" for term in cut) or "FALSE"
    return f"({fill('pair_counts', months=months, edges=edges)})", "TRUE"


def _require(ok: bool, strategy: str, why: str) -> None:
    if not ok:
        raise NotApplicable(f"strategy {strategy!r} {why}")


# ---------------------------------------------------------------------------------------------
# Overview, options
# ---------------------------------------------------------------------------------------------

def data_version(con: duckdb.DuckDBPyConnection) -> str:
    """Identifies the stored data: the writers' meta `data_version` plus article/mention/statement
    counts (the last finished run id stands in when the meta value is missing)."""
    run_id, n_articles, n_mentions, n_statements = Sql(fill("data_version")).fetchall(con)[0]
    stamp = meta_value(con, "data_version") or run_id or "none"
    return f"{stamp}:a{n_articles}:m{n_mentions}:s{n_statements}"


def overview(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """One row: articles, dated, undated, first/last date, mentions, statements, sources, runs."""
    return Sql(fill("overview")).df(con)


def _entity_counts(s: Scope, strategy: str | None = None) -> str:
    """SQL of (entity_id, articles, mentions) per entity over the articles passing the scope's filters."""
    strategy = _chosen("entity_counts", strategy or _plan_entity_counts(s))
    if strategy == "plain":
        return fill("entity_counts/plain", where=s.rows())
    if strategy in ("entity_totals", "entity_days"):
        _require(not (s.ids or s.q), strategy, "counts articles under date, source and language filters only")
        _require(strategy == "entity_days" or not s.dated, strategy, "counts over all dates")
        return fill("entity_counts/per_entity_rollup", rollup=strategy, where=s.rows(entities=False, text=False))
    if strategy == "facts":
        return fill("entity_counts/facts", where=s.facts())
    _require(strategy == "complement" and bool(s.ids) and not s.q, strategy, "needs chosen entities and no text search")
    return fill("entity_counts/complement", totals=_entity_counts(s.universe()),
                universe=s.rows(entities=False, text=False), chosen=s.facts_entities())


def _plan_entity_counts(s: Scope) -> str:
    """Per-entity rollups when only date, source and language filters apply; when chosen entities
    pass most articles, the totals less the failing articles; else the passing articles' lists."""
    if not (s.ids or s.q):
        if s.has("entity_totals") and not s.dated:
            return "entity_totals"
        if s.has("entity_days"):
            return "entity_days"
    if _most_pass(s):
        return "complement"
    if s.has("article_facts", "entity_keys"):
        return "facts"
    return "plain"


def _most_pass(s: Scope) -> bool:
    """True when chosen entities (no text search) pass most of the articles the other filters pass:
    their most-mentioned one is in over half of them (from the rollups; checked once per call)."""
    if "most_pass" not in s.memo:
        most = False
        if s.ids and not s.q and s.has("article_facts", "entity_keys", "day_totals") and (
                s.has("entity_totals") or s.has("entity_days")):
            top, total = s.sql(fill("entity_counts/complement_check", totals=_entity_counts(s.universe()),
                                    universe=s.rows("x", entities=False, text=False))).fetchall(s.con)[0]
            most = bool(top and top > total / 2)
        s.memo["most_pass"] = most
    return s.memo["most_pass"]


ENTITY_COUNT_STRATEGIES = ("plain", "entity_totals", "entity_days", "complement", "facts")


def entity_options(con: duckdb.DuckDBPyConnection, f: Filters, kind: str | None = None) -> pd.DataFrame:
    """Every entity (optionally of one kind) with distinct articles mentioning it under the
    date/source/language filters: entity_id, kind, name, type, articles (most first)."""
    return _entity_options(con, None, f, kind)


def _entity_options(con: duckdb.DuckDBPyConnection, strategy: str | None, f: Filters,
                    kind: str | None = None) -> pd.DataFrame:
    s = Scope.of(con, f, kind=kind).universe()
    return s.sql(fill("entity_options", counts=_entity_counts(s, strategy))).df(con)


def source_options(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Sources seen in articles with name, kind, country and article count (most first)."""
    return Sql(fill("source_options")).df(con)


def language_options(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Article languages with article counts (most first)."""
    return Sql(fill("language_options")).df(con)


def speaker_options(con: duckdb.DuckDBPyConnection, limit: int = 500) -> pd.DataFrame:
    """Speakers with statement counts: key (entity id, else raw name), label, statements."""
    return _speaker_options(con, None, limit)


def _speaker_options(con: duckdb.DuckDBPyConnection, strategy: str | None, limit: int = 500) -> pd.DataFrame:
    s = Scope.of(con, Filters(), limit=limit)
    strategy = _chosen("speaker_options", strategy or ("speaker_counts" if s.has("speaker_counts") else "plain"))
    return s.sql(fill(f"speaker_options/{strategy}")).df(con)


def statement_options(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The values of the statements-only filters with statement counts: facet (by_state,
    speaker_type, genre, about), value, label, kind (of an entity), statements; most first per facet."""
    return _statement_options(con, None)


def _statement_options(con: duckdb.DuckDBPyConnection, strategy: str | None) -> pd.DataFrame:
    """Strategies: "plain" (statements, articles, entities, mentions) and "facets" (per-value counts)."""
    s = Scope.of(con, Filters())
    strategy = _chosen("statement_options", strategy or ("facets" if s.has("statement_facets") else "plain"))
    if strategy == "facets":
        ctes = fill("statement_options/facets")
    else:
        ctes = fill("statement_options/plain", about=about()) + ",\n" + fill("statement_options/counts")
    return s.sql(fill("statement_options", ctes=ctes)).df(con)


def statement_type_options(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Statement types with statement counts (most first)."""
    return Sql(fill("statement_type_options")).df(con)


# ---------------------------------------------------------------------------------------------
# Trends
# ---------------------------------------------------------------------------------------------

def _calendar(s: Scope, strategy: str) -> str:
    """CTEs `totals` (dated articles per period under the source/language/date filters) and `periods`
    (every period from the range start, else the first article, to the end, else the last): from
    the articles ("plain") or the per-day counts ("rollups")."""
    s.params["step"] = _STEP[s.params["gran"]]
    if strategy == "plain":
        totals = fill("period_totals/plain", where=s.articles(entities=False, text=False))
    else:
        totals = fill("period_totals/day_totals", where=s.rows(entities=False, text=False))
    return fill("calendar", totals=totals)


def period_totals(con: duckdb.DuckDBPyConnection, f: Filters, gran: str = "week") -> pd.DataFrame:
    """All dated articles per period under the source/language/date filters (the share's
    denominator), dense: period, total_articles."""
    return _period_totals(con, None, f, gran)


def _period_totals(con: duckdb.DuckDBPyConnection, strategy: str | None, f: Filters,
                   gran: str = "week") -> pd.DataFrame:
    s = Scope.of(con, f, gran=_gran(gran))
    strategy = _chosen("period_totals", strategy or ("rollups" if s.has("day_totals") else "plain"))
    return s.sql(fill("period_totals", calendar=_calendar(s, strategy))).df(con)


def trend(con: duckdb.DuckDBPyConnection, f: Filters, entity_ids: Sequence[str] | None = None,
          gran: str = "week") -> pd.DataFrame:
    """Per period (dense, Monday weeks) and chosen entity: period, entity_id, name, articles
    (distinct), mentions (raw), total_articles (all dated, same source/language filters), share."""
    return _trend(con, None, f, entity_ids, gran)


def _trend(con: duckdb.DuckDBPyConnection, strategy: str | None, f: Filters,
           entity_ids: Sequence[str] | None = None, gran: str = "week") -> pd.DataFrame:
    """Strategies: "plain" (articles, article_entities) and "rollups" (the per-day counts; the hits
    from article_entities when a text search narrows them)."""
    gran = _gran(gran)
    ids = list(entity_ids if entity_ids is not None else f.entity_ids())
    if not ids:
        return pd.DataFrame(columns=["period", "entity_id", "name", "articles", "mentions", "total_articles", "share"])
    s = Scope.of(con, f, gran=gran, ids=ids)
    strategy = _chosen("trend", strategy or ("rollups" if s.has("day_totals", "entity_days") else "plain"))
    per_day = strategy == "rollups" and not s.q
    hits = fill("trend/hits", relation="entity_days" if per_day else "article_entities",
                articles="sum(x.articles)" if per_day else "count(*)", where=s.rows(entities=False))
    return s.sql(fill("trend", calendar=_calendar(s, strategy), hits=hits)).df(con)


# strategy → (relation, article count, condition over it as alias `a`)
_TOTAL_TREND: dict[str, tuple[str, str, Callable[[Scope], str]]] = {
    "plain": ("articles", "count(*)", lambda s: s.articles()),
    "day_totals": ("day_totals", "sum(a.articles)", lambda s: s.rows("a", entities=False, text=False)),
    "facts": ("article_facts", "count(*)", lambda s: s.facts("a")),
}


def total_trend(con: duckdb.DuckDBPyConnection, f: Filters, gran: str = "week") -> pd.DataFrame:
    """All dated articles per period under the full filter (entities as ANY): period, articles."""
    return _total_trend(con, None, f, gran)


def _total_trend(con: duckdb.DuckDBPyConnection, strategy: str | None, f: Filters, gran: str = "week") -> pd.DataFrame:
    s = Scope.of(con, f, gran=_gran(gran))
    if strategy is None:
        strategy = ("day_totals" if s.has("day_totals") and not (s.ids or s.q) else
                    "facts" if s.has("article_facts", "entity_keys") else "plain")
    strategy = _chosen("total_trend", strategy)
    _require(strategy != "day_totals" or not (s.ids or s.q), strategy, "cannot filter by entity or text")
    relation, articles, where = _TOTAL_TREND[strategy]
    return s.sql(fill("total_trend", relation=relation, articles=articles, where=where(s))).df(con)


def undated_counts(con: duckdb.DuckDBPyConnection, f: Filters,
                   entity_ids: Sequence[str] | None = None) -> pd.DataFrame:
    """Undated articles (no published date; date range ignored) under the other filters: first row
    entity_id NULL = all undated articles, then one row per chosen entity. Columns entity_id,
    name, articles."""
    return _undated_counts(con, None, f, entity_ids)


def _undated_counts(con: duckdb.DuckDBPyConnection, strategy: str | None, f: Filters,
                    entity_ids: Sequence[str] | None = None) -> pd.DataFrame:
    """Strategies: "plain" (articles, article_entities) and "rollups" (article_facts, and entity_days
    unless a text search narrows the hits)."""
    ids = list(entity_ids if entity_ids is not None else f.entity_ids())
    s = Scope.of(con, f, ids=ids)
    strategy = _chosen("undated_counts", strategy or ("rollups" if s.has("article_facts", "entity_days") else "plain"))
    per_day = strategy == "rollups" and not s.q
    if strategy == "plain":
        relation, where = "articles", s.articles(dates=False, entities=False)
    else:
        relation, where = "article_facts", s.rows("a", dates=False, entities=False)
    sql = fill("undated_counts", relation=relation, where=where, hits="entity_days" if per_day else "article_entities",
               hit_articles="sum(x.articles)" if per_day else "count(*)",
               hits_where=s.rows(dates=False, entities=False))
    return s.sql(sql).df(con).drop(columns="pos")


# DuckDB rewrites an IN list of 50 or more constants into a hash join that scans the whole table;
# below that it looks each id up in the primary-key index (milliseconds instead of a full scan).
_DETAIL_CHUNK = 48


def _details(con: duckdb.DuckDBPyConnection, ids: Sequence[str], text: bool = True) -> pd.DataFrame:
    """source, title, url, language (and text) of a few articles by id, in chunks of `_DETAIL_CHUNK`."""
    unique = list(dict.fromkeys(ids))
    parts = []
    for i in range(0, len(unique), _DETAIL_CHUNK):
        chunk = unique[i:i + _DETAIL_CHUNK]
        ids_sql = ", ".join(f"$id{n}" for n in range(len(chunk)))
        sql = fill("article_details", text=", text" if text else "", ids=ids_sql)
        parts.append(Sql(sql, {f"id{n}": v for n, v in enumerate(chunk)}).df(con))
    if not parts:
        return pd.DataFrame(columns=["article_id", "source", "title", "url", "language", *["text"] * text])
    return pd.concat(parts, ignore_index=True)


def sentences_behind(con: duckdb.DuckDBPyConnection, f: Filters, entity_ids: Sequence[str] | None,
                     start: dt.date, end: dt.date, limit: int = 200) -> pd.DataFrame:
    """Sentences mentioning the entities in articles published in [start, end) under the filters:
    published, source, title, url, article_id, sentence_no, entity_ids, sentence, hl_starts/hl_ends
    (mention offsets within the sentence, code points); newest first, at most `limit`."""
    return _sentences_behind(con, None, f, entity_ids, start, end, limit)


def _sentences_behind(con: duckdb.DuckDBPyConnection, strategy: str | None, f: Filters,
                      entity_ids: Sequence[str] | None, start: dt.date, end: dt.date, limit: int = 200) -> pd.DataFrame:
    """Strategies: "plain" (sentence text cut from each article's text, looked up by id) and
    "rollups" (sentences and article details read by date range from mention_sentences and
    article_facts; a window around the mentions still comes from the text)."""
    ids = list(entity_ids if entity_ids is not None else f.entity_ids())
    s = Scope.of(con, f, ids=ids, from_day=start, to_day=end, limit=limit)
    strategy = _chosen("sentences_behind", strategy or (
        "rollups" if s.has("mention_sentences", "article_facts") else "plain"))
    return _sentence_rows(con, s, strategy, _sentence_spans(s, ids).df(con))


def sentences_behind_batches(con: duckdb.DuckDBPyConnection, f: Filters, entity_ids: Sequence[str] | None,
                             start: dt.date, end: dt.date, rows: int | None = None) -> Iterator[pd.DataFrame]:
    """Every sentence `sentences_behind` would list over [start, end), in frames of at most `rows`
    rows: DuckDB streams the sentence spans and each frame's text is read apart, so Python never
    holds more than one frame (exports of any size)."""
    ids = list(entity_ids if entity_ids is not None else f.entity_ids())
    s = Scope.of(con, f, ids=ids, from_day=start, to_day=end, limit=_ALL)
    strategy = _chosen("sentences_behind", "rollups" if s.has("mention_sentences", "article_facts") else "plain")
    side = con.cursor()
    try:
        for spans in _stream(_sentence_spans(s, ids), con, rows):
            yield _sentence_rows(side, dataclasses.replace(s, con=side), strategy, spans)
    finally:
        side.close()


def sentences_count(con: duckdb.DuckDBPyConnection, f: Filters, entity_ids: Sequence[str] | None,
                    start: dt.date, end: dt.date) -> int:
    """How many sentences `sentences_behind` lists over [start, end) without a limit."""
    ids = list(entity_ids if entity_ids is not None else f.entity_ids())
    s = Scope.of(con, f, ids=ids, from_day=start, to_day=end)
    sql = fill("sentences_behind/count", entities="AND x.entity_id = ANY($ids)" if ids else "",
               where=s.rows(entities=False))
    return int(s.sql(sql).fetchall(con)[0][0])


def _sentence_spans(s: Scope, ids: list[str]) -> Sql:
    return s.sql(fill("sentences_behind", entities="AND x.entity_id = ANY($ids)" if ids else "",
                      where=s.rows(entities=False)))


SENTENCE_COLUMNS = ["published", "source", "title", "url", "article_id", "sentence_no", "entity_ids", "sentence",
                    "hl_starts", "hl_ends"]


def _sentence_rows(con: duckdb.DuckDBPyConnection, s: Scope, strategy: str, spans: pd.DataFrame) -> pd.DataFrame:
    """The listed sentences of these spans: article details and sentence text added."""
    cols = SENTENCE_COLUMNS
    if spans.empty or strategy == "plain":
        out = spans.merge(_details(con, spans["article_id"].tolist()), on="article_id", how="left")
        out["sentence"] = [None if not isinstance(t, str) else t[int(a):int(b)]
                           for t, a, b in zip(out["text"], out["s0"], out["s1"])]
        return out[cols]
    span = {"lo": spans["published"].min(), "hi": spans["published"].max(),
            "keys": spans["article_key"].unique().tolist()}
    texts = s.sql(fill("sentences_behind/sentence_texts"), span).df(con)
    cards = s.sql(fill("sentences_behind/article_cards"), span).df(con)
    out = spans.merge(cards, on="article_key", how="left").merge(texts, on=["article_key", "sentence_no"], how="left")
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
    return _top_entities(con, None, f, kind, limit)


def _top_entities(con: duckdb.DuckDBPyConnection, strategy: str | None, f: Filters, kind: str,
                  limit: int = 15) -> pd.DataFrame:
    s = Scope.of(con, f, kind=kind, limit=limit)
    return s.sql(fill("top_entities", counts=_entity_counts(s, strategy))).df(con)


def places_map(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Places with coordinates and counts under the filters: entity_id, name, lat, lon, articles,
    mentions (places without coordinates are left out)."""
    return _places_map(con, None, f)


def _places_map(con: duckdb.DuckDBPyConnection, strategy: str | None, f: Filters) -> pd.DataFrame:
    s = Scope.of(con, f)
    return s.sql(fill("places_map", counts=_entity_counts(s, strategy))).df(con)


def _mask_key(s: Scope, bits: Sequence[int], x: str = "x") -> tuple[str, str, list[int]]:
    """SQL packing the given bits of `{x}.top_mask` into one grouping key, the key's type and each
    bit's position in it: a BIGINT (several times faster to group than a HUGEINT) whenever the bits
    span fewer than 63 positions."""
    low = min(bits)
    kind = "BIGINT" if max(bits) - low < 63 else "HUGEINT"
    s.params.update(key_low=low, key_mask=str(sum(1 << (b - low) for b in bits)))
    return f"(({x}.top_mask >> $key_low::INTEGER) & $key_mask::HUGEINT)::{kind}", kind, [b - low for b in bits]


def actor_theme_heatmap(con: duckdb.DuckDBPyConnection, f: Filters, n_actors: int = 15,
                        n_themes: int = 12) -> pd.DataFrame:
    """Articles mentioning both an actor and a theme, for the top actors and themes under the
    filters: actor_id, actor, theme_id, theme, articles (long form, zeros omitted)."""
    return _actor_theme_heatmap(con, None, f, n_actors, n_themes)


def _heatmap_top(s: Scope) -> list[tuple[str, str, int | None]]:
    """The top actors and themes under the filters: (entity_id, kind, top_bit), ranked once per call."""
    if "heatmap_top" not in s.memo:
        s.memo["heatmap_top"] = s.sql(fill("heatmap/top", counts=_entity_counts(s))).fetchall(s.con)
    return s.memo["heatmap_top"]


def _plan_heatmap(s: Scope, n_actors: int, n_themes: int) -> str:
    """Pair counts when only source and language filters apply. Else, with the per-article lists and
    the top entities' bits all present (ranked first; a text search passes few articles but costs
    most to evaluate, so it takes one pass): under a date range alone, the per-month pair counts of
    the entities with a bit (cost following the months in range, not the articles); when chosen entities pass most
    articles, the pair counts less those of the articles failing the entity filter ("complement"),
    else one packed key of those bits over the passing articles; else per-article masks of the ranks
    (at most _MAX_BITS of each); else the plain path."""
    if _only_sources(s) and s.has("entity_pairs", "entity_totals", "entity_keys"):
        return "pairs"
    if not s.has("article_facts", "entity_keys") or max(n_actors, n_themes) > _MAX_BITS:
        return "plain"
    if not s.q:
        top = _heatmap_top(s)
        if top and all(bit is not None for _, _, bit in top):
            if _by_months(s) and s.has("pair_months", "entity_days"):
                return "pair_months"
            relation = _complement_pairs(s)
            return "complement" if relation and s.has(relation) and _most_pass(s) else "top_bits"
    return "ranked_masks"


def _complement_pairs(s: Scope) -> str | None:
    """The pair counts the heatmap's complement reads for chosen entities without a text search: the
    per-month ones (far fewer rows) without source and language filters, else entity_pairs over all
    dates, else (sources and dates) None."""
    if not s.ids or s.q:
        return None
    if not s.source_terms("x"):
        return "pair_months"
    return None if s.dated else "entity_pairs"


def _actor_theme_heatmap(con: duckdb.DuckDBPyConnection, strategy: str | None, f: Filters, n_actors: int = 15,
                         n_themes: int = 12) -> pd.DataFrame:
    s = Scope.of(con, f, n_actors=n_actors, n_themes=n_themes)
    strategy = _chosen("actor_theme_heatmap", strategy or _plan_heatmap(s, n_actors, n_themes))
    if strategy == "plain":
        cells = fill("heatmap/plain", where=s.rows())
    elif strategy in ("pairs", "pair_months"):
        _require(_only_sources(s) if strategy == "pairs" else _by_months(s) and all(
            bit is not None for _, _, bit in _heatmap_top(s)), strategy,
                 "counts pairs under source and language filters only" if strategy == "pairs"
                 else "counts pairs of entities with a top bit under a date range alone")
        relation, where = _pair_relation(s, strategy)
        cells = fill("heatmap/pairs", counts=_entity_counts(s), relation=relation, where=where)
    elif strategy in ("top_bits", "complement"):
        top = _heatmap_top(s)
        _require(bool(top) and all(bit is not None for _, _, bit in top), strategy,
                 "needs a top bit for every top actor and theme")
        key, kind, shifts = _mask_key(s, [bit for _, _, bit in top])
        nos = {eid: no for eid, no, _ in s.entity_keys([t[0] for t in top])}
        s.params.update(top_ids=[t[0] for t in top], top_nos=[nos[t[0]] for t in top], top_kinds=[t[1] for t in top],
                        top_shifts=shifts,
                        theme_bits=str(sum(1 << shift for (_, k, _), shift in zip(top, shifts) if k == "theme")))
        if strategy == "top_bits":
            cells = fill("heatmap/top_bits", key=key, kind=kind, where=s.facts(), out="cells")
        else:
            pairs = _complement_pairs(s)
            _require(pairs is not None, strategy, "needs chosen entities, no text search, and no source filter "
                     "with a date range")
            relation, where = _pair_relation(s, "pairs" if pairs == "entity_pairs" else "pair_months")
            failing = f"{s.rows('x', entities=False, text=False)} AND NOT {s.facts_entities('x')}"
            cells = fill("heatmap/complement", relation=relation, where=where,
                         failing=fill("heatmap/top_bits", key=key, kind=kind, where=failing, out="failing"))
    else:
        _require(strategy == "ranked_masks" and max(n_actors, n_themes) <= _MAX_BITS, strategy,
                 f"holds at most {_MAX_BITS} actors and themes")
        cells = fill("heatmap/ranked_masks", where=s.facts())
    return s.sql(fill("heatmap", cells=cells)).df(con)


def co_mentions(con: duckdb.DuckDBPyConnection, f: Filters, limit: int = 30,
                pool: int = 25) -> pd.DataFrame:
    """Entity pairs mentioned in the same article, most shared articles first: entity_a, name_a,
    entity_b, name_b, articles. With chosen entities, pairs involve one of them; otherwise pairs
    among the `pool` entities with most articles."""
    return _co_mentions(con, None, f, limit, pool)


def _pool(s: Scope) -> list[tuple[int, int | None]]:
    """The co-mention pool under the filters: (entity_no, top_bit), most articles first."""
    if "pool" not in s.memo:
        s.memo["pool"] = s.sql(fill("co_mentions/pool", counts=_entity_counts(s))).fetchall(s.con)
    return s.memo["pool"]


def _plan_co_mentions(s: Scope) -> str:
    """Pair counts when no date range or text search narrows the articles (an article mentioning a
    pair with a chosen entity passes the entity filter). Else, with the per-article lists: chosen
    entities as one packed key of their top bits when they all have one, else as a packed key of
    list tests (up to 63 of them); the pool (ranked first, unless a text search makes one pass
    cheaper) as a packed key of its bits when they all have one — or, under a date range alone, from
    the per-month pair counts of the entities with a bit — else one pass over the lists. Else the
    plain path."""
    if not (s.q or s.dated) and s.has("entity_pairs", "entity_totals", "entity_keys"):
        return "pairs"
    if not s.has("article_facts", "entity_keys"):
        return "plain"
    if s.ids:
        keys = s.entity_keys(s.ids)
        if keys and all(bit is not None for _, _, bit in keys):
            return "chosen_bits"
        return "chosen_packed" if len(keys) <= 63 else "plain"
    if not s.q:
        ranked = _pool(s)
        if ranked and all(bit is not None for _, bit in ranked):
            return "pair_months" if _by_months(s) and s.has("pair_months", "entity_days") else "pool_bits"
    return "pool_lists"


def _co_mentions(con: duckdb.DuckDBPyConnection, strategy: str | None, f: Filters, limit: int = 30,
                 pool: int = 25) -> pd.DataFrame:
    s = Scope.of(con, f, limit=limit, pool=pool)
    strategy = _chosen("co_mentions", strategy or _plan_co_mentions(s))
    chosen = "chosen" if s.ids else "pool"
    if strategy == "plain":
        pairs = fill(f"co_mentions/plain_{chosen}", where=s.rows(entities=False))
    elif strategy in ("pairs", "pair_months"):
        if strategy == "pairs":
            _require(not (s.q or s.dated), strategy, "counts pairs over all dates, without a text search")
        else:
            _require(_by_months(s) and all(bit is not None for _, bit in _pool(s)), strategy,
                     "counts pairs of the pool's entities, each with a top bit, under a date range alone")
        relation, where = _pair_relation(s, strategy)
        if s.ids:
            s.params["chosen_nos"] = [no for _, no, _ in s.entity_keys(s.ids)]
            pairs = fill("co_mentions/pairs_chosen", relation=relation, where=where)
        else:
            pairs = fill("co_mentions/pairs_pool", counts=_entity_counts(s), relation=relation, where=where)
    elif strategy in ("chosen_bits", "chosen_packed"):
        _require(bool(s.ids), strategy, "needs chosen entities")
        keys = s.entity_keys(s.ids)
        nos = [no for _, no, _ in keys]
        if strategy == "chosen_bits":
            _require(bool(keys) and all(bit is not None for _, _, bit in keys), strategy,
                     "needs a top bit for every chosen entity")
            key, kind, shifts = _mask_key(s, [bit for _, _, bit in keys])
        else:
            _require(len(keys) <= 63, strategy, "packs at most 63 entities into a BIGINT")
            kind, shifts = "BIGINT", list(range(len(keys)))
            key = " + ".join(f"CASE WHEN list_contains(x.entity_nos, $cm_no{i}::SMALLINT) THEN $cm_bit{i}::BIGINT "
                             "ELSE 0 END" for i in range(len(keys))) or "0"
            s.params.update({f"cm_no{i}": no for i, no in enumerate(nos)})
            s.params.update({f"cm_bit{i}": 1 << i for i in range(len(nos))})
        s.params.update(chosen_nos=nos, chosen_shifts=shifts)
        pairs = fill("co_mentions/chosen_mask", key=key, kind=kind, where=s.facts())
    elif strategy == "pool_bits":
        _require(not s.ids, strategy, "pairs the pool, not chosen entities")
        ranked = _pool(s)
        _require(bool(ranked) and all(bit is not None for _, bit in ranked), strategy,
                 "needs a top bit for every pool entity")
        key, _, shifts = _mask_key(s, [bit for _, bit in ranked])
        s.params.update(pool_nos=[no for no, _ in ranked], pool_shifts=shifts, key_width=max(shifts) + 1)
        pairs = fill("co_mentions/pool_bits", key=key, where=s.facts(),
                     pairs_from_lists=fill("co_mentions/pairs_from_lists"))
    else:
        _require(strategy == "pool_lists" and not s.ids, strategy, "pairs the pool, not chosen entities")
        pairs = fill("co_mentions/pool_lists", where=s.facts(), pairs_from_lists=fill("co_mentions/pairs_from_lists"))
    return s.sql(fill("co_mentions", pairs=pairs)).df(con)


def wording(con: duckdb.DuckDBPyConnection, f: Filters, entity_id: str, gran: str = "month",
            undated: bool = False) -> pd.DataFrame:
    """Which surface form each source uses for one entity per period: period, source, surface,
    mentions, articles (dated articles under the filters, entity filter ignored; with `undated`,
    undated articles too, their period NULL)."""
    return _wording(con, None, f, entity_id, gran, undated)


def _wording(con: duckdb.DuckDBPyConnection, strategy: str | None, f: Filters, entity_id: str,
             gran: str = "month", undated: bool = False) -> pd.DataFrame:
    """Strategies: "plain" (every mention, from mention_spans) and "entity_surfaces" (counts per
    day and surface form; no text search)."""
    s = Scope.of(con, f, entity_id=entity_id, gran=_gran(gran))
    dated = "" if undated else "AND x.published IS NOT NULL"
    strategy = _chosen("wording", strategy or ("entity_surfaces" if s.has("entity_surfaces") and not s.q else "plain"))
    if strategy == "plain":
        sql = fill("wording", relation="mention_spans", mentions="count(*)", articles="count(DISTINCT x.article_key)",
                   where=s.rows(entities=False), dated=dated)
    else:
        _require(not s.q, strategy, "cannot filter by text")
        sql = fill("wording", relation="entity_surfaces", mentions="sum(x.mentions)", articles="sum(x.articles)",
                   where=s.rows(entities=False, text=False), dated=dated)
    return s.sql(sql).df(con)


# ---------------------------------------------------------------------------------------------
# Statements
# ---------------------------------------------------------------------------------------------

def statements(con: duckdb.DuckDBPyConnection, f: Filters, limit: int = 500) -> pd.DataFrame:
    """Who said what, one row per statement cluster with a statement passing the filters: said_on
    (the earliest date said among those statements), speaker, speaker_role, state_id, state,
    statement_type, kind, genre (of its article), about (names of the entities it is about), quote
    (of that earliest statement), reports (passing statements in the cluster), sources, urls,
    statement_id, article_id, cluster_id; newest first, at most `limit`.

    Grouping every cluster costs most on a large store, so only the clusters of the newest
    `_PAGE_ROWS × limit` passing statements are grouped, reading (with statement_facts) only the
    dates from those clusters' first statement on; that is exact when `limit` of them are dated
    after the oldest of those statements (older clusters cannot overtake them), else (rare: many
    undated or long-running clusters) every cluster is grouped."""
    return _statements(con, None, f, limit)


def statements_count(con: duckdb.DuckDBPyConnection, f: Filters) -> int:
    """How many rows `statements` returns without a limit (statement clusters with a passing statement)."""
    return int(_statements_count(con, None, f)["clusters"].iloc[0])


def _statements_count(con: duckdb.DuckDBPyConnection, strategy: str | None, f: Filters) -> pd.DataFrame:
    """`statements_count` as a one-row frame (clusters), with the statements table's strategies and planner."""
    s = Scope.of(con, f)
    strategy = _chosen("statements_count", strategy or _plan_statements(s))
    return s.sql(fill("statements/count", hits=_statement_hits(s, strategy))).df(con)


def statements_batches(con: duckdb.DuckDBPyConnection, f: Filters, rows: int | None = None) -> Iterator[pd.DataFrame]:
    """Every row `statements` would return without a limit, newest first, in frames of at most
    `rows` rows: DuckDB groups the clusters and streams them; each frame's details are read apart."""
    s = Scope.of(con, f, limit=_ALL)
    strategy = _chosen("statements", _plan_statements(s))
    hits = _statement_hits(s, strategy)
    side = con.cursor()
    try:
        for page in _stream(s.sql(fill("statements/page", hits=hits, candidates="")), con, rows):
            yield _statement_rows(side, dataclasses.replace(s, con=side), strategy, page)
    finally:
        side.close()


def _statements(con: duckdb.DuckDBPyConnection, strategy: str | None, f: Filters, limit: int = 500) -> pd.DataFrame:
    """Strategies: "plain" (statements and articles), "facts" (statement_facts: masks, dates said
    and each cluster's first date precomputed) and "complement" (the same, chosen entities tested as
    "not among the articles failing them")."""
    wanted = min(_PAGE_ROWS * limit, 2**62)  # a LIMIT is a BIGINT; exports ask for every row
    s = Scope.of(con, f, limit=limit, wanted=wanted)
    strategy = _chosen("statements", strategy or _plan_statements(s))
    hits = _statement_hits(s, strategy)
    newest = s.sql(fill("statements/newest", hits=hits)).df(con)
    # Every statement of those clusters is dated from its cluster's first on, or undated. (Dates read
    # back from pandas are Timestamps: cast to DATE, or DuckDB compares as timestamps, skipping no block.)
    first = newest["cluster_first"].min()
    s.params.update(ckeys=newest["ckey"].unique().tolist(), first=first if pd.notna(first) else None)
    candidates = "WHERE h.ckey IN (SELECT unnest($ckeys::BIGINT[]))" + (
        " AND (h.said >= $first::DATE OR h.said IS NULL)" if pd.notna(first) else "")
    page = s.sql(fill("statements/page", hits=hits, candidates=candidates)).df(con)
    oldest = newest["said"].min()
    complete = len(newest) < wanted or (len(page) == limit and pd.notna(oldest) and (page["said_on"] > oldest).all())
    if not complete:
        page = s.sql(fill("statements/page", hits=hits, candidates="")).df(con)
    return _statement_rows(con, s, strategy, page)


def _plan_statements(s: Scope) -> str:
    """statement_facts when materialised; when chosen entities (no text search) pass most articles, with
    the entities tested on the articles failing them (`_most_pass`); else the plain path."""
    if not s.has("statement_facts", "entity_keys"):
        return "plain"
    return "complement" if s.has("article_facts") and _most_pass(s) else "facts"


def _statement_where(s: Scope, strategy: str) -> str:
    """The statement filter of a strategy: over statements and articles ("plain"), else statement_facts."""
    if strategy == "plain":
        return s.statements("base")
    _require(strategy == "facts" or (bool(s.ids) and not s.q and s.has("article_facts", "entity_keys")), strategy,
             "needs chosen entities, no text search and article_facts")
    return s.statements("facts", complement=strategy == "complement")


def _statement_hits(s: Scope, strategy: str) -> str:
    """The passing statements (statements/hits_*) of a statements strategy."""
    return fill(f"statements/hits_{'plain' if strategy == 'plain' else 'facts'}", where=_statement_where(s, strategy))


def _statement_rows(con: duckdb.DuckDBPyConnection, s: Scope, strategy: str, page: pd.DataFrame) -> pd.DataFrame:
    """The table's rows of these clusters (statements/page rows): speaker, state, about, quote… added."""
    facts = strategy != "plain"
    ids = page["first_id"].tolist()
    bounded = facts and bool(ids) and not page["said_on"].isna().any()
    # A page row's first statement is dated its said_on: the page's dates bound the scan on both sides
    # (statement_facts is sorted by date, so only the blocks of the page's dates are read).
    bound = "s.said BETWEEN $said_from::DATE AND $said_to::DATE AND" if bounded else ""
    if facts:
        about_rows = ("SELECT s.statement_id, unnest(s.about_entities) AS entity_id FROM statement_facts s "
                      f"WHERE {bound} s.statement_id IN (SELECT unnest($first_ids::VARCHAR[]))")
        genre = "s.genre"
    else:
        about_rows = about("(SELECT * FROM statements WHERE statement_id IN (SELECT unnest($first_ids::VARCHAR[])))")
        genre = "(SELECT coalesce(a.genre, 'news') FROM articles a WHERE a.article_id = s.article_id)"
    shown = s.sql(fill("statements/shown", relation="statement_facts" if facts else "statements", bound=bound,
                       about=about_rows, genre=genre),
                  {"first_ids": ids, "said_from": page["said_on"].min() if bounded else None,
                   "said_to": page["said_on"].max() if bounded else None}).df(con)
    out = page.merge(shown, left_on="first_id", right_on="statement_id", how="left")
    return out[STATEMENT_COLUMNS]


# What `statements` returns, in this order.
STATEMENT_COLUMNS = ["said_on", "speaker", "speaker_role", "state_id", "state", "statement_type", "kind", "genre",
                     "about", "quote", "reports", "sources", "urls", "statement_id", "article_id", "cluster_id"]


def statements_by_state_type(con: duckdb.DuckDBPyConnection, f: Filters, gran: str = "month") -> pd.DataFrame:
    """Statements per period (date said, else published), speaker state and type: period,
    state_id, state, statement_type, statements (distinct clusters), reports (all rows)."""
    return _statements_by_state_type(con, None, f, gran)


def _statements_by_state_type(con: duckdb.DuckDBPyConnection, strategy: str | None, f: Filters,
                              gran: str = "month") -> pd.DataFrame:
    """Strategies: "plain", "facts" (statement_facts), "complement" (the same, chosen entities tested on
    the articles failing them) and "months" (monthly counts: whole months and no filter but dates)."""
    s = Scope.of(con, f, gran=_gran(gran))
    whole_months = s.params["gran"] == "month" and (not f.start or f.start.day == 1) and (
        not f.end or (f.end + dt.timedelta(days=1)).day == 1)
    months = whole_months and not dataclasses.replace(f, start=None, end=None).to_query_params()
    if strategy is None:
        strategy = "months" if months and s.has("statement_months") else _plan_statements(s)
    strategy = _chosen("statements_by_state_type", strategy)
    if strategy == "months":
        _require(months, strategy, "counts whole months without filters but dates")
        sql = fill("statements_by_state_type/months", where=" AND ".join(["TRUE", *s.date_terms("c.period")]))
    else:
        sql = fill(f"statements_by_state_type/{'plain' if strategy == 'plain' else 'facts'}",
                   where=_statement_where(s, strategy))
    return s.sql(sql).df(con)


# ---------------------------------------------------------------------------------------------
# Articles
# ---------------------------------------------------------------------------------------------

def _article_relation(s: Scope, strategy: str, *, dates: bool = True) -> tuple[str, str]:
    """(relation, condition over it as alias `a`) of the full article filter: the base table
    ("plain", with what a search result shows) or article_facts ("facts": no join for the entity filter)."""
    if strategy == "facts":
        return "article_facts", s.facts("a", dates=dates)
    return f"({fill('search_articles/articles')})", s.articles(dates=dates)


def search_articles(con: duckdb.DuckDBPyConnection, f: Filters, limit: int = 100,
                    offset: int = 0) -> pd.DataFrame:
    """Articles passing the filters, newest first (undated last): article_id, published, source,
    title, url, language, snippet (first 240 characters), total (matching articles overall)."""
    return _search_articles(con, None, f, limit, offset)


def _search_articles(con: duckdb.DuckDBPyConnection, strategy: str | None, f: Filters, limit: int = 100,
                     offset: int = 0) -> pd.DataFrame:
    s = Scope.of(con, f, limit=limit, offset=offset)
    strategy = _chosen("search_articles", strategy or ("facts" if s.has("article_facts", "entity_keys") else "plain"))
    relation, where = _article_relation(s, strategy)
    # Without a text search the filter is cheap to run twice (a count, then the newest page); a text
    # search is matched once and its passing ids held.
    keys = s.sql(fill("search_articles/keys" if s.q else "search_articles/keys_twice", relation=relation,
                      where=where)).df(con)
    return _article_rows(con, s, relation, keys)


def _article_rows(con: duckdb.DuckDBPyConnection, s: Scope, relation: str, keys: pd.DataFrame) -> pd.DataFrame:
    """What a result shows of these articles (search_articles/keys rows), in the keys' order."""
    # Then the page's rows by id; in the date-sorted rollup a date range lets DuckDB skip every
    # block but the page's (looking 100 ids up one by one costs ~1 ms each on a fresh connection).
    dated = bool(len(keys)) and keys["published"].notna().all()
    page = s.sql(fill("search_articles/page", relation=relation,
                      span="a.published BETWEEN $lo::DATE AND $hi::DATE AND" if dated else ""),
                 {"page_ids": keys["article_id"].tolist(), "lo": keys["published"].min() if dated else None,
                  "hi": keys["published"].max() if dated else None}).df(con)
    page["total"] = int(keys["total"].iloc[0]) if len(keys) else 0
    return page


def search_articles_batches(con: duckdb.DuckDBPyConnection, f: Filters,
                            rows: int | None = None) -> Iterator[pd.DataFrame]:
    """Every article `search_articles` would list, newest first, in frames of at most `rows` rows
    (without `total`): DuckDB streams the ordered ids and each frame's rows are read apart."""
    s = Scope.of(con, f, limit=_ALL, offset=0)
    strategy = _chosen("search_articles", "facts" if s.has("article_facts", "entity_keys") else "plain")
    relation, where = _article_relation(s, strategy)
    side = con.cursor()
    try:
        for keys in _stream(s.sql(fill("search_articles/keys", relation=relation, where=where)), con, rows):
            yield _article_rows(side, dataclasses.replace(s, con=side), relation, keys).drop(columns=["total"])
    finally:
        side.close()


def article(con: duckdb.DuckDBPyConnection, article_id: str) -> pd.DataFrame:
    """One article with its source's name/kind/country (zero rows when unknown)."""
    return Sql(fill("article"), {"article_id": article_id}).df(con)


def article_mentions(con: duckdb.DuckDBPyConnection, article_id: str) -> pd.DataFrame:
    """One article's mentions in text order: entity_id, name, kind, sentence_no, char_start,
    char_end, surface."""
    return Sql(fill("article_mentions"), {"article_id": article_id}).df(con)


def article_statements(con: duckdb.DuckDBPyConnection, article_id: str) -> pd.DataFrame:
    """One article's statements in text order: statement_id, speaker, speaker_role, state,
    statement_type, kind, quote, said_on, char_start, char_end, cluster_id."""
    return Sql(fill("article_statements"), {"article_id": article_id}).df(con)


# ---------------------------------------------------------------------------------------------
# Sources and runs
# ---------------------------------------------------------------------------------------------

def source_coverage(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Per source under the filters: source, name, kind, country, articles, dated, undated,
    first_date, last_date, languages."""
    return _source_coverage(con, None, f)


def _source_coverage(con: duckdb.DuckDBPyConnection, strategy: str | None, f: Filters) -> pd.DataFrame:
    s = Scope.of(con, f)
    strategy = _chosen("source_coverage", strategy or ("facts" if s.has("article_facts", "entity_keys") else "plain"))
    relation, where = _article_relation(s, strategy, dates=False)
    if strategy == "plain":
        relation = "articles"
    dates = s.date_terms("a.published")
    in_range = f"AND (a.published IS NULL OR ({' AND '.join(dates)}))" if dates else ""
    return s.sql(fill("source_coverage", relation=relation, where=where, dates=in_range)).df(con)


def runs(con: duckdb.DuckDBPyConnection, limit: int = 50) -> pd.DataFrame:
    """Latest runs first: run_id, started, finished (NULL while running), inputs, ok, failed, skipped."""
    return Sql(fill("runs"), {"limit": limit}).df(con)


FEED_COLUMNS = ["source", "name", "feed_url", "kind", "health", "failures", "last_attempt", "last_success",
                "last_status", "last_error", "items_seen", "items_new", "queued", "failed_items", "poll_minutes",
                "next_poll"]


def feeds(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Each feed and sitemap `watch` polls (FEED_COLUMNS), failing ones first: health ('ok',
    'unchanged' (304), 'failing', 'not polled yet'), failed polls in a row, last attempt and success
    (UTC), last HTTP status and error, items seen and new at the last poll, items queued and failed,
    interval and next poll. Empty for a store that `watch` never wrote."""
    if not con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'feeds' "
                       "AND schema_name = 'main'").fetchone()[0]:
        return pd.DataFrame(columns=FEED_COLUMNS)
    return Sql(fill("feeds"), {}).df(con)


def failures(con: duckdb.DuckDBPyConnection, run_id: str | None = None, limit: int = 500) -> pd.DataFrame:
    """Failed inputs, latest runs first (optionally of one run): run_id, started, input, stage, error."""
    return Sql(fill("failures"), {"run_id": run_id, "limit": limit}).df(con)


def run_counts(con: duckdb.DuckDBPyConnection) -> tuple[int, int]:
    """(runs, failed inputs) recorded: the rows of the complete `runs` and `failures` lists."""
    runs_, failures_ = Sql(fill("run_counts")).fetchall(con)[0]
    return int(runs_), int(failures_)


def log_batches(con: duckdb.DuckDBPyConnection, table: str, rows: int | None = None) -> Iterator[pd.DataFrame]:
    """Every row of `runs` or `failures` (table = "runs"/"failures", as those functions order them),
    streamed in frames of at most `rows` rows."""
    if table not in ("runs", "failures"):
        raise ValueError(f"log_batches reads runs or failures, not {table!r}")
    return _stream(Sql(fill(table), {"run_id": None, "limit": _ALL}), con, rows)


# ---------------------------------------------------------------------------------------------
# The planned queries
# ---------------------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Planned:
    """A query with named strategies ("plain" first: always right) and `run(con, strategy, *args)`,
    which answers with the strategy named (NotApplicable when it cannot answer those arguments),
    or with the planner's choice when `strategy` is None."""

    strategies: tuple[str, ...]
    run: Callable[..., pd.DataFrame]


PLANNED: dict[str, Planned] = {
    "entity_options": Planned(("plain", "entity_totals", "entity_days"), _entity_options),
    "speaker_options": Planned(("plain", "speaker_counts"), _speaker_options),
    "statement_options": Planned(("plain", "facets"), _statement_options),
    "period_totals": Planned(("plain", "rollups"), _period_totals),
    "trend": Planned(("plain", "rollups"), _trend),
    "total_trend": Planned(("plain", "day_totals", "facts"), _total_trend),
    "undated_counts": Planned(("plain", "rollups"), _undated_counts),
    "sentences_behind": Planned(("plain", "rollups"), _sentences_behind),
    "top_entities": Planned(ENTITY_COUNT_STRATEGIES, _top_entities),
    "places_map": Planned(ENTITY_COUNT_STRATEGIES, _places_map),
    "actor_theme_heatmap": Planned(("plain", "pairs", "pair_months", "complement", "top_bits", "ranked_masks"),
                                   _actor_theme_heatmap),
    "co_mentions": Planned(("plain", "pairs", "pair_months", "chosen_bits", "chosen_packed", "pool_bits",
                            "pool_lists"),
                           _co_mentions),
    "wording": Planned(("plain", "entity_surfaces"), _wording),
    "statements": Planned(("plain", "facts", "complement"), _statements),
    "statements_count": Planned(("plain", "facts", "complement"), _statements_count),
    "statements_by_state_type": Planned(("plain", "facts", "complement", "months"), _statements_by_state_type),
    "search_articles": Planned(("plain", "facts"), _search_articles),
    "source_coverage": Planned(("plain", "facts"), _source_coverage),
}
