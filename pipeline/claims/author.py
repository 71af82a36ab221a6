"""Author-voice claims: checkable facts the article states in its own voice.

In: a parsed Doc (one article or one segment of it) and the character spans
its attributed claims already cover. Out: `AuthorClaim`s, each a sentence or a
semicolon-separated clause that nobody else is credited with and that states a
checkable fact: a named entity together with a date, a number, or an event
(a past-tense verb with the entity as its subject or object). "In 2012
Uzbekistan, which had joined in 2006, left the military alliance" is one;
"The CSTO can become an alternative to NATO" (modal, no fact) and "What
remains is the question ..." (no entity and no date) are not.

Without these, a fact two outlets state in their own words could never be
found twice by dedup; they carry `attribution: "author"`, and the article's
authors (else its publisher) as source.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

ACTOR_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT", "LAW"})
FACT_LABELS = frozenset({"DATE", "TIME", "CARDINAL", "MONEY", "PERCENT", "QUANTITY",
                         "ORDINAL", "EVENT"})
MIN_TOKENS = 6
MAX_TOKENS = 70
FIRST_PERSON = frozenset({"i", "we", "me", "us", "my", "our", "you", "your"})
LEADING_WORDS = frozenset({"and", "but", "so", "yet", "or", "while", "although", "however"})


@dataclass
class AuthorClaim:
    """Character offsets (into the Doc's text) of one author-voice fact, in one or
    more pieces (a main clause around a carved-out relative clause)."""

    parts: list[tuple[int, int]]
    confidence: float

    @property
    def start(self) -> int:
        return self.parts[0][0]

    @property
    def end(self) -> int:
        return self.parts[-1][1]


QUESTION_WORDS = frozenset({"why", "how", "what", "who", "whom", "whether"})
TRAILING_PUNCT = frozenset({",", ".", ";", ":", "—", "–", "-", "…"})
SUBORDINATORS = frozenset({"as", "after", "when", "while", "although", "though", "because",
                           "since", "before", "until", "once"})
# A relative clause opened by a preposition of time ("after which", "following which")
# tells what happened next: its "which" is the event of the clause before, not the
# noun the parser hangs it on ("granting the Treaty the status of ..., after which it
# became known as the CSTO"), so it is not carved out with that noun: it stays with
# the sentence, whose names it needs ("it" is the Treaty).
EVENT_RELATIVES = frozenset({"after", "before", "following", "upon", "since", "until"})


def _clauses(sentence: Span) -> list[Span]:
    """The sentence cut at semicolons: each piece of a list of facts stands alone."""
    pieces, start = [], sentence.start
    for token in sentence:
        if token.text == ";":
            pieces.append(sentence.doc[start:token.i])
            start = token.i + 1
    pieces.append(sentence.doc[start:sentence.end])
    return [p for p in pieces if len(p)]


def _skippable(token: Token) -> bool:
    return token.is_punct or token.is_space or token.lower_ in LEADING_WORDS


def _runs(indices: list[int]) -> list[tuple[int, int]]:
    """Contiguous token ranges [a, b) of sorted token indices."""
    runs: list[tuple[int, int]] = []
    for i in indices:
        if runs and runs[-1][1] == i:
            runs[-1] = (runs[-1][0], i + 1)
        else:
            runs.append((i, i + 1))
    return runs


def _trimmed(doc: Doc, runs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Token runs without leading/trailing punctuation, spaces and conjunctions."""
    kept = []
    for a, b in runs:
        while a < b and _skippable(doc[a]):
            a += 1
        while b > a and (doc[b - 1].is_space or doc[b - 1].text in TRAILING_PUNCT):
            b -= 1
        if b > a:
            kept.append((a, b))
    return kept


def _units(clause: Span) -> list[list[tuple[int, int]]]:
    """One fact per unit: relative clauses on a name ("Uzbekistan, which joined the
    CSTO in 2006"), participial phrases ("signed in 1992 by ...") and adverbial
    clauses ("As US forces left Afghanistan in 2021") are carved out of the clause;
    the rest, with the antecedent kept as its subject, is the main unit. A relative
    clause of what happened next ("..., after which it became known as the CSTO")
    is not carved: it needs the sentence (`EVENT_RELATIVES`)."""
    doc = clause.doc
    candidates: list[tuple[int, int, int]] = []  # (start, end, keep from): token indices
    for token in clause:
        head = token.head
        non_restrictive = token.left_edge.i > 0 and doc[token.left_edge.i - 1].text == ","
        if token.dep_ == "relcl" and token.left_edge.lower_ in EVENT_RELATIVES:
            continue  # "..., after which it became known as the CSTO" goes on the sentence
        if token.dep_ == "relcl" and (head.pos_ == "PROPN" or non_restrictive):
            candidates.append((head.left_edge.i, token.right_edge.i + 1, token.left_edge.i))
        elif (token.dep_ in {"acl", "advcl"} and token.tag_ in {"VBN", "VBG"}
              or token.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ in SUBORDINATORS
                                               for c in token.children)):
            candidates.append((token.left_edge.i, token.right_edge.i + 1, token.left_edge.i))
    carved: list[tuple[int, int, int]] = []
    for unit in sorted(candidates, key=lambda u: (u[0] - u[1], u[0])):
        inside = clause.start <= unit[0] and unit[1] <= clause.end
        if inside and (unit[1] - unit[0]) < len(clause) and not any(
                unit[0] < b and a < unit[1] for a, b, _ in carved):
            carved.append(unit)
    removed = {i for _, end, keep in carved for i in range(keep, end)}
    main = [t.i for t in clause if t.i not in removed]
    units = [_trimmed(doc, [(a, b)]) for a, b, _ in sorted(carved)]
    units.append(_trimmed(doc, _runs(main)))
    return [u for u in units if u]


