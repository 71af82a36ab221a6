"""Dedup: exact and near-duplicate claims merge; numbers, dates and negation keep them apart."""

from __future__ import annotations

from pathlib import Path

from conftest import read_jsonl
from pipeline.dedup import (
    band_matrix,
    candidate_pairs,
    claim_key,
    cluster_claims,
    cluster_keys,
    guard_key,
    normalise,
)
from pipeline.schema import ClaimRecord, ContentSpan, EntityMention, SourceSpan


def _claim(claim_id: str, doc_id: str, text: str, source: str = "Vladimir Putin") -> ClaimRecord:
    span = {"start": 0, "end": len(text), "raw_start": 0, "raw_end": len(text)}
    return ClaimRecord(
        claim_id=claim_id, doc_id=doc_id, kind="indirect",
        source=SourceSpan(text=source, canonical=source, **{**span, "end": len(source),
                                                             "raw_end": len(source)}),
        cue=None, content=ContentSpan(text=text, **span), confidence=0.9)


# real wording from corpus/001 and corpus/004
PUTIN_001 = ("the organization should be prepared to use its defensive potential in the face "
             "of the risks that arose after the withdrawal of the United States")
PUTIN_REWORDED = ("The organization should be prepared to use its defensive potential in the "
                  "face of risks that arose after the withdrawal of the United States.")


def test_normalise_ignores_case_punctuation_and_that() -> None:
    assert normalise("That Russia “would never agree”.") == "russia would never agree"


def test_near_duplicates_merge_across_articles() -> None:
    claims = [_claim("a", "001", PUTIN_001), _claim("b", "009", PUTIN_REWORDED),
              _claim("c", "004", "Russia gives priority to strengthening relations with all "
                                 "CSTO countries")]
    clusters = cluster_claims(claims)
    merged = [c for c in clusters if c.n_articles == 2]
    assert len(merged) == 1 and merged[0].claim_ids == ["a", "b"]
    assert claims[0].cluster_id == claims[1].cluster_id != claims[2].cluster_id
    assert merged[0].text == PUTIN_001  # the most complete wording (more words)


def test_numbers_dates_and_negation_are_never_merged() -> None:
    base = "Uzbekistan joined the CSTO in 2006 and left the military alliance in 2012"
    variants = [base.replace("2012", "2013"), base.replace("joined", "never joined"),
                base.replace("2006", "2008")]
    for variant in variants:
        assert guard_key(base) != guard_key(variant)
        clusters = cluster_claims([_claim("x", "001", base), _claim("y", "003", variant)])
        assert len(clusters) == 2, variant


def test_lsh_finds_the_pair_without_comparing_all() -> None:
    bands = band_matrix([normalise(t) for t in (PUTIN_001, PUTIN_REWORDED,
                                                 "an unrelated sentence about tanks")])
    assert (0, 1) in candidate_pairs(bands)
    assert (0, 2) not in candidate_pairs(bands)


def test_clusters_carry_outlets_first_date_and_attribution_counts() -> None:
    claims = [_claim("a", "001", PUTIN_001), _claim("b", "009", PUTIN_REWORDED)]
    [cluster] = cluster_claims(claims, {"001": ("Caliber.az", "2022-06-08"),
                                        "009": ("Ohio POW MIA", "2022-01-29")})
    assert cluster.publishers == ["Caliber.az", "Ohio POW MIA"]
    assert cluster.first_published == "2022-01-29"
    assert cluster.attributions == {"reported": 2}


def _fact(claim_id: str, doc_id: str, text: str, entities: list[tuple[str, str]]
          ) -> ClaimRecord:
    """An author-voice claim with its named entities (label, canonical name)."""
    claim = _claim(claim_id, doc_id, text, source="the article")
    claim.attribution, claim.kind = "author", "assertion"
    claim.entities = [EntityMention(text=name, label=label, canonical=name, start=0, end=0)
                      for label, name in entities]
    return claim


# corpus/001 and corpus/003 state these facts in their own words
UZB_001 = _fact("u1", "001", "In 2012 Uzbekistan left the military alliance",
                [("GPE", "Uzbekistan"), ("DATE", "2012")])
UZB_003 = _fact("u3", "003", "Uzbekistan, which joined the CSTO in 2006 and left in 2012",
                [("GPE", "Uzbekistan"), ("ORG", "Collective Security Treaty Organization"),
                 ("DATE", "2006"), ("DATE", "2012")])
EXIT_1999 = _fact("x3", "003", "three of the nine members – Azerbaijan, Georgia and Uzbekistan "
                               "– chose to leave in 1999",
                  [("GPE", "Azerbaijan"), ("GPE", "Georgia"), ("GPE", "Uzbekistan"),
                   ("DATE", "1999")])
