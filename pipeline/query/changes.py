"""What changed: surges of an entity's daily articles, entities and speakers appearing for the first
time, and shifts in a state's statement types — one typed table of signals (`signals`) for the
Changes page, `python -m pipeline changes` and the alert feed, plus the store's freshness.

The statistics (README "What changed" says the same for analysts):

- **Window**: the days from `since` to `until`, both included — publication dates for articles, the
  date said (else published) for statements. `until` defaults to the last publication date on or
  before today under the filters, `since` to `Settings.window_days` days ending on `until`. A time
  of day in `since` is ignored: signals are per calendar day.
- **Surges** (Poisson upper tail): for each entity and each day d of the window, x = the distinct
  articles published on d that mention it. Its baseline is the S articles of the `baseline_days`
  (28) days before d, counted from the store's first dated article on: n = min(28, days since that
  first day), days without articles counting as zero; with n < `min_baseline_days` (7) the day is not
  tested. The expected count is λ = (S + 0.5) / n, the posterior mean of the daily rate under
  Jeffreys' prior (an empty baseline expects half an article over its n days, never zero). The
  p-value is P(X ≥ x) for X ~ Poisson(λ) (`scipy.stats.poisson.sf(x - 1, λ)`); a surge is a day
  with x ≥ `min_articles` (3) and p ≤ `surge_p` (0.001).
- **Firsts**: an entity whose earliest dated article, or a speaker whose earliest dated statement,
  falls in the window (under the same filters) and at least `min_baseline_days` after the store's
  first dated article (on a tracker's first days everything is new). Speakers are their speaker keys: taxonomy entities
  (`e:`) and named persons (`p:`); generic speakers (`s:` — "officials", "a diplomatic source") are
  left out.
- **Shifts in statement types** (chi-square test of homogeneity): per speaker state, statements
  (distinct clusters, each dated by its earliest report) per type in the window and in the
  previous window of the same length; tested when both windows hold at least `min_statements` (10)
  statements and two types occur; `scipy.stats.chi2_contingency` on the 2 × k table of the types that
  occur (Yates' correction when k = 2). A shift is p ≤ `shift_p` (0.01); the types that moved are
  those whose adjusted residual (Haberman) in the window is beyond ±1.96, else the largest one.
- Duplicates (`articles.duplicate_of` set) never count; undated articles and statements are left
  out, as in trends; source, kind, country, language and text filters narrow the articles counted;
  chosen entities narrow surges and firsts to those entities, and statements as on the Statements
  page (speaker, speaker state or quoted entity); the sidebar's date range does not apply (the
  window does).

Every signal links to the dashboard views behind it (README "Shareable URLs" keys), relative to
`Settings.dashboard_url`.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import math
from urllib.parse import urlencode

import duckdb
import numpy as np
import pandas as pd

from .filters import Filters
from .templates import fill
from .where import Scope

KINDS = ("surge", "first_entity", "first_speaker", "type_shift")

# The typed signal record, one row each. `key` is stable (the same signal always has the same key);
# `day` is the surge's day, the first appearance's day or the window's last day (shifts); `count` the
# articles on the day (surges), in the window (firsts: articles or statements) or the window's
# statements (shifts); `expected` the surge's λ or the previous window's statements; `p_value` the
# test's (empty for firsts); `link` the view behind the signal, `behind_link` the articles or
# statements it is made of; `detected_at` the latest fetch time of those articles (UTC).
SIGNAL_COLUMNS = ["kind", "key", "day", "subject_id", "subject", "title", "summary", "count", "expected",
                  "p_value", "link", "behind_link", "detected_at"]

ADJUSTED_RESIDUAL = 1.96  # |r| beyond which a type counts as moved (two-sided 5 % per cell)
QUOTE_CHARS = 160


@dataclasses.dataclass(frozen=True)
class Settings:
    """Thresholds and defaults of the tests (module docstring), and where links point."""

    until: dt.date | None = None  # last day of the window (default: last publication date ≤ today)
    window_days: int = 7  # window length when `since` is not given
    surge_p: float = 0.001
    min_articles: int = 3
    baseline_days: int = 28
    min_baseline_days: int = 7
    shift_p: float = 0.01
    min_statements: int = 10
    dashboard_url: str = ""  # prefix of the links ("" = links relative to the dashboard's root)
    today: dt.date | None = None  # default: the local date

    def __post_init__(self) -> None:
        for name in ("surge_p", "shift_p"):
            value = getattr(self, name)
            if not 0 < value <= 1:
                raise ValueError(f"{name} must be above 0 and at most 1, not {value}")
        for name, low in (("window_days", 1), ("min_articles", 1), ("baseline_days", 1),
                          ("min_baseline_days", 1), ("min_statements", 1)):
            if getattr(self, name) < low:
                raise ValueError(f"{name} must be at least {low}, not {getattr(self, name)}")
        if self.min_baseline_days > self.baseline_days:
            raise ValueError("min_baseline_days cannot exceed baseline_days")


@dataclasses.dataclass(frozen=True)
class Window:
    """The window's days (`since` > `until`: no day) and the first dated day under the filters."""

    since: dt.date
    until: dt.date
    first_day: dt.date | None

    @property
    def days(self) -> int:
        return max((self.until - self.since).days + 1, 0)

    @property
    def previous(self) -> tuple[dt.date, dt.date]:
        """The window of the same length just before this one."""
        return self.since - dt.timedelta(days=self.days), self.since - dt.timedelta(days=1)


