"""IdSet: the ids given, and only those, however many levels they were sorted into."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline import idset
from pipeline.idset import IdSet


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.text(max_size=12), max_size=60),
    st.lists(st.text(max_size=12), max_size=60),
    st.sampled_from([1, 2, 3, 7, 65_536]),
)
def test_an_id_set_holds_exactly_the_ids_added(
    added: list[str], others: list[str], freeze: int
) -> None:
    """With ``freeze`` digests a level, from one level per id to none."""
    with pytest.MonkeyPatch.context() as m:
        m.setattr(idset, "_FREEZE", freeze)
        ids = IdSet(added)
        assert len(ids) == len(set(added))
        assert all(aid in ids for aid in added)
        assert not any(aid in ids for aid in others if aid not in added)
        for aid in others:
            ids.add(aid)
        assert len(ids) == len(set(added) | set(others))
        assert all(aid in ids for aid in (*added, *others))
    assert 3 not in ids


def test_levels_are_merged_as_they_fill(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(idset, "_FREEZE", 4)
    ids = IdSet(f"a{i}" for i in range(1000))
    assert len(ids) == 1000
    # Levels at least double from one to the next: a lookup searches about log2 of them.
    sizes = [highs.size for highs, _ in ids._levels]
    assert len(sizes) <= 10
    assert all(a > b for a, b in itertools.pairwise(sizes))
    assert "a999" in ids
    assert "a1000" not in ids
