"""Statement clusters: reports of one statement by one speaker across articles, outlets and languages
(near-identical quote words, said within a few weeks) share one cluster id. A statement in a
transcript or release and the news reports of it fall into one cluster, whose id is then the primary
statement's own id: where it was first said (its article's URL) and how many outlets reported it are
one join away (the `statement_clusters` view; README, "Statements")."""
from __future__ import annotations

import re
from collections import Counter, defaultdict, deque

import pandas as pd

from .tokens import stem

CLUSTER_WINDOW_DAYS = 21
PRIMARY_GENRES = ("transcript", "release")

_WORD = re.compile(r"\w+", re.U)


def _quote_tokens(quote: str) -> frozenset[str]:
    """The set of lower-cased words of a quote."""
    return frozenset(w.lower().replace("ё", "е") for w in _WORD.findall(quote or ""))


def block_key(entity_id: object, speaker: object, key: object = None) -> str | None:
    """Blocking key: the stored speaker key (the same across scripts), else the taxonomy entity, else the
    stem of the speaker's last word ("Brandt", "spokesperson")."""
    if isinstance(key, str) and key:
        return key
    if isinstance(entity_id, str) and entity_id:
        return "e:" + entity_id
    if isinstance(speaker, str) and speaker.strip():
        words = [w for w in _WORD.findall(speaker.lower()) if w not in ("the", "a", "an")]
        return "s:" + stem(words[-1]) if words else None
    return None


def _key_words(words: frozenset[str], frequency: Counter[str]) -> list[str]:
    """The rarest n - ceil(3n/4) + 1 of a quote's n words. Either test of near-identity needs the
    shorter quote (n words) to share at least 3n/4 of them with the longer (Jaccard >= 0.6 needs
    0.375 of both sizes together; containment 0.8 n), so any n - ceil(3n/4) + 1 of its words include
    a shared one: a pair is found through the shorter quote's key words alone, and rare words keep
    those lists short (prefix filtering)."""
    n = len(words)
    return sorted(words, key=lambda w: (frequency[w], w))[:n - (3 * n + 3) // 4 + 1]


def assign_clusters(df: pd.DataFrame) -> pd.Series:
    """Cluster id per row: reports of one statement by one speaker (near-identical quote, said within
    CLUSTER_WINDOW_DAYS) share one id — that of the earliest member from a transcript or release when
    the frame has a `genre` column and the cluster has one (the primary source), else the smallest
    statement_id of the cluster. Rows are blocked by speaker (`speaker_key` when present) and compared
    only inside a sliding date window, through an index of shared words."""
    ids = df["statement_id"].astype(str).tolist()
    parent = list(range(len(ids)))

    def find(x: int) -> int:
        """Union-find root with path halving."""
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    stored = df["speaker_key"] if "speaker_key" in df.columns else [None] * len(df)
    keys = [block_key(e, s, k) for e, s, k in zip(df["speaker_entity_id"], df["speaker"], stored, strict=True)]
    dates = pd.to_datetime(df["said_on"], errors="coerce").tolist()
    toks = [_quote_tokens(q) for q in df["quote"]]
    sizes = [len(t) for t in toks]
    blocks: dict[tuple[str, bool], list[int]] = defaultdict(list)
    for i, key in enumerate(keys):
        if key is not None and toks[i]:
            blocks[(key, pd.isna(dates[i]))].append(i)
    window = pd.Timedelta(days=CLUSTER_WINDOW_DAYS)
    for (_, undated), rows in blocks.items():
        if len(rows) < 2:
            continue
        rows.sort(key=lambda r: (dates[r] if not undated else 0, ids[r]))
        df_words = Counter(w for r in rows for w in toks[r])
        keys_of = {r: _key_words(toks[r], df_words) for r in rows}
        active: deque[int] = deque()
        every: dict[str, set[int]] = defaultdict(set)     # word -> rows of the window holding it
        keyed: dict[str, set[int]] = defaultdict(set)     # word -> rows of the window with it as a key word
        for r in rows:
            while active and not undated and dates[r] - dates[active[0]] > window:
                old = active.popleft()
                for w in toks[old]:
                    every[w].discard(old)
                for w in keys_of[old]:
                    keyed[w].discard(old)
                    if not keyed[w]:
                        del keyed[w]
            size, mine = sizes[r], toks[r]
            candidates: set[int] = set()
            for w in keys_of[r]:              # rows at least as long as this one share one of its key words
                candidates.update(c for c in every[w] if sizes[c] >= size)
            for w in mine & keyed.keys():     # rows shorter than this one share one of their key words
                candidates.update(c for c in keyed[w] if sizes[c] < size)
            for c in candidates:              # near-identical: most words shared, or the shorter (4+ words)
                other = sizes[c]              # almost inside the longer
                inter = len(mine & toks[c])
                small = size if size < other else other
                if inter / (size + other - inter) >= 0.6 or (small >= 4 and inter / small >= 0.8):
                    ra, rb = find(r), find(c)
                    if ra != rb:
                        parent[max(ra, rb)] = min(ra, rb)
            active.append(r)
            for w in mine:
                every[w].add(r)
            for w in keys_of[r]:
                keyed[w].add(r)
    genres = df["genre"].tolist() if "genre" in df.columns else [None] * len(df)
    lead: dict[int, tuple] = {}
    for i, sid in enumerate(ids):
        root = find(i)
        primary = genres[i] in PRIMARY_GENRES
        when = dates[i] if not pd.isna(dates[i]) else pd.Timestamp.max
        rank = (not primary, when if primary else pd.Timestamp.min, sid)
        if root not in lead or rank < lead[root][0]:
            lead[root] = (rank, sid)
    return pd.Series([lead[find(i)][1] for i in range(len(ids))], index=df.index, name="cluster_id")
