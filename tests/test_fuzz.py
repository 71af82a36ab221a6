"""Fuzzing: cleaning and extraction never raise, whatever the text (>= 1,000 examples each).

Arbitrary unicode, every kind of quotation mark and bracket, unbalanced ones, very long
sentences and damaged entities, fed through the real cleaning stage and the real spaCy
pipeline with the attribution component.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.clean import clean_article
from pipeline.schema import Article

MARKS = list("“”„«»‘’\"'`()[]{}<>–—―-:;,.!?…") + ["``", "''", "& mdash;", "& nbsp;", "&amp;"]
WORDS = ["Markov", "believes", "said", "according", "to", "the", "expert", "he", "ISW",
         "analysts", "note", "that", "Russia", "This", "is", "opinion", "of", "First,",
         "Third,", "MARKOV:", "CSTO", "2012", "\n", "\n\n", "Putin", "told", "reporters"]
TOKENS = st.one_of(st.sampled_from(MARKS), st.sampled_from(WORDS), st.text(max_size=8))
TEXTS = st.one_of(
    st.text(max_size=400),
    st.lists(TOKENS, max_size=120).map(" ".join),
    st.lists(TOKENS, max_size=60).map("".join),
    # one very long sentence with unbalanced quotes
    st.integers(min_value=50, max_value=400).map(
        lambda n: "“" + " ".join(["the alliance said that"] * n) + " « ( [ ,” he said"),
)
FUZZ = settings(max_examples=1000, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _article(raw: str) -> Article:
    return Article(doc_id="fuzz", path="fuzz.txt", format="txt", raw_text=raw)


@FUZZ
@given(TEXTS)
def test_cleaning_never_raises_and_maps_back(raw: str) -> None:
    cleaned = clean_article(_article(raw))
    for clean_start, clean_end, raw_start, raw_end, copied in cleaned.offsets.segments():
        assert 0 <= raw_start <= raw_end <= len(raw)
        if copied:
            assert cleaned.text[clean_start:clean_end] == raw[raw_start:raw_end]


@FUZZ
@given(TEXTS)
def test_extraction_never_raises_and_spans_are_sane(nlp, raw: str) -> None:
    text = clean_article(_article(raw)).text
    doc = nlp(text)
    for attribution in doc._.attributions:
        for start, end in attribution.parts:
            assert 0 <= start < end <= len(text)
        if attribution.source is not None:
            assert 0 <= attribution.source[0] < attribution.source[1] <= len(text)
        assert attribution.kind in {"direct", "indirect", "mixed"}
        assert 0.0 <= attribution.confidence <= 1.0
