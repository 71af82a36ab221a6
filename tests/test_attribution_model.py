"""The shipped attribution span tagger, run inside the real pipeline on corpus sentences.

In: `pipeline/resources/attribution_model/` (trained by `pipeline.training`) and
two sentences of `corpus/`. Checks: SOURCE / CUE / CONTENT spans land in
`doc.spans["attr_tagged"]` where a reader would put them, and `doc.ents` keeps
the model's own named entities. Needs no PolNeAR data.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from spacy.language import Language
from spacy.tokens import Doc

from conftest import corpus_text
from pipeline import attribution_model
from pipeline.attribution_model import (
    COMPONENT_NAME,
    CUE_VERBS_FILE,
    LABELS,
    MODEL_DIR,
    SPANS_KEY,
    has_attribution_model,
    lexicon_cue_lemmas,
    load_attribution_ner,
)

ISW = ("“The event should revise its assessment of Russia’s military strength, taking into "
       "account the potential for using CSTO forces in future operations,” ISW experts note.")
CSTO_CITED = ("The CSTO said it was not authorized to do so and cited the organization’s “lack "
              "of mandate to intervene in the internal affairs of its members”.")
SECOND = ("Second, he said that Russia would never agree to the introduction of peacekeepers "
          "from NATO countries.")


@pytest.fixture(scope="module")
def tagged_nlp() -> Language:
    """The project's full pipeline plus the tagger (a private copy: the shared one is untouched)."""
    from pipeline.nlp import load_nlp

    nlp = load_nlp()
    load_attribution_ner(nlp)
    return nlp


def _line(doc_id: str, sentence: str) -> str:
    text = corpus_text(doc_id)
    assert sentence in text
    return sentence


def _covered(doc: Doc, label: str, words: str) -> float:
    """Share of the (non-punctuation) tokens of `words` inside a span labelled `label`."""
    start = doc.text.index(words)
    target = [t for t in doc.char_span(start, start + len(words), alignment_mode="expand")
              if not t.is_punct and not t.is_space]
    inside = {t.i for span in doc.spans[SPANS_KEY] if span.label_ == label for t in span}
    return sum(t.i in inside for t in target) / len(target)


def test_model_is_shipped_and_last() -> None:
    assert has_attribution_model()


def test_component_runs_before_the_attribution_rules() -> None:
    from pipeline.nlp import load_nlp

    names = load_nlp(tagger=True).pipe_names
    assert names.index(COMPONENT_NAME) == names.index("claim_attribution") - 1


def test_the_tagger_reads_the_rules_finds_and_the_rules_run_once(
        tagged_nlp: Language, monkeypatch: pytest.MonkeyPatch) -> None:
    from pipeline.claims.attribution import RULES_KEY, AttributionExtractor

    tagger = tagged_nlp.get_pipe(COMPONENT_NAME)
    assert tagger.reads_rule_roles  # the shipped model is stacked on the rules
    assert tagger.rule_extractor is tagged_nlp.get_pipe("claim_attribution")
    runs = []
    rules = AttributionExtractor._rules
    monkeypatch.setattr(AttributionExtractor, "_rules",
                        lambda self, doc, quotes: runs.append(doc) or rules(self, doc, quotes))
    doc = tagged_nlp(corpus_text("002_b355f01e7a83066b"))
    assert len(runs) == 1 and RULES_KEY not in doc.user_data
    assert any(a.pattern.endswith("+tagger") for a in doc._.attributions)


def test_the_tagger_alone_leaves_no_rule_finds_behind() -> None:
    from pipeline.claims.attribution import RULES_KEY
    from pipeline.nlp import load_nlp

    nlp = load_nlp(attribution=False)
    load_attribution_ner(nlp)
    doc = nlp(_line("000_d6c6155466720481", ISW))
    assert RULES_KEY not in doc.user_data and doc.spans[SPANS_KEY]
    assert Doc(nlp.vocab).from_bytes(doc.to_bytes()).text == doc.text


def test_tagged_claims_reach_the_output() -> None:
    from pipeline.nlp import load_nlp

    text = _line("000_d6c6155466720481", ISW)
    doc = load_nlp(tagger=True)(text)
    [claim] = [a for a in doc._.attributions if a.cue and text[a.cue[0]:a.cue[1]] == "note"]
    assert claim.pattern.endswith("+tagger") and claim.kind == "direct"
    assert claim.source_canonical == "ISW"  # no expansion defined in this one line


def test_reported_speech_with_quotation(tagged_nlp: Language) -> None:
    doc = tagged_nlp(_line("000_d6c6155466720481", ISW))
    assert _covered(doc, "CUE", "note") == 1.0
    assert _covered(doc, "SOURCE", "ISW experts") == 1.0
    quoted = ISW[1:ISW.index(",”")]
    assert _covered(doc, "CONTENT", quoted) >= 0.8


