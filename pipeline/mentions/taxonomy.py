"""Load and validate the analysts' taxonomy (data/taxonomy.yaml): actors, places, themes and their aliases.

A broken file fails early with one line naming the file, the line and the entry, so an analyst can fix
it without reading a traceback; the matcher in `matcher.py` is compiled from the validated `Taxonomy`, whose
aliases carry their word forms (`forms.py`) and whose ignore list includes the outlets' own names.
"""
from __future__ import annotations

import datetime as dt
import gc
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from ..collect.sources import load_sources
from ..config import DEFAULT_SOURCES, taxonomy_path
from ..vocab import ACTOR_TYPES, TAXONOMY_SECTIONS
from .forms import WordForms

PLACE_TYPES = ("settlement", "region", "route", "crossing")
ALLOWED_KEYS = {
    "actor": {"id", "name", "type", "parent", "aliases", "roles", "note"},
    "place": {"id", "name", "type", "parent", "lat", "lon", "aliases", "note"},
    "theme": {"id", "name", "parent", "aliases", "note"},
}
ALIAS_KEYS = {"text", "case", "surname", "yields_to", "lang", "forms", "not_before", "not_after"}
ROLE_KEYS = {"title", "of", "from", "to", "note"}

_ID = re.compile(r"[a-z][a-z0-9_]*\Z")
_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?\Z")
_TITLE_SYNONYMS = {
    "spokesman": "spokesperson",
    "spokeswoman": "spokesperson",
    "press secretary": "spokesperson",
    "official representative": "spokesperson",
    "minister of foreign affairs": "foreign minister",
    "foreign affairs minister": "foreign minister",
    "foreign secretary": "foreign minister",
    "minister of defence": "defence minister",
    "minister of defense": "defence minister",
    "defense minister": "defence minister",
    "premier": "prime minister",
}


class TaxonomyError(ValueError):
    """A broken taxonomy; str(e) is one line: '<file>:<line>: entry '<id>': <problem>'."""


@dataclass(frozen=True)
class Alias:
    """One surface pattern of an entity; a trailing '*' on a word matches any word ending (stem)."""

    text: str
    case_sensitive: bool = False
    surname: bool = False           # counts only after a full (non-surname) alias of the same entity
    yields_to: str | None = None    # in an article that names this other entity, the alias means it
    lang: str | None = None
    line: int = 0
    proper: bool = False            # written with a capital (default case): matches capitalised words only
    inflect: bool = True            # take the word forms of its language (`forms: exact` turns it off)
    not_before: tuple[str, ...] = ()  # does not count right before one of these words ("Qarabağ FK")
    not_after: tuple[str, ...] = ()   # does not count right after one of these words ("North Caucasus")
    words: tuple[tuple[str, ...], ...] = ()  # the forms of each word, filled in when the taxonomy loads
    outlet: bool = False            # an outlet's name from the sources file (ignored; loses ties)


@dataclass(frozen=True)
class Role:
    """An office held by an official, e.g. spokesperson of us_state_department from/to a date."""

    title: str
    of: str | None
    start: dt.date | None
    end: dt.date | None


@dataclass
class Entity:
    """One actor, place or theme of the taxonomy."""

    id: str
    kind: str
    name: str
    type: str | None = None
    parent: str | None = None
    lat: float | None = None
    lon: float | None = None
    aliases: list[Alias] = field(default_factory=list)
    roles: list[Role] = field(default_factory=list)
    line: int = 0


# Marks that change nothing a reader sees as a different word: combining accents and stress marks
# (Лачи́нский), and Armenian emphasis, exclamation and question marks written over a vowel (Ի՞նչ).
DROPPED_MARKS = re.compile("[\u0300-\u036f\u0483-\u0489\u055b\u055c\u055e\u1ab0-\u1aff\u1dc0-\u1dff"
                           "\u20d0-\u20ff\ufe20-\ufe2f]")
_LIGATURE = re.compile("\u0587|\u0565\u0582|\u0535\u0552|\u0535\u0582")