@dataclasses.dataclass(frozen=True)
class Report:
    """The signals with what was tested: every entity-day of the surge test and every state of the
    shift test (for the page's "N tested" and the CSV of the tests)."""

    window: Window
    signals: pd.DataFrame
    surge_tests: pd.DataFrame
    shift_tests: pd.DataFrame


def _day(value: dt.date | dt.datetime | str | None) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value.date() if isinstance(value, dt.datetime) else value


def _scope(con: duckdb.DuckDBPyConnection, f: Filters, **params: object) -> Scope:
    """A Scope for the filters without their date range (the window sets the dates)."""
    return Scope.of(con, dataclasses.replace(f, start=None, end=None), **params)


def window(con: duckdb.DuckDBPyConnection, since: dt.date | dt.datetime | str | None, f: Filters,
           settings: Settings = Settings()) -> Window:
    """The window for `since` (date, datetime or ISO text; None: the default) under the filters."""
    s = _scope(con, f, today=settings.today or dt.date.today())
    first_day, last_day = s.sql(fill("changes_window", where=s.rows("x", dates=False, entities=False,
                                                                    text=False))).fetchall(con)[0]
    until = settings.until or last_day or s.params["today"]
    start = _day(since) or until - dt.timedelta(days=settings.window_days - 1)
    return Window(start, until, first_day)


# ---------------------------------------------------------------------------------------------
# The tests
# ---------------------------------------------------------------------------------------------

def _entities(s: Scope) -> str:
    return "AND x.entity_id = ANY($entity_ids)" if s.ids else ""


def surge_tests(con: duckdb.DuckDBPyConnection, f: Filters, w: Window, settings: Settings = Settings()) -> pd.DataFrame:
    """Every entity-day of the window with at least `min_articles` articles and a long enough
    baseline: entity_id, name, kind, day, articles, baseline_articles, baseline_days, expected,
    ratio, p_value, day_total (all dated articles that day), surge (p ≤ surge_p); smallest p first."""
    from scipy.stats import poisson  # here, not at import: scipy.stats costs every CLI command a second
    cols = ["entity_id", "name", "kind", "day", "articles", "baseline_articles", "baseline_days", "expected",
            "ratio", "p_value", "day_total", "surge"]
    if not w.days or w.first_day is None:
        return pd.DataFrame(columns=cols)
    s = _scope(con, f, since=w.since, until=w.until, lookback=w.since - dt.timedelta(days=settings.baseline_days),
               baseline_days=settings.baseline_days, min_articles=settings.min_articles)
    sql = fill("changes_surges", entities=_entities(s), where=s.rows("x", dates=False, entities=False),
               totals_where=s.rows("x", dates=False, entities=False, text=False))
    df = s.sql(sql).df(con)
    days = pd.to_datetime(df["day"]).dt.date
    df["day"] = days
    df["baseline_days"] = np.minimum(settings.baseline_days,
                                     np.array([(d - w.first_day).days for d in days], dtype=int))
    df = df[df["baseline_days"] >= settings.min_baseline_days].copy()
    df["expected"] = (df["baseline_articles"] + 0.5) / df["baseline_days"]
    df["ratio"] = df["articles"] / df["expected"]
    df["p_value"] = poisson.sf(df["articles"] - 1, df["expected"]) if len(df) else []
    df["surge"] = df["p_value"] <= settings.surge_p
    return df.sort_values(["p_value", "day", "entity_id"], ignore_index=True)[cols]


