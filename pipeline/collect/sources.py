"""Outlets: read `data/sources.yaml` and map an article's hostname or site name to its source id.

The file is read within bounds (size, YAML aliases) so a hostile or broken file fails in one line
instead of expanding into gigabytes ("billion laughs"); messages never print whole entries.
"""
from __future__ import annotations

import reprlib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from ..config import DEFAULT_SOURCES
from ..vocab import SOURCE_KINDS


class SourcesError(ValueError):
    """A broken sources file; the message is one line naming the file and the entry."""


@dataclass(frozen=True)
class Source:
    source: str
    hostname: str | None
    name: str
    country: str | None
    kind: str
    owner: str | None
    issuer: str | None = None   # taxonomy id of the body whose own pages these are (their releases' issuer)
    feeds: tuple[str, ...] = ()      # RSS/Atom feeds `watch` polls for new pages
    sitemaps: tuple[str, ...] = ()   # sitemaps `watch` polls for new pages
    poll_minutes: float = 0.0        # minutes between polls of each feed and sitemap (DEFAULT_POLL_MINUTES when 0)

    @property
    def poll_every(self) -> float:
        """Minutes between two polls of this source's feeds and sitemaps."""
        return self.poll_minutes or DEFAULT_POLL_MINUTES


MAX_BYTES = 5_000_000
DEFAULT_POLL_MINUTES = 30.0
MAX_POLL_MINUTES = 7 * 24 * 60  # a week
MAX_POLLED = 100  # feeds plus sitemaps of one source
MAX_ALIASES = 100  # YAML aliases (*name); a sources file needs few or none
MAX_EXPANDED = 100_000  # nodes the aliases may stand for in all (aliases of aliases multiply)
_SHORT = reprlib.Repr()
_SHORT.maxstring = _SHORT.maxother = 60
_SHORT.maxlist = _SHORT.maxdict = 4
_SHORT.maxlevel = 2


class _BoundedLoader(yaml.SafeLoader):
    """SafeLoader that refuses more than MAX_ALIASES aliases, or aliases standing for more than
    MAX_EXPANDED nodes in all, before anything is constructed (the "billion laughs" defence)."""

    def __init__(self, text: str, name: str) -> None:
        super().__init__(text)
        self.name = name
        self.aliases = self.expanded = 0
        self._sizes: dict[int, int] = {}

    def _size(self, node: yaml.Node) -> int:
        if id(node) not in self._sizes:
            children = node.value if isinstance(node, yaml.SequenceNode) else (
                [n for pair in node.value for n in pair] if isinstance(node, yaml.MappingNode) else [])
            self._sizes[id(node)] = 1 + sum(self._size(child) for child in children)
        return self._sizes[id(node)]

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            self.aliases += 1
            target = self.anchors.get(event.anchor)
            self.expanded += self._size(target) if target is not None else 0
            if self.aliases > MAX_ALIASES or self.expanded > MAX_EXPANDED:
                raise SourcesError(f"{self.name}:{event.start_mark.line + 1}: YAML aliases (*{event.anchor}) expand "
                                   f"past the limit ({MAX_ALIASES} aliases, {MAX_EXPANDED:,} nodes); "
                                   "write the entries out instead")
        return super().compose_node(parent, index)


def _read(path: Path) -> object:
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise SourcesError(f"{path}: {size:,} bytes, larger than the {MAX_BYTES:,}-byte limit for a sources file")
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise SourcesError(f"{path}:{line}: not UTF-8 text (byte 0x{data[exc.start]:02x}); "
                           "save the file as UTF-8") from exc
    loader = _BoundedLoader(text, str(path))
    try:
        return loader.get_single_data()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark else ""
        raise SourcesError(f"{path}{where}: invalid YAML ({getattr(exc, 'problem', None) or 'unreadable'})") from exc
    finally:
        loader.dispose()


