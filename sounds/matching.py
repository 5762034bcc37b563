"""Which catalog sound a song title names (seed 004's matcher): "Blinding Lights (feat. X)" by
"The Weeknd" → the TikTok sound of that track, by character n-grams, not exact strings.

    matcher = TitleMatcher.from_table(trend_lake.catalog.posts(lake))   # music_id, track, artist
    matcher.match("Blinding lights", "The Weeknd")                      # → [TitleMatch, …]
    matcher.match_many([("Anxiety", "Doechii"), …], limit=3)            # one list per pair

Titles and artists are vectorised separately with TF-IDF over character n-grams within words
(scikit-learn's ``char_wb``, 2–4 characters), fitted on the catalog, so a typo, a missing
apostrophe or a reordered word costs a little, not everything, and a rare n-gram says more
than "the". Scores are cosines (0..1):

    total_score = TITLE_WEIGHT·title_score + ARTIST_WEIGHT·artist_score      (0.5 / 0.5)
    total_score = title_score                                                 (no artist given)

and nothing under ``MIN_TOTAL_SCORE`` (0.65) is a match. With an artist given, the title alone
cannot pass: on the songs CSVs against the Apify catalog, the same title by another artist was
mostly another song ("Maps" by Maroon 5 and by the Yeah Yeah Yeahs: 0.5), and a title sharing a
word or two ("Paradise" / "Gangsta's Paradise": 0.72 by title) with no artist in common stays
well under; the right artist lifts a remix ("Laxed – Siren Beat" / "Laxed", Jawsh 685: 0.81).
With the artist's other songs, the title must still be ≥ 0.3 alike. Without an artist the title
decides alone, which is weaker: "Shake It" finds "Shake Dat" (0.69).
"""
from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from ._types import CatalogError, SoundsError

TITLE_WEIGHT = 0.5
ARTIST_WEIGHT = 0.5
MIN_TOTAL_SCORE = 0.65
MAX_LIMIT = 100
MAX_TEXT = 300
NGRAMS = (2, 4)
#: Titles TikTok gives a creator's own audio ("original sound - <creator>") in the languages of
#: the crawls: they name no song, so they match nothing by title.
ORIGINAL_SOUND = frozenset({
    "original sound", "sonido original", "som original", "son original", "suono originale", "originalton",
    "originalljud", "originaal heli", "orijinal ses", "suara asli", "tunog orihinal", "âm thanh gốc", "nhạc nền",
    "оригинальный звук", "оригінальний звук", "เสียงต้นฉบับ", "الصوت الأصلي", "原声", "原聲", "オリジナル楽曲",
    "오리지널 사운드", "मूल ध्वनि",
})
# "(feat. X)", "[ft X]", "(with X)", or " feat. X" to the end: who else sings is not the title.
_FEAT = re.compile(r"[(\[]\s*(?:feat|ft|featuring|with)\b[^)\]]*[)\]]|\s(?:feat|ft|featuring)\b\.?\s.*$")
_DASH = re.compile(r"\s+[-–—]\s+")
_APOSTROPHES = str.maketrans("", "", "'’‘`´")
# Queries scored at once: their cosines against every distinct title (sparse) and artist (dense)
# are at most _BLOCK_CELLS float32s each (32 MiB).
_BLOCK_CELLS = 1 << 23


@dataclass(frozen=True)
class TitleMatch:
    """A catalog sound for a (title, artist); scores are cosines in 0..1 (see the module)."""

    sound_id: str
    title: str | None
    author: str | None
    title_score: float
    artist_score: float
    total_score: float


def normalise_title(raw: str | None) -> str:
    """What a title is compared by: NFKC, case-folded, "(feat. …)" removed, apostrophes
    dropped ("don't" = "dont"), other punctuation as spaces; "" for an original sound."""
    text = _FEAT.sub(" ", unicodedata.normalize("NFKC", raw or "").casefold())
    if _DASH.split(text.strip(), maxsplit=1)[0].strip() in ORIGINAL_SOUND:
        return ""
    return _words(text)


