"""Recall and precision of the taxonomy on real sentences in English, Russian, Armenian and Azerbaijani.

Runs `taxonomy-check` over `benchmarks/data/mentions_eval/` (733 sentences from Universal Dependencies
treebanks and Wikipedia, annotated by reading; licences in its README) and judges every language
against the targets: sentence-level recall >= 0.97 and precision >= 0.98. Exit status 1 when a
language misses a target. Results: benchmarks/results/mentions_eval.json.

    python benchmarks/mentions_eval.py [--taxonomy P] [--data DIR] [--errors N]
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.mentions.check import evaluate, format_report, read_samples  # noqa: E402
from pipeline.mentions.matcher import Tagger  # noqa: E402
from pipeline.mentions.taxonomy import load_taxonomy  # noqa: E402

RECALL, PRECISION = 0.97, 0.98


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--taxonomy", type=Path, default=None, help="default: $TRACKER_TAXONOMY or data/taxonomy.yaml")
    ap.add_argument("--data", type=Path, default=ROOT / "benchmarks" / "data" / "mentions_eval")
    ap.add_argument("--errors", type=int, default=40, help="misses and false hits to list (default 40)")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "mentions_eval.json")
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    taxonomy = load_taxonomy(args.taxonomy)
    tagger = Tagger(taxonomy)
    t1 = time.perf_counter()
    samples = read_samples(args.data, taxonomy)
    report = evaluate(samples, tagger)
    t2 = time.perf_counter()
    print(format_report(report, args.errors))
    ok = True
    results = {"taxonomy_sha256": taxonomy.sha256, "sentences": len(samples),
               "load_and_compile_s": round(t1 - t0, 3), "tag_and_score_s": round(t2 - t1, 3), "languages": {}}
    print()
    for lang, score in sorted(report.languages.items()):
        met = (score.recall or 0) >= RECALL and (score.precision or 0) >= PRECISION
        ok = ok and met
        results["languages"][lang] = {"sentences": report.sentences[lang], "hits": score.hits, "misses": score.misses,
                                      "false_hits": score.false_hits, "recall": score.recall,
                                      "precision": score.precision, "target_met": met}
        print(f"{lang}: recall {score.recall:.4f} (target {RECALL}), precision {score.precision:.4f} "
              f"(target {PRECISION}): {'met' if met else 'MISSED'}")
    print(f"taxonomy load + compile {t1 - t0:.2f} s; {len(samples)} sentences tagged and scored in {t2 - t1:.2f} s")
    results["target_met"] = ok
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    print(f"results in {args.out}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
