"""The review page (pipeline/review.py): its markup and data, then what a reader sees in
headless Chromium (Debian's `chromium`, driven by Playwright)."""

from __future__ import annotations

import html
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import corpus_text, read_jsonl
from pipeline.cli import main
from pipeline.review import review_data

MARKOV_DOC = "002_b355f01e7a83066b"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
HOSTILE = ' Its readers wrote "<b>bold</b> & <i>x</i> <script>window.injected = 1</script>" ' \
          '</script> in reply.'


def _page(run: Path, tmp: Path) -> Path:
    out = tmp / "review.html"
    assert main(["review", str(run), "-o", str(out)]) == 0
    return out


def _visible_text(markup: str) -> str:
    """The text a reader gets from displaCy markup, without the role tags."""
    markup = re.sub(r'<span class="tag[^"]*"[^>]*>.*?</span>', "", markup)
    markup = markup.replace("<br>", "\n")
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def _embedded_data(page: str) -> dict:
    match = re.search(r'<script id="review-data" type="application/json">(.*?)</script>',
                      page, re.S)
    assert match
    return json.loads(match.group(1))


@pytest.fixture(scope="module")
def duplicate_run(tmp_path_factory) -> Path:
    """002 and a copy of it under another name, and 003: claims cluster across articles."""
    folder = tmp_path_factory.mktemp("dups")
    (folder / "corpus").mkdir()
    for doc_id in (MARKOV_DOC, "003_f866f8617738da58"):
        (folder / "corpus" / f"{doc_id}.txt").write_text(corpus_text(doc_id), encoding="utf-8")
    (folder / "corpus" / "002_syndicated.txt").write_text(corpus_text(MARKOV_DOC),
                                                          encoding="utf-8")
    out = folder / "run"
    assert main(["run", str(folder / "corpus"), "-o", str(out), "--quiet"]) == 0
    return out


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory) -> Path:
    """002 with a sentence of markup-like text, quotes and ampersands added to its body."""
    folder = tmp_path_factory.mktemp("hostile")
    (folder / "corpus").mkdir()
    text = corpus_text(MARKOV_DOC)
    anchor = "has not been ignored by the Russian expert community."
    at = text.index(anchor) + len(anchor)
    (folder / "corpus" / "002_hostile.txt").write_text(text[:at] + HOSTILE + text[at:],
                                                       encoding="utf-8")
    out = folder / "run"
    assert main(["run", str(folder / "corpus"), "-o", str(out), "--quiet"]) == 0
    return out


# --- without a browser ---------------------------------------------------------------------


def test_markup_keeps_the_text_and_marks_every_claim(corpus_run: Path) -> None:
    data = review_data(corpus_run)
    articles = {a["doc_id"]: a for a in read_jsonl(corpus_run / "articles.jsonl")}
    claims = read_jsonl(corpus_run / "claims.jsonl")
    assert len(data["articles"]) == len(articles) == 5
    for article in data["articles"]:
        markup = article["html"]
        assert _visible_text(markup) == articles[article["doc_id"]]["text"]
        marked = {part.split(":")[0] for parts in re.findall(r'data-parts="([^"]+)"', markup)
                  for part in parts.split()}
        expected = {c["claim_id"] for c in claims if c["doc_id"] == article["doc_id"]}
        assert marked == expected and len(marked) == article["n_claims"]
        for claim in (c for c in claims if c["doc_id"] == article["doc_id"]):
            roles = {part.split(":")[1]
                     for parts in re.findall(r'data-parts="([^"]+)"', markup)
                     for part in parts.split() if part.startswith(claim["claim_id"])}
            byline = claim["source"]["start"] is None  # an author-voice fact
            assert roles == ({"content"} | (set() if byline else {"source"})
                             | ({"cue"} if claim["cue"] else set()))


