"""Evaluation of the cleaning stage: kept body lines and metadata against hand-made gold.

In: `annotations/clean/` (one `<doc_id>.txt` per corpus article holding its gold body
lines, each a stripped raw line, and `metadata.jsonl` with title, authors, published,
publisher), the corpus folder, and for the no-harm check a folder of clean news
(PolNeAR). Out: a dict of measures and a small text table (`format_cleaning_report`);
the `claims eval-clean` command prints it.

Method: line-level precision and recall of the kept body lines (the cleaned text split
at its paragraph breaks) against the gold lines, both sides normalised the same way
(`repair_text`: entities, quote pairs, whitespace; then casefolded) and matched as
multisets, micro-averaged over articles, as in the CleanEval shared task's text-level
comparison (Baroni et al., LREC 2008) but on whole lines since gold lines are raw lines.
Metadata fields are compared exactly per article (titles after the same repair). Two
damage checks count what must never survive cleaning: a broken entity ("& mdash;") and
a “ ... '' pair. `polnear_kept_ratio` measures harm on clean news: the share of the raw
non-whitespace characters that the kept text maps back to (through the offset map), summed
over all articles.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

from pipeline.clean import BatchLineStats, clean_article, repair_text
from pipeline.schema import Article

METADATA_FIELDS = ("title", "authors", "published", "publisher")
_BROKEN_ENTITY = re.compile(r"&\s+#?[A-Za-z0-9]{2,31}\s*;")
_UNPAIRED_QUOTE = re.compile(r"“[^“”\n]*''")


def normalise_line(line: str) -> str:
    """The form in which gold and predicted lines are compared."""
    return repair_text(line).casefold()


def _read(path: Path) -> str:
    with open(path, encoding="utf-8", newline="") as fh:
        return fh.read()


def _article(path: Path) -> Article:
    return Article(doc_id=path.stem, path=str(path), format="txt", raw_text=_read(path))


def _ratio(num: int, den: int) -> float:
    return num / den if den else 1.0


def evaluate_cleaning(gold_dir: Path, corpus_dir: Path, use_batch: bool = True) -> dict:
    """Body-line precision/recall, metadata matches and damage counts over the gold articles.

    With `use_batch`, cross-article line statistics are computed over the evaluated
    corpus articles, as the batch runner does.
    """
    gold_dir, corpus_dir = Path(gold_dir), Path(corpus_dir)
    gold_meta: dict[str, dict] = {}
    meta_path = gold_dir / "metadata.jsonl"
    if meta_path.exists():
        for row in meta_path.read_text(encoding="utf-8").splitlines():
            if row.strip():
                record = json.loads(row)
                gold_meta[record["doc_id"]] = record
    doc_ids = sorted(p.stem for p in gold_dir.glob("*.txt"))
    articles = [_article(corpus_dir / f"{d}.txt") for d in doc_ids]
    batch = BatchLineStats.from_articles(articles) if use_batch else None

    per_doc: dict[str, dict] = {}
    tp = n_pred = n_gold = 0
    field_hits = Counter()
    n_meta = 0
    broken_entities = unpaired_quotes = 0
    for article in articles:
        cleaned = clean_article(article, batch)
        pred = [normalise_line(p) for p in cleaned.text.split("\n\n") if p.strip()]
        gold_lines = _read(gold_dir / f"{article.doc_id}.txt").splitlines()
        gold = [normalise_line(g) for g in gold_lines if g.strip()]
        common = Counter(pred) & Counter(gold)
        hits = sum(common.values())
        tp, n_pred, n_gold = tp + hits, n_pred + len(pred), n_gold + len(gold)
        doc = {
            "precision": _ratio(hits, len(pred)),
            "recall": _ratio(hits, len(gold)),
            "extra": sorted((Counter(pred) - Counter(gold)).elements()),
            "missing": sorted((Counter(gold) - Counter(pred)).elements()),
            "broken_entities": len(_BROKEN_ENTITY.findall(cleaned.text)),
            "unpaired_quotes": len(_UNPAIRED_QUOTE.findall(cleaned.text)),
        }
        broken_entities += doc["broken_entities"]
        unpaired_quotes += doc["unpaired_quotes"]
        expected = gold_meta.get(article.doc_id)
        if expected is not None:
            n_meta += 1
            found = {
                "title": cleaned.title, "authors": cleaned.authors,
                "published": cleaned.published, "publisher": cleaned.publisher,
            }
            want = dict(expected)
            if want.get("title"):
                want["title"] = repair_text(want["title"])
            matches = {f: found[f] == want.get(f) for f in METADATA_FIELDS}
            field_hits.update(f for f, ok in matches.items() if ok)
            doc["metadata"] = {f: {"ok": ok, "found": found[f], "gold": want.get(f)}
                               for f, ok in matches.items()}
        per_doc[article.doc_id] = doc

    precision, recall = _ratio(tp, n_pred), _ratio(tp, n_gold)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    all_fields = sum(1 for d in per_doc.values()
                     if d.get("metadata") and all(v["ok"] for v in d["metadata"].values()))
    return {
        "documents": len(articles),
        "batch": use_batch,
        "lines": {"precision": precision, "recall": recall, "f1": f1,
                  "true_positives": tp, "predicted": n_pred, "gold": n_gold},
        "metadata": {"articles": n_meta,
                     **{f: field_hits[f] for f in METADATA_FIELDS},
                     "all_fields": all_fields},
        "damage": {"broken_entities": broken_entities, "unpaired_quotes": unpaired_quotes},
        "per_doc": per_doc,
    }


def polnear_kept_ratio(directory: Path, use_batch: bool = False) -> float:
    """Share of raw non-whitespace characters kept by cleaning, summed over a folder of
    clean news articles (`*.txt`, read with newline=""): 1.0 means nothing was lost."""
    paths = sorted(Path(directory).glob("*.txt"))
    articles = [_article(p) for p in paths]
    batch = BatchLineStats.from_articles(articles) if use_batch else None
    kept = total = 0
    for article in articles:
        raw = article.raw_text
        total += sum(1 for ch in raw if not ch.isspace())
        cleaned = clean_article(article, batch)
        for clean_start, clean_end, raw_start, raw_end, _ in cleaned.offsets.segments():
            if cleaned.text[clean_start:clean_end].isspace():
                continue  # a paragraph break stands for the raw text between two kept lines
            kept += sum(1 for ch in raw[raw_start:raw_end] if not ch.isspace())
    return _ratio(kept, total)


def format_cleaning_report(result: dict, polnear_ratio: float | None = None) -> str:
    """A small text table of `evaluate_cleaning` results (and the PolNeAR kept ratio, given
    here or stored in `result["polnear_kept_ratio"]`)."""
    lines = result["lines"]
    meta = result["metadata"]
    n = meta["articles"]
    rows = [
        ("documents", str(result["documents"])),
        ("body-line precision", f"{lines['precision']:.3f}  ({lines['true_positives']}/"
                                f"{lines['predicted']})"),
        ("body-line recall", f"{lines['recall']:.3f}  ({lines['true_positives']}/"
                             f"{lines['gold']})"),
        ("body-line F1", f"{lines['f1']:.3f}"),
        *((f"metadata {f}", f"{meta[f]}/{n}") for f in METADATA_FIELDS),
        ("metadata all fields", f"{meta['all_fields']}/{n}"),
        ("broken entities left", str(result["damage"]["broken_entities"])),
        ("“ ... '' pairs left", str(result["damage"]["unpaired_quotes"])),
    ]
    if polnear_ratio is None:
        polnear_ratio = result.get("polnear_kept_ratio")
    if polnear_ratio is not None:
        rows.append(("PolNeAR chars kept", f"{polnear_ratio:.4f}"))
    width = max(len(k) for k, _ in rows)
    out = [f"{k:<{width}}  {v}" for k, v in rows]
    for doc_id, doc in result["per_doc"].items():
        wrong = [f for f, v in doc.get("metadata", {}).items() if not v["ok"]]
        if doc["extra"] or doc["missing"] or wrong:
            out.append(f"{doc_id}: P={doc['precision']:.2f} R={doc['recall']:.2f}"
                       f" extra={len(doc['extra'])} missing={len(doc['missing'])}"
                       + (f" metadata wrong: {', '.join(wrong)}" if wrong else ""))
    return "\n".join(out)
