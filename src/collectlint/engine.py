"""RuleSet × Document → matches → findings.

The document is normalized once. In the default mode one prefilter pass finds the
literals of all rules; only utterances that contain some are looked at, only the rules
whose literals are all there run, and jieba tokenizes only the windows a match needs.
The exhaustive mode runs every rule on every utterance and tokenizes everything; it is
the reference the fast mode is tested against and must agree with exactly.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from typing import NamedTuple

import ahocorasick_rs

from collectlint.clock import in_window, local_time
from collectlint.models import Document, Finding, built
from collectlint.rules.loader import CompiledRule, RuleSet
from collectlint.rules.matchers import Hit, MatchContext
from collectlint.rules.matchers.base import RegexBudget
from collectlint.rules.matchers.regex import RegexTimeout
from collectlint.text.normalize import NormalizedText, normalize
from collectlint.text.tokenize import Tokenizer


class RuleTimeout(Exception):
    """A rule's pattern exceeded its time limit on a document (or could not run)."""

    def __init__(self, rule_id: str, reason: str = "regular expression timed out") -> None:
        super().__init__(f"rule {rule_id}: {reason}; document not scanned")
        self.rule_id = rule_id


class LineIndex:
    """Code-point offset → (line, column), both 1-based."""

    def __init__(self, text: str) -> None:
        self._starts = [0]
        pos = text.find("\n")
        while pos != -1:
            self._starts.append(pos + 1)
            pos = text.find("\n", pos + 1)

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect_right(self._starts, offset)
        return line, offset - self._starts[line - 1] + 1


def _literals_by_utterance(
    document: Document, norm: NormalizedText, hits: list[tuple[int, str]], heard: Mapping[str, bool]
) -> dict[int, dict[str, list[int]]]:
    """Prefilter hits grouped by the utterance that wholly contains them, for the
    utterances whose speaker is `heard` (some rule is scoped to them)."""
    grouped: dict[int, dict[str, list[int]]] = {}
    if not hits:
        return grouped
    utterances = document.utterances
    starts = [u.start for u in utterances]
    if norm.identity:
        for pos, literal in hits:
            i = bisect_right(starts, pos) - 1
            # A hit that reaches past the end of its utterance (into a label or the next line) is none.
            if i >= 0 and heard[utterances[i].speaker] and pos + len(literal) <= utterances[i].end:
                grouped.setdefault(i, {}).setdefault(literal, []).append(pos)
        return grouped
    # The offset map inlined (NormalizedText.source_offset): a document has many hits.
    seg_norm, seg_src, seg_step, _ = norm.segments
    for pos, literal in hits:
        k = bisect_right(seg_norm, pos) - 1
        i = bisect_right(starts, seg_src[k] + (pos - seg_norm[k]) * seg_step[k]) - 1
        if i < 0 or not heard[utterances[i].speaker]:
            continue
        last = pos + len(literal) - 1
        k = bisect_right(seg_norm, last) - 1
        if seg_src[k] + (last - seg_norm[k]) * seg_step[k] < utterances[i].end:
            grouped.setdefault(i, {}).setdefault(literal, []).append(pos)
    return grouped


class Match(NamedTuple):
    """A finding before it is dressed: which rule, where (source offsets), in which turn.
    Small and cheap to send between processes."""

    rule: int  # index into RuleSet.rules
    start: int
    end: int
    utterance: int


# Contact in these local hours is harassment unless the debtor agreed (GB/T 45251—2025,
# CBA 2026); the US FDCPA profile uses 21:00–08:00.
QUIET_HOURS = ("22:00", "08:00")
# Searches by the regular expressions of all rules together get this long per document
# (compiling a pattern on first use does not count); a pattern that
# backtracks catastrophically ends the document's scan with an error naming the rule.
REGEX_BUDGET_SECONDS = 5.0


