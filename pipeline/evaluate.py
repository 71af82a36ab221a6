"""Evaluation: predicted claims against gold attributions (and clusters), as numbers.

In: a gold JSONL file (the project's format of ANNOTATION_GUIDELINES.md, or
PolNeAR's converted format), a run's claims.jsonl, optionally the raw
documents (to place gold spans that carry no offsets) and gold clusters.
Out: a report dict: precision/recall/F1 for source, cue and content under
exact and token-overlap match, the linked triple score, recall by kind,
precision by confidence, cluster scores, misses and false positives.

Method, following the span-level evaluation of PARC/Citron (Pareti 2016;
Newell et al. 2018): spans are compared as sets of token positions in the
raw text; a pair "overlaps" when their token F1 >= 0.5, and is "exact"
when they hold the same word tokens (punctuation, quotation marks and a
leading "that" ignored: the guidelines leave them out, PolNeAR keeps them).
Predictions and gold are matched one to one within each document, greedily
by score, which for these sparse score matrices equals the optimal
assignment in all but pathological cases.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import fuzz, utils

_TOKEN = re.compile(r"\w+", re.UNICODE)
_EDGE = " \t\n.,;:!?\"'“”‘’«»„`()[]—–-"
OVERLAP_THRESHOLD = 0.5


def normalise(text: str | None) -> str:
    if not text:
        return ""
    text = re.sub(r"\s+", " ", text).strip(_EDGE).casefold()
    if text.startswith("that "):
        text = text[5:].strip(_EDGE)
    return text


def _positions(text: str, spans: list[tuple[int, int]]) -> frozenset[int]:
    """Start offsets of the word tokens inside `spans` of `text`."""
    found: set[int] = set()
    for start, end in spans:
        found.update(m.start() + start for m in _TOKEN.finditer(text[start:end]))
    return frozenset(found)


def _token_f1(a: frozenset, b: frozenset) -> float:
    if not a or not b:
        return 0.0
    common = len(a & b)
    if not common:
        return 0.0
    precision, recall = common / len(b), common / len(a)
    return 2 * precision * recall / (precision + recall)


@dataclass
class Role:
    """One span of an attribution: its text and (when known) its token positions."""

    text: str | None
    positions: frozenset = frozenset()

    @property
    def present(self) -> bool:
        return bool(self.text and self.text.strip())


@dataclass
class Item:
    doc_id: str
    source: Role
    cue: Role
    content: Role
    kind: str | None = None
    canonical: str | None = None
    confidence: float = 1.0
    key: str = ""
    extra: dict = field(default_factory=dict)


def _locate(raw: str, text: str, near: tuple[int, int] | None,
            outside: tuple[int, int] | None = None) -> list[tuple[int, int]]:
    """Offsets of `text` in `raw` (gold without offsets): the occurrence nearest to the
    span `near`, measured from its nearer edge, and not inside the span `outside` when
    another occurrence is not."""
    if not text:
        return []
    starts = [m.start() for m in re.finditer(re.escape(text), raw)]
    if not starts:
        return []
    if near is None:
        return [(starts[0], starts[0] + len(text))]
    low, high = near

    def distance(start: int) -> tuple[bool, int]:
        end = start + len(text)
        inside = outside is not None and outside[0] <= start and end <= outside[1]
        return inside, max(0, low - end, start - high)

    start = min(starts, key=distance)
    return [(start, start + len(text))]


class RawTexts:
    """The raw documents by doc_id, read once, exactly as the pipeline reads them."""

    def __init__(self, docs_dir: Path | None) -> None:
        self.docs_dir = docs_dir
        self._cache: dict[str, str | None] = {}

    def get(self, doc_id: str) -> str | None:
        if doc_id not in self._cache:
            path = self.docs_dir / f"{doc_id}.txt" if self.docs_dir else None
            self._cache[doc_id] = (path.read_bytes().decode("utf-8-sig")
                                   if path is not None and path.exists() else None)
        return self._cache[doc_id]


def read_gold(path: Path, docs_dir: Path | None) -> list[Item]:
    """Gold attributions in either format, with token positions when the raw text is known."""
    items: list[Item] = []
    raw_text = RawTexts(docs_dir).get

    with path.open(encoding="utf-8") as handle:
        for line_no, line in enumerate(handle, 1):
            if not line.strip():
                continue
            row = json.loads(line)
            doc_id = row["doc_id"]
            raw = raw_text(doc_id)
            roles = {}
            content_start = row.get("content_start")
            content = None if content_start is None else (
                content_start, row.get("content_end", content_start))
            cue_span = None
            for role in ("content", "cue", "source"):
                text = row.get(f"{role}_text", row.get(role))
                spans = [tuple(s) for s in row.get(f"{role}_spans") or []]
                if not spans and role == "content" and content is not None:
                    spans = [content]
                if not spans and raw is not None and text:
                    # the cue nearest to where the content starts; the source nearest
                    # to its cue and outside the content ("..., Markov believes.")
                    spans = _locate(raw, text, (content_start, content_start)) if (
                        role == "cue" and content is not None) else _locate(
                        raw, text, cue_span or content, outside=content)
                if role == "cue" and spans:
                    cue_span = (spans[0][0], spans[-1][1])
                positions = _positions(raw, spans) if raw is not None and spans else frozenset()
                roles[role] = Role(text, positions)
            items.append(Item(doc_id=doc_id, kind=row.get("kind"),
                              canonical=row.get("source_canonical"),
                              key=f"{path.name}:{line_no}", **roles))
    return items


def read_predictions(path: Path, docs_dir: Path | None, author: bool = False) -> list[Item]:
    """Claims of a run; token positions from their raw offsets when the raw text is known.

    Author-voice claims are left out unless `author` is set: attribution gold has none
    (they count in the cluster scores, where gold members may be the author's facts)."""
    items: list[Item] = []
    raw_texts = RawTexts(docs_dir)
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            claim = json.loads(line)
            if claim.get("attribution") == "author" and not author:
                continue
            doc_id = claim["doc_id"]
            raw = raw_texts.get(doc_id)
            roles = {}
            for role in ("source", "cue", "content"):
                span = claim.get(role)
                if span is None or span.get("raw_start") is None:
                    roles[role] = Role(None if span is None else span["text"])
                    continue
                pieces = [(p["raw_start"], p["raw_end"]) for p in span.get("parts") or []]
                positions = (_positions(raw, pieces or [(span["raw_start"], span["raw_end"])])
                             if raw is not None else frozenset())
                roles[role] = Role(span["text"], positions)
            items.append(Item(doc_id=doc_id, kind=claim.get("kind"),
                              canonical=(claim.get("source") or {}).get("canonical"),
                              confidence=float(claim.get("confidence", 1.0)),
                              key=claim.get("claim_id", ""), **roles))
    return items


def _overlap(a: Role, b: Role) -> float:
    if a.positions and b.positions:
        return _token_f1(a.positions, b.positions)
    # no offsets: bags of lowercased words
    words_a = Counter(t.casefold() for t in _TOKEN.findall(a.text or ""))
    words_b = Counter(t.casefold() for t in _TOKEN.findall(b.text or ""))
    common = sum((words_a & words_b).values())
    if not common:
        return 0.0
    precision, recall = common / sum(words_b.values()), common / sum(words_a.values())
    return 2 * precision * recall / (precision + recall)


def _words(text: str | None) -> list[str]:
    words = [w.casefold() for w in _TOKEN.findall(text or "")]
    return words[1:] if words[:1] == ["that"] and len(words) > 1 else words


def _without_leading_that(role: Role) -> frozenset:
    """Token positions minus a leading complementizer 'that' (kept by PolNeAR, not by us)."""
    if role.positions and _TOKEN.findall(role.text or "")[:1] in (["that"], ["That"]):
        return role.positions - {min(role.positions)}
    return role.positions


def _exact(a: Role, b: Role) -> bool:
    """Same words: the same token positions when offsets are known, else the same word list.

    Punctuation, quotation marks and a leading "that" are ignored either way.
    """
    if a.positions and b.positions:
        return _without_leading_that(a) == _without_leading_that(b)
    return bool(_words(a.text)) and _words(a.text) == _words(b.text)


def _match(gold: list[Item], pred: list[Item], score) -> list[tuple[int, int, float]]:
    """One-to-one greedy matching by descending score (> 0)."""
    candidates = []
    for i, g in enumerate(gold):
        for j, p in enumerate(pred):
            value = score(g, p)
            if value > 0:
                candidates.append((value, i, j))
    candidates.sort(key=lambda c: (-c[0], c[1], c[2]))
    used_gold: set[int] = set()
    used_pred: set[int] = set()
    pairs = []
    for value, i, j in candidates:
        if i not in used_gold and j not in used_pred:
            used_gold.add(i)
            used_pred.add(j)
            pairs.append((i, j, value))
    return pairs


def _prf(tp_pred: int, n_pred: int, tp_gold: int, n_gold: int) -> dict[str, float]:
    precision = tp_pred / n_pred if n_pred else 0.0
    recall = tp_gold / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
            "n_gold": n_gold, "n_pred": n_pred}


