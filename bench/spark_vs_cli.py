"""Throughput of collectlint on Spark local[2] against `collectlint scan --jobs 2` on the
same data, measured in one run (both sides alternate, median of the repetitions).

    python bench/spark_vs_cli.py [--mb 20] [--reps 3]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run as bench  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=int, default=20)
    ap.add_argument("--reps", type=int, default=3)
    args = ap.parse_args()
    os.environ["PYSPARK_PYTHON"] = sys.executable
    from pyspark.sql import SparkSession

    from collectlint import Linter
    from collectlint.spark import scan_dataframe

    candidates, neutral = bench.sentence_pools(Linter())
    docs = bench.build_corpus(candidates, neutral, 0.02, 1_000_000, seed=3)
    with tempfile.TemporaryDirectory() as tmp:
        jsonl = Path(tmp) / "batch.jsonl"
        bench.write_jsonl(docs, jsonl, target_bytes=args.mb * 1_000_000)
        spark = (SparkSession.builder.master("local[2]").config("spark.ui.enabled", "false")
                 .config("spark.sql.execution.arrow.pyspark.enabled", "true").getOrCreate())
        spark.sparkContext.setLogLevel("ERROR")
        parquet = str(Path(tmp) / "batch.parquet")
        spark.read.json(str(jsonl)).repartition(8).write.parquet(parquet)
        df = spark.read.parquet(parquet).cache()
        df.count()
        cli, on_spark = [], []
        for _ in range(args.reps):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "collectlint", "scan", "--jobs", "2", "--format", "jsonl",
                            "--output", os.devnull, str(jsonl)], check=False)
            cli.append(time.perf_counter() - start)
            start = time.perf_counter()
            scan_dataframe(df).write.mode("overwrite").format("noop").save()
            on_spark.append(time.perf_counter() - start)
        spark.stop()
    mb = jsonl_size = args.mb
    print(json.dumps({"mb": jsonl_size, "cli_jobs2_s": statistics.median(cli),
                      "spark_local2_s": statistics.median(on_spark),
                      "spark_vs_cli": statistics.median(cli) / statistics.median(on_spark)}))
    print(f"Spark local[2] vs collectlint scan --jobs 2 on {mb} MB: "
          f"{statistics.median(cli) / statistics.median(on_spark):.2f}x")


if __name__ == "__main__":
    main()
