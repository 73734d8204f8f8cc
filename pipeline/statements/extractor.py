"""Text → news statements: direct quotes and reported speech, each with speaker, type and date, by rules.

The reading of running text that every genre uses (documents.py adds transcripts and releases on top).
No model: quote marks are paired per paragraph (quotes.py); attribution frames ("X said", "…, said X",
"according to X", "X called on Y to …", "по словам X", "X заявил, что …") are found outside quotes with
the speech verbs and cue phrases of `speech_cues.yaml` (attribution.py, cues.py); speakers are resolved
within the article and through the taxonomy (speakers.py). This module ties them together: it turns
frames and unattributed quotations into statements, and gives each its type and date.

Span convention (char_start/char_end, 0-based code points, end exclusive):
- a quotation on its own: from its opening to its closing mark, both included; a quote that carries
  on into the next paragraph (no closing mark) runs to the end of its paragraph;
- reported speech, and clauses that embed a partial quote: the reported content alone — after "that",
  "что", the verb or "according to X," — without the final full stop (a closing quote mark stays).
A quote split by its attribution ("…," he said. "…") gives one statement per quoted segment, all with
the same speaker; so does a paragraph that continues a quote without naming the speaker again. A pull
quote (a paragraph of someone's words signed by their name, no marks) is one direct statement.
"""
from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from ..config import read_yaml
from ..mentions.matcher import Mention
from ..mentions.taxonomy import Taxonomy
from .attribution import Frame, FrameFinder
from .cues import Lexicon, SpeechVerb, load_cues
from .quotes import QUOTE_CHARS, Layout, Unit, layout_of
from .speaker_keys import DATA_PATH, speaker_key
from .speaker_phrases import Grammar
from .speakers import Resolver, Speaker, polity
from .tokens import Tok, is_cyr

__all__ = ["Statement", "capitals_of", "news_statements", "sentence_ends", "with_state_and_key"]


@dataclass
class Statement:
    """One statement: who said it (as resolved), what (span of the text) and when."""

    speaker: str | None
    speaker_role: str | None
    speaker_entity_id: str | None
    speaker_state_id: str | None
    quote: str
    kind: str                     # direct (carries quoted words) | indirect | transcript | release
    statement_type: str           # appeal|concern|condemn|welcome|commit|reject|threat|statement
    cue: str | None
    char_start: int
    char_end: int
    said_on: dt.date | None
    speaker_key: str | None = None   # the same speaker in every script and spelling (speaker_keys.py)
    phrase: str | None = None        # what named the speaker: name|role|org|pronoun|doc|desc|label|issuer


@lru_cache(maxsize=4)
def _capitals() -> dict[str, str]:
    return dict(read_yaml(DATA_PATH).get("capitals") or {})


def capitals_of(taxonomy: Taxonomy | None) -> dict[str, str]:
    """Capital place id -> the actor it stands for, for the ids this taxonomy has."""
    if taxonomy is None:
        return {}
    return {place: actor for place, actor in _capitals().items()
            if place in taxonomy.entities and actor in taxonomy.entities}


def with_state_and_key(st: Statement, speaker: Speaker, taxonomy: Taxonomy | None) -> Statement:
    """The statement with its speaker's state (taxonomy first, then what the text tied the speaker to)
    and speaker key."""
    st.speaker_state_id = polity(taxonomy, st.speaker_entity_id) or speaker.state
    st.speaker_key = speaker_key(st.speaker_entity_id, st.speaker, speaker.kind)
    return st


@dataclass
class _Said:
    """A resolved frame: who, when, and the paragraph and directness of its last statement."""

    speaker: Speaker
    said_on: dt.date | None
    para: int
    direct: bool
    phrase: str | None = None


class _Builder:
    """Turns spans into Statements for one article: kind, type from cues, speaker's state."""

    def __init__(self, text: str, layout: Layout, lex: Lexicon, taxonomy: Taxonomy | None,
                 published: dt.date | None) -> None:
        self.text, self.layout, self.lex, self.tax, self.published = text, layout, lex, taxonomy, published

    def classify(self, verb: SpeechVerb | None, verb_text: str, attr_text: str, content: str) -> tuple[str, str | None]:
        """The type the verb signals, else the earliest type cue in the attribution, then in the verb and
        its content together ("offered … assistance")."""
        if verb is not None and verb.type:
            return verb.type, verb_text
        for text in (attr_text, f"{verb_text} {content}" if verb_text else content):
            got = self.lex.first_cue(text)
            if got:
                return got
        return "statement", None

    def statement(self, a: int, b: int, speaker: Speaker, said_on: dt.date | None, verb: SpeechVerb | None = None,
                  verb_text: str = "", attr_text: str = "", direct: bool = False,
                  phrase: str | None = None) -> Statement:
        """The statement for text[a:b]: direct when it carries quoted words (or `direct` says it is
        someone's own words without marks); type from the verb or cues."""
        quote = self.text[a:b]
        direct = direct or quote[:1] in QUOTE_CHARS or quote[-1:] in QUOTE_CHARS or self.layout.has_quote(a, b)
        typ, cue = self.classify(verb, verb_text, attr_text, quote)
        role = speaker.role
        if role and not is_cyr(role):
            role = " ".join(w[:1].upper() + w[1:] for w in role.split())
        elif role:
            role = role[:1].upper() + role[1:]
        st = Statement(speaker.name, role, speaker.entity_id, None, quote, "direct" if direct else "indirect",
                       typ, cue, a, b, said_on or self.published, phrase=phrase)
        return with_state_and_key(st, speaker, self.tax)


