"""Stable identifiers: a fact is named by what it is about, never by where it was read.

``fact_id`` hashes (subject key, predicate, dimension) with BLAKE2b, so the same inputs
give the same ids whatever the order or the number of articles; ``conflict_id`` is
derived from the ``fact_id``.
"""

from __future__ import annotations

from hashlib import blake2b

__all__ = ["conflict_id", "fact_id"]

_SEP = "\x1f"


def _digest(text: str) -> str:
    return blake2b(text.encode("utf-8"), digest_size=8).hexdigest()


def fact_id(subject_key: str, predicate: str, dimension: str) -> str:
    """``f_`` + 16 hex digits of the hash of the group key."""
    return "f_" + _digest(_SEP.join((subject_key, predicate, dimension)))


def conflict_id(fact_id_: str) -> str:
    """``c_`` + 16 hex digits derived from the fact id."""
    return "c_" + _digest("conflict" + _SEP + fact_id_)
