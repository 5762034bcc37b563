"""Athena/Glue (Hive) DDL for the lake's tables, so a team that outgrows one machine queries the
same Parquet files with Athena or Trino."""
from __future__ import annotations

import pyarrow as pa

from ._types import SCHEMAS
from .query import VIEWS


def hive_type(kind: pa.DataType) -> str:
    if pa.types.is_string(kind):
        return "string"
    if pa.types.is_int64(kind):
        return "bigint"
    if pa.types.is_float64(kind):
        return "double"
    if pa.types.is_boolean(kind):
        return "boolean"
    if pa.types.is_list(kind):
        return f"array<{hive_type(kind.value_type)}>"
    raise ValueError(f"no Hive type for {kind}")


def create_tables(location: str) -> str:
    """``CREATE EXTERNAL TABLE`` for each table under ``location`` (the lake's root URI), with the
    partitions registered by ``MSCK REPAIR TABLE`` (new imports need it again, or partition projection)."""
    root = location.rstrip("/")
    statements = []
    for view, table in VIEWS.items():
        columns = ",\n".join(f"  `{field.name}` {hive_type(field.type)}" for field in SCHEMAS[table])
        statements.append(
            f"CREATE EXTERNAL TABLE IF NOT EXISTS {view} (\n{columns}\n)\n"
            f"PARTITIONED BY (profile string, processed_at string)\n"
            f"STORED AS PARQUET\nLOCATION '{root}/videos/{table}/';\n"
            f"MSCK REPAIR TABLE {view};")
    return "\n\n".join(statements) + "\n"
