"""Every bad input gives exactly one article or one error record, and the run goes on."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import CORPUS, read_jsonl

GOOD = (CORPUS / "000_d6c6155466720481.txt").read_text(encoding="utf-8")
NO_CLAIMS = "The weather was mild and pleasant.\n\nThe market opened later than usual.\n"


def _build(root: Path) -> dict[str, tuple[str, str]]:
    """Write the bad-input corpus; return {input name: (outcome, code or doc_id)}."""
    expected: dict[str, tuple[str, str]] = {}

    def put(name: str, data: bytes, outcome: str, detail: str) -> None:
        (root / name).write_bytes(data)
        expected[name] = (outcome, detail)

    put("binary.txt", bytes(range(256)) * 4, "error", "not_text")
    put("latin1.txt", "Le président a déclaré: « Non ».".encode("latin-1"), "error", "not_text")
    put("cp1252.txt", "“Smart” quotes — from Word".encode("cp1252"), "error", "not_text")
    put("utf16.txt", GOOD.encode("utf-16"), "article", "utf16~2")
    put("empty.txt", b"", "error", "empty")
    put("blank.txt", b" \n\t\n  \n", "error", "empty")
    put("huge.txt", ("word " * 60_000).encode(), "error", "too_large")
    put("no claims.txt", NO_CLAIMS.encode(), "article", "no claims")
    put("ünïcode name.txt", GOOD.encode(), "article", "ünïcode name")
    put("new\nline.txt", GOOD.encode(), "article", "new\nline")
    os.symlink(root / "vanished.txt", root / "dangling.txt")  # points at nothing
    expected["dangling.txt"] = ("error", "unreadable")
    os.symlink(root / "loop_b.txt", root / "loop_a.txt")
    os.symlink(root / "loop_a.txt", root / "loop_b.txt")
    expected["loop_a.txt"] = ("error", "unreadable")
    expected["loop_b.txt"] = ("error", "unreadable")
    duplicate = root / "again"
    duplicate.mkdir()
    (duplicate / "utf16.txt").write_text(GOOD, encoding="utf-8")
    expected["again/utf16.txt"] = ("article", "utf16")  # sorted input order: again/ first
    lines = [json.dumps({"id": "ok-1", "text": GOOD}), "{not json", json.dumps({"text": GOOD}),
             json.dumps({"id": "no-text"}), json.dumps({"id": "ok-1", "text": NO_CLAIMS}),
             json.dumps(["a", "list"])]
    (root / "feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    expected["feed.jsonl:1"] = ("article", "ok-1")
    expected["feed.jsonl:2"] = ("error", "bad_json")
    expected["feed.jsonl:3"] = ("error", "missing_field")
    expected["feed.jsonl:4"] = ("error", "missing_field")
    expected["feed.jsonl:5"] = ("article", "ok-1~2")
    expected["feed.jsonl:6"] = ("error", "bad_json")
    return expected


@pytest.fixture(scope="module")
def bad_run(tmp_path_factory) -> tuple[Path, Path, dict]:
    root = tmp_path_factory.mktemp("bad")
    inputs = root / "inputs"
    inputs.mkdir()
    expected = _build(inputs)
    out = root / "out"
    subprocess.run([sys.executable, "-m", "pipeline.cli", "run", str(inputs), "-o", str(out),
                    "-q", "--max-bytes", "200000"], check=True, capture_output=True)
    return inputs, out, expected


def _key(inputs: Path, path: str, line_no: int | None) -> str:
    name = os.path.relpath(path.rsplit(":", 1)[0] if path.endswith(tuple(
        f":{n}" for n in range(1, 10))) else path, inputs)
    return f"{name}:{line_no}" if line_no else name


def test_each_input_has_exactly_the_expected_outcome(bad_run) -> None:
    inputs, out, expected = bad_run
    seen: dict[str, tuple[str, str]] = {}
    for error in read_jsonl(out / "errors.jsonl"):
        path = error["path"]
        line = int(path.rsplit(":", 1)[1]) if path.endswith(tuple(
            f":{n}" for n in range(1, 10))) else None
        key = _key(inputs, path, line)
        assert key not in seen, key
        seen[key] = ("error", error["error"])
        assert error["message"] and error["stage"] == "ingest"
    for article in read_jsonl(out / "articles.jsonl"):
        line_no = None
        if article["path"].endswith(".jsonl"):
            line_no = {"ok-1": 1, "ok-1~2": 5}[article["doc_id"]]
        key = _key(inputs, article["path"], line_no)
        assert key not in seen, key
        seen[key] = ("article", article["doc_id"])
    assert seen == expected


def test_decoded_and_claimless_articles_are_kept(bad_run) -> None:
    _, out, _ = bad_run
    articles = {a["doc_id"]: a for a in read_jsonl(out / "articles.jsonl")}
    assert articles["no claims"]["n_claims"] == 0
    assert articles["utf16~2"]["n_claims"] == articles["ünïcode name"]["n_claims"] > 0
    assert articles["utf16~2"]["text"] == articles["utf16"]["text"]
    assert json.loads((out / "manifest.json").read_text())["completed"] is True


def test_error_messages_say_what_is_wrong(bad_run) -> None:
    _, out, _ = bad_run
    messages = {e["error"]: e["message"] for e in read_jsonl(out / "errors.jsonl")}
    assert "200000" in messages["too_large"]
    assert "line" in messages["bad_json"] and "line" in messages["missing_field"]
