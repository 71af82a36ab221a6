"""The shipped attribution span tagger, run inside the real pipeline on corpus sentences.

In: `pipeline/resources/attribution_model/` (trained by `pipeline.training`) and
two sentences of `corpus/`. Checks: SOURCE / CUE / CONTENT spans land in
`doc.spans["attr_tagged"]` where a reader would put them, and `doc.ents` keeps
the model's own named entities. Needs no PolNeAR data.
"""

from __future__ import annotations

import pytest
from spacy.language import Language
from spacy.tokens import Doc

from conftest import corpus_text
from pipeline.attribution_model import (
    COMPONENT_NAME,
    LABELS,
    SPANS_KEY,
    has_attribution_model,
    load_attribution_ner,
)

ISW = ("“The event should revise its assessment of Russia’s military strength, taking into "
       "account the potential for using CSTO forces in future operations,” ISW experts note.")
SECOND = ("Second, he said that Russia would never agree to the introduction of peacekeepers "
          "from NATO countries.")


@pytest.fixture(scope="module")
def tagged_nlp() -> Language:
    """The project's full pipeline plus the tagger (a private copy: the shared one is untouched)."""
    from pipeline.nlp import load_nlp

    nlp = load_nlp()
    load_attribution_ner(nlp)
    return nlp


def _line(doc_id: str, sentence: str) -> str:
    text = corpus_text(doc_id)
    assert sentence in text
    return sentence


def _covered(doc: Doc, label: str, words: str) -> float:
    """Share of the (non-punctuation) tokens of `words` inside a span labelled `label`."""
    start = doc.text.index(words)
    target = [t for t in doc.char_span(start, start + len(words), alignment_mode="expand")
              if not t.is_punct and not t.is_space]
    inside = {t.i for span in doc.spans[SPANS_KEY] if span.label_ == label for t in span}
    return sum(t.i in inside for t in target) / len(target)


def test_model_is_shipped_and_last() -> None:
    assert has_attribution_model()


def test_component_runs_before_the_attribution_rules() -> None:
    from pipeline.nlp import load_nlp

    names = load_nlp(tagger=True).pipe_names
    assert names.index(COMPONENT_NAME) == names.index("claim_attribution") - 1


def test_tagged_claims_reach_the_output() -> None:
    from pipeline.nlp import load_nlp

    text = _line("000_d6c6155466720481", ISW)
    doc = load_nlp(tagger=True)(text)
    [claim] = [a for a in doc._.attributions if a.cue and text[a.cue[0]:a.cue[1]] == "note"]
    assert claim.pattern.endswith("+tagger") and claim.kind == "direct"
    assert claim.source_canonical == "ISW"  # no expansion defined in this one line


def test_reported_speech_with_quotation(tagged_nlp: Language) -> None:
    doc = tagged_nlp(_line("000_d6c6155466720481", ISW))
    assert _covered(doc, "CUE", "note") == 1.0
    assert _covered(doc, "SOURCE", "ISW experts") == 1.0
    quoted = ISW[1:ISW.index(",”")]
    assert _covered(doc, "CONTENT", quoted) >= 0.8


def test_indirect_speech(tagged_nlp: Language) -> None:
    doc = tagged_nlp(_line("002_b355f01e7a83066b", SECOND))
    assert _covered(doc, "CUE", "said") == 1.0
    assert _covered(doc, "SOURCE", "he") == 1.0
    assert _covered(doc, "CONTENT", "Russia would never agree to the introduction of "
                                    "peacekeepers from NATO countries") >= 0.8


def test_spans_are_labelled_and_disjoint(tagged_nlp: Language) -> None:
    doc = tagged_nlp(" ".join([ISW, SECOND]))
    spans = list(doc.spans[SPANS_KEY])
    assert spans
    assert {span.label_ for span in spans} <= set(LABELS)
    tokens = [t.i for span in spans for t in span]
    assert len(tokens) == len(set(tokens))


def test_named_entities_are_kept(tagged_nlp: Language) -> None:
    text = " ".join([ISW, SECOND])
    doc = tagged_nlp(text)
    with tagged_nlp.select_pipes(disable=[COMPONENT_NAME]):
        plain = tagged_nlp(text)
    assert [(e.start, e.end, e.label_) for e in doc.ents] == \
        [(e.start, e.end, e.label_) for e in plain.ents]
    labels = {e.text: e.label_ for e in doc.ents}
    assert labels.get("Russia") == "GPE"
    assert not set(labels.values()) & set(LABELS)


def test_batch_and_single_docs_agree(tagged_nlp: Language) -> None:
    texts = [ISW, SECOND]
    batched = list(tagged_nlp.pipe(texts, batch_size=2))
    for text, doc in zip(texts, batched, strict=True):
        single = tagged_nlp(text)
        assert [(s.start, s.end, s.label_) for s in doc.spans[SPANS_KEY]] == \
            [(s.start, s.end, s.label_) for s in single.spans[SPANS_KEY]]
