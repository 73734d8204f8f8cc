"""Ingest speed and memory against trafilatura's own floor, measured in one run on the same inputs.

For each corpus: the floor is bare `trafilatura.bare_extraction(html, with_metadata=True)` over the
same HTML, in one process and in a pool of as many processes as cores; ours is
`python -m pipeline ingest` into an empty store with 1 worker and with all cores (statements and
mentions on, store writes and end-of-run upkeep included). Ratio = floor seconds / our seconds
(target ≥ 0.85, both single-process and pooled). Peak RSS is of the whole process tree (psutil,
sampled every 50 ms). Results: benchmarks/results/ingest.{json,md}.

Corpora: the State Department releases (`--statedept`, default ../shared/corpora/caucasus/...), the
Article Extraction Benchmark (`--aeb`, default ../shared/corpora/aeb) when present, else `-n`
generated pages (tools/sample). `--memory` adds peak RSS for 2,000 and 20,000 generated pages and,
with `--big-store PATH`, for a 10-page batch into a copy of that store (e.g. the 1 M-article store
of benchmarks/queries.py). `--profile` writes a pyinstrument profile of the 1-worker run.

    python benchmarks/ingest.py                       # every corpus found, all figures
    python benchmarks/ingest.py --limit 500           # the first 500 items of each corpus
    python benchmarks/ingest.py --memory --big-store benchmarks/results/queries-1000000.duckdb
"""
from __future__ import annotations

import argparse
import gzip
import json
import multiprocessing
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil
import trafilatura

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tools.sample.generator import generate  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
SHARED = ROOT.parent / "shared" / "corpora"
TARGET = 0.85
MEMORY_TARGET_MB = 1024


@dataclass
class Corpus:
    """One benchmark corpus: what ours ingests (`inputs`) and the same HTML for the floor (`pages`)."""

    name: str
    inputs: list[str]
    pages: list[Path | str] = field(default_factory=list)


class PeakRSS:
    """Samples the summed RSS of a process and all its children until stopped; keeps the peak, and the
    peak of the summed PSS (proportional set size: pages a forked worker shares with its parent count
    once, split between them, where RSS counts them in each), read every `pss_every` samples."""

    def __init__(self, pid: int, every: float = 0.05, pss_every: int = 10) -> None:
        self.pid, self.every, self.pss_every, self.peak, self.peak_pss = pid, every, pss_every, 0, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        try:
            root = psutil.Process(self.pid)
        except psutil.NoSuchProcess:
            return
        samples = 0
        while not self._stop.is_set():
            total = pss = 0
            full = samples % self.pss_every == 0
            try:
                for proc in [root, *root.children(recursive=True)]:
                    try:
                        if full:
                            info = proc.memory_full_info()
                            total, pss = total + info.rss, pss + info.pss
                        else:
                            total += proc.memory_info().rss
                    except (psutil.NoSuchProcess, psutil.AccessDenied):
                        pass
            except psutil.NoSuchProcess:
                return
            self.peak, self.peak_pss, samples = max(self.peak, total), max(self.peak_pss, pss), samples + 1
            self._stop.wait(self.every)

    def __enter__(self) -> PeakRSS:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def _read_page(page: Path | str) -> str:
    """The HTML of one floor task: a (gzipped) file, or the HTML itself (items of a JSONL input)."""
    if isinstance(page, str):
        return page
    data = page.read_bytes()
    if page.suffix == ".gz":
        data = gzip.decompress(data)
    return data.decode("utf-8", errors="replace")


def _bare(page: Path | str) -> bool:
    """The floor's unit of work: read the page and run bare trafilatura on it."""
    return trafilatura.bare_extraction(_read_page(page), with_metadata=True) is not None


def floor(pages: list, workers: int) -> float:
    """Seconds bare trafilatura takes over the pages, in one process or a pool of `workers`."""
    started = time.perf_counter()
    if workers == 1:
        for page in pages:
            _bare(page)
    else:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            for _ in pool.imap_unordered(_bare, pages, chunksize=8):
                pass
    return time.perf_counter() - started


@dataclass
class Run:
    """One `python -m pipeline ingest`: seconds, peak RSS and PSS of its process tree (bytes), summary line."""

    seconds: float
    peak: int
    peak_pss: int
    line: str


