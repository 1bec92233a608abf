"""collectlint on a real local Spark (local[2]): the same findings as the single-machine scan."""

from __future__ import annotations

import json
import os
import shutil
import sys

import pytest

# CI sets COLLECTLINT_REQUIRE_SPARK so that a missing extra or Java fails instead of skipping.
_REQUIRED = os.environ.get("COLLECTLINT_REQUIRE_SPARK") == "1"
try:
    import pyspark  # noqa: F401
except ImportError:
    if _REQUIRED:
        raise
    pytest.skip("the spark extra is not installed", allow_module_level=True)
if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
    if _REQUIRED:
        raise RuntimeError("no Java runtime for Spark")
    pytest.skip("no Java runtime for Spark", allow_module_level=True)

from collectlint import Linter  # noqa: E402
from collectlint.spark import scan_dataframe, summarize  # noqa: E402

from .conftest import EXAMPLES, ROOT  # noqa: E402


@pytest.fixture(scope="module")
def spark():
    from pyspark.sql import SparkSession

    # The Python workers must be this interpreter, with collectlint installed.
    os.environ["PYSPARK_PYTHON"] = sys.executable
    session = (SparkSession.builder.master("local[2]").appName("collectlint-tests")
               .config("spark.ui.enabled", "false")
               .config("spark.sql.shuffle.partitions", "4")
               .config("spark.sql.execution.arrow.pyspark.enabled", "true")
               .getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def _records():
    rows = []
    for name in ("dev.jsonl", "holdout.jsonl"):
        for line in (ROOT / "corpora" / "labelled" / name).read_text(encoding="utf-8").splitlines():
            r = json.loads(line)
            rows.append({"id": r["id"], "text": r["text"], "channel": r["channel"]})
    for line in (EXAMPLES / "batch.jsonl").read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        rows.append({k: r.get(k) for k in ("id", "text", "channel", "sent_at", "debtor_id", "collector_id")})
    return rows


def _columns(rows):
    keys = ["id", "text", "channel", "sent_at", "debtor_id", "collector_id"]
    return [{k: r.get(k) for k in keys} for r in rows], keys


def test_same_findings_as_the_single_machine_scan(spark, tmp_path):
    rows, keys = _columns(_records())
    df = spark.createDataFrame([tuple(r[k] for k in keys) for r in rows],
                               "id string, text string, channel string, sent_at string, "
                               "debtor_id string, collector_id string")
    got = {(r["id"], r["rule_id"], r["start"], r["end"], r["match"])
           for r in scan_dataframe(df).collect() if r["error"] is None}
    path = tmp_path / "all.jsonl"
    path.write_text("".join(json.dumps({k: v for k, v in r.items() if v is not None}, ensure_ascii=False) + "\n"
                            for r in rows), encoding="utf-8")
    expected = {(d.id, f.rule_id, f.start, f.end, f.match)
                for d in Linter().iter_paths([path]) for f in d.findings}
    assert got == expected and len(expected) > 100


def test_daily_limit_is_counted_inside_spark(spark):
    call = "坐席：您好，今天能还款吗？\n客户：我在想办法。"
    rows = [(f"c{i}", call, "call", f"2026-11-20T{9 + i:02d}:00:00+08:00", "D1", "C7") for i in range(5)]
    rows.append(("sms", "您的账单已逾期，请尽快还款。", "sms", "2026-11-20T23:30:00+08:00", "D1", "C7"))
    df = spark.createDataFrame(rows, "id string, text string, channel string, sent_at string, "
                                     "debtor_id string, collector_id string")
    found = scan_dataframe(df).collect()
    assert sorted(r["id"] for r in found if r["rule_id"] == "HA903") == ["c3", "c4"]
    assert [r["id"] for r in found if r["rule_id"] == "HA902"] == ["sms"]
    counts = {(r["collector_id"], r["category"]): r["count"] for r in summarize(scan_dataframe(df)).collect()}
    assert counts[("C7", "harassment")] == 3


def test_bad_rows_are_reported_not_dropped(spark):
    df = spark.createDataFrame([("a", "你等着"), ("b", None)], "id string, text string")
    rows = {r["id"]: r for r in scan_dataframe(df).collect()}
    assert rows["a"]["rule_id"] == "TV002" and rows["b"]["error"]
