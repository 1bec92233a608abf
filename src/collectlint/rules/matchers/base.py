"""What every matcher sees — one utterance, normalized, tokenized lazily per window — and returns.

Tokenization windows are sentences (a very long sentence is cut further at clause
punctuation, then at a fixed length). jieba splits its input into blocks of Han
characters, letters, digits and `+#&._%-` and never joins across them; sentence and
clause punctuation is outside those blocks, so a window tokenizes exactly as it would
inside the whole text. Only windows that a match needs are ever tokenized.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, KeysView
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import NamedTuple, Protocol

import ahocorasick_rs
import regex

from collectlint.text.normalize import normalize
from collectlint.text.tokenize import Token, Tokenizer

# Punctuation that ends a sentence; proximity and lawful-phrase exceptions stay inside one.
SENTENCE_END = frozenset("。！？!?；;\n…")
# Punctuation that ends a clause; a negator only reaches a trigger in its own clause.
CLAUSE_END = SENTENCE_END | frozenset("，,：:、")
MAX_WINDOW = 400  # characters; longer sentences are cut at clause punctuation, then hard

_SENTENCE_END_RE = regex.compile("[" + regex.escape("".join(sorted(SENTENCE_END))) + "]")
_CLAUSE_END_RE = regex.compile("[" + regex.escape("".join(sorted(CLAUSE_END))) + "]")


@dataclass(frozen=True, slots=True)
class Hit:
    """A match in utterance-local normalized offsets. `inner`: for a match made of several
    terms, the text between the first and the last term, where a negator also counts."""

    start: int
    end: int
    inner: tuple[int, int] | None = None


@lru_cache(maxsize=None)
def normalize_term(term: str) -> str:
    """Terms are normalized exactly like the text they are searched in (remembered: rule
    packs repeat the same negators and lawful phrases in rule after rule)."""
    return normalize(term).text


def _cuts(text: str, pattern: regex.Pattern[str], start: int, end: int) -> list[int]:
    return [m.end() for m in pattern.finditer(text, start, end)]


def windows_of(text: str) -> list[int]:
    """Start offsets of the tokenization windows of `text` (the first is 0)."""
    starts = [0]
    for cut in [*_cuts(text, _SENTENCE_END_RE, 0, len(text)), len(text)]:
        sentence_start = starts[-1]
        if cut - sentence_start > MAX_WINDOW:
            pos = sentence_start
            for clause_cut in _cuts(text, _CLAUSE_END_RE, sentence_start, cut):
                if clause_cut - pos > MAX_WINDOW // 2:
                    starts.append(clause_cut)
                    pos = clause_cut
            while cut - starts[-1] > MAX_WINDOW:
                starts.append(starts[-1] + MAX_WINDOW)
        if cut < len(text):
            starts.append(cut)
    return sorted(set(starts))


class RegexBudget:
    """The seconds that regular expressions may still spend searching one document. Only
    searches spend it: compiling a pattern on its first use, or tokenizing, does not."""

    def __init__(self, seconds: float) -> None:
        self.left = seconds


class MatchContext:
    """One utterance as the matchers see it.

    `occurrences(term)` gives the start offsets of a normalized literal: for the
    literals the document's prefilter pass searched for (`found`, keyed by literal, of
    the set `searched`), from that pass; otherwise by searching the text.
    """

    def __init__(self, text: str, tokenizer: Tokenizer,
                 found: dict[str, list[int]] | None = None,
                 searched: frozenset[str] = frozenset(), budget: RegexBudget | None = None,
                 found_offset: int = 0) -> None:
        self.text = text
        self.budget = budget  # shared by the utterances of one document
        self._tokenizer = tokenizer
        self._found = found if found is not None else {}
        # Where `text` starts in the text `found` was searched in (its positions are
        # made local only when a matcher asks for them).
        self._found_offset = found_offset
        self._searched = searched
        self._tokens: dict[int, list[Token]] = {}
        self._token_starts: dict[int, dict[int, int]] = {}
        self._token_ends: dict[int, dict[int, int]] = {}
        self._term_cache: dict[str, list[tuple[int, int, int]]] = {}
        self._sentence_ends: list[int] | None = None

    # -- windows and tokens ------------------------------------------------------
    @cached_property
    def _window_starts(self) -> list[int]:
        """Cut on first need: most utterances a rule looks at are never tokenized."""
        return windows_of(self.text)

    def window_of(self, offset: int) -> int:
        return bisect_right(self._window_starts, offset) - 1

    def window_bounds(self, k: int) -> tuple[int, int]:
        end = self._window_starts[k + 1] if k + 1 < len(self._window_starts) else len(self.text)
        return self._window_starts[k], end

    def tokens(self, k: int) -> list[Token]:
        tokens = self._tokens.get(k)
        if tokens is None:
            start, end = self.window_bounds(k)
            tokens = self._tokenizer.tokenize(self.text[start:end], start)
            self._tokens[k] = tokens
            self._token_starts[k] = {t.start: i for i, t in enumerate(tokens)}
            self._token_ends[k] = {t.end: i for i, t in enumerate(tokens)}
        return tokens

    def tokenize_all(self) -> None:
        for k in range(len(self._window_starts)):
            self.tokens(k)

    def token_index_at(self, offset: int) -> tuple[int, int]:
        """(window, index in the window) of the token containing the character at `offset`."""
        k = self.window_of(offset)
        tokens = self.tokens(k)
        lo, hi = 0, len(tokens)
        while lo < hi:
            mid = (lo + hi) // 2
            if tokens[mid].start <= offset:
                lo = mid + 1
            else:
                hi = mid
        return k, max(0, lo - 1)

    def is_boundary(self, offset: int) -> bool:
        if offset in (0, len(self.text)):
            return True
        k = self.window_of(offset)
        if self._window_starts[k] == offset:
            return True
        self.tokens(k)
        return offset in self._token_starts[k]

    # -- literals ------------------------------------------------------------------
    @property
    def searched(self) -> frozenset[str]:
        """The literals the document's prefilter pass searched for (empty: none was run)."""
        return self._searched

    @property
    def found_literals(self) -> KeysView[str]:
        """The searched literals that occur in this utterance."""
        return self._found.keys()

    def occurrences(self, term: str) -> list[int]:
        if term in self._searched:
            offset = self._found_offset
            return [p - offset for p in self._found.get(term, ())]
        found = []
        start = self.text.find(term)
        while start != -1:
            found.append(start)
            start = self.text.find(term, start + 1)
        return found

    def term_hits(self, term: str) -> list[tuple[int, int, int]]:
        """Occurrences of a normalized term that start and end on token boundaries,
        as (window, first token index, last token index + 1)."""
        cached = self._term_cache.get(term)
        if cached is not None:
            return cached
        hits: list[tuple[int, int, int]] = []
        if term not in self.text:  # most terms of a rule are absent from a given turn
            self._term_cache[term] = hits
            return hits
        for start in self.occurrences(term):
            end = start + len(term)
            k = self.window_of(start)
            if end > self.window_bounds(k)[1]:
                continue
            self.tokens(k)
            first = self._token_starts[k].get(start)
            last = self._token_ends[k].get(end)
            if last is None and len(term) > 1 and self.text[end:end + 1] == "儿":
                last = self._token_ends[k].get(end + 1)  # erhua: 媳妇儿 and 哥们儿 are the term
            if first is not None and last is not None:
                hits.append((k, first, last + 1))
        self._term_cache[term] = hits
        return hits

    def token_span_to_hit(self, k: int, first: int, last_exclusive: int) -> Hit:
        tokens = self.tokens(k)
        return Hit(tokens[first].start, tokens[last_exclusive - 1].end)

    # -- sentences -----------------------------------------------------------------
    def sentence_bounds(self, start: int, end: int) -> tuple[int, int]:
        """The sentence around [start, end): from after the previous sentence end to the next."""
        if self._sentence_ends is None:
            self._sentence_ends = [m.start() for m in _SENTENCE_END_RE.finditer(self.text)]
        ends = self._sentence_ends
        k = bisect_left(ends, start)  # the first end at or after start
        s = ends[k - 1] + 1 if k > 0 else 0
        k = bisect_left(ends, end, k)  # the first end at or after `end`
        e = ends[k] if k < len(ends) else len(self.text)
        return s, e

    @cached_property
    def _clause_ends(self) -> list[int]:
        return [m.start() for m in _CLAUSE_END_RE.finditer(self.text)]

    def clause_start(self, offset: int) -> int:
        """Where the clause holding the character at `offset` starts (after the previous
        clause or sentence punctuation)."""
        ends = self._clause_ends
        k = bisect_left(ends, offset)  # clause punctuation before `offset`: ends[:k]
        return ends[k - 1] + 1 if k > 0 else 0

    def crosses_sentence(self, start: int, end: int) -> bool:
        return any(ch in SENTENCE_END for ch in self.text[start:end])


