"""`claims eval` on the project's gold (annotations/ and corpus/, real files)."""

from __future__ import annotations

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
