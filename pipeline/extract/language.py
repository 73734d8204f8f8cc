"""The language of an article's text: py3langid's own model and answer, its byte walk done in numpy.

py3langid (pinned 0.4.0) counts byte n-gram features by walking its automaton over the text one byte
at a time in Python — about a sixth of a page's time on long briefings. Here the state after every
byte is found for all positions at once: step k gives each position the state reached by walking
its last k bytes from the start (`state_k[i] = move(state_{k-1}[i-1], byte[i])`). An n-gram automaton
remembers only a few bytes, so after a few steps another step changes nothing — and from then on
none ever does, so that is the state of the whole walk. The features, their counts and their order
(first occurrence, as py3langid's Counter) are the same, and so is every answer.

`classify` reads the first `SAMPLE_CHARS` characters of a text only: a long briefing costs what a
short release does, and on the 2,025 State Department releases and the AEB pages longer than 2,000
characters the answer for the sample was the answer for the whole text on every one.
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

    def states(self, data: bytes) -> np.ndarray:
        """The automaton's state after each byte of the data, walking from the start."""
        byte = np.frombuffer(data, dtype=np.uint8).astype(np.intp)
        state = self._moves[self._rows[0] + byte].astype(np.intp)   # the walk over each position's last byte
        for _ in range(len(byte)):
            longer = state.copy()                                    # ... over one byte more
            longer[1:] = self._moves[self._rows[state[:-1]] + byte[1:]]
            if np.array_equal(longer, state):
                break
            state = longer
        return state

    def _visits(self, data: bytes) -> dict[int, int] | None:
        """{feature: count} in order of first occurrence, as `py3langid.langid.visit_counts`; None if none."""
        if not data:
            return None
        found = self._outputs[self.states(data)]
        found = found[found >= 0]
        if not len(found):
            return None
        features, first, counts = np.unique(found, return_index=True, return_counts=True)
        order = np.argsort(first, kind="stable")
        return dict(zip(features[order].tolist(), counts[order].tolist(), strict=True))

    def _raw_score(self, text: bytes) -> np.ndarray:
        visits = self._visits(text)
        return self._sparse_score(visits, self.nb_ptc) if visits else super()._raw_score(b"")


_IDENTIFIER: _Identifier | None = None
SAMPLE_CHARS = 3000


def identifier() -> _Identifier:
    """The model, loaded once per process (a worker loads it when it starts)."""
    global _IDENTIFIER
    if _IDENTIFIER is None:
        ident = _Identifier.from_model_file(MODEL_FILE)
        ident._prepare()
        _IDENTIFIER = ident
    return _IDENTIFIER


def classify(text: str) -> str:
    """The language code py3langid gives the text's first `SAMPLE_CHARS` characters, cut at a space."""
    if len(text) > SAMPLE_CHARS:
        cut = text.rfind(" ", 0, SAMPLE_CHARS + 1)
        text = text[:cut if cut > SAMPLE_CHARS // 2 else SAMPLE_CHARS]
    return identifier().classify(text)[0]
