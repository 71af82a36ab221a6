"""Dedup: claims from all articles in, one cluster per distinct claim out.

In: one compact `ClaimKey` per claim of the run (made from the claim records by
`claim_key`, so the run never holds every full record at once). Out: each
claim's cluster id and one `ClusterRecord` per cluster. The one global stage,
kept sub-quadratic, in three steps:
  1. exact match of a normalised form (case, punctuation, quote marks and a
     leading "that" removed);
  2. reworded copies: MinHash signatures over word 2-shingles (Broder 1997),
     banded locality-sensitive hashing (Indyk & Motwani 1998) for candidate
     pairs, each verified with rapidfuzz's token-sort ratio;
  3. the same fact in other words ("In 2012 Uzbekistan, which had joined in
     2006, left the alliance" / "Uzbekistan, which joined the CSTO in 2006 and
     left in 2012"): candidates share a named entity (by canonical name) and a
     specific number or date, or a rank the clause states ("the intervention in
     Kazakhstan was the first notable CSTO operation"), or list the same names,
     or state the same event with no figure: an event verb of
     resources/fact_events.tsv as the clause's predicate, keyed on where it
     went or on the organisations it joins ("troops have been sent to quell the
     unrest in Kazakhstan" / "2,500 of its troops entered Kazakhstan";
     `event_terms`). They are verified by an IDF-weighted overlap of their
     content terms. Words alone join topics, not facts, so a shared name and a
     shared figure, rank or event are required; digits glued to a name
     ("Echelon-2021") are no figure, and a date that names a thing ("the Feb. 9
     primary") does not date the fact (`naming_dates`).
No step compares all pairs. Guards: numbers, dates (years, days, months) and
negation must agree across a whole cluster (one side's numbers may be a subset
of the other's: "sent troops" and "sent 2,500 troops" agree, "2,500" and
"3,000" do not), and so must the countries and organisations named as doing an
event ("US troops entered Syria" is not "Russian troops entered Syria"), and
the names a word is of or done by ("the CSTO forces were alerted" is not "US
forces left"; `owner_terms`), checked per component as clusters grow, so no
chain of merges can join two claims that disagree. A close pair kept apart by
a guard is not hidden: each cluster lists the clusters it `disagrees_with`.

With a `ClusterState` (SQLite, `claims run --state`), the index of earlier
runs is searched the same way and new claims join existing clusters; a claim
already in the state keeps its cluster, so running the same input twice
changes nothing. Cluster ids are content hashes, stable across runs.
"""

from __future__ import annotations

import hashlib
import math
import re
import sys
import unicodedata
import zlib
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING

import numpy as np
from rapidfuzz import fuzz
from spacy.lang.en.stop_words import STOP_WORDS

from pipeline.schema import ClaimRecord, ClusterRecord
from pipeline.unionfind import UnionFind

if TYPE_CHECKING:
    from pipeline.state import ClusterState

NUM_PERM = 64
BANDS = 16
ROWS = NUM_PERM // BANDS
MAX_BUCKET = 200  # a bucket this full is a common phrase, not a duplicate signal
VERIFY_THRESHOLD = 82.0  # rapidfuzz token_sort_ratio for reworded copies
FACT_THRESHOLD = 0.3  # IDF-weighted overlap of content terms for the same fact
FACT_MIN_SHARED = 3  # terms two statements of one fact share at least
FACT_BUCKET = 20  # a name-and-figure key this common ("Trump|2016") is a topic, not a fact
LIST_MIN = 4  # a claim naming this many entities is an enumeration: its list must match
RANK_NAMES = 2  # names two statements of a rank ("was the first ...") share at least
LINKAGE_SAMPLE = 8  # members per side compared when two same-fact groups would join
MINHASH_CHUNK = 400  # texts whose signatures are computed together (stays in the CPU cache)
_PRIME = (1 << 61) - 1
_rng = np.random.default_rng(20240611)
_A = _rng.integers(1, _PRIME, size=NUM_PERM, dtype=np.uint64)
_B = _rng.integers(0, _PRIME, size=NUM_PERM, dtype=np.uint64)
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_CODE = re.compile(r"\b[A-Z][^\W_]*-?\d[^\W_]*\b")  # "Echelon-2021", "COVID-19", "G20"
NEGATIONS = frozenset({"not", "no", "never", "n't", "nor", "without", "none", "neither"})
# number words and dates count as numbers for the guards: "three" vs "four" members,
# "in June" vs "in July", "the first" vs "the second" operation
_CARDINALS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
              "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen",
              "seventeen", "eighteen", "nineteen", "twenty")
_ORDINALS = ("zeroth", "first", "second", "third", "fourth", "fifth", "sixth", "seventh",
             "eighth", "ninth", "tenth")
# "may" is the modal verb far more often than the month
_MONTHS = ("january", "february", "march", "april", "-", "june", "july", "august",
           "september", "october", "november", "december")
_MONTH_ABBREVIATIONS = ("jan", "feb", "mar", "apr", "-", "jun", "jul", "aug", "sep", "oct",
                        "nov", "dec")
_NUMBER_WORDS = {word: str(i) for i, word in enumerate(_CARDINALS)}
_NUMBER_WORDS.update({word: f"#{i}" for i, word in enumerate(_ORDINALS)})
for _names in (_MONTHS, _MONTH_ABBREVIATIONS):
    _NUMBER_WORDS.update({word: f"m{i}" for i, word in enumerate(_names, 1) if word != "-"})
