"""Text → mentions: the taxonomy matcher (one Aho-Corasick automaton).

Matching runs once per article over a view of the text: lower-cased, punctuation and whitespace turned
into single spaces, same length. Every key starts with a space (and, unless it ends in a stem, ends
with one), so the automaton only reports whole words in every script and stays fast. Each alias adds
one key per form of its first varying word (`Alias.words`, from `forms.py`); the words after it are
checked with a regular expression. Candidates are then checked for exact case where an alias asks for
it, for a capital where it is written with one, and for the words it must not stand before or after;
the longest match wins, so nested aliases never count twice.

Text that a reader sees as the same word is matched as the same word: combining accents and stress
marks (Лачи́нский), the Armenian ligature և and its spellings եւ/ԵՎ, and dotted abbreviations (U.S,
U.S., US; Р.Ф., РФ). The view of such a text drops or expands those characters and keeps a map back
to the text's offsets.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import ahocorasick

from .sentences import split_sentences
from .taxonomy import DROPPED_MARKS, Alias, Taxonomy, fold, fold_case

_STEM = r"[^\W\d_]*"
# In the matching view, ASCII is lower-cased and its punctuation and whitespace become spaces (byte for
# byte), and so do common non-ASCII marks (one space per mark): quotes, dashes, no-break space,
# ellipsis, bullets, Armenian and CJK punctuation. Offsets stay those of the text.
_ASCII_FOLD = bytes(c if c >= 128 else ord(chr(c).lower()) if chr(c).isalnum() else 32 for c in range(256))
_ASCII_BYTES = bytes(range(128))
_MARKS = re.compile(rb"\xe2\x80[\x8b\x90-\x9f\xa2-\xa7\xb9\xba]|\xe2\x81\xa0|\xe2\x88\x92|\xc2[\xa0\xab\xb7\xbb]"
                    rb"|\xca\xbc|\xd6[\x89\x8a]|\xd5[\x9a\x9d\x9f]|\xe3\x80[\x81\x82]|\xef\xbc[\x81-\x9f]|\xef\xbb\xbf")
# Characters the view drops or expands (so offsets need a map): combining marks, Armenian in-word marks,
# the ligature և.
_REMAPPED = re.compile(DROPPED_MARKS.pattern[:-1] + "\u0587]")
# In case-sensitive aliases, separators and apostrophes may vary as they do in `fold`.
_EXACT_CLASSES = {" ": r"[\s\-\u2010-\u2015]", "-": r"[\s\-\u2010-\u2015]", "'": "['\u2018\u2019\u02bc]",
                  "\u2019": "['\u2018\u2019\u02bc]", "е": "[её]", "Е": "[ЕЁ]"}
_ACRONYM = re.compile(r"(?:[^\W\d_]\.){2,6}|[^\W\d_]{2,6}")
# Hyphen, non-breaking hyphen and en dash join two names into one modifier ("Georgian–Armenian army").
_HYPHENS = "-\u2010\u2011\u2013"
_COORDINATORS = Path(__file__).with_name("coordinators.txt")


def _coordinated() -> str:
    """Regex for the space before a `not_before` word, optionally across "<conjunction> <word>"."""
    words = [fold(w.strip()) for w in _COORDINATORS.read_text(encoding="utf-8").splitlines()
             if w.strip() and not w.startswith("#")]
    alts = "|".join(re.escape(w) for w in dict.fromkeys(words))
    return r" +(?:(?:" + alts + r") +[^\W\d_]+ +)?"


_COORDINATED = _coordinated()


@dataclass(frozen=True)
class Mention:
    """One mention: offsets are 0-based code points into the text, end exclusive; surface is that slice."""

    entity_id: str
    sentence_no: int
    char_start: int
    char_end: int
    surface: str


@dataclass(frozen=True)
class _Pattern:
    """A compiled alias variant behind one or more automaton keys."""

    entity_id: str | None     # None: an ignore-list phrase or an outlet's name
    tail: str | None          # regex of what follows the key in the view (further words, stem endings)
    exact: re.Pattern | None  # exact-case check over the text
    multiword: bool
    surname: bool
    yields_to: str | None
    rank: int
    capital: bool             # the text must not start with a lower-case letter
    not_before: re.Pattern | None
    not_after: re.Pattern | None
    dot: bool                 # the alias ends with '.': a '.' right after the match belongs to it


def _regex(pattern: str, classes: dict[str, str] | None = None) -> str:
    """Regex for an alias: '*' matches any word ending; `classes` widen single characters."""
    classes = classes or {}
    return "".join(_STEM if ch == "*" else classes.get(ch) or re.escape(ch) for ch in pattern)


def _view(text: str) -> tuple[str, list[int] | None]:
    """The text as the automaton sees it, padded with a space on each side: case-folded like
    `fold_case`, punctuation and whitespace as single spaces, եւ as եվ. One character for one
    character (map None) unless the text has marks to drop or a և to expand; then the map gives the
    text offset of every view character. ASCII is folded byte-wise; str.lower() runs only when
    non-ASCII letters need it."""
    raw = text.encode("utf-8")
    if raw.isascii():
        return " " + raw.translate(_ASCII_FOLD).decode("ascii") + " ", None
    positions = None
    if _REMAPPED.search(text):
        text, positions = _remap(text)
        raw = text.encode("utf-8")
    view = raw.translate(_ASCII_FOLD).decode("utf-8")
    rest = raw.translate(None, _ASCII_BYTES)  # the non-ASCII characters, whole UTF-8 sequences
    for mark in set(_MARKS.findall(rest)):
        view = view.replace(mark.decode("utf-8"), " ")
    rest = rest.decode("utf-8")
    if rest != rest.lower() or "ı" in rest or "ё" in rest:
        view = fold_case(view)
    if "\u0582" in rest or "\u0552" in rest:
        view = view.replace("\u0565\u0582", "\u0565\u057e")
    if positions is not None:
        positions = [-1, *positions, positions[-1] + 1 if positions else 0]
    return " " + view + " ", positions


def _remap(text: str) -> tuple[str, list[int]]:
    """Text without combining marks (composed where a letter and its mark make one: u + ¨ = ü) and with
    և as եվ, and for every character kept the offset it came from."""
    chars: list[str] = []
    positions: list[int] = []
    for i, ch in enumerate(text):
        if ch == "\u0587":
            chars += ("\u0565", "\u057e")
            positions += (i, i)
        elif DROPPED_MARKS.match(ch):
            if chars and unicodedata.combining(ch):
                composed = unicodedata.normalize("NFC", chars[-1] + ch)
                if len(composed) == 1:
                    chars[-1] = composed
        else:
            chars.append(ch)
            positions.append(i)
    return "".join(chars), positions


# The view's character mapping for folded alias words: ASCII punctuation and the marks of `_MARKS` to
# spaces (folded words need no case folding).
_WORD_VIEW = {c: " " for c in range(128) if not chr(c).isalnum()}
_WORD_VIEW.update({c: " " for c in [*range(0x80, 0x3100), *range(0xfe00, 0x10000)]
                   if not 0xd800 <= c < 0xe000 and _MARKS.fullmatch(chr(c).encode("utf-8"))})


def _word_view(word: str) -> str:
    """A folded alias word as it appears in the view (punctuation as spaces), without a stem's '*'."""
    return word.rstrip("*").translate(_WORD_VIEW)


