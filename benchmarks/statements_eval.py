"""Evaluate pipeline/statements.py: quote-span precision/recall/F1, speaker and type accuracy.

Default: the project's own gold set (tests/fixtures/statements_gold, with its small taxonomy).
`--ggt DIR`: the Gender Gap Tracker's 98 annotated news articles (human_annotations.json + rawtext/),
printed beside that project's published figures (quote F1 0.837 at 0.3 overlap, speaker 0.865).

Matching, per article, greedy in gold order like the GGT's evaluate_quotes: a predicted statement
matches a gold quote when the words they share cover at least `--overlap` (0.3) of the gold quote's
words; "exact" also reports matches whose normalised text is equal (quote marks, edge punctuation and
a leading "that"/"что" ignored). Speaker accuracy is on matched quotes: the same taxonomy entity, or
the same name after normalising (case, punctuation, articles, honorifics, Russian case endings) where
one side's surname (last word) appears among the other's words.

    python -m benchmarks.statements_eval                       # gold set
    python -m benchmarks.statements_eval --ggt ../shared/corpora/quotes/gender_gap_tracker
Results: benchmarks/results/statements_eval_<set>.json and .md
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from pipeline.mentions.matcher import Tagger
from pipeline.mentions.sentences import split_sentences  # noqa: E402
from pipeline.mentions.taxonomy import load_taxonomy  # noqa: E402
from pipeline.statements import Statement, extract_statements  # noqa: E402
from pipeline.statements.tokens import stem  # noqa: E402

GOLD_DIR = ROOT / "tests" / "fixtures" / "statements_gold"
RESULTS = ROOT / "benchmarks" / "results"
GGT_PUBLISHED = {"quote_f1_0.3": 0.837, "quote_p_0.3": 0.846, "quote_r_0.3": 0.827, "speaker_0.3": 0.865,
                 "quote_f1_0.8": 0.761}
_WORD = re.compile(r"\w+", re.U)
_STRIP = "\"'“”„«»‹›‘’`.,;:!?—–- \n\t"
_HONORIFICS = {"mr", "mrs", "ms", "dr", "miss", "sir", "the", "a", "an", "prof"}


@dataclass
class GoldQuote:
    start: int
    end: int
    speaker: str
    entity_id: str | None = None
    statement_type: str | None = None
    said_on: dt.date | None = None
    kind: str | None = None
    role: str | None = None


@dataclass
class Article:
    id: str
    text: str
    published: dt.date | None
    gold: list[GoldQuote]
    missing: list[str] = field(default_factory=list)   # gold quotes that could not be located


def _words(text: str, a: int, b: int) -> set[int]:
    return {m.start() for m in _WORD.finditer(text, a, b)}


def _norm_text(s: str) -> str:
    s = s.strip(_STRIP)
    s = re.sub(r"^(that|что)\s+", "", s, flags=re.I)
    return " ".join(_WORD.findall(s.lower().replace("ё", "е")))


def _name_words(name: str | None) -> list[str]:
    words = [w for w in _WORD.findall((name or "").lower().replace("’", "'")) if w not in _HONORIFICS]
    return [stem(w[:-2] if w.endswith("'s") else w) for w in words]


def speaker_match(gold: GoldQuote, pred: Statement) -> bool:
    """Same entity, or one side's surname among the other's name words."""
    if gold.entity_id and pred.speaker_entity_id:
        return gold.entity_id == pred.speaker_entity_id
    g, p = _name_words(gold.speaker), _name_words(pred.speaker)
    if not g or not p:
        return False
    return g == p or g[-1] in p or p[-1] in g


def match(article: Article, preds: list[Statement], threshold: float) -> list[tuple[GoldQuote, Statement | None]]:
    """Greedy one-to-one matching in gold order by share of the gold quote's words covered."""
    remaining = list(preds)
    out = []
    text = article.text
    for gq in article.gold:
        gw = _words(text, gq.start, gq.end)
        best, best_score = None, 0.0
        for p in remaining:
            if not gw:
                break
            score = len(gw & _words(text, p.char_start, p.char_end)) / len(gw)
            if score >= threshold and score > best_score:
                best, best_score = p, score
        if best is not None:
            remaining.remove(best)
        out.append((gq, best))
    return out