_NUMBER_WORDS["sept"] = "m9"
_STOPWORDS = frozenset(STOP_WORDS) | {"said", "says", "say", "told", "according"}


# --- what is compared: one compact key per claim -----------------------------------


def fold(text: str) -> str:
    """Lowercase, accents removed: how words are compared."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def normalise(text: str) -> str:
    words = _WORD.findall(text.lower())
    if words and words[0] == "that":
        words = words[1:]
    return " ".join(words)


def _number_kind(number: str) -> str:
    """Numbers of one kind are compared with each other: years (`y`), months (`m`),
    ordinals (`#`), other figures (`n`): "2,500 troops" and "in January" do not
    disagree; "2012" and "2013" do."""
    return number[0] if number[0] in "ym#" else "n"


def _number(written: str) -> str:
    """A number as compared: "2,500" -> "2500"; a year (four digits, no comma,
    19xx or 20xx) marked "y2012" so that "1,998 troops" is not the year 1998."""
    if len(written) == 4 and written[:2] in ("19", "20") and written.isdigit():
        return "y" + written
    return written.replace(",", "")


def _figures(text: str) -> list[str]:
    """The numbers written in digits, less those that are part of a name ("Echelon-2021",
    "COVID-19", "F-16", "G20": digits glued to a capitalised word are an identifier,
    not a figure or a date; "mid-2021" is a date)."""
    if _CODE.search(text) is not None:
        text = _CODE.sub(_uncoded, text)
    return _NUMBER.findall(text)


def _uncoded(match: re.Match) -> str:
    """A code removed; a month glued to its year ("Jan-2022") is a date and stays."""
    prefix = _WORD.match(match.group()).group().lower()
    return match.group() if prefix in _NUMBER_WORDS else " "


def guard_key(text: str, words: list[str] | None = None) -> tuple[tuple[str, ...], bool]:
    """What two merged claims must agree on: their numbers and dates, and their polarity.
    `words`, if given, are the text's folded words (`_words`), already split."""
    numbers = {_number(n) for n in _figures(text)}
    if words is None:
        words = _words(text)
    numbers.update(_NUMBER_WORDS[w] for w in words if w in _NUMBER_WORDS)
    negated = not NEGATIONS.isdisjoint(words)
    return tuple(sorted(numbers)), negated


def _words(text: str) -> list[str]:
    """Folded words, with "n't" as "not"."""
    return _WORD.findall(fold(text).replace("n't", " not"))


