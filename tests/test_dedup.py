"""Dedup: exact and near-duplicate claims merge; numbers, dates and negation keep them apart."""

from __future__ import annotations

from pipeline.dedup import candidate_pairs, cluster_claims, guard_key, minhash, normalise
from pipeline.schema import ClaimRecord, ContentSpan, SourceSpan


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
    signatures = [minhash(normalise(t).split()) for t in (PUTIN_001, PUTIN_REWORDED,
                                                           "an unrelated sentence about tanks")]
    assert (0, 1) in candidate_pairs(signatures)
    assert (0, 2) not in candidate_pairs(signatures)


def test_clusters_carry_outlets_first_date_and_attribution_counts() -> None:
    claims = [_claim("a", "001", PUTIN_001), _claim("b", "009", PUTIN_REWORDED)]
    [cluster] = cluster_claims(claims, {"001": ("Caliber.az", "2022-06-08"),
                                        "009": ("Ohio POW MIA", "2022-01-29")})
    assert cluster.publishers == ["Caliber.az", "Ohio POW MIA"]
    assert cluster.first_published == "2022-01-29"
    assert cluster.attributions == {"reported": 2}
