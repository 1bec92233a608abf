from hypothesis import given
from hypothesis import strategies as st

from collectlint.text.normalize import normalize


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


@given(st.text())
def test_every_normalized_character_maps_into_the_source(source):
    n = normalize(source)
    assert len(n.starts) == len(n.text) == len(n.ends)
    for i in range(len(n.text)):
        assert 0 <= n.starts[i] < n.ends[i] <= len(source)
    assert list(n.starts) == sorted(n.starts)
