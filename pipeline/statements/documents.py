"""Documents: a page's genre (news, transcript, release) and the statements each genre holds.

- **news**: quotes and reported speech (extractor.py) over the whole text.
- **transcript** (labelled turns, turns.py): each official's turn gives statements by that official,
  one per speech act — the sentences of one paragraph that carry one intent, a new act starting where
  the intent (type) changes — with `kind = transcript`. A label resolves to a taxonomy person through
  its surname and the role held on the document's date ("MR PRICE" → Ned Price; "THE SPOKESPERSON" →
  whoever held the role then); an unnamed answer ("Ответ:") to the briefer named by the title, byline
  or the last named official. Questions and moderator lines never give an official's statement: quotes
  inside a question are read as news, given to whoever the question names and never to an official
  answering in the transcript. Quotes of third parties inside an official's turn keep their speaker.
- **release**: the issuer (an "attributable to" line, the byline "Ned Price, Department Spokesperson",
  the title's "Statement by …", else the source's body) speaks every sentence in its own voice ("The
  United States condemns …", "We call on …"), grouped into acts like a turn, with `kind = release`;
  sentences reporting someone else ("The Secretary urged President Aliyev to …") stay reported
  statements of that speaker.

Every statement gets the speaker's state where the text allows it (taxonomy, affiliation, capital,
and for an official document's own officials, the issuer's or the source's state) and a speaker key
that is the same across scripts (speaker_keys.py).
"""
from __future__ import annotations

import bisect
import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache

from ..collect.sources import Source
from ..extract.genre import title_genre
from ..mentions.matcher import Mention
from ..mentions.taxonomy import Taxonomy, fold, normalize_title
from .cues import Lexicon, load_cues
from .extractor import Statement, capitals_of, news_statements, sentence_ends, with_state_and_key
from .quotes import layout_of
from .speaker_keys import speaker_key
from .speakers import Speaker, fitting_holders, polity
from .tokens import base, stem, tokenize
from .turns import Labels, Turn, Turns, find_turns, load_labels

OFFICIAL_KINDS = ("government", "international")
HEADER_LINES = 6            # lines at the top of a release that may carry its byline or "attributable to" line
BYLINE_WORDS = 12
_SENTENCE_END = re.compile(r"[.!?…։:;]['\"”’»)]*\s*$")
_DIRECTION = re.compile(r"^\s*\([^()]{1,60}\)\s*$")
_BY_PHRASE = re.compile(r"\b(?:by|from|of)\s+(?:the\s+)?(?P<who>[^,:;–—]+?)(?:\s+(?:on|in|at|regarding|about|"
                        r"concerning|following|after)\b|[,:;–—]|$)", re.I)


@dataclass
class DocInfo:
    """What is known of a document besides its text: title, author (byline metadata) and source."""

    title: str | None = None
    author: str | None = None
    source: Source | None = None


@dataclass
class Extraction:
    """A document's genre and its statements, in text order."""

    genre: str
    statements: list[Statement] = field(default_factory=list)


def decide_genre(text: str, info: DocInfo, turns: Turns) -> str:
    """transcript (labelled turns), release (an official source, or a title/header naming a release), else news."""
    if turns.turns:
        return "transcript"
    if title_genre(info.title, text) == "release":
        return "release"
    if info.source is not None and info.source.kind in OFFICIAL_KINDS:
        return "release"
    return "news"


# --- speakers of a document -------------------------------------------------------------------------


@lru_cache(maxsize=4)
def _surnames(taxonomy: Taxonomy) -> dict[str, tuple[str, ...]]:
    """Officials by the folded stem of the last word of each alias and of the name (every script)."""
    out: dict[str, list[str]] = {}
    for ent in taxonomy.entities.values():
        if ent.kind != "actor" or ent.type != "official":
            continue
        for text in [ent.name, *(a.text for a in ent.aliases)]:
            last = text.replace("*", "").split()[-1] if text.split() else ""
            key = stem(fold(last))
            if len(key) >= 3 and ent.id not in out.setdefault(key, []):
                out[key].append(ent.id)
    return {k: tuple(v) for k, v in out.items()}


def _title_case(words: str) -> str:
    """An upper-case label as a name ("AMBASSADOR CARPENTER" → "Ambassador Carpenter")."""
    if not words.isupper():
        return words
    return " ".join(w[:1] + w[1:].lower() for w in words.split())


