"""Evaluate statement extraction: quotes and reported speech in news, official turns in briefing
transcripts, issuer positions in official releases; speakers, types and states.

Default: the project's own news gold set (tests/fixtures/statements_gold, with its small taxonomy), and
the fictional Russian, Azerbaijani and Armenian transcripts and releases of tests/fixtures/statements
(ingested with the real pipeline).
`--state-dept FEED`: the State Department gold (benchmarks/data/statements_gold_state_dept.yaml) on the
feed items it names (caucasus/state_dept_press_releases_rss/caucasus_subset.jsonl of the shared corpora),
ingested with the real pipeline, data/taxonomy.yaml and data/sources.yaml.
`--ggt DIR`: the Gender Gap Tracker's 98 annotated news articles (human_annotations.json + rawtext/),
printed beside that project's published figures (quote F1 0.837 at 0.3 overlap, speaker 0.865).
`--store DB`: the share of statements with a speaker state, per genre, in a built store.

News gold, matching per article, greedy in gold order like the GGT's evaluate_quotes: a predicted
statement matches a gold quote when the words they share cover at least `--overlap` (0.3) of the gold
quote's words; "exact" also reports matches whose normalised text is equal (quote marks, edge
punctuation and a leading "that"/"что" ignored). Speaker accuracy is on matched quotes: the same
taxonomy entity, or the same name after normalising (case, punctuation, articles, honorifics, Russian
case endings) where one side's surname (last word) appears among the other's words.

Transcripts and releases, per genre: answer recall (gold statements whose anchor a stored statement
covers — at least 0.3 of its words, as for news quotes, since reported speech keeps only the reported
clause; the statement covering most of it, then the shortest, is the match), speaker, type and state
accuracy on the matched ones, state coverage (stored statements of that genre with a speaker state) and question leaks (stored
statements that overlap a journalist's question and are an official's turn or position, or are given
to an official who answers in that transcript). Questions are found from the page's own bold labels
(QUESTION, Q, Вопрос, Sual, Հարց), independently of the pipeline.

    python -m benchmarks.statements_eval                       # news gold set + fixtures
    python -m benchmarks.statements_eval --state-dept PATH/caucasus_subset.jsonl
    python -m benchmarks.statements_eval --ggt PATH/gender_gap_tracker
    python -m benchmarks.statements_eval --store data/tracker.duckdb
Results: benchmarks/results/statements_eval_<set>.json and .md
"""
from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import re
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import yaml
from lxml import html as lxml_html

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from pipeline.mentions.matcher import Tagger  # noqa: E402
from pipeline.mentions.sentences import split_sentences  # noqa: E402
from pipeline.mentions.taxonomy import load_taxonomy  # noqa: E402
from pipeline.statements import Statement, extract_statements  # noqa: E402
from pipeline.statements.tokens import stem  # noqa: E402

GOLD_DIR = ROOT / "tests" / "fixtures" / "statements_gold"
FIXTURES_DIR = ROOT / "tests" / "fixtures" / "statements"
STATE_DEPT_GOLD = ROOT / "benchmarks" / "data" / "statements_gold_state_dept.yaml"
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


# --- transcripts and releases, through the real pipeline ------------------------------------------------

_QUESTION_LABELS = {"question", "q", "вопрос", "sual", "հարց"}
_LABEL_END = re.compile(r"[:.։]\s*$")


def _norm(text: str) -> str:
    """Lower case, curly quotes and dashes as plain ones, single spaces: how anchors are compared."""
    text = text.lower().replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"').replace("ё", "е")
    return " ".join(text.split())


def question_paragraphs(page_html: str) -> list[str]:
    """Texts of the paragraphs of journalists' turns: a paragraph opening with a bold question label
    (QUESTION:, Q, Вопрос:, Sual:, Հարց.) and the unlabelled paragraphs after it."""
    root = lxml_html.fromstring(page_html)
    out, asking = [], False
    for p in root.iter("p"):
        text = " ".join(p.text_content().split())
        if not text:
            continue
        bold = p.find(".//strong")
        if bold is None:
            bold = p.find(".//b")
        label = " ".join(bold.text_content().split()) if bold is not None else ""
        if label and text.startswith(label) and (_LABEL_END.search(label) or label.lower() == "q"):
            asking = _LABEL_END.sub("", label).strip().lower() in _QUESTION_LABELS
        if asking:
            out.append(text)
    return out


