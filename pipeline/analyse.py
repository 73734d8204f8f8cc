"""Text → derived rows: sentences, mentions, statements and statement mentions for one article.

Shared by ingest (as pages land) and retag (from stored text), so both build identical rows.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from .statements import extract_statements
from .tag import Tagger, split_sentences
from .taxonomy import Taxonomy, load_taxonomy


def statement_id(article_id: str, char_start: int, char_end: int) -> str:
    """Deterministic statement id: the same span of the same article keeps its id across retags."""
    return hashlib.sha1(f"{article_id}:{char_start}:{char_end}".encode()).hexdigest()[:16]


_LOCAL_IMPORT = re.compile(r"^from \.(\w+) import", re.M)
PACKAGE = Path(__file__).resolve().parent


def statements_fingerprint(taxonomy: Taxonomy) -> str:
    """What statements depend on besides text and mentions: the extractor's code and cue files, and the
    taxonomy without its aliases (names, types, parents, roles). Same fingerprint and same mentions
    mean the stored statements of an article are still right, so retag can keep them."""
    digest = hashlib.sha256()
    seen, queue = set(), ["statements"]
    while queue:
        module = queue.pop()
        if module in seen or not (PACKAGE / f"{module}.py").exists():
            continue
        seen.add(module)
        source = (PACKAGE / f"{module}.py").read_bytes()
        digest.update(source)
        queue.extend(_LOCAL_IMPORT.findall(source.decode("utf-8")))
    for data_file in sorted(PACKAGE.glob("*.yaml")):
        digest.update(data_file.read_bytes())
    for entity in sorted(taxonomy.entities.values(), key=lambda e: e.id):
        roles = [(r.title, r.of, str(r.start), str(r.end)) for r in entity.roles]
        digest.update(json.dumps([entity.id, entity.kind, entity.name, entity.type, entity.parent, roles]).encode())
    return digest.hexdigest()


@dataclass
class Previous:
    """An article's stored mentions and statements, offered to retag for reuse."""

    mentions: list[tuple[str, int, int]] = field(default_factory=list)
    statements: list[dict] = field(default_factory=list)
    statement_mentions: list[dict] = field(default_factory=list)


class Analyser:
    """Holds the compiled matcher; build one per process and reuse it for every article."""

    def __init__(self, taxonomy: Taxonomy) -> None:
        self.taxonomy = taxonomy
        self.tagger = Tagger(taxonomy)
        self.extracted = 0

    def rows(self, article_id: str, text: str, published: dt.date | None,
             previous: Previous | None = None) -> dict[str, list[dict]]:
        """Rows for the sentences, mentions, statements and statement_mentions tables.

        With `previous` (retag under an unchanged statements fingerprint), statements are reused when
        the article's mentions came out identical; they are extracted again otherwise.
        """
        sentences = split_sentences(text)
        mentions = self.tagger.tag(text, sentences)
        keys = sorted((m.char_start, m.char_end, m.entity_id) for m in mentions)
        if previous is not None and previous.mentions == [(e, s, t) for s, t, e in keys]:
            statements = None
        else:
            statements = extract_statements(text, published, self.taxonomy, sentences, mentions)
            self.extracted += 1
        out: dict[str, list[dict]] = {
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
            out["statements"] = previous.statements
            out["statement_mentions"] = previous.statement_mentions
            return out
        for st in statements:
            sid = statement_id(article_id, st.char_start, st.char_end)
            out["statements"].append({
                "statement_id": sid, "article_id": article_id, "speaker": st.speaker,
                "speaker_role": st.speaker_role, "speaker_entity_id": st.speaker_entity_id,
                "speaker_state_id": st.speaker_state_id, "quote": st.quote, "kind": st.kind,
                "statement_type": st.statement_type, "cue": st.cue, "char_start": st.char_start,
                "char_end": st.char_end, "said_on": st.said_on, "cluster_id": sid,
            })
            inside = sorted({m.entity_id for m in mentions
                             if m.char_start >= st.char_start and m.char_end <= st.char_end})
            out["statement_mentions"].extend({"statement_id": sid, "entity_id": e} for e in inside)
        return out


_WORKER: Analyser | None = None


def init_worker(taxonomy_path: str | None, taxonomy: Taxonomy | None = None) -> None:
    """Process-pool initializer: load the taxonomy (unless given) and compile the matcher once per process."""
    global _WORKER
    _WORKER = Analyser(taxonomy if taxonomy is not None else load_taxonomy(taxonomy_path))


def worker() -> Analyser:
    """This process's analyser (set up by `init_worker`)."""
    if _WORKER is None:
        raise RuntimeError("init_worker() was not called in this process")
    return _WORKER


def analyse_chunk(articles: list[tuple[str, str, dt.date | None]],
                  previous: dict[str, Previous] | None = None) -> tuple[dict[str, list[dict]], int]:
    """Derived rows for a chunk of stored articles (article_id, text, published), and how many of
    them had their statements extracted again (the rest reused `previous`); used by retag."""
    out: dict[str, list[dict]] = {t: [] for t in ("sentences", "mentions", "statements", "statement_mentions")}
    analyser = worker()
    before = analyser.extracted
    for article_id, text, published in articles:
        prior = previous.get(article_id, Previous()) if previous is not None else None
        for table, rows in analyser.rows(article_id, text or "", published, prior).items():
            out[table].extend(rows)
    return out, analyser.extracted - before
