"""Sound suggestions for a video: which sounds of the catalog fit what the video says and shows.

    suggestions = suggest_sounds(text="leg day at the gym #gym #workout", video=video_features(path=clip),
                                 posts=run_query(lake, "SELECT * FROM metadata").table,
                                 embed=load_summariser("minilm").embed)
    suggestions[0].sound_id, suggestions[0].score, suggestions[0].reason

The candidates are the sounds (``music_id``) the catalog's posts use. Each is scored

    score = 0.60 · text + 0.15 · fit + 0.25 · popularity            (``WEIGHTS``, each part 0–1)

* **text**: MiniLM cosine between the video's words (its caption, hashtags and content labels)
  and the sound's profile (the mean embedding of the captions and hashtags of the posts that use
  it), clipped to 0–1. Each post text is embedded once and kept (``_VECTORS``).
* **fit**: how the sound's tempo and energy suit the video's pace and energy (``_fit``), from
  ``sound_features[sound_id]`` (``tempo`` in BPM; ``energy``, ``danceability`` 0–1) when known;
  0.5 (neutral) when the sound or the video has nothing to compare. Tempo: a Gaussian in octaves
  (σ 0.2) around the clip's own music's tempo, else its pace's (``PACE_TEMPO``: 85/108/126 BPM),
  half or double time 0.1 octave further; energy: 1 − |the sound's energy and danceability − the
  mean of the video's energy score and its pace's level (``PACE_ENERGY``)|; the mean of the two.
* **popularity**: log(1 + the sound's seed-001 score) over the log of the best one in the
  catalog, the score being the sum over its posts of ``SCORE_WEIGHTS``-weighted counts.

The weights were set on the leave-one-out measure (``leave_one_out``, ``bench/eval_suggest.py
--sweep``) on half A of the real posts (split by a hash of the id) and read back on half B:
text 0.5–0.7 (popularity 0.35–0.15) is one plateau on half A (29–31 % Recall@10, 14.3 % Hit@1 on
the findable posts, a post or two apart), 0.6 its middle; popularity alone finds 7 %, text alone
loses Hit@1 (10.9 %): popularity breaks the ties among the many sounds whose posts say little.
Not kept: mixing a sound's closest post (and its track title and artist) into its mean profile
gained 2–3 posts on half A and lost 4 on half B. The fit weight cannot be measured there
(the posts come without their videos) and is a judgement: big enough to reorder sounds of similar
text closeness, too small to lift an unrelated one.
"""
from __future__ import annotations

import math
import threading
import re
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from licences import kind_of_posts, licence

from ._types import DEMO_PROFILE, CatalogError, SoundsError
from .score import SCORE_WEIGHTS, has_sound, post_scores
from .video import VideoFeatures

Embed = Callable[[list[str]], np.ndarray]

#: Each part's weight in the score (they add up to 1; see the module's docstring).
WEIGHTS: dict[str, float] = {"text": 0.60, "fit": 0.15, "popularity": 0.25}
#: The popularity-only baseline the leave-one-out measure compares against.
POPULARITY_ONLY: dict[str, float] = {"text": 0.0, "fit": 0.0, "popularity": 1.0}
REQUIRED_COLUMNS = ("id", "description", "hashtags", "music_id", "track", "artist", *SCORE_WEIGHTS)
MAX_LIMIT = 100
NEUTRAL_FIT = 0.5
#: Target tempo (BPM) for a video with no music of its own, by pace: calm footage reads better
#: under a walking beat, a clip of fast cuts under a dance one.
PACE_TEMPO = {"slow": 85.0, "medium": 108.0, "fast": 126.0}
PACE_ENERGY = {"slow": 0.3, "medium": 0.55, "fast": 0.8}
_TEMPO_SIGMA_OCTAVES = 0.2       # a tempo 15 % off the target still fits at 0.78
_CACHE_SIZE = 4                  # catalogs whose post embeddings are kept
_HASHTAG = re.compile(r"#([^\s#]+)")
_MENTION = re.compile(r"@\S*")


