"""Quotation spans on real corpus text: every style, damage and paragraph rule."""

from __future__ import annotations

from conftest import corpus_text
from pipeline.claims.quotes import QuoteIndex, find_quotes


def _quoted(text: str) -> list[str]:
    return [text[s.start:s.end] for s in find_quotes(text)]


def test_curly_and_straight_quotes_pair() -> None:
    text = 'It was called a “paper tiger”, and "a fake union", said nobody.'
    assert _quoted(text) == ["“paper tiger”", '"a fake union"']


def test_apostrophes_are_not_quotes() -> None:
    text = "Russia’s allies didn't join, and the bloc's members' view is 'clear' enough."
    assert _quoted(text) == ["'clear'"]


def test_double_apostrophe_closes_a_curly_quote() -> None:
    # the damage in corpus/004: “ paper tiger ''
    text = corpus_text("004_1bb8f61e5306e125")
    quotes = _quoted(text)
    assert "“ paper tiger ''" in quotes


def test_unclosed_quote_ends_with_its_paragraph() -> None:
    # corpus/003: “[accomplish] both military and special tasks. (never closed)
    text = corpus_text("003_f866f8617738da58")
    index = QuoteIndex(text)
    start = text.index("“[accomplish]")
    span = index.span_at(start)
    assert span is not None and not span.closed
    assert "\n" not in text[span.start:span.end]
    later = text.index("Although the CSTO is often seen")
    assert not index.is_quoted(later)


def test_multi_paragraph_quotation_continues() -> None:
    text = "“First paragraph of the quote.\n\n“Second paragraph,” he said.\n\nNot quoted."
    spans = find_quotes(text)
    assert len(spans) == 1 and text[spans[0].start:spans[0].end].endswith("paragraph,”")


def test_typewriter_double_apostrophes_open_and_close() -> None:
    # the New York Times' archive style: ''...'' on both sides, apostrophes inside
    text = ("''We don't accept it,'' the minister said. ''The bloc isn't ready.''\n\n"
            "''A second paragraph,'' and the ministers' view.")
    assert _quoted(text) == ["''We don't accept it,''", "''The bloc isn't ready.''",
                             "''A second paragraph,''"]


def test_a_stray_straight_mark_does_not_run_into_a_curly_quotation() -> None:
    # a scraping artifact: a paragraph opened with '"' that never closes, then a “...”
    # paragraph; a quotation runs on into the next paragraph only in the same marks
    text = ('"The CSTO can become an alternative to NATO.\n\n'
            '“Russia can theoretically force them to join this process,” Markov said.')
    spans = find_quotes(text)
    assert [text[s.start:s.end] for s in spans if s.closed] == [
        "“Russia can theoretically force them to join this process,”"]
    assert not any(s.start < text.index("\n") < s.end and s.end > text.index("“")
                   for s in spans)