def test_page_is_self_contained_and_escaped(hostile_run: Path, tmp_path: Path) -> None:
    page = _page(hostile_run, tmp_path).read_text(encoding="utf-8")
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert not re.search(r"<(script|img|link|iframe)[^>]+(src|href)=", page)
    assert page.count("</script>") == 2  # the data tag and the code, nothing from the text
    data = _embedded_data(page)
    article = read_jsonl(hostile_run / "articles.jsonl")[0]
    assert HOSTILE.strip() in article["text"]
    assert _visible_text(data["articles"][0]["html"]) == article["text"]
    assert "<script>window.injected" not in data["articles"][0]["html"]


def test_clusters_and_sources_data(duplicate_run: Path) -> None:
    data = review_data(duplicate_run)
    clusters = read_jsonl(duplicate_run / "clusters.jsonl")
    assert [k["id"] for k in data["clusters"]] == [k["cluster_id"] for k in clusters]
    across = [k for k in data["clusters"] if k["n_articles"] > 1]
    assert across
    for cluster in across:
        if "003_f866f8617738da58" in cluster["doc_ids"]:  # a fact 002 and 003 both state
            assert cluster["publishers"] == ["Caliber.az", "Ohio POW MIA"]
            assert cluster["first_date"] == "2022-01-29"
        else:  # 002 and its copy
            assert cluster["publishers"] == ["Caliber.az"]
            assert cluster["first_date"] == "2022-06-08"
    assert [s["canonical"] for s in data["sources"]] == \
        [s["canonical"] for s in read_jsonl(duplicate_run / "sources.jsonl")]


# --- in the browser ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"needs Chromium at {CHROMIUM}: install Debian's `chromium` package "
                    "(apt-get install chromium)")
    sync_api = pytest.importorskip(
        "playwright.sync_api",
        reason="needs the PyPI `playwright` package (pip install playwright; it drives the "
               "system chromium, no browser download)")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture()
def open_page(browser):
    pages = []

    def opener(path: Path):
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.errors = []
        page.requests = []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        page.on("request", lambda request: page.requests.append(request.url))
        page.goto(path.as_uri())
        pages.append(page)
        return page

    yield opener
    for page in pages:
        assert page.errors == []
        page.close()


def expect(locator):
    """Playwright's retrying assertions (imported here: only browser tests reach it)."""
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def _shown_claims(page) -> set[str]:
    """Claims the reader sees highlighted: marks that are visible and not switched off."""
    ids: set[str] = set()
    for mark in page.locator("#view mark.claim:not(.off)").all():
        if mark.is_visible():
            ids.update((mark.get_attribute("data-shown") or "").split())
    return ids


def _open_article(page, doc_id: str) -> None:
    """Click the article in the list and wait until its text is on show."""
    page.locator(f'#article-list .article-item[data-doc="{doc_id}"]').click()
    expect(page.locator("#view .article-text")).to_have_attribute("data-doc", doc_id)


def test_every_claim_of_every_article_is_highlighted(corpus_run: Path, tmp_path: Path,
                                                     open_page) -> None:
    path = _page(corpus_run, tmp_path)
    page = open_page(path)
    assert page.requests == [path.as_uri()]  # nothing fetched but the file itself
    for article in read_jsonl(corpus_run / "articles.jsonl"):
        _open_article(page, article["doc_id"])
        assert page.locator("#view h2").inner_text() == article["title"]
        assert len(_shown_claims(page)) == article["n_claims"]
        assert page.locator("#shown-count").inner_text() == str(article["n_claims"])
        tags = page.locator("#view .tag:visible")
        kinds = [c["kind"] for c in read_jsonl(corpus_run / "claims.jsonl")
                 if c["doc_id"] == article["doc_id"]]
        assert sorted(t.lower() for t in tags.all_inner_texts()
                      if t.lower() not in {"source", "cue"}) == sorted(kinds)


