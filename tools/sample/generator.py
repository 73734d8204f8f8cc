"""Deterministic generator of the SYNTHETIC sample corpus (and of benchmark corpora of any size).

Pages come from six fictional outlets, each with its own HTML template and boilerplate (menus, cookie
banners, dated side lists, today's-date footers, comments), about the Armenia–Azerbaijan process from
2020-09 to 2026-01 in English, Russian, Azerbaijani and Armenian. Every quoted person is invented or
anonymous; real states and bodies appear only as places or institutions. The same seed gives the same
bytes: all randomness comes from `random.Random` seeded with strings, and nothing reads the clock.

The texts are data: `data/*.yaml` holds the outlets, speakers, calendar and one text bank per language,
`templates/*.html` the page layouts (Jinja2). This module is the logic that plans the corpus, writes each
article from the banks and renders its page.

Usage: `python -m tools.sample --out data/sample -n 180 --seed 7`
"""
from __future__ import annotations

import argparse
import csv
import html
import io
import json
import random
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import partial
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

import jinja2
import yaml

HERE = Path(__file__).resolve().parent
DATA, TEMPLATES = HERE / "data", HERE / "templates"
TODAY = date(2026, 1, 14)          # the fixed "today" of every footer widget and "Latest news" list
FIRST_DAY = date(2020, 9, 27)      # start of the 2020 war
LAST_DAY = date(2026, 1, 13)       # last article date (never "today")
DUPLICATE_SHARE = 0.05             # syndicated copies, as a share of the article pages
GENERATED_FILES = ("README.md", "manifest.csv", "statements.csv")
MIN_WORDS, MAX_WORDS = 160, 600    # article body length (at least 150 words, as asked)
LANGS = ("en", "ru", "az", "hy")
SPEAKER_SIDES = ("arm", "aze", "rus", "west")
CLAUSE_TYPES = ("statement", "concern", "threat")  # whose `indirect` is a clause ("according to X, ...")
T = TypeVar("T")


