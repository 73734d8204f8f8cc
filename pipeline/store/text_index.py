"""The full-text index over article titles and text (DuckDB's fts extension, loaded offline), and the
word matching the text search shares with it: one tokenizer and one stemmer for index and queries.

The index keeps every word as written (lower case; letters and digits of any alphabet: Latin,
Cyrillic, Armenian, Azerbaijani Latin). Beside it, `fts_main_articles.stems` gives each indexed word
its stem, so a search word matches its other forms: Snowball's English stemmer for words of plain
Latin letters, its Russian stemmer for the rest (it changes Cyrillic words only; Armenian and
Azerbaijani words with their own letters are kept as written, as Snowball has no stemmer for them
that brings their names' case forms together).
"""
from __future__ import annotations

import re
from pathlib import Path

import duckdb

from .db import set_meta

# What is not part of a word (the fts index's `ignore` pattern and the search's tokenizer).
WORD_BREAK = r"(\.|[^\p{L}\p{N}])+"

# Full-text index over every script the corpus uses: no stemmer or stopwords in the index itself (the
# fts extension takes one language; the stems table below gives each word its own), letters and
# digits of any alphabet kept.
TEXT_INDEX_SQL = (
    "PRAGMA create_fts_index('articles', 'article_id', 'title', 'text', stemmer = 'none', stopwords = 'none', "
    f"ignore = '{WORD_BREAK}', strip_accents = 0, lower = 1, overwrite = 1)"
)

# The words of a text as the index cuts them, and a word's stem. `stem` is the fts extension's
# Snowball: a connection using these loads the extension first (`load_fts`).
WORD_MACROS = f"""
CREATE OR REPLACE TEMP MACRO search_words(s) AS
    list_filter(string_split_regex(regexp_replace(lower(coalesce(s, '')), '{WORD_BREAK}', ' ', 'g'), '\\s+'),
                w -> w <> '');
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
    set_meta(con, "text_index_stemmer", re.search(r"stemmer = '(\w+)'", TEXT_INDEX_SQL).group(1))


def text_index_size(con: duckdb.DuckDBPyConnection) -> int | None:
    """Documents in the text index (None when there is none); it should equal the number of articles."""
    have = con.execute("SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'fts_main_articles' "
                       "AND table_name = 'docs'").fetchone()[0]
    return con.execute("SELECT count(*) FROM fts_main_articles.docs").fetchone()[0] if have else None
