"""Speaker keys: one key per speaker across scripts and spellings, so that a person outside the taxonomy
is one speaker whether an outlet writes Tural Gasimzade, Tural Qasımzadə or Турал Гасымзаде.

A taxonomy speaker's key is `e:<entity id>`. A person's name (two words or more) becomes
`p:<surname skeleton>:<first letter of the given name's skeleton>`: case endings stripped, letters
transliterated to Latin and reduced to consonants with the velars merged (speakers.yaml,
`transliteration`). Any other speaker ("a senior EU official", "Valtek") is `s:` and its words in
lower case without articles. Keys are stored in `statements.speaker_key`; clusters block on them and
the dashboard lists one speaker per key.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from ..config import read_yaml
from .tokens import is_cyr, stem

DATA_PATH = Path(__file__).with_name("speakers.yaml")
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*", re.U)
_ARTICLES = {"the", "a", "an"}
# Russian case endings of names (never the -ов/-ев/-ин of the surname itself): Рустамовой → рустамов
_RU_NAME_ENDINGS = ("ыми", "ого", "ому", "ой", "ей", "ым", "им", "ом", "ем", "а", "у", "е", "ы", "я", "ю")


def _name_stem(word: str) -> str:
    """A name word without its case ending (Russian surnames keep -ов/-ев/-ин)."""
    if is_cyr(word):
        low = word.lower().replace("ё", "е")
        for end in _RU_NAME_ENDINGS:
            if low.endswith(end) and len(low) - len(end) >= 3:
                return low[: -len(end)]
        return low
    return stem(word)


class _Translit:
    """The transliteration table of speakers.yaml, compiled."""

    def __init__(self, spec: dict) -> None:
        self.sequences = sorted(spec.get("sequences", {}).items(), key=lambda kv: -len(kv[0]))
        self.letters = {k: v or "" for k, v in spec.get("letters", {}).items()}
        az = dict(spec.get("azerbaijani", {}))
        self.az_marks = set(az.pop("letters", []))
        self.az_letters = {k: v or "" for k, v in az.items()}
        self.vowels = set(spec.get("vowels", []))
        self.velars = set(spec.get("velars", []))

    def latin(self, word: str) -> str:
        """The word in Latin letters (sequences first, then single letters; others kept)."""
        letters = {**self.letters, **self.az_letters} if self.az_marks & set(word) else self.letters
        out, i = [], 0
        while i < len(word):
            for seq, rep in self.sequences:
                if word.startswith(seq, i):
                    out.append(rep)
                    i += len(seq)
                    break
            else:
                out.append(letters.get(word[i], word[i]))
                i += 1
        return "".join(out)

    def skeleton(self, word: str) -> str:
        """Consonants of the transliterated word, velars merged, doubled letters merged."""
        out: list[str] = []
        for ch in self.latin(_name_stem(word)):
            if not ch.isalpha() or ch in self.vowels:
                continue
            ch = "k" if ch in self.velars else ch
            if not out or out[-1] != ch:
                out.append(ch)
        return "".join(out)


@lru_cache(maxsize=1)
def _translit() -> _Translit:
    return _Translit(read_yaml(DATA_PATH).get("transliteration") or {})


@lru_cache(maxsize=65536)
def name_skeleton(word: str) -> str:
    """A name word's transliterated consonant skeleton (Gasimzade, Qasımzadə, Гасымзаде → ksmzd)."""
    return _translit().skeleton(word)


def speaker_key(entity_id: str | None, speaker: str | None, kind: str | None) -> str | None:
    """The key a statement's speaker is listed and clustered under (None when there is no speaker)."""
    if entity_id:
        return f"e:{entity_id}"
    if not speaker or not speaker.strip():
        return None
    words = [w for w in _WORD.findall(speaker) if w.lower() not in _ARTICLES]
    if kind == "person" and len(words) >= 2:
        last, first = name_skeleton(words[-1]), name_skeleton(words[0])
        if last:
            return f"p:{last}:{first[:1]}"
    return "s:" + " ".join(w.lower().replace("ё", "е") for w in words) if words else None
