"""`--redact`: personal data masked in every output format, offsets still valid."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from collectlint import Linter
from collectlint.cli import main
from collectlint.formatters import FORMATTERS
from collectlint.models import Report
from collectlint.redact import redact_document, redact_text

from .conftest import ROOT

PHONE, ID_CARD, CARD, EMAIL = (
    "13812345678", "11010119900307123X", "6222 0212 3456 7890", "li.si@example.com")
SECRETS = (PHONE, ID_CARD, CARD, EMAIL, "12345678", "0212 3456", "li.si")

# Test rules (independent of the shipped pack): ZZ001's match contains a phone number, so
# the match itself needs masking, and its message quotes the match; ZZ002 fires next to one.
RESPONSES = """\
responses:
  - {id: keep-calm, section: "3.1", title: 保持冷静, advice: 先核实再回应。}
"""
RULE = """\
rules:
  - id: ZZ001
    name: phone-in-threat
    category: privacy_exposure
    severity: error
    kind: regex
    pattern: '通讯录里的\\d{11}'
    message: 引用了通讯录号码「{match}」。
    legal_basis:
      - {law: 《中华人民共和国个人信息保护法》, article: 第十条}
    responses: [keep-calm]
    examples:
      match: [通讯录里的13812345678]
      no_match: [通讯录]
  - id: ZZ002
    name: menacing
    category: threat_violence
    severity: error
    kind: keywords
    terms: [你等着]
    message: 威胁。
    legal_basis:
      - {law: 《中华人民共和国治安管理处罚法》, article: 第五十条}
    responses: [keep-calm]
    examples:
      match: [你等着！]
      no_match: [请稍等]
"""
ONLY = ("--no-builtin-rules", "--rules")
TEXT = (f"坐席：你等着，我们已经打了你通讯录里的{PHONE}，\n"
        f"坐席：身份证{ID_CARD}、银行卡{CARD}、邮箱{EMAIL}我们都有。\n"
        "客户：请不要再打了。\n")


@pytest.mark.parametrize(("text", "expected"), [
    ("电话13812345678请回", "电话138****5678请回"),
    ("+86 138-1234-5678", "****138******5678"),
    ("手机：8613912345678。", "手机：**139****5678。"),
    ("１３８１２３４５６７８", "１３８****５６７８"),
    ("身份证110101199003071234号", "身份证******************号"),
    ("11010119900307123x", "******************"),
    ("卡号6222 0212 3456 7890 123，", "卡号******************0 123，"),
    ("6222-0212-3456-7890", "***************7890"),
    ("发到zhang.san@example.com.cn了", "发到************************了"),
    ("13812345678@qq.com", "******************"),
])
def test_redact_text_masks_and_keeps_length(text, expected):
    assert redact_text(text) == expected and len(expected) == len(text)


@pytest.mark.parametrize("text", [
    "尾号8821的信用卡", "还款日为11月20日，应还1,280.50元", "工号7712", "2026-11-20 10:15",
    "订单12345678", "再不还钱你就等着坐牢吧。",
])
def test_redact_text_leaves_ordinary_numbers(text):
    assert redact_text(text) == text


@pytest.fixture(scope="module")
def rule_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("rules")
    (folder / "phone.yaml").write_text(RULE, encoding="utf-8")
    (folder / "responses.yaml").write_text(RESPONSES, encoding="utf-8")
    return folder


@pytest.fixture()
def call(tmp_path) -> Path:
    path = tmp_path / "call.txt"
    path.write_text(TEXT, encoding="utf-8")
    return path


def test_redact_document_keeps_offsets(rule_dir):
    linter = Linter(rule_dir, builtin=False)
    [doc] = linter.scan(TEXT, id="c1").documents
    assert [f.rule_id for f in doc.findings] == ["ZZ002", "ZZ001"]
    assert PHONE in doc.findings[1].match
    masked = redact_document(doc)
    assert len(masked.text) == len(doc.text) and all(s not in masked.text for s in SECRETS)
    assert [(f.start, f.end, f.line, f.column) for f in masked.findings] == \
           [(f.start, f.end, f.line, f.column) for f in doc.findings]
    for f in masked.findings:
        assert masked.text[f.start:f.end] == f.match
        assert PHONE not in f.message
    for u in masked.utterances:
        assert masked.text[u.start:u.end] == u.text
    assert doc.text == TEXT  # the original is untouched


@pytest.mark.parametrize("fmt", sorted(FORMATTERS))
def test_every_format_is_redacted(fmt, rule_dir, call, tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    target = tmp_path / f"out.{fmt}"
    argv = ["scan", "--format", fmt, *ONLY, str(rule_dir), "-o", str(target), str(call)]
    assert main(argv) == 1
    plain = target.read_text(encoding="utf-8-sig")
    assert PHONE in plain  # the test would prove nothing otherwise
    assert main([*argv, "--redact"]) == 1
    out = target.read_text(encoding="utf-8-sig")
    for secret in SECRETS:
        assert secret not in out, f"{secret} in {fmt} output"
    assert "138****5678" in out
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(out, newline="")))
        assert any("****" in r["context"] for r in rows if r["rule_id"] == "ZZ002")
    if fmt == "html":
        assert "******************、银行卡" in out  # the transcript, ID card masked
    if fmt == "sarif":
        snippets = [r["locations"][0]["physicalLocation"]["region"]["snippet"]["text"]
                    for r in json.loads(out)["runs"][0]["results"]]
        assert "通讯录里的138****5678" in snippets


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_json_offsets_hold_against_the_redacted_text(fmt, rule_dir, call, capsys):
    assert main(["scan", "--format", fmt, "--redact", *ONLY, str(rule_dir), str(call)]) == 1
    out, _ = capsys.readouterr()
    if fmt == "json":
        docs = json.loads(out)["documents"]
    else:
        docs = [json.loads(line) for line in out.splitlines()]
    masked = redact_text(TEXT)
    findings = [f for d in docs for f in d["findings"]]
    assert findings and all(masked[f["start"]:f["end"]] == f["match"] for f in findings)


def test_redaction_of_metadata_and_formatters_via_api(rule_dir):
    linter = Linter(rule_dir, builtin=False)
    [doc] = linter.scan(TEXT, id="c1", channel="call").documents
    doc.metadata["phone"] = PHONE
    masked = redact_document(doc)
    assert masked.metadata["phone"] == "138****5678"
    report = Report(tool_version="0", documents=[masked])
    for name, cls in FORMATTERS.items():
        rendered = cls().render(report)
        assert all(s not in rendered for s in SECRETS), name
