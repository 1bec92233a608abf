"""Bad input, bad rules and pathological patterns never sink a batch."""

from __future__ import annotations

import json
import socket

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from collectlint import Linter
from collectlint.io.readers import DocumentReader

CATASTROPHIC = """rules:
  - id: XX900
    name: slow-pattern
    category: insult
    severity: error
    kind: regex
    pattern: '坐牢(?:a|aa)+b'
    message: m
    legal_basis: [{law: l}]
    responses: [keep-calm]
    examples: {match: [坐牢ab], no_match: [你好]}
"""


def test_compiling_a_pattern_does_not_spend_the_documents_regex_budget(tmp_path, monkeypatch):
    import time

    from collectlint import engine
    from collectlint.rules.matchers import regex as regex_matcher

    compile_pattern = regex_matcher.compile_pattern

    def slow_compile(pattern):
        time.sleep(0.3)  # a slow first compilation, longer than the whole budget
        return compile_pattern(pattern)

    monkeypatch.setattr(engine, "REGEX_BUDGET_SECONDS", 0.2)
    monkeypatch.setattr(regex_matcher, "compile_pattern", slow_compile)
    rules = tmp_path / "rules"
    rules.mkdir()
    quick = CATASTROPHIC.replace("(?:a|aa)+b", "了")
    second = quick.split("rules:\n", 1)[1].replace("XX900", "XX901").replace("slow-pattern", "slow-too")
    (rules / "quick.yaml").write_text(quick + second, encoding="utf-8")
    # Two rules: the first one's compilation must not leave the second without budget.
    [doc] = Linter(rules, select=["XX900", "XX901"]).scan("你这样会坐牢了").documents
    assert doc.status == "ok" and sorted(f.rule_id for f in doc.findings) == ["XX900", "XX901"]


def test_a_catastrophic_pattern_errors_its_document_and_the_batch_goes_on(tmp_path, monkeypatch):
    from collectlint import engine

    monkeypatch.setattr(engine, "REGEX_BUDGET_SECONDS", 0.2)
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "slow.yaml").write_text(CATASTROPHIC, encoding="utf-8")
    batch = tmp_path / "b.jsonl"
    batch.write_text("\n".join(json.dumps({"id": i, "text": t}, ensure_ascii=False) for i, t in [
        ("a", "你这个老赖"), ("slow", "坐牢" + "a" * 40 + "!b"), ("c", "你等着")]) + "\n", encoding="utf-8")
    results = list(Linter(rules).iter_paths([batch]))
    assert [r.id for r in results] == ["a", "slow", "c"]
    assert [r.status for r in results] == ["ok", "error", "ok"]
    assert "XX900" in results[1].error
    assert results[0].findings and results[2].findings


def test_no_network_is_touched(monkeypatch, tmp_path):
    def refuse(*args, **kwargs):
        raise AssertionError("network access")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    linter = Linter()
    assert linter.scan("再不还钱就打断你的腿").findings


_GOOD = ["你这个老赖", "请尽快还款", "客户：我没钱\n坐席：那就去你单位找你领导", "明天就去你单位", ""]
_BAD = ["not json", '{"id": 5}', "[1, 2]", '{"text": 7}', '{"text": "x", "speaker": "alien"}',
        '{"text": "x", "channel": "fax"}']


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(st.sampled_from(_GOOD).map(lambda t: ("good", t)),
                          st.sampled_from(_BAD).map(lambda t: ("bad", t))), max_size=12))
def test_mixed_batches_keep_every_record(tmp_path_factory, linter, records):
    path = tmp_path_factory.mktemp("batch") / "mixed.jsonl"
    lines = [json.dumps({"id": f"r{i}", "text": t}, ensure_ascii=False) if kind == "good" else t
             for i, (kind, t) in enumerate(records)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    results = list(linter.iter_paths([path]))
    assert len(results) == len(records)
    for (kind, text), result in zip(records, results):
        if kind == "good":
            assert result.status == "ok"
            assert result.findings == linter.scan(text).findings
        else:
            assert result.status == "error" and result.error and "\n" not in result.error


@settings(max_examples=200, deadline=None)
@given(st.text() | st.binary().map(lambda b: b.decode("utf-8", "surrogateescape")))
def test_readers_and_engine_never_raise_on_arbitrary_text(linter, text):
    text = text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    report = linter.scan(text)
    for f in report.findings:
        assert text[f.start:f.end] == f.match


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=300))
def test_arbitrary_bytes_are_a_document_or_an_error(tmp_path_factory, linter, data):
    folder = tmp_path_factory.mktemp("bytes")
    for name in ("x.txt", "x.jsonl", "x.json", "x.csv"):
        (folder / name).write_bytes(data)
        for result in linter.iter_paths([folder / name]):
            assert result.status in ("ok", "error")
            if result.status == "error":
                assert result.error and "\n" not in result.error


