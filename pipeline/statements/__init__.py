"""Statements: text and its mentions → who said what, about what, when, with what intent.

A document's genre and the statements it holds (`documents`: news, briefing transcripts split into
turns by `turns` and the labels of `transcripts.yaml`, official releases and their issuer); quotes
and reported speech (`quotes`, `attribution`, `extractor`), speaker phrases and names
(`speaker_phrases`, `names`, `speakers`), speaker keys across scripts (`speaker_keys`, data in
`speakers.yaml`), cue phrases from `speech_cues.yaml` (`cues`), and clusters of reports of one
statement across outlets, each led by its primary source when there is one (`clusters`).
"""
import hashlib
from pathlib import Path

from .clusters import assign_clusters
from .documents import DocInfo, Extraction, decide_genre, document_genre, extract_document, extract_statements
from .extractor import Statement

__all__ = ["DocInfo", "Extraction", "Statement", "assign_clusters", "code_fingerprint", "decide_genre",
           "document_genre", "extract_document", "extract_statements"]

_HERE = Path(__file__).resolve().parent
# The sentence splitter decides what a statement's sentence is: it belongs to the fingerprint too.
_SPLITTER = [_HERE.parent / "mentions" / "sentences.py", _HERE.parent / "mentions" / "abbreviations.txt",
             _HERE.parent / "extract" / "genre.py", _HERE.parent / "extract" / "genre_cues.yaml"]


def code_fingerprint() -> str:
    """sha256 of every file of this package (code and cue data), of the sentence splitter and of the
    page-genre cues: when it changes, stored statements may be stale and retag extracts them again."""
    digest = hashlib.sha256()
    for path in [*sorted(p for p in _HERE.rglob("*") if p.is_file() and "__pycache__" not in p.parts), *_SPLITTER]:
        digest.update(path.relative_to(_HERE.parent).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()