SIX = ["Russia", "Armenia", "Belarus", "Kazakhstan", "Kyrgyzstan", "Tajikistan"]
MEMBERS_001 = _fact("m1", "001", "led by Russia and joined by Armenia, Belarus, Kazakhstan, "
                                 "Kyrgyzstan and Tajikistan", [("GPE", n) for n in SIX])
MEMBERS_004 = _fact("m4", "004", "uniting Armenia, Belarus, Kazakhstan, Kyrgyzstan, Russia and "
                                 "Tajikistan", [("GPE", n) for n in SIX])
NINE_003 = _fact("n3", "003", "Consisting of Armenia, Georgia, Belarus, Kazakhstan, Kyrgyzstan, "
                              "Russia, Tajikistan, Azerbaijan and Uzbekistan",
                 [("GPE", n) for n in [*SIX, "Georgia", "Azerbaijan", "Uzbekistan"]])


def test_the_same_fact_in_other_words_is_one_cluster() -> None:
    claims = [UZB_001.model_copy(deep=True), UZB_003.model_copy(deep=True),
              EXIT_1999.model_copy(deep=True)]
    cluster_claims(claims)
    assert claims[0].cluster_id == claims[1].cluster_id != claims[2].cluster_id


def test_an_enumeration_joins_only_the_same_list() -> None:
    claims = [c.model_copy(deep=True) for c in (MEMBERS_001, MEMBERS_004, NINE_003)]
    clusters = cluster_claims(claims)
    assert claims[0].cluster_id == claims[1].cluster_id != claims[2].cluster_id
    assert len(clusters) == 2


def test_no_chain_of_merges_joins_two_claims_that_disagree() -> None:
    # each differs from the middle one only by a number it adds, but they disagree
    texts = ["Russia sent troops to Kazakhstan to restore order in the country",
             "Russia sent 2,500 troops to Kazakhstan to restore order in the country",
             "Russia sent 3,000 troops to Kazakhstan to restore order in the country"]
    claims = [_claim(str(i), f"00{i}", text) for i, text in enumerate(texts)]
    clusters = cluster_claims(claims)
    assert claims[1].cluster_id != claims[2].cluster_id
    assert claims[0].cluster_id in {claims[1].cluster_id, claims[2].cluster_id}
    # the disagreement stays visible on both sides
    by_id = {c.cluster_id: c for c in clusters}
    assert by_id[claims[2].cluster_id].disagrees_with == [claims[1].cluster_id]
    assert by_id[claims[1].cluster_id].disagrees_with == [claims[2].cluster_id]


def test_numbers_of_different_kinds_do_not_disagree() -> None:
    # a count on one side and a month on the other are not a contradiction
    claims = [_claim("a", "001", "2,500 troops of the CSTO entered Kazakhstan during the protests"),
              _claim("b", "002", "troops of the CSTO entered Kazakhstan in January during the "
                                 "protests")]
    cluster_claims(claims)
    assert claims[0].cluster_id == claims[1].cluster_id


def test_a_date_or_a_negation_keeps_apart_even_the_same_fact() -> None:
    variants = [UZB_003.content.text.replace("2006", "2008"),
                UZB_003.content.text.replace("joined", "never joined")]
    for variant in variants:
        other = UZB_003.model_copy(deep=True)
        other.claim_id, other.doc_id, other.content.text = "v", "009", variant
        claims = [UZB_001.model_copy(deep=True), UZB_003.model_copy(deep=True), other]
        cluster_claims(claims)
        assert claims[2].cluster_id != claims[1].cluster_id, variant
        _assert_no_cluster_disagrees(claims)


def _assert_no_cluster_disagrees(claims: list[ClaimRecord]) -> None:
    """Within every cluster, every two members agree on negation and on each kind of
    number (one side's values contained in the other's)."""
    for a in claims:
        for b in claims:
            if a.cluster_id == b.cluster_id:
                (numbers_a, negated_a), (numbers_b, negated_b) = (
                    guard_key(a.content.text), guard_key(b.content.text))
                assert negated_a == negated_b
                years_a = {n for n in numbers_a if n.startswith("y")}
                years_b = {n for n in numbers_b if n.startswith("y")}
                assert years_a <= years_b or years_b <= years_a, (a.content.text, b.content.text)


def test_a_figure_with_a_comma_is_not_a_year() -> None:
    assert guard_key("1,998 troops arrived in 1968") == (("1998", "y1968"), False)
    base = "The alliance sent 1,998 troops to the region in 1968 after the talks"
    claims = [_claim("a", "001", base), _claim("b", "002", base.replace("1,998", "2,100"))]
    cluster_claims(claims)
    assert claims[0].cluster_id != claims[1].cluster_id