def _content_span(toks: list[Tok], a: int, b: int) -> tuple[int, int] | None:
    """Character span of tokens [a, b) without edge punctuation."""
    while a < b and toks[a].kind == "p" and toks[a].text in ",;:—–-.":
        a += 1
    while b > a and toks[b - 1].kind == "p" and toks[b - 1].text in ",;:—–-.":
        b -= 1
    if b <= a:
        return None
    return toks[a].start, toks[b - 1].end


def _frame_spans(toks: list[Tok], fr: Frame, used: set[int]) -> list[tuple[int, int]]:
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
            sp = _content_span(toks, *rng)
            if sp and (len(words) >= 3 or quotes_in or (words and fr.verb.frame == "object")):
                spans.append(sp)
        used.update(t.start for t in ctoks)
    for q in fr.extra_quotes:
        spans.append((q.quote[0], q.quote[1]))
        used.add(q.start)
    return spans


def _said_on(lex: Lexicon, toks: list[Tok], ranges: list[tuple[int, int]], published: dt.date | None) -> dt.date | None:
    """The first date expression in the attributing part of a sentence, resolved; None if there is none."""
    for a, b in ranges:
        k = a
        while k < min(b, len(toks)):
            n, d = lex.date_at(toks, k, published)
            if n and d is not None:
                return d
            k += max(n, 1)
    return None


def _is_place_or_state(taxonomy: Taxonomy | None, eid: str) -> bool:
    """Whether a mention's entity is a place or a state (its words are not part of a person's name)."""
    ent = taxonomy.entities.get(eid) if taxonomy else None
    return ent is not None and (ent.kind == "place" or ent.type == "state")


def _claim_trailing_attributions(frames: list[tuple[Unit, list[Frame]]]) -> set[int]:
    """'"…?" / Colton said.': when the sentence split falls after a quote and the next unit of the
    paragraph is a bare attribution, that quote is its content. Returns the claimed quotes' starts."""
    claimed: set[int] = set()
    for (prev_unit, _), (unit, unit_frames) in zip(frames, frames[1:], strict=False):
        first = unit_frames[0] if unit_frames else None
        if first is None or first.content is not None or first.extra_quotes or prev_unit.para != unit.para:
            continue
        words = [t for t in prev_unit.toks if t.kind != "p"]
        if words and words[-1].kind == "q" and words[-1].start not in claimed:
            first.extra_quotes.append(words[-1])
            claimed.add(words[-1].start)
    return claimed


def _pull_quote_statements(layout: Layout, grammar: Grammar, resolver: Resolver, build: _Builder) -> list[Statement]:
    """Statements of pull quotes ("… what it has brought me. Morgan McNeely"), spoken by the name signing them."""
    out = []
    for _, (qs, qe), (ns, ne) in layout.pull_quotes:
        unit = next(u for u in layout.units if u.start <= ns < u.end)
        np = grammar.build([t for t in unit.toks if ns <= t.start and t.end <= ne])
        speaker = resolver.resolve_phrase(np, ns, unit) if np is not None and np.kind == "name" else None
        if speaker is not None:
            out.append(build.statement(qs, qe, speaker, None, direct=True, phrase="name"))
    return out


_last_ends: list[tuple[list[tuple[int, int]], list[int]]] = []


def sentence_ends(sentences: list[tuple[int, int]]) -> list[int]:
    """The end of each sentence (for bisecting), kept for the document's next region or paragraph run."""
    if _last_ends and _last_ends[0][0] is sentences and len(_last_ends[0][1]) == len(sentences):
        return _last_ends[0][1]
    ends = [b for _, b in sentences]
    _last_ends[:] = [(sentences, ends)]
    return ends


class _DocIndex:
    """Sentence ends and mentions by start of one document, built once for all the regions (transcript
    turns) read from it rather than once per region."""

    _last: list[_DocIndex] = []

    def __init__(self, sentences: list[tuple[int, int]], mentions: list[Mention]) -> None:
        self.sentences, self.mentions = sentences, mentions
        self.ends = sentence_ends(sentences)
        self._order = sorted(range(len(mentions)), key=lambda k: mentions[k].char_start)
        self._starts = [mentions[k].char_start for k in self._order]

    @classmethod
    def of(cls, sentences: list[tuple[int, int]], mentions: list[Mention]) -> _DocIndex:
        last = cls._last[0] if cls._last else None
        if last is None or last.sentences is not sentences or last.mentions is not mentions \
                or len(last.ends) != len(sentences) or len(last._order) != len(mentions):
            last = cls(sentences, mentions)
            cls._last[:] = [last]
        return last

    def within(self, lo: int, hi: int) -> list[Mention]:
        """The mentions inside [lo, hi), in the document's order."""
        first, stop = bisect.bisect_left(self._starts, lo), bisect.bisect_left(self._starts, hi)
        return [self.mentions[k] for k in sorted(self._order[first:stop]) if self.mentions[k].char_end <= hi]


