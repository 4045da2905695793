"""Facts: figures (mentions) become claims about a subject.

Public API::

    subject_patterns(lang) -> list[dict]          # EntityRuler patterns from the gazetteer
    canonical_name(name, lang) -> str              # "d’OpenAI" -> "OpenAI"
    build_claims(doc, article, mentions, *, lang) -> list[Claim]

Words live in ``pipeline/lang/<xx>/{subjects,predicates,stages}.yaml``; language-neutral
data (the gazetteer, the predicate weights) in ``pipeline/facts/data/``.
"""

from __future__ import annotations

from pipeline.facts.build import build_claims
from pipeline.facts.names import canonical_name, subject_patterns

__all__ = ["build_claims", "canonical_name", "subject_patterns"]
