"""Text → statements: direct quotes and reported speech, each with speaker, type and date, by rules.

No model: quote marks are paired per paragraph; attribution frames ("X said", "…, said X", "according
to X", "X called on Y to …", "по словам X", "X заявил, что …") are found outside quotes with the
speech verbs and cue phrases of `speech_cues.yaml`; speakers are resolved within the article (surname →
full name, pronoun → last fitting speaker, role noun → last speaker with that role) and through the
taxonomy (mentions, and the official holding a role on the article's date).

Span convention (char_start/char_end, 0-based code points, end exclusive):
- a quotation on its own: from its opening to its closing mark, both included; a quote that carries
  on into the next paragraph (no closing mark) runs to the end of its paragraph;
- reported speech, and clauses that embed a partial quote: the reported content alone — after "that",
  "что", the verb or "according to X," — without the final full stop (a closing quote mark stays).
A quote split by its attribution ("…," he said. "…") gives one statement per quoted segment, all with
the same speaker; so does a paragraph that continues a quote without naming the speaker again.
"""
from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd
import yaml

from .tag import Mention
from .taxonomy import Taxonomy

CUES_PATH = Path(__file__).with_name("speech_cues.yaml")
TYPES = ("appeal", "concern", "condemn", "welcome", "commit", "reject", "threat")
CLUSTER_WINDOW_DAYS = 21


@dataclass
class Statement:
    """One statement: who said it (as resolved), what (span of the text) and when."""

    speaker: str | None
    speaker_role: str | None
    speaker_entity_id: str | None
    speaker_state_id: str | None
    quote: str
    kind: str                     # 'direct' (carries quoted words) | 'indirect'
    statement_type: str           # appeal|concern|condemn|welcome|commit|reject|threat|statement
    cue: str | None
    char_start: int
    char_end: int
    said_on: dt.date | None


# ---------------------------------------------------------------------------------------------------
# Lexicon (speech_cues.yaml)

_RU_ENDINGS = sorted("""ами ями ого его ему ому ыми ими ой ей ий ый ая яя ое ее ую юю ом ем ам ям ах ях ов ев
а я у ю е ы и о ь й""".split(), key=len, reverse=True)


def _is_cyr(word: str) -> bool:
    return any("\u0400" <= ch <= "\u04ff" for ch in word)


def stem(word: str) -> str:
    """Lower-case word with a Russian case ending stripped (English words only lower-cased), so that
    inflected forms of a name or role noun compare equal: Белова/Беловой → белов, министра → министр."""
    low = word.lower().replace("ё", "е").replace("’", "'")
    if _is_cyr(low):
        for end in _RU_ENDINGS:
            if low.endswith(end) and len(low) - len(end) >= 3:
                return low[: -len(end)]
    return low


def _wmatch(pattern: str, low: str) -> bool:
    """A lexicon word against a lower-cased token; a trailing '*' matches any ending."""
    if pattern.endswith("*"):
        return low.startswith(pattern[:-1])
    return low == pattern


def _en_forms(lemma: str) -> list[str]:
    """Regular English forms of a verb: base, -s, -ed, -ing."""
    if lemma.endswith("e"):
        return [lemma, lemma + "s", lemma + "d", lemma[:-1] + "ing"]
    if lemma.endswith("y") and lemma[-2:-1] not in "aeiou":
        return [lemma, lemma[:-1] + "ies", lemma[:-1] + "ied", lemma + "ing"]
    if lemma.endswith(("s", "sh", "ch", "x", "z")):
        return [lemma, lemma + "es", lemma + "ed", lemma + "ing"]
    return [lemma, lemma + "s", lemma + "ed", lemma + "ing"]


@dataclass(frozen=True)
class _Verb:
    words: tuple[str, ...]
    lemma: str
    frame: str                 # clause | object | quote | source
    type: str | None
    addressee: bool
    participle: bool           # an -ing form or a Russian gerund ("saying", "заявив")


def _cue_regex(phrases: list[str]) -> str:
    """Alternation of cue phrases: '*' ends a word stem, '~' allows up to four words in between."""
    out = []
    for phrase in phrases:
        parts = []
        for word in phrase.split():
            if word == "~":
                parts.append(r"(?:\s+[\w'’-]+){0,4}?")
            else:
                w = re.escape(word[:-1]) + r"[\w'’-]*" if word.endswith("*") else re.escape(word)
                parts.append((r"\s+" if parts else "") + w)
        out.append("".join(parts))
    return r"(?<![\w])(?:" + "|".join(out) + r")(?![\w])"


class Lexicon:
    """Speech verbs, cue phrases and word lists of all languages in speech_cues.yaml, merged."""

    def __init__(self, data: dict) -> None:
        self.verbs: dict[str, list[_Verb]] = defaultdict(list)
        self.roles: list[tuple[tuple[str, ...], str]] = []
        sets: dict[str, set[str]] = defaultdict(set)
        self.pronouns: dict[str, str] = {}
        self.source_pronouns: dict[str, str] = {}
        self.honorifics: dict[str, str | None] = {}
        self.relative_days: dict[tuple[str, ...], int] = {}
        self.weekdays: list[list[str]] = [[] for _ in range(7)]
        self.months: list[list[str]] = [[] for _ in range(12)]
        self.skip: set[tuple[str, ...]] = set()
        self.negators: set[tuple[str, ...]] = set()
        cues: dict[str, list[str]] = defaultdict(list)
        for lang in data.values():
            for lemma, spec in (lang.get("verbs") or {}).items():
                self._add_verb(lemma, spec or {})
            for phrase in lang.get("sources") or []:
                words = tuple(phrase.split())
                self.verbs[self._key(words[0])].append(_Verb(words, phrase, "source", None, False, False))
            for title_type, phrases in (lang.get("type_cues") or {}).items():
                cues[title_type].extend(phrases)
            for surface, title in (lang.get("roles") or {}).items():
                self.roles.append((tuple(stem(w) for w in surface.split()), title))
            for key in ("generic_roles", "org_nouns", "doc_nouns", "modifiers", "reporters", "boundaries",
                        "stop_caps", "clause_starters", "prepositions", "verbish"):
                sets[key].update(stem(w) if key in ("org_nouns", "doc_nouns", "reporters") else w.lower()
                                 for w in lang.get(key) or [])
            self.pronouns.update(lang.get("pronouns") or {})
            self.source_pronouns.update(lang.get("source_pronouns") or {})
            self.honorifics.update(lang.get("honorifics") or {})
            for phrase in lang.get("skip_before_verb") or []:
                self.skip.add(tuple(phrase.lower().split()))
            for phrase in lang.get("negators") or []:
                self.negators.add(tuple(phrase.lower().split()))
            for i, w in enumerate(lang.get("weekdays") or []):
                self.weekdays[i].append(w)
            for i, w in enumerate(lang.get("months") or []):
                self.months[i].append(w)
            for i, w in enumerate(lang.get("month_abbr") or []):
                self.months[i].append(w)
            for phrase, delta in (lang.get("relative_days") or {}).items():
                self.relative_days[tuple(phrase.lower().split())] = int(delta)
        self.roles.sort(key=lambda r: -len(r[0]))
        self.role_words = {w for words, _ in self.roles for w in words}
        self.generic_roles = sets["generic_roles"]
        self.org_nouns = sets["org_nouns"]
        self.doc_nouns = sets["doc_nouns"]
        self.modifiers = sets["modifiers"] | {stem(w) for w in sets["modifiers"]}
        self.reporters = sets["reporters"]
        self.boundaries = sets["boundaries"]
        self.stop_caps = sets["stop_caps"]
        self.clause_starters = sets["clause_starters"]
        self.verbish = sets["verbish"]
        self.prepositions = sets["prepositions"]
        self.type_cues = [(t, re.compile(_cue_regex(cues[t]), re.I)) for t in TYPES if cues.get(t)]
        self.max_skip = max((len(s) for s in self.skip), default=1)

    @staticmethod
    def _key(word: str) -> str:
        return word.rstrip("*")[:3]

    def _add_verb(self, lemma: str, spec: dict) -> None:
        frame, typ, addressee = spec.get("frame", "clause"), spec.get("type"), bool(spec.get("addressee"))
        words = lemma.split()
        if spec.get("forms"):
            heads = list(spec["forms"])
            heads = [f.split()[0] for f in heads] if len(words) > 1 and " " in spec["forms"][0] else heads
        elif _is_cyr(lemma) or lemma.endswith("*"):
            heads = [words[0]]
        else:
            heads = _en_forms(words[0])
        for head in heads:
            full = (head, *words[1:]) if not (spec.get("forms") and " " in head) else tuple(head.split())
            participle = head.endswith("ing") or (_is_cyr(head) and head.endswith(("в", "вши")))
            self.verbs[self._key(full[0])].append(_Verb(full, lemma, frame, typ, addressee, participle))
        for entries in self.verbs.values():
            entries.sort(key=lambda v: -len(v.words))

    def verb_at(self, toks: list[_Tok], i: int) -> tuple[_Verb, int] | None:
        """The longest speech verb or source phrase starting at token i, and the index after it."""
        tok = toks[i]
        if tok.kind != "w":
            return None
        for verb in self.verbs.get(tok.low[:3], ()):
            if verb.frame != "source" and not tok.text[:1].islower():
                continue     # "Secretary of State Mike Pompeo": a capitalised word is no verb
            n = len(verb.words)
            if i + n > len(toks):
                continue
            if all(toks[i + k].kind == "w" and _wmatch(verb.words[k], toks[i + k].low) for k in range(n)):
                if verb.words[0].endswith("*") and not _is_cyr(tok.low):
                    continue
                return verb, i + n
        return None

    def role_in(self, stems: list[str]) -> tuple[int, int, str] | None:
        """The longest role phrase among the stems: (start, end, canonical title)."""
        best = None
        for words, title in self.roles:
            n = len(words)
            for i in range(len(stems) - n + 1):
                if tuple(stems[i:i + n]) == words and (best is None or n > best[1] - best[0]):
                    best = (i, i + n, title)
        return best

    def weekday(self, low: str) -> int | None:
        for i, pats in enumerate(self.weekdays):
            if any(_wmatch(p, low) for p in pats):
                return i
        return None

    def month(self, low: str) -> int | None:
        low = low.rstrip(".")
        for i, pats in enumerate(self.months):
            if any(_wmatch(p, low) and (p.endswith("*") or low == p) for p in pats):
                return i + 1
        return None


