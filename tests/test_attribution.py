"""Attribution rules on sentences cut from corpus/ (real spaCy parse, no mocks)."""

from __future__ import annotations

import pytest

from conftest import corpus_text


def _claims(nlp, text: str) -> list[dict]:
    doc = nlp(text)
    return [{"source": doc.text[a.source[0]:a.source[1]] if a.source else None,
             "cue": doc.text[a.cue[0]:a.cue[1]] if a.cue else None,
             "content": " ".join(doc.text[s:e] for s, e in a.parts),
             "kind": a.kind, "canonical": a.source_canonical, "pattern": a.pattern,
             "confidence": a.confidence} for a in doc._.attributions]


def _one(claims: list[dict], cue: str | None) -> dict:
    found = [c for c in claims if c["cue"] == cue]
    assert len(found) == 1, claims
    return found[0]


def _sentence(doc_id: str, start: str, end: str) -> str:
    """A passage of a corpus article, from `start` to the end of `end` (verbatim)."""
    text = corpus_text(doc_id)
    begin = text.index(start)
    return text[begin:text.index(end, begin) + len(end)]


def test_quote_before_cue_is_direct(nlp) -> None:
    text = _sentence("000_d6c6155466720481", "“The event should", "ISW experts note.")
    claim = _one(_claims(nlp, text), "note")
    assert claim["source"] == "ISW experts" and claim["kind"] == "direct"
    assert claim["content"].startswith("The event should revise")
    assert claim["content"].endswith("in future operations")


def test_multi_sentence_quote_and_belief_cue(nlp) -> None:
    text = _sentence("002_b355f01e7a83066b", "\"Countries like", "Markov believes.")
    claim = _one(_claims(nlp, text), "believes")
    assert claim["kind"] == "direct" and claim["source"] == "Markov"
    assert claim["content"].startswith("Countries like Kazakhstan")
    assert claim["content"].endswith("the result is insufficient")


def test_according_to_and_said_that(nlp) -> None:
    text = _sentence("000_d6c6155466720481", "Chinese military personnel", "with the West.")
    claim = _one(_claims(nlp, text), "According to")
    assert claim["source"] == "Ukrainian intelligence" and claim["kind"] == "indirect"
    assert claim["content"].startswith("this indicates Moscow")
    text = _sentence("002_b355f01e7a83066b", "Second, he said", "NATO countries.")
    claim = _one(_claims(nlp, "Andrei Kartopolov spoke. " + text), "said")
    assert claim["content"] == "Russia would never agree to the introduction of peacekeepers " \
                               "from NATO countries"
    assert claim["canonical"] == "Andrei Kartopolov"


def test_numbered_points_continue_the_speaker_with_no_cue(nlp) -> None:
    text = _sentence("002_b355f01e7a83066b", "This is the conclusion",
                     "\"special military operation\".")
    claims = _claims(nlp, text)
    third = _one(claims, None)
    assert third["content"].startswith("the CSTO troops may be needed")
    assert third["canonical"] == "Andrei Kartopolov"
    assert _one(claims, "noted")["canonical"] == "Andrei Kartopolov"  # "the deputy"


def test_anaphoric_attributions_take_the_previous_sentence(nlp) -> None:
    text = _sentence("000_d6c6155466720481", "On June 24,", "Study of War (ISW).")
    claim = _one(_claims(nlp, text), "was reported by")
    assert claim["content"].startswith("On June 24, the State Duma")
    assert claim["canonical"] == "Institute for the Study of War"
    text = _sentence("004_1bb8f61e5306e125", "New Year's terrorist", "Fatherland magazine.")
    claim = _one(_claims(nlp, text), "This is the opinion of")
    assert claim["canonical"] == "Aleksey Leonkov"


def test_conclusion_drawn_from_a_statement_by_someone(nlp) -> None:
    text = _sentence("002_b355f01e7a83066b", "The Russian-Ukrainian war may",
                     "theses of Moscow at once.")
    claim = _one(_claims(nlp, text), "This is the conclusion that emerges from the recent "
                                     "statement by")
    assert claim["content"].startswith("The Russian-Ukrainian war may move into a new phase")
    assert claim["canonical"] == "Andrei Kartopolov"


def test_report_that_appeared_in_the_media(nlp) -> None:
    text = _sentence("002_b355f01e7a83066b", "It is interesting that while",
                     "did not have such data.")
    claim = _one(_claims(nlp, text), "information appeared in")
    assert claim["source"] == "the Russian media"
    assert claim["content"].startswith("the Russian presidential press secretary, Dmitriy")


def test_for_observers_gives_their_view(nlp) -> None:
    text = _sentence("003_f866f8617738da58", "For many political observers",
                     "North Atlantic Treaty Organization.")
    claim = _one(_claims(nlp, text), "For")
    assert claim["source"] == "many political observers"
    assert claim["content"].startswith("the intervention in Kazakhstan was the first notable")
    # a group that benefits is not a group that thinks
    assert not _claims(nlp, "For those with troops in Kazakhstan, the CSTO would provide "
                            "a rapid reaction force.")
    # a speaker inside the sentence makes it his claim, not the observers'
    claims = _claims(nlp, "For many political observers, Markov said, the intervention in "
                          "Kazakhstan was the first notable CSTO operation.")
    assert [c["cue"] for c in claims] == ["said"]


def test_criticism_from_members_is_what_follows_the_copula(nlp) -> None:
    text = _sentence("003_f866f8617738da58", "Although the CSTO is often seen",
                     "perception of its effectiveness.")
    claim = _one(_claims(nlp, text), "criticism")
    assert claim["source"] == "member states"
    assert claim["content"] == "the organization’s lack of support in times of crisis"
    # a contention with no owner is a dispute, not something someone contends
    assert not _claims(nlp, "The Armenia-Azerbaijan contention is the main issue of the "
                            "CSTO summit.")


def test_a_statement_speaks_for_whoever_issued_it(nlp) -> None:
    text = ("After the meeting in Moscow, the Collective Security Treaty Organization issued "
            "a statement calling the deployment in Kazakhstan a peacekeeping operation.")
    claim = _one(_claims(nlp, text), "calling")
    assert claim["source"] == "the Collective Security Treaty Organization"
    text = ("According to a speech President Putin delivered in Moscow, Russia gives "
            "priority to strengthening relations with all CSTO countries.")
    claim = _one(_claims(nlp, text), "According to")
    assert claim["source"] == "President Putin"


def test_discussing_steps_names_a_topic(nlp) -> None:
    text = _sentence("002_b355f01e7a83066b", "And its approach irritates Moscow",
                     "aimed at supporting Ukraine.")
    assert not [c for c in _claims(nlp, text) if "discuss" in (c["cue"] or "")]
    text = _sentence("003_f866f8617738da58", "In 2019, the Russian Foreign Ministry",
                     "Persian Gulf region,")
    assert not [c for c in _claims(nlp, text) if "revealed" in (c["cue"] or "")]