def _read(name: str, convert: Callable[[Any], T]) -> T:
    """data/<name>.yaml (dates become `date` objects) converted by `convert`; a YAML error names the file and
    line, a missing or malformed field the file."""
    path = DATA / f"{name}.yaml"
    with open(path, encoding="utf-8") as f:
        data = yaml.load(f, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    try:
        return convert(data)
    except (KeyError, IndexError, TypeError, ValueError, AttributeError) as e:
        raise ValueError(f"{path}: missing or malformed field ({type(e).__name__}: {e})") from None


def _pairs(mapping: Mapping[str, float]) -> tuple[tuple[str, float], ...]:
    """(value, weight) pairs of a YAML mapping, in file order."""
    return tuple(mapping.items())


# ---------------------------------------------------------------------------------------------------
# Outlets (data/outlets.yaml)
# ---------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Outlet:
    """A fictional outlet: identity (as in data/sources.yaml), editorial side and page conventions."""

    source: str
    host: str
    name: str
    country: str
    kind: str
    owner: str
    side: str                                   # neutral | arm | aze | rus: wording and whom it quotes
    weight: float                               # share of the original articles
    langs: tuple[tuple[str, float], ...]        # language shares within the outlet
    date_styles: tuple[tuple[str, float], ...]  # where the date sits: meta|jsonld|time|metaname|url|none
    tz: str
    urls: dict[str, str]                        # URL pattern by date style ("default" for the others)
    quote_style: str | tuple[tuple[str, float], ...] = "curly"   # quotation marks of English pages
    authors: dict[str, tuple[str, ...]] = field(default_factory=dict)
    syndicated_by: dict[str, tuple[str, ...]] = field(default_factory=dict)
    related: bool = False                       # the page shows a "Related" list
    comments: bool = False                      # the page may show readers' comments
    press_office: bool = False                  # publishes press releases opened by its own speakers


def _outlet(entry: dict) -> Outlet:
    style = entry.get("quote_style", "curly")
    return Outlet(entry["source"], entry["host"], entry["name"], entry["country"], entry["kind"], entry["owner"],
                  entry["side"], entry["weight"], _pairs(entry["languages"]), _pairs(entry["date_styles"]),
                  entry["tz"], dict(entry["urls"]), style if isinstance(style, str) else _pairs(style),
                  {lang: tuple(names) for lang, names in entry.get("authors", {}).items()},
                  {lang: tuple(names) for lang, names in entry.get("syndicated_by", {}).items()},
                  entry.get("related", False), entry.get("comments", False), entry.get("press_office", False))


def _outlets(d: dict) -> tuple[tuple[Outlet, ...], dict[str, tuple[tuple[str, float], ...]], dict[str, tuple]]:
    """The outlets, whom an outlet of each side quotes (speaker sides with shares), and the quotation marks."""
    return (tuple(_outlet(e) for e in d["outlets"]),
            {side: _pairs(shares) for side, shares in d["quoted_sides"].items()},
            {name: tuple(marks) for name, marks in d["quote_styles"].items()})


OUTLETS, SIDE_WEIGHTS, QUOTE_MARKS = _read("outlets", _outlets)
OUTLET = {o.source: o for o in OUTLETS}

# ---------------------------------------------------------------------------------------------------
# Attention over time (data/calendar.yaml)
# ---------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Calendar:
    """How attention is spread over time."""

    month_weights: dict[tuple[int, int], float]     # relative number of articles per (year, month)
    focus: dict[tuple[int, int], tuple[int, int]]   # (year, month) -> first and last day of its event
    focus_share: float                              # share of a focus month's articles on its event's days
    periods: tuple[tuple[date, str], ...]           # (first day, theme)
    fallback: dict[str, str]                        # theme -> theme to use where a language has none
    side_theme: dict[str, Any]                      # theme, share, from, during: the energy articles


def _calendar(d: dict) -> Calendar:
    return Calendar({(year, month): weight for year, months in d["month_weights"].items()
                     for month, weight in months.items()},
                    {tuple(int(x) for x in ym.split("-")): tuple(days) for ym, days in d["focus"].items()},
                    d["focus_share"], tuple((p["from"], p["theme"]) for p in d["periods"]), d["fallback"],
                    d["side_theme"])


CALENDAR = _read("calendar", _calendar)

# ---------------------------------------------------------------------------------------------------
# Content items and speakers (data/<lang>.yaml, data/speakers.yaml)
# ---------------------------------------------------------------------------------------------------


class Item(NamedTuple):
    """A lead, context or background paragraph, closing or title, and who may use it when."""

    text: str
    side: str = "any"           # any | neutral | arm | aze | rus: which outlets may use it
    start: date | None = None
    end: date | None = None


class Msg(NamedTuple):
    """Something a speaker says, directly and as reported speech."""

    sides: tuple[str, ...]      # ("any",) or the sides (arm aze rus west) that may say it
    type: str                   # appeal|concern|condemn|welcome|commit|reject|threat|statement
    direct: tuple[str, ...]     # the quote, one or more sentences, no final punctuation
    indirect: str               # en/ru: the complement of the reported verb; az/hy: a sentence with {S}
    cue: str = ""               # az/hy: the reporting verb used in `indirect`
    start: date | None = None
    end: date | None = None


def _item(entry: str | dict) -> Item:
    if isinstance(entry, str):
        return Item(entry)
    return Item(entry["text"], entry.get("side", "any"), entry.get("from"), entry.get("until"))


def _msg(entry: dict) -> Msg:
    sides, direct = entry["side"], entry["direct"]
    return Msg((sides,) if isinstance(sides, str) else tuple(sides), entry["type"],
               (direct,) if isinstance(direct, str) else tuple(direct), entry["indirect"], entry.get("cue", ""),
               entry.get("from"), entry.get("until"))


class EnForms(NamedTuple):
    name: str | None            # None: anonymous speakers and institutions
    title: str
    title_first: bool           # "Deputy Foreign Minister Arman Sargsyants" rather than "Name, title,"
    short: str | None           # surname for later mentions
    role: str                   # "the spokeswoman"


class RuForms(NamedTuple):
    intro: str
    gender: str
    short: str
    short_gender: str
    genitive: str               # for "по словам …"


class Forms(NamedTuple):
    """Azerbaijani or Armenian forms: the first mention and later ones."""

    intro: str
    short: str


class Speaker(NamedTuple):
    """An invented or anonymous speaker, or a real institution; forms per language."""

    key: str
    side: str                   # arm | aze | rus | west
    kind: str                   # person | anonymous | institution
    gender: str                 # m | f | n | pl | x (unknown: no pronoun)
    en: EnForms
    ru: RuForms | None = None
    az: Forms | None = None
    hy: Forms | None = None
    start: date | None = None
    end: date | None = None
    themes: tuple[str, ...] = ()
    outlets: tuple[str, ...] = ()   # only quoted by these outlets (empty: any)
    analyst: bool = False           # speaks for nobody: no appeals or pledges, no first-person plural


def _speaker(entry: dict) -> Speaker:
    en = entry["en"]
    return Speaker(entry["key"], entry["side"], entry["kind"], entry["gender"],
                   EnForms(en.get("name"), en["title"], en.get("title_first", False), en.get("short"), en["role"]),
                   RuForms(**entry["ru"]) if "ru" in entry else None,
                   Forms(**entry["az"]) if "az" in entry else None, Forms(**entry["hy"]) if "hy" in entry else None,
                   entry.get("from"), entry.get("until"), tuple(entry.get("themes", ())),
                   tuple(entry.get("outlets", ())), entry.get("analyst", False))


SPEAKERS: tuple[Speaker, ...] = _read("speakers", lambda d: tuple(_speaker(e) for e in d["speakers"]))


class Form(NamedTuple):
    """One way of writing a statement (the `forms` of data/<lang>.yaml)."""

    share: float
    text: tuple[str, ...] = ()      # paragraphs with {placeholders}; none for `reported` (see Pack.reported)
    cue: str = ""                   # the cue recorded when the text has no {verb}
    needs: tuple[str, ...] = ()     # conditions on the speaker and message (NEEDS)
    sep: tuple[str, ...] = ()       # separators drawn for {sep}
    verbs: tuple[str, ...] = ()     # this form's own verbs, drawn after the language's
    tails: dict[str, str] | None = None   # ru follow-up: "добавил он" … by speaker kind, else gender

    def uses(self, name: str) -> bool:
        return any("{" + name + "}" in t for t in self.text)

    def write(self, **fields: str) -> list[str]:
        return [t.format(**fields) for t in self.text]


def _form(entry: dict) -> Form:
    text = entry.get("text", ())
    return Form(entry.get("share", 0), (text,) if isinstance(text, str) else tuple(text), entry.get("cue", ""),
                tuple(entry.get("needs", ())), tuple(entry.get("sep", ())), tuple(entry.get("verbs", ())),
                entry.get("tails"))


@dataclass(frozen=True)
class Pack:
    """One language's text bank (data/<lang>.yaml)."""

    lang: str
    vocab: dict[str, dict[str, str]]            # placeholder values per side ("neutral" for sides without)
    vocab_variants: dict[str, dict[str, str]]   # per side: values used on half of its pages
    on_weekday: tuple[str, ...]                 # "on Monday" …: the {when} of an event
    months: tuple[str, ...]
    weekday_names: tuple[str, ...]
    quote_style: str | None                     # None: the outlet's
    quoted_sides: tuple[str, ...]               # whom its pages quote
    first_person: re.Pattern[str]               # what an analyst cannot say
    full_stop: str
    forms: dict[str, Form]                      # how a statement is written, in draw order
    follow_up: Form | None                      # a further quote by the same speaker (en, ru)
    verbs: dict[str, Any]                       # reporting verbs of direct quotes
    pronouns: dict[str, tuple[str | None, str]]  # en: (pronoun, was/were) per gender
    reported: dict[str, tuple]                  # reported-speech patterns per statement type
    tags: dict[str, Any]
    leads: dict[str, list[Item]]
    context: dict[str, list[Item]]
    background: list[Item]
    closings: list[Item]
    titles: dict[str, list[Item]]
    messages: dict[str, list[Msg]]
    latest_headlines: tuple[str, ...]
    comments: tuple[str, ...]

    def side_vocab(self, side: str) -> dict[str, str]:
        """The placeholder values of `side` (neutral's if it has none of its own)."""
        return self.vocab.get(side) or self.vocab.get("neutral", {})


def _themed(table: dict, make) -> dict:
    return {theme: [make(entry) for entry in entries] for theme, entries in table.items()}


def _pack(lang: str, d: dict) -> Pack:
    reported = {t: tuple(tuple(p.values()) if isinstance(p, dict) else p for p in patterns)
                for t, patterns in d.get("reported", {}).items()}
    return Pack(lang, d.get("vocab", {}), d.get("vocab_variants", {}), tuple(d["on_weekday"]),
                tuple(d.get("months", ())), tuple(d.get("weekday_names", ())), d.get("quote_style"),
                tuple(d.get("quoted_sides", SPEAKER_SIDES)), re.compile(d["first_person"]), d.get("full_stop", "."),
                {name: _form(f) for name, f in d["forms"].items()},
                _form(d["follow_up"]) if "follow_up" in d else None, d["verbs"],
                {g: tuple(p) for g, p in d.get("pronouns", {}).items()}, reported,
                d.get("tags", {}), _themed(d["leads"], _item), _themed(d["context"], _item),
                [_item(e) for e in d["background"]], [_item(e) for e in d["closings"]], _themed(d["titles"], _item),
                _themed(d["messages"], _msg), tuple(d["latest_headlines"]), tuple(d["comments"]))


PACKS: dict[str, Pack] = {lang: _read(lang, partial(_pack, lang)) for lang in LANGS}
VALMERIA: dict[str, Any] = _read("valmeria", dict)      # press releases: speakers, cities, leads, topics, titles
PAGES, COMMENTERS = _read("pages", lambda d: (tuple(d["pages"]), tuple(d["commenters"])))  # non-article pages, readers

# ---------------------------------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------------------------------


def _pick(rng: random.Random, weighted: Iterable[tuple[Any, float]]) -> Any:
    """A value drawn from (value, weight) pairs."""
    items = list(weighted)
    x = rng.random() * sum(w for _, w in items)
    for value, w in items:
        x -= w
        if x < 0:
            return value
    return items[-1][0]


def _in_window(start: date | None, end: date | None, day: date) -> bool:
    return (start is None or start <= day) and (end is None or day <= end)


def _usable(items: list[Item], side: str, day: date) -> list[Item]:
    """Items an outlet of `side` may use on `day` ('any' items always; others only for their side)."""
    return [i for i in items if i.side in ("any", side) and _in_window(i.start, i.end, day)]


def _pool(table: dict[str, list], theme: str) -> list:
    """A theme's entries, or those of its fallback theme when the language has none."""
    return table.get(theme) or table.get(CALENDAR.fallback.get(theme, ""), [])


def _cap(text: str, lang: str = "en") -> str:
    if not text:
        return text
    first = "İ" if (lang == "az" and text[0] == "i") else text[0].upper()
    return first + text[1:]


def _ru_past(stem: str, gender: str) -> str:
    """Past tense agreed with gender: заявил → заявила/заявило/заявили; отверг → отвергла…"""
    if gender in ("m", "x"):
        return stem
    base = stem if stem.endswith("л") else stem + "л"
    return base + {"f": "а", "n": "о", "pl": "и"}[gender]


_SLUG_LATIN = str.maketrans({"ə": "e", "ğ": "g", "ş": "s", "ç": "c", "ö": "o", "ü": "u", "ı": "i", "İ": "i",
                             "’": "", "'": ""})


def _slug(text: str) -> str:
    """A URL slug of at most 60 characters: Latin letters and digits; other scripts drop out."""
    s = re.sub(r"[^a-z0-9]+", "-", text.translate(_SLUG_LATIN).lower()).strip("-")
    return s[:60].rstrip("-")


def _words(paragraphs: list[str]) -> int:
    return sum(len(p.split()) for p in paragraphs)


def _fill(text: str, vocab: dict) -> str:
    return text.format_map(vocab) if "{" in text else text


# ---------------------------------------------------------------------------------------------------
# Statements
# ---------------------------------------------------------------------------------------------------

@dataclass
class Said:
    """The truth about one generated statement (written to statements.csv)."""

    speaker_key: str
    speaker: str
    speaker_kind: str
    side: str
    form: str
    statement_type: str
    cue: str
    quote: str
    said_on: date


@dataclass
class Ctx:
    """What a page's text is being built from."""

    rng: random.Random
    outlet: Outlet
    lang: str
    theme: str
    published: date
    event: date
    when: str
    vocab: dict
    marks: tuple[str, str]
    mentioned: set[str] = field(default_factory=set)
    said: list[Said] = field(default_factory=list)


NEEDS = {  # conditions a statement form may have (`needs` in data/<lang>.yaml)
    "two sentences": lambda sp, msg: len(msg.direct) > 1,
    "clause": lambda sp, msg: msg.type in CLAUSE_TYPES,
    "not a person": lambda sp, msg: sp.kind != "person",
    "an institution": lambda sp, msg: sp.kind == "institution",
}


def _draw_form(ctx: Ctx, sp: Speaker, msg: Msg) -> tuple[str, Form]:
    """A statement form of the page's language that fits the speaker and message, drawn by share."""
    forms = PACKS[ctx.lang].forms
    name = _pick(ctx.rng, [(name, f.share) for name, f in forms.items()
                           if all(NEEDS[need](sp, msg) for need in f.needs)])
    return name, forms[name]


def _record(ctx: Ctx, sp: Speaker, label: str, name: str, form: Form, msg: Msg, verb: str, quote: str) -> None:
    kind = "indirect" if name == "reported" or form.uses("clause") else "direct"
    ctx.said.append(Said(sp.key, label, sp.kind, sp.side, f"{kind}:{name}", msg.type, verb, quote, ctx.event))


def _en_forms(sp: Speaker) -> tuple[str, str]:
    """(subject form, sentence-final form) of the first mention."""
    name, title, before, _, _ = sp.en
    if name is None:
        return title, title
    if before:
        return f"{title} {name}", f"{title} {name}"
    return f"{name}, {title},", f"{name}, {title}"


def _en_ref(ctx: Ctx, sp: Speaker, allow_pronoun: bool = True) -> str:
    """A later mention: surname, role noun ('the spokeswoman') or pronoun."""
    options = [sp.en.role]
    if sp.en.short:
        options += [sp.en.short, sp.en.short]
    pron = PACKS["en"].pronouns[sp.gender][0]
    if allow_pronoun and pron:
        options.append(pron)
    return ctx.rng.choice(options)


def _en_verb(ctx: Ctx, sp: Speaker, msg: Msg) -> str:
    """The reporting verb of a direct quote: a common one, the speaker kind's or the statement type's."""
    verbs = PACKS["en"].verbs
    by_kind, by_type = verbs["by_kind"], verbs["by_type"]
    return ctx.rng.choice((*verbs["all"], by_kind.get(sp.kind, by_kind["other"]).format(outlet=ctx.outlet.name),
                           by_type.get(msg.type, by_type["other"])))


def _en_statement(ctx: Ctx, sp: Speaker, msg: Msg) -> list[str]:
    """English paragraph(s) reporting `msg` by `sp` in one of the direct or indirect forms."""
    pack, rng, (o, c) = PACKS["en"], ctx.rng, ctx.marks
    first = sp.key not in ctx.mentioned
    ctx.mentioned.add(sp.key)
    subj_first, final_first = _en_forms(sp)
    subj = subj_first if first else _en_ref(ctx, sp)
    after = subj_first if first else _en_ref(ctx, sp)
    sents = [_fill(s, pack.side_vocab(sp.side)) for s in msg.direct]
    name, form = _draw_form(ctx, sp, msg)
    clause = _fill(msg.indirect, ctx.vocab)
    if name == "reported":
        pron, was = pack.pronouns[sp.gender]
        pool = pack.reported[msg.type]
        if pron is None:
            pool = tuple(p for p in pool if "{P}" not in p[0])
        tpl, verb = rng.choice(pool)
        paras = [tpl.format(S=_cap(subj), I=clause, P=pron, WAS=was, WHEN=ctx.when)]
    else:
        verb = _en_verb(ctx, sp, msg) if form.uses("verb") else form.cue
        who = (final_first if first else _en_ref(ctx, sp, allow_pronoun=False)) if form.uses("who") else ""
        sep = rng.choice(form.sep) if form.sep else ""
        paras = form.write(o=o, c=c, quote=". ".join(sents), first=sents[0], rest=". ".join(sents[1:]),
                           Subject=_cap(subj), after=after, who=who, verb=verb, sep=sep, clause=clause)
    quote = clause if name == "reported" or form.uses("clause") else ". ".join(sents)
    _record(ctx, sp, final_first, name, form, msg, verb, quote)
    return paras


def _en_followup(ctx: Ctx, sp: Speaker, msg: Msg) -> str:
    """A further quote by the same speaker, referred to by pronoun, surname or role noun."""
    form, (o, c) = PACKS["en"].follow_up, ctx.marks
    quote = ". ".join(_fill(s, PACKS["en"].side_vocab(sp.side)) for s in msg.direct)
    paragraph = form.write(o=o, c=c, quote=quote, after=_en_ref(ctx, sp))[0]
    _record(ctx, sp, _en_forms(sp)[1], "follow_up", form, msg, form.cue, quote)
    return paragraph


def _ru_agree(text: str, gender: str) -> tuple[str, str]:
    """`text` with each {V:stem} in the past tense agreed with `gender`, and the first such verb."""
    verbs = [_ru_past(stem, gender) for stem in re.findall(r"\{V:(\w+)\}", text)]
    return re.sub(r"\{V:(\w+)\}", lambda m: _ru_past(m[1], gender), text), (verbs[0] if verbs else "")


def _ru_statement(ctx: Ctx, sp: Speaker, msg: Msg) -> list[str]:
    """Russian paragraph(s) reporting `msg`: «…», — заявил X; X заявил: «…»; reported speech; по словам X."""
    pack, rng, (o, c) = PACKS["ru"], ctx.rng, ctx.marks
    intro, g_intro, short, g_short, gen = sp.ru
    first = sp.key not in ctx.mentioned
    ctx.mentioned.add(sp.key)
    subj, g = (intro, g_intro) if first else (short, g_short)
    sents = [_fill(s, ctx.vocab) for s in msg.direct]
    name, form = _draw_form(ctx, sp, msg)
    stem = rng.choice(pack.verbs["all"])
    verb = _ru_past(pack.verbs.get("instead", {}).get(msg.type, stem), g)
    clause = _fill(msg.indirect, ctx.vocab)
    if name == "reported":
        text, verb = _ru_agree(rng.choice(pack.reported[msg.type]), g)
        paras = [_cap(text.format(S=subj, I=clause))]
    else:
        verb = verb if form.uses("verb") else form.cue
        paras = form.write(o=o, c=c, quote=". ".join(sents), first=sents[0], rest=". ".join(sents[1:]),
                           subject=subj, Subject=_cap(subj), verb=verb, genitive=gen, clause=clause)
    quote = clause if name == "reported" or form.uses("clause") else ". ".join(sents)
    _record(ctx, sp, intro, name, form, msg, verb, quote)
    return paras


def _ru_followup(ctx: Ctx, sp: Speaker, msg: Msg) -> str:
    """A further Russian quote by the same speaker («…», — добавил он)."""
    form, (o, c) = PACKS["ru"].follow_up, ctx.marks
    quote = ". ".join(_fill(s, ctx.vocab) for s in msg.direct)
    tail, _ = _ru_agree(form.tails.get(sp.kind) or form.tails[sp.gender], sp.gender)
    _record(ctx, sp, sp.ru.intro, "follow_up", form, msg, tail.split()[0], quote)
    return form.write(o=o, c=c, quote=quote, tail=tail)[0]


def _azhy_statement(ctx: Ctx, sp: Speaker, msg: Msg) -> list[str]:
    """Azerbaijani or Armenian paragraph reporting `msg` (quote first, speaker first, split, reported)."""
    lang, rng, (o, c) = ctx.lang, ctx.rng, ctx.marks
    pack = PACKS[lang]
    intro, short = getattr(sp, lang)
    first = sp.key not in ctx.mentioned
    ctx.mentioned.add(sp.key)
    subj = intro if first else short
    join = pack.full_stop + " "
    sents = list(msg.direct)
    quote = join.join(sents)
    name, form = _draw_form(ctx, sp, msg)
    verb = rng.choice(pack.verbs["all"])
    if form.verbs:
        verb = rng.choice(form.verbs)
    if name == "reported":
        sentence = _cap(msg.indirect.format(S=subj), lang)
        paras = [sentence]
        verb = msg.cue
        quote = sentence.rstrip(pack.full_stop)
    else:
        paras = form.write(o=o, c=c, quote=quote, first=sents[0], rest=join.join(sents[1:]), subject=subj,
                           Subject=_cap(subj, lang), verb=verb)
    _record(ctx, sp, intro, name, form, msg, verb, quote)
    return paras


SPEAKERS_BY = {(lang, side): [s for s in SPEAKERS if s.side == side and (lang == "en" or getattr(s, lang))]
               for lang in LANGS for side in SPEAKER_SIDES}


def _choose_speaker(ctx: Ctx, side: str, exclude: set[str]) -> Speaker | None:
    """A speaker of `side` not yet quoted in the article, active on its date and topic."""
    cands = [s for s in SPEAKERS_BY[(ctx.lang, side)] if s.key not in exclude
             and _in_window(s.start, s.end, ctx.event) and (not s.themes or ctx.theme in s.themes)
             and (not s.outlets or ctx.outlet.source in s.outlets)]
    return ctx.rng.choice(cands) if cands else None


def _choose_message(ctx: Ctx, sp: Speaker, used: set[str]) -> Msg | None:
    """Something `sp` could plausibly say on the article's theme and date, not yet used in it."""
    pack = PACKS[ctx.lang]
    msgs = [m for m in _pool(pack.messages, ctx.theme) if ("any" in m.sides or sp.side in m.sides)
            and m.direct[0] not in used and _in_window(m.start, m.end, ctx.event)
            and not (sp.analyst and (m.type not in CLAUSE_TYPES
                                     or any(pack.first_person.search(d) for d in m.direct)))]
    return ctx.rng.choice(msgs) if msgs else None


def _statement_block(ctx: Ctx, sides: tuple, forced: Speaker | None, used_msgs: set[str],
                     used_speakers: set[str]) -> list[str]:
    """One speaker's statement (sometimes with a follow-up quote); empty if nothing fits."""
    rng = ctx.rng
    for _ in range(6):
        sp = forced or _choose_speaker(ctx, _pick(rng, sides), used_speakers)
        forced = None
        if sp is None:
            continue
        msg = _choose_message(ctx, sp, used_msgs)
        if msg is None:
            continue
        used_msgs.add(msg.direct[0])
        used_speakers.add(sp.key)
        if ctx.lang == "en":
            paras = _en_statement(ctx, sp, msg)
        elif ctx.lang == "ru":
            paras = _ru_statement(ctx, sp, msg)
        else:
            return _azhy_statement(ctx, sp, msg)
        if rng.random() < 0.2:
            extra = _choose_message(ctx, sp, used_msgs)
            if extra is not None:
                used_msgs.add(extra.direct[0])
                follow = _en_followup(ctx, sp, extra) if ctx.lang == "en" else _ru_followup(ctx, sp, extra)
                if rng.random() < 0.5:
                    paras[-1] = f"{paras[-1]} {follow}"
                else:
                    paras.append(follow)
        return paras
    return []


# ---------------------------------------------------------------------------------------------------
# Articles
# ---------------------------------------------------------------------------------------------------

@dataclass
class Page:
    """One page to write, with its truth (manifest row)."""

    path: str
    source: str
    lang: str
    page_type: str              # article | about | contact | tag | search | newsletter
    url: str
    html: str = ""
    published: date | None = None
    date_style: str = "none"
    title: str = ""
    theme: str = ""
    words: int = 0
    duplicate_of: str = ""
    said: list[Said] = field(default_factory=list)


@dataclass
class Body:
    """The text of an article (shared verbatim by syndicated copies)."""

    title: str
    paragraphs: list[str]
    theme: str
    event: date
    said: list[Said]


class _Text:
    """Paragraphs with a running word count."""

    def __init__(self, paras: list[str]) -> None:
        self.paras: list[str] = []
        self.words = 0
        self.add(paras)

    def add(self, paras: list[str]) -> None:
        for p in paras:
            self.paras.append(p)
            self.words += len(p.split())


def _theme_for(day: date, rng: random.Random) -> str:
    """The theme of the period `day` falls in, or sometimes the side theme (energy) in quieter periods."""
    theme = "war"
    for start, name in CALENDAR.periods:
        if day >= start:
            theme = name
    side = CALENDAR.side_theme
    if theme in side["during"] and day >= side["from"] and rng.random() < side["share"]:
        return side["theme"]
    return theme


def _vocab(outlet: Outlet, lang: str, rng: random.Random) -> dict:
    """The placeholder values of an outlet's pages in `lang` (its side's words, sometimes a variant)."""
    pack = PACKS[lang]
    vocab = dict(pack.side_vocab(outlet.side))
    variant = pack.vocab_variants.get(outlet.side)
    if variant and rng.random() < 0.5:
        vocab.update(variant)
    return vocab


def _marks(outlet: Outlet, lang: str, rng: random.Random) -> str:
    """Quotation marks by house style: the language's outside English, else the outlet's (some mix styles)."""
    if PACKS[lang].quote_style:
        return PACKS[lang].quote_style
    if isinstance(outlet.quote_style, str):
        return outlet.quote_style
    return _pick(rng, outlet.quote_style)


def _build_body(outlet: Outlet, lang: str, published: date, rng: random.Random) -> Body:
    theme = _theme_for(published, rng)
    event = max(FIRST_DAY, published - timedelta(days=_pick(rng, ((0, 0.45), (1, 0.4), (2, 0.15)))))
    pack = PACKS[lang]
    vocab = _vocab(outlet, lang, rng)
    marks = QUOTE_MARKS[_marks(outlet, lang, rng)]
    ctx = Ctx(rng, outlet, lang, theme, published, event, pack.on_weekday[event.weekday()], dict(vocab), marks)
    ctx.vocab["when"] = ctx.when
    side = outlet.side
    if outlet.press_office:
        city = rng.choice(VALMERIA["cities"])
        topic = _fill(VALMERIA["topics"][theme], ctx.vocab)
        lead = rng.choice(VALMERIA["leads"]).format(topic=topic, city=city, when=ctx.when)
        title = rng.choice(VALMERIA["titles"]).format(topic=topic, city=city)
    else:
        lead = _fill(rng.choice(_usable(_pool(pack.leads, theme), side, published)).text, ctx.vocab)
        title = _fill(rng.choice(_usable(_pool(pack.titles, theme), side, published)).text, ctx.vocab)
    title = _cap(title, lang)
    sides = tuple((s, w) for s, w in SIDE_WEIGHTS[side] if s in pack.quoted_sides)
    ctxs = list(_usable(_pool(pack.context, theme), side, published))
    bgs = list(_usable(pack.background, side, published))
    rng.shuffle(ctxs)
    rng.shuffle(bgs)
    extras = [_fill(i.text, ctx.vocab) for i in ctxs + bgs]
    used_msgs: set[str] = set()
    used_speakers: set[str] = set()
    forced = None
    if outlet.press_office:
        key = rng.choice(VALMERIA["speakers"])
        forced = next(s for s in SPEAKERS if s.key == key)
    text = _Text([lead])
    text.add(_statement_block(ctx, sides, forced, used_msgs, used_speakers))
    if extras:
        text.add([extras.pop(0)])
    text.add(_statement_block(ctx, sides, None, used_msgs, used_speakers))
    if rng.random() < 0.6 and extras:
        text.add([extras.pop(0)])
    if rng.random() < 0.6:
        text.add(_statement_block(ctx, sides, None, used_msgs, used_speakers))
    target = rng.choice((160, 170, 180, 200, 230, 280, 350))
    while text.words < target and extras:
        text.add([extras.pop(0)])
        block = _statement_block(ctx, sides, None, used_msgs, used_speakers) if text.words < target else []
        text.add(block)
        if not block and text.words >= MIN_WORDS:
            break
    while text.words < MIN_WORDS:
        block = _statement_block(ctx, sides, None, used_msgs, used_speakers)
        if not block:
            break
        text.add(block)
    closings = [_fill(i.text, ctx.vocab) for i in _usable(pack.closings, side, published)]
    rng.shuffle(closings)
    if rng.random() < 0.7 or text.words < MIN_WORDS:
        text.add([closings.pop()])
    while text.words < 150 and closings:
        text.add([closings.pop()])
    while text.words > MAX_WORDS and len(text.paras) > 4:
        text.words -= len(text.paras.pop(-2).split())
    return Body(title, text.paras, theme, event, ctx.said)


# ---------------------------------------------------------------------------------------------------
# Dates in and around the page
# ---------------------------------------------------------------------------------------------------

def _sample_dates(n: int, rng: random.Random) -> list[date]:
    months = sorted(CALENDAR.month_weights)
    weights = [(m, CALENDAR.month_weights[m]) for m in months]
    out = []
    for _ in range(n):
        year, month = _pick(rng, weights)
        lo = max(date(year, month, 1), FIRST_DAY)
        hi = min((date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)), LAST_DAY)
        if (year, month) in CALENDAR.focus and rng.random() < CALENDAR.focus_share:
            first, last = CALENDAR.focus[(year, month)]
            lo, hi = date(year, month, first), date(year, month, last)
        out.append(lo + timedelta(days=rng.randrange((hi - lo).days + 1)))
    return sorted(out)


