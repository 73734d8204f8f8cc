"""Tagging precision and recall on real White House texts about (and not about) the South Caucasus.

The corpus folder has `caucasus_matches/` (texts that mention Armenia, Azerbaijan or Karabakh) and
`random_negatives/` (texts that do not). Every match must get at least one Armenia/Azerbaijan/Karabakh
mention (the states, Nagorno-Karabakh, or anything whose state is Armenia or Azerbaijan); no negative
may get any. Exit status 1 when a file fails.

    python benchmarks/caucasus_tagging.py [--corpus ../shared/corpora/caucasus/whitehouse_briefing_room]
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.mentions.matcher import Tagger
from pipeline.mentions.sentences import split_sentences  # noqa: E402
from pipeline.mentions.taxonomy import Taxonomy, load_taxonomy  # noqa: E402

DEFAULT_CORPUS = ROOT.parent / "shared" / "corpora" / "caucasus" / "whitehouse_briefing_room"
CORE = ("armenia", "azerbaijan", "nagorno_karabakh")

_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.S)
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_TITLE = re.compile(r"^title:\s*(.*)$", re.M)


def markdown_to_text(md: str) -> str:
    """Title plus body as the pipeline would store it: wrapped lines joined into paragraphs (one per
    line), link targets (URLs) dropped, Markdown escapes removed."""
    title = ""
    m = _FRONT_MATTER.match(md)
    if m:
        t = _TITLE.search(m.group(1))
        title = t.group(1).strip().strip("\"'") if t else ""
        md = md[m.end():]
    md = _LINK.sub(r"\1", md).replace("\\\n", " ").replace("\\", "")
    paragraphs = [" ".join(block.split()) for block in re.split(r"\n\s*\n", md)]
    return "\n".join(p for p in [" ".join(title.split()), *paragraphs] if p)


def caucasus_ids(taxonomy: Taxonomy) -> set[str]:
    """The core ids plus everything under them or whose state is Armenia or Azerbaijan."""
    out = set()
    for eid in taxonomy.entities:
        chain = [eid, *taxonomy.ancestors(eid)]
        if any(c in CORE for c in chain) or taxonomy.state_of(eid) in ("armenia", "azerbaijan"):
            out.add(eid)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--taxonomy", type=Path, default=None, help="default: $TRACKER_TAXONOMY or data/taxonomy.yaml")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "caucasus_tagging.json")
    args = ap.parse_args(argv)

    taxonomy = load_taxonomy(args.taxonomy)
    tagger = Tagger(taxonomy)
    targets = caucasus_ids(taxonomy)
    report: dict = {"corpus": str(args.corpus), "taxonomy_sha256": taxonomy.sha256, "folders": {}}
    failures = 0
    seconds = 0.0
    for folder, must_match in (("caucasus_matches", True), ("random_negatives", False)):
        files = sorted((args.corpus / folder).glob("*.md"))
        if not files:
            print(f"no .md files in {args.corpus / folder}", file=sys.stderr)
            return 2
        hit_files, entity_counts, failed = 0, Counter(), []
        for path in files:
            text = markdown_to_text(path.read_text(encoding="utf-8"))
            t0 = time.perf_counter()
            mentions = Tagger.tag(tagger, text, split_sentences(text))
            seconds += time.perf_counter() - t0
            found = [m for m in mentions if m.entity_id in targets]
            entity_counts.update(m.entity_id for m in found)
            if found:
                hit_files += 1
            if bool(found) != must_match:
                failed.append({"file": path.name,
                               "mentions": sorted({f"{m.entity_id}:{m.surface}" for m in found})})
        failures += len(failed)
        report["folders"][folder] = {"files": len(files), "with_caucasus_mentions": hit_files,
                                     "failures": failed, "entity_counts": dict(entity_counts.most_common())}
        want = "all" if must_match else "none"
        print(f"{folder}: {len(files)} files, {hit_files} with Armenia/Azerbaijan/Karabakh mentions "
              f"(want {want}), {len(failed)} failures")
        for f in failed:
            print(f"  FAIL {f['file']}: {', '.join(f['mentions']) or 'no mention'}")
        if must_match:
            top = ", ".join(f"{k} {v}" for k, v in entity_counts.most_common(12))
            print(f"  top entities: {top}")
    report["tagging_seconds"] = round(seconds, 4)
    print(f"tagging time (split + tag), all files: {seconds * 1000:.1f} ms")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{'PASS' if not failures else 'FAIL'}; details in {args.out}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
