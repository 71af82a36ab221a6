"""Runner: composes the stages; the only module that knows their order.

ingest -> clean -> nlp (spaCy, batched) -> claims -> [all articles] -> sources -> dedup
-> write.

Every stage before dedup is a function of one article, so articles stream
through `nlp.pipe` in batches, in the main process (`workers=1`) or in a pool
of processes that each load the model once (`workers>1`); results come back
in input order either way, so outputs do not depend on the worker count.
A failure in one article becomes an error record and the run goes on.
"""

from __future__ import annotations

import gc
import hashlib
import json
import multiprocessing
import os
import re
import shutil
import sys
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path
from typing import IO

from tqdm import tqdm

from pipeline import __version__
from pipeline.claims import to_records
from pipeline.claims.attribution import DEFINITIONS
from pipeline.clean import BatchLineStats, clean_article
from pipeline.dedup import ClaimKey, claim_key, cluster_keys
from pipeline.errors import PipelineError, StageFailure
from pipeline.ingest import DEFAULT_MAX_BYTES, count_articles, discover, read_articles
from pipeline.nlp import DEFAULT_MODEL, installed_model_info, load_nlp, model_info
from pipeline.schema import (
    Article,
    ArticleRecord,
    ClaimRecord,
    CleanedArticle,
    ErrorRecord,
    Manifest,
)
from pipeline.sources import SourceKey, joint_canonical, source_index, source_key
from pipeline.state import ClusterState
from pipeline.write import AtomicFile, dumps, write_json, write_jsonl


@dataclass
class RunSettings:
    """What a run can be told; recorded in manifest.json."""

    model: str = DEFAULT_MODEL
    workers: int = 1
    batch_size: int = 32
    max_bytes: int = DEFAULT_MAX_BYTES
    batch_stats_sample: int = 2000  # articles read first to find lines repeated across the batch
    segment_chars: int = 20_000  # longer articles are parsed in pieces (bounded memory)
    tagger: bool = False  # add the span tagger trained on PolNeAR (more recall, ~20% slower)
    definition: str = "guidelines"  # what counts as a claim: "guidelines" or "polnear"
    engine: str = "local"  # "local" (this machine's processes) or "dask"
    scheduler: str | None = None  # Dask scheduler address; None starts a local cluster
    progress: bool = True

    def __post_init__(self) -> None:
        if self.definition not in DEFINITIONS:
            raise ValueError(f"definition must be one of {', '.join(DEFINITIONS)}, "
                             f"not {self.definition!r}")
        if self.definition == "polnear":
            self.tagger = True  # PolNeAR's definition is what the tagger learned from it


@dataclass
class RunSummary:
    out_dir: Path
    articles: int = 0
    claims: int = 0
    kinds: Counter = field(default_factory=Counter)
    clusters: int = 0
    multi_article_clusters: int = 0
    errors: int = 0
    words: int = 0
    seconds: float = 0.0

    @property
    def words_per_second(self) -> float:
        return self.words / self.seconds if self.seconds else 0.0

    def table(self) -> str:
        rows = [
            ("articles", f"{self.articles}"),
            ("claims", f"{self.claims}"),
            *((f"  {kind}", f"{self.kinds.get(kind, 0)}")
              for kind in ("direct", "indirect", "mixed", "assertion")),
            ("clusters", f"{self.clusters} ({self.multi_article_clusters} across articles)"),
            ("errors", f"{self.errors}"),
            ("seconds", f"{self.seconds:.1f}"),
            ("words/s", f"{self.words_per_second:,.0f}"),
        ]
        width = max(len(name) for name, _ in rows)
        lines = [f"{name:<{width}}  {value}" for name, value in rows]
        rule = "-" * max(len(line) for line in lines)
        return "\n".join([f"run: {self.out_dir}", rule, *lines, rule])


ArticleResult = ArticleRecord | ErrorRecord
Item = Article | PipelineError


def error_record(error: PipelineError) -> ErrorRecord:
    return ErrorRecord(path=error.path, doc_id=error.doc_id, stage=error.stage,
                       error=error.code, message=error.message)


def _failure(stage: str, article: Article, error: Exception) -> ErrorRecord:
    return error_record(StageFailure(f"{type(error).__name__}: {error}", stage=stage,
                                     path=article.path, doc_id=article.doc_id))


