"""Quotation spans: where the text is inside quotation marks, whatever their style or damage.

In: a text. Out: `QuoteSpan`s (offsets include the marks) and a per-character
"is quoted" test. Styles: “…”, „…“, «…», ‘…’, "…", ``…'', ''…'' (the New York
Times' typewriter style) and a straight
' used as a quote mark. A quote left open at the end of a paragraph continues
if the next paragraph opens with a quote mark (the newspaper convention for
multi-paragraph quotations); otherwise it ends with its paragraph, so an
unclosed mark costs at most that paragraph, never the article.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

# opener -> the marks that may close it
_CLOSERS: dict[str, str] = {
    "“": "”“\"",
    "„": "“”\"",
    "«": "»",
    "»": "«",  # Danish/Swedish style »…«
    "‘": "’",
    '"': '"”',
    "``": "''”",
    "''": "'",
    "'": "'’”",
}


@dataclass(frozen=True)
class QuoteSpan:
    start: int  # offset of the opening mark
    end: int  # offset just after the closing mark (or the paragraph end if unclosed)
    closed: bool

    @property
    def inner(self) -> tuple[int, int]:
        """Offsets of the quoted words without the marks."""
        close_len = 1 if self.closed else 0
        return self.start + 1, self.end - close_len


def _is_word_char(ch: str) -> bool:
    return ch.isalnum()


def _opens(text: str, i: int) -> str | None:
    """The opener that starts at text[i], if the context lets it open a quote."""
    ch = text[i]
    prev = text[i - 1] if i > 0 else " "
    nxt = text[i + 1] if i + 1 < len(text) else " "
    if text.startswith("``", i):
        return "``"
    if (text.startswith("''", i) and (prev.isspace() or prev in "([—–-")
            and i + 2 < len(text) and (text[i + 2].isalnum() or text[i + 2] in "$[‘“….")):
        return "''"
    if ch in "“„«‘":
        return ch
    if ch == "»" and not _is_word_char(prev) and _is_word_char(nxt):
        return ch
    if ch == '"' and not _is_word_char(prev) and not nxt.isspace():
        return ch
    if ch == "'" and (prev.isspace() or prev in "([—–-") and _is_word_char(nxt):
        return ch
    return None


def _closes(text: str, i: int, opener: str) -> int:
    """Length of the closing mark at text[i] for `opener` (0 if none)."""
    if opener in ("``", "''") and text.startswith("''", i):
        return 2
    if opener == "''":
        return 0
    if opener in ("“", "'", "„") and text.startswith("''", i):
        return 2
    ch = text[i]
    if ch not in _CLOSERS[opener]:
        return 0
    nxt = text[i + 1] if i + 1 < len(text) else " "
    prev = text[i - 1] if i > 0 else " "
    if ch in "'’" and _is_word_char(prev) and _is_word_char(nxt):
        return 0  # an apostrophe inside a word: don't, it's
    if ch == "“" and opener == "“" and not (nxt.isspace() or nxt in ".,;:!?)—–-"):
        return 0  # a second opening mark, not a closing one
    if ch == '"' and _is_word_char(nxt):
        return 0
    return 1


def _same_style(opener: str, reopened: str) -> bool:
    """Whether a paragraph that opens with `reopened` continues a quotation opened with
    `opener`: the same marks (a stray straight '"' before a “...” paragraph is no
    quotation running on)."""
    curly = {"“", "„"}
    return opener == reopened or (opener in curly and reopened in curly)


_MARK_OR_BREAK = re.compile(r"[“”„«»‘’\"'`\n]")


def find_quotes(text: str) -> list[QuoteSpan]:
    """All quotation spans of `text`, in order, not overlapping.

    Only the positions of quotation marks and line breaks are visited (a regex
    scan), so the cost is linear in the text and small in practice.
    """
    spans: list[QuoteSpan] = []
    n = len(text)
    opener: str | None = None
    start = 0
    skip_to = 0
    for match in _MARK_OR_BREAK.finditer(text):
        i = match.start()
        if i < skip_to:
            continue
        if opener is None:
            found = _opens(text, i) if text[i] != "\n" else None
            if found:
                opener, start = found, i
                skip_to = i + len(found)
            continue
        if text[i] == "\n":
            # end of paragraph with the quote still open
            j = i
            while j < n and text[j].isspace():
                j += 1
            reopened = _opens(text, j) if j < n else None
            if reopened is not None and text[j] in "“„«\"'`" and _same_style(opener, reopened):
                skip_to = j + len(reopened)  # continued quotation, in the same marks
                continue
            spans.append(QuoteSpan(start, i, False))
            opener = None
            skip_to = i + 1
            continue
        length = _closes(text, i, opener)
        if length:
            spans.append(QuoteSpan(start, i + length, True))
            opener = None
            skip_to = i + length
    if opener is not None:
        spans.append(QuoteSpan(start, n, False))
    return spans


class QuoteIndex:
    """Answers "is this offset quoted?" and "which quote holds it?" in O(log n)."""

    def __init__(self, text: str) -> None:
        self.spans = find_quotes(text)
        self._starts = [s.start for s in self.spans]

    def span_at(self, offset: int) -> QuoteSpan | None:
        i = bisect_right(self._starts, offset) - 1
        if i >= 0 and self.spans[i].start <= offset < self.spans[i].end:
            return self.spans[i]
        return None

    def is_quoted(self, offset: int) -> bool:
        return self.span_at(offset) is not None

    def overlapping(self, start: int, end: int) -> list[QuoteSpan]:
        i = max(0, bisect_right(self._starts, start) - 1)
        found = []
        while i < len(self.spans) and self.spans[i].start < end:
            if self.spans[i].end > start:
                found.append(self.spans[i])
            i += 1
        return found

    def quoted_fraction(self, start: int, end: int, text: str) -> float:
        """Share of the word characters of text[start:end] that lie inside quotes."""
        total = quoted = 0
        spans = self.overlapping(start, end)
        for offset in range(start, end):
            if text[offset].isalnum():
                total += 1
                if any(s.start <= offset < s.end for s in spans):
                    quoted += 1
        return quoted / total if total else 0.0