def load_gold(folder: Path) -> list[Article]:
    """The gold articles (every *.yaml but taxonomy.yaml), quotes located as exact substrings."""
    out = []
    for path in sorted(folder.glob("*.yaml")):
        if path.name == "taxonomy.yaml":
            continue
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        text = doc["text"]
        gold = []
        for st in doc["statements"]:
            a = text.find(st["quote"])
            if a < 0 or text.find(st["quote"], a + 1) >= 0:
                raise ValueError(f"{path.name}: quote not found exactly once: {st['quote']!r}")
            gold.append(GoldQuote(a, a + len(st["quote"]), st["speaker"], st.get("speaker_entity_id"),
                                  st.get("statement_type"), dt.date.fromisoformat(st["said_on"]),
                                  st.get("kind"), st.get("speaker_role")))
        out.append(Article(doc["id"], text, dt.date.fromisoformat(str(doc["published"])), gold))
    return out


def _locate(text: str, quote: str, hint: int | None) -> tuple[int, int] | None:
    """Find a quote string in the text (whitespace-tolerant), the occurrence nearest the hint."""
    quote = quote.strip()
    if not quote:
        return None
    pattern = r"\s+".join(re.escape(p) for p in quote.split())
    hits = [(m.start(), m.end()) for m in re.finditer(pattern, text)]
    if not hits:
        inner = quote.strip(_STRIP)
        if len(inner) < 8:
            return None
        pattern = r"\s+".join(re.escape(p) for p in inner.split())
        hits = [(m.start(), m.end()) for m in re.finditer(pattern, text)]
    if not hits:
        return None
    return min(hits, key=lambda h: abs(h[0] - hint)) if hint is not None else hits[0]


def load_ggt(folder: Path) -> list[Article]:
    """GGT articles: raw text from rawtext/<id>.txt (else articleBodyText), gold quotes by string search."""
    data = json.loads((folder / "human_annotations.json").read_text(encoding="utf-8"))
    out = []
    for art in data:
        oid = re.sub(r"\W", "", art["_id"].replace("ObjectId", ""))
        raw = folder / "rawtext" / f"{oid}.txt"
        text = raw.read_text(encoding="utf-8") if raw.is_file() else art["articleBodyText"]
        quotes = art.get("quotations")
        if quotes is None and art.get("quotations_raw"):
            raw_q = art["quotations_raw"]
            raw_q = raw_q[:raw_q.find("\n[")] if "\n[" in raw_q else raw_q
            try:
                quotes = json.loads(raw_q.replace("\t", " "))
            except json.JSONDecodeError:
                quotes = []
        gold, missing = [], []
        for q in quotes or []:
            hint = None
            m = re.match(r"\((\d+),", q.get("quote_index") or "")
            if m:
                hint = int(m.group(1))
            span = _locate(text, q["quote"], hint)
            if span is None:
                missing.append(q["quote"])
                continue
            gold.append(GoldQuote(span[0], span[1], q.get("reference") or q.get("speaker") or ""))
        gold.sort(key=lambda g: g.start)
        out.append(Article(oid, text, None, gold, missing))
    return out