class _Conversation:
    """Which turn first triggered a conversation-state rule (打错了, 别再打了 …)."""

    def __init__(self, document: Document, norm: NormalizedText, ruleset: RuleSet,
                 gate_starts: Callable[[], dict[int, list[int]]] | None = None) -> None:
        self.document = document
        self.norm = norm
        self.ruleset = ruleset
        self._first: dict[int, int | None] = {}
        self._end: dict[int, int | None] = {}  # the turn that ends the state, once per rule
        self._starts: list[int] | None = None
        # Where the gates' literals occur, by rule (see _first_trigger): what the document
        # pass found, or else one search of the text.
        self._find_gates = gate_starts or (lambda: ruleset.conversation_gates.starts(norm.text))
        self._gate_starts: dict[int, list[int]] | None = None

    def allows(self, index: int, rule: CompiledRule, utterance: int) -> bool:
        if rule.spec.after is None:  # type: ignore[union-attr]
            return True
        if utterance == 0:
            return False  # nothing was said before the first turn (an SMS has only that)
        if index not in self._first:
            self._first[index] = self._first_trigger(index, rule)
        first = self._first[index]
        if first is None or first >= utterance:
            return False
        # The other party may end the state: 别再打了 …, then 那就周五下午六点以后吧, or in the
        # same turn (别再打了，半小时后再打给我).
        if index not in self._end:
            self._end[index] = next(
                (j for j in range(first, len(self.document.utterances)) if self._ends(rule, j)), None)
        end = self._end[index]
        return end is None or utterance <= end

    def _ends(self, rule: CompiledRule, turn: int) -> bool:
        """Whether `turn` is one of the rule's `after` speakers saying one of its `until`s."""
        patterns = rule.until_patterns
        if not patterns:
            return False
        u = self.document.utterances[turn]
        if u.speaker not in rule.spec.after.speakers:  # type: ignore[union-attr]
            return False
        lo, hi = self.norm.normalized_offset(u.start), self.norm.normalized_offset(u.end)
        try:
            return any(p.search(self.norm.text, lo, hi, timeout=1.0) for p in patterns)
        except TimeoutError:
            raise RuleTimeout(rule.id, "conversation pattern timed out") from None

    def _first_trigger(self, index: int, rule: CompiledRule) -> int | None:
        """The first turn of one of the rule's `after` speakers that says one of its
        sayings. The usual answer, no, is found without looking at every turn: by the
        rule's gate, or else by a search of the whole text."""
        text = self.norm.text
        turns: Iterable[int] = range(len(self.document.utterances))
        if rule.after_gate is not None:
            # Every saying holds a literal of the gate: one automaton pass, for the gates
            # of all rules at once, settles most documents, and only the turns with a hit
            # can say one (they are few: no search of the whole text first).
            if self._gate_starts is None:
                self._gate_starts = self._find_gates()
            found = self._gate_starts.get(index)
            if not found:
                return None
            # The turn of each: the last that starts at or before where the literal's first
            # character came from (no need to map every turn's start to the normalized text).
            starts = self._turn_starts()
            source = self.norm.source_offset
            hit_turns = (bisect_right(starts, source(start)) - 1 for start in found)
            turns = sorted({j for j in hit_turns if j >= 0})
        elif not _says(rule, text):
            return None
        speakers = rule.spec.after.speakers  # type: ignore[union-attr]
        for j in turns:
            u = self.document.utterances[j]
            if u.speaker in speakers:
                lo, hi = self.norm.normalized_offset(u.start), self.norm.normalized_offset(u.end)
                if _says(rule, text[lo:hi]):
                    return j
        return None

    def _turn_starts(self) -> list[int]:
        """Source offset of the start of each turn."""
        if self._starts is None:
            self._starts = [u.start for u in self.document.utterances]
        return self._starts


def _says(rule: CompiledRule, text: str) -> bool:
    """Whether `text` holds one of the rule's `after` terms or a match of its patterns."""
    if rule.after_terms and _terms_finder(rule.after_terms).find_matches_as_indexes(text):
        return True
    try:
        return any(p.search(text, timeout=1.0) for p in rule.after_patterns)
    except TimeoutError:
        raise RuleTimeout(rule.id, "conversation pattern timed out") from None


