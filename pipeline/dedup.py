"""Dedup: claims from all articles in, one cluster per distinct claim out.

In: every `ClaimRecord` of the run. Out: `ClusterRecord`s, and each claim's
`cluster_id` set. The one global stage, kept sub-quadratic:
  1. exact match of a normalised form (case, punctuation, quote marks and a
     leading "that" removed);
  2. near-duplicates: MinHash signatures over word shingles (Broder 1997),
     banded locality-sensitive hashing (Indyk & Motwani 1998) to find
     candidate pairs, each verified with rapidfuzz; no all-pairs loop;
  3. guards: two claims whose numbers or negation differ are never merged.
Clusters are connected components (union-find) of verified pairs. Ids come
from content hashes, so the same input gives the same clusters.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from collections import Counter, defaultdict

import numpy as np
from rapidfuzz import fuzz

from pipeline.schema import ClaimRecord, ClusterRecord
from pipeline.unionfind import UnionFind

NUM_PERM = 64
BANDS = 16
ROWS = NUM_PERM // BANDS
MAX_BUCKET = 200  # a bucket this full is a common phrase, not a duplicate signal
VERIFY_THRESHOLD = 82.0
_PRIME = (1 << 61) - 1
_rng = np.random.default_rng(20240611)
_A = _rng.integers(1, _PRIME, size=NUM_PERM, dtype=np.uint64)
_B = _rng.integers(0, _PRIME, size=NUM_PERM, dtype=np.uint64)
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
NEGATIONS = {"not", "no", "never", "n't", "nor", "without", "none", "neither"}


def normalise(text: str) -> str:
    words = _WORD.findall(text.lower())
    if words and words[0] == "that":
        words = words[1:]
    return " ".join(words)


def guard_key(text: str) -> tuple[tuple[str, ...], bool]:
    """What two merged claims must agree on: their numbers and their polarity."""
    lowered = text.lower().replace("n't", " not")
    numbers = tuple(sorted(n.replace(",", "") for n in _NUMBER.findall(lowered)))
    negated = any(word in NEGATIONS for word in _WORD.findall(lowered))
    return numbers, negated


def _shingles(words: list[str], size: int = 2) -> np.ndarray:
    if len(words) < size:
        grams = [" ".join(words)]
    else:
        grams = [" ".join(words[i:i + size]) for i in range(len(words) - size + 1)]
    return np.fromiter((zlib.crc32(g.encode("utf-8")) for g in set(grams)), dtype=np.uint64)


def minhash(words: list[str]) -> np.ndarray:
    """MinHash signature of a word list's 2-shingles (NUM_PERM universal hash functions)."""
    hashes = _shingles(words)
    # (a*x + b) mod p in uint64 wraps; a Mersenne-prime-free mix is fine for LSH bucketing
    values = (_A[:, None] * hashes[None, :] + _B[:, None]) & np.uint64(_PRIME)
    return values.min(axis=1)


def candidate_pairs(signatures: list[np.ndarray]) -> set[tuple[int, int]]:
    """Pairs of items sharing at least one LSH band bucket."""
    pairs: set[tuple[int, int]] = set()
    for band in range(BANDS):
        buckets: dict[bytes, list[int]] = defaultdict(list)
        for index, signature in enumerate(signatures):
            buckets[signature[band * ROWS:(band + 1) * ROWS].tobytes()].append(index)
        for members in buckets.values():
            if 1 < len(members) <= MAX_BUCKET:
                for i, a in enumerate(members):
                    for b in members[i + 1:]:
                        pairs.add((a, b))
    return pairs


def cluster_claims(claims: list[ClaimRecord],
                   articles: dict[str, tuple[str | None, str | None]] | None = None
                   ) -> list[ClusterRecord]:
    """Group `claims` into clusters, set each claim's `cluster_id`, return the clusters.

    `articles` maps doc_id to (publisher, published date) for the clusters' outlets
    and first date.
    """
    articles = articles or {}
    # 1. exact normalised forms
    groups: dict[str, list[int]] = defaultdict(list)
    for index, claim in enumerate(claims):
        groups[normalise(claim.content.text)].append(index)
    keys = list(groups)
    # 2. near-duplicates between distinct forms
    finder = UnionFind()
    signatures = [minhash(key.split()) for key in keys]
    guards = [guard_key(key) for key in keys]
    for a, b in candidate_pairs(signatures):
        if guards[a] != guards[b]:
            continue
        if fuzz.token_sort_ratio(keys[a], keys[b]) >= VERIFY_THRESHOLD:
            finder.union(a, b)
    members: dict[int, list[int]] = defaultdict(list)
    for key_index, key in enumerate(keys):
        members[finder.find(key_index)].extend(groups[key])
    clusters: list[ClusterRecord] = []
    for indices in members.values():
        indices.sort()
        items = [claims[i] for i in indices]
        claim_ids = sorted(c.claim_id for c in items)
        cluster_id = "cl_" + hashlib.sha1(claim_ids[0].encode()).hexdigest()[:12]
        representative = max(items, key=lambda c: (len(c.content.text), c.claim_id))
        doc_ids = sorted({c.doc_id for c in items})
        for claim in items:
            claim.cluster_id = cluster_id
        meta = [articles.get(d, (None, None)) for d in doc_ids]
        dates = sorted(date for _, date in meta if date)
        clusters.append(ClusterRecord(
            cluster_id=cluster_id, text=representative.content.text, claim_ids=claim_ids,
            doc_ids=doc_ids, publishers=sorted({p for p, _ in meta if p}),
            sources=sorted({c.source.canonical for c in items}),
            first_published=dates[0] if dates else None, n_articles=len(doc_ids),
            attributions=dict(sorted(Counter(c.attribution for c in items).items()))))
    clusters.sort(key=lambda c: (-c.n_articles, c.cluster_id))
    return clusters
