"""Reading a conversation like a QA reviewer: who said it, whether it was meant, how it
was spelled (issue: conversation understanding)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from collectlint.rules.loader import builtin_rules_dir, load_rule_pack
from collectlint.text.normalize import is_han

from .conftest import categories, rule_ids

_RULES = load_rule_pack([builtin_rules_dir()]).rules
VIOLATING = sorted({e for r in _RULES if r.spec.examples for e in r.spec.examples.match
                    if isinstance(e, str) and "\n" not in e and "：" not in e})
SEPARATORS = [" ", "-", "*", "·", ".", "_", "~", "|", "/", "\u3000", "\u200b"]


def _simplified_to_traditional() -> dict[int, str]:
    spec = importlib.util.find_spec("opencc")
    path = Path(spec.origin).parent / "dictionary" / "STCharacters.txt"
    table = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        simplified, _, traditional = line.partition("\t")
        first = traditional.split(" ")[0]
        if len(simplified) == 1 and len(first) == 1:
            table[ord(simplified)] = first
    return table


TO_TRADITIONAL = _simplified_to_traditional()


@pytest.mark.parametrize("text", [
    "我们不会上门。", "按规定我们不能联系您的家人。", "逾期不会坐牢，这是民事纠纷。",
    "您说的“坐牢”是不存在的，逾期属于民事纠纷。", "所谓的全国网贷黑名单并不存在。",
    "您反映的有人说要“爆通讯录”，我司严禁这样做，请您放心。",
    # a negator denies both items of a coordination; a question answered that the thing does not exist
    "普通借款逾期属民事纠纷，不会因此被拘留或影响子女上学。",
    "我司不会以“冻结账户”“影响子女上学”等理由要求您转账，请谨防诈骗。",
    "您问是不是上了“全国网贷黑名单”——没有这种名单，您别听网上瞎说。",
    # Wu and Cantonese negators, a colloquial refutation
    "阿拉勿会上门，也勿会寻侬屋里厢人，下礼拜三之前回我一声。",
    "网贷逾期是民事的事儿，坐牢、拘留那都是瞎忽悠。",
    # the borrower reporting what someone said would be done
    "您说上周有人打电话说要去您公司闹，这个我非常重视，我司工作人员绝对不会这样做。",
    # "don't think" with its own negation in another clause denies nothing of the threat
    "您不要觉得不好意思，我们不会上门的。",
])
def test_negated_refuted_and_quoted_threats_are_silent(linter, text):
    assert linter.scan(text).findings == []


@pytest.mark.parametrize("text, category", [
    ("如果今天不还，明天就去你单位。", "intimidation"),
    ("不还的话你家人出门小心点。", "threat_violence"),
    ("我早就说了，不还就让你坐牢。", "false_legal"),
    # 跟你说 tells the borrower; only 你说 reports the borrower's words.
    ("我跟你说啊，你已经上了全国网贷黑名单了，跟你说的都是真的。", "false_legal"),
    ("我给您说，再不还就是坐牢的事。", "false_legal"),
    # 才不会 names the reward of paying; the threat stands
    ("只有今天还清，才不会被追究刑事责任。", "false_legal"),
    # 您说 reports what follows it, and 您说凭什么 is the collector's own question
    ("不好意思这么晚打过来，现在快十一点了，就想确认一下您说的明天还款还算不算数。", "harassment"),
    # "don't think we won't" affirms the threat, in Mandarin and in Wu
    ("你别以为我们不会上门，下礼拜就来找你。", "intimidation"),
    ("侬勿要以为阿拉勿会上门，下礼拜就来寻侬。", "intimidation"),
    ("您爱人在市人民医院心内科当护士对吧，周三周五夜班，这些我们都清楚，您说凭什么。", "privacy_exposure"),
])
def test_conditional_and_adopted_threats_fire(linter, text, category):
    assert category in categories(linter.scan(text))


@pytest.mark.parametrize("text, rule", [
    ("不还就爆 通 讯 录", "IN003"), ("再拖就让你坐-牢", "FL001"), ("公*安马上介入", "IM003"),
    ("不還錢就讓你爸媽知道", "IN005"), ("你这样会zuo牢的", "FL001"), ("法yuan已经立案了", "FL002"),
    ("jing察明天上门带走你", "IM003"), ("ＴＭＤ你这个老赖", "IS002"), ("你这个lai子", "IS001"),
    ("姓葛的狗dong西", "IS001"), ("你的案子已经进入执xing阶段", "FL009"),
    # dialect pronouns are read as the standard ones, the finding quotes what was said
    ("再不还，俺们明天就去恁家", "IN001"), ("侬再不还，阿拉就去侬单位", "IN001"),
])
def test_evasive_spellings_still_match_and_point_at_the_original(linter, text, rule):
    report = linter.scan(text)
    assert rule in rule_ids(report), [f.rule_id for f in report.findings]
    for f in report.findings:
        assert text[f.start:f.end] == f.match


@settings(max_examples=120, deadline=None)
@given(st.sampled_from(VIOLATING), st.data())
def test_separators_between_characters_keep_the_categories(linter, text, data):
    out = []
    for i, ch in enumerate(text):
        out.append(ch)
        if i + 1 < len(text) and is_han(ch) and is_han(text[i + 1]) and data.draw(st.booleans()):
            out.append(data.draw(st.sampled_from(SEPARATORS)))
    evasive = "".join(out)
    assert categories(linter.scan(evasive)) == categories(linter.scan(text))


@settings(max_examples=120, deadline=None)
@given(st.sampled_from(VIOLATING))
def test_traditional_characters_keep_the_categories(linter, text):
    from collectlint.text.normalize import normalize

    traditional = text.translate(TO_TRADITIONAL)
    assume(normalize(traditional).text == normalize(text).text)  # conversion is invertible here
    assert categories(linter.scan(traditional)) == categories(linter.scan(text))


@settings(max_examples=150, deadline=None)
@given(st.one_of(st.sampled_from(VIOLATING), st.text(max_size=60)))
def test_a_borrower_turn_never_yields_a_collector_finding(linter, text):
    text = text.replace("\n", " ").replace("\r", " ")
    assert linter.scan("客户：" + text).findings == []


def test_going_on_after_a_stop_request(linter):
    text = "客户：我说了别再打了，我在上班。\n坐席：你今天必须还钱，不然我们一直打。"
    assert "HA901" in rule_ids(linter.scan(text))
    assert "HA901" not in rule_ids(linter.scan("坐席：你今天必须还钱，不然我们一直打。"))


def test_the_other_party_naming_a_time_ends_a_stop_request(linter):
    stop = "客户：别再打了，我在上班。\n坐席：那您看什么时候方便？\n"
    consented = stop + "客户：那就周五下午六点以后吧。\n坐席：好的，周五下午六点再打给您。"
    refused = stop + "客户：下个月吧。\n坐席：下个月不行，明天我还打。"
    assert "HA906" not in rule_ids(linter.scan(consented))
    assert "HA906" in rule_ids(linter.scan(refused))
    # the consent counts only after the stop request that it answers
    assert "HA906" in rule_ids(linter.scan("客户：那就周五下午吧。\n客户：别再打了。\n坐席：明天我还打。"))


def test_a_family_of_sayings_switches_a_conversation_rule_on(tmp_path):
    from collectlint import Linter

    (tmp_path / "r.yaml").write_text("""
