from __future__ import annotations

import gc
from pathlib import Path

import pytest

from collectlint import Linter

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "corpora" / "examples"


@pytest.fixture(autouse=True)
def _collection_as_a_library_has_it():
    """A test that runs the command's entry point or a worker's start in this process
    (cli.run, parallel._init_worker) declares it a scanning process, which freezes the
    heap from then on (see collectlint/gcpause.py): undone after the test, so that later
    tests run as a library user's program does."""
    from collectlint import gcpause

    yield
    if gcpause._keep:
        gcpause._keep = False
        gc.unfreeze()


@pytest.fixture(scope="session")
def linter() -> Linter:
    """One Linter for the whole run: loading rules and jieba is the expensive part."""
    return Linter()


def rule_ids(report) -> list[str]:
    return [f.rule_id for f in report.findings]


def categories(report) -> set[str]:
    return {f.category for f in report.findings}
