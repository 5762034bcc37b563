"""Bad rows are reported with their reason and skipped; the rest of the export goes in."""
from __future__ import annotations

import json

import pytest

from trend_lake import run_query
from trend_lake.rows import MAX_TEXT, BadRow, check_metadata, count, text


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
    ({"stats": {"playCount": True}}, "view_count: 'True' is not a count"),
    ({"stats": {"playCount": {"n": 1}}}, "view_count: \"{'n': 1}\" is not a count"),
    ({"desc": {"text": "hi"}}, "description: an object where text belongs"),
    ({"textExtra": 5, "author": "someone", "music": "orig", "stats": [1, 2], "video": None}, None),
    ({"stats": {"playCount": 10 ** 30}}, "view_count: 1000000000000000000000000000000 is too large"),
    ({"desc": "x" * (1 << 20)}, f"description: longer than {MAX_TEXT} characters"),
])
def test_a_bad_row_is_skipped_with_its_reason_and_the_rest_imports(lake, tmp_path, bad, reason):
    good = [_item(id=f"71000000000000000{n}") for n in range(2, 5)]
    path = tmp_path / "items.json"
    path.write_text(json.dumps(good[:1] + [_item(**bad)] + good[1:]))
    report = lake.ingest(path, profile="p")
    ids = [r["id"] for r in run_query(lake, "SELECT id FROM metadata ORDER BY id").table.to_pylist()]
    if reason is None:  # sub-objects of the wrong shape are missing fields: the row goes in without them
        assert (report.read, report.imported, report.skipped_total) == (4, 4, 0)
        row = run_query(lake, f"SELECT * FROM metadata WHERE id = '{_item()['id']}'").table.to_pylist()[0]
        assert row["view_count"] is None and row["uploader"] is None and row["hashtags"] == ["tag"]
        return
    assert (report.read, report.imported, report.skipped_total) == (4, 3, 1)
    assert dict(report.skipped) == {reason: 1} and report.examples[reason] == ["row 2"]
    assert ids == sorted(i["id"] for i in good)


def test_a_row_that_is_not_an_object_or_breaks_a_mapping_is_skipped(lake, tmp_path):
    path = tmp_path / "scrape.json"
    path.write_text(json.dumps({"collector": [
        "just a string", {"id": "7100000000000000009", "hashtags": 7, "videoMeta": {"duration": 3}},
        {"id": "7100000000000000008", "hashtags": "fyp", "text": "x"}]}))
    report = lake.ingest(path, profile="p")
    assert (report.read, report.imported) == (3, 2) and dict(report.skipped) == {"row: not a JSON object": 1}
    tags = run_query(lake, "SELECT id, hashtags FROM metadata ORDER BY id").table.to_pylist()
    assert tags == [{"id": "7100000000000000008", "hashtags": ["fyp"]},  # one tag, not its letters
                    {"id": "7100000000000000009", "hashtags": []}]


def test_an_apify_row_with_a_surplus_field_is_read_not_fatal(lake, tmp_path):
    path = tmp_path / "apify.csv"
    path.write_text("id,text,diggCount,playCount,shareCount,commentCount,hashtags/0/name\n"
                    "7100000000000000001,hello,1,2,3,4,fyp\n"
                    "7100000000000000002,a caption, with a comma,1,2,3,4,fyp,surplus\n")
    report = lake.ingest(path, profile="p")
    assert report.read == 2 and report.imported + report.skipped_total == 2


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


def _outcome(check, column, value):
    try:
        return check(column, value)
    except BadRow as exc:
        return str(exc)


@pytest.mark.parametrize("values", [
    [1, 1.0, "2", -1, 2 ** 63, True, None, "", " 3 ", 2.5, float("nan")],  # mixed: value by value
    [5, None, -3, 0, 2 ** 40],                                             # plain ints: Arrow's pass
])
def test_the_column_checks_agree_with_the_per_value_check(values):
    rows = [{"id": f"id{n}", "view_count": v} for n, v in enumerate(values)]
    checked = check_metadata(rows, source="test")
    kept = dict(zip(checked.index, checked.columns["view_count"]))
    reasons = dict(checked.bad)
    for n, value in enumerate(values):
        expected = _outcome(count, "view_count", value)
        assert (kept[n] if n in kept else reasons[n]) == expected


@pytest.mark.parametrize("values", [["ok", None, "x" * (MAX_TEXT + 1), ""], ["ok", 12, {"a": 1}, "y" * (MAX_TEXT + 1)]])
def test_the_text_checks_agree_with_the_per_value_check(values):
    rows = [{"id": f"id{n}", "description": v} for n, v in enumerate(values)]
    checked = check_metadata(rows, source="test")
    kept = dict(zip(checked.index, checked.columns["description"]))
    reasons = dict(checked.bad)
    for n, value in enumerate(values):
        assert (kept[n] if n in kept else reasons[n]) == _outcome(text, "description", value)
