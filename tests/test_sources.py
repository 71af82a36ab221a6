"""Sources across articles: spelling variants join, different people never do."""

from __future__ import annotations

from pathlib import Path

from conftest import read_jsonl
from pipeline.sources import fold, person_keys


def test_spelling_variants_join() -> None:
    keys = person_keys({"Dmitriy Peskov": 2, "Dmitry Peskov": 1, "Nikol Pashinián": 1,
                        "Nikol Pashinyan": 3})
    assert keys["Dmitriy Peskov"] == keys["Dmitry Peskov"]
    assert keys["Nikol Pashinián"] == keys["Nikol Pashinyan"] == "Nikol Pashinyan"
    assert fold("Pashinián") == "pashinian"


def test_transliterations_and_short_forms_join_but_different_first_names_do_not() -> None:
    keys = person_keys({"Aleksey Leonkov": 1, "Alexei Leonkov": 1, "Yevgeny Prigozhin": 1,
                        "Evgeny Prigozhin": 1, "Steve Markov": 1, "Steven Markov": 1,
                        "Ivana Tokayeva": 1, "Ivanka Tokayeva": 1})
    assert keys["Aleksey Leonkov"] == keys["Alexei Leonkov"]
    assert keys["Yevgeny Prigozhin"] == keys["Evgeny Prigozhin"]
    assert keys["Steve Markov"] == keys["Steven Markov"]
    assert keys["Ivana Tokayeva"] != keys["Ivanka Tokayeva"]


def test_surname_alone_joins_only_an_unambiguous_full_name() -> None:
    keys = person_keys({"Vladimir Putin": 3, "Putin": 2})
    assert keys["Putin"] == "Vladimir Putin"
    keys = person_keys({"George W. Bush": 1, "Jeb Bush": 1, "Bush": 4})
    assert keys["Bush"] == "Bush"
    assert keys["George W. Bush"] != keys["Jeb Bush"]


def test_corpus_sources_list_putin_once_with_every_article(corpus_run: Path) -> None:
    sources = read_jsonl(corpus_run / "sources.jsonl")
    putin = [s for s in sources if "Putin" in s["canonical"]]
    assert len(putin) == 1
    assert putin[0]["canonical"] == "Vladimir Putin"
    assert putin[0]["doc_ids"] == ["001_a07726657dcd6f69", "002_b355f01e7a83066b",
                                   "004_1bb8f61e5306e125"]
    assert {"Putin", "President Putin", "Russian President Vladimir Putin"} <= set(
        putin[0]["aliases"])
    claims = read_jsonl(corpus_run / "claims.jsonl")
    assert sum(c["source"]["canonical"] == "Vladimir Putin" for c in claims) == putin[0][
        "n_claims"]


def test_a_joint_source_lists_its_people_and_each_person_counts_it() -> None:
    from pipeline.sources import SourceKey, source_index

    sources = [
        SourceKey("a", "Markov and Kartopolov", "Markov and Kartopolov", "GROUP", True, None,
                  ("Markov", "Kartopolov")),
        SourceKey("b", "Sergey Markov", "Sergey Markov", "PERSON", True, None),
        SourceKey("b", "Andrei Kartopolov", "Andrei Kartopolov", "PERSON", True, None),
        SourceKey("b", "he", "Sergey Markov", "PERSON", False, None),
    ]
    keys, records = source_index(sources)
    by_name = {r.canonical: r for r in records}
    joint = by_name["Sergey Markov and Andrei Kartopolov"]
    assert joint.type == "GROUP" and joint.members == ["Sergey Markov", "Andrei Kartopolov"]
    assert joint.n_claims == 1 and joint.doc_ids == ["a"]
    markov = by_name["Sergey Markov"]
    assert (markov.n_claims, markov.n_joint_claims, markov.doc_ids) == (2, 1, ["a", "b"])
    assert by_name["Andrei Kartopolov"].n_joint_claims == 1
    assert "Markov and Kartopolov" not in by_name


def test_a_joint_source_names_its_members_and_they_takes_them_up(nlp) -> None:
    text = ("Sergey Markov and Andrei Kartopolov met on Monday. Markov and Kartopolov said "
            "the CSTO was weak. They added that the treaty would hold.")
    doc = nlp(text)
    joint = {text[a.source[0]:a.source[1]]: a.source_members for a in doc._.attributions}
    assert joint["Markov and Kartopolov"] == ["Sergey Markov", "Andrei Kartopolov"]
    assert joint["They"] == ["Sergey Markov", "Andrei Kartopolov"]
