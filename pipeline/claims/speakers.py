"""Speaker resolution: who each attribution's source is, by a canonical name.

In: a parsed Doc and its `Attribution`s. Out: the same attributions with
`source_canonical`, `source_type`, `source_named` and `source_role` set.

Method: rule-based, salience-ordered resolution in the manner of Lappin &
Leass (1994) and the speaker-attribution rules of the GenderGapTracker
(Asr et al. 2021), since no offline neural coreference model ships on PyPI
for spaCy 3.8:
  * names: the PERSON/ORG entity inside the source; short names ("Markov")
    map to the fullest form the article uses ("Sergey Markov"); the words
    around the name ("Russian President") become its `role`;
  * acronyms defined in the article ("Institute for the Study of War (ISW)")
    map to their expansion;
  * pronouns: a compatible name in the pronoun's own sentence, else the main-clause
    subject of the sentence before when it comes after the last speaker, else the most
    recent compatible speaker, else the most recent compatible entity (he/she ->
    person; it/they -> organisation or group);
  * descriptions ("the deputy", "the head of the Russian General Staff"):
    the person whose introduction shares the description's words, else the
    most recent person speaker; "the commission", "the network", "the poll": the
    organisation, medium or document named before it with that noun;
  * an organisation known by its owner ("the Clinton campaign", "her campaign"):
    the owner's canonical name and the noun ("Hillary Clinton campaign");
  * everything else keeps its own words, typed by its head noun (media,
    document, group) from `resources/source_nouns.tsv`.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import resources

import gender_guesser.detector
from spacy.tokens import Doc, Span, Token

from pipeline.claims.attribution import Attribution, doc_text
from pipeline.claims.quotes import QuoteIndex

PERSON_PRONOUNS = {"he", "she", "him", "her", "his", "i", "me"}
PRONOUN_GENDER = {"he": "male", "him": "male", "his": "male", "she": "female", "her": "female"}
TITLE_GENDER = {"mr": "male", "mrs": "female", "ms": "female", "miss": "female", "sir": "male",
                "madam": "female", "lady": "female", "lord": "male", "king": "male",
                "queen": "female", "prince": "male", "princess": "female", "father": "male",
                "mother": "female", "brother": "male", "sister": "female", "son": "male",
                "daughter": "female", "husband": "male", "wife": "female", "man": "male",
                "woman": "female", "congressman": "male", "congresswoman": "female",
                "chairman": "male", "chairwoman": "female", "spokesman": "male",
                "spokeswoman": "female", "businessman": "male", "businesswoman": "female"}
GROUP_PRONOUNS = {"they", "them", "their", "it", "its", "we", "us"}
PLURAL_PRONOUNS = {"they", "them", "their"}
VOICES = {"we", "us", "i", "me", "you"}  # the article's own voice, or an interviewer
PLACE_LABELS = {"GPE", "FAC", "LOC"}  # "they" is the people of a place, not the place
DETERMINERS = {"the", "a", "an", "some", "many", "several", "most", "other", "these",
               "those", "this", "that", "all", "both", "few", "certain", "various"}
ORG_LABELS = {"ORG", "GPE", "NORP", "FAC"}
ACRONYM = re.compile(
    r"((?:[A-Z][\w’'.-]*|of|for|the|and|on|in|de)(?:\s+(?:[A-Z][\w’'.-]*|of|for|the|and|on|in|de))+)"
    r"\s*[(\[]\s*([A-Z][A-Za-z]*[A-Z])\s*[)\]]")


@lru_cache(maxsize=1)
def _source_nouns() -> dict[str, str]:
    text = resources.files("pipeline.resources").joinpath("source_nouns.tsv").read_text("utf-8")
    rows = [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]
    return {row[0]: row[1] for row in rows}


@lru_cache(maxsize=1)
def _media_names() -> frozenset[str]:
    text = resources.files("pipeline.resources").joinpath("media_outlets.txt").read_text("utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines()
                     if line.strip() and not line.startswith("#"))


@lru_cache(maxsize=1)
def _person_roles() -> frozenset[str]:
    text = resources.files("pipeline.resources").joinpath("person_roles.txt").read_text("utf-8")
    return frozenset(line.strip() for line in text.splitlines()
                     if line.strip() and not line.startswith("#"))


@lru_cache(maxsize=1)
def _gender_detector() -> gender_guesser.detector.Detector:
    return gender_guesser.detector.Detector(case_sensitive=False)


def name_gender(name: str, context: set[str] | frozenset[str] = frozenset()) -> str | None:
    """'male', 'female' or None: from a title or gendered role in the context, else the
    first name (gender-guesser's name lists, Michael 2007)."""
    for word in context:
        if word.rstrip(".") in TITLE_GENDER:
            return TITLE_GENDER[word.rstrip(".")]
    words = name.split()
    return _first_name_gender(words[0].strip(".,")) if len(words) > 1 else None


HONORIFICS = {"mr", "mrs", "ms", "miss", "sir", "madam"}


def _honorific_gender(mention: Mention) -> str | None:
    """The gender of an honorific written right before a name ("Mr. Obama"), or None."""
    ent = mention.ent
    if ent.start == 0:
        return None
    word = ent.doc[ent.start - 1].lower_.rstrip(".")
    return TITLE_GENDER[word] if word in HONORIFICS else None


@lru_cache(maxsize=65536)
def _first_name_gender(first: str, likely: bool = False) -> str | None:
    """The gender of a first name; with `likely`, also of names the lists call "mostly"
    one ("Chris"), which are too often the other ("Bernie", "Terry") to trust first."""
    guess = _gender_detector().get_gender(first)
    if likely:
        guess = guess.removeprefix("mostly_")
    return guess if guess in {"male", "female"} else None


def person_role(lemma: str) -> bool:
    """A common noun that names a person by role or trade ('deputy', 'author')."""
    return lemma in _person_roles()


def speaker_noun(lemma: str) -> bool:
    """A common noun that can name a speaker: a role ('minister'), a group ('analysts'),
    a medium or a document."""
    return lemma in _person_roles() or lemma in _source_nouns()


MEMBERSHIP_PREPS = {"of", "from", "at", "for", "by", "with"}  # "analysts at ISW"
NOMINAL_POS = {"NOUN", "PROPN", "ADJ", "PART", "NUM"}


def _speaks_for(entity: Span, head: Token) -> bool:
    """Whether an organisation or place inside a source is who speaks: the source's head
    itself, a name before it ("ISW analysts"; not the place a person comes from, "A New
    York judge"), its apposition, or the body its members belong to ("officials at the
    FBI", "a report by ISW"); not a topic or a place ("Experts on North Korea",
    "Security experts in the United States") nor one named further down ("the foreign
    minister of France, a member of the Security Council")."""
    if entity.start <= head.i < entity.end:
        return True
    # the entity's own root, past a determiner the model took in ("The Real Clear Politics")
    root = next((t for t in entity if t.dep_ != "det"
                 and not entity.start <= t.head.i < entity.end), entity.root)
    between = head.doc[entity.end:head.i]
    if entity.end <= head.i and all(t.pos_ in NOMINAL_POS or t.text in {"/", "-", "&"}
                                    for t in between):
        # a name before the head ("ISW analysts", "The Reuters/Ipsos poll", "The Sanders
        # campaign projects"), not the place a person comes from ("A New York judge")
        return not (entity.label_ in PLACE_LABELS and head.tag_ == "NN")
    if root.dep_ == "appos" and root.head == head:
        return True  # "One Republican presidential hopeful, Carly Fiorina"
    if root.dep_ != "pobj" or root.head.lower_ not in MEMBERSHIP_PREPS:
        return False
    attached = root.head.head
    if attached.dep_ == "acl" and root.head.lower_ == "by":
        attached = attached.head  # "a suicide analysis released by the Department of ..."
    return attached == head


def _balanced(text: str) -> str:
    """`text` without the brackets a removed name or clause left behind: "deputy ( )" is
    "deputy", "Sen. (I-Vt.)" stays whole, "(the chairman of ...)" loses its brackets."""
    text = re.sub(r"\(\s*\)", " ", text).strip(" ,;:")
    while text.startswith(")") or (text.startswith("(") and text.count("(") > text.count(")")):
        text = text[1:].strip(" ,;:")
    while text.endswith("(") or (text.endswith(")") and text.count(")") > text.count("(")):
        text = text[:-1].strip(" ,;:")
    if text[:1] == "(" and text[-1:] == ")" and text.count("(") == 1:
        text = text[1:-1].strip(" ,;:")
    return text


@dataclass
class Mention:
    """A named entity mention the resolver may point a source at."""

    start: int
    end: int
    name: str
    label: str
    ent: Span
    subject: bool = False  # part of its clause's subject (more salient, Lappin & Leass 1994)

    @cached_property
    def context(self) -> set[str]:
        """Content words introducing the entity in its own noun phrase: a title before
        it, an apposition after it ("Republican presidential nominee Donald Trump", "Ed
        Rendell, a Clinton surrogate"), not the words of a neighbour ("President Obama
        and his wife Michelle": "president" is not Michelle's)."""
        ent, doc = self.ent, self.ent.doc
        sent = ent.sent
        left = doc[max(sent.start, ent.start - 12):ent.start]
        right = doc[ent.end:min(sent.end, ent.end + 12)]
        around = list(left) + (list(right) if right.text.lstrip().startswith(",") else [])
        # a possessor's or a preposition's object's phrase is not its description
        # ("FBI criticism of Clinton's use": "FBI" is not Clinton's)
        own = {ent.root.i} if ent.root.dep_ in {"poss", "pobj"} else _phrase_chain(ent.root)
        words = {_role_word(t) for t in around
                 if t.is_alpha and not t.is_stop and _phrase_chain(t) & own}
        if ent.start > 0:
            words.add(_role_word(doc[ent.start - 1].lower_))
        return words


CLAUSE_DEPS = {"conj", "relcl", "acl", "advcl", "ccomp", "xcomp", "parataxis"}
PARTY_WORDS = {"gop": "republican", "democratic": "democrat"}
PARTIES = {"republican", "democrat", "libertarian"}
INDEFINITE = {"a", "an", "some", "one", "many", "several", "another", "other", "most", "few",
              "two", "three", "four", "any", "each", "every", "no"}
GENERIC_DOCUMENTS = {"document", "text"}  # may name any document before them
PERSONAL_ORGS = {"campaign", "administration"}  # named after a person, however tagged
OWNED_GROUPS = {"group", "team", "family", "camp", "supporter", "ally", "faction"}
NAME_JOINERS = {"of", "on", "for", "the", "and", "-", "&"}  # inside an organisation's name


def _phrase_chain(token: Token) -> set[int]:
    """The token and its heads up to the edge of its noun phrase (a verb, a clause or a
    conjunction): two tokens whose chains meet are in one noun phrase."""
    chain = {token.i}
    while (token.head.i != token.i and token.dep_ not in CLAUSE_DEPS
           and token.head.pos_ not in {"VERB", "AUX"}):
        token = token.head
        chain.add(token.i)
    return chain


TITLE_ABBREVIATIONS = {"sen": "senator", "gov": "governor", "rep": "representative",
                       "gen": "general", "adm": "admiral", "sec": "secretary",
                       "atty": "attorney", "pres": "president", "amb": "ambassador"}


def _role_word(token: Token | str) -> str:
    """A description word as compared with introductions ("GOP" is "Republican", "Sen."
    is "senator")."""
    word = (token if isinstance(token, str) else token.lemma_).lower().rstrip(".")
    word = TITLE_ABBREVIATIONS.get(word, word)
    return PARTY_WORDS.get(word, word)


def _clean_name(text: str) -> str:
    text = re.sub(r"[’']s$", "", text.strip())
    return re.sub(r"\s+", " ", text).strip(" ,.;:()[]\"“”")


def _joins_words(token: Token) -> bool:
    """A hyphen or slash inside a word ("labor-policy experts", "34-year-old"), which
    an unnamed source keeps in its canonical words."""
    return (token.text in {"-", "/", "–"} and not token.whitespace_ and token.i > 0
            and not token.nbor(-1).whitespace_ and token.i + 1 < len(token.doc)
            and not token.nbor().is_punct)


def _words(tokens: list[Token]) -> str:
    """Tokens as written, a space where the text had one or a token was left out
    ("Trump, the nominee" without its comma is "Trump the nominee", not "Trumpthe")."""
    pieces: list[str] = []
    for previous, token in zip([None, *tokens], tokens, strict=False):
        if previous is not None and (previous.whitespace_ or token.i != previous.i + 1):
            pieces.append(" ")
        pieces.append(token.text)
    return " ".join("".join(pieces).split())


def _unnamed(span: Span, text: str) -> str:
    """The canonical words of a source nobody is named for: its words without the
    leading determiner and punctuation ("labor-policy experts", "Indiana governor")."""
    phrase = [t for t in span if not t.is_punct or _joins_words(t)]
    while phrase and phrase[0].lower_ in DETERMINERS:
        phrase = phrase[1:]
    return _words(phrase) or _clean_name(text)


def _proper_name(token: Token) -> list[Token]:
    """The capitalised phrase a proper noun heads, without its determiner ("the
    Commission on Presidential Debates" -> "Commission on Presidential Debates")."""
    doc = token.doc
    start = token.i
    while start > 0 and doc[start - 1].pos_ == "PROPN" and doc[start - 1].head.i >= token.i:
        start -= 1
    end = token.i + 1
    while end < token.right_edge.i + 1 and (
            doc[end].is_title or doc[end].is_upper or doc[end].lower_ in NAME_JOINERS):
        end += 1
    while end > token.i + 1 and doc[end - 1].lower_ in NAME_JOINERS:
        end -= 1
    return list(doc[start:end])


def _only(values: set[str]) -> str | None:
    """The one value, or None where the evidence disagrees (or there is none)."""
    return next(iter(values)) if len(values) == 1 else None


def _stem(word: Token | str) -> str:
    """A word as compared across a name and a description ("Appeals" / "appeals court")."""
    text = _role_word(word) if isinstance(word, Token) else word.lower()
    return text[:-1] if text.endswith("s") and len(text) > 3 else text


def _introduced_as(name: Token, noun: str) -> bool:
    """Whether the name is introduced as a `noun` in apposition or as its modifier ("RT,
    the network"; "the RT network"), not merely near one ("Russia's network", "the
    Council of the CSTO")."""
    if name.dep_ in {"compound", "appos"} and name.head.lemma_.lower() == noun:
        return True
    return any(child.dep_ == "appos" and child.lemma_.lower() == noun
               for child in name.children)


def _in_subject(token) -> bool:
    """Whether a token belongs to the subject of its clause ("the Government of Kazakhstan")."""
    while token.dep_ in {"pobj", "prep", "compound", "poss", "appos", "amod", "conj"} \
            and token.head.i != token.i:
        token = token.head
    return token.dep_ in {"nsubj", "nsubjpass"}


def find_acronyms(text: str) -> dict[str, str]:
    """Acronyms the article defines: 'Institute for the Study of War (ISW)' -> {'ISW': ...}."""
    found: dict[str, str] = {}
    for match in ACRONYM.finditer(text):
        words, acronym = match.group(1).split(), match.group(2)
        # take the shortest tail of capitalised words whose initials spell the acronym
        for size in range(len(acronym), len(words) + 1):
            tail = words[-size:]
            initials = "".join(w[0] for w in tail if w[0].isupper())
            if initials.upper() == acronym.upper() or (
                    len(tail) >= len(acronym) and initials.upper().startswith(acronym[:2])):
                expansion = " ".join(tail).lstrip("the ").strip()
                while expansion.split()[0].lower() in DETERMINERS:
                    expansion = expansion.split(" ", 1)[1]
                found.setdefault(acronym, expansion)
                break
    return found


class SpeakerResolver:
    """Resolves the sources of one document's attributions (see the module docstring)."""

    def __init__(self, doc: Doc, quotes: QuoteIndex | None = None) -> None:
        self.doc = doc
        self.quotes = quotes or QuoteIndex(doc_text(doc))
        self.acronyms = find_acronyms(doc_text(doc))
        self.people: list[Mention] = []
        self.orgs: list[Mention] = []
        self.ents = list(doc.ents)
        for ent in self.ents:
            name = _clean_name(ent.text)
            if not name:
                continue
            mention = Mention(ent.start_char, ent.end_char, name, ent.label_, ent,
                              _in_subject(ent.root))
            if ent.label_ == "PERSON":
                self.people.append(mention)
            elif ent.label_ in ORG_LABELS:
                self.orgs.append(mention)
        self.full_names = self._full_names()
        # "Trump" tagged ORG where "Donald Trump" is a PERSON elsewhere in the article
        misread = [m for m in self.orgs if m.label != "NORP" and self._named_in_full(m.name)]
        if misread:
            self.orgs = [m for m in self.orgs if m not in misread]
            self.people = sorted(self.people + misread, key=lambda m: m.start)

    @cached_property
    def noun_chunks(self) -> list[Span]:
        """The doc's noun chunks, found once (a Span's `noun_chunks` walks the whole doc)."""
        return list(self.doc.noun_chunks)

    def _full_names(self) -> dict[str, str]:
        """Surname (and each full name) -> the name the article gives that person most
        often, the longer of equals; names inside quotation marks or fused with a
        headline's word ("Rip Donald Trump", "Crooked Hillary Clinton") are rarer than
        the name itself, and a quotation's names are not the article's."""
        counts: Counter[str] = Counter(m.name for m in self.people if len(m.name.split()) > 1
                                       and not self.quotes.is_quoted(m.start))
        names: dict[str, str] = {}
        for name in sorted(counts, key=lambda n: (counts[n], len(n))):
            for key in (name.split()[-1].lower(), name.lower()):
                names[key] = name  # the most frequent, then longest, is written last
        return names

    @cached_property
    def person_genders(self) -> dict[str, str | None]:
        """Canonical name -> gender: from a title in any of the person's mentions, else
        from a first name (also a lone one the article never completes, "Melanie"), else
        from the pronouns the article uses for them, else from a first name the lists
        call "mostly" one; None where the evidence disagrees."""
        titled: dict[str, set[str]] = defaultdict(set)
        named: dict[str, set[str]] = defaultdict(set)
        for mention in self.people:
            canonical = self.canonical_person(mention.name, mention.start)
            if title := name_gender("", mention.context):
                titled[canonical].add(title)
            first = name_gender(mention.name) or name_gender(canonical)
            if first is None and len(canonical.split()) == 1 and canonical.istitle():
                first = _first_name_gender(canonical)
            named[canonical] |= {first} if first else set()
        evidence = self._pronoun_evidence()
        genders: dict[str, str | None] = {}
        for name in named:
            votes = evidence.get(name, Counter())
            if titled[name]:  # "Mr. Obama", "Congresswoman Moore"
                genders[name] = _only(titled[name])
            elif named[name]:
                genders[name] = _only(named[name])
            elif votes:  # the pronouns the article uses for the person (not over a first
                # name: "Ivanka Trump. He said" is her father speaking)
                genders[name] = _only(set(votes))
            elif len(name.split()) > 1:  # a first name the lists call "mostly" one ("Chris")
                genders[name] = _first_name_gender(name.split()[0].strip(".,"), True)
            else:
                genders[name] = None
        return genders

    def _pronoun_evidence(self) -> dict[str, Counter[str]]:
        """Canonical name -> the he/she that takes up a sentence's only person as the
        subject of that sentence's reported clause or of the next sentence ("Sanders
        spoke. He said ..."): how the article itself speaks of the person."""
        votes: dict[str, Counter[str]] = defaultdict(Counter)
        sentences = list(self.doc.sents)
        by_sentence: dict[int, list[Mention]] = defaultdict(list)
        for mention in self.people:
            by_sentence[mention.ent.sent.start].append(mention)
        for i, sentence in enumerate(sentences):
            mentions = by_sentence.get(sentence.start, [])
            names = {self.canonical_person(m.name, m.start) for m in mentions}
            if len(names) != 1 or not any(m.subject for m in mentions):
                continue
            first = min(m.ent.end for m in mentions)
            later = [t for t in sentence if t.i >= first]
            if i + 1 < len(sentences):
                later += list(sentences[i + 1])
            pronoun = next((t for t in later if t.dep_ in {"nsubj", "nsubjpass"}
                            and t.lower_ in {"he", "she"}), None)
            if pronoun is not None and not self.quotes.is_quoted(pronoun.idx):
                votes[next(iter(names))][PRONOUN_GENDER[pronoun.lower_]] += 1
        return votes

    def _named_in_full(self, word: str) -> str | None:
        """The article's full name for a lone surname the model did not tag PERSON
        ("Trump" as ORG where it names "Donald Trump"); acronyms are no surnames."""
        if len(word.split()) != 1 or word.isupper():
            return None
        return self.full_names.get(word.lower())

    def canonical_person(self, name: str, at: int | None = None) -> str:
        """The article's full name for `name`; a bare surname written at offset `at`
        that two people of the article share is the one its title allows ("Mr. Trump"
        in an article naming Ivana Trump more often), else the one named most often."""
        name = _clean_name(name)
        parts = name.split()
        if not parts:
            return name
        if at is not None and len(parts) == 1 and parts[0].lower() in self._namesakes:
            return self._namesake_at(parts[0].lower(), at)
        if len(parts) == 1 and parts[0].lower() in self._titled_otherwise:
            # "Mr. Obama" 15 times in an article naming only "Michelle Obama" in full: the
            # bare surname is not her, unless its own title says so
            full, other = self._titled_otherwise[parts[0].lower()]
            mention = self._mention_at.get(at) if at is not None else None
            title = _honorific_gender(mention) if mention is not None else None
            return full if title is not None and title != other else name
        return self.full_names.get(name.lower()) or self.full_names.get(parts[-1].lower()) or name

    @cached_property
    def _titled_otherwise(self) -> dict[str, tuple[str, str]]:
        """Surname -> (the one full name the article gives it, the other gender) where a
        bare mention of the surname carries a title of the other gender than that full
        name's first name ("Mr. Obama" where only "Michelle Obama" is named in full)."""
        found: dict[str, tuple[str, str]] = {}
        for mention in self.people:
            if len(mention.name.split()) != 1 or mention.name.lower() in self._namesakes:
                continue
            full = self.full_names.get(mention.name.lower())
            title = _honorific_gender(mention)
            if full and title and name_gender(full) not in {None, title}:
                found[mention.name.lower()] = (full, title)
        return found

    @cached_property
    def _namesakes(self) -> dict[str, Counter[str]]:
        """Surname -> how often each person of that surname is named in full outside
        quotations, for surnames the article gives two or more people ("Ivana Trump" and
        "Donald Trump", "Gary Johnson" and "Jeh Johnson"); each person under the full name
        the article writes most often ("Donald J. Trump" once, "Donald Trump" mostly)."""
        by_first: dict[str, dict[str, Counter[str]]] = defaultdict(lambda: defaultdict(Counter))
        for mention in self.people:
            parts = mention.name.split()
            if len(parts) > 1 and not self.quotes.is_quoted(mention.start):
                by_first[parts[-1].lower()][parts[0].lower()][mention.name] += 1
        return {surname: Counter({names.most_common(1)[0][0]: names.total()
                                  for names in people.values()})
                for surname, people in by_first.items() if len(people) > 1}

    @cached_property
    def _mention_at(self) -> dict[int, Mention]:
        return {mention.start: mention for mention in self.people}

    def _namesake_at(self, surname: str, at: int) -> str:
        """The one its title allows, else the one named most often (the nearest one named
        in full was tried: the article's main "Clinton" or "Cruz" is its most frequent,
        not whichever relative was named last)."""
        people = self._namesakes[surname]
        mention = self._mention_at.get(at)
        title = name_gender("", mention.context) if mention is not None else None
        allowed = Counter({full: n for full, n in people.items()
                           if title is None or name_gender(full) in {None, title}}) or people
        return allowed.most_common(1)[0][0]

    def canonical_org(self, name: str) -> str:
        name = _clean_name(name)
        words = name.split()
        while words and words[0].lower() in DETERMINERS:
            words = words[1:]
        name = " ".join(words)
        return self.acronyms.get(name, name)

    # -- resolution

    def resolve(self, attributions: list[Attribution]) -> None:
        resolved: list[Attribution] = []
        for attribution in sorted(attributions, key=lambda a: a.source[0] if a.source else 0):
            if attribution.source is None:
                continue
            self._resolve_one(attribution, resolved)
            resolved.append(attribution)

    def _resolve_one(self, attribution: Attribution, earlier: list[Attribution]) -> None:
        doc = self.doc
        start, end = attribution.source
        span = doc.char_span(start, end, alignment_mode="expand")
        text = doc_text(doc)[start:end]
        if (span is not None and len(span) == 1 and span[0].lower_ in {"who", "which", "that"}
                and attribution.source_head is not None
                and attribution.source_head != span[0].i):
            # a relative pronoun ("..., who said"): resolve its antecedent, keep the words
            from pipeline.claims.attribution import _source_span

            antecedent = _source_span(doc[attribution.source_head])
            attribution.source = antecedent[:2]
            try:
                self._resolve_one(attribution, earlier)
            finally:
                attribution.source = (start, end)
            return
        if span is None or not len(span):
            attribution.source_canonical = _clean_name(text)
            return
        head = doc[attribution.source_head] if attribution.source_head is not None else span.root
        words = [t for t in span if not t.is_punct]
        lowered = head.lower_
        # 1. pronouns
        if len(words) == 1 and lowered in VOICES:
            attribution.source_canonical = text  # the article's own voice or an interviewer
            return
        if len(words) == 1 and lowered in PERSON_PRONOUNS | GROUP_PRONOUNS:
            self._resolve_pronoun(attribution, lowered in PERSON_PRONOUNS, earlier,
                                  PRONOUN_GENDER.get(lowered), plural=lowered in PLURAL_PRONOUNS)
            return
        # 2. a name inside the source
        entities = [e for e in self.ents if e.start_char >= start and e.end_char <= end]
        people = [e for e in entities if e.label_ == "PERSON" and not (
            e[-1].tag_ == "POS" and e.end_char < end) and not (
            e.end < len(doc) and doc[e.end].tag_ == "POS" and doc[e.end].idx + 2 < end)]
        # (not "Gary Johnson's doctor": the doctor speaks, not Gary Johnson)
        determiner = words[0].lower_ if words else ""
        head_lemma = head.lemma_.lower()
        role_noun = (head.tag_ in {"NN", "NNP"} and head_lemma in _person_roles()
                     and not head.ent_type_)
        possessed = any(t.tag_ in {"PRP$", "POS"} for t in span if t.i < head.i)
        if not people and role_noun and not possessed and determiner not in INDEFINITE:
            # "the head of the Russian General Staff", a headline's "Former DNC chairman":
            # a person described by a role (without "the", only one introduced so)
            person = self._described_person(span, nearest=determiner == "the")
            attribution.source_canonical = person or _unnamed(span, text)
            attribution.source_type = "PERSON"
            attribution.source_role = _clean_name(text)
            return  # (unresolved, "the Indiana governor" stays one, not "Indiana")
        if (role_noun and possessed and not any(e.start <= head.i < e.end for e in entities)
                and not any(e.start > head.i for e in people)):  # "..., Phil Lovas" named
            # "Pagliano's lawyer", "Keith Lamont Scott's wife": someone else than the
            # name that owns them, whom the source does not name
            attribution.source_canonical = _unnamed(span, text)
            attribution.source_type = "PERSON"
            return
        noun_type = _source_nouns().get(head_lemma)
        if (head.tag_ in {"NN", "NNS"} and (noun_type == "ORG" or head_lemma in OWNED_GROUPS)
                and not any(e.label_ == "PERSON" and e.start > head.i for e in entities)
                and (owner := self._owner(head, earlier)) is not None):
            # "the Clinton campaign", "Donald Trump's campaign", "his administration",
            # "Clinton supporters": the organisation or group speaks, known by its owner
            # (not "his business partner, Lawrence B. Cummings")
            attribution.source_canonical = f"{owner} {head.lower_}"
            attribution.source_type = noun_type
            attribution.source_named = True
            return
        if people and self._joint_people(attribution, span, people, head):
            return
        if people:
            person = next((e for e in people if e.start <= head.i < e.end), None)
            if person is None and (full_name := self._named_in_full(head.text)):
                # "Rendell, a Clinton surrogate", "Trump, appearing after Clinton": the
                # speaker is the head, a name the model missed; the other is a modifier
                attribution.source_canonical = full_name
                attribution.source_type = "PERSON"
                attribution.source_named = True
                attribution.source_role = self._role(text, head.text)
                return
            person = person or max(people, key=lambda e: len(e.text))  # else the fullest
            attribution.source_canonical = self.canonical_person(person.text,
                                                                 person.start_char)
            attribution.source_type = "PERSON"
            attribution.source_named = True
            attribution.source_role = self._role(text, person.text)
            return
        named_bodies = [e for e in entities if e.label_ in ORG_LABELS - {"NORP"}]
        # (a source whose words all hang on a word after it, "The Sanders campaign
        # projects ...", has its determiner for root: its noun is its last word)
        noun = words[-1] if head.pos_ in {"DET", "PUNCT"} and words else head
        organisations = [e for e in named_bodies if _speaks_for(e, noun)]
        if named_bodies and (full_name := self._named_in_full(_clean_name(text)) or (
                head.pos_ == "PROPN" and not any(e.start <= head.i < e.end
                                                 for e in organisations)
                and self._named_in_full(head.text))):
            # "Schiff, 56, who has served on the Intelligence Committee": the head speaks
            # "Kartopolov said" with the surname read as an ORG: the person named in full
            attribution.source_canonical = full_name
            attribution.source_type = "PERSON"
            attribution.source_named = True
            return
        acronym_words = [t.text for t in span if t.text in self.acronyms]
        if organisations or acronym_words:
            name = acronym_words[0] if acronym_words else max(
                organisations, key=lambda e: len(e.text)).text
            canonical = self.canonical_org(name)
            attribution.source_canonical = canonical
            attribution.source_named = True
            attribution.source_type = "MEDIA" if canonical.lower() in _media_names() else "ORG"
            return
        if _clean_name(text).lower() in _media_names():
            attribution.source_canonical = _clean_name(text)
            attribution.source_type = "MEDIA"
            attribution.source_named = True
            return
        # 3. a description of someone or something introduced earlier
        if (determiner == "the" and noun_type in {"ORG", "MEDIA"} and len(words) <= 4
                and head.tag_ in {"NN", "NNS"}):
            described = self._described_org(span, head, earlier)
            if described is not None:
                attribution.source_canonical, attribution.source_type = described
                attribution.source_named = False
                return
        if determiner == "the" and noun_type == "DOCUMENT" and len(words) <= 3:
            named = self._described_document(span)
            if named is not None:
                attribution.source_canonical = named
                attribution.source_type = "DOCUMENT"
                return
        if determiner == "the" and head.tag_ in {"NN", "NNP"} and (
                head.lemma_.lower() in _person_roles() or (
                    noun_type not in {"MEDIA", "ORG", "DOCUMENT"}  # "the network" is no one
                    and any(head.lemma_.lower() in m.context for m in self.people))):
            person = self._described_person(span)
            if person is not None:
                attribution.source_canonical = person
                attribution.source_type = "PERSON"
                attribution.source_named = False
                attribution.source_role = _clean_name(text)
                return
        # 4. a full name the article gives elsewhere, where the model tagged none here
        # ("Ivanka Trump, the Republican nominee's eldest daughter", read as a PRODUCT;
        # not "Ivanka Trump's campaign")
        for name in sorted(set(self.full_names.values()), key=len, reverse=True):
            if len(name.split()) > 1 and re.search(rf"(?<!\w){re.escape(name)}(?![\w'’])", text):
                attribution.source_canonical = name
                attribution.source_type = "PERSON"
                attribution.source_named = True
                attribution.source_role = self._role(text, name)
                return
        # 5. a surname the model tagged no entity in ("Pence: ..." in a headline) is the
        # person the article names in full
        if len(words) == 1 and words[0].text[:1].isupper() and words[0].lower_ in self.full_names:
            attribution.source_canonical = self.full_names[words[0].lower_]
            attribution.source_type = "PERSON"
            attribution.source_named = True
            return
        # a lone name the model tagged elsewhere in the article as a PERSON with a title
        # ("Obama Says ..." in a headline, "President Obama" below; a title, because the
        # model also calls "Politifact" a PERSON)
        if (len(words) == 1 and words[0].text[:1].isupper()
                and any(m.name == words[0].text and (m.context & _person_roles()
                                                     or name_gender("", m.context))
                        for m in self.people)):
            attribution.source_canonical = self.canonical_person(words[0].text,
                                                                 span.start_char)
            attribution.source_type = "PERSON"
            attribution.source_named = True
            return
        # 6. unnamed sources keep their words
        attribution.source_canonical = _unnamed(span, text)
        if noun_type is not None:
            attribution.source_type = noun_type
        elif head.tag_ in {"NNS", "NNPS"}:
            attribution.source_type = "GROUP"
        else:
            attribution.source_type = "UNKNOWN"

    def _joint_people(self, attribution: Attribution, span: Span, people: list[Span],
                      head: Token) -> bool:
        """A source of two or more conjoined people ("Obama and Clinton", "candidates
        Hillary Clinton and Donald Trump") is all of them, not the longest name."""
        names = []
        if head.pos_ == "PROPN":  # "Markov and Kartopolov", however the model tagged them
            for token in sorted([head, *head.conjuncts], key=lambda t: t.i):
                if not span.start <= token.i < span.end:
                    continue  # "Obama and Clinton" where the source is "Clinton" alone
                entity = next((e for e in people if e.start <= token.i < e.end), None)
                if entity is not None:
                    names.append(self.canonical_person(entity.text, entity.start_char))
                elif token.pos_ == "PROPN" and (full_name := self._named_in_full(token.text)):
                    names.append(full_name)
        names += [self.canonical_person(e.text, e.start_char) for e in people
                  if any(e.root in other.root.conjuncts for other in people)]
        names = list(dict.fromkeys(names))
        if len(names) < 2:
            return False
        attribution.source_canonical = " and ".join(names)
        attribution.source_members = names
        attribution.source_type = "GROUP"
        attribution.source_named = True
        attribution.source_role = None
        return True

    def _role(self, source_text: str, name: str) -> str | None:
        """The words around the name, up to a relative clause ("Christie, who has
        campaigned for Trump since ...": no role)."""
        role = re.split(r"\b(?:who|whom|whose|which)\b", source_text.replace(name, " "))[0]
        words = [w for w in re.split(r"[\s,]+", _balanced(role)) if w]
        while words and words[0].lower() in DETERMINERS:
            words = words[1:]
        role = " ".join(words).strip(" ,;:")
        return role or None

    def _resolve_pronoun(self, attribution: Attribution, personal: bool,
                         earlier: list[Attribution], gender: str | None = None,
                         plural: bool = False) -> None:
        start = attribution.source[0]
        pool = self.people if personal else self.orgs

        def compatible(found: str | None) -> bool:
            return gender is None or found is None or found == gender

        genders = self.person_genders
        candidates = [m for m in pool if m.end <= start and compatible(
            genders.get(self.canonical_person(m.name, m.start)) if personal else None)
            and not (plural and m.label in PLACE_LABELS)]
        # (a bare "Clinton" has the gender of the "Hillary Clinton" the article names, a
        # bare "Obama" that of the "Mr. Obama" it writes elsewhere)
        sentence = self.doc.char_span(start, attribution.source[1],
                                      alignment_mode="expand").sent
        sentence_start = sentence.start_char
        last_speaker = max((p.source[0] for p in earlier
                            if p.source and p.source[0] < start), default=-1)
        if candidates and candidates[-1].start >= max(sentence_start, last_speaker):
            # a name in the pronoun's own sentence, after the last speaker, is more salient
            earlier = []
        elif (mention := self._previous_subject(attribution, sentence, candidates, earlier,
                                                gender if personal else None)) is not None:
            canonical = (self.canonical_person(mention.name, mention.start) if personal
                         else self.canonical_org(mention.name))
            if " " not in canonical:  # "Mr. Ban's record ...": the speaker "Ban Ki-moon"
                canonical = next((p.source_canonical for p in reversed(earlier)
                                  if p.source_canonical
                                  and canonical in p.source_canonical.split()), canonical)
            attribution.source_canonical = canonical
            attribution.source_type = "PERSON" if personal else "ORG"
            attribution.source_named = True
            return
        for previous in reversed(earlier):
            if previous.source is None or previous.source[0] >= start:
                continue
            if ((previous.source_type == "PERSON") == personal and previous.source_canonical
                    and (plural or personal or previous.source_type != "GROUP")  # "it"
                    and previous.source_canonical.lower() not in VOICES  # "they" is not "I"
                    and compatible(genders.get(previous.source_canonical)
                                   or name_gender(previous.source_canonical))):
                attribution.source_canonical = previous.source_canonical
                attribution.source_type = previous.source_type
                attribution.source_named = previous.source_named
                attribution.source_role = previous.source_role
                attribution.source_members = previous.source_members
                return
        if candidates:
            in_sentence = [m for m in candidates if m.start >= sentence_start]
            subjects = [m for m in in_sentence if m.subject]
            mention = subjects[-1] if subjects else candidates[-1]
            canonical = (self.canonical_person(mention.name, mention.start) if personal
                         else self.canonical_org(mention.name))
            attribution.source_canonical = canonical
            attribution.source_type = "PERSON" if personal else "ORG"
            attribution.source_named = True
            return
        start, end = attribution.source
        attribution.source_canonical = doc_text(self.doc)[start:end]
        attribution.source_type = "PERSON" if personal else "UNKNOWN"

    def _previous_subject(self, attribution: Attribution, sentence: Span,
                          candidates: list[Mention], earlier: list[Attribution],
                          gender: str | None) -> Mention | None:
        """The subject of the sentence before the pronoun's, when it comes after the last
        speaker: "A Democrat, Mr. Justice is running for governor. Through a spokesman,
        he declined to comment." (Lappin & Leass: recency and subjecthood outrank an
        earlier speaker). Only the main clause's subject or its possessor ("Scott's
        persona is ..."), outside quotations and what earlier speakers said, and for
        "he" / "she" only a person known to be of that gender."""
        start = attribution.source[0]
        previous = sentence
        while previous.start > 0:  # (not a stray closing quotation mark read as a sentence)
            previous = self.doc[previous.start - 1].sent
            if any(t.is_alpha for t in previous):
                break
        if previous is sentence:
            return None
        previous_start = previous.start_char
        last_speaker_end = max((p.source[1] for p in earlier if p.source and p.source[0] < start),
                               default=-1)
        said = [part for p in earlier for part in p.parts]
        genders = self.person_genders

        def main_subject(mention: Mention) -> bool:
            token = mention.ent.root
            while token.dep_ in {"compound", "poss", "appos", "conj"} and token.head.i != token.i:
                token = token.head
            return token.dep_ in {"nsubj", "nsubjpass"} and token.head.dep_ == "ROOT"

        recent = [m for m in candidates
                  if max(previous_start, last_speaker_end) <= m.start < sentence.start_char
                  and main_subject(m) and not self.quotes.is_quoted(m.start)
                  and not any(a <= m.start < b for a, b in said)
                  and (not gender or genders.get(self.canonical_person(m.name, m.start))
                       == gender)]
        return recent[-1] if recent else None

    def _owner(self, noun: Token, earlier: list[Attribution]) -> str | None:
        """The person an organisation noun belongs to, by name or possessive pronoun
        ("the Clinton campaign", "Trump's campaign", "her campaign")."""
        for child in noun.children:
            if child.dep_ not in {"compound", "poss"} or child.i > noun.i:
                continue
            entity = next((e for e in self.ents if e.start <= child.i < e.end), None)
            if entity is not None and entity.label_ == "PERSON":
                return self.canonical_person(entity.text, entity.start_char)
            if child.pos_ == "PROPN" and (full_name := self._named_in_full(child.text)):
                return full_name
            if (child.pos_ == "PROPN" and noun.lemma_.lower() in PERSONAL_ORGS and entity
                    is not None and len(entity) == 1 and entity.label_ in ORG_LABELS):
                return self.canonical_person(child.text, child.idx)  # "the Trump campaign"
            if child.lower_ in {"his", "her"}:
                pronoun = Attribution(parts=[], source=(child.idx, child.idx + len(child)),
                                      cue=None, cue_lemma=None, kind="", confidence=0.0,
                                      pattern="owner")
                self._resolve_pronoun(pronoun, True, earlier, PRONOUN_GENDER[child.lower_])
                if pronoun.source_named and pronoun.source_type == "PERSON":
                    return pronoun.source_canonical
        return None

    def _described_org(self, span: Span, head: Token,
                       earlier: list[Attribution]) -> tuple[str, str] | None:
        """(canonical, type) of the organisation a definite description refers to: the
        nearest one named before it with the description's noun in its name or its
        introduction ("the commission": "the Commission on Presidential Debates"; "the
        network": "RT, the Kremlin-funded network"), or an owner's one ("the campaign":
        "the Clinton campaign"), that has every other word of the description."""
        noun = head.lemma_.lower()
        modifiers = {_stem(t) for t in span if t.is_alpha and not t.is_stop} - {_stem(head)}
        noun_type = _source_nouns()[noun]
        found: list[tuple[int, str, str]] = []  # (position, name, type)
        for mention in self.orgs:
            if mention.end > span.start_char or mention.label == "NORP":
                continue
            name_words = {_role_word(t) for t in mention.ent if t.is_alpha}
            if not (_introduced_as(mention.ent.root, noun)
                    or (noun in name_words and mention.label == "ORG")):
                continue  # "RT, the Kremlin-funded network", read as a place, is one
            name = self.canonical_org(mention.name)
            if name.lower() == noun:
                continue  # "Bank executives" opening a sentence names no bank
            if modifiers <= {_stem(t) for t in mention.ent} | {_stem(w) for w in mention.context}:
                kind = "MEDIA" if name.lower() in _media_names() else (
                    "ORG" if noun in name_words else noun_type)
                found.append((mention.start, name, kind))
        for token in self.doc[:span.start]:
            if token.lower_ != noun and token.lemma_.lower() != noun:
                continue
            if token.pos_ == "PROPN" and not token.ent_type_:
                # a name the model tagged nothing: "the Commission on Presidential Debates"
                name = _proper_name(token)
                if len(name) > 1 and modifiers <= {_stem(t) for t in name}:
                    found.append((token.idx, _words(name), "ORG"))
            elif token.pos_ == "NOUN" and (owner := self._owner(token, earlier)) and (
                    modifiers <= {_stem(word) for word in owner.split()}):
                found.append((token.idx, f"{owner} {noun}", noun_type))
        if not found:
            return None  # ("the Armenian government" is none of the governments before it)
        _, name, kind = max(found)
        return name, kind

    def _described_document(self, span: Span) -> str | None:
        """'the document' -> the nearest document named before it ('the protocol of the
        CSTO'); 'the poll' -> the nearest poll that has a name ('a Washington Post-ABC
        News poll'), not the nearest other document ('the ruling' is no law)."""
        nouns = _source_nouns()
        noun = span.root.lemma_.lower()
        start_sent = max(0, span.sent.start - 200)
        window = [c for c in self.noun_chunks if c.start >= start_sent and c.end <= span.start]
        for chunk in reversed(window):
            lemma = chunk.root.lemma_.lower()
            commas = [t.i for t in chunk if t.text == "," and t.i < chunk.root.i]
            if commas:  # "Twenty-two years ago, a 1995 article": the article's own words
                chunk = self.doc[commas[-1] + 1:chunk.end]
            if lemma == noun:
                named = any(t.pos_ == "PROPN" for t in chunk if t.i < chunk.root.i)
            else:
                named = noun in GENERIC_DOCUMENTS and nouns.get(lemma) == "DOCUMENT"
            if named and not chunk.root.ent_type_:
                phrase = []
                for token in self.doc[chunk.start:chunk.root.right_edge.i + 1]:
                    if token.dep_ in {"relcl", "acl"} or token.text == ",":
                        break
                    phrase.append(token)
                kept = [t for t in phrase if not t.is_punct or t.text in "()" or _joins_words(t)]
                while kept and (kept[0].lower_ in DETERMINERS or kept[0].pos_ == "ADJ"):
                    kept = kept[1:]  # "a new Washington Post-ABC News poll"
                return _words(kept)
        return None

    def _described_person(self, span: Span, nearest: bool = True) -> str | None:
        """The person a definite description refers to: the one whose introductions share
        the most of its words (the nearest of equals), else (with `nearest`) the nearest
        person named before it; never one introduced with the other party ("the Democratic nominee"
        is not the one introduced as "Republican Donald Trump") or without the place
        the description names; the nearest only if introduced with the organisation the
        description names. A description set off by commas right after a name is it."""
        words = {_role_word(t) for t in span if t.is_alpha and not t.is_stop}
        party = words & PARTIES
        places = {_role_word(t) for t in span if t.ent_type_ == "GPE" and t.is_alpha}
        # the organisation it names: an acronym or a name of several words ("the FBI
        # director"), not a lone word the model may have misread ("the Sanders aide")
        bodies = {_role_word(t) for entity in self.ents if entity.label_ == "ORG"
                  and span.start <= entity.start and entity.end <= span.end
                  and (len(entity) > 1 or entity.text.isupper())
                  for t in entity if t.is_alpha and not t.is_stop} - PARTIES
        before = [m for m in self.people if m.end <= span.start_char]
        after = [m for m in self.people if m.start >= span.end_char]
        text = doc_text(self.doc)
        if (before and text[before[-1].end:span.start_char].strip() == ","
                and text[span.end_char:].lstrip().startswith(",")):
            # "Ban Ki-moon, the secretary general of the United Nations, vowed", where the
            # parser made two subjects of a name and its apposition
            return self.canonical_person(before[-1].name, before[-1].start)
        introductions: dict[str, set[str]] = defaultdict(set)
        for mention in before:
            introductions[self.canonical_person(mention.name, mention.start)] |= mention.context

        def excluded(person: str) -> bool:
            """Introduced with the other party, or without the place the description
            names ("the Indiana governor" is not the nearest governor named elsewhere)."""
            return bool(party and introductions[person] & (PARTIES - party)) or not (
                places <= introductions[person])

        best: tuple[int, int] | None = None
        best_person: str | None = None
        for distance, mention in enumerate(reversed(before)):
            person = self.canonical_person(mention.name, mention.start)
            overlap = len(words & introductions[person])
            if overlap and not excluded(person) and (
                    best is None or (overlap, -distance) > best):
                best, best_person = (overlap, -distance), person
        if best_person is None and not before:
            # cataphora: a headline's "The expert predicted" names its expert below
            for mention in after[:5]:
                if mention.ent.sent.start == span.sent.start:
                    continue  # "the union called Putin a champion": the object is not it
                if words & mention.context:
                    return self.canonical_person(mention.name, mention.start)
        if best_person is None and nearest:
            # the nearest person, unless the description names an organisation that
            # person was never introduced with ("The head of Sony Pictures Television")
            best_person = next((person for m in reversed(before)
                                if not excluded(person := self.canonical_person(m.name, m.start))
                                and bodies <= introductions[person]), None)
        return best_person

    def entity_canonicals(self) -> dict[tuple[int, int], str]:
        """Canonical name of every PERSON/ORG-like entity of the doc, by its offsets."""
        names = {}
        for ent in self.ents:
            if ent.label_ == "PERSON":
                names[(ent.start_char, ent.end_char)] = self.canonical_person(ent.text,
                                                                             ent.start_char)
            elif ent.label_ in ORG_LABELS:
                names[(ent.start_char, ent.end_char)] = self.canonical_org(ent.text)
        return names


def resolve_speakers(doc: Doc, attributions: list[Attribution],
                     quotes: QuoteIndex | None = None) -> dict[tuple[int, int], str]:
    """Fill the canonical source fields of `attributions` in place; return the canonical
    names of the doc's entities (by offsets) for the claims' entity lists."""
    resolver = SpeakerResolver(doc, quotes)
    resolver.resolve(attributions)
    return resolver.entity_canonicals()
