"""Corrections become gold: a run to Label Studio and back, and a run straight to gold.

In: a run directory (articles.jsonl, claims.jsonl, manifest.json) and the raw inputs its
articles.jsonl `path`s name; or a Label Studio export. Out: a Label Studio import file
(one task per article, the run's claims as pre-annotations) with its labelling config
(`LABEL_CONFIG`, written as `label_config.xml` beside it), or gold attributions in the
format of ANNOTATION_GUIDELINES.md (doc_id, source, source_canonical, cue, content, kind,
content_start, content_end). Where the text alone does not say which words are meant, the
raw offsets are added under the keys `pipeline.evaluate.read_gold` reads (as in PolNeAR's
converted files): `content_spans` for a discontinuous content (`content` is then the raw
text from its first piece to its last), `source_spans` / `cue_spans` for a source or cue
whose text occurs more than once in the article ("he", "said").

How it works and why:

- Claims take Label Studio's relation-extraction shape: labelled spans SOURCE, CUE and
  CONTENT on the cleaned text (what the pipeline read) and relations source -> cue ->
  content, or source -> content when a claim has no cue; a discontinuous content is several
  CONTENT spans linked to one cue. Import reads one claim per CUE region (its linked SOURCE
  and CONTENTs, whatever the arrows' direction) and one per SOURCE linked straight to
  CONTENTs, so an annotator can resize, delete or draw claims and relations freely.
- Gold must quote the raw article verbatim, but Label Studio labels the cleaned text. Each
  task therefore carries the raw text, the run's claims with their raw offsets ("anchors")
  and cleaning's offset map as `segments` ([clean_start, clean_end, raw_start, raw_end,
  copy], from `OffsetMap.segments()`), rebuilt by running `clean.clean_article` again on the
  raw input and kept only when it gives back the run's text. A span the annotator left alone
  maps through its anchor, so an unchanged claim comes back byte for byte; an edited one
  maps through the offset map (or, when the map could not be rebuilt, by finding its words
  in the raw text near the closest anchor).
- `source_canonical` is the run's canonical when the source span is unchanged, else the
  source as written; `kind` is the run's when the content is unchanged, else recomputed
  from quotation marks (`claims.quotes.QuoteIndex`, the extractor's thresholds: direct when
  at least 98% of its word characters are quoted, mixed when some are, else indirect).
- Label Studio counts Text offsets in UTF-16 code units (JavaScript strings) and Python in
  code points; offsets are converted both ways when a text has characters outside the BMP.
- Import takes a task's annotation (ground truth first, else the most recently updated one
  that was not cancelled) and falls back to its predictions when it has none.
"""

from __future__ import annotations

import json
import re
import sys
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline import __version__
from pipeline.claims.quotes import QuoteIndex
from pipeline.offsets import OffsetMap
from pipeline.schema import Article, ArticleRecord, ClaimRecord

FROM_NAME = "label"
TO_NAME = "text"
SOURCE, CUE, CONTENT = "SOURCE", "CUE", "CONTENT"

#: The labelling config the exported tasks are made for (Label Studio: Settings > Labeling
#: Interface > Code). `claims export --format label-studio` writes it beside the task file.
LABEL_CONFIG = """<View>
  <Labels name="label" toName="text">
    <Label value="SOURCE" background="#4f8ff7"/>
    <Label value="CUE" background="#f5a623"/>
    <Label value="CONTENT" background="#45b36b"/>
  </Labels>
  <Text name="text" value="$text"/>
  <Relations>
    <Relation value="source-cue"/>
    <Relation value="cue-content"/>
    <Relation value="source-content"/>
  </Relations>
</View>
"""

Span = tuple[int, int]
Warn = Callable[[str], None]


def _stderr(message: str) -> None:
    print(f"warning: {message}", file=sys.stderr)


# --- reading a run ----------------------------------------------------------------------


