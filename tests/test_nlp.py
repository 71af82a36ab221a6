"""The spaCy layer: the table-driven attribute rules give the stock component's output."""

from __future__ import annotations

import numpy as np
import pytest
import spacy
from spacy.attrs import DEP, HEAD, LEMMA, MORPH, POS, TAG

from conftest import CORPUS
from pipeline.attribute_table import TableAttributeRuler, use_table_attribute_ruler
from pipeline.nlp import DEFAULT_MODEL

COLUMNS = [TAG, POS, MORPH, LEMMA, DEP, HEAD]
# the model's rarer rules: two-token ones ("gonna", "y'all", "ai n't", "let 's",
# "there is"), one on regex ("nothin'"), and the ones that set TAG and DEP (spaces)
RARE = ("We're gonna win, y'all. It ain't over, let's go. There is nothin' left.\n\n"
        "I gotta say he gets it; she got it too. They'd had doin' enough.   Ok.")


@pytest.fixture(scope="module")
def stock_and_table() -> tuple[spacy.Language, spacy.Language]:
    stock = spacy.load(DEFAULT_MODEL)
    table = spacy.load(DEFAULT_MODEL)
    use_table_attribute_ruler(table)
    return stock, table


def test_the_table_replaces_the_ruler(stock_and_table) -> None:
    stock, table = stock_and_table
    names = [n if n != "attribute_ruler" else "table_attribute_ruler" for n in stock.pipe_names]
    assert table.pipe_names == names
    ruler = table.get_pipe("table_attribute_ruler")
    assert isinstance(ruler, TableAttributeRuler)
    # every rule of the stock model runs on arrays: none is left to the Matcher
    assert len(ruler.array_rules) == len(stock.get_pipe("attribute_ruler").patterns)
    assert len(ruler.matcher) == 0


def test_same_tags_pos_morphology_lemmas_and_parse_as_the_stock_ruler(stock_and_table) -> None:
    stock, table = stock_and_table
    texts = [p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt"))] + [RARE, ""]
    compared = 0
    for expected, got in zip(stock.pipe(texts), table.pipe(texts), strict=True):
        assert np.array_equal(expected.to_array(COLUMNS), got.to_array(COLUMNS)), expected[:12]
        assert [str(t.morph) for t in expected] == [str(t.morph) for t in got]
        compared += len(expected)
    assert compared > 5_000


def test_the_rare_rules_fire(stock_and_table) -> None:
    """The comparison above means something: these rules change the output."""
    _, table = stock_and_table
    doc = table(RARE)
    lemmas = {t.lower_: t.lemma_ for t in doc}
    assert lemmas["gon"] == "go" and lemmas["na"] == "to" and lemmas["nothin'"] == "nothing"
    assert lemmas["ai"] == "be" and lemmas["gets"] == "get"
    there_is = next(t for t in doc if t.lower_ == "is" and t.nbor(-1).lower_ == "there")
    assert there_is.pos_ == "VERB"
    assert all(t.pos_ == "SPACE" and t.tag_ == "_SP" for t in doc if t.is_space)


def test_sentences_end_at_paragraphs_and_stops_never_after_a_word(nlp) -> None:
    # the stock parser cuts the second sentence after "13th" (and, in PolNeAR dev, 26
    # others after a word, "... about Machado as | examples of ...")
    text = ("Russia calls the CSTO a shield.\n\nMarkov said she felt the 13th Amendment was "
            "worth examining. It met in the U.S. The deputy left")
    sentences = [s.text.strip() for s in nlp(text).sents]
    assert sentences == ["Russia calls the CSTO a shield.",
                         "Markov said she felt the 13th Amendment was worth examining.",
                         "It met in the U.S.", "The deputy left"]
