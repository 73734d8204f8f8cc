"""What changed (pipeline/query/changes.py) and `python -m pipeline changes`, on the store with known
changes of tests/conftest.py (`build_changes_db`: its docstring and CHANGES_* lists give the rows).

Counted by hand, window 2024-03-04 (Mon) – 2024-03-10 (Sun), store from 2024-01-01:
- Surge tests (≥ 3 articles, ≥ 7 days of baseline): Armenia 6 Mar (9 articles; 28 days before: 2 a
  day = 56), Armenia 8 Mar (4; 26 × 2 + 9 + 2 = 63), Lachin corridor 9 Mar (3; none before). The 6
  duplicates of 7 Mar and the undated articles never count (7 Mar has 2 articles: not tested).
- Surges at p ≤ 0.001: Lachin corridor 9 Mar (λ = 0.5 / 28) and Armenia 6 Mar (λ = 56.5 / 28).
- First entities: Lachin corridor (9 Mar; its undated and duplicate February mentions do not count).
- First speakers: Anneke Vos (5 Mar, 2 statements), Russian MFA (6 Mar, 5), Ned Price (8 Mar, no
  speaker key: e:ned_price), "=SUM(1,2)" (9 Mar); not Sargsyants (February), not "officials" nor
  "a diplomatic source" (generic), not the ministries that spoke before the window.
- Type shifts (window vs 26 Feb – 3 Mar): Azerbaijan appeal 10 → 1, concern 3 → 3, condemn 1 → 11
  (a shift); Armenia appeal 6 → 7, concern 6 → 6 (none); Russia 0 → 5 (not tested).
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import math
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from pipeline.cli import main
from pipeline.export import to_csv_bytes
from pipeline.query import changes, queries
from pipeline.query.filters import Filters
from tests.conftest import CHANGES_WINDOW, build_changes_db, rolled_copy

ROOT = Path(__file__).resolve().parent.parent
D = dt.date
SINCE, UNTIL = CHANGES_WINDOW


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The store twice: summary tables as views, and materialised (as after a run on a large store)."""
    base = build_changes_db(tmp_path_factory.mktemp("changes") / "views.duckdb")
    return {"views": base, "tables": rolled_copy(base, "tables.duckdb")}


@pytest.fixture(scope="module")
def db(stores: dict[str, Path]) -> Path:
    return stores["views"]


def report(db: Path, since=None, f: Filters | None = None, **settings) -> changes.Report:
    with queries.connect_readonly(db) as con:
        return changes.report(con, since, f or Filters(), changes.Settings(**settings))


def poisson_tail(x: int, lam: float) -> float:
    """P(X ≥ x) for X ~ Poisson(lam), summed term by term (independently of scipy)."""
    return 1 - sum(math.exp(-lam) * lam ** k / math.factorial(k) for k in range(x))


def chi_square(table: list[list[int]]) -> float:
    """Pearson's chi-square statistic of a contingency table, by the textbook formula."""
    rows, cols = [sum(r) for r in table], [sum(c) for c in zip(*table)]
    n = sum(rows)
    return sum((table[i][j] - rows[i] * cols[j] / n) ** 2 / (rows[i] * cols[j] / n)
               for i in range(len(rows)) for j in range(len(cols)))


# ---------------------------------------------------------------------------------------------
# Surges
# ---------------------------------------------------------------------------------------------

def test_surges_match_a_hand_computed_poisson_tail(db: Path) -> None:
    rep = report(db)
    assert (rep.window.since, rep.window.until, rep.window.first_day) == (SINCE, UNTIL, D(2024, 1, 1))
    tests = rep.surge_tests.set_index(["entity_id", "day"])
    assert sorted(tests.index) == [("armenia", D(2024, 3, 6)), ("armenia", D(2024, 3, 8)),
                                   ("lachin_corridor", D(2024, 3, 9))]
    for key, x, baseline in ((("armenia", D(2024, 3, 6)), 9, 56), (("armenia", D(2024, 3, 8)), 4, 63),
                             (("lachin_corridor", D(2024, 3, 9)), 3, 0)):
        row = tests.loc[key]
        lam = (baseline + 0.5) / 28
        assert (row["articles"], row["baseline_articles"], row["baseline_days"]) == (x, baseline, 28)
        assert row["expected"] == pytest.approx(lam)
        assert row["p_value"] == pytest.approx(poisson_tail(x, lam), rel=1e-9)
    assert tests.loc[("armenia", D(2024, 3, 6)), "p_value"] == pytest.approx(2.532e-4, rel=1e-3)
    assert tests.loc[("armenia", D(2024, 3, 6)), "day_total"] == 9
    assert tests.loc[("lachin_corridor", D(2024, 3, 9)), "day_total"] == 5
    surges = rep.signals[rep.signals["kind"] == "surge"]
    assert surges["key"].tolist() == ["surge/lachin_corridor/2024-03-09", "surge/armenia/2024-03-06"]


