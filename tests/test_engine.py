"""Matching behaviour a QA reviewer would notice: what fires, what stays silent, where."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from collectlint import scan_text

from .conftest import categories, rule_ids


def test_threat_fires_with_offsets_into_the_original(linter):
    text = "张先生，再不还钱，找人打断你的腿。"
    report = linter.scan(text)
    [f] = [f for f in report.findings if f.rule_id == "TV001"]
    assert text[f.start:f.end] == f.match == "打断你"
    assert (f.line, f.column) == (1, text.index("打断") + 1)
    assert f.category == "threat_violence" and f.severity == "error"
    assert f.legal_basis and f.responses


def test_offsets_survive_separators_and_full_width(linter):
    text = "不还钱就让你去坐-牢，Ｆｕｌｌ"
    [f] = [f for f in linter.scan(text).findings if f.rule_id == "FL001"]
    assert f.match == "坐-牢" and text[f.start:f.end] == "坐-牢"


@pytest.mark.parametrize("text", [
    "【XX银行】您的信用卡本期账单已逾期，最低还款额560元，请尽快还款。如已还款请忽略。",
    "逾期信息将按规定报送征信，请您按时还款。",
    "协商不成，我司可能依法提起诉讼，由法院依法裁判。",
    "我们不会上门，也不会联系您的家人。",
    "逾期不会坐牢，这是民事纠纷，我们可以协商分期。",
])
def test_lawful_collection_is_silent(linter, text):
    assert linter.scan(text).findings == []


def test_negation_does_not_reach_across_a_condition(linter):
    # the 没有 belongs to the condition; the threat stands
    assert "FL001" in rule_ids(linter.scan("你没有还款就抓你去坐牢"))


def test_threat_opened_by_a_negator_is_not_a_denial(linter):
    assert "IN004" in rule_ids(linter.scan("到时候别怪我们不客气"))


@pytest.mark.parametrize("text", [
    "您反映的上一位催收员让您转账到个人微信的事情，我们已经核实并处理，该人员已停止作业。",
    "那条说你出门小心点的短信不是我们发的，我们已报送核查。",
    "您问我们会不会去您单位？不会的，我们只和您本人沟通。",
    "昨天我们有个同事打到你姐姐那里去了，这个是违规的，我们已经报上去处理了。",
    "近期有用户咨询逾期是否影响社保、医保或子女上学，在此说明：不会。",
    "凡是说逾期就抓人、说自己是公安法院的，您都别信，可以打110核实。",
    "您上次担心我们爆通讯录，平台是不允许这样做的。",
    "这个情况我先跟您道个歉。P图、发群这些都是我们公司明令禁止的，您可以投诉。",
    "非常抱歉让老人受惊了，我们公司禁止这类说法，您把号码给我们，我们提交核查。",
])
def test_a_tactic_reported_disowned_or_denied_is_silent(linter, text):
    assert linter.scan(text).findings == []


def test_a_framing_silences_only_what_it_covers(linter):
    # after the complaint is reported as handled, the visit is the collector's own
    assert "IN001" in rule_ids(linter.scan("您反映的情况我们已核实，明天上午我们的人去您单位找您领导谈。"))
    # a question the collector turns into a threat is no denial
    assert "IN001" in rule_ids(linter.scan("你问我们敢不敢去你单位？不会？明天就到你单位门口。"))
    assert "IN001" in rule_ids(linter.scan("有客户问我们会不会上门，回复：不会。但你再拖，我们明天就去你单位。"))


def test_lawful_words_do_not_cover_the_threat_after_otherwise(linter):
    # 麻烦您转告 asks a contact to pass a message on, lawfully; 不然 opens a threat of its own
    assert "IN003" in rule_ids(linter.scan("麻烦您转告她一声，不然我们只能去找你们店长了解情况了。"))
    assert linter.scan("麻烦您转告他回个电话，谢谢。").findings == []


def test_a_sender_name_is_no_lawful_phrase_of_the_message(linter):
    # 分期 is a lawful word of IN008 (an instalment offer), but not in the name of the sender
    threat = "你要是还不处理，我们会去学校门口等你。"
    assert "IN008" in rule_ids(linter.scan("【XX分期】" + threat))
    # a sender posing as a court frames the visit as a false legal claim, not a visit threat
    court = linter.scan("【法院执行局】你的案件已经立案，明日上午派员上门查封家具。")
    assert "IN001" not in rule_ids(court) and "FL002" in rule_ids(court)


def test_borrower_turns_never_yield_collector_findings(linter):
    text = "客户：你们说要爆我通讯录、让我坐牢，这合法吗？\n催收员：我们不会这样做，请您放心。"
    assert linter.scan(text).findings == []


def test_message_marked_as_borrower_is_silent(linter):
    assert linter.scan("你等着坐牢吧", speaker="borrower").findings == []


def test_scope_by_channel(tmp_path):
    from collectlint import Linter

    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "r.yaml").write_text("""
