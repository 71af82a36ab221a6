"""Runner helpers that keep a huge article's memory bounded."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from pipeline.runner import count_words

TEXT = st.text(alphabet=st.sampled_from(list("ab’ \n\t.")), max_size=300)


@given(TEXT, st.integers(min_value=1, max_value=17))
def test_counting_by_chunks_equals_splitting_the_whole(text: str, chunk: int) -> None:
    assert count_words(text, chunk) == len(text.split())