def load_sources(path: str | Path = DEFAULT_SOURCES) -> list[Source]:
    """Outlets listed in the sources file (an empty list if the file does not exist)."""
    path = Path(path)
    if not path.exists():
        return []
    if path.is_dir():
        raise SourcesError(f"{path}: is a folder, not a sources file")
    data = _read(path) or {}
    entries = data.get("sources", data) if isinstance(data, dict) else data
    if not isinstance(entries, list):
        raise SourcesError(f"{path}: expected a list of sources under 'sources:'")
    result = []
    polled: dict[str, str] = {}  # feed or sitemap URL -> the entry that lists it
    for entry in entries:
        if not isinstance(entry, dict) or not entry.get("source"):
            raise SourcesError(f"{path}: entry {_SHORT.repr(entry)}: needs a 'source' id")
        for key in ("source", "hostname", "name", "country", "kind", "owner"):
            if isinstance(entry.get(key), (list, dict)):
                raise SourcesError(f"{path}: entry {_SHORT.repr(entry.get('source'))}: '{key}' must be a single value")
        kind = entry.get("kind") or "other"
        if kind not in SOURCE_KINDS:
            raise SourcesError(f"{path}: entry {_SHORT.repr(entry['source'])}: kind must be one of "
                               f"{', '.join(SOURCE_KINDS)}")
        host = entry.get("hostname")
        issuer = entry.get("issuer")
        if issuer is not None and not (isinstance(issuer, str) and issuer.strip()):
            raise SourcesError(f"{path}: entry '{entry['source']}': issuer must be a taxonomy id")
        where = f"{path}: entry '{entry['source']}'"
        feeds, sitemaps = _urls(entry, "feeds", where), _urls(entry, "sitemaps", where)
        for url in (*feeds, *sitemaps):
            if url in polled:
                raise SourcesError(f"{where}: {_SHORT.repr(url)} is already polled for entry '{polled[url]}'; "
                                   "list each feed or sitemap once")
            polled[url] = str(entry["source"])
        result.append(Source(source=str(entry["source"]), hostname=host.lower().removeprefix("www.") if host else None,
                             name=str(entry.get("name") or entry["source"]), country=entry.get("country"),
                             kind=kind, owner=entry.get("owner"), issuer=issuer.strip() if issuer else None,
                             feeds=feeds, sitemaps=sitemaps, poll_minutes=_poll_minutes(entry, where)))
    return result


def _urls(entry: dict, key: str, where: str) -> tuple[str, ...]:
    """The http(s) URLs listed under `key` (feeds, sitemaps), in order, each once."""
    value = entry.get(key)
    if value is None:
        return ()
    if not isinstance(value, list):
        raise SourcesError(f"{where}: '{key}' must be a list of http(s) URLs (write `{key}: [https://…]`)")
    if len(value) > MAX_POLLED:
        raise SourcesError(f"{where}: '{key}' lists {len(value):,} URLs; at most {MAX_POLLED} per source")
    urls: dict[str, None] = {}
    for url in value:
        text = url.strip() if isinstance(url, str) else ""
        parts = urlsplit(text)
        if parts.scheme.lower() not in ("http", "https") or not parts.netloc or any(c.isspace() for c in text):
            raise SourcesError(f"{where}: '{key}' entry {_SHORT.repr(url)} is not an http(s) URL")
        urls[text] = None
    return tuple(urls)


def _poll_minutes(entry: dict, where: str) -> float:
    value = entry.get("poll_minutes")
    if value is None:
        return 0.0
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= MAX_POLL_MINUTES:
        raise SourcesError(f"{where}: poll_minutes must be a number of minutes above 0 and at most "
                           f"{MAX_POLL_MINUTES:,} (a week), not {_SHORT.repr(value)}")
    return float(value)


def check_issuers(sources: list[Source], entity_ids: set[str] | dict, path: str | Path = DEFAULT_SOURCES) -> None:
    """Every `issuer` names a taxonomy entry; raises SourcesError (one line naming the entry) otherwise."""
    for src in sources:
        if src.issuer and src.issuer not in entity_ids:
            raise SourcesError(f"{path}: entry '{src.source}': issuer '{src.issuer}' is not an id in the taxonomy")


class SourceResolver:
    """Finds the source id for a hostname (exact or parent domain), else falls back to the hostname."""

    def __init__(self, sources: list[Source]) -> None:
        self.by_host = {s.hostname: s.source for s in sources if s.hostname}
        self.by_id = {s.source: s for s in sources}

    def source(self, source_id: str | None) -> Source | None:
        """The listed source with this id (None for an unlisted outlet)."""
        return self.by_id.get(source_id) if source_id else None

    def resolve(self, hostname: str | None, sitename: str | None = None) -> str:
        host = (hostname or "").lower().removeprefix("www.")
        parts = host.split(".")
        for i in range(len(parts) - 1):
            found = self.by_host.get(".".join(parts[i:]))
            if found:
                return found
        return host or (sitename or "unknown").strip().lower()
