"""The labelled corpus is well formed and as large and balanced as promised."""

import json
from collections import Counter

import pytest

from collectlint.io.transcript import TranscriptParser
from collectlint.models import CATEGORIES

from .conftest import ROOT

LABELLED = ROOT / "corpora" / "labelled"


def load(name):
    return [json.loads(line) for line in (LABELLED / name).read_text(encoding="utf-8").splitlines()
            if line.strip()]


@pytest.fixture(scope="module")
def splits():
    return {"dev": load("dev.jsonl"), "holdout": load("holdout.jsonl"), "unseen": load("unseen.jsonl")}


def test_records_are_well_formed(splits):
    parser = TranscriptParser()
    ids = set()
    for name, records in splits.items():
        for r in records:
            assert set(r) <= {"id", "channel", "text", "labels", "note"}, r["id"]
            assert r["channel"] in ("sms", "call", "wechat"), r["id"]
            assert isinstance(r["text"], str) and r["text"].strip(), r["id"]
            assert len(set(r["labels"])) == len(r["labels"]) and set(r["labels"]) <= set(CATEGORIES)
            assert r["id"] not in ids
            ids.add(r["id"])
            if r["channel"] == "call":
                utterances, labelled, *_ = parser.parse(r["text"])
                assert labelled and any(u.speaker == "collector" for u in utterances), r["id"]


def test_size_and_balance(splits):
    records = splits["dev"] + splits["holdout"]
    assert len(records) >= 650
    assert sum(not r["labels"] for r in records) >= 270
    total = Counter(c for r in records for c in r["labels"])
    holdout = Counter(c for r in splits["holdout"] for c in r["labels"])
    for category in CATEGORIES:
        assert total[category] >= 35, category
        assert holdout[category] >= 14, category
