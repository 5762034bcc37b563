"""The library source on real folders of real (tiny) videos, and on the bundled library."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tiktok_videos import LIBRARY_DIR, Video, VideoSourceError, load_source

FOOD = "#Foodie - #RecipeOfTheDay - #CookingHacks"
DANCE = "#DanceChallenge #fyp"


def _video(folder: Path, name: str, data: bytes, sidecar: dict | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(data)
    if sidecar is not None:
        path.with_suffix(".json").write_text(json.dumps(sidecar), "utf-8")
    return path


@pytest.fixture()
def library(tmp_path, mp4_1s, mp4_2s) -> Path:
    root = tmp_path / "library"
    food = root / FOOD
    _video(food, "pasta-in-one-pan.mp4", mp4_1s,
           {"title": "Pasta in one pan", "description": "One pan, ten minutes.", "plays": 900, "duration_s": 1.0,
            "url": "https://www.tiktok.com/@cook/video/1"})
    _video(food, "egg-hack.mp4", mp4_2s, {"title": "Egg hack", "description": "Peel in seconds.", "plays": 5000})
    _video(food, "bread.mov", mp4_1s, {"title": "No-knead bread", "plays": 900})
    _video(food, "no_sidecar_toast.mp4", mp4_2s)
    _video(food, ".hidden.mp4", mp4_1s, {"plays": 10**9})
    (food / "notes.txt").write_text("not a video")
    _video(root / DANCE, "spin.webm", mp4_1s, {"title": "Spin", "plays": 3})
    return root


def test_tag_answers_its_category_most_played_first(library):
    source = load_source("library", library_dir=library)
    videos, warnings = source.fetch("RecipeOfTheDay", limit=3)
    assert warnings == []
    # plays 5000, then the two with 900 plays by file name (bread.mov before pasta-…)
    assert [v.title for v in videos] == ["Egg hack", "No-knead bread", "Pasta in one pan"]
    egg, bread, pasta = videos
    assert all(isinstance(v, Video) and v.source == "library" and v.tag == "RecipeOfTheDay" for v in videos)
    assert pasta.path == library.resolve() / FOOD / "pasta-in-one-pan.mp4"  # returned in place
    assert pasta.description == "One pan, ten minutes."
    assert pasta.url == "https://www.tiktok.com/@cook/video/1" and egg.url is None
    assert egg.duration_s == pytest.approx(2.0, abs=0.1)  # read from the file: the sidecar has none
    assert pasta.duration_s == 1.0


def test_limit_and_no_sidecar_title_from_file_name(library):
    source = load_source("library", library_dir=library)
    videos, _ = source.fetch("foodie", limit=10)
    assert len(videos) == 4  # the hidden file and notes.txt are not videos of the library
    toast = videos[-1]  # no plays: last
    assert toast.title == "no sidecar toast"
    assert toast.description == "" and toast.duration_s == pytest.approx(2.0, abs=0.1)
    assert len(source.fetch("foodie", limit=1)[0]) == 1
    assert source.fetch("foodie", limit=0) == ([], [])


def test_match_is_casefolded_and_ids_are_stable(library, tmp_path):
    source = load_source("library", library_dir=library)
    upper, _ = source.fetch("COOKINGHACKS", limit=2)
    lower, _ = source.fetch("cookinghacks", limit=2)
    assert [v.id for v in upper] == [v.id for v in lower]
    assert len({v.id for v in upper}) == 2 and all(len(v.id) == 40 for v in upper)
    # the id depends on the place inside the library, not on where the library lies
    moved = tmp_path / "moved"
    library.rename(moved)
    assert [v.id for v in load_source("library", library_dir=moved).fetch("CookingHacks", limit=2)[0]] == \
        [v.id for v in upper]


def test_unknown_tag_is_empty_with_a_warning(library):
    videos, warnings = load_source("library", library_dir=library).fetch("Gardening")
    assert videos == []
    assert len(warnings) == 1 and "#Gardening" in warnings[0]


def test_available_tags_keep_display_case(library):
    tags = load_source("library", library_dir=library).available_tags()
    # folders in name order, hashtags in the order the folder name lists them
    assert tags == ["DanceChallenge", "fyp", "Foodie", "RecipeOfTheDay", "CookingHacks"]


def test_scripts_with_combining_marks_and_nfkc(tmp_path, mp4_1s):
    root = tmp_path / "lib"
    # Thai keeps its vowel marks; the folder spells the Latin tag in full-width letters
    _video(root / "#อาหารไทย - #ＳｔｒｅｅｔＦｏｏｄ", "pad-thai.mp4", mp4_1s, {"title": "Pad thai"})
    source = load_source("library", library_dir=root)
    assert [v.title for v in source.fetch("อาหารไทย")[0]] == ["Pad thai"]
    assert [v.title for v in source.fetch("streetfood")[0]] == ["Pad thai"]


def test_a_tag_in_two_categories_merges_them(library, mp4_1s):
    _video(library / "#fyp - #Comedy", "joke.mp4", mp4_1s, {"title": "Joke", "plays": 50})
    videos, _ = load_source("library", library_dir=library).fetch("FYP", limit=3)
    assert [v.title for v in videos] == ["Joke", "Spin"]


def test_unreadable_video_and_bad_sidecar_become_warnings(library, mp4_1s):
    food = library / FOOD
    _video(food, "broken.mp4", b"this is not a video", {"title": "Broken", "plays": 10**6})
    (food / "egg-hack.json").write_text("{not json", "utf-8")
    videos, warnings = load_source("library", library_dir=library).fetch("Foodie", limit=3)
    titles = [v.title for v in videos]
    assert "Broken" not in titles and len(videos) == 3
    assert "egg hack" in titles  # the broken sidecar falls back to the file name
    assert any("broken.mp4" in w and "cannot read" in w for w in warnings)
    assert any("egg-hack.mp4" in w and "sidecar" in w for w in warnings)


def test_symlinks_leaving_the_library_are_skipped(library, tmp_path, mp4_1s):
    outside = _video(tmp_path / "elsewhere", "secret.mp4", mp4_1s)
    (tmp_path / "elsewhere" / "secret.json").write_text(json.dumps({"title": "Secret", "plays": 10**6}))
    dance = library / DANCE
    os.symlink(outside, dance / "secret.mp4")
    os.symlink(dance / "spin.webm", dance / "spin-again.webm")  # inside: allowed
    os.symlink(tmp_path / "elsewhere", library / "#Leak")
    source = load_source("library", library_dir=library)
    videos, warnings = source.fetch("DanceChallenge", limit=5)
    assert sorted(v.path.name for v in videos) == ["spin-again.webm", "spin.webm"]
    assert any("secret.mp4" in w and "outside" in w for w in warnings)
    assert source.fetch("Leak")[0] == [] and "Leak" not in source.available_tags()


def test_to_dict_is_json_safe(library):
    video = load_source("library", library_dir=library).fetch("Foodie", limit=1)[0][0]
    record = json.loads(json.dumps(video.to_dict()))
    assert record["path"] == str(video.path) and record["source"] == "library"
    assert set(record) == {"id", "title", "source", "url", "path", "duration_s", "description", "tag"}
    with pytest.raises(AttributeError):
        video.title = "changed"  # frozen


def test_misconfiguration_raises_naming_the_setting(tmp_path, library):
    with pytest.raises(VideoSourceError, match="TRENDTOK_LIBRARY"):
        load_source("library", library_dir=tmp_path / "nowhere")
    with pytest.raises(VideoSourceError, match="TRENDTOK_SOURCE"):
        load_source("tiktok-api")
    with pytest.raises(VideoSourceError, match="url_template"):
        load_source("library", url_template="x")
    source = load_source("library", library_dir=library)
    with pytest.raises(VideoSourceError, match="limit"):
        source.fetch("Foodie", limit=-1)
    with pytest.raises(VideoSourceError, match="tag"):
        source.fetch("#")


def test_bundled_library_answers_each_category_hashtag():
    if not LIBRARY_DIR.is_dir() or not any(p.is_dir() for p in LIBRARY_DIR.iterdir()):
        pytest.skip("tiktok_videos/library is not there yet")
    source = load_source("library")
    categories = [p for p in LIBRARY_DIR.iterdir() if p.is_dir() and not p.name.startswith(".")]
    assert len(categories) >= 5
    tags = source.available_tags()
    assert len(tags) >= 5
    for category in categories:
        for tag in [t.lstrip("#") for t in category.name.replace(" - ", " ").split() if t.lstrip("#")]:
            videos, warnings = source.fetch(tag, limit=3)
            assert 1 <= len(videos) <= 3, (tag, warnings)
            assert warnings == [], warnings
            assert all(v.path.is_file() and v.duration_s > 0 and v.title for v in videos)


def test_category_without_readable_videos_says_so(tmp_path):
    folder = tmp_path / "lib" / "#Gardening"
    folder.mkdir(parents=True)
    (folder / ".tomatoes.mp4.x1.part.mp4").write_bytes(b"")  # a generator still writing
    videos, warnings = load_source("library", library_dir=tmp_path / "lib").fetch("gardening")
    assert videos == [] and warnings == ["#gardening: the library folder '#Gardening' holds no readable video"]


def test_progress_reports_each_video_and_ends_complete(library):
    calls: list[tuple[int, int]] = []
    source = load_source("library", library_dir=library)
    videos, _ = source.fetch("Foodie", limit=3, progress=lambda d, t: calls.append((d, t)))
    assert len(videos) == 3
    assert calls == [(1, 3), (2, 3), (3, 3)]
    calls.clear()
    source.fetch("DanceChallenge", limit=3, progress=lambda d, t: calls.append((d, t)))
    assert calls == [(1, 3), (3, 3)]  # one video there: the last call still says "finished"
