"""The filters (`Filters`) as SQL conditions over the relations the queries read, with `$name` parameters.

One `Scope` per query call holds the connection, the filters, which summary tables the store has
materialised (what the planners decide on) and the parameter values: every condition it writes names
its values (`$sources`, `$start`, `$entity_ids`, …), so the same condition over two relations of one
query shares them. Condition text depends only on which filters are set and on the entity keys and
text-index terms the store knows; every value travels as a parameter.
"""
from __future__ import annotations

import dataclasses
import hashlib
import re
import weakref
from collections.abc import Sequence

import duckdb
import pandas as pd

from .. import store
from ..store import rollups
from . import search
from .filters import Filters
from .templates import Sql, fill

FTS_SCHEMA = "fts_main_articles"

# Text search strategies (`search.py` has the syntax): "plain" cuts and stems every article's title and
# text (right on any store, slow on a large one); "postings" reads the text index's words, their stems
# and the term-sorted postings, and cuts only the articles a phrase's words narrowed down; "kept" keeps
# the postings' answer in a temporary table of the connection, once per query call: every condition
# reads it instead of searching again, and the database, knowing its size, joins from that side.
TEXT_STRATEGIES = ("plain", "postings", "kept")


class NotApplicable(ValueError):
    """A strategy that cannot answer these filters or arguments on this store (only forcing one hits this)."""


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

    def statements(self, over: str, complement: bool = False) -> str:
        """The statement filter over "base" (statements s JOIN articles a) or "facts" (statement_facts s).

        The article filters (sources, languages, text search, chosen actors/places/themes: the
        article mentions any) select the articles, the dates bound the date said (else published),
        and the statements-only filters — speaker, speaker's state and type, genre, about, type —
        each keep the statements matching any of their values: one condition per filter, all AND-ed.
        `complement` (statement_facts): the chosen entities as "the article is not among those failing
        them" — fewer article keys to hash when the entities pass most articles.
        """
        facts = over == "facts"
        a = "s" if facts else "a"
        key = "s.article_key" if facts else f"id_key({a}.article_id)"
        # Over statement_facts the chosen entities are tested on article_facts' masks: one row per passing
        # article to hash instead of one per (article, entity) of article_entities.
        masks = facts and bool(self.ids) and self.has("article_facts", "entity_keys")
        where = [self._join(a, key, dates=False, entities=not masks, text=True,
                            extra=[] if facts else [f"{a}.duplicate_of IS NULL"])]
        if masks:
            test = self.facts_entities("x")
            where.append(f"s.article_key NOT IN (SELECT x.article_key FROM article_facts x WHERE NOT {test})" if complement
                         else f"s.article_key IN (SELECT x.article_key FROM article_facts x WHERE {test})")
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

    def search(self) -> list[list[search.Resolved]]:
        """The text search's groups of terms, each cut into the index's words and stems by the database."""
        if "search" not in self.memo:
            stems = store.STEMS_TABLE if (FTS_SCHEMA, "stems") in self.seen.indexes else None
            self.memo["search"] = resolve(self.con, search.parse(self.q), stems)
        return self.memo["search"]

    def text_keys(self) -> str:
        """SQL selecting the `article_key` of every article matching the text search."""
        strategy = self.text_strategy or plan_text(self)
        if strategy not in TEXT_STRATEGIES:
            raise ValueError(f"text search has no strategy {strategy!r} (it has {', '.join(TEXT_STRATEGIES)})")
        # Each group's matchable terms; a term or group repeated ("corridor talks Corridor") counts once.
        unique: dict[tuple, list[search.Resolved]] = {}
        for group in self.search():
            terms = list({r.key: r for r in reversed(group) if r.matchable}.values())[::-1]
            unique.setdefault(tuple(r.key for r in terms), terms)
        groups = list(unique.values())
        if not groups or not all(groups):  # a group with no word in it (only punctuation): nothing matches
            return "SELECT NULL::BIGINT AS article_key WHERE FALSE"
        if strategy != "plain" and not self.text_index:
            raise NotApplicable(f"the {strategy} strategy needs the text index")
        if strategy == "kept":
            return self._kept_text_keys(groups)
        if strategy == "plain":
            prepare_words(self.con, stems=True)
            n = iter(range(1_000_000))
            conditions = " AND ".join("(" + " OR ".join(self._plain_term(r, next(n)) for r in group) + ")"
                                      for group in groups)
            return f"SELECT article_key FROM {_WORD_STRINGS} d WHERE {conditions}"
        return self._postings_keys(groups)

    def _kept_text_keys(self, groups: list[list[search.Resolved]]) -> str:
        """The postings' matching articles as a temporary table of this connection, made on first use in
        this call (a cursor is a connection of its own and makes its own); named by the search, so that a
        later call with the same search replaces it with what the store holds then."""
        key = f"kept text keys {id(self.con)}"
        if key not in self.memo:
            keys = self.sql(self._postings_keys(groups))
            digest = hashlib.sha256(repr((keys.text, keys.bound())).encode()).hexdigest()[:16]
            self.memo[key] = f"text_keys_{digest}"
            self.sql(f"CREATE OR REPLACE TEMP TABLE {self.memo[key]} AS {keys.text}").execute(self.con)
        return f"SELECT article_key FROM {self.memo[key]}"

    def _postings_keys(self, groups: list[list[search.Resolved]]) -> str:
        """SQL of the articles matching every group, from the postings."""
        n = iter(range(1_000_000))
        # The first group's articles kept when in every other group's: semi joins, deduplicated once at the
        # end (an INTERSECT of each group's distinct articles hashes every posting of a common word twice).
        first, *rest = ("SELECT article_key FROM (" + " UNION ALL ".join(self._postings_term(r, next(n)) for r in group)
                        + ")" for group in groups)
        return f"SELECT DISTINCT article_key FROM ({first})" + "".join(
            (" WHERE " if i == 0 else " AND ") + f"article_key IN ({other})" for i, other in enumerate(rest))

    def _plain_term(self, r: search.Resolved, i: int) -> str:
        """Over one article's word strings (`_WORD_STRINGS`): the term occurs in its title or text."""
        if r.kind == "prefix":
            self.params[f"t{i}"] = " " + r.words[0]
            return f"(contains(d.title_words, $t{i}) OR contains(d.text_words, $t{i}))"
        self.params[f"t{i}"] = " " + " ".join(r.stems) + " "
        return f"(contains(d.title_stems, $t{i}) OR contains(d.text_stems, $t{i}))"

    def _postings_term(self, r: search.Resolved, i: int) -> str:
        """SQL selecting the articles with the term, from the postings (a phrase: the articles with all of
        its words, then those where the words' written forms follow each other)."""
        if r.kind == "prefix":
            self.params[f"t{i}"] = r.words[0]
            return (f"SELECT article_key FROM text_postings WHERE termid IN "
                    f"(SELECT termid FROM {FTS_SCHEMA}.dict WHERE starts_with(term, $t{i}))")
        stems = self._stems()
        words = []
        for j, stem in enumerate(dict.fromkeys(r.stems)):
            self.params[f"t{i}_{j}"] = stem
            words.append(f"SELECT article_key FROM text_postings WHERE termid IN "
                         f"(SELECT termid FROM {stems} WHERE stem = $t{i}_{j})")
        having = " INTERSECT ".join(words)
        if r.kind == "word":
            return having
        forms = dict(self.sql(f"SELECT stem, list(term ORDER BY term) FROM {stems} WHERE stem = ANY($stems) "
                              "GROUP BY stem", {"stems": list(r.stems)}).fetchall(self.con))
        if not all(forms.get(stem) for stem in r.stems):
            return "SELECT NULL::BIGINT AS article_key WHERE FALSE"
        # The index's words are its letters and digits between anything else: the phrase is each word in
        # one of its written forms, the next one after a break.
        self.params[f"t{i}"] = (f"(?:^|{_BREAK})" + f"{_BREAK}+".join(
            "(?:" + "|".join(re.escape(form) for form in forms[stem]) + ")" for stem in r.stems) + f"(?:{_BREAK}|$)")
        return (f"SELECT id_key(article_id) AS article_key FROM articles WHERE id_key(article_id) IN ({having}) "
                f"AND (regexp_matches(lower(title), $t{i}) OR regexp_matches(lower(text), $t{i}))")

    def _stems(self) -> str:
        """The index's words with their stems: the table built with the index, or (an index built before
        it existed) the same stems worked out here."""
        if (FTS_SCHEMA, "stems") in self.seen.indexes:
            return store.STEMS_TABLE
        prepare_words(self.con, stems=True)
        return f"(SELECT termid, term, search_stem(term) AS stem FROM {FTS_SCHEMA}.dict)"


