"""Attribution extraction: source, cue and content of every attributed claim in a Doc.

In: a parsed spaCy `Doc`. Out: `doc._.attributions`, a list of `Attribution`
(character offsets into `doc_text(doc)`), plus `doc.spans["attr_source"|"attr_cue"|
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

from spacy.attrs import LEMMA, LOWER
from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from pipeline.claims.quotes import QuoteIndex, QuoteSpan

SOURCE_DEPS = {"nsubj", "nsubjpass"}
RELATIVE_PRONOUNS = {"who", "which", "that"}
CONTENT_DEPS = {"ccomp"}
DOCUMENT_NOUNS = {"poll", "survey", "study", "report", "document", "data", "analysis",
                  "research", "review", "audit", "investigation", "census", "statement",
                  "video", "footage", "record", "records", "evidence", "result", "figure",
                  "number", "estimate", "filing", "model", "memo", "letter", "finding",
                  "datum", "polling", "email", "slide", "chart", "graph", "map", "table", "ad",
                  "clip", "average", "tally", "transcript", "photo", "image"}
# objects that name an attitude, not a proposition: "expressed concern", "voiced theses"
NON_PROPOSITIONS = {"intention", "desire", "concern", "hope", "support", "readiness",
                    "willingness", "interest", "thesis", "gratitude", "condolence", "regret",
                    "solidarity", "wish", "thanks", "appreciation", "sympathy", "opposition",
                    "meeting", "session", "summit", "vote", "election", "referendum", "strike",
                    "halt", "ceasefire", "truce", "recess"}  # "called an emergency meeting"
# pronouns and quantifiers that stand for people: "some say", "many believe", "who said"
QUANTIFIER_SOURCES = {"who", "some", "many", "most", "several", "few", "both", "all", "others",
                      "another", "one", "everyone", "everybody", "someone", "somebody",
                      "nobody", "those", "half"}
# cues whose noun-phrase object is rarely what was said: "added five points", "claimed
# victory", "maintained a lead", "has seen mixed results", "found a way", "wrote a book"
# (PolNeAR train sample: 7 of 43 such objects annotated); "will discuss subsequent
# steps" names a topic (PolNeAR counts topics, the guidelines do not)
NOT_WITH_OBJECT = {"add", "claim", "maintain", "see", "find", "write", "discuss", "reveal"}
REQUEST_VERBS = {"request", "appeal", "invite"}  # "requested help": what is wanted, not said
# What counts as a claim: "guidelines" (ANNOTATION_GUIDELINES.md: propositions asserted,
# believed or assessed) or "polnear" (PolNeAR's broader annotation, which also counts
# intentions, requests, stances and topics: "vowed to ...", "called for ...", "discussed
# ..."); the rules are the same, the second lets the trained tagger add what it finds
DEFINITIONS = ("guidelines", "polnear")
ATTITUDE_VERBS = {"express", "voice", "raise", "signal"}
PRONOUNS = {"he", "she", "they", "it", "him", "her", "them", "i", "we", "you"}
VAGUE_OBJECTS = {"something", "lot", "much", "little", "nothing", "volumes", "more"}
POSSESSIVE_PRONOUNS = {"his", "her", "their", "its"}  # resolved like he / she / they / it
UTTERING_VERBS = {"make", "repeat", "reiterate", "voice", "express", "issue", "persist",
                  "offer", "advance", "renew"}  # "made the argument that ..."
ORDINAL_OPENERS = re.compile(
    r"^(first|second|third|fourth|fifth|firstly|secondly|thirdly|finally|lastly|also|moreover|"
    r"in addition|besides)\b[,:]?", re.I)
ANAPHORS = {"this", "that", "these", "it", "such"}
OPINION_NOUNS = {"opinion", "view", "conclusion", "assessment", "position", "belief",
                 "point", "verdict", "forecast", "prediction", "claim", "argument"}
EMERGING_VERBS = {"appear", "emerge", "surface", "circulate"}  # "reports emerged in X that"
REPORT_NOUNS = {"information", "report", "news", "word", "rumor", "rumour"}
EVENT_GIVING_VERBS = {"deliver", "give", "make", "issue", "release", "hold", "publish",
                      "write", "post", "send"}  # "a speech she delivered"
# speech nouns whose complement after "is" is what was said ("his argument is that ...")
COPULAR_NOUNS = {"claim", "assertion", "argument", "belief", "view", "criticism", "complaint",
                 "assessment", "conclusion", "contention", "accusation", "allegation",
                 "prediction", "warning", "message", "point", "position"}
DASHES = {"–", "—", "-", "―", "--"}
SPEECH_EVENTS = {"comment", "interview", "statement", "remark", "speech", "conversation",
                 "letter", "article", "op", "post", "tweet", "conference", "briefing",
                 "appearance", "message", "email", "call", "hearing", "debate", "address",
                 "column", "essay", "book", "memo", "podcast", "show", "program", "programme",
                 "broadcast", "testimony", "session", "meeting", "rally", "event", "visit"}
TRAILING_PREPS = {"in", "at", "during", "on", "after", "before", "while"}
TRIM = " \t\n,;:–—-"
TAGGED_MIN_CHARS = 2  # a claim the span tagger delimited may be one short word
QUOTE_MARKS = "“”„«»\"'‘’`"


@dataclass
class Attribution:
    """One attributed claim as character offsets into `doc_text(doc)`.

    The content may be discontinuous (a quotation interrupted by its cue); its
    pieces are `parts`, in order, and `content` is their outer bounds.

    `source_canonical`, `source_type`, `source_named` and `source_role` are
    filled by the speaker resolver (`speakers.py`).
    """

    parts: list[tuple[int, int]]  # the content, in one or more pieces ("“A,” he said. “B.”")
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
    source_members: list[str] = field(default_factory=list)  # a joint source's people
    extra: dict = field(default_factory=dict)

    @property
    def content(self) -> tuple[int, int]:
        """Outer bounds of the content."""
        return self.parts[0][0], self.parts[-1][1]


@dataclass(frozen=True)
class CueLexicon:
    verbs: dict[str, tuple[str, float]]
    prep_phrases: dict[str, float]
    adjectives: dict[str, float]
    nouns: dict[str, float] = field(default_factory=dict)
    by_nouns: dict[str, float] = field(default_factory=dict)  # "by one estimate"
    made_adjectives: dict[str, float] = field(default_factory=dict)  # "made it clear"


def _read_tsv(name: str) -> list[list[str]]:
    text = resources.files("pipeline.resources").joinpath(name).read_text(encoding="utf-8")
    return [line.split("\t") for line in text.splitlines()
            if line.strip() and not line.startswith("#")]


@lru_cache(maxsize=1)
def load_lexicon() -> CueLexicon:
    """Read the cue lexicons from `pipeline/resources/` once."""
    verbs = {row[0]: (row[1], float(row[2])) for row in _read_tsv("cue_verbs.tsv")}
    tables: dict[str, dict[str, float]] = {"prep": {}, "adj": {}, "noun": {}, "by": {},
                                           "make": {}}
    for phrase, pattern, weight in _read_tsv("cue_phrases.tsv"):
        tables[pattern][phrase] = float(weight)
    return CueLexicon(verbs, tables["prep"], tables["adj"], tables["noun"], tables["by"],
                      tables["make"])


# --- helpers over tokens ---------------------------------------------------------

TEXT_KEY = "claims.text"
RULES_KEY = "claims.rule_attributions"  # the rules' finds, before the tagger's


def doc_text(doc: Doc) -> str:
    """`doc.text`, cached while the component runs: spaCy rebuilds the string from the
    tokens on every access, which made the rules quadratic in the article's length."""
    cached = doc.user_data.get(TEXT_KEY)
    return cached if cached is not None else doc.text



DANGLING_END = re.compile(r"[\s,;]+(?:and|but|or|nor|while|whereas|although|though|"
                          r"because|as|when|if)$")


def _trim_end(text: str, start: int, end: int) -> int:
    while end > start and (text[end - 1] in TRIM + "." or text[end - 1] in QUOTE_MARKS):
        end -= 1
    return end