@dataclass(frozen=True)
class Suggestion:
    """One suggested sound. ``parts`` holds each part's weighted contribution (they add up to
    ``score``); ``text``, ``fit`` and ``popularity`` are the parts' own values, 0–1."""

    sound_id: str
    title: str
    author: str
    score: float
    parts: dict[str, float]
    text: float
    fit: float
    popularity: float
    posts: int                                   # catalog posts that use the sound
    reason: str
    url: str | None = None
    tempo_bpm: float | None = None
    hashtags: tuple[str, ...] = field(default=())  # the sound's most telling hashtags
    licence: dict[str, str] = field(default_factory=lambda: licence("unknown"))  # licences.kind_of_posts

    def as_dict(self) -> dict:
        return {"sound_id": self.sound_id, "title": self.title, "author": self.author, "score": self.score,
                "parts": dict(self.parts), "text": self.text, "fit": self.fit, "popularity": self.popularity,
                "posts": self.posts, "reason": self.reason, "url": self.url, "tempo_bpm": self.tempo_bpm,
                "hashtags": list(self.hashtags), "licence": dict(self.licence)}


# -- the catalog, embedded once ---------------------------------------------------------------

class _Catalog:
    """The posts that name a sound, each embedded once, and per-sound sums to average from."""

    def __init__(self, posts: pa.Table, embed: Embed):
        table = posts.select([c for c in (*REQUIRED_COLUMNS, "title", "music_url", "music_original", "profile")
                              if c in posts.column_names])
        table = table.filter(has_sound(table))
        rows = table.to_pylist()
        self.post_ids = [str(r["id"]) for r in rows]
        self.post_tags = [tuple(t for t in (r["hashtags"] or []) if t) for r in rows]
        self.post_text = [post_text(r) for r in rows]
        self.sound_ids = sorted({str(r["music_id"]) for r in rows})
        index = {s: i for i, s in enumerate(self.sound_ids)}
        self.post_sound = np.array([index[str(r["music_id"])] for r in rows], dtype=np.int64)
        self.post_score = post_scores(table).astype(np.float64)
        self.post_views = np.array([max(0, r.get("view_count") or 0) for r in rows], dtype=np.float64)
        vectors = np.asarray(embed(self.post_text), dtype=np.float32) if rows else np.zeros((0, 1), np.float32)
        if vectors.ndim != 2 or len(vectors) != len(rows):
            raise SoundsError("embed", f"gave {vectors.shape} for {len(rows)} texts; expected one vector per text")
        self.post_vec = vectors
        n = len(self.sound_ids)
        self.sound_sum = np.zeros((n, vectors.shape[1]), dtype=np.float64)
        np.add.at(self.sound_sum, self.post_sound, vectors)
        self.sound_count = np.bincount(self.post_sound, minlength=n).astype(np.float64)
        self.sound_score = np.bincount(self.post_sound, weights=self.post_score, minlength=n)
        self.sound_views = np.bincount(self.post_sound, weights=self.post_views, minlength=n)
        # Over all the sound's posts, the held-out one too: a licence is the sound's, not a ranking's.
        said = [(r.get("profile") == DEMO_PROFILE, r.get("music_original")) for r in rows]
        flagged = {name: np.bincount(self.post_sound, weights=[test(d, o) for d, o in said], minlength=n) > 0
                   for name, test in (("demo", lambda d, o: d), ("original", lambda d, o: o is True),
                                      ("commercial", lambda d, o: o is False))}
        self.kinds = [kind_of_posts(demo=bool(flagged["demo"][i]), original=bool(flagged["original"][i]),
                                    commercial=bool(flagged["commercial"][i])) for i in range(n)]
        self.meta: list[tuple[str, str, str | None]] = [("", "", None)] * n
        for r, s in zip(rows, self.post_sound):  # the last post's naming wins, as the lake's latest row does
            self.meta[s] = ((r.get("track") or "").strip(), (r.get("artist") or "").strip(), r.get("music_url"))
        df = Counter(t for tags in self.post_tags for t in set(tags))
        self.idf = {t: math.log((1 + len(rows)) / (1 + c)) for t, c in df.items()}
        self.by_id = {p: i for i, p in enumerate(self.post_ids)}
        self.embed = embed  # held, so the id in the cache key is not reused by another embedder

    def posts_of(self, sound: int, hidden: np.ndarray) -> np.ndarray:
        return np.flatnonzero((self.post_sound == sound) & ~hidden)


_CACHE: OrderedDict[tuple, tuple[pa.Table, _Catalog]] = OrderedDict()
_VECTORS: dict[tuple, OrderedDict[str, np.ndarray]] = {}
_TEXTS = 200_000   # post texts whose vectors are kept per embedder (MiniLM: 1.5 KiB each)
_LOCK = threading.Lock()


