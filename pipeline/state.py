"""The cluster index kept between runs (`claims run --state STATE.db`).

In: a run's claim keys (`dedup.ClaimKey`) and its articles' outlets and dates.
Out: the run's clusters, joined to the clusters of every earlier run that used
the same state file. SQLite from the standard library holds, for each claim,
its key and cluster, plus the blocking indexes dedup uses (LSH band buckets,
same-fact keys) and the document frequency of every term, so a new batch looks up
its candidates instead of reloading the past:

  1. claims already in the state keep their cluster (running the same input
     twice changes nothing);
  2. for the new claims, earlier claims with the same normalised form, an LSH
     bucket in common, or a same-fact key in common (a name with a figure) are
     fetched, with the whole clusters they belong to;
  3. dedup's `assign` clusters new and fetched claims together, the earlier
     clusters staying whole; two earlier clusters a new claim bridges merge
     under the smaller id;
  4. the new claims, their index entries and the merges are written in one
     transaction.
The run's clusters.jsonl lists every cluster that holds a claim of the run,
with all its members, this run's and earlier ones.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path

from pipeline.dedup import (
    FACT_BUCKET,
    MAX_BUCKET,
    ClaimKey,
    Clustering,
    assign,
    band_matrix,
    fact_keys,
    guard_key,
    normalise,
)

SCHEMA = """
CREATE TABLE IF NOT EXISTS claims (
    claim_id TEXT PRIMARY KEY, doc_id TEXT NOT NULL, text TEXT NOT NULL,
    source TEXT NOT NULL, attribution TEXT NOT NULL, norm TEXT NOT NULL,
    terms TEXT NOT NULL, cluster_id TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS claims_norm ON claims (norm);
CREATE INDEX IF NOT EXISTS claims_cluster ON claims (cluster_id);
CREATE TABLE IF NOT EXISTS bands (key INTEGER NOT NULL, claim_id TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS bands_key ON bands (key);
CREATE TABLE IF NOT EXISTS facts (key TEXT NOT NULL, claim_id TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS facts_key ON facts (key);
CREATE TABLE IF NOT EXISTS df (term TEXT PRIMARY KEY, n INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS articles (doc_id TEXT PRIMARY KEY, publisher TEXT, published TEXT);
CREATE TABLE IF NOT EXISTS conflicts (a TEXT NOT NULL, b TEXT NOT NULL, PRIMARY KEY (a, b));
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""
SQL_CHUNK = 500  # host parameters per IN (...) query
# the format of the index: bumped whenever what is stored of a claim (its terms) changes
# meaning, since earlier claims would then not be found or compared as new ones are.
# 3: event, rank, actor and owner terms (`v:`, `r:`, `b:`, `w:`), naming dates (`t:`),
# digits glued to a name ("Echelon-2021") no longer a number
FORMAT = "3"


def _chunks(items: list, size: int = SQL_CHUNK) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


class StateError(Exception):
    """The state file cannot be used (not a state, or of another format)."""


def _format_error(path: Path, found: str) -> str:
    """Why a state of another format is refused, and what to do about it."""
    if not found.isdigit():
        return f"{path}: unknown state format {found!r} (this version reads format {FORMAT})"
    if int(found) > int(FORMAT):
        return (f"{path}: state written by a newer version of claims (state format {found}, "
                f"this version reads format {FORMAT}); run that version")
    return (f"{path}: state written by an older version of claims (state format {found}, "
            f"this version reads format {FORMAT}): its claims lack the terms new claims "
            "are matched on, so they could not join them. Rebuild it: rerun the earlier "
            "batches into a new state file (claims run BATCH ... -o DIR --state NEW.db, "
            "in their order), then run the new batches with --state NEW.db")


class ClusterState:
    """A SQLite file holding the cluster index of every run that used it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:  # the format is read before anything is written: a refused file is left as is
            self.db = sqlite3.connect(path)
            tables = {name for (name,) in self.db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
            row = (self.db.execute("SELECT value FROM meta WHERE key = 'format'").fetchone()
                   if "meta" in tables else None)
        except sqlite3.DatabaseError as error:
            if hasattr(self, "db"):
                self.db.close()
            raise StateError(f"{path}: not a cluster state file ({error})") from error
        if row is None and tables:
            self.db.close()
            raise StateError(f"{path}: not a cluster state file (an SQLite database with "
                             "other tables)")
        if row is not None and row[0] != FORMAT:
            self.db.close()
            raise StateError(_format_error(path, row[0]))
        if row is None:  # a new state: its tables and format in one transaction
            self.db.executescript(f"BEGIN; {SCHEMA} "
                                  f"INSERT INTO meta VALUES ('format', '{FORMAT}'); COMMIT;")

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> ClusterState:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # --- reading ------------------------------------------------------------------

    def _select(self, sql: str, values: Iterable) -> list[tuple]:
        """Run `sql` (with one `{}` for an IN list) over `values`, in chunks."""
        rows: list[tuple] = []
        for chunk in _chunks(list(values)):
            rows.extend(self.db.execute(sql.format(",".join("?" * len(chunk))), chunk))
        return rows

    def _keys(self, where: str, values: Iterable) -> dict[str, tuple[ClaimKey, str]]:
        rows = self._select("SELECT claim_id, doc_id, text, source, attribution, terms, "
                            f"cluster_id FROM claims WHERE {where} IN ({{}})", values)
        keys = {}
        for claim_id, doc_id, text, source, attribution, terms, cluster in rows:
            numbers, negated = guard_key(text)
            keys[claim_id] = (ClaimKey(claim_id, doc_id, text, source, attribution,
                                       tuple(json.loads(terms)), numbers, negated), cluster)
        return keys

    def _df(self, terms: Iterable[str]) -> Counter:
        return Counter(dict(self._select("SELECT term, n FROM df WHERE term IN ({})",
                                         set(terms))))

    def _forms(self) -> int:
        return self.db.execute("SELECT COUNT(DISTINCT norm) FROM claims").fetchone()[0]

    def _candidates(self, new: list[ClaimKey]) -> dict[str, tuple[ClaimKey, str]]:
        """Earlier claims that may join the new ones (same form, an LSH bucket or a
        same-fact key in common), with the whole clusters they belong to."""
        norms = sorted({normalise(k.text) for k in new})
        found = {i for (i,) in self._select("SELECT claim_id FROM claims WHERE norm IN ({})",
                                             norms)}
        buckets = {int(b) for b in band_matrix(norms).ravel()}
        facts = {f for k in new for f in fact_keys(k.terms)}
        for sql, values, limit in (
                ("SELECT key, claim_id FROM bands WHERE key IN ({})", buckets, MAX_BUCKET),
                ("SELECT key, claim_id FROM facts WHERE key IN ({})", facts, FACT_BUCKET)):
            for ids in self._grouped(sql, values).values():
                if len(ids) < limit:
                    found.update(ids)
        fetched = self._keys("claim_id", sorted(found))
        clusters = {cluster for _, cluster in fetched.values()}
        fetched.update(self._keys("cluster_id", sorted(clusters)))
        return fetched

    def _grouped(self, sql: str, values: Iterable) -> dict:
        grouped: dict = defaultdict(list)
        for key, claim_id in self._select(sql, values):
            grouped[key].append(claim_id)
        return grouped

    # --- the clustering -----------------------------------------------------------

    def cluster(self, keys: list[ClaimKey],
                articles: dict[str, tuple[str | None, str | None]]) -> Clustering:
        """Cluster a run's keys against the state, record them, return the run's clusters."""
        known = set(self._select("SELECT claim_id FROM claims WHERE claim_id IN ({})",
                                 [k.claim_id for k in keys]))
        new = [k for k in keys if (k.claim_id,) not in known]
        unique_new: dict[str, ClaimKey] = {}
        for key in new:
            unique_new.setdefault(normalise(key.text), key)
        stored_norms = set(self._select("SELECT norm FROM claims WHERE norm IN ({})",
                                        unique_new))
        added_forms = {n: k for n, k in unique_new.items() if (n,) not in stored_norms}
        added_df = Counter(t for k in added_forms.values() for t in set(k.terms))
        with self.db:
            if new:
                fetched = self._candidates(new)
                df = self._df(t for k in [*new, *(k for k, _ in fetched.values())]
                              for t in k.terms) + added_df
                total = self._forms() + len(added_forms)
                result = assign([*[k for k, _ in fetched.values()], *new],
                                {c: cluster for c, (_, cluster) in fetched.items()}, df, total)
                self._record(new, result.cluster_of, added_df, df)
                for old, merged in sorted(result.retired.items()):
                    self.db.execute("UPDATE claims SET cluster_id = ? WHERE cluster_id = ?",
                                    (merged, old))
                self.db.executemany("INSERT OR IGNORE INTO conflicts VALUES (?, ?)",
                                    sorted(result.disagreements))
            self.db.executemany("INSERT OR REPLACE INTO articles VALUES (?, ?, ?)",
                                [(d, p, date) for d, (p, date) in sorted(articles.items())])
        return self._clusters([k.claim_id for k in keys])

    def _record(self, new: list[ClaimKey], cluster_of: dict[str, str], added_df: Counter,
                df: Counter) -> None:
        self.db.executemany(
            "INSERT INTO claims VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(k.claim_id, k.doc_id, k.text, k.source, k.attribution, normalise(k.text),
              json.dumps(k.terms), cluster_of[k.claim_id]) for k in new])
        bands = band_matrix([normalise(k.text) for k in new])
        self.db.executemany("INSERT INTO bands VALUES (?, ?)",
                            [(int(band), k.claim_id) for k, row in zip(new, bands, strict=True)
                             for band in row])
        self.db.executemany("INSERT INTO facts VALUES (?, ?)",
                            [(f, k.claim_id) for k in new for f in fact_keys(k.terms)])
        self.db.executemany("INSERT INTO df VALUES (?, ?) ON CONFLICT (term) DO UPDATE "
                            "SET n = n + excluded.n", sorted(added_df.items()))

    def _clusters(self, claim_ids: list[str]) -> Clustering:
        """The clusters holding `claim_ids`, each with every member in the state."""
        cluster_of = dict(self._select("SELECT claim_id, cluster_id FROM claims "
                                       "WHERE claim_id IN ({})", claim_ids))
        members = self._keys("cluster_id", set(cluster_of.values()))
        groups: dict[str, list[ClaimKey]] = defaultdict(list)
        for key, cluster in members.values():
            groups[cluster].append(key)
        outlets = {d: (p, date) for d, p, date in self._select(
            "SELECT doc_id, publisher, published FROM articles WHERE doc_id IN ({})",
            {k.doc_id for k, _ in members.values()})}
        member_ids = list(members)
        pairs = self._select("SELECT a, b FROM conflicts WHERE a IN ({})", member_ids)
        pairs += self._select("SELECT a, b FROM conflicts WHERE b IN ({})", member_ids)
        ends = {c for pair in pairs for c in pair}
        current = dict(self._select("SELECT claim_id, cluster_id FROM claims "
                                    "WHERE claim_id IN ({})", ends))
        conflicts: dict[str, set[str]] = defaultdict(set)
        for a, b in pairs:
            if current.get(a) != current.get(b):
                conflicts[current[a]].add(current[b])
                conflicts[current[b]].add(current[a])
        return Clustering(cluster_of, dict(groups), conflicts, outlets)
