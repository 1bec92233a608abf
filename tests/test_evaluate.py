import json

import pytest

from collectlint.cli import main
from collectlint.errors import InputError
from collectlint.evaluate import evaluate


def write_corpus(path, records):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")


RECORDS = [
    {"id": "hit", "text": "【XX资产】再不还钱，找人打断你的腿。", "labels": ["threat_violence"]},
    {"id": "miss", "text": "您好，今天方便还款吗？", "labels": ["identity"]},
    {"id": "clean", "text": "【XX银行】您的账单已逾期，请尽快还款。", "labels": []},
    {"id": "false-alarm", "text": "你这个老赖。", "labels": []},
]


def test_document_and_category_scores(linter, tmp_path):
    corpus = tmp_path / "c.jsonl"
    write_corpus(corpus, RECORDS)
    ev = evaluate(linter, corpus)
    assert (ev.document.tp, ev.document.fp, ev.document.fn) == (1, 1, 1)
    assert ev.document.precision == 0.5 and ev.document.recall == 0.5
    assert ev.categories["threat_violence"].tp == 1
    assert ev.categories["insult"].fp == 1
    assert ev.categories["identity"].fn == 1
    assert [m.id for m in ev.false_positives] == ["false-alarm"]
    assert [m.id for m in ev.misses] == ["miss"]


def test_bad_labels_are_an_input_error(linter, tmp_path):
    corpus = tmp_path / "c.jsonl"
    write_corpus(corpus, [{"text": "x", "labels": ["rudeness"]}])
    with pytest.raises(InputError, match="labels"):
        evaluate(linter, corpus)


def test_eval_command_prints_scores(capsys, tmp_path):
    corpus = tmp_path / "c.jsonl"
    write_corpus(corpus, RECORDS)
    assert main(["eval", str(corpus)]) == 0
    out = capsys.readouterr().out
    assert "document level: precision 0.500  recall 0.500" in out
    assert "false-alarm" in out
