"""Outlets: read `data/sources.yaml` and map an article's hostname or site name to its source id."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

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


def load_sources(path: str | Path = DEFAULT_SOURCES) -> list[Source]:
    """Outlets listed in the sources file (an empty list if the file does not exist)."""
    path = Path(path)
    if not path.exists():
        return []
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark else ""
        raise SourcesError(f"{path}{where}: invalid YAML") from exc
    entries = data.get("sources", data) if isinstance(data, dict) else data
    if not isinstance(entries, list):
        raise SourcesError(f"{path}: expected a list of sources under 'sources:'")
    result = []
    for entry in entries:
        if not isinstance(entry, dict) or not entry.get("source"):
            raise SourcesError(f"{path}: entry {entry!r}: needs a 'source' id")
        kind = entry.get("kind") or "other"
        if kind not in SOURCE_KINDS:
            raise SourcesError(f"{path}: entry '{entry['source']}': kind must be one of {', '.join(SOURCE_KINDS)}")
        host = entry.get("hostname")
        issuer = entry.get("issuer")
        if issuer is not None and not (isinstance(issuer, str) and issuer.strip()):
            raise SourcesError(f"{path}: entry '{entry['source']}': issuer must be a taxonomy id")
        result.append(Source(source=str(entry["source"]), hostname=host.lower().removeprefix("www.") if host else None,
                             name=str(entry.get("name") or entry["source"]), country=entry.get("country"),
                             kind=kind, owner=entry.get("owner"), issuer=issuer.strip() if issuer else None))
    return result


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
