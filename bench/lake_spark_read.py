"""Read a lake (``nivaran export``) with Spark through Spark Connect, as any Spark job would (run by hand).

Spark is not a dependency of Nivaran's core, so this runs in a scratch environment::

    uv venv /tmp/spark --python 3.11
    VIRTUAL_ENV=/tmp/spark uv pip install pysail==0.7.2 pyspark-client==4.2.0 pyarrow==26.0.1
    uv run nivaran demo --states 5 --out /tmp/nation --months 4 --end 2024-08 --scale 0.004
    /tmp/spark/bin/python bench/lake_spark_read.py /tmp/nation/lake          # a local Sail server
    /tmp/spark/bin/python bench/lake_spark_read.py /tmp/nation/lake sc://spark-host:15002   # a cluster

It prints the events' schema (``helpline`` and ``month`` found from the paths, times as
``timestamp_ntz``: wall clock of each helpline's zone), events per helpline and month, and one
helpline's complaints up to a month read by partition pruning. Checked with Sail 0.7.2 on 2026-12-06
(docs/scale.md); a Spark 4 cluster was not available.
"""

from __future__ import annotations

import sys

from pyspark.sql import SparkSession


def main() -> None:
    lake = sys.argv[1]
    server = None
    if len(sys.argv) > 2:
        remote = sys.argv[2]
    else:
        from pysail.spark import SparkConnectServer

        server = SparkConnectServer(ip="127.0.0.1", port=0)
        server.start(background=True)
        _, port = server.listening_address
        remote = f"sc://127.0.0.1:{port}"
    spark = SparkSession.builder.remote(remote).getOrCreate()
    events = spark.read.parquet(f"{lake}/events")
    events.printSchema()
    events.groupBy("helpline", "month").count().orderBy("helpline", "month").show(100)
    first = events.select("helpline").distinct().orderBy("helpline").first()
    if first is not None:
        slug = first["helpline"]
        complaints = spark.read.parquet(f"{lake}/complaints").where(f"helpline = '{slug}' and month <= '2024-08'")
        print(f"{slug}: {complaints.count()} complaints registered up to 2024-08")
    spark.stop()
    if server is not None:
        server.stop()


if __name__ == "__main__":
    main()
