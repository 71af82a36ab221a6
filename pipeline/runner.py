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

import multiprocessing
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


def error_record(error: PipelineError) -> ErrorRecord:
    return ErrorRecord(path=error.path, doc_id=error.doc_id, stage=error.stage,
                       error=error.code, message=error.message)


def _clean(article: Article, batch: BatchLineStats | None) -> CleanedArticle | ErrorRecord:
    try:
        return clean_article(article, batch)
    except Exception as error:  # noqa: BLE001 - one bad article must not stop the run
        return error_record(StageFailure(f"{type(error).__name__}: {error}", stage="clean",
                                         path=article.path, doc_id=article.doc_id))


def process_articles(nlp, articles: list[Article], batch_size: int,
                     batch: BatchLineStats | None = None) -> list[ArticleResult]:
    """Clean, parse and extract claims for a list of articles, in order."""
    results: list[ArticleResult | None] = [None] * len(articles)
    cleaned_items: list[tuple[int, CleanedArticle]] = []
    for index, article in enumerate(articles):
        cleaned = _clean(article, batch)
        if isinstance(cleaned, ErrorRecord):
            results[index] = cleaned
        else:
            cleaned_items.append((index, cleaned))
    texts = ((cleaned.text, (index, cleaned)) for index, cleaned in cleaned_items)
    try:
        parsed = list(nlp.pipe(texts, as_tuples=True, batch_size=batch_size))
    except Exception:  # noqa: BLE001 - retry one by one to isolate the article at fault
        parsed = []
        for text, context in ((c.text, (i, c)) for i, c in cleaned_items):
            try:
                parsed.append((nlp(text), context))
            except Exception as error:  # noqa: BLE001
                index, cleaned = context
                results[index] = error_record(StageFailure(
                    f"{type(error).__name__}: {error}", stage="nlp",
                    path=cleaned.article.path, doc_id=cleaned.article.doc_id))
    for doc, (index, cleaned) in parsed:
        article = cleaned.article
        try:
            claims = to_records(doc, cleaned)
        except Exception as error:  # noqa: BLE001
            results[index] = error_record(StageFailure(
                f"{type(error).__name__}: {error}", stage="claims", path=article.path,
                doc_id=article.doc_id))
            continue
        results[index] = (ArticleRecord(
            doc_id=article.doc_id, path=article.path, title=cleaned.title,
            authors=cleaned.authors, published=cleaned.published, publisher=cleaned.publisher,
            url=article.url, format=article.format, bio=cleaned.bio,
            trailers=cleaned.trailers, text=cleaned.text,
            n_claims=len(claims)), claims)
    return [r for r in results if r is not None]


# --- worker processes ---------------------------------------------------------

_worker_nlp = None
_worker_batch = 32
_worker_stats: BatchLineStats | None = None


def _init_worker(model: str, batch_size: int, stats: BatchLineStats | None) -> None:
    global _worker_nlp, _worker_batch, _worker_stats
    _worker_nlp = load_nlp(model)
    _worker_batch = batch_size
    _worker_stats = stats


def _work(articles: list[Article]) -> list[ArticleResult]:
    return process_articles(_worker_nlp, articles, _worker_batch, _worker_stats)


def batch_line_stats(files: list[Path], settings: RunSettings) -> BatchLineStats | None:
    """Line frequencies over the first articles of the batch (cleaning drops lines that
    recur across many articles: site headers, footers); None when disabled."""
    if settings.batch_stats_sample <= 0:
        return None
    sample = (item.raw_text for item in islice(
        (i for i in read_articles(files, settings.max_bytes) if isinstance(i, Article)),
        settings.batch_stats_sample))
    return BatchLineStats.from_texts(sample)


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


# --- the run ------------------------------------------------------------------


def run(inputs: list[str], out_dir: Path, settings: RunSettings | None = None) -> RunSummary:
    """Process `inputs` into `out_dir` and return the run's summary."""
    settings = settings or RunSettings()
    started = datetime.now(UTC)
    clock = time.perf_counter()
    out_dir.mkdir(parents=True, exist_ok=True)
    summary = RunSummary(out_dir=out_dir)
    files, missing = discover(inputs)
    errors: list[ErrorRecord] = [error_record(e) for e in missing]
    claims: list[ClaimRecord] = []
    nlp = load_nlp(settings.model)
    model_name, model_version = model_info(nlp)
    stats = batch_line_stats(files, settings)

    stream = read_articles(files, settings.max_bytes)
    articles_only: list[Article] = []

    def articles() -> Iterator[Article]:
        for item in stream:
            if isinstance(item, PipelineError):
                errors.append(error_record(item))
                bar.update(1)
            else:
                articles_only.append(item)
                yield item

    bar = tqdm(total=count_articles(files), unit="art", disable=not settings.progress,
               file=sys.stderr, dynamic_ncols=True, desc="articles")
    articles_file = AtomicFile(out_dir / "articles.jsonl")
    chunk_size = max(settings.batch_size, 8)
    pool = None
    try:
        if settings.workers > 1:
            del nlp
            context = multiprocessing.get_context("spawn")
            pool = context.Pool(settings.workers, initializer=_init_worker,
                                initargs=(settings.model, settings.batch_size, stats))
            batches = pool.imap(_work, _chunks(articles(), chunk_size))
        else:
            batches = (process_articles(nlp, chunk, settings.batch_size, stats)
                       for chunk in _chunks(articles(), chunk_size))
        for results in batches:
            for result in results:
                if isinstance(result, ErrorRecord):
                    errors.append(result)
                else:
                    record, article_claims = result
                    articles_file.write_line(dumps(record))
                    claims.extend(article_claims)
                    summary.articles += 1
                    summary.words += len(record.text.split())
                bar.update(1)
            elapsed = time.perf_counter() - clock
            bar.set_postfix_str(f"{summary.words / elapsed:,.0f} words/s" if elapsed else "")
    except BaseException:
        articles_file.abort()
        raise
    finally:
        bar.close()
        if pool is not None:
            pool.close()
            pool.join()
    sources = unify_sources(claims)
    clusters = cluster_claims(claims)
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
    settings_record = {k: v for k, v in asdict(settings).items() if k != "progress"}
    write_json(out_dir / "manifest.json", Manifest(
        package_version=__version__, model_name=model_name, model_version=model_version,
        settings=settings_record, inputs=[str(i) for i in inputs],
        counts={"files": len(files), "articles": summary.articles, "claims": summary.claims,
                "clusters": summary.clusters, "sources": len(sources),
                "errors": summary.errors,
                "words": summary.words},
        notes=["raw offsets of HTML inputs index the text trafilatura extracted from the page"]
        if any(p.suffix.lower() in {".html", ".htm"} for p in files) else [],
        started=started.isoformat(timespec="seconds"),
        finished=datetime.now(UTC).isoformat(timespec="seconds"),
        seconds=round(summary.seconds, 3), completed=True))
    return summary
