"""Rule-file problems stop the load with `path:line: rule ID: what is wrong`."""

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from collectlint.errors import RuleFileErrors
from collectlint.rules.loader import builtin_rules_dir, load_rule_pack

GOOD = """rules:
  - id: XX001
    name: demo
    category: insult
    severity: error
    kind: keywords
    terms: [老赖]
    message: m
    legal_basis: [{law: l, article: a}]
    responses: [keep-calm]
    examples: {match: [老赖], no_match: [你好]}
"""


def load(tmp_path, text):
    (tmp_path / "r.yaml").write_text(text, encoding="utf-8")
    return load_rule_pack([builtin_rules_dir(), tmp_path])


def errors_of(tmp_path, text) -> list[str]:
    with pytest.raises(RuleFileErrors) as info:
        load(tmp_path, text)
    return [str(e) for e in info.value.errors]


def test_a_good_rule_file_loads(tmp_path):
    assert load(tmp_path, GOOD).get("XX001") is not None


def test_unknown_field_names_file_line_and_rule(tmp_path):
    [msg] = errors_of(tmp_path, GOOD.replace("    terms:", "    colour: red\n    terms:"))
    assert msg.startswith(f"{tmp_path / 'r.yaml'}:7: rule XX001: colour")


def test_unknown_kind_and_category(tmp_path):
    msgs = errors_of(tmp_path, GOOD.replace("kind: keywords", "kind: magic"))
    assert any("XX001" in m and "kind" in m for m in msgs)
    msgs = errors_of(tmp_path, GOOD.replace("category: insult", "category: rudeness"))
    assert any(":4: rule XX001: category" in m for m in msgs)


def test_bad_regex(tmp_path):
    text = GOOD.replace("kind: keywords\n    terms: [老赖]", "kind: regex\n    pattern: '(老赖'")
    [msg] = errors_of(tmp_path, text)
    assert "rule XX001: invalid regular expression" in msg


@pytest.mark.parametrize("term", ["''", "' '", '"\\u200b"'], ids=["empty", "space", "zero-width"])
def test_a_conversation_term_that_normalizes_to_nothing_is_an_error(tmp_path, term):
    """Every `after` term is searched for: one with nothing left once normalized would
    match everywhere (and the search of all rules' terms cannot take it)."""
    text = GOOD.replace("    message: m", f"    after: {{terms: [别打了, {term}]}}\n    message: m")
    [msg] = errors_of(tmp_path, text)
    assert "rule XX001: after.terms" in msg and "empty term" in msg


def test_duplicate_id_across_files(tmp_path):
    (tmp_path / "a.yaml").write_text(GOOD, encoding="utf-8")
    msgs = errors_of(tmp_path, GOOD)
    assert any("duplicate id" in m and "XX001" in m for m in msgs)


def test_unknown_response_id(tmp_path):
    [msg] = errors_of(tmp_path, GOOD.replace("[keep-calm]", "[no-such-advice]"))
    assert "unknown response id 'no-such-advice'" in msg


def test_malformed_yaml_names_the_line(tmp_path):
    [msg] = errors_of(tmp_path, GOOD.replace("    terms: [老赖]", "    terms: [老赖"))
    assert msg.startswith(str(tmp_path / "r.yaml") + ":") and "invalid YAML" in msg


def test_duplicate_key(tmp_path):
    [msg] = errors_of(tmp_path, GOOD.replace("    severity: error", "    severity: error\n    severity: info"))
    assert "duplicate key 'severity'" in msg


def test_every_problem_is_reported_not_just_the_first(tmp_path):
    two = GOOD + GOOD.replace("XX001", "XX002").replace("kind: keywords", "kind: nope").replace(
        "rules:\n", "")
    two = two.replace("severity: error", "severity: fatal", 1)
    msgs = errors_of(tmp_path, two)
    assert any("XX001" in m for m in msgs) and any("XX002" in m for m in msgs)


_MUTATIONS = st.sampled_from(["delete", "duplicate", "garbage", "indent", "value"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(_MUTATIONS, st.integers(min_value=0, max_value=200),
                          st.sampled_from(["", "]", "[", ":", "- x", "kind: regex", "pattern: '('",
                                           "within: -1", "severity: fatal", "id: XX001", "{", "\t"])),
                min_size=1, max_size=4))
