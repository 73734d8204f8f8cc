"""Extraction benchmark: our extract_article vs bare trafilatura, side by side in one run.

Usage: python benchmarks/extraction.py INPUT_DIR... [--workers N] [--limit N] [--out DIR]

Corpus kinds, recognised by their files:
  aeb          html/*.html.gz + ground-truth.json (articleBody, url)   -> body-text token P/R/F1
  htmldate     html/*.gz + expected_dates.json (expected_date, url)    -> dates right/wrong/missing
  trafilatura  html/*.gz + evaldata.json (with/without snippets, date) -> snippets kept/kept out, dates
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
MEASURES = {
    "aeb": ["token_f1", "token_precision", "token_recall", "aeb_f1"],
    "htmldate": ["right", "wrong", "missing"],
    "trafilatura": ["snippets_kept", "boilerplate_kept_out", "right", "wrong", "missing"],
}


def main(argv: list[str] | None = None) -> int:
    """Run every given corpus, print and save the comparison table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("inputs", nargs="+", type=Path, help="corpus folders (aeb, htmldate or trafilatura layout)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--limit", type=int, default=0, help="only the first N pages of each corpus (0 = all)")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "results")
    args = parser.parse_args(argv)

    corpora = [(folder, *load_corpus(folder)) for folder in args.inputs]
    for folder, kind, _ in corpora:
        if kind is None:
            parser.error(f"{folder}: not an aeb, htmldate or trafilatura evaluation corpus")
    results = {}
    for folder, kind, tasks in corpora:
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
    """Recognise the corpus layout and list its tasks: kind, page path, URL and truth."""
    def task(kind: str, name: str, url: str | None, truth: object) -> dict:
        return {"kind": kind, "path": str(folder / "html" / name), "url": url, "truth": truth}

    if (folder / "ground-truth.json").exists():
        truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
        return "aeb", [task("aeb", f"{key}.html.gz", item.get("url"), item["articleBody"])
                       for key, item in sorted(truth.items())]
    if (folder / "expected_dates.json").exists():
        truth = json.loads((folder / "expected_dates.json").read_text(encoding="utf-8"))
        return "htmldate", [task("htmldate", f"{name}.gz", item.get("url"), item["expected_date"])
                            for name, item in sorted(truth.items()) if item.get("expected_date")]
    if (folder / "evaldata.json").exists():
        truth = json.loads((folder / "evaldata.json").read_text(encoding="utf-8"))
        return "trafilatura", [task("trafilatura", f"{item['file']}.gz", url, item)
                               for url, item in sorted(truth.items())]
    return None, []


def run_page(task: dict) -> dict:
    """Run both extractors on one page; return scores (not texts) and seconds spent in each."""
    html = gzip.decompress(Path(task["path"]).read_bytes())
    row: dict = {"kind": task["kind"]}

    started = time.perf_counter()
    try:
        article = extract_article(html, url=task["url"])
        ours = {"text": article.text, "date": article.published and article.published.isoformat(),
                "source": article.date_source}
    except ExtractionError:
        ours = {"text": "", "date": None, "source": "error"}
    row["ours_seconds"] = time.perf_counter() - started

    started = time.perf_counter()
    doc = trafilatura.bare_extraction(html, url=task["url"], with_metadata=True)
    bare = {"text": (doc.text or "") if doc else "", "date": doc.date if doc else None}
    row["bare_seconds"] = time.perf_counter() - started

    truth = task["truth"]
    for name, out in (("ours", ours), ("bare", bare)):
        if task["kind"] == "aeb":
            row[name] = {**token_scores(truth, out["text"]), "shingles": shingle_counts(truth, out["text"])}
        elif task["kind"] == "htmldate":
            row[name] = {"verdict": date_verdict(truth, out["date"]), "source": out.get("source")}
        else:
            row[name] = {
                "kept": [sum(s in out["text"] for s in truth["with"]), len(truth["with"])],
                "kept_out": [sum(s not in out["text"] for s in truth["without"]), len(truth["without"])],
                "verdict": date_verdict(truth["date"], out["date"]) if truth.get("date") else None,
                "source": out.get("source"),
            }
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
    def ratio(tp: float, fp: float, fn: float, miss: float) -> float:
        return 1.0 if fp == fn == 0 else (0.0 if tp == miss == 0 else tp / (tp + miss))

    precision = mean(ratio(tp, fp, fn, fp) for tp, fp, fn in counts if tp + fp > 0)
    recall = mean(ratio(tp, fp, fn, fn) for tp, fp, fn in counts if tp + fn > 0)
    return {"precision": precision, "recall": recall, "f1": 2 * precision * recall / (precision + recall)}


