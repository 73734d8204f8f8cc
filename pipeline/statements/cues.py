"""The speech lexicon: speech verbs, source phrases, type cues, role nouns and word lists of
speech_cues.yaml (all languages merged), with the lookups the extractor makes over tokens.

Kept as data so that a language or a verb is added by editing the YAML, not the rules.
"""
from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..config import read_yaml
from ..vocab import CUE_TYPES
from .tokens import Tok, is_cyr, stem

CUES_PATH = Path(__file__).with_name("speech_cues.yaml")
_WORD_SETS = ("generic_roles", "org_nouns", "doc_nouns", "modifiers", "reporters", "boundaries", "stop_caps",
              "clause_starters", "prepositions", "verbish", "first_person", "local_markers")
_STEMMED_SETS = ("org_nouns", "doc_nouns", "reporters")


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


_WORD_START = re.compile(r"(?<!\w)\w")
_WORDS = re.compile(r"\w+")


class _WordStartScan:
    """`finditer` of cue regexes that can only match where a word starts ("(?<![\\w])" and a word
    character first, as `_cue_regex` builds them), tried only at the word starts that can open one of
    the regex's phrases — the same matches, in the same order, without trying every character of the
    text against hundreds of phrases. Which regexes a word may open is decided by the regexes' own case
    rules (an alternation of the phrases' first two letters) and remembered per pair of letters."""

    def __init__(self, regexes: list[re.Pattern], phrases: list[list[str]]) -> None:
        self.regexes = regexes
        self._openers = [re.compile("|".join(sorted({re.escape(p.split()[0].rstrip("*")[:2]) for p in group})), re.I)
                         for group in phrases]
        self._opened: dict[str, tuple[int, ...]] = {}

    def candidates(self, text: str) -> list[list[int]]:
        """For each regex, the word starts of the text where it may match."""
        out: list[list[int]] = [[] for _ in self.regexes]
        opened = self._opened
        for m in _WORD_START.finditer(text):
            p = m.start()
            head = text[p:p + 2]
            which = opened.get(head)
            if which is None:
                which = opened[head] = tuple(k for k, rx in enumerate(self._openers) if rx.match(head))
            for k in which:
                out[k].append(p)
        return out

    def matches(self, k: int, text: str, starts: list[int], until: int) -> Iterator[re.Match]:
        """The matches `self.regexes[k].finditer(text)` gives that start at or before `until`, tried at
        `starts` (its `candidates`)."""
        rx, pos = self.regexes[k], 0
        for p in starts:
            if p > until:
                return
            if p < pos:
                continue
            m = rx.match(text, p)
            if m is not None:
                yield m
                pos = max(m.end(), p + 1)


@dataclass(frozen=True)
class SpeechVerb:
    """One form of a speech verb or source phrase, with how it frames its content."""

    words: tuple[str, ...]
    lemma: str
    frame: str                 # clause | object | quote | source
    type: str | None
    addressee: bool
    participle: bool           # an -ing form or a Russian gerund ("saying", "заявив")
    bare: bool = False         # its clause may start with any word, "that" left out ("said police found")
    genres: frozenset[str] | None = None   # document genres where it reports speech (None: all)


