"""Query benchmark: time every pipeline/query/queries.py function on a large, skewed synthetic database.

Generates (once, cached under benchmarks/results/) 1 M articles, 10 M mentions and 1 M statements
directly in DuckDB with SQL: hash-based, so the same sizes give the same rows, and Zipf-like (a few
entities, sources, speakers and words take most of the weight, as in real coverage). Then each query
function runs with a fresh read-only connection per repeat (no application cache) for fixed filter
sets, and the medians/p95s are checked against the targets (median < 250 ms, p95 < 1 s). Run it from
the project folder with the project's Python; `--db` times another database of the same sizes (e.g. a
copy to compare two versions of the code in one session: each rebuilds the summary tables it reads).

    python benchmarks/queries.py                 # build if needed, then time
    python benchmarks/queries.py --rebuild       # regenerate the database first
    python benchmarks/queries.py --articles 100000 --mentions 1000000 --statements 100000
"""
from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import inspect
import json
import logging
import os
import platform
import statistics
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline import store  # noqa: E402
from pipeline.query import queries  # noqa: E402
from pipeline.query.filters import Filters  # noqa: E402
from pipeline.store import rollups  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
TARGET_MEDIAN_MS, TARGET_P95_MS = 250.0, 1000.0
SEED_VERSION = 3  # bump when the generator changes so cached databases are rebuilt

# Core entities of the Contract in the rank order the skew uses (rank 0 is mentioned most).
CORE = [
    ("armenia", "actor", "Armenia", "state", None, 40.18, 44.51),
    ("azerbaijan", "actor", "Azerbaijan", "state", None, 40.41, 49.87),
    ("nagorno_karabakh", "place", "Nagorno-Karabakh", None, "azerbaijan", 39.82, 46.76),
    ("russia", "actor", "Russia", "state", None, 55.75, 37.62),
    ("lachin_corridor", "place", "Lachin corridor", None, "azerbaijan", 39.60, 46.55),
    ("theme_peace_talks", "theme", "Peace talks", None, None, None, None),
    ("united_states", "actor", "United States", "state", None, 38.90, -77.04),
    ("european_union", "actor", "European Union", "organisation", None, 50.85, 4.35),
    ("theme_humanitarian", "theme", "Humanitarian situation", None, None, None, None),
    ("turkey", "actor", "Turkey", "state", None, 39.93, 32.86),
    ("stepanakert", "place", "Stepanakert", None, "nagorno_karabakh", 39.82, 46.75),
    ("iran", "actor", "Iran", "state", None, 35.69, 51.39),
    ("theme_blockade", "theme", "Blockade", None, None, None, None),
    ("antony_blinken", "actor", "Antony Blinken", "official", "united_states", None, None),
    ("us_state_department", "actor", "US State Department", "government body", "united_states", None, None),
    ("osce_minsk_group", "actor", "OSCE Minsk Group", "organisation", None, None, None),
    ("ned_price", "actor", "Ned Price", "official", "us_state_department", None, None),
    ("zangezur_corridor", "place", "Zangezur corridor", None, "armenia", 39.20, 46.40),
    ("theme_energy", "theme", "Energy", None, None, None, None),
]
# Frequent words of the synthetic text (rank order); the rest of the vocabulary is made-up words.
WORDS = ("the of and to in said on a for that minister foreign talks corridor border peace with was "
         "by government statement road ministry as at spokesperson from armenia azerbaijan humanitarian "
         "agreement security president region forces access talks russia week officials called lachin "
         "karabakh aid convoy negotiations ceasefire envoy union energy pipeline blockade").split()
SYLLABLES = "ka ri mo la ne su vi to ar en ol um ex da pe ri zo gu ha li ba ce fi go".split()
SPIKES = ["2020-09-27", "2020-11-10", "2022-09-13", "2022-12-12", "2023-09-19", "2024-04-19"]


@dataclasses.dataclass(frozen=True)
class Sizes:
    articles: int = 1_000_000
    mentions: int = 10_000_000
    statements: int = 1_000_000
    sources: int = 60
    entities: int = 400
    speakers: int = 3_000
    vocabulary: int = 20_000
    words: int = 72  # words per article text (~500 characters)


# ---------------------------------------------------------------------------------------------
# Generation
# ---------------------------------------------------------------------------------------------