def test_clicking_the_markov_claim_shows_its_canonical_source(corpus_run: Path, tmp_path: Path,
                                                              open_page) -> None:
    markov = next(c for c in read_jsonl(corpus_run / "claims.jsonl")
                  if c["doc_id"] == MARKOV_DOC and c["source"]["text"] == "Markov"
                  and c["cue"]["text"] == "believes")
    page = open_page(_page(corpus_run, tmp_path))
    _open_article(page, MARKOV_DOC)
    assert "Sergey Markov" not in page.locator("#detail").inner_text()
    page.locator("#view mark.claim", has_text=re.compile(r"^Markov")).first.click()
    expect(page.locator("#detail-canonical")).to_have_text("Sergey Markov")
    detail = page.locator("#detail").inner_text()
    assert "believes" in detail and "PERSON" in detail and f"{markov['confidence']:.2f}" in detail
    assert markov["cluster_id"] in detail
    selected = page.locator("#view mark.claim.selected")
    assert selected.count() > 1 and all(markov["claim_id"] in (s.get_attribute("data-shown"))
                                        for s in selected.all())


def test_filters_hide_the_claims_they_should(corpus_run: Path, tmp_path: Path,
                                             open_page) -> None:
    claims = [c for c in read_jsonl(corpus_run / "claims.jsonl") if c["doc_id"] == MARKOV_DOC]
    page = open_page(_page(corpus_run, tmp_path))
    _open_article(page, MARKOV_DOC)
    markov_mark = page.locator("#view mark.claim", has_text=re.compile(r"^Markov"))
    assert markov_mark.get_attribute("class").startswith("claim r-source")

    page.locator("#f-kind input[value=direct]").uncheck()
    assert _shown_claims(page) == {c["claim_id"] for c in claims if c["kind"] != "direct"}
    assert "off" in markov_mark.get_attribute("class").split()
    assert page.locator("#view .tag:visible", has_text=re.compile("^direct$")).count() == 0
    page.locator("#f-kind input[value=direct]").check()

    page.locator("#f-source").select_option("Sergey Markov")
    assert _shown_claims(page) == {c["claim_id"] for c in claims
                                   if c["source"]["canonical"] == "Sergey Markov"}
    other = page.locator("#article-list .article-item", has_text="Kremlin's New Army")
    [other_doc] = [a["doc_id"] for a in read_jsonl(corpus_run / "articles.jsonl")
                   if "Kremlin's New Army" in (a["title"] or "")]
    in_other = [c for c in read_jsonl(corpus_run / "claims.jsonl") if c["doc_id"] == other_doc]
    assert f"0 of {len(in_other)} claims shown" in other.inner_text()
    page.locator("#f-reset").click()

    page.locator("#f-confidence").fill("0.9")
    assert _shown_claims(page) == {c["claim_id"] for c in claims if c["confidence"] >= 0.9}
    page.locator("#f-attribution input[value=reported]").uncheck()
    assert _shown_claims(page) == set()
    page.locator("#f-reset").click()
    assert len(_shown_claims(page)) == len(claims)


def test_cluster_members_link_across_articles(duplicate_run: Path, tmp_path: Path,
                                              open_page) -> None:
    claims = read_jsonl(duplicate_run / "claims.jsonl")
    copy = next(c for c in claims if c["doc_id"] == "002_syndicated"
                and c["source"]["text"] == "Markov" and c["cue"]["text"] == "believes")
    original = next(c for c in claims if c["doc_id"] == MARKOV_DOC
                    and c["cluster_id"] == copy["cluster_id"])
    page = open_page(_page(duplicate_run, tmp_path))
    _open_article(page, "002_syndicated")
    page.locator("#view mark.claim", has_text=re.compile(r"^Markov")).first.click()
    expect(page.locator("#detail-canonical")).to_have_text("Sergey Markov")
    members = page.locator("#cluster-members li")
    assert members.count() == 1 and MARKOV_DOC in members.inner_text()
    members.locator("a").click()
    expect(page.locator("#view .article-text")).to_have_attribute("data-doc", MARKOV_DOC)
    assert page.locator("#detail-canonical").inner_text() == "Sergey Markov"
    assert all(original["claim_id"] in s.get_attribute("data-shown")
               for s in page.locator("#view mark.claim.selected").all())

    page.locator("#tabs a[data-view=clusters]").click()
    expect(page.locator("#view h2")).to_have_text("Clusters")
    across = [k for k in read_jsonl(duplicate_run / "clusters.jsonl") if k["n_articles"] > 1]
    cards = page.locator("#view section.cluster")
    assert cards.count() == len(across)
    # the last card holds fewest articles: one of 002 and its copy (the first is the
    # Kazakhstan intervention, which 003 states too)
    assert "publishers: Caliber.az" in cards.last.inner_text()
    assert "first: 2022-06-08" in cards.last.inner_text()
    page.locator("#across-only").uncheck()
    assert cards.count() == len(read_jsonl(duplicate_run / "clusters.jsonl"))


