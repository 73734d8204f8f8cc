"""Speakers: speaker phrases resolved to canonical speakers in article order, and linked to taxonomy
actors. A surname goes to the full name used nearby; he/she to the person the last few sentences are
about (their speaker, a role subject such as "The Secretary …", else the first person they name);
a role noun to the last speaker with that role, the taxonomy official holding it on the article's
date, or the person introduced with that title ("Mayor …"); "the company", "it" or "the statement"
to the body that spoke last; a bare description ("the rookie defenceman") to the person in focus.
A speaker's state comes from the taxonomy (person → body → state) or, for anyone else, from the
affiliation the text gives ("Leyla Rustamova, a spokeswoman for Azerbaijan's foreign ministry",
"a diplomatic source in Moscow"); a capital that speaks stands for its state ("Baku says").
"""
from __future__ import annotations

import bisect
import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass

from ..mentions.matcher import Mention
from ..mentions.taxonomy import Taxonomy, fold, normalize_title
from .attribution import Frame
from .names import Named, NameIndex, NameMention
from .quotes import Layout, Unit
from .speaker_phrases import NP, Grammar
from .tokens import base, is_cyr, is_possessive, stem


@dataclass
class Speaker:
    """A resolved speaker: canonical name, role, taxonomy entity, and what pronouns may refer to it."""

    name: str | None
    role: str | None
    title: str | None
    entity_id: str | None
    kind: str                    # person | org | group | anon
    gender: str | None = None
    unit: int = -1               # the unit where it last spoke
    named: Named | None = None   # what the article's names say about it
    state: str | None = None     # the state (or stateless body) the text ties it to, when not in the taxonomy

    def key(self) -> str:
        """Identity for learning a gender: the entity id, else the name."""
        return self.entity_id or (self.name or "").lower()

    @property
    def personal(self) -> bool:
        """A person that he/she may refer to: no evidence in the text that it is a body or place."""
        return self.kind == "person" and (self.named is None or not self.named.is_body)

    @property
    def corporate(self) -> bool:
        """A body that 'it' or 'the company' may refer to: a body, or one word with no evidence of a person
        ("Valtek said")."""
        if self.kind == "org":
            return True
        if self.kind != "person" or (self.named is not None and self.named.person > 0):
            return False
        return (self.named is not None and self.named.is_body) or len((self.name or "").split()) == 1


SALIENCE_UNITS = 4      # how many units back a pronoun or description looks for the person it means
_POLITY_TYPES = ("organisation", "government body")


def polity(taxonomy: Taxonomy | None, entity_id: str | None) -> str | None:
    """The state an actor belongs to; for an actor with no state above it (the EU, the OSCE, a de facto
    authority), the top of its parent chain when that is an organisation or a government body."""
    if taxonomy is None or not entity_id or entity_id not in taxonomy.entities:
        return None
    state = taxonomy.state_of(entity_id)
    if state is not None:
        return state
    top = ([entity_id, *taxonomy.ancestors(entity_id)])[-1]
    ent = taxonomy.entities[top]
    return top if ent.kind == "actor" and ent.type in _POLITY_TYPES else None


def title_polity(taxonomy: Taxonomy | None, title: str | None) -> str | None:
    """The state a title belongs to when every office of that title in the taxonomy is of one state
    ("secretary of state" → the United States; "foreign minister" → None): a speaker outside the
    taxonomy introduced with such a title ("a deputy assistant secretary of state") is of that state."""
    if taxonomy is None or not title:
        return None
    index = _TITLE_POLITIES.get(id(taxonomy))
    if index is None or index[0] is not taxonomy:
        found: dict[str, set[str]] = defaultdict(set)
        for ent in taxonomy.entities.values():
            for role in ent.roles:
                found[normalize_title(role.title)].add(polity(taxonomy, role.of or ent.id) or "")
        index = _TITLE_POLITIES[id(taxonomy)] = (taxonomy, {t: next(iter(p)) for t, p in found.items()
                                                            if len(p) == 1 and "" not in p})
    return index[1].get(normalize_title(title))


