"""Text → mentions: the taxonomy matcher (one Aho-Corasick automaton).

Matching runs once per article over a view of the text: lower-cased, punctuation and whitespace turned
into single spaces, same length. Every key starts with a space (and, unless it ends in a stem, ends
with one), so the automaton only reports whole words in every script and stays fast. Candidates are
then checked for exact case where an alias asks for it and for word endings of stems, and the longest
match wins, so nested aliases never count twice.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import ahocorasick

from .sentences import split_sentences
from .taxonomy import Alias, Taxonomy, fold, fold_case

_STEM = r"[^\W\d_]*"
# In the matching view, ASCII is lower-cased and its punctuation and whitespace become spaces (byte for
# byte), and so do common non-ASCII marks (one space per mark): quotes, dashes, no-break space,
# ellipsis, bullets, Armenian and CJK punctuation. Offsets stay those of the text.
_ASCII_FOLD = bytes(c if c >= 128 else ord(chr(c).lower()) if chr(c).isalnum() else 32 for c in range(256))
_ASCII_BYTES = bytes(range(128))
_MARKS = re.compile(rb"\xe2\x80[\x8b\x90-\x9f\xa2-\xa7\xb9\xba]|\xe2\x81\xa0|\xe2\x88\x92|\xc2[\xa0\xab\xb7\xbb]"
                    rb"|\xca\xbc|\xd6[\x89\x8a]|\xd5[\x9a-\x9f]|\xe3\x80[\x81\x82]|\xef\xbc[\x81-\x9f]|\xef\xbb\xbf")
# In case-sensitive aliases, separators and apostrophes may vary as they do in `fold`.
_EXACT_CLASSES = {" ": r"[\s\-\u2010-\u2015]", "-": r"[\s\-\u2010-\u2015]", "'": "['\u2018\u2019\u02bc]",
                  "\u2019": "['\u2018\u2019\u02bc]", "е": "[её]", "Е": "[ЕЁ]"}


@dataclass(frozen=True)
class Mention:
    """One mention: offsets are 0-based code points into the text, end exclusive; surface is that slice."""

    entity_id: str
    sentence_no: int
    char_start: int
    char_end: int
    surface: str


def _pattern(entity_id: str | None, alias: Alias, rank: int) -> tuple:
    """A compiled alias: (entity_id (None for the ignore list), stem tail regex over the view,
    exact-case regex over the text, multi-word?, surname?, yields_to, rank)."""
    folded = fold(alias.text)
    star = folded.find("*")
    tail = None
    if star >= 0:  # what follows the key: word endings and further words, as in the view
        tail = re.compile(_regex("*".join(_view(part)[1:-1] for part in folded[star:].split("*"))))
    exact = re.compile(_regex(alias.text, _EXACT_CLASSES)) if alias.case_sensitive else None
    return entity_id, tail, exact, " " in folded.strip(), alias.surname, alias.yields_to, rank


def _regex(pattern: str, classes: dict[str, str] | None = None) -> str:
    """Regex for an alias: '*' matches any word ending; `classes` widen single characters."""
    classes = classes or {}
    return "".join(_STEM if ch == "*" else classes.get(ch) or re.escape(ch) for ch in pattern)


def _view(text: str) -> str:
    """The text as the automaton sees it: case-folded like `fold_case`, punctuation and whitespace as
    single spaces (one char for one char, so offsets stay valid), padded with a space on each side.
    ASCII is folded byte-wise; str.lower() runs only when non-ASCII letters need it."""
    raw = text.encode("utf-8")
    view = raw.translate(_ASCII_FOLD).decode("utf-8")
    if raw.isascii():
        return " " + view + " "
    rest = raw.translate(None, _ASCII_BYTES)  # the non-ASCII characters, whole UTF-8 sequences
    for mark in set(_MARKS.findall(rest)):
        view = view.replace(mark.decode("utf-8"), " ")
    rest = rest.decode("utf-8")
    if rest != rest.lower() or "ı" in rest or "ё" in rest:
        view = fold_case(view)
    return " " + view + " "


class Tagger:
    """Finds taxonomy mentions in texts; compile once, then call `tag` for every article."""

    def __init__(self, taxonomy: Taxonomy) -> None:
        self.taxonomy = taxonomy
        groups: dict[str, list[tuple]] = {}
        sources = [(None, a) for a in taxonomy.ignore]
        sources += [(e.id, a) for e in taxonomy.entities.values() for a in e.aliases]
        # Case-sensitive aliases first, so that they win ties between equal spans.
        sources.sort(key=lambda s: not s[1].case_sensitive)
        for rank, (entity_id, alias) in enumerate(sources):
            key = _view(fold(alias.text).split("*", 1)[0])
            if "*" in alias.text:
                key = key[:-1]  # a stem: the word may go on
            groups.setdefault(key, []).append(_pattern(entity_id, alias, rank))
        self._automaton = ahocorasick.Automaton()
        for key, patterns in groups.items():
            # A key with one plain alias (no stem, exact case, line check, surname or yields_to) needs
            # no check at all: its candidate is ready-made.
            p = patterns[0]
            plain = len(patterns) == 1 and p[1] is None and p[2] is None and not any(p[3:6])
            self._automaton.add_word(key, (len(key), key.endswith(" "), tuple(patterns),
                                           (p[6], p[0]) if plain else None))
        self._empty = not groups
        if groups:
            self._automaton.make_automaton()

    def tag(self, text: str, sentences: list[tuple[int, int]] | None = None) -> list[Mention]:
        """Mentions in the text, in order of position; `sentences` as returned by split_sentences."""
        if self._empty or not text:
            return []
        if sentences is None:
            sentences = split_sentences(text)
        out = []
        no, last_no = 0, len(sentences) - 1
        chosen, named = _resolve(self._candidates(text))
        for start, end, _, entity_id, _, yields_to in chosen:
            if entity_id is None:  # an ignore-list phrase
                continue
            if yields_to is not None and yields_to in named:
                entity_id = yields_to
            while no < last_no and sentences[no + 1][0] <= start:
                no += 1
            # Mention(...) without the frozen dataclass's field-by-field object.__setattr__: about
            # three times faster, and tagging builds one per mention of every article.
            m = object.__new__(Mention)
            m.__dict__.update(entity_id=entity_id, sentence_no=no, char_start=start, char_end=end,
                              surface=text[start:end])
            out.append(m)
        return out

    def _candidates(self, text: str) -> list[tuple]:
        """Every alias occurrence: (start, end, rank, entity_id, surname?, yields_to), overlaps included."""
        view = _view(text)
        out = []
        # A key is " word " (or " stem"); it ends at view index `last`; view index i is text index i-1.
        for last, (klen, closed, patterns, plain) in self._automaton.iter(view):
            start = last - klen + 1
            stop = last - 1 if closed else last
            if plain is not None:
                out.append((start, stop, plain[0], plain[1], False, None))
                continue
            for entity_id, tail, exact, multiword, surname, yields_to, rank in patterns:
                end = stop
                if tail is not None:
                    m = tail.match(view, stop + 1)
                    if m is None or view[m.end()].isalnum():
                        continue
                    end = m.end() - 1
                if multiword and "\n" in text[start:end]:
                    continue
                if exact is not None and exact.fullmatch(text, start, end) is None:
                    continue
                out.append((start, end, rank, entity_id, surname, yields_to))
        return out


def _resolve(candidates: list[tuple]) -> tuple[list[tuple], set[str]]:
    """The candidates that count, in order, and the entities named by aliases that yield to nobody.
    The longest match wins without overlaps; surname-only aliases count after a full name of their
    entity (the most recent one when officials share a surname). Ignore-list phrases are kept (their
    entity is None): they take their span, the caller drops them."""
    candidates.sort()
    last_full: dict[str, int] = {}
    chosen: list[tuple] = []
    named: set[str] = set()
    i, n = 0, len(candidates)
    while i < n:
        c = candidates[i]
        j, cluster_end = i + 1, c[1]
        while j < n and candidates[j][0] < cluster_end:
            cluster_end = max(cluster_end, candidates[j][1])
            j += 1
        if j == i + 1:
            picked = (c,) if not c[4] or c[3] in last_full else ()
        else:
            picked = _longest_first([c for c in candidates[i:j] if not c[4] or c[3] in last_full], last_full)
        for c in picked:
            if c[3] is not None:
                if not c[4]:
                    last_full[c[3]] = c[0]
                if c[5] is None:
                    named.add(c[3])
            chosen.append(c)
        i = j
    return chosen, named


def _longest_first(cluster: list[tuple], last_full: dict[str, int]) -> list[tuple]:
    """Non-overlapping picks from overlapping candidates, longest first (then full names before
    surnames, leftmost, taxonomy order); of one surname shared by several officials, the one named
    most recently wins."""
    cluster.sort(key=lambda c: (c[0] - c[1], c[4], -last_full.get(c[3], 0) if c[4] else 0, c[0], c[2]))
    picked: list[tuple] = []
    for c in cluster:
        if all(c[1] <= p[0] or c[0] >= p[1] for p in picked):
            picked.append(c)
    picked.sort()
    return picked