def normalize_marks(text: str) -> str:
    """Composed letters (NFC), combining accents, stress marks and Armenian in-word marks dropped, and
    the Armenian ligature և (and its spellings եւ, ԵՒ) written as եվ. May change the length: used on
    aliases; the matcher maps text offsets itself."""
    if text.isascii():
        return text
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    text = DROPPED_MARKS.sub("", text)
    return _LIGATURE.sub(lambda m: "\u0535\u054e" if m.group()[0] == "\u0535" else "\u0565\u057e", text)


_SEPARATORS = (("-", " "), ("\u2010", " "), ("\u2011", " "), ("\u2013", " "), ("\u2014", " "), ("\xa0", " "),
               ("\u2019", "'"), ("\u2018", "'"), ("\u02bc", "'"))


def fold_separators(text: str) -> str:
    """Hyphens and dashes to spaces, no-break spaces to spaces, curly apostrophes to straight ones;
    every replacement keeps the length, so offsets stay valid."""
    for old, new in _SEPARATORS:
        if old in text:
            text = text.replace(old, new)
    return text


def fold_case(text: str) -> str:
    """Lower-case without changing length: dotted and dotless i to i, ё to е (so "İlham", "BAKI" and
    "Bakı" meet their aliases)."""
    if "İ" in text:  # the one common letter whose lower() is two code points
        text = text.replace("İ", "I")
    low = text.lower()
    if len(low) != len(text):
        low = "".join(c.lower()[:1] for c in text)
    for old, new in (("ı", "i"), ("ё", "е")):
        if old in low:
            low = low.replace(old, new)
    return low


@lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """How aliases are compared: `normalize_marks`, `fold_case`, then `fold_separators` (cached: the
    parser and the word forms fold every alias more than once)."""
    return fold_separators(fold_case(normalize_marks(text)))


def normalize_title(title: str) -> str:
    """Canonical role title: lower-case, single spaces, no leading 'the', synonyms merged."""
    t = " ".join(title.lower().replace("-", " ").split())
    if t.startswith("the "):
        t = t[4:]
    return _TITLE_SYNONYMS.get(t, t)


class Taxonomy:
    """The validated taxonomy (read-only once loaded): entities by id, phrases to ignore, and the
    file's sha256."""

    def __init__(self, path: Path, sha256: str, entities: dict[str, Entity], ignore: list[Alias],
                 outlets: list[Alias] | None = None) -> None:
        self.path = path
        self.sha256 = sha256
        self.entities = entities
        self.ignore = ignore
        self.outlets = outlets or []  # outlet names from the sources file: never a mention of anything
        self._ancestors: dict[str, tuple[str, ...]] = {}
        # (normalised title, official id, role) for `holders`, which statements call per speaker.
        self._roles = [(normalize_title(r.title), e.id, r) for e in entities.values() for r in e.roles]

    def ancestors(self, entity_id: str) -> list[str]:
        """The entity's parents, nearest first (not the entity itself)."""
        if entity_id not in self._ancestors:
            out: list[str] = []
            parent = self.entities[entity_id].parent if entity_id in self.entities else None
            while parent is not None and parent not in out:
                out.append(parent)
                parent = self.entities[parent].parent
            self._ancestors[entity_id] = tuple(out)
        return list(self._ancestors[entity_id])

    def state_of(self, entity_id: str) -> str | None:
        """The first of the entity itself and its ancestors whose type is 'state', else None."""
        if entity_id not in self.entities:
            return None
        for eid in [entity_id, *self.ancestors(entity_id)]:
            if self.entities[eid].type == "state":
                return eid
        return None

    def holders(self, title: str, on: dt.date | None, of: str | None = None) -> list[str]:
        """Officials holding a role with that title on that date (None: at any time), optionally of a
        body or state: the role's `of` is `of` itself or one of its descendants."""
        want = normalize_title(title)
        out: list[str] = []
        for norm, eid, role in self._roles:
            if norm != want or eid in out:
                continue
            if on is not None and ((role.start and on < role.start) or (role.end and on > role.end)):
                continue
            if of is not None and (role.of is None or (role.of != of and of not in self.ancestors(role.of))):
                continue
            out.append(eid)
        return out

    def entity_rows(self) -> list[dict]:
        """Rows for the `entities` table, in file order."""
        return [
            {"entity_id": e.id, "kind": e.kind, "name": e.name, "type": e.type, "parent": e.parent,
             "lat": e.lat, "lon": e.lon}
            for e in self.entities.values()
        ]