def _line_spans(text: str, paragraphs: list[str]) -> list[tuple[int, int]]:
    """Where the given paragraphs are in an article's text (lines compared after normalising)."""
    want = {_norm(p) for p in paragraphs}
    spans, pos = [], 0
    for line in text.split("\n"):
        if _norm(line) in want:
            spans.append((pos, pos + len(line)))
        pos += len(line) + 1
    return spans


@dataclass
class Doc:
    """One stored article with its gold statements, the stored statements and its question spans."""

    key: str
    genre: str
    text: str
    gold: list[dict]
    stored: list[dict]
    questions: list[tuple[int, int]] = field(default_factory=list)
    stored_genre: str | None = None


def ingest_into(db: Path, inputs: list[str], sources: Path | None = None, taxonomy: Path | None = None) -> None:
    """Run the real ingest (extraction, mentions, statements, clusters) on the inputs into `db`."""
    from pipeline.config import DEFAULT_SOURCES
    from pipeline.run.ingest import Options, ingest
    ingest(inputs, Options(db=db, sources=sources or DEFAULT_SOURCES, taxonomy=taxonomy, workers=2,
                           progress=False))


def stored_docs(db: Path, key: str = "url") -> dict[str, tuple[dict, list[dict]]]:
    """url (or another article column) -> (article row, its statements) of a store."""
    with duckdb.connect(str(db), read_only=True) as con:
        cols = {r[0] for r in con.execute("SELECT column_name FROM duckdb_columns() WHERE table_name = 'articles'")
                .fetchall()}
        genre = "genre" if "genre" in cols else "NULL AS genre"      # stores older than the genre column
        arts = con.execute(f"SELECT article_id, url, raw_sha256, {genre}, text FROM articles").df().to_dict("records")
        cur = con.execute("SELECT * FROM statements ORDER BY article_id, char_start")
        names = [c[0] for c in cur.description]
        sts = [dict(zip(names, row, strict=True)) for row in cur.fetchall()]      # NULL stays None
    by_article = defaultdict(list)
    for st in sts:
        by_article[st["article_id"]].append(st)
    return {a[key]: (a, by_article[a["article_id"]]) for a in arts}


def _find(text: str, anchor: str) -> tuple[int, int] | None:
    """The anchor's span in the text: case-insensitive, any run of spaces, curly or straight quotes."""
    words = [re.sub(r"['’‘]", "['’‘]", re.sub(r'["“”]', '["“”]', re.escape(w).replace("\\'", "'")))
             for w in anchor.split()]
    m = re.search(r"\s+".join(words), text, re.I)
    return (m.start(), m.end()) if m else None


def _best_cover(text: str, span: tuple[int, int], stored: list[dict], overlap: float = 0.3) -> dict | None:
    """The stored statement covering most of the anchor's words (at least `overlap` of them, as the news
    matching asks of a gold quote; the shortest on a tie): reported speech keeps only the reported
    clause, so "He urged continued reforms" is matched by "continued reforms"."""
    words = [(m.start(), m.end()) for m in _WORD.finditer(text, *span)]
    best, best_key = None, None
    for st in stored:
        covered = sum(st["char_start"] <= a and b <= st["char_end"] for a, b in words)
        if not covered or covered < overlap * len(words):
            continue
        key = (-covered, st["char_end"] - st["char_start"])
        if best_key is None or key < best_key:
            best, best_key = st, key
    return best


def _speaker_ok(want: str, st: dict, entities: set[str]) -> bool:
    """The gold speaker is a taxonomy id (compared with the entity) or a name (compared by surname)."""
    if want in entities:
        return st.get("speaker_entity_id") == want
    g, p = _name_words(want), _name_words(st.get("speaker"))
    return bool(g and p) and (g == p or g[-1] in p)