def ours(inputs: list[str], db: Path, workers: int, profile: Path | None = None) -> Run:
    """Run `python -m pipeline ingest` on the inputs into `db` (emptied first) and measure it."""
    for leftover in (db, db.with_name(db.name + ".wal")):
        leftover.unlink(missing_ok=True)
    runner = [sys.executable, "-m", "pyinstrument", "-r", "text", "-o", str(profile), "-m"] if profile else \
        [sys.executable, "-m"]
    cmd = [*runner, "pipeline", "ingest", "--db", str(db), "--workers", str(workers), "--quiet", *inputs]
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    with PeakRSS(proc.pid) as rss:
        out, err = proc.communicate()
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"ingest failed ({proc.returncode}): {err.strip().splitlines()[-1:]}")
    return Run(seconds, rss.peak, rss.peak_pss, out.strip().splitlines()[-1] if out.strip() else "")


def statedept(path: Path, folder: Path, limit: int) -> Corpus | None:
    """The State Department releases as one JSONL input (url, html, title, published per item)."""
    if not path.is_file():
        return None
    out = folder / "statedept.jsonl"
    pages: list[Path | str] = []
    with gzip.open(path, "rt", encoding="utf-8") as src, out.open("w", encoding="utf-8") as dst:
        for line in src:
            item = json.loads(line)
            html = (f"<html><head><title>{item['title']}</title></head><body><article><h1>{item['title']}</h1>"
                    f"{item['content_html']}</article></body></html>")
            dst.write(json.dumps({"url": item["link"], "html": html, "title": item["title"],
                                  "published": item["pubDate"]}) + "\n")
            pages.append(html)
            if limit and len(pages) >= limit:
                break
    return Corpus(f"State Department releases ({len(pages)})", [str(out)], pages)


def aeb(path: Path, folder: Path, limit: int) -> Corpus | None:
    """The Article Extraction Benchmark's pages as a folder of .html.gz files."""
    pages = sorted((path / "html").glob("*.html.gz")) if path.is_dir() else []
    if not pages:
        return None
    pages = pages[:limit] if limit else pages
    target = folder / "aeb"
    target.mkdir()
    for page in pages:
        shutil.copy(page, target / page.name)
    copies = sorted(target.glob("*.html.gz"))
    return Corpus(f"AEB pages ({len(copies)})", [str(target)], list(copies))


def generated(folder: Path, n: int, seed: int = 11) -> Corpus:
    """N synthetic pages from the sample generator (different seed from the bundled sample)."""
    target = folder / f"generated-{n}"
    generate(target, n_articles=n, seed=seed)
    pages = sorted(p for p in target.rglob("*.html"))
    return Corpus(f"generated pages ({len(pages)})", [str(target)], pages)


def load() -> float:
    """The 1-minute load average (other developers share the cores: read every figure beside it)."""
    return round(os.getloadavg()[0], 1)


def speed(corpus: Corpus, tmp: Path, cores: int, profile: bool) -> dict:
    """Floor and ours, single-process and pooled, for one corpus; the load average before each."""
    row: dict = {"corpus": corpus.name, "items": len(corpus.pages)}
    for label, workers in (("single", 1), ("pooled", cores)):
        row[f"load_{label}"] = load()
        row[f"floor_{label}_s"] = floor(corpus.pages, workers)
        prof = RESULTS / f"ingest-profile-{corpus.name.split()[0].lower()}.txt" if profile and workers == 1 else None
        run = ours(corpus.inputs, tmp / "bench.duckdb", workers, prof)
        seconds, peak, line = run.seconds, run.peak, run.line
        row[f"ours_{label}_s"], row[f"ours_{label}_peak_mb"], row[f"ours_{label}_line"] = seconds, peak / 2**20, line
        row[f"ratio_{label}"] = row[f"floor_{label}_s"] / seconds
        print(f"  {corpus.name}, {label} ({workers} process(es)): floor {row[f'floor_{label}_s']:.1f} s, "
              f"ours {seconds:.1f} s → {row[f'ratio_{label}']:.2f}× the floor; peak {peak / 2**20:.0f} MB | {line}",
              flush=True)
    return row


def memory(tmp: Path, cores: int, sizes: list[int], big_store: Path | None) -> list[dict]:
    """Peak RSS of the ingest process tree for generated corpora of each size and a 10-page batch into a big store."""
    rows = []
    for n in sizes:
        corpus = generated(tmp, n, seed=23)
        before = load()
        rows.append(_memory_row(f"{n:,} pages into an empty store", ours(corpus.inputs, tmp / f"mem-{n}.duckdb", cores),
                                before))
        shutil.rmtree(corpus.inputs[0])
    if big_store is not None:
        batch = generated(tmp, 10, seed=29)
        copy = tmp / "big.duckdb"
        shutil.copy(big_store, copy)
        before = load()
        rows.append(_memory_row(f"10 pages into {big_store.name}", ours(batch.inputs, copy, cores), before))
    return rows


