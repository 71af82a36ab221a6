"""Review page: a run directory in, one self-contained static HTML file out.

In: a run's articles.jsonl, claims.jsonl, clusters.jsonl, sources.jsonl (derived from the
claims when absent) and manifest.json. Out: one HTML file that opens from disk with no
network (a Content-Security-Policy forbids every fetch): the list of articles (title,
publisher, date, claim counts); each article's cleaned text with every claim highlighted
(source, cue and content in distinct colours, the content tagged with its kind); a claim's
details on click (canonical source, type, confidence, cluster, links to the cluster's other
members); a clusters view (members across articles, sources, publishers, first date); a
sources view (each canonical source with its claims); and filters by source, kind,
attribution and minimum confidence that every view obeys.

Why it is built this way:
- The highlighted text is spaCy's displaCy entity markup (`displacy.render(style="ent",
  manual=True)`, the ecosystem's convention for spans in text), which escapes the text and
  keeps line breaks. displaCy's entity style cannot overlap spans, and claims do overlap
  (one claim's content holds another's source), so the text is first cut at every span
  boundary and line break into elementary pieces; each piece is one displaCy "entity" whose
  template (`_PIECE`) records every claim part covering it, innermost first. A click picks
  the innermost visible claim and cycles outward on repeated clicks.
- What displaCy cannot do, the interactivity, is vanilla JavaScript and CSS inlined in the
  page; the data (articles with their markup, claims, clusters, sources) is one JSON script
  tag, with `<`, `>` and `&` written as \\u escapes so no text can close the tag. Every
  other string reaches the page through `textContent`, never as markup.
- One article's markup is in the DOM at a time, so the page stays quick on large runs; its
  size is about three times the run's cleaned text.
"""

from __future__ import annotations

import html
import json
import re
from collections import defaultdict
from pathlib import Path

from spacy import displacy

from pipeline.schema import (
    ArticleRecord,
    ClaimRecord,
    ClusterRecord,
    Manifest,
    SourceRecord,
)

#: displaCy entity template for one piece of text: `parts` lists "claim_id:role" of every
#: claim part covering it (innermost first), `tags` the labels of the parts ending here.
_PIECE = ('<mark class="claim r-{role}" data-parts="{parts}">{text}{tags}</mark>')
_LINE = re.compile(r"[^\n]+")
ROLES = ("source", "cue", "content")


def _read_jsonl(path: Path, model: type) -> list:
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as handle:
        return [model.model_validate_json(line) for line in handle if line.strip()]


def _claim_parts(claim: ClaimRecord) -> list[tuple[int, int, str]]:
    parts = ([(claim.source.start, claim.source.end, "source")]
             if claim.source.start is not None else [])  # an author's fact: the byline
    if claim.cue:
        parts.append((claim.cue.start, claim.cue.end, "cue"))
    parts.extend((p.start, p.end, "content") for p in claim.content.parts or [claim.content])
    return [p for p in parts if p[1] > p[0]]


def _tag(claim: ClaimRecord, role: str) -> str:
    label = claim.kind if role == "content" else role
    return (f'<span class="tag t-{role}" data-claim="{claim.claim_id}">'
            f"{html.escape(label)}</span>")


def article_markup(text: str, claims: list[ClaimRecord]) -> str:
    """The article's text as displaCy entity markup, every claim part highlighted."""
    parts = []  # (start, end, role, claim)
    for claim in claims:
        claim_parts = _claim_parts(claim)
        last_content = max((p for p in claim_parts if p[2] == "content"), default=None,
                           key=lambda p: p[1])
        for part in claim_parts:
            tagged = part[2] != "content" or part == last_content
            parts.append((part[0], part[1], part[2], claim, tagged))
    points = sorted({p[0] for p in parts} | {p[1] for p in parts})
    starting: dict[int, list] = defaultdict(list)
    for part in parts:
        starting[part[0]].append(part)
    active: list = []  # parts covering the current piece (a sweep over the boundaries)
    ents = []
    for a, b in zip(points, points[1:], strict=False):
        active = [p for p in active if p[1] > a] + starting[a]
        covering = sorted(active, key=lambda p: (p[1] - p[0], ROLES.index(p[2])))
        if not covering:
            continue
        lines = list(_LINE.finditer(text, a, b))
        for n, line in enumerate(lines):
            ending = [p for p in covering if p[1] == b and p[4]] if n == len(lines) - 1 else []
            ents.append({
                "start": line.start(), "end": line.end(), "label": "CLAIM",
                "params": {
                    "role": covering[0][2],
                    "parts": " ".join(f"{p[3].claim_id}:{p[2]}" for p in covering),
                    "tags": "".join(_tag(p[3], p[2]) for p in ending),
                },
            })
    return displacy.render({"text": text, "ents": ents, "title": None}, style="ent",
                           manual=True, page=False, jupyter=False,
                           options={"template": _PIECE}).strip()


