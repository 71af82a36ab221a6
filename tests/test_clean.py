"""Tests for pipeline.clean: repairs, furniture removal, metadata, offsets, idempotence."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.clean import (
    BatchLineStats,
    classify_lines,
    clean_article,
    html_to_text,
    parse_byline,
    parse_date_line,
    repair_text,
)
from pipeline.clean_eval import evaluate_cleaning, format_cleaning_report
from pipeline.schema import Article

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
GOLD = ROOT / "annotations" / "clean"
DOC_IDS = sorted(p.stem for p in CORPUS.glob("*.txt"))


def _read(path: Path) -> str:
    with open(path, encoding="utf-8", newline="") as fh:
        return fh.read()


def _article(text: str, **fields) -> Article:
    return Article(doc_id="t", path="t.txt", format=fields.pop("format", "txt"), raw_text=text,
                   **fields)


def _corpus(doc_id: str) -> Article:
    path = CORPUS / f"{doc_id}.txt"
    return Article(doc_id=doc_id, path=str(path), format="txt", raw_text=_read(path))


def _paragraphs(text: str) -> list[str]:
    return [p for p in text.split("\n\n") if p]


def _assert_maps_back(raw: str, cleaned) -> None:
    """Copy segments are verbatim; every paragraph maps to raw text that repairs to it."""
    for cs, ce, rs, re_, copy in cleaned.offsets.segments():
        assert 0 <= rs <= re_ <= len(raw)
        if copy:
            assert raw[rs:re_] == cleaned.text[cs:ce]
    pos = 0
    for para in cleaned.text.split("\n\n"):
        rs, re_ = cleaned.offsets.to_raw(pos, pos + len(para))
        assert repair_text(raw[rs:re_]) == para
        pos += len(para) + 2


# --- repairs --------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "fixed"), [
    ("in Kazakhstan & mdash; first example", "in Kazakhstan — first example"),
    ("Gerasimov said, was & nbsp; focused", "Gerasimov said, was focused"),
    ("in Tajikistan & ndash; Doctrine", "in Tajikistan – Doctrine"),
    ("AT&amp;T and R&D", "AT&T and R&D"),
    ("double &amp;mdash; escaped", "double — escaped"),
    ("numeric &#8212; and & #8211; refs", "numeric — and – refs"),
    ("rock & roll; fish & chips", "rock & roll; fish & chips"),
    ("It was called a “ paper tiger '', a fake union",
     "It was called a “paper tiger”, a fake union"),
    ("The exercise `` Echelon-2021 '' took place", "The exercise “Echelon-2021” took place"),
    ("“ a precedent has been created. '' & nbsp;", "“a precedent has been created.”"),
    ("for “[accomplish] both military tasks.", "for “[accomplish] both military tasks."),
    ("John Birch Society protegÃ©s", "John Birch Society protegés"),
    ("zero\u200bwidth\u00adsoft\ufeff", "zerowidthsoft"),
    ("  odd\t spacing\u00a0 here  ", "odd spacing here"),
    ("Uzbekistan , the treaty", "Uzbekistan, the treaty"),
])
def test_repairs(raw: str, fixed: str) -> None:
    assert repair_text(raw) == fixed
    assert repair_text(fixed) == fixed


def test_repair_never_leaves_a_line_break() -> None:
    assert "\n" not in repair_text("a&#10;b\u2028c\rd")


# --- metadata parsers -------------------------------------------------------------


@pytest.mark.parametrize(("line", "iso"), [
    ("08 June 2022 17:58", "2022-06-08"),
    ("January 29, 2022", "2022-01-29"),
    ("Published: Sunday, Jan. 9, 2022 at 10:15 am", "2022-01-09"),
    ("2022-01-29", "2022-01-29"),
    ("29.01.2022", "2022-01-29"),
    ("June 2022", None),
    ("Correction: October 2, 2016, Sunday.", None),
    ("On January 5, the Government of Kazakhstan requested help.", None),
])
def test_parse_date_line(line: str, iso: str | None) -> None:
    assert parse_date_line(line) == iso


@pytest.mark.parametrize(("line", "authors"), [
    ("by alex", ["alex"]),
    ("By Susan T. Johnson", ["Susan T. Johnson"]),
    ("by John P. Ruehl", ["John P. Ruehl"]),
    ("Posted by Jane Doe and Richard Roe", ["Jane Doe", "Richard Roe"]),
    ("By the way, this is not a byline.", []),
    ("By contrast, Trump has just 5 percent support of the black vote in Florida.", []),
])
def test_parse_byline(line: str, authors: list[str]) -> None:
    assert parse_byline(line)[0] == authors


# --- the corpus ---------------------------------------------------------------------

EXPECTED_METADATA = {
    "000_d6c6155466720481": ("The Kremlin's New Army: What Has Russia Come Up With This Time?",
                             ["alex"], None, None),
    "001_a07726657dcd6f69": ("The CSTO, a military alliance in the service of Russia",
                             [], None, None),
    "002_b355f01e7a83066b": ('"Russia can theoretically compel CSTO members to send troops to '
                             "Ukraine\" Are the bloc's members prepared for this?",
                             [], "2022-06-08", "Caliber.az"),
    "003_f866f8617738da58": ("Why it’s time to take the Russian-led military alliance seriously",
                             ["Susan T. Johnson", "John P. Ruehl"], "2022-01-29", "Ohio POW MIA"),
    "004_1bb8f61e5306e125": ("The expert predicted the strengthening of the role of the CSTO in "
                             "the post-Soviet space", [], None, None),
}


@pytest.mark.parametrize("doc_id", DOC_IDS)
def test_corpus_metadata(doc_id: str) -> None:
    cleaned = clean_article(_corpus(doc_id))
    title, authors, published, publisher = EXPECTED_METADATA[doc_id]
    assert cleaned.title == title
    assert cleaned.authors == authors
    assert cleaned.published == published
    assert cleaned.publisher == publisher
    assert _paragraphs(cleaned.text)[0] == title  # the headline comes first, once
    assert _paragraphs(cleaned.text).count(title) == 1


@pytest.mark.parametrize("doc_id", DOC_IDS)
def test_corpus_repairs_and_offsets(doc_id: str) -> None:
    article = _corpus(doc_id)
    cleaned = clean_article(article)
    assert "& mdash;" not in cleaned.text and "& nbsp;" not in cleaned.text
    assert "& ndash;" not in cleaned.text
    for para in _paragraphs(cleaned.text):
        if "“" in para and "''" in para:
            assert para.index("''") < para.index("“"), "no “ ... '' pair survives"
    _assert_maps_back(article.raw_text, cleaned)
    assert cleaned.dropped_lines == sum(1 for ln in article.raw_text.splitlines()
                                        if ln.strip()) - len(_paragraphs(cleaned.text))


@pytest.mark.parametrize("doc_id", DOC_IDS)
def test_corpus_cleaning_is_idempotent(doc_id: str) -> None:
    cleaned = clean_article(_corpus(doc_id))
    again = clean_article(_article(cleaned.text))
    assert again.text == cleaned.text


def test_furniture_is_dropped_and_body_kept() -> None:
    texts = {d: clean_article(_corpus(d)).text for d in DOC_IDS}
    paragraphs = {d: _paragraphs(t) for d, t in texts.items()}
    # 000: breadcrumb, label, byline and comment widgets go; the lead stays
    assert "Kremlin" not in paragraphs["000_d6c6155466720481"]
    assert not any(p.startswith("Home »") for p in paragraphs["000_d6c6155466720481"])
    assert "by alex" not in texts["000_d6c6155466720481"]
    assert paragraphs["000_d6c6155466720481"][1].startswith("The new CSTO rules")
    assert "Leave a Comment" not in texts["000_d6c6155466720481"]
    # 001: the lone "." and the promo line after "You may also like"
    assert paragraphs["001_a07726657dcd6f69"][-1].startswith("Hours later")
    # 002: menus, UI strings in another script, sign-off and counters; the P.S. stays
    assert paragraphs["002_b355f01e7a83066b"][-1].startswith("P.S. According")
    assert "Ссылка" not in texts["002_b355f01e7a83066b"]
    assert "Views" not in texts["002_b355f01e7a83066b"]
    # 003: trailer, bio and archive lists go; the syndicated byline goes to metadata
    text003 = texts["003_f866f8617738da58"]
    assert "Globetrotter" not in text003 and "Australian-American journalist" not in text003
    assert "June 2022" not in text003 and "Recent Posts" not in text003
    assert paragraphs["003_f866f8617738da58"][-1].startswith("The CSTO has proven")
    # 004: the sub-heading is body; the comment form is not
    assert paragraphs["004_1bb8f61e5306e125"][1] == (
        "Will strengthen combat experience and military power")
    assert "Your email address" not in texts["004_1bb8f61e5306e125"]


def test_unclosed_quote_stays_unclosed() -> None:
    text = clean_article(_corpus("003_f866f8617738da58")).text
    assert "“[accomplish] both military and special tasks." in text


def test_decisions_explain_bio_and_trailer() -> None:
    decisions = classify_lines(_corpus("003_f866f8617738da58"))
    reasons = {d.text[:30]: (d.label, d.reason) for d in decisions}
    assert reasons["This article was produced by G"] == ("trailer", "trailer")
    assert reasons["John P. Ruehl is an Australian"] == ("bio", "bio")
    assert reasons["By Susan T. Johnson"] == ("byline", "byline")
    labels = [d.label for d in decisions]
    assert labels.count("title") == 1


def test_evaluation_against_gold_lines() -> None:
    assert (GOLD / "metadata.jsonl").exists(), "the cleaning gold belongs in annotations/clean"
    result = evaluate_cleaning(GOLD, CORPUS)
    assert result["lines"]["precision"] >= 0.98
    assert result["lines"]["recall"] >= 0.98
    n = result["metadata"]["articles"]
    assert n == 5 and result["metadata"]["all_fields"] == n
    assert result["damage"] == {"broken_entities": 0, "unpaired_quotes": 0}
    assert "body-line precision" in format_cleaning_report(result, 0.999)


# --- single-article behaviour --------------------------------------------------------


CLEAN_NEWS = """Pence: Clinton campaign 'insult-driven.'

