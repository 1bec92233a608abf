"""Literals that every match of a regular expression must contain, and how selective a
set of literals is.

The prefilter runs one Aho–Corasick pass for the literals of all rules; a regex rule
is evaluated only where one of its required literals occurs. The derivation walks
the parsed pattern. Runs of elements that can only match a few fixed strings
(literals, small character classes, alternations of literals, optional parts) are
expanded into the set of strings they match, so `(?:去|到)(?:你|你们)` requires one of
去你, 到你, 去你们, 到你们 rather than the far too common 你. An alternation requires one
of its branches' requirements; a repeat with a minimum of one, what its body requires.
Of the requirements found along a sequence the most selective is kept. `None` means
no literal is required, and such a rule runs everywhere.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from collectlint.cachefiles import write_atomically

try:  # Python 3.11+
    from re import _constants as sre_constants
    from re import _parser as sre_parse
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants  # type: ignore[no-redef]
    import sre_parse  # type: ignore[no-redef]

Requirement = frozenset[str] | None
# Every literal set a match draws from, one string of each: 去你家.{0,6}(?:砸|烧) has
# (去你家,) and (砸, 烧). A pattern whose conditions are not all met cannot match.
Conditions = tuple[frozenset[str], ...]
# The alternatives of a pattern that is one alternation at the top, each with what it
# requires (the most selective of its conditions) and all its conditions.
Branches = tuple[tuple[str, Requirement, Conditions], ...] | None
_MAX_EXPANSION = 64  # strings an expanded run may stand for
_REPEAT_OPS = tuple(
    op for op in (getattr(sre_constants, n, None) for n in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"))
    if op is not None
)


class PatternError(ValueError):
    """A pattern that is not a regular expression at all."""


# Syntax of the `regex` package that Python's parser accepts with another meaning: fuzzy
# constraints ((?:别打了){e<=1} would read as the literal text "{e<=1}") and POSIX classes
# ([[:alpha:]] as a set of the characters [:alph).
_REGEX_ONLY_SYNTAX = re.compile(r"(?<!\\)\{\s*(?:\d+\s*)?[eisd]\s*(?:<=?|[}+,:])|\[:\^?[a-z]+:\]")


def parse_pattern(pattern: str) -> Any:
    """The parsed pattern (Python's own parser), None for syntax that only the `regex`
    package knows; raises PatternError for a pattern neither would accept."""
    if _REGEX_ONLY_SYNTAX.search(pattern) and _regex_accepts(pattern):
        return None
    try:
        return sre_parse.parse(pattern)
    except sre_constants.error as exc:
        if _regex_accepts(pattern):
            return None
        raise PatternError(str(exc)) from None
    except Exception:
        return None


def _regex_accepts(pattern: str) -> bool:
    import regex

    try:
        regex.compile(pattern)
    except regex.error:
        return False
    return True


def required_literals(parsed: Any) -> Requirement:
    """Literals every match of the parsed pattern contains; None if none is known."""
    req = _required(list(parsed))
    if not req or any(not s for s in req):
        return None
    return frozenset(s.lower() for s in req)


def required_conditions(parsed: Any) -> Conditions:
    """All the literal sets every match of the parsed pattern draws from (one string of
    each), not only the most selective: a search can be skipped when one is absent."""
    groups = {frozenset(s.lower() for s in req) for req in _requirements(list(parsed))}
    return tuple(sorted(groups, key=lambda g: (len(g), sorted(g))))


# How often the literals of the shipped pack occur in collection speech: the share of the
# collector sentences of the labelled dev corpus that contain each one, as written by
# bench/literal_frequency.py. Length alone misjudges the common words of the trade
# (我们, 电话, 公司, 还款 are more frequent than many single characters), and a rule whose
# trigger is one of them is a candidate in a large share of sentences.
FREQUENCY_FILE = Path(__file__).with_name("literal_frequency.tsv")
# The least share assumed for a literal, by length: also the share of one the table does
# not list (a new rule's, or one too rare to be kept: the table keeps only literals more
# frequent than this, and every single character of the pack).
UNMEASURED = {1: 0.02, 2: 0.002, 3: 0.0005}
UNMEASURED_LONGER = 0.0002


def read_frequency_file() -> bytes:
    try:
        return FREQUENCY_FILE.read_bytes()
    except OSError:  # a checkout without the table: selectivity by length alone
        return b""


def parse_frequencies(data: bytes) -> dict[str, float]:
    table = {}
    for line in data.decode("utf-8").splitlines():
        literal, _, share = line.rpartition("\t")
        if literal and not line.startswith("#"):
            table[literal] = float(share)
    return table


# Read once: the pattern facts' cache is named by these bytes too.
_FREQUENCY_DATA = read_frequency_file()
_FREQUENCY = parse_frequencies(_FREQUENCY_DATA)


def measured(literal: str) -> bool:
    """Whether the table knows how often `literal` occurs."""
    return literal in _FREQUENCY


def share_of(literal: str) -> float:
    """The estimated share of sentences that contain `literal` (lower-cased)."""
    floor = UNMEASURED.get(len(literal), UNMEASURED_LONGER)
    share = _FREQUENCY.get(literal)
    return floor if share is None or share < floor else share


def selectivity(literals: frozenset[str]) -> tuple[float, int, int]:
    """Bigger is rarer: the estimated share of sentences that contain one of the
    literals, then the shortest literal's length (a one-character literal occurs in
    almost every sentence), then fewer literals."""
    share = sum(share_of(lit.lower()) for lit in literals)
    return (-share, min(4, min(map(len, literals))), -len(literals))


def top_level_branches(pattern: str, parsed: Any) -> Branches:
    """The alternatives of `a|b|c` with the literals each requires, when the pattern is
    exactly one alternation and they can be run apart: a regex rule then runs only the
    alternatives whose literals occur, a far smaller pattern (an alternative whose literal
    is absent can match nowhere, so the matches are the same). None when not safe to
    split: inline flags, back-references, or a parse that factored the branches."""
    if pattern.startswith("(?") and not pattern.startswith(("(?:", "(?=", "(?!", "(?<")):
        return None  # inline flags apply to the whole pattern
    if "(?P=" in pattern or "(?(" in pattern or any(f"\\{d}" in pattern for d in "123456789"):
        return None  # group numbers would change
    parts, depth, start, i = [], 0, 0, 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "[":  # a character class: | and ( mean themselves inside
            i += 1
            if i < len(pattern) and pattern[i] == "^":
                i += 1
            if i < len(pattern) and pattern[i] == "]":
                i += 1
            while i < len(pattern) and pattern[i] != "]":
                i += 2 if pattern[i] == "\\" else 1
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
        i += 1
    parts.append(pattern[start:])
    items = list(parsed)
    if len(parts) < 2 or len(items) != 1 or items[0][0] is not sre_constants.BRANCH \
            or len(items[0][1][1]) != len(parts):
        return None
    branches = []
    for part in parts:
        branch = parse_pattern(part)
        if branch is None:
            return None
        branches.append((part, required_literals(branch), required_conditions(branch)))
    return tuple(branches)


Facts = tuple[bool, Requirement, Branches, Conditions]


def derive_facts(pattern: str) -> Facts:
    """(only the `regex` package reads its syntax, the literals it requires, its top-level
    alternatives, all its literal conditions); PatternError for a pattern that is no
    regular expression at all."""
    parsed = parse_pattern(pattern)
    if parsed is None:
        return True, None, None, ()
    required, branches = required_literals(parsed), top_level_branches(pattern, parsed)
    conditions = required_conditions(parsed)
    literals = [*(required or ()), *(lit for group in conditions for lit in group)]
    for _, branch_required, branch_conditions in branches or ():
        literals.extend(branch_required or ())
        literals.extend(lit for group in branch_conditions for lit in group)
    if not all(map(case_safe, literals)):
        # Patterns match ignoring case, but text is lower-cased only in ASCII (É stays É):
        # a literal with a cased letter beyond ASCII may be absent where the pattern
        # matches, so such a pattern gets no literals and runs everywhere.
        return False, None, None, ()
    return False, required, branches, conditions


def completed_list(listed: frozenset[str], required: Requirement, branches: Branches,
                   conditions: Conditions) -> frozenset[str]:
    """An author's `literals:` list with what the pattern shows it lacks: of the literals
    required by each alternative (or by the whole pattern, when it is not split) that
    cannot be shown to hold a listed one, those that hold none. The prefilter may trigger
    on the list, and an alternative without a listed literal would then match only in the
    exhaustive scan. Where the loader derives no literal of the pattern (an alternative
    that requires none, syntax only the `regex` package reads, cased letters beyond
    ASCII), the list is all there is and is trusted."""
    parts = [(req, conds) for _, req, conds in branches] if branches else [(required, conditions)]
    missing: set[str] = set()
    for req, conds in parts:
        if req and not any(_holds_listed(listed, group) for group in (req, *conds)):
            missing.update(lit for lit in req if not _holds_listed(listed, (lit,)))
    return listed | missing if missing else listed


def _holds_listed(listed: frozenset[str], group: Iterable[str]) -> bool:
    """Whether a text that holds one of the `group` of literals holds a listed one: each
    of them contains a listed literal."""
    return all(any(x in literal for x in listed) for literal in group)


def case_safe(literal: str) -> bool:
    """Every character is ASCII or has no other case (Han characters have none)."""
    return literal.isascii() or all(ch.isascii() or ch.upper() == ch.lower() for ch in literal)


class PatternFacts:
    """What loading needs to know of each regex pattern (`derive_facts`), kept in a cache
    file beside jieba's:
    parsing and expanding the rule pack's patterns is most of the time it takes to load,
    and it is the same every run until a pattern or this module changes."""

    FILE = "patterns.json"

    def __init__(self, directory: Path) -> None:
        self.path = directory / self.FILE
        # Entries are valid for this derivation code and this Python's regex parser only.
        source = Path(__file__).read_bytes() + sys.version.encode() + _FREQUENCY_DATA
        self.version = hashlib.sha256(source).hexdigest()[:16]
        self._facts: dict[str, list[Any]] | None = None
        self._changed = False

    def _load(self) -> dict[str, list[Any]]:
        if self._facts is None:
            self._facts = {}
            try:
                data = json.loads(self.path.read_text(encoding="utf-8"))
                if isinstance(data, dict) and data.get("version") == self.version:
                    self._facts = dict(data["patterns"])
            except (OSError, ValueError, KeyError, TypeError):
                pass  # no cache, or an unreadable one: derive again
        return self._facts

    def of(self, pattern: str) -> Facts:
        """`derive_facts(pattern)`, from the file when it is there; PatternError for a
        pattern that is no regular expression at all (never cached)."""
        facts = self._load()
        known = facts.get(pattern)
        if isinstance(known, list) and len(known) == 4:
            branches = None if known[2] is None else tuple(
                (source, None if lits is None else frozenset(lits), _conditions(conditions))
                for source, lits, conditions in known[2])
            return (bool(known[0]), None if known[1] is None else frozenset(known[1]), branches,
                    _conditions(known[3]))
        regex_only, required, branches, conditions = derive_facts(pattern)
        facts[pattern] = [regex_only, None if required is None else sorted(required),
                          None if branches is None else
                          [[source, None if lits is None else sorted(lits), [sorted(g) for g in conds]]
                           for source, lits, conds in branches],
                          [sorted(g) for g in conditions]]
        self._changed = True
        return regex_only, required, branches, conditions

    def save(self) -> None:
        """Write the cache if something new was derived; a cache that cannot be written
        only costs the next run its time."""
        if not self._changed or self._facts is None:
            return
        data = json.dumps({"version": self.version, "patterns": self._facts}, ensure_ascii=False)
        if write_atomically(self.path, data.encode("utf-8")):
            self._changed = False


def _conditions(stored: list[list[str]]) -> Conditions:
    return tuple(frozenset(g) for g in stored)


def _better(a: Requirement, b: Requirement) -> Requirement:
    if not a:
        return b
    if not b:
        return a
    return a if selectivity(a) >= selectivity(b) else b


def _product(a: frozenset[str], b: frozenset[str]) -> frozenset[str] | None:
    if len(a) * len(b) > _MAX_EXPANSION:
        return None
    return frozenset(x + y for x, y in itertools.product(a, b))


def _exact(op, av) -> frozenset[str] | None:
    """All strings an element can match, when they are few and fixed; else None."""
    if op is sre_constants.LITERAL:
        return frozenset([chr(av)])
    if op is sre_constants.IN:
        chars: list[str] = []
        for o, v in av:
            if o is sre_constants.LITERAL:
                chars.append(chr(v))
            elif o is sre_constants.RANGE and v[1] - v[0] < _MAX_EXPANSION:
                chars.extend(chr(c) for c in range(v[0], v[1] + 1))
            else:  # negated sets, categories (\d, \w), large ranges
                return None
        return frozenset(chars) if len(chars) <= _MAX_EXPANSION else None
    if op is sre_constants.SUBPATTERN:
        return _exact_sequence(list(av[-1]))
    if op is sre_constants.BRANCH:
        union = _union(av[1], _exact_sequence)
        return union if union is not None and len(union) <= _MAX_EXPANSION else None
    if op in _REPEAT_OPS:
        low, high, body = av
        strings = _exact_sequence(list(body))
        if strings is None or high > 3:
            return None
        result: set[str] = set()
        for count in range(low, high + 1):
            expanded: frozenset[str] | None = frozenset([""])
            for _ in range(count):
                expanded = _product(expanded, strings) if expanded is not None else None
            if expanded is None:
                return None
            result |= expanded
        return frozenset(result) if len(result) <= _MAX_EXPANSION else None
    return None


def _exact_sequence(items: list) -> frozenset[str] | None:
    strings: frozenset[str] | None = frozenset([""])
    for op, av in items:
        element = _exact(op, av)
        if element is None or strings is None:
            return None
        strings = _product(strings, element)
    return strings


def _required(items: list) -> Requirement:
    """What a sequence requires: the most selective of its expanded runs and of what its
    other elements require."""
    best: Requirement = None
    run: frozenset[str] | None = frozenset([""])
    for op, av in items:
        element = _exact(op, av)
        if element is not None:
            combined = _product(run, element) if run is not None else None
            if combined is not None:
                run = combined
                continue
            best = _better(best, _run_requirement(run))
            run = element
            continue
        best = _better(best, _run_requirement(run))
        run = frozenset([""])
        best = _better(best, _item_requirement(op, av))
    return _better(best, _run_requirement(run))


def _requirements(items: list) -> list[frozenset[str]]:
    """Every requirement along a sequence (the walk of `_required`, keeping them all);
    groups and repeats that must match add their own."""
    found: list[Requirement] = []
    run: frozenset[str] = frozenset([""])
    for op, av in items:
        element = _exact(op, av)
        if element is not None:
            combined = _product(run, element)
            if combined is not None:
                run = combined
                continue
            found.append(_run_requirement(run))
            run = element
            continue
        found.append(_run_requirement(run))
        run = frozenset([""])
        if op is sre_constants.SUBPATTERN:
            found.extend(_requirements(list(av[-1])))
        elif op in _REPEAT_OPS and av[0] >= 1:
            found.extend(_requirements(list(av[2])))
        elif op is getattr(sre_constants, "ATOMIC_GROUP", None):
            found.extend(_requirements(list(av)))
        else:
            found.append(_item_requirement(op, av))
    found.append(_run_requirement(run))
    return [r for r in found if r and "" not in r]


def _union(branches: Any, of: Any) -> frozenset[str] | None:
    """The union of what each branch of an alternation gives; None if one gives nothing."""
    union: set[str] = set()
    for branch in branches:
        part = of(list(branch))
        if not part:
            return None
        union |= part
    return frozenset(union)


def _minimal(strings: frozenset[str]) -> frozenset[str]:
    """The strings that hold no other of the set: a text that has 卡主是我们 has 卡主, so
    {卡主, 卡主是, 卡主是我们} requires no more than {卡主}. Fewer literals to search for
    and to test, and a set's size then says how selective it is."""
    kept: list[str] = []
    for s in sorted(strings, key=len):
        if not any(k in s for k in kept):
            kept.append(s)
    return frozenset(kept) if len(kept) < len(strings) else strings


def _run_requirement(run: frozenset[str] | None) -> Requirement:
    """An expanded run requires one of its strings, unless it can match nothing at all."""
    if not run or "" in run:
        return None
    return _minimal(run)


def _item_requirement(op, av) -> Requirement:
    if op is sre_constants.SUBPATTERN:
        return _required(list(av[-1]))
    if op is sre_constants.BRANCH:
        union = _union(av[1], _required)
        return None if union is None else _minimal(union)
    if op in _REPEAT_OPS:
        low, _high, body = av
        return _required(list(body)) if low >= 1 else None
    if op is getattr(sre_constants, "ATOMIC_GROUP", None):
        return _required(list(av))
    return None  # assertions, anchors, ANY, categories, backreferences: nothing required
