"""The prefiltered scan finds exactly what the exhaustive reference scan finds."""

import json

import ahocorasick_rs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from collectlint import Linter
from collectlint.io.readers import DocumentReader
from collectlint.rules import prefilter
from collectlint.rules.loader import builtin_rules_dir, load_rule_pack
from collectlint.text.normalize import normalize

from .conftest import EXAMPLES, ROOT


@pytest.fixture(scope="module")
def pair():
    ruleset = load_rule_pack([builtin_rules_dir()])
    return Linter(ruleset), Linter(ruleset, exhaustive=True)


def _corpus_texts():
    for name in ("dev.jsonl", "holdout.jsonl"):
        for line in (ROOT / "corpora" / "labelled" / name).read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            yield record["id"], record["text"], record["channel"]
    for path in sorted(EXAMPLES.glob("*.txt")):
        yield path.name, DocumentReader().read_file(path).__next__().text, None


def _same(fast, exhaustive, text, **meta):
    a = fast.scan(text, **meta).model_dump()
    b = exhaustive.scan(text, **meta).model_dump()
    assert a == b


def test_every_shipped_rule_is_gated_by_literals(pair):
    fast, _ = pair
    assert not fast.ruleset.prefilter.ungated, [fast.ruleset.rules[i].id for i in fast.ruleset.prefilter.ungated]


@pytest.mark.parametrize("shared_after", [0, 10**9], ids=["shared-index", "per-rule-tests"])
def test_fast_and_exhaustive_agree_on_the_corpus(pair, monkeypatch, shared_after):
    """Both ways of choosing the rules and alternatives to run: from the literals one
    shared automaton finds, looked up in an index of all rules' alternatives and tested as
    sets (from the first candidate utterance), and by each rule's own substring tests and
    automata."""
    monkeypatch.setattr(prefilter, "_SHARED_INDEX_AFTER", shared_after)
    fast, exhaustive = pair
    for doc_id, text, channel in _corpus_texts():
        a = fast.scan(text, id=doc_id, channel=channel).findings
        b = exhaustive.scan(text, id=doc_id, channel=channel).findings
        assert a == b, doc_id


# Transcripts assembled from trigger words, lawful phrases, negators, separators and labels.
_PIECES = [
    "催收员：", "客户：", "坐席：", "\n", "，", "。", "！", " ", "-", "*", "你", "我们", "不会", "别",
    "就", "的话", "坐牢", "抓你", "上门", "去你单位", "通讯录", "爆", "家人", "打断", "腿", "老赖",
    "你等着", "出门小心点", "黑名单", "全国", "孩子", "考公", "影响", "已经", "立案", "冻结", "曝光",
    "发到", "朋友圈", "上门费", "个人微信", "转到", "工号", "不方便", "告诉", "律师", "法院", "我是",
    "公安", "协商不成", "可能依法", "逾期", "还款", "征信", "後果自負", "還錢", "Ａ", "1", "xx",
    "zuo牢", "法yuan", "jing察", "暴通讯录", "：", "？", "XX",
    # dialect pronouns, replaced character for character (the map stays as it is)
    "恁", "俺们", "阿拉", "侬",
    # a Wu word of one character for two (覅 → 不要): the text is searched again
    "覅", "再打", "逼我",
    # spellings that are also trigger literals of the pack: one search finds both
    "gongan", "jingcha", "zuolao",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=60).map("".join), st.sampled_from([None, "sms", "call"]))
def test_fast_and_exhaustive_agree_on_generated_transcripts(pair, text, channel):
    fast, exhaustive = pair
    _same(fast, exhaustive, text, channel=channel)


@pytest.fixture(scope="module")
def automaton(pair):
    """An automaton built apart from the prefilter's, as the prefilter builds its own."""
    searchable = pair[0].ruleset.prefilter._searchable
    return ahocorasick_rs.AhoCorasick(searchable, store_patterns=False,
                                      implementation=ahocorasick_rs.Implementation.ContiguousNFA)


def _searches(prefilter_, automaton, text):
    """The literal search by substring lookup (a process's first characters) and by an
    automaton over the same literals."""
    return prefilter_._look_up(text), automaton.find_matches_as_indexes(text, overlapping=True)


def test_the_lookup_search_finds_what_the_automaton_finds_on_the_corpus(pair, automaton):
    fast, _ = pair
    found = 0
    for doc_id, text, _channel in _corpus_texts():
        by_lookup, by_automaton = _searches(fast.ruleset.prefilter, automaton, normalize(text).text)
        assert by_lookup == by_automaton, doc_id
        found += len(by_lookup)
    assert found > 10_000  # the comparison saw literals, not empty lists


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=60).map("".join))
def test_the_lookup_search_finds_what_the_automaton_finds_on_generated_text(pair, automaton, text):
    fast, _ = pair
    by_lookup, by_automaton = _searches(fast.ruleset.prefilter, automaton, normalize(text).text)
    assert by_lookup == by_automaton