def test_cue_set_off_by_dashes_splits_the_quotation(nlp) -> None:
    text = ("“Russia will not be an outside observer of anti-Russian riots in countries "
            "that are part of its zone of national interests, – the expert considers. – "
            "Expand the number of participants in the CSTO – maybe. The CSTO can become an "
            "alternative to NATO.”")
    claims = [c for c in _claims(nlp, "Aleksey Leonkov is an expert. " + text)
              if c["cue"] == "considers"]
    assert [c["content"][:40] for c in claims] == [
        "Russia will not be an outside observer o", "Expand the number of participants in the"]
    assert {c["canonical"] for c in claims} == {"Aleksey Leonkov"}


def test_group_sources_and_confidence_adjective(nlp) -> None:
    text = _sentence("000_d6c6155466720481", "Although the document", "military contingents.")
    claim = _one(_claims(nlp, text), "are confident")
    assert claim["source"] == "analysts"
    assert claim["content"].startswith("it will be Moscow")


def test_passive_and_scare_quotes_are_not_claims(nlp) -> None:
    text = _sentence("002_b355f01e7a83066b", "Officially, the goal",
                     "modern weapons and equipment.")
    assert _claims(nlp, text) == []
    text = _sentence("004_1bb8f61e5306e125", "In fact, there were", "a fake union, etc.")
    assert _claims(nlp, text) == []


@pytest.mark.parametrize("opening, closing", [("“", "”"), ("«", "»"), ("„", "“"), ("``", "''"),
                                               ('"', '"')])
def test_every_quote_style_gives_a_direct_quote(nlp, opening: str, closing: str) -> None:
    text = (f"{opening}Russia has found a tool against the colored revolutions,{closing} "
            "Leonkov wrote in his Telegram channel.")
    claim = _one(_claims(nlp, text), "wrote")
    assert claim["kind"] == "direct" and claim["source"] == "Leonkov"


def test_an_unclosed_quote_costs_only_itself(nlp) -> None:
    text = corpus_text("003_f866f8617738da58")
    claims = _claims(nlp, text)
    assert any(c["cue"] == "said" and c["source"] == "Tajikistan" for c in claims)


def test_vox_pop_dash_and_transcript_lines(nlp) -> None:
    claims = _claims(nlp, "“The CSTO can become an alternative to NATO.” ― Aleksey Leonkov\n"
                          "MARKOV: Russia can theoretically force them to join this process.\n")
    assert {c["cue"] for c in claims} == {"―", ":"}
    assert {c["source"] for c in claims} == {"Aleksey Leonkov", "MARKOV"}


def test_transcript_lines_that_open_a_quotation_they_never_close(nlp) -> None:
    # transcripts open each paragraph with a quotation mark and never close it; a quote
    # paired across paragraphs must not swallow the speakers' lines
    text = ('"MARKOV: Russia can theoretically force them to join this process.\n\n'
            '"LEONKOV: The CSTO can become an alternative to NATO. This is the opinion of the '
            'expert.\n\n"MARKOV: The CSTO should “be no worse than NATO” in the future.\n')
    claims = [c for c in _claims(nlp, text) if c["cue"] == ":"]
    assert [c["source"] for c in claims] == ["MARKOV", "LEONKOV", "MARKOV"]
    assert claims[1]["content"].startswith("The CSTO can become an alternative to NATO")


def test_a_quote_in_the_next_paragraph_with_its_own_cue_is_not_the_first_speakers(nlp) -> None:
    text = ("“The CSTO can become an alternative to NATO,” Leonkov said to the deputies, who "
            "had gathered in Moscow.\n\n“Russia can theoretically force them to join this "
            "process,” Markov said.")
    claims = _claims(nlp, text)
    by_source = {c["source"]: c["content"] for c in claims}
    assert by_source["Leonkov"] == "The CSTO can become an alternative to NATO"
    assert by_source["Markov"] == "Russia can theoretically force them to join this process"


def test_a_participle_of_saying_after_the_content_is_the_next_claim(nlp) -> None:
    text = (_sentence("003_f866f8617738da58", "In 2021, Tajikistan said", "neighboring Afghanistan")
            + ", citing the organization’s “lack of mandate”.")
    claims = _claims(nlp, text)
    assert _one(claims, "said")["content"] == (
        "the CSTO was not doing enough to help it deal with instability in neighboring Afghanistan")
    assert _one(claims, "citing")["content"] == "lack of mandate"


@pytest.mark.parametrize("text, content", [
    ("Sergey Markov accused the CSTO of doing too little in Kazakhstan.",
     "the CSTO of doing too little in Kazakhstan"),
    ("Sergey Markov blamed the CSTO for the crisis in Kazakhstan.",
     "the CSTO for the crisis in Kazakhstan")])
def test_an_accusation_keeps_what_it_is_for(nlp, text: str, content: str) -> None:
    [claim] = _claims(nlp, text)
    assert claim["source"] == "Sergey Markov" and claim["content"] == content


@pytest.mark.parametrize("text", [
    # the parser hangs the "that" clause on the hearer as if it were a relative clause
    "Sergey Markov told a meeting of CSTO leaders that few people understood the threat "
    "better than the member states.",
    # two clausal complements: the one the cue introduces with "that" is what was told
    "Claiming the criticism of the CSTO is designed to pressure Moscow, Sergey Markov told "
    "journalists that few people understood the threat better than the member states."])
def test_the_that_clause_after_tell_is_the_content(nlp, text: str) -> None:
    claim = _one(_claims(nlp, text), "told")
    assert claim["source"] == "Sergey Markov"
    assert claim["content"] == ("few people understood the threat better than the member "
                                "states")


def test_a_cue_verb_tagged_as_a_plural_noun_still_reports(nlp) -> None:
    text = "But Trump claims that he should be the exception."
    assert next(t for t in nlp(text) if t.lower_ == "claims").tag_ == "NNS"  # the model's slip
    claim = _one(_claims(nlp, text), "claims")
    assert claim["source"] == "Trump" and claim["content"] == "he should be the exception"


def test_the_clause_after_the_cue_wins_over_one_before_it(nlp) -> None:
    text = ("While he acknowledged funding was a major reason for the crisis, Markov also noted "
            "several “intangibles” left the CSTO further weakened.")
    claims = _claims(nlp, text)
    assert _one(claims, "noted")["content"] == (
        "several “intangibles” left the CSTO further weakened")
    assert not [c for c in claims if c["content"] == "intangibles"]


def test_a_that_clause_hung_on_the_time_of_reporting_is_the_content(nlp) -> None:
    text = ("Still, Bloomberg reported at the time that the CSTO secretary general, Stanislav "
            "Zas, conveyed to the deputies that the mission was over.")
    claim = _one(_claims(nlp, text), "reported")
    assert claim["source"] == "Bloomberg"
    assert claim["content"].startswith("the CSTO secretary general, Stanislav Zas, conveyed")


def test_a_cue_with_its_own_object_takes_no_quotation_after_the_sentence(nlp) -> None:
    text = ("At the summit, Markov called the deployment a mistake. “The CSTO can become an "
            "alternative to NATO,” he said.")
    claims = _claims(nlp, text)
    assert _one(claims, "called")["content"] == "the deployment a mistake"
    assert _one(claims, "said")["content"] == "The CSTO can become an alternative to NATO"


def test_a_slide_shows_what_it_shows(nlp) -> None:
    [claim] = _claims(nlp, "Another slide shows that eight of ten CSTO members depend on "
                           "Russian arms.")
    assert claim["source"] == "Another slide"
    assert claim["content"] == "eight of ten CSTO members depend on Russian arms"