# -- what the prefilter tests before a matcher runs ------------------------------------
# Per condition: the literals the prefilter searched for, and the others as a tuple or,
# when there are many, as an AnyOf of them.
_Tests = tuple[tuple[frozenset[str], "tuple[str, ...] | Callable[[str], object]"], ...]
_ALTERNATION_FROM = 4  # literals; fewer are faster as substring tests
_ANY_OF_COMPILE_AFTER = 20  # tests of one AnyOf by substring before its automaton is built


class AnyOf:
    """Whether one of some literals occurs in a text (None if not): substring tests at
    first, a search of their Aho–Corasick automaton once the test has run a few times. A
    big pattern has hundreds of conditions (and a rule's exceptions dozens of phrases); a
    scan tests most of them a few times only, and building each automaton on first use
    would be a noticeable part of every scanning process's first pass. An automaton of a
    hundred literals builds in ~0.2 ms; a compiled `re` alternation of them took ~2 ms,
    and as instances kept crossing the threshold far into a batch those compiles added
    up (time in these tests per 1 M characters at 2 %, after one warm-up pass: 71 ms with
    `re`, 46 ms with automata). On short sentences `re` searched faster (0.9 against
    1.4 µs a test), which only a batch long enough to compile every alternation gains."""

    __slots__ = ("_literals", "_search", "_calls")

    def __init__(self, literals: tuple[str, ...]) -> None:
        self._literals = literals
        self._search: Callable[[str], list[tuple[int, int, int]]] | None = None
        self._calls = 0

    @property
    def literals(self) -> tuple[str, ...]:
        return self._literals

    def __call__(self, text: str) -> object:
        if self._search is not None:
            return True if self._search(text) else None
        self._calls += 1
        if self._calls > _ANY_OF_COMPILE_AFTER and "" not in self._literals:
            self._search = ahocorasick_rs.AhoCorasick(
                self._literals, implementation=ahocorasick_rs.Implementation.ContiguousNFA,
            ).find_matches_as_indexes
            return True if self._search(text) else None
        return True if any(literal in text for literal in self._literals) else None