rules:
  - id: XX001
    name: call-only
    category: identity
    severity: info
    kind: keywords
    terms: [喂]
    scope: {channels: [call]}
    message: m
    legal_basis: [{law: l}]
    responses: [keep-calm]
    examples: {match: [喂], no_match: [你好]}
""", encoding="utf-8")
    linter = Linter(rules)
    assert [f.rule_id for f in linter.scan("喂", channel="call").findings] == ["XX001"]
    assert linter.scan("喂", channel="sms").findings == []


def test_proximity_is_gap_tolerant(linter):
    assert "IN003" in rule_ids(linter.scan("明天就群发给你通讯录里的所有人"))


def test_categories_of_a_multi_tactic_call(linter):
    text = ("坐席：你这个老赖，再不还钱就去你单位找你领导。\n"
            "客户：我会还的。\n坐席：你的案子已经立案了，等着坐牢吧。")
    assert categories(linter.scan(text)) >= {"insult", "intimidation", "false_legal"}


def test_scan_text_uses_the_shipped_pack():
    assert {f.category for f in scan_text("不还钱就打断你的腿").findings} == {"threat_violence"}


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(list("你我他不会去坐牢打断腿等着单位家人通讯录，。！ -*\n：客户坐席老赖")
                                + ["催收员：", "客户：", "\n"]), max_size=40).map("".join)
       | st.text(max_size=120))
def test_scanning_never_raises_and_offsets_hold(linter, text):
    report = linter.scan(text)
    for f in report.findings:
        assert text[f.start:f.end] == f.match
        assert f.start < f.end


def test_night_contact_from_sent_at_and_quiet_hours_profile():
    from collectlint import Linter

    text = "您的账单已逾期，请尽快还款。"
    cn, us = Linter(), Linter(quiet_hours=("21:00", "08:00"))
    assert "HA902" in rule_ids(cn.scan(text, sent_at="2026-11-20T23:40:00+08:00"))
    assert "HA902" not in rule_ids(cn.scan(text, sent_at="2026-11-20T21:30:00+08:00"))
    assert "HA902" in rule_ids(us.scan(text, sent_at="2026-11-20T21:30:00-05:00"))
    [f] = [f for f in cn.scan(text, sent_at="2026-11-20T23:40:00+08:00").findings if f.rule_id == "HA902"]
    assert text[f.start:f.end] == f.match == text  # the first sentence of the message
    # a call's per-turn clock stamps, when there is no sent_at
    call = "[21:30:05] 坐席：您好，刘先生，您的账单已逾期。\n[21:30:09] 客户：嗯"
    assert "HA902" not in rule_ids(cn.scan(call)) and "HA902" in rule_ids(us.scan(call))


def test_calls_over_the_daily_limit_are_flagged_in_input_order(tmp_path, linter):
    import json

    call = "坐席：您好，今天能还款吗？\n客户：我在想办法。"
    rows = [{"id": f"c{i}", "text": call, "channel": "call", "debtor_id": "D1",
             "sent_at": f"2026-11-20T{9 + i:02d}:00:00+08:00"} for i in range(5)]
    rows.append({"id": "other-day", "text": call, "channel": "call", "debtor_id": "D1",
                 "sent_at": "2026-11-21T09:00:00+08:00"})
    rows.append({"id": "unanswered", "text": "坐席：喂？", "channel": "call", "debtor_id": "D1",
                 "sent_at": "2026-11-20T18:00:00+08:00"})
    path = tmp_path / "calls.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    for jobs in (1, 2):
        flagged = [r.id for r in linter.iter_paths([path], jobs=jobs)
                   if any(f.rule_id == "HA903" for f in r.findings)]
        assert flagged == ["c3", "c4"], jobs


def test_wrong_party_then_disclosure_is_third_party(linter):
    text = "坐席：请问是张伟吗？\n客户：打错了，我不认识他。\n坐席：他在我们平台欠了两万，你帮忙转告一下。"
    assert "TP901" in rule_ids(linter.scan(text))
    polite = "坐席：请问是张伟吗？\n客户：打错了。\n坐席：抱歉打扰了。"
    assert linter.scan(polite).findings == []


def test_the_same_demand_repeated_in_one_call(linter):
    calls = "\n".join(["坐席：什么时候还？", "客户：月底。"] * 3)
    assert "HA905" not in rule_ids(linter.scan(calls))
    calls += "\n坐席：到底还不还？"
    findings = [f for f in linter.scan(calls).findings if f.rule_id == "HA905"]
    # only the fourth demand, in the last turn, is reported
    assert len(findings) == 1 and findings[0].match.endswith("还不还") and findings[0].line == 7


_YIELDING_PACK = """
rules:
  - id: XX001
    name: closer
    category: intimidation
    severity: warning
    yields: true
    kind: keywords
    terms: [掂量]
    message: m
    legal_basis: [{law: l}]
    responses: [keep-calm]
    examples: {match: [你自己掂量], no_match: [你好]}
  - id: XX002
    name: threat
    category: threat_violence
    severity: error
    kind: keywords
    terms: [打断]
    message: m
    legal_basis: [{law: l}]
    responses: [keep-calm]
    examples: {match: [打断你的腿], no_match: [你好]}
  - id: XX003
    name: reminder
    category: identity
    severity: warning
    kind: keywords
    terms: [还钱]
    message: m
    legal_basis: [{law: l}]
    responses: [keep-calm]
    examples: {match: [快还钱], no_match: [你好]}
