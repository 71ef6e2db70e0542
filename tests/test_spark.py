"""Every Parquet file reads in Spark (pyspark, local mode) with the schema's types and the CSV's row count."""

from __future__ import annotations

import pytest

from vostochny_summit.model import TYPES

from .helpers import read_csv, require


@pytest.fixture(scope="module")
def spark():
    """One local SparkSession for every table: starting the JVM is most of the cost."""
    require("pyspark")
    from pyspark.sql import SparkSession

    session = (SparkSession.builder.master("local[1]").appName("vostochny-summit-tests")
               .config("spark.ui.enabled", "false")
               # a short-lived JVM: the quick compiler only and the simplest collector start it faster (13.1 s -> 10 s
               # for this file alone); how Spark reads the files is unchanged
               .config("spark.driver.extraJavaOptions", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC")
               .config("spark.sql.shuffle.partitions", "1")
               .config("spark.driver.bindAddress", "127.0.0.1").config("spark.driver.host", "127.0.0.1")
               .getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.mark.slow(cost=13)
def test_every_parquet_file_reads_in_spark_with_the_schema_types_and_rows(spark, pkg):
    for name, t in pkg.tables.items():
        df = spark.read.parquet(str(t.parquet_path))
        got = [(f.name, type(f.dataType).__name__) for f in df.schema.fields]
        assert got == [(f.name, TYPES[f.type]["spark"]) for f in t.fields], name
        rows = read_csv(t.csv_path)
        key = t.primary_key[0]
        got_keys = [r[key] for r in df.select(key).collect()]  # one job per table
        assert len(got_keys) == len(rows), name
        assert sorted(got_keys) == sorted(r[key] for r in rows), name
