"""The progress counter: on a terminal only, never in CI, never in a pipe or a log."""

from __future__ import annotations

import io
import sys

import pytest

from collectlint.cli import main
from collectlint.progress import Progress, in_ci

from .conftest import ROOT


class FakeTty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_off_when_stderr_is_not_a_tty(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    stream = io.StringIO()
    progress = Progress(stream, delay=0, interval=0)
    assert not progress.enabled
    for _ in range(5):
        progress.update(2)
    progress.close()
    assert stream.getvalue() == "" and (progress.documents, progress.findings) == (5, 10)


def test_cli_batch_writes_nothing_to_a_non_tty_stderr(monkeypatch, capsys):
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.chdir(ROOT)
    code = main(["scan", "--format", "jsonl", "corpora/examples"])
    out, err = capsys.readouterr()
    assert code == 1 and err == "" and "\r" not in out


def test_counts_on_a_tty_and_clears_the_line(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    stream = FakeTty()
    progress = Progress(stream, delay=0, interval=0)
    assert progress.enabled
    progress.update(0)
    progress.update(3)
    drawn = stream.getvalue()
    assert drawn.startswith("\r") and "\n" not in drawn
    assert "2 document(s) scanned, 3 finding(s)" in drawn
    progress.close()
    assert stream.getvalue().endswith("\r")


@pytest.mark.parametrize(("value", "ci"),
                         [("true", True), ("1", True), ("", False), ("false", False)])
def test_off_in_ci(monkeypatch, value, ci):
    monkeypatch.setenv("CI", value)
    assert in_ci() is ci
    assert Progress(FakeTty()).enabled is not ci


def test_cli_uses_the_tty_progress(monkeypatch, capsys):
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.chdir(ROOT)
    tty = FakeTty()
    monkeypatch.setattr(sys, "stderr", tty)
    monkeypatch.setattr("collectlint.cli.Progress", lambda: Progress(tty, delay=0, interval=0))
    code = main(["scan", "--format", "jsonl", "nope.txt", "corpora/examples"])
    out, _ = capsys.readouterr()
    err = tty.getvalue()
    assert code == 2 and "document(s) scanned" in err and err.endswith("\r")
    assert err.startswith("collectlint: nope.txt: no such file\n") and "\r" not in out