@lru_cache(maxsize=4)
def load_cues(path: str | Path | None = None) -> Lexicon:
    """The lexicon from speech_cues.yaml (cached per path)."""
    with open(path or CUES_PATH, encoding="utf-8") as fh:
        return Lexicon(yaml.safe_load(fh))


# ---------------------------------------------------------------------------------------------------
# Quotes

_OPENERS = {'"': '"”', "“": "”\"", "„": "“”\"", "«": "»", "‹": "›", "‘": "’'", "'": "'’"}
_CLOSERS = set("\"”“»›’'")
_SINGLE = set("'‘")
_QUOTE_CHARS = set(_OPENERS) | _CLOSERS
_CLOSE_NEXT = set(".,;:!?)]}—–-…") | _QUOTE_CHARS
_OPEN_PREV = set("([{—–-/:;") | _QUOTE_CHARS


def _can_open(text: str, i: int, lo: int, hi: int) -> bool:
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


def find_quotes(text: str, lo: int, hi: int) -> list[tuple[int, int, bool]]:
    """Top-level quotations in text[lo:hi] (one paragraph): (start, end, closed). Nested quotes stay
    inside their outer quote; an unclosed double quote runs to the end of the paragraph."""
    ignore: set[int] = set()
    while True:
        stack: list[int] = []
        out: list[tuple[int, int, bool]] = []
        for i in range(lo, hi):
            c = text[i]
            if c not in _QUOTE_CHARS or i in ignore:
                continue
            if stack and c in _OPENERS[text[stack[-1]]] and _can_close(text, i, lo, hi):
                start = stack.pop()
                if not stack:
                    out.append((start, i + 1, True))
                continue
            if c in _OPENERS and _can_open(text, i, lo, hi):
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


_RU_SPLIT = re.compile(r"(?<=[,.!?…])\s*[—–]\s+([^—–«»„“”\n]{3,120}?)[.,]\s*[—–]\s+")


def _split_dialogue(text: str, quote: tuple[int, int, bool], lex: Lexicon) -> list[tuple[int, int, bool]]:
    """«A, — сказала Белова. — B»: one pair of marks around two segments and an attribution → two quotes."""
    start, end, closed = quote
    for m in _RU_SPLIT.finditer(text, start + 1, end - 1):
        toks = _tokenize(text, m.start(1), m.end(1), [])
        if any(lex.verb_at(toks, k) for k in range(len(toks))):
            return [(start, m.start(), True), *(_split_dialogue(text, (m.end(), end, closed), lex))]
    return [quote]


# ---------------------------------------------------------------------------------------------------
# Tokens

_TOKEN = re.compile(
    r"(?:Mr|Mrs|Ms|Dr|Prof|Gen|Sen|Rep|Gov|Lt|Col|Sgt|Capt|St|Jr|Sr)\.(?=\s)"
    r"|(?:[^\W\d_]\.){2,}"
    r"|[^\W\d_]\.(?=\s+[^\W\d_]{2})"
    r"|\w+(?:[-'’.]\w+)*"
    r"|[^\w\s]")


@dataclass
class _Tok:
    text: str
    start: int
    end: int
    kind: str          # 'w' word, 'p' punctuation, 'q' quotation
    low: str = ""
    quote: tuple[int, int, bool] | None = None

    @property
    def cap(self) -> bool:
        return self.kind == "w" and self.text[:1].isupper()


def _tokenize(text: str, lo: int, hi: int, quotes: list[tuple[int, int, bool]]) -> list[_Tok]:
    """Tokens of text[lo:hi]; each quotation inside becomes one 'q' token."""
    out: list[_Tok] = []
    pos = lo
    for q in [q for q in quotes if lo <= q[0] < hi] + [(hi, hi, True)]:
        for m in _TOKEN.finditer(text, pos, q[0]):
            w = m.group()
            if w in "\u200b\u200c\u200d\u2060\ufeff\u00ad":
                continue
            kind = "w" if (w[0].isalnum() or w[0] == "_") else "p"
            out.append(_Tok(w, m.start(), m.end(), kind, w.lower().replace("ё", "е").replace("’", "'")))
        if q[0] < hi:
            out.append(_Tok(text[q[0]:q[1]], q[0], q[1], "q", quote=q))
        pos = max(pos, q[1])
    return out


# ---------------------------------------------------------------------------------------------------
# Speaker phrases

@dataclass
class _NP:
    toks: list[_Tok]
    kind: str                       # pronoun | name | role | org | doc
    pronoun: str | None = None      # m | f | plural | org
    name_toks: list[_Tok] = field(default_factory=list)
    role: str | None = None         # surface of the role phrase
    title: str | None = None        # canonical title
    definite: bool = True
    plural: bool = False
    gender: str | None = None
    possessor: _NP | None = None

    @property
    def start(self) -> int:
        return self.toks[0].start

    @property
    def end(self) -> int:
        return self.toks[-1].end


def _is_possessive(tok: _Tok) -> bool:
    return tok.kind == "w" and (tok.low.endswith("'s") or tok.low.endswith("s'"))


def _base(tok: _Tok) -> str:
    """Stem of a token without a possessive ending."""
    low = tok.low[:-2] if tok.low.endswith("'s") else tok.low
    return stem(low)