def _role_title(taxonomy: Taxonomy, eid: str, on: dt.date | None) -> str | None:
    """The title an official held on a date, as shown ("Spokesperson", "Secretary Of State")."""
    for role in taxonomy.entities[eid].roles:
        if on is None or ((not role.start or role.start <= on) and (not role.end or on <= role.end)):
            return " ".join(w[:1].upper() + w[1:] for w in role.title.split())
    return None


class Context:
    """Who a document speaks for and who speaks in it: issuer, host bodies and state, the briefer,
    label speakers. Built once per document."""

    def __init__(self, text: str, published: dt.date | None, taxonomy: Taxonomy | None, mentions: list[Mention],
                 info: DocInfo, lex: Lexicon, labels: Labels, preamble_end: int) -> None:
        self.text, self.published, self.tax, self.info, self.lex, self.labels = \
            text, published, taxonomy, info, lex, labels
        self.mentions = sorted(mentions, key=lambda m: m.char_start)
        self.preamble_end = preamble_end
        # label, id(briefer) -> (briefer, speaker): the briefer is held so that its id stays its own
        self._label_speakers: dict[tuple[str, int], tuple[Speaker | None, Speaker | None]] = {}
        self.lines = self._lines()
        source_issuer = info.source.issuer if info.source and taxonomy and info.source.issuer in taxonomy.entities \
            else None
        self.source_issuer = source_issuer
        self.issuer = self._issuer()
        chain: list[str] = []
        for eid in (self.issuer.entity_id if self.issuer else None, source_issuer):
            if eid and taxonomy is not None:
                for e in [eid, *taxonomy.ancestors(eid)]:
                    if e not in chain:
                        chain.append(e)
        if taxonomy is not None and not chain:
            chain = [e for e in self._title_actors() if taxonomy.entities[e].type != "official"]
        self.scope: tuple[str, ...] = tuple(chain)
        self.host_state = next((polity(taxonomy, e) for e in chain if polity(taxonomy, e)), None)
        if self.issuer is not None and self.issuer.state is None:
            self.issuer.state = polity(taxonomy, self.issuer.entity_id) or self.host_state

    # -- the page's top lines -------------------------------------------------------------------------
    def _lines(self) -> list[tuple[int, int]]:
        """(start, end) of every non-empty line."""
        out, pos = [], 0
        for line in self.text.split("\n"):
            if line.strip():
                out.append((pos, pos + len(line)))
            pos += len(line) + 1
        return out

    def _in(self, a: int, b: int) -> list[Mention]:
        return [m for m in self.mentions if m.char_start >= a and m.char_end <= b]

    def _best_actor(self, a: int, b: int, officials: bool = True) -> str | None:
        """The actor mentioned in [a, b): an official first, then a body, then a state."""
        if self.tax is None:
            return None
        rank = {"official": 0 if officials else 9, "government body": 1, "organisation": 2, "armed force": 3,
                "state": 4}
        found = [(rank.get(self.tax.entities[m.entity_id].type or "", 8), m.char_start, m.entity_id)
                 for m in self._in(a, b) if m.entity_id in self.tax.entities
                 and self.tax.entities[m.entity_id].kind == "actor"]
        found = [f for f in found if f[0] < 9]
        return min(found)[2] if found else None

    def _title_span(self) -> tuple[int, int] | None:
        """The first line when it is the page title."""
        if not self.lines:
            return None
        a, b = self.lines[0]
        title = " ".join((self.info.title or "").split())
        line = " ".join(self.text[a:b].split())
        return (a, b) if title and (line == title or line in title or title in line) else None

    def _title_actors(self) -> list[str]:
        span = self._title_span()
        if span is None or self.tax is None:
            return []
        return [m.entity_id for m in self._in(*span) if self.tax.entities.get(m.entity_id) is not None
                and self.tax.entities[m.entity_id].kind == "actor"]

    def header_lines(self) -> list[tuple[int, int]]:
        """Short lines at the top without final punctuation (byline, place, time), and an
        "attributable to" line."""
        out = []
        for a, b in self.lines[:HEADER_LINES]:
            line = self.text[a:b]
            low = line.lower()
            if (len(line.split()) <= BYLINE_WORDS and not _SENTENCE_END.search(line)) or \
                    any(p in low for p in self.labels.attributable):
                out.append((a, b))
            elif out or (a, b) != self.lines[0]:
                break
        return out

    # -- the issuer of a release ------------------------------------------------------------------------
    def _speaker_of(self, eid: str) -> Speaker:
        ent = self.tax.entities[eid]
        person = ent.type == "official"
        role = _role_title(self.tax, eid, self.published) if person else None
        return Speaker(ent.name, role, normalize_title(role) if role else None, eid, "person" if person else "org")

    def _issuer(self) -> Speaker | None:
        """The issuer: an "attributable to" line, a byline line, the title's official or body, the
        source's body, the title's state, else the phrase after the title's "Statement by"."""
        if self.tax is None:
            return None
        header = self.header_lines()
        for a, b in header:
            low = self.text[a:b].lower()
            for phrase in self.labels.attributable:
                at = low.find(phrase)
                if at >= 0:
                    eid = self._best_actor(a + at + len(phrase), b) or self._holder_in(a + at + len(phrase), b)
                    if eid:
                        return self._speaker_of(eid)
        title = self._title_span()
        for a, b in header:
            if (a, b) == title:
                continue
            eid = self._best_actor(a, b)
            if eid and self.tax.entities[eid].type != "state":
                return self._speaker_of(eid)
        if title is not None:
            eid = self._best_actor(*title)
            if eid and self.tax.entities[eid].type != "state":
                return self._speaker_of(eid)
        if self.source_issuer:
            return self._speaker_of(self.source_issuer)
        if title is not None:
            eid = self._best_actor(*title)
            if eid:
                return self._speaker_of(eid)
            m = _BY_PHRASE.search(self.text[title[0]:title[1]])
            if m and title_genre(self.info.title) == "release":
                who = m.group("who").strip()
                head = stem(who.split()[-1]) if who.split() else ""
                for a, b in self.lines[1:3]:      # "Statement by the Ministry …" / "The Ministry … of Valmeria"
                    for men in self._in(a, b):
                        ent = self.tax.entities.get(men.entity_id)
                        if ent is not None and ent.kind == "actor" and ent.type in ("government body", "organisation") \
                                and head in {stem(w) for w in ent.name.split()}:
                            return self._speaker_of(ent.id)
                return Speaker(who, None, None, None, "org")
        return None

    def _holder_in(self, a: int, b: int) -> str | None:
        """The official a role phrase in [a, b) names on the document's date ("the Spokesperson")."""
        toks = tokenize(self.text, a, b, [])
        role = self.lex.role_in([base(t) for t in toks if t.kind == "w"])
        if role is None or self.tax is None:
            return None
        got = fitting_holders(self.tax, role[2], self.published, list(self.scope_hint()))
        return got[0] if len(got) == 1 else None

    def scope_hint(self) -> Iterable[str]:
        """Bodies to look for role holders in before the issuer is known: the source's, then the title's."""
        out = [self.source_issuer] if self.source_issuer else []
        return [*out, *(e for e in self._title_actors() if self.tax and self.tax.entities[e].type != "official")]

    # -- labels of a transcript --------------------------------------------------------------------------
    def label_speaker(self, label: str, briefer: Speaker | None) -> Speaker | None:
        """The speaker a named label stands for (None when it names no one); found once per label, since
        a briefing repeats its labels at every turn and an unlisted name is looked for in the whole text."""
        key = (label, id(briefer))
        if key not in self._label_speakers:
            self._label_speakers[key] = (briefer, self._label_speaker(label, briefer))
        return self._label_speakers[key][1]

    def _label_speaker(self, label: str, briefer: Speaker | None) -> Speaker | None:
        words = [w for w in re.split(r"[\s.]+", label) if w]
        words = [w for w in words if w.lower() not in self.labels.honorifics and w.lower().rstrip(".")
                 not in self.labels.honorifics]
        low = [stem(w.lower()) for w in words]
        role = self.lex.role_in(low)
        title = role[2] if role else None
        rest = [w for i, w in enumerate(words) if not (role and role[0] <= i < role[1]) and len(w) > 1
                and w.lower() not in ("the", "a")]
        if self.tax is not None and rest:
            eid = self._official_by_surname(rest, title)
            if eid:
                return self._speaker_of(eid)
        if self.tax is not None and not rest and title:
            got = fitting_holders(self.tax, title, self.published, list(self.scope) or list(self.scope_hint()))
            if len(got) == 1:
                return self._speaker_of(got[0])
            if briefer is not None and briefer.title and title in briefer.title.split():
                return briefer
        if not rest and not title:
            return None
        return self._unlisted(words, rest, role)

    def _official_by_surname(self, rest: list[str], title: str | None) -> str | None:
        """A taxonomy official whose surname is the label's last word: the one holding a role on the
        date, whose role fits the label's title, within the document's scope."""
        cands = list(_surnames(self.tax).get(stem(fold(rest[-1])), ()))
        if not cands:
            return None

        def score(eid: str) -> tuple:
            roles = self.tax.entities[eid].roles
            on = [r for r in roles if self.published is None or ((not r.start or r.start <= self.published)
                                                                 and (not r.end or self.published <= r.end))]
            fits = title is not None and any(title == normalize_title(r.title) or title in
                                             normalize_title(r.title).split() for r in on)
            scoped = any(e in self.scope for e in [eid, *self.tax.ancestors(eid)]) or \
                (self.host_state is not None and polity(self.tax, eid) == self.host_state)
            return (not on, not fits, not scoped)

        cands.sort(key=score)
        if len(cands) > 1 and score(cands[0]) == score(cands[1]):
            return None
        return cands[0]

    def _unlisted(self, words: list[str], rest: list[str], role: tuple | None) -> Speaker:
        """A speaker outside the taxonomy: the full name and affiliation the page's top gives for the
        surname ("French Foreign Minister Jean-Yves Le Drian"), else the label itself, of the host state."""
        surname = rest[-1].lower()
        shown_role = _title_case(" ".join(words[role[0]:role[1]])) if role else None
        for a, b in self.lines:
            if a >= self.preamble_end:
                break
            line = self.text[a:b]
            m = re.search(r"((?:[^\W\d_][\w.'’-]*\s+){0,3})" + re.escape(rest[-1]) + r"(?![\w])", line, re.I)
            if m and len(line.split()) <= BYLINE_WORDS * 2:
                name_words = self.text[a + m.start():a + m.end()].split()
                while len(name_words) > 1 and (not name_words[0][:1].isupper()
                                               or stem(name_words[0].lower()) in self.lex.role_words):
                    name_words = name_words[1:]     # "… Foreign Minister Jean-Yves Le Drian" → the name
                state = self._state_in(a, a + m.start()) or self._state_in(a, b)
                return Speaker(" ".join(name_words) or _title_case(" ".join(rest)), shown_role,
                               role[2] if role else None, None, "person", state=state or self.host_state)
        # introduced anywhere in the text: "… to have in the briefing room Dr. Kari Johnstone"
        m = re.search(r"(?<![\w.])([A-Z][\w’'-]+(?:\s+[A-Z]\.)?)\s+" + re.escape(rest[-1].title()) + r"(?![\w])",
                      self.text)
        if m and m.group(1).lower().rstrip(".") not in self.labels.honorifics and \
                self.lex.role_in([stem(m.group(1).lower())]) is None and m.group(1).lower() not in self.lex.stop_caps:
            return Speaker(f"{m.group(1)} {rest[-1].title()}", shown_role, role[2] if role else None, None, "person",
                           state=self.host_state)
        name = _title_case(" ".join(words if role else rest))
        if surname and not role:
            name = _title_case(" ".join(rest))
        return Speaker(name, shown_role, role[2] if role else None, None, "person", state=self.host_state)

    def _state_in(self, a: int, b: int) -> str | None:
        for m in self._in(a, b):
            st = polity(self.tax, m.entity_id)
            if st:
                return st
        return None

    def briefer(self) -> Speaker | None:
        """Who answers unnamed ("Ответ:"): an official named in the title or byline, a person introduced
        with a role in the title or first lines, else the issuer or the source's spokesperson."""
        if self.tax is None:
            return None
        for a, b in [*(s for s in [self._title_span()] if s), *self.header_lines()]:
            eid = self._best_actor(a, b)
            if eid and self.tax.entities[eid].type == "official":
                return self._speaker_of(eid)
        named = self._titled_name()
        if named is not None:
            return named
        if self.issuer is not None and self.issuer.kind == "person":
            return self.issuer
        scope = list(self.scope) or list(self.scope_hint())
        got = fitting_holders(self.tax, "spokesperson", self.published, scope) if scope else []
        if len(got) == 1:
            return self._speaker_of(got[0])
        return self.issuer

    def _titled_name(self) -> Speaker | None:
        """A person the title or the preamble introduces with a role ("… представителя МИД России
        А.Н.Орловой", "XİN sözçüsü Aydan Məmmədlinin brifinqi"), in the form the text uses elsewhere."""
        spans = [s for s in [self._title_span()] if s] + [(a, b) for a, b in self.lines[1:4] if b <= self.preamble_end]
        for a, b in spans:
            toks = [t for t in tokenize(self.text, a, b, []) if t.kind == "w"]
            for i, tok in enumerate(toks):
                if i == 0 or not (tok.cap or re.fullmatch(r"(?:[^\W\d_]\.){1,2}", tok.text)):
                    continue
                if self.lex.role_in([base(t) for t in toks[max(0, i - 4):i]]) is None:
                    continue
                j = i
                while j < len(toks) and (toks[j].cap or re.fullmatch(r"(?:[^\W\d_]\.){1,2}", toks[j].text)) \
                        and toks[j].low not in self.lex.stop_caps:
                    j += 1
                run = toks[i:j]
                if not run or not any(len(t.text) > 2 and not t.text.endswith(".") for t in run):
                    continue
                name = self._name_form(self.text[run[0].start:run[-1].end])
                role = self.lex.role_in([base(t) for t in toks[max(0, i - 4):i]])
                state = self._state_in(a, b) or self.host_state
                return Speaker(name, None, role[2] if role else None, None, "person", state=state)
        return None

    def _name_form(self, name: str) -> str:
        """A name as the text writes it in the nominative: the same name elsewhere in the text (same
        stems), else the title's form with a Russian genitive ending turned nominative."""
        words = name.replace(".", ". ").split()
        want = [stem(w) for w in words if len(w) > 2]
        for m in re.finditer(r"(?:[^\W\d_][\w.’'-]*\s+){0,2}[^\W\d_][\w’'-]+", self.text):
            got = m.group().split()
            if [stem(w) for w in got if len(w) > 2][-len(want):] == want and len(m.group()) < len(name):
                return m.group()
        last = name.rstrip()
        for end, rep in self.labels.nominative_endings:
            if re.search(r"[\u0400-\u04ff]" + re.escape(end) + r"$", last):
                return last[: -len(end)] + rep
        return last


