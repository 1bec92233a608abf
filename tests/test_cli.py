"""The CLI end to end: what a user runs, what it prints, how it exits."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from collectlint import __version__
from collectlint.cli import main
from collectlint.rules.loader import builtin_rules_dir

from .conftest import ROOT

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("COLLECTLINT_UPDATE_GOLDEN") == "1"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def check_golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.write_text(actual, encoding="utf-8")
    assert actual == path.read_text(encoding="utf-8"), f"output differs from {path}"


@pytest.fixture(autouse=True)
def _in_repo_root(monkeypatch):
    monkeypatch.chdir(ROOT)  # paths in reports are as given on the command line


def test_threatening_sms_exits_1_with_text_report(capsys):
    code, out, err = run(capsys, "scan", "corpora/examples/threat_sms.txt")
    assert code == 1 and err == ""
    check_golden("threat_sms.txt.out", out)
    assert "corpora/examples/threat_sms.txt:1:" in out
    assert "[threat_violence]" in out and "§" in out


def test_lawful_reminder_exits_0(capsys):
    code, out, _ = run(capsys, "scan", "corpora/examples/lawful_reminder.txt")
    assert code == 0
    assert "0 error(s), 0 warning(s)" in out


def test_json_output_contract(capsys):
    code, out, _ = run(capsys, "scan", "--format", "json", "corpora/examples/call_transcript.txt")
    assert code == 1
    check_golden("call_transcript.json", out)
    payload = json.loads(out)
    assert payload["tool"] == {"name": "collectlint", "version": __version__}
    [doc] = payload["documents"]
    text = (ROOT / "corpora/examples/call_transcript.txt").read_text(encoding="utf-8")
    assert doc["status"] == "ok" and doc["error"] is None and doc["channel"] == "call"
    for f in doc["findings"]:
        assert text[f["start"]:f["end"]] == f["match"]
        assert f["speaker"] == "collector"
        assert f["legal_basis"] and all({"law", "article"} == set(b) for b in f["legal_basis"])
        assert any(r["section"] for r in f["responses"])
    # the borrower's own mention of 爆通讯录 (line 4) is not a finding
    assert all(f["line"] != 4 for f in doc["findings"])
    assert payload["summary"]["documents"] == 1


def test_jsonl_batch_keeps_ids_in_order(capsys):
    code, out, _ = run(capsys, "scan", "--format", "jsonl", "corpora/examples/batch.jsonl")
    docs = [json.loads(line) for line in out.splitlines()]
    assert [d["id"] for d in docs] == ["sms-001", "sms-002", "call-003"]
    assert [bool(d["findings"]) for d in docs] == [False, True, False]
    assert docs[2]["metadata"]["campaign"] == "M2" and docs[0]["metadata"]["collector_id"] == "C-07"
    assert code == 1


def test_gb18030_file(capsys):
    code, out, _ = run(capsys, "scan", "--format", "json", "corpora/examples/gbk_sms.txt")
    [doc] = json.loads(out)["documents"]
    assert doc["status"] == "ok" and "threat_violence" in {f["category"] for f in doc["findings"]}
    assert code == 1


def test_stdin(capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO("你等着，出门小心点".encode())))
    code, out, _ = run(capsys, "scan", "-", "--format", "jsonl")
    [doc] = [json.loads(line) for line in out.splitlines()]
    assert doc["source"] == "-" and {f["rule_id"] for f in doc["findings"]} == {"TV002"}
    assert code == 1


def test_missing_file_exits_2_with_one_line_and_others_still_scanned(capsys):
    code, out, err = run(capsys, "scan", "--format", "jsonl", "nope.txt", "corpora/examples/threat_sms.txt")
    assert code == 2
    assert err.strip().splitlines() == ["collectlint: nope.txt: no such file"]
    docs = [json.loads(line) for line in out.splitlines()]
    assert [d["status"] for d in docs] == ["error", "ok"] and docs[1]["findings"]


def test_fail_on_error_ignores_warnings(capsys, tmp_path):
    msg = tmp_path / "visit.txt"
    msg.write_text("近期将对您进行外访。", encoding="utf-8")
    assert run(capsys, "scan", str(msg))[0] == 1
    assert run(capsys, "scan", "--fail-on", "error", str(msg))[0] == 0


def test_select_and_ignore_by_id_name_or_category(capsys):
    path = "corpora/examples/threat_sms.txt"
    _, out, _ = run(capsys, "scan", "--format", "jsonl", "--select", "intimidation", path)
    assert {f["category"] for f in json.loads(out)["findings"]} == {"intimidation"}
    _, out, _ = run(capsys, "scan", "--format", "jsonl", "--ignore", "IN001,IN003,IN010,threat-to-publish,PE003", path)
    assert {f["rule_id"] for f in json.loads(out)["findings"]} == {"TV002"}
    code, _, err = run(capsys, "scan", "--select", "nonsense", path)
    assert code == 2 and "unknown rule or category 'nonsense'" in err


def test_output_file(capsys, tmp_path):
    target = tmp_path / "report.json"
    code, out, _ = run(capsys, "scan", "--format", "json", "-o", str(target), "corpora/examples/threat_sms.txt")
    assert code == 1 and out == ""
    assert json.loads(target.read_text(encoding="utf-8"))["summary"]["findings"] > 0
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


def test_usage_errors_are_one_line(capsys):
    code, _, err = run(capsys, "scan", "--format", "pdf", "x.txt")
    assert code == 2 and len(err.strip().splitlines()) == 1
    code, _, err = run(capsys, "explain", "ZZ999")
    assert code == 2 and err.strip() == "collectlint: unknown rule 'ZZ999' (see `collectlint rules`)"


def test_rule_file_error_is_reported_without_traceback(capsys, tmp_path):
    (tmp_path / "bad.yaml").write_text("rules:\n  - id: XX001\n    kind: keywords\n", encoding="utf-8")
    code, _, err = run(capsys, "scan", "--rules", str(tmp_path), "corpora/examples/lawful_reminder.txt")
    assert code == 2 and "Traceback" not in err
    assert all(line.startswith(f"collectlint: {tmp_path / 'bad.yaml'}:2: rule XX001:")
               for line in err.strip().splitlines())


def test_rules_explain_and_test_rules(capsys):
    code, out, _ = run(capsys, "rules")
    assert code == 0 and "TV001" in out and "threat_violence" in out
    code, out, _ = run(capsys, "explain", "TV001")
    assert code == 0 and "legal basis" in out and "治安管理处罚法" in out and "§" in out
    assert "yields" not in out and "from match" not in out
    code, out, _ = run(capsys, "explain", "IN017")
    assert code == 0 and "yields: reports nothing where a rule of severity error matches" in out
    code, out, _ = run(capsys, "explain", "HA905")
    assert code == 0 and "matches from match 4 on" in out
    code, out, _ = run(capsys, "test-rules")
    assert code == 0 and " 0 failed" in out and "weak" not in out


def test_test_rules_fails_on_a_trigger_found_in_nearly_every_sentence(capsys, tmp_path):
    (tmp_path / "r.yaml").write_text("""