def news_statements(text: str, published: dt.date | None, taxonomy: Taxonomy | None,
                    sentences: list[tuple[int, int]], mentions: list[Mention], *,
                    region: tuple[int, int] | None = None, genre: str | None = None, scope: tuple[str, ...] = (),
                    capitals: dict[str, str] | None = None) -> list[Statement]:
    """Direct quotes and reported speech in a text (or in its `region` [start, end), read on its own: a
    transcript's turn), in order of position. `genre` enables the speech verbs limited to it; `scope`
    and `capitals` go to the speaker resolver."""
    if region is not None:
        lo, hi = region
        if not load_cues().may_report(text[lo:hi]):
            return []
        index = _DocIndex.of(sentences, mentions)
        sub_sentences = [(max(a, lo) - lo, min(b, hi) - lo) for a, b in
                         sentences[bisect.bisect_right(index.ends, lo):bisect.bisect_left(index.ends, hi) + 1]
                         if min(b, hi) > max(a, lo)]
        sub_mentions = [Mention(m.entity_id, m.sentence_no, m.char_start - lo, m.char_end - lo, m.surface)
                        for m in index.within(lo, hi)]
        found = news_statements(text[lo:hi], published, taxonomy, sub_sentences, sub_mentions, genre=genre,
                                scope=scope, capitals=capitals)
        for st in found:
            st.char_start += lo
            st.char_end += lo
        return found
    if not text or not text.strip():
        return []
    lex = load_cues()
    layout = layout_of(text, sentences, lex)
    place_ends = frozenset(m.char_end for m in mentions if _is_place_or_state(taxonomy, m.entity_id))
    grammar = Grammar(lex, place_ends)
    finder = FrameFinder(lex, grammar, genre)
    frames = [(unit, [] if unit.para in layout.skipped else finder.frames(unit)) for unit in layout.units]
    claimed = _claim_trailing_attributions(frames)
    resolver = Resolver(layout, grammar, taxonomy, mentions, published, frames, scope,
                        capitals if capitals is not None else capitals_of(taxonomy))
    build = _Builder(text, layout, lex, taxonomy, published)
    out: list[Statement] = []
    resolved: dict[int, tuple[Speaker | None, dt.date | None]] = {}     # id(frame) -> speaker, said_on
    last: _Said | None = None
    pending: list[tuple[int, int]] = []     # unclosed quotes waiting for the speaker named after them
    for unit, unit_frames in frames:
        if unit.para in layout.skipped:
            continue
        toks = unit.toks
        used = set(claimed)
        for fr in unit_frames:
            inherited = resolved[id(fr.parent)] if fr.parent is not None else (None, None)
            speaker = resolver.resolve(fr, unit) if fr.np is not None else inherited[0]
            said_on = _said_on(lex, toks, fr.attribution, published) or inherited[1]
            resolved[id(fr)] = (speaker, said_on)
            spans = _frame_spans(toks, fr, used)
            if speaker is None:
                continue
            attr_text = " ".join(text[toks[a].start:toks[b - 1].end] for a, b in fr.attribution if a < b <= len(toks))
            verb_text = text[toks[fr.verb_toks[0]].start:toks[fr.verb_toks[1] - 1].end]
            phrase = fr.np.kind if fr.np is not None else (fr.parent.np.kind if fr.parent and fr.parent.np else None)
            out.extend(build.statement(qs, qe, speaker, said_on, phrase=phrase) for qs, qe in pending)
            pending = []
            for a, b in spans:
                st = build.statement(a, b, speaker, said_on, fr.verb, verb_text, attr_text, phrase=phrase)
                out.append(st)
                last = _Said(speaker, said_on, unit.para, st.kind == "direct", phrase)
        # quotations with no frame continue the last speaker (or wait for the one named after them)
        for t in toks:
            if t.kind != "q" or t.start in used or len(t.text.split()) < 3:
                continue
            qs, qe, closed = t.quote
            opens_para = layout.starts_para(unit, t)
            if not closed and layout.next_para_quote(unit) and (last is None or last.para < unit.para - 1 or pending):
                pending.append((qs, qe))
            elif last is not None and (last.para == unit.para or
                                       (opens_para and last.para >= unit.para - (2 if last.direct else 1))):
                out.append(build.statement(qs, qe, last.speaker, last.said_on, phrase=last.phrase))
                last = _Said(last.speaker, last.said_on, unit.para, True, last.phrase)
            elif pending and opens_para:
                pending.append((qs, qe))
    out.extend(_pull_quote_statements(layout, grammar, resolver, build))
    out.sort(key=lambda st: (st.char_start, st.char_end))
    return [st for i, st in enumerate(out)
            if i == 0 or (out[i - 1].char_start, out[i - 1].char_end) != (st.char_start, st.char_end)]

