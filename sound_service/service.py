"""The sounds features end to end, as the web pages, the jobs and the CLI call them: each reads
the lake's catalog of posts (``sources``) and hands it to the ``sounds`` package's parts, so all three give the
same answer for the same question.

    trending(config, tags=["fitness"], limit=10, sort="score")   # [TrendingSound]
    similar(config, path, limit=10, genre=None)                  # [SimilarMatch]
    suggest(config, path, extract=…, embed=…, limit=10)          # SuggestResult
    try_on(config, video, sound_id=…, out=…, keep_original=True) # MixResult
"""
from __future__ import annotations

import threading
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Mapping, Sequence

import pyarrow as pa
import pyarrow.compute as pc

from licences import kind_of_posts, licence
from sounds import SoundsError
from utils import StageProgress, sha256_file
from sounds.score import post_scores

if TYPE_CHECKING:
    from trend_lake import Window, WindowQuery

from .sources import (DEMO_PROFILE, audio_of, catalog_history, catalog_posts, demo_shown, demo_sounds, index_path,
                      lake_of, load_index)



# -- trending ---------------------------------------------------------------------------------
def trending_window(config: Mapping[str, Any], query: "WindowQuery | None") -> "Window | None":
    """``query`` (``trend_lake.parse_window``) resolved against the catalog ``trending`` reads: a
    relative bound counts back from its newest post (the demo's only when no other is dated)."""
    from trend_lake import newest_post

    if query is None:
        return None
    return query.resolve(newest=newest_post(catalog_posts(config), besides=(DEMO_PROFILE,)))


def trending(config: Mapping[str, Any], *, tags: Sequence[str], limit: int = 10, sort: str = "score",
             window: "Window | None" = None) -> list:
    """The catalog's sounds for ``tags`` (``sounds.trending_sounds``), counting only the posts
    created in ``window`` when given (``trending_window``); "rising" then compares it with the
    window before it, from the posts themselves (one list: the demo's dates are its posts').

    Without a window, "rising" compares a sound's snapshots, so the demo's two weekly snapshots and the creator's
    own imports are measured apart and merged by growth: else the demo's old stamps would be
    the "previous crawl" of every real sound, making each one new with its whole score as growth.
    """
    from sounds.trending import trending_sounds

    lake = lake_of(config)
    posts = catalog_posts(config, lake=lake)
    if sort != "rising" or window is not None:
        return trending_sounds(posts, tags=tags, limit=limit, sort=sort, window=window)
    history = catalog_history(config, lake=lake)
    if not demo_shown(config):
        return trending_sounds(posts, tags=tags, limit=limit, sort=sort, history=history)
    real = {**config, "TRENDTOK_SOUNDS_DEMO": False}
    demo_posts = posts.filter(pc.equal(posts.column("profile"), DEMO_PROFILE))
    demo_history = history.filter(pc.equal(history.column("profile"), DEMO_PROFILE))
    found = trending_sounds(catalog_posts(real, lake=lake), tags=tags, limit=limit, sort=sort,
                            history=catalog_history(real, lake=lake))
    found += trending_sounds(demo_posts, tags=tags, limit=limit, sort=sort, history=demo_history)
    # The order trending_sounds gives one list: growth per day (unmeasured last), score, id.
    found.sort(key=lambda s: (s.engagement_per_day is None, -(s.engagement_per_day or 0.0), -s.score, s.sound_id))
    return found[:limit]


# -- the catalog's sounds, for matching titles and features --------------------------------
@dataclass
class _Sounds:
    """One row per catalog sound: id, title, author, its posts' total score and licence kind; the
    matcher fitted on them, and one fitted on the songs CSVs' released tracks. Rebuilt when the
    catalog's posts or its songs (the ``sounds`` table) change."""

    posts: pa.Table
    songs: pa.Table
    table: pa.Table
    matcher: Any = None
    features: dict[str, dict[str, float]] = field(default_factory=dict)
    scores: dict[str, int] = field(default_factory=dict)  # sound id → its posts' total score
    kinds: dict[str, str] = field(default_factory=dict)   # sound id → licences.kind_of_posts
    song_matcher: Any = None


_sounds_lock = threading.Lock()
_sounds: dict[str, _Sounds] = {}


def catalog_sounds(config: Mapping[str, Any]) -> _Sounds:
    from trend_lake import latest

    lake = lake_of(config)
    posts = catalog_posts(config, lake=lake)
    songs = latest(lake, "sounds")  # the same object until a songs CSV is imported
    key = f"{lake.uri}|{demo_shown(config)}"
    with _sounds_lock:
        known = _sounds.get(key)
        if known is not None and known.posts is posts and known.songs is songs:
            return known
    table = _sound_table(posts)
    from sounds.matching import TitleMatcher

    matcher = TitleMatcher(sound_ids=table.column("sound_id").to_pylist(), titles=table.column("title").to_pylist(),
                           authors=table.column("author").to_pylist()) if table.num_rows else None
    song_matcher = TitleMatcher(sound_ids=songs.column("id").to_pylist(), titles=songs.column("title").to_pylist(),
                                authors=songs.column("artist").to_pylist()) if songs.num_rows else None
    ids = table.column("sound_id").to_pylist()
    kinds = [kind_of_posts(demo=d, original=o, commercial=c) for d, o, c in
             zip(*(table.column(n).to_pylist() for n in ("demo", "original", "commercial")))]
    built = _Sounds(posts=posts, songs=songs, table=table, matcher=matcher,
                    features=_sound_features(songs, table, song_matcher),
                    scores=dict(zip(ids, table.column("score").to_pylist())), kinds=dict(zip(ids, kinds)),
                    song_matcher=song_matcher)
    with _sounds_lock:
        _sounds[key] = built
    return built