class _Grammar:
    """Speaker-phrase parsing over tokens with the lexicon's word lists."""

    _PARTICLES = {"de", "van", "von", "der", "da", "al", "bin", "ibn", "la", "le", "di", "du", "el", "ben"}
    _INDEF = {"a", "an", "one", "some", "several", "two", "three", "four", "many", "other", "another",
              "various"}

    def __init__(self, lex: Lexicon) -> None:
        self.lex = lex

    def word_class(self, tok: _Tok) -> str:
        """role | reporter | org | doc | mod | det | pron | name | stop | other."""
        if tok.kind != "w":
            return "other"
        low, base = tok.low, _base(tok)
        if low in self.lex.pronouns:
            return "pron"
        if low in ("the", "a", "an") or low in self._INDEF and not tok.cap:
            return "det"
        if base in self.lex.org_nouns:
            return "org"
        if base in self.lex.doc_nouns and not tok.cap:
            return "doc"
        if base in self.lex.reporters:
            return "reporter"
        if base in self.lex.role_words:
            return "role"
        if tok.cap and low not in self.lex.stop_caps and not low.isdigit():
            return "name"
        if low in self.lex.modifiers or base in self.lex.modifiers:
            return "mod"
        if low in self.lex.stop_caps:
            return "stop"
        return "other"

    def build(self, toks: list[_Tok], mention_ends: set[int] | None = None) -> _NP | None:
        """Classify a candidate speaker phrase; None when it cannot name a speaker."""
        toks = [t for t in toks if not (t.kind == "p" and t.text in "-–—")] if toks else toks
        while toks and (self.word_class(toks[0]) in ("stop", "other") or toks[0].kind == "p") \
                and toks[0].low not in self.lex.honorifics:
            toks = toks[1:]
        if not toks or toks[-1].kind != "w":
            return None
        if len(toks) == 1 and toks[0].low in self.lex.pronouns:
            return _NP(toks, "pronoun", pronoun=self.lex.pronouns[toks[0].low])
        classes = [self.word_class(t) for t in toks]
        definite = True
        if classes[0] == "det":
            definite = toks[0].low == "the"
        gender = None
        for t in toks:
            if t.low in self.lex.honorifics:
                gender = self.lex.honorifics[t.low]
        stems = [_base(t) for t in toks]
        role = self.lex.role_in(stems)
        head = classes[-1]
        # a trailing run of capitalised words is a name (title and affiliation before it)
        run: list[int] = []
        for k in range(len(toks) - 1, -1, -1):
            t = toks[k]
            if classes[k] == "name" and not _is_possessive(t) and t.low not in self.lex.honorifics:
                run.insert(0, k)
            elif t.low in self._PARTICLES and run:
                run.insert(0, k)
            else:
                break
        while run and toks[run[0]].low in self._PARTICLES:
            run.pop(0)
        if run:
            before = run[0] - 1
            single_after_org = len(run) == 1 and before >= 0 and classes[before] == "org"
            after_connector = before >= 0 and toks[before].low in ("in", "at", "to", "of", "for", "from", "в", "при")
            if not single_after_org and not after_connector:
                name_toks = [toks[k] for k in run]
                if len(name_toks) > 2 and not any(len(t.text) <= 2 or t.text.endswith(".") for t in name_toks):
                    if not any(t.low.endswith(("вич", "вна", "ична")) for t in name_toks):
                        name_toks = name_toks[-2:]
                if mention_ends is not None:
                    # drop leading words that belong to a place or state mention ("Валдории Давит Орлан")
                    while len(name_toks) > 1 and name_toks[0].end in mention_ends:
                        name_toks = name_toks[1:]
                role_tuple = role if role and role[1] <= run[0] else None
                return _NP(toks, "name", name_toks=name_toks,
                           role=" ".join(t.text for t in toks[role_tuple[0]:role_tuple[1]]) if role_tuple else None,
                           title=role_tuple[2] if role_tuple else None, definite=True, gender=gender)
        if any(_base(t) in self.lex.reporters for t in toks):
            return None
        org_idx = [k for k, c in enumerate(classes) if c == "org"]
        if head == "doc" or (classes[-1] == "name" and any(c == "doc" for c in classes)):
            k = max(k for k, c in enumerate(classes) if c == "doc")
            pos_toks = toks[:k]
            possessor = None
            if pos_toks and _is_possessive(pos_toks[-1]):
                possessor = self.build(pos_toks)
            return _NP(toks, "doc", possessor=possessor, definite=definite)
        is_cyr = _is_cyr(toks[0].low)
        if org_idx and (head in ("org", "name") and not role or (is_cyr and org_idx[0] == 0)):
            return _NP(toks, "org", definite=definite)
        if role:
            plural = toks[role[1] - 1].low.endswith("s") and not toks[role[1] - 1].low.endswith("ss") \
                and not is_cyr
            if classes[0] != "det" and plural and not any(_is_possessive(t) for t in toks):
                definite = False
            if toks[0].low in self._INDEF and classes[0] == "det":
                definite = False
            return _NP(toks, "role", role=" ".join(t.text for t in toks[role[0]:role[1]]), title=role[2],
                       definite=definite, plural=plural, gender=gender)
        if head == "org":
            return _NP(toks, "org", definite=definite)
        return None

    def _np_ok(self, toks: list[_Tok], max_unknown: int = 2) -> bool:
        """Tokens that may form a speaker phrase: names, roles, organisations, modifiers, determiners,
        possessives, connectors between them, and at most `max_unknown` other lower-case words."""
        if not toks or len(toks) > 10:
            return False
        if any(t.low in self.lex.verbish for t in toks) or any(t.low in self.lex.pronouns for t in toks):
            return False
        unknown = 0
        for idx, t in enumerate(toks):
            c = self.word_class(t)
            if c == "det" and idx > 0 and toks[idx - 1].low not in ("of", "for", "to", "in", "at", "from"):
                return False
            if c in ("other", "stop"):
                if t.kind == "p" and t.text in "-.&":
                    continue
                if t.low in ("of", "for", "to", "in", "at", "on", "from", "в", "при", "по") or _is_possessive(t):
                    continue
                if t.kind == "w" and (t.low.isdigit() or t.low in self.lex.honorifics):
                    continue
                if t.kind == "w" and t.low.replace("-", "").replace("'", "").isalpha() \
                        and t.low not in self.lex.boundaries and t.low not in self.lex.stop_caps:
                    unknown += 1
                    continue
                return False
        return unknown <= max_unknown

    def back(self, toks: list[_Tok], k: int, lo: int, mention_ends: set[int], loose: bool = False) -> _NP | None:
        """The speaker phrase ending at token k (reading backwards, not before lo); `loose` also takes a
        plain description ("people arrested last week said") before a strong speech verb."""
        if k < lo:
            return None
        if toks[k].kind == "w" and toks[k].low in self.lex.pronouns:
            return self.build([toks[k]])
        if toks[k].text == ",":
            return self._appositive_back(toks, k, lo, mention_ends)
        j = k
        while j >= lo and toks[j].kind != "q" and not (toks[j].kind == "p" and toks[j].text not in "-.&") \
                and not (toks[j].kind == "w" and toks[j].low in self.lex.boundaries and not toks[j].cap):
            j -= 1
        cand = toks[j + 1:k + 1]
        # drop leading stop words and date words ("On Tuesday Price said")
        while cand and ((cand[0].low in self.lex.stop_caps and self.word_class(cand[0]) != "det"
                         and cand[0].low not in self.lex.honorifics) or self._date_len(cand, 0)):
            n = self._date_len(cand, 0) or 1
            cand = cand[n:]
        if not cand:
            return None
        if self._np_ok(cand):
            np = self.build(cand, mention_ends)
            if np is not None or not loose:
                return np
        if loose and len(cand) >= 2 and self.word_class(cand[-1]) not in ("det", "stop") \
                and self._np_ok(cand, 4) and (cand[0].cap or self.word_class(cand[0]) == "det"
                                              or cand[-1].low.endswith("s")):
            return _NP(cand, "desc", definite=cand[0].low == "the", plural=cand[-1].low.endswith("s"))
        return None

    def _appositive_back(self, toks: list[_Tok], k: int, lo: int, mention_ends: set[int]) -> _NP | None:
        """'Her lawyer, Tobias Rehn, said' / 'Petrov, the foreign minister, said' / 'X, who …, said'."""
        m = k - 1
        while m >= lo and toks[m].text != "," and toks[m].kind != "q" and k - m < 16:
            m -= 1
        if m < lo or toks[m].text != ",":
            return None
        mid = toks[m + 1:k]
        pre = self.back(toks, m - 1, lo, mention_ends) if m - 1 >= lo and toks[m - 1].text != "," else None
        mid_np = self.build(mid, mention_ends) if mid and self._np_ok(mid) else None
        if pre is None and mid_np is not None and mid_np.kind == "name" and m > lo:
            return mid_np       # "His father, Ernie LeBlanc, says"
        if not mid or pre is None:
            return None
        if mid_np is not None and mid_np.kind == "name" and pre.kind in ("role", "name"):
            if pre.kind == "role":
                mid_np.role, mid_np.title = pre.role, pre.title
                mid_np.toks = pre.toks + mid_np.toks
                return mid_np
            return pre if mid_np.kind != "name" else pre
        if pre.kind in ("name", "role", "org"):
            first = mid[0].low
            no_verb = not any(self.lex.verb_at(mid, x) for x in range(len(mid)))
            descriptive = first in ("who", "which", "whose", "speaking", "а", "который", "которая", "которые") \
                or first.endswith("ing") or first.endswith("ed") or (mid_np is not None and mid_np.kind == "role") \
                or (pre.kind == "name" and no_verb)
            if descriptive:
                if pre.kind == "name" and mid_np is not None and mid_np.kind == "role" and not pre.title:
                    pre.role, pre.title = mid_np.role, mid_np.title
                return pre
        return None

    def forward(self, toks: list[_Tok], j: int, hi: int, mention_ends: set[int]) -> tuple[_NP, int] | None:
        """The speaker phrase starting at token j (after an inverted verb): the phrase and the index
        after it (and after a role appositive: 'said Davit Orlan, Valdoria's foreign minister,')."""
        if j >= hi or toks[j].kind != "w":
            return None
        if toks[j].low in self.lex.pronouns:
            return self.build([toks[j]]), j + 1
        k = j
        while k < hi and toks[k].low in self.lex.honorifics:
            k += 1
        j_name = k
        while k < hi:
            t = toks[k]
            c = self.word_class(t)
            if c == "reporter" and k > j:
                break
            if c in ("name", "role", "org", "det", "mod", "reporter") or _is_possessive(t) \
                    or (t.kind == "p" and t.text in "-." and k > j):
                if c == "det" and k > j:
                    break
                k += 1
                continue
            if c == "doc" and k > j:
                k += 1
                continue
            if t.low in ("of", "for", "to", "in", "at", "в", "при") and k > j and k + 1 < hi:
                nxt = self.word_class(toks[k + 1])
                nxt2 = self.word_class(toks[k + 2]) if k + 2 < hi else "other"
                prev = self.word_class(toks[k - 1])
                if prev in ("role", "org") and (nxt in ("name", "org") or (nxt == "det" and nxt2 in ("name", "org"))):
                    k += 1
                    continue
            if c == "other" and t.kind == "w" and t.low.isalpha() and k > j and k + 1 < hi \
                    and self.word_class(toks[k + 1]) in ("role", "org", "name") \
                    and self.word_class(toks[k - 1]) in ("role", "name", "mod"):
                k += 1
                continue
            if t.low in self.lex.honorifics and k + 1 < hi and self.word_class(toks[k + 1]) == "name":
                k += 1
                continue
            if c == "other" and t.kind == "w" and t.low.isalpha() and k - j < 3:
                ahead = k + 1
                while ahead < hi and ahead - k < 3 and (toks[ahead].kind == "w" and toks[ahead].low.isalpha()
                                                       and self.word_class(toks[ahead]) == "other"):
                    ahead += 1
                while ahead < hi and toks[ahead].low in self.lex.honorifics:
                    ahead += 1
                if ahead < hi and self.word_class(toks[ahead]) == "name" and toks[ahead].low not in self.lex.stop_caps:
                    k = ahead
                    continue
            break
        while k > j and (toks[k - 1].kind == "p" or self.word_class(toks[k - 1]) in ("det", "mod")):
            k -= 1
        if k == j_name and toks[j].low in ("the", "a", "an", "my", "his", "her", "their", "our"):
            k = j + 1
            while k < hi and k - j <= 4 and toks[k].kind == "w" and toks[k].low not in self.lex.boundaries \
                    and toks[k].low not in self.lex.prepositions and toks[k].low not in self.lex.verbish:
                k += 1
            if k < hi and toks[k].kind == "w" and toks[k].low not in self.lex.boundaries \
                    and toks[k].low not in self.lex.prepositions:
                return None
            if k - j < 2:
                return None
            return _NP(toks[j:k], "desc", definite=toks[j].low == "the",
                       plural=toks[k - 1].low.endswith("s")), k
        if k == j:
            return None
        np = self.build(toks[j:k], mention_ends)
        if np is None:
            return None
        end = k
        if k < hi and toks[k].text == ",":
            m = k + 1
            while m < hi and toks[m].text not in (",", ".", ";") and toks[m].kind != "q" and m - k < 12:
                m += 1
            app = toks[k + 1:m]
            if app and app[0].low not in ("who", "which", "а", "который", "которая") and self._np_ok(app):
                app_np = self.build(app, mention_ends)
                if app_np is not None and app_np.kind == "role" and np.kind == "name":
                    if not np.title:
                        np.role, np.title = app_np.role, app_np.title
                    end = m + 1 if m < hi and toks[m].text == "," else m
        return np, end

    def _date_len(self, toks: list[_Tok], i: int) -> int:
        """Number of tokens of a date expression starting at i (0 if none)."""
        return _date_at(self.lex, toks, i, None)[0]


