"""Entity spans from names: every whole-word occurrence, longest name first.

Used to annotate a text from a short list of entity strings (the offsets are computed,
never typed by hand) and to pre-annotate subjects in an exported run.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from pipeline.train.annotations import AnnotatedSpan

__all__ = ["name_spans"]

_WORD = r"[^\W_]"


def _pattern(name: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!{_WORD}){re.escape(name)}(?!{_WORD})")


def name_spans(
    text: str, names: Mapping[str, Iterable[str]], *, taken: Iterable[tuple[int, int]] = ()
) -> list[AnnotatedSpan]:
    """Spans labelled with their key in ``names`` for every occurrence in ``text``.

    Longer names win over the names they contain ("Amazon Web Services" over "Amazon");
    a span never overlaps another one or a range in ``taken``.
    """
    pairs = sorted(
        {(str(n), str(label)) for label, ns in names.items() for n in ns if str(n).strip()},
        key=lambda p: (-len(p[0]), p[0], p[1]),
    )
    used = [(a, b) for a, b in taken]
    out: list[AnnotatedSpan] = []
    for name, label in pairs:
        for m in _pattern(name).finditer(text):
            a, b = m.start(), m.end()
            if any(a < y and x < b for x, y in used):
                continue
            used.append((a, b))
            out.append(AnnotatedSpan(a, b, text[a:b], label))
    return sorted(out, key=lambda s: (s.start, s.end))