def read_run(run_dir: Path) -> tuple[list[ArticleRecord], list[ClaimRecord]]:
    """The articles and attributed claims of a run, validated against the schema.

    Author-voice facts are left out: the annotation task (and the gold format) is
    about attributions, and their source is the byline, not a span to draw."""
    def read(name: str, model: type) -> list:
        with (run_dir / name).open(encoding="utf-8") as handle:
            return [model.model_validate_json(line) for line in handle if line.strip()]

    claims = [c for c in read("claims.jsonl", ClaimRecord) if c.attribution == "reported"]
    return read("articles.jsonl", ArticleRecord), claims


def _resolve(path: str, run_dir: Path) -> Path | None:
    """An input path as recorded by the run (relative to where it ran), found from here."""
    candidate = Path(path)
    if candidate.is_absolute():
        return candidate if candidate.exists() else None
    for base in (Path.cwd(), run_dir, run_dir.parent, run_dir.parent.parent):
        if (base / candidate).exists():
            return base / candidate
    return None


def _raw_articles(run_dir: Path, records: list[ArticleRecord], warn: Warn) -> dict[str, Article]:
    """The raw Article of each record, read again exactly as ingest read it."""
    from pipeline.ingest import read_articles

    wanted: dict[str, set[str]] = defaultdict(set)
    for record in records:
        wanted[record.path].add(record.doc_id)
    found: dict[str, Article] = {}
    for path, doc_ids in wanted.items():
        resolved = _resolve(path, run_dir)
        if resolved is None:
            warn(f"{path}: raw input not found; its articles cannot be mapped to raw text")
            continue
        for item in read_articles([resolved]):
            if isinstance(item, Article) and item.doc_id in doc_ids:
                found[item.doc_id] = item
    return found


