"""The model's attribute rules, applied to whole arrays: same output, a fraction of the time.

The English models' `attribute_ruler` maps each fine tag to its coarse POS and
morphology (56 single-token `{"TAG": ...}` rules in en_core_web_sm) and then
applies about 120 exceptions (pronouns, auxiliaries, "that" as a relative...).
spaCy runs them through one `Matcher`, whose set and regex predicates are
Python calls for every token and rule, then sets each match's attributes one
at a time: on news text the component costs a tenth of the whole model's time,
about as much as the parser.

`TableAttributeRuler` takes the loaded ruler's own rules and keeps its
semantics (everything is matched before anything changes; the rule added last
wins, attribute by attribute). A rule made of fixed-length token patterns that
test TAG, LOWER, DEP or IS_SPACE (by value, IN, NOT_IN or REGEX) becomes numpy
masks over the doc's attribute arrays; a rule whose required tag or word is
absent from the doc is skipped without a look. Rules that set POS, MORPH or
LEMMA are then written in rule order, later ones overwriting, with one
`Doc.from_array`; a token that a rule setting anything else (TAG, DEP) hits
gets all its rules re-applied in order with spaCy's own `set_token_attrs`. A
pattern this cannot express (operators, other attributes) stays a spaCy
`Matcher` pattern on that slow path. `tests/test_nlp.py` checks that tags,
POS, morphology, lemmas and the parse come out identical to the stock
component's on the corpus.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from spacy.attrs import DEP, IS_SPACE, LEMMA, LOWER, MORPH, POS, TAG
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.pipeline import AttributeRuler
from spacy.strings import StringStore
from spacy.tokens import Doc
from spacy.tokens._retokenize import set_token_attrs

WRITTEN = (POS, MORPH, LEMMA)  # what the array write sets
TESTED = {"TAG": TAG, "LOWER": LOWER, "DEP": DEP, "IS_SPACE": IS_SPACE}
COLUMNS = list(TESTED.values())  # column order of the tested array


@dataclass
class _TokenTest:
    """One token of a pattern, as column tests: equal / in / not in / regex."""

    equal: dict[int, int] = field(default_factory=dict)  # column -> value
    within: dict[int, np.ndarray] = field(default_factory=dict)
    outside: dict[int, np.ndarray] = field(default_factory=dict)
    regex: dict[int, re.Pattern] = field(default_factory=dict)

    def mask(self, tested: np.ndarray, strings: StringStore) -> np.ndarray:
        keep = np.ones(len(tested), dtype=bool)
        for column, value in self.equal.items():
            keep &= tested[:, column] == value
        for column, values in self.within.items():
            keep &= np.isin(tested[:, column], values)
        for column, values in self.outside.items():
            keep &= ~np.isin(tested[:, column], values)
        for column, pattern in self.regex.items():
            hits = [h for h in np.unique(tested[keep, column]).tolist()
                    if pattern.search(strings[h])]
            keep &= np.isin(tested[:, column], np.array(hits, dtype=np.uint64))
        return keep


def _token_test(spec: dict, strings: StringStore) -> _TokenTest | None:
    """A Matcher token spec as column tests, or None when only the Matcher can run it."""
    test = _TokenTest()
    for key, value in spec.items():
        if key not in TESTED:
            return None
        column = COLUMNS.index(TESTED[key])
        if isinstance(value, bool):
            test.equal[column] = int(value)
        elif isinstance(value, str) and key != "IS_SPACE":
            test.equal[column] = strings.add(value)
        elif isinstance(value, dict) and len(value) == 1 and key != "IS_SPACE":
            (operator, operand), = value.items()
            if operator in ("IN", "NOT_IN") and all(isinstance(v, str) for v in operand):
                hashes = np.array([strings.add(v) for v in operand], dtype=np.uint64)
                (test.within if operator == "IN" else test.outside)[column] = hashes
            elif operator == "REGEX" and isinstance(operand, str):
                test.regex[column] = re.compile(operand)
            else:
                return None
        else:
            return None
    return test


@dataclass
class _ArrayRule:
    """A rule's patterns (alternatives) as token tests, and the matched token it sets."""

    number: int
    alternatives: list[list[_TokenTest]]
    index: int

    def could_match(self, present: list[set[int]]) -> bool:
        """False when some alternative-free requirement is absent from the doc."""
        return len(self.alternatives) > 1 or all(
            value in present[column] for test in self.alternatives[0]
            for column, value in test.equal.items())

    def mask(self, tested: np.ndarray, strings: StringStore) -> np.ndarray:
        """Tokens the rule sets: the token at `index` of every match."""
        size = len(tested)
        target = np.zeros(size, dtype=bool)
        for tokens in self.alternatives:
            starts = size - len(tokens) + 1
            if starts <= 0:
                continue
            keep = np.ones(starts, dtype=bool)
            for offset, test in enumerate(tokens):
                keep &= test.mask(tested, strings)[offset:offset + starts]
            at = self.index if self.index >= 0 else len(tokens) + self.index
            target[at:at + starts] |= keep
        return target