Mike Pence said on Sunday that the campaign of Hillary Clinton had become an insult-driven \
effort, and that voters would see through it when they went to the polls in November.

"I don't think so," he said.

The governor said the ticket would keep its focus on jobs, on the economy and on national \
security, which he called the issues that matter most to the American people this year.

Partial transcript as follows:

"We're going to win."
"""


def test_clean_news_passes_unharmed() -> None:
    cleaned = clean_article(_article(CLEAN_NEWS))
    assert _paragraphs(cleaned.text) == [p for p in CLEAN_NEWS.split("\n\n") if p.strip()
                                         for p in [p.strip()]]
    assert cleaned.dropped_lines == 0
    assert cleaned.title == "Pence: Clinton campaign 'insult-driven.'"


WORDPRESS_PAGE = """Skip to content
My News Site
Menu
Home
World
Search for:
Putin says NATO expansion threatens Russia
Posted on March 3, 2022 by Jane Roe
Russian President Vladimir Putin said on Thursday that the expansion of the alliance to the \
east was a direct threat to the security of his country, and that Moscow would answer it.
"We will respond," he said.
The Kremlin did not say what form such a response would take, but officials in Brussels said \
they were watching troop movements near the border with growing concern.
Share this:
Twitter
Like this:
Leave a Reply Cancel reply
Your email address will not be published. Required fields are marked *
Name *
Save my name, email, and website in this browser for the next time I comment.
© 2022 My News Site. All rights reserved.
"""

WIRE_PAGE = """WORLD NEWS TODAY
Subscribe | Log in
Europe › Russia › Kremlin rejects ceasefire plan

