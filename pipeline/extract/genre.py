"""Genre cues of a page: whether its title, or a short line above the text ("Press Statement"), reads as
an official release or a transcript. The phrases are data (genre_cues.yaml). The genre itself is
decided with the text's labelled turns and the source's kind (`statements.documents.decide_genre`).
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from ..config import read_yaml

CUES_PATH = Path(__file__).with_name("genre_cues.yaml")
HEADER_LINES = 4          # short lines at the top of the text that may carry a page-type label
HEADER_WORDS = 6


def _phrase(phrase: str) -> str:
    """Regex of one cue phrase: words separated by any spaces or hyphens, '*' for any ending."""
    words = []
    for word in phrase.split():
        stem = re.escape(word.rstrip("*"))
        words.append(stem + (r"[\w'’-]*" if word.endswith("*") else ""))
    return r"[\s-]+".join(words)


@lru_cache(maxsize=2)
def _cues(path: str | Path | None = None) -> dict[str, re.Pattern]:
    """The compiled title patterns: release at the start / end / as a line, transcript anywhere."""
    data = read_yaml(path or CUES_PATH)
    alt = lambda phrases: "|".join(_phrase(p) for p in phrases)  # noqa: E731
    rel, tra = data["release"], data["transcript"]
    return {
        "starts": re.compile(rf"^\W*(?:{alt(rel['starts'])})(?!\w)", re.I),
        "ends": re.compile(rf"(?<!\w)(?:{alt(rel['ends'])})\W*$", re.I),
        "lines": re.compile(rf"^\W*(?:{alt(rel['lines'])})\W*$", re.I),
        "transcript": re.compile(rf"(?<!\w)(?:{alt(tra['contains'])})(?!\w)", re.I),
    }


def title_genre(title: str | None, text: str = "") -> str | None:
    """'release' when the title (or a short header line of the text) names an official release,
    'transcript' when the title names a briefing, press conference or interview, else None."""
    cues = _cues()
    title = " ".join((title or "").split())
    if title and (cues["starts"].search(title) or cues["ends"].search(title)):
        return "release"
    for line in text.split("\n", HEADER_LINES)[:HEADER_LINES]:
        if len(line.split()) <= HEADER_WORDS and cues["lines"].search(line.strip()):
            return "release"
    if title and cues["transcript"].search(title):
        return "transcript"
    return None
