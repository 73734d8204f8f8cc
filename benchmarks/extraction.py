"""Extraction benchmark: our extract_article vs bare trafilatura, side by side in one run.

Usage: python benchmarks/extraction.py INPUT_DIR... [--workers N] [--limit N] [--out DIR]

Corpus kinds, recognised by their files:
  aeb       html/*.html.gz + ground-truth.json (articleBody, url)   -> body-text token P/R/F1
  htmldate  html/*.gz + expected_dates.json (expected_date, url)    -> dates right/wrong/missing
Both extractors get the same HTML bytes and the URL from the ground truth. Results are written
to benchmarks/results/extraction.{json,md} (git-ignored) and the table is printed.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import sys
import time
from collections import Counter
from multiprocessing import Pool
from pathlib import Path
from statistics import mean

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import trafilatura  # noqa: E402

from pipeline.extract import ExtractionError, extract_article  # noqa: E402

WORD = re.compile(r"\w+")
SYSTEMS = ("ours", "bare")


def main(argv: list[str] | None = None) -> int:
    """Run every given corpus, print and save the comparison table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("inputs", nargs="+", type=Path, help="corpus folders (aeb and/or htmldate layout)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--limit", type=int, default=0, help="only the first N pages of each corpus (0 = all)")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "results")
    args = parser.parse_args(argv)

    results = {}
    for folder in args.inputs:
        kind, tasks = load_corpus(folder)
        if kind is None:
            parser.error(f"{folder}: neither an aeb (ground-truth.json) nor an htmldate (expected_dates.json) corpus")
        tasks = tasks[: args.limit] if args.limit else tasks
        started = time.perf_counter()
        with Pool(args.workers) as pool:
            rows = list(pool.imap_unordered(run_page, tasks, chunksize=4))
        summary = summarise(kind, rows)
        summary.update(corpus=str(folder), kind=kind, wall_seconds=round(time.perf_counter() - started, 1))
        results[folder.name] = summary

    args.out.mkdir(parents=True, exist_ok=True)
    table = markdown(results, args)
    (args.out / "extraction.json").write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    (args.out / "extraction.md").write_text(table)
    print(table)
    return 0


def load_corpus(folder: Path) -> tuple[str | None, list[dict]]:
    """Recognise the corpus layout and list (kind, path, url, truth) tasks."""
    if (folder / "ground-truth.json").exists():
        truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
        return "aeb", [
            {"kind": "aeb", "path": str(folder / "html" / f"{key}.html.gz"), "url": item.get("url"), "truth": item["articleBody"]}
            for key, item in sorted(truth.items())
        ]
    if (folder / "expected_dates.json").exists():
        truth = json.loads((folder / "expected_dates.json").read_text(encoding="utf-8"))
        return "htmldate", [
            {"kind": "htmldate", "path": str(folder / "html" / f"{name}.gz"), "url": item.get("url"), "truth": item["expected_date"]}
            for name, item in sorted(truth.items())
            if item.get("expected_date")
        ]
    return None, []


def run_page(task: dict) -> dict:
    """Run both extractors on one page; return scores (not texts) and seconds spent in each."""
    html = gzip.decompress(Path(task["path"]).read_bytes())
    row: dict = {"kind": task["kind"]}

    started = time.perf_counter()
    try:
        article = extract_article(html, url=task["url"])
        ours = {"text": article.text, "date": article.published.isoformat() if article.published else None, "source": article.date_source}
    except ExtractionError as err:
        ours = {"text": "", "date": None, "source": "error", "error": str(err)}
    row["ours_seconds"] = time.perf_counter() - started

    started = time.perf_counter()
    doc = trafilatura.bare_extraction(html, url=task["url"], with_metadata=True)
    bare = {"text": (doc.text or "") if doc else "", "date": doc.date if doc else None}
    row["bare_seconds"] = time.perf_counter() - started

    for name, out in (("ours", ours), ("bare", bare)):
        if task["kind"] == "aeb":
            row[name] = {**token_scores(task["truth"], out["text"]), "shingles": shingle_counts(task["truth"], out["text"])}
        else:
            row[name] = {"verdict": date_verdict(task["truth"], out["date"]), "source": out.get("source")}
    return row