# Articles' titles and texts as " word word … " strings, as written and as stems (a term is then found
# with `contains`: a word between spaces, a prefix after one, a phrase's stems in a row).
_WORD_STRINGS = "(SELECT article_key, " + ", ".join(
    f"' ' || array_to_string({words}, ' ') || ' ' AS {field}_{kind}"
    for field in ("title", "text")
    for kind, words in (("words", f"{field}_w"), ("stems", f"list_transform({field}_w, w -> search_stem(w))"))
) + (" FROM (SELECT id_key(article_id) AS article_key, search_words(title) AS title_w, search_words(text) AS text_w "
     "FROM articles))")
_BREAK = r"[^\p{L}\p{N}]"  # a character that is not part of a word (store.text_index.WORD_BREAK)


def resolve(con: duckdb.DuckDBPyConnection, parsed: search.Search,
            stems_table: str | None = None) -> list[list[search.Resolved]]:
    """Each term of a parsed search cut into words and stems by the index's own macros. A word the index
    holds has its stem in `stems_table` (written there by the same macro); only a word it lacks needs the
    stemmer itself, and with it the fts extension (~30 ms to load on every new connection)."""
    if not parsed:
        return []
    prepare_words(con)
    texts = [t.text for t in parsed.terms()]
    words = con.execute("SELECT list_transform($texts, t -> search_words(t))", {"texts": texts}).fetchone()[0]
    every = sorted({w for cut in words for w in cut})
    known = dict(con.execute(f"SELECT term, stem FROM {stems_table} WHERE term = ANY($words)",
                             {"words": every}).fetchall()) if stems_table and every else {}
    missing = [w for w in every if w not in known]
    if missing:
        prepare_words(con, stems=True)
        got = con.execute("SELECT list_transform($words, w -> search_stem(w))", {"words": missing}).fetchone()[0]
        known.update(zip(missing, got))
    cut = iter(zip(parsed.terms(), words))
    return [[search.Resolved(term, tuple(w), tuple(known[x] for x in w)) for term, w in (next(cut) for _ in group)]
            for group in parsed.groups]