"""


@pytest.mark.parametrize("exhaustive", [False, True])
def test_a_yielding_rule_reports_only_where_no_error_matched(tmp_path, exhaustive):
    from collectlint import Linter

    (tmp_path / "r.yaml").write_text(_YIELDING_PACK, encoding="utf-8")
    linter = Linter(tmp_path, select=["XX001", "XX002", "XX003"], exhaustive=exhaustive)
    assert set(rule_ids(linter.scan("这事你自己掂量。"))) == {"XX001"}
    # a warning elsewhere in the document leaves it standing
    assert set(rule_ids(linter.scan("快还钱，你自己掂量。"))) == {"XX001", "XX003"}
    # an error anywhere in the document names the violation; the closer is part of it
    assert set(rule_ids(linter.scan("快还钱，不然打断你的腿，你自己掂量。"))) == {"XX002", "XX003"}
    call = "坐席：你自己掂量。\n客户：我没钱。\n坐席：那就打断你的腿。"
    assert set(rule_ids(linter.scan(call))) == {"XX002"}


def test_the_shipped_closer_yields_to_the_threat_it_closes(linter):
    assert set(rule_ids(linter.scan("这个月底前还不上，你自己掂量吧。"))) == {"IN017"}
    threat = set(rule_ids(linter.scan("再不还钱，找人打断你的腿，你自己掂量吧。")))
    assert "TV001" in threat and "IN017" not in threat


def test_results_built_without_validation_equal_pydantic_construction():
    from collectlint.models import DocumentResult, Finding, built

    report = scan_text("再不还钱就打断你的腿")
    finding = report.documents[0].findings[0]
    values = {name: getattr(finding, name) for name in Finding.model_fields}
    assert built(Finding, **values) == Finding.model_construct(**values) == finding
    assert built(Finding, **values).model_dump_json() == finding.model_dump_json()
    doc = report.documents[0]
    values = {name: getattr(doc, name) for name in DocumentResult.model_fields}
    assert built(DocumentResult, **values).model_dump() == DocumentResult.model_validate(values).model_dump()


@given(st.text(alphabet="你好。！？!?；;\n…，a", max_size=20), st.data())
def test_sentence_bounds_are_the_nearest_sentence_ends(text, data):
    from collectlint.rules.matchers.base import SENTENCE_END, MatchContext
    from collectlint.text.tokenize import Tokenizer

    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    s, e = MatchContext(text, Tokenizer()).sentence_bounds(start, end)
    assert not any(ch in SENTENCE_END for ch in text[s:start])
    assert not any(ch in SENTENCE_END for ch in text[end:e])
    assert s == 0 or text[s - 1] in SENTENCE_END
    assert e == len(text) or text[e] in SENTENCE_END


def test_an_a_not_a_question_is_not_a_negation():
    # 要不要 / 会不会 ask; only 不要 / 不会 on their own deny.
    assert "intimidation" in categories(scan_text("要不要我把你欠钱的事发给你老婆看看"))
    assert not scan_text("我们不会把你欠钱的事发给你老婆看").findings


def test_a_restored_tokenizer_segments_like_a_freshly_built_one(tmp_path, monkeypatch):
    from collectlint.rules.loader import builtin_rules_dir, load_rule_pack
    from collectlint.text.tokenize import Tokenizer

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    user_dicts = load_rule_pack([builtin_rules_dir()]).user_dicts
    texts = ["再不还钱就爆你通讯录", "给你家人打电话", "您好，我是XX银行的客服，工号1234", "坐牢 拘留 上门"]
    built = Tokenizer(user_dicts)
    expected = [built.tokenize(t) for t in texts]
    stored = list((tmp_path / "cache" / "collectlint").glob("tokenizer-*.pickle"))
    assert len(stored) == 1

    restored = Tokenizer(user_dicts)
    restored._load()
    assert restored._jieba.tmp_dir is None  # from our pickle, not from jieba's own initialize
    assert [restored.tokenize(t) for t in texts] == expected

    extra = tmp_path / "userdict-extra.txt"
    extra.write_text("还钱就 50000\n", encoding="utf-8")
    other = Tokenizer((*user_dicts, extra))
    assert [t.text for t in other.tokenize("再不还钱就爆你通讯录")][:3] == ["再", "不", "还钱就"]
    assert len(list((tmp_path / "cache" / "collectlint").glob("tokenizer-*.pickle"))) == 2
    stored[0].write_bytes(b"broken")  # an unreadable entry is built again
    assert [Tokenizer(user_dicts).tokenize(t) for t in texts] == expected


def test_a_negator_denies_the_parallel_items_of_a_list():
    # 给村里、给您孩子学校: the items repeat the head 不会 governs; 不再提醒、直接上门 parts two acts.
    assert not scan_text("咱们不会去您家，也不会给村里、给您孩子学校打电话。").findings
    assert "intimidation" in categories(scan_text("不再提醒、直接上门。"))


def test_jieba_is_imported_without_pkg_resources_which_stays_importable(tmp_path):
    """The tokenizer imports jieba with pkg_resources refused (jieba then opens its files
    itself); a fresh dictionary build reads jieba's files that way, two tokenizers loading
    at once in two threads both get the whole module, and pkg_resources can still be
    imported afterwards."""
    import os
    import subprocess
    import sys

    pytest.importorskip("pkg_resources")
    code = (
        "import sys, threading\n"
        "from collectlint.text.tokenize import Tokenizer\n"
        "found, errors = [], []\n"
        "def tokenize():\n"
        "    try:\n"
        "        found.append([t.text for t in Tokenizer().tokenize('再不还钱就上门')])\n"
        "    except Exception as exc:\n"
        "        errors.append(repr(exc))\n"
        "threads = [threading.Thread(target=tokenize) for _ in range(2)]\n"
        "for t in threads: t.start()\n"
        "for t in threads: t.join()\n"
        "assert not errors and found[0] == found[1], errors\n"
        "assert 'pkg_resources' not in sys.modules, 'jieba imported pkg_resources'\n"
        "import pkg_resources\n"
        "print(' '.join(found[0]))\n"
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}  # no stored dictionary
    done = subprocess.run([sys.executable, "-W", "ignore", "-c", code], capture_output=True, text=True,
                          env=env, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    tokens = done.stdout.split()
    assert "".join(tokens) == "再不还钱就上门" and "上门" in tokens


def test_the_sentence_test_of_proximity_rules_changes_no_finding(monkeypatch):
    """Proximity rules skip tokenizing an utterance where no sentence holds every group (in
    order, for ordered rules); that test is only a shortcut: without it, every dev
    document gets the same findings."""
    import json

    from collectlint import Linter
    from collectlint.rules.matchers.proximity import ProximityMatcher

    from .conftest import ROOT

    lines = (ROOT / "corpora" / "labelled" / "dev.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines[::3]]

    def findings(linter):
        return [[(f.rule_id, f.start, f.end) for f in linter.scan(r["text"], channel=r["channel"]).findings]
                for r in records]

    with_test = findings(Linter())
    monkeypatch.setattr(ProximityMatcher, "_together_in_a_sentence", lambda self, ctx, present: True)
    assert findings(Linter()) == with_test
    assert sum(map(bool, with_test)) > len(records) // 2


_LAWFUL_PATTERN_PACK = """
rules:
  - id: XX010
    name: visit
    category: intimidation
    severity: error
    kind: keywords
    terms: [上门]
    exceptions:
      patterns: ['已经约好，(?:明天|后天)上门']
    message: m
    legal_basis: [{law: l}]
    responses: [keep-calm]
    examples: {match: [我们明天上门], no_match: [你好]}
