"""Text → derived rows: the article's genre, sentences, mentions, statements and statement mentions.

Shared by ingest (as pages land) and retag (from stored text), so both build identical rows. The genre
and the statements depend on the article's title, byline and source (its kind and issuer in
data/sources.yaml), which both pass in.
"""
from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .. import config
from ..collect.sources import Source, SourceResolver, load_sources
from ..config import DEFAULT_SOURCES
from ..mentions.matcher import Tagger
from ..mentions.sentences import split_sentences
from ..mentions.taxonomy import Taxonomy, load_taxonomy
from ..statements import DocInfo, code_fingerprint, document_genre, extract_document


def statement_id(article_id: str, char_start: int, char_end: int) -> str:
    """Deterministic statement id: the same span of the same article keeps its id across retags."""
    return hashlib.sha1(f"{article_id}:{char_start}:{char_end}".encode()).hexdigest()[:16]


def statements_fingerprint(taxonomy: Taxonomy, sources: list[Source] | None = None) -> str:
    """What statements depend on besides text and mentions: the statements package's files (code and
    cue data, `statements.code_fingerprint`), the taxonomy's actors without their aliases (names,
    types, parents, roles), and the sources' kinds and issuers (an official source's pages are
    releases). Places and themes reach statements only through an article's mentions and their kind,
    which `mentions_digest` covers, so adding a theme re-extracts only the articles that mention it.
    Same fingerprint and same mentions mean the stored statements of an article are still right, so
    retag can keep them."""
    digest = hashlib.sha256(code_fingerprint().encode())
    for entity in sorted((e for e in taxonomy.entities.values() if e.kind == "actor"), key=lambda e: e.id):
        roles = [(r.title, r.of, str(r.start), str(r.end)) for r in entity.roles]
        digest.update(json.dumps([entity.id, entity.kind, entity.name, entity.type, entity.parent, roles]).encode())
    for src in sorted(sources or [], key=lambda s: s.source):
        digest.update(json.dumps([src.source, src.hostname, src.kind, src.issuer]).encode())
    return digest.hexdigest()


@dataclass
class Derived:
    """What one article gives: its genre and the rows of the derived tables (statement tables None when
    the stored ones still stand)."""

    genre: str
    tables: dict[str, list[dict] | None] = field(default_factory=dict)


class Analyser:
    """Holds the compiled matcher and the sources; build one per process and reuse it for every article."""

    def __init__(self, taxonomy: Taxonomy, sources: list[Source] | None = None) -> None:
        self.taxonomy = taxonomy
        self.tagger = Tagger(taxonomy)
        self.resolver = SourceResolver(sources or [])

    def source(self, hostname: str | None, sitename: str | None = None) -> str:
        """The source id of a page (as the ingest writer stores it)."""
        return self.resolver.resolve(hostname, sitename)

    def analyse(self, article_id: str, text: str, published: dt.date | None, previous: str | None = None, *,
                title: str | None = None, author: str | None = None, source: str | None = None,
                hostname: str | None = None) -> Derived:
        """The genre and the rows for the sentences, mentions, statements and statement_mentions tables.

        `previous` (retag under an unchanged statements fingerprint) is the `mentions_digest` of the
        article's stored mentions: when the new mentions give the same digest, the stored statements
        still stand, so none are extracted and the statement tables come back as None (the caller
        keeps the stored rows).
        """
        listed = self.resolver.source(source) or self.resolver.source(self.resolver.resolve(hostname))
        info = DocInfo(title, author, listed)   # a site listed since the article was stored counts too
        sentences = split_sentences(text)
        mentions = self.tagger.tag(text, sentences)
        kinds = self.taxonomy.entities
        if previous is not None and previous == mentions_digest(
                (m.entity_id, kinds[m.entity_id].kind if m.entity_id in kinds else "", m.char_start, m.char_end)
                for m in mentions):
            statements, genre = None, document_genre(text, info)
        else:
            extraction = extract_document(text, published, self.taxonomy, sentences, mentions, info)
            statements, genre = extraction.statements, extraction.genre
        out: dict[str, list[dict] | None] = {
            "sentences": [
                {"article_id": article_id, "sentence_no": i, "char_start": s, "char_end": e}
                for i, (s, e) in enumerate(sentences)
            ],
            "mentions": [
                {"article_id": article_id, "entity_id": m.entity_id, "sentence_no": m.sentence_no,
                 "char_start": m.char_start, "char_end": m.char_end, "surface": m.surface}
                for m in mentions
            ],
            "statements": [],
            "statement_mentions": [],
        }
        if statements is None:
            out["statements"] = out["statement_mentions"] = None
            return Derived(genre, out)
        by_start = sorted(mentions, key=lambda m: m.char_start)
        starts = [m.char_start for m in by_start]
        for st in statements:
            sid = statement_id(article_id, st.char_start, st.char_end)
            out["statements"].append({
                "statement_id": sid, "article_id": article_id, "speaker": st.speaker,
                "speaker_role": st.speaker_role, "speaker_entity_id": st.speaker_entity_id,
                "speaker_state_id": st.speaker_state_id, "quote": st.quote, "kind": st.kind,
                "statement_type": st.statement_type, "cue": st.cue, "char_start": st.char_start,
                "char_end": st.char_end, "said_on": st.said_on, "cluster_id": sid, "speaker_key": st.speaker_key,
            })
            inside = sorted({m.entity_id for m in by_start[bisect.bisect_left(starts, st.char_start):
                                                            bisect.bisect_left(starts, st.char_end)]
                             if m.char_end <= st.char_end})
            out["statement_mentions"].extend({"statement_id": sid, "entity_id": e} for e in inside)
        return Derived(genre, out)