def test_mutated_rule_files_give_clean_errors(tmp_path_factory, mutations):
    source = (builtin_rules_dir() / "threat_violence.yaml").read_text(encoding="utf-8").splitlines()
    for kind, at, text in mutations:
        i = at % len(source)
        if kind == "delete":
            del source[i]
        elif kind == "duplicate":
            source.insert(i, source[i])
        elif kind == "garbage":
            source.insert(i, text)
        elif kind == "indent":
            source[i] = " " + source[i]
        else:
            head, _, _ = source[i].partition(":")
            source[i] = f"{head}: {text}"
        if not source:
            source = [""]
    folder = tmp_path_factory.mktemp("fuzz")
    (folder / "responses.yaml").write_text(
        (builtin_rules_dir() / "responses.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "rules.yaml").write_text("\n".join(source), encoding="utf-8")
    try:
        load_rule_pack([folder])
    except RuleFileErrors as exc:
        for error in exc.errors:
            assert str(error).startswith(str(folder)), str(error)
            assert "\n" not in str(error)


def test_pattern_facts_are_cached_and_equal_to_a_fresh_derivation(tmp_path):
    from collectlint.rules.literals import (
        PatternFacts,
        parse_pattern,
        required_conditions,
        required_literals,
        top_level_branches,
    )

    patterns = ["(?:去|到)(?:你|你们)家", "坐牢|拘留", r"(?<![不没])上门(?:催收)?", r"\p{Han}{2}催收"]
    first = PatternFacts(tmp_path)
    derived = [first.of(p) for p in patterns]
    first.save()
    assert (tmp_path / PatternFacts.FILE).is_file()
    again = PatternFacts(tmp_path)
    assert [again.of(p) for p in patterns] == derived
    assert not again._changed  # every answer came from the file
    for p, (regex_only, required, branches, conditions) in zip(patterns, derived):
        parsed = parse_pattern(p)
        assert regex_only == (parsed is None)
        assert required == (None if parsed is None else required_literals(parsed))
        assert branches == (None if parsed is None else top_level_branches(p, parsed))
        assert conditions == (() if parsed is None else required_conditions(parsed))
    assert derived[1][2] == (("坐牢", frozenset({"坐牢"}), (frozenset({"坐牢"}),)),
                             ("拘留", frozenset({"拘留"}), (frozenset({"拘留"}),)))


def test_a_broken_or_stale_pattern_cache_is_ignored(tmp_path):
    from collectlint.rules.literals import PatternFacts

    (tmp_path / PatternFacts.FILE).write_text("{not json", encoding="utf-8")
    fresh = PatternFacts(tmp_path).of("坐牢|拘留")
    assert fresh[:2] == (False, frozenset({"坐牢", "拘留"}))
    (tmp_path / PatternFacts.FILE).write_text(
        '{"version": "old", "patterns": {"坐牢|拘留": [false, ["x"], null]}}', encoding="utf-8")
    assert PatternFacts(tmp_path).of("坐牢|拘留") == fresh
    unwritable = PatternFacts(tmp_path / "file" / "below")
    (tmp_path / "file").write_text("", encoding="utf-8")
    unwritable.of("坐牢")
    unwritable.save()  # cannot create the folder: no error, nothing written


def test_conditions_are_every_literal_set_a_match_draws_from():
    from collectlint.rules.literals import parse_pattern, required_conditions

    def conditions(p):
        return {tuple(sorted(g)) for g in required_conditions(parse_pattern(p))}

    assert conditions("去你家.{0,6}(?:砸|烧)") == {("去你家",), ("烧", "砸")}
    assert conditions("(?:上门|到你单位)(?:.{0,4}找你)+") == {("上门", "到你单位"), ("找你",)}
    assert conditions("坐牢(?:.{0,3}拘留)?") == {("坐牢",)}  # an optional part requires nothing
    assert conditions("(?<!不)上门|起诉") == {("上门", "起诉")}  # an alternation: its union
    assert conditions("A.{0,2}B") == {("a",), ("b",)}  # matched ignoring case, on lower-cased text
    assert conditions(r"\d+元") == {("元",)}


def test_top_level_branches_split_only_what_can_run_apart():
    from collectlint.rules.literals import parse_pattern, top_level_branches

    def split(p):
        branches = top_level_branches(p, parse_pattern(p))
        return None if branches is None else [source for source, _, _ in branches]

    assert split(r"(?:你|您)欠|[|(]x|a\|b") == ["(?:你|您)欠", "[|(]x", r"a\|b"]
    assert split("坐牢|坐车") is None  # the parser factors out 坐
    assert split(r"(a)|\1b") is None  # a back-reference
    assert split("(?i)ab|cd") is None  # inline flags
    assert split("上门催收") is None  # not an alternation


def test_a_loaded_pack_is_cached_and_a_changed_file_is_loaded_again(tmp_path, monkeypatch):
    from collectlint import Linter
    from collectlint.rules import loader

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))

    def ids(report):
        return {f.rule_id for f in report.findings}

    rules = tmp_path / "rules"
    rules.mkdir()
    own = GOOD.replace("[老赖]", "[蓝色香蕉]")
    (rules / "r.yaml").write_text(own, encoding="utf-8")
    first = load_rule_pack([builtin_rules_dir(), rules])
    entries = list((tmp_path / "cache" / "collectlint").glob("pack-*.pickle"))
    assert len(entries) == 1

    def refuse(dirs):
        raise AssertionError("the rule files were read again")

    with monkeypatch.context() as m:
        m.setattr(loader, "_load_from_files", refuse)
        again = load_rule_pack([builtin_rules_dir(), rules])
    assert [r.id for r in again.rules] == [r.id for r in first.rules]
    assert again.get("XX001") is not None
    assert ids(Linter(again).scan("你这个蓝色香蕉")) == {"XX001"}

    (rules / "r.yaml").write_text(own.replace("蓝色香蕉", "紫色葡萄"), encoding="utf-8")
    changed = Linter(load_rule_pack([builtin_rules_dir(), rules]))
    assert not ids(changed.scan("你这个蓝色香蕉")) and ids(changed.scan("你这个紫色葡萄")) == {"XX001"}
    entries = list((tmp_path / "cache" / "collectlint").glob("pack-*.pickle"))
    assert len(entries) == 2

    for entry in entries:  # a broken entry is loaded from the files instead
        entry.write_bytes(b"not a pickle")
    assert ids(Linter(load_rule_pack([builtin_rules_dir(), rules])).scan("你这个紫色葡萄")) == {"XX001"}
    # A pack that failed to load is not stored.
    (rules / "r.yaml").write_text(own.replace("keep-calm", "no-such-response"), encoding="utf-8")
    with pytest.raises(RuleFileErrors):
        load_rule_pack([builtin_rules_dir(), rules])
    assert len(list((tmp_path / "cache" / "collectlint").glob("pack-*.pickle"))) == 2


