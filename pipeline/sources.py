"""Sources across articles: one canonical key per speaker for the whole run.

In: every `ClaimRecord` of the run (each source already resolved within its
article). Out: the claims with `source.canonical` set to the run-wide key,
and one `SourceRecord` per key for sources.jsonl.

Within an article, speakers.py resolves "he", "the deputy" and "Putin" to the
fullest name that article gives. Across articles the same person may be
spelled differently ("Dmitriy Peskov" / "Dmitry Peskov", "Pashinián" /
"Pashinyan") or named by surname only ("Putin" where another article says
"Vladimir Putin"). Names join when, after Unicode folding, their surnames
match closely (rapidfuzz ratio) and their first names are spelling variants or
short forms of each other (`_same_first_name`), and a bare
surname joins a full name only when exactly one full name in the run has
that surname: two different people sharing a surname are never merged.
Blocking by the first letters of the folded surname keeps this near-linear.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from typing import NamedTuple

from rapidfuzz import fuzz

from pipeline.schema import ClaimRecord, SourceRecord
from pipeline.unionfind import UnionFind

SURNAME_MIN = 85.0


def fold(name: str) -> str:
    """Lowercase ASCII form of a name: 'Pashinián' -> 'pashinian'."""
    decomposed = unicodedata.normalize("NFKD", name)
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).lower()
                    .replace("’", "'").split())


def first_name_skeleton(first: str) -> str:
    """A first name's consonants after its first letter, with the transliteration
    variants made equal: Dmitriy / Dmitry -> 'dmtr', Aleksey / Alexei -> 'alx',
    Yevgeny / Evgeny -> 'evgn'; Ivana 'ivn' and Ivanka 'ivnk' stay apart."""
    name = fold(first).replace("ks", "x").replace("w", "v").replace("ph", "f")
    name = re.sub(r"(.)\1", r"\1", name)
    if name[:1] == "y" and name[1:2] in set("aeiou"):
        name = name[1:]
    return name[:1] + re.sub(r"[aeiouy'.\-]", "", name[1:])


def _same_first_name(a: str, b: str) -> bool:
    """Spelling variants (same skeleton) or a short form (Steve / Steven, Alex /
    Alexander); a fuzzy ratio alone would join Ivana and Ivanka Trump."""
    a, b = a.strip("."), b.strip(".")
    if first_name_skeleton(a) == first_name_skeleton(b):
        return True
    shorter, longer = sorted((fold(a), fold(b)), key=len)
    return len(shorter) >= 3 and longer.startswith(shorter)


def _same_person(a: str, b: str) -> bool:
    parts_a, parts_b = fold(a).split(), fold(b).split()
    if not parts_a or not parts_b:
        return False
    if fuzz.ratio(parts_a[-1], parts_b[-1]) < SURNAME_MIN:
        return False
    if len(parts_a) == 1 or len(parts_b) == 1:
        return False  # bare surnames are handled separately
    return _same_first_name(parts_a[0], parts_b[0])


def person_keys(names: dict[str, int]) -> dict[str, str]:
    """Map each person name (with its claim count) to its run-wide canonical spelling."""
    keys = UnionFind()
    full = [n for n in names if len(n.split()) > 1]
    blocks: dict[str, list[str]] = defaultdict(list)
    for name in full:
        blocks[fold(name).split()[-1][:2]].append(name)
    for block in blocks.values():
        for i, a in enumerate(block):
            for b in block[i + 1:]:
                if _same_person(a, b):
                    keys.union(a, b)
    by_surname: dict[str, set[str]] = defaultdict(set)
    for name in full:
        by_surname[fold(name).split()[-1]].add(keys.find(name))
    for name in names:
        if len(name.split()) == 1:
            groups = by_surname.get(fold(name), set())
            if len(groups) == 1:
                keys.union(name, next(iter(groups)))
    members: dict[str, list[str]] = defaultdict(list)
    for name in names:
        members[keys.find(name)].append(name)
    result: dict[str, str] = {}
    for group in members.values():
        best = max(group, key=lambda n: (len(n.split()) > 1, names[n], len(n), n))
        for name in group:
            result[name] = best
    return result


class SourceKey(NamedTuple):
    """What the run-wide source index needs of one claim's source."""

    doc_id: str
    text: str
    canonical: str
    type: str
    named: bool
    role: str | None
    members: tuple[str, ...] = ()