def token_scores(truth: str, predicted: str) -> dict:
    """Precision, recall and F1 of lower-cased word tokens (bag of words, with counts)."""
    expected, got = Counter(WORD.findall(truth.lower())), Counter(WORD.findall(predicted.lower()))
    overlap = sum((expected & got).values())
    precision = overlap / sum(got.values()) if got else 0.0
    recall = overlap / sum(expected.values()) if expected else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def shingle_counts(truth: str, predicted: str, n: int = 4) -> list[float]:
    """AEB's own measure: true/false positives and false negatives of word 4-grams, per page normalised."""
    def grams(text: str) -> Counter:
        words = WORD.findall(text)
        return Counter(tuple(words[i : i + n]) for i in range(max(1, len(words) - n + 1)) if words[i : i + n])

    expected, got = grams(truth), grams(predicted)
    tp = sum((expected & got).values())
    fp, fn = sum((got - expected).values()), sum((expected - got).values())
    total = tp + fp + fn
    return [tp / total, fp / total, fn / total] if total else [0.0, 0.0, 0.0]


def aeb_f1(counts: list[list[float]]) -> dict:
    """AEB scoring: mean per-page precision and recall, F1 of those two means."""
    precision = mean(1.0 if fp == fn == 0 else (0.0 if tp == fp == 0 else tp / (tp + fp)) for tp, fp, fn in counts if tp + fp > 0)
    recall = mean(1.0 if fp == fn == 0 else (0.0 if tp == fn == 0 else tp / (tp + fn)) for tp, fp, fn in counts if tp + fn > 0)
    return {"precision": precision, "recall": recall, "f1": 2 * precision * recall / (precision + recall)}


def date_verdict(expected: str, found: str | None) -> str:
    """right / wrong / missing at day level."""
    if not found:
        return "missing"
    return "right" if str(found)[:10] == expected else "wrong"


def summarise(kind: str, rows: list[dict]) -> dict:
    """Aggregate per-page rows into the figures of the table."""
    summary: dict = {"pages": len(rows)}
    for name in SYSTEMS:
        seconds = sum(row[f"{name}_seconds"] for row in rows)
        figures: dict = {"pages_per_second": round(len(rows) / seconds, 1) if seconds else None}
        if kind == "aeb":
            for metric in ("precision", "recall", "f1"):
                figures[f"token_{metric}"] = round(mean(row[name][metric] for row in rows), 4)
            figures.update({f"aeb_{k}": round(v, 4) for k, v in aeb_f1([row[name]["shingles"] for row in rows]).items()})
        else:
            verdicts = Counter(row[name]["verdict"] for row in rows)
            figures.update({v: round(verdicts[v] / len(rows), 3) for v in ("right", "wrong", "missing")})
            figures["counts"] = dict(verdicts)
            if name == "ours":
                by_source: dict = {}
                for row in rows:
                    by_source.setdefault(row[name]["source"], Counter())[row[name]["verdict"]] += 1
                figures["by_source"] = {source: dict(count) for source, count in sorted(by_source.items())}
        summary[name] = figures
    return summary


def markdown(results: dict, args: argparse.Namespace) -> str:
    """The comparison as a Markdown table, with the command line that produced it."""
    lines = [
        "# Extraction benchmark: ours (pipeline.extract) vs bare trafilatura",
        "",
        f"`python benchmarks/extraction.py {' '.join(str(p) for p in args.inputs)}`"
        + (f" `--limit {args.limit}`" if args.limit else "")
        + f" — trafilatura {trafilatura.__version__}, {args.workers} worker(s)",
        "",
        "| corpus | pages | measure | ours | bare trafilatura |",
        "|---|---|---|---|---|",
    ]
    notes = []
    for name, res in results.items():
        ours, bare = res["ours"], res["bare"]
        measures = (
            ["token_f1", "token_precision", "token_recall", "aeb_f1"]
            if res["kind"] == "aeb"
            else ["right", "wrong", "missing"]
        )
        for measure in [*measures, "pages_per_second"]:
            lines.append(f"| {name} | {res['pages']} | {measure} | {ours[measure]} | {bare[measure]} |")
        if res["kind"] == "htmldate":
            detail = ", ".join(f"{src}: {c.get('right', 0)}✓/{c.get('wrong', 0)}✗/{c.get('missing', 0)}–" for src, c in ours["by_source"].items())
            notes.append(f"Our dates by date_source ({name}; right/wrong/missing): {detail}")
    lines += ["", *notes, "", "pages_per_second: pages ÷ seconds spent inside that extractor (one core, same run)."]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
