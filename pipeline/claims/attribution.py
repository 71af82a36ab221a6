"""Attribution extraction: source, cue and content of every attributed claim in a Doc.

In: a parsed spaCy `Doc`. Out: `doc._.attributions`, a list of `Attribution`
(character offsets into `doc.text`), plus `doc.spans["attr_source"|"attr_cue"|
"attr_content"]` for displaCy and other spaCy tools.

Method: rules over the dependency parse, in the tradition of Krestel et al.
(2008) and BBC's Citron (Newell-style source/cue/content triples):
  1. cue verbs from a lexicon (`resources/cue_verbs.tsv`) with their subject as
     source and their clausal complement (ccomp), the clause they interrupt
     (parataxis), an adjacent quotation, or a reported object as content;
  2. prepositional cues ("according to X", "in the opinion of X");
  3. predicative belief adjectives ("X is convinced / are confident that");
  4. anaphoric nominal cues ("This is the opinion of X", "This was reported by X")
     that attribute the previous sentence;
  5. continuations with no cue: a paragraph that is one quotation after a
     claim ("floating" quotes), and a speaker's numbered points ("Third, ...").
The kind (direct/indirect/mixed) follows from how much of the content lies
inside quotation marks (`quotes.py`). It is a spaCy component
(`nlp.add_pipe("claim_attribution")`) so anyone can use it in their pipeline.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from pipeline.claims.quotes import QuoteIndex

SOURCE_DEPS = {"nsubj", "nsubjpass"}
CONTENT_DEPS = {"ccomp"}
DOCUMENT_NOUNS = {"poll", "survey", "study", "report", "document", "data", "analysis",
                  "research", "review", "audit", "investigation", "census", "statement"}
REPORTED_OBJECT_LEMMAS = {"rule", "deny", "confirm", "announce", "reveal", "cite", "predict",
                          "disclose", "reject", "dismiss"}
PRONOUNS = {"he", "she", "they", "it", "him", "her", "them", "i", "we", "you"}
ORDINAL_OPENERS = re.compile(
    r"^(first|second|third|fourth|fifth|firstly|secondly|thirdly|finally|lastly|also|moreover|"
    r"in addition|besides)\b[,:]?", re.I)
ANAPHORS = {"this", "that", "these", "it", "such"}
OPINION_NOUNS = {"opinion", "view", "conclusion", "assessment", "position", "belief",
                 "point", "verdict", "forecast", "prediction", "claim", "argument"}
TRAILING_PREPS = {"in", "at", "during", "on", "after", "before", "while"}
TRIM = " \t\n,;:–—-"
QUOTE_MARKS = "“”„«»\"'‘’`"


@dataclass
class Attribution:
    """One attributed claim as character offsets into `doc.text`.

    `source_canonical`, `source_type`, `source_named` and `source_role` are
    filled by the speaker resolver (`speakers.py`).
    """

    content: tuple[int, int]
    source: tuple[int, int] | None
    cue: tuple[int, int] | None
    cue_lemma: str | None
    kind: str
    confidence: float
    pattern: str
    source_head: int | None = None  # token index of the source's head word
    source_canonical: str | None = None
    source_type: str = "UNKNOWN"
    source_named: bool = False
    source_role: str | None = None
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True)
class CueLexicon:
    verbs: dict[str, tuple[str, float]]
    prep_phrases: dict[str, float]
    adjectives: dict[str, float]


def _read_tsv(name: str) -> list[list[str]]:
    text = resources.files("pipeline.resources").joinpath(name).read_text(encoding="utf-8")
    return [line.split("\t") for line in text.splitlines()
            if line.strip() and not line.startswith("#")]


@lru_cache(maxsize=1)
def load_lexicon() -> CueLexicon:
    """Read the cue lexicons from `pipeline/resources/` once."""
    verbs = {row[0]: (row[1], float(row[2])) for row in _read_tsv("cue_verbs.tsv")}
    preps: dict[str, float] = {}
    adjs: dict[str, float] = {}
    for phrase, pattern, weight in _read_tsv("cue_phrases.tsv"):
        (preps if pattern == "prep" else adjs)[phrase] = float(weight)
    return CueLexicon(verbs, preps, adjs)


# --- helpers over tokens ---------------------------------------------------------


def _trim(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """Shrink a character span past surrounding punctuation, quote marks and a leading 'that'."""
    text = doc.text
    while start < end and (text[start] in TRIM or text[start] in QUOTE_MARKS):
        start += 1
    while end > start and (text[end - 1] in TRIM + "." or text[end - 1] in QUOTE_MARKS):
        end -= 1
    lowered = text[start:start + 5].lower()
    if lowered == "that " and end - start > 5:
        start += 5
    return start, end


def _subtree_span(token: Token, exclude: set[int] | None = None) -> tuple[int, int]:
    """Character extent of a token's subtree, skipping the tokens in `exclude` at the edges."""
    tokens = [t for t in token.subtree if not exclude or t.i not in exclude]
    if not tokens:
        return token.idx, token.idx + len(token)
    return tokens[0].idx, tokens[-1].idx + len(tokens[-1])