def post_text(row: Mapping) -> str:
    """What a post says: its title, caption, and the hashtags its caption does not already show."""
    caption = " ".join(str(row.get(k) or "") for k in ("title", "description")).strip()
    shown = {t.casefold() for t in _HASHTAG.findall(caption)}
    extra = [f"#{t}" for t in (row.get("hashtags") or []) if t and t not in shown]
    return " ".join([caption, *extra]).strip()


def _embed_key(embed: Embed) -> tuple:
    # A bound method is a new object at each attribute access: key on what it is bound to.
    owner = getattr(embed, "__self__", None)
    return (id(owner) if owner is not None else id(embed), getattr(embed, "__name__", ""))


def _catalog(posts: pa.Table, embed: Embed) -> _Catalog:
    """The embedded catalog of this very table: a new import is a new table (its counts, titles
    and posts may all differ), but a post whose text was embedded before is not embedded again."""
    key = (id(posts), *_embed_key(embed))
    with _LOCK:
        known = _CACHE.get(key)
        if known is not None and known[0] is posts:
            _CACHE.move_to_end(key)
            return known[1]
    catalog = _Catalog(posts, _remembering(embed))
    with _LOCK:
        _CACHE[key] = (posts, catalog)  # the table is kept with it, so its id is not reused meanwhile
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return catalog


def _remembering(embed: Embed) -> Embed:
    """``embed`` that reuses the vector of a text it was given before (up to ``_TEXTS`` texts)."""
    key = _embed_key(embed)
    with _LOCK:
        seen = _VECTORS.setdefault(key, OrderedDict())

    def remembered(texts: list[str]) -> np.ndarray:
        with _LOCK:
            new = [t for t in dict.fromkeys(texts) if t not in seen]
        if new:
            vectors = np.asarray(embed(new), dtype=np.float32)
            if vectors.ndim != 2 or len(vectors) != len(new):
                return vectors  # the caller reports the bad shape
            with _LOCK:
                seen.update(zip(new, vectors))
                while len(seen) > _TEXTS:
                    seen.popitem(last=False)
        with _LOCK:
            missing = [t for t in texts if t not in seen]
            if not missing:
                return np.stack([seen[t] for t in texts]) if texts else np.zeros((0, 1), np.float32)
        return np.asarray(embed(list(texts)), dtype=np.float32)  # evicted meanwhile: embed them all again

    return remembered


# -- the parts ------------------------------------------------------------------------------------

def _folded_ratio(tempo: float, target: float) -> float:
    """Distance in octaves between two tempi; half or double time (a beat tracker's usual slip,
    and a beat one can still move to) counts as the same beat, 0.1 octave further."""
    return min(abs(math.log2(tempo * m / target)) + (0.0 if m == 1.0 else 0.1) for m in (0.5, 1.0, 2.0))


def _fit(video: VideoFeatures | None, features: Mapping[str, float] | None) -> tuple[float, str]:
    """How a sound's tempo and energy suit the video (0–1, 0.5 when nothing compares), and why."""
    if video is None or not features:
        return NEUTRAL_FIT, ""
    scores, why = [], ""
    tempo = features.get("tempo")
    if tempo and tempo > 0:
        target = video.tempo_bpm or PACE_TEMPO[video.pace]
        octaves = _folded_ratio(float(tempo), target)
        scores.append(math.exp(-0.5 * (octaves / _TEMPO_SIGMA_OCTAVES) ** 2))
        if scores[-1] < 0.7:
            pass  # a tempo that does not fit is no reason to suggest the sound
        elif video.tempo_bpm:
            why = f"{tempo:.0f} BPM matches your clip's {video.tempo_bpm:.0f} BPM"
        elif video.cuts_per_s >= 0.2:
            why = f"{tempo:.0f} BPM fits your {video.cuts_per_s:.1f} cuts/s"
        else:
            why = f"{tempo:.0f} BPM suits a {video.pace}-paced clip"
    level = [features[k] for k in ("energy", "danceability") if features.get(k) is not None]
    if level:
        wanted = (video.energy_score + PACE_ENERGY[video.pace]) / 2
        sound = float(np.mean(np.clip(level, 0.0, 1.0)))
        scores.append(1.0 - abs(sound - wanted))
        if not why and scores[-1] >= 0.7:
            why = f"its energy {sound:.2f} suits your {video.energy}-energy clip"
    return (float(np.mean(scores)), why) if scores else (NEUTRAL_FIT, "")


