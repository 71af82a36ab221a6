"""Offset maps: where each piece of the cleaned text came from in the raw input.

In: the edits cleaning makes (copy a raw range, replace a raw range by new
text, drop a raw range). Out: the cleaned string and an `OffsetMap` that maps
any cleaned span back to the raw span holding the same words.

The map is a sorted list of segments; a segment is either a verbatim copy
(cleaned and raw lengths equal, mapped character by character) or a
replacement (a repaired entity, a normalised quote mark: mapped as a whole).
This is the usual "edit list" representation of text alignment (as in
spacy-alignments / tokenizations), kept in arrays so a 50 MB article costs
a few integers per edit, not per character. `OffsetMapBuilder.aligned` turns
a repaired line into segments by aligning it with its raw form (common
prefix/suffix, then word-level and character-level difflib on the differing
middle only), so its cost stays near-linear in the line length.
"""

from __future__ import annotations

import difflib
import re
from array import array
from bisect import bisect_right

#: Longest stretch (characters, each side) aligned at all; longer differing middles are
#: mapped as one replacement so alignment is never quadratic on a huge line.
MAX_ALIGN = 20_000
#: Differing stretches up to this many characters (both sides) are aligned per character.
CHAR_ALIGN = 400
_WORD = re.compile(r"\w+|\s+|[^\w\s]+")
#: How many tokens (words and spaces) ahead, on each side, the walk looks to
#: resynchronise after an edit.
RESYNC = 12


def _resync(old: list[str], new: list[str], i: int, j: int) -> tuple[int, int] | None:
    """Smallest (a, b), by a + b, where old[i + a] and new[j + b] are the same word (not
    whitespace, which matches too easily) or both lists end."""
    n, m = len(old), len(new)
    for d in range(1, 2 * RESYNC + 1):
        for a in range(max(0, d - RESYNC), min(d, RESYNC) + 1):
            b = d - a
            if i + a > n or j + b > m:
                continue
            if (i + a == n and j + b == m) or (
                    i + a < n and j + b < m and old[i + a] == new[j + b]
                    and not old[i + a].isspace()):
                return a, b
    return None


