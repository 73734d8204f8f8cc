"""Speakers: speaker phrases resolved to canonical speakers in article order — a surname to the full
name used earlier, he/she/they to the last fitting speaker, a role noun to the last speaker with that
role or to the taxonomy official holding it on the article's date — and linked to taxonomy actors.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from .attribution import Frame
from .quotes import Layout, Unit
from .speaker_phrases import NP, Grammar
from .tag import Mention
from .taxonomy import Taxonomy
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

    def key(self) -> str:
        return self.entity_id or (self.name or "").lower()


_PRONOUN_GENDER = {"he": "m", "his": "m", "him": "m", "she": "f", "her": "f", "hers": "f",
                   "он": "m", "его": "m", "она": "f", "ее": "f", "её": "f"}


class Resolver:
    """Resolves speaker phrases to canonical speakers in article order."""

    def __init__(self, layout: Layout, grammar: Grammar, taxonomy: Taxonomy | None, mentions: list[Mention],
                 published: dt.date | None, frames: list[tuple[Unit, list[Frame]]]) -> None:
        self.layout, self.g, self.lex, self.tax = layout, grammar, grammar.lex, taxonomy
        self.mentions = sorted(mentions, key=lambda m: m.char_start)
        self.published = published
        self.speakers: list[Speaker] = []
        self.names = self._name_index()
        self.genders = self._gender_votes()
        self.titled = self._titled_names(frames)

    def _gender_votes(self) -> dict[str, str]:
        """Surname stem -> 'm' | 'f', by majority of the gendered pronouns that follow a sentence whose
        subject is that person ("Wendy Golden lives … There are no photos of her son")."""
        votes: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        units = self.layout.units
        for idx, unit in enumerate(units):
            lead = [t for t in unit.toks if t.kind == "w" and t.low not in self.lex.stop_caps][:3]
            run = []
            for t in lead:
                if self.g.word_class(t) == "name" and not is_possessive(t):
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
                    votes[base(run[-1])][g == "f"] += 1
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
        for unit in self.layout.units:
            toks = unit.toks
            k = 0
            while k < len(toks):
                run = []
                while k < len(toks) and self.g.word_class(toks[k]) == "name" and not is_possessive(toks[k]):
                    run.append(toks[k])
                    k += 1
                if k < len(toks) and is_possessive(toks[k]) and toks[k].cap:
                    run.append(toks[k])
                    k += 1
                names = [t for t in run if t.end not in self.g.place_ends or t is run[-1]]
                if len(names) >= 2 and not (k < len(toks) and self.g.word_class(toks[k]) == "org"):
                    if len(names) > 2 and not any(len(t.text) <= 2 for t in names):
                        names = names[-2:]
                    surface = " ".join(t.text[:-2] if is_possessive(t) else t.text for t in names)
                    out.append((names[0].start, unit.index, [base(t) for t in names], surface))
                k += 1
        return out

    def _mention(self, start: int, end: int, prefer_person: bool) -> str | None:
        """The actor entity of a mention overlapping [start, end) (officials first when asked)."""
        if self.tax is None:
            return None
        best = None
        for m in self.mentions:
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

    def _gender_from_verb(self, frame: Frame, unit: Unit) -> str | None:
        low = unit.toks[frame.verb_toks[0]].low
        if is_cyr(low):
            if low.endswith("ла") or low.endswith("лась"):
                return "f"
            if low.endswith("л") or low.endswith("лся"):
                return "m"
        return None

    def resolve(self, frame: Frame, unit: Unit) -> Speaker | None:
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
        sp.unit = unit.index
        self.speakers.append(sp)
        return sp

    def _resolve_np(self, np: NP, pos: int, unit: Unit) -> Speaker | None:
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
        return Speaker(self._text(np), None, None, affil[0] if affil else None, "group" if np.plural else "anon")

    def _copy(self, sp: Speaker) -> Speaker:
        return Speaker(sp.name, sp.role, sp.title, sp.entity_id, sp.kind, sp.gender, sp.unit)

    def _pronoun(self, code: str | None, pos: int, unit: Unit) -> Speaker | None:
        if code in ("m", "f"):
            same = [s for s in self.speakers if s.unit == unit.index and s.kind == "person"
                    and s.gender in (None, code)]
            if same:
                return self._learn(self._copy(same[-1]), code)
            if unit.index > 0 and self.layout.units[unit.index - 1].para >= unit.para - 1:
                named = self._first_person(self.layout.units[unit.index - 1])
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
                return Speaker(self._entity_name(eid) or surface, None, None, eid, "person", code)
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
            return Speaker(surface, None, None, self._mention(start, start + len(surface), False), "org")
        return None

    def _first_person(self, unit: Unit) -> Speaker | None:
        """The first person named in a unit: a full name, or a surname of a known speaker or full name."""
        lead = [t for t in unit.toks if not (t.kind == "w" and t.low in self.lex.stop_caps)
                and not (t.kind == "p")][:2]
        for t in lead:
            if self.g.word_class(t) != "name" or t.end in self.g.place_ends:
                continue
            st = base(t)
            same = self._speaker_named([st])
            if same is not None:
                return self._copy(same)
            full = [n for n in self.names if n[0] <= t.start and n[2][-1] == st]
            if full:
                start, _, _, surface = full[-1]
                eid = self._mention(start, start + len(surface), True)
                return Speaker(self._entity_name(eid) or surface, None, None, eid, "person")
        return None

    def _learn(self, sp: Speaker, gender: str) -> Speaker:
        """A pronoun resolved to a person tells that person's gender for later pronouns."""
        if sp.gender is None:
            for s in self.speakers:
                if s.key() == sp.key():
                    s.gender = gender
            sp.gender = gender
        return sp

    def _speaker_named(self, stems: list[str]) -> Speaker | None:
        for s in reversed(self.speakers):
            if s.name and s.kind == "person":
                have = [stem(w) for w in s.name.split()]
                if have[-len(stems):] == stems or (len(stems) == 1 and have[-1] == stems[0]):
                    return s
        return None

    def _name(self, np: NP, pos: int) -> Speaker:
        name_toks = np.name_toks
        start, end = name_toks[0].start, name_toks[-1].end
        eid = self._mention(start, end, True)
        ent = self.tax.entities.get(eid) if eid and self.tax else None
        surface = " ".join(t.text for t in name_toks)
        stems = [base(t) for t in name_toks]
        if ent is not None and ent.type != "official":
            # a state or organisation named by itself ("Kestria denied ...")
            covered = any(m.char_start <= start and m.char_end >= end for m in self.mentions
                          if m.entity_id == eid)
            if covered:
                return Speaker(ent.name, None, None, eid, "org")
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
        if self.g.word_class(name_toks[-1]) == "org":
            kind = "org"
        return Speaker(name, np.role, np.title, eid, kind, np.gender)

    def _affiliation(self, np: NP) -> list[str]:
        """Entities mentioned inside the phrase: the body first, then its state."""
        if self.tax is None:
            return []
        out = []
        for m in self.mentions:
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

    def _text(self, np: NP) -> str:
        toks = np.toks
        surface = self.layout.text[toks[0].start:toks[-1].end]
        if toks[0].low in ("the", "a", "an") and toks[0].cap:
            surface = toks[0].low + surface[len(toks[0].text):]
        if surface.lower().startswith("the ") and np.kind == "org":
            surface = surface[4:]
        return surface[:-2] if surface.endswith(("'s", "’s")) else surface

    def _role(self, np: NP, pos: int) -> Speaker | None:
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
                    got = self.tax.holders(np.title, self.published, of)
                    if len(got) == 1:
                        ent = self.tax.entities[got[0]]
                        return Speaker(ent.name, np.role, np.title, ent.id, "person")
                    if got:
                        break
            for later in self._named_later(pos):
                if later.title and self._title_fits(np.title, later.title):
                    return Speaker(later.name, np.role, np.title, later.entity_id, "person")
        kind = "group" if np.plural else ("anon" if not np.definite else "person")
        eid = affil[0] if affil else None
        return Speaker(self._text(np), np.role, np.title, eid, kind, np.gender)

    def _org(self, np: NP, pos: int) -> Speaker:
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
            found = self._org_in_text(head, np.start)
            if found:
                return Speaker(found, None, None, None, "org")
        return Speaker(self._text(np), None, None, affil, "org")

    def _org_in_text(self, head: str, before: int) -> str | None:
        """The last capitalised phrase ending in this organisation noun before a position."""
        best = None
        for unit in self.layout.units:
            if unit.start >= before:
                break
            toks = unit.toks
            for k, t in enumerate(toks):
                if t.start >= before:
                    break
                if t.cap and base(t) == head:
                    j = k
                    while j > 0 and (toks[j - 1].cap or is_possessive(toks[j - 1])) \
                            and toks[j - 1].low not in self.lex.stop_caps:
                        j -= 1
                    if j < k:
                        best = self.layout.text[toks[j].start:t.end]
                        best = best[:-2] if best.endswith(("'s", "’s")) else best
        return best


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
                    for m in self.mentions:
                        if m.char_start < end and m.char_end > start:
                            ent = self.tax.entities.get(m.entity_id)
                            if ent is not None and ent.type == "official":
                                eid = m.entity_id
                name = self.tax.entities[eid].name if eid else " ".join(t.text for t in np.name_toks)
                out.append((start, Speaker(name, np.role, np.title, eid, "person")))
        return out

    def _named_later(self, pos: int) -> list[Speaker]:
        """Speakers named with a title after a position (a lead's 'the spokesperson' named further down)."""
        return [sp for start, sp in self.titled if start > pos]
