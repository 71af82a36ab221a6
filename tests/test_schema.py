"""The output contract: records validate, and `claims schema` prints every file's schema."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from conftest import read_jsonl
from pipeline.schema import OUTPUT_MODELS, ArticleRecord, ClaimRecord, ClusterRecord


def test_schema_command_lists_every_output_file() -> None:
    result = subprocess.run([sys.executable, "-m", "pipeline.cli", "schema"],
                            capture_output=True, text=True, check=True)
    schemas = json.loads(result.stdout)
    assert set(schemas) == set(OUTPUT_MODELS)
    claim = schemas["claims.jsonl"]
    for key in ("claim_id", "doc_id", "kind", "source", "cue", "content", "confidence",
                "entities", "cluster_id"):
        assert key in claim["properties"], key
    assert set(claim["$defs"]["SourceSpan"]["properties"]) >= {
        "text", "canonical", "type", "start", "end", "raw_start", "raw_end"}


def test_run_outputs_validate_against_the_models(corpus_run: Path) -> None:
    for name, model in (("articles.jsonl", ArticleRecord), ("claims.jsonl", ClaimRecord),
                        ("clusters.jsonl", ClusterRecord)):
        rows = read_jsonl(corpus_run / name)
        assert rows, name
        for row in rows:
            model.model_validate(row)


def test_models_refuse_bad_records() -> None:
    with pytest.raises(ValidationError):
        ClaimRecord.model_validate({"claim_id": "x", "doc_id": "d", "kind": "rumour"})
    with pytest.raises(ValidationError):
        ArticleRecord.model_validate({"doc_id": "d", "path": "p", "text": "t", "extra": 1})
