"""The full-text index over article titles and text (DuckDB's fts extension, loaded offline), and the
word matching the text search shares with it: one tokenizer and one stemmer for index and queries.

The index keeps every word as written (lower case; letters and digits of any alphabet: Latin,
Cyrillic, Armenian, Azerbaijani Latin). Beside it, `fts_main_articles.stems` gives each indexed word
its stem, so a search word matches its other forms: Snowball's English stemmer for words of plain
Latin letters, its Russian stemmer for the rest (it changes Cyrillic words only; Armenian and
Azerbaijani words with their own letters are kept as written, as Snowball has no stemmer for them
that brings their names' case forms together).

`create_fts_index` builds the index whole (`rebuild_text_index`): documents (`docs`: docid, the
article id as `name`, `len` in terms), postings (`terms`: one row per term occurrence and field),
the vocabulary with document frequencies (`dict`) and `stats` (document count, average length),
which its `match_bm25` macro reads. The extension has no incremental update, so `update_text_index`
keeps those four tables and the stems as the build would leave them for the articles that changed:
their old documents and postings go, the new ones are tokenised with the index's own `tokenize`
macro (and stemmer and stopwords) and added, document frequencies, stats and stems follow. Document
and term ids then differ from a fresh build's (they are only join keys); every document's length,
terms and every term's frequency and stem are the same, so scores and matches are too.
"""
from __future__ import annotations

import re
from pathlib import Path

import duckdb

from .db import get_meta, set_meta

SCHEMA = "fts_main_articles"

# What is not part of a word (the fts index's `ignore` pattern and the search's tokenizer).
WORD_BREAK = r"(\.|[^\p{L}\p{N}])+"

# Full-text index over every script the corpus uses: no stemmer or stopwords in the index itself (the
# fts extension takes one language; the stems table below gives each word its own), letters and
# digits of any alphabet kept.
TEXT_INDEX_SQL = (
    "PRAGMA create_fts_index('articles', 'article_id', 'title', 'text', stemmer = 'none', stopwords = 'none', "
    f"ignore = '{WORD_BREAK}', strip_accents = 0, lower = 1, overwrite = 1)"
)
STEMMER = re.search(r"stemmer = '(\w+)'", TEXT_INDEX_SQL).group(1)
# The indexed columns in field order (fieldid 0, 1, …), as create_fts_index numbers them.
FIELDS = ("title", "text")

# The words of a text as the index cuts them (core DuckDB functions only), and a word's stem. `stem`
# is the fts extension's Snowball: a connection using it loads the extension first (`load_fts`).
SEARCH_WORDS_MACRO = f"""
CREATE OR REPLACE TEMP MACRO search_words(s) AS
    list_filter(string_split_regex(regexp_replace(lower(coalesce(s, '')), '{WORD_BREAK}', ' ', 'g'), '\\s+'),
                w -> w <> '');
"""
WORD_MACROS = SEARCH_WORDS_MACRO + """
CREATE OR REPLACE TEMP MACRO search_stem(w) AS
    CASE WHEN regexp_full_match(w, '[a-z0-9]+') THEN stem(w, 'english') ELSE stem(w, 'russian') END;
"""

STEMS_TABLE = "fts_main_articles.stems"
STEMS_SQL = f"CREATE OR REPLACE TABLE {STEMS_TABLE} AS SELECT termid, term, search_stem(term) AS stem " \
            "FROM fts_main_articles.dict ORDER BY stem, termid"


def load_fts(con: duckdb.DuckDBPyConnection) -> None:
    """Load DuckDB's full-text-search extension from the pinned wheel (works offline, without HOME)."""
    import duckdb_extension_fts

    base = Path(duckdb_extension_fts.__file__).parent / "extensions"
    path = next(base.glob("v*/fts.duckdb_extension"))
    con.execute(f"LOAD '{path.as_posix()}'")


def word_macros(con: duckdb.DuckDBPyConnection) -> None:
    """Load the fts extension and create `search_words` and `search_stem` on this connection."""
    load_fts(con)
    con.execute(WORD_MACROS)


def rebuild_text_index(con: duckdb.DuckDBPyConnection) -> None:
    """Rebuild the BM25 index over article titles and text (after runs that stored new articles) and
    its stems table, noting its stemmer in `meta` (searches read it there instead of parsing the
    index's macros)."""
    word_macros(con)
    con.execute(TEXT_INDEX_SQL)
    con.execute(STEMS_SQL)
    set_meta(con, "text_index_stemmer", STEMMER)


def text_index_size(con: duckdb.DuckDBPyConnection) -> int | None:
    """Documents in the text index (None when there is none); it should equal the number of articles."""
    have = con.execute("SELECT count(*) FROM duckdb_tables() WHERE schema_name = ? AND table_name = 'docs'",
                       [SCHEMA]).fetchone()[0]
    return con.execute(f"SELECT count(*) FROM {SCHEMA}.docs").fetchone()[0] if have else None


