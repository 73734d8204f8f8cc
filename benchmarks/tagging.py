"""Cost of the tagging step (sentence splitting + mention tagging) next to the ingest's extraction call.

For every page: `pipeline.extract.extract_article` once, then `split_sentences` + `Tagger.tag` on its
text with the shipped taxonomy and with a generated 5,000-entity taxonomy (loading and compiling the
taxonomies is timed apart). Target: tagging < 5 % of extraction, judged on CPU time (process_time) so
that other processes on a shared machine do not skew it; wall-clock figures are reported too.

It also prices the ways of matching word forms on the same pages: the tracker expands every alias into
its forms once, when the taxonomy loads (timed cold, pymorphy3 included), against analysing every word
of every page at run time with pymorphy3 or a Snowball stemmer (snowballstemmer, a dev requirement).

    python benchmarks/tagging.py                      # 200 pages from tools.sample.generator.generate
    python benchmarks/tagging.py -n 500 --seed 3
    python benchmarks/tagging.py --pages DIR          # .html/.htm files under DIR
    python benchmarks/tagging.py --jsonl ../shared/corpora/caucasus/state_dept_press_releases_rss/all_items.jsonl.gz
"""
from __future__ import annotations

import argparse
import gzip
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.mentions.matcher import Tagger
from pipeline.mentions.sentences import split_sentences  # noqa: E402
from pipeline.mentions.taxonomy import ACTOR_TYPES, load_taxonomy  # noqa: E402

SYLLABLES = {
    "latin": "ka ri to mé lan sor vi dal ne bru pex gor ul tan zeb ho qi fa wen ly ç ğa şu ıl ö ə".split(),
    "cyrillic": "ка ри то ме лан сор ви дал не бру пек гор ул тан зеб хо щи фа вен лы".split(),
    "armenian": "կա րի տո մե լան սոր վի դալ նե բրու պեք գոր ուլ տան զեբ հո ղի ֆա վեն լը".split(),
}


def _word(rng: random.Random, script: str, taken: set[str]) -> str:
    while True:
        w = "".join(rng.choice(SYLLABLES[script]) for _ in range(rng.randint(3, 5)))
        if w not in taken:
            taken.add(w)
            return w


def write_generated_taxonomy(path: Path, total: int, seed: int = 11) -> None:
    """The shipped taxonomy plus generated entries (pseudo-words in Latin, Cyrillic and Armenian
    script; stems, case-sensitive acronyms, surnames, roles) up to `total` entities."""
    shipped = (ROOT / "data" / "taxonomy.yaml").read_text(encoding="utf-8")
    have = len(load_taxonomy(ROOT / "data" / "taxonomy.yaml").entities)
    rng = random.Random(seed)
    taken: set[str] = set()
    actors, places, themes = [], [], []
    for i in range(max(0, total - have)):
        lat, cyr, arm = (_word(rng, s, taken) for s in ("latin", "cyrillic", "armenian"))
        first = _word(rng, "latin", taken)
        kind = rng.choices(("actor", "place", "theme"), (6, 3, 1))[0]
        aliases = [f"{first.capitalize()} {lat.capitalize()}", f"{cyr.capitalize()}*", f"{arm}*"]
        if rng.random() < 0.3:
            aliases.append(f"{lat} {_word(rng, 'latin', taken)}*")
        if rng.random() < 0.1:
            aliases.append(f"{{text: G{i}X, case: sensitive}}")
        entry = [f"  - id: gen_{kind}_{i}", f"    name: {first.capitalize()} {lat.capitalize()}"]
        if kind == "actor":
            typ = rng.choice(ACTOR_TYPES)
            entry.append(f"    type: {typ}")
            if typ == "official":
                aliases.append(f"{{text: {lat.capitalize()}, surname: true}}")
                entry.append("    roles:\n      - {title: spokesperson, of: us_state_department, from: 2021-01-20}")
            else:
                entry.append("    parent: " + rng.choice(("armenia", "azerbaijan", "united_states", "russia")))
        elif kind == "place":
            entry.append(f"    lat: {rng.uniform(-60, 60):.4f}\n    lon: {rng.uniform(-170, 170):.4f}")
        entry.append("    aliases: [" + ", ".join(aliases) + "]")
        {"actor": actors, "place": places, "theme": themes}[kind].append("\n".join(entry))
    # Append generated entries to the end of each section of the shipped file.
    sections = {"actors": actors, "places": places, "themes": themes}
    out, current = [], None
    for line in shipped.splitlines():
        if line.rstrip(":") in sections and line.endswith(":"):
            if current:
                out.extend(sections.pop(current))
            current = line.rstrip(":")
        elif line.startswith("ignore:") and current:
            out.extend(sections.pop(current))
            current = None
        out.append(line)
    if current in sections:
        out.extend(sections.pop(current))
    path.write_text("\n".join(out) + "\n", encoding="utf-8")