# --- acts ---------------------------------------------------------------------------------------------


def _paragraphs(text: str, a: int, b: int) -> list[tuple[int, int]]:
    out, pos = [], a
    for line in text[a:b].split("\n"):
        if line.strip():
            lo = pos + len(line) - len(line.lstrip())
            out.append((lo, pos + len(line.rstrip())))
        pos += len(line) + 1
    return out


def _has_words(words: list[str], n: int) -> bool:
    """Whether at least n of the words have a letter (stops at the n-th)."""
    for w in words:
        if any(c.isalpha() for c in w):
            n -= 1
            if not n:
                return True
    return False


def _non_statement(sentence: str, labels: Labels, cue_at: int | None) -> bool:
    """A greeting, thanks, moderation, non-answer, schedule or contact line, stage direction or cut-off
    fragment (short, and no type cue of its own) — or too short to say anything. `cue_at`: where the
    sentence's first type cue starts (a cue inside the opening formula, as in "Thank you for that
    question", does not make it a statement)."""
    words = sentence.split()
    if _DIRECTION.match(sentence) or not _has_words(words, 3):
        return True
    if len(words) > labels.short_words:
        return False
    if any(p.search(sentence) for p in labels.patterns):
        return True
    plain = [w.strip(",.;:!?—–-()\"'“”") for w in words]
    if all(w[:1].isupper() or w.lower() in labels.moderation_words for w in plain if w) and len(words) <= 5 \
            and cue_at is None:
        return True         # "Humeyra, and then Alex."
    low = " ".join(sentence.lower().replace("’", "'").split())
    lead = len(low) - len(low.lstrip("(\"'“«—– "))
    low = low[lead:]
    m = re.match(r"(?:well|so|and|but|again|look|now|great|okay|ok),?\s+", low)
    skip = lead + (m.end() if m else 0)
    low = low[m.end():] if m else low
    for p in labels.non_statements:
        if low.startswith(p) and (len(low) == len(p) or not low[len(p)].isalnum()):
            return cue_at is None or cue_at < skip + len(p) + 12
    return False


