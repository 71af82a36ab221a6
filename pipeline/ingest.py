"""Ingest: input paths in, `Article`s (or the reason a file could not be read) out.

In: any mix of `.txt`/`.html`/`.htm` files, `.jsonl` files (one article a line:
`id`, `text`, optional `url`, `title`, `published`, `publisher`, `authors`)
and directories, searched recursively in sorted order so runs are
deterministic. Out: a stream of `Article | PipelineError`; one text file
gives one article, one JSONL line gives one article.

An HTML page (`.html`, `.htm`) goes through trafilatura here: its `raw_text`
is the text trafilatura extracted, which is what raw offsets then index.
Text must be UTF-8 (a BOM is accepted) or UTF-16/32 with a BOM; anything
else is an error record, never a guess that could shift offsets. Duplicate doc_ids are kept: the
second and later get a `~2`, `~3` suffix (in input order), so nothing is
silently overwritten.
"""

from __future__ import annotations

import codecs
import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from pipeline.errors import (
    BadJsonLine,
    EmptyInput,
    MissingField,
    NotText,
    PipelineError,
    TooLarge,
    Unreadable,
)
from pipeline.schema import Article

TEXT_SUFFIXES = {".txt"}
HTML_SUFFIXES = {".html", ".htm"}
JSONL_SUFFIXES = {".jsonl"}
ALL_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES
# Claims stream to the journal as segments are parsed, so memory grows little with an
# article's length (a 50 MB article peaks at 881 MB); past this size a file is more
# likely a dump than an article. Raise it with --max-bytes.
DEFAULT_MAX_BYTES = 64 * 1024 * 1024


def discover(inputs: Iterable[str | Path]) -> tuple[list[Path], list[PipelineError]]:
    """Expand inputs into the sorted list of files to read, plus errors for missing inputs."""
    files: list[Path] = []
    errors: list[PipelineError] = []
    seen: set[str] = set()
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            found = []
            for root, dirs, names in os.walk(path, followlinks=False):
                dirs.sort()
                found.extend(Path(root) / name for name in sorted(names)
                             if Path(name).suffix.lower() in ALL_SUFFIXES)
            candidates = sorted(found)
        elif path.exists() or path.is_symlink():
            candidates = [path]
        else:
            errors.append(Unreadable(f"input does not exist: {path}", path=str(path)))
            continue
        for candidate in candidates:
            key = os.path.normpath(str(candidate))
            if key not in seen:
                seen.add(key)
                files.append(candidate)
    return files, errors


def count_articles(files: list[Path]) -> int:
    """How many articles the files hold (JSONL lines counted), for the progress bar."""
    total = 0
    for path in files:
        if path.suffix.lower() in JSONL_SUFFIXES:
            try:
                with path.open("rb") as handle:
                    total += sum(1 for line in handle if line.strip())
            except OSError:
                total += 1
        else:
            total += 1
    return total


def decode(data: bytes, path: str) -> str:
    """Text whose encoding can be told: UTF-8 (BOM optional), or UTF-16/32 with a BOM.

    Anything else (binary data, Latin-1, Windows-1252) is a NotText error rather
    than a guess, since a wrong guess silently corrupts words and offsets.
    """
    for bom, encoding in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                          (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as error:
                raise NotText(f"invalid {encoding.upper()} text at byte {error.start}",
                              path=path) from None
    if b"\x00" in data[:8192]:
        raise NotText("binary content (NUL bytes): not a text file", path=path)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise NotText(f"not UTF-8 text: invalid byte at offset {error.start}",
                      path=path) from None


def _read_bytes(path: Path, max_bytes: int) -> bytes:
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise TooLarge(f"{size} bytes exceeds the limit of {max_bytes} (--max-bytes)",
                           path=str(path))
        return path.read_bytes()
    except PipelineError:
        raise
    except OSError as error:
        raise Unreadable(f"cannot read: {error.strerror or error}", path=str(path)) from None


def _text_article(path: Path, max_bytes: int) -> Article:
    raw = decode(_read_bytes(path, max_bytes), str(path))
    doc_id = path.stem
    if not raw.strip():
        raise EmptyInput("empty or whitespace-only file", path=str(path), doc_id=doc_id)
    if path.suffix.lower() in HTML_SUFFIXES:
        from pipeline.clean import html_to_text  # trafilatura: only for HTML inputs

        text, meta = html_to_text(raw)
        if not text.strip():
            raise EmptyInput("no article text found in the HTML page", path=str(path),
                             doc_id=doc_id)
        # offsets of an HTML article index the text trafilatura extracted (see manifest)
        return Article(doc_id=doc_id, path=str(path), format="html", raw_text=text,
                       url=meta.get("url"), title=meta.get("title"),
                       published=meta.get("published"), publisher=meta.get("publisher"),
                       authors=meta.get("authors") or [])
    return Article(doc_id=doc_id, path=str(path), format="txt", raw_text=raw)


def _jsonl_articles(path: Path, max_bytes: int) -> Iterator[Article | PipelineError]:
    try:
        handle = path.open("rb")
    except OSError as error:
        yield Unreadable(f"cannot read: {error.strerror or error}", path=str(path))
        return
    with handle:
        for line_no, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            where = f"{path}:{line_no}"
            try:
                if len(line) > max_bytes:
                    raise TooLarge(f"line {line_no}: {len(line)} bytes exceeds the limit of "
                                   f"{max_bytes}", path=where)
                try:
                    record = json.loads(decode(line, where))
                except json.JSONDecodeError as error:
                    raise BadJsonLine(f"line {line_no}: invalid JSON ({error.msg})",
                                      path=where) from None
                if not isinstance(record, dict):
                    raise BadJsonLine(f"line {line_no}: not a JSON object", path=where)
                missing = [key for key in ("id", "text") if not record.get(key)]
                if missing:
                    raise MissingField(f"line {line_no}: missing {' and '.join(missing)}",
                                       path=where, doc_id=str(record.get("id") or "") or None)
                text = record["text"]
                if not isinstance(text, str) or not text.strip():
                    raise EmptyInput(f"line {line_no}: empty text", path=where,
                                     doc_id=str(record["id"]))
                authors = record.get("authors") or []
                yield Article(
                    doc_id=str(record["id"]), path=str(path), format="jsonl", raw_text=text,
                    line_no=line_no, url=record.get("url"), title=record.get("title"),
                    published=record.get("published"), publisher=record.get("publisher"),
                    authors=[authors] if isinstance(authors, str) else list(authors))
            except PipelineError as error:
                yield error


def read_articles(files: Iterable[Path], max_bytes: int = DEFAULT_MAX_BYTES
                  ) -> Iterator[Article | PipelineError]:
    """Every article of `files` in order, or the error that stopped it."""
    seen_ids: dict[str, int] = {}
    for path in files:
        if path.suffix.lower() in JSONL_SUFFIXES:
            items: Iterable[Article | PipelineError] = _jsonl_articles(path, max_bytes)
        else:
            try:
                items = [_text_article(path, max_bytes)]
            except PipelineError as error:
                items = [error]
        for item in items:
            if isinstance(item, Article):
                count = seen_ids.get(item.doc_id, 0) + 1
                seen_ids[item.doc_id] = count
                if count > 1:
                    item = item.model_copy(update={"doc_id": f"{item.doc_id}~{count}"})
            yield item
