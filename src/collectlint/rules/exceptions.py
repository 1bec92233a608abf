"""Exceptions that silence a match: a negator just before it, or a lawful phrasing around it."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

import ahocorasick_rs
import regex

from collectlint.rules.literals import case_safe, parse_pattern, required_conditions, selectivity
from collectlint.rules.matchers.base import (
    CLAUSE_END,
    AnyOf,
    Hit,
    MatchContext,
    _Tests,
    condition_tests,
    normalize_term,
    satisfied,
)
from collectlint.rules.matchers.regex import compile_pattern
from collectlint.rules.schema import Exceptions
from collectlint.text.tokenize import Token

_REFUTATION_REACH = 12  # characters after the trigger searched for a refutation
_FRAMING_REACH = 12  # characters after its sentence that a framing opened in it may take
# A negator reaches over the items of a list that 等 (这些说法, 之类) closes (不会以坐牢、拘留等言语威胁),
# not over a list of steps (不再提醒、直接上门) nor past a clause.
_NEGATION_SCOPE_END = CLAUSE_END - {"、"}
_LIST_CLOSED = re.compile("[^，,。！？!?；;：:\n]*?(?:等|这些说法|这类说法|之类)")
# "Don't think we won't …" (别以为我们不会上门, 侬勿要以为阿拉勿会上门) affirms what it denies.
_DARED = re.compile("(?:别|不要|勿要|覅|唔好|莫|千万别)(?:以为|觉得|谂住)[^，,。！？!?]{0,10}?[不勿唔没冇]")
_COORDINATORS = frozenset({"或", "或者", "或是", "及", "以及"})
# A sentence-final particle right after a negator ends its clause, also where ASR text has
# no punctuation (谁家没有啊 …, 不是呀 …): the negation does not reach the words after it.
_CLAUSE_PARTICLES = frozenset("啊呀嘛吗呢吧哇哦")


def _clause_ends_in(particles: str) -> re.Pattern[str]:
    """The rest of a clause, up to one of `particles` that ends it."""
    return re.compile(f"[^，,。！？!?；;：:\n]*?[{particles}](?:[，,。！？!?；;\\s]|$)")


# 不是 … 嘛/吗 to the end of its clause asks what the speaker holds true (你娃儿不是在实验小学
# 读三年级嘛): it denies nothing; nor does 总不能 … 吧 ('surely you would not want …').
_RHETORICAL_END = _clause_ends_in("嘛吗么")
_SURELY_NOT_END = _clause_ends_in("吧吗嘛么")
# What must happen first for 才不会 to name a reward (只有今天还清，才不会被追究); without it
# 才不会 is emphatic (我们才不会曝光您的信息) and denies.
_PAID_FIRST = re.compile("只有|除非|必须|还清|还了|还上|结清|处理了|处理掉|交了|到账|还钱|付了|转了")
_DOUBLE_NEGATIVES = ("不得不", "不得已", "不能不")
# 不代表, 不意味着 and 不等于 deny nothing when a second negation follows (不代表我们不会上门:
# we will) or the threat is said to stand (还了一部分不代表拘留就免了).
_DENIED_DENIAL = re.compile(
    "(?:不代表|不意味着|不等于)(?:[^，,。！？!?]{0,8}?[不没无]"
    "|[^，,。！？!?]{0,12}?(?:就|也|便)(?:免|算|取消|没事|没关系|结束|撤|完|过去|跟你没关系|跟您没关系))")
_QUOTES = {"“": "”", "「": "」", "『": "』", "‘": "’", '"': '"', "'": "'", "《": "》"}
_ANY_QUOTE = re.compile("[" + re.escape("".join(_QUOTES)) + "]")
_SAID = ("您说", "你说")
# 我跟你说 / 给您说 is the collector telling, not reporting what the borrower said.
_NOT_TOLD = "(?<![跟和给对同向])"
# After a contrast (您说住院没钱，可…) or a consequence the collector draws (您说没钱，那我们
# 只能…; not 那是/那不是, which go on about what was said) the words are the collector's own.
_CONTRAST = re.compile("[，,]\\s*(?:可是|但是|可|但|不过|然而|那(?:么)?(?=我|咱|你|您|就|只能|只好|只有))")
# The other branch of a condition: what follows 不然/否则 is a threat of its own, which lawful
# words before it do not cover (麻烦您转告她一声，不然我们只能去找你们店长). Not 要不, which as
# often offers a choice (要不您先还一部分).
_OTHERWISE = re.compile("[，,]\\s*(?:不然|否则|要不然)")
_WHEN = "(?:刚才|刚刚|之前|上次|上回|上周|前几天|前两天|那天|昨天|前天)?"  # 您刚才说 reports as 您说 does
_SAID_REACH = 8  # characters from the start of a match that a 您(刚才)说 may reach
_SAID_SPAN = 20  # characters from 您说 to the match that the report may span
# A sender's name in brackets (【XX分期】, 【XX征信服务】) is no lawful phrase of the
# message: the phrases are looked for with it blanked out, offsets kept. Not a name that
# claims a court, the police or a lawyer (【法院执行局】): that claim is the message's frame,
# which phrases such as 法院 hand to the rules on false legal claims.
_SENDER_NAME = re.compile("【(?![^】\n]{0,20}(?:法院|公安|警|检察|仲裁|律师|律所|法务|司法|执行))[^】\n]{0,20}】")
_UNSTATED = ("未", "不用", "不需要", "无需", "不必", "没", "不经", "没有")
# Words that hold a lawful phrase without saying it: 无所谓 ("never mind") is not 所谓
# ("so-called"), and 你自己无所谓 must not excuse the threat beside it.
_FALSE_FRIENDS = ("无所谓",)
# 您说 with a condition or a question (您说要是…，大家会怎么看; 您说是A还是B) is the
# collector's own question; only the borrower's stated reaction (您说如果我们上门您就报警)
# is reported.
_NOT_RHETORICAL = ("(?!(?:要是|如果|假如|万一)(?![^。！？!?，,]{0,24}?(?:您|你)就(?:报警|投诉|起诉|找律师|曝光)))"
                   "(?!呢|是不是|对吧|对不对|会不会|好不好|该|怎么|咋|吧|凭什么|是[^。！？!?]{1,24}?还是)")


# The literal sets of framings and lawful patterns, by source (see _framing_conditions).
# Every checker keeps those of its own patterns, and a pack loaded from the cache brings
# them back here: deriving them (~45 ms for the shipped pack's 181 patterns) would
# otherwise be part of the first sentences of every scanning process.
_CONDITIONS: dict[str, tuple[frozenset[str], ...]] = {}


def _framing_conditions(pattern: str) -> tuple[frozenset[str], ...]:
    """The literal sets every match of a framing (or a lawful pattern) draws from; none
    when they cannot be derived, or when a literal has a letter whose other case is not
    ASCII (the text is lower-cased in ASCII only, the pattern compiled to ignore case).
    Read from the pattern as compile_pattern reads it (NFKC: full-width punctuation is
    ASCII). Remembered: every rule has the same default framings."""
    known = _CONDITIONS.get(pattern)
    if known is None:
        known = _CONDITIONS[pattern] = _derived_conditions(pattern)
    return known


def _derived_conditions(pattern: str) -> tuple[frozenset[str], ...]:
    parsed = parse_pattern(unicodedata.normalize("NFKC", pattern))
    if parsed is None:
        return ()
    conditions = required_conditions(parsed)
    if not all(case_safe(literal) for literals in conditions for literal in literals):
        return ()
    return conditions


@lru_cache(maxsize=None)
def _literal_tests(pattern: str) -> _Tests:
    """The substring tests every match of a framing (or a lawful pattern) passes: each of
    its literal sets has a member in the text."""
    return condition_tests(_framing_conditions(pattern), frozenset())


@lru_cache(maxsize=None)
def _compiled_framings(framings: tuple[str, ...]) -> tuple[regex.Pattern[str], ...]:
    """The framings compiled, once per process for every rule that has them (all rules
    share the default framings). Kept out of the pickled pack: a copy per rule made up
    most of its size and of its load time."""
    return tuple(compile_pattern(p) for p in framings)


@lru_cache(maxsize=None)
def _cues(framings: tuple[str, ...]) -> tuple[ahocorasick_rs.AhoCorasick, tuple[tuple[int, ...], ...]] | None:
    """One automaton for the rarest literal set of every framing (a sentence with none of
    them has no framing): a search of ~170 literals, which an alternation in `re` would
    try one by one at every position; and, for each of its literals, the framings whose
    set holds it (only those can match where it occurs). None when some framing's literals
    cannot be derived."""
    owners: dict[str, list[int]] = {}
    for k, pattern in enumerate(framings):
        conditions = _framing_conditions(pattern)
        if not conditions:
            return None
        for cue in max(conditions, key=selectivity):
            owners.setdefault(cue, []).append(k)
    cues = sorted(owners)
    automaton = ahocorasick_rs.AhoCorasick(cues, implementation=ahocorasick_rs.Implementation.ContiguousNFA)
    return automaton, tuple(tuple(owners[cue]) for cue in cues)


def _quoted_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """(opening mark, closing mark) offsets of the quotations in text[start:end]."""
    spans = []
    i = start
    while i < end:
        close = _QUOTES.get(text[i])
        if close is not None:
            j = text.find(close, i + 1, end)
            if j != -1:
                spans.append((i, j))
                i = j + 1
                continue
        i += 1
    return spans


class ExceptionChecker:
    def __init__(self, spec: Exceptions) -> None:
        self.negation = spec.negation
        self.window = spec.window
        self.negators = frozenset(normalize_term(n) for n in spec.negators)
        self._multi_char = tuple(n for n in self.negators if len(n) > 1)
        self._longest = max(map(len, self.negators), default=0)
        self.breakers = tuple(normalize_term(b) for b in spec.breakers)
        self.stops = frozenset(normalize_term(s) for s in spec.stops)
        self.refutations = tuple(normalize_term(r) for r in spec.refutations)
        self.quotes = spec.quotes
        self.reporting = tuple(normalize_term(r) for r in spec.reporting)
        phrases = tuple(normalize_term(p) for p in spec.phrases)
        # 您说/你说 reports the borrower's words, unless the collector asks a rhetorical
        # question with it (您说要是发到您朋友圈里，大家会怎么看？): a pattern, not a phrase.
        self.phrases = tuple(p for p in phrases if not p.startswith(_SAID))
        # Longer phrases that start with 您说 (您说的, 您说家里) report too, unless told.
        self._said = tuple(
            compile_pattern(_NOT_TOLD + (p[0] + _WHEN + p[1:] + _NOT_RHETORICAL if p in _SAID else regex.escape(p)))
            for p in phrases if p.startswith(_SAID))
        self.patterns = tuple(compile_pattern(p) for p in spec.patterns)
        self._pattern_sources = tuple(spec.patterns)  # for their literal tests
        self.message_phrases = tuple(normalize_term(p) for p in spec.message_phrases)
        # Compiled now to report a bad pattern at load; like their literal tests and cues,
        # shared by every rule with the same framings and kept out of the pickled pack.
        self._framing_sources = tuple(spec.framings)
        _compiled_framings(self._framing_sources)
        self._conditions = {source: _framing_conditions(source)
                            for source in (*self._framing_sources, *self._pattern_sources)}
        # Whether any phrase (negator) occurs: one automaton search once the test has run a
        # few times (most rules never get a hit in a scan), in place of a test per phrase.
        self._any_phrase = AnyOf(self.phrases)
        self._any_negator = AnyOf(tuple(sorted(self.negators)))

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        _CONDITIONS.update(self._conditions)

    def silences(self, ctx: MatchContext, hit: Hit) -> bool:
        if _DARED.search(ctx.text, ctx.clause_start(hit.start), hit.start):
            # 别以为我们不会上门: the denial is the one the borrower must not count on.
            return self._framed(ctx, hit) or (self.quotes and self._reported(ctx, hit))
        return (
            self._stated_in_message(ctx.text)
            or self._lawful_phrase_near(ctx, hit)
            or self._framed(ctx, hit)
            or (self.negation and (self._negated(ctx, hit) or self._refuted(ctx, hit)))
            or (self.quotes and self._reported(ctx, hit))
        )

    def _stated_in_message(self, text: str) -> bool:
        """A message phrase occurs in the utterance, not right after a negator (不用经您同意)."""
        for phrase in self.message_phrases:
            i = text.find(phrase)
            while i != -1:
                if not text[max(0, i - 3):i].endswith(_UNSTATED):
                    return True
                i = text.find(phrase, i + 1)
        return False

    def _refuted(self, ctx: MatchContext, hit: Hit) -> bool:
        """A refutation right after the trigger, in its sentence: 坐牢是不存在的."""
        _, end = ctx.sentence_bounds(hit.start, hit.end)
        after = ctx.text[hit.end : min(end, hit.end + _REFUTATION_REACH)]
        return any(r in after for r in self.refutations)

    def _framed(self, ctx: MatchContext, hit: Hit) -> bool:
        """The match stands inside a framing that reports a complaint as handled, disowns a
        message, or answers a borrower's question no (您问会不会上门？不会的). The framing
        opens in the sentence of the match and may end just after it; what follows it in the
        sentence is the collector's own again (您反映的情况已核实，明天我们去您单位 fires)."""
        if not self._framing_sources:
            return False
        s, e = ctx.sentence_bounds(hit.start, hit.end)
        reach = min(len(ctx.text), e + _FRAMING_REACH)
        region = ctx.text[s:reach]
        framings = _compiled_framings(self._framing_sources)
        cues = _cues(self._framing_sources)
        candidates: Iterable[int] = range(len(framings))
        if cues is not None:
            automaton, owners = cues
            found = automaton.find_matches_as_indexes(region, overlapping=True)
            if not found:
                return False  # the usual sentence: no framing's rarest literal, one search
            # Only a framing whose rarest literal occurs can match.
            candidates = sorted({k for i, _, _ in found for k in owners[i]})
        for k in candidates:
            framing, source = framings[k], self._framing_sources[k]
            # A framing's literals (反映/投诉, 不是我司, 您问 …) are rarely all there: a few
            # substring tests spare most regular-expression searches.
            tests = _literal_tests(source)
            if tests and not satisfied(tests, (), region):
                continue
            for m in framing.finditer(ctx.text, s, reach, timeout=1.0):
                if m.start() >= e or m.start() > hit.start:
                    break
                if hit.end <= m.end():
                    return True
        return False

    def _reported(self, ctx: MatchContext, hit: Hit) -> bool:
        """The trigger stands inside quotation marks and the sentence reports someone
        else's words or quotes a rule (您说的"坐牢"并不会发生, 规定"不得爆通讯录"), or the
        match crosses into words a reporting cue introduces."""
        s, e = ctx.sentence_bounds(hit.start, hit.end)
        if not _ANY_QUOTE.search(ctx.text, s, e):
            return False  # the usual sentence, settled in C
        text = ctx.text
        for qs, qe in _quoted_spans(text, s, e):
            if qs < hit.start and hit.end <= qe:
                return any(cue in text[s:e] for cue in self.reporting)
            # Across one mark of a quotation a cue introduces (您刚才说'再打电话就去你们公司…'):
            # the match joins the collector's words to the words reported. Scare quotes
            # inside a threat (被他们带去"喝茶") are not introduced, and stay the collector's.
            if (hit.start <= qs < hit.end) != (hit.start <= qe < hit.end) and self._introduces(text[s:qs]):
                return True
        return False

    def _introduces(self, before: str) -> bool:
        """The text before a quotation ends with a reporting cue (您刚才说：)."""
        before = before.rstrip(" ：:，,")
        return any(before.endswith(cue) for cue in self.reporting)

    def _lawful_phrase_near(self, ctx: MatchContext, hit: Hit) -> bool:
        if not self.phrases and not self.patterns and not self._said:
            return False
        s, e = ctx.sentence_bounds(hit.start, hit.end)
        sentence = ctx.text[s:e]
        if "【" in sentence:
            sentence = _SENDER_NAME.sub(lambda m: "\x00" * len(m.group()), sentence)
        for word in _FALSE_FRIENDS:
            if word in sentence:
                sentence = sentence.replace(word, "\x00" * len(word))
        lawful_from = 0
        for otherwise in _OTHERWISE.finditer(sentence, 0, hit.start - s):
            lawful_from = otherwise.end()
        if self.phrases and self._any_phrase(sentence[lawful_from:]) is not None:
            return True
        for said in self._said if "说" in sentence else ():  # each reports with 您说 or 你说
            # What 您说 reports follows it: 现在快十一点了，确认一下您说的明天还款 stays the
            # collector's own before it.
            # It may open the match itself (你上回说要把我们曝光: the match starts at 你).
            found = said.search(sentence, 0, hit.start - s + _SAID_REACH, timeout=1.0)
            if found is None or found.start() > hit.start - s or hit.start - s - found.end() > _SAID_SPAN:
                continue
            # 您说住院没钱，可我这边看到…: after the contrast the words are the collector's own.
            if not _CONTRAST.search(sentence, found.end(), max(found.end(), hit.start - s)):
                return True
        for pattern, source in zip(self.patterns, self._pattern_sources, strict=True):
            # As for framings: a few substring tests spare most regular-expression searches
            # (on the whole sentence, which a look-behind may read before `lawful_from`).
            tests = _literal_tests(source)
            if tests and not satisfied(tests, (), sentence):
                continue
            if pattern.search(sentence, lawful_from, timeout=1.0):
                return True
        return False

    def _negated(self, ctx: MatchContext, hit: Hit) -> bool:
        """A negator token between the terms of the match or within `window` tokens before
        it, in the same clause, with no conditional connective (就, 的话, 否则 …) in between."""
        listed = self._in_list(ctx, hit)
        if not self._negator_in_clause(ctx, hit, listed):
            return False  # settled without tokenizing the window
        denied = _DENIED_DENIAL.search(ctx.text, ctx.clause_start(hit.start), hit.end + 12)
        if denied is not None and denied.start() < hit.start:
            return False  # 不代表我们不会上门: the threat affirmed
        scope_end = _NEGATION_SCOPE_END if listed else CLAUSE_END
        k, first = ctx.token_index_at(hit.start)
        tokens = ctx.tokens(k)
        scan: list[int] = []
        if hit.inner is not None:
            _, lo = ctx.token_index_at(hit.inner[0])
            _, hi = ctx.token_index_at(hit.inner[1] - 1)
            scan.extend(range(hi, lo - 1, -1))
        # A match that starts inside a token starts inside its negator too (不|会冻结: 不会).
        begin = first if tokens[first].start < hit.start else first - 1
        # Over a coordination (不会被拘留或影响子女上学) or a list closed by 等 (不会以"冻结账户"
        # "影响子女上学"等理由) the negator denies every item: the window takes in the others.
        window = self.window
        if listed or any(tokens[j].text in _COORDINATORS for j in range(max(0, first - window), first)):
            window += self.window
        scan.extend(range(begin, max(-1, first - 1 - window), -1))
        for i in scan:
            word = tokens[i].text
            if word in self.stops or any(ch in scope_end for ch in word):
                return False
            if self._negator_at(ctx, tokens[i]):
                # A breaker may start inside the negator's token too (千万别|以为, 千万别|逼).
                token = tokens[i]
                following = ctx.text[token.start : token.end + 8]
                return not any(following.startswith(b, k) for b in self.breakers
                               for k in range(token.end - token.start))
        return False

    def _in_list(self, ctx: MatchContext, hit: Hit) -> bool:
        """The match is an item of a list a negator before it denies as a whole: a list
        closed by 等 (不会以坐牢、拘留等威胁), or the next of parallel items that repeat
        the head the negator governs (也不会给村里、给您孩子学校打电话). Not when the
        enumeration comma only parts two acts (不再提醒、直接上门)."""
        text = ctx.text
        if _LIST_CLOSED.match(text, hit.end):
            return True
        start = ctx.clause_start(hit.start)
        if start == 0 or text[start - 1] != "、":
            return False
        item = text[ctx.clause_start(start - 1):start - 1]
        heads = [item.rfind(n) + len(n) for n in self.negators if n in item]
        if not heads:
            return False
        head = max(heads)  # what the last negator of the item governs
        return item[head:head + 1] == text[start:start + 1]

    def _negator_in_clause(self, ctx: MatchContext, hit: Hit, listed: bool) -> bool:
        """Whether any negator occurs as text in the clause before the match or inside it
        (or, for an item of a list, before the list): the tokens `_negated` looks at all lie
        there, so without one it cannot find any."""
        start = ctx.clause_start(hit.start)
        if listed:  # a list: 不会以坐牢、拘留等威胁
            while start > 0 and ctx.text[start - 1] == "、":
                start = ctx.clause_start(start - 1)
        region = ctx.text[start:hit.end + self._longest]
        return bool(self.negators) and self._any_negator(region) is not None

    def _negator_at(self, ctx: MatchContext, token: Token) -> bool:
        """A negator starts at this token. jieba sometimes glues a negator's end to the next
        word (不/建议您), so a negator of two or more characters needs only to start on the
        token; a one-character negator (别) must be the whole token, or 别人 would count."""
        text, start = ctx.text, token.start
        if text[start:start + 1] in ("不", "没") and 0 < start and text[start - 1] == text[start + 1:start + 2]:
            return False  # the middle of an A-not-A question (要不要, 会不会, 有没有) asks, not denies
        if text.startswith(_DOUBLE_NEGATIVES, start):
            return False  # 不得不联系, 不能不管: an obligation, not a denial
        if start > 0 and text[start - 1] == "才" and _PAID_FIRST.search(text, max(0, start - 16), start - 1):
            return False  # 还清才不会坐牢: the negation is the condition's reward, the threat stands
        if text[token.end:token.end + 1] in _CLAUSE_PARTICLES:
            return False  # 住院谁家没有啊 都穷成这样了: the particle closes the negator's clause
        if text.startswith("不是", start) and _RHETORICAL_END.match(text, token.end):
            return False  # 你不是就在建设路那个店里嘛: a rhetorical question affirms
        if text.startswith("不能", start) and text[start - 1:start] == "总" and _SURELY_NOT_END.match(text, token.end):
            return False  # 总不能等我们到村里了再跟大伙说吧: 'surely you don't want…' affirms
        if token.text in self.negators:
            return True
        return text.startswith(self._multi_char, start)
