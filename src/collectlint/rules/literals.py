"""Literals that every match of a regular expression must contain.

The prefilter runs one Aho–Corasick pass for the literals of all rules; a regex
rule is evaluated only where one of its required literals occurs. The derivation
walks the parsed pattern: a literal run is required as is; an alternation requires
one of the requirements of its branches; a repeat with a minimum of one requires
what its body requires; a group what its content requires. Of the requirements of a
sequence the most selective is kept. `None` means no literal is required, and such a
rule runs everywhere.
"""

from __future__ import annotations

try:  # Python 3.11+
    from re import _constants as sre_constants
    from re import _parser as sre_parse
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants  # type: ignore[no-redef]
    import sre_parse  # type: ignore[no-redef]

Requirement = frozenset[str] | None

_MAX_CLASS = 12  # a character class of up to this many literal characters counts as literals


def required_literals(pattern: str) -> Requirement:
    try:
        parsed = sre_parse.parse(pattern)
    except Exception:  # syntax only the `regex` package knows: run the rule everywhere
        return None
    req = _sequence(list(parsed))
    if req is None or not req or any(not s for s in req):
        return None
    return frozenset(s.lower() for s in req)


def _better(a: Requirement, b: Requirement) -> Requirement:
    """The more selective requirement: longer shortest literal, then fewer literals."""
    if a is None:
        return b
    if b is None:
        return a
    key_a = (min(map(len, a)), -len(a))
    key_b = (min(map(len, b)), -len(b))
    return a if key_a >= key_b else b


def _sequence(items: list) -> Requirement:
    best: Requirement = None
    run: list[str] = []
    for op, av in items:
        if op is sre_constants.LITERAL:
            run.append(chr(av))
            continue
        if run:
            best = _better(best, frozenset(["".join(run)]))
            run = []
        best = _better(best, _item(op, av))
    if run:
        best = _better(best, frozenset(["".join(run)]))
    return best


def _item(op, av) -> Requirement:
    if op is sre_constants.SUBPATTERN:
        return _sequence(list(av[-1]))
    if op is sre_constants.BRANCH:
        union: set[str] = set()
        for branch in av[1]:
            req = _sequence(list(branch))
            if req is None:
                return None
            union |= req
        return frozenset(union)
    if op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT) or (
        hasattr(sre_constants, "POSSESSIVE_REPEAT") and op is sre_constants.POSSESSIVE_REPEAT
    ):
        low, _high, body = av
        return _sequence(list(body)) if low >= 1 else None
    if op is sre_constants.IN:
        chars = [chr(v) for o, v in av if o is sre_constants.LITERAL]
        if len(chars) == len(av) and 0 < len(chars) <= _MAX_CLASS:
            return frozenset(chars)
        return None
    if op is getattr(sre_constants, "ATOMIC_GROUP", None):
        return _sequence(list(av))
    return None  # assertions, anchors, ANY, categories, backreferences: nothing required
