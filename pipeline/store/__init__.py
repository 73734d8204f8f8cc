"""Store: the DuckDB file — schema and migrations, short-lived connections, batched bulk writes,
the text index and the summary tables ("rollups": definitions in `models/`, tables on large stores),
the record of what changed since the last upkeep (`changes`) and the statement data kept across
articles (`statement_upkeep`: speakers' states, clusters).

Writers open, write one batch in one short transaction and close, so readers (the dashboard) are
never locked out for long; a whole run holds the store's run lock (`lock`), so runs never interleave.
Every table and column of the Contract is in `schema.sql`.
"""
from .db import (
                 UPKEEP_PENDING,
                 StoreBusy,
                 StoreError,
                 check_path,
                 clear_upkeep_pending,
                 connect,
                 describe_error,
                 get_meta,
                 is_store_failure,
                 mark_upkeep_pending,
                 open_store,
                 set_meta,
                 upkeep_pending,
)
from .lock import holder as lock_holder
from .lock import lock_path, run_lock
from .reads import article_ids, article_texts, known_articles, stats, stored_mention_digests
from .schema import COLUMNS, DERIVED, SCHEMA, SCHEMA_VERSION, migrate
from .text_index import (
    SEARCH_WORDS_MACRO,
    STEMS_TABLE,
    TEXT_INDEX_SQL,
    load_fts,
    rebuild_text_index,
    text_index_size,
    update_text_index,
    word_macros,
)
from .writes import (
                    add_unknown_sources,
                    delete_articles,
                    finish_run,
                    frame,
                    insert_frame,
                    replace_table,
                    start_run,
                    swap_derived,
                    transaction,
                    write_batch,
                    write_parquet,
)

__all__ = [
    "COLUMNS", "DERIVED", "SCHEMA", "SCHEMA_VERSION", "SEARCH_WORDS_MACRO", "STEMS_TABLE", "TEXT_INDEX_SQL", "UPKEEP_PENDING", "StoreBusy", "StoreError",
    "add_unknown_sources", "article_ids", "article_texts", "check_path", "clear_upkeep_pending", "connect",
    "delete_articles", "describe_error", "finish_run", "frame", "get_meta", "insert_frame", "is_store_failure", "known_articles",
    "load_fts", "lock_holder", "lock_path", "mark_upkeep_pending", "migrate", "open_store", "rebuild_text_index", "replace_table",
    "run_lock", "set_meta", "start_run", "stats", "stored_mention_digests",
    "swap_derived", "text_index_size", "transaction", "update_text_index", "upkeep_pending", "write_batch",
    "word_macros", "write_parquet",
]
