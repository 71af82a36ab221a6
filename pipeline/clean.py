"""Cleaning: from a scraped page to the article's body, its metadata and a map back to raw.

In: an `Article` whose `raw_text` is a plain-text scrape (a page saved as text: the
article plus the site's menus, share buttons, related-post lists, footers), and
optionally `BatchLineStats` (how many articles of the batch contain each line).
Out: a `CleanedArticle`: `text` is the headline followed by the body paragraphs, one
kept line per paragraph, separated by blank lines ("\\n\\n"); `offsets` maps every span
of `text` to the raw span holding the same words; `title`, `authors`, `published`
(ISO date), `publisher` come from the Article's own fields when given, otherwise from
the page; `dropped_lines` counts the non-blank raw lines left out.

How, and why:

1. Repairs (`repair_text`), per line, recorded in the offset map. HTML character
   references, intact or broken by inserted spaces ("& mdash;" -> "—", "& nbsp;" ->
   a space; the names allowed in the broken form are data), mojibake, C0/C1 controls
   and ligatures (ftfy, with quote-uncurling and HTML unescaping switched off),
   invisible characters (zero-width space, soft hyphen, BOM, bidi marks), every kind
   of whitespace collapsed to one space, no space before , ; . ! ?, and quotation
   marks: an opening “ or `` closed by ” or '' becomes a matching “...” pair with the
   stray spaces just inside removed. A quote never closed stays open: cleaning repairs
   damage, it does not invent text. Repairs run to a fixed point, so they are
   idempotent. Each kept line is aligned with its raw form (`OffsetMapBuilder.aligned`,
   only on lines that changed: a token walk with difflib on the differing runs, ends
   anchored so a whole paragraph maps to its whole raw line); a line longer
   than `MAX_PIECE` characters is repaired and aligned sentence by sentence, so the
   work stays linear on a 50 MB single-line input (quote pairs are then repaired
   within a sentence only).

2. Page furniture is removed line by line with the jusText algorithm (Pomikálek,
   "Removing Boilerplate and Duplicate Content from Web Corpora", 2011), adapted to
   plain text, which has lost the markup and link density jusText also uses. Each line
   is first classified on its own: `bad` when a known furniture cue fires (the phrase
   list `resources/boilerplate.txt`: menus, share/follow/comment widgets, related and
   archive lists, copyright and reproduction notices, syndication trailers), when it is
   a bare label (at most two words and no sentence punctuation: "print", "ANALYTICS",
   "Views: 189"), a list item that is not a sentence, part of a menu-shaped run of short
   unpunctuated lines, in another script than the page ("Ссылка скопирована" on an
   English page), repeated in the page (short lines: every copy; longer ones: all but
   the first), frequent across the batch, or an author biography after the last body
   paragraph; otherwise by length and stop-word density with jusText's thresholds
   (70/200 characters, 0.30/0.32; stop words are jusText's English list, and a page
   with almost no English stop words is judged by length alone, as jusText does for
   unknown languages): `short`, `neargood`, `good`, or `bad` (a long line poor in
   stop words that is not even shaped like a sentence). Then the context-dependent
   classes are revised by their neighbours exactly as in jusText (short lines between
   good ones are good, between bad ones bad; near-good lines are good unless both
   neighbours are bad; a heading-shaped short line just before a good paragraph is
   kept), with two plain-text changes: the start and end of the page count as neutral,
   not bad (a short last paragraph of clean news is kept), and byline and date lines,
   separators and furniture of at most two words ("print", "ABSTRACT." repeated over
   the batch) are dropped but transparent: like jusText's short blocks they are no
   evidence about their neighbours.

3. Position. The headline is the first headline-shaped line of the run of lines that
   leads to the first good paragraph, walking back over bylines, dates and labels and
   stopping at furniture (a breadcrumb "Home » ...", a menu, a copyright line): it
   comes first in the text, the lines above it are the page header and are dropped,
   and later copies of it are dropped. An Article title given by the input marks the
   headline line when the text contains it.

4. Metadata. Byline lines ("by alex", "By Susan T. Johnson", "Posted by ...") give the
   authors, in page order; the first date-only line ("08 June 2022 17:58", "January
   29, 2022", ISO or dotted dates) gives `published`; the publisher is the name in a
   copyright line ("Caliber.az © 2025"), else a short line the page header repeats
   ("Ohio POW MIA"), else a lone domain-like sign-off ("Caliber.Az"). Byline, date,
   bio and trailer lines never enter the body. Dates inside body sentences are not
   used.

5. Idempotence. Selection is re-run on the kept lines until nothing more is dropped,
   so the result is a fixed point: cleaning the cleaned text gives it back unchanged
   (no feature depends on blank lines, which the output layout changes).

6. HTML. For `format == "html"` the body and metadata come from trafilatura
   (`html_to_text`); its text then goes through the same cleaning. Offsets can only
   index text, so the ingest stage is expected to call `html_to_text` itself and put
   the extracted text in `Article.raw_text` (and the metadata in the Article's fields);
   a markup `raw_text` that reaches `clean_article` is extracted there, and its
   offsets then index the extracted text.

`classify_lines` gives the decision and its reason for every raw line (title, body,
byline, date, bio, trailer or dropped), for evaluation, review, and for callers that
want the author bio or syndication credit the body leaves out (`CleanedArticle` has no
field for them).
"""

from __future__ import annotations

import datetime
import html
import math
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from hashlib import blake2b
from html.entities import html5 as _HTML5
from pathlib import Path

import ftfy

from pipeline.offsets import OffsetMapBuilder
from pipeline.schema import Article, CleanedArticle

RESOURCES = Path(__file__).parent / "resources"