def condition_tests(conditions: Iterable[frozenset[str]], searched: frozenset[str]) -> _Tests:
    """Each condition (literal set) split for `satisfied`: the literals the prefilter
    searched for are decided by a set test against the utterance's found literals (in C),
    the others by substring tests or, when there are many, an AnyOf (one automaton search)."""
    tests = []
    for group in conditions:
        others = tuple(sorted(group - searched, key=lambda lit: (-len(lit), lit)))
        if len(others) >= _ALTERNATION_FROM:
            tests.append((group & searched, AnyOf(others)))
        else:
            tests.append((group & searched, others))
    return tuple(tests)


class Selection(NamedTuple):
    """What the prefilter needs to select a regex rule for an utterance. With
    `by_literal` (literal → the alternatives that require it), the rule's alternatives
    are chosen by the literals found and `tests` holds each alternative's conditions
    but its requirement (see runnable_alternatives);
    with `choose` ((found literals, text) → the runnable alternatives), the rule
    chooses them itself (it needs literals the prefilter did not search for, or has
    alternatives that need none: `always`), and still gives `by_literal`, `tests` and
    `always` for the prefilter's index of all rules; without `by_literal`, `tests` holds
    the whole pattern's conditions and `find` chooses."""

    by_literal: dict[str, list[int]] | None
    tests: tuple[_Tests, ...] | _Tests
    choose: Callable[[KeysView[str], str], list[int]] | None = None
    always: tuple[int, ...] = ()


def runnable_alternatives(by_literal: dict[str, list[int]], tests: tuple[_Tests, ...],
                          found: KeysView[str], text: str, chosen: set[int]) -> list[int]:
    """The alternatives in `chosen` or requiring a literal `found` in the utterance, in
    pattern order, whose conditions are all met there: the only ones that can match.
    `tests[i]` may leave out alternative i's requirement: it holds for every alternative
    chosen here (one of its literals occurs), except those that require nothing."""
    for literal in found & by_literal.keys():  # C-level; the left side is the small one
        chosen.update(by_literal[literal])
    return [i for i in sorted(chosen) if satisfied(tests[i], found, text)]


def literal_sets(tests: _Tests) -> tuple[frozenset[str], ...]:
    """The conditions of `tests` as whole literal sets, for `met`; one that holds the
    empty literal is always met and left out."""
    sets = []
    for searched, others in tests:
        literals = others.literals if isinstance(others, AnyOf) else others
        if "" not in literals:
            sets.append(searched | frozenset(literals))  # type: ignore[arg-type]
    return tuple(sets)


def met(conditions: tuple[frozenset[str], ...], present: set[str]) -> bool:
    """Every condition has a literal in `present` (all the literals that occur): what
    `satisfied` tells, by set tests alone."""
    for literals in conditions:
        if literals.isdisjoint(present):
            return False
    return True


def satisfied(tests: _Tests, found: Iterable[str], text: str) -> bool:
    """Every condition has a literal among those `found` in the utterance or in `text`."""
    for searched, others in tests:
        if searched and not searched.isdisjoint(found):
            continue
        if callable(others):
            if others(text) is None:
                return False
            continue
        for literal in others:
            if literal in text:
                break
        else:
            return False
    return True


class Matcher(Protocol):
    # Groups of literals: a match needs one literal of every group. Empty: no literal
    # is known to be required, and the rule runs on every utterance.
    literals: tuple[frozenset[str], ...]

    def find(self, ctx: MatchContext) -> list[Hit]: ...