def _sources_from_claims(claims: list[ClaimRecord]) -> list[SourceRecord]:
    """sources.jsonl's records rebuilt from the claims, for a run that lacks the file."""
    grouped: dict[str, list[ClaimRecord]] = defaultdict(list)
    for claim in claims:
        grouped[claim.source.canonical].append(claim)
    return [SourceRecord(canonical=name, type=group[0].source.type,
                         named=any(c.source.named for c in group),
                         aliases=sorted({c.source.text for c in group}),
                         roles=sorted({c.source.role for c in group if c.source.role}),
                         doc_ids=sorted({c.doc_id for c in group}), n_claims=len(group))
            for name, group in sorted(grouped.items())]


def review_data(run_dir: Path) -> dict:
    """Everything the page shows, as one JSON-ready dict."""
    articles = _read_jsonl(run_dir / "articles.jsonl", ArticleRecord)
    claims = _read_jsonl(run_dir / "claims.jsonl", ClaimRecord)
    clusters = _read_jsonl(run_dir / "clusters.jsonl", ClusterRecord)
    sources = _read_jsonl(run_dir / "sources.jsonl", SourceRecord) or _sources_from_claims(claims)
    manifest = (Manifest.model_validate_json((run_dir / "manifest.json").read_text("utf-8"))
                if (run_dir / "manifest.json").exists() else None)

    by_doc: dict[str, list[ClaimRecord]] = defaultdict(list)
    for claim in claims:
        by_doc[claim.doc_id].append(claim)
    article_of = {a.doc_id: a for a in articles}
    return {
        "run": {
            "name": run_dir.resolve().name,
            "model": f"{manifest.model_name} {manifest.model_version}" if manifest else None,
            "finished": manifest.finished if manifest else None,
            "completed": manifest.completed if manifest else None,
            "counts": dict(manifest.counts) if manifest else {},
        },
        "articles": [{
            "doc_id": a.doc_id, "title": a.title, "publisher": a.publisher,
            "published": a.published, "authors": a.authors, "url": a.url, "path": a.path,
            "n_claims": a.n_claims, "claims": [c.claim_id for c in by_doc[a.doc_id]],
            "html": article_markup(a.text, by_doc[a.doc_id]),
        } for a in articles],
        "claims": [{
            "id": c.claim_id, "doc_id": c.doc_id, "kind": c.kind, "attribution": c.attribution,
            "confidence": c.confidence, "cluster_id": c.cluster_id,
            "source": {"text": c.source.text, "canonical": c.source.canonical,
                       "type": c.source.type, "named": c.source.named, "role": c.source.role},
            "cue": {"text": c.cue.text, "lemma": c.cue.lemma} if c.cue else None,
            "content": c.content.text,
            "entities": sorted({e.canonical or e.text for e in c.entities}),
        } for c in claims],
        "clusters": [{
            "id": k.cluster_id, "text": k.text, "claims": k.claim_ids, "doc_ids": k.doc_ids,
            "sources": k.sources, "n_articles": k.n_articles,
            "publishers": sorted({p for d in k.doc_ids
                                  if (p := getattr(article_of.get(d), "publisher", None))}),
            "first_date": min((p for d in k.doc_ids
                               if (p := getattr(article_of.get(d), "published", None))),
                              default=None),
        } for k in clusters],
        "sources": [s.model_dump(mode="json") for s in sources],
    }