# --- facts with no figure: an event at a place, a rank, one organisation becoming another


def _parsed(nlp, claim_id: str, doc_id: str, text: str) -> ClaimRecord:
    """An author-voice claim with the named entities the real spaCy pipeline finds."""
    doc = nlp(text)
    return _fact(claim_id, doc_id, text, [(e.label_, e.text) for e in doc.ents])


def _key_terms(nlp, text: str) -> tuple[str, ...]:
    return claim_key(_parsed(nlp, "k", "000", text)).terms


# corpus/001 and corpus/003 tell the CSTO's January 2022 intervention in their own words
SENT_001 = ("The Collective Security Treaty Organization (CSTO), whose troops have been sent "
            "to quell the unrest in Kazakhstan")
ENTERED_003 = ("after 2,500 of its troops entered Kazakhstan to help restore order during the "
               "anti-government protests in the country")


def test_an_event_is_keyed_on_its_predicate_and_place(nlp) -> None:
    assert "v:deploy@kazakhstan" in _key_terms(nlp, ENTERED_003)
    # the place where the troops went, not the actor, who is a guard
    terms = _key_terms(nlp, "In 2019 Armenia deployed dozens of its troops to Syria")
    assert "v:deploy@syria" in terms and "v:deploy@armenia" not in terms
    assert "b:g:armenia" in terms
    # a noun the clause says something else about, a possibility, no troops: no event
    for text in ("For many political observers, the intervention in Kazakhstan was the first "
                 "notable CSTO operation",
                 "CSTO troops can be sent to Kazakhstan to quell the unrest",
                 "The Kazakh intervention succeeded in consolidating a pro-Russian government "
                 "in Kazakhstan",
                 "sent to secure vital infrastructure in Kazakhstan",
                 # "force" far from the verb is not what was sent (PolNeAR)
                 "after Nafta came into force in 1994, it fell only after China entered "
                 "the World Trade Organization in 2001",
                 # a person's successor is not an organisation becoming another
                 "The State Department removed emails sent to the staff of his successor"):
        assert not [t for t in _key_terms(nlp, text) if t.startswith("v:")], text


def test_a_stated_rank_pins_a_fact_but_a_first_in_passing_does_not(nlp) -> None:
    assert "r:#1" in _key_terms(nlp, "For many political observers, the intervention in "
                                      "Kazakhstan was the first notable CSTO operation")
    assert "r:#1" in _key_terms(nlp, "The use of the collective forces of the CSTO in "
                                      "Kazakhstan — first example of peacekeeping assistance")
    for text in ("The registration issue was first reported by The Washington Post",
                 "this mission marked for the first time integrated operations between CSTO "
                 "member states abroad"):
        assert "r:#1" not in _key_terms(nlp, text), text


def test_an_event_restated_joins_across_articles(nlp) -> None:
    claims = [_parsed(nlp, "a", "001", SENT_001), _parsed(nlp, "c", "003", ENTERED_003),
              _parsed(nlp, "x", "004", "In 2019 Armenia deployed dozens of its troops to "
                                       "Syria for a mine clearance mission")]
    cluster_claims(claims)
    assert claims[0].cluster_id == claims[1].cluster_id != claims[2].cluster_id


def test_an_event_differing_in_a_number_date_negation_or_actor_is_never_merged(nlp) -> None:
    dated = SENT_001 + " in January 2022"
    pairs = [(dated, ENTERED_003.replace("after 2,500", "in January 2021 after 2,500")),
             (ENTERED_003, ENTERED_003.replace("2,500", "3,000")),
             (SENT_001, SENT_001.replace("have been sent", "have not been sent")),
             ("In January 2022 Russia sent troops to Kazakhstan to quell the unrest",
              "In January 2022 the United States sent troops to Kazakhstan to quell the unrest")]
    for first, second in pairs:
        claims = [_parsed(nlp, "a", "001", first), _parsed(nlp, "b", "003", second)]
        cluster_claims(claims)
        assert claims[0].cluster_id != claims[1].cluster_id, second
    # with a third claim each side agrees with, no chain joins them either
    claims = [_parsed(nlp, "a", "001", dated),
              _parsed(nlp, "b", "002", ENTERED_003.replace("after", "in January 2021 after")),
              _parsed(nlp, "c", "003", ENTERED_003)]
    cluster_claims(claims)
    assert claims[0].cluster_id != claims[1].cluster_id
    _assert_no_cluster_disagrees(claims)


