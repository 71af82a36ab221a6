"""Shared fixtures: the real spaCy pipeline (loaded once) and one real run of the corpus."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
ANNOTATIONS = ROOT / "annotations"
POLNEAR_DEV = ROOT.parent / "shared" / "eval" / "polnear" / "dev"


def read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def corpus_text(doc_id: str) -> str:
    return (CORPUS / f"{doc_id}.txt").read_bytes().decode("utf-8")


@pytest.fixture(scope="session")
def nlp():
    from pipeline.nlp import load_nlp

    return load_nlp()


@pytest.fixture(scope="session")
def corpus_run(tmp_path_factory) -> Path:
    """The corpus processed once by the real CLI (in-process entry point)."""
    from pipeline.cli import main

    out = tmp_path_factory.mktemp("run") / "corpus"
    assert main(["run", str(CORPUS), "-o", str(out), "--quiet"]) == 0
    return out