def _query_tags(text: str) -> list[str]:
    return [t.casefold() for t in _HASHTAG.findall(text)]


def _reason(catalog: _Catalog, members: np.ndarray, query_tags: list[str], query_vec: np.ndarray,
            lift: Mapping[str, float], fit_why: str, views: float) -> tuple[str, tuple[str, ...]]:
    """One line from what set this sound apart (``lift``: each part above the candidates'
    median): the shared hashtags or the closest caption (text), the tempo or energy fit, the
    posts and views behind it (popularity). Also the sound's most telling hashtags."""
    tags = Counter(t for i in members for t in set(catalog.post_tags[i]))
    telling = tuple(sorted(tags, key=lambda t: (-tags[t] * catalog.idf.get(t, 0.0), t))[:3])
    said = []
    shared = sorted({t for t in query_tags if t in tags}, key=lambda t: (-catalog.idf.get(t, 0.0), t))
    if shared:
        said.append(("text", " ".join(f"#{t}" for t in shared[:2]) + (" posts use it" if tags[shared[0]] > 1
                                                                      else " post uses it")))
    elif len(members):
        best = members[int(np.argmax(catalog.post_vec[members] @ query_vec))]
        caption = " ".join(_MENTION.sub("", _HASHTAG.sub("", catalog.post_text[best])).split())
        if sum(c.isalnum() for c in caption) >= 3:
            said.append(("text", f"close to “{caption if len(caption) <= 48 else caption[:45].rstrip() + '…'}”"))
        elif telling:
            said.append(("text", f"{' '.join('#' + t for t in telling[:2])} posts use it"))
    if fit_why:
        said.append(("fit", fit_why))
    count = len(members)
    said.append(("popularity", f"{count} post{'s' if count != 1 else ''} with {_short(views)} views "
                               f"use{'' if count != 1 else 's'} it"))
    order = sorted(said, key=lambda p: -lift.get(p[0], 0.0))
    kept = [p for p in order if lift.get(p[0], 0.0) > 0.0][:2] or order[:1]
    return "; ".join(p[1] for p in kept), telling


def _short(n: float) -> str:
    for size, unit in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if n >= size:
            return f"{n / size:.1f}".rstrip("0").rstrip(".") + unit
    return f"{n:.0f}"


# -- the call -------------------------------------------------------------------------------------

def _validate(text, video, posts, embed, sound_features, limit, weights) -> dict[str, float]:
    if not isinstance(text, str):
        raise SoundsError("text", "must be a string (a caption, hashtags, what the video says)")
    if len(text) > 10_000:
        raise SoundsError("text", "over 10 000 characters")
    if video is not None and not isinstance(video, VideoFeatures):
        raise SoundsError("video", "must be VideoFeatures (from video_features) or None")
    if not text.strip() and video is None:
        raise SoundsError("text", "empty: give a caption or hashtags, or a video")
    if not isinstance(posts, pa.Table):
        raise CatalogError("posts", "must be a pyarrow Table of the lake's metadata rows")
    missing = [c for c in REQUIRED_COLUMNS if c not in posts.column_names]
    if missing:
        raise CatalogError("posts", f"missing column(s) {', '.join(missing)}")
    if not callable(embed):
        raise SoundsError("embed", "must be a callable: list of texts → unit vectors")
    if sound_features is not None and not isinstance(sound_features, Mapping):
        raise SoundsError("sound_features", "must map a sound id to its features (tempo, energy…)")
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        raise SoundsError("limit", f"must be a whole number from 1 to {MAX_LIMIT}")
    weights = dict(WEIGHTS if weights is None else weights)
    if set(weights) != set(WEIGHTS) or any(not isinstance(w, (int, float)) or w < 0 for w in weights.values()) \
            or not sum(weights.values()) > 0:
        raise SoundsError("weights", f"must give each of {', '.join(WEIGHTS)} a weight ≥ 0, not all 0")
    total = sum(weights.values())
    return {k: float(w) / total for k, w in weights.items()}


