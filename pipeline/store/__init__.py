"""Store: the DuckDB file — schema and migrations, short-lived connections, batched bulk writes,
the text index and the summary tables ("rollups": definitions in `models/`, tables on large stores).

Writers open, write one batch in one short transaction and close, so readers (the dashboard) are
never locked out for long. Every table and column of the Contract is in `schema.sql`.
"""
from .db import StoreBusy, StoreError, connect, get_meta, open_store, set_meta
from .reads import article_ids, article_texts, known_articles, statements_for_clustering, stats, stored_mention_digests
from .schema import COLUMNS, DERIVED, SCHEMA, SCHEMA_VERSION, migrate
from .text_index import TEXT_INDEX_SQL, load_fts, rebuild_text_index
from .writes import (
                    add_unknown_sources,
                    finish_run,
                    frame,
                    insert_frame,
                    replace_table,
                    start_run,
                    swap_derived,
                    update_clusters,
                    write_batch,
                    write_parquet,
)

__all__ = [
    "COLUMNS", "DERIVED", "SCHEMA", "SCHEMA_VERSION", "TEXT_INDEX_SQL", "StoreBusy", "StoreError",
    "add_unknown_sources", "article_ids", "article_texts", "connect", "finish_run", "frame", "get_meta",
    "insert_frame", "known_articles", "load_fts", "migrate", "open_store", "rebuild_text_index", "replace_table",
    "set_meta", "start_run", "stats", "statements_for_clustering", "stored_mention_digests", "swap_derived",
    "update_clusters", "write_batch", "write_parquet",
]