def test_a_cached_pack_brings_its_prefilter_and_scans_alike(tmp_path, monkeypatch):
    """The stored pack carries its prefilter (trigger literals worked out), without the
    automaton or anything a scan filled in; both are made again on use."""
    from collectlint import Linter

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    fresh = load_rule_pack([builtin_rules_dir()])
    assert "prefilter" in fresh.__dict__  # worked out when the pack was stored
    cached = load_rule_pack([builtin_rules_dir()])
    assert cached is not fresh and "prefilter" in cached.__dict__
    prefilter = cached.prefilter
    assert prefilter._automaton is None and prefilter._selections == {}
    assert prefilter.triggers == fresh.prefilter.triggers and prefilter.literals == fresh.prefilter.literals
    text = "催收员：你再不还钱，我们明天就去你单位找你领导，再爆你通讯录。\n客户：你们这是违法的"
    found = [(f.rule_id, f.start, f.end) for f in Linter(cached).scan(text).findings]
    assert found and found == [(f.rule_id, f.start, f.end) for f in Linter(fresh).scan(text).findings]
    assert prefilter._looked_up > 0  # searched (a short text by lookup: see test_fast_mode)


def test_a_pickled_regex_matcher_unpacks_its_alternatives_on_first_use():
    import pickle

    from collectlint.rules.matchers.base import MatchContext
    from collectlint.rules.matchers.regex import RegexMatcher
    from collectlint.text.tokenize import Tokenizer

    matcher = RegexMatcher("去你家.{0,6}(?:砸|烧)|坐牢", token_aligned=False, timeout=1.0)
    copy = pickle.loads(pickle.dumps(matcher))
    assert "_branches" not in copy.__dict__ and "_packed" in copy.__dict__
    ctx = MatchContext("明天去你家把门砸了", Tokenizer(), {"去你家": [2]}, frozenset({"去你家", "坐牢"}))
    assert [(h.start, h.end) for h in copy.find(ctx)] == [(2, 8)]
    assert copy._branches == matcher._branches and "_packed" not in copy.__dict__
    with pytest.raises(AttributeError):
        copy.no_such_attribute  # noqa: B018


def test_a_cached_pack_keeps_the_rule_paths_as_given(tmp_path, monkeypatch):
    from collectlint.rules.packcache import pack_key

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    rules = tmp_path / "team" / "rules"
    rules.mkdir(parents=True)
    (rules / "r.yaml").write_text(GOOD.replace("[老赖]", "[蓝色香蕉]"), encoding="utf-8")
    monkeypatch.chdir(tmp_path / "team")
    relative = load_rule_pack([builtin_rules_dir(), Path("rules")])
    assert str(relative.get("XX001").path) == str(Path("rules") / "r.yaml")
    monkeypatch.chdir(tmp_path)
    # The same folder written another way is another load, with its own paths.
    assert pack_key([Path("team/rules")]) != pack_key([rules]) != pack_key([Path("rules")])
    assert load_rule_pack([builtin_rules_dir(), Path("team/rules")]).get("XX001").path == Path("team/rules/r.yaml")


