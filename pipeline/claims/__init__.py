"""Claims stage: attributions found on a parsed Doc, as output records.

In: a spaCy Doc processed by the `claim_attribution` component and the
`CleanedArticle` it was made from. Out: `ClaimRecord`s with offsets into the
cleaned text and, through the article's offset map, into the raw input.
"""

from __future__ import annotations

import hashlib
from bisect import bisect_left

from spacy.tokens import Doc

from pipeline.claims.attribution import Attribution
from pipeline.claims.author import author_claims
from pipeline.schema import (
    ClaimRecord,
    CleanedArticle,
    ContentSpan,
    CueSpan,
    EntityMention,
    Piece,
    SourceSpan,
)


def _span_fields(cleaned: CleanedArticle, start: int, end: int) -> dict:
    """Offsets of a span of the cleaned text, and of the same words in the raw input."""
    raw_start, raw_end = cleaned.offsets.to_raw(start, end)
    return {"text": cleaned.text[start:end], "start": start, "end": end,
            "raw_start": raw_start, "raw_end": raw_end}


def claim_id(doc_id: str, attribution: Attribution, base: int = 0) -> str:
    """Stable id: the same claim at the same place of the same article gets the same id."""
    key = f"{doc_id}|{base}|{attribution.content}|{attribution.source}|{attribution.cue}"
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def to_records(doc: Doc, cleaned: CleanedArticle, base: int = 0) -> list[ClaimRecord]:
    """Convert the Doc's attributions into schema records (the edge of the spaCy layer).

    `doc` may be one segment of a long article, starting at `base` in its cleaned text.
    """
    doc_id = cleaned.article.doc_id
    canonicals = doc._.entity_canonicals or {}
    records: list[ClaimRecord] = []
    text = doc.text
    # (start, end, label) of each entity, in order: looked up by bisection per claim
    ents = [(e.start_char, e.end_char, e.label_) for e in doc.ents]
    ent_starts = [start for start, _, _ in ents]

    def fields(start: int, end: int) -> dict:
        return _span_fields(cleaned, base + start, base + end)

    def mentions(parts: list[tuple[int, int]]) -> list[EntityMention]:
        found = sorted({i for a, b in parts
                        for i in range(bisect_left(ent_starts, a), bisect_left(ent_starts, b))
                        if ents[i][1] <= b})
        return [EntityMention(text=text[ents[i][0]:ents[i][1]], label=ents[i][2],
                              canonical=canonicals.get(ents[i][:2]),
                              start=base + ents[i][0], end=base + ents[i][1])
                for i in found]

    covered: list[tuple[int, int]] = []
    for attribution in doc._.attributions or []:
        covered.extend(span for span in (attribution.content, attribution.source,
                                         attribution.cue) if span)
        entities = mentions(attribution.parts)
        if attribution.source is None:  # PolNeAR's definition: "is expected to", no speaker
            source = SourceSpan(text="", start=None, end=None, raw_start=None, raw_end=None,
                                canonical="", type="UNKNOWN", named=False)
        else:
            source = SourceSpan(**fields(*attribution.source),
                                canonical=attribution.source_canonical
                                or text[attribution.source[0]:attribution.source[1]],
                                type=attribution.source_type, named=attribution.source_named,
                                role=attribution.source_role,
                                members=attribution.source_members)
        cue = (CueSpan(**fields(*attribution.cue), lemma=attribution.cue_lemma or "")
               if attribution.cue else None)
        content = ContentSpan(**fields(*attribution.content))
        if len(attribution.parts) > 1:
            pieces = [Piece(**{k: v for k, v in fields(a, b).items() if k != "text"})
                      for a, b in attribution.parts]
            content = content.model_copy(update={
                "text": " ".join(text[a:b] for a, b in attribution.parts),
                "parts": pieces})
        records.append(ClaimRecord(
            claim_id=claim_id(doc_id, attribution, base), doc_id=doc_id, kind=attribution.kind,
            attribution="reported" if attribution.source else "unsourced", source=source,
            cue=cue, content=content, confidence=attribution.confidence, entities=entities))
    byline = author_source(cleaned)
    for fact in author_claims(doc, covered):
        content = ContentSpan(**fields(fact.start, fact.end))
        if len(fact.parts) > 1:
            content = content.model_copy(update={
                "text": " ".join(text[a:b] for a, b in fact.parts),
                "parts": [Piece(**{k: v for k, v in fields(a, b).items() if k != "text"})
                          for a, b in fact.parts]})
        key = f"{doc_id}|{base}|author|{fact.start}|{fact.end}"
        records.append(ClaimRecord(
            claim_id=hashlib.sha1(key.encode("utf-8")).hexdigest()[:16], doc_id=doc_id,
            kind="assertion", attribution="author", source=byline, cue=None, content=content,
            confidence=fact.confidence, entities=mentions(fact.parts)))
    records.sort(key=lambda r: (r.content.start, r.content.end, r.claim_id))
    return records


def author_source(cleaned: CleanedArticle) -> SourceSpan:
    """Who speaks in the article's own voice: its authors, else its publisher."""
    if cleaned.authors:
        name = ", ".join(cleaned.authors)
        kind, canonical = "PERSON" if len(cleaned.authors) == 1 else "GROUP", name
    elif cleaned.publisher:
        name = canonical = cleaned.publisher
        kind = "MEDIA"
    else:
        name, canonical, kind = "the article", f"author of {cleaned.article.doc_id}", "UNKNOWN"
    return SourceSpan(text=name, start=None, end=None, raw_start=None, raw_end=None,
                      canonical=canonical, type=kind, named=kind != "UNKNOWN",
                      role="author" if cleaned.authors else "publisher")