@lru_cache(maxsize=1 << 18)
def _stem(word: str) -> str:
    """A light suffix strip so 'joined'/'joins'/'join' and 'forces'/'force' compare equal."""
    for suffix in ("ing", "ed", "es", "e", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return sys.intern(word[:-len(suffix)])
    return sys.intern(word)


def _resource_rows(name: str) -> list[list[str]]:
    """The tab-separated rows of a file in pipeline/resources/, comments skipped."""
    text = resources.files("pipeline.resources").joinpath(name).read_text(encoding="utf-8")
    return [line.split("\t") for line in text.splitlines()
            if line.strip() and not line.startswith("#")]


def _synonym_classes() -> dict[str, str]:
    """stem -> event class, from resources/fact_synonyms.tsv."""
    classes: dict[str, str] = {}
    for name, words in _resource_rows("fact_synonyms.tsv"):
        classes.update((_stem(w), f"c:{name}") for w in words.split())
    return classes


@lru_cache(maxsize=1 << 16)
def _entity_term(name: str) -> str:
    words = _WORD.findall(fold(name))
    if words and words[0] == "the":
        words = words[1:]
    return sys.intern("e:" + " ".join(words))


def content_terms(text: str, entities: Iterable[str] = (), written: Iterable[str] = (),
                  numbers: Iterable[str] | None = None,
                  words: list[str] | None = None) -> tuple[str, ...]:
    """The words that carry a claim's meaning: stemmed content words, their event
    classes (`c:`), numbers (`n:`) and named entities by canonical name (`e:`), so
    'CSTO' and 'the Collective Security Treaty Organization' are one term (the words
    of a name count once, as the name)."""
    if numbers is None:
        numbers, _ = guard_key(text)
    entities = [e for e in entities if e]
    names = {_entity_term(e) for e in entities}
    names.discard("e:")
    name_words = {w for e in [*entities, *written] if e for w in _WORD.findall(fold(e))}
    terms = {_stem(w) for w in (words if words is not None else _words(text))
             if w not in _STOPWORDS and w not in _NUMBER_WORDS and not w.isdigit()
             and len(w) > 1 and w not in name_words}
    terms.update([SYNONYMS[t] for t in terms if t in SYNONYMS])
    terms.update(sys.intern(f"n:{n}") for n in numbers)
    terms.update(names)
    return tuple(sorted(terms))


SYNONYMS = _synonym_classes()
_UNIT_LABELS = frozenset({"DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT",
                          "QUANTITY"})


# --- facts with no figure: events and ranks --------------------------------------------


@dataclass(frozen=True, slots=True)
class _Event:
    """One event predicate of resources/fact_events.tsv."""

    name: str  # the event class: "deploy"
    keyed_by: str  # "place" or "parties"
    with_words: frozenset[str]  # one of these (or a pronoun) must be in the clause
    phrase: tuple[str, ...]  # folded words: ("became", "known", "as")


def _events() -> dict[str, list[_Event]]:
    """First word of a phrase -> the event predicates it begins, from fact_events.tsv."""
    words_of = {name: frozenset(words.split())
                for name, words in _resource_rows("fact_synonyms.tsv")}
    events: dict[str, list[_Event]] = defaultdict(list)
    for name, keyed_by, with_class, phrases in _resource_rows("fact_events.tsv"):
        with_words = words_of[with_class] if with_class != "-" else frozenset()
        for phrase in phrases.split(","):
            words = tuple(_WORD.findall(fold(phrase)))
            events[words[0]].append(_Event(name, keyed_by, with_words, words))
    return dict(events)


EVENTS = _events()
MODALS = frozenset({"can", "could", "may", "might", "will", "would", "shall", "should",
                    "must"})
PRONOUNS = frozenset({"they", "them"})  # troops named a sentence earlier: "used them"
# words around an event verb where its subject or object is ("whose troops have been
# sent", "deployed dozens of its troops"); a "force" further off is something else
# ("after Nafta came into force in 1994, ... China entered the WTO")
EVENT_WINDOW = 4
_PLACE_LABELS = frozenset({"GPE", "LOC"})
_PARTY_LABELS = frozenset({"ORG", "LAW"})
# who did it, by kind: countries (and their peoples: "Russian troops") and organisations
_ACTOR_KINDS = {"GPE": "g", "NORP": "g", "ORG": "o"}
# "X was the first CSTO operation", "X — first example of ...": the rank is what the
# clause says of X
_RANK = re.compile(r"(?:\b(?:is|was|are|were|became|becomes|remains|remained)\s+"
                   r"(?:the|its|their|his|her)\s+|[—–:]\s*(?:the\s+)?)"
                   r"(" + "|".join(_ORDINALS[1:]) + r")\b")
_ORDINAL_WORDS = frozenset(_ORDINALS[1:])


def _follows(words: list[str], name: list[str], start: int) -> bool:
    """Whether the words of `name` occur in `words` at or after index `start`."""
    n = len(name)
    return n > 0 and any(words[i:i + n] == name for i in range(start, len(words) - n + 1)
                         if words[i] == name[0])


def event_terms(words: list[str], names: list[tuple[str, list[str], str]]) -> list[str]:
    """The event facts a clause states with no figure (resources/fact_events.tsv):
    `v:deploy@kazakhstan` for "2,500 of its troops entered Kazakhstan", the class
    (`c:deploy`), and who did it if the clause names them before the verb
    (`b:g:russia` for "Russia previously used them in ... Kazakhstan"; `g` a country,
    `o` an organisation). `words` are the clause's folded words; `names` its named
    entities as (label, folded words, entity term).

    The event must be the clause's predicate, not a noun the clause says something
    else about: so only verb forms are listed ("the intervention in Kazakhstan was the
    first CSTO operation" gets no key), and a modal ("can send troops") states a
    possibility, not an event. Keyed on where the event went (the place named after
    the verb: "Russia sent troops to Syria" is about Syria) or on the organisations it
    joins ("the Collective Security Treaty ... became known as the CSTO"), never on
    the actor alone, which a thousand other events share. The actors are a guard, like
    numbers (`_Guard`): "US troops entered Syria" is not "Russian troops entered Syria".
    """
    if EVENTS.keys().isdisjoint(words) or not MODALS.isdisjoint(words):
        return []
    terms: list[str] = []
    for i, word in enumerate(words):
        for event in EVENTS.get(word, ()):
            end = i + len(event.phrase)
            if tuple(words[i:end]) != event.phrase:
                continue
            near = words[max(0, i - EVENT_WINDOW):end + EVENT_WINDOW]
            if (event.with_words and event.with_words.isdisjoint(near)
                    and PRONOUNS.isdisjoint(near)):
                continue  # what was sent is not named next to the verb
            if event.keyed_by == "place":
                keyed = {term for label, name, term in names
                         if label in _PLACE_LABELS and _follows(words, name, end)}
                if keyed:
                    before = words[:i]
                    terms.extend(sys.intern(f"b:{_ACTOR_KINDS[label]}:{term[2:]}")
                                 for label, name, term in names
                                 if label in _ACTOR_KINDS and term not in keyed
                                 and _follows(before, name, 0))
            else:
                keyed = {term for label, _, term in names if label in _PARTY_LABELS}
                if len(keyed) < 2:
                    keyed = set()
            terms.extend(sys.intern(f"v:{event.name}@{term[2:]}") for term in keyed)
            if keyed:
                terms.append(sys.intern(f"c:{event.name}"))
    return terms


def rank_terms(text: str, words: list[str]) -> list[str]:
    """`r:#1` when the clause says what its subject ranks ("the intervention in
    Kazakhstan was the first notable CSTO operation"): that rank is the fact, and with
    the names of the subject and of the set it ranks in (RANK_NAMES) it pins the fact
    down like a date. A "first" that only modifies a noun ("the first debate", "for
    the first time") is not one."""
    if _ORDINAL_WORDS.isdisjoint(words):
        return []
    return sorted({f"r:{_NUMBER_WORDS[m]}" for m in _RANK.findall(fold(text))})


# "the Feb. 9 primary", "the 2016 election", "whose June 24 decision": a date that
# modifies a noun names the thing (which primary), it does not date what the clause
# states; "In 2012 Uzbekistan left" and "the primary on Feb. 9" are dates of the fact.
# After a possessive ("his 2005 vote") the thing is someone's act, often what the
# clause is about, and the date stays the fact's
_MONTH_PATTERN = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|june?|july?|"
                  r"aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_NAMING_DATE = re.compile(
    r"\b(?:the|a|an|this|that|these|those|whose)\s+"
    r"((?:" + _MONTH_PATTERN + r"(?:\s+\d{1,2}(?:st|nd|rd|th)?)?(?:,?\s+(?:19|20)\d\d)?"
    r"|(?:19|20)\d\d))\s+([^\W\d_]+)", re.IGNORECASE)