def test_a_cue_ending_in_a_colon_takes_the_quotation_of_the_next_paragraph(nlp) -> None:
    text = ("Bloomberg reports:\n\n“The CSTO can become an alternative to NATO. Russia can "
            "theoretically force them to join this process.”\n\nThe summit ended on Friday.")
    claim = _one(_claims(nlp, text), "reports")
    assert claim["source"] == "Bloomberg" and claim["kind"] == "direct"
    assert claim["content"] == ("The CSTO can become an alternative to NATO. Russia can "
                                "theoretically force them to join this process")


def test_a_quoted_question_split_off_before_its_cue_is_still_its_content(nlp) -> None:
    # the sentencizer ends the sentence at “...?” and "Markov said, looking ..." follows
    text = ("“Who would have believed that the CSTO would send troops to Kazakhstan?” Markov "
            "said, looking out on the audience.")
    claim = _one(_claims(nlp, text), "said")
    assert claim["source"] == "Markov" and claim["kind"] == "direct"
    assert claim["content"] == ("Who would have believed that the CSTO would send troops to "
                                "Kazakhstan?")


def test_a_quotation_told_to_a_hearer_may_open_with_what(nlp) -> None:
    text = ("Markov told his radio audience on Monday, “What has happened basically is this. "
            "The CSTO has sent marching orders to its members.”")
    claim = _one(_claims(nlp, text), "told")
    assert claim["source"] == "Markov" and claim["kind"] == "direct"
    assert claim["content"].startswith("What has happened basically is this")


def test_reported_object_keeps_its_determiner_and_numbers(nlp) -> None:
    text = _sentence("002_b355f01e7a83066b", "Russian statesman", "the territory of Ukraine.")
    claim = _one(_claims(nlp, text), "ruled out")
    assert claim["content"] == ("the possibility of the CSTO peacekeeping troops entering the "
                                "territory of Ukraine")
    claim = _one(_claims(nlp, "The ministry announced 3,000 layoffs on Monday."), "announced")
    assert claim["content"] == "3,000 layoffs"


def test_a_question_is_the_content_of_ask(nlp) -> None:
    text = "The reporter asked the minister whether the troops would stay in the region."
    claim = _one(_claims(nlp, text), "asked")
    assert claim["source"] == "The reporter"
    assert claim["content"] == "whether the troops would stay in the region"
    # "told X what ..." stays a topic, not a claim
    assert not _claims(nlp, "The general told the attachés what the job was.")


@pytest.mark.parametrize("text, source, cue, content", [
    ("Some criticised the new law on foreign agents.", "Some", "criticised",
     "the new law on foreign agents"),
    ("Forty percent of voters oppose the new tax on fuel.", "Forty percent of voters",
     "oppose", "the new tax on fuel"),
    ("The senator endorsed the governor's plan for the border.", "The senator", "endorsed",
     "the governor's plan for the border"),
    ("The party published a report that criticises the government's budget.", "that",
     "criticises", "the government's budget"),
    ("The minister mocked the opposition's plan for the railway.", "The minister", "mocked",
     "the opposition's plan for the railway"),
])
def test_shares_of_people_relative_pronouns_and_stances_are_speakers(
        nlp, text: str, source: str, cue: str, content: str) -> None:
    claim = _one(_claims(nlp, text), cue)
    assert (claim["source"], claim["content"]) == (source, content)


def test_a_claim_inside_another_claim_is_not_a_claim_of_its_own(nlp) -> None:
    text = ("The spokesman said that, even if the ministers thought the plan was sound, "
            "the vote could not be held before June.")
    claims = _claims(nlp, text)
    assert [c["cue"] for c in claims] == ["said"], claims
    # a relative clause that ends the outer content is its own claim, cut from the outer one
    text = _sentence("003_f866f8617738da58", "In 2019, Russian Deputy", "would veto it.")
    claims = _claims(nlp, text)
    by_source = {c["source"]: c["content"] for c in claims}
    assert by_source["Russian Deputy Prime Minister Yuri Borisov"].endswith(
        "special partner status in the CSTO")
    assert by_source["Armenia"] == "it would veto it"


def test_typewriter_quotes_before_and_after_the_cue(nlp) -> None:
    text = "''We don't accept it,'' the minister said. ''The bloc is not ready for it.''"
    claim = _one(_claims(nlp, text), "said")
    assert claim["source"] == "the minister" and claim["kind"] == "direct"
    assert claim["content"] == "We don't accept it The bloc is not ready for it"


def test_a_source_keeps_the_clause_that_describes_the_speaker(nlp) -> None:
    text = "Maria Lopez, who chairs the budget committee, said the plan was dead."
    claim = _one(_claims(nlp, text), "said")
    assert claim["source"] == "Maria Lopez, who chairs the budget committee"
    assert claim["content"] == "the plan was dead"
    # a relative clause that holds the cue is the claim: its "who" is the source as
    # written (as PolNeAR and PARC mark it), resolved to the antecedent
    text = "The plan was opposed by Maria Lopez, who said it would never pass the house."
    claim = _one(_claims(nlp, text), "said")
    assert (claim["source"], claim["canonical"]) == ("who", "Maria Lopez")
    assert claim["content"] == "it would never pass the house"


def test_the_occasion_of_speaking_is_cut_from_the_source_but_not_the_speakers_place(nlp) -> None:
    text = _sentence("002_b355f01e7a83066b", "Russian statesman", "the territory of Ukraine.")
    claim = _one(_claims(nlp, text), "ruled out")
    assert claim["source"] == "Russian statesman and public figure, expert Sergey Markov"
    text = "Officials in the finance ministry said the budget was final."
    claim = _one(_claims(nlp, text), "said")
    assert claim["source"] == "Officials in the finance ministry"


def test_a_cue_with_its_own_object_does_not_take_a_quotation_elsewhere(nlp) -> None:
    text = "The senator criticised the new budget, although the minister praised its “fairness”."
    claim = _one(_claims(nlp, text), "criticised")
    assert claim["content"] == "the new budget" and claim["kind"] == "indirect"
    # a hearer is no object: the quotation is what was told
    claim = _one(_claims(nlp, "“We will not pay,” the minister told reporters."), "told")
    assert claim["content"] == "We will not pay" and claim["kind"] == "direct"
    # a request asks for something and asserts nothing
    text = _sentence("001_a07726657dcd6f69", "On January 5,", "“terrorist threat”.")
    assert not [c for c in _claims(nlp, text) if c["cue"] == "requested"]


@pytest.mark.parametrize("text, source, cue, content", [
    ("The minister's claim that the troops had left was denied by the army.", "The minister's",
     "claim", "the troops had left"),
    ("Her criticism of the new budget cost her the post.", "Her", "criticism",
     "the new budget"),
])
def test_speech_nouns_with_a_possessor(nlp, text: str, source: str, cue: str,
                                       content: str) -> None:
    claim = _one(_claims(nlp, text), cue)
    assert (claim["source"], claim["content"]) == (source, content)


