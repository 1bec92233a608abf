"""`kind: keywords` — any of a list of terms, aligned with jieba token boundaries.

Han text has no word boundaries for `\\b`; a token boundary is the Chinese
equivalent: 上门 matches 明天上门 but not a word that merely contains the two characters.
"""

from __future__ import annotations

from collectlint.rules.matchers.base import Hit, MatchContext, normalize_term


class KeywordsMatcher:
    def __init__(self, terms: tuple[str, ...]) -> None:
        self.terms = tuple(dict.fromkeys(normalize_term(t) for t in terms))
        self.literals = (frozenset(self.terms),)

    def find(self, ctx: MatchContext) -> list[Hit]:
        text = ctx.text
        return [ctx.token_span_to_hit(k, first, last)
                for term in self.terms if term in text for k, first, last in ctx.term_hits(term)]