def test_indirect_speech(tagged_nlp: Language) -> None:
    doc = tagged_nlp(_line("002_b355f01e7a83066b", SECOND))
    assert _covered(doc, "CUE", "said") == 1.0
    assert _covered(doc, "SOURCE", "he") == 1.0
    assert _covered(doc, "CONTENT", "Russia would never agree to the introduction of "
                                    "peacekeepers from NATO countries") >= 0.8


def test_spans_are_labelled_and_disjoint(tagged_nlp: Language) -> None:
    doc = tagged_nlp(" ".join([ISW, SECOND]))
    spans = list(doc.spans[SPANS_KEY])
    assert spans
    assert {span.label_ for span in spans} <= set(LABELS)
    tokens = [t.i for span in spans for t in span]
    assert len(tokens) == len(set(tokens))


def test_named_entities_are_kept(tagged_nlp: Language) -> None:
    text = " ".join([ISW, SECOND])
    doc = tagged_nlp(text)
    with tagged_nlp.select_pipes(disable=[COMPONENT_NAME]):
        plain = tagged_nlp(text)
    assert [(e.start, e.end, e.label_) for e in doc.ents] == \
        [(e.start, e.end, e.label_) for e in plain.ents]
    labels = {e.text: e.label_ for e in doc.ents}
    assert labels.get("Russia") == "GPE"
    assert not set(labels.values()) & set(LABELS)


def test_batch_and_single_docs_agree(tagged_nlp: Language) -> None:
    texts = [ISW, SECOND]
    batched = list(tagged_nlp.pipe(texts, batch_size=2))
    for text, doc in zip(texts, batched, strict=True):
        single = tagged_nlp(text)
        assert [(s.start, s.end, s.label_) for s in doc.spans[SPANS_KEY]] == \
            [(s.start, s.end, s.label_) for s in single.spans[SPANS_KEY]]


# --- linking tagged spans into claims (spans set by hand on a real parse) -----------


@pytest.fixture(scope="module")
def parse_nlp() -> Language:
    from pipeline.nlp import load_nlp

    return load_nlp(attribution=False)


def _tagged_attributions(parse_nlp: Language, text: str, spans: list[tuple[str, str]],
                         definition: str = "guidelines") -> list:
    """The attributions made from the given (label, words) spans and the rules."""
    from pipeline.claims.attribution import AttributionExtractor

    doc = parse_nlp(text)
    tagged = []
    for label, words in spans:
        start = text.index(words)
        tagged.append(doc.char_span(start, start + len(words), label=label))
    doc.spans[SPANS_KEY] = tagged
    AttributionExtractor(definition=definition)(doc)
    return doc._.attributions


def _tagged_claims(parse_nlp: Language, text: str, spans: list[tuple[str, str]],
                   definition: str = "guidelines") -> list[tuple[str | None, str, str]]:
    """(source, cue, content) of the claims made from the given (label, words) spans."""
    return [(text[a.source[0]:a.source[1]] if a.source else None,
             text[a.cue[0]:a.cue[1]] if a.cue else "",
             " ".join(text[s:e] for s, e in a.parts))
            for a in _tagged_attributions(parse_nlp, text, spans, definition)]


def test_a_cue_without_a_tagged_source_takes_its_subject_from_the_parse(
        parse_nlp: Language) -> None:
    text = "Maria Lopez lashed out at the new border plan during the debate."
    claims = _tagged_claims(parse_nlp, text, [("CUE", "lashed out at"),
                                              ("CONTENT", "the new border plan")])
    assert claims == [("Maria Lopez", "lashed out at", "the new border plan")]
    # a lexicon cue takes any speaker the rules accept; an unknown one needs a person
    text = "Minsk, weighing the serious consequences of this step, stayed out."
    assert not _tagged_claims(parse_nlp, text, [
        ("CUE", "weighing"), ("CONTENT", "the serious consequences of this step")])
    text = "It seems strange that the summit was cancelled."
    assert not _tagged_claims(parse_nlp, text, [
        ("CUE", "seems"), ("CONTENT", "strange that the summit was cancelled")])


def test_questions_are_claims_and_requests_are_not(parse_nlp: Language) -> None:
    text = "The host asked the senator whether the wall would ever be built."
    claims = _tagged_claims(parse_nlp, text, [
        ("SOURCE", "The host"), ("CUE", "asked"),
        ("CONTENT", "whether the wall would ever be built")])
    assert [c[2] for c in claims] == ["whether the wall would ever be built"]
    text = "The Kyrgyz government asked the alliance for help with the unrest."
    assert not [c for c in _tagged_claims(parse_nlp, text, [
        ("SOURCE", "The Kyrgyz government"), ("CUE", "asked"),
        ("CONTENT", "the alliance for help with the unrest")]) if c[1] == "asked"]