def _trim(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """Shrink a character span past surrounding punctuation, quote marks and a leading
    complementizer 'that'."""
    text = doc_text(doc)
    quoted = False
    while start < end and (text[start] in TRIM or text[start] in QUOTE_MARKS):
        quoted = quoted or text[start] in QUOTE_MARKS
        start += 1
    end = _trim_end(text, start, end)
    dangling = DANGLING_END.search(text, start, end)
    if dangling is not None and dangling.start() > start:
        # "... would be more intense and": the next clause is not said
        end = _trim_end(text, start, dangling.start())
    lowered = text[start:start + 5].lower()
    if lowered == "that " and end - start > 5 and not quoted:  # (“That makes me smart”)
        word = doc.char_span(start, start + 4)
        if word is None or word[0].dep_ != "det":  # "said that claim smacked of ..." keeps it
            start += 5
    return start, end


def _subtree_span(token: Token, exclude: set[int] | None = None) -> tuple[int, int]:
    """Character extent of a token's subtree, skipping the tokens in `exclude` at the edges."""
    tokens = [t for t in token.subtree if not exclude or t.i not in exclude]
    if not tokens:
        return token.idx, token.idx + len(token)
    return tokens[0].idx, tokens[-1].idx + len(tokens[-1])


def _source_span(subject: Token, cue: Token | None = None) -> tuple[int, int, int]:
    """The source noun phrase of a subject: its subtree, with the relative clauses and
    participles that describe the speaker ("Davis, who was estranged from her father,",
    "a CBS poll released Monday", as PolNeAR and PARC delimit sources) but never one
    that holds the cue itself ("X, who said ..."). Without a cue, relative clauses go."""
    if (subject.lower_ in RELATIVE_PRONOUNS and subject.head.dep_ == "relcl"
            and subject.dep_ in SOURCE_DEPS):
        # "Mr. Sanders, who said ...": the source as written is "who" (PolNeAR, PARC);
        # its head is the antecedent, which the speaker resolver names
        return subject.idx, subject.idx + len(subject), subject.head.head.i
    head = _named_after_dateline(subject) or subject
    tokens = [head]
    appos_seen = False
    for child in head.children:
        describes = cue is not None and not (child.left_edge.i <= cue.i <= child.right_edge.i)
        if (child.dep_ in {"relcl", "acl"} and not describes) or (
                appos_seen and child.dep_ == "prep" and child.i > head.i):
            continue
        if child.dep_ == "npadvmod" and child.ent_type_ in {"DATE", "TIME"}:
            continue  # "Trump this week said": when, not who
        if child.dep_ in {"relcl", "acl"} and child.i > head.i and (
                _reports(child) or (child.tag_ == "VBG" and child.left_edge.i > 0
                                    and child.doc[child.left_edge.i - 1].text == ",")):
            continue  # "Mr. Kamin, who emphasized that ...," reports a claim of its own;
            # "Trump, speaking to a veterans group," tells the occasion, not the speaker
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
        # the occasion of speaking is not part of who spoke: "X in the comment for Y",
        # "X in an interview with Y"; "officials in the FBI", "Y at Facebook" are
        if (position and token.dep_ == "prep" and token.lower_ in TRAILING_PREPS
                and token.right_edge.i == run[-1].i and token.i > head.i
                and any(c.dep_ == "pobj" and c.lemma_.lower() in SPEECH_EVENTS
                        for c in token.children)):
            run = run[:position]
            break
    run = _after_heading(run)
    if head not in run:
        head = next(t for t in run if not (run[0].i <= t.head.i <= run[-1].i) or t.head == t)
    while run and (run[0].is_punct or run[0].dep_ == "cc"):
        run = run[1:]
    while run and (run[-1].is_punct or run[-1].dep_ == "cc") and not (
            run[-1].text in ")]" and any(t.text in "([" for t in run)):
        run = run[:-1]
    if not run:
        run = [head]
    return run[0].idx, run[-1].idx + len(run[-1].text.rstrip()), head.i


def _heading_dash(token: Token) -> bool:
    """A dash that ends a dateline or a heading in capitals ("WASHINGTON -- President
    Obama said", "CONGRESS HAS INVESTIGATED HIM — Oz ..."), which the parser may hang on
    the speaker's name: "--" or "—", or any other dash spaced."""
    spaced = bool(token.whitespace_) and token.i > 0 and bool(token.doc[token.i - 1].whitespace_)
    return token.text in DASHES and (spaced or token.text in {"--", "—"})


def _named_after_dateline(subject: Token) -> Token | None:
    """The speaker the parser hung as an apposition on a dateline's place, its subject:
    "ASTANA, Jan 10 -- Kazakh President Kassym-Jomart Tokayev said" is Tokayev."""
    if not (subject.is_upper and subject.is_alpha and len(subject) > 1):
        return None
    return next((child for child in subject.children
                 if child.dep_ == "appos" and child.i > subject.i
                 and any(_heading_dash(t) for t in subject.doc[subject.i + 1:child.left_edge.i])),
                None)


def _after_heading(run: list[Token]) -> list[Token]:
    """The tokens of a source after a dateline or heading in capitals that the parser
    joined to it: "WASHINGTON -- President Obama" is "President Obama" (the parser may
    even make "WASHINGTON" the subject and the name its apposition)."""
    for position, token in enumerate(run):
        if _heading_dash(token):
            before = [t for t in run[:position] if t.is_alpha]
            after = [t for t in run[position + 1:] if t.is_alpha]
            if (before and after and all(t.is_upper for t in before)
                    and any(len(t) > 1 for t in before)):
                return run[position + 1:]
            break
    return run


def _reports(clause: Token) -> bool:
    """Whether a clause is headed by a speech cue with a complement ("who emphasized that")."""
    return (load_lexicon().verbs.get(clause.lemma_.lower(), ("", 0))[0] == "speech"
            and any(c.dep_ in CONTENT_DEPS for c in clause.children))


def _stolen_subject(verb: Token) -> Token | None:
    """The subject the parser gave to the clause before as a conjunct ("Republicans said
    they mishandled the investigation and [Democrats] accused the GOP of ..."): the noun
    right before a finite verb without a subject, conjoined by "and" / "but"."""
    if verb.i < 2 or verb.tag_ not in {"VBD", "VBZ", "VBP"} or any(
            c.dep_ in SOURCE_DEPS for c in verb.children):
        return None
    noun = verb.doc[verb.i - 1]
    if noun.dep_ != "conj" or noun.pos_ not in {"NOUN", "PROPN"} or noun.left_edge.i == 0:
        return None
    joint = verb.doc[noun.left_edge.i - 1]
    if joint.dep_ != "cc" or joint.lower_ not in {"and", "but"} or noun.head.i >= joint.i:
        return None
    return noun


def _speaker_after_quote(verb: Token, quotes: QuoteIndex) -> tuple[Token, QuoteSpan] | None:
    """The name between a closing quotation mark and its cue when the parser hung it on a
    word of the quotation ("“... and our military,” Flynn, a top Trump surrogate, said
    Thursday on “Fox and Friends.”", where it gave "said" the show's title as subject), with
    the quotation it closes."""
    doc = verb.doc
    for i in range(verb.i - 1, max(verb.i - 12, 0), -1):
        token = doc[i]
        if token.pos_ in {"VERB", "AUX"} or quotes.is_quoted(token.idx) and (
                token.text not in QUOTE_MARKS):
            return None
        if token.text in QUOTE_MARKS:
            quote = quotes.span_at(token.idx)
            if quote is None or not quote.closed or quote.end != token.idx + len(token):
                return None
            name = doc[i + 1]
            if name.i >= verb.i or not (name.pos_ == "PROPN" or name.lower_ in {
                    "he", "she", "they"}) or not quotes.is_quoted(name.head.idx):
                return None
            between = doc[name.right_edge.i + 1:verb.i]
            if between.text.strip(" ,") or name.right_edge.i >= verb.i:
                return None
            return name, quote
    return None


def _before_stolen_subject(doc: Doc, start: int, end: int) -> int:
    """Where a content ends when its last words are the next clause's subject ("... the
    investigation [and Democrats] accused ...", see `_stolen_subject`)."""
    content = doc.char_span(start, end, alignment_mode="expand")
    if content is None or content.end >= len(doc) or doc[content.end].pos_ not in {
            "VERB", "AUX"}:
        return end
    noun = _stolen_subject(doc[content.end])
    if noun is None or noun.left_edge.i <= content.start:
        return end
    return doc[noun.left_edge.i - 1].idx


def _object_reports(lemma: str, subject: Token, obj: Token) -> bool:
    """Whether the noun-phrase object of a NOT_WITH_OBJECT cue is still what was reported.

    "sees Ukraine as ..." assesses, "has seen mixed results" does not; "A 2014 study
    found 31 incidents of ..." and "Leaked Documents Reveal ..." report a finding,
    "the ministry revealed its concept of security" names a topic, and "Politico
    reveals a few relevant facts: “...”" introduces what follows its colon."""
    if lemma in {"find", "reveal"} and document_noun(subject.lemma_.lower()):
        return True
    return lemma == "reveal" and any(t.text == ":" for t in obj.doc[obj.i:obj.i + 5])


def _event_owner(noun: Token) -> Token | None:
    """Who speaks through a speech event: "the Security Council issued a statement calling
    ...", "she said at a news conference announcing that ...", "his statement saying ..."
    (the statement or conference itself is only the occasion); None for other nouns."""
    if noun.lemma_.lower() not in SPEECH_EVENTS:
        return None
    for child in noun.children:
        if child.dep_ == "poss":
            return child
        if child.dep_ == "prep" and child.lower_ == "by":
            agent = next((g for g in child.children if g.dep_ == "pobj"), None)
            if agent is not None:
                return agent
        if child.dep_ == "relcl" and child.lemma_.lower() in EVENT_GIVING_VERBS:
            # "a speech Mrs. Clinton delivered at New York University"
            agent = next((g for g in child.children if g.dep_ == "nsubj"
                          and g.lower_ not in RELATIVE_PRONOUNS), None)
            if agent is not None:
                return agent
    if noun.dep_ == "pobj" and noun.head.lower_ == "to":
        return None  # "according to a statement": no clause of its own
    governor = noun.head
    if noun.dep_ == "pobj" and governor.dep_ == "prep":
        governor = governor.head
    elif noun.dep_ != "dobj":
        return None
    if governor.pos_ not in {"VERB", "AUX"}:
        return None
    return next((c for c in governor.children if c.dep_ == "nsubj" and c.text[0].isalnum()),
                None)


def _subject_of(verb: Token, cue_lemmas: dict | None = None) -> Token | None:
    """The subject of a cue verb, inherited through conjunction and control."""
    subjects = [c for c in verb.children
                if c.dep_ in SOURCE_DEPS and c.text[0].isalnum()]  # not a stray « or »
    if not subjects and verb.tag_ == "NNS":  # "But Trump claims that ..." read as a noun
        subjects = [c for c in verb.children if c.dep_ == "compound" and c.pos_ == "PROPN"
                    and c.i == verb.i - 1]
    if not subjects and (stolen := _stolen_subject(verb)) is not None:
        subjects = [stolen]
    if subjects:
        # '"..., it will at some point," said James Acton', '“My reaction, that was
        # outrageous,” Obama's former strategist said': when the parser also gave the cue
        # a subject inside the quotation, the speaker is the one next to the cue
        return min(subjects, key=lambda c: abs(c.i - verb.i))
    # "The CSTO said it was not authorized ... and cited ...": a cue verb parsed as
    # conjoined to the content clause shares the subject of the cue that governs it
    if (cue_lemmas and verb.dep_ == "conj" and (
            verb.head.dep_ == "ccomp" or _unmarked_clause(verb.head, verb.head.head))
            and verb.head.head.lemma_.lower() in cue_lemmas):
        for child in verb.head.head.children:
            if child.dep_ == "nsubj":
                return child
    # "X said ... and added that": conj verb shares the first verb's subject, through a
    # chain ("Anderson agreed with McLenny and seemed to think ...")
    governor = verb
    for _ in range(3):
        if governor.dep_ not in {"conj", "xcomp"} or governor.head.pos_ not in {"VERB", "AUX"}:
            break
        governor = governor.head
        for child in governor.children:
            if child.dep_ in SOURCE_DEPS:
                return child
    # "Analysts said A has contributed to B, citing C": the participle after a comma at
    # the end of a reported clause is the reporter's, not the clause subject's
    if (cue_lemmas and verb.dep_ == "advcl" and verb.tag_ == "VBG"
            and verb.head.dep_ == "ccomp" and verb.i > 0 and verb.nbor(-1).text == ","
            and verb.head.head.lemma_.lower() in cue_lemmas
            and verb.right_edge.i + 2 >= verb.sent.end):
        for child in verb.head.head.children:
            if child.dep_ == "nsubj":
                return child
    # "began by saying he would never ...", "After saying her foot was swollen, she was
    # whisked off": a gerund after a preposition is said by the clause's subject
    if verb.tag_ == "VBG" and verb.dep_ == "pcomp" and cue_lemmas and cue_lemmas.get(
            verb.lemma_.lower(), ("", 0))[0] in {"speech", "report", "belief"}:
        preposition = verb.head
        while preposition.dep_ == "conj" and preposition.head.i != preposition.i:
            preposition = preposition.head  # "for his role in ... and for saying that"
        if preposition.lower_ == "without":
            return None  # "It goes without saying that ...", "left without saying ..."
        governor = preposition.head
        if governor.dep_ == "advmod" and preposition.dep_ == "prep":
            governor = governor.head  # "aside from saying"
        if preposition.dep_ == "prep" and governor.pos_ in {"VERB", "AUX"}:
            return _subject_of(governor)
    # "footage of Trump saying ...", "postings that included one saying that ...": the
    # noun the participle describes is the speaker
    if (verb.tag_ == "VBG" and verb.dep_ == "acl" and verb.head.pos_ in {"NOUN", "PROPN",
                                                                         "NUM", "PRON"}
            and verb.head.i < verb.i):
        return _event_owner(verb.head) or verb.head
    # "..., saying that": participial clause of a reporting verb, also the second of two
    # ("clarified nothing, treating it as a compliment -- and, asked later, asserting ...")
    participle = verb
    if participle.dep_ == "xcomp" and participle.head.tag_ == "VBG" and not any(
            c.dep_ in {"dobj", "dative"} for c in participle.head.children):
        participle = participle.head  # "..., going on to say that", not "leaving many to"
    while (participle.dep_ == "conj" and participle.tag_ == "VBG"
           and participle.head.tag_ == "VBG" and participle.head.i < participle.i):
        participle = participle.head
    if participle.dep_ in {"advcl", "xcomp"} and participle.tag_ == "VBG":
        for child in participle.head.children:
            if child.dep_ == "nsubj":
                return child
    return None


def _agentive(subject: Token) -> bool:
    """Whether a subject can be a speaker: a name, a pronoun, a person, group or document,
    or a share of people ("some", "many of them", "who", "46 percent of voters")."""
    from pipeline.claims.speakers import speaker_noun

    if subject.lower_ in {"that", "which"} and subject.head.dep_ == "relcl":
        subject = subject.head.head  # "a video that accuses ...": the video speaks
    return (subject.ent_type_ in {"PERSON", "ORG", "GPE", "NORP", "PERCENT"}
            or subject.lower_ in PRONOUNS | QUANTIFIER_SOURCES
            or subject.pos_ == "PROPN" or speaker_noun(subject.lemma_.lower())
            or subject.lemma_.lower() in DOCUMENT_NOUNS)


def _nominal_owner(noun: Token) -> Token | None:
    """The source of a speech noun with no possessor: "media pronouncements that ...",
    "warnings from his attorney that ...", "a claim by the ministry that ...", or the
    subject of a verb that utters the noun ("Democrats persisted in arguments that ...",
    "Markov made the argument that ..."); not of one that answers it ("rejected the claim
    that ...")."""
    for child in noun.children:
        if child.dep_ == "compound" and child.i == noun.i - 1 and _agentive(child):
            return child  # "Despite media pronouncements that Clinton won, ..."
        if child.dep_ == "prep" and child.lower_ in {"from", "by"} and child.i > noun.i:
            agent = next((g for g in child.children if g.dep_ == "pobj"), None)
            if agent is not None and _agentive(agent):
                return agent
    verb = noun.head
    if noun.dep_ == "pobj" and verb.dep_ == "prep" and verb.lower_ == "in":
        verb = verb.head
    elif noun.dep_ != "dobj":
        return None
    if verb.lemma_.lower() not in UTTERING_VERBS:
        return None
    return next((c for c in verb.children if c.dep_ == "nsubj" and _agentive(c)), None)


def document_noun(lemma: str) -> bool:
    """A noun naming a document, poll or figure that can 'show' or 'say' something."""
    from pipeline.claims.speakers import _source_nouns

    return lemma in DOCUMENT_NOUNS or _source_nouns().get(lemma) == "DOCUMENT"


def _agent_of(verb: Token) -> Token | None:
    for child in verb.children:
        if child.dep_ == "agent":
            for grandchild in child.children:
                if grandchild.dep_ == "pobj":
                    return grandchild
    return None


def names_a_topic(lemma: str, opener: Token, quotes: QuoteIndex) -> bool:
    """Whether a cue and the first word of its content tell a topic, not a claim: "told the
    attachés what the job was" (a quotation that opens with "What" is still a claim)."""
    exclamative = (opener.lower_ == "how" and opener.i + 1 < len(opener.doc)
                   and opener.nbor(1).pos_ in {"ADJ", "ADV"})  # "told X how surprised he is"
    return (lemma in HEARER_VERBS and lemma not in QUESTION_VERBS and not exclamative
            and opener.lower_ in WH_WORDS and not quotes.is_quoted(opener.idx))


def _verb_tagged_noun(token: Token) -> bool:
    """A cue verb the tagger took for a plural noun ("But Trump claims that he ...") that
    the parser still gave a subject and a clausal complement, as it would a verb."""
    return (token.tag_ == "NNS" and any(c.dep_ == "nsubj" or (
                c.dep_ == "compound" and c.pos_ == "PROPN" and c.i == token.i - 1)
                for c in token.children)  # ("But Trump claims that": "Trump" a compound)
            and any(c.dep_ == "ccomp" and (_that_clause(c) or any(
                g.dep_ == "nsubj" for g in c.children)) for c in token.children))


def _that_clause(token: Token) -> bool:
    return any(c.dep_ == "mark" and c.lower_ == "that" for c in token.children)


def _complement_candidates(verb: Token) -> list[Token]:
    """The cue's children to look for its clausal complement in, a "that" clause after
    the cue first ("Claiming ..., Trump told Fox that ..."), then any clause after it
    ("While he acknowledged A, Ham noted B"), and the "that" clause the
    parser hung on the hearer as a relative clause taken as the complement ("told a
    meeting of leaders that few people understood ...": a relative clause has no "that"
    marker)."""
    children = sorted(verb.children, key=lambda c: (not (c.i > verb.i and _that_clause(c)),
                                                    not (c.i > verb.i and c.dep_ == "ccomp")))
    if not any(c.dep_ in CONTENT_DEPS for c in children):
        for hearer in (c for c in verb.children if c.i > verb.i and c.dep_ in {
                "dobj", "dative", "prep", "npadvmod"}):  # "reported at the time that ..."
            children += [t for t in hearer.subtree
                         if t.dep_ in {"relcl", "acl"} and _that_clause(t)]
    return children


def _clause_cue(verb: Token, cue_lemmas: dict) -> bool:
    """A cue verb heading an adverbial clause with its own subject and no complement."""
    return (verb.dep_ == "advcl" and cue_lemmas.get(verb.lemma_.lower(), ("", 0))[0] not in {
        "", "intention"} and any(c.dep_ == "nsubj" for c in verb.children)
            and not any(c.dep_ in CONTENT_DEPS for c in verb.children))


def _adopted_clause(verb: Token, cue_lemmas: dict) -> tuple[int, int] | None:
    """The clause the parser hung elsewhere that completes a cue in an adverbial clause:
    "While he acknowledged [funding was a major reason], Ham noted ..." (a sibling right
    after the cue's clause) or "..., after he admitted under grilling [he hadn't been
    held accountable]" (the cue's clause opens the complement the parser gave another
    verb). Returns its character span, the cue's own clause left out."""
    if not _clause_cue(verb, cue_lemmas):
        return None
    for sibling in verb.head.children:
        if sibling.dep_ in CONTENT_DEPS and sibling.left_edge.i == verb.right_edge.i + 1:
            return _subtree_span(sibling)
    clause = verb.head
    if (clause.dep_ in CONTENT_DEPS and verb.i < clause.i
            and verb.left_edge.i == clause.left_edge.i):
        rest = [t for t in clause.subtree if t.i > verb.right_edge.i and not (
            t.i == verb.right_edge.i + 1 and t.is_punct)]
        if rest:
            return rest[0].idx, rest[-1].idx + len(rest[-1])
    return None


def _as_clause(verb: Token) -> bool:
    """A cue in a comment clause: "as X noted", "as a memo put it", "As ISW reported, ..."
    (not "as he spoke", which tells when, nor "as he said goodbye", which has an object)."""
    return (verb.dep_ == "advcl" and verb.head.pos_ in {"VERB", "AUX"}
            and any(c.dep_ == "mark" and c.lower_ == "as" for c in verb.children)
            and verb.tag_ != "VBG" and verb.lemma_.lower() not in {"speak", "talk", "ask"}
            and not any(c.dep_ == "nsubj" and c.lower_ in GENERIC_SUBJECTS
                        for c in verb.children)  # "as they say": an idiom
            and not any(c.dep_ in CONTENT_DEPS | {"xcomp"} or (
                c.dep_ == "prep" and c.lower_ in OBJECT_PREPS and not any(
                    g.ent_type_ in {"DATE", "TIME"} for g in c.children))
                for c in verb.children)
            and all(c.lower_ in {"it", "this"} or verb.lemma_.lower() in HEARER_VERBS
                    for c in verb.children if c.dep_ in {"dobj", "dative"}))


def _runs(indices: list[int]) -> list[list[int]]:
    """Consecutive runs of sorted token indices."""
    runs: list[list[int]] = []
    for index in indices:
        if runs and index == runs[-1][-1] + 1:
            runs[-1].append(index)
        else:
            runs.append([index])
    return runs


def reports_findings(subject: Token) -> bool:
    """A subject whose "found" reports a finding: people by role ("the authors",
    "researchers") and bodies that judge ("an arbitration panel", "the court")."""
    from pipeline.claims.speakers import person_role

    lemma = subject.lemma_.lower()
    return person_role(lemma) or lemma in FINDING_BODIES or subject.ent_type_ == "ORG"


def _heading(text: str) -> bool:
    """A short line in title case ("Legend in the Coal Fields", "All Bets Are Off")."""
    words = re.findall(r"[^\W\d_][\w'’-]*", text)
    capitalised = [w for w in words if w[0].isupper()]
    return (1 < len(words) <= 8 and len(capitalised) >= 0.6 * len(words)
            and not text.rstrip(QUOTE_MARKS + " ").endswith(("?", "!", ",")))


def _fused_speaker(verb: Token) -> Span | None:
    """The person named right before a cue that has no subject because the parser joined
    the name to an opening phrase ("In a meeting with the Washington Post Trump said"):
    the name (or the end of it) must name a person elsewhere in the article."""
    doc = verb.doc
    if verb.i == 0 or any(c.dep_ in SOURCE_DEPS for c in verb.children):
        return None
    before = verb.nbor(-1)
    if before.pos_ != "PROPN" or before.dep_ not in {"pobj", "compound", "appos"}:
        return None
    people = [e.text for e in doc.ents if e.label_ == "PERSON"]
    start = before.i
    while start > 0 and doc[start - 1].pos_ == "PROPN" and any(
            name.endswith(doc[start - 1:verb.i].text) for name in people):
        start -= 1
    name = doc[start:verb.i]
    if not any(p == name.text or p.endswith(" " + name.text) for p in people):
        return None
    return name


def _named_elsewhere(doc: Doc, name: str) -> bool:
    """Whether the article names `name` as a person or organisation somewhere (a headline
    "Pence: ..." where the model tagged no entity, "Mike Pence" later in the text)."""
    return any(e.label_ in {"PERSON", "ORG"} and (e.text == name or e.text.endswith(" " + name))
               for e in doc.ents)


def _person_named_elsewhere(doc: Doc, start: int, end: int) -> bool:
    """Whether the words at [start, end) end with the surname of a person the article names
    elsewhere ("Lavrov on NATO: ..." and "Sergey Lavrov" in the text, "Former Envoy Markov
    at the Summit: ..." and "Sergey Markov"): in a title-case headline the model's own
    entity labels are guesses."""
    surname = doc_text(doc)[start:end].split()[-1]
    return any(e.label_ == "PERSON" and (e.end_char <= start or e.start_char >= end)
               and e.text.split()[-1] == surname for e in doc.ents)


def _interrupting_relcl(verb: Token) -> bool:
    """A cue set off by commas that the parser read as a relative clause of the subject:
    "The difference now, Markov told reporters, is that ..." ("Markov" is no relative
    pronoun, and the cue has no complement of its own)."""
    doc = verb.doc
    subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    return (verb.dep_ == "relcl" and subject is not None
            and subject.lower_ not in RELATIVE_PRONOUNS and verb.head.dep_ in SOURCE_DEPS
            and "," in {verb.left_edge.text, doc[max(0, verb.left_edge.i - 1)].text}
            and "," in {verb.right_edge.text,
                        doc[min(len(doc) - 1, verb.right_edge.i + 1)].text}
            and not any(c.dep_ in CONTENT_DEPS for c in verb.children)
            and not any(t.lower_ in {"which", "who", "whom", "whose", "where", "when"}
                        for t in verb.subtree))  # "..., during which he announced ...,"


def _unmarked_clause(child: Token, verb: Token) -> bool:
    """A clause with its own subject and no subordinator that the parser hung on the cue
    as an adverbial ("Trump said after the convention [he would not accept ...]"): a
    complement whose "that" was left out."""
    return (child.dep_ == "advcl" and child.i > verb.i and child.pos_ in {"VERB", "AUX"}
            and not any(c.dep_ in CONTENT_DEPS for c in verb.children)
            and any(c.dep_ == "nsubj" for c in child.children)
            and not any(c.dep_ in {"mark", "advmod"} and c.i < child.i and c.lower_ != "that"
                        for c in child.children)  # ("that" tagged as an adverb is a mark)
            and not doc_text(child.doc)[verb.idx:child.left_edge.idx].rstrip().endswith(","))


def _adopted_by_other_cue(clause: Token, verb: Token, cue_lemmas: dict) -> bool:
    """Whether `clause`, a complement candidate of `verb`, completes a cue in an adverbial
    clause instead (see `_adopted_clause`)."""
    for other in list(verb.children) + list(clause.children):
        span = _adopted_clause(other, cue_lemmas) if other.i < clause.i else None
        if span is not None and span[0] <= clause.idx < span[1]:
            return True
    return False


def _cue_span(verb: Token) -> tuple[int, int]:
    """The cue words: the verb with its auxiliaries, negation and particle ("ruled out")."""
    parts = [verb]
    for child in verb.children:
        if child.dep_ in {"aux", "auxpass", "neg", "prt"} and abs(child.i - verb.i) <= 3:
            parts.append(child)
    parts.sort(key=lambda t: t.i)
    return parts[0].idx, parts[-1].idx + len(parts[-1])


# --- the extractor ---------------------------------------------------------------

Parts = list[tuple[int, int]]
WH_WORDS = {"what", "how", "why", "whether", "if", "where", "when", "who", "which"}
HEARER_VERBS = {"tell", "ask", "inform", "notify", "advise", "remind", "assure", "reassure",
                "urge", "thank", "persuade", "convince", "quote", "answer"}
JUDGING_VERBS = {"accuse", "blame", "criticize", "criticise", "praise", "credit", "fault",
                 "slam", "attack", "condemn", "commend", "chide", "scold", "rebuke", "charge",
                 "applaud", "hail", "laud", "lambaste", "denounce"}
GENERIC_SUBJECTS = {"they", "one", "you", "people"}  # "as they say": an idiom
UTTERANCE_NOUNS = {"comment", "statement", "remark", "answer", "reply", "response", "message",
                   "warning", "words", "headline", "endorsement", "tweet", "post", "note",
                   "explanation", "verdict", "assessment", "prediction", "promise", "argument"}
FINDING_BODIES = {"panel", "court", "jury", "judge", "tribunal", "commission", "committee",
                  "inquiry", "watchdog", "regulator", "auditor", "inspector", "investigator",
                  "researcher", "scientist", "author"}
GERUND_CUES = {"admit", "deny", "acknowledge", "recall"}  # "admitted using the code"
PERCEPTION_VERBS = {"see", "watch", "hear", "feel", "notice"}
AS_ONLY_VERBS = {"put"}  # a cue only in a comment clause: "as a memo put it"
DOCUMENT_ONLY_VERBS = {"read"}  # a cue only with a document as subject: "the letter reads"
QUESTION_VERBS = {"ask", "wonder", "question"}  # "asked whether ...": the question is the content
NOMINAL_PREPS = {"of", "for", "about", "against", "on", "with", "over"}
OBJECT_PREPS = {"on", "about", "for", "of", "against", "over"}
DETERMINERS_SOURCE = {"the", "a", "an", "this", "that", "these", "those", "my", "our", "his", "her",
                      "their", "its"}
NOT_SPEAKERS = {"note", "update", "correction", "photo", "related", "watch", "read", "editor",
                "source", "sources", "credit", "image", "video", "advertisement", "q", "a",
                "tags", "share", "topics", "see", "also", "more", "listen", "subscribe",
                "clarification", "disclaimer", "disclosure", "abstract", "summary",
                "background", "context", "editors", "notes"}
DASH_LINE = re.compile(
    r"^(?P<content>\s*[“”\"'‘].+?)\s*[―—–]\s*(?P<source>[A-Z][\w.'’-]*(?: [\w.'’-]+){0,5})"
    r"[\s,]*$")
INVERTED_CUE = re.compile(  # "Said Ellis: “...”" (the parser reads "Said Ellis" as a name)
    r"(?:^|(?<=[.!?”\"']\s)|(?<=\n))(?P<cue>Said|Says|Added|Adds|Wrote|Writes|Asked)"
    r" (?P<source>[A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*){0,3})[:,]\s*(?=[“\"«])")
INVERTED_LEMMAS = {"said": "say", "says": "say", "added": "add", "adds": "add",
                   "wrote": "write", "writes": "write", "asked": "ask"}
# "Peskov: ...", and in a headline "Lavrov on NATO: ...", "Putin to Biden: ..."
COLON_LINE = re.compile(
    r"^\s*[\"“]?(?P<source>[A-Z][\w.'’-]*(?: (?!(?:On|To|At|About)\b)[A-Z][\w.'’-]*){0,3})"
    r"(?P<cue>(?: (?:on|to|at|about|On|To|At|About) [^:\n]{1,60})?:)\s+(?P<content>\S.*)$")


class AttributionExtractor:
    """Finds attributions in a parsed Doc; see the module docstring for the rules."""

    def __init__(self, lexicon: CueLexicon | None = None, min_content_chars: int = 8,
                 definition: str = "guidelines") -> None:
        if definition not in DEFINITIONS:
            raise ValueError(f"definition must be one of {', '.join(DEFINITIONS)}, "
                             f"not {definition!r}")
        self.lexicon = lexicon or load_lexicon()
        self.min_content_chars = min_content_chars
        self.definition = definition
        self._cue_hashes: set[int] | None = None
        self._strings = None

    def __call__(self, doc: Doc) -> Doc:
        doc.user_data[TEXT_KEY] = doc.text
        try:
            return self._annotate(doc)
        finally:
            doc.user_data.pop(TEXT_KEY, None)

    def rule_attributions(self, doc: Doc) -> list[Attribution]:
        """The rules' own attributions, before the tagger's spans are combined in; kept in
        `doc.user_data[RULES_KEY]` so that the component does not find them twice (the
        tagger reads them as a feature, `attribution_model.rule_roles`)."""
        cached = doc.user_data.get(RULES_KEY)
        if cached is not None:
            return cached
        owns_text = TEXT_KEY not in doc.user_data
        if owns_text:
            doc.user_data[TEXT_KEY] = doc.text
        try:
            found = self._rules(doc, QuoteIndex(doc_text(doc)))
        finally:
            if owns_text:
                doc.user_data.pop(TEXT_KEY, None)
        doc.user_data[RULES_KEY] = found
        return found

    def _annotate(self, doc: Doc) -> Doc:
        quotes = QuoteIndex(doc_text(doc))
        found = list(self.rule_attributions(doc))
        doc.user_data.pop(RULES_KEY, None)
        # modules below import this one, hence the late imports
        from pipeline.claims.speakers import resolve_speakers
        from pipeline.claims.tagged import combine, tagged_keys

        def finish(parts, source, head, cue, lemma, weight, pattern):
            return self._finish(doc, parts, source, head, cue, lemma, weight, pattern, quotes)

        for member, key in enumerate(tagged_keys(doc)):  # the first tagger, then the second
            found = combine(doc, found, finish, self.lexicon, quotes, self.definition, key,
                            add_only=member > 0)
        found = self._dedupe(found)
        found = self._outermost(doc, found)
        found = self._claimed_parts(found)
        found.sort(key=lambda a: (a.content[0], a.content[1]))

        doc._.entity_canonicals = resolve_speakers(doc, found, quotes)
        doc._.attributions = found
        doc.spans["attr_content"] = [s for a in found for part in a.parts if (
            s := doc.char_span(*part, alignment_mode="expand")) is not None]
        doc.spans["attr_source"] = [s for a in found if a.source and (s := doc.char_span(
            *a.source, alignment_mode="expand")) is not None]
        doc.spans["attr_cue"] = [s for a in found if a.cue and (s := doc.char_span(
            *a.cue, alignment_mode="expand")) is not None]
        return doc

    def _rules(self, doc: Doc, quotes: QuoteIndex) -> list[Attribution]:
        found: list[Attribution] = []
        sentences = list(doc.sents)
        candidates = self._candidates(doc)
        position = 0
        for index, sent in enumerate(sentences):
            previous = sentences[index - 1] if index else None
            following = sentences[index + 1] if index + 1 < len(sentences) else None
            mine = []
            while position < len(candidates) and candidates[position] < sent.end:
                mine.append(candidates[position])
                position += 1
            found.extend(self._sentence(doc, sent, previous, following, quotes, mine))
        found.extend(self._line_patterns(doc, quotes))
        found = self._dedupe(found)
        found.extend(self._continuations(doc, sentences, found, quotes))
        return found

    # -- per sentence

    def _candidates(self, doc: Doc) -> list[int]:
        """Indices of the tokens that can be cues (lexicon lemmas and words), found with
        one array lookup instead of creating a Token object for every word."""
        strings = doc.vocab.strings
        if self._cue_hashes is None or self._strings is not strings:
            words = set(self.lexicon.verbs) | set(self.lexicon.adjectives) | set(
                self.lexicon.nouns) | {
                "according", "opinion", "view", "words", "citing", "quoting", "as"} | set(
                self.lexicon.by_nouns) | set(self.lexicon.made_adjectives) | (
                AS_ONLY_VERBS) | (
                DOCUMENT_ONLY_VERBS) | EMERGING_VERBS
            self._cue_hashes = {strings.add(w) for w in words}
            self._cue_hashes |= {strings.add(w.capitalize()) for w in words}
            self._strings = strings
        if not len(doc):
            return []
        table = doc.to_array([LEMMA, LOWER])
        hashes = self._cue_hashes
        return [i for i, (lemma, lower) in enumerate(table.tolist())
                if lemma in hashes or lower in hashes]

    def _sentence(self, doc: Doc, sent: Span, previous: Span | None, following: Span | None,
                  quotes: QuoteIndex, candidates: list[int]) -> list[Attribution]:
        found: list[Attribution] = []
        for index in candidates:
            token = doc[index]
            if quotes.is_quoted(token.idx):
                found.extend(self._dash_interruption(doc, token, quotes))
                continue
            lemma = token.lemma_.lower()
            if token.lower_ == "according" or (token.lower_ in {"opinion", "view", "words"}
                                               and token.dep_ == "pobj") or (
                    token.lower_ in self.lexicon.by_nouns and token.dep_ == "pobj"
                    and token.head.lower_ == "by"):
                attribution = self._prepositional(doc, sent, token, quotes)
            elif (lemma in self.lexicon.verbs or lemma in AS_ONLY_VERBS | DOCUMENT_ONLY_VERBS
                  ) and (
                    token.pos_ in {"VERB", "AUX"} or _verb_tagged_noun(token)):
                attribution = self._verbal(doc, sent, previous, following, token, quotes)
            elif (token.lower_ in self.lexicon.made_adjectives
                  and token.head.lemma_.lower() == "make"):
                attribution = self._made_clear(doc, token, quotes)
            elif token.lower_ == "as":
                attribution = self._quoted_label(doc, token, quotes) if (
                    token.dep_ == "prep" and token.head.pos_ == "VERB") else None
            elif token.lower_ in self.lexicon.adjectives and token.dep_ == "acomp":
                attribution = self._adjectival(doc, sent, token, quotes)
            elif token.lower_ in {"citing", "quoting"} and token.dep_ in {"advcl", "xcomp",
                                                                          "prep", "acl"}:
                attribution = self._verbal(doc, sent, previous, following, token, quotes)
            elif lemma in self.lexicon.nouns and token.pos_ == "NOUN":
                attribution = self._nominal(doc, token, quotes)
            elif lemma in EMERGING_VERBS and token.pos_ == "VERB":
                attribution = self._emerged_report(doc, token, quotes)
            else:
                attribution = None
            if attribution is not None:
                found.append(attribution)
        if not found:
            introduced = self._colon_object(doc, sent, quotes)
            if introduced is not None:
                found.append(introduced)
        for pattern in (self._anaphoric(doc, sent, previous, quotes),
                        self._for_view(doc, sent, quotes)):
            if pattern is not None:
                found.append(pattern)
        return found

    def _for_view(self, doc: Doc, sent: Span, quotes: QuoteIndex) -> Attribution | None:
        """'For many political observers, the intervention was the first CSTO operation':
        a sentence that opens with "For <people>," gives the rest as their view. Only
        groups of people ("observers", "most Democrats", "many who lived through it"):
        "For Trump, the debate was a test" is as often the article's own assessment."""
        from pipeline.claims.speakers import speaker_noun

        opener = next((t for t in sent if not t.is_punct and not t.is_space), None)
        if opener is None or opener.lower_ != "for" or opener.dep_ != "prep":
            return None
        group = next((c for c in opener.children if c.dep_ == "pobj"), None)
        if group is None or quotes.is_quoted(opener.idx) or not (
                (group.tag_ == "NNS" and speaker_noun(group.lemma_.lower()))
                or (group.ent_type_ == "NORP" and group.tag_ in {"NNPS", "NNS"})
                or group.lower_ in {"many", "most", "some"}):  # not "For those with ..."
            return None
        comma = group.right_edge.i + 1
        if comma >= sent.end - 2 or doc[comma].text != ",":
            return None
        if any(t.lemma_.lower() in self.lexicon.verbs and t.pos_ == "VERB"
               and t.dep_ in {"ROOT", "parataxis"} for t in doc[comma + 1:sent.end]):
            return None  # "For black voters, he said, their experience ...": his claim
        source_start, source_end, source_head = _source_span(group, opener)
        return self._finish(doc, [(doc[comma + 1].idx, sent.end_char)],
                            (source_start, source_end), source_head,
                            (opener.idx, opener.idx + len(opener)), "for", 0.55, "for-view",
                            quotes)

    def _emerged_report(self, doc: Doc, verb: Token, quotes: QuoteIndex
                        ) -> Attribution | None:
        """'information appeared in the Russian media that ...', 'reports surfaced on
        Russian television that ...': the medium the report appeared in is the source."""
        from pipeline.claims.speakers import speaker_noun

        report = next((c for c in verb.children if c.dep_ == "nsubj"
                       and c.lemma_.lower() in REPORT_NOUNS), None)
        where = next((c for c in verb.children if c.dep_ == "prep"
                      and c.lower_ in {"in", "on"}), None)
        medium = next((c for c in where.children if c.dep_ == "pobj"), None) if (
            where is not None) else None
        if report is None or medium is None or not (
                _agentive(medium) or speaker_noun(medium.lower_)):  # "media" -> "medium"
            return None
        clause = next((c for holder in (verb, report) for c in holder.children
                       if c.dep_ in {"ccomp", "acl", "advcl"} and c.i > medium.i
                       and _that_clause(c)), None)
        if clause is None:
            return None
        content = _subtree_span(clause, {t.i for t in clause.children if t.dep_ == "mark"})
        source_start, source_end, source_head = _source_span(medium, verb)
        return self._finish(doc, [content], (source_start, source_end), source_head,
                            (report.left_edge.idx, where.idx + len(where)),
                            verb.lemma_.lower(), 0.6, "emerged-report", quotes)

    def _dash_interruption(self, doc: Doc, verb: Token,
                           quotes: QuoteIndex) -> list[Attribution]:
        """'“A, – the expert considers. – B”': a cue set off by dashes inside the quotation.

        Two claims with that source and cue, one for the words before the cue and one
        for those after: the dashes end one statement and open the next (a cue between
        commas, "“A,” he said, “B.”", stays one claim in two parts)."""
        if verb.lemma_.lower() not in self.lexicon.verbs or verb.pos_ != "VERB":
            return []
        quote = quotes.span_at(verb.idx)
        subject = _subject_of(verb)
        if quote is None or subject is None:
            return []
        left = [t for t in doc[max(0, subject.left_edge.i - 2):subject.left_edge.i]
                if t.text in DASHES]
        right = [t for t in doc[verb.i + 1:verb.i + 4] if t.text in DASHES]
        if not left or not right:
            return []
        source_start, source_end, source_head = _source_span(subject, verb)
        lemma = verb.lemma_.lower()
        found = []
        for part in ((quote.start, left[-1].idx), (right[0].idx + 1, quote.end)):
            attribution = self._finish(doc, [part], (source_start, source_end), source_head,
                                       _cue_span(verb), lemma, self.lexicon.verbs[lemma][1],
                                       "dash-interruption", quotes)
            if attribution is not None:
                found.append(attribution)
        return found

    def _finish(self, doc: Doc, parts: Parts, source: tuple[int, int] | None,
                source_head: int | None, cue: tuple[int, int] | None, cue_lemma: str | None,
                weight: float, pattern: str, quotes: QuoteIndex) -> Attribution | None:
        trimmed = []
        for start, end in sorted(parts):
            start, end = _trim(doc, start, end)
            if end > start:
                if trimmed and start <= trimmed[-1][1]:
                    trimmed[-1] = (trimmed[-1][0], max(end, trimmed[-1][1]))
                else:
                    trimmed.append((start, end))
        minimum = TAGGED_MIN_CHARS if pattern.endswith("tagger") else self.min_content_chars
        if sum(end - start for start, end in trimmed) < minimum:
            return None  # the tagger has seen short contents annotated ("endorsed Trump")
        for start, end in trimmed:
            if source and source[0] < end and start < source[1]:
                return None  # the source cannot lie inside its own content
            if cue and cue[0] < end and start < cue[1]:
                return None
        if len(trimmed) == 1:
            words = doc.char_span(*trimmed[0], alignment_mode="expand")
            if words is not None and len(words) <= 2 and all(
                    t.pos_ in {"ADV", "INTJ", "PUNCT", "CCONJ", "SCONJ", "PART"}
                    for t in words):
                return None  # "According to MSNBC, basically.": no proposition
        total = sum(end - start for start, end in trimmed)
        fraction = sum(quotes.quoted_fraction(start, end, doc_text(doc)) * (end - start)
                       for start, end in trimmed) / total
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
        if total < 25:
            confidence -= 0.1
        return Attribution(parts=trimmed, source=source, cue=cue, cue_lemma=cue_lemma,
                           kind=kind, confidence=round(min(0.99, max(0.05, confidence)), 3),
                           pattern=pattern, source_head=source_head)

    def _verbal(self, doc: Doc, sent: Span, previous: Span | None, following: Span | None,
                verb: Token, quotes: QuoteIndex) -> Attribution | None:
        lemma = verb.lemma_.lower()
        verb_class, weight = self.lexicon.verbs.get(lemma, ("speech", 0.6))
        if lemma == "conclude" and any(c.dep_ == "prep" and c.lower_ == "with"
                                       for c in verb.children):
            return None  # "The spot concludes with footage of ...": it ends, says nothing
        if lemma in AS_ONLY_VERBS:
            if not _as_clause(verb):
                return None
            weight = 0.85
        if verb_class == "intention":
            return None  # plans and wishes assert nothing (ANNOTATION_GUIDELINES.md)
        if verb.dep_ == "xcomp" and self.lexicon.verbs.get(
                verb.head.lemma_.lower(), ("", 0))[0] == "intention":
            return None  # "refused to comment on ...": nothing was said
        subject = _subject_of(verb, self.lexicon.verbs)
        quoted_before = None
        if subject is None or (subject.i > verb.i and quotes.is_quoted(subject.idx)):
            after_quote = _speaker_after_quote(verb, quotes)
            if after_quote is not None:
                subject, quoted_before = after_quote
        fused = _fused_speaker(verb) if subject is None else None
        if fused is not None:
            subject = fused.root  # "In a meeting with the Washington Post Trump said ..."
        own_subject = subject is not None and subject.head.i == verb.i
        if verb.dep_ == "auxpass" or (own_subject and subject.dep_ == "nsubjpass"
                                      and lemma not in {"convince", "persuade"}):
            return None  # passives: "was announced as" has no source; "This was reported
            # by X" is handled as an anaphoric attribution
        if subject is None or (subject.lower_ == "us" and verb.head.lemma_ == "let"):
            return None
        if lemma in DOCUMENT_ONLY_VERBS:
            if not document_noun(subject.lemma_.lower()):
                return None  # "he read the letter": reading is no saying
            weight = 0.85
        if (subject.lower_ in ANAPHORS and subject.dep_ == "nsubj"
                and lemma in {"show", "indicate", "mean", "suggest", "find", "demonstrate"}):
            return None  # "this indicates ...": the article's own inference
        if (verb_class == "evidence" and not document_noun(subject.lemma_.lower())
                and subject.ent_type_ != "PERSON" and subject.lower_ not in PRONOUNS
                and not (lemma == "find" and reports_findings(subject))):
            return None  # "the intervention demonstrated ...": the article's own reading
            # ("the authors of the report found", "an arbitration panel found" report one)
        if quotes.is_quoted(subject.idx) and not quotes.is_quoted(verb.idx):
            return None  # a quoted phrase is what was said, not who said it
        vague = next((c for c in verb.children if c.dep_ == "dobj"
                      and c.lower_ in VAGUE_OBJECTS), None)
        if lemma == "say" and vague is not None and any(
                c.dep_ == "prep" and c.lower_ == "about"
                for c in list(verb.children) + list(vague.children)):
            return None  # "The report says a lot about the CSTO": an idiom
        source_start, source_end, source_head = _source_span(subject, verb) if (
            fused is None) else (fused.start_char, fused.end_char, fused.root.i)
        cue = _cue_span(verb)
        if quoted_before is not None:
            content = "quote-before", self._quote_before_parts(
                doc, sent, verb, quoted_before, quotes), None
        else:
            content = self._verb_content(doc, sent, following, verb, verb_class, quotes,
                                         subject)
        if content is None:
            return None
        pattern, parts, cue_end = content
        if cue_end is not None:
            cue = (cue[0], max(cue[1], cue_end))
        if pattern in {"object", "prep-object"}:
            weight *= 0.8
        return self._finish(doc, parts, (source_start, source_end), source_head, cue, lemma,
                            weight, pattern, quotes)

    def _participle_cue_start(self, clause: Token, end: int, quotes: QuoteIndex) -> int:
        """Where a comma and a participle of saying begin inside the reported clause
        ("said A, citing B", "said A, arguing that B"): the speaker's next claim, which
        the parser hung on the clause; `end` when there is none."""
        for token in clause.subtree:
            if (token.tag_ == "VBG" and token.dep_ in {"advcl", "conj", "xcomp"}
                    and token.i > clause.i and token.idx < end and token.i > 0
                    and token.doc[token.i - 1].text == ","
                    and self.lexicon.verbs.get(token.lemma_.lower(), ("", 0))[0]
                    in {"speech", "report", "belief", "assessment"}
                    and not any(c.dep_ in SOURCE_DEPS for c in token.children)
                    and not quotes.is_quoted(token.idx)):
                return token.doc[token.i - 1].idx
            # "said A, though she noted B": a concession with a cue of its own, or about
            # what the speaker did ("claimed A, although he again refused to ...")
            subject = next((c for c in token.children if c.dep_ == "nsubj"), None)
            speaker = next((c for c in clause.head.children if c.dep_ == "nsubj"), None)
            if (token.dep_ == "advcl" and token.i > clause.i and token.idx < end
                    and subject is not None and not quotes.is_quoted(token.idx)
                    and (self.lexicon.verbs.get(token.lemma_.lower(), ("", 0))[0]
                         in {"speech", "report", "belief", "assessment"}
                         or (speaker is not None and subject.lower_ != "it" and (
                             subject.lower_ == speaker.lower_
                             or subject.lemma_.lower() == speaker.lemma_.lower()
                             or (subject.lower_ in {"he", "she"}
                                 and speaker.ent_type_ == "PERSON"))))):
                mark = next((c for c in token.children if c.dep_ == "mark" and c.lower_ in {
                    "though", "although", "while", "whereas"}), None)
                if mark is not None and mark.i > 0 and token.doc[mark.i - 1].text == ",":
                    return token.doc[mark.i - 1].idx
        return end

    @staticmethod
    def _trailing_participle(clause: Token, end: int, shown: bool = False) -> int:
        """Where ", implicitly putting his name on the line ..." begins at the end of a
        reported clause: the reporter's description of the act, not what was said. After
        what a document or video shows (`shown`) no adverb is needed: "Video shows that he
        had his hands in the air, contradicting the police's earlier claim" is the
        reporter's reading too."""
        doc = clause.doc
        for token in clause.subtree:
            if (token.tag_ == "VBG" and token.dep_ == "advcl" and token.right_edge.idx
                    + len(token.right_edge) >= end and not any(
                        c.dep_ in SOURCE_DEPS for c in token.children)):
                first = token.left_edge
                if first.i > 0 and doc[first.i - 1].text == "," and (
                        first.i < token.i or shown) and all(
                        t.dep_ == "advmod" for t in doc[first.i:token.i]):
                    # (an adverb marks the reporter's reading: "she was attracted to the
                    # job, prosecuting cases ..." goes on with what she said)
                    return doc[first.i - 1].idx
        return end

    def _through_colon(self, doc: Doc, sent: Span, end: int, quotes: QuoteIndex) -> int:
        """Where a reported clause ends that the parser cut at a colon whose words spell it
        out ("notes that three things are happening at once: home values are rising,
        rates are low and ..."): the end of the sentence, unless a cue of its own follows."""
        text = doc_text(doc)
        rest = text[end:sent.end_char]
        if not rest.lstrip(" ").startswith(":") or quotes.is_quoted(end):
            return end
        after = doc.char_span(end + rest.index(":") + 1, sent.end_char, alignment_mode="expand")
        if after is None or len(after) < 3 or any(
                t.lemma_.lower() in self.lexicon.verbs and t.pos_ == "VERB" for t in after):
            return end
        return _trim_end(text, end, sent.end_char)

    def _contrast_end(self, verb: Token, clause: Token) -> int:
        """End of a "but ..." the parser hung on the cue instead of its clause ("said the
        deal was fair, but it will be difficult"): the speaker's own qualification, unless
        it speaks of the source itself ("Instant polls showed ..., but instant debate polls
        are not a measure of ...": the reporter's)."""
        end = 0
        source = next((c for c in verb.children if c.dep_ == "nsubj"), None)
        for conj in verb.children:
            subject = next((c for c in conj.children if c.dep_ == "nsubj"), None)
            if source is not None and subject is not None and (
                    subject.lemma_.lower() == source.lemma_.lower()):
                continue
            if (conj.dep_ == "conj" and conj.i > clause.i and conj.pos_ in {"VERB", "AUX"}
                    and conj.lemma_.lower() not in self.lexicon.verbs
                    and any(c.dep_ == "cc" and c.lower_ == "but" and c.i < conj.i
                            for c in verb.children if clause.i < c.i)):
                end = conj.right_edge.idx + len(conj.right_edge)
        return end

    def _following_quotes(self, doc: Doc, offset: int, quotes: QuoteIndex,
                          allow_paragraph: bool = False) -> Parts:
        """Quotations that continue right after `offset` in the same paragraph."""
        parts: Parts = []
        text = doc_text(doc)
        while offset > 0 and text[offset - 1].isspace():
            offset -= 1  # a sentence's end may include the paragraph break after it
        while True:
            position = offset
            while position < len(text) and text[position] in " \t\xa0":
                position += 1
            if allow_paragraph and not parts:
                while position < len(text) and text[position].isspace():
                    position += 1
            quote = quotes.span_at(position) if position < len(text) else None
            if quote is None or (quote.start != position and text[quote.start:position].strip(
                    QUOTE_MARKS)):
                return parts  # (an opening mark the parser left on the previous sentence
                # still opens this quotation: "... Katz said. ''" + "With ...''")
            if text[quote.end:quote.end + 2].strip()[:1].islower():
                return parts  # “You winning?” she said: the next speaker's words; “You
                # squeezed employees” to drive up ...: the article quotes in its own sentence
            parts.append((quote.start, quote.end))
            offset = quote.end

    @staticmethod
    def _quote_just_before(doc: Doc, sent: Span, quotes: QuoteIndex) -> QuoteSpan | None:
        """The closed quotation that ends right before the sentence, in its paragraph."""
        text = doc_text(doc)
        before = sent.start_char
        while before > 0 and text[before - 1] in " \t\xa0":
            before -= 1
        quote = quotes.span_at(before - 1) if before else None
        if quote is None or not quote.closed or quote.end != before:
            return None
        return quote

    @staticmethod
    def _opening_quote(doc: Doc, sent: Span, subject: Token, verb: Token,
                       quotes: QuoteIndex) -> tuple[int, int] | None:
        """The quotation that opens the sentence right before "X said", ending in a comma,
        question or exclamation mark: the first half of a quotation the cue splits, when
        the parser hung only the second half on the cue ("“A,” Tester said, referring to
        the excuse, “B.”")."""
        if subject.i > verb.i or subject.right_edge.i + 1 < verb.i - 1:
            return None
        text = doc_text(doc)
        opening = next((q for q in quotes.overlapping(sent.start_char, subject.left_edge.idx)
                        if q.closed and q.start >= sent.start_char
                        and q.end <= subject.left_edge.idx), None)
        if opening is None or text[sent.start_char:opening.start].strip() or text[
                opening.end:subject.left_edge.idx].strip(" ,"):
            return None
        if text[opening.start:opening.end].rstrip(QUOTE_MARKS + " ")[-1:] not in {",", "?", "!"}:
            return None
        return opening.start, opening.end

    def _colon_object(self, doc: Doc, sent: Span, quotes: QuoteIndex) -> Attribution | None:
        """"Sanders made the following comment:", "I had to change my answer: “...”": a
        verb whose object names an utterance, its subject the speaker, and a colon that
        hands over to the words themselves (quoted, the rest of the sentence, or the
        paragraph that follows)."""
        text = doc_text(doc)
        colon = next((t for t in sent if t.text == ":" and t.i > sent.start), None)
        if colon is None:
            return None
        verb = colon.nbor(-1)
        while verb.head.i != verb.i and verb.pos_ not in {"VERB", "AUX"}:
            verb = verb.head
        utterance = next((t for t in doc[verb.i + 1:colon.i] if t.pos_ == "NOUN"
                          and t.lemma_.lower() in UTTERANCE_NOUNS and colon.i - t.i <= 4), None)
        subject = _subject_of(verb, self.lexicon.verbs)
        if (utterance is None or subject is None or not _agentive(subject)
                or quotes.is_quoted(verb.idx)):
            return None  # (“I will just make this promise to you: ...” is said, not a cue)
        after = colon.idx + 1
        parts = self._following_quotes(doc, after, quotes, allow_paragraph=True)
        rest = text[after:sent.end_char].strip()
        if not parts and rest.strip(" .\n"):
            parts = [(after + len(text[after:sent.end_char]) - len(text[after:sent.end_char]
                                                                    .lstrip()),
                      after + len(text[after:sent.end_char].rstrip()))]
        if not parts:
            block = self._block_after_colon(doc, sent)
            parts = [block] if block is not None else []
        if not parts:
            return None
        source = _source_span(subject, verb)
        cue = (verb.idx, colon.idx + 1)
        return self._finish(doc, parts, source[:2], source[2], cue, verb.lemma_.lower(), 0.7,
                            "colon-object", quotes)

    @staticmethod
    def _block_after_colon(doc: Doc, sent: Span) -> tuple[int, int] | None:
        """The paragraph after "The governor added:" when that ends its paragraph: a
        block quotation printed without quotation marks."""
        text = doc_text(doc)
        colon = sent.start_char + len(text[sent.start_char:sent.end_char].rstrip())
        if not text[:colon].endswith(":"):
            return None
        after = text[colon:]
        gap = len(after) - len(after.lstrip())
        if "\n" not in after[:gap]:
            return None  # the colon does not end the paragraph
        start = colon + gap
        stop = text.find("\n", start)
        block = text[start:len(text) if stop == -1 else stop].rstrip()
        if len(block.split()) < 4:
            return None
        return start, start + len(block)

    def _quote_before_parts(self, doc: Doc, sent: Span, verb: Token, quote: QuoteSpan,
                            quotes: QuoteIndex) -> Parts:
        """The split-off quotation before "X said." and, when the sentence ends with the
        cue, the quotations that continue right after it: “A?” Clinton said. “B.”"""
        parts = [(quote.start, quote.end)]
        if not doc_text(doc)[verb.right_edge.idx + len(verb.right_edge):sent.end_char].strip(
                " .\n"):
            parts += self._following_quotes(doc, sent.end_char, quotes)
        return parts

    def _extend_to_quotes(self, parts: Parts, quotes: QuoteIndex,
                          keep_out: list[tuple[int, int]]) -> Parts:
        """Stretch parts to the whole quotation they open or close (quotes run over sentences)."""
        extended = []
        for start, end in parts:
            for quote in quotes.overlapping(start, end):
                new_start, new_end = min(start, quote.start), max(end, quote.end)
                if any(a < new_end and new_start < b for a, b in keep_out):
                    continue
                start, end = new_start, new_end
            extended.append((start, end))
        return extended

    @staticmethod
    def _own_object(verb: Token, quotes: QuoteIndex) -> bool:
        """Whether the cue has an unquoted object of its own ("blamed Bush for ...",
        "pointed to Cruz's record", "thinks often about ..."): then a quotation elsewhere
        in the sentence belongs to another cue. A hearer ("told reporters") is no object."""
        lemma = verb.lemma_.lower()
        for child in verb.children:
            if child.i < verb.i or quotes.is_quoted(child.idx):
                continue
            if child.dep_ == "dobj" and lemma not in HEARER_VERBS:
                return True
            if child.dep_ == "prep" and (child.lower_ in OBJECT_PREPS - {"for"} or (
                    child.lower_ == "to" and lemma in {"point", "refer"})) and any(
                    g.dep_ in {"pobj", "pcomp"} and not quotes.is_quoted(g.idx)
                    for g in child.children):
                return True
        return False

    def _verb_content(self, doc: Doc, sent: Span, following: Span | None, verb: Token,
                      verb_class: str, quotes: QuoteIndex, subject: Token
                      ) -> tuple[str, Parts, int | None] | None:
        """(pattern, content parts, end of a preposition that joins the cue) or None."""
        lemma = verb.lemma_.lower()
        first = subject.left_edge
        while first.i < subject.i and first.is_punct:
            first = first.nbor()  # the closing mark of a quotation hung on the speaker
        subject_span = (first.idx, subject.right_edge.idx + len(subject.right_edge))
        keep_out = [subject_span, (verb.idx, verb.idx + len(verb))]
        # 1. a clausal complement: "X said (that) ...", "“...,” X noted."
        adopted = _adopted_clause(verb, self.lexicon.verbs)
        if adopted is not None:
            return "ccomp", self._extend_to_quotes([adopted], quotes, keep_out), None
        if _as_clause(verb):
            # "..., as a Homeland Security memo put it." / "As ISW noted, ...": the clause
            # the "as" clause comments on is the content
            inner = range(verb.left_edge.i, verb.right_edge.i + 1)
            tokens = [t for t in verb.head.subtree if t.i not in inner]
            parts = [(doc[run[0]].idx, doc[run[-1]].idx + len(doc[run[-1]]))
                     for run in _runs([t.i for t in tokens])]
            return "as", self._extend_to_quotes(parts, quotes, keep_out), None
        for child in _complement_candidates(verb):
            if child.dep_ in CONTENT_DEPS and _adopted_by_other_cue(child, verb,
                                                                    self.lexicon.verbs):
                continue
            opener = child.left_edge
            if child.dep_ in CONTENT_DEPS and child.i > verb.i and opener.i > verb.i + 1 and (
                    (opener.nbor(-1).lower_ in self.lexicon.adjectives
                     and opener.nbor(-1).pos_ == "ADJ")
                    or (self.lexicon.verbs.get(opener.nbor(-1).lemma_.lower(), ("", 0))[0] in {
                        "speech", "belief"} and opener.nbor(-1).pos_ == "VERB")) and not any(
                    c.dep_ in CONTENT_DEPS for c in opener.nbor(-1).children):
                continue  # "she said of the election, in which she was sure [Trump would
                # win]": the clause completes the nearer cue
            child_class, child_weight = self.lexicon.verbs.get(child.lemma_.lower(), ("", 0))
            if (child.i < verb.i and child_class == "speech" and child_weight >= 0.8
                    and not quotes.is_quoted(child.idx)
                    and any(c.dep_ == "nsubj" for c in child.children)
                    and any(c.dep_ == "conj" for c in child.children)
                    and not any(c.dep_ in {"ccomp", "dobj", "xcomp"} for c in child.children)):
                continue  # "she said, but ... , Melanie said yes": a cue of its own
            if (child.i < verb.i and child_class == "speech" and child_weight >= 0.8
                    and not quotes.is_quoted(child.idx)
                    and any(c.dep_ == "nsubj" for c in child.children)
                    and any(c.dep_ in CONTENT_DEPS for c in child.children)):
                continue  # "DuVernay said she felt A because “B,” she said.": the first
                # cue reports its own clause; the second repeats it
            if (lemma in PERCEPTION_VERBS and child.tag_ in {"VB", "VBP"}
                    and not any(c.dep_ in {"mark", "aux"} for c in child.children)):
                continue  # "would see their incomes go up": seeing happen, no belief
            if child.dep_ in CONTENT_DEPS or child.head.i != verb.i or (
                    child.dep_ == "xcomp" and lemma in {
                    "say", "claim", "promise", "vow", "pledge", "threaten", "expect"}) or (
                    child.dep_ == "xcomp" and child.tag_ == "VBG" and lemma in GERUND_CUES) or (
                    _unmarked_clause(child, verb) and verb_class == "speech"):
                if child.i > verb.i and names_a_topic(lemma, child.left_edge, quotes):
                    return None  # "told the attachés what the job was": a topic, no claim
                displaced = next((c for c in verb.children if c.pos_ in {"NOUN", "PROPN"} and (
                    (c.dep_ == "dep" and c.i < verb.i) or (
                        c.dep_ == "dobj" and verb.i < c.i < child.left_edge.i
                        and lemma not in HEARER_VERBS))), None)
                if (child.dep_ == "ccomp" and child.i > verb.i and displaced is None
                        and child.tag_ in {"VBZ", "VBD"} and not quotes.is_quoted(child.idx)
                        and not any(c.dep_ in SOURCE_DEPS | {"expl", "csubj", "mark"}
                                    for c in child.children)):
                    continue  # "Everything Trump says is a lie": the verb of the sentence,
                    # not a reported clause (which has a subject of its own)
                start, end = _subtree_span(child)
                if _unmarked_clause(child, verb):  # not "after the convention"
                    start = next(c for c in child.children if c.dep_ == "nsubj").left_edge.idx
                clause_subject = next((c for c in child.children if c.dep_ == "nsubj"), None)
                if child.i > verb.i and clause_subject is not None and all(
                        t.ent_type_ in {"DATE", "TIME"} for t in child.doc[
                            child.left_edge.i:clause_subject.left_edge.i] if not t.is_punct):
                    # "told African-Americans this weekend he would ...": when, not what
                    start = clause_subject.left_edge.idx
                if child.i > verb.i:
                    end = min(end, self._trailing_participle(child, end,
                                                             verb_class == "evidence"))
                # "X said A and cited B": a second cue verb joined to the content is its own claim
                for conj in child.children:
                    own_speaker = any(c.dep_ == "nsubj" for c in conj.children)
                    if (conj.dep_ == "conj" and conj.i > child.i and conj.pos_ == "VERB"
                            and conj.lemma_.lower() in self.lexicon.verbs
                            and (not any(c.dep_ in SOURCE_DEPS for c in conj.children) or (
                                own_speaker and self.lexicon.verbs[conj.lemma_.lower()][0]
                                == "speech" and any(c.dep_ == "ccomp" for c in conj.children)
                                and not quotes.is_quoted(conj.idx)))):
                        # (and "..., and when pressed, the mother replied, “...”": a
                        # speaker of its own with words of its own)
                        cut = conj.left_edge
                        if cut.i > 0 and doc[cut.i - 1].dep_ == "cc":
                            cut = doc[cut.i - 1]
                        end = min(end, cut.idx)
                if child.i > verb.i:
                    end = max(end, self._contrast_end(verb, child))
                    end = min(end, self._participle_cue_start(child, end, quotes))
                    end = min(end, _before_stolen_subject(doc, start, end))
                    end = self._through_colon(doc, sent, end, quotes)
                parts = [(start, end)]
                if (child.i > verb.i and displaced is not None and not any(
                        c.dep_ in SOURCE_DEPS | {"expl"} for c in child.children)):
                    # "The difference now, Markov told reporters, is that ...", "seemed to
                    # think the outreach to voters was phony": the clause's subject
                    # stands apart
                    if displaced.i < verb.i:
                        parts.insert(0, _subtree_span(displaced))
                    else:
                        parts = [(displaced.left_edge.idx, end)]
                parts = self._extend_to_quotes(parts, quotes, keep_out)
                if child.i < verb.i:
                    parts = [(a, min(b, subject_span[0]) if a < subject_span[0] else b)
                             for a, b in parts]
                    if parts and quotes.is_quoted(parts[-1][0]):
                        # “A,” Schiff told X on Wednesday, “but B.”: the quotation resumes
                        parts += [(q.start, q.end) for q in quotes.overlapping(
                            verb.idx, sent.end_char) if q.start > verb.idx and q.start > (
                            parts[-1][1]) and doc_text(doc)[verb.idx:q.start].rstrip(
                            " \t").endswith(",")]
                    parts += self._following_quotes(doc, sent.end_char, quotes)
                    return "ccomp-before", parts, None
                opening = self._opening_quote(doc, sent, subject, verb, quotes)
                if opening is not None and quotes.is_quoted(start) and opening[1] <= parts[0][0]:
                    parts.insert(0, opening)  # “A,” Tester said, referring to X, “B.”
                return "ccomp", parts, None
        # 2. the cue interrupts its content: "Special attention, Gerasimov said, was ..."
        if (verb.dep_ == "parataxis" and verb.head.i != verb.i) or _interrupting_relcl(verb):
            clause = verb.head.head if verb.head.dep_ in {"aux", "auxpass"} else verb.head
            if clause.dep_ in SOURCE_DEPS and clause.head.pos_ in {"VERB", "AUX"}:
                clause = clause.head  # "The difference now, he told me, is that ..."
            start, end = _subtree_span(clause)
            before = (start, min(verb.left_edge.idx, subject_span[0]))
            after = (verb.right_edge.idx + len(verb.right_edge), end)
            parts = [p for p in (before, after) if p[1] > p[0]]
            return "parataxis", self._extend_to_quotes(parts, quotes, keep_out), None
        # 4b (first). “You winning?” she said, but Kevin ... “how the system is rigged,”:
        # the quotation just before, ending in a comma, question or exclamation mark, is
        # the content even when later quotations in the sentence belong to other cues
        quote = self._quote_just_before(doc, sent, quotes)
        split_off = (quote is not None and verb_class != "belief"
                     and subject.left_edge.i == sent.start
                     and subject.right_edge.i + 1 >= verb.i - 1 and subject.i < verb.i
                     and not self._own_object(verb, quotes)
                     and not any(c.dep_ in CONTENT_DEPS for c in verb.children))
        if split_off and doc_text(doc)[quote.start:quote.end].rstrip(
                QUOTE_MARKS + " ")[-1:] in {",", "?", "!"}:
            return "quote-before", self._quote_before_parts(doc, sent, verb, quote, quotes), None
        # 2b. "These employees, Stumpf explained at the hearing, were “well-paid,” ...": the
        # parser made the subject an adverbial of the cue and the predicate a conjunct
        fronted = next((c for c in verb.children if c.dep_ in {"npadvmod", "dep"}
                        and c.i < subject.left_edge.i and c.pos_ in {"NOUN", "PROPN"}), None)
        predicate = next((c for c in verb.children if c.dep_ == "conj" and c.i > verb.i
                          and c.pos_ in {"VERB", "AUX"}
                          and not any(g.dep_ in SOURCE_DEPS for g in c.children)), None)
        if (fronted is not None and predicate is not None
                and doc[fronted.right_edge.i + 1].text == ","):
            cc = [c for c in verb.children if c.dep_ == "cc" and fronted.i < c.i < predicate.i]
            if not cc:
                parts = [_subtree_span(fronted),
                         (_subtree_span(predicate)[0], _subtree_span(verb)[1])]
                return "parataxis", self._extend_to_quotes(parts, quotes, keep_out), None
        # 3. quotations next to the cue in the sentence: “A,” she said, “B.” / She said: “A”
        touching = [q for q in quotes.overlapping(sent.start_char, sent.end_char)
                    if not (q.start <= verb.idx < q.end)
                    and not (q.start <= subject.idx < q.end)]
        if touching and not self._own_object(verb, quotes):
            parts = [(q.start, q.end) for q in touching]
            if touching[-1].end <= verb.idx:
                parts += self._following_quotes(doc, sent.end_char, quotes)
            return "quote", parts, None
        # 4. "X said." / "X said:" followed by the quotation
        trailing = doc_text(doc)[verb.right_edge.idx + len(verb.right_edge):sent.end_char].strip()
        if trailing in {"", ".", ":", ","} and verb_class != "belief" and not self._own_object(
                verb, quotes):  # "called her vote a mistake." says what it says itself
            colon = doc_text(doc)[verb.idx:sent.end_char].rstrip().endswith(":")
            parts = self._following_quotes(doc, sent.end_char, quotes,
                                           allow_paragraph=colon)  # "X reports:" + paragraph
            if parts:
                return "quote-after", parts, None
            block = self._block_after_colon(doc, sent) if colon and verb_class in {
                "speech", "report"} else None
            if block is not None:
                return "quote-after", [block], None
        # 4b. the quotation the sentencizer split off before "X said": “... votes?” X said,
        # looking out on the crowd.
        if split_off:
            return "quote-before", self._quote_before_parts(doc, sent, verb, quote, quotes), None
        # 5. a reported object: "Bloomberg reported on ...", "ruled out the possibility"
        if verb_class == "belief" or any(c.dep_ == "neg" for c in verb.children):
            return None
        if not _agentive(subject):
            return None  # "NATO's campaign has revealed its limitations": no speaker
        if lemma in HEARER_VERBS:
            hearer = next((c for c in verb.children if c.dep_ in {"dobj", "dative"}), None)
            clause = next((c for c in verb.children if c.dep_ in {"xcomp", "ccomp"}), None)
            if hearer is not None and clause is not None and hearer.i < clause.i:
                return "object", [(hearer.idx, _subtree_span(clause)[1])], None
            return None
        for child in verb.children:
            if child.dep_ == "dobj" and child.i > verb.i:
                if (lemma in ATTITUDE_VERBS | REQUEST_VERBS
                        or child.lemma_.lower() in NON_PROPOSITIONS):
                    return None
                end = _subtree_span(child)[1]
                complement = next((c for c in verb.children if (
                    c.dep_ in {"oprd", "xcomp", "dobj"} or (c.dep_ == "prep" and c.lower_ == "as"))
                    and c.i > child.i), None)  # (a second "dobj": "branded Kyiv an “outlaw”")
                reason = next((c for c in verb.children if c.dep_ == "prep" and c.i > child.i
                               and c.lower_ in {"of", "for"}), None)
                if complement is not None:
                    end = _subtree_span(complement)[1]
                elif verb_class == "evidence" or lemma == "cite":
                    # "Video shows him with his hands in the air before he was shot", "citing
                    # her work after the 9/11 attacks and position on ...": what a document
                    # shows or a speaker cites runs to the end of the predicate, up to a comma
                    for later in (c for c in verb.children if c.i > child.i):
                        if later.is_punct:
                            break
                        end = max(end, _subtree_span(later)[1])
                elif reason is not None and lemma in JUDGING_VERBS:
                    end = _subtree_span(reason)[1]  # "accused Cruz of associating with ..."
                elif lemma in NOT_WITH_OBJECT and not _object_reports(lemma, subject, child):
                    return None
                # the whole noun phrase, determiner and numbers included ("the possibility
                # of ...", "6,000 layoffs"), but never reaching back over the cue
                start = child.left_edge.idx if child.left_edge.i > verb.i else child.idx
                # a quotation the object opens runs to its closing mark ("called the test
                # “a clear violation and in flagrant disregard” of ...")
                return "object", self._extend_to_quotes([(start, end)], quotes, keep_out), None
            if child.dep_ == "prep" and child.lower_ in OBJECT_PREPS and child.i > verb.i:
                objects = [g for g in child.children if g.dep_ in {"pobj", "pcomp"}]
                if objects:
                    start, end = _subtree_span(objects[0])
                    # "called on Trump to stop attacking Machado": the infinitive the
                    # parser hung on the cue belongs to what was called for
                    for later in verb.children:
                        if later.dep_ == "xcomp" and later.i > objects[0].i:
                            end = max(end, _subtree_span(later)[1])
                    return "prep-object", [(start, end)], child.idx + len(child)
        return None

    def _prepositional(self, doc: Doc, sent: Span, token: Token,
                       quotes: QuoteIndex) -> Attribution | None:
        """'According to X, ...', 'in the opinion of X', 'X, according to Y'."""
        if token.lower_ == "according":
            to = next((c for c in token.children if c.lower_ == "to"), None)
            if to is None and token.i + 1 < len(doc) and doc[token.i + 1].lower_ == "to":
                to = doc[token.i + 1]
            source_tok = next((c for c in to.children if c.dep_ == "pobj"), None) if to else None
            if source_tok is None and to is not None:
                # "according to show insiders": the parser read the source as a clause
                source_tok = next((c for c in to.children if c.dep_ == "pcomp"
                                   and not any(g.dep_ in SOURCE_DEPS for g in c.children)),
                                  None)
            phrase_head = token
            cue = (token.idx, to.idx + len(to)) if to is not None else None
            phrase = "according to"
        elif token.lower_ in self.lexicon.by_nouns:
            # "By Trump's own admission, ...", "by one estimate": the possessor, or the
            # estimate itself, vouches for the clause
            prep = token.head
            source_tok = next((c for c in token.children if c.dep_ == "poss"), None)
            if source_tok is None and any(c.dep_ in {"det", "nummod"} and c.lower_ in {
                    "one", "some", "many", "most", "several", "official", "their", "his",
                    "her", "its"} for c in token.children):
                source_tok = token
            phrase_head = prep
            cue = None
            if source_tok is token:  # "by one estimate": the cue is "by"
                cue = (prep.idx, prep.idx + len(prep))
            elif source_tok is not None:  # "By Trump's own admission": "own admission"
                cue = (doc[source_tok.right_edge.i + 1].idx, token.idx + len(token))
            phrase = f"by {token.lower_}"
        else:
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
        source_tok = _event_owner(source_tok) or source_tok  # "according to a speech
        # Mrs. Clinton delivered": hers
        weight = self.lexicon.prep_phrases.get(phrase) or self.lexicon.by_nouns.get(
            token.lower_, 0.8)
        source_start, source_end, source_head = _source_span(source_tok, token)
        phrase_tokens = list(phrase_head.subtree)
        if phrase_tokens[-1].i + 2 >= sent.end and phrase_tokens[0].i <= sent.start + 1:
            # "According to X, the move reeks of ...": the parser hung the whole clause on
            # the source; the phrase ends at the first comma after the source's head
            comma = next((t for t in phrase_tokens if t.i > source_tok.i and t.text == ","),
                         None)
            if comma is not None:
                phrase_tokens = [t for t in phrase_tokens if t.i < comma.i]
                source_end = min(source_end, doc[comma.i - 1].idx + len(doc[comma.i - 1]))
        phrase_start = phrase_tokens[0].idx
        phrase_end = phrase_tokens[-1].idx + len(phrase_tokens[-1])
        # the clause the phrase modifies: the sentence, or an embedded clause
        # ("the CSTO did not condemn Turkey when it shot down ... – according to Russia –")
        scope_start, scope_end = sent.start_char, sent.end_char
        clause = phrase_head.head
        if (clause.i != sent.root.i and clause.pos_ in {"VERB", "AUX"}
                and clause.dep_ in {"advcl", "relcl", "conj"}):
            scope_start, scope_end = _subtree_span(clause)
        # the rest of that clause, on both sides of the phrase
        parts = [(scope_start, phrase_start), (phrase_end, scope_end)]
        first, last = phrase_tokens[0].i, phrase_tokens[-1].i
        if (first > sent.start + 1 and last + 1 < sent.end
                and doc[first - 1].text in DASHES | {"("}
                and doc[last + 1].text in DASHES | {")"}):
            # "... as it flew over Syria in 2015 – according to Russia – because ...":
            # a phrase set off by dashes qualifies the clause just before it
            verbs = [t for t in doc[sent.start:first - 1] if t.pos_ in {"VERB", "AUX"}]
            if verbs:
                tokens = [t for t in verbs[-1].subtree if t.i < first - 1 and t.dep_ != "mark"]
                if tokens:
                    parts = [(tokens[0].idx, doc[first - 1].idx)]
        parts = [p for p in parts if doc_text(doc)[p[0]:p[1]].strip(TRIM + ".")]
        if not parts:
            return None
        # "According to Limbaugh, “A. B. C.”": the whole quotation, over its sentences
        parts = self._extend_to_quotes(parts, quotes, [(source_start, source_end), cue])
        return self._finish(doc, parts, (source_start, source_end), source_head, cue,
                            phrase, weight, "according", quotes)

    def _nominal(self, doc: Doc, noun: Token, quotes: QuoteIndex) -> Attribution | None:
        """"Trump's claim that ...", "her criticism of the deal": a speech noun with its
        possessor as source and its clause or prepositional object as content."""
        owner = next((c for c in noun.children if c.dep_ == "poss"), None)
        possessed = owner is not None
        if owner is None:
            owner = _nominal_owner(noun)
        if owner is None or not (_agentive(owner) or owner.lower_ in POSSESSIVE_PRONOUNS) or (
                quotes.is_quoted(noun.idx)):  # "Contrary to his claim that ..."
            return None
        content = None
        for child in noun.children:
            if child.i < noun.i:
                continue
            if child.dep_ in {"acl", "ccomp"} and any(
                    t.dep_ == "mark" and t.lower_ == "that" for t in child.children):
                content = _subtree_span(child)
                break
            if child.dep_ == "prep" and child.lower_ in NOMINAL_PREPS and possessed:
                # (without a possessor only a clause: "issued a statement on its
                # ambitions" names a topic)
                objects = [g for g in child.children if g.dep_ in {"pobj", "pcomp"}
                           and g.ent_type_ not in {"DATE", "TIME"}]  # "on Tuesday"
                if objects:
                    content = _subtree_span(objects[0])
                    break
        if content is None and noun.dep_ == "nsubj" and noun.head.lemma_ == "be" and (
                noun.lemma_.lower() in COPULAR_NOUNS) and (
                possessed or owner.head.lower_ in {"from", "by"}):
            # "the biggest criticism from member states has been the organization's lack
            # of support", "Trump's argument is that ...": what the noun is, is the
            # content (with an owner: "the Armenia-Azerbaijan contention is ..." is a
            # dispute)
            complement = next((c for c in noun.head.children if c.i > noun.i and (
                c.dep_ == "attr" or (c.dep_ == "ccomp" and any(
                    m.dep_ == "mark" and m.lower_ == "that" for m in c.children)))), None)
            if complement is not None and complement.dep_ == "attr":
                content = _subtree_span(complement)
            elif complement is not None:  # "that ...": to the end of the sentence, which
                # the parser often splits ("that Trump is, in fact, appealing to ...")
                content = (_subtree_span(complement, {t.i for t in complement.children
                                                      if t.dep_ == "mark"})[0],
                           noun.sent.end_char)
        if content is None:
            return None
        source = _source_span(owner, noun)
        lemma = noun.lemma_.lower()
        return self._finish(doc, [content], source[:2], source[2],
                            (noun.idx, noun.idx + len(noun)), lemma,
                            self.lexicon.nouns[lemma], "nominal", quotes)

    def _quoted_label(self, doc: Doc, as_token: Token, quotes: QuoteIndex
                      ) -> Attribution | None:
        """"Reid has been pounding Trump as a “con artist”", "a Times article hailed Trump
        as “The Comeback Kid”": whatever the verb, someone who puts a quoted label on
        someone assesses them (the guidelines' "described as"); verbs of the lexicon
        ("called", "branded") are read by `_verbal` already."""
        verb = as_token.head
        lemma = verb.lemma_.lower()
        if lemma in self.lexicon.verbs or quotes.is_quoted(verb.idx):
            return None
        label = next((c for c in as_token.children if c.dep_ == "pobj"), None)
        if label is None or not any(quotes.is_quoted(t.idx) and t.is_alpha
                                    for t in label.subtree):
            return None
        target = next((c for c in verb.children if c.dep_ == "dobj" and c.i < as_token.i),
                      None)
        cue_end = None
        if target is None:  # "has gone after Trump as a “human leech”"
            prep = next((c for c in verb.children if c.dep_ == "prep" and c.i < as_token.i
                         and c.lower_ in {"after", "on", "at"}), None)
            target = next((g for g in prep.children if g.dep_ == "pobj"), None) if prep else None
            if target is not None:
                cue_end = prep.idx + len(prep)
        subject = _subject_of(verb, self.lexicon.verbs)
        if target is None or subject is None or subject.dep_ == "nsubjpass" or not _agentive(
                subject) or quotes.is_quoted(subject.idx):
            return None
        source = _source_span(subject, verb)
        cue = _cue_span(verb)
        if cue_end is not None:
            cue = (cue[0], max(cue[1], cue_end))
        end = label.right_edge.idx + len(label.right_edge)
        return self._finish(doc, [(target.left_edge.idx, end)], source[:2], source[2], cue,
                            lemma, 0.6, "quoted-label", quotes)

    def _made_clear(self, doc: Doc, clear: Token, quotes: QuoteIndex) -> Attribution | None:
        """"Markov made it clear (that) he had misgivings": the cue is "made it clear", the
        source the subject of "made", the content the clause the parser hangs on "clear"
        or on "made" after it (the adjectives: `made_adjectives` of the lexicon)."""
        made = clear.head
        subject = next((c for c in made.children if c.dep_ == "nsubj"), None)
        if subject is None or not _agentive(subject) or quotes.is_quoted(made.idx) or not any(
                t.lower_ == "it" for t in doc[made.i + 1:clear.i]):
            return None
        clause = next((c for c in clear.children if c.dep_ in {"advcl", "ccomp"}
                       and c.i > clear.i and c.pos_ in {"VERB", "AUX"}), None) or next(
            (c for c in made.children if c.dep_ == "ccomp" and c.i > clear.i
             and c.pos_ in {"VERB", "AUX"}), None)
        if clause is None:
            return None
        start, end = _subtree_span(clause)
        mark = next((c for c in clause.children if c.dep_ == "mark"), None)
        if (mark is not None and mark.lower_ != "that") or doc[clause.left_edge.i].lower_ in {
                "when", "where", "why", "how", "what", "whether", "if", "who", "which"}:
            return None  # "made it clear when ...": a topic, not what
        if mark is not None and mark.idx == start:
            start = doc[mark.i + 1].idx
        source = _source_span(subject, made)
        return self._finish(doc, [(start, end)], source[:2], source[2],
                            (made.idx, clear.idx + len(clear)), f"make {clear.lower_}",
                            self.lexicon.made_adjectives[clear.lower_], "made-clear", quotes)

    def _adjectival(self, doc: Doc, sent: Span, adjective: Token,
                    quotes: QuoteIndex) -> Attribution | None:
        """'analysts are confident that ...'."""
        copula = adjective.head
        subject = next((c for c in copula.children if c.dep_ == "nsubj"), None)
        clause = next((c for c in adjective.children if c.dep_ == "ccomp"), None)
        if clause is None:
            clause = next((c for c in copula.children if c.dep_ == "ccomp" and c.i > adjective.i),
                          None)
        if clause is None:  # "..., in which she was sure [Trump would win]", the parser
            # having hung the clause on a verb further up
            clause = next((t for t in doc[adjective.i + 1:sent.end] if t.dep_ in CONTENT_DEPS
                           and t.left_edge.i == adjective.i + 1), None)
        if subject is None or clause is None:
            return None
        source_start, source_end, source_head = _source_span(subject, copula)
        cue = (copula.idx, adjective.idx + len(adjective))
        weight = self.lexicon.adjectives[adjective.lower_]
        return self._finish(doc, [_subtree_span(clause)], (source_start, source_end),
                            source_head, cue, f"be {adjective.lower_}", weight, "adjective",
                            quotes)

    def _anaphoric(self, doc: Doc, sent: Span, previous: Span | None,
                   quotes: QuoteIndex) -> Attribution | None:
        """'This is the opinion of X.', 'This was reported by X': the previous sentence's source."""
        if previous is None:
            return None
        words = [t for t in sent if not t.is_punct]
        if not words or words[0].lower_ not in ANAPHORS - {"it"} or len(words) > 45:
            return None  # ("It was first declared by Nixon": "it" is a thing, not a claim)
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
                    cue = (words[0].idx, of.idx + len(of))
                    lemma = f"the {attr.lemma_.lower()} of"
                else:
                    # "This is the conclusion that emerges from the recent statement by X"
                    by = next((t for t in attr.subtree if t.lower_ == "by" and t.dep_ == "prep"
                               and t.head.lemma_.lower() in SPEECH_EVENTS), None)
                    if by is not None:
                        source_tok = next((c for c in by.children if c.dep_ == "pobj"), None)
                        cue = (words[0].idx, by.idx + len(by))
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
        source_start, source_end, source_head = _source_span(source_tok, root)
        return self._finish(doc, [(previous.start_char, previous.end_char)],
                            (source_start, source_end), source_head, cue, lemma, 0.8,
                            "anaphoric", quotes)

    # -- line patterns

    def _line_patterns(self, doc: Doc, quotes: QuoteIndex) -> list[Attribution]:
        """Vox-pop and transcript lines: '“...” ― Name' and 'NAME: words' / 'Pence: ...'."""
        found: list[Attribution] = []
        offset = 0
        turn: tuple[tuple[int, int], tuple[int, int], list[tuple[int, int]]] | None = None
        for line in doc_text(doc).splitlines(keepends=True):
            body = line.rstrip("\r\n")
            dash = DASH_LINE.match(body)
            colon = COLON_LINE.match(body) if dash is None else None
            if turn is not None and body.strip() and (dash is not None or colon is not None
                                                      or body.lstrip()[:1] not in "\"“"):
                found.extend(self._transcript_turn(doc, turn, quotes))
                turn = None
            if turn is not None and body.strip():
                # '"PENCE: ...' then '"But the truth is ...': a paragraph that opens with a
                # quotation mark and no speaker of its own continues the speaker's turn
                lead = len(body) - len(body.lstrip(" \t\"“"))
                turn[2].append((offset + lead, offset + len(body.rstrip())))
                offset += len(line)
                continue
            if dash is not None:
                source = (offset + dash.start("source"), offset + dash.end("source"))
                cue_start = offset + dash.end("content")
                cue_text = doc_text(doc)[cue_start:source[0]]
                cue = (cue_start + len(cue_text) - len(cue_text.lstrip()),
                       cue_start + len(cue_text.rstrip()))
                content = (offset + dash.start("content"), offset + dash.end("content"))
                attribution = self._line_attribution(doc, source, cue, [content], "―", quotes)
                if attribution is not None:
                    found.append(attribution)
            elif colon is not None and colon.group("source").split()[0].lower().strip(
                    "\"“") not in NOT_SPEAKERS:
                source = (offset + colon.start("source"), offset + colon.end("source"))
                cue = (offset + colon.start("cue") + (colon.group("cue")[0] == " "),
                       offset + colon.end("cue"))
                content = (offset + colon.start("content"), offset + colon.end("content"))
                if colon.group("cue") != ":" and not _person_named_elsewhere(doc, *source):
                    offset += len(line)
                    continue  # "Troubled Waters at the Border: ..." is a subheading
                if body.lstrip()[:1] in "\"“":  # a transcript turn that may go on
                    turn = (source, cue, [content])
                else:
                    attribution = self._line_attribution(doc, source, cue, [content], ":",
                                                         quotes)
                    if attribution is not None:
                        found.append(attribution)
            offset += len(line)
        if turn is not None:
            found.extend(self._transcript_turn(doc, turn, quotes))
        text = doc_text(doc)
        for match in INVERTED_CUE.finditer(text):
            quote = quotes.span_at(match.end())
            if quote is None or not quote.closed or quote.start != match.end():
                continue
            attribution = self._line_attribution(
                doc, match.span("source"), match.span("cue"), [(quote.start, quote.end)],
                INVERTED_LEMMAS[match.group("cue").lower()], quotes)
            if attribution is not None:
                attribution.pattern = "inverted"
                found.append(attribution)
        return found

    def _transcript_turn(self, doc: Doc, turn, quotes: QuoteIndex) -> list[Attribution]:
        source, cue, parts = turn
        attribution = self._line_attribution(doc, source, cue, parts, ":", quotes)
        return [attribution] if attribution is not None else []

    def _line_attribution(self, doc: Doc, source: tuple[int, int], cue: tuple[int, int],
                          content: Parts, lemma: str,
                          quotes: QuoteIndex) -> Attribution | None:
        span = doc.char_span(*source, alignment_mode="expand")
        if span is None or not any(t.pos_ in {"PROPN", "NOUN"} for t in span):
            return None
        if lemma == ":" and any(t.tag_ == "POS" or t.lower_ in DETERMINERS_SOURCE for t in span):
            return None  # "The Kremlin's New Army: ..." is a title, not a speaker
        if lemma == ":" and not (span.root.ent_type_ in {"PERSON", "ORG", "GPE", "NORP"}
                                 or span.text.isupper()
                                 or span.root.lemma_.lower() in DOCUMENT_NOUNS
                                 or _named_elsewhere(doc, span.text)):
            return None
        return self._finish(doc, content, source, span.root.i, cue, lemma, 0.7,
                            "line", quotes)

    # -- across sentences

    def _continuations(self, doc: Doc, sentences: list[Span], found: list[Attribution],
                       quotes: QuoteIndex) -> list[Attribution]:
        """Claims with no cue of their own that continue the previous speaker."""
        extra: list[Attribution] = []
        covered = [part for a in found for part in a.parts]

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
            gap = doc_text(doc)[last.content[1]:sent.start_char]
            if gap.count("\n\n") > 1 or len(gap) > 400:
                continue
            text = sent.text.strip()
            opener = ORDINAL_OPENERS.match(text)
            last_start = max(0, (last.source or last.content)[0] - 40)
            last_text = doc_text(doc)[last_start:last.content[1]]
            if opener and ORDINAL_OPENERS.search(last_text.split("\n")[-1].strip() or "x"):
                start = sent.start_char + opener.end()
                attribution = self._finish(doc, [(start, sent.end_char)], last.source,
                                           last.source_head, None, None, 0.55, "numbered-point",
                                           quotes)
            else:
                quote = quotes.span_at(sent.start_char + (len(sent.text) - len(
                    sent.text.lstrip())))
                starts_paragraph = doc_text(doc)[max(0, sent.start_char - 1):sent.start_char] in (
                    "\n", "")
                if quote is None or not starts_paragraph or quote.end < sent.end_char - 2:
                    continue
                if is_covered(quote.start, quote.end):
                    continue  # the parser made a sentence of the opening marks alone
                if _heading(doc_text(doc)[quote.start:quote.end]):
                    continue  # ''Coal Isn't the Villain'': a quoted section heading
                attribution = self._finish(doc, [(quote.start, quote.end)], last.source,
                                           last.source_head, None, None, 0.5, "floating-quote",
                                           quotes)
            if attribution is not None:
                attribution.extra["continues"] = last.cue_lemma
                extra.append(attribution)
                covered.extend(attribution.parts)
                by_position.append(attribution)
                by_position.sort(key=lambda a: a.content[0])
        return extra

    def _outermost(self, doc: Doc, found: list[Attribution]) -> list[Attribution]:
        """Drop attributions said inside another one's content ("X said that, even if they
        thought it was fine, ..."): each word has one role, as in PolNeAR (Newell et al.
        2018), and the outer speaker is the one who makes the claim in this article.
        A transcript line ("PENCE: ...") is never inside another claim: a quotation that
        seems to contain one pairs marks of different paragraphs (transcripts open each
        paragraph with a quotation mark they never close), so that claim goes instead.

        A relative clause that closes the outer content is a claim of its own ("Borisov
        said Russia was open to it, to which Armenia said it would veto it"): the outer
        content ends before it and both stay."""
        def inside(span: tuple[int, int] | None, other: Attribution) -> bool:
            return span is not None and any(a <= span[0] and span[1] <= b for a, b in other.parts)

        found = [a for a in found if a.pattern != "quote" or not any(
            other is not a and other.cue != a.cue and all(inside(part, other) for part in a.parts)
            for other in found)]  # "While he acknowledged A, Ham noted “B” ...": B is Ham's
        lines = [a for a in found if a.pattern == "line"]
        found = [a for a in found if a.pattern == "line" or not any(
            inside(line.cue, a) and inside(line.source, a) for line in lines)]
        kept = []
        for attribution in found:
            outer = next((other for other in found if other is not attribution
                          and inside(attribution.cue, other)
                          and inside(attribution.source, other)), None)
            if outer is None:
                kept.append(attribution)
                continue
            cue = doc.char_span(*attribution.cue, alignment_mode="expand")
            clause = cue.root if cue is not None else None
            while clause is not None and clause.dep_ not in {"relcl", "ROOT"}:
                clause = clause.head
            if (clause is None or clause.dep_ != "relcl"
                    or clause.left_edge.idx <= outer.parts[-1][0]
                    or clause.right_edge.idx + len(clause.right_edge) < outer.parts[-1][1]):
                continue
            cut = clause.left_edge.idx
            trimmed = [(a, min(b, cut)) for a, b in outer.parts if a < cut]
            outer.parts[:] = [_trim(doc, a, b) for a, b in trimmed]
            kept.append(attribution)
        return kept

    @staticmethod
    def _claimed_parts(found: list[Attribution]) -> list[Attribution]:
        """A quotation carried on into the next paragraph is not the earlier speaker's when
        it has a cue of its own there (“...,” Clinton said. / “So you've got ...,” he
        said.): the part goes from the claim that only continued into it."""
        opening = {a.parts[0]: a for a in found if a.cue is not None}
        for attribution in found:
            if len(attribution.parts) < 2:
                continue
            kept = [part for part in attribution.parts[1:]
                    if opening.get(part, attribution) is attribution]
            if len(kept) < len(attribution.parts) - 1:
                attribution.parts[:] = [attribution.parts[0], *kept]
        return found

    @staticmethod
    def _dedupe(found: list[Attribution]) -> list[Attribution]:
        """One attribution per content: the most confident cue wins; nested repeats go."""
        best: dict[tuple, Attribution] = {}
        for attribution in found:
            key = tuple(attribution.parts)
            kept = best.get(key)
            if kept is None or attribution.confidence > kept.confidence:
                best[key] = attribution
        result = sorted(best.values(), key=lambda a: (a.content[0], -a.content[1]))
        final: list[Attribution] = []
        for attribution in result:
            nested = any(other is not attribution and (other.cue == attribution.cue
                                                       or other.source == attribution.source)
                         and other.content[0] <= attribution.content[0]
                         and attribution.content[1] <= other.content[1]
                         and other.confidence >= attribution.confidence
                         for other in result)
            if not nested:
                final.append(attribution)
        return final


if not Doc.has_extension("attributions"):
    Doc.set_extension("attributions", default=None)
if not Doc.has_extension("entity_canonicals"):
    Doc.set_extension("entity_canonicals", default=None)


@Language.factory("claim_attribution",
                  default_config={"min_content_chars": 8, "definition": "guidelines"})
def make_claim_attribution(nlp: Language, name: str, min_content_chars: int,
                           definition: str) -> AttributionExtractor:
    """spaCy factory: `nlp.add_pipe("claim_attribution")` after the parser and NER."""
    return AttributionExtractor(min_content_chars=min_content_chars, definition=definition)