def _common_prefix(a: str, b: str) -> int:
    """Length of the common prefix of `a` and `b` (binary search on C-level slices)."""
    lo, hi = 0, min(len(a), len(b))
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[:mid] == b[:mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _common_suffix(a: str, b: str) -> int:
    """Length of the common suffix of `a` and `b`."""
    lo, hi = 0, min(len(a), len(b))
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[len(a) - mid:] == b[len(b) - mid:]:
            lo = mid
        else:
            hi = mid - 1
    return lo


class OffsetMap:
    """Maps offsets in a cleaned text to offsets in the raw text it was made from."""

    def __init__(self, clean_starts: array, raw_starts: array, raw_ends: array,
                 copies: array, clean_len: int) -> None:
        self._clean_starts = clean_starts
        self._raw_starts = raw_starts
        self._raw_ends = raw_ends
        self._copies = copies
        self.clean_len = clean_len

    def _segment(self, offset: int) -> int:
        return max(0, bisect_right(self._clean_starts, offset) - 1)

    def _segment_end(self, i: int) -> int:
        return self._clean_starts[i + 1] if i + 1 < len(self._clean_starts) else self.clean_len

    def raw_start(self, offset: int) -> int:
        """Raw offset of the character at cleaned `offset` (a span's start)."""
        if not self._clean_starts:
            return 0
        i = self._segment(offset)
        if self._copies[i]:
            return self._raw_starts[i] + (offset - self._clean_starts[i])
        return self._raw_starts[i] if offset < self._segment_end(i) else self._raw_ends[i]

    def raw_end(self, offset: int) -> int:
        """Raw offset just after the character before cleaned `offset` (a span's end)."""
        if not self._clean_starts:
            return 0
        if offset <= 0:
            return self._raw_starts[0]
        i = self._segment(offset - 1)
        if self._copies[i]:
            return self._raw_starts[i] + (offset - self._clean_starts[i])
        return self._raw_ends[i]

    def to_raw(self, start: int, end: int) -> tuple[int, int]:
        """Raw (start, end) of the cleaned span [start, end)."""
        if end <= start:
            raw = self.raw_start(start)
            return raw, raw
        return self.raw_start(start), self.raw_end(end)

    def segments(self) -> list[tuple[int, int, int, int, bool]]:
        """(clean_start, clean_end, raw_start, raw_end, is_copy) for each segment."""
        return [
            (self._clean_starts[i], self._segment_end(i), self._raw_starts[i],
             self._raw_ends[i], bool(self._copies[i]))
            for i in range(len(self._clean_starts))
        ]


class OffsetMapBuilder:
    """Builds a cleaned text piece by piece, recording where each piece came from."""

    def __init__(self) -> None:
        self._pieces: list[str] = []
        self._clean_starts = array("q")
        self._raw_starts = array("q")
        self._raw_ends = array("q")
        self._copies = array("b")
        self._len = 0

    @property
    def length(self) -> int:
        return self._len

    def _add(self, text: str, raw_start: int, raw_end: int, copy: bool) -> None:
        if not text:
            return
        if (copy and self._copies and self._copies[-1]
                and self._raw_ends[-1] == raw_start):
            self._raw_ends[-1] = raw_end  # extend the previous verbatim segment
        else:
            self._clean_starts.append(self._len)
            self._raw_starts.append(raw_start)
            self._raw_ends.append(raw_end)
            self._copies.append(1 if copy else 0)
        self._pieces.append(text)
        self._len += len(text)

    def copy(self, raw: str, raw_start: int, raw_end: int) -> None:
        """Append raw[raw_start:raw_end] unchanged."""
        self._add(raw[raw_start:raw_end], raw_start, raw_end, True)

    def replace(self, new_text: str, raw_start: int, raw_end: int) -> None:
        """Append `new_text` standing for raw[raw_start:raw_end] (a repair or an inserted break)."""
        self._add(new_text, raw_start, raw_end, False)

    def aligned(self, raw: str, raw_start: int, raw_end: int, new_text: str) -> None:
        """Append `new_text`, a repaired version of raw[raw_start:raw_end].

        Unchanged characters stay individually mapped (copy segments) and only
        the edited stretches become replacement segments. The ends are anchored:
        the first and last characters of `new_text` map to `raw_start` and
        `raw_end` even when the repair deleted something at an edge (a broken
        entity, an invisible character), so the whole of `new_text` maps back to
        the whole raw range. The work is bounded: the common prefix and suffix
        are copied at C speed, the middle is walked token by token (words, runs
        of spaces, runs of punctuation), resynchronising after each edit on the
        nearest equal word (difflib's SequenceMatcher, Ratcliff/Obershelp, only
        if that fails), and only the differing runs are aligned character by
        character. A middle longer than `MAX_ALIGN` characters (callers split
        long lines before repairing them, so this is a safety net) becomes one
        replacement.
        """
        old = raw[raw_start:raw_end]
        if old == new_text:
            self.copy(raw, raw_start, raw_end)
            return
        if not new_text:
            return
        part = OffsetMapBuilder()
        part._align(raw, raw_start, raw_end, new_text)
        segments = part._text_segments()
        text, rs, re_, copy = segments[0]
        if rs > raw_start:
            if copy and len(text) > 1:
                segments[0:1] = [(text[0], raw_start, rs + 1, False),
                                 (text[1:], rs + 1, re_, True)]
            else:
                segments[0] = (text, raw_start, max(re_, raw_start), False)
        text, rs, re_, copy = segments[-1]
        if re_ < raw_end:
            if copy and len(text) > 1:
                segments[-1:] = [(text[:-1], rs, re_ - 1, True),
                                 (text[-1], re_ - 1, raw_end, False)]
            else:
                segments[-1] = (text, rs, raw_end, False)
        for text, rs, re_, copy in segments:
            self._add(text, rs, re_, copy)

    def _text_segments(self) -> list[tuple[str, int, int, bool]]:
        text = "".join(self._pieces)
        n = len(self._clean_starts)
        return [(text[self._clean_starts[i]:
                      self._clean_starts[i + 1] if i + 1 < n else self._len],
                 self._raw_starts[i], self._raw_ends[i], bool(self._copies[i]))
                for i in range(n)]

    def _align(self, raw: str, raw_start: int, raw_end: int, new_text: str) -> None:
        old = raw[raw_start:raw_end]
        if old == new_text:
            self.copy(raw, raw_start, raw_end)
            return
        head = _common_prefix(old, new_text)
        tail = _common_suffix(old[head:], new_text[head:])
        self.copy(raw, raw_start, raw_start + head)
        old_mid_end = len(old) - tail
        new_mid = new_text[head:len(new_text) - tail]
        self._align_middle(raw, raw_start + head, raw_start + old_mid_end, new_mid)
        self.copy(raw, raw_start + old_mid_end, raw_end)

    def _align_middle(self, raw: str, raw_start: int, raw_end: int, new_text: str) -> None:
        old = raw[raw_start:raw_end]
        if not old or not new_text or len(old) + len(new_text) > 2 * MAX_ALIGN:
            self.replace(new_text, raw_start, raw_end)
            return
        old_words = _WORD.findall(old)
        new_words = _WORD.findall(new_text)
        old_pos = [0]
        for w in old_words:
            old_pos.append(old_pos[-1] + len(w))
        new_pos = [0]
        for w in new_words:
            new_pos.append(new_pos[-1] + len(w))

        def emit(i1: int, i2: int, j1: int, j2: int, equal: bool) -> None:
            o1, o2 = raw_start + old_pos[i1], raw_start + old_pos[i2]
            piece = new_text[new_pos[j1]:new_pos[j2]]
            if equal:
                self.copy(raw, o1, o2)
            elif not piece or o1 == o2 or (o2 - o1) + len(piece) > CHAR_ALIGN:
                self.replace(piece, o1, o2)
            else:
                self._align_chars(raw, o1, raw[o1:o2], piece)

        # Repairs are local: walk both word lists, and after a difference resynchronise
        # on the nearest pair of equal words (at most RESYNC words ahead on each side).
        # Only when that fails does difflib align the rest of the stretch.
        n, m = len(old_words), len(new_words)
        i = j = 0
        while i < n and j < m:
            if old_words[i] == new_words[j]:
                i0, j0 = i, j
                while i < n and j < m and old_words[i] == new_words[j]:
                    i += 1
                    j += 1
                emit(i0, i, j0, j, True)
                continue
            step = _resync(old_words, new_words, i, j)
            if step is None:
                matcher = difflib.SequenceMatcher(None, old_words[i:], new_words[j:])
                for tag, i1, i2, j1, j2 in matcher.get_opcodes():
                    emit(i + i1, i + i2, j + j1, j + j2, tag == "equal")
                return
            emit(i, i + step[0], j, j + step[1], False)
            i, j = i + step[0], j + step[1]
        if i < n or j < m:
            emit(i, n, j, m, False)

    def _align_chars(self, raw: str, raw_start: int, old: str, new_text: str) -> None:
        matcher = difflib.SequenceMatcher(None, old, new_text, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                self.copy(raw, raw_start + i1, raw_start + i2)
            elif j2 > j1:
                self.replace(new_text[j1:j2], raw_start + i1, raw_start + i2)
            # a pure deletion adds nothing to the cleaned text

    def build(self) -> tuple[str, OffsetMap]:
        text = "".join(self._pieces)
        return text, OffsetMap(self._clean_starts, self._raw_starts, self._raw_ends,
                               self._copies, self._len)


def identity_map(text: str) -> OffsetMap:
    """The map of a text that cleaning left untouched."""
    builder = OffsetMapBuilder()
    builder.copy(text, 0, len(text))
    return builder.build()[1]