def test_a_negated_cue_with_a_noun_phrase_is_no_claim(parse_nlp: Language) -> None:
    text = "The memo does not directly indicate the scale of the cuts."
    assert not _tagged_claims(parse_nlp, text, [
        ("CUE", "does not directly indicate"), ("CONTENT", "the scale of the cuts")])


def test_a_revealed_thing_is_a_topic_unless_a_document_reveals_it(
        parse_nlp: Language) -> None:
    text = ("In 2019, the Russian Foreign Ministry also revealed its concept of collective "
            "security in the Persian Gulf region.")
    assert not _tagged_claims(parse_nlp, text, [
        ("SOURCE", "the Russian Foreign Ministry"), ("CUE", "also revealed"),
        ("CONTENT", "its concept of collective security in the Persian Gulf region")])
    text = "The leaked protocol revealed the plan for a CSTO peacekeeping mission."
    assert _tagged_claims(parse_nlp, text, [
        ("SOURCE", "The leaked protocol"), ("CUE", "revealed"),
        ("CONTENT", "the plan for a CSTO peacekeeping mission")])


def test_a_belief_in_a_noun_phrase_is_no_claim(parse_nlp: Language) -> None:
    text = "Minsk, realising the serious consequences of this step, stayed out."
    assert not _tagged_claims(parse_nlp, text, [
        ("CUE", "realising"), ("CONTENT", "the serious consequences of this step")])


