"""The HTML report in a real browser: headless Chromium loads it without console errors,
its script runs, every finding is highlighted with exactly its match, and it renders to a
screenshot.

Skipped when /usr/bin/chromium is missing (`apt-get install chromium`); CI sets
COLLECTLINT_REQUIRE_BROWSER=1 so that there it fails instead of skipping.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest

from collectlint.cli import main

from .conftest import EXAMPLES, ROOT

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
)
TIMEOUT_SECONDS = 120


@pytest.fixture(scope="module")
def chromium() -> Path:
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing (apt-get install chromium) - browser test not run"
        if os.environ.get("COLLECTLINT_REQUIRE_BROWSER") == "1":
            pytest.fail(f"COLLECTLINT_REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(reason)
    return CHROMIUM


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> tuple[Path, list[dict]]:
    """An HTML report of corpora/examples/* and the findings of the same scan (jsonl)."""
    folder = tmp_path_factory.mktemp("report")
    inputs = sorted(str(p.relative_to(ROOT)) for p in EXAMPLES.iterdir() if p.is_file())
    cwd = Path.cwd()
    os.chdir(ROOT)
    try:
        html, jsonl = folder / "report.html", folder / "report.jsonl"
        assert main(["scan", "--format", "html", "-o", str(html), *inputs]) == 1
        assert main(["scan", "--format", "jsonl", "-o", str(jsonl), *inputs]) == 1
    finally:
        os.chdir(cwd)
    docs = [json.loads(line) for line in jsonl.read_text(encoding="utf-8").splitlines()]
    return html, [f for d in docs for f in d["findings"]]


def run_chromium(chromium: Path, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [str(chromium), *FLAGS, f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0",
         *args],
        capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result


class _Dom(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.marks: dict[str, str] = {}
        self.ready = False
        self.shown = ""
        self._open: list[str] = []
        self._in_shown = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.ready = a.get("data-ready") == "true"
        if tag == "mark" and "data-finding" in a:
            self._open.append(a["data-finding"] or "")
            self.marks.setdefault(a["data-finding"] or "", "")
        self._in_shown = a.get("id") == "shown"

    def handle_endtag(self, tag):
        if tag == "mark" and self._open:
            self._open.pop()
        self._in_shown = False

    def handle_data(self, data):
        for fid in self._open:
            self.marks[fid] += data
        if self._in_shown:
            self.shown += data


def console_lines(stderr: str) -> list[str]:
    """Chromium logs every console message and uncaught exception as `…:CONSOLE(…)] "…"`."""
    return [line for line in stderr.splitlines() if ":CONSOLE" in line or "Uncaught" in line]


def test_report_runs_in_chromium_without_errors_and_marks_every_match(chromium, report, tmp_path):
    html, findings = report
    result = run_chromium(chromium, tmp_path / "profile", "--dump-dom", html.as_uri())
    assert console_lines(result.stderr) == []
    dom = _Dom()
    dom.feed(result.stdout)
    assert dom.ready, "the report's script did not finish"
    # (a finding without a span, such as a whole-batch frequency finding, has nothing to mark)
    assert Counter(dom.marks.values()) == Counter(f["match"] for f in findings if f["match"])
    assert f"{len(findings)} / {len(findings)}" in dom.shown  # filled in by the filter script


# Run after the report's own script: untick one category, as a reader would.
UNTICK = """<script>
var box = document.querySelector('#filters input[name=category][value="%s"]');
box.checked = false;
box.dispatchEvent(new Event('change', {bubbles: true}));
</script>"""


class _Filtered(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.marks: list[tuple[str, bool]] = []  # (category, highlighted)
        self.notes: list[tuple[str, bool]] = []  # (category, visible)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "mark":
            self.marks.append((a["data-category"], "off" not in (a.get("class") or "").split()))
        if tag == "li" and "finding" in (a.get("class") or "").split():
            self.notes.append((a["data-category"], "hidden" not in a))


def test_filter_checkbox_hides_a_category(chromium, report, tmp_path):
    html, findings = report
    category = findings[0]["category"]
    page = tmp_path / "filtered.html"
    page.write_text(html.read_text(encoding="utf-8").replace(
        "</body>", UNTICK % category + "\n</body>"), encoding="utf-8")
    result = run_chromium(chromium, tmp_path / "profile", "--dump-dom", page.as_uri())
    assert console_lines(result.stderr) == []
    dom = _Filtered()
    dom.feed(result.stdout)
    assert dom.marks and dom.notes
    assert all(shown == (cat != category) for cat, shown in dom.marks)
    assert all(shown == (cat != category) for cat, shown in dom.notes)
    hidden = sum(f["category"] == category for f in findings)
    assert f"{len(findings) - hidden} / {len(findings)}" in result.stdout


def test_report_screenshot(chromium, report, tmp_path):
    html, _ = report
    png = tmp_path / "report.png"
    result = run_chromium(chromium, tmp_path / "profile", "--hide-scrollbars",
                          "--window-size=1280,2400", f"--screenshot={png}", html.as_uri())
    assert console_lines(result.stderr) == []
    assert png.is_file() and png.stat().st_size > 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