# ---------------------------------------------------------------------------------------------------
# Dates

def _date_at(lex: Lexicon, toks: list[_Tok], i: int, published: dt.date | None) -> tuple[int, dt.date | None]:
    """A date expression at token i: (length in tokens, resolved date or None)."""
    n = len(toks)
    if i >= n or toks[i].kind != "w":
        return 0, None
    j = i
    if toks[j].low in ("on", "в", "во", "last", "this") and j + 1 < n:
        j += 1
    for phrase, delta in lex.relative_days.items():
        if tuple(t.low for t in toks[i:i + len(phrase)]) == phrase:
            return len(phrase), (published + dt.timedelta(days=delta)) if published else None
    low = toks[j].low
    wd = lex.weekday(low)
    if wd is not None and (j > i or toks[j].cap or _is_cyr(low)):
        end = j + 1
        if end < n and toks[end].low in ("morning", "afternoon", "evening", "night", "утром", "вечером"):
            end += 1
        if published is None:
            return end - i, None
        back = (published.weekday() - wd) % 7
        return end - i, published - dt.timedelta(days=back)
    # "March 3", "March 3, 2023", "3 March 2023", "5 сентября 2023 года", "2023-03-05"
    day = month = year = None
    end = j
    if toks[j].low.isdigit() and j + 1 < n and lex.month(toks[j + 1].low):
        day, month, end = int(toks[j].low), lex.month(toks[j + 1].low), j + 2
    elif lex.month(low) and toks[j].cap or (lex.month(low) and _is_cyr(low)):
        if j + 1 < n and toks[j + 1].low.isdigit() and len(toks[j + 1].low) <= 2:
            day, month, end = int(toks[j + 1].low), lex.month(low), j + 2
            if end < n and toks[end].low in ("st", "nd", "rd", "th"):
                end += 1
    if day is None:
        m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", toks[j].text)
        if m:
            try:
                return j + 1 - i, dt.date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                return 0, None
        return 0, None
    k = end + (1 if end < n and toks[end].text == "," else 0)
    if k < n and re.fullmatch(r"(19|20)\d\d", toks[k].low):
        year, end = int(toks[k].low), k + 1
        if end < n and toks[end].low in ("года", "г"):
            end += 1
    if not 1 <= day <= 31:
        return 0, None
    if year is None:
        if published is None:
            return end - i, None
        year = published.year
        try:
            if dt.date(year, month, day) > published:
                year -= 1
        except ValueError:
            return 0, None
    try:
        return end - i, dt.date(year, month, day)
    except ValueError:
        return 0, None


# ---------------------------------------------------------------------------------------------------
# Frames

@dataclass
class _Frame:
    np: _NP | None                  # None: inherits the speaker of `parent`
    verb: _Verb
    verb_toks: tuple[int, int]
    content: tuple[int, int] | None  # token range of the content
    attribution: list[tuple[int, int]]  # token ranges naming speaker/verb/adjuncts (dates, type cues)
    unit: int
    parent: _Frame | None = None
    extra_quotes: list[_Tok] = field(default_factory=list)
    extra_content: tuple[int, int] | None = None


class _Unit:
    """One attribution unit: sentences merged so that no quotation crosses a boundary."""

    def __init__(self, index: int, para: int, start: int, end: int, toks: list[_Tok]) -> None:
        self.index, self.para, self.start, self.end, self.toks = index, para, start, end, toks


def _units(text: str, sentences: list[tuple[int, int]], paragraphs: list[tuple[int, int]],
           quotes: list[tuple[int, int, bool]]) -> list[tuple[int, int, int]]:
    """(paragraph index, start, end) of units: sentences joined where a quotation spans them."""
    if not sentences:
        sentences = paragraphs
    out: list[tuple[int, int, int]] = []
    pi = 0
    for s, e in sorted(sentences):
        while pi + 1 < len(paragraphs) and paragraphs[pi][1] <= s:
            pi += 1
        if out and out[-1][0] == pi and any(q[0] < s < q[1] for q in quotes):
            out[-1] = (pi, out[-1][1], max(out[-1][2], e))
        else:
            out.append((pi, s, e))
    # a quote running past its sentence's end (unclosed at paragraph end) pulls the rest in
    merged: list[tuple[int, int, int]] = []
    for u in out:
        if merged and merged[-1][0] == u[0] and any(q[0] < u[1] < q[1] for q in quotes):
            merged[-1] = (u[0], merged[-1][1], max(merged[-1][2], u[2]))
        else:
            merged.append(u)
    return merged


_NOUN_MARKERS = {"the", "a", "an", "his", "her", "its", "their", "our", "my", "this", "these", "those", "every",
                 "each", "no", "any"}


