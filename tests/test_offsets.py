"""Tests for pipeline.offsets: the cleaned -> raw offset map and its builder."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.offsets import MAX_ALIGN, OffsetMapBuilder, identity_map


def _check_segments(raw: str, text: str, builder_map) -> None:
    segments = builder_map.segments()
    pos = 0
    for cs, ce, rs, re_, copy in segments:
        assert cs == pos, "segments tile the cleaned text"
        assert 0 <= rs <= re_ <= len(raw)
        if copy:
            assert raw[rs:re_] == text[cs:ce]
        pos = ce
    assert pos == len(text)


def test_identity_map_is_the_identity():
    text = "Kazakhstan & mdash; first example."
    offsets = identity_map(text)
    assert offsets.to_raw(0, len(text)) == (0, len(text))
    assert offsets.to_raw(11, 19) == (11, 19)
    assert offsets.segments() == [(0, len(text), 0, len(text), True)]


def test_copy_and_replace_map_back():
    raw = "Kazakhstan & mdash; first"
    builder = OffsetMapBuilder()
    builder.copy(raw, 0, 11)
    builder.replace("—", 11, 19)
    builder.copy(raw, 19, len(raw))
    text, offsets = builder.build()
    assert text == "Kazakhstan — first"
    assert offsets.to_raw(0, 10) == (0, 10)  # "Kazakhstan"
    assert offsets.to_raw(11, 12) == (11, 19)  # the dash stands for the whole entity
    assert offsets.to_raw(13, 18) == (20, 25)  # "first"
    _check_segments(raw, text, offsets)


def test_adjacent_copies_merge_into_one_segment():
    raw = "abcdef"
    builder = OffsetMapBuilder()
    builder.copy(raw, 0, 3)
    builder.copy(raw, 3, 6)
    assert len(builder.build()[1].segments()) == 1


def test_aligned_keeps_words_mapped_one_to_one():
    raw = "It was called a “ paper tiger '', a fake union."
    new = "It was called a “paper tiger”, a fake union."
    builder = OffsetMapBuilder()
    builder.aligned(raw, 0, len(raw), new)
    text, offsets = builder.build()
    assert text == new
    start = new.index("paper tiger")
    rs, re_ = offsets.to_raw(start, start + len("paper tiger"))
    assert raw[rs:re_] == "paper tiger"
    start = new.index("fake union")
    rs, re_ = offsets.to_raw(start, start + len("fake union"))
    assert raw[rs:re_] == "fake union"
    _check_segments(raw, text, offsets)


def test_aligned_with_offset_into_a_larger_raw_text():
    raw = "HEADER\nSpeech & nbsp; is primarily  about it.\nFOOTER"
    start, end = 7, raw.index("\nFOOTER")
    new = "Speech is primarily about it."
    builder = OffsetMapBuilder()
    builder.aligned(raw, start, end, new)
    text, offsets = builder.build()
    assert text == new
    i = new.index("primarily")
    rs, re_ = offsets.to_raw(i, i + len("primarily"))
    assert raw[rs:re_] == "primarily"
    _check_segments(raw, text, offsets)


def test_aligned_on_a_huge_line_stays_linear_and_correct():
    rng = random.Random(7)
    words = ["the", "alliance", "& mdash;", "CSTO", "said", "“", "''", "troops", "  "]
    raw = " ".join(rng.choice(words) for _ in range(120_000))
    new = raw.replace("& mdash;", "—").replace("  ", " ")
    assert len(raw) > 2 * MAX_ALIGN
    builder = OffsetMapBuilder()
    builder.aligned(raw, 0, len(raw), new)
    text, offsets = builder.build()
    assert text == new
    _check_segments(raw, text, offsets)


def test_empty_span_maps_to_a_point():
    raw = "abc"
    offsets = identity_map(raw)
    assert offsets.to_raw(2, 2) == (2, 2)
    empty = OffsetMapBuilder().build()[1]
    assert empty.to_raw(0, 0) == (0, 0)


# --- properties -------------------------------------------------------------------

_chunks = st.sampled_from(["a", "b", "the ", " ", "  ", "& mdash;", "“", "''", "\n", "é", "—"])
_texts = st.lists(_chunks | st.text(max_size=4), max_size=80).map("".join)


@st.composite
def _edited(draw):
    """A raw text and an edited version of it (deletions, insertions, substitutions)."""
    raw = draw(_texts)
    out = []
    for ch in raw:
        op = draw(st.integers(0, 9))
        if op == 0:
            continue  # delete
        if op == 1:
            out.append(draw(st.text(max_size=3)))  # substitute
        elif op == 2:
            out.append(ch + draw(st.text(max_size=2)))  # insert after
        else:
            out.append(ch)
    return raw, "".join(out)


@settings(max_examples=400, deadline=None)
@given(_edited(), st.text(max_size=5), st.text(max_size=5))
def test_aligned_property_text_and_copies(pair, before, after):
    raw_line, new = pair
    raw = before + raw_line + after
    builder = OffsetMapBuilder()
    builder.aligned(raw, len(before), len(before) + len(raw_line), new)
    text, offsets = builder.build()
    assert text == new
    _check_segments(raw, text, offsets)
    for cs, ce, rs, re_, _ in offsets.segments():
        assert len(before) <= rs <= re_ <= len(before) + len(raw_line)
        assert offsets.to_raw(cs, ce) == (rs, re_)


@settings(max_examples=200, deadline=None)
@given(_edited(), st.data())
def test_to_raw_is_monotone(pair, data):
    raw, new = pair
    builder = OffsetMapBuilder()
    builder.aligned(raw, 0, len(raw), new)
    text, offsets = builder.build()
    a = data.draw(st.integers(0, len(text)))
    b = data.draw(st.integers(a, len(text)))
    rs, re_ = offsets.to_raw(a, b)
    assert 0 <= rs <= re_ <= len(raw)