rules:
  - id: XX001
    name: you
    category: intimidation
    severity: warning
    kind: keywords
    terms: [你, 您]
    message: m
    legal_basis: [{law: l}]
    responses: [keep-calm]
    examples: {match: [你还钱, 您请还款, 你在吗], no_match: [你好, 您好, 谢谢]}
""", encoding="utf-8")
    (tmp_path / "responses.yaml").write_text(
        (builtin_rules_dir() / "responses.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    code, out, err = run(capsys, "test-rules", str(tmp_path))
    assert code == 1 and " 0 failed; 1 rules with weak triggers" in out
    assert err.strip().endswith("rule XX001: weak trigger literals 你, 您 (the prefilter's most selective literal group)")


def test_version_and_module_entry_point():
    result = subprocess.run([sys.executable, "-m", "collectlint", "--version"],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0 and result.stdout.strip() == f"collectlint {__version__}"


def test_settings_file_and_flags_that_win(capsys, tmp_path, monkeypatch):
    (tmp_path / "pyproject.toml").write_text(
        '[tool.collectlint]\nformat = "jsonl"\nfail-on = "error"\nignore = ["IN003"]\n', encoding="utf-8")
    msg = tmp_path / "m.txt"
    msg.write_text("近期将对您进行外访。明天就去你单位找你领导", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, "scan", "m.txt")
    doc = json.loads(out)
    assert {f["rule_id"] for f in doc["findings"]} >= {"IN001"}
    assert "IN003" not in {f["rule_id"] for f in doc["findings"]}
    assert code == 1
    code, out, _ = run(capsys, "scan", "m.txt", "--format", "text", "--ignore", "IN001,IN002,IN003")
    assert "document(s) scanned" in out


def test_bad_settings_are_one_line(capsys, tmp_path, monkeypatch):
    (tmp_path / "collectlint.toml").write_text('colour = "red"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, "rules")
    assert code == 2 and err.strip().splitlines() == [
        f"collectlint: {tmp_path / 'collectlint.toml'}: colour: Extra inputs are not permitted"]
    code, _, err = run(capsys, "rules", "--config", str(tmp_path / "missing.toml"))
    assert code == 2 and "config file not found" in err


def test_quiet_hours_profile(capsys, tmp_path):
    batch = tmp_path / "b.jsonl"
    batch.write_text('{"id": "late", "text": "【XX银行】您的账单已逾期，请尽快还款。", "sent_at": "2026-11-20T21:30:00+08:00"}\n',
                     encoding="utf-8")
    assert run(capsys, "scan", str(batch))[0] == 0
    code, out, _ = run(capsys, "scan", "--profile", "us", "--format", "jsonl", str(batch))
    assert code == 1 and json.loads(out)["findings"][0]["rule_id"] == "HA902"
    code, _, _ = run(capsys, "scan", "--quiet-hours", "21:00-07:00", str(batch))
    assert code == 1
    code, _, err = run(capsys, "scan", "--quiet-hours", "late", str(batch))
    assert code == 2 and "HH:MM-HH:MM" in err


def test_advise_for_a_borrower(capsys):
    code, out, _ = run(capsys, "advise", "corpora/examples/threat_sms.txt")
    assert code == 1
    for heading in ("【结论】", "【发现的问题】", "【接下来怎么做】", "【可以向哪里投诉】", "【可以发给对方的回复"):
        assert heading in out
    assert "协商指南第" in out and "12378" in out
    code, out, _ = run(capsys, "advise", "corpora/examples/lawful_reminder.txt")
    assert code == 0 and "没有发现违规催收的内容" in out


def test_report_file_gets_ordinary_permissions(capsys, tmp_path):
    target = tmp_path / "r.json"
    old = os.umask(0o022)
    try:
        run(capsys, "scan", "--format", "json", "-o", str(target), "corpora/examples/lawful_reminder.txt")
    finally:
        os.umask(old)
    assert target.stat().st_mode & 0o777 == 0o644


def test_csv_cells_cannot_become_formulas(capsys, tmp_path):
    msg = tmp_path / "f.txt"
    msg.write_text("=HYPERLINK(\"x\") 你这个老赖", encoding="utf-8")
    _, out, _ = run(capsys, "scan", "--format", "csv", str(msg))
    assert "'=HYPERLINK" in out and "\n=HYPERLINK" not in out and ",=" not in out


def test_output_to_a_device_writes_to_it_instead_of_replacing_it(capsys, tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    import threading

    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text(encoding="utf-8")))
    reader.start()
    code, _, _ = run(capsys, "scan", "--format", "jsonl", "-o", str(fifo), "corpora/examples/threat_sms.txt")
    reader.join(timeout=10)
    assert code == 1 and '"rule_id"' in received[0]
    assert not fifo.is_file() and fifo.exists()  # still the pipe
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe"]


def test_unreadable_records_are_reported_on_stderr_with_worker_processes_too(capsys, tmp_path, monkeypatch):
    from collectlint import parallel

    monkeypatch.setattr(parallel, "CHUNK_BYTES", 1000)  # several chunks, so that workers run
    batch = tmp_path / "b.jsonl"
    batch.write_text("".join(json.dumps({"id": f"d{i}", "text": "请按时还款"}) + "\n" for i in range(100))
                     + "not json\n", encoding="utf-8")
    for jobs in ("1", "2"):
        code, out, err = run(capsys, "scan", "--jobs", jobs, "--format", "jsonl", str(batch))
        assert code == 2 and len(out.splitlines()) == 101
        assert err.strip().splitlines() == [f"collectlint: {batch}:101: line 101: invalid JSON (Expecting value)"], jobs