def canonical_agrees(gold: Item, pred: Item) -> bool:
    """A pronoun or description is right only when resolved to the gold's canonical name."""
    if not gold.canonical:
        return _overlap(gold.source, pred.source) >= OVERLAP_THRESHOLD
    if not pred.canonical:
        return False
    a, b = normalise(gold.canonical), normalise(pred.canonical)
    return a == b or fuzz.token_set_ratio(a, b, processor=utils.default_process) >= 90


def evaluate(gold: list[Item], pred: list[Item]) -> dict:
    """The report for `pred` against `gold` (both already read)."""
    gold_by_doc: dict[str, list[Item]] = defaultdict(list)
    pred_by_doc: dict[str, list[Item]] = defaultdict(list)
    for item in gold:
        gold_by_doc[item.doc_id].append(item)
    docs = set(gold_by_doc)
    for item in pred:
        if item.doc_id in docs:
            pred_by_doc[item.doc_id].append(item)
    pred = [p for p in pred if p.doc_id in docs]
    report: dict = {"documents": len(docs), "gold": len(gold), "predicted": len(pred)}
    matched_content: dict[int, Item] = {}  # id(pred) -> gold
    misses: list[dict] = []
    false_positives: list[dict] = []
    wrong_source: list[dict] = []
    counts: dict[str, Counter] = defaultdict(Counter)
    kind_hits: Counter = Counter()
    kind_totals: Counter = Counter(g.kind for g in gold)
    triple_hits = 0
    canonical_checked = canonical_right = 0
    for doc_id in sorted(docs):
        g_items, p_items = gold_by_doc[doc_id], pred_by_doc.get(doc_id, [])
        for role in ("source", "cue", "content"):
            g_role = [g for g in g_items if getattr(g, role).present]
            p_role = [p for p in p_items if getattr(p, role).present]
            counts[role]["n_gold"] += len(g_role)
            counts[role]["n_pred"] += len(p_role)
            exact = _match(g_role, p_role, lambda g, p, r=role: 1.0 if _exact(
                getattr(g, r), getattr(p, r)) else 0.0)
            counts[role]["exact"] += len(exact)
            overlap = _match(g_role, p_role, lambda g, p, r=role: (
                value if (value := _overlap(getattr(g, r), getattr(p, r))) >= OVERLAP_THRESHOLD
                else 0.0))
            counts[role]["overlap"] += len(overlap)
            if role == "content":
                matched_gold = {i for i, _, _ in overlap}
                matched_pred = {j for _, j, _ in overlap}
                for i, j, _ in overlap:
                    g, p = g_role[i], p_role[j]
                    matched_content[id(p)] = g
                    kind_hits[g.kind] += 1
                    source_ok = (not g.source.present and not g.canonical) or canonical_agrees(g, p)
                    if g.canonical:
                        canonical_checked += 1
                        canonical_right += canonical_agrees(g, p)
                    if source_ok:
                        triple_hits += 1
                    else:
                        wrong_source.append({"doc_id": doc_id, "content": g.content.text,
                                             "gold_source": g.source.text,
                                             "gold_canonical": g.canonical,
                                             "source": p.source.text,
                                             "canonical": p.canonical})
                misses.extend({"doc_id": doc_id, "source": g.source.text, "cue": g.cue.text,
                               "content": g.content.text, "kind": g.kind}
                              for i, g in enumerate(g_role) if i not in matched_gold)
                false_positives.extend({"doc_id": doc_id, "source": p.source.text,
                                        "cue": p.cue.text, "content": p.content.text,
                                        "confidence": p.confidence}
                                       for j, p in enumerate(p_role) if j not in matched_pred)
    for role in ("source", "cue", "content"):
        c = counts[role]
        report[role] = {"exact": _prf(c["exact"], c["n_pred"], c["exact"], c["n_gold"]),
                        "overlap": _prf(c["overlap"], c["n_pred"], c["overlap"], c["n_gold"])}
    report["triple"] = _prf(triple_hits, len(pred), triple_hits, len(gold))
    report["recall_by_kind"] = {kind: round(kind_hits[kind] / total, 4)
                                for kind, total in sorted(kind_totals.items(), key=str) if total}
    report["source_canonical_accuracy"] = (round(canonical_right / canonical_checked, 4)
                                           if canonical_checked else None)
    ranked = sorted(pred, key=lambda p: -p.confidence)
    half = ranked[:max(1, len(ranked) // 2)] if ranked else []
    report["precision_all"] = round(sum(id(p) in matched_content for p in pred) / len(pred),
                                    4) if pred else 0.0
    report["precision_top_half"] = round(sum(id(p) in matched_content for p in half) / len(half),
                                         4) if half else 0.0
    report["misses"] = misses
    report["false_positives"] = false_positives
    report["wrong_source"] = wrong_source
    return report


# --- clusters -------------------------------------------------------------------


def evaluate_clusters(gold_path: Path, claims_path: Path, docs_dir: Path | None) -> dict:
    """Pairwise and B-cubed scores of the run's clusters against gold clusters.

    Each gold member (doc_id, verbatim text) is mapped to the predicted claim
    whose content overlaps it most (token F1 >= 0.5 on raw positions), or else to
    the shortest claim that contains all of it (a reported claim carries its whole
    sentence: "For many observers, the intervention was the first CSTO operation,
    which came after ..." states the member "the intervention was the first CSTO
    operation"); members with no such claim count as singletons of their own.
    """
    preds = read_predictions(claims_path, docs_dir, author=True)
    cluster_of: dict[str, str] = {}
    with claims_path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                claim = json.loads(line)
                cluster_of[claim["claim_id"]] = claim.get("cluster_id") or claim["claim_id"]
    by_doc: dict[str, list[Item]] = defaultdict(list)
    for p in preds:
        by_doc[p.doc_id].append(p)
    members: list[tuple[str, str]] = []  # (gold cluster, predicted cluster)
    raw_texts = RawTexts(docs_dir)
    with gold_path.open(encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            row = json.loads(line)
            for index, member in enumerate(row["members"]):
                raw = raw_texts.get(member["doc_id"])
                spans = _locate(raw, member["text"], None) if raw else []
                role = Role(member["text"], _positions(raw, spans) if raw and spans
                            else frozenset())
                best = max(((p, _overlap(role, p.content)) for p in by_doc[member["doc_id"]]),
                           key=lambda pair: pair[1], default=(None, 0.0))
                if best[1] < OVERLAP_THRESHOLD and role.positions:
                    holders = [p for p in by_doc[member["doc_id"]]
                               if role.positions <= p.content.positions]
                    best = (min(holders, key=lambda p: len(p.content.positions)),
                            OVERLAP_THRESHOLD) if holders else best
                predicted = (cluster_of.get(best[0].key) if best[0] is not None
                             and best[1] >= OVERLAP_THRESHOLD else None)
                members.append((row["cluster"],
                                predicted or f"unmatched:{row['cluster']}:{index}"))
    return cluster_scores(members)


def cluster_scores(members: list[tuple[str, str]]) -> dict:
    """Pairwise P/R/F1 and B-cubed P/R/F1 of (gold label, predicted label) assignments."""
    n = len(members)
    same_gold = same_pred = same_both = 0
    for i in range(n):
        for j in range(i + 1, n):
            g = members[i][0] == members[j][0]
            p = members[i][1] == members[j][1]
            same_gold += g
            same_pred += p
            same_both += g and p
    pairwise = _prf(same_both, same_pred, same_both, same_gold)
    b_precision = b_recall = 0.0
    for gold_label, pred_label in members:
        pred_group = [m for m in members if m[1] == pred_label]
        gold_group = [m for m in members if m[0] == gold_label]
        correct = sum(1 for m in pred_group if m[0] == gold_label)
        b_precision += correct / len(pred_group)
        b_recall += correct / len(gold_group)
    b_precision, b_recall = (b_precision / n, b_recall / n) if n else (0.0, 0.0)
    b_f1 = (2 * b_precision * b_recall / (b_precision + b_recall)
            if b_precision + b_recall else 0.0)
    return {"members": n, "pairwise": pairwise,
            "bcubed": {"precision": round(b_precision, 4), "recall": round(b_recall, 4),
                       "f1": round(b_f1, 4)}}


# --- entry points ------------------------------------------------------------------


def evaluate_files(gold: Path, pred: Path, docs_dir: Path | None = None,
                   clusters: Path | None = None) -> dict:
    report = evaluate(read_gold(gold, docs_dir), read_predictions(pred, docs_dir))
    if clusters is not None:
        report["clusters"] = evaluate_clusters(clusters, pred, docs_dir)
    return report


def summary_rows(name: str, report: dict) -> list[tuple[str, str]]:
    """The headline figures of a report, as (metric, value) rows."""
    rows = [(f"{name}: documents / gold / predicted",
             f"{report['documents']} / {report['gold']} / {report['predicted']}")]
    for role in ("content", "source", "cue"):
        for mode in ("overlap", "exact"):
            m = report[role][mode]
            rows.append((f"{name}: {role} {mode} P / R / F1",
                         f"{m['precision']:.3f} / {m['recall']:.3f} / {m['f1']:.3f}"))
    t = report["triple"]
    rows.append((f"{name}: triple P / R / F1",
                 f"{t['precision']:.3f} / {t['recall']:.3f} / {t['f1']:.3f}"))
    rows.append((f"{name}: recall by kind", ", ".join(
        f"{k} {v:.3f}" for k, v in report["recall_by_kind"].items())))
    if report.get("source_canonical_accuracy") is not None:
        rows.append((f"{name}: canonical source right (matched claims)",
                     f"{report['source_canonical_accuracy']:.3f}"))
    rows.append((f"{name}: precision all / top half by confidence",
                 f"{report['precision_all']:.3f} / {report['precision_top_half']:.3f}"))
    if "clusters" in report:
        c = report["clusters"]
        rows.append((f"{name}: clusters pairwise P / R / F1",
                     f"{c['pairwise']['precision']:.3f} / {c['pairwise']['recall']:.3f} / "
                     f"{c['pairwise']['f1']:.3f}"))
        rows.append((f"{name}: clusters B-cubed F1", f"{c['bcubed']['f1']:.3f}"))
    return rows


def format_table(rows: list[tuple[str, str]]) -> str:
    width = max(len(name) for name, _ in rows)
    return "\n".join(f"{name:<{width}}  {value}" for name, value in rows)


def format_report(report: dict, misses: int = 0) -> str:
    text = format_table(summary_rows("eval", report))
    if misses:
        text += "\n\nmisses:\n" + "\n".join(
            f"  [{m['doc_id']}] {m['source']!r} / {m['cue']!r} :: {str(m['content'])[:120]!r}"
            for m in report["misses"][:misses])
        text += "\n\nfalse positives:\n" + "\n".join(
            f"  [{p['doc_id']}] {p['source']!r} / {p['cue']!r} :: {str(p['content'])[:120]!r}"
            for p in report["false_positives"][:misses])
        text += "\n\nright content, wrong source:\n" + "\n".join(
            f"  [{w['doc_id']}] gold {w['gold_source']!r} ({w['gold_canonical']}) vs "
            f"{w['source']!r} ({w['canonical']}) :: {str(w['content'])[:80]!r}"
            for w in report["wrong_source"][:misses])
    return text


def run_suite(corpus: Path, annotations: Path, polnear: Path | None, out_root: Path,
              workers: int = 1, tagger: bool = False, definition: str = "guidelines"
              ) -> tuple[dict, str]:
    """Run the pipeline on the corpus (and PolNeAR dev when present), score both, one table."""
    from pipeline.runner import RunSettings, run

    settings = RunSettings(workers=workers, progress=False, tagger=tagger, definition=definition)
    reports: dict[str, dict] = {}
    rows: list[tuple[str, str]] = []
    run(sorted(str(p) for p in corpus.glob("*.txt")), out_root / "corpus", settings)
    reports["corpus"] = evaluate_files(annotations / "attributions.jsonl",
                                       out_root / "corpus" / "claims.jsonl", corpus,
                                       clusters=annotations / "clusters.jsonl")
    rows += summary_rows("corpus", reports["corpus"])
    if polnear is not None and (polnear / "gold.jsonl").exists():
        run(sorted(str(p) for p in polnear.glob("*.txt")), out_root / "polnear-dev", settings)
        reports["polnear-dev"] = evaluate_files(polnear / "gold.jsonl",
                                                out_root / "polnear-dev" / "claims.jsonl",
                                                polnear)
        rows += summary_rows("polnear-dev", reports["polnear-dev"])
    return reports, format_table(rows)
