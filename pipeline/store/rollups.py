"""Summary tables ("rollups"): one logical definition each, a table on large stores, a view on small ones.

Each summary table is a model: `models/<name>.sql`, one SELECT (one CTE per step) over the base tables
and other models, with its sort order in a `-- sorted:` header line. What a model reads is parsed out
of its SQL (DuckDB's `json_serialize_sql`), which gives the build order and what a retag rebuilds;
macros the models and queries share (`id_key`, `top_bits`, `snippet`) are in `models/_macros.sql`.

From MIN_ARTICLES articles on, every run ends by materialising them (`rebuild`, called by
`run.finish`) in one transaction, so readers see either the old set or the new one, each table
written sorted so DuckDB's zone maps skip most row groups. Anywhere else (small, fresh or hand-built
stores, or tables left by another version of the models) `bind` gives the reading connection a
temporary view of the same name over the same definition: every query is written once against these
names and returns the same rows either way. Duplicates (`articles.duplicate_of` set) are left out
everywhere, as the queries' counting rules say. None of this is part of the Contract.

After a run that changed a few articles, `update` brings the materialised tables up to date for those
articles only (the `-- upkeep:` line of each model says how): "rows per article" (or per statement
cluster, or per speaker) tables replace the rows of the articles (clusters, speakers) that changed,
recomputed by the model's own SELECT over its inputs narrowed to them; "sums by <columns>" tables
add, per group touched, the changed rows' new contribution less their old one (the same SELECT over
the changed rows of its input, new and old); the "dictionary" (entity_keys) appends entities it has
not seen and never renumbers. Every table then holds what `rebuild` gives (tests/test_upkeep.py).
What makes that cost what the change costs on a 1 M store: articles new since the last upkeep have
no rows yet (the change record says which were stored before), so their rows are appended with
nothing read or deleted; the touched rows of an input are found by a scan of the filtering column
alone and then fetched by row id (a filtered scan reads every column: article texts, quotes); and
an input several models read is narrowed once, a model's own new rows serving the models after it.
"""
from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import re
import time
import weakref
from collections.abc import Iterable
from pathlib import Path

import duckdb

from .db import get_meta, rows_where
from .schema import COLUMNS

# Below this many articles every query reads the base tables in milliseconds, and rebuilding the
# rollups would only slow each run down (a retag of 2,000 pages takes about a second without them).
MIN_ARTICLES = 10_000

MODELS_DIR = Path(__file__).parent / "models"
MACROS = (MODELS_DIR / "_macros.sql").read_text(encoding="utf-8")
APPEND_KEYS = (MODELS_DIR / "_entity_keys_append.sql").read_text(encoding="utf-8")

# Entities (most articles first) that get a bit in article_facts.top_mask: the `top_bits()` macro.
TOP_BITS = int(re.search(r"MACRO top_bits\(\) AS (\d+)", MACROS).group(1))


@dataclasses.dataclass(frozen=True)
class Model:
    """One summary table: its logical SELECT, the columns it is stored sorted by, and the relations
    it reads (base tables and other models; `indexes`: other schemas' tables, e.g. the text index's)."""

    name: str
    sql: str
    sorted_by: str
    reads: frozenset[str]
    indexes: frozenset[tuple[str, str]]
    upkeep: str = "dictionary"  # "rows", "sums" or "dictionary" (the `-- upkeep:` line)
    unit: str = ""  # rows: "article", "cluster" or "speaker"
    groups: tuple[str, ...] = ()  # sums: the grouping columns


