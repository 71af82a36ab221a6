"""Dedup at scale: synthetic claims with planted near-duplicates, 10k to 1M.

For each size, in a fresh process (so peak memory is its own), prints the time
to build the claims' compact keys and to cluster them (`dedup.cluster_keys`,
every step: exact forms, LSH + rapidfuzz, same-fact), peak RSS, and how many
planted pairs ended in one cluster and how many planted disagreements (a number,
a date or a negation changed) stayed apart. At 10k it also compares every pair
exhaustively (rapidfuzz `cdist`, all cores) and prints the pair recall of the
clustering against it: the share of pairs whose normalised texts score at least
the verification threshold, and whose guards agree, that share a cluster.

Synthetic claims are news-like sentences from a 40,000-word vocabulary, with a
named actor and place (from 200,000 names, Zipf-distributed: a few are in
many claims, most in few), a figure and a year. A fifth of them get one to
three rewordings in other articles (a word dropped or added, two words
swapped, case and punctuation changed, a leading "that"); one in twenty gets
a variant with a changed number, year or an added negation, which must never
join it. Nothing is asserted: this prints figures.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import time
from collections.abc import Iterator
from itertools import accumulate, combinations
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SIZES = (10_000, 100_000, 1_000_000)
SYLLABLES = ["ba", "ke", "do", "mi", "ru", "so", "ta", "vi", "ne", "lo", "ga", "pu", "zen",
             "tor", "li", "ka", "mer", "sa", "dun", "ho"]
VERBS = ["said", "reported", "announced", "sent", "signed", "rejected", "approved", "opened",
         "closed", "planned", "ordered", "blocked", "funded", "criticised", "welcomed"]


def _word(rng: random.Random, syllables: int) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(syllables))


class Generator:
    """Deterministic synthetic claims and their planted relations."""

    def __init__(self, seed: int = 7) -> None:
        self.rng = random.Random(seed)
        self.vocabulary = sorted({_word(self.rng, self.rng.randint(2, 4))
                                  for _ in range(60_000)})[:40_000]
        self.names = [_word(self.rng, 3).capitalize() + " " + _word(self.rng, 2).capitalize()
                      for _ in range(200_000)]
        self.cumulative = list(accumulate(1 / (rank + 1) ** 0.9
                                          for rank in range(len(self.names))))

    def _name(self) -> str:
        return self.rng.choices(self.names, cum_weights=self.cumulative, k=1)[0]

    def base(self) -> tuple[str, list[str]]:
        actor, place = self._name(), self._name()
        words = self.rng.sample(self.vocabulary, self.rng.randint(8, 16))
        figure, year = self.rng.randint(11, 99_000), self.rng.randint(1950, 2025)
        cut = self.rng.randint(2, len(words) - 2)
        text = (f"{actor} {self.rng.choice(VERBS)} {' '.join(words[:cut])} {figure:,} "
                f"{' '.join(words[cut:])} in {place} in {year}")
        return text, [actor, place]

    def reword(self, text: str) -> str:
        words = text.split()
        change = self.rng.randrange(5)
        if change == 0:
            del words[self.rng.randrange(1, len(words) - 4)]
        elif change == 1:
            words.insert(self.rng.randrange(1, len(words) - 4), self.rng.choice(self.vocabulary))
        elif change == 2:
            i = self.rng.randrange(1, len(words) - 5)
            words[i], words[i + 1] = words[i + 1], words[i]
        elif change == 3:
            return "That " + text.lower() + "."
        return " ".join(words) + self.rng.choice(["", ".", " ."])

    def disagree(self, text: str) -> str:
        change = self.rng.randrange(3)
        words = text.split()
        if change == 0:  # another figure
            i = next(i for i, w in enumerate(words) if w[0].isdigit())
            words[i] = f"{int(words[i].replace(',', '')) + self.rng.randint(1, 500):,}"
        elif change == 1:  # another year
            words[-1] = str(int(words[-1]) + self.rng.randint(1, 9))
        else:
            words.insert(2, "never")
        return " ".join(words)

    def claims(self, n: int, planted: list[tuple[int, int]],
               conflicting: list[tuple[int, int]]) -> Iterator[dict]:
        """`n` claims as claims.jsonl dicts, one at a time (as the runner reads them
        from its journal); the planted duplicate pairs and disagreeing pairs (indices)
        are appended to `planted` and `conflicting`."""
        count = 0

        def claim(index: int, text: str, names: list[str]) -> dict:
            return {"claim_id": f"c{index:07d}", "doc_id": f"d{index // 20:06d}",
                    "content": {"text": text}, "source": {"canonical": names[0]},
                    "attribution": "reported",
                    "entities": [{"text": name, "label": "PERSON" if i == 0 else "GPE",
                                  "canonical": name} for i, name in enumerate(names)]}

        while count < n:
            text, names = self.base()
            first = count
            variants = []
            if self.rng.random() < 0.2:
                variants += [(planted, self.reword(text))
                             for _ in range(self.rng.randint(1, 3))]
            if self.rng.random() < 0.05:
                variants.append((conflicting, self.disagree(text)))
            yield claim(count, text, names)
            count += 1
            for relation, variant in variants:
                if count == n:
                    return
                relation.append((first, count))
                yield claim(count, variant, names)
                count += 1


def exhaustive_pairs(keys: list, guard) -> set[tuple[int, int]]:
    """Every pair whose normalised texts reach the verification threshold and whose
    guards agree, by comparing all pairs (rapidfuzz cdist on all cores)."""
    from rapidfuzz import fuzz, process

    from pipeline.dedup import VERIFY_THRESHOLD, normalise

    texts = [normalise(k.text) for k in keys]
    scores = process.cdist(texts, texts, scorer=fuzz.token_sort_ratio,
                           score_cutoff=VERIFY_THRESHOLD, workers=-1, dtype="uint8")
    pairs = set()
    rows, cols = scores.nonzero()
    for a, b in zip(rows.tolist(), cols.tolist(), strict=True):
        if a < b and guard(keys[a], keys[b]):
            pairs.add((a, b))
    return pairs


def measure_one(n: int, compare: bool) -> dict:
    """Runs in its own process: build, key, cluster and score `n` synthetic claims."""
    from pipeline.dedup import claim_key, cluster_keys, guard_key

    planted: list[tuple[int, int]] = []
    conflicting: list[tuple[int, int]] = []
    claims = Generator().claims(n, planted, conflicting)
    keys, key_seconds = [], 0.0
    for claim in claims:  # generation is not timed, keying is
        started = time.perf_counter()
        keys.append(claim_key(claim))
        key_seconds += time.perf_counter() - started
    started = time.perf_counter()
    result = cluster_keys(keys)
    records = sum(1 for _ in result.records())  # every clusters.jsonl record is built
    clustered = time.perf_counter()
    cluster_of = [result.cluster_of[k.claim_id] for k in keys]
    figures = {
        "n": n, "key_seconds": key_seconds, "cluster_seconds": clustered - started,
        "clusters": records,
        "planted_joined": sum(cluster_of[a] == cluster_of[b] for a, b in planted),
        "planted": len(planted),
        "conflicts_apart": sum(cluster_of[a] != cluster_of[b] for a, b in conflicting),
        "conflicts": len(conflicting),
        "peak_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}
    if compare:
        def agree(a, b) -> bool:
            (numbers_a, negated_a), (numbers_b, negated_b) = guard_key(a.text), guard_key(b.text)
            return negated_a == negated_b and numbers_a == numbers_b

        started = time.perf_counter()
        truth = exhaustive_pairs(keys, agree)
        figures["exhaustive_seconds"] = time.perf_counter() - started
        members: dict[str, list[int]] = {}
        for index, cluster in enumerate(cluster_of):
            members.setdefault(cluster, []).append(index)
        found = {pair for group in members.values() for pair in combinations(group, 2)}
        figures["exhaustive_pairs"] = len(truth)
        figures["pair_recall"] = len(truth & found) / len(truth) if truth else 1.0
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=list(SIZES))
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--compare", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure_one(args.one, args.compare)))
        return
    print("## dedup on synthetic claims (one process each; 2 cores)")
    print(f"{'claims':>9}  {'keys s':>7}  {'cluster s':>9}  {'total s':>7}  {'peak RSS':>9}  "
          f"{'planted joined':>15}  {'disagreements apart':>19}  {'pair recall':>11}")
    for n in args.sizes:
        command = [sys.executable, __file__, "--one", str(n)]
        if n <= 10_000:
            command.append("--compare")
        result = subprocess.run(command, capture_output=True, text=True, check=True, cwd=ROOT)
        f = json.loads(result.stdout.strip().splitlines()[-1])
        recall = (f"{f['pair_recall']:.3f} of {f['exhaustive_pairs']:,}"
                  if "pair_recall" in f else "-")
        print(f"{n:>9,}  {f['key_seconds']:>7.1f}  {f['cluster_seconds']:>9.1f}  "
              f"{f['key_seconds'] + f['cluster_seconds']:>7.1f}  "
              f"{f['peak_rss_kb'] / 1024:>6,.0f} MB  "
              f"{f['planted_joined']:>6,} / {f['planted']:<6,}  "
              f"{f['conflicts_apart']:>8,} / {f['conflicts']:<8,}  {recall:>11}")
        if "exhaustive_seconds" in f:
            print(f"{'':>9}  exhaustive comparison of all pairs at {n:,}: "
                  f"{f['exhaustive_seconds']:.1f} s")


if __name__ == "__main__":
    main()
