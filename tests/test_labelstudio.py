"""Label Studio export/import and gold export (pipeline/labelstudio.py) on the real corpus run."""

from __future__ import annotations

import copy
import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conftest import ANNOTATIONS, CORPUS, corpus_text, read_jsonl
from pipeline.cli import main
from pipeline.evaluate import evaluate_files
from pipeline.labelstudio import gold_from_label_studio, gold_from_run, label_studio_tasks

MARKOV_DOC = "002_b355f01e7a83066b"
GERASIMOV_DOC = "004_1bb8f61e5306e125"


def _claim(run: Path, doc_id: str, source: str, cue: str) -> dict:
    found = [c for c in read_jsonl(run / "claims.jsonl") if c["doc_id"] == doc_id
             and c["source"]["text"] == source and c["cue"] and c["cue"]["text"] == cue]
    assert len(found) == 1, (source, cue)
    return found[0]


def _as_annotated(task: dict, result: list[dict]) -> dict:
    """The task as Label Studio exports it once someone has submitted `result`."""
    task = copy.deepcopy(task)
    task["annotations"] = [{"id": 1, "result": result, "was_cancelled": False,
                            "ground_truth": False, "updated_at": "2026-01-02T10:00:00Z"}]
    return task


def _task(tasks: list[dict], doc_id: str) -> dict:
    return next(t for t in tasks if t["data"]["doc_id"] == doc_id)


def _region(result: list[dict], region_id: str) -> dict:
    return next(r for r in result if r.get("id") == region_id)


def _gold_for(records: list[dict], doc_id: str, source: str, cue: str | None) -> list[dict]:
    return [r for r in records if r["doc_id"] == doc_id and r["source"] == source
            and r["cue"] == cue]


def _attributed(run: Path) -> list[dict]:
    """The run's attributed claims: what the gold format and the annotation task hold
    (author-voice facts have no source span to draw)."""
    claims = read_jsonl(run / "claims.jsonl")
    assert any(c["attribution"] == "author" for c in claims)  # they exist, and are left out
    return [c for c in claims if c["attribution"] == "reported"]


def _warnings() -> tuple[list[str], object]:
    seen: list[str] = []
    return seen, seen.append


def test_gold_export_quotes_the_raw_article_verbatim(corpus_run: Path) -> None:
    records = gold_from_run(corpus_run)
    assert len(records) == len(_attributed(corpus_run))
    for record in records:
        raw = corpus_text(record["doc_id"])
        assert raw[record["content_start"]:record["content_end"]] == record["content"]
        assert record["source"] in raw
        assert record["cue"] is None or record["cue"] in raw
        for start, end in record.get("content_spans", []):
            assert record["content_start"] <= start < end <= record["content_end"]
    markov = _gold_for(records, MARKOV_DOC, "Markov", "believes")
    gold = [g for g in read_jsonl(ANNOTATIONS / "attributions.jsonl")
            if g["doc_id"] == MARKOV_DOC and g["source"] == "Markov"]
    assert len(markov) == 1 and len(gold) == 1
    for key in ("source_canonical", "content", "kind", "content_start", "content_end"):
        assert markov[0][key] == gold[0][key], key


def test_gold_export_scores_perfectly_against_its_own_run(corpus_run: Path,
                                                          tmp_path: Path) -> None:
    gold = tmp_path / "gold.jsonl"
    assert main(["export", str(corpus_run), "--format", "gold", "-o", str(gold)]) == 0
    report = evaluate_files(gold, corpus_run / "claims.jsonl", docs_dir=CORPUS)
    for role in ("source", "cue", "content"):
        assert report[role]["exact"]["f1"] == 1.0, role
    assert report["triple"]["f1"] == 1.0
    assert report["source_canonical_accuracy"] == 1.0