def _sound_table(posts: pa.Table) -> pa.Table:
    has = posts.filter(pc.is_valid(posts.column("music_id")))
    flag = has.column("music_original")
    scored = pa.table({"sound_id": has.column("music_id"), "title": has.column("track"),
                       "author": has.column("artist"), "score": post_scores(has),
                       "demo": pc.fill_null(pc.equal(has.column("profile"), DEMO_PROFILE), False),
                       "original": pc.fill_null(flag, False), "commercial": pc.fill_null(pc.invert(flag), False)})
    return scored.group_by("sound_id", use_threads=False).aggregate(
        [("title", "first"), ("author", "first"), ("score", "sum"), ("demo", "any"), ("original", "any"),
         ("commercial", "any")]).rename_columns(["sound_id", "title", "author", "score", "demo", "original", "commercial"])


def _sound_features(songs: pa.Table, table: pa.Table, matcher: Any) -> dict[str, dict[str, float]]:
    """What is known of each sound's music: the demo's tempo from its score; for the rest, the
    songs CSVs' features (``sounds`` table: tempo, energy, danceability, valence) of the song
    whose title and artist match the sound's."""
    known: dict[str, dict[str, float]] = {}
    for sound_id, sound in demo_sounds().items():
        known[sound_id] = {"tempo": float(sound["bpm"])}
    if matcher is None or not table.num_rows:
        return known
    rows = {row["id"]: row for row in songs.select(["id", "tempo", "energy", "danceability", "valence"]).to_pylist()}
    # A sound without a title (an export's empty music name) names no song: the matcher refuses it.
    named = [(i, t, a) for i, t, a in zip(*(table.column(n).to_pylist() for n in ("sound_id", "title", "author")))
             if t and t.strip()]
    pairs = [(title, author or "") for _, title, author in named]
    for (sound_id, _, _), matches in zip(named, matcher.match_many(pairs, limit=1) if pairs else []):
        if matches and sound_id not in known:
            song = rows[matches[0].sound_id]
            known[sound_id] = {k: float(song[k]) for k in ("tempo", "energy", "danceability", "valence")
                               if song.get(k) is not None}
    return known


# -- similar music ------------------------------------------------------------------------
@dataclass(frozen=True)
class SimilarMatch:
    """A similar track and the catalog posts that use it (best title/artist match first)."""

    track: Any                   # sounds.similar.SimilarTrack
    audio: Path | None
    posts: list[dict]            # sound_id, title, author, title_score, artist_score, total_score, score, licence
    licence: dict = field(default_factory=lambda: licence("unknown"))

    def to_dict(self) -> dict:
        track = asdict(self.track)
        track.pop("path", None)  # a server path is nobody's business
        return {**track, "playable": self.audio is not None, "licence": dict(self.licence), "tiktok": self.posts}


def build_index(config: Mapping[str, Any], folders: Sequence[Path] = (), *, progress: StageProgress | None = None):
    """Index the demo sounds and every audio file under ``folders`` for similar-music search,
    saved where ``load_index`` finds it; returns the index and what was skipped, as
    ``(folder/file, reason)``. A demo track's id is its sound's id (so its posts and audio are
    found); another track's is ``<folder name>/<path in it>``."""
    from dataclasses import replace

    from sounds.similar import SimilarityIndex, index_folder

    from .sources import DEMO_DIR

    records, skipped = [], []
    sources = [DEMO_DIR / "audio", *(Path(f).resolve() for f in folders)]
    names = [_folder_names(sources[1:])]
    for number, folder in enumerate(sources):
        def heard(done: int, total: int, folder: Path = folder) -> None:
            if progress:
                progress(folder.name, done, total)

        index, report = index_folder(folder, progress=heard)
        demo = number == 0
        known = demo_sounds()
        for record in index.records:
            if demo:
                sound = known.get(Path(record.id).stem, {})
                record = replace(record, id=Path(record.id).stem, title=sound.get("title", record.title),
                                 artist=sound.get("author", record.artist), genre=record.genre or "demo")
            else:
                record = replace(record, id=f"{names[0][number - 1]}/{record.id}")
            records.append(record)
        label = "demo" if demo else names[0][number - 1]
        skipped += [(f"{label}/{name}", reason) for name, reason in report.skipped]
    index = SimilarityIndex(records)
    path = index_path(config)
    path.parent.mkdir(parents=True, exist_ok=True)
    index.save(path)
    return index, skipped


