"""pipeline/store/rollups.py: the summary tables hold hand-counted values, and every query returns the
same frame whether it reads them or views over their definitions (the small store of conftest.py)."""
from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pandas as pd
import pytest

from pipeline import store
from pipeline.query import queries
from pipeline.query.filters import Filters
from pipeline.store import rollups

D = dt.date
FILTERS = [
    Filters(),
    Filters(actors=["armenia"]),
    Filters(actors=["armenia", "azerbaijan"], places=["stepanakert"], themes=["theme_blockade"]),
    Filters(q="said no"),
    Filters(q="Said said NO"),
    Filters(q="armenia unheardof"),
    Filters(sources=["azn"]),
    Filters(kinds=["government"], languages=["en"]),
    Filters(start=D(2024, 1, 2), end=D(2024, 1, 8)),
    Filters(start=D(2024, 1, 1), end=D(2024, 1, 31)),
    Filters(end=D(2023, 12, 31)),
    Filters(start=D(2024, 1, 1), actors=["armenia", "azerbaijan"], languages=["en"]),
    Filters(actors=["armenia"], sources=["azn", "indy"]),
    Filters(start=D(2024, 1, 2), actors=["azerbaijan"], q="azerbaijan"),
    Filters(actors=["nobody"]),
    Filters(types=["appeal"], actors=["armenia"]),
]


def _frames(con, f: Filters) -> dict[str, pd.DataFrame]:
    ids = f.entity_ids()
    return {
        "entity_options": queries.entity_options(con, f),
        "speaker_options": queries.speaker_options(con),
        "period_totals": queries.period_totals(con, f, "week"),
        "trend": queries.trend(con, f, ids or ["armenia", "azerbaijan"], "week"),
        "total_trend": queries.total_trend(con, f, "day"),
        "undated_counts": queries.undated_counts(con, f, ["armenia", "ned_price"]),
        "sentences_behind": queries.sentences_behind(con, f, ids, D(2024, 1, 1), D(2024, 1, 8)),
        "combined_daily": queries.combined_daily(con, f),
        "top_entities": queries.top_entities(con, f, "actor"),
        "top_themes_2": queries.top_entities(con, f, "theme", 2),
        "heatmap": queries.actor_theme_heatmap(con, f),
        "heatmap_1x1": queries.actor_theme_heatmap(con, f, 1, 1),
        "co_mentions": queries.co_mentions(con, f),
        "co_mentions_small_pool": queries.co_mentions(con, f, 3, 2),
        "places_map": queries.places_map(con, f),
        "wording": queries.wording(con, f, "armenia", "month"),
        "wording_weekly": queries.wording(con, f, "stepanakert", "week"),
        "statements": queries.statements(con, f),
        "statements_2": queries.statements(con, f, limit=2),
        "statements_by_state_type": queries.statements_by_state_type(con, f, "month"),
        "search_articles": queries.search_articles(con, f),
        "source_coverage": queries.source_coverage(con, f),
    }


@pytest.fixture(params=["substring search", "fts index"])
def pair(plain_and_rolled, request):
    """(connection without rollups, connection with them) over the same fixture store."""
    plain, rolled = plain_and_rolled(text_index=request.param == "fts index")
    a, b = queries.connect_readonly(plain), queries.connect_readonly(rolled)
    yield a, b
    a.close()
    b.close()