def test_label_studio_tasks_draw_every_claim(corpus_run: Path, tmp_path: Path) -> None:
    out = tmp_path / "ls" / "tasks.json"
    assert main(["export", str(corpus_run), "--format", "label-studio", "-o", str(out)]) == 0
    tasks = json.loads(out.read_text(encoding="utf-8"))
    articles = read_jsonl(corpus_run / "articles.jsonl")
    assert [t["data"]["doc_id"] for t in tasks] == [a["doc_id"] for a in articles]
    for task, article in zip(tasks, articles, strict=True):
        assert task["data"]["text"] == article["text"]
        assert task["data"]["meta"]["title"] == article["title"]
        result = task["predictions"][0]["result"]
        regions = {r["id"]: r for r in result if r["type"] == "labels"}
        relations = [r for r in result if r["type"] == "relation"]
        for region in regions.values():
            value = region["value"]
            assert region["from_name"] == "label" and region["to_name"] == "text"
            assert value["labels"][0] in {"SOURCE", "CUE", "CONTENT"}
            assert article["text"][value["start"]:value["end"]] == value["text"]
        for relation in relations:
            assert relation["direction"] == "right"
            assert relation["from_id"] in regions and relation["to_id"] in regions
        heads = [regions[r["from_id"]]["value"]["labels"][0] for r in relations]
        assert heads.count("SOURCE") == len([c for c in _attributed(corpus_run)
                                             if c["doc_id"] == article["doc_id"]])
    config = ET.fromstring((out.parent / "label_config.xml").read_text(encoding="utf-8"))
    labels = config.find("Labels")
    assert labels is not None and labels.get("name") == "label"
    assert labels.get("toName") == "text"
    assert [label.get("value") for label in labels] == ["SOURCE", "CUE", "CONTENT"]
    text = config.find("Text")
    assert text is not None and text.get("value") == "$text" and text.get("name") == "text"
    assert config.find("Relations") is not None


def test_round_trip_gives_back_the_gold_export(corpus_run: Path, tmp_path: Path) -> None:
    tasks, gold, back = tmp_path / "tasks.json", tmp_path / "gold.jsonl", tmp_path / "back.jsonl"
    assert main(["export", str(corpus_run), "--format", "label-studio", "-o", str(tasks)]) == 0
    assert main(["export", str(corpus_run), "--format", "gold", "-o", str(gold)]) == 0
    assert main(["import", str(tasks), "-o", str(back)]) == 0
    assert back.read_bytes() == gold.read_bytes()
    assert len(read_jsonl(back)) == len(_attributed(corpus_run))


def test_a_shortened_content_comes_back_shortened(corpus_run: Path, tmp_path: Path) -> None:
    markov = _claim(corpus_run, MARKOV_DOC, "Markov", "believes")
    tasks = label_studio_tasks(corpus_run)
    task = _task(tasks, MARKOV_DOC)
    result = copy.deepcopy(task["predictions"][0]["result"])
    content = _region(result, f"{markov['claim_id']}-content0")["value"]
    first = "Countries like Kazakhstan, Tajikistan, Armenia, and Kyrgyzstan are afraid of " \
            "Americans."
    assert task["data"]["text"][content["start"]:].startswith(first)
    content["end"] = content["start"] + len(first)
    content["text"] = first
    tasks[tasks.index(task)] = _as_annotated(task, result)
    export, out = tmp_path / "export.json", tmp_path / "gold.jsonl"
    export.write_text(json.dumps(tasks), encoding="utf-8")
    assert main(["import", str(export), "-o", str(out)]) == 0

    imported = read_jsonl(out)
    edited = _gold_for(imported, MARKOV_DOC, "Markov", "believes")
    assert len(edited) == 1
    assert edited[0]["content"] == first
    assert edited[0]["content_start"] == markov["content"]["raw_start"]
    assert edited[0]["content_end"] == markov["content"]["raw_start"] + len(first)
    assert corpus_text(MARKOV_DOC)[edited[0]["content_start"]:edited[0]["content_end"]] == first
    assert edited[0]["kind"] == "direct"  # still all inside the quotation marks
    assert edited[0]["source_canonical"] == "Sergey Markov"  # source span untouched
    untouched = [r for r in gold_from_run(corpus_run) if r["content"] != markov["content"]["text"]]
    assert [r for r in imported if r is not edited[0] and r != edited[0]] == untouched