def suggest_sounds(*, text: str, video: VideoFeatures | None, posts: pa.Table, embed: Embed,
                   sound_features: Mapping[str, Mapping[str, float]] | None = None, limit: int = 10,
                   exclude_post_ids: Iterable[str] = (), weights: Mapping[str, float] | None = None
                   ) -> list[Suggestion]:
    """The ``limit`` (1–100) sounds of ``posts`` that best fit a video, best first.

    ``text``: the video's caption, hashtags and anything it says; ``video``: its features (or
    None: text only); ``posts``: the lake's metadata rows; ``embed``: texts → unit vectors
    (the summariser's MiniLM); ``sound_features``: per sound id, ``tempo`` (BPM) and
    ``energy``/``danceability`` (0–1) where known; ``exclude_post_ids``: posts to leave out of
    the catalog (the video's own post, or the held-out post when measuring); ``weights``:
    the parts' weights (``WEIGHTS`` by default; ``POPULARITY_ONLY`` is the baseline).
    Ties in score go to the smaller sound id. An empty catalog gives an empty list.
    """
    weights = _validate(text, video, posts, embed, sound_features, limit, weights)
    catalog = _catalog(posts, embed)
    hidden = np.zeros(len(catalog.post_ids), dtype=bool)
    for pid in exclude_post_ids:
        if str(pid) in catalog.by_id:
            hidden[catalog.by_id[str(pid)]] = True
    counts = catalog.sound_count - np.bincount(catalog.post_sound[hidden], minlength=len(catalog.sound_ids))
    alive = np.flatnonzero(counts > 0)
    if not len(alive):
        return []
    sums = catalog.sound_sum.copy()
    np.subtract.at(sums, catalog.post_sound[hidden], catalog.post_vec[hidden])
    scores = catalog.sound_score - np.bincount(catalog.post_sound[hidden], weights=catalog.post_score[hidden],
                                               minlength=len(catalog.sound_ids))
    views = catalog.sound_views - np.bincount(catalog.post_sound[hidden], weights=catalog.post_views[hidden],
                                              minlength=len(catalog.sound_ids))

    query = text.strip()
    if video is not None and video.labels:
        query = f"{query} ({', '.join(video.labels)})".strip()
    query_vec = np.asarray(embed([query]), dtype=np.float64)[0]
    profiles = sums[alive] / np.maximum(np.linalg.norm(sums[alive], axis=1, keepdims=True), 1e-12)
    closeness = np.clip(profiles @ query_vec, 0.0, 1.0)
    logs = np.log1p(np.maximum(scores[alive], 0.0))
    popularity = logs / logs.max() if logs.max() > 0 else np.zeros_like(logs)
    features = sound_features or {}
    fits = [_fit(video, features.get(catalog.sound_ids[s])) for s in alive]
    fit = np.array([f for f, _ in fits])
    total = weights["text"] * closeness + weights["fit"] * fit + weights["popularity"] * popularity
    order = sorted(range(len(alive)), key=lambda j: (-total[j], catalog.sound_ids[alive[j]]))[:limit]

    query_tags = _query_tags(text)
    # What set a sound apart is each part above the candidates' median, not its size: every
    # sound gets some popularity, and an unmeasured one a neutral fit.
    middle = {"text": float(np.median(closeness)), "fit": float(np.median(fit)),
              "popularity": float(np.median(popularity))}
    out = []
    for j in order:
        s = int(alive[j])
        values = {"text": float(closeness[j]), "fit": float(fit[j]), "popularity": float(popularity[j])}
        parts = {k: weights[k] * v for k, v in values.items()}
        lift = {k: weights[k] * (v - middle[k]) for k, v in values.items()}
        members = catalog.posts_of(s, hidden)
        reason, telling = _reason(catalog, members, query_tags, query_vec.astype(np.float32), lift, fits[j][1],
                                  float(views[s]))
        title, author, url = catalog.meta[s]
        tempo = (features.get(catalog.sound_ids[s]) or {}).get("tempo")
        out.append(Suggestion(sound_id=catalog.sound_ids[s], title=title or "untitled sound", author=author,
                              score=float(total[j]), parts=parts, text=float(closeness[j]), fit=float(fit[j]),
                              popularity=float(popularity[j]), posts=len(members), reason=reason, url=url,
                              tempo_bpm=float(tempo) if tempo else None, hashtags=telling,
                              licence=licence(catalog.kinds[s])))
    return out
