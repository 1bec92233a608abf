"""What every matcher sees (one utterance, normalized and lazily tokenized) and returns."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from functools import cached_property
from typing import Protocol

from collectlint.text.normalize import NormalizedText, normalize
from collectlint.text.tokenize import Token, Tokenizer

# Punctuation that ends a sentence; proximity and lawful-phrase exceptions stay inside one.
SENTENCE_END = frozenset("。！？!?；;\n…")
# Punctuation that ends a clause; a negator only reaches a trigger in its own clause.
CLAUSE_END = SENTENCE_END | frozenset("，,：:、")


@dataclass(frozen=True, slots=True)
class Hit:
    """A match in normalized-text offsets. `inner`: for a match made of several terms,
    the text between the first and the last term, where a negator also counts."""

    start: int
    end: int
    inner: tuple[int, int] | None = None


def normalize_term(term: str) -> str:
    """Terms are normalized exactly like the text they are searched in."""
    return normalize(term).text


class MatchContext:
    """One utterance as the matchers see it. Tokens are computed on first use only."""

    def __init__(self, normalized: NormalizedText, tokenizer: Tokenizer) -> None:
        self.normalized = normalized
        self.text = normalized.text
        self._tokenizer = tokenizer
        self._term_cache: dict[str, list[tuple[int, int]]] = {}

    @cached_property
    def tokens(self) -> list[Token]:
        return self._tokenizer.tokenize(self.text)

    @cached_property
    def _token_starts(self) -> list[int]:
        return [t.start for t in self.tokens]

    @cached_property
    def _token_start_index(self) -> dict[int, int]:
        return {t.start: i for i, t in enumerate(self.tokens)}

    @cached_property
    def _token_end_index(self) -> dict[int, int]:
        return {t.end: i for i, t in enumerate(self.tokens)}

    def token_index_at(self, offset: int) -> int:
        """Index of the token that contains the character at `offset`."""
        return max(0, bisect_right(self._token_starts, offset) - 1)

    def is_boundary(self, offset: int) -> bool:
        return (
            offset == 0
            or offset == len(self.text)
            or offset in self._token_start_index
            or offset in self._token_end_index
        )

    def term_hits(self, term: str) -> list[tuple[int, int]]:
        """Occurrences of a normalized term that start and end on token boundaries,
        as (first token index, last token index + 1)."""
        cached = self._term_cache.get(term)
        if cached is not None:
            return cached
        hits: list[tuple[int, int]] = []
        start = self.text.find(term)
        while start != -1:
            end = start + len(term)
            if start in self._token_start_index and end in self._token_end_index:
                hits.append((self._token_start_index[start], self._token_end_index[end] + 1))
            start = self.text.find(term, start + 1)
        self._term_cache[term] = hits
        return hits

    def token_span_to_hit(self, first: int, last_exclusive: int) -> Hit:
        return Hit(self.tokens[first].start, self.tokens[last_exclusive - 1].end)

    def sentence_bounds(self, start: int, end: int) -> tuple[int, int]:
        """The sentence around [start, end): from after the previous sentence end to the next."""
        s = start
        while s > 0 and self.text[s - 1] not in SENTENCE_END:
            s -= 1
        e = end
        while e < len(self.text) and self.text[e] not in SENTENCE_END:
            e += 1
        return s, e

    def crosses_sentence(self, start: int, end: int) -> bool:
        return any(ch in SENTENCE_END for ch in self.text[start:end])


class Matcher(Protocol):
    def find(self, ctx: MatchContext) -> list[Hit]: ...