def test_edits_across_a_cleaning_repair_map_to_raw(corpus_run: Path) -> None:
    """004 has "was & nbsp; focused", which cleaning repairs: an edited span after it must
    still land on the right raw characters."""
    said = _claim(corpus_run, GERASIMOV_DOC, "Gerasimov", "said")
    assert len(said["content"]["parts"]) == 2
    tasks = label_studio_tasks(corpus_run)
    task = _task(tasks, GERASIMOV_DOC)
    result = copy.deepcopy(task["predictions"][0]["result"])
    piece = _region(result, f"{said['claim_id']}-content1")["value"]
    cut = len(", strengthening the peacekeeping component of the CSTO")
    assert piece["text"].endswith(", strengthening the peacekeeping component of the CSTO")
    piece["end"] -= cut
    piece["text"] = piece["text"][:-cut]
    records = gold_from_label_studio([_as_annotated(task, result)])
    edited = _gold_for(records, GERASIMOV_DOC, "Gerasimov", "said")
    assert len(edited) == 1
    raw = corpus_text(GERASIMOV_DOC)
    record = edited[0]
    assert record["content"] == raw[record["content_start"]:record["content_end"]]
    assert "& nbsp;" in record["content"]  # the raw text, not the repaired one
    assert record["content"].startswith("Special attention")
    assert record["content"].endswith("in the crisis response system")
    assert record["content_spans"][-1][1] == said["content"]["raw_end"] - cut


def test_new_moved_and_deleted_claims(corpus_run: Path) -> None:
    markov = _claim(corpus_run, MARKOV_DOC, "Markov", "believes")
    ruled_out = _claim(corpus_run, MARKOV_DOC, "Russian statesman and public figure, expert "
                       "Sergey Markov", "ruled out")
    tasks = label_studio_tasks(corpus_run)
    task = _task(tasks, MARKOV_DOC)
    text = task["data"]["text"]
    result = [r for r in copy.deepcopy(task["predictions"][0]["result"])
              if not (r.get("id") or r.get("from_id", "")).startswith(ruled_out["claim_id"])
              and not r.get("to_id", "").startswith(ruled_out["claim_id"])]
    # the annotator deletes the "ruled out" claim and moves Markov's source to the earlier
    # "expert Sergey Markov": a changed source span keeps its text as the canonical
    source = _region(result, f"{markov['claim_id']}-source")["value"]
    full = "expert Sergey Markov"
    source["start"] = text.index(full)
    source["end"] = source["start"] + len(full)
    source["text"] = full
    # and draws a claim with no cue (source -> content) plus a stray region
    sentence = "Russia can theoretically force them to join this process"
    start = text.index(sentence)
    result += [
        {"id": "new-src", "type": "labels", "from_name": "label", "to_name": "text",
         "value": {"start": source["start"], "end": source["end"], "text": full,
                   "labels": ["SOURCE"]}},
        {"id": "new-content", "type": "labels", "from_name": "label", "to_name": "text",
         "value": {"start": start - 1, "end": start + len(sentence),
                   "text": " " + sentence, "labels": ["CONTENT"]}},
        {"type": "relation", "from_id": "new-src", "to_id": "new-content",
         "direction": "right"},
        {"id": "stray", "type": "labels", "from_name": "label", "to_name": "text",
         "value": {"start": 0, "end": 6, "text": text[:6], "labels": ["CONTENT"]}},
    ]
    seen, warn = _warnings()
    records = gold_from_label_studio([_as_annotated(task, result)], warn)
    raw = corpus_text(MARKOV_DOC)
    assert not _gold_for(records, MARKOV_DOC, ruled_out["source"]["text"], "ruled out")
    moved = _gold_for(records, MARKOV_DOC, full, "believes")
    assert len(moved) == 1 and moved[0]["source_canonical"] == full
    drawn = _gold_for(records, MARKOV_DOC, full, None)
    assert len(drawn) == 1
    assert drawn[0]["content"] == sentence  # the space before it trimmed
    assert raw[drawn[0]["content_start"]:drawn[0]["content_end"]] == sentence
    assert drawn[0]["kind"] == "direct"  # recomputed: it lies inside Markov's quotation
    assert len(records) == len([c for c in _attributed(corpus_run) if c["doc_id"] == MARKOV_DOC])
    assert any("is in no claim" in message for message in seen)


