"""Scan a Parquet table of calls or messages on Spark and write the findings as Parquet.

    python examples/spark_scan.py INPUT.parquet OUTPUT_DIR [--text-col text] [--id-col id]

On a cluster (every executor needs `pip install collectlint[spark]` in its Python):

    spark-submit --master yarn --deploy-mode cluster \\
        --conf spark.pyspark.python=/opt/venvs/collectlint/bin/python \\
        examples/spark_scan.py hdfs:///dw/collection_calls/dt=2026-11-20 hdfs:///dw/collectlint_findings/dt=2026-11-20

The input needs a text column and an id column; `channel`, `speaker`, `sent_at`,
`debtor_id` and `collector_id` columns are used when present (the per-day call limits
need `debtor_id`, `sent_at` and `channel`).
"""

from __future__ import annotations

import argparse

from pyspark.sql import SparkSession

from collectlint.spark import scan_dataframe, summarize


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("input")
    parser.add_argument("output")
    parser.add_argument("--text-col", default="text")
    parser.add_argument("--id-col", default="id")
    args = parser.parse_args()

    spark = SparkSession.builder.appName("collectlint").getOrCreate()
    calls = spark.read.parquet(args.input)
    findings = scan_dataframe(calls, text_col=args.text_col, id_col=args.id_col)
    findings.write.mode("overwrite").parquet(args.output)
    summarize(spark.read.parquet(args.output)).show(50, truncate=False)
    spark.stop()


if __name__ == "__main__":
    main()