LATEST_DAYS = tuple(TODAY - timedelta(days=i) for i in range(26))
RELATED_OFFSETS = tuple(timedelta(days=d) for d in range(-45, 46) if d)


def _latest_dates(rng: random.Random, k: int, avoid: date) -> list[date]:
    """Dates for a "Latest news" list: recent, newest first, never the article's date."""
    return sorted(rng.sample([d for d in LATEST_DAYS if d != avoid], k), reverse=True)


def _related_dates(rng: random.Random, k: int, around: date) -> list[date]:
    """Dates for a "Related" list: near the article's date (never equal to it, never after today)."""
    days = {min(TODAY, around + off) for off in rng.sample(RELATED_OFFSETS, k)} - {around}
    return sorted(days, reverse=True)


def _fmt(day: date, style: str) -> str:
    """A date as side lists, bylines and footers print it."""
    month = PACKS["en"].months[day.month - 1]
    if style == "d Mon Y":
        return f"{day.day} {month[:3]} {day.year}"
    if style == "d Month Y":
        return f"{day.day} {month} {day.year}"
    if style == "Month d, Y":
        return f"{month} {day.day}, {day.year}"
    if style == "Mon d, Y":
        return f"{month[:3]} {day.day}, {day.year}"
    if style == "ru":
        return f"{day.day} {PACKS['ru'].months[day.month - 1]} {day.year}"
    if style == "dd/mm/Y":
        return f"{day.day:02d}/{day.month:02d}/{day.year}"
    if style == "dd.mm.Y":
        return f"{day.day:02d}.{day.month:02d}.{day.year}"
    return day.isoformat()


