"""Word forms of taxonomy aliases, worked out once when the taxonomy loads, so that an alias written in
its dictionary form ("Армения", "американский", "Bakı", "Բաքու") also finds its inflected forms
(Армении, американские, Bakıda, Բաքվում) without hand-written stems and without any work per page.

Russian words get every form of their dictionary entry from the pymorphy3 analyser (its dictionary
ships with the pymorphy3-dicts-ru package; nothing is downloaded); the words of an alias that agree
with its first word inflect with it ("Лачинский коридор" -> "Лачинского коридора"), words after the
first one that is not in the nominative keep their form ("Министерство иностранных дел России").
Azerbaijani, Armenian and English take the endings listed in `inflection.yaml` on their last word.
pymorphy3 loads in about 0.3 s, so the Russian forms are kept in a small cache file
(`data/cache/word_forms.json`, keyed by the analyser's version) and the analyser loads only for words
the cache does not have yet.
"""
from __future__ import annotations

import json
import os
import tempfile
from importlib import metadata
from pathlib import Path

from ..config import DATA_DIR, read_yaml

DEFAULT_CACHE = DATA_DIR / "cache" / "word_forms.json"
_RULES = Path(__file__).with_name("inflection.yaml")
_RU_INFLECTING = {"NOUN", "ADJF", "PRTF", "NUMR"}
_RU_PROPER = {"Geox", "Name", "Surn", "Patr", "Orgn", "Trad"}


def _lower(word: str) -> str:
    """Lower case that keeps Azerbaijani dotless ı and dotted İ apart (I -> ı, İ -> i)."""
    return word.replace("I", "ı").replace("İ", "i").lower()


class _Endings:
    """One language's endings from inflection.yaml."""

    def __init__(self, spec: dict) -> None:
        self.vowels = set(spec["vowels"])
        self.harmony: dict[str, dict[str, str]] = spec.get("harmony") or {}
        self.after_consonant: list[str] = [str(e) for e in spec["after_consonant"]]
        self.after_vowel: list[str] = [str(e) for e in spec["after_vowel"]]
        self.alternations = [(a["ending"], a["becomes"], [str(e) for e in a["before"]])
                             for a in spec.get("alternations") or []]

    def _resolve(self, stem: str, ending: str) -> list[str]:
        """The ending with its harmony letters chosen by the stem's last vowel (every choice when the
        stem has no vowel the table knows)."""
        if not self.harmony or not any(ch in self.harmony for ch in ending):
            return [ending]
        last = next((ch for ch in reversed(_lower(stem)) if ch in self.vowels), None)
        out = [""]
        for ch in ending:
            table = self.harmony.get(ch)
            if table is None:
                out = [o + ch for o in out]
            elif last in table:
                out = [o + table[last] for o in out]
            else:
                out = [o + choice for o in out for choice in sorted(set(table.values()))]
        return out

    def forms(self, word: str) -> set[str]:
        """The word with every ending (the word as written included)."""
        endings = self.after_vowel if _lower(word)[-1:] in self.vowels else self.after_consonant
        out = {word + e for ending in endings for e in self._resolve(word, ending)}
        for ending, becomes, before in self.alternations:
            if _lower(word).endswith(ending):
                stem = word[: len(word) - len(ending)] + becomes
                out |= {stem + e for ending2 in before for e in self._resolve(stem, ending2)}
        return out


class WordForms:
    """Forms of alias words by language; build one per taxonomy load, call `save` when done."""

    def __init__(self, cache: Path | None = DEFAULT_CACHE) -> None:
        spec = read_yaml(_RULES)
        self.endings = {lang: _Endings(s) for lang, s in spec.items()}
        self.cache_path = cache
        self._morph = None
        self._version = self._ru_version()
        self._ru: dict[str, list] = {}
        self._dirty = False
        if cache is not None and self._version:
            try:
                data = json.loads(cache.read_text(encoding="utf-8"))
                if data.get("version") == self._version:
                    self._ru = data.get("ru", {})
            except (OSError, ValueError, AttributeError):
                pass  # no cache or a broken one: it is rebuilt

    @staticmethod
    def _ru_version() -> str | None:
        try:
            return f"pymorphy3 {metadata.version('pymorphy3')}, dicts {metadata.version('pymorphy3-dicts-ru')}"
        except metadata.PackageNotFoundError:
            return None

    def languages(self) -> set[str]:
        """Languages whose aliases inflect."""
        return set(self.endings) | ({"ru"} if self._version else set())

    def phrase(self, lang: str | None, words: list[str]) -> list[tuple[str, ...]]:
        """For each word of an alias (as written, '*' ending a stem), the forms it may take."""
        if lang == "ru" and self._version:
            return self._ru_phrase(words)
        rules = self.endings.get(lang or "")
        out = [(w,) for w in words]
        if rules is not None and words and not words[-1].endswith("*") and any(c.isalpha() for c in words[-1]):
            out[-1] = tuple(sorted(rules.forms(words[-1])))
        return out

    def _ru_phrase(self, words: list[str]) -> list[tuple[str, ...]]:
        out: list[tuple[str, ...]] = []
        inflecting, first = True, True
        for word in words:
            if word.endswith("*") or not any(c.isalpha() for c in word):
                out.append((word,))
                continue
            nominative, forms = self._ru_word(word)
            if inflecting and (first or nominative):
                out.append(tuple(forms))
            else:
                inflecting = False
                out.append((word,))
            first = False
        return out

    def _ru_word(self, word: str) -> tuple[bool, list[str]]:
        """(has a nominative reading that inflects, every form of that reading's dictionary entry)."""
        key = word.lower()
        if key not in self._ru:
            if self._morph is None:
                import pymorphy3
                self._morph = pymorphy3.MorphAnalyzer(lang="ru")
            parses = self._morph.parse(key)
            proper = word[:1].isupper()

            def rank(p) -> tuple:
                return ("nomn" not in p.tag or p.tag.POS not in _RU_INFLECTING,
                        proper and not (_RU_PROPER & p.tag.grammemes), -p.score)

            best = min(parses, key=rank)
            nominative = "nomn" in best.tag and best.tag.POS in _RU_INFLECTING
            forms = {f.word for f in best.lexeme if f.tag.POS == best.tag.POS} | {key}
            self._ru[key] = [nominative, sorted(forms)]
            self._dirty = True
        nominative, forms = self._ru[key]
        return nominative, forms

    def save(self) -> None:
        """Write new Russian forms to the cache file (atomically); an unwritable cache is skipped."""
        if not self._dirty or self.cache_path is None:
            return
        try:
            self.cache_path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.cache_path.parent, prefix=".word_forms-", suffix=".json")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump({"version": self._version, "ru": self._ru}, fh, ensure_ascii=False)
            os.chmod(tmp, 0o644)
            os.replace(tmp, self.cache_path)
            self._dirty = False
        except OSError:
            pass
