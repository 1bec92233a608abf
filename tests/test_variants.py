"""Spelling variants: the text reads 唔 as 不 and 佢 as 他, and the rules are respelled the
same way when the pack loads, so a rule written in either form meets text in either."""

import re
from functools import cache

import pytest
from hypothesis import given
from hypothesis import strategies as st

from collectlint import Linter
from collectlint.rules.loader import builtin_rules_dir, load_rule_pack
from collectlint.text.variants import VariantTable


@cache
def shipped() -> VariantTable:
    return load_rule_pack([builtin_rules_dir()]).variants


TABLE = VariantTable(
    {"不": ["唔"], "他": ["佢"], "不用": ["唔使"], "坐牢": ["zuo牢"], "这么": ["咁"]})


def test_terms_are_respelled_as_the_text_is():
    assert TABLE.respell("唔使理我") == "不用理我"
    assert TABLE.respell("佢唔会") == "他不会"
    assert TABLE.respell("ZUO牢") == "坐牢"  # normalized first, as the text is


def test_patterns_are_respelled_inside_alternations_and_classes():
    assert TABLE.respell_pattern("(?:他|佢)唔(?:会|肯)") == "(?:他|他)不(?:会|肯)"
    assert TABLE.respell_pattern("[不唔]还") == "[不不]还"
    assert TABLE.respell_pattern("唔使|zuo牢|咁多") == "不用|坐牢|这么多"
    assert TABLE.respell_pattern("不会") == "不会"


def test_a_spelling_whose_last_character_is_optional_keeps_its_shorter_word():
    table = VariantTable({"什么": ["啥子"], "不": ["唔"]})
    respelled = table.respell_pattern("出(?:点)?啥子?事|唔使?")
    assert respelled == "出(?:点)?啥子?事|不使?"
    assert re.fullmatch(respelled, "出点啥事")  # replaced whole, 什么? would not match 啥
    assert table.respell_pattern("啥子事") == "什么事"


def test_respelling_the_shipped_table_is_stable():
    """No standard form holds a spelling, so respelling twice changes nothing (the text is
    searched for spellings once)."""
    table = shipped()
    for spelling in table.spellings:
        once = table.respell(spelling)
        assert table.respell(once) == once, spelling


@given(st.text(alphabet="唔佢咗嘅喺哋畀咁好使系你我他不是的了钱还会要", max_size=30))
def test_respelling_any_text_twice_changes_nothing(text):
    table = shipped()
    respelled = table.respell(text)
    assert table.respell(respelled) == respelled


RULES = """
rules:
  - id: XX010
    name: written-in-cantonese
    category: third_party
    severity: error
    kind: regex
    pattern: '佢(?:喺我哋度)?欠咗[0-9]+'
    message: m
    legal_basis: [{law: l}]
    responses: [keep-calm]
    examples: {match: ["佢欠咗3000"], no_match: ["您好"]}
  - id: XX011
    name: written-in-mandarin
    category: threat_violence
    severity: error
    kind: keywords
    terms: [不还钱就打断]
    exceptions: {phrases: [唔会打]}
    message: m
    legal_basis: [{law: l}]
    responses: [keep-calm]
    examples: {match: ["不还钱就打断你的腿"], no_match: ["您好"]}
"""


@pytest.fixture(scope="module")
def linters(tmp_path_factory):
    folder = tmp_path_factory.mktemp("rules")
    (folder / "r.yaml").write_text(RULES, encoding="utf-8")
    return [Linter(folder, select=["XX010", "XX011"], exhaustive=e) for e in (False, True)]


@pytest.mark.parametrize("text, expected", [
    ("佢欠咗3000", ["XX010"]),
    ("他在我们这里欠了3000", []),  # 在我们这里 is not 喺我哋度
    ("他欠了3000", ["XX010"]),  # a rule written in Cantonese reads Mandarin
    ("佢喺我哋度欠咗3000", ["XX010"]),
    ("他在我们度欠了3000", ["XX010"]),
    ("你唔还钱就打断你只脚", ["XX011"]),  # and one written in Mandarin reads Cantonese
    ("不还钱就打断你的腿", ["XX011"]),
    ("我哋唔会打人，不还钱就打断腿这种话系违法嘅", []),  # a Cantonese exception phrase
    ("我们不会打人，不还钱就打断腿这种话是违法的", []),  # holds for Mandarin too
])
def test_rules_meet_text_in_either_spelling(linters, text, expected):
    fast, exhaustive = linters
    assert [f.rule_id for f in fast.scan(text).findings] == expected
    assert fast.scan(text).findings == exhaustive.scan(text).findings