def _iso_time(day: date, rng: random.Random, tz: str) -> str:
    return f"{day.isoformat()}T{rng.randrange(7, 21):02d}:{rng.choice((0, 5, 15, 20, 30, 40, 45, 50)):02d}:00{tz}"


# ---------------------------------------------------------------------------------------------------
# Pages (templates/*.html)
# ---------------------------------------------------------------------------------------------------

@dataclass
class View:
    """Everything a template needs to render one page."""

    outlet: Outlet
    lang: str
    url: str
    title: str
    paragraphs: list[str]
    author: str | None
    style: str
    published: date | None
    iso: str
    latest: list[tuple[str, date]]
    related: list[tuple[str, date]]
    comments: list[tuple[str, date, str]]
    tags: list[str]
    description: str


def _jsonld(v: View, kind: str) -> str:
    """The schema.org JSON-LD of a page (with datePublished only on pages dated that way)."""
    data: dict = {"@context": "https://schema.org", "@type": kind, "headline": v.title, "inLanguage": v.lang,
                  "mainEntityOfPage": v.url}
    if v.style == "jsonld":
        data["datePublished"] = v.iso
    if v.author:
        data["author"] = {"@type": "Person", "name": v.author}
    data["publisher"] = {"@type": "Organization", "name": v.outlet.name}
    return json.dumps(data, ensure_ascii=False)