def score_docs(docs: list[Doc], entities: set[str]) -> dict:
    """Per-genre recall, speaker/type/state accuracy, state coverage and question leaks."""
    res: dict[str, dict] = {}
    errors: list[dict] = []
    for doc in docs:
        r = res.setdefault(doc.genre, defaultdict(int))
        r["documents"] += 1
        r["genre_ok"] += doc.stored_genre == doc.genre
        if doc.stored_genre != doc.genre:
            errors.append({"doc": doc.key, "error": "genre", "want": doc.genre, "got": doc.stored_genre})
        for g in doc.gold:
            r["gold"] += 1
            span = _find(doc.text, g["anchor"])
            st = _best_cover(doc.text, span, doc.stored) if span else None
            if st is None:
                errors.append({"doc": doc.key, "error": "missed" if span else "anchor not in text",
                               "anchor": g["anchor"]})
                continue
            r["matched"] += 1
            for what, ok, got in (("speaker", _speaker_ok(str(g["speaker"]), st, entities),
                                   (st["speaker"], st["speaker_entity_id"])),
                                  ("type", st["statement_type"] == g["type"], st["statement_type"]),
                                  ("state", st["speaker_state_id"] == g["state"], st["speaker_state_id"])):
                r[f"{what}_ok"] += ok
                if not ok:
                    errors.append({"doc": doc.key, "error": what, "anchor": g["anchor"],
                                   "want": g["speaker" if what == "speaker" else what], "got": got,
                                   "quote": st["quote"][:160]})
        officials = {st["speaker_entity_id"] or st["speaker"] for st in doc.stored if st["kind"] == "transcript"}
        r["stored"] += len(doc.stored)
        r["with_state"] += sum(st["speaker_state_id"] is not None for st in doc.stored)
        for st in doc.stored:
            inside = any(st["char_start"] < b and a < st["char_end"] for a, b in doc.questions)
            if inside and (st["kind"] in ("transcript", "release")
                           or (st["speaker_entity_id"] or st["speaker"]) in officials):
                r["leaks"] += 1
                errors.append({"doc": doc.key, "error": "question leak", "speaker": st["speaker"],
                               "quote": st["quote"][:160]})
    out = {}
    for genre, r in res.items():
        m = r["matched"]
        out[genre] = {"documents": r["documents"], "gold": r["gold"], "genre_accuracy": r["genre_ok"] / r["documents"],
                      "recall": m / r["gold"] if r["gold"] else None,
                      "speaker_accuracy": r["speaker_ok"] / m if m else None,
                      "type_accuracy": r["type_ok"] / m if m else None,
                      "state_accuracy": r["state_ok"] / m if m else None,
                      "stored": r["stored"], "state_coverage": r["with_state"] / r["stored"] if r["stored"] else None,
                      "question_leaks": r["leaks"]}
    return {"genres": out, "errors": errors}


def state_dept_docs(feed: Path, db: Path) -> tuple[list[Doc], dict]:
    """Ingest every item of the feed file, then pair the gold items with what was stored."""
    gold = yaml.safe_load(STATE_DEPT_GOLD.read_text(encoding="utf-8"))["items"]
    items = {}
    for line in feed.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            items[row["link"]] = row
    ingest_into(db, [str(feed)])
    stored = stored_docs(db)
    docs = []
    for g in gold:
        art, sts = stored[g["link"]]
        doc = Doc(g["link"].rstrip("/").rsplit("/", 1)[-1], g["genre"], art["text"], g["statements"], sts,
                  stored_genre=art["genre"])
        doc.questions = _line_spans(art["text"], question_paragraphs(items[g["link"]]["content_html"]))
        docs.append(doc)
    return docs, {url: v for url, v in stored.items()}


def fixture_docs(folder: Path, db: Path) -> list[Doc]:
    """Ingest the fixture pages (their own sources file) and pair them with gold.yaml."""
    gold = yaml.safe_load((folder / "gold.yaml").read_text(encoding="utf-8"))["pages"]
    pages = [folder / g["page"] for g in gold]
    ingest_into(db, [str(p) for p in pages], sources=folder / "sources.yaml")
    stored = stored_docs(db, key="raw_sha256")
    docs = []
    for g, page in zip(gold, pages, strict=True):
        raw = page.read_bytes()
        art, sts = stored[hashlib.sha256(raw).hexdigest()]
        doc = Doc(g["page"], g["genre"], art["text"], g["statements"], sts, stored_genre=art["genre"])
        doc.questions = _line_spans(art["text"], question_paragraphs(raw.decode("utf-8")))
        docs.append(doc)
    return docs


def store_coverage(db: Path) -> dict:
    """Statements and the share with a speaker state, per article genre, in a built store."""
    with duckdb.connect(str(db), read_only=True) as con:
        cols = {r[0] for r in con.execute("SELECT column_name FROM duckdb_columns() WHERE table_name = 'articles'")
                .fetchall()}
        genre = "a.genre" if "genre" in cols else "NULL"
        rows = con.execute(f"SELECT coalesce({genre}, '?'), count(*), count(s.speaker_state_id) FROM statements s "
                           "JOIN articles a USING (article_id) GROUP BY ALL ORDER BY 1").fetchall()
    out = {g: {"statements": n, "with_state": k, "state_coverage": k / n if n else None} for g, n, k in rows}
    n, k = sum(r[1] for r in rows), sum(r[2] for r in rows)
    out["all"] = {"statements": n, "with_state": k, "state_coverage": k / n if n else None}
    return out