class _BatchStats:
    """The line statistics the run cleaned with, recomputed once and only if needed."""

    def __init__(self, run_dir: Path) -> None:
        self.run_dir = run_dir
        self._stats: Any = None
        self._done = False

    def get(self) -> Any:
        if self._done:
            return self._stats
        self._done = True
        from itertools import islice

        from pipeline.clean import BatchLineStats
        from pipeline.ingest import discover, read_articles

        try:
            manifest = json.loads((self.run_dir / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        settings = manifest.get("settings") or {}
        sample = int(settings.get("batch_stats_sample", 2000))
        inputs = [_resolve(i, self.run_dir) for i in manifest.get("inputs") or []]
        if sample <= 0 or any(i is None for i in inputs):
            return None
        files, _ = discover(inputs)
        articles = (a.raw_text for a in islice(
            (i for i in read_articles(files) if isinstance(i, Article)), sample))
        self._stats = BatchLineStats.from_texts(articles)
        return self._stats


def _offset_segments(article: Article, text: str, stats: _BatchStats) -> list[list[int]] | None:
    """Cleaning's offset map for `article`, when cleaning it again gives back `text`."""
    from pipeline.clean import clean_article

    for batch in (None, "run"):
        cleaned = clean_article(article, stats.get() if batch else None)
        if cleaned.text == text:
            return [[cs, ce, rs, re_, int(copy)]
                    for cs, ce, rs, re_, copy in cleaned.offsets.segments()]
    return None


def _claim_entry(claim: ClaimRecord) -> dict:
    """A run claim as carried in task data: its spans as [start, end, raw_start, raw_end]."""
    pieces = claim.content.parts or [claim.content]
    return {
        "claim_id": claim.claim_id,
        "canonical": claim.source.canonical,
        "kind": claim.kind,
        "confidence": claim.confidence,
        "source": [claim.source.start, claim.source.end, claim.source.raw_start,
                   claim.source.raw_end],
        "cue": ([claim.cue.start, claim.cue.end, claim.cue.raw_start, claim.cue.raw_end]
                if claim.cue else None),
        "content": [[p.start, p.end, p.raw_start, p.raw_end] for p in pieces],
    }


# --- one document: cleaned text, raw text and the way between them -----------------------


@dataclass
class DocTexts:
    """An article's cleaned text, its raw text and what maps one onto the other."""

    doc_id: str
    text: str
    raw: str | None
    segments: list[list[int]] | None
    claims: list[dict] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.anchors: dict[Span, Span] = {}
        self.canonicals: dict[Span, str] = {}
        self.kinds: dict[tuple[Span, ...], str] = {}
        for claim in self.claims:
            spans = [claim["source"], *claim["content"]]
            if claim.get("cue"):
                spans.append(claim["cue"])
            for start, end, raw_start, raw_end in spans:
                self.anchors[(start, end)] = (raw_start, raw_end)
            self.canonicals.setdefault(tuple(claim["source"][:2]), claim["canonical"])
            self.kinds.setdefault(tuple(tuple(p[:2]) for p in claim["content"]), claim["kind"])
        self._map: OffsetMap | None = None
        self._quotes: QuoteIndex | None = None

    @classmethod
    def from_task(cls, data: dict) -> DocTexts:
        return cls(doc_id=str(data["doc_id"]), text=data["text"], raw=data.get("raw_text"),
                   segments=data.get("segments"), claims=data.get("claims") or [])

    @property
    def offset_map(self) -> OffsetMap | None:
        if self._map is None and self.segments:
            from array import array

            self._map = OffsetMap(array("q", [s[0] for s in self.segments]),
                                  array("q", [s[2] for s in self.segments]),
                                  array("q", [s[3] for s in self.segments]),
                                  array("b", [s[4] for s in self.segments]), len(self.text))
        return self._map

    def to_raw(self, start: int, end: int) -> Span | None:
        """Raw offsets of the cleaned span [start, end), or None when they cannot be known."""
        if self.raw is None:
            return None
        if (start, end) in self.anchors:
            return self.anchors[(start, end)]
        if self.offset_map is not None:
            return self.offset_map.to_raw(start, end)
        return self._search(start, end)

    def _search(self, start: int, end: int) -> Span | None:
        """The cleaned words found verbatim in the raw text, nearest to where anchors say."""
        assert self.raw is not None
        needle = self.text[start:end]
        hint = start
        if self.anchors:
            (a_start, _), (r_start, _) = min(self.anchors.items(),
                                             key=lambda item: abs(item[0][0] - start))
            hint = r_start + (start - a_start)
        found = [m.start() for m in re.finditer(re.escape(needle), self.raw)] if needle else []
        if not found:
            return None
        best = min(found, key=lambda s: abs(s - hint))
        return best, best + len(needle)

    def kind_of(self, pieces: list[Span]) -> str:
        """The run's kind for an unchanged content, else the kind its quotation marks give."""
        known = self.kinds.get(tuple(pieces))
        if known:
            return known
        if self._quotes is None:
            self._quotes = QuoteIndex(self.text)
        total = sum(e - s for s, e in pieces)
        fraction = sum(self._quotes.quoted_fraction(s, e, self.text) * (e - s)
                       for s, e in pieces) / total if total else 0.0
        return "direct" if fraction >= 0.98 else "mixed" if fraction > 0.0 else "indirect"


def gold_record(doc: DocTexts, source: Span, cue: Span | None,
                content: list[Span]) -> dict | str:
    """One gold attribution from cleaned spans, or the reason it cannot be made."""
    if doc.raw is None:
        return f"{doc.doc_id}: no raw text, so no verbatim gold"
    content = sorted(content)
    raw_source = doc.to_raw(*source)
    raw_cue = doc.to_raw(*cue) if cue else None
    raw_pieces = [doc.to_raw(*piece) for piece in content]
    if raw_source is None or (cue and raw_cue is None) or None in raw_pieces:
        return (f"{doc.doc_id}: cannot place {doc.text[content[0][0]:content[-1][1]]!r} "
                "in the raw text")
    raw = doc.raw
    source_text = raw[raw_source[0]:raw_source[1]]
    start, end = raw_pieces[0][0], max(p[1] for p in raw_pieces)  # type: ignore[index]
    record = {
        "doc_id": doc.doc_id,
        "source": source_text,
        "source_canonical": doc.canonicals.get(source) or source_text,
        "cue": raw[raw_cue[0]:raw_cue[1]] if raw_cue else None,
        "content": raw[start:end],
        "kind": doc.kind_of(content),
        "content_start": start,
        "content_end": end,
    }
    if len(raw_pieces) > 1:
        record["content_spans"] = [list(p) for p in raw_pieces]  # type: ignore[arg-type]
    for role, span in (("source", raw_source), ("cue", raw_cue)):
        if span and raw.count(raw[span[0]:span[1]]) > 1:  # the text alone does not pin it
            record[f"{role}_spans"] = [list(span)]
    return record


def _sort_key(record: dict) -> tuple:
    return (record["doc_id"], record["content_start"], record["content_end"],
            record["source"], record["cue"] or "")


def _unique_sorted(records: Iterable[dict]) -> list[dict]:
    seen: set[str] = set()
    unique = []
    for record in sorted(records, key=_sort_key):
        key = json.dumps(record, sort_keys=True, ensure_ascii=False)
        if key not in seen:
            seen.add(key)
            unique.append(record)
    return unique


# --- exports ----------------------------------------------------------------------------


def run_documents(run_dir: Path, warn: Warn = _stderr
                  ) -> list[tuple[ArticleRecord, list[ClaimRecord], DocTexts]]:
    """Each article of a run with its claims and its texts (raw text and offset map rebuilt)."""
    articles, claims = read_run(run_dir)
    by_doc: dict[str, list[ClaimRecord]] = defaultdict(list)
    for claim in claims:
        by_doc[claim.doc_id].append(claim)
    raws = _raw_articles(run_dir, articles, warn)
    stats = _BatchStats(run_dir)
    documents = []
    for article in articles:
        raw_article = raws.get(article.doc_id)
        segments = None
        if raw_article is not None:
            segments = _offset_segments(raw_article, article.text, stats)
            if segments is None:
                warn(f"{article.doc_id}: cleaning the raw input again does not give the run's "
                     "text; edited spans will be located by their words")
        doc = DocTexts(doc_id=article.doc_id, text=article.text,
                       raw=raw_article.raw_text if raw_article else None, segments=segments,
                       claims=[_claim_entry(c) for c in by_doc[article.doc_id]])
        documents.append((article, by_doc[article.doc_id], doc))
    return documents


def gold_from_run(run_dir: Path, warn: Warn = _stderr) -> list[dict]:
    """The run's claims in the gold format, sorted by document and position."""
    records = []
    for _, claims, doc in run_documents(run_dir, warn):
        if doc.raw is None:
            if claims:
                warn(f"{doc.doc_id}: no raw text, so its {len(claims)} claims are left out")
            continue
        for claim in claims:
            record = gold_record(doc, (claim.source.start, claim.source.end),
                                 (claim.cue.start, claim.cue.end) if claim.cue else None,
                                 [(p.start, p.end) for p in claim.content.parts or [claim.content]])
            if isinstance(record, str):
                warn(f"claim {claim.claim_id}: {record}")
            else:
                records.append(record)
    return _unique_sorted(records)


def _utf16_table(text: str) -> list[int] | None:
    """UTF-16 offset of every code point offset (len + 1 entries); None when they agree."""
    if all(ord(ch) <= 0xFFFF for ch in text):
        return None
    table = [0]
    for ch in text:
        table.append(table[-1] + (2 if ord(ch) > 0xFFFF else 1))
    return table


def _region(region_id: str, label: str, text: str, start: int, end: int,
            table: list[int] | None, score: float) -> dict:
    return {"id": region_id, "from_name": FROM_NAME, "to_name": TO_NAME, "type": "labels",
            "origin": "prediction", "score": score,
            "value": {"start": table[start] if table else start,
                      "end": table[end] if table else end,
                      "text": text[start:end], "labels": [label]}}


def _relation(from_id: str, to_id: str, label: str) -> dict:
    return {"type": "relation", "from_id": from_id, "to_id": to_id, "direction": "right",
            "labels": [label]}


def label_studio_tasks(run_dir: Path, warn: Warn = _stderr) -> list[dict]:
    """One Label Studio task per article of the run, its claims as predictions."""
    tasks = []
    for article, claims, doc in run_documents(run_dir, warn):
        table = _utf16_table(article.text)
        result: list[dict] = []
        for claim in claims:
            cid, score = claim.claim_id, claim.confidence
            source_id = f"{cid}-source"
            result.append(_region(source_id, SOURCE, article.text, claim.source.start,
                                  claim.source.end, table, score))
            head, label = source_id, "source-content"
            if claim.cue:
                result.append(_region(f"{cid}-cue", CUE, article.text, claim.cue.start,
                                      claim.cue.end, table, score))
                result.append(_relation(source_id, f"{cid}-cue", "source-cue"))
                head, label = f"{cid}-cue", "cue-content"
            for i, piece in enumerate(claim.content.parts or [claim.content]):
                piece_id = f"{cid}-content{i}"
                result.append(_region(piece_id, CONTENT, article.text, piece.start, piece.end,
                                      table, score))
                result.append(_relation(head, piece_id, label))
        tasks.append({
            "data": {
                "text": article.text,
                "doc_id": article.doc_id,
                "meta": {"title": article.title, "publisher": article.publisher,
                         "published": article.published, "url": article.url,
                         "path": article.path, "n_claims": article.n_claims},
                "raw_text": doc.raw,
                "segments": doc.segments,
                "claims": doc.claims,
            },
            "predictions": [{
                "model_version": f"claims-pipeline {__version__}",
                "score": round(sum(c.confidence for c in claims) / len(claims), 4)
                if claims else 0.0,
                "result": result,
            }],
        })
    return tasks


# --- import -----------------------------------------------------------------------------


def _chosen_result(task: dict) -> list[dict]:
    """The result to read: the task's ground truth or latest kept annotation, else its
    latest prediction."""
    annotations = [a for a in task.get("annotations") or []
                   if isinstance(a, dict) and not a.get("was_cancelled")]
    if annotations:
        ranked = sorted(enumerate(annotations),
                        key=lambda ia: (bool(ia[1].get("ground_truth")),
                                        str(ia[1].get("updated_at") or ia[1].get("created_at")
                                            or ""), ia[0]))
        return ranked[-1][1].get("result") or []
    predictions = [p for p in task.get("predictions") or [] if isinstance(p, dict)]
    return predictions[-1].get("result") or [] if predictions else []


def _region_span(doc: DocTexts, value: dict, table: list[int] | None) -> Span:
    """Code point offsets of a region, checked against its text, trimmed of whitespace."""
    start, end = int(value["start"]), int(value["end"])
    if table is not None:
        start, end = bisect_left(table, start), bisect_left(table, end)
    expected = value.get("text")
    if expected is not None and doc.text[start:end] != expected:
        plain = (int(value["start"]), int(value["end"]))
        if doc.text[plain[0]:plain[1]] == expected:
            start, end = plain
    while start < end and doc.text[start].isspace():
        start += 1
    while end > start and doc.text[end - 1].isspace():
        end -= 1
    return start, end


def claims_from_result(doc: DocTexts, result: list[dict], warn: Warn = _stderr
                       ) -> list[tuple[Span, Span | None, list[Span]]]:
    """(source, cue, content pieces) of each claim a Label Studio result draws."""
    table = _utf16_table(doc.text)
    regions: dict[str, tuple[str, Span]] = {}
    links: dict[str, set[str]] = defaultdict(set)
    for item in result:
        kind = item.get("type")
        if kind == "labels":
            value = item.get("value") or {}
            labels = [label for label in value.get("labels") or []
                      if label in (SOURCE, CUE, CONTENT)]
            if not labels or "start" not in value or "end" not in value:
                continue
            span = _region_span(doc, value, table)
            if span[1] <= span[0]:
                warn(f"{doc.doc_id}: empty {labels[0]} region {item.get('id')} ignored")
                continue
            regions[str(item.get("id"))] = (labels[0], span)
        elif kind == "relation":
            a, b = str(item.get("from_id")), str(item.get("to_id"))
            links[a].add(b)
            links[b].add(a)

    def linked(region_id: str, label: str) -> list[str]:
        return sorted((r for r in links[region_id] if r in regions and regions[r][0] == label),
                      key=lambda r: regions[r][1])

    claims: list[tuple[Span, Span | None, list[Span]]] = []
    used: set[str] = set()
    for region_id, (label, span) in sorted(regions.items(), key=lambda r: r[1][1]):
        if label != CUE:
            continue
        sources, contents = linked(region_id, SOURCE), linked(region_id, CONTENT)
        if not sources or not contents:
            warn(f"{doc.doc_id}: cue {doc.text[span[0]:span[1]]!r} lacks a linked "
                 f"{'source' if not sources else 'content'}; skipped")
            continue
        if len(sources) > 1:
            warn(f"{doc.doc_id}: cue {doc.text[span[0]:span[1]]!r} has several sources; "
                 "the first is kept")
        used.update([region_id, sources[0], *contents])
        claims.append((regions[sources[0]][1], span, [regions[c][1] for c in contents]))
    for region_id, (label, span) in sorted(regions.items(), key=lambda r: r[1][1]):
        if label != SOURCE:
            continue
        through_cues = {c for cue in linked(region_id, CUE) for c in linked(cue, CONTENT)}
        contents = [c for c in linked(region_id, CONTENT) if c not in through_cues]
        if contents:
            used.update([region_id, *contents])
            claims.append((span, None, [regions[c][1] for c in contents]))
    for region_id, (label, span) in regions.items():
        if region_id not in used:
            warn(f"{doc.doc_id}: {label} {doc.text[span[0]:span[1]]!r} is in no claim "
                 "(link it to a source/cue/content); skipped")
    return claims


def gold_from_label_studio(tasks: list[dict], warn: Warn = _stderr) -> list[dict]:
    """Gold attributions from a Label Studio export (the JSON export of the tasks)."""
    records = []
    for n, task in enumerate(tasks, 1):
        data = task.get("data") if isinstance(task, dict) else None
        if not isinstance(data, dict) or "text" not in data or "doc_id" not in data:
            warn(f"task {n}: no data.text/data.doc_id (not exported by `claims export`?); "
                 "skipped")
            continue
        doc = DocTexts.from_task(data)
        if doc.raw is None:
            warn(f"task {n} ({doc.doc_id}): no raw_text in its data; skipped")
            continue
        for source, cue, content in claims_from_result(doc, _chosen_result(task), warn):
            record = gold_record(doc, source, cue, content)
            if isinstance(record, str):
                warn(record)
            else:
                records.append(record)
    return _unique_sorted(records)


# --- files ------------------------------------------------------------------------------


def write_gold(path: Path, records: Iterable[dict]) -> int:
    """Write gold records as JSONL (one object a line, like annotations/), atomically."""
    from pipeline.write import write_jsonl

    path.parent.mkdir(parents=True, exist_ok=True)
    return write_jsonl(path, records)


def export_label_studio(run_dir: Path, path: Path, warn: Warn = _stderr) -> tuple[int, Path]:
    """Write the run's tasks to `path` and the labelling config beside it; returns
    (number of tasks, config path)."""
    from pipeline.write import AtomicFile

    tasks = label_studio_tasks(run_dir, warn)
    path.parent.mkdir(parents=True, exist_ok=True)
    target = AtomicFile(path)
    target.handle.write(json.dumps(tasks, ensure_ascii=False, indent=1))
    target.handle.write("\n")
    target.commit()
    config = path.with_name("label_config.xml")
    config.write_text(LABEL_CONFIG, encoding="utf-8")
    return len(tasks), config


def import_label_studio(export: Path, path: Path, warn: Warn = _stderr) -> int:
    """Turn a Label Studio JSON export into a gold JSONL file; returns the number of records."""
    tasks = json.loads(export.read_text(encoding="utf-8"))
    if isinstance(tasks, dict):
        tasks = [tasks]
    if not isinstance(tasks, list):
        raise ValueError(f"{export}: expected Label Studio's JSON export (a list of tasks)")
    return write_gold(path, gold_from_label_studio(tasks, warn))
