"""Claims share a stage's partitions out between runners: one holder at a time, released after
the work, taken over when its holder died (older than the TTL)."""
from __future__ import annotations

import os
import threading
import time
from pathlib import Path

from trend_lake.claims import _path, claim, release

KEY = ("trending", "20261124T100000000000Z")


def test_one_holder_at_a_time_and_free_again_after_release(lake):
    assert claim(lake, "transcribe", KEY)
    assert not claim(lake, "transcribe", KEY)
    assert claim(lake, "analyse", KEY)  # another stage's claim is its own
    release(lake, "transcribe", KEY)
    assert claim(lake, "transcribe", KEY)


def test_a_claim_older_than_the_ttl_is_taken_over(lake):
    assert claim(lake, "transcribe", KEY)
    old = time.time() - 120
    os.utime(_path(lake, "transcribe", KEY), (old, old))
    assert not claim(lake, "transcribe", KEY, ttl_s=300)
    assert claim(lake, "transcribe", KEY, ttl_s=60)


def test_racing_runners_get_one_claim(lake):
    wins, start = [], threading.Barrier(8)

    def race() -> None:
        start.wait()
        wins.append(claim(lake, "transcribe", KEY))

    threads = [threading.Thread(target=race) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(wins) == [False] * 7 + [True]
    assert Path(_path(lake, "transcribe", KEY)).read_bytes().count(b":") == 2  # host:pid:time, whole


def test_two_runners_share_the_partitions_and_do_each_once(lake):
    """Two analyse runners at once (as two Celery workers or two ``lake watch`` would be): every
    partition is analysed by exactly one of them, and together they do them all."""
    from types import SimpleNamespace

    from trend_lake.stages import analyse

    for n in range(6):
        stamp = f"20261124T1000{n:02d}000000Z"
        lake.write("metadata", "p", [{"id": f"post{n}", "title": f"post {n}"}], processed_at=stamp)
        lake.write("transcripts", "p", [{"id": f"post{n}", "transcript": "hello", "language": "en"}],
                   processed_at=stamp)
    seen: list[str] = []

    def summarise(*, documents, tags):
        seen.append(documents[0].video_id)
        time.sleep(0.05)  # long enough that both runners are at work together
        return SimpleNamespace(summary="s", keywords=["k"])

    def categoriser(texts):
        return ["comedy"] * len(texts)

    done: list[int] = []
    start = threading.Barrier(2)

    def run() -> None:
        start.wait()
        done.append(analyse(lake, summarise=summarise, categoriser=categoriser))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(seen) == [f"post{n}" for n in range(6)]  # each post once
    assert sum(done) == 6 and min(done) > 0  # both worked
    assert len(lake.partitions("text")) == 6
    assert not list(Path(_path(lake, "analyse", KEY)).parent.parent.glob("*/*"))  # every claim released