def _established(rows: pd.DataFrame, w: Window, settings: Settings) -> pd.DataFrame:
    """The firsts after the store's first `min_baseline_days` days of dated articles (on a tracker's
    first days everything is new)."""
    if w.first_day is None:
        return rows.iloc[:0]
    start = w.first_day + dt.timedelta(days=settings.min_baseline_days)
    return rows[pd.to_datetime(rows["first_day"]).dt.date >= start].reset_index(drop=True)


def first_entities(con: duckdb.DuckDBPyConnection, f: Filters, w: Window,
                   settings: Settings = Settings()) -> pd.DataFrame:
    """Entities whose first dated article is in the window (and after the store's first
    `min_baseline_days` days): entity_id, name, kind, first_day, articles (in the window),
    article_id, title, source, url (the first article), detected_at."""
    s = _scope(con, f, since=w.since, until=w.until)
    return _established(s.sql(fill("changes_first_entities", entities=_entities(s),
                                   where=s.rows("x", dates=False, entities=False))).df(con), w, settings)


def first_speakers(con: duckdb.DuckDBPyConnection, f: Filters, w: Window,
                   settings: Settings = Settings()) -> pd.DataFrame:
    """Speakers whose first dated statement is in the window (and after the store's first
    `min_baseline_days` days): speaker_key, first_day, name, speaker (as first written),
    speaker_entity_id, state_id, state, statement_type, quote, article_id, source (of the first
    statement), detected_at, statements (in the window)."""
    s = _scope(con, f, since=w.since, until=w.until)
    return _established(s.sql(fill("changes_first_speakers", where=s.statements("base"))).df(con), w, settings)


def _moves(types: list[str], before: np.ndarray, after: np.ndarray, expected: np.ndarray) -> list[dict]:
    """Per type: counts, shares and the adjusted residual of the window's cell; the moved ones
    (|r| > ADJUSTED_RESIDUAL, else the largest), largest change in share first."""
    total = before.sum() + after.sum()
    col = (before + after) / total
    row = after.sum() / total
    resid = (after - expected[1]) / np.sqrt(expected[1] * (1 - row) * (1 - col))
    moves = [{"type": t, "before": int(b), "after": int(a), "share_before": b / before.sum(),
              "share_after": a / after.sum(), "residual": float(r)}
             for t, b, a, r in zip(types, before, after, resid)]
    moved = [m for m in moves if abs(m["residual"]) > ADJUSTED_RESIDUAL]
    moved = moved or [max(moves, key=lambda m: abs(m["residual"]))]
    return sorted(moved, key=lambda m: -abs(m["share_after"] - m["share_before"]))


def shift_tests(con: duckdb.DuckDBPyConnection, f: Filters, w: Window, settings: Settings = Settings()) -> pd.DataFrame:
    """Every speaker state with statements in the window or the one before: state_id, state,
    previous, recent (statements), types (k), chi2, p_value (NaN when not tested), shift, moved
    (text: the types that moved) and moves (their numbers); smallest p first."""
    from scipy.stats import chi2_contingency  # here, not at import (as in surge_tests)
    cols = ["state_id", "state", "previous", "recent", "types", "chi2", "p_value", "shift", "moved", "moves"]
    if not w.days:
        return pd.DataFrame(columns=cols)
    previous, _ = w.previous
    s = _scope(con, f, since=w.since, until=w.until, previous=previous)
    cells = s.sql(fill("changes_type_shifts", where=s.statements("base"))).df(con)
    rows = []
    for (state_id, state), part in cells.groupby(["state_id", "state"], sort=True):
        part = part[(part["previous"] + part["recent"]) > 0]
        before, after = part["previous"].to_numpy(), part["recent"].to_numpy()
        row = {"state_id": state_id, "state": state, "previous": int(before.sum()), "recent": int(after.sum()),
               "types": len(part), "chi2": math.nan, "p_value": math.nan, "shift": False, "moved": "", "moves": []}
        if min(before.sum(), after.sum()) >= settings.min_statements and len(part) >= 2:
            chi2, p, _, expected = chi2_contingency(np.vstack([before, after]))
            moves = _moves(part["statement_type"].tolist(), before, after, expected)
            row.update(chi2=float(chi2), p_value=float(p), shift=bool(p <= settings.shift_p), moves=moves,
                       moved="; ".join(_move_text(m) for m in moves))
        rows.append(row)
    out = pd.DataFrame(rows, columns=cols)
    return out.sort_values(["p_value", "recent", "state_id"], ascending=[True, False, True], na_position="last",
                           ignore_index=True)