@pytest.mark.parametrize("text", [
    "The senator has seen mixed results in the polls this spring.",
    "The governor added five points to her lead in the state.",
    "The incumbent maintained a comfortable lead over his rival.",
    "It is clear that the vote was lost in the suburbs.",
])
def test_objects_that_are_not_what_was_said(nlp, text: str) -> None:
    assert not _claims(nlp, text)


def test_an_assessment_with_its_complement_is_a_claim(nlp) -> None:
    text = _sentence("003_f866f8617738da58", "the Kremlin sees", "21st century ambitions")
    claim = _one(_claims(nlp, "In the long run, " + text + "."), "sees")
    assert claim["content"] == "Ukraine as the centerpiece of its 21st century ambitions"


def test_a_but_clause_hung_on_the_cue_belongs_to_the_content(nlp) -> None:
    claim = _one(_claims(nlp, "The minister said the deal was fair, but it would be difficult "
                              "to pass."), "said")
    assert claim["content"] == "the deal was fair, but it would be difficult to pass"
    claim = _one(_claims(nlp, "The minister said the deal was fair, and the opposition walked "
                              "out."), "said")
    assert claim["content"] == "the deal was fair"


@pytest.mark.parametrize("text, source, content", [
    ("\"If the CSTO doesn't have the capability to threaten its neighbors with troops yet, it "
     "will at some point, probably sooner rather than later,\" said Sergey Markov, a "
     "political scientist.", "Sergey Markov, a political scientist",
     "If the CSTO doesn't have the capability"),
    ("“My reaction, that was outrageous,” the CSTO’s former secretary general said in an "
     "interview with Caliber.Az.", "the CSTO’s former secretary general",
     "My reaction, that was outrageous"),
])
def test_the_speaker_is_the_subject_next_to_the_cue_not_one_inside_the_quotation(
        nlp, text: str, source: str, content: str) -> None:
    # the parser gives "said" two subjects: one inside the quotation and the speaker
    claim = _one(_claims(nlp, text), "said")
    assert claim["source"] == source
    assert claim["content"].startswith(content)


def test_a_cue_in_an_adverbial_clause_keeps_the_clause_the_parser_gave_the_main_cue(nlp) -> None:
    text = ("While he acknowledged funding was a major reason the CSTO failed in Kazakhstan, "
            "Markov also noted several “intangibles” left the alliance further weakened.")
    claims = _claims(nlp, text)
    assert _one(claims, "acknowledged")["content"] == ("funding was a major reason the CSTO "
                                                      "failed in Kazakhstan")
    assert _one(claims, "noted")["content"] == ("several “intangibles” left the alliance "
                                               "further weakened")


def test_a_clause_after_an_adverbial_cue_is_not_the_main_cues_content(nlp) -> None:
    text = ("“You should resign. You should give back the money you took while this scheme was "
            "going on,” Markov told Kartopolov, after he admitted under Markov’s grilling he "
            "hadn’t yet been held personally accountable for the act.")
    claims = _claims(nlp, text)
    assert _one(claims, "told")["content"].startswith("You should resign. You should give back")
    assert _one(claims, "admitted")["content"] == ("he hadn’t yet been held personally "
                                                  "accountable for the act")


@pytest.mark.parametrize("text, cue, content", [
    ("The CSTO is weaker than ever, as Sergey Markov noted.", "noted",
     "The CSTO is weaker than ever"),
    ("As ISW noted, the Russian troops are exhausted.", "noted",
     "the Russian troops are exhausted"),
    ("The main requirement for the mission is a \"lawful request of a member state,\" as a "
     "CSTO memo put it.", "put", "The main requirement for the mission is a \"lawful request "
                                 "of a member state"),
    ("As one Caliber.Az analyst pointed out with a telling side-by-side, the gap between the "
     "two blocs is so vast it’s almost laughable.", "pointed out",
     "the gap between the two blocs is so vast it’s almost laughable"),
    ("The talks failed, as Markov told reporters on Friday.", "told", "The talks failed"),
])
def test_a_comment_clause_with_as_attributes_the_clause_it_comments_on(
        nlp, text: str, cue: str, content: str) -> None:
    assert _one(_claims(nlp, text), cue)["content"] == content


@pytest.mark.parametrize("text", [
    "Lukashenko pursues a rather flexible policy, as they say, bypassing sharp corners.",
    "Markov put the report on the table.",
    "As Markov spoke about the war, the audience cheered.",
])
def test_idioms_and_other_puts_are_no_claims(nlp, text: str) -> None:
    assert not _claims(nlp, text)


def test_an_inverted_said_before_a_colon_and_a_quotation(nlp) -> None:
    text = ("Experts disagree on the mission. Said Markov: “I don’t get the sense the CSTO is "
            "the least bit interested in Ukraine.”")
    claim = _one(_claims(nlp, text), "Said")
    assert claim["source"] == "Markov" and claim["kind"] == "direct"
    assert claim["content"] == "I don’t get the sense the CSTO is the least bit interested in " \
                               "Ukraine"


@pytest.mark.parametrize("text, cue, content", [
    ("A 2022 study by the Institute for the Study of War found 31 incidents of desertion out "
     "of more than a thousand units.", "found", "31 incidents of desertion"),
    ("Video of the incident shows him with his hands in the air in the moments before he was "
     "detained.", "shows", "him with his hands in the air in the moments before he was "
                           "detained"),
])
def test_what_a_document_finds_or_shows(nlp, text: str, cue: str, content: str) -> None:
    assert _one(_claims(nlp, text), cue)["content"].startswith(content)


def test_according_to_a_source_the_parser_read_as_a_clause(nlp) -> None:
    claim = _one(_claims(nlp, "As a commander in Kazakhstan, Gerasimov repeatedly ignored the "
                              "CSTO's rules, according to show insiders."), "according to")
    assert claim["source"] == "show insiders"
    assert claim["content"].startswith("As a commander in Kazakhstan, Gerasimov")


def test_citing_after_a_reported_clause_is_the_reporters(nlp) -> None:
    text = ("Foreign policy analysts said geopolitical factors have contributed to elevating "
            "Kazakhstan's bipartisan appeal, citing the strategic importance of a nation that "
            "borders China.")
    claims = _claims(nlp, text)
    assert _one(claims, "said")["content"] == ("geopolitical factors have contributed to "
                                              "elevating Kazakhstan's bipartisan appeal")
    citing = _one(claims, "citing")
    assert citing["source"] == "Foreign policy analysts"
    assert citing["content"] == "the strategic importance of a nation that borders China"


def test_a_speaker_named_by_whose_they_are_is_not_that_person(nlp) -> None:
    claim = _one(_claims(nlp, "Vladimir Putin’s doctor is calling the president “extremely "
                              "physically fit.”"), "is calling")
    assert claim["canonical"] == "Vladimir Putin’s doctor"


def test_a_split_off_question_wins_over_quotations_of_another_cue_later(nlp) -> None:
    text = ("“You winning?” she said, but Markov was drifting off again, and as Putin went on "
            "about “how the system is rigged,” the audience said nothing.")
    claim = _one(_claims(nlp, text), "said")
    assert claim["source"] == "she" and claim["content"] == "You winning?"