def _relations(sql: str) -> tuple[set[str], set[tuple[str, str]]]:
    """Tables a SELECT reads, from DuckDB's parse tree: (names in the default schema, (schema, name)
    pairs elsewhere); the names of its own CTEs are left out."""
    with duckdb.connect() as mem:
        tree = json.loads(mem.execute("SELECT json_serialize_sql(?)", [sql]).fetchone()[0])
    if tree.get("error"):
        raise ValueError(f"cannot parse model SQL: {tree.get('error_message')}")
    tables: set[tuple[str, str]] = set()
    ctes: set[str] = set()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if node.get("type") == "BASE_TABLE":
                tables.add((node.get("schema_name") or "", node["table_name"]))
            for entry in (node.get("cte_map") or {}).get("map", []):
                ctes.add(entry["key"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(tree)
    return {t for s, t in tables if not s and t not in ctes}, {(s, t) for s, t in tables if s}


def _load() -> dict[str, Model]:
    """Every model in build order (each after the models it reads)."""
    found: dict[str, Model] = {}
    for path in sorted(MODELS_DIR.glob("[!_]*.sql")):
        text = path.read_text(encoding="utf-8")
        order = re.search(r"^-- sorted: (.+)$", text, re.M)
        if not order:
            raise ValueError(f"{path.name}: no '-- sorted:' line")
        upkeep = re.search(r"^-- upkeep: (?:rows per (article|cluster|speaker)|sums by (.+)|(dictionary))$", text, re.M)
        if not upkeep:
            raise ValueError(f"{path.name}: no '-- upkeep:' line (rows per article|cluster|speaker, sums by …, dictionary)")
        local, indexes = _relations(text)
        # A full-text index (schema fts_main_<table>) is derived from its table: reading it reads the table.
        reads = local | {s.removeprefix("fts_main_") for s, _ in indexes if s.startswith("fts_main_")}
        unit, groups, _ = upkeep.groups()
        found[path.stem] = Model(path.stem, text, order.group(1).strip(), frozenset(reads), frozenset(indexes),
                                 "rows" if unit else "sums" if groups else "dictionary", unit or "",
                                 tuple(g.strip() for g in (groups or "").split(",") if g.strip()))
    unknown = {f"{m.name} reads {r}" for m in found.values() for r in m.reads if r not in found and r not in COLUMNS}
    if unknown:
        raise ValueError("models read unknown relations: " + ", ".join(sorted(unknown)))
    # A sums table's change is its one changing input's change summed: it reads one other model, and
    # that one is not the dictionary (whose changes are appends no sum follows).
    odd = [m.name for m in found.values() if m.upkeep == "sums" and (not m.reads <= set(found) or len(
        [r for r in m.reads if found[r].upkeep != "dictionary"]) != 1)]
    if odd:
        raise ValueError("sums tables must read exactly one other summary table: " + ", ".join(sorted(odd)))
    ordered: dict[str, Model] = {}
    while len(ordered) < len(found):
        ready = [m for m in found.values() if m.name not in ordered and all(
            r in ordered or r not in found for r in m.reads)]
        if not ready:
            raise ValueError("models read each other in a circle: " + ", ".join(sorted(set(found) - set(ordered))))
        ordered.update((m.name, m) for m in ready)
    return ordered


@dataclasses.dataclass(frozen=True)
class Definitions:
    """The parsed models (`MODELS`, in build order) and what is derived from them: `ROLLUPS` (the
    summary tables every store gets; the others need an index that may be missing: text_postings),
    `READS` (the relations each reads) and `VERSION` (identifies the definitions: summary tables
    built from other definitions are never read)."""

    models: dict[str, Model]
    rollups: dict[str, str]
    reads: dict[str, set[str]]
    version: str
    names: re.Pattern[str]


@functools.cache
def definitions() -> Definitions:
    """The models, parsed on first use: parsing opens DuckDB, which a command that never reads a
    summary table (`--help`, `export`'s argument checks) should not pay for at import."""
    models = _load()
    return Definitions(
        models, {name: m.sql for name, m in models.items() if not m.indexes},
        {name: set(m.reads) for name, m in models.items()},
        hashlib.sha256("\n".join([MACROS, APPEND_KEYS, *(m.sql for m in models.values())]).encode()).hexdigest()[:16],
        re.compile(r"\b(" + "|".join(models) + r")\b"))


_LAZY = {"MODELS": "models", "ROLLUPS": "rollups", "READS": "reads", "VERSION": "version"}


def __getattr__(name: str) -> object:
    """`MODELS`, `ROLLUPS`, `READS` and `VERSION` as module attributes, from `definitions()`."""
    if name in _LAZY:
        return getattr(definitions(), _LAZY[name])
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def models_in(sql: str) -> set[str]:
    """The summary tables a query's SQL names (the known names found in its text)."""
    return set(definitions().names.findall(sql))


_MACRO_CALLS = re.compile(r"\b(" + "|".join(re.findall(r"MACRO (\w+)\(", MACROS)) + r")\(")


def uses_macros(sql: str) -> bool:
    """True when the SQL calls one of the shared macros."""
    return bool(_MACRO_CALLS.search(sql))


@dataclasses.dataclass
class _Session:
    """What this module created on one connection (temporary objects live and die with it)."""

    macros: bool = False
    views: set[str] = dataclasses.field(default_factory=set)


_SESSIONS: weakref.WeakKeyDictionary[duckdb.DuckDBPyConnection, _Session] = weakref.WeakKeyDictionary()


def _session(con: duckdb.DuckDBPyConnection) -> _Session:
    return _SESSIONS.setdefault(con, _Session())


def prepare(con: duckdb.DuckDBPyConnection) -> None:
    """Create the shared macros on this connection (once per connection)."""
    session = _session(con)
    if not session.macros:
        con.execute(MACROS)
        session.macros = True


@dataclasses.dataclass(frozen=True)
class Catalog:
    """What a store has: the summary tables materialised by this version of the models, and the tables
    of the indexes models read ((schema, table) pairs)."""

    materialised: frozenset[str]
    indexes: frozenset[tuple[str, str]]

    def readable(self, model: Model) -> bool:
        """True when every index the model reads exists (text_postings needs the text index)."""
        return model.indexes <= self.indexes


def catalog(con: duckdb.DuckDBPyConnection) -> Catalog:
    """The store's Catalog, read in one query (tables left by another version of the models count as
    missing until the next run rebuilds them)."""
    defs = definitions()
    schemas = sorted({schema for m in defs.models.values() for schema, _ in m.indexes})
    rows = con.execute(
        "SELECT schema_name, table_name FROM duckdb_tables() WHERE NOT temporary AND schema_name = ANY($schemas) "
        "UNION ALL SELECT 'meta', value FROM main.meta WHERE key = 'rollups_version'",
        {"schemas": ["main", *schemas]}).fetchall()
    current = ("meta", defs.version) in rows
    return Catalog(frozenset(t for s, t in rows if s == "main" and t in defs.models and current),
                   frozenset((s, t) for s, t in rows if s not in ("main", "meta")))


def present(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Names of the summary tables materialised in this database by this version of the models."""
    return set(catalog(con).materialised)


def bind(con: duckdb.DuckDBPyConnection, names: Iterable[str], seen: Catalog | None = None,
         macros: bool = False) -> None:
    """Make the named summary tables (and those they read) readable on this connection, given what the
    store has (`seen`, else read now), and the shared macros too when `macros`: each table not
    materialised by this version gets a temporary view of the same name over its definition (which
    shadows a stale table); a materialised one drops such a view."""
    if macros:
        prepare(con)
    wanted = _closure(names)
    if not wanted:
        return
    seen = seen or catalog(con)
    views, models = _session(con).views, definitions().models
    for name in models:  # build order: a view is checked against the relations it reads when created
        if name not in wanted:
            continue
        if name in seen.materialised and name in views:
            con.execute(f"DROP VIEW temp.main.{name}")
            views.discard(name)
        elif name not in seen.materialised and name not in views and seen.readable(models[name]):
            prepare(con)
            con.execute(f"CREATE TEMP VIEW {name} AS {models[name].sql}")
            views.add(name)


def _closure(names: Iterable[str]) -> set[str]:
    out: set[str] = set()
    models = definitions().models
    todo = [n for n in names if n in models]
    while todo:
        name = todo.pop()
        if name not in out:
            out.add(name)
            todo += [r for r in models[name].reads if r in models]
    return out


def rebuild(con: duckdb.DuckDBPyConnection, changed: set[str] | None = None, force: bool = False,
            rerank: bool = False) -> dict[str, float]:
    """Materialise the summary tables from the base tables in one transaction; seconds taken per table.

    With `changed` (the base tables a run rewrote), only the tables reading them, directly or
    through another rebuilt one, are rebuilt, besides any missing one. Without it, all of them.
    A table whose index is missing (text_postings without the text index) is dropped instead.
    The entity keys, a dictionary, keep their numbers and bits (entities not seen before are
    appended) unless `rerank` or they are missing, when they are ranked again.
    A store under MIN_ARTICLES articles gets none (any left from a bigger past are dropped) unless
    `force`."""
    if not force and con.execute("SELECT count(*) FROM articles").fetchone()[0] < MIN_ARTICLES:
        drop(con)
        return {}
    prepare(con)
    _drop_views(con)
    took: dict[str, float] = {}
    seen = catalog(con)
    have = seen.materialised
    if not have:
        changed = None  # none yet, or built by another version: build them all
    stale = set(changed or ())
    con.execute("BEGIN TRANSACTION")
    try:
        for name, model in definitions().models.items():
            buildable = seen.readable(model)
            due = changed is None or bool(model.reads & stale) or (buildable and name not in have)
            if not due:
                continue
            stale.add(name)
            t0 = time.perf_counter()
            if not buildable:
                con.execute(f"DROP TABLE IF EXISTS {name}")
            elif model.upkeep == "dictionary" and name in have and not rerank:
                con.execute(f"INSERT INTO {name} {APPEND_KEYS}")
            else:
                _build(con, model)
            took[name] = time.perf_counter() - t0
        con.execute("INSERT OR REPLACE INTO meta VALUES ('rollups_version', ?)", [definitions().version])
        _note_entities(con)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return took


def complete(con: duckdb.DuckDBPyConnection) -> bool:
    """True when every summary table the store can have is materialised by this version of the models
    (the condition for `update`)."""
    seen = catalog(con)
    readable = {n for n, m in definitions().models.items() if seen.readable(m)}
    return bool(seen.materialised) and seen.materialised == readable


# -- upkeep after a change ---------------------------------------------------------------------------

# A statement's speaker as speaker_counts keys it: its entity, else its speaker key, else the raw name.
SPEAKER = "coalesce(speaker_entity_id, speaker_key, speaker)"

# For each unit of "rows per <unit>" tables: the column naming a row's unit, the temporary table of a
# set of units, and the conditions narrowing an input relation to them. `{p}` is the set's prefix:
# `upkeep_` for the units a change touched (filled by `_touched`), `slice_` for one slice of a sliced
# build (`_SLICE`).
_UNITS = {
    "article": ("article_key", "{p}article_keys", {
        "article_key": "article_key IN (SELECT article_key FROM {p}article_keys)",
        "article_id": "article_id IN (SELECT article_id FROM {p}articles)"}),
    "cluster": ("cid", "{p}clusters", {
        "statements": "coalesce(cluster_id, statement_id) IN (SELECT cid FROM {p}clusters)",
        "statement_mentions": "statement_id IN (SELECT statement_id FROM statements "
                              "WHERE coalesce(cluster_id, statement_id) IN (SELECT cid FROM {p}clusters))",
        "articles": "article_id IN (SELECT article_id FROM main.statements "
                    "WHERE coalesce(cluster_id, statement_id) IN (SELECT cid FROM {p}clusters))",
        **dict.fromkeys(("sentences", "mentions"), "article_id IN (SELECT article_id FROM statements "
                        "WHERE coalesce(cluster_id, statement_id) IN (SELECT cid FROM {p}clusters))")}),
    "speaker": ("key", "{p}speakers", {
        "statements": f"{SPEAKER} IN (SELECT key FROM {{p}}speakers)"}),
}

# A rows-per-unit table built whole on a large store is computed a slice of its units at a time: its
# list aggregates and windows hold every group in memory (article_facts needed 1.2–2 GB at 1 M
# articles, more than a writer's memory limit), a slice only its share. Each slice gets the memory
# limit less SLICE_RESERVE (what statement_facts takes whatever the slice: ~60 MB) at SLICE_ROW_BYTES
# per row of the unit's base table, and at least SLICE_MIN_ROWS rows (`_SLICE`: that table's row
# count, and the statements filling slice $i of $n's units). Each thread of DuckDB holds working memory
# of its own whatever the slice, so a sliced build runs on as many threads as SLICE_THREAD_BYTES each
# fit beside the reserve (at least one): statement_facts under 128 MB ran out of memory now and then
# on 2 threads, always under 112 MB, whatever the number of slices; on one thread it fits in 104 MB.
SLICE_ROW_BYTES, SLICE_RESERVE, SLICE_MIN_ROWS, SLICE_THREAD_BYTES = 4096, 96 * 2**20, 1000, 64 * 2**20
_SLICE = {
    "article": ("SELECT count(*) FROM articles", (
        "CREATE OR REPLACE TEMP TABLE slice_articles (article_id VARCHAR)",
        "INSERT INTO slice_articles SELECT article_id FROM articles WHERE id_key(article_id) % $n = $i",
        "CREATE OR REPLACE TEMP TABLE slice_article_keys AS SELECT id_key(article_id) AS article_key "
        "FROM slice_articles")),
    "cluster": ("SELECT count(*) FROM statements", (
        "CREATE OR REPLACE TEMP TABLE slice_clusters (cid VARCHAR)",
        "INSERT INTO slice_clusters SELECT DISTINCT coalesce(cluster_id, statement_id) FROM statements "
        "WHERE id_key(coalesce(cluster_id, statement_id)) % $n = $i")),
    "speaker": ("SELECT count(*) FROM statements", (
        "CREATE OR REPLACE TEMP TABLE slice_speakers (key VARCHAR)",
        f"INSERT INTO slice_speakers SELECT DISTINCT {SPEAKER} FROM statements "
        f"WHERE {SPEAKER} IS NOT NULL AND hash({SPEAKER}) % $n = $i")),
}
_SIZE_UNITS = {"bytes": 1, "KB": 10**3, "MB": 10**6, "GB": 10**9, "TB": 10**12,
               "KiB": 2**10, "MiB": 2**20, "GiB": 2**30, "TiB": 2**40}


def memory_limit(con: duckdb.DuckDBPyConnection) -> int:
    """The connection's DuckDB memory_limit in bytes (DuckDB shows it as e.g. "488.2 MiB")."""
    value = con.execute("SELECT current_setting('memory_limit')").fetchone()[0]
    number, unit = re.fullmatch(r"([\d.]+)\s*(\w+)", value.strip()).groups()
    return int(float(number) * _SIZE_UNITS[unit])


def slices(con: duckdb.DuckDBPyConnection, model: Model) -> int:
    """How many slices a whole build of the model is computed in (1: at once)."""
    if model.upkeep != "rows":
        return 1
    rows = con.execute(_SLICE[model.unit][0]).fetchone()[0]
    per_slice = max(SLICE_MIN_ROWS, (memory_limit(con) - SLICE_RESERVE) // SLICE_ROW_BYTES)
    return max(1, -(-rows // per_slice))


def _build(con: duckdb.DuckDBPyConnection, model: Model) -> None:
    """The table built whole from its model and written sorted; in slices of units (each the model's
    SELECT over its inputs narrowed to the slice, as `update` narrows them to the touched units,
    staged in a temporary table) when they would not fit the memory limit at once. Sorting spills to disk."""
    name, count = model.name, slices(con, model)
    if count == 1:
        con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM ({model.sql}) ORDER BY {model.sorted_by}")
        return
    staged = f"slice_rows_{name}"
    threads = int(con.execute("SELECT current_setting('threads')").fetchone()[0])
    fit = max(1, (memory_limit(con) - SLICE_RESERVE) // SLICE_THREAD_BYTES)
    con.execute(f"SET threads = {min(threads, fit)}")
    try:
        for i in range(count):
            for sql in _SLICE[model.unit][1]:
                con.execute(sql, {"n": count, "i": i} if "$n" in sql else {})
            select = f"WITH {_narrowed(con, model, 'slice_')} SELECT * FROM ({model.sql})"
            con.execute(f"CREATE OR REPLACE TEMP TABLE {staged} AS {select}" if i == 0 else
                        f"INSERT INTO {staged} {select}")
        con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM {staged} ORDER BY {model.sorted_by}")
    finally:
        con.execute(f"SET threads = {threads}")
    for (table,) in con.execute("SELECT table_name FROM duckdb_tables() WHERE temporary "
                                "AND starts_with(table_name, 'slice_')").fetchall():
        con.execute(f"DROP TABLE temp.main.{table}")


def update(con: duckdb.DuckDBPyConnection, whole: Iterable[str] = ()) -> dict[str, float]:
    """Bring every summary table up to date for what changed since the last upkeep, inside the caller's
    transaction, on a store where they are `complete`; seconds taken per table.

    What changed is in this connection's temporary tables: `upkeep_articles` (article_id: written,
    replaced or removed), `upkeep_removed` (statements removed with them) and `upkeep_statements`
    (statement_id: other statements whose cluster or speaker state moved). `whole`: relations
    rebuilt whole meanwhile (e.g. the text index's tables after a full rebuild): the tables reading
    them are rebuilt whole too. When the entities changed (a new taxonomy), the tables reading them
    follow as well: speaker labels are rebuilt, newcomers get keys."""
    prepare(con)
    _drop_views(con)
    seen = catalog(con)
    whole_set = set(whole) | ({"entities"} if _entities_digest(con) != get_meta(con, "rollups_entities") else set())
    rebuilt: set[str] = set()
    summed = {r for m in definitions().models.values() if m.upkeep == "sums" for r in m.reads}
    _touched(con)
    staged: set[str] = set()
    took: dict[str, float] = {}
    for name, model in definitions().models.items():
        t0 = time.perf_counter()
        if not seen.readable(model):
            con.execute(f"DROP TABLE IF EXISTS {name}")
        elif model.upkeep == "dictionary":
            if _unkeyed(con, rebuilt):
                con.execute(f"INSERT INTO {name} {APPEND_KEYS}")
        elif (model.reads | {schema for schema, _ in model.indexes}) & (whole_set | rebuilt):
            _build(con, model)
            rebuilt.add(name)
        elif model.upkeep == "rows":
            _replace_rows(con, model, name in summed, staged)
        else:
            _add_sums(con, model)
        took[name] = time.perf_counter() - t0
    for (table,) in con.execute("SELECT table_name FROM duckdb_tables() WHERE temporary AND starts_with(table_name, "
                                "'upkeep_') AND table_name NOT IN ('upkeep_articles', 'upkeep_removed', "
                                "'upkeep_statements')").fetchall():
        con.execute(f"DROP TABLE temp.main.{table}")
    _note_entities(con)
    return took


def _unkeyed(con: duckdb.DuckDBPyConnection, rebuilt: set[str]) -> bool:
    """Whether the entity keys' append has anything to add: an entity of the taxonomy, or of the changed
    articles' rows of article_entities (all of them when it was rebuilt whole), without a key. Checked
    first because the append itself reads all of article_entities."""
    changed = "article_entities" if "article_entities" in rebuilt else "upkeep_new_article_entities"
    return con.execute(f"SELECT count(*) FROM (SELECT entity_id FROM entities UNION SELECT entity_id FROM {changed}) "
                       "WHERE entity_id NOT IN (SELECT entity_id FROM entity_keys)").fetchone()[0] > 0


def _entities_digest(con: duckdb.DuckDBPyConnection) -> str:
    """A digest of the entities table (the taxonomy's entities as the last run stored them)."""
    return con.execute("SELECT md5(coalesce(string_agg(concat_ws('|', entity_id, kind, name, type, parent, lat, lon), "
                       "chr(10) ORDER BY entity_id), '')) FROM entities").fetchone()[0]


def _note_entities(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("INSERT OR REPLACE INTO meta VALUES ('rollups_entities', ?)", [_entities_digest(con)])


def _touched(con: duckdb.DuckDBPyConnection) -> None:
    """The units the change touches: articles (keys; `upkeep_replaced_keys`: those stored before, the
    only ones with old rows), statement clusters (their old ids, read from statement_facts before it
    changes, and their new ones) and speakers."""
    changed = ("article_id IN (SELECT article_id FROM upkeep_articles) "
               "OR statement_id IN (SELECT statement_id FROM upkeep_statements)")
    con.execute("CREATE OR REPLACE TEMP TABLE upkeep_article_keys AS SELECT id_key(article_id) AS article_key, "
                "bool_or(replaced) AS replaced FROM upkeep_articles GROUP BY ALL")
    con.execute("CREATE OR REPLACE TEMP TABLE upkeep_replaced_keys AS SELECT article_key FROM upkeep_article_keys "
                "WHERE replaced")
    # Old clusters: those of the replaced articles' and the moved statements' rows (a scan of
    # statement_facts, left out when neither has any).
    old = " OR ".join(condition for table, condition in (
        ("upkeep_replaced_keys", "article_key IN (SELECT article_key FROM upkeep_replaced_keys)"),
        ("upkeep_statements", "statement_id IN (SELECT statement_id FROM upkeep_statements)")) if _any(con, table))
    con.execute(f"""CREATE OR REPLACE TEMP TABLE upkeep_clusters AS
        {f"SELECT cid FROM statement_facts WHERE {old} UNION " if old else ""}
        SELECT coalesce(cluster_id, statement_id) FROM statements WHERE {changed}""")
    con.execute(f"""CREATE OR REPLACE TEMP TABLE upkeep_speakers AS
        SELECT key FROM (SELECT {SPEAKER} AS key FROM statements WHERE {changed}
                         UNION SELECT {SPEAKER} FROM upkeep_removed)
        WHERE key IS NOT NULL""")


def _any(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    """True when a (small, temporary) table has a row."""
    return con.execute(f"SELECT count(*) FROM (SELECT 1 FROM {table} LIMIT 1)").fetchone()[0] > 0


def _columns(con: duckdb.DuckDBPyConnection, relation: str) -> list[tuple[str, str]]:
    """(column, type) of a table of the main schema, in order."""
    return con.execute("SELECT column_name, data_type FROM duckdb_columns() WHERE schema_name = 'main' "
                       "AND table_name = ? AND NOT internal ORDER BY column_index", [relation]).fetchall()


def _narrowed(con: duckdb.DuckDBPyConnection, model: Model, prefix: str, staged: set[str] | None = None) -> str:
    """CTEs shadowing the model's inputs with their rows of the units in the `prefix` temporary tables.

    With `staged` (an upkeep: the touched units are few), the rows are fetched by row id and kept
    for the other models of the same unit, and `staged` names what this upkeep has kept so far: an
    input that is itself a rows-per-unit table of the same unit already brought up to date here has
    its touched rows in upkeep_new_<input>, an input several models of the unit read in
    upkeep_in_<unit>_<input> (so each is scanned once)."""
    _, _, filters = _UNITS[model.unit]
    models = definitions().models
    narrowed = []
    for relation in sorted(model.reads):
        names = {c for c, _ in _columns(con, relation)}
        condition = filters.get(relation) or next((filters[c] for c in ("article_key", "article_id")
                                                   if c in names and c in filters), None)
        if not condition:
            continue
        condition = condition.format(p=prefix)
        if staged is None:
            narrowed.append(f"{relation} AS (SELECT * FROM main.{relation} WHERE {condition})")
            continue
        kept = f"upkeep_new_{relation}" if relation in models and models[relation].unit == model.unit \
            else f"upkeep_in_{model.unit}_{relation}"
        shared = sum(relation in m.reads for m in models.values() if m.unit == model.unit) > 1
        if kept not in staged and shared:
            con.execute(f"CREATE OR REPLACE TEMP TABLE {kept} AS {rows_where(f'main.{relation}', condition)}")
            staged.add(kept)
        narrowed.append(f"{relation} AS ("
                        f"{f'SELECT * FROM {kept}' if kept in staged else rows_where(f'main.{relation}', condition)})")
    return ", ".join(narrowed)


def _replace_rows(con: duckdb.DuckDBPyConnection, model: Model, summed: bool, staged: set[str]) -> None:
    """A rows-per-unit table: the touched units' rows replaced by the model's rows over its inputs
    narrowed to those units (kept as upkeep_new_<name>, and when a sums table reads it (`summed`) the
    old ones as upkeep_old_<name>: reading whole old rows costs a scan of every column). Articles new
    since the last upkeep have no old rows: when no touched article was stored before, nothing is
    read or deleted (each costs a scan of the whole table), the new rows are appended."""
    column, touched, _ = _UNITS[model.unit]
    stored = "upkeep_replaced_keys" if model.unit == "article" else touched.format(p="upkeep_")
    units = f"{column} IN (SELECT {column} FROM {stored})"
    name, old = model.name, _any(con, stored)
    if summed:
        con.execute(f"CREATE OR REPLACE TEMP TABLE upkeep_old_{name} AS "
                    f"{rows_where(f'main.{name}', units) if old else f'SELECT * FROM main.{name} LIMIT 0'}")
    con.execute(f"CREATE OR REPLACE TEMP TABLE upkeep_new_{name} AS WITH {_narrowed(con, model, 'upkeep_', staged)} "
                f"SELECT * FROM ({model.sql})")
    staged.add(f"upkeep_new_{name}")
    if old:
        con.execute(f"DELETE FROM main.{name} WHERE {units}")
    con.execute(f"INSERT INTO main.{name} SELECT * FROM upkeep_new_{name} ORDER BY {model.sorted_by}")


def _add_sums(con: duckdb.DuckDBPyConnection, model: Model) -> None:
    """A sums table: per group touched, its stored values plus the new contribution of its input's
    changed rows less their old one (the model's SELECT over each); groups summing to nothing go."""
    name, groups = model.name, list(model.groups)
    source = next(r for r in model.reads if definitions().models[r].upkeep != "dictionary")
    columns = _columns(con, name)
    values = [(c, t) for c, t in columns if c not in groups]
    keys = ", ".join(groups)

    def contribution(rows: str, sign: str) -> str:
        picked = ", ".join([*groups, *(f"{sign}{c} AS {c}" for c, _ in values)])
        return f"SELECT {picked} FROM (WITH {source} AS (SELECT * FROM {rows}) SELECT * FROM ({model.sql}))"

    match = " AND ".join(f"t.{g} IS NOT DISTINCT FROM g.{g}" for g in groups)
    totals = ", ".join(f"sum({c})::{t} AS {c}" for c, t in values)
    nonzero = " OR ".join(f"sum({c}) <> 0" for c, _ in values)
    for sql in (
        f"CREATE OR REPLACE TEMP TABLE upkeep_delta AS {contribution(f'upkeep_new_{source}', '')} "
        f"UNION ALL {contribution(f'upkeep_old_{source}', '-')}",
        f"CREATE OR REPLACE TEMP TABLE upkeep_groups AS SELECT DISTINCT {keys} FROM upkeep_delta",
        f"CREATE OR REPLACE TEMP TABLE upkeep_old_{name} AS SELECT t.* FROM main.{name} t "
        f"SEMI JOIN upkeep_groups g ON {match}",
        f"CREATE OR REPLACE TEMP TABLE upkeep_new_{name} AS SELECT {keys}, {totals} FROM "
        f"(SELECT {', '.join(c for c, _ in columns)} FROM upkeep_old_{name} UNION ALL "
        f"SELECT {', '.join(c for c, _ in columns)} FROM upkeep_delta) GROUP BY {keys} HAVING {nonzero}",
        f"DELETE FROM main.{name} t USING upkeep_groups g WHERE {match}",
        f"INSERT INTO main.{name} SELECT {', '.join(c for c, _ in columns)} FROM upkeep_new_{name} "
        f"ORDER BY {model.sorted_by}",
    ):
        con.execute(sql)


def drop(con: duckdb.DuckDBPyConnection) -> None:
    """Remove every materialised summary table, of any version (queries then read views)."""
    _drop_views(con)
    rows = con.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' AND NOT temporary "
                       "AND table_name = ANY(?)", [list(definitions().models)]).fetchall()
    for (name,) in rows:
        con.execute(f"DROP TABLE main.{name}")


def _drop_views(con: duckdb.DuckDBPyConnection) -> None:
    """Drop this connection's temporary views of the models (a rebuild reads and writes the tables)."""
    views = _session(con).views
    for name in reversed([n for n in definitions().models if n in views]):
        con.execute(f"DROP VIEW IF EXISTS temp.main.{name}")
    views.clear()