def test_rollup_values_counted_by_hand(small_db):
    path = small_db
    with store.open_store(path) as con:
        rollups.rebuild(con, force=True)
        assert rollups.present(con) == set(rollups.ROLLUPS)  # no fts index: no text_postings
        # Armenia: a1, a2, a5 dated + a6 undated (a8 is a duplicate) -> 4 articles, 5 mentions.
        assert con.execute("SELECT sum(articles), sum(mentions) FROM entity_totals "
                           "WHERE entity_id = 'armenia'").fetchone() == (4, 5)
        # Armenia and Azerbaijan together only in a1 (a8, the copy, is left out).
        assert con.execute(
            "SELECT sum(p.articles) FROM entity_pairs p JOIN entity_keys ka ON ka.entity_no = p.no_a "
            "JOIN entity_keys kb ON kb.entity_no = p.no_b "
            "WHERE ka.entity_id = 'armenia' AND kb.entity_id = 'azerbaijan'").fetchone() == (1,)
        # Per month: January's pairs are a1's ten and a3/a4's Azerbaijan–Stepanakert (two articles);
        # February's a9's one; a6, undated, has one entity and no pair.
        assert con.execute("SELECT month, count(*), sum(articles) FROM pair_months GROUP BY month ORDER BY month"
                           ).fetchall() == [(D(2024, 1, 1), 11, 12), (D(2024, 2, 1), 1, 1)]
        # Undated non-duplicate articles: a6, a7; every non-duplicate article has a facts row.
        assert con.execute("SELECT articles FROM day_totals WHERE published IS NULL AND source = 'azn'"
                           ).fetchone() == (1,)
        assert con.execute("SELECT count(*), count(*) FILTER (WHERE len(entity_nos) = 0) "
                           "FROM article_facts").fetchone() == (8, 1)
        assert con.execute("SELECT count(*) FROM statement_facts").fetchone() == (3,)
        # c1 was said on 2023-12-31 and 2024-01-01; s3, undated said, counts in its article's month.
        assert con.execute("SELECT period, state_id, statement_type, statements, reports FROM statement_months "
                           "ORDER BY period").fetchall() == [
            (D(2023, 12, 1), "armenia", "appeal", 1, 1), (D(2024, 1, 1), "armenia", "appeal", 1, 1),
            (D(2024, 2, 1), "united_states", "concern", 1, 1)]
        # 17 mention rows, less a8's two, with a2's two Armenia mentions on one row.
        rollups.rebuild(con, force=True)  # rebuilding replaces, never duplicates
        assert con.execute("SELECT count(*) FROM article_entities").fetchone() == (14,)


def test_rebuild_after_a_change_touches_only_what_reads_it(small_db):
    path = small_db
    with store.open_store(path) as con:
        assert set(rollups.rebuild(con, force=True)) == set(rollups.ROLLUPS) | {"text_postings"}
        assert set(rollups.rebuild(con, {"statements"}, force=True)) == {
            "speaker_counts", "statement_facts", "statement_months", "statement_facets"}
        # New mentions reach every rollup built on them, directly or through another rollup.
        assert set(rollups.rebuild(con, {"mentions"}, force=True)) == {
            "article_entities", "entity_keys", "article_facts", "entity_pairs", "pair_months", "entity_days",
            "entity_totals", "day_totals", "mention_spans", "entity_surfaces", "mention_sentences", "statement_facts", "statement_months",
            "statement_facets"}
        con.execute("DROP TABLE entity_totals")  # a missing rollup is always built
        assert set(rollups.rebuild(con, {"statements"}, force=True)) == {
            "entity_totals", "speaker_counts", "statement_facts", "statement_months", "statement_facets"}
        assert set(rollups.rebuild(con, set(), force=True)) == set()


def test_queries_same_with_and_without_rollups(pair):
    plain, rolled = pair
    for f in FILTERS:
        before, after = _frames(plain, f), _frames(rolled, f)
        for name, frame in before.items():
            pd.testing.assert_frame_equal(frame, after[name], obj=f"{name} {f.to_query_params()}")


def test_sentences_without_stored_bounds_read_the_same(plain_and_rolled):
    # a2's sentences were never stored: a window around the mentions
    plain, rolled = plain_and_rolled("DELETE FROM sentences WHERE article_id = 'a2'")
    frames = []
    for path in (plain, rolled):
        with store.open_store(path, read_only=True) as con:
            frames.append(queries.sentences_behind(con, Filters(), ["armenia"], D(2024, 1, 1), D(2024, 1, 8)))
    pd.testing.assert_frame_equal(*frames)
    assert frames[1].set_index("article_id").loc["a2", "sentence"].iloc[0].startswith("Armenia said no.")


def test_small_stores_get_no_rollups(small_db):
    path = small_db  # 9 articles, far below MIN_ARTICLES
    with store.open_store(path) as con:
        rollups.rebuild(con, force=True)
        assert rollups.present(con)
        assert rollups.rebuild(con) == {}  # what a run does: the stale rollups go, queries read base tables
        assert rollups.present(con) == set()
        assert queries.top_entities(con, Filters(), "actor")["entity_id"].iloc[0] == "armenia"


