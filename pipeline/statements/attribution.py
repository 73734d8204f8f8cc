"""Reported speech: attribution frames around speech verbs and source phrases. A frame ties a speaker
phrase to the content it reports, in any of the usual orders: "X said (that) …", "…, X said", "…, said
X", "X said: "…"", "According to X, …", "…, according to X", "X called on Y to …", "… and urged …",
"…, adding that …", "X declined to comment but said …", "X, a long description, says …",
"X is more blunt: "…"" (a colon with no speech verb), "По словам X, …", "X заявил, что …".
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .cues import Lexicon, SpeechVerb
from .quotes import Unit
from .speaker_phrases import NP, Grammar
from .tokens import Tok, base, is_cyr

_COLON = SpeechVerb((":",), ":", "quote", None, False, False)
_SUBORDINATORS = {"while", "although", "though", "if", "because", "unless", "whether", "once"}
_NOUN_MARKERS = {"the", "a", "an", "his", "her", "its", "their", "our", "my", "this", "these", "those", "every",
                 "each", "no", "any"}
# before a verb: it has not been said yet ("Donfried will emphasize …", "plans to urge …")
_NOT_YET = {"will", "shall"}


@dataclass
class Frame:
    """One attribution: a speaker phrase, its speech verb, and the token ranges of what it reports."""

    np: NP | None                  # None: inherits the speaker of `parent`
    verb: SpeechVerb
    verb_toks: tuple[int, int]
    content: tuple[int, int] | None  # token range of the content
    attribution: list[tuple[int, int]]  # token ranges naming speaker/verb/adjuncts (dates, type cues)
    unit: int
    parent: Frame | None = None
    extra_quotes: list[Tok] = field(default_factory=list)
    extra_content: tuple[int, int] | None = None


class FrameFinder:
    """Finds the attribution frames of each unit of one article."""

    def __init__(self, lex: Lexicon, grammar: Grammar, genre: str | None = None) -> None:
        self.lex, self.g, self.genre = lex, grammar, genre

    def frames(self, unit: Unit) -> list[Frame]:
        """The unit's frames in order; a frame found inside another's content cuts that content short."""
        toks, lex = unit.toks, self.lex
        frames: list[Frame] = []
        claimed: list[tuple[int, int, Frame]] = []
        i = 0
        seg_start = 0
        heads = lex.verbs
        while i < len(toks):
            tok = toks[i]
            hit = lex.verb_at(toks, i, self.genre) if tok.kind == "w" and tok.low[:3] in heads else None
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
        if not frames:
            colon = self._colon_frame(unit)
            if colon is not None:
                frames.append(colon)
        return frames

    def _description_start(self, toks: list[Tok], k: int, lo: int) -> int:
        """Where a speaker phrase starts once the lower-case description its name was parsed out of is
        included ('"…," mayoral candidate Doug McCallum said'): only when a quotation or comma precedes it."""
        j = k
        while j > lo and k - j < 4 and toks[j - 1].kind == "w" and not toks[j - 1].cap \
                and self.g.word_class(toks[j - 1]) in ("other", "mod", "role") and toks[j - 1].low not in \
                self.lex.boundaries and self.lex.verb_at(toks, j - 1) is None:
            j -= 1
        return j if j < k and (j == lo or toks[j - 1].kind == "q" or toks[j - 1].text == ",") else k

    def _clause_subject(self, toks: list[Tok], lo: int, hi: int) -> NP | None:
        """The speaker phrase opening a clause (a name, pronoun, role or body) that ends before token hi."""
        j = lo
        while j < hi and (toks[j].kind == "p" or toks[j].low in self.lex.stop_caps) and toks[j].kind != "q" \
                and toks[j].low not in self.lex.pronouns and toks[j].low not in ("the", "a", "an"):
            if toks[j].low in self.lex.first_person:
                return None     # "We commend Armenia … and encourage …": the speaker is "we", not Armenia
            j += 1
        got = self.g.forward(toks, j, hi) if j < hi else None
        if got is None or got[0].kind not in ("name", "pronoun", "role", "org") or got[1] >= hi:
            return None
        return got[0]

    def _colon_frame(self, unit: Unit) -> Frame | None:
        """'Martell, the doctor on the shore, is more blunt: "…"': with no speech verb, a quotation after a
        colon belongs to the speaker phrase that opens the clause."""
        toks = unit.toks
        c = next((x for x in range(1, len(toks) - 1) if toks[x].text == ":" and toks[x + 1].kind == "q"), None)
        if c is None or c > 24:
            return None
        np = self._clause_subject(toks, 0, c)
        if np is None or any(t.kind == "q" for t in toks[toks.index(np.toks[-1]):c]):
            return None
        return Frame(np, _COLON, (c, c + 1), (c + 1, c + 2), [(0, c + 1)], unit.index)

    def _ends_clause(self, toks: list[Tok], k: int) -> bool:
        """Whether a trailing attribution ends at token k: the end, punctuation, a quotation, a conjunction
        or an adverb follows ("…, he said.", "…, she said, adding …", "…, he said quietly")."""
        if k >= len(toks):
            return True
        tok = toks[k]
        return tok.kind != "w" or tok.low in self.lex.boundaries or tok.low.endswith("ly") or is_cyr(tok.low)

    def _negated(self, toks: list[Tok], i: int) -> bool:
        """Whether a negator stands just before the verb at i ("did not comment")."""
        for n in self.lex.negator_lengths:
            for back in range(1, 4):
                k = i - back - n + 1
                if k >= 0 and tuple(t.low for t in toks[k:k + n]) in self.lex.negators:
                    return True
        return False

    def _skip_back(self, toks: list[Tok], k: int, lo: int) -> int:
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
                if s >= lo and self.lex.date_len(toks, s) == n:
                    k -= n
                    changed = True
                    break
        return k

    def _skip_adjuncts(self, toks: list[Tok], j: int, addressee: bool) -> int:
        """Step over dates, an addressee ('told reporters') and short adjunct phrases after a verb."""
        n = len(toks)
        if addressee and j < n and toks[j].kind == "w" and toks[j].low not in ("that", "что") \
                and not self.lex.starts_clause(toks[j]):
            k = j
            while k < n and k - j < 6:
                t = toks[k]
                if t.kind != "w" or t.low in ("that", "что"):
                    break
                if k > j and (self.lex.starts_clause(t) or t.low in self.lex.prepositions) \
                        and self.g.word_class(toks[k - 1]) not in ("det",) and toks[k - 1].low not in ("the", "a"):
                    break
                k += 1
            if k > j and (k >= n or toks[k].kind != "w" or self.lex.starts_clause(toks[k])
                          or toks[k].low in ("that", "что") or toks[k].low in self.lex.prepositions):
                j = k
        while j < n:
            d = self.lex.date_len(toks, j)
            if d:
                j += d
                continue
            t = toks[j]
            if t.kind == "w" and t.low in self.lex.prepositions and t.low not in ("that",):
                k = j + 1
                while k < n and k - j <= 8:
                    u = toks[k]
                    if u.kind != "w" or u.low in ("that", "что") or (self.lex.starts_clause(u)
                                                                     and u.low not in ("the", "a", "an", "his",
                                                                                       "her", "their", "its")
                                                                     and k > j + 1):
                        break
                    k += 1
                if k < n and (toks[k].kind != "w" or toks[k].low in ("that", "что")
                              or self.lex.starts_clause(toks[k])):
                    j = k
                    continue
                if k >= n:
                    return k
                break
            if t.kind == "w" and t.low in self.lex.skip_words and t.low not in ("is", "was"):
                j += 1
                continue
            break
        return j

    def _frame(self, unit: Unit, i: int, j: int, verb: SpeechVerb, seg_start: int,
               inside: tuple[int, int, Frame] | None, previous: Frame | None) -> Frame | None:
        """The frame of the speech verb at tokens [i, j), or None when it attributes nothing."""
        toks, g = unit.toks, self.g
        n = len(toks)
        if self._negated(toks, i):
            return None
        if i > 0 and (toks[i - 1].low in _NOUN_MARKERS or (toks[i - 1].low in self.lex.modifiers
                                                              and base(toks[i]) in self.lex.doc_nouns)):
            return None     # "the report", "the relief report": a noun, not a verb
        if verb.frame == "source":
            return None if inside is not None else self._source_frame(unit, i, j, verb, seg_start)
        k = self._skip_back(toks, i - 1, seg_start)
        if (k >= 0 and toks[k].low == "to") or any(t.low in _NOT_YET or t.low.endswith("'ll") for t in toks[k + 1:i]):
            return None     # announced, not said: "will emphasize", "to urge" (but "went on to elaborate")
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
        if joined and not verb.participle:
            if not (verb.bare or verb.type in ("appeal", "concern", "condemn", "welcome")):
                return None
            np = self._clause_subject(toks, seg_start, k)   # "Lind declined to give details but said …"
            if np is None:
                return None
        elif prev is not None and k >= seg_start and prev.kind not in ("q",) and prev.text not in "—–-" \
                and not as_word:
            np = g.back(toks, k, seg_start, loose=verb.frame == "clause")
            if np is None and prev.text != ",":
                return None
        if np is None:
            got = g.forward(toks, j, n)
            if got is None:
                return None
            np, after = got
            inverted = True
        if verb.participle and not inverted:
            return None
        np_idx = toks.index(np.toks[0])
        if not inverted:
            np_idx = self._description_start(toks, np_idx, seg_start)
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
                        self.lex.starts_clause(nxt) or (nxt.cap or verb.bare) and nxt.low not in self.lex.stop_caps
                        or verb.bare and nxt.low in _SUBORDINATORS))):
                start = after
        if start is not None:
            return Frame(np, verb, (i, j), (start, n), [(seg_start, start)], unit.index)
        # trailing attribution: the content is what precedes it in the unit
        c_end = a_idx
        while c_end > seg_start and toks[c_end - 1].kind == "p" and toks[c_end - 1].text in ",—–-:;":
            c_end -= 1
        c_start = seg_start
        while c_start < c_end and toks[c_start].kind == "p" and toks[c_start].text in ",—–-:;.":
            c_start += 1
        frame = Frame(np, verb, (i, j), None, [(a_idx, n)], unit.index)
        separated = a_idx > seg_start and (toks[a_idx - 1].kind == "q" or toks[a_idx - 1].text in ",—–-:;")
        if c_end > c_start and separated:
            if toks[c_end - 1].kind == "q":
                before = toks[c_end - 2] if c_end - 1 > c_start else None
                if before is None or before.text in "—–-:;" or before.kind == "q":
                    c_start = c_end - 1
            quote_only = c_start == c_end - 1 and toks[c_start].kind == "q"
            if verb.frame == "object" and not quote_only:
                return None    # "…, a term the authorities reject": an object verb needs its object after it
            if not quote_only and not self._ends_clause(toks, after):
                return None    # "In July, the commission asked Sinclair to …": the verb goes on, nothing trails
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

    def _source_frame(self, unit: Unit, i: int, j: int, verb: SpeechVerb, seg_start: int) -> Frame | None:
        """'According to X, …', '…, according to X', 'По словам X, …', 'По его словам, …'."""
        toks, n = unit.toks, len(unit.toks)
        pron = next((self.lex.source_pronouns[t.low] for t in toks[i:j] if t.low in self.lex.source_pronouns), None)
        if pron is not None:
            np, after = NP(toks[i:j], "pronoun", pronoun=pron), j
        else:
            got = self.g.forward(toks, j, n)
            if got is None:
                return None
            np, after = got
        if after < n and toks[after].text == ",":
            return Frame(np, verb, (i, j), (after + 1, n), [(seg_start, after + 1)], unit.index)
        if i > seg_start and toks[i - 1].text == ",":
            return Frame(np, verb, (i, j), (seg_start, i - 1), [(i, n)], unit.index)
        return None

    def _coord_frame(self, unit: Unit, i: int, j: int, verb: SpeechVerb, parent: Frame) -> Frame | None:
        """A verb joined to an earlier frame ('… and urged …', '…, saying …'): same speaker."""
        toks = unit.toks
        after = self._skip_adjuncts(toks, j, verb.addressee)
        if after < len(toks) and toks[after].low in ("that", "что"):
            after += 1
        elif after + 1 < len(toks) and toks[after].text == "," and toks[after + 1].low == "что":
            after += 2
        if after >= len(toks):
            return None
        return Frame(None, verb, (i, j), (after, len(toks)), [(i, after)], unit.index, parent)
