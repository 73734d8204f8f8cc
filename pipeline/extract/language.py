"""The language of an article's text: py3langid's own model and answer, its byte walk done in numpy.

py3langid (pinned 0.4.0) counts byte n-gram features by walking an Aho-Corasick automaton over the
text one byte at a time in Python — about a sixth of a page's time on long briefings. The automaton's
state after a byte depends only on the last `depth` bytes (its deepest state), so every position's
state is found by `depth` vectorised steps over the whole text; the features, their counts and their
order (first occurrence, as py3langid's Counter) are the same, and so is every answer.
"""
from __future__ import annotations

import numpy as np
from py3langid.langid import MODEL_FILE, LanguageIdentifier


class _Identifier(LanguageIdentifier):
    """py3langid's identifier with the feature walk in numpy (same scores, same answers)."""

    def _prepare(self) -> None:
        self._moves = np.frombuffer(self.tk_nextmove, dtype=f"u{self.tk_nextmove.itemsize}")
        self._rows = np.asarray(self.tk_row, dtype=np.intp) << 8
        self._outputs = np.asarray(self.tk_output, dtype=np.intp)
        self._depth = _depth(self._moves, self._rows)

    def _visits(self, data: bytes) -> dict[int, int] | None:
        """{feature: count} in order of first occurrence, as `py3langid.langid.visit_counts`; None if none."""
        n = len(data)
        if not n:
            return None
        byte = np.frombuffer(data, dtype=np.uint8).astype(np.intp)
        state = np.zeros(n, dtype=np.intp)
        for back in range(min(self._depth, n) - 1, -1, -1):   # state[i]: the walk over data[i-depth+1 .. i]
            state[back:] = self._moves[self._rows[state[back:]] + byte[:n - back]]
        found = self._outputs[state]
        found = found[found >= 0]
        if not len(found):
            return None
        features, first, counts = np.unique(found, return_index=True, return_counts=True)
        order = np.argsort(first, kind="stable")
        return dict(zip(features[order].tolist(), counts[order].tolist(), strict=True))

    def _raw_score(self, text: bytes) -> np.ndarray:
        visits = self._visits(text)
        return self._sparse_score(visits, self.nb_ptc) if visits else super()._raw_score(b"")


def _depth(moves: np.ndarray, rows: np.ndarray) -> int:
    """The automaton's deepest state (breadth-first from the start state): no state remembers more bytes."""
    seen = np.zeros(len(rows), dtype=bool)
    seen[0] = True
    frontier, depth = np.zeros(1, dtype=np.intp), 0
    while True:
        reached = np.unique(moves[rows[frontier][:, None] + np.arange(256)]).astype(np.intp)
        frontier = reached[~seen[reached]]
        if not len(frontier):
            return depth
        seen[frontier] = True
        depth += 1


_IDENTIFIER: _Identifier | None = None


def identifier() -> _Identifier:
    """The model, loaded once per process (a worker loads it when it starts)."""
    global _IDENTIFIER
    if _IDENTIFIER is None:
        ident = _Identifier.from_model_file(MODEL_FILE)
        ident._prepare()
        _IDENTIFIER = ident
    return _IDENTIFIER


def classify(text: str) -> str:
    """The language code py3langid gives the text (`py3langid.classify(text)[0]`)."""
    return identifier().classify(text)[0]
