"""The one reader of since/until: what each form means, what it refuses (naming the field), how a
relative bound counts back from the newest post, and the window as SQL over the lake's view."""
from __future__ import annotations

import json
from datetime import datetime, timezone

import pyarrow as pa
import pytest

from trend_lake import LakeError, Window, newest_post, parse_window, run_query, within

DAY = 86_400
NEWEST = int(datetime(2025, 10, 2, 23, 25, 20, tzinfo=timezone.utc).timestamp())


def _at(text: str) -> int:
    return int(datetime.fromisoformat(text).replace(tzinfo=timezone.utc).timestamp())


@pytest.mark.parametrize("since, until, expected", [
    # Relative: since counts back from until, until from the newest post (kept inside: +1 s).
    ("30d", None, (NEWEST + 1 - 30 * DAY, NEWEST + 1)),
    ("7D", None, (NEWEST + 1 - 7 * DAY, NEWEST + 1)),
    ("24h", None, (NEWEST + 1 - DAY, NEWEST + 1)),
    ("1d", "7d", (NEWEST + 1 - 8 * DAY, NEWEST + 1 - 7 * DAY)),
    ("365d", None, (NEWEST + 1 - 365 * DAY, NEWEST + 1)),
    ("720h", None, (NEWEST + 1 - 30 * DAY, NEWEST + 1)),
    # A date is a UTC day: since starts at its midnight, until takes the day in.
    ("2021-05-01", "2021-05-31", (_at("2021-05-01"), _at("2021-06-01"))),
    ("2021-05-31", "2021-05-31", (_at("2021-05-31"), _at("2021-06-01"))),
    (None, "2021-05-31", (None, _at("2021-06-01"))),
    ("2025-09-01", None, (_at("2025-09-01"), NEWEST + 1)),
    # A date-time is an instant; an offset is honoured, none means UTC; until ends just before it.
    ("2021-05-01T12:00", "2021-05-02T00:00:00Z", (_at("2021-05-01T12:00"), _at("2021-05-02"))),
    ("7d", "2021-06-01T02:00:00+02:00", (_at("2021-05-25"), _at("2021-06-01"))),
    ("  30d ", "", (NEWEST + 1 - 30 * DAY, NEWEST + 1)),
])
def test_each_form_resolves_to_the_seconds_it_says(since, until, expected):
    window = parse_window(since=since, until=until).resolve(newest=NEWEST)
    assert (window.since_s, window.until_s) == expected


def test_nothing_asked_is_no_window():
    assert parse_window() is None
    assert parse_window(since="", until="  ") is None


@pytest.mark.parametrize("since, until, field, says", [
    ("0d", None, "since", "1d to 365d"), ("366d", None, "since", "1d to 365d"),
    ("721h", None, "since", "1h to 720h"), ("1000d", None, "since", "1d to 365d"),
    ("30d\n", None, "since", "is not a date"), ("\t30d", None, "since", "is not a date"),
    ("20210501T1200", None, "since", "is not a date"), ("2021-05-01 12:00", None, "since", "is not a date"),
    ("2021-05-01T12:00:00,5", None, "since", "is not a date"), ("30d" + " " * 38, None, "since", "longer than 40"), ("30m", None, "since", "is not a date"),
    ("-7d", None, "since", "is not a date"), ("7 d", None, "since", "is not a date"),
    ("yesterday", None, "since", "is not a date"), ("2021-02-30", None, "since", "is not a date"),
    ("2021-13-01", None, "since", "is not a date"), ("21-05-01", None, "since", "is not a date"),
    ("2021-05-01T25:00", None, "since", "is not a date"), ("1999-12-31", None, "since", "outside the years"),
    ("2100-01-01", None, "since", "outside the years"), ("9999-12-31T23:59-14:00", None, "since", "outside"),
    ("x" * 41, None, "since", "longer than 40"), (7, None, "since", "not int"), (["7d"], None, "since", "not list"),
    (None, "someday", "until", "is not a date"), (None, "0h", "until", "1h to 720h"),
    (None, "2021-05-01T12:00+25:00", "until", "is not a date"),
    ("2021-06-01", "2021-05-31", "since", "is not before until"),
    ("2021-05-01T12:00", "2021-05-01T12:00", "since", "is not before until"),
])
def test_a_bad_value_names_its_field(since, until, field, says):
    with pytest.raises(LakeError) as caught:
        parse_window(since=since, until=until)
    assert caught.value.field == field and caught.value.status == 400
    assert str(caught.value).startswith(f"{field}: ") and says in str(caught.value)