def test_annotation_choice(corpus_run: Path) -> None:
    """Ground truth beats a later annotation, a cancelled one is ignored, and a task
    without annotations is read from its predictions."""
    task = _task(label_studio_tasks(corpus_run), MARKOV_DOC)
    predicted = gold_from_label_studio([task])
    assert predicted == [r for r in gold_from_run(corpus_run) if r["doc_id"] == MARKOV_DOC]
    cancelled = copy.deepcopy(task)
    cancelled["annotations"] = [{"result": [], "was_cancelled": True}]
    assert gold_from_label_studio([cancelled]) == predicted
    chosen = copy.deepcopy(task)
    chosen["annotations"] = [
        {"result": task["predictions"][0]["result"], "ground_truth": True,
         "updated_at": "2026-01-01T00:00:00Z"},
        {"result": [], "ground_truth": False, "updated_at": "2026-02-01T00:00:00Z"},
    ]
    assert gold_from_label_studio([chosen]) == predicted
    chosen["annotations"][0]["ground_truth"] = False
    assert gold_from_label_studio([chosen]) == []


@pytest.fixture(scope="module")
def astral_run(tmp_path_factory) -> Path:
    """002 with an emoji before Markov's quotation: Label Studio counts it as two units."""
    folder = tmp_path_factory.mktemp("astral")
    text = corpus_text(MARKOV_DOC)
    at = text.index('"Countries like Kazakhstan')
    (folder / "corpus").mkdir()
    (folder / "corpus" / "002_astral.txt").write_text(text[:at] + "\U0001F4AC " + text[at:],
                                                      encoding="utf-8")
    out = folder / "run"
    assert main(["run", str(folder / "corpus"), "-o", str(out), "--quiet"]) == 0
    return out


def test_offsets_count_utf16_units_for_label_studio(astral_run: Path) -> None:
    markov = _claim(astral_run, "002_astral", "Markov", "believes")
    task = label_studio_tasks(astral_run)[0]
    source = _region(task["predictions"][0]["result"], f"{markov['claim_id']}-source")
    assert source["value"]["start"] == markov["source"]["start"] + 1
    assert source["value"]["text"] == "Markov"
    assert gold_from_label_studio([task]) == gold_from_run(astral_run)


def test_import_refuses_a_task_it_did_not_export(corpus_run: Path, tmp_path: Path) -> None:
    export = tmp_path / "foreign.json"
    export.write_text(json.dumps([{"data": {"text": "Analysts said it would rain."},
                                   "annotations": []}]), encoding="utf-8")
    seen, warn = _warnings()
    assert gold_from_label_studio(json.loads(export.read_text()), warn) == []
    assert seen and "not exported by `claims export`" in seen[0]


def test_export_reads_raw_inputs_from_a_moved_run(corpus_run: Path, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """The run records input paths as given; exporting from elsewhere still finds them
    relative to the run directory."""
    moved = tmp_path / "project"
    shutil.copytree(corpus_run, moved / "outputs" / "corpus")
    shutil.copytree(CORPUS, moved / "corpus")
    articles = read_jsonl(moved / "outputs" / "corpus" / "articles.jsonl")
    with (moved / "outputs" / "corpus" / "articles.jsonl").open("w", encoding="utf-8") as out:
        for article in articles:
            article["path"] = f"corpus/{Path(article['path']).name}"
            out.write(json.dumps(article, ensure_ascii=False) + "\n")
    monkeypatch.chdir(tmp_path)
    assert gold_from_run(moved / "outputs" / "corpus") == gold_from_run(corpus_run)