def test_the_threshold_and_minimum_count_decide(db: Path) -> None:
    def keys(**settings) -> list[str]:
        rep = report(db, **settings)
        return rep.signals.loc[rep.signals["kind"] == "surge", "key"].tolist()

    assert keys(surge_p=1e-4) == ["surge/lachin_corridor/2024-03-09"]
    assert keys(surge_p=0.5) == ["surge/lachin_corridor/2024-03-09", "surge/armenia/2024-03-06",
                                 "surge/armenia/2024-03-08"]
    assert keys(min_articles=4) == ["surge/armenia/2024-03-06"]
    assert keys(min_articles=10) == []


def test_duplicates_and_undated_articles_never_count(db: Path) -> None:
    tests = report(db, min_articles=1).surge_tests.set_index(["entity_id", "day"])
    assert tests.loc[("armenia", D(2024, 3, 7)), "articles"] == 2  # not 8: six copies are duplicates
    assert tests.loc[("armenia", D(2024, 3, 8)), "baseline_articles"] == 63
    firsts = report(db).signals
    assert firsts.loc[firsts["kind"] == "first_entity", "day"].tolist() == [D(2024, 3, 9)]


def test_a_short_baseline_is_not_tested(db: Path) -> None:
    rep = report(db, "2024-01-01", min_articles=1, until=D(2024, 1, 8))
    assert rep.surge_tests[["entity_id", "day", "baseline_days", "baseline_articles"]].values.tolist() == [
        ["armenia", D(2024, 1, 8), 7, 14]]  # 1–7 January have fewer than 7 days of store before them
    assert rep.surge_tests["expected"].iloc[0] == pytest.approx(14.5 / 7)


# ---------------------------------------------------------------------------------------------
# Firsts and shifts
# ---------------------------------------------------------------------------------------------

def test_first_entities_and_speakers(db: Path) -> None:
    signals = report(db).signals
    entity = signals[signals["kind"] == "first_entity"].iloc[0]
    assert (entity["key"], entity["subject"], entity["count"]) == ("first_entity/lachin_corridor", "Lachin corridor", 3)
    assert entity["link"] == "/articles?page=articles&article=lachin_corridor-0309-0"
    assert entity["detected_at"] == pd.Timestamp("2024-03-10 06:00")
    speakers = signals[signals["kind"] == "first_speaker"]
    assert speakers[["subject_id", "subject", "day", "count"]].values.tolist() == [
        ["p:sm:x", "=SUM(1,2)", D(2024, 3, 9), 1], ["e:ned_price", "Ned Price", D(2024, 3, 8), 1],
        ["e:russian_mfa", "Russian MFA", D(2024, 3, 6), 5], ["p:vs:a", "Anneke Vos", D(2024, 3, 5), 2]]
    vos = speakers[speakers["subject_id"] == "p:vs:a"].iloc[0]
    assert vos["behind_link"] == "/statements?page=statements&speaker=Anneke+Vos&from=2024-03-05&to=2024-03-10"
    price = speakers[speakers["subject_id"] == "e:ned_price"].iloc[0]
    assert "speaker=ned_price" in price["behind_link"]


def test_firsts_wait_for_a_week_of_store(db: Path) -> None:
    assert report(db, "2024-01-01", until=D(2024, 1, 7)).signals.empty  # everything is new on day one


def test_type_shift_matches_a_hand_computed_chi_square(db: Path) -> None:
    rep = report(db)
    shifts = rep.shift_tests.set_index("state_id")
    azerbaijan = shifts.loc["azerbaijan"]
    table = [[10, 3, 1], [1, 3, 11]]  # appeal, concern, condemn: the window before, this window
    chi2 = chi_square(table)
    assert (azerbaijan["previous"], azerbaijan["recent"], azerbaijan["types"]) == (14, 15, 3)
    assert azerbaijan["chi2"] == pytest.approx(chi2)
    assert azerbaijan["p_value"] == pytest.approx(math.exp(-chi2 / 2))  # chi-square with 2 degrees of freedom
    assert azerbaijan["moved"] == "condemn 1 → 11 (7% → 73%); appeal 10 → 1 (71% → 7%)"
    assert (shifts.loc["armenia", "previous"], shifts.loc["armenia", "recent"], shifts.loc["armenia", "shift"]) == (
        12, 13, False)
    assert math.isnan(shifts.loc["russia", "p_value"])  # 0 statements before: not tested
    signal = rep.signals[rep.signals["kind"] == "type_shift"].iloc[0]
    assert signal["key"] == "type_shift/azerbaijan/2024-03-04/2024-03-10"
    assert (signal["count"], signal["expected"]) == (15, 14.0)
    assert signal["title"].startswith("Shift in Azerbaijan's statement types: more condemn; fewer appeal")
    assert signal["link"] == "/statements?page=statements&by_state=azerbaijan&from=2024-02-26&to=2024-03-10"
    assert signal["behind_link"] == ("/statements?page=statements&by_state=azerbaijan&type=condemn&type=appeal"
                                     "&from=2024-03-04&to=2024-03-10")


