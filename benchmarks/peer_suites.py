"""Score the extractors against the peer test suites and print the results table.

Usage, from the project root:
``python -m benchmarks.peer_suites [--suites DIR] [--failures DIR] [--markdown] [--update-readme]``

Writes, for each suite with failing cases, ``<failures>/peer_failures_<suite>.txt``
(default: the system temporary folder); ``--update-readme`` rewrites the table between
the markers of ``benchmarks/README.md`` and the committed ``benchmarks/peer_results.json``
(``--out FILE`` writes the JSON elsewhere), so a plain run leaves the tree untouched.
The scope rules are in ``pipeline/evaluate/peers.py`` and ``benchmarks/README.md``.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from pipeline.evaluate.peers import SuiteResult, failure_report, project_extractors, run_all

HERE = Path(__file__).resolve().parent
DEFAULT_SUITES = HERE.parent.parent / "shared" / "peer-suites"
README = HERE / "README.md"
START, END = "<!-- peer-results:start -->", "<!-- peer-results:end -->"


def table(results: list[SuiteResult], *, markdown: bool) -> str:
    """The results as an aligned text table, or a Markdown one."""
    header = ("suite", "in scope", "out of scope", "correct", "accuracy")
    rows = [
        (
            r.suite,
            str(r.in_scope),
            str(r.out_of_scope),
            str(r.correct),
            f"{r.accuracy:.1%}" if r.in_scope else "— (none in scope)",
        )
        for r in results
    ]
    if markdown:
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        lines += ["| `" + r[0] + "` | " + " | ".join(r[1:]) + " |" for r in rows]
        return "\n".join(lines)
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def line(row: tuple[str, ...]) -> str:
        cells = zip(row, widths, strict=True)
        return "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(cells))

    return "\n".join(line(row) for row in [header, *rows])


def update_readme(path: Path, block: str) -> None:
    """Replace the text between the result markers of ``path`` with ``block``."""
    text = path.read_text(encoding="utf-8")
    head, sep, rest = text.partition(START)
    _, sep_end, tail = rest.partition(END)
    if not sep or not sep_end:
        raise SystemExit(f"{path.name} has no {START} ... {END} markers")
    path.write_text(f"{head}{START}\n{block}\n{END}{tail}", encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suites", type=Path, default=DEFAULT_SUITES)
    parser.add_argument("--failures", type=Path, default=Path(tempfile.gettempdir()))
    parser.add_argument("--out", type=Path, default=None, help="write the results as JSON")
    parser.add_argument("--markdown", action="store_true")
    parser.add_argument("--update-readme", action="store_true")
    args = parser.parse_args()

    extractors = project_extractors()
    t0 = time.perf_counter()
    results = run_all(args.suites, extractors=extractors)
    seconds = time.perf_counter() - t0

    print(table(results, markdown=args.markdown))
    cases = sum(r.in_scope for r in results)
    print(f"\n{cases} in-scope cases scored in {seconds:.1f} s")
    for err in extractors.errors:
        print(f"unavailable: {err}")

    args.failures.mkdir(parents=True, exist_ok=True)
    for r in results:
        if r.failures:
            (args.failures / f"peer_failures_{r.suite}.txt").write_text(
                failure_report(r), encoding="utf-8"
            )
    payload = {
        "suites": [r.as_dict() for r in results],
        "in_scope_cases": cases,
        "seconds": round(seconds, 2),
        "unavailable": list(extractors.errors),
    }
    if args.update_readme:
        unavailable = "".join(f"\n\nUnavailable when measured: {e}." for e in extractors.errors)
        note = f"\n\n{cases} in-scope cases, scored in {seconds:.1f} s.{unavailable}"
        update_readme(README, table(results, markdown=True) + note)
    out = args.out or (HERE / "peer_results.json" if args.update_readme else None)
    if out is not None:
        out.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