class _Extractor:
    """Finds frames in one article and turns them into statements."""

    def __init__(self, text: str, published: dt.date | None, taxonomy: Taxonomy | None,
                 sentences: list[tuple[int, int]], mentions: list[Mention], lex: Lexicon) -> None:
        self.text, self.published, self.tax, self.lex = text, published, taxonomy, lex
        self.g = _Grammar(lex)
        self.mentions = sorted(mentions, key=lambda m: m.char_start)
        self.mention_ends = {m.char_end for m in self.mentions if self._is_place_or_state(m.entity_id)}
        self.paragraphs = [(m.start(), m.end()) for m in re.finditer(r"[^\n\r\u2028\u2029]*\S[^\n\r\u2028\u2029]*",
                                                                      text)]
        self.quotes: list[tuple[int, int, bool]] = []
        for lo, hi in self.paragraphs:
            for q in find_quotes(text, lo, hi):
                self.quotes.extend(_split_dialogue(text, q, lex))
        units = _units(text, sentences, self.paragraphs, self.quotes)
        self.units = [_Unit(i, p, s, e, _tokenize(text, s, e, self.quotes)) for i, (p, s, e) in enumerate(units)]
        self.skipped = self._headline_paragraphs()
        self.named_later: Callable[[int], list[_Speaker]] = lambda pos: []

    def _is_place_or_state(self, eid: str) -> bool:
        ent = self.tax.entities.get(eid) if self.tax else None
        return ent is not None and (ent.kind == "place" or ent.type == "state")

    def _headline_paragraphs(self) -> set[int]:
        """Paragraphs that read as headlines or captions (no final punctuation, short): the title that
        trafilatura puts first, "READ MORE: …" links, cross-heads. Their quotes are not statements."""
        out = set()
        for i, (lo, hi) in enumerate(self.paragraphs):
            line = self.text[lo:hi].rstrip()
            limit = 25 if i == 0 else 12
            if len(self.paragraphs) > 1 and not re.search(r"[.!?…:][\"'”’»)]*$", line) and len(line.split()) <= limit:
                out.add(i)
        return out

    # -- frames in a unit ------------------------------------------------------------------------
    def frames(self, unit: _Unit) -> list[_Frame]:
        toks, lex = unit.toks, self.lex
        frames: list[_Frame] = []
        claimed: list[tuple[int, int, _Frame]] = []
        i = 0
        seg_start = 0
        while i < len(toks):
            hit = lex.verb_at(toks, i)
            if hit is None:
                i += 1
                continue
            verb, j = hit
            inside = next((c for c in claimed if c[0] <= i < c[1]), None)
            frame = self._frame(unit, i, j, verb, seg_start, inside, frames[-1] if frames else None)
            if frame is None:
                i += 1
                continue
            if inside is not None:
                parent = inside[2]
                cut = i - 1 if toks[i - 1].low in ("and", "и", "but", "а") else i
                while cut > inside[0] and toks[cut - 1].kind == "p" and toks[cut - 1].text in ",;—–-":
                    cut -= 1
                parent.content = (parent.content[0], cut) if parent.content else None
                claimed.remove(inside)
                claimed.append((inside[0], cut, parent))
            if frame.content is None and not frame.extra_quotes:
                if frame.np is not None and unit.toks.index(frame.np.toks[0]) <= 1 and not frames:
                    frames.append(frame)      # "Colton said." after a quote that ended the sentence before
                i = j
                continue
            frames.append(frame)
            if frame.content:
                claimed.append((frame.content[0], frame.content[1], frame))
            end_attr = max((b for _, b in frame.attribution), default=j)
            seg_start = max(seg_start, end_attr, frame.content[1] if frame.content else 0)
            i = max(j, frame.verb_toks[1])
        return frames

    def _negated(self, toks: list[_Tok], i: int) -> bool:
        for neg in self.lex.negators:
            n = len(neg)
            for back in range(1, 4):
                k = i - back - n + 1
                if k >= 0 and tuple(t.low for t in toks[k:k + n]) == neg:
                    return True
        return False

    def _skip_back(self, toks: list[_Tok], k: int, lo: int) -> int:
        """Step back over auxiliaries, adverbs and date words between a speaker and its verb."""
        changed = True
        while changed and k >= lo:
            changed = False
            for n in range(self.lex.max_skip, 0, -1):
                if k - n + 1 >= lo and tuple(t.low for t in toks[k - n + 1:k + 1]) in self.lex.skip:
                    k -= n
                    changed = True
                    break
            if changed:
                continue
            for n in (3, 2, 1):
                s = k - n + 1
                if s >= lo and self.g._date_len(toks, s) == n:
                    k -= n
                    changed = True
                    break
        return k

    def _skip_adjuncts(self, toks: list[_Tok], j: int, addressee: bool) -> int:
        """Step over dates, an addressee ('told reporters') and short adjunct phrases after a verb."""
        n = len(toks)
        if addressee and j < n and toks[j].kind == "w" and toks[j].low not in ("that", "что") \
                and toks[j].low not in self.lex.clause_starters | {"the", "a", "an"} - {"the"}:
            k = j
            while k < n and k - j < 6:
                t = toks[k]
                if t.kind != "w" or t.low in ("that", "что"):
                    break
                if k > j and (t.low in self.lex.clause_starters or t.low in self.lex.prepositions) \
                        and self.g.word_class(toks[k - 1]) not in ("det",) and toks[k - 1].low not in ("the", "a"):
                    break
                k += 1
            if k > j and (k >= n or toks[k].kind != "w" or toks[k].low in self.lex.clause_starters
                          or toks[k].low in ("that", "что") or toks[k].low in self.lex.prepositions):
                j = k
        while j < n:
            d = self.g._date_len(toks, j)
            if d:
                j += d
                continue
            t = toks[j]
            if t.kind == "w" and t.low in self.lex.prepositions and t.low not in ("that",):
                k = j + 1
                while k < n and k - j <= 8:
                    u = toks[k]
                    if u.kind != "w" or u.low in ("that", "что") or (u.low in self.lex.clause_starters
                                                                     and u.low not in ("the", "a", "an", "his",
                                                                                       "her", "their", "its")
                                                                     and k > j + 1):
                        break
                    k += 1
                if k < n and (toks[k].kind != "w" or toks[k].low in ("that", "что")
                              or toks[k].low in self.lex.clause_starters):
                    j = k
                    continue
                if k >= n:
                    return k
                break
            if t.kind == "w" and t.low in {s[0] for s in self.lex.skip if len(s) == 1} and t.low not in ("is", "was"):
                j += 1
                continue
            break
        return j

    def _frame(self, unit: _Unit, i: int, j: int, verb: _Verb, seg_start: int,
               inside: tuple[int, int, _Frame] | None, previous: _Frame | None) -> _Frame | None:
        """The frame of the speech verb at tokens [i, j), or None when it attributes nothing."""
        toks, g, me = unit.toks, self.g, self.mention_ends
        n = len(toks)
        if self._negated(toks, i):
            return None
        if i > 0 and toks[i - 1].low in _NOUN_MARKERS:
            return None
        if verb.frame == "source":
            return None if inside is not None else self._source_frame(unit, i, j, verb, seg_start)
        k = self._skip_back(toks, i - 1, seg_start)
        prev = toks[k] if k >= 0 else None
        joined = prev is not None and (prev.low in ("and", "и", "but", "а") or
                                       (verb.participle and prev.text == ","))
        if inside is not None:
            return self._coord_frame(unit, i, j, verb, inside[2]) if joined else None
        if verb.participle:
            # "…, the ministry said, adding that …": a participle continues the frame before it
            if previous is not None and prev is not None and prev.text == "," and verb.frame == "clause":
                return self._coord_frame(unit, i, j, verb, previous)
            if previous is not None or prev is None or prev.text != ",":
                return None
        np, inverted, after = None, False, j
        as_word = prev is not None and prev.low in ("как", "as")
        if prev is not None and k >= seg_start and prev.kind not in ("q",) and prev.text not in "—–-" and not as_word:
            np = g.back(toks, k, seg_start, me, loose=verb.frame == "clause")
            if np is None and prev.text != ",":
                return None
        if np is None:
            got = g.forward(toks, j, n, me)
            if got is None:
                return None
            np, after = got
            inverted = True
        if verb.participle and not inverted:
            return None
        np_idx = toks.index(np.toks[0])
        a_idx = i if inverted else np_idx
        if inverted and as_word:
            a_idx = k
        as_clause = as_word or (not inverted and np_idx > 0 and toks[np_idx - 1].low in ("as", "как"))
        if as_clause and not inverted:
            a_idx = np_idx - 1
        b = a_idx
        while b > seg_start and toks[b - 1].kind == "p" and toks[b - 1].text in ",—–-":
            b -= 1
        quote_first = b > seg_start and toks[b - 1].kind == "q"
        as_clause = as_clause and b == seg_start      # "As X put it, …" leads; "…, as X put it" trails
        after = self._skip_adjuncts(toks, after, verb.addressee and not quote_first)
        nxt = toks[after] if after < n else None
        start = None
        if nxt is not None:
            if as_clause and nxt.text == ",":
                start = after + 1
            elif nxt.low in ("that", "что", "чтобы"):
                start = after + 1
            elif nxt.text == "," and after + 1 < n and toks[after + 1].low in ("что", "чтобы"):
                start = after + 2
            elif nxt.text in (":", ",") and after + 1 < n and toks[after + 1].kind == "q" and not quote_first:
                start = after + 1
            elif nxt.kind == "q" and not quote_first and verb.frame != "quote":
                start = after
            elif nxt.text == ":":
                start = after + 1
            elif nxt.kind == "w" and not inverted and not quote_first and (
                    verb.frame == "object" or (verb.frame == "clause" and (
                        nxt.low in self.lex.clause_starters or (nxt.cap and nxt.low not in self.lex.stop_caps)))):
                start = after
        if start is not None:
            return _Frame(np, verb, (i, j), (start, n), [(seg_start, start)], unit.index)
        # trailing attribution: the content is what precedes it in the unit
        c_end = a_idx
        while c_end > seg_start and toks[c_end - 1].kind == "p" and toks[c_end - 1].text in ",—–-:;":
            c_end -= 1
        c_start = seg_start
        while c_start < c_end and toks[c_start].kind == "p" and toks[c_start].text in ",—–-:;.":
            c_start += 1
        frame = _Frame(np, verb, (i, j), None, [(a_idx, n)], unit.index)
        separated = a_idx > seg_start and (toks[a_idx - 1].kind == "q" or toks[a_idx - 1].text in ",—–-:;")
        if c_end > c_start and separated:
            if toks[c_end - 1].kind == "q":
                before = toks[c_end - 2] if c_end - 1 > c_start else None
                if before is None or before.text in "—–-:;" or before.kind == "q":
                    c_start = c_end - 1
            if verb.frame == "object" and c_start != c_end - 1:
                return None    # "…, a term the authorities reject": an object verb needs its object after it
            frame.content = (c_start, c_end)
        # a quotation after the attribution continues the same statement ("…," he said, "…")
        for t in toks[after:] if frame.content else ():
            if t.kind == "q":
                frame.extra_quotes.append(t)
            elif t.kind == "w":
                break
        # a parenthetical attribution splits one statement: "The drugs have few uses, he says, and are …"
        if frame.content and not frame.extra_quotes and not inverted and after + 1 < n and toks[after].text == "," \
                and (np.kind == "pronoun" or len(np.toks) <= 3):
            rest = toks[after + 1:]
            first = rest[0]
            if first.kind == "w" and sum(t.kind == "w" for t in rest) >= 3 and not first.low.endswith("ing") \
                    and (first.low in ("and", "but", "и", "но", "а") or first.low not in self.lex.boundaries) \
                    and first.low not in ("who", "which", "который", "которая", "которые") \
                    and self.lex.verb_at(toks, after + 1) is None:
                frame.extra_content = (after + 1, n)
        return frame

    def _source_frame(self, unit: _Unit, i: int, j: int, verb: _Verb, seg_start: int) -> _Frame | None:
        """'According to X, …', '…, according to X', 'По словам X, …', 'По его словам, …'."""
        toks, n = unit.toks, len(unit.toks)
        pron = next((self.lex.source_pronouns[t.low] for t in toks[i:j] if t.low in self.lex.source_pronouns), None)
        if pron is not None:
            np, after = _NP(toks[i:j], "pronoun", pronoun=pron), j
        else:
            got = self.g.forward(toks, j, n, self.mention_ends)
            if got is None:
                return None
            np, after = got
        if after < n and toks[after].text == ",":
            return _Frame(np, verb, (i, j), (after + 1, n), [(seg_start, after + 1)], unit.index)
        if i > seg_start and toks[i - 1].text == ",":
            return _Frame(np, verb, (i, j), (seg_start, i - 1), [(i, n)], unit.index)
        return None

    def _coord_frame(self, unit: _Unit, i: int, j: int, verb: _Verb, parent: _Frame) -> _Frame | None:
        """A verb joined to an earlier frame ('… and urged …', '…, saying …'): same speaker."""
        toks = unit.toks
        after = self._skip_adjuncts(toks, j, verb.addressee)
        if after < len(toks) and toks[after].low in ("that", "что"):
            after += 1
        elif after + 1 < len(toks) and toks[after].text == "," and toks[after + 1].low == "что":
            after += 2
        if after >= len(toks):
            return None
        return _Frame(None, verb, (i, j), (after, len(toks)), [(i, after)], unit.index, parent)