def naming_dates(text: str) -> set[str]:
    """The numbers (as in `guard_key`) of the dates that only name a thing ("the Feb. 9
    primary election"): they still keep "the 2016 election" from "the 2020 election"
    (a guard), but they do not pin a fact down as the date of what is stated does
    (a same-fact key), or every claim about the New Hampshire primary is one fact."""
    spans = [m for m in _NAMING_DATE.finditer(text)
             if (w := m.group(2).lower()) not in _STOPWORDS and w not in _NUMBER_WORDS]
    if not spans:
        return set()
    naming = {n for m in spans for n in guard_key(m.group(1))[0]}
    rest = text
    for m in reversed(spans):
        rest = rest[:m.start(1)] + " " + rest[m.end(1):]
    return naming - set(guard_key(rest)[0])


_ACTOR_LABELS = frozenset({"GPE", "NORP", "ORG", "PERSON"})
_AUXILIARIES = frozenset({"has", "have", "had", "is", "was", "were", "are"})
_APOSTROPHES = frozenset({"'", "\u2019"})


def owner_terms(text: str, names: list[tuple[str, list[str], str]]) -> list[str]:
    """Whose forces or whose act of a resources/fact_synonyms.tsv class a name is:
    `w:c:troops=us` for "US forces", `w:c:deploy=russia` for "Russia has sent": a
    country, people, organisation or person written right before a word of a class (a
    possessive "'s" or an auxiliary "has", "was" in between) is the one that word is of
    or done by. Two claims with the same class of different names are about different
    actors ("the CSTO forces were alerted" / "US forces left"), a guard like the numbers
    (`_Guard`). Only words of a class: before any other word a name is as often a title
    ("Texas Sen. Ted Cruz") or one side of the event ("Obama won Latino voters by 71 to
    27 percent" / "Romney won only 27 percent of that vote"). `names` as in
    `event_terms`."""
    actors = [(name, term) for label, name, term in names if label in _ACTOR_LABELS and name]
    if not actors:
        return []
    folded = fold(text)
    found = list(_WORD.finditer(folded))
    words = [m.group() for m in found]
    name_words = {w for _, name, _ in names for w in name}
    terms: list[str] = []

    def spaced(j: int) -> bool:  # only white space between words j - 1 and j
        return j < len(words) and folded[found[j - 1].end():found[j].start()].isspace()

    for name, term in actors:
        n = len(name)
        for i in range(len(words) - n):
            if words[i] != name[0] or words[i:i + n] != name:
                continue
            j = i + n
            if (words[j] == "s" and j + 1 < len(words)
                    and folded[found[j - 1].end():found[j].start()] in _APOSTROPHES):
                j += 1
            if not spaced(j):
                continue
            if words[j] in _AUXILIARIES and spaced(j + 1):
                j += 1
            kind = SYNONYMS.get(_stem(words[j]))
            if kind is not None and words[j] not in name_words:
                terms.append(sys.intern(f"w:{kind}={term[2:]}"))
    return terms


@dataclass(slots=True)
class ClaimKey:
    """What dedup needs of a claim (a few hundred bytes, not the whole record)."""

    claim_id: str
    doc_id: str
    text: str
    source: str
    attribution: str = "reported"
    terms: tuple[str, ...] = ()
    numbers: tuple[str, ...] = ()
    negated: bool = False


def claim_key(claim: ClaimRecord | dict) -> ClaimKey:
    """The compact key of a claim record (a model or its JSON dict)."""
    if isinstance(claim, ClaimRecord):
        claim = {"claim_id": claim.claim_id, "doc_id": claim.doc_id,
                 "content": {"text": claim.content.text},
                 "source": {"canonical": claim.source.canonical},
                 "attribution": claim.attribution,
                 "entities": [{"text": e.text, "canonical": e.canonical, "label": e.label}
                              for e in claim.entities]}
    text = claim["content"]["text"]
    words = _words(text)
    numbers, negated = guard_key(text, words)
    named = [e for e in claim.get("entities", ()) if e.get("label") not in _UNIT_LABELS]
    canonical = [e.get("canonical") or e["text"] for e in named]
    terms = content_terms(text, canonical, [e["text"] for e in named], numbers, words)
    names = [(e.get("label"), _WORD.findall(fold(e["text"])), _entity_term(c))
             for e, c in zip(named, canonical, strict=True) if c]
    facts = event_terms(words, names)
    facts += rank_terms(text, words)
    if _marked(terms, "c:"):  # a word of a class, which a name may be the owner of
        facts += owner_terms(text, names)
    naming = naming_dates(text) if numbers else ()
    if naming:
        terms = tuple(f"t:{t[2:]}" if t.startswith("n:") and t[2:] in naming else t
                      for t in terms)
    if facts or naming:
        terms = tuple(sorted(set(terms).union(facts)))
    return ClaimKey(claim_id=claim["claim_id"], doc_id=claim["doc_id"], text=text,
                    source=claim["source"]["canonical"],
                    attribution=claim.get("attribution", "reported"), terms=terms,
                    numbers=numbers, negated=negated)


