"""The rule pack's precision and recall on the labelled corpora may not fall below what
they are now. unseen.jsonl was written by someone who never saw the rules, and no rule
author reads it: it is the honest measure of how the pack generalizes. The goal for it is
precision 0.95 and recall 0.92, and its floor is that goal; the others guard against
regressions."""

import pytest

from collectlint import Linter
from collectlint.evaluate import evaluate

from .conftest import ROOT

FLOORS = {
    # split: (document precision, document recall)
    # dev keeps the lawful law-firm letters of round 103 that IM002 still flags (0.987), and
    # the unread halves of the later rounds with the misses they had (recall 0.977)
    "dev.jsonl": (0.985, 0.975),
    "holdout.jsonl": (0.95, 0.90),
    # the goal, met since round 112 (0.960 / 0.923): one more missed record would fail it
    "unseen.jsonl": (0.95, 0.92),
}


@pytest.fixture(scope="module")
def pack():
    return Linter()


@pytest.mark.parametrize("split", sorted(FLOORS))
def test_document_precision_and_recall_hold(pack, split):
    result = evaluate(pack, ROOT / "corpora" / "labelled" / split)
    precision, recall = FLOORS[split]
    assert result.document.precision >= precision, (split, result.document)
    assert result.document.recall >= recall, (split, result.document)
