"""The report formats (csv, sarif, html): golden outputs, the SARIF schema, and what a
reader of each report relies on."""

from __future__ import annotations

import csv
import io
import json
import os
from html.parser import HTMLParser
from pathlib import Path

import pytest

from collectlint import Linter
from collectlint.cli import main
from collectlint.formatters import FORMATTERS
from collectlint.formatters.html import highlight
from collectlint.formatters.sarif import SarifFormatter, artifact_uri

from .conftest import ROOT

GOLDEN = Path(__file__).parent / "golden"
SCHEMA = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"
UPDATE = os.environ.get("COLLECTLINT_UPDATE_GOLDEN") == "1"
# The examples plus a missing file: every kind of row, result and notification.
BATCH = ("corpora/examples", "nope.txt")
# A fixed rule pack (nested and crossing spans, every severity), so that the golden
# outputs do not change whenever the shipped pack does.
PACK = "tests/data/report_rules"
FIXED = ("--no-builtin-rules", "--rules", PACK)


@pytest.fixture(autouse=True)
def _in_repo_root(monkeypatch):
    monkeypatch.chdir(ROOT)  # paths in reports are as given on the command line


def scan_to_file(
    tmp_path: Path, fmt: str, *paths: str, extra: tuple[str, ...] = FIXED
) -> tuple[int, bytes]:
    target = tmp_path / f"report.{fmt}"
    code = main(["scan", "--format", fmt, "-o", str(target), *extra, *paths])
    return code, target.read_bytes()


def check_golden_bytes(name: str, actual: bytes) -> None:
    """Byte for byte: line endings and the BOM are part of the format."""
    path = GOLDEN / name
    if UPDATE:
        path.write_bytes(actual)
    assert actual == path.read_bytes(), f"output differs from {path}"


def json_findings(capsys, *paths: str, extra: tuple[str, ...] = FIXED) -> list[dict]:
    main(["scan", "--format", "jsonl", *extra, *paths])
    out, _ = capsys.readouterr()
    return [json.loads(line) for line in out.splitlines()]


def schema_validator():
    import jsonschema  # in the `test` extra: a missing package fails, never skips
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator.check_schema(schema)
    return jsonschema.Draft4Validator(schema)


def assert_valid_sarif(log: dict) -> None:
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
              for e in schema_validator().iter_errors(log)]
    assert not errors, "\n".join(errors[:10])


# -- csv ---------------------------------------------------------------------------------

def test_csv_golden_and_rows(tmp_path, capsys):
    code, data = scan_to_file(tmp_path, "csv", *BATCH)
    assert code == 2  # the missing file
    check_golden_bytes("examples.csv", data)
    assert data.startswith(b"\xef\xbb\xbf") and data.count(b"\xef\xbb\xbf") == 1
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    docs = json_findings(capsys, *BATCH)
    findings = [(d, f) for d in docs for f in d["findings"]]
    errors = [d for d in docs if d["status"] == "error"]
    assert len(rows) == len(findings) + len(errors)
    by_key = {(r["document_id"], r["line"], r["column"], r["rule_id"]): r for r in rows}
    for d, f in findings:
        row = by_key[(d["id"], str(f["line"]), str(f["column"]), f["rule_id"])]
        assert row["source"] == d["source"] and row["match"] == f["match"]
        assert row["severity"] == f["severity"] and row["category"] == f["category"]
        assert f["match"] in row["context"] and "\n" not in row["context"]
        assert f["legal_basis"][0]["law"] in row["legal_basis"]
        assert f["responses"][0]["title"] in row["response"]
    [error_row] = [r for r in rows if r["source"] == "nope.txt"]
    assert error_row["severity"] == "error" and error_row["rule_id"] == ""
    assert error_row["message"] == "no such file"


def test_csv_context_is_20_characters_around_the_match_without_newlines(tmp_path):
    call = tmp_path / "call.txt"
    call.write_text("坐席：喂，你好\n坐席：你等着，出门小心点\n客户：好的", encoding="utf-8")
    code, data = scan_to_file(tmp_path, "csv", str(call))
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    text = call.read_text(encoding="utf-8")
    header, *body = rows
    row = dict(zip(header, body[0], strict=True))
    start = text.index(row["match"])
    expected = text[max(0, start - 20):start + len(row["match"]) + 20].replace("\n", " ")
    assert code == 1 and row["context"] == expected