def _move_text(m: dict) -> str:
    return (f"{m['type']} {m['before']} → {m['after']} "
            f"({m['share_before']:.0%} → {m['share_after']:.0%})")


# ---------------------------------------------------------------------------------------------
# Signals
# ---------------------------------------------------------------------------------------------

_ENTITY_KEYS = ("actor", "place", "theme")


def _base_params(f: Filters, entities: bool) -> dict[str, str | list[str]]:
    """The filters' URL keys a signal's link keeps: all but the dates (the signal sets its own) and,
    for article views of one entity, the entity keys."""
    params = dataclasses.replace(f, start=None, end=None).to_query_params()
    if not entities:
        for key in _ENTITY_KEYS:
            params.pop(key, None)
    return params


def view_link(settings: Settings, page: str, params: dict[str, str | list[str]]) -> str:
    """A dashboard address: the page's own path (Trends is the root) with `page` and the URL keys."""
    path = "" if page == "trends" else page
    return f"{settings.dashboard_url.rstrip('/')}/{path}?" + urlencode({"page": page, **params}, doseq=True)


def _p(p: float) -> str:
    return f"{p:.2g}"


def _n(n: int, noun: str) -> str:
    """'1 article', '12 articles'."""
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def _entity_key(kind: object) -> str:
    return kind if kind in _ENTITY_KEYS else "actor"


def _clip(text: object, n: int = QUOTE_CHARS) -> str:
    text = " ".join(str(text or "").split())
    return text if len(text) <= n else text[:n - 1].rstrip() + "…"


def _surge_signals(con: duckdb.DuckDBPyConnection, f: Filters, tests: pd.DataFrame, settings: Settings) -> list[dict]:
    found = tests[tests["surge"] & (tests["articles"] >= settings.min_articles)]
    if found.empty:
        return []
    s = _scope(con, f, surge_ids=found["entity_id"].unique().tolist(), days=sorted(set(found["day"])))
    fetched = s.sql(fill("changes_surge_fetched", where=s.rows("x", dates=False, entities=False))).df(con)
    when = {(r.entity_id, pd.Timestamp(r.day).date()): r.detected_at for r in fetched.itertuples()}
    out = []
    for r in found.itertuples():
        key = _entity_key(r.kind)
        start = r.day - dt.timedelta(days=settings.baseline_days)
        base = _base_params(f, entities=False)
        out.append({
            "kind": "surge", "key": f"surge/{r.entity_id}/{r.day.isoformat()}", "day": r.day,
            "subject_id": r.entity_id, "subject": r.name,
            "title": f"Surge: {r.name} — {_n(r.articles, 'article')} on {r.day:%a %Y-%m-%d} "
                     f"(expected {r.expected:.2g}, p = {_p(r.p_value)})",
            "summary": f"{_n(r.articles, 'article')} mentioning {r.name} on {r.day.isoformat()} against "
                       f"{r.expected:.3g} expected from the {r.baseline_days} days before "
                       f"({_n(r.baseline_articles, 'article')}); Poisson upper tail p = {_p(r.p_value)}; "
                       f"{_n(r.day_total, 'dated article')} that day in all.",
            "count": int(r.articles), "expected": float(r.expected), "p_value": float(r.p_value),
            "link": view_link(settings, "trends", {**base, key: r.entity_id, "from": start.isoformat(),
                                                   "to": r.day.isoformat(), "gran": "day"}),
            "behind_link": view_link(settings, "articles", {**base, key: r.entity_id, "from": r.day.isoformat(),
                                                            "to": r.day.isoformat()}),
            "detected_at": when.get((r.entity_id, r.day))})
    return out