def normalise_artist(raw: str | None) -> str:
    """What an artist is compared by: as a title, without the original-sound rule."""
    return _words(_FEAT.sub(" ", unicodedata.normalize("NFKC", raw or "").casefold()))


def _words(text: str) -> str:
    text = text.translate(_APOSTROPHES)
    return " ".join("".join(c if unicodedata.category(c)[0] in "LMN" else " " for c in text).split())


class _Field:
    """One field's TF-IDF space, fitted on the catalog's distinct values. A query's vector is
    normalised with its unseen n-grams counted (at the idf of an n-gram no sound has), so
    "zzqx love" is not "love" just because the catalog never saw "zzqx"."""

    def __init__(self, values: list[str]):
        self.values, self.index = np.unique(np.array(values, dtype=object), return_inverse=True)
        # The sounds of each distinct value: sounds[starts[v]:starts[v + 1]].
        self.sounds = np.argsort(self.index, kind="stable")
        self.starts = np.searchsorted(self.index[self.sounds], np.arange(len(self.values) + 1))
        self.vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=NGRAMS, sublinear_tf=True, norm=None,
                                          strip_accents="unicode", dtype=np.float32)
        try:  # n-grams × distinct values, each column of unit length
            self.matrix = normalize(self.vectorizer.fit_transform([str(v) for v in self.values])).T.tocsr()
        except ValueError:  # no n-gram at all (every title an original sound): nothing is alike
            self.matrix = None
            return
        self.idf = self.vectorizer.idf_
        self.unseen_idf = math.log(1 + len(self.values)) + 1  # smooth idf of an n-gram in no value
        self.analyzer = self.vectorizer.build_analyzer()
        self.vocabulary = self.vectorizer.vocabulary_

    def queries(self, texts: list[str]) -> sp.csr_matrix | None:
        """The queries' unit vectors (rows of n-grams), unseen n-grams counted in the length:
        sublinear tf × idf as the vectorizer weighs them, in one pass over each text's n-grams."""
        if self.matrix is None:
            return None
        rows, columns, weights, unseen = [], [], [], np.zeros(len(texts))
        for row, text in enumerate(texts):
            for gram, count in Counter(self.analyzer(text)).items():
                column = self.vocabulary.get(gram)
                if column is None:
                    unseen[row] += (1 + math.log(count)) ** 2
                else:
                    rows.append(row)
                    columns.append(column)
                    weights.append((1 + math.log(count)) * self.idf[column])
        known = sp.csr_matrix((weights, (rows, columns)), shape=(len(texts), self.matrix.shape[0]), dtype=np.float64)
        length = np.sqrt(np.asarray(known.power(2).sum(axis=1)).ravel() + unseen * self.unseen_idf ** 2)
        scale = np.divide(1.0, length, out=np.zeros_like(length), where=length > 0)
        return (sp.diags(scale) @ known).astype(np.float32).tocsr()

    def cosines(self, queries: sp.csr_matrix | None, rows: slice) -> sp.csr_matrix:
        """Cosines (0..1) of query ``rows`` against every distinct catalog value; zeros left out."""
        if queries is None:
            return sp.csr_matrix((rows.stop - rows.start, len(self.values)), dtype=np.float32)
        return (queries[rows] @ self.matrix).tocsr()


