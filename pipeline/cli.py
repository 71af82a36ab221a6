"""The `claims` command: the batch pipeline and its companions.

  claims run INPUT... -o OUT_DIR   process articles into JSONL outputs
  claims schema                    JSON Schema of every output record
  claims eval ...                  score claims against gold annotations
  claims eval-suite                run and score the corpus and PolNeAR dev (make eval)
  claims eval-clean ...            score the cleaning stage against gold bodies
  claims review RUN_DIR            one static HTML page to review a run's claims in context
  claims export RUN_DIR --format label-studio|gold -o FILE
                                   the run as Label Studio tasks, or straight as gold
  claims import EXPORT -o FILE     a corrected Label Studio export back into gold JSONL
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from pipeline import __version__


def _cmd_run(args: argparse.Namespace) -> int:
    from pipeline.runner import RunSettings, run

    settings = RunSettings(model=args.model, workers=args.workers, batch_size=args.batch_size,
                           max_bytes=args.max_bytes, progress=not args.quiet,
                           engine=args.engine, scheduler=args.scheduler, tagger=args.tagger,
                           definition=args.definition)
    from pipeline.state import StateError

    try:
        summary = run(args.inputs, Path(args.output), settings, resume=args.resume,
                      state=Path(args.state) if args.state else None)
    except StateError as error:
        print(f"claims run: {error}", file=sys.stderr)
        return 2
    print(summary.table())
    return 0


def _cmd_schema(args: argparse.Namespace) -> int:
    from pipeline.schema import OUTPUT_MODELS

    schemas = {name: model.model_json_schema() for name, model in OUTPUT_MODELS.items()}
    if args.file:
        schemas = {args.file: schemas[args.file]}
    print(json.dumps(schemas, indent=2, ensure_ascii=False))
    return 0


def _cmd_eval(args: argparse.Namespace) -> int:
    from pipeline.evaluate import evaluate_files, format_report

    report = evaluate_files(Path(args.gold), Path(args.pred),
                            docs_dir=Path(args.docs) if args.docs else None,
                            clusters=Path(args.clusters) if args.clusters else None)
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        print(format_report(report, misses=args.show_errors))
    return 0


def _cmd_eval_suite(args: argparse.Namespace) -> int:
    from pipeline.evaluate import run_suite

    polnear = Path(args.polnear) if args.polnear and Path(args.polnear).is_dir() else None
    reports, table = run_suite(Path(args.corpus), Path(args.annotations), polnear,
                               Path(args.output), workers=args.workers, tagger=args.tagger,
                               definition=args.definition)
    if args.json:
        print(json.dumps({k: {m: v for m, v in r.items()
                              if m not in {"misses", "false_positives"}}
                          for k, r in reports.items()}, indent=2))
    else:
        print(table)
    return 0


def _cmd_eval_clean(args: argparse.Namespace) -> int:
    from pipeline.clean_eval import evaluate_cleaning, format_cleaning_report, polnear_kept_ratio

    report = evaluate_cleaning(Path(args.gold), Path(args.corpus))
    if args.polnear and Path(args.polnear).is_dir():
        report["polnear_kept_ratio"] = polnear_kept_ratio(Path(args.polnear))
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False, default=str))
    else:
        print(format_cleaning_report(report))
    return 0


def _cmd_review(args: argparse.Namespace) -> int:
    from pipeline.review import write_review

    run_dir = Path(args.run_dir)
    output = Path(args.output) if args.output else run_dir / "review.html"
    counts = write_review(run_dir, output)
    print(f"review: {output} ({counts['articles']} articles, {counts['claims']} claims, "
          f"{counts['clusters']} clusters)")
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    from pipeline.labelstudio import export_label_studio, gold_from_run, write_gold

    run_dir, output = Path(args.run_dir), Path(args.output)
    if args.format == "gold":
        count = write_gold(output, gold_from_run(run_dir))
        print(f"gold: {output} ({count} attributions)")
    else:
        count, config = export_label_studio(run_dir, output)
        print(f"label-studio: {output} ({count} tasks); labelling config: {config}")
    return 0


def _cmd_import(args: argparse.Namespace) -> int:
    from pipeline.labelstudio import import_label_studio

    output = Path(args.output)
    count = import_label_studio(Path(args.export), output)
    print(f"gold: {output} ({count} attributions)")
    return 0


def build_parser() -> argparse.ArgumentParser:
    from pipeline.claims.attribution import DEFINITIONS
    from pipeline.ingest import DEFAULT_MAX_BYTES
    from pipeline.nlp import DEFAULT_MODEL

    parser = argparse.ArgumentParser(
        prog="claims",
        description="Extract attributed claims (who said what, where) from news articles, "
                    "resolve their sources and group each claim across articles.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = commands.add_parser(
        "run", help="process articles into JSONL outputs",
        description="Read .txt, .html and .jsonl articles (files or directories, searched "
                    "recursively), extract attributed claims and write OUT_DIR/articles.jsonl, "
                    "claims.jsonl, clusters.jsonl, errors.jsonl and manifest.json.")
    run.add_argument("inputs", nargs="+", metavar="INPUT", help="file or directory")
    run.add_argument("-o", "--output", required=True, metavar="OUT_DIR",
                     help="directory for the output files (created if missing)")
    run.add_argument("--model", default=DEFAULT_MODEL,
                     help=f"installed spaCy pipeline to use (default: {DEFAULT_MODEL})")
    run.add_argument("--workers", type=int, default=1,
                     help="processes, each loading the model once (default: 1)")
    run.add_argument("--batch-size", type=int, default=32, help="nlp.pipe batch size")
    run.add_argument("--tagger", action="store_true",
                     help="also run the span tagger trained on PolNeAR (finds more claims, "
                          "PolNeAR-style; about 20%% slower)")
    run.add_argument("--definition", choices=DEFINITIONS, default="guidelines",
                     help="what counts as a claim: ANNOTATION_GUIDELINES.md's asserted, "
                          "believed or assessed propositions (default), or PolNeAR's broader "
                          "annotation, which also counts intentions, requests, stances and "
                          "topics ('vowed to ...', 'called for ...'; implies --tagger, and a "
                          "second trained tagger adds what the first misses: about half "
                          "the speed of the rules alone)")
    run.add_argument("--engine", choices=["local", "dask"], default="local",
                     help="where the per-article stages run: this machine's processes "
                          "(default) or a Dask cluster")
    run.add_argument("--scheduler", metavar="ADDRESS",
                     help="Dask scheduler address (tcp://host:8786); without it --engine dask "
                          "starts a local cluster of --workers processes")
    run.add_argument("--max-bytes", type=int, default=DEFAULT_MAX_BYTES,
                     help="refuse an article larger than this many bytes (default: 64 MB)")
    run.add_argument("--resume", action="store_true",
                     help="finish a run that was interrupted (same inputs and settings): "
                          "inputs already in OUT_DIR's journal are not processed again")
    run.add_argument("--state", metavar="STATE.db",
                     help="SQLite file keeping the cluster index between runs (created if "
                          "missing): this run's claims join earlier runs' clusters, and "
                          "running the same input twice changes nothing")
    run.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    run.set_defaults(func=_cmd_run)

    schema = commands.add_parser(
        "schema", help="print the JSON Schema of every output record",
        description="Print the JSON Schema of each output file's records, generated from the "
                    "pydantic models in pipeline/schema.py.")
    schema.add_argument("file", nargs="?", help="only this output file (e.g. claims.jsonl)")
    schema.set_defaults(func=_cmd_schema)

    evaluate = commands.add_parser(
        "eval", help="score predicted claims against gold annotations",
        description="Match predicted claims to gold attributions one to one within each "
                    "document and report precision, recall and F1 for source, cue and "
                    "content (exact and token-overlap), the linked triple score, recall by "
                    "kind, misses and false positives. Reads the project's gold format and "
                    "PolNeAR's converted format.")
    evaluate.add_argument("--gold", required=True, help="gold JSONL file")
    evaluate.add_argument("--pred", required=True, help="claims.jsonl of a run")
    evaluate.add_argument("--docs", help="directory of the raw documents (for offsets)")
    evaluate.add_argument("--clusters", help="gold clusters JSONL (cluster scores)")
    evaluate.add_argument("--json", action="store_true", help="print the report as JSON")
    evaluate.add_argument("--show-errors", type=int, default=0, metavar="N",
                          help="list up to N misses and false positives")
    evaluate.set_defaults(func=_cmd_eval)

    suite = commands.add_parser(
        "eval-suite", help="run the pipeline on the corpus and PolNeAR dev and score both",
        description="What `make eval` runs: the pipeline over corpus/ (scored against "
                    "annotations/) and, when the directory exists, over PolNeAR dev (scored "
                    "against its gold.jsonl); prints one table.")
    suite.add_argument("--corpus", default="corpus")
    suite.add_argument("--annotations", default="annotations")
    suite.add_argument("--polnear", default="../shared/eval/polnear/dev")
    suite.add_argument("-o", "--output", default="outputs/eval", help="where the runs go")
    suite.add_argument("--workers", type=int, default=1)
    suite.add_argument("--tagger", action="store_true", help="run with the trained span tagger")
    suite.add_argument("--definition", choices=DEFINITIONS, default="guidelines",
                       help="what counts as a claim (see `claims run --help`)")
    suite.add_argument("--json", action="store_true")
    suite.set_defaults(func=_cmd_eval_suite)

    clean = commands.add_parser(
        "eval-clean", help="score the cleaning stage against gold bodies and metadata",
        description="Line-level precision/recall of kept body lines and exact metadata "
                    "matches against annotations/clean/, plus the share of characters kept "
                    "on clean news (PolNeAR) when given.")
    clean.add_argument("--gold", default="annotations/clean", help="gold directory")
    clean.add_argument("--corpus", default="corpus", help="raw corpus directory")
    clean.add_argument("--polnear", default="../shared/eval/polnear/dev",
                       help="directory of clean news articles (skipped if absent)")
    clean.add_argument("--json", action="store_true", help="print the report as JSON")
    clean.set_defaults(func=_cmd_eval_clean)

    review = commands.add_parser(
        "review", help="write a static HTML page to review a run's claims",
        description="Write one self-contained HTML file (no network needed; open it from "
                    "disk): the run's articles with every claim highlighted (source, cue, "
                    "content), claim details on click, a clusters view, a sources view and "
                    "filters by source, kind, attribution and confidence.")
    review.add_argument("run_dir", metavar="RUN_DIR", help="output directory of `claims run`")
    review.add_argument("-o", "--output", metavar="FILE",
                        help="the HTML file to write (default: RUN_DIR/review.html)")
    review.set_defaults(func=_cmd_review)

    export = commands.add_parser(
        "export", help="export a run's claims for correction (Label Studio) or as gold",
        description="--format label-studio writes a Label Studio import file (one task per "
                    "article, claims as predictions: SOURCE/CUE/CONTENT spans linked by "
                    "relations) and its labelling config as label_config.xml beside FILE; "
                    "--format gold writes the claims in the gold format of "
                    "ANNOTATION_GUIDELINES.md (verbatim raw text and offsets). Both read the "
                    "raw inputs named in articles.jsonl.")
    export.add_argument("run_dir", metavar="RUN_DIR", help="output directory of `claims run`")
    export.add_argument("--format", required=True, choices=["label-studio", "gold"])
    export.add_argument("-o", "--output", required=True, metavar="FILE")
    export.set_defaults(func=_cmd_export)

    importer = commands.add_parser(
        "import", help="turn a corrected Label Studio export into gold",
        description="Read Label Studio's JSON export of tasks made by `claims export "
                    "--format label-studio` (each task's annotation, or its predictions when "
                    "it has none) and write gold attributions as JSONL: source, cue and "
                    "content verbatim from the raw article, with raw content offsets.")
    importer.add_argument("export", metavar="LABEL_STUDIO_EXPORT", help="exported JSON file")
    importer.add_argument("-o", "--output", required=True, metavar="FILE",
                          help="gold JSONL to write (e.g. annotations/reviewed.jsonl)")
    importer.set_defaults(func=_cmd_import)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