_TITLE_POLITIES: dict[int, tuple[Taxonomy, dict[str, str]]] = {}
_BODIES_BY_PLACE: dict[int, tuple[Taxonomy, dict[str, list[str]]]] = {}


def _bodies_named_after(taxonomy: Taxonomy) -> dict[str, list[str]]:
    """Place id -> government bodies with an alias made of one of the place's aliases and an
    authorities word ("Karabakh authorities", "власти Нагорного Карабаха")."""
    got = _BODIES_BY_PLACE.get(id(taxonomy))
    if got is not None and got[0] is taxonomy:
        return got[1]
    words = {"authorities", "authority", "government", "administration", "власт", "власти", "правительств"}
    places = {e.id: {fold(a.text.rstrip("*")) for a in e.aliases} | {fold(e.name)}
              for e in taxonomy.entities.values() if e.kind == "place"}
    out: dict[str, list[str]] = defaultdict(list)
    for body in taxonomy.entities.values():
        if body.kind != "actor" or body.type != "government body":
            continue
        for alias in body.aliases:
            text = fold(alias.text.replace("*", ""))
            tokens = set(text.split())
            if not tokens & words and not any(t.startswith(("власт", "правительств")) for t in tokens):
                continue
            for place, names in places.items():
                if any(re.search(rf"(?<!\w){re.escape(n)}(?!\w)", text) for n in names if len(n) >= 4) \
                        and body.id not in out[place]:
                    out[place].append(body.id)
    _BODIES_BY_PLACE[id(taxonomy)] = (taxonomy, dict(out))
    return dict(out)


def fitting_holders(taxonomy: Taxonomy, title: str, on: dt.date | None, scope: list[str]) -> list[str]:
    """Officials whose role on that date fits a title ("secretary" → the secretary of state), of a body in
    `scope` or under it (the document's issuer and host state): one when the title is unambiguous there."""
    want = normalize_title(title)
    for of in scope:
        exact: list[str] = []
        fits: list[str] = []
        for ent in taxonomy.entities.values():
            for role in ent.roles:
                have = normalize_title(role.title)
                if want != have and want not in have.split():
                    continue
                if on is not None and ((role.start and on < role.start) or (role.end and on > role.end)):
                    continue
                if role.of is None or (role.of != of and of not in taxonomy.ancestors(role.of)):
                    continue
                group = exact if want == have else fits
                if ent.id not in group:
                    group.append(ent.id)
        if exact or fits:
            return exact or fits        # "spokesperson": the spokesperson, not the principal deputy spokesperson
    return []


