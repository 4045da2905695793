"""A dump with one very long record among ordinary ones: the run ends well, in bounded memory.

The ordinary records are synthetic articles (``benchmarks/synth.py``); the long one is
a French "annual report": a title line, then synthetic French articles one after the
other as its sections, up to ``--chars`` characters (3,000,000 by default: three times
spaCy's ``max_length``). The run is ``newsfacts run DUMP --out DIR --quiet`` in a child
process; printed are its exit code, the lines of ``articles.jsonl`` (every record once:
``--ordinary`` + 1), the long record's status and mentions, the wall time, the stage
timings of ``run.json`` and the child's peak resident memory::

    python benchmarks/long_record.py                      # 3,000,000 characters among 300
    python benchmarks/long_record.py --chars 1200000 --ordinary 50 --keep /tmp/long-run

This process stays small (the dump is written as it is generated), so the peak RSS
reported for the child is the run's own.
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
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synth import generate

TITLE = "Rapport annuel 2025 : infrastructures de calcul et centres de données"
LONG_ID = "long-record"


def long_text(chars: int, *, seed: int) -> str:
    """A title line, then French synthetic articles as sections, cut at ``chars``."""
    parts = [TITLE, "\n\n"]
    size = len(TITLE) + 2
    for n, article in enumerate(generate(10**9, seed=seed + 1, fr_share=1.0), start=1):
        if size >= chars:
            break
        section = f"{n}. {article.text}\n\n"
        parts.append(section)
        size += len(section)
    return "".join(parts)[:chars]


def write_dump(path: Path, *, chars: int, ordinary: int, seed: int) -> int:
    """Write the dump: the long record in the middle of the ordinary ones; its length."""
    text = long_text(chars, seed=seed)
    with path.open("w", encoding="utf-8") as fh:
        for i, article in enumerate(generate(ordinary, seed=seed)):
            if i == ordinary // 2:
                record = {"id": LONG_ID, "published": "2025-06-30", "lang": "fr", "text": text}
                fh.write(json.dumps(record, ensure_ascii=False) + "\n")
            fh.write(json.dumps(article.record(), ensure_ascii=False) + "\n")
        if ordinary == 0:
            record = {"id": LONG_ID, "published": "2025-06-30", "lang": "fr", "text": text}
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    return len(text)


def run(dump: Path, out: Path, *, workers: int) -> dict[str, Any]:
    """Run newsfacts on ``dump``; exit code, wall time, peak RSS and what it wrote."""
    cmd = [sys.executable, "-m", "pipeline", "run", str(dump), "--out", str(out), "--quiet"]
    cmd += ["--workers", str(workers)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    proc = subprocess.run(cmd, check=False, capture_output=True, text=True)
    wall = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    result: dict[str, Any] = {
        "exit": proc.returncode,
        "wall_s": round(wall, 1),
        "peak_rss_mb": round(max(peak, before) / 1024),
    }
    if proc.returncode != 0:
        result["stderr"] = proc.stderr[-2000:]
    articles = out / "articles.jsonl"
    if articles.is_file():
        rows = [json.loads(line) for line in articles.read_text(encoding="utf-8").splitlines()]
        result["articles_lines"] = len(rows)
        result["statuses"] = {s: sum(r["status"] == s for r in rows) for s in ("ok", "quarantined")}
        long_row = next((r for r in rows if r["article_id"] == LONG_ID), None)
        if long_row is not None:
            keys = ("status", "reason", "n_mentions", "n_facts")
            result["long_record"] = {k: long_row.get(k) for k in keys}
    meta = out / "run.json"
    if meta.is_file():
        result["timings_s"] = json.loads(meta.read_text(encoding="utf-8")).get("timings_seconds")
    return result


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chars", type=int, default=3_000_000, help="length of the long record")
    parser.add_argument("--ordinary", type=int, default=300, help="ordinary records around it")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--keep", type=Path, default=None, help="keep the dump and run here")
    args = parser.parse_args(argv)
    folder = args.keep or Path(tempfile.mkdtemp(prefix="newsfacts-long-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        dump = folder / "dump.jsonl"
        chars = write_dump(dump, chars=args.chars, ordinary=args.ordinary, seed=args.seed)
        print(f"dump: {args.ordinary} ordinary records and one of {chars:,} characters")
        result = run(dump, folder / "out", workers=args.workers)
        print(json.dumps(result, indent=2, ensure_ascii=False))
        expected = args.ordinary + 1
        ok = result["exit"] == 0 and result.get("articles_lines") == expected
        print(f"{'PASS' if ok else 'FAIL'}: exit 0 and {expected} lines in articles.jsonl")
        return 0 if ok else 1
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