Kremlin rejects ceasefire plan

By Ivan Petrov and Maria Lopez | 12 March 2023

Updated 14:05 GMT

The Kremlin on Sunday rejected a ceasefire plan put forward by a group of African leaders, \
saying the proposal did not take into account the "realities on the ground".

Peskov told reporters the plan was "difficult to implement".

Read more: Ukraine war latest

Officials in Kyiv said the plan had never been discussed with them, and that any talks would \
have to start with the withdrawal of all Russian forces.

Ivan Petrov is a correspondent for World News Today based in Moscow.

Most read
1. Ten things to know about the war
2. Why the ruble fell again
Copyright 2023 World News Today. All rights reserved.
"""

COMMENTS_PAGE = """The Daily Example
News
Opinion
Business
Russia to hold snap drills with CSTO allies
Jan. 9, 2022
Russia will hold snap military drills with its CSTO allies next month, the Defense Ministry \
said on Sunday, as tensions with the West over Ukraine remain high.
ADVERTISEMENT
"This is a routine exercise," a spokesman said.
Comments (2)
John123 says:
January 10, 2022 at 5:00 pm
This is just the beginning, mark my words. They will never leave Kazakhstan now that they \
are there, and everybody knows it.
Reply
"""


@pytest.mark.parametrize(("page", "body", "metadata"), [
    (WORDPRESS_PAGE, ["Putin says NATO", "Russian President", '"We will respond,"',
                      "The Kremlin did not"],
     (["Jane Roe"], "2022-03-03", "My News Site")),
    (WIRE_PAGE, ["Kremlin rejects", "The Kremlin on Sunday", "Peskov told", "Officials in Kyiv"],
     (["Ivan Petrov", "Maria Lopez"], "2023-03-12", "World News Today")),
    (COMMENTS_PAGE, ["Russia to hold", "Russia will hold", '"This is a routine'],
     ([], "2022-01-09", None)),
])
def test_page_shapes_written_for_the_case(page: str, body: list[str], metadata: tuple) -> None:
    cleaned = clean_article(_article(page))
    paragraphs = _paragraphs(cleaned.text)
    assert len(paragraphs) == len(body)
    for para, start in zip(paragraphs, body, strict=True):
        assert para.startswith(start)
    assert (cleaned.authors, cleaned.published, cleaned.publisher) == metadata
    assert cleaned.title == paragraphs[0]
    _assert_maps_back(page, cleaned)


def test_article_fields_win_over_found_metadata() -> None:
    raw = _read(CORPUS / "003_f866f8617738da58.txt")
    article = _article(raw, title="Given title", authors=["Given Author"],
                       published="2020-01-01", publisher="Given Press")
    cleaned = clean_article(article)
    assert (cleaned.title, cleaned.authors, cleaned.published, cleaned.publisher) == (
        "Given title", ["Given Author"], "2020-01-01", "Given Press")
    assert "The Russian-led military alliance, the Collective" in cleaned.text


def test_given_title_marks_the_headline_line() -> None:
    raw = _read(CORPUS / "000_d6c6155466720481.txt")
    title = "The Kremlin's New Army: What Has Russia Come Up With This Time?"
    cleaned = clean_article(_article(raw, title=title))
    assert _paragraphs(cleaned.text)[0] == title


def test_batch_statistics_drop_lines_repeated_across_articles() -> None:
    footer = "Our newsroom brings you the stories that matter from the region every day."
    body = ("The alliance said on Monday that it would send troops to the region, and that "
            "the members of the bloc had agreed to the plan at a meeting in the capital. ")
    texts = [f"Headline number {i} about the alliance\n\n{body * 2}\n\n{footer}\n"
             for i in range(5)]
    batch = BatchLineStats.from_texts(texts)
    assert batch.n_docs == 5 and batch.doc_frequency(footer) == 5
    assert footer in clean_article(_article(texts[0])).text
    assert footer not in clean_article(_article(texts[0]), batch).text
    merged = BatchLineStats.from_texts(texts[:2]).merge(BatchLineStats.from_texts(texts[2:]))
    assert merged.doc_frequency(footer) == 5


def test_empty_and_furniture_only_inputs() -> None:
    for raw in ("", "\n\n  \n", "Share\nPrint\nFollow us on Instagram\n"):
        cleaned = clean_article(_article(raw))
        assert cleaned.text == ""
        assert cleaned.offsets.to_raw(0, 0) == (0, 0)


def test_long_single_line_is_cleaned_and_mapped() -> None:
    sentence = ("The CSTO exercise “ Indestructible Brotherhood '' was held & mdash; "
                "in the Central Asian region, the ministry said. ")
    raw = "A very long line\n\n" + sentence * 4000
    cleaned = clean_article(_article(raw))
    assert "& mdash;" not in cleaned.text and "“Indestructible Brotherhood”" in cleaned.text
    _assert_maps_back(raw, cleaned)


def test_html_is_extracted_with_trafilatura() -> None:
    pytest.importorskip("trafilatura")
    page = """<html><head><title>Alliance news</title>