def entity_rows(n: int) -> list[tuple]:
    """Entities in skew rank order: the taxonomy's (core ids first) when data/taxonomy.yaml loads,
    else the Contract's core ids plus generated actors, places and themes, `n` in all."""
    rows = [tuple(r) for r in CORE]
    try:
        from pipeline.mentions.taxonomy import load_taxonomy

        tax_rows = load_taxonomy().entity_rows()
    except Exception:  # no taxonomy yet, or a broken one: generated entities serve as well
        tax_rows = []
    seen = {r[0] for r in rows}
    for r in tax_rows:
        if r["entity_id"] not in seen:
            rows.append(tuple(r.get(c) for c in store.COLUMNS["entities"]))
            seen.add(r["entity_id"])
    types = ["state", "official", "government body", "organisation", "armed force", "media"]
    j = 0
    while len(rows) < n:
        kind = ("actor", "actor", "place", "actor", "theme")[j % 5]
        if kind == "place":
            rows.append((f"place_{j:04d}", kind, f"Place {j}", None, None, 38.5 + (j % 40) / 10, 44.0 + (j % 60) / 10))
        elif kind == "theme":
            rows.append((f"theme_gen_{j:04d}", kind, f"Theme {j}", None, None, None, None))
        else:
            rows.append((f"actor_{j:04d}", kind, f"Actor {j}", types[j % len(types)], None, None, None))
        j += 1
    return rows


def _macros(con: duckdb.DuckDBPyConnection) -> None:
    # u(x, salt): a uniform number in [0, 1) from a hash; zipf(u, n): rank 0..n-1 with P(r) ~ 1/(r+1).
    con.execute("CREATE OR REPLACE TEMP MACRO u(x, salt) AS hash(x, salt) / 18446744073709551616.0")
    con.execute("CREATE OR REPLACE TEMP MACRO zipf(p, n) AS "
                "least(greatest(floor(exp(p * ln(n + 1)))::BIGINT - 1, 0), n - 1)")
    con.execute("CREATE OR REPLACE TEMP MACRO aid(i) AS substr(md5('article-' || i::VARCHAR), 1, 20)")


# Reports of one statement, as the pipeline's clustering finds them: one speaker, dates a few days apart,
# two reports per cluster on average (the statements of a speaker within a 3-day window, paired off).
CLUSTERS = """
    UPDATE statements SET cluster_id = c.cid FROM (
        SELECT statement_id, 'c' || hash(speaker, b, r % greatest(n // 2, 1))::VARCHAR AS cid FROM (
            SELECT s.statement_id, s.speaker, b, count(*) OVER w AS n, row_number() OVER (w ORDER BY s.statement_id) AS r
            FROM (SELECT s.*, epoch(coalesce(s.said_on, a.published, DATE '1970-01-01'))::BIGINT // 259200 AS b
                  FROM statements s JOIN articles a USING (article_id)) s
            WINDOW w AS (PARTITION BY s.speaker, b))
    ) c WHERE c.statement_id = statements.statement_id"""