def acts(text: str, spans: list[tuple[int, int]], sentences: list[tuple[int, int]], lex: Lexicon,
         labels: Labels, taken: list[tuple[int, int]] = ()) -> list[tuple[int, int, str, str | None]]:
    """Speech acts (start, end, type, cue) in paragraphs [a, b): the sentences of one paragraph that carry
    one intent. A new act starts at a sentence whose type cue differs from the act's (or at the first
    typed sentence after untyped ones); an untyped sentence elaborates the act before it. Sentences
    holding a `taken` span (someone else's reported words) and non-statements end an act."""
    out: list[tuple[int, int, str, str | None]] = []
    ends = sentence_ends(sentences)

    def flush(cur: list | None) -> None:
        if cur is not None:
            out.append((cur[0], cur[1], cur[2] or "statement", cur[3]))

    for a, b in spans:
        cur: list | None = None
        for s, e in sentences[bisect.bisect_right(ends, a):bisect.bisect_left(ends, b) + 1]:
            s, e = max(s, a), min(e, b)
            if e <= s:
                continue
            while e > s and text[e - 1].isspace():
                e -= 1
            sentence = text[s:e]
            cue = lex.first_cue(sentence)
            cue_at = sentence.lower().find(cue[1].lower()) if cue else None
            if any(s <= x and y <= e for x, y in taken) or _non_statement(sentence, labels, cue_at):
                flush(cur)
                cur = None
                continue
            if cur is None or (cue is not None and (cur[2] is None or cue[0] != cur[2])):
                flush(cur)
                cur = [s, e, cue[0] if cue else None, cue[1] if cue else None]
            else:
                cur[1] = e
        flush(cur)
    return out


