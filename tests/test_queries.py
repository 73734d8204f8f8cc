"""pipeline/query/queries.py against the small store built row by row (`build_small_db` in conftest.py,
whose docstring gives its calendar; the dashboard tests read it too), with numbers counted by hand;
and every named strategy, forced, against the plain one on the generated store (`large_stores`).
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import shutil

import pandas as pd
import pytest

from pipeline import store
from pipeline.query import queries, search, where
from pipeline.query.filters import Filters
from pipeline.query.templates import Sql, fill
from pipeline.store import rollups
from tests.conftest import build_said_db, rolled_copy

D = dt.date


@pytest.fixture(params=["derived", "table", "rollups"])
def con(small_db, request):
    """The fixture store, read-only: with every summary table a view, only article_entities
    materialised, or all of them (the queries' fast paths must give the same numbers)."""
    path = small_db
    if request.param == "table":
        with store.open_store(path) as writer:
            rollups.rebuild(writer, force=True)
            for name in set(rollups.MODELS) - {"article_entities"}:
                writer.execute(f"DROP TABLE IF EXISTS {name}")
    elif request.param == "rollups":
        with store.open_store(path) as writer:
            rollups.rebuild(writer, force=True)
    connection = queries.connect_readonly(path)
    yield connection
    connection.close()


def test_weekly_trend_counts_distinct_articles_weeks_start_monday(con):
    df = queries.trend(con, Filters(actors=["armenia"]), gran="week")
    assert [d.date().isoformat() for d in df["period"]] == [
        "2024-01-01", "2024-01-08", "2024-01-15", "2024-01-22", "2024-01-29"]
    assert all(pd.Timestamp(d).weekday() == 0 for d in df["period"])
    assert df["articles"].tolist() == [2, 0, 1, 0, 0]
    assert df["mentions"].tolist() == [3, 0, 1, 0, 0]
    assert df["total_articles"].tolist() == [3, 1, 1, 0, 1]
    assert df["share"].iloc[0] == pytest.approx(2 / 3)
    assert df["share"].iloc[2] == pytest.approx(1.0)
    assert pd.isna(df["share"].iloc[3])  # no dated article that week: share undefined


def test_trend_two_entities_monthly_and_source_filter(con):
    df = queries.trend(con, Filters(), ["azerbaijan", "armenia"], gran="month")
    assert df["entity_id"].tolist() == ["azerbaijan", "azerbaijan", "armenia", "armenia"]
    assert df["articles"].tolist() == [3, 0, 3, 0]
    assert df["total_articles"].tolist() == [5, 1, 5, 1]
    only_azn = queries.trend(con, Filters(sources=["azn"]), ["armenia"], gran="month")
    assert only_azn["articles"].tolist() == [1, 0] or only_azn["articles"].tolist() == [1]
    assert only_azn["total_articles"].iloc[0] == 2  # a2 and a4
    by_kind = queries.trend(con, Filters(kinds=["independent media"]), ["armenia"], gran="month")
    assert by_kind["articles"].tolist() == [1] and by_kind["total_articles"].tolist() == [2]


def test_text_search_narrows_numerator_not_denominator(con):
    df = queries.trend(con, Filters(q="SAID NO"), ["armenia"], gran="month")
    assert df["articles"].tolist() == [1, 0]
    assert df["total_articles"].tolist() == [5, 1]


def test_day_trend_and_date_range(con):
    df = queries.trend(con, Filters(start=D(2024, 1, 2), end=D(2024, 1, 8)), ["azerbaijan"], gran="day")
    assert df["period"].iloc[0] == pd.Timestamp("2024-01-02")
    assert len(df) == 7
    assert df["articles"].sum() == 2  # a3 (7th), a4 (8th); a1 on the 1st is outside
    assert df["total_articles"].tolist() == [0, 1, 0, 0, 0, 1, 1]


def test_undated_counted_apart(con):
    df = queries.undated_counts(con, Filters(actors=["armenia", "azerbaijan"]))
    assert df["entity_id"].tolist()[1:] == ["armenia", "azerbaijan"]
    assert pd.isna(df["entity_id"].iloc[0])
    assert df["articles"].tolist() == [2, 1, 0]
    assert queries.undated_counts(con, Filters(sources=["gov"]))["articles"].tolist() == [1]


def test_combined_daily_layout(con):
    df = queries.combined_daily(con, Filters(start=D(2024, 1, 1), end=D(2024, 1, 3)),
                                ["armenia", "azerbaijan"])
    assert list(df.columns) == ["date", "total_articles", "armenia_articles", "armenia_share",
                                "azerbaijan_articles", "azerbaijan_share"]
    assert df["total_articles"].tolist() == [1, 0, 1]
    assert df["armenia_articles"].tolist() == [1, 0, 1]
    assert df["azerbaijan_articles"].tolist() == [1, 0, 0]
    assert df["armenia_share"].iloc[0] == 1.0
    plain = queries.combined_daily(con, Filters(start=D(2024, 1, 1), end=D(2024, 1, 3)), [])
    assert list(plain.columns) == ["date", "total_articles"]


def test_sentences_behind_a_point_with_offsets(con):
    df = queries.sentences_behind(con, Filters(), ["azerbaijan"], D(2024, 1, 1), D(2024, 1, 8))
    assert df["article_id"].tolist() == ["a3", "a1"]
    row = df.iloc[1]
    assert row["sentence"] == "Azerbaijan kept the Lachin corridor under blockade."
    assert list(row["hl_starts"]) == [0] and list(row["hl_ends"]) == [10]
    assert row["url"] == "https://gov.example/a1" and row["source"] == "gov"
    two = queries.sentences_behind(con, Filters(), ["armenia"], D(2024, 1, 3), D(2024, 1, 4))
    assert two["sentence"].tolist() == ["Armenia said no.", "Armenia said yes."]


def test_top_entities_heatmap_comentions_map(con):
    top = queries.top_entities(con, Filters(), "actor")
    assert top["entity_id"].tolist()[:2] == ["armenia", "azerbaijan"]
    assert top["articles"].tolist()[:2] == [4, 3]  # armenia: a1 a2 a5 a6 (a8 is a duplicate)
    heat = queries.actor_theme_heatmap(con, Filters())
    cells = {(r.actor_id, r.theme_id): r.articles for r in heat.itertuples()}
    assert cells == {("armenia", "theme_peace_talks"): 1, ("armenia", "theme_blockade"): 1,
                     ("azerbaijan", "theme_peace_talks"): 1, ("azerbaijan", "theme_blockade"): 1,
                     ("ned_price", "theme_blockade"): 1}
    pairs = queries.co_mentions(con, Filters(actors=["stepanakert"]))
    assert {(r.entity_a, r.entity_b, r.articles) for r in pairs.itertuples()} == {
        ("stepanakert", "azerbaijan", 2)}
    places = queries.places_map(con, Filters())
    assert places.set_index("entity_id")["mentions"].to_dict() == {"stepanakert": 2, "lachin_corridor": 1}
    assert places.set_index("entity_id")["lat"]["stepanakert"] == pytest.approx(39.8153)


@pytest.mark.parametrize("f, cells, pool", [
    # Whole months (January and February): every dated article, as over all dates.
    (Filters(start=D(2024, 1, 1), end=D(2024, 2, 29)),
     {("armenia", "theme_peace_talks"): 1, ("armenia", "theme_blockade"): 1, ("azerbaijan", "theme_peace_talks"): 1,
      ("azerbaijan", "theme_blockade"): 1, ("ned_price", "theme_blockade"): 1}, 12),
    # No whole month inside (7 Jan to 1 Feb): a3, a4, a5, a9 from the articles alone.
    (Filters(start=D(2024, 1, 5), end=D(2024, 2, 1)), {("ned_price", "theme_blockade"): 1},
     {("azerbaijan", "stepanakert", 2), ("ned_price", "theme_blockade", 1)}),
    # January cut (from the 2nd: a1 out, a8 a duplicate), February whole.
    (Filters(start=D(2024, 1, 2), end=D(2024, 2, 29)), {("ned_price", "theme_blockade"): 1},
     {("azerbaijan", "stepanakert", 2), ("ned_price", "theme_blockade", 1)}),
    # Open start, January cut at its first day: a1 only.
    (Filters(end=D(2024, 1, 1)),
     {("armenia", "theme_peace_talks"): 1, ("armenia", "theme_blockade"): 1, ("azerbaijan", "theme_peace_talks"): 1,
      ("azerbaijan", "theme_blockade"): 1}, 10),
])
def test_per_month_pair_counts_under_a_date_range(con, f, cells, pool):
    """The pair_months strategy (whole months from the per-month pair counts, the days of a month the
    range cuts from the articles) forced against the plain path: heatmap cells and co-mentions as counted
    by hand (every entity here has a top bit)."""
    heatmap, co = queries.PLANNED["actor_theme_heatmap"], queries.PLANNED["co_mentions"]
    forced = heatmap.run(con, "pair_months", f)
    pd.testing.assert_frame_equal(forced, heatmap.run(con, "plain", f))
    assert {(r.actor_id, r.theme_id): r.articles for r in forced.itertuples()} == cells
    pairs = co.run(con, "pair_months", f)
    pd.testing.assert_frame_equal(pairs, co.run(con, "plain", f))
    found = {(r.entity_a, r.entity_b, r.articles) for r in pairs.itertuples()}
    assert found == pool if isinstance(pool, set) else len(found) == pool
    for other in (dataclasses.replace(f, places=["stepanakert"]), dataclasses.replace(f, sources=["gov"])):
        with pytest.raises(queries.NotApplicable):  # pairs with any entity; no counts per source
            co.run(con, "pair_months", other)


@pytest.mark.parametrize("f", [Filters(actors=["azerbaijan"]), Filters(actors=["azerbaijan"], sources=["gov", "indy"]),
                               Filters(actors=["azerbaijan"], start=D(2024, 1, 1), end=D(2024, 1, 31)),
                               Filters(actors=["azerbaijan"], start=D(2024, 1, 2))])
def test_heatmap_complement_is_the_pair_counts_less_the_failing_articles(con, f):
    """The heatmap's complement strategy forced against the plain path: Azerbaijan passes a1, a3 and a4;
    only a1 mentions a theme, and a1 is dropped from 2 January on."""
    heatmap = queries.PLANNED["actor_theme_heatmap"]
    forced = heatmap.run(con, "complement", f)
    pd.testing.assert_frame_equal(forced, heatmap.run(con, "plain", f))
    a1 = {("armenia", "theme_peace_talks"): 1, ("armenia", "theme_blockade"): 1,
          ("azerbaijan", "theme_peace_talks"): 1, ("azerbaijan", "theme_blockade"): 1}
    assert {(r.actor_id, r.theme_id): r.articles for r in forced.itertuples()} == ({} if f.start == D(2024, 1, 2) else a1)
    with pytest.raises(queries.NotApplicable):  # per-month pair counts hold no sources
        heatmap.run(con, "complement", dataclasses.replace(f, sources=["gov"], start=D(2024, 1, 1)))


def test_wording_by_source(con):
    df = queries.wording(con, Filters(), "stepanakert", gran="month")
    assert {(r.source, r.surface, r.mentions) for r in df.itertuples()} == {
        ("indy", "Stepanakert", 1), ("azn", "Ханкенди", 1)}


def test_statements_clusters_and_filters(con):
    df = queries.statements(con, Filters())
    assert df["statement_id"].tolist() == ["s3", "s2"]  # cluster c1 shows its earliest statement, s2
    first = df.set_index("statement_id")
    assert first.loc["s2", "reports"] == 2
    assert first.loc["s2", "said_on"] == pd.Timestamp("2023-12-31")
    assert sorted(first.loc["s2", "sources"]) == ["azn", "gov"]
    assert first.loc["s3", "said_on"] == pd.Timestamp("2024-02-01")  # falls back to the publication date
    assert queries.statements(con, Filters(speakers=["ned_price"]))["statement_id"].tolist() == ["s3"]
    assert queries.statements(con, Filters(speakers=["Armenian spokesperson"]))["reports"].tolist() == [2]
    assert queries.statements(con, Filters(types=["concern"]))["statement_id"].tolist() == ["s3"]
    # An article filter picks the statements' articles: a1 mentions peace talks (a2, where s2 was said, does not).
    assert queries.statements(con, Filters(themes=["theme_peace_talks"]))["statement_id"].tolist() == ["s1"]
    # About: s2's quote names peace talks (statement_mentions), s3's sentence the blockade.
    assert queries.statements(con, Filters(about=["theme_peace_talks"]))["statement_id"].tolist() == ["s2"]
    assert queries.statements(con, Filters(about=["theme_blockade"], by_states=["united_states"]))[
        "statement_id"].tolist() == ["s3"]
    assert queries.statements(con, Filters(about=["ned_price"]))["statement_id"].tolist() == []  # its own speaker
    # Only statements passing the filters stand for their cluster: s1 alone is from a government source.
    gov = queries.statements(con, Filters(kinds=["government"], speakers=["Armenian spokesperson"]))
    assert gov[["statement_id", "reports"]].values.tolist() == [["s1", 1]]


@pytest.fixture(params=["derived", "rollups"])
def said(request, tmp_path):
    """The "said by" × "about" store (conftest.build_said_db), read-only, with every summary table a view
    or all of them materialised."""
    path = build_said_db(tmp_path / "said.duckdb")
    if request.param == "rollups":
        path = rolled_copy(path)
    with queries.connect_readonly(path) as connection:
        yield connection


def _ids(con, **filters) -> list[str]:
    return queries.statements(con, Filters(**filters))["statement_id"].tolist()


def test_said_by_state_and_about_are_anded(said):
    """US on Lachin: the US statements about the corridor, not the union of US and Lachin statements
    (build_said_db's docstring counts them)."""
    us_on_lachin = queries.statements(said, Filters(by_states=["united_states"], about=["lachin_corridor"]))
    assert us_on_lachin[["statement_id", "said_on", "reports"]].values.tolist() == [
        ["r3", pd.Timestamp("2023-06-15"), 1], ["n1", pd.Timestamp("2023-02-03"), 1],
        ["r1", pd.Timestamp("2023-02-01"), 2], ["t1", pd.Timestamp("2023-01-10"), 1]]
    assert us_on_lachin["genre"].tolist() == ["release", "news", "release", "transcript"]
    assert us_on_lachin["about"].map(list).tolist() == [["Lachin corridor"]] * 4
    assert sorted(us_on_lachin.set_index("statement_id").loc["r1", "sources"]) == ["state_dept", "wire"]
    # One key's values are OR-ed; the article filters (any entity mentioned) keep their meaning.
    assert _ids(said, about=["lachin_corridor"]) == ["r3", "n5", "n1", "n2", "r1", "t1"]
    assert _ids(said, by_states=["united_states", "russia"], about=["lachin_corridor"]) == ["r3", "n1", "n2", "r1", "t1"]
    assert _ids(said, actors=["united_states"], places=["lachin_corridor"]) == [
        "r3", "n5", "n1", "n2", "r1", "r2", "t1", "t2"]  # every statement of b1, b2, b3, b4, b6, b8
    # The speaker's own side (itself, its parents, its state) is who, never what: r1–r3 name the US.
    assert _ids(said, about=["united_states"]) == ["n5"]
    assert _ids(said, about=["antony_blinken"]) == [] and _ids(said, about=["us_state_department"]) == []
    # Dates bound the date said: the cluster r1 then stands on its report n3 alone.
    dated = queries.statements(said, Filters(by_states=["united_states"], about=["lachin_corridor"],
                                             start=D(2023, 2, 2)))
    assert dated[["statement_id", "reports"]].values.tolist() == [["r3", 1], ["n3", 1], ["n1", 1]]
    grid = queries.statements_by_state_type(said, Filters(by_states=["united_states"], about=["lachin_corridor"]))
    assert grid[["period", "statement_type", "statements", "reports"]].astype({"period": str}).values.tolist() == [
        ["2023-01-01", "appeal", 1, 1], ["2023-02-01", "appeal", 1, 1], ["2023-02-01", "concern", 1, 2],
        ["2023-06-01", "welcome", 1, 1]]


def test_said_by_speaker_type_genre_and_speaker_keys(said):
    assert _ids(said, speaker_types=["person"]) == ["n4"]
    assert _ids(said, speaker_types=["other"]) == ["n5"]
    assert _ids(said, speaker_types=["official"], genres=["news"]) == ["n1"]
    assert _ids(said, speaker_types=["government body"]) == ["r3", "n2", "r1", "r2"]
    assert _ids(said, genres=["transcript"]) == ["t1", "t2"]
    assert _ids(said, genres=["release"], types=["welcome", "commit"]) == ["r3", "r2"]
    # A speaker is its entity id, its speaker key or its name as written.
    assert _ids(said, speakers=["p:krnwtlw:k"]) == _ids(said, speakers=["Karen Whitlow"]) == ["n4"]
    assert _ids(said, speakers=["ned_price"]) == ["t1", "t2"]
    options = queries.statement_options(said)
    counts = {(r.facet, r.value): r.statements for r in options.itertuples()}
    assert counts[("by_state", "united_states")] == 8  # n6 is in a duplicate article
    assert counts[("genre", "news")] == 5 and counts[("genre", "release")] == 3
    assert counts[("speaker_type", "person")] == 1 and counts[("about", "lachin_corridor")] == 7  # n3 too
    assert ("about", "united_states") in counts and counts[("about", "united_states")] == 1
    assert options.set_index(["facet", "value"]).loc[("about", "lachin_corridor"), "kind"] == "place"
    run = queries.PLANNED["statement_options"].run
    pd.testing.assert_frame_equal(run(said, "facets"), run(said, "plain"))  # per-value counts (a view here)
    speakers = queries.speaker_options(said).set_index("key")
    assert speakers.loc["p:krnwtlw:k", "label"] == "Karen Whitlow" and speakers.loc["antony_blinken", "statements"] == 2


def test_statements_page_is_exact_when_the_newest_statements_do_not_settle_it(con, monkeypatch):
    expected = {n: queries.statements(con, Filters(), limit=n) for n in (1, 2)}
    # Grouping only the clusters of the newest statement (limit 1) or two (limit 2) cannot tell
    # whether an older cluster starts later than those, so the query groups every cluster instead.
    monkeypatch.setattr(queries, "_PAGE_ROWS", 1)
    for n, frame in expected.items():
        pd.testing.assert_frame_equal(queries.statements(con, Filters(), limit=n), frame)
    assert expected[1]["statement_id"].tolist() == ["s3"]
    grid = queries.statements_by_state_type(con, Filters(), gran="month")
    rows = {(r.period.date().isoformat(), r.state_id, r.statement_type): (r.statements, r.reports)
            for r in grid.itertuples()}
    assert rows == {("2023-12-01", "armenia", "appeal"): (1, 1), ("2024-01-01", "armenia", "appeal"): (1, 1),
                    ("2024-02-01", "united_states", "concern"): (1, 1)}


def test_search_articles_and_reader(con):
    found = queries.search_articles(con, Filters(q="script"))
    assert found["article_id"].tolist() == ["a5"]
    everything = queries.search_articles(con, Filters())
    assert everything["article_id"].tolist()[-2:] == ["a6", "a7"]  # undated last
    assert everything["total"].iloc[0] == 8  # duplicate a8 left out
    assert queries.search_articles(con, Filters(q="100%"))["article_id"].tolist() == []
    dated = queries.search_articles(con, Filters(start=D(2024, 1, 1)))
    assert "a6" not in dated["article_id"].tolist()
    art = queries.article(con, "a5")
    assert art["text"].iloc[0].startswith("Armenia <script>") and art["source_name"].iloc[0] == "Indy Wire"
    assert queries.article_mentions(con, "a2")["char_start"].tolist() == [0, 17]
    assert queries.article_statements(con, "a9")["speaker"].tolist() == ["Ned Price"]


def test_sources_runs_failures_options(con):
    cov = queries.source_coverage(con, Filters()).set_index("source")
    assert cov.loc["gov", "articles"] == 3 and cov.loc["gov", "undated"] == 1
    assert cov.loc["azn", "first_date"] == pd.Timestamp("2024-01-03")
    assert cov.loc["azn", "last_date"] == pd.Timestamp("2024-01-08")
    assert cov.loc["azn", "languages"] == "en, ru"
    assert queries.runs(con)["run_id"].tolist() == ["r1"]
    assert queries.failures(con)["error"].tolist() == ["HTTP 404"]
    opts = queries.entity_options(con, Filters(), "place").set_index("entity_id")["articles"].to_dict()
    assert opts == {"stepanakert": 2, "lachin_corridor": 1}
    assert queries.source_options(con)["source"].tolist() == ["azn", "gov", "indy"]  # 3, 3 (tie by key), 2
    assert queries.speaker_options(con)["key"].tolist()[0] == "Armenian spokesperson"
    assert queries.data_version(con) == "r1:a9:m17:s3"
    assert queries.meta_value(con, "taxonomy_sha256") is None
    assert queries.overview(con)["undated"].iloc[0] == 2


def test_text_index_is_used_when_present(small_db):
    path = small_db
    with store.open_store(path) as con:
        store.rebuild_text_index(con)
    with queries.connect_readonly(path) as con:
        assert queries.has_text_index(con)
        assert where.plan_text(where.Scope.of(con, Filters(q="x"))) == "kept"
        assert queries.search_articles(con, Filters(q="Ханкенди"))["article_id"].tolist() == ["a4"]
        assert queries.search_articles(con, Filters(q="armenia said"))["article_id"].tolist() == ["a5", "a2"]



def _fts_loaded(con) -> bool:
    return con.execute("SELECT loaded FROM duckdb_extensions() WHERE extension_name = 'fts'").fetchone()[0]


def test_a_search_for_indexed_words_takes_their_stems_from_the_index(small_db):
    """Words the index holds get their stems from its stems table: the stemmer (the fts extension, ~30 ms
    to load per connection) is loaded only for a word the index lacks, which still finds its other forms."""
    with store.open_store(small_db) as con:
        store.rebuild_text_index(con)
        indexed = {t for (t,) in con.execute(f"SELECT term FROM {store.STEMS_TABLE}").fetchall()}
    assert {"armenia", "said", "talks"} <= indexed and "talk" not in indexed
    with queries.connect_readonly(small_db) as con:
        assert queries.search_articles(con, Filters(q="Armenia said"))["article_id"].tolist() == ["a5", "a2"]
        assert queries.statements(con, Filters(q="Armenia said")).shape[0] > 0
        assert not _fts_loaded(con)
        assert queries.search_articles(con, Filters(q="talk"))["article_id"].tolist() == ["a1"]  # talks, stem talk
        assert _fts_loaded(con)

# Searches on the small store, counted by hand from SMALL_ARTICLES (a8, a copy of a1, is never listed).
SEARCHES = {
    "talk": ["a1"],                             # "talks" in a1's title and text: one stem
    "calls": ["a1"],                            # "called", "call": stem call
    "Armenia said": ["a5", "a2"],
    "said no": ["a2"],
    "Arm*": ["a5", "a2", "a1", "a6"],           # every word starting with arm (newest first, undated last)
    "Stepanakert OR Ханкенди": ["a4", "a3"],
    "Ханкенди OR Stepanakert flags": ["a3"],    # (Ханкенди or Stepanakert) and flags
    '"peace talks"': ["a1"],
    '"talks peace"': [],
    "talks peace": ["a1"],
    '"Lachin corridor" blockade': ["a1"],
    "peace-talks": ["a1"],                      # a word with a hyphen is the phrase of its parts
    "школы": ["a4"],                            # Russian stem: школу, школы
    "Азербайджана": ["a4"],
    "Ханкенди*": ["a4"],
    "100%": [],
    "...": [],
}


@pytest.mark.parametrize("q", list(SEARCHES))
def test_search_syntax_counted_by_hand(q, small_db):
    """Words in any form, prefixes, phrases and OR, on the plain path (no index) and on the postings of
    an index built by this version (stems table) and by an older one (stems worked out per search)."""
    with queries.connect_readonly(small_db) as con:
        assert queries.search_articles(con, Filters(q=q))["article_id"].tolist() == SEARCHES[q], "plain"
    older = small_db.with_name("older.duckdb")
    shutil.copy(small_db, older)
    with store.open_store(older) as con:
        store.load_fts(con)
        con.execute(store.TEXT_INDEX_SQL)
    with store.open_store(small_db) as con:
        store.rebuild_text_index(con)
    for path in (small_db, older):
        with queries.connect_readonly(path) as con:
            assert where.plan_text(where.Scope.of(con, Filters(q=q))) == "kept"
            assert queries.search_articles(con, Filters(q=q))["article_id"].tolist() == SEARCHES[q], path.name


def test_search_is_parsed_and_explained():
    parsed = search.parse('Stepanakert OR Khankendi "Lachin corridor" Лачин* blockade OR')
    assert [[t.shown() for t in g] for g in parsed.groups] == [
        ["Stepanakert", "Khankendi"], ["“Lachin corridor”"], ["Лачин*"], ["blockade"]]
    assert parsed.describe() == ("“Stepanakert” in any form or “Khankendi” in any form; and the phrase "
                                 "“Lachin corridor”; and words starting with “Лачин”; and “blockade” in any form")
    assert search.parse("Лачин").prefix_suggestion() == "Лачин*"
    assert search.parse('"Lachin corridor"').prefix_suggestion() is None
    assert search.parse("«Лачинский коридор» OR Лачин").prefix_suggestion() == "“Лачинский коридор” OR Лачин*"
    assert [t.kind for t in search.parse('a* "unclosed phrase').terms()] == ["word", "phrase"]
    assert search.parse("a*").notes and search.parse('"x* y"').notes
    assert not search.parse(" OR  ")


def test_filters_round_trip_through_query_params():
    f = Filters(start=D(2024, 1, 1), end=D(2024, 2, 1), actors=["armenia", "azerbaijan"],
                themes=["theme_blockade"], sources=["gov"], kinds=["state media"], countries=["AZ"],
                speakers=["Ned Price"], types=["appeal"], languages=["ru"], q="Lachin corridor",
                by_states=["united_states"], speaker_types=["official", "government body"], genres=["release"],
                about=["lachin_corridor"])
    params = f.to_query_params()
    assert params["from"] == "2024-01-01" and params["actor"] == ["armenia", "azerbaijan"]
    assert params["by_state"] == ["united_states"] and params["about"] == ["lachin_corridor"]
    assert params["speaker_type"] == ["official", "government body"] and params["genre"] == ["release"]
    assert Filters.from_query_params(params) == f
    assert Filters.from_query_params({"from": "yesterday", "actor": "armenia", "gran": "day"}) == Filters(
        actors=["armenia"])
    assert Filters().to_query_params() == {}


def test_lists_are_parameters_not_sql(con):
    hostile = "x') OR 1=1 --"
    assert queries.search_articles(con, Filters(sources=[hostile]))["article_id"].tolist() == []
    assert queries.trend(con, Filters(), [hostile], gran="month")["articles"].sum() == 0


def test_bad_granularity_is_refused(con):
    with pytest.raises(ValueError):
        queries.trend(con, Filters(), ["armenia"], gran="year")


# ---------------------------------------------------------------------------------------------
# Every named strategy, forced, against the plain one on the generated store (conftest.py)
# ---------------------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Picks:
    """Entities, a source, a speaker and a week of the generated store that reach every strategy."""

    top: str        # in most articles (over half: the complement strategy)
    second: str
    place: str
    theme: str
    rare: str       # an actor without a top bit (list tests, the 63-bit packed key)
    high_bit: str   # top_bit >= 100: with `top`, a packed key spanning more than 63 bits (HUGEINT)
    no_bits: list[str]  # 64 entities, one without a top bit: more than a BIGINT key packs
    source: str
    speaker: str
    week: dt.date
    state: str      # the speaker state with most statements
    about: str      # what that state's statements are most about
    rare_about: str  # an entity statements are about that has no top bit (list tests)


@pytest.fixture(scope="module")
def picks(large_stores) -> Picks:
    with queries.connect_readonly(large_stores["tables"]) as con:
        def one(sql: str) -> str:
            return con.execute(sql).fetchone()[0]
        counted = ("SELECT k.entity_id, e.kind, k.top_bit, count(*) AS n FROM entity_keys k JOIN entities e USING "
                   "(entity_id) JOIN article_entities x USING (entity_id) GROUP BY ALL")
        actors = [r[0] for r in con.execute(f"SELECT entity_id FROM ({counted}) WHERE kind = 'actor' "
                                            "ORDER BY n DESC, entity_id").fetchall()]
        no_bits = [r[0] for r in con.execute(f"SELECT entity_id FROM ({counted}) ORDER BY n DESC, entity_id "
                                             "LIMIT 64 OFFSET 100").fetchall()]
        return Picks(
            top=actors[0], second=actors[1],
            place=one(f"SELECT entity_id FROM ({counted}) WHERE kind = 'place' ORDER BY n DESC LIMIT 1"),
            theme=one(f"SELECT entity_id FROM ({counted}) WHERE kind = 'theme' ORDER BY n DESC LIMIT 1"),
            rare=one(f"SELECT entity_id FROM ({counted}) WHERE kind = 'actor' AND top_bit IS NULL "
                     "ORDER BY n DESC LIMIT 1"),
            high_bit=one(f"SELECT entity_id FROM ({counted}) WHERE top_bit >= 100 ORDER BY top_bit LIMIT 1"),
            no_bits=no_bits,
            source=one("SELECT source FROM articles GROUP BY source ORDER BY count(*) DESC, source LIMIT 1 OFFSET 1"),
            speaker=one("SELECT speaker FROM statements GROUP BY speaker ORDER BY count(*) DESC LIMIT 1"),
            week=one("SELECT date_trunc('week', published)::DATE AS w FROM articles WHERE published >= DATE "
                     "'2024-01-01' GROUP BY w ORDER BY count(*) DESC, w LIMIT 1"),
            state=(state := one("SELECT speaker_state_id FROM statements GROUP BY ALL ORDER BY count(*) DESC LIMIT 1")),
            about=con.execute("SELECT e FROM (SELECT unnest(about_entities) AS e FROM statement_facts WHERE "
                              "speaker_state_id = ?) GROUP BY e ORDER BY count(*) DESC, e LIMIT 1", [state]).fetchone()[0],
            rare_about=one("SELECT e FROM (SELECT unnest(about_entities) AS e FROM statement_facts) JOIN entity_keys k "
                           "ON k.entity_id = e WHERE k.top_bit IS NULL GROUP BY e ORDER BY count(*) DESC, e LIMIT 1"))


def large_filters(p: Picks) -> list[Filters]:
    return [
        Filters(),
        Filters(actors=[p.top]),
        Filters(actors=[p.top, p.second], places=[p.place], themes=[p.theme]),
        Filters(actors=[p.rare]),
        Filters(actors=[p.top, p.high_bit], languages=["en", "ru"]),
        Filters(actors=p.no_bits),
        Filters(q="corridor talks"),
        Filters(q="peace", actors=[p.second], start=D(2022, 1, 1)),
        Filters(sources=[p.source], languages=["en"]),
        Filters(kinds=["government", "state media"], countries=["AM", "RU", "AZ"]),
        Filters(start=D(2023, 1, 1), end=D(2023, 12, 31)),
        Filters(start=D(2023, 3, 15), end=D(2024, 2, 10), actors=[p.theme]),
        Filters(speakers=[p.speaker], types=["statement", "concern"]),
        Filters(types=["appeal"], actors=[p.second, p.rare], end=D(2024, 6, 30)),
        Filters(by_states=[p.state], about=[p.about]),
        Filters(themes=[p.theme], start=D(2023, 1, 1), end=D(2023, 6, 30)),
        Filters(start=D(2021, 5, 17), end=D(2022, 1, 9)),  # months cut on both sides (pair_months)
        Filters(start=D(2022, 9, 3), end=D(2022, 9, 25)),  # no whole month inside
        Filters(start=D(2022, 1, 1), languages=["en", "ru"]),  # dates and a language: the per-article lists
        Filters(actors=[p.rare, p.top], languages=["en"], start=D(2021, 1, 1)),
        Filters(about=[p.rare_about, p.place], by_states=[p.state, "russia"], genres=["news", "release"]),
        Filters(speaker_types=["official"], genres=["transcript"], start=D(2022, 6, 1)),
        Filters(about=[p.about], speakers=[p.speaker], q="talks"),
    ]


# query → argument lists after (con, strategy, filters), as the dashboard and the exports pass them
def large_calls(p: Picks) -> dict[str, list]:
    week = (p.week, p.week + dt.timedelta(days=7))
    return {
        "entity_options": [lambda f: (f,), lambda f: (f, "theme")],
        "speaker_options": [lambda f: (), lambda f: (5,)],
        "statement_options": [lambda f: ()],
        "period_totals": [lambda f: (f, "week"), lambda f: (f, "month")],
        "trend": [lambda f: (f, f.entity_ids() or [p.top, p.rare], "week"), lambda f: (f, [p.theme], "day")],
        "total_trend": [lambda f: (f, "month")],
        "undated_counts": [lambda f: (f, f.entity_ids() or [p.top, p.rare])],
        "sentences_behind": [lambda f: (f, f.entity_ids() or [p.top], *week, 60), lambda f: (f, [], *week, 500)],
        "top_entities": [lambda f: (f, "actor"), lambda f: (f, "theme", 5)],
        "places_map": [lambda f: (f,)],
        "actor_theme_heatmap": [lambda f: (f,), lambda f: (f, 3, 2), lambda f: (f, 121, 12)],
        "co_mentions": [lambda f: (f,), lambda f: (f, 10, 6)],
        "wording": [lambda f: (f, p.place, "month"), lambda f: (f, p.top, "week")],
        "statements": [lambda f: (f, 20), lambda f: (f, 1)],
        "statements_count": [lambda f: (f,)],
        "statements_by_state_type": [lambda f: (f, "month"), lambda f: (f, "week")],
        "search_articles": [lambda f: (f, 20), lambda f: (f, 10, 15)],
        "source_coverage": [lambda f: (f,)],
    }


# The log name each planned query's planner writes its choice under.
PLAN_LOG = {"entity_options": "entity_counts", "top_entities": "entity_counts", "places_map": "entity_counts"}


@pytest.mark.parametrize("name", list(queries.PLANNED))
def test_every_strategy_gives_the_plain_frame(name, large_stores, picks, caplog):
    """Each strategy forced matches the plain strategy on the generated store with every summary table
    materialised, for every filter set it can answer; the planner picks each one somewhere; and the
    planned answers are the same whether the store has the tables or only views over the models."""
    planned = queries.PLANNED[name]
    ran, picked = set(), set()
    caplog.set_level(logging.DEBUG, logger="pipeline.query.queries")
    with queries.connect_readonly(large_stores["tables"]) as con, \
            queries.connect_readonly(large_stores["views"]) as views:
        for f in large_filters(picks):
            for call in large_calls(picks)[name]:
                args = call(f)
                plain = planned.run(con, "plain", *args)
                for strategy in planned.strategies[1:]:
                    try:
                        forced = planned.run(con, strategy, *args)
                    except queries.NotApplicable:
                        continue
                    ran.add(strategy)
                    pd.testing.assert_frame_equal(forced, plain, obj=f"{name} {strategy} {args[1:]} {f}")
                caplog.clear()
                chosen = planned.run(con, None, *args)
                pd.testing.assert_frame_equal(chosen, plain, obj=f"{name} planned {args[1:]} {f}")
                pd.testing.assert_frame_equal(planned.run(views, None, *args), plain, obj=f"{name} views {f}")
                picked |= {r.getMessage().split(": ")[1] for r in caplog.records
                           if r.getMessage().startswith(PLAN_LOG.get(name, name) + ": ")}
    assert ran == set(planned.strategies[1:]), f"{name}: never applicable: {set(planned.strategies[1:]) - ran}"
    assert picked == set(planned.strategies), f"{name}: never planned: {set(planned.strategies) - picked}"


def test_statement_filter_sets_reach_statements(large_stores, picks, caplog):
    """The statement filter sets of `large_filters` select some statements but not all (so the strategies
    compared on them are compared on something), the about filter takes both its bit-mask and its
    list path on statement_facts, and every statements-only condition names its values."""
    caplog.set_level(logging.DEBUG, logger="pipeline.query")
    with queries.connect_readonly(large_stores["tables"]) as con:
        total = len(queries.statements(con, Filters(), 10**6))
        for f in large_filters(picks):
            if f.by_states or f.about or f.genres or f.speaker_types:
                caplog.clear()
                found = len(queries.statements(con, f, 10**6))
                assert 0 < found < total, f
                assert _planned(caplog, "statements") == ["facts"]
                if f.about:
                    assert "list_contains(s.about_entities, $about0)" in _sql(caplog) or not {picks.rare_about} & set(f.about)
                    assert "s.about_mask & $about_mask::HUGEINT" in _sql(caplog)


def _planned(caplog, query: str) -> list[str]:
    """The strategies the planner logged for `query` since the last caplog.clear()."""
    return [r.getMessage().split(": ")[1] for r in caplog.records
            if r.name == "pipeline.query.queries" and r.getMessage().startswith(query + ": ")]


def _sql(caplog) -> str:
    """Every SQL text run since the last caplog.clear()."""
    return "\n".join(r.getMessage() for r in caplog.records if r.name == "pipeline.query.templates")


# A date range with a language filter: neither pair counts nor per-month pair counts answer.
SINCE = {"start": D(2021, 1, 1), "languages": ["en", "ru", "az", "hy"]}


def test_packed_keys_and_their_limits_are_reached(large_stores, picks, caplog):
    """The branches a 9-article store never reaches: chosen entities without a top bit packed into a
    BIGINT of list tests (up to 63 of them), more than that answered by the plain path, top bits
    spanning more than 63 positions packed into a HUGEINT, and the heatmap's per-article rank masks
    refusing more than 120 actors or themes. (`SINCE` keeps the pair counts from answering.)"""
    caplog.set_level(logging.DEBUG, logger="pipeline.query")
    co = queries.PLANNED["co_mentions"]
    with queries.connect_readonly(large_stores["tables"]) as con:
        caplog.clear()
        rare = queries.co_mentions(con, Filters(actors=[picks.rare, picks.top], **SINCE))
        assert _planned(caplog, "co_mentions") == ["chosen_packed"]
        assert "list_contains(x.entity_nos, $cm_no1" in _sql(caplog)
        assert len(rare) and set(rare["entity_a"]) <= {picks.rare, picks.top}

        caplog.clear()
        wide = queries.co_mentions(con, Filters(actors=picks.no_bits, **SINCE))
        assert len(picks.no_bits) == 64 and _planned(caplog, "co_mentions") == ["plain"]
        with pytest.raises(queries.NotApplicable):
            co.run(con, "chosen_packed", Filters(actors=picks.no_bits, **SINCE))
        pd.testing.assert_frame_equal(wide, co.run(con, "plain", Filters(actors=picks.no_bits, **SINCE)))

        caplog.clear()
        queries.co_mentions(con, Filters(actors=[picks.top, picks.high_bit], **SINCE))
        assert _planned(caplog, "co_mentions") == ["chosen_bits"] and "::HUGEINT AS cm" in _sql(caplog)
        caplog.clear()
        queries.co_mentions(con, Filters(actors=[picks.top, picks.second], **SINCE))
        assert _planned(caplog, "co_mentions") == ["chosen_bits"] and "::BIGINT AS cm" in _sql(caplog)

        heatmap = queries.PLANNED["actor_theme_heatmap"]
        f = Filters(actors=[picks.top])
        caplog.clear()
        many = queries.actor_theme_heatmap(con, f, 121, 12)
        assert _planned(caplog, "actor_theme_heatmap") == ["plain"]
        assert many["actor_id"].nunique() > 120  # more actors than a mask of ranks holds
        with pytest.raises(queries.NotApplicable):
            heatmap.run(con, "ranked_masks", f, 121, 12)
        pd.testing.assert_frame_equal(heatmap.run(con, "ranked_masks", f, 120, 12),
                                      heatmap.run(con, "plain", f, 120, 12))


def test_statements_count_and_download_have_every_row_of_the_table(large_stores, picks, monkeypatch):
    """Under every filter set, the count the statements page shows and the rows its "All N matching rows"
    download streams are the statements table's rows without a limit (with the planner's strategy each)."""
    monkeypatch.setattr(queries, "BATCH_ROWS", 300)
    with queries.connect_readonly(large_stores["tables"]) as con:
        for f in large_filters(picks):
            whole = queries.statements(con, f, 2**62)
            streamed = [frame for frame in queries.statements_batches(con, f)]
            assert queries.statements_count(con, f) == len(whole), f
            got = pd.concat(streamed, ignore_index=True) if streamed else whole.iloc[:0]
            assert sorted(got["cluster_id"]) == sorted(whole["cluster_id"]), f


@pytest.mark.parametrize("strategy", queries.PLANNED["statements"].strategies)
def test_statements_page_is_exact_on_a_large_store(strategy, large_stores, picks, monkeypatch):
    """With one statement read per cluster wanted, the newest ones rarely settle the page: the query
    then groups every cluster, and still gives the page the default reading gives."""
    run = queries.PLANNED["statements"].run
    with queries.connect_readonly(large_stores["tables"]) as con:
        filters = large_filters(picks)
        expected = [run(con, "plain", f, 40) for f in filters]
        monkeypatch.setattr(queries, "_PAGE_ROWS", 1)
        ran = 0
        for f, frame in zip(filters, expected, strict=True):
            try:
                forced = run(con, strategy, f, 40)
            except queries.NotApplicable:  # "complement" answers chosen entities only
                continue
            pd.testing.assert_frame_equal(forced, frame, obj=str(f))
            ran += 1
        assert ran >= 4


@pytest.mark.parametrize("q", ["corridor talks", "Lachin", "the the border", "talks unheardofword", "...",
                               "peace-talks", '"peace talks"', "lachin*", "corridor OR border",
                               'ceasefire OR "peace talks" minister*', '"talks peace"', "Talk"])
def test_text_postings_find_what_the_plain_search_finds(q, large_stores):
    """The postings (term-sorted, materialised or a view over the index), read directly or kept in a
    temporary table, and the plain search (every article cut and stemmed) give the same articles; the
    planner keeps the postings' answer wherever there is an index."""
    with queries.connect_readonly(large_stores["tables"]) as con, \
            queries.connect_readonly(large_stores["views"]) as views:
        plain = where.text_matches(con, q, "plain")
        for strategy in ("postings", "kept"):
            pd.testing.assert_frame_equal(where.text_matches(con, q, strategy), plain)
            pd.testing.assert_frame_equal(where.text_matches(views, q, strategy), plain)  # the postings view
        pd.testing.assert_frame_equal(where.text_matches(views, q), plain)
        assert where.plan_text(where.Scope.of(con, Filters(q=q))) == "kept"
        assert where.plan_text(where.Scope.of(views, Filters(q=q))) == "kept"
        if q == '"peace talks"':
            assert 0 < len(plain) < len(where.text_matches(views, "peace talks"))  # next to each other, or not
    if q in ("corridor talks", "lachin*"):
        assert len(plain) > 100


# ---------------------------------------------------------------------------------------------
# SQL as text: built apart from running it
# ---------------------------------------------------------------------------------------------

def test_conditions_name_their_values(small_db):
    hostile = "x') OR 1=1 --"
    f = Filters(start=D(2024, 1, 1), sources=[hostile], kinds=["government"], languages=["en"],
                actors=["armenia"], q="said")
    with queries.connect_readonly(small_db) as con:
        s = where.Scope.of(con, f)
        rows = s.rows("x", text=False)
        assert rows == ("x.source = ANY($sources) AND x.source IN (SELECT source FROM sources WHERE kind = "
                        "ANY($kinds)) AND x.language = ANY($languages) AND x.published >= $start AND x.article_key IN "
                        "(SELECT article_key FROM article_entities WHERE entity_id = ANY($entity_ids))")
        assert s.articles("a", dates=False, entities=False, text=False).startswith("a.duplicate_of IS NULL AND ")
        plain = "id_key(a.article_id) IN (SELECT article_key FROM (SELECT article_key, ' ' || array_to_string(title_w"
        assert plain in s.articles("a")  # no text index: every article cut into words
        assert "'said'" not in s.articles("a")  # the searched word is a parameter too
        sql = s.sql(f"SELECT count(*) FROM article_entities x WHERE {s.rows('x')}")
        assert hostile not in sql.text and sql.bound()["sources"] == [hostile]
        assert set(sql.bound()) == {"sources", "kinds", "languages", "start", "entity_ids", "t0"}
        assert sql.fetchall(con) == [(0,)]
        assert where.Scope.of(con, Filters()).rows() == "TRUE"


def test_sql_names_every_value_it_needs():
    sql = Sql("SELECT $a + $b, $a", {"a": 1, "c": 3})
    assert sql.names() == ["a", "b"]
    with pytest.raises(KeyError, match=r"\$b"):
        sql.bound()
    assert Sql("SELECT $a", {"a": 1, "c": 3}).bound() == {"a": 1}


def test_templates_are_filled_without_their_comments():
    calendar = fill("calendar", totals="SELECT 1")
    assert "--" not in calendar and "totals AS (SELECT 1)" in calendar
    assert {"$gran", "$start", "$end", "$step"} <= {f"${n}" for n in Sql(calendar).names()}


def test_postings_search_reads_one_term_list_per_term(large_stores):
    with queries.connect_readonly(large_stores["tables"]) as con:
        s = where.Scope.of(con, Filters(q="Corridor talks corridor"))
        s.text_strategy = "postings"
        keys = s.text_keys()
        assert keys.count("text_postings") == 2 and {"t0_0", "t1_0"} <= set(s.params)  # one list per distinct word
        assert "t2_0" not in s.params
        s = where.Scope.of(con, Filters(q="unheardofword talks"))
        assert s.sql(s.text_keys()).fetchall(con) == []  # a word no article has: nothing matches


def _temp_tables(con) -> list[str]:
    return [name for (name,) in con.execute("SELECT table_name FROM duckdb_tables() WHERE temporary").fetchall()]


def test_kept_search_is_made_once_per_call_and_anew_by_the_next(large_stores, tmp_path):
    """The kept strategy searches the postings once per query call, whatever number of conditions read it;
    the next call with the same search makes the table again from what the store holds then (a writer's
    connection sees its own new articles), and a cursor makes its own."""
    path = tmp_path / "kept.duckdb"
    shutil.copy(large_stores["tables"], path)
    with store.open_store(path) as con:
        s = where.Scope.of(con, Filters(q="corridor talks"))
        first = s.text_keys()
        assert s.text_keys() == first and s.articles("a").count(first) == 1
        assert len(_temp_tables(con)) == 1 and first.endswith(_temp_tables(con)[0])
        before = s.sql(f"SELECT count(*) FROM ({first})").fetchall(con)[0][0]
        con.execute(f"DELETE FROM text_postings WHERE article_key = (SELECT min(article_key) FROM ({first}))")
        s2 = where.Scope.of(con, Filters(q="corridor talks"))
        assert s2.text_keys() == first and len(_temp_tables(con)) == 1
        assert s2.sql(f"SELECT count(*) FROM ({first})").fetchall(con)[0][0] < before
        with con.cursor() as side:
            s3 = dataclasses.replace(s2, con=side)
            assert s3.sql(f"SELECT count(*) FROM ({s3.text_keys()})").fetchall(side)[0][0] < before
