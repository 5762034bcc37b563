"""A stage killed mid-write leaves no partition and no unreadable file; the re-run imports every row once."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq

from trend_lake import Lake, run_query

ROOT = Path(__file__).resolve().parents[2]
# The child imports for real, but its Parquet writer stops half-way through the file and hangs
# there, so the kill lands mid-write every time (no race with a fast machine).
_CHILD = """
import sys, time
import pyarrow.parquet as pq
from trend_lake import Lake

real = pq.write_table
def half_then_hang(table, where, **kwargs):
    real(table.slice(0, table.num_rows // 2), where, **kwargs)
    print("writing", flush=True)
    time.sleep(120)
pq.write_table = half_then_hang
Lake(sys.argv[1]).ingest(sys.argv[2], profile="big")
"""


def test_killed_mid_write_then_rerun_gives_every_row_once(tmp_path):
    lake, export = Lake(tmp_path / "lake"), tmp_path / "big.json"
    rows = 5000
    export.write_text(json.dumps([
        {"id": str(7_300_000_000_000_000_000 + n), "desc": f"post {n} #dance", "createTime": 1_700_000_000 + n,
         "author": {"uniqueId": f"u{n % 97}"}, "music": {"id": f"m{n % 51}"},
         "stats": {"diggCount": n, "shareCount": 1, "commentCount": 2, "playCount": 10 * n}} for n in range(rows)]))
    child = subprocess.Popen([sys.executable, "-c", _CHILD, str(lake.root), str(export)], cwd=ROOT,
                             env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "writing"
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait(30)

    # The half-written file exists, but only in staging: no partition, every view readable.
    assert [p for p in (lake.root / ".staging").rglob("*.parquet")]
    assert lake.partitions("metadata") == []
    assert run_query(lake, "SELECT count(*) AS n FROM metadata").table.to_pylist() == [{"n": 0}]
    # The re-run imports everything, once, and every file in the table is a whole Parquet file.
    assert lake.ingest(export, profile="big").imported == rows
    assert run_query(lake, "SELECT count(*) AS n, count(DISTINCT id) AS ids FROM metadata").table.to_pylist() == \
        [{"n": rows, "ids": rows}]
    for path in Path(lake.table_dir("metadata")).rglob("*.parquet"):
        assert pq.read_metadata(path).num_rows == rows