def test_a_paragraph_after_a_cue_ending_in_a_colon_is_a_block_quotation(nlp) -> None:
    text = ("“The CSTO is a disgrace,” Markov said.\n\nThe deputy added:\n\nIt’s typical of "
            "the bloc. It knows nothing, but the talking never stops.\n\nThe summit ended.")
    claim = _one(_claims(nlp, text), "added")
    assert claim["source"] == "The deputy"
    assert claim["content"] == "It’s typical of the bloc. It knows nothing, but the talking " \
                               "never stops"


def test_a_clause_after_a_nearer_cue_is_not_the_first_cues(nlp) -> None:
    # the parser hangs "Trump would triumph ..." on "said"; it completes "was sure"
    text = ("“It’s finished,” she said of the 2016 presidential election, in which she was "
            "sure Trump would triumph and more and more people across the country would at "
            "last see the truth. “In my head, anyway.”")
    claims = _claims(nlp, text)
    assert _one(claims, "said")["content"] == "It’s finished In my head, anyway"
    assert _one(claims, "was sure")["content"].startswith("Trump would triumph and more")


def test_a_document_reads_but_a_person_reading_says_nothing(nlp) -> None:
    text = ("“From Almaty to Bishkek, we see the CSTO offering members hope,” the letter reads. "
            "“Our support is not abstract.” Markov read the letter to the deputies.")
    [claim] = _claims(nlp, text)
    assert claim["source"] == "the letter" and claim["cue"] == "reads"
    assert claim["content"] == ("From Almaty to Bishkek, we see the CSTO offering members hope "
                                "Our support is not abstract")


def test_a_that_clause_the_parser_read_as_an_adverbial_and_the_next_act(nlp) -> None:
    text = ("Peskov tweeted in the early morning that Pashinyan was “disgusting” and “a con” "
            "and encouraged Americans to “check out” his speech.")
    claims = _claims(nlp, text)
    assert _one(claims, "tweeted")["content"] == "Pashinyan was “disgusting” and “a con"
    assert _one(claims, "encouraged")["source"] == "Peskov"


def test_a_noun_before_the_clause_is_no_cue_to_take_it(nlp) -> None:
    # "email" is a cue verb of the lexicon, but here a noun
    text = ("Spokeswoman Maria Zakharova said via email that, “Of course the CSTO is going to "
            "defend itself” against what the ministry sees as a coordinated media attack.")
    claim = _one(_claims(nlp, text), "said")
    assert claim["content"].endswith("against what the ministry sees as a coordinated media "
                                     "attack")


def test_seeing_something_happen_is_no_belief_and_according_to_scopes_the_sentence(
        nlp) -> None:
    text = ("The top 1 percent would see their after-tax incomes go up by as much as 19.9 "
            "percent, according to the Institute for the Study of War.")
    [claim] = _claims(nlp, text)
    assert claim["cue"] == "according to"
    assert claim["content"] == ("The top 1 percent would see their after-tax incomes go up by "
                                "as much as 19.9 percent")


def test_a_concession_with_a_cue_of_its_own_ends_the_first_content(nlp) -> None:
    text = ("Markov said the nonstop demands of the war sometimes erase the barriers that "
            "smaller members face, though he noted members are beginning to demand a say.")
    claims = _claims(nlp, text)
    assert _one(claims, "said")["content"] == ("the nonstop demands of the war sometimes erase "
                                              "the barriers that smaller members face")
    assert _one(claims, "noted")["content"] == "members are beginning to demand a say"


def test_what_someone_says_as_a_subject_is_no_reported_clause(nlp) -> None:
    assert not [c for c in _claims(nlp, "We don't care. Everything Markov says is a lie "
                                        "unless proven otherwise.") if c["cue"] == "says"]


@pytest.mark.parametrize("text, source, content", [
    ("Markov then appeared on Caliber.Az on Tuesday and began by saying he would “never” "
     "support the deployment.", "Markov", "he would “never” support the deployment"),
    ("Kartopolov appeared at a Duma hearing for his role in promoting the protocol and for "
     "saying that the CSTO was a “magic cure.”", "Kartopolov", "the CSTO was a “magic cure"),
    ("Tokayev refuses to discuss the mission, aside from saying he wants a smaller "
     "contingent.", "Tokayev", "he wants a smaller contingent"),
])
def test_a_gerund_of_saying_after_a_preposition_is_the_clause_subjects(
        nlp, text: str, source: str, content: str) -> None:
    claim = _one(_claims(nlp, text), "saying")
    assert claim["source"] == source and claim["content"] == content


@pytest.mark.parametrize("text, cue, source, content", [
    ("“We will not go back to that debate,” Markov said, going on to say that the CSTO has "
     "spent years fighting for its members.", "to say", "Markov",
     "the CSTO has spent years fighting for its members"),
    ("Tokayev spoke for an hour, going on to argue that the CSTO was weak.", "to argue",
     "Tokayev", "the CSTO was weak"),
])
def test_saying_after_a_participle_of_going_on_is_the_clause_subjects(
        nlp, text: str, cue: str, source: str, content: str) -> None:
    claim = _one(_claims(nlp, text), cue)
    assert claim["source"] == source and claim["content"] == content


def test_wondering_after_a_participle_with_an_object_is_not_the_clause_subjects(nlp) -> None:
    text = "The report came out on Monday, leaving many to wonder whether the CSTO has failed."
    assert not [c for c in _claims(nlp, text) if c["source"] == "The report"]


def test_a_participle_of_saying_on_a_noun_has_that_noun_as_speaker(nlp) -> None:
    text = ("The video concludes with footage of Putin saying during the summit last week, "
            "“That makes the CSTO stronger,” when Tokayev thanked him.")
    claims = _claims(nlp, text)
    assert not [c for c in claims if c["cue"] == "concludes"]
    claim = _one(claims, "saying")
    assert claim["source"] == "Putin" and claim["content"] == "That makes the CSTO stronger"


def test_a_headline_name_and_colon_is_a_speaker_the_article_names_later(nlp) -> None:
    text = ("Pashinyan: CSTO Won’t Be at the Border, Russia Was ‘Mocking’ Armenia.\n\nOn "
            "Sunday, Armenian Prime Minister Nikol Pashinyan spoke to reporters.")
    claim = _one(_claims(nlp, text), ":")
    assert claim["source"] == "Pashinyan" and claim["canonical"] == "Nikol Pashinyan"
    assert claim["content"] == "CSTO Won’t Be at the Border, Russia Was ‘Mocking’ Armenia"
    assert not _claims(nlp, "Warning: the CSTO needs to act.\n\nNikol Pashinyan spoke.")


def test_a_headline_name_on_a_topic_and_colon_is_a_speaker_the_article_names(nlp) -> None:
    # "Lavrov on NATO: ...", "Putin to Biden: ...": the topic or addressee joins the cue;
    # the speaker must be a person the article names (the model's labels in a title-case
    # headline are guesses; "NATO at 75: ..." is an anniversary), and a title-case word
    # after the name is no part of it
    body = "\n\nOn Sunday, Armenian Prime Minister Nikol Pashinyan spoke to reporters."
    for headline, cue in (("Pashinyan on the CSTO: Russia Was ‘Mocking’ Armenia.",
                           "on the CSTO:"),
                          ("Pashinyan To Moscow: Russia Was ‘Mocking’ Armenia.", "To Moscow:")):
        claim = _one(_claims(nlp, headline + body), cue)
        assert claim["source"] == "Pashinyan" and claim["canonical"] == "Nikol Pashinyan"
        assert claim["content"] == "Russia Was ‘Mocking’ Armenia"
    assert not _claims(nlp, "NATO at 75: The Alliance Was Never Stronger." + body)