def test_after_needs_terms_or_patterns_and_its_patterns_must_compile(tmp_path):
    with_after = GOOD.replace("    message: m", "    after: {AFTER}\n    message: m")
    msgs = errors_of(tmp_path, with_after.replace("{AFTER}", "{speakers: [borrower]}"))
    assert any("rule XX001:" in m and "`after` needs `terms` or `patterns`" in m for m in msgs)
    [msg] = errors_of(tmp_path, with_after.replace("{AFTER}", "{patterns: ['(我是']}"))
    assert "rule XX001: invalid regular expression" in msg


@pytest.mark.parametrize("pattern", [
    "(?:别打了){e<=1}",  # a fuzzy match: Python's parser would read "{e<=1}" as text
    "打断你的腿{s<=1}",
    "[[:alpha:]]+催收",  # a POSIX class: Python's parser would read a set of [:alph
])
def test_syntax_only_the_regex_package_means_gives_no_literals(pattern):
    from collectlint.rules.literals import derive_facts

    regex_only, required, _, _ = derive_facts(pattern)
    assert regex_only and required is None


def test_a_literal_with_a_cased_letter_beyond_ascii_gives_none():
    """Text is lower-cased in ASCII only, patterns match ignoring case: É in the text
    would not be found as the literal é."""
    from collectlint.rules.literals import derive_facts

    assert derive_facts("été催收")[1] is None
    assert derive_facts("Loan逾期")[1] == frozenset({"loan逾期"})


def test_a_fuzzy_pattern_matches_alike_in_both_modes(tmp_path):
    from collectlint import Linter

    (tmp_path / "r.yaml").write_text("""
rules:
  - id: XX002
    name: fuzzy-threat
    category: threat_violence
    severity: error
    kind: regex
    pattern: '(?:打断你的腿){s<=1}'
    message: m
    legal_basis: [{law: l}]
    responses: [keep-calm]
    examples: {match: ["打断你得腿"], no_match: ["您好"]}
""", encoding="utf-8")
    fast = Linter(tmp_path, select=["XX002"])
    exhaustive = Linter(tmp_path, select=["XX002"], exhaustive=True)
    for text in ("再不还就打断你得腿", "再不还就打断你的腿"):
        assert [f.rule_id for f in fast.scan(text).findings] == ["XX002"]
        assert fast.scan(text).findings == exhaustive.scan(text).findings


def test_the_literal_frequency_table_is_well_formed():
    """Written by bench/literal_frequency.py: shares of sentences; every single character
    of the pack, and longer literals above the share assumed for one the table does not
    list (the others are left out)."""
    from collectlint.rules.literals import (
        FREQUENCY_FILE,
        UNMEASURED,
        UNMEASURED_LONGER,
        parse_frequencies,
        read_frequency_file,
    )

    table = parse_frequencies(read_frequency_file())
    assert FREQUENCY_FILE.is_file() and len(table) > 500
    assert sum(len(literal) == 1 for literal in table) > 100
    for literal, share in table.items():
        assert 0 <= share <= 1, literal
        assert len(literal) == 1 or share > UNMEASURED.get(len(literal), UNMEASURED_LONGER), literal


def test_triggers_avoid_the_common_words_of_collection_speech():
    """我们 and 电话 are two characters long, like 拘留, yet in most collection calls."""
    from collectlint.rules.literals import parse_pattern, required_literals, selectivity, share_of

    assert share_of("我们") > 0.1 and share_of("电话") > share_of("拘留")
    assert selectivity(frozenset({"拘留"})) > selectivity(frozenset({"我们"}))
    assert selectivity(frozenset({"我们"})) > selectivity(frozenset({"你"}))
    # A literal the table lacks is taken as rare as its length suggests.
    assert share_of("爆你通讯录") == share_of("某个从未见过的词")
    assert required_literals(parse_pattern("我们.{0,4}拘留")) == frozenset({"拘留"})


def test_without_the_table_literals_are_judged_by_length(monkeypatch, tmp_path):
    from collectlint.rules import literals

    monkeypatch.setattr(literals, "FREQUENCY_FILE", tmp_path / "missing.tsv")
    table = literals.parse_frequencies(literals.read_frequency_file())
    assert table == {}
    monkeypatch.setattr(literals, "_FREQUENCY", table)
    assert literals.share_of("我们") == literals.UNMEASURED[2]
    assert literals.selectivity(frozenset({"拘留"})) == literals.selectivity(frozenset({"我们"}))
    assert literals.selectivity(frozenset({"我们"})) > literals.selectivity(frozenset({"你"}))