# --- blocking ---------------------------------------------------------------------


_BAND_MIX = _rng.integers(1, 1 << 62, size=(ROWS,), dtype=np.uint64) | np.uint64(1)
_BAND_SALT = _rng.integers(0, 1 << 62, size=(BANDS,), dtype=np.uint64)


def _shingle_hashes(text: str) -> list[int]:
    words = text.split()
    grams = ({" ".join(words[i:i + 2]) for i in range(len(words) - 1)} if len(words) > 1
             else {text})
    return [zlib.crc32(g.encode("utf-8")) for g in grams]


def band_matrix(texts: list[str]) -> np.ndarray:
    """LSH bucket of each band for each text: MinHash signatures over word 2-shingles
    (NUM_PERM universal hash functions), BANDS bands of ROWS rows, each band folded to
    one int64 (salted by band, so buckets of different bands never meet). Computed
    MINHASH_CHUNK texts at a time with numpy: (n, BANDS) int64."""
    result = np.empty((len(texts), BANDS), dtype=np.int64)
    prime = np.uint64(_PRIME)
    for start in range(0, len(texts), MINHASH_CHUNK):
        hashes = [_shingle_hashes(t) for t in texts[start:start + MINHASH_CHUNK]]
        lengths = np.fromiter((len(h) for h in hashes), dtype=np.int64, count=len(hashes))
        flat = np.fromiter((x for h in hashes for x in h), dtype=np.uint64,
                           count=int(lengths.sum()))
        offsets = np.concatenate(([0], np.cumsum(lengths)[:-1]))
        # (a*x + b) mod 2^64, masked: a Mersenne-prime-free mix is fine for bucketing
        values = np.multiply(flat[:, None], _A[None, :])
        np.add(values, _B[None, :], out=values)
        np.bitwise_and(values, prime, out=values)
        signatures = np.minimum.reduceat(values, offsets, axis=0)
        rows = signatures.reshape(len(hashes), BANDS, ROWS)
        folded = (rows * _BAND_MIX).sum(axis=2, dtype=np.uint64) ^ _BAND_SALT
        result[start:start + len(hashes)] = folded.view(np.int64)
    return result


def candidate_pairs(bands: np.ndarray) -> set[tuple[int, int]]:
    """Pairs of rows sharing at least one band bucket of at most MAX_BUCKET members
    (a bucket this full is a common phrase, not a duplicate signal)."""
    pairs: set[tuple[int, int]] = set()
    rows = np.arange(len(bands), dtype=np.int64)
    for column in bands.T:
        pairs |= _grouped_pairs(column, rows, MAX_BUCKET)
    return pairs


@lru_cache(maxsize=1 << 18)
def _specific(term: str) -> bool:
    """A number that pins a fact down: a year, a month, or a figure above ten ("40",
    "2,500"); not "one", "two" or "first", which any two claims may share."""
    if not term.startswith("n:"):
        return False
    number = term[2:]
    if number[0] in "my":
        return True
    return number[0] != "#" and (not number.isdigit() or int(number) > 10)


def _marked(terms: tuple[str, ...], mark: str) -> tuple[str, ...]:
    """The terms with a prefix ("e:" names, "n:" numbers): a run of the sorted tuple."""
    start = bisect_left(terms, mark)
    return terms[start:bisect_left(terms, mark[0] + ";", start)]  # ";" follows ":"


def fact_keys(terms: tuple[str, ...]) -> list[str]:
    """Blocking keys of the same-fact step, exactly what verification requires two
    statements of a fact to share: each (named entity, specific number or stated
    rank) pair, each event fact (`v:`, `event_terms`), and the whole list of names of
    an enumeration."""
    names = _marked(terms, "e:")
    figures = [t for t in _marked(terms, "n:") if _specific(t)]
    # a date that names a thing (`naming_dates`) is no fact's date, but it counts in how
    # common the key is (FACT_BUCKET: "Obama|2008" is a topic however it is written);
    # such a form is a candidate that verification turns down unless something else
    # pins the fact
    figures.extend(f"n:{t[2:]}" for t in _marked(terms, "t:") if _specific(f"n:{t[2:]}"))
    figures.extend(_marked(terms, "r:"))
    keys = [f"{name}|{figure}" for name in names for figure in figures]
    keys.extend(_marked(terms, "v:"))
    if len(names) >= LIST_MIN:
        keys.append("list:" + "|".join(names))
    return keys


def _grouped_pairs(values: np.ndarray, rows: np.ndarray, limit: int) -> set[tuple[int, int]]:
    """Pairs of `rows` whose `values` are equal, in groups of 2 to `limit` members."""
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    bounds = np.concatenate(([0], np.flatnonzero(np.diff(ordered)) + 1, [len(ordered)]))
    sizes = np.diff(bounds)
    pairs: set[tuple[int, int]] = set()
    for first in np.flatnonzero((sizes > 1) & (sizes <= limit)):
        members = sorted(set(rows[order[bounds[first]:bounds[first + 1]]].tolist()))
        pairs.update((a, b) for i, a in enumerate(members) for b in members[i + 1:])
    return pairs


def _shared_key_pairs(terms: list[tuple[str, ...]]) -> set[tuple[int, int]]:
    """Pairs of forms sharing a same-fact key (`fact_keys`) held by at most FACT_BUCKET
    forms; keys are hashed to integers and grouped with numpy, not held as strings."""
    hashes: list[int] = []
    rows: list[int] = []
    for index, form_terms in enumerate(terms):
        for key in fact_keys(form_terms):
            hashes.append(hash(key))
            rows.append(index)
    return _grouped_pairs(np.array(hashes, dtype=np.int64), np.array(rows, dtype=np.int64),
                          FACT_BUCKET)