def build(path: Path, sizes: Sizes, log: Callable[[str], None] = print) -> None:
    """Write the synthetic database to `path` (replacing it), then build the text index and rollups."""
    for p in (path, path.with_name(path.name + ".wal")):
        p.unlink(missing_ok=True)
    t0 = time.perf_counter()
    con = store.connect(path)
    _macros(con)

    def step(label: str, sql: str, params: list | None = None) -> None:
        t = time.perf_counter()
        con.execute(sql, params or [])
        log(f"  {label:<22} {time.perf_counter() - t:6.1f} s")

    ents = entity_rows(sizes.entities)
    con.executemany("INSERT INTO entities VALUES (?, ?, ?, ?, ?, ?, ?)", ents)
    con.execute("CREATE TEMP TABLE ranked (r INTEGER, entity_id VARCHAR, name VARCHAR)")
    con.executemany("INSERT INTO ranked VALUES (?, ?, ?)", [(r, e[0], e[2]) for r, e in enumerate(ents)])
    kinds = ["government", "international", "state media", "independent media", "other"]
    countries = ["AM", "AZ", "RU", "US", "TR", "IR", "FR", "GE", None]
    con.executemany("INSERT INTO sources VALUES (?, ?, ?, ?, ?, ?)", [
        (f"source{k:02d}", f"source{k:02d}.example", f"Source {k:02d}", countries[k % len(countries)],
         kinds[k % len(kinds)], None) for k in range(sizes.sources)])
    words = WORDS + [
        "".join(SYLLABLES[(w // len(SYLLABLES) ** d) % len(SYLLABLES)] for d in range(3)) + str(w)
        for w in range(len(WORDS), sizes.vocabulary)]
    con.execute("CREATE TEMP TABLE vocab AS SELECT ?::VARCHAR[] AS v, "
                "(SELECT list(source ORDER BY source) FROM sources) AS srcs", [words])

    step("articles", f"""
        INSERT INTO articles (article_id, url, canonical_url, source, hostname, title, published,
                              date_source, language, text, content_hash, duplicate_of, fetched_at, run_id, genre)
        SELECT aid(i), 'https://' || src || '.example/news/' || aid(i) AS url,
               'https://' || src || '.example/news/' || aid(i), src, src || '.example', title, published,
               CASE WHEN published IS NULL THEN 'none' ELSE 'meta' END, lang, text, md5(text),
               CASE WHEN u(i, 'dup') < 0.01 AND i > 0 THEN aid(i - 1) END,
               TIMESTAMP '2026-07-01' + to_seconds(i), 'bench-' || (i % 20)::VARCHAR,
               CASE WHEN u(i, 'genre') < 0.85 THEN 'news' WHEN u(i, 'genre') < 0.95 THEN 'release'
                    ELSE 'transcript' END
        FROM (
            SELECT i, srcs[1 + zipf(u(i, 'src'), {sizes.sources})] AS src,
                   CASE WHEN u(i, 'undated') < 0.03 THEN NULL
                        WHEN u(i, 'spike') < 0.2 THEN (?::DATE[])[1 + (hash(i, 'which') % {len(SPIKES)})::INT]
                             + (floor(u(i, 'near') * u(i, 'near2') * 21))::INT
                        ELSE DATE '2020-01-01' + floor(sqrt(u(i, 'day')) * 2373)::INT END AS published,
                   CASE WHEN u(i, 'lang') < 0.70 THEN 'en' WHEN u(i, 'lang') < 0.85 THEN 'ru'
                        WHEN u(i, 'lang') < 0.93 THEN 'az' ELSE 'hy' END AS lang,
                   array_to_string(list_transform(range(6), k -> v[1 + zipf(u(i * 7 + k, 'title'), {sizes.vocabulary})]), ' ')
                       AS title,
                   array_to_string(list_transform(range({sizes.words}),
                       k -> v[1 + zipf(u(i * 131 + k, 'word'), {sizes.vocabulary})] || CASE WHEN k % 12 = 11 THEN '.' ELSE '' END),
                       ' ') AS text
            FROM range({sizes.articles}) t(i), vocab
        )""", [SPIKES])
    # Generator index → article id, text length and date, for the mention and statement rows.
    con.execute(f"CREATE TEMP TABLE alen AS SELECT t.i, a.article_id, length(a.text) AS len, a.published "
                f"FROM range({sizes.articles}) t(i) JOIN articles a ON a.article_id = aid(t.i)")
    step("sentences", """
        INSERT INTO sentences SELECT article_id, k, (k * len) // 6, ((k + 1) * len) // 6
        FROM alen, range(6) t(k) ORDER BY alen.i, k""")
    step("mentions", f"""
        INSERT INTO mentions
        SELECT article_id, entity_id, s, s0 + off, s0 + off + length(surface), surface
        FROM (
            SELECT l.article_id, r.entity_id, s, (s * l.len) // 6 AS s0,
                   (hash(j, 'off') % greatest(((s + 1) * l.len) // 6 - (s * l.len) // 6 - 12, 1))::INT AS off,
                   CASE WHEN u(j, 'alias') < 0.2 THEN upper(r.name) ELSE r.name END AS surface, m.ai
            FROM (
                SELECT j, (hash(j, 'art') % {sizes.articles})::BIGINT AS ai,
                       zipf(u(j, 'ent'), {sizes.entities}) AS e, (hash(j, 'sent') % 6)::INT AS s
                FROM range({sizes.mentions}) t(j)
            ) m JOIN alen l ON l.i = m.ai JOIN ranked r ON r.r = m.e
        )
        ORDER BY ai, s0 + off""")
    states = [r[0] for r in ents if r[3] == "state"]
    officials = [r[0] for r in ents if r[3] == "official"]
    types = ["statement", "concern", "appeal", "commit", "welcome", "reject", "condemn", "threat"]
    step("statements", f"""
        INSERT INTO statements (statement_id, article_id, speaker, speaker_role, speaker_entity_id, speaker_state_id,
                                quote, kind, statement_type, cue, char_start, char_end, said_on, cluster_id, speaker_key)
        SELECT substr(md5('statement-' || j::VARCHAR), 1, 16), l.article_id,
               'Speaker ' || sp::VARCHAR, CASE WHEN sp % 3 = 0 THEN 'spokesperson' ELSE 'minister' END,
               CASE WHEN sp < {len(officials)} THEN (?::VARCHAR[])[1 + sp] END,
               (?::VARCHAR[])[1 + zipf(u(sp, 'state'), {len(states)})],
               substr(a.text, 1 + (hash(j, 'q') % 200)::INT, 60 + (hash(j, 'ql') % 120)::INT),
               CASE WHEN u(j, 'kind') < 0.5 THEN 'direct' ELSE 'indirect' END,
               (?::VARCHAR[])[1 + zipf(u(j, 'type'), 8)], 'said',
               0, 60, CASE WHEN u(j, 'said') < 0.7 THEN l.published - (hash(j, 'ago') % 3)::INT END,
               'c' || (hash(j, 'cluster') % {max(sizes.statements * 6 // 10, 1)})::VARCHAR,
               CASE WHEN sp < {len(officials)} THEN 'e:' || (?::VARCHAR[])[1 + sp] ELSE 's:speaker ' || sp::VARCHAR END
        FROM (SELECT j, (hash(j, 'sart') % {sizes.articles})::BIGINT AS ai,
                     zipf(u(j, 'speaker'), {sizes.speakers}) AS sp FROM range({sizes.statements}) t(j)) s
        JOIN alen l ON l.i = s.ai JOIN articles a ON a.article_id = l.article_id
        ORDER BY s.ai""", [officials, states, types, officials])
    step("clusters", CLUSTERS)
    step("statement_mentions", f"""
        INSERT INTO statement_mentions
        SELECT DISTINCT s.statement_id, r.entity_id
        FROM statements s CROSS JOIN range(2) t(k)
        JOIN ranked r ON r.r = zipf(u(hash(s.statement_id), k), {sizes.entities})
        WHERE k = 0 OR hash(s.statement_id, 'two') % 2 = 0""")
    con.execute("""INSERT INTO runs SELECT 'bench-' || k::VARCHAR, TIMESTAMP '2026-07-01' + to_hours(k),
                   TIMESTAMP '2026-07-01' + to_hours(k) + to_minutes(30), ['synthetic'], 50000, 25, 0 FROM range(20) t(k)""")
    con.execute("""INSERT INTO failures SELECT 'bench-' || (k % 20)::VARCHAR, 'https://gone.example/' || k::VARCHAR,
                   'fetch', 'HTTP 404' FROM range(500) t(k)""")
    store.set_meta(con, "bench_params", json.dumps(_params(sizes), sort_keys=True))
    store.set_meta(con, "taxonomy_sha256", "synthetic")
    step("checkpoint", "CHECKPOINT")
    finish(con, log)
    con.close()
    log(f"  built {path} in {time.perf_counter() - t0:.0f} s ({path.stat().st_size / 1e9:.2f} GB)")


def finish(con: duckdb.DuckDBPyConnection, log: Callable[[str], None] = print) -> None:
    """The pipeline's end-of-run upkeep for reads (run.finish): text index, then summary tables."""
    t = time.perf_counter()
    store.rebuild_text_index(con)
    log(f"  {'text index':<22} {time.perf_counter() - t:6.1f} s")
    add_rollups(con, log)


def add_rollups(con: duckdb.DuckDBPyConnection, log: Callable[[str], None] = print) -> None:
    """Build the summary tables the queries read (pipeline/store/rollups.py, as after a run), timing each."""
    for name, seconds in rollups.rebuild(con).items():
        log(f"  rollup {name:<22} {seconds:6.1f} s")
    con.execute("CHECKPOINT")


def _params(sizes: Sizes) -> dict:
    return {**dataclasses.asdict(sizes), "seed_version": SEED_VERSION}


def cached_params(path: Path) -> dict | None:
    """The generator parameters stored in an existing benchmark database, or None."""
    if not path.exists():
        return None
    try:
        with store.open_store(path, read_only=True, wait=1) as con:
            value = store.get_meta(con, "bench_params")
    except (duckdb.Error, store.StoreBusy):
        return None
    return json.loads(value) if value else None


# ---------------------------------------------------------------------------------------------
# Cases
# ---------------------------------------------------------------------------------------------

@dataclasses.dataclass
class Context:
    """Values picked from the generated data once (top entities, a busy week, one article)."""

    top_actor: str
    actors: list[str]
    place: str
    theme: str
    week: dt.date
    article_id: str
    source: str
    state: str
    speaker: str
    text_query: str = "lachin corridor"
    period: tuple[dt.date, dt.date] = (dt.date(2023, 1, 1), dt.date(2023, 12, 31))


def pick_context(path: Path) -> Context:
    with store.open_store(path, read_only=True) as con:
        top = con.execute(
            "SELECT e.kind, m.entity_id, count(*) AS n FROM mentions m JOIN entities e USING (entity_id) "
            "GROUP BY ALL ORDER BY n DESC, m.entity_id").fetchall()
        week = con.execute(
            "SELECT date_trunc('week', published)::DATE AS w FROM articles WHERE published >= DATE '2024-01-01' "
            "GROUP BY w ORDER BY count(*) DESC, w LIMIT 1").fetchone()[0]
        article_id = con.execute(
            "SELECT article_id FROM statements GROUP BY article_id ORDER BY count(*) DESC, article_id LIMIT 1"
        ).fetchone()[0]
        source = con.execute("SELECT source FROM articles GROUP BY source ORDER BY count(*) DESC, source LIMIT 1"
                             ).fetchone()[0]
        state, speaker = (con.execute(
            f"SELECT {col} FROM statements WHERE {col} IS NOT NULL GROUP BY ALL ORDER BY count(*) DESC, 1 LIMIT 1"
        ).fetchone()[0] for col in ("speaker_state_id", "speaker_key"))
    by_kind: dict[str, list[str]] = {}
    for kind, eid, _ in top:
        by_kind.setdefault(kind, []).append(eid)
    return Context(top_actor=by_kind["actor"][0], actors=by_kind["actor"][:2], place=by_kind["place"][0],
                   theme=by_kind["theme"][0], week=week, article_id=article_id, source=source, state=state,
                   speaker=speaker)


def filter_sets(ctx: Context) -> dict[str, Filters]:
    """The fixed filter sets: none (all years), the top actor, three entities plus a theme, a text search,
    a date range alone (one year), a source plus a text search, a theme plus a date range, and the
    statements-only "said by × about" sets (`STATEMENT_SETS`: a state's speakers about a place; one
    speaker's statements of one type within the year)."""
    start, end = ctx.period
    return {
        "none": Filters(),
        "top actor": Filters(actors=[ctx.top_actor]),
        "3 entities + theme": Filters(actors=list(ctx.actors), places=[ctx.place], themes=[ctx.theme]),
        "text search": Filters(q=ctx.text_query),
        "date range": Filters(start=start, end=end),
        "source + text": Filters(sources=[ctx.source], q=ctx.text_query),
        "theme + dates": Filters(themes=[ctx.theme], start=start, end=end),
        "said by × about": Filters(by_states=[ctx.state], about=[ctx.place]),
        "speaker + type + dates": Filters(speakers=[ctx.speaker], types=["concern"], start=start, end=end),
    }


# Sets with statements-only filters: timed on the statement functions (the others ignore those keys).
STATEMENT_SETS = {"said by × about", "speaker + type + dates"}
STATEMENT_CASES = {"statements", "statements_by_state_type", "statements_count", "statements_batches"}


Case = Callable[[duckdb.DuckDBPyConnection, Filters, Context], object]

# name → (call, depends on the filters). Arguments mirror what the dashboard passes.
CASES: dict[str, tuple[Case, bool]] = {
    "data_version": (lambda con, f, c: queries.data_version(con), False),
    "meta_value": (lambda con, f, c: queries.meta_value(con, "taxonomy_sha256"), False),
    "overview": (lambda con, f, c: queries.overview(con), False),
    "entity_options": (lambda con, f, c: queries.entity_options(con, f), True),
    "source_options": (lambda con, f, c: queries.source_options(con), False),
    "language_options": (lambda con, f, c: queries.language_options(con), False),
    "speaker_options": (lambda con, f, c: queries.speaker_options(con), False),
    "statement_type_options": (lambda con, f, c: queries.statement_type_options(con), False),
    "statement_options": (lambda con, f, c: queries.statement_options(con), False),
    "period_totals": (lambda con, f, c: queries.period_totals(con, f, "week"), True),
    "trend": (lambda con, f, c: queries.trend(con, f, f.entity_ids() or [c.top_actor], "week"), True),
    "total_trend": (lambda con, f, c: queries.total_trend(con, f, "week"), True),
    "undated_counts": (lambda con, f, c: queries.undated_counts(con, f), True),
    "sentences_behind": (lambda con, f, c: queries.sentences_behind(
        con, f, f.entity_ids() or [c.top_actor], c.week, c.week + dt.timedelta(days=7)), True),
    "combined_daily": (lambda con, f, c: queries.combined_daily(con, f), True),
    "top_entities": (lambda con, f, c: queries.top_entities(con, f, "actor"), True),
    "actor_theme_heatmap": (lambda con, f, c: queries.actor_theme_heatmap(con, f), True),
    "co_mentions": (lambda con, f, c: queries.co_mentions(con, f), True),
    "places_map": (lambda con, f, c: queries.places_map(con, f), True),
    "wording": (lambda con, f, c: queries.wording(con, f, c.place, "month"), True),
    "statements": (lambda con, f, c: queries.statements(con, f), True),
    "statements_by_state_type": (lambda con, f, c: queries.statements_by_state_type(con, f, "month"), True),
    "search_articles": (lambda con, f, c: queries.search_articles(con, f), True),
    "article": (lambda con, f, c: queries.article(con, c.article_id), False),
    "article_mentions": (lambda con, f, c: queries.article_mentions(con, c.article_id), False),
    "article_statements": (lambda con, f, c: queries.article_statements(con, c.article_id), False),
    "source_coverage": (lambda con, f, c: queries.source_coverage(con, f), True),
    "runs": (lambda con, f, c: queries.runs(con), False),
    "failures": (lambda con, f, c: queries.failures(con), False),
    "run_counts": (lambda con, f, c: queries.run_counts(con), False),
    "feeds": (lambda con, f, c: queries.feeds(con), False),
    # The counts the pages show beside their "All N matching rows" downloads, and the first frame of
    # each download's stream (EXPORT_CASES).
    "statements_count": (lambda con, f, c: queries.statements_count(con, f), True),
    "sentences_count": (lambda con, f, c: queries.sentences_count(
        con, f, f.entity_ids() or [c.top_actor], c.week, c.week + dt.timedelta(days=7)), True),
    "statements_batches": (lambda con, f, c: next(iter(queries.statements_batches(con, f)), None), True),
    "search_articles_batches": (lambda con, f, c: next(iter(queries.search_articles_batches(con, f)), None), True),
    "sentences_behind_batches": (lambda con, f, c: next(iter(queries.sentences_behind_batches(
        con, f, f.entity_ids() or [c.top_actor], c.week, c.week + dt.timedelta(days=7))), None), True),
    "log_batches": (lambda con, f, c: next(iter(queries.log_batches(con, "failures")), None), False),
}
NOT_QUERIES = {"connect_readonly", "load_fts", "has_text_index", "period_end"}
# Streams behind a click on "All N matching rows": no page waits for them, and the file takes far longer
# than its first frame (benchmarks/export.py times whole exports), so they are timed and shown but not
# held to the page targets.
EXPORT_CASES = {"statements_batches", "search_articles_batches", "sentences_behind_batches", "log_batches"}


def uncovered() -> list[str]:
    """Public query functions of pipeline/query/queries.py that no case times (new ones show up here)."""
    names = [n for n, fn in inspect.getmembers(queries, inspect.isfunction)
             if fn.__module__ == queries.__name__ and not n.startswith("_")]
    return sorted(set(names) - set(CASES) - NOT_QUERIES)


class Plans(logging.Handler):
    """Collects the strategies the query planners choose (logged by pipeline.query.queries at DEBUG)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.chosen: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.chosen.append(record.getMessage())


def time_case(path: Path, case: Case, f: Filters, ctx: Context, repeats: int, limit_s: float) -> dict:
    """Run one case `repeats` times, each on a fresh read-only connection; stop early when a run
    exceeds `limit_s` (it is interrupted and reported as a timeout). `plans`: the strategies chosen."""
    plans = Plans()
    planner_log = logging.getLogger(queries.__name__)
    planner_log.addHandler(plans)
    planner_log.setLevel(logging.DEBUG)
    try:
        cell = _time_runs(path, case, f, ctx, repeats, limit_s)
    finally:
        planner_log.removeHandler(plans)
    return {**cell, "plans": sorted(set(plans.chosen))}


def _time_runs(path: Path, case: Case, f: Filters, ctx: Context, repeats: int, limit_s: float) -> dict:
    times, connects, rows = [], [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        con = queries.connect_readonly(path)
        connects.append((time.perf_counter() - t0) * 1000)
        timer = threading.Timer(limit_s, con.interrupt)
        try:
            timer.start()
            t1 = time.perf_counter()
            out = case(con, f, ctx)
            times.append((time.perf_counter() - t1) * 1000)
            rows = len(out) if hasattr(out, "__len__") and not isinstance(out, str) else 1
        except duckdb.InterruptException:
            return {"timeout_s": limit_s, "runs": len(times)}
        finally:
            timer.cancel()
            con.close()
        if times[-1] > limit_s * 1000 / 4:
            break  # slow enough already; more repeats would only take long
    return {"median_ms": statistics.median(times), "p95_ms": float(np.percentile(times, 95)),
            "min_ms": min(times), "runs": len(times), "rows": rows,
            "connect_ms": statistics.median(connects)}


def profile_case(path: Path, case: Case, f: Filters, ctx: Context, out: Path) -> list[dict]:
    """Run a case once with DuckDB's JSON profiler on; the last statement's (the main query's)
    three most expensive operators: operator, ms, rows, details."""
    con = queries.connect_readonly(path)
    try:
        con.execute("PRAGMA enable_profiling = 'json'")
        con.execute(f"PRAGMA profiling_output = '{out.as_posix()}'")
        case(con, f, ctx)
    finally:
        con.close()
    ops: list[dict] = []

    def walk(node: dict) -> None:
        if "operator_type" in node:
            info = node.get("extra_info") or {}
            detail = "; ".join(f"{k}: {str(v)[:80]}" for k, v in info.items()
                               if k in ("Table", "Conditions", "Join Type", "Filters", "Aggregates", "Groups"))
            ops.append({"operator": node["operator_type"], "ms": round(node.get("operator_timing", 0) * 1000, 1),
                        "rows": node.get("operator_cardinality"), "detail": detail})
        for child in node.get("children", []):
            walk(child)

    walk(json.loads(out.read_text()))
    return sorted(ops, key=lambda o: -o["ms"])[:3]


def verdict(cell: dict, name: str = "") -> str:
    """"ok", "SLOW" or "TIMEOUT" against the page targets; "export" for EXPORT_CASES (not held to them)."""
    if "timeout_s" in cell:
        return "TIMEOUT"
    if name in EXPORT_CASES:
        return "export"
    return "ok" if cell["median_ms"] < TARGET_MEDIAN_MS and cell["p95_ms"] < TARGET_P95_MS else "SLOW"


def missed(cell: dict, name: str) -> bool:
    """Whether a cell misses the page targets (a slow or interrupted page query; downloads never do)."""
    return verdict(cell, name) in ("SLOW", "TIMEOUT")


def machine_speed() -> float:
    """Milliseconds for a fixed CPU-bound DuckDB query (best of 3): this machine's speed right now.
    Shared cores drift by tens of percent between runs; comparing this figure tells a slower
    machine from a slower query."""
    times = []
    with duckdb.connect() as con:
        for _ in range(3):
            t0 = time.perf_counter()
            con.execute("SELECT sum(hash(i) % 1000), count(DISTINCT i % 100000) FROM range(20000000) t(i)").fetchall()
            times.append((time.perf_counter() - t0) * 1000)
    return min(times)


def markdown(results: dict, sets: list[str], meta: dict) -> str:
    """Results as a Markdown table: one row per function, median/p95 per filter set."""
    lines = [f"# Query benchmark ({meta['when']})", "",
             f"Database: {meta['sizes']} — {meta['db_gb']:.2f} GB; {meta['machine']}; "
             f"{meta['repeats']} repeats, fresh read-only connection each; load average (1/5/15 min) "
             f"{meta['load_before']} before, {meta['load_after']} after (other processes share the cores); "
             f"reference query {meta['speed_before']:.0f} ms before, {meta['speed_after']:.0f} ms after "
             "(`machine_speed`: compare it across runs before comparing their figures).",
             f"Targets: median < {TARGET_MEDIAN_MS:.0f} ms, p95 < {TARGET_P95_MS:.0f} ms.", "",
             "| function | " + " | ".join(f"{s} (median / p95 ms)" for s in sets) + " |",
             "|---|" + "---|" * len(sets)]
    for name, cells in results.items():
        out = []
        for s in sets:
            cell = cells.get(s)
            if cell is None:
                out.append("—")
            elif "timeout_s" in cell:
                out.append(f"**timeout > {cell['timeout_s']:.0f} s**")
            else:
                text = f"{cell['median_ms']:.0f} / {cell['p95_ms']:.0f}"
                out.append(f"**{text}**" if missed(cell, name) else text)
        label = f"{name} (download, first frame)" if name in EXPORT_CASES else name
        lines.append(f"| {label} | " + " | ".join(out) + " |")
    slow = [(n, s) for n, cells in results.items() for s, c in cells.items() if missed(c, n)]
    lines += ["", f"Slow cells: {len(slow)}" + ("" if not slow else ": " + ", ".join(f"{n} [{s}]" for n, s in slow))]
    profiled = [(n, s_, c) for n, cells in results.items() for s_, c in cells.items() if c.get("profile")]
    if profiled:
        lines += ["", "Costliest operators of the slow cells (one profiled run each), after the strategies chosen:", ""]
        for name, set_name, cell in profiled:
            ops = cell["profile"]
            lines.append(f"- {name} [{set_name}] ({', '.join(cell.get('plans', [])) or 'no plan'}): " + "; ".join(
                f"{o['operator']} {o['ms']:.0f} ms, {o['rows']:,} rows ({o['detail']})" if o["detail"]
                else f"{o['operator']} {o['ms']:.0f} ms, {o['rows']:,} rows" for o in ops))
    if meta["uncovered"]:
        lines.append(f"Not benchmarked (new functions): {', '.join(meta['uncovered'])}")
    lines.append(f"Connection open (median): {meta['connect_ms']:.0f} ms (not included above).")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=None, help="benchmark database (default: benchmarks/results/)")
    parser.add_argument("--rebuild", action="store_true", help="regenerate the database even if cached")
    parser.add_argument("--articles", type=int, default=Sizes.articles)
    parser.add_argument("--mentions", type=int, default=Sizes.mentions)
    parser.add_argument("--statements", type=int, default=Sizes.statements)
    parser.add_argument("--repeats", type=int, default=10, help="timed runs per function and filter set")
    parser.add_argument("--limit", type=float, default=30.0, help="seconds before one run is interrupted")
    parser.add_argument("--rollups", action="store_true", help="rebuild the rollups of a cached database")
    parser.add_argument("--only", action="append", default=[], metavar="FUNCTION", help="time only these")
    parser.add_argument("--profile", action="store_true",
                        help="also profile each slow cell once and list its three costliest operators")
    args = parser.parse_args(argv)

    sizes = Sizes(articles=args.articles, mentions=args.mentions, statements=args.statements)
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = args.db or RESULTS / f"queries_a{sizes.articles}_m{sizes.mentions}_s{sizes.statements}.duckdb"
    if args.rebuild or cached_params(path) != _params(sizes):
        print(f"generating {path} …", flush=True)
        build(path, sizes)
    else:
        print(f"using cached {path} (--rebuild to regenerate)")
        with store.open_store(path, read_only=True) as con:
            missing = set(rollups.ROLLUPS) - rollups.present(con)
        if missing or args.rollups:
            print(f"building rollups ({', '.join(sorted(missing)) or 'requested'}) …", flush=True)
            with store.open_store(path) as con:
                add_rollups(con)
    ctx = pick_context(path)
    sets = filter_sets(ctx)
    print("filter sets: " + "; ".join(f"{k}: {v.to_query_params() or 'all years'}" for k, v in sets.items()))
    print(f"drill-down week {ctx.week}, wording entity {ctx.place}, article {ctx.article_id}\n")

    load_before = [round(x, 2) for x in os.getloadavg()]
    speed_before = machine_speed()
    names = [n for n in CASES if not args.only or n in args.only]
    results: dict[str, dict[str, dict]] = {}
    header = f"{'function':<26}" + "".join(f"{s:>22}" for s in sets)
    print(header + "\n" + "-" * len(header))
    connects = []
    for name in names:
        case, filtered = CASES[name]
        results[name] = {}
        row = f"{name:<26}"
        for set_name, f in sets.items():
            if (not filtered and set_name != "none") or (set_name in STATEMENT_SETS and name not in STATEMENT_CASES):
                row += f"{'—':>22}"
                continue
            cell = time_case(path, case, f, ctx, args.repeats, args.limit)
            if args.profile and verdict(cell, name) == "SLOW":
                cell["profile"] = profile_case(path, case, f, ctx, RESULTS / "profile.json")
            results[name][set_name] = cell
            connects.append(cell.get("connect_ms", 0.0))
            text = (f"timeout>{cell['timeout_s']:.0f}s" if "timeout_s" in cell
                    else f"{cell['median_ms']:.0f}/{cell['p95_ms']:.0f}")
            mark = " !" if missed(cell, name) else ""
            row += f"{text + mark:>22}"
        print(row, flush=True)

    meta = {"when": dt.datetime.now().isoformat(timespec="seconds"), "sizes": _params(sizes),
            "load_before": load_before, "load_after": [round(x, 2) for x in os.getloadavg()],
            "speed_before": speed_before, "speed_after": machine_speed(),
            "db": str(path), "db_gb": path.stat().st_size / 1e9, "repeats": args.repeats,
            "machine": f"{platform.machine()}, {_cores()} cores, duckdb {duckdb.__version__}",
            "context": {k: str(v) for k, v in dataclasses.asdict(ctx).items()},
            "filter_sets": {k: v.to_query_params() for k, v in sets.items()},
            "uncovered": uncovered(), "connect_ms": statistics.median(connects) if connects else 0.0}
    md = markdown(results, list(sets), meta)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    (RESULTS / f"queries-{stamp}.json").write_text(json.dumps({"meta": meta, "results": results}, indent=2))
    (RESULTS / "queries.md").write_text(md)
    print("\n" + md.split("\n\n")[-1])
    print(f"results: {RESULTS / 'queries.md'} and queries-{stamp}.json")
    slow = [1 for n, cells in results.items() for c in cells.values() if missed(c, n)]
    return 1 if slow else 0


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


if __name__ == "__main__":
    sys.exit(main())