def load_taxonomy(path: str | Path | None = None, sources: str | Path | None = DEFAULT_SOURCES) -> Taxonomy:
    """Read and validate a taxonomy file (default: $TRACKER_TAXONOMY, else data/taxonomy.yaml); the
    outlet names of the `sources` file (data/sources.yaml; None: none) join the ignore list, except those
    of official outlets with an `issuer`: their name is the issuing body's own ("The White House")."""
    path = Path(path) if path is not None else taxonomy_path()
    outlets = [s.name for s in load_sources(sources) if not s.issuer] if sources is not None else []
    try:
        data = path.read_bytes()
    except OSError as e:
        raise TaxonomyError(f"{path}:0: cannot read taxonomy: {e.strerror or e}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise TaxonomyError(f"{path}:0: not UTF-8 text: {e.reason} at byte {e.start}") from None
    return parse_taxonomy(text, path, hashlib.sha256(data).hexdigest(), outlets)


def parse_taxonomy(text: str, path: str | Path = "<taxonomy>", sha256: str | None = None,
                   outlets: list[str] | tuple[str, ...] = ()) -> Taxonomy:
    """Validate taxonomy YAML text; `path` is only used in error messages and `Taxonomy.path`;
    `outlets` are names that must never count as a mention (an outlet's own name)."""
    path = Path(path)
    if sha256 is None:
        sha256 = hashlib.sha256(text.encode("utf-8")).hexdigest()
    # Building tens of thousands of small objects triggers the cyclic GC over and over; none of them
    # form cycles, so it is paused while parsing (halves the load time of a 5,000-entity file).
    enabled = gc.isenabled()
    gc.disable()
    try:
        taxonomy = _Parser(path).parse(text, sha256)
        taxonomy.outlets = [Alias(name, lang=script_language(name), outlet=True) for name in outlets if name.strip()]
        _add_word_forms(taxonomy)
        return taxonomy
    finally:
        if enabled:
            gc.enable()


def script_language(text: str) -> str:
    """A language for a name without one (an outlet's): by its script, and Azerbaijani letters."""
    if any("\u0531" <= c <= "\u0587" for c in text):
        return "hy"
    if any("\u0400" <= c <= "\u04ff" for c in text):
        return "ru"
    return "az" if any(c in "əğışçöüƏĞİŞÇÖÜ" for c in text) else "en"


def _add_word_forms(taxonomy: Taxonomy) -> None:
    """Fill in every alias's word forms (folded): by its language unless case-sensitive, a surname or
    `forms: exact`; otherwise the words as written."""
    forms = WordForms()
    inflecting = forms.languages()

    def expand(alias: Alias) -> Alias:
        words = fold(alias.text).split()
        if alias.inflect and not alias.case_sensitive and not alias.surname and alias.lang in inflecting:
            raw = " ".join(fold_separators(normalize_marks(alias.text)).split()).split(" ")
            per_word = forms.phrase(alias.lang, raw)
            words_forms = tuple(tuple(sorted({fold(f) for f in fs})) for fs in per_word)
        else:
            words_forms = tuple((w,) for w in words)
        # Filled in once, before the taxonomy is handed out (dataclasses.replace would copy 2,000 aliases).
        object.__setattr__(alias, "words", words_forms)
        return alias

    for entity in taxonomy.entities.values():
        entity.aliases = [expand(a) for a in entity.aliases]
    taxonomy.ignore = [expand(a) for a in taxonomy.ignore]
    taxonomy.outlets = [expand(a) for a in taxonomy.outlets]
    forms.save()


class _Parser:
    """Walks the YAML node tree (which keeps line numbers) and builds validated entities."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, node: yaml.Node | int, problem: str, entry: str | None = None) -> TaxonomyError:
        line = node if isinstance(node, int) else node.start_mark.line + 1
        where = f"entry '{entry}': " if entry else ""
        return TaxonomyError(" ".join(f"{self.path}:{line}: {where}{problem}".split()))

    def parse(self, text: str, sha256: str) -> Taxonomy:
        try:
            # BaseLoader: no implicit typing, every scalar stays the text the analyst wrote ("NO" is
            # not False, dates are not parsed); node marks keep the line numbers.
            root = yaml.compose(text, Loader=getattr(yaml, "CBaseLoader", yaml.BaseLoader))
        except yaml.YAMLError as e:
            mark = getattr(e, "problem_mark", None) or getattr(e, "context_mark", None)
            line = mark.line + 1 if mark else 0
            problem = getattr(e, "problem", None) or str(e)
            raise self.fail(line, f"invalid YAML: {problem}") from None
        if root is None:
            raise self.fail(1, "the taxonomy is empty")
        sections = self.mapping(root, None, "the top level")
        entities: dict[str, Entity] = {}
        raw: list[tuple[Entity, dict[str, yaml.Node], yaml.Node]] = []
        ignore: list[Alias] = []
        for key, node in sections.items():
            if key == "ignore":
                ignore = self.aliases(node, None)
                continue
            if key not in TAXONOMY_SECTIONS:
                raise self.fail(node, f"unknown section '{key}' (expected actors, places, themes or ignore)")
            if isinstance(node, yaml.ScalarNode) and node.value.strip() in ("", "~", "null"):
                continue  # an empty section
            if not isinstance(node, yaml.SequenceNode):
                raise self.fail(node, f"section '{key}' must be a list of entries")
            for item in node.value:
                ent, fields = self.entity(item, TAXONOMY_SECTIONS[key])
                if ent.id in entities:
                    first = entities[ent.id].line
                    raise self.fail(item, f"duplicate id (first defined on line {first})", ent.id)
                entities[ent.id] = ent
                raw.append((ent, fields, item))
        for ent, fields, item in raw:
            self.link(ent, fields, entities)
        self.check_cycles(entities)
        self.check_alias_clashes(entities, ignore)
        return Taxonomy(self.path, sha256, entities, ignore)

    def mapping(self, node: yaml.Node, entry: str | None, what: str) -> dict[str, yaml.Node]:
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(node, f"{what} must be a mapping of keys to values", entry)
        out: dict[str, yaml.Node] = {}
        for knode, vnode in node.value:
            key = self.scalar(knode, entry, "a key")
            if key in out:
                raise self.fail(knode, f"key '{key}' appears twice", entry)
            out[key] = vnode
        return out

    def scalar(self, node: yaml.Node, entry: str | None, what: str) -> str:
        if not isinstance(node, yaml.ScalarNode):
            raise self.fail(node, f"{what} must be a single value, not a list or mapping", entry)
        return node.value.strip()

    def flag(self, node: yaml.Node, entry: str | None, key: str) -> bool:
        value = self.scalar(node, entry, key).lower()
        if value in ("true", "yes"):
            return True
        if value in ("false", "no"):
            return False
        raise self.fail(node, f"'{key}' must be true or false, not '{value}'", entry)

    def entity(self, node: yaml.Node, kind: str) -> tuple[Entity, dict[str, yaml.Node]]:
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(node, f"each {kind} must be a mapping with at least id and name")
        id_node = dict((k.value, v) for k, v in node.value if isinstance(k, yaml.ScalarNode)).get("id")
        if id_node is None:
            raise self.fail(node, f"{kind} without an 'id'")
        eid = self.scalar(id_node, None, "id")
        if not _ID.match(eid):
            raise self.fail(id_node, "id must be lower-case letters, digits and _, starting with a letter", eid)
        fields = self.mapping(node, eid, kind)
        unknown = sorted(set(fields) - ALLOWED_KEYS[kind])
        if unknown:
            raise self.fail(fields[unknown[0]], f"unknown key '{unknown[0]}' for {kind}s "
                                                f"(allowed: {', '.join(sorted(ALLOWED_KEYS[kind]))})", eid)
        if "name" not in fields or not self.scalar(fields["name"], eid, "name"):
            raise self.fail(node, "missing or empty 'name'", eid)
        ent = Entity(id=eid, kind=kind, name=self.scalar(fields["name"], eid, "name"), line=node.start_mark.line + 1)
        if kind == "actor":
            if "type" not in fields:
                raise self.fail(node, f"missing 'type' (one of: {', '.join(ACTOR_TYPES)})", eid)
            ent.type = self.scalar(fields["type"], eid, "type")
            if ent.type not in ACTOR_TYPES:
                raise self.fail(fields["type"], f"unknown type '{ent.type}' (one of: {', '.join(ACTOR_TYPES)})", eid)
        elif kind == "place":
            if "type" in fields:
                ent.type = self.scalar(fields["type"], eid, "type")
                if ent.type not in PLACE_TYPES:
                    raise self.fail(fields["type"], f"unknown place type '{ent.type}' "
                                                    f"(one of: {', '.join(PLACE_TYPES)})", eid)
            for key, lo, hi in (("lat", -90.0, 90.0), ("lon", -180.0, 180.0)):
                if key not in fields:
                    raise self.fail(node, f"missing '{key}' (places need coordinates)", eid)
                raw = self.scalar(fields[key], eid, key)
                try:
                    value = float(raw)
                except ValueError:
                    raise self.fail(fields[key], f"'{key}' must be a number, not '{raw}'", eid) from None
                if not lo <= value <= hi:
                    raise self.fail(fields[key], f"'{key}' {raw} is out of range [{lo:g}, {hi:g}]", eid)
                setattr(ent, key, value)
        if "aliases" in fields:
            ent.aliases = self.aliases(fields["aliases"], eid)
        if "roles" in fields:
            if ent.type != "official":
                raise self.fail(fields["roles"], "only officials have roles", eid)
            ent.roles = self.roles(fields["roles"], eid)
        return ent, fields

    def aliases(self, node: yaml.Node, entry: str | None) -> list[Alias]:
        """A list of aliases, or a mapping language -> list of aliases."""
        if isinstance(node, yaml.MappingNode):
            out: list[Alias] = []
            for lang, items in self.mapping(node, entry, "aliases").items():
                if not re.fullmatch(r"[a-z]{2,3}", lang):
                    raise self.fail(node, f"alias language '{lang}' must be a 2-3 letter code like en, ru, az, hy",
                                    entry)
                out.extend(self.alias_list(items, entry, lang))
            return out
        return self.alias_list(node, entry, None)

    def alias_list(self, node: yaml.Node, entry: str | None, lang: str | None) -> list[Alias]:
        if not isinstance(node, yaml.SequenceNode):
            raise self.fail(node, "aliases must be a list (or a mapping of language to lists)", entry)
        return [self.alias(item, entry, lang) for item in node.value]

    def alias(self, node: yaml.Node, entry: str | None, lang: str | None) -> Alias:
        case_sensitive = surname = insensitive = False
        inflect = True
        yields_to = None
        context: dict[str, tuple[str, ...]] = {}
        if isinstance(node, yaml.MappingNode):
            fields = self.mapping(node, entry, "an alias")
            unknown = sorted(set(fields) - ALIAS_KEYS)
            if unknown:
                raise self.fail(fields[unknown[0]], f"unknown alias option '{unknown[0]}' "
                                                    f"(allowed: {', '.join(sorted(ALIAS_KEYS))})", entry)
            if "text" not in fields:
                raise self.fail(node, "alias without 'text'", entry)
            text = self.scalar(fields["text"], entry, "alias text")
            surname = self.flag(fields["surname"], entry, "surname") if "surname" in fields else False
            case_sensitive = surname
            if "case" in fields:
                case = self.scalar(fields["case"], entry, "case")
                if case not in ("sensitive", "insensitive"):
                    raise self.fail(fields["case"], f"'case' must be sensitive or insensitive, not '{case}'", entry)
                case_sensitive = case == "sensitive"
                insensitive = case == "insensitive"
            if "forms" in fields:
                value = self.scalar(fields["forms"], entry, "forms")
                if value not in ("inflect", "exact"):
                    raise self.fail(fields["forms"], f"'forms' must be inflect or exact, not '{value}'", entry)
                inflect = value == "inflect"
            for key in ("not_before", "not_after"):
                if key in fields:
                    context[key] = self.context_words(fields[key], entry, key)
            if "yields_to" in fields:
                yields_to = self.scalar(fields["yields_to"], entry, "yields_to")
            if "lang" in fields:
                lang = self.scalar(fields["lang"], entry, "lang")
        else:
            text = self.scalar(node, entry, "an alias")
        text = " ".join(text.split())
        if not text.replace("*", "").strip():
            raise self.fail(node, "empty alias", entry)
        for word in text.split(" "):
            if "*" in word.rstrip("*") or word.count("*") > 1 or word == "*":
                raise self.fail(node, f"alias '{text}': '*' may only end a word, once, after at least one letter",
                                entry)
        if surname and " " in text:
            raise self.fail(node, f"surname alias '{text}' must be a single word", entry)
        proper = not case_sensitive and not insensitive and text[:1].isupper()
        return Alias(text, case_sensitive, surname, yields_to, lang, node.start_mark.line + 1, proper=proper,
                     inflect=inflect, not_before=context.get("not_before", ()), not_after=context.get("not_after", ()))

    def context_words(self, node: yaml.Node, entry: str | None, key: str) -> tuple[str, ...]:
        """The words of `not_before` / `not_after`: a list of words or short phrases, '*' ending a stem."""
        if isinstance(node, yaml.ScalarNode):
            items = [node]
        elif isinstance(node, yaml.SequenceNode):
            items = node.value
        else:
            raise self.fail(node, f"'{key}' must be a list of words", entry)
        out = []
        for item in items:
            word = " ".join(self.scalar(item, entry, f"a word of '{key}'").split())
            if not word.replace("*", "").strip():
                raise self.fail(item, f"empty word in '{key}'", entry)
            if any("*" in w.rstrip("*") or w.count("*") > 1 for w in word.split(" ")):
                raise self.fail(item, f"'{key}' word '{word}': '*' may only end a word, once", entry)
            out.append(word)
        if not out:
            raise self.fail(node, f"'{key}' is empty (leave it out instead)", entry)
        return tuple(out)

    def roles(self, node: yaml.Node, entry: str) -> list[Role]:
        if not isinstance(node, yaml.SequenceNode):
            raise self.fail(node, "roles must be a list", entry)
        out = []
        for item in node.value:
            fields = self.mapping(item, entry, "a role")
            unknown = sorted(set(fields) - ROLE_KEYS)
            if unknown:
                raise self.fail(fields[unknown[0]], f"unknown role key '{unknown[0]}' "
                                                    f"(allowed: {', '.join(sorted(ROLE_KEYS))})", entry)
            title = self.scalar(fields["title"], entry, "title") if "title" in fields else ""
            if not title:
                raise self.fail(item, "role without a 'title'", entry)
            of = self.scalar(fields["of"], entry, "of") if "of" in fields else None
            start = self.date(fields["from"], entry, "from", first=True) if "from" in fields else None
            end = self.date(fields["to"], entry, "to", first=False) if "to" in fields else None
            if start and end and end < start:
                raise self.fail(item, f"role '{title}' ends ({end}) before it starts ({start})", entry)
            out.append(Role(title, of or None, start, end))
        return out

    def date(self, node: yaml.Node, entry: str, key: str, first: bool) -> dt.date | None:
        """YYYY, YYYY-MM or YYYY-MM-DD; a partial `from` means its first day, a partial `to` its last."""
        raw = self.scalar(node, entry, key)
        if raw in ("", "~", "null"):
            return None
        m = _DATE.match(raw)
        try:
            if not m:
                raise ValueError
            year, month, day = int(m[1]), int(m[2] or (1 if first else 12)), m[3]
            if day is None:
                if first:
                    return dt.date(year, month, 1)
                nxt = dt.date(year + month // 12, month % 12 + 1, 1)
                return nxt - dt.timedelta(days=1)
            return dt.date(year, month, int(day))
        except ValueError:
            raise self.fail(node, f"'{key}' date '{raw}' is not a valid YYYY-MM-DD (or YYYY-MM, YYYY) date",
                            entry) from None

    def link(self, ent: Entity, fields: dict[str, yaml.Node], entities: dict[str, Entity]) -> None:
        """Check references to other entries: parent, role targets, yields_to."""
        if "parent" in fields:
            parent = self.scalar(fields["parent"], ent.id, "parent") or None
            if parent is not None and parent not in entities:
                raise self.fail(fields["parent"], f"parent refers to unknown id '{parent}'", ent.id)
            if parent == ent.id:
                raise self.fail(fields["parent"], "an entry cannot be its own parent", ent.id)
            ent.parent = parent
        if "roles" in fields:
            for role, item in zip(ent.roles, fields["roles"].value):
                if role.of is not None and role.of not in entities:
                    of_node = self.mapping(item, ent.id, "a role")["of"]
                    raise self.fail(of_node, f"role 'of' refers to unknown id '{role.of}'", ent.id)
        for alias in ent.aliases:
            if alias.yields_to is not None and alias.yields_to not in entities:
                raise self.fail(alias.line, f"alias '{alias.text}': yields_to refers to unknown id "
                                            f"'{alias.yields_to}'", ent.id)
            if alias.yields_to == ent.id:
                raise self.fail(alias.line, f"alias '{alias.text}' yields to its own entry", ent.id)

    def check_cycles(self, entities: dict[str, Entity]) -> None:
        for ent in entities.values():
            seen = {ent.id}
            parent = ent.parent
            while parent is not None:
                if parent in seen:
                    raise self.fail(ent.line, f"parent chain loops back through '{parent}'", ent.id)
                seen.add(parent)
                parent = entities[parent].parent

    def check_alias_clashes(self, entities: dict[str, Entity], ignore: list[Alias]) -> None:
        """An alias may not point at two entries, whatever the case (surname-only aliases excepted: the
        most recent full name decides), nor appear twice in one entry."""
        seen: dict[str, list[tuple[str | None, Alias]]] = {}
        for eid, alias in [(None, a) for a in ignore] + [(e.id, a) for e in entities.values() for a in e.aliases]:
            key = fold(alias.text)
            for other_id, other in seen.get(key, []):
                if other_id == eid:
                    # The same name under two languages takes the word forms of both ("Iran", "İran").
                    if alias.lang != other.lang and alias.inflect and other.inflect:
                        continue
                    if alias.text == other.text or not (alias.case_sensitive or other.case_sensitive):
                        raise self.fail(alias.line, f"alias '{alias.text}' is listed twice "
                                                    f"(also on line {other.line})", eid)
                elif not (alias.surname and other.surname) and not _disjoint(alias, other):
                    owner = f"entry '{other_id}'" if other_id else "the ignore list"
                    raise self.fail(alias.line, f"alias '{alias.text}' is already used by {owner} "
                                                f"(line {other.line})", eid)
            seen.setdefault(key, []).append((eid, alias))


def _disjoint(a: Alias, b: Alias) -> bool:
    """True when two aliases that fold alike can never match the same text: a case-sensitive alias
    written in lower case against one that needs a capital ("qazax" the people, "Qazax" the town), or
    two case-sensitive aliases spelled differently."""
    def lower_exact(x: Alias) -> bool:
        return x.case_sensitive and x.text[:1].islower()

    def capital(x: Alias) -> bool:
        return x.proper or (x.case_sensitive and x.text[:1].isupper())

    if a.case_sensitive and b.case_sensitive:
        return a.text != b.text
    return (lower_exact(a) and capital(b)) or (lower_exact(b) and capital(a))
