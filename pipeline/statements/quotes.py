"""Quotations and the text layout statements are read from: quote marks paired per paragraph, Russian
dialogue dashes split, and sentences merged into attribution units so that no quotation crosses one.

Pairing rules: an opening mark follows a space or opening punctuation and precedes a non-space; a
closing mark the reverse. Straight single quotes pair only where no apostrophe reading fits, and a
double quote left open runs to the end of its paragraph (a quote carrying on into the next one).
"""
from __future__ import annotations

import bisect
import re

from .cues import Lexicon
from .tokens import Quote, Tok, tokenize

OPENERS = {'"': '"”', "“": "”\"", "„": "“”\"", "«": "»", "‹": "›", "‘": "’'", "'": "'’"}
QUOTE_CHARS = set(OPENERS) | set("\"”“»›’'")
_SINGLE = set("'‘")
_CLOSE_NEXT = set(".,;:!?)]}—–-…") | QUOTE_CHARS
_OPEN_PREV = set("([{—–-/:;") | QUOTE_CHARS
_PARAGRAPH = re.compile(r"[^\n\r\u2028\u2029]*\S[^\n\r\u2028\u2029]*")
_HEADLINE_END = re.compile(r"[.!?…:։][\"'”’»)]*$")
_SIGNED = re.compile(r"(?<=[.!?…])\s+(?P<name>[A-Z][\w'’-]+(?:\s+(?:[A-Z][\w'’-]+|al|de|van|von|bin))"
                     r"{1,3})(?:,\s[^.!?\"“”\n]{1,60})?\s*$")
_LABEL = re.compile(r"[A-Z]{2,}(?:\s+[A-Z]{2,})*\s*:")
_SENTENCE_END = re.compile(r"[.!?…:;։][\"'”’»)]*\s*$")
_RU_SPLIT = re.compile(r"(?<=[,.!?…])\s*[—–]\s+([^—–«»„“”\n]{3,120}?)[.,]\s*[—–]\s+")


def _can_open(text: str, i: int, lo: int, hi: int) -> bool:
    """Whether the mark at i may open a quotation (after a space or opening punctuation, before a word)."""
    c = text[i]
    prev = text[i - 1] if i > lo else " "
    nxt = text[i + 1] if i + 1 < hi else " "
    if nxt.isspace():
        return False
    if c in "\"'":
        if not (prev.isspace() or prev in _OPEN_PREV):
            return False
        if c == "'" and not nxt.isalpha():
            return False
    elif prev.isalnum():
        return False
    return True


def _can_close(text: str, i: int, lo: int, hi: int) -> bool:
    """Whether the mark at i may close a quotation (after a word, before a space or punctuation), and is
    not an apostrophe."""
    c = text[i]
    prev = text[i - 1] if i > lo else " "
    nxt = text[i + 1] if i + 1 < hi else " "
    if prev.isspace():
        return False
    if c in "\"'’":
        if not (nxt.isspace() or nxt in _CLOSE_NEXT):
            return False
        if c in "'’":
            if prev.isalnum() and nxt.isalnum():
                return False
            if prev.isalpha() and nxt.isspace():
                # "ministers' meeting": an apostrophe unless a capital or punctuation follows
                j = i + 1
                while j < hi and text[j].isspace():
                    j += 1
                if j < hi and text[j].islower():
                    return False
    return True


def find_quotes(text: str, lo: int, hi: int) -> list[Quote]:
    """Top-level quotations in text[lo:hi] (one paragraph): (start, end, closed). Nested quotes stay
    inside their outer quote; an unclosed double quote runs to the end of the paragraph."""
    ignore: set[int] = set()
    while True:
        stack: list[int] = []
        out: list[Quote] = []
        for i in range(lo, hi):
            c = text[i]
            if c not in QUOTE_CHARS or i in ignore:
                continue
            if stack and c in OPENERS[text[stack[-1]]] and _can_close(text, i, lo, hi):
                start = stack.pop()
                if not stack:
                    out.append((start, i + 1, True))
                continue
            if c in OPENERS and _can_open(text, i, lo, hi):
                stack.append(i)
        if not stack:
            return out
        bad = {p for p in stack if text[p] in _SINGLE}
        if bad:
            ignore |= bad
            continue
        end = hi
        while end > stack[0] and text[end - 1].isspace():
            end -= 1
        out.append((stack[0], end, False))
        return out


def split_dialogue(text: str, quote: Quote, lex: Lexicon) -> list[Quote]:
    """«A, — сказала Белова. — B»: one pair of marks around two segments and an attribution → two quotes."""
    start, end, closed = quote
    for m in _RU_SPLIT.finditer(text, start + 1, end - 1):
        toks = tokenize(text, m.start(1), m.end(1), [])
        if any(lex.verb_at(toks, k) for k in range(len(toks))):
            return [(start, m.start(), True), *(split_dialogue(text, (m.end(), end, closed), lex))]
    return [quote]


class Unit:
    """One attribution unit: sentences merged so that no quotation crosses a boundary."""

    def __init__(self, index: int, para: int, start: int, end: int, toks: list[Tok]) -> None:
        self.index, self.para, self.start, self.end, self.toks = index, para, start, end, toks