def _memory_row(case: str, run: Run, load_before: float) -> dict:
    row = {"case": case, "seconds": run.seconds, "peak_mb": run.peak / 2**20, "peak_pss_mb": run.peak_pss / 2**20,
           "load": load_before, "line": run.line}
    print(f"  {case}: {run.seconds:.1f} s, peak RSS {row['peak_mb']:.0f} MB (PSS {row['peak_pss_mb']:.0f} MB) "
          f"| {run.line}", flush=True)
    return row


def markdown(rows: list[dict], mem: list[dict], meta: dict) -> str:
    lines = [f"Machine: {meta['machine']}, {meta['cores']} cores; {meta['when']}"]
    if rows:  # a memory-only run (--skip-speed) has no speed table, nor a verdict on it
        lines += ["", "| corpus | items | floor 1 proc s | ours 1 worker s | ratio | floor pool s | ours all cores s "
                  "| ratio | peak MB (1 / all) | load avg (1 / all) |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for r in rows:
            lines.append(f"| {r['corpus']} | {r['items']} | {r['floor_single_s']:.1f} | {r['ours_single_s']:.1f} | "
                         f"{r['ratio_single']:.2f} | {r['floor_pooled_s']:.1f} | {r['ours_pooled_s']:.1f} | "
                         f"{r['ratio_pooled']:.2f} | {r['ours_single_peak_mb']:.0f} / {r['ours_pooled_peak_mb']:.0f} "
                         f"| {r['load_single']} / {r['load_pooled']} |")
        met = all(r["ratio_single"] >= TARGET and r["ratio_pooled"] >= TARGET for r in rows)
        lines.append(f"\nTarget ours ≥ {TARGET} × the floor: {'met' if met else 'missed'}.")
    if mem:
        lines += ["", "| memory case | seconds | peak RSS MB | peak PSS MB | load avg |", "|---|---:|---:|---:|---:|"]
        lines += [f"| {m['case']} | {m['seconds']:.1f} | {m['peak_mb']:.0f} | {m['peak_pss_mb']:.0f} | {m['load']} |"
                  for m in mem]
        ok = all(m["peak_mb"] < MEMORY_TARGET_MB for m in mem)
        peaks = [m["peak_mb"] for m in mem]
        lines.append(f"\nTarget peak RSS < {MEMORY_TARGET_MB} MB at every size: {'met' if ok else 'missed'}; "
                     f"largest / smallest peak {max(peaks) / min(peaks):.2f}.")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--statedept", type=Path,
                        default=SHARED / "caucasus" / "state_dept_press_releases_rss" / "all_items.jsonl.gz")
    parser.add_argument("--aeb", type=Path, default=SHARED / "aeb")
    parser.add_argument("-n", type=int, default=500, help="generated pages when no real corpus is found")
    parser.add_argument("--limit", type=int, default=0, help="first N items of each real corpus (0 = all)")
    parser.add_argument("--cores", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--memory", action="store_true", help="also peak RSS for 2,000 and 20,000 pages")
    parser.add_argument("--memory-sizes", type=int, nargs="+", default=[2000, 20000])
    parser.add_argument("--big-store", type=Path, default=None, help="store to add a 10-page batch to (a copy)")
    parser.add_argument("--profile", action="store_true", help="pyinstrument profile of each 1-worker run")
    parser.add_argument("--skip-speed", action="store_true", help="only the memory figures")
    args = parser.parse_args(argv)
    RESULTS.mkdir(parents=True, exist_ok=True)
    meta = {"machine": f"{platform.machine()} {platform.processor() or ''} {platform.python_version()}".strip(),
            "cores": args.cores, "when": time.strftime("%Y-%m-%d %H:%M")}
    rows, mem = [], []
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp_name:
        tmp = Path(tmp_name)
        if not args.skip_speed:
            corpora = [c for c in (statedept(args.statedept, tmp, args.limit), aeb(args.aeb, tmp, args.limit)) if c]
            if not corpora:
                corpora = [generated(tmp, args.n)]
            for corpus in corpora:
                print(f"{corpus.name}:", flush=True)
                rows.append(speed(corpus, tmp, args.cores, args.profile))
        if args.memory:
            print("memory:", flush=True)
            mem = memory(tmp, args.cores, args.memory_sizes, args.big_store)
    report = markdown(rows, mem, meta)
    print(report)
    name = "ingest" if rows else "ingest-memory"   # a memory-only run keeps the last speed table
    (RESULTS / f"{name}.md").write_text(report + "\n", encoding="utf-8")
    (RESULTS / f"{name}.json").write_text(json.dumps({"meta": meta, "speed": rows, "memory": mem}, indent=2),
                                          encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