"""


@pytest.mark.parametrize("exhaustive", [False, True])
def test_a_lawful_pattern_with_full_width_punctuation_silences_its_match(tmp_path, exhaustive):
    """Lawful patterns are read as NFKC, like the text: the literals that decide whether
    one is searched at all come from the pattern as it is compiled (， as ,)."""
    from collectlint import Linter

    (tmp_path / "r.yaml").write_text(_LAWFUL_PATTERN_PACK, encoding="utf-8")
    linter = Linter(tmp_path, select=["XX010"], exhaustive=exhaustive)
    assert rule_ids(linter.scan("我们跟您已经约好，明天上门。")) == []
    assert rule_ids(linter.scan("我们明天上门。")) == ["XX010"]


@pytest.mark.parametrize("exhaustive", [False, True])
def test_a_lawful_pattern_with_a_letter_cased_outside_ascii_still_silences(tmp_path, exhaustive):
    """The text is lower-cased in ASCII only and patterns ignore case: É in the text meets
    é in the pattern, which a substring test of the pattern's literals would miss."""
    from collectlint import Linter

    pack = _LAWFUL_PATTERN_PACK.replace("'已经约好，(?:明天|后天)上门'", "'已和élan约好'")
    (tmp_path / "r.yaml").write_text(pack, encoding="utf-8")
    linter = Linter(tmp_path, select=["XX010"], exhaustive=exhaustive)
    assert rule_ids(linter.scan("我们已和Élan约好明天上门。")) == []


def test_a_stored_pack_brings_the_literal_sets_of_its_framings_back(monkeypatch):
    """Deriving the framings' literal sets is part of a process's first sentences; a pack
    unpickled from the cache brings them along, and nothing is derived again."""
    import pickle

    from collectlint import Linter
    from collectlint.rules import exceptions

    checker = next(r.exceptions for r in Linter().ruleset.rules if r.exceptions._framing_sources)
    stored = pickle.dumps(checker)
    monkeypatch.setattr(exceptions, "_CONDITIONS", {})

    def derived(pattern):
        raise AssertionError(f"derived again: {pattern}")

    monkeypatch.setattr(exceptions, "_derived_conditions", derived)
    loaded = pickle.loads(stored)
    for source in (*loaded._framing_sources, *loaded._pattern_sources):
        assert exceptions._framing_conditions(source) == checker._conditions[source]
    assert any(checker._conditions.values())  # the sets themselves, not only empty ones
