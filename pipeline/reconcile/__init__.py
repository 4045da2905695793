"""pipeline.reconcile: claims from many articles → one canonical fact set.

Pure functions over typed data (no spaCy). Entry points: :func:`reconcile`,
:func:`reconcile_groups` (streaming, block by block), :func:`fact_to_json`,
:func:`conflict_to_json`, :func:`article_fingerprint`, :func:`duplicate_groups`,
:func:`cluster_subjects`. The rules are documented in the modules: agreement in
:mod:`.agree`, conflict types in :mod:`.conflict_types`, the choice and confidence in
:mod:`.choose`, subject clustering in :mod:`.subjects`.
"""

from pipeline.reconcile.duplicates import article_fingerprint, duplicate_groups
from pipeline.reconcile.group import reconcile, reconcile_groups
from pipeline.reconcile.model import (
    CONFLICT_TYPES,
    Alternative,
    Candidate,
    Conflict,
    ConflictType,
    Fact,
    Reconciled,
    Resolution,
)
from pipeline.reconcile.serialize import conflict_to_json, fact_to_json
from pipeline.reconcile.subjects import cluster_subjects

__all__ = [
    "CONFLICT_TYPES",
    "Alternative",
    "Candidate",
    "Conflict",
    "ConflictType",
    "Fact",
    "Reconciled",
    "Resolution",
    "article_fingerprint",
    "cluster_subjects",
    "conflict_to_json",
    "duplicate_groups",
    "fact_to_json",
    "reconcile",
    "reconcile_groups",
]
