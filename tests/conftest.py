from __future__ import annotations

from pathlib import Path

import pytest

from collectlint import Linter

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "corpora" / "examples"


@pytest.fixture(scope="session")
def linter() -> Linter:
    """One Linter for the whole run: loading rules and jieba is the expensive part."""
    return Linter()


def rule_ids(report) -> list[str]:
    return [f.rule_id for f in report.findings]


def categories(report) -> set[str]:
    return {f.category for f in report.findings}
