"""Engines: local processes and a Dask cluster give the same bytes as one process."""

from __future__ import annotations

from pathlib import Path

from conftest import CORPUS
from pipeline.runner import RunSettings, run

OUTPUTS = ("articles.jsonl", "claims.jsonl", "clusters.jsonl", "sources.jsonl", "errors.jsonl")


def test_two_local_workers_and_a_two_worker_dask_cluster_match_one_process(
        tmp_path: Path, corpus_run: Path) -> None:
    pool = tmp_path / "pool"
    run([str(CORPUS)], pool, RunSettings(workers=2, progress=False))
    dask = tmp_path / "dask"
    summary = run([str(CORPUS)], dask, RunSettings(engine="dask", workers=2, progress=False))
    assert summary.articles == 5
    for name in OUTPUTS:
        reference = (corpus_run / name).read_bytes()
        assert (pool / name).read_bytes() == reference, name
        assert (dask / name).read_bytes() == reference, name
