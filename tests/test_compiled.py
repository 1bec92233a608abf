"""The store of compiled patterns (rules/compiled.py) and the literal tests of AnyOf."""

import pickle
import subprocess
import sys

import pytest
import regex

from collectlint.rules import compiled
from collectlint.rules.compiled import CompiledPatterns
from collectlint.rules.matchers.base import _ANY_OF_COMPILE_AFTER, AnyOf

PATTERN = r"(?:打断|砍断)你的?(?:腿|手)|出门小心点"
TEXTS = ["再不还就打断你的腿。", "砍断你手", "出门小心点", "您出门注意安全", "打断一下，您的还款日是15号"]


def spans(pattern, texts):
    return [[m.span() for m in pattern.finditer(t)] for t in texts]


def test_a_stored_pattern_loads_without_compiling_and_matches_alike(tmp_path, monkeypatch):
    first = CompiledPatterns(tmp_path)
    fresh = first.compile(PATTERN)
    assert spans(fresh, TEXTS) == spans(regex.compile(PATTERN, compiled.FLAGS), TEXTS)
    first.save()
    assert first.path.exists()

    def no_compiling(*args, **kwargs):
        raise AssertionError("compiled again")

    monkeypatch.setattr(compiled.regex, "compile", no_compiling)
    loaded = CompiledPatterns(tmp_path).compile(PATTERN)
    assert spans(loaded, TEXTS) == spans(fresh, TEXTS)
    assert loaded.flags & regex.IGNORECASE
    assert loaded.search("ABC打断你的腿") is not None


def test_saving_adds_to_what_another_run_stored(tmp_path):
    one, two = CompiledPatterns(tmp_path), CompiledPatterns(tmp_path)
    one.compile("甲+")
    two.compile("乙+")
    one.save()
    two.save()  # reads the file again first: 甲+ stays
    with (tmp_path / one.path.name).open("rb") as fh:
        assert set(pickle.load(fh)) == {"甲+", "乙+"}


def test_a_damaged_file_or_entry_is_compiled_again(tmp_path):
    store = CompiledPatterns(tmp_path)
    store.path.write_bytes(b"not a pickle")
    assert store.compile("丙+").search("丙丙")
    store.save()
    with store.path.open("rb") as fh:
        entries = pickle.load(fh)
    entries["丙+"] = b"\x80damaged"
    store.path.write_bytes(pickle.dumps(entries))
    assert CompiledPatterns(tmp_path).compile("丙+").search("丙丙").span() == (0, 2)


def test_an_invalid_pattern_raises_and_is_not_stored(tmp_path):
    store = CompiledPatterns(tmp_path)
    with pytest.raises(regex.error):
        store.compile("(未闭合")
    assert store.take_new() == {}
    store.save()
    assert not store.path.exists()


def test_what_a_worker_compiled_is_handed_over_once_and_written_by_the_parent(tmp_path):
    worker, parent = CompiledPatterns(None), CompiledPatterns(tmp_path)
    worker.compile("丁+")
    handed = worker.take_new()
    assert set(handed) == {"丁+"}
    assert worker.take_new() == {}
    parent.merge(handed)
    parent.save()
    assert CompiledPatterns(tmp_path).compile("丁+").search("丁丁")


def test_a_scan_leaves_its_patterns_for_the_next_process(tmp_path):
    env_code = (
        "import collectlint, sys; r = collectlint.scan_text('再不还钱就打断你的腿，出门小心点'); "
        "sys.exit(0 if r.findings else 3)"
    )
    env = {"XDG_CACHE_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    subprocess.run([sys.executable, "-c", env_code], check=True, env=env)
    stored = list((tmp_path / "collectlint").glob("regex-*.pickle"))
    assert len(stored) == 1
    with stored[0].open("rb") as fh:
        assert len(pickle.load(fh)) > 0


@pytest.mark.parametrize("literals", [("逾期", "还款", "征信", "爆通讯录"), ("a.b", "(x)", "下午三点")])
def test_any_of_answers_alike_before_and_after_compiling(literals):
    texts = ["今天是还款日", "爆通讯录了", "nothing", "a.b", "axb", "(x)", "x", "下午三点前", ""]
    test = AnyOf(literals)
    expected = [any(lit in t for lit in literals) for t in texts]
    rounds = []
    for _ in range(_ANY_OF_COMPILE_AFTER // len(texts) + 2):  # past the switch to a compiled search
        rounds.append([test(t) is not None for t in texts])
    assert all(r == expected for r in rounds)
    assert test._search is not None
