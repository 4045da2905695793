"""Peak memory of a run's final phase (write, store, reconcile, report) as the dump grows.

The analysis of a large dump takes a while; its work file does not need redoing to
measure what comes after it. Given one finished run (its input and its
``.newsfacts-work/outcomes.jsonl``), this replays the final phase on the first N
articles for each size, with ``newsfacts run --resume`` (every article is already
analysed, so only the final phase runs), and prints the peak resident memory of each::

    python benchmarks/synth.py --n 100000 --out dump.jsonl --seed 0
    newsfacts run dump.jsonl --out big --workers 2 --keep-work
    python benchmarks/final_phase.py dump.jsonl big --sizes 10000 30000 100000

A flat final phase keeps about the same peak from the smallest size to the largest.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from itertools import islice
from pathlib import Path

WORK = Path(".newsfacts-work") / "outcomes.jsonl"


def _head(src: Path, dst: Path, n: int) -> int:
    """Copy the first ``n`` lines, one at a time.

    This process must stay small: a child's peak RSS (``ru_maxrss``) counts the memory
    of the process it was started from, so copying a 100,000-article work file through
    a list here once added about 180 MB to the peak reported for the run.
    """
    count = 0
    with src.open(encoding="utf-8") as fin, dst.open("w", encoding="utf-8") as fout:
        for line in islice(fin, n):
            fout.write(line)
            count += 1
    return count


def _resumable(src: Path, out: Path) -> None:
    """The work folder's ``work.json`` for ``src``, so that ``--resume`` goes on with it
    (light imports only: this process's memory counts in the child's peak)."""
    from pipeline import __version__
    from pipeline.rundir import STATE_NAME, WorkState, input_state, new_run_id, write_state

    state = WorkState(
        run_id=new_run_id(),
        newsfacts=__version__,
        inputs=(input_state(src, [src]),),
        lang="auto",
        currency="USD",
        model=None,
        store=None,
    )
    write_state(out / WORK.parent / STATE_NAME, state)


def final_phase(dump: Path, run: Path, n: int, tmp: Path) -> dict[str, object]:
    """Replay the final phase on the first ``n`` articles; peak RSS and timings."""
    folder = tmp / f"n{n}"
    (folder / "out" / WORK.parent).mkdir(parents=True)
    got = _head(dump, folder / "in.jsonl", n)
    _head(run / WORK, folder / "out" / WORK, n)
    _resumable(folder / "in.jsonl", folder / "out")
    cmd = [sys.executable, "-m", "pipeline", "run", str(folder / "in.jsonl")]
    cmd += ["--out", str(folder / "out"), "--resume", "--quiet"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    subprocess.run(cmd, check=True)
    wall = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    summary = json.loads((folder / "out" / "run.json").read_text(encoding="utf-8"))
    shutil.rmtree(folder)
    return {
        "articles": got,
        # A running maximum over children: no higher than the previous size's peak.
        "peak_mb": f"{peak / 1024:,.0f}" if peak > before else f"<= {before / 1024:,.0f}",
        "wall": wall,
        "timings": summary["timings_seconds"],
        "facts": summary["counts"]["facts"],
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dump", type=Path, help="the input of the finished run")
    parser.add_argument("run", type=Path, help="the finished run's output folder")
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 30_000, 100_000])
    args = parser.parse_args(argv)
    if not (args.run / WORK).is_file():
        parser.error(f"{args.run / WORK} not found: run the dump first")
    with tempfile.TemporaryDirectory(prefix="newsfacts-final-") as tmp:
        # Sizes in increasing order: ru_maxrss of children is a running maximum.
        for n in sorted(args.sizes):
            r = final_phase(args.dump, args.run, n, Path(tmp))
            timings = r["timings"]
            assert isinstance(timings, dict)
            print(
                f"{r['articles']:>9,} articles: peak RSS {r['peak_mb']} MB, "
                f"wall {r['wall']:.1f} s (reconcile {timings.get('reconcile', 0):.1f} s, "
                f"write {timings.get('write', 0):.1f} s), {r['facts']:,} facts"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
