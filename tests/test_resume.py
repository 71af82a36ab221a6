"""Nothing lost: a run killed with SIGKILL at any point and resumed equals an uninterrupted run."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from conftest import CORPUS

OUTPUTS = ("articles.jsonl", "claims.jsonl", "clusters.jsonl", "sources.jsonl", "errors.jsonl")
CLAIMS = [sys.executable, "-m", "pipeline.cli", "run"]


def _feed(path: Path) -> int:
    """A JSONL feed of >= 200 articles: the corpus paragraphs, plus a few bad lines."""
    lines = []
    for source in sorted(CORPUS.glob("*.txt")):
        paragraphs = [p for p in source.read_text(encoding="utf-8").split("\n\n")
                      if len(p.split()) > 12]
        for n, paragraph in enumerate(paragraphs):
            lines.append(json.dumps({"id": f"{source.stem}-{n}", "text": paragraph}))
    lines = (lines * 4)[:230]
    lines = [json.dumps({"id": f"a{i}", "text": json.loads(x)["text"]})
             for i, x in enumerate(lines)]
    lines[17] = "{broken"
    lines[101] = json.dumps({"id": "no-text"})
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(lines)


def _journal_entries(out: Path) -> int:
    journal = out / ".journal.jsonl"
    if not journal.exists():
        return 0
    return max(0, journal.read_bytes().count(b"\n") - 1)


def _run_and_kill(feed: Path, out: Path, at: int, resume: bool) -> None:
    command = [*CLAIMS, str(feed), "-o", str(out), "-q", "--batch-size", "8"]
    process = subprocess.Popen(command + (["--resume"] if resume else []),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while _journal_entries(out) < at and process.poll() is None:
        assert time.monotonic() < deadline, "the run made no progress"
        time.sleep(0.02)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()


def test_killed_five_times_and_resumed_equals_uninterrupted(tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    total = _feed(feed)
    assert total >= 200
    reference = tmp_path / "reference"
    subprocess.run([*CLAIMS, str(feed), "-o", str(reference), "-q", "--batch-size", "8"],
                   check=True, capture_output=True)
    out = tmp_path / "killed"
    for number, at in enumerate((10, 50, 90, 140, 190)):
        _run_and_kill(feed, out, at, resume=number > 0)
        manifest = json.loads((out / "manifest.json").read_text())
        assert manifest["completed"] is False  # a killed run says so
        assert at <= _journal_entries(out) < total
    subprocess.run([*CLAIMS, str(feed), "-o", str(out), "-q", "--batch-size", "8", "--resume"],
                   check=True, capture_output=True)
    assert json.loads((out / "manifest.json").read_text())["completed"] is True
    assert not (out / ".journal.jsonl").exists()
    for name in OUTPUTS:
        assert (out / name).read_bytes() == (reference / name).read_bytes(), name
    articles = (out / "articles.jsonl").read_text().splitlines()
    errors = (out / "errors.jsonl").read_text().splitlines()
    assert len(articles) + len(errors) == total  # every input exactly once
    assert len({json.loads(a)["doc_id"] for a in articles}) == len(articles)
    assert not list(out.glob(".*.tmp-*"))  # no temporary file left behind