# -- sarif -------------------------------------------------------------------------------

def test_sarif_golden_and_schema(tmp_path):
    code, data = scan_to_file(tmp_path, "sarif", *BATCH)
    assert code == 2
    check_golden_bytes("examples.sarif", data)
    assert_valid_sarif(json.loads(data))


def test_sarif_describes_every_rule_and_points_at_the_match(tmp_path, capsys):
    linter = Linter(PACK, builtin=False)
    _, data = scan_to_file(tmp_path, "sarif", *BATCH)
    log = json.loads(data)
    [run] = log["runs"]
    assert log["version"] == "2.1.0" and run["columnKind"] == "unicodeCodePoints"
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [r.spec.id for r in linter.ruleset.rules]
    levels = {"error": "error", "warning": "warning", "info": "note"}
    for described, rule in zip(rules, linter.ruleset.rules, strict=True):
        assert described["name"] == rule.spec.name
        assert described["defaultConfiguration"]["level"] == levels[rule.spec.severity]
        assert rule.spec.category in described["properties"]["tags"]
        assert rule.spec.legal_basis[0].law in described["help"]["text"]
        assert rule.responses[0].title in described["help"]["text"]
    docs = json_findings(capsys, *BATCH)
    findings = [f for d in docs for f in d["findings"]]
    assert len(run["results"]) == len(findings)
    texts: dict[str, str] = {}
    for result, f in zip(run["results"], findings, strict=True):
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"] == f["rule_id"]
        assert result["level"] == levels[f["severity"]]
        region = result["locations"][0]["physicalLocation"]["region"]
        assert (region["startLine"], region["startColumn"]) == (f["line"], f["column"])
        assert region["charOffset"] == f["start"] and region["charLength"] == f["end"] - f["start"]
        assert region["snippet"]["text"] == f["match"]
        uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        if uri.endswith(".txt"):
            if uri not in texts:
                texts[uri] = (ROOT / uri).read_text(encoding="utf-8-sig", errors="replace")
            text = texts[uri]
            if "gbk" not in uri:
                assert text[f["start"]:f["end"]] == f["match"]
                lines = text.splitlines(keepends=True)
                assert lines[region["endLine"] - 1][region["endColumn"] - 1 - len(f["match"]):
                                                    region["endColumn"] - 1] == f["match"]
            assert "properties" not in result or "documentId" not in result["properties"]
        else:
            assert result["properties"]["documentId"] == "sms-002"
    [invocation] = run["invocations"]
    assert invocation["executionSuccessful"] is False
    [note] = invocation["toolExecutionNotifications"]
    assert note["level"] == "error" and "no such file" in note["message"]["text"]
    assert note["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "nope.txt"


def test_sarif_clean_run_is_successful_and_valid(tmp_path):
    code, data = scan_to_file(tmp_path, "sarif", "corpora/examples/lawful_reminder.txt")
    log = json.loads(data)
    assert code == 0 and log["runs"][0]["results"] == []
    assert log["runs"][0]["invocations"] == [{"executionSuccessful": True}]
    assert_valid_sarif(log)


def test_sarif_without_rule_metadata_is_still_valid(linter):
    # A formatter built without `rules=` (the Python API) still writes valid SARIF.
    report = linter.scan("你等着，出门小心点", id="m1")
    log = json.loads(SarifFormatter().render(report))
    assert log["runs"][0]["tool"]["driver"]["rules"] == []
    assert "ruleIndex" not in log["runs"][0]["results"][0]
    assert_valid_sarif(log)


def test_sarif_uris():
    assert artifact_uri("corpora/a b.txt") == "corpora/a%20b.txt"
    assert artifact_uri("/data/催收.txt") == "file:///data/%E5%82%AC%E6%94%B6.txt"
    assert artifact_uri("C:\\calls\\x.txt") == "file:///C:/calls/x.txt"
    assert artifact_uri("-") == "stdin"


def test_every_formatter_accepts_the_rules_keyword(linter):
    report = linter.scan("你等着", id="m1")
    for name, cls in FORMATTERS.items():
        assert cls(rules=linter.ruleset).render(report), name
        assert cls().render(report), name


# -- html --------------------------------------------------------------------------------

class _Page(HTMLParser):
    """Collects the marks (text per finding id), the notes and any external reference."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.marks: dict[str, str] = {}
        self.mark_attrs: dict[str, dict[str, str]] = {}
        self.notes: list[dict[str, str]] = []
        self.external: list[str] = []
        self.scripts = self.styles = 0
        self._open: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        self.tags.append(tag)
        if tag == "mark":
            self._open.append(a["data-finding"])
            self.marks.setdefault(a["data-finding"], "")
            self.mark_attrs[a["data-finding"]] = a
        if tag == "li" and "finding" in a.get("class", "").split():
            self.notes.append(a)
        for key in ("src", "href"):
            if key in a and not a[key].startswith(("data:", "#")):
                self.external.append(a[key])
        self.scripts += tag == "script"
        self.styles += tag == "style"

    def handle_endtag(self, tag):
        if tag == "mark":
            self._open.pop()

    def handle_data(self, data):
        for fid in self._open:
            self.marks[fid] += data


def parse_page(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    page.close()
    return page


def test_html_report_structure(tmp_path, capsys):
    code, data = scan_to_file(tmp_path, "html", *BATCH)
    html = data.decode("utf-8")
    assert code == 2 and html.startswith("<!DOCTYPE html>")
    page = parse_page(html)
    svg_namespace = 'xmlns="http://www.w3.org/2000/svg"'
    assert page.external == [] and "http://" not in html.replace(svg_namespace, "")
    assert "https://" not in html and page.scripts == 1 and page.styles == 1
    assert page.tags.count("svg") >= 3  # severity, category, collector, top rules
    docs = json_findings(capsys, *BATCH)
    findings = [f for d in docs for f in d["findings"]]
    # one note per finding; the marks of each finding spell its match
    assert len(page.notes) == len(findings) == len(page.marks)
    assert sorted(page.marks.values()) == sorted(f["match"] for f in findings)
    for attrs in page.mark_attrs.values():
        assert {"data-rule", "data-category", "data-severity"} <= set(attrs)
    assert 'id="filters"' in html and 'name="category"' in html and 'name="severity"' in html
    # clean documents are counted, not shown; failed ones are shown
    assert "sms-001" not in html and "lawful_reminder" not in html
    assert "nope.txt" in html and "no such file" in html
    assert "借款人" in html and 'class="turn borrower' in html and 'class="turn collector' in html


def test_html_stylesheet_is_balanced(tmp_path):
    # An unclosed block (such as an @media) silently swallows every rule after it.
    _, data = scan_to_file(tmp_path, "html", "corpora/examples/threat_sms.txt")
    css = data.decode("utf-8").split("<style>", 1)[1].split("</style>", 1)[0]
    depth = 0
    for char in css:
        depth += {"{": 1, "}": -1}.get(char, 0)
        assert depth >= 0
    assert depth == 0 and "mark.c-threat_violence{background:" in css


def test_html_escapes_everything(tmp_path):
    evil = tmp_path / "evil.txt"
    evil.write_text('坐席：<script>alert("x")</script> 你等着，出门小心点 & "</mark>\n'
                    "客户：<b>?</b>", encoding="utf-8")
    code, data = scan_to_file(tmp_path, "html", str(evil))
    html = data.decode("utf-8")
    assert code == 1
    assert '<script>alert' not in html and "&lt;script&gt;alert" in html and "<b>?" not in html
    page = parse_page(html)
    assert page.scripts == 1 and set(page.marks.values()) >= {"你等着"}


def test_html_needs_output(capsys):
    code = main(["scan", "--format", "html", "corpora/examples/threat_sms.txt"])
    _, err = capsys.readouterr()
    assert code == 2 and err == "collectlint: --format html needs --output FILE\n"


def test_highlight_nests_and_splits_overlapping_spans():
    def tag(i: int, last: bool) -> str:
        return f'<mark data-finding="{i}"{" class=last" if last else ""}>'

    text = "abcdefghij"
    spans = [(1, 5), (2, 4), (3, 8), (9, 9)]  # nested, crossing, empty
    html = highlight(text, spans, tag)
    page = parse_page(html)
    assert {k: v for k, v in page.marks.items()} == {"0": "bcde", "1": "cd", "2": "defgh"}
    assert html.count("class=last") == 3
    assert highlight("a<b", [(1, 2)], tag) == 'a<mark data-finding="0" class=last>&lt;</mark>b'