def date_verdict(expected: str, found: str | None) -> str:
    """right / wrong / missing at day level."""
    if not found:
        return "missing"
    return "right" if str(found)[:10] == expected[:10] else "wrong"


def summarise(kind: str, rows: list[dict]) -> dict:
    """Aggregate per-page rows into the figures of the table."""
    summary: dict = {"pages": len(rows)}
    for name in SYSTEMS:
        seconds = sum(row[f"{name}_seconds"] for row in rows)
        figures: dict = {"pages_per_second": round(len(rows) / seconds, 1) if seconds else None}
        scores = [row[name] for row in rows]
        if kind == "aeb":
            for metric in ("precision", "recall", "f1"):
                figures[f"token_{metric}"] = round(mean(score[metric] for score in scores), 4)
            figures.update({f"aeb_{k}": round(v, 4) for k, v in aeb_f1([s["shingles"] for s in scores]).items()})
        if kind == "trafilatura":
            for key, label in (("kept", "snippets_kept"), ("kept_out", "boilerplate_kept_out")):
                figures[label] = round(sum(s[key][0] for s in scores) / sum(s[key][1] for s in scores), 4)
            scores = [s for s in scores if s["verdict"]]
            figures["dated_pages"] = len(scores)
        if kind in ("htmldate", "trafilatura"):
            verdicts = Counter(s["verdict"] for s in scores)
            for verdict in ("right", "wrong", "missing"):
                figures[verdict] = round(verdicts[verdict] / len(scores), 3) if scores else None
            figures["counts"] = dict(verdicts)
            if name == "ours":
                by_source: dict = {}
                for s in scores:
                    by_source.setdefault(s["source"], Counter())[s["verdict"]] += 1
                figures["by_source"] = {source: dict(count) for source, count in sorted(by_source.items())}
        summary[name] = figures
    return summary


def markdown(results: dict, args: argparse.Namespace) -> str:
    """The comparison as a Markdown table, with the command line that produced it."""
    command = " ".join(["python benchmarks/extraction.py", *map(str, args.inputs)])
    lines = [
        "# Extraction benchmark: ours (pipeline.extract) vs bare trafilatura",
        "",
        f"`{command}`" + (f" `--limit {args.limit}`" if args.limit else "")
        + f" — trafilatura {trafilatura.__version__}, {args.workers} worker(s)",
        "",
        "| corpus | pages | measure | ours | bare trafilatura |",
        "|---|---|---|---|---|",
    ]
    notes = []
    for name, res in results.items():
        ours, bare = res["ours"], res["bare"]
        pages = ours.get("dated_pages", res["pages"])
        for measure in MEASURES[res["kind"]]:
            shown = res["pages"] if measure in ("snippets_kept", "boilerplate_kept_out") else pages
            lines.append(f"| {name} | {shown} | {measure} | {ours[measure]} | {bare[measure]} |")
        lines.append(f"| {name} | {res['pages']} | pages_per_second | {ours['pages_per_second']} | "
                     f"{bare['pages_per_second']} |")
        if "by_source" in ours:
            detail = ", ".join(f"{source} {c.get('right', 0)}/{c.get('wrong', 0)}/{c.get('missing', 0)}"
                               for source, c in ours["by_source"].items())
            notes.append(f"- {name}, our dates by date_source (right/wrong/missing): {detail}")
    lines += ["", *notes, "- pages_per_second: pages ÷ seconds spent inside that extractor (per core, same run)."]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
