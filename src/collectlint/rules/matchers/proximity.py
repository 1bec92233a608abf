"""`kind: proximity` — one term of every group within a window of N tokens.

Gap tolerant: 爆你通讯录 and 把你的通讯录全爆了 both satisfy groups [爆] + [通讯录].
The window never crosses a sentence end.
"""

from __future__ import annotations

from collectlint.rules.matchers.base import Hit, MatchContext, normalize_term


class ProximityMatcher:
    def __init__(self, groups: tuple[tuple[str, ...], ...], within: int, ordered: bool) -> None:
        self.groups = tuple(tuple(dict.fromkeys(normalize_term(t) for t in g)) for g in groups)
        self.within = within
        self.ordered = ordered

    def _group_hits(self, ctx: MatchContext, group: tuple[str, ...]) -> list[tuple[int, int]]:
        hits: list[tuple[int, int]] = []
        for term in group:
            if term in ctx.text:
                hits.extend(ctx.term_hits(term))
        return sorted(hits)

    def find(self, ctx: MatchContext) -> list[Hit]:
        # Cheap literal test first: every group must occur somewhere in the text.
        if not all(any(t in ctx.text for t in g) for g in self.groups):
            return []
        per_group = [self._group_hits(ctx, g) for g in self.groups]
        if not all(per_group):
            return []
        anchors = per_group[0] if self.ordered else sorted({h for g in per_group for h in g})
        found: list[Hit] = []
        for anchor in anchors:
            window = self._window_from(anchor, per_group)
            if window is None:
                continue
            first, last, inner_first, inner_last = window
            span = ctx.token_span_to_hit(first, last)
            if ctx.crosses_sentence(span.start, span.end):
                continue
            inner = None
            if inner_first < inner_last:
                inner = (ctx.tokens[inner_first].start, ctx.tokens[inner_last - 1].end)
            found.append(Hit(span.start, span.end, inner))
        return found

    def _window_from(
        self, anchor: tuple[int, int], per_group: list[list[tuple[int, int]]]
    ) -> tuple[int, int, int, int] | None:
        """The nearest hit of every group at or after the anchor, within the window:
        (first token, last token + 1, and the token range between the first and last term)."""
        first = anchor[0]
        last = anchor[1]
        last_term_start = anchor[0]
        cursor = anchor[1] if self.ordered else anchor[0]
        for i, hits in enumerate(per_group):
            if not self.ordered and anchor in hits:
                continue
            if self.ordered and i == 0:
                continue
            nxt = next((h for h in hits if h[0] >= cursor), None)
            if nxt is None:
                return None
            last = max(last, nxt[1])
            last_term_start = max(last_term_start, nxt[0])
            if self.ordered:
                cursor = nxt[1]
        if last - first > self.within:
            return None
        return first, last, anchor[1], last_term_start