def _environment() -> jinja2.Environment:
    """The templates' environment. Escaping is explicit (filters `esc` and `attr`, as html.escape does it)
    rather than automatic, so that the pages keep their exact bytes."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=False, trim_blocks=True,
                             lstrip_blocks=True, keep_trailing_newline=True, auto_reload=False,
                             undefined=jinja2.StrictUndefined)
    env.filters.update(esc=partial(html.escape, quote=False), attr=partial(html.escape, quote=True), fmt=_fmt,
                       slug=_slug, jsonld=_jsonld, weekday=lambda day, lang: PACKS[lang].weekday_names[day.weekday()])
    env.globals["today"] = TODAY
    return env


ENV = _environment()


def _url(outlet: Outlet, lang: str, number: int, title: str, day: date, style: str) -> str:
    """The canonical URL: the outlet's pattern for the date style; Russian and Armenian pages have no slug."""
    slug = _slug(title) if lang in ("en", "az") else ""
    pattern = outlet.urls.get(style, outlet.urls["default"])
    if not slug:
        pattern = pattern.replace("-{slug}", "").replace("{slug}-", "")
    return pattern.format(host=outlet.host, lang=lang, number=number, slug=slug,
                          ymd=f"{day.year}/{day.month:02d}/{day.day:02d}")