def test_the_cue_feature_uses_the_verbs_the_model_was_trained_with(
        tagged_nlp: Language, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    trained = set((MODEL_DIR / CUE_VERBS_FILE).read_text(encoding="utf-8").split())
    assert attribution_model._cue_lemmas() == trained and "say" in trained
    # a model trained before "yell" joined the lexicon keeps reading its own list
    import shutil

    from pipeline.nlp import load_nlp

    older = tmp_path / "model"
    shutil.copytree(MODEL_DIR, older)
    (older / CUE_VERBS_FILE).write_text("say\nclaim\n", encoding="utf-8")
    monkeypatch.setattr(attribution_model, "_trained_cues", attribution_model._trained_cues)
    load_attribution_ner(load_nlp(), older)
    assert attribution_model._cue_lemmas() == {"say", "claim"}
    assert "yell" in lexicon_cue_lemmas()


def test_tagged_reported_speech_stops_at_its_sentence_end(parse_nlp: Language) -> None:
    text = "Maria Lopez said the border plan was dead. The vote is on Friday."
    claims = _tagged_claims(parse_nlp, text, [
        ("SOURCE", "Maria Lopez"), ("CUE", "said"),
        ("CONTENT", "the border plan was dead. The vote is on Friday")])
    assert claims == [("Maria Lopez", "said", "the border plan was dead")]
    text = "Maria Lopez said: “The border plan is dead. The vote is on Friday.”"
    claims = _tagged_claims(parse_nlp, text, [
        ("SOURCE", "Maria Lopez"), ("CUE", "said"),
        ("CONTENT", "“The border plan is dead. The vote is on Friday.”")])
    assert claims == [("Maria Lopez", "said", "The border plan is dead. The vote is on Friday")]


def test_a_pronoun_alone_is_no_tagged_content(parse_nlp: Language) -> None:
    from conftest import corpus_text

    text = corpus_text("000_d6c6155466720481")
    start = text.index("On June 24,")
    text = text[start:text.index("Study of War (ISW).", start) + len("Study of War (ISW).")]
    claims = _tagged_claims(parse_nlp, text, [
        ("CONTENT", "This"), ("CUE", "was reported by"),
        ("SOURCE", "the Institute for the Study of War (ISW)")])
    [(source, cue, content)] = [c for c in claims if c[1] == "was reported by"]
    assert content.startswith("On June 24, the State Duma")


def test_a_tagged_content_may_be_one_short_name(parse_nlp: Language) -> None:
    text = "The union officially endorsed Warren on Tuesday."
    claims = _tagged_claims(parse_nlp, text, [
        ("SOURCE", "The union"), ("CUE", "officially endorsed"), ("CONTENT", "Warren")])
    assert claims == [("The union", "officially endorsed", "Warren")]


def test_tagged_content_stops_before_a_second_cue(parse_nlp: Language) -> None:
    text = _line("003_f866f8617738da58", CSTO_CITED)
    claims = _tagged_claims(parse_nlp, text, [
        ("SOURCE", "The CSTO"), ("CUE", "said"),
        ("CONTENT", "it was not authorized to do so and cited the organization’s “lack of "
                    "mandate to intervene in the internal affairs of its members”")])
    by_cue = {cue: content for _, cue, content in claims}
    assert by_cue["said"] == "it was not authorized to do so"
    assert "lack of mandate to intervene" in by_cue["cited"]


def test_a_tagged_refusal_is_no_claim(parse_nlp: Language) -> None:
    # PolNeAR annotates wishes and refusals; the guidelines do not count them as claims
    text = _line("003_f866f8617738da58", "The Kyrgyz government had asked for help from the "
                 "CSTO in 2010, but the organization refused to help restore order following "
                 "clashes between Kyrgyz and Uzbeks in the south of the country.")
    claims = _tagged_claims(parse_nlp, text, [
        ("SOURCE", "the organization"), ("CUE", "refused"),
        ("CONTENT", "to help restore order following clashes between Kyrgyz and Uzbeks")])
    assert not [c for c in claims if c[1] == "refused"]


def test_a_tagged_content_without_a_cue_takes_the_verb_it_depends_on(
        parse_nlp: Language) -> None:
    from pipeline.claims.tagged import link

    text = _line("003_f866f8617738da58", "In 2021, Tajikistan said the CSTO was not doing "
                 "enough to help it deal with instability in neighboring Afghanistan.")
    doc = parse_nlp(text)
    content = "the CSTO was not doing enough"
    start = text.index(content)
    doc.spans[SPANS_KEY] = [doc.char_span(start, start + len(content), label="CONTENT"),
                            doc.char_span(9, 19, label="SOURCE")]
    [claim] = link(doc)
    assert (claim.cue.text, claim.source.text, claim.parsed_cue, claim.tagged_source) == (
        "said", "Tajikistan", True, True)
    assert _tagged_claims(parse_nlp, text, [("SOURCE", "Tajikistan"), ("CONTENT", content)])[0][
        :2] == ("Tajikistan", "said")


def test_clause_features_tell_each_token_its_verb_and_cue(parse_nlp: Language) -> None:
    from spacy.strings import get_string_id

    from pipeline.attribution_model import QUOTED, clause_features

    doc = parse_nlp(_line("002_b355f01e7a83066b", SECOND))
    features = clause_features(doc)
    said = next(t for t in doc if t.text == "said")
    by_text = {t.text: features[t.i] for t in doc}
    clause = next(c for c in said.children if c.dep_ == "ccomp")
    assert by_text["he"][1] == get_string_id("say:nsubj")
    assert by_text[clause.text][0] == by_text[clause.text][1] == get_string_id("say:ccomp")
    assert by_text["never"][0] == get_string_id(f"{clause.lemma_}:neg")  # its own verb
    assert by_text["NATO"][0] != get_string_id("say:ccomp")
    quoted = clause_features(parse_nlp(_line("000_d6c6155466720481", ISW)))
    assert quoted[1, 2] == QUOTED and quoted[-2, 2] != QUOTED  # "The" ... "note"


def test_a_content_does_not_end_on_a_dangling_conjunction(parse_nlp: Language) -> None:
    text = _line("003_f866f8617738da58", CSTO_CITED)
    claims = _tagged_claims(parse_nlp, text, [
        ("SOURCE", "The CSTO"), ("CUE", "said"), ("CONTENT", "it was not authorized to do so and")])
    assert ("The CSTO", "said", "it was not authorized to do so") in claims


def test_as_they_say_is_an_idiom_not_a_claim(parse_nlp: Language) -> None:
    text = _line("002_b355f01e7a83066b", "[Belarus President Alexander] Lukashenko pursues a "
                 "rather flexible policy, as they say, bypassing sharp corners.")
    assert not _tagged_claims(parse_nlp, text, [
        ("SOURCE", "they"), ("CUE", "say"), ("CONTENT", "corners")])


def test_a_meeting_to_come_is_no_claim(parse_nlp: Language) -> None:
    text = _line("002_b355f01e7a83066b", "And its approach irritates Moscow because it is on it "
                 "that NATO countries will discuss subsequent actions and steps aimed at "
                 "supporting Ukraine.")
    assert not _tagged_claims(parse_nlp, text, [
        ("SOURCE", "NATO countries"), ("CUE", "will discuss"),
        ("CONTENT", "subsequent actions and steps aimed at supporting Ukraine")])


def test_telling_someone_what_the_job_was_is_no_tagged_claim(parse_nlp: Language) -> None:
    text = _line("004_1bb8f61e5306e125", "A month ago, the chief of the Russian General Staff, "
                 "Valery Gerasimov, told the foreign military attaché what the job was.")
    assert not _tagged_claims(parse_nlp, text, [
        ("SOURCE", "the chief of the Russian General Staff, Valery Gerasimov,"), ("CUE", "told"),
        ("CONTENT", "what the job was")])


def test_a_tagged_claim_the_rules_also_found_keeps_the_rules_boundaries(
        parse_nlp: Language) -> None:
    text = _line("003_f866f8617738da58",
                 "The Armenian government stressed the non-military nature of the deployment, "
                 "but this mission marked for the first time integrated operations between "
                 "CSTO member states abroad.")
    claims = _tagged_claims(parse_nlp, text, [
        ("SOURCE", "The Armenian government"), ("CUE", "stressed"),
        ("CONTENT", "the non-military nature of the deployment, but this mission")])
    assert claims == [("The Armenian government", "stressed",
                       "the non-military nature of the deployment")]
    # a tagged content running on into the clause coordinated with the cue's own
    claims = _tagged_claims(parse_nlp, text, [
        ("SOURCE", "The Armenian government"), ("CUE", "stressed"),
        ("CONTENT", "the non-military nature of the deployment, but this mission marked for "
                    "the first time integrated operations between CSTO member states abroad")])
    assert claims == [("The Armenian government", "stressed",
                       "the non-military nature of the deployment")]


GLOSS_TEXT = ("Markov told reporters the CSTO would never deploy to Ukraine, implicitly putting "
              "his name on the line as the alliance struggles to replicate the coalition that "
              "delivered him victories in 2008 and 2012.")


# the tail a rule cuts on purpose (when it was said, or the reporter's reading) goes; an
# "as" that is no clause stays: what the speaker called it
@pytest.mark.parametrize("text, source, cue, tagged, content", [
    ("Tokayev rejected that argument during the first session of the council on Monday night.",
     "Tokayev", "rejected", "that argument during the first session of the council on Monday "
     "night", "that argument"),
    ("Tokayev mentioned the deployment as the delegates hurried closer to the hall.",
     "Tokayev", "mentioned", "the deployment as the delegates hurried closer to the hall",
     "the deployment"),
    (GLOSS_TEXT, "Markov", "told", GLOSS_TEXT[GLOSS_TEXT.index("the CSTO"):-1],
     "the CSTO would never deploy to Ukraine"),
    ("Tokayev described the deployment as a success for the whole alliance.",
     "Tokayev", "described", "the deployment as a success for the whole alliance",
     "the deployment as a success for the whole alliance"),
], ids=["during", "as_a_clause", "reporters_gloss", "as_no_clause"])
def test_a_tagged_content_that_adds_when_or_a_gloss_keeps_the_rules_boundaries(
        parse_nlp: Language, text: str, source: str, cue: str, tagged: str,
        content: str) -> None:
    assert _tagged_claims(parse_nlp, text, [
        ("SOURCE", source), ("CUE", cue), ("CONTENT", tagged)]) == [(source, cue, content)]


def test_a_tagged_half_quotation_keeps_the_rules_whole_one(parse_nlp: Language) -> None:
    # the tagger's content (with its quotation marks) and the rule's cross: the rule's wins
    text = ("“The CSTO is not optional,” Markov said. “Tokayev is a crucial witness in this "
            "committee's investigation of the deployment to Kazakhstan.”")
    assert _tagged_claims(parse_nlp, text, [
        ("CONTENT", "“The CSTO is not optional,”"), ("SOURCE", "Markov"), ("CUE", "said")]) == [
        ("Markov", "said", "The CSTO is not optional Tokayev is a crucial witness in this "
                           "committee's investigation of the deployment to Kazakhstan")]


def test_a_reported_clause_of_another_cue_is_not_joined_to_the_rules_claim(
        parse_nlp: Language) -> None:
    text = ("Kazakh authorities announced on Friday the arrest of a man in the shooting of a "
            "demonstrator during a clash in Almaty and said a curfew would continue through "
            "the weekend.")
    assert _tagged_claims(parse_nlp, text, [
        ("SOURCE", "Kazakh authorities"),
        ("CONTENT", "the arrest of a man in the shooting of a demonstrator during a clash in "
                    "Almaty"),
        ("CUE", "said"), ("CONTENT", "a curfew would continue through the weekend")]) == [
        ("Kazakh authorities", "announced",
         "the arrest of a man in the shooting of a demonstrator during a clash in Almaty"),
        ("Kazakh authorities", "said", "a curfew would continue through the weekend")]


def test_the_tagged_phrase_around_the_rules_quoted_words_is_the_content(
        parse_nlp: Language) -> None:
    text = ('Markov urged police to release the videos "as a matter of the greater good and '
            'transparency."')
    assert _tagged_claims(parse_nlp, text, [
        ("SOURCE", "Markov"), ("CUE", "urged"),
        ("CONTENT", 'police to release the videos "as a matter of the greater good and '
                    'transparency."')]) == [
        ("Markov", "urged", 'police to release the videos "as a matter of the greater good '
                            'and transparency')]
    # but not the cue's own "as a" before the quoted words
    text = ("Kazakhstan requested help from the CSTO to end the disturbances, which it described "
            "as a “terrorist threat”.")
    assert _tagged_claims(parse_nlp, text, [
        ("SOURCE", "it"), ("CUE", "described"), ("CONTENT", "as a “terrorist threat”")]) == [
        ("it", "described", "terrorist threat")]


def test_tagger_mode_on_the_corpus_keeps_the_rules_scope_and_drops_passives(tmp_path) -> None:
    """A run with --tagger over corpus/ (boilerplate cleaning as in a real run): "– according
    to Russia –" qualifies the clause before the dashes, as the rules read it, and neither
    "It was called a “paper tiger”" (no source) nor "preferred to conduct a dialogue" (a
    preference) is a claim."""
    import json

    from pipeline.runner import RunSettings, run

    run([str(Path(__file__).resolve().parent.parent / "corpus")], tmp_path,
        RunSettings(tagger=True))
    claims = [json.loads(line) for line in (tmp_path / "claims.jsonl").open(encoding="utf-8")]
    russia = [c for c in claims if (c.get("cue") or {}).get("text") == "according to"
              and c["source"]["text"] == "Russia"]
    assert [c["content"]["text"] for c in russia] == ["it flew over Syria in 2015"]
    assert not [c for c in claims if (c.get("cue") or {}).get("text") in {"was called",
                                                                          "preferred"}]


def test_rule_roles_mark_the_rules_source_cue_and_content(parse_nlp: Language) -> None:
    from pipeline.attribution_model import NO_ROLE, RULE_ATTR, shadow_doc

    doc = parse_nlp(_line("000_d6c6155466720481", ISW))
    shadow = shadow_doc(doc, with_rules=True)
    roles = {t.text: str(t.morph) for t in shadow}
    assert roles["ISW"] == "Role=SourceStart" and roles["experts"] == "Role=Source"
    assert roles["note"] == "Role=CueStart"
    assert roles["event"] == roles["strength"] == "Role=Content"
    assert str(shadow[-1].morph) == NO_ROLE  # the final full stop
    plain = shadow_doc(doc, with_rules=False)
    assert not plain.to_array([RULE_ATTR]).any()


def test_a_tagged_passive_act_or_aim_is_no_claim(parse_nlp: Language) -> None:
    # what was done to something ("the request was rejected by the CSTO") and what an
    # effort is for ("efforts to promote X as Y") assert nothing, though a tagger cues them
    text = _line("003_f866f8617738da58", "Armenia’s request was was rejected by the CSTO.")
    assert not _tagged_claims(parse_nlp, text, [
        ("SOURCE", "the CSTO"), ("CUE", "was was rejected by"),
        ("CONTENT", "Armenia’s request")])
    text = _line("003_f866f8617738da58", "Russia’s efforts to promote the CSTO as a global "
                 "security alternative to NATO will likely require the organization to "
                 "expand its membership.")
    assert not _tagged_claims(parse_nlp, text, [
        ("SOURCE", "Russia’s efforts"), ("CUE", "to promote"),
        ("CONTENT", "the CSTO as a global security alternative to NATO")])
    # a passive with its agent and a reported clause stays a claim
    text = "It was reported by the Kyrgyz ministry that the border was closed."
    assert _tagged_claims(parse_nlp, text, [
        ("SOURCE", "the Kyrgyz ministry"), ("CUE", "was reported by"),
        ("CONTENT", "the border was closed")])


# --- PolNeAR's definition (claims run --definition polnear) ----------------------------


def test_polnear_definition_keeps_refusals_wishes_and_topics(parse_nlp: Language) -> None:
    # the guidelines count none of these; PolNeAR annotates all three, and under its
    # definition the tagger, trained on it, is trusted
    refusal = _line("003_f866f8617738da58", "The Kyrgyz government had asked for help from "
                    "the CSTO in 2010, but the organization refused to help restore order "
                    "following clashes between Kyrgyz and Uzbeks in the south of the country.")
    wish = _line("002_b355f01e7a83066b", "Russia would like to use the support of the CSTO")
    topic = _line("002_b355f01e7a83066b", "NATO countries will discuss subsequent actions "
                  "and steps aimed at supporting Ukraine")
    cases = [
        (refusal, [("SOURCE", "the organization"), ("CUE", "refused"),
                   ("CONTENT", "to help restore order following clashes between Kyrgyz and "
                               "Uzbeks")]),
        (wish + ".", [("SOURCE", "Russia"), ("CUE", "would like"),
                      ("CONTENT", "to use the support of the CSTO")]),
        (topic + ".", [("SOURCE", "NATO countries"), ("CUE", "will discuss"),
                       ("CONTENT", "subsequent actions and steps aimed at supporting Ukraine")]),
    ]
    for text, spans in cases:
        cue = spans[1][1]
        assert not [c for c in _tagged_claims(parse_nlp, text, spans) if c[1] == cue]
        [claim] = [c for c in _tagged_claims(parse_nlp, text, spans, "polnear") if c[1] == cue]
        assert claim[0] == spans[0][1] and claim[2].startswith(spans[2][1][:20])


def test_polnear_definition_keeps_a_report_with_no_speaker_unsourced(
        parse_nlp: Language) -> None:
    text = _line("002_b355f01e7a83066b", "Officially, the goal of the upcoming CSTO military "
                 "exercises was announced as equipping the armed forces of the organisation's "
                 "member countries with modern weapons and equipment.")
    spans = [("CUE", "was announced as"),
             ("CONTENT", "equipping the armed forces of the organisation's member countries "
                         "with modern weapons and equipment")]
    # ANNOTATION_GUIDELINES.md: "passive reports with no source" are no claims
    assert not _tagged_claims(parse_nlp, text, spans)
    [claim] = _tagged_claims(parse_nlp, text, spans, "polnear")
    assert claim[0] is None and claim[1] == "was announced as"
    assert claim[2].startswith("equipping the armed forces")
    # a cue whose speaker is merely missing from the tags is not made sourceless
    text = "Minsk, weighing the serious consequences of this step, stayed out."
    assert not _tagged_claims(parse_nlp, text, [
        ("CUE", "weighing"), ("CONTENT", "the serious consequences of this step")], "polnear")


def test_agentless_cues_are_passives_raising_verbs_and_impersonal_judgements(
        parse_nlp: Language) -> None:
    from pipeline.claims.tagged import agentless

    def cue(text: str, words: str):
        doc = parse_nlp(text)
        start = text.index(words)
        return doc.char_span(start, start + len(words))

    assert agentless(cue("The summit is expected to end without a joint statement.",
                         "is expected"))
    assert agentless(cue("It seems the talks have stalled.", "seems"))
    assert agentless(cue("It is unclear whether the talks will resume.", "is unclear"))
    assert not agentless(cue("It was reported by the ministry that the border was closed.",
                             "was reported"))
    assert not agentless(cue("Maria Lopez lashed out at the plan.", "lashed out at"))
    assert not agentless(cue("The deputy is sure that the talks will resume.", "is sure"))


def test_an_unknown_definition_is_refused_and_polnear_brings_the_tagger() -> None:
    from pipeline.claims.attribution import AttributionExtractor
    from pipeline.runner import RunSettings

    with pytest.raises(ValueError, match="definition"):
        AttributionExtractor(definition="loose")
    with pytest.raises(ValueError, match="definition"):
        RunSettings(definition="loose")
    assert RunSettings(definition="polnear").tagger
    assert not RunSettings().tagger


def test_a_participle_cue_after_a_speaker_is_that_speakers(parse_nlp: Language) -> None:
    # the parser hangs "repeating" on the verb of the quotation before it; its understood
    # subject is the speaker of the clause it follows
    text = ("The minister dodged the question, calling the report a provocation -- “That only "
            "helps our enemies” -- and, when pressed by journalists, repeating, “Our troops "
            "never left the border.”")
    claims = _tagged_claims(parse_nlp, text, [
        ("SOURCE", "The minister"), ("CUE", "calling"), ("CONTENT", "the report a provocation"),
        ("CUE", "repeating"), ("CONTENT", "Our troops never left the border.")])
    assert ("The minister", "repeating", "Our troops never left the border") in claims


def test_a_second_tagger_only_adds_the_claims_the_first_missed(parse_nlp: Language) -> None:
    from pipeline.claims.attribution import AttributionExtractor
    from pipeline.claims.tagged import tagged_keys

    text = "Maria Lopez lashed out at the plan, which would close the border for a month."
    longer = "the plan, which would close the border for a month"

    def contents(first: list[tuple[str, str]], second: list[tuple[str, str]]) -> list[str]:
        doc = parse_nlp(text)
        for key, pieces in ((SPANS_KEY, first), (f"{SPANS_KEY}_2", second)):
            doc.spans[key] = [doc.char_span(text.index(words), text.index(words) + len(words),
                                            label=label) for label, words in pieces]
        assert tagged_keys(doc) == [SPANS_KEY, f"{SPANS_KEY}_2"]
        AttributionExtractor(definition="polnear")(doc)
        return [" ".join(text[s:e] for s, e in a.parts) for a in doc._.attributions]

    cue = ("CUE", "lashed out at")
    # both found the claim: the first tagger's boundaries stay, the second's are not merged in
    assert contents([cue, ("CONTENT", "the plan")], [cue, ("CONTENT", longer)]) == ["the plan"]
    # only the second found it: its claim is added
    assert contents([], [cue, ("CONTENT", longer)]) == [longer]


def test_polnear_runs_both_shipped_taggers_and_the_guidelines_one() -> None:
    from pipeline.attribution_model import member_dirs
    from pipeline.nlp import load_nlp

    assert len(member_dirs()) == 2
    names = load_nlp(tagger=True, definition="polnear").pipe_names
    assert names[-3:] == [COMPONENT_NAME, f"{COMPONENT_NAME}_2", "claim_attribution"]
    assert f"{COMPONENT_NAME}_2" not in load_nlp(tagger=True).pipe_names


def _o_score_bias(tagger) -> float:
    actions = [tagger.moves.get_class_name(i) for i in range(tagger.moves.n_moves)]
    return float(tagger.model.get_ref("upper").get_param("b")[actions.index("O")])


def test_favouring_span_starts_moves_only_the_o_score_and_finds_more_spans() -> None:
    """The recall knob of a greedy tagger: a lower "O" score starts more spans."""
    from pipeline.attribution_model import favour_span_starts
    from pipeline.nlp import load_nlp

    nlp = load_nlp()
    load_attribution_ner(nlp)
    tagger = nlp.get_pipe(COMPONENT_NAME)
    text = corpus_text("001_a07726657dcd6f69")
    before_bias = tagger.model.get_ref("upper").get_param("b").copy()
    before = len(nlp(text).spans[SPANS_KEY])
    favour_span_starts(tagger, 1.0)
    after_bias = tagger.model.get_ref("upper").get_param("b")
    changed = [i for i, (a, b) in enumerate(zip(before_bias, after_bias, strict=True)) if a != b]
    assert len(changed) == 1 and before_bias[changed[0]] - after_bias[changed[0]] == 1.0
    assert len(nlp(text).spans[SPANS_KEY]) > before


def test_polnear_taggers_favour_span_starts_and_the_guidelines_one_does_not() -> None:
    import spacy

    from pipeline.attribution_model import POLNEAR_START_MARGIN, member_dirs
    from pipeline.nlp import load_nlp

    shipped = [_o_score_bias(spacy.load(path).get_pipe(COMPONENT_NAME))
               for path in member_dirs()]
    polnear = load_nlp(tagger=True, definition="polnear")
    for suffix, bias in zip(("", "_2"), shipped, strict=True):
        assert _o_score_bias(polnear.get_pipe(COMPONENT_NAME + suffix)) == pytest.approx(
            bias - POLNEAR_START_MARGIN)
    guidelines = load_nlp(tagger=True)
    assert _o_score_bias(guidelines.get_pipe(COMPONENT_NAME)) == pytest.approx(shipped[0])
    assert POLNEAR_START_MARGIN > 0


def test_a_tagged_source_holding_a_clause_stands_for_its_subject(parse_nlp: Language) -> None:
    """The tagger sometimes runs a SOURCE span on into the verb ("World leaders ...
    expressed"): the source is then the subject's noun phrase; other spans stay."""
    from pipeline.claims.tagged import _clause_subject

    text = _line("000_d6c6155466720481", ISW)
    doc = parse_nlp(text)

    def span(words: str):
        start = text.index(words)
        return doc.char_span(start, start + len(words))

    assert _clause_subject(span("ISW experts note")).text == "ISW experts"
    assert _clause_subject(span("ISW experts")).text == "ISW experts"
    # the verb's subject outside the span: nothing to stand for it, the span is kept
    assert _clause_subject(span("note")).text == "note"


def test_a_tagged_source_leaves_out_a_dateline(parse_nlp: Language) -> None:
    """A dateline in capitals the tagger took into a SOURCE span is not the speaker."""
    from pipeline.claims.tagged import _clause_subject

    text = "MOSCOW -- President Vladimir Putin said on Monday that the CSTO would stay."
    doc = parse_nlp(text)
    source = doc.char_span(0, text.index(" said"))
    assert _clause_subject(source).text == "President Vladimir Putin"
    # a hyphen inside a word is no dateline's dash
    text = "NATO-led forces said on Monday that the CSTO would stay."
    doc = parse_nlp(text)
    source = doc.char_span(0, text.index(" said"))
    assert _clause_subject(source).text == "NATO-led forces"
