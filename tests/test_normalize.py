from contextlib import contextmanager

import pytest
from hypothesis import given
from hypothesis import strategies as st

from collectlint.text import normalize as N
from collectlint.text.normalize import (
    _FAST_TABLE,
    _by_line,
    _normalize_slowly,
    fold_fast,
    normalize,
)


def test_full_width_letters_and_digits_fold_to_ascii():
    n = normalize("ＡＰＰ还款１２３")
    assert n.text == "app还款123"


def test_separators_between_han_are_removed_and_offsets_point_back():
    source = "爆 通-讯*录"
    n = normalize(source)
    assert n.text == "爆通讯录"
    start, end = n.source_span(0, len(n.text))
    assert source[start:end] == source


def test_separators_next_to_latin_or_digits_are_kept():
    assert normalize("请于 11-20 还款").text == "请于 11-20 还款"


def test_chinese_punctuation_is_not_a_separator():
    # 、 and ， separate words; removing them would invent new ones
    assert normalize("爸爸、妈妈").text == "爸爸、妈妈"


def test_zero_width_characters_are_dropped():
    n = normalize("坐\u200b牢")
    assert n.text == "坐牢"
    assert n.source_span(0, 2) == (0, 3)
    assert n.normalized_offset(2) == 1


def test_expansions_map_to_their_one_source_character():
    source = "㈱坐牢"  # NFKC: ㈱ → (株)
    n = normalize(source)
    assert n.text == "(株)坐牢"
    assert [n.source_span(i, i + 1) for i in range(5)] == [(0, 1)] * 3 + [(1, 2), (2, 3)]
    assert n.normalized_offset(1) == 3


_evasive = st.lists(st.sampled_from(list("坐牢爆通讯录公安還錢讓 -*.ＡＢａｂ１，。！…①⾞\u3000\u200b㈱\r\nAXZ：？；（）")
                                  + ["\u200d", "\u00ad", "\ufeff", "\x00", "\x0b", "\x85", "e\u0301"]),
                    max_size=30).map("".join)


@given(_evasive | st.text())
def test_every_normalized_character_maps_into_the_source(source):
    n = normalize(source)
    offsets = [n.source_offset(i) for i in range(len(n.text))]
    assert all(0 <= o < len(source) for o in offsets)
    assert offsets == sorted(offsets)
    for i, o in enumerate(offsets):
        assert n.normalized_offset(o) <= i


def _same_map(a, b, source):
    """Two normalizations of `source` give the same text and map it back alike."""
    assert a.text == b.text
    positions, offsets = range(len(a.text)), range(len(source) + 1)
    assert [a.source_offset(i) for i in positions] == [b.source_offset(i) for i in positions]
    assert [a.source_end(i) for i in positions] == [b.source_end(i) for i in positions]
    assert [a.normalized_offset(i) for i in offsets] == [b.normalized_offset(i) for i in offsets]


@given(_evasive | st.text())
def test_fast_path_equals_the_character_walk(source):
    _same_map(normalize(source), _normalize_slowly(source), source)


_lines_to_join = _evasive | st.sampled_from(["\n", "‼\n", "㎏", "\n\u200b", ""])


@given(st.lists(_lines_to_join, max_size=8).map("\n".join))
def test_line_by_line_equals_the_character_walk(source):
    _same_map(_by_line(source), _normalize_slowly(source), source)


def test_a_long_text_walks_only_its_lines_that_need_it(monkeypatch):
    import collectlint.text.normalize as module

    walked = []
    walk = module._normalize_slowly

    def counted(source):
        walked.append(source)
        return walk(source)

    expanded = "逾期‼请今天还款￥3000\n"
    source = "您好，这里是客服中心。\n" * 200 + expanded + "坐 牢？不会的。\n" * 100
    expected = walk(source)
    monkeypatch.setattr(module, "_normalize_slowly", counted)
    _same_map(normalize(source), expected, source)
    assert walked == [expanded]