# --- the document --------------------------------------------------------------------------------------


def _act_statement(text: str, span: tuple[int, int, str, str | None], speaker: Speaker, kind: str,
                   published: dt.date | None, taxonomy: Taxonomy | None) -> Statement:
    a, b, typ, cue = span
    st = Statement(speaker.name, speaker.role, speaker.entity_id, None, text[a:b], kind, typ, cue, a, b, published,
                   phrase="label" if kind == "transcript" else "issuer")
    return with_state_and_key(st, speaker, taxonomy)


def _same_speaker(st: Statement, speakers: list[Speaker]) -> bool:
    """Whether a statement's speaker is one of these (same entity, same speaker key, or a one-word name
    that is one of their names: "as Ned said" in a transcript where Ned Price answers)."""
    words = (st.speaker or "").split()
    for sp in speakers:
        if sp.entity_id and st.speaker_entity_id == sp.entity_id:
            return True
        if st.speaker_key and st.speaker_key == speaker_key(sp.entity_id, sp.name, sp.kind):
            return True
        if len(words) == 1 and not st.speaker_entity_id and sp.name and \
                stem(words[0]) in {stem(w) for w in sp.name.split()}:
            return True
    return False


def _transcript(text: str, published: dt.date | None, taxonomy: Taxonomy | None, sentences, mentions,
                turns: Turns, ctx: Context, lex: Lexicon, labels: Labels) -> list[Statement]:
    capitals = capitals_of(taxonomy)
    out: list[Statement] = []
    briefer = ctx.briefer()
    last_named: Speaker | None = None
    officials: list[tuple[Turn, Speaker]] = []
    questions: list[Turn] = []
    for turn in turns.turns:
        if turn.role == "question":
            questions.append(turn)
            continue
        if turn.role == "moderator":
            continue
        if turn.role == "answer":
            speaker = last_named or briefer
        else:
            speaker = ctx.label_speaker(turn.label, briefer)
            if speaker is not None:
                last_named = speaker
        if speaker is None:
            continue
        if speaker.state is None:
            speaker = replace(speaker, state=polity(taxonomy, speaker.entity_id) or ctx.host_state)
        officials.append((turn, speaker))
    answering = [sp for _, sp in officials]
    chain = set(ctx.scope)
    for turn, speaker in officials:
        body = _paragraphs(text, turn.start, turn.end)
        out.extend(_act_statement(text, act, speaker, "transcript", published, taxonomy)
                   for act in acts(text, body, sentences, lex, labels))
        for st in news_statements(text, published, taxonomy, sentences, mentions, region=(turn.start, turn.end),
                                  genre="transcript", scope=ctx.scope, capitals=capitals):
            if st.phrase in ("name", "role", "org") and not _same_speaker(st, answering) \
                    and st.speaker_entity_id not in chain:
                out.append(st)
    for turn in questions:
        for st in news_statements(text, published, taxonomy, sentences, mentions, region=(turn.start, turn.end),
                                  genre=None, scope=ctx.scope, capitals=capitals):
            if st.phrase != "pronoun" and not _same_speaker(st, answering):
                out.append(st)
    if turns.preamble_end > 0:
        out.extend(news_statements(text, published, taxonomy, sentences, mentions, region=(0, turns.preamble_end),
                                   genre="transcript", scope=ctx.scope, capitals=capitals))
    return out