def test_the_corpus_event_rank_and_succession_clusters(corpus_run: Path) -> None:
    claims = read_jsonl(corpus_run / "claims.jsonl")

    def cluster(doc: str, start: str) -> str:
        [found] = [c["cluster_id"] for c in claims
                   if c["doc_id"].startswith(doc) and c["content"]["text"].startswith(start)]
        return found

    intervention = {cluster("001", "The Collective Security Treaty Organization (CSTO), whose"),
                    cluster("002", "Russia previously used them"),
                    cluster("003", "after 2,500 of its troops entered Kazakhstan")}
    assert len(intervention) == 1
    first = {cluster("003", "the intervention in Kazakhstan was the first notable"),
             cluster("004", "The use of the collective forces of the CSTO")}
    assert len(first) == 1
    succession = {cluster("001", "Already qualified from the moment of its foundation"),
                  cluster("003", "This included granting the Collective Security Treaty")}
    assert len(succession) == 1
    assert len(intervention | first | succession) == 3
    # other things said about the intervention are other propositions
    for start in ("The Kazakh intervention succeeded", "The intervention of the CSTO in January",
                  "The Kazakh CSTO operation in January", "sent to secure vital infrastructure",
                  "The Shanghai Cooperation Organization"):
        assert cluster("003", start) not in intervention | first, start


# --- different actors, a name with digits, a date that names a thing: not one fact


def _corpus_claim(claims: list[dict], doc: str, start: str) -> dict:
    [found] = [c for c in claims
               if c["doc_id"].startswith(doc) and c["content"]["text"].startswith(start)]
    return found


def test_the_same_place_and_year_by_other_actors_or_events_is_not_one_fact(
        corpus_run: Path) -> None:
    claims = read_jsonl(corpus_run / "claims.jsonl")
    # Afghanistan and 2021 in common, but the CSTO's forces were alerted and US forces left
    alerted = _corpus_claim(claims, "001", "In September 2021, the CSTO forces were alerted")
    left = _corpus_claim(claims, "003", "As US forces left Afghanistan in 2021")
    # the CSTO and "2021" in common, but "Echelon-2021" is the name of an exercise
    echelon = _corpus_claim(claims, "004", "In addition, the training of the CSTO logistics")
    assert alerted["cluster_id"] != left["cluster_id"]
    assert alerted["cluster_id"] != echelon["cluster_id"]
    # whose forces they are is a guard: the two stay apart in any company
    pair = cluster_keys([claim_key(alerted), claim_key(left)])
    assert pair.cluster_of[alerted["claim_id"]] != pair.cluster_of[left["claim_id"]]
    assert "w:c:troops=us" in claim_key(left).terms
    # the first batch of a run split over two days (000, 001 and 004, then 002 and 003)
    batch = cluster_keys([claim_key(c) for c in claims if c["doc_id"][:3] in {"000", "001",
                                                                              "004"}])
    assert batch.cluster_of[alerted["claim_id"]] != batch.cluster_of[echelon["claim_id"]]
    assert guard_key(echelon["content"]["text"])[0] == ()


def test_whose_thing_or_act_a_name_is(nlp) -> None:
    assert "w:c:troops=us" in _key_terms(nlp, "As US forces left Afghanistan in 2021")
    assert "w:c:troops=russia" in _key_terms(nlp, "Russia's troops entered Kazakhstan in 2022")
    # a reworded copy with other forces leaving is another fact; the same forces are not
    claims = [_parsed(nlp, "a", "001", "As US forces left Afghanistan in 2021"),
              _parsed(nlp, "b", "002", "As British forces left Afghanistan in 2021"),
              _parsed(nlp, "c", "003", "As US troops left Afghanistan in 2021")]
    cluster_claims(claims)
    assert claims[0].cluster_id == claims[2].cluster_id != claims[1].cluster_id


def test_a_date_that_names_a_thing_does_not_pin_a_fact(nlp) -> None:
    # both name the Iowa caucuses and their date; one says what the top issue is there,
    # the other whom two candidates attacked
    issue = "In Iowa, whose Feb. 1 caucuses open the race, the economy is the top issue"
    attack = ("Cruz and Rubio, campaigning in Iowa before the caucuses on Feb. 1, attacked "
              "Trump over the economy")
    terms = _key_terms(nlp, issue)
    assert "t:m2" in terms and "n:m2" not in terms
    assert "n:m2" in _key_terms(nlp, attack)
    # the guard still tells one election from another
    assert guard_key("the 2016 election") != guard_key("the 2020 election")
    claims = [_parsed(nlp, "a", "001", issue), _parsed(nlp, "b", "002", attack)]
    cluster_claims(claims)
    assert claims[0].cluster_id != claims[1].cluster_id