def _clean(article: Article, batch: BatchLineStats | None) -> CleanedArticle | ErrorRecord:
    try:
        return clean_article(article, batch)
    except Exception as error:  # noqa: BLE001 - one bad article must not stop the run
        return _failure("clean", article, error)


def segments(text: str, limit: int) -> list[tuple[int, int]]:
    """Cut a long text into pieces of at most `limit` characters at paragraph breaks
    (else sentence ends, else spaces), so a huge article is parsed in bounded memory."""
    pieces: list[tuple[int, int]] = []
    start = 0
    while len(text) - start > limit:
        window = text[start:start + limit]
        cut = max(window.rfind("\n\n"), window.rfind(". "), window.rfind(" "))
        end = start + (cut + 1 if cut > limit // 4 else limit)
        pieces.append((start, end))
        start = end
    pieces.append((start, len(text)))
    return pieces


def count_words(text: str, chunk: int = 1 << 20) -> int:
    """Whitespace-separated words of `text`, counted a megabyte at a time (a 50 MB
    article split at once would be a list of millions of strings)."""
    words = 0
    for start in range(0, len(text), chunk):
        piece = text[start:start + chunk]
        words += len(piece.split())
        if start and not piece[:1].isspace() and not text[start - 1].isspace():
            words -= 1  # a word cut in two by the chunk boundary
    return words


BATCH_WORDS = 20_000  # words parsed together: bounds the parser's memory (~15 KB a word)


def _word_batches(texts: Iterable, batch_size: int) -> Iterator[list]:
    """Group (text, context) pairs into batches of at most `batch_size` texts and about
    BATCH_WORDS words, so one huge article never makes a huge batch."""
    group: list = []
    words = 0
    for item in texts:
        size = item[0].count(" ") + 1
        if group and (len(group) >= batch_size or words + size > BATCH_WORDS):
            yield group
            group, words = [], 0
        group.append(item)
        words += size
    if group:
        yield group


class ClaimSink:
    """Where claims go as soon as a segment of an article is parsed: JSON lines
    `{"input": N, "claims": [...]}` into a file (the journal, or a worker's spool
    file) or a list (a Dask worker's result). No article's claims are ever all held
    in memory, however long the article. `{"input": N, "discard": true}` withdraws
    the claims written so far for input N (its parse failed and is redone)."""

    def __init__(self, handle: IO[str] | None = None) -> None:
        self.handle = handle
        self.lines: list[str] = []

    def _write(self, line: str) -> None:
        if self.handle is None:
            self.lines.append(line)
        else:
            self.handle.write(line)

    def claims(self, input_no: int, claims: list[ClaimRecord]) -> None:
        if claims:
            body = ", ".join(dumps(c) for c in claims)
            self._write(f'{{"input": {input_no}, "claims": [{body}]}}\n')

    def discard(self, input_no: int) -> None:
        self._write(f'{{"input": {input_no}, "discard": true}}\n')


def process_articles(nlp, items: list[Item], batch_size: int, sink: ClaimSink,
                     batch: BatchLineStats | None = None, segment_chars: int = 20_000,
                     first_input: int = 0) -> list[ArticleResult]:
    """Clean, parse and extract claims for each item, in order, writing the claims to
    `sink` segment by segment; returns one record per item (an ingest error passes
    through as its error record, so results stay aligned with the input order).
    Item i is input number `first_input + i` in the sink's lines. Each article's raw
    text is let go once it is cleaned (`items` is emptied), so a huge input is not
    held twice through parsing."""
    results: list[ArticleResult | None] = [None] * len(items)
    cleaned_of: dict[int, CleanedArticle] = {}
    for index, item in enumerate(items):
        if isinstance(item, PipelineError):
            results[index] = error_record(item)
            continue
        cleaned = _clean(item, batch)
        items[index] = None
        if isinstance(cleaned, ErrorRecord):
            results[index] = cleaned
            continue
        cleaned.article = item.model_copy(update={"raw_text": ""})  # offsets need no raw
        del item
        cleaned_of[index] = cleaned
        results[index] = ArticleRecord.model_construct(  # every field already validated
            doc_id=cleaned.article.doc_id, path=cleaned.article.path, title=cleaned.title,
            authors=cleaned.authors, published=cleaned.published, publisher=cleaned.publisher,
            url=cleaned.article.url, format=cleaned.article.format, bio=cleaned.bio,
            trailers=cleaned.trailers, text=cleaned.text, n_claims=0)

    def texts() -> Iterator[tuple[str, tuple[int, int]]]:
        for index, cleaned in cleaned_of.items():
            for a, b in segments(cleaned.text, segment_chars):
                yield cleaned.text[a:b], (index, a)

    def convert(doc, index: int, base: int) -> None:
        record = results[index]
        if isinstance(record, ErrorRecord):
            return
        try:
            claims = to_records(doc, cleaned_of[index], base)
        except Exception as error:  # noqa: BLE001
            results[index] = _failure("claims", cleaned_of[index].article, error)
            sink.discard(first_input + index)
            return
        record.n_claims += len(claims)
        sink.claims(first_input + index, claims)

    try:
        for group in _word_batches(texts(), batch_size):
            for doc, (index, base) in nlp.pipe(group, as_tuples=True, batch_size=len(group)):
                convert(doc, index, base)
    except Exception:  # noqa: BLE001 - redo one by one to isolate the article at fault
        for index in cleaned_of:
            if isinstance(results[index], ArticleRecord):
                results[index].n_claims = 0
                sink.discard(first_input + index)
        for text, (index, base) in texts():
            if isinstance(results[index], ErrorRecord):
                continue
            try:
                convert(nlp(text), index, base)
            except Exception as error:  # noqa: BLE001
                results[index] = _failure("nlp", cleaned_of[index].article, error)
                sink.discard(first_input + index)
    return [r for r in results if r is not None]


# --- worker processes ---------------------------------------------------------

_worker: dict = {}


@dataclass
class ChunkResult:
    """A chunk of inputs processed: one record per input, and where its claims are
    (a spool file written by a local worker, or lines from a Dask worker)."""

    first_input: int
    records: list[ArticleResult]
    spool: str | None = None
    lines: list[str] = field(default_factory=list)


def _init_worker(settings: RunSettings, stats: BatchLineStats | None,
                 spool_dir: str | None = None) -> None:
    nlp = load_nlp(settings.model, tagger=settings.tagger, definition=settings.definition)
    _worker.update(nlp=nlp, settings=settings, stats=stats, spool_dir=spool_dir)


def _work(task: tuple[int, list[Item]]) -> ChunkResult:
    """A local worker's chunk: claims go to a spool file the main process appends to
    the journal, so nothing large crosses the process boundary."""
    first_input, items = task
    settings = _worker["settings"]
    spool = Path(_worker["spool_dir"]) / f"{first_input}.jsonl"
    with spool.open("w", encoding="utf-8") as handle:
        records = process_articles(_worker["nlp"], items, settings.batch_size,
                                   ClaimSink(handle), _worker["stats"],
                                   settings.segment_chars, first_input)
    return ChunkResult(first_input, records, spool=str(spool))


def _dask_work(task: tuple[int, list[Item]], settings: RunSettings,
               stats: BatchLineStats | None) -> ChunkResult:
    """Runs on a Dask worker: the model is loaded once per worker process and kept;
    the claims travel back with the result (a cluster's workers share no disk)."""
    if _worker.get("settings") != settings:
        _init_worker(settings, stats)
    first_input, items = task
    sink = ClaimSink()
    records = process_articles(_worker["nlp"], items, settings.batch_size, sink,
                               _worker["stats"], settings.segment_chars, first_input)
    return ChunkResult(first_input, records, lines=sink.lines)


def _dask_batches(tasks: Iterator[tuple[int, list[Item]]], settings: RunSettings,
                  stats: BatchLineStats | None) -> Iterator[ChunkResult]:
    """Per-article stages on a Dask cluster, results yielded in input order.

    At most a few chunks per worker are in flight, so memory stays flat however
    large the input; the dedup stage then runs here, over all results.
    """
    from collections import deque

    from distributed import Client, LocalCluster

    cluster = None
    if settings.scheduler:
        client = Client(settings.scheduler)
    else:
        cluster = LocalCluster(n_workers=max(1, settings.workers), threads_per_worker=1,
                               processes=True, dashboard_address=None)
        client = Client(cluster)
    try:
        workers = max(1, len(client.scheduler_info()["workers"]))
        pending: deque = deque()
        stats_future = client.scatter(stats, broadcast=True) if stats is not None else None
        for task in tasks:
            pending.append(client.submit(_dask_work, task, settings, stats_future,
                                         pure=False))
            while len(pending) >= 3 * workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _chunks(items: Iterable, size: int, first_input: int = 0) -> Iterator[tuple[int, list]]:
    """(number of the chunk's first input, chunk) pairs."""
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield first_input, chunk
        first_input += len(chunk)


def batch_line_stats(files: list[Path], settings: RunSettings) -> BatchLineStats | None:
    """Line frequencies over the first articles of the batch (cleaning drops lines that
    recur across many articles: site headers, footers); None when disabled."""
    if settings.batch_stats_sample <= 0:
        return None
    sample = (item.raw_text for item in islice(
        (i for i in read_articles(files, settings.max_bytes) if isinstance(i, Article)),
        settings.batch_stats_sample))
    return BatchLineStats.from_texts(sample)


# --- the journal: what makes a killed run resumable ------------------------------


class Journal:
    """Append-only record of every input's result, in input order.

    Lines: `{"input": N, "claims": [...]}` as segments are parsed (see `ClaimSink`),
    `{"input": N, "discard": true}` to withdraw them, and one final
    `{"input": N, "article": ...}` or `{"input": N, "error": ...}` per input. Each
    processed chunk is flushed and fsynced before the next, so after a kill (SIGKILL
    included) the journal holds a prefix of the results, at most with a torn tail
    that recovery cuts back to the last final line. `--resume` keeps that prefix,
    skips as many inputs, and goes on; the final files are always assembled from the
    journal, so a resumed run writes the same bytes as an uninterrupted one.
    """

    NAME = ".journal.jsonl"
    SPOOL = ".spool"

    def __init__(self, out_dir: Path, fingerprint: str, resume: bool) -> None:
        self.path = out_dir / self.NAME
        self.spool_dir = out_dir / self.SPOOL
        self.done = 0
        if resume and self.path.exists():
            self.done = self._recover(fingerprint)
        if self.done == 0:
            with self.path.open("w", encoding="utf-8") as handle:
                handle.write(json.dumps({"fingerprint": fingerprint}) + "\n")
        self.handle = self.path.open("a", encoding="utf-8")

    def _recover(self, fingerprint: str) -> int:
        """Count the final lines of a matching journal and cut everything after the last."""
        good_bytes, offset, entries = 0, 0, -1
        with self.path.open("rb") as handle:
            for line in handle:
                offset += len(line)
                if not line.endswith(b"\n"):
                    break
                if entries == -1:
                    try:
                        header = json.loads(line)
                    except ValueError:
                        return 0
                    if header.get("fingerprint") != fingerprint:
                        return 0  # another run's journal: start over
                    entries, good_bytes = 0, offset
                    continue
                if _FINAL.match(line):
                    try:
                        json.loads(line)
                    except ValueError:
                        break
                    entries += 1
                    good_bytes = offset
        with self.path.open("r+b") as handle:
            handle.truncate(good_bytes)
        return max(entries, 0)

    def sink(self) -> ClaimSink:
        """A sink writing claims straight into the journal (the in-process engine)."""
        return ClaimSink(self.handle)

    def append(self, chunk: ChunkResult) -> None:
        """Add a processed chunk: its claims (from a spool file or lines), then one
        final line per input; then flush and fsync."""
        if chunk.spool is not None:
            with open(chunk.spool, encoding="utf-8") as spool:
                shutil.copyfileobj(spool, self.handle)
            Path(chunk.spool).unlink()
        self.handle.writelines(chunk.lines)
        for offset, result in enumerate(chunk.records):
            kind = "error" if isinstance(result, ErrorRecord) else "article"
            self.handle.write(f'{{"input": {chunk.first_input + offset}, "{kind}": ')
            self.handle.write(dumps(result))  # one write: a 50 MB article is not copied twice
            self.handle.write("}\n")
        self.handle.flush()
        os.fsync(self.handle.fileno())

    def lines(self) -> Iterator[tuple[int, bytes]]:
        """(line number, raw line) of every entry after the header."""
        self.handle.flush()
        with self.path.open("rb") as handle:
            next(handle)
            yield from enumerate(handle, 1)

    def close(self) -> None:
        self.handle.close()

    def remove(self) -> None:
        self.handle.close()
        self.path.unlink(missing_ok=True)
        shutil.rmtree(self.spool_dir, ignore_errors=True)


_FINAL = re.compile(rb'^\{"input": \d+, "(?:article|error)": ')
_CLAIMS = re.compile(rb'^\{"input": (\d+), "claims": ')


def _fingerprint(inputs: list[str], settings: RunSettings, model: str) -> str:
    keep = {k: v for k, v in asdict(settings).items()
            if k not in {"progress", "workers", "engine", "scheduler"}}
    key = json.dumps([__version__, model, [str(i) for i in inputs], keep], sort_keys=True)
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


# --- the run ------------------------------------------------------------------


def _manifest(inputs: list[str], settings: RunSettings, model: tuple[str, str],
              counts: dict[str, int], notes: list[str], started: datetime, seconds: float,
              completed: bool) -> Manifest:
    return Manifest(
        package_version=__version__, model_name=model[0], model_version=model[1],
        settings={k: v for k, v in asdict(settings).items() if k != "progress"},
        inputs=[str(i) for i in inputs], counts=counts, notes=notes,
        started=started.isoformat(timespec="seconds"),
        finished=datetime.now(UTC).isoformat(timespec="seconds") if completed else None,
        seconds=round(seconds, 3), completed=completed)


def _assemble(journal: Journal, out_dir: Path, state: Path | None, done: RunSummary) -> int:
    """Write the run's files from the journal, in three streaming passes, holding only
    compact keys: (1) articles and errors, and which claim lines stand; (2) the keys
    the source index and dedup need; (3) every claim again, with its run-wide source
    and its cluster, straight to claims.jsonl. Counts go into `done`; returns the
    number of sources."""
    errors: list[ErrorRecord] = []
    outlets: dict[str, tuple[str | None, str | None]] = {}
    completed: set[int] = set()
    discarded: dict[int, int] = {}  # input -> line of its last discard
    articles_file = AtomicFile(out_dir / "articles.jsonl")
    try:
        for line_no, line in journal.lines():
            if _CLAIMS.match(line):
                continue
            entry = json.loads(line)
            if "discard" in entry:
                discarded[entry["input"]] = line_no
            elif "error" in entry:
                errors.append(ErrorRecord.model_validate(entry["error"]))
            else:
                record = entry["article"]  # written by this run from a validated record
                completed.add(entry["input"])
                outlets[record["doc_id"]] = (record["publisher"], record["published"])
                start = line.index(b'"article": ') + len(b'"article": ')
                articles_file.write_line(line[start:-2].decode("utf-8"))
                done.articles += 1
                done.words += count_words(record["text"])
            del entry, line
    except BaseException:
        articles_file.abort()
        raise

    def claim_lines() -> Iterator[dict]:
        for line_no, line in journal.lines():
            match = _CLAIMS.match(line)
            if match:
                input_no = int(match.group(1))
                if input_no in completed and line_no > discarded.get(input_no, 0):
                    yield from json.loads(line)["claims"]

    sources: list[SourceKey] = []
    keys: list[ClaimKey] = []
    for claim in claim_lines():
        sources.append(source_key(claim))
        keys.append(claim_key(claim))
    person_keys_map, source_records = source_index(sources)
    for key, source in zip(keys, sources, strict=True):
        if source.members:
            key.source = joint_canonical(source.members, person_keys_map)[0]
        elif source.type == "PERSON":
            key.source = person_keys_map.get(key.source, key.source)
    del sources
    if state is not None:
        with ClusterState(state) as index:
            clustering = cluster_keys(keys, outlets, index)
    else:
        clustering = cluster_keys(keys, outlets)
    del keys
    claims_file = AtomicFile(out_dir / "claims.jsonl")
    try:
        for claim in claim_lines():
            source = claim["source"]
            if source.get("members"):
                source["canonical"], source["members"] = joint_canonical(
                    source["members"], person_keys_map)
            elif source["type"] == "PERSON":
                source["canonical"] = person_keys_map.get(source["canonical"],
                                                          source["canonical"])
            claim["cluster_id"] = clustering.cluster_of[claim["claim_id"]]
            claims_file.write_line(dumps(claim))
            done.claims += 1
            done.kinds[claim["kind"]] += 1
    except BaseException:
        claims_file.abort()
        articles_file.abort()
        raise
    articles_file.commit()
    claims_file.commit()
    write_jsonl(out_dir / "clusters.jsonl", clustering.records())
    write_jsonl(out_dir / "sources.jsonl", source_records)
    write_jsonl(out_dir / "errors.jsonl", errors)
    done.clusters = len(clustering)
    done.multi_article_clusters = clustering.across_articles
    done.errors = len(errors)
    return len(source_records)


def run(inputs: list[str], out_dir: Path, settings: RunSettings | None = None,
        resume: bool = False, state: Path | None = None) -> RunSummary:
    """Process `inputs` into `out_dir` and return the run's summary. With `state`, the
    run's claims join the clusters kept in that SQLite file (created if missing)."""
    settings = settings or RunSettings()
    if state is not None:
        ClusterState(state).close()  # refuse a bad state file before any work
    started = datetime.now(UTC)
    clock = time.perf_counter()
    out_dir.mkdir(parents=True, exist_ok=True)
    summary = RunSummary(out_dir=out_dir)
    files, missing = discover(inputs)
    # the main process parses only with one local worker; otherwise the workers load
    # the model and the main process only needs its name and version
    in_process = settings.engine != "dask" and settings.workers <= 1
    model = installed_model_info(settings.model)
    nlp = load_nlp(settings.model, tagger=settings.tagger, definition=settings.definition) \
        if in_process or not model else None
    model = model or model_info(nlp)
    notes = (["raw offsets of HTML inputs index the text trafilatura extracted from the page"]
             if any(p.suffix.lower() in {".html", ".htm"} for p in files) else [])
    write_json(out_dir / "manifest.json", _manifest(inputs, settings, model, {}, notes,
                                                    started, 0.0, False))
    journal = Journal(out_dir, _fingerprint(inputs, settings, model[0]), resume)
    stats = batch_line_stats(files, settings)
    items: Iterator[Item] = iter([*missing, *read_articles(files, settings.max_bytes)])
    total = len(missing) + count_articles(files)
    for _ in islice(items, journal.done):
        pass  # already in the journal
    bar = tqdm(total=total, initial=journal.done, unit="art", disable=not settings.progress,
               file=sys.stderr, dynamic_ncols=True, desc="articles")
    chunk_size = max(settings.batch_size, 8)
    tasks = _chunks(items, chunk_size, journal.done)
    words = 0
    pool = None
    try:
        if settings.engine == "dask":
            nlp = None
            batches = _dask_batches(tasks, settings, stats)
        elif not in_process:
            nlp = None
            journal.spool_dir.mkdir(exist_ok=True)
            context = multiprocessing.get_context("spawn")
            pool = context.Pool(settings.workers, initializer=_init_worker,
                                initargs=(settings, stats, str(journal.spool_dir)))
            batches = pool.imap(_work, tasks)
        else:
            sink = journal.sink()
            batches = (ChunkResult(first, process_articles(
                nlp, chunk, settings.batch_size, sink, stats, settings.segment_chars, first))
                for first, chunk in tasks)
        for chunk in batches:
            journal.append(chunk)
            words += sum(count_words(r.text) for r in chunk.records
                         if isinstance(r, ArticleRecord))
            bar.update(len(chunk.records))
            del chunk
            elapsed = time.perf_counter() - clock
            bar.set_postfix_str(f"{words / elapsed:,.0f} words/s" if elapsed else "")
    finally:
        bar.close()
        if pool is not None:
            pool.close()
            pool.join()
    batches = tasks = items = None  # noqa: F841 - let the model and inputs go ...
    nlp = None  # noqa: F841
    gc.collect()  # ... before the assembly, which holds every claim's key
    sources = _assemble(journal, out_dir, state, summary)
    summary.seconds = time.perf_counter() - clock
    counts = {"files": len(files), "articles": summary.articles, "claims": summary.claims,
              "clusters": summary.clusters, "sources": sources,
              "errors": summary.errors, "words": summary.words}
    write_json(out_dir / "manifest.json", _manifest(inputs, settings, model, counts, notes,
                                                    started, summary.seconds, True))
    journal.remove()
    return summary