def test_a_single_message_never_builds_the_automaton():
    linter = Linter(load_rule_pack([builtin_rules_dir()]))
    assert linter.scan("【XX银行】您本期账单应还1280元，还款日为11月20日，请按时还款。").findings == []
    assert linter.ruleset.prefilter._automaton is None
    linter.scan("你再不还钱就上门找你家人。" * (prefilter._LOOKUP_CHARS // 10))
    assert linter.ruleset.prefilter._automaton is not None


def test_a_batch_worker_searches_with_the_automaton_from_its_first_message():
    linter = Linter(load_rule_pack([builtin_rules_dir()]))
    linter.ruleset.prefilter.expect_batch()
    assert linter.ruleset.prefilter._search("") == []  # a turn normalization left empty
    assert linter.ruleset.prefilter._automaton is None  # nothing to search, nothing built
    found = linter.scan("你再不还钱就上门找你家人。").findings
    assert linter.ruleset.prefilter._automaton is not None
    assert found == Linter(load_rule_pack([builtin_rules_dir()])).scan("你再不还钱就上门找你家人。").findings
    assert found  # a message with findings: both searches found its literals


def test_a_rule_that_names_a_spelling_reads_its_standard_form(pair):
    """Rules may be written with spellings the text never holds (FL005 names jingcha and
    gongan, read as 警察 and 公安): the loader respells them, so no trigger literal is one."""
    fast, exhaustive = pair
    literals = fast.ruleset.prefilter.literals
    assert not literals & (set(fast.ruleset.variants.spellings) - fast.ruleset.variants.shields)
    for text in ("我是jingcha，你涉嫌诈骗", "gongan马上来抓你", "你再不还就去zuolao吧"):
        findings = fast.scan(text).findings
        assert findings and findings == exhaustive.scan(text).findings, text


def test_a_literals_list_that_misses_an_alternative_is_completed(tmp_path):
    """An author's list may miss what one alternative requires (皮痒 here); the prefilter
    may trigger on the list, so the loader adds it and the fast scan still finds it."""
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "r.yaml").write_text("""
rules:
  - id: XX001
    name: listed
    category: threat_violence
    severity: error
    kind: regex
    pattern: "打断(?:你|您)的腿|(?:你|您)(?:又)?皮(?:又)?痒"
    literals: [打断你, 打断您]
    message: m
    legal_basis: [{law: l}]
    responses: [keep-calm]
    examples: {match: [打断你的腿, 你皮痒], no_match: [你好]}
""", encoding="utf-8")
    fast = Linter(rules, select=["XX001"])
    exhaustive = Linter(rules, select=["XX001"], exhaustive=True)
    matcher = fast.ruleset.rules[0].matcher
    assert {"打断你", "打断您", "你皮痒", "您又皮又痒"} <= matcher.literals[0]
    for text in ("再不还就打断你的腿", "你皮痒是吧", "您又皮又痒了"):
        assert [f.rule_id for f in fast.scan(text).findings] == ["XX001"], text
        assert fast.scan(text).findings == exhaustive.scan(text).findings


def test_a_message_without_candidates_never_loads_jieba():
    linter = Linter()
    report = linter.scan("您好，本期账单已出，请按时还款。")
    assert report.findings == [] and not linter.tokenizer.loaded
    linter.scan("再不还钱就打断你的腿")
    assert linter.tokenizer.loaded


def test_the_negator_text_check_only_skips_tokenizing(monkeypatch):
    """Without a negator in the text of the clause, negation is decided without jieba;
    deciding it with jieba every time finds the same."""
    from collectlint.rules.exceptions import ExceptionChecker

    quick = Linter()
    expected = {doc_id: quick.scan(text, id=doc_id, channel=channel).findings
                for doc_id, text, channel in _corpus_texts()}
    monkeypatch.setattr(ExceptionChecker, "_negator_in_clause", lambda self, ctx, hit, listed: True)
    slow = Linter()
    for doc_id, text, channel in _corpus_texts():
        assert slow.scan(text, id=doc_id, channel=channel).findings == expected[doc_id], doc_id


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["恁", "俺们", "阿拉", "侬", "去", "家", "你", "通讯录", "爆", "家人", "我们",
                                 "上门", "zuo牢", "，", "坐牢", "老赖", "单位", "还钱"]), max_size=40).map("".join))
def test_searching_again_near_pronouns_finds_what_a_whole_search_finds(pair, text):
    """After replacements of the same length (恁 → 你) only the stretches around them are
    searched again; the literals found equal those of a search of the whole new text."""
    filt = pair[0].ruleset.prefilter
    norm, found = filt.search(normalize(text))
    whole = filt._search(norm.text)
    assert filt.literal_hits(found) == filt.literal_hits(whole)
    assert filt.gate_starts(found) == filt.gate_starts(whole)


def test_the_document_pass_finds_the_gates_a_search_of_their_own_finds(pair):
    """The conversation rules' gate literals ride in the prefilter's automaton: where the
    document pass finds them is where the gates' own automaton finds them, spellings
    replaced (俺不认识他 → 我不认识他) or not."""
    filt = pair[0].ruleset.prefilter
    gates = pair[0].ruleset.conversation_gates
    assert gates.literals  # the case under test
    texts = [text for _, text, _ in _corpus_texts()]
    texts += ["俺不认识他，恁们不要再打了", "坐席：你好\n客户：打错了，我不认识这个人",
              "凌晨三点了还打"]
    seen = 0
    for text in texts:
        norm, found = filt.search(normalize(text))
        expected = gates.starts(norm.text)
        assert filt.gate_starts(found) == expected, text
        seen += bool(expected)
    assert seen > 20