def mentions_digest(keys: Iterable[tuple[str, str, int, int]]) -> str:
    """md5 of an article's mentions written `entity:kind:start:end`, sorted (code point order, which is
    UTF-8 byte order) and joined by `|`; `store.stored_mention_digests` computes the same in SQL."""
    return hashlib.md5("|".join(sorted(f"{e}:{k}:{s}:{t}" for e, k, s, t in keys)).encode()).hexdigest()


EMPTY_DIGEST = mentions_digest([])


_WORKER: Analyser | None = None
_WORKER_FILES: tuple | None = None  # the files `_WORKER` was built from, with their size and mtime


def _file_state(path: str | Path) -> tuple:
    try:
        stat = Path(path).stat()
    except OSError:
        return (str(path), None)
    return (str(path), stat.st_size, stat.st_mtime_ns)


def init_worker(taxonomy_path: str | None, taxonomy: Taxonomy | None = None,
                sources: str | Path | list[Source] | None = None) -> None:
    """Process-pool initializer: load the taxonomy (unless given) and the sources (a file, or the
    outlets themselves), and compile the matcher once per process. Called again with the same files
    unchanged (runs in this process one after another: `watch`'s batches), it keeps the analyser."""
    global _WORKER, _WORKER_FILES
    files = None
    if taxonomy is None and not isinstance(sources, list):
        files = tuple(_file_state(p) for p in (taxonomy_path or config.taxonomy_path(), sources or DEFAULT_SOURCES,
                                               DEFAULT_SOURCES))
        if _WORKER is not None and files == _WORKER_FILES:
            return
    outlets = sources if isinstance(sources, list) else load_sources(sources or DEFAULT_SOURCES)
    if taxonomy is None:  # the run's outlets join the ignore list, not data/sources.yaml's
        taxonomy = load_taxonomy(taxonomy_path, DEFAULT_SOURCES if isinstance(sources, list) else
                                 sources or DEFAULT_SOURCES)
    _WORKER = Analyser(taxonomy, outlets)
    _WORKER_FILES = files


def worker() -> Analyser:
    """This process's analyser (set up by `init_worker`)."""
    if _WORKER is None:
        raise RuntimeError("init_worker() was not called in this process")
    return _WORKER


def analyse_chunk(articles: list[tuple], previous: dict[str, str] | None = None
                  ) -> tuple[dict[str, list[dict]], list[str]]:
    """Derived rows for a chunk of stored articles (article_id, text, published, title, author, source, hostname),
    used by retag, with their genres under "genres", and the ids of the articles whose stored
    statements still stand (see `Analyser.analyse`)."""
    out: dict[str, list[dict]] = {t: [] for t in ("sentences", "mentions", "statements", "statement_mentions",
                                                  "genres")}
    kept: list[str] = []
    analyser = worker()
    for article_id, text, published, title, author, source, hostname in articles:
        prior = previous.get(article_id, EMPTY_DIGEST) if previous is not None else None
        derived = analyser.analyse(article_id, text or "", published, prior, title=title, author=author,
                                   source=source, hostname=hostname)
        if derived.tables["statements"] is None:
            kept.append(article_id)
        for table, rows in derived.tables.items():
            out[table].extend(rows or [])
        out["genres"].append({"article_id": article_id, "genre": derived.genre})
    return out, kept