def _release(text: str, published: dt.date | None, taxonomy: Taxonomy | None, sentences, mentions,
             ctx: Context, lex: Lexicon, labels: Labels) -> list[Statement]:
    capitals = capitals_of(taxonomy)
    issuer = ctx.issuer
    chain = set(ctx.scope)
    reported: list[Statement] = []
    own: list[Statement] = []
    for st in news_statements(text, published, taxonomy, sentences, mentions, genre="release", scope=ctx.scope,
                              capitals=capitals):
        if issuer is not None and (st.speaker_entity_id in chain or _same_speaker(st, [issuer])):
            own.append(st)
        else:
            reported.append(st)
    layout = layout_of(text, sentences, lex)
    header = set(ctx.header_lines())
    paragraphs = [(a, b) for i, (a, b) in enumerate(layout.paragraphs)
                  if i not in layout.skipped and (a, b) not in header]
    taken = [(st.char_start, st.char_end) for st in reported]
    out = list(reported)
    if issuer is None:
        return out + own
    out.extend(_act_statement(text, act, issuer, "release", published, taxonomy)
               for act in acts(text, paragraphs, sentences, lex, labels, taken))
    return out


def extract_document(text: str, published: dt.date | None, taxonomy: Taxonomy | None,
                     sentences: list[tuple[int, int]], mentions: list[Mention],
                     info: DocInfo | None = None) -> Extraction:
    """The document's genre and its statements (see the module docstring), in order of position."""
    info = info or DocInfo()
    if not text or not text.strip():
        return Extraction(decide_genre(text or "", info, Turns([], 0)), [])
    lex, labels = load_cues(), load_labels()
    turns = find_turns(text, labels)
    genre = decide_genre(text, info, turns)
    if genre == "news":
        found = news_statements(text, published, taxonomy, sentences, mentions, capitals=capitals_of(taxonomy))
    else:
        ctx = Context(text, published, taxonomy, mentions, info, lex, labels, turns.preamble_end)
        if genre == "transcript":
            found = _transcript(text, published, taxonomy, sentences, mentions, turns, ctx, lex, labels)
        else:
            found = _release(text, published, taxonomy, sentences, mentions, ctx, lex, labels)
    found.sort(key=lambda st: (st.char_start, st.char_end))
    out = [st for i, st in enumerate(found)
           if i == 0 or (found[i - 1].char_start, found[i - 1].char_end) != (st.char_start, st.char_end)]
    return Extraction(genre, out)


def document_genre(text: str, info: DocInfo | None = None) -> str:
    """The genre alone (what `extract_document` decides), for documents whose statements are kept."""
    return decide_genre(text or "", info or DocInfo(), find_turns(text or "", load_labels()))


def extract_statements(text: str, published: dt.date | None, taxonomy: Taxonomy | None,
                       sentences: list[tuple[int, int]], mentions: list[Mention],
                       info: DocInfo | None = None) -> list[Statement]:
    """The statements of a document, in order of position (`extract_document` without the genre)."""
    return extract_document(text, published, taxonomy, sentences, mentions, info).statements