# ---------------------------------------------------------------------------------------------------
# Speakers

@dataclass
class _Speaker:
    name: str | None
    role: str | None
    title: str | None
    entity_id: str | None
    kind: str                    # person | org | group | anon
    gender: str | None
    pos: int
    unit: int
    affiliation: str | None = None

    def key(self) -> str:
        return self.entity_id or (self.name or "").lower()


_PRONOUN_GENDER = {"he": "m", "his": "m", "him": "m", "she": "f", "her": "f", "hers": "f",
                   "он": "m", "его": "m", "она": "f", "ее": "f", "её": "f"}


class _Resolver:
    """Resolves speaker phrases to canonical speakers in article order."""

    def __init__(self, ex: _Extractor) -> None:
        self.ex = ex
        self.lex = ex.lex
        self.tax = ex.tax
        self.speakers: list[_Speaker] = []
        self.names = self._name_index()
        self.genders = self._gender_votes()

    def _gender_votes(self) -> dict[str, str]:
        """Surname stem -> 'm' | 'f', by majority of the gendered pronouns that follow a sentence whose
        subject is that person ("Wendy Golden lives … There are no photos of her son")."""
        votes: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        units = self.ex.units
        for idx, unit in enumerate(units):
            lead = [t for t in unit.toks if t.kind == "w" and t.low not in self.lex.stop_caps][:3]
            run = []
            for t in lead:
                if self.ex.g.word_class(t) == "name" and not _is_possessive(t):
                    run.append(t)
                elif run:
                    break
            if not run:
                continue
            after = [t for t in unit.toks if t.start > run[-1].end]
            if idx + 1 < len(units) and units[idx + 1].para == unit.para:
                after += units[idx + 1].toks
            for t in after:
                g = _PRONOUN_GENDER.get(t.low)
                if g:
                    votes[_base(run[-1])][g == "f"] += 1
                    break
        return {k: ("f" if v[1] > v[0] else "m") for k, v in votes.items() if v[0] != v[1]}

    def gender_of(self, name: str | None) -> str | None:
        if not name:
            return None
        words = name.split()
        return self.genders.get(stem(words[-1])) if words else None

    def _name_index(self) -> list[tuple[int, int, list[str], str]]:
        """Full person names in the text (two or more capitalised words): (start, unit, stems, surface)."""
        out = []
        for unit in self.ex.units:
            toks = unit.toks
            k = 0
            while k < len(toks):
                run = []
                while k < len(toks) and self.ex.g.word_class(toks[k]) == "name" and not _is_possessive(toks[k]):
                    run.append(toks[k])
                    k += 1
                if k < len(toks) and _is_possessive(toks[k]) and toks[k].cap:
                    run.append(toks[k])
                    k += 1
                names = [t for t in run if t.end not in self.ex.mention_ends or t is run[-1]]
                if len(names) >= 2 and not (k < len(toks) and self.ex.g.word_class(toks[k]) == "org"):
                    if len(names) > 2 and not any(len(t.text) <= 2 for t in names):
                        names = names[-2:]
                    surface = " ".join(t.text[:-2] if _is_possessive(t) else t.text for t in names)
                    out.append((names[0].start, unit.index, [_base(t) for t in names], surface))
                k += 1
        return out

    def _mention(self, start: int, end: int, prefer_person: bool) -> str | None:
        """The actor entity of a mention overlapping [start, end) (officials first when asked)."""
        if self.tax is None:
            return None
        best = None
        for m in self.ex.mentions:
            if m.char_end <= start or m.char_start >= end:
                continue
            ent = self.tax.entities.get(m.entity_id)
            if ent is None or ent.kind != "actor":
                continue
            rank = (0 if (ent.type == "official") == prefer_person else 1,
                    {"official": 0, "government body": 1, "organisation": 2, "armed force": 2, "media": 3,
                     "state": 4}.get(ent.type or "", 5), -(m.char_end - m.char_start))
            if best is None or rank < best[0]:
                best = (rank, m.entity_id)
        return best[1] if best else None

    def _entity_name(self, eid: str | None) -> str | None:
        return self.tax.entities[eid].name if eid and self.tax and eid in self.tax.entities else None

    def _gender_from_verb(self, frame: _Frame, unit: _Unit) -> str | None:
        low = unit.toks[frame.verb_toks[0]].low
        if _is_cyr(low):
            if low.endswith("ла") or low.endswith("лась"):
                return "f"
            if low.endswith("л") or low.endswith("лся"):
                return "m"
        return None

    def resolve(self, frame: _Frame, unit: _Unit) -> _Speaker | None:
        np = frame.np
        pos = unit.toks[frame.verb_toks[0]].start
        if np is None:
            return None
        sp = self._resolve_np(np, pos, unit)
        if sp is None:
            return None
        g = self._gender_from_verb(frame, unit) or self.gender_of(sp.name)
        if g and sp.kind == "person" and sp.gender is None:
            sp.gender = g
        sp.pos, sp.unit = pos, unit.index
        self.speakers.append(sp)
        return sp

    def _resolve_np(self, np: _NP, pos: int, unit: _Unit) -> _Speaker | None:
        if np.kind == "pronoun":
            return self._pronoun(np.pronoun, pos, unit)
        if np.kind == "name":
            return self._name(np, pos)
        if np.kind == "role":
            return self._role(np, pos)
        if np.kind == "org":
            return self._org(np, pos)
        if np.kind == "doc":
            if np.possessor is not None:
                return self._resolve_np(np.possessor, pos, unit)
            return None
        affil = self._affiliation(np)
        return _Speaker(self._text(np), None, None, affil[0] if affil else None,
                        "group" if np.plural else "anon", None, pos, 0)

    def _copy(self, sp: _Speaker) -> _Speaker:
        return _Speaker(sp.name, sp.role, sp.title, sp.entity_id, sp.kind, sp.gender, sp.pos, sp.unit,
                        sp.affiliation)

    def _pronoun(self, code: str | None, pos: int, unit: _Unit) -> _Speaker | None:
        if code in ("m", "f"):
            same = [s for s in self.speakers if s.unit == unit.index and s.kind == "person"
                    and s.gender in (None, code)]
            if same:
                return self._learn(self._copy(same[-1]), code)
            if unit.index > 0 and self.ex.units[unit.index - 1].para >= unit.para - 1:
                named = self._first_person(self.ex.units[unit.index - 1])
                if named is not None and named.gender is None:
                    named.gender = self.gender_of(named.name)
                if named is not None and named.gender in (None, code):
                    return self._learn(named, code)
            people = [s for s in self.speakers if s.kind == "person" and s.gender in (None, code)]
            if people:
                return self._learn(self._copy(people[-1]), code)
            before = [n for n in self.names if n[0] < pos]
            if before:
                start, _, _, surface = before[-1]
                eid = self._mention(start, start + len(surface), True)
                return _Speaker(self._entity_name(eid) or surface, None, None, eid, "person", code, pos, unit.index)
            return None
        if code == "plural":
            groups = [s for s in self.speakers if s.kind in ("group", "org", "anon")]
            pool = groups or self.speakers
            return self._copy(pool[-1]) if pool else None
        orgs = [s for s in self.speakers if s.kind == "org"]
        if orgs:
            return self._copy(orgs[-1])
        people = {stem(s.name.split()[-1]) for s in self.speakers if s.kind == "person" and s.name}
        before = [n for n in self.names if n[0] < pos and n[2][-1] not in people]
        if before:
            start, _, _, surface = before[-1]
            return _Speaker(surface, None, None, self._mention(start, start + len(surface), False), "org", None,
                            pos, unit.index)
        return None

    def _first_person(self, unit: _Unit) -> _Speaker | None:
        """The first person named in a unit: a full name, or a surname of a known speaker or full name."""
        lead = [t for t in unit.toks if not (t.kind == "w" and t.low in self.lex.stop_caps)
                and not (t.kind == "p")][:2]
        for t in lead:
            if self.ex.g.word_class(t) != "name" or t.end in self.ex.mention_ends:
                continue
            st = _base(t)
            same = self._speaker_named([st])
            if same is not None:
                return self._copy(same)
            full = [n for n in self.names if n[0] <= t.start and n[2][-1] == st]
            if full:
                start, _, _, surface = full[-1]
                eid = self._mention(start, start + len(surface), True)
                return _Speaker(self._entity_name(eid) or surface, None, None, eid, "person", None, t.start,
                                unit.index)
        return None

    def _learn(self, sp: _Speaker, gender: str) -> _Speaker:
        """A pronoun resolved to a person tells that person's gender for later pronouns."""
        if sp.gender is None:
            for s in self.speakers:
                if s.key() == sp.key():
                    s.gender = gender
            sp.gender = gender
        return sp

    def _speaker_named(self, stems: list[str]) -> _Speaker | None:
        for s in reversed(self.speakers):
            if s.name and s.kind == "person":
                have = [stem(w) for w in s.name.split()]
                if have[-len(stems):] == stems or (len(stems) == 1 and have[-1] == stems[0]):
                    return s
        return None

    def _name(self, np: _NP, pos: int) -> _Speaker:
        name_toks = np.name_toks
        start, end = name_toks[0].start, name_toks[-1].end
        eid = self._mention(start, end, True)
        ent = self.tax.entities.get(eid) if eid and self.tax else None
        surface = " ".join(t.text for t in name_toks)
        stems = [_base(t) for t in name_toks]
        if ent is not None and ent.type != "official":
            # a state or organisation named by itself ("Kestria denied ...")
            covered = any(m.char_start <= start and m.char_end >= end for m in self.ex.mentions
                          if m.entity_id == eid)
            if covered:
                return _Speaker(ent.name, None, None, eid, "org", None, pos, 0)
            eid, ent = None, None
        if len(stems) == 1:
            same = self._speaker_named(stems)
            if same is not None and (ent is None or same.entity_id == eid):
                sp = self._copy(same)
                if np.title and not sp.title:
                    sp.role, sp.title = np.role, np.title
                if np.gender and not sp.gender:
                    sp.gender = np.gender
                return sp
            full = [n for n in self.names if n[0] < pos and n[2][-1] == stems[0]]
            if full and ent is None:
                s0 = full[-1][0]
                eid = self._mention(s0, s0 + len(full[-1][3]), True)
                ent = self.tax.entities.get(eid) if eid and self.tax else None
                if ent is not None and ent.type != "official":
                    eid, ent = None, None
                surface = full[-1][3]
        name = ent.name if ent is not None else surface
        kind = "person"
        if self.ex.g.word_class(name_toks[-1]) == "org":
            kind = "org"
        return _Speaker(name, np.role, np.title, eid, kind, np.gender, pos, 0)

    def _affiliation(self, np: _NP) -> list[str]:
        """Entities mentioned inside the phrase: the body first, then its state."""
        if self.tax is None:
            return []
        out = []
        for m in self.ex.mentions:
            if m.char_start >= np.start and m.char_end <= np.end:
                ent = self.tax.entities.get(m.entity_id)
                if ent is not None and ent.kind == "actor" and ent.type != "official":
                    out.append(m.entity_id)
        out.sort(key=lambda e: self.tax.entities[e].type == "state")
        return out

    def _title_fits(self, want: str, have: str | None) -> bool:
        if have is None:
            return False
        if want == have:
            return True
        if want in self.lex.generic_roles:
            return True
        return want in have.split() or (want == "minister" and "minister" in have)

    def _text(self, np: _NP) -> str:
        toks = np.toks
        surface = self.ex.text[toks[0].start:toks[-1].end]
        if toks[0].low in ("the", "a", "an") and toks[0].cap:
            surface = toks[0].low + surface[len(toks[0].text):]
        if surface.lower().startswith("the ") and np.kind == "org":
            surface = surface[4:]
        return surface[:-2] if surface.endswith(("'s", "’s")) else surface

    def _role(self, np: _NP, pos: int) -> _Speaker | None:
        affil = self._affiliation(np)
        state = self.tax.state_of(affil[0]) if affil and self.tax else None
        if np.definite:
            exact = [s for s in self.speakers if s.title == np.title]
            fitting = [s for s in self.speakers if s.kind == "person" and self._title_fits(np.title, s.title)]
            for s in reversed(exact or fitting):
                if True:
                    if state and s.entity_id and self.tax and self.tax.state_of(s.entity_id) not in (None, state):
                        continue
                    return self._copy(s)
            if self.tax is not None and np.title not in self.lex.generic_roles:
                for of in [*affil, None]:
                    got = self.tax.holders(np.title, self.ex.published, of)
                    if len(got) == 1:
                        ent = self.tax.entities[got[0]]
                        return _Speaker(ent.name, np.role, np.title, ent.id, "person", None, pos, 0)
                    if got:
                        break
            for later in self.ex.named_later(pos):
                if later.title and self._title_fits(np.title, later.title):
                    return _Speaker(later.name, np.role, np.title, later.entity_id, "person", None, pos, 0)
        kind = "group" if np.plural else ("anon" if not np.definite else "person")
        eid = affil[0] if affil else None
        return _Speaker(self._text(np), np.role, np.title, eid, kind, np.gender, pos, 0)

    def _org(self, np: _NP, pos: int) -> _Speaker:
        head_tok = next((t for t in reversed(np.toks) if self.ex.g.word_class(t) == "org"), np.toks[-1])
        eid = self._mention(head_tok.start, head_tok.end, False)
        affil = None if eid else self._mention(np.start, np.end, False)
        caps = [t for t in np.toks if t.cap and t.low not in ("the", "a", "an")]
        generic = all(self.ex.g.word_class(t) == "org" for t in caps) and not any(_is_cyr(t.low) for t in caps[:1]
                                                                                  if len(np.toks) > 1)
        if eid is not None:
            return _Speaker(self._entity_name(eid), None, None, eid, "org", None, pos, 0)
        head = next((_base(t) for t in reversed(np.toks) if self.ex.g.word_class(t) == "org"), None)
        if generic and head:
            for s in reversed(self.speakers):
                if s.kind == "org" and s.name and any(stem(w) == head for w in s.name.split()):
                    return self._copy(s)
            if self.tax is not None:
                for m in reversed([m for m in self.ex.mentions if m.char_start < pos]):
                    ent = self.tax.entities.get(m.entity_id)
                    if ent is not None and ent.type in ("government body", "organisation") \
                            and any(stem(w) == head for w in ent.name.split()):
                        return _Speaker(ent.name, None, None, ent.id, "org", None, pos, 0)
            found = self._org_in_text(head, np.start)
            if found:
                return _Speaker(found, None, None, None, "org", None, pos, 0)
        return _Speaker(self._text(np), None, None, affil, "org", None, pos, 0)

    def _org_in_text(self, head: str, before: int) -> str | None:
        """The last capitalised phrase ending in this organisation noun before a position."""
        best = None
        for unit in self.ex.units:
            if unit.start >= before:
                break
            toks = unit.toks
            for k, t in enumerate(toks):
                if t.start >= before:
                    break
                if t.cap and _base(t) == head:
                    j = k
                    while j > 0 and (toks[j - 1].cap or _is_possessive(toks[j - 1])) \
                            and toks[j - 1].low not in self.lex.stop_caps:
                        j -= 1
                    if j < k:
                        best = self.ex.text[toks[j].start:t.end]
                        best = best[:-2] if best.endswith(("'s", "’s")) else best
        return best


