"""Names in an article: runs of capitalised words outside quotations, grouped into the people or bodies
they name (a surname or first name alone joins the full name used nearby), with the evidence the text
gives about each — person (given name, honorific, title, age, he/she) or not (acronym, "the", "in …").

Pronoun and role-noun resolution need this: "he said" should go to the last *person* mentioned, not to
"British Columbia" or "Christmas Day", and "the mayor" to the name introduced as "Mayor …".
"""
from __future__ import annotations

import bisect
import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from .quotes import Layout, Unit
from .speaker_phrases import Grammar
from .tokens import Tok, base, is_possessive

_PARTICLES = {"de", "van", "von", "der", "da", "al", "bin", "ibn", "la", "le", "di", "du", "el", "ben"}
_PLACE_PREPS = {"in", "at", "near", "across", "outside", "throughout", "into", "around", "в", "во", "на"}
_ACRONYM = re.compile(r"\(([A-Z][A-Z&]{1,7})\)")
_WORDS = re.compile(r"[\w’'.-]+")
_CONNECTORS = {"of", "and", "for", "the", "on", "in", "&", "de", "du", "des", "la"}
_AGENT = re.compile(r"[a-z]{3,}(?:er|or|ist|ian|man|woman|ant|ent)$")
_PRONOUN_GENDER = {"he": "m", "his": "m", "him": "m", "she": "f", "her": "f", "hers": "f",
                   "он": "m", "его": "m", "она": "f", "ее": "f", "её": "f"}


@dataclass(eq=False)
class Named:
    """Someone or something named in the article, with the evidence about what it is."""

    name: str                       # the fullest form used ("Doug McCallum")
    stems: list[str]
    gender: str | None = None
    title: str | None = None        # canonical title it was introduced with ("mayor")
    role: str | None = None         # that title's surface ("Mayor")
    person: int = 0                 # evidence that it is a person
    other: int = 0                  # evidence that it is a body or a place
    votes: list[int] = field(default_factory=lambda: [0, 0])    # he / she after it as a subject
    spans: list[tuple[int, int]] = field(default_factory=list)  # where it is mentioned
    affil: list[tuple[int, int]] = field(default_factory=list)  # descriptions of it ("X, a spokeswoman for Y")

    @property
    def is_person(self) -> bool:
        """A person by the weight of the evidence."""
        return self.person > 0 and self.person >= self.other

    @property
    def is_body(self) -> bool:
        """Not a person by the evidence: a company, agency, team or place."""
        return self.person == 0 and self.other > 0


@dataclass(frozen=True)
class NameMention:
    """One occurrence of a name: its span, unit, and whether it opens its unit (a likely subject)."""

    start: int
    end: int
    unit: int
    lead: bool
    possessive: bool
    named: Named