<meta name="author" content="Jane Doe"><meta property="og:site_name" content="Example News">
<meta property="article:published_time" content="2022-06-08"></head><body>
<nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>The alliance sends troops</h1>
<p>The alliance said on Monday that it would send troops to the region, and that the members
of the bloc had agreed to the plan at a meeting in the capital &amp; beyond.</p>
<p>“ We are ready '', the secretary general told reporters after the meeting ended.</p>
</article><footer>© 2025 Example News. All rights reserved.</footer></body></html>"""
    text, meta = html_to_text(page)
    assert meta["authors"] == ["Jane Doe"] and meta["published"] == "2022-06-08"
    assert "The alliance said on Monday" in text
    cleaned = clean_article(_article(page, format="html"))
    assert cleaned.title == "The alliance sends troops"
    assert cleaned.authors == ["Jane Doe"]
    assert "“We are ready”" in cleaned.text
    assert "<p>" not in cleaned.text


# --- properties on arbitrary text ------------------------------------------------------

_PIECES = st.sampled_from([
    "\n", "\n\n", "\r\n", "\r", " ", "  ", "\t", "\xa0", "\u200b", "“", "”", "''", "``", "'",
    '"', "& mdash;", "& nbsp;", "&amp;", "&#8212;", "Ã©", "©", "•", "1.", "»", ".", ",", "?",
    ":", "By John Smith", "by alex", "January 29, 2022", "Share", "Leave a Reply",
    "Related posts:", "Home » ", "Views: 12", "Ссылка", "the", " of the ", "said",
    "The alliance said on Monday that it would send troops to the region. ",
])
_WORDS = st.sampled_from(["the", "of", "and", "to", "Russia", "CSTO", "said", "alliance",
                          "is", "a", "“", "''", "& mdash;", "Share", "by", "Home", "•", "2022",
                          "June", "29,", "0", "—", "it", "that", "\xa0", "Ã©"])
_LINE = st.tuples(st.sampled_from(["", "• ", "1. ", "By ", "  "]),
                  st.lists(_WORDS, max_size=50).map(" ".join),
                  st.sampled_from(["", ".", "?", ":", "”", "''"])).map("".join)
_PAGES = st.lists(st.tuples(_LINE, st.sampled_from(["\n", "\n\n", "\r\n"])), max_size=20).map(
    lambda parts: "".join(a + b for a, b in parts))
_TEXTS = st.one_of(st.text(max_size=200),
                   st.lists(_PIECES | st.text(max_size=6), max_size=50).map("".join),
                   _PAGES)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_TEXTS)
def test_property_offsets_map_back_to_the_raw_text(raw: str) -> None:
    cleaned = clean_article(_article(raw))
    _assert_maps_back(raw, cleaned)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_TEXTS)
def test_property_cleaning_is_idempotent(raw: str) -> None:
    once = clean_article(_article(raw)).text
    assert clean_article(_article(once)).text == once


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_property_repair_is_idempotent_and_single_line(raw: str) -> None:
    fixed = repair_text(raw)
    assert repair_text(fixed) == fixed
    assert "\n" not in fixed and "\r" not in fixed


def test_gold_metadata_file_matches_expectations() -> None:
    path = GOLD / "metadata.jsonl"
    assert path.exists(), "the cleaning gold belongs in annotations/clean"
    for row in path.read_text(encoding="utf-8").splitlines():
        record = json.loads(row)
        assert tuple(record[k] for k in ("title", "authors", "published", "publisher")) == (
            EXPECTED_METADATA[record["doc_id"]])
