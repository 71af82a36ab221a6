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

import hashlib
import json
import multiprocessing
import os
import sys
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path

from tqdm import tqdm

from pipeline import __version__
from pipeline.claims import to_records
from pipeline.clean import BatchLineStats, clean_article
from pipeline.dedup import cluster_claims
from pipeline.errors import PipelineError, StageFailure
from pipeline.ingest import DEFAULT_MAX_BYTES, count_articles, discover, read_articles
from pipeline.nlp import DEFAULT_MODEL, load_nlp, model_info
from pipeline.schema import (
    Article,
    ArticleRecord,
    ClaimRecord,
    CleanedArticle,
    ErrorRecord,
    Manifest,
)
from pipeline.sources import unify_sources
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
    engine: str = "local"  # "local" (this machine's processes) or "dask"
    scheduler: str | None = None  # Dask scheduler address; None starts a local cluster
    progress: bool = True


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
              for kind in ("direct", "indirect", "mixed")),
            ("clusters", f"{self.clusters} ({self.multi_article_clusters} across articles)"),
            ("errors", f"{self.errors}"),
            ("seconds", f"{self.seconds:.1f}"),
            ("words/s", f"{self.words_per_second:,.0f}"),
        ]
        width = max(len(name) for name, _ in rows)
        lines = [f"{name:<{width}}  {value}" for name, value in rows]
        rule = "-" * max(len(line) for line in lines)
        return "\n".join([f"run: {self.out_dir}", rule, *lines, rule])


ArticleResult = tuple[ArticleRecord, list[ClaimRecord]] | ErrorRecord
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


BATCH_WORDS = 20_000  # words parsed together: bounds the parser's memory (~15 KB a word)


def _word_batches(texts: list, batch_size: int) -> Iterator[list]:
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


def process_articles(nlp, items: list[Item], batch_size: int,
                     batch: BatchLineStats | None = None,
                     segment_chars: int = 20_000) -> list[ArticleResult]:
    """Clean, parse and extract claims for each item, in order; an ingest error passes
    through as its error record so results stay aligned with the input order."""
    results: list[ArticleResult | None] = [None] * len(items)
    claims: dict[int, list[ClaimRecord]] = {}
    texts = []
    for index, item in enumerate(items):
        if isinstance(item, PipelineError):
            results[index] = error_record(item)
            continue
        cleaned = _clean(item, batch)
        if isinstance(cleaned, ErrorRecord):
            results[index] = cleaned
            continue
        claims[index] = []
        results[index] = (ArticleRecord(
            doc_id=item.doc_id, path=item.path, title=cleaned.title, authors=cleaned.authors,
            published=cleaned.published, publisher=cleaned.publisher, url=item.url,
            format=item.format, bio=cleaned.bio, trailers=cleaned.trailers, text=cleaned.text,
            n_claims=0), claims[index])
        texts.extend((cleaned.text[a:b], (index, cleaned, a))
                     for a, b in segments(cleaned.text, segment_chars))

    def convert(doc, index: int, cleaned: CleanedArticle, base: int) -> None:
        if isinstance(results[index], ErrorRecord):
            return
        try:
            claims[index].extend(to_records(doc, cleaned, base))
        except Exception as error:  # noqa: BLE001
            results[index] = _failure("claims", cleaned.article, error)

    try:
        for group in _word_batches(texts, batch_size):
            for doc, (index, cleaned, base) in nlp.pipe(group, as_tuples=True,
                                                        batch_size=len(group)):
                convert(doc, index, cleaned, base)
    except Exception:  # noqa: BLE001 - redo one by one to isolate the article at fault
        for index in claims:
            claims[index].clear()
        for text, (index, cleaned, base) in texts:
            if isinstance(results[index], ErrorRecord):
                continue
            try:
                convert(nlp(text), index, cleaned, base)
            except Exception as error:  # noqa: BLE001
                results[index] = _failure("nlp", cleaned.article, error)
    for result in results:
        if isinstance(result, tuple):
            result[0].n_claims = len(result[1])
    return [r for r in results if r is not None]


# --- worker processes ---------------------------------------------------------

_worker: dict = {}


def _init_worker(settings: RunSettings, stats: BatchLineStats | None) -> None:
    _worker.update(nlp=load_nlp(settings.model, tagger=settings.tagger), settings=settings,
                   stats=stats)


def _work(items: list[Item]) -> list[ArticleResult]:
    settings = _worker["settings"]
    return process_articles(_worker["nlp"], items, settings.batch_size, _worker["stats"],
                            settings.segment_chars)


def _dask_work(items: list[Item], settings: RunSettings,
               stats: BatchLineStats | None) -> list[ArticleResult]:
    """Runs on a Dask worker: the model is loaded once per worker process and kept."""
    if _worker.get("settings") != settings:
        _init_worker(settings, stats)
    return _work(items)


