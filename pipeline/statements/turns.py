"""Turns of a transcript: paragraphs that open with a speaker label ("MR PRICE:", "QUESTION:", "Вопрос:",
"С.В.Лавров:", "Sual:", "Հարց."), each turn running to the next label. The label words are data
(transcripts.yaml); a label's role is `question`, `answer` (an unnamed official), `moderator` or
`named` (a person or an office, resolved to a speaker by documents.py).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ..config import read_yaml
from .cues import load_cues
from .tokens import stem

LABELS_PATH = Path(__file__).with_name("transcripts.yaml")

_PARAGRAPH = re.compile(r"[^\n\r\u2028\u2029]+")
# An upper-case name label: "MR PRICE:", "SECRETARY BLINKEN:", "FOREIGN MINISTER LE DRIAN:", "MS. PSAKI:"
_CAPS = re.compile(r"(?:[A-ZÀ-ÖØ-ÞĀ-Ž][A-ZÀ-ÖØ-ÞĀ-Ž.'’-]*\s+){0,5}[A-ZÀ-ÖØ-ÞĀ-Ž][A-ZÀ-ÖØ-ÞĀ-Ž'’-]+\.?\s*:")
# Initials and a surname: "М.В.Захарова:", "С.В. Лавров:", "J. Smith:"
_INITIALS = re.compile(r"(?:[^\W\d_]\.\s?){1,2}[^\W\d_][^\W\d_’'-]+\s*:")
# A leading stage direction: "(Via interpreter)", "(In English)"
_DIRECTION = re.compile(r"\s*\([^()\n]{1,40}\)\s*")


@dataclass(frozen=True)
class Labels:
    """The label vocabulary of transcripts.yaml, all languages merged."""

    question: frozenset[str]
    answer: frozenset[str]
    moderator: frozenset[str]
    not_speakers: frozenset[str]
    honorifics: frozenset[str]
    non_statements: tuple[str, ...]
    short_words: int
    attributable: tuple[str, ...]
    nominative_endings: tuple[tuple[str, str], ...]
    patterns: tuple[re.Pattern, ...] = ()
    moderation_words: frozenset[str] = field(default_factory=frozenset)

    def role(self, words: str) -> str | None:
        """question | answer | moderator for a role label's words, else None."""
        low = " ".join(words.lower().split())
        for role, vocab in (("question", self.question), ("answer", self.answer), ("moderator", self.moderator)):
            if low in vocab:
                return role
        return None


@lru_cache(maxsize=2)
def load_labels(path: str | Path | None = None) -> Labels:
    """The label vocabulary (cached per path)."""
    data = read_yaml(path or LABELS_PATH)
    sets: dict[str, set[str]] = {k: set() for k in ("question", "answer", "moderator", "not_speakers", "honorifics")}
    non, attributable, endings, moderation = [], [], [], set()
    for block in data.values():
        if not isinstance(block, dict):
            continue
        moderation.update(str(w).lower() for w in block.get("moderation_words") or [])
        for name, words in sets.items():
            words.update(" ".join(str(w).lower().split()) for w in block.get(name) or [])
        non.extend(str(w).lower() for w in block.get("non_statements") or [])
        attributable.extend(str(w).lower() for w in block.get("attributable") or [])
        endings.extend((block.get("nominative_endings") or {}).items())
    return Labels(*(frozenset(sets[k]) for k in ("question", "answer", "moderator", "not_speakers", "honorifics")),
                  tuple(sorted(non, key=len, reverse=True)), int(data.get("short_words", 14)),
                  tuple(attributable), tuple(endings),
                  tuple(re.compile(p, re.I) for p in data.get("non_statement_patterns") or []), frozenset(moderation))


@dataclass
class Turn:
    """One labelled turn: the label (its text and span), its role, and the body after it up to the next label."""

    label: str
    role: str                      # question | answer | moderator | named
    label_start: int
    label_end: int
    start: int                     # body start (after the label and any stage direction)
    end: int


@dataclass
class Turns:
    """The turns of a text, and where the text before the first label ends."""

    turns: list[Turn]
    preamble_end: int

    @property
    def is_transcript(self) -> bool:
        """Labelled turns carry the text: a question and an answer, or two turns of named officials."""
        roles = [t.role for t in self.turns]
        speaking = sum(r in ("answer", "named") for r in roles)
        return ("question" in roles and speaking >= 1) or sum(r == "named" for r in roles) >= 2


def _label_at(text: str, lo: int, hi: int, labels: Labels) -> tuple[str, str, int] | None:
    """(label words, role, end offset of the label) of a paragraph that opens with a speaker label."""
    line = text[lo:hi]
    # a role word followed by ":" / "." / "։" (Q may stand alone before the text)
    m = re.match(r"\s*([^\W\d_]+(?:\s+[^\W\d_]+){0,2})\s*([:.։])\s+", line)
    if m and labels.role(m.group(1)):
        return m.group(1), labels.role(m.group(1)) or "", lo + m.end()
    m = re.match(r"\s*(Q)\s{1,3}(?=[A-Z“\"])", line)
    if m:
        return "Q", "question", lo + m.end()
    for rx in (_CAPS, _INITIALS):
        m = rx.match(line)
        if m:
            words = m.group(0).rstrip(": ").rstrip()
            low = words.lower().rstrip(".")
            if low in labels.not_speakers or low.split()[0] in labels.not_speakers or len(words) < 2:
                return None
            role = labels.role(words.rstrip(".")) or "named"
            return words, role, lo + m.end()
    return None


def _speaker_like(label: str, count: int, labels: Labels) -> bool:
    """Whether a named label names a speaker, not a section ("KEEPING SCORE:", "THE DAY IN ASIA:"): it has
    an honorific, a role word or initials, or it recurs (a speaker takes several turns)."""
    words = [w for w in re.split(r"[\s.]+", label.lower()) if w]
    if not words:
        return False
    if words[0] in labels.honorifics or re.match(r"(?:[^\W\d_]\.\s?){1,2}", label):
        return True
    if load_cues().role_in([stem(w) for w in words]) is not None and len(words) >= 2:
        return True
    return count >= 2


def find_turns(text: str, labels: Labels | None = None) -> Turns:
    """The labelled turns of a text (empty when it is not a transcript)."""
    labels = labels or load_labels()
    found: list[Turn] = []
    for m in _PARAGRAPH.finditer(text):
        got = _label_at(text, m.start(), m.end(), labels)
        if got is None:
            continue
        words, role, end = got
        d = _DIRECTION.match(text, end)
        while d and d.end() < m.end():
            end = d.end()
            d = _DIRECTION.match(text, end)
        found.append(Turn(words, role, m.start(), end, end, len(text)))
    counts: dict[str, int] = {}
    for turn in found:
        counts[turn.label.lower()] = counts.get(turn.label.lower(), 0) + 1
    found = [t for t in found if t.role != "named" or _speaker_like(t.label, counts[t.label.lower()], labels)]
    for turn, nxt in zip(found, found[1:], strict=False):
        turn.end = nxt.label_start
    turns = Turns(found, found[0].label_start if found else len(text))
    return turns if turns.is_transcript else Turns([], len(text))
