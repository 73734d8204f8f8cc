"""The shipped taxonomy on the real-sentence evaluation set (benchmarks/data/mentions_eval: UD treebanks
and Wikipedia, CC BY-SA, see its README): recall and precision per language held above the floors of
tests/eval_baseline.json ("mentions_eval"), which a change may raise but not silently lower."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.mentions.check import evaluate, read_samples
from pipeline.mentions.matcher import Tagger
from pipeline.mentions.taxonomy import load_taxonomy

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "benchmarks" / "data" / "mentions_eval"
FLOORS = json.loads((Path(__file__).parent / "eval_baseline.json").read_text(encoding="utf-8"))["mentions_eval"]


@pytest.fixture(scope="module")
def report():
    taxonomy = load_taxonomy(ROOT / "data" / "taxonomy.yaml")
    return evaluate(read_samples(DATA, taxonomy), Tagger(taxonomy))


@pytest.mark.parametrize("lang", sorted(FLOORS))
def test_language_stays_above_its_floors(report, lang: str) -> None:
    score = report.languages[lang]
    assert score.recall >= FLOORS[lang]["recall"], f"{lang} recall {score.recall:.4f} < {FLOORS[lang]['recall']}"
    assert score.precision >= FLOORS[lang]["precision"], (
        f"{lang} precision {score.precision:.4f} < {FLOORS[lang]['precision']}")