def _happened(verb: Token) -> bool:
    """A verb telling of a past event: "joined", "were sent", "has signed", or a
    participle standing alone ("signed in 1992", "led by Russia", "uniting Armenia");
    not the present "is seen" nor an auxiliary."""
    if verb.pos_ != "VERB" or verb.dep_ in {"aux", "auxpass", "amod", "compound"}:
        return False
    auxiliaries = [c for c in verb.children if c.dep_ in {"aux", "auxpass"}]
    if verb.tag_ == "VBD":
        return True
    if verb.tag_ == "VBN":
        return not auxiliaries or any(a.tag_ == "VBD" or a.lemma_ == "have"
                                      for a in auxiliaries)
    return verb.tag_ == "VBG" and verb.dep_ in {"acl", "advcl"} and not auxiliaries


def _states_fact(tokens: list[Token], ents_at: dict[int, list[tuple[int, int, str]]]) -> float:
    """How clearly the tokens state a checkable fact (0 when they do not).

    `ents_at` maps a token index to the entities (start, end, label) starting there."""
    words = [t for t in tokens if not t.is_punct and not t.is_space]
    if not MIN_TOKENS <= len(words) <= MAX_TOKENS:
        return 0.0
    if any(t.text == "?" for t in tokens[-2:]) or words[0].lower_ in QUESTION_WORDS:
        return 0.0
    if any(t.lower_ in FIRST_PERSON and t.tag_ in {"PRP", "PRP$"} for t in words):
        return 0.0
    if any(t.tag_ == "MD" for t in words):
        return 0.0  # "can become", "will likely require": a prediction, not a fact
    ents = [e for t in tokens for e in ents_at.get(t.i, ())]
    actors = [e for e in ents if e[2] in ACTOR_LABELS]
    if not actors:
        return 0.0
    has_number = (any(e[2] in FACT_LABELS for e in ents)
                  or any(t.like_num for t in words))
    actor_tokens = {i for start, end, _ in actors for i in range(start, end)}
    has_event = any(_happened(t) and any(s.i in actor_tokens for s in t.subtree)
                    for t in words)
    if not has_number and not has_event:
        return 0.0
    return 0.6 if has_number and has_event else 0.5


def author_claims(doc: Doc, covered: list[tuple[int, int]]) -> list[AuthorClaim]:
    """Facts of `doc` stated in the article's own voice, one per clause unit.

    `covered` lists the character spans (content, source, cue) of the attributed
    claims found in `doc`: a sentence touching one is reported speech, not the author's.
    """
    found: list[AuthorClaim] = []
    ents_at: dict[int, list[tuple[int, int, str]]] = {}  # built once: doc.ents makes Spans
    for ent in doc.ents:
        ents_at.setdefault(ent.start, []).append((ent.start, ent.end, ent.label_))
    for sentence in doc.sents:
        if any(a < sentence.end_char and sentence.start_char < b for a, b in covered):
            continue
        for clause in _clauses(sentence):
            for runs in _units(clause):
                tokens = [doc[i] for a, b in runs for i in range(a, b)]
                confidence = _states_fact(tokens, ents_at)
                if confidence:
                    parts = [(doc[a].idx, doc[b - 1].idx + len(doc[b - 1])) for a, b in runs]
                    found.append(AuthorClaim(parts, confidence))
    return found