def update_text_index(con: duckdb.DuckDBPyConnection) -> bool:
    """Bring the index up to date for the articles in the temporary table `upkeep_articles` (written,
    replaced or removed since it was last brought up to date); run inside the upkeep's transaction.
    False, having changed nothing, when there is no index built by TEXT_INDEX_SQL to update (the
    caller then rebuilds it whole)."""
    if text_index_size(con) is None or get_meta(con, "text_index_stemmer") != STEMMER or not con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE schema_name = ? AND table_name = 'stems'",
            [SCHEMA]).fetchone()[0]:
        return False
    word_macros(con)
    term = "w" if STEMMER == "none" else f"stem(w, '{STEMMER}')"
    tokens = " UNION ALL ".join(
        f"SELECT docid, {fieldid} AS fieldid, unnest({SCHEMA}.tokenize({field})) AS w FROM fts_upkeep_docs"
        for fieldid, field in enumerate(FIELDS))
    for sql in (
        # The changed articles' old documents: their postings and document frequencies go.
        f"CREATE OR REPLACE TEMP TABLE fts_upkeep_old AS SELECT docid FROM {SCHEMA}.docs "
        "WHERE name IN (SELECT article_id FROM upkeep_articles)",
        f"CREATE OR REPLACE TEMP TABLE fts_upkeep_df AS SELECT termid, -count(DISTINCT docid) AS n "
        f"FROM {SCHEMA}.terms WHERE docid IN (SELECT docid FROM fts_upkeep_old) GROUP BY termid",
        f"DELETE FROM {SCHEMA}.terms WHERE docid IN (SELECT docid FROM fts_upkeep_old)",
        f"DELETE FROM {SCHEMA}.docs WHERE docid IN (SELECT docid FROM fts_upkeep_old)",
        # Their current versions (none for removed articles) as new documents, tokenised as the index does.
        f"CREATE OR REPLACE TEMP TABLE fts_upkeep_docs AS SELECT "
        f"(SELECT coalesce(max(docid) + 1, 0) FROM {SCHEMA}.docs) + row_number() OVER (ORDER BY article_id) - 1 "
        f"AS docid, article_id AS name, {', '.join(FIELDS)} FROM articles "
        "WHERE article_id IN (SELECT article_id FROM upkeep_articles)",
        f"CREATE OR REPLACE TEMP TABLE fts_upkeep_terms AS SELECT docid, fieldid, {term} AS term FROM ({tokens}) "
        f"WHERE w IS NOT NULL AND len(w) > 0 AND w NOT IN (SELECT sw FROM {SCHEMA}.stopwords)",
        f"INSERT INTO {SCHEMA}.dict SELECT (SELECT coalesce(max(termid) + 1, 0) FROM {SCHEMA}.dict) "
        "+ row_number() OVER (ORDER BY term) - 1, term, 0 FROM (SELECT DISTINCT term FROM fts_upkeep_terms "
        f"WHERE term NOT IN (SELECT term FROM {SCHEMA}.dict))",
        f"INSERT INTO {SCHEMA}.terms SELECT t.docid, t.fieldid, d.termid FROM fts_upkeep_terms t "
        f"JOIN {SCHEMA}.dict d USING (term) ORDER BY t.fieldid, t.docid",
        f"INSERT INTO {SCHEMA}.docs SELECT d.docid, d.name, count(t.term) FROM fts_upkeep_docs d "
        "LEFT JOIN fts_upkeep_terms t USING (docid) GROUP BY d.docid, d.name ORDER BY d.docid",
        "INSERT INTO fts_upkeep_df SELECT d.termid, count(DISTINCT t.docid) FROM fts_upkeep_terms t "
        f"JOIN {SCHEMA}.dict d USING (term) GROUP BY d.termid",
        # Document frequencies and stats as a build computes them.
        f"UPDATE {SCHEMA}.dict SET df = dict.df + c.n FROM (SELECT termid, sum(n) AS n FROM fts_upkeep_df "
        "GROUP BY termid) c WHERE dict.termid = c.termid",
        f"DELETE FROM {STEMS_TABLE} WHERE termid IN (SELECT termid FROM {SCHEMA}.dict WHERE df = 0)",
        f"DELETE FROM {SCHEMA}.dict WHERE df = 0",
        # Words new to the index get their stems (as STEMS_SQL gives them).
        f"INSERT INTO {STEMS_TABLE} SELECT termid, term, search_stem(term) AS stem FROM {SCHEMA}.dict "
        f"WHERE termid NOT IN (SELECT termid FROM {STEMS_TABLE}) ORDER BY stem, termid",
        f"UPDATE {SCHEMA}.stats SET num_docs = d.n, avgdl = d.avgdl FROM (SELECT count(docid) AS n, "
        f"sum(len) / count(len) AS avgdl FROM {SCHEMA}.docs) d",
    ):
        con.execute(sql)
    for table in ("fts_upkeep_old", "fts_upkeep_df", "fts_upkeep_docs", "fts_upkeep_terms"):
        con.execute(f"DROP TABLE temp.main.{table}")
    return True