def test_a_cue_repeated_after_a_reported_clause_leaves_the_first_cue_its_claim(nlp) -> None:
    text = ("The film was shown in Almaty.\n\nMarkov said he felt the CSTO treaty was worth "
            "examining because “most people don’t know about that loophole,” he said.")
    claim = _one(_claims(nlp, text), "said")
    assert claim["source"] == "Markov"
    assert claim["content"].startswith("he felt the CSTO treaty was worth examining")


@pytest.mark.parametrize("text, source", [
    ("In 2001 an arbitration panel found the CSTO was in breach of the agreement.",
     "an arbitration panel"),
    ("The authors of the report found an astonishing 73 percent of CSTO troops were "
     "conscripts.", "The authors of the report"),
])
def test_people_and_bodies_that_judge_report_what_they_found(nlp, text: str,
                                                              source: str) -> None:
    assert _one(_claims(nlp, text), "found")["source"] == source


def test_what_an_event_found_is_no_finding(nlp) -> None:
    assert not _claims(nlp, "The intervention found its limits in Kazakhstan.")


def test_a_colon_after_an_utterance_hands_over_to_the_words(nlp) -> None:
    text = ("Caliber.Az treated them differently.\n\nOn July 6, 2022, Markov made the following "
            "comment:\n\n“For young people in the CSTO countries, the unemployment rate is 33 "
            "percent. In Armenia it is 36 percent.”\n\nWhen the expert examined it, it was "
            "labeled true. The deputy became upset, so I had to change my answer: \"Of course "
            "I believe in the CSTO. I was just kidding.\"")
    claims = _claims(nlp, text)
    comment = _one(claims, "made the following comment:")
    assert comment["source"] == "Markov" and comment["kind"] == "direct"
    assert comment["content"] == ("For young people in the CSTO countries, the unemployment "
                                  "rate is 33 percent. In Armenia it is 36 percent")
    answer = _one(claims, "change my answer:")
    assert answer["content"] == "Of course I believe in the CSTO. I was just kidding"


def test_a_transcript_turn_goes_on_over_paragraphs_that_open_with_a_quotation_mark(
        nlp) -> None:
    text = ('"HOST: Do you really see those two as equivalent, Markov and Kartopolov?\n\n'
            '"MARKOV: Well, look, you know, Kartopolov has been out there saying some pretty '
            'tough stuff about the CSTO.\n\n"But the truth is that Russia has a unique way of '
            'communicating with its allies.\n\n"HOST: I do not want to interrupt.\n\nThe '
            'interview ended.')
    claims = [c for c in _claims(nlp, text) if c["cue"] == ":"]
    assert [c["source"] for c in claims] == ["HOST", "MARKOV", "HOST"]
    assert claims[1]["content"] == ("Well, look, you know, Kartopolov has been out there saying "
                                    "some pretty tough stuff about the CSTO But the truth is "
                                    "that Russia has a unique way of communicating with its "
                                    "allies")


def test_a_quoted_section_heading_is_no_floating_quotation(nlp) -> None:
    text = ("\"I give him the benefit of the doubt. But I don't see where the CSTO is going,\" "
            "Markov said.\n\n'Legend in the Kazakh Steppe.'\n\nTokayev met the deputies on "
            "Monday.")
    assert [c["cue"] for c in _claims(nlp, text)] == ["said"]


def test_a_quotation_split_by_its_cue_is_not_also_a_floating_quotation(nlp) -> None:
    """The parser makes a sentence of the paragraph's opening marks alone; the quotation
    after them is the cue's, not a second claim continuing the previous speaker."""
    text = ("On a day rich in symbolism, Markov warned that the CSTO would not be a panacea "
            "for the region's struggles.\n\n''The CSTO alone will not end poverty in every "
            "city,'' he said. ''It won't eliminate violence from all our neighborhoods.''\n\n"
            "But Markov said the treaty would put those problems into a larger context.")
    claims = _claims(nlp, text)
    assert [c["cue"] for c in claims] == ["warned", "said", "said"]
    assert claims[1]["content"] == ("The CSTO alone will not end poverty in every city It "
                                    "won't eliminate violence from all our neighborhoods")


@pytest.mark.parametrize("text", [
    "It goes without saying that the CSTO is anathema to NATO.",
    "Markov left the hall without saying that the CSTO was weak.",
])
def test_without_saying_is_no_claim(nlp, text: str) -> None:
    assert not _claims(nlp, text)



@pytest.mark.parametrize("text", [
    "The CSTO council, which in March imposed sanctions on nobody, called an emergency "
    "meeting to discuss the test.",
    "CLARIFICATION: The first sentence has been clarified to reflect that Markov is calling "
    "for a process.",
])
def test_calling_a_meeting_and_an_editors_clarification_are_no_claims(nlp, text: str) -> None:
    assert not [c for c in _claims(nlp, text) if c["cue"] in {"called", ":"}]


def test_how_surprised_someone_is_is_a_claim_not_a_topic(nlp) -> None:
    text = ("In offering analysis of the war, political scientist Sergey Markov told Caliber.Az "
            "on Thursday how surprised he is that the CSTO has been at the forefront. Markov "
            "told the attachés what the job was.")
    [claim] = _claims(nlp, text)
    assert claim["content"] == "how surprised he is that the CSTO has been at the forefront"


def test_a_name_the_parser_joined_to_an_opening_phrase_is_the_speaker(nlp) -> None:
    text = ("Vladimir Putin has a view of NATO. In a March 2016 meeting with the editorial "
            "board of the Washington Post Putin said that Russian involvement in the CSTO may "
            "need to be significantly diminished in the coming years.")
    claim = _one(_claims(nlp, text), "said")
    assert claim["source"] == "Putin" and claim["canonical"] == "Vladimir Putin"


def test_what_is_cited_runs_to_the_end_of_the_predicate_and_the_citer_is_not_the_cited(
        nlp) -> None:
    text = ("In a statement announcing the pick, the union called Putin a “champion” for its "
            "members, citing his work after the 2022 attacks and position on including the "
            "union’s members in pension benefits.")
    claim = _one(_claims(nlp, text), "citing")
    assert claim["content"] == ("his work after the 2022 attacks and position on including the "
                                "union’s members in pension benefits")
    assert claim["canonical"] == "union"


