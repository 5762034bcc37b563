"""A stage killed mid-write leaves no partition and no unreadable file; the re-run finishes the job once."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from trend_lake import Lake, run_query

ROOT = Path(__file__).resolve().parents[2]
_CHILD = "import sys; from trend_lake import Lake; Lake(sys.argv[1]).ingest(sys.argv[2], profile='big')"


def _export(path: Path, rows: int) -> None:
    items = [{"id": str(7_300_000_000_000_000_000 + n), "desc": f"post {n} #dance #fyp", "createTime": 1_700_000_000 + n,
              "author": {"uniqueId": f"u{n % 97}"}, "music": {"id": f"m{n % 501}", "title": "song"},
              "stats": {"diggCount": n, "shareCount": 1, "commentCount": 2, "playCount": 10 * n}} for n in range(rows)]
    path.write_text(json.dumps(items))


def test_killed_mid_write_then_rerun_gives_every_row_once(tmp_path):
    lake, export = Lake(tmp_path / "lake"), tmp_path / "big.json"
    rows = 200_000
    _export(export, rows)
    staging = lake.root / ".staging"
    for _ in range(3):  # the write window is short: try until the kill lands inside it
        child = subprocess.Popen([sys.executable, "-c", _CHILD, str(lake.root), str(export)], cwd=ROOT,
                                 env={**os.environ, "PYTHONPATH": str(ROOT)})
        while child.poll() is None and not (staging.is_dir() and any(staging.iterdir())):
            time.sleep(0.002)
        killed_mid_write = child.poll() is None
        if killed_mid_write:
            os.kill(child.pid, signal.SIGKILL)
        child.wait(30)
        if killed_mid_write:
            break
        for partition in lake.table_dir("metadata").glob("profile=*/*"):  # it finished: start again
            import shutil

            shutil.rmtree(partition)
    assert killed_mid_write, "the child always finished before the kill"

    # Nothing half-written is visible: no partition, every view readable.
    assert lake.partitions("metadata") == []
    assert run_query(lake, "SELECT count(*) AS n FROM metadata").table.to_pylist() == [{"n": 0}]
    # The re-run imports everything, once.
    report = lake.ingest(export, profile="big")
    assert report.imported == rows
    assert run_query(lake, "SELECT count(*) AS n, count(DISTINCT id) AS ids FROM metadata").table.to_pylist() == \
        [{"n": rows, "ids": rows}]