def _tags(lang: str, theme: str) -> list[str]:
    tags = PACKS[lang].tags
    extra = tags.get(theme)
    return list(tags.get("all", [])) + ([extra] if extra else [])


def _view(outlet: Outlet, lang: str, url: str, body: Body, published: date, style: str, author: str | None,
          rng: random.Random) -> View:
    latest_pool = PACKS[lang].latest_headlines
    k = rng.randrange(5, 9)
    latest = list(zip(rng.sample(latest_pool, min(k, len(latest_pool))), _latest_dates(rng, k, published)))
    related: list[tuple[str, date]] = []
    if outlet.related:
        vocab = _vocab(outlet, lang, rng)
        titles = sorted({_cap(_fill(t.text, vocab), lang) for t in
                         _usable(_pool(PACKS[lang].titles, body.theme), outlet.side, published)} - {body.title})
        dates = _related_dates(rng, rng.randrange(2, 5), published)
        titles = rng.sample(titles, min(len(titles), len(dates))) or [rng.choice(latest_pool)]
        related = list(zip(titles, dates))
    comments: list[tuple[str, date, str]] = []
    if outlet.comments and rng.random() < 0.7:
        for _ in range(rng.randrange(1, 4)):
            d = min(TODAY, published + timedelta(days=rng.randrange(1, 20)))
            comments.append((rng.choice(COMMENTERS), d, rng.choice(PACKS[lang].comments)))
        comments.sort(key=lambda c: c[1])
    iso = _iso_time(published, rng, outlet.tz)
    desc = body.paragraphs[0][:150].rsplit(" ", 1)[0] + "…"
    return View(outlet, lang, url, body.title, body.paragraphs, author, style, published, iso, latest, related,
                comments, _tags(lang, body.theme), desc)