def test_rollups_of_another_version_are_never_read(small_db):
    path = small_db
    with store.open_store(path) as con:
        rollups.rebuild(con, force=True)
        store.set_meta(con, "rollups_version", "built by older code")
        assert rollups.present(con) == set()  # queries read the base tables meanwhile
        assert queries.top_entities(con, Filters(), "actor")["entity_id"].iloc[0] == "armenia"
        # A retag's partial rebuild rebuilds everything when the version differs.
        assert set(rollups.rebuild(con, {"statements"}, force=True)) == set(rollups.ROLLUPS) | {"text_postings"}
        assert rollups.present(con) == set(rollups.ROLLUPS)


def test_entities_without_a_bit_count_the_same(small_db):
    path = small_db
    with store.open_store(path) as con:
        rollups.rebuild(con, force=True)
        with_bits = [_frames(con, f) for f in FILTERS]
        # Entities beyond rollups.TOP_BITS have no bit: filters test their lists instead of the masks,
        # and the heatmap unnests the entity lists.
        con.execute("UPDATE entity_keys SET top_bit = NULL WHERE entity_id IN ('armenia', 'theme_blockade')")
        for f, frames in zip(FILTERS, with_bits, strict=True):
            for name, frame in _frames(con, f).items():
                pd.testing.assert_frame_equal(frame, frames[name], obj=f"{name} {f.to_query_params()}")
    assert any(len(frames["heatmap"]) for frames in with_bits)


def test_statements_page_counts_clusters_begun_before_the_newest_statements(plain_and_rolled, monkeypatch):
    # Cluster c1 becomes s2 (2023-12-31) and a new report s4 (2024-02-05); s1 stands alone.
    plain, rolled = plain_and_rolled(
        "UPDATE statements SET cluster_id = 's1' WHERE statement_id = 's1'",
        "INSERT INTO statements BY NAME SELECT * REPLACE ('s4' AS statement_id, "
        "DATE '2024-02-05' AS said_on) FROM statements WHERE statement_id = 's2'")
    # The newest 3 statements are s4, s3 (2024-02-01) and s1 (2024-01-01): c1 must still count s2,
    # so it dates from 2023-12-31 and the newest cluster is s3, not c1.
    monkeypatch.setattr(queries, "_PAGE_ROWS", 3)
    frames = []
    for path in (plain, rolled):
        with store.open_store(path, read_only=True) as con:
            frames.append(queries.statements(con, Filters(), limit=1))
            assert frames[-1]["statement_id"].tolist() == ["s3"]
            c1 = queries.statements(con, Filters(), limit=3).set_index("statement_id").loc["s2"]
            assert (c1["reports"], c1["said_on"]) == (2, pd.Timestamp("2023-12-31"))
    pd.testing.assert_frame_equal(*frames)


def test_monthly_statement_counts_count_each_cluster_once(plain_and_rolled):
    # c1 reported again on 2024-01-05: two reports in January
    plain, rolled = plain_and_rolled(
        "INSERT INTO statements BY NAME SELECT * REPLACE ('s4' AS statement_id, "
        "DATE '2024-01-05' AS said_on) FROM statements WHERE statement_id = 's1'")
    frames = []
    for path in (plain, rolled):
        with store.open_store(path, read_only=True) as con:
            frames.append(queries.statements_by_state_type(con, Filters(start=D(2024, 1, 1)), "month"))
    pd.testing.assert_frame_equal(*frames)
    january = frames[1].set_index("period").loc[pd.Timestamp("2024-01-01")]
    assert (january["statements"], january["reports"]) == (1, 2)


