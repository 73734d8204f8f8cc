"""Speaker phrases: the noun phrase next to a speech verb ("Foreign Minister Ada Lorne", "the
ministry", "she", "a senior official", "Lorne, the envoy,") parsed into a name, role, organisation,
document or pronoun, by word classes from the speech lexicon. Resolution to a person is speakers.py's job.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .cues import Lexicon
from .tokens import Tok, base, is_cyr, is_possessive


@dataclass
class NP:
    """A parsed speaker phrase."""

    toks: list[Tok]
    kind: str                       # pronoun | name | role | org | doc
    pronoun: str | None = None      # m | f | plural | org
    name_toks: list[Tok] = field(default_factory=list)
    role: str | None = None         # surface of the role phrase
    title: str | None = None        # canonical title
    definite: bool = True
    plural: bool = False
    gender: str | None = None
    possessor: NP | None = None
    affil: tuple[int, int] | None = None   # an appositive describing the speaker ("…, a spokeswoman for X,")

    @property
    def start(self) -> int:
        """Offset where the phrase starts."""
        return self.toks[0].start

    @property
    def end(self) -> int:
        """Offset where the phrase ends."""
        return self.toks[-1].end


class Grammar:
    """Speaker-phrase parsing over tokens with the lexicon's word lists."""

    _PARTICLES = {"de", "van", "von", "der", "da", "al", "bin", "ibn", "la", "le", "di", "du", "el", "ben"}
    _INDEF = {"a", "an", "one", "some", "several", "two", "three", "four", "many", "other", "another",
              "various"}

    def __init__(self, lex: Lexicon, place_ends: frozenset[int] = frozenset()) -> None:
        self.lex = lex
        self.place_ends = place_ends       # end offsets of place and state mentions in the article
        self._classes: dict[str, str] = lex.word_classes     # depends on the word alone: shared per lexicon

    def word_class(self, tok: Tok) -> str:
        """role | reporter | org | doc | mod | det | pron | name | stop | other (memoised per word)."""
        if tok.kind != "w":
            return "other"
        got = self._classes.get(tok.text)
        if got is None:
            got = self._classes[tok.text] = self._word_class(tok)
        return got

    def _word_class(self, tok: Tok) -> str:
        """The class of one word, pronouns and determiners first, then the lexicon's noun lists."""
        low, stemmed = tok.low, base(tok)
        if low in self.lex.pronouns:
            return "pron"
        if "'" in low and low.split("'")[0] in self.lex.stop_caps:
            return "stop"           # "We've", "I'd", "It's"
        if low in ("the", "a", "an") or low in self._INDEF and not tok.cap:
            return "det"
        if stemmed in self.lex.org_nouns:
            return "org"
        if stemmed in self.lex.doc_nouns and not tok.cap:
            return "doc"
        if stemmed in self.lex.reporters:
            return "reporter"
        if stemmed in self.lex.role_words:
            return "role"
        if tok.cap and low not in self.lex.stop_caps and not low.isdigit():
            return "name"
        if low in self.lex.modifiers or stemmed in self.lex.modifiers:
            return "mod"
        if low in self.lex.stop_caps:
            return "stop"
        return "other"

    def build(self, toks: list[Tok], drop_places: bool = True) -> NP | None:
        """Classify a candidate speaker phrase; None when it cannot name a speaker. `drop_places` drops
        leading name words that end a place or state mention ("Valdoria's Davit Orlan" → Davit Orlan)."""
        toks = [t for t in toks if not (t.kind == "p" and t.text in "-–—")] if toks else toks
        while toks and (self.word_class(toks[0]) in ("stop", "other") or toks[0].kind == "p") \
                and toks[0].low not in self.lex.honorifics:
            toks = toks[1:]
        if not toks or toks[-1].kind != "w":
            return None
        if len(toks) == 1 and toks[0].low in self.lex.pronouns:
            return NP(toks, "pronoun", pronoun=self.lex.pronouns[toks[0].low])
        classes = [self.word_class(t) for t in toks]
        definite = True
        if classes[0] == "det":
            definite = toks[0].low == "the"
        gender = None
        for t in toks:
            if t.low in self.lex.honorifics:
                gender = self.lex.honorifics[t.low]
        stems = [base(t) for t in toks]
        role = self.lex.role_in(stems)
        head = classes[-1]
        # a trailing run of capitalised words is a name (title and affiliation before it)
        run: list[int] = []
        for k in range(len(toks) - 1, -1, -1):
            t = toks[k]
            if classes[k] == "name" and not is_possessive(t) and t.low not in self.lex.honorifics:
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
            connectors = ("in", "at", "to", "of", "for", "from", "в", "при")
            after_connector = before >= 0 and (toks[before].low in connectors or (   # "… envoy for the South Caucasus"
                classes[before] == "det" and before >= 1 and toks[before - 1].low in connectors
                and "role" in classes[:before - 1]))
            if not single_after_org and not after_connector:
                name_toks = [toks[k] for k in run]
                if len(name_toks) > 2 and not any(len(t.text) <= 2 or t.text.endswith(".") for t in name_toks):
                    if not any(t.low.endswith(("вич", "вна", "ична")) for t in name_toks):
                        name_toks = name_toks[-2:]
                if drop_places:
                    while len(name_toks) > 1 and name_toks[0].end in self.place_ends:
                        name_toks = name_toks[1:]
                role_tuple = role if role and role[1] <= run[0] else None
                return NP(toks, "name", name_toks=name_toks,
                           role=" ".join(t.text for t in toks[role_tuple[0]:role_tuple[1]]) if role_tuple else None,
                           title=role_tuple[2] if role_tuple else None, definite=True, gender=gender)
        if any(base(t) in self.lex.reporters for t in toks):
            return None
        org_idx = [k for k, c in enumerate(classes) if c == "org"]
        if head == "doc" or (classes[-1] == "name" and any(c == "doc" for c in classes)):
            k = max(k for k, c in enumerate(classes) if c == "doc")
            pos_toks = toks[:k]
            possessor = None
            if pos_toks and is_possessive(pos_toks[-1]):
                possessor = self.build(pos_toks, drop_places=False)
            return NP(toks, "doc", possessor=possessor, definite=definite)
        cyrillic = is_cyr(toks[0].low)
        if org_idx and (head in ("org", "name") and not role or (cyrillic and org_idx[0] == 0)):
            return NP(toks, "org", definite=definite)
        if role:
            plural = toks[role[1] - 1].low.endswith("s") and not toks[role[1] - 1].low.endswith("ss") \
                and not cyrillic
            if classes[0] != "det" and plural and not any(is_possessive(t) for t in toks):
                definite = False
            if toks[0].low in self._INDEF and classes[0] == "det":
                definite = False
            return NP(toks, "role", role=" ".join(t.text for t in toks[role[0]:role[1]]), title=role[2],
                       definite=definite, plural=plural, gender=gender)
        if head == "org":
            return NP(toks, "org", definite=definite)
        return None

    def _np_ok(self, toks: list[Tok], max_unknown: int = 2) -> bool:
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
                if t.low in ("of", "for", "to", "in", "at", "on", "from", "в", "при", "по") or is_possessive(t):
                    continue
                if t.kind == "w" and (t.low.isdigit() or t.low in self.lex.honorifics):
                    continue
                if t.kind == "w" and t.low.replace("-", "").replace("'", "").isalpha() \
                        and t.low not in self.lex.boundaries and t.low not in self.lex.stop_caps:
                    unknown += 1
                    continue
                return False
        return unknown <= max_unknown

    def back(self, toks: list[Tok], k: int, lo: int, loose: bool = False) -> NP | None:
        """The speaker phrase ending at token k (reading backwards, not before lo); `loose` also takes a
        plain description ("people arrested last week said") before a strong speech verb."""
        if k < lo:
            return None
        if toks[k].kind == "w" and toks[k].low in self.lex.pronouns:
            return self.build([toks[k]])
        if toks[k].text == ",":
            return self._appositive_back(toks, k, lo)
        j = k
        while j >= lo and toks[j].kind != "q" and not (toks[j].kind == "p" and toks[j].text not in "-.&") \
                and not (toks[j].kind == "w" and toks[j].low in self.lex.boundaries and not toks[j].cap):
            j -= 1
        cand = toks[j + 1:k + 1]
        # drop leading stop words and date words ("On Tuesday Price said")
        while cand and ((cand[0].low in self.lex.stop_caps and self.word_class(cand[0]) != "det"
                         and cand[0].low not in self.lex.honorifics) or self.lex.date_len(cand, 0)):
            n = self.lex.date_len(cand, 0) or 1
            cand = cand[n:]
        if not cand:
            return None
        full_name = len(cand) >= 2 and all(self.word_class(t) == "name" for t in cand[-2:])
        if self._np_ok(cand) or (full_name and self._np_ok(cand, 4)):   # "oil and gas worker Mike Wipf"
            np = self.build(cand)
            if np is not None or not loose:
                return np
        if loose and len(cand) >= 2 and self.word_class(cand[-1]) not in ("det", "stop") \
                and self._np_ok(cand, 4) and (cand[0].cap or self.word_class(cand[0]) == "det"
                                              or cand[-1].low.endswith("s")):
            return NP(cand, "desc", definite=cand[0].low == "the", plural=cand[-1].low.endswith("s"))
        return None

    def _appositive_back(self, toks: list[Tok], k: int, lo: int) -> NP | None:
        """'Her lawyer, Tobias Rehn, said' / 'Petrov, the foreign minister, said' / 'X, who …, said'."""
        m = k - 1
        while m >= lo and toks[m].text != "," and toks[m].kind != "q" and k - m < 16:
            m -= 1
        if m < lo or toks[m].text != ",":
            return None
        mid = toks[m + 1:k]
        pre = self.back(toks, m - 1, lo) if m - 1 >= lo and toks[m - 1].text != "," else None
        mid_np = self.build(mid) if mid and self._np_ok(mid) else None
        if pre is None and mid_np is not None and mid_np.kind == "name" and m > lo:
            return mid_np       # "His father, Ernie LeBlanc, says"
        if not mid or pre is None:
            return self._subject_apposition(toks, k, lo)
        if mid_np is not None and mid_np.kind == "name" and pre.kind in ("role", "name"):
            if pre.kind == "role":
                mid_np.role, mid_np.title = pre.role, pre.title
                mid_np.toks = pre.toks + mid_np.toks
                return mid_np
            return pre
        if pre.kind in ("name", "role", "org"):
            first = mid[0].low
            no_verb = not any(self.lex.verb_at(mid, x) for x in range(len(mid)))
            descriptive = first in ("who", "which", "whose", "speaking", "а", "который", "которая", "которые") \
                or first.endswith("ing") or first.endswith("ed") or (mid_np is not None and mid_np.kind == "role") \
                or (pre.kind == "name" and (no_verb or first in ("a", "an", "the")))
            if descriptive:
                if pre.kind == "name" and mid_np is not None and mid_np.kind == "role" and not pre.title:
                    pre.role, pre.title = mid_np.role, mid_np.title
                pre.affil = (mid[0].start, mid[-1].end)
                return pre
        return self._subject_apposition(toks, k, lo)

    def _described_name(self, toks: list[Tok], j: int, hi: int) -> tuple[NP, int] | None:
        """'said relief and supply coordinator Ilse Marten': a lower-case description (with "and"/"of")
        right before a name; the name is the speaker and a role word in the description its title."""
        k = j
        while k < hi and k - j < 6 and toks[k].kind == "w" and not toks[k].cap and (
                toks[k].low in ("and", "of") or self.word_class(toks[k]) in ("other", "mod", "role")):
            k += 1
        if k == j or k >= hi or self.word_class(toks[k]) != "name" or toks[k - 1].low in ("and", "of") \
                or not any(t.low in ("and", "of") for t in toks[j:k]):
            return None
        got = self.forward(toks, k, hi)
        if got is None or got[0].kind != "name":
            return None
        np, end = got
        role = self.lex.role_in([base(t) for t in toks[j:k]])
        if role is not None and not np.title:
            np.role, np.title = " ".join(t.text for t in toks[j:k][role[0]:role[1]]), role[2]
        np.toks = toks[j:k] + np.toks
        return np, end

    def _subject_apposition(self, toks: list[Tok], k: int, lo: int) -> NP | None:
        """'Tareq Hadad, the co-founder of …, a company based in …, says': a name opening the clause and
        set off by a comma, then a long description (no quotation, no other speech verb) up to the verb."""
        j = lo
        while j < k and (toks[j].kind == "p" or toks[j].low in self.lex.stop_caps) and toks[j].kind != "q":
            j += 1
        got = self.forward(toks, j, k) if j < k else None
        if got is None or got[0].kind != "name" or got[1] >= k or k - got[1] > 40 \
                or "," not in (toks[got[1]].text, toks[got[1] - 1].text):
            return None
        between = toks[got[1]:k]
        if any(t.kind == "q" for t in between) or any(self.lex.verb_at(between, x) for x in range(len(between))):
            return None
        return got[0]

    def forward(self, toks: list[Tok], j: int, hi: int) -> tuple[NP, int] | None:
        """The speaker phrase starting at token j (after an inverted verb): the phrase and the index
        after it (and after a role appositive: 'said Davit Orlan, Valdoria's foreign minister,')."""
        if j >= hi or toks[j].kind != "w":
            return None
        if toks[j].low in self.lex.pronouns:
            return self.build([toks[j]]), j + 1
        described = self._described_name(toks, j, hi)
        if described is not None:
            return described
        k = j
        while k < hi and toks[k].low in self.lex.honorifics:
            k += 1
        j_name = k
        while k < hi:
            t = toks[k]
            c = self.word_class(t)
            if c == "reporter" and k > j:
                break
            if c in ("name", "role", "org", "det", "mod", "reporter") or is_possessive(t) \
                    or (t.kind == "p" and t.text in "-." and k > j):
                if c == "det" and k > j and toks[k - 1].low not in ("in", "at", "of", "for", "from", "в", "при"):
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
                ahead = k + 1       # a lower-case description before the name: "said oil and gas worker Mike Wipf"
                while ahead < hi and ahead - k < 5 and toks[ahead].kind == "w" and toks[ahead].low.isalpha() \
                        and (self.word_class(toks[ahead]) == "other" or toks[ahead].low in ("and", "of")):
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
            return NP(toks[j:k], "desc", definite=toks[j].low == "the",
                       plural=toks[k - 1].low.endswith("s")), k
        if k == j:
            return None
        np = self.build(toks[j:k])
        if np is None:
            return None
        end = k
        if k < hi and toks[k].text == ",":
            m = k + 1
            while m < hi and toks[m].text not in (",", ".", ";") and toks[m].kind != "q" and m - k < 16:
                m += 1
            app = toks[k + 1:m]
            if app and app[0].low not in ("who", "which", "а", "который", "которая") and self._np_ok(app):
                app_np = self.build(app)
                if app_np is not None and app_np.kind == "role" and np.kind == "name":
                    if not np.title:
                        np.role, np.title = app_np.role, app_np.title
                    end = m + 1 if m < hi and toks[m].text == "," else m
            if app and np.kind == "name" and app[0].kind == "w" and app[0].low not in self.lex.boundaries \
                    and self.lex.role_in([base(t) for t in app]) is not None:
                np.affil = (app[0].start, app[-1].end)   # "…, said X, a regional spokeswoman for the Red Cross"
        return np, end
