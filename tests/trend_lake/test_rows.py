"""Bad rows are reported with their reason and skipped; the rest of the export goes in."""
from __future__ import annotations

import json

import pytest

from trend_lake import run_query
from trend_lake.rows import MAX_TEXT


def _item(**overrides):
    item = {"id": "7100000000000000001", "desc": "ok #tag", "createTime": 1700000000,
            "author": {"uniqueId": "a", "nickname": "A"}, "music": {"id": "m", "title": "t", "authorName": "x"},
            "stats": {"diggCount": 1, "shareCount": 1, "commentCount": 1, "playCount": 10}, "video": {"duration": 9}}
    item.update(overrides)
    return item


@pytest.mark.parametrize("bad, reason", [
    ({"id": None}, "id: missing or not an id"),
    ({"id": "../../etc"}, "id: '../../etc' is not an id"),
    ({"stats": {"diggCount": -5, "playCount": 1}}, "like_count: -5 is negative"),
    ({"stats": {"playCount": "1.2M"}}, "view_count: '1.2M' is not a number"),
    ({"stats": {"playCount": 2.5}}, "view_count: '2.5' is not a whole number"),
    ({"stats": {"playCount": True}}, "view_count: True is not a count"),
    ({"desc": "x" * (1 << 20)}, f"description: longer than {MAX_TEXT} characters"),
])
def test_a_bad_row_is_skipped_with_its_reason_and_the_rest_imports(lake, tmp_path, bad, reason):
    good = [_item(id=f"71000000000000000{n}") for n in range(2, 5)]
    path = tmp_path / "items.json"
    path.write_text(json.dumps(good[:1] + [_item(**bad)] + good[1:]))
    report = lake.ingest(path, profile="p")
    assert (report.read, report.imported, report.skipped_total) == (4, 3, 1)
    assert dict(report.skipped) == {reason: 1} and report.examples[reason] == ["row 2"]
    ids = [r["id"] for r in run_query(lake, "SELECT id FROM metadata ORDER BY id").table.to_pylist()]
    assert ids == sorted(i["id"] for i in good)


def test_an_export_with_no_good_row_writes_no_partition(lake, tmp_path):
    path = tmp_path / "items.json"
    path.write_text(json.dumps([_item(id=None), _item(stats={"playCount": -1})]))
    report = lake.ingest(path, profile="p")
    assert (report.imported, report.skipped_total, report.partition) == (0, 2, None)
    assert lake.partitions("metadata") == []


@pytest.mark.parametrize("profile", ["../up", "a/b", "", "x" * 60, None])
def test_a_profile_that_is_no_safe_name_is_refused_before_reading(lake, profile):
    from trend_lake import LakeError

    with pytest.raises(LakeError, match="^profile: "):
        lake.ingest("/nonexistent", profile=profile)
