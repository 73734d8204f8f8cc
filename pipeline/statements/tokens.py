"""Tokens for statement extraction: words, punctuation and whole quotations, with the word normalisation
(lower case, Russian case endings stripped) that speaker and role matching compare on."""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache

Quote = tuple[int, int, bool]       # (start, end, closed): a quotation's span, marks included

_RU_ENDINGS = sorted("""ами ями ого его ему ому ыми ими ой ей ий ый ая яя ое ее ую юю ом ем ам ям ах ях ов ев
а я у ю е ы и о ь й""".split(), key=len, reverse=True)

_TOKEN = re.compile(
    r"(?:Mr|Mrs|Ms|Dr|Prof|Gen|Sen|Rep|Gov|Lt|Col|Sgt|Capt|St|Jr|Sr)\.(?=\s)"
    r"|(?:[^\W\d_]\.){2,}"
    r"|[^\W\d_]\.(?=\s+[^\W\d_]{2})"
    r"|\w+(?:[-'’.]\w+)*"
    r"|[^\w\s]")
_INVISIBLE = set("\u200b\u200c\u200d\u2060\ufeff\u00ad")
_CYRILLIC = re.compile("[\u0400-\u04ff]")
_ARMENIAN = re.compile("[\u0530-\u058f]")
_AZERBAIJANI = re.compile("[əƏıİşŞçÇğĞöÖüÜ]")
# Armenian: the definite article (-ը) and the case endings a name takes in running text and titles
_HY_ENDINGS = ("ից", "ով", "ում", "ին", "ի")
# Azerbaijani: the genitive a name takes before a noun ("Məmmədlinin brifinqi")
_AZ_GENITIVE = ("nın", "nin", "nun", "nün")


def is_cyr(word: str) -> bool:
    """Whether a word contains Cyrillic letters (Russian rules apply to it)."""
    return _CYRILLIC.search(word) is not None


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Lower-case word with a Russian case ending stripped (English words only lower-cased), so that
    inflected forms of a name or role noun compare equal: Белова/Беловой → белов, министра → министр;
    also the Armenian article and case endings (Հովսեփյանի → հովսեփյան) and the Azerbaijani genitive
    (Məmmədlinin → məmmədli)."""
    low = word.lower().replace("ё", "е").replace("’", "'")
    if is_cyr(low):
        for end in _RU_ENDINGS:
            if low.endswith(end) and len(low) - len(end) >= 3:
                return low[: -len(end)]
    elif _ARMENIAN.search(low):
        low = low.removesuffix("ը")
        for end in _HY_ENDINGS:
            if low.endswith(end) and len(low) - len(end) >= 3:
                return low[: -len(end)]
    elif _AZERBAIJANI.search(low):
        for end in _AZ_GENITIVE:
            if low.endswith(end) and len(low) - len(end) >= 3:
                return low[: -len(end)]
    return low


@dataclass(slots=True)
class Tok:
    """A word ('w'), a punctuation mark ('p') or a whole quotation ('q', with its span in `quote`)."""

    text: str
    start: int
    end: int
    kind: str
    low: str = ""
    quote: Quote | None = None

    @property
    def cap(self) -> bool:
        """A capitalised word."""
        return self.kind == "w" and self.text[:1].isupper()


def is_possessive(tok: Tok) -> bool:
    """'Norvia's', 'ministers'': a possessive word."""
    return tok.kind == "w" and (tok.low.endswith("'s") or tok.low.endswith("s'"))


def base(tok: Tok) -> str:
    """Stem of a token without a possessive ending."""
    low = tok.low[:-2] if tok.low.endswith("'s") else tok.low
    return stem(low)


@lru_cache(maxsize=65536)
def _low(word: str) -> str:
    """The form words are compared in: lower case, ё as е, a curly apostrophe as a straight one."""
    return word.lower().replace("ё", "е").replace("’", "'")


def tokenize(text: str, lo: int, hi: int, quotes: list[Quote]) -> list[Tok]:
    """Tokens of text[lo:hi]; each quotation starting inside (from `quotes`, sorted by start) becomes one
    'q' token."""
    out: list[Tok] = []
    pos = lo
    inside = quotes[bisect.bisect_left(quotes, (lo,)):bisect.bisect_left(quotes, (hi,))]
    for q in [*inside, (hi, hi, True)]:
        for m in _TOKEN.finditer(text, pos, q[0]):
            w = m.group()
            if w in _INVISIBLE:
                continue
            start = m.start()
            kind = "w" if (w[0].isalnum() or w[0] == "_") else "p"
            out.append(Tok(w, start, start + len(w), kind, _low(w)))
        if q[0] < hi:
            out.append(Tok(text[q[0]:q[1]], q[0], q[1], "q", quote=q))
        pos = max(pos, q[1])
    return out