class NameIndex:
    """Every name mention of an article, in text order, linked to what it names."""

    def __init__(self, layout: Layout, grammar: Grammar, known: Sequence[tuple[int, int, bool]] = ()) -> None:
        """`known`: spans the taxonomy recognised, sorted, each with whether it names an official (a person)."""
        self.layout, self.g, self.lex = layout, grammar, grammar.lex
        self.mentions: list[NameMention] = []
        self.by_unit: dict[int, list[NameMention]] = defaultdict(list)
        self._full: dict[str, list[tuple[int, Named]]] = defaultdict(list)     # surname stem -> full names
        self._first: dict[str, list[Named]] = defaultdict(list)                # given-name stem -> full names
        runs = [(unit, run, k, j) for unit in layout.units if unit.para not in layout.skipped
                for run, k, j in self._runs(unit)]
        for unit, run, k, j in runs:
            if len(run) >= 2:
                self._add(unit, run, k, j, self._full_name(run))
        for unit, run, k, j in runs:
            if len(run) == 1:
                named = self._short_name(run[0], opens=all(t.kind != "w" for t in unit.toks[:k]))
                if named is not None:
                    self._add(unit, run, k, j, named)
        self.acronyms = self._acronyms(layout.text)
        self.mentions.sort(key=lambda m: m.start)
        self._starts = [m.start for m in self.mentions]
        for m in self.mentions:
            self.by_unit[m.unit].append(m)
        self._known(known)
        for named in {id(m.named): m.named for m in self.mentions}.values():
            if named.gender is None and named.votes[0] != named.votes[1]:
                named.gender = "f" if named.votes[1] > named.votes[0] else "m"
            named.person += named.votes[0] + named.votes[1] > 0

    # -- building -----------------------------------------------------------------------------------
    def _runs(self, unit: Unit) -> list[tuple[list[Tok], int, int]]:
        """Runs of name words in a unit with their token range; photo credits ("Name/Outlet") left out."""
        toks, out, k = unit.toks, [], 0
        while k < len(toks):
            if not self._name_word(toks[k]):
                k += 1
                continue
            j = k
            while j < len(toks) and (self._name_word(toks[j]) or (toks[j].low in _PARTICLES and j + 1 < len(toks)
                                                               and self._name_word(toks[j + 1]))):
                j += 1
                if is_possessive(toks[j - 1]):
                    break
            run = [t for t in toks[k:j] if t.end not in self.g.place_ends or t is toks[j - 1]]
            credit = (j < len(toks) and toks[j].text == "/") or (k > 0 and toks[k - 1].text == "/")
            if run and not credit:
                out.append((run, k, j))
            k = j
        return out

    def _known(self, known: Sequence[tuple[int, int, bool]]) -> None:
        """Taxonomy evidence: a mention of an official is a person; of a state, body or place, not."""
        k = 0
        for m in self.mentions:
            while k < len(known) and known[k][1] <= m.start:
                k += 1
            if k < len(known) and known[k][0] < m.end:
                if known[k][2]:
                    m.named.person += 3
                else:
                    m.named.other += 3

    @staticmethod
    def _acronyms(text: str) -> dict[str, str]:
        """'Immigration, Refugees and Citizenship Canada (IRCC)': acronym -> the name it stands for, where
        the capitalised words just before the brackets have its letters as initials."""
        out: dict[str, str] = {}
        for m in _ACRONYM.finditer(text):
            acr = m.group(1).replace("&", "")
            words = list(_WORDS.finditer(text, max(0, m.start() - 160), m.start()))
            caps = 0
            for w in reversed(words):
                word = w.group()
                if word[0].isupper():
                    if word[0] != acr[len(acr) - 1 - caps]:
                        break
                    caps += 1
                    if caps == len(acr):
                        out.setdefault(m.group(1), text[w.start():words[-1].end()])
                        break
                elif word.lower() not in _CONNECTORS:
                    break
        return out

    def _name_word(self, tok: Tok) -> bool:
        """A capitalised word that may be part of a name (not a lone punctuation-like letter)."""
        return self.g.word_class(tok) == "name" and (len(tok.text) > 1 or tok.text.isalpha())

    def _full_name(self, run: list[Tok]) -> Named:
        """The entity of a run of two or more name words, trimmed to start at a given name when it has one
        ("Calgary MP Michelle Rempel" → "Michelle Rempel")."""
        given = next((i for i, t in enumerate(run[:-1]) if base(t) in self.lex.given_names), None)
        if given is not None:
            run = run[given:]
        elif len(run) > 2 and not any(len(t.text) <= 2 or t.text.endswith(".") for t in run):
            run = run[-2:]
        stems = [base(t) for t in run]
        for _, named in self._full[stems[-1]]:
            if named.stems[-len(stems):] == stems or stems[-len(named.stems):] == named.stems:
                if len(stems) > len(named.stems):
                    named.name, named.stems = self._surface(run), stems
                return named
        named = Named(self._surface(run), stems, self.lex.given_names.get(stems[0]) if given is not None else None)
        named.person += 2 * (given is not None)
        self._full[stems[-1]].append((run[0].start, named))
        self._first[stems[0]].append(named)
        return named

    def _short_name(self, tok: Tok, opens: bool) -> Named | None:
        """A one-word name: a surname (or a first name) of a full name in the article, else itself —
        unless it opens its sentence, where any word is capitalised ("Dressed in black, …")."""
        st = base(tok)
        full = self._full.get(st)
        if full:
            before = [named for start, named in full if start < tok.start]
            return before[-1] if before else full[0][1]
        if len(self._first.get(st, ())) == 1:
            return self._first[st][0]
        if opens:
            return None
        named = Named(self._surface([tok]), [st])
        self._full[st].append((tok.start, named))
        return named

    @staticmethod
    def _surface(run: list[Tok]) -> str:
        """The name as written, without a possessive ending."""
        return " ".join(t.text[:-2] if is_possessive(t) else t.text for t in run)

    def _add(self, unit: Unit, run: list[Tok], k: int, j: int, named: Named) -> None:
        """Record a mention (tokens [k, j) of its unit) and the evidence around it."""
        toks = unit.toks
        lead = all(t.kind == "p" or (t.low in self.lex.stop_caps and t.low not in self.lex.prepositions)
                   for t in toks[:k])
        self.mentions.append(NameMention(run[0].start, run[-1].end, unit.index, lead, is_possessive(run[-1]), named))
        named.spans.append((run[0].start, run[-1].end))
        self._evidence(named, toks, k, j)
        if lead and len(named.stems) > 1:
            self._vote(named, unit, run[-1].end)

    def _evidence(self, named: Named, toks: list[Tok], k: int, end: int) -> None:
        """Count what the words around one mention say about the named."""
        run = toks[k:end]
        if any(t.text.isupper() and len(t.text) >= 2 and t.text.isalpha() for t in run):
            named.other += 2                                    # an acronym: IRCC, UFCW
        if k > 0:
            prev = toks[k - 1]
            low = prev.low
            if low in self.lex.honorifics:
                named.person += 2
                named.gender = named.gender or self.lex.honorifics[low]
            elif low in _PLACE_PREPS or low == "the":
                named.other += 1
            else:
                role = self.lex.role_in([base(t) for t in toks[max(0, k - 4):k]])
                if role is not None and role[1] == min(k, 4):
                    named.person += 2
                    lead = toks[max(0, k - 6):k]
                    cut = max((x + 1 for x, t in enumerate(lead) if t.kind != "w" or t.low in self.lex.boundaries),
                              default=0)
                    if cut < len(lead):      # "Armenia's Deputy Foreign Minister X", not "Putin and … leader X"
                        named.affil.append((lead[cut].start, lead[-1].end))
                    if named.title is None:
                        named.title = role[2]
                        named.role = " ".join(t.text for t in toks[max(0, k - 4):k][role[0]:role[1]])
                elif prev.kind == "w" and not prev.cap and _AGENT.match(low) and self.lex.verb_at(toks, k - 1) is None:
                    named.person += 1                           # "oil and gas worker Mike Wipf"
        if end + 1 < len(toks) and toks[end].text == ",":
            nxt = toks[end + 1]
            if nxt.low.isdigit() or nxt.low in ("who", "который", "которая"):
                named.person += 1                               # "Dennis Brooks, 54," / "X, who …"
            elif nxt.low in ("a", "an", "the") or (nxt.kind == "w" and not nxt.cap):
                app = toks[end + 1:end + 8]
                role = self.lex.role_in([base(t) for t in app])
                if role is not None:
                    named.person += 1
                    stop = next((x for x in range(end + 1, min(len(toks), end + 16)) if toks[x].text in ",;."
                                 or toks[x].kind == "q"), min(len(toks), end + 16))
                    if stop > end + 1:
                        named.affil.append((toks[end + 1].start, toks[stop - 1].end))
                    if named.title is None:
                        named.title = role[2]
                        named.role = " ".join(t.text for t in app[role[0]:role[1]])

    def _vote(self, named: Named, unit: Unit, after: int) -> None:
        """A gendered pronoun soon after a unit that opens with a name most likely refers to it."""
        units = self.layout.units
        toks = [t for t in unit.toks if t.start > after]
        if unit.index + 1 < len(units) and units[unit.index + 1].para == unit.para:
            toks += units[unit.index + 1].toks
        for t in toks:
            if self._name_word(t):
                return                  # someone else named first: the pronoun may be theirs
            g = _PRONOUN_GENDER.get(t.low)
            if g:
                named.votes[g == "f"] += 1
                return

    # -- queries ------------------------------------------------------------------------------------
    def named_at(self, start: int, end: int) -> Named | None:
        """What the mention overlapping [start, end) names (mentions do not overlap each other)."""
        k = bisect.bisect_left(self._starts, end) - 1
        return self.mentions[k].named if k >= 0 and self.mentions[k].end > start else None

    def titled(self, fits: Callable[[str], bool], before: int) -> Named | None:
        """The last person introduced with a fitting title before a position ("Mayor Doug McCallum")."""
        best = None
        for m in self.mentions:
            if m.start >= before:
                break
            if m.named.title is not None and fits(m.named.title):
                best = m.named
        return best