# jusText defaults (Pomikálek 2011, justext.core): characters and stop-word density.
LENGTH_LOW = 70
LENGTH_HIGH = 200
STOPWORDS_LOW = 0.30
STOPWORDS_HIGH = 0.32
MAX_HEADING_DISTANCE = 200
#: In plain text a paragraph is one line and wire-style paragraphs are one sentence: a
#: sentence-shaped line rich in stop words is `good` from this length on (jusText: 200).
LENGTH_PROSE = 100
#: Below this page-wide stop-word density the page is not English: length alone decides.
LANGUAGE_DENSITY = 0.12
#: Lines longer than this are repaired and aligned sentence by sentence.
MAX_PIECE = 5_000
#: `phrase` rules only apply to lines shorter than this.
PHRASE_MAX_CHARS = 200
#: A headline has at most this many words.
HEADLINE_MAX_WORDS = 30
#: Upper bound on selection rounds (each round drops at least one line).
MAX_ROUNDS = 50


# --- resources ------------------------------------------------------------------


def _data_lines(name: str) -> list[str]:
    text = (RESOURCES / name).read_text(encoding="utf-8")
    return [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    return frozenset(w.casefold() for w in _data_lines("stopwords_en.txt"))


@dataclass(frozen=True)
class _Rules:
    line: re.Pattern[str]
    end: re.Pattern[str]
    phrase: re.Pattern[str]
    trailer: re.Pattern[str]
    bio: re.Pattern[str]


@lru_cache(maxsize=1)
def _rules() -> _Rules:
    kinds: dict[str, list[str]] = {"line": [], "end": [], "phrase": [], "trailer": [], "bio": []}
    for entry in _data_lines("boilerplate.txt"):
        kind, _, pattern = entry.partition(" ")
        if kind not in kinds:
            raise ValueError(f"boilerplate.txt: unknown rule kind {kind!r}")
        re.compile(pattern)  # fail loudly on a bad rule, naming nothing else
        kinds[kind].append(f"(?:{pattern})")

    def union(patterns: list[str]) -> re.Pattern[str]:
        return re.compile("|".join(patterns) if patterns else r"(?!)")

    return _Rules(*(union(kinds[k]) for k in ("line", "end", "phrase", "trailer", "bio")))


@lru_cache(maxsize=1)
def _broken_entity_names() -> frozenset[str]:
    return frozenset(_data_lines("broken_entities.txt"))


# --- repairs ----------------------------------------------------------------------

_FTFY = ftfy.TextFixerConfig(unescape_html=False, uncurl_quotes=False, fix_line_breaks=False,
                             explain=False)
# Only lines holding a character mojibake, controls, ligatures or full-width forms are
# made of go through ftfy (UTF-8 read as Latin-1/cp1252 always yields one of \xc2-\xf4).
_NEEDS_FTFY = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\xa1-\xff\ufb00-\ufb06\uff01-\uff60\ufffd]")
_INVISIBLE = re.compile("[\u00ad\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
_ENTITY = re.compile(
    r"&([ \t\u00a0]{0,3})(#[ \t]?[0-9]{1,7}|#[ \t]?[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31})"
    r"([ \t\u00a0]{0,2});")
_ACCENTED_ENTITY = re.compile(r"[A-Za-z](?:acute|grave|uml|circ|tilde|cedil|ring|slash|caron)")
_SPACES = re.compile(r"\s+")
_QUOTE_MARK = re.compile(r"“|``|”|''")
_SPACE_BEFORE_PUNCT = re.compile(r"(?<=\w) +(?=[,;.!?](?:\s|$))")


def _decode_entity(m: re.Match[str]) -> str:
    before, ref, after = m.group(1), m.group(2).replace(" ", "").replace("\t", ""), m.group(3)
    if ref.startswith("#"):
        return html.unescape(f"&{ref};")
    broken = bool(before or after) or ref != m.group(2)
    if broken and ref not in _broken_entity_names() and not _ACCENTED_ENTITY.fullmatch(ref):
        return m.group(0)
    char = _HTML5.get(ref + ";")
    return m.group(0) if char is None else char


def _pair_quotes(text: str) -> str:
    """Normalise “ ... '' and `` ... '' to “...”; strip spaces just inside matched pairs."""
    if "“" not in text and "``" not in text:
        return text
    out: list[str] = []
    pos = 0
    opener: int | None = None  # index in `out` of the pending opening mark
    for m in _QUOTE_MARK.finditer(text):
        out.append(text[pos:m.start()])
        pos = m.end()
        mark = m.group()
        if mark in ("“", "``"):
            out.append("“")
            opener = len(out) - 1
        elif opener is not None:
            out[opener + 1:] = ["".join(out[opener + 1:]).strip(" ")]
            out.append("”")
            opener = None
        else:
            out.append(mark)  # a closing mark with nothing open: leave it
    out.append(text[pos:])
    return "".join(out)


def _repair_once(text: str) -> str:
    if "&" in text:
        text = _ENTITY.sub(_decode_entity, text)
    if _NEEDS_FTFY.search(text):
        text = ftfy.fix_text(text, _FTFY)
    text = _INVISIBLE.sub("", text)
    text = _SPACES.sub(" ", text).strip()
    text = _pair_quotes(text)
    return _SPACE_BEFORE_PUNCT.sub("", text)


def repair_text(text: str) -> str:
    """Repair one line: entities, mojibake, invisible characters, whitespace, quote pairs.

    The result has no line breaks, and `repair_text(repair_text(s)) == repair_text(s)`.
    """
    for _ in range(6):
        fixed = _repair_once(text)
        if fixed == text:
            break
        text = fixed
    return text


# --- lines and their features ------------------------------------------------------

_NEWLINE = re.compile(r"\r\n|\r|\n")
_SENTENCE_END = re.compile(r"[.!?…]+[\"”’')\]]*\s+")
_BULLET = re.compile(r"^(?:[•·▪▫◦‣∙●○■□►▶✓✔*+–—-]|\d{1,3}[.)])\s+")
_TERMINAL = re.compile(r"[.!?…:;][\"”’')\]]*$|[\"”’]$")
_PROSE_END = re.compile(r"[.!…:;][\"”’')\]]*$|[.!?][\"”’]$")
_KEY_STRIP = re.compile(r"[\s:.!?|>»›\-–—]+$")
_ALNUM = re.compile(r"[^\W_]")
_BREADCRUMB = re.compile(r"^(?:home|main|start|index)\s*[»›>/|→]|(?:[»›→]|\s>\s).*(?:[»›→]|\s>\s)",
                         re.I)
_LOWER_START = re.compile(r"^[\"“‘'(\[]*[a-z]")
_UPPER_START = re.compile(r"^[\"“‘'(\[]*[^\W\d_a-z]")


def _key(text: str) -> str:
    """Normalised form of a line for repetition and phrase matching."""
    key = text.casefold().replace("’", "'").replace("‘", "'")
    key = _BULLET.sub("", key)
    return _KEY_STRIP.sub("", key).strip()


def _hash(key: str) -> int:
    return int.from_bytes(blake2b(key.encode("utf-8"), digest_size=8).digest(), "big")


_SCRIPT_STARTS = [0x0, 0x370, 0x400, 0x530, 0x590, 0x600, 0x700, 0x900, 0xE00, 0x10A0, 0x1100,
                  0x1200, 0x1E00, 0x1F00, 0x2000, 0x2E80, 0xA000, 0xAC00, 0xD7B0, 0xF900,
                  0xFB00, 0xFB50, 0xFE00, 0xFF00, 0xFF66, 0x10000]
_SCRIPT_NAMES = ["Latin", "Greek", "Cyrillic", "Armenian", "Hebrew", "Arabic", "Other", "Indic",
                 "Thai", "Georgian", "Hangul", "Other", "Latin", "Greek", "Other", "CJK", "Other",
                 "Hangul", "Other", "CJK", "Latin", "Arabic", "Other", "Latin", "CJK", "Other"]


_ASCII_LETTER = re.compile(r"[A-Za-z]")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _script_counts(text: str, sample: int = 400) -> Counter[str]:
    """Letters per script in the first `sample` characters of the line."""
    head = text[:sample]
    counts: Counter[str] = Counter()
    latin = len(_ASCII_LETTER.findall(head))
    if latin:
        counts["Latin"] = latin
    if not head.isascii():
        for ch in _NON_ASCII.findall(head):
            if ch.isalpha():
                counts[_SCRIPT_NAMES[bisect_right(_SCRIPT_STARTS, ord(ch)) - 1]] += 1
    return counts


@dataclass(slots=True)
class _Line:
    """One non-blank raw line, repaired, with the features selection reads."""

    start: int
    end: int
    pieces: list[tuple[int, int, str]]
    text: str
    key: str
    n_words: int
    n_stop: int
    terminal: bool
    prose_end: bool
    list_item: bool
    static: str | None  # furniture by content alone (reason), or None
    meta: str | None  # "byline" or "date"
    authors: tuple[str, ...] = ()
    date: str | None = None
    bio: bool = False
    end_marker: bool = False
    scripts: Counter[str] = field(default_factory=Counter)

    @property
    def n_chars(self) -> int:
        return len(self.text)

    @property
    def label_shaped(self) -> bool:
        """At most two words and no sentence punctuation: a menu entry, a tag, a counter."""
        return self.n_words <= 2 and not self.terminal

    @property
    def heading_shaped(self) -> bool:
        return (2 <= self.n_words <= 15 and not self.prose_end and not self.list_item
                and bool(_UPPER_START.match(self.text)))

    @property
    def headline_shaped(self) -> bool:
        return (not self.label_shaped and not self.list_item
                and self.n_words <= HEADLINE_MAX_WORDS and self.n_chars <= 300)

    @property
    def prose_shaped(self) -> bool:
        return self.n_words >= 6 and self.terminal and not _LOWER_START.match(self.text)


def _pieces(raw: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split raw[start:end] into sentence pieces when it is longer than MAX_PIECE."""
    if end - start <= MAX_PIECE:
        return [(start, end)]
    pieces: list[tuple[int, int]] = []
    pos = start
    for m in _SENTENCE_END.finditer(raw, start, end):
        cut = m.end()
        while cut - pos > MAX_PIECE:
            hard = raw.rfind(" ", pos + 1, pos + MAX_PIECE)
            hard = hard if hard > pos else pos + MAX_PIECE
            pieces.append((pos, hard))
            pos = hard
        pieces.append((pos, cut))
        pos = cut
    while end - pos > MAX_PIECE:
        hard = raw.rfind(" ", pos + 1, pos + MAX_PIECE)
        hard = hard if hard > pos else pos + MAX_PIECE
        pieces.append((pos, hard))
        pos = hard
    if pos < end:
        pieces.append((pos, end))
    return pieces


def _strip_range(raw: str, start: int, end: int) -> tuple[int, int]:
    """The range of raw[start:end] without its leading and trailing whitespace."""
    text = raw[start:end]
    stripped = text.strip()
    if not stripped:
        return start, start
    lead = len(text) - len(text.lstrip())
    return start + lead, start + lead + len(stripped)


def _make_line(raw: str, start: int, end: int) -> _Line | None:
    start, end = _strip_range(raw, start, end)
    if start == end:
        return None
    pieces = []
    for s, e in _pieces(raw, start, end):
        s, e = _strip_range(raw, s, e)
        fixed = repair_text(raw[s:e]) if s < e else ""
        if fixed:
            pieces.append((s, e, fixed))
    if not pieces:
        return None
    start, end = pieces[0][0], pieces[-1][1]
    text = " ".join(p[2] for p in pieces)
    words = text.split()
    stop = _stopwords()
    n_stop = sum(1 for w in words
                 if w.casefold() in stop or w.strip(".,;:!?\"“”‘’'()[]").casefold() in stop)
    line = _Line(
        start=start, end=end, pieces=pieces, text=text, key=_key(text), n_words=len(words),
        n_stop=n_stop, terminal=bool(_TERMINAL.search(text)),
        prose_end=bool(_PROSE_END.search(text)), list_item=bool(_BULLET.match(text)),
        static=None, meta=None, scripts=_script_counts(text))
    _static_classify(line)
    return line


def _static_classify(line: _Line) -> None:
    """Decide what the line's content alone says: metadata, furniture, or nothing."""
    text, key = line.text, line.key
    if not _ALNUM.search(text):
        line.static = "empty"
        return
    if line.n_words <= 12 and not line.list_item:
        authors, date = parse_byline(text)
        if authors:
            line.meta, line.authors, line.date = "byline", tuple(authors), date
            return
        date = parse_date_line(text)
        if date or _STAMP.fullmatch(text):
            line.meta, line.date = "date", date
            return
    rules = _rules()
    if len(text) < 300 and rules.trailer.search(key):
        line.static = "trailer"
    elif rules.end.fullmatch(key):
        line.static, line.end_marker = "comments", True
    elif line.label_shaped:
        line.static = "label"
    elif rules.line.fullmatch(key) or (len(text) < PHRASE_MAX_CHARS
                                       and rules.phrase.search(key)):
        line.static = "furniture"
    elif len(text) < PHRASE_MAX_CHARS and _BREADCRUMB.search(text):
        line.static = "breadcrumb"
    if line.static is None and rules.bio.search(key):
        line.bio = True


def _lines(raw: str) -> list[_Line]:
    lines: list[_Line] = []
    pos = 0
    for m in _NEWLINE.finditer(raw):
        line = _make_line(raw, pos, m.start())
        if line is not None:
            lines.append(line)
        pos = m.end()
    line = _make_line(raw, pos, len(raw))
    if line is not None:
        lines.append(line)
    return lines


# --- metadata found in lines -------------------------------------------------------

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8,
    "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}
_MONTH = (r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|"
          r"aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_DAY = r"(?P<d>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<y>(?:19|20)\d{2})"
_DATE_FORMS = [
    rf"{_DAY}\s+{_MONTH},?\s+{_YEAR}",
    rf"{_MONTH}\s+{_DAY},?\s+{_YEAR}",
    rf"{_YEAR}-(?P<m>\d{{1,2}})-(?P<d>\d{{1,2}})",
    rf"(?P<d>\d{{1,2}})\.(?P<m>\d{{1,2}})\.{_YEAR}",
    rf"(?P<m>\d{{1,2}})/(?P<d>\d{{1,2}})/{_YEAR}",
]
_TIME = (r"\d{1,2}[:.]\d{2}(?::\d{2})?(?:\s*[ap]\.?m\.?)?"
         r"(?:\s*(?:[a-z]{2,5})?\s*[+-]\d{1,2}(?::?\d{2})?|\s*[a-z]{2,5})?")
_WEEKDAY = r"(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*\.?,?"
_DATE_PREFIX = (r"(?:(?:published|posted|updated|last updated|date|created|modified|"
                r"first published)(?:\s+on)?\s*:?\s*)?")
_DATE_LINES = [
    re.compile(rf"{_DATE_PREFIX}(?:{_WEEKDAY}\s+)?(?:{_TIME}\s*[,|–—-]?\s*)?{form}"
               rf"(?:\s*(?:at|,|\||–|—|-)?\s*{_TIME})?", re.I)
    for form in _DATE_FORMS
]
_NAME = r"[^\W\d_][\w.'’-]*"
_NAMES = rf"{_NAME}(?:\s+{_NAME}){{0,3}}"
_BYLINE = re.compile(
    rf"(?:(?:written|posted|words|story|text|reported|report|photos?|article)\s+)?by\s*:?\s+"
    rf"(?P<names>{_NAMES}(?:\s*(?:,|&|\band\b)\s*{_NAMES})*)"
    rf"(?:\s*(?:[|•·,–—]|\s-\s|\bon\b)\s*(?P<rest>.+))?", re.I)
_AUTHOR_FIELD = re.compile(rf"(?:author|authors|written by)\s*:\s*(?P<names>{_NAMES}"
                           rf"(?:\s*(?:,|&|\band\b)\s*{_NAMES})*)", re.I)
_NAME_SPLIT = re.compile(r"\s*(?:,|&|\band\b)\s*", re.I)
_POSTED_BY = re.compile(r"(?:posted|published|written|updated)(?:\s+on)?\s*:?\s+(?P<date>.+?)"
                        r"\s+(?P<byline>by\s+.+)", re.I)
_STAMP = re.compile(rf"(?:published|posted|updated|last updated|modified)(?:\s+on)?\s*:?\s*"
                    rf"{_TIME}(?:\s*,?\s*{_WEEKDAY})?", re.I)


def _date_from(m: re.Match[str]) -> str | None:
    parts = m.groupdict()
    month = _MONTHS[parts["mon"][:3].casefold()] if parts.get("mon") else int(parts["m"])
    year, day = int(parts["y"]), int(parts["d"])
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    try:
        return datetime.date(year, month, day).isoformat()
    except ValueError:
        return None


def parse_date_line(text: str) -> str | None:
    """ISO date of a line that is only a date (with optional weekday, time, "Published:")."""
    text = text.strip()
    if len(text) > 60:
        return None
    for pattern in _DATE_LINES:
        m = pattern.fullmatch(text)
        if m:
            return _date_from(m)
    return None


def parse_byline(text: str) -> tuple[list[str], str | None]:
    """Authors (and a date, if one is given) of a byline line such as "By Susan T. Johnson",
    "By Ivan Petrov and Maria Lopez | 12 March 2023" or "Posted on March 3, 2022 by Jane Roe"."""
    posted = _POSTED_BY.fullmatch(text.strip())
    if posted:
        date = parse_date_line(posted.group("date"))
        if date:
            authors, _ = parse_byline(posted.group("byline"))
            return (authors, date) if authors else ([], None)
    m = _BYLINE.fullmatch(text.strip()) or _AUTHOR_FIELD.fullmatch(text.strip())
    if not m:
        return [], None
    rest = m.groupdict().get("rest")
    date = parse_date_line(rest) if rest else None
    if rest and date is None and len(rest.split()) > 4:
        return [], None
    last = text.split()[-1]
    if last[-1] in "!?" or (last[-1] == "." and len(last) > 3):
        return [], None
    names = [n.strip() for n in _NAME_SPLIT.split(m.group("names")) if n.strip()]
    stop = _stopwords()
    good: list[str] = []
    for name in names:
        tokens = name.split()
        if any(t.casefold() in stop and not t[:1].isupper() for t in tokens):
            return [], None
        if len(tokens) > 1 and not all(t[:1].isupper() for t in tokens):
            return [], None
        good.append(name)
    return good, date


_COPYRIGHT_BEFORE = re.compile(r"^(?P<name>[^©]{2,60}?)\s*(?:©|\(c\))\s*(?:\d{4})", re.I)
_COPYRIGHT_AFTER = re.compile(
    r"(?:©|\(c\)|copyright)\s*(?:©\s*)?(?:\d{4}(?:\s*[-–]\s*\d{4})?)?\s*,?\s*"
    r"(?P<name>.{2,60}?)\s*(?:\.(?:\s|$)|[|,;]|\ball rights\b|$)", re.I)
_DOMAIN = re.compile(r"[A-Za-z0-9][\w-]*(?:\.[\w-]+)*\.[A-Za-z]{2,10}")


def _copyright_name(text: str) -> str | None:
    if not re.search(r"©|\(c\)\s*\d{4}|\bcopyright\b", text, re.I):
        return None
    for pattern in (_COPYRIGHT_BEFORE, _COPYRIGHT_AFTER):
        m = pattern.search(text)
        if m:
            name = m.group("name").strip(" .,-–|")
            if (_ALNUM.search(name) and len(name.split()) <= 6
                    and not re.match(r"(?:all rights|copyright|\d)", name, re.I)):
                return name
    return None


# --- batch statistics ---------------------------------------------------------------


class BatchLineStats:
    """How many articles of a batch contain each (normalised) line.

    A line found in many articles of a batch is site furniture (a footer, a "follow us"
    line, a reproduction notice), whatever its shape. Built in one pass over the raw
    texts (`from_texts`), mergeable (`merge`) so shards can count separately. Only lines
    under `max_chars` are counted (long paragraphs are content, even when syndicated),
    and keys are stored as 64-bit hashes, so memory stays small on big batches.
    """

    def __init__(self, min_docs: int = 3, min_ratio: float = 0.02, max_chars: int = 300) -> None:
        self.counts: Counter[int] = Counter()
        self.n_docs = 0
        self.min_docs = min_docs
        self.min_ratio = min_ratio
        self.max_chars = max_chars

    @classmethod
    def from_texts(cls, texts: Iterable[str], min_docs: int = 3, min_ratio: float = 0.02,
                   max_chars: int = 300) -> BatchLineStats:
        """Count the lines of every text (one text = one article)."""
        stats = cls(min_docs=min_docs, min_ratio=min_ratio, max_chars=max_chars)
        for text in texts:
            stats.add_text(text)
        return stats

    @classmethod
    def from_articles(cls, articles: Iterable[Article], min_docs: int = 3,
                      min_ratio: float = 0.02, max_chars: int = 300) -> BatchLineStats:
        """Count the lines of the articles' raw texts."""
        return cls.from_texts((a.raw_text for a in articles), min_docs, min_ratio, max_chars)

    def add_text(self, text: str) -> None:
        keys: set[int] = set()
        for raw_line in _NEWLINE.split(text):
            raw_line = raw_line.strip()
            if not raw_line or len(raw_line) > self.max_chars:
                continue
            key = _key(repair_text(raw_line))
            if key:
                keys.add(_hash(key))
        self.counts.update(keys)
        self.n_docs += 1

    def merge(self, other: BatchLineStats) -> BatchLineStats:
        self.counts.update(other.counts)
        self.n_docs += other.n_docs
        return self

    def doc_frequency(self, line: str) -> int:
        """In how many articles of the batch the (repaired) line occurs."""
        return self.counts.get(_hash(_key(line)), 0)

    def threshold(self) -> int:
        return max(self.min_docs, math.ceil(self.min_ratio * self.n_docs))

    def is_frequent_key(self, key: str) -> bool:
        return self.counts.get(_hash(key), 0) >= self.threshold()


# --- selection --------------------------------------------------------------------

_TRANSPARENT = {"label", "empty", "comments"}
_WEAK = {"low-stopwords", "duplicate", "batch"}


@dataclass(frozen=True)
class LineDecision:
    """What cleaning decided for one non-blank raw line (for evaluation and review)."""

    raw_start: int
    raw_end: int
    text: str
    label: str  # "title", "body", "byline", "date", "bio", "trailer" or "dropped"
    reason: str  # why: the class or furniture cue that decided


@dataclass
class _Selection:
    title: int | None
    keep: list[bool]
    reasons: list[str]


def _transparent(ln: _Line, reason: str | None) -> bool:
    """Dropped lines that neither stop the headline search nor count as neighbours: like
    jusText's short blocks, bare labels, separators and any other furniture of at most two
    words ("ABSTRACT." repeated across a batch) are no evidence either way; the reader
    comments are past the end of the page for the article's purposes."""
    return reason in _TRANSPARENT or (reason is not None and ln.n_words <= 2)


def _page_reasons(lines: Sequence[_Line], batch: BatchLineStats | None,
                  authors: Sequence[str]) -> list[str | None]:
    """Furniture reasons that depend on the page (repetition, lists, script, batch)."""
    n = len(lines)
    reasons: list[str | None] = [ln.static for ln in lines]
    counts = Counter(ln.key for ln in lines)
    seen: set[str] = set()
    for i, ln in enumerate(lines):
        if reasons[i] is None and counts[ln.key] > 1:
            if ln.n_words <= 3 and not ln.terminal:
                reasons[i] = "repeated"
            elif ln.key in seen:
                reasons[i] = "duplicate"
        seen.add(ln.key)
    # list blocks: runs of list items; furniture unless most items are sentences
    i = 0
    while i < n:
        if not lines[i].list_item:
            i += 1
            continue
        j = i
        while j < n and lines[j].list_item:
            j += 1
        block = lines[i:j]
        prose = sum(1 for ln in block if ln.prose_end and ln.n_words >= 6)
        if prose * 2 <= len(block):
            for k in range(i, j):
                reasons[k] = reasons[k] or "list"
        i = j
    # menu-shaped runs: three or more consecutive short unpunctuated lines
    i = 0
    while i < n:
        j = i
        while j < n and lines[j].n_words <= 4 and not lines[j].terminal and lines[j].meta is None:
            j += 1
        if j - i >= 3:
            for k in range(i, j):
                reasons[k] = reasons[k] or "menu"
        i = max(j, i + 1)
    # a short line in a script the page hardly uses
    page_scripts: Counter[str] = Counter()
    for ln in lines:
        page_scripts.update(ln.scripts)
    total = sum(page_scripts.values())
    if total:
        main, main_count = page_scripts.most_common(1)[0]
        if main_count >= 0.8 * total:
            for i, ln in enumerate(lines):
                if (reasons[i] is None and ln.n_chars < LENGTH_HIGH and ln.scripts
                        and ln.scripts.most_common(1)[0][0] != main):
                    reasons[i] = "script"
    if batch is not None and batch.n_docs:
        for i, ln in enumerate(lines):
            if reasons[i] is None and ln.meta is None and batch.is_frequent_key(ln.key):
                reasons[i] = "batch"
    # author bios: a bio sentence (or one opening with a byline name) after the body
    names = [a.casefold() for a in authors if len(a) > 2]
    later_good = False
    for i in range(n - 1, -1, -1):
        ln = lines[i]
        folded = ln.text.casefold()
        is_bio = ln.bio or (ln.n_words >= 6 and any(
            folded.startswith(nm) and folded[len(nm):len(nm) + 1] in (" ", ",")
            for nm in names))
        if reasons[i] is None and is_bio and not later_good:
            reasons[i] = "bio"
        elif reasons[i] is None and ln.meta is None and ln.n_chars > LENGTH_HIGH:
            later_good = True
    return reasons


def _cf_class(ln: _Line, reason: str | None, independent: bool) -> str:
    """jusText's context-free class (plain-text version)."""
    if reason is not None:
        return "bad"
    density = ln.n_stop / ln.n_words if ln.n_words else 0.0
    low, high = (0.0, 0.0) if independent else (STOPWORDS_LOW, STOPWORDS_HIGH)
    if ln.n_chars < LENGTH_LOW:
        return "short"
    if density >= high:
        long_enough = ln.n_chars > (LENGTH_PROSE if ln.prose_shaped else LENGTH_HIGH)
        return "good" if long_enough else "neargood"
    if density >= low:
        return "neargood"
    return "short" if ln.prose_shaped else "bad"


def _find_title(lines: Sequence[_Line], classes: list[str], reasons: list[str | None],
                given_key: str | None) -> int | None:
    if given_key:
        for i, ln in enumerate(lines):
            if ln.key == given_key:
                return i
        return None
    anchor = next((i for i, c in enumerate(classes) if c == "good"),
                  next((i for i, c in enumerate(classes) if c == "neargood"), len(lines)))
    run: list[int] = []
    for i in range(anchor - 1, -1, -1):
        ln, reason = lines[i], reasons[i]
        if ln.meta is not None or _transparent(ln, reason):
            continue
        weak_batch = reason == "batch" and ln.n_words >= 4
        if reason is not None and reason not in _WEAK and not weak_batch:
            break
        run.append(i)
    if run:
        return run[-1] if lines[run[-1]].headline_shaped else None
    # Nothing above the first good line: it is the headline itself when it is shaped like
    # one and reads like one (no closing sentence punctuation, or a byline or date line
    # right after it).
    if anchor < len(lines) and lines[anchor].headline_shaped:
        after = next((ln for ln, r in zip(lines[anchor + 1:], reasons[anchor + 1:], strict=True)
                      if not _transparent(ln, r)), None)
        if not lines[anchor].prose_end or (after is not None and after.meta):
            return anchor
    return None


def _neighbour(classes: list[str], i: int, step: int, ignore_neargood: bool) -> str | None:
    j = i + step
    while 0 <= j < len(classes):
        c = classes[j]
        if c in ("good", "bad") or (c == "neargood" and not ignore_neargood):
            return c
        j += step
    return None  # the page boundary is neutral in plain text


def _revise(seq: list[_Line], classes: list[str]) -> list[str]:
    """jusText's context-sensitive revision (Pomikálek 2011, justext.core)."""
    cf = list(classes)
    cls = list(classes)

    def good_follows(i: int) -> bool:
        distance = 0
        for j in range(i + 1, len(seq)):
            if distance > MAX_HEADING_DISTANCE:
                return False
            if cls[j] == "good":
                return True
            distance += seq[j].n_chars
        return False

    for i, ln in enumerate(seq):
        if cls[i] == "short" and ln.heading_shaped and good_follows(i):
            cls[i] = "neargood"
    new: dict[int, str] = {}
    for i, c in enumerate(cls):
        if c != "short":
            continue
        prev, nxt = _neighbour(cls, i, -1, True), _neighbour(cls, i, 1, True)
        sides = {s for s in (prev, nxt) if s is not None}
        if sides <= {"good"}:
            new[i] = "good"
        elif sides == {"bad"}:
            new[i] = "bad"
        elif ((prev == "bad" and _neighbour(cls, i, -1, False) == "neargood")
              or (nxt == "bad" and _neighbour(cls, i, 1, False) == "neargood")):
            new[i] = "good"
        else:
            new[i] = "bad"
    for i, c in new.items():
        cls[i] = c
    for i, c in enumerate(cls):
        if c != "neargood":
            continue
        sides = {s for s in (_neighbour(cls, i, -1, True), _neighbour(cls, i, 1, True))
                 if s is not None}
        cls[i] = "bad" if sides == {"bad"} else "good"
    for i, ln in enumerate(seq):
        if cls[i] == "bad" and cf[i] != "bad" and ln.heading_shaped and good_follows(i):
            cls[i] = "good"
    return cls


def _select(lines: Sequence[_Line], batch: BatchLineStats | None, authors: Sequence[str],
            given_key: str | None) -> _Selection:
    n = len(lines)
    reasons = _page_reasons(lines, batch, authors)
    words = sum(ln.n_words for ln in lines)
    independent = words > 0 and sum(ln.n_stop for ln in lines) / words < LANGUAGE_DENSITY
    classes = [_cf_class(ln, r, independent) for ln, r in zip(lines, reasons, strict=True)]
    for i in range(n):
        if reasons[i] is None and classes[i] == "bad":
            reasons[i] = "low-stopwords"
    # the reader-comment section: from its marker to the end of the page, once body
    # text has been seen above it
    seen_good = False
    for i, ln in enumerate(lines):
        if ln.end_marker and seen_good:
            for k in range(i + 1, n):
                if lines[k].meta is None:
                    reasons[k], classes[k] = "comments", "bad"
            break
        seen_good = seen_good or classes[i] == "good"
    title = _find_title(lines, classes, reasons, given_key)
    out_reasons = [""] * n
    keep = [False] * n
    first = 0
    if title is not None:
        for i in range(title):
            out_reasons[i] = "before-title"
        keep[title] = True
        out_reasons[title] = "title"
        first = title + 1
    seq_idx = []
    for i in range(first, n):
        if lines[i].meta is not None:
            out_reasons[i] = lines[i].meta or ""
        elif _transparent(lines[i], reasons[i]):
            out_reasons[i] = reasons[i] or ""
        elif title is not None and lines[i].key == lines[title].key:
            out_reasons[i] = "duplicate"
        else:
            seq_idx.append(i)
    if title is not None:
        seq_idx.insert(0, title)
    # An insert ("Read more: ...", "ADVERTISEMENT") with good text on both sides is
    # dropped but, being surrounded by content, is no evidence against its neighbours.
    cf = ["good" if i == title else classes[i] for i in seq_idx]
    inserts = {k for k, c in enumerate(cf) if c == "bad"
               and _neighbour(cf, k, -1, True) == "good" and _neighbour(cf, k, 1, True) == "good"}
    for k in inserts:
        out_reasons[seq_idx[k]] = reasons[seq_idx[k]] or ""
    seq_idx = [i for k, i in enumerate(seq_idx) if k not in inserts]
    seq = [lines[i] for i in seq_idx]
    revised = _revise(seq, ["good" if i == title else classes[i] for i in seq_idx])
    if title is not None:
        seq_idx, revised = seq_idx[1:], revised[1:]
    for i, c in zip(seq_idx, revised, strict=True):
        keep[i] = c == "good"
        out_reasons[i] = "body" if keep[i] else (reasons[i] or f"context:{classes[i]}")
    return _Selection(title, keep, out_reasons)


@dataclass
class _Outcome:
    lines: list[_Line]
    kept: list[int]  # indices into lines, in output order (title first)
    title: int | None
    decisions: list[LineDecision]
    authors: list[str]
    published: str | None
    publisher: str | None


def _run(raw: str, batch: BatchLineStats | None, given_title: str | None) -> _Outcome:
    lines = _lines(raw)
    authors: list[str] = []
    published: str | None = None
    seen_text = False
    for ln in lines:
        if ln.end_marker and seen_text:
            break  # bylines and dates in reader comments are not the article's
        seen_text = seen_text or ln.n_chars > LENGTH_PROSE
        for a in ln.authors:
            if a not in authors:
                authors.append(a)
        if published is None and ln.date:
            published = ln.date
    given_key = _key(repair_text(given_title)) if given_title else None
    current = list(range(len(lines)))
    why: dict[int, str] = {}
    title: int | None = None
    header_end: int | None = None
    for _ in range(MAX_ROUNDS):
        if not current:
            break
        selection = _select([lines[i] for i in current], batch, authors, given_key)
        title = current[selection.title] if selection.title is not None else None
        if header_end is None:
            header_end = title
        kept = []
        for pos, i in enumerate(current):
            if selection.keep[pos]:
                kept.append(i)
                why[i] = selection.reasons[pos]
            elif i not in why or why[i] in ("title", "body"):
                why[i] = selection.reasons[pos]
        if len(kept) == len(current):
            break
        current = kept
    kept_set = set(current)
    decisions = []
    for i, ln in enumerate(lines):
        if i == title:
            label = "title"
        elif i in kept_set:
            label = "body"
        elif ln.meta is not None:
            label = ln.meta
        elif why.get(i) in ("bio", "trailer"):
            label = why[i]
        else:
            label = "dropped"
        decisions.append(LineDecision(ln.start, ln.end, ln.text, label, why.get(i, "")))
    publisher = _find_publisher(lines, header_end, kept_set)
    return _Outcome(lines, current, title, decisions, authors, published, publisher)


def _find_publisher(lines: Sequence[_Line], title: int | None, kept: set[int]) -> str | None:
    for i, ln in enumerate(lines):
        if i not in kept:
            name = _copyright_name(ln.text)
            if name:
                return name
    if title is not None:
        header = [ln for ln in lines[:title]
                  if not ln.list_item and 1 <= ln.n_words <= 6 and ln.static != "furniture"
                  and ln.meta is None]
        counts = Counter(ln.key for ln in header)
        for ln in header:
            if counts[ln.key] >= 2:
                return ln.text
    for i, ln in enumerate(lines):
        if i not in kept and ln.n_words == 1 and _DOMAIN.fullmatch(ln.text):
            return ln.text
    return None


# --- public API -----------------------------------------------------------------------

_MARKUP = re.compile(r"<\s*(?:!doctype|html|head|body|p|div|article|br|h1|span|a)\b", re.I)


def html_to_text(html_text: str) -> tuple[str, dict]:
    """Body text and metadata of an HTML page, extracted with trafilatura.

    The ingest stage calls this for HTML inputs and stores the text as the Article's
    `raw_text` (so that cleaning offsets index it) and the metadata in the Article's
    fields. Returns (text, {"title", "authors", "published", "publisher", "url"}); the
    text is the headline line followed by one line per paragraph ("" when nothing
    could be extracted).
    """
    import trafilatura  # imported here: only HTML inputs need it

    doc = trafilatura.bare_extraction(html_text, with_metadata=True, include_comments=False,
                                      include_tables=True, as_dict=False)
    if doc is None:
        return "", {"title": None, "authors": [], "published": None, "publisher": None,
                    "url": None}
    title = (doc.title or "").strip() or None
    body = doc.text or ""
    first = body.split("\n", 1)[0].strip()
    if title and _key(repair_text(first)) != _key(repair_text(title)):
        body = f"{title}\n\n{body}" if body else title
    authors = [a.strip() for a in re.split(r"\s*;\s*", doc.author or "") if a.strip()]
    published = doc.date if doc.date and re.fullmatch(r"\d{4}-\d{2}-\d{2}", doc.date) else None
    meta = {"title": title, "authors": authors, "published": published,
            "publisher": (doc.sitename or "").strip() or None, "url": doc.url}
    return body, meta


def classify_lines(article: Article, batch: BatchLineStats | None = None) -> list[LineDecision]:
    """The decision taken for every non-blank line of the article (offsets index raw_text)."""
    return _run(article.raw_text, batch, article.title).decisions


def clean_article(article: Article, batch: BatchLineStats | None = None) -> CleanedArticle:
    """Clean one article: body text, metadata and the offset map back to the raw text."""
    raw = article.raw_text
    found: dict = {}
    if article.format == "html" and _MARKUP.search(raw[:5000]):
        raw, found = html_to_text(raw)
    outcome = _run(raw, batch, article.title or found.get("title"))
    builder = OffsetMapBuilder()
    prev_end: int | None = None
    for i in outcome.kept:
        ln = outcome.lines[i]
        if prev_end is not None:
            gap_start = min(prev_end, ln.start)
            if raw[gap_start:ln.start] == "\n\n":
                builder.copy(raw, gap_start, ln.start)
            else:
                builder.replace("\n\n", gap_start, max(gap_start, ln.start))
        piece_end: int | None = None
        for start, end, text in ln.pieces:
            if piece_end is not None:
                if raw[piece_end:start] == " ":
                    builder.copy(raw, piece_end, start)
                else:
                    builder.replace(" ", piece_end, start)
            builder.aligned(raw, start, end, text)
            piece_end = end
        prev_end = ln.end
    text, offsets = builder.build()
    detected_title = outcome.lines[outcome.title].text if outcome.title is not None else None
    return CleanedArticle(
        article=article,
        text=text,
        offsets=offsets,
        title=article.title or found.get("title") or detected_title,
        authors=list(article.authors) or list(found.get("authors") or []) or outcome.authors,
        published=article.published or found.get("published") or outcome.published,
        publisher=article.publisher or found.get("publisher") or outcome.publisher,
        dropped_lines=len(outcome.lines) - len(outcome.kept),
        bio=" ".join(d.text for d in outcome.decisions if d.label == "bio") or None,
        trailers=[d.text for d in outcome.decisions if d.label == "trailer"],
    )