class TitleMatcher:
    """The catalog's sounds, ready to be matched by title and artist.

    ``sound_ids``: distinct ids; ``titles``/``authors``: the track and artist of each (None or
    "" when unknown), all the same length.
    """

    def __init__(self, *, sound_ids: Sequence[str], titles: Sequence[str | None], authors: Sequence[str | None]):
        ids, titles, authors = list(sound_ids), list(titles), list(authors)
        if not ids:
            raise CatalogError("sounds", "no sounds to match against")
        if not len(ids) == len(titles) == len(authors):
            raise CatalogError("sounds", f"{len(ids)} ids, {len(titles)} titles and {len(authors)} authors")
        if not all(isinstance(i, str) and i for i in ids):
            raise CatalogError("sounds", "every sound needs an id (a non-empty string)")
        if len(set(ids)) < len(ids):
            raise CatalogError("sounds", "a sound id appears more than once")
        for field, values in (("titles", titles), ("authors", authors)):
            if not all(v is None or isinstance(v, str) for v in values):
                raise CatalogError("sounds", f"{field} must be strings or None")
        self.sound_ids, self.titles, self.authors = ids, titles, authors
        self._id_rank = np.empty(len(ids), np.int64)  # ties are ordered by sound id
        self._id_rank[pc.sort_indices(pa.array(ids, pa.string())).to_numpy()] = np.arange(len(ids))
        self._title = _Field([normalise_title(t) for t in titles])
        self._artist = _Field([normalise_artist(a) for a in authors])

    @classmethod
    def from_table(cls, table: pa.Table, *, id_column: str = "music_id", title_column: str = "track",
                   author_column: str = "artist") -> TitleMatcher:
        """From catalog rows: the lake's ``metadata`` (one row per post; the defaults) or its
        ``sounds`` (``id_column="id", title_column="title"``). A sound's first row names it;
        rows without an id are passed over."""
        if not isinstance(table, pa.Table):
            raise CatalogError("sounds", f"a pyarrow Table of catalog rows, not {type(table).__name__}")
        missing = [c for c in (id_column, title_column, author_column) if c not in table.column_names]
        if missing:
            raise CatalogError("sounds", f"the rows lack the column(s) {', '.join(missing)}")
        rows = table.select([id_column, title_column, author_column]).filter(
            pc.fill_null(pc.not_equal(table.column(id_column), ""), False))
        first = rows.append_column("_row", pa.array(np.arange(rows.num_rows))).group_by(id_column).aggregate(
            [("_row", "min")]).column("_row_min")
        rows = rows.take(np.sort(first.to_numpy()))  # each id's first row, in table order
        return cls(sound_ids=rows.column(0).to_pylist(), titles=rows.column(1).to_pylist(),
                   authors=rows.column(2).to_pylist())

    def match(self, title: str, artist: str | None = None, *, limit: int = 10,
              min_score: float = MIN_TOTAL_SCORE) -> list[TitleMatch]:
        """The sounds whose total score for (``title``, ``artist``) is at least ``min_score``, best
        first (ties by sound id), at most ``limit`` (1–100). An original-sound title matches none."""
        return self.match_many([(title, artist)], limit=limit, min_score=min_score)[0]

    def match_many(self, pairs: Sequence[tuple[str, str | None]], *, limit: int = 10,
                   min_score: float = MIN_TOTAL_SCORE) -> list[list[TitleMatch]]:
        """``match`` for each (title, artist) of ``pairs``, as one sparse product per block of
        pairs: 10 000 pairs against 10 000 sounds take seconds, not minutes."""
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
            raise SoundsError("limit", f"a whole number from 1 to {MAX_LIMIT}, not {limit!r}")
        if isinstance(min_score, bool) or not isinstance(min_score, (int, float)) or not 0 <= min_score <= 1:
            raise SoundsError("min_score", f"a number from 0 to 1, not {min_score!r}")
        titles, artists = _check_pairs(pairs)
        if not titles:
            return []
        named = np.array([bool(normalise_title(t)) for t in titles])  # an original sound names no song
        title_queries = self._title.queries([normalise_title(t) for t in titles])
        artist_queries = self._artist.queries([normalise_artist(a) for a in artists])
        has_artist = np.array([bool(normalise_artist(a)) for a in artists])
        # The weights of what each query gives: without an artist, the title is all there is.
        title_weight = np.where(has_artist, TITLE_WEIGHT, 1.0)
        artist_weight = np.where(has_artist, ARTIST_WEIGHT, 0.0)
        # The title score a pair needs to reach min_score even with the artist alike (1.0): the
        # sparse product's entries under it are never looked at.
        floor = (min_score - artist_weight) / title_weight
        block = max(1, _BLOCK_CELLS // max(len(self._title.values), len(self._artist.values), 1))
        found: list[list[TitleMatch]] = [[] for _ in titles]
        for start in range(0, len(titles), block):
            rows = slice(start, min(start + block, len(titles)))
            pair, sound, by_title = self._candidates(self._title.cosines(title_queries, rows), floor[rows])
            pair += start
            by_artist = (self._artist.cosines(artist_queries, rows).toarray()[pair - start, self._artist.index[sound]]
                         if len(pair) else np.zeros(0, np.float32))
            total = title_weight[pair] * by_title + artist_weight[pair] * by_artist
            keep = (total >= min_score) & named[pair]
            pair, sound, by_title, by_artist, total = (a[keep] for a in (pair, sound, by_title, by_artist, total))
            order = np.lexsort((self._id_rank[sound], -total, pair))  # by pair, best first, ties by id
            pair, sound = pair[order], sound[order]
            firsts = np.searchsorted(pair, pair)  # where each pair's run starts
            for i in np.flatnonzero(np.arange(len(pair)) - firsts < limit):
                s, o = sound[i], order[i]
                found[pair[i]].append(TitleMatch(self.sound_ids[s], self.titles[s], self.authors[s],
                                                 _score(by_title[o]), _score(by_artist[o]), _score(total[o])))
        return found

    def _candidates(self, cosines: sp.csr_matrix, floor: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(query row, sound, title score) of every pair whose title score reaches its row's
        ``floor``; a distinct title's score goes to each sound bearing it."""
        if (floor > 0).all():  # only the product's non-zero entries can reach it
            row = np.repeat(np.arange(cosines.shape[0]), np.diff(cosines.indptr))
            value, score = cosines.indices, cosines.data
            keep = score >= floor[row]
            row, value, score = row[keep], value[keep], score[keep]
        else:  # a low min_score: a title alike in nothing may still pass by its artist
            dense = cosines.toarray()
            row, value = np.nonzero(dense >= floor[:, None])
            score = dense[row, value]
        counts = self._title.starts[value + 1] - self._title.starts[value]
        within = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
        sound = self._title.sounds[np.repeat(self._title.starts[value], counts) + within]
        return np.repeat(row, counts), sound, np.repeat(score, counts)


def _check_pairs(pairs: Sequence[tuple[str, str | None]]) -> tuple[list[str], list[str | None]]:
    if isinstance(pairs, (str, bytes)) or not isinstance(pairs, Sequence):
        raise SoundsError("pairs", "a list of (title, artist) pairs")
    titles, artists = [], []
    for n, pair in enumerate(pairs):
        if not isinstance(pair, (tuple, list)) or len(pair) != 2:
            raise SoundsError("pairs", f"item {n} is not a (title, artist) pair")
        title, artist = pair
        if not isinstance(title, str) or not title.strip():
            raise SoundsError("title", f"a song title is required (item {n})")
        if artist is not None and not isinstance(artist, str):
            raise SoundsError("artist", f"a name or None, not {type(artist).__name__} (item {n})")
        if len(title) > MAX_TEXT or len(artist or "") > MAX_TEXT:
            raise SoundsError("title" if len(title) > MAX_TEXT else "artist",
                              f"at most {MAX_TEXT} characters (item {n})")
        titles.append(title)
        artists.append(artist)
    return titles, artists


def _score(value: np.float32) -> float:
    """A cosine as a float in 0..1, rounded to 6 places (float32 products are not exact)."""
    return round(min(max(float(value), 0.0), 1.0), 6)
