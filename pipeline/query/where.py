"""The filters (`Filters`) as SQL conditions over the relations the queries read, with `$name` parameters.

One `Scope` per query call holds the connection, the filters, which summary tables the store has
materialised (what the planners decide on) and the parameter values: every condition it writes names
its values (`$sources`, `$start`, `$entity_ids`, …), so the same condition over two relations of one
query shares them. Condition text depends only on which filters are set and on the entity keys and
text-index terms the store knows; every value travels as a parameter.
"""
from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence

import duckdb
import pandas as pd

from .. import store
from ..store import rollups
from .filters import Filters
from .templates import Sql, fill

FTS_SCHEMA = "fts_main_articles"

# Text search strategies: the index's conjunctive BM25 match (every query term present) or the same
# documents read from the term-sorted postings; `substring` where the store has no text index.
TEXT_STRATEGIES = ("index", "postings", "substring")


class NotApplicable(ValueError):
    """A strategy that cannot answer these filters or arguments on this store (only forcing one hits this)."""


def like_pattern(text: str) -> str:
    """A case-insensitive substring pattern for ILIKE … ESCAPE '\\'."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


@dataclasses.dataclass
class Scope:
    """One query call: connection, filters, materialised summary tables and the `$name` parameters."""

    con: duckdb.DuckDBPyConnection
    f: Filters
    seen: rollups.Catalog
    params: dict[str, object] = dataclasses.field(default_factory=dict)
    text_strategy: str | None = None  # forced text search strategy (tests); else `plan_text` decides
    memo: dict[str, object] = dataclasses.field(default_factory=dict)  # lookups a planner and its strategy share

    @classmethod
    def of(cls, con: duckdb.DuckDBPyConnection, f: Filters, **params: object) -> Scope:
        scope = cls(con, f, rollups.catalog(con))
        scope.params.update(start=f.start, end=f.end, sources=list(f.sources), kinds=list(f.kinds),
                            countries=list(f.countries), languages=list(f.languages),
                            entity_ids=f.entity_ids(), speakers=list(f.speakers), types=list(f.types),
                            by_states=list(f.by_states), speaker_types=list(f.speaker_types), genres=list(f.genres),
                            about=list(f.about), **params)
        return scope

    def universe(self) -> Scope:
        """The same call without the entity and text filters (parameters shared)."""
        return dataclasses.replace(self, f=dataclasses.replace(self.f, actors=[], places=[], themes=[], q=""), memo={})

    @property
    def ids(self) -> list[str]:
        return self.f.entity_ids()

    @property
    def q(self) -> str:
        return self.f.q.strip()

    @property
    def dated(self) -> bool:
        return bool(self.f.start or self.f.end)

    def has(self, *names: str) -> bool:
        """True when every named summary table is materialised (planners read the fast ones only then)."""
        return set(names) <= self.seen.materialised

    @property
    def text_index(self) -> bool:
        """True when the store has an fts index over articles."""
        return (FTS_SCHEMA, "docs") in self.seen.indexes

    def sql(self, text: str, params: dict[str, object] | None = None) -> Sql:
        """`text` with this call's parameters (or `params`), run knowing what the connection has."""
        return Sql(text, self.params if params is None else params, self.seen)

    # -- conditions ------------------------------------------------------------------------------

    def source_terms(self, x: str) -> list[str]:
        """Source, kind, country and language conditions over any relation with `source` and `language`."""
        terms = []
        if self.f.sources:
            terms.append(f"{x}.source = ANY($sources)")
        if self.f.kinds:
            terms.append(f"{x}.source IN (SELECT source FROM sources WHERE kind = ANY($kinds))")
        if self.f.countries:
            terms.append(f"{x}.source IN (SELECT source FROM sources WHERE country = ANY($countries))")
        if self.f.languages:
            terms.append(f"{x}.language = ANY($languages)")
        return terms

    def date_terms(self, column: str) -> list[str]:
        """The date range over `column` (inclusive)."""
        return [term for term, on in ((f"{column} >= $start", self.f.start), (f"{column} <= $end", self.f.end)) if on]

    def rows(self, x: str = "x", *, dates: bool = True, entities: bool = True, text: bool = True) -> str:
        """The article filter over rows carrying an article's article_key, published, source and
        language (article_entities, mention_spans, article_facts…; `entities`/`text` need article_key)."""
        return self._join(x, f"{x}.article_key", dates=dates, entities=entities, text=text)

    def articles(self, a: str = "a", *, dates: bool = True, entities: bool = True, text: bool = True) -> str:
        """The article filter over the base `articles` table (duplicates left out)."""
        return self._join(a, f"id_key({a}.article_id)", dates=dates, entities=entities, text=text,
                          extra=[f"{a}.duplicate_of IS NULL"])

    def facts(self, x: str = "x", *, dates: bool = True, text: bool = True) -> str:
        """The full article filter over article_facts: entities tested on its bit mask and lists."""
        where = self.rows(x, dates=dates, entities=False, text=text)
        return f"{where} AND {self.facts_entities(x)}" if self.ids else where

    def _join(self, x: str, key: str, *, dates: bool, entities: bool, text: bool, extra: Sequence[str] = ()) -> str:
        terms = [*extra, *self.source_terms(x)]
        if dates:
            terms += self.date_terms(f"{x}.published")
        if entities and self.ids:
            terms.append(f"{key} IN (SELECT article_key FROM article_entities WHERE entity_id = ANY($entity_ids))")
        if text and self.q:
            terms.append(f"{key} IN ({self.text_keys()})")
        return " AND ".join(terms) or "TRUE"

    def entity_keys(self, ids: Sequence[str]) -> list[tuple[str, int, int | None]]:
        """(entity_id, entity_no, top_bit) of the given entity ids that the store knows, in entity_no order."""
        key = f"entity_keys {list(ids)}"
        if key not in self.memo:
            self.memo[key] = [(eid, no, bit) for eid, no, bit in self.sql(
                "SELECT entity_id, entity_no, top_bit FROM entity_keys WHERE entity_id = ANY($ids) ORDER BY entity_no",
                {"ids": list(ids)}).fetchall(self.con)]
        return self.memo[key]

    def facts_entities(self, x: str = "x") -> str:
        """Over article_facts: the article mentions a chosen entity. Those with a top bit cost one AND
        on the article's mask together; each other one a list_contains (an order of magnitude faster
        than list_has_any)."""
        keys = self.entity_keys(self.ids)
        bits = [bit for _, _, bit in keys if bit is not None]
        terms = [f"{x}.top_mask & $entity_mask::HUGEINT <> 0"] * bool(bits)
        self.params["entity_mask"] = str(sum(1 << bit for bit in bits))
        for i, (_, no, _) in enumerate(k for k in keys if k[2] is None):
            terms.append(f"list_contains({x}.entity_nos, $entity_no{i}::SMALLINT)")
            self.params[f"entity_no{i}"] = no
        return "(" + (" OR ".join(terms) or "FALSE") + ")"

    def statements(self, over: str) -> str:
        """The statement filter over "base" (statements s JOIN articles a) or "facts" (statement_facts s).

        The article filters (sources, languages, text search, chosen actors/places/themes: the
        article mentions any) select the articles, the dates bound the date said (else published),
        and the statements-only filters — speaker, speaker's state and type, genre, about, type —
        each keep the statements matching any of their values: one condition per filter, all AND-ed.
        """
        facts = over == "facts"
        a = "s" if facts else "a"
        key = "s.article_key" if facts else f"id_key({a}.article_id)"
        where = [self._join(a, key, dates=False, entities=True, text=True,
                            extra=[] if facts else [f"{a}.duplicate_of IS NULL"])]
        where += self.date_terms("s.said" if facts else "coalesce(s.said_on, a.published)")
        f = self.f
        if f.speakers:
            where.append("(s.speaker_entity_id = ANY($speakers) OR s.speaker_key = ANY($speakers) "
                         "OR s.speaker = ANY($speakers))")
        if f.by_states:
            where.append("s.speaker_state_id = ANY($by_states)")
        if f.speaker_types:
            where.append("s.speaker_type = ANY($speaker_types)" if facts else
                         "speaker_type((SELECT e.type FROM entities e WHERE e.entity_id = s.speaker_entity_id "
                         "AND e.kind = 'actor'), s.speaker_key) = ANY($speaker_types)")
        if f.genres:
            where.append("s.genre = ANY($genres)" if facts else "coalesce(a.genre, 'news') = ANY($genres)")
        if f.about:
            where.append(self.about_facts() if facts else
                         f"s.statement_id IN (SELECT statement_id FROM ({about(ABOUT_CANDIDATES)}) "
                         "WHERE entity_id = ANY($about))")
        if f.types:
            where.append("s.statement_type = ANY($types)")
        return " AND ".join(where)

    def about_facts(self) -> str:
        """Over statement_facts: the statement is about a chosen entity. Those with a top bit cost one
        AND on its about_mask together; each other one a list_contains."""
        bits = {eid: bit for eid, _, bit in self.entity_keys(self.f.about) if bit is not None}
        terms = ["s.about_mask & $about_mask::HUGEINT <> 0"] * bool(bits)
        self.params["about_mask"] = str(sum(1 << bit for bit in bits.values()))
        for i, eid in enumerate(e for e in self.f.about if e not in bits):
            terms.append(f"list_contains(s.about_entities, $about{i})")
            self.params[f"about{i}"] = eid
        return "(" + (" OR ".join(terms) or "FALSE") + ")"

    # -- text search -----------------------------------------------------------------------------

    def text_keys(self) -> str:
        """SQL selecting the `article_key` of every article matching the text search."""
        strategy = self.text_strategy or plan_text(self)
        if strategy == "substring":
            self.params["q_like"] = like_pattern(self.q)
            return ("SELECT id_key(article_id) AS article_key FROM articles "
                    "WHERE title ILIKE $q_like ESCAPE '\\' OR text ILIKE $q_like ESCAPE '\\'")
        if not self.text_index:
            raise NotApplicable(f"text search strategy {strategy!r} needs the text index")
        self.params["q"] = self.q
        if strategy == "index":
            if not fts_ready(self.con):
                raise NotApplicable("the fts extension cannot be loaded")
            return (f"SELECT id_key(article_id) AS article_key FROM (SELECT article_id, "
                    f"{FTS_SCHEMA}.match_bm25(article_id, $q, conjunctive := 1) AS score FROM articles) "
                    "WHERE score IS NOT NULL")
        # Same documents as the index's conjunctive match: every distinct query term present, read
        # from the term-sorted postings instead of scoring every article. Without stemming the
        # index's tokenize macro is plain SQL, so the fts extension need not be loaded at all.
        stemmer = fts_stemmer(self.con)
        if stemmer is None or (stemmer != "none" and not fts_ready(self.con)):
            raise NotApplicable("postings need the index's stemmer")
        self.params["stemmer"] = stemmer
        term = "t" if stemmer == "none" else "stem(t, $stemmer)"
        termids = [row[0] for row in self.sql(
            f"""SELECT d.termid FROM (SELECT DISTINCT {term} AS t FROM unnest({FTS_SCHEMA}.tokenize($q)) u(t)
                                      WHERE t <> '') k
                LEFT JOIN {FTS_SCHEMA}.dict d ON d.term = k.t ORDER BY d.df DESC NULLS FIRST""").fetchall(self.con)]
        if not termids or termids[0] is None:  # no term, or one that no article has
            return "SELECT NULL::BIGINT AS article_key WHERE FALSE"
        # The commonest term's postings, kept where each rarer term's postings hold the article too
        # (a small hash table each): several times faster than grouping all their postings.
        self.params.update({f"term{i}": t for i, t in enumerate(termids)})
        return "SELECT p.article_key FROM text_postings p WHERE p.termid = $term0" + "".join(
            f" AND p.article_key IN (SELECT article_key FROM text_postings WHERE termid = $term{i})"
            for i in range(1, len(termids)))