def test_invisible_and_control_characters_take_the_fast_path(monkeypatch):
    import collectlint.text.normalize as module

    def no_walk(source):
        raise AssertionError("character walk")

    monkeypatch.setattr(module, "_normalize_slowly", no_walk)
    n = normalize("\u200d坐 -\u200b 牢\x0b，还\r\n钱👨\u200d👩")
    assert n.text == "坐牢,还\r\n钱👨👩"
    assert n.source_span(0, 2) == (1, 7)
    assert n.source_span(2, 3) == (8, 9)


@pytest.mark.parametrize("source", ["还款￥3000元", "￠￡￤￦￩￭ ﾊﾝ", "欠￥5,000，含费￥300"])
def test_full_width_currency_and_half_width_forms_take_the_fast_path(monkeypatch, source):
    import collectlint.text.normalize as module

    expected = _normalize_slowly(source)

    def no_walk(source):
        raise AssertionError("character walk")

    monkeypatch.setattr(module, "_normalize_slowly", no_walk)
    _same_map(normalize(source), expected, source)


def test_traditional_characters_become_simplified_in_place():
    source = "不還錢就讓你爸媽知道"
    n = normalize(source)
    assert n.text == "不还钱就让你爸妈知道"
    assert n.source_span(1, 3) == (1, 3)


@given(_evasive | st.text())
def test_fold_fast_is_the_table_translation(source):
    assert fold_fast(source) == source.translate(_FAST_TABLE)


@contextmanager
def _special_characters_found_by(way: str):
    """Normalize with the set lookup a process uses for its first characters, or with the
    regular expression it searches with after them."""
    saved = N._looked_up
    N._looked_up = 0 if way == "lookup" else N._LOOKUP_CHARS + 1
    try:
        yield
    finally:
        N._looked_up = saved


@given(_evasive | st.text())
def test_lookup_and_expression_fold_and_normalize_alike(source):
    results = []
    for way in ("lookup", "expression"):
        with _special_characters_found_by(way):
            n = normalize(source)
            results.append((fold_fast(source), n.text, n.segments))
    assert results[0] == results[1]
    assert results[0][0] == source.translate(_FAST_TABLE)


def test_fold_fast_with_many_foldable_characters():
    source = "還錢ＡＢＣ①②" * 40
    assert fold_fast(source) == source.translate(_FAST_TABLE) == "还钱abc12" * 40


@pytest.mark.parametrize("way", ["lookup", "expression"])
def test_more_distinct_foldable_characters_than_are_replaced_one_by_one(way):
    source = "还钱" + "".join(N._OTHERS[: N._MAX_REPLACED + 36]) + "，逾期"
    with _special_characters_found_by(way):
        assert N._special_characters(source)[0] is None  # the whole text is translated
        assert fold_fast(source) == source.translate(_FAST_TABLE)


@pytest.mark.parametrize("source", ["\ud800", "还钱\udfff吧", "坐\ud83d牢", "Ａ\udc00①"])
def test_lone_surrogates_take_the_character_walk_both_ways(source):
    results = []
    for way in ("lookup", "expression"):
        with _special_characters_found_by(way):
            assert N._special_characters(source) is None
            n = normalize(source)
            results.append((fold_fast(source), n.text, n.segments))
    assert results[0] == results[1]
    assert results[0][0] == source.translate(_FAST_TABLE)


def test_radicals_fold_to_simplified_like_the_character_walk():
    # ⾞ is NFKC 車, itself traditional: both paths give 车.
    assert normalize("⾞").text == _normalize_slowly("⾞").text == "车"


def test_separator_map_is_built_on_first_use():
    n = normalize("坐 - 牢，还钱")
    assert n.text == "坐牢,还钱"
    assert n.source_span(0, 2) == (0, 5)
    assert n.normalized_offset(5) == 2


def test_identity_map_only_when_nothing_was_cut_or_expanded():
    assert normalize("还钱，ＡＢ①").identity
    assert not normalize("坐 牢").identity
    assert not normalize("㈱").identity


def test_special_class_matches_what_the_set_lookup_looks_for_and_all_beyond_the_bmp():
    special = N._special_class()
    wrong = [hex(c) for c in range(0x110000)
             if bool(special.match(chr(c))) != (chr(c) in N._LOOKED_FOR or c > 0xFFFF)]
    assert wrong == []
