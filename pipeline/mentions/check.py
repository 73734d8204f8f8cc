"""Check a taxonomy against sentences with the entity ids a reader expects: recall and precision per
language and per entity (`python -m pipeline taxonomy-check FOLDER`).

A folder holds tab-separated `.tsv` files with a header line naming the columns `lang`, `expected`
(taxonomy ids separated by spaces; empty when the sentence mentions nothing) and `text`; other columns
(a source, a note) are ignored and lines starting with `#` are comments. A comment `# kinds: actor
place` limits scoring to entities of those kinds (the rest of the file was not annotated for them).
Scores are per sentence: an expected id the tagger finds is a hit, one it misses a miss, an id it finds
that the reader did not expect a false hit.
"""
from __future__ import annotations

import csv
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .matcher import Tagger
from .taxonomy import Taxonomy

MAX_FILE_BYTES = 20_000_000
_KINDS = re.compile(r"#\s*kinds\s*:(.*)", re.I)


class CheckError(ValueError):
    """A broken check folder or file; str(e) is one line naming the file (and line)."""


@dataclass(frozen=True)
class Sample:
    """One sentence and the ids a reader expects in it."""

    lang: str
    expected: frozenset[str]
    text: str
    where: str                     # file:line, for reports
    kinds: frozenset[str] | None   # entity kinds the annotation covers (None: all)


@dataclass
class Score:
    """Sentence-level hits, misses and false hits."""

    hits: int = 0
    misses: int = 0
    false_hits: int = 0

    @property
    def recall(self) -> float | None:
        return self.hits / (self.hits + self.misses) if self.hits + self.misses else None

    @property
    def precision(self) -> float | None:
        return self.hits / (self.hits + self.false_hits) if self.hits + self.false_hits else None


@dataclass
class Report:
    """Scores per language, per (language, entity), and the sentences behind every error."""

    sentences: Counter = field(default_factory=Counter)
    languages: dict[str, Score] = field(default_factory=dict)
    entities: dict[tuple[str, str], Score] = field(default_factory=dict)
    errors: list[tuple[str, str, str, str]] = field(default_factory=list)  # (kind, entity, where, text)


def read_samples(folder: str | Path, taxonomy: Taxonomy) -> list[Sample]:
    """Every sentence of the `.tsv` files in `folder` (sorted by name); raises CheckError on a file
    that cannot be read, lacks a column, or expects an id the taxonomy does not have."""
    folder = Path(folder)
    if not folder.is_dir():
        raise CheckError(f"{folder}: not a folder (expected a folder of .tsv files)")
    files = sorted(folder.glob("*.tsv"))
    if not files:
        raise CheckError(f"{folder}: no .tsv files (columns: lang, expected, text)")
    out: list[Sample] = []
    for path in files:
        out.extend(_read_file(path, taxonomy))
    return out


def _read_file(path: Path, taxonomy: Taxonomy) -> list[Sample]:
    if path.stat().st_size > MAX_FILE_BYTES:
        raise CheckError(f"{path}: larger than {MAX_FILE_BYTES // 1_000_000} MB; split it into several files")
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError as e:
        raise CheckError(f"{path}: not UTF-8 text ({e.reason} at byte {e.start})") from None
    kinds: frozenset[str] | None = None
    header: list[str] | None = None
    out = []
    for no, line in enumerate(lines, 1):
        if not line.strip():
            continue
        if line.startswith("#"):
            m = _KINDS.match(line)
            if m:
                kinds = frozenset(m.group(1).replace(",", " ").split())
                unknown = sorted(kinds - {"actor", "place", "theme"})
                if unknown:
                    raise CheckError(f"{path}:{no}: unknown kind '{unknown[0]}' (actor, place or theme)")
            continue
        row = next(csv.reader([line], delimiter="\t", quoting=csv.QUOTE_NONE))
        if header is None:
            header = [c.strip().lower() for c in row]
            missing = [c for c in ("lang", "expected", "text") if c not in header]
            if missing:
                raise CheckError(f"{path}:{no}: header lacks the column '{missing[0]}' "
                                 "(needs lang, expected and text, tab-separated)")
            continue
        if len(row) != len(header):
            raise CheckError(f"{path}:{no}: {len(row)} columns where the header has {len(header)} "
                             "(a tab inside the text?)")
        cells = dict(zip(header, row))
        expected = frozenset(cells["expected"].replace(",", " ").split())
        unknown = sorted(expected - set(taxonomy.entities))
        if unknown:
            raise CheckError(f"{path}:{no}: expected id '{unknown[0]}' is not in the taxonomy")
        out.append(Sample(cells["lang"].strip() or "?", expected, cells["text"], f"{path.name}:{no}", kinds))
    return out


def evaluate(samples: list[Sample], tagger: Tagger) -> Report:
    """Tag every sentence and score what was found against what was expected."""
    entities = tagger.taxonomy.entities
    report = Report()
    for sample in samples:
        found = {m.entity_id for m in tagger.tag(sample.text)}
        if sample.kinds is not None:
            found = {e for e in found if entities[e].kind in sample.kinds}
        report.sentences[sample.lang] += 1
        lang = report.languages.setdefault(sample.lang, Score())
        for entity, kind in ([(e, "hit") for e in found & sample.expected]
                             + [(e, "miss") for e in sample.expected - found]
                             + [(e, "false hit") for e in found - sample.expected]):
            score = report.entities.setdefault((sample.lang, entity), Score())
            attr = {"hit": "hits", "miss": "misses", "false hit": "false_hits"}[kind]
            setattr(score, attr, getattr(score, attr) + 1)
            setattr(lang, attr, getattr(lang, attr) + 1)
            if kind != "hit":
                report.errors.append((kind, entity, sample.where, sample.text))
    return report


def _pct(value: float | None) -> str:
    return "   -" if value is None else f"{value:.3f}"


def format_report(report: Report, errors: int = 20) -> str:
    """The per-language table, the per-entity table (entities with any miss or false hit first), and up
    to `errors` sentences behind the misses and false hits."""
    lines = ["language  sentences  hits  misses  false hits  recall  precision"]
    total = Score()
    for lang in sorted(report.languages):
        s = report.languages[lang]
        total.hits += s.hits
        total.misses += s.misses
        total.false_hits += s.false_hits
        lines.append(f"{lang:9} {report.sentences[lang]:9} {s.hits:5} {s.misses:7} {s.false_hits:11}  "
                     f"{_pct(s.recall):>6}  {_pct(s.precision):>9}")
    lines.append(f"{'all':9} {sum(report.sentences.values()):9} {total.hits:5} {total.misses:7} "
                 f"{total.false_hits:11}  {_pct(total.recall):>6}  {_pct(total.precision):>9}")
    rows = sorted(report.entities.items(), key=lambda kv: (-(kv[1].misses + kv[1].false_hits), kv[0]))
    lines += ["", "language  entity                          hits  misses  false hits  recall  precision"]
    for (lang, entity), s in rows:
        lines.append(f"{lang:9} {entity:31} {s.hits:5} {s.misses:7} {s.false_hits:11}  "
                     f"{_pct(s.recall):>6}  {_pct(s.precision):>9}")
    if errors and report.errors:
        lines += ["", f"misses and false hits ({min(errors, len(report.errors))} of {len(report.errors)}):"]
        for kind, entity, where, text in report.errors[:errors]:
            lines.append(f"  {kind:9} {entity:24} {where}: {text}")
    return "\n".join(lines)