class Lexicon:
    """Speech verbs, cue phrases and word lists of all languages in speech_cues.yaml, merged."""

    def __init__(self, data: dict) -> None:
        self.verbs: dict[str, list[SpeechVerb]] = defaultdict(list)
        roles: list[tuple[tuple[str, ...], str]] = []
        sets: dict[str, set[str]] = defaultdict(set)
        self.pronouns: dict[str, str] = {}
        self.source_pronouns: dict[str, str] = {}
        self.honorifics: dict[str, str | None] = {}
        self.given_names: dict[str, str] = {}
        self.relative_days: dict[tuple[str, ...], int] = {}
        self.weekdays: list[list[str]] = [[] for _ in range(7)]
        self.months: list[list[str]] = [[] for _ in range(12)]
        self.skip: set[tuple[str, ...]] = set()
        self.negators: set[tuple[str, ...]] = set()
        cues: dict[str, list[str]] = defaultdict(list)
        not_cues: list[str] = []
        for lang in data.values():
            for lemma, spec in (lang.get("verbs") or {}).items():
                self._add_verb(lemma, spec or {})
            for phrase in lang.get("sources") or []:
                words = tuple(phrase.split())
                self.verbs[self._key(words[0])].append(SpeechVerb(words, phrase, "source", None, False, False))
            for title_type, phrases in (lang.get("type_cues") or {}).items():
                cues[title_type].extend(phrases)
            not_cues.extend(lang.get("not_cues") or [])
            for surface, title in (lang.get("roles") or {}).items():
                roles.append((tuple(stem(w) for w in surface.split()), title))
            for key in _WORD_SETS:
                sets[key].update(stem(w) if key in _STEMMED_SETS else w.lower() for w in lang.get(key) or [])
            self.pronouns.update(lang.get("pronouns") or {})
            self.source_pronouns.update(lang.get("source_pronouns") or {})
            self.honorifics.update(lang.get("honorifics") or {})
            for gender, names in (lang.get("given_names") or {}).items():
                self.given_names.update((stem(n), gender) for n in names)
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
        for entries in self.verbs.values():
            entries.sort(key=lambda v: -len(v.words))
        roles.sort(key=lambda r: -len(r[0]))
        self.roles_by_first: dict[str, list[tuple[int, tuple[str, ...], str]]] = defaultdict(list)
        for order, (words, title) in enumerate(roles):
            self.roles_by_first[words[0]].append((order, words, title))
        self.role_words = {w for words, _ in roles for w in words}
        self.generic_roles = sets["generic_roles"]
        self.org_nouns = sets["org_nouns"]
        self.doc_nouns = sets["doc_nouns"]
        self.modifiers = sets["modifiers"] | {stem(w) for w in sets["modifiers"]}
        self.reporters = sets["reporters"]
        self.boundaries = sets["boundaries"]
        self.stop_caps = sets["stop_caps"]
        self.clause_starters = sets["clause_starters"]
        self.verbish = sets["verbish"]
        self.first_person = sets["first_person"]
        self.local_markers = sets["local_markers"]
        self.prepositions = sets["prepositions"]
        self.type_cues = [(t, re.compile(_cue_regex(cues[t]), re.I)) for t in CUE_TYPES if cues.get(t)]
        self.not_cues = re.compile(_cue_regex(not_cues), re.I) if not_cues else None
        self._cue_scan = _WordStartScan([rx for _, rx in self.type_cues], [cues[t] for t, _ in self.type_cues])
        self._not_scan = _WordStartScan([self.not_cues], [not_cues]) if not_cues else None
        self.max_skip = max((len(s) for s in self.skip), default=1)
        self.skip_words = {s[0] for s in self.skip if len(s) == 1}
        self.negator_lengths = sorted({len(neg) for neg in self.negators})
        self._calendar: dict[str, tuple[int | None, int | None]] = {}
        self._opened: dict[str, list[SpeechVerb]] = {}
        self._relative_by_first: dict[str, list[tuple[tuple[str, ...], int]]] = defaultdict(list)
        for phrase, delta in self.relative_days.items():
            self._relative_by_first[phrase[0]].append((phrase, delta))
        self.word_classes: dict[str, str] = {}      # Grammar.word_class memo, shared by every article
        heads = sorted({re.escape(v.words[0].rstrip("*")) + (r"\w*" if v.words[0].endswith("*") else "")
                        for entries in self.verbs.values() for v in entries}, key=len, reverse=True)
        # Every head is word characters (a stem's \w* included), so a head found between non-word
        # characters is a whole word of the text: words are tested one by one, each once per process.
        self._speech = re.compile("|".join(heads), re.I)
        self._speech_words: dict[str, bool] = {}

    def may_report(self, text: str) -> bool:
        """Whether a text has a quote mark or a speech-verb word at all (a cheap test before reading it)."""
        if any(c in text for c in '"“«„‘'):
            return True
        memo = self._speech_words
        for word in set(_WORDS.findall(text)):
            hit = memo.get(word)
            if hit is None:
                hit = self._speech.fullmatch(word) is not None
                if len(memo) < 200_000:
                    memo[word] = hit
            if hit:
                return True
        return False

    @staticmethod
    def _key(word: str) -> str:
        """Verbs are looked up by their first three letters (stems and inflections share them)."""
        return word.rstrip("*")[:3]

    def _add_verb(self, lemma: str, spec: dict) -> None:
        """Index every form of a verb: listed forms, the regular English ones, or a Russian stem."""
        frame, typ, addressee = spec.get("frame", "clause"), spec.get("type"), bool(spec.get("addressee"))
        bare = bool(spec.get("bare"))
        genres = frozenset(spec["genres"]) if spec.get("genres") else None
        words = lemma.split()
        forms = spec.get("forms")
        if forms:
            heads = [f.split()[0] for f in forms] if len(words) > 1 and " " in forms[0] else list(forms)
        elif is_cyr(lemma) or lemma.endswith("*"):
            heads = [words[0]]
        else:
            heads = _en_forms(words[0])
        for head in heads:
            full = (head, *words[1:]) if not (forms and " " in head) else tuple(head.split())
            participle = head.endswith("ing") or (is_cyr(head) and head.endswith(("в", "вши")))
            self.verbs[self._key(full[0])].append(SpeechVerb(full, lemma, frame, typ, addressee, participle, bare,
                                                             genres))

    def verb_at(self, toks: list[Tok], i: int, genre: str | None = None) -> tuple[SpeechVerb, int] | None:
        """The longest speech verb or source phrase starting at token i, and the index after it; verbs
        limited to some genres count only in a document of one of them."""
        tok = toks[i]
        if tok.kind != "w":
            return None
        for verb in self._verbs_opened_by(tok.low):
            if verb.frame != "source" and not tok.text[:1].islower():
                continue     # "Secretary of State Mike Pompeo": a capitalised word is no verb
            if verb.genres is not None and genre not in verb.genres:
                continue
            n = len(verb.words)
            if i + n > len(toks):
                continue
            if all(toks[i + k].kind == "w" and _wmatch(verb.words[k], toks[i + k].low) for k in range(1, n)):
                if verb.words[0].endswith("*") and not is_cyr(tok.low):
                    continue
                return verb, i + n
        return None

    def _verbs_opened_by(self, low: str) -> list[SpeechVerb]:
        """The speech verbs whose first word is this lower-cased word, longest first (memoised per word)."""
        got = self._opened.get(low)
        if got is None:
            got = [verb for verb in self.verbs.get(low[:3], ()) if _wmatch(verb.words[0], low)]
            if len(self._opened) < 200_000:
                self._opened[low] = got
        return got

    def first_cue(self, text: str) -> tuple[str, str] | None:
        """(type, cue phrase) of the earliest type cue in a text (the longest one at that position), leaving
        out phrases that only look like cues ("a pleasure to welcome the minister", `not_cues`)."""
        candidates = self._cue_scan.candidates(text)
        blocked: list[tuple[int, int]] | None = None
        best = None
        for k, (typ, _) in enumerate(self.type_cues):
            for m in self._cue_scan.matches(k, text, candidates[k], best[0] if best else len(text)):
                if blocked is None:
                    blocked = [] if self._not_scan is None else [
                        b.span() for b in self._not_scan.matches(0, text, self._not_scan.candidates(text)[0],
                                                                 len(text))]
                if any(a < m.end() and m.start() < b for a, b in blocked):
                    continue
                if best is None or (m.start(), -len(m.group())) < (best[0], -len(best[2])):
                    best = (m.start(), typ, m.group())
                break
        return (best[1], best[2]) if best else None

    def starts_clause(self, tok: Tok) -> bool:
        """Whether a word opens a reported clause: a pronoun or determiner, or a contraction of one
        ("he's", "there's", "we'll")."""
        low = tok.low
        return low in self.clause_starters or ("'" in low and low.split("'")[0] in self.clause_starters)

    def role_in(self, stems: list[str]) -> tuple[int, int, str] | None:
        """The longest role phrase among the stems: (start, end, canonical title)."""
        best = None
        for i, first in enumerate(stems):
            for order, words, title in self.roles_by_first.get(first, ()):
                n = len(words)
                if tuple(stems[i:i + n]) == words:
                    key = (-n, order, i)
                    if best is None or key < best[0]:
                        best = (key, (i, i + n, title))
        return best[1] if best else None

    def _calendar_word(self, low: str) -> tuple[int | None, int | None]:
        """(weekday 0-6, month 1-12) that a lower-cased word names, memoised."""
        got = self._calendar.get(low)
        if got is None:
            wd = next((i for i, pats in enumerate(self.weekdays) if any(_wmatch(p, low) for p in pats)), None)
            bare = low.rstrip(".")
            mo = next((i + 1 for i, pats in enumerate(self.months) if any(_wmatch(p, bare) for p in pats)), None)
            got = self._calendar[low] = (wd, mo)
        return got

    def weekday(self, low: str) -> int | None:
        """Weekday index (Monday 0) a word names, or None."""
        return self._calendar_word(low)[0]

    def month(self, low: str) -> int | None:
        """Month number a word (or its abbreviation) names, or None."""
        return self._calendar_word(low)[1]

    def date_at(self, toks: list[Tok], i: int, published: dt.date | None) -> tuple[int, dt.date | None]:
        """A date expression at token i: (length in tokens, the date resolved against the publication
        date, or None when there is no publication date); (0, None) when no date starts there."""
        n = len(toks)
        if i >= n or toks[i].kind != "w":
            return 0, None
        j = i
        if toks[j].low in ("on", "в", "во", "last", "this") and j + 1 < n:
            j += 1
        for phrase, delta in self._relative_by_first.get(toks[i].low, ()):
            if tuple(t.low for t in toks[i:i + len(phrase)]) == phrase:
                return len(phrase), (published + dt.timedelta(days=delta)) if published else None
        low = toks[j].low
        wd = self.weekday(low)
        if wd is not None and (j > i or toks[j].cap or is_cyr(low)):
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
        if toks[j].low.isdigit() and j + 1 < n and self.month(toks[j + 1].low):
            day, month, end = int(toks[j].low), self.month(toks[j + 1].low), j + 2
        elif self.month(low) and (toks[j].cap or is_cyr(low)):
            if j + 1 < n and toks[j + 1].low.isdigit() and len(toks[j + 1].low) <= 2:
                day, month, end = int(toks[j + 1].low), self.month(low), j + 2
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

    def date_len(self, toks: list[Tok], i: int) -> int:
        """Number of tokens of a date expression starting at i (0 if none)."""
        return self.date_at(toks, i, None)[0]


@lru_cache(maxsize=4)
def load_cues(path: str | Path | None = None) -> Lexicon:
    """The lexicon from speech_cues.yaml (cached per path)."""
    return Lexicon(read_yaml(path or CUES_PATH))