def _non_articles(rng: random.Random, titles: list[tuple[str, date]]) -> list[Page]:
    """The pages of data/pages.yaml (about, contact, tag index, search, newsletter): no article body."""
    out = []
    for entry in PAGES:
        lang = entry["lang"]
        latest = list(zip(rng.sample(PACKS[lang].latest_headlines, 6), _latest_dates(rng, 6, TODAY)))
        paragraphs = list(entry.get("paragraphs", ()))
        v = View(OUTLET[entry["source"]], lang, entry["url"], entry["title"], paragraphs, None, "none", None, "",
                 latest, [], [], [], entry["title"])
        doc = ENV.get_template("page.html").render(v=v, page_type=entry["type"], tagged=titles)
        out.append(Page(f"{v.outlet.source}/{entry['type']}.html", v.outlet.source, lang, entry["type"], v.url, doc,
                        title=v.title, words=_words(paragraphs)))
    return out


# ---------------------------------------------------------------------------------------------------
# Corpus plan
# ---------------------------------------------------------------------------------------------------

def _quota(total: int, weights: list[tuple[object, float]]) -> list[object]:
    """Exactly `total` values in proportion to the weights (largest remainder), in the given order."""
    wsum = sum(w for _, w in weights)
    raw = [(v, total * w / wsum) for v, w in weights]
    counts = [int(r) for _, r in raw]
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i][1] - counts[i]), i))
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return [v for (v, _), c in zip(raw, counts) for _ in range(c)]


def _plan(n_articles: int, seed: int) -> list[Page]:
    """All pages of a corpus: originals, their syndicated copies, and the non-article pages."""
    rng = random.Random(f"sample:{seed}")
    n_dup = round(n_articles * DUPLICATE_SHARE) if n_articles >= 20 else 0
    n_orig = n_articles - n_dup
    slots = _quota(n_orig, [((o.source, lang), o.weight * share) for o in OUTLETS for lang, share in o.langs])
    rng.shuffle(slots)
    dates = _sample_dates(n_orig, rng)
    pages: list[Page] = []
    bodies: list[Body] = []
    for i, ((source, lang), day) in enumerate(zip(slots, dates)):
        prng = random.Random(f"sample:{seed}:article:{i}")
        outlet = OUTLET[source]
        body = _build_body(outlet, lang, day, prng)
        pages.append(_article_page(outlet, lang, body, day, 10000 + i * 7 + prng.randrange(7), prng))
        bodies.append(body)
    eligible = [i for i, p in enumerate(pages) if p.lang in OUTLET[p.source].syndicated_by]
    for j, i in enumerate(sorted(rng.sample(eligible, min(n_dup, len(eligible))))):
        prng = random.Random(f"sample:{seed}:copy:{j}")
        orig = pages[i]
        outlet = OUTLET[prng.choice(OUTLET[orig.source].syndicated_by[orig.lang])]
        page = _article_page(outlet, orig.lang, bodies[i], orig.published, 90000 + j * 11, prng,
                             author=OUTLET[orig.source].name)
        page.duplicate_of = orig.path
        pages.append(page)
    tag_titles = [(p.title, p.published) for p in pages
                  if p.theme == "blockade" and p.source == "caucasuswire" and p.lang == "en"]
    pages += _non_articles(random.Random(f"sample:{seed}:other"), tag_titles)
    return pages