# --- verification -----------------------------------------------------------------


_NO_NUMBERS: frozenset[str] = frozenset()


@dataclass(slots=True)
class _Guard:
    """The numbers, polarity and enumerated names a component's members state."""

    numbers: frozenset[str]
    negated: bool
    listed: frozenset[str] | None = None  # the names of an enumeration ("A, B, C and D")
    actors: frozenset[str] = frozenset()  # who did an event (`b:` terms, `event_terms`)
    owners: frozenset[str] = frozenset()  # whose thing or act (`w:` terms, `owner_terms`)

    def agrees(self, other: _Guard) -> bool:
        """Same polarity; for each kind of number both state, one side's values
        contained in the other's, and the same for each kind of actor of an event;
        the same enumeration, if both enumerate."""
        if self.negated != other.negated:
            return False
        if not (_nested(self.numbers, other.numbers, _number_kind)
                and _nested(self.actors, other.actors, _actor_kind)
                and _nested(self.owners, other.owners, _owned)):
            return False
        return self.listed is None or other.listed is None or self.listed == other.listed

    def join(self, other: _Guard) -> _Guard:
        return _Guard(self.numbers | other.numbers, self.negated,
                      self.listed if self.listed is not None else other.listed,
                      self.actors | other.actors, self.owners | other.owners)


def _actor_kind(term: str) -> str:
    return term[2]  # "b:g:russia" -> "g"


def _owned(term: str) -> str:
    return term[:term.index("=")]  # "w:c:troops=us" -> "w:c:troops"


def _nested(mine: frozenset[str], theirs: frozenset[str], kind_of: Callable[[str], str]
            ) -> bool:
    """For each kind both sides state, one side's values contained in the other's."""
    if mine == theirs:
        return True
    for kind in {kind_of(v) for v in mine}:
        a = {v for v in mine if kind_of(v) == kind}
        b = {v for v in theirs if kind_of(v) == kind}
        if b and not (a <= b or b <= a):
            return False
    return True


@dataclass
class _Forms:
    """Distinct normalised forms of the claims being clustered, with their features."""

    texts: list[str] = field(default_factory=list)
    terms: list[tuple[str, ...]] = field(default_factory=list)
    guards: list[_Guard] = field(default_factory=list)
    first_doc: list[str] = field(default_factory=list)  # the article a form was first seen in
    many_docs: set[int] = field(default_factory=set)  # forms seen in more than one article
    old: list[bool] = field(default_factory=list)  # every claim of the form from a past run

    def add(self, norm: str, key: ClaimKey) -> int:
        names = _marked(key.terms, "e:")
        self.texts.append(norm)
        self.terms.append(key.terms)
        actors = _marked(key.terms, "b:")
        owners = _marked(key.terms, "w:")
        self.guards.append(_Guard(frozenset(key.numbers) if key.numbers else _NO_NUMBERS,
                                  key.negated,
                                  frozenset(names) if len(names) >= LIST_MIN else None,
                                  frozenset(actors) if actors else _NO_NUMBERS,
                                  frozenset(owners) if owners else _NO_NUMBERS))
        self.first_doc.append(key.doc_id)
        self.old.append(True)
        return len(self.texts) - 1

    def seen_in(self, form: int, doc_id: str) -> None:
        if doc_id != self.first_doc[form]:
            self.many_docs.add(form)

    def one_article(self, a: int, b: int) -> bool:
        """Both forms come from the same single article (clauses of one sentence
        share words; the same-fact step only joins articles)."""
        return (a not in self.many_docs and b not in self.many_docs
                and self.first_doc[a] == self.first_doc[b])


class _FactScorer:
    """How surely two forms state the same fact: the IDF-weighted overlap of their term
    sets, relative to the smaller one (a short restatement of a fact inside a longer
    sentence still matches it). 0 unless they share FACT_MIN_SHARED terms in all and
    either list the same names (an enumeration), or share a name and a number or date
    that is not an ordinal, or an event (`v:`), or a stated rank with RANK_NAMES names
    and a word or event class (what ranks: a rank is within a set, "the intervention
    in Kazakhstan was the first notable CSTO operation" names the subject, the set and
    the kind of thing; one name and "the first" join "Clinton became the first woman
    to win the nomination" and "Clinton was the first to make the appeal"): words
    alone join topics, not facts. Each term's IDF and each form's weight are computed
    once (a large run verifies millions of candidate pairs)."""

    def __init__(self, forms: _Forms, df: Counter, total: int) -> None:
        self.forms, self.df, self.total = forms, df, total
        self.idf: dict[str, float] = {}
        self.sets: dict[int, frozenset[str]] = {}
        self.weights: dict[int, float] = {}

    def _weight(self, terms: Iterable[str]) -> float:
        idf, weight = self.idf, 0.0
        for term in terms:
            value = idf.get(term)
            if value is None:
                value = idf[term] = math.log(1 + self.total / max(self.df[term], 1))
            weight += value
        return weight

    def _form(self, index: int) -> tuple[frozenset[str], float]:
        if index not in self.sets:  # actors (`b:`, `w:`) are a guard, not words of the claim
            self.sets[index] = frozenset(t for t in self.forms.terms[index]
                                         if not t.startswith(("b:", "w:")))
            self.weights[index] = self._weight(self.sets[index])
        return self.sets[index], self.weights[index]

    def __call__(self, a: int, b: int) -> float:
        terms_a, weight_a = self._form(a)
        terms_b, weight_b = self._form(b)
        shared = terms_a & terms_b
        names = sum(1 for t in shared if t.startswith("e:"))
        one_fact = len(shared) >= FACT_MIN_SHARED and (
            any(t.startswith("v:") for t in shared)
            or names >= 1 and any(map(_specific, shared))
            or names >= RANK_NAMES and any(t.startswith("r:") for t in shared)
            and any(":" not in t or t.startswith("c:") for t in shared))
        if not one_fact:
            names = self.forms.guards[a].listed
            if names is None or names != self.forms.guards[b].listed:
                return 0.0
        return self._weight(shared) / min(weight_a, weight_b)