def _source_span(subject: Token) -> tuple[int, int, int]:
    """The source noun phrase of a subject: its subtree minus relative clauses."""
    head = subject
    if subject.lower_ in {"who", "which", "that"} and subject.head.dep_ == "relcl":
        head = subject.head.head
    cut = {"relcl", "acl"}
    tokens = [head]
    appos_seen = False
    for child in head.children:
        if child.dep_ in cut or (appos_seen and child.dep_ == "prep" and child.i > head.i):
            continue
        appos_seen = appos_seen or child.dep_ == "appos"
        tokens.extend(child.subtree)
    tokens = sorted(set(tokens), key=lambda t: t.i)
    # keep a contiguous run around the head
    left = right = tokens.index(head)
    while left > 0 and tokens[left - 1].i == tokens[left].i - 1:
        left -= 1
    while right + 1 < len(tokens) and tokens[right + 1].i == tokens[right].i + 1:
        right += 1
    run = tokens[left:right + 1]
    for position, token in enumerate(run):
        # a trailing circumstance is not part of who spoke: "X in the comment for Y"
        if (position and token.dep_ == "prep" and token.lower_ in TRAILING_PREPS
                and token.right_edge.i == run[-1].i and token.i > head.i):
            run = run[:position]
            break
    while run and (run[0].is_punct or run[0].dep_ == "cc"):
        run = run[1:]
    while run and (run[-1].is_punct or run[-1].dep_ == "cc") and not (
            run[-1].text in ")]" and any(t.text in "([" for t in run)):
        run = run[:-1]
    if not run:
        run = [head]
    return run[0].idx, run[-1].idx + len(run[-1].text.rstrip()), head.i


def _subject_of(verb: Token) -> Token | None:
    """The subject of a cue verb, inherited through conjunction and control."""
    for child in verb.children:
        if child.dep_ in SOURCE_DEPS:
            return child
    # "X said ... and added that": conj verb shares the first verb's subject
    if verb.dep_ in {"conj", "xcomp"} and verb.head.pos_ in {"VERB", "AUX"}:
        for child in verb.head.children:
            if child.dep_ in SOURCE_DEPS:
                return child
    # "..., saying that": participial clause of a reporting verb
    if verb.dep_ in {"advcl", "xcomp"} and verb.tag_ == "VBG":
        for child in verb.head.children:
            if child.dep_ == "nsubj":
                return child
    return None


def _agent_of(verb: Token) -> Token | None:
    for child in verb.children:
        if child.dep_ == "agent":
            for grandchild in child.children:
                if grandchild.dep_ == "pobj":
                    return grandchild
    return None


def _cue_span(verb: Token) -> tuple[int, int]:
    """The cue words: the verb with its auxiliaries, negation and particle ("ruled out")."""
    parts = [verb]
    for child in verb.children:
        if child.dep_ in {"aux", "auxpass", "neg", "prt"} and abs(child.i - verb.i) <= 3:
            parts.append(child)
    parts.sort(key=lambda t: t.i)
    return parts[0].idx, parts[-1].idx + len(parts[-1])