def _genre_table(name: str, res: dict) -> str:
    def f(x: float | None) -> str:
        return "—" if x is None else f"{x:.3f}"
    lines = [f"| {name} | documents | gold | genre | answer recall | speaker | type | state | stored "
             "| state coverage | question leaks |", "|---|---|---|---|---|---|---|---|---|---|---|"]
    for genre, r in sorted(res["genres"].items()):
        lines.append(f"| {genre} | {r['documents']} | {r['gold']} | {f(r['genre_accuracy'])} | {f(r['recall'])} "
                     f"| {f(r['speaker_accuracy'])} | {f(r['type_accuracy'])} | {f(r['state_accuracy'])} "
                     f"| {r['stored']} | {f(r['state_coverage'])} | {r['question_leaks']} |")
    return "\n".join(lines)



def _write(out: Path, name: str, table: str, res: dict) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / f"statements_eval_{name}.md").write_text(table + "\n", encoding="utf-8")
    (out / f"statements_eval_{name}.json").write_text(json.dumps(res, ensure_ascii=False, indent=1, default=str),
                                                      encoding="utf-8")


def _print_errors(errors: list[dict], n: int) -> None:
    for e in errors[:n]:
        print(json.dumps(e, ensure_ascii=False))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--gold", type=Path, default=GOLD_DIR, help="news gold-set folder (default: %(default)s)")
    ap.add_argument("--fixtures", type=Path, default=FIXTURES_DIR,
                    help="transcript/release fixtures with gold.yaml (default: %(default)s)")
    ap.add_argument("--state-dept", type=Path, metavar="FEED", help="caucasus_subset.jsonl of the shared corpora")
    ap.add_argument("--ggt", type=Path, help="Gender Gap Tracker folder (human_annotations.json, rawtext/)")
    ap.add_argument("--store", type=Path, help="a built store: share of statements with a state, per genre")
    ap.add_argument("--overlap", type=float, default=0.3, help="share of gold words to count a match")
    ap.add_argument("--errors", type=int, default=0, help="print this many error samples")
    ap.add_argument("--out", type=Path, default=RESULTS, help="results folder (default: %(default)s)")
    args = ap.parse_args(argv)
    if args.store:
        res = store_coverage(args.store)
        table = "\n".join(["| genre | statements | with a state | share |", "|---|---|---|---|"] + [
            f"| {g} | {r['statements']} | {r['with_state']} | {r['state_coverage']:.3f} |" for g, r in res.items()])
        print(table)
        _write(args.out, "store", table, res)
        return 0
    if args.ggt:
        res = run(load_ggt(args.ggt), None, args.overlap)
        table = _table("ggt", res, GGT_PUBLISHED)
        print(table)
        print(f"\n{res['seconds']:.2f} s for {res['articles']} articles")
        _print_errors(res["errors"], args.errors)
        _write(args.out, "ggt", table, res)
        return 0
    if args.state_dept:
        from pipeline.mentions.taxonomy import load_taxonomy as _load
        started = time.perf_counter()
        with tempfile.TemporaryDirectory(prefix="statements-eval-") as tmp:
            docs, _ = state_dept_docs(args.state_dept, Path(tmp) / "eval.duckdb")
            subset = store_coverage(Path(tmp) / "eval.duckdb")
        res = score_docs(docs, set(_load().entities))
        res["subset_state_coverage"] = subset
        table = _genre_table("State Department", res) + "\n\n" + "\n".join(
            [f"All {subset['all']['statements']} statements stored from the feed file: "
             f"{subset['all']['state_coverage']:.3f} with a speaker state."])
        print(table)
        print(f"\n{time.perf_counter() - started:.1f} s")
        _print_errors(res["errors"], args.errors)
        _write(args.out, "state_dept", table, res)
        return 0
    tax_path = args.gold / "taxonomy.yaml"
    res = run(load_gold(args.gold), tax_path if tax_path.is_file() else None, args.overlap)
    table = _table("gold", res, None)
    print(table)
    print(f"\n{res['seconds']:.2f} s for {res['articles']} articles")
    _print_errors(res["errors"], args.errors)
    _write(args.out, "gold", table, res)
    if (args.fixtures / "gold.yaml").is_file():
        from pipeline.mentions.taxonomy import load_taxonomy as _load
        with tempfile.TemporaryDirectory(prefix="statements-eval-") as tmp:
            fixtures = score_docs(fixture_docs(args.fixtures, Path(tmp) / "eval.duckdb"), set(_load().entities))
        ftable = _genre_table("fixtures", fixtures)
        print("\n" + ftable)
        _print_errors(fixtures["errors"], args.errors)
        _write(args.out, "fixtures", ftable, fixtures)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
