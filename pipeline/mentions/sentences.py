"""Text → sentences: code-point spans that the matcher numbers mentions by and the statement
extractor reads; line breaks always end a sentence, abbreviations and initials do not."""
from __future__ import annotations

from pathlib import Path

_TERMINATORS = ".!?…։。"
_CLOSERS = "\"'”’»)]"
_OPENERS = "\"'“‘«„([—–-"
_TOKEN_OPENERS = "\"'“‘«„(["
_LINE_BREAKS = "\n\r\u2028\u2029"

_ABBREVIATIONS = frozenset(word for line in (Path(__file__).parent / "abbreviations.txt").read_text(
    encoding="utf-8").splitlines() if not line.startswith("#") for word in line.split())


def split_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) code-point spans of the sentences, in order; every non-blank stretch of text is in
    one; a line break always ends a sentence; abbreviations (U.S., Dr., initials) do not."""
    n = len(text)
    cuts = []  # (end of a sentence or line, start of what follows)
    for ch in _LINE_BREAKS:
        i = text.find(ch)
        while i >= 0:
            cuts.append((i, i + 1))
            i = text.find(ch, i + 1)
    marks = []
    for ch in _TERMINATORS:
        i = text.find(ch)
        while i >= 0:
            marks.append(i)
            i = text.find(ch, i + 1)
    i = text.find(":")
    while i >= 0:
        if i and "\u0531" <= text[i - 1] <= "\u0587":  # Armenian writers often end sentences with ':'
            marks.append(i)
        i = text.find(":", i + 1)
    marks.sort()
    skip_to = -1
    for i in marks:
        if i < skip_to:
            continue
        j = i + 1
        while j < n and (text[j] in _TERMINATORS or text[j] == ":"):
            j += 1
        skip_to = j
        while j < n and text[j] in _CLOSERS:
            j += 1
        if j < n and text[j] in " \t\xa0":
            k = _next_sentence(text, i, j)
            if k:
                cuts.append((j, k))
    cuts.sort()
    cuts.append((n, n))
    out = []
    start = 0
    for end, nxt in cuts:
        if end > start:
            if text[start].isspace() or text[end - 1].isspace():
                seg = text[start:end]
                left = len(seg) - len(seg.lstrip())
                right = len(seg.rstrip())
                if right > left:
                    out.append((start + left, start + right))
            else:
                out.append((start, end))
        start = nxt
    return out


def _next_sentence(text: str, i: int, j: int) -> int:
    """Where the next sentence starts if the punctuation text[i:j] (followed by a space) ends one, else
    0; judged by the next word (capital, digit or opening quote) and, after a single period, by the
    word before it (abbreviations, initials, list markers)."""
    k = j
    n = len(text)
    while k < n and text[k] in " \t\xa0":
        k += 1
    if k >= n or text[k] in _LINE_BREAKS:
        return 0
    nxt = text[k]
    if text[i] in "։。":  # unambiguous full stops
        return k
    if not (nxt.isupper() or nxt.isdigit() or nxt in _OPENERS):
        return 0
    if text[i] != "." or j > i + 1 and text[i + 1] in _TERMINATORS:
        return k
    lo = max(0, i - 40)
    token_start = max(lo, text.rfind(" ", lo, i) + 1)
    token = text[token_start:i]
    for sep in "\n\t\r\xa0":
        if sep in token:
            token_start += token.rfind(sep) + 1
            token = text[token_start:i]
    token = token.lstrip(_TOKEN_OPENERS)
    if not token:
        return k
    if "." in token or (len(token) == 1 and token.isalpha()) or token.lower() in _ABBREVIATIONS:
        return 0
    if token.isdigit() and len(token) <= 3:  # "1. First item" at the start of a line is a list marker
        m = token_start - 1
        while m >= 0 and text[m] in " \t\xa0":
            m -= 1
        return 0 if m < 0 or text[m] in _LINE_BREAKS else k
    return k