def _json_for_script(data: dict) -> str:
    """JSON that cannot end its <script> element or open a comment inside it."""
    return (json.dumps(data, ensure_ascii=False, separators=(",", ":"))
            .replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def render_page(data: dict) -> str:
    """The complete HTML document for `review_data`'s result."""
    fills = {"TITLE": html.escape(f"Claims review: {data['run']['name']}"),
             "STYLE": _STYLE, "SCRIPT": _SCRIPT, "DATA": _json_for_script(data)}
    # one pass, so nothing a fill contains is ever taken for a placeholder
    return re.sub(r"__(TITLE|STYLE|SCRIPT|DATA)__", lambda m: fills[m.group(1)], _PAGE)


def write_review(run_dir: Path, output: Path) -> dict[str, int]:
    """Write the review page of `run_dir` to `output`; returns what it holds."""
    data = review_data(run_dir)
    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = output.with_name(f".{output.name}.tmp")
    tmp.write_text(render_page(data), encoding="utf-8")
    tmp.replace(output)
    return {"articles": len(data["articles"]), "claims": len(data["claims"]),
            "clusters": len(data["clusters"])}


_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy"
      content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<title>__TITLE__</title>
<style>__STYLE__</style>
</head>
<body>
<header id="top">
  <h1>__TITLE__</h1>
  <span id="run-summary"></span>
  <nav id="tabs">
    <a href="#articles" data-view="articles">Articles</a>
    <a href="#clusters" data-view="clusters">Clusters</a>
    <a href="#sources" data-view="sources">Sources</a>
  </nav>
</header>
<form id="filters" onsubmit="return false">
  <label>Source <select id="f-source"><option value="">all sources</option></select></label>
  <fieldset id="f-kind"><legend>Kind</legend></fieldset>
  <fieldset id="f-attribution"><legend>Attribution</legend></fieldset>
  <label>Min. confidence
    <input id="f-confidence" type="range" min="0" max="1" step="0.05" value="0">
    <output id="f-confidence-value">0.00</output></label>
  <button id="f-reset" type="button">Reset</button>
  <span id="f-summary"></span>
</form>
<div id="layout">
  <aside id="article-list" aria-label="Articles"></aside>
  <main id="view"></main>
  <aside id="detail" aria-label="Claim details">
    <p class="hint">Click a highlighted claim to see its source, cue, confidence and
    cluster.</p>
  </aside>
</div>
<script id="review-data" type="application/json">__DATA__</script>
<script>__SCRIPT__</script>
</body>
</html>
"""

_STYLE = """
:root { --source: #bcd4ff; --source-b: #2f6fdf; --cue: #ffd699; --cue-b: #d98200;
        --content: #d4f0d8; --content-b: #2e9a4c; --ink: #1f2328; --muted: #5e6670;
        --line: #d8dde3; --bg: #f6f7f9; --sel: #c2185b; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
       color: var(--ink); background: var(--bg); height: 100vh; display: flex;
       flex-direction: column; }
header { display: flex; align-items: baseline; gap: 1.2em; padding: .6em 1em;
         background: #24292f; color: #fff; flex-wrap: wrap; }
header h1 { font-size: 1.1em; margin: 0; }
#run-summary { color: #c9d1d9; font-size: .9em; }
#tabs { margin-left: auto; display: flex; gap: .3em; }
#tabs a { color: #c9d1d9; text-decoration: none; padding: .2em .7em; border-radius: 4px; }
#tabs a.active { background: #fff; color: #24292f; font-weight: 600; }
#filters { display: flex; flex-wrap: wrap; align-items: center; gap: .4em 1.2em;
           padding: .5em 1em; background: #fff; border-bottom: 1px solid var(--line); }
#filters fieldset { border: 0; padding: 0; margin: 0; display: flex; gap: .6em; }
#filters legend { float: left; margin-right: .5em; font-weight: 600; }
#filters label { white-space: nowrap; }
#filters select { max-width: 18em; }
#f-summary { color: var(--muted); font-size: .9em; }
#layout { display: grid; grid-template-columns: 17em minmax(0, 1fr) 22em;
          flex: 1; min-height: 0; }
#layout > * { overflow-y: auto; padding: .8em 1em; }
#article-list { border-right: 1px solid var(--line); background: #fff; padding: 0; }
.article-item { display: block; width: 100%; text-align: left; border: 0;
                border-bottom: 1px solid var(--line); background: none; padding: .6em .9em;
                font: inherit; cursor: pointer; color: inherit; }
.article-item:hover { background: #f0f3f7; }
.article-item.active { background: #e7effc; box-shadow: inset 3px 0 0 var(--source-b); }
.article-item .a-title { font-weight: 600; display: block; line-height: 1.3; }
.article-item .a-meta, .meta { color: var(--muted); font-size: .85em; }
.count { font-weight: 600; color: var(--ink); }
main { background: #fff; }
main h2 { margin: .2em 0 .2em; font-size: 1.35em; line-height: 1.25; }
.legend { display: flex; gap: 1em; font-size: .85em; margin: .6em 0; color: var(--muted); }
.legend span::before { content: ""; display: inline-block; width: .9em; height: .9em;
                       margin-right: .3em; vertical-align: -.1em; border-radius: 2px; }
.legend .l-source::before { background: var(--source); border: 1px solid var(--source-b); }
.legend .l-cue::before { background: var(--cue); border: 1px solid var(--cue-b); }
.legend .l-content::before { background: var(--content); border: 1px solid var(--content-b); }
.article-text .entities { line-height: 2 !important; font-size: 1.02em; max-width: 48em; }
mark.claim { padding: .12em .1em; border-radius: 3px; cursor: pointer; color: inherit; }
mark.r-source { background: var(--source); box-shadow: inset 0 -2px 0 var(--source-b); }
mark.r-cue { background: var(--cue); box-shadow: inset 0 -2px 0 var(--cue-b); }
mark.r-content { background: var(--content); }
mark.claim.off { background: none; box-shadow: none; padding: 0; cursor: auto; }
mark.claim.selected { outline: 2px solid var(--sel); outline-offset: 0; }
.tag { font-size: .68em; font-weight: 700; text-transform: uppercase; letter-spacing: .03em;
       margin-left: .35em; padding: 0 .3em; border-radius: 3px; vertical-align: .15em;
       color: #fff; }
.tag.t-source { background: var(--source-b); }
.tag.t-cue { background: var(--cue-b); }
.tag.t-content { background: var(--content-b); }
.tag[hidden] { display: none; }
#detail { border-left: 1px solid var(--line); background: #fbfbfc; }
#detail h3 { margin: .1em 0 .4em; font-size: 1em; color: var(--muted);
             text-transform: uppercase; letter-spacing: .05em; }
#detail .canonical { font-size: 1.3em; font-weight: 700; margin: .1em 0 .4em; }
#detail dl { display: grid; grid-template-columns: max-content 1fr; gap: .2em .8em;
             margin: .4em 0; font-size: .92em; }
#detail dt { color: var(--muted); }
#detail dd { margin: 0; }
blockquote { margin: .5em 0; padding: .4em .7em; border-left: 3px solid var(--content-b);
             background: #fff; }
.hint { color: var(--muted); }
.card { border: 1px solid var(--line); border-radius: 6px; padding: .6em .9em;
        margin: 0 0 .8em; background: #fff; }
.card h3 { margin: 0 0 .3em; font-size: 1.05em; }
.members { margin: .4em 0 0; padding-left: 1.2em; }
.members li { margin: .25em 0; }
a.claim-link { color: #0b57d0; }
.badge { display: inline-block; font-size: .75em; padding: 0 .45em; border-radius: 9px;
         background: #eef1f4; color: var(--muted); margin-left: .3em; }
.empty { color: var(--muted); font-style: italic; }
"""

_SCRIPT = r"""
"use strict";
const DATA = JSON.parse(document.getElementById("review-data").textContent);
const CLAIMS = DATA.claims, ARTICLES = DATA.articles, CLUSTERS = DATA.clusters;
const SOURCES = DATA.sources;
const CLAIM = new Map(CLAIMS.map(c => [c.id, c]));
const ARTICLE = new Map(ARTICLES.map(a => [a.doc_id, a]));
const CLUSTER = new Map(CLUSTERS.map(k => [k.id, k]));
const KINDS = ["direct", "mixed", "indirect", "assertion"];
const ATTRIBUTIONS = ["reported", "author", "unsourced"];
const state = { view: "articles", doc: ARTICLES.length ? ARTICLES[0].doc_id : null,
                claim: null, source: "", kinds: new Set(KINDS),
                attributions: new Set(ATTRIBUTIONS), min: 0,
                acrossOnly: CLUSTERS.some(k => k.n_articles > 1) };
const $ = id => document.getElementById(id);

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") node.className = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? "" : v);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

function visible(id) {
  const c = CLAIM.get(id);
  return !!c && (!state.source || c.source.canonical === state.source)
    && state.kinds.has(c.kind) && state.attributions.has(c.attribution)
    && c.confidence >= state.min - 1e-9;
}

function articleTitle(a) { return a.title || a.doc_id; }
function shorten(text, n) { return text.length > n ? text.slice(0, n - 1) + "\u2026" : text; }
function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }

function claimLink(c, withDoc) {
  const a = ARTICLE.get(c.doc_id);
  return el("li", {},
    el("a", { href: "#claim=" + encodeURIComponent(c.id), class: "claim-link" },
       withDoc ? articleTitle(a) : c.source.canonical || "(no source)"),
    withDoc ? el("span", { class: "meta" }, " \u2014 " + [a.publisher, a.published, a.doc_id]
                 .filter(Boolean).join(", ")) : null,
    el("div", {}, el("b", {}, c.source.text || "(no source)"), " \u2014 ",
       c.cue ? el("i", {}, c.cue.text) : "",
       c.cue ? " \u2014 " : "", "\u201c" + shorten(c.content, 220) + "\u201d",
       el("span", { class: "badge" }, c.kind + " \u00b7 " + c.confidence.toFixed(2))));
}

// --- filters -------------------------------------------------------------------------
function buildFilters() {
  const select = $("f-source");
  const counts = new Map();
  for (const c of CLAIMS) {  // an unsourced report has no name to filter by
    const name = c.source.canonical;
    if (name) counts.set(name, (counts.get(name) || 0) + 1);
  }
  [...counts.keys()].sort((a, b) => a.localeCompare(b)).forEach(name =>
    select.append(el("option", { value: name }, name + " (" + counts.get(name) + ")")));
  select.addEventListener("change", () => { state.source = select.value; refresh(); });
  const boxes = (holder, values, set) => values.forEach(v => holder.append(
    el("label", {}, el("input", { type: "checkbox", value: v, checked: true, name: holder.id,
       onchange: e => { e.target.checked ? set.add(v) : set.delete(v); refresh(); } }), " " + v)));
  boxes($("f-kind"), KINDS, state.kinds);
  boxes($("f-attribution"), ATTRIBUTIONS, state.attributions);
  const range = $("f-confidence");
  range.addEventListener("input", () => { state.min = parseFloat(range.value); refresh(); });
  $("f-reset").addEventListener("click", () => {
    state.source = ""; select.value = ""; state.min = 0; range.value = "0";
    KINDS.forEach(k => state.kinds.add(k)); ATTRIBUTIONS.forEach(k => state.attributions.add(k));
    document.querySelectorAll("#filters input[type=checkbox]").forEach(b => { b.checked = true; });
    refresh();
  });
}

// --- article list and article view ------------------------------------------------------
function renderList() {
  const list = $("article-list");
  list.replaceChildren(...ARTICLES.map(a => {
    const shown = a.claims.filter(visible).length;
    return el("button", { type: "button", "data-doc": a.doc_id,
                          class: "article-item" + (a.doc_id === state.doc &&
                                 state.view === "articles" ? " active" : ""),
                          onclick: () => { location.hash = "doc=" + encodeURIComponent(
                            a.doc_id); } },
      el("span", { class: "a-title" }, articleTitle(a)),
      el("span", { class: "a-meta" }, [a.publisher || "unknown publisher",
                                        a.published || "no date"].join(" \u00b7 ")),
      el("div", { class: "a-meta" }, el("span", { class: "count" },
         shown === a.n_claims ? plural(a.n_claims, "claim") : shown + " of " +
         plural(a.n_claims, "claim") + " shown")));
  }));
}

function renderArticle() {
  const a = ARTICLE.get(state.doc);
  const view = $("view");
  if (!a) { view.replaceChildren(el("p", { class: "empty" }, "No article in this run.")); return; }
  const text = el("div", { class: "article-text", "data-doc": a.doc_id });
  text.innerHTML = a.html;  // displaCy markup: every text escaped by displaCy
  view.replaceChildren(
    el("article", {},
      el("h2", {}, articleTitle(a)),
      el("div", { class: "meta" }, [a.publisher, a.published, a.authors.join(", "), a.doc_id]
         .filter(Boolean).join(" \u00b7 ")),
      el("div", { class: "meta" }, el("span", { class: "count", id: "shown-count" }),
         " of " + plural(a.n_claims, "claim") + " shown"),
      el("div", { class: "legend" }, el("span", { class: "l-source" }, "source"),
         el("span", { class: "l-cue" }, "cue"),
         el("span", { class: "l-content" }, "content (tag: kind)")),
      text));
  text.addEventListener("click", onTextClick);
  applyHighlights();
}

function markParts(mark) {
  return mark.dataset.parts.split(" ").map(p => {
    const [id, role] = p.split(":");
    return { id, role };
  });
}

function applyHighlights() {
  const shownClaims = new Set();
  document.querySelectorAll("#view mark.claim").forEach(mark => {
    const shown = markParts(mark).filter(p => visible(p.id));
    shown.forEach(p => shownClaims.add(p.id));
    mark.dataset.shown = shown.map(p => p.id).join(" ");
    mark.className = "claim " + (shown.length ? "r-" + shown[0].role : "off")
      + (state.claim && shown.some(p => p.id === state.claim) ? " selected" : "");
    mark.querySelectorAll(".tag").forEach(t => { t.hidden = !visible(t.dataset.claim); });
  });
  const counter = $("shown-count");
  if (counter) counter.textContent = String(shownClaims.size);
}

function onTextClick(event) {
  const mark = event.target.closest("mark.claim");
  if (!mark || !mark.dataset.shown) return;
  const ids = mark.dataset.shown.split(" ");
  const at = ids.indexOf(state.claim);
  const id = at >= 0 ? ids[(at + 1) % ids.length] : ids[0];
  location.hash = "claim=" + encodeURIComponent(id);
}

// --- claim details ---------------------------------------------------------------------
function renderDetail() {
  const panel = $("detail");
  const c = state.claim && CLAIM.get(state.claim);
  if (!c) {
    panel.replaceChildren(el("p", { class: "hint" }, "Click a highlighted claim to see its " +
      "source, cue, confidence and cluster."));
    return;
  }
  const k = c.cluster_id && CLUSTER.get(c.cluster_id);
  const others = k ? k.claims.filter(id => id !== c.id).map(id => CLAIM.get(id))
    .filter(Boolean) : [];
  const row = (term, ...value) => [el("dt", {}, term), el("dd", {}, ...value)];
  panel.replaceChildren(
    el("h3", {}, "Claim"),
    el("div", { class: "canonical", id: "detail-canonical" }, c.source.canonical),
    el("dl", {},
      row("as written", "\u201c" + c.source.text + "\u201d"),
      row("type", c.source.type + (c.source.named ? " (named)" : "")),
      c.source.role ? row("role", c.source.role) : null,
      row("cue", c.cue ? c.cue.text + " (lemma: " + c.cue.lemma + ")" : "none"),
      row("kind", c.kind),
      row("attribution", c.attribution),
      row("confidence", c.confidence.toFixed(2)),
      row("cluster", k ? el("a", { href: "#cluster=" + encodeURIComponent(k.id) }, k.id) : "none",
          k ? " \u00b7 " + plural(k.n_articles, "article") : ""),
      c.entities.length ? row("mentions", c.entities.join(", ")) : null),
    el("blockquote", {}, c.content),
    el("h3", {}, "Other members of its cluster"),
    others.length ? el("ul", { class: "members", id: "cluster-members" },
                       others.map(o => claimLink(o, true)))
                  : el("p", { class: "empty" }, "None: no other article carries this claim."));
}

// --- clusters and sources ------------------------------------------------------------------
function renderClusters() {
  const cards = CLUSTERS
    .map(k => ({ k, members: k.claims.filter(visible).map(id => CLAIM.get(id)) }))
    .filter(x => x.members.length && (!state.acrossOnly || x.k.n_articles > 1))
    .sort((x, y) => y.k.n_articles - x.k.n_articles ||
                    (x.k.first_date || "9999").localeCompare(y.k.first_date || "9999") ||
                    x.k.id.localeCompare(y.k.id));
  $("view").replaceChildren(
    el("h2", {}, "Clusters"),
    el("p", { class: "meta" }, "A cluster is one claim with every article that carries it. ",
       el("span", { class: "count", id: "cluster-count" }, plural(cards.length, "cluster")),
       " shown. ",
       el("label", {}, el("input", { type: "checkbox", id: "across-only",
          checked: state.acrossOnly, onchange: e => { state.acrossOnly = e.target.checked;
                                                      renderClusters(); } }),
          " only clusters across articles")),
    ...cards.map(({ k, members }) => el("section", { class: "card cluster", id: "cluster-" + k.id },
      el("h3", {}, "\u201c" + shorten(k.text, 300) + "\u201d"),
      el("div", { class: "meta" }, [plural(k.n_articles, "article"),
         "sources: " + [...new Set(k.sources)].join(", "),
         "publishers: " + (k.publishers.join(", ") || "unknown"),
         "first: " + (k.first_date || "no date"), k.id].join(" \u00b7 ")),
      el("ul", { class: "members" }, members.map(c => claimLink(c, true))))));
}

function renderSources() {
  const cards = SOURCES
    .map(s => ({ s, claims: CLAIMS.filter(c => c.source.canonical === s.canonical
                                             && visible(c.id)) }))
    .filter(x => x.claims.length)
    .sort((x, y) => y.claims.length - x.claims.length
                    || x.s.canonical.localeCompare(y.s.canonical));
  $("view").replaceChildren(
    el("h2", {}, "Sources"),
    el("p", { class: "meta" }, plural(cards.length, "source") + " shown."),
    ...cards.map(({ s, claims }) => el("section", { class: "card source" },
      el("h3", {}, s.canonical, el("span", { class: "badge" }, s.type),
         el("span", { class: "badge" }, plural(claims.length, "claim"))),
      el("div", { class: "meta" }, "written as: " + s.aliases.join(" | ") +
         (s.roles.length ? " \u00b7 roles: " + s.roles.join(" | ") : "")),
      el("ul", { class: "members" }, claims.map(c => claimLink(c, true))))));
}

// --- routing ---------------------------------------------------------------------------------
function route() {
  const hash = decodeURIComponent(location.hash.slice(1));
  const [key, value] = hash.includes("=") ? [hash.slice(0, hash.indexOf("=")),
                                             hash.slice(hash.indexOf("=") + 1)] : [hash, ""];
  let scrollTo = null;
  if (key === "claim" && CLAIM.has(value)) {
    state.view = "articles"; state.claim = value; state.doc = CLAIM.get(value).doc_id;
    scrollTo = "claim";
  } else if (key === "doc" && ARTICLE.has(value)) {
    state.view = "articles";
    if (state.doc !== value) state.claim = null;
    state.doc = value;
  } else if (key === "cluster" && CLUSTER.has(value)) {
    state.view = "clusters"; scrollTo = "cluster-" + value;
  } else if (key === "clusters" || key === "sources") {
    state.view = key;
  } else {
    state.view = "articles";
  }
  render();
  if (scrollTo === "claim") {
    const mark = document.querySelector("#view mark.claim.selected");
    if (mark) mark.scrollIntoView({ block: "center" });
  } else if (scrollTo) {
    const node = document.getElementById(scrollTo);
    if (node) node.scrollIntoView({ block: "start" });
  }
}

function render() {
  document.querySelectorAll("#tabs a").forEach(a =>
    a.classList.toggle("active", a.dataset.view === state.view));
  renderList();
  if (state.view === "clusters") renderClusters();
  else if (state.view === "sources") renderSources();
  else renderArticle();
  renderDetail();
}

function refresh() {
  $("f-confidence-value").textContent = state.min.toFixed(2);
  const shown = CLAIMS.filter(c => visible(c.id)).length;
  $("f-summary").textContent = shown + " of " + plural(CLAIMS.length, "claim") + " shown";
  renderList();
  if (state.view === "articles") applyHighlights();
  else if (state.view === "clusters") renderClusters();
  else renderSources();
}

const counts = DATA.run.counts || {};
$("run-summary").textContent = [plural(ARTICLES.length, "article"),
  plural(CLAIMS.length, "claim"), plural(CLUSTERS.length, "cluster"), DATA.run.model,
  DATA.run.finished, counts.errors ? plural(counts.errors, "error") : null]
  .filter(Boolean).join(" \u00b7 ");
buildFilters();
window.addEventListener("hashchange", route);
route();
refresh();
"""