def _alternatives(forms: tuple[str, ...]) -> str:
    """Regex for one word of an alias: a stem, or any of its forms (longest first), ending a word."""
    if len(forms) == 1 and forms[0].endswith("*"):
        return _spaced(_word_view(forms[0])) + _STEM
    views = sorted({_spaced(_word_view(f)) for f in forms}, key=len, reverse=True)
    return "(?:" + "|".join(views) + r")(?!\w)"


def _spaced(view: str) -> str:
    """Regex for a word's view: its characters, any run of spaces inside it as one or more spaces."""
    return " +".join(re.escape(part) for part in view.split())


def _context(words: tuple[str, ...]) -> str:
    """Regex alternatives for `not_before`/`not_after` words (folded, '*' ending a stem)."""
    alts = []
    for word in words:
        parts = [re.escape(_word_view(w).strip()) + (_STEM if w.endswith("*") else "") for w in fold(word).split()]
        alts.append(" +".join(p for p in parts if p))
    return "(?:" + "|".join(alts) + ")"


def _variants(alias: Alias) -> list[tuple[str, tuple[tuple[str, ...], ...]]]:
    """(text, word forms) to compile for an alias: a case-sensitive abbreviation written with or
    without dots ("US", "U.S.") is compiled both ways."""
    text = alias.text
    words = alias.words or tuple((w,) for w in fold(text).split())
    if alias.case_sensitive and _ACRONYM.fullmatch(text) and text.replace(".", "").isupper():
        letters = text.replace(".", "")
        dotted = ".".join(letters) + "."
        return [(letters, ((fold(letters),),)), (dotted, ((fold(dotted),),))]
    return [(text, words)]


def _compile(entity_id: str | None, alias: Alias, rank: int) -> list[tuple[str, bool, _Pattern]]:
    """Automaton keys (key, open?, pattern) for one alias: one key per form of its first word that has
    several forms (or is a stem), after the words that have one; the rest is the pattern's tail."""
    out = []
    not_before = re.compile(_COORDINATED + _context(alias.not_before) + r"(?!\w)") if alias.not_before else None
    not_after = re.compile(r"(?<!\w)" + _context(alias.not_after) + r" +\Z") if alias.not_after else None
    for text, words in _variants(alias):
        # A final '.' ("U.S.", "Washington D.C.") is part of the match when the text has it, but not
        # needed: the key ends at the last letter ("U.S" matches too).
        dot = text.endswith(".")
        exact = re.compile(_regex(text[:-1] if dot else text, _EXACT_CLASSES)) if alias.case_sensitive else None

        def pattern(tail: str | None) -> _Pattern:
            return _Pattern(entity_id, tail, exact, len(words) > 1,
                            alias.surname, alias.yields_to, rank, alias.proper, not_before, not_after, dot)

        varying = next((i for i, forms in enumerate(words) if len(forms) > 1 or forms[0].endswith("*")), len(words))
        prefix = " " + " ".join(_word_view(forms[0]) for forms in words[:varying])
        if varying == len(words):
            out.append((prefix.rstrip() + " ", False, pattern(None)))
            continue
        rest = "".join(" +" + _alternatives(forms) for forms in words[varying + 1:])
        lead = prefix + " " if varying else prefix
        closed = stem = None
        for form in words[varying]:
            if form.endswith("*"):
                stem = stem or pattern(_STEM + rest)
                out.append((lead + _word_view(form).rstrip(), True, stem))
            else:
                closed = closed or pattern(rest or None)
                out.append((lead + _word_view(form).rstrip() + " ", False, closed))
    return out