def _scored_pairs(forms: _Forms, score: _FactScorer) -> list[tuple[float, int, int, bool]]:
    """Verified candidate pairs as (score, a, b, guards_agree), best first; pairs of two
    forms already clustered by an earlier run are settled and skipped."""
    scored: dict[tuple[int, int], tuple[float, bool]] = {}
    for a, b in candidate_pairs(band_matrix(forms.texts)):
        if forms.old[a] and forms.old[b]:
            continue
        ratio = fuzz.token_sort_ratio(forms.texts[a], forms.texts[b])
        if ratio >= VERIFY_THRESHOLD:
            scored[(a, b)] = (1.0 + ratio / 100, forms.guards[a].agrees(forms.guards[b]))
    for a, b in _shared_key_pairs(forms.terms):
        if (a, b) in scored or forms.one_article(a, b) or (forms.old[a] and forms.old[b]):
            continue
        similarity = score(a, b)
        if similarity >= FACT_THRESHOLD:
            scored[(a, b)] = (similarity, forms.guards[a].agrees(forms.guards[b]))
    return sorted(((s, a, b, ok) for (a, b), (s, ok) in scored.items()),
                  key=lambda item: (-item[0], item[1], item[2]))


def _components(forms: _Forms, pairs: list[tuple[float, int, int, bool]],
                score: _FactScorer, preset: Iterable[list[int]] = ()
                ) -> tuple[UnionFind, set[tuple[int, int]]]:
    """Union verified pairs, best first, refusing any merge the guards forbid.

    A same-fact pair joining groups that already have other members must also hold
    on average over the two groups (average linkage): two facts about one event
    ("troops entered Kazakhstan", "it was the first CSTO operation") each close to a
    third must not become one claim through it. Returns the union-find and the pairs
    kept apart by a guard (their disagreement).
    """
    finder = UnionFind()
    guards: dict[int, _Guard] = {}
    members: dict[int, list[int]] = {}
    disagreements: set[tuple[int, int]] = set()
    for group in preset:  # the clusters of earlier runs stay whole
        for form in group[1:]:
            finder.union(group[0], form)
        root = finder.find(group[0])
        guard = forms.guards[group[0]]
        for form in group[1:]:
            guard = guard.join(forms.guards[form])
        guards[root], members[root] = guard, list(group)
    for strength, a, b, agree in pairs:
        root_a, root_b = finder.find(a), finder.find(b)
        if root_a == root_b:
            continue
        guard_a = guards.get(root_a, forms.guards[a])
        guard_b = guards.get(root_b, forms.guards[b])
        if not agree or not guard_a.agrees(guard_b):
            disagreements.add((a, b))
            continue
        group_a, group_b = members.get(root_a, [a]), members.get(root_b, [b])
        if strength < 1.0 and len(group_a) + len(group_b) > 2:
            sample_a, sample_b = group_a[:LINKAGE_SAMPLE], group_b[:LINKAGE_SAMPLE]
            mean = (sum(score(x, y) for x in sample_a for y in sample_b)
                    / (len(sample_a) * len(sample_b)))
            if mean < FACT_THRESHOLD:
                continue
        finder.union(a, b)
        root = finder.find(a)
        guards[root] = guard_a.join(guard_b)
        members[root] = group_a + group_b
    return finder, disagreements


def cluster_id_of(claim_ids: Iterable[str]) -> str:
    return "cl_" + hashlib.sha1(min(claim_ids).encode()).hexdigest()[:12]


# --- the clustering ---------------------------------------------------------------


@dataclass
class Clustering:
    """The result: each claim's cluster, and the clusters' members, from which the
    records are made one at a time as they are written (`records()`)."""

    cluster_of: dict[str, str]
    groups: dict[str, list[ClaimKey]]
    conflicts: dict[str, set[str]]
    articles: dict[str, tuple[str | None, str | None]]

    def _order(self) -> list[tuple[int, str]]:
        return sorted((-len({k.doc_id for k in items}), cluster_id)
                      for cluster_id, items in self.groups.items())

    def records(self) -> Iterator[ClusterRecord]:
        """clusters.jsonl's records: most articles first, then by id."""
        for _, cluster_id in self._order():
            yield cluster_record(cluster_id, self.groups[cluster_id], self.articles,
                                 self.conflicts.get(cluster_id, ()))

    @property
    def clusters(self) -> list[ClusterRecord]:
        return list(self.records())

    def __len__(self) -> int:
        return len(self.groups)

    @property
    def across_articles(self) -> int:
        """How many clusters hold more than one article."""
        return sum(1 for n, _ in self._order() if n < -1)