# ---------------------------------------------------------------------------------------------
# The signal record
# ---------------------------------------------------------------------------------------------

def test_signals_are_one_typed_record_in_a_fixed_order(db: Path) -> None:
    settings = changes.Settings(dashboard_url="https://tracker.example/")
    with queries.connect_readonly(db) as con:
        rows = changes.signals(con, dt.datetime(2024, 3, 4, 15, 30), Filters(), settings)
    assert rows.columns.tolist() == changes.SIGNAL_COLUMNS
    assert rows["kind"].tolist() == ["surge"] * 2 + ["first_entity"] + ["first_speaker"] * 4 + ["type_shift"]
    assert rows["key"].is_unique and rows["title"].str.len().gt(0).all() and rows["summary"].str.len().gt(0).all()
    assert str(rows["detected_at"].dtype) == "datetime64[us]" and rows["detected_at"].notna().all()
    assert rows["link"].str.startswith("https://tracker.example/").all()
    surge = rows.iloc[1]
    assert surge["link"] == ("https://tracker.example/?page=trends&actor=armenia&from=2024-02-07&to=2024-03-06"
                             "&gran=day")
    assert surge["behind_link"] == ("https://tracker.example/articles?page=articles&actor=armenia&from=2024-03-06"
                                    "&to=2024-03-06")
    assert surge["detected_at"] == pd.Timestamp("2024-03-07 06:08")  # the last of the 9 articles fetched
    assert surge["summary"] == ("9 articles mentioning Armenia on 2024-03-06 against 2.02 expected from the 28 days "
                                "before (56 articles); Poisson upper tail p = 0.00025; 9 dated articles that day in "
                                "all.")


def test_filters_narrow_the_signals_and_travel_in_the_links(stores: dict[str, Path]) -> None:
    rep = report(stores["views"], f=Filters(places=["lachin_corridor"], languages=["en"]))
    assert rep.surge_tests["entity_id"].unique().tolist() == ["lachin_corridor"]
    assert rep.signals["kind"].tolist() == ["surge", "first_entity"]  # no statement is about the corridor
    assert all("lang=en" in link and "place=lachin_corridor" in link for link in rep.signals["link"][:1])
    assert report(stores["views"], f=Filters(languages=["ru"])).signals.empty


@pytest.mark.parametrize("f", [Filters(), Filters(actors=["azerbaijan"]), Filters(sources=["gov"], q="news")])
def test_materialised_summary_tables_give_the_same_signals(stores: dict[str, Path], f: Filters) -> None:
    views, tables = report(stores["views"], f=f), report(stores["tables"], f=f)
    pd.testing.assert_frame_equal(views.signals, tables.signals)
    pd.testing.assert_frame_equal(views.surge_tests, tables.surge_tests)


def test_an_empty_window_has_no_signals(db: Path) -> None:
    rep = report(db, "2024-04-01")  # after the last article
    assert rep.window.days == 0 and rep.signals.empty and rep.surge_tests.empty


def test_settings_are_checked() -> None:
    for bad in ({"surge_p": 0}, {"shift_p": 1.5}, {"min_articles": 0}, {"min_baseline_days": 40}):
        with pytest.raises(ValueError):
            changes.Settings(**bad)


# ---------------------------------------------------------------------------------------------
# Freshness
# ---------------------------------------------------------------------------------------------

