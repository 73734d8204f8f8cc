"""The full-text index over article titles and text (DuckDB's fts extension, loaded offline)."""
from __future__ import annotations

import re
from pathlib import Path

import duckdb

from .db import set_meta

# Full-text index over every script the corpus uses: no stemmer or stopwords (both are English-only),
# letters and digits of any alphabet kept (Cyrillic, Armenian, Azerbaijani Latin).
TEXT_INDEX_SQL = (
    "PRAGMA create_fts_index('articles', 'article_id', 'title', 'text', stemmer = 'none', stopwords = 'none', "
    "ignore = '(\\.|[^\\p{L}\\p{N}])+', strip_accents = 0, lower = 1, overwrite = 1)"
)


def load_fts(con: duckdb.DuckDBPyConnection) -> None:
    """Load DuckDB's full-text-search extension from the pinned wheel (works offline, without HOME)."""
    import duckdb_extension_fts

    base = Path(duckdb_extension_fts.__file__).parent / "extensions"
    path = next(base.glob("v*/fts.duckdb_extension"))
    con.execute(f"LOAD '{path.as_posix()}'")


def rebuild_text_index(con: duckdb.DuckDBPyConnection) -> None:
    """Rebuild the BM25 index over article titles and text (after runs that stored new articles),
    noting its stemmer in `meta` (searches read it there instead of parsing the index's macros)."""
    load_fts(con)
    con.execute(TEXT_INDEX_SQL)
    set_meta(con, "text_index_stemmer", re.search(r"stemmer = '(\w+)'", TEXT_INDEX_SQL).group(1))


def text_index_size(con: duckdb.DuckDBPyConnection) -> int | None:
    """Documents in the text index (None when there is none); it should equal the number of articles."""
    have = con.execute("SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'fts_main_articles' "
                       "AND table_name = 'docs'").fetchone()[0]
    return con.execute("SELECT count(*) FROM fts_main_articles.docs").fetchone()[0] if have else None