def _first_entity_signals(rows: pd.DataFrame, f: Filters, w: Window, settings: Settings) -> list[dict]:
    out = []
    for r in rows.itertuples():
        first = pd.Timestamp(r.first_day).date()
        key = _entity_key(r.kind)
        base = _base_params(f, entities=False)
        title = _clip(r.title, 120) or "untitled"
        out.append({
            "kind": "first_entity", "key": f"first_entity/{r.entity_id}", "day": first,
            "subject_id": r.entity_id, "subject": r.name,
            "title": f"First appearance: {r.name} on {first.isoformat()} ({r.source})",
            "summary": f"{r.name} is mentioned for the first time in the store on {first.isoformat()}, in "
                       f"“{title}” ({r.source}, {r.url}); {_n(r.articles, 'article')} from {w.since.isoformat()} to "
                       f"{w.until.isoformat()}.",
            "count": int(r.articles), "expected": math.nan, "p_value": math.nan,
            "link": view_link(settings, "articles", {**base, "article": r.article_id}),
            "behind_link": view_link(settings, "articles", {**base, key: r.entity_id, "from": w.since.isoformat(),
                                                            "to": w.until.isoformat()}),
            "detected_at": r.detected_at})
    return out


def _first_speaker_signals(rows: pd.DataFrame, f: Filters, w: Window, settings: Settings) -> list[dict]:
    out = []
    for r in rows.itertuples():
        first = pd.Timestamp(r.first_day).date()
        state = f" ({r.state})" if isinstance(r.state, str) else ""
        speaker = r.speaker_entity_id if isinstance(r.speaker_entity_id, str) else r.speaker
        base = _base_params(f, entities=True)
        out.append({
            "kind": "first_speaker", "key": f"first_speaker/{r.speaker_key}", "day": first,
            "subject_id": r.speaker_key, "subject": r.name,
            "title": f"New speaker: {r.name}{state} on {first.isoformat()} ({r.statement_type})",
            "summary": f"First statement of {r.name}{state} in the store, said on {first.isoformat()} "
                       f"({r.statement_type}, reported by {r.source}): “{_clip(r.quote)}”; "
                       f"{_n(r.statements, 'statement')} from {w.since.isoformat()} to {w.until.isoformat()}.",
            "count": int(r.statements), "expected": math.nan, "p_value": math.nan,
            "link": view_link(settings, "articles", {**_base_params(f, entities=False), "article": r.article_id}),
            "behind_link": view_link(settings, "statements", {**base, "speaker": speaker,
                                                              "from": first.isoformat(), "to": w.until.isoformat()}),
            "detected_at": r.detected_at})
    return out


def _shift_signals(con: duckdb.DuckDBPyConnection, f: Filters, w: Window, tests: pd.DataFrame,
                   settings: Settings) -> list[dict]:
    found = tests[tests["shift"]]
    if found.empty:
        return []
    s = _scope(con, f, since=w.since, until=w.until, state_ids=found["state_id"].tolist())
    fetched = s.sql(fill("changes_shift_fetched", where=s.statements("base"))).df(con)
    when = dict(zip(fetched["state_id"], fetched["detected_at"]))
    previous, last = w.previous
    span = f"{w.since.isoformat()} – {w.until.isoformat()} against {previous.isoformat()} – {last.isoformat()}"
    out = []
    for r in found.itertuples():
        up = [m["type"] for m in r.moves if m["share_after"] > m["share_before"]]
        down = [m["type"] for m in r.moves if m["share_after"] < m["share_before"]]
        trend = "; ".join(part for part in (f"more {', '.join(up)}" if up else "",
                                            f"fewer {', '.join(down)}" if down else "") if part)
        base = _base_params(f, entities=True)
        out.append({
            "kind": "type_shift", "key": f"type_shift/{r.state_id}/{w.since.isoformat()}/{w.until.isoformat()}",
            "day": w.until, "subject_id": r.state_id, "subject": r.state,
            "title": f"Shift in {r.state}'s statement types: {trend} (p = {_p(r.p_value)})",
            "summary": f"Statements by speakers of {r.state}, {span}: {r.moved}; {r.previous:,} → {r.recent:,} "
                       f"statements over {r.types} types; chi-square = {r.chi2:.1f}, p = {_p(r.p_value)}.",
            "count": int(r.recent), "expected": float(r.previous), "p_value": float(r.p_value),
            "link": view_link(settings, "statements", {**base, "by_state": r.state_id, "from": previous.isoformat(),
                                                       "to": w.until.isoformat()}),
            "behind_link": view_link(settings, "statements", {**base, "by_state": r.state_id,
                                                              "type": [m["type"] for m in r.moves],
                                                              "from": w.since.isoformat(), "to": w.until.isoformat()}),
            "detected_at": when.get(r.state_id)})
    return out