def test_freshness_counts_articles_stored_after_a_time(db: Path) -> None:
    with queries.connect_readonly(db) as con:
        def new(since: dt.datetime | None, f: Filters = Filters()) -> object:
            return changes.freshness(con, since, f)["new_articles"].iloc[0]

        assert changes.freshness(con, None, Filters())["updated_at"].iloc[0] == pd.Timestamp("2024-03-12 09:30")
        assert pd.isna(new(None))
        # Fetched after 11 Mar 00:00: the two 10 March articles; and the archive capture (fetched in 2023,
        # stored by a run that started on 12 March).
        assert new(dt.datetime(2024, 3, 11)) == 3
        assert new(dt.datetime(2024, 3, 11, 6, 0)) == 2
        assert new(dt.datetime(2024, 3, 12, 9, 0)) == 0
        # After 8 Mar 00:00: 7, 8 (4 articles), 9 (2 + 3) and 10 March's articles, the 4 undated Armenia ones
        # and the capture; not the 6 duplicates.
        assert new(dt.datetime(2024, 3, 8)) == 2 + 4 + 5 + 2 + 4 + 1
        assert new(dt.datetime(2024, 3, 8), Filters(places=["lachin_corridor"])) == 3


# ---------------------------------------------------------------------------------------------
# python -m pipeline changes
# ---------------------------------------------------------------------------------------------

def cli(*args: str) -> subprocess.CompletedProcess:
    """The real command in a subprocess (its entry point, as a user runs it)."""
    return subprocess.run([sys.executable, "-m", "pipeline", "changes", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)


def run(capsys: pytest.CaptureFixture, *args: str) -> tuple[int, str, str]:
    """The same command in this process (no interpreter start-up): exit code, stdout, stderr."""
    try:
        code = main(["changes", *args])
    except SystemExit as exc:  # argparse's usage errors
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_prints_one_line_per_signal(db: Path) -> None:
    done = cli("--db", str(db), "--dashboard-url", "http://127.0.0.1:8501/")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 8
    assert lines[0] == ("2024-03-09  surge          Surge: Lachin corridor — 3 articles on Sat 2024-03-09 (expected "
                        "0.018, p = 9.4e-07)  http://127.0.0.1:8501/?page=trends&place=lachin_corridor&from=2024-02-10"
                        "&to=2024-03-09&gran=day")
    assert lines[-1].startswith("2024-03-10  type_shift     Shift in Azerbaijan's statement types")
    assert done.stderr.startswith("Window 2024-03-04 – 2024-03-10 (7 days). Surges: 3 entity-days tested")


def test_cli_filters_and_thresholds(db: Path, capsys: pytest.CaptureFixture) -> None:
    code, out, _ = run(capsys, "--db", str(db), "--since", "2024-03-09", "--p", "0.0001", "--place", "lachin_corridor")
    assert code == 0 and [line.split()[1] for line in out.splitlines()] == ["surge", "first_entity"]
    code, out, err = run(capsys, "--db", str(db), "--since", "2024-04-01")
    assert (code, out) == (0, "") and err.startswith("Window 2024-04-01 – 2024-03-10 (0 days)")


def test_cli_csv_is_the_signal_record_formula_safe(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / "changes.csv"
    code, _, err = run(capsys, "--db", str(db), "--format", "csv", "-o", str(out), "--dashboard-url",
                       "https://tracker.example")
    assert code == 0, err
    assert "wrote 8 signals to" in err
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert list(rows[0]) == changes.SIGNAL_COLUMNS
    assert [r["kind"] for r in rows] == ["surge"] * 2 + ["first_entity"] + ["first_speaker"] * 4 + ["type_shift"]
    assert rows[3]["subject"] == "'=SUM(1,2)"  # a cell that starts like a formula is neutralised
    assert float(rows[1]["p_value"]) == pytest.approx(poisson_tail(9, 56.5 / 28), rel=1e-9)
    with queries.connect_readonly(db) as con:
        expected = to_csv_bytes(changes.signals(con, None, Filters(),
                                                changes.Settings(dashboard_url="https://tracker.example")))
    assert data == expected


@pytest.mark.parametrize("args, message", [
    (["--since", "last week"], "error: argument --since: 'last week' is not a date"),
    (["--p", "0"], "error: argument --p: '0' is not a probability above 0 and at most 1"),
    (["--min-articles", "-1"], "error: argument --min-articles: '-1' is not a whole number"),
    (["--format", "xml"], "error: argument --format: invalid choice: 'xml'"),
    (["--actor", "atlantis"], "error: --actor: unknown entity id 'atlantis'"),
    (["--frobnicate"], "error: unrecognized arguments: --frobnicate"),
])
def test_cli_bad_arguments_exit_2_with_one_line(db: Path, capsys: pytest.CaptureFixture, args: list[str],
                                                message: str) -> None:
    code, out, err = run(capsys, "--db", str(db), *args)
    assert (code, out) == (2, "")
    assert len(err.strip().splitlines()) == 1 and err.startswith(message), err