def _folder_names(folders: Sequence[Path]) -> list[str]:
    """A short, distinct name per indexed folder (its own name; "music-2" for a second "music";
    "root" for "/"), so two folders' tracks never share an id."""
    if len(set(folders)) < len(folders):
        raise SoundsError("folders", "a folder is given twice")
    names: list[str] = []
    for folder in folders:
        base = folder.name or "root"
        name, n = base, 1
        while name in names:
            n += 1
            name = f"{base}-{n}"
        names.append(name)
    return names


def similar(config: Mapping[str, Any], path: Path, *, limit: int = 10, genre: str | None = None,
            posts_per_track: int = 3) -> list[SimilarMatch]:
    """Tracks that sound like the audio at ``path`` (never itself or a copy of it), each with the
    TikTok posts whose sound's title and artist match it, ranked by match then trend score."""
    from sounds.audio import DEFAULT_SR, load_audio
    from sounds.features import audio_features

    index = load_index(config)
    if index is None:
        index, _ = build_index(config)  # the demo sounds, at least
    y = load_audio(path, sr=DEFAULT_SR)
    found = index.query(audio_features(y, sr=DEFAULT_SR), limit=limit, genre=genre, exclude_digest=sha256_file(path))
    sounds = catalog_sounds(config)
    scores = sounds.scores
    pairs = [(t.title or "", t.artist) for t in found]
    titled = [n for n, (title, _) in enumerate(pairs) if title.strip()]  # the matchers refuse an empty title
    matched = _matches(sounds.matcher, pairs, titled, limit=posts_per_track * 2)
    # An indexed track is a file from a folder: the demo's own, or a released track when its title and
    # artist are a song of the songs CSVs (the tracks that charted on TikTok), else nothing is known.
    released = _matches(sounds.song_matcher, pairs, titled, limit=1)
    demo = demo_sounds()
    out = []
    for track, matches, song in zip(found, matched, released):
        ranked = sorted(matches, key=lambda m: (-round(m.total_score, 6), -(scores.get(m.sound_id) or 0), m.sound_id))
        kind = "demo" if track.id in demo else "commercial" if song else "unknown"
        out.append(SimilarMatch(track=track, audio=audio_of(track.id, config), licence=licence(kind),
                                posts=[{**asdict(m), "score": scores.get(m.sound_id),
                                        "licence": licence(sounds.kinds.get(m.sound_id, "unknown"))}
                                       for m in ranked[:posts_per_track]]))
    return out


def _matches(matcher: Any, pairs: list, titled: list[int], *, limit: int) -> list[list]:
    """``matcher.match_many`` over the ``titled`` of ``pairs``; no match for the others."""
    found: list[list] = [[] for _ in pairs]
    if matcher is not None and titled:
        for n, matches in zip(titled, matcher.match_many([pairs[n] for n in titled], limit=limit)):
            found[n] = matches
    return found


# -- suggestions for a video -------------------------------------------------------------------
def suggest(config: Mapping[str, Any], path: Path, *, extract: Callable[[list[Path]], list], embed,
            limit: int = 10, progress: StageProgress | None = None) -> dict:
    """Sounds that fit the video at ``path``: its text (the studio's text stage), its look and
    pace (sampled frames) and its own tempo, ranked over the catalog's sounds; JSON-ready."""
    from sounds.suggest import suggest_sounds
    from sounds.video import video_features

    steps = ("text", "video", "rank")
    if progress:
        progress(steps[0], 0, 3)
    (said,) = extract([path])
    text = " ".join(t for t in (said.transcript, " ".join(c.text for c in said.captions)) if t and t.strip())
    if progress:
        progress(steps[1], 1, 3)
    video = video_features(path)
    if progress:
        progress(steps[2], 2, 3)
    sounds = catalog_sounds(config)
    found = suggest_sounds(text=text, video=video, posts=sounds.posts, embed=embed,
                           sound_features=sounds.features, limit=limit)
    if progress:
        progress(steps[2], 3, 3)
    return {"text": {"transcript": said.transcript, "language": said.language,
                     "captions": [c.text for c in said.captions]},
            "video": video.as_dict(),
            "suggestions": [{**s.as_dict(), "playable": audio_of(s.sound_id, config) is not None} for s in found]}


# -- try a sound on a clip ------------------------------------------------------------------
def try_on(config: Mapping[str, Any], video: Path, *, sound_id: str, out: Path, keep_original: bool = True,
           progress: StageProgress | None = None):
    """The clip with the catalog sound ``sound_id`` (from its hook, fitted to the clip, loudness-
    matched, ducked under the clip's speech when ``keep_original``) written to ``out``."""
    from sounds.mix import put_song_on_video

    song = audio_of(sound_id, config)
    if song is None:
        raise SoundsError("sound_id", f"{sound_id[:60]!r} has no playable audio here (a TikTok export's "
                                      "links expire): pick a sound marked playable")
    return put_song_on_video(video=video, song=song, out=out, keep_original=keep_original,
                             music_level_db=config["TRENDTOK_SOUNDS_MUSIC_DB"], progress=progress)