_WORDS_READY: weakref.WeakKeyDictionary[duckdb.DuckDBPyConnection, bool] = weakref.WeakKeyDictionary()


def prepare_words(con: duckdb.DuckDBPyConnection, stems: bool = False) -> None:
    """The search's word macros on this connection: `search_words`, and with `stems` also `search_stem`
    (which loads the fts extension, so only searches that need the stemmer itself pay for it)."""
    ready = _WORDS_READY.get(con)
    if stems and not ready:
        store.word_macros(con)
        _WORDS_READY[con] = True
    elif ready is None:
        con.execute(store.SEARCH_WORDS_MACRO)
        _WORDS_READY[con] = False


# The statements that may be about an entity in $about: it is inside one of them, or in their article.
ABOUT_CANDIDATES = ("(SELECT * FROM statements WHERE statement_id IN (SELECT statement_id FROM statement_mentions "
                    "WHERE entity_id = ANY($about)) OR article_id IN (SELECT article_id FROM mentions "
                    "WHERE entity_id = ANY($about)))")


def about(statements: str = "statements") -> str:
    """SQL of (statement_id, entity_id): the entities each of `statements` (a relation with the
    statements table's columns) is about (sql/statements/about.sql)."""
    return fill("statements/about", statements=statements)


def plan_text(scope: Scope) -> str:
    """The postings, kept for the call, wherever the store has a text index (materialised or a view over
    it), else plain."""
    return "kept" if scope.text_index else "plain"


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


def meta_value(con: duckdb.DuckDBPyConnection, key: str) -> str | None:
    """A value of the writers' key/value `meta` table (None when absent)."""
    exists = con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'meta' AND schema_name = 'main'"
                         ).fetchone()[0]
    if not exists:
        return None
    row = con.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
    return row[0] if row else None


def text_matches(con: duckdb.DuckDBPyConnection, q: str, strategy: str | None = None) -> pd.DataFrame:
    """Keys of the articles matching the text search `q` (for comparing the strategies), sorted."""
    scope = Scope.of(con, Filters(q=q))
    scope.text_strategy = strategy
    return scope.sql(f"SELECT article_key FROM ({scope.text_keys()}) ORDER BY article_key").df(con)