# The statements that may be about an entity in $about: it is inside one of them, or in their article.
ABOUT_CANDIDATES = ("(SELECT * FROM statements WHERE statement_id IN (SELECT statement_id FROM statement_mentions "
                    "WHERE entity_id = ANY($about)) OR article_id IN (SELECT article_id FROM mentions "
                    "WHERE entity_id = ANY($about)))")


def about(statements: str = "statements") -> str:
    """SQL of (statement_id, entity_id): the entities each of `statements` (a relation with the
    statements table's columns) is about (sql/statements/about.sql)."""
    return fill("statements/about", statements=statements)


def plan_text(scope: Scope) -> str:
    """The text search's strategy: the postings when materialised and the index's stemmer is usable,
    else the index, else a substring match (no index)."""
    con = scope.con
    if not scope.text_index:
        return "substring"
    stemmer = fts_stemmer(con)
    if scope.has("text_postings") and stemmer is not None and (stemmer == "none" or fts_ready(con)):
        return "postings"
    return "index" if fts_ready(con) else "substring"


def has_text_index(con: duckdb.DuckDBPyConnection) -> bool:
    """True when an fts index over articles exists (built with TEXT_INDEX_SQL)."""
    row = con.execute("SELECT count(*) FROM duckdb_tables() WHERE schema_name = ?", [FTS_SCHEMA]).fetchone()
    return bool(row and row[0])


