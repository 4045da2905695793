"""Reading hostile dumps stays bounded: peak memory and time of ingest alone.

Each case writes one input file, then reads it in a fresh Python process with
``pipeline.ingest.iter_articles`` and reports the records read, the wall time of the
reading and the peak resident memory of that process (``VmHWM`` from
``/proc/self/status``, which starts afresh at ``exec``; ``ru_maxrss`` where there is no
``/proc``); the reading time is given as wall and as CPU time (steadier on a shared
machine)::

    python benchmarks/ingest_bounds.py                 # every case
    python benchmarks/ingest_bounds.py --cases line-400mb tiny-gz

Cases:

* ``line-400mb``, ``line-50mb``, ``line-400mb-gz``: one JSON line of that size between
  50 ordinary lines on each side; it is quarantined (too large), the 100 others read.
* ``text-400mb``: a ``.txt`` file of 400 MB, one quarantine.
* ``tiny-gz``: a ``.jsonl.gz`` of 100,000 tiny records with distinct ids;
  ``tiny-gz-same``: 100,000 tiny records without ids and with one text (one id, made
  unique 100,000 times).
* ``newline-bomb``: a ``.jsonl.gz`` inflating to 500 MB of bare newlines, then one record.
* ``binary-line``: one UTF-16 line among 100 JSON lines, at the top of the file.
"""

from __future__ import annotations

import argparse
import gzip
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

MB = 1_000_000
_BLOCK = 1 << 20

# Run in the child: read every record, print one JSON line of figures.
_CHILD = """
import json, resource, sys, time
from collections import Counter
from pathlib import Path
from pipeline.ingest import iter_articles
from pipeline.types import Quarantine

started, cpu = time.perf_counter(), time.process_time()
reasons = Counter()
n = 0
for record in iter_articles([Path(sys.argv[1])]):
    n += 1
    if isinstance(record, Quarantine):
        reasons[record.reason.split(":")[0]] += 1
seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
try:
    status = Path("/proc/self/status").read_text()
    peak = next(int(l.split()[1]) for l in status.splitlines() if l.startswith("VmHWM:"))
except (OSError, StopIteration):
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"records": n, "quarantined": dict(reasons), "seconds": seconds,
                  "cpu": cpu, "peak_mb": peak / 1024}))
"""


def _good(n: int, start: int = 0) -> bytes:
    return b"".join(
        json.dumps({"id": f"g{i}", "text": f"Article {i} : un texte ordinaire."}).encode() + b"\n"
        for i in range(start, start + n)
    )


def _lines_around(write: Callable[[bytes], object], size: int) -> None:
    """50 ordinary lines, one JSON line of about ``size`` bytes (written a block at a
    time), 50 ordinary lines."""
    write(_good(50))
    write(b'{"id": "big", "text": "')
    block = b"abcdefghij" * (_BLOCK // 10)
    left = size - 30
    while left > 0:
        write(block[: min(left, len(block))])
        left -= len(block)
    write(b'"}\n')
    write(_good(50, 50))


def _line_file(size: int, *, compressed: bool) -> Callable[[Path], Path]:
    def write(folder: Path) -> Path:
        if compressed:
            path = folder / "long.jsonl.gz"
            with gzip.open(path, "wb", compresslevel=1) as zipped:
                _lines_around(zipped.write, size)
        else:
            path = folder / "long.jsonl"
            with path.open("wb") as out:
                _lines_around(out.write, size)
        return path

    return write


def _text_file(size: int) -> Callable[[Path], Path]:
    def write(folder: Path) -> Path:
        path = folder / "huge.txt"
        block = b"Un texte sans fin. " * (_BLOCK // 19)
        with path.open("wb") as out:
            left = size
            while left > 0:
                out.write(block[: min(left, len(block))])
                left -= len(block)
        return path

    return write


def _tiny_gz(*, same: bool) -> Callable[[Path], Path]:
    def write(folder: Path) -> Path:
        path = folder / "tiny.jsonl.gz"
        with gzip.open(path, "wb") as out:
            for i in range(100_000):
                obj = {"text": "Bref."} if same else {"id": f"t{i}", "text": f"Bref {i}."}
                out.write(json.dumps(obj).encode() + b"\n")
        return path

    return write


def _newline_bomb(folder: Path) -> Path:
    path = folder / "bomb.jsonl.gz"
    with gzip.open(path, "wb", compresslevel=9) as out:
        block = b"\n" * _BLOCK
        for _ in range(500 * MB // _BLOCK):
            out.write(block)
        out.write(_good(1))
    return path


def _binary_line(folder: Path) -> Path:
    path = folder / "utf16.jsonl"
    bad = json.dumps({"id": "u", "text": "UTF-16"}).encode("utf-16") + b"\n"
    path.write_bytes(bad + _good(100))
    return path


CASES: dict[str, Callable[[Path], Path]] = {
    "line-50mb": _line_file(50 * MB, compressed=False),
    "line-400mb": _line_file(400 * MB, compressed=False),
    "line-400mb-gz": _line_file(400 * MB, compressed=True),
    "text-400mb": _text_file(400 * MB),
    "tiny-gz": _tiny_gz(same=False),
    "tiny-gz-same": _tiny_gz(same=True),
    "newline-bomb": _newline_bomb,
    "binary-line": _binary_line,
}


def measure(name: str, folder: Path) -> dict[str, object]:
    """Write the case's file, read it in a child process, return its figures."""
    path = CASES[name](folder)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(path)], check=True, capture_output=True, text=True
    )
    figures: dict[str, object] = json.loads(done.stdout)
    figures["wall"] = time.perf_counter() - started
    figures["file_mb"] = path.stat().st_size / MB
    path.unlink()
    return figures


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--cases", nargs="+", choices=sorted(CASES), default=list(CASES))
    parser.add_argument("--tmp", type=Path, default=None, help="folder for the input files")
    args = parser.parse_args(argv)
    print("| case | file MB | records | quarantined | read s (wall) | read s (CPU) | peak RSS MB |")
    print("|---|---:|---:|---|---:|---:|---:|")
    with tempfile.TemporaryDirectory(prefix="newsfacts-ingest-", dir=args.tmp) as tmp:
        for name in args.cases:
            r = measure(name, Path(tmp))
            print(
                f"| {name} | {r['file_mb']:,.1f} | {r['records']:,} | {r['quarantined']} "
                f"| {r['seconds']:.2f} | {r['cpu']:.2f} | {r['peak_mb']:,.0f} |",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