@lru_cache(maxsize=256)
def _terms_finder(terms: tuple[str, ...]) -> ahocorasick_rs.AhoCorasick:
    """One automaton for a conversation rule's terms: a rule may list many, too many to
    test one by one."""
    return ahocorasick_rs.AhoCorasick(terms, implementation=ahocorasick_rs.Implementation.ContiguousNFA)


def scan_document(
    document: Document, ruleset: RuleSet, tokenizer: Tokenizer, *, exhaustive: bool = False,
    regex_budget: float | None = None, quiet_hours: tuple[str, str] = QUIET_HOURS,
) -> list[Match]:
    if not document.utterances:
        return []
    rules = ruleset.rules
    prefilter = ruleset.prefilter
    in_scope = ruleset.in_scope(document.channel)
    if exhaustive:
        norm = ruleset.variants.apply(normalize(document.text))
        work = [(i, None, in_scope(u.speaker, prefilter.text_rules)) for i, u in enumerate(document.utterances)]
    else:
        norm, found = prefilter.search(normalize(document.text))
        hits = prefilter.literal_hits(found)
        if not hits and not prefilter.ungated:  # most documents, when few sentences are candidates
            return _in_order(contact_time_matches(document, ruleset, quiet_hours), rules)
        # A turn of a speaker no rule is scoped to (the borrower, in the shipped pack) is not
        # looked at: in a call that is about half the hits.
        heard = ruleset.heard_on(document.channel)
        grouped = _literals_by_utterance(document, norm, hits, heard)
        indexes = sorted(grouped) if not prefilter.ungated else [
            i for i, u in enumerate(document.utterances) if heard[u.speaker]]
        work: list[tuple[int, dict[str, list[int]] | None, list[int]]] = []
        for i in indexes:
            present = grouped.get(i, {})
            candidates = prefilter.candidates(present.keys())
            work.append((i, present, in_scope(document.utterances[i].speaker, candidates)))
    budget = RegexBudget(REGEX_BUDGET_SECONDS if regex_budget is None else regex_budget)
    conversation = _Conversation(document, norm, ruleset,
                                 None if exhaustive else lambda: prefilter.gate_starts(found))
    turn_bound = ruleset.turn_bound  # rules that apply only after something was said
    matches: list[Match] = contact_time_matches(document, ruleset, quiet_hours)

    for i, present, candidates in work:
        if turn_bound:
            # Before choosing: a conversation rule's common words (还钱, 处理) make it a
            # candidate in many turns of calls where its `after` was never said, and whether
            # it was is one search of the document, remembered for the rest of it.
            candidates = [r for r in candidates if r not in turn_bound or conversation.allows(r, rules[r], i)]
        if not candidates:
            continue
        utterance = document.utterances[i]
        lo, hi = norm.normalized_offset(utterance.start), norm.normalized_offset(utterance.end)
        text = norm.text[lo:hi]
        if present is None:
            selected: list[tuple[int, list[int] | None]] = [(r, None) for r in candidates]
        else:
            selected = prefilter.select(candidates, present.keys(), text)
        if not selected:
            continue
        if present is None:
            ctx = MatchContext(text, tokenizer, budget=budget)
            ctx.tokenize_all()
        else:
            ctx = MatchContext(text, tokenizer, present, prefilter.literals, budget, found_offset=lo)
        for r, chosen in selected:
            rule = rules[r]
            try:
                if chosen is None:
                    hits = rule.matcher.find(ctx)
                else:
                    hits = rule.matcher.find_alternatives(ctx, chosen)  # type: ignore[union-attr]
            except RegexTimeout as exc:
                reason = str(exc) if "compile" in str(exc) else "regular expression timed out"
                raise RuleTimeout(rule.id, reason) from None
            for hit in _distinct(hits):
                if not rule.exceptions.silences(ctx, hit):
                    start, end = norm.source_span(lo + hit.start, lo + hit.end)
                    matches.append(Match(r, start, end, i))
    return _in_order(matches, rules)


