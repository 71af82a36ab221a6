"""Write: records in, the run's output files out, each appearing whole or not at all.

In: `ArticleRecord`s, `ClaimRecord`s, `ClusterRecord`s, `ErrorRecord`s and the
`Manifest`. Out: OUT_DIR/articles.jsonl, claims.jsonl, clusters.jsonl,
errors.jsonl, manifest.json. Each file is written to a temporary name in
OUT_DIR, flushed and fsynced, then renamed over the final name (rename is
atomic on POSIX), so a reader never sees a half-written file. Records are
serialised by pydantic in schema field order with sorted-free, compact
separators, so identical records give identical bytes.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import IO

from pydantic import BaseModel


def dumps(record: BaseModel | dict) -> str:
    """One JSON line for a record (UTF-8 kept as is, keys in schema order)."""
    data = record.model_dump(mode="json") if isinstance(record, BaseModel) else record
    return json.dumps(data, ensure_ascii=False, separators=(", ", ": "))


class AtomicFile:
    """A text file that replaces its final path only when `commit()` is called."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
        self.handle: IO[str] = self.tmp.open("w", encoding="utf-8", newline="\n")

    def write_line(self, line: str) -> None:
        self.handle.write(line)
        self.handle.write("\n")

    def commit(self) -> None:
        self.handle.flush()
        os.fsync(self.handle.fileno())
        self.handle.close()
        os.replace(self.tmp, self.path)

    def abort(self) -> None:
        if not self.handle.closed:
            self.handle.close()
        self.tmp.unlink(missing_ok=True)


def write_jsonl(path: Path, records: Iterable[BaseModel | dict]) -> int:
    """Write `records` atomically to `path`; returns how many lines were written."""
    target = AtomicFile(path)
    count = 0
    try:
        for record in records:
            target.write_line(dumps(record))
            count += 1
    except BaseException:
        target.abort()
        raise
    target.commit()
    return count


def write_json(path: Path, record: BaseModel) -> None:
    """Write one record as an indented JSON document, atomically."""
    target = AtomicFile(path)
    target.handle.write(record.model_dump_json(indent=2))
    target.handle.write("\n")
    target.commit()