# one sentence, one cue and the content it must get: each row a parse the rules repair
@pytest.mark.parametrize("text, cue, content", [
    pytest.param("Sergey Markov said after the summit he would not accept the CSTO's mandate if "
                 "it were offered.",
                 "said",
                 "he would not accept the CSTO's mandate if it were offered",
                 id="a_clause_without_that_hung_on_the_cue_as_an_adverbial_is_its_content"),
    pytest.param("The difference now, Markov told reporters on Friday, is that the CSTO has a "
                 "mandate from all six members.",
                 "told",
                 "The difference now is that the CSTO has a mandate from all six members",
                 id="a_cue_inside_the_subject_and_its_predicate"),
    pytest.param("Tokayev called on the CSTO to stop the deployment and apologize.",
                 "called on",
                 "the CSTO to stop the deployment and apologize",
                 id="called_on_someone_to_do_something_keeps_what_was_called_for"),
    pytest.param("The summit ended. “How many times do we have to see this in the CSTO?” Markov "
                 "said. “In Almaty, an unarmed man with his hands in the air. This is "
                 "unbearable.”",
                 "said",
                 "How many times do we have to see this in the CSTO? In Almaty, an unarmed man "
                 "with his hands in the air. This is unbearable",
                 id="a_split_off_quotation_keeps_the_quotations_after_its_cue"),
    pytest.param("“This just isn’t right,” Markov said. “You squeezed the members to the "
                 "breaking point” to drive up the budget, the report adds.",
                 "said",
                 "This just isn’t right",
                 id="a_quotation_inside_the_articles_next_sentence_is_not_the_speakers"),
    pytest.param("The talks ended. Those discussions are continuing, he said.",
                 "said",
                 "Those discussions are continuing",
                 id="a_reported_clause_whose_verb_is_a_weak_cue_is_still_the_content"),
    pytest.param('"What makes this new is not just the hacking," Markov told reporters, "but the '
                 'attempt to interfere with the CSTO summit."',
                 "told",
                 "What makes this new is not just the hacking but the attempt to interfere with "
                 "the CSTO summit",
                 id="a_quotation_resumes_after_a_cue_with_a_hearer"),
    pytest.param("We don't care. The difference now, Markov told reporters on Friday, is that "
                 "the CSTO has a mandate from all six members.",
                 "told",
                 "The difference now is that the CSTO has a mandate from all six members",
                 id="a_cue_between_commas_read_as_a_relative_clause_interrupts_its_content"),
    pytest.param("Workers were under pressure to meet sales targets. These employees, Markov "
                 "explained earlier in the committee hearing, were “well-paid,” making between "
                 "$30,000 and $60,000 a year.",
                 "explained",
                 "These employees were “well-paid,” making between $30,000 and $60,000 a year",
                 id="a_subject_the_parser_made_an_adverbial_of_the_cue_between_commas"),
    pytest.param("According to Markov, “If it was left up to the CSTO, it wouldn’t act. Because "
                 "the criticism is that nobody cares.” He left.",
                 "According to",
                 "If it was left up to the CSTO, it wouldn’t act. Because the criticism is that "
                 "nobody cares",
                 id="according_to_takes_the_whole_quotation_over_its_sentences"),
    pytest.param('The president told Armenians this weekend he would consider it a "personal '
                 'insult" if they did not vote for Pashinyan, implicitly putting his name on the '
                 'line as his former minister struggles.',
                 "told",
                 'he would consider it a "personal insult" if they did not vote for Pashinyan',
                 id="the_time_of_telling_and_the_reporters_description_are_cut_from_the_content"),
    pytest.param("She said she was attracted to her first job in the CSTO, prosecuting cases for "
                 "the secretariat in Moscow.",
                 "said",
                 "she was attracted to her first job in the CSTO, prosecuting cases for the "
                 "secretariat in Moscow",
                 id="a_participle_without_the_reporters_adverb_stays_in_the_content"),
    pytest.param("“Every time you say that,” Markov said, referring to the excuse, “you give "
                 "ammunition to the people who want to break up the CSTO.”",
                 "said",
                 "Every time you say that you give ammunition to the people who want to break "
                 "up the CSTO",
                 id="a_quotation_split_by_the_cue_and_an_aside_keeps_both_halves"),
    pytest.param("Markov also persisted in arguments that the CSTO is trying to second-guess the "
                 "Kremlin.",
                 "arguments",
                 "the CSTO is trying to second-guess the Kremlin",
                 id="a_speech_noun_uttered_by_the_subject_of_its_verb"),
    pytest.param("He ignored repeated warnings from his attorney that the showdown was fruitless.",
                 "warnings",
                 "the showdown was fruitless",
                 id="a_speech_noun_from_someone"),
    pytest.param("Markov made it clear he had major misgivings about the CSTO.",
                 "made it clear",
                 "he had major misgivings about the CSTO",
                 id="made_it_clear_is_a_cue"),
    pytest.param("Markov was yelling that the CSTO troops were unarmed.",
                 "was yelling",
                 "the CSTO troops were unarmed",
                 id="yelling_is_saying"),
    pytest.param("Instant polls showed Tokayev was the winner of the debate, but instant polls "
                 "are not a measure of voting intentions.",
                 "showed",
                 "Tokayev was the winner of the debate",
                 id="a_but_clause_about_the_source_itself_is_the_reporters"),
    pytest.param("Markov notes that three things are happening at once: the CSTO is weakening, "
                 "Russia is busy in Ukraine and Kazakhstan is looking west.",
                 "notes",
                 "three things are happening at once: the CSTO is weakening, Russia is busy in "
                 "Ukraine and Kazakhstan is looking west",
                 id="what_follows_a_colon_spells_out_the_clause"),
    pytest.param("Markov notes that three things are happening at once: Tokayev said so "
                 "himself.",
                 "notes",
                 "three things are happening at once",
                 id="a_cue_after_the_colon_speaks_for_itself"),
])
def test_the_content_of_a_cue(nlp, text: str, cue: str, content: str) -> None:
    assert _one(_claims(nlp, text), cue)["content"] == content


def test_a_possessive_pronoun_owns_a_speech_noun(nlp) -> None:
    text = ("Markov spoke on Monday. Contrary to his claim that the CSTO would learn nothing, "
            "there would be a wealth of information.")
    claim = _one(_claims(nlp, text), "claim")
    assert claim["source"] == "his" and claim["canonical"] == "Markov"
    assert claim["content"] == "the CSTO would learn nothing"


@pytest.mark.parametrize("text", [
    "The Kremlin issued a statement on its ambitions in the region.",  # a topic
    "Markov made it clear when he would leave.",  # a time, not what
    "The report says a lot about the CSTO.",  # an idiom of the article's voice
    "Pretty much the same, right? According to Caliber.Az, basically.",  # no proposition
])
def test_topics_idioms_and_adverbs_are_no_claims(nlp, text: str) -> None:
    assert not _claims(nlp, text)


def test_the_next_clauses_subject_parsed_as_a_conjunct_is_its_speaker(nlp) -> None:
    text = ("Moscow said it was increasingly convinced the CSTO mishandled the investigation and "
            "Kyiv accused the Kremlin of stoking the issue for maximum political damage.")
    claims = _claims(nlp, text)
    assert _one(claims, "said")["content"] == ("it was increasingly convinced the CSTO "
                                               "mishandled the investigation")
    accused = _one(claims, "accused")
    assert accused["source"] == "Kyiv"
    assert accused["content"] == "the Kremlin of stoking the issue for maximum political damage"