# --- the extractor ---------------------------------------------------------------


class AttributionExtractor:
    """Finds attributions in a parsed Doc; see the module docstring for the rules."""

    def __init__(self, lexicon: CueLexicon | None = None, min_content_chars: int = 8) -> None:
        self.lexicon = lexicon or load_lexicon()
        self.min_content_chars = min_content_chars

    def __call__(self, doc: Doc) -> Doc:
        quotes = QuoteIndex(doc.text)
        found: list[Attribution] = []
        sentences = list(doc.sents)
        for index, sent in enumerate(sentences):
            previous = sentences[index - 1] if index else None
            found.extend(self._sentence(doc, sent, previous, quotes))
        found = self._dedupe(found)
        found.extend(self._continuations(doc, sentences, found, quotes))
        found.sort(key=lambda a: (a.content[0], a.content[1]))
        from pipeline.claims.speakers import resolve_speakers  # speakers imports this module

        resolve_speakers(doc, found)
        doc._.attributions = found
        doc.spans["attr_content"] = [s for a in found if (s := doc.char_span(
            *a.content, alignment_mode="expand")) is not None]
        doc.spans["attr_source"] = [s for a in found if a.source and (s := doc.char_span(
            *a.source, alignment_mode="expand")) is not None]
        doc.spans["attr_cue"] = [s for a in found if a.cue and (s := doc.char_span(
            *a.cue, alignment_mode="expand")) is not None]
        return doc

    # -- per sentence

    def _sentence(self, doc: Doc, sent: Span, previous: Span | None,
                  quotes: QuoteIndex) -> list[Attribution]:
        found: list[Attribution] = []
        for token in sent:
            if quotes.is_quoted(token.idx):
                continue
            lemma = token.lemma_.lower()
            if token.lower_ == "according" or (token.lower_ in {"opinion", "view", "words"}
                                               and token.dep_ == "pobj"):
                attribution = self._prepositional(doc, sent, token, quotes)
            elif lemma in self.lexicon.verbs and token.pos_ in {"VERB", "AUX"}:
                attribution = self._verbal(doc, sent, previous, token, quotes)
            elif token.lower_ in self.lexicon.adjectives and token.dep_ == "acomp":
                attribution = self._adjectival(doc, sent, token, quotes)
            elif token.lower_ in {"citing", "quoting"} and token.dep_ in {"advcl", "xcomp",
                                                                          "prep", "acl"}:
                attribution = self._verbal(doc, sent, previous, token, quotes)
            else:
                attribution = None
            if attribution is not None:
                found.append(attribution)
        nominal = self._anaphoric(doc, sent, previous, quotes)
        if nominal is not None:
            found.append(nominal)
        return found

    def _finish(self, doc: Doc, content: tuple[int, int], source: tuple[int, int] | None,
                source_head: int | None, cue: tuple[int, int] | None, cue_lemma: str | None,
                weight: float, pattern: str, quotes: QuoteIndex) -> Attribution | None:
        start, end = _trim(doc, *content)
        if end - start < self.min_content_chars:
            return None
        if source and source[0] < end and start < source[1]:
            return None  # the source cannot lie inside its own content
        fraction = quotes.quoted_fraction(start, end, doc.text)
        kind = "direct" if fraction >= 0.98 else "mixed" if fraction > 0.0 else "indirect"
        confidence = weight
        if kind == "direct":
            confidence += 0.08
        if source_head is not None:
            head = doc[source_head]
            if head.ent_type_ in {"PERSON", "ORG", "GPE", "NORP"} or head.lower_ in PRONOUNS:
                confidence += 0.05
            elif head.pos_ == "NOUN" and head.tag_ == "NNS":
                confidence -= 0.05
        else:
            confidence -= 0.2
        if end - start < 25:
            confidence -= 0.1
        return Attribution(content=(start, end), source=source, cue=cue, cue_lemma=cue_lemma,
                           kind=kind, confidence=round(min(0.99, max(0.05, confidence)), 3),
                           pattern=pattern, source_head=source_head)

    def _verbal(self, doc: Doc, sent: Span, previous: Span | None, verb: Token,
                quotes: QuoteIndex) -> Attribution | None:
        lemma = verb.lemma_.lower()
        verb_class, weight = self.lexicon.verbs.get(lemma, ("speech", 0.6))
        subject = _subject_of(verb)
        if verb_class == "intention":
            return None  # plans and wishes assert nothing (ANNOTATION_GUIDELINES.md)
        if verb.dep_ == "auxpass" or (subject is not None and subject.dep_ == "nsubjpass"
                                      and lemma not in {"convince", "persuade"}):
            return None  # passives: "was announced as" has no source; "This was reported
            # by X" is handled as an anaphoric attribution
        if subject is None or (subject.lower_ == "us" and verb.head.lemma_ == "let"):
            return None
        if (subject.lower_ in ANAPHORS and subject.dep_ == "nsubj"
                and lemma in {"show", "indicate", "mean", "suggest", "find", "demonstrate"}):
            return None  # "this indicates ...": the article's own inference
        source_start, source_end, source_head = _source_span(subject)
        cue = _cue_span(verb)
        content = self._verb_content(doc, sent, previous, verb, verb_class, quotes, subject)
        if content is None:
            return None
        pattern, span = content
        return self._finish(doc, span, (source_start, source_end), source_head, cue, lemma,
                            weight, pattern, quotes)

    def _verb_content(self, doc: Doc, sent: Span, previous: Span | None, verb: Token,
                      verb_class: str, quotes: QuoteIndex,
                      subject: Token) -> tuple[str, tuple[int, int]] | None:
        # 1. a clausal complement: "X said (that) ...", "“...,” X noted."
        for child in verb.children:
            if child.dep_ in CONTENT_DEPS or (child.dep_ == "xcomp" and verb.lemma_ in {
                    "say", "claim", "promise", "vow", "pledge", "threaten", "expect"}):
                if child.i < verb.i:
                    # content precedes the cue: extend it to whole quotations it touches
                    start, end = _subtree_span(child)
                    for quote in quotes.overlapping(start, end):
                        start, end = min(start, quote.start), max(end, quote.end)
                    return "ccomp-before", (start, min(end, subject.left_edge.idx))
                start, end = _subtree_span(child)
                return "ccomp", (start, end)
        # 2. the cue interrupts its content: "Special attention, Gerasimov said, was ..."
        if verb.dep_ == "parataxis" and verb.head.i != verb.i:
            cue_first, cue_last = verb.left_edge, verb.right_edge
            start, end = _subtree_span(verb.head)
            before = (start, cue_first.idx)
            after = (cue_last.idx + len(cue_last), end)
            # the content is discontinuous around the cue; keep its longer side
            longer = max(before, after, key=lambda span: span[1] - span[0])
            return "parataxis", longer
        # 3. a quotation next to the cue in the same sentence (or just before it)
        touching = [q for q in quotes.overlapping(sent.start_char, sent.end_char)
                    if not (q.start <= verb.idx < q.end)]
        if touching:
            start = min(q.start for q in touching)
            end = max(q.end for q in touching)
            if not (start <= subject.idx < end):
                return "quote", (start, end)
        if previous is not None and sent.start_char - 3 <= sent.start_char:
            tail = doc.text[previous.start_char:sent.start_char].rstrip()
            head_words = [t for t in sent if not t.is_punct]
            if tail and tail[-1] in "”\"»'" and len(head_words) <= 6:
                quote = quotes.span_at(len(tail) + previous.start_char - 1)
                if quote is not None:
                    return "quote-before", (quote.start, quote.end)
        # 4. a reported object: "Bloomberg reported on ...", "ruled out the possibility"
        lemma = verb.lemma_.lower()
        documentary = subject.lemma_.lower() in DOCUMENT_NOUNS
        if (verb_class == "report" or (verb_class == "evidence" and documentary)
                or lemma in REPORTED_OBJECT_LEMMAS):
            for child in verb.children:
                if child.dep_ == "dobj" and child.i > verb.i:
                    return "object", _subtree_span(child)
                if child.dep_ == "prep" and child.lower_ in {"on", "about"}:
                    objects = [g for g in child.children if g.dep_ == "pobj"]
                    if objects:
                        return "object", _subtree_span(objects[0])
        return None

    def _prepositional(self, doc: Doc, sent: Span, token: Token,
                       quotes: QuoteIndex) -> Attribution | None:
        """'According to X, ...', 'in the opinion of X', 'X, according to Y'."""
        if token.lower_ == "according":
            to = next((c for c in token.children if c.lower_ == "to"), None)
            phrase_head = token
            source_tok = next((c for c in to.children if c.dep_ == "pobj"), None) if to else None
            if to is None and token.i + 1 < len(doc) and doc[token.i + 1].lower_ == "to":
                to = doc[token.i + 1]
                source_tok = next((c for c in to.children if c.dep_ == "pobj"), None)
            cue = (token.idx, to.idx + len(to)) if to is not None else None
            phrase = "according to"
        else:
            # "in the opinion of X": token is opinion/view/words under "in"
            prep = token.head
            of = next((c for c in token.children if c.lower_ == "of"), None)
            if prep.lower_ != "in" or of is None:
                return None
            source_tok = next((c for c in of.children if c.dep_ == "pobj"), None)
            phrase_head = prep
            cue = (prep.idx, of.idx + len(of))
            phrase = f"in the {token.lower_} of"
        if source_tok is None or cue is None:
            return None
        weight = self.lexicon.prep_phrases.get(phrase, 0.8)
        source_start, source_end, source_head = _source_span(source_tok)
        skip = {t.i for t in phrase_head.subtree}
        root = sent.root
        tokens = [t for t in sent if t.i not in skip]
        if not tokens:
            return None
        if phrase_head.head.i != root.i and phrase_head.head.dep_ not in {"ROOT"}:
            # "X, according to Y": attached to a noun or clause inside the sentence
            pass
        start, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1])
        # a phrase in the middle cuts nothing out of the content's extent; report the rest
        return self._finish(doc, (start, end), (source_start, source_end), source_head, cue,
                            phrase, weight, "according", quotes)

    def _adjectival(self, doc: Doc, sent: Span, adjective: Token,
                    quotes: QuoteIndex) -> Attribution | None:
        """'analysts are confident that ...'."""
        copula = adjective.head
        subject = next((c for c in copula.children if c.dep_ == "nsubj"), None)
        clause = next((c for c in adjective.children if c.dep_ == "ccomp"), None)
        if clause is None:
            clause = next((c for c in copula.children if c.dep_ == "ccomp" and c.i > adjective.i),
                          None)
        if subject is None or clause is None:
            return None
        source_start, source_end, source_head = _source_span(subject)
        cue = (copula.idx, adjective.idx + len(adjective))
        weight = self.lexicon.adjectives[adjective.lower_]
        return self._finish(doc, _subtree_span(clause), (source_start, source_end), source_head,
                            cue, f"be {adjective.lower_}", weight, "adjective", quotes)

    def _anaphoric(self, doc: Doc, sent: Span, previous: Span | None,
                   quotes: QuoteIndex) -> Attribution | None:
        """'This is the opinion of X.', 'This was reported by X': the previous sentence's source."""
        if previous is None:
            return None
        words = [t for t in sent if not t.is_punct]
        if not words or words[0].lower_ not in ANAPHORS or len(words) > 14:
            return None
        root = sent.root
        source_tok = None
        cue: tuple[int, int] | None = None
        lemma = None
        if root.lemma_ == "be":
            attr = next((c for c in root.children if c.dep_ == "attr"), None)
            if attr is not None and attr.lemma_.lower() in OPINION_NOUNS:
                of = next((c for c in attr.children if c.lower_ == "of"), None)
                if of is not None:
                    source_tok = next((c for c in of.children if c.dep_ == "pobj"), None)
                    cue = (root.idx, of.idx + len(of))
                    lemma = f"the {attr.lemma_.lower()} of"
        elif root.lemma_.lower() in self.lexicon.verbs:
            agent = _agent_of(root)
            if agent is not None:
                source_tok = agent
                cue_start = next((c.idx for c in root.children if c.dep_ == "auxpass"), root.idx)
                by = agent.head
                cue = (cue_start, by.idx + len(by))
                lemma = root.lemma_.lower()
        if source_tok is None or cue is None:
            return None
        source_start, source_end, source_head = _source_span(source_tok)
        return self._finish(doc, (previous.start_char, previous.end_char),
                            (source_start, source_end), source_head, cue, lemma, 0.8,
                            "anaphoric", quotes)

    # -- across sentences

    def _continuations(self, doc: Doc, sentences: list[Span], found: list[Attribution],
                       quotes: QuoteIndex) -> list[Attribution]:
        """Claims with no cue of their own that continue the previous speaker."""
        extra: list[Attribution] = []
        covered = [a.content for a in found]

        def is_covered(start: int, end: int) -> bool:
            return any(s < end and start < e for s, e in covered)

        by_position = sorted(found, key=lambda a: a.content[0])
        for sent in sentences:
            if is_covered(sent.start_char, sent.end_char):
                continue
            before = [a for a in by_position if a.content[1] <= sent.start_char and a.source]
            if not before:
                continue
            last = before[-1]
            gap = doc.text[last.content[1]:sent.start_char]
            if gap.count("\n\n") > 1 or len(gap) > 400:
                continue
            text = sent.text.strip()
            opener = ORDINAL_OPENERS.match(text)
            last_text = doc.text[last.source[0] - 40 if last.source[0] >= 40 else 0:
                                 last.content[1]]
            if opener and ORDINAL_OPENERS.search(last_text.split("\n")[-1].strip() or "x"):
                start = sent.start_char + opener.end()
                attribution = self._finish(doc, (start, sent.end_char), last.source,
                                           last.source_head, None, None, 0.55, "numbered-point",
                                           quotes)
            else:
                quote = quotes.span_at(sent.start_char + (len(sent.text) - len(
                    sent.text.lstrip())))
                starts_paragraph = doc.text[max(0, sent.start_char - 1):sent.start_char] in (
                    "\n", "")
                if quote is None or not starts_paragraph or quote.end < sent.end_char - 2:
                    continue
                attribution = self._finish(doc, (quote.start, quote.end), last.source,
                                           last.source_head, None, None, 0.5, "floating-quote",
                                           quotes)
            if attribution is not None:
                attribution.extra["continues"] = last.cue_lemma
                extra.append(attribution)
                covered.append(attribution.content)
                by_position.append(attribution)
                by_position.sort(key=lambda a: a.content[0])
        return extra

    @staticmethod
    def _dedupe(found: list[Attribution]) -> list[Attribution]:
        """One attribution per content span: the most confident cue wins."""
        best: dict[tuple[int, int], Attribution] = {}
        for attribution in found:
            kept = best.get(attribution.content)
            if kept is None or attribution.confidence > kept.confidence:
                best[attribution.content] = attribution
        result = sorted(best.values(), key=lambda a: (a.content[0], -a.content[1]))
        # drop an attribution whose content lies inside another's content with the same cue
        final: list[Attribution] = []
        for attribution in result:
            nested = any(other is not attribution and other.cue == attribution.cue
                         and other.content[0] <= attribution.content[0]
                         and attribution.content[1] <= other.content[1] for other in result)
            if not nested:
                final.append(attribution)
        return final


if not Doc.has_extension("attributions"):
    Doc.set_extension("attributions", default=None)


@Language.factory("claim_attribution", default_config={"min_content_chars": 8})
def make_claim_attribution(nlp: Language, name: str,
                           min_content_chars: int) -> AttributionExtractor:
    """spaCy factory: `nlp.add_pipe("claim_attribution")` after the parser and NER."""
    return AttributionExtractor(min_content_chars=min_content_chars)