def test_a_since_after_an_until_counted_back_is_refused_when_resolved():
    query = parse_window(since="2025-09-30", until="7d")  # until is 2025-09-25 23:25:21 here
    with pytest.raises(LakeError, match=r"^since: 2025-09-30 is not before until \(7d: 2025-09-25T23:25:21Z\)"):
        query.resolve(newest=NEWEST)
    assert query.resolve(newest=NEWEST + 30 * DAY).since_s == _at("2025-09-30")


def test_the_resolved_window_says_its_dates_and_its_anchor():
    assert parse_window(since="30d").resolve(newest=NEWEST).to_dict() == {
        "since": "2025-09-02T23:25:21Z", "until": "2025-10-02T23:25:21Z", "days": 30.0,
        "relative_to": "2025-10-02T23:25:20Z"}
    # Both bounds given as dates: no anchor was used.
    assert parse_window(since="2021-05-01", until="2021-05-31").resolve(newest=NEWEST).to_dict() == {
        "since": "2021-05-01T00:00:00Z", "until": "2021-06-01T00:00:00Z", "days": 31.0, "relative_to": None}
    assert parse_window(until="2021-05-31").resolve(newest=NEWEST).to_dict()["days"] is None


def test_an_empty_catalog_counts_back_from_the_wall_clock():
    import time

    window = parse_window(since="7d").resolve(newest=None)
    assert abs(window.until_s - time.time()) < 5 and window.length_s == 7 * DAY and window.anchor_s is None


def test_the_previous_window_is_as_long_and_ends_where_this_one_starts():
    window = Window(1_000, 1_600)
    assert window.previous() == Window(400, 1_000)
    with pytest.raises(LakeError, match="^since: "):
        Window(None, 1_600).previous()


def test_the_mask_is_half_open_and_leaves_undated_posts_out():
    created = pa.array([999, 1_000, 1_599, 1_600, None], pa.int64())
    assert Window(1_000, 1_600).mask(created).tolist() == [False, True, True, False, False]
    assert Window(None, 1_600).mask(created).tolist() == [True, True, True, False, False]


def test_the_newest_post_leaves_the_demo_out_unless_nothing_else_is_dated():
    table = pa.table({"timestamp": pa.array([100, 500, None], pa.int64()), "profile": ["real", "demo", "real"]})
    assert newest_post(table) == 500
    assert newest_post(table, besides=("demo",)) == 100
    assert newest_post(table.slice(1, 1), besides=("demo",)) == 500
    assert newest_post(table.slice(2, 1)) is None and newest_post(table.drop_columns(["timestamp"])) is None


def test_the_window_as_sql_counts_what_the_mask_counts(lake, tmp_path):
    items = [{"id": f"p{n}", "desc": "#dance", "createTime": 1_700_000_000 + n * DAY, "stats": {"playCount": n},
              "author": {"uniqueId": "someone"}, "music": {"id": "s1"}} for n in range(10)]
    (tmp_path / "items.json").write_text(json.dumps(items))
    lake.ingest(tmp_path / "items.json", profile="trending")
    window = Window(1_700_000_000 + 2 * DAY, 1_700_000_000 + 5 * DAY)
    sql = "SELECT count(*) AS n, sum(view_count) AS views FROM metadata"
    assert run_query(lake, within(sql, window)).table.to_pylist() == [{"n": 3, "views": 2 + 3 + 4}]
    assert within(sql, None) == sql
    assert window.where_sql("m.timestamp") == "m.timestamp >= 1700172800 AND m.timestamp < 1700432000"
    with pytest.raises(LakeError, match="^column: "):
        window.where_sql("timestamp; DROP")