@pytest.mark.parametrize("text, source, cue, content, canonical", [
    ("Markov spoke on Monday. By Markov's own admission, his tax returns in most years are far "
     "thicker than his disclosure report.",
     "Markov's", "own admission",
     "his tax returns in most years are far thicker than his disclosure report", "Markov"),
    ("In Kazakhstan alone, 300,000 acres of forest have been damaged by the deployment, by one "
     "estimate.",
     "one estimate", "by",
     "In Kazakhstan alone, 300,000 acres of forest have been damaged by the deployment",
     "one estimate"),
], ids=["by_his_own_admission", "by_one_estimate"])
def test_by_someones_account_or_by_one_estimate_vouches_for_the_clause(
        nlp, text: str, source: str, cue: str, content: str, canonical: str) -> None:
    claim = _one(_claims(nlp, text), cue)
    assert (claim["source"], claim["content"], claim["canonical"]) == (source, content, canonical)


def test_what_a_video_shows_stops_before_the_reporters_participle(nlp) -> None:
    text = ("Video shows that Tokayev had his hands in the air, contradicting the Kremlin's "
            "earlier claim that he had refused to keep his hands up.")
    assert _one(_claims(nlp, text), "shows")["content"] == "Tokayev had his hands in the air"


@pytest.mark.parametrize("text, cue, content", [
    ("In recent weeks, Markov has gone after Tokayev as a “human leech who will bleed the "
     "country” and a “spoiled brat.”",
     "has gone after",
     "Tokayev as a “human leech who will bleed the country” and a “spoiled brat"),
    ("Tokayev openly admires Putin as a “strong leader,” comparing him favorably to Biden.",
     "admires", "Putin as a “strong leader"),
], ids=["gone_after_as", "admires_as"])
def test_a_quoted_label_put_on_someone_is_an_assessment(nlp, text: str, cue: str,
                                                        content: str) -> None:
    assert _one(_claims(nlp, text), cue)["content"] == content


def test_working_as_a_quoted_title_is_no_assessment(nlp) -> None:
    assert not _claims(nlp, "Markov worked as a “consultant” for the CSTO.")


def test_a_speaker_of_its_own_joined_to_the_content_starts_the_next_claim(nlp) -> None:
    text = ("Markov said the CSTO troops would not be eligible for the mission, and when pressed "
            "on why the plan leaves out Armenia, the 64-year-old deputy replied, \"It is meant "
            "to protect the members who have signed the treaty.\"")
    claims = _claims(nlp, text)
    assert _one(claims, "said")["content"] == ("the CSTO troops would not be eligible for the "
                                               "mission")
    assert _one(claims, "replied")["content"] == ("It is meant to protect the members who have "
                                                  "signed the treaty")


def test_a_second_object_is_what_the_first_was_branded(nlp) -> None:
    text = "Tokayev branded the CSTO an \"outlaw alliance in the neighborhood.\""
    assert _one(_claims(nlp, text), "branded")["content"] == (
        "the CSTO an \"outlaw alliance in the neighborhood")


def test_it_declared_by_someone_is_a_thing_not_the_previous_claim(nlp) -> None:
    text = ("Correction: An earlier version of this article listed when the “war on terror” "
            "was introduced. It was first declared by Putin in the 1990s.")
    assert not [c for c in _claims(nlp, text) if c["pattern"] == "anaphoric"]


@pytest.mark.parametrize("text, cue, content", [
    ("Markov claimed that the CSTO deployment was smart, although he again refused to "
     "release the mandate before the summit.",
     "claimed", "the CSTO deployment was smart"),
    ("Markov said the deal was good, although it had flaws.",
     "said", "the deal was good, although it had flaws"),
], ids=["about_what_the_speaker_did", "the_speakers_own_concession"])
def test_a_concession_about_the_speaker_is_the_reporters(nlp, text: str, cue: str,
                                                         content: str) -> None:
    assert _one(_claims(nlp, text), cue)["content"] == content


def test_a_named_owner_before_a_speech_noun_is_its_source(nlp) -> None:
    text = "Despite Kremlin assertions that the CSTO was weak, Tokayev stayed."
    claim = _one(_claims(nlp, text), "assertions")
    assert (claim["source"], claim["content"]) == ("Kremlin", "the CSTO was weak")


def test_the_second_of_two_participles_has_the_sentences_subject(nlp) -> None:
    text = "Markov left the hall, smiling and insisting that the CSTO was strong."
    claim = _one(_claims(nlp, text), "insisting")
    assert (claim["source"], claim["content"]) == ("Markov", "the CSTO was strong")


def test_an_object_that_opens_a_quotation_runs_to_its_close(nlp) -> None:
    text = ("The CSTO council called the overnight deployment \"a clear violation and in flagrant "
            "disregard\" of five previous resolutions.")
    assert _one(_claims(nlp, text), "called")["content"] == (
        "the overnight deployment \"a clear violation and in flagrant disregard")


def test_a_speaker_the_parser_hung_on_the_quotation_still_says_it(nlp) -> None:
    text = ("“There is a severe disconnect between the CSTO and frankly the members and our "
            "military,” Markov, a top Kremlin surrogate, said Thursday morning on Rossiya’s "
            "“Sixty Minutes.”")
    claim = _one(_claims(nlp, text), "said")
    assert claim["source"] == "Markov, a top Kremlin surrogate"
    assert claim["content"] == ("There is a severe disconnect between the CSTO and frankly "
                                "the members and our military")


def test_a_quotation_begun_a_sentence_earlier_is_whole_when_its_close_leans_on_the_speaker(
        nlp) -> None:
    text = ("“He is absolutely right. There is a severe disconnect between this Kremlin and "
            "frankly the president and our military,” Markov, a top Putin surrogate, said "
            "Thursday morning on Rossiya’s “Sixty Minutes.”")
    claim = _one(_claims(nlp, text), "said")
    assert claim["content"].startswith("He is absolutely right. There is a severe disconnect")


@pytest.mark.parametrize("text, source, cue, content", [
    ("Although Markov has admitted using the treaty, he does not defend it.",
     "Markov", "has admitted", "using the treaty"),
    ("Kartopolov denied meeting the delegates in Astana.",
     "Kartopolov", "denied", "meeting the delegates in Astana"),
    ("Kremlin aides were also complimentary, perhaps recognizing that the CSTO is the best "
     "form of defence.", "Kremlin aides", "recognizing", "the CSTO is the best form of defence"),
], ids=["admitted_doing", "denied_doing", "recognizing_that"])
def test_admissions_denials_and_recognitions(nlp, text: str, source: str, cue: str,
                                             content: str) -> None:
    claim = _one(_claims(nlp, text), cue)
    assert (claim["source"], claim["content"]) == (source, content)


@pytest.mark.parametrize("text, source, canonical", [
    ("ASTANA, Jan 10 -- Kazakh President Kassym-Jomart Tokayev said the mission was over.",
     "Kazakh President Kassym-Jomart Tokayev", "Kassym-Jomart Tokayev"),
    ("NATO-led forces said the mission was over.", "NATO-led forces", "NATO-led forces"),
])
def test_a_datelines_place_is_not_the_speaker(nlp, text: str, source: str,
                                              canonical: str) -> None:
    # the parser makes "ASTANA" the subject and the speaker its apposition
    claim = _one(_claims(nlp, text), "said")
    assert claim["source"] == source and claim["canonical"] == canonical