class Resolver:
    """Resolves speaker phrases to canonical speakers in article order."""

    def __init__(self, layout: Layout, grammar: Grammar, taxonomy: Taxonomy | None, mentions: list[Mention],
                 published: dt.date | None, frames: list[tuple[Unit, list[Frame]]], scope: tuple[str, ...] = (),
                 capitals: dict[str, str] | None = None) -> None:
        """`scope`: the bodies and state a document speaks for (its issuer, its host), nearest first: role
        nouns and generic body nouns ("the Secretary", "the Department") resolve within them first.
        `capitals`: place id -> the actor a capital stands for when it speaks."""
        self.layout, self.g, self.lex, self.tax = layout, grammar, grammar.lex, taxonomy
        self.scope, self.capitals = scope, capitals or {}
        self.mentions = sorted(mentions, key=lambda m: m.char_start)
        self._mention_starts = [m.char_start for m in self.mentions]
        self._longest = max((m.char_end - m.char_start for m in self.mentions), default=0)
        self.published = published
        self.speakers: list[Speaker] = []
        self.by_unit: dict[int, list[Speaker]] = defaultdict(list)
        self.names = NameIndex(layout, grammar, self._known_spans())
        self.titled = self._titled_names(frames)
        self._org_phrases: dict[str, list[tuple[int, str]]] | None = None

    def _known_spans(self) -> list[tuple[int, int, bool]]:
        """Spans of taxonomy actor and place mentions, with whether each names an official."""
        if self.tax is None:
            return []
        out = []
        for m in self.mentions:
            ent = self.tax.entities.get(m.entity_id)
            if ent is not None:
                out.append((m.char_start, m.char_end, ent.kind == "actor" and ent.type == "official"))
        return out

    def _overlapping(self, start: int, end: int) -> list[Mention]:
        """Taxonomy mentions overlapping [start, end), found by bisection."""
        k = bisect.bisect_left(self._mention_starts, end)
        lo = bisect.bisect_left(self._mention_starts, start - self._longest)
        return [m for m in self.mentions[lo:k] if m.char_end > start]

    def _mention(self, start: int, end: int, prefer_person: bool) -> str | None:
        """The actor entity of a mention overlapping [start, end) (officials first when asked)."""
        if self.tax is None:
            return None
        best = None
        for m in self._overlapping(start, end):
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
        """The taxonomy name of an entity id (None when there is none)."""
        return self.tax.entities[eid].name if eid and self.tax and eid in self.tax.entities else None

    def _gender_from_verb(self, frame: Frame, unit: Unit) -> str | None:
        """The speaker's gender as a Russian past-tense verb marks it (сказала / сказал)."""
        low = unit.toks[frame.verb_toks[0]].low
        if is_cyr(low):
            if low.endswith("ла") or low.endswith("лась"):
                return "f"
            if low.endswith("л") or low.endswith("лся"):
                return "m"
        return None

    def resolve(self, frame: Frame, unit: Unit) -> Speaker | None:
        """The speaker of a frame (None when its phrase names no one), remembered for later pronouns."""
        if frame.np is None:
            return None
        return self.resolve_phrase(frame.np, unit.toks[frame.verb_toks[0]].start, unit,
                                   self._gender_from_verb(frame, unit))

    def resolve_phrase(self, np: NP, pos: int, unit: Unit, gender: str | None = None) -> Speaker | None:
        """The speaker a phrase at `pos` names, remembered for later pronouns; `gender` as the verb marks it."""
        sp = self._resolve_np(np, pos, unit)
        if sp is None:
            return None
        g = gender or (sp.named.gender if sp.named else None)
        if g and sp.kind == "person" and sp.gender is None:
            sp.gender = g
        sp.unit = unit.index
        self.speakers.append(sp)
        self.by_unit[sp.unit].append(sp)
        return sp

    def _resolve_np(self, np: NP, pos: int, unit: Unit) -> Speaker | None:
        """Dispatch on the kind of phrase; a description keeps its text unless someone is in focus."""
        if np.kind == "pronoun":
            return self._pronoun(np.pronoun, pos, unit)
        if np.kind == "name":
            return self._name(np, pos)
        if np.kind == "role":
            return self._role(np, pos, unit)
        if np.kind == "org":
            return self._org(np, pos, unit)
        if np.kind == "doc":
            if np.possessor is not None:
                return self._resolve_np(np.possessor, pos, unit)
            return self._author(unit) or Speaker(self._text(np), None, None, None, "anon")
        if np.definite and not np.plural:
            found = self._salient(unit, None)       # "the rookie defenceman said": who the text is about
            if found is not None:
                return found
        affil = self._affiliation(np)
        return Speaker(self._text(np), None, None, affil[0] if affil else None, "group" if np.plural else "anon")

    @staticmethod
    def _copy(sp: Speaker) -> Speaker:
        """A new speaker record for the same person (each statement keeps its own)."""
        return Speaker(sp.name, sp.role, sp.title, sp.entity_id, sp.kind, sp.gender, sp.unit, sp.named, sp.state)

    def _of_named(self, named: Named) -> Speaker:
        """A speaker for someone the article names, linked to the taxonomy official one of its mentions is."""
        eid = next((e for e in (self._mention(a, b, True) for a, b in named.spans) if e is not None
                    and self.tax is not None and self.tax.entities[e].type == "official"), None)
        name = self.tax.entities[eid].name if eid else named.name
        return Speaker(name, named.role, named.title, eid, "person", named.gender, named=named,
                       state=None if eid else (self._state_of_spans(named.affil) or title_polity(self.tax, named.title)))

    def _salient(self, unit: Unit, gender: str | None) -> Speaker | None:
        """The person the last few units are about: in each unit back, its first person speaker, else the
        first person it names; `gender` filters when known."""
        units = self.layout.units
        for idx in range(unit.index - 1, max(-1, unit.index - 1 - SALIENCE_UNITS), -1):
            if units[idx].para < unit.para - 2:
                break
            spoke = [s for s in self.by_unit.get(idx, ()) if s.personal
                     and (gender is None or s.gender in (None, gender))]
            if spoke:
                return self._copy(spoke[0])
            subject = self._role_subject(units[idx])
            if subject is not None and subject.personal and (gender is None or subject.gender in (None, gender)):
                return subject
            named = [m for m in self.names.by_unit.get(idx, ()) if not m.possessive]
            for m in [m for m in named if m.named.is_person] + [m for m in named if self._unknown_subject(m)]:
                if gender is None or m.named.gender in (None, gender):
                    return self._of_named(m.named)
        return None

    def _role_subject(self, unit: Unit) -> Speaker | None:
        """Who a unit opening with a definite role noun ("The Secretary expressed …") is about."""
        toks = unit.toks
        j = 0
        while j < len(toks) and toks[j].kind == "w" and toks[j].low in self.lex.stop_caps \
                and toks[j].low not in ("the", "a", "an"):
            j += 1
        got = self.g.forward(toks, j, len(toks)) if j < len(toks) else None
        if got is None or got[0].kind != "role" or not got[0].definite or got[0].plural:
            return None
        found = self._role(got[0], toks[j].start, unit)
        return found if found is not None and found.name != self._text(got[0]) else None

    @staticmethod
    def _unknown_subject(m: NameMention) -> bool:
        """A full name opening its sentence with no evidence either way: likely the person it is about."""
        return m.lead and m.named.person == 0 and m.named.other == 0 and len(m.named.stems) > 1

    def _author(self, unit: Unit) -> Speaker | None:
        """Whose document "the statement" or "the study" is: the body that spoke in the last few units."""
        for idx in range(unit.index, max(-1, unit.index - 1 - SALIENCE_UNITS), -1):
            bodies = [s for s in self.by_unit.get(idx, ()) if s.corporate]
            if bodies:
                return self._copy(bodies[-1])
        return None

    def _pronoun(self, code: str | None, pos: int, unit: Unit) -> Speaker | None:
        """he/she (m/f): a person speaking in the same unit, else the person in focus, else the last person
        speaker; they: the last group or body; it: the last body."""
        if code in ("m", "f"):
            same = [s for s in self.by_unit.get(unit.index, ()) if s.personal and s.gender in (None, code)]
            if same:
                return self._learn(self._copy(same[-1]), code)
            found = self._salient(unit, code)
            if found is not None:
                return self._learn(found, code)
            people = [s for s in self.speakers if s.personal and s.gender in (None, code)]
            if people:
                return self._learn(self._copy(people[-1]), code)
            before = [m for m in self.names.mentions if m.start < pos and m.named.gender in (None, code)
                      and (m.named.is_person or self._unknown_subject(m))]
            return self._learn(self._of_named(before[-1].named), code) if before else None
        if code == "plural":
            groups = [s for s in self.speakers if s.kind in ("group", "org", "anon")]
            pool = groups or self.speakers
            return self._copy(pool[-1]) if pool else None
        bodies = [s for s in self.speakers if s.corporate]
        if bodies:
            return self._copy(bodies[-1])
        before = [m for m in self.names.mentions if m.start < pos and not m.named.is_person]
        if before:
            named = before[-1].named
            return Speaker(named.name, None, None, self._mention(before[-1].start, before[-1].end, False), "org",
                           named=named)
        return None

    def _learn(self, sp: Speaker, gender: str) -> Speaker:
        """A pronoun resolved to a person tells that person's gender for later pronouns."""
        if sp.gender is None:
            for s in self.speakers:
                if s.key() == sp.key():
                    s.gender = gender
            sp.gender = gender
            if sp.named is not None and sp.named.gender is None:
                sp.named.gender = gender
        return sp

    def _speaker_named(self, stems: list[str]) -> Speaker | None:
        """The last person speaker whose name ends with these stems."""
        for s in reversed(self.speakers):
            if s.name and s.kind == "person":
                have = [stem(w) for w in s.name.split()]
                if have[-len(stems):] == stems or (len(stems) == 1 and have[-1] == stems[0]):
                    return s
        return None

    def _name(self, np: NP, pos: int) -> Speaker:
        """A named speaker: the taxonomy entity of its mention, else the full form of the name (a surname
        or an acronym expanded), a body when the text says so."""
        name_toks = np.name_toks
        start, end = name_toks[0].start, name_toks[-1].end
        capital = self._capital(start, end)
        if capital is not None:
            return Speaker(self._entity_name(capital), None, None, capital, "org")
        eid = self._mention(start, end, True)
        ent = self.tax.entities.get(eid) if eid and self.tax else None
        surface = " ".join(t.text for t in name_toks)
        stems = [base(t) for t in name_toks]
        named = self.names.named_at(start, end)
        if ent is not None and ent.type != "official":
            # a state or organisation named by itself ("Kestria denied ...")
            actors = [(m.char_start, m.char_end) for m in self._overlapping(start, end)
                      if m.entity_id in self.tax.entities and self.tax.entities[m.entity_id].kind == "actor"
                      and self.tax.entities[m.entity_id].type != "official"]
            covered = all(any(a <= t.start and t.end <= b for a, b in actors) for t in name_toks)
            if covered:     # also "Госдепартамент США": the body and its state, each a mention
                return Speaker(ent.name, None, None, eid, "org", named=named)
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
            if named is not None and len(named.stems) > 1 and ent is None:
                eid = self._mention(*named.spans[0], True)
                ent = self.tax.entities.get(eid) if eid and self.tax else None
                if ent is not None and ent.type != "official":
                    eid, ent = None, None
                surface = named.name
        if len(name_toks) == 1 and ent is None and name_toks[0].text in self.names.acronyms:
            return Speaker(self.names.acronyms[name_toks[0].text], None, None, None, "org", named=named)
        name = ent.name if ent is not None else surface
        kind = "org" if self.g.word_class(name_toks[-1]) == "org" or (named is not None and named.is_body) \
            else "person"
        state = None
        if ent is None:
            lead = [t for t in np.toks if t.end <= start]
            cut = max((k + 1 for k, t in enumerate(lead) if t.text == "," or t.low in self.lex.boundaries), default=0)
            spans = [(lead[cut].start, start)] if cut < len(lead) else []     # "… and Korean leader X": after "and"
            spans += [*([np.affil] if np.affil else []), *(named.affil if named else [])]
            state = self._state_of_spans(spans) or title_polity(self.tax, np.title or (named.title if named else None))
        return Speaker(name, np.role or (named.role if named else None), np.title or (named.title if named else None),
                       eid, kind, np.gender or (named.gender if named else None), named=named, state=state)

    def _capital(self, start: int, end: int) -> str | None:
        """The actor a capital stands for when a phrase is just that capital's name ("Baku", "Москва")."""
        for m in self._overlapping(start, end):
            if m.char_start <= start and m.char_end >= end and m.entity_id in self.capitals:
                return self.capitals[m.entity_id]
        return None

    def _state_of_spans(self, spans: list[tuple[int, int]]) -> str | None:
        """The state (or stateless body) of the first actor named in these spans, bodies before states;
        a capital counts for the state it stands for ("a diplomatic source in Moscow")."""
        found: list[str] = []
        for a, b in spans:
            if b <= a or self.tax is None:
                continue
            for m in self._overlapping(a, b):
                if m.char_start < a or m.char_end > b:
                    continue
                ent = self.tax.entities.get(m.entity_id)
                eid = self.capitals.get(m.entity_id) if ent is not None and ent.kind == "place" else m.entity_id
                if eid and eid in self.tax.entities and self.tax.entities[eid].kind == "actor":
                    found.append(eid)
        found.sort(key=lambda e: self.tax.entities[e].type == "state")
        for eid in found:
            state = polity(self.tax, eid)
            if state is not None:
                return state
        return None

    def _affiliation(self, np: NP) -> list[str]:
        """Entities mentioned inside the phrase: the body first, then its state."""
        if self.tax is None:
            return []
        out = []
        spans = [(np.start, np.end), *([np.affil] if np.affil else [])]
        for m in self.mentions:
            if any(m.char_start >= a and m.char_end <= b for a, b in spans):
                ent = self.tax.entities.get(m.entity_id)
                eid = self.capitals.get(m.entity_id) if ent is not None and ent.kind == "place" else m.entity_id
                ent = self.tax.entities.get(eid) if eid else None
                if ent is not None and ent.kind == "actor" and ent.type != "official" and eid not in out:
                    out.append(eid)
        out.sort(key=lambda e: self.tax.entities[e].type == "state")
        return out

    def _local_body(self, unit: Unit) -> list[str]:
        """The body that governs the place a unit is about, for "local authorities": a government body the
        taxonomy names after that place ("Karabakh authorities" for "… lived in Karabakh, according to
        local authorities"); none when the place has no such body or more than one."""
        if self.tax is None:
            return []
        found: list[str] = []
        for m in self._overlapping(unit.start, unit.end):
            ent = self.tax.entities.get(m.entity_id)
            if ent is None or ent.kind != "place":
                continue
            for body in _bodies_named_after(self.tax).get(m.entity_id, ()):
                if body not in found:
                    found.append(body)
        return found if len(found) == 1 else []

    def _title_fits(self, want: str, have: str | None) -> bool:
        """Whether a role noun can refer to someone with this title ("the secretary" → secretary of state)."""
        if have is None:
            return False
        if want == have:
            return True
        if want in self.lex.generic_roles:
            return True
        return want in have.split() or (want == "minister" and "minister" in have)

    def _text(self, np: NP) -> str:
        """The phrase as a speaker name: lower-case article, no "the" before a body, no possessive."""
        toks = np.toks
        surface = self.layout.text[toks[0].start:toks[-1].end]
        if toks[0].low in ("the", "a", "an") and toks[0].cap:
            surface = toks[0].low + surface[len(toks[0].text):]
        if surface.lower().startswith("the ") and np.kind == "org":
            surface = surface[4:]
        return surface[:-2] if surface.endswith(("'s", "’s")) else surface

    def _role(self, np: NP, pos: int, unit: Unit) -> Speaker | None:
        """A role noun: the last speaker with that title (of the same state), the taxonomy holder on the
        article's date, the person introduced with it, or one named with it later; else the phrase."""
        affil = self._affiliation(np)
        if not affil and any(t.low in self.lex.local_markers for t in np.toks):
            affil = self._local_body(unit)
        state = self.tax.state_of(affil[0]) if affil and self.tax else None
        if np.definite:
            exact = [s for s in self.speakers if s.title == np.title]
            fitting = [s for s in self.speakers if s.kind == "person" and self._title_fits(np.title, s.title)]
            for s in reversed(exact or fitting):
                if state and s.entity_id and self.tax and self.tax.state_of(s.entity_id) not in (None, state):
                    continue
                return self._copy(s)
            if self.tax is not None and np.title not in self.lex.generic_roles:
                for of in [*affil, None]:
                    got = self.tax.holders(np.title, self.published, of)
                    if of is None and len(got) != 1 and self.scope:
                        got = fitting_holders(self.tax, np.title, self.published, list(self.scope))
                    if len(got) == 1:
                        ent = self.tax.entities[got[0]]
                        return Speaker(ent.name, np.role, np.title, ent.id, "person")
                    if got:
                        break
            named = self.names.titled(lambda title: self._title_fits(np.title, title), pos)
            if named is not None:
                return self._copy_role(self._of_named(named), np)
            for later in self._named_later(pos):
                if later.title and self._title_fits(np.title, later.title):
                    return Speaker(later.name, np.role, np.title, later.entity_id, "person")
        kind = "group" if np.plural else ("anon" if not np.definite else "person")
        eid = affil[0] if affil else None
        return Speaker(self._text(np), np.role, np.title, eid, kind, np.gender,
                       state=None if eid else title_polity(self.tax, np.title))

    @staticmethod
    def _copy_role(sp: Speaker, np: NP) -> Speaker:
        """The speaker with the role as this phrase words it."""
        sp.role, sp.title = np.role, np.title
        return sp

    def _org(self, np: NP, pos: int, unit: Unit) -> Speaker:
        """A body: its taxonomy entity, or for a generic noun ("the ministry", "the company") the last body
        of that kind named or speaking, else the last body that spoke."""
        head_tok = next((t for t in reversed(np.toks) if self.g.word_class(t) == "org"), np.toks[-1])
        eid = self._mention(head_tok.start, head_tok.end, False)
        affil = None if eid else self._mention(np.start, np.end, False)
        caps = [t for t in np.toks if t.cap and t.low not in ("the", "a", "an")]
        generic = all(self.g.word_class(t) == "org" for t in caps) and not any(is_cyr(t.low) for t in caps[:1]
                                                                                  if len(np.toks) > 1)
        if eid is not None:
            return Speaker(self._entity_name(eid), None, None, eid, "org")
        head = next((base(t) for t in reversed(np.toks) if self.g.word_class(t) == "org"), None)
        if generic and head:
            for s in reversed(self.speakers):
                if s.kind == "org" and s.name and any(stem(w) == head for w in s.name.split()):
                    return self._copy(s)
            if self.tax is not None:
                for m in reversed([m for m in self.mentions if m.char_start < pos]):
                    ent = self.tax.entities.get(m.entity_id)
                    if ent is not None and ent.type in ("government body", "organisation") \
                            and any(stem(w) == head for w in ent.name.split()):
                        return Speaker(ent.name, None, None, ent.id, "org")
            for eid in self.scope if np.definite and self.tax is not None else ():
                ent = self.tax.entities.get(eid)
                if ent is not None and ent.type != "state" and any(stem(w) == head for w in ent.name.split()):
                    return Speaker(ent.name, None, None, ent.id, "org")     # "the Department" in its own release
            found = self._org_in_text(head, np.start)
            if found:
                return Speaker(found, None, None, None, "org")
            if np.definite:
                author = self._author(unit)     # "Facebook said … The company noted …"
                if author is not None:
                    return author
        return Speaker(self._text(np), None, None, affil, "org")

    def _org_in_text(self, head: str, before: int) -> str | None:
        """The last capitalised phrase ending in this organisation noun before a position."""
        if self._org_phrases is None:
            self._org_phrases = defaultdict(list)
            for unit in self.layout.units:
                toks = unit.toks
                for k, t in enumerate(toks):
                    if t.cap and self.g.word_class(t) == "org":
                        j = k
                        while j > 0 and (toks[j - 1].cap or is_possessive(toks[j - 1])) \
                                and toks[j - 1].low not in self.lex.stop_caps:
                            j -= 1
                        if j < k:
                            phrase = self.layout.text[toks[j].start:t.end]
                            self._org_phrases[base(t)].append((t.start, phrase[:-2] if phrase.endswith(("'s", "’s"))
                                                               else phrase))
        found = [phrase for start, phrase in self._org_phrases.get(head, ()) if start < before]
        return found[-1] if found else None

    def _titled_names(self, frames: list[tuple[Unit, list[Frame]]]) -> list[tuple[int, Speaker]]:
        """Speakers named with a title in a frame, with the position of the name, in text order."""
        out = []
        for _, unit_frames in frames:
            for fr in unit_frames:
                np = fr.np
                if np is None or np.kind != "name" or not np.title:
                    continue
                start, end = np.name_toks[0].start, np.name_toks[-1].end
                eid = None
                if self.tax is not None:
                    for m in self._overlapping(start, end):
                        ent = self.tax.entities.get(m.entity_id)
                        if ent is not None and ent.type == "official":
                            eid = m.entity_id
                name = self.tax.entities[eid].name if eid else " ".join(t.text for t in np.name_toks)
                out.append((start, Speaker(name, np.role, np.title, eid, "person")))
        return out

    def _named_later(self, pos: int) -> list[Speaker]:
        """Speakers named with a title after a position (a lead's 'the spokesperson' named further down)."""
        return [sp for start, sp in self.titled if start > pos]