def load_fts(con: duckdb.DuckDBPyConnection) -> bool:
    """Load the fts extension shipped with the pinned wheel (offline); False when it cannot be loaded."""
    try:
        store.load_fts(con)
    except (duckdb.Error, ImportError, StopIteration):
        return False
    return True


def fts_ready(con: duckdb.DuckDBPyConnection) -> bool:
    """True when the index exists and its match_bm25 macro can run (the extension loads: ~60 ms, so only
    a search that needs it pays)."""
    if not has_text_index(con):
        return False
    row = con.execute("SELECT count(*) FROM duckdb_functions() WHERE schema_name = ? AND function_name = 'match_bm25'",
                      [FTS_SCHEMA]).fetchone()
    return bool(row and row[0]) and load_fts(con)


def meta_value(con: duckdb.DuckDBPyConnection, key: str) -> str | None:
    """A value of the writers' key/value `meta` table (None when absent)."""
    exists = con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'meta' AND schema_name = 'main'"
                         ).fetchone()[0]
    if not exists:
        return None
    row = con.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
    return row[0] if row else None


def fts_stemmer(con: duckdb.DuckDBPyConnection) -> str | None:
    """The stemmer the fts index was built with (noted in meta, else read from its match_bm25 macro)."""
    noted = meta_value(con, "text_index_stemmer")
    if noted:
        return noted
    row = con.execute("SELECT macro_definition FROM duckdb_functions() WHERE schema_name = ? "
                      "AND function_name = 'match_bm25'", [FTS_SCHEMA]).fetchone()
    found = re.search(r"stem\(unnest\(\w+\.tokenize\(query_string\)\), '(\w+)'\)", row[0] if row else "")
    return found.group(1) if found else None


def text_matches(con: duckdb.DuckDBPyConnection, q: str, strategy: str | None = None) -> pd.DataFrame:
    """Keys of the articles matching the text search `q` (for comparing the strategies), sorted."""
    scope = Scope.of(con, Filters(q=q))
    scope.text_strategy = strategy
    return scope.sql(f"SELECT article_key FROM ({scope.text_keys()}) ORDER BY article_key").df(con)
