"""The one definition of every record the pipeline reads or writes.

In: nothing. Out: pydantic v2 models. Every stage passes these types to the
next and the writer serialises them unchanged, so the JSON Schema printed by
`claims schema` (generated from these classes) is the output contract.
Field order here is the key order in the JSONL files.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from pipeline.offsets import OffsetMap

ClaimKind = Literal["direct", "indirect", "mixed", "assertion"]
SourceType = Literal["PERSON", "ORG", "MEDIA", "DOCUMENT", "GROUP", "UNKNOWN"]
InputFormat = Literal["txt", "jsonl", "html"]


class Record(BaseModel):
    """Base for output records: unknown keys are refused, so typos fail loudly."""

    model_config = ConfigDict(extra="forbid")


# --- what ingest produces -------------------------------------------------


class Article(Record):
    """One input article as read from disk, before any cleaning.

    `raw_text` is exactly the decoded input (a .txt file's content, a JSONL
    line's `text`); every `raw_start`/`raw_end` in the output indexes it.
    """

    doc_id: str
    path: str
    format: InputFormat
    raw_text: str
    line_no: int | None = Field(None, description="1-based line of a JSONL input")
    url: str | None = None
    title: str | None = None
    published: str | None = None
    publisher: str | None = None
    authors: list[str] = Field(default_factory=list)


# --- output records -----------------------------------------------------------


class Span(Record):
    """A piece of the article: offsets into the cleaned text and into the raw input."""

    text: str
    start: int = Field(description="offset into the article's cleaned `text`")
    end: int
    raw_start: int = Field(description="offset into the raw input text")
    raw_end: int


class SourceSpan(Span):
    """Who made the claim. An author-voice claim's source is the article's byline or
    publisher, not words of the body: its offsets are then null."""

    start: int | None = Field(description="offset into the cleaned `text`; null for the byline")
    end: int | None
    raw_start: int | None = Field(description="offset into the raw input; null for the byline")
    raw_end: int | None
    canonical: str = Field(description="resolved name of who made the claim")
    type: SourceType = "UNKNOWN"
    named: bool = Field(False, description="true when the source names a person or body")
    role: str | None = Field(None, description="title or role given to the source, if any")
    members: list[str] = Field(default_factory=list, description=(
        "the people of a joint source ('Markov and Kartopolov said'), by canonical name"))


class CueSpan(Span):
    lemma: str


class Piece(Record):
    """One piece of a discontinuous content."""

    start: int
    end: int
    raw_start: int
    raw_end: int


class ContentSpan(Span):
    """The claim's words. A quotation interrupted by its cue ("“A,” he said. “B.”") has
    several `parts`; `text` is then the pieces joined by one space and start/end
    (raw_start/raw_end) are their outer bounds, as in PolNeAR."""

    parts: list[Piece] = Field(default_factory=list)


class EntityMention(Record):
    """A named entity the content mentions (offsets into the cleaned text)."""

    text: str
    label: str
    canonical: str | None = Field(None, description="full name or acronym expansion")
    start: int
    end: int


class ArticleRecord(Record):
    """A line of articles.jsonl."""

    doc_id: str
    path: str
    title: str | None = None
    authors: list[str] = Field(default_factory=list)
    published: str | None = Field(None, description="ISO date YYYY-MM-DD")
    publisher: str | None = None
    url: str | None = None
    format: InputFormat = "txt"
    bio: str | None = Field(None, description="the author biography cut from the page")
    trailers: list[str] = Field(default_factory=list,
                                description="syndication trailers cut from the page")
    text: str = Field(description="the cleaned body")
    n_claims: int = 0


class ClaimRecord(Record):
    """A line of claims.jsonl: one claim. `attribution` "reported" is an attributed claim
    (kind direct, indirect or mixed); "author" is a checkable fact stated in the
    article's own voice (kind "assertion", source the byline or publisher, cue null);
    "unsourced" (only with `--definition polnear`) is a report with no speaker in the
    text ("is expected to", "it is unclear whether"): its source has empty text and
    canonical and no offsets."""

    claim_id: str
    doc_id: str
    kind: ClaimKind
    attribution: Literal["reported", "author", "unsourced"] = "reported"
    source: SourceSpan
    cue: CueSpan | None
    content: ContentSpan
    confidence: float = Field(ge=0.0, le=1.0)
    entities: list[EntityMention] = Field(default_factory=list)
    cluster_id: str | None = None


class ClusterRecord(Record):
    """A line of clusters.jsonl: one claim, with every article that carries it."""

    cluster_id: str
    text: str = Field(description="representative wording (the most complete member)")
    claim_ids: list[str]
    doc_ids: list[str]
    publishers: list[str] = Field(default_factory=list)
    sources: list[str] = Field(description="canonical sources of the members")
    first_published: str | None = Field(None, description="earliest date of its articles")
    n_articles: int
    attributions: dict[str, int] = Field(default_factory=dict,
                                         description="members by attribution: reported/author")
    disagrees_with: list[str] = Field(
        default_factory=list,
        description="clusters worded almost alike whose numbers, dates or negation differ")


class SourceRecord(Record):
    """A line of sources.jsonl: one canonical source across the run, with how it was written."""

    canonical: str
    type: SourceType
    named: bool
    aliases: list[str] = Field(description="the source as written, every distinct form")
    roles: list[str] = Field(default_factory=list)
    doc_ids: list[str]
    n_claims: int
    members: list[str] = Field(default_factory=list,
                               description="for a joint source, the people it is made of")
    n_joint_claims: int = Field(0, description=(
        "claims this person made jointly with others (listed under the joint source)"))


class ErrorRecord(Record):
    """A line of errors.jsonl: one input that could not be processed."""

    path: str
    doc_id: str | None = None
    stage: Literal["ingest", "clean", "nlp", "claims", "dedup", "write"]
    error: str = Field(description="short machine-readable code, see pipeline.errors")
    message: str


class Manifest(Record):
    """manifest.json: what was run, on what, with which model, and whether it finished."""

    package_version: str
    model_name: str
    model_version: str
    settings: dict[str, object]
    inputs: list[str]
    counts: dict[str, int]
    notes: list[str] = Field(default_factory=list, description="how to read this run's offsets")
    started: str
    finished: str | None
    seconds: float
    completed: bool


OUTPUT_MODELS: dict[str, type[Record]] = {
    "articles.jsonl": ArticleRecord,
    "claims.jsonl": ClaimRecord,
    "clusters.jsonl": ClusterRecord,
    "sources.jsonl": SourceRecord,
    "errors.jsonl": ErrorRecord,
    "manifest.json": Manifest,
}


# --- what clean produces (in memory only) --------------------------------------


class CleanedArticle(BaseModel):
    """An article after cleaning: body text, metadata, and the map back to raw offsets."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    article: Article
    text: str
    offsets: OffsetMap
    title: str | None = None
    authors: list[str] = Field(default_factory=list)
    published: str | None = None
    publisher: str | None = None
    dropped_lines: int = 0
    bio: str | None = None
    trailers: list[str] = Field(default_factory=list)
