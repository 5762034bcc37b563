"""The sounds features end to end over a lake: "rising" measures the demo's snapshots and the
creator's own imports apart, so one real crawl next to the demo is not "new" everywhere."""
from __future__ import annotations

import json

from sound_service import trending
from trend_lake import Lake


def _config(tmp_path, **extra):
    return {"TRENDTOK_LAKE": str(tmp_path / "lake"), "TRENDTOK_CACHE_DIR": str(tmp_path / "cache"), **extra}


def test_one_real_crawl_beside_the_demo_has_no_growth_to_show(tmp_path):
    export = tmp_path / "foodie.json"
    export.write_text(json.dumps([{"id": f"71000000000000000{n}", "desc": f"dinner idea {n} #foodie",
                                   "createTime": 1_760_000_000 + n, "author": {"uniqueId": "cook"},
                                   "music": {"id": f"real-{n % 2}", "title": f"Real {n % 2}"},
                                   "stats": {"playCount": 10 ** 7, "diggCount": 10, "commentCount": 1,
                                             "shareCount": 1}} for n in range(4)]))
    Lake(tmp_path / "lake").ingest(export, profile="mycrawl")
    rising = trending(_config(tmp_path), tags=["foodie"], limit=20, sort="rising")
    real = [s for s in rising if s.sound_id.startswith("real-")]
    demo = [s for s in rising if s.demo]
    assert len(real) == 2 and all(not s.is_new and s.engagement_per_day is None for s in real)
    assert demo and all(s.engagement_per_day is not None for s in demo)  # the demo's week still measures
    assert rising.index(real[0]) > rising.index(demo[-1])  # unmeasured growth ranks last
    # The score view still ranks the real crawl's big numbers first.
    assert trending(_config(tmp_path), tags=["foodie"], limit=1)[0].sound_id.startswith("real-")
    # With the demo hidden, only the real crawl, and still nothing to measure.
    hidden = trending(_config(tmp_path, TRENDTOK_SOUNDS_DEMO=False), tags=["foodie"], limit=20, sort="rising")
    assert {s.sound_id for s in hidden} == {"real-0", "real-1"}