rules:
  - id: XX001
    name: debt-told-to-a-relative
    category: third_party
    severity: error
    kind: keywords
    terms: [欠钱不还]
    after: {patterns: ['我是(?:他|她)的?(?:妈妈|老婆|同事)']}
    message: m
    legal_basis: [{law: l}]
    responses: [keep-calm]
    examples:
      match: ["客户：我是他的同事\\n坐席：他欠钱不还", "客户：我是她老婆\\n坐席：她欠钱不还", "客户：我是他妈妈\\n坐席：他欠钱不还"]
      no_match: ["坐席：他欠钱不还", "客户：我是他爸\\n坐席：他欠钱不还", "坐席：他欠钱不还\\n客户：我是他妈妈"]
""", encoding="utf-8")
    linter = Linter(tmp_path)
    assert "XX001" in rule_ids(linter.scan("客户：喂？我是他的同事。\n坐席：他欠钱不还。"))
    assert "XX001" not in rule_ids(linter.scan("坐席：他欠钱不还。\n客户：我是他的同事。"))
    assert "XX001" not in rule_ids(linter.scan("客户：我是他朋友。\n坐席：他欠钱不还。"))


def test_the_literal_gate_of_conversation_rules_changes_no_finding(monkeypatch):
    """Looking only at the turns where a literal every saying needs occurs finds what
    looking at every turn finds."""
    import json

    from collectlint import Linter
    from collectlint.rules.loader import CompiledRule

    from .conftest import ROOT

    texts = [json.loads(line) for name in ("dev.jsonl", "holdout.jsonl")
             for line in (ROOT / "corpora" / "labelled" / name).read_text(encoding="utf-8").splitlines()]
    texts = [r for r in texts if r["channel"] == "call"]
    gated = Linter()
    assert any(r.after_gate for r in gated.ruleset.rules)  # the case under test
    expected = [gated.scan(r["text"], channel="call").findings for r in texts]
    monkeypatch.setattr(CompiledRule, "after_gate", None)
    ungated = Linter()
    for rule in ungated.ruleset.rules:  # a pack from the cache holds the gates worked out
        monkeypatch.setitem(rule.__dict__, "after_gate", None)
    assert not any(r.after_gate for r in ungated.ruleset.rules)
    assert [ungated.scan(r["text"], channel="call").findings for r in texts] == expected
