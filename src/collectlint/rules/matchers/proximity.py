"""`kind: proximity` — one term of every group within a window of N tokens.

Gap tolerant: 爆你通讯录 and 把你的通讯录全爆了 both satisfy groups [爆] + [通讯录].
The window never crosses a sentence end.
"""

from __future__ import annotations

from collectlint.rules.matchers.base import (
    Hit,
    MatchContext,
    Selection,
    condition_tests,
    normalize_term,
)

TermHit = tuple[int, int, int]  # (tokenization window, first token, last token + 1)


class ProximityMatcher:
    def __init__(self, groups: tuple[tuple[str, ...], ...], within: int, ordered: bool) -> None:
        self.groups = tuple(tuple(dict.fromkeys(normalize_term(t) for t in g)) for g in groups)
        self.literals = tuple(frozenset(g) for g in self.groups)
        self.within = within
        self.ordered = ordered

    def selection(self, searched: frozenset[str]) -> Selection:
        """Every group must occur in the utterance: the prefilter tests that first."""
        return Selection(None, condition_tests(self.literals, searched))

    def find(self, ctx: MatchContext) -> list[Hit]:
        # Every group must occur as text before any is looked up as tokens: the prefilter
        # vouches for one group only, and token lookups cost a jieba pass.
        text = ctx.text
        present = [[term for term in g if term in text] for g in self.groups]
        if not all(present) or not self._together_in_a_sentence(ctx, present):
            return []
        per_group = []
        for terms in present:
            hits = sorted(h for term in terms for h in ctx.term_hits(term))
            if not hits:
                return []
            per_group.append(hits)
        anchors = per_group[0] if self.ordered else sorted({h for g in per_group for h in g})
        found: list[Hit] = []
        for anchor in anchors:
            window = self._window_from(anchor, per_group)
            if window is None:
                continue
            k, first, last, inner_first, inner_last = window
            span = ctx.token_span_to_hit(k, first, last)
            if ctx.crosses_sentence(span.start, span.end):
                continue
            inner = None
            if inner_first < inner_last:
                tokens = ctx.tokens(k)
                inner = (tokens[inner_first].start, tokens[inner_last - 1].end)
            found.append(Hit(span.start, span.end, inner))
        # A window that contains another adds only distance: keep the tightest ones.
        return [h for h in found
                if not any(o is not h and h.start <= o.start and o.end <= h.end
                           and (o.start, o.end) != (h.start, h.end) for o in found)]

    def _together_in_a_sentence(self, ctx: MatchContext, present: list[list[str]]) -> bool:
        """Whether one sentence holds an occurrence of every group (in group order, without
        overlap, for an ordered rule): the text-level condition of a token match, which
        never crosses a sentence end. Settled without tokenizing, and most utterances
        where the groups occur somewhere fail it."""
        spans = [sorted((start, start + len(term)) for term in terms for start in ctx.occurrences(term))
                 for terms in present]
        if len(spans) == 1:
            return bool(spans[0])
        for start, end in spans[0]:
            lo, hi = ctx.sentence_bounds(start, end)
            cursor = end if self.ordered else lo
            for group in spans[1:]:
                # The earliest-ending occurrence keeps the most room for the groups after it.
                ends = [e for s, e in group if s >= cursor and e <= hi]
                if not ends:
                    break
                if self.ordered:
                    cursor = min(ends)
            else:
                return True
        return False

    def _window_from(
        self, anchor: TermHit, per_group: list[list[TermHit]]
    ) -> tuple[int, int, int, int, int] | None:
        """The nearest hit of every group at or after the anchor, in the anchor's window and
        within `within` tokens: (window, first token, last token + 1, and the token range
        between the first and the last term)."""
        k, first, last = anchor
        last_term_start = first
        cursor = last if self.ordered else first
        for i, hits in enumerate(per_group):
            if (self.ordered and i == 0) or (not self.ordered and anchor in hits):
                continue
            nxt = next((h for h in hits if h[0] == k and h[1] >= cursor), None)
            if nxt is None:
                return None
            last = max(last, nxt[2])
            last_term_start = max(last_term_start, nxt[1])
            if self.ordered:
                cursor = nxt[2]
        if last - first > self.within:
            return None
        return k, first, last, anchor[2], last_term_start