@dataclass
class Assignment:
    """Where each claim goes: its cluster id, the clusters of earlier runs merged into
    another (old id -> new id), and the claim pairs a guard kept apart."""

    cluster_of: dict[str, str]
    retired: dict[str, str]
    disagreements: set[tuple[str, str]]


def assign(keys: list[ClaimKey], old_clusters: dict[str, str], df: Counter,
           total: int) -> Assignment:
    """Cluster `keys`; those in `old_clusters` (claim id -> cluster id) were clustered by
    an earlier run and keep their clusters whole. `df` and `total` are the document
    frequencies of terms over all distinct forms."""
    forms = _Forms()
    form_index: dict[str, int] = {}
    form_of: list[int] = []
    for key in keys:
        norm = normalise(key.text)
        if norm not in form_index:
            form_index[norm] = forms.add(norm, key)
        form = form_index[norm]
        form_of.append(form)
        forms.seen_in(form, key.doc_id)
        forms.old[form] = forms.old[form] and key.claim_id in old_clusters
    by_old: dict[str, list[int]] = defaultdict(list)
    for key, form in zip(keys, form_of, strict=True):
        if key.claim_id in old_clusters and form not in by_old[old_clusters[key.claim_id]]:
            by_old[old_clusters[key.claim_id]].append(form)
    score = _FactScorer(forms, df, total)
    finder, kept_apart = _components(forms, _scored_pairs(forms, score), score,
                                     preset=[by_old[c] for c in sorted(by_old)])
    members: dict[int, list[int]] = defaultdict(list)
    for index, form in enumerate(form_of):
        members[finder.find(form)].append(index)
    cluster_of: dict[str, str] = {}
    retired: dict[str, str] = {}
    for indices in members.values():
        ids = [keys[i].claim_id for i in indices]
        previous = sorted({old_clusters[c] for c in ids if c in old_clusters})
        cluster_id = previous[0] if previous else cluster_id_of(ids)
        retired.update((old, cluster_id) for old in previous[1:])
        cluster_of.update((c, cluster_id) for c in ids)
    first_claim = {form: keys[i].claim_id for i, form in reversed(list(enumerate(form_of)))}
    disagreements = {(first_claim[a], first_claim[b]) for a, b in kept_apart}
    return Assignment(cluster_of, retired, disagreements)


def cluster_keys(keys: list[ClaimKey],
                 articles: dict[str, tuple[str | None, str | None]] | None = None,
                 state: ClusterState | None = None) -> Clustering:
    """Cluster `keys` (with the claims already in `state`, if given).

    `articles` maps doc_id to (publisher, published date) for the clusters' outlets
    and first date; with a state, articles of earlier runs come from it.
    """
    articles = dict(articles or {})
    if state is not None:
        return state.cluster(keys, articles)
    distinct = {normalise(k.text): k.terms for k in keys}
    df = Counter(t for terms in distinct.values() for t in set(terms))
    result = assign(keys, {}, df, len(distinct))
    groups: dict[str, list[ClaimKey]] = defaultdict(list)
    for key in keys:
        groups[result.cluster_of[key.claim_id]].append(key)
    conflicts = _conflicts(result.disagreements, result.cluster_of.__getitem__)
    return Clustering(result.cluster_of, dict(groups), conflicts, articles)


def _conflicts(pairs: Iterable[tuple[str, str]], cluster_of: Callable[[str], str]
               ) -> dict[str, set[str]]:
    """cluster id -> the clusters it disagrees with, from claim pairs kept apart."""
    conflicts: dict[str, set[str]] = defaultdict(set)
    for a, b in pairs:
        id_a, id_b = cluster_of(a), cluster_of(b)
        if id_a != id_b:
            conflicts[id_a].add(id_b)
            conflicts[id_b].add(id_a)
    return conflicts


def cluster_record(cluster_id: str, items: list[ClaimKey],
                   articles: dict[str, tuple[str | None, str | None]],
                   disagrees_with: Iterable[str] = ()) -> ClusterRecord:
    """The clusters.jsonl line of one cluster's members (built without re-validation:
    a large run has a million of them, and every field is made here)."""
    representative = max(items, key=lambda k: (len(k.text), k.claim_id))
    doc_ids = sorted({k.doc_id for k in items})
    meta = [articles.get(d, (None, None)) for d in doc_ids]
    dates = sorted(date for _, date in meta if date)
    counts: dict[str, int] = {}
    for key in items:
        counts[key.attribution] = counts.get(key.attribution, 0) + 1
    return ClusterRecord.model_construct(
        cluster_id=cluster_id, text=representative.text,
        claim_ids=sorted(k.claim_id for k in items), doc_ids=doc_ids,
        publishers=sorted({p for p, _ in meta if p}),
        sources=sorted({k.source for k in items if k.source}),  # not an unsourced report's ""
        first_published=dates[0] if dates else None, n_articles=len(doc_ids),
        attributions=dict(sorted(counts.items())), disagrees_with=sorted(disagrees_with))


def cluster_claims(claims: list[ClaimRecord],
                   articles: dict[str, tuple[str | None, str | None]] | None = None
                   ) -> list[ClusterRecord]:
    """Cluster full claim records in memory and set each one's `cluster_id`."""
    result = cluster_keys([claim_key(c) for c in claims], articles)
    for claim in claims:
        claim.cluster_id = result.cluster_of[claim.claim_id]
    return result.clusters