def _article_page(outlet: Outlet, lang: str, body: Body, day: date, number: int, rng: random.Random,
                  author: str | None = None) -> Page:
    style = _pick(rng, outlet.date_styles)
    if author is None and lang in outlet.authors and rng.random() < 0.9:
        author = rng.choice(outlet.authors[lang])
    url = _url(outlet, lang, number, body.title, day, style)
    view = _view(outlet, lang, url, body, day, style, author, rng)
    path = f"{outlet.source}/{number}-{_slug(body.title) or lang}.html"
    doc = ENV.get_template(f"{outlet.source}.html").render(v=view)
    return Page(path, outlet.source, lang, "article", url, doc, day, style, body.title, body.theme,
                _words(body.paragraphs), said=body.said)


# ---------------------------------------------------------------------------------------------------
# Output: pages, manifest, statements truth, README
# ---------------------------------------------------------------------------------------------------

DATE_SOURCE = {"meta": "meta", "jsonld": "meta", "time": "meta", "metaname": "meta", "url": "url", "none": "none"}


def _manifest(pages: list[Page]) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["path", "page_type", "source", "hostname", "language", "canonical_url", "published", "date_in",
                "expected_date_source", "duplicate_of", "theme", "words", "statements", "title"])
    for p in pages:
        article = p.page_type == "article"
        w.writerow([p.path, p.page_type, p.source, OUTLET[p.source].host, p.lang, p.url,
                    p.published.isoformat() if p.published else "", p.date_style if article else "",
                    DATE_SOURCE[p.date_style] if article else "", p.duplicate_of, p.theme, p.words,
                    len(p.said), p.title])
    return out.getvalue()


def _statements_csv(pages: list[Page]) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["path", "n", "speaker_key", "speaker", "speaker_kind", "speaker_side", "kind", "form",
                "statement_type", "cue", "said_on", "quote"])
    for p in pages:
        for n, s in enumerate(p.said):
            kind, form = s.form.split(":")
            w.writerow([p.path, n, s.speaker_key, s.speaker, s.speaker_kind, s.side, kind, form,
                        s.statement_type, s.cue, s.said_on.isoformat(), s.quote])
    return out.getvalue()


def _readme(pages: list[Page], n_articles: int, seed: int) -> str:
    """data/sample/README.md (templates/README.md): counts by outlet, language, year, theme, date placement."""
    arts = [p for p in pages if p.page_type == "article"]
    said = [s for p in arts for s in p.said]
    styles = Counter(p.date_style for p in arts)
    return ENV.get_template("README.md").render(
        n_articles=n_articles, seed=seed, articles=len(arts), copies=sum(bool(p.duplicate_of) for p in arts),
        statements=len(said),
        others=[(p.path, p.page_type) for p in pages if p.page_type != "article"],
        duplicates=[(p.path, p.duplicate_of) for p in arts if p.duplicate_of],
        by_outlet=sorted(Counter(f"{OUTLET[p.source].name} (`{OUTLET[p.source].host}`)" for p in arts).items()),
        by_language=sorted(Counter(p.lang for p in arts).items()),
        by_year=sorted(Counter(str(p.published.year) for p in arts).items()),
        by_theme=sorted(Counter(p.theme for p in arts).items()),
        by_date_style=[(k, styles[k]) for k in ("meta", "jsonld", "time", "metaname", "url", "none") if styles[k]],
        by_type=sorted(Counter(s.statement_type for s in said).items()),
        by_form=sorted(Counter(s.form for s in said).items()))


def _clear(out_dir: Path) -> None:
    """Remove a previous corpus from out_dir (only the generator's own files)."""
    for name in GENERATED_FILES:
        (out_dir / name).unlink(missing_ok=True)
    for outlet in OUTLETS:
        folder = out_dir / outlet.source
        if folder.is_dir():
            for old in folder.glob("*.html"):
                old.unlink()


def generate(out_dir: Path, n_articles: int = 180, seed: int = 7) -> list[Path]:
    """Write a synthetic corpus of `n_articles` article pages (plus a few non-article pages) to out_dir.

    Also writes README.md, manifest.csv and statements.csv. Returns the HTML page paths, sorted.
    Deterministic: the same arguments give byte-identical files.
    """
    if n_articles < 1:
        raise ValueError("n_articles must be at least 1")
    out_dir = Path(out_dir)
    pages = _plan(n_articles, seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    _clear(out_dir)
    written = []
    for outlet in OUTLETS:
        (out_dir / outlet.source).mkdir(exist_ok=True)
    for page in pages:
        path = out_dir / page.path
        path.write_bytes(page.html.encode("utf-8"))
        written.append(path)
    (out_dir / "manifest.csv").write_bytes(_manifest(pages).encode("utf-8"))
    (out_dir / "statements.csv").write_bytes(_statements_csv(pages).encode("utf-8"))
    (out_dir / "README.md").write_bytes(_readme(pages, n_articles, seed).encode("utf-8"))
    return sorted(written)


def main(argv: list[str] | None = None) -> int:
    """`python -m tools.sample`: write a corpus; exit status 2 on a bad argument."""
    parser = argparse.ArgumentParser(prog="python -m tools.sample", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("data/sample"), help="output folder (default data/sample)")
    parser.add_argument("-n", type=int, default=180, help="number of article pages (default 180)")
    parser.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    args = parser.parse_args(argv)
    if args.n < 1:
        parser.error("-n must be at least 1")
    paths = generate(args.out, args.n, args.seed)
    print(f"wrote {len(paths)} pages to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
