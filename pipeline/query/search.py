"""The text search box's syntax: parsed here, matched as SQL by `where.Scope.text_keys`.

    peace talks              both words, each in any of its forms (talks, talk, talking; Степанакерта, Степанакерт)
    Лачин*                   any word starting with "Лачин" (Лачин, Лачина, Лачинский, Лачинского …)
    "Lachin corridor"        the words next to each other, in this order (any of their forms)
    Stepanakert OR Khankendi either word; OR joins the terms on each side of it
    Stepanakert OR Khankendi blockade    (Stepanakert or Khankendi) and blockade

Words are cut and lower-cased as the text index cuts them (letters and digits of any alphabet), and
matched by their stems (store/text_index.py: English and Russian Snowball stemmers); a word with
punctuation inside ("peace-talks") is the phrase of its parts. Matching runs in SQL, where the
database tokenizes and stems the query's words exactly as it did the articles'.
"""
from __future__ import annotations

import dataclasses
import re

# A quoted phrase (straight, curly or guillemet quotes; an unclosed quote runs to the end) or a term.
_TOKEN = re.compile(r'"([^"]*)"?|“([^”]*)”?|«([^»]*)»?|„([^“”]*)[“”]?|(\S+)')
OR_WORDS = {"OR", "|"}
MIN_PREFIX = 2  # letters before a '*': shorter prefixes match most of the vocabulary


@dataclasses.dataclass(frozen=True)
class Term:
    """One term of the search as typed: a word, a prefix (`word*`) or a quoted phrase."""

    text: str
    kind: str  # "word", "prefix" or "phrase"

    def shown(self) -> str:
        """The term as the analyst would type it."""
        return {"prefix": f"{self.text}*", "phrase": f"“{self.text}”"}.get(self.kind, self.text)


@dataclasses.dataclass(frozen=True)
class Search:
    """A parsed search: every group must match (AND), a group matches when any of its terms does (OR)."""

    groups: tuple[tuple[Term, ...], ...]
    notes: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.groups)

    def terms(self) -> list[Term]:
        return [t for group in self.groups for t in group]

    def describe(self) -> str:
        """What is searched, in words: "Stepanakert or Khankendi (any form), and words starting with Лачин"."""
        parts = []
        for group in self.groups:
            parts.append(" or ".join(_describe(t) for t in group))
        return "; and ".join(parts)

    def prefix_suggestion(self) -> str | None:
        """The same search with its plain words as prefixes (`Лачин` → `Лачин*`), when it has any."""
        if not any(t.kind == "word" for t in self.terms()):
            return None
        out = []
        for group in self.groups:
            out.append(" OR ".join(f"{t.text}*" if t.kind == "word" else t.shown() for t in group))
        return " ".join(out)


def _describe(t: Term) -> str:
    if t.kind == "prefix":
        return f"words starting with “{t.text}”"
    if t.kind == "phrase":
        return f"the phrase “{t.text}”"
    return f"“{t.text}” in any form"


def parse(q: str) -> Search:
    """The search typed as `q` (see the module docstring); empty terms are dropped, a dangling OR ignored."""
    groups: list[list[Term]] = []
    notes: list[str] = []
    join_next = False
    for m in _TOKEN.finditer(q or ""):
        quoted = next((g for g in m.groups()[:4] if g is not None), None)
        raw = m.group(5)
        if raw in OR_WORDS:
            join_next = bool(groups)
            continue
        if quoted is not None:
            text = " ".join(quoted.replace("*", " ").split())
            if "*" in quoted:
                notes.append(f"“*” inside quotes is ignored: {quoted.strip()}")
            term = Term(text, "phrase") if text else None
        elif raw.endswith("*") and len(raw.rstrip("*")) >= MIN_PREFIX:
            term = Term(raw.rstrip("*"), "prefix")
        else:
            if raw.endswith("*") and raw.strip("*"):
                notes.append(f"“{raw}”: a prefix needs at least {MIN_PREFIX} letters; searched as a word")
            text = raw.strip("*")
            term = Term(text, "word") if text else None
        if term is None:
            continue
        if join_next:
            groups[-1].append(term)
        else:
            groups.append([term])
        join_next = False
    return Search(tuple(tuple(g) for g in groups), tuple(notes))


@dataclasses.dataclass(frozen=True)
class Resolved:
    """A term cut into the index's words: `words` as written (lower case), `stems` of each."""

    term: Term
    words: tuple[str, ...]
    stems: tuple[str, ...]

    @property
    def matchable(self) -> bool:
        return bool(self.words)

    @property
    def key(self) -> tuple:
        """What the term matches: equal keys find the same articles."""
        return (self.kind, self.words) if self.kind == "prefix" else (self.kind, self.stems)

    @property
    def kind(self) -> str:
        """How the term is matched: a single word by its stem, a prefix on the words as written, else
        (several words, from a phrase or a word with punctuation inside) as a phrase of stems."""
        if self.term.kind == "prefix" and len(self.words) == 1:
            return "prefix"
        return "word" if len(self.words) == 1 else "phrase"