def _dask_batches(chunks: Iterator[list[Item]], settings: RunSettings,
                  stats: BatchLineStats | None) -> Iterator[list[ArticleResult]]:
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
        for chunk in chunks:
            pending.append(client.submit(_dask_work, chunk, settings, stats_future,
                                         pure=False))
            while len(pending) >= 3 * workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


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

    Each processed chunk is appended and fsynced before the next, so after a kill
    (SIGKILL included) the journal holds a prefix of the results, at most with a torn
    last line. `--resume` keeps that prefix, skips as many inputs, and goes on; the
    final files are always assembled from the journal, so a resumed run writes the
    same bytes as an uninterrupted one.
    """

    NAME = ".journal.jsonl"

    def __init__(self, out_dir: Path, fingerprint: str, resume: bool) -> None:
        self.path = out_dir / self.NAME
        self.done = 0
        if resume and self.path.exists():
            self.done = self._recover(fingerprint)
        if self.done == 0:
            with self.path.open("w", encoding="utf-8") as handle:
                handle.write(json.dumps({"fingerprint": fingerprint}) + "\n")
        self.handle = self.path.open("a", encoding="utf-8")

    def _recover(self, fingerprint: str) -> int:
        """Count complete entries of a matching journal and cut a torn tail."""
        good_bytes, entries = 0, -1
        with self.path.open("rb") as handle:
            for line in handle:
                try:
                    entry = json.loads(line)
                except ValueError:
                    break
                if not line.endswith(b"\n"):
                    break
                if entries == -1 and entry.get("fingerprint") != fingerprint:
                    return 0  # another run's journal: start over
                entries += 1
                good_bytes += len(line)
        with self.path.open("r+b") as handle:
            handle.truncate(good_bytes)
        return max(entries, 0)

    def append(self, results: list[ArticleResult]) -> None:
        for result in results:
            if isinstance(result, ErrorRecord):
                entry = {"error": result.model_dump(mode="json")}
            else:
                record, claims = result
                entry = {"article": record.model_dump(mode="json"),
                         "claims": [c.model_dump(mode="json") for c in claims]}
            self.handle.write(json.dumps(entry, ensure_ascii=False) + "\n")
        self.handle.flush()
        os.fsync(self.handle.fileno())

    def entries(self) -> Iterator[dict]:
        self.handle.close()
        with self.path.open(encoding="utf-8") as handle:
            next(handle)  # the fingerprint
            for line in handle:
                yield json.loads(line)

    def remove(self) -> None:
        self.path.unlink(missing_ok=True)


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


def run(inputs: list[str], out_dir: Path, settings: RunSettings | None = None,
        resume: bool = False) -> RunSummary:
    """Process `inputs` into `out_dir` and return the run's summary."""
    settings = settings or RunSettings()
    started = datetime.now(UTC)
    clock = time.perf_counter()
    out_dir.mkdir(parents=True, exist_ok=True)
    summary = RunSummary(out_dir=out_dir)
    files, missing = discover(inputs)
    nlp = load_nlp(settings.model, tagger=settings.tagger)
    model = model_info(nlp)
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
    words = 0
    pool = None
    try:
        if settings.engine == "dask":
            del nlp
            batches = _dask_batches(_chunks(items, chunk_size), settings, stats)
        elif settings.workers > 1:
            del nlp
            context = multiprocessing.get_context("spawn")
            pool = context.Pool(settings.workers, initializer=_init_worker,
                                initargs=(settings, stats))
            batches = pool.imap(_work, _chunks(items, chunk_size))
        else:
            batches = (process_articles(nlp, chunk, settings.batch_size, stats,
                                        settings.segment_chars)
                       for chunk in _chunks(items, chunk_size))
        for results in batches:
            journal.append(results)
            words += sum(len(r[0].text.split()) for r in results if isinstance(r, tuple))
            bar.update(len(results))
            elapsed = time.perf_counter() - clock
            bar.set_postfix_str(f"{words / elapsed:,.0f} words/s" if elapsed else "")
    finally:
        bar.close()
        if pool is not None:
            pool.close()
            pool.join()
    # assemble the outputs from the journal (the same bytes whether or not resumed)
    claims: list[ClaimRecord] = []
    errors: list[ErrorRecord] = []
    outlets: dict[str, tuple[str | None, str | None]] = {}
    articles_file = AtomicFile(out_dir / "articles.jsonl")
    try:
        for entry in journal.entries():
            if "error" in entry:
                errors.append(ErrorRecord.model_validate(entry["error"]))
                continue
            record = ArticleRecord.model_validate(entry["article"])
            outlets[record.doc_id] = (record.publisher, record.published)
            articles_file.write_line(dumps(record))
            claims.extend(ClaimRecord.model_validate(c) for c in entry["claims"])
            summary.articles += 1
            summary.words += len(record.text.split())
    except BaseException:
        articles_file.abort()
        raise
    sources = unify_sources(claims)
    clusters = cluster_claims(claims, outlets)
    articles_file.commit()
    write_jsonl(out_dir / "claims.jsonl", claims)
    write_jsonl(out_dir / "clusters.jsonl", clusters)
    write_jsonl(out_dir / "sources.jsonl", sources)
    write_jsonl(out_dir / "errors.jsonl", errors)
    summary.claims = len(claims)
    summary.kinds = Counter(c.kind for c in claims)
    summary.clusters = len(clusters)
    summary.multi_article_clusters = sum(1 for c in clusters if c.n_articles > 1)
    summary.errors = len(errors)
    summary.seconds = time.perf_counter() - clock
    counts = {"files": len(files), "articles": summary.articles, "claims": summary.claims,
              "clusters": summary.clusters, "sources": len(sources), "errors": summary.errors,
              "words": summary.words}
    write_json(out_dir / "manifest.json", _manifest(inputs, settings, model, counts, notes,
                                                    started, summary.seconds, True))
    journal.remove()
    return summary