def run(articles: list[Article], taxonomy_path: Path | None, threshold: float) -> dict:
    """Extract statements from each article and score them; returns totals and per-error samples."""
    tax = load_taxonomy(taxonomy_path) if taxonomy_path else None
    tagger = Tagger(tax) if tax else None
    tp = fp = fn = tp_exact = 0
    speaker_ok = type_ok = type_n = date_ok = date_n = ent_ok = ent_n = kind_ok = kind_n = 0
    errors: list[dict] = []
    started = time.perf_counter()
    for art in articles:
        sentences = split_sentences(art.text)
        mentions = tagger.tag(art.text, sentences) if tagger else []
        preds = extract_statements(art.text, art.published, tax, sentences, mentions)
        pairs = match(art, preds, threshold)
        matched = {id(p) for _, p in pairs if p is not None}
        fn += len(art.missing)
        for gq, p in pairs:
            gold_text = art.text[gq.start:gq.end]
            if p is None:
                fn += 1
                errors.append({"article": art.id, "error": "missed", "gold": gold_text, "speaker": gq.speaker})
                continue
            tp += 1
            if _norm_text(gold_text) == _norm_text(p.quote):
                tp_exact += 1
            if speaker_match(gq, p):
                speaker_ok += 1
            else:
                errors.append({"article": art.id, "error": "speaker", "gold": gold_text, "speaker": gq.speaker,
                               "got": p.speaker, "got_entity": p.speaker_entity_id})
            if gq.statement_type:
                type_n += 1
                if gq.statement_type == p.statement_type:
                    type_ok += 1
                else:
                    errors.append({"article": art.id, "error": "type", "gold": gold_text,
                                   "want": gq.statement_type, "got": p.statement_type, "cue": p.cue})
            if gq.said_on:
                date_n += 1
                if gq.said_on == p.said_on:
                    date_ok += 1
                else:
                    errors.append({"article": art.id, "error": "said_on", "gold": gold_text,
                                   "want": str(gq.said_on), "got": str(p.said_on)})
            if gq.entity_id:
                ent_n += 1
                ent_ok += gq.entity_id == p.speaker_entity_id
            if gq.kind:
                kind_n += 1
                kind_ok += gq.kind == p.kind
        for p in preds:
            if id(p) not in matched:
                fp += 1
                errors.append({"article": art.id, "error": "spurious", "got": p.quote, "speaker": p.speaker})
    elapsed = time.perf_counter() - started
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    exact_p = tp_exact / (tp + fp) if tp + fp else 0.0
    exact_r = tp_exact / (tp + fn) if tp + fn else 0.0
    exact_f1 = 2 * exact_p * exact_r / (exact_p + exact_r) if exact_p + exact_r else 0.0
    return {
        "articles": len(articles), "gold_quotes": tp + fn, "predicted": tp + fp, "threshold": threshold,
        "precision": precision, "recall": recall, "f1": f1,
        "exact_precision": exact_p, "exact_recall": exact_r, "exact_f1": exact_f1,
        "speaker_accuracy": speaker_ok / tp if tp else 0.0,
        "type_accuracy": type_ok / type_n if type_n else None,
        "said_on_accuracy": date_ok / date_n if date_n else None,
        "entity_accuracy": ent_ok / ent_n if ent_n else None,
        "kind_accuracy": kind_ok / kind_n if kind_n else None,
        "seconds": elapsed,
        "errors": errors,
    }


def _table(name: str, res: dict, published: dict | None) -> str:
    def f(x: float | None) -> str:
        return "—" if x is None else f"{x:.3f}"
    rows = [("quote precision (overlap ≥ %.1f)" % res["threshold"], res["precision"], published and published.get("quote_p_0.3")),
            ("quote recall", res["recall"], published and published.get("quote_r_0.3")),
            ("quote F1", res["f1"], published and published.get("quote_f1_0.3")),
            ("quote F1, exact text", res["exact_f1"], None),
            ("speaker accuracy (matched quotes)", res["speaker_accuracy"], published and published.get("speaker_0.3")),
            ("type accuracy", res["type_accuracy"], None),
            ("said_on accuracy", res["said_on_accuracy"], None),
            ("speaker entity accuracy", res["entity_accuracy"], None),
            ("kind accuracy", res["kind_accuracy"], None)]
    head = f"| {name}: {res['articles']} articles, {res['gold_quotes']} gold quotes, {res['predicted']} predicted " \
           f"| ours |" + (" GGT published |" if published else "")
    lines = [head, "|---|---|" + ("---|" if published else "")]
    for label, ours, theirs in rows:
        if ours is None and theirs is None:
            continue
        lines.append(f"| {label} | {f(ours)} |" + (f" {f(theirs)} |" if published else ""))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--gold", type=Path, default=GOLD_DIR, help="gold-set folder (default: %(default)s)")
    ap.add_argument("--ggt", type=Path, help="Gender Gap Tracker folder (human_annotations.json, rawtext/)")
    ap.add_argument("--overlap", type=float, default=0.3, help="share of gold words to count a match")
    ap.add_argument("--errors", type=int, default=0, help="print this many error samples")
    ap.add_argument("--out", type=Path, default=RESULTS, help="results folder (default: %(default)s)")
    args = ap.parse_args(argv)
    if args.ggt:
        name, articles, tax, published = "ggt", load_ggt(args.ggt), None, GGT_PUBLISHED
    else:
        tax_path = args.gold / "taxonomy.yaml"
        name, articles, tax, published = "gold", load_gold(args.gold), tax_path if tax_path.is_file() else None, None
    res = run(articles, tax, args.overlap)
    table = _table(name, res, published)
    print(table)
    print(f"\n{res['seconds']:.2f} s for {res['articles']} articles")
    for e in res["errors"][: args.errors]:
        print(json.dumps(e, ensure_ascii=False))
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / f"statements_eval_{name}.md").write_text(table + "\n", encoding="utf-8")
    (args.out / f"statements_eval_{name}.json").write_text(
        json.dumps({k: v for k, v in res.items()}, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