def report(con: duckdb.DuckDBPyConnection, since: dt.date | dt.datetime | str | None, f: Filters,
           settings: Settings = Settings()) -> Report:
    """The signals of the window starting at `since` under the filters, with every test made."""
    w = window(con, since, f, settings)
    surges = surge_tests(con, f, w, settings)
    shifts = shift_tests(con, f, w, settings)
    rows = [*_surge_signals(con, f, surges, settings)]
    if w.days:
        rows += _first_entity_signals(first_entities(con, f, w, settings), f, w, settings)
        rows += _first_speaker_signals(first_speakers(con, f, w, settings), f, w, settings)
    rows += _shift_signals(con, f, w, shifts, settings)
    out = pd.DataFrame(rows, columns=SIGNAL_COLUMNS)
    out["detected_at"] = pd.to_datetime(out["detected_at"])
    out["count"] = out["count"].astype("int64")
    for col in ("expected", "p_value"):
        out[col] = out[col].astype("float64")
    order = out["kind"].map({k: i for i, k in enumerate(KINDS)})
    out = out.assign(_order=order).sort_values(["_order", "p_value", "day", "key"], ascending=[True, True, False, True],
                                               na_position="last").drop(columns="_order").reset_index(drop=True)
    return Report(w, out, surges, shifts)


def signals(con: duckdb.DuckDBPyConnection, since: dt.date | dt.datetime | str | None, f: Filters | None = None,
            settings: Settings = Settings()) -> pd.DataFrame:
    """The signals (SIGNAL_COLUMNS, one row each) of the window starting at `since` (None: the last
    `window_days` days of data) under the filters: surges, first entities, first speakers, type
    shifts, in that order, strongest first."""
    return report(con, since, f or Filters(), settings).signals


def tested_line(rep: Report, settings: Settings) -> str:
    """What was tested and how many passes chance alone would give (the page's and the CLI's
    summary): the window, entity-days and states tested, p × tests."""
    w = rep.window
    surges = len(rep.surge_tests)
    shifts = int(rep.shift_tests["p_value"].notna().sum()) if len(rep.shift_tests) else 0
    return (f"Window {w.since.isoformat()} – {w.until.isoformat()} ({_n(w.days, 'day')}). "
            f"Surges: {_n(surges, 'entity-day')} tested (at least {settings.min_articles} articles and "
            f"{settings.min_baseline_days} days of baseline); at p ≤ {settings.surge_p:g} about "
            f"{surges * settings.surge_p:.2g} would pass by chance. Shifts: {_n(shifts, 'state')} tested (at "
            f"least {settings.min_statements} statements in each window); at p ≤ {settings.shift_p:g} about "
            f"{shifts * settings.shift_p:.2g} by chance.")


def text_lines(rows: pd.DataFrame) -> list[str]:
    """One line per signal: day, kind, title, link."""
    return [f"{pd.Timestamp(r.day).date().isoformat()}  {r.kind:<13}  {r.title}  {r.link}" for r in rows.itertuples()]


# ---------------------------------------------------------------------------------------------
# Freshness
# ---------------------------------------------------------------------------------------------

def freshness(con: duckdb.DuckDBPyConnection, new_since: dt.datetime | None, f: Filters) -> pd.DataFrame:
    """One row: updated_at (UTC: the last completed upkeep, else the last finished run; NaT for
    none) and new_articles (non-duplicate articles stored after `new_since` under the filters,
    dates included; NULL when `new_since` is None)."""
    s = Scope.of(con, f, new_since=new_since)
    return s.sql(fill("changes_freshness", where=s.articles("a"))).df(con)