class Tagger:
    """Finds taxonomy mentions in texts; compile once, then call `tag` for every article."""

    def __init__(self, taxonomy: Taxonomy) -> None:
        self.taxonomy = taxonomy
        groups: dict[tuple[str, bool], list[_Pattern]] = {}
        sources = [(None, a) for a in taxonomy.ignore]
        sources += [(e.id, a) for e in taxonomy.entities.values() for a in e.aliases]
        # Case-sensitive aliases first, so that they win ties between equal spans; outlets' names last,
        # so that an outlet listed in the taxonomy too is still counted for its own entry.
        sources.sort(key=lambda s: not s[1].case_sensitive)
        sources += [(None, a) for a in taxonomy.outlets]
        for rank, (entity_id, alias) in enumerate(sources):
            for key, opened, pattern in _compile(entity_id, alias, rank):
                groups.setdefault((key, opened), []).append(pattern)
        self._automaton = ahocorasick.Automaton()
        for (key, opened), patterns in groups.items():
            # A key with one plain alias (no tail, exact case, capital, context, surname or yields_to)
            # needs no check at all: its candidate is ready-made.
            p = patterns[0]
            plain = (len(patterns) == 1 and p.tail is None and p.exact is None and not p.surname
                     and p.yields_to is None and not p.multiword and p.not_before is None and p.not_after is None
                     and not p.dot)
            self._automaton.add_word(key, (len(key), not opened, tuple(patterns),
                                           (p.rank, p.entity_id, p.capital) if plain else None))
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
        view, positions = _view(text)
        out = []
        joint = []  # multiword candidates that begin after a hyphen ("Georgian-Armenian army")
        # A key is " word " (or " stem"); it ends at view index `last`. Without a map, view index i is
        # text index i - 1.
        for last, (klen, closed, patterns, plain) in self._automaton.iter(view):
            first = last - klen + 2  # view index of the match's first character
            if plain is not None:
                if positions is None:
                    start, end = first - 1, last - 1
                else:
                    start, end = _offsets(text, positions, first, last)
                if not (plain[2] and text[start].islower()):
                    out.append((start, end, plain[0], plain[1], False, None))
                continue
            stop = last if closed else last + 1  # view index just past the key's last character
            for p in patterns:
                vend = stop
                if p.tail is not None:
                    m = _compiled(p.tail).match(view, stop)
                    if m is None or view[m.end()].isalnum():
                        continue
                    vend = m.end()
                if positions is None:
                    start, end = first - 1, vend - 1
                else:
                    start, end = _offsets(text, positions, first, vend)
                if p.capital and text[start].islower():
                    continue
                if p.multiword and "\n" in text[start:end]:
                    continue
                if p.exact is not None and p.exact.fullmatch(text, start, end) is None:
                    continue
                if p.not_before is not None and p.not_before.match(view, vend):
                    continue
                if p.not_after is not None and p.not_after.search(view, max(0, first - 80), first):
                    continue
                if p.dot and text[end:end + 1] == ".":
                    end += 1
                if p.multiword and start > 1 and text[start - 1] in _HYPHENS and text[start - 2].isalnum():
                    joint.append(len(out))
                out.append((start, end, p.rank, p.entity_id, p.surname, p.yields_to))
        return _without_joint_phrases(out, joint)


def _without_joint_phrases(candidates: list[tuple], joint: list[int]) -> list[tuple]:
    """Drop a multiword alias whose first word is the second half of a hyphenated pair of names: in
    "Georgian-Armenian army" the army is a joint one, not the "Armenian army"; the names still count."""
    if not joint:
        return candidates
    ends = {c[1] for c in candidates if c[3] is not None}
    drop = {i for i in joint if candidates[i][0] - 1 in ends}
    return [c for i, c in enumerate(candidates) if i not in drop] if drop else candidates


@lru_cache(maxsize=None)
def _compiled(tail: str) -> re.Pattern:
    """A tail's regex, compiled the first time a key needs it (most keys of a large taxonomy never fire
    in a given process, and compiling all of them would triple the matcher's set-up time)."""
    return re.compile(tail)


def _offsets(text: str, positions: list[int], first: int, vend: int) -> tuple[int, int]:
    """Text offsets of the view span [first, vend), through the view's map; the end takes in the marks
    that follow the last letter."""
    start, end = positions[first], positions[vend - 1] + 1
    while end < len(text) and DROPPED_MARKS.match(text[end]):
        end += 1
    return start, end


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