def load_pages(args: argparse.Namespace, tmp: Path) -> list[tuple[str, bytes]]:
    """(url, html) of the pages to measure."""
    if args.pages:
        files = sorted(p for p in args.pages.rglob("*") if p.suffix in (".html", ".htm"))[: args.n]
        return [(p.as_uri(), p.read_bytes()) for p in files]
    if args.jsonl:
        opener = gzip.open if args.jsonl.suffix == ".gz" else open
        pages = []
        with opener(args.jsonl, "rt", encoding="utf-8") as fh:
            for line in fh:
                item = json.loads(line)
                body = item.get("content_html") or ""
                html = (f"<html><head><title>{item.get('title', '')}</title></head><body><article>"
                        f"<h1>{item.get('title', '')}</h1>{body}</article></body></html>")
                pages.append((item.get("link"), html.encode("utf-8")))
                if len(pages) >= args.n:
                    break
        return pages
    from tools.sample.generator import generate
    files = generate(tmp / "sample", n_articles=args.n, seed=args.seed)
    return [(None, p.read_bytes()) for p in files if p.suffix in (".html", ".htm")]


def word_form_costs(texts: list[str], extract_cpu: float) -> dict:
    """CPU time of the word-form choices: expanding the shipped taxonomy's aliases once (cold, no cache)
    versus lemmatising or stemming every word of every page; printed per page and against extraction."""
    import re

    from pipeline.mentions.forms import WordForms
    from pipeline.mentions.taxonomy import load_taxonomy, normalize_marks

    words = [w for text in texts for w in re.findall(r"[^\W\d_]+", text)]
    out: dict = {"pages": len(texts), "words_per_page": round(len(words) / max(1, len(texts)))}
    aliases = [a for e in load_taxonomy(ROOT / "data" / "taxonomy.yaml").entities.values() for a in e.aliases]
    c0 = time.process_time()
    forms = WordForms(cache=None)
    for a in aliases:
        if a.inflect and not a.case_sensitive and not a.surname:
            forms.phrase(a.lang, " ".join(normalize_marks(a.text).split()).split(" "))
    out["expand_once_cold_s"] = round(time.process_time() - c0, 3)
    out["word_forms_in_automaton"] = sum(len(f) for a in aliases for f in a.words)
    runtime = {}
    import pymorphy3
    morph = pymorphy3.MorphAnalyzer(lang="ru")
    c0 = time.process_time()
    for w in words:
        morph.parse(w.lower())[0].normal_form
    runtime["pymorphy3 lemma per word (ru)"] = time.process_time() - c0
    try:
        import snowballstemmer
        for lang in ("russian", "armenian", "turkish", "english"):
            stemmer = snowballstemmer.stemmer(lang)
            c0 = time.process_time()
            stemmer.stemWords([w.lower() for w in words])
            runtime[f"snowball {lang} per word"] = time.process_time() - c0
    except ImportError:
        print("snowballstemmer not installed: its figures are left out (pip install -r requirements-dev.txt)")
    print(f"word forms: expanding the shipped taxonomy once (cold, pymorphy3 loaded) takes {out['expand_once_cold_s']:.2f} s"
          " of CPU at load and nothing per page; the run-time alternatives, per page "
          f"({out['words_per_page']} words):")
    out["runtime_per_page_ms"] = {}
    for name, seconds in runtime.items():
        per_page = 1000 * seconds / max(1, len(texts))
        out["runtime_per_page_ms"][name] = round(per_page, 3)
        print(f"  {name:32} {per_page:8.3f} ms per page = {100 * seconds / extract_cpu:6.2f} % of extraction CPU time")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-n", type=int, default=200, help="number of pages (default 200)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--pages", type=Path, help="measure .html files under this folder instead")
    ap.add_argument("--jsonl", type=Path, help="measure items (content_html) of a JSONL(.gz) feed dump instead")
    ap.add_argument("--entities", type=int, default=5000, help="size of the generated taxonomy")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "tagging.json")
    args = ap.parse_args(argv)
    from pipeline.extract import ExtractionError, extract_article

    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        pages = load_pages(args, tmp)
        big_path = tmp / "taxonomy_5000.yaml"
        write_generated_taxonomy(big_path, args.entities)

        setup = {}
        taggers = {}
        for name, path in (("shipped", ROOT / "data" / "taxonomy.yaml"), ("generated", big_path)):
            t0 = time.perf_counter()
            taxonomy = load_taxonomy(path)
            t1 = time.perf_counter()
            taggers[name] = Tagger(taxonomy)
            t2 = time.perf_counter()
            setup[name] = {"entities": len(taxonomy.entities),
                           "aliases": sum(len(e.aliases) for e in taxonomy.entities.values()),
                           "load_validate_s": round(t1 - t0, 4), "compile_s": round(t2 - t1, 4)}

        # Wall-clock and CPU time of each step; the taggers take turns going first after the extraction
        # (the first one after it finds colder caches).
        extract_s, extract_cpu = [], []
        tag_s = {name: [] for name in taggers}
        tag_cpu = {name: [] for name in taggers}
        mentions = {name: 0 for name in taggers}
        chars = failed = 0
        texts: list[str] = []
        order = list(taggers)
        for url, html in pages:
            w0, c0 = time.perf_counter(), time.process_time()
            try:
                article = extract_article(html, url)
            except ExtractionError:
                failed += 1
                continue
            extract_s.append(time.perf_counter() - w0)
            extract_cpu.append(time.process_time() - c0)
            text = article.text
            chars += len(text)
            texts.append(text)
            order.reverse()
            for name in order:
                w0, c0 = time.perf_counter(), time.process_time()
                found = taggers[name].tag(text, split_sentences(text))
                tag_s[name].append(time.perf_counter() - w0)
                tag_cpu[name].append(time.process_time() - c0)
                mentions[name] += len(found)

    if not extract_s:
        print("no page could be extracted", file=sys.stderr)
        return 1
    n = len(extract_s)
    report = {"pages": n, "extraction_failures": failed, "mean_text_chars": round(chars / n),
              "extract_ms_mean": round(1000 * statistics.mean(extract_s), 3),
              "extract_ms_median": round(1000 * statistics.median(extract_s), 3),
              "extract_cpu_ms_mean": round(1000 * statistics.mean(extract_cpu), 3), "taxonomies": {}}
    print(f"{n} pages ({failed} not extracted), mean text {chars / n:.0f} chars")
    print(f"extract_article: mean {report['extract_ms_mean']:.2f} ms (CPU {report['extract_cpu_ms_mean']:.2f} ms), "
          f"median {report['extract_ms_median']:.2f} ms per page")
    ok = True
    for name in taggers:
        cpu_ratio = sum(tag_cpu[name]) / sum(extract_cpu)
        wall_ratio = sum(tag_s[name]) / sum(extract_s)
        entry = dict(setup[name])
        entry.update({"tag_ms_mean": round(1000 * statistics.mean(tag_s[name]), 4),
                      "tag_ms_median": round(1000 * statistics.median(tag_s[name]), 4),
                      "tag_cpu_ms_mean": round(1000 * statistics.mean(tag_cpu[name]), 4),
                      "mentions": mentions[name], "tag_to_extract_cpu_pct": round(100 * cpu_ratio, 2),
                      "tag_to_extract_wall_pct": round(100 * wall_ratio, 2)})
        report["taxonomies"][name] = entry
        ok = ok and cpu_ratio < 0.05
        print(f"{name:9} taxonomy: {entry['entities']} entities, {entry['aliases']} aliases; "
              f"load+validate {entry['load_validate_s']:.3f} s, compile {entry['compile_s']:.3f} s")
        print(f"          split+tag: mean {entry['tag_ms_mean']:.3f} ms (CPU {entry['tag_cpu_ms_mean']:.3f} ms), "
              f"median {entry['tag_ms_median']:.3f} ms per page, {mentions[name]} mentions")
        print(f"          = {entry['tag_to_extract_cpu_pct']:.2f} % of extraction CPU time "
              f"({entry['tag_to_extract_wall_pct']:.2f} % wall-clock); target < 5 %")
    report["word_forms"] = word_form_costs(texts, sum(extract_cpu))
    report["target_met"] = ok
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    print(f"{'target met' if ok else 'TARGET MISSED'}; results in {args.out}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