def test_findings_point_at_what_was_written(linters):
    fast, _ = linters
    (finding,) = fast.scan("阿姨，佢欠咗3000").findings
    assert finding.match == "佢欠咗3000"


def test_a_span_that_takes_part_of_a_replaced_word_reports_all_of_it():
    from collectlint.text.normalize import normalize

    table = VariantTable({"家里": ["屋企"], "你": ["恁"]})
    norm = table.apply(normalize("去恁屋企门口"))
    assert norm.text == "去你家里门口"
    assert norm.source_span(0, 3) == (0, 4)  # 去你家 → 去恁屋企
    assert norm.source_span(3, 6) == (2, 6)  # 里门口 → 屋企门口
    assert norm.source_span(0, 2) == (0, 2)  # one character for one: as it is


_PIECES = ["冇", "钱", "坐-牢", "㎏", "，", "a", "屋企"]


@given(st.lists(st.sampled_from(_PIECES), max_size=80))
def test_every_replacement_and_character_between_maps_back_to_what_was_written(pieces):
    # Replacements that change the length (冇 → 没有, 屋企 → 家) among characters that
    # normalization cuts (坐-牢) or expands (㎏ → kg): each lands in its own segment.
    from collectlint.text.normalize import normalize

    table = VariantTable({"没有": ["冇"], "家": ["屋企"]})
    source = "".join(pieces)
    norm = table.apply(normalize(source))

    def written(word: str) -> list[str]:
        spans, i = [], norm.text.find(word)
        while i != -1:
            spans.append(norm.source_span(i, i + len(word)))
            i = norm.text.find(word, i + len(word))
        return [source[start:end] for start, end in spans]

    assert written("没有") == ["冇"] * source.count("冇")
    assert written("家") == ["屋企"] * source.count("屋企")
    assert written("钱") == ["钱"] * source.count("钱")
    assert written("kg") == ["㎏"] * source.count("㎏")


def test_the_shipped_pack_quotes_a_cantonese_word_whole():
    findings = Linter().scan("信唔信我哋拉条横额去你屋企门口").findings
    (finding,) = [f for f in findings if f.rule_id == "IN001"]
    assert finding.match == "去你屋企"


SHIELDED = VariantTable({"他": ["伊"], "他们": ["伊拉"], "伊拉克": ["伊拉克"], "木乃伊": ["木乃伊"]})


@pytest.mark.parametrize("text, expected", [
    ("伊欠了钱", "他欠了钱"),
    ("伊拉晓得伐", "他们晓得伐"),
    ("伊拉克局势", "伊拉克局势"),  # a word read as written keeps its 伊
    ("木乃伊展览伊拉讲", "木乃伊展览他们讲"),
])
def test_a_word_listed_as_its_own_spelling_is_read_as_written(text, expected):
    from collectlint.text.normalize import normalize

    assert SHIELDED.apply(normalize(text)).text == expected
    assert SHIELDED.respell(text) == expected


def test_a_word_read_as_written_keeps_its_characters_in_patterns():
    assert SHIELDED.respell_pattern("(?:伊拉克|伊)欠|木乃伊|伊拉") == "(?:伊拉克|他)欠|木乃伊|他们"


def test_the_shipped_pack_reads_wu_pronouns_but_not_mandarin_names():
    linter = Linter()
    found = linter.scan("侬屋里租给一个小伙子对伐 伊在阿拉委托方借了一万七 逾期大半年了",
                        channel="call").findings
    assert {f.rule_id for f in found} & {"TP003", "TP007"}
    assert linter.ruleset.variants.respell("伊拉克和伊朗") == "伊拉克和伊朗"
    assert linter.ruleset.variants.respell("伊拉") == "他们"


def test_the_shipped_pack_reads_wu_fiao_as_two_characters():
    # 覅 (don't) becomes 不要: the stop request is heard, and the finding points at the source.
    text = "客户：侬覅再打了\n催收员：我过半个钟头再打。"
    found = Linter().scan(text, channel="call").findings
    assert [f.rule_id for f in found] == ["HA906"]
    assert found[0].match == "过半个钟头再打" and text[found[0].start:found[0].end] == found[0].match
    assert Linter(exhaustive=True).scan(text, channel="call").findings == found


def test_the_shipped_pack_reads_northwestern_we_but_not_the_e_of_amounts():
    variants = Linter().ruleset.variants
    assert variants.respell("额们的人明天去你单位") == "我们的人明天去你单位"
    assert variants.respell("金额和额度") == "金额和额度"