def test_json_escapes_with_lone_surrogates(tmp_path, linter):
    path = tmp_path / "s.jsonl"
    path.write_text('{"id": "s", "text": "你等着\\ud800坐牢"}\n', encoding="utf-8")
    [result] = linter.iter_paths([path])
    assert result.status in ("ok", "error")
    for f in result.findings:
        assert result.text[f.start:f.end] == f.match


def test_empty_inputs_are_documents_without_findings(tmp_path, linter):
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    [result] = linter.iter_paths([tmp_path / "empty.txt"])
    assert result.status == "ok" and result.findings == []
    (tmp_path / "empty.jsonl").write_text("", encoding="utf-8")
    assert list(linter.iter_paths([tmp_path / "empty.jsonl"])) == []
    assert [d.text for d in DocumentReader().read_paths([str(tmp_path / "empty.txt")])] == [""]


def test_parallel_scan_matches_serial(tmp_path, monkeypatch):
    from collectlint import parallel

    monkeypatch.setattr(parallel, "CHUNK_BYTES", 1000)  # several chunks, so that workers run
    path = tmp_path / "many.jsonl"
    texts = ["你这个老赖", "请尽快还款", "明天就去你单位找你领导", "逾期不会坐牢"] * 60
    path.write_text("".join(json.dumps({"id": f"d{i}", "text": t}, ensure_ascii=False) + "\n"
                            for i, t in enumerate(texts)), encoding="utf-8")
    linter = Linter()
    serial = [r.model_dump() for r in linter.iter_paths([path], jobs=1)]
    parallel = [r.model_dump() for r in linter.iter_paths([path], jobs=2)]
    assert serial == parallel and len(serial) == len(texts)


def test_a_forked_worker_reuses_the_parents_linter_only_when_the_options_match(monkeypatch):
    import signal

    from collectlint import parallel

    monkeypatch.setattr(signal, "signal", lambda *args: None)  # the worker's Ctrl-C handling
    parent = Linter()
    monkeypatch.setattr(parallel, "_forked_from", parent)
    parallel._init_worker(parent.options, parallel.Rendering())
    assert parallel._state["linter"] is parent
    parallel._init_worker({**parent.options, "exhaustive": True}, parallel.Rendering())
    assert parallel._state["linter"] is not parent and parallel._state["linter"].exhaustive


def test_worker_output_travels_in_runs_that_keep_every_document_and_error():
    from collectlint.models import Stat
    from collectlint.parallel import Item, joined

    def doc(text, error=None):
        return Item(None, text, [], (Stat("error" if error else "ok", (), None),), error)

    items = [doc("a"), doc("b"), doc("c", "bad record"), doc("d"), Item(None, None, [("k",)]), doc("e")]
    out = joined(items, ",")
    assert [(i.rendered, len(i.stats), i.error) for i in out] == [
        ("a,b", 2, None), ("c", 1, "bad record"), ("d", 1, None), (None, 0, None), ("e", 1, None)]


def test_chunks_end_at_a_count_or_at_a_size(monkeypatch):
    from collectlint import parallel
    from collectlint.io.readers import RawInput

    monkeypatch.setattr(parallel, "CHUNK_SIZE", 3)
    monkeypatch.setattr(parallel, "CHUNK_BYTES", 100)
    raws = [RawInput("line", "b.jsonl", b"x" * size, n) for n, size in enumerate([10, 10, 10, 10, 150, 10], 1)]
    assert [[r.number for r in c] for c in parallel.chunked(raws)] == [[1, 2, 3], [4, 5], [6]]