# ---------------------------------------------------------------------------------------------------
# Statements

def _classify(lex: Lexicon, verb: _Verb, verb_text: str, attr_text: str, content: str) -> tuple[str, str | None]:
    if verb.type:
        return verb.type, verb_text
    best = None
    for text in (attr_text, content):
        for typ, rx in lex.type_cues:
            m = rx.search(text)
            if m and (best is None or m.start() < best[0]):
                best = (m.start(), typ, m.group())
        if best:
            return best[1], best[2]
    return "statement", None


def _content_span(text: str, toks: list[_Tok], a: int, b: int) -> tuple[int, int] | None:
    while a < b and (toks[a].kind == "p" and toks[a].text in ",;:—–-.") :
        a += 1
    while b > a and toks[b - 1].kind == "p" and toks[b - 1].text in ",;:—–-.":
        b -= 1
    if b <= a:
        return None
    return toks[a].start, toks[b - 1].end


def extract_statements(text: str, published: dt.date | None, taxonomy: Taxonomy | None,
                       sentences: list[tuple[int, int]], mentions: list[Mention]) -> list[Statement]:
    """Direct quotes and reported speech in an article's text, in order of position."""
    if not text or not text.strip():
        return []
    lex = load_cues()
    ex = _Extractor(text, published, taxonomy, sentences, mentions, lex)
    all_frames = [(unit, [] if unit.para in ex.skipped else ex.frames(unit)) for unit in ex.units]
    claimed: set[int] = set()       # quotations attributed by a frame of a later unit
    for (prev_unit, _), (unit, frames) in zip(all_frames, all_frames[1:]):
        # "…?" / Colton said.  — the sentence split after the quote; the attribution follows alone
        if frames and frames[0].content is None and not frames[0].extra_quotes and prev_unit.para == unit.para:
            words = [t for t in prev_unit.toks if t.kind != "p"]
            if words and words[-1].kind == "q" and words[-1].start not in claimed:
                frames[0].extra_quotes.append(words[-1])
                claimed.add(words[-1].start)
    ex.named_later = lambda pos: _named_later(ex, all_frames, pos)
    res = _Resolver(ex)
    out: list[Statement] = []
    last: tuple[_Speaker, dt.date | None, int, bool] | None = None   # speaker, said_on, paragraph, direct
    pending: list[tuple[int, int]] = []     # unclosed quotes waiting for the speaker named after them
    for unit, frames in all_frames:
        if unit.para in ex.skipped:
            continue
        toks = unit.toks
        used = set(claimed)
        for fr in frames:
            fr.speaker = res.resolve(fr, unit) if fr.np is not None else getattr(fr.parent, "speaker", None)
            fr.said_on = _said_on(lex, toks, fr.attribution, published) or getattr(fr.parent, "said_on", None)
            spans = _frame_spans(text, toks, fr, used)
            if fr.speaker is None:
                continue
            attr_text = " ".join(text[toks[a].start:toks[b - 1].end] for a, b in fr.attribution
                                 if a < b <= len(toks))
            verb_text = text[toks[fr.verb_toks[0]].start:toks[fr.verb_toks[1] - 1].end]
            for qs, qe in pending:
                out.append(_statement(lex, text, qs, qe, fr.speaker, None, "", None, fr.said_on, ex))
            pending = []
            for a, b in spans:
                st = _statement(lex, text, a, b, fr.speaker, fr.verb, verb_text, attr_text, fr.said_on, ex)
                out.append(st)
                last = (fr.speaker, fr.said_on, unit.para, st.kind == "direct")
        # quotations with no frame continue the last speaker (or wait for the one named after them)
        for t in toks:
            if t.kind != "q" or t.start in used or len(t.text.split()) < 3:
                continue
            qs, qe, closed = t.quote
            opens_para = _starts_para(ex, unit, t)
            if not closed and _next_para_quote(ex, unit) and (last is None or last[2] < unit.para - 1 or pending):
                pending.append((qs, qe))
            elif last is not None and (last[2] == unit.para or (opens_para and last[2] >= unit.para - (2 if last[3] else 1))):
                out.append(_statement(lex, text, qs, qe, last[0], None, "", None, last[1], ex))
                last = (last[0], last[1], unit.para, True)
            elif pending and opens_para:
                pending.append((qs, qe))
    out.sort(key=lambda st: (st.char_start, st.char_end))
    return [st for i, st in enumerate(out)
            if i == 0 or (out[i - 1].char_start, out[i - 1].char_end) != (st.char_start, st.char_end)]