class Layout:
    """An article's paragraphs, quotations and attribution units; which paragraphs are headlines, labels or
    captions (skipped) and which are pull quotes."""

    def __init__(self, text: str, sentences: list[tuple[int, int]], lex: Lexicon) -> None:
        self.text = text
        self.paragraphs = self._paragraphs(text)
        self.quotes: list[Quote] = []
        for lo, hi in self.paragraphs:
            for q in find_quotes(text, lo, hi):
                self.quotes.extend(split_dialogue(text, q, lex))
        self._quote_starts = [q[0] for q in self.quotes]
        self.units = [Unit(i, p, s, e, tokenize(text, s, e, self.quotes))
                      for i, (p, s, e) in enumerate(self._merge(sentences or self.paragraphs))]
        self.pull_quotes = self._pull_quotes()
        self.skipped = self._headline_paragraphs() | {para for para, _, _ in self.pull_quotes}

    @staticmethod
    def _paragraphs(text: str) -> list[tuple[int, int]]:
        """Paragraph spans; a break inside a sentence (no final punctuation before it, a lower-case word
        after it, as when a page splits a long quote) does not start a new paragraph."""
        out: list[tuple[int, int]] = []
        for m in _PARAGRAPH.finditer(text):
            lo, hi = m.start(), m.end()
            first = text[lo:hi].lstrip()[:1]
            if out and first.islower() and not _SENTENCE_END.search(text, out[-1][0], out[-1][1]):
                out[-1] = (out[-1][0], hi)
            else:
                out.append((lo, hi))
        return out

    def _in_quote(self, pos: int) -> bool:
        """Whether a position lies strictly inside a quotation (quotations do not overlap)."""
        k = bisect.bisect_left(self._quote_starts, pos) - 1
        return k >= 0 and self.quotes[k][0] < pos < self.quotes[k][1]

    def has_quote(self, start: int, end: int) -> bool:
        """Whether a whole quotation lies within [start, end)."""
        k = bisect.bisect_left(self._quote_starts, start)
        return k < len(self.quotes) and self.quotes[k][1] <= end

    def _merge(self, sentences: list[tuple[int, int]]) -> list[tuple[int, int, int]]:
        """(paragraph index, start, end) of units: sentences joined where a quotation spans them."""
        paragraphs = self.paragraphs
        out: list[tuple[int, int, int]] = []
        pi = 0
        for s, e in sorted(sentences):
            while pi + 1 < len(paragraphs) and paragraphs[pi][1] <= s:
                pi += 1
            if out and out[-1][0] == pi and self._in_quote(s):
                out[-1] = (pi, out[-1][1], max(out[-1][2], e))
            else:
                out.append((pi, s, e))
        return out

    def _headline_paragraphs(self) -> set[int]:
        """Paragraphs that read as headlines or captions (no final punctuation, short): the title that
        trafilatura puts first, cross-heads, and links under an upper-case label ("READ MORE: …",
        "WATCH: …"). Their quotes are not statements."""
        out = set()
        if len(self.paragraphs) < 2:
            return out
        for i, (lo, hi) in enumerate(self.paragraphs):
            line = self.text[lo:hi].rstrip()
            words = len(line.split())
            short_title = not _HEADLINE_END.search(line) and words <= (25 if i == 0 else 12)
            if short_title or (_LABEL.match(line) and words <= 25):
                out.add(i)
        return out

    def _pull_quotes(self) -> list[tuple[int, tuple[int, int], tuple[int, int]]]:
        """Pull quotes: a paragraph of someone's words with no quote marks, signed at the end by a name
        (and a role) with no final full stop — "… what it has brought me. Morgan McNeely". Gives
        (paragraph, span of the words, span of the name)."""
        out = []
        for i, (lo, hi) in enumerate(self.paragraphs):
            m = _SIGNED.search(self.text, lo, hi)
            if m and len(self.text[lo:m.start()].split()) >= 5 and not self.has_quote(lo, hi):
                out.append((i, (lo, m.start()), (m.start("name"), m.end("name"))))
        return out

    def starts_para(self, unit: Unit, tok: Tok) -> bool:
        """Whether a token is the first thing in its paragraph."""
        lo = self.paragraphs[unit.para][0]
        return not self.text[lo:tok.start].strip()

    def next_para_quote(self, unit: Unit) -> bool:
        """Whether the next paragraph opens with a quotation (the usual sign of a continued quote)."""
        if unit.para + 1 >= len(self.paragraphs):
            return False
        return self.text[self.paragraphs[unit.para + 1][0]] in OPENERS


_last_layout: list[tuple[str, list[tuple[int, int]], Lexicon, Layout]] = []


def layout_of(text: str, sentences: list[tuple[int, int]], lex: Lexicon) -> Layout:
    """The Layout of a text, reused when asked again for the same text (a release reads its layout twice:
    for the quotes it reports and for its own acts); a Layout is never changed once built."""
    if _last_layout:
        t, sents, lx, layout = _last_layout[0]
        if lx is lex and t == text and sents == sentences:
            return layout
    layout = Layout(text, sentences, lex)
    _last_layout[:] = [(text, list(sentences), lex, layout)]
    return layout