def _in_order(matches: list[Match], rules: tuple[CompiledRule, ...]) -> list[Match]:
    """The document's matches as reported: repeated ones only from their count on, those
    of yielding rules only where no error matched, in order of position."""
    if not matches:  # most documents of a batch
        return matches
    matches = _yielded(_repeated_only(matches, rules), rules)
    matches.sort(key=lambda m: (m.start, m.end, rules[m.rule].id))
    return matches


def _repeated_only(matches: list[Match], rules: tuple[CompiledRule, ...]) -> list[Match]:
    """A rule with `min_count: N` reports its matches from the Nth in the document on."""
    counted = {m.rule for m in matches if rules[m.rule].spec.min_count > 1}
    if not counted:
        return matches
    kept = [m for m in matches if m.rule not in counted]
    for r in counted:
        mine = sorted((m for m in matches if m.rule == r), key=lambda m: m.start)
        kept.extend(mine[rules[r].spec.min_count - 1:])
    return kept


def _yielded(matches: list[Match], rules: tuple[CompiledRule, ...]) -> list[Match]:
    """A rule with `yields: true` names pressure that counts only on its own: a veiled
    closer (你自己掂量) after a threat or a false claim is part of that violation, and the
    reviewer is shown the violation, not the closer as well. Warnings do not make a rule
    yield: an unsigned message names no pressure."""
    if not any(rules[m.rule].spec.yields for m in matches):
        return matches
    named = (rules[m.rule].spec for m in matches)
    if not any(not spec.yields and spec.severity == "error" for spec in named):
        return matches
    return [m for m in matches if not rules[m.rule].spec.yields]


def first_span(document: Document, rule: CompiledRule) -> Match | None:
    """Where a finding about the whole contact points: the first sentence of the first
    in-scope turn (at most 40 characters)."""
    for u in document.utterances:
        if u.speaker in rule.spec.scope.speakers and u.text.strip():
            end = u.start + min(len(u.text), 40)
            cut = next((u.start + k + 1 for k, ch in enumerate(u.text[:40]) if ch in "。！？!?\n"), end)
            return Match(-1, u.start, cut, u.index)
    return None


def contact_time_matches(document: Document, ruleset: RuleSet,
                         quiet_hours: tuple[str, str]) -> list[Match]:
    t = local_time(document.sent_at)
    if t is None and document.clock_time is not None:
        t = dt.time.fromisoformat(document.clock_time)
    if t is None:
        return []
    found = []
    for r, rule in enumerate(ruleset.rules):
        if rule.spec.kind != "contact_time":
            continue
        channels = rule.spec.scope.channels
        if channels is not None and document.channel not in channels:
            continue
        if in_window(t, rule.spec.window or quiet_hours):  # type: ignore[union-attr]
            span = first_span(document, rule)
            if span is not None:
                found.append(span._replace(rule=r))
    return found


def _distinct(hits: list[Hit]) -> list[Hit]:
    """Overlapping hits of one rule are one finding: keep the earliest, longest of each cluster."""
    kept: list[Hit] = []
    for hit in sorted(hits, key=lambda h: (h.start, -h.end)):
        if kept and hit.start < kept[-1].end:
            continue
        kept.append(hit)
    return kept


def build_findings(document: Document, matches: list[Match], ruleset: RuleSet) -> list[Finding]:
    """Matches → findings with message, position, legal basis and borrower responses."""
    if not matches:
        return []
    lines = LineIndex(document.text)
    findings = []
    for m in matches:
        rule = ruleset.rules[m.rule]
        spec = rule.spec
        match = document.text[m.start:m.end]
        line, column = lines.position(m.start)
        # Built without re-validation: every value comes from validated rules and our own offsets.
        findings.append(built(
            Finding,
            rule_id=spec.id, category=spec.category, severity=spec.severity,
            message=spec.message.replace("{match}", match), match=match,
            start=m.start, end=m.end, line=line, column=column, utterance=m.utterance,
            speaker=document.utterances[m.utterance].speaker,
            legal_basis=list(spec.legal_basis), responses=list(rule.responses),
        ))
    return findings