def _frame_spans(text: str, toks: list[_Tok], fr: _Frame, used: set[int]) -> list[tuple[int, int]]:
    """Character spans of the statements a frame reports: its content (a quotation on its own, or the
    reported clause), quotations that continue it, and the rest of a sentence split by its attribution."""
    spans = []
    for rng in (fr.content, fr.extra_content):
        if rng is None:
            continue
        ctoks = toks[rng[0]:rng[1]]
        words = [t for t in ctoks if t.kind == "w"]
        quotes_in = [t for t in ctoks if t.kind == "q"]
        if quotes_in and not words:
            spans.extend((q.quote[0], q.quote[1]) for q in quotes_in)
        else:
            sp = _content_span(text, toks, *rng)
            if sp and (len(words) >= 2 or quotes_in or (words and fr.verb.frame == "object")):
                spans.append(sp)
        used.update(t.start for t in ctoks)
    for q in fr.extra_quotes:
        spans.append((q.quote[0], q.quote[1]))
        used.add(q.start)
    return spans


def _named_later(ex: _Extractor, all_frames: list[tuple[_Unit, list[_Frame]]], pos: int) -> list[_Speaker]:
    """Speakers named with a title after a position (a lead's 'the spokesperson' named further down)."""
    out = []
    for unit, frames in all_frames:
        for fr in frames:
            np = fr.np
            if np is None or np.kind != "name" or not np.title:
                continue
            start = np.name_toks[0].start
            if start <= pos:
                continue
            eid = None
            if ex.tax is not None:
                for m in ex.mentions:
                    if m.char_start < np.name_toks[-1].end and m.char_end > start:
                        ent = ex.tax.entities.get(m.entity_id)
                        if ent is not None and ent.type == "official":
                            eid = m.entity_id
            name = ex.tax.entities[eid].name if eid else " ".join(t.text for t in np.name_toks)
            out.append(_Speaker(name, np.role, np.title, eid, "person", None, start, unit.index))
    return out


def _starts_para(ex: _Extractor, unit: _Unit, tok: _Tok) -> bool:
    lo = ex.paragraphs[unit.para][0]
    return not ex.text[lo:tok.start].strip()


def _next_para_quote(ex: _Extractor, unit: _Unit) -> bool:
    """Whether the next paragraph opens with a quotation (the usual sign of a continued quote)."""
    if unit.para + 1 >= len(ex.paragraphs):
        return False
    lo, hi = ex.paragraphs[unit.para + 1]
    return ex.text[lo] in _OPENERS


def _said_on(lex: Lexicon, toks: list[_Tok], ranges: list[tuple[int, int]], published: dt.date | None) -> dt.date | None:
    for a, b in ranges:
        k = a
        while k < min(b, len(toks)):
            n, d = _date_at(lex, toks, k, published)
            if n and d is not None:
                return d
            k += max(n, 1)
    return None


def _statement(lex: Lexicon, text: str, a: int, b: int, speaker: _Speaker, verb: _Verb | None, verb_text: str,
               attr_text: str | None, said_on: dt.date | None, ex: _Extractor) -> Statement:
    quote = text[a:b]
    kind = "direct" if any(c in _QUOTE_CHARS for c in (quote[:1], quote[-1:])) or \
        any(q[0] >= a and q[1] <= b for q in ex.quotes) else "indirect"
    if verb is None:
        typ, cue = _classify(lex, _Verb((), "", "quote", None, False, False), "", "", quote)
    else:
        typ, cue = _classify(lex, verb, verb_text, attr_text or "", quote)
    state = ex.tax.state_of(speaker.entity_id) if ex.tax is not None and speaker.entity_id else None
    role = speaker.role
    if role and not _is_cyr(role):
        role = " ".join(w[:1].upper() + w[1:] for w in role.split())
    elif role:
        role = role[:1].upper() + role[1:]
    return Statement(speaker.name, role, speaker.entity_id, state, quote, kind, typ, cue, a, b,
                     said_on or ex.published)


# ---------------------------------------------------------------------------------------------------
# Clusters

_WORD = re.compile(r"\w+", re.U)


def _quote_tokens(quote: str) -> frozenset[str]:
    return frozenset(w.lower().replace("ё", "е") for w in _WORD.findall(quote or ""))


def _speaker_key(entity_id: object, speaker: object) -> str | None:
    if isinstance(entity_id, str) and entity_id:
        return "e:" + entity_id
    if isinstance(speaker, str) and speaker.strip():
        words = [w for w in _WORD.findall(speaker.lower()) if w not in ("the", "a", "an")]
        return "s:" + stem(words[-1]) if words else None
    return None


def _similar(a: frozenset[str], b: frozenset[str]) -> bool:
    if not a or not b:
        return False
    inter = len(a & b)
    if inter / len(a | b) >= 0.6:
        return True
    return min(len(a), len(b)) >= 4 and inter / min(len(a), len(b)) >= 0.8


def assign_clusters(df: pd.DataFrame) -> pd.Series:
    """Cluster id per row: reports of one statement by one speaker (near-identical quote, said within
    CLUSTER_WINDOW_DAYS) share the smallest statement_id of their cluster. Rows are blocked by speaker
    and compared only inside a sliding date window, through an index of shared words."""
    ids = df["statement_id"].astype(str).tolist()
    parent = list(range(len(ids)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    keys = [_speaker_key(e, s) for e, s in zip(df["speaker_entity_id"], df["speaker"])]
    dates = pd.to_datetime(df["said_on"], errors="coerce").tolist()
    toks = [_quote_tokens(q) for q in df["quote"]]
    blocks: dict[tuple[str, bool], list[int]] = defaultdict(list)
    for i, key in enumerate(keys):
        if key is not None and toks[i]:
            blocks[(key, pd.isna(dates[i]))].append(i)
    window = pd.Timedelta(days=CLUSTER_WINDOW_DAYS)
    for (_, undated), rows in blocks.items():
        if len(rows) < 2:
            continue
        rows.sort(key=lambda r: (dates[r] if not undated else 0, ids[r]))
        active: deque[int] = deque()
        postings: dict[str, set[int]] = defaultdict(set)
        for r in rows:
            while active and not undated and dates[r] - dates[active[0]] > window:
                old = active.popleft()
                for w in toks[old]:
                    postings[w].discard(old)
            seen: set[int] = set()
            for w in toks[r]:
                seen |= postings[w]
            for c in seen:
                if _similar(toks[r], toks[c]):
                    ra, rb = find(r), find(c)
                    if ra != rb:
                        parent[max(ra, rb)] = min(ra, rb)
            active.append(r)
            for w in toks[r]:
                postings[w].add(r)
    smallest: dict[int, str] = {}
    for i, sid in enumerate(ids):
        root = find(i)
        if root not in smallest or sid < smallest[root]:
            smallest[root] = sid
    return pd.Series([smallest[find(i)] for i in range(len(ids))], index=df.index, name="cluster_id")
