"""`claims run --state`: tomorrow's batch joins today's clusters; the same input twice
changes nothing."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from conftest import CORPUS, read_jsonl
from pipeline.cli import main
from pipeline.state import SCHEMA

DOC_001 = CORPUS / "001_a07726657dcd6f69.txt"
DOC_003 = CORPUS / "003_f866f8617738da58.txt"


def _run(inputs: list[Path], out: Path, state: Path | None) -> int:
    args = ["run", *map(str, inputs), "-o", str(out), "--quiet"]
    return main([*args, "--state", str(state)] if state else args)


def _table_sizes(state: Path) -> dict[str, int]:
    with sqlite3.connect(state) as db:
        return {t: db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
                for t in ("claims", "bands", "facts", "df", "articles", "conflicts")}


def _uzbekistan(run: Path) -> dict:
    [cluster] = [c for c in read_jsonl(run / "clusters.jsonl")
                 if "joined the CSTO in 2006 and left in 2012" in c["text"]]
    return cluster


def test_a_later_batch_joins_an_earlier_cluster(tmp_path: Path) -> None:
    state = tmp_path / "state.db"
    assert _run([DOC_001], tmp_path / "day1", state) == 0
    assert _run([DOC_003], tmp_path / "day2", state) == 0
    cluster = _uzbekistan(tmp_path / "day2")
    assert cluster["doc_ids"] == ["001_a07726657dcd6f69", "003_f866f8617738da58"]
    assert cluster["n_articles"] == 2 and cluster["attributions"] == {"author": 3}
    # the earlier claims are listed with their cluster, and the cluster is the same
    # one a single run over both articles finds
    assert _run([DOC_001, DOC_003], tmp_path / "both", None) == 0
    together = _uzbekistan(tmp_path / "both")
    assert sorted(together["claim_ids"]) == sorted(cluster["claim_ids"])
    day2 = {c["claim_id"]: c["cluster_id"] for c in read_jsonl(tmp_path / "day2" / "claims.jsonl")}
    assert all(day2[c] == cluster["cluster_id"] for c in cluster["claim_ids"] if c in day2)


def test_the_same_input_twice_changes_nothing(tmp_path: Path) -> None:
    state = tmp_path / "state.db"
    assert _run([CORPUS], tmp_path / "first", state) == 0
    sizes = _table_sizes(state)
    assert _run([CORPUS], tmp_path / "second", state) == 0
    assert _table_sizes(state) == sizes
    for name in ("claims.jsonl", "clusters.jsonl", "sources.jsonl", "articles.jsonl"):
        assert (tmp_path / "first" / name).read_bytes() == (tmp_path / "second" / name).read_bytes()


def test_an_empty_state_gives_the_same_clusters_as_no_state(tmp_path: Path) -> None:
    assert _run([CORPUS], tmp_path / "plain", None) == 0
    assert _run([CORPUS], tmp_path / "stated", tmp_path / "state.db") == 0
    for name in ("claims.jsonl", "clusters.jsonl"):
        assert (tmp_path / "plain" / name).read_bytes() == (tmp_path / "stated" / name).read_bytes()


def test_a_file_that_is_not_a_state_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture
                                               ) -> None:
    bogus = tmp_path / "notes.db"
    bogus.write_text("these are my notes, not a database\n" * 100)
    assert _run([DOC_001], tmp_path / "out", bogus) == 2
    assert "not a cluster state file" in capsys.readouterr().err
    assert bogus.read_text().startswith("these are my notes")


def test_a_state_from_an_older_version_is_refused_before_any_work(
        tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    # a state written before the event, rank and actor terms (format 2): its claims
    # could not be found by the keys new claims carry, so it is not silently extended
    old = tmp_path / "old.db"
    with sqlite3.connect(old) as db:
        db.executescript(SCHEMA)
        db.execute("INSERT INTO meta VALUES ('format', '2')")
        db.execute("INSERT INTO claims VALUES ('c1', 'd1', 'text', 'source', 'author', "
                   "'text', '[\"text\"]', 'cl_1')")
    before = old.read_bytes()
    assert _run([DOC_001], tmp_path / "out", old) == 2
    error = capsys.readouterr().err
    assert "written by an older version" in error and "format 2" in error
    assert "rerun the earlier batches into a new state" in error
    assert old.read_bytes() == before  # untouched
    assert not (tmp_path / "out").exists()  # refused before any work
    # a database that is not a state is refused too, and left as it was
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE notes (line TEXT)")
    before = other.read_bytes()
    assert _run([DOC_001], tmp_path / "out", other) == 2
    assert "not a cluster state file" in capsys.readouterr().err
    assert other.read_bytes() == before
