"""The partitioned pages table read back by DuckDB, Polars, pandas (pyarrow) and Spark, each
with the declared schema (PAGES_SCHEMA) and the partition folders' `year`.

Spark runs in a subprocess from its own folder (`make test` installs pyspark there, into
.venv/spark, when Java runs): installed into the venv, Great Expectations would import it.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

from flows.pipeline import clean_pages
from qingyang.schema import PAGES_SCHEMA

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
SPARK_PATH = Path(os.environ.get("QINGYANG_SPARK_PATH",
                                 Path(__file__).resolve().parents[1] / ".venv" / "spark"))
PUBLICATIONS = ["许昌日报", "郑州日报"]


def logical(dtype: pa.DataType) -> str:
    """A type as readers may hand it back: string kinds as one, list item names and
    nested nullability left out.

    >>> logical(pa.large_list(pa.large_string())) == logical(pa.list_(pa.string()))
    True
    """
    if pa.types.is_large_string(dtype) or pa.types.is_string_view(dtype):
        return "string"
    if pa.types.is_list(dtype) or pa.types.is_large_list(dtype):
        return f"list<{logical(dtype.value_type)}>"
    if pa.types.is_struct(dtype):
        return "struct<" + ", ".join(f"{f.name}: {logical(f.type)}" for f in dtype) + ">"
    return str(dtype)


def assert_declared(schema: pa.Schema) -> None:
    """Every declared column, with its declared type; `year` from the folders besides."""
    assert [n for n in schema.names if n != "year"] == PAGES_SCHEMA.names
    for field in PAGES_SCHEMA:
        assert logical(schema.field(field.name).type) == logical(field.type), field.name


@pytest.fixture(scope="module")
def pages_dir(tmp_path_factory, prefect_harness) -> Path:
    out = tmp_path_factory.mktemp("out")
    assert clean_pages([str(SEEDS)], str(out))["rows_in_table"] == 5
    return out / "pages"


def test_duckdb_reads_the_declared_schema_and_the_partitions(pages_dir):
    glob = f"{pages_dir}/**/*.parquet"
    table = duckdb.sql(f"select * from read_parquet('{glob}', hive_partitioning=true)"
                       ).to_arrow_table()
    assert_declared(table.schema)
    assert table.num_rows == 5
    chosen = duckdb.sql(f"select distinct filename from read_parquet('{glob}', "
                        "hive_partitioning=true, filename=true) "
                        "where publication = '许昌日报' and year = 2022").fetchall()
    assert [Path(name).parent.relative_to(pages_dir).as_posix() for (name,) in chosen] == [
        "publication=许昌日报/year=2022"]


def test_polars_reads_the_declared_schema(pages_dir):
    frame = pl.scan_parquet(f"{pages_dir}/**/*.parquet", hive_partitioning=True).collect()
    assert_declared(frame.to_arrow().schema)
    assert sorted(frame["publication"].unique().to_list(), key=str) == PUBLICATIONS


def test_pandas_reads_the_declared_schema(pages_dir):
    frame = pd.read_parquet(pages_dir, schema=PAGES_SCHEMA, dtype_backend="pyarrow")
    assert_declared(pa.schema([(name, frame[name].dtype.pyarrow_dtype) for name in frame]))
    assert len(frame) == 5
    # without the schema, pyarrow guesses the partition column's type: read the parts alone
    assert len(pd.read_parquet(pages_dir, partitioning=None)) == 5


SPARK_READ = """
import json, sys
from pyspark.sql import SparkSession
spark = (SparkSession.builder.master("local[1]").config("spark.ui.enabled", "false")
         .config("spark.sql.session.timeZone", "UTC").getOrCreate())
frame = spark.read.parquet(sys.argv[1])
print(json.dumps({"schema": frame.schema.jsonValue(), "rows": frame.count(),
                  "publications": [r[0] for r in frame.select("publication").distinct().collect()]},
                 ensure_ascii=False))
spark.stop()
"""
SPARK_TYPES = {"string": "string", "date": "date32[day]", "long": "int64", "integer": "int32",
               "double": "double", "boolean": "bool"}


def spark_type(dtype) -> str:
    """A Spark JSON type as `logical` writes an Arrow type."""
    if isinstance(dtype, str):
        return SPARK_TYPES[dtype]
    if dtype["type"] == "array":
        return f"list<{spark_type(dtype['elementType'])}>"
    return "struct<" + ", ".join(f"{f['name']}: {spark_type(f['type'])}"
                                 for f in dtype["fields"]) + ">"


def java_major() -> int | None:
    """The major version of the `java` on the path (None: no Java runs)."""
    try:
        said = subprocess.run(["java", "-version"], capture_output=True, text=True,
                              timeout=60).stderr
    except (OSError, subprocess.TimeoutExpired):
        return None
    version = said.partition('version "')[2].partition('"')[0]
    first = version.split(".")[0]
    return int(version.split(".")[1]) if first == "1" else int(first) if first.isdigit() else None


def test_spark_reads_the_declared_schema(pages_dir):
    if not (SPARK_PATH / "pyspark").is_dir():
        pytest.skip(f"pyspark is not installed in {SPARK_PATH} (make test installs it when "
                    "Java 17 or later runs)")
    if (java_major() or 0) < 17:
        pytest.skip(f"Spark 4 needs Java 17 or later; java here: {java_major()}")
    done = subprocess.run([sys.executable, "-c", SPARK_READ, str(pages_dir)],
                          env={**os.environ, "PYTHONPATH": str(SPARK_PATH)},
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    found = json.loads(done.stdout.strip().splitlines()[-1])
    types = {f["name"]: spark_type(f["type"]) for f in found["schema"]["fields"]}
    assert [n for n in types if n != "year"] == PAGES_SCHEMA.names
    assert {name: types[name] for name in PAGES_SCHEMA.names} == {
        f.name: logical(f.type) for f in PAGES_SCHEMA}
    assert found["rows"] == 5 and sorted(found["publications"], key=str) == PUBLICATIONS


def test_read_table_reads_the_manifests_parts_not_a_stray_one(pages_dir, tmp_path):
    import shutil

    from qingyang import dataset

    copy = tmp_path / "pages"
    shutil.copytree(pages_dir, copy)
    committed = dataset.committed_parts(copy)
    stray = committed[0].with_name("part-left-by-a-killed-run.parquet")
    shutil.copy(committed[0], stray)  # moved in, manifest not yet written
    assert stray in dataset.part_files(copy) and stray not in dataset.committed_parts(copy)
    rows = dataset.read_table(copy, PAGES_SCHEMA).column("doc_id").to_pylist()
    assert sorted(rows) == sorted(set(rows)) and len(rows) == 5