def source_key(claim: ClaimRecord | dict) -> SourceKey:
    """The source of a claim record (a model or its JSON dict)."""
    if isinstance(claim, ClaimRecord):
        s = claim.source
        return SourceKey(claim.doc_id, s.text, s.canonical, s.type, s.named, s.role,
                         tuple(s.members))
    s = claim["source"]
    return SourceKey(claim["doc_id"], s["text"], s["canonical"], s["type"], s["named"],
                     s.get("role"), tuple(s.get("members") or ()))


def joint_canonical(members: Iterable[str], keys: dict[str, str]) -> tuple[str, list[str]]:
    """A joint source's run-wide name and people: each member by its run-wide key
    ("Markov and Kartopolov" in one article, "Sergey Markov and ..." in another)."""
    people = list(dict.fromkeys(keys.get(name, name) for name in members))
    return " and ".join(people), people


def source_index(sources: list[SourceKey]) -> tuple[dict[str, str], list[SourceRecord]]:
    """Run-wide keys for person names (name -> canonical spelling) and one
    `SourceRecord` per canonical source, from every claim's source."""
    person_counts: dict[str, int] = defaultdict(int)
    for source in sources:
        if source.type == "PERSON":
            person_counts[source.canonical] += 1
        for member in source.members:
            person_counts[member] += 1
    keys = person_keys(dict(person_counts))
    records: dict[tuple[str, str], dict] = {}

    def entry_of(canonical: str, kind: str) -> dict:
        return records.setdefault((canonical, kind), {
            "aliases": set(), "roles": set(), "doc_ids": set(), "n_claims": 0,
            "named": False, "members": [], "n_joint_claims": 0})

    for source in sources:
        if not source.canonical:
            continue  # an unsourced report ("is expected to"): nobody to list
        members: list[str] = []
        if source.members:
            canonical, members = joint_canonical(source.members, keys)
        elif source.type == "PERSON":
            canonical = keys.get(source.canonical, source.canonical)
        else:
            canonical = source.canonical
        entry = entry_of(canonical, source.type)
        entry["aliases"].add(source.text)
        if source.role:
            entry["roles"].add(source.role)
        entry["doc_ids"].add(source.doc_id)
        entry["n_claims"] += 1
        entry["named"] = entry["named"] or source.named
        entry["members"] = members
        for member in members:  # each person of "Markov and Kartopolov" has it on record
            person = entry_of(member, "PERSON")
            person["doc_ids"].add(source.doc_id)
            person["n_joint_claims"] += 1
            person["named"] = True
    listed = [SourceRecord(canonical=canonical, type=kind, named=e["named"],
                           aliases=sorted(e["aliases"]), roles=sorted(e["roles"]),
                           doc_ids=sorted(e["doc_ids"]), n_claims=e["n_claims"],
                           members=e["members"], n_joint_claims=e["n_joint_claims"])
              for (canonical, kind), e in sorted(records.items(),
                                                 key=lambda item: (-item[1]["n_claims"],
                                                                   item[0]))]
    return keys, listed


def unify_sources(claims: list[ClaimRecord]) -> list[SourceRecord]:
    """Set run-wide canonical names on `claims` (in place) and list every source."""
    keys, records = source_index([source_key(c) for c in claims])
    for claim in claims:
        if claim.source.members:
            claim.source.canonical, claim.source.members = joint_canonical(
                claim.source.members, keys)
        elif claim.source.type == "PERSON":
            claim.source.canonical = keys.get(claim.source.canonical, claim.source.canonical)
    return records
