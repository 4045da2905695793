"""The work file: a kill mid-write leaves a partial last line, which resuming cuts."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline import checkpoint as checkpoint_module
from pipeline.checkpoint import Checkpoint, work_line


def _work_file(out: Path, data: bytes) -> Path:
    path = out / ".newsfacts-work" / Checkpoint.NAME
    path.parent.mkdir(parents=True)
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("data", "kept"),
    [
        (b'{"a":1}\n{"b":2}\n', b'{"a":1}\n{"b":2}\n'),
        (b'{"a":1}\n{"b":', b'{"a":1}\n'),
        (b'{"b":', b""),
        (b"", b""),
    ],
    ids=["complete", "partial-tail", "only-partial", "empty"],
)
def test_resume_keeps_the_complete_lines(tmp_path: Path, data: bytes, kept: bytes) -> None:
    path = _work_file(tmp_path, data)
    Checkpoint(tmp_path, resume=True)
    assert path.read_bytes() == kept


def test_a_partial_line_longer_than_a_read_block_is_cut(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(checkpoint_module, "_TAIL_BLOCK", 4)
    complete = work_line('{"row":{"article_id":"a"}}')
    path = _work_file(tmp_path, complete + b'{"row":{"article_id":"b","text":"' + b"x" * 50)
    ckpt = Checkpoint(tmp_path, resume=True)
    assert path.read_bytes() == complete
    assert _ids(ckpt) == {"a"}


def test_appends_after_a_cut_start_on_a_fresh_line(tmp_path: Path) -> None:
    _work_file(tmp_path, work_line('{"row":{"article_id":"a"}}') + b'{"row":{"art')
    ckpt = Checkpoint(tmp_path, resume=True)
    ckpt.append_line('{"row":{"article_id":"b"}}')
    ckpt.close()
    assert _ids(ckpt) == {"a", "b"}


def test_a_fresh_run_starts_an_empty_file(tmp_path: Path) -> None:
    _work_file(tmp_path, b'{"row":{"article_id":"a"}}\n')
    ckpt = Checkpoint(tmp_path, resume=False)
    assert _ids(ckpt) == set()


def _ids(ckpt: Checkpoint) -> set[str]:
    """The ids ``ckpt.done_ids()`` holds, among those these tests write."""
    done = ckpt.done_ids()
    found = {aid for aid in ("a", "b", "c") if aid in done}
    assert len(done) == len(found)
    return found
