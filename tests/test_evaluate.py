"""`claims eval` on the project's gold (annotations/ and corpus/, real files)."""

from __future__ import annotations

import json

from conftest import ANNOTATIONS, CORPUS, corpus_text
from pipeline.evaluate import _TOKEN, evaluate, read_gold

GOLD = ANNOTATIONS / "attributions.jsonl"


def _gold_row(items, doc_id: str, content_start: str):
    text = corpus_text(doc_id)
    position = text.index(content_start)
    [item] = [i for i in items if i.doc_id == doc_id and min(i.content.positions) == position]
    return item, text


def test_the_gold_scores_perfectly_against_itself() -> None:
    gold = read_gold(GOLD, CORPUS)
    report = evaluate(gold, gold)
    for role in ("source", "cue", "content"):
        for mode in ("exact", "overlap"):
            assert report[role][mode]["f1"] == 1.0, (role, mode)


def test_a_source_written_after_a_long_quotation_is_found_there() -> None:
    # "Markov" opens the paragraph before the quotation too; the gold's source is the
    # "Markov" of "..., Markov believes.", right after its cue
    item, text = _gold_row(read_gold(GOLD, CORPUS), "002_b355f01e7a83066b",
                           "Countries like Kazakhstan")
    assert text[min(item.source.positions):].startswith("Markov believes")
    assert text[min(item.cue.positions):].startswith("believes")


def test_the_cue_before_its_source_is_not_the_one_after_the_content() -> None:
    # "According to some Western political analysts, <content>. According to experts, ..."
    item, text = _gold_row(read_gold(GOLD, CORPUS), "002_b355f01e7a83066b",
                           "Russia has failed to involve")
    cue = min(item.cue.positions)
    assert text[cue:].startswith("According to some Western")
    assert [m.group() for m in _TOKEN.finditer(text, min(item.source.positions))][:4] == [
        "some", "Western", "political", "analysts"]


def test_a_cluster_member_inside_a_longer_claim_is_that_claim(tmp_path) -> None:
    from pipeline.evaluate import evaluate_clusters

    member_003 = "the intervention in Kazakhstan was the first notable CSTO operation"
    sentence_003 = member_003 + ", which came after years of Russian attempts to build an " \
                                "international organization capable of reshaping regional " \
                                "and global security while trying to dilute the power of " \
                                "the North Atlantic Treaty Organization"
    member_004 = "The use of the collective forces of the CSTO in Kazakhstan"
    claims = []
    for doc_id, content in (("003_f866f8617738da58", sentence_003),
                            ("004_1bb8f61e5306e125", member_004)):
        start = corpus_text(doc_id).index(content)
        claims.append({"claim_id": doc_id[:3], "doc_id": doc_id, "cluster_id": "c1",
                       "attribution": "reported", "source": None, "cue": None,
                       "content": {"text": content, "raw_start": start,
                                   "raw_end": start + len(content)}})
    pred = tmp_path / "claims.jsonl"
    pred.write_text("".join(json.dumps(c) + "\n" for c in claims), encoding="utf-8")
    gold = tmp_path / "clusters.jsonl"
    gold.write_text(json.dumps({"cluster": "first-operation", "members": [
        {"doc_id": "003_f866f8617738da58", "text": member_003},
        {"doc_id": "004_1bb8f61e5306e125", "text": member_004}]}) + "\n", encoding="utf-8")
    # the 003 claim is three times the member's length: token F1 alone would miss it
    assert evaluate_clusters(gold, pred, CORPUS)["pairwise"]["recall"] == 1.0