def test_sources_view_lists_each_canonical_source(duplicate_run: Path, tmp_path: Path,
                                                  open_page) -> None:
    sources = read_jsonl(duplicate_run / "sources.jsonl")
    page = open_page(_page(duplicate_run, tmp_path))
    page.locator("#tabs a[data-view=sources]").click()
    expect(page.locator("#view h2")).to_have_text("Sources")
    cards = page.locator("#view section.source")
    assert cards.count() == len(sources)
    markov = cards.filter(has_text="Sergey Markov").first
    expected = next(s for s in sources if s["canonical"] == "Sergey Markov")["n_claims"]
    assert markov.locator("li").count() == expected
    markov.locator("li a").first.click()
    expect(page.locator("#detail-canonical")).to_have_text("Sergey Markov")


def test_markup_in_article_text_is_shown_not_run(hostile_run: Path, tmp_path: Path,
                                                 open_page) -> None:
    page = open_page(_page(hostile_run, tmp_path))
    assert page.evaluate("window.injected === undefined")
    assert page.locator("#view b, #view i, #view script").count() == 0
    shown = page.locator("#view .article-text").evaluate(
        "node => { const copy = node.cloneNode(true);"
        " copy.querySelectorAll('.tag').forEach(t => t.remove()); return copy.textContent; }")
    article = read_jsonl(hostile_run / "articles.jsonl")[0]
    assert shown.strip() == article["text"].replace("\n", "")
    assert HOSTILE.strip() in shown


def test_review_default_output_is_in_the_run(corpus_run: Path, tmp_path: Path) -> None:
    run = tmp_path / "run"
    shutil.copytree(corpus_run, run)
    assert main(["review", str(run)]) == 0
    assert "Claims review: run" in (run / "review.html").read_text(encoding="utf-8")


def test_unsourced_reports_are_shown_and_filtered_without_a_source_name(
        tmp_path: Path, open_page) -> None:
    """A --definition polnear run keeps "... was announced as ..." with no speaker: the page
    marks it, lists no nameless source to filter by, and the attribution box hides it."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / f"{MARKOV_DOC}.txt").write_text(corpus_text(MARKOV_DOC), encoding="utf-8")
    run = tmp_path / "run"
    assert main(["run", str(folder), "-o", str(run), "--quiet",
                 "--definition", "polnear"]) == 0
    claims = read_jsonl(run / "claims.jsonl")
    unsourced = {c["claim_id"] for c in claims if c["attribution"] == "unsourced"}
    assert unsourced
    page = open_page(_page(run, tmp_path))
    _open_article(page, MARKOV_DOC)
    assert unsourced <= _shown_claims(page)
    options = page.locator("#f-source option").all_inner_texts()
    assert options and not [o for o in options if o.startswith(" (")]
    page.locator("#f-attribution input[value=unsourced]").uncheck()
    assert not unsourced & _shown_claims(page)
    assert _shown_claims(page) == {c["claim_id"] for c in claims
                                   if c["attribution"] != "unsourced"}
    assert not page.errors
