"""The sidebar's filters (`Filters`) and their URL form: one object for every view and export."""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence


@dataclasses.dataclass
class Filters:
    """The sidebar's filters; URL keys (repeat a key for several values, dates as YYYY-MM-DD):

    from, to        published date range (inclusive); statements: the date said, else published
    actor, place, theme   entity ids: articles mentioning any of them (statements: in those articles)
    source          source keys (articles.source)
    kind, country   sources.kind / sources.country
    lang            article languages (ISO 639-1)
    q               text search
    Statements only ("said by" × "about"):
    speaker         speakers: entity ids, speaker keys (statements.speaker_key) or raw speaker names
    by_state        the speaker's state (statements.speaker_state_id)
    speaker_type    the speaker's type (vocab.SPEAKER_TYPES)
    genre           the genre of the statement's article (vocab.GENRES)
    about           entity ids the statement is about (mentioned in it or in its sentence; never its
                    own speaker's side)
    type            statement types
    Values of one key are OR-ed, different keys AND-ed.
    View keys kept by the dashboard next to these (ignored here): gran (day|week|month),
    measure (articles|share|mentions), page, entity (wording), article (reader).
    """

    start: dt.date | None = None
    end: dt.date | None = None
    actors: list[str] = dataclasses.field(default_factory=list)
    places: list[str] = dataclasses.field(default_factory=list)
    themes: list[str] = dataclasses.field(default_factory=list)
    sources: list[str] = dataclasses.field(default_factory=list)
    kinds: list[str] = dataclasses.field(default_factory=list)
    countries: list[str] = dataclasses.field(default_factory=list)
    speakers: list[str] = dataclasses.field(default_factory=list)
    types: list[str] = dataclasses.field(default_factory=list)
    languages: list[str] = dataclasses.field(default_factory=list)
    q: str = ""
    by_states: list[str] = dataclasses.field(default_factory=list)
    speaker_types: list[str] = dataclasses.field(default_factory=list)
    genres: list[str] = dataclasses.field(default_factory=list)
    about: list[str] = dataclasses.field(default_factory=list)

    def entity_ids(self) -> list[str]:
        """Chosen actors, places and themes in that order, without repeats."""
        return list(dict.fromkeys([*self.actors, *self.places, *self.themes]))

    def said_by_about(self) -> bool:
        """True when a statements-only filter is set (speaker, its state or type, genre, about, type)."""
        return any(getattr(self, attr) for attr in STATEMENT_KEYS.values())

    def to_query_params(self) -> dict[str, str | list[str]]:
        """The filters as URL query parameters (only the keys that are set)."""
        out: dict[str, str | list[str]] = {}
        if self.start:
            out["from"] = self.start.isoformat()
        if self.end:
            out["to"] = self.end.isoformat()
        for key, attr in _LIST_KEYS.items():
            values = getattr(self, attr)
            if values:
                out[key] = list(values)
        if self.q.strip():
            out["q"] = self.q.strip()
        return out

    @classmethod
    def from_query_params(cls, mapping: Mapping[str, str | Sequence[str]]) -> Filters:
        """Filters from URL query parameters; unknown keys and malformed dates are ignored."""
        def values(key: str) -> list[str]:
            raw = mapping.get(key)
            if raw is None:
                return []
            items = [raw] if isinstance(raw, str) else list(raw)
            return list(dict.fromkeys(v.strip() for v in items if v and v.strip()))

        def day(key: str) -> dt.date | None:
            for v in values(key):
                try:
                    return dt.date.fromisoformat(v)
                except ValueError:
                    return None
            return None

        q = values("q")
        return cls(start=day("from"), end=day("to"), q=q[0] if q else "",
                   **{attr: values(key) for key, attr in _LIST_KEYS.items()})


# URL key -> attribute of the filters that apply to statements only
STATEMENT_KEYS = {
    "speaker": "speakers", "by_state": "by_states", "speaker_type": "speaker_types", "genre": "genres",
    "about": "about", "type": "types",
}
_LIST_KEYS = {
    "actor": "actors", "place": "places", "theme": "themes", "source": "sources", "kind": "kinds",
    "country": "countries", "lang": "languages", **STATEMENT_KEYS,
}
