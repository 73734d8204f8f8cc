"""Statements: text and its mentions → who said what, about what, when, with what intent.

Quotes and reported speech (`quotes`, `attribution`), speaker phrases and names (`speaker_phrases`,
`names`, `speakers`), cue phrases from `speech_cues.yaml` (`cues`), statement types and dates
(`extractor`), and clusters of reports of one statement across outlets (`clusters`).
"""
import hashlib
from pathlib import Path

from .clusters import assign_clusters
from .extractor import Statement, extract_statements

__all__ = ["Statement", "assign_clusters", "code_fingerprint", "extract_statements"]

_HERE = Path(__file__).resolve().parent
# The sentence splitter decides what a statement's sentence is: it belongs to the fingerprint too.
_SPLITTER = [_HERE.parent / "mentions" / "sentences.py", _HERE.parent / "mentions" / "abbreviations.txt"]


def code_fingerprint() -> str:
    """sha256 of every file of this package (code and cue data) and of the sentence splitter: when it
    changes, stored statements may be stale and retag extracts them again."""
    digest = hashlib.sha256()
    for path in [*sorted(p for p in _HERE.rglob("*") if p.is_file() and "__pycache__" not in p.parts), *_SPLITTER]:
        digest.update(path.relative_to(_HERE.parent).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()
