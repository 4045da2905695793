"""``newsfacts annotate`` and ``newsfacts train``: the retraining loop's commands.

- ``annotate export RUN_DIR --format labelstudio|jsonl --out FILE [--inputs PATH...]``
  writes pre-annotated tasks (Label Studio JSON, plus ``FILE.xml`` with the labelling
  interface; or the training-set JSONL).
- ``annotate import FILE --out DATA.jsonl [--keep-good]`` reads corrected tasks (Label
  Studio JSON or JSONL) into a training set. Every span is checked against its text;
  by default any bad span fails the command (exit 1) with the list of bad spans (task
  id, offsets, label, why) and nothing is written; with ``--keep-good`` the good
  examples' spans are written, the bad ones listed on stderr, and the exit code is 1.
- ``train --data PATH --out models/NAME [--backend spacy|transformers] [--base-model
  PATH] [--config CFG] [--seed N] [--max-steps N]``; ``train --assemble DIR`` copies the
  base components into a shipped model directory.
- scoring a model on an annotated set is ``newsfacts evaluate --data D [--model DIR]``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from pipeline.errors import Errors, InputError, ModelError, UsageError

__all__ = ["register"]


def _read_tasks(path: Path) -> list[Any]:
    from pipeline.train.annotations import read_examples
    from pipeline.train.labelstudio import tasks_to_examples

    if not path.exists():
        raise InputError(Errors.E004.format(path=path))
    if path.suffix == ".jsonl":
        return list(read_examples(path))
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        tasks = data if isinstance(data, list) else [data]
        return tasks_to_examples(tasks)
    except (json.JSONDecodeError, KeyError, TypeError, ValueError) as e:
        raise ModelError(Errors.E550.format(path=path, line=1, detail=e)) from e


def _cmd_export(args: argparse.Namespace) -> int:
    from pipeline.train.annotations import example_to_json, write_examples
    from pipeline.train.export import examples_from_run
    from pipeline.train.labelstudio import label_config, task_from_example

    examples = examples_from_run(args.run_dir, inputs=args.inputs or None)
    if args.format == "jsonl":
        write_examples(examples, args.out)
    elif args.format == "labelstudio":
        from pipeline.facts.predicates import PREDICATES, predicate_model

        args.out.parent.mkdir(parents=True, exist_ok=True)
        tasks = [task_from_example(ex) for ex in examples]
        args.out.write_text(json.dumps(tasks, ensure_ascii=False, indent=1), encoding="utf-8")
        labels = sorted({s.label for ex in examples for s in ex.entities} | {"ORG", "PROJECT"})
        kinds = sorted(predicate_model().allowed)
        xml = label_config(labels, kinds, PREDICATES)
        args.out.with_suffix(".xml").write_text(xml, encoding="utf-8")
    else:
        raise UsageError(Errors.E558.format(format=args.format))
    n = sum(len(example_to_json(ex)["spans"]) for ex in examples)
    print(f"{len(examples)} tasks, {n} spans → {args.out}")
    return 0


def _cmd_import(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from pipeline.train.annotations import check_example, write_examples

    examples = _read_tasks(args.file)
    problems = [p for ex in examples for p in check_example(ex)]
    if problems and not args.keep_good:
        raise ModelError(
            Errors.E551.format(
                count=len(problems), path=args.file, spans="\n".join(str(p) for p in problems)
            )
        )
    bad = {(p.task_id, p.start, p.end, p.label) for p in problems}
    kept = [
        replace(ex, spans=tuple(s for s in ex.spans if (ex.id, s.start, s.end, s.label) not in bad))
        for ex in examples
    ]
    n = write_examples(kept, args.out)
    for p in problems:
        print(f"bad span dropped: {p}", file=sys.stderr)
    print(f"{n} examples → {args.out}")
    return 1 if problems else 0


def _cmd_train(args: argparse.Namespace) -> int:
    if args.assemble is not None:
        from pipeline.train.modeldir import assemble

        print(f"copied: {', '.join(assemble(args.assemble)) or 'nothing'}")
        return 0
    if args.data is None or args.out is None:
        raise UsageError(Errors.E011.format(option="--data/--out", detail="both are required"))
    if not args.data.exists():
        raise InputError(Errors.E004.format(path=args.data))
    if args.backend == "transformers":
        from pipeline.train.hf import HfTrainOptions, train_transformers

        if args.base_model is None:
            raise UsageError(
                Errors.E011.format(option="--base-model", detail="a local model directory")
            )
        metrics = train_transformers(
            HfTrainOptions(
                data=args.data,
                out=args.out,
                base_model=args.base_model,
                seed=args.seed,
                max_steps=args.max_steps,
            )
        )
    else:
        from pipeline.train.spacy_backend import DEFAULT_CONFIG, SpacyTrainOptions, train_spacy

        metrics = train_spacy(
            SpacyTrainOptions(
                data=args.data,
                out=args.out,
                base=str(args.base_model) if args.base_model else "fr_core_news_md",
                config=args.config or DEFAULT_CONFIG,
                seed=args.seed,
                max_steps=args.max_steps,
            )
        )
    print(json.dumps(metrics, indent=2))
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``annotate`` and ``train`` sub-commands (each sets ``handler``)."""
    annotate = sub.add_parser("annotate", help="export a run for annotation, import corrections")
    steps = annotate.add_subparsers(dest="annotate_command", required=True)
    export = steps.add_parser("export", help="pre-annotated tasks from a run folder")
    export.add_argument("run_dir", type=Path, metavar="RUN_DIR")
    export.add_argument("--format", choices=("labelstudio", "jsonl"), default="labelstudio")
    export.add_argument("--out", type=Path, required=True, metavar="FILE")
    export.add_argument("--inputs", type=Path, nargs="*", default=None, metavar="PATH")
    export.set_defaults(handler=_cmd_export)
    imp = steps.add_parser("import", help="corrected tasks → training set JSONL")
    imp.add_argument("file", type=Path, metavar="FILE")
    imp.add_argument("--out", type=Path, required=True, metavar="DATA.jsonl")
    imp.add_argument("--keep-good", action="store_true", help="write good spans, list bad ones")
    imp.set_defaults(handler=_cmd_import)

    train = sub.add_parser("train", help="retrain the extractors on annotated data")
    train.add_argument("--data", type=Path, default=None, metavar="PATH")
    train.add_argument("--out", type=Path, default=None, metavar="models/NAME")
    train.add_argument("--backend", choices=("spacy", "transformers"), default="spacy")
    train.add_argument("--base-model", type=Path, default=None, metavar="PATH")
    train.add_argument("--config", type=Path, default=None, metavar="CFG")
    train.add_argument("--seed", type=int, default=0)
    train.add_argument("--max-steps", type=int, default=None)
    train.add_argument("--assemble", type=Path, default=None, metavar="DIR")
    train.set_defaults(handler=_cmd_train)
