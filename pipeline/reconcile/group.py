"""Reconciliation: claims → canonical facts and typed, explained conflicts.

Claims are grouped by (canonical subject, predicate, dimension), the dimension being
the normalized unit (``USD`` for money at the run's currency, ``MW``, ``gpu``...).
Inside a group, agreeing claims form candidates (:mod:`~pipeline.reconcile.agree`);
one candidate gives a ``single`` fact (one independent source) or an ``agreed`` one
(several); two or more give one ``conflict`` fact whose conflict is typed
(:mod:`~pipeline.reconcile.conflict_types`) before the value is chosen
(:mod:`~pipeline.reconcile.choose`).

Independent sources: a claim's source is ``duplicates[article_id]`` when a
near-duplicate map is given (see :func:`~pipeline.reconcile.duplicates.duplicate_groups`),
else its ``source_key``, else its article id.

Streaming: :func:`reconcile_groups` takes blocks of claims (all claims about one subject
together, e.g. claims sorted by subject) and yields each block's facts without
holding the others; :func:`reconcile` clusters subject names over all claims, then
feeds :func:`reconcile_groups` one block per canonical subject.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence

from rapidfuzz import fuzz

from pipeline.errors import Errors, ReconciliationError
from pipeline.reconcile.agree import specificity, split_candidates, spread
from pipeline.reconcile.choose import DEFAULT_RELIABILITY, choose, confidence
from pipeline.reconcile.conflict_types import classify
from pipeline.reconcile.explain import explain
from pipeline.reconcile.ids import conflict_id, fact_id
from pipeline.reconcile.model import (
    Alternative,
    Candidate,
    Conflict,
    ConflictType,
    Fact,
    Reconciled,
    Resolution,
)
from pipeline.reconcile.subjects import AliasTable, cluster_subjects, subject_key
from pipeline.types import Claim, Qualifiers, Status

__all__ = ["Resolved", "make_candidate", "reconcile", "reconcile_groups", "resolve_group"]

Resolved = tuple[Fact, Conflict | None]
Scorer = Callable[..., float]


def _source_of(claim: Claim, duplicates: Mapping[str, str] | None) -> str:
    article = claim.evidence.article_id
    if duplicates is not None and article in duplicates:
        return duplicates[article]
    return claim.source_key or article


def _reliability_of(claim: Claim, table: Mapping[str, float] | None) -> float:
    if table is None:
        return 1.0
    for key in (claim.source_key, claim.evidence.article_id):
        if key is not None and key in table:
            return table[key]
    return DEFAULT_RELIABILITY


def _common(values: Iterable[str | None]) -> str | None:
    """The most frequent non-null value (ties: the smallest), or ``None``."""
    counts: dict[str, int] = {}
    for v in values:
        if v is not None:
            counts[v] = counts.get(v, 0) + 1
    if not counts:
        return None
    return min(counts, key=lambda v: (-counts[v], v))


def _merge_qualifiers(rep: Claim, claims: Sequence[Claim]) -> Qualifiers:
    q = rep.qualifiers
    if len(claims) == 1:
        return q
    quals = [c.qualifiers for c in claims]
    stage = q.stage
    if stage is None:
        common = _common(x.stage for x in quals)
        stage = next((x.stage for x in quals if x.stage == common), None)
    return Qualifiers(
        stage=stage,
        time=q.time if q.time is not None else _common(x.time for x in quals),
        approx=q.approx,
        bound=q.bound,
        counterparty=q.counterparty or _common(x.counterparty for x in quals),
        location=q.location or _common(x.location for x in quals),
        scope=q.scope or _common(x.scope for x in quals),
    )


def make_candidate(
    claims: Sequence[Claim],
    *,
    duplicates: Mapping[str, str] | None = None,
    source_reliability: Mapping[str, float] | None = None,
) -> Candidate:
    """One candidate from agreeing claims (given in :func:`claim_sort_key` order)."""
    if len(claims) == 1:
        return _single_candidate(claims[0], duplicates, source_reliability)
    specs = [specificity(c) for c in claims]
    best = max(
        range(len(claims)),
        key=lambda i: (specs[i], claims[i].published or "", claims[i].confidence, -i),
    )
    rep = claims[best]
    claim_sources = tuple(_source_of(c, duplicates) for c in claims)
    reliability: dict[str, float] = {}
    for claim, source in zip(claims, claim_sources, strict=True):
        weight = _reliability_of(claim, source_reliability)
        if weight >= reliability.get(source, -1.0):
            reliability[source] = weight
    support = float(len(reliability)) if source_reliability is None else sum(reliability.values())
    published = [c.published for c in claims if c.published is not None]
    return Candidate(
        value=rep.normalized.value,
        value_max=rep.normalized.value_max,
        unit=rep.normalized.unit,
        representative=rep,
        claims=tuple(claims),
        claim_sources=claim_sources,
        qualifiers=_merge_qualifiers(rep, claims),
        support=support,
        sources=tuple(sorted(reliability)),
        articles=tuple(sorted({c.evidence.article_id for c in claims})),
        specificity=max(specs),
        published=max(published) if published else None,
        reliability=max(reliability.values()),
    )


def _single_candidate(
    claim: Claim,
    duplicates: Mapping[str, str] | None,
    source_reliability: Mapping[str, float] | None,
) -> Candidate:
    """:func:`make_candidate` for one claim: the same result, without the bookkeeping."""
    source = _source_of(claim, duplicates)
    weight = _reliability_of(claim, source_reliability)
    return Candidate(
        value=claim.normalized.value,
        value_max=claim.normalized.value_max,
        unit=claim.normalized.unit,
        representative=claim,
        claims=(claim,),
        claim_sources=(source,),
        qualifiers=claim.qualifiers,
        support=1.0 if source_reliability is None else weight,
        sources=(source,),
        articles=(claim.evidence.article_id,),
        specificity=specificity(claim),
        published=claim.published,
        reliability=weight,
    )


def _alternative(c: Candidate) -> Alternative:
    rep = c.representative
    return Alternative(
        value=rep.value,
        value_max=rep.value_max,
        unit=rep.unit,
        qualifiers=c.qualifiers,
        evidence=c.evidence,
    )


def resolve_group(
    claims: Sequence[Claim],
    *,
    subject: str,
    key: str,
    duplicates: Mapping[str, str] | None = None,
    source_reliability: Mapping[str, float] | None = None,
) -> Resolved:
    """The fact (and conflict, if any) of one group: same subject, predicate, dimension.

    ``key`` is the subject key the fact id is derived from.
    """
    runs = split_candidates(claims)
    candidates = [
        make_candidate(run, duplicates=duplicates, source_reliability=source_reliability)
        for run in runs
    ]
    first = claims[0]
    predicate, dimension = first.predicate, first.normalized.unit
    fid = fact_id(key, predicate, dimension)
    subject_type = _common(c.subject_type for c in claims) or first.subject_type
    all_claims = tuple(c for run in runs for c in run)
    conflict: Conflict | None = None
    status: Status
    ctype: ConflictType | None
    if len(candidates) == 1:
        chosen = 0
        status = "single" if len(candidates[0].sources) == 1 else "agreed"
        conf = confidence(candidates, 0, None)
        ctype = None
    else:
        typing = classify(candidates)
        choice = choose(candidates, typing)
        chosen, status, ctype = choice.index, "conflict", typing.type
        conf = confidence(candidates, chosen, ctype)
        sentence = explain(
            ctype,
            candidates,
            chosen,
            reasons=choice.reasons,
            predicate=predicate,
            notes=typing.notes,
        )
        conflict = Conflict(
            conflict_id=conflict_id(fid),
            fact_id=fid,
            subject=subject,
            predicate=predicate,
            unit=dimension,
            type=ctype,
            candidates=tuple(candidates),
            resolution=Resolution(
                value=candidates[chosen].value,
                rule=f"{ctype}/{choice.criterion}",
                explanation=sentence,
            ),
            spread=spread(c.value for c in candidates),
            notes=typing.notes,
        )
    pick = candidates[chosen]
    rep = pick.representative
    fact = Fact(
        fact_id=fid,
        subject=subject,
        subject_type=subject_type,
        predicate=predicate,
        value=rep.value,
        value_max=rep.value_max,
        unit=rep.unit,
        normalized=rep.normalized,
        qualifiers=pick.qualifiers,
        status=status,
        confidence=conf,
        evidence=pick.evidence,
        alternatives=tuple(_alternative(c) for i, c in enumerate(candidates) if i != chosen),
        claims=all_claims,
        conflict_type=ctype,
    )
    return fact, conflict


def _check_claim(claim: Claim) -> None:
    for v in (claim.normalized.value, claim.normalized.value_max):
        if v is not None and not math.isfinite(v):
            raise ReconciliationError(
                Errors.E352.format(value=v, subject=claim.subject, predicate=claim.predicate)
            )


def _check_reliability(table: Mapping[str, float] | None) -> None:
    for source, value in (table or {}).items():
        if not 0.0 <= value <= 1.0:
            raise ReconciliationError(Errors.E351.format(source=source, value=value))


def reconcile_groups(
    groups: Iterable[Sequence[Claim]],
    *,
    scorer: Scorer = fuzz.token_sort_ratio,
    source_reliability: Mapping[str, float] | None = None,
    duplicates: Mapping[str, str] | None = None,
    aliases: AliasTable | None = None,
    subjects: Mapping[str, str] | None = None,
) -> Iterator[Resolved]:
    """Facts and conflicts of each block of claims, block after block.

    A block must hold every claim about its subjects (claims sorted by subject, cut
    where the subject changes). Subject names are canonicalised with ``subjects``
    (surface → canonical, e.g. from :func:`cluster_subjects` over all names) or, when
    absent or incomplete, by clustering the block's own names. Within a block, facts
    come sorted by ``fact_id``.
    """
    _check_reliability(source_reliability)
    for block in groups:
        if not block:
            continue
        known = subjects or {}
        missing = [c.subject for c in block if c.subject not in known]
        local = cluster_subjects(missing, scorer=scorer, aliases=aliases) if missing else {}
        buckets: dict[tuple[str, str, str], list[Claim]] = defaultdict(list)
        shown: dict[str, str] = {}
        keys: dict[str, str] = {}
        for claim in block:
            _check_claim(claim)
            canonical = known.get(claim.subject) or local[claim.subject]
            key = keys.get(canonical)
            if key is None:
                key = keys[canonical] = subject_key(canonical) or canonical.casefold()
            shown.setdefault(key, canonical)
            buckets[(key, claim.predicate, claim.normalized.unit)].append(claim)
        resolved = [
            resolve_group(
                claims,
                subject=shown[gkey[0]],
                key=gkey[0],
                duplicates=duplicates,
                source_reliability=source_reliability,
            )
            for gkey, claims in buckets.items()
        ]
        yield from sorted(resolved, key=lambda r: r[0].fact_id)


def reconcile(
    claims: Iterable[Claim],
    *,
    scorer: Scorer = fuzz.token_sort_ratio,
    source_reliability: Mapping[str, float] | None = None,
    duplicates: Mapping[str, str] | None = None,
    aliases: AliasTable | None = None,
) -> Reconciled:
    """The canonical fact set of ``claims`` and its conflicts, sorted by ``fact_id``.

    Deterministic: the order of ``claims`` does not change the result.
    """
    items = list(claims)
    names = cluster_subjects((c.subject for c in items), scorer=scorer, aliases=aliases)
    blocks: dict[str, list[Claim]] = defaultdict(list)
    for claim in items:
        blocks[names[claim.subject]].append(claim)
    resolved = list(
        reconcile_groups(
            (blocks[k] for k in sorted(blocks)),
            scorer=scorer,
            source_reliability=source_reliability,
            duplicates=duplicates,
            aliases=aliases,
            subjects=names,
        )
    )
    resolved.sort(key=lambda r: r[0].fact_id)
    return Reconciled(
        facts=[fact for fact, _ in resolved],
        conflicts=[conflict for _, conflict in resolved if conflict is not None],
    )