def test_what_each_summary_table_reads_comes_from_its_sql():
    assert {
        "article_entities": {"mentions", "articles"},
        "entity_keys": {"entities", "article_entities"},
        "article_facts": {"articles", "article_entities", "entity_keys"},
        "entity_pairs": {"article_facts"},
        "pair_months": {"article_facts", "entity_keys"},
        "entity_days": {"article_entities"},
        "entity_totals": {"entity_days"},
        "day_totals": {"article_facts"},
        "speaker_counts": {"statements", "entities"},
        "mention_spans": {"mentions", "articles", "sentences"},
        "entity_surfaces": {"mention_spans"},
        "mention_sentences": {"mention_spans", "articles"},
        "statement_facts": {"statements", "articles", "statement_mentions", "entity_keys", "entities", "sentences",
                            "mentions"},
        "statement_months": {"statement_facts"},
        "statement_facets": {"statement_facts"},
        "text_postings": {"articles"},  # through the text index over articles
    } == rollups.READS
    order = list(rollups.MODELS)
    assert all(order.index(r) < order.index(name) for name, reads in rollups.READS.items()
               for r in reads if r in rollups.MODELS)  # built after what it reads
    local, other = rollups._relations(
        "WITH kept AS (SELECT * FROM articles), mentions AS (SELECT 1 AS n FROM kept) "
        "SELECT * FROM mentions, unnest([1]) u(x) WHERE n IN (SELECT 1 FROM fts_main_articles.docs)")
    assert (local, other) == ({"articles"}, {("fts_main_articles", "docs")})  # a CTE named like a table is no table


def test_each_table_holds_its_definition(large_stores):
    """Materialised, each summary table holds exactly the rows its definition gives (only sorted)."""
    with store.open_store(large_stores["tables"], read_only=True) as con:
        rollups.prepare(con)
        assert rollups.present(con) == set(rollups.MODELS)
        for name, model in rollups.MODELS.items():
            diff = con.execute(f"SELECT count(*) FROM ((SELECT * FROM ({model.sql}) EXCEPT ALL SELECT * FROM {name}) "
                               f"UNION ALL (SELECT * FROM {name} EXCEPT ALL SELECT * FROM ({model.sql})))").fetchone()
            assert diff == (0,), name
            assert con.execute(f"SELECT count(*) FROM {name}").fetchone()[0] > 0, name


def test_views_stand_in_where_tables_are_missing_or_stale(small_db):
    with store.open_store(small_db) as con:
        expected = queries.entity_options(con, Filters(), "place")  # every summary table a view
        assert rollups.present(con) == set()
        assert {r[0] for r in con.execute("SELECT view_name FROM duckdb_views() WHERE temporary AND NOT internal"
                                          ).fetchall()} == {
            "article_entities"}  # only what the query read
        rollups.rebuild(con, force=True)
        con.execute("DELETE FROM entity_totals")  # what a stale table might hold
        assert queries.entity_options(con, Filters(), "place")["articles"].sum() == 0  # the table is read
        store.set_meta(con, "rollups_version", "built by older code")
        pd.testing.assert_frame_equal(queries.entity_options(con, Filters(), "place"), expected)


def test_the_article_key_is_defined_once():
    root = Path(rollups.__file__).resolve().parent.parent
    found = [p.relative_to(root).as_posix() for p in [*root.rglob("*.sql"), *root.rglob("*.py")]
             if ">> 1" in p.read_text(encoding="utf-8")]
    assert found == ["store/models/_macros.sql"]


def test_a_whole_build_under_a_small_memory_limit_goes_in_slices(tmp_path, monkeypatch):
    """A whole build under a writer memory limit that the list aggregates of all 50,000 statements at
    once exceed (statement_facts ran out of 128 MB, as article_facts did of 512 MB at 1 M articles) is
    computed a slice of units at a time, on as many threads as fit (112 MB: one; two ran out of memory
    whatever the number of slices), and gives the rows of a build made at once with more memory."""
    from benchmarks.queries import Sizes, build
    from pipeline.config import ENV_DUCKDB_MEMORY
    from pipeline.run.repair import differences

    reference = tmp_path / "reference.duckdb"  # its summary tables built at once, under the default 512 MB
    build(reference, Sizes(articles=50_000, mentions=500_000, statements=50_000, sources=20, entities=400,
                           speakers=300, vocabulary=2_000, words=36), log=lambda _: None)
    small = tmp_path / "small.duckdb"
    shutil.copy(reference, small)
    monkeypatch.setenv(ENV_DUCKDB_MEMORY, "112MB")
    with store.open_store(small) as con:
        assert rollups.slices(con, rollups.MODELS["statement_facts"]) > 1
        threads = con.execute("SELECT current_setting('threads')").fetchone()[0]
        rollups.rebuild(con, rerank=True)
        assert con.execute("SELECT current_setting('threads')").fetchone()[0] == threads  # set back
    assert differences(small, reference) == {}
