"""collectlint on Apache Spark: scan a DataFrame of messages or transcripts where it lives.

    from collectlint.spark import scan_dataframe, summarize
    findings = scan_dataframe(spark.read.parquet("calls/"), text_col="text", id_col="id")
    summarize(findings).show()

Each Python worker builds one Linter (rules, prefilter, jieba) the first time it is asked
and keeps it for every partition it scans; rows travel as Arrow batches (`mapInPandas`).
The per-debtor daily limits are computed inside Spark (grouped by debtor and local day),
never on the driver. Install with `pip install collectlint[spark]`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from pyspark.sql import DataFrame, Window
from pyspark.sql import functions as F
from pyspark.sql.types import IntegerType, StringType, StructField, StructType

FINDING_COLUMNS = [
    ("id", StringType()), ("rule_id", StringType()), ("category", StringType()),
    ("severity", StringType()), ("start", IntegerType()), ("end", IntegerType()),
    ("line", IntegerType()), ("column", IntegerType()), ("utterance", IntegerType()),
    ("speaker", StringType()), ("match", StringType()), ("message", StringType()),
    ("legal_basis", StringType()), ("response", StringType()), ("collector_id", StringType()),
    ("error", StringType()),
]
FINDING_SCHEMA = StructType([StructField(name, kind) for name, kind in FINDING_COLUMNS])
_METADATA = ("channel", "speaker", "sent_at", "debtor_id", "collector_id")

_linters: dict[tuple, Any] = {}


def _linter(options: dict[str, Any]) -> Any:
    """One Linter per Python worker process and option set."""
    from collectlint.api import Linter

    key = tuple(sorted((k, repr(v)) for k, v in options.items()))
    if key not in _linters:
        _linters[key] = Linter(**options)
    return _linters[key]


def _row_document(linter: Any, row: dict[str, Any], text_col: str, id_col: str) -> Any:
    meta = {k: row[k] for k in _METADATA if row.get(k) is not None}
    return linter.reader.from_text(row[text_col], id=str(row[id_col]), source="spark", **meta)


def _finding_row(doc_id: str, f: Any, collector: Any) -> dict[str, Any]:
    first = f.responses[0] if f.responses else None
    return {
        "id": doc_id, "rule_id": f.rule_id, "category": f.category, "severity": f.severity,
        "start": f.start, "end": f.end, "line": f.line, "column": f.column,
        "utterance": f.utterance, "speaker": f.speaker, "match": f.match, "message": f.message,
        "legal_basis": "；".join(f"{b.law}{b.article}" for b in f.legal_basis),
        "response": f"§{first.section} {first.title}" if first and first.section else (first.title if first else None),
        "collector_id": None if collector is None else str(collector), "error": None,
    }


def _scan_partitions(options: dict[str, Any], text_col: str, id_col: str):
    import pandas as pd

    from collectlint.errors import InputError

    def scan(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        linter = _linter(options)
        for batch in batches:
            rows: list[dict[str, Any]] = []
            for row in batch.to_dict("records"):
                doc_id = str(row[id_col])
                if not isinstance(row.get(text_col), str):
                    rows.append({**dict.fromkeys(FINDING_SCHEMA.names), "id": doc_id,
                                 "error": f"missing string column {text_col!r}"})
                    continue
                try:
                    document = _row_document(linter, row, text_col, id_col)
                except InputError as exc:
                    rows.append({**dict.fromkeys(FINDING_SCHEMA.names), "id": doc_id, "error": str(exc)})
                    continue
                result = linter.scan_document(document)
                if result.status == "error":
                    rows.append({**dict.fromkeys(FINDING_SCHEMA.names), "id": doc_id, "error": result.error})
                rows.extend(_finding_row(doc_id, f, row.get("collector_id")) for f in result.findings)
            yield pd.DataFrame(rows, columns=FINDING_SCHEMA.names)

    return scan


def _limit_partitions(options: dict[str, Any], text_col: str, id_col: str):
    """Findings for the rows a daily-limit rule flagged (the rows arrive with `_rule`)."""
    import pandas as pd

    from collectlint.engine import build_findings, first_span

    def flag(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        linter = _linter(options)
        rules = {r.spec.id: (i, r) for i, r in enumerate(linter.ruleset.rules)}
        for batch in batches:
            rows = []
            for row in batch.to_dict("records"):
                document = _row_document(linter, row, text_col, id_col)
                index, rule = rules[row["_rule"]]
                span = first_span(document, rule)
                if span is None:
                    continue
                for f in build_findings(document, [span._replace(rule=index)], linter.ruleset):
                    rows.append(_finding_row(str(row[id_col]), f, row.get("collector_id")))
            yield pd.DataFrame(rows, columns=FINDING_SCHEMA.names)

    return flag


def _connected(options: dict[str, Any], text_col: str):
    """Did the debtor speak in this call? (For limits on connected calls.)"""
    import pandas as pd

    def connected(texts):
        parser = _linter(options).reader.parser
        return texts.map(lambda t: isinstance(t, str)
                         and any(u.speaker == "borrower" for u in parser.parse(t).utterances))

    # Spark reads the kind of UDF from real (not postponed) annotations.
    connected.__annotations__ = {"texts": pd.Series, "return": pd.Series}
    return F.pandas_udf(connected, "boolean")


def scan_dataframe(
    df: DataFrame,
    text_col: str = "text",
    id_col: str = "id",
    *,
    rules: str | Sequence[str] | None = None,
    builtin: bool = True,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    quiet_hours: tuple[str, str] = ("22:00", "08:00"),
) -> DataFrame:
    """One row per finding (and one row with `error` set per row that could not be scanned).
    `channel`, `speaker`, `sent_at`, `debtor_id`, `collector_id` columns are used when present."""
    options = {"rules": rules, "builtin": builtin, "select": tuple(select), "ignore": tuple(ignore),
               "quiet_hours": tuple(quiet_hours)}
    present = [c for c in _METADATA if c in df.columns]
    rows = df.select(F.col(id_col).cast("string").alias(id_col), text_col, *present)
    findings = rows.mapInPandas(_scan_partitions(options, text_col, id_col), FINDING_SCHEMA)
    limits = _daily_limits(rows, options, text_col, id_col, present)
    return findings if limits is None else findings.unionByName(limits)


def _daily_limits(rows: DataFrame, options: dict[str, Any], text_col: str, id_col: str,
                  present: list[str]) -> DataFrame | None:
    """Rows over a per-debtor, per-local-day limit, counted in sent_at order inside Spark."""
    if not {"debtor_id", "sent_at", "channel"} <= set(present):
        return None
    linter = _linter(options)
    limits = [r.spec for r in linter.ruleset.rules if r.spec.kind == "daily_limit"]
    if not limits:
        return None
    # The local day is the date as written in the ISO 8601 timestamp (its own offset).
    dated = rows.where(F.col("debtor_id").isNotNull() & F.col("sent_at").isNotNull()) \
        .withColumn("_day", F.substring(F.col("sent_at"), 1, 10)) \
        .withColumn("_connected", _connected(options, text_col)(F.col(text_col)))
    flagged = None
    for spec in limits:
        chosen = dated.where(F.col("channel") == spec.channel)
        if spec.connected_only:
            chosen = chosen.where(F.col("_connected"))
        order = Window.partitionBy("debtor_id", "_day").orderBy("sent_at", id_col)
        over = chosen.withColumn("_n", F.row_number().over(order)).where(F.col("_n") > spec.limit) \
            .withColumn("_rule", F.lit(spec.id)).drop("_n")
        flagged = over if flagged is None else flagged.unionByName(over)
    assert flagged is not None
    return flagged.drop("_day", "_connected").mapInPandas(
        _limit_partitions(options, text_col, id_col), FINDING_SCHEMA)


def summarize(findings: DataFrame) -> DataFrame:
    """Finding counts per category and severity, and per collector when known."""
    scanned = findings.where(F.col("error").isNull())
    return scanned.groupBy("collector_id", "category", "severity").count() \
        .orderBy(F.col("count").desc(), "collector_id", "category")