def _array_rule(number: int, pattern_set: list, index: int,
                strings: StringStore) -> _ArrayRule | None:
    alternatives = []
    for pattern in pattern_set:
        tests = [_token_test(spec, strings) for spec in pattern]
        if not tests or any(test is None for test in tests):
            return None
        if not -len(tests) <= index < len(tests):
            return None
        alternatives.append(tests)
    return _ArrayRule(number, alternatives, index)


class TableAttributeRuler:
    """A drop-in for a loaded `AttributeRuler`, built from its rules."""

    def __init__(self, ruler: AttributeRuler) -> None:
        self.vocab = ruler.vocab
        self.rule_attrs: list[dict] = ruler.attrs  # normalised (ids and hashes), by rule number
        self.rule_index: list[int] = ruler.indices
        self.array_rules: list[_ArrayRule] = []
        self.matcher = Matcher(self.vocab, validate=False)
        for number, rule in enumerate(ruler.patterns):
            array_rule = _array_rule(number, rule["patterns"], ruler.indices[number],
                                     self.vocab.strings)
            if array_rule is not None:
                self.array_rules.append(array_rule)
            else:
                self.matcher.add(str(number), rule["patterns"])
        self.written = {rule.number for rule in self.array_rules
                        if set(self.rule_attrs[rule.number]) <= set(WRITTEN)}

    def __call__(self, doc: Doc) -> Doc:
        if len(doc) == 0:
            return doc
        strings = self.vocab.strings
        # 1. everything is matched before anything changes, as in the ruler
        tested = doc.to_array(COLUMNS).astype(np.uint64)
        present = [set(np.unique(tested[:, c]).tolist()) for c in range(len(COLUMNS))]
        masks = []
        for rule in self.array_rules:
            if rule.could_match(present):
                mask = rule.mask(tested, strings)
                if mask.any():
                    masks.append((rule.number, mask))
        slow: dict[int, list[int]] = defaultdict(list)  # token -> rule numbers not written
        for number, mask in masks:
            if number not in self.written:
                for i in np.flatnonzero(mask).tolist():
                    slow[i].append(number)
        if len(self.matcher):
            for match_id, start, end in self.matcher(doc, allow_missing=True):
                number = int(strings[match_id])
                index = self.rule_index[number]
                slow[(start if index >= 0 else end) + index].append(number)
        # 2. the rules that set only POS, MORPH, LEMMA: in order, over arrays, one write
        values = doc.to_array(list(WRITTEN)).astype(np.uint64)
        for number, mask in masks:
            if number in self.written:
                for column, attr in enumerate(WRITTEN):
                    if attr in self.rule_attrs[number]:
                        values[mask, column] = self.rule_attrs[number][attr]
        doc.from_array(list(WRITTEN), values)
        # 3. a token any other rule hit: all its rules again, in the ruler's order
        for i, numbers in slow.items():
            token = doc[i]
            numbers += [number for number, mask in masks
                        if mask[i] and number in self.written]
            for number in sorted(numbers):
                set_token_attrs(token, self.rule_attrs[number])
        return doc


@Language.factory("table_attribute_ruler")
def make_table_attribute_ruler(nlp: Language, name: str) -> TableAttributeRuler:
    """Built from the pipeline's `attribute_ruler`, which must still be there."""
    return TableAttributeRuler(nlp.get_pipe("attribute_ruler"))


def use_table_attribute_ruler(nlp: Language) -> None:
    """Replace the model's `attribute_ruler` (if any) by its table-driven equivalent."""
    if "attribute_ruler" in nlp.pipe_names:
        nlp.add_pipe("table_attribute_ruler", after="attribute_ruler")
        nlp.remove_pipe("attribute_ruler")
